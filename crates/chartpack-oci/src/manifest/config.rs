//! The config blob check of `helm pull`: Go's `json.Unmarshal` into helm's `*chart.Metadata`,
//! with its first type error reported in Go's words.

use chartpack_encoding::json::{self, Value};

use super::ManifestError;

/// A Go type in helm's `Metadata` as JSON decoding sees it.
#[derive(Clone, Copy)]
enum Ty {
    Str,
    Bool,
    StrList,
    StrMap,
    AnyList,
    /// `[]*v2.<name>` with these fields.
    Structs(&'static str, &'static [(&'static str, Ty)]),
}

impl Ty {
    fn go_name(self) -> String {
        match self {
            Ty::Str => "string".to_owned(),
            Ty::Bool => "bool".to_owned(),
            Ty::StrList => "[]string".to_owned(),
            Ty::StrMap => "map[string]string".to_owned(),
            Ty::AnyList => "[]interface {}".to_owned(),
            Ty::Structs(name, _) => format!("[]*v2.{name}"),
        }
    }
}

const MAINTAINER: &[(&str, Ty)] = &[("name", Ty::Str), ("email", Ty::Str), ("url", Ty::Str)];

const DEPENDENCY: &[(&str, Ty)] = &[
    ("name", Ty::Str),
    ("version", Ty::Str),
    ("repository", Ty::Str),
    ("condition", Ty::Str),
    ("tags", Ty::StrList),
    ("enabled", Ty::Bool),
    ("import-values", Ty::AnyList),
    ("alias", Ty::Str),
];

/// helm `pkg/chart/v2/metadata.go` `Metadata`, JSON names in field order.
const METADATA: &[(&str, Ty)] = &[
    ("name", Ty::Str),
    ("home", Ty::Str),
    ("sources", Ty::StrList),
    ("version", Ty::Str),
    ("description", Ty::Str),
    ("keywords", Ty::StrList),
    ("maintainers", Ty::Structs("Maintainer", MAINTAINER)),
    ("icon", Ty::Str),
    ("apiVersion", Ty::Str),
    ("condition", Ty::Str),
    ("tags", Ty::Str),
    ("appVersion", Ty::Str),
    ("deprecated", Ty::Bool),
    ("annotations", Ty::StrMap),
    ("kubeVersion", Ty::Str),
    ("dependencies", Ty::Structs("Dependency", DEPENDENCY)),
    ("type", Ty::Str),
];

/// Checks the config blob as helm's `json.Unmarshal(config, &meta)` does: JSON syntax (Go's
/// message), then the first value whose JSON kind does not fit its field, in document order
/// (`json: cannot unmarshal number into Go struct field Metadata.name of type string`).
pub fn check_config(bytes: &[u8]) -> Result<(), ManifestError> {
    let value = json::parse(bytes).map_err(|e| ManifestError::ConfigSyntax { message: e.to_string() })?;
    match &value {
        Value::Null => Ok(()),
        Value::Object(members) => check_struct("Metadata", "", members, METADATA),
        other => Err(ManifestError::ConfigType {
            message: format!("json: cannot unmarshal {} into Go value of type v2.Metadata", other.go_kind()),
        }),
    }
}

fn check_struct(
    struct_name: &str,
    path: &str,
    members: &[(String, Value)],
    fields: &[(&'static str, Ty)],
) -> Result<(), ManifestError> {
    for (key, value) in members {
        // Go matches an exact name first, then a case-insensitive one.
        let field = fields
            .iter()
            .find(|(name, _)| name == key)
            .or_else(|| fields.iter().find(|(name, _)| chartpack_encoding::json::field_name_matches(key, name)));
        if let Some((name, ty)) = field {
            let path = if path.is_empty() { (*name).to_owned() } else { format!("{path}.{name}") };
            check_value(struct_name, &path, value, *ty)?;
        }
    }
    Ok(())
}

fn check_value(struct_name: &str, path: &str, value: &Value, ty: Ty) -> Result<(), ManifestError> {
    let mismatch = |value: &Value, go_type: &str| {
        Err(ManifestError::ConfigType {
            message: format!(
                "json: cannot unmarshal {} into Go struct field {struct_name}.{path} of type {go_type}",
                value.go_kind()
            ),
        })
    };
    match (ty, value) {
        (_, Value::Null) | (Ty::Str, Value::String(_)) | (Ty::Bool, Value::Bool(_)) => Ok(()),
        (Ty::StrList, Value::Array(items)) => {
            items.iter().try_for_each(|item| check_value(struct_name, path, item, Ty::Str))
        }
        (Ty::StrMap, Value::Object(members)) => {
            members.iter().try_for_each(|(_, item)| check_value(struct_name, path, item, Ty::Str))
        }
        (Ty::AnyList, Value::Array(_)) => Ok(()),
        (Ty::Structs(name, fields), Value::Array(items)) => items.iter().try_for_each(|item| match item {
            Value::Null => Ok(()),
            Value::Object(members) => check_struct(name, path, members, fields),
            other => mismatch(other, &format!("v2.{name}")),
        }),
        (ty, other) => mismatch(other, &ty.go_name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_decode_as_helm_decodes_them() {
        // helm v4.1.4 `helm pull` of test artifacts whose config blob was each of these: the
        // error helm printed, or a successful pull.
        for (config, want) in [
            (&br#"{"name":"x","maintainers":[null,{"name":"a"}],"deprecated":true}"#[..], None),
            (b"null", None),
            (br#"{"keywords":null,"name":null,"unknown":[1]}"#, None),
            (b"[]", Some("json: cannot unmarshal array into Go value of type v2.Metadata")),
            (b"\"x\"", Some("json: cannot unmarshal string into Go value of type v2.Metadata")),
            (b"x", Some("invalid character 'x' looking for beginning of value")),
            (b"", Some("unexpected end of JSON input")),
            (br#"{"name":5}"#, Some("json: cannot unmarshal number into Go struct field Metadata.name of type string")),
            (br#"{"deprecated":"x"}"#, Some("json: cannot unmarshal string into Go struct field Metadata.deprecated of type bool")),
            (br#"{"sources":"x"}"#, Some("json: cannot unmarshal string into Go struct field Metadata.sources of type []string")),
            (br#"{"sources":[1]}"#, Some("json: cannot unmarshal number into Go struct field Metadata.sources of type string")),
            (br#"{"annotations":"x"}"#, Some("json: cannot unmarshal string into Go struct field Metadata.annotations of type map[string]string")),
            (br#"{"annotations":{"a":true}}"#, Some("json: cannot unmarshal bool into Go struct field Metadata.annotations of type string")),
            (br#"{"NAME":[1],"home":2}"#, Some("json: cannot unmarshal array into Go struct field Metadata.name of type string")),
            (br#"{"maintainers":[{"name":1}]}"#, Some("json: cannot unmarshal number into Go struct field Maintainer.maintainers.name of type string")),
            (br#"{"unknown":1,"version":{}}"#, Some("json: cannot unmarshal object into Go struct field Metadata.version of type string")),
            (br#"{"keywords":null,"name":null,"deprecated":1}"#, Some("json: cannot unmarshal number into Go struct field Metadata.deprecated of type bool")),
            (br#"{"maintainers":"x"}"#, Some("json: cannot unmarshal string into Go struct field Metadata.maintainers of type []*v2.Maintainer")),
            (br#"{"dependencies":[{"name":1}]}"#, Some("json: cannot unmarshal number into Go struct field Dependency.dependencies.name of type string")),
            (br#"{"maintainers":[1]}"#, Some("json: cannot unmarshal number into Go struct field Metadata.maintainers of type v2.Maintainer")),
            (br#"{"dependencies":[{"tags":"x"}]}"#, Some("json: cannot unmarshal string into Go struct field Dependency.dependencies.tags of type []string")),
            (br#"{"dependencies":[{"import-values":"x"}]}"#, Some("json: cannot unmarshal string into Go struct field Dependency.dependencies.import-values of type []interface {}")),
            (br#"{"name":true,"version":1}"#, Some("json: cannot unmarshal bool into Go struct field Metadata.name of type string")),
        ] {
            let got = check_config(config).err().map(|e| e.to_string());
            assert_eq!(got.as_deref(), want, "{}", String::from_utf8_lossy(config));
        }
    }
}
