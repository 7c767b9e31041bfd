//! The parts of Go's `net/url` the validator relies on, over [`chartpack_encoding::gourl`]:
//! `Parse`, `ResolveReference` (with the library's fix for opaque bases), `String`,
//! `PathEscape`/`PathUnescape`, and JSON-pointer tokens. Used to resolve `$id`/`$ref` inside one
//! document and to check the `uri`/`uri-reference` formats.

use chartpack_encoding::gofmt::quote as go_quote;
use chartpack_encoding::gourl;
use chartpack_encoding::gourl::resolve_path;
pub(crate) use chartpack_encoding::gourl::{path_escape, path_unescape};

/// A parsed URL, as the format checks inspect it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Url(gourl::Url);

/// Go's `url.Parse`, fragment included.
pub(crate) fn parse(raw: &str) -> Result<Url, gourl::ParseError> {
    gourl::parse(raw).map(Url)
}

impl Url {
    /// Whether the URL has a scheme (`IsAbs`).
    pub(crate) fn is_abs(&self) -> bool {
        self.0.is_abs()
    }

    /// `Hostname()`: the host without port and brackets.
    pub(crate) fn hostname(&self) -> &str {
        self.0.hostname()
    }

    /// The raw host (`u.Host`).
    pub(crate) fn host(&self) -> &str {
        &self.0.host
    }
}

/// `ResolveReference` without fragments (the library splits them off first), then the library's
/// fix for opaque bases.
fn resolve(base: &gourl::Url, reference: &gourl::Url) -> gourl::Url {
    let mut url = reference.clone();
    url.raw_fragment.clear();
    if reference.scheme.is_empty() {
        url.scheme = base.scheme.clone();
    }
    if !reference.scheme.is_empty() || !reference.host.is_empty() || reference.user.is_some() {
        url.raw_path = resolve_path(&reference.escaped_path(), "");
    } else if !reference.opaque.is_empty() {
        url.user = None;
        url.host.clear();
        url.raw_path.clear();
    } else {
        let mut done = false;
        if reference.raw_path.is_empty() && !reference.force_query && reference.raw_query.is_empty() {
            url.raw_query = base.raw_query.clone();
        }
        if reference.raw_path.is_empty() && !base.opaque.is_empty() {
            url.opaque = base.opaque.clone();
            url.user = None;
            url.host.clear();
            url.raw_path.clear();
            done = true;
        }
        if !done {
            url.host = base.host.clone();
            url.user = base.user.clone();
            url.raw_path = resolve_path(&base.escaped_path(), &reference.escaped_path());
        }
    }
    // see golang/go#66084: ResolveReference ignores the opaque part of the base.
    if !reference.is_abs() && !base.opaque.is_empty() {
        url.opaque = base.opaque.clone();
    }
    url
}

/// Splits `s` at its first `#` (`split` in the library).
pub(crate) fn split(s: &str) -> (&str, &str) {
    match s.find('#') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    }
}

/// `url(base).join(ref)`: the absolute URL (without fragment) and the decoded fragment;
/// the error is the library's `ParseURLError` text.
pub(crate) fn join(base: &str, reference: &str) -> Result<(String, String), String> {
    let base_url = gourl::parse(base).map_err(|e| format!("error in parsing {}: {e}", go_quote(base)))?;
    let (r, frag) = split(reference);
    let frag = path_unescape(frag).map_err(|e| format!("error in parsing {}: {e}", go_quote(reference)))?;
    let ref_url = gourl::parse(r).map_err(|e| format!("error in parsing {}: {e}", go_quote(r)))?;
    Ok((resolve(&base_url, &ref_url).to_string(), frag))
}

/// JSON-pointer token escaping (`~` → `~0`, `/` → `~1`).
pub(crate) fn escape_token(tok: &str) -> String {
    tok.replace('~', "~0").replace('/', "~1")
}

/// JSON-pointer token unescaping; `None` for a `~` not followed by `0` or `1`.
pub(crate) fn unescape_token(tok: &str) -> Option<String> {
    if !tok.contains('~') {
        return Some(tok.to_owned());
    }
    let mut out = String::with_capacity(tok.len());
    let mut chars = tok.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// The library's `encode`: `PathEscape` of each `/`-separated part.
pub(crate) fn encode_fragment(frag: &str) -> String {
    frag.split('/').map(path_escape).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_join(base: &str, reference: &str, want: &str) {
        let (u, f) = join(base, reference).unwrap();
        let got = if f.is_empty() { u } else { format!("{u}#{f}") };
        assert_eq!(got, want, "{base} + {reference}");
    }

    #[test]
    fn references_resolve_like_go() {
        check_join("file:///values.schema.json", "#/definitions/x", "file:///values.schema.json#/definitions/x");
        check_join("file:///values.schema.json", "other.json", "file:///other.json");
        check_join("file:///values.schema.json", "../../a/./b.json", "file:///a/b.json");
        check_join("http://example.com/root.json", "item.json#foo", "http://example.com/item.json#foo");
        check_join("http://example.com/a/b", "/c", "http://example.com/c");
        check_join("http://example.com/a/b", "//other/x", "http://other/x");
        check_join("urn:example:root", "#/definitions/x", "urn:example:root#/definitions/x");
        check_join("file:///values.schema.json", "urn:uuid:1234", "urn:uuid:1234");
        check_join("file:///values.schema.json", "#a%25b", "file:///values.schema.json#a%b");
        check_join("file:///values.schema.json", "#", "file:///values.schema.json");
    }

    #[test]
    fn pointer_tokens() {
        assert_eq!(escape_token("a/b~c"), "a~1b~0c");
        assert_eq!(unescape_token("a~1b~0c").as_deref(), Some("a/b~c"));
        assert_eq!(unescape_token("a~2"), None);
        assert_eq!(encode_fragment("/$defs/a b"), "/$defs/a%20b");
    }
}
