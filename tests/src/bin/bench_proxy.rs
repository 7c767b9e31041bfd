//! Benchmark: what `chartpack serve` costs in front of a real local `distribution` registry.
//! The load test's mixed workload (push, pull by version, range and digest, manifests, tags,
//! HEADs, a shared chart) at concurrency 1 and 16, straight to the registry and through the
//! proxy: requests/s, the proxy's time ratio and the request time it adds. Then a 100 MiB blob
//! pushed and pulled through a fresh proxy while its peak RSS (`VmHWM`) is read, to show that
//! bodies stream instead of being buffered. Run with `scripts/bench.sh` (release build; the
//! proxy is the `chartpack` binary beside this one). Not a test: it asserts only correctness.
#![allow(clippy::print_stdout)] // a benchmark report

use std::time::{Duration, Instant};

use chartpack_e2e::bench::{median, ms};
use chartpack_e2e::load::{self, Outcome, Plan, Target};
use chartpack_e2e::proxy::Proxy;
use chartpack_oci::client::block_on;
use chartpack_oci::digest::Digest;
use chartpack_testkit::{Registry, RegistryAuth};

/// A `/proc/PID/status` field in KiB (`VmHWM`, `VmRSS`).
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc/PID/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field).and_then(|r| r.strip_prefix(':')))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Fails loudly: a benchmark of a failing workload measures nothing.
fn checked(outcome: Outcome, what: &str) -> Outcome {
    assert!(outcome.failures.is_empty(), "{what} failed:\n{}", outcome.failures.join("\n"));
    assert_eq!(outcome.retries, 0, "{what}: requests were retried");
    outcome
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5).max(1);
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let host = registry.host();
    let proxy_args = ["--registry".to_owned(), format!("http://{host}"), "--allow-private".to_owned(), host.clone()];
    let proxy_args: Vec<&str> = proxy_args.iter().map(String::as_str).collect();
    let proxy = Proxy::start(&proxy_args);
    let direct = Target { registry: host.clone(), endpoint: None };
    let proxied = Target { registry: host.clone(), endpoint: Some(proxy.endpoint(&host)) };

    println!(
        "mixed workload (push, pull by version/range/digest, manifests, tags, HEADs, a shared chart) to a local \
         distribution registry, direct vs through `chartpack serve`: median of {runs} runs"
    );
    println!(
        "{:>5} {:>9} {:>12} {:>12} {:>12} {:>11} {:>11} {:>10} {:>11} {:>11}",
        "conc",
        "requests",
        "direct rq/s",
        "proxy rq/s",
        "proxy/direct",
        "p50 direct",
        "p50 proxy",
        "p50 added",
        "p95 direct",
        "p95 proxy"
    );
    for workers in [1, 16] {
        let plan = Plan {
            workers,
            charts_per_worker: 8,
            chart_bytes: 16 << 10,
            large_charts: 0,
            large_bytes: 0,
            chunk_size: 16 << 20,
            shared_pulls: 8,
        };
        let mut times = [Vec::new(), Vec::new()];
        let mut p50 = [Vec::new(), Vec::new()];
        let mut p95 = [Vec::new(), Vec::new()];
        let mut requests = 0;
        // Run 0 warms caches and connections; direct and proxied runs alternate.
        for run in 0..=runs {
            for (slot, (target, mode)) in [(&direct, "direct"), (&proxied, "proxy")].into_iter().enumerate() {
                let name = format!("bench-c{workers}-r{run}-{mode}");
                let charts = load::prepare(&plan, &name);
                let outcome = checked(load::run(&plan, &charts, target, &name), &name);
                if run > 0 {
                    requests = outcome.requests;
                    times[slot].push(outcome.elapsed);
                    p50[slot].push(outcome.percentile(50.0));
                    p95[slot].push(outcome.percentile(95.0));
                }
            }
        }
        let [direct_time, proxy_time] = times.map(median);
        let [direct_p50, proxy_p50] = p50.map(median);
        let [direct_p95, proxy_p95] = p95.map(median);
        println!(
            "{:>5} {:>9} {:>12.0} {:>12.0} {:>11.2}x {:>8.2} ms {:>8.2} ms {:>7.2} ms {:>8.2} ms {:>8.2} ms",
            workers,
            requests,
            requests as f64 / direct_time.as_secs_f64(),
            requests as f64 / proxy_time.as_secs_f64(),
            proxy_time.as_secs_f64() / direct_time.as_secs_f64(),
            ms(direct_p50),
            ms(proxy_p50),
            ms(proxy_p50.saturating_sub(direct_p50)),
            ms(direct_p95),
            ms(proxy_p95),
        );
    }
    drop(proxy);

    // A 100 MiB blob, one PUT up and one GET down, through a fresh proxy whose peak RSS is read.
    let size = 100usize << 20;
    let fresh = Proxy::start(&proxy_args);
    let pid = fresh.pid();
    let proxied = Target { registry: host.clone(), endpoint: Some(fresh.endpoint(&host)) };
    let started_kib = status_kib(pid, "VmHWM");
    let one_put = 1u64 << 30; // chunk size: the whole blob in one request
    let via_proxy = load::client(&proxied, one_put);
    let straight = load::client(&direct, one_put);
    let blob = load::random_bytes(0xB10B, size);
    let digest = Digest::of(&blob);
    let other = load::random_bytes(0xB10C, size);
    let other_digest = Digest::of(&other);
    let timed = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let mb_s = |d: Duration| size as f64 / 1e6 / d.as_secs_f64();

    let push_direct = timed(&mut || {
        block_on(straight.upload_blob("bench/big-direct", &other, &other_digest, None)).expect("direct push");
    });
    let push_proxy = timed(&mut || {
        block_on(via_proxy.upload_blob("bench/big", &blob, &digest, None)).expect("push through the proxy");
    });
    let after_push_kib = status_kib(pid, "VmHWM");
    let pull_direct = timed(&mut || {
        let body = block_on(straight.pull_blob("bench/big", &digest, size as u64, None)).expect("direct pull");
        assert_eq!(body.len(), size);
    });
    let pull_proxy = timed(&mut || {
        let body = block_on(via_proxy.pull_blob("bench/big", &digest, size as u64, None)).expect("pull via proxy");
        assert!(digest.matches(&body), "blob pulled through the proxy differs");
    });
    let after_pull_kib = status_kib(pid, "VmHWM");
    let rss_kib = status_kib(pid, "VmRSS");

    println!("\n100 MiB blob (one PUT, one GET), direct vs through a fresh proxy; proxy peak RSS = VmHWM");
    println!(
        "{:<26} {:>10} {:>10} {:>10} {:>10} {:>16}",
        "", "direct ms", "MB/s", "proxy ms", "MB/s", "proxy VmHWM MiB"
    );
    println!("{:<26} {:>10} {:>10} {:>10} {:>10} {:>16.1}", "proxy started", "", "", "", "", mib(started_kib));
    println!(
        "{:<26} {:>10.0} {:>10.0} {:>10.0} {:>10.0} {:>16.1}",
        "push 100 MiB",
        ms(push_direct),
        mb_s(push_direct),
        ms(push_proxy),
        mb_s(push_proxy),
        mib(after_push_kib)
    );
    println!(
        "{:<26} {:>10.0} {:>10.0} {:>10.0} {:>10.0} {:>16.1}",
        "pull 100 MiB",
        ms(pull_direct),
        mb_s(pull_direct),
        ms(pull_proxy),
        mb_s(pull_proxy),
        mib(after_pull_kib)
    );
    println!(
        "proxy peak RSS {:.1} MiB for a {} MiB body (RSS now {:.1} MiB): bodies are streamed, not buffered",
        mib(after_pull_kib),
        size >> 20,
        mib(rss_kib)
    );
}
