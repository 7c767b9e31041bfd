//! Tests for the yaml module: tables confirmed with helm v4.1.4, limits, and no-panic sweeps.
//!
//! `helm_cases.rs` holds inputs with helm's answers, produced by running helm v4.1.4 on charts
//! whose `values.yaml` (rendered with `{{ toJson .Values }}`) or `Chart.yaml` (through
//! `helm show chart` for errors and `helm package` for the re-serialised file) was the input.
//! Refresh it with `python3 scripts/refresh_helm_cases.py [helm]` (inputs in
//! `scripts/helm_cases.json`); never edit it by hand.

#[path = "helm_cases.rs"]
mod helm_cases;

use super::*;
use crate::json;

/// What `helm template` shows for `toJson .Values`: helm decodes the JSON into
/// `map[string]interface{}`, so every number becomes a float64 before `json.Marshal`.
fn as_helm_values(v: &json::Value) -> json::Value {
    match v {
        json::Value::Number(n) => {
            json::Value::Number(n.as_f64().and_then(json::Number::from_f64).unwrap_or_else(|| n.clone()))
        }
        json::Value::Array(items) => json::Value::Array(items.iter().map(as_helm_values).collect()),
        json::Value::Object(members) => {
            json::Value::Object(members.iter().map(|(k, v)| (k.clone(), as_helm_values(v))).collect())
        }
        other => other.clone(),
    }
}

fn convert(text: &str) -> Result<json::Value, String> {
    let value = parse(text).map_err(|e| e.to_string())?;
    to_json(&value).map_err(|e| e.to_string())
}

#[track_caller]
fn check_values(text: &str, want: &str) {
    let got = convert(text).map(|j| as_helm_values(&j));
    let got = got.map(|j| String::from_utf8(json::to_vec(&j)).unwrap_or_default());
    assert_eq!(got.as_deref(), Ok(want), "input:\n{text}");
}

#[track_caller]
fn check_error(text: &str, want: Option<&str>) {
    let got = convert(text).err();
    assert_eq!(got.as_deref(), want, "input:\n{text}");
}

/// The subset of helm's `Metadata` these cases use, marshalled in Go field order and
/// re-serialised like `helm package` (string fields through `to_go_string`, omitempty).
fn package(chart_yaml: &str) -> String {
    let doc = match parse(chart_yaml) {
        Ok(doc) => doc,
        Err(e) => return format!("ERR {}", e.problem()),
    };
    let field = |name: &str| doc.get(name).and_then(Value::to_go_string).filter(|s| !s.is_empty());
    let mut members = Vec::new();
    for name in ["name", "version", "description", "apiVersion", "appVersion"] {
        if let Some(s) = field(name) {
            members.push((name.to_owned(), json::Value::String(s)));
        }
    }
    if let Some(Value::Map(entries)) = doc.get("annotations") {
        let mut annotations: Vec<(String, json::Value)> = Vec::new();
        for (k, v) in entries {
            let k = k.to_go_string().unwrap_or_default();
            annotations.retain(|(seen, _)| *seen != k);
            annotations.push((k, json::Value::String(v.to_go_string().unwrap_or_default())));
        }
        if !annotations.is_empty() {
            members.push(("annotations".to_owned(), json::Value::Object(annotations)));
        }
    }
    match try_to_yaml_string(&json::Value::Object(members)) {
        Ok(text) => text,
        Err(e) => format!("ERR {}", e.problem()),
    }
}

#[test]
fn values_match_helm() {
    for (text, want) in helm_cases::VALUES {
        check_values(text, want);
    }
}

#[test]
fn errors_match_helm() {
    for (text, want) in helm_cases::ERRORS {
        check_error(text, *want);
    }
}

#[test]
fn packaged_chart_yaml_matches_helm() {
    for (text, want) in helm_cases::PACKAGED {
        assert_eq!(package(text).trim_end(), *want, "Chart.yaml:\n{text}");
    }
}

#[track_caller]
fn check_go_string(scalar: &str, want: &str) {
    let doc = parse(&format!("v: {scalar}\n")).unwrap_or(Value::Null);
    assert_eq!(doc.get("v").and_then(Value::to_go_string).as_deref(), Some(want), "{scalar}");
}

// Confirmed with helm v4.1.4: `appVersion: <scalar>` packaged (see PACKAGED for the files).
#[test]
fn scalars_into_go_string_fields() {
    for (scalar, want) in [
        ("1.10", "1.1"),
        ("3.14159265358979", "3.1415927"),
        ("1.0", "1"),
        ("1234567.0", "1.234567e+06"),
        ("1e300", "+Inf"),
        ("0x1F", "31"),
        ("017", "15"),
        ("0o17", "15"),
        ("yes", "true"),
        ("~", ""),
        ("12345678901234567890", "12345678901234567890"),
        ("-1.5e-7", "-1.5e-07"),
        ("1e21", "1e+21"),
        ("1e6", "1e+06"),
        (".5", "0.5"),
        ("2001-12-14", "2001-12-14"),
        ("08", "8"),
    ] {
        check_go_string(scalar, want);
    }
}

