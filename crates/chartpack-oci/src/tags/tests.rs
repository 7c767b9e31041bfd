use super::*;

const SHA: &str = "959f07c2e22a860d0ccb0c50e1a81a058f09519812e5bd5a53fbe65433d760c8";

/// The tags a test registry served for `t/res` (registry order), from which helm v4.1.4 picked
/// the tags in [`pulls_resolve_as_helm`].
const RES_TAGS: &[&str] =
    &["0.1.0", "0.2.0", "1.0.0-rc.1", "1.0.0_b", "0.9.0", "v2.0.0", "2.0", "latest", "1.1.0-alpha", "0.3.0"];

/// Reference, `--version`, `--devel`, expected tag or error.
type PullRow<'a> = (&'a str, Option<&'a str>, bool, Result<&'a str, &'a str>);

/// Repository, its tags, `--version`, `--devel`, expected tag or error.
type TagSetRow<'a> = (&'a str, &'a [&'a str], Option<&'a str>, bool, Result<&'a str, &'a str>);

fn owned(tags: &[&str]) -> Vec<String> {
    tags.iter().map(|t| (*t).to_owned()).collect()
}

/// Plans and, when the plan lists tags, picks from `tags`: `Ok(tag fetched)` (`@digest` for a
/// digest pull) or the error text.
fn resolve(text: &str, version: Option<&str>, devel: bool, tags: &[&str]) -> Result<String, String> {
    let reference = Reference::parse(text).map_err(|e| e.to_string())?;
    match plan_pull(&reference, version, devel).map_err(|e| e.to_string())? {
        PullPlan::Tag(tag) => Ok(tag),
        PullPlan::Digest { digest, check_tag } => Ok(format!("@{digest} check {check_tag:?}")),
        PullPlan::ListTags(query) => {
            pick_tag(&owned(tags), &query, &reference).map(|t| format!("listed {t}")).map_err(|e| e.to_string())
        }
    }
}

#[test]
fn pulls_resolve_as_helm() {
    // Each row: helm v4.1.4 `helm pull <ref> [--version V] [--devel] --plain-http` against a test
    // registry serving RES_TAGS (and manifests under every tag used); "listed" rows are those
    // where helm requested /tags/list (seen in the registry's log), the others fetched the
    // manifest directly. Error texts are helm's output.
    let r = "oci://127.0.0.1:55905/t/res";
    let rows: &[PullRow] = &[
        (r, None, false, Ok("listed 1.0.0_b")),
        (r, Some(""), false, Ok("listed 1.0.0_b")),
        (r, None, true, Ok("listed 1.1.0-alpha")),
        (r, Some("1.0.0+b"), false, Ok("1.0.0_b")),
        (r, Some("9.1"), false, Ok("9.1")),
        (r, Some("v9.0.0"), false, Ok("v9.0.0")),
        (r, Some("^0.2"), false, Ok("listed 0.2.0")),
        (r, Some(">=1.0.0-0"), false, Ok("listed 1.1.0-alpha")),
        (r, Some("~1.0.0"), false, Ok("listed 1.0.0_b")),
        (r, Some("1.0.0 || 0.1.0"), false, Ok("listed 1.0.0_b")),
        (r, Some("x"), false, Ok("listed 1.0.0_b")),
        (r, Some("0.1.0 - 0.2.0"), false, Ok("listed 0.2.0")),
        (r, Some("1.0.0"), true, Ok("1.0.0")),
        (
            "oci://127.0.0.1:55905/t/res:0.2.0",
            Some("0.3.0"),
            false,
            Err("chart reference and version mismatch: 0.3.0 is not 0.2.0"),
        ),
        (
            "oci://127.0.0.1:55905/t/res:0.2.0",
            None,
            true,
            Err("chart reference and version mismatch: >0.0.0-0 is not 0.2.0"),
        ),
        (
            "oci://127.0.0.1:1/charts/mychart:0.1.0+b",
            Some("0.1.0+b"),
            false,
            Err("chart reference and version mismatch: 0.1.0+b is not 0.1.0_b"),
        ),
        (
            "oci://127.0.0.1:1/charts/mychart:bad+tag+",
            Some("1.0.0"),
            false,
            Err("chart reference and version mismatch: 1.0.0 is not bad_tag_"),
        ),
        ("oci://127.0.0.1:55905/t/res:0.1.0", None, false, Ok("0.1.0")),
        ("oci://127.0.0.1:55905/t/res:0.1.0", Some("0.1.0"), false, Ok("0.1.0")),
        ("oci://127.0.0.1:55905/t/res:latest", None, false, Err("improper constraint: latest")),
        (r, Some("latest"), false, Err("improper constraint: latest")),
        ("oci://127.0.0.1:55905/t/res:1.0.0_b", None, false, Err("improper constraint: 1.0.0_b")),
        (r, Some("1.0.0_b"), false, Err("improper constraint: 1.0.0_b")),
        ("oci://127.0.0.1:55905/t/res:1.0.0-rc.1_b", None, false, Err("improper constraint: 1.0.0-rc.1_b")),
    ];
    for (text, version, devel, want) in rows {
        let got = resolve(text, *version, *devel, RES_TAGS);
        assert_eq!(got.as_deref().map_err(String::as_str), *want, "{text} --version {version:?} devel {devel}");
    }
}

