//! `chartpack dependency update|build` against the real helm v4, with dependencies served from a
//! local `distribution` registry (pushed with `helm push`) and a local classic chart repository
//! (a static HTTP server over a directory indexed with `helm repo index`). Every case runs on two
//! copies of the same parent chart, one per tool, and compares: `Chart.lock` (but `generated:`),
//! the file names in `charts/`, downloaded archives byte for byte, archives packaged from
//! `file://` charts after gunzip, stdout, and the `Error:` text of failures.
//!
//! Cases: OCI exact versions and ranges; unconfigured HTTP repositories and `@name`/`alias:name`
//! through a `repositories.yaml`; `file://`, vendored (`repository: ""`) and the lock-digest
//! fields (alias, condition, tags, import-values); re-runs (lock untouched, outdated archives
//! deleted); `dependency build` (locked versions despite newer ones, stale-lock refusal); errors;
//! a table of constraints against one chart with many versions, for both sources; and the corpus
//! charts with dependencies, pointed at synthesized charts served locally.
//!
//! Not covered on purpose: two dependencies with the same chart name from different kinds of
//! repository (say `alpha` from an OCI registry and `alpha` from an unconfigured HTTP
//! repository). helm 4.1.4 keys its repository names by chart name (`resolveRepoNames`,
//! `ensureMissingRepos`), so the second is resolved against the first one's repository and
//! fails (`no cached repository for oci://… found`); chartpack resolves each from its own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::{Instant, SystemTime};

use chartpack::chart::{load_directory, Dependency, DEFAULT_LOAD_LIMITS};
use chartpack_e2e::{
    chartpack_command, corpus, corpus_charts, error_line, file_names, gunzip, mkdir, ok, parallel, path_str,
    raw_entries, text, Helm, TempDir,
};
use chartpack_testkit::{Registry, RegistryAuth, StaticServer};

/// The dependency chart most cases use, at these versions (to the registry and the repository).
const ALPHA: &[&str] = &["1.0.0", "1.2.0", "1.10.0", "2.0.0-rc.1", "2.0.0", "12.1.0", "12.5.3"];

// ---------------------------------------------------------------------------------------------
// Plumbing: one registry + one static repository per test, a case = two copies of a chart.
// ---------------------------------------------------------------------------------------------

/// The registry, the repository directory and its server, and a helm to publish with.
struct Fixture {
    helm: Helm,
    registry: Registry,
    server: StaticServer,
    work: TempDir,
}

impl Fixture {
    fn start(label: &str) -> Option<Fixture> {
        let helm = Helm::find(label)?;
        let registry = Registry::start(RegistryAuth::None)?;
        let work = TempDir::new(label);
        let server = StaticServer::start(&mkdir(work.path().join("repo")));
        Some(Fixture { helm, registry, server, work })
    }

    /// The directory the HTTP repository serves.
    fn repo_dir(&self) -> PathBuf {
        self.work.path().join("repo")
    }

    /// `oci://HOST/charts`: where [`Fixture::publish`] pushes.
    fn oci(&self) -> String {
        format!("oci://{}/charts", self.registry.host())
    }

    /// `http://127.0.0.1:PORT`: the classic repository.
    fn http(&self) -> String {
        self.server.url()
    }

    /// `helm create NAME` (once), `helm package --version V` for each version into the
    /// repository, `helm push` each to `oci://HOST/charts`, and `helm repo index`.
    fn publish(&self, name: &str, versions: &[&str]) {
        let items: Vec<(&str, &str, Option<&str>)> = versions.iter().map(|v| (name, *v, Some("charts"))).collect();
        self.publish_all(&items);
        self.reindex();
    }

    /// For each `(name, version, OCI path)`: `helm create NAME` (once per name), `helm package
    /// --version` into the repository and, with a path, `helm push` to `oci://HOST/PATH`; all in
    /// parallel, without reindexing.
    fn publish_all(&self, items: &[(&str, &str, Option<&str>)]) {
        let src = mkdir(self.work.path().join("src"));
        for (name, _, _) in items {
            if !src.join(name).is_dir() {
                ok(&self.helm.run(&src, &["create", name]), &format!("helm create {name}"));
            }
        }
        let repo = self.repo_dir();
        let (helm, host) = (&self.helm, self.registry.host());
        let failures = parallel(items, |(name, version, oci_path)| {
            let out = helm.run(&src, &["package", name, "--version", version, "-d", path_str(&repo)]);
            if !out.status.success() {
                return Err(format!("helm package {name} {version}: {}", text(&out.stderr)));
            }
            if let Some(path) = oci_path {
                let archive = repo.join(format!("{name}-{version}.tgz"));
                let target = format!("oci://{host}/{path}");
                let out = helm.run(&src, &["push", path_str(&archive), &target, "--plain-http"]);
                if !out.status.success() {
                    return Err(format!("helm push {name} {version}: {}", text(&out.stderr)));
                }
            }
            Ok(())
        });
        assert!(failures.is_empty(), "publishing failed:\n{}", failures.join("\n"));
    }

