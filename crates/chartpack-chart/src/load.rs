//! Building a [`Chart`] from files given as values. Mirrors helm pkg/chart/v2/loader/load.go
//! (`LoadFiles`) and the directory loader's `.helmignore` handling.

use chartpack_archive::{read_archive_files, read_chart_archive, ArchiveError, Limits};

use crate::ignore::{IgnoreError, IgnoreRules, HELMIGNORE};
use crate::lock::Lock;
use crate::metadata::{Metadata, Strictness, API_V1};
use crate::time::Timestamp;
use crate::values::check_values_documents;

/// One file of a chart: path relative to the chart root, `/`-separated, with its content and
/// modification time. The CLI reads these from disk, the browser from dropped files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFile {
    /// Relative, `/`-separated path such as `templates/deployment.yaml`.
    pub path: String,
    /// File content (a UTF-8 BOM is stripped when the chart is loaded).
    pub data: Vec<u8>,
    /// Modification time.
    pub modified: Timestamp,
}

/// A loaded chart, with its subcharts.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Validated and sanitised metadata.
    pub metadata: Metadata,
    /// Modification time of `Chart.yaml`.
    pub modified: Timestamp,
    /// `Chart.lock` (or `requirements.lock`), if present.
    pub lock: Option<Lock>,
    /// `values.yaml` as written.
    pub values: Option<ChartFile>,
    /// `values.schema.json` as written.
    pub schema: Option<ChartFile>,
    /// Files under `templates/`, in load order.
    pub templates: Vec<ChartFile>,
    /// Every other file, in load order.
    pub files: Vec<ChartFile>,
    /// Subcharts from `charts/`, ordered by their directory or archive name.
    pub dependencies: Vec<Chart>,
    /// Non-fatal notes helm logs while loading (e.g. `requirements.yaml` in a v2 chart).
    pub notices: Vec<String>,
}

/// What may go wrong loading a chart; texts are helm's.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoadError {
    /// No `Chart.yaml` among the files.
    #[error("Chart.yaml file is missing")]
    MissingChartYaml,
    /// A metadata or lock file did not parse.
    #[error("cannot load {file}: {message}")]
    BadFile {
        /// `Chart.yaml`, `Chart.lock`, `values.yaml`, `requirements.yaml` or `requirements.lock`.
        file: &'static str,
        /// helm's parser message.
        message: String,
    },
    /// Metadata failed validation.
    #[error("validation: {0}")]
    Validation(crate::metadata::ValidationError),
    /// A subchart failed to load.
    #[error("error unpacking subchart {name} in {parent}: {source}")]
    Subchart {
        /// Directory or archive name under `charts/`.
        name: String,
        /// Name of the chart holding it.
        parent: String,
        /// What went wrong inside.
        source: Box<LoadError>,
    },
    /// A `charts/x.tgz` path was used as a directory.
    #[error("error unpacking subchart tar in {parent}: expected {expected}, got {got}")]
    SubchartTarName {
        /// Name of the chart holding it.
        parent: String,
        /// The archive name.
        expected: String,
        /// The path found.
        got: String,
    },
    /// A subchart archive was unreadable or hostile.
    #[error("{0}")]
    Archive(#[from] ArchiveError),
    /// `.helmignore` did not parse.
    #[error("{0}")]
    Ignore(#[from] IgnoreError),
    /// Subchart archives nested deeper than chartpack allows.
    #[error("subchart archives are nested more than {limit} levels deep")]
    NestingTooDeep {
        /// The depth limit.
        limit: usize,
    },
    /// A file of a chart directory could not be read (reported by the caller's directory walk,
    /// in helm's words: irregular file, file too large, broken symbolic link).
    #[error("{message}")]
    Unreadable {
        /// The file's path as the caller names it.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// Expanded subchart archives together exceed chartpack's budget.
    #[error("subchart archives expand to more than {limit} bytes in total")]
    ExpandedTooLarge {
        /// The byte budget.
        limit: u64,
    },
}

impl LoadError {
    /// Stable identifier of the error kind.
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::MissingChartYaml => "chart.missing_chart_yaml",
            LoadError::BadFile { .. } => "chart.bad_file",
            LoadError::Validation(_) => "chart.invalid_metadata",
            LoadError::Subchart { source, .. } => source.code(),
            LoadError::SubchartTarName { .. } => "chart.bad_subchart_archive",
            LoadError::Archive(e) => e.code(),
            LoadError::Ignore(_) => "chart.bad_helmignore",
            LoadError::NestingTooDeep { .. } => "chart.nesting_too_deep",
            LoadError::ExpandedTooLarge { .. } => "chart.expanded_too_large",
            LoadError::Unreadable { .. } => "chart.unreadable_file",
        }
    }
}

