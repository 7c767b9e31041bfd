//! Reading a pulled artifact as helm does: oras-go's `Copy` walks every manifest reachable from
//! the one fetched (image indexes included, every child), keeping nodes whose media type helm
//! allows; helm then picks the config, chart and provenance descriptors from what was kept.
//!
//! helm's pick among several candidates of one kind is a race between goroutines; chartpack
//! takes the first in document order, the outcome helm showed every time for two chart layers
//! in one manifest.

use chartpack_encoding::json::{self, Value};

use super::{Descriptor, ManifestError};
use crate::digest::Digest;
use crate::media;

/// The largest manifest read (oras-go's `defaultMaxMetadataBytes`, 4 MiB).
pub const MAX_MANIFEST_BYTES: u64 = 4 << 20;

/// The most manifests (the first one and every index child) one pull reads.
pub const MAX_MANIFESTS: usize = 64;

/// Which layers a pull needs (helm's pull options; `helm pull` wants the chart, the `.prov`
/// download of `--verify` wants the provenance only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullWants {
    /// The chart layer (`PullOptWithChart`, on by default).
    pub chart: bool,
    /// The provenance layer (`PullOptWithProv`).
    pub provenance: bool,
    /// A missing provenance layer is no error (`PullOptIgnoreMissingProv`).
    pub ignore_missing_provenance: bool,
}

impl PullWants {
    /// What `helm pull` asks for: the chart.
    pub const CHART: PullWants = PullWants { chart: true, provenance: false, ignore_missing_provenance: false };

    /// What helm asks for when it fetches `<ref>.prov`: the provenance only.
    pub const PROVENANCE: PullWants = PullWants { chart: false, provenance: true, ignore_missing_provenance: false };

    fn allows(&self, media_type: &str) -> bool {
        match media_type {
            media::INDEX | media::MANIFEST | media::CONFIG => true,
            media::CHART_LAYER | media::LEGACY_CHART_LAYER => self.chart,
            media::PROVENANCE_LAYER => self.provenance,
            _ => false,
        }
    }
}

/// The blobs of a chart artifact, as helm picked them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartLayers {
    /// The config blob (the chart's metadata as JSON).
    pub config: Descriptor,
    /// The chart archive (absent only when the chart was not wanted).
    pub chart: Option<Descriptor>,
    /// The provenance file (when wanted and present).
    pub provenance: Option<Descriptor>,
    /// Lines helm prints: [`media::LEGACY_CHART_WARNING`] once per legacy chart layer.
    pub warnings: Vec<String>,
}

/// helm's walk over a pulled artifact, driven by the caller who fetches.
///
/// ```text
/// let mut walk = PullWalk::new(PullWants::CHART);
/// let mut queue = walk.visit(&root, &root_bytes)?;   // root: Content-Type, digest, size of the response
/// while let Some(next) = queue.pop_front() {          // fetch each, in order, by digest
///     queue.extend(walk.visit(&next, &fetch(&next)?)?);
/// }
/// let layers = walk.finish()?;
/// ```
#[derive(Debug, Clone)]
pub struct PullWalk {
    wants: PullWants,
    root: Option<Descriptor>,
    /// Distinct descriptors of allowed media types, in visit order.
    kept: Vec<Descriptor>,
    /// Distinct manifests handed out for fetching.
    queued: Vec<Descriptor>,
}

impl PullWalk {
    /// A walk for a pull that wants `wants`.
    pub fn new(wants: PullWants) -> PullWalk {
        PullWalk { wants, root: None, kept: Vec::new(), queued: Vec::new() }
    }

