//! Registry faults end to end: the chartpack client (library and CLI) against the real
//! `distribution` registry through the fault relay. Pushes and pulls survive transient faults
//! (5xx bursts with and without `Retry-After`, dropped connections, truncated bodies, stalls)
//! and fail cleanly on persistent ones: no tag left behind, no partial archive on disk.
//!
//! Every test prints one `FAULTS` line with the faults it injected and what the client did
//! (`cargo test -p chartpack-e2e --test oci_faults -- --nocapture 2>&1 | grep FAULTS`).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use chartpack_cli::transport::{NativeTransport, TlsOptions};
use chartpack_e2e::{
    chartpack_command, error_line, file_names, mkdir, ok, path_str, run, run_chartpack, text, Helm, TempDir,
};
use chartpack_oci::client::{
    self, ClientOptions, PulledChart, PushedChart, RegistryClient, RegistryError, RequestStats, UploadOutcome,
};
use chartpack_oci::digest::Digest;
use chartpack_oci::manifest::build_chart_artifact;
use chartpack_oci::reference::{push_reference, Reference};
use chartpack_testkit::http;
use chartpack_testkit::{Fault, FaultKind, FaultPlan, FaultRelay, Registry, RegistryAuth, Rule};

/// Timeout of the test's own direct requests to the registry.
const T: Duration = Duration::from_secs(10);
/// Incompressible bytes in the test chart: a chart blob of about 1 MiB, large enough that the
/// relay cuts a body mid-way and that the archive is not a "small blob" (it gets a `HEAD` first).
const NOISE_BYTES: usize = 1 << 20;
/// The `created` annotation of every pushed artifact.
const CREATED: &str = "2026-01-01T00:00:00Z";
/// The chart's repository and tag.
const REPOSITORY: &str = "charts/demo";
const TAG: &str = "0.1.0";

const ALL_KINDS: [FaultKind; 7] = [
    FaultKind::Status,
    FaultKind::DropMidRequestBody,
    FaultKind::DropMidResponseBody,
    FaultKind::TruncateBody,
    FaultKind::Stall,
    FaultKind::WrongBody,
    FaultKind::Oversize,
];

// ---------------------------------------------------------------------------------------------
// Plumbing

/// `demo-0.1.0.tgz`, packaged once by the chartpack binary (`--reproducible`): a chart with a
/// config map and 1 MiB of pseudo-random bytes.
fn archive() -> &'static [u8] {
    static ARCHIVE: OnceLock<Vec<u8>> = OnceLock::new();
    ARCHIVE.get_or_init(|| {
        let work = TempDir::new("faults-chart");
        let chart = work.path().join("demo");
        std::fs::create_dir_all(chart.join("templates")).expect("mkdir templates");
        std::fs::create_dir_all(chart.join("files")).expect("mkdir files");
        let chart_yaml = "apiVersion: v2\nname: demo\nversion: 0.1.0\ndescription: fault relay test chart\n";
        std::fs::write(chart.join("Chart.yaml"), chart_yaml).expect("write Chart.yaml");
        std::fs::write(chart.join("values.yaml"), "replicas: 1\n").expect("write values.yaml");
        let template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n";
        std::fs::write(chart.join("templates/configmap.yaml"), template).expect("write template");
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let noise: Vec<u8> = (0..NOISE_BYTES)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 32) as u8
            })
            .collect();
        std::fs::write(chart.join("files/noise.bin"), noise).expect("write noise");
        let out = run_chartpack(work.path(), &["package", "demo", "-d", "out", "--reproducible"]);
        ok(&out, "chartpack package");
        let bytes = std::fs::read(work.path().join("out/demo-0.1.0.tgz")).expect("packaged archive");
        assert!(bytes.len() > NOISE_BYTES, "the noise did not stay incompressible: {} bytes", bytes.len());
        bytes
    })
}

