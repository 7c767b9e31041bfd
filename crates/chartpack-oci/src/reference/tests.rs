use super::*;

const SHA: &str = "e23ab3ed0f0de52bc56649a2519f83f6d2c3c386edd151236751cccd55797bc7";

/// `Ok` as `Display` of the reference, `Err` as the error text.
#[track_caller]
fn check_pull(text: &str, want: Result<&str, &str>) {
    let got = Reference::parse(text).map(|r| r.to_string()).map_err(|e| e.to_string());
    assert_eq!(got.as_ref().map(String::as_str).map_err(String::as_str), want, "Reference::parse({text:?})");
}

#[test]
fn pull_references_parse_as_helm_reads_them() {
    // Errors: helm v4.1.4 `helm pull REF [--version 1.0] --plain-http` with nothing listening on
    // 127.0.0.1:1, so every message below comes from parsing. Acceptances: the reference helm then
    // tried to fetch (`Get "http://127.0.0.1:1/v2/<repository>/manifests/<tag or digest>"`).
    let d = format!("sha256:{SHA}");
    check_pull("oci://127.0.0.1:1/charts/mychart", Ok("127.0.0.1:1/charts/mychart"));
    check_pull("oci://127.0.0.1:1/charts/mychart:0.1.0", Ok("127.0.0.1:1/charts/mychart:0.1.0"));
    check_pull("OCI://127.0.0.1:1/charts/mychart", Ok("127.0.0.1:1/charts/mychart"));
    check_pull("oci://127.0.0.1:1/charts/mychart:0.1.0+b", Ok("127.0.0.1:1/charts/mychart:0.1.0_b"));
    check_pull("oci://127.0.0.1:1/charts/mychart:bad+tag+", Ok("127.0.0.1:1/charts/mychart:bad_tag_"));
    check_pull(&format!("oci://127.0.0.1:1/charts/mychart@{d}"), Ok(&format!("127.0.0.1:1/charts/mychart@{d}")));
    check_pull(
        &format!("oci://127.0.0.1:1/charts/mychart:0.1.0@{d}"),
        Ok(&format!("127.0.0.1:1/charts/mychart:0.1.0@{d}")),
    );
    check_pull("oci://127.0.0.1:1/charts/mychart:", Ok("127.0.0.1:1/charts/mychart"));
    check_pull("oci://127.0.0.1:1/charts/mychart@", Ok("127.0.0.1:1/charts/mychart"));
    check_pull("oci://[::1]/charts/x", Ok("[::1]/charts/x"));
    check_pull("oci://a:1:2/charts/x", Ok("a:1:2/charts/x"));
    check_pull("oci://a:/charts/x", Ok("a:/charts/x"));
    check_pull("oci://Ab_c.invalid:1/charts/x", Ok("Ab_c.invalid:1/charts/x"));
    check_pull("oci://a!b.invalid/charts/x", Ok("a!b.invalid/charts/x"));
    check_pull("oci://[::ffff:1.2.3.4]:1/c/x", Ok("[::ffff:1.2.3.4]:1/c/x"));
    check_pull("oci://:1/c/x", Ok(":1/c/x"));

    check_pull(
        "oci://127.0.0.1:1/charts/Y_Bad.Name",
        Err("invalid reference: invalid repository \"charts/Y_Bad.Name\""),
    );
    check_pull("oci://127.0.0.1:1/charts/mychart:-x", Err("invalid reference: invalid tag \"-x\""));
    check_pull(
        "oci://127.0.0.1:1/charts/mychart@sha256:abc",
        Err("invalid reference: invalid digest \"sha256:abc\": invalid checksum digest length"),
    );
    check_pull(
        "oci://127.0.0.1:1/charts/mychart@sha512:abc",
        Err("invalid reference: invalid digest \"sha512:abc\": invalid checksum digest length"),
    );
    check_pull(
        "oci://127.0.0.1:1/charts/mychart@md5:abc",
        Err("invalid reference: invalid digest \"md5:abc\": unsupported digest algorithm"),
    );
    check_pull(
        &format!("oci://127.0.0.1:1/charts/x@a@{d}"),
        Err("invalid reference: invalid digest \"a\": invalid checksum digest format"),
    );
    check_pull(
        "oci://127.0.0.1:1/charts/x:1.0@md5",
        Err("invalid reference: invalid digest \"md5\": invalid checksum digest format"),
    );
    check_pull(
        "oci://127.0.0.1:1/charts/x@:abc",
        Err("invalid reference: invalid digest \":abc\": invalid checksum digest format"),
    );
    check_pull(
        "oci://127.0.0.1:1/charts/x@sha256:",
        Err("invalid reference: invalid digest \"sha256:\": invalid checksum digest format"),
    );
    check_pull(
        &format!("oci://127.0.0.1:1/charts/x:{}", "a".repeat(129)),
        Err(&format!("invalid reference: invalid tag \"{}\"", "a".repeat(129))),
    );
    check_pull("oci://127.0.0.1:1/charts/x:a:b", Err("invalid reference: invalid tag \"a:b\""));
    check_pull("oci://127.0.0.1:1/char:ts/x", Err("invalid reference: invalid tag \"ts/x\""));
    check_pull("oci://u:p@127.0.0.1:1/charts/mychart", Err("invalid reference: missing registry or repository"));
    check_pull("oci://127.0.0.1:1", Err("invalid reference: missing registry or repository"));
    check_pull("oci://127.0.0.1:1/", Err("invalid reference: invalid repository \"\""));
    check_pull("oci:///charts", Err("invalid reference: invalid registry \"\""));
    check_pull("oci://ü.invalid/charts/x", Err("invalid reference: invalid registry \"%C3%BC.invalid\""));
    check_pull("oci://[foo]:1/charts/x", Err("invalid chart URL format: oci://[foo]:1/charts/x"));
    check_pull("oci://[1.2.3.4]:1/c/x", Err("invalid chart URL format: oci://[1.2.3.4]:1/c/x"));
    check_pull("oci://a{b/charts/x", Err("invalid chart URL format: oci://a{b/charts/x"));
    check_pull("oci://a b/c/x", Err("invalid chart URL format: oci://a b/c/x"));
}

