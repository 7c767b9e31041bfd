//! helm's `--set` family of value parsers, exactly: dotted keys, `a[0]` indices, `{a,b}` lists,
//! `\` escapes, `--set`'s type inference, `--set-string`, `--set-json`, `--set-file` and
//! `--set-literal`, with helm's error texts.
//! Mirrors helm pkg/strvals/parser.go and literal_parser.go (v4.1.4).
//!
//! Values are held as Go holds them ([`GoValue`]): the Go type of a value decides texts such
//! as `interface conversion: interface {} is int64, not map[string]interface {}`.

use std::collections::BTreeMap;

use chartpack_encoding::gofmt::quote;
use chartpack_encoding::json::{self, Number, Value as Json};

/// helm's `MaxIndex`: the largest list index a `--set` key may use.
pub const MAX_INDEX: i64 = 65536;

/// helm's `MaxNestedNameLevel`: the deepest `a.b.c` nesting a `--set` key may use.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// chartpack's own bound on how deeply keys and indices nest in one line (`a[0][0]…`,
/// `a[0].b[0].c…`; helm has none): keeps recursion off the end of the stack, in particular on
/// wasm.
pub const MAX_NESTING: usize = 100;

/// A value as helm's Go code holds it while merging user values (`map[string]interface{}`).
#[derive(Debug, Clone, PartialEq)]
pub enum GoValue {
    /// `nil`.
    Nil,
    /// `bool`.
    Bool(bool),
    /// `int64`: what `--set` infers for integers.
    Int64(i64),
    /// `float64`: every number read from YAML or JSON.
    Float64(f64),
    /// `string`.
    String(String),
    /// `[]interface {}`.
    List(Vec<GoValue>),
    /// `map[string]interface {}`.
    Map(GoMap),
}

/// A Go `map[string]interface {}` (sorted, so every output is deterministic).
pub type GoMap = BTreeMap<String, GoValue>;

impl GoValue {
    /// The Go type name as `%T` and interface-conversion panics print it.
    pub fn go_type(&self) -> &'static str {
        match self {
            GoValue::Nil => "nil",
            GoValue::Bool(_) => "bool",
            GoValue::Int64(_) => "int64",
            GoValue::Float64(_) => "float64",
            GoValue::String(_) => "string",
            GoValue::List(_) => "[]interface {}",
            GoValue::Map(_) => "map[string]interface {}",
        }
    }

    /// The value as JSON (`json.Marshal`); `None` for a non-finite float, which no parser here
    /// produces.
    pub fn to_json(&self) -> Option<Json> {
        Some(match self {
            GoValue::Nil => Json::Null,
            GoValue::Bool(b) => Json::Bool(*b),
            GoValue::Int64(i) => Json::Number(Number::from_i64(*i)),
            GoValue::Float64(f) => Json::Number(Number::from_f64(*f)?),
            GoValue::String(s) => Json::String(s.clone()),
            GoValue::List(items) => Json::Array(items.iter().map(GoValue::to_json).collect::<Option<_>>()?),
            GoValue::Map(map) => {
                Json::Object(map.iter().map(|(k, v)| Some((k.clone(), v.to_json()?))).collect::<Option<Vec<_>>>()?)
            }
        })
    }

    /// A decoded JSON (or YAML-via-JSON) value as Go's `json.Unmarshal` into `interface{}`
    /// holds it: numbers become `float64`, duplicate keys keep the last. `None` when a number is
    /// out of `float64` range (Go: `cannot unmarshal number … into Go value of type float64`).
    pub fn from_json(value: &Json) -> Option<GoValue> {
        Some(match value {
            Json::Null => GoValue::Nil,
            Json::Bool(b) => GoValue::Bool(*b),
            Json::Number(n) => GoValue::Float64(n.as_f64()?),
            Json::String(s) => GoValue::String(s.clone()),
            Json::Array(items) => GoValue::List(items.iter().map(GoValue::from_json).collect::<Option<_>>()?),
            Json::Object(members) => {
                let mut map = GoMap::new();
                for (k, v) in members {
                    map.insert(k.clone(), GoValue::from_json(v)?);
                }
                GoValue::Map(map)
            }
        })
    }
}

