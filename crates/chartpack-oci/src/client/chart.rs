//! Helm charts over the registry: push an artifact (blobs, then the manifest under its tag) and
//! pull one by version, range, tag or digest, verified end to end.

use super::error::RegistryError;
use super::{Progress, RegistryClient, RequestStats, UploadOutcome};
use crate::digest::Digest;
use crate::http::Transport;
use std::collections::VecDeque;

use crate::manifest::{self, ChartArtifact, Descriptor, PullWalk, PullWants};
use crate::media;
use crate::reference::Reference;
use crate::tags::{self, PullPlan};

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedChart {
    /// The manifest's digest.
    pub manifest_digest: Digest,
    /// What happened to each blob (config, provenance, chart), in upload order.
    pub uploads: Vec<(Digest, UploadOutcome)>,
    /// Requests made by the client so far.
    pub stats: RequestStats,
}

/// A pulled, verified chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledChart {
    /// The reference pulled, with the tag it resolved to (or the digest).
    pub reference: Reference,
    /// The manifest's digest.
    pub manifest_digest: Digest,
    /// The config blob (the chart's metadata as JSON).
    pub config: Vec<u8>,
    /// The chart archive; its digest and size matched the manifest.
    pub archive: Vec<u8>,
    /// The provenance file, when the artifact has one.
    pub provenance: Option<Vec<u8>>,
    /// The file name helm saves the archive under.
    pub file_name: String,
    /// Warnings helm prints (legacy media types).
    pub warnings: Vec<String>,
    /// Requests made by the client so far.
    pub stats: RequestStats,
}

impl<T: Transport> RegistryClient<T> {
    /// Pushes `artifact` (built from `archive` and `provenance`) as `reference` (which carries the
    /// tag): blobs the registry lacks, smallest first, then the manifest. The tag is written
    /// last, so a failed push never leaves it pointing at missing content.
    pub async fn push_chart(
        &self,
        reference: &Reference,
        artifact: &ChartArtifact,
        archive: &[u8],
        provenance: Option<&[u8]>,
        progress: Option<Progress<'_>>,
    ) -> Result<PushedChart, RegistryError> {
        let tag = reference
            .tag
            .as_deref()
            .ok_or_else(|| RegistryError::Artifact(format!("no tag to push {reference} under")))?;
        let mut blobs: Vec<(&[u8], &Descriptor)> = vec![(&artifact.config, &artifact.config_descriptor)];
        for layer in &artifact.layers {
            let bytes = match layer.media_type.as_str() {
                media::CHART_LAYER => archive,
                media::PROVENANCE_LAYER => provenance.unwrap_or_default(),
                other => return Err(RegistryError::Artifact(format!("unexpected layer media type {other}"))),
            };
            if !layer.digest.matches(bytes) {
                return Err(RegistryError::Artifact(format!("layer {} does not match the bytes given", layer.digest)));
            }
            blobs.push((bytes, layer));
        }
        blobs.sort_by_key(|(bytes, _)| bytes.len());
        let total: u64 = blobs.iter().map(|(b, _)| b.len() as u64).sum();
        // Large blobs are looked up first; when the registry has all of them this is likely a
        // re-push, and when it also has the manifest only the tag is written.
        let small = self.session.options.small_blob;
        let mut existing: Vec<&Digest> = Vec::new();
        for (bytes, descriptor) in &blobs {
            if bytes.len() as u64 > small && self.blob_exists(&reference.repository, &descriptor.digest).await? {
                existing.push(&descriptor.digest);
            }
        }
        let large = blobs.iter().filter(|(b, _)| b.len() as u64 > small).count();
        let complete = large > 0
            && existing.len() == large
            && self.manifest_exists(&reference.repository, &artifact.manifest_digest).await?;
        let mut done = 0u64;
        let mut uploads = Vec::new();
        for (bytes, descriptor) in blobs {
            let base = done;
            let relay = move |d: u64, _: u64| {
                if let Some(p) = progress {
                    p(base + d, total);
                }
            };
            let outcome = if complete || existing.contains(&&descriptor.digest) {
                UploadOutcome::Existed
            } else {
                self.upload_blob(&reference.repository, bytes, &descriptor.digest, Some(&relay)).await?
            };
            done += bytes.len() as u64;
            relay(bytes.len() as u64, total);
            uploads.push((descriptor.digest.clone(), outcome));
        }
        let manifest_digest =
            self.push_manifest(&reference.repository, tag, &artifact.manifest, media::MANIFEST).await?;
        Ok(PushedChart { manifest_digest, uploads, stats: self.stats() })
    }

