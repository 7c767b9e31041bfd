//! What `helm push` uploads for a chart archive: config blob, layers and manifest, byte for byte.

use std::collections::BTreeMap;

use chartpack_chart::{load_archive, Metadata, Timestamp, DEFAULT_LOAD_LIMITS};
use chartpack_encoding::json::{self, Number, Value};

use super::{Descriptor, ManifestError};
use crate::digest::Digest;
use crate::media;
use crate::reference::tag_for_version;

/// Everything `helm push` sends for one chart, ready to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartArtifact {
    /// The chart's name (`Chart.yaml`).
    pub name: String,
    /// The chart's version (`Chart.yaml`).
    pub version: String,
    /// The tag helm pushes under: the version with `+` as `_`.
    pub tag: String,
    /// The config blob: the chart's metadata as compact Go JSON.
    pub config: Vec<u8>,
    /// The config blob's descriptor.
    pub config_descriptor: Descriptor,
    /// The chart layer and, when given, the provenance layer, sorted by digest as helm does.
    pub layers: Vec<Descriptor>,
    /// The manifest's annotations.
    pub annotations: BTreeMap<String, String>,
    /// The manifest: compact Go JSON without a top-level `mediaType` member, no final newline.
    pub manifest: Vec<u8>,
    /// The manifest's digest.
    pub manifest_digest: Digest,
}

/// Annotation keys helm fills from `Chart.yaml` (image-spec's `ocispec.Annotation*`).
const TITLE: &str = "org.opencontainers.image.title";
const VERSION: &str = "org.opencontainers.image.version";
const DESCRIPTION: &str = "org.opencontainers.image.description";
const URL: &str = "org.opencontainers.image.url";
const CREATED: &str = "org.opencontainers.image.created";
const SOURCE: &str = "org.opencontainers.image.source";
const AUTHORS: &str = "org.opencontainers.image.authors";

/// Builds what `helm push` uploads for `archive` (and the `<archive>.prov` file beside it, if
/// any): the archive is loaded as helm loads it (`archive_name` appears in helm's "not a gzip"
/// message), the config is the loaded metadata as JSON, the layers are sorted by digest, and
/// the annotations follow helm's `generateOCIAnnotations`. `created` is the
/// `org.opencontainers.image.created` value (see [`format_created`]); a blank one is left out,
/// as helm leaves out blank values (helm itself never has one: it falls back to the clock).
pub fn build_chart_artifact(
    archive: &[u8],
    archive_name: &str,
    provenance: Option<&[u8]>,
    created: &str,
) -> Result<ChartArtifact, ManifestError> {
    let metadata = load_archive(archive, archive_name, &DEFAULT_LOAD_LIMITS)?.metadata;
    let config = metadata.to_go_json();
    let config_descriptor = Descriptor::of(media::CONFIG, &config);
    let mut layers = vec![Descriptor::of(media::CHART_LAYER, archive)];
    if let Some(provenance) = provenance {
        layers.push(Descriptor::of(media::PROVENANCE_LAYER, provenance));
    }
    layers.sort_by_key(|layer| layer.digest.to_string());
    let annotations = annotations(&metadata, created);
    let manifest = json::to_vec(&Value::Object(vec![
        ("schemaVersion".to_owned(), Value::Number(Number::from_u64(2))),
        ("config".to_owned(), config_descriptor.to_json()),
        ("layers".to_owned(), Value::Array(layers.iter().map(Descriptor::to_json).collect())),
        (
            "annotations".to_owned(),
            Value::Object(annotations.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect()),
        ),
    ]));
    Ok(ChartArtifact {
        tag: tag_for_version(&metadata.version),
        name: metadata.name,
        version: metadata.version,
        manifest_digest: Digest::of(&manifest),
        config,
        config_descriptor,
        layers,
        annotations,
        manifest,
    })
}