/// The hex digest of the chart archive: in its blob's URLs, so a rule can single it out.
fn archive_hex() -> String {
    Digest::of(archive()).hex().to_owned()
}

/// The options of the tests: plain HTTP, the default 4 retries, short backoffs.
fn options() -> ClientOptions {
    ClientOptions { plain_http: true, retries: 4, backoff: Duration::from_millis(10), ..ClientOptions::default() }
}

fn client(host: &str, options: ClientOptions) -> RegistryClient<NativeTransport> {
    let transport = NativeTransport::new(&TlsOptions::default()).expect("native transport");
    RegistryClient::new(transport, host, None, options).expect("registry client")
}

/// Pushes the test chart to `oci://HOST/charts`: the outcome and the client's counters.
fn push(host: &str, options: ClientOptions) -> (Result<PushedChart, RegistryError>, RequestStats) {
    let archive = archive();
    let artifact = build_chart_artifact(archive, "demo-0.1.0.tgz", None, CREATED).expect("chart artifact");
    let reference =
        push_reference(&format!("oci://{host}/charts"), &artifact.name, &artifact.version).expect("push reference");
    assert_eq!((reference.repository.as_str(), reference.tag.as_deref()), (REPOSITORY, Some(TAG)));
    let client = client(host, options);
    let result = client::block_on(client.push_chart(&reference, &artifact, archive, None, None));
    (result, client.stats())
}

/// Pulls `oci://HOST/charts/demo --version 0.1.0`: the outcome and the client's counters.
fn pull(host: &str, options: ClientOptions) -> (Result<PulledChart, RegistryError>, RequestStats) {
    let reference = Reference::parse(&format!("oci://{host}/{REPOSITORY}")).expect("pull reference");
    let client = client(host, options);
    let result = client::block_on(client.pull_chart(&reference, Some(TAG), false, None));
    (result, client.stats())
}

/// A registry with nothing in it, or `None` (with a note) when `docker-registry` is missing.
fn empty_registry() -> Option<Registry> {
    Registry::start(RegistryAuth::None)
}

/// A registry holding the test chart, pushed straight to it (not through any relay).
fn registry_with_chart() -> Option<Registry> {
    let registry = empty_registry()?;
    let (pushed, _) = push(&registry.host(), options());
    pushed.expect("push straight to the registry");
    Some(registry)
}

/// The pull is the chart that was pushed, bit for bit, under helm's file name.
#[track_caller]
fn assert_pulled(pulled: &PulledChart) {
    assert!(pulled.archive == archive(), "pulled archive differs from the pushed one");
    assert_eq!(pulled.file_name, "demo-0.1.0.tgz");
    assert!(Digest::of(&pulled.archive).hex() == archive_hex());
}

/// The registry holds the test chart under its tag: pulled straight from it (bypassing the relay)
/// by chartpack and, when there is one, by the real helm; both get the pushed archive's bytes.
#[track_caller]
fn assert_stored(registry: &Registry, label: &str) {
    let (pulled, _) = pull(&registry.host(), options());
    assert_pulled(&pulled.expect("chartpack pull straight from the registry"));
    let Some(helm) = Helm::find(label) else { return };
    let work = TempDir::new(label);
    let reference = format!("oci://{}/{REPOSITORY}", registry.host());
    let dir = path_str(work.path());
    ok(&helm.run(work.path(), &["pull", &reference, "--version", TAG, "--plain-http", "-d", dir]), "helm pull");
    let bytes = std::fs::read(work.path().join("demo-0.1.0.tgz")).expect("helm's pulled archive");
    assert!(bytes == archive(), "helm pulled an archive that differs from the pushed one");
}

