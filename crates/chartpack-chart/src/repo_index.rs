//! A classic chart repository's `index.yaml`: read it as helm does (`LoadIndexFile`), build it
//! from chart archives (`helm repo index`), merge an older one into it (`--merge`), write it as
//! YAML or JSON, and resolve chart URLs against the repository URL. Mirrors helm
//! pkg/repo/v1/index.go, pkg/repo/v1/chartrepo.go (`ResolveReferenceURL`) and
//! pkg/cmd/repo_index.go (v4.1.4). Pure: archives and index files come in as bytes, the time
//! as a value; the caller walks directories and writes files.

mod decode;
mod gosort;
mod gotime;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chartpack_encoding::gourl;
use chartpack_encoding::json::{self, Value as Json};
use chartpack_encoding::yaml;
use chartpack_semver::{Constraints, Version};
use sha2::{Digest, Sha256};

use crate::load::{load_archive, DEFAULT_LOAD_LIMITS};
use crate::metadata::{go_quote, Metadata, API_V1};
use crate::time::Timestamp;

/// The only `apiVersion` helm writes into an index.
pub const INDEX_API_VERSION: &str = "v1";

/// A repository index: helm's `repo.IndexFile`.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexFile {
    /// `apiVersion` (`v1`).
    pub api_version: String,
    /// When the index was generated (Go's zero time when the file has none).
    pub generated: Timestamp,
    /// UTC offset of `generated` in seconds, as written (Go keeps the zone when writing back).
    pub generated_offset: i32,
    /// Chart name → versions, in name order (byte order, as Go's `json.Marshal` sorts map
    /// keys). After [`IndexFile::parse`], [`index_archives`] and [`merge`] each list is newest
    /// first, as helm's `SortEntries` leaves it.
    pub entries: Vec<(String, Vec<ChartVersion>)>,
    /// `publicKeys`, kept for writing back.
    pub public_keys: Vec<String>,
    /// Index-level `annotations`.
    pub annotations: BTreeMap<String, String>,
    /// chartmuseum's `serverInfo`, as Go writes it back (sorted keys, numbers as float64).
    pub server_info: Vec<(String, Json)>,
}

/// One chart version of an index: helm's `repo.ChartVersion`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartVersion {
    /// The chart's metadata (validated and sanitised once read).
    pub metadata: Metadata,
    /// Where the archive can be downloaded (relative ones resolve with [`resolve_reference_url`]).
    pub urls: Vec<String>,
    /// When the entry was created (Go's zero time when absent).
    pub created: Timestamp,
    /// UTC offset of `created` in seconds, as written.
    pub created_offset: i32,
    /// `removed` (kept for writing back; helm does not act on it).
    pub removed: bool,
    /// Hex SHA-256 of the archive (helm does not check it on download).
    pub digest: String,
    /// Helm 2's `checksum`, kept for writing back.
    pub checksum: String,
    /// Helm 2's `engine`, kept for writing back.
    pub engine: String,
    /// Helm 2's `tillerVersion`, kept for writing back.
    pub tiller_version: String,
    /// Helm 2's `url`, kept for writing back.
    pub url: String,
}

/// Why an index could not be read or written; the texts are helm's (without the
/// `error loading <file>: ` that helm puts in front when reading a file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// The file is empty.
    #[error("empty index.yaml file")]
    Empty,
    /// The index has no `apiVersion`.
    #[error("no API version specified")]
    NoApiVersion,
    /// YAML that does not parse, repeats a key, or holds a value JSON cannot (`.inf`).
    #[error("error converting YAML to JSON: {message}")]
    Yaml {
        /// yaml.v2's or Go's text, e.g. `yaml: unmarshal errors:\n  line 2: key "apiVersion" already set in map`.
        message: String,
    },
    /// A field holds a value of the wrong type, an unknown field (YAML only), or a time that
    /// does not parse.
    #[error("{message}")]
    Decode {
        /// JSON path of the field, e.g. `entries.Metadata.version` or `generated`.
        field: String,
        /// helm's full text, e.g. `error unmarshaling JSON: while decoding JSON: json: unknown field "foo"`.
        message: String,
    },
    /// The index cannot be written: a time with no RFC 3339 form, or text YAML cannot hold.
    #[error("{message}")]
    Encode {
        /// helm's text, e.g. `error marshaling into JSON: json: error calling MarshalJSON for type time.Time: …`.
        message: String,
    },
}

