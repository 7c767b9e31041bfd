//! `helm dependency list` as a value: the declared dependencies of a chart directory (or
//! archive) with helm's status words, the warnings about stray entries of `charts/`, and the
//! exact text helm prints. Mirrors helm v4.1.4 pkg/action/dependency.go (`List`,
//! `dependencyStatus`, `statArchiveForStatus`, `printDependencies`, `printMissing`).
//!
//! helm looks at `charts/` twice: through the loaded chart (after the chart's `.helmignore`)
//! and straight on disk with `filepath.Glob` (ignoring it). So the caller passes the chart
//! directory's files as read from disk, `.helmignore` not applied: this module applies the
//! chart's rules for the load and each subchart directory's own rules when loading it.

mod uitable;

use std::collections::BTreeMap;
use std::fmt;

use chartpack_archive::{path_join, read_chart_archive};
use chartpack_chart::glob;
use chartpack_chart::{
    apply_helmignore, load_archive, load_directory, load_files, sort_walk_order, Chart, ChartFile, LoadError,
    LoadLimits, Timestamp,
};
use chartpack_encoding::yaml::{self, Value};
use chartpack_semver::{Constraints, Version};

use crate::Error;

/// helm's default `--max-col-width`.
pub const DEFAULT_MAX_COL_WIDTH: usize = 80;

/// The state of one declared dependency, in helm's words (`helm dependency list`, STATUS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependencyStatus {
    /// One archive `charts/<name>-*.tgz` holds the chart at a matching version.
    Ok,
    /// No archive matches and no loaded subchart has the name.
    Missing,
    /// The version does not satisfy the dependency's version or range.
    WrongVersion,
    /// The one matching archive holds a chart of another name.
    Misnamed,
    /// No archive matches, but a loaded subchart (a directory, or inside an archive given as
    /// the chart) has the name and a matching version.
    Unpacked,
    /// The dependency's version is not a valid constraint (or the chart's version not SemVer).
    InvalidVersion,
    /// The matching archive does not load.
    Corrupt,
    /// Several archives `charts/<name>-<strict semver>.tgz` match.
    TooManyMatches,
    /// The glob pattern made from the chart path and the name is malformed.
    BadPattern,
}

impl DependencyStatus {
    /// helm's word for the status.
    pub fn as_str(self) -> &'static str {
        match self {
            DependencyStatus::Ok => "ok",
            DependencyStatus::Missing => "missing",
            DependencyStatus::WrongVersion => "wrong version",
            DependencyStatus::Misnamed => "misnamed",
            DependencyStatus::Unpacked => "unpacked",
            DependencyStatus::InvalidVersion => "invalid version",
            DependencyStatus::Corrupt => "corrupt",
            DependencyStatus::TooManyMatches => "too many matches",
            DependencyStatus::BadPattern => "bad pattern",
        }
    }
}

impl fmt::Display for DependencyStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the table: a dependency as declared (after helm's sanitising) and its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencyRow {
    /// Chart name.
    pub name: String,
    /// Version or range, as written.
    pub version: String,
    /// Repository, as written (may be empty).
    pub repository: String,
    /// What helm found.
    pub status: DependencyStatus,
}

/// A line helm's `printMissing` writes after the table about an entry of `charts/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartsWarning {
    /// The entry loads, but no declared dependency has its chart's name.
    NotInChartYaml {
        /// The entry's path as helm prints it (joined with the chart path given).
        path: String,
    },
    /// The entry (a directory or a `.tgz` file) does not load as a chart.
    NotAChart {
        /// The entry's path as helm prints it.
        path: String,
    },
    /// The chart path makes `<path>/charts/*` a malformed glob pattern.
    BadPattern,
}

