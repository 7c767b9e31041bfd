//! Conversions between JS values and the core's types: reading options and chart files from JS
//! objects, building the plain result objects. No chart logic lives here.

use chartpack::chart::{ChartFile, Timestamp};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Failure;

/// A plain JS object under construction.
pub(crate) struct Obj(Object);

impl Obj {
    pub(crate) fn new() -> Obj {
        Obj(Object::new())
    }

    pub(crate) fn set(self, key: &str, value: impl Into<JsValue>) -> Obj {
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &value.into());
        self
    }

    pub(crate) fn build(self) -> JsValue {
        self.0.into()
    }
}

/// A JS array of strings.
pub(crate) fn string_array<S: AsRef<str>>(items: &[S]) -> JsValue {
    items.iter().map(|s| JsValue::from_str(s.as_ref())).collect::<Array>().into()
}

/// A fresh `Uint8Array` holding a copy of `bytes` (JS owns it; wasm memory may move later).
pub(crate) fn bytes(bytes: &[u8]) -> JsValue {
    Uint8Array::from(bytes).into()
}

/// Sizes and counts as JS numbers (exact up to 2^53).
pub(crate) fn number(n: u64) -> JsValue {
    JsValue::from_f64(n as f64)
}

/// The property `key` of `value` (an object, or `undefined`/`null` for "no options"), as an
/// `Option` that is `None` for `undefined` and `null`.
pub(crate) fn property(value: &JsValue, key: &str) -> Result<Option<JsValue>, Failure> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if !value.is_object() {
        return Err(Failure::invalid_input(format!("expected an options object, got {}", type_name(value))));
    }
    let got = Reflect::get(value, &JsValue::from_str(key))
        .map_err(|_| Failure::invalid_field(key, format!("cannot read property {key:?}")))?;
    Ok(if got.is_undefined() || got.is_null() { None } else { Some(got) })
}

/// An optional string property.
pub(crate) fn string_property(value: &JsValue, key: &str) -> Result<Option<String>, Failure> {
    match property(value, key)? {
        None => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| Failure::invalid_field(key, format!("{key} must be a string, got {}", type_name(&v)))),
    }
}

/// An optional boolean property.
pub(crate) fn bool_property(value: &JsValue, key: &str) -> Result<Option<bool>, Failure> {
    match property(value, key)? {
        None => Ok(None),
        Some(v) => v
            .as_bool()
            .map(Some)
            .ok_or_else(|| Failure::invalid_field(key, format!("{key} must be a boolean, got {}", type_name(&v)))),
    }
}

/// An optional finite number property.
pub(crate) fn number_property(value: &JsValue, key: &str) -> Result<Option<f64>, Failure> {
    match property(value, key)? {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n.is_finite() => Ok(Some(n)),
            _ => Err(Failure::invalid_field(key, format!("{key} must be a finite number, got {}", type_name(&v)))),
        },
    }
}

/// An optional `Uint8Array` property, copied out.
pub(crate) fn bytes_property(value: &JsValue, key: &str) -> Result<Option<Vec<u8>>, Failure> {
    match property(value, key)? {
        None => Ok(None),
        Some(v) => to_bytes(&v, key).map(Some),
    }
}

/// An optional function property.
pub(crate) fn function_property(value: &JsValue, key: &str) -> Result<Option<js_sys::Function>, Failure> {
    match property(value, key)? {
        None => Ok(None),
        Some(v) => v
            .dyn_into::<js_sys::Function>()
            .map(Some)
            .map_err(|v| Failure::invalid_field(key, format!("{key} must be a function, got {}", type_name(&v)))),
    }
}

/// An optional array-of-strings property.
pub(crate) fn strings_property(value: &JsValue, key: &str) -> Result<Vec<String>, Failure> {
    let Some(v) = property(value, key)? else { return Ok(Vec::new()) };
    if !Array::is_array(&v) {
        return Err(Failure::invalid_field(key, format!("{key} must be an array of strings")));
    }
    let array: Array = v.unchecked_into();
    array
        .iter()
        .map(|item| {
            item.as_string().ok_or_else(|| Failure::invalid_field(key, format!("{key} must hold strings only")))
        })
        .collect()
}

