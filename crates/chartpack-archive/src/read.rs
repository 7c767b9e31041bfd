//! Reading a chart archive with helm's `LoadArchiveFiles` rules plus chartpack's stricter checks.

use std::collections::BTreeSet;

use crate::error::{ArchiveError, EntryKind};
use crate::gostr::path_clean;
use crate::gzip::GzipStream;
use crate::sniff::helm_sniff;
use crate::tar::{RawEntry, TarReader};
use crate::Limits;

/// A file read from a chart archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveFile {
    /// Path with the first component (the chart directory) dropped, cleaned and `/`-joined
    /// (`templates/x.yaml`), exactly as helm's `BufferedFile.Name`.
    pub path: String,
    /// Content, with one leading UTF-8 BOM removed as helm does.
    pub data: Vec<u8>,
    /// Modification time from the header (or PAX `mtime`), Unix seconds.
    pub mtime: i64,
}

/// The files of a chart archive, in archive order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadArchive {
    /// The first path component shared by every file (helm names it after the chart, but does
    /// not check it; compare it with `Chart.yaml`'s name if that matters).
    pub top_dir: String,
    /// The regular files, never empty.
    pub files: Vec<ArchiveFile>,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a chart archive (`.tgz`) into memory, applying helm v4.1.4's checks with its exact
/// messages, then chartpack's own refusals, within `limits`.
///
/// Mirrors helm `pkg/chart/loader/archive/archive.go`: `EnsureArchive` (the content sniff that
/// names non-gzip input, using `display_name` as helm uses the path it was given) and
/// `LoadArchiveFiles`. Directory entries and PAX headers are skipped. Beyond helm, it refuses
/// links, devices, FIFOs and sparse files, absolute raw names, a `..` top directory, entries
/// outside the first file's top directory, duplicate paths, non-UTF-8 names, more than
/// `limits.files` files, more than `limits.compressed_bytes` of input and more than
/// [`Limits::stream_bytes`] of decompressed tar stream; it also checks the gzip trailers after
/// the tar end marker, which helm never reads. See the crate docs for the table.
pub fn read_chart_archive(bytes: &[u8], display_name: &str, limits: &Limits) -> Result<ReadArchive, ArchiveError> {
    read_archive(bytes, Some(display_name), limits).map_err(|err| match err {
        // helm's LoadFile names the file for this one error.
        ArchiveError::GzipHeader { name: None } => ArchiveError::GzipHeader { name: Some(display_name.to_owned()) },
        other => other,
    })
}

/// Reads a chart archive like [`read_chart_archive`] but without helm's `EnsureArchive` sniff:
/// helm's bare `LoadArchiveFiles`, which `helm lint` uses (through `chartutil.Expand`), so
/// non-gzip input reads `gzip: invalid header` and empty input `EOF`.
pub fn read_archive_files(bytes: &[u8], limits: &Limits) -> Result<ReadArchive, ArchiveError> {
    read_archive(bytes, None, limits)
}

fn read_archive(bytes: &[u8], sniff_name: Option<&str>, limits: &Limits) -> Result<ReadArchive, ArchiveError> {
    if bytes.len() as u64 > limits.compressed_bytes {
        return Err(ArchiveError::CompressedTooLarge { size: bytes.len() as u64, limit: limits.compressed_bytes });
    }
    if let Some(display_name) = sniff_name.filter(|_| !bytes.starts_with(b"\x1f\x8b\x08")) {
        if display_name.ends_with(".yml") || display_name.ends_with(".yaml") {
            return Err(ArchiveError::YamlNotGzip { name: display_name.to_owned() });
        }
        return Err(ArchiveError::NotGzip { name: display_name.to_owned(), content_type: helm_sniff(bytes) });
    }

    let stream = GzipStream::new(bytes, limits.stream_bytes())?;
    let mut tar = TarReader::new(stream);
    let mut files: Vec<ArchiveFile> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut top_dir: Option<String> = None;
    let mut remaining = limits.archive_bytes;

    while let Some(entry) = tar.next()? {
        if entry.is_dir() || matches!(entry.typeflag, b'x' | b'g') {
            continue;
        }
        let checked = check_entry(&entry, top_dir.as_deref(), &seen)?;

        // helm's size checks, on the declared size, before reading.
        let size = u64::try_from(entry.size).unwrap_or(0);
        if entry.size > 0 && size > remaining {
            return Err(ArchiveError::ArchiveTooLarge { limit: limits.archive_bytes });
        }
        if entry.size > 0 && size > limits.file_bytes {
            return Err(ArchiveError::FileTooLarge { name: checked.raw_name, limit: limits.file_bytes });
        }
        if files.len() >= limits.files {
            return Err(ArchiveError::TooManyFiles { limit: limits.files });
        }

        let mut data = tar.read_entry_data()?;
        // helm fails when the budget reaches exactly zero (`remainingSize <= 0`).
        remaining = remaining.saturating_sub(data.len() as u64);
        if remaining == 0 {
            return Err(ArchiveError::ArchiveTooLarge { limit: limits.archive_bytes });
        }
        if data.starts_with(UTF8_BOM) {
            data.drain(..UTF8_BOM.len());
        }
        if top_dir.is_none() {
            top_dir = Some(checked.top_dir);
        }
        seen.insert(checked.path.clone());
        files.push(ArchiveFile { path: checked.path, data, mtime: entry.mtime });
    }

    // helm stops at the end-of-archive marker; chartpack also checks the rest of the gzip stream.
    tar.into_source().drain()?;

    match top_dir {
        Some(top_dir) if !files.is_empty() => Ok(ReadArchive { top_dir, files }),
        _ => Err(ArchiveError::NoFiles),
    }
}

