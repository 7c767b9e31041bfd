//! The `chartpack` command on the repository's own example chart (no corpus needed):
//! reproducible packaging, helm's output lines, errors, and what helm makes of the result.

use std::path::Path;
use std::process::Command;

use chartpack_e2e::{chartpack_bin, gunzip, raw_entries, repo_root, run_chartpack, Helm, TempDir};

/// Copies a directory tree, giving every file the modification time `stamp` (touch -d format).
fn copy_with_time(from: &Path, to: &Path, stamp: &str) {
    let status = Command::new("cp").arg("-a").arg(from).arg(to).status().expect("cp");
    assert!(status.success());
    let status =
        Command::new("find").arg(to).args(["-exec", "touch", "-h", "-d", stamp, "{}", "+"]).status().expect("touch");
    assert!(status.success());
}

fn package(dir: &Path, out: &Path, extra: &[&str], epoch: Option<&str>) -> Vec<u8> {
    let mut cmd = Command::new(chartpack_bin());
    cmd.arg("package").arg(dir).arg("-d").arg(out).args(extra).env_remove("SOURCE_DATE_EPOCH");
    if let Some(e) = epoch {
        cmd.env("SOURCE_DATE_EPOCH", e);
    }
    let o = cmd.output().expect("run chartpack");
    assert!(o.status.success(), "package failed: {}", String::from_utf8_lossy(&o.stderr));
    let line = String::from_utf8_lossy(&o.stdout).into_owned();
    let path = line.trim().strip_prefix("Successfully packaged chart and saved it to: ").expect("helm's success line");
    std::fs::read(path).expect("archive written")
}

#[test]
fn reproducible_mode_gives_identical_bytes_whatever_the_file_times() {
    let work = TempDir::new("repro");
    let (a, b) = (work.path().join("a/demo"), work.path().join("b/demo"));
    std::fs::create_dir_all(a.parent().expect("parent")).expect("mkdir");
    std::fs::create_dir_all(b.parent().expect("parent")).expect("mkdir");
    copy_with_time(&repo_root().join("examples/demo"), &a, "2001-02-03 04:05:06");
    copy_with_time(&repo_root().join("examples/demo"), &b, "2024-12-31 23:59:59.7");

    let normal_a = package(&a, &work.path().join("out1"), &[], None);
    let normal_b = package(&b, &work.path().join("out2"), &[], None);
    assert_ne!(normal_a, normal_b, "without reproducible mode the file times are kept, as helm does");

    let repro_a = package(&a, &work.path().join("out3"), &["--reproducible"], None);
    let repro_b = package(&b, &work.path().join("out4"), &["--reproducible"], None);
    assert_eq!(repro_a, repro_b);

    let epoch_a = package(&a, &work.path().join("out5"), &[], Some("1700000000"));
    let epoch_b = package(&b, &work.path().join("out6"), &[], Some("1700000000"));
    assert_eq!(epoch_a, epoch_b);
    for entry in raw_entries(&gunzip(&epoch_a)) {
        let mtime = std::str::from_utf8(&entry.raw[136..147]).expect("ascii");
        assert_eq!(i64::from_str_radix(mtime, 8).expect("octal"), 1_700_000_000, "{}", entry.name);
    }
}

#[test]
fn package_prints_helms_line_and_helm_accepts_the_archive() {
    let work = TempDir::new("accept");
    let out = work.path().join("out");
    let o = run_chartpack(work.path(), &["package", &repo_root().join("examples/demo").to_string_lossy(), "-d", "out"]);
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout), "Successfully packaged chart and saved it to: out/demo-0.1.0.tgz\n");
    assert!(out.join("demo-0.1.0.tgz").is_file());
    let Some(helm) = Helm::find("e2e") else { return };
    let shown = helm.run(work.path(), &["show", "chart", "out/demo-0.1.0.tgz"]);
    assert!(shown.status.success(), "helm refused chartpack's archive: {}", String::from_utf8_lossy(&shown.stderr));
    let rendered = helm.run(work.path(), &["template", "x", "out/demo-0.1.0.tgz"]);
    assert!(rendered.status.success(), "helm template failed: {}", String::from_utf8_lossy(&rendered.stderr));
}

#[test]
fn overrides_and_errors_read_like_helm() {
    let work = TempDir::new("overrides");
    let demo = repo_root().join("examples/demo");
    let o = run_chartpack(
        work.path(),
        &["package", &demo.to_string_lossy(), "-d", "out", "--version", "1.2.3+build.5", "--app-version", "9.9"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let archive =
        std::fs::read(work.path().join("out/demo-1.2.3+build.5.tgz")).expect("archive named as helm names it");
    let tar = gunzip(&archive);
    let chart_yaml = raw_entries(&tar).into_iter().find(|e| e.name == "demo/Chart.yaml").expect("Chart.yaml entry");
    let text = String::from_utf8_lossy(&chart_yaml.raw[512..]);
    assert!(text.contains("appVersion: \"9.9\"\n") && text.contains("version: 1.2.3+build.5\n"), "{text}");

    let bad = run_chartpack(work.path(), &["package", &demo.to_string_lossy(), "--version", "not-a-version"]);
    assert!(!bad.status.success());
    assert_eq!(String::from_utf8_lossy(&bad.stderr), "Error: invalid semantic version\n");

    let missing = run_chartpack(work.path(), &["package", "no-such-dir"]);
    assert_eq!(String::from_utf8_lossy(&missing.stderr), "Error: stat no-such-dir: no such file or directory\n");
    assert!(!missing.status.success());
}

#[test]
fn verify_refuses_a_truncated_archive_with_the_reason() {
    let work = TempDir::new("verify");
    let bytes = package(&repo_root().join("examples/demo"), &work.path().join("out"), &["--reproducible"], None);
    std::fs::write(work.path().join("cut.tgz"), &bytes[..bytes.len() / 2]).expect("write");
    let ok = run_chartpack(work.path(), &["verify", "out/demo-0.1.0.tgz"]);
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("Verified out/demo-0.1.0.tgz: chart demo version 0.1.0,"));
    let cut = run_chartpack(work.path(), &["verify", "cut.tgz"]);
    assert!(!cut.status.success());
    assert_eq!(String::from_utf8_lossy(&cut.stderr), "Error: cut.tgz: unexpected EOF\n");
}
