//! The registry proxy (`chartpack serve`) under attack, end to end: every test runs the real
//! proxy process and, where a registry is involved, the real `distribution` registry (Debian's
//! `docker-registry` 2.8), sends what a hostile page, client or upstream would send, and checks
//! the refusal (status and error code), that nothing reached the registry (its access log), and
//! that the proxy still answers `/healthz` afterwards.
//!
//! Build the binary first: `cargo build -p chartpack-cli`.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chartpack_e2e::proxy::Proxy;
use chartpack_e2e::{chartpack_command, file_names, ok, path_str, run, run_chartpack, text, TempDir};
use chartpack_oci::digest::Digest;
use chartpack_testkit::http::{self, HttpReply};
use chartpack_testkit::{Registry, RegistryAuth, RegistryExtras};

/// Timeout of the tests' own requests.
const T: Duration = Duration::from_secs(10);
/// Credentials of the registries with auth: distinctive, so the log checks cannot miss them.
const USER: &str = "proxyuser";
const PASSWORD: &str = "Pr0xy-s3cret-PASSWORD";
/// A page origin the proxies of these tests allow.
const PAGE: &str = "http://page.test:9000";
/// Short limits, so that the timeout and size tests run in well under a second each.
const SHORT_LIMITS: &str = "[limits]
max_header_bytes = 8192
max_body_bytes = 1024
header_timeout_ms = 500
body_idle_timeout_ms = 500
upstream_timeout_ms = 3000
";

// ---------------------------------------------------------------------------------------------
// Plumbing

/// `chartpack serve --listen 127.0.0.1:0 ARGS...`.
fn start(args: &[String]) -> Proxy {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Proxy::start(&args)
}

/// `chartpack serve --config FILE ARGS...` with `toml` in FILE (read at startup, so the file
/// can go once the proxy listens).
fn start_with_config(toml: &str, args: &[String]) -> Proxy {
    let dir = TempDir::new("proxy-config");
    let file = dir.path().join("proxy.toml");
    std::fs::write(&file, toml).expect("write proxy config");
    let mut all = vec!["--config".to_owned(), path_str(&file).to_owned()];
    all.extend_from_slice(args);
    start(&all)
}

/// `--registry http://127.0.0.1:PORT --allow-private 127.0.0.1:PORT`: the registry relayed.
fn private_args(registry: &Registry) -> Vec<String> {
    ["--registry".to_owned(), registry.url(), "--allow-private".to_owned(), registry.host()].to_vec()
}

/// The proxy's `host:port`, as clients put it in `Host`.
fn proxy_host(proxy: &Proxy) -> String {
    format!("127.0.0.1:{}", proxy.port())
}

