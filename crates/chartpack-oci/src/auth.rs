//! `WWW-Authenticate` challenges, token requests and responses (distribution token spec), and
//! the rule deciding whether credentials may go to a token realm.

use chartpack_encoding::json;

use crate::secret::Secret;
use crate::url::Url;

/// One challenge from a `WWW-Authenticate` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    /// `Basic realm="..."`: send the credential with every request.
    Basic,
    /// `Bearer realm=..., service=..., scope=...`: fetch a token from `realm`.
    Bearer {
        /// The token endpoint.
        realm: String,
        /// The `service` parameter to pass back.
        service: Option<String>,
        /// Scopes the registry asked for (space-separated in the header).
        scopes: Vec<String>,
    },
    /// Any other scheme (not supported).
    Other(String),
}

/// Parses every challenge in a `WWW-Authenticate` header value (RFC 7235: comma-separated
/// schemes, each followed by `name=value` or `name="quoted value"` parameters).
pub fn parse_challenges(header: &str) -> Vec<Challenge> {
    let mut out = Vec::new();
    let mut rest = header.trim();
    while !rest.is_empty() {
        let scheme_end = rest.find([' ', ',']).unwrap_or(rest.len());
        let scheme = &rest[..scheme_end];
        rest = rest[scheme_end..].trim_start_matches([' ', ',']);
        let mut params: Vec<(String, String)> = Vec::new();
        // Parameters continue while the next token is `name=`.
        while let Some(eq) = rest.find('=') {
            let name = &rest[..eq];
            if name.is_empty() || name.contains([' ', ',', '"']) {
                break;
            }
            let after = &rest[eq + 1..];
            let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
                let mut value = String::new();
                let mut chars = quoted.char_indices();
                let mut end = quoted.len();
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some((_, escaped)) = chars.next() {
                                value.push(escaped);
                            }
                        }
                        '"' => {
                            end = i + 1;
                            break;
                        }
                        c => value.push(c),
                    }
                }
                (value, &quoted[end.min(quoted.len())..])
            } else {
                let end = after.find(',').unwrap_or(after.len());
                (after[..end].trim().to_owned(), &after[end..])
            };
            params.push((name.to_ascii_lowercase(), value));
            rest = remaining.trim_start_matches([' ', ',']);
        }
        let param = |key: &str| params.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let challenge = if scheme.eq_ignore_ascii_case("basic") {
            Challenge::Basic
        } else if scheme.eq_ignore_ascii_case("bearer") {
            match param("realm") {
                Some(realm) => Challenge::Bearer {
                    realm,
                    service: param("service"),
                    scopes: param("scope").map(|s| s.split(' ').map(str::to_owned).collect()).unwrap_or_default(),
                },
                None => Challenge::Other("Bearer without realm".to_owned()),
            }
        } else {
            Challenge::Other(scheme.to_owned())
        };
        if !scheme.is_empty() {
            out.push(challenge);
        }
    }
    out
}

/// The scope string for a repository: `repository:<name>:pull` or `...:pull,push`.
pub fn repository_scope(repository: &str, push: bool) -> String {
    format!("repository:{repository}:{}", if push { "pull,push" } else { "pull" })
}

/// The `GET` URL of a token request: the realm with `scope` (once per scope) and `service`.
pub fn token_request_url(realm: &Url, service: Option<&str>, scopes: &[String]) -> Url {
    let mut url = realm.clone();
    for scope in scopes {
        url = url.with_query("scope", scope);
    }
    if let Some(service) = service {
        url = url.with_query("service", service);
    }
    url
}

/// The form body of an OAuth2 refresh-token request (identity tokens, as oras-go sends it).
pub fn refresh_token_form(refresh_token: &Secret, service: Option<&str>, scopes: &[String], client_id: &str) -> String {
    use crate::url::percent_encode as enc;
    let mut form =
        format!("grant_type=refresh_token&refresh_token={}&client_id={}", enc(refresh_token.expose()), enc(client_id));
    if let Some(service) = service {
        form.push_str(&format!("&service={}", enc(service)));
    }
    if !scopes.is_empty() {
        form.push_str(&format!("&scope={}", enc(&scopes.join(" "))));
    }
    form
}

/// A token endpoint's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenResponse {
    /// `access_token`, else `token` (as oras-go prefers).
    pub token: Secret,
    /// `expires_in` seconds, when given.
    pub expires_in: Option<u64>,
    /// `refresh_token`, when the server issued one.
    pub refresh_token: Option<Secret>,
}

/// Why a token response was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid token response from {realm}: {reason}")]
pub struct TokenError {
    /// The realm that answered.
    pub realm: String,
    /// What was wrong.
    pub reason: String,
}

