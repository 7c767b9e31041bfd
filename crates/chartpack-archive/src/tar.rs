//! A bounded tar reader with Go `archive/tar` semantics: USTAR, PAX (`x`, `g`), GNU long names, STAR, V7.

use crate::error::ArchiveError;
use crate::gzip::Source;

const BLOCK: usize = 512;
/// Go's `maxSpecialFileSize`: PAX headers and GNU long names are capped at 1 MiB.
const MAX_SPECIAL_FILE: u64 = 1 << 20;

/// One entry as Go's `tar.Reader.Next` returns it (PAX and GNU long-name headers merged in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawEntry {
    /// Typeflag after Go's `TypeRegA` promotion (`\0` becomes `0`, or `5` with a trailing slash).
    pub(crate) typeflag: u8,
    /// Entry name as raw bytes (Go strings are bytes).
    pub(crate) name: Vec<u8>,
    /// Mode field (permission and type bits).
    pub(crate) mode: i64,
    /// Size as declared by the header or a PAX `size` record.
    pub(crate) size: i64,
    /// Modification time, Unix seconds (floor of PAX fractional times).
    pub(crate) mtime: i64,
    /// Whether GNU sparse PAX records accompany the entry.
    pub(crate) pax_sparse: bool,
}

impl RawEntry {
    /// Go's `Header.FileInfo().IsDir()`: typeflag `5` or directory mode bits.
    pub(crate) fn is_dir(&self) -> bool {
        self.typeflag == b'5' || (self.mode as u32) & !0o7777 == 0o040000
    }
}

/// Go's `isHeaderOnlyType`: entries whose size field does not announce data.
fn is_header_only(typeflag: u8) -> bool {
    matches!(typeflag, b'1' | b'2' | b'3' | b'4' | b'5' | b'6')
}

/// Reads tar entries from a [`Source`].
pub(crate) struct TarReader<S> {
    src: S,
    /// Data bytes of the current entry not yet read.
    remaining: u64,
    /// Padding after the current entry's data.
    pad: u64,
}

/// Go's `parser`: remembers that some numeric field failed to parse.
#[derive(Default)]
struct Parser {
    err: bool,
}

impl Parser {
    /// Go's `parseOctal`: trim spaces and NULs, then unsigned octal up to the first NUL.
    fn octal(&mut self, field: &[u8]) -> i64 {
        let is_pad = |b: &u8| *b == b' ' || *b == 0;
        let Some(first) = field.iter().position(|b| !is_pad(b)) else {
            return 0;
        };
        let last = field.iter().rposition(|b| !is_pad(b)).unwrap_or(first);
        let trimmed = &field[first..=last];
        let digits = &trimmed[..trimmed.iter().position(|&b| b == 0).unwrap_or(trimmed.len())];
        let mut x: u64 = 0;
        for &d in digits {
            if !(b'0'..=b'7').contains(&d) {
                self.err = true;
                return 0;
            }
            match x.checked_mul(8) {
                Some(v) => x = v | u64::from(d - b'0'),
                None => {
                    self.err = true;
                    return 0;
                }
            }
        }
        x as i64
    }

    /// Go's `parseNumeric`: GNU base-256 when the high bit is set, octal otherwise.
    fn numeric(&mut self, field: &[u8]) -> i64 {
        if field.first().is_some_and(|b| b & 0x80 != 0) {
            let inv: u8 = if field[0] & 0x40 != 0 { 0xff } else { 0 };
            let mut x: u64 = 0;
            for (i, &c) in field.iter().enumerate() {
                let mut c = c ^ inv;
                if i == 0 {
                    c &= 0x7f;
                }
                if x >> 56 > 0 {
                    self.err = true;
                    return 0;
                }
                x = x << 8 | u64::from(c);
            }
            if x >> 63 > 0 {
                self.err = true;
                return 0;
            }
            return if inv == 0xff { !(x as i64) } else { x as i64 };
        }
        self.octal(field)
    }
}

