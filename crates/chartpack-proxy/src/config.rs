//! The proxy's configuration: a TOML file, then environment variables, then flags (each later
//! source overrides the earlier one), over defaults made for local use. Pure: the caller reads
//! the file and the environment and passes them in as text.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use chartpack_oci::url::Url;

/// Everything the server needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where to listen (default `127.0.0.1:8080`: loopback only).
    pub listen: SocketAddr,
    /// `Host` header values the proxy answers to (`name[:port]`, lowercase). Requests naming
    /// any other host are refused: this defeats DNS rebinding. Empty means `localhost`,
    /// `127.0.0.1` and `[::1]` with the listening port.
    pub hosts: Vec<String>,
    /// The origin pages use to reach the proxy, when it runs behind a reverse proxy
    /// (`https://charts.example.com`); rewritten token realms point there. Default:
    /// `http://` + the request's (checked) `Host`.
    pub public_url: Option<String>,
    /// Page origins allowed to call the proxy across origins (`https://console.example.com`).
    /// The proxy's own origins (`http(s)://` + each of `hosts`) are always allowed.
    pub origins: Vec<String>,
    /// Registries the proxy relays to.
    pub registries: Vec<RegistryConfig>,
    /// The registry also served at the root (`/v2/...`), so plain OCI clients can use the proxy.
    pub default_registry: Option<String>,
    /// Directory of static files (the web app) served at `/`.
    pub static_dir: Option<PathBuf>,
    /// Extra PEM CA certificates trusted for upstream TLS.
    pub ca_file: Option<PathBuf>,
    /// Size and time limits.
    pub limits: Limits,
}

/// One allowlisted registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryConfig {
    /// `host[:port]`, lowercase, as in `oci://host[:port]/repo`.
    pub host: String,
    /// Talk `http://` to it (local registries).
    pub plain_http: bool,
    /// Whether it (and its token realms) may resolve to loopback, private or link-local
    /// addresses. Off by default: otherwise an allowlisted name whose DNS answer changes
    /// could turn the proxy against the network it runs in.
    pub allow_private: bool,
    /// Token realms on other hosts that this registry may name (`https://auth.docker.io/token`).
    /// Realms on the registry's own host are always accepted.
    pub realms: Vec<String>,
}

/// Size and time limits that keep hostile clients from holding memory or connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest request head (request line and headers).
    pub max_header_bytes: usize,
    /// Largest request body (a blob upload or chunk).
    pub max_body_bytes: u64,
    /// Time a client has to send its request head (slow-loris defence).
    pub header_timeout: Duration,
    /// Longest pause between two pieces of a body, either way: a client that stops sending its
    /// request body, or stops reading its response, loses the connection after this.
    pub body_idle_timeout: Duration,
    /// Time the upstream has to connect and send its response head.
    pub upstream_timeout: Duration,
    /// Connections served at once; further clients wait in the listen queue.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_header_bytes: 16 << 10,
            max_body_bytes: 128 << 20,
            header_timeout: Duration::from_secs(10),
            body_idle_timeout: Duration::from_secs(30),
            upstream_timeout: Duration::from_secs(60),
            max_connections: 512,
        }
    }
}

/// Settings given on the command line; `None`/empty means "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    /// `--listen ADDR`.
    pub listen: Option<String>,
    /// `--host NAME[:PORT]` (repeatable).
    pub hosts: Vec<String>,
    /// `--public-url URL`.
    pub public_url: Option<String>,
    /// `--origin ORIGIN` (repeatable).
    pub origins: Vec<String>,
    /// `--registry [http://]HOST[:PORT]` (repeatable).
    pub registries: Vec<String>,
    /// `--allow-private HOST[:PORT]` (repeatable).
    pub allow_private: Vec<String>,
    /// `--default-registry HOST[:PORT]`.
    pub default_registry: Option<String>,
    /// `--static-dir DIR`.
    pub static_dir: Option<String>,
    /// `--ca-file FILE`.
    pub ca_file: Option<String>,
}

