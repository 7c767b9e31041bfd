//! Writing: the tar stream exactly as Go's `archive/tar` writes helm's headers, and helm's gzip framing.

use flate2::{Compress, Compression, Crc, FlushCompress, Status};

use crate::gostr::{path_join, path_split};

/// One regular file to write into a chart archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TarEntry<'a> {
    /// Path inside the archive, `/`-separated and already prefixed with the chart name
    /// (`mychart/templates/x.yaml`). Must not contain NUL (no file system path can; Go refuses it).
    pub path: &'a str,
    /// File content.
    pub data: &'a [u8],
    /// Modification time in Unix seconds, already rounded to the nearest second as helm does.
    pub mtime: i64,
}

/// Rounds a modification time to whole seconds as Go's `Time.Round(time.Second)` does (half
/// rounds up), which is what helm's tar headers record. `secs` and `nanos` are the floor-based
/// Unix time (`nanos` < 1e9, also for times before 1970).
pub fn round_mtime(secs: i64, nanos: u32) -> i64 {
    if nanos >= 500_000_000 {
        secs.saturating_add(1)
    } else {
        secs
    }
}

const BLOCK: usize = 512;
const NAME_SIZE: usize = 100;
const PREFIX_SIZE: usize = 155;
/// Go's zero `time.Time` as Unix seconds; Go writes it as 0 and never needs PAX for it.
const GO_ZERO_TIME: i64 = -62_135_596_800;

/// Writes regular files as a tar stream byte-identical to helm v4's (Go `archive/tar` with
/// `tar.Header{Name, Mode: 0644, Size, ModTime}` and no explicit format), ending with two zero
/// blocks and no record padding.
///
/// Mirrors Go's `Writer.WriteHeader`: USTAR when the name is ASCII and fits (split into
/// prefix/name if needed) and mtime/size fit in 11 octal digits; otherwise a PAX `x` header with
/// `mtime`/`path`/`size` records precedes an ASCII-stripped, truncated header.
pub fn write_tar(entries: &[TarEntry<'_>]) -> Vec<u8> {
    let capacity = entries
        .iter()
        .map(|e| 3 * BLOCK + padded_len(e.data.len()) + if e.path.is_ascii() { 0 } else { e.path.len() })
        .sum::<usize>()
        + 2 * BLOCK;
    let mut out = Vec::with_capacity(capacity);
    for entry in entries {
        write_entry(&mut out, entry);
    }
    out.resize(out.len() + 2 * BLOCK, 0);
    out
}

fn padded_len(n: usize) -> usize {
    n.div_ceil(BLOCK) * BLOCK
}

/// Go's `isASCII`: no byte ≥ 0x80 and no NUL.
fn go_is_ascii(s: &str) -> bool {
    s.bytes().all(|b| b != 0 && b < 0x80)
}

/// Go's `toASCII`: drops every non-ASCII character and NUL.
fn go_to_ascii(s: &str) -> String {
    s.chars().filter(|&c| c != '\0' && c.is_ascii()).collect()
}

/// Go's `fitsInOctal` for a field of `n` bytes (n-1 digits plus NUL).
fn fits_in_octal(n: usize, x: i64) -> bool {
    let bits = (n - 1) * 3;
    x >= 0 && (n >= 22 || x < (1_i64 << bits))
}

/// Go's `splitUSTARPath`.
fn split_ustar_path(name: &str) -> Option<(&str, &str)> {
    let mut length = name.len();
    if length <= NAME_SIZE || !go_is_ascii(name) {
        return None;
    } else if length > PREFIX_SIZE + 1 {
        length = PREFIX_SIZE + 1;
    } else if name.as_bytes()[length - 1] == b'/' {
        length -= 1;
    }
    let i = name[..length].rfind('/')?;
    let nlen = name.len() - i - 1;
    if i == 0 || nlen > NAME_SIZE || nlen == 0 || i > PREFIX_SIZE {
        return None;
    }
    Some((&name[..i], &name[i + 1..]))
}

/// Go's `formatter.formatString`: copy (truncating), NUL-terminate if room, and replace a slash
/// that ended up last in a truncated field.
fn format_string(field: &mut [u8], s: &[u8]) {
    let n = s.len().min(field.len());
    field[..n].copy_from_slice(&s[..n]);
    if s.len() < field.len() {
        field[s.len()] = 0;
    }
    if s.len() > field.len() && field[field.len() - 1] == b'/' {
        let kept = s[..field.len()].iter().rposition(|&b| b != b'/').map_or(0, |p| p + 1);
        field[kept] = 0;
    }
}

/// Go's `formatter.formatOctal` with the error ignored: zero-padded octal plus NUL, or zeros when
/// the value does not fit.
fn format_octal(field: &mut [u8], x: i64) {
    let x = if fits_in_octal(field.len(), x) { x } else { 0 };
    let digits = format!("{x:o}");
    let width = field.len() - 1;
    let s = if digits.len() < width { format!("{digits:0>width$}") } else { digits };
    format_string(field, s.as_bytes());
}

/// Go's `formatPAXRecord`: `"%d %s=%s\n"` where the length counts itself.
fn pax_record(key: &str, value: &str) -> String {
    let base = key.len() + value.len() + 3;
    let mut size = base + base.to_string().len();
    if (size.to_string().len() + base) != size {
        size = size.to_string().len() + base;
    }
    format!("{size} {key}={value}\n")
}

/// Fields of one header block, as Go's `templateV7Plus` fills them for helm's headers.
struct Header<'a> {
    typeflag: u8,
    name: &'a [u8],
    prefix: &'a [u8],
    mode: i64,
    size: i64,
    mtime: i64,
    /// `templateV7Plus` also writes devmajor/devminor; `writeRawFile` (PAX headers) does not.
    dev_numbers: bool,
}

