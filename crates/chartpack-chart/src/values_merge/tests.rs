//! `.Values` computation cases; every expected text is what helm v4.1.4 printed for
//! `helm template r p … --show-only templates/zz-values.yaml` with `{{ toYaml .Values }}`.

use super::*;
use crate::load::{load_directory, ChartFile, DEFAULT_LOAD_LIMITS};
use crate::time::Timestamp;

/// A parent with an import-values subchart `sub`, the same chart aliased as `sub2` behind a
/// condition, `other` behind a tag, and globals.
const PARENT: &[(&str, &str)] = &[
    ("Chart.yaml", "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  repository: file://x\n  import-values:\n  - child: conf\n    parent: imported\n  - data\n- name: sub\n  alias: sub2\n  version: 1.0.0\n  repository: file://x\n  condition: sub2.enabled\n- name: other\n  version: 1.0.0\n  repository: file://x\n  tags: [extra]\n"),
    ("values.yaml", "global:\n  tier: web\n  nested: {a: 1}\nsub:\n  port: 81\n  list: [1, 2]\nsub2:\n  enabled: false\ntags:\n  extra: true\nkeep: 1\ngone: 2\nbig: 12345678901234567890\n"),
    ("charts/other/Chart.yaml", "apiVersion: v2\nname: other\nversion: 1.0.0\n"),
    ("charts/other/values.yaml", "o: 1\n"),
    ("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 1.0.0\n"),
    ("charts/sub/values.yaml", "port: 80\nlist: [9]\nconf: {level: high}\nexports:\n  data:\n    shared: 7\nglobal:\n  tier: sub\n  own: x\n"),
];

const F1: &str = "gone: null\nsub: {list: [3], port: 90}\nnewkey: {x: 1}\n";
const F2: &str = "newkey: {y: 2}\nkeep: null\nglobal: {nested: {b: 2}}\n---\nlater: doc\n";
const EXPECTED: &str = "big: 12345678901234567000\nglobal:\n  nested:\n    a: 1\n    b: 2\n  tier: web\nimported:\n  level: high\nlater: doc\nnewkey:\n  \"true\": 2\n  x: 1\nother:\n  global:\n    nested:\n      a: 1\n      b: 2\n    tier: web\n  o: 1\nshared: 7\nsub:\n  conf:\n    level: high\n  exports:\n    data:\n      shared: 7\n  global:\n    nested:\n      a: 1\n      b: 2\n    own: x\n    tier: web\n  list:\n  - 3\n  port: 90\nsub2:\n  conf:\n    level: high\n  enabled: true\n  exports:\n    data:\n      shared: 7\n  global:\n    nested:\n      a: 1\n      b: 2\n    own: x\n    tier: web\n  list:\n  - 9\n  port: 80\ntags:\n  extra: true\nx:\n  k:\n  - 1\n";

fn chart(files: &[(&str, &str)]) -> Chart {
    let files = files
        .iter()
        .map(|(path, data)| ChartFile {
            path: (*path).to_owned(),
            modified: Timestamp::from_secs(1),
            data: data.as_bytes().to_vec(),
        })
        .collect();
    load_directory(files, &DEFAULT_LOAD_LIMITS).expect("chart loads")
}

fn file(name: &str, data: &str) -> ValuesFile {
    ValuesFile { name: name.to_owned(), data: Ok(data.as_bytes().to_vec()) }
}

#[track_caller]
fn check(files: &[(&str, &str)], options: &ValueOptions, expected: Result<&str, &str>) {
    let got = compute_values(&chart(files), options, false).and_then(|v| values_yaml(&v)).map_err(|e| e.to_string());
    assert_eq!(got.as_deref(), expected.map_err(|e| e.to_owned()).as_deref());
}

#[test]
fn files_sets_subcharts_globals_and_imports_like_helm() {
    let options = ValueOptions {
        value_files: vec![file("f1.yaml", F1), file("f2.yaml", F2)],
        values: vec!["sub2.enabled=true".to_owned()],
        json_values: vec![r#"x={"k":[1]}"#.to_owned()],
        ..ValueOptions::default()
    };
    check(PARENT, &options, Ok(EXPECTED));
}

#[test]
fn no_values_is_an_empty_map() {
    check(&[("Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n")], &ValueOptions::default(), Ok("{}\n"));
}

#[test]
fn errors_read_like_helm() {
    let c = &[("Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n"), ("values.yaml", "x: 1\n")][..];
    let set = |line: &str| ValueOptions { values: vec![line.to_owned()], ..ValueOptions::default() };
    check(c, &set("a={x,y}z"), Err("failed parsing --set data: key \"z\" has no value"));
    check(
        c,
        &ValueOptions { json_values: vec![r#"{"a":1"#.to_owned()], ..ValueOptions::default() },
        Err(r#"failed parsing --set-json data JSON: {"a":1"#),
    );
    check(
        c,
        &ValueOptions { json_values: vec!["a=tru".to_owned()], ..ValueOptions::default() },
        Err("failed parsing --set-json data a=tru"),
    );
    check(
        c,
        &ValueOptions { value_files: vec![file("list.yaml", "- a\n")], ..ValueOptions::default() },
        Err("failed to parse list.yaml: cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"),
    );
    check(
        c,
        &ValueOptions { file_values: vec!["a=nope".to_owned()], ..ValueOptions::default() },
        Err("failed parsing --set-file data: open nope: no such file or directory"),
    );
    check(PARENT, &set("sub=x"), Err("chart dependencies processing failed: type mismatch on sub: %!t(string=x)"));
    check(
        &[("Chart.yaml", "apiVersion: v2\nname: lib\nversion: 1.0.0\ntype: library\n")],
        &ValueOptions::default(),
        Err("library charts are not installable"),
    );
}

#[test]
fn null_deletes_defaults_and_is_kept_elsewhere() {
    let c =
        &[("Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n"), ("values.yaml", "x: 1\nb: {a: 1, c: 2}\n")][..];
    let options = ValueOptions { values: vec!["x=null,z=null,b.a=null".to_owned()], ..ValueOptions::default() };
    check(c, &options, Ok("b:\n  c: 2\nz: null\n"));
}
