//! The real `distribution` registry (Debian's `docker-registry`, 2.8) for tests: started on a
//! free loopback port with its own storage, config and log in a temporary directory, optionally
//! behind htpasswd Basic auth or Bearer tokens from `token_server.py` (run with the venv that
//! `scripts/setup.sh` makes), and stopped on drop.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::{http, TempDir};

/// The `service` the registry names in its Bearer challenge (the token's audience).
pub const SERVICE: &str = "chartpack-registry";
/// The token issuer the registry trusts.
pub const ISSUER: &str = "chartpack-test-issuer";

/// How long a registry or token server may take to come up before the start fails.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How many fresh ports a start tries when another process grabs the chosen one first.
const PORT_ATTEMPTS: usize = 5;

/// How clients must authenticate to a [`Registry`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistryAuth {
    /// Anonymous push and pull.
    None,
    /// htpasswd (bcrypt) Basic auth with one user.
    Basic {
        /// The user name.
        user: String,
        /// Its password.
        password: String,
    },
    /// Bearer tokens (distribution's token auth) from a token server that knows one user.
    Token {
        /// The user name.
        user: String,
        /// Its password.
        password: String,
        /// The host name put in the challenge's realm URL (`http://HOST:PORT/token`) instead of
        /// `127.0.0.1`; it must resolve to 127.0.0.1 (`localhost` does). Clients reach the
        /// registry at `127.0.0.1`, so a different name makes the realm a *different origin*.
        realm_host: Option<String>,
    },
}

impl RegistryAuth {
    /// Basic auth for `user` / `password`.
    pub fn basic(user: &str, password: &str) -> RegistryAuth {
        RegistryAuth::Basic { user: user.to_owned(), password: password.to_owned() }
    }

    /// Token auth for `user` / `password`, realm at `127.0.0.1` (same host as the registry).
    pub fn token(user: &str, password: &str) -> RegistryAuth {
        RegistryAuth::Token { user: user.to_owned(), password: password.to_owned(), realm_host: None }
    }

    /// Token auth whose realm names `realm_host` (e.g. `"localhost"`): another origin than the
    /// registry's `127.0.0.1`.
    pub fn token_with_realm_host(user: &str, password: &str, realm_host: &str) -> RegistryAuth {
        RegistryAuth::Token {
            user: user.to_owned(),
            password: password.to_owned(),
            realm_host: Some(realm_host.to_owned()),
        }
    }
}

/// Additions to the registry's configuration, for tests that need the registry to behave in a way
/// the three auth modes do not cover (see [`Registry::start_with`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistryExtras {
    /// Response headers added to every answer (`http.headers`), e.g. a `Set-Cookie`.
    pub headers: Vec<(String, String)>,
    /// YAML appended at the top level of the config, e.g. distribution's storage `redirect`
    /// middleware (`middleware: {storage: [{name: redirect, options: {baseurl: URL}}]}`), which
    /// makes blob `GET`s and `HEAD`s answer 307 to `URL` + the blob's storage path.
    pub yaml: String,
}

/// A running `docker-registry`, stopped (kill + wait) when dropped, with its token server.
pub struct Registry {
    child: Child,
    port: u16,
    auth: RegistryAuth,
    token: Option<TokenServer>,
    dir: TempDir,
}

impl Registry {
    /// Starts a registry with `auth` and waits until `GET /v2/` answers. `None`, with a note on
    /// stderr, when `docker-registry` (or `htpasswd`, or the token server's Python) is missing;
    /// under CI (`CI` set) that fails instead. `DOCKER_REGISTRY` overrides the binary.
    pub fn start(auth: RegistryAuth) -> Option<Registry> {
        Self::start_with(auth, &RegistryExtras::default())
    }

