//! The values `helm install`/`helm template` compute from `-f`, `--set`, `--set-string`,
//! `--set-json`, `--set-file` and `--set-literal`, coalesced with a chart and its subcharts into
//! the `.Values` templates see, written as helm's `toYaml` writes it.
//! Mirrors helm pkg/cli/values/options.go (`MergeValues`), pkg/cmd/install.go (`runInstall`)
//! and pkg/action/install.go (`ProcessDependencies`, `ToRenderValuesWithSchemaValidation`).

use std::collections::BTreeMap;

use chartpack_encoding::json::Value as Json;

use crate::load::{check_declared_dependencies, Chart};
use crate::render_values::{render_values, RenderFailure};
use crate::strvals::{merge_maps, parse_into, GoMap, GoValue, SetKind};
use crate::values::load_values;

/// One `-f/--values` file: the name given on the command line and its bytes, or why it could
/// not be read (helm's text, e.g. `open x.yaml: no such file or directory`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesFile {
    /// The path or URL as given.
    pub name: String,
    /// The contents, or the read error.
    pub data: Result<Vec<u8>, String>,
}

/// helm's `values.Options`: every values source of `helm install`, in command-line order within
/// each kind. helm applies the kinds in a fixed order: files, `--set-json`, `--set`,
/// `--set-string`, `--set-file`, `--set-literal`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueOptions {
    /// `-f/--values`.
    pub value_files: Vec<ValuesFile>,
    /// `--set-json`.
    pub json_values: Vec<String>,
    /// `--set`.
    pub values: Vec<String>,
    /// `--set-string`.
    pub string_values: Vec<String>,
    /// `--set-file`.
    pub file_values: Vec<String>,
    /// `--set-literal`.
    pub literal_values: Vec<String>,
    /// The contents of the files `--set-file` names, by path as written (list them with
    /// [`crate::strvals::set_file_paths`]); a missing entry reads as
    /// `open PATH: no such file or directory`.
    pub set_files: BTreeMap<String, Result<Vec<u8>, String>>,
}

/// Why the values could not be computed; `Display` is helm's error text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValuesError {
    /// A `-f` file could not be read.
    #[error("{reason}")]
    ReadFile {
        /// The file as given.
        path: String,
        /// helm's text.
        reason: String,
    },
    /// A `-f` file is not a YAML mapping (or several).
    #[error("failed to parse {path}: {reason}")]
    ParseFile {
        /// The file as given.
        path: String,
        /// helm's text (`cannot unmarshal yaml document: …`).
        reason: String,
    },
    /// A `--set-json` value starting with `{` is not a JSON object.
    #[error("failed parsing --set-json data JSON: {value}")]
    SetJsonObject {
        /// The flag's value.
        value: String,
    },
    /// A `--set-json key=json` line does not parse (helm gives no detail).
    #[error("failed parsing --set-json data {value}")]
    SetJson {
        /// The flag's value.
        value: String,
    },
    /// A `--set`, `--set-string`, `--set-file` or `--set-literal` line does not parse.
    #[error("failed parsing {flag} data: {reason}")]
    Set {
        /// `--set`, `--set-string`, `--set-file` or `--set-literal`.
        flag: &'static str,
        /// The flag's value.
        value: String,
        /// helm's strvals text, e.g. `key "a" has no value`.
        reason: String,
    },
    /// The chart's `type` is not `application` (helm: `library charts are not installable`).
    #[error("{chart_type} charts are not installable")]
    NotInstallable {
        /// `Chart.yaml` field `type`.
        chart_type: String,
    },
    /// A `Chart.yaml` dependency has no chart in `charts/`.
    #[error(
        "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: {reason}"
    )]
    MissingDependencies {
        /// `found in Chart.yaml, but missing in charts/ directory: …`.
        reason: String,
    },
    /// A chart's `values.yaml` does not load.
    #[error("cannot load values.yaml: {reason}")]
    ChartValues {
        /// The loader's text.
        reason: String,
    },
    /// `ProcessDependencies` failed, e.g. a subchart's values are not a map.
    #[error("chart dependencies processing failed: {reason}")]
    Dependencies {
        /// helm's text, e.g. `type mismatch on sub: %!t(string=x)`.
        reason: String,
    },
    /// `CoalesceValues` failed.
    #[error("{reason}")]
    Coalesce {
        /// helm's text.
        reason: String,
    },
    /// The values fail a chart's `values.schema.json`.
    #[error("values don't meet the specifications of the schema(s) in the following chart(s):\n{report}")]
    Schema {
        /// One `chart:` section per failing chart.
        report: String,
    },
    /// The values have no YAML form (a string holds a control character); helm's `toYaml`
    /// prints nothing then.
    #[error("cannot write values as YAML: {reason}")]
    Yaml {
        /// The encoder's text.
        reason: String,
    },
}

