//! Verifying and linting charts given as values: archive bytes or a directory's files.

use chartpack_chart::{
    lint, load_archive, load_directory, Chart, ChartFile, Diagnostic, DirState, LintInput, LoadError, LoadLimits,
    Timestamp,
};
use sha2::{Digest, Sha256};

use crate::package::hex;
use crate::Error;

/// What `chartpack verify` reports about a sound archive.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The chart, fully loaded and validated (subcharts included).
    pub chart: Chart,
    /// `sha256:<hex>` of the archive bytes.
    pub digest: String,
    /// Size of the archive.
    pub size: u64,
    /// Number of files in the chart and its subcharts.
    pub files: usize,
}

/// Verifies an archive: structure, limits, hostile entries, metadata, subcharts.
pub fn verify_archive(bytes: &[u8], display_name: &str, limits: &LoadLimits) -> Result<Verified, Error> {
    let chart = load_archive(bytes, display_name, limits)?;
    Ok(Verified {
        files: count_files(&chart),
        chart,
        digest: format!("sha256:{}", hex(&Sha256::digest(bytes))),
        size: bytes.len() as u64,
    })
}

fn count_files(chart: &Chart) -> usize {
    1 + usize::from(chart.values.is_some())
        + usize::from(chart.schema.is_some())
        + usize::from(chart.lock.is_some())
        + chart.templates.len()
        + chart.files.len()
        + chart.dependencies.iter().map(count_files).sum::<usize>()
}

/// A chart directory as lint sees it: every file (before `.helmignore`) and the directories.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceTree {
    /// All files, paths relative to the chart root.
    pub files: Vec<ChartFile>,
    /// Directories, relative (those implied by file paths need not be listed).
    pub dirs: Vec<String>,
}

impl SourceTree {
    fn dir_state(&self, dir: &str) -> DirState {
        let prefix = format!("{dir}/");
        if self.files.iter().any(|f| f.path == dir) {
            DirState::NotDirectory
        } else if self.dirs.iter().any(|d| d == dir) || self.files.iter().any(|f| f.path.starts_with(&prefix)) {
            DirState::Directory
        } else {
            DirState::Missing
        }
    }

    fn file(&self, path: &str) -> Option<&ChartFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

/// Lints a chart directory given as files. `loaded` is the result of loading it (callers that
/// walk a disk may hit walk errors; pass them here), `chart_dir` names it in findings.
pub fn lint_tree(tree: &SourceTree, chart_dir: &str, loaded: Result<&Chart, &LoadError>) -> Vec<Diagnostic> {
    let chart_yaml_is_dir = tree.dir_state("Chart.yaml") == DirState::Directory;
    lint(&LintInput {
        chart_dir,
        chart_yaml: tree.file("Chart.yaml").map(|f| f.data.as_slice()),
        chart_yaml_is_dir,
        values_yaml: tree.file("values.yaml").map(|f| f.data.as_slice()),
        values_schema: tree.file("values.schema.json").map(|f| f.data.as_slice()),
        templates_dir: tree.dir_state("templates"),
        crds_dir: tree.dir_state("crds"),
        loaded,
    })
}

/// Loads and lints a directory given as files.
pub fn lint_directory(tree: &SourceTree, chart_dir: &str, limits: &LoadLimits) -> Vec<Diagnostic> {
    let loaded = load_directory(tree.files.clone(), limits);
    lint_tree(tree, chart_dir, loaded.as_ref())
}

/// Why an archive could not be linted at all (helm: `unable to extract tarball: …`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExtractError {
    /// The archive itself is bad.
    #[error("{0}")]
    Archive(#[from] chartpack_archive::ArchiveError),
    /// Chart.yaml did not parse.
    #[error("cannot load Chart.yaml: {0}")]
    ChartYaml(String),
    /// No usable chart name to extract under.
    #[error("chart name not specified")]
    NoName,
    /// The chart name would escape the extraction directory.
    #[error("chart name {0:?} must not contain path separators")]
    NameWithSeparator(String),
    /// `.` or `..` as a chart name.
    #[error("chart name {0:?} is not allowed")]
    DotName(String),
}

/// Reads an archive as `helm lint` does before linting (chartutil.Expand, which skips the
/// content sniff): every file, BOMs stripped, and the chart name the files would be extracted
/// under.
pub fn expand_for_lint(bytes: &[u8], limits: &LoadLimits) -> Result<(String, SourceTree), ExtractError> {
    let archive = chartpack_archive::read_archive_files(bytes, &limits.archive)?;
    let mut name = String::new();
    let mut files = Vec::with_capacity(archive.files.len());
    for f in archive.files {
        let mut data = f.data;
        if data.starts_with(b"\xEF\xBB\xBF") {
            data.drain(..3);
        }
        if f.path == "Chart.yaml" {
            let m = chartpack_chart::Metadata::parse(&data, chartpack_chart::Strictness::Lenient)
                .map_err(ExtractError::ChartYaml)?;
            name = m.name;
        }
        files.push(ChartFile { path: f.path, data, modified: Timestamp::from_secs(f.mtime) });
    }
    if name.is_empty() {
        return Err(ExtractError::NoName);
    }
    if name == "." || name == ".." {
        return Err(ExtractError::DotName(name));
    }
    if name.contains('/') {
        return Err(ExtractError::NameWithSeparator(name));
    }
    Ok((name, SourceTree { files, dirs: Vec::new() }))
}
