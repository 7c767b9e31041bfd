//! Protocol edge cases a real registry does not produce on demand (redirects to another host,
//! hostile token realms, `Retry-After`), driven through a scripted transport. The end-to-end
//! tests in `tests/` run the same client against the real `distribution` registry and helm.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::time::Duration;

use super::*;
use crate::digest::Digest;
use crate::http::{Method, Request, Response, TransportError};
use crate::secret::Secret;

/// Answers requests from a script and records what was sent.
#[derive(Default)]
struct Scripted {
    answers: RefCell<VecDeque<Result<Response, TransportError>>>,
    sent: RefCell<Vec<(Method, String, Option<String>)>>,
    slept: RefCell<Vec<Duration>>,
}

impl Scripted {
    fn answer(self, status: u16, headers: &[(&str, &str)], body: &[u8]) -> Self {
        let headers = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        self.answers.borrow_mut().push_back(Ok(Response { status, headers, body: body.to_vec() }));
        self
    }

    fn fail(self, error: TransportError) -> Self {
        self.answers.borrow_mut().push_back(Err(error));
        self
    }

    fn sent(&self) -> Vec<(Method, String, Option<String>)> {
        self.sent.borrow().clone()
    }
}

impl Transport for Scripted {
    fn send(&self, request: &Request<'_>) -> impl std::future::Future<Output = Result<Response, TransportError>> {
        let auth = request.headers.iter().find(|(k, _)| k == "authorization").map(|(_, v)| v.clone());
        self.sent.borrow_mut().push((request.method, request.url.clone(), auth));
        let answer = self.answers.borrow_mut().pop_front().expect("the script has an answer for every request");
        std::future::ready(answer)
    }

    fn sleep(&self, duration: Duration) -> impl std::future::Future<Output = ()> {
        self.slept.borrow_mut().push(duration);
        std::future::ready(())
    }
}

fn client(script: Scripted, credential: Option<Credential>) -> RegistryClient<Scripted> {
    let options = ClientOptions { retries: 2, ..ClientOptions::default() };
    RegistryClient::new(script, "reg.example", credential, options).unwrap()
}

fn user() -> Option<Credential> {
    Some(Credential { username: "u".into(), password: Secret::new("p"), identity_token: None })
}

const BASIC_UP: &str = "Basic dTpw";
const TOKEN_BODY: &[u8] = br#"{"token":"t1"}"#;
const TAGS: &[u8] = br#"{"name":"c","tags":["1.0.0"]}"#;

#[test]
fn bearer_token_is_fetched_with_credentials_from_the_registrys_own_realm_and_reused() {
    let challenge = r#"Bearer realm="https://reg.example/token",service="reg",scope="repository:c:pull""#;
    let script = Scripted::default()
        .answer(401, &[("www-authenticate", challenge)], b"")
        .answer(200, &[], TOKEN_BODY)
        .answer(200, &[], TAGS)
        .answer(200, &[], TAGS);
    let client = client(script, user());
    assert_eq!(block_on(client.list_tags("c")).unwrap(), ["1.0.0"]);
    assert_eq!(block_on(client.list_tags("c")).unwrap(), ["1.0.0"]);
    let sent = client.transport().sent();
    assert_eq!(sent.len(), 4, "{sent:?}");
    assert_eq!(sent[1].1, "https://reg.example/token?scope=repository%3Ac%3Apull&service=reg");
    assert_eq!(sent[1].2.as_deref(), Some(BASIC_UP));
    assert_eq!(sent[2].2.as_deref(), Some("Bearer t1"));
    assert_eq!(sent[3].2.as_deref(), Some("Bearer t1"), "the token is reused for the same scope");
    assert_eq!(client.stats().token_requests, 1);
}

