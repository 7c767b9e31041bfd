//! The npm package (`pkg/`, the wasm build of the core) in the three places it must work, each
//! run as a child process against a real registry: Node 20+ (`node --test
//! pkg/test/node.test.mjs`: the API of `pkg/API.md`), a plain `<script type="module">` page in
//! headless Chromium (`pkg/test/browser.mjs`: package a chart from files, verify, push across
//! origins with CORS, pull back; then the browser-only entry points: `filesFromFileList` on a
//! directory picked in `<input webkitdirectory>`, `filesFromDirectoryHandle` on the origin
//! private file system, the package in a module worker), and a Vite-bundled app in Chromium
//! (`pkg/test/vite.mjs`).
//! Then helm pulls and templates what the browser pushed, and the reproducible archives of
//! Chromium, Node and the native CLI must be the same bytes.
//!
//! Needs `pkg/dist` (scripts/build-pkg.sh), the root `node_modules` (playwright-core, vite),
//! Node 20+ and Chromium; without them it skips with a note, except under CI (`CI` set).
//! Screenshots and result files go to `<target>/debug/wasm-pkg/`.
#![allow(clippy::print_stderr)] // timings and artefact paths are the point of the notes

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chartpack_e2e::js::{self, get, key_values, Run};
use chartpack_e2e::{chartpack_bin, corpus, Helm, TempDir};
use chartpack_oci::digest::Digest;
use chartpack_testkit::{Registry, RegistryAuth};

/// A child that takes longer is killed (a hung page or request must not hang the suite).
const CHILD_TIMEOUT: Duration = Duration::from_secs(150);

/// The repository root when everything the JS tests need is there (else a note, or a failure
/// under CI).
fn prerequisites() -> Option<PathBuf> {
    js::prerequisites("npm package tests", &["node_modules/playwright-core", "node_modules/.bin/vite"])
}

/// Runs `node ARGS` in `root`, killed after [`CHILD_TIMEOUT`].
fn node(root: &Path, logs: &Path, label: &str, args: &[&str], env: &[(&str, String)]) -> Run {
    js::node(root, logs, label, args, env, CHILD_TIMEOUT)
}

/// The chart packaged in all three environments: the corpus's bitnami__redis (subchart
/// directory, .helmignore, schema), else a small chart written here.
fn cross_environment_chart(work: &Path) -> PathBuf {
    if let Some(corpus) = corpus() {
        let chart = corpus.join("charts/bitnami__redis");
        return chart.canonicalize().unwrap_or(chart);
    }
    let dir = work.join("cross-env");
    std::fs::create_dir_all(dir.join("templates")).expect("mkdir");
    std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: cross-env\nversion: 0.2.0\n").expect("write");
    std::fs::write(dir.join("values.yaml"), "name: world\n").expect("write");
    std::fs::write(
        dir.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  hello: {{ .Values.name }}\n",
    )
    .expect("write");
    dir
}

/// The sha256 (hex) of what `chartpack package --reproducible DIR` writes.
fn native_reproducible_sha256(work: &Path, chart: &Path) -> String {
    let out = work.join("native-out");
    let run = Command::new(chartpack_bin())
        .arg("package")
        .arg("--reproducible")
        .arg(chart)
        .arg("-d")
        .arg(&out)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run chartpack");
    assert!(run.status.success(), "chartpack package: {}", String::from_utf8_lossy(&run.stderr));
    let file = std::fs::read_dir(&out).expect("package output").flatten().next().expect("an archive").path();
    Digest::of(&std::fs::read(file).expect("read archive")).hex().to_owned()
}

