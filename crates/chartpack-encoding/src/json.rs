//! Go `encoding/json`, byte for byte: compact and indented marshalling with Go's HTML-safe
//! escaping, and a strict parser whose errors read like Go's `SyntaxError`s.

use std::fmt;

use crate::gofmt;

/// Deepest array/object nesting [`parse`] accepts (Go allows 10 000; chartpack stops earlier
/// so that recursive consumers stay far from the stack limit).
pub const MAX_DEPTH: usize = 512;

/// A JSON number kept in its textual form: what Go's `json.Marshal` printed for an integer or
/// float, or the literal text read by [`parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number(String);

impl Number {
    /// An `int64` as Go prints it.
    pub fn from_i64(value: i64) -> Self {
        Number(value.to_string())
    }

    /// A `uint64` as Go prints it.
    pub fn from_u64(value: u64) -> Self {
        Number(value.to_string())
    }

    /// A `float64` as Go's `json.Marshal` prints it (`1`, `0.5`, `1e+21`, `1e-7`); `None` for
    /// NaN and infinities, which Go rejects with `json: unsupported value`.
    pub fn from_f64(value: f64) -> Option<Self> {
        gofmt::json_float(value).map(Number)
    }

    /// The number's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as Go's `json.Unmarshal` into `float64` reads it; `None` when out of range.
    pub fn as_f64(&self) -> Option<f64> {
        self.0.parse::<f64>().ok().filter(|f| f.is_finite())
    }

    /// The value as an `int64`, when the text is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }

    /// The value as a `uint64`, when the text is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A JSON value. `Object` members keep the order given: struct field order for Go structs,
/// sorted keys for Go maps (the caller decides), document order from [`parse`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number in Go's textual form.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object; duplicate keys are kept, the last one wins on lookup (as in Go).
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The last member named exactly `key`, when `self` is an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The last member whose key matches `name` the way `json.Unmarshal` matches struct field
    /// names (exact or case-insensitive; Go applies every matching member in order, so the last
    /// one wins).
    pub fn get_folded(&self, name: &str) -> Option<&Value> {
        let Value::Object(members) = self else { return None };
        if name.is_ascii() {
            return members.iter().rev().find(|(k, _)| folds_to_ascii(k, name)).map(|(_, v)| v);
        }
        let want = fold_name(name);
        members.iter().rev().find(|(k, _)| fold_name(k) == want).map(|(_, v)| v)
    }

    /// [`Value::get_folded`] for an ASCII `name` (a Go struct field name), without the Unicode
    /// case tables (about 10 KB gzipped in wasm) that only a non-ASCII name needs.
    pub fn get_folded_ascii(&self, name: &str) -> Option<&Value> {
        debug_assert!(name.is_ascii(), "get_folded_ascii({name:?})");
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| folds_to_ascii(k, name)).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Go's name for the value's kind in `json: cannot unmarshal <kind> into …`.
    pub fn go_kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// The string inside a [`Value::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Go's `foldName`: ASCII upper-cased, other runes `ToUpper(ToLower(r))` (simple mappings).
fn fold_name(s: &str) -> String {
    fn simple(mut it: impl Iterator<Item = char>, c: char) -> char {
        match (it.next(), it.next()) {
            (Some(m), None) => m,
            _ => c,
        }
    }
    s.chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_ascii_uppercase()
            } else {
                let lower = simple(c.to_lowercase(), c);
                simple(lower.to_uppercase(), lower)
            }
        })
        .collect()
}

/// Whether the object key `key` selects the Go struct field named `name` (ASCII) by
/// `json.Unmarshal`'s case-insensitive match: `fold_name(key) == fold_name(name)`. The only
/// non-ASCII runes that fold to ASCII are U+0131 (to `I`), U+017F (to `S`) and U+212A (to `K`); a
/// test checks every rune.
pub fn field_name_matches(key: &str, name: &str) -> bool {
    folds_to_ascii(key, name)
}

fn folds_to_ascii(key: &str, name: &str) -> bool {
    let mut want = name.bytes();
    key.chars().all(|c| {
        let folded = match c {
            '\u{131}' => b'I',
            '\u{17F}' => b'S',
            '\u{212A}' => b'K',
            c if c.is_ascii() => (c as u8).to_ascii_uppercase(),
            _ => return false,
        };
        want.next().is_some_and(|w| w.to_ascii_uppercase() == folded)
    }) && want.next().is_none()
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Go's `appendString` with `escapeHTML`: `<`, `>`, `&`, U+2028, U+2029 and control bytes as
/// `\u00XX` (`\b \f \n \r \t` short forms), `"` and `\` backslashed; everything else raw.
fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let escape: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0x08 => Some(b"\\b"),
            0x0c => Some(b"\\f"),
            _ => None,
        };
        let width = if b < 0x80 { 1 } else { utf8_width(b) };
        if let Some(esc) = escape {
            out.extend_from_slice(&bytes[start..i]);
            out.extend_from_slice(esc);
        } else if b < 0x20 || b == b'<' || b == b'>' || b == b'&' {
            out.extend_from_slice(&bytes[start..i]);
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
        } else if b == 0xE2 && bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) {
            out.extend_from_slice(&bytes[start..i]);
            out.extend_from_slice(b"\\u202");
            out.push(HEX[usize::from(bytes[i + 2] & 0xf)]);
        } else {
            i += width;
            continue;
        }
        i += width;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

