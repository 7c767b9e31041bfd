//! strvals cases; every expectation is what helm v4.1.4 printed for
//! `helm template r CHART --set … --show-only templates/zz-values.yaml` (`{{ toYaml .Values }}`)
//! or its `Error: failed parsing --set data: …` line.

use super::*;

fn no_files(path: &str) -> Result<String, String> {
    Err(format!("open {path}: no such file or directory"))
}

fn yaml(map: &GoMap) -> String {
    let json = GoValue::Map(map.clone()).to_json().expect("finite");
    chartpack_encoding::yaml::to_yaml_string(&json)
}

#[track_caller]
fn check(kind: SetKind, line: &str, expected: &str) {
    let mut dest = GoMap::new();
    parse_into(kind, line, &mut dest, &mut no_files).unwrap_or_else(|e| panic!("{line}: {e}"));
    assert_eq!(yaml(&dest), expected, "line {line}");
}

#[track_caller]
fn check_err(kind: SetKind, line: &str, expected: &str) {
    let mut dest = GoMap::new();
    assert_eq!(parse_into(kind, line, &mut dest, &mut no_files), Err(expected.to_owned()), "line {line}");
}

#[test]
fn set_infers_types_like_helm() {
    check(
        SetKind::Set,
        "a=1,b=true,c=null,d=010,e=0,f=TRUE,g=-5,h=+5,i=1.5,j=99999999999999999999",
        "a: 1\nb: true\nc: null\nd: \"010\"\ne: 0\nf: true\ng: -5\nh: 5\ni: \"1.5\"\nj: \"99999999999999999999\"\n",
    );
    check(SetKind::Set, "a=falſe", "a: false\n");
}

#[test]
fn set_string_keeps_strings() {
    check(SetKind::String, "a=1,b=true,c={1,2}", "a: \"1\"\nb: \"true\"\nc:\n- \"1\"\n- \"2\"\n");
}

#[test]
fn escapes_and_later_keys_win() {
    check(SetKind::Set, "a\\.b=1,c\\,d=2,e=f\\,g\\=h", "a.b: 1\nc,d: 2\ne: f,g=h\n");
    check(SetKind::Set, "a.b=1,a=2", "a: 2\n");
}

#[test]
fn indices_and_lists() {
    check(SetKind::Set, "a[2]=x,a[0].b=1", "a:\n- b: 1\n- null\n- x\n");
    check(SetKind::Set, "a[1][2]=3", "a:\n- null\n- - null\n  - null\n  - 3\n");
    // helm ends silently when the input ends inside an index.
    check(SetKind::Set, "a[0]", "a: []\n");
    check(SetKind::Set, "a[0", "{}\n");
}

#[test]
fn json_values_decode_one_value_each() {
    check(SetKind::Json, "a=1b=2", "a: 1\nb: 2\n");
    check(SetKind::Json, "a=[1,2],b={\"c\":3}", "a:\n- 1\n- 2\nb:\n  c: 3\n");
    check(SetKind::Json, "a=12345678901234567890", "a: 12345678901234567000\n");
    check(SetKind::Json, "a=,b= ", "a: null\nb: null\n");
    let mut dest = GoMap::new();
    assert!(parse_into(SetKind::Json, "a=tru", &mut dest, &mut no_files).is_err());
}

#[test]
fn literal_takes_the_rest_of_the_line() {
    check(SetKind::Literal, "a.b=x,y=\\z{}", "a:\n  b: x,y=\\z{}\n");
}

#[test]
fn set_file_reads_each_path() {
    let mut dest = GoMap::new();
    let mut read = |path: &str| Ok(format!("<{path}>"));
    parse_into(SetKind::File, "a=x.txt,b={y,z}", &mut dest, &mut read).expect("parses");
    assert_eq!(yaml(&dest), "a: <x.txt>\nb:\n- <y>\n- <z>\n");
    assert_eq!(set_file_paths("a=x.txt,b={y,z}"), ["x.txt", "y", "z"]);
    check_err(SetKind::File, "a=nope", "open nope: no such file or directory");
}

#[test]
fn errors_read_like_helm() {
    check_err(SetKind::Set, "a={x,y}z", "key \"z\" has no value");
    check_err(
        SetKind::Set,
        "a=1,a.b=2",
        "unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}",
    );
    check_err(SetKind::Set, "a[-1]=2", "negative -1 index not allowed");
    check_err(SetKind::Set, "a[x]=2", "error parsing index: strconv.Atoi: parsing \"x\": invalid syntax");
    check_err(SetKind::Set, "a[70000]=2", "index of 70000 is greater than maximum supported index of 65536");
    check_err(
        SetKind::Set,
        "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd.ee.ff=1",
        "value name nested level is greater than maximum supported nested level of 30",
    );
    check_err(SetKind::Set, "a,b=1", "key \"a\" has no value (cannot end with ,)");
    check_err(SetKind::Set, "a.=1", "key map \"a\" has no value");
    check_err(SetKind::Set, "a[0]x=1", "unexpected data at end of array index: ['x']");
    check_err(SetKind::Set, "a={1,2", "list must terminate with '}'");
    check_err(
        SetKind::Set,
        "a=x,a[0]=1",
        "unable to parse key: interface conversion: interface {} is string, not []interface {}",
    );
}

#[test]
fn helm_quirks_that_succeed() {
    check(SetKind::Set, "a=1,", "a: 1\n");
    check(SetKind::Set, "=1", "{}\n");
    check(SetKind::Set, "a=", "a: \"\"\n");
}

#[test]
fn deep_index_nesting_is_bounded() {
    for line in [format!("a{}=1", "[0]".repeat(MAX_NESTING + 5)), format!("a{}=1", "[0].b".repeat(MAX_NESTING + 5))] {
        let mut dest = GoMap::new();
        assert!(parse_into(SetKind::Set, &line, &mut dest, &mut no_files).is_err());
        assert!(parse_into(SetKind::Literal, &line, &mut dest, &mut no_files).is_err());
    }
}
