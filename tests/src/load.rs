//! A mixed registry workload, shared by the proxy's load test (`tests/proxy_load.rs`) and its
//! benchmark (`src/bin/bench_proxy.rs`): worker threads each push distinct charts (every byte
//! unique, so a lost or crossed blob would show), pull them back by version, range and digest,
//! fetch their manifests, list their tags, ask for blobs that exist and blobs that do not, and
//! pull one shared chart; every answer is checked against what was pushed.

use std::cell::RefCell;
use std::future::Future;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use chartpack::chart::{load_files, ChartFile, Timestamp, DEFAULT_LOAD_LIMITS};
use chartpack::{package, PackageOptions};
use chartpack_cli::transport::{NativeTransport, TlsOptions};
use chartpack_oci::client::{block_on, ClientOptions, RegistryClient, UploadOutcome};
use chartpack_oci::digest::Digest;
use chartpack_oci::http::{Request, Response, Transport, TransportError};
use chartpack_oci::manifest::{build_chart_artifact, ChartArtifact};
use chartpack_oci::reference::{push_reference, Reference};

/// The size of the workload.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Concurrent worker threads, one client (and its connections) each.
    pub workers: usize,
    /// Small charts each worker pushes (versions `1.0.0`, `1.0.1`, ...).
    pub charts_per_worker: usize,
    /// Random data in a worker's first small chart; the k-th holds `(k + 1)` times this, so
    /// archives fall on both sides of the client's 64 KiB "ask first" size.
    pub chart_bytes: usize,
    /// Workers `0..large_charts` also push a large chart (version `2.0.0`).
    pub large_charts: usize,
    /// Random data in a large chart (split into files below helm's 5 MiB per-file limit).
    pub large_bytes: usize,
    /// The clients' upload chunk size: larger blobs go up in `PATCH` chunks of this size.
    pub chunk_size: u64,
    /// Pulls of the shared chart per worker.
    pub shared_pulls: usize,
}

/// Where the clients send their requests.
#[derive(Debug, Clone)]
pub struct Target {
    /// The registry, `127.0.0.1:PORT`.
    pub registry: String,
    /// `None` for the registry itself, or a proxy endpoint (`http://127.0.0.1:P/r/HOST`).
    pub endpoint: Option<String>,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Wall time of the workers' phase (charts are packaged and the shared chart pushed before).
    pub elapsed: Duration,
    /// HTTP requests the workers made.
    pub requests: u64,
    /// Requests repeated after a transient failure (the clients never retry: always 0 unless a
    /// client was built with retries).
    pub retries: u64,
    /// Request and response body bytes moved.
    pub bytes: u64,
    /// Each request's time, from sending to its response body read, sorted.
    pub latencies: Vec<Duration>,
    /// One line per failed worker (a worker stops at its first failure); empty when all passed.
    pub failures: Vec<String>,
}

impl Outcome {
    /// Requests per second of the workers' phase.
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `p`-th percentile (0..=100) of the request times.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let at = ((self.latencies.len() - 1) as f64 * p / 100.0).round() as usize;
        self.latencies[at]
    }
}

/// A packaged chart and what `helm push` would upload for it.
#[derive(Debug, Clone)]
pub struct TestChart {
    /// The `.tgz` bytes.
    pub archive: Vec<u8>,
    /// The manifest, config and layer descriptors.
    pub artifact: ChartArtifact,
}

impl TestChart {
    /// The chart layer's digest.
    pub fn archive_digest(&self) -> Digest {
        Digest::of(&self.archive)
    }
}

/// Deterministic, well-mixed bytes (splitmix64): distinct seeds give unrelated bytes.
pub fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A seed from a text (FNV-1a).
fn seed_of(text: &str) -> u64 {
    text.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3))
}

