//! Running the npm package's JS tests (`pkg/test/*.mjs`) from Rust tests: what they need, where
//! they leave results, Node as a child with a time limit, and their `key=value` result files.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::repo_root;

/// The repository root when everything the JS tests need is there: the built package
/// (`pkg/dist`), `node_modules` (each of `modules`, e.g. `node_modules/playwright-core`),
/// Node 20+ and Chromium (`CHROMIUM`, else `chromium`). `None` (with a note naming `what`)
/// when something is missing, and a failure under CI (`CI` set).
pub fn prerequisites(what: &str, modules: &[&str]) -> Option<PathBuf> {
    let root = repo_root().canonicalize().expect("repository root");
    let mut missing = Vec::new();
    let has_wasm = std::fs::read_dir(root.join("pkg/dist"))
        .map(|d| d.flatten().any(|e| e.path().extension().is_some_and(|x| x == "wasm")))
        .unwrap_or(false);
    if !has_wasm || !root.join("pkg/index.js").is_file() {
        missing.push("the built package: pkg/index.js and pkg/dist/*.wasm (scripts/build-pkg.sh)".to_owned());
    }
    for module in modules {
        if !root.join(module).exists() {
            missing.push(format!("{module} (npm ci at the repository root)"));
        }
    }
    let node = Command::new("node").arg("--version").output().ok().filter(|o| o.status.success());
    let major = node.as_ref().and_then(|o| {
        String::from_utf8_lossy(&o.stdout).trim().trim_start_matches('v').split('.').next()?.parse::<u32>().ok()
    });
    if major.is_none_or(|m| m < 20) {
        missing.push("Node.js 20 or newer on PATH".to_owned());
    }
    let chromium = std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("chromium"), PathBuf::from);
    if !Command::new(&chromium).arg("--version").output().is_ok_and(|o| o.status.success()) {
        missing.push("Chromium (apt package chromium, or CHROMIUM)".to_owned());
    }
    if missing.is_empty() {
        return Some(root);
    }
    assert!(std::env::var_os("CI").is_none(), "{what} cannot run under CI; missing: {missing:#?}");
    eprintln!("note: {what} skipped; missing: {}", missing.join("; "));
    None
}

/// Where the JS tests leave screenshots and results: `<target>/debug/NAME/` (kept).
pub fn results_dir(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().and_then(Path::parent).expect("target dir").join(name);
    std::fs::create_dir_all(&dir).expect("create results dir");
    dir
}

/// A finished child: exit code (None when killed), its output, how long it took.
pub struct Run {
    /// The command line, for messages.
    pub what: String,
    /// Its exit code; `None` when killed.
    pub code: Option<i32>,
    /// Everything it wrote to stdout.
    pub stdout: String,
    /// Everything it wrote to stderr.
    pub stderr: String,
    /// How long it ran.
    pub elapsed: Duration,
    /// Whether it was killed for taking too long.
    pub timed_out: bool,
}

impl Run {
    /// Panics with both streams unless it exited 0.
    #[track_caller]
    pub fn assert_ok(&self) {
        assert!(
            self.code == Some(0),
            "{} {} (exit {:?}{}, {:.1} s)\n--- stdout\n{}\n--- stderr\n{}",
            self.what,
            if self.timed_out { "timed out" } else { "failed" },
            self.code,
            if self.timed_out { ", killed" } else { "" },
            self.elapsed.as_secs_f64(),
            self.stdout,
            self.stderr
        );
    }
}

/// Runs `node ARGS` in `root` with `env`, output to files in `logs` (named by `label`), killed
/// after `timeout`.
pub fn node(root: &Path, logs: &Path, label: &str, args: &[&str], env: &[(&str, String)], timeout: Duration) -> Run {
    let out_path = logs.join(format!("{label}.stdout"));
    let err_path = logs.join(format!("{label}.stderr"));
    let mut cmd = Command::new("node");
    cmd.args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).expect("stdout file"))
        .stderr(File::create(&err_path).expect("stderr file"))
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn node");
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            break status;
        }
        if start.elapsed() > timeout {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait for killed node");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let run = Run {
        what: format!("node {}", args.join(" ")),
        code: status.code(),
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
        elapsed: start.elapsed(),
        timed_out,
    };
    eprintln!("{label}: exit {:?} in {:.1} s", run.code, run.elapsed.as_secs_f64());
    run
}

/// Reads a `key=value` results file a JS test wrote.
#[track_caller]
pub fn key_values(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

/// The value of `key`; panics naming the key and showing every value when it is missing.
#[track_caller]
pub fn get<'a>(values: &'a BTreeMap<String, String>, key: &str) -> &'a str {
    values.get(key).map(String::as_str).unwrap_or_else(|| panic!("no {key} in {values:#?}"))
}
