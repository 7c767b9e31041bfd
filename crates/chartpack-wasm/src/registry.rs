//! The `Registry` class: chartpack-oci's registry client over `fetch` (built in
//! [`crate::client`]). It lives on between calls for its token cache.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use chartpack_oci::client::RegistryClient;
use chartpack_oci::reference::Reference;
use js_sys::Promise;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::chart::{created, DEFAULT_ARCHIVE_NAME};
use crate::client::{signal_property, Settings};
use crate::convert::{self, Obj};
use crate::error::{Failure, ABORTED};
use crate::transport::FetchTransport;

/// A client for one registry (`host[:port]`). Calls on one `Registry` run one after another
/// (each may carry its own `AbortSignal`); use several objects to run calls in parallel.
#[wasm_bindgen(skip_typescript)]
pub struct Registry {
    inner: Rc<Inner>,
}

struct Inner {
    client: RegistryClient<FetchTransport>,
    /// `host[:port]` as the caller named it: references must name the same registry.
    host: String,
    /// Settles when the call in progress ends; the next call waits for it.
    queue: RefCell<Promise>,
}

#[wasm_bindgen]
impl Registry {
    /// `new Registry(host, { plainHttp, username, password, trustRealms, baseUrl, proxy })`.
    #[wasm_bindgen(constructor)]
    pub fn new(host: String, options: JsValue) -> Result<Registry, JsValue> {
        let host = host.strip_prefix("oci://").unwrap_or(&host).trim_end_matches('/').to_owned();
        let client = Settings::read(&options)?.connect(
            &host,
            "log in to {host}: pass username and password to new Registry(…) and call login()",
            "add \"{host}\" to the Registry's trustRealms option if you trust it",
        )?;
        Ok(Registry {
            inner: Rc::new(Inner { client, host, queue: RefCell::new(Promise::resolve(&JsValue::UNDEFINED)) }),
        })
    }

    /// `GET /v2/` with the credentials, as `helm registry login` checks them.
    pub fn login(&self, options: JsValue) -> Promise {
        self.call(
            options,
            Box::new(|inner, _| {
                Box::pin(async move {
                    inner.client.check_login().await.map_err(Failure::from)?;
                    Ok(JsValue::UNDEFINED)
                })
            }),
        )
    }

    /// Pushes an archive to `remote` (`oci://host/repo`) as `helm push` does.
    pub fn push(&self, archive: JsValue, remote: String, options: JsValue) -> Promise {
        self.call(
            options.clone(),
            Box::new(move |inner, progress| {
                Box::pin(async move {
                    let archive = convert::to_bytes(&archive, "archive")?;
                    // helm checks the remote's URL and scheme before it looks at the chart.
                    chartpack_oci::reference::check_push_remote(&remote).map_err(Failure::from)?;
                    let provenance = convert::bytes_property(&options, "provenance")?;
                    let created = created(&options)?;
                    let name = convert::string_property(&options, "fileName")?
                        .unwrap_or_else(|| DEFAULT_ARCHIVE_NAME.to_owned());
                    let artifact =
                        chartpack_oci::manifest::build_chart_artifact(&archive, &name, provenance.as_deref(), &created)
                            .map_err(Failure::from)?;
                    let reference =
                        chartpack_oci::reference::push_reference(&remote, &artifact.name, &artifact.version)
                            .map_err(Failure::from)?;
                    inner.check_registry(&reference)?;
                    let relay = progress.as_ref().map(|f| move |done: u64, total: u64| report(f, done, total));
                    let pushed = inner
                        .client
                        .push_chart(
                            &reference,
                            &artifact,
                            &archive,
                            provenance.as_deref(),
                            relay.as_ref().map(|r| r as &dyn Fn(u64, u64)),
                        )
                        .await
                        .map_err(Failure::from)?;
                    Ok(Obj::new()
                        .set("reference", reference.to_string())
                        .set("digest", pushed.manifest_digest.to_string())
                        .set("requests", pushed.stats.requests)
                        .build())
                })
            }),
        )
    }

