//! The web app's session features in real headless Chromium (`web/test/session.mjs` drives the
//! page), on charts this test makes (no corpus needed), served by `chartpack serve --static-dir
//! dist` in front of the real `distribution` registry with Basic auth:
//! - a chart folder opened from the keyboard alone, every control labelled, and no axe-core
//!   WCAG 2.1 A/AA violation on the start page or with a chart open;
//! - a chart folder dropped as a real directory drag (CDP `Input.dispatchDragEvent`);
//! - "Update dependencies" (an OCI range on the registry, through the proxy, with the panel's
//!   credentials; a `file://` chart the user picks), judged by helm: the same `Chart.lock` but for
//!   its time, the same printed lines, the packaged archive holds the files `helm dependency
//!   update` + `helm package` give, and `helm template` renders it with both subcharts;
//! - a reload brings back the chart, the values files and `--set` lines, and says so; Close forgets
//!   them; a dropped `.tgz` is verified and shown, a dropped file that is not one refused;
//! - credentials are stored nowhere unless "Remember" is ticked, come back after a reload when it
//!   is, and are gone when it is unticked;
//! - a push straight to a registry that allows CORS (no proxy), which helm then pulls;
//! - a large chart (48 MiB) packages in the worker while the page's thread keeps answering, and
//!   Cancel stops its push midway (`aborted`; the registry shows no version).
//!
//! Needs `dist/index.html`, `node_modules/playwright-core` and `axe-core`, Node 20+, Chromium and helm; without
//! them it skips with a note, except under CI (`CI` set).
#![allow(clippy::print_stderr)] // timings and artefact paths are the point of the notes

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chartpack_e2e::js::{self, get, key_values};
use chartpack_e2e::proxy::Proxy;
use chartpack_e2e::{chartpack_command, mkdir, ok, path_str, run, text, Helm, TempDir};
use chartpack_oci::digest::Digest;
use chartpack_testkit::{Registry, RegistryAuth};

const CHILD_TIMEOUT: Duration = Duration::from_secs(240);
const USER: &str = "session-user";
/// The versions of `sub` in the registry; the parent asks for `^1.0.0`.
const SUB_VERSIONS: [&str; 3] = ["1.0.0", "1.2.0", "2.0.0"];
const SUB_CHOSEN: &str = "1.2.0";
/// The large chart: this many files of this many bytes (incompressible).
const BIG_FILES: usize = 24;
const BIG_FILE_BYTES: usize = 2 << 20;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A chart with one ConfigMap named after it.
fn chart(dir: &Path, name: &str, version: &str, extra_chart_yaml: &str) {
    write(&dir.join("Chart.yaml"), &format!("apiVersion: v2\nname: {name}\nversion: {version}\n{extra_chart_yaml}"));
    write(&dir.join("values.yaml"), "greeting: hello\n");
    write(
        &dir.join("templates/cm.yaml"),
        &format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-{{{{ .Release.Name }}}}\ndata:\n  greeting: {{{{ .Values.greeting | quote }}}}\n"
        ),
    );
}

/// Bytes that do not compress (xorshift), so packaging them takes a measurable while.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// `tar -xzf archive -C dir`.
fn untar(archive: &Path, dir: &Path) {
    let out = Command::new("tar").arg("-xzf").arg(archive).arg("-C").arg(dir).output().expect("run tar");
    assert!(out.status.success(), "tar -xzf {}: {}", archive.display(), String::from_utf8_lossy(&out.stderr));
}

/// A lock's lines without its `generated:` time.
fn lock_without_time(lock: &str) -> Vec<&str> {
    lock.lines().filter(|l| !l.starts_with("generated:")).collect()
}

