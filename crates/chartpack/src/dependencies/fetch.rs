//! Fetching over HTTP for classic repositories: `index.yaml` and chart archives, with redirects
//! followed here (a transport never follows them) and credentials only where helm sends them.

use chartpack_oci::http::{Method, Request, Transport};
use chartpack_oci::url::Url;

use super::repos::Repository;
use super::DependencyError;

/// Most redirects followed for one download (Go's client: 10).
const MAX_REDIRECTS: usize = 10;
/// Largest `index.yaml` accepted.
pub(crate) const MAX_INDEX_BYTES: u64 = 64 << 20;
/// Largest chart archive accepted (helm's archive limit).
pub(crate) const MAX_ARCHIVE_BYTES: u64 = 100 << 20;

/// The `index.yaml` URL of a repository: helm's `JoinPath("index.yaml")` (query kept).
pub fn index_url(repository: &str) -> String {
    let (base, query) = match repository.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (repository, None),
    };
    let joined = format!("{}/index.yaml", base.trim_end_matches('/'));
    match query {
        Some(query) => format!("{joined}?{query}"),
        None => joined,
    }
}

/// GETs `url`, following redirects; the repository's Basic credentials go only to its own
/// origin (every hop), unless it passes them everywhere (`pass_credentials_all`).
pub(crate) async fn get<T: Transport>(
    transport: &T,
    url: &str,
    repository: Option<&Repository>,
    limit: u64,
) -> Result<Vec<u8>, DependencyError> {
    let failed = |message: String| DependencyError::Fetch { url: url.to_owned(), message };
    let mut current = Url::parse(url).map_err(|e| failed(e.to_string()))?;
    let origin = repository.and_then(|r| Url::parse(&r.url).ok());
    for _ in 0..=MAX_REDIRECTS {
        let mut headers = vec![("user-agent".to_owned(), concat!("chartpack/", env!("CARGO_PKG_VERSION")).to_owned())];
        if let Some(repository) = repository.filter(|r| !r.username.is_empty() || !r.password.is_empty()) {
            let same_origin = origin.as_ref().is_some_and(|o| o.same_origin(&current));
            if same_origin || repository.pass_credentials_all {
                let token = chartpack_oci::base64::encode(
                    format!("{}:{}", repository.username, repository.password).as_bytes(),
                );
                headers.push(("authorization".to_owned(), format!("Basic {token}")));
            }
        }
        let request = Request {
            method: Method::Get,
            url: current.to_string(),
            headers,
            body: &[],
            max_response_bytes: limit,
            progress: None,
        };
        let response = transport.send(&request).await.map_err(|e| failed(e.to_string()))?;
        match response.status {
            200 => return Ok(response.body),
            301 | 302 | 303 | 307 | 308 => {
                let location =
                    response.header("location").ok_or_else(|| failed("redirect without Location".to_owned()))?;
                let next = current.join(location).map_err(|e| failed(e.to_string()))?;
                if current.scheme == "https" && next.scheme == "http" {
                    return Err(failed(format!("refused a redirect from https to {next}")));
                }
                current = next;
            }
            status => return Err(failed(format!("{status} {}", reason(status)))),
        }
    }
    Err(failed(format!("stopped after {MAX_REDIRECTS} redirects")))
}

fn reason(status: u16) -> &'static str {
    match status {
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::index_url;

    #[test]
    fn index_urls_join_like_helm() {
        assert_eq!(index_url("https://charts.example.com"), "https://charts.example.com/index.yaml");
        assert_eq!(index_url("https://charts.example.com/sub/"), "https://charts.example.com/sub/index.yaml");
        assert_eq!(index_url("https://x.example/c?token=1"), "https://x.example/c/index.yaml?token=1");
    }
}
