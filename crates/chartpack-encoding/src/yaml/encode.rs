//! sigs.k8s.io/yaml's `JSONToYAML`: yaml.v2 `Unmarshal` of the JSON, then yaml.v2 `Marshal`
//! (encode.go and sorter.go, v2.4) through libyaml's emitter.

use std::borrow::Cow;

use super::resolve::{self, Resolved};
use crate::ffi::{EmitEvent, Emitter, ScalarStyle};
use crate::json;
use crate::unicode_tables::{DIGITS, LETTERS};

/// Why yaml.v2 could not produce YAML; `Display` is yaml.v2's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("yaml: {0}")]
pub struct EmitError(String);

impl EmitError {
    /// The message without the `yaml: ` prefix.
    pub fn problem(&self) -> &str {
        &self.0
    }
}

/// Characters libyaml's reader accepts (`#x9 | #xA | #xD | [#x20-#x7E] | #x85 | [#xA0-#xD7FF] |
/// [#xE000-#xFFFD] | [#x10000-#x10FFFF]`), or escaped by `json.Marshal` (below U+0020) so
/// that the reader never sees them raw.
fn readable(c: char) -> bool {
    matches!(c, '\0'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}') || c >= '\u{10000}'
}

/// sigs.k8s.io/yaml parses the JSON text with yaml.v2 before emitting; strings holding DEL, C1
/// controls, U+FFFE or U+FFFF (which `json.Marshal` leaves raw) fail that parse.
fn check_readable(v: &json::Value) -> Result<(), EmitError> {
    let bad = |s: &str| !s.chars().all(readable);
    let fails = match v {
        json::Value::String(s) => bad(s),
        json::Value::Array(items) => return items.iter().try_for_each(check_readable),
        json::Value::Object(members) => {
            for (k, item) in members {
                if bad(k) {
                    return Err(EmitError("control characters are not allowed".to_owned()));
                }
                check_readable(item)?;
            }
            false
        }
        json::Value::Null | json::Value::Bool(_) | json::Value::Number(_) => false,
    };
    if fails {
        return Err(EmitError("control characters are not allowed".to_owned()));
    }
    Ok(())
}

fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let c = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Go's `unicode.IsLetter`.
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        in_table(LETTERS, c)
    }
}

/// Go's `unicode.IsDigit`.
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        in_table(DIGITS, c)
    }
}

