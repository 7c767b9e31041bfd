//! A registry client over any [`Transport`]: blobs, manifests and tags of the distribution API,
//! with auth, retries and digest checks. The same code runs natively and in the browser.

mod blobs;
mod chart;
mod error;
mod manifests;
mod session;
mod tags;
#[cfg(test)]
mod tests;

use std::time::Duration;

pub use blobs::UploadOutcome;
pub use chart::{PulledChart, PushedChart};
pub use error::RegistryError;
pub use manifests::FetchedManifest;

use crate::credentials::Credential;
use crate::http::Transport;
use crate::url::Url;
use session::Session;

/// How a client behaves; [`ClientOptions::default`] is what the CLI uses.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Talk `http://` instead of `https://` (helm's `--plain-http`); ignored with `endpoint`.
    pub plain_http: bool,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// OAuth2 `client_id` for refresh-token requests.
    pub client_id: String,
    /// Token realm hosts that may receive credentials although not the registry's own host.
    pub trusted_realm_hosts: Vec<String>,
    /// Retries of a retryable request on 408/429/5xx or a dropped connection.
    pub retries: u32,
    /// First backoff delay; doubles per retry (at most 8 s), unless `Retry-After` says otherwise.
    pub backoff: Duration,
    /// Blobs larger than this are uploaded in chunks (PATCH) of this size.
    pub chunk_size: u64,
    /// Blobs up to this size are uploaded without asking first whether the registry has them.
    pub small_blob: u64,
    /// Largest manifest accepted (oras-go: 4 MiB).
    pub max_manifest_bytes: u64,
    /// Largest blob accepted on pull (helm's archive limit: 100 MiB).
    pub max_blob_bytes: u64,
    /// The registry name shown in messages, when it differs from the registry's `host[:port]`.
    pub display_host: Option<String>,
    /// The base URL the registry is reached through (a chartpack proxy:
    /// `http://127.0.0.1:8080/r/ghcr.io`), instead of `scheme://host`. Requests go to this URL's
    /// path followed by `/v2/...`, its scheme overrides `plain_http`, and credentials, redirects
    /// and paging stay under it; messages still name the registry.
    pub endpoint: Option<String>,
    /// How to log in, for error messages; `{host}` is replaced by the registry's name.
    pub login_hint: String,
    /// How to trust a token realm, for error messages; `{host}` is replaced by the realm's host.
    pub trust_realm_hint: String,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            plain_http: false,
            user_agent: concat!("chartpack/", env!("CARGO_PKG_VERSION")).to_owned(),
            client_id: "chartpack".to_owned(),
            trusted_realm_hosts: Vec::new(),
            retries: 4,
            backoff: Duration::from_millis(200),
            chunk_size: 16 << 20,
            small_blob: 64 << 10,
            max_manifest_bytes: 4 << 20,
            max_blob_bytes: 100 << 20,
            display_host: None,
            endpoint: None,
            login_hint: "run `chartpack registry login {host}`".to_owned(),
            trust_realm_hint: "pass --trust-realm {host} if you trust it".to_owned(),
        }
    }
}

/// Requests made by a client so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestStats {
    /// Every HTTP request sent, token requests and retries included.
    pub requests: u32,
    /// Requests to token endpoints.
    pub token_requests: u32,
    /// Requests repeated after a retryable failure.
    pub retries: u32,
    /// Request body bytes sent.
    pub bytes_sent: u64,
    /// Response body bytes received.
    pub bytes_received: u64,
}

/// Reports progress of a push or pull: bytes done so far, bytes in all.
pub type Progress<'a> = &'a dyn Fn(u64, u64);

/// A client for one registry (`host[:port]`).
pub struct RegistryClient<T> {
    session: Session<T>,
    /// Whether the registry finishes a `POST ?digest=` upload in one request (learnt on the
    /// first upload; distribution 2.8 does not and answers 202).
    single_post: std::cell::Cell<Option<bool>>,
}