impl fmt::Display for ChartsWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChartsWarning::NotInChartYaml { path } => write!(f, "WARNING: {} is not in Chart.yaml.", go_quote(path)),
            ChartsWarning::NotAChart { path } => write!(f, "WARNING: {} is not a chart.", go_quote(path)),
            ChartsWarning::BadPattern => f.write_str("syntax error in pattern"),
        }
    }
}

/// One chart load helm performs while listing, in helm's order, with the notices it logs
/// while loading (`requirements.yaml` in a v2 chart, …). A face that logs more per load (such
/// as the symbolic links a directory walk followed) knows where to put it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartLoad {
    /// Path relative to the chart root (`""` for the chart itself, `charts/x` for an entry).
    pub path: String,
    /// Whether it was loaded as a directory (helm's `LoadDir`) rather than an archive.
    pub directory: bool,
    /// Notices logged by the load (helm logs them at level INFO).
    pub notices: Vec<String>,
}

/// What `helm dependency list` reports about a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencyList {
    /// The declared dependencies with their status; `None` when the chart has no
    /// `dependencies` list at all (absent or `null`; an empty list gives an empty table).
    pub rows: Option<Vec<DependencyRow>>,
    /// `<path>/charts` as helm prints it.
    pub charts_path: String,
    /// Warnings about entries of `charts/`, in helm's order.
    pub warnings: Vec<ChartsWarning>,
    /// Every chart load performed, in helm's order.
    pub loads: Vec<ChartLoad>,
    /// Cells wider than this are cut (`--max-col-width`; 0: no limit).
    pub max_col_width: usize,
}

impl DependencyList {
    /// The text helm prints on stdout, byte for byte: the table (uitable: tab-separated,
    /// every cell padded to its column width, long cells cut with `...`), a blank line and the
    /// warnings; or `WARNING: no dependencies at <path>/charts`.
    pub fn render(&self) -> String {
        let Some(rows) = &self.rows else {
            return format!("WARNING: no dependencies at {}\n", self.charts_path);
        };
        let mut table: Vec<Vec<&str>> = vec![vec!["NAME", "VERSION", "REPOSITORY", "STATUS"]];
        table.extend(rows.iter().map(|r| vec![r.name.as_str(), &r.version, &r.repository, r.status.as_str()]));
        let mut out = uitable::render(&table, self.max_col_width);
        out.push_str("\n\n");
        for warning in &self.warnings {
            out.push_str(&warning.to_string());
            out.push('\n');
        }
        out
    }

    /// Every notice of every load, in order.
    pub fn notices(&self) -> impl Iterator<Item = &str> {
        self.loads.iter().flat_map(|l| l.notices.iter().map(String::as_str))
    }
}

/// Lists the dependencies of a chart directory, as `helm dependency list <display_path>`.
///
/// `files` are the directory's files as on disk, paths relative to the chart root, the
/// chart's `.helmignore` not applied (files it ignores may be left out, except under
/// `charts/`, which helm globs directly). A path ending in `/` with no data declares a
/// directory, so that an empty directory under `charts/` is seen as helm sees it.
/// `display_path` is the chart path the user gave, cleaned (helm joins it into every path it
/// prints and into its glob patterns). The chart itself must load: its load error is helm's.
pub fn list_dependencies(
    files: &[ChartFile],
    display_path: &str,
    max_col_width: usize,
    limits: &LoadLimits,
) -> Result<DependencyList, Error> {
    let tree = Tree::new(files);
    let mut kept: Vec<ChartFile> = files.iter().filter(|f| !f.path.ends_with('/')).cloned().collect();
    sort_walk_order(&mut kept);
    let kept = apply_helmignore(kept).map_err(LoadError::from)?;
    let declared = declares_dependencies(&kept);
    let chart = load_files(kept, limits)?;
    let mut loads = vec![ChartLoad { path: String::new(), directory: true, notices: all_notices(&chart) }];
    let charts_path = path_join(&[display_path, "charts"]);
    if !declared {
        return Ok(DependencyList { rows: None, charts_path, warnings: Vec::new(), loads, max_col_width });
    }
    let shown = tree.entries.keys().map(|rel| (rel.clone(), path_join(&[display_path, rel]))).collect();
    let lister = Lister { tree: &tree, shown, display_path, limits };
    let mut rows = Vec::new();
    for dep in chart.metadata.dependencies.iter().flatten() {
        let status = lister.status(&dep.name, &dep.version, &chart, &mut loads);
        rows.push(DependencyRow {
            name: dep.name.clone(),
            version: dep.version.clone(),
            repository: dep.repository.clone(),
            status,
        });
    }
    let warnings = lister.stray_entries(&chart, &mut loads);
    Ok(DependencyList { rows: Some(rows), charts_path, warnings, loads, max_col_width })
}

