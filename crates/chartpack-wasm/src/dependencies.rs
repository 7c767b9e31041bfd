//! `updateDependencies` and `buildDependencies`: `helm dependency update|build` over
//! [`chartpack::dependencies`], composed as the CLI's `dependency` command composes it
//! (crates/chartpack-cli/src/dependency_cmd.rs). Chart repositories are fetched through
//! [`FetchTransport`], OCI dependencies through a registry client per registry host (built as
//! `new Registry(host, options)` builds one), local charts come from the caller's files; the
//! caller writes what comes back (archives for `charts/`, the lock, what to delete).

use std::cell::RefCell;
use std::rc::Rc;

use chartpack::chart::{ChartFile, Timestamp};
use chartpack::dependencies::{self, Options, Outcome, Repository, Sources};
use chartpack_oci::client::RegistryClient;
use chartpack_oci::reference::Reference;
use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use crate::chart::load_directory;
use crate::client::{proxy_endpoint, signal_property, Settings};
use crate::convert::{self, chart_files, Obj};
use crate::error::{Failure, ABORTED};
use crate::transport::{in_browser, FetchTransport};

const LOGIN_HINT: &str = "log in to {host}: pass registries: { \"{host}\": { username, password } } in the options";
const TRUST_REALM_HINT: &str =
    "add \"{host}\" to that registry's trustRealms in the options' registries if you trust it";

/// `helm dependency update`: resolves, fetches and locks the chart's dependencies.
#[wasm_bindgen(js_name = updateDependencies, skip_typescript)]
pub fn update_dependencies(files: JsValue, options: JsValue) -> Promise {
    future_to_promise(async move { run(&files, &options, false).await.map_err(Failure::into_js) })
}

/// `helm dependency build`: fetches what the chart's lock names (an update without a lock).
#[wasm_bindgen(js_name = buildDependencies, skip_typescript)]
pub fn build_dependencies(files: JsValue, options: JsValue) -> Promise {
    future_to_promise(async move { run(&files, &options, true).await.map_err(Failure::into_js) })
}

async fn run(files: &JsValue, options: &JsValue, build: bool) -> Result<JsValue, Failure> {
    let (files, dir) = chart_files(files)?;
    let signal = signal_property(options)?;
    let settings = Options {
        repositories: repositories(options)?,
        now: convert::timestamp_from_millis(Some(
            convert::number_property(options, "now")?.unwrap_or_else(js_sys::Date::now),
        ))
        .map_err(|f| Failure { field: Some("now".to_owned()), ..f })?,
        now_offset: 0,
        reproducible_time: source_date_epoch(options)?,
    };
    let sources = JsSources::new(files.clone(), options, signal.clone())?;
    let chart = load_directory(files, dir.as_deref().unwrap_or(".")).chart.map_err(Failure::from)?;
    if signal.as_ref().is_some_and(AbortSignal::aborted) {
        return Err(Failure::new(ABORTED, "aborted before the first request was sent"));
    }
    let outcome = if build {
        dependencies::build(&chart, &sources, &settings).await
    } else {
        dependencies::update(&chart, &sources, &settings).await
    };
    let outcome = match outcome {
        Ok(Some(outcome)) => outcome,
        Ok(None) => return Ok(JsValue::NULL),
        // An abort surfaces as whatever request it cut short: give it its own code.
        Err(e) if signal.as_ref().is_some_and(AbortSignal::aborted) => {
            return Err(Failure::new(ABORTED, e.to_string()))
        }
        Err(e) => return Err(Failure::from(e)),
    };
    Ok(result(&outcome, &sources.files))
}

/// The plain object handed back: the lock, the archives, and the `charts/` files to delete.
fn result(outcome: &Outcome, files: &[ChartFile]) -> JsValue {
    let existing: Vec<(String, Vec<u8>)> = files
        .iter()
        .filter_map(|f| f.path.strip_prefix("charts/").filter(|name| !name.contains('/')).map(|n| (n, f)))
        .map(|(name, f)| (name.to_owned(), f.data.clone()))
        .collect();
    let remove = dependencies::outdated_charts(&existing, outcome);
    let charts: Array = outcome
        .charts
        .iter()
        .map(|c| Obj::new().set("fileName", c.file_name.as_str()).set("bytes", convert::bytes(&c.bytes)).build())
        .collect();
    Obj::new()
        .set("lockFile", outcome.lock_file)
        .set("lock", outcome.lock_yaml.as_str())
        .set("writeLock", outcome.write_lock)
        .set("charts", charts)
        .set("remove", convert::string_array(&remove))
        .set("log", convert::string_array(&outcome.log))
        .build()
}