fn utf8_width(lead: u8) -> usize {
    match lead {
        0xF0..=0xF7 => 4,
        0xE0..=0xEF => 3,
        _ => 2,
    }
}

fn write_compact(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => out.extend_from_slice(n.0.as_bytes()),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_compact(out, item);
            }
            out.push(b']');
        }
        Value::Object(members) => {
            out.push(b'{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(out, k);
                out.push(b':');
                write_compact(out, item);
            }
            out.push(b'}');
        }
    }
}

fn newline(out: &mut Vec<u8>, depth: usize) {
    out.push(b'\n');
    for _ in 0..depth {
        out.extend_from_slice(b"  ");
    }
}

fn write_pretty(out: &mut Vec<u8>, v: &Value, depth: usize) {
    match v {
        Value::Array(items) if !items.is_empty() => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(out, depth + 1);
                write_pretty(out, item, depth + 1);
            }
            newline(out, depth);
            out.push(b']');
        }
        Value::Object(members) if !members.is_empty() => {
            out.push(b'{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(out, depth + 1);
                write_string(out, k);
                out.extend_from_slice(b": ");
                write_pretty(out, item, depth + 1);
            }
            newline(out, depth);
            out.push(b'}');
        }
        other => write_compact(out, other),
    }
}

/// Go's `json.Marshal`: compact, HTML-escaped, members in the given order, no newline.
pub fn to_vec(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_compact(&mut out, value);
    out
}

/// Go's `json.MarshalIndent(v, "", "  ")`: empty arrays/objects stay `[]`/`{}`, no final newline.
pub fn to_vec_pretty(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_pretty(&mut out, value, 0);
    out
}

/// A JSON syntax error; `Display` is Go's `SyntaxError` text (e.g. `invalid character 'x'
/// looking for beginning of value`, `unexpected end of JSON input`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JsonError {
    message: String,
    offset: u64,
}

impl JsonError {
    /// Go's `SyntaxError.Offset`: bytes read when the error was detected (the offending byte
    /// included; the input length for an unexpected end).
    pub fn offset(&self) -> u64 {
        self.offset
    }
}

/// Go's `quoteChar`.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_owned(),
        b'"' => "'\"'".to_owned(),
        _ => {
            let q = crate::yaml::go_quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    ObjectKey,
    ObjectValue,
    Array,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    Literal(&'static [u8], u8, &'static str),
}

/// Go's scanner (`encoding/json/scanner.go`) as a validator: the first error with its offset.
struct Scanner {
    stack: Vec<Container>,
    state: State,
}

impl Scanner {
    fn error(c: u8, context: &str, offset: u64) -> JsonError {
        JsonError { message: format!("invalid character {} {context}", quote_char(c)), offset }
    }

    fn push(&mut self, c: u8, container: Container, offset: u64) -> Result<(), JsonError> {
        self.stack.push(container);
        if self.stack.len() > MAX_DEPTH {
            return Err(Self::error(c, "exceeded max depth", offset));
        }
        Ok(())
    }

