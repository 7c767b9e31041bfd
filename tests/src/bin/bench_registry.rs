//! Benchmark: `chartpack push`/`pull` against `helm push`/`pull` of the largest corpus charts
//! to a real local `distribution` registry (whole processes, fresh repositories per run,
//! medians and ratios), and the HTTP requests each tool makes (counted by a pass-through relay).
//! Run with `scripts/bench.sh`. Not a test: it asserts nothing about speed.
#![allow(clippy::print_stdout)] // a benchmark report

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chartpack_e2e::bench::{chartpack_cmd, helm_cmd, median, ms, run};
use chartpack_e2e::{corpus, Helm, TempDir};
use chartpack_testkit::{FaultPlan, FaultRelay, Registry, RegistryAuth};

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(11);
    let Some(corpus) = corpus() else { return };
    let Some(helm) = Helm::find("bench-registry") else { return };
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let bin = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/release/chartpack".to_owned()));
    assert!(bin.is_file(), "chartpack binary {} missing", bin.display());
    let bin = std::fs::canonicalize(&bin).expect("absolute binary path");
    let work = TempDir::new("bench-registry");

    // Package every corpus chart helm packages; keep the three largest archives.
    let mut archives: Vec<(u64, PathBuf)> = Vec::new();
    let out = work.path().join("archives");
    for entry in std::fs::read_dir(corpus.join("charts")).expect("corpus charts").flatten() {
        let before: Vec<PathBuf> = list(&out);
        if !helm
            .run(work.path(), &["package", &entry.path().to_string_lossy(), "-d", &out.to_string_lossy()])
            .status
            .success()
        {
            continue;
        }
        for path in list(&out).into_iter().filter(|p| !before.contains(p)) {
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            archives.push((size, path));
        }
    }
    archives.sort_by_key(|a| std::cmp::Reverse(a.0));
    archives.truncate(3);

    println!("push and pull to a local distribution registry: whole process, median of {runs} runs");
    println!(
        "{:<40} {:>8} {:>10} {:>10} {:>7} {:>10} {:>10} {:>7}",
        "archive", "KB", "helm push", "cp push", "ratio", "helm pull", "cp pull", "ratio"
    );
    let host = registry.host();
    for (size, archive) in &archives {
        let file = archive.to_string_lossy().into_owned();
        let name = archive.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let (chart, version) = split_name(&name);
        let mut times = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
        for i in 0..=runs {
            let helm_repo = format!("oci://{host}/bench{i}h");
            let ours_repo = format!("oci://{host}/bench{i}c");
            let t = Instant::now();
            run(helm_cmd(&helm, work.path(), &["push", &file, &helm_repo, "--plain-http"]));
            let helm_push = t.elapsed();
            let t = Instant::now();
            run(chartpack_cmd(&bin, work.path(), &["push", &file, &ours_repo, "--plain-http"]));
            let ours_push = t.elapsed();
            let dest = work.path().join(format!("pull{i}"));
            std::fs::create_dir_all(dest.join("h")).expect("mkdir");
            std::fs::create_dir_all(dest.join("c")).expect("mkdir");
            let (helm_dest, ours_dest) =
                (dest.join("h").to_string_lossy().into_owned(), dest.join("c").to_string_lossy().into_owned());
            let t = Instant::now();
            run(helm_cmd(
                &helm,
                work.path(),
                &["pull", &format!("{ours_repo}/{chart}"), "--version", version, "--plain-http", "-d", &helm_dest],
            ));
            let helm_pull = t.elapsed();
            let t = Instant::now();
            run(chartpack_cmd(
                &bin,
                work.path(),
                &["pull", &format!("{helm_repo}/{chart}"), "--version", version, "--plain-http", "-d", &ours_dest],
            ));
            let ours_pull = t.elapsed();
            if i > 0 {
                // Run 0 warms caches.
                for (slot, value) in times.iter_mut().zip([helm_push, ours_push, helm_pull, ours_pull]) {
                    slot.push(value);
                }
            }
        }
        let [hp, cp, hl, cl] = times.map(median);
        println!(
            "{:<40} {:>8} {:>10.1} {:>10.1} {:>6.1}x {:>10.1} {:>10.1} {:>6.1}x",
            name,
            size / 1024,
            ms(hp),
            ms(cp),
            hp.as_secs_f64() / cp.as_secs_f64(),
            ms(hl),
            ms(cl),
            hl.as_secs_f64() / cl.as_secs_f64()
        );
    }

    // Requests on the wire for a fresh push and a pull, through a counting pass-through relay.
    if let Some((_, archive)) = archives.first() {
        let file = archive.to_string_lossy().into_owned();
        let name = archive.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let (chart, version) = split_name(&name);
        let relay = FaultRelay::start(&host, FaultPlan::new());
        let via = relay.host();
        let count = |command: Command| {
            let before = relay.requests();
            run(command);
            relay.requests() - before
        };
        let dest = work.path().join("counted");
        std::fs::create_dir_all(&dest).expect("mkdir");
        let dest = dest.to_string_lossy().into_owned();
        let helm_push =
            count(helm_cmd(&helm, work.path(), &["push", &file, &format!("oci://{via}/counth"), "--plain-http"]));
        let ours_push =
            count(chartpack_cmd(&bin, work.path(), &["push", &file, &format!("oci://{via}/countc"), "--plain-http"]));
        let helm_pull = count(helm_cmd(
            &helm,
            work.path(),
            &["pull", &format!("oci://{via}/countc/{chart}"), "--version", version, "--plain-http", "-d", &dest],
        ));
        let ours_pull = count(chartpack_cmd(
            &bin,
            work.path(),
            &["pull", &format!("oci://{via}/counth/{chart}"), "--version", version, "--plain-http", "-d", &dest],
        ));
        let helm_repush =
            count(helm_cmd(&helm, work.path(), &["push", &file, &format!("oci://{via}/counth"), "--plain-http"]));
        let ours_repush =
            count(chartpack_cmd(&bin, work.path(), &["push", &file, &format!("oci://{via}/countc"), "--plain-http"]));
        println!("\nHTTP requests ({name}, anonymous registry)");
        println!("{:<24} {:>6} {:>10}", "", "helm", "chartpack");
        println!("{:<24} {:>6} {:>10}", "push (new repository)", helm_push, ours_push);
        println!("{:<24} {:>6} {:>10}", "push (again)", helm_repush, ours_repush);
        println!("{:<24} {:>6} {:>10}", "pull --version", helm_pull, ours_pull);
    }
}

fn list(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default()
}

/// `name-1.2.3.tgz` → (`name`, `1.2.3`): the version starts after the last `-` followed by a digit.
fn split_name(file: &str) -> (&str, &str) {
    let stem = file.trim_end_matches(".tgz");
    let cut = stem
        .char_indices()
        .filter(|&(i, c)| c == '-' && stem[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
        .map(|(i, _)| i)
        .next();
    match cut {
        Some(i) => (&stem[..i], &stem[i + 1..]),
        None => (stem, ""),
    }
}
