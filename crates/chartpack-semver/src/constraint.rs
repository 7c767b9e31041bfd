//! Version constraints: Masterminds `NewConstraint` (its regular expressions matched by hand) and `Check`.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::version::{compare_prerelease, is_ident_char, Version};

/// Why a constraint string was rejected; `Display` is the Masterminds/semver v3.4.0 error text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConstraintError {
    /// An `||` group (after hyphen ranges were rewritten) is not a list of `<op><version>` terms.
    #[error("improper constraint: {segment}")]
    Improper {
        /// The offending group, exactly as Masterminds reports it.
        segment: String,
    },
    /// A term is well formed but its version does not parse (`1.2.3-01`, `xx`, `1|2`).
    #[error("constraint parser error")]
    Parser {
        /// The term whose version was rejected (Masterminds does not print it).
        term: String,
    },
}

impl ConstraintError {
    /// Stable identifier of the error kind, such as `"constraint.improper"`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Improper { .. } => "constraint.improper",
            Self::Parser { .. } => "constraint.parser",
        }
    }
}

/// A parsed constraint such as `>= 1.2, < 2 || ^3`: `||` groups of AND-ed terms.
/// `Display` returns the text it was parsed from.
#[derive(Debug, Clone)]
pub struct Constraints {
    original: String,
    groups: Vec<Group>,
}

/// One `||` alternative; prereleases can only match if one of its terms names a prerelease.
#[derive(Debug, Clone)]
struct Group {
    terms: Vec<Term>,
    include_pre: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

/// Masterminds `constraint`: the operator, its version with `x` parts zeroed, and which parts were `x`.
#[derive(Debug, Clone)]
struct Term {
    op: Op,
    con: Version,
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

/// The operators of Masterminds' `ops` pattern (its `=||!=` hides the empty one).
const OPS: [(&str, Op); 12] = [
    ("", Op::TildeOrEqual),
    ("=", Op::TildeOrEqual),
    ("!=", Op::NotEqual),
    (">", Op::Greater),
    ("<", Op::Less),
    (">=", Op::GreaterEqual),
    ("=>", Op::GreaterEqual),
    ("<=", Op::LessEqual),
    ("=<", Op::LessEqual),
    ("~", Op::Tilde),
    ("~>", Op::Tilde),
    ("^", Op::Caret),
];

impl Constraints {
    /// Parses like Masterminds `NewConstraint`, including its hyphen-range rewrite and error texts.
    pub fn parse(s: &str) -> Result<Constraints, ConstraintError> {
        let rewritten = rewrite_ranges(s);
        let mut groups = Vec::new();
        for segment in rewritten.split("||") {
            let terms = split_terms(segment)
                .ok_or_else(|| ConstraintError::Improper { segment: segment.to_owned() })?
                .into_iter()
                .map(|(op, cv)| Term::new(op, &cv))
                .collect::<Result<Vec<_>, _>>()?;
            let include_pre = terms.iter().any(|t| !t.con.pre.is_empty());
            groups.push(Group { terms, include_pre });
        }
        Ok(Constraints { original: s.to_owned(), groups })
    }

    /// Whether `v` satisfies the constraint (Masterminds `Check`).
    pub fn matches(&self, v: &Version) -> bool {
        self.groups.iter().any(|g| g.terms.iter().all(|t| t.check(v, g.include_pre)))
    }
}

impl fmt::Display for Constraints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

impl FromStr for Constraints {
    type Err = ConstraintError;

    /// Same as [`Constraints::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Constraints::parse(s)
    }
}

impl Term {
    /// Masterminds `parseConstraint` for one matched `(op)(cv)`.
    fn new(op: Op, cv: &Cv<'_>) -> Result<Term, ConstraintError> {
        let (text, dirty, minor_dirty, patch_dirty) = match (cv.minor, cv.patch) {
            _ if is_x(cv.major) => (format!("0.0.0{}", cv.pre), true, false, false),
            (None, _) | (Some("x" | "X" | "*"), _) => (format!("{}.0.0{}", cv.major, cv.pre), true, true, false),
            (Some(minor), None | Some("x" | "X" | "*")) => {
                (format!("{}.{minor}.0{}", cv.major, cv.pre), true, false, true)
            }
            _ => (cv.whole.to_owned(), false, false, false),
        };
        let con = Version::parse(&text).map_err(|_| ConstraintError::Parser { term: cv.whole.to_owned() })?;
        Ok(Term { op, con, dirty, minor_dirty, patch_dirty })
    }

