//! chartpack's registry commands and client against the real `distribution` registry in each
//! auth mode (anonymous, htpasswd Basic, token), judged by the real helm at test time: what one
//! tool pushes the other pulls byte for byte, manifests and config blobs are helm's bytes, every
//! corpus chart helm packages round-trips, corrupt or oversized answers write nothing, passwords
//! stay away from foreign token realms, and chartpack makes no more requests than helm.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant, UNIX_EPOCH};

use chartpack_cli::transport::{NativeTransport, TlsOptions};
use chartpack_e2e::{
    chartpack_command, corpus, corpus_charts, error_line, failed, file_names, helm_with, mkdir, ok, parallel, path_str,
    run, run_with_stdin, text, Helm, TempDir,
};
use chartpack_oci::client::{block_on, ClientOptions, RegistryClient, UploadOutcome};
use chartpack_oci::digest::Digest;
use chartpack_oci::manifest::{build_chart_artifact, format_created};
use chartpack_oci::reference::push_reference;
use chartpack_testkit::http;
use chartpack_testkit::{Fault, FaultPlan, FaultRelay, Registry, RegistryAuth, Rule};

/// 2026-01-02T03:04:05Z: the archive time both tools put in the `created` annotation.
const EPOCH: u64 = 1_767_323_045;
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Asserts a successful login; its words, whichever stream they are on (helm 4.1.4: stderr).
#[track_caller]
fn logged_in(out: &Output, what: &str) -> String {
    let stdout = ok(out, what);
    format!("{stdout}{}", text(&out.stderr)).trim().to_owned()
}

/// The value of the `Digest: ` line both tools print after a push or pull.
#[track_caller]
fn digest_line(stderr: &str) -> String {
    let line = stderr.lines().find_map(|l| l.strip_prefix("Digest: "));
    line.unwrap_or_else(|| panic!("no Digest line in:\n{stderr}")).trim().to_owned()
}

/// `helm package DIR EXTRA... -d OUT`: the archive's path.
#[track_caller]
fn helm_package(helm: &Helm, work: &Path, dir: &str, out: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["package", dir, "-d", path_str(out)];
    args.extend_from_slice(extra);
    let stdout = ok(&helm.run(work, &args), "helm package");
    let path = stdout.trim().strip_prefix("Successfully packaged chart and saved it to: ").expect("helm's line");
    PathBuf::from(path)
}

/// The one file in `dir`: its name and bytes.
#[track_caller]
fn only_file(dir: &Path) -> (String, Vec<u8>) {
    let names = file_names(dir);
    assert_eq!(names.len(), 1, "expected one file in {}: {names:?}", dir.display());
    (names[0].clone(), std::fs::read(dir.join(&names[0])).expect("read pulled file"))
}

fn set_mtime(path: &Path, unix_secs: u64) {
    let file = std::fs::File::options().write(true).open(path).expect("open archive");
    file.set_modified(UNIX_EPOCH + Duration::from_secs(unix_secs)).expect("set mtime");
}

/// Every `"digest":"sha256:…"` value in a manifest, in order.
fn manifest_digests(manifest: &str) -> Vec<String> {
    manifest.split("\"digest\":\"").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_owned).collect()
}

/// An anonymous `GET` on the registry, expecting 200: the body.
#[track_caller]
fn get(host: &str, path: &str, accept: &str) -> Vec<u8> {
    let reply = http::request(host, "GET", path, &[("Accept", accept)], b"", HTTP_TIMEOUT).expect("GET");
    assert_eq!(reply.status, 200, "GET {path}: {}", reply.text());
    reply.body
}

/// Pseudo-random bytes (xorshift): content gzip cannot shrink, to make archives of a known size.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

/// `helm create NAME`, plus a `noise.bin` of `noise_bytes` when non-zero.
fn create_chart(helm: &Helm, work: &Path, name: &str, noise_bytes: usize) {
    ok(&helm.run(work, &["create", name]), "helm create");
    if noise_bytes > 0 {
        std::fs::write(work.join(name).join("noise.bin"), noise(noise_bytes, 0x9e37_79b9_7f4a_7c15)).expect("write");
    }
}

/// What one push or pull cost, counted at the relay and the token server.
#[derive(Debug, Clone, Copy)]
struct Cost {
    requests: usize,
    token_requests: usize,
}

/// Runs `f` and counts the requests it sent through `relay` and to `registry`'s token server.
fn cost<T>(relay: &FaultRelay, registry: &Registry, f: impl FnOnce() -> T) -> (T, Cost) {
    let (requests, tokens) = (relay.requests(), registry.token_requests());
    let value = f();
    let cost = Cost { requests: relay.requests() - requests, token_requests: registry.token_requests() - tokens };
    (value, cost)
}

