//! `chartpack serve` relaying the real `distribution` registry in each auth mode (anonymous,
//! htpasswd Basic, token), judged by the real helm: what goes through the proxy arrives byte for
//! byte, token requests travel through the proxy, helm itself can use the proxy as a registry,
//! registry errors pass through unchanged, configuration layers apply in order, and the web app's
//! directory is served without anything outside it.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use chartpack_e2e::proxy::Proxy;
use chartpack_e2e::{
    chartpack_command, demo_chart, file_names, helm_with, mkdir, ok, path_str, run, text, Helm, TempDir,
};
use chartpack_testkit::http;
use chartpack_testkit::{Registry, RegistryAuth};

const TIMEOUT: Duration = Duration::from_secs(10);

/// The proxy's arguments for relaying the local registry `host`.
fn relay_args(host: &str) -> Vec<String> {
    vec!["--registry".into(), format!("http://{host}"), "--allow-private".into(), host.into()]
}

fn start_proxy(extra: &[String]) -> Proxy {
    let args: Vec<&str> = extra.iter().map(String::as_str).collect();
    Proxy::start(&args)
}

/// `--username U --password P` for `registry`, or nothing when anonymous.
fn credential_args(registry: &Registry) -> Vec<String> {
    match (registry.user(), registry.password()) {
        (Some(user), Some(password)) => vec!["--username".into(), user.into(), "--password".into(), password.into()],
        _ => vec![],
    }
}

fn chartpack(work: &Path, args: &[String]) -> Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(chartpack_command(work, &work.join("registry-config.json")), &args)
}

/// The one file in `dir`: its bytes.
#[track_caller]
fn only_file(dir: &Path) -> Vec<u8> {
    let names = file_names(dir);
    assert_eq!(names.len(), 1, "expected one file in {}: {names:?}", dir.display());
    std::fs::read(dir.join(&names[0])).expect("read pulled file")
}

/// helm logs in to `host` when `registry` has credentials.
fn helm_login(helm: &Helm, work: &Path, config: &Path, host: &str, registry: &Registry) {
    if let (Some(user), Some(password)) = (registry.user(), registry.password()) {
        let out =
            helm_with(helm, work, config, &["registry", "login", host, "-u", user, "-p", password, "--plain-http"]);
        ok(&out, "helm registry login");
    }
}

/// `helm pull oci://REFERENCE --version 0.1.0 --plain-http -d DIR`, expecting success.
#[track_caller]
fn helm_pull(helm: &Helm, work: &Path, config: &Path, reference: &str, dir: &Path) {
    let args = ["pull", reference, "--version", "0.1.0", "--plain-http", "-d", path_str(dir)];
    ok(&helm_with(helm, work, config, &args), &format!("helm pull {reference}"));
}

#[test]
fn chartpack_pushes_and_pulls_through_the_proxy_in_every_auth_mode() {
    let Some(helm) = Helm::find("proxy-modes") else { return };
    for auth in [
        RegistryAuth::None,
        RegistryAuth::basic("chartpack", "s3cret-basic"),
        RegistryAuth::token("chartpack", "s3cret-token"),
    ] {
        let Some(registry) = Registry::start(auth) else { return };
        let host = registry.host();
        let proxy = start_proxy(&relay_args(&host));
        let work = TempDir::new("proxy-modes");
        let archive = demo_chart(&helm, work.path());
        let via = ["--proxy".to_owned(), proxy.url()];
        let creds = credential_args(&registry);

        let mut push = vec!["push".to_owned(), path_str(&archive).to_owned(), format!("oci://{host}/charts")];
        push.extend(via.iter().cloned());
        push.extend(creds.iter().cloned());
        let out = chartpack(work.path(), &push);
        ok(&out, "chartpack push --proxy");
        assert!(text(&out.stderr).contains(&format!("Pushed: {host}/charts/demo:0.1.0")), "{}", text(&out.stderr));

        let mut tags = vec!["tags".to_owned(), format!("oci://{host}/charts/demo")];
        tags.extend(via.iter().cloned());
        tags.extend(creds.iter().cloned());
        assert_eq!(ok(&chartpack(work.path(), &tags), "chartpack tags --proxy").trim(), "0.1.0");

        let ours = mkdir(work.path().join("ours"));
        let mut pull =
            vec!["pull".to_owned(), format!("oci://{host}/charts/demo"), "-d".into(), path_str(&ours).into()];
        pull.extend(via.iter().cloned());
        pull.extend(creds.iter().cloned());
        ok(&chartpack(work.path(), &pull), "chartpack pull --proxy");

        // helm, straight from the registry, gets what went through the proxy.
        let theirs = mkdir(work.path().join("theirs"));
        let helm_config = work.path().join("helm-registry.json");
        helm_login(&helm, work.path(), &helm_config, &host, &registry);
        helm_pull(&helm, work.path(), &helm_config, &format!("oci://{host}/charts/demo"), &theirs);
        let pushed = std::fs::read(&archive).expect("archive");
        assert_eq!(only_file(&ours), pushed, "{host}: chartpack pull through the proxy");
        assert_eq!(only_file(&theirs), pushed, "{host}: helm pull from the registry");

        let log = proxy.log();
        assert!(log.contains("\"path\":\"/r/") && log.contains("\"status\":201"), "relayed pushes are logged:\n{log}");
        if let RegistryAuth::Token { .. } = registry.auth() {
            assert!(registry.token_requests() > 0, "the token server was asked");
            let relayed = log.lines().filter(|l| l.contains("/auth/http/") && l.contains("\"status\":200")).count();
            assert!(relayed > 0, "token requests went through the proxy:\n{log}");
        }
    }
}

