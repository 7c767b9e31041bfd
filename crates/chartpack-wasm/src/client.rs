//! Registry clients over `fetch`: the settings `new Registry(host, options)` takes, and the
//! client built from them, composed as the CLI's registry commands compose it
//! (crates/chartpack-cli/src/registry_cmd.rs). Shared by the `Registry` class and the
//! dependency functions (a client per registry host).

use chartpack_oci::client::{ClientOptions, RegistryClient, RegistryError};
use chartpack_oci::credentials::Credential;
use chartpack_oci::secret::Secret;
use wasm_bindgen::{JsCast, JsValue};

use crate::convert;
use crate::error::Failure;
use crate::transport::{in_browser, FetchTransport};

/// How to reach one registry: the options of `new Registry(host, options)`, also given per
/// host to `updateDependencies`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) plain_http: Option<bool>,
    pub(crate) credential: Option<Credential>,
    pub(crate) trust_realms: Vec<String>,
    pub(crate) base_url: Option<String>,
    pub(crate) proxy: Option<String>,
}

impl Settings {
    /// Reads `{ plainHttp, username, password, trustRealms, baseUrl, proxy }` (all optional).
    pub(crate) fn read(options: &JsValue) -> Result<Settings, Failure> {
        let credential =
            match (convert::string_property(options, "username")?, convert::string_property(options, "password")?) {
                (Some(username), Some(password)) => Some(Credential::basic(username, Secret::new(password))),
                (None, None) => None,
                _ => return Err(Failure::invalid_input("give both username and password, or neither")),
            };
        Ok(Settings {
            plain_http: convert::bool_property(options, "plainHttp")?,
            credential,
            trust_realms: convert::strings_property(options, "trustRealms")?,
            base_url: convert::string_property(options, "baseUrl")?,
            proxy: convert::string_property(options, "proxy")?,
        })
    }

    /// A client for `host` (`host[:port]`) over `fetch`, composed as the CLI's registry commands
    /// compose it. The hints tell how to give credentials (`{host}` names the registry).
    pub(crate) fn connect(
        &self,
        host: &str,
        login_hint: &str,
        trust_realm_hint: &str,
    ) -> Result<RegistryClient<FetchTransport>, Failure> {
        let mut plain_http = self.plain_http.unwrap_or(false);
        let mut connect_to = host.to_owned();
        let mut display_host = None;
        let endpoint = match &self.proxy {
            Some(proxy) => Some(proxy_endpoint(proxy, host)?),
            None => None,
        };
        if let Some(base) = &self.base_url {
            if self.proxy.is_some() {
                return Err(Failure::invalid_field("proxy", "give baseUrl or proxy, not both"));
            }
            let url =
                chartpack_oci::url::Url::parse(base).map_err(|e| Failure::invalid_field("baseUrl", e.to_string()))?;
            if url.path_and_query != "/" {
                return Err(Failure::invalid_field(
                    "baseUrl",
                    format!("baseUrl {base:?} must be an origin (scheme://host[:port]) without a path"),
                ));
            }
            plain_http = url.scheme == "http";
            connect_to = url.host_port();
            display_host = Some(host.to_owned());
        }
        let client_options = ClientOptions {
            plain_http,
            user_agent: format!("chartpack/{}", env!("CARGO_PKG_VERSION")),
            trusted_realm_hosts: self.trust_realms.clone(),
            display_host,
            endpoint,
            login_hint: login_hint.to_owned(),
            trust_realm_hint: trust_realm_hint.to_owned(),
            ..ClientOptions::default()
        };
        RegistryClient::new(FetchTransport::new(in_browser()), &connect_to, self.credential.clone(), client_options)
            .map_err(|e| match e {
                // The only endpoint here is the one built from `proxy`.
                RegistryError::InvalidOption { .. } => Failure::invalid_field("proxy", e.to_string()),
                other => Failure::from(other),
            })
    }
}

/// The optional `signal` option: an `AbortSignal`.
pub(crate) fn signal_property(options: &JsValue) -> Result<Option<web_sys::AbortSignal>, Failure> {
    match convert::property(options, "signal")? {
        None => Ok(None),
        Some(v) => v
            .dyn_into::<web_sys::AbortSignal>()
            .map(Some)
            .map_err(|_| Failure::invalid_field("signal", "signal must be an AbortSignal")),
    }
}

/// The endpoint that reaches `host` through the chartpack proxy at `proxy`: `{proxy}/r/{host}`
/// (the CLI's `--proxy`). Browsers need it for registries with auth, which refuse CORS preflights.
pub(crate) fn proxy_endpoint(proxy: &str, host: &str) -> Result<String, Failure> {
    let invalid = |reason: &str| Failure::invalid_field("proxy", format!("invalid proxy {proxy:?}: {reason}"));
    let url = chartpack_oci::url::Url::parse(proxy).map_err(|e| invalid(e.reason))?;
    if url.path_and_query.contains('?') {
        return Err(invalid("a query is not accepted"));
    }
    Ok(format!("{}/r/{}", proxy.trim_end_matches('/'), host.to_ascii_lowercase()))
}
