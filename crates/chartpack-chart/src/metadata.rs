//! `Chart.yaml` metadata: the model, decoding with helm's YAML/JSON semantics, sanitising,
//! validation and re-serialisation. Mirrors helm pkg/chart/v2/metadata.go and dependency.go.

use std::collections::BTreeMap;

use chartpack_encoding::json::{self, Value as Json};
use chartpack_encoding::yaml::{self, Value};

use crate::decode::{self, DecodeError, Field};

/// apiVersion of charts made for helm 2 (`requirements.yaml` era).
pub const API_V1: &str = "v1";
/// apiVersion of charts with dependencies in `Chart.yaml`.
pub const API_V2: &str = "v2";

/// A chart maintainer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Maintainer {
    /// Maintainer's name.
    pub name: String,
    /// Maintainer's email.
    pub email: String,
    /// Maintainer's URL.
    pub url: String,
}

/// One entry of `dependencies` in `Chart.yaml` (or `requirements.yaml`, or a lock).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    /// Chart name.
    pub name: String,
    /// Version or constraint.
    pub version: String,
    /// Repository URL, `@alias`, `oci://…`, `file://…` or empty.
    pub repository: String,
    /// Values path that enables the dependency.
    pub condition: String,
    /// Tags that enable the dependency.
    pub tags: Vec<String>,
    /// Set by helm at install time; kept for round-trips.
    pub enabled: bool,
    /// `import-values` entries, kept as JSON values.
    pub import_values: Vec<Json>,
    /// Alias under which the dependency is installed.
    pub alias: String,
}

/// Why `Chart.yaml` metadata failed validation: helm's message and the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    /// The `Chart.yaml` field: `apiVersion`, `name`, `version`, `type`, `maintainers` or `dependencies`.
    pub field: &'static str,
    /// helm's message, without the `validation: ` prefix.
    pub message: String,
}

/// Chart metadata (`Chart.yaml`). Lists of maintainers and dependencies keep `null` entries
/// (`None`) because helm reports them as validation errors.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// Chart name.
    pub name: String,
    /// Project home page.
    pub home: String,
    /// Source URLs.
    pub sources: Vec<String>,
    /// SemVer 2 version.
    pub version: String,
    /// One-line description.
    pub description: String,
    /// Search keywords.
    pub keywords: Vec<String>,
    /// Maintainers.
    pub maintainers: Vec<Option<Maintainer>>,
    /// Icon URL.
    pub icon: String,
    /// `v1` or `v2`.
    pub api_version: String,
    /// Deprecated v1 field.
    pub condition: String,
    /// Deprecated v1 field.
    pub tags: String,
    /// Version of the packaged application.
    pub app_version: String,
    /// Whether the chart is deprecated.
    pub deprecated: bool,
    /// Free-form annotations (sorted by key, as Go maps serialise).
    pub annotations: BTreeMap<String, String>,
    /// Kubernetes version constraint.
    pub kube_version: String,
    /// Declared dependencies.
    pub dependencies: Vec<Option<Dependency>>,
    /// `application` or `library`.
    pub chart_type: String,
}

/// Metadata JSON field names in helm's struct order (also the first fields of a repository
/// index's `ChartVersion`, which embeds `Metadata`).
pub(crate) const METADATA_FIELDS: [&str; 17] = [
    "name",
    "home",
    "sources",
    "version",
    "description",
    "keywords",
    "maintainers",
    "icon",
    "apiVersion",
    "condition",
    "tags",
    "appVersion",
    "deprecated",
    "annotations",
    "kubeVersion",
    "dependencies",
    "type",
];
pub(crate) const MAINTAINER_FIELDS: [&str; 3] = ["name", "email", "url"];
pub(crate) const DEPENDENCY_FIELDS: [&str; 8] =
    ["name", "version", "repository", "condition", "tags", "enabled", "import-values", "alias"];

/// How strictly unknown keys are treated (helm lint's strict parse warns about them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Unknown keys are ignored (helm's normal load).
    Lenient,
    /// An unknown key is an error (`json: unknown field "x"`).
    Strict,
}

fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *slot = v;
    }
}

impl Metadata {
    /// Parses `Chart.yaml` text as helm's `yaml.Unmarshal(data, &Metadata)`.
    /// The error text is helm's (`error converting YAML to JSON: …`, `error unmarshaling JSON: …`).
    pub fn parse(text: &[u8], strictness: Strictness) -> Result<Metadata, String> {
        let mut metadata = Metadata::default();
        metadata.merge_yaml(text, strictness)?;
        Ok(metadata)
    }