/// The tag does not exist in the registry, asked directly (not through the relay).
#[track_caller]
fn assert_tag_absent(registry: &Registry) {
    let accept = [("Accept", chartpack_oci::media::MANIFEST)];
    let target = format!("/v2/{REPOSITORY}/manifests/{TAG}");
    let reply = http::request(&registry.host(), "GET", &target, &accept, b"", T).expect("GET manifest");
    assert_eq!(reply.status, 404, "the tag exists after a failed push: {}", reply.text());
    let tags = http::request(&registry.host(), "GET", &format!("/v2/{REPOSITORY}/tags/list"), &[], b"", T)
        .expect("GET tags/list");
    assert!(
        tags.status == 404 || (tags.status == 200 && !tags.text().contains(&format!("\"{TAG}\""))),
        "tag list after a failed push: {} {}",
        tags.status,
        tags.text()
    );
}

/// The client never sent a manifest: a push that fails on a blob never writes the tag.
#[track_caller]
fn assert_no_manifest_put(relay: &FaultRelay) {
    let log = relay.log();
    assert!(!log.iter().any(|r| r.method == "PUT" && r.target.contains("/manifests/")), "manifest PUT sent: {log:#?}");
}

/// Every request the client counted went through the relay, once (no hidden transport retries).
#[track_caller]
fn assert_counts_match(relay: &FaultRelay, stats: &RequestStats) {
    assert_eq!(stats.requests as usize, relay.requests(), "client counted {stats:?}; relay log {:#?}", relay.log());
}

/// The `FAULTS` line of a test: faults injected by kind, whether the operation survived them,
/// and what it cost.
fn report(test: &str, relay: &FaultRelay, stats: Option<&RequestStats>, elapsed: Duration, outcome: &str) {
    let kinds: Vec<String> =
        ALL_KINDS.iter().filter(|k| relay.faults(**k) > 0).map(|k| format!("{k:?} x{}", relay.faults(*k))).collect();
    let client = match stats {
        Some(s) => format!("client {} requests, {} retries", s.requests, s.retries),
        None => "CLI".to_owned(),
    };
    eprintln!(
        "FAULTS {test}: injected {} [{}], {outcome}; {client}; relay saw {} requests; {:.2}s",
        relay.faults_total(),
        kinds.join(", "),
        relay.requests(),
        elapsed.as_secs_f64()
    );
}

/// Pushes through a relay with `plan` to an empty registry; the push must succeed, survive every
/// injected fault, and leave the chart in the registry.
fn push_survives(
    test: &str,
    plan: FaultPlan,
    options: ClientOptions,
) -> Option<(FaultRelay, PushedChart, RequestStats, Duration)> {
    let registry = empty_registry()?;
    let relay = FaultRelay::start(&registry.host(), plan);
    let started = Instant::now();
    let (result, stats) = push(&relay.host(), options);
    let elapsed = started.elapsed();
    let pushed = result.unwrap_or_else(|e| panic!("push through the relay failed: {e}\n{:#?}", relay.log()));
    assert!(relay.faults_total() > 0, "no fault injected: {:#?}", relay.log());
    assert_counts_match(&relay, &stats);
    assert_stored(&registry, test);
    report(test, &relay, Some(&stats), elapsed, &format!("survived {}", relay.faults_total()));
    Some((relay, pushed, stats, elapsed))
}

/// Pushes through a relay with `plan` to an empty registry; the push must fail, leave no tag
/// behind, and its error is returned (printed, for the record).
fn push_fails(test: &str, plan: FaultPlan) -> Option<(FaultRelay, RegistryError)> {
    let registry = empty_registry()?;
    let relay = FaultRelay::start(&registry.host(), plan);
    let started = Instant::now();
    let (result, stats) = push(&relay.host(), options());
    let elapsed = started.elapsed();
    let error = match result {
        Ok(pushed) => panic!("push through a persistent fault succeeded: {pushed:?}\n{:#?}", relay.log()),
        Err(e) => e,
    };
    eprintln!("{test}: push failed with [{}] {error}", error.code());
    assert_counts_match(&relay, &stats);
    assert_tag_absent(&registry);
    report(test, &relay, Some(&stats), elapsed, "failed cleanly, no tag");
    Some((relay, error))
}