/// yaml.v2's `keyList.Less` for two string keys: letters by code point, non-letters before
/// letters, digit runs compared as numbers.
pub(crate) fn key_less(ar: &[char], br: &[char]) -> bool {
    let n = ar.len().min(br.len());
    for i in 0..n {
        if ar[i] == br[i] {
            continue;
        }
        let al = is_letter(ar[i]);
        let bl = is_letter(br[i]);
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            for j in (0..i).rev() {
                if !is_digit(ar[j]) {
                    break;
                }
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        // Go's int64 arithmetic wraps; so does this.
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an.wrapping_mul(10).wrapping_add(i64::from(ar[ai] as u32) - i64::from(b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn.wrapping_mul(10).wrapping_add(i64::from(br[bi] as u32) - i64::from(b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// Stable merge sort driven by a `less` function. Unlike `slice::sort_by` it cannot panic when
/// `less` is not a total order (yaml.v2's key order is not, for some digit/zero mixes).
fn merge_sort<T: Copy>(items: &mut [T], less: &impl Fn(&T, &T) -> bool) {
    let n = items.len();
    if n < 2 {
        return;
    }
    let mut buf: Vec<T> = items.to_vec();
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j, mut k) = (start, mid, start);
            while i < mid && j < end {
                if less(&items[j], &items[i]) {
                    buf[k] = items[j];
                    j += 1;
                } else {
                    buf[k] = items[i];
                    i += 1;
                }
                k += 1;
            }
            buf[k..k + (mid - i)].copy_from_slice(&items[i..mid]);
            k += mid - i;
            buf[k..k + (end - j)].copy_from_slice(&items[j..end]);
            start = end;
        }
        items.copy_from_slice(&buf);
        width *= 2;
    }
}

/// A JSON string as yaml.v2 reads it back from `json.Marshal` output. `json.Marshal` leaves
/// NEL (U+0085) raw, and in a double-quoted YAML scalar a raw NEL is a line break that gets
/// folded: spaces around it vanish, one break becomes a space, `n` breaks become `n - 1`
/// newlines. (Other breaks and tabs arrive escaped, so they are content, not folding.)
fn reread(s: &str) -> Cow<'_, str> {
    if !s.contains('\u{85}') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let mut breaks = 0usize;
    let flush = |out: &mut String, run: &mut String, breaks: &mut usize| {
        match *breaks {
            0 => out.push_str(run),
            1 => out.push(' '),
            n => out.extend(std::iter::repeat_n('\n', n - 1)),
        }
        run.clear();
        *breaks = 0;
    };
    for c in s.chars() {
        match c {
            ' ' => run.push(c),
            '\u{85}' => breaks += 1,
            _ => {
                flush(&mut out, &mut run, &mut breaks);
                out.push(c);
            }
        }
    }
    flush(&mut out, &mut run, &mut breaks);
    Cow::Owned(out)
}

/// yaml.v2 `floatv`: shortest `'g'` form, with YAML spellings for the specials.
fn float_text(f: f64) -> String {
    match crate::gofmt::format_float(f, 64).as_str() {
        "+Inf" => ".inf".to_owned(),
        "-Inf" => "-.inf".to_owned(),
        "NaN" => ".nan".to_owned(),
        other => other.to_owned(),
    }
}

/// Stand-in for a character above U+FFFF: yaml.v2's emitter (unlike libyaml 0.2.5) does not
/// count those as printable, so it double-quotes such strings and writes `\UXXXXXXXX`. U+FFFE
/// and U+0001 make libyaml do the same quoting and write `\uFFFE\x01`, the same 4 bytes in
/// and 10 columns out, which are then replaced by the real escape. U+FFFE never reaches here
/// (see [`check_readable`]), so the stand-in is unambiguous.
const ASTRAL_STAND_IN: &str = "\u{FFFE}\u{1}";
const ASTRAL_STAND_IN_OUT: &str = "\\uFFFE\\x01";

struct Encoder {
    emitter: Emitter,
    /// Characters above U+FFFF replaced by [`ASTRAL_STAND_IN`], in emission order.
    astral: Vec<char>,
    /// False when some string literally contains [`ASTRAL_STAND_IN_OUT`] (then substitution
    /// could hit the wrong text, and astral characters are left raw).
    substitute: bool,
}

impl Encoder {
    fn scalar(&mut self, value: &str, style: ScalarStyle) -> Result<(), EmitError> {
        self.emitter.emit(EmitEvent::Scalar { value, style }).map_err(|e| EmitError(e.0))
    }

    fn event(&mut self, event: EmitEvent<'_>) -> Result<(), EmitError> {
        self.emitter.emit(event).map_err(|e| EmitError(e.0))
    }

    /// yaml.v2 `stringv`: literal block if it has a newline, plain if it would read back as
    /// the same string (and is not a base-60 float), else double-quoted; libyaml may still
    /// downgrade plain to quoted when plain is not allowed.
    fn string(&mut self, s: &str) -> Result<(), EmitError> {
        let s = &*reread(s);
        let style = if s.contains('\n') {
            ScalarStyle::Literal
        } else if resolve::resolve_plain(s) == Resolved::Str && !resolve::is_base60_float(s) {
            ScalarStyle::Plain
        } else {
            ScalarStyle::DoubleQuoted
        };
        if self.substitute && s.chars().any(|c| c > '\u{FFFF}') {
            let mut replaced = String::with_capacity(s.len());
            for c in s.chars() {
                if c > '\u{FFFF}' {
                    self.astral.push(c);
                    replaced.push_str(ASTRAL_STAND_IN);
                } else {
                    replaced.push(c);
                }
            }
            return self.scalar(&replaced, style);
        }
        self.scalar(s, style)
    }

    fn value(&mut self, v: &json::Value) -> Result<(), EmitError> {
        match v {
            json::Value::Null => self.scalar("null", ScalarStyle::Plain),
            json::Value::Bool(true) => self.scalar("true", ScalarStyle::Plain),
            json::Value::Bool(false) => self.scalar("false", ScalarStyle::Plain),
            // The number's JSON text is re-read by yaml.v2 (`1.0` becomes the int-looking `1`).
            json::Value::Number(n) => match resolve::resolve_plain(n.as_str()) {
                Resolved::Int(i) => self.scalar(&i.to_string(), ScalarStyle::Plain),
                Resolved::Uint(u) => self.scalar(&u.to_string(), ScalarStyle::Plain),
                Resolved::Float(f) => self.scalar(&float_text(f), ScalarStyle::Plain),
                Resolved::Null => self.scalar("null", ScalarStyle::Plain),
                Resolved::Bool(b) => self.scalar(if b { "true" } else { "false" }, ScalarStyle::Plain),
                Resolved::Str | Resolved::Timestamp | Resolved::Merge => self.string(n.as_str()),
            },
            json::Value::String(s) => self.string(s),
            json::Value::Array(items) => {
                self.event(EmitEvent::SequenceStart)?;
                for item in items {
                    self.value(item)?;
                }
                self.event(EmitEvent::SequenceEnd)
            }
            json::Value::Object(members) => {
                // A Go map: the last duplicate wins, then yaml.v2 sorts the keys.
                let mut entries: Vec<(Cow<'_, str>, &json::Value)> =
                    members.iter().rev().map(|(k, v)| (reread(k), v)).collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0)); // stable: the last one leads its run
                entries.dedup_by(|later, first| later.0 == first.0);
                let chars: Vec<Vec<char>> = entries.iter().map(|e| e.0.chars().collect()).collect();
                let mut order: Vec<usize> = (0..entries.len()).collect();
                merge_sort(&mut order, &|&a, &b| key_less(&chars[a], &chars[b]));
                self.event(EmitEvent::MappingStart)?;
                for i in order {
                    let (k, v) = &entries[i];
                    self.string(k)?;
                    self.value(v)?;
                }
                self.event(EmitEvent::MappingEnd)
            }
        }
    }
}

/// [`to_yaml_string`] with its failure reported: `yaml: control characters are not allowed`
/// when a string holds DEL, a C1 control, U+FFFE or U+FFFF (helm: `failed to save: yaml:
/// control characters are not allowed`, e.g. from an annotation), or a string over 2 GiB.
pub fn try_to_yaml_string(value: &json::Value) -> Result<String, EmitError> {
    check_readable(value)?;
    let substitute = !contains_text(value, ASTRAL_STAND_IN_OUT);
    let mut enc = Encoder { emitter: Emitter::new(), astral: Vec::new(), substitute };
    enc.event(EmitEvent::StreamStart)?;
    enc.event(EmitEvent::DocumentStart)?;
    enc.value(value)?;
    enc.event(EmitEvent::DocumentEnd)?;
    // yaml.v2 clears `open_ended` before STREAM-END, so it never writes the `...` marker that
    // libyaml 0.2.5 adds after a `|+` block; drop whatever the stream end writes.
    let len = enc.emitter.output().len();
    enc.event(EmitEvent::StreamEnd)?;
    let astral = std::mem::take(&mut enc.astral);
    let bytes = enc.emitter.into_output(len);
    let text = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    if astral.is_empty() {
        return Ok(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = astral.into_iter();
    let mut rest = text.as_str();
    while let Some(at) = rest.find(ASTRAL_STAND_IN_OUT) {
        out.push_str(&rest[..at]);
        match chars.next() {
            Some(c) => out.push_str(&format!("\\U{:08X}", c as u32)),
            None => out.push_str(ASTRAL_STAND_IN_OUT),
        }
        rest = &rest[at + ASTRAL_STAND_IN_OUT.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Whether any key or string in `v` contains `needle`.
fn contains_text(v: &json::Value, needle: &str) -> bool {
    match v {
        json::Value::String(s) => s.contains(needle),
        json::Value::Array(items) => items.iter().any(|i| contains_text(i, needle)),
        json::Value::Object(members) => members.iter().any(|(k, i)| k.contains(needle) || contains_text(i, needle)),
        json::Value::Null | json::Value::Bool(_) | json::Value::Number(_) => false,
    }
}

/// yaml.v2 `Marshal` of a JSON-derived value, i.e. sigs.k8s.io/yaml `JSONToYAML`: how helm writes
/// Chart.yaml, Chart.lock and index.yaml. Map keys sorted in yaml.v2's natural order, indent 2,
/// width 80, strings quoted only when needed.
///
/// Returns an empty string where yaml.v2 fails; see [`try_to_yaml_string`] for the error
/// (control characters such as DEL in a string, which helm reports as `failed to save: …`).
pub fn to_yaml_string(value: &json::Value) -> String {
    try_to_yaml_string(value).unwrap_or_default()
}