    /// As [`Registry::start`], with `extras` added to the configuration.
    pub fn start_with(auth: RegistryAuth, extras: &RegistryExtras) -> Option<Registry> {
        let bin = std::env::var_os("DOCKER_REGISTRY").map_or_else(|| PathBuf::from("docker-registry"), PathBuf::from);
        if !Command::new(&bin).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return missing("docker-registry (apt package docker-registry)");
        }
        let dir = TempDir::new("registry");
        let auth_yaml = match &auth {
            RegistryAuth::None => String::new(),
            RegistryAuth::Basic { user, password } => {
                let Ok(out) = Command::new("htpasswd").args(["-Bbn", user, password]).output() else {
                    return missing("htpasswd (apt package apache2-utils)");
                };
                assert!(out.status.success(), "htpasswd failed: {}", String::from_utf8_lossy(&out.stderr));
                let path = dir.path().join("htpasswd");
                std::fs::write(&path, &out.stdout).expect("write htpasswd");
                format!("auth:\n  htpasswd:\n    realm: chartpack-test\n    path: {}\n", yaml_str(&path))
            }
            RegistryAuth::Token { .. } => String::new(), // needs the token server's port: below
        };
        let token = match &auth {
            RegistryAuth::Token { user, password, realm_host } => {
                Some(TokenServer::start(dir.path(), user, password, realm_host.as_deref())?)
            }
            _ => None,
        };
        let auth_yaml = match &token {
            Some(t) => format!(
                "auth:\n  token:\n    realm: {}\n    service: {SERVICE}\n    issuer: {ISSUER}\n    rootcertbundle: {}\n",
                yaml_str(Path::new(&t.realm())),
                yaml_str(&t.cert_path())
            ),
            None => auth_yaml,
        };

        let mut last_log = String::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port();
            let nonce = nonce();
            let config = dir.path().join("config.yml");
            std::fs::write(&config, config_yaml(dir.path(), port, &nonce, &auth_yaml, extras))
                .expect("write registry config");
            let log_path = dir.path().join("registry.log");
            let log = File::create(&log_path).expect("create registry log");
            let mut child = Command::new(&bin)
                .arg("serve")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("clone log handle"))
                .stderr(log)
                .spawn()
                .expect("spawn docker-registry");
            match wait_ready(&mut child, port, &nonce, &log_path) {
                Ok(()) => return Some(Registry { child, port, auth, token, dir }),
                Err(log) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    if !log.contains("address already in use") {
                        panic!("docker-registry did not start; its log ends:\n{}", tail(&log, 40));
                    }
                    last_log = log;
                }
            }
        }
        panic!("docker-registry found no free port in {PORT_ATTEMPTS} tries; log:\n{}", tail(&last_log, 40));
    }

    /// `127.0.0.1:PORT`, as used in references (`127.0.0.1:PORT/charts/demo:0.1.0`).
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.host())
    }

    /// The auth mode it was started with.
    pub fn auth(&self) -> &RegistryAuth {
        &self.auth
    }

    /// The user name, unless anonymous.
    pub fn user(&self) -> Option<&str> {
        match &self.auth {
            RegistryAuth::None => None,
            RegistryAuth::Basic { user, .. } | RegistryAuth::Token { user, .. } => Some(user),
        }
    }

    /// The password, unless anonymous.
    pub fn password(&self) -> Option<&str> {
        match &self.auth {
            RegistryAuth::None => None,
            RegistryAuth::Basic { password, .. } | RegistryAuth::Token { password, .. } => Some(password),
        }
    }

    /// The storage root (`docker/registry/v2/...` below it once something is pushed).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The registry's temporary directory (config, log, htpasswd, token server files).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The registry's log so far (its access log goes there too).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }

    /// The token server, in token mode.
    pub fn token_server(&self) -> Option<&TokenServer> {
        self.token.as_ref()
    }

    /// How many requests the token server has answered (0 without one).
    pub fn token_requests(&self) -> usize {
        self.token.as_ref().map_or(0, TokenServer::requests)
    }

    /// The token server's request log (empty without one).
    pub fn token_log(&self) -> Vec<TokenRequest> {
        self.token.as_ref().map_or_else(Vec::new, TokenServer::log)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- registry {} log (tail) ---\n{}", self.host(), tail(&self.log(), 30));
        }
    }
}

