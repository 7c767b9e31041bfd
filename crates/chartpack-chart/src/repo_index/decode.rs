//! Decoding an index into helm's `IndexFile` struct with Go's semantics: `encoding/json` over
//! valid JSON (lenient: unknown fields ignored, members applied in document order, a value of
//! the wrong JSON type is an error), and sigs.k8s.io/yaml `UnmarshalStrict` over YAML (members
//! in sorted order, scalars turned into strings for string fields, unknown fields refused).
//! As in Go, the first type error is kept while decoding goes on, and a time that does not
//! parse stops decoding at once.

use std::collections::BTreeMap;

use chartpack_encoding::json::{self, Number, Value as Json};
use chartpack_encoding::yaml::Value;

use super::{gotime, ChartVersion, IndexError};
use crate::decode::{field_index, json_kind, members};
use crate::metadata::{
    go_quote, Dependency, Maintainer, Metadata, DEPENDENCY_FIELDS, MAINTAINER_FIELDS, METADATA_FIELDS,
};
use crate::time::Timestamp;

/// The index as decoded, before helm's validation of entries.
#[derive(Debug, Default)]
pub(super) struct Decoded {
    pub(super) server_info: BTreeMap<String, Json>,
    pub(super) api_version: String,
    pub(super) generated: Option<(Timestamp, i32)>,
    /// Go's `map[string]ChartVersions`; `None` items are JSON nulls.
    pub(super) entries: BTreeMap<String, Vec<Option<ChartVersion>>>,
    pub(super) public_keys: Vec<String>,
    pub(super) annotations: BTreeMap<String, String>,
}

const INDEX_FIELDS: [&str; 6] = ["serverInfo", "apiVersion", "generated", "entries", "publicKeys", "annotations"];

/// `ChartVersion`'s own JSON fields, after those of the `Metadata` it embeds.
const OWN_VERSION_FIELDS: [&str; 8] =
    ["urls", "created", "removed", "digest", "checksum", "engine", "tillerVersion", "url"];
/// Index of the first field of `ChartVersion` itself in [`VERSION_FIELDS`].
const OWN_FIELDS: usize = METADATA_FIELDS.len();
/// `ChartVersion`'s JSON fields: the embedded `Metadata`'s first, then its own.
const VERSION_FIELDS: [&str; OWN_FIELDS + OWN_VERSION_FIELDS.len()] = {
    let mut all = [""; OWN_FIELDS + OWN_VERSION_FIELDS.len()];
    let mut i = 0;
    while i < all.len() {
        all[i] = if i < OWN_FIELDS { METADATA_FIELDS[i] } else { OWN_VERSION_FIELDS[i - OWN_FIELDS] };
        i += 1;
    }
    all
};

/// An error that ends decoding at once (a time that does not parse): the field and helm's text.
struct Stop(String, String);

struct Decoder {
    /// The input was valid JSON (`json.Unmarshal`) rather than YAML (`yaml.UnmarshalStrict`).
    json: bool,
    /// Go's `savedError`: the first type error or unknown field, with its field path.
    saved: Option<(String, String)>,
}

/// Where a value goes: Go's struct type name and the JSON field path from the root.
#[derive(Clone, Copy)]
struct At<'a> {
    go_struct: &'a str,
    path: &'a str,
}

/// Decodes a parsed index. `json` selects `encoding/json` semantics (the input was valid JSON,
/// converted with [`from_json`]); otherwise sigs.k8s.io/yaml's strict ones.
pub(super) fn decode(value: &Value, json: bool) -> Result<Decoded, IndexError> {
    let mut d = Decoder { json, saved: None };
    let mut out = Decoded::default();
    let result = d.index(value, &mut out);
    let prefix = if json { "" } else { "error unmarshaling JSON: while decoding JSON: " };
    match (result, d.saved) {
        (Err(Stop(field, message)), _) | (Ok(()), Some((field, message))) => {
            Err(IndexError::Decode { field, message: format!("{prefix}{message}") })
        }
        (Ok(()), None) => Ok(out),
    }
}

/// A JSON document as the decoder's input: objects keep their members in document order
/// (duplicates included), numbers become integers where they are.
pub(super) fn from_json(value: &Json) -> Value {
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(u)) => Value::Uint(u),
            (None, None) => Value::Float(n.as_f64().unwrap_or(f64::INFINITY)),
        },
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::Seq(items.iter().map(from_json).collect()),
        Json::Object(pairs) => {
            Value::Map(pairs.iter().map(|(k, v)| (Value::String(k.clone()), from_json(v))).collect())
        }
    }
}