#[track_caller]
fn check_emit(json_text: &str, want: &str) {
    let value = json::parse(json_text.as_bytes()).unwrap_or(json::Value::Null);
    assert_eq!(to_yaml_string(&value), want, "{json_text}");
}

#[test]
fn json_to_yaml() {
    // The helm-create chart's packaged Chart.yaml (helm-behaviour.md §3.4, verified).
    check_emit(
        r#"{"name":"mychart","version":"0.1.0","description":"A Helm chart for Kubernetes","apiVersion":"v2","appVersion":"1.16.0","type":"application"}"#,
        "apiVersion: v2\nappVersion: 1.16.0\ndescription: A Helm chart for Kubernetes\nname: mychart\ntype: application\nversion: 0.1.0\n",
    );
    // Chart.lock layout (helm-behaviour.md §6.1): sequences at the parent key's column.
    check_emit(
        r#"{"generated":"2026-11-24T13:02:15.82018192Z","digest":"sha256:ab","dependencies":[{"name":"mychart","repository":"http://127.0.0.1:18080/","version":"0.1.0"}]}"#,
        "dependencies:\n- name: mychart\n  repository: http://127.0.0.1:18080/\n  version: 0.1.0\ndigest: sha256:ab\ngenerated: \"2026-11-24T13:02:15.82018192Z\"\n",
    );
    // yaml.v2 re-reads JSON numbers: 1.0 is written as 1, big ones as floats.
    check_emit(
        r#"{"a":1.0,"b":1e21,"c":-0,"d":12345678901234567890,"e":[],"f":{},"g":null}"#,
        "a: 1\nb: 1e+21\nc: 0\nd: 12345678901234567890\ne: []\nf: {}\ng: null\n",
    );
    // A keep-chomped block last in the stream gets no `...` marker (yaml.v2 clears it).
    check_emit(r#"{"z":"keep\n\n"}"#, "z: |+\n  keep\n\n");
    check_emit(r#""top""#, "top\n");
}

#[test]
fn emit_rejects_what_yaml_v2_cannot_read_back() {
    let value = json::Value::String("del\u{7f}".to_owned());
    assert_eq!(
        try_to_yaml_string(&value).map_err(|e| e.to_string()),
        Err("yaml: control characters are not allowed".to_owned())
    );
    assert_eq!(to_yaml_string(&value), "");
}

// keyList.Less order from helm-behaviour.md §3.4 (verified with helm).
#[test]
fn key_order() {
    let keys = ["_u", "1", "2", "10", "A", "Ab", "a-b", "a.b", "a_b", "ab", "a9", "a10"];
    let members = keys.iter().rev().map(|k| (k.to_string(), json::Value::Null)).collect();
    let text = to_yaml_string(&json::Value::Object(members));
    let got: Vec<&str> = text.lines().map(|l| l.split(':').next().unwrap_or("")).collect();
    assert_eq!(got, ["_u", "\"1\"", "\"2\"", "\"10\"", "A", "Ab", "a-b", "a.b", "a_b", "a9", "a10", "ab"]);
}

#[test]
fn parse_all_documents() {
    let docs = parse_all("a: 1\n---\nb: 2\n...\n--- [3]\n").unwrap_or_default();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[2], Value::Seq(vec![Value::Int(3)]));
    assert_eq!(parse_all(""), Ok(vec![]));
    // Unmarshal stops after the first document, so later errors go unseen.
    assert_eq!(parse("a: 1\n---\n[").map(|v| v.get("a").cloned()), Ok(Some(Value::Int(1))));
    assert!(parse_all("a: 1\n---\n[").is_err());
}

#[test]
fn get_and_accessors() {
    let doc = parse("a: 1\nb: x\na: 2\n").unwrap_or(Value::Null);
    assert_eq!(doc.get("a"), Some(&Value::Int(2)));
    assert_eq!(doc.get("b").and_then(Value::as_str), Some("x"));
    assert_eq!(doc.get("c"), None);
    assert_eq!(parse(""), Ok(Value::Null));
    assert_eq!(parse("# only a comment\n"), Ok(Value::Null));
    let err = parse("a: [1, 2\n").err();
    assert_eq!(err.as_ref().map(YamlError::line), Some(Some(1)));
    assert_eq!(err.as_ref().map(YamlError::problem), Some("did not find expected ',' or ']'"));
}

#[test]
fn depth_is_bounded() {
    let deep = "[".repeat(MAX_DEPTH + 1);
    let err = parse(&deep).err().map(|e| e.to_string());
    assert_eq!(err.as_deref(), Some("yaml: exceeded max depth of 512"));
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&ok).is_ok());
    let block = format!("{}x\n", "- ".repeat(MAX_DEPTH + 1));
    assert_eq!(parse(&block).err().map(|e| e.problem().to_owned()).as_deref(), Some("exceeded max depth of 512"));
    // Aliases can nest deeper than the text; the decoded depth is bounded too.
    let mut chain = String::from("a0: &a0 [x]\n");
    for i in 1..=MAX_DEPTH {
        chain.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
    }
    assert!(parse(&chain).is_err());
}

