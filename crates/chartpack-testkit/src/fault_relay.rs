//! A fault-injecting HTTP relay for tests: sits between a client and a registry on a loopback
//! port and, following a [`FaultPlan`], answers some requests itself with an error status, drops
//! or truncates bodies, stalls, or corrupts what the registry sent.
//!
//! One request per client connection: the relay reads the request head and body, forwards it
//! upstream with `Connection: close`, reads the whole response, alters it if a rule says so,
//! sends it back with `Connection: close` and closes. Every socket has a timeout, so no test
//! hangs on it; dropping the relay stops it.

use std::cell::Cell;
use std::io::{self, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::http::{self, BodyKind, Head, MAX_BODY_BYTES};

/// Socket timeout for every read and write, client side and upstream side.
const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// What to do to one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and a distribution-style JSON error body, without forwarding;
    /// the second value, if any, is sent as `Retry-After` (seconds).
    Status(u16, Option<u64>),
    /// Read about half of the request body, then close the connection (nothing is forwarded).
    DropMidRequestBody,
    /// Forward, then send the response head (true `Content-Length`) and half the body, then close.
    DropMidResponseBody,
    /// Forward, then send the whole body under a `Content-Length` larger than it, then close.
    TruncateBody,
    /// Wait this long before forwarding (then relay normally).
    Stall(Duration),
    /// Forward, then flip one bit in the middle of the body (same length): a digest mismatch.
    WrongBody,
    /// Forward, then replace the body with this many bytes (`x`) and a matching `Content-Length`.
    Oversize(usize),
}

/// The kind of a [`Fault`], for counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultKind {
    /// [`Fault::Status`].
    Status,
    /// [`Fault::DropMidRequestBody`].
    DropMidRequestBody,
    /// [`Fault::DropMidResponseBody`].
    DropMidResponseBody,
    /// [`Fault::TruncateBody`].
    TruncateBody,
    /// [`Fault::Stall`].
    Stall,
    /// [`Fault::WrongBody`].
    WrongBody,
    /// [`Fault::Oversize`].
    Oversize,
}

impl FaultKind {
    const ALL: [FaultKind; 7] = [
        FaultKind::Status,
        FaultKind::DropMidRequestBody,
        FaultKind::DropMidResponseBody,
        FaultKind::TruncateBody,
        FaultKind::Stall,
        FaultKind::WrongBody,
        FaultKind::Oversize,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

impl Fault {
    /// Its kind.
    pub fn kind(&self) -> FaultKind {
        match self {
            Fault::Status(..) => FaultKind::Status,
            Fault::DropMidRequestBody => FaultKind::DropMidRequestBody,
            Fault::DropMidResponseBody => FaultKind::DropMidResponseBody,
            Fault::TruncateBody => FaultKind::TruncateBody,
            Fault::Stall(_) => FaultKind::Stall,
            Fault::WrongBody => FaultKind::WrongBody,
            Fault::Oversize(_) => FaultKind::Oversize,
        }
    }
}

/// Which requests get a fault: those whose method is `method` (`None`: any) and whose request
/// target contains `path_contains`, counted per rule from 0; matches number `skip` up to (not
/// including) `skip + times` get `fault` (`times: None`: all from `skip` on).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The method to match (`None`: any).
    pub method: Option<String>,
    /// A substring of the request target (path and query) to match; `""` matches all.
    pub path_contains: String,
    /// How many matching requests to leave alone first.
    pub skip: usize,
    /// How many matching requests (after `skip`) get the fault; `None`: all of them.
    pub times: Option<usize>,
    /// The fault.
    pub fault: Fault,
}

impl Rule {
    /// Every request with `method` (`"*"`: any) whose target contains `path_contains` gets `fault`.
    pub fn new(method: &str, path_contains: &str, fault: Fault) -> Rule {
        let method = (method != "*").then(|| method.to_ascii_uppercase());
        Rule { method, path_contains: path_contains.to_owned(), skip: 0, times: None, fault }
    }

    /// Only the first `n` matches (after any skipped) get the fault.
    pub fn times(self, n: usize) -> Rule {
        Rule { times: Some(n), ..self }
    }

    /// The first `n` matches pass untouched.
    pub fn skip(self, n: usize) -> Rule {
        Rule { skip: n, ..self }
    }