// ---------------------------------------------------------------------------------------------
// 1. Each auth mode: chartpack login/push → helm pull/show/template; helm push → chartpack pull,
//    tags and version ranges as helm resolves them. Requests counted through a relay.
// ---------------------------------------------------------------------------------------------

fn round_trip_in_mode(auth: RegistryAuth, label: &str) {
    let Some(helm) = Helm::find(label) else { return };
    let Some(registry) = Registry::start(auth) else { return };
    let relay = FaultRelay::start(&registry.host(), FaultPlan::new());
    let work = TempDir::new(label);
    let w = work.path();
    let config = w.join("registry.json");
    let (reg, via) = (registry.host(), relay.host());

    create_chart(&helm, w, "demo", 0);
    let first = helm_package(&helm, w, "demo", &mkdir(w.join("a")), &[]);
    std::fs::OpenOptions::new()
        .append(true)
        .open(w.join("demo/values.yaml"))
        .and_then(|mut f| f.write_all(b"extra: from-the-second-version\n"))
        .expect("append to values.yaml");
    let second = helm_package(&helm, w, "demo", &mkdir(w.join("b")), &["--version", "0.1.1"]);
    let (first_bytes, second_bytes) = (std::fs::read(&first).expect("read"), std::fs::read(&second).expect("read"));

    // Log in to the registry and to the relay in front of it, into the file helm reads too.
    if let (Some(user), Some(password)) = (registry.user(), registry.password()) {
        for host in [&reg, &via] {
            let args = ["registry", "login", host.as_str(), "-u", user, "--password-stdin", "--plain-http"];
            let (out, login) =
                cost(&relay, &registry, || run_with_stdin(chartpack_command(w, &config), &args, password));
            assert_eq!(logged_in(&out, "chartpack registry login"), "Login Succeeded");
            eprintln!("{label}: chartpack registry login {host}: {login:?}");
        }
        let stored = std::fs::read_to_string(&config).expect("registry config written");
        assert!(stored.contains(&format!("\"{reg}\"")) && stored.contains(&format!("\"{via}\"")), "{stored}");
    }

    // chartpack pushes; helm pulls it (with chartpack's credentials), shows and renders it.
    let target = format!("oci://{via}/charts");
    let (out, ours_push) = cost(&relay, &registry, || {
        run(chartpack_command(w, &config), &["push", path_str(&first), &target, "--plain-http"])
    });
    ok(&out, "chartpack push");
    let push_stderr = text(&out.stderr);
    assert!(push_stderr.contains(&format!("Pushed: {via}/charts/demo:0.1.0\n")), "{push_stderr}");
    let pulled_dir = &mkdir(w.join("helm-pull"));
    let remote = format!("oci://{reg}/charts/demo");
    let args = ["pull", &remote, "--version", "0.1.0", "--plain-http", "-d", path_str(pulled_dir)];
    let out = helm_with(&helm, w, &config, &args);
    ok(&out, "helm pull of chartpack's push");
    assert_eq!(digest_line(&text(&out.stderr)), digest_line(&push_stderr), "helm pulled another manifest");
    assert_eq!(only_file(pulled_dir), ("demo-0.1.0.tgz".to_owned(), first_bytes), "helm pulled other bytes");
    for part in [["show", "chart"], ["template", "demo"]] {
        let from_registry =
            helm_with(&helm, w, &config, &[&part[..], &[&remote, "--version", "0.1.0", "--plain-http"]].concat());
        let local = helm.run(w, &[&part[..], &[path_str(&first)]].concat());
        assert_eq!(
            ok(&from_registry, &format!("helm {} oci://", part[0])),
            ok(&local, &format!("helm {} of the local archive", part[0])),
            "helm {} differs between the pushed chart and the local archive",
            part[0]
        );
    }

    // helm pushes a second version; chartpack pulls it byte for byte.
    let (out, helm_push) =
        cost(&relay, &registry, || helm_with(&helm, w, &config, &["push", path_str(&second), &target, "--plain-http"]));
    ok(&out, "helm push");
    let helm_push_digest = digest_line(&text(&out.stderr));
    let ours_dir = &mkdir(w.join("chartpack-pull"));
    let via_remote = format!("oci://{via}/charts/demo");
    let args = ["pull", &via_remote, "--version", "0.1.1", "--plain-http", "-d", path_str(ours_dir)];
    let (out, ours_pull) = cost(&relay, &registry, || run(chartpack_command(w, &config), &args));
    ok(&out, "chartpack pull of helm's push");
    assert_eq!(digest_line(&text(&out.stderr)), helm_push_digest);
    assert_eq!(only_file(ours_dir), ("demo-0.1.1.tgz".to_owned(), second_bytes));
    let helm_dir = &mkdir(w.join("helm-pull-2"));
    let args = ["pull", &via_remote, "--version", "0.1.1", "--plain-http", "-d", path_str(helm_dir)];
    let (out, helm_pull) = cost(&relay, &registry, || helm_with(&helm, w, &config, &args));
    ok(&out, "helm pull through the relay");

    // Tags, newest first; ranges and "no version" resolve to the file helm pulls.
    let tags = run(chartpack_command(w, &config), &["tags", &remote, "--plain-http"]);
    assert_eq!(ok(&tags, "chartpack tags"), "0.1.1\n0.1.0\n");
    for (i, version) in [Some("^0.1"), Some("<0.1.1"), Some("~0.1.0"), None].into_iter().enumerate() {
        let mut args = vec!["pull", remote.as_str(), "--plain-http"];
        args.extend(version.map(|v| ["--version", v]).iter().flatten());
        let helm_dir = &mkdir(w.join(format!("helm-v{i}")));
        ok(&helm_with(&helm, w, &config, &[&args[..], &["-d", path_str(helm_dir)]].concat()), "helm pull --version");
        let ours_dir = &mkdir(w.join(format!("ours-v{i}")));
        ok(
            &run(chartpack_command(w, &config), &[&args[..], &["-d", path_str(ours_dir)]].concat()),
            "chartpack pull --version",
        );
        assert_eq!(only_file(ours_dir), only_file(helm_dir), "pull --version {version:?} resolved otherwise than helm");
    }

    eprintln!(
        "{label}: push requests chartpack {} / helm {} (token requests {} / {}); \
         pull requests chartpack {} / helm {} (token requests {} / {})",
        ours_push.requests,
        helm_push.requests,
        ours_push.token_requests,
        helm_push.token_requests,
        ours_pull.requests,
        helm_pull.requests,
        ours_pull.token_requests,
        helm_pull.token_requests
    );
    assert!(ours_push.requests <= helm_push.requests, "push: chartpack {ours_push:?}, helm {helm_push:?}");
    assert!(ours_pull.requests <= helm_pull.requests, "pull: chartpack {ours_pull:?}, helm {helm_pull:?}");
    if let RegistryAuth::Token { .. } = registry.auth() {
        // One token per scope, reused for every request needing it.
        assert!((1..=2).contains(&ours_push.token_requests), "push token requests: {:#?}", registry.token_log());
        assert_eq!(ours_pull.token_requests, 1, "pull token requests: {:#?}", registry.token_log());
        let log = registry.token_log();
        assert!(log.iter().all(|r| r.status == 200), "a token request was refused: {log:#?}");
    }
}