fn push_header(out: &mut Vec<u8>, h: &Header<'_>) {
    let start = out.len();
    out.resize(start + BLOCK, 0);
    let blk = &mut out[start..];
    format_string(&mut blk[0..100], h.name);
    format_octal(&mut blk[100..108], h.mode);
    format_octal(&mut blk[108..116], 0); // uid
    format_octal(&mut blk[116..124], 0); // gid
    format_octal(&mut blk[124..136], h.size);
    format_octal(&mut blk[136..148], h.mtime);
    blk[156] = h.typeflag;
    // linkname (157..257), uname (265..297), gname (297..329) stay empty.
    if h.dev_numbers {
        format_octal(&mut blk[329..337], 0);
        format_octal(&mut blk[337..345], 0);
    }
    if !h.prefix.is_empty() {
        format_string(&mut blk[345..500], h.prefix);
    }
    blk[257..263].copy_from_slice(b"ustar\0");
    blk[263..265].copy_from_slice(b"00");
    // Checksum: sum of all bytes with the checksum field counted as spaces; "%06o\0 ".
    blk[148..156].fill(b' ');
    let sum: u32 = blk.iter().map(|&b| u32::from(b)).sum();
    format_octal(&mut blk[148..155], i64::from(sum));
    blk[155] = b' ';
}

fn push_data(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(data);
    out.resize(out.len() + (padded_len(data.len()) - data.len()), 0);
}