    /// Decodes YAML text into this value, overwriting only the fields present, as Go's
    /// `json.Unmarshal` into an existing struct does (helm relies on it for requirements.yaml).
    pub fn merge_yaml(&mut self, text: &[u8], strictness: Strictness) -> Result<(), String> {
        let value = yaml::parse_bytes(text).map_err(|e| format!("error converting YAML to JSON: {e}"))?;
        check_json_representable(&value).map_err(|e| format!("error converting YAML to JSON: {e}"))?;
        self.merge_value(&value, strictness).map_err(|e| format!("error unmarshaling JSON: while decoding JSON: {e}"))
    }

    fn merge_value(&mut self, value: &Value, strictness: Strictness) -> Result<(), DecodeError> {
        let pairs = match value {
            Value::Null => return Ok(()),
            Value::Map(pairs) => pairs,
            other => {
                return Err(DecodeError(format!(
                    "json: cannot unmarshal {} into Go value of type v2.Metadata",
                    decode::json_kind(other)
                )))
            }
        };
        decode::struct_fields(pairs, &METADATA_FIELDS, strictness == Strictness::Strict, |index, v| {
            let name = METADATA_FIELDS[index];
            let field = Field { go_struct: "Metadata", path: name };
            match name {
                "name" => set(&mut self.name, decode::string(v, field)?),
                "home" => set(&mut self.home, decode::string(v, field)?),
                "sources" => self.sources = decode::string_list(v, field)?.unwrap_or_default(),
                "version" => set(&mut self.version, decode::string(v, field)?),
                "description" => set(&mut self.description, decode::string(v, field)?),
                "keywords" => self.keywords = decode::string_list(v, field)?.unwrap_or_default(),
                "maintainers" => self.maintainers = decode_maintainers(v, strictness)?,
                "icon" => set(&mut self.icon, decode::string(v, field)?),
                "apiVersion" => set(&mut self.api_version, decode::string(v, field)?),
                "condition" => set(&mut self.condition, decode::string(v, field)?),
                "tags" => set(&mut self.tags, decode::string(v, field)?),
                "appVersion" => set(&mut self.app_version, decode::string(v, field)?),
                "deprecated" => set(&mut self.deprecated, decode::boolean(v, field)?),
                "annotations" => match decode::string_map(v, field)? {
                    // Go decodes into the existing map, adding keys.
                    Some(entries) => self.annotations.extend(entries),
                    None => self.annotations.clear(),
                },
                "kubeVersion" => set(&mut self.kube_version, decode::string(v, field)?),
                "dependencies" => self.dependencies = decode_dependencies(v, "Metadata", "dependencies", strictness)?,
                _ => set(&mut self.chart_type, decode::string(v, field)?),
            }
            Ok(())
        })
    }

    /// Sanitises in place, as helm's `Validate` does on every load: Unicode spaces become
    /// ` `, other non-printable characters are removed (terminal-escape defence).
    pub fn sanitize(&mut self) {
        for s in [
            &mut self.name,
            &mut self.description,
            &mut self.home,
            &mut self.icon,
            &mut self.condition,
            &mut self.tags,
            &mut self.app_version,
            &mut self.kube_version,
        ] {
            sanitize_in_place(s);
        }
        self.sources.iter_mut().for_each(sanitize_in_place);
        self.keywords.iter_mut().for_each(sanitize_in_place);
        for m in self.maintainers.iter_mut().flatten() {
            sanitize_in_place(&mut m.name);
            sanitize_in_place(&mut m.email);
            sanitize_in_place(&mut m.url);
        }
        for d in self.dependencies.iter_mut().flatten() {
            d.sanitize();
        }
    }

