//! Blobs: does the registry have one, upload (one request where the registry allows it, POST
//! then PUT otherwise, PATCH chunks for large blobs or when asked), and verified download.

use super::error::RegistryError;
use super::session::Call;
use super::{Progress, RegistryClient};
use crate::auth::repository_scope;
use crate::digest::Digest;
use crate::error_body;
use crate::http::{Method, Response, Transport};
use crate::url::Url;

/// Response bodies up to this size are always read (error bodies, redirect pages).
const MIN_RESPONSE_LIMIT: u64 = 64 << 10;

/// What an upload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadOutcome {
    /// The registry already had the blob.
    Existed,
    /// Uploaded in one request (`POST ?digest=`).
    SingleRequest,
    /// Uploaded with `POST` then `PUT`.
    PostPut,
    /// Uploaded in this many `PATCH` chunks.
    Chunked(u32),
}

impl<T: Transport> RegistryClient<T> {
    /// `HEAD /v2/<repo>/blobs/<digest>`: whether the registry has the blob.
    pub async fn blob_exists(&self, repository: &str, digest: &Digest) -> Result<bool, RegistryError> {
        let scope = repository_scope(repository, true);
        let url = self.url(&format!("/v2/{repository}/blobs/{digest}"));
        let mut call = Call::new(Method::Head, url.clone());
        call.scope = Some(&scope);
        let response = self.session.send(call).await?;
        match response.status {
            200 => Ok(true),
            404 => Ok(false),
            _ => Err(self.status_error(Method::Head, &url, &response, repository)),
        }
    }

    /// Uploads `blob` (whose digest is `digest`) unless the registry has it. Small blobs are sent
    /// without asking first. Transient failures restart the upload, at most three times.
    pub async fn push_blob(
        &self,
        repository: &str,
        blob: &[u8],
        digest: &Digest,
        progress: Option<Progress<'_>>,
    ) -> Result<UploadOutcome, RegistryError> {
        if blob.len() as u64 > self.session.options.small_blob && self.blob_exists(repository, digest).await? {
            return Ok(UploadOutcome::Existed);
        }
        self.upload_blob(repository, blob, digest, progress).await
    }

