//! What can go wrong talking to a registry, said so a person knows what to do next.

use crate::digest::Digest;
use crate::http::{Method, TransportError};

/// A registry operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The registry wants credentials we do not have, or refused the ones we sent.
    #[error("{detail} ({target}): {hint}")]
    Unauthorized {
        /// `host/repository` the request was for.
        target: String,
        /// The registry's words, e.g. `unauthorized: authentication required`.
        detail: String,
        /// What to do, e.g. "run `chartpack registry login HOST`".
        hint: String,
    },
    /// Authenticated, but not allowed (`DENIED`, 403).
    #[error("{detail} ({target}): the account lacks permission for this repository")]
    Denied {
        /// `host/repository`.
        target: String,
        /// The registry's words.
        detail: String,
    },
    /// The manifest, tag, blob or repository does not exist.
    #[error("{what} not found: {detail}")]
    NotFound {
        /// What was looked up, e.g. `host/repo:1.0.0`.
        what: String,
        /// The registry's words.
        detail: String,
    },
    /// Any other unexpected status.
    #[error("{method} {url} failed with HTTP {status}{}", if detail.is_empty() { String::new() } else { format!(": {detail}") })]
    Status {
        /// The request method.
        method: &'static str,
        /// The request URL.
        url: String,
        /// The status code.
        status: u16,
        /// The registry's words.
        detail: String,
    },
    /// No answer (connection, timeout, size limit), after retries where safe.
    #[error("{method} {url}: {error}")]
    Transport {
        /// The request method.
        method: &'static str,
        /// The request URL.
        url: String,
        /// The transport's reason.
        error: TransportError,
    },
    /// Content did not hash to the digest it was asked for or announced with.
    #[error("{what}: registry sent content with digest {actual}, expected {expected}")]
    DigestMismatch {
        /// What was fetched or pushed.
        what: String,
        /// The digest asked for.
        expected: Digest,
        /// The digest of what arrived.
        actual: String,
    },
    /// Content had another size than its descriptor says.
    #[error("{what}: registry sent {actual} bytes, the descriptor says {expected}")]
    SizeMismatch {
        /// What was fetched.
        what: String,
        /// The descriptor's size.
        expected: u64,
        /// The bytes that arrived.
        actual: u64,
    },
    /// A descriptor or response larger than the limit for its kind.
    #[error("{what} is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// What was refused.
        what: String,
        /// Its announced size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The registry broke the protocol (a missing `Location`, a bad token response, ...).
    #[error("registry protocol error: {0}")]
    Protocol(String),
    /// A [`ClientOptions`](super::ClientOptions) field has a value the client cannot use.
    #[error("invalid {option} {value:?}: {reason}")]
    InvalidOption {
        /// The option, e.g. `endpoint`.
        option: &'static str,
        /// The refused value.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The artifact is not a chart helm could use (manifest, config or reference rules).
    #[error("{0}")]
    Artifact(String),
}

impl RegistryError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            RegistryError::Unauthorized { .. } => "unauthorized",
            RegistryError::Denied { .. } => "denied",
            RegistryError::NotFound { .. } => "not_found",
            RegistryError::Status { .. } => "http_status",
            RegistryError::Transport { .. } => "transport",
            RegistryError::DigestMismatch { .. } => "digest_mismatch",
            RegistryError::SizeMismatch { .. } => "size_mismatch",
            RegistryError::TooLarge { .. } => "too_large",
            RegistryError::Protocol(_) => "protocol",
            RegistryError::InvalidOption { .. } => "invalid_option",
            RegistryError::Artifact(_) => "artifact",
        }
    }

    /// Whether restarting the whole step (for example a blob upload) may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            RegistryError::Transport { error, .. } => error.is_transient(),
            RegistryError::Status { status, .. } => matches!(status, 408 | 429 | 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    pub(crate) fn transport(method: Method, url: &str, error: TransportError) -> RegistryError {
        RegistryError::Transport { method: method.as_str(), url: url.to_owned(), error }
    }
}
