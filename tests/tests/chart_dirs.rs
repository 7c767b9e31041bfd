//! Odd and hostile chart directories built in the test (FIFOs, broken and looping symbolic
//! links, oversized files, links leaving the chart): `chartpack package` against `helm package`.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

use chartpack_e2e::{gunzip, run_chartpack, Helm, TempDir};

fn chart(dir: &Path) {
    std::fs::create_dir_all(dir.join("templates")).expect("mkdir");
    std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 1.0.0\n").expect("write");
    std::fs::write(dir.join("templates/cm.yaml"), "kind: ConfigMap\n").expect("write");
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().expect("mkfifo").success());
}

/// Packages `c` under `work` with both tools; returns (helm stderr/ok, chartpack stderr/ok).
fn both(helm: &Helm, work: &Path) -> ((bool, String), (bool, String)) {
    let h = helm.run(work, &["package", "c", "-d", "helm-out"]);
    let c = run_chartpack(work, &["package", "c", "-d", "ours-out"]);
    (
        (h.status.success(), String::from_utf8_lossy(&h.stderr).lines().filter(|l| l.starts_with("Error")).collect()),
        (c.status.success(), String::from_utf8_lossy(&c.stderr).trim().to_owned()),
    )
}

#[track_caller]
fn check_same(name: &str, setup: impl FnOnce(&Path)) {
    let Some(helm) = Helm::find("e2e") else { return };
    let work = TempDir::new(name);
    chart(&work.path().join("c"));
    setup(&work.path().join("c"));
    let (h, c) = both(&helm, work.path());
    assert_eq!(h, c, "{name}: (helm ok, error) vs (chartpack ok, error)");
    if h.0 {
        let read = |d: &str| gunzip(&std::fs::read(work.path().join(d).join("c-1.0.0.tgz")).expect("archive"));
        assert_eq!(read("helm-out"), read("ours-out"), "{name}: tar streams differ");
    }
}

#[test]
fn fifo_is_refused_like_helm() {
    check_same("fifo", |c| mkfifo(&c.join("templates/pipe")));
}

#[test]
fn ignored_fifo_is_fine_like_helm() {
    check_same("ignored-fifo", |c| {
        mkfifo(&c.join("templates/pipe"));
        std::fs::write(c.join(".helmignore"), "templates/pipe\n").expect("write");
    });
}

#[test]
fn broken_symlinks_are_refused_like_helm() {
    check_same("broken-abs", |c| symlink("/no/such/target", c.join("templates/x.yaml")).expect("symlink"));
    check_same("broken-rel", |c| symlink("../missing/x", c.join("templates/x.yaml")).expect("symlink"));
}

#[test]
fn oversized_files_are_refused_like_helm() {
    check_same("big", |c| std::fs::write(c.join("big.bin"), vec![0u8; 5 * 1024 * 1024 + 1]).expect("write"));
    check_same("limit", |c| std::fs::write(c.join("ok.bin"), vec![7u8; 5 * 1024 * 1024]).expect("write"));
}

#[test]
fn links_are_followed_like_helm() {
    check_same("links", |c| {
        let outside = c.parent().expect("parent").join("outside");
        std::fs::create_dir_all(outside.join("sub")).expect("mkdir");
        std::fs::write(outside.join("sub/data.txt"), "outside\n").expect("write");
        std::fs::write(outside.join("file.txt"), "file\n").expect("write");
        symlink(&outside, c.join("linked-dir")).expect("symlink");
        symlink(outside.join("file.txt"), c.join("linked-file.txt")).expect("symlink");
    });
}

#[test]
fn symlink_cycles_are_refused() {
    // helm walks the loop until the OS says "too many levels of symbolic links"; chartpack stops
    // at the first repeat with its own message.
    let work = TempDir::new("cycle");
    let c = work.path().join("c");
    chart(&c);
    symlink("..", c.join("templates/loop")).expect("symlink");
    let out = run_chartpack(work.path(), &["package", "c"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("Error: symbolic link cycle at ") && err.trim_end().ends_with("c/templates/loop"), "{err}");
    if let Some(helm) = Helm::find("e2e") {
        let h = helm.run(work.path(), &["package", "c"]);
        assert!(!h.status.success(), "helm refuses the loop too");
    }
}
