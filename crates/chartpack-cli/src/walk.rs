//! Reading a chart directory from disk the way helm's `LoadDir` walks it: sorted, depth-first,
//! symbolic links followed, `.helmignore` pruning, irregular files and oversized files refused.
//! All chart logic stays in the core; this only turns a directory into `ChartFile`s.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use chartpack::chart::{ChartFile, IgnoreRules, Timestamp, HELMIGNORE};
use chartpack::SourceTree;

/// helm's per-file limit for chart directories (`MaxDecompressedFileSize`).
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;
/// chartpack's own bound on a directory's total size: helm could not load a larger archive.
pub const MAX_TOTAL_BYTES: u64 = 100 * 1024 * 1024;

/// A directory walk failure, in helm's words where helm has them.
#[derive(Debug)]
pub struct WalkError {
    /// Path concerned.
    pub path: String,
    /// Message.
    pub message: String,
}

/// Reads every non-ignored file of a chart directory, like helm's `LoadDir`.
pub fn read_chart_dir(dir: &Path) -> Result<Vec<ChartFile>, WalkError> {
    read_chart_dir_with_links(dir).0
}

/// A symbolic link the walk followed: helm's `LoadDir` logs each one (ignored or not, but not
/// inside ignored directories) as `found symbolic link in path`, with both paths absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowedLink {
    /// The link's path under the absolute chart directory.
    pub path: PathBuf,
    /// Where it leads, every link resolved (Go's `filepath.EvalSymlinks`).
    pub resolved: PathBuf,
}

/// [`read_chart_dir`], plus the symbolic links followed before it finished or failed.
pub fn read_chart_dir_with_links(dir: &Path) -> (Result<Vec<ChartFile>, WalkError>, Vec<FollowedLink>) {
    let root = absolute(dir);
    let rules = match fs::read(root.join(HELMIGNORE)) {
        Ok(bytes) => match IgnoreRules::parse(&String::from_utf8_lossy(&bytes)) {
            Ok(rules) => rules,
            Err(e) => return (Err(WalkError { path: HELMIGNORE.to_owned(), message: e.to_string() }), Vec::new()),
        },
        Err(_) => IgnoreRules::default(),
    };
    let mut walker = Walker { root: root.clone(), rules, files: Vec::new(), total: 0, links: Vec::new() };
    let walked = walker.walk_dir(&root, "", &mut Vec::new());
    (walked.map(|()| walker.files), walker.links)
}

/// What `helm lint` reads directly from a chart directory before loading it: the top-level
/// entries (files and directories, symbolic links followed, nothing ignored) with the contents
/// of `Chart.yaml`, `values.yaml` and `values.schema.json` (each at most 5 MiB). Nothing else
/// is read, so a huge ignored tree costs nothing here.
pub fn read_source_tree(dir: &Path) -> SourceTree {
    let mut tree = SourceTree::default();
    let Ok(entries) = fs::read_dir(dir) else { return tree };
    let mut names: Vec<String> = entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    for name in names {
        let path = dir.join(&name);
        let Ok(meta) = fs::metadata(&path) else { continue };
        if meta.is_dir() {
            tree.dirs.push(name);
            continue;
        }
        let data = if matches!(name.as_str(), "Chart.yaml" | "values.yaml" | "values.schema.json") {
            let mut data = Vec::new();
            let read = fs::File::open(&path).and_then(|f| f.take(MAX_FILE_BYTES).read_to_end(&mut data));
            if read.is_err() {
                continue;
            }
            data
        } else {
            Vec::new()
        };
        tree.files.push(ChartFile { path: name, data, modified: Timestamp::default() });
    }
    tree
}

/// Go's `filepath.Abs`: joined to the working directory and lexically cleaned (helm walks,
/// and names in lint findings, the chart directory this way).
pub fn absolute(dir: &Path) -> PathBuf {
    let joined = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir().map(|cwd| cwd.join(dir)).unwrap_or_else(|_| dir.to_path_buf())
    };
    let mut cleaned = PathBuf::from("/");
    for component in joined.components() {
        match component {
            std::path::Component::ParentDir => {
                cleaned.pop();
            }
            std::path::Component::Normal(part) => cleaned.push(part),
            _ => {}
        }
    }
    cleaned
}

struct Walker {
    root: PathBuf,
    rules: IgnoreRules,
    files: Vec<ChartFile>,
    total: u64,
    links: Vec<FollowedLink>,
}

impl Walker {
    fn error(&self, rel: &str, message: String) -> WalkError {
        WalkError { path: rel.to_owned(), message }
    }

