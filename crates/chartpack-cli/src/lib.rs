//! The I/O side of the `chartpack` command, shared with benchmarks and tests: reading a chart
//! directory from disk as helm does.

pub mod walk;
