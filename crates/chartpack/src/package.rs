//! `helm package`: a loaded chart to `{name}-{version}.tgz` bytes, byte-identical (after
//! decompression) to helm v4's. Mirrors helm pkg/action/package.go and
//! pkg/chart/v2/util/save.go (`writeTarContents`).

use std::borrow::Cow;

use chartpack_archive::{gzip_helm_with_threads, path_join, write_tar, TarEntry};
use chartpack_chart::metadata::{API_V1, API_V2};
use chartpack_chart::{check_declared_dependencies, Chart, Timestamp};
use sha2::{Digest, Sha256};

use crate::Error;

/// Options of `chartpack package` (helm's flags, plus reproducibility).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageOptions {
    /// `--version`: replaces the chart version (must be SemVer).
    pub version: Option<String>,
    /// `--app-version`: replaces the appVersion (unchecked, as in helm).
    pub app_version: Option<String>,
    /// Reproducible mode: every entry gets this time (from `--reproducible` or
    /// `SOURCE_DATE_EPOCH`), so identical content gives identical bytes.
    pub reproducible_time: Option<Timestamp>,
    /// The current time, used where helm uses "now" (a lock without `generated`).
    pub now: Timestamp,
    /// Threads for compression (0 or 1: the calling thread only). The archive bytes are the
    /// same for any value.
    pub threads: usize,
    /// Skip the check that every declared dependency is in `charts/`: helm's `chartutil.Save`
    /// (used for `file://` dependencies) does not make it; `helm package` does.
    pub skip_dependency_check: bool,
}

/// A packaged chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackagedChart {
    /// `{name}-{version}.tgz`.
    pub file_name: String,
    /// The archive bytes.
    pub archive: Vec<u8>,
    /// `sha256:<hex>` of the archive.
    pub digest: String,
    /// Number of files in the archive.
    pub entries: usize,
}

