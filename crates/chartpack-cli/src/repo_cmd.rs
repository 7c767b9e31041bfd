//! `chartpack repo index DIR [--url URL] [--merge FILE] [--json]`: helm's `repo index`. This
//! file finds the archives as helm's `filepath.Glob` does, reads files and writes the index
//! (through a temporary file, as helm's `AtomicWriteFile`); [`chartpack::chart::repo_index`]
//! does the rest. The time comes from `SOURCE_DATE_EPOCH` when set, else the clock, written in
//! UTC.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use chartpack::chart::repo_index::{self, slog_line, IndexFile, IndexNote};
use chartpack::chart::{load_directory, Timestamp, DEFAULT_LOAD_LIMITS};
use chartpack_cli::walk;

use crate::args::Args;

const USAGE: &str = "Usage:  chartpack repo index [DIR] [flags]";

/// `chartpack repo SUBCOMMAND …`.
pub(crate) fn cmd_repo(argv: &[String]) -> Result<(), String> {
    match argv.first().map(String::as_str) {
        Some("index") => cmd_index(&argv[1..]),
        _ => Err("usage: chartpack repo index DIR [--url URL] [--merge FILE] [--json]".to_owned()),
    }
}

fn cmd_index(argv: &[String]) -> Result<(), String> {
    let args = Args::new(argv, &["--url", "--merge"], &["--json"])?;
    let [dir] = args.positional.as_slice() else {
        return Err(format!("\"chartpack repo index\" requires 1 argument\n\n{USAGE}"));
    };
    let json = args.flag("--json");
    let base_url = args.value(&["--url"]).unwrap_or_default();
    let merge = args.value(&["--merge"]).filter(|m| !m.is_empty());
    let dir = walk::absolute(Path::new(dir));
    let now = crate::source_date_epoch()?.unwrap_or_else(crate::now);

    // helm's IndexDirectory: load every match, unsorted.
    let mut index = IndexFile::new(now, 0);
    for path in glob_archives(&dir) {
        let relative = relative_path(&dir, &path);
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        let notes = if meta.is_dir() {
            // helm's loader takes a directory matching `*.tgz` as a chart directory; hashing
            // it fails, and helm's Digest turns that into an empty digest.
            let Ok(files) = walk::read_chart_dir(&path) else { continue };
            let Ok(chart) = load_directory(files, &DEFAULT_LOAD_LIMITS) else { continue };
            let notes = chart.notices.iter().map(|n| IndexNote::Notice { path: relative.clone(), message: n.clone() });
            let notes: Vec<IndexNote> = notes.collect();
            index.add(chart.metadata, &relative, &base_url, "", now, 0)?;
            notes
        } else {
            let Ok(bytes) = std::fs::read(&path) else { continue };
            repo_index::add_archive(&mut index, &relative, &bytes, &base_url, now, 0)
        };
        for note in notes {
            if let IndexNote::Notice { message, .. } = note {
                eprintln!("{}", slog_line("INFO", &message, &[]));
            }
        }
    }

    if let Some(merge) = merge {
        let merge_path = Path::new(&merge);
        let old = match std::fs::metadata(merge_path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // helm writes an empty index to the missing file first (ignoring failures).
                let empty = IndexFile::new(now, 0);
                let _ = write_index(&empty, merge_path, json);
                empty
            }
            meta => {
                let bytes = match meta {
                    Ok(m) if m.is_dir() => return Err(format!("merge failed: read {merge}: is a directory")),
                    _ => std::fs::read(merge_path)
                        .map_err(|e| format!("merge failed: open {merge}: {}", walk::io_text(&e)))?,
                };
                let (old, warnings) = IndexFile::load(&bytes, &merge);
                for warning in &warnings {
                    eprintln!("{}", slog_line("WARN", warning, &[]));
                }
                old.map_err(|e| format!("merge failed: error loading {merge}: {e}"))?
            }
        };
        for line in repo_index::merge_unsorted(&mut index, &old) {
            eprintln!("{line}");
        }
    }
    index.sort_entries();
    write_index(&index, &dir.join("index.yaml"), json)
}

/// The archives helm's `IndexDirectory` finds: `filepath.Glob(DIR/*.tgz)` then
/// `filepath.Glob(DIR/**/*.tgz)` (Go's `**` is `*`: one level of subdirectories). Names are
/// sorted bytewise in each directory; dot files count; links are followed; every name ending in
/// `.tgz` matches, directories too.
fn glob_archives(dir: &Path) -> Vec<PathBuf> {
    let mut out = tgz_in(dir);
    for name in sorted_names(dir) {
        out.extend(tgz_in(&dir.join(name)));
    }
    out
}

fn tgz_in(dir: &Path) -> Vec<PathBuf> {
    if !std::fs::metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Vec::new();
    }
    sorted_names(dir).into_iter().filter(|n| n.as_encoded_bytes().ends_with(b".tgz")).map(|n| dir.join(n)).collect()
}

fn sorted_names(dir: &Path) -> Vec<OsString> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<OsString> = entries.flatten().map(|e| e.file_name()).collect();
    names.sort_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
    names
}

/// `path` relative to `dir`, `/`-separated (helm's `filepath.Rel`).
fn relative_path(dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(dir).unwrap_or(path);
    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
}

/// helm's `writeIndexFile` through `AtomicWriteFile`: a temporary file beside `target`
/// (`index.yaml<digits>`, as Go's `os.CreateTemp`), mode 0644, then renamed over `target`.
fn write_index(index: &IndexFile, target: &Path, json: bool) -> Result<(), String> {
    let text = if json { index.to_json() } else { index.to_yaml() }.map_err(|e| e.to_string())?;
    let dir = target.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let base = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut seed = now_seed();
    for _ in 0..10_000 {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let tmp = dir.join(format!("{base}{seed}"));
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp);
        let mut file = match file {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("open {}: {}", tmp.display(), walk::io_text(&e))),
        };
        let written = std::io::Write::write_all(&mut file, text.as_bytes()).and_then(|()| file.sync_all());
        drop(file);
        let result = written
            .map_err(|e| format!("write {}: {}", tmp.display(), walk::io_text(&e)))
            .and_then(|()| set_mode(&tmp))
            .and_then(|()| {
                std::fs::rename(&tmp, target).map_err(|e| {
                    format!(
                        "link error: cannot rename {0} to {1}: rename {0} {1}: {2}",
                        tmp.display(),
                        target.display(),
                        walk::io_text(&e)
                    )
                })
            });
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        return result;
    }
    Err(format!("open {}: file exists", dir.join(format!("{base}*")).display()))
}

#[cfg(unix)]
fn set_mode(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
        .map_err(|e| format!("chmod {}: {}", path.display(), walk::io_text(&e)))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path) -> Result<(), String> {
    Ok(())
}

/// A seed for temporary names (Go uses a random `uint32`).
fn now_seed() -> u32 {
    let t: Timestamp = crate::now();
    (t.nanos ^ (t.secs as u32) ^ std::process::id().rotate_left(16)).max(1)
}
