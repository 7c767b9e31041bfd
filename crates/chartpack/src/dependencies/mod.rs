//! `helm dependency update` and `helm dependency build`: resolve each dependency of a chart
//! against OCI tags, a classic repository's `index.yaml`, a local `file://` chart or `charts/`,
//! fetch and verify the archives, and produce `Chart.lock` with helm's digest. Mirrors helm's
//! `pkg/downloader/manager.go` and `internal/resolver/resolver.go`.
//!
//! No I/O of its own: HTTP goes through a [`Transport`], OCI and local charts through
//! [`Sources`], and the caller writes what [`Outcome`] holds (archives for `charts/`, the lock).

mod fetch;
pub mod repos;

use std::cmp::Reverse;

use chartpack_chart::lock::Lock;
use chartpack_chart::metadata::{dependencies_json, API_V1};
use chartpack_chart::repo_index::{resolve_reference_url, ChartVersion, IndexFile};
use chartpack_chart::{load_archive, load_directory, Chart, ChartFile, Dependency, Timestamp, DEFAULT_LOAD_LIMITS};
use chartpack_encoding::json::{self, Value as Json};
use chartpack_oci::http::Transport;
use chartpack_oci::reference::version_for_tag;
use chartpack_semver::{Constraints, Version};
use sha2::{Digest, Sha256};

pub use fetch::index_url;
pub use repos::{parse_repositories, Repository, Source};

use crate::{package, PackageOptions};

/// What may fail; texts follow helm's where helm has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DependencyError {
    /// A message in helm's words.
    #[error("{0}")]
    Helm(String),
    /// A repositories file that does not parse.
    #[error("{file}: {message}")]
    Config {
        /// The file.
        file: String,
        /// What was wrong.
        message: String,
    },
    /// An HTTP download failed.
    #[error("failed to fetch {url} : {message}")]
    Fetch {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// A downloaded archive is not what the lock or index promised.
    #[error("{file}: {message}")]
    Verify {
        /// The archive's file name.
        file: String,
        /// What was wrong.
        message: String,
    },
    /// Tags, an index or an archive could not be had; the text is helm's.
    #[error("{0}")]
    Download(String),
    /// `build` with a lock that no longer matches the dependencies (helm's text).
    #[error("the lock file ({lock_file}) is out of sync with the dependencies file ({dependencies_file}). Please update the dependencies")]
    OutOfSync {
        /// `Chart.lock` or `requirements.lock`.
        lock_file: &'static str,
        /// `Chart.yaml` or `requirements.yaml`.
        dependencies_file: &'static str,
    },
}

impl DependencyError {
    /// Stable, documented identifier: `dependency.resolve` (helm refuses the dependencies or
    /// cannot resolve them), `dependency.config`, `dependency.fetch`, `dependency.verify`,
    /// `dependency.out_of_sync`.
    pub fn code(&self) -> &'static str {
        match self {
            DependencyError::Helm(_) => "dependency.resolve",
            DependencyError::Config { .. } => "dependency.config",
            DependencyError::Fetch { .. } | DependencyError::Download(_) => "dependency.fetch",
            DependencyError::Verify { .. } => "dependency.verify",
            DependencyError::OutOfSync { .. } => "dependency.out_of_sync",
        }
    }
}

fn helm(message: impl Into<String>) -> DependencyError {
    DependencyError::Helm(message.into())
}

/// Where the registry client, the local file system and HTTP are, for the caller to provide.
#[allow(async_fn_in_trait)] // deliberately not `Send`: browser futures are `!Send`
pub trait Sources {
    /// The HTTP transport for classic repositories.
    type Http: Transport;
    /// The HTTP transport.
    fn http(&self) -> &Self::Http;
    /// Every tag of the OCI repository `host/path/name` (no `oci://`), as the registry lists them.
    async fn oci_tags(&self, repository: &str) -> Result<Vec<String>, String>;
    /// The chart archive tagged `version` (helm form: `+`, not `_`) in `host/path/name`.
    async fn oci_pull(&self, repository: &str, version: &str) -> Result<Vec<u8>, String>;
    /// The files of the chart directory at `path`: relative to the chart being updated
    /// (`../common`, `charts/redis`) or absolute. The error is shown as it is.
    fn local_chart(&self, path: &str) -> Result<Vec<ChartFile>, String>;
    /// A line of progress, as helm prints it, when it happens (also kept in [`Outcome::log`]).
    fn log(&self, _line: &str) {}
}