    /// helm's `Metadata.Validate` checks (call [`Metadata::sanitize`] first, as helm does).
    /// The error text is helm's, without the `validation: ` prefix; the error names the field.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let fail = |field: &'static str, message: String| Err(ValidationError { field, message });
        if self.api_version.is_empty() {
            return fail("apiVersion", "chart.metadata.apiVersion is required".to_owned());
        }
        if self.name.is_empty() {
            return fail("name", "chart.metadata.name is required".to_owned());
        }
        if self.name == "." || self.name == ".." {
            return fail("name", format!("chart.metadata.name {} is not allowed", go_quote(&self.name)));
        }
        if !is_base_name(&self.name) {
            return fail("name", format!("chart.metadata.name {} is invalid", go_quote(&self.name)));
        }
        if self.version.is_empty() {
            return fail("version", "chart.metadata.version is required".to_owned());
        }
        if chartpack_semver::Version::parse(&self.version).is_err() {
            return fail("version", format!("chart.metadata.version {} is invalid", go_quote(&self.version)));
        }
        if !matches!(self.chart_type.as_str(), "" | "application" | "library") {
            return fail("type", "chart.metadata.type must be application or library".to_owned());
        }
        if self.maintainers.iter().any(Option::is_none) {
            return fail("maintainers", "maintainers must not contain empty or null nodes".to_owned());
        }
        let mut seen: Vec<&str> = Vec::new();
        for dependency in &self.dependencies {
            let Some(d) = dependency else {
                return fail("dependencies", "dependencies must not contain empty or null nodes".to_owned());
            };
            if !d.alias.is_empty() && !d.alias.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
                return fail(
                    "dependencies",
                    format!("dependency {} has disallowed characters in the alias", go_quote(&d.name)),
                );
            }
            let key = if d.alias.is_empty() { d.name.as_str() } else { d.alias.as_str() };
            if seen.contains(&key) {
                return fail("dependencies", format!("more than one dependency with name or alias {}", go_quote(key)));
            }
            seen.push(key);
        }
        Ok(())
    }

    /// The metadata as helm's `json.Marshal` sees it: struct field order, empty fields omitted.
    pub fn to_json(&self) -> Json {
        let mut o = Vec::new();
        push_str(&mut o, "name", &self.name);
        push_str(&mut o, "home", &self.home);
        push_list(&mut o, "sources", &self.sources);
        push_str(&mut o, "version", &self.version);
        push_str(&mut o, "description", &self.description);
        push_list(&mut o, "keywords", &self.keywords);
        if !self.maintainers.is_empty() {
            let list = self
                .maintainers
                .iter()
                .map(|m| match m {
                    None => Json::Null,
                    Some(m) => {
                        let mut mo = Vec::new();
                        push_str(&mut mo, "name", &m.name);
                        push_str(&mut mo, "email", &m.email);
                        push_str(&mut mo, "url", &m.url);
                        Json::Object(mo)
                    }
                })
                .collect();
            o.push(("maintainers".to_owned(), Json::Array(list)));
        }
        push_str(&mut o, "icon", &self.icon);
        push_str(&mut o, "apiVersion", &self.api_version);
        push_str(&mut o, "condition", &self.condition);
        push_str(&mut o, "tags", &self.tags);
        push_str(&mut o, "appVersion", &self.app_version);
        if self.deprecated {
            o.push(("deprecated".to_owned(), Json::Bool(true)));
        }
        if !self.annotations.is_empty() {
            let map = self.annotations.iter().map(|(k, v)| (k.clone(), Json::String(v.clone()))).collect();
            o.push(("annotations".to_owned(), Json::Object(map)));
        }
        push_str(&mut o, "kubeVersion", &self.kube_version);
        if !self.dependencies.is_empty() {
            o.push(("dependencies".to_owned(), dependencies_json(&self.dependencies)));
        }
        push_str(&mut o, "type", &self.chart_type);
        Json::Object(o)
    }

    /// The `Chart.yaml` bytes helm writes into an archive (and prints for `helm show chart`).
    /// Fails as yaml.v2 does on characters YAML cannot hold (`yaml: control characters are not
    /// allowed`), which unsanitised fields such as annotations may contain.
    pub fn to_yaml(&self) -> Result<String, yaml::EmitError> {
        yaml::try_to_yaml_string(&self.to_json())
    }

    /// The compact Go JSON of the metadata (the OCI config blob).
    pub fn to_go_json(&self) -> Vec<u8> {
        json::to_vec(&self.to_json())
    }
}

impl Dependency {
    fn sanitize(&mut self) {
        sanitize_in_place(&mut self.name);
        sanitize_in_place(&mut self.version);
        sanitize_in_place(&mut self.repository);
        sanitize_in_place(&mut self.condition);
        self.tags.iter_mut().for_each(sanitize_in_place);
    }

    /// The dependency as helm's `json.Marshal`: `name` and `repository` always present.
    pub fn to_json(&self) -> Json {
        let mut o = vec![("name".to_owned(), Json::String(self.name.clone()))];
        push_str(&mut o, "version", &self.version);
        o.push(("repository".to_owned(), Json::String(self.repository.clone())));
        push_str(&mut o, "condition", &self.condition);
        push_list(&mut o, "tags", &self.tags);
        if self.enabled {
            o.push(("enabled".to_owned(), Json::Bool(true)));
        }
        if !self.import_values.is_empty() {
            o.push(("import-values".to_owned(), Json::Array(self.import_values.clone())));
        }
        push_str(&mut o, "alias", &self.alias);
        Json::Object(o)
    }
}