    /// `helm repo index REPO --url http://127.0.0.1:PORT`.
    fn reindex(&self) {
        let repo = self.repo_dir();
        let args = ["repo", "index", path_str(&repo), "--url", &self.http()];
        ok(&self.helm.run(self.work.path(), &args), "helm repo index");
    }

    /// A case under `cases/NAME`: `setup` fills `template/`, which is copied (`cp -a`, times
    /// kept) to `helm/` and `ours/`.
    fn case(&self, name: &str, setup: impl FnOnce(&Path)) -> Case {
        let dir = mkdir(self.work.path().join("cases").join(name));
        let template = mkdir(dir.join("template"));
        setup(&template);
        for side in ["helm", "ours"] {
            copy_tree(&template, &dir.join(side));
        }
        Case { dir, helm: Helm::find(name).expect("helm found before") }
    }
}

/// `cp -a FROM TO`.
fn copy_tree(from: &Path, to: &Path) {
    let out = Command::new("cp").arg("-a").arg(from).arg(to).output().expect("run cp");
    assert!(out.status.success(), "cp -a {}: {}", from.display(), text(&out.stderr));
}

/// Two copies of a chart tree, and a helm of its own (private cache) for the helm side.
struct Case {
    dir: PathBuf,
    helm: Helm,
}

impl Case {
    fn helm_dir(&self) -> PathBuf {
        self.dir.join("helm")
    }

    fn ours_dir(&self) -> PathBuf {
        self.dir.join("ours")
    }

    /// `helm dependency ARGS --plain-http` in `helm/`.
    fn helm(&self, args: &[&str]) -> Output {
        self.helm.command(&self.helm_dir()).arg("dependency").args(args).arg("--plain-http").output().expect("helm")
    }

    /// `chartpack dependency ARGS --plain-http` in `ours/`, with no repositories file unless
    /// `--repository-config` is among `args` (as helm's private home has none).
    fn ours(&self, args: &[&str]) -> Output {
        let dir = self.ours_dir();
        chartpack_command(&dir, &self.dir.join("chartpack-registry.json"))
            .env("HELM_REPOSITORY_CONFIG", self.dir.join("no-repositories.yaml"))
            .arg("dependency")
            .args(args)
            .arg("--plain-http")
            .output()
            .expect("chartpack")
    }

    /// Both tools with the same arguments (helm first).
    fn both(&self, args: &[&str]) -> (Output, Output) {
        (self.helm(args), self.ours(args))
    }

    /// Every difference between helm's run and chartpack's on `chart` (see [`differences`]).
    #[track_caller]
    fn assert_same(&self, chart: &str, repo: &Path, runs: &(Output, Output)) {
        let found = differences(self, chart, repo, &runs.0, &runs.1);
        assert!(found.is_empty(), "{}: chartpack differs from helm:\n{}", self.dir.display(), found.join("\n"));
    }
}

/// The chart's lock (`Chart.lock`, else `requirements.lock`) without its `generated:` line.
fn lock_text(chart: &Path) -> Option<String> {
    let bytes = std::fs::read(chart.join("Chart.lock")).or_else(|_| std::fs::read(chart.join("requirements.lock")));
    let text = String::from_utf8(bytes.ok()?).expect("utf-8 lock");
    Some(text.lines().filter(|l| !l.starts_with("generated:")).map(|l| format!("{l}\n")).collect())
}

/// stdout lines as compared: helm prints `Pulled:`/`Digest:` on stderr, so they must not be on
/// stdout at all (kept, and compared, to catch that).
fn stdout_lines(out: &Output) -> Vec<String> {
    text(&out.stdout).lines().map(str::to_owned).collect()
}

/// stderr from the first `Error: ` on, trimmed, with the case's absolute paths replaced.
fn error_tail(out: &Output, case: &Case, side: &Path) -> String {
    let stderr = text(&out.stderr);
    let tail = stderr.find("Error: ").map_or("", |at| &stderr[at..]).trim_end();
    tail.replace(path_str(side), "<DIR>").replace(path_str(&case.dir), "<CASE>")
}

