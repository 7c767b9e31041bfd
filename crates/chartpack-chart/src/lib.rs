//! The Helm chart model: load a chart from files given as values (no I/O), apply
//! `.helmignore`, parse, validate and re-serialise `Chart.yaml` exactly as helm v4 does,
//! check values, lint, and render `helm show` output.

mod decode;
pub mod glob;
pub mod ignore;
pub mod lint;
pub mod load;
pub mod lock;
pub mod metadata;
mod render_values;
pub mod repo_index;
pub mod show;
pub mod time;
pub mod values;

pub use decode::DecodeError;
pub use ignore::{IgnoreError, IgnoreRules, HELMIGNORE};
pub use lint::{lint, Diagnostic, DirState, LintInput, Severity};
pub use load::{
    apply_helmignore, check_declared_dependencies, load_archive, load_directory, load_files, sort_walk_order, Chart,
    ChartFile, LoadError, LoadLimits, DEFAULT_LOAD_LIMITS,
};
pub use lock::Lock;
pub use metadata::{Dependency, Maintainer, Metadata, Strictness, ValidationError};
pub use show::{show, ShowPart};
pub use time::Timestamp;