fn write_entry(out: &mut Vec<u8>, entry: &TarEntry<'_>) {
    let name = entry.path;
    let size = i64::try_from(entry.data.len()).unwrap_or(i64::MAX);
    let mtime = if entry.mtime == GO_ZERO_TIME { 0 } else { entry.mtime };

    // Header.allowedFormats for {Name, Mode 0644, Size, ModTime}: which fields USTAR cannot hold.
    let name_needs_record = !go_is_ascii(name) || name.len() > NAME_SIZE;
    let split = split_ustar_path(name);
    let name_fits_ustar = !name_needs_record || split.is_some();
    let mtime_fits = entry.mtime == GO_ZERO_TIME || fits_in_octal(12, mtime);
    let size_fits = fits_in_octal(12, size);

    if name_fits_ustar && mtime_fits && size_fits {
        let (prefix, short) = split.unwrap_or(("", name));
        push_header(
            out,
            &Header {
                typeflag: b'0',
                name: short.as_bytes(),
                prefix: prefix.as_bytes(),
                mode: 0o644,
                size,
                mtime,
                dev_numbers: true,
            },
        );
        push_data(out, entry.data);
        return;
    }

    // writePAXHeader: records sorted by key (mtime < path < size).
    let mut records = String::new();
    if !mtime_fits {
        records.push_str(&pax_record("mtime", &mtime.to_string()));
    }
    if name_needs_record {
        records.push_str(&pax_record("path", name));
    }
    if !size_fits {
        records.push_str(&pax_record("size", &size.to_string()));
    }
    let (dir, file) = path_split(name);
    let pax_name = go_to_ascii(&path_join(&[dir, "PaxHeaders.0", file]));
    let pax_name = pax_name.as_bytes();
    let pax_name = &pax_name[..pax_name.len().min(NAME_SIZE)];
    let trimmed = pax_name.iter().rposition(|&b| b != b'/').map_or(0, |p| p + 1);
    push_header(
        out,
        &Header {
            typeflag: b'x',
            name: &pax_name[..trimmed],
            prefix: b"",
            mode: 0,
            size: i64::try_from(records.len()).unwrap_or(i64::MAX),
            mtime: 0,
            dev_numbers: false,
        },
    );
    push_data(out, records.as_bytes());

    let ascii_name = go_to_ascii(name);
    push_header(
        out,
        &Header {
            typeflag: b'0',
            name: ascii_name.as_bytes(),
            prefix: b"",
            mode: 0o644,
            size,
            mtime,
            dev_numbers: true,
        },
    );
    push_data(out, entry.data);
}

/// helm's gzip header up to the compressed data: magic, deflate, FLG = FEXTRA|FCOMMENT, MTIME 0,
/// XFL 0, OS 255, the 41-byte extra field (not a valid sub-field, as helm writes it) and the comment `Helm`.
pub const HELM_GZIP_HEADER: &[u8] =
    b"\x1f\x8b\x08\x14\x00\x00\x00\x00\x00\xff\x29\x00+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=Helm\x00";

/// Wraps `tar` in helm's gzip framing: [`HELM_GZIP_HEADER`], raw DEFLATE (level 6, as helm; the
/// deflate bytes differ from Go's encoder, which helm accepts), CRC-32 and size, little-endian.
///
/// Mirrors helm `pkg/chart/v2/util/save.go` (`gzip.NewWriter` with `Header.Extra` and `Comment = "Helm"`).
pub fn gzip_helm(tar: &[u8]) -> Vec<u8> {
    gzip_helm_with_threads(tar, 1)
}

/// Input bytes per DEFLATE segment. Segments are compressed independently (each primed with the
/// 32 KiB before it, so the ratio barely changes) and can therefore use several cores; the
/// segmentation depends on the input alone, so the bytes are the same for any thread count.
pub const DEFLATE_SEGMENT_BYTES: usize = 256 << 10;

/// DEFLATE's window: how much preceding input primes each segment.
const WINDOW_BYTES: usize = 32 << 10;

/// [`gzip_helm`] on up to `threads` threads (0 and 1 mean the calling thread; threads are not
/// used on wasm32). The output is identical whatever `threads` is.
pub fn gzip_helm_with_threads(tar: &[u8], threads: usize) -> Vec<u8> {
    let segments: Vec<&[u8]> = if tar.is_empty() { vec![tar] } else { tar.chunks(DEFLATE_SEGMENT_BYTES).collect() };
    let count = segments.len();
    // A fresh compressor per segment: a reset one can carry state over (its output then
    // depended on which segments a worker had done before: the thread-count test caught it).
    let deflate = |index: usize| {
        let start = index * DEFLATE_SEGMENT_BYTES;
        let dictionary = &tar[start.saturating_sub(WINDOW_BYTES)..start];
        deflate_segment(segments[index], dictionary, index + 1 == count)
    };
    let compressed: Vec<Vec<u8>> = if threads <= 1 || count == 1 || cfg!(target_arch = "wasm32") {
        (0..count).map(deflate).collect()
    } else {
        let threads = threads.min(count);
        let mut slots: Vec<Vec<u8>> = vec![Vec::new(); count];
        std::thread::scope(|scope| {
            let deflate = &deflate;
            let workers: Vec<_> = (0..threads)
                .map(|t| scope.spawn(move || (t..count).step_by(threads).map(|i| (i, deflate(i))).collect::<Vec<_>>()))
                .collect();
            for worker in workers {
                // A worker only runs deflate_segment, which does not panic.
                #[allow(clippy::expect_used)]
                for (i, bytes) in worker.join().expect("deflate worker panicked") {
                    slots[i] = bytes;
                }
            }
        });
        slots
    };
    let mut out = Vec::with_capacity(HELM_GZIP_HEADER.len() + compressed.iter().map(Vec::len).sum::<usize>() + 8);
    out.extend_from_slice(HELM_GZIP_HEADER);
    for part in &compressed {
        out.extend_from_slice(part);
    }
    let mut crc = Crc::new();
    crc.update(tar);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&((tar.len() as u64 & 0xffff_ffff) as u32).to_le_bytes());
    out
}

