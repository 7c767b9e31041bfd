//! The Helm chart model: load a chart from files given as values (no I/O), apply
//! `.helmignore`, parse, validate and re-serialise `Chart.yaml` exactly as helm v4 does,
//! check values, lint, render `helm show` output, and compute the values `helm install` renders
//! with (`-f`/`--set…` merged and coalesced with the chart and its subcharts).

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
pub mod strvals;
pub mod time;
pub mod values;
pub mod values_merge;

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
pub use values_merge::{
    compute_values, merge_values, render_user_values, values_yaml, ValueOptions, ValuesError, ValuesFile,
};