    fn matches(&self, method: &str, target: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method)) && target.contains(&self.path_contains)
    }

    fn applies_to_match(&self, n: usize) -> bool {
        n >= self.skip && self.times.is_none_or(|t| n < self.skip + t)
    }
}

/// The rules of a relay, tried in order: every rule that matches a request counts it, and the
/// first whose window includes that count applies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultPlan {
    /// The rules.
    pub rules: Vec<Rule>,
}

impl FaultPlan {
    /// No faults: a plain relay.
    pub fn new() -> FaultPlan {
        FaultPlan::default()
    }

    /// This plan with `rule` added last.
    pub fn rule(mut self, rule: Rule) -> FaultPlan {
        self.rules.push(rule);
        self
    }
}

/// One request the relay saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelayedRequest {
    /// The method.
    pub method: String,
    /// The request target (path and query).
    pub target: String,
    /// The status the client was sent: `None` when the connection was dropped before a response
    /// head (an upstream failure is answered with 502).
    pub status: Option<u16>,
    /// The fault injected, if any.
    pub fault: Option<FaultKind>,
}

struct PlanState {
    plan: FaultPlan,
    counts: Vec<usize>,
}

struct Shared {
    upstream: String,
    relay_host: String,
    plan: Mutex<PlanState>,
    stop: AtomicBool,
    requests: AtomicUsize,
    faults: [AtomicUsize; 7],
    log: Mutex<Vec<RelayedRequest>>,
}

/// A running relay from `127.0.0.1:PORT` to an upstream `host:port`; stopped when dropped.
pub struct FaultRelay {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl FaultRelay {
    /// Starts a relay to `upstream` (`"127.0.0.1:PORT"`, e.g. [`crate::Registry::host`]).
    pub fn start(upstream: &str, plan: FaultPlan) -> FaultRelay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind relay");
        let addr = listener.local_addr().expect("relay address");
        let counts = vec![0; plan.rules.len()];
        let shared = Arc::new(Shared {
            upstream: upstream.to_owned(),
            relay_host: addr.to_string(),
            plan: Mutex::new(PlanState { plan, counts }),
            stop: AtomicBool::new(false),
            requests: AtomicUsize::new(0),
            faults: Default::default(),
            log: Mutex::new(Vec::new()),
        });
        let accept_shared = Arc::clone(&shared);
        let accept = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if accept_shared.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else {
                    std::thread::sleep(Duration::from_millis(10)); // e.g. out of file descriptors
                    continue;
                };
                let shared = Arc::clone(&accept_shared);
                std::thread::spawn(move || handle(&shared, conn));
            }
        });
        FaultRelay { addr, shared, accept: Some(accept) }
    }

    /// `127.0.0.1:PORT`: use it in place of the upstream host.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Replaces the plan (and restarts its match counts); counters and log are kept.
    pub fn set_plan(&self, plan: FaultPlan) {
        let counts = vec![0; plan.rules.len()];
        *self.shared.plan.lock().expect("plan lock") = PlanState { plan, counts };
    }

    /// How many requests arrived (whole heads read), faulted or not.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// How many faults of `kind` were injected.
    pub fn faults(&self, kind: FaultKind) -> usize {
        self.shared.faults[kind.index()].load(Ordering::SeqCst)
    }

    /// How many faults were injected in all.
    pub fn faults_total(&self) -> usize {
        FaultKind::ALL.iter().map(|k| self.faults(*k)).sum()
    }

    /// Every request so far, in the order they finished.
    pub fn log(&self) -> Vec<RelayedRequest> {
        self.shared.log.lock().expect("log lock").clone()
    }
}

impl Drop for FaultRelay {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop; if that fails, leave the thread behind rather than hang.
        let woken = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).is_ok();
        if let (true, Some(accept)) = (woken, self.accept.take()) {
            let _ = accept.join();
        }
        if std::thread::panicking() {
            eprintln!("--- fault relay {} -> {} requests ---", self.host(), self.shared.upstream);
            for r in self.log() {
                eprintln!("{} {} -> {:?} fault {:?}", r.method, r.target, r.status, r.fault);
            }
        }
    }
}