/// An entry name that passed the path checks.
struct CheckedName {
    raw_name: String,
    top_dir: String,
    path: String,
}

/// helm's name rules (in helm's order), then chartpack's name and type rules.
fn check_entry(entry: &RawEntry, top_dir: Option<&str>, seen: &BTreeSet<String>) -> Result<CheckedName, ArchiveError> {
    let raw_name = match std::str::from_utf8(&entry.name) {
        Ok(name) => name.to_owned(),
        Err(_) => return Err(ArchiveError::NonUtf8Name { name: String::from_utf8_lossy(&entry.name).into_owned() }),
    };
    let name = || raw_name.clone();

    // Archives written on Windows may use `\`; helm splits on it when present.
    let delimiter = if raw_name.contains('\\') { '\\' } else { '/' };
    let (first, rest) = raw_name.split_once(delimiter).unwrap_or((&raw_name, ""));
    let rest = rest.replace(delimiter, "/");
    if rest.starts_with('/') {
        return Err(ArchiveError::AbsolutePath { name: name() });
    }
    let path = path_clean(&rest);
    if path == "." {
        return Err(ArchiveError::OutsideBaseDir { name: name() });
    }
    if path.starts_with("..") {
        return Err(ArchiveError::ParentDirectory { name: name() });
    }
    let b = path.as_bytes();
    if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/' {
        return Err(ArchiveError::DriveLetter { name: name() });
    }
    if first == "Chart.yaml" {
        return Err(ArchiveError::ChartYamlNotInBaseDir { name: name() });
    }

    // chartpack's own rules.
    let f = first.as_bytes();
    if first.is_empty() || (f.len() == 2 && f[0].is_ascii_alphabetic() && f[1] == b':') {
        return Err(ArchiveError::AbsoluteName { name: name() });
    }
    if first == ".." {
        return Err(ArchiveError::TopDirParent { name: name() });
    }
    if let Some(top_dir) = top_dir {
        if first != top_dir {
            return Err(ArchiveError::MixedTopDirs { name: name(), top_dir: top_dir.to_owned() });
        }
    }
    if seen.contains(&path) {
        return Err(ArchiveError::DuplicateEntry { name: name(), path });
    }
    let kind = match entry.typeflag {
        _ if entry.pax_sparse => Some(EntryKind::Sparse),
        b'0' | b'7' => None,
        b'1' => Some(EntryKind::HardLink),
        b'2' => Some(EntryKind::Symlink),
        b'3' => Some(EntryKind::CharDevice),
        b'4' => Some(EntryKind::BlockDevice),
        b'6' => Some(EntryKind::Fifo),
        b'S' => Some(EntryKind::Sparse),
        other => Some(EntryKind::Other(other)),
    };
    if let Some(kind) = kind {
        return Err(ArchiveError::IrregularEntry { name: name(), kind });
    }
    Ok(CheckedName { top_dir: first.to_owned(), path, raw_name })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::{gzip_helm, write_tar, TarEntry};
    use crate::HELM_LIMITS;

    fn tgz(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let e: Vec<_> = entries.iter().map(|(p, d)| TarEntry { path: p, data: d, mtime: 1_600_000_000 }).collect();
        gzip_helm(&write_tar(&e))
    }

    /// A raw tar header block (ustar) with a checksum, for entry types `write_tar` never writes.
    fn raw_block(name: &str, typeflag: u8, size: usize) -> Vec<u8> {
        let mut b = vec![0u8; 512];
        b[..name.len()].copy_from_slice(name.as_bytes());
        b[100..108].copy_from_slice(b"0000644\0");
        b[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
        b[136..148].copy_from_slice(b"14750000000\0");
        b[156] = typeflag;
        b[257..265].copy_from_slice(b"ustar\x0000");
        b[148..156].fill(b' ');
        let sum: u32 = b.iter().map(|&x| u32::from(x)).sum();
        b[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        b
    }

    #[track_caller]
    fn check(archive: &[u8], want: Result<&[&str], ArchiveError>) {
        let got = read_chart_archive(archive, "x.tgz", &HELM_LIMITS);
        let got = got.map(|a| a.files.into_iter().map(|f| f.path).collect::<Vec<_>>());
        let want = want.map(|w| w.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(got, want);
    }

    #[track_caller]
    fn check_names(names: &[&str], want: Result<&[&str], ArchiveError>) {
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (*n, &b"x"[..])).collect();
        check(&tgz(&entries), want);
    }

    #[test]
    fn helm_path_rules() {
        let n = |s: &str| s.to_owned();
        check_names(&["c/Chart.yaml", "c/templates/a.yaml"], Ok(&["Chart.yaml", "templates/a.yaml"]));
        check_names(&["c/templates//./a.yaml"], Ok(&["templates/a.yaml"]));
        check_names(&["c//templates/a.yaml"], Err(ArchiveError::AbsolutePath { name: n("c//templates/a.yaml") }));
        check_names(&["c\\templates\\a.yaml"], Ok(&["templates/a.yaml"]));
        check_names(&["./Chart.yaml"], Ok(&["Chart.yaml"]));
        check_names(&["//foo"], Err(ArchiveError::AbsolutePath { name: n("//foo") }));
        check_names(&["\\\\foo"], Err(ArchiveError::AbsolutePath { name: n("\\\\foo") }));
        check_names(&["Chart.yaml"], Err(ArchiveError::OutsideBaseDir { name: n("Chart.yaml") }));
        check_names(&["./."], Err(ArchiveError::OutsideBaseDir { name: n("./.") }));
        check_names(
            &["c/templates/../../../x"],
            Err(ArchiveError::ParentDirectory { name: n("c/templates/../../../x") }),
        );
        check_names(&["../../x"], Err(ArchiveError::ParentDirectory { name: n("../../x") }));
        check_names(&["c/..x"], Err(ArchiveError::ParentDirectory { name: n("c/..x") }));
        check_names(&["/./c://foo"], Err(ArchiveError::DriveLetter { name: n("/./c://foo") }));
        check_names(&["Chart.yaml/x"], Err(ArchiveError::ChartYamlNotInBaseDir { name: n("Chart.yaml/x") }));
    }

    #[test]
    fn own_path_rules() {
        let n = |s: &str| s.to_owned();
        check_names(&["/Chart.yaml"], Err(ArchiveError::AbsoluteName { name: n("/Chart.yaml") }));
        check_names(&["\\c\\Chart.yaml"], Err(ArchiveError::AbsoluteName { name: n("\\c\\Chart.yaml") }));
        check_names(&["C:\\c\\Chart.yaml"], Err(ArchiveError::AbsoluteName { name: n("C:\\c\\Chart.yaml") }));
        check_names(&["../Chart.yaml"], Err(ArchiveError::TopDirParent { name: n("../Chart.yaml") }));
        check_names(&["c/Chart.yaml", "d/x"], Err(ArchiveError::MixedTopDirs { name: n("d/x"), top_dir: n("c") }));
        check_names(&["c/a", "c/./a"], Err(ArchiveError::DuplicateEntry { name: n("c/./a"), path: n("a") }));
        check_names(
            &["c/Chart.yaml", "c/Chart.yaml"],
            Err(ArchiveError::DuplicateEntry { name: n("c/Chart.yaml"), path: n("Chart.yaml") }),
        );
    }

    #[test]
    fn irregular_entries() {
        for (t, kind) in [
            (b'1', EntryKind::HardLink),
            (b'2', EntryKind::Symlink),
            (b'3', EntryKind::CharDevice),
            (b'4', EntryKind::BlockDevice),
            (b'6', EntryKind::Fifo),
            (b'S', EntryKind::Sparse),
            (b'V', EntryKind::Other(b'V')),
        ] {
            let tar = [raw_block("c/link", t, 0), vec![0; 1024]].concat();
            check(&gzip_helm(&tar), Err(ArchiveError::IrregularEntry { name: "c/link".into(), kind }));
        }
        // Directories (by type or by mode bits) are skipped; contiguous files (7) are regular.
        let mut dir_by_mode = raw_block("c/d", b'0', 0);
        dir_by_mode[100..108].copy_from_slice(b"0040755\0");
        dir_by_mode[148..156].fill(b' ');
        let sum: u32 = dir_by_mode.iter().map(|&x| u32::from(x)).sum();
        dir_by_mode[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        let tar =
            [raw_block("c/", b'5', 0), dir_by_mode, raw_block("c/f", b'7', 1), vec![b'F'; 512], vec![0; 1024]].concat();
        check(&gzip_helm(&tar), Ok(&["f"]));
    }

    #[test]
    fn sizes_and_counts() {
        let small = Limits { archive_bytes: 10, file_bytes: 4, files: 2, compressed_bytes: 1 << 20 };
        let read = |a: &[u8], l: &Limits| read_chart_archive(a, "x.tgz", l).map(|r| r.files.len());
        assert_eq!(read(&tgz(&[("c/a", b"1234")]), &small), Ok(1));
        assert_eq!(
            read(&tgz(&[("c/a", b"12345")]), &small),
            Err(ArchiveError::FileTooLarge { name: "c/a".into(), limit: 4 })
        );
        assert_eq!(
            read(&tgz(&[("c/a", b"1234"), ("c/b", b"1234"), ("c/c", b"")]), &small),
            Err(ArchiveError::TooManyFiles { limit: 2 })
        );
        // Total: the declared size must fit in what is left, and the budget must not reach zero.
        let total = Limits { archive_bytes: 8, file_bytes: 4, files: 10, compressed_bytes: 1 << 20 };
        assert_eq!(read(&tgz(&[("c/a", b"1234"), ("c/b", b"123")]), &total), Ok(2));
        assert_eq!(
            read(&tgz(&[("c/a", b"1234"), ("c/b", b"1234")]), &total),
            Err(ArchiveError::ArchiveTooLarge { limit: 8 })
        );
        assert_eq!(
            read(&tgz(&[("c/a", b"1234"), ("c/b", b""), ("c/c", b"1234")]), &total),
            Err(ArchiveError::ArchiveTooLarge { limit: 8 })
        );
        let tiny = Limits { compressed_bytes: 10, ..HELM_LIMITS };
        let a = tgz(&[("c/a", b"1")]);
        assert_eq!(read(&a, &tiny), Err(ArchiveError::CompressedTooLarge { size: a.len() as u64, limit: 10 }));
    }

    #[test]
    fn header_only_bomb_is_bounded() {
        // 300 000 directory headers (150 MB of tar) compress to little; the stream limit stops them.
        let mut tar = Vec::with_capacity(300_001 * 512);
        let dir = raw_block("c/d/", b'5', 0);
        for _ in 0..300_000 {
            tar.extend_from_slice(&dir);
        }
        tar.extend_from_slice(&[0; 1024]);
        let limits = HELM_LIMITS;
        assert_eq!(
            read_chart_archive(&gzip_helm(&tar), "x.tgz", &limits),
            Err(ArchiveError::StreamTooLarge { limit: limits.stream_bytes() })
        );
    }

    #[test]
    fn sniffing() {
        let read = |bytes: &[u8], name: &str| read_chart_archive(bytes, name, &HELM_LIMITS);
        assert_eq!(read(b"a: b\n", "v.yaml"), Err(ArchiveError::YamlNotGzip { name: "v.yaml".into() }));
        assert_eq!(read(b"a: b\n", "v.yml"), Err(ArchiveError::YamlNotGzip { name: "v.yml".into() }));
        assert_eq!(
            read(b"a: b\n", "v.tgz"),
            Err(ArchiveError::NotGzip { name: "v.tgz".into(), content_type: "application/octet-stream" })
        );
        assert_eq!(
            read(&[b'a'; 600], "v.tgz"),
            Err(ArchiveError::NotGzip { name: "v.tgz".into(), content_type: "text/plain; charset=utf-8" })
        );
        assert_eq!(
            read(b"PK\x03\x04rest", "v.tgz"),
            Err(ArchiveError::NotGzip { name: "v.tgz".into(), content_type: "application/zip" })
        );
        assert_eq!(read(b"\x1f\x8b\x08", "v.tgz"), Err(ArchiveError::UnexpectedEof));
    }

    #[test]
    fn bom_mtime_and_top_dir() {
        let e = [TarEntry { path: "top/Chart.yaml", data: b"\xEF\xBB\xBFname: c\n", mtime: -7 }];
        let got = read_chart_archive(&gzip_helm(&write_tar(&e)), "x.tgz", &HELM_LIMITS).unwrap();
        assert_eq!(got.top_dir, "top");
        assert_eq!(got.files, vec![ArchiveFile { path: "Chart.yaml".into(), data: b"name: c\n".to_vec(), mtime: -7 }]);
    }

    #[test]
    fn no_files() {
        check(&gzip_helm(&[0; 1024]), Err(ArchiveError::NoFiles));
        check(&gzip_helm(&[]), Err(ArchiveError::NoFiles));
        check(&gzip_helm(&[raw_block("c/", b'5', 0), vec![0; 1024]].concat()), Err(ArchiveError::NoFiles));
    }

    #[test]
    fn trailing_gzip_is_checked() {
        let mut a = tgz(&[("c/a", b"1")]);
        let n = a.len();
        a[n - 6] ^= 0xff; // CRC, after the tar end marker
        check(&a, Err(ArchiveError::GzipChecksum));
    }
}