/// Lists the dependencies of a chart archive, as `helm dependency list <display_path>` with a
/// `.tgz` path: helm's globs find nothing inside a file, so every status comes from the
/// subcharts in the archive (`unpacked`, `wrong version`, `invalid version`, `missing`) and
/// there are no warnings.
pub fn list_archive_dependencies(
    archive: &[u8],
    display_path: &str,
    max_col_width: usize,
    limits: &LoadLimits,
) -> Result<DependencyList, Error> {
    let read = read_chart_archive(archive, display_path, &limits.archive).map_err(LoadError::from)?;
    let files: Vec<ChartFile> = read
        .files
        .into_iter()
        .map(|f| ChartFile { path: f.path, data: f.data, modified: Timestamp::from_secs(f.mtime) })
        .collect();
    let declared = declares_dependencies(&files);
    let chart = load_files(files, limits)?;
    let loads = vec![ChartLoad { path: String::new(), directory: false, notices: all_notices(&chart) }];
    let charts_path = path_join(&[display_path, "charts"]);
    let rows = declared.then(|| {
        chart
            .metadata
            .dependencies
            .iter()
            .flatten()
            .map(|dep| DependencyRow {
                name: dep.name.clone(),
                version: dep.version.clone(),
                repository: dep.repository.clone(),
                status: loaded_status(&dep.name, &dep.version, &chart),
            })
            .collect()
    });
    Ok(DependencyList { rows, charts_path, warnings: Vec::new(), loads, max_col_width })
}

/// Go's `filepath.Clean` (helm cleans the chart path argument before using it).
pub fn clean_path(path: &str) -> String {
    match path_join(&[path]) {
        cleaned if cleaned.is_empty() => ".".to_owned(),
        cleaned => cleaned,
    }
}

/// The chart directory as helm's `filepath.Glob` sees it: every file and directory by its
/// path relative to the chart root.
struct Tree<'a> {
    entries: BTreeMap<String, Entry<'a>>,
    files: &'a [ChartFile],
}

#[derive(Clone, Copy)]
enum Entry<'a> {
    File(&'a ChartFile),
    Dir,
}

impl<'a> Tree<'a> {
    fn new(files: &'a [ChartFile]) -> Tree<'a> {
        let mut entries = BTreeMap::new();
        for f in files {
            let path = f.path.trim_end_matches('/');
            if path.is_empty() {
                continue;
            }
            let mut at = 0;
            while let Some(i) = path[at..].find('/') {
                entries.insert(path[..at + i].to_owned(), Entry::Dir);
                at += i + 1;
            }
            if f.path.ends_with('/') {
                entries.insert(path.to_owned(), Entry::Dir);
            } else {
                entries.entry(path.to_owned()).or_insert(Entry::File(f));
            }
        }
        Tree { entries, files }
    }

    /// The files under directory `dir`, relative to it, markers left out.
    fn files_under(&self, dir: &str) -> Vec<ChartFile> {
        let prefix = format!("{dir}/");
        self.files
            .iter()
            .filter(|f| !f.path.ends_with('/'))
            .filter_map(|f| f.path.strip_prefix(&prefix).map(|rest| ChartFile { path: rest.to_owned(), ..f.clone() }))
            .collect()
    }
}

struct Lister<'a> {
    tree: &'a Tree<'a>,
    /// Every entry's relative path with the path helm would print for it.
    shown: Vec<(String, String)>,
    display_path: &'a str,
    limits: &'a LoadLimits,
}

