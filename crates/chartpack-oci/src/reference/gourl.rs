//! The parts of Go's `net/url` (go1.25) that decide which OCI references helm accepts: `Parse`
//! with its errors, `URL.String`, and the host rules `ParseRequestURI` applies to a registry.

/// A URL as Go's `url.Parse` splits it (only what helm's OCI code looks at).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct GoUrl {
    /// Lower-cased scheme, `""` when there is none.
    pub(super) scheme: String,
    /// Rootless text after `scheme:` (`oci:charts`), which Go keeps opaque.
    pub(super) opaque: Option<String>,
    /// Raw `user[:password]` before `@` in the authority.
    pub(super) user: Option<String>,
    /// Host and port, percent-decoded.
    pub(super) host: String,
    /// Whether an authority (`//…`) was present.
    pub(super) has_authority: bool,
    /// The path as written.
    pub(super) raw_path: String,
    /// The query as written, without `?`; `Some("")` for a trailing lone `?`.
    pub(super) query: Option<String>,
    /// The fragment as written, without `#`.
    pub(super) fragment: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    Fragment,
}

/// Go's `url.Parse`; `None` where Go returns an error (helm then says `invalid chart URL format`).
pub(super) fn parse(raw: &str) -> Option<GoUrl> {
    let (without_fragment, fragment) = match raw.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (raw, None),
    };
    if without_fragment.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return None; // net/url: invalid control character in URL
    }
    if let Some(f) = fragment {
        unescape(f, Mode::Fragment)?;
    }
    let (scheme, rest) = scheme(without_fragment)?;
    let scheme = scheme.to_ascii_lowercase();
    let (rest, query) = if rest.ends_with('?') && rest.matches('?').count() == 1 {
        (&rest[..rest.len() - 1], Some(String::new()))
    } else {
        match rest.split_once('?') {
            Some((r, q)) => (r, Some(q.to_owned())),
            None => (rest, None),
        }
    };
    let mut url = GoUrl {
        scheme,
        opaque: None,
        user: None,
        host: String::new(),
        has_authority: false,
        raw_path: String::new(),
        query,
        fragment: fragment.filter(|f| !f.is_empty()).map(str::to_owned),
    };
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = Some(rest.to_owned());
            return Some(url);
        }
        if rest.split('/').next().is_some_and(|segment| segment.contains(':')) {
            return None; // first path segment in URL cannot contain colon
        }
    }
    let mut path = rest;
    if let Some(after) = rest.strip_prefix("//").filter(|_| !url.scheme.is_empty() || !rest.starts_with("///")) {
        let (authority, tail) = after.find('/').map_or((after, ""), |i| after.split_at(i));
        path = tail;
        url.has_authority = true;
        let host_part = match authority.rfind('@') {
            Some(i) => {
                let user = &authority[..i];
                if !valid_userinfo(user) {
                    return None;
                }
                unescape(user, Mode::Path)?;
                url.user = Some(user.to_owned());
                &authority[i + 1..]
            }
            None => authority,
        };
        url.host = parse_host(host_part)?;
    }
    unescape(path, Mode::Path)?;
    url.raw_path = path.to_owned();
    Some(url)
}

impl GoUrl {
    /// Go's `URL.String()` for the URLs [`parse`] returns.
    pub(super) fn to_go_string(&self) -> String {
        let mut out = String::new();
        if !self.scheme.is_empty() {
            out.push_str(&self.scheme);
            out.push(':');
        }
        if let Some(opaque) = &self.opaque {
            out.push_str(opaque);
        } else {
            let path = escaped(&self.raw_path, Mode::Path);
            if (!self.scheme.is_empty() || !self.host.is_empty() || self.user.is_some())
                && (!self.host.is_empty() || !path.is_empty() || self.user.is_some())
                && (self.has_authority || !self.host.is_empty() || self.user.is_some())
            {
                out.push_str("//");
                if let Some(user) = &self.user {
                    out.push_str(user);
                    out.push('@');
                }
                out.push_str(&escape(&self.host, Mode::Host));
            }
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                out.push('/');
            }
            if out.is_empty() && path.split('/').next().is_some_and(|s| s.contains(':')) {
                out.push_str("./");
            }
            out.push_str(&path);
        }
        if let Some(query) = &self.query {
            out.push('?');
            out.push_str(query);
        }
        if let Some(fragment) = &self.fragment {
            out.push('#');
            out.push_str(&escaped(fragment, Mode::Fragment));
        }
        out
    }

    /// The decoded path (Go's `URL.Path`).
    pub(super) fn path(&self) -> String {
        unescape(&self.raw_path, Mode::Path).unwrap_or_default()
    }
}

/// oras-go `Reference.ValidateRegistry`: `url.ParseRequestURI("dummy://" + registry)` must
/// succeed with exactly `registry` as its host.
pub(super) fn is_valid_registry(registry: &str) -> bool {
    if registry.is_empty() || registry.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return false;
    }
    // ParseRequestURI cuts the query off and takes user info out of the host.
    if registry.contains('?') || registry.contains('@') {
        return false;
    }
    parse_host(registry).is_some_and(|host| host == registry)
}

/// Go's `getScheme`.
fn scheme(raw: &str) -> Option<(&str, &str)> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return None, // missing protocol scheme
            b':' => return Some((&raw[..i], &raw[i + 1..])),
            _ => return Some(("", raw)),
        }
    }
    Some(("", raw))
}

