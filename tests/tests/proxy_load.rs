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
        charts_per_worker: 6,
        chart_bytes: 24 << 10,
        large_charts: 4,
        large_bytes: 5 << 20,
        chunk_size: 1 << 20,
        shared_pulls: 4,
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
    assert!(
        logged as u64 >= outcome.requests,
        "the proxy logged {logged} requests, the clients made {}",
        outcome.requests
    );
    let unexpected: Vec<_> = statuses.keys().filter(|s| !matches!(s, 200 | 201 | 202 | 404)).collect();
    assert!(unexpected.is_empty(), "unexpected statuses {unexpected:?} in the proxy log:\n{}", tail(&log, 30));
    assert!(!log.contains("\"event\":\"connection_error\""), "connection errors in the proxy log:\n{}", tail(&log, 30));

    // Still healthy: the health check answers, and a new client pulls a chart pushed under load.
    let health =
        http::request(&format!("127.0.0.1:{}", proxy.port()), "GET", "/healthz", &[], b"", Duration::from_secs(5))
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

// Found while loading the proxy: the two fixes, each kept by a test.

/// A client's upload that keeps moving may take longer than the upstream timeout: the timeout
/// counts from the body's last byte (the proxy used to answer 504 mid-upload, so a 16 MiB chunk
/// from a client under 280 KB/s never got through with the default 60 s).
#[test]
fn a_slow_upload_that_keeps_moving_outlasts_the_upstream_timeout() {
    use std::io::{Read, Write};
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let host = registry.host();
    let dir = chartpack_e2e::TempDir::new("proxy-slow-upload");
    let config = dir.path().join("proxy.toml");
    std::fs::write(&config, "[limits]\nupstream_timeout_ms = 1000\n").expect("write proxy.toml");
    let config = config.to_str().expect("utf-8 path");
    let proxy = Proxy::start(&["--config", config, "--registry", &format!("http://{host}"), "--allow-private", &host]);
    let proxy_host = format!("127.0.0.1:{}", proxy.port());
    let timeout = Duration::from_secs(10);
    let start = http::request(&proxy_host, "POST", &format!("/r/{host}/v2/slow/blobs/uploads/"), &[], b"", timeout)
        .expect("start upload");
    assert_eq!(start.status, 202, "{}", start.text());
    let location = start.header("location").expect("upload location").to_owned();
    let blob = load::random_bytes(7, 6 << 10);
    let digest = chartpack_oci::digest::Digest::of(&blob);
    let separator = if location.contains('?') { '&' } else { '?' };

    // 6 pieces, 400 ms apart: 2.4 s of steady upload against a 1 s upstream timeout.
    let mut stream = std::net::TcpStream::connect(&proxy_host).expect("connect");
    stream.set_read_timeout(Some(timeout)).expect("read timeout");
    let head = format!(
        "PUT {location}{separator}digest={digest} HTTP/1.1\r\nHost: {proxy_host}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        blob.len()
    );
    stream.write_all(head.as_bytes()).expect("send head");
    let started = Instant::now();
    for piece in blob.chunks(1 << 10) {
        stream.write_all(piece).expect("send piece (the proxy gave up on the upload)");
        std::thread::sleep(Duration::from_millis(400));
    }
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read answer");
    assert!(started.elapsed() > Duration::from_secs(2));
    assert!(answer.starts_with("HTTP/1.1 201"), "slow upload refused:\n{answer}");
    let pulled = http::request(&proxy_host, "GET", &format!("/r/{host}/v2/slow/blobs/{digest}"), &[], b"", timeout)
        .expect("pull blob");
    assert_eq!(pulled.status, 200);
    assert_eq!(pulled.body, blob);

    // A registry that does not answer still times out, from the end of the body on.
    let mute = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let mute_host = format!("127.0.0.1:{}", mute.local_addr().expect("address").port());
    let held = std::thread::spawn(move || {
        let (mut connection, _) = mute.accept().expect("accept");
        let mut sink = Vec::new();
        let _ = connection.read_to_end(&mut sink); // until the proxy gives up
    });
    let proxy = Proxy::start(&[
        "--config",
        config,
        "--registry",
        &format!("http://{mute_host}"),
        "--allow-private",
        &mute_host,
    ]);
    let started = Instant::now();
    let reply =
        http::request(&format!("127.0.0.1:{}", proxy.port()), "GET", &format!("/r/{mute_host}/v2/"), &[], b"", timeout)
            .expect("request to a mute registry");
    assert_eq!(reply.status, 504, "{}", reply.text());
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    drop(proxy);
    held.join().expect("mute registry");
}

/// Relayed API calls always carry a User-Agent: the proxy's own. (It used to send none when the
/// client had one, as the client's is not relayed; some registries and CDNs refuse that.)
#[test]
fn relayed_calls_carry_a_user_agent() {
    use std::io::{BufRead, BufReader, Write};
    let fake = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let fake_host = format!("127.0.0.1:{}", fake.local_addr().expect("address").port());
    let seen = std::thread::spawn(move || {
        let mut heads = Vec::new();
        for _ in 0..2 {
            let (connection, _) = fake.accept().expect("accept");
            let mut reader = BufReader::new(connection);
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).expect("read head") == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let mut connection = reader.into_inner();
            connection
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
                .expect("answer");
            heads.push(head.to_ascii_lowercase());
        }
        heads
    });
    let proxy = Proxy::start(&["--registry", &format!("http://{fake_host}"), "--allow-private", &fake_host]);
    let proxy_host = format!("127.0.0.1:{}", proxy.port());
    for headers in [&[("User-Agent", "some-client/1.0")][..], &[]] {
        let reply =
            http::request(&proxy_host, "GET", &format!("/r/{fake_host}/v2/"), headers, b"", Duration::from_secs(10))
                .expect("relayed call");
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
    for head in seen.join().expect("fake registry") {
        assert!(head.contains("\r\nuser-agent: chartpack-proxy/"), "no proxy User-Agent upstream:\n{head}");
    }
}
