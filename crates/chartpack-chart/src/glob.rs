//! Go `path/filepath.Match` on `/`-separated paths, the glob dialect of `.helmignore`.

/// Why a pattern is malformed; Go reports every case as `syntax error in pattern`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadPattern;

impl std::fmt::Display for BadPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("syntax error in pattern")
    }
}

/// Reports whether `name` matches the shell pattern, with Go's rules: `*` and `?` never match
/// `/`, `[...]`/`[^...]` classes with ranges, `\` escapes. Like Go (since 1.16) a malformed pattern
/// is an error even when the part of the name examined so far already failed to match.
pub fn matches(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let mut pattern = pattern.as_bytes();
    let mut name = name.as_bytes();
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // Trailing `*` matches the rest of the name unless it holds a separator.
            return Ok(!name.contains(&b'/'));
        }
        // Try the chunk at the current position.
        match match_chunk(chunk, name)? {
            Some(t) if t.is_empty() || !pattern.is_empty() => {
                name = t;
                continue;
            }
            _ => {}
        }
        if star {
            // Look for a match skipping i+1 bytes; `*` cannot skip a separator.
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                if let Some(t) = match_chunk(chunk, &name[i + 1..])? {
                    // Unless this is the last chunk, the rest must be tried too.
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                i += 1;
            }
        }
        // No match here: Go still validates the rest of the pattern before answering.
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, b"")?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Splits off the next chunk: leading stars, then everything up to the next unbracketed `*`.
fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while let [b'*', rest @ ..] = pattern {
        pattern = rest;
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            // Skip the escaped byte (if any); Go only does this outside Windows.
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// Matches `chunk` (no unbracketed `*`) at the start of `s`, returning the unmatched rest.
/// Errors when the chunk is malformed; keeps checking the chunk's syntax after a mismatch.
fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> Result<Option<&'a [u8]>, BadPattern> {
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match chunk[0] {
            b'[' => {
                let (r, n) = if failed { (' ', 0) } else { decode_rune(s) };
                if !failed {
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let negated = matches!(chunk.first(), Some(b'^'));
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if let Some(b']') = chunk.first() {
                        if ranges > 0 {
                            chunk = &chunk[1..];
                            break;
                        }
                    }
                    let (lo, rest) = get_escaped(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if let Some(b'-') = chunk.first() {
                        let (h, rest) = get_escaped(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            b'\\' => {
                chunk = &chunk[1..];
                if chunk.is_empty() {
                    return Err(BadPattern);
                }
                if !failed {
                    if chunk[0] != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
            c => {
                if !failed {
                    if c != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    Ok(if failed { None } else { Some(s) })
}

/// Reads one possibly escaped character of a `[...]` class.
fn get_escaped(chunk: &[u8]) -> Result<(char, &[u8]), BadPattern> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some(b'-') | Some(b']') => return Err(BadPattern),
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(BadPattern);
            }
        }
        _ => {}
    }
    let (r, n) = decode_rune(chunk);
    if r == char::REPLACEMENT_CHARACTER && n == 1 {
        return Err(BadPattern);
    }
    let rest = &chunk[n..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((r, rest))
}

/// Decodes the first UTF-8 character like Go's `utf8.DecodeRune` (invalid byte → U+FFFD, 1).
fn decode_rune(s: &[u8]) -> (char, usize) {
    let len = match s.first() {
        None => return (char::REPLACEMENT_CHARACTER, 0),
        Some(b) if *b < 0x80 => return (*b as char, 1),
        Some(b) if b >> 5 == 0b110 => 2,
        Some(b) if b >> 4 == 0b1110 => 3,
        Some(b) if b >> 3 == 0b11110 => 4,
        Some(_) => return (char::REPLACEMENT_CHARACTER, 1),
    };
    match s.get(..len).and_then(|b| std::str::from_utf8(b).ok()).and_then(|t| t.chars().next()) {
        Some(c) => (c, len),
        None => (char::REPLACEMENT_CHARACTER, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(pattern: &str, name: &str, expected: Result<bool, BadPattern>) {
        assert_eq!(matches(pattern, name), expected, "pattern {pattern:?} name {name:?}");
    }

    // Cases from Go's path/filepath match_test.go table (the behaviour helm inherits).
    #[test]
    fn go_match_table() {
        let ok = |b| Ok(b);
        check("abc", "abc", ok(true));
        check("*", "abc", ok(true));
        check("*c", "abc", ok(true));
        check("a*", "a", ok(true));
        check("a*", "abc", ok(true));
        check("a*", "ab/c", ok(false));
        check("a*/b", "abc/b", ok(true));
        check("a*/b", "a/c/b", ok(false));
        check("a*b*c*d*e*/f", "axbxcxdxe/f", ok(true));
        check("a*b*c*d*e*/f", "axbxcxdxexxx/f", ok(true));
        check("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", ok(false));
        check("a*b*c*d*e*/f", "axbxcxdxexxx/fff", ok(false));
        check("a*b?c*x", "abxbbxdbxebxczzx", ok(true));
        check("a*b?c*x", "abxbbxdbxebxczzy", ok(false));
        check("ab[c]", "abc", ok(true));
        check("ab[b-d]", "abc", ok(true));
        check("ab[e-g]", "abc", ok(false));
        check("ab[^c]", "abc", ok(false));
        check("ab[^b-d]", "abc", ok(false));
        check("ab[^e-g]", "abc", ok(true));
        check("a\\*b", "a*b", ok(true));
        check("a\\*b", "ab", ok(false));
        check("a?b", "a☺b", ok(true));
        check("a[^a]b", "a☺b", ok(true));
        check("a???b", "a☺b", ok(false));
        check("a[^a][^a][^a]b", "a☺b", ok(false));
        check("[a-ζ]*", "α", ok(true));
        check("*[a-ζ]", "A", ok(false));
        check("a?b", "a/b", ok(false));
        check("a*b", "a/b", ok(false));
        check("[\\]a]", "]", ok(true));
        check("[\\-]", "-", ok(true));
        check("[x\\-]", "x", ok(true));
        check("[x\\-]", "-", ok(true));
        check("[x\\-]", "z", ok(false));
        check("[\\-x]", "x", ok(true));
        check("[\\-x]", "-", ok(true));
        check("[\\-x]", "a", ok(false));
        check("[]a]", "]", Err(BadPattern));
        check("[-]", "-", Err(BadPattern));
        check("[x-]", "x", Err(BadPattern));
        check("[x-]", "-", Err(BadPattern));
        check("[x-]", "z", Err(BadPattern));
        check("[-x]", "x", Err(BadPattern));
        check("[-x]", "-", Err(BadPattern));
        check("[-x]", "a", Err(BadPattern));
        check("\\", "a", Err(BadPattern));
        check("[a-b-c]", "a", Err(BadPattern));
        check("[", "a", Err(BadPattern));
        check("[^", "a", Err(BadPattern));
        check("[^bc", "a", Err(BadPattern));
        check("a[", "a", Err(BadPattern));
        check("a[", "ab", Err(BadPattern));
        check("a[", "x", Err(BadPattern));
        check("a/b[", "x", Err(BadPattern));
        check("*x", "xxx", ok(true));
    }
}
