//! `lint()`: helm lint's findings for a chart's files or an archive. Built into its own wasm
//! module (pkg/dist/chartpack_lint_bg.wasm), loaded on first use: the `values.schema.json`
//! validator it needs would otherwise add about 105 KB (gzip) to every page.

use chartpack::chart::DEFAULT_LOAD_LIMITS;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::chart::load_directory;
use crate::convert::{chart_input, ChartInput, Obj};
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
