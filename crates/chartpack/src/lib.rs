//! chartpack: package, verify, lint and inspect Helm charts without helm. Every function takes
//! the world as values (files, bytes, times) and returns values; the CLI, the wasm binding and
//! other faces do the I/O.

pub mod dependencies;
pub mod dependency_list;
mod error;
mod inspect;
mod package;

pub use chartpack_archive as archive;
pub use chartpack_chart as chart;
pub use chartpack_encoding as encoding;
pub use chartpack_semver as semver;
pub use error::Error;
pub use inspect::{expand_for_lint, lint_directory, lint_tree, verify_archive, ExtractError, SourceTree, Verified};
pub use package::{package, PackageOptions, PackagedChart};