#[test]
fn credentials_never_go_to_a_realm_on_another_host() {
    let challenge = r#"Bearer realm="https://collector.example/token",service="reg""#;
    let script = Scripted::default()
        .answer(401, &[("www-authenticate", challenge)], b"")
        .answer(200, &[], TOKEN_BODY)
        .answer(200, &[], TAGS);
    let client = client(script, user());
    block_on(client.list_tags("c")).unwrap();
    let sent = client.transport().sent();
    assert_eq!(sent[1].1.split('?').next(), Some("https://collector.example/token"));
    assert_eq!(sent[1].2, None, "the token request to a foreign realm is anonymous");

    // Trusted explicitly: credentials go.
    let script = Scripted::default()
        .answer(401, &[("www-authenticate", challenge)], b"")
        .answer(200, &[], TOKEN_BODY)
        .answer(200, &[], TAGS);
    let options = ClientOptions { trusted_realm_hosts: vec!["collector.example".into()], ..ClientOptions::default() };
    let client = RegistryClient::new(script, "reg.example", user(), options).unwrap();
    block_on(client.list_tags("c")).unwrap();
    assert_eq!(client.transport().sent()[1].2.as_deref(), Some(BASIC_UP));
}

#[test]
fn a_second_401_is_an_error_that_says_what_to_do() {
    let script = Scripted::default().answer(401, &[("www-authenticate", r#"Basic realm="r""#)], b"").answer(
        401,
        &[("www-authenticate", r#"Basic realm="r""#)],
        br#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#,
    );
    let client = client(script, user());
    let error = block_on(client.list_tags("charts/c")).unwrap_err();
    assert_eq!(error.code(), "unauthorized");
    assert_eq!(
        error.to_string(),
        "unauthorized: authentication required (reg.example/charts/c): the stored credentials were refused; run \
         `chartpack registry login reg.example` again"
    );
    let sent = client.transport().sent();
    assert_eq!((sent[0].2.as_deref(), sent[1].2.as_deref()), (None, Some(BASIC_UP)));

    let script = Scripted::default().answer(401, &[("www-authenticate", r#"Basic realm="r""#)], b"");
    let error = block_on(client_anonymous(script).list_tags("c")).unwrap_err();
    assert!(error.to_string().ends_with("run `chartpack registry login reg.example`"), "{error}");
}

fn client_anonymous(script: Scripted) -> RegistryClient<Scripted> {
    client(script, None)
}

#[test]
fn redirects_to_another_host_carry_no_credentials() {
    let blob = b"chart bytes";
    let digest = Digest::of(blob);
    let script = Scripted::default()
        .answer(401, &[("www-authenticate", r#"Basic realm="r""#)], b"")
        .answer(307, &[("location", "https://cdn.example/blob?sig=1")], b"")
        .answer(200, &[], blob);
    let client = client(script, user());
    let got = block_on(client.pull_blob("c", &digest, blob.len() as u64, None)).unwrap();
    assert_eq!(got, blob);
    let sent = client.transport().sent();
    assert_eq!(sent[1].2.as_deref(), Some(BASIC_UP));
    assert_eq!((sent[2].1.as_str(), sent[2].2.as_deref()), ("https://cdn.example/blob?sig=1", None));
}

#[test]
fn retries_honour_retry_after_and_stop_after_the_limit() {
    let busy = br#"{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}"#;
    let script = Scripted::default()
        .answer(429, &[("retry-after", "3")], busy)
        .fail(TransportError::Connection("reset".into()))
        .answer(200, &[], TAGS);
    let client = client(script, None);
    block_on(client.list_tags("c")).unwrap();
    assert_eq!(*client.transport().slept.borrow(), [Duration::from_secs(3), Duration::from_millis(400)]);
    assert_eq!(client.stats().retries, 2);

    let script = Scripted::default().answer(503, &[], b"").answer(503, &[], b"").answer(503, &[], b"");
    let error = block_on(client_anonymous(script).list_tags("c")).unwrap_err();
    assert_eq!(error.to_string(), "GET https://reg.example/v2/c/tags/list failed with HTTP 503");
}

#[test]
fn pulled_blobs_and_manifests_are_checked() {
    let digest = Digest::of(b"right");
    let script = Scripted::default().answer(200, &[], b"wrong");
    let error = block_on(client_anonymous(script).pull_blob("c", &digest, 5, None)).unwrap_err();
    assert_eq!(error.code(), "digest_mismatch", "{error}");

    let script = Scripted::default().answer(200, &[], b"right");
    let error = block_on(client_anonymous(script).pull_blob("c", &digest, 4, None)).unwrap_err();
    assert_eq!(error.code(), "size_mismatch", "{error}");

    let script = Scripted::default();
    let limit = ClientOptions::default().max_blob_bytes;
    let error = block_on(client_anonymous(script).pull_blob("c", &digest, limit + 1, None)).unwrap_err();
    assert_eq!(error.code(), "too_large", "refused before any request: {error}");

    let manifest = br#"{"schemaVersion":2}"#;
    let script =
        Scripted::default().answer(200, &[("docker-content-digest", &Digest::of(b"other").to_string())], manifest);
    let error = block_on(client_anonymous(script).pull_manifest("c", "1.0.0")).unwrap_err();
    assert_eq!(error.code(), "digest_mismatch", "{error}");
}

#[test]
fn uploads_are_not_repeated_at_request_level_but_restarted_whole() {
    let blob = vec![7u8; 100 << 10];
    let digest = Digest::of(&blob);
    let location = [("location", "/v2/c/blobs/uploads/1?_state=x")];
    let location2 = [("location", "/v2/c/blobs/uploads/2?_state=y")];
    let script = Scripted::default()
        .answer(202, &location, b"")
        .fail(TransportError::Connection("reset mid-body".into()))
        .answer(202, &location2, b"")
        .answer(201, &[("docker-content-digest", &digest.to_string())], b"");
    let client = client_anonymous(script);
    assert_eq!(block_on(client.upload_blob("c", &blob, &digest, None)).unwrap(), UploadOutcome::PostPut);
    let sent: Vec<(Method, String)> = client.transport().sent().into_iter().map(|(m, u, _)| (m, u)).collect();
    assert_eq!(
        sent,
        [
            (Method::Post, "https://reg.example/v2/c/blobs/uploads/".to_owned()),
            (Method::Put, format!("https://reg.example/v2/c/blobs/uploads/1?_state=x&digest={}", enc(&digest))),
            (Method::Post, "https://reg.example/v2/c/blobs/uploads/".to_owned()),
            (Method::Put, format!("https://reg.example/v2/c/blobs/uploads/2?_state=y&digest={}", enc(&digest))),
        ]
    );
}

fn enc(digest: &Digest) -> String {
    crate::url::percent_encode(&digest.to_string())
}

/// Through a chartpack proxy: `ghcr.io` reached at `http://127.0.0.1:8080/r/ghcr.io`.
const PROXY: &str = "http://127.0.0.1:8080/r/ghcr.io";

fn proxied(script: Scripted, credential: Option<Credential>) -> RegistryClient<Scripted> {
    // The trailing `/` is dropped; `plain_http` is ignored (the endpoint's scheme decides).
    let options = ClientOptions { endpoint: Some(format!("{PROXY}/")), plain_http: false, ..ClientOptions::default() };
    RegistryClient::new(script, "ghcr.io", credential, options).unwrap()
}

fn urls(client: &RegistryClient<Scripted>) -> Vec<(Method, String)> {
    client.transport().sent().into_iter().map(|(m, u, _)| (m, u)).collect()
}

#[test]
fn an_endpoint_prefixes_every_request_and_joins_relative_locations_and_links_under_it() {
    // Tags, with a relative `Link` under the prefix (as the proxy rewrites it).
    let link = r#"</r/ghcr.io/v2/org/c/tags/list?n=1&last=a>; rel="next""#;
    let (page_a, page_b) = (br#"{"name":"org/c","tags":["a"]}"#, br#"{"name":"org/c","tags":["b"]}"#);
    let script = Scripted::default().answer(200, &[("link", link)], page_a).answer(200, &[], page_b);
    let client = proxied(script, None);
    assert_eq!(block_on(client.list_tags("org/c")).unwrap(), ["a", "b"]);
    assert_eq!(
        urls(&client),
        [
            (Method::Get, format!("{PROXY}/v2/org/c/tags/list")),
            (Method::Get, format!("{PROXY}/v2/org/c/tags/list?n=1&last=a")),
        ]
    );

    // Pull: manifest and blob.
    let manifest = br#"{"schemaVersion":2}"#;
    let blob = b"chart bytes";
    let digest = Digest::of(blob);
    let script = Scripted::default().answer(200, &[], manifest).answer(200, &[], blob);
    let client = proxied(script, None);
    block_on(client.pull_manifest("org/c", "1.0.0")).unwrap();
    block_on(client.pull_blob("org/c", &digest, blob.len() as u64, None)).unwrap();
    assert_eq!(
        urls(&client),
        [
            (Method::Get, format!("{PROXY}/v2/org/c/manifests/1.0.0")),
            (Method::Get, format!("{PROXY}/v2/org/c/blobs/{digest}")),
        ]
    );

    // Push: an upload whose relative `Location` is under the prefix, then the manifest.
    let blob = vec![7u8; 100 << 10];
    let digest = Digest::of(&blob);
    let location = [("location", "/r/ghcr.io/v2/org/c/blobs/uploads/uuid?_state=abc")];
    let manifest_digest = Digest::of(manifest).to_string();
    let script = Scripted::default()
        .answer(202, &location, b"")
        .answer(201, &[("docker-content-digest", &digest.to_string())], b"")
        .answer(201, &[("docker-content-digest", &manifest_digest)], b"");
    let client = proxied(script, None);
    block_on(client.upload_blob("org/c", &blob, &digest, None)).unwrap();
    block_on(client.push_manifest("org/c", "1.0.0", manifest, "application/vnd.oci.image.manifest.v1+json")).unwrap();
    assert_eq!(
        urls(&client),
        [
            (Method::Post, format!("{PROXY}/v2/org/c/blobs/uploads/")),
            (Method::Put, format!("{PROXY}/v2/org/c/blobs/uploads/uuid?_state=abc&digest={}", enc(&digest))),
            (Method::Put, format!("{PROXY}/v2/org/c/manifests/1.0.0")),
        ]
    );
}

#[test]
fn behind_an_endpoint_a_realm_under_it_receives_credentials() {
    for (realm, token_url) in [
        (
            "http://127.0.0.1:8080/r/ghcr.io/auth/https/ghcr.io/token",
            "http://127.0.0.1:8080/r/ghcr.io/auth/https/ghcr.io/token?scope=repository%3Aorg%2Fc%3Apull&service=ghcr.io",
        ),
        (
            "http://127.0.0.1:8080/r/ghcr.io/auth/https/ghcr.io/token?x=1",
            "http://127.0.0.1:8080/r/ghcr.io/auth/https/ghcr.io/token?x=1&scope=repository%3Aorg%2Fc%3Apull&service=ghcr.io",
        ),
    ] {
        let challenge = format!(r#"Bearer realm="{realm}",service="ghcr.io""#);
        let script = Scripted::default()
            .answer(401, &[("www-authenticate", &challenge)], b"")
            .answer(200, &[], TOKEN_BODY)
            .answer(200, &[], TAGS);
        let client = proxied(script, user());
        block_on(client.list_tags("org/c")).unwrap();
        let sent = client.transport().sent();
        assert_eq!((sent[1].1.as_str(), sent[1].2.as_deref()), (token_url, Some(BASIC_UP)));
        assert_eq!(sent[2].2.as_deref(), Some("Bearer t1"));
    }
}

#[test]
fn behind_an_endpoint_credentials_stay_under_it() {
    // Realms on another origin, under another registry's prefix, or climbing out of it.
    for realm in [
        "https://ghcr.io/token",
        "http://127.0.0.1:8080/r/evil.example/token",
        "http://127.0.0.1:8080/r/ghcr.io.evil/token",
        "http://127.0.0.1:8080/r/ghcr.io/../evil.example/token",
        "http://127.0.0.1:8080/r/ghcr.io/%2E%2E/evil.example/token",
    ] {
        let challenge = format!(r#"Bearer realm="{realm}",service="ghcr.io""#);
        let script = Scripted::default()
            .answer(401, &[("www-authenticate", &challenge)], b"")
            .answer(200, &[], TOKEN_BODY)
            .answer(200, &[], TAGS);
        let client = proxied(script, user());
        block_on(client.list_tags("org/c")).unwrap();
        let sent = client.transport().sent();
        assert_eq!(sent[1].1.split('?').next(), Some(realm));
        assert_eq!(sent[1].2, None, "the token request to {realm} is anonymous");
    }

    // A redirect to another registry behind the same proxy carries no credentials.
    let blob = b"chart bytes";
    let digest = Digest::of(blob);
    let script = Scripted::default()
        .answer(401, &[("www-authenticate", r#"Basic realm="r""#)], b"")
        .answer(307, &[("location", "/r/cdn.example/blob?sig=1")], b"")
        .answer(200, &[], blob);
    let client = proxied(script, user());
    block_on(client.pull_blob("org/c", &digest, blob.len() as u64, None)).unwrap();
    let sent = client.transport().sent();
    assert_eq!(sent[1].2.as_deref(), Some(BASIC_UP));
    assert_eq!((sent[2].1.as_str(), sent[2].2.as_deref()), ("http://127.0.0.1:8080/r/cdn.example/blob?sig=1", None));
}

#[test]
fn behind_an_endpoint_messages_name_the_registry() {
    let script = Scripted::default().answer(404, &[], b"");
    let error = block_on(proxied(script, None).pull_manifest("org/c", "1.0.0")).unwrap_err();
    assert_eq!(error.to_string(), "ghcr.io/org/c:1.0.0 not found: not found");

    let script = Scripted::default().answer(401, &[("www-authenticate", r#"Basic realm="r""#)], b"");
    let error = block_on(proxied(script, None).list_tags("org/c")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "unauthorized: authentication required (ghcr.io/org/c): run `chartpack registry login ghcr.io`"
    );
}

#[test]
fn behind_an_endpoint_a_refused_token_names_the_relayed_realm() {
    let challenge = r#"Bearer realm="http://127.0.0.1:8080/r/ghcr.io/auth/https/ghcr.io/token",service="ghcr.io""#;
    let script = Scripted::default().answer(401, &[("www-authenticate", challenge)], b"").answer(401, &[], b"");
    let error = block_on(proxied(script, user()).list_tags("org/c")).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("the token server https://ghcr.io (through http://127.0.0.1:8080) refused the credentials"),
        "{text}"
    );
}

#[test]
fn an_endpoint_is_validated() {
    for (endpoint, reason) in [
        ("ftp://127.0.0.1/r/ghcr.io", "scheme must be http or https"),
        ("127.0.0.1:8080/r/ghcr.io", "not an absolute URL"),
        ("http://127.0.0.1:8080/r/ghcr.io?x=1", "a query is not accepted"),
        ("http://127.0.0.1:8080/r/ghcr.io#top", "fragments are not accepted"),
        ("http://127.0.0.1:8080/r/../ghcr.io", "`.` and `..` path segments are not accepted"),
    ] {
        let options = ClientOptions { endpoint: Some(endpoint.to_owned()), ..ClientOptions::default() };
        let Err(error) = RegistryClient::new(Scripted::default(), "ghcr.io", None, options) else {
            panic!("{endpoint} was accepted");
        };
        assert_eq!(error.code(), "invalid_option");
        assert_eq!(error.to_string(), format!("invalid endpoint {endpoint:?}: {reason}"));
    }
}
