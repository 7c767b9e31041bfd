//! Tests for the json module: Go `encoding/json` output and error texts.

use super::*;

fn obj(members: &[(&str, Value)]) -> Value {
    Value::Object(members.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect())
}

fn num(text: &str) -> Value {
    Value::Number(Number(text.to_owned()))
}

#[track_caller]
fn check_compact(value: &Value, want: &str) {
    assert_eq!(String::from_utf8(to_vec(value)).unwrap_or_default(), want);
}

// Escapes confirmed with helm v4.1.4 (`toJson` in a template is `json.Marshal`).
#[test]
fn compact_escaping() {
    check_compact(
        &Value::String("x<>&\u{2028}\u{2029}\u{7f}\u{1}\u{8}\u{c}\t\n\r\"\\é😀".to_owned()),
        "\"x\\u003c\\u003e\\u0026\\u2028\\u2029\u{7f}\\u0001\\b\\f\\t\\n\\r\\\"\\\\é😀\"",
    );
    // helm-behaviour.md §4.2: the config blob of the helm-create chart, field order kept.
    check_compact(
        &obj(&[
            ("name", Value::String("mychart".into())),
            ("version", Value::String("0.1.0".into())),
            ("description", Value::String("A Helm chart for Kubernetes".into())),
            ("apiVersion", Value::String("v2".into())),
            ("appVersion", Value::String("1.16.0".into())),
            ("type", Value::String("application".into())),
        ]),
        r#"{"name":"mychart","version":"0.1.0","description":"A Helm chart for Kubernetes","apiVersion":"v2","appVersion":"1.16.0","type":"application"}"#,
    );
    check_compact(&Value::String(">=3.0.0".into()), r#""\u003e=3.0.0""#);
    check_compact(&Value::Array(vec![Value::Null, Value::Bool(true), num("-1.5"), obj(&[])]), "[null,true,-1.5,{}]");
}

// Layout and float spellings confirmed with helm v4.1.4 (`toPrettyJson` of float64 values).
#[test]
fn pretty() {
    let floats: Vec<Value> = [1e21, 1e-7, 0.000001, 1.5e-10, 1.2345678901234568e29]
        .into_iter()
        .filter_map(Number::from_f64)
        .map(Value::Number)
        .collect();
    let mut a = floats;
    a.push(obj(&[]));
    a.push(Value::Array(vec![]));
    a.push(obj(&[("b", Value::Array(vec![num("1"), obj(&[("c", Value::String("d".into()))])]))]));
    a.push(Value::String("<&>".into()));
    let v = obj(&[("a", Value::Array(a)), ("z", obj(&[]))]);
    let want = r#"{
  "a": [
    1e+21,
    1e-7,
    0.000001,
    1.5e-10,
    1.2345678901234568e+29,
    {},
    [],
    {
      "b": [
        1,
        {
          "c": "d"
        }
      ]
    },
    "\u003c\u0026\u003e"
  ],
  "z": {}
}"#;
    assert_eq!(String::from_utf8(to_vec_pretty(&v)).unwrap_or_default(), want);
}

#[track_caller]
fn check_error(input: &[u8], message: &str, offset: u64) {
    let err = parse(input).err();
    assert_eq!(err.as_ref().map(ToString::to_string).as_deref(), Some(message), "{input:?}");
    assert_eq!(err.map(|e| e.offset()), Some(offset), "{input:?}");
}