/// What differs between helm's run (`helm/CHART`) and chartpack's (`ours/CHART`): exit status;
/// for failures the error text; else stdout, the lock but `generated:`, the names in
/// `charts/`, and each archive: byte-identical, or — for one helm packaged itself from a
/// `file://` chart, i.e. not the repository's bytes — the same tar stream.
fn differences(case: &Case, chart: &str, repo: &Path, helm: &Output, ours: &Output) -> Vec<String> {
    let mut found = Vec::new();
    let both = || {
        format!(
            "--- helm stdout:\n{}--- helm stderr:\n{}--- chartpack stdout:\n{}--- chartpack stderr:\n{}",
            text(&helm.stdout),
            text(&helm.stderr),
            text(&ours.stdout),
            text(&ours.stderr)
        )
    };
    if helm.status.success() != ours.status.success() {
        return vec![format!("helm: {}, chartpack: {}\n{}", helm.status, ours.status, both())];
    }
    if !helm.status.success() {
        let (h, o) = (error_tail(helm, case, &case.helm_dir()), error_tail(ours, case, &case.ours_dir()));
        if h != o {
            found.push(format!("error differs:\n  helm:      {h}\n  chartpack: {o}"));
        }
        return found;
    }
    let (h, o) = (stdout_lines(helm), stdout_lines(ours));
    if h != o {
        found.push(format!("stdout differs:\n{}", both()));
    }
    let (helm_chart, ours_chart) = (case.helm_dir().join(chart), case.ours_dir().join(chart));
    let (h, o) = (lock_text(&helm_chart), lock_text(&ours_chart));
    if h != o {
        found.push(format!(
            "lock differs:\n--- helm:\n{}--- chartpack:\n{}",
            h.unwrap_or_else(|| "(none)\n".into()),
            o.unwrap_or_else(|| "(none)\n".into())
        ));
    }
    let (h, o) = (file_names(&helm_chart.join("charts")), file_names(&ours_chart.join("charts")));
    if h != o {
        found.push(format!("charts/ differs:\n  helm:      {h:?}\n  chartpack: {o:?}"));
        return found;
    }
    for name in h {
        let (hp, op) = (helm_chart.join("charts").join(&name), ours_chart.join("charts").join(&name));
        if hp.is_dir() {
            continue;
        }
        let (hb, ob) = (std::fs::read(&hp).expect("read"), std::fs::read(&op).expect("read"));
        if hb == ob {
            continue;
        }
        let downloaded = std::fs::read(repo.join(&name)).is_ok_and(|r| r == hb);
        if downloaded {
            found.push(format!("charts/{name}: chartpack's bytes differ from the repository's (helm's)"));
        } else if !name.ends_with(".tgz") {
            found.push(format!("charts/{name} differs"));
        } else {
            let (ht, ot) = (gunzip(&hb), gunzip(&ob));
            if ht != ot {
                let (he, oe) = (raw_entries(&ht), raw_entries(&ot));
                let first = he.iter().zip(&oe).find(|(a, b)| a != b).map(|(a, b)| (a.name.clone(), b.name.clone()));
                found.push(format!(
                    "charts/{name}: packaged tar streams differ ({} vs {} entries; first different entry {first:?})",
                    he.len(),
                    oe.len()
                ));
            }
        }
    }
    found
}

/// `Chart.yaml` of a parent chart with `dependencies` (a YAML block, indented as a list).
fn parent_yaml(name: &str, dependencies: &str) -> String {
    format!(
        "apiVersion: v2\nname: {name}\nversion: 0.1.0\ndescription: parent of the case\ndependencies:\n{dependencies}"
    )
}

/// One dependency entry.
fn dep(name: &str, version: &str, repository: &str, alias: Option<&str>) -> String {
    let mut s = format!("- name: {name}\n  version: \"{version}\"\n  repository: \"{repository}\"\n");
    if let Some(alias) = alias {
        s.push_str(&format!("  alias: {alias}\n"));
    }
    s
}

/// Writes `dir/parent/Chart.yaml` (and a `values.yaml`).
fn write_parent(dir: &Path, dependencies: &str) {
    let chart = mkdir(dir.join("parent"));
    std::fs::write(chart.join("Chart.yaml"), parent_yaml("parent", dependencies)).expect("write Chart.yaml");
    std::fs::write(chart.join("values.yaml"), "replicas: 1\n").expect("write values.yaml");
}

/// `helm create NAME` in `dir` with `version: VERSION`.
fn create_chart(helm: &Helm, dir: &Path, name: &str, version: &str) {
    ok(&helm.run(dir, &["create", name]), &format!("helm create {name}"));
    let path = dir.join(name).join("Chart.yaml");
    let yaml = std::fs::read_to_string(&path).expect("read Chart.yaml");
    let yaml: String = yaml
        .lines()
        .map(|l| if l.starts_with("version:") { format!("version: {version}\n") } else { format!("{l}\n") })
        .collect();
    std::fs::write(&path, yaml).expect("write Chart.yaml");
}

/// The `version:` of each lock entry, in order.
fn locked_versions(chart: &Path) -> Vec<String> {
    let lock = lock_text(chart).unwrap_or_default();
    lock.lines().filter_map(|l| l.strip_prefix("  version: ")).map(str::to_owned).collect()
}

#[track_caller]
fn assert_has_lines(stdout: &str, lines: &[&str]) {
    for line in lines {
        assert!(stdout.lines().any(|l| l == *line), "no line {line:?} in:\n{stdout}");
    }
}

// ---------------------------------------------------------------------------------------------
// 1–3. OCI exact + ranges; HTTP unconfigured + @name/alias:name; file://, vendored, lock fields.
// ---------------------------------------------------------------------------------------------