/// `repositories: [{ name, url, username?, password?, passCredentialsAll? }]`: helm's
/// `repositories.yaml` entries.
fn repositories(options: &JsValue) -> Result<Vec<Repository>, Failure> {
    let Some(list) = convert::property(options, "repositories")? else { return Ok(Vec::new()) };
    if !Array::is_array(&list) {
        return Err(Failure::invalid_field("repositories", "repositories must be an array of { name, url, … }"));
    }
    let list: Array = list.unchecked_into();
    let mut out = Vec::with_capacity(list.length() as usize);
    for (index, item) in list.iter().enumerate() {
        let at = |f: Failure| Failure { field: f.field.map(|k| format!("repositories[{index}].{k}")), ..f };
        if !item.is_object() {
            return Err(Failure::invalid_field(
                &format!("repositories[{index}]"),
                format!("repositories[{index}] must be an object, got {}", convert::type_name(&item)),
            ));
        }
        let required = |key: &str| -> Result<String, Failure> {
            match convert::string_property(&item, key).map_err(at)? {
                Some(value) if !value.is_empty() => Ok(value),
                _ => Err(Failure::invalid_field(
                    &format!("repositories[{index}].{key}"),
                    format!("repositories[{index}].{key} is required"),
                )),
            }
        };
        out.push(Repository {
            name: required("name")?,
            url: required("url")?,
            username: convert::string_property(&item, "username").map_err(at)?.unwrap_or_default(),
            password: convert::string_property(&item, "password").map_err(at)?.unwrap_or_default(),
            pass_credentials_all: convert::bool_property(&item, "passCredentialsAll").map_err(at)?.unwrap_or(false),
        });
    }
    Ok(out)
}

/// `sourceDateEpoch`: whole seconds, the entry time of packaged `file://` charts.
fn source_date_epoch(options: &JsValue) -> Result<Option<Timestamp>, Failure> {
    match convert::number_property(options, "sourceDateEpoch")? {
        None => Ok(None),
        Some(secs) if secs.fract() == 0.0 && secs.abs() < 1e15 => Ok(Some(Timestamp::from_secs(secs as i64))),
        Some(_) => Err(Failure::invalid_field("sourceDateEpoch", "sourceDateEpoch must be a whole number of seconds")),
    }
}

/// The entries of an optional plain-object option (`registries`, `localCharts`).
fn entries(options: &JsValue, key: &str) -> Result<Vec<(String, JsValue)>, Failure> {
    let Some(map) = convert::property(options, key)? else { return Ok(Vec::new()) };
    if !map.is_object() || Array::is_array(&map) {
        return Err(Failure::invalid_field(key, format!("{key} must be an object keyed by {}", entry_key(key))));
    }
    let map: Object = map.unchecked_into();
    // Reflect (not Object.entries): a throwing getter or proxy trap becomes an error, not a trap.
    let keys = js_sys::Reflect::own_keys(&map)
        .map_err(|_| Failure::invalid_field(key, format!("cannot read the keys of {key}")))?;
    let mut out = Vec::new();
    for name in keys.iter().filter_map(|k| k.as_string()) {
        let value = convert::property(&map, &name)?.unwrap_or(JsValue::UNDEFINED);
        out.push((name, value));
    }
    Ok(out)
}

fn entry_key(option: &str) -> &'static str {
    if option == "registries" {
        "\"host[:port]\""
    } else {
        "path (\"../common\")"
    }
}

/// A registry host as written in `registries` or in an `oci://` reference, for comparison.
fn host_key(host: &str) -> String {
    host.strip_prefix("oci://").unwrap_or(host).trim_end_matches('/').to_ascii_lowercase()
}

