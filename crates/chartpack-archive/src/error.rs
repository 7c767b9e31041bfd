//! The error type of chart archive reading, with helm's exact messages and stable codes.

use std::fmt;

use crate::gostr::go_quote;

/// Why a chart archive (or a gzip stream) was refused.
///
/// Where helm v4.1.4 refuses the same input, `Display` is helm's exact text (compare
/// `helm show chart`); the variants below the "chartpack's own" line are refusals helm does not make
/// (see the crate docs for the table). [`ArchiveError::code`] gives a stable identifier per variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    // ---- framing: size, sniffing, gzip, tar -------------------------------------------------------
    /// The compressed input is larger than [`Limits::compressed_bytes`](crate::Limits).
    #[error("chart archive is {size} bytes, larger than the maximum size {limit}")]
    CompressedTooLarge {
        /// Size of the input in bytes.
        size: u64,
        /// The limit that was exceeded.
        limit: u64,
    },
    /// The input does not start like a gzip stream (helm's `EnsureArchive`).
    #[error("file '{name}' does not appear to be a gzipped archive; got '{content_type}'")]
    NotGzip {
        /// The display name the caller gave (helm prints the path it was given).
        name: String,
        /// What Go's `http.DetectContentType` calls the first 512 bytes.
        content_type: &'static str,
    },
    /// The input is not gzip and its name ends in `.yaml`/`.yml` (helm's `EnsureArchive`).
    #[error("file '{name}' seems to be a YAML file, but expected a gzipped archive")]
    YamlNotGzip {
        /// The display name the caller gave.
        name: String,
    },
    /// Empty input given to [`gunzip`](crate::gunzip) (Go's `gzip.NewReader` returns `io.EOF`).
    #[error("EOF")]
    Empty,
    /// A gzip member header is malformed: bad magic or method, over-long name/comment, bad header
    /// CRC, junk after a member. helm's `LoadFile` wraps this one error with the file name; `name` is
    /// set when the error comes from [`read_chart_archive`](crate::read_chart_archive).
    #[error("{}", gzip_header_message(.name.as_deref()))]
    GzipHeader {
        /// The display name given to [`read_chart_archive`](crate::read_chart_archive), if any.
        name: Option<String>,
    },
    /// A gzip member's CRC-32 or length trailer does not match its data.
    #[error("gzip: invalid checksum")]
    GzipChecksum,
    /// The DEFLATE data is corrupt. `offset` counts compressed bytes of the member read so far; Go's
    /// decoder may report a slightly different offset for the same input.
    #[error("flate: corrupt input before offset {offset}")]
    Deflate {
        /// Compressed bytes of the current member consumed before the error was detected.
        offset: u64,
    },
    /// The gzip or tar stream ends in the middle of a header, a trailer or a file's data.
    #[error("unexpected EOF")]
    UnexpectedEof,
    /// A tar header block is malformed (bad checksum, bad number, bad PAX record, …).
    #[error("archive/tar: invalid tar header")]
    TarHeader,
    /// A PAX extended header or GNU long name is larger than 1 MiB (Go's `maxSpecialFileSize`).
    #[error("archive/tar: header field too long")]
    TarFieldTooLong,
    /// The decompressed stream (headers, padding and data) exceeds [`Limits::stream_bytes`](crate::Limits::stream_bytes)
    /// or the limit given to [`gunzip`](crate::gunzip).
    #[error("decompressed archive stream is larger than the maximum size {limit}")]
    StreamTooLarge {
        /// The limit that was exceeded.
        limit: u64,
    },

    // ---- helm's path and size rules (LoadArchiveFiles) --------------------------------------------
    /// After dropping the first path component, the name is absolute (e.g. `//foo`).
    #[error("chart illegally contains absolute paths")]
    AbsolutePath {
        /// Raw entry name.
        name: String,
    },
    /// The entry has a single path component (e.g. `Chart.yaml` at the archive root, `./.`).
    #[error("chart illegally contains content outside the base directory: {}", go_quote(.name))]
    OutsideBaseDir {
        /// Raw entry name.
        name: String,
    },
    /// The cleaned name starts with `..` (e.g. `mychart/../../x`; also `mychart/..x`, as in helm).
    #[error("chart illegally references parent directory")]
    ParentDirectory {
        /// Raw entry name.
        name: String,
    },
    /// The cleaned name starts with a drive letter (`c:/…`).
    #[error("chart contains illegally named files")]
    DriveLetter {
        /// Raw entry name.
        name: String,
    },
    /// The first path component is `Chart.yaml` (e.g. `Chart.yaml/x`).
    #[error("chart yaml not in base directory")]
    ChartYamlNotInBaseDir {
        /// Raw entry name.
        name: String,
    },
    /// The files' contents add up to [`Limits::archive_bytes`](crate::Limits) or more.
    #[error("decompressed chart is larger than the maximum size {limit}")]
    ArchiveTooLarge {
        /// The limit that was reached.
        limit: u64,
    },
    /// One file is larger than [`Limits::file_bytes`](crate::Limits).
    #[error("decompressed chart file {} is larger than the maximum file size {limit}", go_quote(.name))]
    FileTooLarge {
        /// Raw entry name (with the top directory, as helm prints it).
        name: String,
        /// The limit that was exceeded.
        limit: u64,
    },
    /// The archive holds no files (only directories, PAX headers, or nothing).
    #[error("no files in chart archive")]
    NoFiles,

    // ---- chartpack's own refusals (helm accepts these) --------------------------------------------
    /// The raw entry name is absolute (`/x`, `\x`, `C:…`); helm silently drops the empty or drive
    /// component and accepts it.
    #[error("chart archive entry {name:?} has an absolute path")]
    AbsoluteName {
        /// Raw entry name.
        name: String,
    },
    /// The entry's top directory is `..`; helm drops it and accepts the entry.
    #[error("chart archive entry {name:?} has \"..\" as its top directory")]
    TopDirParent {
        /// Raw entry name.
        name: String,
    },
    /// The entry's top directory differs from the first file's; helm accepts any mix.
    #[error("chart archive entry {name:?} is not under the top directory {top_dir:?} of the first file")]
    MixedTopDirs {
        /// Raw entry name.
        name: String,
        /// Top directory of the first file entry.
        top_dir: String,
    },
    /// The entry is not a regular file; helm turns links, devices and FIFOs into empty files.
    #[error("chart archive entry {name:?} is not a regular file: {kind}")]
    IrregularEntry {
        /// Raw entry name.
        name: String,
        /// What the entry is.
        kind: EntryKind,
    },
    /// Two file entries have the same path after helm's normalisation; helm keeps both (and merges
    /// duplicate `Chart.yaml`s field by field).
    #[error("chart archive entry {name:?} duplicates the path {path:?}")]
    DuplicateEntry {
        /// Raw name of the second entry.
        name: String,
        /// The normalised path both entries have.
        path: String,
    },
    /// More file entries than [`Limits::files`](crate::Limits).
    #[error("chart archive has more than {limit} files")]
    TooManyFiles {
        /// The limit that was exceeded.
        limit: usize,
    },
    /// The entry name is not UTF-8 (helm accepts any bytes).
    #[error("chart archive entry name {name:?} is not valid UTF-8")]
    NonUtf8Name {
        /// The name with invalid sequences replaced by U+FFFD.
        name: String,
    },
}