#[test]
fn update_resolves_and_fetches_like_helm() {
    let started = Instant::now();
    let Some(fx) = Fixture::start("dep-update") else { return };
    fx.publish("alpha", ALPHA);
    fx.publish("beta", ALPHA);
    let (oci, http) = (fx.oci(), fx.http());

    // 1. oci:// with an exact version and with ranges.
    let deps = [
        dep("alpha", "1.2.0", &oci, Some("exact")),
        dep("alpha", "1.x", &oci, Some("xrange")),
        dep("alpha", "^1.2.0", &oci, Some("caret")),
        dep("alpha", ">=1.0.0 <2.0.0", &oci, Some("range")),
        dep("alpha", "~12.1", &oci, None),
    ]
    .concat();
    let case = fx.case("oci", |t| write_parent(t, &deps));
    let runs = case.both(&["update", "parent"]);
    case.assert_same("parent", &fx.repo_dir(), &runs);
    assert_eq!(locked_versions(&case.helm_dir().join("parent")), ["1.2.0", "1.10.0", "1.10.0", "1.10.0", "12.1.0"]);
    let stdout = ok(&runs.0, "helm dependency update");
    assert_has_lines(
        &stdout,
        &["Saving 5 charts", &format!("Downloading alpha from repo {oci}"), "Deleting outdated charts"],
    );
    assert_eq!(
        file_names(&case.ours_dir().join("parent/charts")),
        ["alpha-1.10.0.tgz", "alpha-1.2.0.tgz", "alpha-12.1.0.tgz"]
    );

    // 2. An unconfigured http repository (helm's "helm-manager" path) with ranges, and the
    //    same repository as `@name` and `alias:name` from a repositories.yaml made by helm.
    let repositories = fx.work.path().join("repositories.yaml");
    let out =
        fx.helm.run(fx.work.path(), &["repo", "add", "local", &http, "--repository-config", path_str(&repositories)]);
    ok(&out, "helm repo add");
    let deps = [
        dep("alpha", "~1.2", &http, Some("tilde")),
        dep("alpha", ">1.2.0 <12", &http, Some("between")),
        dep("alpha", "^1.0.0", &format!("{http}/"), Some("slash")),
        dep("alpha", "1.10.0", &http, Some("again")),
        dep("alpha", ">=12.0.0", "@local", Some("named")),
        dep("alpha", "2.0.0-rc.1", "alias:local", Some("aliased")),
    ]
    .concat();
    let case = fx.case("http", |t| write_parent(t, &deps));
    let runs = case.both(&["update", "parent", "--repository-config", path_str(&repositories)]);
    case.assert_same("parent", &fx.repo_dir(), &runs);
    assert_eq!(
        locked_versions(&case.helm_dir().join("parent")),
        ["1.2.0", "2.0.0", "1.10.0", "1.10.0", "12.5.3", "2.0.0-rc.1"]
    );
    let stdout = ok(&runs.0, "helm dependency update");
    assert_has_lines(
        &stdout,
        &["Saving 6 charts", &format!("Downloading alpha from repo {http}"), "Deleting outdated charts"],
    );

    // 3. file://, a vendored chart (repository ""), and alias/condition/tags/import-values in
    //    the lock's digest.
    let deps = format!(
        "- name: localchart\n  version: \">=0.1.0\"\n  repository: file://../localchart\n  alias: mylocal\n  condition: mylocal.enabled\n  tags:\n  - backend\n  - local\n  import-values:\n  - child: exported\n    parent: imported\n  - data\n\
         - name: vendored\n  version: 0.3.x\n  repository: \"\"\n  tags: [front]\n\
         - name: alpha\n  version: ^1.2.0\n  repository: {oci}\n  alias: alpha-oci\n  condition: alpha-oci.enabled,global.alpha\n  import-values: [defaults]\n\
         - name: beta\n  version: \">=1.2 <=1.10\"\n  repository: {http}\n  alias: beta-http\n  tags: [http]\n  enabled: false\n"
    );
    let case = fx.case("local", |t| {
        write_parent(t, &deps);
        create_chart(&fx.helm, t, "localchart", "0.4.2");
        create_chart(&fx.helm, &mkdir(t.join("parent/charts")), "vendored", "0.3.1");
    });
    let runs = case.both(&["update", "parent"]);
    case.assert_same("parent", &fx.repo_dir(), &runs);
    let helm_lock = lock_text(&case.helm_dir().join("parent")).expect("helm wrote a lock");
    assert!(helm_lock.contains("  repository: file://../localchart\n  version: 0.4.2\n"), "{helm_lock}");
    assert!(helm_lock.contains("- name: vendored\n  repository: \"\"\n  version: 0.3.x\n"), "{helm_lock}");
    assert_eq!(
        file_names(&case.helm_dir().join("parent/charts")),
        ["alpha-1.10.0.tgz", "beta-1.10.0.tgz", "localchart-0.4.2.tgz", "vendored"]
    );
    eprintln!("update cases: {:.1?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------------
// 4. Re-running: the lock stays untouched; outdated archives go, other files stay.
// ---------------------------------------------------------------------------------------------

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).and_then(|m| m.modified()).expect("mtime")
}

