//! Sending one logical request: credentials (Basic, Bearer tokens per scope), one retry on
//! 401, bounded retries with backoff on 408/429/5xx and dropped connections, redirects that
//! never carry credentials to another origin, and request counting.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::time::Duration;

use super::error::RegistryError;
use super::{ClientOptions, RequestStats};
use crate::auth::{self, Challenge};
use crate::credentials::Credential;
use crate::error_body;
use crate::http::{Method, ProgressFn, Request, Response, Transport};
use crate::secret::Secret;
use crate::url::Url;

/// Token answers are small; a larger one is refused.
const MAX_TOKEN_RESPONSE: u64 = 1 << 20;
/// Redirect hops followed for one request.
const MAX_REDIRECTS: usize = 5;
/// Longest wait honoured from a `Retry-After` header.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// One request as the protocol code describes it; [`Session::send`] adds the rest.
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: &'a [u8],
    pub(crate) max_response_bytes: u64,
    /// The token scope this request needs (`repository:x:pull`), if any.
    pub(crate) scope: Option<&'a str>,
    /// Whether the request may be repeated as is (GET, HEAD, PUT manifest, POST starting an upload).
    pub(crate) retryable: bool,
    pub(crate) progress: Option<ProgressFn<'a>>,
}

impl<'a> Call<'a> {
    pub(crate) fn new(method: Method, url: Url) -> Call<'a> {
        Call {
            method,
            url,
            headers: Vec::new(),
            body: &[],
            max_response_bytes: 1 << 20,
            scope: None,
            retryable: matches!(method, Method::Get | Method::Head),
            progress: None,
        }
    }

    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Call<'a> {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}

/// Where the registry is and how it is reached.
pub(crate) struct Route {
    /// `scheme://host[:port]/` requests go to: the registry's, or its endpoint's (a proxy).
    pub(crate) base: Url,
    /// The endpoint's path before `/v2/` (`/r/ghcr.io`), or empty when reached directly.
    pub(crate) prefix: String,
    /// The registry itself (`scheme://host[:port]/`), whatever the route: names it in messages.
    pub(crate) registry: Url,
}

/// The state shared by every request to one registry.
pub(crate) struct Session<T> {
    pub(crate) transport: T,
    pub(crate) options: ClientOptions,
    pub(crate) route: Route,
    credential: Option<Credential>,
    /// The registry asked for Basic auth: send it up front from now on.
    basic: Cell<bool>,
    /// Bearer tokens by scope.
    tokens: RefCell<BTreeMap<String, Secret>>,
    stats: Cell<RequestStats>,
    /// A token realm on another host that the credentials were withheld from.
    withheld_realm: RefCell<Option<String>>,
}

impl<T: Transport> Session<T> {
    pub(crate) fn new(transport: T, options: ClientOptions, route: Route, credential: Option<Credential>) -> Self {
        Session {
            transport,
            options,
            route,
            credential,
            basic: Cell::new(false),
            tokens: RefCell::new(BTreeMap::new()),
            stats: Cell::new(RequestStats::default()),
            withheld_realm: RefCell::new(None),
        }
    }

    pub(crate) fn stats(&self) -> RequestStats {
        self.stats.get()
    }

    /// Counts a retry made outside [`Session::send`] (a restarted upload).
    pub(crate) fn count_retry(&self) {
        self.count(|s| s.retries += 1);
    }

    fn count(&self, update: impl FnOnce(&mut RequestStats)) {
        let mut stats = self.stats.get();
        update(&mut stats);
        self.stats.set(stats);
    }

    /// The registry's name in messages: [`ClientOptions::display_host`], else its `host[:port]`
    /// (never a proxy's).
    pub(crate) fn registry_name(&self) -> String {
        self.options.display_host.clone().unwrap_or_else(|| self.route.registry.host_port())
    }