impl Lister<'_> {
    /// Go's `filepath.Glob(pattern)` over the tree: the relative paths whose printed path
    /// matches, in Glob's order. Only the chart directory is known, so a pattern whose
    /// directory part has metacharacters matches only if it matches the chart's own path.
    fn glob(&self, pattern: &str) -> Result<Vec<(String, String)>, glob::BadPattern> {
        glob::matches(pattern, "")?;
        let mut found = Vec::new();
        for (rel, shown) in &self.shown {
            if glob::matches(pattern, shown)? {
                found.push((rel.clone(), shown.clone()));
            }
        }
        found.sort_by(|a, b| a.1.split('/').cmp(b.1.split('/')));
        Ok(found)
    }

    /// Loads an entry as helm's `loader.Load` would: a directory with its own `.helmignore`,
    /// a file as an archive (content sniff first). Records the load.
    fn load(&self, rel: &str, shown: &str, loads: &mut Vec<ChartLoad>) -> Option<Chart> {
        let (loaded, directory) = match self.tree.entries.get(rel) {
            Some(Entry::File(f)) => (load_archive(&f.data, shown, self.limits), false),
            _ => (load_directory(self.tree.files_under(rel), self.limits), true),
        };
        let chart = loaded.ok();
        let notices = chart.as_ref().map(all_notices).unwrap_or_default();
        loads.push(ChartLoad { path: rel.to_owned(), directory, notices });
        chart
    }

    /// helm's `dependencyStatus`.
    fn status(&self, name: &str, version: &str, parent: &Chart, loads: &mut Vec<ChartLoad>) -> DependencyStatus {
        let pattern = path_join(&[self.display_path, "charts", &format!("{name}-*.tgz")]);
        let Ok(archives) = self.glob(&pattern) else { return DependencyStatus::BadPattern };
        let archive = match archives.len() {
            0 => None,
            1 => archives.first(),
            _ => {
                let prefix = format!("{name}-");
                let strict: Vec<&(String, String)> = archives
                    .iter()
                    .filter(|(_, shown)| {
                        let base = shown.rsplit('/').next().unwrap_or(shown);
                        let stem = base.strip_suffix(".tgz").unwrap_or(base);
                        let maybe_version = stem.strip_prefix(&prefix).unwrap_or(stem);
                        Version::parse_strict(maybe_version).is_ok()
                    })
                    .collect();
                match strict.len() {
                    0 => None,
                    1 => strict.first().copied(),
                    _ => return DependencyStatus::TooManyMatches,
                }
            }
        };
        if let Some((rel, shown)) = archive {
            // statArchiveForStatus: the archive exists, so it decides.
            let Some(chart) = self.load(rel, shown, loads) else { return DependencyStatus::Corrupt };
            if chart.name() != name {
                return DependencyStatus::Misnamed;
            }
            return match version_status(&chart.metadata.version, version) {
                Some(status) => status,
                None => DependencyStatus::Ok,
            };
        }
        loaded_status(name, version, parent)
    }

    /// helm's `printMissing`: every entry of `charts/` that is a directory or a `.tgz` file,
    /// loaded, and named in no declared dependency.
    fn stray_entries(&self, parent: &Chart, loads: &mut Vec<ChartLoad>) -> Vec<ChartsWarning> {
        let pattern = path_join(&[self.display_path, "charts", "*"]);
        let Ok(entries) = self.glob(&pattern) else { return vec![ChartsWarning::BadPattern] };
        let mut warnings = Vec::new();
        for (rel, shown) in entries {
            let is_dir = matches!(self.tree.entries.get(&rel), Some(Entry::Dir));
            if !is_dir && extension(&shown) != ".tgz" {
                continue;
            }
            let Some(chart) = self.load(&rel, &shown, loads) else {
                warnings.push(ChartsWarning::NotAChart { path: shown });
                continue;
            };
            if !parent.metadata.dependencies.iter().flatten().any(|d| d.name == chart.name()) {
                warnings.push(ChartsWarning::NotInChartYaml { path: shown });
            }
        }
        warnings
    }
}

