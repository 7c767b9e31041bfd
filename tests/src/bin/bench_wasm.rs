//! Benchmark: the npm package's wasm in headless Chromium next to the native tools. Time to
//! instantiate the module (`init()`: fetch, compile, instantiate; median over fresh page loads)
//! and `packageChart` on the three largest corpus charts that helm packages (files already in
//! the page's memory; median), beside the native core doing the same in process, the native
//! `chartpack package` and `helm package` as whole processes. Drives Chromium through
//! `pkg/test/browser.mjs --bench`. Run with `scripts/bench.sh` (release build); BENCH_RUNS sets
//! the run count. Not a test: it asserts nothing about speed.
#![allow(clippy::print_stdout)] // a benchmark report

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use chartpack::chart::{load_directory, Timestamp, DEFAULT_LOAD_LIMITS};
use chartpack::{package, PackageOptions};
use chartpack_e2e::bench::{largest_packable_charts, ms, time_runs};
use chartpack_e2e::{corpus, repo_root, Helm, TempDir};

/// Why the browser side cannot run here, if it cannot.
fn missing_browser_prerequisite(root: &Path) -> Option<String> {
    let has_wasm = std::fs::read_dir(root.join("pkg/dist"))
        .map(|d| d.flatten().any(|e| e.path().extension().is_some_and(|x| x == "wasm")))
        .unwrap_or(false);
    if !has_wasm {
        return Some("pkg/dist/*.wasm (scripts/build-pkg.sh)".to_owned());
    }
    if !root.join("node_modules/playwright-core").is_dir() {
        return Some("node_modules/playwright-core (npm ci at the repository root)".to_owned());
    }
    if !Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success()) {
        return Some("node".to_owned());
    }
    let chromium = std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("chromium"), PathBuf::from);
    if !Command::new(chromium).arg("--version").output().is_ok_and(|o| o.status.success()) {
        return Some("chromium".to_owned());
    }
    None
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(15);
    let Some(corpus) = corpus() else { return };
    let Some(helm) = Helm::find("bench-wasm") else { return };
    let bin = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/release/chartpack".to_owned()));
    assert!(bin.is_file(), "chartpack binary {} missing", bin.display());
    let root = repo_root().canonicalize().expect("repository root");
    if let Some(missing) = missing_browser_prerequisite(&root) {
        println!("wasm benchmark skipped: missing {missing}");
        return;
    }
    let work = TempDir::new("bench-wasm");
    let out = work.path().join("out");
    let out_arg = out.to_string_lossy().into_owned();

    // The three largest charts that helm packages.
    let charts = largest_packable_charts(&corpus, &helm, work.path(), &out, 3);

    // Chromium: instantiate over fresh page loads, packageChart per chart.
    let results = work.path().join("results");
    let list: Vec<String> = charts.iter().map(|c| c.to_string_lossy().into_owned()).collect();
    let browser = Command::new("node")
        .arg("pkg/test/browser.mjs")
        .arg("--bench")
        .current_dir(&root)
        .env("BENCH_RUNS", runs.to_string())
        .env("CHARTPACK_BENCH_CHARTS", list.join(","))
        .env("CHARTPACK_RESULTS_DIR", &results)
        .output()
        .expect("run node pkg/test/browser.mjs --bench");
    assert!(
        browser.status.success(),
        "browser benchmark failed:\n{}\n{}",
        String::from_utf8_lossy(&browser.stdout),
        String::from_utf8_lossy(&browser.stderr)
    );
    let text = std::fs::read_to_string(results.join("browser-bench.txt")).expect("browser-bench.txt");
    let values: BTreeMap<&str, &str> = text.lines().filter_map(|l| l.split_once('=')).collect();
    let number = |key: &str| values.get(key).and_then(|v| v.parse::<f64>().ok());
    let wasm_size = std::fs::metadata(root.join("pkg/dist/chartpack_bg.wasm")).map_or(0, |m| m.len());
    println!(
        "wasm in headless Chromium ({}), median of {runs} runs",
        values.get("chromium").copied().unwrap_or("version unknown")
    );
    println!(
        "instantiate (init(): fetch + compile + instantiate of chartpack_bg.wasm, {:.2} MB, fresh page each): {:.1} ms",
        wasm_size as f64 / 1e6,
        number("initMs").unwrap_or(f64::NAN)
    );
    println!(
        "\n{:<36} {:>8} {:>10} {:>10} {:>12} {:>9} {:>10} {:>10}",
        "chart", "input MB", "wasm ms", "core ms", "chartpack ms", "helm ms", "wasm/core", "helm/wasm"
    );
    for chart in &charts {
        let name = chart.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let arg = chart.to_string_lossy().into_owned();
        let wasm = number(&format!("package.{name}.ms")).unwrap_or(f64::NAN);
        let input = number(&format!("package.{name}.inputBytes")).unwrap_or(f64::NAN);
        let core = chartpack_cli::walk::read_chart_dir(chart).ok().map(|files| {
            let options =
                PackageOptions { reproducible_time: Some(Timestamp::from_secs(0)), ..PackageOptions::default() };
            time_runs(runs, || {
                let loaded = load_directory(files.clone(), &DEFAULT_LOAD_LIMITS).expect("loads");
                std::hint::black_box(package(loaded, &options).expect("packages"));
            })
        });
        let ours = time_runs(runs, || {
            Command::new(&bin).args(["package", &arg, "-d", &out_arg]).output().expect("run chartpack");
        });
        let theirs = time_runs(runs, || {
            helm.run(work.path(), &["package", &arg, "-d", &out_arg]);
        });
        let core_ms = core.map_or(f64::NAN, ms);
        println!(
            "{:<36} {:>8.2} {:>10.1} {:>10.1} {:>12.1} {:>9.1} {:>9.1}x {:>9.1}x",
            name,
            input / 1e6,
            wasm,
            core_ms,
            ms(ours),
            ms(theirs),
            wasm / core_ms,
            ms(theirs) / wasm
        );
    }
    println!(
        "\nwasm ms: packageChart in the page (files already in memory); core ms: the native core doing the same in \
         process; chartpack / helm ms: `package` as a whole process (walk, read, write)."
    );
}