/// A local chart path for comparison: `file://` and `.` segments, empty segments and a trailing
/// `/` dropped (`./charts/redis/` is `charts/redis`).
fn path_key(path: &str) -> String {
    let path = path.strip_prefix("file://").unwrap_or(path);
    let joined = path.split('/').filter(|s| !s.is_empty() && *s != ".").collect::<Vec<_>>().join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Registries, HTTP and local files for [`chartpack::dependencies`], from the JS options.
struct JsSources {
    http: FetchTransport,
    signal: Option<AbortSignal>,
    /// `plainHttp` and `proxy` of the options: the settings of registries not in `registries`.
    defaults: Settings,
    /// One client per registry host, made on first use (or up front, from `registries`).
    clients: RefCell<Vec<(String, Rc<RegistryClient<FetchTransport>>)>>,
    /// The chart's own files (for `charts/<name>` and paths inside the chart).
    files: Vec<ChartFile>,
    /// `localCharts`, by [`path_key`].
    local: Vec<(String, Vec<ChartFile>)>,
}

impl JsSources {
    fn new(files: Vec<ChartFile>, options: &JsValue, signal: Option<AbortSignal>) -> Result<JsSources, Failure> {
        let defaults = Settings {
            plain_http: convert::bool_property(options, "plainHttp")?,
            proxy: convert::string_property(options, "proxy")?,
            ..Settings::default()
        };
        if let Some(proxy) = &defaults.proxy {
            proxy_endpoint(proxy, "registry.example")?; // an invalid proxy fails now, not at the first pull
        }
        let http = FetchTransport::new(in_browser());
        http.set_signal(signal.clone());
        let mut clients = Vec::new();
        for (host, entry) in entries(options, "registries")? {
            let at = |f: Failure| Failure {
                field: Some(
                    format!("registries[{host:?}].{}", f.field.as_deref().unwrap_or(""))
                        .trim_end_matches('.')
                        .to_owned(),
                ),
                ..f
            };
            let mut settings = Settings::read(&entry).map_err(at)?;
            settings.plain_http = settings.plain_http.or(defaults.plain_http);
            if settings.base_url.is_none() {
                settings.proxy = settings.proxy.or_else(|| defaults.proxy.clone());
            }
            let key = host_key(&host);
            let client = settings.connect(&key, LOGIN_HINT, TRUST_REALM_HINT).map_err(at)?;
            client.transport().set_signal(signal.clone());
            clients.push((key, Rc::new(client)));
        }
        let mut local = Vec::new();
        for (path, value) in entries(options, "localCharts")? {
            let (chart, _) = chart_files(&value).map_err(|f| Failure {
                field: Some(format!("localCharts[{path:?}]{}", f.field.map(|k| format!(".{k}")).unwrap_or_default())),
                ..f
            })?;
            local.push((path_key(&path), chart));
        }
        Ok(JsSources { http, signal, defaults, clients: RefCell::new(clients), files, local })
    }

    /// The client for `host`: the one `registries` configured, else one with the defaults.
    fn client(&self, host: &str) -> Result<Rc<RegistryClient<FetchTransport>>, String> {
        let key = host_key(host);
        if let Some((_, client)) = self.clients.borrow().iter().find(|(h, _)| *h == key) {
            return Ok(Rc::clone(client));
        }
        let client = self.defaults.connect(&key, LOGIN_HINT, TRUST_REALM_HINT).map_err(|f| f.message)?;
        client.transport().set_signal(self.signal.clone());
        let client = Rc::new(client);
        self.clients.borrow_mut().push((key, Rc::clone(&client)));
        Ok(client)
    }

    /// `oci://{repository}[:{tag}]`, the tag in its OCI form (`+` as `_`).
    fn reference(repository: &str, tag: Option<&str>) -> Result<Reference, String> {
        let text = match tag {
            Some(tag) => format!("oci://{repository}:{}", tag.replace('+', "_")),
            None => format!("oci://{repository}"),
        };
        Reference::parse(&text).map_err(|e| e.to_string())
    }
}

impl Sources for JsSources {
    type Http = FetchTransport;

    fn http(&self) -> &FetchTransport {
        &self.http
    }

    async fn oci_tags(&self, repository: &str) -> Result<Vec<String>, String> {
        let reference = Self::reference(repository, None)?;
        let client = self.client(&reference.registry)?;
        client.list_tags(&reference.repository).await.map_err(|e| e.to_string())
    }

    async fn oci_pull(&self, repository: &str, version: &str) -> Result<Vec<u8>, String> {
        let reference = Self::reference(repository, Some(version))?;
        let client = self.client(&reference.registry)?;
        let pulled = client.pull_chart(&reference, None, false, None).await.map_err(|e| e.to_string())?;
        Ok(pulled.archive)
    }

    /// `localCharts[path]`, else the chart's own files under `path/` when `path` stays inside
    /// the chart (`charts/redis` for a dependency without a repository).
    fn local_chart(&self, path: &str) -> Result<Vec<ChartFile>, String> {
        let key = path_key(path);
        if let Some((_, files)) = self.local.iter().find(|(k, _)| *k == key) {
            return Ok(files.clone());
        }
        let inside = !key.is_empty() && !key.starts_with('/') && !key.split('/').any(|s| s == "..");
        if inside {
            let prefix = format!("{key}/");
            let files: Vec<ChartFile> = self
                .files
                .iter()
                .filter_map(|f| {
                    f.path.strip_prefix(&prefix).map(|rest| ChartFile { path: rest.to_owned(), ..f.clone() })
                })
                .collect();
            if !files.is_empty() {
                return Ok(files);
            }
        }
        Err(format!("directory {path} not found: pass its files as localCharts[{path:?}]"))
    }
}

#[cfg(test)]
mod tests {
    use super::{host_key, path_key};

    #[test]
    fn local_paths_and_hosts_compare_as_written_less_noise() {
        assert_eq!(path_key("file://../common/"), "../common");
        assert_eq!(path_key("./charts//redis"), "charts/redis");
        assert_eq!(path_key("/abs/./x"), "/abs/x");
        assert_eq!(host_key("oci://Registry.Example:5000/"), "registry.example:5000");
    }
}
