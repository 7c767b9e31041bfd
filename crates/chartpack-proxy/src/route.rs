//! What a request path asks for: the health check, a distribution API call for a registry, a
//! token request for a registry's realm, or a static file. Paths outside the distribution API
//! and methods it does not define are refused here, before anything is sent upstream.

use chartpack_oci::url::Url;

/// Where relayed API calls for `host` live on the proxy.
pub fn registry_prefix(host: &str) -> String {
    format!("/r/{host}")
}

/// The path a token realm is reached at through the proxy, for `registry`.
pub fn realm_path(registry: &str, realm: &Url) -> String {
    let path = realm.path_and_query.split('?').next().unwrap_or("/");
    format!("/r/{registry}/auth/{}/{}{path}", realm.scheme, realm.host_port())
}

/// A routed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `GET /healthz`.
    Health,
    /// A distribution API call.
    Api(ApiCall),
    /// A token request to `realm`, on behalf of `registry`.
    Token {
        /// The allowlisted registry that named the realm.
        registry: String,
        /// The realm URL (scheme, host and path; the request's query is added when relayed).
        realm: Url,
    },
    /// Anything else: a static file, if the proxy serves any.
    Static(String),
}

/// A distribution API call (`/v2/...`) for one registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCall {
    /// The registry, `host[:port]`.
    pub registry: String,
    /// Where this registry lives on the proxy: `/r/{host}`, or `""` for the default registry.
    pub prefix: String,
    /// The path from `/v2/` on, as sent upstream.
    pub path: String,
    /// The kind of call.
    pub kind: ApiKind,
}

/// The endpoints of the distribution API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKind {
    /// `/v2/`.
    Base,
    /// `/v2/_catalog`.
    Catalog,
    /// `/v2/<name>/tags/list`.
    Tags,
    /// `/v2/<name>/manifests/<reference>`.
    Manifest,
    /// `/v2/<name>/blobs/<digest>`.
    Blob,
    /// `/v2/<name>/blobs/uploads/`.
    UploadStart,
    /// `/v2/<name>/blobs/uploads/<id>`.
    Upload,
    /// `/v2/<name>/referrers/<digest>`.
    Referrers,
}

impl ApiKind {
    /// The methods the distribution API defines for this endpoint (`OPTIONS` is CORS, apart).
    pub fn methods(self) -> &'static [&'static str] {
        match self {
            ApiKind::Base | ApiKind::Catalog | ApiKind::Tags | ApiKind::Referrers => &["GET", "HEAD"],
            ApiKind::Manifest => &["GET", "HEAD", "PUT", "DELETE"],
            ApiKind::Blob => &["GET", "HEAD", "DELETE"],
            ApiKind::UploadStart => &["POST"],
            ApiKind::Upload => &["GET", "PATCH", "PUT", "DELETE"],
        }
    }
}

/// Why a request was not routed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// Not a path the proxy serves (404).
    NotFound(String),
    /// A known path with a method it does not allow (405), with the allowed ones.
    Method {
        /// What was asked.
        message: String,
        /// The methods allowed there.
        allowed: &'static [&'static str],
    },
}

/// Routes `path` (no query) for `method`; `default_registry` serves `/v2/`. The registry is not
/// checked against the allowlist here.
pub fn route(method: &str, path: &str, default_registry: Option<&str>) -> Result<Route, RouteError> {
    if path == "/healthz" {
        return check_method(method, &["GET", "HEAD"], path).map(|()| Route::Health);
    }
    if let Some(rest) = path.strip_prefix("/r/") {
        let (registry, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if registry.is_empty() || !registry.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b)) {
            return Err(RouteError::NotFound(format!("{registry:?} is not a registry host[:port]")));
        }
        let registry = registry.to_ascii_lowercase();
        if tail.starts_with("/v2/") {
            let api = tail;
            let kind = api_kind(api)?;
            check_method(method, kind.methods(), api)?;
            return Ok(Route::Api(ApiCall {
                prefix: registry_prefix(&registry),
                registry,
                path: api.to_owned(),
                kind,
            }));
        }
        if let Some(realm) = tail.strip_prefix("/auth/") {
            let realm = parse_realm_path(realm)?;
            check_method(method, &["GET", "POST"], path)?;
            return Ok(Route::Token { registry, realm });
        }
        return Err(RouteError::NotFound(format!("{path:?}: expected /r/HOST/v2/... or /r/HOST/auth/...")));
    }
    if path.starts_with("/v2/") || path == "/v2" {
        let Some(registry) = default_registry else {
            return Err(RouteError::NotFound("no default registry is configured: use /r/HOST/v2/...".to_owned()));
        };
        let kind = api_kind(path)?;
        check_method(method, kind.methods(), path)?;
        return Ok(Route::Api(ApiCall {
            registry: registry.to_owned(),
            prefix: String::new(),
            path: path.to_owned(),
            kind,
        }));
    }
    check_method(method, &["GET", "HEAD"], path)?;
    Ok(Route::Static(path.to_owned()))
}

