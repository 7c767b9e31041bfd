//! Chart references (`oci://host[:port]/repo/chart[:tag][@digest]`) as helm parses them for
//! `helm pull` and builds them for `helm push`, and the file name a pull is saved under.
//!
//! Mirrors helm v4.1.4 `pkg/registry/reference.go` (`newReference`), `pkg/pusher/ocipusher.go`,
//! `pkg/uploader/chart_uploader.go` and `pkg/downloader/chart_downloader.go` (`DownloadTo`), over
//! oras-go's reference grammar and Go's `net/url`.

mod gourl;
mod syntax;

use std::fmt;

use chartpack_encoding::gofmt::quote;

use crate::digest::Digest;

pub(crate) use syntax::is_valid_tag;
pub use syntax::DigestProblem;

/// A chart's place in a registry. `tag` is the tag as sent to the registry (`+` already turned
/// into `_`); a reference may carry a tag, a digest, both or neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// `host[:port]` as written (helm does not lower-case or default it).
    pub registry: String,
    /// Repository path such as `charts/mychart`.
    pub repository: String,
    /// Tag, in registry form.
    pub tag: Option<String>,
    /// Digest.
    pub digest: Option<Digest>,
}

/// Why a reference or push destination was refused. Texts are helm's unless a variant says it
/// is chartpack's own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// Go's `url.Parse` refused the text.
    #[error("invalid chart URL format: {text}")]
    InvalidUrl {
        /// The text as given.
        text: String,
    },
    /// A push destination without a scheme.
    #[error("scheme prefix missing from remote (e.g. \"oci://\")")]
    MissingScheme,
    /// A push destination with a scheme other than `oci`.
    #[error("scheme {} not supported", quote(scheme))]
    UnsupportedScheme {
        /// The lower-cased scheme.
        scheme: String,
    },
    /// chartpack's own: a pull reference that does not start with `oci://` (helm would look it
    /// up in a chart repository instead).
    #[error("{} is not an OCI reference: it must start with \"oci://\"", quote(text))]
    NotOci {
        /// The text as given.
        text: String,
    },
    /// No `/` between registry and repository.
    #[error("invalid reference: missing registry or repository")]
    MissingRegistryOrRepository,
    /// The registry is not a valid `host[:port]`.
    #[error("invalid reference: invalid registry {}", quote(registry))]
    InvalidRegistry {
        /// The registry as helm printed it.
        registry: String,
    },
    /// The repository breaks the distribution grammar (lowercase, separators).
    #[error("invalid reference: invalid repository {}", quote(repository))]
    InvalidRepository {
        /// The repository.
        repository: String,
    },
    /// The tag is not `[\w][\w.-]{0,127}`.
    #[error("invalid reference: invalid tag {}", quote(tag))]
    InvalidTag {
        /// The tag.
        tag: String,
    },
    /// The digest is malformed.
    #[error("invalid reference: invalid digest {}: {}", quote(digest), reason.message())]
    InvalidDigest {
        /// The digest text.
        digest: String,
        /// go-digest's complaint.
        reason: DigestProblem,
    },
    /// chartpack's own: a well-formed sha384/sha512 digest, which helm accepts but chartpack does
    /// not verify.
    #[error("invalid reference: digest {} uses an algorithm chartpack does not support (only sha256)", quote(digest))]
    UnsupportedDigest {
        /// The digest text.
        digest: String,
    },
    /// chartpack's own: percent-escapes, a query or a fragment in a pull reference. helm decodes
    /// escapes in some code paths and not in others, and always fails on `?` and `#`.
    #[error("unsupported OCI reference {}: {what} are not allowed", quote(text))]
    Unsupported {
        /// The text as given.
        text: String,
        /// `percent-escapes`, `queries`, `fragments` or `several digests`.
        what: &'static str,
    },
    /// chartpack's own: `path.Join` cleaning of the push destination (`oci://host/../other`)
    /// moved the chart to another registry host; helm would push there.
    #[error(
        "remote {} leaves registry {} once its path is cleaned (it would push to {})",
        quote(remote),
        quote(host),
        quote(registry)
    )]
    RegistryChanged {
        /// The remote as given.
        remote: String,
        /// The host it names.
        host: String,
        /// Where helm would push.
        registry: String,
    },
    /// `--version` (or `--devel`) disagrees with the tag in the reference.
    #[error("chart reference and version mismatch: {version} is not {tag}")]
    VersionMismatch {
        /// The requested version (`>0.0.0-0` for `--devel`).
        version: String,
        /// The reference's tag, in registry form.
        tag: String,
    },
    /// The tag of a `tag@digest` reference names another manifest.
    #[error("chart reference digest mismatch: {resolved} is not {wanted}")]
    DigestMismatch {
        /// What the tag resolved to.
        resolved: Digest,
        /// The digest in the reference.
        wanted: Digest,
    },
    /// chartpack's own: a pull reference with neither tag nor digest has no file name yet.
    #[error("cannot name the file for {reference}: it has neither tag nor digest")]
    NoTagOrDigest {
        /// The reference.
        reference: String,
    },
    /// chartpack's own: a name that would not stay a plain file name inside the output directory.
    #[error("refusing to save a pull as {}: not a plain file name", quote(name))]
    UnsafeFileName {
        /// The name.
        name: String,
    },
}

