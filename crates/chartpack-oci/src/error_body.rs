//! Registry error bodies (`{"errors":[{"code":..,"message":..,"detail":..}]}`, distribution
//! spec "Error Codes") turned into one line a person can act on.

use chartpack_encoding::json;

/// One entry of a registry's `errors` array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryErrorEntry {
    /// The code, e.g. `UNAUTHORIZED`, `MANIFEST_BLOB_UNKNOWN`.
    pub code: String,
    /// The registry's message.
    pub message: String,
}

/// The longest message kept from a registry (a hostile one could send megabytes).
const MAX_MESSAGE: usize = 300;

/// Parses an error body; empty when it is not the spec's JSON shape.
pub fn parse_error_body(body: &[u8]) -> Vec<RegistryErrorEntry> {
    let Ok(value) = json::parse(body) else { return Vec::new() };
    let Some(json::Value::Array(errors)) = value.get("errors") else { return Vec::new() };
    errors
        .iter()
        .take(8)
        .filter_map(|e| {
            let code = e.get("code").and_then(json::Value::as_str).unwrap_or("UNKNOWN");
            let message = e.get("message").and_then(json::Value::as_str).unwrap_or("");
            if code.is_empty() && message.is_empty() {
                return None;
            }
            Some(RegistryErrorEntry { code: printable(code), message: printable(message) })
        })
        .collect()
}

/// `code: message` lines joined with `; `, lowercase codes as oras prints them
/// (`unauthorized: authentication required`).
pub fn summarize(entries: &[RegistryErrorEntry]) -> String {
    entries
        .iter()
        .map(|e| {
            let code = e.code.to_ascii_lowercase().replace('_', " ");
            if e.message.is_empty() {
                code
            } else {
                format!("{code}: {}", e.message)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `text` without control characters (terminal escapes), cut to [`MAX_MESSAGE`] characters.
pub fn printable(text: &str) -> String {
    let mut out: String = text.chars().filter(|c| !c.is_control()).take(MAX_MESSAGE).collect();
    if text.chars().filter(|c| !c.is_control()).nth(MAX_MESSAGE).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distribution_error_bodies_become_one_line() {
        // Body of distribution 2.8.2's 401 on GET /v2/ with htpasswd auth.
        let body = br#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}"#;
        assert_eq!(summarize(&parse_error_body(body)), "unauthorized: authentication required");
        let body = br#"{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry","detail":"sha256:ab"},{"code":"DENIED","message":""}]}"#;
        assert_eq!(summarize(&parse_error_body(body)), "manifest blob unknown: blob unknown to registry; denied");
    }

    #[test]
    fn odd_bodies_are_ignored_or_cleaned() {
        assert!(parse_error_body(b"<html>502</html>").is_empty());
        assert!(parse_error_body(br#"{"errors":"x"}"#).is_empty());
        let body = format!(r#"{{"errors":[{{"code":"DENIED","message":"a\u001b[31mb{}"}}]}}"#, "x".repeat(1000));
        let got = summarize(&parse_error_body(body.as_bytes()));
        assert!(got.starts_with("denied: a[31mbxxx") && got.ends_with('…'), "{got}");
        assert!(got.chars().count() < 320);
    }
}