    /// Uploads `blob` without asking whether the registry has it. Transient failures restart
    /// the upload, at most three times.
    pub async fn upload_blob(
        &self,
        repository: &str,
        blob: &[u8],
        digest: &Digest,
        progress: Option<Progress<'_>>,
    ) -> Result<UploadOutcome, RegistryError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.upload_once(repository, blob, digest, progress).await {
                // Restarted from scratch after a transient failure, as often as requests are retried.
                Err(e) if e.is_transient() && attempt <= self.session.options.retries => {
                    self.session.count_retry();
                    self.session.transport.sleep(self.session.options.backoff * attempt).await;
                }
                other => return other,
            }
        }
    }

    async fn upload_once(
        &self,
        repository: &str,
        blob: &[u8],
        digest: &Digest,
        progress: Option<Progress<'_>>,
    ) -> Result<UploadOutcome, RegistryError> {
        let total = blob.len() as u64;
        let scope = repository_scope(repository, true);
        let start_url = self.url(&format!("/v2/{repository}/blobs/uploads/"));
        let chunked = total > self.session.options.chunk_size;
        // Try a single-request upload when known to work, or to learn whether it does on a small blob
        // (a registry that ignores it answers 202 and the upload goes on with PUT: no extra request).
        let single = !chunked
            && match self.single_post.get() {
                Some(works) => works,
                None => total <= self.session.options.small_blob,
            };
        // Start the upload: with the whole blob when the registry may take it in one request.
        let report = |done: u64| {
            if let Some(p) = progress {
                p(done, total);
            }
        };
        let mut call = Call::new(
            Method::Post,
            if single { start_url.with_query("digest", &digest.to_string()) } else { start_url.clone() },
        );
        call.scope = Some(&scope);
        call.retryable = !single;
        if single {
            call.body = blob;
            call.headers.push(("content-type".to_owned(), "application/octet-stream".to_owned()));
        }
        let response = self.session.send(call).await?;
        match response.status {
            201 if single => {
                self.single_post.set(Some(true));
                self.check_created_digest(&response, digest, repository)?;
                report(total);
                return Ok(UploadOutcome::SingleRequest);
            }
            202 => {
                if single {
                    self.single_post.set(Some(false));
                }
            }
            _ => return Err(self.status_error(Method::Post, &start_url, &response, repository)),
        }
        let mut location = self.upload_location(&start_url, &response)?;
        let min_chunk = response.header("oci-chunk-min-length").and_then(|v| v.trim().parse::<u64>().ok());
        if !chunked && min_chunk.is_none_or(|min| total <= min) {
            let outcome = self.put_whole(repository, &scope, &location, blob, digest, progress).await;
            match outcome {
                Err(RegistryError::Status { status: 413, .. }) => {
                    // Too large for one request: start again in chunks.
                    let response = self.start_plain(&start_url, &scope, repository).await?;
                    location = self.upload_location(&start_url, &response)?;
                }
                other => return other,
            }
        }
        let chunk = self.session.options.chunk_size.max(min_chunk.unwrap_or(0)).max(1);
        let mut offset = 0u64;
        let mut chunks = 0u32;
        while offset < total {
            let end = (offset + chunk).min(total);
            let part = &blob[offset as usize..end as usize];
            let mut call = Call::new(Method::Patch, location.clone())
                .header("content-type", "application/octet-stream")
                .header("content-range", format!("{offset}-{}", end - 1));
            call.scope = Some(&scope);
            call.retryable = false;
            call.body = part;
            let response = self.session.send(call).await?;
            if response.status != 202 {
                return Err(self.status_error(Method::Patch, &location, &response, repository));
            }
            location = self.upload_location(&location, &response)?;
            offset = end;
            chunks += 1;
            report(offset);
        }
        let url = location.with_query("digest", &digest.to_string());
        let mut call = Call::new(Method::Put, url.clone()).header("content-type", "application/octet-stream");
        call.scope = Some(&scope);
        call.retryable = false;
        let response = self.session.send(call).await?;
        if response.status != 201 {
            return Err(self.status_error(Method::Put, &url, &response, repository));
        }
        self.check_created_digest(&response, digest, repository)?;
        Ok(UploadOutcome::Chunked(chunks))
    }

    async fn start_plain(&self, start_url: &Url, scope: &str, repository: &str) -> Result<Response, RegistryError> {
        let mut call = Call::new(Method::Post, start_url.clone());
        call.scope = Some(scope);
        call.retryable = true;
        let response = self.session.send(call).await?;
        if response.status != 202 {
            return Err(self.status_error(Method::Post, start_url, &response, repository));
        }
        Ok(response)
    }

    async fn put_whole(
        &self,
        repository: &str,
        scope: &str,
        location: &Url,
        blob: &[u8],
        digest: &Digest,
        progress: Option<Progress<'_>>,
    ) -> Result<UploadOutcome, RegistryError> {
        let url = location.with_query("digest", &digest.to_string());
        let mut call = Call::new(Method::Put, url.clone()).header("content-type", "application/octet-stream");
        call.scope = Some(scope);
        call.retryable = false;
        call.body = blob;
        let total = blob.len() as u64;
        let relay = move |done: u64| {
            if let Some(p) = progress {
                p(done.min(total), total);
            }
        };
        call.progress = Some(&relay);
        let response = self.session.send(call).await?;
        if response.status != 201 {
            return Err(self.status_error(Method::Put, &url, &response, repository));
        }
        self.check_created_digest(&response, digest, repository)?;
        relay(total);
        Ok(UploadOutcome::PostPut)
    }

    fn upload_location(&self, base: &Url, response: &Response) -> Result<Url, RegistryError> {
        let location = response.header("location").ok_or_else(|| {
            RegistryError::Protocol(format!("upload answered {} without a Location header", response.status))
        })?;
        base.join(location).map_err(|e| RegistryError::Protocol(format!("upload Location: {e}")))
    }

    fn check_created_digest(
        &self,
        response: &Response,
        digest: &Digest,
        repository: &str,
    ) -> Result<(), RegistryError> {
        match response.header("docker-content-digest") {
            Some(d) if d.trim() != digest.to_string() => Err(RegistryError::DigestMismatch {
                what: format!("blob upload to {repository}"),
                expected: digest.clone(),
                actual: d.trim().to_owned(),
            }),
            _ => Ok(()),
        }
    }

    /// Downloads a blob and checks its size and digest; refuses sizes over `max_bytes`.
    pub async fn pull_blob(
        &self,
        repository: &str,
        digest: &Digest,
        size: u64,
        progress: Option<Progress<'_>>,
    ) -> Result<Vec<u8>, RegistryError> {
        let what = format!("blob {digest} of {}/{repository}", self.session.registry_name());
        let limit = self.session.options.max_blob_bytes;
        if size > limit {
            return Err(RegistryError::TooLarge { what, size, limit });
        }
        let scope = repository_scope(repository, false);
        let url = self.url(&format!("/v2/{repository}/blobs/{digest}"));
        let mut call = Call::new(Method::Get, url.clone());
        call.scope = Some(&scope);
        // Error bodies and redirect pages may be longer than a small blob: allow them, and check
        // a 200's length against the descriptor below.
        call.max_response_bytes = size.max(MIN_RESPONSE_LIMIT);
        let relay = move |done: u64| {
            if let Some(p) = progress {
                p(done.min(size), size);
            }
        };
        call.progress = Some(&relay);
        let response = self.session.send(call).await.map_err(|e| match e {
            RegistryError::Transport { error: crate::http::TransportError::TooLarge { .. }, .. } => {
                RegistryError::SizeMismatch { what: what.clone(), expected: size, actual: size + 1 }
            }
            other => other,
        })?;
        match response.status {
            200 => {}
            404 => {
                return Err(RegistryError::NotFound {
                    what,
                    detail: error_body::summarize(&error_body::parse_error_body(&response.body)),
                })
            }
            _ => return Err(self.status_error(Method::Get, &url, &response, repository)),
        }
        let body = response.body;
        if body.len() as u64 != size {
            return Err(RegistryError::SizeMismatch { what, expected: size, actual: body.len() as u64 });
        }
        let actual = Digest::of(&body);
        if actual != *digest {
            return Err(RegistryError::DigestMismatch { what, expected: digest.clone(), actual: actual.to_string() });
        }
        relay(size);
        Ok(body)
    }

    /// The error for an unexpected status: 401/403/404 get their own kinds.
    pub(crate) fn status_error(
        &self,
        method: Method,
        url: &Url,
        response: &Response,
        repository: &str,
    ) -> RegistryError {
        let detail = error_body::summarize(&error_body::parse_error_body(&response.body));
        let target = format!("{}/{repository}", self.session.registry_name());
        match response.status {
            401 => self.session.unauthorized(response, Some(&repository_scope(repository, false))),
            403 => {
                RegistryError::Denied { target, detail: if detail.is_empty() { "denied".to_owned() } else { detail } }
            }
            404 => RegistryError::NotFound { what: target, detail },
            status => RegistryError::Status { method: method.as_str(), url: super::shown_url(url), status, detail },
        }
    }
}
