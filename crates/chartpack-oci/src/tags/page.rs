//! One page of `GET /v2/<name>/tags/list`: its JSON body and its `Link` to the next page.
//!
//! Mirrors oras-go v2.6.0 `registry/remote/repository.go` (`tags`: `json.NewDecoder(…).Decode`
//! into `{Tags []string}` within `MaxMetadataBytes`) and `registry/remote/utils.go`
//! (`parseLink`: the first `<…>`, resolved against the request URL as Go's `URL.Parse`).

use chartpack_encoding::json::{self, Value};

use super::TagError;

/// The largest page body read (oras-go's `defaultMaxMetadataBytes`, 4 MiB).
pub const MAX_TAG_PAGE_BYTES: usize = 4 << 20;

/// The tags of one page, in the registry's order. Like Go's `json.Decoder`, only the first JSON
/// value counts (trailing bytes are ignored), member names match case-insensitively, and
/// `tags` may be missing or `null`. The value must end within [`MAX_TAG_PAGE_BYTES`].
pub fn parse_tag_list(body: &[u8]) -> Result<Vec<String>, TagError> {
    let value_bytes = first_value(&body[..body.len().min(MAX_TAG_PAGE_BYTES + 1)]);
    if value_bytes.len() > MAX_TAG_PAGE_BYTES {
        return Err(TagError::PageTooLarge { limit: MAX_TAG_PAGE_BYTES });
    }
    let value = json::parse(value_bytes).map_err(|e| TagError::PageSyntax { message: e.to_string() })?;
    let shape = |reason| TagError::PageShape { reason };
    let tags = match &value {
        Value::Null => return Ok(Vec::new()),
        Value::Object(_) => value.get_folded_ascii("tags"),
        _ => return Err(shape("the body is not a JSON object")),
    };
    match tags {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(tag) => Ok(tag.clone()),
                Value::Null => Ok(String::new()), // Go leaves a null string slot empty
                _ => Err(shape("\"tags\" holds something other than strings")),
            })
            .collect(),
        Some(_) => Err(shape("\"tags\" is not an array")),
    }
}

/// The bytes of the first JSON value in `body` (with leading whitespace), as far as
/// `json.Decoder.Decode` reads; all of `body` when the value does not end.
fn first_value(body: &[u8]) -> &[u8] {
    let start = body.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n')).unwrap_or(body.len());
    match body.get(start) {
        Some(b'{' | b'[') => {
            let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
            for (i, &b) in body.iter().enumerate().skip(start) {
                if in_string {
                    match (escaped, b) {
                        (true, _) => escaped = false,
                        (false, b'\\') => escaped = true,
                        (false, b'"') => in_string = false,
                        _ => {}
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return &body[..=i];
                        }
                    }
                    _ => {}
                }
            }
            body
        }
        _ => {
            let end = body[start..]
                .iter()
                .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .map_or(body.len(), |i| start + i);
            &body[..end]
        }
    }
}

/// The next page's URL from a `Link` header, resolved against `current_url` (the absolute
/// `http(s)` URL of the page that sent it) as oras-go does: the first `<…>` is taken, whatever
/// its `rel`; `Ok(None)` for an empty header. Unlike oras-go, a target on another origin
/// (scheme, host or port) is refused with [`TagError::CrossOrigin`], so a registry cannot send
/// the client, and any credentials it holds for this origin, elsewhere.
pub fn next_page_url(link_header: &str, current_url: &str) -> Result<Option<String>, TagError> {
    if link_header.is_empty() {
        return Ok(None);
    }
    let bad = |reason| TagError::BadLink { link: link_header.to_owned(), reason };
    let rest = link_header.strip_prefix('<').ok_or_else(|| bad("missing '<'"))?;
    let target = &rest[..rest.find('>').ok_or_else(|| bad("missing '>'"))?];
    if target.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(bad("the target holds spaces or control characters"));
    }
    let base = Absolute::parse(current_url).ok_or_else(|| bad("the current URL is not an absolute http(s) URL"))?;
    let next = base.resolve(target).ok_or_else(|| bad("the target is not an http(s) URL without credentials"))?;
    if !base.same_origin(&next) {
        return Err(TagError::CrossOrigin { current: current_url.to_owned(), next: next.to_string() });
    }
    Ok(Some(next.to_string()))
}

