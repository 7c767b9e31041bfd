//! Relaying: distribution API calls to the registry, and token requests to the realm the
//! registry named. Bodies stream both ways; registry answers (errors included) pass through
//! with `Location`, `Link` and `WWW-Authenticate` rewritten onto the proxy.

// Failures here are the proxy's own answers (`Response`), built once per failed request.
#![allow(clippy::result_large_err)]

use std::time::Duration;

use chartpack_oci::url::Url;
use http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;

use super::body::{self, find_limit_error, Activity, BodyLimitError, GuardedBody, ProxyBody};
use super::reply::{self, RELAYED_REQUEST_HEADERS, RELAYED_RESPONSE_HEADERS};
use super::upstream::{find_connect_error, ConnectError};
use super::{log, State, MAX_REALMS_PER_REGISTRY};
use crate::config::RegistryConfig;
use crate::rewrite;
use crate::route::{realm_path, ApiCall, ApiKind};

/// Redirects followed for one blob download.
const MAX_REDIRECTS: usize = 5;
/// Largest token request body (an OAuth2 form).
const MAX_TOKEN_REQUEST_BYTES: u64 = 64 << 10;

fn registry_url(registry: &RegistryConfig) -> Option<Url> {
    let scheme = if registry.plain_http { "http" } else { "https" };
    Url::parse(&format!("{scheme}://{}/", registry.host)).ok()
}

/// Relays one API call to `registry`.
pub(super) async fn api(
    state: &State,
    registry: &RegistryConfig,
    call: &ApiCall,
    request: Request<Incoming>,
    host: &str,
) -> Response<ProxyBody> {
    let Some(base) = registry_url(registry) else {
        return reply::error(
            StatusCode::BAD_GATEWAY,
            "PROXY_CONFIG",
            &format!("registry {:?} has no valid URL", registry.host),
        );
    };
    let limits = &state.config.limits;
    if let Some(response) = refuse_large_body(request.headers(), limits.max_body_bytes) {
        return response;
    }
    let mut target = base.clone();
    target.path_and_query = match request.uri().query() {
        Some(query) => format!("{}?{query}", call.path),
        None => call.path.clone(),
    };
    let method = request.method().clone();
    let (parts, incoming) = request.into_parts();
    let body = GuardedBody::new(incoming, limits.max_body_bytes, limits.body_idle_timeout);
    let activity = body.activity();
    let upstream = match build(&method, &target, &parts.headers, RELAYED_REQUEST_HEADERS, body.boxed_unsync()) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let mut response = match send(state, registry, upstream, &registry.host, Some(&activity)).await {
        Ok(response) => response,
        Err(response) => return response,
    };

    // Blob downloads may be redirected to storage (S3, a CDN): follow them here, without the
    // page's credentials, so the page never needs CORS from the storage host.
    if call.kind == ApiKind::Blob && (method == Method::GET || method == Method::HEAD) {
        let mut current = target.clone();
        for hop in 0..=MAX_REDIRECTS {
            if !response.status().is_redirection() {
                break;
            }
            let Some(next) = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| current.join(l).ok())
            else {
                break;
            };
            if hop == MAX_REDIRECTS {
                return reply::error(
                    StatusCode::BAD_GATEWAY,
                    "PROXY_REDIRECTS",
                    &format!("blob download from {} redirected more than {MAX_REDIRECTS} times", registry.host),
                );
            }
            if current.scheme == "https" && next.scheme == "http" {
                return reply::error(
                    StatusCode::BAD_GATEWAY,
                    "PROXY_REDIRECT_DENIED",
                    &format!(
                        "registry {} redirected a blob download from https to http ({})",
                        registry.host,
                        next.origin()
                    ),
                );
            }
            let mut headers = HeaderMap::new();
            for name in ["accept", "range", "user-agent"] {
                if let Some(value) = parts.headers.get(name) {
                    headers.insert(HeaderName::from_static(name), value.clone());
                }
            }
            if next.same_origin(&base) {
                if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
                    headers.insert(header::AUTHORIZATION, value.clone());
                }
            }
            let follow = match build(
                &method,
                &next,
                &headers,
                &["accept", "range", "user-agent", "authorization"],
                body::empty(),
            ) {
                Ok(request) => request,
                Err(response) => return response,
            };
            response = match send(state, registry, follow, &next.host_port(), None).await {
                Ok(response) => response,
                Err(response) => return response,
            };
            current = next;
        }
    }

    let (mut head, incoming) = response.into_parts();
    let mut headers = HeaderMap::new();
    for name in RELAYED_RESPONSE_HEADERS {
        for value in head.headers.get_all(*name) {
            headers.append(HeaderName::from_static(name), value.clone());
        }
    }
    if let Some(location) = headers.get(header::LOCATION).and_then(|v| v.to_str().ok()) {
        let rewritten = match rewrite::location(location, &target, &base, &call.prefix) {
            Ok(path) => path,
            Err(foreign) => foreign.to_string(),
        };
        set(&mut headers, header::LOCATION, &rewritten);
    }
    if let Some(link) = headers.get(header::LINK).and_then(|v| v.to_str().ok()) {
        let rewritten = rewrite::link(link, &target, &base, &call.prefix);
        set(&mut headers, header::LINK, &rewritten);
    }
    let challenges: Vec<String> =
        headers.get_all(header::WWW_AUTHENTICATE).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect();
    if !challenges.is_empty() {
        headers.remove(header::WWW_AUTHENTICATE);
        for challenge in challenges {
            let rewritten = rewrite_challenge(state, registry, &base, &challenge, host);
            if let Ok(value) = HeaderValue::from_str(&rewritten) {
                headers.append(header::WWW_AUTHENTICATE, value);
            }
        }
    }
    head.headers = headers;
    Response::from_parts(head, incoming.map_err(Into::into).boxed_unsync())
}