    /// Whether `url` is the registry's: on its origin and, when reached through an endpoint,
    /// under the endpoint's path. One proxy origin fronts many registries (`/r/a.example/...`,
    /// `/r/b.example/...`), so the origin alone does not tell them apart; a dot segment could
    /// climb out of the prefix once the transport normalises the path.
    pub(crate) fn at_registry(&self, url: &Url) -> bool {
        if !url.same_origin(&self.route.base) {
            return false;
        }
        let prefix = &self.route.prefix;
        if prefix.is_empty() {
            return true;
        }
        let path = url.path_and_query.split('?').next().unwrap_or_default();
        path.strip_prefix(prefix.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            && !has_dot_segment(path)
    }

    /// The `Authorization` value for a request to `url` needing `scope`: only to the registry's
    /// own origin (and endpoint path).
    fn authorization(&self, url: &Url, scope: Option<&str>) -> Option<String> {
        if !self.at_registry(url) {
            return None;
        }
        let tokens = self.tokens.borrow();
        let token = scope.and_then(|s| tokens.get(s).or_else(|| tokens.get(&s.replace(":pull", ":pull,push"))));
        if let Some(token) = token.or_else(|| tokens.get("")) {
            return Some(format!("Bearer {}", token.expose()));
        }
        match (&self.credential, self.basic.get()) {
            (Some(c), true) => Some(c.basic_header()),
            _ => None,
        }
    }

    /// Sends `call`, handling auth, retries and redirects. Returns the final response, whatever
    /// its status except a 401 that could not be answered (an [`RegistryError::Unauthorized`]).
    pub(crate) async fn send(&self, call: Call<'_>) -> Result<Response, RegistryError> {
        let mut url = call.url.clone();
        let mut method = call.method;
        let mut body = call.body;
        let mut answered_401 = false;
        let mut attempt = 0u32;
        let mut redirects = 0usize;
        loop {
            let mut headers = call.headers.clone();
            headers.push(("user-agent".to_owned(), self.options.user_agent.clone()));
            if let Some(value) = self.authorization(&url, call.scope) {
                headers.push(("authorization".to_owned(), value));
            }
            let request = Request {
                method,
                url: url.to_string(),
                headers,
                body,
                max_response_bytes: call.max_response_bytes,
                progress: call.progress,
            };
            self.count(|s| {
                s.requests += 1;
                s.bytes_sent += body.len() as u64;
            });
            let result = self.transport.send(&request).await;
            let response = match result {
                Ok(response) => response,
                Err(error) => {
                    if error.is_transient() && call.retryable && attempt < self.options.retries {
                        attempt += 1;
                        self.count(|s| s.retries += 1);
                        self.transport.sleep(self.backoff(attempt, None)).await;
                        continue;
                    }
                    return Err(RegistryError::transport(method, &super::shown_url(&url), error));
                }
            };
            self.count(|s| s.bytes_received += response.body.len() as u64);
            match response.status {
                401 if !answered_401 && self.at_registry(&url) => {
                    answered_401 = true;
                    self.authenticate(&response, call.scope).await?;
                }
                401 => return Err(self.unauthorized(&response, call.scope)),
                301 | 302 | 303 | 307 | 308 if matches!(method, Method::Get | Method::Head) => {
                    let location = response
                        .header("location")
                        .ok_or_else(|| RegistryError::Protocol(format!("redirect without Location from {url}")))?;
                    redirects += 1;
                    if redirects > MAX_REDIRECTS {
                        return Err(RegistryError::Protocol(format!(
                            "more than {MAX_REDIRECTS} redirects from {}",
                            call.url
                        )));
                    }
                    url = url.join(location).map_err(|e| RegistryError::Protocol(e.to_string()))?;
                    if response.status == 303 {
                        method = Method::Get;
                        body = &[];
                    }
                }
                408 | 429 | 500 | 502 | 503 | 504 if call.retryable && attempt < self.options.retries => {
                    attempt += 1;
                    self.count(|s| s.retries += 1);
                    let retry_after = response.header("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
                    self.transport.sleep(self.backoff(attempt, retry_after)).await;
                }
                _ => return Ok(response),
            }
        }
    }

    /// Exponential backoff from [`ClientOptions::backoff`], or the server's `Retry-After`
    /// (capped at 30 s).
    fn backoff(&self, attempt: u32, retry_after_secs: Option<u64>) -> Duration {
        if let Some(secs) = retry_after_secs {
            return Duration::from_secs(secs).min(MAX_RETRY_AFTER);
        }
        let factor = 1u32 << attempt.saturating_sub(1).min(6);
        (self.options.backoff * factor).min(Duration::from_secs(8))
    }

    /// Answers a 401: picks up a Bearer token for `scope` or switches to Basic.
    async fn authenticate(&self, response: &Response, scope: Option<&str>) -> Result<(), RegistryError> {
        let challenges: Vec<Challenge> =
            response.headers_named("www-authenticate").flat_map(auth::parse_challenges).collect();
        let bearer = challenges.iter().find_map(|c| match c {
            Challenge::Bearer { realm, service, scopes } => Some((realm, service, scopes)),
            _ => None,
        });
        if let Some((realm, service, challenge_scopes)) = bearer {
            let mut scopes: Vec<String> = challenge_scopes.clone();
            if let Some(scope) = scope {
                if !scopes.iter().any(|s| s == scope) {
                    scopes.push(scope.to_owned());
                }
            }
            let token = self.fetch_token(realm, service.as_deref(), &scopes, response, scope).await?;
            self.tokens.borrow_mut().insert(scope.unwrap_or("").to_owned(), token);
            return Ok(());
        }
        if challenges.contains(&Challenge::Basic) && self.credential.is_some() && !self.basic.get() {
            self.basic.set(true);
            return Ok(());
        }
        Err(self.unauthorized(response, scope))
    }

    async fn fetch_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scopes: &[String],
        challenge: &Response,
        scope: Option<&str>,
    ) -> Result<Secret, RegistryError> {
        let realm_url =
            Url::parse(realm).map_err(|e| RegistryError::Protocol(format!("token realm in the challenge: {e}")))?;
        let mut trusted: Vec<String> = self.options.trusted_realm_hosts.clone();
        trusted.extend(auth::well_known_realm_hosts(&self.route.registry.host).iter().map(|h| (*h).to_owned()));
        let allowed = if self.route.prefix.is_empty() {
            auth::credentials_allowed_for_realm(&self.route.base, &realm_url, &trusted)
        } else {
            // Behind an endpoint the proxy's host is shared by every registry it relays: a realm
            // is the registry's own only under the endpoint's path (the proxy rewrites realms
            // there), or on a host trusted explicitly.
            let trusted_host = trusted.iter().any(|h| h.eq_ignore_ascii_case(&realm_url.host));
            self.at_registry(&realm_url)
                || (trusted_host && !(realm_url.scheme == "http" && self.route.base.scheme == "https"))
        };
        if self.credential.is_some() && !allowed {
            *self.withheld_realm.borrow_mut() = Some(realm_url.host_port());
        }
        let credential = self.credential.as_ref().filter(|_| allowed);
        let (method, url, body, headers) = match credential {
            Some(c) if c.identity_token.is_some() => {
                let refresh = c.identity_token.clone().unwrap_or_default();
                let form = auth::refresh_token_form(&refresh, service, scopes, &self.options.client_id);
                let headers = vec![("content-type".to_owned(), "application/x-www-form-urlencoded".to_owned())];
                (Method::Post, realm_url.clone(), form.into_bytes(), headers)
            }
            Some(c) => (
                Method::Get,
                auth::token_request_url(&realm_url, service, scopes),
                Vec::new(),
                vec![("authorization".to_owned(), c.basic_header())],
            ),
            None => (Method::Get, auth::token_request_url(&realm_url, service, scopes), Vec::new(), Vec::new()),
        };
        let mut headers = headers;
        headers.push(("user-agent".to_owned(), self.options.user_agent.clone()));
        let request = Request {
            method,
            url: url.to_string(),
            headers,
            body: &body,
            max_response_bytes: MAX_TOKEN_RESPONSE,
            progress: None,
        };
        self.count(|s| {
            s.requests += 1;
            s.token_requests += 1;
        });
        let response = self
            .transport
            .send(&request)
            .await
            .map_err(|e| RegistryError::transport(method, &realm_url.to_string(), e))?;
        match response.status {
            200 => auth::parse_token_response(realm, &response.body)
                .map(|t| t.token)
                .map_err(|e| RegistryError::Protocol(e.to_string())),
            401 | 403 => {
                let mut error = self.unauthorized(challenge, scope);
                if let RegistryError::Unauthorized { detail, .. } = &mut error {
                    *detail = format!(
                        "unauthorized: the token server {} refused the credentials",
                        self.shown_realm(&realm_url)
                    );
                }
                Err(error)
            }
            status => Err(RegistryError::Status {
                method: method.as_str(),
                url: realm_url.to_string(),
                status,
                detail: error_body::summarize(&error_body::parse_error_body(&response.body)),
            }),
        }
    }

    /// A token realm as messages name it: its origin, or behind a chartpack proxy
    /// (`{prefix}/auth/SCHEME/HOST/...`) the realm the proxy relays to, and the proxy.
    fn shown_realm(&self, realm_url: &Url) -> String {
        let relayed = (!self.route.prefix.is_empty() && realm_url.same_origin(&self.route.base))
            .then(|| realm_url.path_and_query.strip_prefix(&format!("{}/auth/", self.route.prefix)))
            .flatten()
            .and_then(|rest| {
                let mut parts = rest.splitn(3, '/');
                match (parts.next(), parts.next()) {
                    (Some(scheme @ ("http" | "https")), Some(host)) if !host.is_empty() => {
                        Some(format!("{scheme}://{host}"))
                    }
                    _ => None,
                }
            });
        match relayed {
            Some(realm) => format!("{realm} (through {})", realm_url.origin()),
            None => realm_url.origin(),
        }
    }

    /// The token realm on another host that the credentials were withheld from, if any.
    pub(crate) fn withheld_realm(&self) -> Option<String> {
        self.withheld_realm.borrow().clone()
    }

    /// Whether a credential is configured.
    pub(crate) fn has_credential(&self) -> bool {
        self.credential.is_some()
    }

    /// The error for a 401 we could not answer, with what to do next.
    pub(crate) fn unauthorized(&self, response: &Response, scope: Option<&str>) -> RegistryError {
        let registry = self.registry_name();
        let repository = scope.and_then(|s| s.split(':').nth(1)).unwrap_or("");
        let target = if repository.is_empty() { registry.clone() } else { format!("{registry}/{repository}") };
        let mut detail = error_body::summarize(&error_body::parse_error_body(&response.body));
        if detail.is_empty() {
            detail = "unauthorized: authentication required".to_owned();
        }
        let login = self.options.login_hint.replace("{host}", &registry);
        let hint = if let Some(realm) = self.withheld_realm() {
            let trust = self.options.trust_realm_hint.replace("{host}", realm.split(':').next().unwrap_or(&realm));
            format!(
                "the credentials were not sent to the token realm {realm}, which is not the registry's host; {trust}"
            )
        } else if self.credential.is_some() {
            format!("the stored credentials were refused; {login} again")
        } else {
            login
        };
        RegistryError::Unauthorized { target, detail, hint }
    }
}

/// Whether a URL path holds a `.` or `..` segment, also percent-encoded or `\`-separated (as
/// WHATWG URL parsers, browsers' and reqwest's, read them).
pub(crate) fn has_dot_segment(path: &str) -> bool {
    path.split(['/', '\\']).any(|segment| {
        let segment = segment.to_ascii_lowercase().replace("%2e", ".");
        segment == "." || segment == ".."
    })
}
