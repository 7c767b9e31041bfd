//! `lint()`: helm lint's findings for a chart's files or an archive. Built into its own wasm
//! module (pkg/dist/chartpack_lint_bg.wasm), loaded on first use: the `values.schema.json`
//! validator it needs would otherwise add about 105 KB (gzip) to every page.

use chartpack::chart::DEFAULT_LOAD_LIMITS;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::chart::load_directory;
use wasm_bindgen::JsCast;

use crate::convert::{
    bool_property, chart_input, property, string_property, strings_property, to_bytes, ChartInput, Obj,
};
use crate::error::Failure;

/// Lint findings for a chart's files or an archive, as `helm lint` reports them. For files,
/// dependency findings name the chart directory by the top directory stripped from the paths
/// (or `.`); for an archive, by the chart's name, as helm names the extracted directory.
#[wasm_bindgen(skip_typescript)]
pub fn lint(input: JsValue) -> Result<JsValue, JsValue> {
    let diagnostics = match chart_input(&input)? {
        ChartInput::Files { files, dir } => {
            let dir = dir.as_deref().unwrap_or(".");
            let loaded = load_directory(files.clone(), dir).chart;
            let tree = chartpack::SourceTree { files, dirs: Vec::new() };
            chartpack::lint_tree(&tree, dir, loaded.as_ref())
        }
        ChartInput::Archive(bytes) => {
            let (name, tree) = chartpack::expand_for_lint(&bytes, &DEFAULT_LOAD_LIMITS).map_err(Failure::from)?;
            // As the CLI: the expanded files load as a directory (without the walk's size checks,
            // which the archive reader's limits already applied).
            let loaded = chartpack::chart::load_directory(tree.files.clone(), &DEFAULT_LOAD_LIMITS);
            chartpack::lint_tree(&tree, &name, loaded.as_ref())
        }
    };
    Ok(diagnostics
        .iter()
        .map(|d| {
            Obj::new()
                .set("severity", d.severity.label())
                .set("path", d.path.as_str())
                .set("message", d.message.as_str())
                .build()
        })
        .collect::<js_sys::Array>()
        .into())
}

/// `computeValues(chart, options)`: the `.Values` helm renders `chart` (files or an archive)
/// with, for `helm template … -f … --set …`, as `toYaml` writes them. It lives in this module
/// because lint already carries the values coalescing and the schema validator.
/// Options: `values` (`-f`: `[{ name, text | bytes }]`, in order), `set`, `setString`, `setJson`,
/// `setLiteral`, `setFile` (string arrays, as the flags), `setFiles` (`{ path: text | bytes }`:
/// the contents of the files `setFile` names), `skipSchemaValidation`.
#[wasm_bindgen(js_name = computeValues, skip_typescript)]
pub fn compute_values(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    use chartpack::chart::{merge_values, render_user_values, values_yaml, ValueOptions, ValuesFile};

    let mut value_options = ValueOptions {
        json_values: strings_property(&options, "setJson")?,
        values: strings_property(&options, "set")?,
        string_values: strings_property(&options, "setString")?,
        file_values: strings_property(&options, "setFile")?,
        literal_values: strings_property(&options, "setLiteral")?,
        ..ValueOptions::default()
    };
    if let Some(list) = property(&options, "values")? {
        let list: js_sys::Array =
            list.dyn_into().map_err(|_| Failure::invalid_field("values", "values must be an array"))?;
        for (index, item) in list.iter().enumerate() {
            let field = format!("values[{index}]");
            let name = string_property(&item, "name")?.unwrap_or_else(|| field.clone());
            let data = text_or_bytes(&item, &field)?;
            value_options.value_files.push(ValuesFile { name, data: Ok(data) });
        }
    }
    if let Some(files) = property(&options, "setFiles")? {
        for key in js_sys::Object::keys(files.unchecked_ref::<js_sys::Object>()).iter().filter_map(|k| k.as_string()) {
            let value = js_sys::Reflect::get(&files, &JsValue::from_str(&key)).unwrap_or(JsValue::UNDEFINED);
            let data = match value.as_string() {
                Some(text) => text.into_bytes(),
                None => to_bytes(&value, &format!("setFiles[{key:?}]"))?,
            };
            value_options.set_files.insert(key, Ok(data));
        }
    }
    let skip_schema = bool_property(&options, "skipSchemaValidation")?.unwrap_or(false);
    let values_failure = |e: chartpack::chart::ValuesError| Failure::new(e.code(), e.to_string());
    // As helm: the user's values are merged before the chart is looked at.
    let user = merge_values(&value_options).map_err(values_failure)?;
    let chart = crate::chart::load(chart_input(&input)?)?;
    let values = render_user_values(&chart, &user, skip_schema).map_err(values_failure)?;
    Ok(JsValue::from_str(&values_yaml(&values).map_err(values_failure)?))
}

/// `{ text }` or `{ bytes }` of a values source.
fn text_or_bytes(item: &JsValue, field: &str) -> Result<Vec<u8>, Failure> {
    if let Some(text) = string_property(item, "text")? {
        return Ok(text.into_bytes());
    }
    match property(item, "bytes")? {
        Some(bytes) => to_bytes(&bytes, &format!("{field}.bytes")),
        None => Err(Failure::invalid_field(field, format!("{field} needs text or bytes"))),
    }
}
