//! The native transport: one blocking HTTP/1.1 client (ureq, rustls) behind the protocol's
//! [`Transport`] trait. It moves bytes only: no redirects, no retries, no credentials of its own.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use chartpack_oci::http::{Method, Request, Response, Transport, TransportError};

/// TLS and timeout settings, from helm's flags.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// `--insecure-skip-tls-verify`: accept any certificate.
    pub insecure_skip_verify: bool,
    /// `--ca-file`: PEM bytes of the CAs to trust instead of the built-in roots.
    pub ca_pem: Option<Vec<u8>>,
}

/// A blocking transport; its futures are ready when first polled.
pub struct NativeTransport {
    agent: ureq::Agent,
}

/// Stop waiting for a peer that sends nothing for this long.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
const READ_CHUNK: usize = 64 << 10;

impl NativeTransport {
    /// A transport with `tls` settings. Fails on a CA file without certificates.
    pub fn new(tls: &TlsOptions) -> Result<NativeTransport, String> {
        NativeTransport::with_read_timeout(tls, READ_TIMEOUT)
    }

    /// A transport that gives up on a peer silent for `read_timeout` (default 30 s).
    pub fn with_read_timeout(tls: &TlsOptions, read_timeout: Duration) -> Result<NativeTransport, String> {
        let mut tls_config = ureq::tls::TlsConfig::builder().disable_verification(tls.insecure_skip_verify);
        if let Some(pem) = &tls.ca_pem {
            let mut certs = Vec::new();
            for item in ureq::tls::parse_pem(pem) {
                match item {
                    Ok(ureq::tls::PemItem::Certificate(cert)) => certs.push(cert),
                    Ok(_) => {}
                    Err(e) => return Err(format!("invalid PEM in the CA file: {e}")),
                }
            }
            if certs.is_empty() {
                return Err("the CA file holds no certificate".to_owned());
            }
            tls_config = tls_config.root_certs(ureq::tls::RootCerts::Specific(Arc::new(certs)));
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(ureq::Proxy::try_from_env())
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_per_read(Some(read_timeout))
            .timeout_per_write(Some(read_timeout))
            .max_response_header_size(256 << 10)
            .tls_config(tls_config.build())
            .build();
        Ok(NativeTransport { agent: config.into() })
    }

    fn send_blocking(&self, request: &Request<'_>) -> Result<Response, TransportError> {
        let method = match request.method {
            Method::Get => ureq::http::Method::GET,
            Method::Head => ureq::http::Method::HEAD,
            Method::Post => ureq::http::Method::POST,
            Method::Put => ureq::http::Method::PUT,
            Method::Patch => ureq::http::Method::PATCH,
            Method::Delete => ureq::http::Method::DELETE,
        };
        let mut builder = ureq::http::Request::builder().method(method).uri(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let build_error =
            |e: ureq::http::Error| TransportError::Other(format!("cannot build request for {}: {e}", request.url));
        let result = if request.body.is_empty() && matches!(request.method, Method::Get | Method::Head) {
            self.agent.run(builder.body(()).map_err(build_error)?)
        } else {
            let mut body = ProgressReader { bytes: request.body, sent: 0, progress: request.progress };
            let http_request = builder
                .header("content-length", request.body.len())
                .body(ureq::SendBody::from_reader(&mut body))
                .map_err(build_error)?;
            self.agent.run(http_request)
        };
        let mut response = result.map_err(map_error)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let mut out = Vec::new();
        if request.method != Method::Head {
            let mut reader = response.body_mut().with_config().limit(u64::MAX).reader();
            let mut buffer = vec![0u8; READ_CHUNK];
            loop {
                let n = reader.read(&mut buffer).map_err(|e| map_io(&e))?;
                if n == 0 {
                    break;
                }
                if (out.len() + n) as u64 > request.max_response_bytes {
                    return Err(TransportError::TooLarge { limit: request.max_response_bytes });
                }
                out.extend_from_slice(&buffer[..n]);
                if let Some(progress) = request.progress {
                    progress(out.len() as u64);
                }
            }
        }
        Ok(Response { status, headers, body: out })
    }
}

/// Reads the request body out and reports progress.
struct ProgressReader<'a> {
    bytes: &'a [u8],
    sent: usize,
    progress: Option<&'a dyn Fn(u64)>,
}

impl Read for ProgressReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = &self.bytes[self.sent..];
        let n = rest.len().min(buf.len()).min(READ_CHUNK);
        buf[..n].copy_from_slice(&rest[..n]);
        self.sent += n;
        if let (Some(progress), true) = (self.progress, n > 0) {
            progress(self.sent as u64);
        }
        Ok(n)
    }
}

fn map_error(error: ureq::Error) -> TransportError {
    match error {
        ureq::Error::Timeout(t) => TransportError::Timeout(t.to_string()),
        ureq::Error::Io(e) => map_io(&e),
        ureq::Error::HostNotFound => TransportError::Connection("host not found".to_owned()),
        ureq::Error::ConnectionFailed => TransportError::Connection("connection failed".to_owned()),
        ureq::Error::BodyExceedsLimit(limit) => TransportError::TooLarge { limit },
        ureq::Error::Tls(e) => TransportError::Connection(format!("TLS: {e}")),
        ureq::Error::Rustls(e) => TransportError::Connection(format!("TLS: {e}")),
        ureq::Error::Protocol(e) => TransportError::Connection(format!("HTTP protocol: {e}")),
        other => TransportError::Other(other.to_string()),
    }
}

fn map_io(error: &std::io::Error) -> TransportError {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::TimedOut | ErrorKind::WouldBlock => TransportError::Timeout(error.to_string()),
        _ => {
            // ureq wraps its own errors (timeouts, body limits) in io::Error while reading.
            if let Some(inner) = error.get_ref().and_then(|e| e.downcast_ref::<ureq::Error>()) {
                return match inner {
                    ureq::Error::Timeout(t) => TransportError::Timeout(t.to_string()),
                    other => TransportError::Connection(other.to_string()),
                };
            }
            TransportError::Connection(error.to_string())
        }
    }
}

impl Transport for NativeTransport {
    fn send(&self, request: &Request<'_>) -> impl std::future::Future<Output = Result<Response, TransportError>> {
        std::future::ready(self.send_blocking(request))
    }

    fn sleep(&self, duration: Duration) -> impl std::future::Future<Output = ()> {
        std::thread::sleep(duration);
        std::future::ready(())
    }
}