impl IndexError {
    /// Stable identifier of the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            IndexError::Empty => "index.empty",
            IndexError::NoApiVersion => "index.no_api_version",
            IndexError::Yaml { .. } => "index.yaml",
            IndexError::Decode { .. } => "index.invalid_field",
            IndexError::Encode { .. } => "index.encode",
        }
    }
}

/// Something [`index_archives`] noticed about one archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexNote {
    /// The archive does not load as a chart and is left out (helm says nothing about it).
    Skipped {
        /// The archive's path as given.
        path: String,
        /// Why it does not load.
        reason: String,
    },
    /// A line helm logs at level INFO while loading the archive (e.g. `Warning: Dependencies
    /// are handled in Chart.yaml since apiVersion "v2". …`); see [`slog_line`].
    Notice {
        /// The archive's path as given.
        path: String,
        /// helm's message.
        message: String,
    },
}

impl IndexFile {
    /// An empty index generated at `now`: helm's `NewIndexFile` (what `--merge` writes for a
    /// missing file).
    pub fn new(now: Timestamp, now_offset: i32) -> IndexFile {
        IndexFile {
            api_version: INDEX_API_VERSION.to_owned(),
            generated: now,
            generated_offset: now_offset,
            entries: Vec::new(),
            public_keys: Vec::new(),
            annotations: BTreeMap::new(),
            server_info: Vec::new(),
        }
    }

    /// Reads an index as helm's `loadIndex` does: valid JSON is decoded leniently, anything
    /// else as YAML strictly (an unknown field or a repeated key fails the whole index);
    /// entries that fail chart validation are dropped with a warning in helm's wording
    /// (`skipping loading invalid entry for chart "a" "x" from index.yaml: validation: …`);
    /// lists are sorted newest first; a missing `apiVersion` is an error. See
    /// [`IndexFile::load`] to name the file in warnings and keep them when reading fails.
    pub fn parse(bytes: &[u8]) -> Result<(IndexFile, Vec<String>), IndexError> {
        let (index, warnings) = IndexFile::load(bytes, "index.yaml");
        index.map(|i| (i, warnings))
    }

    /// [`IndexFile::parse`] with `source` (the file's path) in the warnings, which are
    /// returned even when the index is refused afterwards (helm logs them before the error).
    /// Each warning is the message helm logs at level WARN ([`slog_line`] formats the line).
    pub fn load(bytes: &[u8], source: &str) -> (Result<IndexFile, IndexError>, Vec<String>) {
        let mut warnings = Vec::new();
        let index = load_index(bytes, source, &mut warnings);
        (index, warnings)
    }

