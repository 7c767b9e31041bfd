//! The server: accepts connections with limits, checks `Host`, origin and route, then relays
//! ([`relay`]) or serves a static file. One JSON log line per request, without credentials.

mod body;
mod client_io;
mod log;
mod relay;
mod reply;
mod static_files;
mod upstream;

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

use crate::config::Config;
use crate::route::{route, Route, RouteError};
use body::ProxyBody;

/// Shared by every connection.
struct State {
    config: Config,
    /// One upstream client per registry (by host), each under that registry's address policy.
    clients: HashMap<String, upstream::UpstreamClient>,
    /// Canonical static directory, if any.
    static_root: Option<PathBuf>,
    /// Token realms each registry has named in its challenges (bounded per registry).
    realms_seen: Mutex<HashMap<String, HashSet<String>>>,
}

/// Most realms remembered per registry (registries name one or two).
const MAX_REALMS_PER_REGISTRY: usize = 8;

/// Starts the proxy on `config.listen` and serves until the process ends; `on_ready` receives
/// the bound address (the port may have been 0). Reads the CA file and canonicalizes the
/// static directory first, failing with a message naming them.
pub fn run(mut config: Config, on_ready: impl FnOnce(SocketAddr, &Config)) -> Result<(), String> {
    let ca_pem = match &config.ca_file {
        Some(path) => Some(std::fs::read(path).map_err(|e| format!("ca_file {}: {e}", path.display()))?),
        None => None,
    };
    let static_root = match &config.static_dir {
        Some(dir) => Some(std::fs::canonicalize(dir).map_err(|e| format!("static_dir {}: {e}", dir.display()))?),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let listener =
            TcpListener::bind(config.listen).await.map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        config.listen = bound;
        // Resolved once: every request checks its `Host` against them.
        config.hosts = config.effective_hosts();
        let connector = upstream::Connector::new(&config, ca_pem.as_deref())?;
        let clients =
            config.registries.iter().map(|r| (r.host.clone(), upstream::client(connector.for_registry(r)))).collect();
        let state = Arc::new(State { clients, static_root, realms_seen: Mutex::new(HashMap::new()), config });
        on_ready(bound, &state.config);
        accept_loop(listener, state).await;
        Ok(())
    })
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    let permits = Arc::new(tokio::sync::Semaphore::new(state.config.limits.max_connections));
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else { return };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                log::event("accept_failed", &e.to_string());
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        tokio::spawn(async move {
            let limits = &state.config.limits;
            let service = service_fn(|request| handle(state.clone(), peer, request));
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_buf_size(limits.max_header_bytes.max(8192))
                .serve_connection(
                    TokioIo::new(client_io::ClientStream::new(stream, limits.body_idle_timeout)),
                    service,
                );
            if let Err(e) = connection.await {
                log::connection_error(peer, &e);
            }
            drop(permit);
        });
    }
}