impl Decoder {
    fn save(&mut self, field: &str, message: String) {
        if self.saved.is_none() {
            self.saved = Some((field.to_owned(), message));
        }
    }

    fn type_error(&mut self, value: &Value, at: At<'_>, go_type: &str) {
        self.save(
            at.path,
            format!(
                "json: cannot unmarshal {} into Go struct field {}.{} of type {go_type}",
                json_kind(value),
                at.go_struct,
                at.path
            ),
        );
    }

    /// The members Go's decoder applies: document order for JSON; for YAML the keys of the Go
    /// map sigs.k8s.io/yaml built (strings, last duplicate wins) in sorted order.
    fn members<'v>(&self, pairs: &'v [(Value, Value)]) -> Vec<(String, &'v Value)> {
        if self.json {
            pairs.iter().filter_map(|(k, v)| k.as_str().map(|k| (k.to_owned(), v))).collect()
        } else {
            members(pairs)
        }
    }

    /// Calls `set` for each known field; unknown ones are an error for YAML (strict).
    fn fields(
        &mut self,
        pairs: &[(Value, Value)],
        names: &[&str],
        mut set: impl FnMut(&mut Self, usize, &Value) -> Result<(), Stop>,
    ) -> Result<(), Stop> {
        for (key, v) in self.members(pairs) {
            match field_index(names, &key) {
                Some(index) => set(self, index, v)?,
                None if !self.json => self.save(&key, format!("json: unknown field {}", go_quote(&key))),
                None => {}
            }
        }
        Ok(())
    }

    /// A Go `string` field; `None` leaves it unchanged (null, or a type error).
    fn string(&mut self, value: &Value, at: At<'_>) -> Option<String> {
        match value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Seq(_) | Value::Map(_) => {
                self.type_error(value, at, "string");
                None
            }
            // sigs.k8s.io/yaml turns YAML scalars into strings for string fields.
            scalar if !self.json => scalar.to_go_string(),
            other => {
                self.type_error(other, at, "string");
                None
            }
        }
    }

    fn set_string(&mut self, slot: &mut String, value: &Value, at: At<'_>) {
        if let Some(s) = self.string(value, at) {
            *slot = s;
        }
    }

    fn set_bool(&mut self, slot: &mut bool, value: &Value, at: At<'_>) {
        match value {
            Value::Null => {}
            Value::Bool(b) => *slot = *b,
            other => self.type_error(other, at, "bool"),
        }
    }

    /// A Go `[]string` field: null empties it.
    fn set_strings(&mut self, slot: &mut Vec<String>, value: &Value, at: At<'_>) {
        match value {
            Value::Null => slot.clear(),
            Value::Seq(items) => {
                *slot = items.iter().map(|item| self.string(item, at).unwrap_or_default()).collect();
            }
            other => self.type_error(other, at, "[]string"),
        }
    }

    /// A Go `map[string]string` field: null empties it, an object adds to it.
    fn set_string_map(&mut self, slot: &mut BTreeMap<String, String>, value: &Value, at: At<'_>) {
        match value {
            Value::Null => slot.clear(),
            Value::Map(pairs) => {
                for (k, v) in self.members(pairs) {
                    let s = self.string(v, at).unwrap_or_default();
                    slot.insert(k, s);
                }
            }
            other => self.type_error(other, at, "map[string]string"),
        }
    }

    /// A Go `interface{}` value as `json.Marshal` writes it back (numbers are float64).
    fn any(&mut self, value: &Value, at: At<'_>) -> Json {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => self.number(*i as f64, at),
            Value::Uint(u) => self.number(*u as f64, at),
            Value::Float(f) => self.number(*f, at),
            Value::String(s) => Json::String(s.clone()),
            Value::Seq(items) => Json::Array(items.iter().map(|i| self.any(i, at)).collect()),
            Value::Map(pairs) => Json::Object(members(pairs).into_iter().map(|(k, v)| (k, self.any(v, at))).collect()),
        }
    }

    fn number(&mut self, f: f64, at: At<'_>) -> Json {
        match Number::from_f64(f) {
            Some(n) => Json::Number(n),
            None => {
                self.type_error(&Value::Float(f), at, "float64");
                Json::Null
            }
        }
    }

    /// A Go `time.Time` field through `Time.UnmarshalJSON`.
    fn time(&mut self, value: &Value, path: &str) -> Result<Option<(Timestamp, i32)>, Stop> {
        match value {
            Value::Null => Ok(None),
            Value::String(s) => {
                // Go parses the JSON text between the quotes without unescaping it.
                let quoted = json::to_vec(&Json::String(s.clone()));
                let raw = &quoted[1..quoted.len() - 1];
                gotime::parse(raw).map(Some).map_err(|e| Stop(path.to_owned(), e))
            }
            _ => Err(Stop(path.to_owned(), "Time.UnmarshalJSON: input is not a JSON string".to_owned())),
        }
    }

    fn index(&mut self, value: &Value, out: &mut Decoded) -> Result<(), Stop> {
        let pairs = match value {
            Value::Null => return Ok(()),
            Value::Map(pairs) => pairs,
            other => {
                self.save(
                    "",
                    format!("json: cannot unmarshal {} into Go value of type repo.IndexFile", json_kind(other)),
                );
                return Ok(());
            }
        };
        self.fields(pairs, &INDEX_FIELDS, |d, index, v| {
            let at = At { go_struct: "IndexFile", path: INDEX_FIELDS[index] };
            match index {
                0 => match v {
                    Value::Null => out.server_info.clear(),
                    Value::Map(pairs) => {
                        for (k, item) in d.members(pairs) {
                            let item = d.any(item, at);
                            out.server_info.insert(k, item);
                        }
                    }
                    other => d.type_error(other, at, "map[string]interface {}"),
                },
                1 => d.set_string(&mut out.api_version, v, at),
                2 => {
                    if let Some(t) = d.time(v, at.path)? {
                        out.generated = Some(t);
                    }
                }
                3 => d.entries(v, &mut out.entries)?,
                4 => d.set_strings(&mut out.public_keys, v, at),
                _ => d.set_string_map(&mut out.annotations, v, at),
            }
            Ok(())
        })
    }

    fn entries(&mut self, value: &Value, out: &mut BTreeMap<String, Vec<Option<ChartVersion>>>) -> Result<(), Stop> {
        let at = At { go_struct: "IndexFile", path: "entries" };
        let pairs = match value {
            Value::Null => {
                out.clear();
                return Ok(());
            }
            Value::Map(pairs) => pairs,
            other => {
                self.type_error(other, at, "map[string]repo.ChartVersions");
                return Ok(());
            }
        };
        for (name, list) in self.members(pairs) {
            let mut versions = Vec::new();
            match list {
                Value::Null => {}
                Value::Seq(items) => {
                    for item in items {
                        match item {
                            Value::Null => versions.push(None),
                            Value::Map(fields) => versions.push(Some(self.chart_version(fields)?)),
                            other => self.type_error(other, at, "repo.ChartVersion"),
                        }
                    }
                }
                other => self.type_error(other, at, "repo.ChartVersions"),
            }
            out.insert(name, versions);
        }
        Ok(())
    }

    fn chart_version(&mut self, pairs: &[(Value, Value)]) -> Result<ChartVersion, Stop> {
        let mut cv = ChartVersion { created: Timestamp::go_zero(), ..ChartVersion::default() };
        self.fields(pairs, &VERSION_FIELDS, |d, index, v| {
            let name = VERSION_FIELDS[index];
            let path = if index < OWN_FIELDS { format!("entries.Metadata.{name}") } else { format!("entries.{name}") };
            let at = At { go_struct: "ChartVersion", path: &path };
            let m = &mut cv.metadata;
            match name {
                "name" => d.set_string(&mut m.name, v, at),
                "home" => d.set_string(&mut m.home, v, at),
                "sources" => d.set_strings(&mut m.sources, v, at),
                "version" => d.set_string(&mut m.version, v, at),
                "description" => d.set_string(&mut m.description, v, at),
                "keywords" => d.set_strings(&mut m.keywords, v, at),
                "maintainers" => d.maintainers(m, v, at),
                "icon" => d.set_string(&mut m.icon, v, at),
                "apiVersion" => d.set_string(&mut m.api_version, v, at),
                "condition" => d.set_string(&mut m.condition, v, at),
                "tags" => d.set_string(&mut m.tags, v, at),
                "appVersion" => d.set_string(&mut m.app_version, v, at),
                "deprecated" => d.set_bool(&mut m.deprecated, v, at),
                "annotations" => d.set_string_map(&mut m.annotations, v, at),
                "kubeVersion" => d.set_string(&mut m.kube_version, v, at),
                "dependencies" => d.dependencies(m, v, at),
                "type" => d.set_string(&mut m.chart_type, v, at),
                "urls" => d.set_strings(&mut cv.urls, v, at),
                "created" => {
                    if let Some((t, offset)) = d.time(v, &path)? {
                        cv.created = t;
                        cv.created_offset = offset;
                    }
                }
                "removed" => d.set_bool(&mut cv.removed, v, at),
                "digest" => d.set_string(&mut cv.digest, v, at),
                "checksum" => d.set_string(&mut cv.checksum, v, at),
                "engine" => d.set_string(&mut cv.engine, v, at),
                "tillerVersion" => d.set_string(&mut cv.tiller_version, v, at),
                _ => d.set_string(&mut cv.url, v, at),
            }
            Ok(())
        })?;
        Ok(cv)
    }

    /// Go's `[]*T`: null empties the list, null items stay (helm reports them), objects are
    /// decoded by `item`.
    fn pointer_list<T>(
        &mut self,
        value: &Value,
        at: At<'_>,
        go_item: &str,
        mut item: impl FnMut(&mut Self, &[(Value, Value)]) -> T,
    ) -> Option<Vec<Option<T>>> {
        match value {
            Value::Null => Some(Vec::new()),
            Value::Seq(items) => Some(
                items
                    .iter()
                    .map(|v| match v {
                        Value::Null => None,
                        Value::Map(pairs) => Some(item(self, pairs)),
                        other => {
                            self.type_error(other, at, go_item);
                            None
                        }
                    })
                    .collect(),
            ),
            other => {
                self.type_error(other, at, &format!("[]*{go_item}"));
                None
            }
        }
    }

    fn maintainers(&mut self, m: &mut Metadata, value: &Value, at: At<'_>) {
        let decoded = self.pointer_list(value, at, "v2.Maintainer", |d, pairs| {
            let mut maintainer = Maintainer::default();
            // Only strings here: nothing can stop decoding.
            let _ = d.fields(pairs, &MAINTAINER_FIELDS, |d, index, v| {
                let path = format!("{}.{}", at.path, MAINTAINER_FIELDS[index]);
                let at = At { go_struct: "Maintainer", path: &path };
                let slot = match index {
                    0 => &mut maintainer.name,
                    1 => &mut maintainer.email,
                    _ => &mut maintainer.url,
                };
                d.set_string(slot, v, at);
                Ok(())
            });
            maintainer
        });
        if let Some(list) = decoded {
            m.maintainers = list;
        }
    }

    fn dependencies(&mut self, m: &mut Metadata, value: &Value, at: At<'_>) {
        let decoded = self.pointer_list(value, at, "v2.Dependency", |d, pairs| {
            let mut dep = Dependency::default();
            let _ = d.fields(pairs, &DEPENDENCY_FIELDS, |d, index, v| {
                let name = DEPENDENCY_FIELDS[index];
                let path = format!("{}.{name}", at.path);
                let at = At { go_struct: "Dependency", path: &path };
                match name {
                    "name" => d.set_string(&mut dep.name, v, at),
                    "version" => d.set_string(&mut dep.version, v, at),
                    "repository" => d.set_string(&mut dep.repository, v, at),
                    "condition" => d.set_string(&mut dep.condition, v, at),
                    "tags" => d.set_strings(&mut dep.tags, v, at),
                    "enabled" => d.set_bool(&mut dep.enabled, v, at),
                    "import-values" => match v {
                        Value::Null => dep.import_values.clear(),
                        Value::Seq(items) => dep.import_values = items.iter().map(|i| d.any(i, at)).collect(),
                        other => d.type_error(other, at, "[]interface {}"),
                    },
                    _ => d.set_string(&mut dep.alias, v, at),
                }
                Ok(())
            });
            dep
        });
        if let Some(list) = decoded {
            m.dependencies = list;
        }
    }
}