    /// Masterminds' `constraint*` functions (`check`), without their explanatory errors.
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        match self.op {
            Op::TildeOrEqual if self.dirty => self.tilde(v),
            Op::TildeOrEqual => v == c,
            Op::NotEqual => self.not_equal(v),
            Op::Greater if !self.dirty => v > c,
            Op::Greater => match v.major.cmp(&c.major) {
                Ordering::Greater => true,
                Ordering::Less => false,
                // `>1` needs 2.0.0 or more; `>1.2` needs 1.3.0 or more.
                Ordering::Equal if self.minor_dirty => false,
                Ordering::Equal if self.patch_dirty => v.minor > c.minor,
                Ordering::Equal => v > c,
            },
            Op::Less => v < c,
            Op::GreaterEqual => v >= c,
            Op::LessEqual if !self.dirty => v <= c,
            Op::LessEqual => !(v.major > c.major || (v.major == c.major && v.minor > c.minor && !self.minor_dirty)),
            Op::Tilde => self.tilde(v),
            Op::Caret => self.caret(v),
        }
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.dirty {
            if c.major != v.major {
                return true;
            }
            if c.minor != v.minor && !self.minor_dirty {
                return true;
            } else if self.minor_dirty {
                return false;
            } else if c.patch != v.patch && !self.patch_dirty {
                return true;
            } else if self.patch_dirty {
                return (!v.pre.is_empty() || !c.pre.is_empty())
                    && compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
            }
        }
        v != c
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v < c {
            return false;
        }
        // `~0.0.0` accepts everything (a Masterminds special case).
        if (c.major, c.minor, c.patch) == (0, 0, 0) && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        v.major == c.major && (v.minor == c.minor || self.minor_dirty)
    }

    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v < c {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        v.minor == 0 && v.patch == c.patch
    }
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

/// Go `\s`: `[\t\n\f\r ]` (not `\v`).
fn is_ws(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_op_char(c: u8) -> bool {
    matches!(c, b'=' | b'!' | b'>' | b'<' | b'~' | b'^')
}

/// `[0-9|x|X|\*]`: the class of a constraint's numeric parts (yes, `|` is in it).
fn is_x_char(c: u8) -> bool {
    c.is_ascii_digit() || matches!(c, b'|' | b'x' | b'X' | b'*')
}

/// Every character `cvRegex` can consume.
fn is_cv_char(c: u8) -> bool {
    is_ident_char(c) || matches!(c, b'|' | b'*' | b'.' | b'+')
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|&c| is_ws(c)) {
        i += 1;
    }
    i
}

/// The submatches of Masterminds `cvRegex` that `parseConstraint` uses.
#[derive(Debug)]
struct Cv<'a> {
    /// The whole match, `v` and `+metadata` included.
    whole: &'a str,
    major: &'a str,
    /// Without the leading `.`.
    minor: Option<&'a str>,
    patch: Option<&'a str>,
    /// `-prerelease` with its dash, or `""`.
    pre: &'a str,
}

/// The greedy (leftmost-first) match of `cvRegex` at the start of `s`, as Go's regexp picks it.
fn cv_prefix(s: &str) -> Option<Cv<'_>> {
    let b = s.as_bytes();
    let take = |i: usize, f: fn(u8) -> bool| i + b.get(i..).unwrap_or_default().iter().take_while(|&&c| f(c)).count();
    // `(sep[class]+(\.[class]+)*)?`: the end of the list starting at `i`, or `i` if there is none.
    let dotted = |i: usize, sep: u8| {
        if b.get(i) != Some(&sep) || !b.get(i + 1).is_some_and(|&c| is_ident_char(c)) {
            return i;
        }
        let mut end = take(i + 1, is_ident_char);
        while b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(|&c| is_ident_char(c)) {
            end = take(end + 1, is_ident_char);
        }
        end
    };
    let start = usize::from(b.first() == Some(&b'v'));
    let mut i = take(start, is_x_char);
    if i == start {
        return None;
    }
    let major = s.get(start..i)?;
    let mut parts = [None, None];
    for slot in &mut parts {
        if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(|&c| is_x_char(c)) {
            let end = take(i + 1, is_x_char);
            *slot = Some(s.get(i + 1..end)?);
            i = end;
        }
    }
    let pre_end = dotted(i, b'-');
    let pre = s.get(i..pre_end)?;
    let end = dotted(pre_end, b'+');
    Some(Cv { whole: s.get(..end)?, major, minor: parts[0], patch: parts[1], pre })
}

/// `cvRegex` matched against all of `s`.
fn cv_full(s: &str) -> Option<Cv<'_>> {
    cv_prefix(s).filter(|cv| cv.whole.len() == s.len())
}

/// Matches one `||` group against `validConstraintRegex` and splits it into its terms as
/// `findConstraintRegex` does: `\s*` then terms `<op>\s*<cv>` joined by `\s+` or `\s*,\s*`.
fn split_terms(segment: &str) -> Option<Vec<(Op, Cv<'_>)>> {
    let b = segment.as_bytes();
    let mut i = skip_ws(b, 0);
    let mut terms = Vec::new();
    loop {
        let op_start = i;
        while b.get(i).is_some_and(|&c| is_op_char(c)) {
            i += 1;
        }
        let op_text = segment.get(op_start..i)?;
        let op = OPS.iter().find(|(text, _)| *text == op_text)?.1;
        let cv_start = skip_ws(b, i);
        i = cv_start;
        while b.get(i).is_some_and(|&c| is_cv_char(c)) {
            i += 1;
        }
        terms.push((op, cv_full(segment.get(cv_start..i)?)?));
        let after = i;
        i = skip_ws(b, i);
        match b.get(i) {
            None => return Some(terms),
            Some(b',') => i = skip_ws(b, i + 1),
            Some(_) if i == after => return None,
            Some(_) => {}
        }
    }
}