async fn handle(
    state: Arc<State>,
    peer: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<ProxyBody>, Infallible> {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let mut registry = None;
    let response = dispatch(&state, request, &mut registry).await;
    log::request(peer, &method, &path, registry.as_deref(), response.status(), started.elapsed());
    Ok(response)
}

async fn dispatch(state: &State, request: Request<Incoming>, registry: &mut Option<String>) -> Response<ProxyBody> {
    let config = &state.config;
    // Only origin-form targets (`/path`): an absolute URI would ask the proxy to act as a
    // forward proxy for any host.
    if request.uri().scheme().is_some() || request.uri().authority().is_some() || !request.uri().path().starts_with('/')
    {
        return reply::error(
            StatusCode::BAD_REQUEST,
            "PROXY_ABSOLUTE_TARGET",
            "absolute request targets are refused: send /path with a Host header",
        );
    }
    let hosts = request.headers().get_all(header::HOST).iter().collect::<Vec<_>>();
    let host = match hosts.as_slice() {
        [one] => one.to_str().unwrap_or_default().to_owned(),
        _ => return reply::error(StatusCode::BAD_REQUEST, "PROXY_BAD_HOST", "exactly one Host header is required"),
    };
    if !config.answers_to(&host) {
        let message = format!(
            "this proxy does not answer to Host {host:?} (it answers to {}; set hosts in its configuration)",
            config.effective_hosts().join(", ")
        );
        return reply::error(StatusCode::MISDIRECTED_REQUEST, "PROXY_BAD_HOST", &message);
    }
    let origin = request.headers().get(header::ORIGIN).cloned();
    if let Some(value) = &origin {
        let allowed = value.to_str().is_ok_and(|o| config.origin_allowed(o));
        if !allowed {
            let shown = String::from_utf8_lossy(value.as_bytes()).into_owned();
            return reply::error(
                StatusCode::FORBIDDEN,
                "PROXY_ORIGIN_DENIED",
                &format!("pages on {shown:?} may not use this proxy (add the origin to its configuration)"),
            );
        }
    }
    let with_cors = |mut response: Response<ProxyBody>| {
        reply::add_cors(response.headers_mut(), origin.as_ref());
        response
    };

    let path = request.uri().path().to_owned();
    if request.method() == Method::OPTIONS {
        let requested = request.headers().get(header::ACCESS_CONTROL_REQUEST_METHOD).and_then(|v| v.to_str().ok());
        let (Some(origin), Some(requested)) = (origin.as_ref(), requested) else {
            return with_cors(reply::error(
                StatusCode::METHOD_NOT_ALLOWED,
                "PROXY_METHOD",
                "OPTIONS is only answered as a CORS preflight",
            ));
        };
        let methods: &[&str] = match route(requested, &path, config.default_registry.as_deref()) {
            Ok(Route::Api(call)) if config.registry(&call.registry).is_some() => call.kind.methods(),
            Ok(Route::Token { registry, .. }) if config.registry(&registry).is_some() => &["GET", "POST"],
            Ok(Route::Health) | Ok(Route::Static(_)) => &["GET", "HEAD"],
            _ => {
                return with_cors(reply::error(
                    StatusCode::FORBIDDEN,
                    "PROXY_PREFLIGHT_DENIED",
                    &format!("{requested} {path} is not relayed"),
                ))
            }
        };
        if let Some(headers) =
            request.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS).and_then(|v| v.to_str().ok())
        {
            if let Some(refused) = headers
                .split(',')
                .map(str::trim)
                .find(|h| !h.is_empty() && !reply::RELAYED_REQUEST_HEADERS.contains(&h.to_ascii_lowercase().as_str()))
            {
                return with_cors(reply::error(
                    StatusCode::FORBIDDEN,
                    "PROXY_PREFLIGHT_DENIED",
                    &format!("request header {refused:?} is not relayed"),
                ));
            }
        }
        return reply::preflight(origin, methods);
    }

    let routed = match route(request.method().as_str(), &path, config.default_registry.as_deref()) {
        Ok(routed) => routed,
        Err(RouteError::NotFound(message)) => {
            return with_cors(reply::error(StatusCode::NOT_FOUND, "PROXY_NOT_FOUND", &message))
        }
        Err(RouteError::Method { message, allowed }) => {
            let mut response = reply::error(StatusCode::METHOD_NOT_ALLOWED, "UNSUPPORTED", &message);
            if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            return with_cors(response);
        }
    };
    match routed {
        Route::Health => {
            // The registries relayed, and which of them the proxy reaches over plain HTTP (so a page
            // can show command lines that work: `helm pull … --plain-http`).
            let registries: Vec<String> = config.registries.iter().map(|r| reply::json_string(&r.host)).collect();
            let plain: Vec<String> =
                config.registries.iter().filter(|r| r.plain_http).map(|r| reply::json_string(&r.host)).collect();
            let body = format!(
                "{{\"status\":\"ok\",\"registries\":[{}],\"plainHttp\":[{}]}}\n",
                registries.join(","),
                plain.join(",")
            );
            let mut response = Response::new(body::full(body));
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            with_cors(response)
        }
        Route::Static(path) => {
            let gzip = request
                .headers()
                .get(header::ACCEPT_ENCODING)
                .and_then(|v| v.to_str().ok())
                .is_some_and(static_files::accepts_gzip);
            with_cors(serve_static(state, &path, gzip).await)
        }
        Route::Api(call) => {
            *registry = Some(call.registry.clone());
            let Some(registry_config) = config.registry(&call.registry) else {
                return with_cors(not_allowlisted(&call.registry));
            };
            with_cors(relay::api(state, registry_config, &call, request, &host).await)
        }
        Route::Token { registry: name, realm } => {
            *registry = Some(name.clone());
            let Some(registry_config) = config.registry(&name) else {
                return with_cors(not_allowlisted(&name));
            };
            with_cors(relay::token(state, registry_config, &realm, request).await)
        }
    }
}

fn not_allowlisted(registry: &str) -> Response<ProxyBody> {
    reply::error(
        StatusCode::FORBIDDEN,
        "PROXY_REGISTRY_DENIED",
        &format!("registry {registry:?} is not on this proxy's allowlist (add a [[registry]] to its configuration)"),
    )
}

async fn serve_static(state: &State, path: &str, accepts_gzip: bool) -> Response<ProxyBody> {
    let Some(root) = &state.static_root else {
        return reply::error(
            StatusCode::NOT_FOUND,
            "PROXY_NOT_FOUND",
            &format!("{path:?}: no static files are served (set static_dir)"),
        );
    };
    let Some(file) = static_files::load(root, path, accepts_gzip).await else {
        return reply::error(StatusCode::NOT_FOUND, "PROXY_NOT_FOUND", &format!("{path:?} not found"));
    };
    let mut response = Response::new(body::full(file.bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type));
    if file.gzipped {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let cache = if file.immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}
