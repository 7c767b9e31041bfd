//! The parts of Go's `net/url` the validator relies on: `Parse` (with its error texts),
//! `ResolveReference`, `String`, `PathEscape`/`PathUnescape`. Used to resolve `$id`/`$ref`
//! inside one document and to check the `uri`/`uri-reference` formats.

use std::fmt;

/// A parse failure; `Display` is Go's `*url.Error` / `EscapeError` text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UrlError {
    /// `parse "<url>": <reason>`.
    Parse { url: String, reason: String },
    /// `invalid URL escape "%zz"` (fragment or `PathUnescape`).
    Escape(String),
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Parse { url, reason } => write!(f, "parse {}: {}", go_quote(url), reason),
            UrlError::Escape(s) => write!(f, "invalid URL escape {}", go_quote(s)),
        }
    }
}

fn go_quote(s: &str) -> String {
    chartpack_encoding::gofmt::quote(s)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    PathSegment,
    Host,
    UserPassword,
    Fragment,
}

/// Go's `shouldEscape`.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Mode::Host
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => return c == b'?',
            Mode::PathSegment => return matches!(c, b'/' | b';' | b',' | b'?'),
            Mode::UserPassword => return matches!(c, b'@' | b'/' | b'?' | b':'),
            Mode::Fragment => return false,
            Mode::Host => {}
        },
        _ => {}
    }
    if mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

fn unhex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Reasons `unescape` fails, before they are wrapped.
enum Unescape {
    Escape(String),
    Host(String),
}

impl Unescape {
    fn text(&self) -> String {
        match self {
            Unescape::Escape(s) => format!("invalid URL escape {}", go_quote(s)),
            Unescape::Host(s) => format!("invalid character {} in host name", go_quote(s)),
        }
    }
}

/// Go's `unescape(s, mode)` (without the query-only `+` rule).
fn unescape(s: &str, mode: Mode) -> Result<Vec<u8>, Unescape> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let (h, l) = (b.get(i + 1).copied().and_then(unhex), b.get(i + 2).copied().and_then(unhex));
                let (Some(h), Some(l)) = (h, l) else {
                    let end = (i + 3).min(b.len());
                    return Err(Unescape::Escape(String::from_utf8_lossy(&b[i..end]).into_owned()));
                };
                if mode == Mode::Host && h < 8 && &b[i..i + 3] != b"%25" {
                    return Err(Unescape::Escape(String::from_utf8_lossy(&b[i..i + 3]).into_owned()));
                }
                out.push(h << 4 | l);
                i += 3;
            }
            c => {
                if mode == Mode::Host && c < 0x80 && should_escape(c, mode) {
                    return Err(Unescape::Host(char::from(c).to_string()));
                }
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Go's `escape(s, mode)` for the modes used here.
fn escape(s: &[u8], mode: Mode) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &c in s {
        if should_escape(c, mode) {
            out.push('%');
            out.push(char::from(HEX[usize::from(c >> 4)]));
            out.push(char::from(HEX[usize::from(c & 15)]));
        } else {
            out.push(char::from(c));
        }
    }
    out
}

/// `url.PathUnescape`.
pub(crate) fn path_unescape(s: &str) -> Result<String, UrlError> {
    unescape(s, Mode::PathSegment).map(|b| String::from_utf8_lossy(&b).into_owned()).map_err(|e| match e {
        Unescape::Escape(s) | Unescape::Host(s) => UrlError::Escape(s),
    })
}

/// `url.PathEscape`.
pub(crate) fn path_escape(s: &str) -> String {
    escape(s.as_bytes(), Mode::PathSegment)
}

/// A parsed URL without its fragment (the validator splits fragments off first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Url {
    scheme: String,
    opaque: String,
    user: Option<String>,
    host: String,
    /// The path as written (still escaped).
    raw_path: String,
    omit_host: bool,
    force_query: bool,
    raw_query: String,
    /// The fragment (decoded), when [`parse`] saw one.
    pub(crate) fragment: Option<String>,
}

fn has_ctl_byte(s: &str) -> bool {
    s.bytes().any(|b| b < 0x20 || b == 0x7f)
}

fn get_scheme(raw: &str) -> Result<(&str, &str), &'static str> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                if i == 0 {
                    return Ok(("", raw));
                }
            }
            b':' => {
                if i == 0 {
                    return Err("missing protocol scheme");
                }
                return Ok((&raw[..i], &raw[i + 1..]));
            }
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

fn valid_optional_port(port: &str) -> bool {
    match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => digits.bytes().all(|b| b.is_ascii_digit()),
    }
}