/// Polls `GET /v2/` until the registry on `port` (recognised by `nonce` in a configured header)
/// answers; the log text if it exits or the time runs out.
fn wait_ready(child: &mut Child, port: u16, nonce: &str, log_path: &Path) -> Result<(), String> {
    let deadline = Instant::now() + START_TIMEOUT;
    let host = format!("127.0.0.1:{port}");
    let log = || std::fs::read_to_string(log_path).unwrap_or_default();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("{}\n(exited: {status})", log()));
        }
        if let Ok(reply) = http::request(&host, "GET", "/v2/", &[], &[], Duration::from_secs(2)) {
            if reply.header("X-Chartpack-Registry") == Some(nonce) && matches!(reply.status, 200 | 401) {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            return Err(format!("{}\n(not ready after {START_TIMEOUT:?})", log()));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// One request the token server answered, as logged by `token_server.py` (no secrets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRequest {
    /// `GET`, `POST` or `OPTIONS`.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The `Authorization` scheme sent: `none`, `basic`, `bearer` or `other`.
    pub authorization: String,
    /// The user the request authenticated as (empty: anonymous or rejected).
    pub user: String,
    /// The status answered.
    pub status: u16,
    /// The OAuth2 `grant_type` of a POST (`password`, `refresh_token`), else empty.
    pub grant_type: String,
    /// The scopes asked for, in order.
    pub scopes: Vec<String>,
    /// The `service` asked for.
    pub service: String,
    /// Whether a refresh token was asked for (`offline_token=true` or `access_type=offline`).
    pub offline: bool,
    /// The `client_id` sent.
    pub client_id: String,
}

/// `token_server.py`: a distribution-spec token server (GET and OAuth2 POST) with its own ES256
/// key, on a free loopback port; stopped when dropped.
pub struct TokenServer {
    child: Child,
    port: u16,
    realm_host: String,
    dir: PathBuf,
}

impl TokenServer {
    /// Starts one that knows `user` / `password`, writing `cert.pem` and `token.log` into `dir`.
    /// `realm_host` is the host name [`TokenServer::realm`] uses (default `127.0.0.1`). `None`,
    /// with a note (a failure under CI), when no Python with PyJWT and cryptography is found:
    /// `CHARTPACK_PYTHON`, else the venv under `CHARTPACK_CACHE` (default
    /// `~/.cache/chartpack`), else `python3`.
    pub fn start(dir: &Path, user: &str, password: &str, realm_host: Option<&str>) -> Option<TokenServer> {
        let Some(python) = token_python() else {
            return missing("a Python with pyjwt and cryptography (run scripts/setup.sh)");
        };
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("token_server.py");
        let stderr = File::create(dir.join("token-server.err")).expect("create token server stderr file");
        let mut child = Command::new(python)
            .arg(&script)
            .arg("--dir")
            .arg(dir)
            .args(["--user", user, "--issuer", ISSUER])
            .env("CHARTPACK_TOKEN_PASSWORD", password)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn token server");
        let stdout = child.stdout.take().expect("token server stdout");
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = send.send(line);
            }
            for _ in lines {} // drain until it exits
        });
        let line = receive.recv_timeout(START_TIMEOUT).unwrap_or_default();
        let port = line.strip_prefix("READY ").and_then(|p| p.trim().parse::<u16>().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            let err = std::fs::read_to_string(dir.join("token-server.err")).unwrap_or_default();
            panic!("token server did not start (first line {line:?}); stderr:\n{}", tail(&err, 40));
        };
        let realm_host = realm_host.unwrap_or("127.0.0.1").to_owned();
        Some(TokenServer { child, port, realm_host, dir: dir.to_owned() })
    }

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The realm URL registries name: `http://REALM_HOST:PORT/token`.
    pub fn realm(&self) -> String {
        format!("http://{}:{}/token", self.realm_host, self.port)
    }

    /// The self-signed certificate whose key signs the tokens.
    pub fn cert_path(&self) -> PathBuf {
        self.dir.join("cert.pem")
    }

    /// How many requests it has answered so far (each is logged before its response is sent).
    pub fn requests(&self) -> usize {
        self.log().len()
    }

    /// Every request answered so far, in order.
    pub fn log(&self) -> Vec<TokenRequest> {
        let text = std::fs::read_to_string(self.dir.join("token.log")).unwrap_or_default();
        text.lines().filter(|l| !l.is_empty()).map(parse_token_line).collect()
    }
}

impl Drop for TokenServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let err = std::fs::read_to_string(self.dir.join("token-server.err")).unwrap_or_default();
            eprintln!(
                "--- token server requests ---\n{:#?}\n--- token server stderr ---\n{}",
                self.log(),
                tail(&err, 20)
            );
        }
    }
}

fn parse_token_line(line: &str) -> TokenRequest {
    let f: Vec<&str> = line.split('\t').collect();
    let get = |i: usize| f.get(i).copied().unwrap_or("").to_owned();
    TokenRequest {
        method: get(0),
        path: get(1),
        authorization: get(2),
        user: get(3),
        status: get(4).parse().unwrap_or(0),
        grant_type: get(5),
        scopes: get(6).split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        service: get(7),
        offline: get(8) == "true",
        client_id: get(9),
    }
}

