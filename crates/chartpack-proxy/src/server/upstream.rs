//! Connections to registries and token realms: DNS answers are checked against the address
//! policy before connecting (so a name cannot be pointed at the proxy's own network), then
//! TLS with the web PKI roots (plus a configured CA file).

use std::collections::HashSet;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::body::ProxyBody;
use crate::address::is_public;
use crate::config::{Config, RegistryConfig};

/// Why an upstream connection was not made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConnectError {
    /// The host resolved to an address the policy forbids.
    #[error("{host} resolves to {address}, a loopback, private or link-local address; allow it with allow_private on its [[registry]] if it is meant to be reached")]
    Blocked {
        /// The host asked for.
        host: String,
        /// The forbidden address.
        address: std::net::IpAddr,
    },
    /// DNS failed or gave nothing.
    #[error("cannot resolve {host}: {message}")]
    Resolve {
        /// The host asked for.
        host: String,
        /// What the resolver said.
        message: String,
    },
    /// TCP or TLS failed.
    #[error("cannot connect to {host}: {message}")]
    Connect {
        /// The host asked for.
        host: String,
        /// What failed.
        message: String,
    },
}

/// The first [`ConnectError`] in an error's source chain.
pub(crate) fn find_connect_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a ConnectError> {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<ConnectError>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// A plain or TLS connection to an upstream.
pub(crate) enum Stream {
    /// `http://`.
    Plain(TcpStream),
    /// `https://`.
    Tls(Box<TlsStream<TcpStream>>),
}

impl Connection for Stream {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

impl AsyncRead for Stream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// Connects to upstreams under the address policy.
#[derive(Clone)]
pub(crate) struct Connector {
    /// Host names (no port, lowercase, no brackets) that may resolve to non-public addresses.
    private_hosts: Arc<HashSet<String>>,
    tls: TlsConnector,
    timeout: Duration,
}

impl Connector {
    /// A connector that reaches public addresses only (see [`Connector::for_registry`]); reads
    /// no files (the CA PEM is passed in).
    pub(crate) fn new(config: &Config, ca_pem: Option<&[u8]>) -> Result<Self, String> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(pem) = ca_pem {
            use rustls::pki_types::pem::PemObject;
            let mut added = 0;
            for cert in rustls::pki_types::CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|e| format!("ca_file: not a PEM certificate: {e}"))?;
                roots.add(cert).map_err(|e| format!("ca_file: certificate refused: {e}"))?;
                added += 1;
            }
            if added == 0 {
                return Err("ca_file: no PEM certificate found".to_owned());
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS setup: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Connector {
            private_hosts: Arc::new(HashSet::new()),
            tls: TlsConnector::from(Arc::new(tls)),
            timeout: config.limits.upstream_timeout,
        })
    }

    /// This connector for the connections made on behalf of `registry` (its API calls, its
    /// token realms, the redirects it answers): its host and its configured realms' hosts may
    /// resolve to non-public addresses if, and only if, it is `allow_private`. One connector
    /// per registry, so that one registry's permission never covers another's redirects.
    pub(crate) fn for_registry(&self, registry: &RegistryConfig) -> Connector {
        let mut private_hosts = HashSet::new();
        if registry.allow_private {
            private_hosts.insert(bare_host(&registry.host));
            for realm in &registry.realms {
                if let Ok(url) = chartpack_oci::url::Url::parse(realm) {
                    private_hosts.insert(bare_host(&url.host));
                }
            }
        }
        Connector { private_hosts: Arc::new(private_hosts), ..self.clone() }
    }
}

/// `host` without port or IPv6 brackets, lowercase.
fn bare_host(host_port: &str) -> String {
    let host = if let Some(rest) = host_port.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        host_port
            .rsplit_once(':')
            .map_or(host_port, |(h, p)| if p.bytes().all(|b| b.is_ascii_digit()) { h } else { host_port })
    };
    host.to_ascii_lowercase()
}

