//! One semantic version: Masterminds' lenient and strict parsers, its `String()` form and its `Compare` order.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// Why a version string was rejected; `Display` is the Masterminds/semver v3.4.0 error text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// Strict parsing of `""` (`ErrEmptyString`).
    #[error("version string empty")]
    Empty,
    /// The string is not of the accepted shape (`ErrInvalidSemVer`).
    #[error("invalid semantic version")]
    Invalid,
    /// Strict parsing found a non-digit in `X`, `Y` or `Z` (`ErrInvalidCharacters`).
    #[error("invalid characters in version")]
    InvalidCharacters,
    /// A numeric prerelease identifier (or, strictly, a numeric part) has a leading zero (`ErrSegmentStartsZero`).
    #[error("version segment starts with 0")]
    SegmentStartsZero,
    /// Strict parsing found an empty or non-`[0-9A-Za-z-]` prerelease identifier (`ErrInvalidPrerelease`).
    #[error("invalid prerelease string")]
    InvalidPrerelease,
    /// Strict parsing found an empty or non-`[0-9A-Za-z-]` build identifier (`ErrInvalidMetadata`).
    #[error("invalid metadata string")]
    InvalidMetadata,
    /// Lenient parsing: a numeric part does not fit in a `u64`.
    #[error("error parsing version segment: strconv.ParseUint: parsing \"{segment}\": value out of range")]
    SegmentOutOfRange {
        /// The digits as written.
        segment: String,
    },
    /// Strict parsing: a numeric part is empty (`1..2`); Go's unwrapped `strconv.ParseUint` error.
    #[error("strconv.ParseUint: parsing \"\": invalid syntax")]
    StrictSegmentEmpty,
    /// Strict parsing: a numeric part does not fit in a `u64`; Go's unwrapped `strconv.ParseUint` error.
    #[error("strconv.ParseUint: parsing \"{segment}\": value out of range")]
    StrictSegmentOutOfRange {
        /// The digits as written.
        segment: String,
    },
}

impl VersionError {
    /// Stable identifier of the error kind, such as `"semver.invalid"`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "semver.empty",
            Self::Invalid => "semver.invalid",
            Self::InvalidCharacters => "semver.invalid_characters",
            Self::SegmentStartsZero => "semver.segment_starts_zero",
            Self::InvalidPrerelease => "semver.invalid_prerelease",
            Self::InvalidMetadata => "semver.invalid_metadata",
            Self::SegmentOutOfRange { .. } | Self::StrictSegmentEmpty | Self::StrictSegmentOutOfRange { .. } => {
                "semver.segment_out_of_range"
            }
        }
    }
}

/// A parsed version. Equality and order are Masterminds' `Compare`: build metadata is ignored,
/// so `1.2.3+a == 1.2.3+b`; `Display` is its `String()` (`v1.2` prints `1.2.0`).
#[derive(Debug, Clone)]
pub struct Version {
    pub(crate) major: u64,
    pub(crate) minor: u64,
    pub(crate) patch: u64,
    pub(crate) pre: String,
    metadata: String,
    original: String,
}

impl Version {
    /// Parses like Masterminds `NewVersion` (helm's chart versions): optional `v`, one to three numeric
    /// parts (leading zeros allowed), then `-prerelease` and `+metadata`.
    pub fn parse(s: &str) -> Result<Version, VersionError> {
        // The shape of `^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-P(\.P)*)?(\+P(\.P)*)?$`, P = [0-9A-Za-z-]+.
        let b = s.as_bytes();
        let mut i = usize::from(b.first() == Some(&b'v'));
        let mut nums = [None, None, None];
        for (k, slot) in nums.iter_mut().enumerate() {
            let start = if k == 0 {
                i
            } else if b.get(i) == Some(&b'.') {
                i + 1
            } else {
                break;
            };
            let end = scan(b, start, |c| c.is_ascii_digit());
            if end == start {
                return Err(VersionError::Invalid);
            }
            *slot = Some(&s[start..end]);
            i = end;
        }
        let pre = dotted_after(s, &mut i, b'-')?;
        let metadata = dotted_after(s, &mut i, b'+')?;
        if i != b.len() {
            return Err(VersionError::Invalid);
        }
        let [major, minor, patch] = nums.map(|n| match n {
            None => Ok(0),
            Some(digits) => {
                parse_u64(digits).ok_or_else(|| VersionError::SegmentOutOfRange { segment: digits.to_owned() })
            }
        });
        let (major, minor, patch) = (major?, minor?, patch?);
        if !pre.is_empty() {
            validate_prerelease(pre)?;
        }
        Ok(Version { major, minor, patch, pre: pre.to_owned(), metadata: metadata.to_owned(), original: s.to_owned() })
    }