#[test]
fn rerun_keeps_the_lock_and_deletes_outdated_archives() {
    let Some(fx) = Fixture::start("dep-rerun") else { return };
    fx.publish("alpha", ALPHA);
    fx.publish("beta", ALPHA);
    let deps = [dep("alpha", "^1.2.0", &fx.oci(), None), dep("beta", "~1.0", &fx.http(), Some("old"))].concat();
    let case = fx.case("rerun", |t| write_parent(t, &deps));
    let runs = case.both(&["update", "parent"]);
    case.assert_same("parent", &fx.repo_dir(), &runs);

    let sides = [case.helm_dir().join("parent"), case.ours_dir().join("parent")];
    let before: Vec<(Vec<u8>, SystemTime)> = sides
        .iter()
        .map(|c| (std::fs::read(c.join("Chart.lock")).expect("lock"), mtime(&c.join("Chart.lock"))))
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(20));
    for chart in &sides {
        // An archive no dependency asks for any more, and a file that is not a chart.
        std::fs::copy(fx.repo_dir().join("alpha-12.1.0.tgz"), chart.join("charts/alpha-12.1.0.tgz")).expect("copy");
        std::fs::write(chart.join("charts/_notes.txt"), "not a chart\n").expect("write");
    }
    let runs = case.both(&["update", "parent"]);
    case.assert_same("parent", &fx.repo_dir(), &runs);
    let stdout = ok(&runs.0, "helm dependency update");
    assert!(stdout.contains("Could not verify parent/charts/_notes.txt for deletion: "), "{stdout}");
    for (chart, (bytes, time)) in sides.iter().zip(&before) {
        assert_eq!(
            &std::fs::read(chart.join("Chart.lock")).expect("lock"),
            bytes,
            "{}: lock rewritten",
            chart.display()
        );
        assert_eq!(&mtime(&chart.join("Chart.lock")), time, "{}: lock touched", chart.display());
        assert_eq!(file_names(&chart.join("charts")), ["_notes.txt", "alpha-1.10.0.tgz", "beta-1.0.0.tgz"]);
    }
}

// ---------------------------------------------------------------------------------------------
// 5. `dependency build`: the lock's versions, not newer ones; a stale lock is refused.
// ---------------------------------------------------------------------------------------------

