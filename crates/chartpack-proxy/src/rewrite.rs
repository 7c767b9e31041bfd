//! Rewrites of registry response headers so that the page keeps talking to the proxy:
//! `Location` and `Link` targets on the registry become paths under the registry's prefix,
//! and Bearer challenge realms become token routes on the proxy.

use chartpack_oci::url::Url;

/// `target` (a `Location` value) resolved against the upstream request `base`: on the
/// registry's origin it becomes `prefix` + path and query; elsewhere it is returned as an
/// absolute URL in `Err`.
pub fn location(target: &str, base: &Url, registry: &Url, prefix: &str) -> Result<String, Url> {
    match base.join(target) {
        Ok(url) if url.same_origin(registry) => Ok(format!("{prefix}{}", url.path_and_query)),
        Ok(url) => Err(url),
        // Unparseable: hand it on untouched, the client reports it.
        Err(_) => Ok(target.to_owned()),
    }
}

/// Rewrites every `<target>` of a `Link` header that lies on the registry's origin.
pub fn link(header: &str, base: &Url, registry: &Url, prefix: &str) -> String {
    let mut out = String::with_capacity(header.len() + prefix.len());
    let mut rest = header;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>').map(|i| open + i) else { break };
        out.push_str(&rest[..=open]);
        let target = &rest[open + 1..close];
        match location(target, base, registry, prefix) {
            Ok(rewritten) => out.push_str(&rewritten),
            Err(_) => out.push_str(target),
        }
        out.push('>');
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// One challenge of a `WWW-Authenticate` header, parameters in their order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// `Bearer`, `Basic`, ...
    pub scheme: String,
    /// `name=value` pairs, values unquoted.
    pub params: Vec<(String, String)>,
}

impl Challenge {
    /// The value of parameter `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Parses a `WWW-Authenticate` value into challenges, keeping every parameter; `None` when it
/// does not follow RFC 7235's `scheme name=value, ...` shape (it is then passed on unchanged).
pub fn parse_challenges(header: &str) -> Option<Vec<Challenge>> {
    let mut challenges: Vec<Challenge> = Vec::new();
    let mut rest = header.trim();
    while !rest.is_empty() {
        let token_end = rest.find([' ', ',', '=']).unwrap_or(rest.len());
        let token = &rest[..token_end];
        let after = rest[token_end..].trim_start_matches(' ');
        if let Some(value_text) = after.strip_prefix('=') {
            // A parameter of the current challenge.
            let challenge = challenges.last_mut()?;
            let (value, remaining) = parse_value(value_text.trim_start_matches(' '))?;
            if token.is_empty() {
                return None;
            }
            challenge.params.push((token.to_owned(), value));
            rest = remaining.trim_start_matches([' ', ',']);
        } else {
            if token.is_empty() {
                return None;
            }
            challenges.push(Challenge { scheme: token.to_owned(), params: Vec::new() });
            rest = after.trim_start_matches([' ', ',']);
        }
    }
    Some(challenges)
}

/// A quoted string or a token, and what follows it.
fn parse_value(text: &str) -> Option<(String, &str)> {
    if let Some(quoted) = text.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => value.push(chars.next()?.1),
                '"' => return Some((value, &quoted[i + 1..])),
                c => value.push(c),
            }
        }
        None
    } else {
        let end = text.find([',', ' ']).unwrap_or(text.len());
        Some((text[..end].to_owned(), &text[end..]))
    }
}