#[test]
fn helm_uses_the_proxy_as_a_registry_with_a_default_registry() {
    let Some(helm) = Helm::find("proxy-default") else { return };
    for auth in [RegistryAuth::basic("chartpack", "s3cret-basic"), RegistryAuth::token("chartpack", "s3cret-token")] {
        let Some(registry) = Registry::start(auth) else { return };
        let host = registry.host();
        let mut args = relay_args(&host);
        args.extend(["--default-registry".to_owned(), host.clone()]);
        let proxy = start_proxy(&args);
        let front = format!("127.0.0.1:{}", proxy.port());
        let work = TempDir::new("proxy-default");
        let archive = demo_chart(&helm, work.path());
        let config = work.path().join("helm-registry.json");

        helm_login(&helm, work.path(), &config, &front, &registry);
        let out = helm_with(
            &helm,
            work.path(),
            &config,
            &["push", path_str(&archive), &format!("oci://{front}/charts"), "--plain-http"],
        );
        ok(&out, "helm push through the proxy");
        let pulled = mkdir(work.path().join("pulled"));
        helm_pull(&helm, work.path(), &config, &format!("oci://{front}/charts/demo"), &pulled);
        assert_eq!(only_file(&pulled), std::fs::read(&archive).expect("archive"), "{host}: helm through the proxy");

        // The chart really is in the registry behind it.
        let direct = mkdir(work.path().join("direct"));
        helm_login(&helm, work.path(), &config, &host, &registry);
        helm_pull(&helm, work.path(), &config, &format!("oci://{host}/charts/demo"), &direct);
        assert_eq!(only_file(&direct), std::fs::read(&archive).expect("archive"));
    }
}

#[test]
fn registry_errors_pass_through_unchanged() {
    let Some(registry) = Registry::start(RegistryAuth::basic("chartpack", "s3cret")) else { return };
    let host = registry.host();
    let proxy = start_proxy(&relay_args(&host));
    let front = format!("127.0.0.1:{}", proxy.port());
    let prefix = format!("/r/{host}");
    // 401 with its challenge, and 404 with the registry's error body.
    let basic = "Basic Y2hhcnRwYWNrOnMzY3JldA==";
    for (path, headers) in [
        ("/v2/nothing/manifests/1.0.0", vec![]),
        ("/v2/nothing/manifests/1.0.0", vec![("Authorization", basic)]),
        ("/v2/nothing/tags/list", vec![("Authorization", basic)]),
    ] {
        let direct = http::request(&host, "GET", path, &headers, b"", TIMEOUT).expect("direct");
        let relayed =
            http::request(&front, "GET", &format!("{prefix}{path}"), &headers, b"", TIMEOUT).expect("relayed");
        assert_eq!(relayed.status, direct.status, "{path}");
        assert_eq!(relayed.body, direct.body, "{path}: body");
        assert_eq!(relayed.header("content-type"), direct.header("content-type"), "{path}");
        assert_eq!(relayed.header("www-authenticate"), direct.header("www-authenticate"), "{path}: Basic challenge");
    }
}

#[test]
fn settings_apply_file_then_environment_then_flags() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let host = registry.host();
    let work = TempDir::new("proxy-config");
    let file = work.path().join("proxy.toml");
    let toml = format!(
        "origins = [\"http://from-file.test\"]\n[[registry]]\nhost = \"http://{host}\"\nallow_private = true\n[limits]\nmax_body_bytes = 1000\n"
    );
    std::fs::write(&file, toml).expect("write config");
    let proxy = Proxy::start_with_env(
        &["--config", path_str(&file), "--origin", "http://from-flag.test"],
        &[("CHARTPACK_PROXY_ORIGINS", "http://from-env.test")],
    );
    let front = format!("127.0.0.1:{}", proxy.port());
    let origin_status = |origin: &str| {
        let headers = [("Origin", origin)];
        http::request(&front, "GET", &format!("/r/{host}/v2/"), &headers, b"", TIMEOUT).expect("GET").status
    };
    // Flags replace the environment's origins, which replace the file's.
    assert_eq!(origin_status("http://from-flag.test"), 200);
    assert_eq!(origin_status("http://from-env.test"), 403);
    assert_eq!(origin_status("http://from-file.test"), 403);
    // The file's registry and limits apply.
    let big = vec![b'x'; 2000];
    let reply =
        http::request(&front, "POST", &format!("/r/{host}/v2/a/blobs/uploads/"), &[], &big, TIMEOUT).expect("POST");
    assert_eq!(reply.status, 413, "{}", reply.text());

    // Bad settings are refused, naming where and what.
    std::fs::write(&file, "[[registry]]\nhost = \"ghcr.io\"\nallow_privat = true\n").expect("write config");
    let stderr = Proxy::refused(&["--config", path_str(&file)]);
    assert!(stderr.contains("proxy.toml: registry[0].allow_privat: unknown setting"), "{stderr}");
    let stderr = Proxy::refused(&["--origin", "*"]);
    assert!(stderr.contains("\"*\" is not accepted"), "{stderr}");
    let stderr = Proxy::refused(&["--listen", "nowhere"]);
    assert!(stderr.contains("listen"), "{stderr}");
}

