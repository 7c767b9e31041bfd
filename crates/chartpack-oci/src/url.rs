//! The small part of URL handling the protocol needs: split an absolute `http(s)` URL into its
//! origin and path, resolve a `Location`/`Link` target against it, and percent-encode query values.

use std::fmt;

/// An absolute `http`/`https` URL, split at its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// `http` or `https`.
    pub scheme: String,
    /// Host name or IP literal (IPv6 keeps its brackets), lowercase.
    pub host: String,
    /// Explicit port, if any.
    pub port: Option<u16>,
    /// Path and query, starting with `/`.
    pub path_and_query: String,
}

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid URL {value:?}: {reason}")]
pub struct UrlError {
    /// The refused text.
    pub value: String,
    /// What was wrong.
    pub reason: &'static str,
}

impl Url {
    /// Parses an absolute `http://` or `https://` URL. Userinfo, fragments and control
    /// characters are refused.
    pub fn parse(text: &str) -> Result<Url, UrlError> {
        let refuse = |reason| UrlError { value: text.to_owned(), reason };
        if text.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(refuse("contains spaces or control characters"));
        }
        let (scheme, rest) = text.split_once("://").ok_or_else(|| refuse("not an absolute URL"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(refuse("scheme must be http or https"));
        }
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        if authority.contains('@') {
            return Err(refuse("credentials in URLs are not accepted"));
        }
        if tail.contains('#') {
            return Err(refuse("fragments are not accepted"));
        }
        let (host, port) = split_host_port(authority).ok_or_else(|| refuse("bad host or port"))?;
        let path_and_query = if tail.is_empty() {
            "/".to_owned()
        } else if tail.starts_with('?') {
            format!("/{tail}")
        } else {
            tail.to_owned()
        };
        Ok(Url { scheme, host: host.to_ascii_lowercase(), port, path_and_query })
    }

    /// `scheme://host[:port]`.
    pub fn origin(&self) -> String {
        match self.port {
            Some(port) => format!("{}://{}:{port}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// `host[:port]`, as registries are named.
    pub fn host_port(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    /// The port, with the scheme's default filled in.
    pub fn effective_port(&self) -> u16 {
        self.port.unwrap_or(if self.scheme == "https" { 443 } else { 80 })
    }

    /// Whether `other` has the same scheme, host and (effective) port.
    pub fn same_origin(&self, other: &Url) -> bool {
        self.scheme == other.scheme && self.host == other.host && self.effective_port() == other.effective_port()
    }

    /// Resolves a `Location` or `Link` target: absolute URLs, `//host/..`, `/path` and
    /// `relative?query` forms.
    pub fn join(&self, target: &str) -> Result<Url, UrlError> {
        if target.contains("://") {
            return Url::parse(target);
        }
        if let Some(rest) = target.strip_prefix("//") {
            return Url::parse(&format!("{}://{rest}", self.scheme));
        }
        if target.starts_with('/') {
            return Url::parse(&format!("{}{target}", self.origin()));
        }
        let path = self.path_and_query.split('?').next().unwrap_or("/");
        let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        Url::parse(&format!("{}{dir}{target}", self.origin()))
    }

    /// This URL with `name=value` appended to its query (value percent-encoded).
    pub fn with_query(&self, name: &str, value: &str) -> Url {
        let separator = if self.path_and_query.contains('?') { '&' } else { '?' };
        let mut url = self.clone();
        url.path_and_query = format!("{}{separator}{name}={}", self.path_and_query, percent_encode(value));
        url
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.origin(), self.path_and_query)
    }
}

fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let end = rest.find(']')?;
        let host = &authority[..end + 2];
        match &rest[end + 1..] {
            "" => (host, None),
            p => (host, Some(p.strip_prefix(':')?)),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let valid_host = !host.is_empty()
        && (host.starts_with('[')
            || host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_'));
    if !valid_host {
        return None;
    }
    let port = match port {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse().ok()?),
        Some(_) => return None,
        None => None,
    };
    Some((host, port))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_origins() {
        let u = Url::parse("http://127.0.0.1:5000/v2/charts/demo/manifests/0.1.0").unwrap();
        assert_eq!(u.origin(), "http://127.0.0.1:5000");
        assert_eq!(u.path_and_query, "/v2/charts/demo/manifests/0.1.0");
        let u = Url::parse("HTTPS://Auth.Docker.IO?service=x").unwrap();
        assert_eq!(u.to_string(), "https://auth.docker.io/?service=x");
        assert_eq!(u.effective_port(), 443);
        let v6 = Url::parse("http://[::1]:8080/token").unwrap();
        assert_eq!(v6.host, "[::1]");
        assert_eq!(v6.port, Some(8080));
    }

    #[test]
    fn refuses_hostile_urls() {
        for bad in [
            "ftp://x/",
            "/relative",
            "http://user:pw@host/",
            "http://host/a#frag",
            "http://host:99999/",
            "http://host:x/",
            "http://ho st/",
            "http://host/\r\nX-Injected: 1",
            "http:///path",
        ] {
            assert!(Url::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn joins_location_forms() {
        let base = Url::parse("http://r:5000/v2/c/blobs/uploads/").unwrap();
        let cases = [
            ("/v2/c/blobs/uploads/abc?_state=x", "http://r:5000/v2/c/blobs/uploads/abc?_state=x"),
            ("http://other/x", "http://other/x"),
            ("//cdn.example/blob", "http://cdn.example/blob"),
            ("abc?x=1", "http://r:5000/v2/c/blobs/uploads/abc?x=1"),
        ];
        for (target, want) in cases {
            assert_eq!(base.join(target).unwrap().to_string(), want);
        }
        assert!(base.same_origin(&Url::parse("http://r:5000/other").unwrap()));
        assert!(!base.same_origin(&Url::parse("https://r:5000/").unwrap()));
        assert!(Url::parse("https://r/").unwrap().same_origin(&Url::parse("https://r:443/").unwrap()));
    }

    #[test]
    fn query_values_are_percent_encoded() {
        let u = Url::parse("http://r/token").unwrap().with_query("scope", "repository:a/b:pull,push");
        assert_eq!(u.path_and_query, "/token?scope=repository%3Aa%2Fb%3Apull%2Cpush");
        assert_eq!(u.with_query("service", "x y").path_and_query.rsplit('&').next(), Some("service=x%20y"));
    }
}