/// Progress lines: kept for the outcome and shown by the caller as they come.
struct Log<'a, S> {
    lines: Vec<String>,
    sources: &'a S,
}

impl<S: Sources> Log<'_, S> {
    fn push(&mut self, line: String) {
        self.sources.log(&line);
        self.lines.push(line);
    }
}

/// Settings of one run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Repositories known to helm (`repositories.yaml`): needed for `@name` aliases and for
    /// credentials.
    pub repositories: Vec<Repository>,
    /// The time written as `generated` in the lock, and given to packaged `file://` charts.
    pub now: Timestamp,
    /// UTC offset of `now` in seconds, as written.
    pub now_offset: i32,
    /// `SOURCE_DATE_EPOCH`: the entry time of packaged `file://` charts.
    pub reproducible_time: Option<Timestamp>,
}

/// One archive for `charts/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedChart {
    /// The file name in `charts/`.
    pub file_name: String,
    /// The archive.
    pub bytes: Vec<u8>,
}

/// What an update or build produced, for the caller to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The lock (new for an update, the existing one for a build).
    pub lock: Lock,
    /// `Chart.lock`, or `requirements.lock` for `apiVersion: v1` charts.
    pub lock_file: &'static str,
    /// The lock's bytes.
    pub lock_yaml: String,
    /// Whether the lock should be written (helm leaves it alone when the digest is unchanged).
    pub write_lock: bool,
    /// Archives for `charts/`.
    pub charts: Vec<FetchedChart>,
    /// Names of dependencies without a repository (in `charts/` already): never deleted.
    pub vendored: Vec<String>,
    /// What helm prints along the way.
    pub log: Vec<String>,
}

