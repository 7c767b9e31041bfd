//! `chartpack serve` under concurrent load, on loopback in front of the real `distribution`
//! registry: 16 clients at once push distinct charts (every blob unique, a few of several MiB in
//! 1 MiB chunks), pull them back by version, range and digest, fetch manifests, list tags, ask
//! for present and absent blobs and pull one shared chart, all through the proxy. Not one
//! request may fail or be retried, every byte must come back as pushed, and the proxy must
//! still answer afterwards.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chartpack_e2e::load::{self, Plan, Target};
use chartpack_e2e::proxy::Proxy;
use chartpack_testkit::{http, Registry, RegistryAuth};

/// The statuses in the proxy's request log, counted.
fn logged_statuses(log: &str) -> BTreeMap<u16, usize> {
    let mut statuses = BTreeMap::new();
    for line in log.lines().filter(|l| l.contains("\"event\":\"request\"")) {
        let status = line
            .split_once("\"status\":")
            .and_then(|(_, rest)| rest.get(..3))
            .and_then(|s| s.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("request log line without a status: {line}"));
        *statuses.entry(status).or_default() += 1;
    }
    statuses
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[test]
fn sixteen_clients_push_and_pull_through_the_proxy_without_losing_or_crossing_a_byte() {
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let host = registry.host();
    let proxy = Proxy::start(&["--registry", &format!("http://{host}"), "--allow-private", &host]);
    let plan = Plan {
        workers: 16,
        charts_per_worker: 4,
        chart_bytes: 24 << 10,
        large_charts: 4,
        large_bytes: 5 << 20,
        chunk_size: 1 << 20,
        shared_pulls: 3,
    };
    let started = Instant::now();
    let charts = load::prepare(&plan, "proxy-load");
    let packaged = started.elapsed();
    let target = Target { registry: host.clone(), endpoint: Some(proxy.endpoint(&host)) };
    let outcome = load::run(&plan, &charts, &target, "load");
    assert!(
        outcome.failures.is_empty(),
        "{} of {} workers failed:\n{}\nproxy log ends:\n{}",
        outcome.failures.len(),
        plan.workers,
        outcome.failures.join("\n"),
        tail(&proxy.log(), 30)
    );
    assert_eq!(outcome.retries, 0, "requests were retried");
    eprintln!(
        "note: {} workers, {} requests ({:.1} MiB of bodies) through the proxy in {:.2} s: {:.0} requests/s \
         (debug build; request time p50 {:.1} ms, p95 {:.1} ms; charts packaged in {:.2} s)",
        plan.workers,
        outcome.requests,
        outcome.bytes as f64 / f64::from(1 << 20),
        outcome.elapsed.as_secs_f64(),
        outcome.requests_per_second(),
        outcome.percentile(50.0).as_secs_f64() * 1e3,
        outcome.percentile(95.0).as_secs_f64() * 1e3,
        packaged.as_secs_f64(),
    );

    // Every request went through the proxy, and the registry's only refusals were the 404s the
    // workload asks for (absent blobs, blobs looked up before their upload).
    let log = proxy.log();
    let statuses = logged_statuses(&log);
    let logged: usize = statuses.values().sum();
    eprintln!("proxy log statuses: {statuses:?}");
    assert!(logged as u64 >= outcome.requests, "the proxy logged {logged} requests, the clients made {}", outcome.requests);
    let unexpected: Vec<_> = statuses.keys().filter(|s| !matches!(s, 200 | 201 | 202 | 404)).collect();
    assert!(unexpected.is_empty(), "unexpected statuses {unexpected:?} in the proxy log:\n{}", tail(&log, 30));
    assert!(!log.contains("\"event\":\"connection_error\""), "connection errors in the proxy log:\n{}", tail(&log, 30));

    // Still healthy: the health check answers, and a new client pulls a chart pushed under load.
    let health = http::request(
        &format!("127.0.0.1:{}", proxy.port()),
        "GET",
        "/healthz",
        &[],
        b"",
        Duration::from_secs(5),
    )
    .expect("health check after the load");
    assert_eq!(health.status, 200, "{}", health.text());
    assert!(health.text().contains("\"status\":\"ok\""), "{}", health.text());
    let after = load::client(&target, plan.chunk_size);
    let chart = &charts.worker(0)[0];
    let remote = format!("oci://{host}/load/w0");
    let reference =
        chartpack_oci::reference::push_reference(&remote, "c0", &chart.artifact.version).expect("reference");
    let pulled = chartpack_oci::client::block_on(after.pull_chart(&reference, None, false, None)).expect("pull after");
    assert_eq!(pulled.archive, chart.archive);
}