#[test]
fn pull_references_chartpack_refuses() {
    // helm would not treat these as OCI references, or fails on them later in ways that depend
    // on the code path (percent-decoding in one, not the other; `?`/`#` glued onto the tag).
    for (text, code) in [
        ("oci:charts/x", "oci.reference.not_oci"),
        ("oci:/charts/x", "oci.reference.not_oci"),
        ("charts/x", "oci.reference.not_oci"),
        ("https://example.com/charts/x", "oci.reference.not_oci"),
        ("oci://127.0.0.1:1/a%2Fb", "oci.reference.unsupported"),
        ("oci://127.0.0.1:1/charts/mychart?x=1", "oci.reference.unsupported"),
        ("oci://127.0.0.1:1/charts/mychart#f", "oci.reference.unsupported"),
        ("oci://127.0.0.1:1/charts/x@sha512:", "oci.reference.invalid_digest"),
    ] {
        assert_eq!(Reference::parse(text).map_err(|e| e.code()), Err(code), "{text}");
    }
    let sha512 = format!("oci://h/c/x@sha512:{}", "a".repeat(128));
    assert_eq!(Reference::parse(&sha512).map_err(|e| e.code()), Err("oci.reference.unsupported_digest"));
    let two = format!("oci://h/c/x@sha256:{SHA}@sha256:{SHA}");
    assert_eq!(Reference::parse(&two).map_err(|e| e.code()), Err("oci.reference.unsupported"));
}

#[track_caller]
fn check_push(remote: &str, want: Result<&str, &str>) {
    let got = push_reference(remote, "mychart", "0.1.0").map(|r| r.to_string()).map_err(|e| e.to_string());
    assert_eq!(got.as_ref().map(String::as_str).map_err(String::as_str), want, "push_reference({remote:?})");
}

