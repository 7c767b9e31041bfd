//! The JSON data model the Go validator works on: objects are maps (last duplicate wins,
//! iterated here in sorted key order where Go's order is random), numbers keep the text that
//! Go's `fmt.Sprint` would print for them.

use chartpack_encoding::gofmt;
use chartpack_encoding::json::Value;

use crate::number::Decimal;

/// A number: the text `fmt.Sprint` prints for it (a `json.Number` literal for schema
/// documents, a `float64` in Go's `%v` form for values) and its exact value.
#[derive(Debug, Clone)]
pub(crate) struct Num {
    pub(crate) text: String,
    pub(crate) value: Decimal,
}

/// A JSON value as `map[string]any` / `[]any` / `json.Number` / `float64` / `string` / `bool` / `nil`.
#[derive(Debug, Clone)]
pub(crate) enum Inst {
    Null,
    Bool(bool),
    Num(Num),
    Str(String),
    Arr(Vec<Inst>),
    /// Members sorted by key (byte order), keys unique.
    Obj(Vec<(String, Inst)>),
}

/// How numbers of a [`Value`] reached Go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Numbers {
    /// `jsonschema.UnmarshalJSON` (`UseNumber`): the literal text is kept.
    Literal,
    /// sigs.k8s.io/yaml into `interface{}`: every number is a `float64`.
    Float64,
}

/// Nesting deeper than the caller's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooDeep;

impl Inst {
    /// Converts `value`, refusing nesting deeper than `max_depth`.
    pub(crate) fn from_value(value: &Value, numbers: Numbers, max_depth: usize) -> Result<Inst, TooDeep> {
        convert(value, numbers, max_depth)
    }

    /// The member `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Inst> {
        match self {
            Inst::Obj(members) => members.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok().map(|i| &members[i].1),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Inst::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_obj(&self) -> Option<&[(String, Inst)]> {
        match self {
            Inst::Obj(m) => Some(m),
            _ => None,
        }
    }

    pub(crate) fn as_arr(&self) -> Option<&[Inst]> {
        match self {
            Inst::Arr(a) => Some(a),
            _ => None,
        }
    }

    /// The JSON type name the validator reports (`got number, want string`).
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Inst::Null => "null",
            Inst::Bool(_) => "boolean",
            Inst::Num(_) => "number",
            Inst::Str(_) => "string",
            Inst::Arr(_) => "array",
            Inst::Obj(_) => "object",
        }
    }

    /// Go's `equals`: numbers compare as rationals, objects by member set.
    pub(crate) fn equals(&self, other: &Inst) -> bool {
        match (self, other) {
            (Inst::Null, Inst::Null) => true,
            (Inst::Bool(a), Inst::Bool(b)) => a == b,
            (Inst::Num(a), Inst::Num(b)) => a.value == b.value,
            (Inst::Str(a), Inst::Str(b)) => a == b,
            (Inst::Arr(a), Inst::Arr(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.equals(y)),
            (Inst::Obj(a), Inst::Obj(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|((ka, va), (kb, vb))| ka == kb && va.equals(vb))
            }
            _ => false,
        }
    }

    /// A text equal for exactly the values [`Inst::equals`] treats as equal.
    pub(crate) fn canonical(&self, out: &mut String) {
        match self {
            Inst::Null => out.push('n'),
            Inst::Bool(b) => out.push(if *b { 't' } else { 'f' }),
            Inst::Num(n) => {
                out.push('#');
                out.push_str(&n.value.canonical());
                out.push(';');
            }
            Inst::Str(s) => {
                out.push('"');
                out.push_str(&s.len().to_string());
                out.push(':');
                out.push_str(s);
            }
            Inst::Arr(items) => {
                out.push('[');
                for item in items {
                    item.canonical(out);
                }
                out.push(']');
            }
            Inst::Obj(members) => {
                out.push('{');
                for (k, v) in members {
                    out.push_str(&k.len().to_string());
                    out.push(':');
                    out.push_str(k);
                    v.canonical(out);
                }
                out.push('}');
            }
        }
    }

    /// `display` in the library's messages: strings quoted, containers as `value`, others as
    /// `fmt.Sprintf("%v")` prints them (`<nil>`, `true`, the number's text).
    pub(crate) fn display(&self) -> String {
        match self {
            Inst::Null => "<nil>".to_owned(),
            Inst::Bool(b) => b.to_string(),
            Inst::Num(n) => n.text.clone(),
            Inst::Str(s) => crate::output::quote(s),
            Inst::Arr(_) | Inst::Obj(_) => "value".to_owned(),
        }
    }
}

fn convert(value: &Value, numbers: Numbers, depth: usize) -> Result<Inst, TooDeep> {
    Ok(match value {
        Value::Null => Inst::Null,
        Value::Bool(b) => Inst::Bool(*b),
        Value::Number(n) => Inst::Num(number(n.as_str(), numbers)),
        Value::String(s) => Inst::Str(s.clone()),
        Value::Array(items) => {
            let depth = depth.checked_sub(1).ok_or(TooDeep)?;
            Inst::Arr(items.iter().map(|v| convert(v, numbers, depth)).collect::<Result<_, _>>()?)
        }
        Value::Object(members) => {
            let depth = depth.checked_sub(1).ok_or(TooDeep)?;
            let mut out: Vec<(String, Inst)> = Vec::with_capacity(members.len());
            for (k, v) in members {
                out.push((k.clone(), convert(v, numbers, depth)?));
            }
            // Stable sort, then keep the last of equal keys (Go's map assignment order).
            out.sort_by(|a, b| a.0.cmp(&b.0));
            let mut dedup: Vec<(String, Inst)> = Vec::with_capacity(out.len());
            for (k, v) in out {
                match dedup.last_mut() {
                    Some(last) if last.0 == k => last.1 = v,
                    _ => dedup.push((k, v)),
                }
            }
            Inst::Obj(dedup)
        }
    })
}

fn number(text: &str, numbers: Numbers) -> Num {
    if numbers == Numbers::Float64 {
        if let Some(f) = text.parse::<f64>().ok().filter(|f| f.is_finite()) {
            return Num { text: gofmt::format_float(f, 64), value: Decimal::from_f64(f) };
        }
    }
    // Text that is no number cannot come from the JSON parser; read it as zero.
    let value = Decimal::parse(text).unwrap_or_else(|| Decimal::from_f64(0.0));
    Num { text: text.to_owned(), value }
}