impl<T: Transport> RegistryClient<T> {
    /// A client for `registry` (`host[:port]`), with an optional stored credential, reached
    /// directly or through [`ClientOptions::endpoint`].
    pub fn new(
        transport: T,
        registry: &str,
        credential: Option<Credential>,
        options: ClientOptions,
    ) -> Result<Self, RegistryError> {
        let scheme = if options.plain_http { "http" } else { "https" };
        let direct = Url::parse(&format!("{scheme}://{registry}/"))
            .map_err(|e| RegistryError::Artifact(format!("invalid registry host {registry:?}: {}", e.reason)))?;
        if direct.host_port() != registry.to_ascii_lowercase() {
            return Err(RegistryError::Artifact(format!("invalid registry host {registry:?}")));
        }
        let (base, prefix) = match &options.endpoint {
            Some(endpoint) => parse_endpoint(endpoint)?,
            None => (direct.clone(), String::new()),
        };
        Ok(RegistryClient {
            session: Session::new(transport, options, session::Route { base, prefix, registry: direct }, credential),
            single_post: std::cell::Cell::new(None),
        })
    }

    /// Requests made so far.
    pub fn stats(&self) -> RequestStats {
        self.session.stats()
    }

    /// The transport, e.g. to read its own counters.
    pub fn transport(&self) -> &T {
        &self.session.transport
    }

    /// `GET /v2/`: checks that the registry answers and that the credential (if any) is
    /// accepted, as `helm registry login` does. Bearer registries get a token request. A
    /// credential withheld from a token realm on another host is a failed login: it was never
    /// checked.
    pub async fn check_login(&self) -> Result<(), RegistryError> {
        let url = self.url("/v2/");
        let registry = self.session.registry_name();
        let response = match self.session.send(session::Call::new(crate::http::Method::Get, url.clone())).await {
            Ok(response) => response,
            Err(RegistryError::Unauthorized { target, detail, hint }) => {
                let hint = if self.session.withheld_realm().is_some() || !self.session.has_credential() {
                    hint
                } else {
                    "check the username and password".to_owned()
                };
                return Err(RegistryError::Unauthorized { target, detail, hint });
            }
            Err(other) => return Err(other),
        };
        if let (Some(realm), true) = (self.session.withheld_realm(), self.session.has_credential()) {
            let host = realm.split(':').next().unwrap_or(&realm).to_owned();
            return Err(RegistryError::Unauthorized {
                target: registry,
                detail: format!("login not verified: the registry's token realm {realm} is on another host"),
                hint: format!(
                    "the credentials were not sent there; {}",
                    self.session.options.trust_realm_hint.replace("{host}", &host)
                ),
            });
        }
        match response.status {
            200 => Ok(()),
            status => Err(RegistryError::Status {
                method: "GET",
                url: shown_url(&url),
                status,
                detail: crate::error_body::summarize(&crate::error_body::parse_error_body(&response.body)),
            }),
        }
    }

    /// The URL of `path` (`/v2/...`) on the registry: under the endpoint's path, if any.
    fn url(&self, path: &str) -> Url {
        let mut url = self.session.route.base.clone();
        url.path_and_query = format!("{}{path}", self.session.route.prefix);
        url
    }
}

/// Splits [`ClientOptions::endpoint`] into its origin (path `/`) and its path prefix without a
/// trailing `/` (`/r/ghcr.io`, or empty).
fn parse_endpoint(endpoint: &str) -> Result<(Url, String), RegistryError> {
    let invalid = |reason| RegistryError::InvalidOption { option: "endpoint", value: endpoint.to_owned(), reason };
    let mut base = Url::parse(endpoint).map_err(|e| invalid(e.reason))?;
    if base.path_and_query.contains('?') {
        return Err(invalid("a query is not accepted"));
    }
    let prefix = base.path_and_query.trim_end_matches('/').to_owned();
    if session::has_dot_segment(&prefix) {
        return Err(invalid("`.` and `..` path segments are not accepted"));
    }
    base.path_and_query = "/".to_owned();
    Ok((base, prefix))
}

/// A URL as shown in messages: its query keeps only `digest=` (which names the blob); the rest
/// is, for uploads, a long opaque state token.
pub(crate) fn shown_url(url: &Url) -> String {
    let mut shown = url.clone();
    if let Some((path, query)) = url.path_and_query.split_once('?') {
        shown.path_and_query = match query.split('&').find(|p| p.starts_with("digest=")) {
            Some(digest) => format!("{path}?{digest}"),
            None => path.to_owned(),
        };
    }
    shown.to_string()
}

/// Drives a future whose transport never waits (a blocking native transport) to completion on
/// the current thread. A pending poll means the transport is asynchronous: wait by yielding.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(value) = future.as_mut().poll(&mut context) {
            return value;
        }
        std::thread::yield_now();
    }
}