impl ValuesError {
    /// Stable identifier such as `"values.set"`.
    pub fn code(&self) -> &'static str {
        match self {
            ValuesError::ReadFile { .. } => "values.read_file",
            ValuesError::ParseFile { .. } => "values.parse_file",
            ValuesError::SetJsonObject { .. } => "values.set_json_object",
            ValuesError::SetJson { .. } => "values.set_json",
            ValuesError::Set { .. } => "values.set",
            ValuesError::NotInstallable { .. } => "values.not_installable",
            ValuesError::MissingDependencies { .. } => "values.missing_dependencies",
            ValuesError::ChartValues { .. } => "values.chart_values",
            ValuesError::Dependencies { .. } => "values.dependencies",
            ValuesError::Coalesce { .. } => "values.coalesce",
            ValuesError::Schema { .. } => "values.schema",
            ValuesError::Yaml { .. } => "values.yaml",
        }
    }
}

/// helm's `Options.MergeValues`: the user-supplied values, before any chart is involved.
/// `null`s are kept (they delete chart defaults later).
pub fn merge_values(options: &ValueOptions) -> Result<GoMap, ValuesError> {
    let mut base = GoMap::new();
    for file in &options.value_files {
        let data = file
            .data
            .as_ref()
            .map_err(|reason| ValuesError::ReadFile { path: file.name.clone(), reason: reason.clone() })?;
        let parse_error = |reason: String| ValuesError::ParseFile { path: file.name.clone(), reason };
        let current = load_values(data).map_err(parse_error)?;
        match GoValue::from_json(&current) {
            Some(GoValue::Map(map)) => merge_maps(&mut base, map),
            // load_values only yields objects of finite numbers.
            _ => return Err(parse_error("cannot unmarshal yaml document: not a mapping".to_owned())),
        }
    }
    for value in &options.json_values {
        let trimmed = value.trim_matches(is_go_space);
        if trimmed.starts_with('{') {
            let bad = || ValuesError::SetJsonObject { value: value.clone() };
            let parsed = chartpack_encoding::json::parse(trimmed.as_bytes()).map_err(|_| bad())?;
            match GoValue::from_json(&parsed) {
                Some(GoValue::Map(map)) => merge_maps(&mut base, map),
                _ => return Err(bad()),
            }
        } else {
            parse_into(SetKind::Json, value, &mut base, &mut no_files)
                .map_err(|_| ValuesError::SetJson { value: value.clone() })?;
        }
    }
    let lines = [
        ("--set", SetKind::Set, &options.values),
        ("--set-string", SetKind::String, &options.string_values),
        ("--set-file", SetKind::File, &options.file_values),
        ("--set-literal", SetKind::Literal, &options.literal_values),
    ];
    for (flag, kind, values) in lines {
        for value in values {
            let mut read = |path: &str| match options.set_files.get(path) {
                Some(Ok(bytes)) => Ok(String::from_utf8_lossy(bytes).into_owned()),
                Some(Err(reason)) => Err(reason.clone()),
                None => Err(format!("open {path}: no such file or directory")),
            };
            parse_into(kind, value, &mut base, &mut read).map_err(|reason| ValuesError::Set {
                flag,
                value: value.clone(),
                reason,
            })?;
        }
    }
    Ok(base)
}

fn no_files(path: &str) -> Result<String, String> {
    Err(format!("open {path}: no such file or directory"))
}

/// Go's `unicode.IsSpace` (what `strings.TrimSpace` trims).
fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

/// The `.Values` helm renders `chart` with for `user` values (from [`merge_values`]), with the
/// checks `helm install`/`helm template` make first: the chart is installable and every
/// `Chart.yaml` dependency is in `charts/`. `skip_schema_validation` is helm's
/// `--skip-schema-validation`.
pub fn render_user_values(chart: &Chart, user: &GoMap, skip_schema_validation: bool) -> Result<Json, ValuesError> {
    if !matches!(chart.metadata.chart_type.as_str(), "" | "application") {
        return Err(ValuesError::NotInstallable { chart_type: chart.metadata.chart_type.clone() });
    }
    if chart.metadata.dependencies.iter().flatten().next().is_some() {
        check_declared_dependencies(chart).map_err(|reason| ValuesError::MissingDependencies { reason })?;
    }
    let user = match GoValue::Map(user.clone()).to_json() {
        Some(Json::Object(map)) => map,
        // GoValues built here never hold non-finite floats.
        _ => Vec::new(),
    };
    render_values(chart, user, skip_schema_validation).map_err(|failure| match failure {
        RenderFailure::ChartValues(reason) => ValuesError::ChartValues { reason },
        RenderFailure::Dependencies(reason) => ValuesError::Dependencies { reason },
        RenderFailure::Coalesce(reason) => ValuesError::Coalesce { reason },
        RenderFailure::Schema(report) => ValuesError::Schema { report },
    })
}

/// [`merge_values`] then [`render_user_values`]: the values of
/// `helm template NAME CHART -f … --set …`.
pub fn compute_values(
    chart: &Chart,
    options: &ValueOptions,
    skip_schema_validation: bool,
) -> Result<Json, ValuesError> {
    let user = merge_values(options)?;
    render_user_values(chart, &user, skip_schema_validation)
}

/// `values` as helm's `toYaml` writes them (sigs.k8s.io/yaml: JSON, then yaml.v2 with sorted
/// keys), plus the final newline `toYaml` trims: `{}` for no values.
pub fn values_yaml(values: &Json) -> Result<String, ValuesError> {
    chartpack_encoding::yaml::try_to_yaml_string(values)
        .map_err(|e| ValuesError::Yaml { reason: e.problem().to_owned() })
}

#[cfg(test)]
mod tests;