    /// Walks `dir` (its relative path `rel`); `stack` holds canonical directories being walked,
    /// so a symbolic link back to an ancestor is refused instead of looping forever.
    fn walk_dir(&mut self, dir: &Path, rel: &str, stack: &mut Vec<PathBuf>) -> Result<(), WalkError> {
        let canonical = fs::canonicalize(dir).map_err(|e| self.error(rel, format!("error reading {rel}: {e}")))?;
        if stack.contains(&canonical) {
            return Err(self.error(rel, format!("symbolic link cycle at {}", dir.display())));
        }
        stack.push(canonical);
        let mut names: Vec<String> = fs::read_dir(dir)
            .map_err(|e| self.error(rel, format!("error reading {}: {e}", dir.display())))?
            .filter_map(|entry| entry.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        for name in names {
            let path = dir.join(&name);
            let child_rel = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            if let Err(e) = self.walk_entry(&path, &child_rel, stack) {
                stack.pop();
                return Err(e);
            }
        }
        stack.pop();
        Ok(())
    }

    fn walk_entry(&mut self, path: &Path, rel: &str, stack: &mut Vec<PathBuf>) -> Result<(), WalkError> {
        let link = fs::symlink_metadata(path).map_err(|e| self.error(rel, format!("lstat {}: {e}", path.display())))?;
        let meta = if link.file_type().is_symlink() {
            let meta = fs::metadata(path).map_err(|e| {
                let missing = first_missing_component(path).unwrap_or_else(|| path.to_path_buf());
                self.error(
                    rel,
                    format!(
                        "error evaluating symlink {}: lstat {}: {}",
                        path.display(),
                        missing.display(),
                        io_text(&e)
                    ),
                )
            })?;
            let resolved = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            self.links.push(FollowedLink { path: path.to_path_buf(), resolved });
            meta
        } else {
            link
        };
        if meta.is_dir() {
            if self.rules.ignores(rel, true) {
                return Ok(());
            }
            return self.walk_dir(path, rel, stack);
        }
        if self.rules.ignores(rel, false) {
            return Ok(());
        }
        if !meta.is_file() {
            return Err(self.error(
                rel,
                format!("cannot load irregular file {} as it has file mode type bits set", path.display()),
            ));
        }
        if meta.len() > MAX_FILE_BYTES {
            let base = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            return Err(
                self.error(rel, format!("chart file \"{base}\" is larger than the maximum file size {MAX_FILE_BYTES}"))
            );
        }
        let mut data = Vec::with_capacity(meta.len() as usize);
        fs::File::open(path)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut data))
            .map_err(|e| self.error(rel, format!("error reading {rel}: {e}")))?;
        if data.len() as u64 > MAX_FILE_BYTES {
            let base = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            return Err(
                self.error(rel, format!("chart file \"{base}\" is larger than the maximum file size {MAX_FILE_BYTES}"))
            );
        }
        self.total += data.len() as u64;
        if self.total > MAX_TOTAL_BYTES {
            return Err(self.error(
                rel,
                format!("chart directory {} is larger than the maximum size {MAX_TOTAL_BYTES}", self.root.display()),
            ));
        }
        let modified = meta
            .modified()
            .ok()
            .map(|t| match t.duration_since(UNIX_EPOCH) {
                Ok(d) => Timestamp { secs: d.as_secs() as i64, nanos: d.subsec_nanos() },
                Err(e) => {
                    let d = e.duration();
                    let mut secs = -(d.as_secs() as i64);
                    let mut nanos = d.subsec_nanos();
                    if nanos > 0 {
                        secs -= 1;
                        nanos = 1_000_000_000 - nanos;
                    }
                    Timestamp { secs, nanos }
                }
            })
            .unwrap_or_default();
        self.files.push(ChartFile { path: rel.to_owned(), data, modified });
        Ok(())
    }
}

/// The path Go's `filepath.EvalSymlinks` names when a link cannot be resolved: the link's
/// target made absolute and cleaned, cut at its first component that does not exist.
fn first_missing_component(link: &Path) -> Option<PathBuf> {
    let target = fs::read_link(link).ok()?;
    let joined = if target.is_absolute() { target } else { link.parent()?.join(target) };
    let mut cleaned = PathBuf::from("/");
    for component in joined.components() {
        match component {
            std::path::Component::ParentDir => {
                cleaned.pop();
            }
            std::path::Component::Normal(part) => {
                cleaned.push(part);
                if fs::symlink_metadata(&cleaned).is_err() {
                    return Some(cleaned);
                }
            }
            _ => {}
        }
    }
    Some(cleaned)
}

/// Go's wording for the common I/O errors (helm's messages embed them).
pub fn io_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::NotADirectory => "not a directory".to_owned(),
        _ => e.to_string(),
    }
}
