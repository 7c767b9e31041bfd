//! Errors as they cross into JavaScript: the core's message, its stable code, and where known
//! the file inside the chart and the field. The only place that turns core errors into JS.

use chartpack::archive::ArchiveError;
use chartpack::chart::LoadError;
use chartpack::dependencies::DependencyError;
use chartpack::{Error, ExtractError};
use chartpack_oci::client::RegistryError;
use chartpack_oci::http::TransportError;
use chartpack_oci::manifest::ManifestError;
use chartpack_oci::reference::ReferenceError;
use wasm_bindgen::JsValue;

/// Codes the binding adds to the core's (documented in pkg/README.md).
pub(crate) const INVALID_INPUT: &str = "invalid_input";
/// A call was aborted through its `AbortSignal`.
pub(crate) const ABORTED: &str = "aborted";

/// A failure on its way to JS: message, stable code, and where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) file: Option<String>,
    pub(crate) field: Option<String>,
}

impl Failure {
    /// A failure without a location.
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into(), file: None, field: None }
    }

    /// The caller passed something the API does not accept (wrong type, bad path, bad option).
    pub(crate) fn invalid_input(message: impl Into<String>) -> Failure {
        Failure::new(INVALID_INPUT, message)
    }

    /// An `invalid_input` failure about one option or property.
    pub(crate) fn invalid_field(field: &str, message: impl Into<String>) -> Failure {
        Failure { field: Some(field.to_owned()), ..Failure::invalid_input(message) }
    }

    fn at(mut self, file: Option<String>, field: Option<&str>) -> Failure {
        self.file = file;
        self.field = field.map(str::to_owned);
        self
    }

    /// A JS `Error` named `ChartpackError` with `code`, and `file`/`field` when known.
    pub(crate) fn into_js(self) -> JsValue {
        let error = js_sys::Error::new(&self.message);
        error.set_name("ChartpackError");
        let set = |key: &str, value: &str| {
            let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), &JsValue::from_str(value));
        };
        set("code", self.code);
        if let Some(file) = &self.file {
            set("file", file);
        }
        if let Some(field) = &self.field {
            set("field", field);
        }
        error.into()
    }
}

impl From<Failure> for JsValue {
    fn from(failure: Failure) -> JsValue {
        failure.into_js()
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        let base = Failure::new(error.code(), error.to_string());
        match error {
            Error::Load(e) => Failure::from(e),
            Error::Archive(e) => Failure::from(e),
            Error::InvalidVersion { .. } => base.at(Some("Chart.yaml".to_owned()), Some("version")),
            Error::MissingDependencies(_) => base.at(Some("Chart.yaml".to_owned()), Some("dependencies")),
            Error::Save(_) => base,
        }
    }
}

impl From<LoadError> for Failure {
    fn from(error: LoadError) -> Failure {
        let base = Failure::new(error.code(), error.to_string());
        let file = load_error_file(&error);
        let field = load_error_field(&error);
        base.at(file, field)
    }
}

/// The `Chart.yaml` field a validation error is about. The core's validation errors are helm's
/// texts, which name the field (`chart.metadata.version is required`); read it from there
/// until the core carries it as data.
fn load_error_field(error: &LoadError) -> Option<&'static str> {
    match error {
        LoadError::Validation(error) => Some(error.field),
        LoadError::Subchart { source, .. } => load_error_field(source),
        _ => None,
    }
}

/// The chart file a load error is about, relative to the chart root.
fn load_error_file(error: &LoadError) -> Option<String> {
    match error {
        LoadError::MissingChartYaml | LoadError::Validation(_) => Some("Chart.yaml".to_owned()),
        LoadError::BadFile { file, .. } => Some((*file).to_owned()),
        LoadError::Unreadable { path, .. } => Some(path.clone()),
        LoadError::Ignore(_) => Some(chartpack::chart::HELMIGNORE.to_owned()),
        LoadError::Subchart { name, source, .. } => Some(match load_error_file(source) {
            Some(inner) => format!("charts/{name}/{inner}"),
            None => format!("charts/{name}"),
        }),
        LoadError::SubchartTarName { expected, .. } => Some(format!("charts/{expected}")),
        LoadError::Archive(e) => e.entry().map(str::to_owned),
        LoadError::NestingTooDeep { .. } | LoadError::ExpandedTooLarge { .. } => None,
    }
}