/// One request to the proxy (`Connection: close`).
#[track_caller]
fn send(proxy: &Proxy, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpReply {
    http::request(&proxy_host(proxy), method, path, headers, body, T)
        .unwrap_or_else(|e| panic!("{method} {path} through the proxy: {e}"))
}

/// A `GET` to the proxy.
#[track_caller]
fn get(proxy: &Proxy, path: &str, headers: &[(&str, &str)]) -> HttpReply {
    send(proxy, "GET", path, headers, b"")
}

/// `Basic base64(USER:PASSWORD)`.
fn basic() -> String {
    format!("Basic {}", chartpack_oci::base64::encode(format!("{USER}:{PASSWORD}").as_bytes()))
}

/// The `"code"` of the first error in a distribution-style error body.
fn error_code(body: &str) -> Option<String> {
    let rest = &body[body.find("\"code\":\"")? + 8..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// Asserts one of the proxy's own refusals: `status`, `code`, and the proxy's message prefix;
/// the body.
#[track_caller]
fn assert_refused(reply: &HttpReply, status: u16, code: &str) -> String {
    let body = reply.text();
    assert_eq!(reply.status, status, "expected {status} {code}, got: {body}");
    assert_eq!(error_code(&body).as_deref(), Some(code), "{body}");
    assert!(body.contains("\"message\":\"chartpack proxy: "), "not the proxy's own answer: {body}");
    body
}

/// `GET /healthz` answers 200: the proxy survived whatever came before.
#[track_caller]
fn assert_healthy(proxy: &Proxy) {
    let reply = get(proxy, "/healthz", &[]);
    assert_eq!(reply.status, 200, "the proxy is no longer healthy: {}\nlog:\n{}", reply.text(), proxy.log());
    assert!(reply.text().contains("\"status\":\"ok\""), "{}", reply.text());
}

/// Whether a registry log line is an access-log line (`... "GET /v2/ HTTP/1.1" 200 ...`).
fn is_access_line(line: &str) -> bool {
    line.contains("] \"") && line.contains(" HTTP/1.")
}

/// The requests the registry has answered (its access-log lines), once a sentinel request sent
/// straight to it shows up in its log: whatever the proxy relayed before is logged by then.
/// Sentinel lines are left out.
fn registry_requests(registry: &Registry) -> Vec<String> {
    static SENTINEL: AtomicUsize = AtomicUsize::new(0);
    let marker = format!("/v2/sentinel-{}-{}/tags/list", std::process::id(), SENTINEL.fetch_add(1, Ordering::Relaxed));
    let _ = http::request(&registry.host(), "GET", &marker, &[], b"", T);
    let deadline = Instant::now() + T;
    loop {
        let log = registry.log();
        if log.contains(&marker) {
            return log
                .lines()
                .filter(|l| is_access_line(l) && !l.contains("/v2/sentinel-"))
                .map(str::to_owned)
                .collect();
        }
        assert!(Instant::now() < deadline, "the registry never logged {marker}:\n{log}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Asserts that the registry answered no request since `before` was taken.
#[track_caller]
fn assert_untouched(registry: &Registry, before: &[String]) {
    let after = registry_requests(registry);
    assert_eq!(
        after.len(),
        before.len(),
        "requests reached the registry: {:#?}",
        &after[before.len().min(after.len())..]
    );
}

/// A raw exchange: what came back on a connection after sending bytes of our own.
struct RawReply {
    /// The status of the first response, if any came.
    status: Option<u16>,
    /// Everything received.
    text: String,
}

impl RawReply {
    fn header(&self, name: &str) -> Option<&str> {
        let head = self.text.split("\r\n\r\n").next().unwrap_or("");
        head.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Sends `bytes` to the proxy and reads until it closes the connection (or `T` passes).
fn raw(proxy: &Proxy, bytes: &[u8]) -> RawReply {
    let mut stream = TcpStream::connect(proxy_host(proxy)).expect("connect to the proxy");
    stream.set_read_timeout(Some(T)).expect("read timeout");
    let _ = stream.write_all(bytes);
    let mut received = Vec::new();
    // A reset after the answer is fine: what was read before it stays in `received`.
    let _ = stream.read_to_end(&mut received);
    let text = String::from_utf8_lossy(&received).into_owned();
    let status = ["HTTP/1.1 ", "HTTP/1.0 "]
        .iter()
        .find_map(|version| text.strip_prefix(version))
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok());
    RawReply { status, text }
}

/// How a connection the test stopped writing to ended.
struct Ending {
    /// When the test started writing.
    started: Instant,
    /// Time from then to the close (`None`: still open after 5 s).
    closed_after: Option<Duration>,
    /// What the proxy sent before closing.
    text: String,
}

/// Sends `first`, then (if `trickle`) one more header byte every 100 ms, and waits for the
/// proxy to close the connection.
fn wait_for_close(mut stream: TcpStream, first: &[u8], trickle: bool) -> Ending {
    let started = Instant::now();
    stream.set_read_timeout(Some(Duration::from_millis(100))).expect("read timeout");
    let _ = stream.write_all(first);
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    while started.elapsed() < Duration::from_secs(5) {
        if trickle {
            let _ = stream.write_all(b"a");
        }
        match stream.read(&mut buf) {
            Ok(0) => {
                return Ending { started, closed_after: Some(started.elapsed()), text: text(&received) };
            }
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return Ending { started, closed_after: Some(started.elapsed()), text: text(&received) },
        }
    }
    Ending { started, closed_after: None, text: text(&received) }
}

/// Uploads `bytes` as a blob of `repository` straight to the registry (monolithic `POST` then
/// `PUT`), with `headers` (credentials); its digest.
#[track_caller]
fn push_blob(registry: &Registry, repository: &str, bytes: &[u8], headers: &[(&str, &str)]) -> String {
    let host = registry.host();
    let start = http::request(&host, "POST", &format!("/v2/{repository}/blobs/uploads/"), headers, b"", T)
        .expect("start an upload");
    assert_eq!(start.status, 202, "{}", start.text());
    let location = start.header("location").expect("Location").to_owned();
    let path = location.strip_prefix(&registry.url()).unwrap_or(&location);
    let digest = Digest::of(bytes).to_string();
    let mut put_headers = headers.to_vec();
    put_headers.push(("Content-Type", "application/octet-stream"));
    let put = http::request(&host, "PUT", &format!("{path}&digest={digest}"), &put_headers, bytes, T).expect("PUT");
    assert_eq!(put.status, 201, "{}", put.text());
    digest
}

/// Starts an upload of `repository` through the proxy; the `Location` it answers (a path on the
/// proxy, with the registry's `_state` query).
#[track_caller]
fn start_upload(proxy: &Proxy, registry: &Registry, repository: &str) -> String {
    let reply = send(proxy, "POST", &format!("/r/{}/v2/{repository}/blobs/uploads/", registry.host()), &[], b"");
    assert_eq!(reply.status, 202, "{}", reply.text());
    let location = reply.header("location").expect("Location").to_owned();
    assert!(location.starts_with(&format!("/r/{}/v2/{repository}/blobs/uploads/", registry.host())), "{location}");
    location
}

/// The blob files the registry stores (`.../blobs/sha256/xx/HEX/data`), as digests' hex.
fn stored_blobs(registry: &Registry) -> Vec<String> {
    let root = registry.data_dir().join("docker/registry/v2/blobs/sha256");
    let mut found = Vec::new();
    for prefix in file_names(&root) {
        for hex in file_names(&root.join(&prefix)) {
            if root.join(&prefix).join(&hex).join("data").is_file() {
                found.push(hex);
            }
        }
    }
    found
}

/// A stand-in for blob storage, where the registry's redirects point: a tiny HTTP server that
/// records every request head and answers 200 with `body`. The real registry makes the redirect;
/// only the storage behind it is ours, because the test must see the headers that arrive there.
struct Storage {
    port: u16,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Storage {
    fn start(body: &'static [u8]) -> Storage {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind storage");
        let port = listener.local_addr().expect("storage address").port();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(T));
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 65536 {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => break,
                    }
                }
                seen.lock().expect("lock").push(String::from_utf8_lossy(&head).into_owned());
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes());
                let _ = stream.write_all(body);
            }
        });
        Storage { port, heads }
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().expect("lock").clone()
    }
}

/// A Basic-auth registry whose blob `GET`s and `HEAD`s answer 307 to `baseurl` + the blob's
/// storage path (distribution's storage `redirect` middleware, as S3 or a CDN would).
fn redirecting_registry(baseurl: &str) -> Option<Registry> {
    let yaml = format!("middleware:\n  storage:\n    - name: redirect\n      options:\n        baseurl: {baseurl}\n");
    Registry::start_with(RegistryAuth::basic(USER, PASSWORD), &RegistryExtras { headers: vec![], yaml })
}

/// A small chart archive, `demo-0.1.0.tgz`, packaged by chartpack in `work`.
fn demo_archive(work: &Path) -> String {
    let chart = work.join("demo");
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir chart");
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 0.1.0\n").expect("Chart.yaml");
    std::fs::write(chart.join("values.yaml"), "replicas: 1\n").expect("values.yaml");
    let template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n";
    std::fs::write(chart.join("templates/cm.yaml"), template).expect("template");
    ok(&run_chartpack(work, &["package", "demo", "--reproducible"]), "chartpack package");
    path_str(&work.join("demo-0.1.0.tgz")).to_owned()
}

/// Pushes, lists and pulls the demo chart through the proxy with the chartpack CLI, then logs in
/// through it and pulls again with the stored credentials.
fn push_and_pull_through(proxy: &Proxy, registry: &Registry) {
    let work = TempDir::new("proxy-creds");
    let config = work.path().join("registry.json");
    let archive = demo_archive(work.path());
    let proxy_url = proxy.url();
    let via = ["--proxy", proxy_url.as_str()];
    let creds = ["--username", USER, "--password", PASSWORD];
    let cmd = || chartpack_command(work.path(), &config);
    let reference = format!("oci://{}/charts", registry.host());
    let push = run(cmd(), &[&["push", archive.as_str(), reference.as_str()][..], &via, &creds].concat());
    ok(&push, "chartpack push through the proxy");
    let chart = format!("{reference}/demo");
    let tags = ok(&run(cmd(), &[&["tags", chart.as_str()][..], &via, &creds].concat()), "chartpack tags");
    assert_eq!(tags.trim(), "0.1.0");
    let host = registry.host();
    let login = run(cmd(), &[&["registry", "login", host.as_str()][..], &via, &creds].concat());
    ok(&login, "chartpack registry login through the proxy");
    let out = work.path().join("pulled");
    let pull = run(cmd(), &[&["pull", chart.as_str(), "--version", "0.1.0", "-d", path_str(&out)][..], &via].concat());
    ok(&pull, "chartpack pull through the proxy with the stored login");
    assert_eq!(file_names(&out), ["demo-0.1.0.tgz"]);
    let log = registry.log();
    assert!(log.contains("\"PUT /v2/charts/demo/manifests/0.1.0 HTTP/1.1\" 201"), "the push reached the registry");
}

/// Asserts that the proxy's log holds no credentials: no password (plain or in Basic form),
/// no `Authorization`, no Bearer token (JWTs start `eyJ`), no upload `_state`; and that it did
/// log the requests (so the checks looked at something).
#[track_caller]
fn assert_log_clean(proxy: &Proxy) {
    let log = proxy.log();
    let basic = basic();
    let encoded = basic.trim_start_matches("Basic ");
    for secret in [PASSWORD, encoded, "authorization", "bearer", "basic ", "eyj", "_state"] {
        assert!(
            !log.to_ascii_lowercase().contains(&secret.to_ascii_lowercase()),
            "the proxy log holds {secret:?}:\n{log}"
        );
    }
    for needle in ["\"method\":\"PUT\"", "\"method\":\"POST\"", "/manifests/0.1.0", "/blobs/uploads/"] {
        assert!(log.contains(needle), "the proxy log lacks {needle}:\n{log}");
    }
}

// ---------------------------------------------------------------------------------------------
// 1. The registry allowlist

#[test]
fn registry_off_the_allowlist_is_refused_and_nothing_is_sent() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let Some(other) = Registry::start(RegistryAuth::None) else { return };
    let proxy = start(&private_args(&registry));
    let (listed_before, other_before) = (registry_requests(&registry), registry_requests(&other));
    let cases = [
        ("GET", format!("/r/{}/v2/", other.host())),
        ("GET", format!("/r/{}/v2/_catalog", other.host())),
        ("POST", format!("/r/{}/v2/charts/demo/blobs/uploads/", other.host())),
        ("GET", format!("/r/{}/auth/http/{}/token", other.host(), other.host())),
        // The listed registry under another name of the same address.
        ("GET", format!("/r/localhost:{}/v2/", registry.port())),
        ("GET", format!("/r/[::1]:{}/v2/", registry.port())),
        ("GET", "/r/169.254.169.254/v2/".to_owned()),
        ("GET", "/r/evil.example/v2/library/x/manifests/latest".to_owned()),
    ];
    for (method, path) in &cases {
        let reply = send(&proxy, method, path, &[], b"");
        let body = assert_refused(&reply, 403, "PROXY_REGISTRY_DENIED");
        assert!(body.contains("is not on this proxy's allowlist"), "{method} {path}: {body}");
    }
    assert_untouched(&other, &other_before);
    assert_untouched(&registry, &listed_before);
    // The listed registry is relayed, and its log shows it: the checks above could see a request.
    assert_eq!(get(&proxy, &format!("/r/{}/v2/", registry.host()), &[]).status, 200);
    assert_eq!(registry_requests(&registry).len(), listed_before.len() + 1);
    assert_healthy(&proxy);
}

// ---------------------------------------------------------------------------------------------
// 2. Loopback and private addresses

#[test]
fn loopback_registry_is_refused_unless_allowed_private() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let before = registry_requests(&registry);

    // Named by its address.
    let by_address = start(&["--registry".to_owned(), registry.url()]);
    for path in ["/v2/", "/v2/charts/demo/tags/list"] {
        let reply = get(&by_address, &format!("/r/{}{path}", registry.host()), &[]);
        let body = assert_refused(&reply, 403, "PROXY_ADDRESS_DENIED");
        assert!(body.contains("127.0.0.1 resolves to 127.0.0.1"), "{body}");
    }
    // Named by a DNS name whose answer is loopback.
    let name = format!("localhost:{}", registry.port());
    let by_name = start(&["--registry".to_owned(), format!("http://{name}")]);
    let reply = get(&by_name, &format!("/r/{name}/v2/"), &[]);
    let body = assert_refused(&reply, 403, "PROXY_ADDRESS_DENIED");
    assert!(body.contains("localhost resolves to"), "{body}");
    assert_untouched(&registry, &before);
    assert_healthy(&by_address);
    assert_healthy(&by_name);

    // Allowed: both names reach it.
    let allowed = start(&private_args(&registry));
    assert_eq!(get(&allowed, &format!("/r/{}/v2/", registry.host()), &[]).status, 200);
    let allowed_name =
        start(&["--registry".to_owned(), format!("http://{name}"), "--allow-private".to_owned(), name.clone()]);
    assert_eq!(get(&allowed_name, &format!("/r/{name}/v2/"), &[]).status, 200);
    assert_eq!(registry_requests(&registry).len(), before.len() + 2);
}