/// Pulls through a relay with `plan` from a registry holding the chart; the pull must succeed,
/// survive every injected fault, and give the pushed archive.
fn pull_survives(test: &str, plan: FaultPlan) -> Option<(FaultRelay, RequestStats, Duration)> {
    let registry = registry_with_chart()?;
    let relay = FaultRelay::start(&registry.host(), plan);
    let started = Instant::now();
    let (result, stats) = pull(&relay.host(), options());
    let elapsed = started.elapsed();
    let pulled = result.unwrap_or_else(|e| panic!("pull through the relay failed: {e}\n{:#?}", relay.log()));
    assert_pulled(&pulled);
    assert!(relay.faults_total() > 0, "no fault injected: {:#?}", relay.log());
    assert_counts_match(&relay, &stats);
    report(test, &relay, Some(&stats), elapsed, &format!("survived {}", relay.faults_total()));
    Some((relay, stats, elapsed))
}

/// Index of the first logged request matching `pred`, at or after `from`.
fn find(
    relay: &FaultRelay,
    from: usize,
    pred: impl Fn(&chartpack_testkit::fault_relay::RelayedRequest) -> bool,
) -> Option<usize> {
    relay.log().iter().enumerate().skip(from).find(|(_, r)| pred(r)).map(|(i, _)| i)
}

/// After the faulted request, the upload started over (`POST .../blobs/uploads/`) and the
/// archive's blob was then stored (`PUT ...digest=<archive> -> 201`).
#[track_caller]
fn assert_upload_restarted(relay: &FaultRelay, kind: FaultKind) {
    let hex = archive_hex();
    let log = relay.log();
    let faulted = find(relay, 0, |r| r.fault == Some(kind)).expect("faulted request in the log");
    let restart = find(relay, faulted + 1, |r| r.method == "POST" && r.target.contains("/blobs/uploads/"))
        .unwrap_or_else(|| panic!("no new upload after the fault: {log:#?}"));
    find(relay, restart + 1, |r| r.method == "PUT" && r.target.contains(&hex) && r.status == Some(201))
        .unwrap_or_else(|| panic!("the restarted upload did not store the blob: {log:#?}"));
}

// ---------------------------------------------------------------------------------------------
// 1. A push survives transient faults

#[test]
fn push_survives_503_burst_on_upload_start() {
    // `small_blob: 0`: every upload starts with a plain, retryable POST (after a HEAD).
    let plan = FaultPlan::new().rule(Rule::new("POST", "/blobs/uploads/", Fault::Status(503, None)).times(3));
    let options = ClientOptions { small_blob: 0, ..options() };
    let Some((relay, _, stats, _)) = push_survives("push_survives_503_burst_on_upload_start", plan, options) else {
        return;
    };
    assert_eq!(relay.faults(FaultKind::Status), 3);
    assert_eq!(stats.retries, 3, "each 503 retried once by the session");
}

#[test]
fn push_honours_retry_after_on_upload_start() {
    let plan = FaultPlan::new().rule(Rule::new("POST", "/blobs/uploads/", Fault::Status(503, Some(1))).times(1));
    let options = ClientOptions { small_blob: 0, ..options() };
    let Some((relay, _, stats, elapsed)) = push_survives("push_honours_retry_after_on_upload_start", plan, options)
    else {
        return;
    };
    assert_eq!((relay.faults(FaultKind::Status), stats.retries), (1, 1));
    assert!(elapsed >= Duration::from_secs(1), "Retry-After: 1 not honoured (backoff is 10 ms): {elapsed:?}");
}

