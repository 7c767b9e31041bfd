//! `Chart.lock` / `requirements.lock`: parse and re-serialise as helm does.

use chartpack_encoding::json::Value as Json;
use chartpack_encoding::yaml::{self, Value};

use crate::decode::{self, DecodeError, Field};
use crate::metadata::{decode_dependencies, dependencies_json, Dependency, Strictness};
use crate::time::Timestamp;

/// A dependency lock file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lock {
    /// When the lock was generated, with the text's UTC offset in seconds.
    pub generated: Timestamp,
    /// UTC offset of `generated` as written, in seconds (Go keeps the zone when re-serialising).
    pub generated_offset: i32,
    /// `sha256:…` digest of the dependency declarations.
    pub digest: String,
    /// Resolved dependencies.
    pub dependencies: Vec<Option<Dependency>>,
}

impl Lock {
    /// Parses a lock file as helm's `yaml.Unmarshal(data, &Lock)`; errors carry helm's wording.
    pub fn parse(text: &[u8]) -> Result<Lock, String> {
        let value = yaml::parse_bytes(text).map_err(|e| format!("error converting YAML to JSON: {e}"))?;
        Lock::from_value(&value).map_err(|e| format!("error unmarshaling JSON: while decoding JSON: {e}"))
    }

    fn from_value(value: &Value) -> Result<Lock, DecodeError> {
        let mut lock = Lock { generated: Timestamp::go_zero(), ..Lock::default() };
        let pairs = match value {
            Value::Null => return Ok(lock),
            Value::Map(pairs) => pairs,
            other => {
                return Err(DecodeError(format!(
                    "json: cannot unmarshal {} into Go value of type v2.Lock",
                    decode::json_kind(other)
                )))
            }
        };
        const FIELDS: [&str; 3] = ["generated", "digest", "dependencies"];
        for (key, v) in decode::members(pairs) {
            match decode::field_index(&FIELDS, &key) {
                Some(0) => match v {
                    Value::Null => {}
                    Value::String(s) => {
                        let (t, offset) = Timestamp::parse_rfc3339(s).ok_or_else(|| {
                            DecodeError(format!(
                                "parsing time \"\\\"{s}\\\"\" as \"\\\"2006-01-02T15:04:05Z07:00\\\"\": cannot parse"
                            ))
                        })?;
                        lock.generated = t;
                        lock.generated_offset = offset;
                    }
                    _ => return Err(DecodeError("Time.UnmarshalJSON: input is not a JSON string".to_owned())),
                },
                Some(1) => {
                    let f = Field { go_struct: "Lock", path: "digest" };
                    if let Some(s) = decode::string(v, f)? {
                        lock.digest = s;
                    }
                }
                Some(_) => {
                    lock.dependencies = decode_dependencies(v, "Lock", "dependencies", Strictness::Lenient)?;
                }
                None => {}
            }
        }
        Ok(lock)
    }

    /// The lock as helm's `json.Marshal`: `generated`, `digest`, `dependencies` (never omitted).
    pub fn to_json(&self) -> Json {
        Json::Object(vec![
            ("generated".to_owned(), Json::String(self.generated.to_rfc3339_nanos(self.generated_offset))),
            ("digest".to_owned(), Json::String(self.digest.clone())),
            (
                "dependencies".to_owned(),
                if self.dependencies.is_empty() { Json::Null } else { dependencies_json(&self.dependencies) },
            ),
        ])
    }

    /// The bytes helm writes for `Chart.lock` inside an archive.
    pub fn to_yaml(&self) -> Result<String, yaml::EmitError> {
        yaml::try_to_yaml_string(&self.to_json())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // helm-behaviour.md §6.1 example lock.
    #[test]
    fn round_trips_helms_lock() {
        let text = "dependencies:\n- name: mychart\n  repository: http://127.0.0.1:18080/\n  version: 0.1.0\ndigest: sha256:abc\ngenerated: \"2026-11-24T13:02:15.82018192Z\"\n";
        let lock = Lock::parse(text.as_bytes()).expect("parses");
        assert_eq!(lock.to_yaml().as_deref(), Ok(text));
    }
}