// ---------------------------------------------------------------------------------------------
// 3. Blob redirects

#[test]
fn blob_redirects_to_private_addresses_are_refused() {
    let storage = Storage::start(b"must not be fetched");
    let targets = [
        "http://169.254.169.254/".to_owned(),
        "http://10.0.0.1/".to_owned(),
        format!("http://localhost:{}/", storage.port),
        format!("http://[::1]:{}/", storage.port),
    ];
    let mut registries = Vec::new();
    for target in &targets {
        let Some(registry) = redirecting_registry(target) else { return };
        registries.push(registry);
    }
    let args: Vec<String> = registries.iter().flat_map(private_args).collect();
    let proxy = start_with_config(SHORT_LIMITS, &args);
    let auth = basic();
    let headers = [("Authorization", auth.as_str())];
    for (registry, target) in registries.iter().zip(&targets) {
        let digest = push_blob(registry, "charts/blob", b"redirected blob", &headers);
        let path = format!("/v2/charts/blob/blobs/{digest}");
        // The registry does redirect (the middleware is on): the refusal below is the proxy's.
        let direct = http::request(&registry.host(), "GET", &path, &headers, b"", T).expect("direct GET");
        assert_eq!(direct.status, 307, "{}", direct.text());
        assert!(direct.header("location").is_some_and(|l| l.starts_with(target.as_str())), "{:?}", direct.headers);

        let through = format!("/r/{}{path}", registry.host());
        let reply = get(&proxy, &through, &headers);
        let body = assert_refused(&reply, 403, "PROXY_ADDRESS_DENIED");
        assert!(body.contains("loopback, private or link-local"), "{target}: {body}");
        let head = send(&proxy, "HEAD", &through, &headers, b"");
        assert_eq!(head.status, 403, "HEAD redirected to {target}");
        assert!(reply.header("location").is_none() && head.header("location").is_none());
    }
    assert!(storage.heads().is_empty(), "the proxy connected to the loopback storage: {:#?}", storage.heads());
    assert_healthy(&proxy);
}

#[test]
fn blob_redirect_to_another_port_is_followed_without_credentials() {
    let storage = Storage::start(b"bytes from storage");
    let Some(registry) = redirecting_registry(&format!("http://127.0.0.1:{}/", storage.port)) else { return };
    let auth = basic();
    let digest = push_blob(&registry, "charts/blob", b"redirected blob", &[("Authorization", auth.as_str())]);
    let proxy = start(&private_args(&registry));
    let path = format!("/r/{}/v2/charts/blob/blobs/{digest}", registry.host());

    // Without credentials the registry refuses: the 200 below needed the page's Authorization.
    assert_eq!(get(&proxy, &path, &[]).status, 401);
    assert!(storage.heads().is_empty());
    let headers = [("Authorization", auth.as_str()), ("Cookie", "session=page-cookie"), ("Accept", "*/*")];
    let reply = get(&proxy, &path, &headers);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.body, b"bytes from storage");
    assert!(reply.header("location").is_none());

    let heads = storage.heads();
    assert_eq!(heads.len(), 1, "{heads:#?}");
    let head = heads[0].to_ascii_lowercase();
    let blob_path = format!("get /docker/registry/v2/blobs/sha256/{}/{}/data ", &digest[7..9], &digest[7..]);
    assert!(head.starts_with(&blob_path), "{head}");
    assert!(head.contains(&format!("\r\nhost: 127.0.0.1:{}\r\n", storage.port)), "{head}");
    assert!(!head.contains("authorization"), "credentials followed the redirect to another origin:\n{head}");
    assert!(!head.contains(&auth.to_ascii_lowercase()[6..]), "{head}");
    assert!(!head.contains("cookie"), "{head}");
    assert_healthy(&proxy);
}