#[test]
fn push_restarts_single_request_upload_after_503() {
    // Default options: the first (small) blob goes up as `POST ?digest=` with its body, which is
    // not retried as such; a transient failure restarts the whole upload instead.
    let plan = FaultPlan::new().rule(Rule::new("POST", "uploads/?digest=", Fault::Status(503, None)).times(2));
    let test = "push_restarts_single_request_upload_after_503";
    let Some((relay, _, stats, _)) = push_survives(test, plan, options()) else { return };
    assert_eq!(relay.faults(FaultKind::Status), 2);
    let log = relay.log();
    let single_posts = log.iter().filter(|r| r.method == "POST" && r.target.contains("uploads/?digest=")).count();
    assert_eq!(single_posts, 3, "two restarts: {log:#?}");
    eprintln!("{test}: client stats count {} retries for 2 upload restarts", stats.retries);
}

#[test]
fn push_survives_503_burst_on_manifest_put() {
    let plan = FaultPlan::new()
        .rule(Rule::new("PUT", "/manifests/", Fault::Status(503, None)).times(1))
        .rule(Rule::new("PUT", "/manifests/", Fault::Status(503, Some(1))).skip(1).times(1));
    let Some((relay, pushed, stats, elapsed)) =
        push_survives("push_survives_503_burst_on_manifest_put", plan, options())
    else {
        return;
    };
    assert_eq!((relay.faults(FaultKind::Status), stats.retries), (2, 2));
    assert!(elapsed >= Duration::from_secs(1), "Retry-After: 1 not honoured: {elapsed:?}");
    let manifest_puts: Vec<_> = relay.log().into_iter().filter(|r| r.target.contains("/manifests/")).collect();
    assert_eq!(manifest_puts.len(), 3, "{manifest_puts:#?}");
    assert_eq!(manifest_puts[2].status, Some(201));
    assert_eq!(pushed.uploads.len(), 2);
}

#[test]
fn push_restarts_upload_after_connection_dropped_mid_blob_put() {
    let plan = FaultPlan::new().rule(Rule::new("PUT", &archive_hex(), Fault::DropMidRequestBody).times(1));
    let test = "push_restarts_upload_after_connection_dropped_mid_blob_put";
    let Some((relay, pushed, _, _)) = push_survives(test, plan, options()) else { return };
    assert_eq!(relay.faults(FaultKind::DropMidRequestBody), 1);
    assert_upload_restarted(&relay, FaultKind::DropMidRequestBody);
    let archive_upload = pushed.uploads.iter().find(|(d, _)| d.hex() == archive_hex()).expect("archive upload");
    assert_eq!(archive_upload.1, UploadOutcome::PostPut);
}

#[test]
fn push_restarts_upload_after_connection_dropped_mid_chunk() {
    // 256 KiB chunks: the 1 MiB archive goes up in PATCHes; the third is cut off.
    let options = ClientOptions { chunk_size: 256 << 10, ..options() };
    let plan = FaultPlan::new().rule(Rule::new("PATCH", "/blobs/uploads/", Fault::DropMidRequestBody).skip(2).times(1));
    let test = "push_restarts_upload_after_connection_dropped_mid_chunk";
    let Some((relay, pushed, _, _)) = push_survives(test, plan, options) else { return };
    assert_eq!(relay.faults(FaultKind::DropMidRequestBody), 1);
    assert_upload_restarted(&relay, FaultKind::DropMidRequestBody);
    let chunks = archive().len().div_ceil(256 << 10) as u32;
    let archive_upload = pushed.uploads.iter().find(|(d, _)| d.hex() == archive_hex()).expect("archive upload");
    assert_eq!(archive_upload.1, UploadOutcome::Chunked(chunks), "the restart sent every chunk again");
    let patches = relay.log().iter().filter(|r| r.method == "PATCH").count();
    assert_eq!(patches, 3 + chunks as usize, "2 accepted + 1 cut off, then all again");
}

#[test]
fn push_survives_500_on_blob_head() {
    // The archive is over `small_blob`: the client asks with HEAD whether the registry has it.
    let plan = FaultPlan::new().rule(Rule::new("HEAD", "/blobs/", Fault::Status(500, None)).times(2));
    let Some((relay, _, stats, _)) = push_survives("push_survives_500_on_blob_head", plan, options()) else {
        return;
    };
    assert_eq!((relay.faults(FaultKind::Status), stats.retries), (2, 2));
}