/// Environment variables read, with the flag each one stands for.
pub const ENV_VARS: &[(&str, &str)] = &[
    ("CHARTPACK_PROXY_LISTEN", "--listen"),
    ("CHARTPACK_PROXY_HOSTS", "--host (comma-separated)"),
    ("CHARTPACK_PROXY_PUBLIC_URL", "--public-url"),
    ("CHARTPACK_PROXY_ORIGINS", "--origin (comma-separated)"),
    ("CHARTPACK_PROXY_REGISTRIES", "--registry (comma-separated)"),
    ("CHARTPACK_PROXY_ALLOW_PRIVATE", "--allow-private (comma-separated)"),
    ("CHARTPACK_PROXY_DEFAULT_REGISTRY", "--default-registry"),
    ("CHARTPACK_PROXY_STATIC_DIR", "--static-dir"),
    ("CHARTPACK_PROXY_CA_FILE", "--ca-file"),
];

/// A configuration that cannot be used, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {field}: {message}")]
pub struct ConfigError {
    /// The file, variable or flag.
    pub source_name: String,
    /// The setting.
    pub field: String,
    /// What was wrong.
    pub message: String,
}

fn error(source_name: &str, field: &str, message: impl Into<String>) -> ConfigError {
    ConfigError { source_name: source_name.to_owned(), field: field.to_owned(), message: message.into() }
}

/// Builds the configuration from an optional TOML file (`(name, text)`), the environment
/// (`(variable, value)` pairs; only `CHARTPACK_PROXY_*` are read) and flags.
pub fn load(file: Option<(&str, &str)>, env: &[(String, String)], flags: &Flags) -> Result<Config, ConfigError> {
    let mut layers = vec![];
    if let Some((name, text)) = file {
        layers.push(from_toml(name, text)?);
    }
    layers.push(from_env(env));
    layers.push(("flags".to_owned(), flags.clone()));
    let mut merged = Flags::default();
    let mut registry_tables: Vec<RegistryConfig> = Vec::new();
    let mut limits = Limits::default();
    if let Some((name, text)) = file {
        let (tables, file_limits) = registry_tables_and_limits(name, text)?;
        registry_tables = tables;
        limits = file_limits;
    }
    let mut registry_sources: Vec<(String, String)> = Vec::new();
    let mut private_sources: Vec<(String, String)> = Vec::new();
    for (source, layer) in &layers {
        let (source, layer) = (source.as_str(), layer);
        merged.listen = layer.listen.clone().or(merged.listen);
        merged.public_url = layer.public_url.clone().or(merged.public_url);
        merged.default_registry = layer.default_registry.clone().or(merged.default_registry);
        merged.static_dir = layer.static_dir.clone().or(merged.static_dir);
        merged.ca_file = layer.ca_file.clone().or(merged.ca_file);
        if !layer.hosts.is_empty() {
            merged.hosts = layer.hosts.clone();
        }
        if !layer.origins.is_empty() {
            merged.origins = layer.origins.clone();
        }
        registry_sources.extend(layer.registries.iter().map(|r| (source.to_owned(), r.clone())));
        private_sources.extend(layer.allow_private.iter().map(|r| (source.to_owned(), r.clone())));
    }

    let listen_text = merged.listen.as_deref().unwrap_or("127.0.0.1:8080");
    let listen: SocketAddr = listen_text.parse().map_err(|_| {
        error("listen", "listen", format!("{listen_text:?} is not an IP address and port (e.g. 127.0.0.1:8080)"))
    })?;

    let hosts = merged.hosts.iter().map(|h| parse_host("host", h)).collect::<Result<_, _>>()?;

    let public_url = match merged.public_url {
        Some(text) => {
            let url = Url::parse(&text).map_err(|e| error("public_url", "public_url", e.to_string()))?;
            if url.path_and_query != "/" {
                return Err(error("public_url", "public_url", format!("{text:?} must be an origin, without a path")));
            }
            Some(url.origin())
        }
        None => None,
    };

    let mut origins = Vec::new();
    for origin in &merged.origins {
        origins.push(parse_origin(origin)?);
    }

    for (source, spec) in &registry_sources {
        let (host, plain_http) = parse_registry_spec(source, spec)?;
        match registry_tables.iter_mut().find(|r| r.host == host) {
            Some(existing) => existing.plain_http |= plain_http,
            None => registry_tables.push(RegistryConfig { host, plain_http, allow_private: false, realms: vec![] }),
        }
    }
    for (source, spec) in &private_sources {
        let host = parse_host(source, spec)?;
        match registry_tables.iter_mut().find(|r| r.host == host) {
            Some(existing) => existing.allow_private = true,
            None => {
                return Err(error(
                    source,
                    "allow_private",
                    format!("{host:?} is not an allowlisted registry; add it with --registry first"),
                ))
            }
        }
    }
    if registry_tables.is_empty() {
        // Local use out of the box: the local `distribution` registry of `scripts/run.sh`.
        for host in ["localhost:5000", "127.0.0.1:5000"] {
            registry_tables.push(RegistryConfig {
                host: host.to_owned(),
                plain_http: true,
                allow_private: true,
                realms: vec![],
            });
        }
    }

    let default_registry = match merged.default_registry {
        Some(text) => {
            let host = parse_host("default_registry", &text)?;
            if !registry_tables.iter().any(|r| r.host == host) {
                return Err(error(
                    "default_registry",
                    "default_registry",
                    format!("{host:?} is not an allowlisted registry"),
                ));
            }
            Some(host)
        }
        None => None,
    };

    Ok(Config {
        listen,
        hosts,
        public_url,
        origins,
        registries: registry_tables,
        default_registry,
        static_dir: merged.static_dir.map(PathBuf::from),
        ca_file: merged.ca_file.map(PathBuf::from),
        limits,
    })
}