/// Limits for loading: per-archive limits (helm's, applied to each nested subchart archive)
/// plus chartpack's own bounds on nesting and on the total of all nested expansions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadLimits {
    /// Limits applied to each archive.
    pub archive: Limits,
    /// How deep `charts/*.tgz` may nest.
    pub max_depth: usize,
    /// Total decompressed bytes of all nested archives together.
    pub nested_bytes: u64,
}

/// helm's archive limits, 16 levels of nesting and 512 MiB of nested expansion.
pub const DEFAULT_LOAD_LIMITS: LoadLimits =
    LoadLimits { archive: chartpack_archive::HELM_LIMITS, max_depth: 16, nested_bytes: 512 << 20 };

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Applies the chart's `.helmignore` (if any, plus helm's default rule) to a chart directory's
/// files, as helm's directory loader does, and returns the files that are kept.
pub fn apply_helmignore(files: Vec<ChartFile>) -> Result<Vec<ChartFile>, IgnoreError> {
    let rules = match files.iter().find(|f| f.path == HELMIGNORE) {
        Some(f) => IgnoreRules::parse(&String::from_utf8_lossy(&f.data))?,
        None => IgnoreRules::default(),
    };
    Ok(files.into_iter().filter(|f| !rules.ignores_file_or_parent(&f.path)).collect())
}

/// Sorts files into helm's directory-walk order: depth-first, entries of each directory by
/// byte value (so `foo/bar.txt` comes before `foo.txt`).
pub fn sort_walk_order(files: &mut [ChartFile]) {
    files.sort_by(|a, b| a.path.split('/').cmp(b.path.split('/')));
}

/// Loads a chart directory given as files: `.helmignore` applied, walk order restored, then
/// [`load_files`].
pub fn load_directory(mut files: Vec<ChartFile>, limits: &LoadLimits) -> Result<Chart, LoadError> {
    sort_walk_order(&mut files);
    let files = apply_helmignore(files)?;
    load_files(files, limits)
}

/// Loads an archive's bytes into a chart (`display_name` appears in helm's gzip sniff error).
pub fn load_archive(bytes: &[u8], display_name: &str, limits: &LoadLimits) -> Result<Chart, LoadError> {
    let mut budget = limits.nested_bytes;
    load_archive_nested(bytes, display_name, limits, 0, &mut budget)
}

fn load_archive_nested(
    bytes: &[u8],
    display_name: &str,
    limits: &LoadLimits,
    depth: usize,
    budget: &mut u64,
) -> Result<Chart, LoadError> {
    // Only a top-level archive goes through helm's content sniff (LoadFile); subchart archives
    // are read with LoadArchive directly.
    let archive = if depth == 0 {
        read_chart_archive(bytes, display_name, &limits.archive)?
    } else {
        read_archive_files(bytes, &limits.archive)?
    };
    let expanded: u64 = archive.files.iter().map(|f| f.data.len() as u64).sum();
    if depth > 0 {
        *budget = budget.checked_sub(expanded).ok_or(LoadError::ExpandedTooLarge { limit: limits.nested_bytes })?;
    }
    let files = archive
        .files
        .into_iter()
        .map(|f| ChartFile { path: f.path, data: f.data, modified: Timestamp::from_secs(f.mtime) })
        .collect();
    load_files_nested(files, limits, depth, budget)
}

/// Builds a chart from its files, exactly as helm's `LoadFiles`: `Chart.yaml` first, then
/// locks, values, schema, templates, subcharts and other files; then validation; then the
/// subcharts under `charts/` (directories and `.tgz` archives, `_`/`.` names skipped).
pub fn load_files(files: Vec<ChartFile>, limits: &LoadLimits) -> Result<Chart, LoadError> {
    let mut budget = limits.nested_bytes;
    load_files_nested(files, limits, 0, &mut budget)
}