/// Every file under `dir`: "/"-separated relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root").to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&path).expect("read file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn the_web_app_keeps_a_session_opens_by_keyboard_and_drop_updates_dependencies_and_stays_responsive() {
    let Some(root) =
        js::prerequisites("web app session test", &["node_modules/playwright-core", "node_modules/axe-core"])
    else {
        return;
    };
    let dist = root.join("dist");
    if !dist.join("index.html").is_file() {
        assert!(std::env::var_os("CI").is_none(), "dist/index.html missing under CI (scripts/build-web.sh)");
        eprintln!("note: web app session test skipped; missing: dist/index.html (scripts/build-web.sh)");
        return;
    }
    let Some(helm) = Helm::find("web-session") else { return };
    let started = Instant::now();
    let Some(registry) = Registry::start(RegistryAuth::basic(USER, "session-secret-1")) else { return };
    let password = registry.password().expect("password").to_owned();
    let host = registry.host();
    let work = TempDir::new("web-session");
    let results = js::results_dir("web-app-session");
    for stale in std::fs::read_dir(&results).expect("results dir").flatten() {
        let _ = std::fs::remove_file(stale.path());
    }

    // `sub` in three versions, pushed with the CLI to oci://HOST/deps.
    let config = work.path().join("registry-config.json");
    for version in SUB_VERSIONS {
        let dir = work.path().join("sub-src").join(version).join("sub");
        chart(&dir, "sub", version, "");
        let out_dir = mkdir(work.path().join("sub-archives"));
        let packaged = run(
            chartpack_command(work.path(), &config),
            &["package", path_str(&dir), "--reproducible", "-d", path_str(&out_dir)],
        );
        ok(&packaged, "chartpack package sub");
        let archive = out_dir.join(format!("sub-{version}.tgz"));
        let pushed = run(
            chartpack_command(work.path(), &config),
            &[
                "push",
                path_str(&archive),
                &format!("oci://{host}/deps"),
                "--plain-http",
                "--username",
                USER,
                "--password",
                &password,
            ],
        );
        ok(&pushed, "chartpack push sub");
    }

    // The parent (depends on sub ^1.0.0 over OCI and on ../local), the local chart, a large chart.
    let charts = mkdir(work.path().join("charts"));
    let local = charts.join("local");
    chart(&local, "local", "0.1.0", "");
    let parent = charts.join("parent");
    chart(
        &parent,
        "parent",
        "0.1.0",
        &format!(
            "dependencies:\n  - name: sub\n    version: ^1.0.0\n    repository: oci://{host}/deps\n  - name: local\n    version: 0.1.0\n    repository: file://../local\n"
        ),
    );
    let big = work.path().join("big");
    chart(&big, "big", "0.1.0", "");
    for i in 0..BIG_FILES {
        let path = big.join("files").join(format!("blob-{i:02}.bin"));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, noise(BIG_FILE_BYTES, i as u64 + 7)).expect("write blob");
    }

    // An anonymous registry that answers CORS: the page pushes to it directly, no proxy.
    let Some(direct) = Registry::start(RegistryAuth::None) else { return };
    let values_file = work.path().join("values-prod.yaml");
    write(&values_file, "greeting: from-prod\n");

    let proxy =
        Proxy::start(&["--registry", &registry.url(), "--allow-private", &host, "--static-dir", path_str(&dist)]);
    let env = [
        ("APP_URL", format!("{}/", proxy.url())),
        ("REGISTRY_HOST", host.clone()),
        ("REG_USER", USER.to_owned()),
        ("REG_PASS", password.clone()),
        ("LOCAL_DIR", path_str(&local).to_owned()),
        ("PARENT_DIR", path_str(&parent).to_owned()),
        ("BIG_DIR", path_str(&big).to_owned()),
        ("VALUES_FILE", path_str(&values_file).to_owned()),
        ("DIRECT_HOST", direct.host()),
        ("RESULTS_DIR", results.to_string_lossy().into_owned()),
    ];
    proxy.drive(&root, work.path(), "web-session", "web/test/session.mjs", &env, CHILD_TIMEOUT);
    let values = key_values(&results.join("session.txt"));
    assert_eq!(get(&values, "ok"), "true");

    // Keyboard and labels.
    assert_eq!(get(&values, "keyboardTitle"), "local 0.1.0", "{}", get(&values, "keyboardStatus"));
    assert_eq!(get(&values, "chooserDirectory"), "true", "Enter on the drop zone opens the folder chooser");
    let tabs: u32 = get(&values, "tabsToDrop").parse().expect("tab count");
    assert!(tabs <= 3, "{tabs} Tab presses to reach the drop zone");
    assert_eq!(get(&values, "unlabelled"), "", "controls without a label");
    assert_eq!(get(&values, "axeStart"), "", "axe-core WCAG 2.1 A/AA violations on the start page");
    assert_eq!(get(&values, "axeWithChart"), "", "axe-core WCAG 2.1 A/AA violations with a chart open");
    assert!(
        get(&values, "axeProbe").contains("label("),
        "axe-core flags an unlabelled input: {}",
        get(&values, "axeProbe")
    );

    // A dropped directory.
    assert_eq!(get(&values, "dropTitle"), "parent 0.1.0", "{}", get(&values, "dropStatus"));
    assert!(get(&values, "depsListed").contains("not in charts/ yet"), "{}", get(&values, "depsListed"));

    // Dependencies, without then with the file:// chart's folder.
    let without = get(&values, "depsWithoutLocal");
    assert!(without.contains("../local"), "the missing file:// chart is named: {without}");
    assert!(without.contains("Pick that chart’s folder"), "and what to do in the page: {without}");
    assert!(get(&values, "depsStatus").contains("2 chart(s) in charts/"), "{}", get(&values, "depsStatus"));
    let listed = get(&values, "depsListedAfter");
    assert!(listed.contains(&format!("charts/sub-{SUB_CHOSEN}.tgz")), "^1.0.0 picks {SUB_CHOSEN}: {listed}");
    let app = mkdir(work.path().join("from-app"));
    untar(Path::new(get(&values, "depsArchive")), &app);
    let app_chart = app.join("parent");

    // helm's `dependency update` of the same chart, logged in to the same registry.
    let helm_tree = mkdir(work.path().join("helm-tree"));
    let copy = Command::new("cp").arg("-a").arg(&parent).arg(&local).arg(&helm_tree).output().expect("cp");
    assert!(copy.status.success(), "cp -a: {}", String::from_utf8_lossy(&copy.stderr));
    ok(
        &helm.run(work.path(), &["registry", "login", &host, "-u", USER, "-p", &password, "--plain-http"]),
        "helm login",
    );
    let helm_chart = helm_tree.join("parent");
    let update = helm.run(work.path(), &["dependency", "update", path_str(&helm_chart), "--plain-http"]);
    ok(&update, "helm dependency update");
    let helm_lock = std::fs::read_to_string(helm_chart.join("Chart.lock")).expect("helm's Chart.lock");
    let app_lock = std::fs::read_to_string(app_chart.join("Chart.lock")).expect("the app's Chart.lock");
    assert_eq!(lock_without_time(&app_lock), lock_without_time(&helm_lock), "Chart.lock (apart from generated)");
    // helm package of helm's result holds the same files as the app's archive (the lock aside).
    let helm_out = mkdir(work.path().join("helm-packaged"));
    ok(&helm.run(work.path(), &["package", path_str(&helm_chart), "-d", path_str(&helm_out)]), "helm package");
    let helm_unpacked = mkdir(work.path().join("helm-unpacked"));
    untar(&helm_out.join("parent-0.1.0.tgz"), &helm_unpacked);
    let mut ours = tree(&app_chart);
    let mut theirs = tree(&helm_unpacked.join("parent"));
    assert!(ours.remove("Chart.lock").is_some() && theirs.remove("Chart.lock").is_some());
    assert_eq!(ours.keys().collect::<Vec<_>>(), theirs.keys().collect::<Vec<_>>(), "the packaged chart's files");
    assert!(ours == theirs, "a packaged file differs from helm's");
    assert!(ours.contains_key("charts/sub/Chart.yaml"), "{:?}", ours.keys());
    let helm_log: Vec<String> = text(&update.stdout).lines().map(str::to_owned).collect();
    let app_log: Vec<String> = get(&values, "depsLog").split("\\n").map(str::to_owned).collect();
    assert_eq!(app_log[..app_log.len() - 1], helm_log[..], "what the update printed");
    assert_eq!(app_log.last().map(String::as_str), Some("(wrote Chart.lock)"));
    let template = helm.run(work.path(), &["template", "web", get(&values, "depsArchive")]);
    let rendered = ok(&template, "helm template of the app's archive");
    for name in ["parent-web", "sub-web", "local-web"] {
        assert!(rendered.contains(&format!("name: {name}")), "{name} not rendered:\n{rendered}");
    }

    // Reload and Close.
    assert_eq!(get(&values, "reloadTitle"), "parent 0.1.0");
    assert!(get(&values, "reloadNote").starts_with("Reopened folder parent"), "{}", get(&values, "reloadNote"));
    assert_eq!(get(&values, "reloadHasLock"), "true", "the updated dependencies came back too");
    assert_eq!(get(&values, "reloadHost"), host, "the registry host is kept");
    assert_eq!(get(&values, "reloadPassword"), "", "the password is not kept without Remember");
    assert_eq!(get(&values, "reloadValuesFiles"), "values-prod.yaml", "the -f file is kept");
    assert_eq!(get(&values, "reloadSetLines"), "string: extra=010", "the --set lines are kept");
    let computed = get(&values, "reloadComputed");
    assert!(computed.contains("greeting: from-prod") && computed.contains("extra: \"010\""), "{computed}");
    assert_eq!(get(&values, "afterCloseHidden"), "true", "Close forgets the chart");
    assert_eq!(get(&values, "afterCloseValuesFiles"), "0", "Close forgets the values files");

    // A dropped archive is verified and shown; a dropped file that is not one is refused.
    assert_eq!(get(&values, "droppedTgzVerified"), "true", "{}", get(&values, "droppedTgzStatus"));
    let other = get(&values, "droppedOtherStatus");
    assert!(other.contains("values-prod.yaml is not a .tgz") && other.contains("invalid_input"), "{other}");
    assert!(!values.contains_key("dialogs"), "no leave-page dialog: {:?}", values.get("dialogs"));

    // Credentials.
    assert_eq!(get(&values, "passwordStoredWithoutRemember"), "false");
    assert!(get(&values, "rememberHint").contains("unencrypted"), "{}", get(&values, "rememberHint"));
    assert!(get(&values, "rememberStatus").contains("remembers the credentials"));
    assert_eq!(get(&values, "rememberedUser"), USER);
    assert_eq!(get(&values, "rememberedPasswordBack"), "true");
    assert_eq!(get(&values, "rememberedChecked"), "true");
    assert_eq!(get(&values, "passwordStoredAfterForget"), "false");
    assert_eq!(get(&values, "passwordAfterForgetReload"), "");

    // Straight to a registry that allows CORS: no request through the proxy; helm pulls the bytes.
    assert!(get(&values, "directStatus").contains("1 version(s)"), "{}", get(&values, "directStatus"));
    let direct_requests: usize = get(&values, "directRequests").parse().expect("count");
    assert!(direct_requests >= 4, "{direct_requests} requests went to the registry itself");
    assert_eq!(get(&values, "directViaProxy"), "0", "nothing went through the proxy");
    let direct_commands = get(&values, "directCommands");
    assert!(!direct_commands.contains("--proxy") && direct_commands.contains("--plain-http"), "{direct_commands}");
    let pulled = mkdir(work.path().join("direct-pulled"));
    let reference = format!("oci://{}/direct/local", direct.host());
    let pull =
        helm.run(work.path(), &["pull", &reference, "--version", "0.1.0", "--plain-http", "-d", path_str(&pulled)]);
    ok(&pull, "helm pull from the CORS registry");
    let bytes = std::fs::read(pulled.join("local-0.1.0.tgz")).expect("helm's pull");
    assert_eq!(
        get(&values, "directDigest"),
        format!("sha256:{}", Digest::of(&bytes).hex()),
        "helm pulled what the app pushed"
    );

    // The large chart: the page's thread kept answering while the worker packaged it.
    let package_ms: u64 = get(&values, "bigPackageMs").parse().expect("ms");
    let max_gap: u64 = get(&values, "bigMaxGapMs").parse().expect("ms");
    let archive_bytes: usize = get(&values, "bigArchiveBytes").parse().expect("bytes");
    assert!(archive_bytes > BIG_FILES * BIG_FILE_BYTES, "the large archive holds the noise: {archive_bytes} B");
    let cancel = get(&values, "cancelStatus");
    assert!(cancel.contains("code: aborted"), "a cancelled push: {cancel}");
    assert_eq!(get(&values, "cancelHidden"), "true", "Cancel goes away with the transfer");
    let after = get(&values, "afterCancelTags");
    assert!(
        after.contains("not_found") || after.contains(": 0 version(s)"),
        "no version after a cancelled push: {after}"
    );
    assert!(max_gap < 300, "the page froze for {max_gap} ms while packaging ({package_ms} ms)");
    eprintln!(
        "large chart: {} MiB packaged in {package_ms} ms, longest pause of the page's thread {max_gap} ms; whole test {:.1} s; results: {}",
        (BIG_FILES * BIG_FILE_BYTES) >> 20,
        started.elapsed().as_secs_f64(),
        results.display()
    );
}
