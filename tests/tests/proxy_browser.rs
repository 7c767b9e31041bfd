//! The npm package in real headless Chromium through the registry proxy (`chartpack serve`) to
//! real registries with auth: one behind htpasswd Basic auth, one behind Bearer tokens
//! (distribution's token auth, its token server on another port). One proxy relays both, serves
//! `pkg/` (`--static-dir`) and allows one other page origin (`--origin`).
//!
//! `pkg/test/proxy.mjs` loads the plain page (`pkg/test/page/index.html`) twice: served by the
//! proxy itself (same origin) and by a static server on another origin (every call with
//! `Authorization` preflighted). In each, for each registry, the page packages a chart; a wrong
//! password fails `login()` with a `ChartpackError` coded `unauthorized`, at once (requests carry
//! `credentials: "omit"`, so the proxy's `Basic` challenge opens no login dialog; a stuck call
//! fails after a timeout); then it logs in, pushes, pulls back the same bytes and lists tags. Every
//! request Chromium makes is recorded: none may reach a registry or token server directly. A
//! third load, from `http://localhost:PORT` (an origin the proxy was not told about), must be
//! refused.
//!
//! Then helm, straight to each registry (`--plain-http`, `--username/--password` for Basic,
//! `helm registry login` for tokens), pulls exactly the bytes the browser pushed and templates
//! them; the proxy's log shows the preflights of the cross-origin page (and none for the
//! same-origin one) and the token server's log shows the token requests the proxy relayed.
//!
//! Needs `pkg/dist` (scripts/build-pkg.sh), `node_modules/playwright-core`, Node 20+ and
//! Chromium; without them it skips with a note, except under CI (`CI` set). Results
//! (`proxy-browser.json`, `.txt`), the pushed archives and screenshots go to
//! `<target>/debug/proxy-browser/`.
#![allow(clippy::print_stderr)] // timings and artefact paths are the point of the notes

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use chartpack_e2e::js::{self, get, key_values};
use chartpack_e2e::proxy::Proxy;
use chartpack_e2e::{path_str, Helm, TempDir};
use chartpack_oci::digest::Digest;
use chartpack_testkit::{Registry, RegistryAuth};

/// The node child is killed after this (a hung page must not hang the suite).
const CHILD_TIMEOUT: Duration = Duration::from_secs(120);
const USER: &str = "page-user";
const PLACEMENTS: [&str; 2] = ["same-origin", "cross-origin"];

/// A free loopback port (bound, then released) for the cross-origin page server, whose origin
/// the proxy must be told before the page server starts.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