/// Go's `parseHost` (go1.25.9: a bracketed host must be an IPv6 address, and `[` may only open one).
fn parse_host(host: &str) -> Option<String> {
    if let Some(inner) = host.strip_prefix('[') {
        let close = inner.rfind(']')?;
        if !valid_optional_port(&inner[close + 1..]) {
            return None;
        }
        if inner[..close].contains('%') || inner[..close].parse::<std::net::Ipv6Addr>().is_err() {
            return None; // zones (`%25`) are not supported; Go rejects other non-IPv6 literals
        }
    } else if host.contains('[') {
        return None;
    } else if let Some(i) = host.rfind(':') {
        if !valid_optional_port(&host[i..]) {
            return None;
        }
    }
    unescape(host, Mode::Host)
}

/// Go's `validOptionalPort`: empty, or `:` followed by digits only.
fn valid_optional_port(port: &str) -> bool {
    port.is_empty() || port.strip_prefix(':').is_some_and(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
}

/// Go's `validUserinfo`.
fn valid_userinfo(s: &str) -> bool {
    s.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b':'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'%'
                    | b'@'
            )
    })
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
        b'-' | b'_' | b'.' | b'~' => false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => c == b'?',
            Mode::Host | Mode::Fragment => false,
        },
        b'!' | b'(' | b')' | b'*' if mode == Mode::Fragment => false,
        _ => true,
    }
}

/// Go's `unescape`; `None` for a malformed escape or a character a host may not hold.
fn unescape(s: &str, mode: Mode) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hi = hex_value(*b.get(i + 1)?)?;
                let lo = hex_value(*b.get(i + 2)?)?;
                if mode == Mode::Host && hi < 8 && &s[i..i + 3] != "%25" {
                    return None;
                }
                out.push(hi << 4 | lo);
                i += 3;
            }
            c => {
                if mode == Mode::Host && c < 0x80 && should_escape(c, mode) {
                    return None;
                }
                out.push(c);
                i += 1;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Go's `escape`.
fn escape(s: &str, mode: Mode) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
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

/// Go's `EscapedPath` / `EscapedFragment`: the text as written when it is a valid encoding,
/// else the decoded text re-escaped.
fn escaped(raw: &str, mode: Mode) -> String {
    let valid = raw.bytes().all(|c| {
        matches!(c, b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b':' | b'@')
            || matches!(c, b'[' | b']' | b'%')
            || !should_escape(c, mode)
    });
    if valid {
        raw.to_owned()
    } else {
        escape(&unescape(raw, mode).unwrap_or_default(), mode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(raw: &str, want: Option<&str>) {
        assert_eq!(parse(raw).map(|u| u.to_go_string()).as_deref(), want, "url.Parse({raw:?}).String()");
    }

    #[test]
    fn parse_and_string_follow_go() {
        // Accepted or refused as helm v4.1.4 (go1.25.9) showed in `helm push x.tgz REMOTE` and
        // `helm pull REF` ("invalid chart URL format" = url.Parse failed); the strings are the
        // remotes helm then printed inside its reference errors.
        check("oci://127.0.0.1:1/charts", Some("oci://127.0.0.1:1/charts"));
        check("OCI://127.0.0.1:1/charts", Some("oci://127.0.0.1:1/charts"));
        check("127.0.0.1:1/charts", None);
        check("localhost:1/charts", Some("localhost:1/charts"));
        check("oci://127.0.0.1:1/a%zz", None);
        check("oci://127.0.0.1:x/charts", None);
        check("oci://127.0.0.1:1/a%20b", Some("oci://127.0.0.1:1/a%20b"));
        check("oci://127.0.0.1:1/charts?x=1", Some("oci://127.0.0.1:1/charts?x=1"));
        check("oci://127.0.0.1:1/charts#frag", Some("oci://127.0.0.1:1/charts#frag"));
        check("oci:///charts", Some("oci:///charts"));
        check("oci://[foo]:1/charts/x", None);
        check("oci://[1.2.3.4]:1/c/x", None);
        check("oci://[::ffff:1.2.3.4]:1/c/x", Some("oci://[::ffff:1.2.3.4]:1/c/x"));
        check("oci://[::1]x/c/x", None);
        check("oci://a[b/c/x", None);
        check("oci://a]b/c/x", Some("oci://a]b/c/x"));
        check("oci://a{b/charts/x", None);
        check("oci://a b/c/x", None);
        check("oci://ü.invalid/charts/x", Some("oci://%C3%BC.invalid/charts/x"));
        check("oci://user:pw@127.0.0.1:1/charts", Some("oci://user:pw@127.0.0.1:1/charts"));
        check("oci:charts/x", Some("oci:charts/x"));
        check("oci://127.0.0.1:1/a b", Some("oci://127.0.0.1:1/a%20b"));
        check(":x", None);
        check("oci://h/\u{1}", None);
    }

    #[test]
    fn registry_rules_follow_oras() {
        for (registry, valid) in [
            ("127.0.0.1:5000", true),
            ("localhost", true),
            ("Ab_c.invalid:1", true),
            ("a!b.invalid", true),
            ("a:1:2", true),
            ("a:", true),
            (":1", true),
            ("[::1]", true),
            ("[::1]:5000", true),
            ("", false),
            ("ü.invalid", true),
            ("%C3%BC.invalid", false),
            ("127.0.0.1:x", false),
            ("u:p@h", false),
            ("h?x", false),
            ("a b", false),
            ("a{b", false),
            ("[foo]", false),
        ] {
            assert_eq!(is_valid_registry(registry), valid, "{registry:?}");
        }
    }
}