fn check_method(method: &str, allowed: &'static [&'static str], what: &str) -> Result<(), RouteError> {
    if allowed.contains(&method) {
        Ok(())
    } else {
        Err(RouteError::Method { message: format!("{method} is not allowed on {what}"), allowed })
    }
}

/// `scheme/host[:port]/path...` → the realm URL.
fn parse_realm_path(text: &str) -> Result<Url, RouteError> {
    let bad = || RouteError::NotFound(format!("{text:?}: expected auth/SCHEME/HOST[:PORT]/PATH"));
    let (scheme, rest) = text.split_once('/').ok_or_else(bad)?;
    if scheme != "http" && scheme != "https" {
        return Err(bad());
    }
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if host.is_empty() || path.split('/').any(|segment| segment == ".." || segment == ".") {
        return Err(bad());
    }
    let path = if path.is_empty() { "/" } else { path };
    Url::parse(&format!("{scheme}://{host}{path}")).map_err(|_| bad())
}

/// Classifies `/v2/...` by its trailing segments; the repository name and references must
/// follow the distribution grammar (so `..`, encoded bytes and empty segments never pass).
fn api_kind(path: &str) -> Result<ApiKind, RouteError> {
    let not_api = || RouteError::NotFound(format!("{path:?} is not a distribution API path"));
    if path == "/v2/" || path == "/v2" {
        return Ok(ApiKind::Base);
    }
    let rest = path.strip_prefix("/v2/").ok_or_else(not_api)?;
    if rest == "_catalog" {
        return Ok(ApiKind::Catalog);
    }
    let segments: Vec<&str> = rest.split('/').collect();
    let n = segments.len();
    let name_ok = |end: usize| end > 0 && segments[..end].iter().all(|s| is_name_component(s));
    let kind = match segments.as_slice() {
        [.., "tags", "list"] if name_ok(n - 2) => ApiKind::Tags,
        [.., "manifests", reference] if name_ok(n - 2) && (is_tag(reference) || is_digest(reference)) => {
            ApiKind::Manifest
        }
        [.., "blobs", "uploads", ""] | [.., "blobs", "uploads"]
            if name_ok(n - if rest.ends_with('/') { 3 } else { 2 }) =>
        {
            ApiKind::UploadStart
        }
        [.., "blobs", "uploads", id] if name_ok(n - 3) && is_upload_id(id) => ApiKind::Upload,
        [.., "blobs", digest] if name_ok(n - 2) && is_digest(digest) => ApiKind::Blob,
        [.., "referrers", digest] if name_ok(n - 2) && is_digest(digest) => ApiKind::Referrers,
        _ => return Err(not_api()),
    };
    Ok(kind)
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
fn is_name_component(text: &str) -> bool {
    let bytes = text.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let separator = &text[start..i];
        if !(separator == "." || separator == "_" || separator == "__" || separator.bytes().all(|b| b == b'-')) {
            return false;
        }
    }
    true
}

/// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
fn is_tag(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && (bytes[0].is_ascii_alphanumeric() || bytes[0] == b'_')
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(b))
}

/// `algorithm:encoded` as the OCI image spec defines it.
fn is_digest(text: &str) -> bool {
    let Some((algorithm, encoded)) = text.split_once(':') else { return false };
    !algorithm.is_empty()
        && algorithm.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b))
        && !encoded.is_empty()
        && encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"=_-".contains(&b))
}

