//! yaml.v2's `resolve`: which YAML 1.1 type a scalar's text denotes (resolve.go, v2.4).

use crate::gofmt;

pub(crate) const TAG_PREFIX: &str = "tag:yaml.org,2002:";
pub(crate) const STR_TAG: &str = "tag:yaml.org,2002:str";
pub(crate) const BOOL_TAG: &str = "tag:yaml.org,2002:bool";
pub(crate) const INT_TAG: &str = "tag:yaml.org,2002:int";
pub(crate) const FLOAT_TAG: &str = "tag:yaml.org,2002:float";
pub(crate) const NULL_TAG: &str = "tag:yaml.org,2002:null";
pub(crate) const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
pub(crate) const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
pub(crate) const MERGE_TAG: &str = "tag:yaml.org,2002:merge";

/// A resolved scalar; text-valued kinds keep the original text with the caller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str,
    Timestamp,
    Merge,
}

impl Resolved {
    fn tag(self) -> &'static str {
        match self {
            Resolved::Null => NULL_TAG,
            Resolved::Bool(_) => BOOL_TAG,
            Resolved::Int(_) | Resolved::Uint(_) => INT_TAG,
            Resolved::Float(_) => FLOAT_TAG,
            Resolved::Str => STR_TAG,
            Resolved::Timestamp => TIMESTAMP_TAG,
            Resolved::Merge => MERGE_TAG,
        }
    }
}

/// yaml.v2's `shortTag`: `tag:yaml.org,2002:x` → `!!x`.
pub(crate) fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(TAG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_owned(),
    }
}

fn resolvable(tag: &str) -> bool {
    matches!(tag, "" | STR_TAG | BOOL_TAG | INT_TAG | FLOAT_TAG | NULL_TAG | TIMESTAMP_TAG)
}

/// yaml.v2's `resolveMap`, keyed by the exact text.
fn lookup(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Resolved::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Resolved::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        "<<" => Resolved::Merge,
        _ => return None,
    })
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// The hint-driven resolution of yaml.v2 for a scalar with tag `tag` (only "" or a
/// resolvable core tag reach here): returns the implicit type of `s`.
fn resolve_text(tag: &str, s: &str) -> Resolved {
    let hint = match s.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    };
    if hint == 0 || tag == STR_TAG {
        return Resolved::Str;
    }
    if let Some(item) = lookup(s) {
        return item;
    }
    match hint {
        b'.' => {
            if let Some(f) = gofmt::parse_float_decimal(s) {
                return Resolved::Float(f);
            }
        }
        b'D' | b'S' => {
            if (tag.is_empty() || tag == TIMESTAMP_TAG) && is_timestamp(s) {
                return Resolved::Timestamp;
            }
            let plain: std::borrow::Cow<'_, str> = if s.contains('_') { s.replace('_', "").into() } else { s.into() };
            if let Some(i) = gofmt::parse_int_base0(&plain) {
                return Resolved::Int(i);
            }
            if let Some(u) = gofmt::parse_uint_base0(&plain) {
                return Resolved::Uint(u);
            }
            if yaml_style_float(&plain) {
                if let Some(f) = gofmt::parse_float_decimal(&plain) {
                    return Resolved::Float(f);
                }
            }
            // yaml.v2's explicit 0b / -0b branches are subsumed by ParseInt base 0.
        }
        _ => {}
    }
    Resolved::Str
}

/// The implicit (untagged, plain) type of `s`, as yaml.v2's `resolve("", s)`.
pub(crate) fn resolve_plain(s: &str) -> Resolved {
    resolve_text("", s)
}

/// yaml.v2's `resolve(tag, in)` including its tag check: `Ok(None)` means the tag is not a
/// resolvable core tag (custom tags, `!!binary`) and the text stays as is; `Err` carries
/// yaml.v2's `cannot decode !!x `text` as a !!y` message.
pub(crate) fn resolve(tag: &str, s: &str) -> Result<Option<Resolved>, String> {
    if !resolvable(tag) {
        return Ok(None);
    }
    let r = resolve_text(tag, s);
    let rtag = r.tag();
    if tag.is_empty() || tag == rtag || tag == STR_TAG {
        return Ok(Some(if tag == STR_TAG { Resolved::Str } else { r }));
    }
    if tag == FLOAT_TAG {
        if let Resolved::Int(i) = r {
            return Ok(Some(Resolved::Float(i as f64)));
        }
    }
    Err(format!("cannot decode {} `{}` as a {}", short_tag(rtag), s, short_tag(tag)))
}

/// yaml.v2's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
/// Such strings decode as strings but are quoted on output.
pub(crate) fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        // [0-5]?[0-9]: one digit, or two with the first in 0..=5.
        let d1 = i < b.len() && b[i].is_ascii_digit();
        let d2 = i + 1 < b.len() && b[i + 1].is_ascii_digit();
        if d1 && d2 && b[i] <= b'5' {
            i += 2;
        } else if d1 {
            i += 1;
        } else {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Leading one- or two-digit number, as Go time's `getnum(s, false)`.
fn getnum(s: &[u8]) -> Option<(u32, &[u8])> {
    match s {
        [a, b, rest @ ..] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some((u32::from(a - b'0') * 10 + u32::from(b - b'0'), rest))
        }
        [a, rest @ ..] if a.is_ascii_digit() => Some((u32::from(a - b'0'), rest)),
        _ => None,
    }
}