    /// The versions of chart `name`, newest first; empty when the index has none.
    pub fn versions(&self, name: &str) -> &[ChartVersion] {
        match self.entries.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
            Ok(i) => &self.entries[i].1,
            Err(_) => &[],
        }
    }

    /// helm's `IndexFile.Get`: the entry of chart `name` whose version is `version` exactly,
    /// else the first (newest, once sorted) that satisfies `version` as a constraint; an empty
    /// `version` means the newest stable one. The log line is helm's warning when an exact
    /// version was asked for and a different one matched. Errors are helm's texts.
    pub fn get(&self, name: &str, version: &str) -> Result<(&ChartVersion, Option<String>), String> {
        let versions = match self.entries.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
            Ok(i) => &self.entries[i].1,
            Err(_) => return Err("no chart name found".to_owned()),
        };
        if versions.is_empty() {
            return Err("no chart version found".to_owned());
        }
        let constraint =
            Constraints::parse(if version.is_empty() { "*" } else { version }).map_err(|e| e.to_string())?;
        if !version.is_empty() {
            if let Some(exact) = versions.iter().find(|v| v.metadata.version == version) {
                return Ok((exact, None));
            }
        }
        for v in versions {
            let Ok(candidate) = Version::parse(&v.metadata.version) else { continue };
            if constraint.matches(&candidate) {
                let log = (!version.is_empty() && !is_version_range(version)).then(|| {
                    slog_line(
                        "WARN",
                        "unable to find exact version requested; falling back to closest available version",
                        &[("chart", name), ("requested", version), ("selected", &v.metadata.version)],
                    )
                });
                return Ok((v, log));
            }
        }
        Err(format!("no chart version found for {name}-{version}"))
    }

    /// helm's `IndexFile.Has`: whether [`IndexFile::get`] finds an entry (exactly, or as a
    /// constraint: `1.0` finds `1.0.0+build`), with `get`'s log line.
    pub fn has(&self, name: &str, version: &str) -> (bool, Option<String>) {
        match self.get(name, version) {
            Ok((_, log)) => (true, log),
            Err(_) => (false, None),
        }
    }

    /// helm's `SortEntries`: every list newest first, by Go's (unstable) `sort.Sort`, so equal
    /// versions keep exactly helm's order; versions that do not parse go last.
    pub fn sort_entries(&mut self) {
        for (_, versions) in &mut self.entries {
            let mut keyed: Vec<(Option<Version>, ChartVersion)> = std::mem::take(versions)
                .into_iter()
                .map(|cv| (Version::parse(&cv.metadata.version).ok(), cv))
                .collect();
            // sort.Reverse(ChartVersions): Less(i, j) is ChartVersions.Less(j, i), where a
            // version that does not parse is less than anything.
            let less = |a: &(Option<Version>, ChartVersion), b: &(Option<Version>, ChartVersion)| match (&b.0, &a.0) {
                (None, _) => true,
                (_, None) => false,
                (Some(x), Some(y)) => x < y,
            };
            gosort::sort(&mut keyed, &less);
            *versions = keyed.into_iter().map(|(_, cv)| cv).collect();
        }
    }

    /// The index as Go's `json.Marshal` sees it (struct field order, map keys sorted).
    fn to_json_value(&self) -> Result<Json, String> {
        let mut o: Vec<(String, Json)> = Vec::new();
        if !self.server_info.is_empty() {
            o.push(("serverInfo".to_owned(), Json::Object(self.server_info.clone())));
        }
        o.push(("apiVersion".to_owned(), Json::String(self.api_version.clone())));
        o.push(("generated".to_owned(), time_json(self.generated, self.generated_offset)?));
        let mut entries = Vec::with_capacity(self.entries.len());
        for (name, versions) in &self.entries {
            let list = versions.iter().map(ChartVersion::to_json_value).collect::<Result<Vec<_>, _>>()?;
            entries.push((name.clone(), Json::Array(list)));
        }
        o.push(("entries".to_owned(), Json::Object(entries)));
        if !self.public_keys.is_empty() {
            let keys = self.public_keys.iter().map(|k| Json::String(k.clone())).collect();
            o.push(("publicKeys".to_owned(), Json::Array(keys)));
        }
        if !self.annotations.is_empty() {
            let map = self.annotations.iter().map(|(k, v)| (k.clone(), Json::String(v.clone()))).collect();
            o.push(("annotations".to_owned(), Json::Object(map)));
        }
        Ok(Json::Object(o))
    }

    /// The bytes helm's `IndexFile.WriteFile` writes (sigs.k8s.io/yaml `Marshal`: JSON, then
    /// YAML with keys in yaml.v2's order).
    pub fn to_yaml(&self) -> Result<String, IndexError> {
        let value = self
            .to_json_value()
            .map_err(|e| IndexError::Encode { message: format!("error marshaling into JSON: {e}") })?;
        yaml::try_to_yaml_string(&value).map_err(|e| IndexError::Encode { message: e.to_string() })
    }

    /// The bytes of `helm repo index --json` (`json.MarshalIndent` with two spaces, no final
    /// newline). Fails only for a time with no RFC 3339 form (an offset of 24 hours or more).
    pub fn to_json(&self) -> Result<String, IndexError> {
        let value = self.to_json_value().map_err(|message| IndexError::Encode { message })?;
        Ok(String::from_utf8_lossy(&json::to_vec_pretty(&value)).into_owned())
    }

    /// helm's `IndexFile.MustAdd`: appends an entry for the chart at `path` (relative to the
    /// repository directory, `/`-separated) with `digest` (empty: none), `created` at `now`.
    /// Its URL is `base_url` joined with the archive's directory and file name (Go's
    /// `urlutil.URLJoin`, or `path.Join` when `base_url` is no URL), or `path` itself without a
    /// base URL. Fails, with helm's text, when the metadata does not validate.
    pub fn add(
        &mut self,
        mut metadata: Metadata,
        path: &str,
        base_url: &str,
        digest: &str,
        now: Timestamp,
        now_offset: i32,
    ) -> Result<(), String> {
        let (parent, file) = match path.rfind('/') {
            Some(i) => (&path[..i], &path[i + 1..]),
            None => ("", path),
        };
        if metadata.api_version.is_empty() {
            metadata.api_version = API_V1.to_owned();
        }
        metadata.sanitize();
        if let Err(e) = metadata.validate() {
            return Err(format!(
                "failed adding to {file} to index: validate failed for {file}: validation: {}",
                e.message
            ));
        }
        let parent_url = url_join(base_url, parent);
        let url = if parent_url.is_empty() { file.to_owned() } else { url_join(&parent_url, file) };
        let name = metadata.name.clone();
        self.push(
            &name,
            ChartVersion {
                metadata,
                urls: vec![url],
                created: now,
                created_offset: now_offset,
                digest: digest.to_owned(),
                ..ChartVersion::default()
            },
        );
        Ok(())
    }

    /// Appends `version` to the list of chart `name` (kept in name order).
    fn push(&mut self, name: &str, version: ChartVersion) {
        match self.entries.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
            Ok(i) => self.entries[i].1.push(version),
            Err(i) => self.entries.insert(i, (name.to_owned(), vec![version])),
        }
    }
}