/// Kinds of tar entries chartpack refuses (see [`ArchiveError::IrregularEntry`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryKind {
    /// Typeflag `1`.
    HardLink,
    /// Typeflag `2`.
    Symlink,
    /// Typeflag `3`.
    CharDevice,
    /// Typeflag `4`.
    BlockDevice,
    /// Typeflag `6`.
    Fifo,
    /// GNU sparse file (typeflag `S` or `GNU.sparse.*` PAX records).
    Sparse,
    /// Any other typeflag (e.g. GNU `V` volume header, `D` dump dir), with the raw byte.
    Other(u8),
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryKind::HardLink => f.write_str("hard link"),
            EntryKind::Symlink => f.write_str("symbolic link"),
            EntryKind::CharDevice => f.write_str("character device"),
            EntryKind::BlockDevice => f.write_str("block device"),
            EntryKind::Fifo => f.write_str("FIFO"),
            EntryKind::Sparse => f.write_str("sparse file"),
            EntryKind::Other(b) if b.is_ascii_graphic() => {
                write!(f, "entry of type '{}'", char::from(*b))
            }
            EntryKind::Other(b) => write!(f, "entry of type 0x{b:02x}"),
        }
    }
}

fn gzip_header_message(name: Option<&str>) -> String {
    match name {
        Some(name) => format!("file '{name}' does not appear to be a valid chart file (details: gzip: invalid header)"),
        None => "gzip: invalid header".to_owned(),
    }
}