fn load_files_nested(
    files: Vec<ChartFile>,
    limits: &LoadLimits,
    depth: usize,
    budget: &mut u64,
) -> Result<Chart, LoadError> {
    let mut files = files;
    for f in &mut files {
        if f.data.starts_with(UTF8_BOM) {
            f.data.drain(..UTF8_BOM.len());
        }
    }
    let mut metadata: Option<Metadata> = None;
    let mut modified = Timestamp::default();
    for f in files.iter().filter(|f| f.path == "Chart.yaml") {
        let m = metadata.get_or_insert_with(Metadata::default);
        m.merge_yaml(&f.data, Strictness::Lenient)
            .map_err(|message| LoadError::BadFile { file: "Chart.yaml", message })?;
        if m.api_version.is_empty() {
            m.api_version = API_V1.to_owned();
        }
        modified = f.modified;
    }

    let mut chart = Chart {
        metadata: Metadata::default(),
        modified,
        lock: None,
        values: None,
        schema: None,
        templates: Vec::new(),
        files: Vec::new(),
        dependencies: Vec::new(),
        notices: Vec::new(),
    };
    // Subchart files grouped by their first path component under charts/, in first-seen order.
    let mut subcharts: Vec<(String, Vec<ChartFile>)> = Vec::new();
    for f in files {
        match f.path.as_str() {
            "Chart.yaml" => {}
            "Chart.lock" => chart.lock = Some(parse_lock(&f, "Chart.lock")?),
            "values.yaml" => {
                check_values_documents(&f.data)
                    .map_err(|message| LoadError::BadFile { file: "values.yaml", message })?;
                chart.values = Some(f);
            }
            "values.schema.json" => chart.schema = Some(f),
            "requirements.yaml" => {
                let m = metadata.get_or_insert_with(Metadata::default);
                if m.api_version != API_V1 {
                    chart.notices.push("Warning: Dependencies are handled in Chart.yaml since apiVersion \"v2\". We recommend migrating dependencies to Chart.yaml.".to_owned());
                }
                m.merge_yaml(&f.data, Strictness::Lenient)
                    .map_err(|message| LoadError::BadFile { file: "requirements.yaml", message })?;
                if m.api_version == API_V1 {
                    chart.files.push(f);
                }
            }
            "requirements.lock" => {
                chart.lock = Some(parse_lock(&f, "requirements.lock")?);
                let m = metadata.get_or_insert_with(Metadata::default);
                if m.api_version != API_V1 {
                    chart.notices.push("Warning: Dependency locking is handled in Chart.lock since apiVersion \"v2\". We recommend migrating to Chart.lock.".to_owned());
                }
                if m.api_version == API_V1 {
                    chart.files.push(f);
                }
            }
            p if p.starts_with("templates/") => chart.templates.push(f),
            p if p.starts_with("charts/") => {
                if extension(p) == ".prov" {
                    chart.files.push(f);
                    continue;
                }
                let rest = &p["charts/".len()..];
                let name = rest.split('/').next().unwrap_or(rest).to_owned();
                let sub = ChartFile { path: rest.to_owned(), ..f };
                match subcharts.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, list)) => list.push(sub),
                    None => subcharts.push((name, vec![sub])),
                }
            }
            _ => chart.files.push(f),
        }
    }
    let mut metadata = metadata.ok_or(LoadError::MissingChartYaml)?;
    metadata.sanitize();
    metadata.validate().map_err(LoadError::Validation)?;
    chart.metadata = metadata;

    // helm walks a Go map here (random order); chartpack sorts by name so output is stable.
    subcharts.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, files) in subcharts {
        if name.starts_with('_') || name.starts_with('.') {
            continue;
        }
        let wrap = |source: LoadError| LoadError::Subchart {
            name: name.clone(),
            parent: chart.metadata.name.clone(),
            source: Box::new(source),
        };
        let sub = if extension(&name) == ".tgz" {
            let Some(first) = files.first() else { continue };
            if first.path != name {
                return Err(LoadError::SubchartTarName {
                    parent: chart.metadata.name.clone(),
                    expected: name.clone(),
                    got: first.path.clone(),
                });
            }
            if depth + 1 > limits.max_depth {
                return Err(wrap(LoadError::NestingTooDeep { limit: limits.max_depth }));
            }
            load_archive_nested(&first.data, &name, limits, depth + 1, budget).map_err(wrap)?
        } else {
            let inner: Vec<ChartFile> = files
                .into_iter()
                .filter_map(|f| {
                    let (_, rest) = f.path.split_once('/')?;
                    Some(ChartFile { path: rest.to_owned(), ..f })
                })
                .collect();
            load_files_nested(inner, limits, depth, budget).map_err(wrap)?
        };
        chart.dependencies.push(sub);
    }
    Ok(chart)
}

