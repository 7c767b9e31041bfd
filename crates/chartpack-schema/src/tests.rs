//! Whole-crate tests: helm-confirmed messages (src/helm_cases.rs, regenerated with
//! `python3 crates/chartpack-schema/scripts/refresh_helm_cases.py`), and chartpack's own
//! guarantees (no external loads, bounded work, structured errors, no panics).

use chartpack_encoding::{json, yaml};

use crate::*;

/// Compiles `schema`, validates `values` (YAML, read as helm reads values.yaml) and renders
/// the outcome as helm prints it after `<chart>:`: `None` when the values pass, the
/// validation text, or `SCHEMA: ` and the schema error.
fn outcome(schema: &str, values: &str) -> Option<String> {
    let schema = json::parse(schema.as_bytes()).unwrap();
    let values = yaml::to_json(&yaml::parse(values).unwrap()).unwrap();
    match compile(&schema) {
        Err(e) => Some(format!("SCHEMA: {e}")),
        Ok(s) => match s.validate(&values) {
            Ok(()) => None,
            Err(e) => Some(e.to_string()),
        },
    }
}

/// `want` lists what helm printed (several texts when Go's map order made helm's output vary;
/// chartpack must print one of them); empty means the values pass. `None` when it matches.
fn mismatch(schema: &str, values: &str, want: &[&str]) -> Option<String> {
    let got = outcome(schema, values);
    let ok = match &got {
        None => want.is_empty(),
        Some(text) => want.contains(&text.as_str()),
    };
    (!ok).then(|| format!("schema {schema}\nvalues {values}\nwant {want:?}\ngot  {got:?}"))
}

#[track_caller]
fn check(schema: &str, values: &str, want: &[&str]) {
    if let Some(m) = mismatch(schema, values, want) {
        panic!("{m}");
    }
}

