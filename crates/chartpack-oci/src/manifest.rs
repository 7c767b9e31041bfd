//! Helm chart artifacts: the config blob, layers and manifest `helm push` writes (byte for
//! byte), and the reading of what `helm pull` accepts (manifests, image indexes, legacy layers).
//!
//! Mirrors helm v4.1.4 `pkg/registry/client.go` (`Push`, `tagManifest`, `Pull`,
//! `processChartPull`), `pkg/registry/chart.go` (annotations), `pkg/registry/generic.go`
//! (`PullGeneric`: oras-go v2.6.0 `Copy` with an allow-list of media types).

mod build;
mod config;
mod pull;

use chartpack_chart::LoadError;
use chartpack_encoding::json::{Number, Value};

use crate::digest::Digest;

pub use build::{build_chart_artifact, format_created, ChartArtifact};
pub use config::check_config;
pub use pull::{ChartLayers, PullWalk, PullWants, MAX_MANIFESTS, MAX_MANIFEST_BYTES};

/// A content descriptor as it appears in a manifest: what the blob is, its digest, its size.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Descriptor {
    /// Media type.
    pub media_type: String,
    /// Digest of the content.
    pub digest: Digest,
    /// Size in bytes.
    pub size: u64,
}

impl Descriptor {
    /// The descriptor of `bytes` with `media_type` (oras-go `content.NewDescriptorFromBytes`).
    pub fn of(media_type: &str, bytes: &[u8]) -> Descriptor {
        Descriptor { media_type: media_type.to_owned(), digest: Digest::of(bytes), size: bytes.len() as u64 }
    }

    /// The descriptor as image-spec's `Descriptor` marshals it: `mediaType`, `digest`, `size`.
    pub fn to_json(&self) -> Value {
        Value::Object(vec![
            ("mediaType".to_owned(), Value::String(self.media_type.clone())),
            ("digest".to_owned(), Value::String(self.digest.to_string())),
            ("size".to_owned(), Value::Number(Number::from_u64(self.size))),
        ])
    }
}

/// What may go wrong building or reading a chart artifact. Texts are helm's unless a variant
/// says it is chartpack's own.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ManifestError {
    /// The archive to push does not load as a chart (helm's loader message).
    #[error("{0}")]
    Chart(#[from] LoadError),
    /// chartpack's own: a manifest that is not JSON (Go's syntax error text).
    #[error("invalid manifest {}: {message}", chartpack_encoding::gofmt::quote(media_type))]
    ManifestSyntax {
        /// The manifest's media type.
        media_type: String,
        /// Go's `SyntaxError` text.
        message: String,
    },
    /// chartpack's own: a manifest of the wrong shape (Go's `json.Unmarshal` would refuse it).
    #[error("invalid manifest {}: {reason}", chartpack_encoding::gofmt::quote(media_type))]
    ManifestShape {
        /// The manifest's media type.
        media_type: String,
        /// What was wrong, naming the member.
        reason: String,
    },
    /// chartpack's own: a descriptor helm would fetch has a digest or size no fetch can honour.
    #[error("invalid manifest {}: {location}: {reason}", chartpack_encoding::gofmt::quote(media_type))]
    InvalidDescriptor {
        /// The manifest's media type.
        media_type: String,
        /// Where, such as `layers[1]`.
        location: String,
        /// What was wrong with the digest or size.
        reason: String,
    },
    /// chartpack's own: a manifest larger than oras-go's `MaxMetadataBytes`.
    #[error("manifest {digest} is {size} bytes, more than the {limit} allowed")]
    ManifestTooLarge {
        /// The manifest's digest.
        digest: Digest,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// chartpack's own: an image index naming more manifests than chartpack follows.
    #[error("artifact holds more than {limit} manifests")]
    TooManyManifests {
        /// The limit.
        limit: usize,
    },
    /// Fewer descriptors of helm's media types than the pull needs.
    #[error("manifest does not contain minimum number of descriptors ({min}), descriptors found: {found}")]
    TooFewDescriptors {
        /// Needed: 1 (config) + chart + provenance.
        min: usize,
        /// Found, the manifest itself included when it is an OCI manifest or index.
        found: usize,
    },
    /// No helm config blob.
    #[error("could not load config with mediatype application/vnd.cncf.helm.config.v1+json")]
    MissingConfig,
    /// No chart (or provenance) layer.
    #[error("manifest does not contain a layer with mediatype {media_type}")]
    MissingLayer {
        /// The media type wanted.
        media_type: &'static str,
    },
    /// The manifest helm was pointed at is not an OCI manifest or index (a Docker manifest or
    /// list, an OCI artifact manifest): helm reads through it, then cannot find it in its store.
    #[error("unable to retrieve blob with digest {digest}: {digest}: {media_type}: not found")]
    RootNotStored {
        /// The manifest's digest.
        digest: Digest,
        /// Its media type.
        media_type: String,
    },
    /// The config blob is not JSON; Go's message, as helm prints it.
    #[error("{message}")]
    ConfigSyntax {
        /// Go's `SyntaxError` text.
        message: String,
    },
    /// The config blob does not decode into helm's `Metadata` (Go's `UnmarshalTypeError` text).
    #[error("{message}")]
    ConfigType {
        /// Go's message.
        message: String,
    },
}

impl ManifestError {
    /// Stable identifier of the error kind, such as `"oci.manifest.missing_config"`.
    pub fn code(&self) -> &'static str {
        match self {
            ManifestError::Chart(e) => e.code(),
            ManifestError::ManifestSyntax { .. } => "oci.manifest.syntax",
            ManifestError::ManifestShape { .. } => "oci.manifest.shape",
            ManifestError::InvalidDescriptor { .. } => "oci.manifest.invalid_descriptor",
            ManifestError::ManifestTooLarge { .. } => "oci.manifest.too_large",
            ManifestError::TooManyManifests { .. } => "oci.manifest.too_many_manifests",
            ManifestError::TooFewDescriptors { .. } => "oci.manifest.too_few_descriptors",
            ManifestError::MissingConfig => "oci.manifest.missing_config",
            ManifestError::MissingLayer { .. } => "oci.manifest.missing_layer",
            ManifestError::RootNotStored { .. } => "oci.manifest.not_oci",
            ManifestError::ConfigSyntax { .. } => "oci.manifest.config_syntax",
            ManifestError::ConfigType { .. } => "oci.manifest.config_type",
        }
    }
}