/// Picks the fault for a request, counting it against every matching rule.
fn pick(shared: &Shared, method: &str, target: &str) -> Option<Fault> {
    let mut state = shared.plan.lock().expect("plan lock");
    let PlanState { plan, counts } = &mut *state;
    let mut chosen = None;
    for (rule, count) in plan.rules.iter().zip(counts.iter_mut()) {
        if rule.matches(method, target) {
            if chosen.is_none() && rule.applies_to_match(*count) {
                chosen = Some(rule.fault.clone());
            }
            *count += 1;
        }
    }
    chosen
}

fn handle(shared: &Shared, client: TcpStream) {
    if shared.stop.load(Ordering::SeqCst) {
        return;
    }
    let _ = client.set_read_timeout(Some(IO_TIMEOUT));
    let _ = client.set_write_timeout(Some(IO_TIMEOUT));
    let Ok(reader) = client.try_clone() else { return };
    let mut reader = BufReader::new(reader);
    let Ok(Some(head)) = http::read_head(&mut reader) else { return };
    let mut parts = head.start_line.split(' ');
    let method = parts.next().unwrap_or("").to_owned();
    let target = parts.next().unwrap_or("").to_owned();
    shared.requests.fetch_add(1, Ordering::SeqCst);
    let fault = pick(shared, &method, &target);
    if let Some(f) = &fault {
        shared.faults[f.kind().index()].fetch_add(1, Ordering::SeqCst);
    }
    let entry = Entry { shared, done: Cell::new(false), method: &method, target: &target, fault: fault.as_ref() };
    serve(shared, &entry, &client, &mut reader, &head, fault.as_ref());
    entry.record(None); // nothing was answered (a read failed, or the fault dropped the connection)
    let _ = client.shutdown(Shutdown::Both);
}

/// Logs a request once, before its response is written, so a test that got the response sees
/// the entry.
struct Entry<'a> {
    shared: &'a Shared,
    done: Cell<bool>,
    method: &'a str,
    target: &'a str,
    fault: Option<&'a Fault>,
}

impl Entry<'_> {
    fn record(&self, status: Option<u16>) {
        if !self.done.replace(true) {
            let entry = RelayedRequest {
                method: self.method.to_owned(),
                target: self.target.to_owned(),
                status,
                fault: self.fault.map(Fault::kind),
            };
            self.shared.log.lock().expect("log lock").push(entry);
        }
    }
}