/// `host[:port]`, lowercase, without scheme, path or userinfo.
fn parse_host(source: &str, text: &str) -> Result<String, ConfigError> {
    let trimmed = text.trim();
    let url = Url::parse(&format!("http://{trimmed}/"))
        .map_err(|e| error(source, "host", format!("{trimmed:?} is not host[:port]: {}", e.reason)))?;
    let host = url.host_port();
    if host != trimmed.to_ascii_lowercase() || host.is_empty() {
        return Err(error(source, "host", format!("{trimmed:?} is not host[:port]")));
    }
    Ok(host)
}

/// `[http://|https://]host[:port]`: the host and whether the registry speaks plain HTTP.
fn parse_registry_spec(source: &str, text: &str) -> Result<(String, bool), ConfigError> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("http://") {
        Ok((parse_host(source, rest.trim_end_matches('/'))?, true))
    } else if let Some(rest) = text.strip_prefix("https://") {
        Ok((parse_host(source, rest.trim_end_matches('/'))?, false))
    } else {
        Ok((parse_host(source, text)?, false))
    }
}

/// A page origin: `scheme://host[:port]`, nothing else. `*` is refused: the proxy relays
/// credentials, so every origin it answers must be named.
fn parse_origin(text: &str) -> Result<String, ConfigError> {
    let text = text.trim();
    if text == "*" || text.contains('*') {
        return Err(error(
            "origins",
            "origins",
            "\"*\" is not accepted: the proxy relays credentials, so list each page origin (https://console.example.com)",
        ));
    }
    let url = Url::parse(text).map_err(|e| error("origins", "origins", e.to_string()))?;
    if url.path_and_query != "/" || text.ends_with('/') {
        return Err(error(
            "origins",
            "origins",
            format!("{text:?} must be an origin (scheme://host[:port]) without a path"),
        ));
    }
    Ok(url.origin())
}

