//! Go `encoding/json` decoding semantics over YAML values, as helm gets them through
//! sigs.k8s.io/yaml: case-insensitive field names, last duplicate wins, scalars turned into
//! strings for string fields, and Go's error texts.

use chartpack_encoding::yaml::Value;

/// A Go `json.Unmarshal` error, already in Go's wording (without sigs.k8s.io/yaml's prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a value is being decoded: the Go struct type and the dotted JSON field path.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field<'a> {
    pub(crate) go_struct: &'a str,
    pub(crate) path: &'a str,
}

/// The JSON kind Go names in `cannot unmarshal <kind> into ...`.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Uint(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
    }
}

pub(crate) fn type_error(value: &Value, field: Field<'_>, go_type: &str) -> DecodeError {
    DecodeError(format!(
        "json: cannot unmarshal {} into Go struct field {}.{} of type {}",
        json_kind(value),
        field.go_struct,
        field.path,
        go_type
    ))
}

/// The string key sigs.k8s.io/yaml gives a mapping key.
fn key_string(key: &Value) -> Option<String> {
    match key {
        Value::Float(f) => Some(chartpack_encoding::gofmt::format_float(*f, 64)),
        Value::Null => Some("null".to_owned()),
        other => other.to_go_string(),
    }
}

/// The members of a mapping as Go's JSON decoder sees them: string keys, duplicates resolved
/// last-wins, in sorted key order (sigs.k8s.io/yaml goes through a Go map, which json.Marshal sorts).
pub(crate) fn members(pairs: &[(Value, Value)]) -> Vec<(String, &Value)> {
    let mut out: Vec<(String, &Value)> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        let Some(key) = key_string(k) else { continue };
        if let Some(slot) = out.iter_mut().find(|(existing, _)| *existing == key) {
            slot.1 = v;
        } else {
            out.push((key, v));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Finds which of `names` a JSON key selects: exact match first, then Go's case folding.
pub(crate) fn field_index(names: &[&str], key: &str) -> Option<usize> {
    names.iter().position(|n| *n == key).or_else(|| names.iter().position(|n| fold_equal(n, key)))
}

/// Go's `encoding/json` name folding: ASCII case-insensitive, plus `K` ~ U+212A and `S` ~ U+017F.
fn fold_equal(a: &str, b: &str) -> bool {
    let fold = |c: char| match c {
        '\u{212A}' => 'k',
        '\u{017F}' => 's',
        c => c.to_ascii_lowercase(),
    };
    a.chars().map(fold).eq(b.chars().map(fold))
}

/// Decodes a Go string field. `Ok(None)` means JSON null: Go leaves the field unchanged.
pub(crate) fn string(value: &Value, field: Field<'_>) -> Result<Option<String>, DecodeError> {
    match value {
        Value::Null => Ok(None),
        Value::Seq(_) | Value::Map(_) => Err(type_error(value, field, "string")),
        scalar => Ok(scalar.to_go_string()),
    }
}

/// Decodes a Go bool field.
pub(crate) fn boolean(value: &Value, field: Field<'_>) -> Result<Option<bool>, DecodeError> {
    match value {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        other => Err(type_error(other, field, "bool")),
    }
}

/// Decodes a Go `[]string` field. `Ok(None)` is JSON null (Go sets the slice to nil).
pub(crate) fn string_list(value: &Value, field: Field<'_>) -> Result<Option<Vec<String>>, DecodeError> {
    match value {
        Value::Null => Ok(None),
        Value::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(string(item, field)?.unwrap_or_default());
            }
            Ok(Some(out))
        }
        other => Err(type_error(other, field, "[]string")),
    }
}

/// Decodes a Go `map[string]string` field.
pub(crate) fn string_map(value: &Value, field: Field<'_>) -> Result<Option<Vec<(String, String)>>, DecodeError> {
    match value {
        Value::Null => Ok(None),
        Value::Map(pairs) => {
            let mut out = Vec::new();
            for (k, v) in members(pairs) {
                out.push((k, string(v, field)?.unwrap_or_default()));
            }
            Ok(Some(out))
        }
        other => Err(type_error(other, field, "map[string]string")),
    }
}

/// Decodes the members of a mapping into a Go struct with the given JSON field names:
/// `set(index, value)` for each known field; an unknown key is skipped, or with `strict` is
/// Go's `json: unknown field "x"` error.
pub(crate) fn struct_fields(
    pairs: &[(Value, Value)],
    names: &[&str],
    strict: bool,
    mut set: impl FnMut(usize, &Value) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    for (key, v) in members(pairs) {
        match field_index(names, &key) {
            Some(index) => set(index, v)?,
            None if strict => return Err(DecodeError(format!("json: unknown field \"{key}\""))),
            None => {}
        }
    }
    Ok(())
}

/// Decodes a Go `[]*T` field: JSON null is an empty list, null items stay `None` (helm reports
/// them), each mapping item is decoded by `item`.
pub(crate) fn pointer_list<T>(
    value: &Value,
    field: Field<'_>,
    go_item: &str,
    mut item: impl FnMut(&[(Value, Value)]) -> Result<T, DecodeError>,
) -> Result<Vec<Option<T>>, DecodeError> {
    let items = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Seq(items) => items,
        other => return Err(type_error(other, field, &format!("[]*{go_item}"))),
    };
    items
        .iter()
        .map(|v| match v {
            Value::Null => Ok(None),
            Value::Map(pairs) => item(pairs).map(Some),
            other => Err(type_error(other, field, go_item)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_folds_names_case_insensitively() {
        let names = ["name", "apiVersion"];
        assert_eq!(field_index(&names, "Name"), Some(0));
        assert_eq!(field_index(&names, "APIVERSION"), Some(1));
        assert_eq!(field_index(&names, "api_version"), None);
    }

    #[test]
    fn duplicate_keys_last_wins_and_sorted() {
        let pairs = vec![
            (Value::String("b".into()), Value::Int(1)),
            (Value::String("a".into()), Value::Int(2)),
            (Value::String("b".into()), Value::Int(3)),
        ];
        let got = members(&pairs);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, "a");
        assert_eq!(got[1], ("b".to_owned(), &Value::Int(3)));
    }
}
