//! The binding behind the `chartpack` npm package (pkg/): the chart core and the registry
//! client for browser windows, workers and Node, through wasm-bindgen. A thin layer: it reads
//! JS arguments, calls the `chartpack` and `chartpack-oci` crates, and returns plain objects
//! and structured `Error`s; pkg/index.js adds the environment glue (loading the modules).
//!
//! Features choose what one build exports; scripts/build-pkg.sh builds the crate three times:
//! with `core` and `registry` (pkg/dist/chartpack_bg.wasm), with `lint` alone
//! (pkg/dist/chartpack_lint_bg.wasm), and with `dependencies` alone
//! (pkg/dist/chartpack_deps_bg.wasm). All four are on by default, so native and wasm32 checks
//! see every line.
// A build with only some features leaves some shared helpers unused; the default build (all
// features), which CI lints with -D warnings, still reports real dead code.
#![cfg_attr(
    not(all(feature = "core", feature = "lint", feature = "registry", feature = "dependencies")),
    allow(dead_code, unused_imports)
)]

#[cfg(feature = "core")]
mod api;
mod chart;
#[cfg(any(feature = "registry", feature = "dependencies"))]
mod client;
mod convert;
#[cfg(feature = "dependencies")]
mod dependencies;
mod error;
#[cfg(feature = "lint")]
mod lint;
#[cfg(feature = "registry")]
mod registry;
#[cfg(any(feature = "registry", feature = "dependencies"))]
mod transport;

#[cfg(feature = "core")]
pub use api::{build_manifest, inspect, package_chart, read_archive_file, show_js, verify_archive_js};
#[cfg(feature = "dependencies")]
pub use dependencies::{build_dependencies, update_dependencies};
#[cfg(feature = "lint")]
pub use lint::{compute_values, lint};
#[cfg(feature = "registry")]
pub use registry::Registry;