/// helm's `HashReq`: `sha256:` + hex of Go's JSON of `[dependencies, locked]`.
pub fn lock_digest(dependencies: &[Option<Dependency>], locked: &[Option<Dependency>]) -> String {
    let pair = Json::Array(vec![dependencies_json(dependencies), dependencies_json(locked)]);
    let digest = Sha256::digest(json::to_vec(&pair));
    format!("sha256:{}", hex(&digest))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `helm dependency update`: resolves every dependency of `chart` (loaded from its directory),
/// fetches the archives and makes a new lock. `None` when the chart declares no dependencies.
pub async fn update<S: Sources>(
    chart: &Chart,
    sources: &S,
    options: &Options,
) -> Result<Option<Outcome>, DependencyError> {
    let declared = &chart.metadata.dependencies;
    if declared.is_empty() {
        return Ok(None);
    }
    let mut log = Log { lines: Vec::new(), sources };
    let (requested, sources_of) = repos::resolve_sources(declared, &options.repositories)?;
    let indexes = fetch_indexes(sources, &sources_of, &options.repositories, &mut log).await;
    let locked = resolve(&requested, &sources_of, &indexes, sources).await?;
    let (charts, locked) = download_all(&locked, &sources_of, &indexes, sources, options, &mut log).await?;
    let digest = lock_digest(&requested, &locked);
    let write_lock = chart.lock.as_ref().is_none_or(|old| old.digest != digest);
    let lock = Lock { generated: options.now, generated_offset: options.now_offset, digest, dependencies: locked };
    finish(chart, lock, write_lock, charts, &requested, log.lines)
}

/// `helm dependency build`: fetches exactly what `Chart.lock` says, after checking that the
/// lock still matches `Chart.yaml`. Without a lock it is an update.
pub async fn build<S: Sources>(
    chart: &Chart,
    sources: &S,
    options: &Options,
) -> Result<Option<Outcome>, DependencyError> {
    let Some(lock) = chart.lock.clone() else { return update(chart, sources, options).await };
    let mut log = Log { lines: Vec::new(), sources };
    let (requested, _) = repos::resolve_sources(&chart.metadata.dependencies, &options.repositories)?;
    if lock_digest(&requested, &lock.dependencies) != lock.digest {
        let (lock_file, dependencies_file) = if chart.metadata.api_version == API_V1 {
            ("requirements.lock", "requirements.yaml")
        } else {
            ("Chart.lock", "Chart.yaml")
        };
        return Err(DependencyError::OutOfSync { lock_file, dependencies_file });
    }
    // helm: every classic repository of the lock must be configured (`helm repo add`).
    let missing: Vec<String> = lock
        .dependencies
        .iter()
        .flatten()
        .filter(|d| {
            !d.repository.is_empty() && !d.repository.starts_with("file://") && !d.repository.starts_with("oci://")
        })
        .filter(|d| !options.repositories.iter().any(|r| repos::urls_equal(&r.url, &d.repository)))
        .map(|d| d.repository.clone())
        .collect();
    if !missing.is_empty() {
        // `helm dependency build` adds the advice to the manager's `ErrRepoNotFound`.
        return Err(helm(format!(
            "no repository definition for {}. Please add the missing repos via 'helm repo add'",
            missing.join(", ")
        )));
    }
    let (_, sources_of) = repos::resolve_sources(&lock.dependencies, &options.repositories)?;
    let indexes = fetch_indexes(sources, &sources_of, &options.repositories, &mut log).await;
    let (charts, _) = download_all(&lock.dependencies, &sources_of, &indexes, sources, options, &mut log).await?;
    finish(chart, lock, false, charts, &requested, log.lines)
}

fn finish(
    chart: &Chart,
    lock: Lock,
    write_lock: bool,
    charts: Vec<FetchedChart>,
    requested: &[Option<Dependency>],
    log: Vec<String>,
) -> Result<Option<Outcome>, DependencyError> {
    let lock_yaml = lock.to_yaml().map_err(|e| helm(format!("cannot write the lock: {e}")))?;
    let lock_file = if chart.metadata.api_version == API_V1 { "requirements.lock" } else { "Chart.lock" };
    let vendored = requested.iter().flatten().filter(|d| d.repository.is_empty()).map(|d| d.name.clone()).collect();
    Ok(Some(Outcome { lock, lock_file, lock_yaml, write_lock, charts, vendored, log }))
}

/// Which existing `charts/` archives an update replaces: helm's `safeMoveDeps` deletes every
/// archive not among the new files unless it does not load or belongs to a dependency without
/// a repository. `existing` holds `(file name, bytes)` of the files directly in `charts/`.
pub fn outdated_charts(existing: &[(String, Vec<u8>)], outcome: &Outcome) -> Vec<String> {
    existing
        .iter()
        .filter(|(name, _)| !outcome.charts.iter().any(|c| &c.file_name == name))
        .filter(|(name, bytes)| match load_archive(bytes, name, &DEFAULT_LOAD_LIMITS) {
            Ok(chart) => !outcome.vendored.contains(&chart.metadata.name),
            Err(_) => false,
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// The existing `charts/` files helm looks at for deletion but cannot load: `(file name, the
/// loader's error)`, in `existing`'s order. helm reports each after "Deleting outdated charts"
/// as `Could not verify CHART_DIR/charts/NAME for deletion: ERROR (Skipping)` and keeps it. The
/// error names the file as `shown(name)` does (helm: the path it opened).
pub fn unverifiable_charts(
    existing: &[(String, Vec<u8>)],
    outcome: &Outcome,
    shown: impl Fn(&str) -> String,
) -> Vec<(String, String)> {
    existing
        .iter()
        .filter(|(name, _)| !outcome.charts.iter().any(|c| &c.file_name == name))
        .filter_map(|(name, bytes)| {
            load_archive(bytes, &shown(name), &DEFAULT_LOAD_LIMITS).err().map(|e| (name.clone(), e.to_string()))
        })
        .collect()
}

/// One fetched index per classic repository URL (or why it could not be fetched).
struct FetchedIndex {
    url: String,
    index: Result<IndexFile, String>,
}

async fn fetch_indexes<S: Sources>(
    sources: &S,
    sources_of: &[Option<Source>],
    repositories: &[Repository],
    log: &mut Log<'_, S>,
) -> Vec<FetchedIndex> {
    // helm refreshes the repositories no configuration names first ("unmanaged"), then the
    // configured ones between "Hang tight…" and "Update Complete…" (helm refreshes every
    // configured repository there, chartpack only those the chart needs).
    let mut out: Vec<FetchedIndex> = Vec::new();
    for managed in [false, true] {
        let mut announced = false;
        for source in sources_of.iter().flatten() {
            let Source::Http { url, configured } = source else { continue };
            if configured.is_some() != managed || out.iter().any(|f| repos::urls_equal(&f.url, url)) {
                continue;
            }
            if !announced {
                log.push(if managed {
                    "Hang tight while we grab the latest from your chart repositories...".to_owned()
                } else {
                    "Getting updates for unmanaged Helm repositories...".to_owned()
                });
                announced = true;
            }
            let shown = configured.as_ref().map_or_else(|| format!("{url:?}"), |r| format!("{:?}", r.name));
            let credentials =
                configured.as_ref().or_else(|| repositories.iter().find(|r| repos::urls_equal(&r.url, url)));
            let index = match fetch::get(sources.http(), &index_url(url), credentials, fetch::MAX_INDEX_BYTES).await {
                Ok(bytes) => IndexFile::parse(&bytes).map(|(index, _warnings)| index).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match (&index, configured) {
                (Ok(_), _) => log.push(format!("...Successfully got an update from the {shown} chart repository")),
                (Err(e), None) => {
                    log.push(format!("...Unable to get an update from the {shown} chart repository:\n\t{e}"))
                }
                (Err(e), Some(r)) => log
                    .push(format!("...Unable to get an update from the {shown} chart repository ({}):\n\t{e}", r.url)),
            }
            out.push(FetchedIndex { url: url.clone(), index });
        }
        if managed && announced {
            log.push("Update Complete. \u{2388}Happy Helming!\u{2388}".to_owned());
        }
    }
    out
}

fn index_for<'a>(indexes: &'a [FetchedIndex], url: &str) -> Result<&'a IndexFile, DependencyError> {
    let fetched = indexes.iter().find(|f| repos::urls_equal(&f.url, url));
    match fetched.map(|f| &f.index) {
        Some(Ok(index)) => Ok(index),
        Some(Err(e)) => Err(DependencyError::Download(format!(
            "no cached repository for helm-manager-{} found. (try 'helm repo update'): {e}",
            hex(&Sha256::digest(url.as_bytes()))
        ))),
        None => Err(helm(format!("no cached repository for {url} found. (try 'helm repo update')"))),
    }
}

/// helm's `Resolver.Resolve`: a lock entry (name, repository, exact version) per dependency.
async fn resolve<S: Sources>(
    requested: &[Option<Dependency>],
    sources_of: &[Option<Source>],
    indexes: &[FetchedIndex],
    sources: &S,
) -> Result<Vec<Option<Dependency>>, DependencyError> {
    let mut locked = Vec::with_capacity(requested.len());
    let mut missing = Vec::new();
    for (dependency, source) in requested.iter().zip(sources_of) {
        let (Some(dependency), Some(source)) = (dependency, source) else {
            locked.push(None);
            continue;
        };
        let constraint = Constraints::parse(&dependency.version).map_err(|e| {
            helm(format!("dependency {:?} has an invalid version/constraint format: {e}", dependency.name))
        })?;
        let lock = |version: &str| {
            Some(Dependency {
                name: dependency.name.clone(),
                repository: dependency.repository.clone(),
                version: version.to_owned(),
                ..Dependency::default()
            })
        };
        let not_found = || {
            format!("{:?} (repository {:?}, version {:?})", dependency.name, dependency.repository, dependency.version)
        };
        match source {
            Source::Vendored => {
                sources.local_chart(&format!("charts/{}", dependency.name)).map_err(helm)?;
                locked.push(lock(&dependency.version));
            }
            Source::Local(path) => {
                let files = sources.local_chart(path).map_err(helm)?;
                let chart = load_directory(files, &DEFAULT_LOAD_LIMITS).map_err(|e| helm(e.to_string()))?;
                match Version::parse(&chart.metadata.version) {
                    Err(_) => locked.push(None),
                    Ok(v) if constraint.matches(&v) => locked.push(lock(&chart.metadata.version)),
                    Ok(_) => {
                        missing.push(not_found());
                        locked.push(None);
                    }
                }
            }
            Source::Oci(repository) => {
                let candidates: Vec<String> = if Version::parse(&dependency.version).is_ok() {
                    vec![dependency.version.clone()]
                } else {
                    let reference = format!("{}/{}", repository.trim_start_matches("oci://"), dependency.name);
                    let tags = sources.oci_tags(&reference).await.map_err(|e| {
                        DependencyError::Download(format!(
                            "could not retrieve list of tags for repository {}: {e}",
                            dependency.repository
                        ))
                    })?;
                    newest_first(&tags)
                };
                // Nothing matching is no resolution error for OCI in helm: the constraint stays
                // in the lock and the download fails ("could not locate a version matching …").
                let found = candidates.iter().find(|c| Version::parse(c).is_ok_and(|v| constraint.matches(&v)));
                locked.push(lock(found.unwrap_or(&dependency.version)));
            }
            Source::Http { url, .. } => {
                let index = index_for(indexes, url)?;
                let versions = index.versions(&dependency.name);
                if versions.is_empty() {
                    return Err(helm(format!("{} chart not found in repo {}", dependency.name, dependency.repository)));
                }
                let found = versions.iter().find(|entry| {
                    !entry.urls.is_empty()
                        && Version::parse(&entry.metadata.version).is_ok_and(|v| constraint.matches(&v))
                });
                match found {
                    Some(entry) => locked.push(lock(&entry.metadata.version)),
                    None => {
                        missing.push(not_found());
                        locked.push(lock(""));
                    }
                }
            }
        }
    }
    if !missing.is_empty() {
        return Err(helm(format!(
            "can't get a valid version for {} subchart(s): {}. Make sure a matching chart version exists in the repo, or change the version constraint in Chart.yaml",
            missing.len(),
            missing.join(", ")
        )));
    }
    Ok(locked)
}

/// helm's registry `Tags`: strict SemVer tags (`_` read as `+`), newest first, stable on ties.
fn newest_first(tags: &[String]) -> Vec<String> {
    let mut versions: Vec<(String, Version)> = tags
        .iter()
        .filter_map(|tag| {
            let text = version_for_tag(tag);
            Version::parse_strict(&text).ok().map(|v| (text, v))
        })
        .collect();
    versions.sort_by_key(|(_, v)| Reverse(v.clone()));
    versions.into_iter().map(|(text, _)| text).collect()
}

/// helm's `downloadAll`: every locked dependency fetched (or packaged, or checked in place)
/// and verified. Returns the archives and the lock entries (a `file://` entry takes the local
/// chart's version).
async fn download_all<S: Sources>(
    locked: &[Option<Dependency>],
    sources_of: &[Option<Source>],
    indexes: &[FetchedIndex],
    sources: &S,
    options: &Options,
    log: &mut Log<'_, S>,
) -> Result<(Vec<FetchedChart>, Vec<Option<Dependency>>), DependencyError> {
    log.push(format!("Saving {} charts", locked.len()));
    let mut charts: Vec<FetchedChart> = Vec::new();
    let mut fetched_urls: Vec<String> = Vec::new();
    let mut out = locked.to_vec();
    for (entry, source) in out.iter_mut().zip(sources_of) {
        let (Some(dependency), Some(source)) = (entry.as_mut(), source) else { continue };
        let name = dependency.name.clone();
        match source {
            Source::Vendored => {
                log.push(format!(
                    "Dependency {name} did not declare a repository. Assuming it exists in the charts directory"
                ));
                let path = format!("charts/{name}");
                let files = sources.local_chart(&path).map_err(helm)?;
                let chart = load_directory(files, &DEFAULT_LOAD_LIMITS)
                    .map_err(|e| helm(format!("unable to load chart '{path}': {e}")))?;
                check_constraint(&name, &dependency.version, &chart.metadata.version)?;
            }
            Source::Local(path) => {
                let files = sources.local_chart(path).map_err(helm)?;
                let chart = load_directory(files, &DEFAULT_LOAD_LIMITS).map_err(|e| helm(e.to_string()))?;
                let constraint = Constraints::parse(&dependency.version)
                    .map_err(|e| helm(format!("dependency {name} has an invalid version/constraint format: {e}")))?;
                let version = Version::parse(&chart.metadata.version).map_err(|e| helm(e.to_string()))?;
                if !constraint.matches(&version) {
                    return Err(helm(format!("can't get a valid version for dependency {name}")));
                }
                dependency.version = chart.metadata.version.clone();
                let packaged = package(
                    chart,
                    &PackageOptions {
                        reproducible_time: options.reproducible_time,
                        now: options.now,
                        threads: 1,
                        skip_dependency_check: true,
                        ..PackageOptions::default()
                    },
                )
                .map_err(|e| helm(e.to_string()))?;
                keep(&mut charts, FetchedChart { file_name: packaged.file_name, bytes: packaged.archive });
            }
            Source::Oci(repository) => {
                // No "Already downloaded" for OCI in helm (it remembers the reference without its
                // tag, then looks it up with the tag): every OCI dependency is pulled.
                log.push(format!("Downloading {name} from repo {repository}"));
                let reference = format!("{}/{name}", repository.trim_start_matches("oci://"));
                let bytes = sources
                    .oci_pull(&reference, &dependency.version)
                    .await
                    .map_err(|e| DependencyError::Download(format!("could not download {repository}/{name}: {e}")))?;
                let file_name = format!("{name}-{}.tgz", dependency.version);
                verify(&file_name, &bytes, &name, &dependency.version, None)?;
                keep(&mut charts, FetchedChart { file_name, bytes });
            }
            Source::Http { url: repository_url, configured } => {
                let index = index_for(indexes, repository_url)?;
                let entry = find_versioned_entry(&dependency.version, index.versions(&name)).ok_or_else(|| {
                    helm(format!("could not find : chart {name} not found in {repository_url}: no matching version"))
                })?;
                let first = entry.urls.first().map(String::as_str).unwrap_or_default();
                let url = resolve_reference_url(repository_url, first)
                    .map_err(|e| helm(format!("could not find {first}: {e}")))?;
                if fetched_urls.contains(&url) {
                    log.push(format!("Already downloaded {name} from repo {}", dependency.repository));
                    continue;
                }
                log.push(format!("Downloading {name} from repo {}", dependency.repository));
                let bytes = fetch::get(sources.http(), &url, configured.as_ref(), fetch::MAX_ARCHIVE_BYTES)
                    .await
                    .map_err(|e| DependencyError::Download(format!("could not download {url}: {e}")))?;
                let file_name = url_file_name(&url).unwrap_or_else(|| format!("{name}-{}.tgz", dependency.version));
                verify(&file_name, &bytes, &name, &dependency.version, Some(&entry.digest))?;
                keep(&mut charts, FetchedChart { file_name, bytes });
                fetched_urls.push(url);
            }
        }
    }
    log.push("Deleting outdated charts".to_owned());
    // Two dependencies on the same chart and version give one file, as helm's writes do.
    let mut unique: Vec<FetchedChart> = Vec::with_capacity(charts.len());
    for chart in charts {
        match unique.iter_mut().find(|c| c.file_name == chart.file_name) {
            Some(existing) => *existing = chart,
            None => unique.push(chart),
        }
    }
    Ok((unique, out))
}

/// Adds an archive for `charts/`; a later one with the same file name replaces the earlier
/// (helm writes both into its temporary directory, the last one stays).
fn keep(charts: &mut Vec<FetchedChart>, chart: FetchedChart) {
    charts.retain(|c| c.file_name != chart.file_name);
    charts.push(chart);
}

fn check_constraint(name: &str, constraint: &str, version: &str) -> Result<(), DependencyError> {
    let parsed = Constraints::parse(constraint)
        .map_err(|e| helm(format!("dependency {name} has an invalid version/constraint format: {e}")))?;
    let v = Version::parse(version)
        .map_err(|e| helm(format!("invalid version {constraint} for dependency {name}: {e}")))?;
    if !parsed.matches(&v) {
        return Err(helm(format!(
            "dependency {name} at version {version} does not satisfy the constraint {constraint}"
        )));
    }
    Ok(())
}

/// helm's `findVersionedEntry`: the first entry with URLs whose version equals `version`
/// (as SemVer when it parses, else as text).
fn find_versioned_entry<'a>(version: &str, entries: &'a [ChartVersion]) -> Option<&'a ChartVersion> {
    entries.iter().filter(|e| !e.urls.is_empty()).find(|e| {
        version.is_empty()
            || match Version::parse(version) {
                Ok(wanted) => Version::parse(&e.metadata.version).is_ok_and(|v| v == wanted),
                Err(_) => e.metadata.version == version,
            }
    })
}

/// The last segment of a URL's path, when it is a plain file name (helm saves downloads under
/// it); `None` for anything that could name another place.
fn url_file_name(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let name = path.rsplit('/').next()?;
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['\\', ':', '%'])
        && !name.chars().any(char::is_control);
    plain.then(|| name.to_owned())
}

