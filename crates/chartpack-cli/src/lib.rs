//! The I/O side of the `chartpack` command, shared with benchmarks and tests: reading a chart
//! directory from disk as helm does, the native registry transport, credentials and progress.

pub mod credentials;
pub mod progress;
pub mod transport;
pub mod walk;