/// Raw DEFLATE of one segment: primed with `dictionary`, ending with a final block if `last`,
/// else with a sync flush (byte-aligned, not final) so the next segment's blocks can follow.
fn deflate_segment(input: &[u8], dictionary: &[u8], last: bool) -> Vec<u8> {
    let mut compress = Compress::new(Compression::new(6), false);
    if !dictionary.is_empty() {
        // Setting a dictionary on a fresh raw-deflate stream cannot fail.
        let _ = compress.set_dictionary(dictionary);
    }
    let flush = if last { FlushCompress::Finish } else { FlushCompress::Sync };
    let mut out = Vec::with_capacity(input.len() / 3 + 1024);
    loop {
        let consumed = compress.total_in() as usize;
        if out.capacity() - out.len() < 1024 {
            out.reserve(out.capacity().max(4096));
        }
        let status = compress.compress_vec(&input[consumed.min(input.len())..], &mut out, flush);
        let done_input = compress.total_in() as usize >= input.len();
        match status {
            Ok(Status::StreamEnd) => break,
            // With a sync flush, all output is out once input is consumed and space was left over.
            Ok(_) if !last && done_input && out.len() < out.capacity() => break,
            Ok(_) => {}
            Err(_) => break, // cannot happen on valid parameters; the CRC would expose a bad stream
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_split(name: &str, want: Option<(&str, &str)>) {
        assert_eq!(split_ustar_path(name), want, "splitUSTARPath({name:?})");
    }

    #[test]
    fn segmented_deflate_is_valid_and_thread_independent() {
        // Varied, partly repetitive content over several segments.
        let mut tar = Vec::new();
        for i in 0..200_000u32 {
            tar.extend_from_slice(format!("line {i} {}\n", i.wrapping_mul(2_654_435_761) % 977).as_bytes());
        }
        let one = gzip_helm_with_threads(&tar, 1);
        assert_eq!(gzip_helm_with_threads(&tar, 2), one);
        assert_eq!(gzip_helm_with_threads(&tar, 7), one);
        assert_eq!(gzip_helm(&tar), one);
        assert!(one.starts_with(HELM_GZIP_HEADER));
        assert_eq!(crate::gunzip(&one, 1 << 30).expect("valid gzip"), tar);
        let small = b"small input";
        assert_eq!(crate::gunzip(&gzip_helm_with_threads(small, 4), 1 << 20).expect("valid gzip"), small);
        assert_eq!(crate::gunzip(&gzip_helm(b""), 1 << 20).expect("valid gzip"), b"");
    }

    #[test]
    fn split_ustar() {
        let a100 = "a".repeat(100);
        let a101 = "a".repeat(101);
        check_split(&a100, None); // fits, no split needed
        check_split(&format!("c/{a100}"), Some(("c", &a100)));
        check_split(&format!("c/{a101}"), None); // base name too long
        check_split(&a101, None); // no slash
        check_split(&format!("/{a100}"), None); // prefix would be empty
        check_split(&format!("{}/x", "p".repeat(155)), Some((&*"p".repeat(155), "x")));
        check_split(&format!("{}/x", "p".repeat(156)), None); // prefix too long
        check_split(&format!("c/{}é", "a".repeat(100)), None); // not ASCII
        check_split(
            &format!("{}/{}/", "p".repeat(60), "n".repeat(60)),
            Some((&*"p".repeat(60), &*format!("{}/", "n".repeat(60)))),
        );
    }

    #[test]
    fn pax_record_lengths() {
        // Examples from Go's strconv_test.go (TestFormatPAXRecord).
        assert_eq!(pax_record("k", "v"), "6 k=v\n");
        assert_eq!(pax_record("path", "/etc/hosts"), "19 path=/etc/hosts\n");
        assert_eq!(pax_record("path", &"a".repeat(88)), format!("97 path={}\n", "a".repeat(88)));
        // The length field grows from 2 to 3 digits: 99 fits, 100 would not count itself.
        assert_eq!(pax_record("path", &"a".repeat(90)), format!("99 path={}\n", "a".repeat(90)));
        assert_eq!(pax_record("path", &"a".repeat(91)), format!("101 path={}\n", "a".repeat(91)));
        assert_eq!(pax_record("mtime", "-631152000"), "20 mtime=-631152000\n");
    }

    #[test]
    fn octal_fields() {
        let mut f = [0xffu8; 12];
        format_octal(&mut f, 0o644);
        assert_eq!(&f, b"00000000644\0");
        let mut f = [0xffu8; 12];
        format_octal(&mut f, -1);
        assert_eq!(&f, b"00000000000\0");
        let mut f = [0xffu8; 12];
        format_octal(&mut f, 1 << 33);
        assert_eq!(&f, b"00000000000\0");
        let mut f = [0xffu8; 12];
        format_octal(&mut f, (1 << 33) - 1);
        assert_eq!(&f, b"77777777777\0");
    }

    #[test]
    fn truncated_name_slash_becomes_nul() {
        let mut f = [0u8; 10];
        format_string(&mut f, b"abcdefgh//xyz");
        assert_eq!(&f, b"abcdefgh\0/");
    }

    #[test]
    fn rounding_like_go() {
        // Matches the mtimes helm wrote for files touched at .4, .5 and .6 s (testdata/regen.sh).
        assert_eq!(round_mtime(1_577_836_800, 400_000_000), 1_577_836_800);
        assert_eq!(round_mtime(1_577_836_800, 500_000_000), 1_577_836_801);
        assert_eq!(round_mtime(1_577_836_800, 600_000_000), 1_577_836_801);
        assert_eq!(round_mtime(-2, 500_000_000), -1); // -1.5 s rounds to -1 s
        assert_eq!(round_mtime(i64::MAX, 999_999_999), i64::MAX);
    }

    #[test]
    fn empty_archive_is_two_zero_blocks() {
        assert_eq!(write_tar(&[]), vec![0u8; 1024]);
    }

    #[test]
    fn ustar_header_bytes() {
        let tar = write_tar(&[TarEntry { path: "c/Chart.yaml", data: b"name: c\n", mtime: 1_700_000_000 }]);
        assert_eq!(tar.len(), 512 + 512 + 1024);
        let h = &tar[..512];
        assert_eq!(&h[..13], b"c/Chart.yaml\0");
        assert_eq!(&h[100..108], b"0000644\0");
        assert_eq!(&h[108..124], b"0000000\x000000000\x00");
        assert_eq!(&h[124..136], b"00000000010\0");
        assert_eq!(&h[136..148], format!("{:011o}\0", 1_700_000_000).as_bytes());
        assert_eq!(h[156], b'0');
        assert_eq!(&h[257..265], b"ustar\x0000");
        assert_eq!(&h[329..345], b"0000000\x000000000\x00");
        let sum: u32 =
            h.iter().enumerate().map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u32::from(b) }).sum();
        assert_eq!(&h[148..156], format!("{sum:06o}\0 ").as_bytes());
        assert_eq!(&tar[512..520], b"name: c\n");
    }

    #[test]
    fn gzip_framing() {
        let gz = gzip_helm(b"hello");
        assert_eq!(&gz[..HELM_GZIP_HEADER.len()], HELM_GZIP_HEADER);
        assert_eq!(HELM_GZIP_HEADER.len(), 10 + 2 + 41 + 5);
        assert_eq!(&gz[gz.len() - 4..], &5u32.to_le_bytes());
        let back = crate::gunzip(&gz, 100).unwrap();
        assert_eq!(back, b"hello");
    }
}