    /// Parses like Masterminds `StrictNewVersion`: exactly `X.Y.Z[-pre][+build]`, no `v`, no leading zeros.
    pub fn parse_strict(s: &str) -> Result<Version, VersionError> {
        if s.is_empty() {
            return Err(VersionError::Empty);
        }
        let mut parts = s.splitn(3, '.');
        let (Some(major), Some(minor), Some(mut patch)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(VersionError::Invalid);
        };
        let mut metadata = "";
        if let Some((rest, m)) = patch.split_once('+') {
            validate_metadata(m)?;
            (patch, metadata) = (rest, m);
        }
        let mut pre = "";
        if let Some((rest, p)) = patch.split_once('-') {
            validate_prerelease(p)?;
            (patch, pre) = (rest, p);
        }
        let parts = [major, minor, patch];
        for p in parts {
            if !p.bytes().all(|c| c.is_ascii_digit()) {
                return Err(VersionError::InvalidCharacters);
            }
            if p.len() > 1 && p.starts_with('0') {
                return Err(VersionError::SegmentStartsZero);
            }
        }
        let [major, minor, patch] = parts.map(|p| match p {
            "" => Err(VersionError::StrictSegmentEmpty),
            p => parse_u64(p).ok_or_else(|| VersionError::StrictSegmentOutOfRange { segment: p.to_owned() }),
        });
        Ok(Version {
            major: major?,
            minor: minor?,
            patch: patch?,
            pre: pre.to_owned(),
            metadata: metadata.to_owned(),
            original: s.to_owned(),
        })
    }

    /// The text this version was parsed from (`Original()`).
    pub fn original(&self) -> &str {
        &self.original
    }

    /// The major number.
    pub fn major(&self) -> u64 {
        self.major
    }

    /// The minor number (0 when omitted).
    pub fn minor(&self) -> u64 {
        self.minor
    }

    /// The patch number (0 when omitted).
    pub fn patch(&self) -> u64 {
        self.patch
    }

    /// The prerelease without its `-`, or `""`.
    pub fn prerelease(&self) -> &str {
        &self.pre
    }

    /// The build metadata without its `+`, or `""`.
    pub fn metadata(&self) -> &str {
        &self.metadata
    }
}

/// Advances over bytes matching `f` from `start`; returns the end.
fn scan(b: &[u8], start: usize, f: impl Fn(u8) -> bool) -> usize {
    start + b.get(start..).unwrap_or_default().iter().take_while(|&&c| f(c)).count()
}

/// `[0-9A-Za-z-]`: the identifier characters of prereleases and build metadata.
pub(crate) fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

/// Lenient `(<sep>P(\.P)*)?` at `*i`: `""` if `sep` is absent, `Invalid` if it starts a malformed list.
fn dotted_after<'a>(s: &'a str, i: &mut usize, sep: u8) -> Result<&'a str, VersionError> {
    let b = s.as_bytes();
    if b.get(*i) != Some(&sep) {
        return Ok("");
    }
    let start = *i + 1;
    let end = scan(b, start, |c| is_ident_char(c) || c == b'.');
    let text = &s[start..end];
    if text.split('.').any(str::is_empty) {
        return Err(VersionError::Invalid);
    }
    *i = end;
    Ok(text)
}

/// Go `strconv.ParseUint(s, 10, 64)` for a non-empty run of ASCII digits; `None` on overflow.
pub(crate) fn parse_u64(digits: &str) -> Option<u64> {
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.bytes().try_fold(0u64, |n, c| n.checked_mul(10)?.checked_add(u64::from(c - b'0')))
}

/// Masterminds `validatePrerelease`.
fn validate_prerelease(p: &str) -> Result<(), VersionError> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err(VersionError::InvalidPrerelease);
        } else if part.bytes().all(|c| c.is_ascii_digit()) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(VersionError::SegmentStartsZero);
            }
        } else if !part.bytes().all(is_ident_char) {
            return Err(VersionError::InvalidPrerelease);
        }
    }
    Ok(())
}

/// Masterminds `validateMetadata`.
fn validate_metadata(m: &str) -> Result<(), VersionError> {
    if m.split('.').any(|part| part.is_empty() || !part.bytes().all(is_ident_char)) {
        return Err(VersionError::InvalidMetadata);
    }
    Ok(())
}

/// Masterminds `comparePrerelease`: dot-separated parts, a missing part sorts first.
pub(crate) fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.split('.'), b.split('.'));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Ordering::Equal,
            (s, o) => match compare_pre_part(s.unwrap_or(""), o.unwrap_or("")) {
                Ordering::Equal => {}
                d => return d,
            },
        }
    }
}

/// Masterminds `comparePrePart`: numbers (that fit a `u64`) sort before strings, strings sort bytewise.
fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (parse_u64(s), parse_u64(o)) {
        (None, None) => s.cmp(o),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        // Equal values with different spellings cannot occur: leading zeros are rejected at parse time.
        (Some(si), Some(oi)) => si.cmp(&oi),
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch)).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &other.pre),
            }
        })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Metadata and the original text are left out, as in `Eq`.
        (self.major, self.minor, self.patch, &self.pre).hash(state);
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

impl FromStr for Version {
    type Err = VersionError;

    /// Same as [`Version::parse`] (lenient).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

#[cfg(test)]
mod tests;