/// helm's `generateOCIAnnotations`: description, title, version, url, created, the first
/// source and the authors, each only when not blank; then every `Chart.yaml` annotation except
/// title and version, which may replace the others.
fn annotations(metadata: &Metadata, created: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut add = |key: &str, value: &str| {
        if !value.trim().is_empty() {
            out.insert(key.to_owned(), value.to_owned());
        }
    };
    add(DESCRIPTION, &metadata.description);
    add(TITLE, &metadata.name);
    add(VERSION, &metadata.version);
    add(URL, &metadata.home);
    add(CREATED, created);
    if let Some(source) = metadata.sources.first() {
        add(SOURCE, source);
    }
    if !metadata.maintainers.is_empty() {
        let authors: Vec<String> = metadata
            .maintainers
            .iter()
            .map(|m| {
                let (name, email) = m.as_ref().map_or(("", ""), |m| (m.name.as_str(), m.email.as_str()));
                if email.is_empty() {
                    name.to_owned()
                } else {
                    format!("{name} ({email})")
                }
            })
            .collect();
        add(AUTHORS, &authors.join(", "));
    }
    for (key, value) in &metadata.annotations {
        if key != VERSION && key != TITLE {
            out.insert(key.clone(), value.clone());
        }
    }
    out
}

/// `org.opencontainers.image.created` as helm writes it: the archive's modification time in
/// Go's `time.RFC3339` (whole seconds, truncated) in the local zone, `Z` when the zone's offset
/// is zero, else `±hh:mm`. `unix_secs` must already be truncated (floored) to whole seconds.
pub fn format_created(unix_secs: i64, utc_offset_secs: i32) -> String {
    // The local wall clock, formatted as if it were UTC, then Go's zone suffix.
    let wall = Timestamp::from_secs(unix_secs.saturating_add(i64::from(utc_offset_secs))).to_rfc3339(0);
    let date_time = wall.strip_suffix('Z').unwrap_or(&wall);
    if utc_offset_secs == 0 {
        return format!("{date_time}Z");
    }
    // Go: minutes = offset / 60 (towards zero); the sign comes from the minutes.
    let minutes = utc_offset_secs / 60;
    let sign = if minutes < 0 { '-' } else { '+' };
    let minutes = minutes.unsigned_abs();
    format!("{date_time}{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One fixture of `tests-data/` (made by `tests-data/regen.sh`): the archive helm packaged,
    /// the provenance file pushed beside it, and the manifest and config blob the registry
    /// returned after `helm push`.
    struct Fixture {
        archive: &'static [u8],
        archive_name: &'static str,
        provenance: Option<&'static [u8]>,
        manifest: &'static [u8],
        config: &'static [u8],
        /// The created value helm used: the archive's mtime (1700000000) in the zone regen.sh
        /// ran helm in (`<name>.push.txt`), unless `Chart.yaml` overrode it.
        created: String,
    }

    fn fixtures() -> Vec<Fixture> {
        macro_rules! data {
            ($f:literal) => {
                include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests-data/", $f)).as_slice()
            };
        }
        vec![
            Fixture {
                archive: data!("annot-0.3.0.tgz"),
                archive_name: "annot-0.3.0.tgz",
                provenance: Some(data!("annot-0.3.0.tgz.prov")),
                manifest: data!("annot.manifest.json"),
                config: data!("annot.config.json"),
                created: format_created(1_700_000_000, -(3 * 3600 + 1800)), // overridden by Chart.yaml
            },
            Fixture {
                archive: data!("authors-2.0.0.tgz"),
                archive_name: "authors-2.0.0.tgz",
                provenance: None,
                manifest: data!("authors.manifest.json"),
                config: data!("authors.config.json"),
                created: format_created(1_700_000_000, 5 * 3600 + 45 * 60), // TZ=Asia/Kathmandu
            },
            Fixture {
                archive: data!("plusbuild-1.2.3-rc.1+build.5.tgz"),
                archive_name: "plusbuild-1.2.3-rc.1+build.5.tgz",
                provenance: None,
                manifest: data!("plusbuild.manifest.json"),
                config: data!("plusbuild.config.json"),
                created: format_created(1_700_000_000, 5 * 3600 + 1800), // TZ=Asia/Kolkata
            },
            Fixture {
                archive: data!("minimal-0.0.1.tgz"),
                archive_name: "minimal-0.0.1.tgz",
                provenance: None,
                manifest: data!("minimal.manifest.json"),
                config: data!("minimal.config.json"),
                created: format_created(1_700_000_000, 0), // TZ=UTC
            },
            Fixture {
                archive: data!("goodone-199.44.12345-Alpha.1+cafe009.tgz"),
                archive_name: "goodone-199.44.12345-Alpha.1+cafe009.tgz",
                provenance: None,
                manifest: data!("goodone.manifest.json"),
                config: data!("goodone.config.json"),
                created: format_created(1_700_000_000, -(3 * 3600 + 1800)), // TZ=America/St_Johns
            },
        ]
    }

    #[test]
    fn artifacts_are_byte_identical_to_helm_push() {
        for f in fixtures() {
            let artifact = build_chart_artifact(f.archive, f.archive_name, f.provenance, &f.created).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&artifact.manifest),
                String::from_utf8_lossy(f.manifest),
                "{}",
                f.archive_name
            );
            assert_eq!(artifact.config, f.config, "{}", f.archive_name);
            assert_eq!(artifact.manifest_digest, Digest::of(f.manifest));
            assert_eq!(artifact.config_descriptor, Descriptor::of(media::CONFIG, f.config));
            assert!(artifact.layers.iter().any(|l| l.media_type == media::CHART_LAYER && l.digest.matches(f.archive)));
        }
    }

    #[test]
    fn created_strings_are_the_ones_helm_wrote() {
        // `created=` lines of tests-data/*.push.txt: helm v4.1.4 pushing an archive with mtime
        // 1700000000 under TZ=UTC, Asia/Kolkata, Asia/Kathmandu and America/St_Johns.
        assert_eq!(format_created(1_700_000_000, 0), "2023-11-14T22:13:20Z");
        assert_eq!(format_created(1_700_000_000, 20_700), "2023-11-15T03:58:20+05:45");
        assert_eq!(format_created(1_700_000_000, 19_800), "2023-11-15T03:43:20+05:30");
        assert_eq!(format_created(1_700_000_000, -12_600), "2023-11-14T18:43:20-03:30");
        // Go's formatting rules beyond the fixtures: sub-minute offsets keep their sign from
        // whole minutes (`+00:00`), dates before 1970 work.
        assert_eq!(format_created(0, -30), "1969-12-31T23:59:30+00:00");
        assert_eq!(format_created(-1, 0), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn tags_and_names_come_from_the_archive() {
        let f = &fixtures()[2];
        let artifact = build_chart_artifact(f.archive, f.archive_name, None, "x").unwrap();
        assert_eq!((artifact.name.as_str(), artifact.version.as_str()), ("plusbuild", "1.2.3-rc.1+build.5"));
        assert_eq!(artifact.tag, "1.2.3-rc.1_build.5");
    }

    #[test]
    fn layers_sort_by_digest() {
        let f = &fixtures()[0];
        let artifact = build_chart_artifact(f.archive, f.archive_name, f.provenance, "x").unwrap();
        let digests: Vec<String> = artifact.layers.iter().map(|l| l.digest.to_string()).collect();
        let mut sorted = digests.clone();
        sorted.sort();
        assert_eq!(digests, sorted);
        assert_eq!(artifact.layers.len(), 2);
    }

    #[test]
    fn non_archives_fail_with_helm_s_loader_message() {
        // helm v4.1.4 `helm push /tmp/ocifmt/x.tgz oci://127.0.0.1:1/charts` of a file holding
        // `not gzip`.
        let err = build_chart_artifact(b"not gzip", "/tmp/ocifmt/x.tgz", None, "x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "file '/tmp/ocifmt/x.tgz' does not appear to be a gzipped archive; got 'application/octet-stream'"
        );
    }
}