impl ReferenceError {
    /// Stable identifier of the error kind, such as `"oci.reference.invalid_tag"`.
    pub fn code(&self) -> &'static str {
        match self {
            ReferenceError::InvalidUrl { .. } => "oci.reference.invalid_url",
            ReferenceError::MissingScheme => "oci.reference.missing_scheme",
            ReferenceError::UnsupportedScheme { .. } => "oci.reference.unsupported_scheme",
            ReferenceError::NotOci { .. } => "oci.reference.not_oci",
            ReferenceError::MissingRegistryOrRepository => "oci.reference.missing_repository",
            ReferenceError::InvalidRegistry { .. } => "oci.reference.invalid_registry",
            ReferenceError::InvalidRepository { .. } => "oci.reference.invalid_repository",
            ReferenceError::InvalidTag { .. } => "oci.reference.invalid_tag",
            ReferenceError::InvalidDigest { .. } => "oci.reference.invalid_digest",
            ReferenceError::UnsupportedDigest { .. } => "oci.reference.unsupported_digest",
            ReferenceError::Unsupported { .. } => "oci.reference.unsupported",
            ReferenceError::RegistryChanged { .. } => "oci.reference.registry_changed",
            ReferenceError::VersionMismatch { .. } => "oci.reference.version_mismatch",
            ReferenceError::DigestMismatch { .. } => "oci.reference.digest_mismatch",
            ReferenceError::NoTagOrDigest { .. } => "oci.reference.no_tag_or_digest",
            ReferenceError::UnsafeFileName { .. } => "oci.reference.unsafe_file_name",
        }
    }
}

/// What helm prints after `Pushed:`/`Pulled:` lines naming a reference with `_` in it (the
/// reference line `<ref> contains an underscore.` comes first). helm v4.1.4 `client.go`.
pub const UNDERSCORE_MESSAGE: &str = "
OCI artifact references (e.g. tags) do not support the plus sign (+). To support
storing semantic versions, Helm adopts the convention of changing plus (+) to
an underscore (_) in chart version tags when pushing to a registry and back to
a plus (+) when pulling from a registry.";

/// The tag helm stores a chart version under: `+` becomes `_` (helm issue 10166).
pub fn tag_for_version(version: &str) -> String {
    version.replace('+', "_")
}

/// The chart version a tag stands for: `_` becomes `+`.
pub fn version_for_tag(tag: &str) -> String {
    tag.replace('_', "+")
}

impl Reference {
    /// Parses a pull reference `oci://host[:port]/repo[:tag][@digest]` as `helm pull` does
    /// before any request: Go's URL rules, then helm's `newReference` (the tag's `+` becomes `_`
    /// — which then fails later for a tag without `--version`; see [`crate::tags::plan_pull`]),
    /// then oras' grammar.
    pub fn parse(text: &str) -> Result<Reference, ReferenceError> {
        let url = gourl::parse(text).ok_or_else(|| ReferenceError::InvalidUrl { text: text.to_owned() })?;
        if !url.to_string().starts_with("oci://") {
            return Err(ReferenceError::NotOci { text: text.to_owned() });
        }
        let unsupported = |what| Err(ReferenceError::Unsupported { text: text.to_owned(), what });
        if text.contains('%') {
            return unsupported("percent-escapes");
        }
        if url.force_query || !url.raw_query.is_empty() {
            return unsupported("queries");
        }
        if text.contains('#') {
            return unsupported("fragments");
        }
        if url.user.is_some() {
            // helm drops the user info, validates, then trips over it when fetching.
            return Err(ReferenceError::MissingRegistryOrRepository);
        }
        if !url.host.is_ascii() {
            // Valid to oras at first, then escaped by URL.String() when helm fetches.
            let escaped = url.to_string();
            let host = escaped.trim_start_matches("oci://").split('/').next().unwrap_or_default();
            return Err(ReferenceError::InvalidRegistry { registry: host.to_owned() });
        }
        new_reference(&format!("{}{}", url.host, url.path()))
    }