#[test]
fn node_api_and_plain_page_in_chromium_then_helm_pulls_what_the_browser_pushed() {
    let Some(root) = prerequisites() else { return };
    let Some(registry) = Registry::start(RegistryAuth::None) else { return };
    let work = TempDir::new("wasm-pkg");
    let results = js::results_dir("wasm-pkg");
    for stale in ["browser.txt", "node.txt"] {
        let _ = std::fs::remove_file(results.join(stale));
    }
    let chart = cross_environment_chart(work.path());
    let mut env = vec![
        ("REGISTRY_HOST", registry.host()),
        ("CHARTPACK_BIN", chartpack_bin().to_string_lossy().into_owned()),
        ("CHARTPACK_RESULTS_DIR", results.to_string_lossy().into_owned()),
        ("CHARTPACK_CHART_DIR", chart.to_string_lossy().into_owned()),
    ];
    if let Some(corpus) = corpus() {
        env.push(("CHARTPACK_CORPUS", corpus.to_string_lossy().into_owned()));
    }

    // Node and Chromium side by side: each pushes to its own repository.
    let (node_run, browser_run) = std::thread::scope(|s| {
        let node_run = s.spawn(|| {
            node(&root, work.path(), "node-test", &["--test", "--test-reporter=spec", "pkg/test/node.test.mjs"], &env)
        });
        let browser_run = s.spawn(|| node(&root, work.path(), "browser", &["pkg/test/browser.mjs"], &env));
        (node_run.join().expect("node thread"), browser_run.join().expect("browser thread"))
    });
    browser_run.assert_ok();
    eprintln!("{}", browser_run.stdout.trim_end());

    let browser = key_values(&results.join("browser.txt"));
    let browser_sha = get(&browser, "sha256");
    let browser_archive = std::fs::read(get(&browser, "archiveFile")).expect("the browser's archive");
    assert_eq!(Digest::of(&browser_archive).hex(), browser_sha, "the archive file the browser script saved");
    assert!(Path::new(get(&browser, "screenshot")).is_file(), "screenshot");
    assert_eq!(get(&browser, "pulledDigest"), get(&browser, "pushedDigest"));

    // helm pulls exactly what the browser pushed, and templates it.
    if let Some(helm) = Helm::find("wasm-pkg") {
        helm_pulls_and_templates(&helm, &registry, work.path(), &browser, &browser_archive);
    }

    // Reproducible mode: the same bytes in Chromium, Node and the native CLI.
    let native_sha = native_reproducible_sha256(work.path(), &chart);
    assert_eq!(get(&browser, "reproducibleSha256"), native_sha, "Chromium vs native CLI ({})", chart.display());
    assert_eq!(
        get(&browser, "fileListSha256"),
        native_sha,
        "Chromium, the directory picked in <input webkitdirectory>, vs native CLI ({})",
        chart.display()
    );
    let node_file = results.join("node.txt");
    if !node_file.is_file() {
        node_run.assert_ok(); // its output says why it wrote nothing
    }
    let node_values = key_values(&node_file);
    assert_eq!(get(&node_values, "reproducibleSha256"), native_sha, "Node vs native CLI ({})", chart.display());
    eprintln!("reproducible {}: sha256 {native_sha} in Chromium, Node and the native CLI", chart.display());

    // Last, so that a failing Node case still lets the checks above report.
    node_run.assert_ok();
    eprintln!(
        "{}",
        node_run.stdout.lines().filter(|l| l.starts_with('#') || l.starts_with('ℹ')).collect::<Vec<_>>().join("\n")
    );
}

/// `helm pull` of what the browser pushed gives the browser's bytes; `helm template` renders it.
fn helm_pulls_and_templates(
    helm: &Helm,
    registry: &Registry,
    work: &Path,
    browser: &BTreeMap<String, String>,
    browser_archive: &[u8],
) {
    let (name, version, file_name) = (get(browser, "name"), get(browser, "version"), get(browser, "fileName"));
    let browser_sha = get(browser, "sha256");
    let pulled = work.join("helm-pulled");
    std::fs::create_dir_all(&pulled).expect("mkdir");
    let reference = format!("oci://{}/browser/{name}", registry.host());
    let pull =
        helm.run(work, &["pull", &reference, "--version", version, "--plain-http", "-d", &pulled.to_string_lossy()]);
    let pull_err = String::from_utf8_lossy(&pull.stderr);
    assert!(pull.status.success(), "helm pull {reference}: {pull_err}");
    assert!(
        pull_err.contains(&format!("Digest: {}", get(browser, "pushedDigest"))),
        "helm pulled another manifest: {pull_err}"
    );
    let helm_archive = std::fs::read(pulled.join(file_name)).expect("the archive helm pulled");
    assert_eq!(Digest::of(&helm_archive).hex(), browser_sha, "helm pulled other bytes than the browser pushed");
    assert!(helm_archive == browser_archive);
    let template = helm.run(work, &["template", "from-browser", &pulled.join(file_name).to_string_lossy()]);
    assert!(template.status.success(), "helm template: {}", String::from_utf8_lossy(&template.stderr));
    assert!(String::from_utf8_lossy(&template.stdout).contains("\nkind: "), "helm template rendered no objects");
    eprintln!("helm pulled {reference}:{version} (sha256 {browser_sha}) and templated it");
}

#[test]
fn vite_bundle_runs_in_chromium() {
    let Some(root) = prerequisites() else { return };
    let work = TempDir::new("wasm-pkg-vite");
    let results = js::results_dir("wasm-pkg");
    let _ = std::fs::remove_file(results.join("vite.txt"));
    let env = [("CHARTPACK_RESULTS_DIR", results.to_string_lossy().into_owned())];
    let run = node(&root, work.path(), "vite", &["pkg/test/vite.mjs"], &env);
    run.assert_ok();
    eprintln!("{}", run.stdout.trim_end());
    let values = key_values(&results.join("vite.txt"));
    assert_eq!(get(&values, "ok"), "true");
    assert!(Path::new(get(&values, "screenshot")).is_file(), "screenshot");
}