/// JSON array of dependencies (`null` for null entries).
pub fn dependencies_json(deps: &[Option<Dependency>]) -> Json {
    Json::Array(deps.iter().map(|d| d.as_ref().map_or(Json::Null, Dependency::to_json)).collect())
}

fn push_str(o: &mut Vec<(String, Json)>, key: &str, value: &str) {
    if !value.is_empty() {
        o.push((key.to_owned(), Json::String(value.to_owned())));
    }
}

fn push_list(o: &mut Vec<(String, Json)>, key: &str, values: &[String]) {
    if !values.is_empty() {
        o.push((key.to_owned(), Json::Array(values.iter().map(|s| Json::String(s.clone())).collect())));
    }
}

/// sigs.k8s.io/yaml refuses values JSON cannot hold (infinities, NaN) before decoding.
fn check_json_representable(value: &Value) -> Result<(), String> {
    yaml::to_json(value).map(|_| ()).map_err(|e| e.to_string())
}

fn decode_maintainers(value: &Value, strictness: Strictness) -> Result<Vec<Option<Maintainer>>, DecodeError> {
    let field = Field { go_struct: "Metadata", path: "maintainers" };
    decode::pointer_list(value, field, "v2.Maintainer", |pairs| {
        let mut m = Maintainer::default();
        decode::struct_fields(pairs, &MAINTAINER_FIELDS, strictness == Strictness::Strict, |index, v| {
            let path = format!("maintainers.{}", MAINTAINER_FIELDS[index]);
            let s = decode::string(v, Field { go_struct: "Maintainer", path: &path })?;
            match index {
                0 => set(&mut m.name, s),
                1 => set(&mut m.email, s),
                _ => set(&mut m.url, s),
            }
            Ok(())
        })?;
        Ok(m)
    })
}

/// Decodes a `dependencies` list (Chart.yaml, requirements.yaml, Chart.lock).
pub(crate) fn decode_dependencies(
    value: &Value,
    parent: &str,
    parent_path: &str,
    strictness: Strictness,
) -> Result<Vec<Option<Dependency>>, DecodeError> {
    let field = Field { go_struct: parent, path: parent_path };
    decode::pointer_list(value, field, "v2.Dependency", |pairs| {
        let mut d = Dependency::default();
        decode::struct_fields(pairs, &DEPENDENCY_FIELDS, strictness == Strictness::Strict, |index, v| {
            let name = DEPENDENCY_FIELDS[index];
            let path = format!("{parent_path}.{name}");
            let f = Field { go_struct: "Dependency", path: &path };
            match name {
                "name" => set(&mut d.name, decode::string(v, f)?),
                "version" => set(&mut d.version, decode::string(v, f)?),
                "repository" => set(&mut d.repository, decode::string(v, f)?),
                "condition" => set(&mut d.condition, decode::string(v, f)?),
                "tags" => d.tags = decode::string_list(v, f)?.unwrap_or_default(),
                "enabled" => set(&mut d.enabled, decode::boolean(v, f)?),
                "import-values" => {
                    d.import_values = match v {
                        Value::Null => Vec::new(),
                        Value::Seq(items) => items
                            .iter()
                            .map(|i| yaml::to_json(i).map_err(|e| DecodeError(e.to_string())))
                            .collect::<Result<_, _>>()?,
                        other => return Err(decode::type_error(other, f, "[]interface {}")),
                    }
                }
                _ => set(&mut d.alias, decode::string(v, f)?),
            }
            Ok(())
        })?;
        Ok(d)
    })
}

/// Go's `%q` for the strings helm quotes in its messages.
pub fn go_quote(s: &str) -> String {
    chartpack_encoding::gofmt::quote(s)
}

/// Whether `name` equals Go's `filepath.Base(name)` (no separators, no trailing slash).
pub(crate) fn is_base_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('/')
}