fn parse_lock(f: &ChartFile, file: &'static str) -> Result<Lock, LoadError> {
    Lock::parse(&f.data).map_err(|message| LoadError::BadFile { file, message })
}

/// Go's `filepath.Ext`: the suffix from the last `.` of the last path element.
pub(crate) fn extension(path: &str) -> &str {
    let base_start = path.rfind('/').map_or(0, |i| i + 1);
    match path[base_start..].rfind('.') {
        Some(i) => &path[base_start + i..],
        None => "",
    }
}

impl Chart {
    /// The chart's name.
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// CRD files of this chart and its subcharts (`crds/*.yaml|yml|json`), as helm's `CRDObjects`.
    pub fn crd_files(&self) -> Vec<&ChartFile> {
        let mut out: Vec<&ChartFile> = self
            .files
            .iter()
            .filter(|f| {
                let ext = extension(&f.path).to_ascii_lowercase();
                f.path.starts_with("crds/") && matches!(ext.as_str(), ".yaml" | ".yml" | ".json")
            })
            .collect();
        for dep in &self.dependencies {
            out.extend(dep.crd_files());
        }
        out
    }

    /// The README helm's `show readme` picks: first of `files` named readme.md, readme.txt or
    /// readme (any case).
    pub fn readme(&self) -> Option<&ChartFile> {
        self.files.iter().find(|f| {
            let lower = f.path.to_ascii_lowercase();
            matches!(lower.as_str(), "readme.md" | "readme.txt" | "readme")
        })
    }
}

