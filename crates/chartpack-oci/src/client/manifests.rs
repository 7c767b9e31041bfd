//! Manifests: put by tag, get by tag or digest (checked against the digest asked for or
//! announced), and resolve a tag to its digest.

use super::error::RegistryError;
use super::session::Call;
use super::RegistryClient;
use crate::auth::repository_scope;
use crate::digest::Digest;
use crate::error_body;
use crate::http::{Method, Transport};
use crate::media;

/// A manifest as the registry served it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedManifest {
    /// The raw bytes (their digest is `digest`).
    pub bytes: Vec<u8>,
    /// The digest of `bytes`.
    pub digest: Digest,
    /// The `Content-Type` the registry gave, if any.
    pub media_type: Option<String>,
}

impl<T: Transport> RegistryClient<T> {
    /// `PUT /v2/<repo>/manifests/<reference>` with an OCI image manifest; checks the digest the
    /// registry answers with.
    pub async fn push_manifest(
        &self,
        repository: &str,
        reference: &str,
        manifest: &[u8],
        media_type: &str,
    ) -> Result<Digest, RegistryError> {
        let digest = Digest::of(manifest);
        let scope = repository_scope(repository, true);
        let url = self.url(&format!("/v2/{repository}/manifests/{reference}"));
        let mut call = Call::new(Method::Put, url.clone()).header("content-type", media_type);
        call.scope = Some(&scope);
        call.retryable = true;
        call.body = manifest;
        let response = self.session.send(call).await?;
        if response.status != 201 {
            return Err(self.status_error(Method::Put, &url, &response, repository));
        }
        if let Some(answered) = response.header("docker-content-digest") {
            if answered.trim() != digest.to_string() {
                return Err(RegistryError::DigestMismatch {
                    what: format!("manifest {repository}:{reference}"),
                    expected: digest,
                    actual: answered.trim().to_owned(),
                });
            }
        }
        Ok(digest)
    }

    /// `GET /v2/<repo>/manifests/<reference>` (a tag or a digest). The bytes must hash to the
    /// digest when one was asked for, and to the `Docker-Content-Digest` the registry announces.
    pub async fn pull_manifest(&self, repository: &str, reference: &str) -> Result<FetchedManifest, RegistryError> {
        let scope = repository_scope(repository, false);
        let what = format!("{}/{repository}{}{reference}", self.session.registry_name(), separator(reference));
        let url = self.url(&format!("/v2/{repository}/manifests/{reference}"));
        let mut call = Call::new(Method::Get, url.clone()).header("accept", media::MANIFEST_ACCEPT);
        call.scope = Some(&scope);
        let limit = self.session.options.max_manifest_bytes;
        call.max_response_bytes = limit;
        let response = self.session.send(call).await.map_err(|e| match e {
            RegistryError::Transport { error: crate::http::TransportError::TooLarge { .. }, .. } => {
                RegistryError::TooLarge { what: format!("manifest {what}"), size: limit + 1, limit }
            }
            other => other,
        })?;
        match response.status {
            200 => {}
            404 => {
                let detail = error_body::summarize(&error_body::parse_error_body(&response.body));
                return Err(RegistryError::NotFound {
                    what,
                    detail: if detail.is_empty() { "not found".into() } else { detail },
                });
            }
            _ => return Err(self.status_error(Method::Get, &url, &response, repository)),
        }
        let digest = Digest::of(&response.body);
        let expected = if reference.starts_with("sha256:") {
            Some(reference.to_owned())
        } else {
            response.header("docker-content-digest").map(|d| d.trim().to_owned())
        };
        if let Some(expected) = expected {
            if expected != digest.to_string() {
                let expected = Digest::parse(&expected).map_err(|e| RegistryError::Protocol(e.to_string()))?;
                return Err(RegistryError::DigestMismatch {
                    what: format!("manifest {what}"),
                    expected,
                    actual: digest.to_string(),
                });
            }
        }
        let media_type = response.header("content-type").map(str::to_owned);
        Ok(FetchedManifest { bytes: response.body, digest, media_type })
    }

    /// `HEAD /v2/<repo>/manifests/<digest>`: whether the registry has the manifest.
    pub async fn manifest_exists(&self, repository: &str, digest: &Digest) -> Result<bool, RegistryError> {
        let scope = repository_scope(repository, true);
        let url = self.url(&format!("/v2/{repository}/manifests/{digest}"));
        let mut call = Call::new(Method::Head, url.clone()).header("accept", media::MANIFEST_ACCEPT);
        call.scope = Some(&scope);
        let response = self.session.send(call).await?;
        match response.status {
            200 => Ok(true),
            404 => Ok(false),
            _ => Err(self.status_error(Method::Head, &url, &response, repository)),
        }
    }

    /// `HEAD /v2/<repo>/manifests/<tag>`: the digest the tag points at.
    pub async fn resolve_tag(&self, repository: &str, tag: &str) -> Result<Digest, RegistryError> {
        let scope = repository_scope(repository, false);
        let url = self.url(&format!("/v2/{repository}/manifests/{tag}"));
        let mut call = Call::new(Method::Head, url.clone()).header("accept", media::MANIFEST_ACCEPT);
        call.scope = Some(&scope);
        let response = self.session.send(call).await?;
        if response.status != 200 {
            return Err(self.status_error(Method::Head, &url, &response, repository));
        }
        let header = response
            .header("docker-content-digest")
            .ok_or_else(|| RegistryError::Protocol(format!("HEAD {url} answered without Docker-Content-Digest")))?;
        Digest::parse(header.trim()).map_err(|e| RegistryError::Protocol(e.to_string()))
    }
}

fn separator(reference: &str) -> char {
    if reference.starts_with("sha256:") {
        '@'
    } else {
        ':'
    }
}
