//! Shared plumbing of the end-to-end tests: where the corpus, helm and the chartpack binary
//! are, private helm state, temporary directories, and tar stream helpers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub use chartpack_testkit::{corpus, repo_root, Helm, TempDir};

/// The chartpack binary built next to this test (`cargo build -p chartpack-cli` first).
pub fn chartpack_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
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
