//! Loading a chart from what JS gives: a directory's files (as the CLI's directory walk reads
//! them) or an archive's bytes. Shared by the chart functions, lint and the registry.

use chartpack::chart::{
    apply_helmignore, load_archive, load_files, sort_walk_order, Chart, ChartFile, LoadError, Timestamp,
    DEFAULT_LOAD_LIMITS,
};
use wasm_bindgen::JsValue;

use crate::convert::{self, ChartInput};
use crate::error::Failure;

/// The name an archive is given in messages when the caller names none.
pub(crate) const DEFAULT_ARCHIVE_NAME: &str = "chart.tgz";

/// A chart directory given as files, after `.helmignore`.
pub(crate) struct LoadedDirectory {
    /// The chart, or why it did not load.
    pub(crate) chart: Result<Chart, LoadError>,
    /// Paths and sizes of the files kept, in helm's walk order.
    pub(crate) kept: Vec<(String, u64)>,
    /// Paths `.helmignore` left out, in walk order.
    pub(crate) ignored: Vec<String>,
}

/// Loads a chart directory's files as `chartpack package DIR` does: helm's walk order, the
/// `.helmignore` rules, the walk's size checks (helm's 5 MiB per file, chartpack's 100 MiB per
/// directory, with the CLI's messages: crates/chartpack-cli/src/walk.rs), then `load_files`.
/// `dir` names the directory in messages.
pub(crate) fn load_directory(mut files: Vec<ChartFile>, dir: &str) -> LoadedDirectory {
    sort_walk_order(&mut files);
    let all: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    let kept = match apply_helmignore(files) {
        Ok(kept) => kept,
        Err(e) => return LoadedDirectory { chart: Err(LoadError::from(e)), kept: Vec::new(), ignored: Vec::new() },
    };
    let listed: Vec<(String, u64)> = kept.iter().map(|f| (f.path.clone(), f.data.len() as u64)).collect();
    let mut next = 0;
    let ignored = all
        .into_iter()
        .filter(|path| {
            // Both lists are in walk order: a path not next in the kept list was ignored.
            let is_kept = listed.get(next).is_some_and(|(k, _)| k == path);
            next += usize::from(is_kept);
            !is_kept
        })
        .collect();
    let chart = check_sizes(&kept, dir).and_then(|()| load_files(kept, &DEFAULT_LOAD_LIMITS));
    LoadedDirectory { chart, kept: listed, ignored }
}

fn check_sizes(files: &[ChartFile], dir: &str) -> Result<(), LoadError> {
    let limits = DEFAULT_LOAD_LIMITS.archive;
    let mut total = 0u64;
    for f in files {
        let size = f.data.len() as u64;
        if size > limits.file_bytes {
            let base = f.path.rsplit('/').next().unwrap_or(&f.path);
            return Err(LoadError::Unreadable {
                path: f.path.clone(),
                message: format!("chart file \"{base}\" is larger than the maximum file size {}", limits.file_bytes),
            });
        }
        total += size;
        if total > limits.archive_bytes {
            return Err(LoadError::Unreadable {
                path: f.path.clone(),
                message: format!("chart directory {dir} is larger than the maximum size {}", limits.archive_bytes),
            });
        }
    }
    Ok(())
}

/// Loads a chart from files or an archive.
pub(crate) fn load(input: ChartInput) -> Result<Chart, Failure> {
    match input {
        ChartInput::Files { files, dir } => {
            load_directory(files, dir.as_deref().unwrap_or(".")).chart.map_err(Failure::from)
        }
        ChartInput::Archive(bytes) => {
            load_archive(&bytes, DEFAULT_ARCHIVE_NAME, &DEFAULT_LOAD_LIMITS).map_err(Failure::from)
        }
    }
}

/// The `created` annotation: the caller's RFC 3339 time, else now in UTC (helm always stamps one).
pub(crate) fn created(options: &JsValue) -> Result<String, Failure> {
    match convert::string_property(options, "created")? {
        Some(text) => match Timestamp::parse_rfc3339(&text) {
            Some(_) => Ok(text),
            None => Err(Failure::invalid_field("created", format!("created {text:?} is not an RFC 3339 time"))),
        },
        None => Ok(chartpack_oci::manifest::format_created((js_sys::Date::now() / 1000.0).floor() as i64, 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, size: usize) -> ChartFile {
        ChartFile { path: path.to_owned(), data: vec![b'a'; size], modified: Timestamp::from_secs(1) }
    }

    #[test]
    fn ignored_files_are_listed_and_sizes_checked_after_helmignore() {
        let big = (5 << 20) + 1;
        let mut chart_yaml = file("Chart.yaml", 0);
        chart_yaml.data = b"apiVersion: v2\nname: demo\nversion: 0.1.0\n".to_vec();
        let mut ignore = file(".helmignore", 0);
        ignore.data = b"*.bin\n".to_vec();
        let loaded = load_directory(vec![file("big.bin", big), chart_yaml.clone(), ignore.clone()], ".");
        assert_eq!(loaded.ignored, ["big.bin"]);
        assert_eq!(loaded.chart.map(|c| c.metadata.name), Ok("demo".to_owned()));

        let loaded = load_directory(vec![file("big.txt", big), chart_yaml, ignore], ".");
        let error = loaded.chart.expect_err("too large");
        assert_eq!(error.code(), "chart.unreadable_file");
        assert_eq!(error.to_string(), "chart file \"big.txt\" is larger than the maximum file size 5242880");
    }
}