#[test]
fn anonymous_registry_round_trips_between_chartpack_and_helm() {
    round_trip_in_mode(RegistryAuth::None, "rt-anon");
}

#[test]
fn basic_auth_registry_round_trips_between_chartpack_and_helm() {
    round_trip_in_mode(RegistryAuth::basic("chartpack", "s3cret-basic"), "rt-basic");
}

#[test]
fn token_auth_registry_round_trips_between_chartpack_and_helm() {
    round_trip_in_mode(RegistryAuth::token("chartpack", "s3cret-token"), "rt-token");
}

// ---------------------------------------------------------------------------------------------
// 2. The same archive pushed by both tools: identical manifests, configs and layers.
// ---------------------------------------------------------------------------------------------

const RICH_CHART_YAML: &str = r#"apiVersion: v2
name: rich
description: A chart with <html> & "quotes"
type: application
version: 1.2.3+build.7
appVersion: "2.0"
home: https://example.com/rich?a=1&b=2
sources:
  - https://github.com/example/rich
  - https://github.com/example/other
maintainers:
  - name: Jane Doe
    email: jane@example.com
  - name: John
keywords: [a, b]
annotations:
  example.com/note: "x < y & z > w"
  org.opencontainers.image.url: https://override.example.com
"#;

#[test]
fn manifests_and_blobs_pushed_by_chartpack_are_helms_bytes() {
    let Some(helm) = Helm::find("same-bytes") else { return };
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let work = TempDir::new("same-bytes");
    let w = work.path();
    let config = w.join("registry.json");
    let host = registry.host();

    create_chart(&helm, w, "demo", 0);
    let demo = helm_package(&helm, w, "demo", &mkdir(w.join("out")), &[]);
    create_chart(&helm, w, "rich", 0);
    std::fs::write(w.join("rich/Chart.yaml"), RICH_CHART_YAML).expect("write Chart.yaml");
    let rich = helm_package(&helm, w, "rich", &mkdir(w.join("out")), &[]);
    // A provenance file beside the archive is pushed as a third blob by both tools.
    let rich_prov = PathBuf::from(format!("{}.prov", rich.display()));
    std::fs::write(&rich_prov, "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nnot really signed\n")
        .expect("write .prov");

    // (archive, chartpack uses SOURCE_DATE_EPOCH rather than the file time, repository, tag)
    let cases = [(&demo, false, "demo", "0.1.0"), (&rich, true, "rich", "1.2.3_build.7")];
    for (archive, use_epoch, name, tag) in cases {
        let archive_str = path_str(archive);
        set_mtime(archive, EPOCH); // helm takes `created` from the file time (TZ=UTC)
        let out = helm_with(&helm, w, &config, &["push", archive_str, &format!("oci://{host}/helm"), "--plain-http"]);
        ok(&out, "helm push");
        let helm_digest = digest_line(&text(&out.stderr));
        let mut cmd = chartpack_command(w, &config);
        if use_epoch {
            set_mtime(archive, EPOCH + 86_400); // the file time must not matter then
            cmd.env("SOURCE_DATE_EPOCH", EPOCH.to_string());
        }
        let out = run(cmd, &["push", archive_str, &format!("oci://{host}/ours"), "--plain-http"]);
        ok(&out, "chartpack push");
        let ours_stderr = text(&out.stderr);
        assert!(ours_stderr.contains(&format!("Pushed: {host}/ours/{name}:{tag}\n")), "{ours_stderr}");
        assert_eq!(digest_line(&ours_stderr), helm_digest, "{name}: manifest digests differ");

        let helm_manifest = get(&host, &format!("/v2/helm/{name}/manifests/{tag}"), OCI_MANIFEST);
        let ours_manifest = get(&host, &format!("/v2/ours/{name}/manifests/{tag}"), OCI_MANIFEST);
        assert_eq!(text(&ours_manifest), text(&helm_manifest), "{name}: manifests differ");
        assert_eq!(Digest::of(&ours_manifest).to_string(), helm_digest, "{name}: printed digest is not the manifest's");
        assert!(text(&ours_manifest).contains("\"org.opencontainers.image.created\":\"2026-01-02T03:04:05Z\""));
        let digests = manifest_digests(&text(&helm_manifest));
        assert_eq!(digests.len(), if use_epoch { 3 } else { 2 }, "{name}: config + layers: {digests:?}");
        for digest in &digests {
            let helm_blob = get(&host, &format!("/v2/helm/{name}/blobs/{digest}"), "*/*");
            let ours_blob = get(&host, &format!("/v2/ours/{name}/blobs/{digest}"), "*/*");
            assert_eq!(ours_blob, helm_blob, "{name}: blob {digest} differs");
        }
        let archive_digest = Digest::of(&std::fs::read(archive).expect("read archive")).to_string();
        assert!(digests.contains(&archive_digest), "{name}: the chart layer is the archive");
        // The config blob is the first descriptor: helm's JSON of the chart's metadata.
        let config_blob = text(&get(&host, &format!("/v2/ours/{name}/blobs/{}", digests[0]), "*/*"));
        assert!(config_blob.starts_with(&format!("{{\"name\":\"{name}\"")), "{config_blob}");
        eprintln!("{name}: manifest {} bytes, config {config_blob}", ours_manifest.len());
    }
}

