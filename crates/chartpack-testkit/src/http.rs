//! A minimal HTTP/1.1 client and message reader over `std::net`, for the harness itself
//! (readiness polls, the fault relay) and for tests that need a raw request: one request per
//! connection (`Connection: close`), every read bounded by a timeout and a size limit.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The largest request or response head read (helm's and Go's default is 1 MiB; registries send
/// a few KiB).
pub(crate) const MAX_HEAD_BYTES: u64 = 256 << 10;
/// The largest body read by the harness: far above any test chart, small enough to stop a runaway.
pub(crate) const MAX_BODY_BYTES: u64 = 512 << 20;

/// A complete HTTP response.
#[derive(Debug, Clone)]
pub struct HttpReply {
    /// The status code.
    pub status: u16,
    /// The header fields in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body (empty for `HEAD`, 204 and 304).
    pub body: Vec<u8>,
}

impl HttpReply {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The body as (lossy) UTF-8 text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Writes one `Connection: close` request: `Host`, the given headers, `Content-Length` for a
/// body (or a POST/PUT/PATCH), then the body.
pub(crate) fn write_request<'a>(
    stream: &mut impl Write,
    host: &str,
    method: &str,
    target: &str,
    headers: impl Iterator<Item = (&'a str, &'a str)>,
    body: &[u8],
) -> io::Result<()> {
    let mut out = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || matches!(method, "POST" | "PUT" | "PATCH") {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes)?;
    stream.flush()
}

/// Sends one request to `host` (`"127.0.0.1:PORT"`) with `Connection: close` and reads the whole
/// response. `path` is the request target (`/v2/`); `Host` and `Content-Length` are added.
pub fn request(
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> io::Result<HttpReply> {
    let mut stream = connect(host, timeout)?;
    write_request(&mut stream, host, method, path, headers.iter().copied(), body)?;
    let mut reader = BufReader::new(stream);
    let head = read_head(&mut reader)?.ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "no response"))?;
    let status = head.status()?;
    let body = read_body(&mut reader, head.response_body(method, status), MAX_BODY_BYTES)?;
    Ok(HttpReply { status, headers: head.headers, body })
}

/// Connects to `host` with `timeout` for the connection and for every later read and write.
pub(crate) fn connect(host: &str, timeout: Duration) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, format!("{host}: no address"));
    for addr in host.to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => {
                stream.set_read_timeout(Some(timeout))?;
                stream.set_write_timeout(Some(timeout))?;
                return Ok(stream);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The first header named `name` (case-insensitive) in `headers`.
pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// A request or response head: the start line and the header fields.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub(crate) start_line: String,
    pub(crate) headers: Vec<(String, String)>,
}

/// How the body after a head is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    None,
    Length(u64),
    Chunked,
    UntilEof,
}

impl Head {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    fn is_chunked(&self) -> bool {
        self.headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked"))
    }

