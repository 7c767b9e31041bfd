//! The reference grammar helm inherits from oras-go v2.6.0 `registry/reference.go`
//! (`ParseReference`: distribution's repository and tag expressions) and go-digest v1.0.0
//! (`Digest.Validate`), matched by hand.

use super::gourl::is_valid_registry;
use super::ReferenceError;

/// An oras `registry.Reference`: `reference` is a tag, a digest or empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct OrasReference {
    pub(super) registry: String,
    pub(super) repository: String,
    pub(super) reference: String,
}

/// oras-go `registry.ParseReference`, with its checks in its order.
pub(super) fn parse_reference(artifact: &str) -> Result<OrasReference, ReferenceError> {
    let (registry, path) = artifact.split_once('/').ok_or(ReferenceError::MissingRegistryOrRepository)?;
    let (repository, reference, is_tag) = if let Some(at) = path.find('@') {
        // `repo:tag@digest` drops the tag without looking at it (oras "Valid Form B").
        let repository = &path[..at];
        (repository.split_once(':').map_or(repository, |(r, _)| r), &path[at + 1..], false)
    } else if let Some((repository, tag)) = path.split_once(':') {
        (repository, tag, true)
    } else {
        (path, "", false)
    };
    if !is_valid_registry(registry) {
        return Err(ReferenceError::InvalidRegistry { registry: registry.to_owned() });
    }
    if !is_valid_repository(repository) {
        return Err(ReferenceError::InvalidRepository { repository: repository.to_owned() });
    }
    if !reference.is_empty() {
        if is_tag {
            if !is_valid_tag(reference) {
                return Err(ReferenceError::InvalidTag { tag: reference.to_owned() });
            }
        } else {
            validate_digest(reference)?;
        }
    }
    Ok(OrasReference {
        registry: registry.to_owned(),
        repository: repository.to_owned(),
        reference: reference.to_owned(),
    })
}

/// distribution's repository name: `/`-separated components of lowercase letters and digits,
/// joined inside a component by one `.`, one `_`, two `__` or any run of `-`.
pub(super) fn is_valid_repository(repository: &str) -> bool {
    repository.split('/').all(is_valid_component)
}

fn is_valid_component(component: &str) -> bool {
    let b = component.as_bytes();
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !b.first().is_some_and(alnum) || !b.last().is_some_and(alnum) {
        return false;
    }
    // Every maximal run of non-alphanumerics must be one separator.
    b.split(alnum).all(|sep| sep.is_empty() || matches!(sep, b"." | b"_" | b"__") || sep.iter().all(|&c| c == b'-'))
}

/// The OCI tag expression `[\w][\w.-]{0,127}`.
pub(crate) fn is_valid_tag(tag: &str) -> bool {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let b = tag.as_bytes();
    !b.is_empty() && b.len() <= 128 && word(b[0]) && b[1..].iter().all(|&c| word(c) || c == b'.' || c == b'-')
}

/// go-digest `Digest.Validate` with the algorithms helm has linked in (sha256, sha384, sha512).
pub(super) fn validate_digest(digest: &str) -> Result<(), ReferenceError> {
    let invalid = |reason| Err(ReferenceError::InvalidDigest { digest: digest.to_owned(), reason });
    let Some(i) = digest.find(':').filter(|&i| i > 0 && i + 1 < digest.len()) else {
        return invalid(DigestProblem::Format);
    };
    let (algorithm, encoded) = (&digest[..i], &digest[i + 1..]);
    let hex_len = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ if matches_digest_grammar(digest) => return invalid(DigestProblem::Unsupported),
        _ => return invalid(DigestProblem::Format),
    };
    if encoded.len() != hex_len {
        return invalid(DigestProblem::Length);
    }
    if !encoded.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)) {
        return invalid(DigestProblem::Format);
    }
    Ok(())
}

