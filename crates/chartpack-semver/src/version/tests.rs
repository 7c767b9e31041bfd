//! Tests for `Version`. Expected parse results, texts and orders come from helm v4.1.4 or `helm-behaviour.md`
//! §6.4, as each test says; the last tests check chartpack's own API invariants, not helm values.

use super::*;

#[track_caller]
fn check(input: &str, want: Result<(), &str>) {
    let got = Version::parse(input).map(|_| ()).map_err(|e| e.to_string());
    assert_eq!(got, want.map_err(str::to_owned), "Version::parse({input:?})");
}

#[track_caller]
fn check_strict(input: &str, strict_ok: bool) {
    assert!(Version::parse(input).is_ok(), "{input:?} must be lenient-valid for this check");
    assert_eq!(Version::parse_strict(input).is_ok(), strict_ok, "Version::parse_strict({input:?})");
}

#[track_caller]
fn check_display(input: &str, display: &str) {
    let v = Version::parse(input).expect("valid");
    assert_eq!((v.to_string().as_str(), v.original()), (display, input));
}

// helm-behaviour.md §6.4 (reference).
#[test]
fn reference_accepted() {
    for v in ["1", "1.2", "v1.2.3", "01.02.03", "1.2.3-0a", "1.2.3+01"] {
        check(v, Ok(()));
    }
}

#[test]
fn reference_rejected() {
    for v in ["V1.2.3", "1.2.3.4", "1.2.3-", "1.2.3-beta..1", "1.2.3-beta_1", "1.2.x", " 1.2.3", "1.2.3 "] {
        check(v, Err("invalid semantic version"));
    }
    check("1.2.3-01", Err("version segment starts with 0"));
}

/// `helm package c --version V` (helm v4.1.4): accepted, or the error after `Error: `.
const HELM_PACKAGE: &[(&str, Result<(), &str>)] = &[
    ("1", Ok(())),
    ("1.2", Ok(())),
    ("v1.2.3", Ok(())),
    ("01.02.03", Ok(())),
    ("1.2.3-0a", Ok(())),
    ("1.2.3+01", Ok(())),
    ("V1.2.3", Err("invalid semantic version")),
    ("1.2.3.4", Err("invalid semantic version")),
    ("1.2.3-", Err("invalid semantic version")),
    ("1.2.3-beta..1", Err("invalid semantic version")),
    ("1.2.3-beta_1", Err("invalid semantic version")),
    ("1.2.x", Err("invalid semantic version")),
    (" 1.2.3", Err("invalid semantic version")),
    ("1.2.3 ", Err("invalid semantic version")),
    ("1.2.3-0", Ok(())),
    ("1.2.3-00", Err("version segment starts with 0")),
    ("1.2.3-0.0", Ok(())),
    ("1.2.3-1.01", Err("version segment starts with 0")),
    ("1.2.3+00", Ok(())),
    ("1.2.3+", Err("invalid semantic version")),
    ("1.2.3+a..b", Err("invalid semantic version")),
    ("1.2.3+a_b", Err("invalid semantic version")),
    ("v", Err("invalid semantic version")),
    ("v1", Ok(())),
    ("vv1", Err("invalid semantic version")),
    ("1.2.3-a+b+c", Err("invalid semantic version")),
    ("1..2", Err("invalid semantic version")),
    ("1.2.", Err("invalid semantic version")),
    (".1.2", Err("invalid semantic version")),
    ("-1.2.3", Err("invalid semantic version")),
    ("1.2.3-\u{3b1}", Err("invalid semantic version")),
    ("1.2.3-x.-y", Ok(())),
    ("1.2.3--", Ok(())),
    ("1.2.3-a-", Ok(())),
    ("18446744073709551615.18446744073709551615.18446744073709551615", Ok(())),
    (
        "18446744073709551616.0.0",
        Err("error parsing version segment: strconv.ParseUint: parsing \"18446744073709551616\": value out of range"),
    ),
    (
        "0.18446744073709551616",
        Err("error parsing version segment: strconv.ParseUint: parsing \"18446744073709551616\": value out of range"),
    ),
    (
        "1.2.99999999999999999999",
        Err("error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range"),
    ),
    ("00000000000000000000000001.0.0", Ok(())),
    ("1.2.3-99999999999999999999", Ok(())),
    ("1.2.3-beta.01", Err("version segment starts with 0")),
    ("1.2.3-01.beta", Err("version segment starts with 0")),
    ("1-0", Ok(())),
    ("1-01", Err("version segment starts with 0")),
    ("1+b", Ok(())),
    ("1.2+b", Ok(())),
    ("1.2-rc.1+b.2", Ok(())),
    ("01", Ok(())),
    ("0.0.0", Ok(())),
    ("v0", Ok(())),
    ("1.2.3-rc.1+build.01", Ok(())),
    ("1.2.3-+b", Err("invalid semantic version")),
    ("1.2.3+-", Ok(())),
    ("1.2.3-x+", Err("invalid semantic version")),
    ("x", Err("invalid semantic version")),
    ("*", Err("invalid semantic version")),
    ("1.2.3\n", Err("invalid semantic version")),
    ("1.2.3-0123abc", Ok(())),
];

