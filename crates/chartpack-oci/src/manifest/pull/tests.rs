use super::*;

// The artifacts below mirror those a test registry served to helm v4.1.4 (`helm pull
// oci://…/c/<case> --version 1.0.0 --plain-http`); each expectation names what helm did.
// Digests and sizes are computed from the blobs, as that registry's were.

const CHART_A: &[u8] = b"chart archive A";
const CHART_B: &[u8] = b"chart archive B";
const CONFIG_A: &[u8] = br#"{"name":"mychart","version":"0.1.0","apiVersion":"v2"}"#;
const CONFIG_B: &[u8] = br#"{"name":"other","version":"0.1.0","apiVersion":"v2"}"#;

fn d(media_type: &str, bytes: &[u8]) -> String {
    format!(r#"{{"mediaType":"{media_type}","digest":"{}","size":{}}}"#, Digest::of(bytes), bytes.len())
}

fn image(config: &str, layers: &[String]) -> String {
    format!(r#"{{"schemaVersion":2,"config":{config},"layers":[{}]}}"#, layers.join(","))
}

/// Walks from `root` (media type, body), fetching children from `store` by digest.
fn walk(wants: PullWants, root_type: &str, root: &str, store: &[&str]) -> Result<ChartLayers, ManifestError> {
    let mut walk = PullWalk::new(wants);
    let mut queue =
        std::collections::VecDeque::from(walk.visit(&Descriptor::of(root_type, root.as_bytes()), root.as_bytes())?);
    while let Some(next) = queue.pop_front() {
        let body = store.iter().find(|b| next.digest.matches(b.as_bytes())).expect("child in store");
        queue.extend(walk.visit(&next, body.as_bytes())?);
    }
    walk.finish()
}

fn chart_of(result: &Result<ChartLayers, ManifestError>) -> Result<(Digest, Option<Digest>), String> {
    result
        .as_ref()
        .map(|l| (l.config.digest.clone(), l.chart.as_ref().map(|c| c.digest.clone())))
        .map_err(ToString::to_string)
}

#[test]
fn chart_manifests_are_read_as_helm() {
    let a = image(&d(media::CONFIG, CONFIG_A), &[d(media::CHART_LAYER, CHART_A)]);
    let ok = Ok((Digest::of(CONFIG_A), Some(Digest::of(CHART_A))));
    // helm: pulled.
    assert_eq!(chart_of(&walk(PullWants::CHART, media::MANIFEST, &a, &[])), ok);
    // An unknown layer with a garbage digest and negative size: helm skipped it and pulled.
    let unknown = image(
        &d(media::CONFIG, CONFIG_A),
        &[
            d(media::CHART_LAYER, CHART_A),
            r#"{"mediaType":"application/x-foo","digest":"garbage","size":-5}"#.to_owned(),
        ],
    );
    assert_eq!(chart_of(&walk(PullWants::CHART, media::MANIFEST, &unknown, &[])), ok);
    // Two chart layers: helm saved the first (9 of 9 runs).
    let two = image(&d(media::CONFIG, CONFIG_A), &[d(media::CHART_LAYER, CHART_A), d(media::CHART_LAYER, CHART_B)]);
    assert_eq!(chart_of(&walk(PullWants::CHART, media::MANIFEST, &two, &[])), ok);
}

#[test]
fn legacy_layers_are_pulled_with_helm_s_warning() {
    // helm printed `Warning: chart media type application/tar+gzip is deprecated` and pulled.
    let legacy = image(&d(media::CONFIG, CONFIG_A), &[d(media::LEGACY_CHART_LAYER, CHART_A)]);
    let layers = walk(PullWants::CHART, media::MANIFEST, &legacy, &[]).unwrap();
    assert_eq!(layers.chart.map(|c| c.media_type).as_deref(), Some(media::LEGACY_CHART_LAYER));
    assert_eq!(layers.warnings, vec!["Warning: chart media type application/tar+gzip is deprecated".to_owned()]);
}

#[test]
fn image_indexes_lead_to_their_chart_manifest() {
    let a = image(&d(media::CONFIG, CONFIG_A), &[d(media::CHART_LAYER, CHART_A)]);
    let b = image(&d(media::CONFIG, CONFIG_B), &[d(media::CHART_LAYER, CHART_B)]);
    let one = format!(
        r#"{{"schemaVersion":2,"mediaType":"{}","manifests":[{}]}}"#,
        media::INDEX,
        d(media::MANIFEST, a.as_bytes())
    );
    let ok = Ok((Digest::of(CONFIG_A), Some(Digest::of(CHART_A))));
    // helm: pulled the chart of the only manifest.
    assert_eq!(chart_of(&walk(PullWants::CHART, media::INDEX, &one, &[&a])), ok);
    // An index inside an index: helm pulled.
    let outer = format!(r#"{{"schemaVersion":2,"manifests":[{}]}}"#, d(media::INDEX, one.as_bytes()));
    assert_eq!(chart_of(&walk(PullWants::CHART, media::INDEX, &outer, &[&one, &a])), ok);
    // Two chart manifests: helm's choice varied between runs; chartpack takes the first.
    let two = format!(
        r#"{{"schemaVersion":2,"manifests":[{},{}]}}"#,
        d(media::MANIFEST, a.as_bytes()),
        d(media::MANIFEST, b.as_bytes())
    );
    assert_eq!(chart_of(&walk(PullWants::CHART, media::INDEX, &two, &[&a, &b])), ok);
}

#[test]
fn missing_parts_fail_with_helm_s_errors() {
    let empty = d("application/vnd.oci.empty.v1+json", b"{}");
    for (manifest, want) in [
        (
            image(&empty, &[d(media::CHART_LAYER, CHART_A)]),
            "could not load config with mediatype application/vnd.cncf.helm.config.v1+json",
        ),
        (
            image(&d(media::CONFIG, CONFIG_A), &[]),
            "manifest does not contain a layer with mediatype application/vnd.cncf.helm.chart.content.v1.tar+gzip",
        ),
        (image(&empty, &[]), "manifest does not contain minimum number of descriptors (2), descriptors found: 1"),
    ] {
        assert_eq!(
            chart_of(&walk(PullWants::CHART, media::MANIFEST, &manifest, &[])),
            Err(want.to_owned()),
            "{manifest}"
        );
    }
}

#[test]
fn docker_and_artifact_manifests_fail_as_in_helm() {
    let docker_image = format!(
        r#"{{"schemaVersion":2,"mediaType":"{}","config":{},"layers":[{}]}}"#,
        media::DOCKER_MANIFEST,
        d("application/vnd.docker.container.image.v1+json", CONFIG_A),
        d("application/vnd.docker.image.rootfs.diff.tar.gzip", CHART_A)
    );
    assert_eq!(
        chart_of(&walk(PullWants::CHART, media::DOCKER_MANIFEST, &docker_image, &[])),
        Err("manifest does not contain minimum number of descriptors (2), descriptors found: 0".to_owned())
    );
    // Docker manifest, manifest list and OCI artifact manifest holding helm's blobs: helm read
    // through them, then failed to find the manifest itself in its store.
    let docker_helm = format!(
        r#"{{"schemaVersion":2,"mediaType":"{}","config":{},"layers":[{}]}}"#,
        media::DOCKER_MANIFEST,
        d(media::CONFIG, CONFIG_A),
        d(media::CHART_LAYER, CHART_A)
    );
    let a = image(&d(media::CONFIG, CONFIG_A), &[d(media::CHART_LAYER, CHART_A)]);
    let list = format!(r#"{{"schemaVersion":2,"manifests":[{}]}}"#, d(media::MANIFEST, a.as_bytes()));
    let artifact = format!(
        r#"{{"mediaType":"{}","artifactType":"x","blobs":[{},{}]}}"#,
        media::ARTIFACT_MANIFEST,
        d(media::CONFIG, CONFIG_A),
        d(media::CHART_LAYER, CHART_A)
    );
    for (media_type, body) in [
        (media::DOCKER_MANIFEST, &docker_helm),
        (media::DOCKER_MANIFEST_LIST, &list),
        (media::ARTIFACT_MANIFEST, &artifact),
    ] {
        let digest = Digest::of(body.as_bytes());
        assert_eq!(
            chart_of(&walk(PullWants::CHART, media_type, body, &[&a])),
            Err(format!("unable to retrieve blob with digest {digest}: {digest}: {media_type}: not found"))
        );
    }
}

#[test]
fn provenance_pulls_need_the_provenance_layer() {
    // helm's `.prov` download (chart not wanted, provenance wanted), from its source.
    let prov = b"provenance";
    let with = image(&d(media::CONFIG, CONFIG_A), &[d(media::CHART_LAYER, CHART_A), d(media::PROVENANCE_LAYER, prov)]);
    let layers = walk(PullWants::PROVENANCE, media::MANIFEST, &with, &[]).unwrap();
    assert_eq!(layers.provenance.map(|p| p.digest), Some(Digest::of(prov)));
    assert_eq!(layers.chart, None);
    let without = image(&d(media::CONFIG, CONFIG_A), &[d(media::CHART_LAYER, CHART_A)]);
    assert_eq!(
        chart_of(&walk(PullWants::PROVENANCE, media::MANIFEST, &without, &[])),
        Err("manifest does not contain a layer with mediatype application/vnd.cncf.helm.chart.provenance.v1.prov"
            .to_owned())
    );
    let lenient = PullWants { ignore_missing_provenance: true, ..PullWants::PROVENANCE };
    assert!(walk(lenient, media::MANIFEST, &without, &[]).is_ok_and(|l| l.provenance.is_none()));
    // With the chart wanted too, the prov layer of a chart pull is picked up.
    let both = PullWants { provenance: true, ..PullWants::CHART };
    assert!(walk(both, media::MANIFEST, &with, &[]).is_ok_and(|l| l.provenance.is_some() && l.chart.is_some()));
}

#[test]
fn descriptors_helm_would_fetch_are_checked() {
    // helm failed on these when fetching (`sha256:xyz: not found`, `mismatch Content-Length`);
    // chartpack refuses them before any request.
    let bad_digest =
        image(r#"{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"sha256:xyz","size":5}"#, &[]);
    let negative = image(
        &d(media::CONFIG, CONFIG_A),
        &[format!(r#"{{"mediaType":"{}","digest":"{}","size":-1}}"#, media::CHART_LAYER, Digest::of(CHART_A))],
    );
    let fraction = image(
        &d(media::CONFIG, CONFIG_A),
        &[r#"{"mediaType":"application/x-foo","digest":"x","size":1.5}"#.to_owned()],
    );
    let huge = image(
        &d(media::CONFIG, CONFIG_A),
        &[r#"{"mediaType":"x","digest":"x","size":9223372036854775808}"#.to_owned()],
    );
    let number_type = image(&d(media::CONFIG, CONFIG_A), &[r#"{"mediaType":5}"#.to_owned()]);
    for body in [bad_digest, negative, fraction, huge, number_type] {
        let err = walk(PullWants::CHART, media::MANIFEST, &body, &[]).unwrap_err();
        assert_eq!(err.code(), "oci.manifest.invalid_descriptor", "{body}: {err}");
    }
    let err = walk(PullWants::CHART, media::MANIFEST, "{", &[]).unwrap_err();
    assert_eq!(err.code(), "oci.manifest.syntax");
    for body in ["[]", r#"{"layers":{}}"#, r#"{"config":[]}"#, r#"{"layers":[1]}"#] {
        let err = walk(PullWants::CHART, media::MANIFEST, body, &[]).unwrap_err();
        assert!(matches!(err.code(), "oci.manifest.shape" | "oci.manifest.invalid_descriptor"), "{body}: {err}");
    }
    // Nulls decode to nothing, as in Go.
    let nulls = format!(
        r#"{{"config":{},"layers":[null,{}],"subject":null}}"#,
        d(media::CONFIG, CONFIG_A),
        d(media::CHART_LAYER, CHART_A)
    );
    assert!(walk(PullWants::CHART, media::MANIFEST, &nulls, &[]).is_ok());
}

#[test]
fn walks_are_bounded() {
    let a = image(&d(media::CONFIG, CONFIG_A), &[d(media::CHART_LAYER, CHART_A)]);
    let big = vec![b' '; (MAX_MANIFEST_BYTES + 1) as usize];
    let mut walk = PullWalk::new(PullWants::CHART);
    assert_eq!(walk.visit(&Descriptor::of(media::MANIFEST, &big), &big).unwrap_err().code(), "oci.manifest.too_large");
    let children: Vec<String> =
        (0..MAX_MANIFESTS).map(|i| d(media::MANIFEST, format!("{a}{}", " ".repeat(i)).as_bytes())).collect();
    let index = format!(r#"{{"manifests":[{}]}}"#, children.join(","));
    let mut walk = PullWalk::new(PullWants::CHART);
    let err = walk.visit(&Descriptor::of(media::INDEX, index.as_bytes()), index.as_bytes()).unwrap_err();
    assert_eq!(err.code(), "oci.manifest.too_many_manifests");
    let oversized = format!(
        r#"{{"manifests":[{{"mediaType":"{}","digest":"{}","size":{}}}]}}"#,
        media::MANIFEST,
        Digest::of(b""),
        MAX_MANIFEST_BYTES + 1
    );
    let mut walk = PullWalk::new(PullWants::CHART);
    let err = walk.visit(&Descriptor::of(media::INDEX, oversized.as_bytes()), oversized.as_bytes()).unwrap_err();
    assert_eq!(err.code(), "oci.manifest.too_large");
    // A child listed twice (or the root listed as its own child) is fetched once.
    let twice = format!(r#"{{"manifests":[{0},{0}]}}"#, d(media::MANIFEST, a.as_bytes()));
    let mut walk = PullWalk::new(PullWants::CHART);
    assert_eq!(walk.visit(&Descriptor::of(media::INDEX, twice.as_bytes()), twice.as_bytes()).unwrap().len(), 1);
}
