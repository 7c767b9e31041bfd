//! Benchmark: `chartpack dependency update` against `helm dependency update` on one chart with
//! dependencies from a real local `distribution` registry (ranges resolved from tag lists) and a
//! local classic repository (`index.yaml` over HTTP): whole processes, a fresh copy of the chart
//! (no `charts/`, no lock) per run, medians and the ratio. Both must write the same lock.
//! Run with `scripts/bench.sh`. Not a test: it asserts nothing about speed.
#![allow(clippy::print_stdout)] // a benchmark report

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chartpack_e2e::bench::{chartpack_cmd, helm_cmd, median, ms, run};
use chartpack_e2e::{Helm, TempDir};
use chartpack_testkit::{Registry, RegistryAuth, StaticServer};

/// `helm create NAME`, set its version, `helm package -d OUT`.
fn make_chart(helm: &Helm, work: &Path, name: &str, version: &str, out: &Path) {
    let dir = work.join(format!("src-{name}-{version}"));
    std::fs::create_dir_all(&dir).expect("mkdir");
    run(helm_cmd(helm, &dir, &["create", name]));
    let chart_yaml = dir.join(name).join("Chart.yaml");
    let text = std::fs::read_to_string(&chart_yaml).expect("Chart.yaml");
    let text: String = text
        .lines()
        .map(|l| if l.starts_with("version:") { format!("version: {version}\n") } else { format!("{l}\n") })
        .collect();
    std::fs::write(&chart_yaml, text).expect("write Chart.yaml");
    run(helm_cmd(helm, &dir, &["package", name, "-d", &out.to_string_lossy()]));
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(11);
    let Some(helm) = Helm::find("bench-deps") else { return };
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let bin = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/release/chartpack".to_owned()));
    assert!(bin.is_file(), "chartpack binary {} missing", bin.display());
    let bin = std::fs::canonicalize(&bin).expect("absolute binary path");
    let work = TempDir::new("bench-deps");
    let host = registry.host();

    // Two charts in a classic repository, two in the registry, six versions each.
    let repo = work.path().join("repo");
    let pushed = work.path().join("pushed");
    for dir in [&repo, &pushed] {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    let versions = ["1.0.0", "1.2.0", "1.10.3", "2.0.0-rc.1", "2.0.0", "2.3.1"];
    for version in versions {
        for name in ["web", "cache"] {
            make_chart(&helm, work.path(), name, version, &repo);
        }
        for name in ["db", "queue"] {
            make_chart(&helm, work.path(), name, version, &pushed);
            let archive = pushed.join(format!("{name}-{version}.tgz")).to_string_lossy().into_owned();
            run(chartpack_cmd(&bin, work.path(), &["push", &archive, &format!("oci://{host}/charts"), "--plain-http"]));
        }
    }
    let server = StaticServer::start(&repo);
    run(helm_cmd(&helm, work.path(), &["repo", "index", &repo.to_string_lossy(), "--url", &server.url()]));

    let parent = work.path().join("app");
    run(helm_cmd(&helm, work.path(), &["create", "app"]));
    let mut chart_yaml = std::fs::read_to_string(parent.join("Chart.yaml")).expect("Chart.yaml");
    let http = server.url();
    chart_yaml.push_str(&format!(
        "dependencies:\n\
         - {{name: web, version: ^1.2.0, repository: \"{http}\"}}\n\
         - {{name: cache, version: \">=2.0.0-0\", repository: \"{http}\"}}\n\
         - {{name: db, version: 1.x, repository: \"oci://{host}/charts\"}}\n\
         - {{name: queue, version: \"~2.3\", repository: \"oci://{host}/charts\"}}\n"
    ));
    std::fs::write(parent.join("Chart.yaml"), chart_yaml).expect("write Chart.yaml");

    let mut helm_times = Vec::new();
    let mut ours_times = Vec::new();
    let mut locks = (String::new(), String::new());
    for i in 0..=runs {
        let (helm_copy, ours_copy) = (work.path().join(format!("h{i}")), work.path().join(format!("c{i}")));
        for copy in [&helm_copy, &ours_copy] {
            run({
                let mut cp = Command::new("cp");
                cp.args(["-a", &parent.to_string_lossy(), &copy.to_string_lossy()]);
                cp
            });
        }
        let t = Instant::now();
        run(helm_cmd(&helm, work.path(), &["dependency", "update", &helm_copy.to_string_lossy(), "--plain-http"]));
        let helm_time = t.elapsed();
        let t = Instant::now();
        run(chartpack_cmd(&bin, work.path(), &["dependency", "update", &ours_copy.to_string_lossy(), "--plain-http"]));
        let ours_time = t.elapsed();
        if i > 0 {
            helm_times.push(helm_time);
            ours_times.push(ours_time);
        }
        let without_time = |dir: &Path| -> String {
            let text = std::fs::read_to_string(dir.join("Chart.lock")).expect("Chart.lock");
            text.lines().filter(|l| !l.starts_with("generated:")).collect::<Vec<_>>().join("\n")
        };
        locks = (without_time(&helm_copy), without_time(&ours_copy));
        assert_eq!(locks.0, locks.1, "the two tools locked different versions");
    }
    let (h, c) = (median(helm_times), median(ours_times));
    println!(
        "dependency update: 4 dependencies (2 ranges from a classic repository, 2 from registry tags), whole process, median of {runs} runs"
    );
    println!("{:<28} {:>12} {:>16} {:>7}", "chart", "helm", "chartpack", "ratio");
    println!("{:<28} {:>9.1} ms {:>13.1} ms {:>6.1}x", "app (web, cache, db, queue)", ms(h), ms(c), ms(h) / ms(c));
    println!(
        "locked (both tools): {}",
        locks.1.lines().filter(|l| l.contains("version:")).collect::<Vec<_>>().join(", ")
    );
}