#[test]
fn private_access_belongs_to_the_registry_that_was_allowed_it() {
    // `localhost:P1` may be private; `127.0.0.1:P2` may be too, but only under its own name.
    let storage = Storage::start(b"must not be fetched");
    let Some(allowed) = Registry::start(RegistryAuth::None) else { return };
    let Some(redirecting) = redirecting_registry(&format!("http://localhost:{}/", storage.port)) else { return };
    let Some(unlisted_private) = Registry::start(RegistryAuth::None) else { return };
    let allowed_name = format!("localhost:{}", allowed.port());
    let mut args = vec!["--registry".to_owned(), format!("http://{allowed_name}"), "--allow-private".to_owned()];
    args.push(allowed_name.clone());
    args.extend(private_args(&redirecting));
    args.extend(["--registry".to_owned(), unlisted_private.url()]);
    let proxy = start(&args);
    assert_eq!(get(&proxy, &format!("/r/{allowed_name}/v2/"), &[]).status, 200);

    // A redirect to a name only another registry was allowed to resolve privately.
    let auth = basic();
    let headers = [("Authorization", auth.as_str())];
    let digest = push_blob(&redirecting, "charts/blob", b"redirected blob", &headers);
    let path = format!("/r/{}/v2/charts/blob/blobs/{digest}", redirecting.host());
    let body = assert_refused(&get(&proxy, &path, &headers), 403, "PROXY_ADDRESS_DENIED");
    assert!(body.contains("localhost resolves to"), "{body}");
    assert!(storage.heads().is_empty(), "followed to private storage: {:#?}", storage.heads());

    // A registry listed without --allow-private, on the same address as one listed with it.
    let before = registry_requests(&unlisted_private);
    let reply = get(&proxy, &format!("/r/{}/v2/", unlisted_private.host()), &[]);
    assert_refused(&reply, 403, "PROXY_ADDRESS_DENIED");
    assert_untouched(&unlisted_private, &before);
    assert_healthy(&proxy);
}

// ---------------------------------------------------------------------------------------------
// 4. Token realms

#[test]
fn token_realm_on_a_foreign_host_is_passed_through_and_refused() {
    let Some(registry) = Registry::start(RegistryAuth::token_with_realm_host(USER, PASSWORD, "localhost")) else {
        return;
    };
    let server = registry.token_server().expect("token server");
    let realm = server.realm();
    assert!(realm.starts_with("http://localhost:"), "{realm}");
    let proxy = start(&private_args(&registry));

    let reply = get(&proxy, &format!("/r/{}/v2/", registry.host()), &[]);
    assert_eq!(reply.status, 401, "{}", reply.text());
    let challenge = reply.header("www-authenticate").expect("challenge");
    assert!(challenge.contains(&format!("realm=\"{realm}\"")), "not passed through unrewritten: {challenge}");
    assert!(!challenge.contains("/r/"), "{challenge}");
    assert!(proxy.log().contains("\"event\":\"realm_refused\""), "{}", proxy.log());

    let auth = basic();
    let token_path = format!(
        "/r/{}/auth/http/localhost:{}/token?service=chartpack-registry&scope=repository%3Acharts%2Fdemo%3Apull",
        registry.host(),
        server.port()
    );
    for method in ["GET", "POST"] {
        let reply = send(&proxy, method, &token_path, &[("Authorization", auth.as_str())], b"");
        let body = assert_refused(&reply, 403, "PROXY_REALM_DENIED");
        assert!(body.contains("has not been named by registry"), "{body}");
    }
    assert_eq!(registry.token_requests(), 0, "the foreign realm was asked: {:?}", registry.token_log());
    assert_healthy(&proxy);

    // The same realm listed in the registry's `realms` is relayed: the refusal above is the
    // rule, not a broken route.
    let toml = format!("[[registry]]\nhost = \"{}\"\nallow_private = true\nrealms = [\"{realm}\"]\n", registry.url());
    let listed = start_with_config(&toml, &[]);
    let reply = get(&listed, &format!("/r/{}/v2/", registry.host()), &[]);
    let challenge = reply.header("www-authenticate").expect("challenge");
    let rewritten = format!("{}/r/{}/auth/http/localhost:{}/token", listed.url(), registry.host(), server.port());
    assert!(challenge.contains(&format!("realm=\"{rewritten}\"")), "{challenge}");
    let reply = get(&listed, &token_path, &[("Authorization", auth.as_str())]);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(registry.token_requests(), 1);
}

#[test]
fn token_realm_is_relayed_only_once_the_registry_named_it() {
    let Some(registry) = Registry::start(RegistryAuth::token(USER, PASSWORD)) else { return };
    let server = registry.token_server().expect("token server");
    let proxy = start(&private_args(&registry));
    let auth = basic();
    let query = "?service=chartpack-registry&scope=repository%3Acharts%2Fdemo%3Apull";
    let named = format!("/r/{}/auth/http/127.0.0.1:{}/token", registry.host(), server.port());

    // Not yet named (no challenge went through this proxy): refused, although on the registry's host.
    let reply = get(&proxy, &format!("{named}{query}"), &[("Authorization", auth.as_str())]);
    assert_refused(&reply, 403, "PROXY_REALM_DENIED");

    let reply = get(&proxy, &format!("/r/{}/v2/", registry.host()), &[]);
    assert_eq!(reply.status, 401);
    let challenge = reply.header("www-authenticate").expect("challenge");
    assert!(challenge.contains(&format!("realm=\"{}{named}\"", proxy.url())), "{challenge}");

    // Realms the registry never named, even next to the one it did.
    let unused_port = chartpack_testkit::registry::free_port();
    for path in [
        format!("/r/{}/auth/http/127.0.0.1:{}/other", registry.host(), server.port()),
        format!("/r/{}/auth/https/127.0.0.1:{}/token", registry.host(), server.port()),
        format!("/r/{}/auth/http/127.0.0.1:{unused_port}/token", registry.host()),
        format!("/r/{}/auth/http/localhost:{}/token", registry.host(), server.port()),
        format!("/r/{}/auth/http/169.254.169.254/latest/meta-data", registry.host()),
    ] {
        let reply = get(&proxy, &format!("{path}{query}"), &[("Authorization", auth.as_str())]);
        assert_refused(&reply, 403, "PROXY_REALM_DENIED");
    }
    assert_eq!(registry.token_requests(), 0, "{:?}", registry.token_log());

    // The named realm: a token through the proxy, accepted by the registry through the proxy.
    let reply = get(&proxy, &format!("{named}{query}"), &[("Authorization", auth.as_str())]);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let body = reply.text();
    let rest = &body[body.find("\"token\"").expect("token field") + 7..];
    let token = rest.split('"').nth(1).expect("token value").to_owned();
    let bearer = format!("Bearer {token}");
    let reply = get(&proxy, &format!("/r/{}/v2/", registry.host()), &[("Authorization", bearer.as_str())]);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let log = registry.token_log();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!((log[0].user.as_str(), log[0].authorization.as_str()), (USER, "basic"));
    assert_eq!(log[0].scopes, ["repository:charts/demo:pull"]);
    assert_healthy(&proxy);
}