/// An absolute `http(s)` URL split as RFC 3986 (fragment dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Absolute {
    scheme: String,
    authority: String,
    path: String,
    query: Option<String>,
}

impl Absolute {
    fn parse(text: &str) -> Option<Absolute> {
        let text = text.split('#').next().unwrap_or_default();
        let (scheme, rest) = text.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.is_empty() || authority.contains('@') {
            return None;
        }
        let (path, query) = split_query(tail);
        Some(Absolute { scheme, authority: authority.to_owned(), path: resolve_path(path, ""), query })
    }

    /// Go's `URL.ResolveReference` for a reference without a fragment.
    fn resolve(&self, target: &str) -> Option<Absolute> {
        let target = target.split('#').next().unwrap_or_default();
        if has_scheme(target) {
            return Absolute::parse(target);
        }
        if target.starts_with("//") {
            return Absolute::parse(&format!("{}:{target}", self.scheme));
        }
        let (path, query) = split_query(target);
        let query = if path.is_empty() && query.is_none() { self.query.clone() } else { query };
        Some(Absolute { path: resolve_path(&self.path, path), query, ..self.clone() })
    }

    fn same_origin(&self, other: &Absolute) -> bool {
        self.scheme == other.scheme && self.host_port() == other.host_port()
    }

    /// Lower-cased host with the port made explicit.
    fn host_port(&self) -> String {
        let host = self.authority.to_ascii_lowercase();
        let has_port = match host.rfind(':') {
            Some(i) => !host[i..].contains(']'),
            None => false,
        };
        if has_port {
            host
        } else {
            format!("{host}:{}", if self.scheme == "https" { 443 } else { 80 })
        }
    }
}

impl std::fmt::Display for Absolute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}{}", self.scheme, self.authority, self.path)?;
        if let Some(query) = &self.query {
            write!(f, "?{query}")?;
        }
        Ok(())
    }
}

fn split_query(text: &str) -> (&str, Option<String>) {
    match text.split_once('?') {
        Some((path, query)) => (path, Some(query.to_owned())),
        None => (text, None),
    }
}

/// Go's `getScheme` found a scheme (letters first, then letters, digits, `+-.`, then `:`).
fn has_scheme(text: &str) -> bool {
    let Some(colon) = text.find(':') else {
        return false;
    };
    let scheme = &text.as_bytes()[..colon];
    scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
}

