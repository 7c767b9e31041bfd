//! The registry harness is real: the `distribution` registry in each auth mode, the token server
//! and the fault relay, exercised with the real helm (push, pull, login), so that registry
//! client tests built on them test the client and not the harness.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use chartpack_e2e::{demo_chart, mkdir, ok, path_str, run_with_stdin, text, Helm, TempDir};
use chartpack_testkit::http;
use chartpack_testkit::{Fault, FaultKind, FaultPlan, FaultRelay, Registry, RegistryAuth, Rule};

/// `helm create demo && helm package demo` in `work`: the archive's path and bytes.
fn demo_archive(helm: &Helm, work: &Path) -> (PathBuf, Vec<u8>) {
    let path = demo_chart(helm, work);
    let bytes = std::fs::read(&path).expect("packaged archive");
    (path, bytes)
}

/// `helm registry login HOST -u USER --password-stdin --plain-http`.
fn login(helm: &Helm, work: &Path, host: &str, user: &str, password: &str) -> Output {
    let args = ["registry", "login", host, "-u", user, "--password-stdin", "--plain-http"];
    run_with_stdin(helm.command(work), &args, password)
}

/// Pulls `oci://HOST/charts/demo` version 0.1.0 into a new directory; the archive's bytes.
fn pull(helm: &Helm, work: &Path, host: &str, into: &str) -> Vec<u8> {
    let out_dir = mkdir(work.join(into)); // helm pull -d needs it to exist
    let reference = format!("oci://{host}/charts/demo");
    let args = ["pull", &reference, "--version", "0.1.0", "--plain-http", "-d", path_str(&out_dir)];
    ok(&helm.run(work, &args), "helm pull");
    std::fs::read(out_dir.join("demo-0.1.0.tgz")).expect("pulled archive")
}

/// `helm push ARCHIVE oci://HOST/charts --plain-http`.
fn push(helm: &Helm, work: &Path, archive: &Path, host: &str) {
    let target = format!("oci://{host}/charts");
    ok(&helm.run(work, &["push", path_str(archive), &target, "--plain-http"]), "helm push");
}

/// Push with helm, pull with helm: byte-identical archive, whatever the auth mode.
fn round_trip(auth: RegistryAuth, label: &str) -> Option<Registry> {
    let helm = Helm::find(label)?;
    let started = Instant::now();
    let registry = Registry::start(auth)?;
    eprintln!("{label}: registry ready in {:?}", started.elapsed());
    let work = TempDir::new(label);
    let (archive, bytes) = demo_archive(&helm, work.path());
    if let (Some(user), Some(password)) = (registry.user(), registry.password()) {
        ok(&login(&helm, work.path(), &registry.host(), user, password), "helm registry login");
    }
    push(&helm, work.path(), &archive, &registry.host());
    assert!(registry.data_dir().join("docker/registry/v2/repositories/charts/demo").is_dir(), "stored in data_dir");
    assert_eq!(pull(&helm, work.path(), &registry.host(), "out"), bytes, "pulled archive differs from the pushed one");
    Some(registry)
}

#[test]
fn anonymous_registry_round_trips_a_chart_with_helm() {
    let Some(registry) = round_trip(RegistryAuth::None, "anon") else { return };
    let reply = http::request(&registry.host(), "GET", "/v2/", &[], b"", Duration::from_secs(5)).expect("GET /v2/");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("Access-Control-Allow-Origin"), Some("*"), "CORS headers configured");
    assert_eq!(registry.token_requests(), 0);
}