/// Parses a token endpoint's JSON body.
pub fn parse_token_response(realm: &str, body: &[u8]) -> Result<TokenResponse, TokenError> {
    let refuse = |reason: String| TokenError { realm: realm.to_owned(), reason };
    let value = json::parse(body).map_err(|e| refuse(format!("not JSON ({e})")))?;
    let text = |key: &str| value.get(key).and_then(json::Value::as_str).filter(|s| !s.is_empty());
    let token = text("access_token").or_else(|| text("token")).ok_or_else(|| refuse("no token in it".to_owned()))?;
    if token.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(refuse("the token has spaces or control characters".to_owned()));
    }
    let expires_in = match value.get("expires_in") {
        Some(json::Value::Number(n)) => n.as_u64(),
        _ => None,
    };
    Ok(TokenResponse { token: Secret::new(token), expires_in, refresh_token: text("refresh_token").map(Secret::new) })
}

/// Whether credentials for `registry` may be sent to the token `realm`: only over the same
/// scheme to the registry's own host (any port), or to a host the user trusted explicitly.
/// (oras-go's 2026 realm advisory: a hostile registry could otherwise name any realm and
/// collect the user's password.) Tokens for foreign realms are then fetched anonymously.
pub fn credentials_allowed_for_realm(registry: &Url, realm: &Url, trusted_hosts: &[String]) -> bool {
    if realm.scheme == "http" && registry.scheme == "https" {
        return false;
    }
    realm.host == registry.host || trusted_hosts.iter().any(|h| h.eq_ignore_ascii_case(&realm.host))
}

/// Token realms that registries document as their own although on another host, trusted by
/// default: Docker Hub's registry answers from `registry-1.docker.io` with the realm
/// `auth.docker.io`.
pub fn well_known_realm_hosts(registry_host: &str) -> &'static [&'static str] {
    match registry_host {
        "docker.io" | "registry-1.docker.io" | "index.docker.io" => &["auth.docker.io"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_distribution_docker_hub_and_basic_challenges() {
        let got = parse_challenges(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#,
        );
        assert_eq!(
            got,
            vec![Challenge::Bearer {
                realm: "https://auth.docker.io/token".into(),
                service: Some("registry.docker.io".into()),
                scopes: vec!["repository:library/nginx:pull".into()],
            }]
        );
        assert_eq!(parse_challenges(r#"Basic realm="chartpack-test""#), vec![Challenge::Basic]);
        let two = parse_challenges(r#"Basic realm="a, b", Bearer realm="http://t/token", scope="x y""#);
        assert_eq!(two.len(), 2, "{two:?}");
        assert_eq!(
            two[1],
            Challenge::Bearer { realm: "http://t/token".into(), service: None, scopes: vec!["x".into(), "y".into()] }
        );
        assert_eq!(parse_challenges("Negotiate"), vec![Challenge::Other("Negotiate".into())]);
        assert_eq!(parse_challenges("Bearer service=x"), vec![Challenge::Other("Bearer without realm".into())]);
        assert_eq!(parse_challenges(""), vec![]);
        // Unterminated quotes and stray separators never panic.
        for odd in [r#"Bearer realm="x"#, "Bearer ,,,= =", "Bearer realm=\"\\", "=,=,="] {
            let _ = parse_challenges(odd);
        }
    }

    #[test]
    fn token_urls_and_responses() {
        let realm = Url::parse("http://127.0.0.1:9/token").unwrap();
        let url = token_request_url(&realm, Some("reg"), &["repository:c/d:pull,push".into()]);
        assert_eq!(url.to_string(), "http://127.0.0.1:9/token?scope=repository%3Ac%2Fd%3Apull%2Cpush&service=reg");
        let t = parse_token_response("r", br#"{"token":"a","access_token":"b","expires_in":300}"#).unwrap();
        assert_eq!((t.token.expose(), t.expires_in), ("b", Some(300)));
        let t = parse_token_response("r", br#"{"token":"a"}"#).unwrap();
        assert_eq!(t.token.expose(), "a");
        for bad in [&b"{}"[..], b"not json", br#"{"token":""}"#, br#"{"token":"a\nb"}"#] {
            assert!(parse_token_response("r", bad).is_err());
        }
    }

    #[test]
    fn credentials_only_go_to_the_registrys_own_host_or_trusted_ones() {
        let reg = Url::parse("https://registry.example:5000/").unwrap();
        let allowed = |realm: &str, trusted: &[&str]| {
            let trusted: Vec<String> = trusted.iter().map(|s| s.to_string()).collect();
            credentials_allowed_for_realm(&reg, &Url::parse(realm).unwrap(), &trusted)
        };
        assert!(allowed("https://registry.example/token", &[]));
        assert!(!allowed("http://registry.example/token", &[]), "downgrade to http");
        assert!(!allowed("https://attacker.example/token", &[]));
        assert!(allowed("https://auth.example/token", &["auth.example"]));
    }
}