/// The `found in Chart.yaml, but missing in charts/ directory` check of `helm package`.
pub fn check_declared_dependencies(chart: &Chart) -> Result<(), String> {
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .map(|d| d.name.as_str())
        .filter(|name| !chart.dependencies.iter().any(|c| c.name() == *name))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("found in Chart.yaml, but missing in charts/ directory: {}", missing.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, data: &str) -> ChartFile {
        ChartFile { path: path.to_owned(), data: data.as_bytes().to_vec(), modified: Timestamp::from_secs(1) }
    }

    #[track_caller]
    fn check_error(files: Vec<ChartFile>, expected: &str) {
        let got = load_files(files, &DEFAULT_LOAD_LIMITS).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(got, Err(expected.to_owned()));
    }

    #[test]
    fn walk_order_is_depth_first_by_bytes() {
        let mut files = vec![file("foo.txt", ""), file("foo/bar.txt", ""), file("Chart.yaml", ""), file("a/b/c", "")];
        sort_walk_order(&mut files);
        let order: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(order, ["Chart.yaml", "a/b/c", "foo/bar.txt", "foo.txt"]);
    }

    #[test]
    fn loads_and_classifies() {
        let chart = load_files(
            vec![
                file("Chart.yaml", "\u{feff}name: a\nversion: 1.0.0\n"),
                file("values.yaml", "x: 1\n"),
                file("templates/t.yaml", "kind: X\n"),
                file("charts/_skip/Chart.yaml", "bad: [\n"),
                file("charts/sub/Chart.yaml", "name: sub\nversion: 0.1.0\n"),
                file("README.md", "hi"),
            ],
            &DEFAULT_LOAD_LIMITS,
        )
        .expect("loads");
        assert_eq!(chart.metadata.api_version, "v1");
        assert_eq!(chart.templates.len(), 1);
        assert_eq!(chart.dependencies.len(), 1);
        assert_eq!(chart.dependencies[0].name(), "sub");
        assert_eq!(chart.readme().map(|f| f.path.as_str()), Some("README.md"));
    }

    // Messages as helm v4.1.4 prints them for the corpus charts noted.
    #[test]
    fn load_errors_read_like_helm() {
        check_error(vec![file("values.yaml", "")], "Chart.yaml file is missing");
        check_error(vec![file("Chart.yaml", "version: 1.0.0\n")], "validation: chart.metadata.name is required");
        check_error(
            vec![file("Chart.yaml", "name: p\nversion: 1.0.0\n"), file("charts/README.md", "x")],
            "error unpacking subchart README.md in p: Chart.yaml file is missing",
        );
        check_error(
            vec![file("Chart.yaml", "name: p\nversion: 1.0.0\n"), file("values.yaml", "str\n")],
            "cannot load values.yaml: cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}",
        );
    }

    // helm v4.1.4 `helm show chart` on directories with these bytes says exactly this.
    #[test]
    fn invalid_utf8_is_refused_like_helm() {
        let raw = |path: &str, data: &[u8]| ChartFile {
            path: path.to_owned(),
            data: data.to_vec(),
            modified: Timestamp::from_secs(1),
        };
        check_error(
            vec![raw("Chart.yaml", b"apiVersion: v2\nname: c\nversion: 1.0.0\ndescription: caf\xe9\n")],
            "cannot load Chart.yaml: error converting YAML to JSON: yaml: incomplete UTF-8 octet sequence",
        );
        check_error(
            vec![raw("Chart.yaml", b"apiVersion: v2\nname: c\nversion: 1.0.0\n"), raw("values.yaml", b"a: caf\xe9 x\n")],
            "cannot load values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: invalid trailing UTF-8 octet",
        );
    }

    #[test]
    fn helmignore_prunes_directories() {
        let files = vec![
            file(".helmignore", "docs/\n*.bak\n"),
            file("Chart.yaml", "name: a\nversion: 1.0.0\n"),
            file("docs/x.md", ""),
            file("a.bak", ""),
            file("templates/.hidden", ""),
            file("templates/ok.yaml", ""),
        ];
        let kept: Vec<String> = apply_helmignore(files).expect("parses").into_iter().map(|f| f.path).collect();
        assert_eq!(kept, [".helmignore", "Chart.yaml", "templates/ok.yaml"]);
    }
}

#[cfg(test)]
mod nesting_tests {
    use super::*;
    use chartpack_archive::{gzip_helm, write_tar, TarEntry};

    /// A chart archive `c<depth>` whose `charts/` holds the next level's archive.
    fn nested_archive(depth: usize, levels: usize) -> Vec<u8> {
        let name = format!("c{depth}");
        let chart_yaml = format!("name: {name}\nversion: 1.0.0\n");
        let inner = (depth + 1 < levels).then(|| nested_archive(depth + 1, levels));
        let inner_path = format!("{name}/charts/c{}.tgz", depth + 1);
        let chart_path = format!("{name}/Chart.yaml");
        let mut entries = vec![TarEntry { path: &chart_path, data: chart_yaml.as_bytes(), mtime: 0 }];
        if let Some(inner) = &inner {
            entries.push(TarEntry { path: &inner_path, data: inner, mtime: 0 });
        }
        gzip_helm(&write_tar(&entries))
    }

    #[test]
    fn nested_subchart_archives_load_within_limits() {
        let chart = load_archive(&nested_archive(0, 5), "c0.tgz", &DEFAULT_LOAD_LIMITS).expect("loads");
        assert_eq!(chart.dependencies[0].dependencies[0].name(), "c2");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let limits = LoadLimits { max_depth: 3, ..DEFAULT_LOAD_LIMITS };
        let err = load_archive(&nested_archive(0, 6), "c0.tgz", &limits).expect_err("too deep");
        assert_eq!(err.code(), "chart.nesting_too_deep");
        assert!(err.to_string().ends_with("subchart archives are nested more than 3 levels deep"), "{err}");
    }

    #[test]
    fn nested_expansion_budget_is_shared() {
        let limits = LoadLimits { nested_bytes: 60, ..DEFAULT_LOAD_LIMITS };
        let err = load_archive(&nested_archive(0, 4), "c0.tgz", &limits).expect_err("over budget");
        assert_eq!(err.code(), "chart.expanded_too_large");
    }
}
