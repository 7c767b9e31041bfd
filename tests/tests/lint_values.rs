//! `helm lint`'s schema checks on the values it would render with, on charts built in the
//! test: subcharts, conditions, tags, aliases, globals, null overrides. chartpack's whole lint
//! report and exit status must equal helm's.

use std::path::Path;

use chartpack_e2e::{parallel, run_chartpack, Helm, TempDir};

/// Writes `files` (path, content) under `dir`.
fn write_tree(dir: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, content).expect("write");
    }
}

const SUB_CHART: &str = "apiVersion: v2\nname: sub\nversion: 1.0.0\n";
const SUB_SCHEMA: &str = r#"{"type":"object","required":["port"],"properties":{"port":{"type":"integer"},"global":{"type":"object","properties":{"tier":{"type":"string"}}}}}"#;
const TEMPLATE: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";

/// (name, parent Chart.yaml, parent values.yaml, parent schema or "")
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "bad-sub-value",
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  repository: file://x\n",
        "sub:\n  port: nope\n",
        "",
    ),
    (
        "disabled-by-condition",
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  repository: file://x\n  condition: sub.enabled\n",
        "sub:\n  enabled: false\n  port: nope\n",
        "",
    ),
    (
        "disabled-by-tag",
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  repository: file://x\n  tags: [extra]\n",
        "tags:\n  extra: false\nsub:\n  port: nope\n",
        "",
    ),
    (
        "alias",
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  repository: file://x\n  alias: other\n",
        "other:\n  port: nope\n",
        "",
    ),
    (
        "null-deletes-default",
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  repository: file://x\n",
        "sub:\n  port: null\n",
        "",
    ),
    (
        "global-type",
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  repository: file://x\n",
        "global:\n  tier: 3\n",
        "",
    ),
    (
        "parent-closed-schema",
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  repository: file://x\n",
        "a: 1\n",
        r#"{"type":"object","additionalProperties":false,"properties":{"a":{"type":"integer"}}}"#,
    ),
    (
        "sub-values-not-a-map",
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  repository: file://x\n",
        "sub: text\n",
        "",
    ),
    (
        "import-values-map",
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  repository: file://x\n  import-values:\n  - child: conf\n    parent: imported\n",
        "sub:\n  conf:\n    level: high\n",
        r#"{"type":"object","required":["imported"],"properties":{"imported":{"type":"object","properties":{"level":{"type":"integer"}}}}}"#,
    ),
    (
        "import-values-exports",
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  repository: file://x\n  import-values: [data]\n",
        "own: 1\n",
        r#"{"type":"object","required":["shared"],"properties":{"shared":{"type":"string"}}}"#,
    ),
    (
        "all-fine",
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  repository: file://x\n",
        "sub:\n  port: 8080\nglobal:\n  tier: web\n",
        "",
    ),
];

#[test]
fn render_values_schema_checks_match_helm() {
    let Some(helm) = Helm::find("lint-values") else { return };
    let failures = parallel(CASES, |(name, chart_yaml, values, schema)| {
        let work = TempDir::new(name);
        let p = work.path().join("p");
        let mut files = vec![
            ("Chart.yaml", *chart_yaml),
            ("values.yaml", *values),
            ("templates/cm.yaml", TEMPLATE),
            ("charts/sub/Chart.yaml", SUB_CHART),
            ("charts/sub/values.yaml", "port: 80\nexports:\n  data:\n    shared: 7\n"),
            ("charts/sub/values.schema.json", SUB_SCHEMA),
            ("charts/sub/templates/cm.yaml", TEMPLATE),
        ];
        if !schema.is_empty() {
            files.push(("values.schema.json", schema));
        }
        write_tree(&p, &files);
        let h = helm.run(work.path(), &["lint", "p"]);
        let c = run_chartpack(work.path(), &["lint", "p"]);
        let (hs, cs) = (String::from_utf8_lossy(&h.stdout), String::from_utf8_lossy(&c.stdout));
        if hs != cs || h.status.code() != c.status.code() {
            return Err(format!("{name}:\n--- helm ({})\n{hs}--- chartpack ({})\n{cs}", h.status, c.status));
        }
        Ok(())
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