/// Masterminds `rewriteRange`: every match of `\s*(cv)\s+-\s+(cv)\s*` is replaced by `>= A, <= B `,
/// each by `strings.Replace(o, match, …, 1)` — the first occurrence in the text so far, as in Go.
fn rewrite_ranges(s: &str) -> String {
    let b = s.as_bytes();
    let mut found = Vec::new();
    let (mut pos, mut i) = (0, 0);
    while i < b.len() {
        if !is_cv_char(b[i]) {
            i += 1;
            continue;
        }
        let run_end = i + b[i..].iter().take_while(|&&c| is_cv_char(c)).count();
        // The first cv must end where the run ends (the next byte has to be whitespace), so check the
        // tail once per run before looking for the leftmost start inside it.
        let cv1 = |tail| Some((tail, leftmost_cv_start(b.get(i..run_end)?)?));
        if let Some(((to_start, to_end), first)) = range_tail(s, run_end).and_then(cv1) {
            let from = i + first;
            let mut m0 = from;
            while m0 > pos && is_ws(b[m0 - 1]) {
                m0 -= 1;
            }
            let m1 = skip_ws(b, to_end);
            if let (Some(whole), Some(lo), Some(hi)) = (s.get(m0..m1), s.get(from..run_end), s.get(to_start..to_end)) {
                found.push((whole, format!(">= {lo}, <= {hi} ")));
            }
            pos = m1;
            i = m1;
        } else {
            i = run_end;
        }
    }
    let mut out = s.to_owned();
    for (whole, replacement) in found {
        out = out.replacen(whole, &replacement, 1);
    }
    out
}

/// After a first cv ending at `at`: `\s+-\s+` and a second cv; returns the second cv's span.
fn range_tail(s: &str, at: usize) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let dash = skip_ws(b, at);
    if dash == at || b.get(dash) != Some(&b'-') {
        return None;
    }
    let start = skip_ws(b, dash + 1);
    if start == dash + 1 {
        return None;
    }
    let cv = cv_prefix(s.get(start..)?)?;
    Some((start, start + cv.whole.len()))
}

/// The smallest `p` such that all of `run[p..]` matches `cvRegex`, found in one right-to-left pass of
/// the reversed pattern `(M\+)?(M-)?(X+\.)?(X+\.)?X+v?` so that long runs stay linear.
fn leftmost_cv_start(run: &[u8]) -> Option<usize> {
    const META_START: u16 = 1 << 0;
    const META: u16 = 1 << 1;
    const META_DOT: u16 = 1 << 2;
    const PRE_START: u16 = 1 << 3;
    const PRE: u16 = 1 << 4;
    const PRE_DOT: u16 = 1 << 5;
    const CORE_START: u16 = 1 << 6;
    const CORE: [u16; 3] = [1 << 7, 1 << 8, 1 << 9];
    const CORE_DOT: [u16; 2] = [1 << 10, 1 << 11];
    const V: u16 = 1 << 12;
    const ACCEPT: u16 = CORE[0] | CORE[1] | CORE[2] | V;

    let mut state = META_START | PRE_START | CORE_START;
    let mut best = None;
    for (p, &c) in run.iter().enumerate().rev() {
        let (ident, x) = (is_ident_char(c), is_x_char(c));
        let mut next = 0;
        let mut on = |from: u16, cond: bool, to: u16| {
            if state & from != 0 && cond {
                next |= to;
            }
        };
        on(META_START | META | META_DOT, ident, META);
        on(META, c == b'.', META_DOT);
        on(META, c == b'+', PRE_START | CORE_START);
        on(PRE_START | PRE | PRE_DOT, ident, PRE);
        on(PRE, c == b'.', PRE_DOT);
        on(PRE, c == b'-', CORE_START);
        on(CORE_START | CORE[0], x, CORE[0]);
        on(CORE[0], c == b'.', CORE_DOT[0]);
        on(CORE_DOT[0] | CORE[1], x, CORE[1]);
        on(CORE[1], c == b'.', CORE_DOT[1]);
        on(CORE_DOT[1] | CORE[2], x, CORE[2]);
        on(CORE[0] | CORE[1] | CORE[2], c == b'v', V);
        state = next;
        if state == 0 {
            break;
        }
        if state & ACCEPT != 0 {
            best = Some(p);
        }
    }
    best
}

#[cfg(test)]
mod tests;
