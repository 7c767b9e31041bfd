//! The chart functions of the JS API: package, verify, show, inspect, build a manifest. Each
//! reads its JS arguments, calls the core, and returns a plain object.

use chartpack::chart::{load_archive, show, Chart, ShowPart, Timestamp, DEFAULT_LOAD_LIMITS};
use chartpack::{package, verify_archive, PackageOptions};
use js_sys::Uint8Array;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::chart::{created, load, load_directory, DEFAULT_ARCHIVE_NAME};
use crate::convert::{self, chart_files, chart_input, ChartInput, Obj};
use crate::error::Failure;

/// Packages a chart directory's files as `helm package` does.
#[wasm_bindgen(js_name = packageChart, skip_typescript)]
pub fn package_chart(files: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let (files, dir) = chart_files(&files)?;
    let options = package_options(&options)?;
    let chart = load_directory(files, dir.as_deref().unwrap_or(".")).chart.map_err(Failure::from)?;
    let name = chart.metadata.name.clone();
    // The version written is the override when one was given, else the chart's own.
    let version = options.version.clone().unwrap_or_else(|| chart.metadata.version.clone());
    let packaged = package(chart, &options).map_err(Failure::from)?;
    Ok(Obj::new()
        .set("fileName", packaged.file_name.as_str())
        .set("archive", convert::bytes(&packaged.archive))
        .set("digest", packaged.digest.as_str())
        .set("entries", convert::number(packaged.entries as u64))
        .set("name", name.as_str())
        .set("version", version.as_str())
        .build())
}

fn package_options(options: &JsValue) -> Result<PackageOptions, Failure> {
    let reproducible_time = match convert::property(options, "reproducible")? {
        None => None,
        Some(v) => match (v.as_bool(), v.as_f64()) {
            (Some(true), _) => Some(Timestamp::from_secs(0)),
            (Some(false), _) => None,
            (None, Some(secs)) if secs.is_finite() && secs.fract() == 0.0 && secs.abs() < 1e15 => {
                Some(Timestamp::from_secs(secs as i64))
            }
            _ => {
                return Err(Failure::invalid_field(
                    "reproducible",
                    "reproducible must be a boolean or a whole number of seconds since the epoch",
                ))
            }
        },
    };
    let now = convert::number_property(options, "now")?.unwrap_or_else(js_sys::Date::now);
    Ok(PackageOptions {
        version: convert::string_property(options, "version")?,
        app_version: convert::string_property(options, "appVersion")?,
        reproducible_time,
        now: convert::timestamp_from_millis(Some(now)).map_err(|f| Failure { field: Some("now".to_owned()), ..f })?,
        threads: 1,
        skip_dependency_check: false,
    })
}

/// Checks an archive as `chartpack verify` does.
#[wasm_bindgen(js_name = verifyArchive, skip_typescript)]
pub fn verify_archive_js(archive: JsValue, file_name: Option<String>) -> Result<JsValue, JsValue> {
    let bytes = convert::to_bytes(&archive, "archive")?;
    let name = file_name.as_deref().unwrap_or(DEFAULT_ARCHIVE_NAME);
    let verified = verify_archive(&bytes, name, &DEFAULT_LOAD_LIMITS).map_err(Failure::from)?;
    Ok(Obj::new()
        .set("name", verified.chart.metadata.name.as_str())
        .set("version", verified.chart.metadata.version.as_str())
        .set("files", convert::number(verified.files as u64))
        .set("size", convert::number(verified.size))
        .set("digest", verified.digest.as_str())
        .set("metadata", metadata(&verified.chart)?)
        .build())
}

/// One file of a chart archive (a path as `inspect` lists it, without the chart's directory),
/// read with the same checks and limits as every archive: for previews of pulled charts.
#[wasm_bindgen(js_name = readArchiveFile, skip_typescript)]
pub fn read_archive_file(archive: JsValue, path: String) -> Result<js_sys::Uint8Array, JsValue> {
    let bytes = convert::to_bytes(&archive, "archive")?;
    let read = chartpack::archive::read_chart_archive(&bytes, DEFAULT_ARCHIVE_NAME, &DEFAULT_LOAD_LIMITS.archive)
        .map_err(Failure::from)?;
    let file = read
        .files
        .iter()
        .find(|f| f.path == path)
        .ok_or_else(|| Failure::invalid_field("path", format!("{path:?} is not a file of the archive")))?;
    Ok(js_sys::Uint8Array::from(file.data.as_slice()))
}

