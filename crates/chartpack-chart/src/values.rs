//! `values.yaml` checks as helm does them: multi-document load (`LoadValues`) and the
//! single-document read used by `helm lint` (`ReadValues`).

use chartpack_encoding::json::Value as Json;
use chartpack_encoding::yaml::{self, Value};

use crate::decode::json_kind;

/// Checks `values.yaml` as helm's loader does: split into YAML documents on `---` lines
/// (k8s YAMLReader), each must be a mapping or empty. Errors carry helm's wording without
/// the `cannot load values.yaml: ` prefix.
pub fn check_values_documents(text: &[u8]) -> Result<(), String> {
    for document in split_documents(text) {
        check_map_document(document, "map[string]interface {}")
            .map_err(|e| format!("cannot unmarshal yaml document: {e}"))?;
    }
    Ok(())
}

/// The values helm's loader computes from `values.yaml` (`LoadValues`): every document parsed
/// and merged into one JSON object (later documents win, nested mappings merge).
pub fn load_values(text: &[u8]) -> Result<Json, String> {
    let mut merged: Vec<(String, Json)> = Vec::new();
    for document in split_documents(text) {
        check_map_document(document, "map[string]interface {}")
            .map_err(|e| format!("cannot unmarshal yaml document: {e}"))?;
        if let Ok(Json::Object(members)) =
            yaml::parse_bytes(document).map(|v| yaml::to_json(&v)).unwrap_or(Ok(Json::Null))
        {
            merge_maps(&mut merged, members);
        }
    }
    Ok(Json::Object(merged))
}

/// helm's `MergeMaps`: `b` over `a`, recursing where both sides hold mappings.
fn merge_maps(a: &mut Vec<(String, Json)>, b: Vec<(String, Json)>) {
    for (key, value) in b {
        match (a.iter_mut().find(|(k, _)| *k == key), value) {
            (Some((_, Json::Object(existing))), Json::Object(incoming)) => merge_maps(existing, incoming),
            (Some(slot), value) => slot.1 = value,
            (None, value) => a.push((key, value)),
        }
    }
}

/// `helm lint`'s parse of `values.yaml` (one document into `common.Values`).
pub fn check_values_for_lint(text: &[u8]) -> Result<(), String> {
    check_map_document(text, "common.Values")
}

fn check_map_document(text: &[u8], go_type: &str) -> Result<(), String> {
    let value = yaml::parse_bytes(text).map_err(|e| format!("error converting YAML to JSON: {e}"))?;
    yaml::to_json(&value).map_err(|e| format!("error converting YAML to JSON: {e}"))?;
    match value {
        Value::Null | Value::Map(_) => Ok(()),
        other => Err(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type {go_type}",
            json_kind(&other)
        )),
    }
}

/// Splits a stream like k8s.io/apimachinery's YAMLReader: a line starting with `---`
/// followed only by spaces or a `#` comment separates documents.
fn split_documents(text: &[u8]) -> Vec<&[u8]> {
    let mut documents = Vec::new();
    let mut start = 0;
    let mut line_start = 0;
    while line_start < text.len() {
        let line_end = text[line_start..].iter().position(|b| *b == b'\n').map_or(text.len(), |i| line_start + i + 1);
        if let Some(rest) = text[line_start..line_end].strip_prefix(b"---") {
            let rest = rest.trim_ascii();
            if rest.is_empty() || rest.starts_with(b"#") {
                documents.push(&text[start..line_start]);
                start = line_end;
            }
        }
        line_start = line_end;
    }
    documents.push(&text[start..]);
    documents.retain(|d| !d.trim_ascii().is_empty());
    documents
}

#[cfg(test)]
mod tests {
    use super::*;

    // helm__badvaluesfile in the corpus: helm v4.1.4 says exactly this.
    #[test]
    fn scalar_values_file_is_refused_like_helm() {
        assert_eq!(
            check_values_documents("just a string\n".as_bytes()),
            Err("cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}".to_owned())
        );
        assert_eq!(
            check_values_for_lint("just a string\n".as_bytes()),
            Err("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type common.Values".to_owned())
        );
    }

    #[test]
    fn documents_merge_like_helms_load_values() {
        let merged = load_values(b"a: {p: 1, q: 2}\nb: 1\n---\na: {q: 3}\nc: null\n").expect("loads");
        assert_eq!(chartpack_encoding::json::to_vec(&merged), br#"{"a":{"p":1,"q":3},"b":1,"c":null}"#.to_vec());
    }

    #[test]
    fn documents_split_on_separator_lines() {
        let docs: Vec<&[u8]> = vec![b"a: 1\n", b"b: 2\n", b"c: 3\n---x: 1\n"];
        assert_eq!(split_documents(b"a: 1\n---\nb: 2\n--- # c\nc: 3\n---x: 1\n"), docs);
        assert!(check_values_documents("a: 1\n---\n- x\n".as_bytes()).is_err());
        assert!(check_values_documents("".as_bytes()).is_ok());
        assert!(check_values_documents("# only a comment\n".as_bytes()).is_ok());
    }
}