    fn content_length(&self) -> io::Result<Option<u64>> {
        match self.header("content-length") {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| invalid(format!("bad Content-Length {v:?}"))),
        }
    }

    /// The status code of a response head.
    pub(crate) fn status(&self) -> io::Result<u16> {
        let mut parts = self.start_line.split(' ');
        let version = parts.next().unwrap_or("");
        let code = parts.next().unwrap_or("");
        if !version.starts_with("HTTP/") {
            return Err(invalid(format!("bad status line {:?}", self.start_line)));
        }
        code.parse().map_err(|_| invalid(format!("bad status line {:?}", self.start_line)))
    }

    /// How a request's body is delimited (no length and not chunked: no body).
    pub(crate) fn request_body(&self) -> io::Result<BodyKind> {
        if self.is_chunked() {
            return Ok(BodyKind::Chunked);
        }
        Ok(self.content_length()?.map_or(BodyKind::None, BodyKind::Length))
    }

    /// How the body of a response to `method` with `status` is delimited.
    pub(crate) fn response_body(&self, method: &str, status: u16) -> BodyKind {
        if method.eq_ignore_ascii_case("HEAD") || (100..200).contains(&status) || status == 204 || status == 304 {
            BodyKind::None
        } else if self.is_chunked() {
            BodyKind::Chunked
        } else {
            match self.content_length() {
                Ok(Some(n)) => BodyKind::Length(n),
                _ => BodyKind::UntilEof,
            }
        }
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// Reads one line (up to `\n`), counting it against `budget`.
fn read_line<R: BufRead>(r: &mut R, budget: &mut u64) -> io::Result<Vec<u8>> {
    let mut line = Vec::new();
    r.by_ref().take(*budget).read_until(b'\n', &mut line)?;
    *budget -= line.len() as u64;
    if !line.ends_with(b"\n") {
        return Err(if *budget == 0 {
            invalid("head too large".to_owned())
        } else {
            io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed inside a head")
        });
    }
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    Ok(line)
}

/// Reads a head; `None` when the connection closes before its first byte.
pub(crate) fn read_head<R: BufRead>(r: &mut R) -> io::Result<Option<Head>> {
    if r.fill_buf()?.is_empty() {
        return Ok(None);
    }
    let mut budget = MAX_HEAD_BYTES;
    let start_line = String::from_utf8_lossy(&read_line(r, &mut budget)?).into_owned();
    let mut headers = Vec::new();
    loop {
        let line = read_line(r, &mut budget)?;
        if line.is_empty() {
            break;
        }
        let line = String::from_utf8_lossy(&line).into_owned();
        let Some((name, value)) = line.split_once(':') else {
            return Err(invalid(format!("bad header line {line:?}")));
        };
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    Ok(Some(Head { start_line, headers }))
}

/// Reads a body of `kind`, at most `limit` bytes (de-chunked).
pub(crate) fn read_body<R: BufRead>(r: &mut R, kind: BodyKind, limit: u64) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    match kind {
        BodyKind::None => {}
        BodyKind::Length(n) => {
            if n > limit {
                return Err(invalid(format!("body of {n} bytes is over the {limit}-byte limit")));
            }
            body.reserve(n.min(1 << 20) as usize);
            r.by_ref().take(n).read_to_end(&mut body)?;
            if body.len() as u64 != n {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "body shorter than its Content-Length"));
            }
        }
        BodyKind::UntilEof => {
            r.by_ref().take(limit + 1).read_to_end(&mut body)?;
            if body.len() as u64 > limit {
                return Err(invalid(format!("body over the {limit}-byte limit")));
            }
        }
        BodyKind::Chunked => loop {
            let mut budget = 4096;
            let line = String::from_utf8_lossy(&read_line(r, &mut budget)?).into_owned();
            let size_hex = line.split(';').next().unwrap_or("").trim();
            let size = u64::from_str_radix(size_hex, 16).map_err(|_| invalid(format!("bad chunk size {line:?}")))?;
            if size == 0 {
                let mut budget = MAX_HEAD_BYTES;
                while !read_line(r, &mut budget)?.is_empty() {} // trailers
                break;
            }
            if body.len() as u64 + size > limit {
                return Err(invalid(format!("body over the {limit}-byte limit")));
            }
            let start = body.len();
            r.by_ref().take(size).read_to_end(&mut body)?;
            if (body.len() - start) as u64 != size {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed inside a chunk"));
            }
            let mut budget = 2;
            read_line(r, &mut budget)?;
        },
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_body(raw: &str, kind: BodyKind, want: &str) {
        let mut r = BufReader::new(raw.as_bytes());
        let body = read_body(&mut r, kind, 1 << 20).expect("body");
        assert_eq!(String::from_utf8(body).expect("utf-8"), want, "{raw:?}");
    }

    #[test]
    fn bodies_by_length_chunks_and_eof() {
        check_body("hello world", BodyKind::Length(5), "hello");
        check_body("5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nTrailer: 1\r\n\r\n", BodyKind::Chunked, "hello world");
        check_body("all of it", BodyKind::UntilEof, "all of it");
        check_body("ignored", BodyKind::None, "");
    }

    #[test]
    fn heads_and_their_body_kinds() {
        let raw = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-A:  b \r\n\r\nabc";
        let mut r = BufReader::new(raw.as_bytes());
        let head = read_head(&mut r).expect("read").expect("head");
        assert_eq!(head.status().expect("status"), 200);
        assert_eq!(head.header("x-a"), Some("b"));
        assert_eq!(head.response_body("GET", 200), BodyKind::Length(3));
        assert_eq!(head.response_body("HEAD", 200), BodyKind::None);
        assert_eq!(head.response_body("GET", 204), BodyKind::None);
        assert!(read_head(&mut BufReader::new(&b""[..])).expect("eof").is_none());
        assert!(read_head(&mut BufReader::new(&b"GET / HTTP/1.1\r\nHost"[..])).is_err());
    }

    #[test]
    fn short_bodies_are_errors() {
        let mut r = BufReader::new(&b"abc"[..]);
        assert!(read_body(&mut r, BodyKind::Length(5), 100).is_err());
        let mut r = BufReader::new(&b"abc"[..]);
        assert!(read_body(&mut r, BodyKind::Length(500), 100).is_err(), "over the limit");
    }
}
