//! The HTTP surface the protocol needs, and the one trait a transport implements.
//!
//! Protocol logic (auth, retries, redirects, digests) lives in [`crate::client`]; a transport only
//! moves one request and its response. It must not follow redirects, add credentials, or retry:
//! the client decides all of that, so the same rules hold natively and in the browser.

use std::fmt;
use std::future::Future;
use std::time::Duration;

/// The HTTP methods of the distribution API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `HEAD`.
    Head,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Reports bytes moved so far for one request body or response body.
pub type ProgressFn<'a> = &'a dyn Fn(u64);

/// One request. The body is borrowed: a pushed blob is never copied for sending.
pub struct Request<'a> {
    /// The method.
    pub method: Method,
    /// The absolute URL (`http://` or `https://`).
    pub url: String,
    /// Header names and values, in order; names are lowercase.
    pub headers: Vec<(String, String)>,
    /// The request body (empty for none).
    pub body: &'a [u8],
    /// The transport refuses a response body longer than this with [`TransportError::TooLarge`].
    pub max_response_bytes: u64,
    /// Called as the request body is sent and the response body received, when the transport can.
    pub progress: Option<ProgressFn<'a>>,
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), if k == "authorization" { "<redacted>" } else { v.as_str() }))
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// One response, body fully read (within [`Request::max_response_bytes`]).
#[derive(Debug, Clone, Default)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header names (lowercase) and values, in order; repeated headers appear repeatedly.
    pub headers: Vec<(String, String)>,
    /// The body (empty for `HEAD`).
    pub body: Vec<u8>,
}

impl Response {
    /// The first header named `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every header named `name` (lowercase), in order.
    pub fn headers_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.headers.iter().filter(move |(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Why a transport could not complete a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No connection, or it broke (reset, refused, DNS, TLS handshake).
    #[error("connection failed: {0}")]
    Connection(String),
    /// The peer stopped sending within the transport's time limit.
    #[error("timed out: {0}")]
    Timeout(String),
    /// The response body exceeded [`Request::max_response_bytes`].
    #[error("response body larger than the {limit}-byte limit")]
    TooLarge {
        /// The limit that was exceeded.
        limit: u64,
    },
    /// The request was aborted by its caller (browser `AbortSignal`).
    #[error("aborted")]
    Aborted,
    /// Anything else the transport could not do (an invalid URL, an unsupported scheme).
    #[error("{0}")]
    Other(String),
}

impl TransportError {
    /// Whether retrying the same request may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, TransportError::Connection(_) | TransportError::Timeout(_))
    }
}

/// Moves one request and its response; implemented natively (blocking client, futures that are
/// ready at once) and in the browser (`fetch`). Futures need not be `Send`.
pub trait Transport {
    /// Sends `request` and reads its response. Never follows redirects, never retries.
    fn send(&self, request: &Request<'_>) -> impl Future<Output = Result<Response, TransportError>>;

    /// Waits `duration` (retry backoff).
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()>;
}
