//! Benchmark: `chartpack package` against `helm package` on the largest corpus charts (whole
//! processes, several runs, medians and ratios), plus the core's in-process throughput.
//! Run with `scripts/bench.sh` (release build). Not a test: it asserts nothing about speed.
#![allow(clippy::print_stdout)] // a benchmark report

use std::path::PathBuf;
use std::process::Command;

use chartpack::chart::{load_directory, Timestamp, DEFAULT_LOAD_LIMITS};
use chartpack::{package, PackageOptions};
use chartpack_e2e::bench::{dir_bytes, time_runs};
use chartpack_e2e::{corpus, Helm, TempDir};

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(15);
    let Some(corpus) = corpus() else { return };
    let Some(helm) = Helm::find("e2e") else { return };
    let bin = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/release/chartpack".to_owned()));
    assert!(bin.is_file(), "chartpack binary {} missing", bin.display());
    let work = TempDir::new("bench");

    // The largest charts that helm packages successfully.
    let mut charts: Vec<(u64, PathBuf)> = std::fs::read_dir(corpus.join("charts"))
        .expect("corpus charts")
        .flatten()
        .map(|e| (dir_bytes(&e.path()), e.path()))
        .collect();
    charts.sort_by_key(|c| std::cmp::Reverse(c.0));
    println!("chartpack package vs helm package: whole process, median of {runs} runs (after one warm-up)");
    println!("{:<44} {:>9} {:>12} {:>12} {:>8}", "chart", "files MB", "helm ms", "chartpack ms", "ratio");
    let mut shown = 0;
    for (bytes, chart) in &charts {
        if shown == 5 {
            break;
        }
        let out = work.path().join("out");
        let arg = chart.to_string_lossy().into_owned();
        if !helm.run(work.path(), &["package", &arg, "-d", &out.to_string_lossy()]).status.success() {
            continue;
        }
        shown += 1;
        let helm_t = time_runs(runs, || {
            helm.run(work.path(), &["package", &arg, "-d", &out.to_string_lossy()]);
        });
        let ours_t = time_runs(runs, || {
            Command::new(&bin).args(["package", &arg, "-d", &out.to_string_lossy()]).output().expect("run chartpack");
        });
        let name = chart.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        println!(
            "{:<44} {:>9.2} {:>12.1} {:>12.1} {:>7.1}x",
            name,
            *bytes as f64 / 1e6,
            helm_t.as_secs_f64() * 1e3,
            ours_t.as_secs_f64() * 1e3,
            helm_t.as_secs_f64() / ours_t.as_secs_f64()
        );
    }

    // Core throughput: load + package from files already in memory (no disk, no process).
    println!("\ncore throughput on one thread (files in memory → .tgz bytes), median of {runs} runs");
    println!("{:<44} {:>9} {:>12} {:>10}", "chart", "input MB", "core ms", "MB/s");
    for (_, chart) in charts.iter().take(3) {
        let Ok(files) = chartpack_cli::walk::read_chart_dir(chart) else {
            continue;
        };
        let input: usize = files.iter().map(|f| f.data.len()).sum();
        let options = PackageOptions { reproducible_time: Some(Timestamp::from_secs(0)), ..PackageOptions::default() };
        if load_directory(files.clone(), &DEFAULT_LOAD_LIMITS).ok().and_then(|c| package(c, &options).ok()).is_none() {
            continue;
        }
        let t = time_runs(runs, || {
            let chart = load_directory(files.clone(), &DEFAULT_LOAD_LIMITS).expect("loads");
            std::hint::black_box(package(chart, &options).expect("packages"));
        });
        let name = chart.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        println!(
            "{:<44} {:>9.2} {:>12.2} {:>10.1}",
            name,
            input as f64 / 1e6,
            t.as_secs_f64() * 1e3,
            input as f64 / 1e6 / t.as_secs_f64()
        );
    }
}