#[test]
fn serves_the_web_app_and_nothing_outside_it() {
    let work = TempDir::new("proxy-static");
    let site = mkdir(work.path().join("site"));
    std::fs::write(site.join("index.html"), "<!doctype html><title>chartpack</title>").expect("write");
    mkdir(site.join("assets"));
    std::fs::write(site.join("assets/app.wasm"), b"\0asm\x01\0\0\0").expect("write");
    std::fs::write(site.join(".env"), "SECRET=1").expect("write");
    std::fs::write(work.path().join("outside.txt"), "outside").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(work.path().join("outside.txt"), site.join("escape.txt")).expect("symlink");
    let proxy = Proxy::start(&["--static-dir", path_str(&site)]);
    let front = format!("127.0.0.1:{}", proxy.port());
    let get = |path: &str| http::request(&front, "GET", path, &[], b"", TIMEOUT).expect("GET");

    let index = get("/");
    assert_eq!((index.status, index.header("content-type")), (200, Some("text/html; charset=utf-8")));
    assert!(index.text().contains("<title>chartpack</title>"));
    assert_eq!(index.header("x-content-type-options"), Some("nosniff"));
    let wasm = get("/assets/app.wasm");
    assert_eq!((wasm.status, wasm.header("content-type")), (200, Some("application/wasm")));
    for path in
        ["/.env", "/escape.txt", "/../outside.txt", "/assets/../../outside.txt", "/%2e%2e/outside.txt", "/missing"]
    {
        let reply = get(path);
        assert_eq!(reply.status, 404, "{path}: {}", reply.text());
        assert!(!reply.text().contains("outside") || reply.text().contains("not found"), "{path}");
    }
    let reply = http::request(&front, "POST", "/index.html", &[], b"x", TIMEOUT).expect("POST");
    assert_eq!(reply.status, 405);

    // Gzip twins (NAME.gz, as scripts/build-web.sh writes them) go to clients that accept gzip;
    // names with a content hash are cached for good, others revalidated.
    let hashed = "assets/app-0a1b2c3d4e5f6a7b_bg.wasm";
    std::fs::write(site.join(hashed), b"\0asm\x01\0\0\0 plain").expect("write");
    std::fs::write(site.join(format!("{hashed}.gz")), gzip(b"\0asm\x01\0\0\0 plain")).expect("write");
    std::fs::write(site.join("index.html.gz"), gzip(b"<!doctype html><title>chartpack</title>")).expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(work.path().join("outside.txt"), site.join("assets/app.wasm.gz")).expect("symlink");
    let accept = [("Accept-Encoding", "gzip, deflate, br")];
    let gzipped = http::request(&front, "GET", &format!("/{hashed}"), &accept, b"", TIMEOUT).expect("GET");
    assert_eq!(gzipped.status, 200);
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    assert_eq!(gzipped.header("content-type"), Some("application/wasm"));
    assert_eq!(chartpack_e2e::gunzip(&gzipped.body), b"\0asm\x01\0\0\0 plain");
    assert_eq!(gzipped.header("cache-control"), Some("public, max-age=31536000, immutable"));
    let vary: Vec<&str> =
        gzipped.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case("vary")).map(|(_, v)| v.as_str()).collect();
    assert!(vary.iter().any(|v| v.contains("Accept-Encoding")), "Vary: {vary:?}");
    let plain = get(&format!("/{hashed}"));
    assert_eq!((plain.header("content-encoding"), plain.body.as_slice()), (None, &b"\0asm\x01\0\0\0 plain"[..]));
    let refused = http::request(&front, "GET", &format!("/{hashed}"), &[("Accept-Encoding", "gzip;q=0")], b"", TIMEOUT)
        .expect("GET");
    assert_eq!(refused.header("content-encoding"), None, "gzip;q=0 refuses gzip");
    let index = http::request(&front, "GET", "/", &accept, b"", TIMEOUT).expect("GET /");
    assert_eq!(index.header("content-encoding"), Some("gzip"));
    assert_eq!(index.header("cache-control"), Some("no-cache"), "index.html is revalidated");
    // A twin that is a symlink out of the directory is not followed: the plain file is sent.
    let wasm = http::request(&front, "GET", "/assets/app.wasm", &accept, b"", TIMEOUT).expect("GET");
    assert_eq!((wasm.header("content-encoding"), wasm.body.as_slice()), (None, &b"\0asm\x01\0\0\0"[..]));
}

/// `bytes` gzip-compressed.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut encoder, bytes).expect("gzip");
    encoder.finish().expect("gzip")
}