#[test]
fn push_references_are_built_as_helm_builds_them() {
    // helm v4.1.4 `helm push mychart-0.1.0.tgz REMOTE --plain-http` with nothing listening on
    // 127.0.0.1:1: errors as printed, acceptances as the `HEAD http://…/v2/<repo>/manifests/…`
    // helm then attempted.
    check_push("oci://127.0.0.1:1/charts", Ok("127.0.0.1:1/charts/mychart:0.1.0"));
    check_push("OCI://127.0.0.1:1/charts", Ok("127.0.0.1:1/charts/mychart:0.1.0"));
    check_push("oci://127.0.0.1:1", Ok("127.0.0.1:1/mychart:0.1.0"));
    check_push("oci://127.0.0.1:1/", Ok("127.0.0.1:1/mychart:0.1.0"));
    check_push("oci://127.0.0.1:1/a/../b", Ok("127.0.0.1:1/b/mychart:0.1.0"));
    check_push("oci://127.0.0.1:1/a//b", Ok("127.0.0.1:1/a/b/mychart:0.1.0"));
    check_push("oci://[::1]:1/charts", Ok("[::1]:1/charts/mychart:0.1.0"));
    check_push("oci://127.0.0.1:1/a__b/c", Ok("127.0.0.1:1/a__b/c/mychart:0.1.0"));
    check_push("oci://127.0.0.1:1/a--b/c.d", Ok("127.0.0.1:1/a--b/c.d/mychart:0.1.0"));

    check_push("charts/x", Err("scheme prefix missing from remote (e.g. \"oci://\")"));
    check_push("127.0.0.1:1/charts", Err("invalid chart URL format: 127.0.0.1:1/charts"));
    check_push("localhost:1/charts", Err("scheme \"localhost\" not supported"));
    check_push("http://127.0.0.1:1/charts", Err("scheme \"http\" not supported"));
    check_push(
        "oci://127.0.0.1:1/charts/Y_Bad.Name",
        Err("invalid reference: invalid repository \"charts/Y_Bad.Name/mychart\""),
    );
    check_push("oci://127.0.0.1:1/1.0/mychart:0.1.0", Err("invalid reference: invalid tag \"0.1.0/mychart:0.1.0\""));
    check_push("oci://127.0.0.1:1/charts:1.0", Err("invalid reference: invalid tag \"1.0/mychart:0.1.0\""));
    check_push("oci://127.0.0.1:1/charts?x=1", Err("invalid reference: invalid repository \"charts?x=1/mychart\""));
    check_push("oci://127.0.0.1:1/charts#frag", Err("invalid reference: invalid repository \"charts#frag/mychart\""));
    check_push("oci://127.0.0.1:1/a%20b", Err("invalid reference: invalid repository \"a%20b/mychart\""));
    check_push("oci://127.0.0.1:1/a%zz", Err("invalid chart URL format: oci://127.0.0.1:1/a%zz"));
    check_push("oci://127.0.0.1:x/charts", Err("invalid chart URL format: oci://127.0.0.1:x/charts"));
    check_push("oci://user:pw@127.0.0.1:1/charts", Err("invalid reference: missing registry or repository"));
    check_push("oci:///charts", Err("invalid reference: invalid registry \"\""));
    check_push(
        "oci://127.0.0.1:1/charts@sha256:abc",
        Err("invalid reference: invalid digest \"sha256:abc/mychart:0.1.0\": invalid checksum digest length"),
    );
    check_push("oci://127.0.0.1:1/CHARTS", Err("invalid reference: invalid repository \"CHARTS/mychart\""));
    check_push("oci://127.0.0.1:1/a___b", Err("invalid reference: invalid repository \"a___b/mychart\""));
    check_push("oci://127.0.0.1:1/-a", Err("invalid reference: invalid repository \"-a/mychart\""));
    check_push("oci://127.0.0.1:1/a_", Err("invalid reference: invalid repository \"a_/mychart\""));
}

#[test]
fn push_refuses_paths_that_leave_the_host() {
    // helm v4.1.4 pushed `oci://127.0.0.1:1/../..` to the host ".." (`Head "http://../v2/mychart/…"`).
    let err = push_reference("oci://127.0.0.1:1/../..", "mychart", "0.1.0").unwrap_err();
    assert_eq!(err.code(), "oci.reference.registry_changed");
    let err = push_reference("oci://127.0.0.1:1/../evil.example/charts", "mychart", "0.1.0").unwrap_err();
    assert_eq!(err.code(), "oci.reference.registry_changed", "{err}");
}