/// Which `--set` flavour a line is parsed as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetKind {
    /// `--set`: `true`/`false`/`null`/integers inferred (`ParseInto`).
    Set,
    /// `--set-string`: every value a string (`ParseIntoString`).
    String,
    /// `--set-json` in `key=json` form (`ParseJSON`).
    Json,
    /// `--set-file`: each value a path whose contents become the string (`ParseIntoFile`).
    File,
    /// `--set-literal`: one key, the rest of the line verbatim (`ParseLiteralInto`).
    Literal,
}

/// Reads a `--set-file` path: the file's contents as a string, or the reason it cannot be read
/// (helm's text, e.g. `open x: no such file or directory`).
pub type FileReader<'r> = &'r mut dyn FnMut(&str) -> Result<String, String>;

/// A parse failure. `eof` marks errors that wrap Go's `io.EOF`, which helm's parse loop treats
/// as a normal end of input.
#[derive(Debug)]
enum Fail {
    Msg {
        text: String,
        eof: bool,
    },
    /// A failed Go type assertion; the nearest `key` turns it into `unable to parse key: …`.
    Panic(String),
}

impl Fail {
    fn eof() -> Fail {
        Fail::Msg { text: "EOF".to_owned(), eof: true }
    }
    fn msg(text: String) -> Fail {
        Fail::Msg { text, eof: false }
    }
    fn conversion(value: &GoValue, want: &str) -> Fail {
        Fail::Panic(format!("interface conversion: interface {{}} is {}, not {want}", value.go_type()))
    }
    /// `fmt.Errorf(prefix + "%w", self)`.
    fn wrap(self, prefix: &str) -> Fail {
        match self {
            Fail::Msg { text, eof } => Fail::Msg { text: format!("{prefix}{text}"), eof },
            Fail::Panic(p) => Fail::Panic(p),
        }
    }
}

/// `valList`'s outcomes besides a list.
enum ListFail {
    Eof,
    NotList,
    Other(Fail),
}

/// Parses one `--set`-style line into `dest`, as helm's `ParseInto` & co. do: later keys
/// overwrite earlier ones, maps merge. `read_file` serves [`SetKind::File`] (others ignore
/// it). Errors are helm's texts without the `failed parsing --set data: ` prefix.
pub fn parse_into(kind: SetKind, line: &str, dest: &mut GoMap, read_file: FileReader<'_>) -> Result<(), String> {
    let mut parser = Parser { chars: line.chars().collect(), pos: 0, depth: 0, kind, read_file };
    loop {
        let step = if kind == SetKind::Literal { parser.literal_key(dest, 0) } else { parser.key(dest, 0) };
        match step {
            Ok(()) => continue,
            Err(Fail::Msg { eof: true, .. }) => return Ok(()),
            Err(Fail::Msg { text, .. }) => return Err(text),
            // `key` recovers every panic; kept total for safety.
            Err(Fail::Panic(p)) => return Err(format!("unable to parse key: {p}")),
        }
    }
}

/// The paths a `--set-file` line reads, in the order helm reads them (for a caller that
/// gathers file contents before calling the pure core).
pub fn set_file_paths(line: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut record = |path: &str| {
        paths.push(path.to_owned());
        Ok(String::new())
    };
    let _ = parse_into(SetKind::File, line, &mut GoMap::new(), &mut record);
    paths
}

/// helm's `MergeMaps`: `b` over `a`, recursing where both hold maps.
pub fn merge_maps(a: &mut GoMap, b: GoMap) {
    for (key, value) in b {
        match (a.get_mut(&key), value) {
            (Some(GoValue::Map(existing)), GoValue::Map(incoming)) => merge_maps(existing, incoming),
            (_, value) => {
                a.insert(key, value);
            }
        }
    }
}

struct Parser<'r> {
    chars: Vec<char>,
    pos: usize,
    /// Current `key` recursion depth (bounded by [`MAX_NESTING`]).
    depth: usize,
    kind: SetKind,
    read_file: FileReader<'r>,
}

/// helm's `set`: an empty key is ignored.
fn set(data: &mut GoMap, key: &str, value: GoValue) {
    if !key.is_empty() {
        data.insert(key.to_owned(), value);
    }
}