/// Packages chart `name` at `version` holding `data_bytes` random bytes drawn from `seed_text`.
pub fn make_chart(name: &str, version: &str, data_bytes: usize, seed_text: &str) -> TestChart {
    let modified = Timestamp::from_secs(1_767_323_045);
    let file = |path: &str, data: Vec<u8>| ChartFile { path: path.to_owned(), data, modified };
    let mut files = vec![
        file(
            "Chart.yaml",
            format!(
                "apiVersion: v2\nname: {name}\nversion: {version}\ndescription: load test chart\ntype: application\n"
            )
            .into_bytes(),
        ),
        file("values.yaml", format!("seed: {seed_text:?}\n").into_bytes()),
    ];
    let data = random_bytes(seed_of(seed_text), data_bytes);
    for (i, part) in data.chunks(4 << 20).enumerate() {
        files.push(file(&format!("files/data{i}.bin"), part.to_vec()));
    }
    let chart = load_files(files, &DEFAULT_LOAD_LIMITS).expect("load generated chart");
    let options = PackageOptions {
        version: None,
        app_version: None,
        reproducible_time: Some(modified),
        now: modified,
        threads: 1,
        skip_dependency_check: false,
    };
    let packaged = package(chart, &options).expect("package generated chart");
    let artifact =
        build_chart_artifact(&packaged.archive, &packaged.file_name, None, "2026-01-02T03:04:05Z").expect("artifact");
    TestChart { archive: packaged.archive, artifact }
}

/// A transport that records how long each request took.
pub struct Timed<T> {
    inner: T,
    latencies: RefCell<Vec<Duration>>,
}

impl<T> Timed<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> Self {
        Timed { inner, latencies: RefCell::new(Vec::new()) }
    }

    /// The times recorded so far, taken out.
    pub fn take(&self) -> Vec<Duration> {
        std::mem::take(&mut self.latencies.borrow_mut())
    }
}

impl<T: Transport> Transport for Timed<T> {
    async fn send(&self, request: &Request<'_>) -> Result<Response, TransportError> {
        let started = Instant::now();
        let result = self.inner.send(request).await;
        self.latencies.borrow_mut().push(started.elapsed());
        result
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> {
        self.inner.sleep(duration)
    }
}

/// A client for `target` that never retries (so every failure shows), with `chunk_size` and a
/// 1 GiB blob limit.
pub fn client(target: &Target, chunk_size: u64) -> RegistryClient<Timed<NativeTransport>> {
    let transport = NativeTransport::new(&TlsOptions::default()).expect("native transport");
    let options = ClientOptions {
        plain_http: true,
        endpoint: target.endpoint.clone(),
        retries: 0,
        chunk_size,
        max_blob_bytes: 1 << 30,
        ..ClientOptions::default()
    };
    RegistryClient::new(Timed::new(transport), &target.registry, None, options).expect("registry client")
}

/// The charts of one run: the shared one, and each worker's.
pub struct Charts {
    shared: TestChart,
    workers: Vec<Vec<TestChart>>,
}

impl Charts {
    /// Worker `w`'s charts, in push order.
    pub fn worker(&self, w: usize) -> &[TestChart] {
        &self.workers[w]
    }
}

/// Packages the charts of `plan`; `run` makes their bytes unique to the run.
pub fn prepare(plan: &Plan, run: &str) -> Charts {
    let shared = make_chart("shared", "1.0.0", plan.chart_bytes, &format!("{run}/shared"));
    let workers = (0..plan.workers)
        .map(|w| {
            let name = format!("c{w}");
            let mut charts: Vec<TestChart> = (0..plan.charts_per_worker)
                .map(|k| {
                    make_chart(&name, &format!("1.0.{k}"), plan.chart_bytes * (k + 1), &format!("{run}/{name}/1.0.{k}"))
                })
                .collect();
            if w < plan.large_charts {
                charts.push(make_chart(&name, "2.0.0", plan.large_bytes, &format!("{run}/{name}/2.0.0")));
            }
            charts
        })
        .collect();
    Charts { shared, workers }
}

/// Runs the workload of `plan` with `charts` against `target`, in repositories under `prefix`
/// (fresh for each run): pushes the shared chart, then starts every worker at once.
pub fn run(plan: &Plan, charts: &Charts, target: &Target, prefix: &str) -> Outcome {
    let shared_ref =
        push_reference(&format!("oci://{}/{prefix}", target.registry), "shared", "1.0.0").expect("shared reference");
    let seeding = client(target, plan.chunk_size);
    if let Err(e) =
        block_on(seeding.push_chart(&shared_ref, &charts.shared.artifact, &charts.shared.archive, None, None))
    {
        return Outcome { failures: vec![format!("push of the shared chart: {e}")], ..Outcome::default() };
    }
    let barrier = Barrier::new(plan.workers + 1);
    let mut outcome = Outcome::default();
    let results = std::thread::scope(|s| {
        let handles: Vec<_> = charts
            .workers
            .iter()
            .enumerate()
            .map(|(w, own)| {
                let (barrier, shared_ref) = (&barrier, &shared_ref);
                s.spawn(move || {
                    let client = client(target, plan.chunk_size);
                    barrier.wait();
                    let result = worker(&client, plan, target, prefix, w, own, &charts.shared, shared_ref);
                    (result, client.stats(), client.transport().take())
                })
            })
            .collect();
        barrier.wait();
        let started = Instant::now();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().expect("worker thread")).collect();
        outcome.elapsed = started.elapsed();
        results
    });
    for (result, stats, latencies) in results {
        if let Err(e) = result {
            outcome.failures.push(e);
        }
        outcome.requests += u64::from(stats.requests);
        outcome.retries += u64::from(stats.retries);
        outcome.bytes += stats.bytes_sent + stats.bytes_received;
        outcome.latencies.extend(latencies);
    }
    outcome.latencies.sort();
    outcome
}