// ---------------------------------------------------------------------------------------------
// 2. A push fails cleanly on persistent faults

#[test]
fn push_fails_cleanly_on_persistent_503_on_blob_put() {
    let plan = FaultPlan::new().rule(Rule::new("PUT", "/blobs/uploads/", Fault::Status(503, None)));
    let Some((relay, error)) = push_fails("push_fails_cleanly_on_persistent_503_on_blob_put", plan) else { return };
    let text = error.to_string();
    assert_eq!(error.code(), "http_status");
    assert!(text.starts_with(&format!("PUT http://{}/v2/{REPOSITORY}/blobs/uploads/", relay.host())), "{text}");
    assert!(text.contains("digest=sha256%3A"), "the URL names the blob: {text}");
    assert!(text.contains("failed with HTTP 503: unavailable"), "{text}");
    assert_eq!(relay.faults(FaultKind::Status), 5, "1 + retries (4) upload attempts: {:#?}", relay.log());
    assert_no_manifest_put(&relay);
}

#[test]
fn push_fails_cleanly_on_persistently_dropped_blob_put() {
    let plan = FaultPlan::new().rule(Rule::new("PUT", &archive_hex(), Fault::DropMidRequestBody));
    let Some((relay, error)) = push_fails("push_fails_cleanly_on_persistently_dropped_blob_put", plan) else {
        return;
    };
    let text = error.to_string();
    assert_eq!(error.code(), "transport", "{text}");
    assert!(text.starts_with(&format!("PUT http://{}/v2/{REPOSITORY}/blobs/uploads/", relay.host())), "{text}");
    assert!(text.contains(&archive_hex()) && text.contains("connection"), "{text}");
    assert_eq!(relay.faults(FaultKind::DropMidRequestBody), 5, "1 + retries (4) upload attempts: {:#?}", relay.log());
    assert_no_manifest_put(&relay);
}

#[test]
fn push_fails_cleanly_on_persistent_503_on_manifest_put() {
    let plan = FaultPlan::new().rule(Rule::new("PUT", "/manifests/", Fault::Status(503, None)));
    let Some((relay, error)) = push_fails("push_fails_cleanly_on_persistent_503_on_manifest_put", plan) else {
        return;
    };
    let text = error.to_string();
    assert_eq!(error.code(), "http_status");
    assert!(text.starts_with(&format!("PUT http://{}/v2/{REPOSITORY}/manifests/{TAG}", relay.host())), "{text}");
    assert!(text.contains("failed with HTTP 503"), "{text}");
    assert_eq!(relay.faults(FaultKind::Status), 5, "one try and 4 retries: {:#?}", relay.log());
}

// ---------------------------------------------------------------------------------------------
// 3. A pull survives transient faults

#[test]
fn pull_survives_503_burst_on_manifest_get() {
    let plan = FaultPlan::new().rule(Rule::new("GET", "/manifests/", Fault::Status(503, None)).times(3));
    let Some((relay, stats, _)) = pull_survives("pull_survives_503_burst_on_manifest_get", plan) else { return };
    assert_eq!((relay.faults(FaultKind::Status), stats.retries), (3, 3));
}

#[test]
fn pull_survives_503_burst_on_blob_get() {
    let hex = archive_hex();
    let plan = FaultPlan::new()
        .rule(Rule::new("GET", &hex, Fault::Status(503, None)).times(1))
        .rule(Rule::new("GET", &hex, Fault::Status(503, Some(1))).skip(1).times(1))
        .rule(Rule::new("GET", &hex, Fault::Status(502, None)).skip(2).times(1));
    let Some((relay, stats, elapsed)) = pull_survives("pull_survives_503_burst_on_blob_get", plan) else { return };
    assert_eq!((relay.faults(FaultKind::Status), stats.retries), (3, 3));
    assert!(elapsed >= Duration::from_secs(1), "Retry-After: 1 not honoured: {elapsed:?}");
}