#[test]
fn helm_package_versions() {
    for &(input, want) in HELM_PACKAGE {
        check(input, want);
    }
}

/// `helm lint` (helm v4.1.4): `version 'V' is not a valid SemVerV2` is StrictNewVersion failing.
#[test]
fn helm_lint_strict() {
    for v in ["1.2.3", "1.2.3-0a", "1.2.3-beta.1+b", "1.2.3+01", "1.2.3-x.-y", "18446744073709551615.0.0", "0.0.0"] {
        check_strict(v, true);
    }
    for v in ["1.2.3-rc.1+build.01", "1.2.3+b"] {
        check_strict(v, true);
    }
    for v in ["1.2", "1", "v1.2.3", "01.2.3", "1.02.3", "1.2.03", "1-beta", "1.2-beta", "00.0.0"] {
        check_strict(v, false);
    }
}

/// `helm lint` (helm v4.1.4) prints `version <String()> is less than or equal to 0.0.0-0`.
#[test]
fn helm_lint_display() {
    check_display("v0.0.0-0", "0.0.0-0");
    check_display("00.0.0-0+b.1", "0.0.0-0+b.1");
    check_display("v0-0", "0.0.0-0");
    check_display("0.0-0+x", "0.0.0-0+x");
    check_display("v00.00.000-0", "0.0.0-0");
}

/// API invariant: the accessors return the parts of the input.
#[test]
fn accessors() {
    let v = Version::parse("v1.2.3-beta.1+b.2").expect("valid");
    assert_eq!((v.major(), v.minor(), v.patch()), (1, 2, 3));
    assert_eq!((v.prerelease(), v.metadata(), v.original()), ("beta.1", "b.2", "v1.2.3-beta.1+b.2"));
}

/// API invariant: `Hash` agrees with `Eq` (helm's sort ties `1.2.3` with `1.2.3+other`).
#[test]
fn metadata_is_ignored_by_eq_and_hash() {
    use std::collections::hash_map::DefaultHasher;
    let (a, b) = (Version::parse("1.2.3+a").expect("valid"), Version::parse("01.2.3+b").expect("valid"));
    let hash = |v: &Version| {
        let mut h = DefaultHasher::new();
        v.hash(&mut h);
        h.finish()
    };
    assert_eq!(a, b);
    assert_eq!(hash(&a), hash(&b));
}

/// chartpack's own `code()` values.
#[test]
fn error_codes_are_stable() {
    assert_eq!(Version::parse("x").map_err(|e| e.code()), Err("semver.invalid"));
    assert_eq!(Version::parse("1.2.3-01").map_err(|e| e.code()), Err("semver.segment_starts_zero"));
}