    /// Pulls `reference` (`oci://host/repo/chart[:tag|@digest]`), resolving `version` as
    /// `helm pull` does; everything is checked against its digest.
    pub fn pull(&self, reference: String, options: JsValue) -> Promise {
        self.call(
            options.clone(),
            Box::new(move |inner, progress| {
                Box::pin(async move {
                    let reference = Reference::parse(&reference).map_err(Failure::from)?;
                    inner.check_registry(&reference)?;
                    let version = convert::string_property(&options, "version")?;
                    let devel = convert::bool_property(&options, "devel")?.unwrap_or(false);
                    let relay = progress.as_ref().map(|f| move |done: u64, total: u64| report(f, done, total));
                    let pulled = inner
                        .client
                        .pull_chart(
                            &reference,
                            version.as_deref(),
                            devel,
                            relay.as_ref().map(|r| r as &dyn Fn(u64, u64)),
                        )
                        .await
                        .map_err(Failure::from)?;
                    let provenance = pulled.provenance.as_deref().map_or(JsValue::UNDEFINED, convert::bytes);
                    Ok(Obj::new()
                        .set("reference", pulled.reference.to_string())
                        .set("digest", pulled.manifest_digest.to_string())
                        .set("fileName", pulled.file_name.as_str())
                        .set("archive", convert::bytes(&pulled.archive))
                        .set("provenance", provenance)
                        .set("warnings", convert::string_array(&pulled.warnings))
                        .set("requests", pulled.stats.requests)
                        .build())
                })
            }),
        )
    }

    /// Every tag of the chart `reference` names, newest SemVer first, then the others.
    pub fn tags(&self, reference: String, options: JsValue) -> Promise {
        self.call(
            options,
            Box::new(move |inner, _| {
                Box::pin(async move {
                    let reference = Reference::parse(&reference).map_err(Failure::from)?;
                    inner.check_registry(&reference)?;
                    let tags = inner.client.list_tags(&reference.repository).await.map_err(Failure::from)?;
                    Ok(convert::string_array(&chartpack_oci::tags::sort_by_semver_desc(&tags)))
                })
            }),
        )
    }
}

/// One call's work, given the registry and the `onProgress` callback. Boxed, so that the
/// promise plumbing below exists once in the module instead of once per method.
type Body =
    Box<dyn FnOnce(Rc<Inner>, Option<js_sys::Function>) -> Pin<Box<dyn Future<Output = Result<JsValue, Failure>>>>>;

impl Registry {
    /// Runs one call: reads `signal` and `onProgress` from `options`, waits for the previous
    /// call on this registry, runs `body` with the signal set on the transport, and settles the
    /// promise with its result or a `ChartpackError`.
    fn call(&self, options: JsValue, body: Body) -> Promise {
        let inner = Rc::clone(&self.inner);
        let (done, finish) = deferred();
        let previous = inner.queue.replace(done);
        future_to_promise(async move {
            let _ = JsFuture::from(previous).await;
            let result = run(&inner, &options, body).await;
            let _ = finish.call0(&JsValue::UNDEFINED);
            result.map_err(Failure::into_js)
        })
    }
}

async fn run(inner: &Rc<Inner>, options: &JsValue, body: Body) -> Result<JsValue, Failure> {
    let signal = signal_property(options)?;
    if signal.as_ref().is_some_and(web_sys::AbortSignal::aborted) {
        return Err(Failure::new(ABORTED, "aborted before the request was sent"));
    }
    let progress = convert::function_property(options, "onProgress")?;
    inner.client.transport().set_signal(signal);
    let result = body(Rc::clone(inner), progress).await;
    inner.client.transport().set_signal(None);
    result
}

impl Inner {
    /// References must name this registry: credentials are for it alone.
    fn check_registry(&self, reference: &Reference) -> Result<(), Failure> {
        if !reference.registry.eq_ignore_ascii_case(&self.host) {
            return Err(Failure::invalid_input(format!(
                "{reference} is on registry {}, but this Registry is for {}",
                reference.registry, self.host
            )));
        }
        Ok(())
    }
}

/// Calls `onProgress({ done, total })`, ignoring what it throws.
fn report(callback: &js_sys::Function, done: u64, total: u64) {
    let progress = Obj::new().set("done", convert::number(done)).set("total", convert::number(total)).build();
    let _ = callback.call1(&JsValue::UNDEFINED, &progress);
}

/// A promise and the function that resolves it.
fn deferred() -> (Promise, js_sys::Function) {
    let mut resolve_fn = None;
    let promise = Promise::new(&mut |resolve, _reject| resolve_fn = Some(resolve));
    // The executor runs synchronously inside `new Promise`, so the function is set.
    (promise, resolve_fn.unwrap_or_else(|| js_sys::Function::new_no_args("")))
}