#[test]
fn basic_auth_registry_round_trips_a_chart_with_helm() {
    let Some(registry) = round_trip(RegistryAuth::basic("chartpack", "s3cret-basic"), "basic") else { return };
    let reply = http::request(&registry.host(), "GET", "/v2/", &[], b"", Duration::from_secs(5)).expect("GET /v2/");
    assert_eq!(reply.status, 401);
    assert_eq!(reply.header("WWW-Authenticate"), Some(r#"Basic realm="chartpack-test""#));
}

#[test]
fn token_auth_registry_round_trips_a_chart_with_helm() {
    let Some(registry) = round_trip(RegistryAuth::token("chartpack", "s3cret-token"), "token") else { return };
    let server = registry.token_server().expect("token server");
    let reply = http::request(&registry.host(), "GET", "/v2/", &[], b"", Duration::from_secs(5)).expect("GET /v2/");
    assert_eq!(reply.status, 401);
    let challenge = reply.header("WWW-Authenticate").expect("challenge");
    assert!(challenge.starts_with(&format!(r#"Bearer realm="{}""#, server.realm())), "{challenge}");
    assert!(challenge.contains(r#"service="chartpack-registry""#), "{challenge}");

    let log = registry.token_log();
    assert_eq!(log.len(), registry.token_requests());
    assert!(log.iter().all(|r| r.path == "/token" && r.service == "chartpack-registry"), "{log:#?}");
    let granted = |scope: &str| {
        log.iter().any(|r| r.status == 200 && r.user == "chartpack" && r.scopes.iter().any(|s| s == scope))
    };
    assert!(granted("repository:charts/demo:pull,push") || granted("repository:charts/demo:push,pull"), "{log:#?}");
    assert!(granted("repository:charts/demo:pull"), "{log:#?}");
    eprintln!("token: helm made {} token requests for login + push + pull", log.len());
}

#[test]
fn token_realm_on_another_host_name_is_served() {
    let Some(helm) = Helm::find("realm") else { return };
    let Some(registry) = Registry::start(RegistryAuth::token_with_realm_host("chartpack", "pw", "localhost")) else {
        return;
    };
    let server = registry.token_server().expect("token server");
    assert_eq!(server.realm(), format!("http://localhost:{}/token", server.port()));
    let reply = http::request(&registry.host(), "GET", "/v2/", &[], b"", Duration::from_secs(5)).expect("GET /v2/");
    let challenge = reply.header("WWW-Authenticate").expect("challenge");
    assert!(challenge.starts_with(r#"Bearer realm="http://localhost:"#), "{challenge}");
    // The realm is reachable under that name: helm (which sends credentials to any realm) logs in.
    let work = TempDir::new("realm");
    ok(&login(&helm, work.path(), &registry.host(), "chartpack", "pw"), "helm registry login");
    assert!(registry.token_log().iter().any(|r| r.status == 200 && r.user == "chartpack"));
}

#[test]
fn wrong_password_login_fails() {
    let Some(helm) = Helm::find("wrongpw") else { return };
    let work = TempDir::new("wrongpw");
    for auth in [RegistryAuth::basic("chartpack", "right"), RegistryAuth::token("chartpack", "right")] {
        let Some(registry) = Registry::start(auth.clone()) else { return };
        let out = login(&helm, work.path(), &registry.host(), "chartpack", "wrong");
        assert!(!out.status.success(), "{auth:?}: login with a wrong password succeeded");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("401") || stderr.contains("unauthorized"), "{auth:?}: {stderr}");
        if let RegistryAuth::Token { .. } = auth {
            let log = registry.token_log();
            assert!(log.iter().any(|r| r.status == 401 && r.authorization == "basic"), "{log:#?}");
            assert!(log.iter().all(|r| r.status != 200 || r.user.is_empty()), "no token for the user: {log:#?}");
        }
        ok(&login(&helm, work.path(), &registry.host(), "chartpack", "right"), "login with the right password");
    }
}

#[test]
fn helm_pull_survives_a_503_burst_through_the_fault_relay() {
    let Some(helm) = Helm::find("relay") else { return };
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let work = TempDir::new("relay");
    let (archive, bytes) = demo_archive(&helm, work.path());
    push(&helm, work.path(), &archive, &registry.host());

    let plan = FaultPlan::new()
        .rule(Rule::new("GET", "/manifests/0.1.0", Fault::Status(503, None)).times(2))
        .rule(Rule::new("GET", "/blobs/sha256:", Fault::Status(503, Some(0))).times(1));
    let relay = FaultRelay::start(&registry.host(), plan);
    let started = Instant::now();
    assert_eq!(pull(&helm, work.path(), &relay.host(), "out"), bytes, "pulled archive differs");
    eprintln!("relay: helm pull with 3 injected 503s took {:?}", started.elapsed());
    assert_eq!(relay.faults(FaultKind::Status), 3, "{:#?}", relay.log());
    assert_eq!(relay.faults_total(), 3);
    let log = relay.log();
    assert_eq!(log.len(), relay.requests());
    assert!(log.iter().any(|r| r.target.contains("/manifests/0.1.0") && r.status == Some(200)), "{log:#?}");

    // helm does not retry a 404: an injected one fails the pull at once, with the status named.
    // (An endless 503 also fails, but only after helm's ~7 s of backoff: not worth the time.)
    relay.set_plan(FaultPlan::new().rule(Rule::new("GET", "/manifests/", Fault::Status(404, None))));
    let dir = mkdir(work.path().join("out2"));
    let reference = format!("oci://{}/charts/demo", relay.host());
    let out = helm.run(work.path(), &["pull", &reference, "--version", "0.1.0", "--plain-http", "-d", path_str(&dir)]);
    assert!(!out.status.success(), "pull through a relay answering 404 succeeded");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("not found"), "{stderr}");
    assert_eq!(relay.faults(FaultKind::Status), 4, "{:#?}", relay.log());
}