/// The second half of `dependencyStatus`: the last loaded subchart of that name decides.
fn loaded_status(name: &str, version: &str, parent: &Chart) -> DependencyStatus {
    match parent.dependencies.iter().rev().find(|c| c.name() == name) {
        None => DependencyStatus::Missing,
        Some(chart) => version_status(&chart.metadata.version, version).unwrap_or(DependencyStatus::Unpacked),
    }
}

/// helm's version check: equal strings pass, else the wanted range must parse, the chart's
/// version must parse (leniently) and satisfy it. `None` when it passes.
fn version_status(actual: &str, wanted: &str) -> Option<DependencyStatus> {
    if actual == wanted {
        return None;
    }
    let (Ok(constraint), Ok(version)) = (Constraints::parse(wanted), Version::parse(actual)) else {
        return Some(DependencyStatus::InvalidVersion);
    };
    (!constraint.matches(&version)).then_some(DependencyStatus::WrongVersion)
}

/// Whether the loaded chart's `Metadata.Dependencies` is non-nil in helm: the last
/// `dependencies` key (Go's case-insensitive field match) of `Chart.yaml`, then of
/// `requirements.yaml`, that is present, holds a list rather than `null`.
fn declares_dependencies(files: &[ChartFile]) -> bool {
    let mut declared = false;
    for name in ["Chart.yaml", "requirements.yaml"] {
        if let Some(state) = files.iter().find(|f| f.path == name).and_then(|f| dependencies_key(&f.data)) {
            declared = state;
        }
    }
    declared
}

/// `Some(non-null)` when the YAML mapping has a key Go's JSON decoder would put into the
/// `dependencies` field; keys go through a Go map first, so the last in sorted order wins.
fn dependencies_key(data: &[u8]) -> Option<bool> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let Ok(Value::Map(pairs)) = yaml::parse_bytes(data) else { return None };
    let mut members: Vec<(&str, &Value)> = Vec::new();
    for (key, value) in &pairs {
        let Value::String(key) = key else { continue };
        match members.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => members.push((key, value)),
        }
    }
    members.sort_by(|a, b| a.0.cmp(b.0));
    members.iter().rev().find(|(k, _)| go_fold_equal(k, "dependencies")).map(|(_, v)| !matches!(v, Value::Null))
}

/// Go's `encoding/json` field-name folding: ASCII case, plus `K` ~ U+212A and `S` ~ U+017F.
fn go_fold_equal(a: &str, b: &str) -> bool {
    let fold = |c: char| match c {
        '\u{212A}' => 'k',
        '\u{017F}' => 's',
        c => c.to_ascii_lowercase(),
    };
    a.chars().map(fold).eq(b.chars().map(fold))
}

/// The notices of a load: the chart's, then its subcharts' (helm loads subcharts after the
/// chart's own files).
fn all_notices(chart: &Chart) -> Vec<String> {
    let mut out = chart.notices.clone();
    for dep in &chart.dependencies {
        out.extend(all_notices(dep));
    }
    out
}

/// Go's `filepath.Ext`.
fn extension(path: &str) -> &str {
    let base = path.rsplit('/').next().unwrap_or(path);
    base.rfind('.').map_or("", |i| &base[i..])
}

/// Go's `%q` for the paths helm prints.
fn go_quote(s: &str) -> String {
    chartpack_chart::metadata::go_quote(s)
}

#[cfg(test)]
mod tests;