/// Upload session ids: opaque, but made of URL-safe characters in every registry we know.
fn is_upload_id(text: &str) -> bool {
    !text.is_empty() && text.len() <= 256 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.=".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(method: &str, path: &str) -> ApiKind {
        match route(method, path, None) {
            Ok(Route::Api(call)) => call.kind,
            other => panic!("{method} {path}: {other:?}"),
        }
    }

    #[test]
    fn routes_every_distribution_endpoint() {
        assert_eq!(kind("GET", "/r/localhost:5000/v2/"), ApiKind::Base);
        assert_eq!(kind("GET", "/r/ghcr.io/v2/org/team/chart/tags/list"), ApiKind::Tags);
        assert_eq!(kind("PUT", "/r/ghcr.io/v2/org/chart/manifests/1.2.3_build.1"), ApiKind::Manifest);
        assert_eq!(kind("HEAD", "/r/ghcr.io/v2/chart/manifests/sha256:abc"), ApiKind::Manifest);
        assert_eq!(kind("GET", "/r/ghcr.io/v2/a/b/blobs/sha256:0123"), ApiKind::Blob);
        assert_eq!(kind("POST", "/r/ghcr.io/v2/a/blobs/uploads/"), ApiKind::UploadStart);
        assert_eq!(kind("PATCH", "/r/ghcr.io/v2/a/blobs/uploads/2f3c-91=="), ApiKind::Upload);
        assert_eq!(kind("GET", "/r/ghcr.io/v2/a/referrers/sha256:ab"), ApiKind::Referrers);
        assert_eq!(kind("GET", "/r/ghcr.io/v2/_catalog"), ApiKind::Catalog);
        let Ok(Route::Api(call)) = route("GET", "/r/GHCR.io/v2/a/tags/list", None) else { panic!("routed") };
        assert_eq!(
            (call.registry.as_str(), call.prefix.as_str(), call.path.as_str()),
            ("ghcr.io", "/r/ghcr.io", "/v2/a/tags/list")
        );
    }

    #[test]
    fn default_registry_serves_the_root() {
        let Ok(Route::Api(call)) = route("GET", "/v2/a/tags/list", Some("localhost:5000")) else { panic!("routed") };
        assert_eq!((call.registry.as_str(), call.prefix.as_str()), ("localhost:5000", ""));
        assert!(matches!(route("GET", "/v2/", None), Err(RouteError::NotFound(_))));
    }

    #[test]
    fn refuses_paths_outside_the_api() {
        for path in [
            "/r/ghcr.io/v2/../admin",
            "/r/ghcr.io/v2/a/../../x/tags/list",
            "/r/ghcr.io/v2/A/tags/list",
            "/r/ghcr.io/v2/a//b/tags/list",
            "/r/ghcr.io/v2/a%2fb/tags/list",
            "/r/ghcr.io/v2/a/manifests/../x",
            "/r/ghcr.io/v2/a/blobs/notadigest",
            "/r/ghcr.io/debug/vars",
            "/r/ghcr.io%0d%0aHost:x/v2/",
            "/r//v2/",
            "/r/ghcr.io/auth/ftp/x/y",
            "/r/ghcr.io/auth/https/x/../y",
        ] {
            assert!(matches!(route("GET", path, None), Err(RouteError::NotFound(_))), "{path}");
        }
    }

    #[test]
    fn refuses_methods_outside_the_api() {
        for (method, path) in [
            ("POST", "/r/ghcr.io/v2/a/manifests/1.0.0"),
            ("PUT", "/r/ghcr.io/v2/a/tags/list"),
            ("TRACE", "/r/ghcr.io/v2/"),
            ("CONNECT", "/r/ghcr.io/v2/"),
            ("PATCH", "/r/ghcr.io/v2/a/blobs/sha256:ab"),
            ("DELETE", "/r/ghcr.io/auth/https/ghcr.io/token"),
            ("POST", "/index.html"),
            ("PUT", "/healthz"),
        ] {
            assert!(matches!(route(method, path, None), Err(RouteError::Method { .. })), "{method} {path}");
        }
    }

    #[test]
    fn token_routes_carry_the_realm() {
        let realm = Url::parse("https://auth.docker.io/token").expect("url");
        let path = realm_path("docker.io", &realm);
        assert_eq!(path, "/r/docker.io/auth/https/auth.docker.io/token");
        assert_eq!(route("GET", &path, None), Ok(Route::Token { registry: "docker.io".into(), realm }));
        let local = Url::parse("http://127.0.0.1:5001/auth").expect("url");
        assert_eq!(route("POST", &realm_path("127.0.0.1:5000", &local), None).map(|_| ()), Ok(()));
    }

    #[test]
    fn name_components_follow_the_grammar() {
        for ok in ["a", "a0", "a.b", "a_b", "a__b", "a---b", "bitnami-redis"] {
            assert!(is_name_component(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "a..b", "a___b", "a._b", "A", ".", ".."] {
            assert!(!is_name_component(bad), "{bad}");
        }
    }
}
