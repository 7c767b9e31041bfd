//! Shared plumbing of the end-to-end tests: where the corpus, helm and the chartpack binary
//! are, private helm state, temporary directories, running both tools against a registry, and tar
//! stream helpers.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

pub mod js;
pub mod load;
pub mod proxy;

pub use chartpack_testkit::{corpus, repo_root, Helm, TempDir};

/// The chartpack binary built next to this test (`cargo build -p chartpack-cli` first), or next
/// to this benchmark binary.
pub fn chartpack_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // Tests run from `target/<profile>/deps`, binaries from `target/<profile>`.
    let own_dir = exe.parent().expect("executable dir");
    let dir = if own_dir.join("chartpack").is_file() { own_dir } else { own_dir.parent().expect("target dir") };
    let bin = dir.join("chartpack");
    assert!(
        bin.is_file(),
        "{} missing: build it with `cargo build -p chartpack-cli` (scripts/test.sh does)",
        bin.display()
    );
    bin
}

/// Runs the chartpack binary.
pub fn run_chartpack(cwd: &Path, args: &[&str]) -> Output {
    Command::new(chartpack_bin())
        .args(args)
        .current_dir(cwd)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run chartpack")
}

/// chartpack in `work` with `config` as its registry config (`$HELM_REGISTRY_CONFIG`, as helm),
/// no docker config, UTC and no `SOURCE_DATE_EPOCH`.
pub fn chartpack_command(work: &Path, config: &Path) -> Command {
    let mut cmd = Command::new(chartpack_bin());
    cmd.current_dir(work)
        .env("HELM_REGISTRY_CONFIG", config)
        .env("DOCKER_CONFIG", work.join("no-docker-config"))
        .env("TZ", "UTC")
        .env_remove("SOURCE_DATE_EPOCH");
    cmd
}

/// helm in `work` with `--registry-config config` (the file chartpack writes too).
pub fn helm_with(helm: &Helm, work: &Path, config: &Path, args: &[&str]) -> Output {
    helm.command(work).args(args).arg("--registry-config").arg(config).output().expect("run helm")
}

/// Runs `cmd` with `args` added.
pub fn run(mut cmd: Command, args: &[&str]) -> Output {
    cmd.args(args).output().expect("run command")
}

/// Runs `cmd` with `args` added and `input` on its stdin (a `--password-stdin` login).
pub fn run_with_stdin(mut cmd: Command, args: &[&str], input: &str) -> Output {
    let mut child =
        cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait")
}

/// Output bytes as text (invalid UTF-8 replaced).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts that `what` succeeded, printing both streams if not; its stdout.
#[track_caller]
pub fn ok(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Asserts that `what` failed with exit code 1; its stderr.
#[track_caller]
pub fn failed(out: &Output, what: &str) -> String {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{what}: expected exit 1\nstdout: {stdout}\nstderr: {stderr}");
    stderr
}

/// The `Error: …` line of a stderr (empty when there is none).
pub fn error_line(stderr: &str) -> String {
    stderr.lines().find(|l| l.starts_with("Error: ")).unwrap_or_default().to_owned()
}

/// `helm create demo && helm package demo` in `work`: the archive, `work/demo-0.1.0.tgz`.
pub fn demo_chart(helm: &Helm, work: &Path) -> PathBuf {
    ok(&helm.run(work, &["create", "demo"]), "helm create");
    ok(&helm.run(work, &["package", "demo"]), "helm package");
    work.join("demo-0.1.0.tgz")
}

/// Creates `path` and its parents; `path`.
pub fn mkdir(path: PathBuf) -> PathBuf {
    std::fs::create_dir_all(&path).expect("mkdir");
    path
}

/// The names in `dir`, sorted (none if it does not exist).
pub fn file_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> = entries.map(|e| e.expect("dir entry").file_name().to_string_lossy().into()).collect();
    names.sort();
    names
}

/// `path` as an argument (test paths are UTF-8).
pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Decompresses a gzip stream.
pub fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("valid gzip");
    out
}

/// One tar entry: its name and its raw bytes (header blocks, including any PAX header, and
/// padded content).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RawEntry {
    /// The name from the (last) header.
    pub name: String,
    /// The raw blocks.
    pub raw: Vec<u8>,
}

