//! The corpus charts' real schemas: their own values.yaml, and mutated values compared live
//! with `helm template`.
//!
//! The corpus is found through `CHARTPACK_CORPUS` (default `../../../shared/corpus` from this
//! crate); helm through `HELM` (default `~/.cache/chartpack/helm`, then `helm` on
//! `PATH`; only v4 is used). Tests that need either print a note and pass when it is absent.

#![allow(clippy::disallowed_methods, clippy::print_stdout)] // tests read the corpus, run helm, print notes

use std::path::Path;

use chartpack_encoding::json::{self, Value};
use chartpack_encoding::yaml;

use chartpack_testkit::{corpus, Helm, TempDir};

use crate::*;

/// Corpus charts that have a values.schema.json: (name, schema, values.yaml text).
fn schema_charts(corpus: &Path) -> Vec<(String, Value, String)> {
    let mut names: Vec<String> = std::fs::read_dir(corpus.join("charts"))
        .expect("read corpus")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| corpus.join("charts").join(n).join("values.schema.json").is_file())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let dir = corpus.join("charts").join(&n);
            let schema = json::parse(&std::fs::read(dir.join("values.schema.json")).expect("read schema"))
                .expect("schema is JSON");
            let values = std::fs::read_to_string(dir.join("values.yaml")).unwrap_or_default();
            (n, schema, values)
        })
        .collect()
}

fn yaml_to_json(text: &str) -> Value {
    yaml::to_json(&yaml::parse(text).expect("values parse")).expect("values convert")
}

/// `helm lint` (v4.1.4) on each corpus chart: the text after `[ERROR] values.yaml: `, or
/// `None` when lint reported nothing about values.yaml. helm lint validates values.yaml as
/// written (nulls kept).
const LINT: &[(&str, Option<&str>)] = &[
    ("bitnami__nginx", None),
    ("bitnami__redis", None),
    ("external-dns__external-dns", Some("- at '/policy': got null, want string")),
    ("hashicorp__vault", None),
    (
        "helm__chart-with-schema-negative",
        Some("- at '': missing property 'employmentInfo'\n- at '/age': minimum: got -5, want 0"),
    ),
    ("helm__chart-with-schema", None),
    ("otel__opentelemetry-collector", None),
    ("prometheus-community__alertmanager", None),
    ("traefik__hub-manager", None),
];

#[test]
fn corpus_values_match_helm_lint() {
    let Some(corpus) = corpus() else { return };
    let charts = schema_charts(&corpus);
    assert!(!charts.is_empty(), "no corpus chart has a schema");
    for (name, schema, values) in charts {
        let Some((_, want)) = LINT.iter().find(|(n, _)| *n == name) else {
            panic!("{name}: new corpus chart with a schema; record its `helm lint` output in LINT");
        };
        let schema = compile(&schema).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = schema.validate(&yaml_to_json(&values)).err().map(|e| e.to_string());
        assert_eq!(got.as_deref(), *want, "{name}");
    }
}

/// `helm template` on a chart with `schema` and `values` (in `work`): what helm prints after
/// `c:` (as in scripts/refresh_helm_cases.py), `None` when the values pass.
fn helm_template(helm: &Helm, work: &Path, n: usize, schema: &[u8], values: &str) -> Option<String> {
    let dir = work.join(format!("w{n}/c"));
    std::fs::create_dir_all(dir.join("templates")).expect("create chart");
    std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n").expect("write");
    std::fs::write(dir.join("values.schema.json"), schema).expect("write");
    std::fs::write(dir.join("values.yaml"), values).expect("write");
    let out = helm.run(work, &["template", &dir.to_string_lossy()]);
    if out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    let prefix = "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nc:\n";
    let text = text.strip_prefix(prefix).unwrap_or_else(|| panic!("unexpected helm output: {text}"));
    Some(text.strip_suffix("\n\n").unwrap_or(text).to_owned())
}