// ---------------------------------------------------------------------------------------------
// 5. Request targets and Host

#[test]
fn absolute_form_targets_are_refused() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let proxy = start(&private_args(&registry));
    let before = registry_requests(&registry);
    let host = proxy_host(&proxy);
    for target in [
        "http://evil.example/v2/".to_owned(),
        format!("{}/v2/", registry.url()),
        format!("http://{host}/r/{}/v2/", registry.host()),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
    ] {
        let reply =
            raw(&proxy, format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes());
        assert_eq!(reply.status, Some(400), "GET {target}: {}", reply.text);
        assert_eq!(error_code(&reply.text).as_deref(), Some("PROXY_ABSOLUTE_TARGET"), "{}", reply.text);
    }
    // The asterisk form (server-wide OPTIONS) names no path either.
    let reply = raw(&proxy, format!("OPTIONS * HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes());
    assert_eq!(reply.status, Some(400), "{}", reply.text);
    // A scheme-relative path is a path: nothing is served there.
    let reply =
        raw(&proxy, format!("GET //evil.example/v2/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes());
    assert!(matches!(reply.status, Some(400) | Some(404)), "{}", reply.text);
    // CONNECT's authority form asks for a tunnel: refused the same way.
    let reply = raw(
        &proxy,
        format!("CONNECT {} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n", registry.host()).as_bytes(),
    );
    assert_eq!(reply.status, Some(400), "{}", reply.text);
    assert_untouched(&registry, &before);
    assert_healthy(&proxy);
}

#[test]
fn foreign_host_header_is_misdirected() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let proxy = start(&private_args(&registry));
    let before = registry_requests(&registry);
    let path = format!("/r/{}/v2/", registry.host());
    for host in [
        "evil.example".to_owned(),
        format!("evil.example:{}", proxy.port()),
        registry.host(),
        format!("127.0.0.1:{}", proxy.port() ^ 1),
        format!("localhost:{}.evil.example", proxy.port()),
    ] {
        let reply = raw(&proxy, format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes());
        assert_eq!(reply.status, Some(421), "Host: {host}: {}", reply.text);
        assert_eq!(error_code(&reply.text).as_deref(), Some("PROXY_BAD_HOST"), "{}", reply.text);
        assert!(reply.text.contains("does not answer to Host"), "{}", reply.text);
    }
    assert_untouched(&registry, &before);
    // Each name the proxy answers to by default is relayed.
    for host in [format!("localhost:{}", proxy.port()), format!("[::1]:{}", proxy.port()), proxy_host(&proxy)] {
        let reply = raw(&proxy, format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes());
        assert_eq!(reply.status, Some(200), "Host: {host}: {}", reply.text);
    }
    assert_eq!(registry_requests(&registry).len(), before.len() + 3);
    assert_healthy(&proxy);
}

#[test]
fn host_header_must_be_given_once() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let proxy = start(&private_args(&registry));
    let before = registry_requests(&registry);
    let (host, path) = (proxy_host(&proxy), format!("/r/{}/v2/", registry.host()));
    for head in [
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nHost: evil.example\r\nConnection: close\r\n\r\n"),
        format!("GET {path} HTTP/1.1\r\nHost: evil.example\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        format!("GET {path} HTTP/1.1\r\nConnection: close\r\n\r\n"),
        format!("GET {path} HTTP/1.0\r\n\r\n"),
    ] {
        let reply = raw(&proxy, head.as_bytes());
        assert_eq!(reply.status, Some(400), "{head:?}: {}", reply.text);
        assert_eq!(error_code(&reply.text).as_deref(), Some("PROXY_BAD_HOST"), "{}", reply.text);
    }
    assert_untouched(&registry, &before);
    assert_healthy(&proxy);
}

// ---------------------------------------------------------------------------------------------
// 6. Header injection

#[test]
fn raw_cr_or_lf_in_a_header_value_is_rejected() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let proxy = start(&private_args(&registry));
    let before = registry_requests(&registry);
    let (host, path) = (proxy_host(&proxy), format!("/r/{}/v2/charts/demo/tags/list", registry.host()));
    for injected in [
        "Accept: a\rX-Injected: 1\r\n",     // bare CR inside a value
        "Accept: a\r\n X-Injected: 1\r\n",  // obsolete line folding
        "Accept: a\r\n\tX-Injected: 1\r\n", // the same with a tab
        "Accept: a\0b\r\n",                 // NUL inside a value
        "X Injected: 1\r\n",                // a space inside a name
        "Accept: a\r\r\nX-Injected: 1\r\n", // CR CR LF
    ] {
        let head = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{injected}Connection: close\r\n\r\n");
        let reply = raw(&proxy, head.as_bytes());
        assert_eq!(reply.status, Some(400), "{injected:?}: {}", reply.text);
    }
    assert_untouched(&registry, &before);
    assert_healthy(&proxy);
}

#[test]
fn encoded_crlf_in_the_path_is_not_found() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let proxy = start(&private_args(&registry));
    let before = registry_requests(&registry);
    let r = registry.host();
    for path in [
        format!("/r/{r}/v2/charts%0d%0aX-Injected:%201/tags/list"),
        format!("/r/{r}%0d%0aHost:%20evil.example/v2/"),
        format!("/r/{r}/v2/charts/demo/manifests/0.1.0%0d%0aX-Injected:%201"),
        format!("/r/{r}/v2/charts/demo/blobs/uploads/abc%0d%0a"),
        format!("/r/{r}/v2/%2e%2e/%2e%2e/debug/vars"),
        format!("/r/{r}/v2/charts/../../debug/vars"),
        format!("/r/{r}/debug/vars"),
    ] {
        let reply = get(&proxy, &path, &[]);
        assert_refused(&reply, 404, "PROXY_NOT_FOUND");
    }
    assert_untouched(&registry, &before);
    assert_healthy(&proxy);
}

