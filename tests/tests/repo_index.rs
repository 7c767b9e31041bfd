//! `chartpack repo index` against `helm repo index` (v4.1.4) on the same folder: plain, with
//! `--url`, with `--merge` and with `--json`, compared byte for byte once the `created` and
//! `generated` times (helm reads the clock for each) are blanked; and `IndexFile::parse` on
//! helm-written indexes and on broken ones, whose errors and warnings are what helm prints for
//! them (obtained here by running `helm repo index EMPTY_DIR --merge FILE`, which reads FILE
//! with helm's `LoadIndexFile`).
//!
//! The folder holds charts packaged by helm in the test (several versions of one chart with
//! prereleases and build metadata, more than twelve equal versions to exercise Go's unstable
//! sort, a subfolder, a non-chart `.tgz`, a chart two levels down that helm does not see), the
//! corpus charts helm can package, and the corpus's archives.

use std::path::{Path, PathBuf};
use std::process::Output;

use chartpack::chart::repo_index::{slog_line, IndexFile};
use chartpack_e2e::{corpus, mkdir, path_str, run_chartpack, text, Helm, TempDir};
use chartpack_testkit::blank_times;

/// Corpus archives helm indexes but chartpack's archive reader refuses on purpose (see
/// corpus_archives.rs and the README): chartpack leaves them out of the index.
const STRICTER: &[&str] = &["abs-path.tgz", "empty-0.0.1.tgz", "symlink-entry.tgz"];

/// Replaces the digits Go's `os.CreateTemp` appends (`index.yaml1234567`).
fn blank_temp_names(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("index.yaml") {
        out.push_str(&rest[..at + "index.yaml".len()]);
        let after = &rest[at + "index.yaml".len()..];
        rest = after.trim_start_matches(|c: char| c.is_ascii_digit());
        if rest.len() < after.len() {
            out.push_str("<N>");
        }
    }
    out.push_str(rest);
    out
}

/// What one run left: exit status, stderr, and the index written (if any).
#[derive(Debug, PartialEq)]
struct Run {
    ok: bool,
    stderr: String,
    index: Option<String>,
}

fn collect(out: &Output, index: &Path) -> Run {
    let written = std::fs::read_to_string(index).ok().map(|t| blank_times(&t, "2001-"));
    let _ = std::fs::remove_file(index);
    Run { ok: out.status.success(), stderr: blank_temp_names(&text(&out.stderr)), index: written }
}

/// Runs `helm repo index ARGS` then `chartpack repo index ARGS` in `cwd`; the index each
/// wrote to `index` (removed after each run).
fn both(helm: &Helm, cwd: &Path, index: &Path, args: &[&str]) -> (Run, Run) {
    let _ = std::fs::remove_file(index);
    let mut full = vec!["repo", "index"];
    full.extend_from_slice(args);
    let h = collect(&helm.run(cwd, &full), index);
    let c = collect(&run_chartpack(cwd, &full), index);
    (h, c)
}

#[track_caller]
fn assert_same(helm: &Run, chartpack: &Run, what: &str) {
    assert_eq!(helm.ok, chartpack.ok, "{what}: exit status (helm stderr: {})", helm.stderr);
    assert_eq!(helm.stderr, chartpack.stderr, "{what}: stderr");
    if helm.index != chartpack.index {
        let (h, c) = (helm.index.clone().unwrap_or_default(), chartpack.index.clone().unwrap_or_default());
        let first = h.lines().zip(c.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{what}: index differs from line {}:\n--- helm\n{}\n--- chartpack\n{}",
            first + 1,
            h.lines().skip(first).take(12).collect::<Vec<_>>().join("\n"),
            c.lines().skip(first).take(12).collect::<Vec<_>>().join("\n")
        );
    }
}

/// Writes a chart directory with this Chart.yaml.
fn chart_dir(root: &Path, name: &str, chart_yaml: &str) -> PathBuf {
    let dir = mkdir(root.join(name));
    std::fs::write(dir.join("Chart.yaml"), chart_yaml).expect("write Chart.yaml");
    std::fs::write(dir.join("values.yaml"), "replicas: 1\n").expect("write values.yaml");
    dir
}

