//! Which tag `helm pull` fetches: the plan made from the reference and `--version`/`--devel`,
//! and the pick among a repository's tags; plus tag-list pages and their ordering.
//!
//! Mirrors helm v4.1.4 `pkg/registry/client.go` (`ValidateReference`, `Tags`),
//! `pkg/registry/tag.go` (`GetTagMatchingVersionOrConstraint`) and `pkg/cmd/pull.go` (`--devel`).

mod page;

use std::cmp::Reverse;

use chartpack_semver::{ConstraintError, Constraints, Version};

use crate::digest::Digest;
use crate::reference::{is_valid_tag, tag_for_version, version_for_tag, Reference, ReferenceError};

pub use page::{next_page_url, parse_tag_list, MAX_TAG_PAGE_BYTES};

/// What `helm pull` does for a reference before it fetches a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullPlan {
    /// Fetch the manifest under this tag (registry form) without listing tags: the reference's
    /// tag, or a `--version` that is a (lenient) version such as `1.2.3`, `9.1` or `v9.0.0`.
    Tag(String),
    /// Fetch the manifest by digest. With `check_tag`, helm first resolves that tag (`HEAD`)
    /// and, when it resolves, fails unless it names the same digest ([`check_tag_digest`]); a
    /// tag that does not resolve is ignored.
    Digest {
        /// The digest to fetch.
        digest: Digest,
        /// The tag (registry form) to compare first.
        check_tag: Option<String>,
    },
    /// List the repository's tags and choose with [`pick_tag`].
    ListTags(TagQuery),
}

/// A version request that needs the tag list: a range, `""` for the highest stable version,
/// or text that is no version at all (which fails once tags are listed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagQuery {
    /// The constraint text as helm received it.
    pub version: String,
}

/// Why no tag could be chosen; texts are helm's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    /// No tag of the repository is a strict SemVer version (after `_` → `+`).
    #[error("unable to locate any tags in provided repository: {reference}")]
    NoTags {
        /// The reference as `oci://…`.
        reference: String,
    },
    /// The version text is not a constraint (`latest`, `1.0.0_b`).
    #[error("{0}")]
    Constraint(#[from] ConstraintError),
    /// No tag satisfies the constraint.
    #[error("could not locate a version matching provided version string {version}")]
    NoMatch {
        /// The constraint text (`""` when none was given).
        version: String,
    },
    /// A tag-list page is larger than [`MAX_TAG_PAGE_BYTES`].
    #[error("tag list page is larger than {limit} bytes")]
    PageTooLarge {
        /// The limit.
        limit: usize,
    },
    /// A tag-list page is not JSON; the message is Go's.
    #[error("failed to decode tag list: {message}")]
    PageSyntax {
        /// Go's `SyntaxError` text.
        message: String,
    },
    /// A tag-list page is JSON of the wrong shape.
    #[error("failed to decode tag list: {reason}")]
    PageShape {
        /// What was wrong.
        reason: &'static str,
    },
    /// A `Link` header that oras-go cannot read (its texts).
    #[error("invalid next link {}: {reason}", chartpack_encoding::gofmt::quote(link))]
    BadLink {
        /// The header value.
        link: String,
        /// `missing '<'`, `missing '>'` or what made the target unusable.
        reason: &'static str,
    },
    /// chartpack's own: the next page lives on another origin (oras-go would follow it).
    #[error("tag list paging leaves {current} for {next}")]
    CrossOrigin {
        /// The page that linked.
        current: String,
        /// The target.
        next: String,
    },
}

impl TagError {
    /// Stable identifier of the error kind, such as `"oci.tags.no_match"`.
    pub fn code(&self) -> &'static str {
        match self {
            TagError::NoTags { .. } => "oci.tags.none",
            TagError::Constraint(e) => e.code(),
            TagError::NoMatch { .. } => "oci.tags.no_match",
            TagError::PageTooLarge { .. } => "oci.tags.page_too_large",
            TagError::PageSyntax { .. } => "oci.tags.page_syntax",
            TagError::PageShape { .. } => "oci.tags.page_shape",
            TagError::BadLink { .. } => "oci.tags.bad_link",
            TagError::CrossOrigin { .. } => "oci.tags.cross_origin",
        }
    }
}

/// The version `--devel` stands for when no `--version` is given.
pub const DEVEL_CONSTRAINT: &str = ">0.0.0-0";