#[test]
fn conflicting_body_framing_smuggles_nothing() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let proxy = start(&private_args(&registry));
    let (host, r) = (proxy_host(&proxy), registry.host());
    let smuggled = format!("GET /r/{r}/v2/smuggled/tags/list HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let before = registry_requests(&registry);

    // Content-Length and Transfer-Encoding together: the chunked framing wins, the connection
    // closes after the answer, and what follows the last chunk is never read as a request.
    let request = format!(
        "POST /r/{r}/v2/charts/demo/blobs/uploads/ HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\n\
         Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n{smuggled}",
        5 + smuggled.len()
    );
    let reply = raw(&proxy, request.as_bytes());
    assert_eq!(reply.status, Some(202), "{}", reply.text);
    assert_eq!(reply.text.matches("HTTP/1.1 ").count(), 1, "a second answer came: {}", reply.text);
    let after = registry_requests(&registry);
    let new: Vec<&String> = after[before.len()..].iter().collect();
    assert_eq!(new.len(), 1, "{new:#?}");
    assert!(new[0].contains("\"POST /v2/charts/demo/blobs/uploads/ HTTP/1.1\" 202"), "{new:#?}");

    // Framings a server must refuse.
    let path = format!("/r/{r}/v2/charts/demo/blobs/uploads/");
    for framing in [
        "Transfer-Encoding: chunked, identity\r\n",
        "Transfer-Encoding: xchunked\r\n",
        "Content-Length: 5\r\nContent-Length: 6\r\n",
        "Content-Length: 5, 6\r\n",
        "Content-Length: -5\r\n",
        "Content-Length: 0x5\r\n",
    ] {
        let request = format!("POST {path} HTTP/1.1\r\nHost: {host}\r\n{framing}\r\n0\r\n\r\n{smuggled}");
        let reply = raw(&proxy, request.as_bytes());
        assert_eq!(reply.status, Some(400), "{framing:?}: {}", reply.text);
        assert_eq!(reply.text.matches("HTTP/1.1 ").count(), 1, "{}", reply.text);
    }
    let request = format!("POST {path} HTTP/1.0\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assert_eq!(raw(&proxy, request.as_bytes()).status, Some(400), "chunked in HTTP/1.0");
    assert_untouched(&registry, &after);
    assert!(!registry.log().contains("smuggled"), "{}", registry.log());
    assert_healthy(&proxy);
}

// ---------------------------------------------------------------------------------------------
// 7. Sizes

#[test]
fn oversized_request_head_is_refused() {
    let proxy = start_with_config(SHORT_LIMITS, &[]);
    let host = proxy_host(&proxy);
    // Under the limit: served.
    let fits =
        format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Pad: {}\r\nConnection: close\r\n\r\n", "a".repeat(4000));
    assert_eq!(raw(&proxy, fits.as_bytes()).status, Some(200));
    // One long header, and many short ones, over 8 KiB.
    let long = format!(
        "GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Pad: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(16 << 10)
    );
    let many: String = (0..400).map(|i| format!("X-Pad-{i}: {}\r\n", "b".repeat(40))).collect();
    let many = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n{many}Connection: close\r\n\r\n");
    let long_target =
        format!("GET /healthz?{} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n", "q".repeat(16 << 10));
    for (what, head) in [("a long header", long), ("many headers", many), ("a long target", long_target)] {
        let reply = raw(&proxy, head.as_bytes());
        assert!(
            matches!(reply.status, Some(431) | Some(414) | None),
            "{what}: expected 431 or a closed connection, got {:?}",
            reply.text.lines().next()
        );
        assert!(reply.status.is_some() || reply.text.is_empty(), "{}", reply.text);
    }
    assert!(proxy.log().contains("\"kind\":\"head_too_large\""), "{}", proxy.log());
    assert_healthy(&proxy);
}

#[test]
fn oversized_body_is_refused_by_length_and_by_chunks() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let proxy = start_with_config(SHORT_LIMITS, &private_args(&registry));
    let big = vec![b'x'; 4096];
    let big_digest = Digest::of(&big).to_string();

    // By Content-Length: refused before anything is sent upstream.
    let location = start_upload(&proxy, &registry, "charts/big");
    let before = registry_requests(&registry);
    let put = format!("{location}&digest={big_digest}");
    let reply = send(&proxy, "PUT", &put, &[("Content-Type", "application/octet-stream")], &big);
    let body = assert_refused(&reply, 413, "SIZE_INVALID");
    assert!(body.contains("larger than this proxy accepts (1024 bytes)"), "{body}");
    assert_untouched(&registry, &before);

    // Chunked: cut off once the limit is passed (413, or the connection closes).
    let location = start_upload(&proxy, &registry, "charts/big");
    let chunk = format!("400\r\n{}\r\n", "x".repeat(1024));
    let request = format!(
        "PUT {location}&digest={big_digest} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/octet-stream\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{}0\r\n\r\n",
        proxy_host(&proxy),
        chunk.repeat(4)
    );
    let reply = raw(&proxy, request.as_bytes());
    assert!(matches!(reply.status, Some(413) | None), "chunked over the limit: {}", reply.text);
    if reply.status.is_some() {
        assert_eq!(error_code(&reply.text).as_deref(), Some("PROXY_BODY_REFUSED"), "{}", reply.text);
    }

    // Nothing stored; a body under the limit is (so the checks can see a blob).
    let direct = http::request(&registry.host(), "HEAD", &format!("/v2/charts/big/blobs/{big_digest}"), &[], b"", T);
    assert_eq!(direct.expect("HEAD").status, 404);
    assert!(stored_blobs(&registry).is_empty(), "{:?}", stored_blobs(&registry));
    let small = vec![b'y'; 512];
    let location = start_upload(&proxy, &registry, "charts/big");
    let put = format!("{location}&digest={}", Digest::of(&small));
    let reply = send(&proxy, "PUT", &put, &[("Content-Type", "application/octet-stream")], &small);
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(stored_blobs(&registry), [Digest::of(&small).hex().to_owned()]);
    assert_healthy(&proxy);
}

// ---------------------------------------------------------------------------------------------
// 8. Slow clients

#[test]
fn slow_loris_heads_are_cut_after_the_header_timeout() {
    let proxy = start_with_config(SHORT_LIMITS, &[]);
    let host = proxy_host(&proxy);
    let partial = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Slow: ");
    let clients: Vec<(&str, Vec<u8>, bool)> = vec![
        ("a partial head, then nothing", partial.clone().into_bytes(), false),
        ("a partial head, one byte every 100 ms", partial.into_bytes(), true),
        ("nothing at all", Vec::new(), false),
    ];
    let slow: Vec<_> = clients
        .into_iter()
        .map(|(what, first, trickle)| {
            let stream = TcpStream::connect(&host).expect("connect");
            (what, std::thread::spawn(move || wait_for_close(stream, &first, trickle)))
        })
        .collect();
    // Meanwhile another client is served, while the slow ones still hold their connections.
    std::thread::sleep(Duration::from_millis(100));
    assert_healthy(&proxy);
    let served = Instant::now();

    for (what, handle) in slow {
        let ending = handle.join().expect("slow client thread");
        let closed = ending.closed_after.unwrap_or_else(|| panic!("{what}: still open after 5 s"));
        assert!(
            closed >= Duration::from_millis(400) && closed < Duration::from_secs(3),
            "{what}: closed after {closed:?}, expected about 500 ms"
        );
        assert!(served < ending.started + closed, "{what}: the other client was served only after this one was cut");
        assert!(ending.text.is_empty() || ending.text.starts_with("HTTP/1.1 408"), "{what}: {}", ending.text);
    }
    assert!(proxy.log().contains("\"kind\":\"timeout\""), "{}", proxy.log());
    assert_healthy(&proxy);
}