impl tower_service::Service<Uri> for Connector {
    type Response = TokioIo<Stream>;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, ConnectError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), ConnectError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connector = self.clone();
        Box::pin(async move { connector.connect(uri).await })
    }
}

impl Connector {
    async fn connect(&self, uri: Uri) -> Result<TokioIo<Stream>, ConnectError> {
        let https = uri.scheme_str() == Some("https");
        let host = uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let connect_error = |message: String| ConnectError::Connect { host: host.clone(), message };
        let lookup = tokio::time::timeout(self.timeout, tokio::net::lookup_host((host.as_str(), port)))
            .await
            .map_err(|_| ConnectError::Resolve { host: host.clone(), message: "timed out".to_owned() })?
            .map_err(|e| ConnectError::Resolve { host: host.clone(), message: e.to_string() })?;
        let addresses: Vec<SocketAddr> = lookup.collect();
        if addresses.is_empty() {
            return Err(ConnectError::Resolve { host, message: "no addresses".to_owned() });
        }
        if !self.private_hosts.contains(&host) {
            if let Some(address) = addresses.iter().find(|a| !is_public(a.ip())) {
                return Err(ConnectError::Blocked { host, address: address.ip() });
            }
        }
        let mut last_error = String::new();
        let mut tcp = None;
        for address in &addresses {
            match tokio::time::timeout(self.timeout, TcpStream::connect(address)).await {
                Ok(Ok(stream)) => {
                    tcp = Some(stream);
                    break;
                }
                Ok(Err(e)) => last_error = format!("{address}: {e}"),
                Err(_) => last_error = format!("{address}: timed out"),
            }
        }
        let tcp = tcp.ok_or_else(|| connect_error(last_error))?;
        let _ = tcp.set_nodelay(true);
        if !https {
            return Ok(TokioIo::new(Stream::Plain(tcp)));
        }
        let name = rustls::pki_types::ServerName::try_from(host.clone()).map_err(|e| connect_error(e.to_string()))?;
        let tls = tokio::time::timeout(self.timeout, self.tls.connect(name, tcp))
            .await
            .map_err(|_| connect_error("TLS handshake timed out".to_owned()))?
            .map_err(|e| connect_error(format!("TLS: {e}")))?;
        Ok(TokioIo::new(Stream::Tls(Box::new(tls))))
    }
}

/// The pooled HTTP/1.1 client over [`Connector`]. It never follows redirects itself.
pub(crate) type UpstreamClient = Client<Connector, ProxyBody>;

/// Builds the client.
pub(crate) fn client(connector: Connector) -> UpstreamClient {
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(32)
        .build(connector)
}

#[cfg(test)]
mod tests {
    use super::{bare_host, Connector};

    #[test]
    fn private_hosts_belong_to_the_registry_allowed_them() {
        let file = "[[registry]]\nhost = \"http://localhost:5000\"\nallow_private = true\n\
                    realms = [\"http://auth.internal/token\"]\n[[registry]]\nhost = \"http://127.0.0.1:5001\"\n";
        let config = crate::config::load(Some(("p.toml", file)), &[], &Default::default()).expect("config");
        let base = Connector::new(&config, None).expect("connector");
        assert!(base.private_hosts.is_empty());
        let private = base.for_registry(&config.registries[0]);
        let mut hosts: Vec<&str> = private.private_hosts.iter().map(String::as_str).collect();
        hosts.sort_unstable();
        assert_eq!(hosts, ["auth.internal", "localhost"]);
        assert!(base.for_registry(&config.registries[1]).private_hosts.is_empty());
    }

    #[test]
    fn bare_hosts_drop_ports_and_brackets() {
        assert_eq!(bare_host("LocalHost:5000"), "localhost");
        assert_eq!(bare_host("[::1]:5000"), "::1");
        assert_eq!(bare_host("ghcr.io"), "ghcr.io");
    }
}