fn from_env(env: &[(String, String)]) -> (String, Flags) {
    let get = |name: &str| env.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
    let list = |name: &str| -> Vec<String> {
        get(name)
            .map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let flags = Flags {
        listen: get("CHARTPACK_PROXY_LISTEN"),
        hosts: list("CHARTPACK_PROXY_HOSTS"),
        public_url: get("CHARTPACK_PROXY_PUBLIC_URL"),
        origins: list("CHARTPACK_PROXY_ORIGINS"),
        registries: list("CHARTPACK_PROXY_REGISTRIES"),
        allow_private: list("CHARTPACK_PROXY_ALLOW_PRIVATE"),
        default_registry: get("CHARTPACK_PROXY_DEFAULT_REGISTRY"),
        static_dir: get("CHARTPACK_PROXY_STATIC_DIR"),
        ca_file: get("CHARTPACK_PROXY_CA_FILE"),
    };
    ("environment".to_owned(), flags)
}

const TOP_LEVEL_KEYS: &[&str] =
    &["listen", "hosts", "public_url", "origins", "default_registry", "static_dir", "ca_file", "registry", "limits"];
const REGISTRY_KEYS: &[&str] = &["host", "plain_http", "allow_private", "realms"];
const LIMIT_KEYS: &[&str] = &[
    "max_header_bytes",
    "max_body_bytes",
    "header_timeout_ms",
    "body_idle_timeout_ms",
    "upstream_timeout_ms",
    "max_connections",
];

fn parse_table(name: &str, text: &str) -> Result<toml::Table, ConfigError> {
    text.parse::<toml::Table>().map_err(|e| error(name, "syntax", e.to_string().trim().replace('\n', " ")))
}

/// The scalar settings of the file, as flags.
fn from_toml(name: &str, text: &str) -> Result<(String, Flags), ConfigError> {
    let table = parse_table(name, text)?;
    for key in table.keys() {
        if !TOP_LEVEL_KEYS.contains(&key.as_str()) {
            return Err(error(name, key, format!("unknown setting (known: {})", TOP_LEVEL_KEYS.join(", "))));
        }
    }
    let string = |key: &str| -> Result<Option<String>, ConfigError> {
        match table.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(error(name, key, format!("expected a string, found {}", other.type_str()))),
        }
    };
    let strings = |key: &str| -> Result<Vec<String>, ConfigError> { string_list(name, key, table.get(key)) };
    let flags = Flags {
        listen: string("listen")?,
        hosts: strings("hosts")?,
        public_url: string("public_url")?,
        origins: strings("origins")?,
        registries: vec![],
        allow_private: vec![],
        default_registry: string("default_registry")?,
        static_dir: string("static_dir")?,
        ca_file: string("ca_file")?,
    };
    Ok((name.to_owned(), flags))
}

fn string_list(name: &str, key: &str, value: Option<&toml::Value>) -> Result<Vec<String>, ConfigError> {
    match value {
        None => Ok(vec![]),
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                toml::Value::String(s) => Ok(s.clone()),
                other => Err(error(name, key, format!("expected strings, found {}", other.type_str()))),
            })
            .collect(),
        Some(other) => Err(error(name, key, format!("expected a list of strings, found {}", other.type_str()))),
    }
}