/// Serves one request (`None`: gave up, the connection is to be closed).
fn serve(
    shared: &Shared,
    entry: &Entry<'_>,
    mut client: &TcpStream,
    reader: &mut BufReader<TcpStream>,
    head: &Head,
    fault: Option<&Fault>,
) -> Option<()> {
    let (method, target) = (entry.method, entry.target);
    let Ok(body_kind) = head.request_body() else {
        entry.record(Some(400));
        return send_error(client, method, 400, None, "bad request framing").ok();
    };
    if head.header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        client.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").ok()?;
    }
    if fault == Some(&Fault::DropMidRequestBody) {
        let half = match body_kind {
            BodyKind::Length(n) => n / 2,
            _ => 1,
        };
        let mut sink = Vec::new();
        let _ = reader.by_ref().take(half).read_to_end(&mut sink);
        entry.record(None);
        return None; // the caller closes the connection with the rest unread
    }
    let body = http::read_body(reader, body_kind, MAX_BODY_BYTES).ok()?;
    match fault {
        Some(Fault::Status(code, retry_after)) => {
            entry.record(Some(*code));
            return send_error(client, method, *code, *retry_after, "injected by the chartpack fault relay").ok();
        }
        Some(Fault::Stall(d)) => {
            let until = Instant::now() + *d;
            while Instant::now() < until && !shared.stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(10).min(until.saturating_duration_since(Instant::now())));
            }
        }
        _ => {}
    }
    let UpstreamReply { status, mut headers, body: mut resp_body, has_body } =
        match forward(shared, head, method, target, &body) {
            Ok(r) => r,
            Err(e) => {
                entry.record(Some(502));
                return send_error(client, method, 502, None, &format!("relay upstream error: {e}")).ok();
            }
        };
    for (name, value) in headers.iter_mut() {
        if name.eq_ignore_ascii_case("location") {
            let upstream = format!("http://{}", shared.upstream);
            if let Some(rest) = value.strip_prefix(&upstream) {
                *value = format!("http://{}{rest}", shared.relay_host);
            }
        }
    }
    let mut declared = resp_body.len();
    let mut sent = resp_body.len();
    if has_body {
        match fault {
            Some(Fault::DropMidResponseBody) => sent = resp_body.len() / 2,
            Some(Fault::TruncateBody) => declared = resp_body.len() + resp_body.len() / 2 + 1,
            Some(Fault::WrongBody) => {
                let mid = resp_body.len() / 2;
                if let Some(b) = resp_body.get_mut(mid) {
                    *b ^= 0x01;
                }
            }
            Some(Fault::Oversize(n)) => {
                resp_body = vec![b'x'; *n];
                (declared, sent) = (*n, *n);
            }
            _ => {}
        }
    }
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in &headers {
        let hop = ["connection", "keep-alive", "transfer-encoding", "content-length"];
        if !has_body && name.eq_ignore_ascii_case("content-length") {
            out.push_str(&format!("{name}: {value}\r\n")); // HEAD/204: keep what upstream declared
        } else if !hop.iter().any(|h| name.eq_ignore_ascii_case(h)) {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    if has_body {
        out.push_str(&format!("Content-Length: {declared}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    entry.record(Some(status));
    client.write_all(out.as_bytes()).ok()?;
    let _ = client.write_all(&resp_body[..sent]);
    let _ = client.flush();
    Some(())
}

/// What upstream answered: status, headers, the de-chunked body, and whether the response has a
/// body at all (not for `HEAD`, 204, 304).
struct UpstreamReply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    has_body: bool,
}

/// Forwards the request and reads the whole response.
fn forward(shared: &Shared, head: &Head, method: &str, target: &str, body: &[u8]) -> io::Result<UpstreamReply> {
    let mut upstream = http::connect(&shared.upstream, IO_TIMEOUT)?;
    let skip =
        ["host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "content-length", "expect"];
    let headers = head
        .headers
        .iter()
        .filter(|(name, _)| !skip.iter().any(|s| name.eq_ignore_ascii_case(s)))
        .map(|(name, value)| (name.as_str(), value.as_str()));
    http::write_request(&mut upstream, &shared.upstream, method, target, headers, body)?;
    let mut reader = BufReader::new(upstream);
    let resp = http::read_head(&mut reader)?
        .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "upstream closed without a response"))?;
    let status = resp.status()?;
    let kind = resp.response_body(method, status);
    let resp_body = http::read_body(&mut reader, kind, MAX_BODY_BYTES)?;
    Ok(UpstreamReply { status, headers: resp.headers, body: resp_body, has_body: kind != BodyKind::None })
}

/// A distribution-style error response (`{"errors":[{"code":…,"message":…,"detail":…}]}`).
fn send_error(
    mut client: &TcpStream,
    method: &str,
    status: u16,
    retry_after: Option<u64>,
    detail: &str,
) -> io::Result<()> {
    let code = match status {
        401 => "UNAUTHORIZED",
        403 => "DENIED",
        404 => "NAME_UNKNOWN",
        405 => "UNSUPPORTED",
        429 => "TOOMANYREQUESTS",
        503 => "UNAVAILABLE",
        _ => "UNKNOWN",
    };
    let body = format!(
        r#"{{"errors":[{{"code":"{code}","message":"{}","detail":"{}"}}]}}"#,
        reason(status).to_ascii_lowercase(),
        detail.replace(['"', '\\'], "'")
    );
    let mut out = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json; charset=utf-8\r\n\
         Docker-Distribution-Api-Version: registry/2.0\r\nContent-Length: {}\r\n",
        reason(status),
        body.len()
    );
    if let Some(secs) = retry_after {
        out.push_str(&format!("Retry-After: {secs}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    if !method.eq_ignore_ascii_case("HEAD") {
        out.push_str(&body);
    }
    client.write_all(out.as_bytes())?;
    client.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::request;

    /// A tiny upstream that answers every request with `body` (and echoes the request's method,
    /// target and body length in headers), plus a `Location` pointing at itself.
    fn upstream(body: &'static [u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let host = listener.local_addr().expect("addr").to_string();
        let me = host.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let me = me.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(conn.try_clone().expect("clone"));
                    let Ok(Some(head)) = http::read_head(&mut reader) else { return };
                    let kind = head.request_body().expect("framing");
                    let got = http::read_body(&mut reader, kind, 1 << 20).expect("body");
                    let mut conn = conn;
                    let out = format!(
                        "HTTP/1.1 200 OK\r\nX-Start: {}\r\nX-Got: {}\r\nLocation: http://{me}/v2/next?x=1\r\n\
                         Transfer-Encoding: chunked\r\n\r\n{:x}\r\n",
                        head.start_line,
                        got.len(),
                        body.len()
                    );
                    let _ = conn.write_all(out.as_bytes());
                    let _ = conn.write_all(body);
                    let _ = conn.write_all(b"\r\n0\r\n\r\n");
                });
            }
        });
        host
    }

    const T: Duration = Duration::from_secs(5);

    #[test]
    fn relays_and_rewrites_location() {
        let up = upstream(b"hello relay");
        let relay = FaultRelay::start(&up, FaultPlan::new());
        let reply = request(&relay.host(), "PUT", "/v2/a/blobs/uploads/1?digest=x", &[], b"12345", T).expect("relay");
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, b"hello relay");
        assert_eq!(reply.header("x-got"), Some("5"));
        assert_eq!(reply.header("x-start"), Some("PUT /v2/a/blobs/uploads/1?digest=x HTTP/1.1"));
        assert_eq!(reply.header("location"), Some(format!("http://{}/v2/next?x=1", relay.host()).as_str()));
        let head = request(&relay.host(), "HEAD", "/v2/a/blobs/x", &[], b"", T).expect("head");
        assert!(head.body.is_empty());
        assert_eq!((relay.requests(), relay.faults_total()), (2, 0));
    }

    #[test]
    fn status_rule_applies_to_the_chosen_matches_only() {
        let up = upstream(b"ok");
        let plan = FaultPlan::new().rule(Rule::new("GET", "/manifests/", Fault::Status(503, Some(1))).skip(1).times(2));
        let relay = FaultRelay::start(&up, plan);
        let statuses: Vec<u16> = (0..4)
            .map(|_| request(&relay.host(), "GET", "/v2/a/manifests/1", &[], b"", T).expect("get").status)
            .collect();
        assert_eq!(statuses, [200, 503, 503, 200]);
        let other = request(&relay.host(), "HEAD", "/v2/a/manifests/1", &[], b"", T).expect("head");
        assert_eq!(other.status, 200, "the rule names GET only");
        let reply = request(&relay.host(), "GET", "/v2/a/manifests/1", &[], b"", T).expect("get");
        assert_eq!(reply.status, 200);
        relay.set_plan(FaultPlan::new().rule(Rule::new("*", "", Fault::Status(429, Some(7)))));
        let reply = request(&relay.host(), "GET", "/v2/", &[], b"", T).expect("get");
        assert_eq!((reply.status, reply.header("retry-after")), (429, Some("7")));
        assert!(reply.text().contains("TOOMANYREQUESTS"), "{}", reply.text());
        assert_eq!(relay.faults(FaultKind::Status), 3);
        assert_eq!(relay.requests(), 7);
    }

    #[test]
    fn body_faults() {
        let up = upstream(b"0123456789");
        let get = |fault: Fault| {
            let relay = FaultRelay::start(&up, FaultPlan::new().rule(Rule::new("*", "", fault.clone())));
            let reply = request(&relay.host(), "GET", "/x", &[], b"", T);
            assert_eq!(relay.faults(fault.kind()), 1);
            reply
        };
        assert!(get(Fault::DropMidResponseBody).is_err(), "short body");
        assert!(get(Fault::TruncateBody).is_err(), "short body");
        assert_eq!(get(Fault::WrongBody).expect("reply").body, b"0123446789", "one bit of the middle byte flipped");
        let big = get(Fault::Oversize(100_000)).expect("reply");
        assert_eq!(big.body.len(), 100_000);
        let start = Instant::now();
        assert_eq!(get(Fault::Stall(Duration::from_millis(300))).expect("reply").body, b"0123456789");
        assert!(start.elapsed() >= Duration::from_millis(300));
    }

    #[test]
    fn drop_mid_request_body_forwards_nothing() {
        let up = upstream(b"ok");
        let relay = FaultRelay::start(&up, FaultPlan::new().rule(Rule::new("PUT", "", Fault::DropMidRequestBody)));
        let body = vec![7u8; 1 << 20];
        assert!(request(&relay.host(), "PUT", "/v2/a/blobs/uploads/1", &[], &body, T).is_err());
        assert_eq!(relay.log()[0].status, None);
        assert_eq!(relay.faults(FaultKind::DropMidRequestBody), 1);
    }
}