/// One worker's share; the first failure, with what was being done.
#[allow(clippy::too_many_arguments)]
fn worker(
    client: &RegistryClient<Timed<NativeTransport>>,
    plan: &Plan,
    target: &Target,
    prefix: &str,
    w: usize,
    charts: &[TestChart],
    shared: &TestChart,
    shared_ref: &Reference,
) -> Result<(), String> {
    let remote = format!("oci://{}/{prefix}/w{w}", target.registry);
    let name = format!("c{w}");
    let fail = |what: String| move |e: chartpack_oci::client::RegistryError| format!("worker {w}: {what}: {e}");
    let unversioned = push_reference(&remote, &name, "0.0.0")
        .map(|r| Reference { tag: None, ..r })
        .map_err(|e| format!("worker {w}: reference: {e}"))?;
    let repository = unversioned.repository.clone();

    // Push every chart; large ones must have gone up in chunks.
    for chart in charts {
        let version = &chart.artifact.version;
        let reference = push_reference(&remote, &name, version).map_err(|e| format!("worker {w}: {e}"))?;
        let pushed = block_on(client.push_chart(&reference, &chart.artifact, &chart.archive, None, None))
            .map_err(fail(format!("push {name}:{version}")))?;
        if pushed.manifest_digest != chart.artifact.manifest_digest {
            return Err(format!(
                "worker {w}: push {name}:{version}: manifest digest {} instead of {}",
                pushed.manifest_digest, chart.artifact.manifest_digest
            ));
        }
        if chart.archive.len() as u64 > plan.chunk_size {
            let chunks = (chart.archive.len() as u64).div_ceil(plan.chunk_size) as u32;
            let outcome = pushed.uploads.iter().find(|(d, _)| *d == chart.archive_digest()).map(|(_, o)| *o);
            if outcome != Some(UploadOutcome::Chunked(chunks)) {
                return Err(format!(
                    "worker {w}: push {name}:{version}: chart uploaded as {outcome:?}, not in {chunks} chunks"
                ));
            }
        }
    }

    // The tag list holds exactly what was pushed.
    let mut tags = block_on(client.list_tags(&repository)).map_err(fail("list tags".into()))?;
    tags.sort();
    let mut expected: Vec<String> = charts.iter().map(|c| c.artifact.tag.clone()).collect();
    expected.sort();
    if tags != expected {
        return Err(format!("worker {w}: tags of {repository}: {tags:?}, pushed {expected:?}"));
    }

    // Pull every version back; the manifests too.
    for chart in charts {
        let version = &chart.artifact.version;
        let pulled = block_on(client.pull_chart(&unversioned, Some(version), false, None))
            .map_err(fail(format!("pull {name} --version {version}")))?;
        check_pulled(w, &format!("{name}:{version}"), &pulled, chart)?;
        let manifest = block_on(client.pull_manifest(&repository, &chart.artifact.tag))
            .map_err(fail(format!("manifest {version}")))?;
        if manifest.bytes != chart.artifact.manifest || manifest.digest != chart.artifact.manifest_digest {
            return Err(format!("worker {w}: manifest {name}:{version} differs from the one pushed"));
        }
    }

    // The highest version (tags listed), and the first chart by digest.
    let highest = charts.iter().max_by_key(|c| chartpack::semver::Version::parse(&c.artifact.version).ok());
    if let Some(highest) = highest {
        let pulled =
            block_on(client.pull_chart(&unversioned, None, false, None)).map_err(fail("pull latest".into()))?;
        check_pulled(w, &format!("{name} (latest)"), &pulled, highest)?;
    }
    if let Some(first) = charts.first() {
        let by_digest = Reference { digest: Some(first.artifact.manifest_digest.clone()), ..unversioned.clone() };
        let pulled =
            block_on(client.pull_chart(&by_digest, None, false, None)).map_err(fail("pull by digest".into()))?;
        check_pulled(w, &format!("{name}@digest"), &pulled, first)?;
        let exists = block_on(client.blob_exists(&repository, &first.archive_digest()))
            .map_err(fail("HEAD of a pushed blob".into()))?;
        let absent = Digest::of(format!("never pushed {prefix} {w}").as_bytes());
        let phantom =
            block_on(client.blob_exists(&repository, &absent)).map_err(fail("HEAD of an absent blob".into()))?;
        if !exists || phantom {
            return Err(format!("worker {w}: HEAD says pushed blob exists: {exists}, absent blob exists: {phantom}"));
        }
    }

    // The shared chart, pulled by everyone.
    for i in 0..plan.shared_pulls {
        let pulled = block_on(client.pull_chart(shared_ref, None, false, None))
            .map_err(fail(format!("pull of the shared chart #{i}")))?;
        check_pulled(w, "shared:1.0.0", &pulled, shared)?;
    }
    let shared_tags =
        block_on(client.list_tags(&shared_ref.repository)).map_err(fail("list tags of the shared chart".into()))?;
    if shared_tags != ["1.0.0"] {
        return Err(format!("worker {w}: tags of the shared chart: {shared_tags:?}"));
    }
    Ok(())
}

/// Checks a pulled chart against the one pushed: manifest digest, config and archive bytes.
fn check_pulled(
    w: usize,
    what: &str,
    pulled: &chartpack_oci::client::PulledChart,
    chart: &TestChart,
) -> Result<(), String> {
    if pulled.manifest_digest != chart.artifact.manifest_digest {
        return Err(format!(
            "worker {w}: pull {what}: manifest {} instead of {}",
            pulled.manifest_digest, chart.artifact.manifest_digest
        ));
    }
    if Digest::of(&pulled.archive) != chart.archive_digest() || pulled.archive != chart.archive {
        return Err(format!(
            "worker {w}: pull {what}: archive sha256 {} ({} bytes) instead of {} ({} bytes)",
            Digest::of(&pulled.archive),
            pulled.archive.len(),
            chart.archive_digest(),
            chart.archive.len()
        ));
    }
    if pulled.config != chart.artifact.config {
        return Err(format!("worker {w}: pull {what}: config blob differs from the one pushed"));
    }
    Ok(())
}
