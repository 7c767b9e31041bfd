//! Resolution with local charts given as values; the digest expected here is the one helm
//! v4.1.4 wrote (`helm dependency update` on the same Chart.yaml, 2026-11-26).

use std::future::Future;

use chartpack_chart::{load_directory, ChartFile, Timestamp, DEFAULT_LOAD_LIMITS};
use chartpack_oci::http::{Request, Response, Transport, TransportError};

use super::*;

const PARENT: &str = "apiVersion: v2
name: parent
version: 0.1.0
dependencies:
- name: sub
  version: \">=0.1.0 <1.0.0\"
  repository: file://../sub
  alias: mysub
  condition: mysub.enabled
  tags: [backend, \"a&b\"]
  import-values:
  - child: service
    parent: fromsub
- name: sub
  version: 0.1.0
  repository: \"file://../sub\"
";

/// helm's digest for [`PARENT`] (HTML-escaped `>=`, `&` included).
const HELM_DIGEST: &str = "sha256:f5bd0c4cdf3ce201b7055b396c39ef2f8c2580a28119ad820a5c236fef8a554f";

fn file(path: &str, text: &str) -> ChartFile {
    ChartFile { path: path.to_owned(), data: text.as_bytes().to_vec(), modified: Timestamp::from_secs(1_700_000_000) }
}

struct NoNetwork;

impl Transport for NoNetwork {
    fn send(&self, request: &Request<'_>) -> impl Future<Output = Result<Response, TransportError>> {
        let url = request.url.clone();
        async move { Err(TransportError::Other(format!("no network in this test: {url}"))) }
    }
    async fn sleep(&self, _: std::time::Duration) {}
}

/// Local charts from memory: `../sub` only.
struct Local;

impl Sources for Local {
    type Http = NoNetwork;
    fn http(&self) -> &NoNetwork {
        &NoNetwork
    }
    async fn oci_tags(&self, repository: &str) -> Result<Vec<String>, String> {
        Err(format!("no registry in this test: {repository}"))
    }
    async fn oci_pull(&self, repository: &str, _: &str) -> Result<Vec<u8>, String> {
        Err(format!("no registry in this test: {repository}"))
    }
    fn local_chart(&self, path: &str) -> Result<Vec<ChartFile>, String> {
        match path {
            "../sub" => Ok(vec![file("Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n")]),
            other => Err(format!("directory {other} not found")),
        }
    }
}

fn parent(extra: &[ChartFile]) -> Chart {
    let mut files = vec![file("Chart.yaml", PARENT)];
    files.extend_from_slice(extra);
    load_directory(files, &DEFAULT_LOAD_LIMITS).expect("parent loads")
}

#[test]
fn file_dependencies_lock_with_helms_digest() {
    let options = Options { now: Timestamp::from_secs(1_795_000_000), ..Options::default() };
    let outcome =
        chartpack_oci::client::block_on(update(&parent(&[]), &Local, &options)).expect("update").expect("deps");
    assert_eq!(outcome.lock.digest, HELM_DIGEST);
    assert!(outcome.write_lock);
    assert_eq!(outcome.lock_file, "Chart.lock");
    assert!(outcome.lock_yaml.starts_with(
        "dependencies:\n- name: sub\n  repository: file://../sub\n  version: 0.1.0\n- name: sub\n  repository: file://../sub\n  version: 0.1.0\ndigest: sha256:f5bd"
    ));
    let names: Vec<&str> = outcome.charts.iter().map(|c| c.file_name.as_str()).collect();
    assert_eq!(names, ["sub-0.1.0.tgz"]);
    assert!(outcome.log.contains(&"Saving 2 charts".to_owned()), "{:?}", outcome.log);
}

#[test]
fn build_refuses_a_lock_out_of_sync() {
    let lock = "dependencies:\n- name: sub\n  repository: file://../sub\n  version: 0.1.0\ndigest: sha256:0000\ngenerated: \"2026-11-26T15:33:43Z\"\n";
    let chart = parent(&[file("Chart.lock", lock)]);
    let err = chartpack_oci::client::block_on(build(&chart, &Local, &Options::default())).expect_err("out of sync");
    assert_eq!(
        err.to_string(),
        "the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies"
    );
}

#[test]
fn an_unchanged_digest_leaves_the_lock_alone() {
    let lock = format!(
        "dependencies:\n- name: sub\n  repository: file://../sub\n  version: 0.1.0\n- name: sub\n  repository: file://../sub\n  version: 0.1.0\ndigest: {HELM_DIGEST}\ngenerated: \"2026-11-26T15:33:43.07700059Z\"\n"
    );
    let chart = parent(&[file("Chart.lock", &lock)]);
    let outcome =
        chartpack_oci::client::block_on(update(&chart, &Local, &Options::default())).expect("update").expect("deps");
    assert!(!outcome.write_lock);
    let built =
        chartpack_oci::client::block_on(build(&chart, &Local, &Options::default())).expect("build").expect("deps");
    assert_eq!(built.charts.len(), 1);
}

#[test]
fn newest_first_keeps_strict_semver_tags_in_helm_form() {
    let tags: Vec<String> =
        ["0.1.0", "latest", "1.0.0_build.1", "0.10.0", "v2.0.0", "1.0"].iter().map(|s| s.to_string()).collect();
    assert_eq!(newest_first(&tags), ["1.0.0+build.1", "0.10.0", "0.1.0"]);
}

#[test]
fn downloaded_file_names_are_plain() {
    assert_eq!(url_file_name("https://x.example/charts/redis-1.0.0.tgz?sig=1").as_deref(), Some("redis-1.0.0.tgz"));
    assert_eq!(url_file_name("https://x.example/charts/.."), None);
    assert_eq!(url_file_name("https://x.example/a%2f..%2fb.tgz"), None);
    assert_eq!(url_file_name("https://x.example/"), None);
}

#[test]
fn archives_must_have_plain_file_names() {
    let err = verify("../evil-1.0.0.tgz", b"", "evil", "1.0.0", None).expect_err("refused");
    assert_eq!(err.to_string(), "../evil-1.0.0.tgz: not a plain file name for charts/");
}