/// The Python for the token server: one that imports `jwt` and `cryptography`.
fn token_python() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("CHARTPACK_PYTHON") {
        candidates.push(p.into());
    }
    let cache = std::env::var_os("CHARTPACK_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/chartpack")));
    if let Some(cache) = cache {
        candidates.push(cache.join("venv/bin/python"));
    }
    candidates.push("python3".into());
    candidates.into_iter().find(|python| {
        Command::new(python)
            .args(["-c", "import jwt, cryptography"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// A missing tool: fails under CI, else a note and `None`.
fn missing<T>(what: &str) -> Option<T> {
    assert!(std::env::var_os("CI").is_none(), "{what} not found under CI: run scripts/setup.sh");
    eprintln!("note: {what} not found (run scripts/setup.sh); registry cases skipped");
    None
}

/// A port that was free a moment ago (bind `127.0.0.1:0`, read it, release it). Another process
/// may take it before the registry binds it: [`Registry::start`] then retries with a new one.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

fn nonce() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{}-{}-{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A YAML double-quoted string for a path or URL (test paths hold no quotes or backslashes).
fn yaml_str(path: &Path) -> String {
    let s = path.to_string_lossy();
    assert!(!s.contains(['"', '\\', '\n']), "unexpected character in {s:?}");
    format!("\"{s}\"")
}

/// toolchain.md §7's config: filesystem storage with deletes, CORS headers for browser tests,
/// a fixed secret, the nonce header that identifies this instance, `auth_yaml`, and `extras`.
fn config_yaml(dir: &Path, port: u16, nonce: &str, auth_yaml: &str, extras: &RegistryExtras) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let headers: String = extras.headers.iter().map(|(k, v)| format!("    {k}: [{}]\n", quote(v))).collect();
    let mut yaml = format!(
        r#"version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:{port}
  secret: chartpack-test-secret
  headers:
    Access-Control-Allow-Origin: ['*']
    Access-Control-Allow-Methods: ['HEAD', 'GET', 'OPTIONS', 'DELETE', 'POST', 'PUT', 'PATCH']
    Access-Control-Allow-Headers: ['Authorization', 'Accept', 'Content-Type', 'Docker-Content-Digest', 'Content-Range', 'Range']
    Access-Control-Expose-Headers: ['Docker-Content-Digest', 'Location', 'Content-Range', 'Range', 'Docker-Upload-UUID', 'WWW-Authenticate', 'OCI-Chunk-Min-Length']
    X-Chartpack-Registry: ['{nonce}']
{headers}{auth_yaml}"#,
        root = yaml_str(&dir.join("data")),
    );
    if !extras.yaml.is_empty() {
        yaml.push_str(&extras.yaml);
        if !yaml.ends_with('\n') {
            yaml.push('\n');
        }
    }
    yaml
}

/// The last `n` lines of `text`.
pub(crate) fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Duration = Duration::from_secs(10);

    fn base64(input: &[u8]) -> String {
        const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in input.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ABC[(n >> (18 - 6 * i) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// The string value of `"key"` in a flat JSON object.
    fn json_str(body: &str, key: &str) -> Option<String> {
        let rest = &body[body.find(&format!("\"{key}\""))? + key.len() + 2..];
        let rest = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
        Some(rest[..rest.find('"')?].to_owned())
    }

    fn token_get(server: &TokenServer, query: &str, basic: Option<&str>) -> http::HttpReply {
        let auth = basic.map(|creds| format!("Basic {}", base64(creds.as_bytes())));
        let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
        let host = format!("127.0.0.1:{}", server.port());
        http::request(&host, "GET", &format!("/token?{query}"), &headers, b"", T).expect("token GET")
    }

    fn token_post(server: &TokenServer, form: &str) -> http::HttpReply {
        let host = format!("127.0.0.1:{}", server.port());
        let headers = [("Content-Type", "application/x-www-form-urlencoded")];
        http::request(&host, "POST", "/token", &headers, form.as_bytes(), T).expect("token POST")
    }

    /// `GET /v2/charts/x/tags/list` with a bearer token: 401 without pull access, else 404
    /// (nothing pushed).
    fn tags_status(registry: &Registry, token: &str) -> u16 {
        let bearer = format!("Bearer {token}");
        let headers = [("Authorization", bearer.as_str())];
        http::request(&registry.host(), "GET", "/v2/charts/x/tags/list", &headers, b"", T).expect("tags").status
    }

    #[test]
    fn token_server_speaks_the_get_and_oauth2_flows_and_the_registry_trusts_it() {
        let Some(registry) = Registry::start(RegistryAuth::token("u", "p@ss word")) else { return };
        let server = registry.token_server().expect("token server");
        let scope = "service=chartpack-registry&scope=repository%3Acharts%2Fx%3Apull";

        let anonymous = token_get(server, scope, None);
        assert_eq!(anonymous.status, 200, "{}", anonymous.text());
        let anon_token = json_str(&anonymous.text(), "token").expect("token");
        assert!(json_str(&anonymous.text(), "issued_at").is_some());
        assert_eq!(tags_status(&registry, &anon_token), 401, "an anonymous token grants no access");

        assert_eq!(token_get(server, scope, Some("u:wrong")).status, 401);
        let basic = token_get(server, &format!("{scope}&offline_token=true&client_id=test"), Some("u:p@ss word"));
        assert_eq!(basic.status, 200);
        assert!(json_str(&basic.text(), "refresh_token").is_some(), "offline_token=true gives a refresh token");
        assert_eq!(tags_status(&registry, &json_str(&basic.text(), "access_token").expect("token")), 404);

        let form = "grant_type=password&username=u&password=p%40ss+word&service=chartpack-registry\
                    &client_id=test&access_type=offline&scope=repository%3Acharts%2Fx%3Apull";
        let password = token_post(server, form);
        assert_eq!(password.status, 200, "{}", password.text());
        let refresh = json_str(&password.text(), "refresh_token").expect("refresh token");
        assert_eq!(tags_status(&registry, &json_str(&password.text(), "access_token").expect("token")), 404);

        let form = format!(
            "grant_type=refresh_token&refresh_token={refresh}&service=chartpack-registry&client_id=test\
             &scope=repository%3Acharts%2Fx%3Apull"
        );
        let refreshed = token_post(server, &form);
        assert_eq!(refreshed.status, 200, "{}", refreshed.text());
        assert!(json_str(&refreshed.text(), "refresh_token").is_none(), "online access: no new refresh token");
        assert_eq!(tags_status(&registry, &json_str(&refreshed.text(), "token").expect("token")), 404);

        assert_eq!(token_post(server, "grant_type=refresh_token&refresh_token=nope&service=s").status, 401);
        assert_eq!(token_post(server, "grant_type=password&username=u&password=bad&service=s").status, 401);
        assert_eq!(token_post(server, "grant_type=client_credentials&service=s").status, 400);

        let log = server.log();
        let summary: Vec<(&str, &str, u16, &str)> =
            log.iter().map(|r| (r.method.as_str(), r.grant_type.as_str(), r.status, r.user.as_str())).collect();
        assert_eq!(
            summary,
            [
                ("GET", "", 200, ""),
                ("GET", "", 401, ""),
                ("GET", "", 200, "u"),
                ("POST", "password", 200, "u"),
                ("POST", "refresh_token", 200, "u"),
                ("POST", "refresh_token", 401, ""),
                ("POST", "password", 401, ""),
                ("POST", "client_credentials", 400, ""),
            ]
        );
        assert_eq!(log[2].authorization, "basic");
        assert!(log[2].offline && log[3].offline && !log[4].offline);
        assert_eq!(log[3].scopes, ["repository:charts/x:pull"]);
        assert_eq!(log[3].client_id, "test");
        let raw = std::fs::read_to_string(registry.dir().join("token.log")).expect("log");
        assert!(!raw.contains("p@ss") && !raw.contains(&refresh), "no secrets in the log");
    }

    #[test]
    fn config_has_cors_headers_and_deletes() {
        let yaml = config_yaml(Path::new("/tmp/x"), 5000, "n1", "", &RegistryExtras::default());
        assert!(yaml.contains("addr: 127.0.0.1:5000"));
        assert!(yaml.contains("Access-Control-Allow-Origin: ['*']"));
        assert!(yaml.contains("delete:\n    enabled: true"));
        assert!(yaml.contains("rootdirectory: \"/tmp/x/data\""));
        let extras = RegistryExtras {
            headers: vec![("Set-Cookie".into(), "a='b'".into())],
            yaml: "middleware:\n  storage: []".into(),
        };
        let yaml = config_yaml(Path::new("/tmp/x"), 5000, "n1", "", &extras);
        assert!(yaml.contains("    Set-Cookie: ['a=''b''']\n"), "{yaml}");
        assert!(yaml.ends_with("\nmiddleware:\n  storage: []\n"), "{yaml}");
    }
}