/// go-digest's `DigestRegexpAnchored`: `[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+`.
fn matches_digest_grammar(digest: &str) -> bool {
    let Some((algorithm, encoded)) = digest.split_once(':') else {
        return false;
    };
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let a = algorithm.as_bytes();
    a.first().is_some_and(alnum)
        && a.last().is_some_and(alnum)
        && a.split(alnum).all(|sep| sep.len() <= 1 && sep.iter().all(|c| b".+_-".contains(c)))
        && !encoded.is_empty()
        && encoded.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'=' | b'_' | b'-'))
}

/// go-digest's error texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestProblem {
    /// `invalid checksum digest format`.
    Format,
    /// `invalid checksum digest length`.
    Length,
    /// `unsupported digest algorithm`.
    Unsupported,
}

impl DigestProblem {
    /// go-digest's message.
    pub fn message(self) -> &'static str {
        match self {
            DigestProblem::Format => "invalid checksum digest format",
            DigestProblem::Length => "invalid checksum digest length",
            DigestProblem::Unsupported => "unsupported digest algorithm",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_grammar() {
        // Accepted/refused by helm v4.1.4 `helm push x.tgz oci://127.0.0.1:1/<repo>` (refusals read
        // `invalid reference: invalid repository "<repo>/mychart"`, acceptances reach the network).
        for (repo, ok) in [
            ("charts", true),
            ("a__b/c", true),
            ("a--b/c.d", true),
            ("a_b.c-d", true),
            ("a---b", true),
            ("CHARTS", false),
            ("charts/Y_Bad.Name", false),
            ("a___b", false),
            ("-a", false),
            ("a_", false),
            ("", false),
            ("a//b", false),
            ("a..b", false),
            ("a._b", false),
            ("a-_b", false),
            ("a%20b", false),
            ("charts?x=1", false),
        ] {
            assert_eq!(is_valid_repository(repo), ok, "{repo:?}");
        }
    }

    #[test]
    fn tag_grammar() {
        let long = "a".repeat(128);
        for (tag, ok) in [
            ("0.1.0", true),
            ("1.0.0_b", true),
            ("_x", true),
            (long.as_str(), true),
            ("-x", false),
            (".x", false),
            ("0.1.0+b", false),
            ("a:b", false),
            ("", false),
        ] {
            assert_eq!(is_valid_tag(tag), ok, "{tag:?}");
        }
        assert!(!is_valid_tag(&"a".repeat(129)));
    }

    #[test]
    fn digest_errors_are_go_digest_s() {
        // helm v4.1.4 `helm pull oci://127.0.0.1:1/charts/x@<digest>`:
        // `invalid reference: invalid digest "<digest>": <reason>`.
        let sha = "e23ab3ed0f0de52bc56649a2519f83f6d2c3c386edd151236751cccd55797bc7";
        for (digest, want) in [
            (format!("sha256:{sha}"), None),
            (format!("sha512:{}", "a".repeat(128)), None),
            ("sha256:abc".to_owned(), Some(DigestProblem::Length)),
            ("sha512:abc".to_owned(), Some(DigestProblem::Length)),
            ("md5:abc".to_owned(), Some(DigestProblem::Unsupported)),
            ("a".to_owned(), Some(DigestProblem::Format)),
            ("md5".to_owned(), Some(DigestProblem::Format)),
            (":abc".to_owned(), Some(DigestProblem::Format)),
            ("sha256:".to_owned(), Some(DigestProblem::Format)),
            (format!("sha256:{}", "A".repeat(64)), Some(DigestProblem::Format)),
            ("MD5:abc".to_owned(), Some(DigestProblem::Format)),
        ] {
            let got = match validate_digest(&digest) {
                Ok(()) => None,
                Err(ReferenceError::InvalidDigest { reason, .. }) => Some(reason),
                Err(other) => panic!("{digest}: {other}"),
            };
            assert_eq!(got, want, "{digest}");
        }
    }
}