// Messages are Go's scanner texts; "invalid character 'x' looking for beginning of value" was
// confirmed with helm v4.1.4 (`helm lint` on a bad values.schema.json, which reads through a
// json.Decoder and so says "unexpected EOF" where Unmarshal says "unexpected end of JSON input").
#[test]
fn syntax_errors() {
    for (input, message, offset) in [
        (&b"{\"a\": x}"[..], "invalid character 'x' looking for beginning of value", 7),
        (b"{\"a\": 1,}", "invalid character '}' looking for beginning of object key string", 9),
        (b"[1, 2", "unexpected end of JSON input", 5),
        (b"{\"a\" 1}", "invalid character '1' after object key", 6),
        (b"tru", "invalid character ' ' in literal true (expecting 'e')", 3),
        (b"nul!", "invalid character '!' in literal null (expecting 'l')", 4),
        (b"\"abc", "unexpected end of JSON input", 4),
        (b"01", "invalid character '1' after top-level value", 2),
        (b"1.", "invalid character ' ' after decimal point in numeric literal", 2),
        (b"1e", "invalid character ' ' in exponent of numeric literal", 2),
        (b"-", "invalid character ' ' in numeric literal", 1),
        (b"{\"a\":\"\\q\"}", "invalid character 'q' in string escape code", 8),
        (b"\"\\u12x4\"", "invalid character 'x' in \\u hexadecimal character escape", 6),
        (b"[1] x", "invalid character 'x' after top-level value", 5),
        (b"[1 2]", "invalid character '2' after array element", 4),
        (b"{\"a\":1 \"b\"}", "invalid character '\"' after object key:value pair", 8),
        (b"{1:2}", "invalid character '1' looking for beginning of object key string", 2),
        (b"\x01", "invalid character '\\x01' looking for beginning of value", 1),
        (b"\"a\x01\"", "invalid character '\\x01' in string literal", 3),
        (b"'a'", "invalid character '\\'' looking for beginning of value", 1),
        (b"", "unexpected end of JSON input", 0),
        (b"   ", "unexpected end of JSON input", 3),
        (b"\xc3\xa9", "invalid character '\u{c3}' looking for beginning of value", 1),
    ] {
        check_error(input, message, offset);
    }
}

#[test]
fn parse_values() {
    let v = parse(b" {\"a\": [1, -2.5e+3, true, null], \"b\": \"\\u00e9\\ud83d\\ude00\\ud800x\", \"a\": {}} ");
    let want = obj(&[
        ("a", Value::Array(vec![num("1"), num("-2.5e+3"), Value::Bool(true), Value::Null])),
        ("b", Value::String("é😀\u{FFFD}x".into())),
        ("a", obj(&[])),
    ]);
    assert_eq!(v, Ok(want.clone()));
    assert_eq!(want.get("a"), Some(&obj(&[])));
    assert_eq!(want.get_folded("B"), Some(&Value::String("é😀\u{FFFD}x".into())));
    // Invalid UTF-8 inside strings: one U+FFFD per bad byte, as Go.
    assert_eq!(parse(b"\"\xe2\x82x\""), Ok(Value::String("\u{FFFD}\u{FFFD}x".into())));
    assert_eq!(to_vec(&parse(b"\"\\/\"").unwrap_or(Value::Null)), b"\"/\"");
}

#[test]
fn depth_is_bounded() {
    let deep = "[".repeat(MAX_DEPTH + 1);
    check_error(deep.as_bytes(), "invalid character '[' exceeded max depth", MAX_DEPTH as u64 + 1);
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(ok.as_bytes()).is_ok());
}

#[test]
fn numbers() {
    assert_eq!(Number::from_f64(1.0).map(|n| n.to_string()).as_deref(), Some("1"));
    assert_eq!(Number::from_f64(f64::NAN), None);
    assert_eq!(Number::from_i64(-3).as_i64(), Some(-3));
    assert_eq!(Number::from_u64(u64::MAX).as_u64(), Some(u64::MAX));
    assert_eq!(Number("1e400".into()).as_f64(), None);
}

#[test]
fn ascii_folding_matches_unicode_folding() {
    let names = ["", "i", "I", "s", "S", "k", "K", "a", "Z", "_", "1", "tags", "SiZe", "ks"];
    let want: Vec<String> = names.iter().map(|n| fold_name(n)).collect();
    // Every rune, alone and next to ASCII.
    for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        let key = c.to_string();
        let folded = fold_name(&key);
        for (name, want) in names.iter().zip(&want) {
            assert_eq!(folds_to_ascii(&key, name), folded == *want, "{key:?} vs {name:?}");
        }
    }
    for key in ["ks", "KS", "\u{212A}\u{17F}", "k\u{17F}", "\u{131}", "tag", "tagss", "TAGS", "ta\u{131}gs", "SIZE"] {
        for (name, want) in names.iter().zip(&want) {
            assert_eq!(folds_to_ascii(key, name), fold_name(key) == *want, "{key:?} vs {name:?}");
        }
    }
    let v = obj(&[("\u{212A}", Value::Null), ("size", Value::Bool(true)), ("SIZE", Value::Bool(false))]);
    assert_eq!(v.get_folded_ascii("k"), Some(&Value::Null));
    assert_eq!(v.get_folded_ascii("Size"), Some(&Value::Bool(false)));
    assert_eq!(v.get_folded("Size"), v.get_folded_ascii("Size"));
    assert_eq!(v.get_folded("\u{e9}"), None);
}