impl ArchiveError {
    /// Stable, documented identifier such as `"archive.parent_dir"`; the JS binding exposes it.
    pub fn code(&self) -> &'static str {
        match self {
            ArchiveError::CompressedTooLarge { .. } => "archive.compressed_too_large",
            ArchiveError::NotGzip { .. } => "archive.not_gzip",
            ArchiveError::YamlNotGzip { .. } => "archive.yaml_not_gzip",
            ArchiveError::Empty => "archive.empty",
            ArchiveError::GzipHeader { .. } => "archive.gzip_header",
            ArchiveError::GzipChecksum => "archive.gzip_checksum",
            ArchiveError::Deflate { .. } => "archive.deflate",
            ArchiveError::UnexpectedEof => "archive.truncated",
            ArchiveError::TarHeader => "archive.tar_header",
            ArchiveError::TarFieldTooLong => "archive.tar_field_too_long",
            ArchiveError::StreamTooLarge { .. } => "archive.stream_too_large",
            ArchiveError::AbsolutePath { .. } => "archive.absolute_path",
            ArchiveError::OutsideBaseDir { .. } => "archive.outside_base_dir",
            ArchiveError::ParentDirectory { .. } => "archive.parent_dir",
            ArchiveError::DriveLetter { .. } => "archive.drive_letter",
            ArchiveError::ChartYamlNotInBaseDir { .. } => "archive.chart_yaml_not_in_base_dir",
            ArchiveError::ArchiveTooLarge { .. } => "archive.too_large",
            ArchiveError::FileTooLarge { .. } => "archive.file_too_large",
            ArchiveError::NoFiles => "archive.no_files",
            ArchiveError::AbsoluteName { .. } => "archive.absolute_name",
            ArchiveError::TopDirParent { .. } => "archive.top_dir_parent",
            ArchiveError::MixedTopDirs { .. } => "archive.mixed_top_dirs",
            ArchiveError::IrregularEntry { .. } => "archive.irregular_entry",
            ArchiveError::DuplicateEntry { .. } => "archive.duplicate_entry",
            ArchiveError::TooManyFiles { .. } => "archive.too_many_files",
            ArchiveError::NonUtf8Name { .. } => "archive.non_utf8_name",
        }
    }

    /// The raw archive entry name the error is about, when there is one.
    pub fn entry(&self) -> Option<&str> {
        match self {
            ArchiveError::AbsolutePath { name }
            | ArchiveError::OutsideBaseDir { name }
            | ArchiveError::ParentDirectory { name }
            | ArchiveError::DriveLetter { name }
            | ArchiveError::ChartYamlNotInBaseDir { name }
            | ArchiveError::FileTooLarge { name, .. }
            | ArchiveError::AbsoluteName { name }
            | ArchiveError::TopDirParent { name }
            | ArchiveError::MixedTopDirs { name, .. }
            | ArchiveError::IrregularEntry { name, .. }
            | ArchiveError::DuplicateEntry { name, .. }
            | ArchiveError::NonUtf8Name { name } => Some(name),
            _ => None,
        }
    }

    /// Whether helm v4.1.4 refuses the same input (with the same message); `false` for chartpack's
    /// own, stricter refusals.
    pub fn is_helm_error(&self) -> bool {
        !matches!(
            self,
            ArchiveError::CompressedTooLarge { .. }
                | ArchiveError::StreamTooLarge { .. }
                | ArchiveError::AbsoluteName { .. }
                | ArchiveError::TopDirParent { .. }
                | ArchiveError::MixedTopDirs { .. }
                | ArchiveError::IrregularEntry { .. }
                | ArchiveError::DuplicateEntry { .. }
                | ArchiveError::TooManyFiles { .. }
                | ArchiveError::NonUtf8Name { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(err: ArchiveError, code: &str, display: &str) {
        assert_eq!(err.code(), code, "{err:?}");
        assert_eq!(err.to_string(), display, "{err:?}");
    }

    #[test]
    fn helm_texts() {
        let n = || "mychart/files/big.bin".to_owned();
        check(
            ArchiveError::FileTooLarge { name: n(), limit: 5242880 },
            "archive.file_too_large",
            "decompressed chart file \"mychart/files/big.bin\" is larger than the maximum file size 5242880",
        );
        check(
            ArchiveError::OutsideBaseDir { name: "./.".into() },
            "archive.outside_base_dir",
            "chart illegally contains content outside the base directory: \"./.\"",
        );
        check(
            ArchiveError::ArchiveTooLarge { limit: 104857600 },
            "archive.too_large",
            "decompressed chart is larger than the maximum size 104857600",
        );
        check(
            ArchiveError::NotGzip { name: "a.tgz".into(), content_type: "application/zip" },
            "archive.not_gzip",
            "file 'a.tgz' does not appear to be a gzipped archive; got 'application/zip'",
        );
        check(
            ArchiveError::YamlNotGzip { name: "v.yaml".into() },
            "archive.yaml_not_gzip",
            "file 'v.yaml' seems to be a YAML file, but expected a gzipped archive",
        );
        check(ArchiveError::UnexpectedEof, "archive.truncated", "unexpected EOF");
        check(ArchiveError::NoFiles, "archive.no_files", "no files in chart archive");
        check(ArchiveError::GzipHeader { name: None }, "archive.gzip_header", "gzip: invalid header");
        check(
            ArchiveError::GzipHeader { name: Some("a.tgz".into()) },
            "archive.gzip_header",
            "file 'a.tgz' does not appear to be a valid chart file (details: gzip: invalid header)",
        );
    }

    #[test]
    fn own_texts() {
        check(
            ArchiveError::IrregularEntry { name: "c/x".into(), kind: EntryKind::Symlink },
            "archive.irregular_entry",
            "chart archive entry \"c/x\" is not a regular file: symbolic link",
        );
        check(
            ArchiveError::IrregularEntry { name: "c/x".into(), kind: EntryKind::Other(b'V') },
            "archive.irregular_entry",
            "chart archive entry \"c/x\" is not a regular file: entry of type 'V'",
        );
        check(ArchiveError::TooManyFiles { limit: 3 }, "archive.too_many_files", "chart archive has more than 3 files");
    }

    #[test]
    fn entry_and_origin() {
        let e = ArchiveError::AbsoluteName { name: "/Chart.yaml".into() };
        assert_eq!(e.entry(), Some("/Chart.yaml"));
        assert!(!e.is_helm_error());
        assert!(ArchiveError::NoFiles.is_helm_error());
        assert_eq!(ArchiveError::NoFiles.entry(), None);
    }
}
