//! sigs.k8s.io/yaml's `YAMLToJSON` for untyped documents (`convertToJSONableObject` followed by
//! `json.Marshal`), on an already decoded [`Value`].

use super::decode::MAX_DEPTH;
use super::Value;
use crate::gofmt;
use crate::json::{self, Number};

/// Why a decoded YAML document has no JSON form. `Display` is the Go error text; helm prefixes
/// it with `error converting YAML to JSON: `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConversionError {
    /// `json.Marshal` met a NaN or infinite float (`+Inf`, `-Inf`, `NaN`).
    #[error("json: unsupported value: {0}")]
    UnsupportedValue(String),
    /// A map key with no JSON form (null, a `uint64`, a collection); texts follow Go's
    /// `%s`/`%+#v` rendering.
    #[error("unsupported map key of type: {type_name}, key: {key}, value: {value}")]
    UnsupportedKey {
        /// Go type name of the key (`%!s(<nil>)` for null, as Go prints a nil type).
        type_name: String,
        /// Go-syntax rendering of the key.
        key: String,
        /// Go-syntax rendering of the value.
        value: String,
    },
    /// Nesting beyond [`MAX_DEPTH`] (chartpack's own limit).
    #[error("exceeded max depth of {0}")]
    TooDeep(usize),
}

fn key_string(key: &Value, value: &Value) -> Result<String, ConversionError> {
    let unsupported = |type_name: &str| ConversionError::UnsupportedKey {
        type_name: type_name.to_owned(),
        key: key.go_syntax(),
        value: value.go_syntax(),
    };
    Ok(match key {
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        // sigs.k8s.io/yaml borrows yaml.v2's float spelling, at 32-bit precision.
        Value::Float(f) => match gofmt::format_float(*f, 32).as_str() {
            "+Inf" => ".inf".to_owned(),
            "-Inf" => "-.inf".to_owned(),
            "NaN" => ".nan".to_owned(),
            other => other.to_owned(),
        },
        Value::Bool(b) => b.to_string(),
        Value::Null => return Err(unsupported("%!s(<nil>)")),
        Value::Uint(_) => return Err(unsupported("uint64")),
        Value::Seq(_) => return Err(unsupported("[]interface {}")),
        Value::Map(_) => return Err(unsupported("map[interface {}]interface {}")),
    })
}

/// Pass 1, `convertToJSONableObject`: every key must have a string form.
fn check_keys(value: &Value, depth: usize) -> Result<(), ConversionError> {
    if depth > MAX_DEPTH {
        return Err(ConversionError::TooDeep(MAX_DEPTH));
    }
    match value {
        Value::Seq(items) => items.iter().try_for_each(|v| check_keys(v, depth + 1)),
        Value::Map(entries) => entries.iter().try_for_each(|(k, v)| {
            key_string(k, v)?;
            check_keys(v, depth + 1)
        }),
        _ => Ok(()),
    }
}

/// Pass 2, `json.Marshal`: keys sorted bytewise, the first non-finite float in that order fails.
fn build(value: &Value) -> Result<json::Value, ConversionError> {
    Ok(match value {
        Value::Null => json::Value::Null,
        Value::Bool(b) => json::Value::Bool(*b),
        Value::Int(i) => json::Value::Number(Number::from_i64(*i)),
        Value::Uint(u) => json::Value::Number(Number::from_u64(*u)),
        Value::Float(f) => match Number::from_f64(*f) {
            Some(n) => json::Value::Number(n),
            None => return Err(ConversionError::UnsupportedValue(gofmt::format_float(*f, 64))),
        },
        Value::String(s) => json::Value::String(s.clone()),
        Value::Seq(items) => json::Value::Array(items.iter().map(build).collect::<Result<_, _>>()?),
        Value::Map(entries) => {
            // Equal keys: the last assignment wins (yaml.v2's Go map). Keys that only
            // stringify alike ("1" and 1) collide too; Go keeps whichever its map iteration
            // visits last, chartpack the later one in the document.
            let mut members = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                members.push((key_string(k, v)?, v));
            }
            members.reverse();
            members.sort_by(|a, b| a.0.cmp(&b.0)); // stable: the last one now leads its run
            members.dedup_by(|later, first| later.0 == first.0);
            let mut out = Vec::with_capacity(members.len());
            for (k, v) in members {
                out.push((k, build(v)?));
            }
            json::Value::Object(out)
        }
    })
}

/// sigs.k8s.io/yaml `YAMLToJSON` of an untyped document (what helm does to values files):
/// map keys become strings (`1` → `"1"`, `1.5` → `"1.5"`, `.inf` → `".inf"`, `true` → `"true"`;
/// floats at float32 precision), objects come out
/// with keys sorted as `json.Marshal` sorts Go maps, and NaN/±Inf fail like Go
/// (`json: unsupported value: +Inf`).
pub fn to_json(value: &Value) -> Result<json::Value, ConversionError> {
    check_keys(value, 0)?;
    build(value)
}