#[test]
fn stalled_request_body_is_cut_after_the_body_idle_timeout() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let proxy = start_with_config(SHORT_LIMITS, &private_args(&registry));
    let body = vec![b'z'; 100];
    let digest = Digest::of(&body).to_string();
    for chunked in [false, true] {
        let location = start_upload(&proxy, &registry, "charts/slow");
        let framing = if chunked { "Transfer-Encoding: chunked".to_owned() } else { "Content-Length: 100".to_owned() };
        let mut first = format!(
            "PUT {location}&digest={digest} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/octet-stream\r\n{framing}\r\n\r\n",
            proxy_host(&proxy)
        );
        first.push_str(if chunked { "a\r\nzzzzzzzzzz\r\n" } else { "zzzzzzzzzz" });
        let stream = TcpStream::connect(proxy_host(&proxy)).expect("connect");
        let slow = std::thread::spawn(move || wait_for_close(stream, first.as_bytes(), false));
        std::thread::sleep(Duration::from_millis(100));
        assert_healthy(&proxy);
        let served = Instant::now();
        let ending = slow.join().expect("slow body thread");
        let closed = ending.closed_after.unwrap_or_else(|| panic!("chunked={chunked}: still open after 5 s"));
        assert!(
            closed >= Duration::from_millis(400) && closed < Duration::from_secs(3),
            "chunked={chunked}: closed after {closed:?}"
        );
        assert!(served < ending.started + closed, "chunked={chunked}: /healthz waited for the stalled upload");
        if !ending.text.is_empty() {
            assert!(ending.text.starts_with("HTTP/1.1 408"), "chunked={chunked}: {}", ending.text);
            assert_eq!(error_code(&ending.text).as_deref(), Some("PROXY_BODY_REFUSED"), "{}", ending.text);
        }
    }
    assert!(stored_blobs(&registry).is_empty(), "{:?}", stored_blobs(&registry));
    assert_healthy(&proxy);
}

#[test]
fn client_that_stops_reading_is_cut_after_the_body_idle_timeout() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    // Far more than the loopback socket buffers hold, so the proxy's writes must wait.
    let blob: Vec<u8> = (0..48u32 << 20).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let digest = push_blob(&registry, "charts/large", &blob, &[]);
    let proxy = start_with_config(SHORT_LIMITS, &private_args(&registry));
    let mut stream = TcpStream::connect(proxy_host(&proxy)).expect("connect");
    let request = format!(
        "GET /r/{}/v2/charts/large/blobs/{digest} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        registry.host(),
        proxy_host(&proxy)
    );
    stream.write_all(request.as_bytes()).expect("send request");
    // Read nothing for three times the idle timeout; others are served meanwhile.
    std::thread::sleep(Duration::from_millis(700));
    assert_healthy(&proxy);
    std::thread::sleep(Duration::from_millis(800));
    // Now read: what was buffered arrives, then the end of a cut connection, not the blob.
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let mut received = Vec::new();
    let ended = stream.read_to_end(&mut received);
    assert!(ended.is_ok(), "the connection was not closed: {ended:?} after {} bytes", received.len());
    assert!(
        received.len() < blob.len(),
        "the whole {} byte blob arrived ({} bytes): the stalled reader was never cut",
        blob.len(),
        received.len()
    );
    assert!(proxy.log().contains("\"event\":\"connection_error\""), "{}", proxy.log());
    assert_healthy(&proxy);
}

// ---------------------------------------------------------------------------------------------
// 9. Methods

#[test]
fn methods_outside_the_distribution_api_are_refused() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let proxy =
        start(&["--origin".to_owned(), PAGE.to_owned()].into_iter().chain(private_args(&registry)).collect::<Vec<_>>());
    let before = registry_requests(&registry);
    let r = registry.host();
    let blob = format!("sha256:{}", "0".repeat(64));
    let cases = [
        ("TRACE", format!("/r/{r}/v2/"), "GET, HEAD"),
        ("CONNECT", format!("/r/{r}/v2/"), "GET, HEAD"),
        ("POST", format!("/r/{r}/v2/charts/demo/manifests/0.1.0"), "GET, HEAD, PUT, DELETE"),
        ("PATCH", format!("/r/{r}/v2/charts/demo/blobs/{blob}"), "GET, HEAD, DELETE"),
        ("PUT", format!("/r/{r}/v2/charts/demo/tags/list"), "GET, HEAD"),
        ("DELETE", format!("/r/{r}/v2/_catalog"), "GET, HEAD"),
        ("GET", format!("/r/{r}/v2/charts/demo/blobs/uploads/"), "POST"),
        ("PROPFIND", format!("/r/{r}/v2/"), "GET, HEAD"),
        ("DELETE", "/healthz".to_owned(), "GET, HEAD"),
    ];
    for (method, path, allow) in &cases {
        let head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", proxy_host(&proxy));
        let reply = raw(&proxy, head.as_bytes());
        assert_eq!(reply.status, Some(405), "{method} {path}: {}", reply.text);
        assert_eq!(reply.header("allow"), Some(*allow), "{method} {path}: {}", reply.text);
        assert_eq!(error_code(&reply.text).as_deref(), Some("UNSUPPORTED"), "{}", reply.text);
    }
    // OPTIONS is a CORS preflight or nothing.
    for headers in [vec![("Origin", PAGE)], vec![], vec![("Access-Control-Request-Method", "GET")]] {
        let reply = send(&proxy, "OPTIONS", &format!("/r/{r}/v2/"), &headers, b"");
        assert_refused(&reply, 405, "PROXY_METHOD");
    }
    assert_untouched(&registry, &before);
    assert_healthy(&proxy);
}

// ---------------------------------------------------------------------------------------------
// 10. Page origins

#[test]
fn origins_off_the_allowlist_get_no_cors() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let proxy =
        start(&["--origin".to_owned(), PAGE.to_owned()].into_iter().chain(private_args(&registry)).collect::<Vec<_>>());
    let before = registry_requests(&registry);
    let path = format!("/r/{}/v2/", registry.host());
    for origin in [
        "http://evil.example",
        "null",
        "http://page.test:9001",
        "https://page.test:9000",
        "http://page.test:9000.evil.example",
        "http://evil.example/http://page.test:9000",
        "*",
    ] {
        for method in ["GET", "OPTIONS"] {
            let reply =
                send(&proxy, method, &path, &[("Origin", origin), ("Access-Control-Request-Method", "GET")], b"");
            assert_refused(&reply, 403, "PROXY_ORIGIN_DENIED");
            assert!(reply.header("access-control-allow-origin").is_none(), "{origin}: {:?}", reply.headers);
            assert!(reply.header("access-control-allow-methods").is_none(), "{origin}: {:?}", reply.headers);
        }
    }
    assert_untouched(&registry, &before);
    assert_healthy(&proxy);
}