impl ChartVersion {
    fn to_json_value(&self) -> Result<Json, String> {
        let mut o = match self.metadata.to_json() {
            Json::Object(o) => o,
            _ => Vec::new(),
        };
        let urls = if self.urls.is_empty() {
            // A nil slice: what an entry without `urls` is written back as.
            Json::Null
        } else {
            Json::Array(self.urls.iter().map(|u| Json::String(u.clone())).collect())
        };
        o.push(("urls".to_owned(), urls));
        o.push(("created".to_owned(), time_json(self.created, self.created_offset)?));
        if self.removed {
            o.push(("removed".to_owned(), Json::Bool(true)));
        }
        for (key, value) in [
            ("digest", &self.digest),
            ("checksum", &self.checksum),
            ("engine", &self.engine),
            ("tillerVersion", &self.tiller_version),
            ("url", &self.url),
        ] {
            if !value.is_empty() {
                o.push((key.to_owned(), Json::String(value.clone())));
            }
        }
        Ok(Json::Object(o))
    }
}

fn time_json(t: Timestamp, offset: i32) -> Result<Json, String> {
    gotime::format(t, offset)
        .map(Json::String)
        .map_err(|e| format!("json: error calling MarshalJSON for type time.Time: {e}"))
}

/// helm's `loadIndex`.
fn load_index(bytes: &[u8], source: &str, warnings: &mut Vec<String>) -> Result<IndexFile, IndexError> {
    if bytes.is_empty() {
        return Err(IndexError::Empty);
    }
    let decoded = match json::parse(bytes) {
        Ok(value) => decode::decode(&decode::from_json(&value), true)?,
        Err(_) => {
            let value = yaml::parse_bytes_strict(bytes).map_err(|e| IndexError::Yaml { message: e.to_string() })?;
            yaml::to_json(&value).map_err(|e| IndexError::Yaml { message: e.to_string() })?;
            decode::decode(&value, false)?
        }
    };
    let (generated, generated_offset) = decoded.generated.unwrap_or((Timestamp::go_zero(), 0));
    let mut index = IndexFile {
        api_version: decoded.api_version,
        generated,
        generated_offset,
        entries: Vec::with_capacity(decoded.entries.len()),
        public_keys: decoded.public_keys,
        annotations: decoded.annotations,
        server_info: decoded.server_info.into_iter().collect(),
    };
    for (name, list) in decoded.entries {
        let mut kept: Vec<Option<ChartVersion>> = list;
        // Backwards, as helm: the warnings come last entry first.
        for i in (0..kept.len()).rev() {
            let Some(cv) = &mut kept[i] else {
                warnings.push(format!(
                    "skipping loading invalid entry for chart {} from {source}: empty entry",
                    go_quote(&name)
                ));
                kept.remove(i);
                continue;
            };
            if cv.metadata.api_version.is_empty() {
                cv.metadata.api_version = API_V1.to_owned();
            }
            cv.metadata.sanitize();
            if let Err(e) = cv.metadata.validate() {
                // helm#12748: JFrog strips aliases, so duplicate dependency names are tolerated.
                if !e.message.starts_with("more than one dependency with name or alias") {
                    warnings.push(format!(
                        "skipping loading invalid entry for chart {} {} from {source}: validation: {}",
                        go_quote(&name),
                        go_quote(&cv.metadata.version),
                        e.message
                    ));
                    kept.remove(i);
                }
            }
        }
        index.entries.push((name, kept.into_iter().flatten().collect()));
    }
    index.sort_entries();
    if index.api_version.is_empty() {
        return Err(IndexError::NoApiVersion);
    }
    Ok(index)
}