#[test]
fn push_tags_turn_plus_into_underscore() {
    // tests-data/*.push.txt: `Pushed: REGISTRY/charts/plusbuild:1.2.3-rc.1_build.5` and
    // `…/goodone:199.44.12345-Alpha.1_cafe009` from helm v4.1.4.
    for (name, version, want) in [
        ("plusbuild", "1.2.3-rc.1+build.5", "127.0.0.1:5000/charts/plusbuild:1.2.3-rc.1_build.5"),
        ("goodone", "199.44.12345-Alpha.1+cafe009", "127.0.0.1:5000/charts/goodone:199.44.12345-Alpha.1_cafe009"),
    ] {
        let r = push_reference("oci://127.0.0.1:5000/charts", name, version).unwrap();
        assert_eq!(r.to_string(), want);
        assert_eq!(r.tag.as_deref().map(version_for_tag).as_deref(), Some(version));
    }
    assert_eq!(tag_for_version("1.0.0+a+b"), "1.0.0_a_b");
    assert_eq!(version_for_tag("1.0.0_a"), "1.0.0+a");
}

#[test]
fn pull_file_names_are_helm_s() {
    // helm v4.1.4 `helm pull … -d out` against a registry serving these tags: the files it wrote
    // (`--version 1.0.0+b`, `9.1`, `v9.0.0`, `--devel`, and the digest forms).
    for (text, want) in [
        ("oci://127.0.0.1:5000/t/res:1.0.0_b", "res-1.0.0+b.tgz"),
        ("oci://127.0.0.1:5000/t/res:9.1", "res-9.1.tgz"),
        ("oci://127.0.0.1:5000/t/res:v9.0.0", "res-v9.0.0.tgz"),
        ("oci://127.0.0.1:5000/t/res:1.1.0-alpha", "res-1.1.0-alpha.tgz"),
        ("oci://127.0.0.1:5000/t/res:0.1.0", "res-0.1.0.tgz"),
        (
            "oci://127.0.0.1:5000/t/res@sha256:959f07c2e22a860d0ccb0c50e1a81a058f09519812e5bd5a53fbe65433d760c8",
            "res@sha256-959f07c2e22a860d0ccb0c50e1a81a058f09519812e5bd5a53fbe65433d760c8.tgz",
        ),
        (
            "oci://127.0.0.1:5000/t/res:nope@sha256:959f07c2e22a860d0ccb0c50e1a81a058f09519812e5bd5a53fbe65433d760c8",
            "res@sha256-959f07c2e22a860d0ccb0c50e1a81a058f09519812e5bd5a53fbe65433d760c8.tgz",
        ),
    ] {
        let r = Reference::parse(text).unwrap();
        assert_eq!(pull_file_name(&r).as_deref(), Ok(want), "{text}");
    }
    let bare = Reference::parse("oci://127.0.0.1:5000/t/res").unwrap();
    assert_eq!(pull_file_name(&bare).map_err(|e| e.code()), Err("oci.reference.no_tag_or_digest"));
}

#[test]
fn pull_file_names_never_leave_the_directory() {
    // Only hand-built references can get here: parsing already refuses all of these.
    let at = |repository: &str, tag: &str| Reference {
        registry: "h".into(),
        repository: repository.into(),
        tag: Some(tag.into()),
        digest: None,
    };
    for r in [
        at("x", "../y"),
        at("x", "a/b"),
        at("x", "a\\b"),
        at("x", "a:b"),
        at("x", "\u{0}"),
        at("x", "\n"),
        at("..", ""),
    ] {
        let got = pull_file_name(&r);
        assert!(got.is_err() || got.as_deref() == Ok("..-.tgz"), "{r:?}: {got:?}");
    }
    assert_eq!(pull_file_name(&at("x", "a/b")).map_err(|e| e.code()), Err("oci.reference.unsafe_file_name"));
    assert_eq!(pull_file_name(&at("a/", "1")).as_deref(), Ok("-1.tgz"));
}