#[test]
fn allowed_origin_gets_its_own_origin_back_never_a_wildcard() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let proxy =
        start(&["--origin".to_owned(), PAGE.to_owned()].into_iter().chain(private_args(&registry)).collect::<Vec<_>>());
    let path = format!("/r/{}/v2/", registry.host());
    // The registry itself answers `*` (toolchain.md §7's config): the proxy must not relay it.
    let direct = http::request(&registry.host(), "GET", "/v2/", &[("Origin", PAGE)], b"", T).expect("direct");
    assert_eq!(direct.header("access-control-allow-origin"), Some("*"));

    let reply = get(&proxy, &path, &[("Origin", PAGE)]);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let acao: Vec<&str> = reply
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("access-control-allow-origin"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(acao, [PAGE], "{:?}", reply.headers);
    let vary: Vec<&str> =
        reply.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("vary")).map(|(_, v)| v.as_str()).collect();
    assert!(vary.iter().any(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("origin"))), "{vary:?}");
    assert!(reply.header("access-control-allow-credentials").is_none());
    // Without an Origin: no CORS headers at all (the registry's `*` is not passed on either).
    let reply = get(&proxy, &path, &[]);
    assert_eq!(reply.status, 200);
    assert!(reply.header("access-control-allow-origin").is_none(), "{:?}", reply.headers);

    // Preflight for an allowed origin: 204 with the endpoint's methods, nothing sent upstream.
    let before = registry_requests(&registry);
    let uploads = format!("/r/{}/v2/charts/demo/blobs/uploads/", registry.host());
    let preflight = [
        ("Origin", PAGE),
        ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Headers", "authorization, content-type"),
    ];
    let reply = send(&proxy, "OPTIONS", &uploads, &preflight, b"");
    assert_eq!(reply.status, 204, "{}", reply.text());
    assert_eq!(reply.header("access-control-allow-origin"), Some(PAGE));
    assert_eq!(reply.header("access-control-allow-methods"), Some("POST"));
    let allowed = reply.header("access-control-allow-headers").expect("allowed headers").to_ascii_lowercase();
    assert!(allowed.contains("authorization") && !allowed.contains("cookie"), "{allowed}");

    // Preflights the proxy will not honour.
    for (method, target, headers) in [
        ("POST", &uploads, "cookie"),
        ("POST", &uploads, "authorization, x-evil"),
        ("POST", &uploads, "x-forwarded-host"),
        ("DELETE", &format!("/r/{}/v2/charts/demo/tags/list", registry.host()), "authorization"),
        ("GET", &"/r/evil.example/v2/".to_owned(), "authorization"),
    ] {
        let asked =
            [("Origin", PAGE), ("Access-Control-Request-Method", method), ("Access-Control-Request-Headers", headers)];
        let reply = send(&proxy, "OPTIONS", target, &asked, b"");
        assert_refused(&reply, 403, "PROXY_PREFLIGHT_DENIED");
        assert!(reply.header("access-control-allow-methods").is_none(), "{method} {target} {headers}");
    }
    assert_untouched(&registry, &before);
    assert_healthy(&proxy);
}

#[test]
fn wildcard_origin_is_refused_at_startup() {
    for args in [&["--origin", "*"][..], &["--origin", PAGE, "--origin", "*"], &["--origin", "https://*.example.com"]] {
        let stderr = Proxy::refused(args);
        assert!(stderr.contains("is not accepted: the proxy relays credentials"), "{args:?}: {stderr}");
        assert!(!stderr.contains("listening"), "{stderr}");
    }
    let dir = TempDir::new("proxy-wildcard");
    let file = dir.path().join("proxy.toml");
    std::fs::write(&file, "origins = [\"*\"]\n").expect("write config");
    let stderr = Proxy::refused(&["--config", path_str(&file)]);
    assert!(stderr.contains("\"*\" is not accepted"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// 11. Credentials, tokens and cookies

#[test]
fn basic_auth_through_the_proxy_leaves_no_credentials_in_its_log() {
    let Some(registry) = Registry::start(RegistryAuth::basic(USER, PASSWORD)) else { return };
    let proxy = start(&private_args(&registry));
    push_and_pull_through(&proxy, &registry);
    assert_log_clean(&proxy);
    assert_healthy(&proxy);
}

#[test]
fn token_auth_through_the_proxy_leaves_no_tokens_in_its_log() {
    let Some(registry) = Registry::start(RegistryAuth::token(USER, PASSWORD)) else { return };
    let proxy = start(&private_args(&registry));
    push_and_pull_through(&proxy, &registry);
    assert!(registry.token_requests() > 0, "the tokens came from the token server through the proxy");
    assert_log_clean(&proxy);
    assert!(proxy.log().contains("/auth/http/127.0.0.1:"), "token requests are logged (by path): {}", proxy.log());
    assert_healthy(&proxy);
}

#[test]
fn registry_cookies_never_reach_the_page() {
    let extras = RegistryExtras {
        headers: vec![("Set-Cookie".to_owned(), "registry-session=abc123; Path=/".to_owned())],
        yaml: String::new(),
    };
    let Some(registry) = Registry::start_with(RegistryAuth::basic(USER, PASSWORD), &extras) else { return };
    let direct = http::request(&registry.host(), "GET", "/v2/", &[], b"", T).expect("direct");
    assert_eq!(direct.header("set-cookie"), Some("registry-session=abc123; Path=/"), "the registry sets a cookie");

    let proxy =
        start(&["--origin".to_owned(), PAGE.to_owned()].into_iter().chain(private_args(&registry)).collect::<Vec<_>>());
    let auth = basic();
    let r = registry.host();
    let with_auth = [("Authorization", auth.as_str()), ("Origin", PAGE)];
    let mut replies = vec![
        ("GET /v2/ anonymous", get(&proxy, &format!("/r/{r}/v2/"), &[("Origin", PAGE)])),
        ("GET /v2/", get(&proxy, &format!("/r/{r}/v2/"), &with_auth)),
        ("GET tags", get(&proxy, &format!("/r/{r}/v2/charts/demo/tags/list"), &with_auth)),
        ("POST upload", send(&proxy, "POST", &format!("/r/{r}/v2/charts/demo/blobs/uploads/"), &with_auth, b"")),
    ];
    replies.push(("GET /healthz", get(&proxy, "/healthz", &[("Origin", PAGE)])));
    let statuses: Vec<u16> = replies.iter().map(|(_, reply)| reply.status).collect();
    assert_eq!(statuses, [401, 200, 404, 202, 200]);
    for (what, reply) in &replies {
        assert!(reply.header("set-cookie").is_none(), "{what}: {:?}", reply.headers);
        assert!(!reply.text().contains("abc123"), "{what}");
    }
    assert_healthy(&proxy);
}