fn parse_host(host: &str) -> Result<String, String> {
    if let Some(rest) = host.strip_prefix('[') {
        let Some(i) = rest.rfind(']') else {
            return Err("missing ']' in host".to_owned());
        };
        let colon_port = &rest[i + 1..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
    } else if let Some(i) = host.rfind(':') {
        let colon_port = &host[i..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
    }
    unescape(host, Mode::Host).map(|b| String::from_utf8_lossy(&b).into_owned()).map_err(|e| e.text())
}

fn valid_userinfo(s: &str) -> bool {
    s.bytes().all(|c| c.is_ascii_alphanumeric() || b"-._:~!$&'()*+,;=%@".contains(&c))
}

/// Go's `url.Parse`, fragment included.
pub(crate) fn parse(raw: &str) -> Result<Url, UrlError> {
    let (u, frag) = match raw.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (raw, None),
    };
    let mut url = parse_no_frag(u).map_err(|reason| UrlError::Parse { url: u.to_owned(), reason })?;
    if let Some(f) = frag {
        let decoded =
            unescape(f, Mode::Fragment).map_err(|e| UrlError::Parse { url: raw.to_owned(), reason: e.text() })?;
        url.fragment = Some(String::from_utf8_lossy(&decoded).into_owned());
    }
    Ok(url)
}

fn parse_no_frag(raw: &str) -> Result<Url, String> {
    if has_ctl_byte(raw) {
        return Err("net/url: invalid control character in URL".to_owned());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.raw_path = "*".to_owned();
        return Ok(url);
    }
    let (scheme, rest) = get_scheme(raw).map_err(str::to_owned)?;
    url.scheme = scheme.to_ascii_lowercase();
    let mut rest = rest;
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        url.force_query = true;
        rest = &rest[..rest.len() - 1];
    } else if let Some((r, q)) = rest.split_once('?') {
        url.raw_query = q.to_owned();
        rest = r;
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = rest.to_owned();
            return Ok(url);
        }
        let segment = rest.split('/').next().unwrap_or("");
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".to_owned());
        }
    }
    let mut path = rest;
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let authority_and_path = &rest[2..];
        let (authority, p) = match authority_and_path.find('/') {
            Some(i) => (&authority_and_path[..i], &authority_and_path[i..]),
            None => (authority_and_path, ""),
        };
        path = p;
        match authority.rfind('@') {
            None => url.host = parse_host(authority)?,
            Some(i) => {
                url.host = parse_host(&authority[i + 1..])?;
                let userinfo = &authority[..i];
                if !valid_userinfo(userinfo) {
                    return Err("net/url: invalid userinfo".to_owned());
                }
                unescape(userinfo, Mode::UserPassword).map_err(|e| e.text())?;
                url.user = Some(userinfo.to_owned());
            }
        }
    } else if !url.scheme.is_empty() && rest.starts_with('/') {
        url.omit_host = true;
    }
    unescape(path, Mode::Path).map_err(|e| e.text())?;
    url.raw_path = path.to_owned();
    Ok(url)
}

/// Go's `resolvePath`.
fn resolve_path(base: &str, reference: &str) -> String {
    let full = if reference.is_empty() {
        base.to_owned()
    } else if !reference.starts_with('/') {
        let i = base.rfind('/').map_or(0, |i| i + 1);
        format!("{}{}", &base[..i], reference)
    } else {
        reference.to_owned()
    };
    if full.is_empty() {
        return String::new();
    }
    let mut dst = String::from("/");
    let mut first = true;
    let mut last = "";
    for elem in full.split('/') {
        last = elem;
        if elem == "." {
            first = false;
            continue;
        }
        if elem == ".." {
            let s = dst[1..].to_owned();
            dst.clear();
            dst.push('/');
            match s.rfind('/') {
                None => first = true,
                Some(i) => dst.push_str(&s[..i]),
            }
        } else {
            if !first {
                dst.push('/');
            }
            dst.push_str(elem);
            first = false;
        }
    }
    if last == "." || last == ".." {
        dst.push('/');
    }
    if dst.len() > 1 && dst.as_bytes()[1] == b'/' {
        dst.remove(0);
    }
    dst
}

/// Go's `validEncoded(s, encodePath)`.
fn valid_encoded_path(s: &str) -> bool {
    s.bytes().all(|c| {
        matches!(c, b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b':' | b'@')
            || matches!(c, b'[' | b']' | b'%')
            || !should_escape(c, Mode::Path)
    })
}

impl Url {
    /// Whether the URL has a scheme (`IsAbs`).
    pub(crate) fn is_abs(&self) -> bool {
        !self.scheme.is_empty()
    }

    /// `Hostname()`: the host without port and brackets.
    pub(crate) fn hostname(&self) -> &str {
        let host = self.host.as_str();
        if let Some(rest) = host.strip_prefix('[') {
            return rest.find(']').map_or(rest, |i| &rest[..i]);
        }
        match host.rfind(':') {
            Some(i) if valid_optional_port(&host[i..]) => &host[..i],
            _ => host,
        }
    }