/// `oci://HOST/REPO/NAME` and the version (`_` back to `+`) of a `Pushed: HOST/REPO/NAME:TAG`
/// reference: helm refuses a tag with `_` in the reference itself ("improper constraint").
fn remote_and_version(reference: &str) -> (String, String) {
    let (repo, tag) = reference.rsplit_once(':').expect("reference with a tag");
    (format!("oci://{repo}"), tag.replace('_', "+"))
}

// ---------------------------------------------------------------------------------------------
// 3. The corpus: every chart helm packages, pushed by chartpack and pulled by helm (and a few
//    the other way round).
// ---------------------------------------------------------------------------------------------

#[test]
fn every_corpus_chart_helm_packages_round_trips_through_the_registry() {
    let Some(corpus) = corpus() else { return };
    let Some(helm) = Helm::find("corpus-oci") else { return };
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let started = Instant::now();
    let work = TempDir::new("corpus-oci");
    let config = work.path().join("registry.json");
    let host = registry.host();
    let ids = corpus_charts(&corpus);
    // Every seventh chart helm packages also goes the other way: helm push, chartpack pull.
    let reverse = |i: usize| i % 7 == 3;
    let indexed: Vec<(usize, &String)> = ids.iter().enumerate().collect();
    let outcomes = std::sync::Mutex::new(Vec::new());
    let failures = parallel(&indexed, |&(i, id)| {
        let dir = work.path().join(id);
        let out_dir = &mkdir(dir.join("packaged"));
        let chart = corpus.join("charts").join(id);
        let packaged = helm.run(&dir, &["package", path_str(&chart), "-d", path_str(out_dir)]);
        if !packaged.status.success() {
            outcomes.lock().expect("lock").push((id.clone(), "not packaged by helm"));
            return Ok(());
        }
        let (file, bytes) = only_file(out_dir);
        let archive = out_dir.join(&file);
        let repo = format!("oci://{host}/corpus/{id}");
        let push = run(chartpack_command(&dir, &config), &["push", path_str(&archive), &repo, "--plain-http"]);
        if !push.status.success() {
            return Err(format!("{id}: chartpack push failed: {}", error_line(&text(&push.stderr))));
        }
        let pushed = text(&push.stderr);
        let reference = pushed.lines().find_map(|l| l.strip_prefix("Pushed: ")).unwrap_or_default().to_owned();
        let pulled = &mkdir(dir.join("helm-pull"));
        let (remote, version) = remote_and_version(&reference);
        let pull = helm_with(
            &helm,
            &dir,
            &config,
            &["pull", &remote, "--version", &version, "--plain-http", "-d", path_str(pulled)],
        );
        if !pull.status.success() {
            return Err(format!("{id}: helm pull of {reference} failed: {}", error_line(&text(&pull.stderr))));
        }
        if only_file(pulled) != (file.clone(), bytes.clone()) {
            return Err(format!("{id}: helm pulled other bytes than chartpack pushed ({reference})"));
        }
        if reverse(i) {
            let repo = format!("oci://{host}/helm-corpus/{id}");
            let push = helm_with(&helm, &dir, &config, &["push", path_str(&archive), &repo, "--plain-http"]);
            if !push.status.success() {
                return Err(format!("{id}: helm push failed: {}", error_line(&text(&push.stderr))));
            }
            let reference =
                text(&push.stderr).lines().find_map(|l| l.strip_prefix("Pushed: ")).unwrap_or("").to_owned();
            let pulled = &mkdir(dir.join("chartpack-pull"));
            let (remote, version) = remote_and_version(&reference);
            let pull = run(
                chartpack_command(&dir, &config),
                &["pull", &remote, "--version", &version, "--plain-http", "-d", path_str(pulled)],
            );
            if !pull.status.success() {
                return Err(format!("{id}: chartpack pull of {reference} failed: {}", error_line(&text(&pull.stderr))));
            }
            if only_file(pulled) != (file, bytes) {
                return Err(format!("{id}: chartpack pulled other bytes than helm pushed ({reference})"));
            }
            outcomes.lock().expect("lock").push((id.clone(), "both ways"));
        } else {
            outcomes.lock().expect("lock").push((id.clone(), "chartpack push, helm pull"));
        }
        Ok(())
    });
    let outcomes = outcomes.into_inner().expect("lock");
    let count = |what: &str| outcomes.iter().filter(|(_, o)| *o == what).count();
    eprintln!(
        "corpus over OCI: {} charts; chartpack push → helm pull {}, of which also helm push → chartpack pull {}; \
         not packaged by helm {}; {:?}",
        ids.len(),
        count("chartpack push, helm pull") + count("both ways"),
        count("both ways"),
        count("not packaged by helm"),
        started.elapsed()
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    assert!(count("both ways") >= 3, "too few charts went both ways: {outcomes:?}");
}

// ---------------------------------------------------------------------------------------------
// 4. Corrupt and oversized answers: the pull fails, naming the problem, and writes nothing.
// ---------------------------------------------------------------------------------------------

#[test]
fn corrupt_or_oversized_answers_fail_the_pull_and_write_nothing() {
    let Some(helm) = Helm::find("faults") else { return };
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let work = TempDir::new("faults");
    let w = work.path();
    let config = w.join("registry.json");
    create_chart(&helm, w, "demo", 0);
    let archive = helm_package(&helm, w, "demo", w, &[]);
    let bytes = std::fs::read(&archive).expect("read");
    let blob = Digest::of(&bytes).to_string();
    ok(
        &helm_with(
            &helm,
            w,
            &config,
            &["push", path_str(&archive), &format!("oci://{}/charts", registry.host()), "--plain-http"],
        ),
        "helm push",
    );

    let cases: [(&str, Rule, &[&str]); 3] = [
        ("wrong chart blob", Rule::new("GET", &format!("/blobs/{blob}"), Fault::WrongBody), &["digest", &blob]),
        (
            "oversized manifest",
            Rule::new("GET", "/manifests/0.1.0", Fault::Oversize((4 << 20) + 1)),
            &["manifest", "4194304-byte limit"],
        ),
        (
            "oversized chart blob",
            Rule::new("GET", &format!("/blobs/{blob}"), Fault::Oversize(bytes.len() + 1000)),
            &[&blob, &format!("the descriptor says {}", bytes.len())],
        ),
    ];
    for (i, (what, rule, words)) in cases.into_iter().enumerate() {
        let kind = rule.fault.kind();
        let relay = FaultRelay::start(&registry.host(), FaultPlan::new().rule(rule));
        let remote = format!("oci://{}/charts/demo", relay.host());
        let ours = &mkdir(w.join(format!("ours-{i}")));
        let out = run(
            chartpack_command(w, &config),
            &["pull", &remote, "--version", "0.1.0", "--plain-http", "-d", path_str(ours)],
        );
        let stderr = failed(&out, what);
        let error = error_line(&stderr);
        for word in words {
            assert!(error.contains(word), "{what}: {word:?} not in {error:?}");
        }
        assert_eq!(file_names(ours), Vec::<String>::new(), "{what}: chartpack wrote a file");
        assert!(relay.faults(kind) >= 1, "{what}: the fault was not hit: {:#?}", relay.log());
        // helm refuses the same answers.
        let theirs = &mkdir(w.join(format!("helm-{i}")));
        let out = helm_with(
            &helm,
            w,
            &config,
            &["pull", &remote, "--version", "0.1.0", "--plain-http", "-d", path_str(theirs)],
        );
        let helm_error = error_line(&text(&out.stderr));
        assert!(!out.status.success(), "{what}: helm accepted it");
        assert_eq!(file_names(theirs), Vec::<String>::new(), "{what}: helm wrote a file");
        eprintln!("{what}:\n  chartpack: {error}\n  helm:      {helm_error}");
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Auth: foreign token realms, wrong passwords, logout.
// ---------------------------------------------------------------------------------------------

#[test]
fn foreign_token_realm_never_gets_the_password_unless_trusted() {
    let Some(helm) = Helm::find("realm") else { return };
    let Some(registry) = Registry::start(RegistryAuth::token_with_realm_host("chartpack", "pw-realm", "localhost"))
    else {
        return;
    };
    let work = TempDir::new("realm");
    let w = work.path();
    let config = w.join("registry.json");
    let host = registry.host();
    let login = ["registry", "login", host.as_str(), "-u", "chartpack", "--password-stdin", "--plain-http"];
    let no_basic = |what: &str| {
        let log = registry.token_log();
        assert!(log.iter().all(|r| r.authorization != "basic"), "{what}: credentials went to the realm: {log:#?}");
    };

    // Untrusted: the realm (http://localhost:PORT) is another origin than 127.0.0.1:PORT, so the
    // token is asked for anonymously, and the login fails: nobody checked the password.
    let out = run_with_stdin(chartpack_command(w, &config), &login, "pw-realm");
    no_basic("login");
    let error = error_line(&failed(&out, "login without trusting the realm"));
    assert!(error.contains("login not verified") && error.contains("--trust-realm localhost"), "{error}");
    assert!(!config.exists(), "nothing stored after a failed login");
    create_chart(&helm, w, "demo", 0);
    let archive = helm_package(&helm, w, "demo", w, &[]);
    let target = format!("oci://{host}/charts");
    let push = ["push", path_str(&archive), target.as_str(), "--plain-http"];
    let args = [&push[..], &["--username", "chartpack", "--password", "pw-realm"]].concat();
    let error = error_line(&failed(&run(chartpack_command(w, &config), &args), "push without trusting the realm"));
    no_basic("push");
    assert!(error.contains(&format!("{host}/charts/demo")), "{error}");
    eprintln!("foreign realm, untrusted push: {error}");

    // Trusted: the password goes to the realm, and login and push succeed.
    let trusted = [&login[..], &["--trust-realm", "localhost"]].concat();
    let out = run_with_stdin(chartpack_command(w, &config), &trusted, "pw-realm");
    assert_eq!(logged_in(&out, "login trusting the realm"), "Login Succeeded");
    let log = registry.token_log();
    assert!(log.iter().any(|r| r.authorization == "basic" && r.user == "chartpack" && r.status == 200), "{log:#?}");
    assert!(std::fs::read_to_string(&config).expect("stored").contains(&format!("\"{host}\"")));
    let out = run(chartpack_command(w, &config), &[&push[..], &["--trust-realm", "localhost"]].concat());
    ok(&out, "push trusting the realm");
}

#[test]
fn wrong_password_fails_and_a_logged_out_pull_says_to_log_in() {
    let Some(helm) = Helm::find("auth-errors") else { return };
    for auth in [RegistryAuth::basic("chartpack", "right-pw"), RegistryAuth::token("chartpack", "right-pw")] {
        let Some(registry) = Registry::start(auth.clone()) else { return };
        let work = TempDir::new("auth-errors");
        let w = work.path();
        let config = w.join("registry.json");
        let host = registry.host();
        let login = ["registry", "login", host.as_str(), "-u", "chartpack", "--password-stdin", "--plain-http"];

        let out = run_with_stdin(chartpack_command(w, &config), &login, "wrong-pw");
        let error = error_line(&failed(&out, "login with a wrong password"));
        assert!(error.contains(&host), "{auth:?}: {error}");
        assert!(error.contains("unauthorized"), "{auth:?}: {error}");
        assert!(error.ends_with("check the username and password"), "{auth:?}: {error}");
        assert!(!config.exists(), "{auth:?}: a refused login wrote the registry config");
        let helm_login = [&login[..], &["--registry-config", "helm.json"]].concat();
        let helm_out = run_with_stdin(helm.command(w), &helm_login, "wrong-pw");
        assert_eq!(helm_out.status.code(), Some(1), "helm's exit code for a wrong password");
        eprintln!(
            "{auth:?}: wrong password:\n  chartpack: {error}\n  helm:      {}",
            error_line(&text(&helm_out.stderr))
        );

        let out = run_with_stdin(chartpack_command(w, &config), &login, "right-pw");
        assert_eq!(logged_in(&out, "login"), "Login Succeeded");
        create_chart(&helm, w, "demo", 0);
        let archive = helm_package(&helm, w, "demo", w, &[]);
        let out = run(
            chartpack_command(w, &config),
            &["push", path_str(&archive), &format!("oci://{host}/charts"), "--plain-http"],
        );
        ok(&out, "push while logged in");

        let out = run(chartpack_command(w, &config), &["registry", "logout", &host]);
        ok(&out, "logout");
        assert!(text(&out.stderr).contains(&format!("Removing login credentials for {host}")));
        assert!(!std::fs::read_to_string(&config).expect("config").contains(&host), "logout left the entry");
        let dir = &mkdir(w.join("out"));
        let remote = format!("oci://{host}/charts/demo");
        let out = run(
            chartpack_command(w, &config),
            &["pull", &remote, "--version", "0.1.0", "--plain-http", "-d", path_str(dir)],
        );
        let error = error_line(&failed(&out, "pull after logout"));
        assert!(error.contains(&format!("run `chartpack registry login {host}`")), "{auth:?}: {error}");
        assert_eq!(file_names(dir), Vec::<String>::new());
        eprintln!("{auth:?}: after logout: {error}");
    }
}

// ---------------------------------------------------------------------------------------------
// 6. The library: request counts against helm's, re-push, chunked uploads.
// ---------------------------------------------------------------------------------------------

fn client(host: &str, options: ClientOptions) -> RegistryClient<NativeTransport> {
    let transport = NativeTransport::new(&TlsOptions::default()).expect("transport");
    RegistryClient::new(transport, host, None, ClientOptions { plain_http: true, ..options }).expect("client")
}

#[test]
fn library_push_needs_fewer_requests_than_helm_and_a_re_push_uploads_nothing() {
    let Some(helm) = Helm::find("lib-counts") else { return };
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let relay = FaultRelay::start(&registry.host(), FaultPlan::new());
    let work = TempDir::new("lib-counts");
    let w = work.path();
    create_chart(&helm, w, "big", 96 << 10); // an archive over the 64 KiB small-blob size
    let archive_path = helm_package(&helm, w, "big", w, &[]);
    let archive = std::fs::read(&archive_path).expect("read");
    assert!(archive.len() > 64 << 10, "archive of {} bytes", archive.len());

    // helm's count for the same 2-blob chart to a fresh repository.
    let (out, helm_push) = cost(&relay, &registry, || {
        helm_with(
            &helm,
            w,
            &w.join("registry.json"),
            &["push", path_str(&archive_path), &format!("oci://{}/helm", relay.host()), "--plain-http"],
        )
    });
    ok(&out, "helm push");

    let created = format_created(EPOCH as i64, 0);
    let artifact = build_chart_artifact(&archive, "big-0.1.0.tgz", None, &created).expect("artifact");
    let reference = push_reference(&format!("oci://{}/lib", registry.host()), "big", "0.1.0").expect("reference");
    let first = client(&registry.host(), ClientOptions::default());
    let pushed = block_on(first.push_chart(&reference, &artifact, &archive, None, None)).expect("push");
    let requests = pushed.stats.requests as usize;
    eprintln!(
        "library push of a 2-blob chart ({} bytes): {requests} requests; helm: {}",
        archive.len(),
        helm_push.requests
    );
    assert!(requests < helm_push.requests, "chartpack {requests} requests, helm {}", helm_push.requests);
    assert_eq!(pushed.manifest_digest, artifact.manifest_digest);
    let chart_digest = Digest::of(&archive);
    let outcome = |p: &chartpack_oci::client::PushedChart, d: &Digest| {
        p.uploads.iter().find(|(digest, _)| digest == d).map(|(_, o)| *o).expect("uploaded")
    };
    assert_ne!(outcome(&pushed, &chart_digest), UploadOutcome::Existed);

    // A second push of the same chart (new client, as a new command would) skips the uploads.
    let second = client(&registry.host(), ClientOptions::default());
    let again = block_on(second.push_chart(&reference, &artifact, &archive, None, None)).expect("re-push");
    assert_eq!(outcome(&again, &chart_digest), UploadOutcome::Existed);
    eprintln!("library re-push: {} requests, uploads {:?}", again.stats.requests, again.uploads);
    assert!(again.stats.bytes_sent < archive.len() as u64, "re-push sent {} bytes", again.stats.bytes_sent);
    assert!(again.stats.requests < pushed.stats.requests, "{:?} vs {:?}", again.stats, pushed.stats);

    let pulled = block_on(second.pull_chart(&reference, None, false, None)).expect("pull");
    assert_eq!(pulled.archive, archive);
    assert_eq!(pulled.file_name, "big-0.1.0.tgz");
    eprintln!("library pull: {} requests in all on that client", pulled.stats.requests - again.stats.requests);
}

#[test]
fn chunked_upload_is_pulled_byte_identical_by_helm() {
    let Some(helm) = Helm::find("chunked") else { return };
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let work = TempDir::new("chunked");
    let w = work.path();
    create_chart(&helm, w, "chunky", 100 << 10);
    let archive_path = helm_package(&helm, w, "chunky", w, &[]);
    let archive = std::fs::read(&archive_path).expect("read");
    let created = format_created(EPOCH as i64, 0);
    let artifact = build_chart_artifact(&archive, "chunky-0.1.0.tgz", None, &created).expect("artifact");
    let reference = push_reference(&format!("oci://{}/chunks", registry.host()), "chunky", "0.1.0").expect("ref");
    let chunk_size = 4096u64;
    let pushing = client(&registry.host(), ClientOptions { chunk_size, ..ClientOptions::default() });
    let pushed = block_on(pushing.push_chart(&reference, &artifact, &archive, None, None)).expect("chunked push");
    let chart = pushed.uploads.iter().find(|(d, _)| *d == Digest::of(&archive)).map(|(_, o)| *o).expect("chart");
    let expected_chunks = (archive.len() as u64).div_ceil(chunk_size) as u32;
    assert_eq!(chart, UploadOutcome::Chunked(expected_chunks), "{} bytes in {chunk_size}-byte chunks", archive.len());
    eprintln!("chunked push of {} bytes: {chart:?}, {} requests", archive.len(), pushed.stats.requests);

    let dir = &mkdir(w.join("pulled"));
    let remote = format!("oci://{}/chunks/chunky", registry.host());
    let out = helm_with(
        &helm,
        w,
        &w.join("registry.json"),
        &["pull", &remote, "--version", "0.1.0", "--plain-http", "-d", path_str(dir)],
    );
    ok(&out, "helm pull of the chunked upload");
    assert_eq!(digest_line(&text(&out.stderr)), pushed.manifest_digest.to_string());
    assert_eq!(only_file(dir), ("chunky-0.1.0.tgz".to_owned(), archive));
}