fn sanitize_in_place(s: &mut String) {
    if s.chars().all(|c| c == ' ' || (chartpack_encoding::gofmt::is_print(c) && !c.is_whitespace())) {
        return;
    }
    *s = s
        .chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if chartpack_encoding::gofmt::is_print(c) {
                Some(c)
            } else {
                None
            }
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_yaml(chart_yaml: &str, packaged: &str) {
        let mut m = Metadata::parse(chart_yaml.as_bytes(), Strictness::Lenient).expect("parses");
        m.sanitize();
        assert_eq!(m.to_yaml().as_deref(), Ok(packaged), "Chart.yaml {chart_yaml:?}");
    }

    // helm-behaviour.md §3.4: `helm create` chart's packaged Chart.yaml (helm v4.1.4).
    #[test]
    fn helm_create_chart_round_trip() {
        check_yaml(
            "apiVersion: v2\nname: mychart\ndescription: A Helm chart for Kubernetes\n# comment\ntype: application\nversion: 0.1.0\nappVersion: \"1.16.0\"\n",
            "apiVersion: v2\nappVersion: 1.16.0\ndescription: A Helm chart for Kubernetes\nname: mychart\ntype: application\nversion: 0.1.0\n",
        );
    }

    // helm-behaviour.md §3.2 (verified): YAML 1.1 scalars into string fields.
    #[test]
    fn yaml11_scalars_become_strings() {
        let m = Metadata::parse(
            "name: y\nversion: 1.10\nappVersion: 0x1F\ndescription: 017\n".as_bytes(),
            Strictness::Lenient,
        )
        .expect("parses");
        assert_eq!(m.name, "true");
        assert_eq!(m.version, "1.1");
        assert_eq!(m.app_version, "31");
        assert_eq!(m.description, "15");
    }

    #[test]
    fn keys_are_case_insensitive_and_unknown_keys_ignored_or_refused() {
        let m = Metadata::parse("NAME: a\nVersion: 1.0.0\nengine: gotpl\n".as_bytes(), Strictness::Lenient)
            .expect("parses");
        assert_eq!((m.name.as_str(), m.version.as_str()), ("a", "1.0.0"));
        assert_eq!(
            Metadata::parse("name: a\nengine: gotpl\n".as_bytes(), Strictness::Strict),
            Err("error unmarshaling JSON: while decoding JSON: json: unknown field \"engine\"".to_owned())
        );
    }

    #[test]
    fn type_errors_read_like_go() {
        assert_eq!(
            Metadata::parse("name: [a]\n".as_bytes(), Strictness::Lenient),
            Err("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field Metadata.name of type string".to_owned())
        );
    }

    #[track_caller]
    fn check_validate(chart_yaml: &str, expected: Result<(), &str>) {
        let mut m = Metadata::parse(chart_yaml.as_bytes(), Strictness::Lenient).expect("parses");
        if m.api_version.is_empty() {
            m.api_version = API_V1.to_owned();
        }
        m.sanitize();
        assert_eq!(m.validate().map_err(|e| e.message), expected.map_err(str::to_owned), "Chart.yaml {chart_yaml:?}");
    }

    // Messages from helm-behaviour.md §3.3 (helm v4.1.4).
    #[test]
    fn validation_messages() {
        check_validate("name: a\nversion: 1.0.0\n", Ok(()));
        check_validate("version: 1.0.0\n", Err("chart.metadata.name is required"));
        check_validate("name: ..\nversion: 1.0.0\n", Err("chart.metadata.name \"..\" is not allowed"));
        check_validate("name: a/b\nversion: 1.0.0\n", Err("chart.metadata.name \"a/b\" is invalid"));
        check_validate("name: a\n", Err("chart.metadata.version is required"));
        check_validate("name: a\nversion: x\n", Err("chart.metadata.version \"x\" is invalid"));
        check_validate(
            "name: a\nversion: 1.0.0\ntype: foo\n",
            Err("chart.metadata.type must be application or library"),
        );
        check_validate(
            "name: a\nversion: 1.0.0\nmaintainers: [null]\n",
            Err("maintainers must not contain empty or null nodes"),
        );
        check_validate(
            "name: a\nversion: 1.0.0\ndependencies: [null]\n",
            Err("dependencies must not contain empty or null nodes"),
        );
        check_validate(
            "name: a\nversion: 1.0.0\ndependencies: [{name: b, alias: 'x y'}]\n",
            Err("dependency \"b\" has disallowed characters in the alias"),
        );
        check_validate(
            "name: a\nversion: 1.0.0\ndependencies: [{name: b}, {name: c, alias: b}]\n",
            Err("more than one dependency with name or alias \"b\""),
        );
    }

    // helm v4.1.4: `helm show chart` says "Error: yaml: control characters are not allowed".
    #[test]
    fn unwritable_annotations_are_an_error() {
        let m = Metadata::parse(
            "name: a\nversion: 1.0.0\nannotations:\n  \"a\\uFFFEb\": x\n".as_bytes(),
            Strictness::Lenient,
        )
        .expect("parses");
        assert_eq!(m.to_yaml().map_err(|e| e.to_string()), Err("yaml: control characters are not allowed".to_owned()));
    }

    #[test]
    fn sanitize_replaces_spaces_and_drops_controls() {
        let mut m = Metadata { description: "a\tb\u{1b}[31mc\u{200b}".to_owned(), ..Metadata::default() };
        m.sanitize();
        assert_eq!(m.description, "a b[31mc");
    }
}
