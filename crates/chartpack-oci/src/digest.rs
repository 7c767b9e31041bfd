//! Content digests (`sha256:<64 hex>`), parsed once and valid forever.

use std::fmt;

use sha2::{Digest as _, Sha256};

/// A `sha256` content digest. Other algorithms are refused when parsed: helm only writes
/// sha256 and the distribution spec requires registries to support it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    hex: String,
}

/// Why a digest string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid digest {value:?}: {reason}")]
pub struct DigestError {
    /// The refused text.
    pub value: String,
    /// What was wrong with it.
    pub reason: &'static str,
}

impl Digest {
    /// The sha256 digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest { hex: hex(&Sha256::digest(bytes)) }
    }

    /// Parses `sha256:<64 lowercase hex>`.
    pub fn parse(text: &str) -> Result<Digest, DigestError> {
        let refuse = |reason| DigestError { value: text.to_owned(), reason };
        let (algorithm, hex) = text.split_once(':').ok_or_else(|| refuse("missing \"algorithm:\" prefix"))?;
        if algorithm != "sha256" {
            return Err(refuse("unsupported algorithm (only sha256)"));
        }
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(refuse("sha256 needs 64 lowercase hex digits"));
        }
        Ok(Digest { hex: hex.to_owned() })
    }

    /// The 64 hex digits.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// Whether `bytes` hash to this digest.
    pub fn matches(&self, bytes: &[u8]) -> bool {
        Digest::of(bytes) == *self
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex)
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_of_empty_input_is_the_well_known_one() {
        let d = Digest::of(b"");
        assert_eq!(d.to_string(), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(Digest::parse(&d.to_string()), Ok(d.clone()));
        assert!(d.matches(b""));
        assert!(!d.matches(b"x"));
    }

    #[test]
    fn refuses_other_algorithms_and_bad_hex() {
        for bad in ["", "sha256", "sha512:00", "sha256:ABC", &format!("sha256:{}", "A".repeat(64)), "md5:x"] {
            assert!(Digest::parse(bad).is_err(), "{bad}");
        }
    }
}