/// Go's `resolvePath`: merge with the base directory, then remove dot segments; the result
/// starts with `/` unless both are empty.
fn resolve_path(base: &str, reference: &str) -> String {
    let full = if reference.is_empty() {
        base.to_owned()
    } else if !reference.starts_with('/') {
        format!("{}{reference}", &base[..base.rfind('/').map_or(0, |i| i + 1)])
    } else {
        reference.to_owned()
    };
    if full.is_empty() {
        return String::new();
    }
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = full.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 || out.first().is_some_and(|s| !s.is_empty()) {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if joined.starts_with('/') {
        joined
    } else {
        format!("/{joined}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_pages_decode_as_oras() {
        // Bodies helm v4.1.4 accepted from a test registry (each pull listed tags and succeeded
        // or failed on the tags alone): trailing bytes after the object are ignored, `null`
        // tags mean none.
        for (body, want) in [
            (r#"{"name":"t/res","tags":["0.1.0","1.0.0_b"]}"#, Ok(vec!["0.1.0", "1.0.0_b"])),
            (r#"{"name":"t/nulltags","tags":null}"#, Ok(vec![])),
            (r#"{"tags":["1.0.0"]} garbage"#, Ok(vec!["1.0.0"])),
            (r#" {"Tags":["a"],"tags":["b"]}"#, Ok(vec!["b"])),
            (r#"{"TAGS":["a"]}"#, Ok(vec!["a"])),
            (r#"{"name":"x"}"#, Ok(vec![])),
            (r#"{"tags":["a}",null]}"#, Ok(vec!["a}", ""])),
            ("null", Ok(vec![])),
            (r#"{"tags":[1]}"#, Err("oci.tags.page_shape")),
            (r#"{"tags":"1"}"#, Err("oci.tags.page_shape")),
            ("[]", Err("oci.tags.page_shape")),
            ("", Err("oci.tags.page_syntax")),
            (r#"{"tags":["#, Err("oci.tags.page_syntax")),
            ("<html>", Err("oci.tags.page_syntax")),
        ] {
            let got = parse_tag_list(body.as_bytes());
            let got = got.as_ref().map(|t| t.iter().map(String::as_str).collect::<Vec<_>>()).map_err(TagError::code);
            assert_eq!(got, want, "{body}");
        }
    }

    #[test]
    fn tag_pages_are_bounded() {
        let mut body = br#"{"tags":[""#.to_vec();
        body.resize(MAX_TAG_PAGE_BYTES + 10, b'a');
        body.extend_from_slice(br#""]}"#);
        assert_eq!(parse_tag_list(&body).map_err(|e| e.code()), Err("oci.tags.page_too_large"));
    }

    #[track_caller]
    fn check_link(link: &str, current: &str, want: Result<Option<&str>, &str>) {
        let got = next_page_url(link, current);
        assert_eq!(got.as_ref().map(Option::as_deref).map_err(TagError::code), want, "{link} from {current}");
    }

    #[test]
    fn next_links_resolve_as_oras() {
        // helm v4.1.4 followed `</v2/t/paged/tags/list?last=1.0.0&n=1>; rel="next"` and also
        // `<?last=1.0.0>; rel="prev"` (oras ignores rel) to the second page of a test registry.
        let current = "http://127.0.0.1:5000/v2/t/paged/tags/list";
        check_link(
            r#"</v2/t/paged/tags/list?last=1.0.0&n=1>; rel="next""#,
            current,
            Ok(Some("http://127.0.0.1:5000/v2/t/paged/tags/list?last=1.0.0&n=1")),
        );
        check_link(
            r#"<?last=1.0.0>; rel="prev""#,
            current,
            Ok(Some("http://127.0.0.1:5000/v2/t/paged/tags/list?last=1.0.0")),
        );
        check_link("", current, Ok(None));
        check_link("<list?n=2>", current, Ok(Some("http://127.0.0.1:5000/v2/t/paged/tags/list?n=2")));
        check_link("<../../x/tags/list>", current, Ok(Some("http://127.0.0.1:5000/v2/t/x/tags/list")));
        check_link("<../../../../../x>", current, Ok(Some("http://127.0.0.1:5000/x")));
        check_link("<>", "http://h/v2/a/tags/list?n=1", Ok(Some("http://h/v2/a/tags/list?n=1")));
        check_link("<//127.0.0.1:5000/v2/a/tags/list>", current, Ok(Some("http://127.0.0.1:5000/v2/a/tags/list")));
        check_link("<HTTP://127.0.0.1:5000/v2/a?last=b>", current, Ok(Some("http://127.0.0.1:5000/v2/a?last=b")));
        check_link("<http://127.0.0.1:80/v2/a>", "http://127.0.0.1/v2/b", Ok(Some("http://127.0.0.1:80/v2/a")));
        check_link("<https://other.example/v2/a>", current, Err("oci.tags.cross_origin"));
        check_link("<//other.example/v2/a>", current, Err("oci.tags.cross_origin"));
        check_link("<https://127.0.0.1:5000/v2/a>", current, Err("oci.tags.cross_origin"));
        check_link("<http://127.0.0.1:5001/v2/a>", current, Err("oci.tags.cross_origin"));
        check_link("<http://user:pw@127.0.0.1:5000/v2/a>", current, Err("oci.tags.bad_link"));
        check_link("<ftp://127.0.0.1:5000/v2/a>", current, Err("oci.tags.bad_link"));
        check_link(r#"/v2/a>; rel="next""#, current, Err("oci.tags.bad_link"));
        check_link("</v2/a", current, Err("oci.tags.bad_link"));
        let missing = next_page_url("/v2/a", current).unwrap_err();
        assert_eq!(missing.to_string(), "invalid next link \"/v2/a\": missing '<'");
    }
}