#[track_caller]
fn package(helm: &Helm, chart: &Path, out: &Path, version: Option<&str>) {
    let mut args = vec!["package", path_str(chart), "-d", path_str(out)];
    if let Some(v) = version {
        args.extend(["--version", v]);
    }
    let o = helm.run(out, &args);
    assert!(o.status.success(), "helm package {}: {}", chart.display(), text(&o.stderr));
}

/// The test repository folder (see the module docs); `repo` inside `work`.
fn build_repo(helm: &Helm, work: &Path) -> PathBuf {
    let repo = mkdir(work.join("repo"));
    let sources = mkdir(work.join("src"));
    let alpha = chart_dir(
        &sources,
        "alpha",
        "apiVersion: v2\nname: alpha\nversion: 1.0.0\ndescription: \"Alpha: the first\"\nappVersion: \"1.10\"\n\
         kubeVersion: \">=1.20.0-0\"\nannotations:\n  example.com/note: \"two\\nlines\"\n",
    );
    for v in ["0.9.0", "1.0.0", "1.1.0-rc.1", "1.1.0", "2.0.0-alpha.10", "2.0.0-alpha.9", "1.0.0+build.1"] {
        package(helm, &alpha, &repo, Some(v));
    }
    let sub = mkdir(repo.join("sub"));
    package(helm, &alpha, &sub, Some("1.0.0+build.2"));
    package(helm, &alpha, &sub, Some("3.0.0-beta.1"));
    let beta = chart_dir(&sources, "beta", "apiVersion: v1\nname: beta\nversion: 0.1.0\ndeprecated: true\n");
    package(helm, &beta, &sub, None);
    // Thirteen and more equal versions: Go's sort.Sort leaves them in an order only its exact
    // algorithm gives.
    let tie = chart_dir(&sources, "tie", "apiVersion: v2\nname: tie\nversion: 0.1.0\n");
    let ties = mkdir(repo.join("ties"));
    for i in 0..24 {
        let v = match i % 5 {
            0 => format!("0.2.{}", i % 3),
            _ => format!("0.1.0+b{i}"),
        };
        package(helm, &tie, &ties, Some(&v));
    }
    // Not charts, or out of helm's reach.
    std::fs::write(repo.join("notachart.tgz"), b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03not a chart").expect("write");
    std::fs::write(repo.join("README.md"), "not an archive\n").expect("write");
    let deep = mkdir(repo.join("sub/deeper"));
    package(helm, &beta, &deep, Some("9.9.9"));

    if let Some(corpus) = corpus() {
        let packaged = mkdir(repo.join("corpus"));
        let mut ids: Vec<String> = std::fs::read_dir(corpus.join("charts"))
            .expect("corpus charts")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        ids.sort();
        for id in ids {
            // Charts helm cannot package (missing dependencies, broken YAML) stay out.
            let _ = helm.run(&packaged, &["package", path_str(&corpus.join("charts").join(&id)), "-d", "."]);
        }
        let archives = mkdir(repo.join("archives"));
        for entry in std::fs::read_dir(corpus.join("archives")).expect("corpus archives").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !STRICTER.contains(&name.as_str()) {
                std::fs::copy(entry.path(), archives.join(&name)).expect("copy archive");
            }
        }
    }
    repo
}

#[test]
fn repo_index_matches_helm() {
    let Some(helm) = Helm::find("repo-index") else { return };
    let work = TempDir::new("repo-index");
    let repo = build_repo(&helm, work.path());
    let index = repo.join("index.yaml");

    for args in [vec![], vec!["--url", "https://example.com/charts/"], vec!["--url", "http://[::1"], vec!["--json"]] {
        let mut full = vec!["repo"];
        full.extend(&args);
        let (h, c) = both(&helm, work.path(), &index, &full);
        assert!(h.ok && h.index.is_some(), "helm repo index {args:?}: {}", h.stderr);
        assert_same(&h, &c, &format!("repo index {args:?}"));
    }

    // helm's own index reads back to the same bytes, YAML and JSON.
    for args in [vec!["repo", "index", "repo"], vec!["repo", "index", "repo", "--json"]] {
        let out = helm.run(work.path(), &args);
        assert!(out.status.success());
        let written = std::fs::read(&index).expect("helm wrote the index");
        let (parsed, warnings) = IndexFile::parse(&written).expect("helm's index parses");
        assert!(warnings.is_empty(), "{warnings:?}");
        let again = if args.len() == 4 { parsed.to_json() } else { parsed.to_yaml() }.expect("writes");
        assert_eq!(again.as_bytes(), written.as_slice(), "{args:?}: read back and written again");
        assert_eq!(parsed.versions("tie").len(), 22, "19 builds of 0.1.0 and three 0.2.x");
    }
}