#[test]
fn chromium_pushes_and_pulls_through_the_proxy_with_basic_and_token_auth_then_helm_pulls_the_same_bytes() {
    let Some(root) = js::prerequisites("proxy browser test", &["node_modules/playwright-core"]) else { return };
    let started = Instant::now();
    let Some(basic) = Registry::start(RegistryAuth::basic(USER, "basic-secret-1")) else { return };
    let Some(token) = Registry::start(RegistryAuth::token(USER, "token-secret-2")) else { return };
    let token_server_port = token.token_server().expect("token server").port();
    let work = TempDir::new("proxy-browser");
    let results = js::results_dir("proxy-browser");
    for stale in ["proxy-browser.txt", "proxy-browser.json"] {
        let _ = std::fs::remove_file(results.join(stale));
    }

    let page_port = free_port();
    let page_origin = format!("http://127.0.0.1:{page_port}");
    let (basic_url, token_url) = (basic.url(), token.url());
    let (basic_host, token_host) = (basic.host(), token.host());
    let static_dir = root.join("pkg");
    let proxy = Proxy::start(&[
        "--registry",
        &basic_url,
        "--allow-private",
        &basic_host,
        "--registry",
        &token_url,
        "--allow-private",
        &token_host,
        "--origin",
        &page_origin,
        "--static-dir",
        path_str(&static_dir),
    ]);
    let cases = [("basic", &basic), ("token", &token)]
        .iter()
        .map(|(name, r)| {
            format!(
                r#"{{"name":"{name}","host":"{}","username":"{}","password":"{}"}}"#,
                r.host(),
                r.user().expect("user"),
                r.password().expect("password")
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    let direct_hosts = [basic_host.clone(), token_host.clone(), format!("127.0.0.1:{token_server_port}")].join(",");
    let env = [
        ("PROXY_URL", proxy.url()),
        ("PAGE_PORT", page_port.to_string()),
        ("PROXY_CASES", format!("[{cases}]")),
        ("DIRECT_HOSTS", direct_hosts),
        ("CHARTPACK_RESULTS_DIR", results.to_string_lossy().into_owned()),
    ];
    proxy.drive(&root, work.path(), "proxy-browser", "pkg/test/proxy.mjs", &env, CHILD_TIMEOUT);

    let values = key_values(&results.join("proxy-browser.txt"));
    assert_eq!(get(&values, "ok"), "true");
    for placement in PLACEMENTS {
        assert!(Path::new(get(&values, &format!("{placement}.screenshot"))).is_file(), "{placement} screenshot");
        assert_eq!(get(&values, &format!("{placement}.direct")), "0", "{placement}: requests around the proxy");
        for case in ["basic", "token"] {
            let key = |k: &str| format!("{placement}.{case}.{k}");
            assert_eq!(get(&values, &key("wrongPasswordCode")), "unauthorized", "{placement} {case}");
            assert_eq!(get(&values, &key("pulledDigest")), get(&values, &key("pushedDigest")), "{placement} {case}");
        }
    }
    // The proxy's Basic challenge reached the page on its own origin (where a fetch with
    // credentials would have asked the browser for a login) and no dialog held the call up.
    let same_origin_basic: u32 = get(&values, "same-origin.basicChallenges").parse().expect("a count");
    assert!(same_origin_basic > 0, "the same-origin page never saw the Basic challenge: {values:#?}");
    // A page on an origin the proxy was not told about is refused.
    assert_eq!(get(&values, "denied-origin.direct"), "0", "denied-origin: requests around the proxy");
    assert_eq!(get(&values, "denied-origin.basic.deniedCode"), "transport", "denied-origin");

    proxy_log_shows_preflights_for_the_cross_origin_page_only(&proxy, &[&basic_host, &token_host], &basic_host);
    assert!(token.token_requests() > 0, "the token server answered no request (through the proxy)");

    // helm, straight to each registry, pulls the browser's bytes and templates them.
    let helm_started = Instant::now();
    if let Some(helm) = Helm::find("proxy-browser") {
        let login = helm.run(
            work.path(),
            &[
                "registry",
                "login",
                &token_host,
                "--plain-http",
                "--username",
                USER,
                "--password",
                token.password().expect("password"),
            ],
        );
        assert!(login.status.success(), "helm registry login {token_host}: {}", String::from_utf8_lossy(&login.stderr));
        for placement in PLACEMENTS {
            let basic_credentials = ["--username", USER, "--password", basic.password().expect("password")];
            helm_pulls_and_templates(&helm, work.path(), &values, placement, "basic", &basic_credentials);
            helm_pulls_and_templates(&helm, work.path(), &values, placement, "token", &[]);
        }
        eprintln!("helm pulls and templates: {:.1} s", helm_started.elapsed().as_secs_f64());
    }
    eprintln!("results: {}; whole test {:.1} s", results.display(), started.elapsed().as_secs_f64());
}

/// The cross-origin page's calls were preflighted (`OPTIONS` answered 204 under each registry's
/// `/r/HOST/v2/cross-origin/…`), the same-origin page's were not, the foreign origin's (to
/// `refused_host`) were refused (403), token requests went through the proxy, and no request failed in the proxy
/// itself (5xx).
fn proxy_log_shows_preflights_for_the_cross_origin_page_only(proxy: &Proxy, hosts: &[&str], refused_host: &str) {
    let log = proxy.log();
    let requests: Vec<&str> = log.lines().filter(|l| l.contains(r#""event":"request""#)).collect();
    let options = |needle: &str| {
        requests
            .iter()
            .filter(|l| l.contains(r#""method":"OPTIONS""#) && l.contains(needle))
            .copied()
            .collect::<Vec<_>>()
    };
    for host in hosts {
        let cross = options(&format!("/r/{host}/v2/cross-origin/"));
        assert!(!cross.is_empty(), "no preflight for the cross-origin page's calls to {host}:\n{log}");
        assert!(cross.iter().all(|l| l.contains(r#""status":204"#)), "refused preflights:\n{}", cross.join("\n"));
        let same = options(&format!("/r/{host}/v2/same-origin/"));
        assert!(same.is_empty(), "preflights from the same-origin page:\n{}", same.join("\n"));
    }
    let refused = format!(r#""path":"/r/{refused_host}/v2/","registry":null,"status":403"#);
    assert!(requests.iter().any(|l| l.contains(&refused)), "no 403 for the foreign origin's calls:\n{log}");
    let token_routes = requests.iter().filter(|l| l.contains("/auth/http/")).count();
    assert!(token_routes > 0, "no token request went through the proxy:\n{log}");
    let failed: Vec<&&str> = requests.iter().filter(|l| l.contains(r#""status":5"#)).collect();
    assert!(failed.is_empty(), "the proxy failed requests:\n{failed:#?}");
    eprintln!(
        "proxy: {} requests, {} preflights, {} token requests",
        requests.len(),
        options("/r/").len(),
        token_routes
    );
}

/// `helm pull` (straight from the registry, `--plain-http`, with `credentials` or a prior
/// `helm registry login`) gives the bytes the browser pushed; `helm template` renders them.
fn helm_pulls_and_templates(
    helm: &Helm,
    work: &Path,
    values: &BTreeMap<String, String>,
    placement: &str,
    case: &str,
    credentials: &[&str],
) {
    let key = |k: &str| format!("{placement}.{case}.{k}");
    let (host, repo, name) = (get(values, &key("registryHost")), get(values, &key("repo")), get(values, &key("name")));
    let (version, file_name, sha) =
        (get(values, &key("version")), get(values, &key("fileName")), get(values, &key("sha256")));
    let browser_archive = std::fs::read(get(values, &key("archiveFile"))).expect("the browser's archive");
    assert_eq!(Digest::of(&browser_archive).hex(), sha, "the archive file the browser script saved");

    let out = work.join(format!("helm-{placement}-{case}"));
    std::fs::create_dir_all(&out).expect("mkdir");
    let reference = format!("oci://{host}/{repo}/{name}");
    let mut args = vec!["pull", &reference, "--version", version, "--plain-http", "-d", path_str(&out)];
    args.extend_from_slice(credentials);
    let pull = helm.run(work, &args);
    let pull_err = String::from_utf8_lossy(&pull.stderr);
    assert!(pull.status.success(), "helm pull {reference}:{version}: {pull_err}");
    let pushed = get(values, &key("pushedDigest"));
    assert!(pull_err.contains(&format!("Digest: {pushed}")), "helm pulled another manifest than {pushed}: {pull_err}");
    let archive_path = out.join(file_name);
    let helm_archive = std::fs::read(&archive_path).expect("the archive helm pulled");
    assert_eq!(Digest::of(&helm_archive).hex(), sha, "helm pulled other bytes than the browser pushed");
    assert!(helm_archive == browser_archive);
    let template = helm.run(work, &["template", "from-browser", path_str(&archive_path)]);
    let rendered = String::from_utf8_lossy(&template.stdout);
    assert!(template.status.success(), "helm template: {}", String::from_utf8_lossy(&template.stderr));
    assert!(rendered.contains("kind: ConfigMap") && rendered.contains("greeting: \"hello\""), "rendered:\n{rendered}");
    eprintln!("helm pulled {reference}:{version} (sha256 {sha}) and templated it");
}
