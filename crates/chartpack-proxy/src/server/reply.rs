//! Responses the proxy makes itself: errors in the distribution API's JSON shape (so OCI
//! clients show their message) and CORS headers for allowed origins.

use http::{header, HeaderMap, HeaderValue, Response, StatusCode};

use super::body::{full, ProxyBody};

/// Request headers a page may send through the proxy (everything else is dropped).
pub(crate) const RELAYED_REQUEST_HEADERS: &[&str] = &[
    "accept",
    "authorization",
    "content-type",
    "content-range",
    "range",
    "if-none-match",
    "docker-content-digest",
    "oci-chunk-min-length",
];

/// Response headers relayed back to the page; `Set-Cookie` and hop-by-hop headers never are.
pub(crate) const RELAYED_RESPONSE_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "content-range",
    "range",
    "accept-ranges",
    "docker-content-digest",
    "docker-upload-uuid",
    "docker-distribution-api-version",
    "location",
    "link",
    "www-authenticate",
    "oci-chunk-min-length",
    "oci-subject",
    "oci-filters-applied",
    "etag",
    "last-modified",
    "retry-after",
    "cache-control",
];

/// Response headers a page may read (`Access-Control-Expose-Headers`).
const EXPOSED: &str = "Docker-Content-Digest, Docker-Upload-UUID, Location, Link, Range, Content-Range, WWW-Authenticate, OCI-Chunk-Min-Length, Retry-After, Content-Length";

/// Adds CORS headers for `origin` (already checked against the allowlist).
pub(crate) fn add_cors(headers: &mut HeaderMap, origin: Option<&HeaderValue>) {
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSED));
    }
}

/// The answer to an allowed preflight.
pub(crate) fn preflight(origin: &HeaderValue, methods: &[&str]) -> Response<ProxyBody> {
    let mut response = Response::new(super::body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    add_cors(headers, Some(origin));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_str(&methods.join(", ")).unwrap_or_else(|_| HeaderValue::from_static("GET")),
    );
    let allowed = "Accept, Authorization, Content-Type, Content-Range, Range, If-None-Match, Docker-Content-Digest, OCI-Chunk-Min-Length";
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(allowed));
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    response
}

/// An error from the proxy itself: `{"errors":[{"code":..,"message":..}]}`.
pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Response<ProxyBody> {
    let body = format!(
        "{{\"errors\":[{{\"code\":{},\"message\":{},\"detail\":{{\"source\":\"chartpack proxy\"}}}}]}}\n",
        json_string(code),
        json_string(&format!("chartpack proxy: {message}"))
    );
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `text` as a JSON string literal.
pub(crate) fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::json_string;

    #[test]
    fn json_strings_escape_quotes_and_controls() {
        assert_eq!(json_string("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    }
}