fn too_deep() -> Fail {
    Fail::msg(format!("keys and indices nest deeper than chartpack's maximum of {MAX_NESTING}"))
}

/// Go's `%q` of a `[]rune`: `['a' 'b']`.
fn quote_runes(s: &str) -> String {
    let runes: Vec<String> = s
        .chars()
        .map(|c| match c {
            '\'' => "'\\''".to_owned(),
            '"' => "'\"'".to_owned(),
            c => {
                let q = quote(&c.to_string());
                format!("'{}'", &q[1..q.len() - 1])
            }
        })
        .collect();
    format!("[{}]", runes.join(" "))
}

/// helm's `setIndex`.
fn set_index(mut list: Vec<GoValue>, index: i64, value: GoValue) -> (Vec<GoValue>, Result<(), Fail>) {
    if index < 0 {
        return (list, Err(Fail::msg(format!("negative {index} index not allowed"))));
    }
    if index > MAX_INDEX {
        return (
            list,
            Err(Fail::msg(format!("index of {index} is greater than maximum supported index of {MAX_INDEX}"))),
        );
    }
    let index = index as usize; // 0..=MAX_INDEX
    if list.len() <= index {
        list.resize(index + 1, GoValue::Nil);
    }
    list[index] = value;
    (list, Ok(()))
}

/// Go's `strconv.Atoi` (64-bit `int`), with its error text.
fn go_atoi(s: &str) -> Result<i64, String> {
    parse_int(s).map_err(|range| {
        format!("strconv.Atoi: parsing {}: {}", quote(s), if range { "value out of range" } else { "invalid syntax" })
    })
}

/// Go's `strconv.ParseInt(s, 10, 64)`; `Err(true)` for out of range, `Err(false)` for syntax.
fn parse_int(s: &str) -> Result<i64, bool> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return Err(false);
    }
    let mut n: u64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return Err(false);
        }
        // ParseUint reports overflow as soon as it happens, before later bad characters.
        n = n.checked_mul(10).and_then(|n| n.checked_add(u64::from(b - b'0'))).ok_or(true)?;
    }
    if negative {
        if n > i64::MAX as u64 + 1 {
            return Err(true);
        }
        Ok((n as i64).wrapping_neg())
    } else {
        i64::try_from(n).map_err(|_| true)
    }
}

/// Go's `strings.EqualFold` against an ASCII lower-case word (`true`, `false`, `null`):
/// ASCII case is ignored and `ſ` (U+017F) folds to `s`.
fn equal_fold(value: &str, word: &str) -> bool {
    let mut chars = value.chars();
    for w in word.chars() {
        match chars.next() {
            Some(c) if c.to_ascii_lowercase() == w => {}
            Some('\u{17f}') if w == 's' => {}
            _ => return false,
        }
    }
    chars.next().is_none()
}

/// helm's `typedVal`.
fn typed_val(value: String, as_string: bool) -> GoValue {
    if as_string {
        return GoValue::String(value);
    }
    if equal_fold(&value, "true") {
        return GoValue::Bool(true);
    }
    if equal_fold(&value, "false") {
        return GoValue::Bool(false);
    }
    if equal_fold(&value, "null") {
        return GoValue::Nil;
    }
    if value == "0" {
        return GoValue::Int64(0);
    }
    // Only values not starting with `0` become integers (`010` stays a string).
    if !value.is_empty() && !value.starts_with('0') {
        if let Ok(i) = parse_int(&value) {
            return GoValue::Int64(i);
        }
    }
    GoValue::String(value)
}