/// The file's `[[registry]]` tables and `[limits]`.
fn registry_tables_and_limits(name: &str, text: &str) -> Result<(Vec<RegistryConfig>, Limits), ConfigError> {
    let table = parse_table(name, text)?;
    let mut registries: Vec<RegistryConfig> = Vec::new();
    match table.get("registry") {
        None => {}
        Some(toml::Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                let field = format!("registry[{index}]");
                let toml::Value::Table(entry) = item else {
                    return Err(error(name, &field, "expected a [[registry]] table"));
                };
                for key in entry.keys() {
                    if !REGISTRY_KEYS.contains(&key.as_str()) {
                        return Err(error(
                            name,
                            &format!("{field}.{key}"),
                            format!("unknown setting (known: {})", REGISTRY_KEYS.join(", ")),
                        ));
                    }
                }
                let host = match entry.get("host") {
                    Some(toml::Value::String(s)) => parse_registry_spec(name, s)?,
                    _ => return Err(error(name, &format!("{field}.host"), "required: the registry's host[:port]")),
                };
                let boolean = |key: &str| match entry.get(key) {
                    None => Ok(false),
                    Some(toml::Value::Boolean(b)) => Ok(*b),
                    Some(other) => Err(error(
                        name,
                        &format!("{field}.{key}"),
                        format!("expected true or false, found {}", other.type_str()),
                    )),
                };
                let mut realms = Vec::new();
                for realm in string_list(name, &format!("{field}.realms"), entry.get("realms"))? {
                    let url = Url::parse(&realm).map_err(|e| error(name, &format!("{field}.realms"), e.to_string()))?;
                    if url.path_and_query.contains('?') {
                        return Err(error(
                            name,
                            &format!("{field}.realms"),
                            format!("{realm:?}: give the realm without a query"),
                        ));
                    }
                    realms.push(url.to_string());
                }
                if registries.iter().any(|r| r.host == host.0) {
                    return Err(error(name, &format!("{field}.host"), format!("{:?} is listed twice", host.0)));
                }
                registries.push(RegistryConfig {
                    host: host.0,
                    plain_http: host.1 || boolean("plain_http")?,
                    allow_private: boolean("allow_private")?,
                    realms,
                });
            }
        }
        Some(other) => {
            return Err(error(name, "registry", format!("expected [[registry]] tables, found {}", other.type_str())))
        }
    }
    let mut limits = Limits::default();
    match table.get("limits") {
        None => {}
        Some(toml::Value::Table(entry)) => {
            for (key, value) in entry {
                if !LIMIT_KEYS.contains(&key.as_str()) {
                    return Err(error(
                        name,
                        &format!("limits.{key}"),
                        format!("unknown limit (known: {})", LIMIT_KEYS.join(", ")),
                    ));
                }
                let toml::Value::Integer(number) = value else {
                    return Err(error(
                        name,
                        &format!("limits.{key}"),
                        format!("expected a number, found {}", value.type_str()),
                    ));
                };
                let number = u64::try_from(*number).ok().filter(|n| *n > 0).ok_or_else(|| {
                    error(name, &format!("limits.{key}"), format!("{number} is not a positive number"))
                })?;
                let millis = Duration::from_millis(number);
                let size = usize::try_from(number).unwrap_or(usize::MAX);
                match key.as_str() {
                    "max_header_bytes" => limits.max_header_bytes = size.max(8192),
                    "max_body_bytes" => limits.max_body_bytes = number,
                    "header_timeout_ms" => limits.header_timeout = millis,
                    "body_idle_timeout_ms" => limits.body_idle_timeout = millis,
                    "upstream_timeout_ms" => limits.upstream_timeout = millis,
                    _ => limits.max_connections = size,
                }
            }
        }
        Some(other) => {
            return Err(error(name, "limits", format!("expected a [limits] table, found {}", other.type_str())))
        }
    }
    Ok((registries, limits))
}

impl Config {
    /// The allowlisted registry named `host` (`host[:port]`, any case).
    pub fn registry(&self, host: &str) -> Option<&RegistryConfig> {
        self.registries.iter().find(|r| r.host.eq_ignore_ascii_case(host))
    }