/// helm template coalesces values: `null` members of maps disappear.
fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(members) => {
            members.retain(|(_, m)| *m != Value::Null);
            members.iter_mut().for_each(|(_, m)| strip_nulls(m));
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// A value whose JSON type the schema's `type` does not allow.
fn wrong_value(schema: &Value) -> Option<Value> {
    let types: Vec<&str> = match schema.get("type")? {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    let candidates = [
        ("object", Value::Object(vec![("bogus".to_owned(), Value::Bool(true))])),
        ("string", Value::String("not-a-number".to_owned())),
        ("number", Value::Number(json::Number::from_i64(12345))),
        ("boolean", Value::Bool(true)),
        ("array", Value::Array(vec![Value::Number(json::Number::from_i64(1))])),
    ];
    candidates
        .into_iter()
        .find(|(t, _)| !(types.contains(t) || (*t == "number" && types.contains(&"integer"))))
        .map(|(_, v)| v)
}

/// A value breaking the schema's `enum`, `minimum` or `pattern`.
fn bad_value(schema: &Value) -> Option<Value> {
    if schema.get("enum").is_some() {
        return Some(Value::String("not-in-enum".to_owned()));
    }
    if schema.get("minimum").is_some() {
        return Some(Value::Number(json::Number::from_i64(-1_000_000)));
    }
    if schema.get("pattern").is_some() {
        return Some(Value::String("%%% no match %%%".to_owned()));
    }
    None
}

/// Values with one property (top level, or one level down) set to a value of the wrong type,
/// or one breaking its `enum`/`minimum`/`pattern`.
fn mutations(schema: &Value, values: &Value, max: usize) -> Vec<Value> {
    let mut out = Vec::new();
    let Some(Value::Object(props)) = schema.get("properties") else {
        return out;
    };
    for (name, prop) in props {
        if out.len() >= max {
            break;
        }
        if let Some(bad) = bad_value(prop) {
            let mut v = values.clone();
            if let Value::Object(members) = &mut v {
                members.retain(|(k, _)| k != name);
                members.push((name.clone(), bad));
            }
            out.push(v);
        }
        if let Some(wrong) = wrong_value(prop) {
            let mut v = values.clone();
            if let Value::Object(members) = &mut v {
                members.retain(|(k, _)| k != name);
                members.push((name.clone(), wrong));
            }
            out.push(v);
        }
        if let (Some(Value::Object(inner)), Some(Value::Object(current))) = (prop.get("properties"), values.get(name)) {
            if let Some((iname, wrong)) = inner.iter().find_map(|(k, p)| wrong_value(p).map(|w| (k.clone(), w))) {
                let mut v = values.clone();
                if let Value::Object(members) = &mut v {
                    let mut obj = current.clone();
                    obj.retain(|(k, _)| *k != iname);
                    obj.push((iname, wrong));
                    members.retain(|(k, _)| k != name);
                    members.push((name.clone(), Value::Object(obj)));
                }
                out.push(v);
            }
        }
    }
    out
}

/// Whether two outputs have the same top-level errors in some order (helm visits the
/// properties of a values map in Go's random order).
fn same_blocks(a: Option<&str>, b: Option<&str>) -> bool {
    fn blocks(text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for line in text.split('\n') {
            match out.last_mut() {
                Some(last) if line.starts_with(' ') => {
                    last.push('\n');
                    last.push_str(line);
                }
                _ => out.push(line.to_owned()),
            }
        }
        out.sort();
        out
    }
    match (a, b) {
        (Some(a), Some(b)) => blocks(a) == blocks(b),
        (a, b) => a == b,
    }
}

/// Mutated values for every corpus schema, each checked against the real `helm template`
/// (three helm runs, then order-insensitive, when several property errors make helm's order vary).
#[test]
fn corpus_mutations_match_helm_template() {
    let Some(corpus) = corpus() else { return };
    let Some(helm) = Helm::find("schema") else { return };
    let work = TempDir::new("schema");
    let mut n = 0;
    let mut failures = Vec::new();
    for (name, schema_value, values) in schema_charts(&corpus) {
        let schema_bytes = std::fs::read(corpus.join("charts").join(&name).join("values.schema.json")).expect("read");
        let schema = compile(&schema_value).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut base = yaml_to_json(&values);
        strip_nulls(&mut base);
        for mutated in mutations(&schema_value, &base, 10) {
            n += 1;
            let text = yaml::to_yaml_string(&mutated);
            let ours = schema.validate(&yaml_to_json(&text)).err().map(|e| e.to_string());
            let mut seen = Vec::new();
            let matched = (0..3).any(|_| {
                n += 1;
                let theirs = helm_template(&helm, work.path(), n, &schema_bytes, &text);
                let same = theirs == ours;
                seen.push(theirs);
                same
            }) || seen.iter().any(|theirs| same_blocks(theirs.as_deref(), ours.as_deref()));
            if !matched {
                failures.push(format!("{name}: values\n{text}\nhelm: {seen:?}\nours: {ours:?}"));
            }
        }
    }
    println!("compared {n} helm runs");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