/// Exactly two digits, as `getnum(s, true)` on a two-byte slice.
fn two_digits(s: &[u8]) -> Option<u32> {
    match s {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some(u32::from(a - b'0') * 10 + u32::from(b - b'0')),
        _ => None,
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `H:M:S` with optional `.fraction`, as Go's `15:4:5.999999999`.
fn clock(v: &[u8]) -> Option<&[u8]> {
    let (hour, v) = getnum(v)?;
    let v = v.strip_prefix(b":")?;
    let (minute, v) = getnum(v)?;
    let v = v.strip_prefix(b":")?;
    let (second, mut v) = getnum(v)?;
    if hour >= 24 || minute >= 60 || second >= 60 {
        return None;
    }
    if v.len() >= 2 && (v[0] == b'.' || v[0] == b',') && v[1].is_ascii_digit() {
        let n = 1 + v[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        v = &v[n..];
    }
    Some(v)
}

/// Go's `Z07:00` zone: `Z` or `±hh:mm` (hours ≤ 24, minutes ≤ 60).
fn zone(v: &[u8]) -> Option<&[u8]> {
    if let Some(rest) = v.strip_prefix(b"Z") {
        return Some(rest);
    }
    if v.len() < 6 || v[3] != b':' {
        return None;
    }
    let hour = two_digits(&v[1..3])?;
    let minute = two_digits(&v[4..6])?;
    if hour > 24 || minute > 60 || !(v[0] == b'+' || v[0] == b'-') {
        return None;
    }
    Some(&v[6..])
}

/// yaml.v2's `parseTimestamp`: `time.Parse` with the layouts `2006-1-2T15:4:5.999999999Z07:00`,
/// the same with `t`, `2006-1-2 15:4:5.999999999` and `2006-1-2`.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year = b[..4].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let Some((month, v)) = getnum(&b[5..]) else {
        return false;
    };
    if !(1..=12).contains(&month) {
        return false;
    }
    let Some(v) = v.strip_prefix(b"-") else {
        return false;
    };
    let Some((day, v)) = getnum(v) else {
        return false;
    };
    if day < 1 || day > days_in(month, year) {
        return false;
    }
    let rest = match v.first() {
        None => Some(v),
        Some(b'T' | b't') => clock(&v[1..]).and_then(zone),
        // Go's layout space matches one or more spaces.
        Some(b' ') => {
            let n = v.iter().take_while(|&&c| c == b' ').count();
            clock(&v[n..])
        }
        Some(_) => None,
    };
    rest.is_some_and(<[u8]>::is_empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(text: &str, want: Resolved) {
        let got = resolve_plain(text);
        match (got, want) {
            (Resolved::Float(a), Resolved::Float(b)) if a.is_nan() && b.is_nan() => {}
            _ => assert_eq!(got, want, "resolve({text:?})"),
        }
    }

    #[test]
    fn plain_scalars() {
        use Resolved::*;
        for (text, want) in [
            ("y", Bool(true)),
            ("Yes", Bool(true)),
            ("ON", Bool(true)),
            ("n", Bool(false)),
            ("Off", Bool(false)),
            ("yEs", Str),
            ("", Null),
            ("~", Null),
            ("Null", Null),
            ("nULL", Str),
            ("0x1F", Int(31)),
            ("017", Int(15)),
            ("0o17", Int(15)),
            ("08", Float(8.0)),
            ("1_000", Int(1000)),
            ("-0b11", Int(-3)),
            ("+12", Int(12)),
            ("9223372036854775808", Uint(9223372036854775808)),
            ("18446744073709551616", Float(18446744073709551616.0)),
            ("1.10", Float(1.1)),
            ("1e3", Float(1000.0)),
            ("1e400", Str),
            (".5", Float(0.5)),
            (".inf", Float(f64::INFINITY)),
            ("-.Inf", Float(f64::NEG_INFINITY)),
            (".nan", Float(f64::NAN)),
            ("1:20", Str),
            ("2001-12-14", Timestamp),
            ("2001-02-29", Str),
            ("2000-02-29", Timestamp),
            ("2001-12-14t21:59:43.10-05:00", Timestamp),
            ("2001-12-14 21:59:43.10", Timestamp),
            ("2001-12-14T21:59:43", Str),
            ("2001-12-14 21:59:43.10 -5", Str),
            ("<<", Str),
            ("0x", Str),
            ("-", Str),
            ("1.16.0", Str),
        ] {
            check(text, want);
        }
    }

    #[test]
    fn tagged_scalars() {
        assert_eq!(resolve(FLOAT_TAG, "1"), Ok(Some(Resolved::Float(1.0))));
        assert_eq!(resolve(STR_TAG, "12"), Ok(Some(Resolved::Str)));
        assert_eq!(resolve("!foo", "12"), Ok(None));
        assert_eq!(resolve(INT_TAG, "1.5"), Err("cannot decode !!float `1.5` as a !!int".to_owned()));
    }

    #[test]
    fn base60() {
        for (text, want) in [("1:20", true), ("-1:20:30.5", true), ("1:60", false), ("1:", false), ("a:1", false)] {
            assert_eq!(is_base60_float(text), want, "{text}");
        }
    }
}
