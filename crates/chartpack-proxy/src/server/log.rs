//! Structured logs: one JSON object per line on stderr. Only the method, the path (never the
//! query, which may hold upload state), the registry, status and timing: no headers, so no
//! credentials or tokens.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::reply::json_string;

fn now_millis() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis())
}

/// One relayed or answered request.
pub(crate) fn request(
    peer: SocketAddr,
    method: &http::Method,
    path: &str,
    registry: Option<&str>,
    status: http::StatusCode,
    elapsed: Duration,
) {
    let registry = registry.map_or_else(|| "null".to_owned(), json_string);
    eprintln!(
        "{{\"ts\":{},\"event\":\"request\",\"peer\":{},\"method\":{},\"path\":{},\"registry\":{registry},\"status\":{},\"ms\":{:.1}}}",
        now_millis(),
        json_string(&peer.to_string()),
        json_string(method.as_str()),
        json_string(path),
        status.as_u16(),
        elapsed.as_secs_f64() * 1000.0
    );
}

/// A connection that ended with an error (timeouts, malformed requests).
pub(crate) fn connection_error(peer: SocketAddr, error: &hyper::Error) {
    let kind = if error.is_timeout() {
        "timeout"
    } else if error.is_parse_too_large() {
        "head_too_large"
    } else if error.is_parse() {
        "malformed"
    } else {
        "io"
    };
    eprintln!(
        "{{\"ts\":{},\"event\":\"connection_error\",\"peer\":{},\"kind\":\"{kind}\"}}",
        now_millis(),
        json_string(&peer.to_string())
    );
}

/// Anything else worth a line.
pub(crate) fn event(event: &str, detail: &str) {
    eprintln!("{{\"ts\":{},\"event\":{},\"detail\":{}}}", now_millis(), json_string(event), json_string(detail));
}