#[test]
fn alias_bombs_fail() {
    // yaml.v2's own limit test ("1000kb of maps with 100 aliases" shape, scaled).
    let mut bomb = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for n in names {
        bomb.push_str(&format!("{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n", p = prev));
        prev = n;
    }
    let err = parse(&bomb).err().map(|e| e.to_string());
    assert_eq!(err.as_deref(), Some("yaml: document contains excessive aliasing"));
    // Large scalars copied through aliases are bounded by bytes.
    let big = "x".repeat(1 << 20);
    let mut text = format!("a: &a \"{big}\"\nb: [");
    text.push_str(&"*a,".repeat(100));
    text.push_str("*a]\n");
    let err = parse(&text).err().map(|e| e.to_string());
    assert_eq!(err.as_deref(), Some("yaml: document contains excessive aliasing"));
    // Modest aliasing is fine.
    assert!(parse("a: &a {x: 1}\nb: *a\nc: [*a, *a]\n").is_ok());
}

#[test]
fn patched_reparse_is_bounded() {
    // Each `\'` costs one re-parse; past MAX_PATCHES libyaml's error is reported.
    let many: String = (0..70).map(|i| format!("k{i}: \"a\\'b\"\n")).collect();
    assert!(parse(&many).is_err());
    let few: String = (0..10).map(|i| format!("k{i}: \"a\\'b\"\n")).collect();
    assert_eq!(parse(&few).map(|v| v.get("k9").cloned()), Ok(Some(Value::String("a'b".into()))));
}

#[test]
fn large_documents_parse() {
    let text: String = (0..50_000).map(|i| format!("key{i}:\n  name: value {i}\n  n: {i}\n")).collect();
    let doc = parse(&text);
    assert!(matches!(doc, Ok(Value::Map(ref m)) if m.len() == 50_000));
}

/// xorshift, for a dependency-free sweep of odd inputs.
fn rng(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn never_panics_on_noise() {
    const ALPHABET: &[u8] = b"ab:- \n\t[]{},?'\"\\!&*#|>%@`~.0x1e<=\r\xc2\x85\xef\xbb\xbf\xff";
    let mut seed = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..3000 {
        let len = (rng(&mut seed) % 40) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| ALPHABET[(rng(&mut seed) % ALPHABET.len() as u64) as usize]).collect();
        crate::fuzz::yaml(&bytes);
        crate::fuzz::json(&bytes);
    }
}

/// yaml.v2 `UnmarshalStrict` as helm v4.1.4 showed it reading an index (`helm repo index DIR
/// --merge FILE`: `error converting YAML to JSON: <this text>`).
#[test]
fn strict_parse_reports_repeated_keys_like_yaml_v2() {
    #[track_caller]
    fn check(text: &str, want: &str) {
        assert_eq!(parse_bytes_strict(text.as_bytes()).map_err(|e| e.to_string()), Err(want.to_owned()), "{text:?}");
        assert!(parse_bytes(text.as_bytes()).is_ok(), "the lenient parse accepts {text:?}");
    }
    check(
        "apiVersion: v1\napiVersion: v1\nentries: {}\n",
        "yaml: unmarshal errors:\n  line 2: key \"apiVersion\" already set in map",
    );
    check(
        "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    annotations:\n      1: x\n      1: y\n      \"1\": z\n      true: q\n      yes: r\n    name: b\nentries: {}\n",
        "yaml: unmarshal errors:\n  line 8: key 1 already set in map\n  line 11: key true already set in map\n  line 12: key \"name\" already set in map\n  line 13: key \"entries\" already set in map",
    );
    // Merge keys count too, in either order.
    check(
        "base: &b {x: 1}\napiVersion: v1\nserverInfo:\n  <<: *b\n  x: 2\nentries: {}\n",
        "yaml: unmarshal errors:\n  line 5: key \"x\" already set in map",
    );
    check(
        "apiVersion: v1\nserverInfo:\n  x: 2\n  <<: {x: 1, y: 1}\nentries: {}\n",
        "yaml: unmarshal errors:\n  line 4: key \"x\" already set in map",
    );
    assert_eq!(
        parse_bytes_strict(b"a: 1\nb: [1, 1]\n"),
        Ok(Value::Map(vec![
            (Value::String("a".into()), Value::Int(1)),
            (Value::String("b".into()), Value::Seq(vec![Value::Int(1), Value::Int(1)])),
        ]))
    );
}
