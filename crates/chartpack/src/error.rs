//! The error type of the chartpack API, with stable codes for every face (CLI, wasm).

use chartpack_archive::ArchiveError;
use chartpack_chart::LoadError;

/// Everything the chartpack API can refuse; `Display` is helm's text where helm has one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The chart did not load.
    #[error("{0}")]
    Load(#[from] LoadError),
    /// The archive is unreadable or hostile.
    #[error("{0}")]
    Archive(#[from] ArchiveError),
    /// `--version` (or the chart's version) is not SemVer.
    #[error("{reason}")]
    InvalidVersion {
        /// The version given.
        version: String,
        /// The semver parser's reason.
        reason: String,
    },
    /// Dependencies declared in Chart.yaml are absent from `charts/`.
    #[error("{0}")]
    MissingDependencies(String),
    /// Writing the archive failed validation.
    #[error("{0}")]
    Save(String),
}

impl Error {
    /// Stable, documented identifier such as `"archive.path_traversal"`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Load(e) => e.code(),
            Error::Archive(e) => e.code(),
            Error::InvalidVersion { .. } => "package.invalid_version",
            Error::MissingDependencies(_) => "package.missing_dependencies",
            Error::Save(_) => "package.invalid_chart",
        }
    }
}