impl From<ArchiveError> for Failure {
    fn from(error: ArchiveError) -> Failure {
        let file = error.entry().map(str::to_owned);
        Failure::new(error.code(), error.to_string()).at(file, None)
    }
}

impl From<ManifestError> for Failure {
    fn from(error: ManifestError) -> Failure {
        match error {
            ManifestError::Chart(e) => Failure::from(e),
            other => Failure::new(other.code(), other.to_string()),
        }
    }
}

impl From<ReferenceError> for Failure {
    fn from(error: ReferenceError) -> Failure {
        Failure::new(error.code(), error.to_string())
    }
}

impl From<RegistryError> for Failure {
    fn from(error: RegistryError) -> Failure {
        // An abort is the caller's own doing, not a transport failure: it gets its own code.
        if let RegistryError::Transport { error: TransportError::Aborted, .. } = &error {
            return Failure::new(ABORTED, error.to_string());
        }
        Failure::new(error.code(), error.to_string())
    }
}

impl From<DependencyError> for Failure {
    fn from(error: DependencyError) -> Failure {
        let file = match &error {
            DependencyError::Verify { file, .. } => Some(format!("charts/{file}")),
            DependencyError::OutOfSync { lock_file, .. } => Some((*lock_file).to_owned()),
            _ => None,
        };
        Failure::new(error.code(), error.to_string()).at(file, None)
    }
}

/// Why an archive could not be linted at all (helm: `unable to extract tarball: …`).
impl From<ExtractError> for Failure {
    fn from(error: ExtractError) -> Failure {
        let message = format!("unable to extract tarball: {error}");
        match error {
            ExtractError::Archive(e) => Failure { message, ..Failure::from(e) },
            ExtractError::ChartYaml(_) => {
                Failure::new("chart.bad_file", message).at(Some("Chart.yaml".to_owned()), None)
            }
            ExtractError::NoName | ExtractError::NameWithSeparator(_) | ExtractError::DotName(_) => {
                Failure::new("chart.invalid_metadata", message).at(Some("Chart.yaml".to_owned()), Some("name"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subchart_errors_name_the_file_inside_the_subchart() {
        let error = LoadError::Subchart {
            name: "redis".to_owned(),
            parent: "app".to_owned(),
            source: Box::new(LoadError::BadFile { file: "values.yaml", message: "bad".to_owned() }),
        };
        let failure = Failure::from(Error::Load(error));
        assert_eq!(failure.code, "chart.bad_file");
        assert_eq!(failure.file.as_deref(), Some("charts/redis/values.yaml"));
    }

    #[test]
    fn validation_errors_name_the_field() {
        let error = chartpack::chart::ValidationError {
            field: "version",
            message: "chart.metadata.version is required".to_owned(),
        };
        let failure = Failure::from(LoadError::Validation(error));
        assert_eq!((failure.file.as_deref(), failure.field.as_deref()), (Some("Chart.yaml"), Some("version")));
        assert_eq!(failure.message, "validation: chart.metadata.version is required");
    }

    #[test]
    fn version_errors_name_the_field() {
        let failure = Failure::from(Error::InvalidVersion {
            version: "x".to_owned(),
            reason: "invalid semantic version".to_owned(),
        });
        assert_eq!(failure.code, "package.invalid_version");
        assert_eq!(failure.field.as_deref(), Some("version"));
        assert_eq!(failure.message, "invalid semantic version");
    }

    #[test]
    fn dependency_errors_keep_the_cores_code_and_name_the_file() {
        let stale =
            Failure::from(DependencyError::OutOfSync { lock_file: "Chart.lock", dependencies_file: "Chart.yaml" });
        assert_eq!((stale.code, stale.file.as_deref()), ("dependency.out_of_sync", Some("Chart.lock")));
        assert!(stale.message.starts_with("the lock file (Chart.lock) is out of sync"), "{}", stale.message);
        let bad =
            Failure::from(DependencyError::Verify { file: "redis-1.0.0.tgz".to_owned(), message: "x".to_owned() });
        assert_eq!((bad.code, bad.file.as_deref()), ("dependency.verify", Some("charts/redis-1.0.0.tgz")));
    }

    #[test]
    fn aborts_have_their_own_code() {
        let error =
            RegistryError::Transport { method: "GET", url: "https://r/v2/".to_owned(), error: TransportError::Aborted };
        assert_eq!(Failure::from(error).code, ABORTED);
    }
}