/// Points Bearer realms the registry may name at the proxy's token route, remembering them;
/// realms it may not name are left as they are (the client will not send credentials there).
fn rewrite_challenge(state: &State, registry: &RegistryConfig, base: &Url, header: &str, host: &str) -> String {
    let Some(mut challenges) = rewrite::parse_challenges(header) else { return header.to_owned() };
    let public_origin = state.config.public_url.clone().unwrap_or_else(|| format!("http://{host}"));
    for challenge in challenges.iter_mut().filter(|c| c.scheme.eq_ignore_ascii_case("bearer")) {
        let Some(realm) = challenge.param("realm").and_then(|r| Url::parse(r).ok()) else { continue };
        if !rewrite::realm_allowed(base, &realm, &registry.realms) {
            log::event(
                "realm_refused",
                &format!(
                    "registry {} named token realm {} on another host; not relayed",
                    registry.host,
                    realm.origin()
                ),
            );
            continue;
        }
        let mut key = realm.clone();
        key.path_and_query = realm.path_and_query.split('?').next().unwrap_or("/").to_owned();
        if let Ok(mut seen) = state.realms_seen.lock() {
            let realms = seen.entry(registry.host.clone()).or_default();
            if realms.len() < MAX_REALMS_PER_REGISTRY {
                realms.insert(key.to_string());
            }
        }
        let mut rewritten = format!("{public_origin}{}", realm_path(&registry.host, &realm));
        if let Some((_, query)) = realm.path_and_query.split_once('?') {
            rewritten = format!("{rewritten}?{query}");
        }
        for (name, value) in challenge.params.iter_mut() {
            if name.eq_ignore_ascii_case("realm") {
                *value = rewritten.clone();
            }
        }
    }
    rewrite::format_challenges(&challenges)
}

/// Relays a token request to `realm`, which `registry` must have named (or be configured with).
pub(super) async fn token(
    state: &State,
    registry: &RegistryConfig,
    realm: &Url,
    request: Request<Incoming>,
) -> Response<ProxyBody> {
    let key = realm.to_string();
    let configured = registry.realms.contains(&key);
    let seen = state.realms_seen.lock().is_ok_and(|seen| seen.get(&registry.host).is_some_and(|r| r.contains(&key)));
    if !configured && !seen {
        return reply::error(
            StatusCode::FORBIDDEN,
            "PROXY_REALM_DENIED",
            &format!("token realm {key} has not been named by registry {} (call /v2/ first, or list it in realms of its [[registry]])", registry.host),
        );
    }
    if let Some(response) = refuse_large_body(request.headers(), MAX_TOKEN_REQUEST_BYTES) {
        return response;
    }
    let mut target = realm.clone();
    if let Some(query) = request.uri().query() {
        target.path_and_query = format!("{}?{query}", realm.path_and_query);
    }
    let method = request.method().clone();
    let (parts, incoming) = request.into_parts();
    let body = GuardedBody::new(incoming, MAX_TOKEN_REQUEST_BYTES, state.config.limits.body_idle_timeout);
    let activity = body.activity();
    let allowed = &["accept", "authorization", "content-type", "user-agent"];
    let upstream = match build(&method, &target, &parts.headers, allowed, body.boxed_unsync()) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let response = match send(state, registry, upstream, &realm.host_port(), Some(&activity)).await {
        Ok(response) => response,
        Err(response) => return response,
    };
    let (mut head, incoming) = response.into_parts();
    let mut headers = HeaderMap::new();
    for name in ["content-type", "content-length", "www-authenticate", "retry-after"] {
        for value in head.headers.get_all(name) {
            headers.append(HeaderName::from_static(name), value.clone());
        }
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    head.headers = headers;
    Response::from_parts(head, incoming.map_err(Into::into).boxed_unsync())
}

fn set(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    match HeaderValue::from_str(value) {
        Ok(value) => {
            headers.insert(name, value);
        }
        Err(_) => {
            headers.remove(name);
        }
    }
}

/// 413 when `Content-Length` already says the body is too large.
fn refuse_large_body(headers: &HeaderMap, limit: u64) -> Option<Response<ProxyBody>> {
    let length = headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse::<u64>().ok()?;
    (length > limit).then(|| {
        reply::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "SIZE_INVALID",
            &format!("the request body ({length} bytes) is larger than this proxy accepts ({limit} bytes)"),
        )
    })
}