/// helm's `IndexDirectory`: one entry per archive that loads as a chart, in the order given,
/// lists NOT sorted (helm sorts after merging: call [`IndexFile::sort_entries`], or use
/// [`index_archives`]). `archives` are `(path relative to the repository directory, bytes)`,
/// `/`-separated, in helm's order (`DIR/*.tgz` sorted, then `DIR/*/*.tgz` sorted by directory
/// then name). `base_url` is `--url` (or empty). Every entry is `created` at `now` and the index
/// `generated` at `now` (helm reads the clock for each; the caller picks one instant), written
/// with the UTC offset `now_offset` (seconds).
pub fn index_directory(
    archives: &[(String, Vec<u8>)],
    base_url: &str,
    now: Timestamp,
    now_offset: i32,
) -> (IndexFile, Vec<IndexNote>) {
    let mut index = IndexFile::new(now, now_offset);
    let mut notes = Vec::new();
    for (path, bytes) in archives {
        notes.extend(add_archive(&mut index, path, bytes, base_url, now, now_offset));
    }
    (index, notes)
}

/// One step of [`index_directory`]: the archive at `path` (relative, `/`-separated) is loaded
/// and, when it is a chart, added with its SHA-256 as digest; otherwise it is skipped, as helm
/// does, silently.
pub fn add_archive(
    index: &mut IndexFile,
    path: &str,
    bytes: &[u8],
    base_url: &str,
    now: Timestamp,
    now_offset: i32,
) -> Vec<IndexNote> {
    let chart = match load_archive(bytes, path, &DEFAULT_LOAD_LIMITS) {
        Ok(chart) => chart,
        Err(e) => return vec![IndexNote::Skipped { path: path.to_owned(), reason: e.to_string() }],
    };
    let mut notes: Vec<IndexNote> =
        chart.notices.iter().map(|n| IndexNote::Notice { path: path.to_owned(), message: n.clone() }).collect();
    let digest = hex(&Sha256::digest(bytes));
    // The loader validated the metadata already, so `add` cannot fail here.
    if let Err(reason) = index.add(chart.metadata, path, base_url, &digest, now, now_offset) {
        notes.push(IndexNote::Skipped { path: path.to_owned(), reason });
    }
    notes
}

/// `helm repo index` without `--merge`: [`index_directory`], then the lists sorted newest
/// first.
pub fn index_archives(
    archives: &[(String, Vec<u8>)],
    base_url: &str,
    now: Timestamp,
    now_offset: i32,
) -> (IndexFile, Vec<IndexNote>) {
    let (mut index, notes) = index_directory(archives, base_url, now, now_offset);
    index.sort_entries();
    (index, notes)
}

/// helm's `IndexFile.Merge`: each version of `old` (under its chart's own name) is appended to
/// `local` unless [`IndexFile::has`] finds it there, so local entries win. Lists are left
/// unsorted, as in helm; `helm repo index --merge` is [`index_directory`], this, then
/// [`IndexFile::sort_entries`]. Returns the lines helm logs (fallback warnings of `has`).
pub fn merge_unsorted(local: &mut IndexFile, old: &IndexFile) -> Vec<String> {
    let mut log = Vec::new();
    for (_, versions) in &old.entries {
        for cv in versions {
            let (present, line) = local.has(&cv.metadata.name, &cv.metadata.version);
            log.extend(line);
            if !present {
                local.push(&cv.metadata.name.clone(), cv.clone());
            }
        }
    }
    log
}

/// [`merge_unsorted`], then the lists sorted newest first. For an index fresh from
/// [`index_directory`], call [`merge_unsorted`] and sort once, as helm does: Go's sort is not
/// stable, so sorting twice can order equal versions differently.
pub fn merge(local: &mut IndexFile, old: &IndexFile) -> Vec<String> {
    let log = merge_unsorted(local, old);
    local.sort_entries();
    log
}