    /// `registry/repository` without tag or digest.
    pub fn repository_ref(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// The last segment of the repository: the chart name by helm's convention.
    pub fn chart_name(&self) -> &str {
        self.repository.rsplit('/').next().unwrap_or(&self.repository)
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// helm's `newReference` on text without the scheme: the digest after the last `@` is split
/// off, `+` in the tag becomes `_` (helm replaces every occurrence of the tag text, as it
/// does), then oras parses the rest. oras validates the digest only later, on fetch; it is
/// validated here at once.
fn new_reference(raw: &str) -> Result<Reference, ReferenceError> {
    let (raw, digest) = match raw.rfind('@') {
        Some(i) => (&raw[..i], Some(&raw[i + 1..])),
        None => (raw, None),
    };
    let mut raw = raw.to_owned();
    let last = raw.rsplit(':').next().unwrap_or_default().to_owned();
    if raw.contains(':') && !last.contains('/') && !last.is_empty() {
        raw = raw.replace(&last, &tag_for_version(&last));
    }
    let parsed = syntax::parse_reference(&raw)?;
    let digest = match digest.filter(|d| !d.is_empty()) {
        None => None,
        Some(text) => {
            syntax::validate_digest(text)?;
            Some(Digest::parse(text).map_err(|_| ReferenceError::UnsupportedDigest { digest: text.to_owned() })?)
        }
    };
    if parsed.reference.contains(':') {
        // `host/repo@sha256:…@sha256:…`: oras accepted the first as a digest and helm would
        // carry it on as the "tag"; there is no sensible reading of two digests.
        return Err(ReferenceError::Unsupported { text: raw, what: "several digests" });
    }
    let tag = Some(parsed.reference).filter(|r| !r.is_empty());
    Ok(Reference { registry: parsed.registry, repository: parsed.repository, tag, digest })
}

/// The reference `helm push CHART.tgz REMOTE` pushes to: the remote without `oci://`, joined
/// with the chart name by Go's `path.Join`, and `:` + the version with `+` turned into `_`.
/// Errors are helm's (`scheme prefix missing …`, `scheme "http" not supported`, `invalid
/// reference: …`), plus [`ReferenceError::RegistryChanged`] where `..` would carry the push to
/// another host.
pub fn push_reference(remote: &str, chart_name: &str, version: &str) -> Result<Reference, ReferenceError> {
    let url = push_remote_url(remote)?;
    let href = url.to_string();
    let base = href.strip_prefix("oci://").unwrap_or(&href);
    let joined = chartpack_archive::path_join(&[base, chart_name]);
    let reference = new_reference(&format!("{joined}:{version}"))?;
    if url.host.is_ascii() && reference.registry != url.host {
        return Err(ReferenceError::RegistryChanged {
            remote: remote.to_owned(),
            host: url.host,
            registry: reference.registry,
        });
    }
    Ok(reference)
}

/// The checks `helm push` makes on the remote before it reads the chart: a URL with the
/// `oci://` scheme.
pub fn check_push_remote(remote: &str) -> Result<(), ReferenceError> {
    push_remote_url(remote).map(|_| ())
}

fn push_remote_url(remote: &str) -> Result<chartpack_encoding::gourl::Url, ReferenceError> {
    let url = gourl::parse(remote).ok_or_else(|| ReferenceError::InvalidUrl { text: remote.to_owned() })?;
    if url.scheme.is_empty() {
        return Err(ReferenceError::MissingScheme);
    }
    if url.scheme != "oci" {
        return Err(ReferenceError::UnsupportedScheme { scheme: url.scheme });
    }
    Ok(url)
}

/// The file name `helm pull` saves a chart as: `<last repository segment>-<version>.tgz`, the
/// version being the tag with `_` turned back into `+` (`mychart-1.0.0+b.tgz`); a reference
/// with a digest is saved as `<name>@sha256-<hex>.tgz`, whatever its tag. Refuses anything that
/// is not a plain file name (no separators, not `.`/`..`, no control characters).
pub fn pull_file_name(reference: &Reference) -> Result<String, ReferenceError> {
    let name = reference.chart_name();
    let file = match (&reference.digest, &reference.tag) {
        // helm keeps `u.Path` = `repo@sha256:…` for digest pulls and cuts at the last `:`.
        (Some(digest), _) => format!("{name}@sha256-{}.tgz", digest.hex()),
        (None, Some(tag)) => format!("{name}-{}.tgz", version_for_tag(tag)),
        (None, None) => return Err(ReferenceError::NoTagOrDigest { reference: reference.to_string() }),
    };
    let plain = file != "." && file != ".." && !file.contains(['/', '\\', ':']) && !file.chars().any(char::is_control);
    if !plain {
        return Err(ReferenceError::UnsafeFileName { name: file });
    }
    Ok(file)
}

#[cfg(test)]
mod tests;