/// Splits a tar stream into raw entries (a PAX `x` header stays with the entry it describes).
pub fn raw_entries(tar: &[u8]) -> Vec<RawEntry> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut start = 0;
    while at + 512 <= tar.len() {
        let header = &tar[at..at + 512];
        if header.iter().all(|b| *b == 0) {
            break;
        }
        let size_field = std::str::from_utf8(&header[124..136]).unwrap_or("0");
        let size =
            u64::from_str_radix(size_field.trim_matches(|c: char| c == '\0' || c == ' '), 8).unwrap_or(0) as usize;
        let typeflag = header[156];
        let end = at + 512 + size.div_ceil(512) * 512;
        if typeflag == b'x' {
            at = end;
            continue;
        }
        let name_end = header[..100].iter().position(|b| *b == 0).unwrap_or(100);
        let prefix_end = header[345..500].iter().position(|b| *b == 0).unwrap_or(155);
        let name = String::from_utf8_lossy(&header[..name_end]).into_owned();
        let prefix = String::from_utf8_lossy(&header[345..345 + prefix_end]).into_owned();
        let name = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        out.push(RawEntry { name, raw: tar[start..end.min(tar.len())].to_vec() });
        at = end;
        start = end;
    }
    out
}

/// Lists the charts of the corpus (directory names under `charts/`), sorted.
pub fn corpus_charts(corpus: &Path) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(corpus.join("charts"))
        .expect("read corpus charts")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

/// Runs `f` over `items` on a few threads and collects failures (one line each).
pub fn parallel<T: Sync, F: Fn(&T) -> Result<(), String> + Sync>(items: &[T], f: F) -> Vec<String> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 4);
    let next = AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                if let Err(e) = f(item) {
                    failures.lock().expect("lock").push(e);
                }
            });
        }
    });
    let mut failures = failures.into_inner().expect("lock");
    failures.sort();
    failures
}

/// Helpers shared by the benchmark binaries (`src/bin/bench*.rs`).
pub mod bench {
    use std::path::Path;
    use std::time::{Duration, Instant};

    /// The median of `samples` (the upper one of an even count).
    pub fn median(mut samples: Vec<Duration>) -> Duration {
        samples.sort();
        samples[samples.len() / 2]
    }

    /// Runs `f` once to warm caches, then `runs` times; the median time.
    pub fn time_runs(runs: usize, mut f: impl FnMut()) -> Duration {
        f();
        median(
            (0..runs)
                .map(|_| {
                    let start = Instant::now();
                    f();
                    start.elapsed()
                })
                .collect(),
        )
    }

    /// Bytes of every file below `dir`.
    pub fn dir_bytes(dir: &Path) -> u64 {
        let mut total = 0;
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    total += dir_bytes(&p);
                } else if let Ok(m) = std::fs::metadata(&p) {
                    total += m.len();
                }
            }
        }
        total
    }

    /// A duration in milliseconds.
    pub fn ms(d: Duration) -> f64 {
        d.as_secs_f64() * 1e3
    }

    /// helm (private state) in `cwd` with `args`.
    pub fn helm_cmd(helm: &crate::Helm, cwd: &Path, args: &[&str]) -> std::process::Command {
        let mut command = helm.command(cwd);
        command.args(args);
        command
    }

    /// The chartpack binary `bin` in `cwd` with `args`, its registry and repository
    /// configuration private to `cwd`.
    pub fn chartpack_cmd(bin: &Path, cwd: &Path, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(bin);
        command
            .args(args)
            .current_dir(cwd)
            .env("HELM_REGISTRY_CONFIG", cwd.join("registry.json"))
            .env("HELM_REPOSITORY_CONFIG", cwd.join("no-repositories.yaml"));
        command
    }

    /// The `count` largest corpus charts (by bytes on disk) that helm packages (into `out`).
    pub fn largest_packable_charts(
        corpus: &Path,
        helm: &crate::Helm,
        work: &Path,
        out: &Path,
        count: usize,
    ) -> Vec<std::path::PathBuf> {
        let mut charts: Vec<(u64, std::path::PathBuf)> = std::fs::read_dir(corpus.join("charts"))
            .expect("corpus charts")
            .flatten()
            .map(|e| (dir_bytes(&e.path()), e.path()))
            .collect();
        charts.sort_by_key(|c| std::cmp::Reverse(c.0));
        let out = out.to_string_lossy();
        charts
            .into_iter()
            .filter(|(_, c)| helm.run(work, &["package", &c.to_string_lossy(), "-d", &out]).status.success())
            .take(count)
            .map(|(_, c)| c)
            .collect()
    }

    /// Runs a command and fails loudly: a benchmark of a failing command measures nothing.
    pub fn run(mut command: std::process::Command) {
        let out = command.output().expect("spawn");
        assert!(out.status.success(), "{command:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