/// The byte length of the one JSON value at the start of `text` as Go's `json.Decoder`
/// consumes it (leading JSON whitespace included), or `None` when the value is incomplete or
/// malformed in a way that ends the scan.
fn json_value_len(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    match *b.get(i)? {
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut in_string = false;
            while i < b.len() {
                let c = b[i];
                i += 1;
                if in_string {
                    match c {
                        b'\\' => i += 1,
                        b'"' => in_string = false,
                        _ => {}
                    }
                    continue;
                }
                match c {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(i);
                        }
                    }
                    _ => {}
                }
            }
            None
        }
        b'"' => {
            i += 1;
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    _ => i += 1,
                }
            }
            None
        }
        b't' | b'f' | b'n' => {
            let word: &[u8] = match b[i] {
                b't' => b"true",
                b'f' => b"false",
                _ => b"null",
            };
            b[i..].starts_with(word).then_some(i + word.len())
        }
        b'-' | b'0'..=b'9' => {
            if b[i] == b'-' {
                i += 1;
            }
            match b.get(i) {
                Some(b'0') => i += 1,
                Some(b'1'..=b'9') => {
                    while b.get(i).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                    }
                }
                _ => return None,
            }
            if b.get(i) == Some(&b'.') {
                i += 1;
                if !b.get(i).is_some_and(u8::is_ascii_digit) {
                    return None;
                }
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            if matches!(b.get(i), Some(b'e' | b'E')) {
                i += 1;
                if matches!(b.get(i), Some(b'+' | b'-')) {
                    i += 1;
                }
                if !b.get(i).is_some_and(u8::is_ascii_digit) {
                    return None;
                }
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            Some(i)
        }
        _ => None,
    }
}