    /// Pulls the chart `reference` names, resolving `version` (exact, range, or none for the
    /// highest stable version; `devel` admits prereleases) as `helm pull` does. Every manifest
    /// and blob is checked against its digest and size before it is returned.
    pub async fn pull_chart(
        &self,
        reference: &Reference,
        version: Option<&str>,
        devel: bool,
        progress: Option<Progress<'_>>,
    ) -> Result<PulledChart, RegistryError> {
        let artifact_error = |e: &dyn std::fmt::Display| RegistryError::Artifact(e.to_string());
        let plan = tags::plan_pull(reference, version, devel).map_err(|e| artifact_error(&e))?;
        let mut resolved = reference.clone();
        let manifest_ref = match plan {
            PullPlan::Tag(tag) => {
                resolved.tag = Some(tag.clone());
                tag
            }
            PullPlan::Digest { digest, check_tag } => {
                if let Some(tag) = check_tag {
                    // helm ignores a tag that does not resolve, and fails on one naming another digest.
                    if let Ok(actual) = self.resolve_tag(&reference.repository, &tag).await {
                        tags::check_tag_digest(&actual, &digest).map_err(|e| artifact_error(&e))?;
                    }
                }
                digest.to_string()
            }
            PullPlan::ListTags(query) => {
                let all = self.list_tags(&reference.repository).await?;
                let tag = tags::pick_tag(&all, &query, reference).map_err(|e| artifact_error(&e))?;
                resolved.tag = Some(tag.clone());
                tag
            }
        };
        let root = self.pull_manifest(&reference.repository, &manifest_ref).await?;
        let root_type = root
            .media_type
            .as_deref()
            .map(media::parse_content_type)
            .transpose()
            .map_err(|e| RegistryError::Protocol(format!("manifest Content-Type: {e}")))?
            .unwrap_or_default();
        let root_descriptor =
            Descriptor { media_type: root_type, digest: root.digest.clone(), size: root.bytes.len() as u64 };
        let mut walk = PullWalk::new(PullWants::CHART);
        let mut queue: VecDeque<Descriptor> =
            walk.visit(&root_descriptor, &root.bytes).map_err(|e| artifact_error(&e))?.into();
        while let Some(next) = queue.pop_front() {
            let fetched = self.pull_manifest(&reference.repository, &next.digest.to_string()).await?;
            if fetched.bytes.len() as u64 != next.size {
                return Err(RegistryError::SizeMismatch {
                    what: format!("manifest {}", next.digest),
                    expected: next.size,
                    actual: fetched.bytes.len() as u64,
                });
            }
            queue.extend(walk.visit(&next, &fetched.bytes).map_err(|e| artifact_error(&e))?);
        }
        let parsed = walk.finish().map_err(|e| artifact_error(&e))?;
        let chart_layer = parsed.chart.clone().ok_or_else(|| {
            RegistryError::Artifact(format!("manifest does not contain a layer with mediatype {}", media::CHART_LAYER))
        })?;
        let manifest_digest = root.digest;
        let config = self.pull_blob(&reference.repository, &parsed.config.digest, parsed.config.size, None).await?;
        manifest::check_config(&config).map_err(|e| artifact_error(&e))?;
        let total = chart_layer.size;
        let chart_progress = |d: u64, _: u64| {
            if let Some(p) = progress {
                p(d, total);
            }
        };
        let archive =
            self.pull_blob(&reference.repository, &chart_layer.digest, chart_layer.size, Some(&chart_progress)).await?;
        let provenance = match &parsed.provenance {
            Some(p) => Some(self.pull_blob(&reference.repository, &p.digest, p.size, None).await?),
            None => None,
        };
        if resolved.tag.is_none() && resolved.digest.is_none() {
            resolved.digest = Some(manifest_digest.clone());
        }
        let file_name = crate::reference::pull_file_name(&resolved).map_err(|e| artifact_error(&e))?;
        Ok(PulledChart {
            reference: resolved,
            manifest_digest,
            config,
            archive,
            provenance,
            file_name,
            warnings: parsed.warnings,
            stats: self.stats(),
        })
    }
}