/// An upstream request with the allowlisted headers of `from`.
fn build(
    method: &Method,
    target: &Url,
    from: &HeaderMap,
    allowed: &[&str],
    body: ProxyBody,
) -> Result<Request<ProxyBody>, Response<ProxyBody>> {
    let mut request = Request::builder().method(method.clone()).uri(target.to_string());
    for name in allowed {
        for value in from.get_all(*name) {
            request = request.header(*name, value.clone());
        }
    }
    if let Some(length) = from.get(header::CONTENT_LENGTH) {
        request = request.header(header::CONTENT_LENGTH, length.clone());
    }
    // The client's User-Agent where it is relayed, else the proxy's own: never none.
    if !(allowed.contains(&"user-agent") && from.contains_key(header::USER_AGENT)) {
        request = request.header(header::USER_AGENT, concat!("chartpack-proxy/", env!("CARGO_PKG_VERSION")));
    }
    request.body(body).map_err(|e| {
        reply::error(StatusCode::BAD_REQUEST, "PROXY_BAD_REQUEST", &format!("cannot relay this request: {e}"))
    })
}

/// Sends `request` on behalf of `registry` (through its client, under its address policy),
/// mapping failures to the proxy's own error answers. The upstream timeout runs from the last
/// move of the request body (`activity`; from now without one): an upload takes as long as the
/// client needs to send it, stalls being the body guard's business.
async fn send(
    state: &State,
    registry: &RegistryConfig,
    request: Request<ProxyBody>,
    upstream: &str,
    activity: Option<&Activity>,
) -> Result<Response<Incoming>, Response<ProxyBody>> {
    let timeout: Duration = state.config.limits.upstream_timeout;
    let sent = tokio::time::Instant::now();
    // The client of the registry on whose behalf this goes: its address policy applies.
    let Some(client) = state.clients.get(&registry.host) else {
        return Err(reply::error(
            StatusCode::BAD_GATEWAY,
            "PROXY_CONFIG",
            &format!("registry {:?} has no upstream client", registry.host),
        ));
    };
    let mut pending = std::pin::pin!(client.request(request));
    let answer = loop {
        let since = activity.map_or(sent, |a| a.last().max(sent));
        match tokio::time::timeout_at(since + timeout, pending.as_mut()).await {
            Ok(answer) => break Some(answer),
            // The body moved while waiting: wait on from its last move.
            Err(_) if activity.is_some_and(|a| a.last() > since) => continue,
            Err(_) => break None,
        }
    };
    match answer {
        None => Err(reply::error(
            StatusCode::GATEWAY_TIMEOUT,
            "PROXY_UPSTREAM_TIMEOUT",
            &format!("{upstream} did not answer within {} s", timeout.as_secs_f64()),
        )),
        Some(Ok(response)) => Ok(response),
        Some(Err(error)) => {
            if let Some(limit) = find_limit_error(&error) {
                let status = match limit {
                    BodyLimitError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
                    BodyLimitError::Stalled(_) => StatusCode::REQUEST_TIMEOUT,
                };
                return Err(reply::error(status, "PROXY_BODY_REFUSED", &limit.to_string()));
            }
            Err(match find_connect_error(&error) {
                Some(blocked @ ConnectError::Blocked { .. }) => {
                    reply::error(StatusCode::FORBIDDEN, "PROXY_ADDRESS_DENIED", &blocked.to_string())
                }
                Some(other) => reply::error(StatusCode::BAD_GATEWAY, "PROXY_UPSTREAM_UNREACHABLE", &other.to_string()),
                None => reply::error(
                    StatusCode::BAD_GATEWAY,
                    "PROXY_UPSTREAM_FAILED",
                    &format!("{upstream}: {}", describe(&error)),
                ),
            })
        }
    }
}

/// An error and its sources, one line.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut current = error.source();
    while let Some(e) = current {
        parts.push(e.to_string());
        current = e.source();
    }
    parts.dedup();
    parts.join(": ")
}