    /// Reads one fetched manifest: first the one the reference named (its descriptor made from
    /// the response: `Content-Type` media type, digest, size), then each descriptor an earlier
    /// call returned, in order. Returns the manifests to fetch next (children of an index, a
    /// `subject`), each listed once per walk; the caller must check fetched bytes against them.
    pub fn visit(&mut self, node: &Descriptor, bytes: &[u8]) -> Result<Vec<Descriptor>, ManifestError> {
        if bytes.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(ManifestError::ManifestTooLarge {
                digest: node.digest.clone(),
                size: bytes.len() as u64,
                limit: MAX_MANIFEST_BYTES,
            });
        }
        if self.root.is_none() {
            self.root = Some(node.clone());
        }
        self.keep(node);
        let mut next = Vec::new();
        for child in successors(&node.media_type, bytes, &self.wants)? {
            if media::is_manifest(&child.media_type) {
                if child.size > MAX_MANIFEST_BYTES {
                    return Err(ManifestError::ManifestTooLarge {
                        digest: child.digest,
                        size: child.size,
                        limit: MAX_MANIFEST_BYTES,
                    });
                }
                if !self.queued.contains(&child) && Some(&child) != self.root.as_ref() {
                    if self.queued.len() + 1 >= MAX_MANIFESTS {
                        return Err(ManifestError::TooManyManifests { limit: MAX_MANIFESTS });
                    }
                    self.queued.push(child.clone());
                    next.push(child);
                }
            } else {
                self.keep(&child);
            }
        }
        Ok(next)
    }

    fn keep(&mut self, descriptor: &Descriptor) {
        if self.wants.allows(&descriptor.media_type) && !self.kept.contains(descriptor) {
            self.kept.push(descriptor.clone());
        }
    }

    /// helm's `processChartPull` checks, in its order, over what the walk kept.
    pub fn finish(self) -> Result<ChartLayers, ManifestError> {
        let min = 1
            + usize::from(self.wants.chart)
            + usize::from(self.wants.provenance && !self.wants.ignore_missing_provenance);
        if self.kept.len() < min {
            return Err(ManifestError::TooFewDescriptors { min, found: self.kept.len() });
        }
        let first = |types: &[&str]| self.kept.iter().find(|d| types.contains(&d.media_type.as_str())).cloned();
        let config = first(&[media::CONFIG]).ok_or(ManifestError::MissingConfig)?;
        let chart = first(&[media::CHART_LAYER, media::LEGACY_CHART_LAYER]);
        if self.wants.chart && chart.is_none() {
            return Err(ManifestError::MissingLayer { media_type: media::CHART_LAYER });
        }
        let provenance = first(&[media::PROVENANCE_LAYER]);
        if self.wants.provenance && provenance.is_none() && !self.wants.ignore_missing_provenance {
            return Err(ManifestError::MissingLayer { media_type: media::PROVENANCE_LAYER });
        }
        if let Some(root) = self.root.as_ref().filter(|root| !self.wants.allows(&root.media_type)) {
            return Err(ManifestError::RootNotStored {
                digest: root.digest.clone(),
                media_type: root.media_type.clone(),
            });
        }
        let warnings = self
            .kept
            .iter()
            .filter(|d| d.media_type == media::LEGACY_CHART_LAYER)
            .map(|_| media::LEGACY_CHART_WARNING.to_owned())
            .collect();
        Ok(ChartLayers { config, chart, provenance, warnings })
    }
}

/// oras-go `content.Successors` of one manifest: the descriptors helm's walk looks at, with
/// digest and size checked for those it would fetch (allowed media types and manifests); the
/// others it skips unread, as helm does.
fn successors(media_type: &str, bytes: &[u8], wants: &PullWants) -> Result<Vec<Descriptor>, ManifestError> {
    let members: &[&str] = match media_type {
        media::MANIFEST => &["subject", "config", "layers"],
        media::DOCKER_MANIFEST => &["config", "layers"],
        media::INDEX => &["subject", "manifests"],
        media::DOCKER_MANIFEST_LIST => &["manifests"],
        media::ARTIFACT_MANIFEST => &["subject", "blobs"],
        _ => return Ok(Vec::new()), // a blob: nothing below it
    };
    let syntax = |e: json::JsonError| ManifestError::ManifestSyntax {
        media_type: media_type.to_owned(),
        message: e.to_string(),
    };
    let shape = |reason: String| ManifestError::ManifestShape { media_type: media_type.to_owned(), reason };
    let value = json::parse(bytes).map_err(syntax)?;
    if !matches!(value, Value::Object(_) | Value::Null) {
        return Err(shape("the manifest is not a JSON object".to_owned()));
    }
    let mut out = Vec::new();
    for &member in members {
        let entries: Vec<(String, &Value)> = match value.get_folded_ascii(member) {
            None | Some(Value::Null) => Vec::new(),
            Some(one @ Value::Object(_)) if member == "subject" || member == "config" => vec![(member.to_owned(), one)],
            Some(Value::Array(items)) if member != "subject" && member != "config" => {
                items.iter().enumerate().map(|(i, item)| (format!("{member}[{i}]"), item)).collect()
            }
            Some(_) => return Err(shape(format!("{member} has the wrong JSON type"))),
        };
        for (location, entry) in entries {
            if let Some(descriptor) = descriptor(media_type, &location, entry, wants)? {
                out.push(descriptor);
            }
        }
    }
    Ok(out)
}

/// One descriptor: `None` when helm would skip it unread (a media type it neither allows nor
/// walks through), else checked.
fn descriptor(
    manifest_type: &str,
    location: &str,
    entry: &Value,
    wants: &PullWants,
) -> Result<Option<Descriptor>, ManifestError> {
    let invalid = |reason: String| ManifestError::InvalidDescriptor {
        media_type: manifest_type.to_owned(),
        location: location.to_owned(),
        reason,
    };
    if matches!(entry, Value::Null) {
        return Ok(None);
    }
    if !matches!(entry, Value::Object(_)) {
        return Err(invalid("not a JSON object".to_owned()));
    }
    let text = |name: &str| match entry.get_folded_ascii(name) {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s.as_str()),
        Some(_) => Err(invalid(format!("{name} is not a string"))),
    };
    let media_type = text("mediaType")?;
    let digest = text("digest")?;
    let size = match entry.get_folded_ascii("size") {
        None | Some(Value::Null) => 0,
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| invalid(format!("size {n} is not a 64-bit integer")))?,
        Some(_) => return Err(invalid("size is not a number".to_owned())),
    };
    if !wants.allows(media_type) && !media::is_manifest(media_type) {
        return Ok(None);
    }
    let digest = Digest::parse(digest).map_err(|e| invalid(e.to_string()))?;
    let size = u64::try_from(size).map_err(|_| invalid(format!("negative size {size}")))?;
    Ok(Some(Descriptor { media_type: media_type.to_owned(), digest, size }))
}

#[cfg(test)]
mod tests;