/// Writes challenges back, every value quoted.
pub fn format_challenges(challenges: &[Challenge]) -> String {
    challenges
        .iter()
        .map(|challenge| {
            let params: Vec<String> = challenge
                .params
                .iter()
                .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
                .collect();
            if params.is_empty() {
                challenge.scheme.clone()
            } else {
                format!("{} {}", challenge.scheme, params.join(","))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether the registry `registry` (`host[:port]`, reached over `registry_scheme`) may name
/// `realm` as its token endpoint: a realm on its own host (not downgrading https to http), a
/// realm listed in its configuration, or a documented one (Docker Hub's `auth.docker.io`).
pub fn realm_allowed(registry: &Url, realm: &Url, configured: &[String]) -> bool {
    let without_query = |url: &Url| {
        let mut url = url.clone();
        url.path_and_query = url.path_and_query.split('?').next().unwrap_or("/").to_owned();
        url.to_string()
    };
    if configured.iter().any(|c| *c == without_query(realm)) {
        return true;
    }
    let well_known: Vec<String> =
        chartpack_oci::auth::well_known_realm_hosts(&registry.host).iter().map(|h| (*h).to_owned()).collect();
    if well_known.contains(&realm.host) && realm.scheme == "https" {
        return true;
    }
    chartpack_oci::auth::credentials_allowed_for_realm(registry, realm, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("url")
    }

    #[test]
    fn locations_on_the_registry_move_under_the_prefix() {
        let registry = url("http://127.0.0.1:5000/");
        let base = url("http://127.0.0.1:5000/v2/a/blobs/uploads/");
        let prefix = "/r/127.0.0.1:5000";
        assert_eq!(
            location("http://127.0.0.1:5000/v2/a/blobs/uploads/u1?_state=x", &base, &registry, prefix),
            Ok("/r/127.0.0.1:5000/v2/a/blobs/uploads/u1?_state=x".to_owned())
        );
        assert_eq!(
            location("/v2/a/blobs/uploads/u2", &base, &registry, prefix),
            Ok("/r/127.0.0.1:5000/v2/a/blobs/uploads/u2".to_owned())
        );
        assert_eq!(location("/v2/a/blobs/uploads/u2", &base, &registry, ""), Ok("/v2/a/blobs/uploads/u2".to_owned()));
        assert_eq!(location("u3", &base, &registry, prefix), Ok("/r/127.0.0.1:5000/v2/a/blobs/uploads/u3".to_owned()));
        assert_eq!(
            location("https://s3.example.com/b?sig=1", &base, &registry, prefix),
            Err(url("https://s3.example.com/b?sig=1"))
        );
    }

    #[test]
    fn link_targets_on_the_registry_move_under_the_prefix() {
        let registry = url("https://ghcr.io/");
        let base = url("https://ghcr.io/v2/a/tags/list?n=2");
        assert_eq!(
            link(r#"</v2/a/tags/list?last=b&n=2>; rel="next""#, &base, &registry, "/r/ghcr.io"),
            r#"</r/ghcr.io/v2/a/tags/list?last=b&n=2>; rel="next""#
        );
        assert_eq!(
            link(r#"<https://other.example/x>; rel="next""#, &base, &registry, "/r/ghcr.io"),
            r#"<https://other.example/x>; rel="next""#
        );
    }

    #[test]
    fn challenges_round_trip_with_every_parameter() {
        let header = r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a:pull,push",error="insufficient_scope""#;
        let parsed = parse_challenges(header).expect("parses");
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].param("scope"), Some("repository:a:pull,push"));
        assert_eq!(parsed[0].param("error"), Some("insufficient_scope"));
        assert_eq!(format_challenges(&parsed), header);
        let two = parse_challenges(r#"Basic realm="a \"b\"", Bearer realm=x"#).expect("parses");
        assert_eq!(two.len(), 2);
        assert_eq!(two[0].param("realm"), Some("a \"b\""));
        assert_eq!(two[1].param("realm"), Some("x"));
        assert_eq!(parse_challenges(r#"Bearer realm="unterminated"#), None);
        assert_eq!(parse_challenges("=x"), None);
    }

    #[test]
    fn realms_are_allowed_on_the_registry_host_configured_or_documented() {
        let registry = url("https://ghcr.io/");
        assert!(realm_allowed(&registry, &url("https://ghcr.io/token"), &[]));
        assert!(!realm_allowed(&registry, &url("http://ghcr.io/token"), &[]));
        assert!(!realm_allowed(&registry, &url("https://evil.example/token"), &[]));
        assert!(realm_allowed(
            &registry,
            &url("https://auth.example/token"),
            &["https://auth.example/token".to_owned()]
        ));
        assert!(!realm_allowed(
            &registry,
            &url("https://auth.example/other"),
            &["https://auth.example/token".to_owned()]
        ));
        assert!(realm_allowed(&url("https://registry-1.docker.io/"), &url("https://auth.docker.io/token"), &[]));
    }
}
