//! `chartpack dependency list` against the real `helm dependency list` on the same files:
//! stdout, stderr and exit code byte for byte, for fixture charts covering every status and
//! warning, the flag and argument errors, archives given as the chart, and the corpus.

use std::path::Path;
use std::process::{Command, Output};

use chartpack_e2e::{chartpack_bin, corpus, corpus_charts, mkdir, path_str, Helm, TempDir};

/// Archives chartpack refuses on purpose where helm loads them (README, "Stricter than
/// helm"), with the start of chartpack's error.
const STRICTER: &[(&str, &str)] = &[
    ("abs-path.tgz", "Error: chart archive entry \"/Chart.yaml\" has an absolute path"),
    ("empty-0.0.1.tgz", "Error: chart archive entry \"dev/null\" is not a regular file: character device"),
    ("symlink-entry.tgz", "Error: chart archive entry \"mychart/templates/passwd.yaml\" is not a regular file"),
];

/// One run's observable result.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn seen(out: Output) -> Seen {
    Seen {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A locale without East Asian widths, so go-runewidth measures as chartpack does.
fn locale(cmd: &mut Command) -> &mut Command {
    cmd.env("LC_ALL", "C.UTF-8").env_remove("RUNEWIDTH_EASTASIAN")
}

fn run_helm(helm: &Helm, cwd: &Path, args: &[&str]) -> Seen {
    seen(locale(&mut helm.command(cwd)).args(args).output().expect("run helm"))
}

fn run_ours(cwd: &Path, args: &[&str]) -> Seen {
    seen(locale(Command::new(chartpack_bin()).current_dir(cwd)).args(args).output().expect("run chartpack"))
}

/// helm's output with its command name replaced by chartpack's (usage errors name the tool).
fn as_chartpack(mut helm: Seen) -> Seen {
    helm.stderr = helm.stderr.replace("\"helm dependency list\"", "\"chartpack dependency list\"");
    helm.stderr = helm.stderr.replace("Usage:  helm ", "Usage:  chartpack ");
    helm
}

/// Runs both tools in `cwd`; the outputs must be identical. Returns helm's stdout.
#[track_caller]
fn same(helm: &Helm, cwd: &Path, args: &[&str]) -> String {
    let expected = as_chartpack(run_helm(helm, cwd, args));
    let got = run_ours(cwd, args);
    assert_eq!(got, expected, "chartpack {args:?} in {} differs from helm", cwd.display());
    expected.stdout
}

/// `helm create <name>` moved to `dir`, at `version` (templates dropped: not needed here).
fn create(helm: &Helm, dir: &Path, name: &str, version: &str) {
    let scratch = TempDir::new("dep-create");
    let out = helm.run(scratch.path(), &["create", name]);
    assert!(out.status.success(), "helm create: {}", String::from_utf8_lossy(&out.stderr));
    let made = scratch.path().join(name);
    std::fs::remove_dir_all(made.join("templates")).expect("drop templates");
    let chart_yaml = made.join("Chart.yaml");
    let text = std::fs::read_to_string(&chart_yaml).expect("Chart.yaml");
    std::fs::write(&chart_yaml, text.replace("\nversion: 0.1.0\n", &format!("\nversion: {version}\n")))
        .expect("write Chart.yaml");
    std::fs::create_dir_all(dir.parent().expect("parent")).expect("mkdir");
    std::fs::rename(&made, dir).expect("move the chart into place");
}

/// `helm package` of a fresh chart `name` at `version`, saved as `charts_dir/<file_name>`.
fn archive(helm: &Helm, charts_dir: &Path, file_name: &str, name: &str, version: &str) {
    let scratch = TempDir::new("dep-src");
    create(helm, &scratch.path().join(name), name, version);
    let out = helm.run(scratch.path(), &["package", name]);
    assert!(out.status.success(), "helm package: {}", String::from_utf8_lossy(&out.stderr));
    std::fs::create_dir_all(charts_dir).expect("mkdir charts");
    std::fs::copy(scratch.path().join(format!("{name}-{version}.tgz")), charts_dir.join(file_name)).expect("copy");
}

/// Appends `dependencies` to the chart's `Chart.yaml`.
fn declare(dir: &Path, dependencies: &str) {
    let chart_yaml = dir.join("Chart.yaml");
    let mut text = std::fs::read_to_string(&chart_yaml).expect("Chart.yaml");
    text.push_str(dependencies);
    std::fs::write(&chart_yaml, text).expect("write Chart.yaml");
}

fn long_repository() -> String {
    format!("https://charts.example.com/{}", "very-long-path-segment/".repeat(5))
}

/// A chart whose dependencies have every status helm knows, and a `charts/` with every kind of
/// stray entry.
fn every_status_chart(helm: &Helm, dir: &Path) {
    create(helm, dir, "parent", "1.0.0");
    declare(
        dir,
        &format!(
            "dependencies:
- name: ok
  version: 1.0.0
  repository: https://example.com/charts
- name: range
  version: ^1.0.0
  repository: \"@stable\"
- name: old
  version: 2.0.0
- name: named
  version: 1.0.0
- name: dir
  version: ~1.2.0
  repository: file://../dir
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
  repository: oci://registry.example.com/charts
- name: gone
  version: \">= 1.0.0, < 2.0.0 || >= 3.0.0-0\"
- name: long
  version: 1.0.0
  repository: {}
",
            long_repository()
        ),
    );
    let charts = dir.join("charts");
    archive(helm, &charts, "ok-1.0.0.tgz", "ok", "1.0.0");
    archive(helm, &charts, "range-1.4.0.tgz", "range", "1.4.0");
    archive(helm, &charts, "old-1.0.0.tgz", "old", "1.0.0");
    archive(helm, &charts, "named-1.0.0.tgz", "other", "1.0.0");
    create(helm, &charts.join("dir"), "dir", "1.2.3");
    create(helm, &charts.join("dirold"), "dirold", "0.9.0");
    archive(helm, &charts, "many-1.0.0.tgz", "many", "1.0.0");
    archive(helm, &charts, "many-1.1.0.tgz", "many", "1.1.0");
    archive(helm, &charts, "single-1.0.0.tgz", "single", "1.0.0");
    archive(helm, &charts, "single-extra.tgz", "single-extra", "0.1.0");
    create(helm, &charts.join("badrange"), "badrange", "1.0.0");
    create(helm, &charts.join("long"), "long", "1.0.0");
    create(helm, &charts.join("extra"), "extra", "0.1.0");
    create(helm, &charts.join("_hidden"), "hidden", "0.1.0");
    mkdir(charts.join("empty"));
    // helm's own load would fail on these: its .helmignore hides them from it, not from the globs.
    std::fs::write(charts.join("broken-1.0.0.tgz"), "not an archive\n").expect("write");
    std::fs::write(charts.join("junk.tgz"), "not an archive\n").expect("write");
    std::fs::write(charts.join("notes.txt"), "not a chart\n").expect("write");
    let ignore = dir.join(".helmignore");
    let mut rules = std::fs::read_to_string(&ignore).expect(".helmignore");
    rules.push_str("broken-1.0.0.tgz\njunk.tgz\nnotes.txt\n");
    std::fs::write(&ignore, rules).expect("write .helmignore");
}

#[test]
fn every_status_and_warning_like_helm() {
    let Some(helm) = Helm::find("dep-list") else { return };
    let work = TempDir::new("dep-list-all");
    let chart = work.path().join("parent");
    every_status_chart(&helm, &chart);

    let stdout = same(&helm, work.path(), &["dependency", "list", "parent"]);
    for status in
        ["ok", "missing", "wrong version", "misnamed", "unpacked", "invalid version", "corrupt", "too many matches"]
    {
        assert!(stdout.contains(&format!("\t{status}")), "fixture lacks status {status:?}:\n{stdout}");
    }
    for warning in [
        "WARNING: \"parent/charts/extra\" is not in Chart.yaml.",
        "WARNING: \"parent/charts/empty\" is not a chart.",
        "WARNING: \"parent/charts/junk.tgz\" is not a chart.",
    ] {
        assert!(stdout.contains(warning), "fixture lacks {warning:?}:\n{stdout}");
    }
    assert!(stdout.contains("..."), "the long repository is cut at 80 columns:\n{stdout}");
    assert!(!stdout.contains(&long_repository()));

    // Column widths, aliases and the ways of naming the chart.
    same(&helm, work.path(), &["dependency", "list", "parent", "--max-col-width", "0"]);
    same(&helm, work.path(), &["dep", "ls", "parent", "--max-col-width=3"]);
    same(&helm, work.path(), &["dependencies", "list", "--max-col-width", "0x10", "./parent/"]);
    same(&helm, work.path(), &["dependency", "ls", "parent/../parent", "--max-col-width", "1"]);
    same(&helm, work.path(), &["dependency", "list", path_str(&chart)]);
    same(&helm, &chart, &["dependency", "list"]);
    same(&helm, &chart.join("charts"), &["dependency", "list", ".."]);
}

#[test]
fn no_dependencies_and_empty_lists_like_helm() {
    let Some(helm) = Helm::find("dep-list") else { return };
    let work = TempDir::new("dep-list-none");
    create(&helm, &work.path().join("plain"), "plain", "0.1.0");
    let stdout = same(&helm, work.path(), &["dependency", "list", "plain"]);
    assert_eq!(stdout, "WARNING: no dependencies at plain/charts\n");
    same(&helm, &work.path().join("plain"), &["dependency", "list"]);

    create(&helm, &work.path().join("empty"), "empty", "0.1.0");
    declare(&work.path().join("empty"), "dependencies: []\n");
    let stdout = same(&helm, work.path(), &["dependency", "list", "empty"]);
    assert_eq!(stdout, "NAME\tVERSION\tREPOSITORY\tSTATUS\n\n");

    create(&helm, &work.path().join("null"), "null", "0.1.0");
    declare(&work.path().join("null"), "dependencies: ~\n");
    same(&helm, work.path(), &["dependency", "list", "null"]);
}

#[test]
fn errors_like_helm() {
    let Some(helm) = Helm::find("dep-list") else { return };
    let work = TempDir::new("dep-list-errors");
    create(&helm, &work.path().join("c"), "c", "0.1.0");
    mkdir(work.path().join("not-a-chart"));
    std::fs::write(work.path().join("junk.tgz"), "junk\n").expect("write");
    std::fs::write(work.path().join("values.yaml"), "a: 1\n").expect("write");
    create(&helm, &work.path().join("dup"), "dup", "0.1.0");
    declare(&work.path().join("dup"), "dependencies:\n- name: x\n- name: x\n");
    create(&helm, &work.path().join("bad-sub"), "bad-sub", "0.1.0");
    std::fs::create_dir_all(work.path().join("bad-sub/charts")).expect("mkdir");
    std::fs::write(work.path().join("bad-sub/charts/x-1.0.0.tgz"), "junk\n").expect("write");

    for args in [
        &["dependency", "list", "missing"][..],
        &["dependency", "list", "missing/charts/../"],
        &["dependency", "list", "not-a-chart"],
        &["dependency", "list", "junk.tgz"],
        &["dependency", "list", "values.yaml"],
        &["dependency", "list", "c/Chart.yaml"],
        &["dependency", "list", "dup"],
        &["dependency", "list", "bad-sub"],
        &["dependency", "list", "c", "c"],
        &["dep", "ls", "c", "--max-col-width", "abc"],
        &["dep", "ls", "c", "--max-col-width=-1"],
        &["dep", "ls", "c", "--max-col-width", "99999999999999999999"],
        &["dep", "ls", "c", "--max-col-width"],
        &["dep", "ls", "c", "--bogus"],
    ] {
        let expected = as_chartpack(run_helm(&helm, work.path(), args));
        assert_ne!(expected.code, Some(0), "helm {args:?} should fail");
        assert_eq!(run_ours(work.path(), args), expected, "chartpack {args:?}");
    }
}

#[test]
fn archives_given_as_the_chart_like_helm() {
    let Some(helm) = Helm::find("dep-list") else { return };
    let work = TempDir::new("dep-list-archive");
    let chart = work.path().join("packed");
    create(&helm, &chart, "packed", "1.0.0");
    declare(
        &chart,
        "dependencies:\n- name: sub\n  version: 1.0.0\n- name: arc\n  version: ~1.0.0\n- name: old\n  version: 2.0.0\n",
    );
    create(&helm, &chart.join("charts/sub"), "sub", "1.0.0");
    archive(&helm, &chart.join("charts"), "arc-1.0.1.tgz", "arc", "1.0.1");
    archive(&helm, &chart.join("charts"), "old-1.0.0.tgz", "old", "1.0.0");
    let out = helm.run(work.path(), &["package", "packed"]);
    assert!(out.status.success(), "helm package: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = same(&helm, work.path(), &["dependency", "list", "packed-1.0.0.tgz"]);
    assert!(stdout.contains("\tunpacked") && stdout.contains("\twrong version"), "{stdout}");
    same(&helm, work.path(), &["dependency", "list", "packed"]);
    same(&helm, &chart, &["dependency", "list", "../packed-1.0.0.tgz"]);
}

#[test]
fn requirements_yaml_notices_and_symbolic_links_like_helm() {
    let Some(helm) = Helm::find("dep-list") else { return };
    let work = TempDir::new("dep-list-logs");
    let chart = work.path().join("reqs");
    create(&helm, &chart, "reqs", "0.1.0");
    std::fs::write(chart.join("requirements.yaml"), "dependencies:\n- name: beta\n  version: 0.1.0\n").expect("write");
    create(&helm, &chart.join("charts/beta"), "beta", "0.1.0");
    std::fs::write(chart.join("charts/beta/requirements.yaml"), "dependencies:\n- name: x\n  version: 1.0.0\n")
        .expect("write");
    // A subchart reached through a link, and a link inside it: helm logs each walk's links.
    let elsewhere = work.path().join("elsewhere/linked");
    create(&helm, &elsewhere, "linked", "0.2.0");
    std::os::unix::fs::symlink(work.path().join("values-source.yaml"), elsewhere.join("values.yaml.link"))
        .expect("symlink");
    std::fs::write(work.path().join("values-source.yaml"), "a: 1\n").expect("write");
    std::os::unix::fs::symlink(&elsewhere, chart.join("charts/linked")).expect("symlink");
    let expected = run_helm(&helm, work.path(), &["dependency", "list", "reqs"]);
    assert!(expected.stderr.contains("found symbolic link in path"), "{}", expected.stderr);
    assert!(expected.stderr.contains("Dependencies are handled in Chart.yaml"), "{}", expected.stderr);
    assert_eq!(run_ours(work.path(), &["dependency", "list", "reqs"]), expected);
}

#[test]
fn glob_patterns_and_wide_text_like_helm() {
    let Some(helm) = Helm::find("dep-list") else { return };
    let work = TempDir::new("dep-list-glob");
    let deps = "dependencies:
- name: \"x[y\"
  version: 1.0.0
- name: \"a\\\\\"
  version: 1.0.0
- name: 日本語のチャート
  version: 1.0.0
  repository: https://例え.example/チャート
- name: cafe\u{301}
  version: \">= 1.0.0\"
- name: sub/inner
  version: 1.0.0
";
    for dir in ["plain", "br[ck", "dir[1]"] {
        let chart = work.path().join(dir);
        create(&helm, &chart, "glob", "1.0.0");
        declare(&chart, deps);
        archive(&helm, &chart.join("charts"), "ok-1.0.0.tgz", "ok", "1.0.0");
        archive(&helm, &chart.join("charts/sub"), "inner-1.0.0.tgz", "inner", "1.0.0");
        same(&helm, work.path(), &["dependency", "list", dir]);
        same(&helm, work.path(), &["dependency", "list", dir, "--max-col-width", "6"]);
    }
}

#[test]
fn corpus_charts_and_archives_like_helm() {
    let Some(corpus) = corpus() else { return };
    let Some(helm) = Helm::find("dep-list") else { return };
    let mut targets: Vec<String> = corpus_charts(&corpus).into_iter().map(|id| format!("charts/{id}")).collect();
    let mut archives: Vec<String> = std::fs::read_dir(corpus.join("archives"))
        .expect("read archives")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tgz") || n.ends_with(".tar.gz"))
        .collect();
    archives.sort();
    targets.extend(archives.iter().map(|a| format!("archives/{a}")));
    let mut failures = Vec::new();
    let mut with_table = 0;
    for target in &targets {
        let args = ["dependency", "list", target.as_str()];
        let ours = run_ours(&corpus, &args);
        if let Some((_, refusal)) = STRICTER.iter().find(|(n, _)| format!("archives/{n}") == *target) {
            if ours.code != Some(1) || !ours.stderr.starts_with(refusal) {
                failures.push(format!("{target}: expected chartpack's refusal {refusal:?}, got {ours:?}"));
            }
            continue;
        }
        let expected = run_helm(&helm, &corpus, &args);
        if expected.stdout.starts_with("NAME") {
            with_table += 1;
        }
        if ours != expected {
            failures.push(format!("{target}:\n--- helm\n{expected:?}\n--- chartpack\n{ours:?}"));
        }
    }
    assert!(with_table >= 10, "expected corpus charts with dependencies, found {with_table}");
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), targets.len(), failures.join("\n"));
}
