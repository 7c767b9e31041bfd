//! Expected texts are what helm v4.1.4 `helm dependency list` printed for the same files on
//! disk (tests/tests/dependency_list.rs checks the CLI against the live binary).

use chartpack_archive::{gzip_helm, write_tar, TarEntry};
use chartpack_chart::DEFAULT_LOAD_LIMITS;

use super::*;

fn file(path: &str, data: &[u8]) -> ChartFile {
    ChartFile { path: path.to_owned(), data: data.to_vec(), modified: Timestamp::from_secs(1) }
}

fn chart_yaml(name: &str, version: &str) -> Vec<u8> {
    format!("apiVersion: v2\nname: {name}\nversion: {version}\n").into_bytes()
}

/// `charts/<file>` holding chart `name` at `version`.
fn archive(file_name: &str, name: &str, version: &str) -> ChartFile {
    let path = format!("{name}/Chart.yaml");
    let data = chart_yaml(name, version);
    file(&format!("charts/{file_name}"), &gzip_helm(&write_tar(&[TarEntry { path: &path, data: &data, mtime: 0 }])))
}

/// `charts/<dir>/Chart.yaml` of chart `name` at `version`.
fn unpacked(dir: &str, name: &str, version: &str) -> ChartFile {
    file(&format!("charts/{dir}/Chart.yaml"), &chart_yaml(name, version))
}

#[track_caller]
fn check(files: &[ChartFile], display: &str, max: usize, expected: &str) {
    let list = list_dependencies(files, display, max, &DEFAULT_LOAD_LIMITS).expect("lists");
    assert_eq!(list.render(), expected);
}

const EVERY_STATUS: &str = "apiVersion: v2
name: p
version: 1.0.0
dependencies:
- name: ok
  version: 1.0.0
- name: range
  version: ^1.0.0
  repository: https://example.com/charts
- name: old
  version: 2.0.0
- name: named
  version: 1.0.0
- name: dir
  version: ~1.2.0
- name: dirold
  version: 1.0.0
- name: many
  version: 1.0.0
- name: single
  version: 1.0.0
- name: badrange
  version: not a range
- name: broken
  version: 1.0.0
  repository: \"@local\"
- name: gone
  version: 1.0.0
";

fn every_status_chart() -> Vec<ChartFile> {
    vec![
        file("Chart.yaml", EVERY_STATUS.as_bytes()),
        file(".helmignore", b"broken-1.0.0.tgz\njunk.tgz\nnotes.txt\n"),
        archive("ok-1.0.0.tgz", "ok", "1.0.0"),
        archive("range-1.4.0.tgz", "range", "1.4.0"),
        archive("old-1.0.0.tgz", "old", "1.0.0"),
        archive("named-1.0.0.tgz", "other", "1.0.0"),
        unpacked("dir", "dir", "1.2.3"),
        unpacked("dirold", "dirold", "0.9.0"),
        archive("many-1.0.0.tgz", "many", "1.0.0"),
        archive("many-1.1.0.tgz", "many", "1.1.0"),
        archive("single-1.0.0.tgz", "single", "1.0.0"),
        archive("single-extra.tgz", "single-extra", "0.1.0"),
        unpacked("badrange", "badrange", "1.0.0"),
        file("charts/broken-1.0.0.tgz", b"junk\n"),
        file("charts/junk.tgz", b"junk\n"),
        file("charts/notes.txt", b"notes\n"),
        unpacked("extra", "extra", "0.1.0"),
        file("charts/empty/", b""),
        unpacked("_hidden", "hiddenchart", "0.1.0"),
    ]
}

#[test]
fn every_status_and_warning() {
    check(
        &every_status_chart(),
        "p",
        80,
        "NAME    \tVERSION    \tREPOSITORY                \tSTATUS          
ok      \t1.0.0      \t                          \tok              
range   \t^1.0.0     \thttps://example.com/charts\tok              
old     \t2.0.0      \t                          \twrong version   
named   \t1.0.0      \t                          \tmisnamed        
dir     \t~1.2.0     \t                          \tunpacked        
dirold  \t1.0.0      \t                          \twrong version   
many    \t1.0.0      \t                          \ttoo many matches
single  \t1.0.0      \t                          \tok              
badrange\tnot a range\t                          \tinvalid version 
broken  \t1.0.0      \t@local                    \tcorrupt         
gone    \t1.0.0      \t                          \tmissing         

WARNING: \"p/charts/_hidden\" is not in Chart.yaml.
WARNING: \"p/charts/broken-1.0.0.tgz\" is not a chart.
WARNING: \"p/charts/empty\" is not a chart.
WARNING: \"p/charts/extra\" is not in Chart.yaml.
WARNING: \"p/charts/junk.tgz\" is not a chart.
WARNING: \"p/charts/named-1.0.0.tgz\" is not in Chart.yaml.
WARNING: \"p/charts/single-extra.tgz\" is not in Chart.yaml.
",
    );
}

#[test]
fn paths_are_joined_like_go() {
    let files = vec![file("Chart.yaml", b"name: c\nversion: 1.0.0\n")];
    check(&files, ".", 80, "WARNING: no dependencies at charts\n");
    check(&files, "/abs/c", 80, "WARNING: no dependencies at /abs/c/charts\n");
    let files =
        vec![file("Chart.yaml", b"name: c\nversion: 1.0.0\ndependencies:\n- name: x\n"), unpacked("x", "y", "1.0.0")];
    check(
        &files,
        ".",
        80,
        "NAME\tVERSION\tREPOSITORY\tSTATUS \nx   \t       \t          \tmissing\n\nWARNING: \"charts/x\" is not in Chart.yaml.\n",
    );
}

