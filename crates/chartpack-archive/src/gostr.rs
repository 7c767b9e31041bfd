//! Go standard-library string helpers whose exact output matters: `path.Clean`, `path.Join`, `strconv.Quote`.

/// Go's `path.Clean`: lexical cleaning of a `/`-separated path.
pub(crate) fn path_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for elem in path.split('/') {
        match elem {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// Go's `path.Split`: everything up to and including the last `/`, and the rest.
pub(crate) fn path_split(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    }
}

/// Go's `path.Join`: joins the non-empty elements with `/` and cleans the result (`""` if all are empty).
pub fn path_join(elems: &[&str]) -> String {
    let non_empty: Vec<&str> = elems.iter().copied().filter(|e| !e.is_empty()).collect();
    if non_empty.is_empty() {
        return String::new();
    }
    path_clean(&non_empty.join("/"))
}

/// Go's `%q`, as helm's messages quote names.
pub(crate) fn go_quote(s: &str) -> String {
    chartpack_encoding::gofmt::quote(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_clean(input: &str, want: &str) {
        assert_eq!(path_clean(input), want, "path.Clean({input:?})");
    }

    #[test]
    fn clean_matches_go() {
        // Cases from Go's path/path_test.go cleantests.
        for (i, w) in [
            ("", "."),
            ("abc", "abc"),
            ("abc/def", "abc/def"),
            ("a/b/c", "a/b/c"),
            (".", "."),
            ("..", ".."),
            ("../..", "../.."),
            ("../../abc", "../../abc"),
            ("/abc", "/abc"),
            ("/", "/"),
            ("abc/", "abc"),
            ("abc/def/", "abc/def"),
            ("a/b/c/", "a/b/c"),
            ("./", "."),
            ("../", ".."),
            ("../../", "../.."),
            ("/abc/", "/abc"),
            ("abc//def//ghi", "abc/def/ghi"),
            ("//abc", "/abc"),
            ("///abc", "/abc"),
            ("//abc//", "/abc"),
            ("abc//", "abc"),
            ("abc/./def", "abc/def"),
            ("/./abc/def", "/abc/def"),
            ("abc/.", "abc"),
            ("abc/def/ghi/../jkl", "abc/def/jkl"),
            ("abc/def/../ghi/../jkl", "abc/jkl"),
            ("abc/def/..", "abc"),
            ("abc/def/../..", "."),
            ("/abc/def/../..", "/"),
            ("abc/def/../../..", ".."),
            ("/abc/def/../../..", "/"),
            ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"),
            ("abc/./../def", "def"),
            ("abc//./../def", "def"),
            ("abc/../../././../def", "../../def"),
            ("templates/../../../../tmp/evil.yaml", "../../../tmp/evil.yaml"),
            ("..x", "..x"),
        ] {
            check_clean(i, w);
        }
    }

    #[test]
    fn join_and_split() {
        assert_eq!(path_split("c/files/x.txt"), ("c/files/", "x.txt"));
        assert_eq!(path_split("x.txt"), ("", "x.txt"));
        assert_eq!(path_join(&["c/files/", "PaxHeaders.0", "x.txt"]), "c/files/PaxHeaders.0/x.txt");
        assert_eq!(path_join(&["", "PaxHeaders.0", "x"]), "PaxHeaders.0/x");
        assert_eq!(path_join(&["a/../", "PaxHeaders.0", ""]), "PaxHeaders.0");
        assert_eq!(path_join(&["", ""]), "");
    }

    #[test]
    fn quote_matches_go() {
        for (i, w) in [
            ("Chart.yaml", "\"Chart.yaml\""),
            ("a\"b\\c", "\"a\\\"b\\\\c\""),
            ("\n\t\u{7}\u{1b}", "\"\\n\\t\\a\\x1b\""),
            ("héllo-日本", "\"héllo-日本\""),
            ("\u{7f}", "\"\\x7f\""),
            ("\u{85}", "\"\\u0085\""),
            ("\u{200b}", "\"\\u200b\""),
            ("\u{feff}", "\"\\ufeff\""),
            ("\u{f0000}", "\"\\U000f0000\""),
            ("😀", "\"😀\""),
        ] {
            assert_eq!(go_quote(i), w, "quote {i:?}");
        }
    }
}
