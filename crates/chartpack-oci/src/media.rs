//! Media types of helm chart artifacts and of the manifests a registry may answer with.
//!
//! Mirrors helm `pkg/registry/constants.go`, image-spec `specs-go/v1/mediatype.go` and oras-go
//! v2.6.0 `registry/remote/manifest.go` (`defaultManifestMediaTypes`).

/// An OCI image manifest (`ocispec.MediaTypeImageManifest`); helm pushes charts as these.
pub const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// An OCI image index (`ocispec.MediaTypeImageIndex`); helm pulls a chart manifest out of one.
pub const INDEX: &str = "application/vnd.oci.image.index.v1+json";

/// The OCI artifact manifest of image-spec 1.1 release candidates (oras-go `spec.MediaTypeArtifactManifest`).
pub const ARTIFACT_MANIFEST: &str = "application/vnd.oci.artifact.manifest.v1+json";

/// A Docker image manifest, schema 2.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// A Docker manifest list (multi-platform image).
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

/// The config blob of a helm chart artifact: the chart's metadata as JSON (helm `ConfigMediaType`).
pub const CONFIG: &str = "application/vnd.cncf.helm.config.v1+json";

/// The chart archive layer (helm `ChartLayerMediaType`).
pub const CHART_LAYER: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

/// The provenance file layer (helm `ProvLayerMediaType`).
pub const PROVENANCE_LAYER: &str = "application/vnd.cncf.helm.chart.provenance.v1.prov";

/// The chart layer type of helm 3.0–3.7 era pushes (helm `LegacyChartLayerMediaType`); helm
/// still pulls it, printing [`LEGACY_CHART_WARNING`].
pub const LEGACY_CHART_LAYER: &str = "application/tar+gzip";

/// The line helm prints (to its output, before `Pulled:`) for each legacy chart layer it meets.
pub const LEGACY_CHART_WARNING: &str = "Warning: chart media type application/tar+gzip is deprecated";

/// The `Accept` header helm (oras-go) sends on every manifest `GET`/`HEAD`, observed byte for
/// byte on the wire from helm v4.1.4.
pub const MANIFEST_ACCEPT: &str = "application/vnd.docker.distribution.manifest.v2+json, \
     application/vnd.docker.distribution.manifest.list.v2+json, \
     application/vnd.oci.image.manifest.v1+json, \
     application/vnd.oci.image.index.v1+json, \
     application/vnd.oci.artifact.manifest.v1+json";

/// Whether oras-go treats `media_type` as a manifest whose body names further content
/// (`content.Successors`): the four manifest kinds above and image indexes.
pub fn is_manifest(media_type: &str) -> bool {
    matches!(media_type, MANIFEST | INDEX | ARTIFACT_MANIFEST | DOCKER_MANIFEST | DOCKER_MANIFEST_LIST)
}

/// The media type of a `Content-Type` header as Go's `mime.ParseMediaType` reads it (what
/// oras-go takes as a fetched manifest's media type): lower-cased, parameters dropped, and
/// `type[/subtype]` made of tokens; the error is Go's text (`mime: no media type` for an
/// empty header). Parameters are not validated.
pub fn parse_content_type(header: &str) -> Result<String, &'static str> {
    let base = header.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let token_end = |s: &str| s.find(|c: char| !is_token_char(c)).unwrap_or(s.len());
    let end = token_end(&base);
    if end == 0 {
        return Err("mime: no media type");
    }
    let rest = &base[end..];
    if !rest.is_empty() {
        let subtype = rest.strip_prefix('/').ok_or("mime: expected slash after first token")?;
        let sub_end = token_end(subtype);
        if sub_end == 0 {
            return Err("mime: expected token after slash");
        }
        if sub_end != subtype.len() {
            return Err("mime: unexpected content after media subtype");
        }
    }
    Ok(base)
}

/// RFC 1521 token characters (Go's `mime.isTokenChar`).
fn is_token_char(c: char) -> bool {
    c.is_ascii() && c > ' ' && c != '\x7f' && !"()<>@,;:\\\"/[]?=".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_header_is_what_helm_sends() {
        // Recorded from helm v4.1.4 `helm pull oci://127.0.0.1:PORT/charts/mychart --version 0.1.0
        // --plain-http` against a logging HTTP server.
        let seen = "application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.oci.artifact.manifest.v1+json";
        assert_eq!(MANIFEST_ACCEPT, seen);
        for part in seen.split(", ") {
            assert!(is_manifest(part), "{part}");
        }
        assert!(!is_manifest(CONFIG));
        assert!(!is_manifest(CHART_LAYER));
    }

    #[test]
    fn content_types_read_as_go_mime() {
        for (header, want) in [
            ("application/vnd.oci.image.manifest.v1+json", Ok("application/vnd.oci.image.manifest.v1+json")),
            (" Application/JSON ; charset=utf-8", Ok("application/json")),
            ("text", Ok("text")),
            // helm v4.1.4 against a registry sending no Content-Type: "invalid response
            // `Content-Type` header; mime: no media type".
            ("", Err("mime: no media type")),
            ("/json", Err("mime: no media type")),
            ("a b", Err("mime: expected slash after first token")),
            ("a/", Err("mime: expected token after slash")),
            ("a/b c", Err("mime: unexpected content after media subtype")),
        ] {
            assert_eq!(parse_content_type(header).as_deref(), want.as_deref(), "{header:?}");
        }
    }
}