    fn step(&mut self, c: u8, offset: u64) -> Result<(), JsonError> {
        let space = matches!(c, b' ' | b'\t' | b'\n' | b'\r');
        match self.state {
            State::BeginValueOrEmpty if c == b']' && !space => {
                self.stack.pop();
                self.end_value_after_pop();
                Ok(())
            }
            State::BeginValue | State::BeginValueOrEmpty => {
                if space {
                    return Ok(());
                }
                self.state = match c {
                    b'{' => {
                        self.push(c, Container::ObjectKey, offset)?;
                        State::BeginStringOrEmpty
                    }
                    b'[' => {
                        self.push(c, Container::Array, offset)?;
                        State::BeginValueOrEmpty
                    }
                    b'"' => State::InString,
                    b'-' => State::Neg,
                    b'0' => State::Zero,
                    b'1'..=b'9' => State::One,
                    b't' => State::Literal(b"rue", 0, "in literal true (expecting "),
                    b'f' => State::Literal(b"alse", 0, "in literal false (expecting "),
                    b'n' => State::Literal(b"ull", 0, "in literal null (expecting "),
                    _ => return Err(Self::error(c, "looking for beginning of value", offset)),
                };
                Ok(())
            }
            State::BeginStringOrEmpty if c == b'}' => {
                self.stack.pop();
                self.end_value_after_pop();
                Ok(())
            }
            State::BeginStringOrEmpty | State::BeginString => {
                if space {
                    return Ok(());
                }
                if c == b'"' {
                    self.state = State::InString;
                    return Ok(());
                }
                Err(Self::error(c, "looking for beginning of object key string", offset))
            }
            State::EndValue => self.end_value(c, offset),
            State::EndTop => {
                if space {
                    Ok(())
                } else {
                    Err(Self::error(c, "after top-level value", offset))
                }
            }
            State::InString => {
                match c {
                    b'"' => self.state = State::EndValue,
                    b'\\' => self.state = State::InStringEsc,
                    0..=0x1f => return Err(Self::error(c, "in string literal", offset)),
                    _ => {}
                }
                Ok(())
            }
            State::InStringEsc => {
                self.state = match c {
                    b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => State::InString,
                    b'u' => State::InStringEscU(0),
                    _ => return Err(Self::error(c, "in string escape code", offset)),
                };
                Ok(())
            }
            State::InStringEscU(n) => {
                if !c.is_ascii_hexdigit() {
                    return Err(Self::error(c, "in \\u hexadecimal character escape", offset));
                }
                self.state = if n == 3 { State::InString } else { State::InStringEscU(n + 1) };
                Ok(())
            }
            State::Neg => {
                self.state = match c {
                    b'0' => State::Zero,
                    b'1'..=b'9' => State::One,
                    _ => return Err(Self::error(c, "in numeric literal", offset)),
                };
                Ok(())
            }
            State::One if c.is_ascii_digit() => Ok(()),
            State::One | State::Zero => match c {
                b'.' => {
                    self.state = State::Dot;
                    Ok(())
                }
                b'e' | b'E' => {
                    self.state = State::E;
                    Ok(())
                }
                _ => self.end_value(c, offset),
            },
            State::Dot => {
                if c.is_ascii_digit() {
                    self.state = State::Dot0;
                    Ok(())
                } else {
                    Err(Self::error(c, "after decimal point in numeric literal", offset))
                }
            }
            State::Dot0 => match c {
                b'0'..=b'9' => Ok(()),
                b'e' | b'E' => {
                    self.state = State::E;
                    Ok(())
                }
                _ => self.end_value(c, offset),
            },
            State::E if c == b'+' || c == b'-' => {
                self.state = State::ESign;
                Ok(())
            }
            State::E | State::ESign => {
                if c.is_ascii_digit() {
                    self.state = State::E0;
                    Ok(())
                } else {
                    Err(Self::error(c, "in exponent of numeric literal", offset))
                }
            }
            State::E0 if c.is_ascii_digit() => Ok(()),
            State::E0 => self.end_value(c, offset),
            State::Literal(rest, i, context) => {
                let want = rest[usize::from(i)];
                if c != want {
                    let context = format!("{context}'{}')", char::from(want));
                    return Err(Self::error(c, &context, offset));
                }
                self.state = if usize::from(i) + 1 == rest.len() {
                    State::EndValue
                } else {
                    State::Literal(rest, i + 1, context)
                };
                Ok(())
            }
        }
    }

    /// After a container closes: the state that follows a complete value.
    fn end_value_after_pop(&mut self) {
        self.state = if self.stack.is_empty() { State::EndTop } else { State::EndValue };
    }

    fn end_value(&mut self, c: u8, offset: u64) -> Result<(), JsonError> {
        let space = matches!(c, b' ' | b'\t' | b'\n' | b'\r');
        let Some(&top) = self.stack.last() else {
            self.state = State::EndTop;
            return self.step(c, offset);
        };
        if space {
            self.state = State::EndValue;
            return Ok(());
        }
        match top {
            Container::ObjectKey => {
                if c == b':' {
                    if let Some(last) = self.stack.last_mut() {
                        *last = Container::ObjectValue;
                    }
                    self.state = State::BeginValue;
                    return Ok(());
                }
                Err(Self::error(c, "after object key", offset))
            }
            Container::ObjectValue => match c {
                b',' => {
                    if let Some(last) = self.stack.last_mut() {
                        *last = Container::ObjectKey;
                    }
                    self.state = State::BeginString;
                    Ok(())
                }
                b'}' => {
                    self.stack.pop();
                    self.end_value_after_pop();
                    Ok(())
                }
                _ => Err(Self::error(c, "after object key:value pair", offset)),
            },
            Container::Array => match c {
                b',' => {
                    self.state = State::BeginValue;
                    Ok(())
                }
                b']' => {
                    self.stack.pop();
                    self.end_value_after_pop();
                    Ok(())
                }
                _ => Err(Self::error(c, "after array element", offset)),
            },
        }
    }
}

