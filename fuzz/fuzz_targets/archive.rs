//! Fuzzes the archive reader and chart loader: any bytes give a chart or an error, never a
//! panic, a hang or unbounded memory.
#![no_main]

use chartpack::chart::{load_archive, DEFAULT_LOAD_LIMITS};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = load_archive(data, "fuzz.tgz", &DEFAULT_LOAD_LIMITS);
    let _ = chartpack::expand_for_lint(data, &DEFAULT_LOAD_LIMITS);
});