/// helm's `repo.ResolveReferenceURL(repoURL, chartURL)`: an absolute chart URL is returned as
/// given; a relative one is resolved against the repository URL with a `/` added to its path,
/// and the result carries the repository URL's query (not the chart URL's).
pub fn resolve_reference_url(repo_url: &str, chart_url: &str) -> Result<String, String> {
    let reference = go_parse_url(chart_url).map_err(|e| format!("failed to parse {chart_url} as URL: {e}"))?;
    if reference.is_abs() {
        return Ok(chart_url.to_owned());
    }
    let mut base = go_parse_url(repo_url).map_err(|e| format!("failed to parse {repo_url} as URL: {e}"))?;
    let path = gourl::unescape(&base.raw_path, gourl::Mode::Path).unwrap_or_default();
    let mut path = path.strip_suffix(b"/").map_or(path.clone(), <[u8]>::to_vec);
    path.push(b'/');
    let raw = base.go_raw_path();
    let raw = format!("{}/", raw.strip_suffix('/').unwrap_or(&raw));
    base.set_path_fields(&path, &raw);
    let mut resolved = base.resolve_reference(&reference);
    resolved.raw_query = base.raw_query.clone();
    Ok(resolved.to_string())
}

/// Go's `url.Parse` as go1.25 does it: brackets only around an IPv6 address.
fn go_parse_url(raw: &str) -> Result<gourl::Url, String> {
    let url = gourl::parse(raw).map_err(|e| e.to_string())?;
    if !gourl::valid_ip_literal(&url.host) {
        let inner = url.host.trim_start_matches('[');
        let inner = inner.rfind(']').map_or(inner, |i| &inner[..i]);
        let reason = if inner.parse::<std::net::Ipv4Addr>().is_ok() {
            "invalid IP-literal".to_owned()
        } else {
            format!("invalid host: ParseAddr({}): unable to parse IP", go_quote(inner))
        };
        let without_fragment = raw.split('#').next().unwrap_or(raw);
        return Err(format!("parse {}: {reason}", go_quote(without_fragment)));
    }
    Ok(url)
}

/// helm's `urlutil.URLJoin(base, part)` with its fallback: the URL's path joined with `part`
/// by Go's `path.Join`, or, when `base` is no URL, `path.Join(base, part)`.
fn url_join(base: &str, part: &str) -> String {
    let Ok(mut url) = go_parse_url(base) else {
        return chartpack_archive::path_join(&[base, part]);
    };
    let path =
        String::from_utf8_lossy(&gourl::unescape(&url.raw_path, gourl::Mode::Path).unwrap_or_default()).into_owned();
    let raw = url.go_raw_path();
    let joined = chartpack_archive::path_join(&[&path, part]);
    url.set_path_fields(joined.as_bytes(), &raw);
    url.to_string()
}

/// helm's `isVersionRange`: whether `version` reads as a constraint rather than a version.
fn is_version_range(version: &str) -> bool {
    if version.contains(['^', '~', '<', '>', '=', '!', '*']) || version.contains("||") || version.contains(" - ") {
        return true;
    }
    let core = version.find(['-', '+']).map_or(version, |i| &version[..i]);
    core.contains(['x', 'X'])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One line as helm's logger (Go's `log/slog` text handler without time) writes it:
/// `level=WARN msg="…" key=value …`, values quoted where slog quotes them.
pub fn slog_line(level: &str, message: &str, attrs: &[(&str, &str)]) -> String {
    let mut line = format!("level={level} msg={}", slog_value(message));
    for (key, value) in attrs {
        line.push_str(&format!(" {}={}", slog_value(key), slog_value(value)));
    }
    line
}

/// slog's `needsQuoting`, then `strconv.Quote`.
fn slog_value(s: &str) -> String {
    let needs = s.is_empty()
        || s.chars().any(|c| {
            if c.is_ascii() {
                c != '\\' && (c == ' ' || c == '=' || c == '"' || c.is_ascii_control() && c != '\u{7f}')
            } else {
                c == char::REPLACEMENT_CHARACTER || c.is_whitespace() || !chartpack_encoding::gofmt::is_print(c)
            }
        });
    if needs {
        go_quote(s)
    } else {
        s.to_owned()
    }
}