#[test]
fn stricter_archives_are_left_out() {
    let Some(corpus) = corpus() else { return };
    let Some(helm) = Helm::find("repo-index-strict") else { return };
    let work = TempDir::new("repo-index-strict");
    let repo = mkdir(work.path().join("repo"));
    for name in STRICTER {
        std::fs::copy(corpus.join("archives").join(name), repo.join(name)).expect("copy");
    }
    let (h, c) = both(&helm, work.path(), &repo.join("index.yaml"), &["repo"]);
    assert!(h.ok && c.ok, "{h:?} {c:?}");
    assert!(h.index.as_deref().is_some_and(|i| i.contains("symlink-entry.tgz")), "helm indexes it: {h:?}");
    assert_eq!(c.index.as_deref(), Some("apiVersion: v1\nentries: {}\ngenerated: \"TIME\"\n"));
}

const OLD_INDEX: &str = "apiVersion: v1
entries:
  alpha:
  - apiVersion: v2
    created: \"2001-02-03T04:05:06+07:00\"
    digest: 0000000000000000000000000000000000000000000000000000000000000000
    name: alpha
    urls:
    - https://old.example.com/alpha-1.0.0.tgz
    version: 1.0.0
  - created: \"2001-02-03T04:05:06.5Z\"
    name: alpha
    urls: [https://old.example.com/alpha-0.5.0.tgz]
    version: 0.5.0
  - name: alpha
    version: \"1.1\"
  - name: alpha
    version: x
  gone:
  - checksum: abc
    created: \"2001-02-03T04:05:06Z\"
    engine: gotpl
    name: gone
    removed: true
    tillerVersion: '>=2.0.0'
    urls: [gone-1.0.0.tgz]
    version: 1.0.0
  stray:
  - name: renamed
    version: 0.0.1
serverInfo:
  contextPath: /v1
generated: \"2001-02-03T04:05:06Z\"
";

#[test]
fn repo_index_merge_matches_helm() {
    let Some(helm) = Helm::find("repo-index-merge") else { return };
    let work = TempDir::new("repo-index-merge");
    let repo = build_repo(&helm, work.path());
    let index = repo.join("index.yaml");
    std::fs::write(work.path().join("old.yaml"), OLD_INDEX).expect("write old index");
    let old_json = IndexFile::parse(OLD_INDEX.as_bytes()).expect("parses").0.to_json().expect("writes");
    std::fs::write(work.path().join("old.json"), old_json).expect("write old index");

    for args in [
        vec!["repo", "--merge", "old.yaml"],
        vec!["repo", "--merge", "old.yaml", "--url", "https://example.com/charts"],
        vec!["repo", "--merge", "old.json", "--json"],
    ] {
        let (h, c) = both(&helm, work.path(), &index, &args);
        assert!(h.ok, "helm {args:?}: {}", h.stderr);
        assert!(h.stderr.contains("falling back to closest available version"), "{}", h.stderr);
        assert_same(&h, &c, &format!("repo index {args:?}"));
    }

    // A missing --merge file is created empty first (helm ignores failures to do so).
    for (name, json) in [("new.yaml", false), ("new.json", true)] {
        let target = work.path().join(name);
        let mut args = vec!["repo", "index", "repo", "--merge", name];
        if json {
            args.push("--json");
        }
        let _ = std::fs::remove_file(&target);
        let h = collect(&helm.run(work.path(), &args), &index);
        let from_helm = std::fs::read_to_string(&target).map(|t| blank_times(&t, "2001-")).expect("helm created it");
        std::fs::remove_file(&target).expect("remove");
        let c = collect(&run_chartpack(work.path(), &args), &index);
        let from_chartpack =
            std::fs::read_to_string(&target).map(|t| blank_times(&t, "2001-")).expect("chartpack created it");
        assert_same(&h, &c, &format!("{args:?}"));
        assert_eq!(from_helm, from_chartpack, "{name}");
    }
    let (h, c) = both(&helm, work.path(), &index, &["repo", "--merge", "/nonexistent-dir/x.yaml"]);
    assert!(h.ok, "{}", h.stderr);
    assert_same(&h, &c, "merge file in a missing directory");
}

/// Where helm and chartpack read a broken index: the `--merge` errors and warnings are the
/// same from both commands, and `IndexFile::load` gives the same texts.
#[test]
fn broken_indexes_read_like_helm() {
    let Some(helm) = Helm::find("repo-index-broken") else { return };
    let work = TempDir::new("repo-index-broken");
    let empty = mkdir(work.path().join("empty"));
    let index = empty.join("index.yaml");
    let bad = work.path().join("bad.yaml");
    let cases = [
        "apiVersion: v1\nentries: {}\nfoo: 1\n",
        "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    foo: 1\n",
        "apiVersion: v1\napiVersion: v1\nentries: {}\n",
        "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    name: b\n",
        "entries: {}\n",
        "entries:\n  a:\n  - name: a\n    version: x\n",
        "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: x\n  - name: a\n    version: 1.0.0\n  - null\n  b:\n  - {}\n",
        "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    dependencies: [{name: d}, {name: d}]\n  - name: a\n    version: 2.0.0\n    dependencies: [{name: d, alias: \"a b\"}]\n",
        "",
        "  \n",
        "apiVersion: v1\nentries:\n  a:\n  - name: [a]\n    version: 1.0.0\n",
        "{\"apiVersion\": \"v1\", \"entries\": {\"a\": [{\"name\": 1, \"version\": \"1.0.0\"}]}}",
        "{\"apiVersion\": \"v1\", \"entries\": {\"a\": [{\"name\": \"a\", \"version\": \"1.0.0\", \"foo\": 1}]}}",
        "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    created: 2020-01-01\n",
        "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    created: \"2020-01-01T01:00:00+24:00\"\n",
        "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: .inf\n",
        "apiVersion: v1\nentries: [\n",
        "- 1\n",
        "[1]",
    ];
    for case in cases {
        std::fs::write(&bad, case).expect("write");
        let bad_arg = path_str(&bad);
        let (h, c) = both(&helm, work.path(), &index, &["empty", "--merge", bad_arg]);
        // helm logs the warnings of different charts in Go's random map order.
        let sorted = |run: &Run| {
            let mut lines: Vec<&str> = run.stderr.lines().collect();
            lines.sort_unstable();
            (run.ok, lines.join("\n"), run.index.clone())
        };
        assert_eq!(sorted(&h), sorted(&c), "index {case:?}");

        let (loaded, warnings) = IndexFile::load(case.as_bytes(), bad_arg);
        let mut expected_warnings: Vec<String> =
            h.stderr.lines().filter(|l| l.starts_with("level=WARN")).map(str::to_owned).collect();
        let mut got_warnings: Vec<String> = warnings.iter().map(|w| slog_line("WARN", w, &[])).collect();
        expected_warnings.sort();
        got_warnings.sort();
        assert_eq!(got_warnings, expected_warnings, "warnings for {case:?}");
        let helm_error = h.stderr.lines().skip_while(|l| !l.starts_with("Error: ")).collect::<Vec<_>>().join("\n");
        match loaded {
            Ok(_) => {
                // Loading worked; any error came from writing the merged index.
                if let Some(message) = helm_error.strip_prefix("Error: ") {
                    assert!(!message.starts_with("merge failed"), "{case:?}: helm refused it: {message}");
                }
            }
            Err(e) => assert_eq!(
                format!("Error: merge failed: error loading {bad_arg}: {e}"),
                helm_error,
                "error for {case:?}"
            ),
        }
    }
}

#[test]
fn command_line_errors_read_like_helm() {
    let Some(helm) = Helm::find("repo-index-cli") else { return };
    let work = TempDir::new("repo-index-cli");
    std::fs::write(work.path().join("afile"), "x").expect("write");
    mkdir(work.path().join("adir"));
    for args in [
        vec!["missing-dir"],
        vec!["afile"],
        vec![],
        vec!["a", "b"],
        vec!["adir", "--merge", "adir"],
        vec!["adir", "--merge", "afile/x.yaml"],
    ] {
        let index = work.path().join(args.first().copied().unwrap_or("adir")).join("index.yaml");
        let (h, mut c) = both(&helm, work.path(), &index, &args);
        c.stderr = c.stderr.replace("chartpack repo index", "helm repo index");
        assert_same(&h, &c, &format!("repo index {args:?}"));
    }
}