#[test]
fn nil_and_empty_dependency_lists_differ() {
    let with = |yaml: &str| vec![file("Chart.yaml", format!("name: c\nversion: 1.0.0\n{yaml}").as_bytes())];
    check(&with("dependencies: []\n"), "c", 80, "NAME\tVERSION\tREPOSITORY\tSTATUS\n\n");
    check(&with("Dependencies: []\n"), "c", 80, "NAME\tVERSION\tREPOSITORY\tSTATUS\n\n");
    check(&with("dependencies: ~\n"), "c", 80, "WARNING: no dependencies at c/charts\n");
    check(&with(""), "c", 80, "WARNING: no dependencies at c/charts\n");
}

#[test]
fn requirements_yaml_declares_dependencies_and_logs() {
    let files = vec![
        file("Chart.yaml", b"apiVersion: v2\nname: r\nversion: 0.1.0\n"),
        file("requirements.yaml", b"dependencies:\n- name: beta\n  version: 0.1.0\n"),
        unpacked("beta", "beta", "0.1.0"),
        file("charts/beta/requirements.yaml", b"dependencies:\n- name: x\n  version: 0.1.0\n"),
    ];
    let list = list_dependencies(&files, "r", 80, &DEFAULT_LOAD_LIMITS).expect("lists");
    assert_eq!(list.render(), "NAME\tVERSION\tREPOSITORY\tSTATUS  \nbeta\t0.1.0  \t          \tunpacked\n\n");
    // helm logged this three times: the chart, its subchart, and printMissing's load of it.
    let notice = "Warning: Dependencies are handled in Chart.yaml since apiVersion \"v2\". We recommend migrating dependencies to Chart.yaml.";
    assert_eq!(list.notices().collect::<Vec<_>>(), [notice; 3]);
    assert_eq!(list.loads.iter().map(|l| l.path.as_str()).collect::<Vec<_>>(), ["", "charts/beta"]);
}

#[test]
fn bad_patterns() {
    let deps = "apiVersion: v2\nname: b\nversion: 1.0.0\ndependencies:\n- name: \"x[y\"\n  version: 1.0.0\n- name: \"a\\\\\"\n  version: 1.0.0\n";
    let files = vec![file("Chart.yaml", deps.as_bytes())];
    check(
        &files,
        "b",
        80,
        "NAME\tVERSION\tREPOSITORY\tSTATUS     \nx[y \t1.0.0  \t          \tbad pattern\na\\  \t1.0.0  \t          \tmissing    \n\n",
    );
    check(
        &files,
        "c[1",
        80,
        "NAME\tVERSION\tREPOSITORY\tSTATUS     \nx[y \t1.0.0  \t          \tbad pattern\na\\  \t1.0.0  \t          \tbad pattern\n\nsyntax error in pattern\n",
    );
}

#[test]
fn a_chart_path_with_metacharacters_does_not_match_itself() {
    // helm globbed `c[1]/charts/...`, which names `c1/charts/...`: only the loaded subcharts count.
    let files = vec![
        file("Chart.yaml", b"apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n- name: ok\n  version: 1.0.0\n"),
        archive("ok-1.0.0.tgz", "ok", "1.0.0"),
        unpacked("extra", "extra", "0.1.0"),
    ];
    check(&files, "c[1]", 80, "NAME\tVERSION\tREPOSITORY\tSTATUS  \nok  \t1.0.0  \t          \tunpacked\n\n");
}

#[test]
fn max_col_width_cuts_cells() {
    let list = list_dependencies(&every_status_chart(), "p", 3, &DEFAULT_LOAD_LIMITS).expect("lists");
    let text = list.render();
    let head: Vec<&str> = text.lines().take(4).collect();
    assert_eq!(
        head,
        ["N...\tV...\tR...\tS...", "ok \t1...\t   \tok ", "r...\t^...\th...\tok ", "old\t2...\t   \tw..."]
    );
}

#[test]
fn archives_report_loaded_subcharts_only() {
    let chart = "apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n- name: gone\n  version: 1.0.0\n";
    let sub = chart_yaml("sub", "1.0.0");
    let bytes = gzip_helm(&write_tar(&[
        TarEntry { path: "a/Chart.yaml", data: chart.as_bytes(), mtime: 0 },
        TarEntry { path: "a/charts/sub/Chart.yaml", data: &sub, mtime: 0 },
    ]));
    let list = list_archive_dependencies(&bytes, "a-1.0.0.tgz", 80, &DEFAULT_LOAD_LIMITS).expect("lists");
    assert_eq!(
        list.render(),
        "NAME\tVERSION\tREPOSITORY\tSTATUS  \nsub \t1.0.0  \t          \tunpacked\ngone\t1.0.0  \t          \tmissing \n\n"
    );
    let err = list_archive_dependencies(b"junk\n", "junk.tgz", 80, &DEFAULT_LOAD_LIMITS).expect_err("not gzip");
    assert_eq!(
        err.to_string(),
        "file 'junk.tgz' does not appear to be a gzipped archive; got 'application/octet-stream'"
    );
}

#[test]
fn a_chart_that_does_not_load_is_an_error() {
    let err = list_dependencies(&[file("values.yaml", b"")], "x", 80, &DEFAULT_LOAD_LIMITS).expect_err("no Chart.yaml");
    assert_eq!(err.to_string(), "Chart.yaml file is missing");
}

#[test]
fn clean_path_is_go_filepath_clean() {
    for (input, cleaned) in [("", "."), ("./a/", "a"), ("a//b/../c", "a/c"), ("/..", "/"), ("../x", "../x")] {
        assert_eq!(clean_path(input), cleaned, "{input}");
    }
}