/// A `Uint8Array` (or a Node `Buffer`, which is one) copied into wasm memory.
pub(crate) fn to_bytes(value: &JsValue, what: &str) -> Result<Vec<u8>, Failure> {
    value
        .dyn_ref::<Uint8Array>()
        .map(Uint8Array::to_vec)
        .ok_or_else(|| Failure::invalid_field(what, format!("{what} must be a Uint8Array, got {}", type_name(value))))
}

/// `typeof`-like names for messages.
pub(crate) fn type_name(value: &JsValue) -> String {
    if value.is_null() {
        return "null".to_owned();
    }
    if Array::is_array(value) {
        return "array".to_owned();
    }
    value.js_typeof().as_string().unwrap_or_else(|| "unknown".to_owned())
}

/// What chart functions take: a chart's files, or an archive's bytes.
pub(crate) enum ChartInput {
    /// Files with paths relative to the chart root; `dir` is the common top directory that was
    /// stripped from every path, if any (it names the chart directory in lint findings).
    Files { files: Vec<ChartFile>, dir: Option<String> },
    /// A `.tgz` archive.
    Archive(Vec<u8>),
}

/// Reads `ChartFileInput[] | Uint8Array`.
pub(crate) fn chart_input(value: &JsValue) -> Result<ChartInput, Failure> {
    if value.is_instance_of::<Uint8Array>() {
        return to_bytes(value, "archive").map(ChartInput::Archive);
    }
    let (files, dir) = chart_files(value)?;
    Ok(ChartInput::Files { files, dir })
}

/// Reads `ChartFileInput[]` and normalises the paths (see [`normalize_files`]).
pub(crate) fn chart_files(value: &JsValue) -> Result<(Vec<ChartFile>, Option<String>), Failure> {
    if !Array::is_array(value) {
        return Err(Failure::invalid_input(format!(
            "expected an array of {{ path, bytes, lastModified? }} files or a Uint8Array, got {}",
            type_name(value)
        )));
    }
    let array: Array = value.clone().unchecked_into();
    let mut files = Vec::with_capacity(array.length() as usize);
    for (index, item) in array.iter().enumerate() {
        let at = |message: String| Failure::invalid_field(&format!("files[{index}]"), message);
        if !item.is_object() {
            return Err(at(format!("files[{index}] must be an object, got {}", type_name(&item))));
        }
        let path = string_property(&item, "path")?.ok_or_else(|| at(format!("files[{index}].path is missing")))?;
        let bytes = property(&item, "bytes")?.ok_or_else(|| at(format!("files[{index}].bytes is missing")))?;
        let data = to_bytes(&bytes, &format!("files[{index}].bytes"))?;
        let last_modified = number_property(&item, "lastModified")?;
        files.push(RawFile { path, data, last_modified });
    }
    normalize_files(files)
}

/// One file as the caller gave it.
#[derive(Debug, Clone)]
pub(crate) struct RawFile {
    pub(crate) path: String,
    pub(crate) data: Vec<u8>,
    /// Milliseconds since the Unix epoch (`File.lastModified`).
    pub(crate) last_modified: Option<f64>,
}

/// Checks every path (relative, `/`-separated, no empty, `.` or `..` segments, no `\` or NUL:
/// anything else could place an archive entry outside the chart directory), refuses duplicate
/// paths, and strips a top directory that every file shares (`mychart/Chart.yaml`, as
/// `webkitRelativePath` gives them). A file without `lastModified` gets Go's zero time, which
/// packaging replaces with "now", as helm does for unknown times.
pub(crate) fn normalize_files(files: Vec<RawFile>) -> Result<(Vec<ChartFile>, Option<String>), Failure> {
    for f in &files {
        check_path(&f.path)?;
    }
    let top = files.first().and_then(|f| f.path.split_once('/')).map(|(top, _)| top.to_owned());
    let top = top.filter(|top| {
        files.iter().all(|f| f.path.split_once('/').is_some_and(|(first, rest)| first == top && !rest.is_empty()))
    });
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let path = match &top {
            Some(top) => f.path[top.len() + 1..].to_owned(),
            None => f.path,
        };
        out.push(ChartFile { path, data: f.data, modified: timestamp_from_millis(f.last_modified)? });
    }
    let mut paths: Vec<&str> = out.iter().map(|f| f.path.as_str()).collect();
    paths.sort_unstable();
    if let Some(pair) = paths.windows(2).find(|w| w[0] == w[1]) {
        return Err(Failure::invalid_input(format!("two files have the path {:?}", pair[0])));
    }
    Ok((out, top))
}

