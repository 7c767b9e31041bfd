//! Benchmark: the web app (`dist/`, served by the release `chartpack serve`) in headless Chromium,
//! as a person uses it: time until the page's worker has loaded the wasm, time to open a chart
//! folder (read, inspect, lint, shown), and time to package it and start the download; beside
//! `chartpack package` and `helm package` of the same folder as whole processes. The three
//! largest corpus charts that helm packages; medians of BENCH_RUNS fresh pages (default 9) after
//! one warm-up. Drives Chromium through `web/test/bench.mjs`. Run with `scripts/bench.sh`. Not a
//! test: it asserts nothing about speed.
#![allow(clippy::print_stdout)] // a benchmark report

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use chartpack_e2e::bench::{dir_bytes, largest_packable_charts, ms, time_runs};
use chartpack_e2e::proxy::Proxy;
use chartpack_e2e::{corpus, repo_root, Helm, TempDir};

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(9);
    let Some(corpus) = corpus() else { return };
    let Some(helm) = Helm::find("bench-web") else { return };
    let bin = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/release/chartpack".to_owned()));
    assert!(bin.is_file(), "chartpack binary {} missing", bin.display());
    let root = repo_root().canonicalize().expect("repository root");
    let dist = root.join("dist");
    if !dist.join("index.html").is_file() || !root.join("node_modules/playwright-core").is_dir() {
        println!("web app benchmark skipped: needs dist/ (scripts/build-web.sh) and node_modules/playwright-core");
        return;
    }
    let work = TempDir::new("bench-web");
    let out = work.path().join("out");
    let out_arg = out.to_string_lossy().into_owned();
    let charts = largest_packable_charts(&corpus, &helm, work.path(), &out, 3);

    // No registry is used: the proxy only serves the app (its registry is never called).
    let proxy = Proxy::start(&["--registry", "http://127.0.0.1:9", "--static-dir", &dist.to_string_lossy()]);
    let results = work.path().join("results");
    std::fs::create_dir_all(&results).expect("results dir");
    let list: Vec<String> = charts.iter().map(|c| c.to_string_lossy().into_owned()).collect();
    let browser = Command::new("node")
        .arg("web/test/bench.mjs")
        .current_dir(&root)
        .env("APP_URL", format!("{}/", proxy.url()))
        .env("CHARTS", list.join(","))
        .env("BENCH_RUNS", runs.to_string())
        .env("RESULTS_DIR", &results)
        .output()
        .expect("run node web/test/bench.mjs");
    assert!(
        browser.status.success(),
        "web app benchmark failed:\n{}\n{}",
        String::from_utf8_lossy(&browser.stdout),
        String::from_utf8_lossy(&browser.stderr)
    );
    let text = std::fs::read_to_string(results.join("web-bench.txt")).expect("web-bench.txt");
    let values: BTreeMap<&str, &str> = text.lines().filter_map(|l| l.split_once('=')).collect();
    let number = |key: &str| values.get(key).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    let gzip_total: u64 = std::fs::read_dir(&dist)
        .expect("dist")
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            !name.starts_with('.') && !name.ends_with(".gz")
        })
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("read dist file");
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            std::io::Write::write_all(&mut encoder, &bytes).expect("gzip");
            encoder.finish().expect("gzip").len() as u64
        })
        .sum();
    println!(
        "web app in headless Chromium ({}), served by chartpack serve, median of {runs} fresh pages",
        values.get("chromium").copied().unwrap_or("version unknown")
    );
    println!(
        "page ready (worker fetched, compiled and instantiated the wasm; app {:.1} KB gzip): {:.0} ms",
        gzip_total as f64 / 1e3,
        number("readyMs")
    );
    println!(
        "\n{:<36} {:>8} {:>9} {:>11} {:>9} {:>12} {:>9} {:>10}",
        "chart", "input MB", "open ms", "package ms", "click ms", "chartpack ms", "helm ms", "helm/app"
    );
    for chart in &charts {
        let name = chart.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let arg = chart.to_string_lossy().into_owned();
        let ours = time_runs(runs, || {
            Command::new(&bin).args(["package", &arg, "-d", &out_arg]).output().expect("run chartpack");
        });
        let theirs = time_runs(runs, || {
            helm.run(work.path(), &["package", &arg, "-d", &out_arg]);
        });
        let app = number(&format!("package.{name}"));
        println!(
            "{:<36} {:>8.2} {:>9.0} {:>11.0} {:>9.0} {:>12.1} {:>9.1} {:>9.1}x",
            name,
            dir_bytes(chart) as f64 / 1e6,
            number(&format!("open.{name}")),
            app,
            number(&format!("click.{name}")),
            ms(ours),
            ms(theirs),
            ms(theirs) / app
        );
    }
    println!(
        "\nopen: the files read until the preview and lint are shown (inspect, lint in the worker), as the app \
         measures it; package: the click handler until the download is handed to the browser (package, OCI \
         manifest, both trips to the worker), as the app measures it; click: the same from Playwright's click to \
         its download event; chartpack / helm: `package` as a whole process (walk, read, write); helm/app: helm \
         over package."
    );
}
