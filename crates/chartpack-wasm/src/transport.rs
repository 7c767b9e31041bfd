//! The registry client's [`Transport`] over the global `fetch`, for browser windows, workers and
//! Node 20+. It moves one request and its response; the protocol (auth, retries, digests) stays
//! in chartpack-oci.
//!
//! Why `web-sys` and not gloo-net's `Request`: gloo-net 0.6 throws a JS exception from inside
//! the future on an invalid header value (`unwrap_throw`), hits `unreachable!` when `fetch`
//! rejects with something that is not an `Error` (an `AbortController.abort("reason")` does),
//! and appends a stray `&` to URLs that already have a query (every upload `Location`). All
//! three are reachable from a hostile registry or an ordinary abort, so requests are built with
//! `web-sys` directly (gloo-net's own approach: a binding to the global `fetch`, which exists in
//! windows, workers and Node alike).
//!
//! Redirects: in a browser (window or worker) a `manual` redirect is opaque, so the browser
//! follows redirects itself (`redirect: "follow"`); it drops `Authorization` when a redirect
//! leaves the origin. Elsewhere (Node) redirects are returned to the client, which follows them
//! by its own rules, as natively.

use std::cell::RefCell;
use std::future::Future;
use std::time::Duration;

use chartpack_oci::http::{Method, Request, Response, Transport, TransportError};
use js_sys::{Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, Headers, ReadableStreamDefaultReader, RequestCache, RequestCredentials, RequestInit, RequestRedirect,
};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (window, worker or Node), not `window.fetch`.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(request: &web_sys::Request) -> Result<Promise, JsValue>;

    /// The global `setTimeout` (returns a number in browsers, an object in Node).
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, millis: f64) -> JsValue;

    /// The global `clearTimeout`.
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

/// Header names a browser refuses to let scripts set (the Fetch standard's forbidden request
/// headers, plus `user-agent`, which browsers ignore or refuse); they are left out in browsers.
const BROWSER_FORBIDDEN: &[&str] = &[
    "accept-charset",
    "accept-encoding",
    "connection",
    "content-length",
    "cookie",
    "date",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "via",
];

/// Whether the code runs in a browser window or worker (where `fetch` follows redirects
/// opaquely and some headers are forbidden) rather than in Node or another server runtime.
pub(crate) fn in_browser() -> bool {
    let global = js_sys::global();
    let has = |name: &str| Reflect::get(&global, &JsValue::from_str(name)).is_ok_and(|v| !v.is_undefined());
    has("document") || has("WorkerGlobalScope")
}

/// `fetch` as a [`Transport`]; `signal` is the current call's `AbortSignal`.
pub(crate) struct FetchTransport {
    browser: bool,
    signal: RefCell<Option<AbortSignal>>,
}

impl FetchTransport {
    pub(crate) fn new(browser: bool) -> FetchTransport {
        FetchTransport { browser, signal: RefCell::new(None) }
    }

    /// Sets (or clears) the `AbortSignal` every following request carries.
    pub(crate) fn set_signal(&self, signal: Option<AbortSignal>) {
        *self.signal.borrow_mut() = signal;
    }

    fn aborted(&self) -> bool {
        self.signal.borrow().as_ref().is_some_and(AbortSignal::aborted)
    }

    /// Maps a rejection of `fetch` or of a body read.
    fn failure(&self, error: &JsValue) -> TransportError {
        if self.aborted() || error_name(error).as_deref() == Some("AbortError") {
            return TransportError::Aborted;
        }
        TransportError::Connection(js_message(error))
    }

    fn build(&self, request: &Request<'_>) -> Result<web_sys::Request, TransportError> {
        let init = RequestInit::new();
        init.set_method(request.method.as_str());
        let headers = Headers::new().map_err(|e| TransportError::Other(js_message(&e)))?;
        for (name, value) in &request.headers {
            if self.browser && BROWSER_FORBIDDEN.contains(&name.to_ascii_lowercase().as_str()) {
                continue;
            }
            headers
                .append(name, value)
                .map_err(|e| TransportError::Other(format!("header {name}: {}", js_message(&e))))?;
        }
        init.set_headers(&headers);
        // The client adds `Authorization` itself, to the origins it chose. Cookies (and the
        // browser's stored HTTP auth) must never go to a registry or the proxy, and with `omit`
        // a same-origin 401 `Basic` challenge (a proxy served from the page's origin) does not
        // pop up the browser's login dialog: the client answers it.
        init.set_credentials(RequestCredentials::Omit);
        if !request.body.is_empty() || !matches!(request.method, Method::Get | Method::Head) {
            // A copy into JS memory: fetch reads the body later, when wasm memory may have moved.
            init.set_body(&Uint8Array::from(request.body));
        }
        if self.browser {
            init.set_redirect(RequestRedirect::Follow);
            // Tags move: never answer a registry GET from the HTTP cache.
            init.set_cache(RequestCache::NoStore);
        } else {
            init.set_redirect(RequestRedirect::Manual);
        }
        if let Some(signal) = self.signal.borrow().as_ref() {
            init.set_signal(Some(signal));
        }
        web_sys::Request::new_with_str_and_init(&request.url, &init)
            .map_err(|e| TransportError::Other(format!("cannot request {}: {}", request.url, js_message(&e))))
    }