    /// The `Host` values the proxy answers to (the configured ones, or the loopback names with
    /// the listening port).
    pub fn effective_hosts(&self) -> Vec<String> {
        if self.hosts.is_empty() {
            let port = self.listen.port();
            vec![format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")]
        } else {
            self.hosts.clone()
        }
    }

    /// Whether `host` (a `Host` header value) names this proxy.
    pub fn answers_to(&self, host: &str) -> bool {
        if self.hosts.is_empty() {
            return self.effective_hosts().iter().any(|h| h.eq_ignore_ascii_case(host));
        }
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    /// Whether a page on `origin` may call the proxy: a listed origin or one of the proxy's own.
    pub fn origin_allowed(&self, origin: &str) -> bool {
        if self.origins.iter().any(|o| o.eq_ignore_ascii_case(origin)) {
            return true;
        }
        if self.public_url.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(origin)) {
            return true;
        }
        let Some((scheme, host)) = origin.split_once("://") else { return false };
        matches!(scheme, "http" | "https") && self.answers_to(host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn defaults_are_loopback_and_the_local_registry() {
        let config = load(None, &[], &Flags::default()).expect("defaults load");
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.effective_hosts(), ["localhost:8080", "127.0.0.1:8080", "[::1]:8080"]);
        assert_eq!(config.registries.len(), 2);
        assert!(config.registries.iter().all(|r| r.plain_http && r.allow_private));
        assert!(config.origin_allowed("http://localhost:8080"));
        assert!(!config.origin_allowed("http://evil.example:8080"));
        assert!(!config.origin_allowed("null"));
    }

    #[test]
    fn file_then_environment_then_flags() {
        let file = r#"
listen = "127.0.0.1:9000"
origins = ["https://console.example.com"]
[[registry]]
host = "ghcr.io"
[[registry]]
host = "http://localhost:5000"
allow_private = true
[limits]
max_body_bytes = 1000
header_timeout_ms = 250
"#;
        let environment =
            env(&[("CHARTPACK_PROXY_LISTEN", "127.0.0.1:9100"), ("CHARTPACK_PROXY_REGISTRIES", "quay.io")]);
        let flags = Flags { listen: Some("127.0.0.1:9200".into()), ..Flags::default() };
        let config = load(Some(("proxy.toml", file)), &environment, &flags).expect("loads");
        assert_eq!(config.listen.port(), 9200);
        assert_eq!(config.effective_hosts()[0], "localhost:9200");
        let hosts: Vec<&str> = config.registries.iter().map(|r| r.host.as_str()).collect();
        assert_eq!(hosts, ["ghcr.io", "localhost:5000", "quay.io"]);
        let local = config.registry("LOCALHOST:5000").expect("local registry");
        assert!(local.plain_http && local.allow_private);
        assert!(!config.registry("ghcr.io").expect("ghcr").allow_private);
        assert_eq!(config.limits.max_body_bytes, 1000);
        assert_eq!(config.limits.header_timeout, Duration::from_millis(250));
        assert!(config.origin_allowed("https://console.example.com"));
    }

    #[test]
    fn wildcard_origins_are_refused() {
        let flags = Flags { origins: vec!["*".into()], ..Flags::default() };
        let err = load(None, &[], &flags).expect_err("wildcard refused");
        assert!(err.to_string().contains("\"*\" is not accepted"), "{err}");
        let flags = Flags { origins: vec!["https://*.example.com".into()], ..Flags::default() };
        assert!(load(None, &[], &flags).is_err());
        let flags = Flags { origins: vec!["https://console.example.com/app".into()], ..Flags::default() };
        assert!(load(None, &[], &flags).expect_err("path refused").to_string().contains("without a path"));
    }

    #[test]
    fn errors_name_the_file_and_setting() {
        let err = load(Some(("proxy.toml", "[[registry]]\nhost = 5\n")), &[], &Flags::default()).expect_err("bad host");
        assert_eq!(err.to_string(), "proxy.toml: registry[0].host: required: the registry's host[:port]");
        let err = load(Some(("proxy.toml", "listn = \"x\"\n")), &[], &Flags::default()).expect_err("typo");
        assert!(err.to_string().starts_with("proxy.toml: listn: unknown setting"), "{err}");
        let err = load(Some(("proxy.toml", "[limits]\nmax_body_bytes = -1\n")), &[], &Flags::default())
            .expect_err("negative");
        assert!(err.to_string().contains("limits.max_body_bytes"), "{err}");
        let flags = Flags { registries: vec!["user@ghcr.io".into()], ..Flags::default() };
        assert!(load(None, &[], &flags).is_err());
        let flags = Flags { allow_private: vec!["ghcr.io".into()], ..Flags::default() };
        assert!(load(None, &[], &flags).expect_err("not listed").to_string().contains("not an allowlisted registry"));
        let flags = Flags { listen: Some("localhost".into()), ..Flags::default() };
        assert!(load(None, &[], &flags).is_err());
    }

    #[test]
    fn realms_are_absolute_urls_without_query() {
        let file = "[[registry]]\nhost = \"docker.io\"\nrealms = [\"https://auth.docker.io/token\"]\n";
        let config = load(Some(("p.toml", file)), &[], &Flags::default()).expect("loads");
        assert_eq!(config.registries[0].realms, ["https://auth.docker.io/token"]);
        let file = "[[registry]]\nhost = \"docker.io\"\nrealms = [\"https://auth.docker.io/token?x=1\"]\n";
        assert!(load(Some(("p.toml", file)), &[], &Flags::default()).is_err());
    }
}
