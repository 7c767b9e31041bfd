//! The web app (`dist/`, built by `scripts/build-web.sh` with Trunk) in real headless Chromium,
//! served by `chartpack serve --static-dir dist` in front of the real `distribution` registry with
//! htpasswd Basic auth, as a person would use it (`web/test/app.mjs` drives the page): a folder
//! without `Chart.yaml` shows a clear error and the page keeps working; the corpus chart
//! `bitnami__redis`, dropped onto the page as a real directory drag (CDP), shows its name, version and lint
//! findings (each one of `chartpack lint`'s); "Package" (reproducible) downloads the bytes of
//! `chartpack package --reproducible`; a wrong password fails with `unauthorized`; log in, push
//! through the proxy, the versions list shows the pushed one, and pulling it previews a verified
//! archive. Then `helm pull` straight from the registry gives the downloaded bytes and
//! `helm template` renders them.
//!
//! Needs `dist/index.html`, `node_modules/playwright-core`, Node 20+ and Chromium (and the corpus);
//! without them it skips with a note, except under CI (`CI` set). Screenshots of each screen and
//! the results go to `<target>/debug/web-app/`.
#![allow(clippy::print_stderr)] // timings and artefact paths are the point of the notes

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chartpack_e2e::js::{self, get, key_values};
use chartpack_e2e::proxy::Proxy;
use chartpack_e2e::{corpus, path_str, run_chartpack, Helm, TempDir};
use chartpack_oci::digest::Digest;
use chartpack_testkit::{Registry, RegistryAuth};

const CHILD_TIMEOUT: Duration = Duration::from_secs(180);
const CHART: &str = "bitnami__redis";
const USER: &str = "web-user";
/// A corpus archive chartpack refuses (a symbolic-link entry; helm would accept it).
const HOSTILE: &str = "symlink-entry.tgz";

/// A loopback port where nothing listens (bound, then released): a registry that is down.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// The built app, or `None` with a note (a failure under CI).
fn built_app(root: &std::path::Path) -> Option<PathBuf> {
    let dist = root.join("dist");
    if dist.join("index.html").is_file() {
        return Some(dist);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "web app test cannot run under CI: dist/index.html missing (scripts/build-web.sh)"
    );
    eprintln!("note: web app test skipped; missing: dist/index.html (scripts/build-web.sh builds it with trunk)");
    None
}

