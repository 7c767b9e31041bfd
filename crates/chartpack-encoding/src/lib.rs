//! chartpack-encoding: byte-compatible encoders and decoders for helm's formats.
//!
//! * [`yaml`]: YAML 1.1 as helm reads it (yaml.v2 through sigs.k8s.io/yaml) and writes it
//!   (yaml.v2's emitter), built on libyaml (`libyaml-rs`), of which yaml.v2 is a Go port.
//! * [`json`]: Go `encoding/json` output (HTML-safe escaping, `MarshalIndent`) and a strict parser.
//! * [`gofmt`]: Go `strconv` float formatting.
//! * [`gourl`]: Go `net/url` parsing, printing and escaping.
//!
//! Pure: no I/O, clock or environment; builds for `wasm32-unknown-unknown`. Every parser bounds
//! nesting depth and alias expansion and never panics on input.

mod ffi;
pub mod gofmt;
pub mod gourl;
pub mod json;
mod unicode_tables;
pub mod yaml;

/// Entry points for fuzzers: run every decoder and encoder on arbitrary bytes.
pub mod fuzz {
    /// Parses `data` as YAML (first document, strictly, and all documents), converts to JSON
    /// and back to YAML; must never panic.
    pub fn yaml(data: &[u8]) {
        if let Ok(value) = crate::yaml::parse_bytes(data) {
            if let Ok(json) = crate::yaml::to_json(&value) {
                let _ = crate::yaml::to_yaml_string(&json);
                let _ = crate::json::to_vec(&json);
            }
            let _ = value.to_go_string();
        }
        let _ = crate::yaml::parse_bytes_strict(data);
        if let Ok(text) = std::str::from_utf8(data) {
            let _ = crate::yaml::parse_all(text);
        }
    }

    /// Parses `data` as JSON and re-encodes it both ways; must never panic.
    pub fn json(data: &[u8]) {
        if let Ok(value) = crate::json::parse(data) {
            let _ = crate::json::to_vec(&value);
            let _ = crate::json::to_vec_pretty(&value);
            let _ = crate::yaml::to_yaml_string(&value);
        }
    }
}