/// Go's `checkValid`: scans all of `bytes`, then the end of input.
fn check_valid(bytes: &[u8]) -> Result<(), JsonError> {
    let mut s = Scanner { stack: Vec::new(), state: State::BeginValue };
    for (i, &c) in bytes.iter().enumerate() {
        s.step(c, i as u64 + 1)?;
    }
    let len = bytes.len() as u64;
    if s.state == State::EndTop {
        return Ok(());
    }
    // Go's scanner.eof feeds one space to finish a pending number or literal.
    s.step(b' ', len)?;
    if s.state == State::EndTop {
        return Ok(());
    }
    Err(JsonError { message: "unexpected end of JSON input".to_owned(), offset: len })
}

/// Builds the value of input already accepted by [`check_valid`].
struct Builder<'a> {
    b: &'a [u8],
    i: usize,
}

impl Builder<'_> {
    fn skip_space(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> u8 {
        self.b.get(self.i).copied().unwrap_or(0)
    }

    fn value(&mut self) -> Value {
        self.skip_space();
        match self.peek() {
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                loop {
                    self.skip_space();
                    if self.peek() == b'}' {
                        self.i += 1;
                        break;
                    }
                    let key = self.string();
                    self.skip_space();
                    self.i += 1; // ':'
                    let v = self.value();
                    members.push((key, v));
                    self.skip_space();
                    if self.peek() == b',' {
                        self.i += 1;
                    }
                }
                Value::Object(members)
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    if self.peek() == b']' {
                        self.i += 1;
                        break;
                    }
                    items.push(self.value());
                    self.skip_space();
                    if self.peek() == b',' {
                        self.i += 1;
                    }
                }
                Value::Array(items)
            }
            b'"' => Value::String(self.string()),
            b't' => {
                self.i += 4;
                Value::Bool(true)
            }
            b'f' => {
                self.i += 5;
                Value::Bool(false)
            }
            b'n' => {
                self.i += 4;
                Value::Null
            }
            _ => {
                let start = self.i;
                while self.i < self.b.len() && matches!(self.b[self.i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                {
                    self.i += 1;
                }
                Value::Number(Number(String::from_utf8_lossy(&self.b[start..self.i]).into_owned()))
            }
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.b.get(at..at + 4)?;
        let text = std::str::from_utf8(digits).ok()?;
        u32::from_str_radix(text, 16).ok()
    }

    /// Go's `unquote`: escapes decoded, bad surrogates and invalid UTF-8 bytes → U+FFFD.
    fn string(&mut self) -> String {
        self.i += 1; // opening quote
        let mut raw: Vec<u8> = Vec::new();
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b'"' => {
                    self.i += 1;
                    break;
                }
                b'\\' => {
                    let e = self.b.get(self.i + 1).copied().unwrap_or(b'\\');
                    self.i += 2;
                    let simple = match e {
                        b'b' => Some(0x08),
                        b'f' => Some(0x0c),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        b'u' => None,
                        other => Some(other),
                    };
                    if let Some(byte) = simple {
                        raw.push(byte);
                        continue;
                    }
                    let mut r = self.hex4(self.i).unwrap_or(0xFFFD);
                    self.i += 4;
                    if (0xD800..0xE000).contains(&r) {
                        let low =
                            if self.b.get(self.i..self.i + 2) == Some(b"\\u") { self.hex4(self.i + 2) } else { None };
                        match low {
                            Some(lo) if (0xD800..0xDC00).contains(&r) && (0xDC00..0xE000).contains(&lo) => {
                                r = 0x10000 + ((r - 0xD800) << 10) + (lo - 0xDC00);
                                self.i += 6;
                            }
                            _ => r = 0xFFFD,
                        }
                    }
                    let ch = char::from_u32(r).unwrap_or('\u{FFFD}');
                    let mut buf = [0u8; 4];
                    raw.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                _ => {
                    raw.push(c);
                    self.i += 1;
                }
            }
        }
        crate::yaml::go_lossy(&raw)
    }
}

/// Parses one JSON value as Go's `json.Unmarshal` validates it (RFC 8259, whitespace around
/// the value allowed, nothing after it), with nesting capped at [`MAX_DEPTH`]. Strings with
/// invalid UTF-8 or unpaired surrogate escapes get U+FFFD, as in Go.
pub fn parse(bytes: &[u8]) -> Result<Value, JsonError> {
    check_valid(bytes)?;
    Ok(Builder { b: bytes, i: 0 }.value())
}

#[cfg(test)]
mod tests;