#[test]
fn build_installs_the_locked_versions_and_refuses_a_stale_lock() {
    let Some(fx) = Fixture::start("dep-build") else { return };
    fx.publish("alpha", ALPHA);
    let repositories = fx.work.path().join("repositories.yaml");
    let out = fx
        .helm
        .run(fx.work.path(), &["repo", "add", "local", &fx.http(), "--repository-config", path_str(&repositories)]);
    ok(&out, "helm repo add");
    let config = ["--repository-config", path_str(&repositories)];
    let deps = [dep("alpha", "^1.2.0", &fx.oci(), None), dep("alpha", "~1.2", "@local", Some("named"))].concat();
    let case = fx.case("build", |t| write_parent(t, &deps));
    let runs = case.both(&[&["update", "parent"][..], &config].concat());
    case.assert_same("parent", &fx.repo_dir(), &runs);
    assert_eq!(locked_versions(&case.helm_dir().join("parent")), ["1.10.0", "1.2.0"]);

    // Newer matching versions appear; build still installs what the lock says.
    fx.publish("alpha", &["1.2.5", "1.11.0"]);
    for side in [case.helm_dir(), case.ours_dir()] {
        std::fs::remove_dir_all(side.join("parent/charts")).expect("remove charts/");
    }
    let runs = case.both(&[&["build", "parent"][..], &config].concat());
    case.assert_same("parent", &fx.repo_dir(), &runs);
    assert_eq!(file_names(&case.ours_dir().join("parent/charts")), ["alpha-1.10.0.tgz", "alpha-1.2.0.tgz"]);
    // An update now takes the newer ones.
    let runs = case.both(&[&["update", "parent"][..], &config].concat());
    case.assert_same("parent", &fx.repo_dir(), &runs);
    assert_eq!(locked_versions(&case.ours_dir().join("parent")), ["1.11.0", "1.2.5"]);

    // Chart.yaml's constraint changes: the lock is out of sync.
    for side in [case.helm_dir(), case.ours_dir()] {
        let path = side.join("parent/Chart.yaml");
        let yaml = std::fs::read_to_string(&path).expect("read").replace("~1.2", "~1.10");
        std::fs::write(&path, yaml).expect("write");
    }
    let runs = case.both(&[&["build", "parent"][..], &config].concat());
    case.assert_same("parent", &fx.repo_dir(), &runs);
    assert_eq!(
        error_line(&text(&runs.0.stderr)),
        "Error: the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies"
    );

    // A lock naming an unconfigured http repository: build wants it configured.
    let deps = dep("alpha", "^1.2.0", &fx.http(), None);
    let case = fx.case("build-unconfigured", |t| write_parent(t, &deps));
    case.assert_same("parent", &fx.repo_dir(), &case.both(&["update", "parent"]));
    let runs = case.both(&["build", "parent"]);
    case.assert_same("parent", &fx.repo_dir(), &runs);
    assert_eq!(
        error_line(&text(&runs.0.stderr)),
        format!("Error: no repository definition for {}. Please add the missing repos via 'helm repo add'", fx.http())
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Errors: helm's words.
// ---------------------------------------------------------------------------------------------

#[test]
fn errors_match_helm() {
    let Some(fx) = Fixture::start("dep-errors") else { return };
    fx.publish("alpha", ALPHA);
    let (oci, http) = (fx.oci(), fx.http());
    let unreachable = format!("http://127.0.0.1:{}", chartpack_testkit::registry::free_port());
    // (label, dependencies, where the compared part of the `Error:` line ends — through the first
    // occurrence of this text, which must be in helm's line — or "" for helm's whole error)
    let cases: Vec<(&str, String, String)> = vec![
        ("http-no-version", dep("alpha", "^9.0.0", &http, None), String::new()),
        ("oci-no-version", dep("alpha", "^9.0.0", &oci, None), String::new()),
        (
            "two-no-version",
            [dep("alpha", "^9.0.0", &http, None), dep("alpha", "<1", &http, Some("b"))].concat(),
            String::new(),
        ),
        ("unknown-alias", dep("alpha", "1.x", "@nope", None), String::new()),
        ("not-a-url", dep("alpha", "1.x", "nope", None), String::new()),
        ("missing-chart", dep("nochart", "1.x", &http, None), String::new()),
        ("missing-local", dep("alpha", "1.x", "file://../missing", None), String::new()),
        ("missing-vendored", dep("alpha", "1.x", "", None), String::new()),
        ("bad-constraint", dep("alpha", "abc", &http, None), String::new()),
        ("empty-constraint", dep("alpha", "", &http, None), String::new()),
        (
            "oci-missing-chart",
            dep("nochart", "1.x", &oci, None),
            format!("could not retrieve list of tags for repository {oci}: "),
        ),
        // A lenient version is an OCI tag as it is: `1.2` is not one.
        ("oci-lenient-exact", dep("alpha", "1.2", &oci, None), format!("could not download {oci}/alpha: ")),
        ("unreachable", dep("alpha", "1.x", &unreachable, None), "found. (try 'helm repo update')".to_owned()),
    ];
    let failures = parallel(&cases, |(label, deps, through)| {
        let case = fx.case(label, |t| write_parent(t, deps));
        let runs = case.both(&["update", "parent"]);
        if runs.0.status.success() {
            return Err(format!("{label}: helm succeeded"));
        }
        if through.is_empty() {
            let found = differences(&case, "parent", &fx.repo_dir(), &runs.0, &runs.1);
            if !found.is_empty() {
                return Err(format!("{label}: {}", found.join("\n")));
            }
        } else {
            let (h, o) = (error_line(&text(&runs.0.stderr)), error_line(&text(&runs.1.stderr)));
            let cut = |l: &str| l.find(through.as_str()).map(|at| l[..at + through.len()].to_owned());
            if cut(&h).is_none() || cut(&o) != cut(&h) {
                return Err(format!("{label}: error differs:\n  helm:      {h}\n  chartpack: {o}"));
            }
        }
        eprintln!("{label}: {}", error_line(&text(&runs.0.stderr)));
        Ok(())
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// 7. Constraints: one chart with many versions, one dependency per constraint.
// ---------------------------------------------------------------------------------------------

const RANGED: &[&str] = &[
    "0.0.3",
    "0.1.0",
    "0.1.5",
    "0.2.0",
    "1.0.0-beta",
    "1.0.0",
    "1.2.0-beta.1",
    "1.2.0",
    "1.2.3",
    "1.2.9+build.7",
    "1.3.0",
    "1.4.9",
    "1.10.0",
    "2.0.0-rc.1",
    "2.0.0",
    "2.3.4",
    "12.5.3",
];

/// (constraint, what helm locks, whether it is only valid for a classic repository: OCI takes
/// any lenient version (`1.2`, `v1.2.3`) as a tag as it is).
const CONSTRAINTS: &[(&str, &str, bool)] = &[
    ("1.2.3", "1.2.3", false),
    ("=1.2.3", "1.2.3", false),
    ("1.2.9+build.7", "1.2.9+build.7", false),
    ("=1.2.9", "1.2.9+build.7", false),
    ("1.0.0-beta", "1.0.0-beta", false),
    ("1.2", "1.2.9+build.7", true),
    ("1", "1.10.0", true),
    ("v1.2.3", "1.2.3", true),
    ("1.2.x", "1.2.9+build.7", false),
    ("~1.2", "1.2.9+build.7", false),
    ("~1.2.0", "1.2.9+build.7", false),
    ("~>1.2", "1.2.9+build.7", false),
    ("1.x", "1.10.0", false),
    ("~1", "1.10.0", false),
    ("^1", "1.10.0", false),
    ("*", "12.5.3", false),
    ("x", "12.5.3", false),
    (">1.2", "12.5.3", false),
    (">1", "12.5.3", false),
    ("<1.2", "1.0.0", false),
    ("<=1.2", "1.2.9+build.7", false),
    ("=<1.0", "1.0.0", false),
    ("!=12.5.3", "2.3.4", false),
    ("<2.0.0, !=1.10.0", "1.4.9", false),
    ("^1.2.3", "1.10.0", false),
    ("^0.1", "0.1.5", false),
    ("^0.0.3", "0.0.3", false),
    ("^0.0", "0.0.3", false),
    ("^0", "0.2.0", false),
    ("~0.0.0", "12.5.3", false),
    ("1.2 - 1.4", "1.4.9", false),
    ("1.2.3 - 2.3.4", "2.3.4", false),
    (">=1.0.0-0", "12.5.3", false),
    (">=1.0.0-0 <1.0.0", "1.0.0-beta", false),
    (">=1.2.0-0 <1.2.0", "1.2.0-beta.1", false),
    (">=2.0.0-0 <2.0.0", "2.0.0-rc.1", false),
    ("^2.0.0-rc.1", "2.3.4", false),
    ("~1.2.3-beta.2", "1.2.9+build.7", false),
    ("<1.0.0 || >=2.0.0 <2.1.0", "2.0.0", false),
    ("<1.0.0||>=13.0.0", "0.2.0", false),
    (">=1.2.3,<2.0.0", "1.10.0", false),
    (">= 1.2.3, < 2", "1.10.0", false),
    (">01.2.3", "12.5.3", false),
];

#[test]
fn constraint_table_locks_what_helm_locks() {
    let started = Instant::now();
    let Some(fx) = Fixture::start("dep-ranges") else { return };
    fx.publish("ranged", RANGED);
    let sources = [("http", fx.http()), ("oci", fx.oci())];
    let results = Mutex::new(BTreeMap::new());
    let failures = parallel(&sources, |(label, repository)| {
        let rows: Vec<&(&str, &str, bool)> =
            CONSTRAINTS.iter().filter(|(_, _, http_only)| !http_only || *label == "http").collect();
        let deps: String = rows
            .iter()
            .enumerate()
            .map(|(i, (c, _, _))| dep("ranged", c, repository, Some(&format!("c{i:02}"))))
            .collect();
        let case = fx.case(label, |t| write_parent(t, &deps));
        let runs = case.both(&["update", "parent"]);
        let found = differences(&case, "parent", &fx.repo_dir(), &runs.0, &runs.1);
        let (h, o) =
            (locked_versions(&case.helm_dir().join("parent")), locked_versions(&case.ours_dir().join("parent")));
        let mut results = results.lock().expect("lock");
        for (i, (constraint, _, _)) in rows.iter().enumerate() {
            let cell = (h.get(i).cloned().unwrap_or_default(), o.get(i).cloned().unwrap_or_default());
            results.insert((constraint.to_string(), label.to_string()), cell);
        }
        if found.is_empty() {
            Ok(())
        } else {
            Err(format!("{label}: {}", found.join("\n")))
        }
    });
    let results = results.into_inner().expect("lock");
    let mut table = String::from("constraint | expected | helm http | chartpack http | helm oci | chartpack oci\n");
    let mut unexpected = Vec::new();
    for (constraint, expected, _) in CONSTRAINTS {
        let cell =
            |source: &str| results.get(&(constraint.to_string(), source.to_owned())).cloned().unwrap_or_default();
        let (http, oci) = (cell("http"), cell("oci"));
        table.push_str(&format!("{constraint:?} | {expected} | {} | {} | {} | {}\n", http.0, http.1, oci.0, oci.1));
        for helm in [&http.0, &oci.0] {
            if !helm.is_empty() && helm != expected {
                unexpected.push(format!("{constraint:?}: helm locked {helm}, the table says {expected}"));
            }
        }
    }
    eprintln!("{table}constraint table: {} rows, {:.1?}", CONSTRAINTS.len(), started.elapsed());
    assert!(failures.is_empty(), "{}\n{table}", failures.join("\n"));
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// 8. Corpus charts with dependencies, pointed at synthesized charts served locally.
// ---------------------------------------------------------------------------------------------

/// The declared dependencies of a chart directory, as chartpack loads them (`None` when it
/// does not load: both tools still run and must fail alike).
fn declared_dependencies(dir: &Path) -> Option<Vec<Dependency>> {
    let files = chartpack_cli::walk::read_chart_dir(dir).ok()?;
    let chart = load_directory(files, &DEFAULT_LOAD_LIMITS).ok()?;
    Some(chart.metadata.dependencies.into_iter().flatten().collect())
}

/// Versions to publish so that `constraint` has candidates: its own numbers (wildcards as 0)
/// and the next patch, minor and major, the previous major, plus 0.1.0 and 1.0.0.
fn spread(constraint: &str) -> Vec<String> {
    let start = constraint.find(|c: char| c.is_ascii_digit());
    let digits: String =
        start.map_or("", |at| &constraint[at..]).chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let mut parts: Vec<u64> = digits.split('.').filter_map(|p| p.parse().ok()).take(3).collect();
    parts.resize(3, 0);
    let (major, minor, patch) = (parts[0], parts[1], parts[2]);
    let mut out = vec![
        format!("{major}.{minor}.{patch}"),
        format!("{major}.{minor}.{}", patch + 1),
        format!("{major}.{}.0", minor + 1),
        format!("{}.0.0", major + 1),
        "0.1.0".to_owned(),
        "1.0.0".to_owned(),
    ];
    if major > 0 {
        out.push(format!("{}.0.0", major - 1));
    }
    out
}

fn is_http(repository: &str) -> bool {
    repository.starts_with("http://") || repository.starts_with("https://")
}

#[test]
fn corpus_charts_with_dependencies_match_helm() {
    let started = Instant::now();
    let Some(corpus) = corpus() else { return };
    let Some(fx) = Fixture::start("dep-corpus") else { return };
    let oci = format!("oci://{}/corpus", fx.registry.host());
    let mut charts = Vec::new();
    for id in corpus_charts(&corpus) {
        let dir = corpus.join("charts").join(&id);
        let declares = ["Chart.yaml", "requirements.yaml"].iter().any(|f| {
            std::fs::read_to_string(dir.join(f)).is_ok_and(|t| t.lines().any(|l| l.starts_with("dependencies:")))
        });
        if declares {
            charts.push((id, declared_dependencies(&dir).unwrap_or_default()));
        }
    }
    // name → (versions, also in the registry); every one goes to the HTTP repository
    let mut wanted: BTreeMap<String, (BTreeSet<String>, bool)> = BTreeMap::new();
    for (_, deps) in &charts {
        for d in deps {
            let (http, oci) = (is_http(&d.repository), d.repository.starts_with("oci://"));
            if http || oci {
                let entry = wanted.entry(d.name.clone()).or_default();
                entry.0.extend(spread(&d.version));
                entry.1 |= oci;
            }
        }
    }
    let items: Vec<(&str, &str, Option<&str>)> = wanted
        .iter()
        .flat_map(|(name, (versions, in_registry))| {
            versions.iter().map(move |v| (name.as_str(), v.as_str(), in_registry.then_some("corpus")))
        })
        .collect();
    fx.publish_all(&items);
    fx.reindex();
    eprintln!(
        "corpus: published {} versions of {} charts for {} corpus charts in {:.1?}",
        items.len(),
        wanted.len(),
        charts.len(),
        started.elapsed()
    );

    let outcomes = Mutex::new(Vec::new());
    let failures = parallel(&charts, |(id, deps)| {
        let case = fx.case(id, |t| {
            copy_tree(&corpus.join("charts").join(id), &t.join(id));
            let mut repositories: Vec<&str> = deps.iter().map(|d| d.repository.as_str()).collect();
            repositories.sort_by_key(|r| std::cmp::Reverse(r.len()));
            for file in ["Chart.yaml", "requirements.yaml"] {
                let path = t.join(id).join(file);
                let Ok(mut yaml) = std::fs::read_to_string(&path) else { continue };
                for repository in &repositories {
                    if is_http(repository) {
                        yaml = yaml.replace(repository, &fx.http());
                    } else if repository.starts_with("oci://") {
                        yaml = yaml.replace(repository, &oci);
                    }
                }
                std::fs::remove_file(&path).expect("unlink (it may be a link)");
                std::fs::write(&path, yaml).expect("write");
            }
            // file:// charts that are not there (the corpus keeps one chart per directory).
            for d in deps {
                let Some(relative) = d.repository.strip_prefix("file://") else { continue };
                let target = t.join(id).join(relative);
                if !relative.starts_with('/') && !target.exists() && target.starts_with(t) {
                    let parent = mkdir(target.parent().expect("parent").to_path_buf());
                    let version = spread(&d.version).swap_remove(0);
                    create_chart(&fx.helm, &parent, &d.name, &version);
                    if target.file_name() != Some(std::ffi::OsStr::new(&d.name)) {
                        std::fs::rename(parent.join(&d.name), &target).expect("rename");
                    }
                }
            }
        });
        let runs = case.both(&["update", id]);
        let found = differences(&case, id, &fx.repo_dir(), &runs.0, &runs.1);
        let status = if !found.is_empty() {
            "DIFFERS"
        } else if runs.0.status.success() {
            "updated alike"
        } else {
            "fails alike"
        };
        let line = format!("{id}: {status} ({} dependencies) {}", deps.len(), error_line(&text(&runs.0.stderr)));
        outcomes.lock().expect("lock").push((status, line));
        if found.is_empty() {
            Ok(())
        } else {
            Err(format!("{id}: {}", found.join("\n")))
        }
    });
    let mut outcomes = outcomes.into_inner().expect("lock");
    outcomes.sort();
    for (_, line) in &outcomes {
        eprintln!("{line}");
    }
    let count = |status: &str| outcomes.iter().filter(|(s, _)| *s == status).count();
    eprintln!(
        "corpus: {} charts with dependencies: {} updated alike, {} fail alike, {} differ; {:.1?}",
        charts.len(),
        count("updated alike"),
        count("fails alike"),
        count("DIFFERS"),
        started.elapsed()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