#[test]
fn the_web_app_opens_lints_packages_pushes_lists_and_pulls_a_chart_in_chromium_then_helm_pulls_the_same_bytes() {
    let Some(root) = js::prerequisites("web app test", &["node_modules/playwright-core"]) else { return };
    let Some(dist) = built_app(&root) else { return };
    let Some(corpus) = corpus() else { return };
    let chart_dir = corpus.join("charts").join(CHART);
    assert!(chart_dir.join("Chart.yaml").is_file(), "{} has no Chart.yaml", chart_dir.display());
    let started = Instant::now();
    let Some(registry) = Registry::start(RegistryAuth::basic(USER, "web-secret-1")) else { return };
    let work = TempDir::new("web-app");
    let results = js::results_dir("web-app");
    for stale in std::fs::read_dir(&results).expect("results dir").flatten() {
        let _ = std::fs::remove_file(stale.path()); // screenshots and results of an earlier run
    }

    // What the CLI says about the same directory: the reproducible archive and the lint output.
    let out_dir = work.path().join("cli");
    std::fs::create_dir_all(&out_dir).expect("mkdir");
    let package =
        run_chartpack(work.path(), &["package", path_str(&chart_dir), "--reproducible", "-d", path_str(&out_dir)]);
    assert!(package.status.success(), "chartpack package: {}", String::from_utf8_lossy(&package.stderr));
    let cli_archive_path =
        std::fs::read_dir(&out_dir).expect("read cli dir").flatten().next().expect("an archive").path();
    let cli_archive = std::fs::read(&cli_archive_path).expect("cli archive");
    let lint = run_chartpack(work.path(), &["lint", path_str(&chart_dir)]);
    let cli_lint = format!("{}{}", String::from_utf8_lossy(&lint.stdout), String::from_utf8_lossy(&lint.stderr));

    // A folder without Chart.yaml.
    let bad = work.path().join("not-a-chart");
    std::fs::create_dir_all(bad.join("templates")).expect("mkdir");
    std::fs::write(bad.join("values.yaml"), "a: 1\n").expect("write");
    std::fs::write(bad.join("templates/cm.yaml"), "kind: ConfigMap\n").expect("write");

    // A small chart with a lint finding (no icon), and what chartpack lint says about it.
    let small = work.path().join("small");
    std::fs::create_dir_all(small.join("templates")).expect("mkdir");
    std::fs::write(small.join("Chart.yaml"), "apiVersion: v2\nname: small\nversion: 0.1.0\n").expect("write");
    std::fs::write(small.join("values.yaml"), "a: 1\n").expect("write");
    std::fs::write(small.join("templates/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
        .expect("write");
    let small_lint = run_chartpack(work.path(), &["lint", path_str(&small)]);
    let small_cli: Vec<String> =
        String::from_utf8_lossy(&small_lint.stdout).lines().filter(|l| l.starts_with('[')).map(str::to_owned).collect();
    assert!(!small_cli.is_empty(), "chartpack lint found nothing in the small chart");

    let host = registry.host();
    let proxy =
        Proxy::start(&["--registry", &registry.url(), "--allow-private", &host, "--static-dir", path_str(&dist)]);
    let env = [
        ("APP_URL", format!("{}/", proxy.url())),
        ("REGISTRY_HOST", host.clone()),
        ("REG_USER", USER.to_owned()),
        ("REG_PASS", registry.password().expect("password").to_owned()),
        ("CHART_DIR", path_str(&chart_dir).to_owned()),
        ("BAD_DIR", path_str(&bad).to_owned()),
        ("LINT_DIR", path_str(&small).to_owned()),
        ("HOSTILE_TGZ", path_str(&corpus.join("archives").join(HOSTILE)).to_owned()),
        ("DOWN_HOST", format!("127.0.0.1:{}", closed_port())),
        ("RESULTS_DIR", results.to_string_lossy().into_owned()),
    ];
    proxy.drive(&root, work.path(), "web-app", "web/test/app.mjs", &env, CHILD_TIMEOUT);

    let values = key_values(&results.join("web-app.txt"));
    assert_eq!(get(&values, "ok"), "true");
    let proxied: usize = get(&values, "proxied").parse().expect("proxied count");
    assert!(proxied >= 5, "the registry calls went through the proxy ({proxied} seen): {values:#?}");
    assert_eq!(get(&values, "direct"), "0", "requests to another origin than the app's: {values:#?}");
    assert_eq!(get(&values, "defaultProxy"), proxy.url(), "the proxy defaults to the page's origin");
    assert_eq!(get(&values, "wasmEncoding"), "gzip", "the wasm travels as build-web.sh's gzip twin");
    assert_eq!(get(&values, "wasmCache"), "public, max-age=31536000, immutable");
    let bad_status = get(&values, "badFolderStatus");
    assert!(bad_status.contains("Chart.yaml") && bad_status.contains("chart.missing_chart_yaml"), "{bad_status}");

    assert_eq!(get(&values, "smallTitle"), "small 0.1.0");
    // The values panel computes what `chartpack values` (judged against helm in values.rs) prints.
    let cli_values = run_chartpack(
        work.path(),
        &["values", path_str(&small), "--set", "b.c=3", "--set-string", "d=010", "--set", "a=null"],
    );
    assert!(cli_values.status.success(), "chartpack values: {}", String::from_utf8_lossy(&cli_values.stderr));
    let app_values = std::fs::read_to_string(get(&values, "valuesFile")).expect("values.yaml from the app");
    assert_eq!(app_values, String::from_utf8_lossy(&cli_values.stdout), "the app's computed values");
    assert_eq!(
        get(&values, "valuesCommand"),
        "chartpack values CHART --set 'b.c=3' --set-string 'd=010' --set 'a=null'"
    );
    let bad_set = get(&values, "badSetStatus");
    assert!(bad_set.contains("values.set"), "a bad --set line shows its code: {bad_set}");
    assert_eq!(
        get(&values, "smallLint").split("\\n").collect::<Vec<_>>(),
        small_cli,
        "the small chart's lint findings"
    );

    // Name, version and lint findings as the CLI sees them.
    let archive_name = cli_archive_path.file_name().expect("name").to_string_lossy().into_owned();
    let (name, version) = archive_name.trim_end_matches(".tgz").rsplit_once('-').expect("name-version.tgz");
    assert_eq!(get(&values, "name"), name);
    assert_eq!(get(&values, "version"), version);
    assert_eq!(get(&values, "title"), format!("{name} {version}"));
    let rows: Vec<Vec<String>> = parse_rows(&std::fs::read_to_string(get(&values, "lintFile")).expect("lint.json"));
    let cli_findings = cli_lint.lines().filter(|l| l.starts_with('[')).count();
    assert_eq!(
        rows.len(),
        cli_findings,
        "the app shows {} findings, chartpack lint {cli_findings}:\n{cli_lint}",
        rows.len()
    );
    for row in &rows {
        let first_line = row[2].lines().next().unwrap_or_default();
        assert!(
            cli_lint.contains(&format!("[{}]", row[0])) && cli_lint.contains(first_line),
            "finding {row:?} not in chartpack lint's output:\n{cli_lint}"
        );
    }
    assert_eq!(get(&values, "readmeScripts"), "0");
    // A file of the folder, and of the pulled archive, shown as the chart holds it.
    let values_yaml = std::fs::read_to_string(chart_dir.join("values.yaml")).expect("corpus values.yaml");
    let viewed = std::fs::read_to_string(get(&values, "viewedFile")).expect("viewed file");
    assert!(viewed == values_yaml, "values.yaml as the app shows it differs from the folder's");
    assert_eq!(get(&values, "viewedFocus"), "file-view-body", "the shown file takes the focus");
    let viewed_pulled = std::fs::read_to_string(get(&values, "viewedPulledFile")).expect("viewed pulled file");
    assert!(viewed_pulled == values_yaml, "values.yaml read from the pulled archive differs from the folder's");
    // Its dependency `common` is vendored unpacked in charts/common/, and the panel says so.
    let deps = get(&values, "depsListed");
    assert!(deps.starts_with("common ") && deps.ends_with("— charts/common/"), "{deps}");

    // The download is `chartpack package --reproducible`'s archive; the digest shown is its own.
    assert_eq!(get(&values, "downloadName"), archive_name);
    let downloaded = std::fs::read(get(&values, "downloadFile")).expect("downloaded archive");
    assert!(downloaded == cli_archive, "the app's reproducible archive differs from chartpack package --reproducible");
    assert_eq!(get(&values, "shownDigest"), format!("sha256:{}", Digest::of(&downloaded).hex()));
    assert_eq!(get(&values, "manifestHasChartLayer"), "true");

    // Registry: wrong password, then login, push, tags, pull and preview.
    let wrong = get(&values, "wrongPasswordStatus");
    assert!(wrong.contains("unauthorized"), "{wrong}");
    assert!(get(&values, "tags").split(',').any(|t| t == version), "tags: {}", get(&values, "tags"));
    assert!(get(&values, "commands")
        .contains(&format!("helm install {name} oci://{host}/webapp/{name} --version {version} --plain-http")));
    assert_eq!(get(&values, "pulledVerifyOk"), "true", "{}", get(&values, "pulledVerify"));
    for screen in [
        "01-start",
        "02-bad-folder",
        "03-lint-findings",
        "04-chart",
        "05-packaged",
        "06-wrong-password",
        "07-registry",
        "08-pulled",
    ] {
        assert!(std::path::Path::new(get(&values, &format!("screenshot.{screen}"))).is_file(), "{screen} screenshot");
    }

    // Bad input keeps the page working, with the reason and the code shown.
    let hostile = get(&values, "hostileStatus");
    assert!(hostile.contains("archive.irregular_entry"), "{hostile}");
    assert!(get(&values, "hostileVerify").starts_with("Verification failed"), "{}", get(&values, "hostileVerify"));
    let down = get(&values, "downStatus");
    assert!(down.contains("code: transport"), "{down}");
    assert!(get(&values, "afterDownStatus").contains("1 version(s)"), "{}", get(&values, "afterDownStatus"));

    // helm, straight to the registry, runs the `helm pull` line the page shows (plus where to put
    // the archive and the credentials): it pulls the bytes the app pushed, and templates them.
    assert_eq!(get(&values, "defaultHost"), format!("http://{host}"), "the host as /healthz names it");
    if let Some(helm) = Helm::find("web-app") {
        let out = work.path().join("helm");
        std::fs::create_dir_all(&out).expect("mkdir");
        let reference = format!("oci://{host}/webapp/{name}");
        let password = registry.password().expect("password");
        let commands = get(&values, "commands");
        let shown = commands.split("\\n").find(|l| l.starts_with("helm pull ")).expect("a helm pull line");
        assert_eq!(shown, format!("helm pull {reference} --version {version} --plain-http"));
        let mut args: Vec<&str> = shown.split_whitespace().skip(1).collect();
        args.extend(["-d", path_str(&out), "--username", USER, "--password", password]);
        let pull = helm.run(work.path(), &args);
        assert!(pull.status.success(), "helm pull {reference}: {}", String::from_utf8_lossy(&pull.stderr));
        let pulled = std::fs::read(out.join(&archive_name)).expect("helm's archive");
        assert!(pulled == downloaded, "helm pulled other bytes than the app downloaded and pushed");
        let template = helm.run(work.path(), &["template", "from-web", path_str(&out.join(&archive_name))]);
        assert!(template.status.success(), "helm template: {}", String::from_utf8_lossy(&template.stderr));
    }
    eprintln!("screenshots and results: {}; whole test {:.1} s", results.display(), started.elapsed().as_secs_f64());
}

/// `[["SEV","path","message"], …]` as app.mjs writes it (JSON strings, no nesting beyond that).
fn parse_rows(json: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row: Option<Vec<String>> = None;
    let mut chars = json.chars();
    let mut depth = 0;
    while let Some(c) = chars.next() {
        match c {
            '[' => {
                depth += 1;
                if depth == 2 {
                    row = Some(Vec::new());
                }
            }
            ']' => {
                if depth == 2 {
                    rows.extend(row.take());
                }
                depth -= 1;
            }
            '"' => {
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some('n') => s.push('\n'),
                            Some('t') => s.push('\t'),
                            Some('u') => {
                                let code: String = chars.by_ref().take(4).collect();
                                s.extend(u32::from_str_radix(&code, 16).ok().and_then(char::from_u32));
                            }
                            Some(other) => s.push(other),
                            None => break,
                        },
                        other => s.push(other),
                    }
                }
                if let Some(r) = row.as_mut() {
                    r.push(s);
                }
            }
            _ => {}
        }
    }
    rows
}