/// A downloaded archive must load as a chart with the dependency's name and locked version,
/// and match the index's digest when the index gives one.
fn verify(
    file_name: &str,
    bytes: &[u8],
    name: &str,
    version: &str,
    digest: Option<&str>,
) -> Result<(), DependencyError> {
    let refuse = |message: String| DependencyError::Verify { file: file_name.to_owned(), message };
    if url_file_name(file_name).as_deref() != Some(file_name) || file_name.contains('/') {
        return Err(refuse("not a plain file name for charts/".to_owned()));
    }
    if let Some(expected) = digest.filter(|d| !d.is_empty()) {
        let actual = hex(&Sha256::digest(bytes));
        if !actual.eq_ignore_ascii_case(expected.trim_start_matches("sha256:")) {
            return Err(refuse(format!("digest {actual} does not match the repository index ({expected})")));
        }
    }
    let chart =
        load_archive(bytes, file_name, &DEFAULT_LOAD_LIMITS).map_err(|e| refuse(format!("not a valid chart: {e}")))?;
    if chart.metadata.name != name {
        return Err(refuse(format!("holds chart {:?}, expected {name:?}", chart.metadata.name)));
    }
    let same = match (Version::parse(&chart.metadata.version), Version::parse(version)) {
        (Ok(a), Ok(b)) => a == b,
        _ => chart.metadata.version == version,
    };
    if !same {
        return Err(refuse(format!("holds version {}, expected {version}", chart.metadata.version)));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
