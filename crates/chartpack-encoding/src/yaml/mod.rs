//! YAML as helm reads and writes it: yaml.v2 (YAML 1.1) decoding, sigs.k8s.io/yaml's
//! YAML→JSON conversion, and yaml.v2's emitter output.

mod convert;
mod decode;
mod encode;
mod resolve;

#[cfg(test)]
mod tests;

pub use convert::{to_json, ConversionError};
pub use decode::{MAX_ALIAS_BYTES, MAX_DEPTH};
pub use encode::{to_yaml_string, try_to_yaml_string, EmitError};

/// A YAML node resolved with yaml.v2 (YAML 1.1) rules, as `yaml.Unmarshal` into `interface{}`
/// produces it.
///
/// `Map` keeps document order, with `<<` merge entries spliced in where the merge key stood;
/// duplicate keys are all kept, and the last one wins (as yaml.v2's Go map assignment does).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null`, `Null`, `NULL` or empty.
    Null,
    /// YAML 1.1 booleans (`y`, `yes`, `on`, `true`, …).
    Bool(bool),
    /// Integers that fit an `int64` (decimal, `0x`, `0o`, `0b`, leading-`0` octal).
    Int(i64),
    /// Integers above `i64::MAX` that fit a `uint64`.
    Uint(u64),
    /// Floats, including `.inf`, `-.inf` and `.nan`.
    Float(f64),
    /// Strings, including quoted scalars, timestamps and unknown tags.
    String(String),
    /// A sequence.
    Seq(Vec<Value>),
    /// A mapping in document order.
    Map(Vec<(Value, Value)>),
}

/// A yaml.v2 error; `Display` is exactly yaml.v2's text, e.g.
/// `yaml: line 6: did not find expected '-' indicator`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("yaml: {}{problem}", line_prefix(*.line))]
pub struct YamlError {
    line: Option<u64>,
    problem: String,
}

fn line_prefix(line: Option<u64>) -> String {
    line.map(|l| format!("line {l}: ")).unwrap_or_default()
}

impl YamlError {
    /// An error raised while decoding (yaml.v2 `failf`), which carries no line.
    fn decode(problem: String) -> Self {
        YamlError { line: None, problem }
    }

    /// The line number yaml.v2 prints, if any (its quirks included: scanner errors count from
    /// one, parser errors from zero, and line "0" is never printed).
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// The problem text without the `yaml: line N: ` prefix.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

/// Decodes the first document of `text` as yaml.v2 `Unmarshal` does; later documents are not
/// even parsed. Empty input (or only comments) gives [`Value::Null`].
pub fn parse(text: &str) -> Result<Value, YamlError> {
    parse_bytes(text.as_bytes())
}

/// [`parse`] over raw bytes: invalid UTF-8 gets libyaml's reader errors, a UTF-16 BOM switches
/// encoding, as in yaml.v2.
pub fn parse_bytes(bytes: &[u8]) -> Result<Value, YamlError> {
    Ok(decode::documents(bytes, false, false)?.pop().unwrap_or(Value::Null))
}

/// [`parse_bytes`] as yaml.v2's `UnmarshalStrict` into `interface{}` (what sigs.k8s.io/yaml's
/// `UnmarshalStrict` starts with): a key repeated within one mapping is an error,
/// `yaml: unmarshal errors:\n  line N: key "k" already set in map`, one line per repeat.
pub fn parse_bytes_strict(bytes: &[u8]) -> Result<Value, YamlError> {
    Ok(decode::documents(bytes, false, true)?.pop().unwrap_or(Value::Null))
}

/// Decodes every document of a multi-document stream (yaml.v2 `Decoder`); empty input gives
/// no documents.
pub fn parse_all(text: &str) -> Result<Vec<Value>, YamlError> {
    decode::documents(text.as_bytes(), true, false)
}

impl Value {
    /// The string helm gets when this scalar is decoded into a Go `string` field through
    /// sigs.k8s.io/yaml: `Null` → `""`, booleans → `true`/`false`, integers in decimal, floats
    /// as `strconv.FormatFloat(f, 'g', -1, 32)`; `None` for sequences and mappings.
    pub fn to_go_string(&self) -> Option<String> {
        Some(match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Uint(u) => u.to_string(),
            Value::Float(f) => crate::gofmt::format_float(*f, 32),
            Value::String(s) => s.clone(),
            Value::Seq(_) | Value::Map(_) => return None,
        })
    }

    /// The value of the last entry whose key is the string `key` (yaml.v2's last-wins rule);
    /// `None` when absent or when `self` is not a mapping.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => {
                entries.iter().rev().find(|(k, _)| matches!(k, Value::String(s) if s == key)).map(|(_, v)| v)
            }
            _ => None,
        }
    }

    /// The string inside a [`Value::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Roughly Go's `%#v` of the decoded value, used in yaml.v2 and sigs.k8s.io/yaml errors
    /// (`[]interface {}{"a", 1}`); map entries keep document order where Go sorts them.
    pub(crate) fn go_syntax(&self) -> String {
        fn item(v: &Value) -> String {
            match v {
                Value::Null => "interface {}(nil)".to_owned(),
                other => other.go_syntax(),
            }
        }
        match self {
            Value::Null => "<nil>".to_owned(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Uint(u) => format!("0x{u:x}"),
            Value::Float(f) => crate::gofmt::format_float(*f, 64),
            Value::String(s) => go_quote(s),
            Value::Seq(items) => {
                let inner: Vec<String> = items.iter().map(item).collect();
                format!("[]interface {{}}{{{}}}", inner.join(", "))
            }
            Value::Map(entries) => {
                let inner: Vec<String> = entries.iter().map(|(k, v)| format!("{}:{}", item(k), item(v))).collect();
                format!("map[interface {{}}]interface {{}}{{{}}}", inner.join(", "))
            }
        }
    }
}

/// Go's `strconv.Quote`.
pub(crate) fn go_quote(s: &str) -> String {
    crate::gofmt::quote(s)
}

/// [`go_lossy`] without a copy when the bytes are valid UTF-8.
pub(crate) fn go_lossy_owned(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| go_lossy(e.as_bytes()))
}

/// Bytes → `String` the way Go code later sees them: each byte of an invalid UTF-8 sequence
/// becomes one U+FFFD (Go's `utf8.DecodeRune` advances one byte on error; Rust's lossy
/// conversion would merge them).
pub(crate) fn go_lossy(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len() + 8);
            let mut rest = bytes;
            while !rest.is_empty() {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        break;
                    }
                    Err(e) => {
                        let (valid, after) = rest.split_at(e.valid_up_to());
                        out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                        out.push('\u{FFFD}');
                        rest = after.get(1..).unwrap_or_default();
                    }
                }
            }
            out
        }
    }
}
