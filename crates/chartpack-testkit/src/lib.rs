//! Test plumbing shared by chartpack's crates and end-to-end tests: where the shared corpus and
//! the real helm binary are, helm runs with private state, temporary directories, and the
//! registry harness: the real `distribution` registry with Basic or token auth
//! ([`registry`]), a fault-injecting relay in front of it ([`fault_relay`]), and a static file
//! server for classic chart repositories ([`static_server`]).
//! Dev-dependency only; never part of a shipped build.
#![allow(clippy::print_stdout, clippy::print_stderr)] // notes about skipped cases are the point

pub mod fault_relay;
pub mod http;
pub mod registry;
pub mod static_server;

pub use fault_relay::{Fault, FaultKind, FaultPlan, FaultRelay, Rule};
pub use registry::{Registry, RegistryAuth, RegistryExtras, TokenRequest, TokenServer};
pub use static_server::StaticServer;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The workspace root (this crate lives in `crates/chartpack-testkit`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared corpus: `CHARTPACK_CORPUS`, else `../shared/corpus` beside the repository.
/// `None`, with a note on stderr, when absent: corpus cases are then skipped.
pub fn corpus() -> Option<PathBuf> {
    let path =
        std::env::var_os("CHARTPACK_CORPUS").map(PathBuf::from).unwrap_or_else(|| repo_root().join("../shared/corpus"));
    if path.join("charts").is_dir() && path.join("archives").is_dir() {
        Some(path)
    } else {
        eprintln!("note: corpus not found at {} (set CHARTPACK_CORPUS); corpus cases skipped", path.display());
        None
    }
}

/// The real helm v4 binary, with private, empty config/cache/data directories.
pub struct Helm {
    bin: PathBuf,
    home: TempDir,
}

impl Helm {
    /// Finds helm v4: `HELM`, else `~/.cache/chartpack/helm` (where `scripts/setup.sh` puts it),
    /// else `helm` on `PATH`. Missing helm fails under CI (`CI` set) and skips with a note
    /// elsewhere.
    pub fn find(label: &str) -> Option<Helm> {
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(p) = std::env::var_os("HELM") {
            candidates.push(p.into());
        }
        if let Some(home) = std::env::var_os("HOME") {
            candidates.push(Path::new(&home).join(".cache/chartpack/helm"));
        }
        candidates.push("helm".into());
        for bin in candidates {
            let Ok(out) = Command::new(&bin).args(["version", "--short"]).output() else { continue };
            if out.status.success() && String::from_utf8_lossy(&out.stdout).starts_with("v4.") {
                return Some(Helm { bin, home: TempDir::new(&format!("helm-{label}")) });
            }
        }
        assert!(std::env::var_os("CI").is_none(), "no helm v4 binary under CI: run scripts/setup.sh");
        eprintln!("note: no helm v4 binary found (set HELM or run scripts/setup.sh); helm cases skipped");
        None
    }

    /// The binary's path.
    pub fn path(&self) -> &Path {
        &self.bin
    }

    /// A helm command in `cwd` with private state, UTC, and no `SOURCE_DATE_EPOCH`.
    pub fn command(&self, cwd: &Path) -> Command {
        let home = self.home.path();
        let mut cmd = Command::new(&self.bin);
        cmd.current_dir(cwd)
            .env("HELM_CONFIG_HOME", home.join("config"))
            .env("HELM_CACHE_HOME", home.join("cache"))
            .env("HELM_DATA_HOME", home.join("data"))
            .env("HELM_REGISTRY_CONFIG", home.join("config/registry.json"))
            .env("HELM_REPOSITORY_CONFIG", home.join("config/repositories.yaml"))
            .env("KUBECONFIG", home.join("no-kubeconfig"))
            .env("TZ", "UTC")
            .env_remove("SOURCE_DATE_EPOCH");
        cmd
    }

    /// Runs helm with `args` in `cwd`.
    pub fn run(&self, cwd: &Path, args: &[&str]) -> Output {
        self.command(cwd).args(args).output().expect("run helm")
    }
}

/// A fresh, empty temporary directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates one under the system temp dir.
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("chartpack-test-{}-{label}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `text` with every double-quoted RFC 3339 time (`"2026-11-26T17:42:09.123Z"`) replaced by
/// `"TIME"`, except those starting with `keep` (times a test wrote itself): helm stamps
/// `created` and `generated` with the clock.
pub fn blank_times(text: &str, keep: &str) -> String {
    let looks_like_time = |s: &str| {
        let b = s.as_bytes();
        b.len() >= 20
            && b[..19].iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                _ => c.is_ascii_digit(),
            })
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('"') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let Some(end) = rest.find('"') else { continue };
        let quoted = &rest[..end];
        if looks_like_time(quoted) && !quoted.starts_with(keep) {
            out.push_str("TIME\"");
            rest = &rest[end + 1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::blank_times;

    #[test]
    fn blank_times_blanks_clock_times_only() {
        let text = r#"created: "2026-11-26T17:42:09.123456789Z"
old: "2001-02-03T04:05:06Z"
name: "not-a-time"
short: "2026-11-26T17:42""#;
        assert_eq!(
            blank_times(text, "2001-"),
            "created: \"TIME\"\nold: \"2001-02-03T04:05:06Z\"\nname: \"not-a-time\"\nshort: \"2026-11-26T17:42\""
        );
    }
}