#[test]
fn picks_from_other_tag_sets_as_helm() {
    // helm v4.1.4 against test repositories with these tag lists.
    let rows: &[TagSetRow] = &[
        (
            "t/empty",
            &[],
            None,
            false,
            Err("unable to locate any tags in provided repository: oci://127.0.0.1:55905/t/empty"),
        ),
        (
            "t/empty",
            &[],
            Some("latest"),
            false,
            Err("unable to locate any tags in provided repository: oci://127.0.0.1:55905/t/empty"),
        ),
        (
            "t/nonsemver",
            &["latest", "v1.0.0", "1.0"],
            None,
            false,
            Err("unable to locate any tags in provided repository: oci://127.0.0.1:55905/t/nonsemver"),
        ),
        (
            "t/pre",
            &["1.0.0-rc.1", "1.0.0-rc.2"],
            None,
            false,
            Err("could not locate a version matching provided version string "),
        ),
        ("t/pre", &["1.0.0-rc.1", "1.0.0-rc.2"], None, true, Ok("listed 1.0.0-rc.2")),
        ("t/ties", &["1.0.0_a", "1.0.0_b", "0.5.0"], None, false, Ok("listed 1.0.0_a")),
        ("t/paged", &["1.0.0", "3.0.0"], None, false, Ok("listed 3.0.0")),
    ];
    for (repo, tags, version, devel, want) in rows {
        let got = resolve(&format!("oci://127.0.0.1:55905/{repo}"), *version, *devel, tags);
        assert_eq!(got.as_deref().map_err(String::as_str), *want, "{repo} {tags:?} {version:?}");
    }
    // An empty repository with a tag in the reference is fetched directly (helm: `not found`).
    assert_eq!(resolve("oci://127.0.0.1:55905/t/empty:1.0.0", None, false, &[]).as_deref(), Ok("1.0.0"));
}

#[test]
fn digest_pulls_plan_a_tag_check() {
    // helm v4.1.4: `res:0.1.0@<digest>` resolved the tag first (a mismatch failed with
    // `chart reference digest mismatch: <resolved> is not <wanted>`), `res:nope@<digest>` and
    // `res@<digest>` pulled by digest.
    let d = format!("sha256:{SHA}");
    let base = "oci://127.0.0.1:55905/t/res";
    assert_eq!(resolve(&format!("{base}@{d}"), None, false, &[]), Ok(format!("@{d} check None")));
    assert_eq!(resolve(&format!("{base}@{d}"), None, true, &[]), Ok(format!("@{d} check None")));
    assert_eq!(resolve(&format!("{base}:0.1.0@{d}"), None, false, &[]), Ok(format!("@{d} check Some(\"0.1.0\")")));
    assert_eq!(
        resolve(&format!("{base}@{d}"), Some("1.0.0+b"), false, &[]),
        Ok(format!("@{d} check Some(\"1.0.0_b\")"))
    );
    assert_eq!(resolve(&format!("{base}@{d}"), Some(">1.0"), false, &[]), Ok(format!("@{d} check None")));
    assert_eq!(
        resolve(&format!("{base}:0.1.0@{d}"), Some("0.2.0"), false, &[]),
        Err("chart reference and version mismatch: 0.2.0 is not 0.1.0".to_owned())
    );
    let wanted = Digest::parse(&format!("sha256:{}", "a".repeat(64))).unwrap();
    let resolved = Digest::parse(&d).unwrap();
    assert_eq!(check_tag_digest(&resolved, &resolved), Ok(()));
    assert_eq!(
        check_tag_digest(&resolved, &wanted).unwrap_err().to_string(),
        format!("chart reference digest mismatch: {d} is not sha256:{}", "a".repeat(64))
    );
}

#[test]
fn exact_version_text_wins_before_the_constraint() {
    // helm's GetTagMatchingVersionOrConstraint compares the text with each listed version first;
    // helm never gets there with a version text (those are fetched directly), so this only
    // pins the order: the exact text, not the highest match.
    let reference = Reference::parse("oci://h/c").unwrap();
    let tags = owned(&["2.0.0", "1.0.0_b"]);
    let query = TagQuery { version: "1.0.0+b".to_owned() };
    assert_eq!(pick_tag(&tags, &query, &reference).as_deref(), Ok("1.0.0_b"));
}

#[test]
fn display_order_is_semver_then_bytes() {
    let sorted = sort_by_semver_desc(&owned(RES_TAGS));
    assert_eq!(
        sorted,
        owned(&["1.1.0-alpha", "1.0.0_b", "1.0.0-rc.1", "0.9.0", "0.3.0", "0.2.0", "0.1.0", "2.0", "latest", "v2.0.0"])
    );
}