/// `Chart.yaml` as helm's JSON, as a JS object.
fn metadata(chart: &Chart) -> Result<JsValue, Failure> {
    let json = String::from_utf8_lossy(&chart.metadata.to_go_json()).into_owned();
    js_sys::JSON::parse(&json).map_err(|_| Failure::new("chart.invalid_metadata", "metadata is not valid JSON"))
}

/// `helm show <part>` output.
#[wasm_bindgen(js_name = show, skip_typescript)]
pub fn show_js(input: JsValue, part: String) -> Result<String, JsValue> {
    let part = match part.as_str() {
        "chart" => ShowPart::Chart,
        "values" => ShowPart::Values,
        "readme" => ShowPart::Readme,
        "crds" => ShowPart::Crds,
        "all" => ShowPart::All,
        other => {
            return Err(Failure::invalid_field(
                "part",
                format!("unknown part {other:?}: use chart, values, readme, crds or all"),
            )
            .into())
        }
    };
    let chart = load(chart_input(&input)?)?;
    let bytes = show(&chart, part).map_err(|e| Failure::new("chart.invalid_metadata", e.to_string()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A chart's metadata, values, README and files, for a preview; for files, also the paths
/// `.helmignore` leaves out.
#[wasm_bindgen(skip_typescript)]
pub fn inspect(input: JsValue) -> Result<JsValue, JsValue> {
    let (chart, files, ignored) = match chart_input(&input)? {
        ChartInput::Files { files, dir } => {
            let loaded = load_directory(files, dir.as_deref().unwrap_or("."));
            (loaded.chart.map_err(Failure::from)?, loaded.kept, loaded.ignored)
        }
        ChartInput::Archive(bytes) => {
            let read =
                chartpack::archive::read_chart_archive(&bytes, DEFAULT_ARCHIVE_NAME, &DEFAULT_LOAD_LIMITS.archive)
                    .map_err(Failure::from)?;
            let listed = read.files.iter().map(|f| (f.path.clone(), f.data.len() as u64)).collect();
            let chart = load_archive(&bytes, DEFAULT_ARCHIVE_NAME, &DEFAULT_LOAD_LIMITS).map_err(Failure::from)?;
            (chart, listed, Vec::new())
        }
    };
    let files_js: js_sys::Array = files
        .iter()
        .map(|(path, size)| Obj::new().set("path", path.as_str()).set("size", convert::number(*size)).build())
        .collect();
    let values = chart.values.as_ref().map(|v| String::from_utf8_lossy(&v.data).into_owned()).unwrap_or_default();
    let readme = chart.readme().map_or(JsValue::NULL, |r| JsValue::from_str(&String::from_utf8_lossy(&r.data)));
    Ok(Obj::new()
        .set("metadata", metadata(&chart)?)
        .set("values", values.as_str())
        .set("readme", readme)
        .set("files", files_js)
        .set("ignored", convert::string_array(&ignored))
        .build())
}

/// What `helm push` would upload for an archive: config, layers, manifest, tag.
#[wasm_bindgen(js_name = buildManifest, skip_typescript)]
pub fn build_manifest(archive: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let bytes = convert::to_bytes(&archive, "archive")?;
    let provenance = convert::bytes_property(&options, "provenance")?;
    let created = created(&options)?;
    let name = convert::string_property(&options, "fileName")?.unwrap_or_else(|| DEFAULT_ARCHIVE_NAME.to_owned());
    let artifact = chartpack_oci::manifest::build_chart_artifact(&bytes, &name, provenance.as_deref(), &created)
        .map_err(Failure::from)?;
    let annotations = artifact.annotations.iter().fold(Obj::new(), |o, (k, v)| o.set(k, v.as_str())).build();
    let layers: js_sys::Array = artifact
        .layers
        .iter()
        .map(|l| {
            Obj::new()
                .set("mediaType", l.media_type.as_str())
                .set("digest", l.digest.to_string())
                .set("size", convert::number(l.size))
                .build()
        })
        .collect();
    Ok(Obj::new()
        .set("name", artifact.name.as_str())
        .set("version", artifact.version.as_str())
        .set("tag", artifact.tag.as_str())
        .set("manifest", Uint8Array::from(artifact.manifest.as_slice()))
        .set("manifestDigest", artifact.manifest_digest.to_string())
        .set("config", Uint8Array::from(artifact.config.as_slice()))
        .set("configDigest", artifact.config_descriptor.digest.to_string())
        .set("annotations", annotations)
        .set("layers", layers)
        .build())
}