impl Parser<'_> {
    fn next(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// helm's `runesUntil`: characters up to one in `stop` (consumed, returned), with `\x`
    /// standing for `x`; `None` as the stop at end of input.
    fn runes_until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            match self.next() {
                None => return (v, None),
                Some(c) if stop.contains(&c) => return (v, Some(c)),
                Some('\\') => match self.next() {
                    None => return (v, None),
                    Some(next) => v.push(next),
                },
                Some(c) => v.push(c),
            }
        }
    }

    /// helm's `runesUntilLiteral`: no escapes.
    fn runes_until_literal(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            match self.next() {
                None => return (v, None),
                Some(c) if stop.contains(&c) => return (v, Some(c)),
                Some(c) => v.push(c),
            }
        }
    }

    /// helm's `reader`: `typedVal` for `--set`/`--set-string`, the file for `--set-file`.
    fn read(&mut self, value: String) -> Result<GoValue, Fail> {
        match self.kind {
            SetKind::File => (self.read_file)(&value).map(GoValue::String).map_err(Fail::msg),
            kind => Ok(typed_val(value, kind == SetKind::String)),
        }
    }

    /// helm's `key`, recovering type-assertion panics as `unable to parse key: …`.
    fn key(&mut self, data: &mut GoMap, level: usize) -> Result<(), Fail> {
        self.depth += 1;
        let result = if self.depth > MAX_NESTING { Err(too_deep()) } else { self.key_inner(data, level) };
        self.depth -= 1;
        match result {
            Err(Fail::Panic(p)) => Err(Fail::msg(format!("unable to parse key: {p}"))),
            other => other,
        }
    }

    fn key_inner(&mut self, data: &mut GoMap, level: usize) -> Result<(), Fail> {
        let (k, last) = self.runes_until(&['=', '[', ',', '.']);
        match last {
            None if k.is_empty() => Err(Fail::eof()),
            None => Err(Fail::msg(format!("key {} has no value", quote(&k)))),
            Some('[') => {
                let i = self.key_index().map_err(|e| e.wrap("error parsing index: "))?;
                let list = match data.get(&k) {
                    None => Vec::new(),
                    Some(GoValue::List(list)) => list.clone(),
                    Some(other) => return Err(Fail::conversion(other, "[]interface {}")),
                };
                let (list, result) = self.list_item(list, i, level, 0);
                set(data, &k, GoValue::List(list));
                result
            }
            Some('=') if self.kind == SetKind::Json => {
                if self.empty_val() {
                    set(data, &k, GoValue::Nil);
                    return Ok(());
                }
                let value = self.json_value()?;
                set(data, &k, value);
                self.empty_val();
                Ok(())
            }
            Some('=') => match self.val_list() {
                Ok(list) => {
                    set(data, &k, GoValue::List(list));
                    Ok(())
                }
                Err(ListFail::Eof) => {
                    set(data, &k, GoValue::String(String::new()));
                    Err(Fail::eof())
                }
                Err(ListFail::NotList) => {
                    let rs = self.val();
                    match self.read(rs) {
                        Ok(v) => {
                            set(data, &k, v);
                            Ok(())
                        }
                        Err(e) => {
                            set(data, &k, GoValue::Nil);
                            Err(e)
                        }
                    }
                }
                Err(ListFail::Other(e)) => Err(e),
            },
            Some(',') => {
                set(data, &k, GoValue::String(String::new()));
                Err(Fail::msg(format!("key {} has no value (cannot end with ,)", quote(&k))))
            }
            Some(_) => {
                // '.'
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(Fail::msg(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let mut inner = match data.get(&k) {
                    None => GoMap::new(),
                    Some(GoValue::Map(map)) => map.clone(),
                    Some(other) => return Err(Fail::conversion(other, "map[string]interface {}")),
                };
                let result = self.key(&mut inner, level);
                if result.is_ok() && inner.is_empty() {
                    return Err(Fail::msg(format!("key map {} has no value", quote(&k))));
                }
                if !inner.is_empty() {
                    set(data, &k, GoValue::Map(inner));
                }
                result
            }
        }
    }

    /// helm's `keyIndex`.
    fn key_index(&mut self) -> Result<i64, Fail> {
        let (v, last) =
            if self.kind == SetKind::Literal { self.runes_until_literal(&[']']) } else { self.runes_until(&[']']) };
        if last.is_none() {
            return Err(Fail::eof());
        }
        go_atoi(&v).map_err(Fail::msg)
    }

    /// helm's `listItem` (both parsers; the literal one reads its value verbatim).
    fn list_item(
        &mut self,
        mut list: Vec<GoValue>,
        i: i64,
        level: usize,
        depth: usize,
    ) -> (Vec<GoValue>, Result<(), Fail>) {
        if i < 0 {
            return (list, Err(Fail::msg(format!("negative {i} index not allowed"))));
        }
        if depth >= MAX_NESTING {
            return (list, Err(too_deep()));
        }
        let literal = self.kind == SetKind::Literal;
        let stop = ['[', '.', '='];
        let (k, last) = if literal { self.runes_until_literal(&stop) } else { self.runes_until(&stop) };
        if !k.is_empty() {
            return (list, Err(Fail::msg(format!("unexpected data at end of array index: {}", quote_runes(&k)))));
        }
        match last {
            None => (list, Err(Fail::eof())),
            Some('=') if literal => {
                let value = self.literal_val();
                set_index(list, i, GoValue::String(value))
            }
            Some('=') if self.kind == SetKind::Json => {
                if self.empty_val() {
                    return set_index(list, i, GoValue::Nil);
                }
                let value = match self.json_value() {
                    Ok(v) => v,
                    Err(e) => return (list, Err(e)),
                };
                let (list, result) = set_index(list, i, value);
                if result.is_err() {
                    return (list, result);
                }
                self.empty_val();
                (list, Ok(()))
            }
            Some('=') => match self.val_list() {
                Ok(vl) => set_index(list, i, GoValue::List(vl)),
                Err(ListFail::Eof) => set_index(list, i, GoValue::String(String::new())),
                Err(ListFail::NotList) => {
                    let rs = self.val();
                    match self.read(rs) {
                        Ok(v) => set_index(list, i, v),
                        Err(e) => (list, Err(e)),
                    }
                }
                Err(ListFail::Other(e)) => (list, Err(e)),
            },
            Some('[') => {
                let next_i = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e.wrap("error parsing index: "))),
                };
                let at = i as usize; // i >= 0
                let current = match list.get(at) {
                    None | Some(GoValue::Nil) => Vec::new(),
                    Some(GoValue::List(l)) => l.clone(),
                    Some(other) => {
                        let fail = Fail::conversion(other, "[]interface {}");
                        return (list, Err(fail));
                    }
                };
                let (list2, result) = self.list_item(current, next_i, level, depth + 1);
                if result.is_err() {
                    return (list, result);
                }
                set_index(list, i, GoValue::List(list2))
            }
            Some(_) => {
                // '.': a map inside the list; Go mutates `list[i]` in place.
                let at = i as usize;
                let mut inner = match list.get(at) {
                    None => GoMap::new(),
                    Some(GoValue::Map(m)) => m.clone(),
                    Some(_) => GoMap::new(),
                };
                let result = if literal { self.literal_key(&mut inner, level) } else { self.key(&mut inner, level) };
                if at < list.len() {
                    list[at] = GoValue::Map(inner.clone());
                }
                if result.is_err() {
                    return (list, result);
                }
                set_index(list, i, GoValue::Map(inner))
            }
        }
    }

    /// helm's `emptyVal`: skips spaces; true at end of input or a `,` (consumed).
    fn empty_val(&mut self) -> bool {
        loop {
            match self.next() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => {}
                Some(_) => {
                    self.pos -= 1;
                    return false;
                }
            }
        }
    }

    /// One JSON value decoded from the rest of the line, as `json.Decoder.Decode` does.
    fn json_value(&mut self) -> Result<GoValue, Fail> {
        let rest: String = self.chars[self.pos..].iter().collect();
        let bad = || Fail::msg(format!("invalid JSON value at {}", quote(&rest)));
        let len = json_value_len(&rest).ok_or_else(bad)?;
        let value = json::parse(&rest.as_bytes()[..len]).map_err(|e| Fail::msg(e.to_string()))?;
        let value = GoValue::from_json(&value).ok_or_else(bad)?;
        self.pos += rest[..len].chars().count();
        Ok(value)
    }

    /// helm's `val`: up to the next `,`.
    fn val(&mut self) -> String {
        self.runes_until(&[',']).0
    }

    /// helm's `valList`: a `{a,b}` list, or why there is none.
    fn val_list(&mut self) -> Result<Vec<GoValue>, ListFail> {
        match self.next() {
            None => return Err(ListFail::Eof),
            Some('{') => {}
            Some(_) => {
                self.pos -= 1;
                return Err(ListFail::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.runes_until(&[',', '}']);
            match last {
                None => return Err(ListFail::Other(Fail::msg("list must terminate with '}'".to_owned()))),
                Some('}') => {
                    if let Some(c) = self.next() {
                        if c != ',' {
                            self.pos -= 1;
                        }
                    }
                    let v = self.read(rs).map_err(ListFail::Other)?;
                    list.push(v);
                    return Ok(list);
                }
                Some(_) => {
                    let v = self.read(rs).map_err(ListFail::Other)?;
                    list.push(v);
                }
            }
        }
    }

    /// helm's literal parser's `key`.
    fn literal_key(&mut self, data: &mut GoMap, level: usize) -> Result<(), Fail> {
        self.depth += 1;
        let result = if self.depth > MAX_NESTING { Err(too_deep()) } else { self.literal_key_inner(data, level) };
        self.depth -= 1;
        match result {
            Err(Fail::Panic(p)) => Err(Fail::msg(format!("unable to parse key: {p}"))),
            other => other,
        }
    }

    fn literal_key_inner(&mut self, data: &mut GoMap, level: usize) -> Result<(), Fail> {
        let (key, last) = self.runes_until_literal(&['=', '[', '.']);
        match last {
            None if key.is_empty() => Err(Fail::eof()),
            None => Err(Fail::msg(format!("key {} has no value", quote(&key)))),
            Some('=') => {
                let value = self.literal_val();
                set(data, &key, GoValue::String(value));
                Ok(())
            }
            Some('.') => {
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(Fail::msg(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let mut inner = match data.get(&key) {
                    None => GoMap::new(),
                    Some(GoValue::Map(map)) => map.clone(),
                    Some(other) => return Err(Fail::conversion(other, "map[string]interface {}")),
                };
                let result = self.literal_key(&mut inner, level);
                if result.is_ok() && inner.is_empty() {
                    return Err(Fail::msg(format!("key map {} has no value", quote(&key))));
                }
                if !inner.is_empty() {
                    set(data, &key, GoValue::Map(inner));
                }
                result
            }
            Some(_) => {
                // '['
                let i = self.key_index().map_err(|e| e.wrap("error parsing index: "))?;
                let list = match data.get(&key) {
                    None => Vec::new(),
                    Some(GoValue::List(list)) => list.clone(),
                    Some(other) => return Err(Fail::conversion(other, "[]interface {}")),
                };
                let (list, result) = self.list_item(list, i, level, 0);
                set(data, &key, GoValue::List(list));
                result
            }
        }
    }

    /// The literal parser's `val`: the rest of the line.
    fn literal_val(&mut self) -> String {
        self.runes_until_literal(&[]).0
    }
}

#[cfg(test)]
mod tests;