/// Every case of scripts/helm_cases.json, as recorded from `helm template` (v4.1.4).
#[test]
fn helm_cases() {
    let cases = crate::helm_cases::CASES;
    let failures: Vec<String> = cases.iter().filter_map(|(s, v, w)| mismatch(s, v, w)).collect();
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

// `helm lint` on /work/shared/corpus/charts/helm__chart-with-schema-negative (v4.1.4) printed
// `[ERROR] values.yaml: ` followed by this text (and a blank line).
#[test]
fn brief_example() {
    check(
        r#"{"properties":{"age":{"minimum":0}},"required":["employmentInfo"]}"#,
        "age: -5",
        &["- at '': missing property 'employmentInfo'\n- at '/age': minimum: got -5, want 0"],
    );
}

// ---- chartpack's own guarantees (no helm equivalent: helm would load, hang or crash) ----

fn compile_text(schema: &str) -> Result<Schema, SchemaError> {
    compile(&json::parse(schema.as_bytes()).unwrap())
}

#[track_caller]
fn check_refused(schema: &str, want_code: &str, want_text: &str) {
    let err = compile_text(schema).unwrap_err();
    assert_eq!(err.code(), want_code, "{schema}");
    assert_eq!(err.to_string(), want_text, "{schema}");
}

/// helm would read the file or fetch the URL (and treat unresolved `urn:` refs as `true`);
/// chartpack refuses, naming the reference.
#[test]
fn external_references_are_refused() {
    let tail = "chartpack does not load external schemas (helm would read or fetch it)";
    check_refused(
        r#"{"properties":{"a":{"$ref":"other.json"}}}"#,
        "schema.external_ref",
        &format!(r#"failing loading "file:///other.json" for $ref "other.json": {tail}"#),
    );
    check_refused(
        r#"{"$ref":"file:///etc/passwd"}"#,
        "schema.external_ref",
        &format!(r#"failing loading "file:///etc/passwd" for $ref "file:///etc/passwd": {tail}"#),
    );
    check_refused(
        r#"{"$ref":"https://example.com/s.json#/definitions/x"}"#,
        "schema.external_ref",
        &format!(
            r#"failing loading "https://example.com/s.json" for $ref "https://example.com/s.json#/definitions/x": {tail}"#
        ),
    );
    check_refused(
        r#"{"$ref":"http://169.254.169.254/latest/meta-data"}"#,
        "schema.external_ref",
        &format!(
            r#"failing loading "http://169.254.169.254/latest/meta-data" for $ref "http://169.254.169.254/latest/meta-data": {tail}"#
        ),
    );
    check_refused(
        r#"{"$ref":"urn:example:thing"}"#,
        "schema.external_ref",
        &format!(r#"failing loading "urn:example:thing" for $ref "urn:example:thing": {tail}"#),
    );
    check_refused(
        r#"{"$id":"http://example.com/root.json","properties":{"a":{"$ref":"item.json"}}}"#,
        "schema.external_ref",
        &format!(r#"failing loading "http://example.com/item.json" for $ref "item.json": {tail}"#),
    );
    check_refused(
        r#"{"$ref":"https://json-schema.org/draft/2020-12/meta/nope"}"#,
        "schema.external_ref",
        &format!(
            r#"failing loading "https://json-schema.org/draft/2020-12/meta/nope" for $ref "https://json-schema.org/draft/2020-12/meta/nope": {tail}"#
        ),
    );
    check_refused(
        r#"{"$schema":"http://example.com/my-metaschema","type":"object"}"#,
        "schema.external",
        &format!(r#"failing loading "http://example.com/my-metaschema": {tail}"#),
    );
    // Refs that stay inside the document or reach an embedded metaschema are fine.
    assert!(compile_text(r#"{"$id":"http://example.com/root.json","properties":{"a":{"$ref":"item.json"}},"$defs":{"i":{"$id":"item.json"}}}"#).is_ok());
    assert!(compile_text(r#"{"$ref":"http://json-schema.org/draft-07/schema#"}"#).is_ok());
}

/// A `$ref` chain back to itself without consuming input is the library's reference-cycle
/// error (helm-confirmed in helm_cases); through a value it is bounded by the value's depth.
#[test]
fn reference_cycles_end() {
    check(
        r##"{"$ref":"#"}"##,
        "a: 1",
        &["- at '': both /$ref and  resolve to \"file:///values.schema.json#\" causing reference cycle"],
    );
    let schema = compile_text(r##"{"properties":{"a":{"$ref":"#"}},"required":["b"]}"##).unwrap();
    let mut values = String::from("{b: 1}");
    for _ in 0..50 {
        values = format!("{{a: {values}, b: 1}}");
    }
    let values = yaml::to_json(&yaml::parse(&values).unwrap()).unwrap();
    assert_eq!(schema.validate(&values), Ok(()));
}

/// `anyOf` of `anyOf` of … all failing: 2^40 visits in a naive validator.
#[test]
fn exponential_schemas_stop_at_the_step_limit() {
    let mut defs = Vec::new();
    for i in 0..40 {
        defs.push(format!(
            r##""d{i}":{{"anyOf":[{{"$ref":"#/$defs/d{n}"}},{{"$ref":"#/$defs/d{n}","minimum":1}}]}}"##,
            n = i + 1
        ));
    }
    defs.push(r#""d40":{"type":"string"}"#.to_owned());
    let schema = format!(r##"{{"$ref":"#/$defs/d0","$defs":{{{}}}}}"##, defs.join(","));
    let limits = Limits { max_steps: 100_000, ..DEFAULT_LIMITS };
    let schema = compile_with_limits(&json::parse(schema.as_bytes()).unwrap(), &limits).unwrap();
    let err = schema.validate(&json::parse(b"5").unwrap()).unwrap_err();
    assert_eq!(err, ValidateError::TooComplex { limit: 100_000 });
    assert_eq!(err.code(), "schema.values_too_complex");
}

/// Deep values and deep `$ref` chains end with an error, not a stack overflow.
#[test]
fn depth_is_bounded() {
    let limits = Limits { max_depth: 30, ..DEFAULT_LIMITS };
    let schema =
        compile_with_limits(&json::parse(br##"{"additionalProperties":{"$ref":"#"}}"##).unwrap(), &limits).unwrap();
    let mut deep = Value::Null;
    for _ in 0..40 {
        deep = Value::Object(vec![("a".to_owned(), deep)]);
    }
    assert_eq!(schema.validate(&deep), Err(ValidateError::TooDeep { limit: 30 }));

    let chain: Vec<String> = (0..60).map(|i| format!(r##""d{i}":{{"$ref":"#/$defs/d{}"}}"##, i + 1)).collect();
    let text = format!(r##"{{"$ref":"#/$defs/d0","$defs":{{{},"d60":true}}}}"##, chain.join(","));
    let schema = compile_with_limits(&json::parse(text.as_bytes()).unwrap(), &limits).unwrap();
    assert_eq!(schema.validate(&Value::Null), Err(ValidateError::TooDeep { limit: 30 }));

    let mut nested = String::from("true");
    for _ in 0..40 {
        nested = format!(r#"{{"not":{nested}}}"#);
    }
    let err = compile_with_limits(&json::parse(nested.as_bytes()).unwrap(), &limits).unwrap_err();
    assert_eq!(err.code(), "schema.too_deep");
}

/// The default depth limit fits the default 2 MiB test-thread stack in a debug build (about
/// 3.8 KiB per level; release builds need about 1.3 KiB, well inside wasm's 1 MiB stack).
#[test]
fn default_depth_fits_the_stack() {
    let n = DEFAULT_LIMITS.max_depth - 2;
    let chain: Vec<String> = (0..n).map(|i| format!(r##""d{i}":{{"$ref":"#/$defs/d{}"}}"##, i + 1)).collect();
    let text = format!(r##"{{"$ref":"#/$defs/d0","$defs":{{{},"d{n}":{{"type":"string"}}}}}}"##, chain.join(","));
    let schema = compile(&json::parse(text.as_bytes()).unwrap()).unwrap();
    let err = schema.validate(&Value::Null).unwrap_err();
    assert!(err.to_string().ends_with("got null, want string"), "{err}");

    // Two validator levels per value level: the property, then its `$ref`.
    let schema = compile(&json::parse(br##"{"additionalProperties":{"$ref":"#"},"type":"object"}"##).unwrap()).unwrap();
    let mut deep = Value::Object(Vec::new());
    for _ in 0..DEFAULT_LIMITS.max_depth / 2 - 2 {
        deep = Value::Object(vec![("a".to_owned(), deep)]);
    }
    assert_eq!(schema.validate(&deep), Ok(()));
}

#[test]
fn schemas_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Schema>();
    assert_send_sync::<SchemaError>();
    assert_send_sync::<ValidateError>();
}

/// Structured access for UIs: location, keyword and message of each failure.
#[test]
fn errors_are_structured() {
    let schema =
        compile_text(r#"{"properties":{"a":{"anyOf":[{"type":"string"},{"minimum":10}]}},"required":["b"]}"#).unwrap();
    let err = schema.validate(&json::parse(br#"{"a":5}"#).unwrap()).unwrap_err();
    let errors = err.errors().unwrap();
    let leaves: Vec<(String, Option<String>, String)> =
        errors.leaves().iter().map(|e| (e.instance_pointer(), e.keyword(), e.message())).collect();
    assert_eq!(
        leaves,
        [
            (String::new(), Some("required".to_owned()), "missing property 'b'".to_owned()),
            ("/a".to_owned(), Some("type".to_owned()), "got number, want string".to_owned()),
            ("/a".to_owned(), Some("minimum".to_owned()), "minimum: got 5, want 10".to_owned()),
        ]
    );
    assert_eq!(errors.errors().len(), 2);
    assert_eq!(errors.errors()[1].kind(), &ErrorKind::AnyOf);
    assert_eq!(errors.errors()[1].schema_location(), "file:///values.schema.json#/properties/a");
    assert!(errors.full_text().starts_with("jsonschema validation failed with 'file:///values.schema.json#'\n- at ''"));
    assert_eq!(schema.draft(), Draft::Draft2020);
}

/// Go's regexp accepts Unicode classes; regex-lite cannot run them: refused, not ignored.
#[test]
fn unsupported_regexes_are_refused() {
    let err = compile_text(r#"{"properties":{"a":{"pattern":"^\\p{L}+$"}}}"#).unwrap_err();
    assert_eq!(err.code(), "schema.invalid_regex");
    assert_eq!(
        err.to_string(),
        r#"invalid regex "^\\p{L}+$" at "file:///values.schema.json#/properties/a/pattern": unsupported by chartpack's regex engine: Unicode class `\p{L}`"#
    );
}

/// Pseudo-random schemas and values from the keyword vocabulary: no panic, whatever comes.
#[test]
fn random_inputs_do_not_panic() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    const KEYS: &[&str] = &[
        "type",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "patternProperties",
        "propertyNames",
        "minProperties",
        "dependentRequired",
        "dependentSchemas",
        "dependencies",
        "items",
        "prefixItems",
        "additionalItems",
        "contains",
        "minContains",
        "maxContains",
        "minItems",
        "uniqueItems",
        "minLength",
        "pattern",
        "minimum",
        "exclusiveMaximum",
        "multipleOf",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "$ref",
        "$defs",
        "definitions",
        "$id",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
        "$recursiveRef",
        "$recursiveAnchor",
        "format",
        "unevaluatedProperties",
        "unevaluatedItems",
        "$schema",
    ];
    const ATOMS: &[&str] = &[
        "true",
        "false",
        "null",
        "0",
        "-1",
        "1.5",
        "1e400",
        "\"string\"",
        "\"#\"",
        "\"#/$defs/a\"",
        "\"#a\"",
        "\"^a+$\"",
        "\"(\"",
        "\"email\"",
        "\"date\"",
        "\"ipv6\"",
        "\"regex\"",
        "[]",
        "{}",
        "[\"a\",\"b\"]",
        "\"http://json-schema.org/draft-07/schema#\"",
        "\"https://json-schema.org/draft/2019-09/schema\"",
    ];
    fn gen(next: &mut dyn FnMut(usize) -> usize, depth: usize) -> String {
        if depth == 0 || next(3) == 0 {
            return ATOMS[next(ATOMS.len())].to_owned();
        }
        if next(4) == 0 {
            let items: Vec<String> = (0..next(4)).map(|_| gen(next, depth - 1)).collect();
            return format!("[{}]", items.join(","));
        }
        let members: Vec<String> =
            (0..next(5)).map(|_| format!("\"{}\":{}", KEYS[next(KEYS.len())], gen(next, depth - 1))).collect();
        format!("{{{}}}", members.join(","))
    }
    for _ in 0..20_000 {
        let schema = gen(&mut next, 4);
        let value = gen(&mut next, 4);
        let (Ok(schema), Ok(value)) = (json::parse(schema.as_bytes()), json::parse(value.as_bytes())) else {
            continue;
        };
        if let Ok(s) = compile(&schema) {
            let _ = s.validate(&value).map_err(|e| e.to_string());
        }
    }
    // The fuzz entry point on a few shapes, including truncated and odd inputs.
    for data in [&b""[..], b"{", b"true\0a: 1", b"{\"$ref\":\"#\"}\0a: [", b"{\"type\":\"string\"}\0\xff\xfe"] {
        fuzz::schema_and_values(data);
    }
}
