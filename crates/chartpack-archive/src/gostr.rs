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
pub(crate) fn path_join(elems: &[&str]) -> String {
    let non_empty: Vec<&str> = elems.iter().copied().filter(|e| !e.is_empty()).collect();
    if non_empty.is_empty() {
        return String::new();
    }
    path_clean(&non_empty.join("/"))
}

/// Go's `strconv.Quote` (what `%q` prints for a string).
///
/// Printability of non-ASCII characters follows Go's `unicode.IsPrint` for the categories that
/// matter in file names (controls, format characters, separators, private use); unassigned code
/// points are treated as printable, where Go would escape them.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_ascii() || go_is_print(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Approximation of Go's `unicode.IsPrint` for non-ASCII characters.
fn go_is_print(c: char) -> bool {
    let u = c as u32;
    !matches!(u,
        0x80..=0xA0 | 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x1680 | 0x180E
        | 0x2000..=0x200F | 0x2028..=0x202F | 0x205F..=0x2064 | 0x2066..=0x206F | 0x3000 | 0xE000..=0xF8FF
        | 0xFEFF | 0xFFF9..=0xFFFB | 0xFFFE..=0xFFFF | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF | 0xF0000..=0x10FFFF)
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