fn check_path(path: &str) -> Result<(), Failure> {
    let bad = |reason: &str| Failure::invalid_input(format!("file path {path:?} {reason}"));
    if path.is_empty() {
        return Err(bad("is empty"));
    }
    if path.contains(['\\', '\0']) {
        return Err(bad("must use \"/\" as separator and hold no NUL"));
    }
    if path.split('/').any(|segment| segment.is_empty() || segment == "." || segment == "..") {
        return Err(bad("must be relative, without empty, \".\" or \"..\" segments"));
    }
    Ok(())
}

/// `File.lastModified` (ms since the epoch) as a timestamp; none is Go's zero time ("unknown").
pub(crate) fn timestamp_from_millis(ms: Option<f64>) -> Result<Timestamp, Failure> {
    let Some(ms) = ms else { return Ok(Timestamp::go_zero()) };
    if !ms.is_finite() || ms.abs() > 8.64e15 {
        return Err(Failure::invalid_field("lastModified", format!("lastModified {ms} is not a valid time")));
    }
    let secs = (ms / 1000.0).floor();
    let nanos = ((ms - secs * 1000.0) * 1_000_000.0).round().clamp(0.0, 999_999_999.0);
    Ok(Timestamp { secs: secs as i64, nanos: nanos as u32 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(path: &str) -> RawFile {
        RawFile { path: path.to_owned(), data: Vec::new(), last_modified: Some(1_500.0) }
    }

    #[track_caller]
    fn paths(input: &[&str]) -> Result<(Vec<String>, Option<String>), String> {
        normalize_files(input.iter().map(|p| raw(p)).collect())
            .map(|(files, top)| (files.into_iter().map(|f| f.path).collect(), top))
            .map_err(|f| f.message)
    }

    #[test]
    fn a_shared_top_directory_is_stripped() {
        assert_eq!(
            paths(&["demo/Chart.yaml", "demo/templates/a.yaml"]),
            Ok((vec!["Chart.yaml".to_owned(), "templates/a.yaml".to_owned()], Some("demo".to_owned())))
        );
        assert_eq!(
            paths(&["Chart.yaml", "templates/a.yaml"]),
            Ok((vec!["Chart.yaml".to_owned(), "templates/a.yaml".to_owned()], None))
        );
        assert_eq!(paths(&["a/Chart.yaml", "b/x"]).map(|r| r.1), Ok(None));
    }

    #[test]
    fn escaping_paths_are_refused() {
        for bad in ["../x", "/etc/passwd", "a//b", "a/./b", "a\\b", ""] {
            assert!(paths(&["Chart.yaml", bad]).is_err(), "{bad:?} accepted");
        }
        assert!(paths(&["Chart.yaml", "Chart.yaml"]).is_err());
    }

    #[test]
    fn milliseconds_become_seconds_and_nanos() {
        assert_eq!(timestamp_from_millis(Some(1_500.0)), Ok(Timestamp { secs: 1, nanos: 500_000_000 }));
        assert_eq!(timestamp_from_millis(Some(-1.0)), Ok(Timestamp { secs: -1, nanos: 999_000_000 }));
        assert_eq!(timestamp_from_millis(None), Ok(Timestamp::go_zero()));
        assert!(timestamp_from_millis(Some(f64::NAN)).is_err());
    }
}