    async fn fetch(&self, request: &Request<'_>) -> Result<Response, TransportError> {
        if self.aborted() {
            return Err(TransportError::Aborted);
        }
        let fetch_request = self.build(request)?;
        let promise = global_fetch(&fetch_request).map_err(|e| self.failure(&e))?;
        let response: web_sys::Response = JsFuture::from(promise).await.map_err(|e| self.failure(&e))?.unchecked_into();
        // fetch cannot report upload progress: the body has been sent once the answer arrives.
        if let (Some(progress), false) = (request.progress, request.body.is_empty()) {
            progress(request.body.len() as u64);
        }
        let mut headers = Vec::new();
        if let Ok(Some(entries)) = js_sys::try_iter(&response.headers()) {
            for entry in entries.flatten() {
                let name = Reflect::get_u32(&entry, 0).ok().and_then(|v| v.as_string());
                let value = Reflect::get_u32(&entry, 1).ok().and_then(|v| v.as_string());
                if let (Some(name), Some(value)) = (name, value) {
                    headers.push((name.to_ascii_lowercase(), value));
                }
            }
        }
        let mut body = Vec::new();
        if let (Some(stream), false) = (response.body(), request.method == Method::Head) {
            let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
            let read_progress = if request.body.is_empty() { request.progress } else { None };
            loop {
                let chunk = JsFuture::from(reader.read()).await.map_err(|e| self.failure(&e))?;
                if Reflect::get(&chunk, &JsValue::from_str("done")).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
                    break;
                }
                let Ok(value) = Reflect::get(&chunk, &JsValue::from_str("value")) else { break };
                let Some(bytes) = value.dyn_ref::<Uint8Array>() else {
                    return Err(TransportError::Other("response body chunk is not a Uint8Array".to_owned()));
                };
                let start = body.len();
                let len = bytes.length() as usize;
                if (start + len) as u64 > request.max_response_bytes {
                    let _ = reader.cancel();
                    return Err(TransportError::TooLarge { limit: request.max_response_bytes });
                }
                body.resize(start + len, 0);
                bytes.copy_to(&mut body[start..]);
                if let Some(progress) = read_progress {
                    progress(body.len() as u64);
                }
            }
        }
        Ok(Response { status: response.status(), headers, body })
    }

    /// Resolves after `duration`, or at once when the call's signal aborts.
    async fn wait(&self, duration: Duration) {
        let signal = self.signal.borrow().clone();
        let millis = duration.as_secs_f64() * 1000.0;
        let mut handle = JsValue::UNDEFINED;
        let mut wake: Option<js_sys::Function> = None;
        let promise = Promise::new(&mut |resolve, _reject| {
            handle = set_timeout(&resolve, millis);
            if let Some(signal) = &signal {
                let _ = signal.add_event_listener_with_callback("abort", &resolve);
            }
            wake = Some(resolve);
        });
        let _ = JsFuture::from(promise).await;
        clear_timeout(&handle);
        if let (Some(signal), Some(wake)) = (&signal, &wake) {
            let _ = signal.remove_event_listener_with_callback("abort", wake);
        }
    }
}

impl Transport for FetchTransport {
    fn send(&self, request: &Request<'_>) -> impl Future<Output = Result<Response, TransportError>> {
        self.fetch(request)
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> {
        self.wait(duration)
    }
}

/// `error.name`, for `Error`s and `DOMException`s.
fn error_name(error: &JsValue) -> Option<String> {
    if !error.is_object() {
        return None;
    }
    Reflect::get(error, &JsValue::from_str("name")).ok().and_then(|n| n.as_string())
}

/// A readable message for whatever a promise rejected with: `error.message`, plus
/// `error.cause.message` (Node's `fetch failed` keeps the reason, e.g. `ECONNREFUSED`, there).
pub(crate) fn js_message(error: &JsValue) -> String {
    let message_of = |value: &JsValue| -> Option<String> {
        if let Some(text) = value.as_string() {
            return Some(text);
        }
        if !value.is_object() {
            return None;
        }
        Reflect::get(value, &JsValue::from_str("message")).ok().and_then(|m| m.as_string()).filter(|m| !m.is_empty())
    };
    let mut message = message_of(error).unwrap_or_else(|| "unknown error".to_owned());
    if error.is_object() {
        if let Some(cause) = Reflect::get(error, &JsValue::from_str("cause")).ok().as_ref().and_then(message_of) {
            message = format!("{message}: {cause}");
        }
    }
    message
}