/// Go's `parser.parseString`: bytes up to the first NUL.
fn c_string(field: &[u8]) -> &[u8] {
    &field[..field.iter().position(|&b| b == 0).unwrap_or(field.len())]
}

/// Go's `strconv.ParseInt(s, 10, 64)`.
fn parse_i64(s: &[u8]) -> Option<i64> {
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Go's `parsePAXTime`, reduced to whole seconds (rounded towards negative infinity, like `Time.Unix`).
fn parse_pax_time(s: &[u8]) -> Option<i64> {
    let (secs, frac) = match s.iter().position(|&b| b == b'.') {
        Some(dot) => (&s[..dot], &s[dot + 1..]),
        None => (s, &[][..]),
    };
    let secs = parse_i64(secs)?;
    if frac.is_empty() {
        return Some(secs);
    }
    if !frac.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let nanos_nonzero = frac.iter().take(9).any(|&d| d != b'0');
    Some(if nanos_nonzero && s.first() == Some(&b'-') { secs.checked_sub(1)? } else { secs })
}

/// Go's `validPAXRecord`.
fn valid_pax_record(key: &[u8], value: &[u8]) -> bool {
    if key.is_empty() || key.contains(&b'=') {
        return false;
    }
    match key {
        b"path" | b"linkpath" | b"uname" | b"gname" => !value.contains(&0),
        _ => !key.contains(&0),
    }
}

/// PAX records as key/value byte strings, in the order they apply.
type PaxRecords = Vec<(Vec<u8>, Vec<u8>)>;

/// Go's `parsePAX` over an already read body: records in order (later ones win), with the
/// GNU sparse 0.0 offset/numbytes ordering checks.
fn parse_pax(mut body: &[u8]) -> Result<PaxRecords, ArchiveError> {
    let mut records: PaxRecords = Vec::new();
    let mut sparse_map = 0usize;
    while !body.is_empty() {
        let space = body.iter().position(|&b| b == b' ').ok_or(ArchiveError::TarHeader)?;
        let n = parse_i64(&body[..space]).ok_or(ArchiveError::TarHeader)?;
        if n < 5 || n as u64 > body.len() as u64 {
            return Err(ArchiveError::TarHeader);
        }
        let n = n as usize;
        if n <= space + 1 {
            return Err(ArchiveError::TarHeader);
        }
        if body[n - 1] != b'\n' {
            return Err(ArchiveError::TarHeader);
        }
        let rec = &body[space + 1..n - 1];
        let eq = rec.iter().position(|&b| b == b'=').ok_or(ArchiveError::TarHeader)?;
        let (key, value) = (&rec[..eq], &rec[eq + 1..]);
        if !valid_pax_record(key, value) {
            return Err(ArchiveError::TarHeader);
        }
        body = &body[n..];
        match key {
            b"GNU.sparse.offset" | b"GNU.sparse.numbytes" => {
                let want: &[u8] =
                    if sparse_map.is_multiple_of(2) { b"GNU.sparse.offset" } else { b"GNU.sparse.numbytes" };
                if key != want || value.contains(&b',') {
                    return Err(ArchiveError::TarHeader);
                }
                sparse_map += 1;
                if sparse_map == 1 {
                    records.push((b"GNU.sparse.map".to_vec(), value.to_vec()));
                }
            }
            _ => {
                records.retain(|(k, _)| k != key);
                records.push((key.to_vec(), value.to_vec()));
            }
        }
    }
    Ok(records)
}

/// Go's `mergePAX` for the fields chartpack uses; every parse failure is `ErrHeader`.
fn merge_pax(entry: &mut RawEntry, records: &[(Vec<u8>, Vec<u8>)]) -> Result<(), ArchiveError> {
    for (key, value) in records {
        if value.is_empty() {
            continue;
        }
        let ok = match key.as_slice() {
            b"path" => {
                entry.name.clone_from(value);
                true
            }
            b"uid" | b"gid" => parse_i64(value).is_some(),
            b"atime" | b"ctime" => parse_pax_time(value).is_some(),
            b"mtime" => parse_pax_time(value).map(|t| entry.mtime = t).is_some(),
            b"size" => parse_i64(value).map(|s| entry.size = s).is_some(),
            _ => true,
        };
        if !ok {
            return Err(ArchiveError::TarHeader);
        }
        if key.starts_with(b"GNU.sparse.") {
            entry.pax_sparse = true;
        }
    }
    Ok(())
}

impl<S: Source> TarReader<S> {
    pub(crate) fn new(src: S) -> Self {
        TarReader { src, remaining: 0, pad: 0 }
    }

    /// The underlying source (to drain it after the end-of-archive marker).
    pub(crate) fn into_source(self) -> S {
        self.src
    }

    /// Reads until `buf` is full or the source ends; returns the count.
    fn read_full(&mut self, buf: &mut [u8]) -> Result<usize, ArchiveError> {
        let mut n = 0;
        while n < buf.len() {
            let chunk = self.src.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let k = chunk.len().min(buf.len() - n);
            buf[n..n + k].copy_from_slice(&chunk[..k]);
            self.src.consume(k);
            n += k;
        }
        Ok(n)
    }

    /// Skips up to `n` bytes; returns how many were skipped before the source ended.
    fn skip(&mut self, n: u64) -> Result<u64, ArchiveError> {
        let mut done = 0;
        while done < n {
            let chunk = self.src.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let k = usize::try_from(n - done).unwrap_or(usize::MAX).min(chunk.len());
            self.src.consume(k);
            done += k as u64;
        }
        Ok(done)
    }

    /// Reads up to `n` data bytes of the current entry into `out`; `UnexpectedEof` if the stream
    /// ends first (Go's `regFileReader`).
    fn read_data(&mut self, n: u64, out: &mut Vec<u8>) -> Result<(), ArchiveError> {
        let n = n.min(self.remaining);
        let mut left = n;
        while left > 0 {
            let chunk = self.src.fill_buf()?;
            if chunk.is_empty() {
                return Err(ArchiveError::UnexpectedEof);
            }
            let k = usize::try_from(left).unwrap_or(usize::MAX).min(chunk.len());
            out.extend_from_slice(&chunk[..k]);
            self.src.consume(k);
            left -= k as u64;
        }
        self.remaining -= n;
        Ok(())
    }

    /// Reads the whole data of the current entry into a new vector. The capacity grows with the
    /// data actually read, never with the declared size.
    pub(crate) fn read_entry_data(&mut self) -> Result<Vec<u8>, ArchiveError> {
        let mut out = Vec::with_capacity(usize::try_from(self.remaining.min(64 << 10)).unwrap_or(0));
        self.read_data(self.remaining, &mut out)?;
        Ok(out)
    }

    /// Go's `readSpecialFile`: the body of a PAX header or GNU long name, capped at 1 MiB.
    fn read_special(&mut self) -> Result<Vec<u8>, ArchiveError> {
        let mut out = Vec::new();
        self.read_data(MAX_SPECIAL_FILE + 1, &mut out)?;
        if out.len() as u64 > MAX_SPECIAL_FILE {
            return Err(ArchiveError::TarFieldTooLong);
        }
        Ok(out)
    }

    /// Go's `handleRegularFile`: how much data follows the header, and its padding.
    fn expect_data(&mut self, typeflag: u8, size: i64) -> Result<(), ArchiveError> {
        let nb = if is_header_only(typeflag) { 0 } else { size };
        let nb = u64::try_from(nb).map_err(|_| ArchiveError::TarHeader)?;
        self.remaining = nb;
        self.pad = nb.wrapping_neg() & (BLOCK as u64 - 1);
        Ok(())
    }

    /// Go's `Reader.Next`: the next entry, `None` at the end of the archive. `g` (global PAX)
    /// headers are returned as entries with typeflag `g`, as Go does.
    pub(crate) fn next(&mut self) -> Result<Option<RawEntry>, ArchiveError> {
        let mut pax: PaxRecords = Vec::new();
        let mut long_name: Vec<u8> = Vec::new();
        loop {
            // Discard the rest of the previous entry (truncation is an error) and its padding
            // (truncation is a clean end, as Go's tryReadFull makes it).
            let rest = self.remaining;
            if self.skip(rest)? < rest {
                return Err(ArchiveError::UnexpectedEof);
            }
            self.remaining = 0;
            let pad = self.pad;
            self.pad = 0;
            if self.skip(pad)? < pad {
                return Ok(None);
            }

            let Some(mut entry) = self.read_header()? else {
                return Ok(None);
            };
            self.expect_data(entry.typeflag, entry.size)?;
            match entry.typeflag {
                b'x' | b'g' => {
                    pax = parse_pax(&self.read_special()?)?;
                    if entry.typeflag == b'g' {
                        // Go merges the records into the returned header (errors ignored) and
                        // does not apply them to later entries.
                        let _ = merge_pax(&mut entry, &pax);
                        return Ok(Some(entry));
                    }
                }
                b'L' | b'K' => {
                    let body = self.read_special()?;
                    if entry.typeflag == b'L' {
                        long_name = c_string(&body).to_vec();
                    }
                }
                _ => {
                    merge_pax(&mut entry, &pax)?;
                    if !long_name.is_empty() {
                        entry.name = long_name;
                    }
                    if entry.typeflag == 0 {
                        entry.typeflag = if entry.name.ends_with(b"/") { b'5' } else { b'0' };
                    }
                    self.expect_data(entry.typeflag, entry.size)?;
                    return Ok(Some(entry));
                }
            }
        }
    }

    /// Go's `readHeader`: one header block, `None` at a clean end (0 bytes, or one or two zero blocks).
    fn read_header(&mut self) -> Result<Option<RawEntry>, ArchiveError> {
        let mut blk = [0u8; BLOCK];
        match self.read_full(&mut blk)? {
            0 => return Ok(None),
            BLOCK => {}
            _ => return Err(ArchiveError::UnexpectedEof),
        }
        if blk.iter().all(|&b| b == 0) {
            match self.read_full(&mut blk)? {
                0 => return Ok(None),
                BLOCK => {}
                _ => return Err(ArchiveError::UnexpectedEof),
            }
            if blk.iter().all(|&b| b == 0) {
                return Ok(None);
            }
            return Err(ArchiveError::TarHeader);
        }

        // getFormat: checksum (unsigned or signed sum), then magic.
        let mut p = Parser::default();
        let want = p.octal(&blk[148..156]);
        let (mut unsigned, mut signed) = (0i64, 0i64);
        for (i, &b) in blk.iter().enumerate() {
            let b = if (148..156).contains(&i) { b' ' } else { b };
            unsigned += i64::from(b);
            signed += i64::from(b as i8);
        }
        if p.err || (want != unsigned && want != signed) {
            return Err(ArchiveError::TarHeader);
        }
        enum Format {
            V7,
            Ustar,
            Star,
            Gnu,
        }
        let format = match (&blk[257..263], &blk[263..265], &blk[508..512]) {
            (b"ustar\0", _, b"tar\0") => Format::Star,
            (b"ustar\0", _, _) => Format::Ustar,
            (b"ustar ", b" \0", _) => Format::Gnu,
            _ => Format::V7,
        };

        let mut entry = RawEntry {
            typeflag: blk[156],
            name: c_string(&blk[0..100]).to_vec(),
            size: p.numeric(&blk[124..136]),
            mode: p.numeric(&blk[100..108]),
            mtime: 0,
            pax_sparse: false,
        };
        p.numeric(&blk[108..116]); // uid
        p.numeric(&blk[116..124]); // gid
        entry.mtime = p.numeric(&blk[136..148]);

        let mut prefix: &[u8] = &[];
        if !matches!(format, Format::V7) {
            p.numeric(&blk[329..337]); // devmajor
            p.numeric(&blk[337..345]); // devminor
            match format {
                Format::Ustar => prefix = c_string(&blk[345..500]),
                Format::Star => {
                    prefix = c_string(&blk[345..476]);
                    p.numeric(&blk[476..488]); // atime
                    p.numeric(&blk[488..500]); // ctime
                }
                Format::Gnu => {
                    // Pre-Go1.8 writers put a USTAR prefix where GNU keeps atime/ctime.
                    let mut p2 = Parser::default();
                    if blk[345] != 0 {
                        p2.numeric(&blk[345..357]);
                    }
                    if blk[357] != 0 {
                        p2.numeric(&blk[357..369]);
                    }
                    if p2.err {
                        let s = c_string(&blk[345..500]);
                        if std::str::from_utf8(s).is_ok_and(str::is_ascii) {
                            prefix = s;
                        }
                    }
                }
                Format::V7 => {}
            }
        }
        if !prefix.is_empty() {
            let mut name = prefix.to_vec();
            name.push(b'/');
            name.extend_from_slice(&entry.name);
            entry.name = name;
        }
        if p.err {
            return Err(ArchiveError::TarHeader);
        }
        Ok(Some(entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gzip::SliceSource;
    use crate::write::{write_tar, TarEntry};

    fn entries(tar: &[u8]) -> Result<Vec<(RawEntry, Vec<u8>)>, ArchiveError> {
        let mut r = TarReader::new(SliceSource(tar));
        let mut out = Vec::new();
        while let Some(e) = r.next()? {
            let data = r.read_entry_data()?;
            out.push((e, data));
        }
        Ok(out)
    }

    /// A header block with the checksum filled in.
    fn block(name: &[u8], typeflag: u8, size: &[u8], magic: &[u8]) -> Vec<u8> {
        let mut b = vec![0u8; BLOCK];
        b[..name.len()].copy_from_slice(name);
        b[100..108].copy_from_slice(b"0000644\0");
        b[124..124 + size.len()].copy_from_slice(size);
        b[136..148].copy_from_slice(b"14750000000\0");
        b[156] = typeflag;
        b[257..257 + magic.len()].copy_from_slice(magic);
        fix_checksum(&mut b);
        b
    }

    fn fix_checksum(b: &mut [u8]) {
        b[148..156].fill(b' ');
        let sum: u32 = b.iter().map(|&x| u32::from(x)).sum();
        b[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    }

    fn padded(data: &[u8]) -> Vec<u8> {
        let mut v = data.to_vec();
        v.resize(data.len().div_ceil(BLOCK) * BLOCK, 0);
        v
    }

    /// Expected entries: name, typeflag, data.
    type Want<'a> = Result<Vec<(&'a str, u8, &'a [u8])>, ArchiveError>;

    #[track_caller]
    fn check(tar: &[u8], want: Want<'_>) {
        let got = entries(tar).map(|v| {
            v.into_iter()
                .map(|(e, d)| (String::from_utf8_lossy(&e.name).into_owned(), e.typeflag, d))
                .collect::<Vec<_>>()
        });
        let want = want.map(|v| v.into_iter().map(|(n, t, d)| (n.to_owned(), t, d.to_vec())).collect::<Vec<_>>());
        assert_eq!(got, want);
    }

    #[test]
    fn reads_what_write_tar_writes() {
        let long = format!("c/{}/{}", "d".repeat(80), "f".repeat(80));
        let unsplittable = format!("c/{}", "x".repeat(120));
        let tar = write_tar(&[
            TarEntry { path: "c/Chart.yaml", data: b"name: c\n", mtime: 1 },
            TarEntry { path: &long, data: b"", mtime: 2 },
            TarEntry { path: &unsplittable, data: b"u", mtime: 3 },
            TarEntry { path: "c/héllo", data: b"h", mtime: -5 },
            TarEntry { path: "c/future", data: b"f", mtime: 1 << 40 },
        ]);
        let got = entries(&tar).unwrap();
        let names: Vec<_> = got.iter().map(|(e, _)| String::from_utf8(e.name.clone()).unwrap()).collect();
        assert_eq!(names, ["c/Chart.yaml", long.as_str(), unsplittable.as_str(), "c/héllo", "c/future"]);
        let mtimes: Vec<_> = got.iter().map(|(e, _)| e.mtime).collect();
        assert_eq!(mtimes, [1, 2, 3, -5, 1 << 40]);
        assert_eq!(got[0].1, b"name: c\n");
    }

    #[test]
    fn end_of_archive_variants() {
        let file = [block(b"c/a", b'0', b"00000000001\0", b"ustar\0"), padded(b"A")].concat();
        let one = |rest: &[u8]| [file.clone(), rest.to_vec()].concat();
        let ok = Ok(vec![("c/a", b'0', &b"A"[..])]);
        check(&one(&[]), ok.clone()); // no end blocks at all
        check(&one(&[0; 512]), ok.clone()); // one zero block
        check(&one(&[0; 1024]), ok.clone());
        check(&one(&[0; 10240]), ok.clone()); // record padding is never read
        check(&one(&[0; 100]), Err(ArchiveError::UnexpectedEof)); // partial block
        check(&one(&[[0; 512], [1; 512]].concat()), Err(ArchiveError::TarHeader)); // zero then non-zero
                                                                                   // EOF inside padding is a clean end (Go's tryReadFull); EOF inside data is not.
        check(&file[..513], ok.clone());
        check(&file[..512], Err(ArchiveError::UnexpectedEof));
        check(&[], Ok(vec![]));
    }

    #[test]
    fn header_validation() {
        let mut b = block(b"c/a", b'0', b"00000000000\0", b"ustar\0");
        b[0] ^= 1; // checksum mismatch
        check(&b, Err(ArchiveError::TarHeader));
        check(&block(b"c/a", b'0', b"0000000009\0\0", b"ustar\0"), Err(ArchiveError::TarHeader)); // not octal
        check(&block(b"c/a", b'0', b"  1 \0\0\0\0\0\0\0\0", b"ustar\0"), Err(ArchiveError::UnexpectedEof)); // size 1, no data
        check(
            &[block(b"c/a", b'0', b"\x80\0\0\0\0\0\0\0\0\0\0\x02", b"ustar\0"), padded(b"xy")].concat(),
            Ok(vec![("c/a", b'0', &b"xy"[..])]),
        ); // base-256 size
        check(
            &block(b"c/a", b'0', b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", b"ustar\0"),
            Err(ArchiveError::TarHeader),
        ); // size -1
           // V7 (no magic), GNU magic, legacy NUL typeflag.
        check(&block(b"c/v7", b'0', b"0\0", b""), Ok(vec![("c/v7", b'0', &b""[..])]));
        check(&block(b"c/gnu", b'0', b"0\0", b"ustar  \0"), Ok(vec![("c/gnu", b'0', &b""[..])]));
        check(&block(b"c/old", 0, b"0\0", b"ustar\0"), Ok(vec![("c/old", b'0', &b""[..])]));
        check(&block(b"c/dir/", 0, b"0\0", b"ustar\0"), Ok(vec![("c/dir/", b'5', &b""[..])]));
    }

    #[test]
    fn header_only_types_carry_no_data() {
        // A directory and a symlink with a non-zero size field: Go reads no data for them.
        let tar = [
            block(b"c/d/", b'5', b"00000001000\0", b"ustar\0"),
            block(b"c/l", b'2', b"00000000010\0", b"ustar\0"),
            block(b"c/a", b'0', b"00000000001\0", b"ustar\0"),
            padded(b"A"),
        ]
        .concat();
        check(&tar, Ok(vec![("c/d/", b'5', &b""[..]), ("c/l", b'2', &b""[..]), ("c/a", b'0', &b"A"[..])]));
    }

    #[test]
    fn prefix_and_long_names() {
        let mut b = block(b"name", b'0', b"0\0", b"ustar\0");
        b[345..351].copy_from_slice(b"prefix");
        fix_checksum(&mut b);
        check(&b, Ok(vec![("prefix/name", b'0', &b""[..])]));
        let long = format!("c/{}", "l".repeat(300));
        let body = [long.as_bytes(), b"\0"].concat();
        let tar = [
            block(b"././@LongLink", b'L', format!("{:011o}\0", body.len()).as_bytes(), b"ustar  \0"),
            padded(&body),
            block(b"c/short", b'0', b"0\0", b"ustar  \0"),
        ]
        .concat();
        check(&tar, Ok(vec![(long.as_str(), b'0', &b""[..])]));
    }

    #[test]
    fn pax_headers() {
        let pax = |records: &[u8], t: u8| {
            [block(b"c/PaxHeaders.0/x", t, format!("{:011o}\0", records.len()).as_bytes(), b"ustar\0"), padded(records)]
                .concat()
        };
        let file = block(b"c/x", b'0', b"00000000001\0", b"ustar\0");
        let one = |records: &[u8]| [pax(records, b'x'), file.clone(), padded(b"Q")].concat();
        check(&one(b"15 path=c/real\n"), Ok(vec![("c/real", b'0', &b"Q"[..])]));
        check(&one(b"10 size=2\n"), Ok(vec![("c/x", b'0', &b"Q\0"[..])])); // PAX size wins over the header's
        check(&one(b"12 size=600\n"), Err(ArchiveError::UnexpectedEof)); // … even past the end of the stream
        check(&one(b"8 path=\n"), Ok(vec![("c/x", b'0', &b"Q"[..])])); // empty value keeps the header's
        for bad in
            [&b"15 path=c/real"[..], b"99 path=c/real\n", b"3 a\n", b"x path=c\n", b"7 =abc\n", b"13 mtime=abc\n"]
        {
            check(&one(bad), Err(ArchiveError::TarHeader));
        }
        // Global headers come back as entries of type g; their records do not apply to the next file.
        check(
            &[pax(b"15 path=c/glob\n", b'g'), file.clone(), padded(b"Q")].concat(),
            Ok(vec![("c/glob", b'g', &b""[..]), ("c/x", b'0', &b"Q"[..])]),
        );
        // Over 1 MiB of records.
        let huge = [
            block(b"h", b'x', format!("{:011o}\0", (1 << 20) + 1).as_bytes(), b"ustar\0"),
            vec![b'9'; (1 << 20) + 512],
        ]
        .concat();
        check(&huge, Err(ArchiveError::TarFieldTooLong));
        let mut sparse = RawEntry { typeflag: b'0', name: vec![], mode: 0, size: 0, mtime: 0, pax_sparse: false };
        merge_pax(&mut sparse, &parse_pax(b"22 GNU.sparse.major=1\n").unwrap()).unwrap();
        assert!(sparse.pax_sparse);
    }

    #[test]
    fn pax_times() {
        for (s, want) in [
            ("5", Some(5)),
            ("1.5", Some(1)),
            ("-1.5", Some(-2)),
            ("-0.5", Some(-1)),
            ("-1.0", Some(-1)),
            ("5.", Some(5)),
            (".5", None),
            ("1.x", None),
            ("1e3", None),
            ("+7", Some(7)),
        ] {
            assert_eq!(parse_pax_time(s.as_bytes()), want, "{s}");
        }
    }

    #[test]
    fn dir_detection() {
        let e = |typeflag, mode| RawEntry { typeflag, name: vec![], mode, size: 0, mtime: 0, pax_sparse: false };
        assert!(e(b'5', 0o755).is_dir());
        assert!(e(b'0', 0o040755).is_dir()); // mode bits alone make a directory for helm
        assert!(!e(b'0', 0o100644).is_dir());
        assert!(!e(b'0', 0o140755).is_dir());
    }
}