/// Packages a loaded chart as `helm package` does: overrides, version check, the
/// declared-dependencies check, then helm's entry order, headers and gzip framing.
pub fn package(mut chart: Chart, options: &PackageOptions) -> Result<PackagedChart, Error> {
    if let Some(version) = &options.version {
        chart.metadata.version = version.clone();
    }
    chartpack_semver::Version::parse(&chart.metadata.version)
        .map_err(|e| Error::InvalidVersion { version: chart.metadata.version.clone(), reason: e.to_string() })?;
    if let Some(app_version) = &options.app_version {
        chart.metadata.app_version = app_version.clone();
    }
    if !options.skip_dependency_check {
        check_declared_dependencies(&chart).map_err(Error::MissingDependencies)?;
    }
    // helm's Save validates (and sanitises) again after the overrides.
    chart.metadata.sanitize();
    chart.metadata.validate().map_err(|e| Error::Save(format!("failed to save: chart validation: validation: {e}")))?;

    let mut owned: Vec<(String, Cow<'_, [u8]>, i64)> = Vec::new();
    collect_entries(&chart, "", options, &mut owned)?;
    let entries: Vec<TarEntry<'_>> =
        owned.iter().map(|(path, data, mtime)| TarEntry { path, data, mtime: *mtime }).collect();
    let archive = gzip_helm_with_threads(&write_tar(&entries), options.threads);
    let digest = format!("sha256:{}", hex(&Sha256::digest(&archive)));
    Ok(PackagedChart {
        file_name: format!("{}-{}.tgz", chart.metadata.name, chart.metadata.version),
        archive,
        digest,
        entries: owned.len(),
    })
}

fn entry_time(time: Timestamp, options: &PackageOptions) -> i64 {
    if let Some(fixed) = options.reproducible_time {
        return fixed.secs;
    }
    if time.is_go_zero() {
        return options.now.rounded_secs();
    }
    time.rounded_secs()
}

/// helm's `writeTarContents`, recursively for subcharts under `<base>/charts/`.
fn collect_entries<'c>(
    chart: &'c Chart,
    prefix: &str,
    options: &PackageOptions,
    out: &mut Vec<(String, Cow<'c, [u8]>, i64)>,
) -> Result<(), Error> {
    let name = chart.name();
    if name.is_empty() || name.contains('/') || name == "." || name == ".." {
        return Err(Error::Save(format!("chart name {:?} is invalid", name)));
    }
    let base = if prefix.is_empty() { name.to_owned() } else { format!("{prefix}/{name}") };
    let mut metadata = chart.metadata.clone();
    if metadata.api_version == API_V1 {
        metadata.dependencies.clear();
    }
    out.push((
        format!("{base}/Chart.yaml"),
        metadata.to_yaml().map_err(|e| Error::Save(format!("failed to save: {e}")))?.into_bytes().into(),
        entry_time(chart.modified, options),
    ));
    if chart.metadata.api_version == API_V2 {
        if let Some(lock) = &chart.lock {
            out.push((
                format!("{base}/Chart.lock"),
                lock.to_yaml().map_err(|e| Error::Save(format!("failed to save: {e}")))?.into_bytes().into(),
                entry_time(lock.generated, options),
            ));
        }
    }
    if let Some(values) = &chart.values {
        out.push((format!("{base}/values.yaml"), Cow::Borrowed(&values.data), entry_time(values.modified, options)));
    }
    if let Some(schema) = &chart.schema {
        if chartpack_encoding::json::parse(&schema.data).is_err() {
            return Err(Error::Save("invalid JSON in values.schema.json".to_owned()));
        }
        out.push((
            format!("{base}/values.schema.json"),
            Cow::Borrowed(&schema.data),
            entry_time(schema.modified, options),
        ));
    }
    for f in chart.templates.iter().chain(&chart.files) {
        out.push((path_join(&[&base, &f.path]), Cow::Borrowed(&f.data), entry_time(f.modified, options)));
    }
    for dep in &chart.dependencies {
        collect_entries(dep, &format!("{base}/charts"), options, out)?;
    }
    Ok(())
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use chartpack_chart::{load_directory, ChartFile, DEFAULT_LOAD_LIMITS};

    fn file(path: &str, data: &str, secs: i64) -> ChartFile {
        ChartFile { path: path.to_owned(), data: data.as_bytes().to_vec(), modified: Timestamp::from_secs(secs) }
    }

    fn sample() -> Vec<ChartFile> {
        vec![
            file("Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n", 100),
            file("values.yaml", "a: 1\n", 200),
            file("templates/cm.yaml", "kind: ConfigMap\n", 300),
            file("charts/sub/Chart.yaml", "name: sub\nversion: 1.0.0\n", 400),
        ]
    }

    #[test]
    fn entry_order_follows_helm() {
        let chart = load_directory(sample(), &DEFAULT_LOAD_LIMITS).expect("loads");
        let packaged = package(chart, &PackageOptions::default()).expect("packages");
        assert_eq!(packaged.file_name, "demo-0.1.0.tgz");
        assert_eq!(packaged.entries, 4);
        assert!(packaged.digest.starts_with("sha256:"));
    }

    #[test]
    fn reproducible_mode_ignores_file_times() {
        let options = PackageOptions { reproducible_time: Some(Timestamp::from_secs(0)), ..PackageOptions::default() };
        let a = package(load_directory(sample(), &DEFAULT_LOAD_LIMITS).expect("loads"), &options).expect("packages");
        let mut later = sample();
        later.iter_mut().for_each(|f| f.modified = Timestamp::from_secs(99_999));
        later.reverse();
        let b = package(load_directory(later, &DEFAULT_LOAD_LIMITS).expect("loads"), &options).expect("packages");
        assert_eq!(a.archive, b.archive);
    }

    #[test]
    fn version_override_is_checked() {
        let chart = load_directory(sample(), &DEFAULT_LOAD_LIMITS).expect("loads");
        let options = PackageOptions { version: Some("x.y".to_owned()), ..PackageOptions::default() };
        assert_eq!(
            package(chart, &options).map(|_| ()).map_err(|e| e.to_string()),
            Err("invalid semantic version".to_owned())
        );
    }

    #[test]
    fn missing_declared_dependency_is_refused() {
        let files = vec![file(
            "Chart.yaml",
            "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: a\n  repository: https://x\n- name: b\n  repository: https://x\n",
            1,
        )];
        let chart = load_directory(files, &DEFAULT_LOAD_LIMITS).expect("loads");
        assert_eq!(
            package(chart, &PackageOptions::default()).map(|_| ()).map_err(|e| e.to_string()),
            Err("found in Chart.yaml, but missing in charts/ directory: a, b".to_owned())
        );
    }
}