/// Product bug (reported): `pull_blob` caps the whole response, error bodies included, at the
/// blob's size, so a 503 whose error body is larger than a small blob (the config: 90 bytes here)
/// is a non-retryable "registry sent 91 bytes, the descriptor says 90".
#[test]
fn pull_survives_503_on_small_config_blob_get() {
    let plan = FaultPlan::new().rule(Rule::new("GET", "/blobs/sha256:", Fault::Status(503, None)).times(1));
    let Some((relay, stats, _)) = pull_survives("pull_survives_503_on_small_config_blob_get", plan) else { return };
    assert_eq!((relay.faults(FaultKind::Status), stats.retries), (1, 1));
}

/// A server answering every request with a `307` to the same path on `target`, with the HTML
/// body Go's `http.Redirect` writes for a GET (as distribution does for storage redirects).
fn redirector(target: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind redirector");
    let host = listener.local_addr().expect("redirector address").to_string();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let Ok(clone) = conn.try_clone() else { continue };
            let mut reader = BufReader::new(clone);
            let mut start = String::new();
            let _ = reader.read_line(&mut start);
            let path = start.split(' ').nth(1).unwrap_or("/").to_owned();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let location = format!("http://{target}{path}");
            let body = format!("<a href=\"{location}\">Temporary Redirect</a>.\n\n");
            let _ = write!(
                conn,
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Type: text/html; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    host
}

/// Product bug (reported), same cause: a blob GET redirected with a body (Go's `http.Redirect`
/// writes one; Docker Hub, GHCR and S3-backed registries redirect blob GETs) fails when that body
/// is larger than the blob, as a chart's config blob usually is.
#[test]
fn pull_blob_follows_a_redirect_whose_body_is_larger_than_the_blob() {
    let Some(registry) = registry_with_chart() else { return };
    let front = redirector(registry.host());
    let artifact = build_chart_artifact(archive(), "demo-0.1.0.tgz", None, CREATED).expect("chart artifact");
    let client = client(&front, options());
    let archive_digest = Digest::of(archive());
    let got = client::block_on(client.pull_blob(REPOSITORY, &archive_digest, archive().len() as u64, None));
    assert!(got.expect("a large blob through the redirect") == archive());
    let config = &artifact.config_descriptor;
    let got = client::block_on(client.pull_blob(REPOSITORY, &config.digest, config.size, None));
    assert_eq!(got.expect("the config blob through the redirect"), artifact.config);
}

#[test]
fn pull_retries_response_dropped_mid_blob_body() {
    let plan = FaultPlan::new().rule(Rule::new("GET", &archive_hex(), Fault::DropMidResponseBody).times(2));
    let Some((relay, stats, _)) = pull_survives("pull_retries_response_dropped_mid_blob_body", plan) else { return };
    assert_eq!((relay.faults(FaultKind::DropMidResponseBody), stats.retries), (2, 2));
}

#[test]
fn pull_retries_truncated_blob_body() {
    let plan = FaultPlan::new()
        .rule(Rule::new("GET", &archive_hex(), Fault::TruncateBody).times(2))
        .rule(Rule::new("GET", "/manifests/", Fault::TruncateBody).times(1));
    let Some((relay, stats, _)) = pull_survives("pull_retries_truncated_blob_body", plan) else { return };
    assert_eq!((relay.faults(FaultKind::TruncateBody), stats.retries), (3, 3));
}

// ---------------------------------------------------------------------------------------------
// 4. `chartpack pull` never writes a partial or unverified archive

/// `chartpack pull` through a relay whose every answer for the archive's blob gets `fault`:
/// exit code 1, an `Error:` naming the blob, and an empty destination. Then, faults off, the
/// same command writes exactly the archive (so the emptiness was not for another reason).
fn cli_pull_writes_nothing(test: &str, fault: Fault, expect_in_message: &[&str]) {
    let Some(registry) = registry_with_chart() else { return };
    let kind = fault.kind();
    let relay = FaultRelay::start(&registry.host(), FaultPlan::new().rule(Rule::new("GET", &archive_hex(), fault)));
    let work = TempDir::new(test);
    let out_dir = mkdir(work.path().join("out"));
    let reference = format!("oci://{}/{REPOSITORY}", relay.host());
    let args = ["pull", &reference, "--version", TAG, "-d", "out", "--plain-http"];
    let cli_pull = || run(chartpack_command(work.path(), &work.path().join("registry.json")), &args);

    let started = Instant::now();
    let out = cli_pull();
    let elapsed = started.elapsed();
    let stderr = text(&out.stderr);
    eprintln!("{test}: exit {:?}, stderr: {}", out.status.code(), stderr.trim());
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    let line = error_line(&stderr);
    assert!(line.contains(&archive_hex()), "the message names the blob: {line}\n{stderr}");
    for part in expect_in_message {
        assert!(line.contains(part), "expected {part:?} in: {line}");
    }
    assert!(file_names(&out_dir).is_empty(), "pull left files behind: {:?}", file_names(&out_dir));
    assert!(relay.faults(kind) > 0, "{:#?}", relay.log());
    report(test, &relay, None, elapsed, "CLI failed with exit 1, nothing written");

    relay.set_plan(FaultPlan::new());
    ok(&cli_pull(), "chartpack pull without faults");
    assert_eq!(file_names(&out_dir), ["demo-0.1.0.tgz"], "exactly the archive, no temp files");
    assert!(std::fs::read(out_dir.join("demo-0.1.0.tgz")).expect("pulled archive") == archive());
}

#[test]
fn cli_pull_writes_nothing_on_persistent_truncated_body() {
    cli_pull_writes_nothing("cli_pull_writes_nothing_on_persistent_truncated_body", Fault::TruncateBody, &["GET "]);
}

#[test]
fn cli_pull_writes_nothing_on_persistent_wrong_body() {
    let expect = ["registry sent content with digest", "expected sha256:"];
    cli_pull_writes_nothing("cli_pull_writes_nothing_on_persistent_wrong_body", Fault::WrongBody, &expect);
}

#[test]
fn cli_pull_writes_nothing_on_persistent_dropped_body() {
    let test = "cli_pull_writes_nothing_on_persistent_dropped_body";
    cli_pull_writes_nothing(test, Fault::DropMidResponseBody, &["GET "]);
}

// ---------------------------------------------------------------------------------------------
// 5. A stall under the transport's timeout (30 s per read, not configurable) is waited out

#[test]
fn pull_completes_through_a_stall_under_the_timeout() {
    let stall = Duration::from_secs(2);
    let plan = FaultPlan::new().rule(Rule::new("GET", &archive_hex(), Fault::Stall(stall)).times(1));
    let Some((relay, stats, elapsed)) = pull_survives("pull_completes_through_a_stall_under_the_timeout", plan) else {
        return;
    };
    assert_eq!((relay.faults(FaultKind::Stall), stats.retries), (1, 0), "waited, not retried");
    assert!(elapsed >= stall, "{elapsed:?}");
}

#[test]
fn push_completes_through_a_stall_under_the_timeout() {
    let stall = Duration::from_secs(2);
    let plan = FaultPlan::new().rule(Rule::new("PUT", "/manifests/", Fault::Stall(stall)).times(1));
    let test = "push_completes_through_a_stall_under_the_timeout";
    let Some((relay, _, stats, elapsed)) = push_survives(test, plan, options()) else { return };
    assert_eq!((relay.faults(FaultKind::Stall), stats.retries), (1, 0), "waited, not retried");
    assert!(elapsed >= stall, "{elapsed:?}");
}