    /// The raw host (`u.Host`).
    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    fn escaped_path(&self) -> String {
        if valid_encoded_path(&self.raw_path) {
            return self.raw_path.clone();
        }
        let decoded = unescape(&self.raw_path, Mode::Path).unwrap_or_else(|_| self.raw_path.as_bytes().to_vec());
        escape(&decoded, Mode::Path)
    }

    /// `ResolveReference`, then the library's fix for opaque bases.
    pub(crate) fn resolve(&self, reference: &Url) -> Url {
        let mut url = reference.clone();
        url.fragment = None;
        if reference.scheme.is_empty() {
            url.scheme = self.scheme.clone();
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
                url.raw_query = self.raw_query.clone();
            }
            if reference.raw_path.is_empty() && !self.opaque.is_empty() {
                url.opaque = self.opaque.clone();
                url.user = None;
                url.host.clear();
                url.raw_path.clear();
                done = true;
            }
            if !done {
                url.host = self.host.clone();
                url.user = self.user.clone();
                url.raw_path = resolve_path(&self.escaped_path(), &reference.escaped_path());
            }
        }
        // see golang/go#66084: ResolveReference ignores the opaque part of the base.
        if !reference.is_abs() && !self.opaque.is_empty() {
            url.opaque = self.opaque.clone();
        }
        url
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = String::new();
        if !self.scheme.is_empty() {
            buf.push_str(&self.scheme);
            buf.push(':');
        }
        if !self.opaque.is_empty() {
            buf.push_str(&self.opaque);
        } else {
            let authority = !self.scheme.is_empty() || !self.host.is_empty() || self.user.is_some();
            let omit = self.omit_host && self.host.is_empty() && self.user.is_none();
            if authority && !omit {
                if !self.host.is_empty() || !self.raw_path.is_empty() || self.user.is_some() {
                    buf.push_str("//");
                }
                if let Some(user) = &self.user {
                    buf.push_str(user);
                    buf.push('@');
                }
                if !self.host.is_empty() {
                    buf.push_str(&escape(self.host.as_bytes(), Mode::Host));
                }
            }
            let path = self.escaped_path();
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                buf.push('/');
            }
            if buf.is_empty() && path.split('/').next().unwrap_or("").contains(':') {
                buf.push_str("./");
            }
            buf.push_str(&path);
        }
        if self.force_query || !self.raw_query.is_empty() {
            buf.push('?');
            buf.push_str(&self.raw_query);
        }
        f.write_str(&buf)
    }
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
    let base_url = parse(base).map_err(|e| format!("error in parsing {}: {e}", go_quote(base)))?;
    let (r, frag) = split(reference);
    let frag = path_unescape(frag).map_err(|e| format!("error in parsing {}: {e}", go_quote(reference)))?;
    let ref_url = parse(r).map_err(|e| format!("error in parsing {}: {e}", go_quote(r)))?;
    Ok((base_url.resolve(&ref_url).to_string(), frag))
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
    fn parse_errors_read_like_go() {
        // From `helm template` with format "uri" under draft-07 (see tests.rs).
        assert_eq!(
            parse("http://a b").unwrap_err().to_string(),
            "parse \"http://a b\": invalid character \" \" in host name"
        );
        assert_eq!(parse(":x").unwrap_err().to_string(), "parse \":x\": missing protocol scheme");
        assert_eq!(parse("a:b/c").map(|u| u.is_abs()), Ok(true));
        assert_eq!(parse("x:y").map(|u| u.is_abs()), Ok(true));
        assert_eq!(
            parse("a/b:c").map(|u| u.to_string()),
            Ok("a/b:c".to_owned()),
            "colon outside the first segment is fine"
        );
        assert_eq!(parse("ab:c").map(|u| u.is_abs()), Ok(true),);
        assert_eq!(
            parse("1ab:c").unwrap_err().to_string(),
            "parse \"1ab:c\": first path segment in URL cannot contain colon"
        );
        assert_eq!(
            parse("http://x/%zz").unwrap_err().to_string(),
            "parse \"http://x/%zz\": invalid URL escape \"%zz\""
        );
        assert_eq!(
            parse("http://x:y/").unwrap_err().to_string(),
            "parse \"http://x:y/\": invalid port \":y\" after host"
        );
    }

    #[test]
    fn pointer_tokens() {
        assert_eq!(escape_token("a/b~c"), "a~1b~0c");
        assert_eq!(unescape_token("a~1b~0c").as_deref(), Some("a/b~c"));
        assert_eq!(unescape_token("a~2"), None);
        assert_eq!(encode_fragment("/$defs/a b"), "/$defs/a%20b");
    }
}
