//! Versions and constraints with the exact semantics of Masterminds/semver v3.4.0, the library helm uses.
//!
//! [`Version::parse`] is Masterminds' lenient `NewVersion` (chart versions), [`Version::parse_strict`] its
//! `StrictNewVersion` (OCI tags, the lint warning), and [`Constraints`] its `NewConstraint`/`Check`
//! (dependency versions, `--version` flags). Error texts are Masterminds' own, byte for byte.
//! Written without `regex`: every pattern of the Go library is matched by hand, quirks included.

mod constraint;
mod version;

pub use constraint::{ConstraintError, Constraints};
pub use version::{Version, VersionError};