/// Plans a pull as helm's `ValidateReference`: `--devel` without `--version` means
/// [`DEVEL_CONSTRAINT`]; a version must equal the reference's tag when both are given
/// (`chart reference and version mismatch`, even for `--devel`); a digest is fetched directly;
/// a lenient version is used as the tag; anything else lists tags.
///
/// helm refuses `oci://r/c:1.0.0+b` without `--version` with `invalid reference: invalid tag
/// "1.0.0+b"` (it lists tags through the unconverted text); from a parsed [`Reference`] the
/// `+` is no longer visible, so chartpack lists tags and [`pick_tag`] fails with `improper
/// constraint: 1.0.0_b` instead. Both refuse.
pub fn plan_pull(reference: &Reference, version: Option<&str>, devel: bool) -> Result<PullPlan, ReferenceError> {
    let mut version = version.unwrap_or_default().to_owned();
    if version.is_empty() && devel {
        version = DEVEL_CONSTRAINT.to_owned();
    }
    match &reference.tag {
        Some(tag) if version.is_empty() => version = tag.clone(),
        Some(tag) if *tag != version => {
            return Err(ReferenceError::VersionMismatch { version, tag: tag.clone() });
        }
        _ => {}
    }
    if let Some(digest) = &reference.digest {
        // helm resolves `repo:<version>`; a text that is no valid tag cannot resolve, and helm
        // ignores resolution failures.
        let check_tag = Some(tag_for_version(&version)).filter(|t| !version.is_empty() && is_valid_tag(t));
        return Ok(PullPlan::Digest { digest: digest.clone(), check_tag });
    }
    if Version::parse(&version).is_ok() {
        return Ok(PullPlan::Tag(tag_for_version(&version)));
    }
    Ok(PullPlan::ListTags(TagQuery { version }))
}

/// helm's check of a `tag@digest` pull: what the tag resolved to must be the digest.
pub fn check_tag_digest(resolved: &Digest, wanted: &Digest) -> Result<(), ReferenceError> {
    if resolved != wanted {
        return Err(ReferenceError::DigestMismatch { resolved: resolved.clone(), wanted: wanted.clone() });
    }
    Ok(())
}

/// Chooses among a repository's tags (registry form, every page, in the registry's order) as
/// helm: keep tags that are strict SemVer after `_` → `+`, newest first (ties keep the
/// registry's order); none → [`TagError::NoTags`]; an exact text match; else the first that
/// satisfies the constraint (`*`, stable versions only, when `query.version` is empty).
/// Returns the tag in registry form.
pub fn pick_tag(tags: &[String], query: &TagQuery, reference: &Reference) -> Result<String, TagError> {
    let versions = semver_tags(tags);
    if versions.is_empty() {
        return Err(TagError::NoTags { reference: format!("oci://{reference}") });
    }
    let version = query.version.as_str();
    if !version.is_empty() {
        if let Some((tag, _)) = versions.iter().find(|(_, v)| v.to_string() == version) {
            return Ok((*tag).to_owned());
        }
    }
    let constraint = Constraints::parse(if version.is_empty() { "*" } else { version })?;
    versions
        .iter()
        .find(|(_, v)| constraint.matches(v))
        .map(|(tag, _)| (*tag).to_owned())
        .ok_or_else(|| TagError::NoMatch { version: version.to_owned() })
}

/// Tags for display: strict SemVer tags (after `_` → `+`) newest first, then the rest in byte
/// order.
pub fn sort_by_semver_desc(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = semver_tags(tags).into_iter().map(|(tag, _)| tag.to_owned()).collect();
    let mut others: Vec<&String> =
        tags.iter().filter(|t| Version::parse_strict(&version_for_tag(t)).is_err()).collect();
    others.sort();
    out.extend(others.into_iter().cloned());
    out
}

/// helm's `Tags`: the strict SemVer tags with their versions, newest first, stable on ties.
fn semver_tags(tags: &[String]) -> Vec<(&str, Version)> {
    let mut versions: Vec<(&str, Version)> = tags
        .iter()
        .filter_map(|tag| Version::parse_strict(&version_for_tag(tag)).ok().map(|v| (tag.as_str(), v)))
        .collect();
    versions.sort_by_key(|(_, v)| Reverse(v.clone()));
    versions
}

#[cfg(test)]
mod tests;
