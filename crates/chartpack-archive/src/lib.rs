//! chartpack-archive: chart archives (`.tgz`) written byte-for-byte like helm v4 and read with helm's rules, bounded.
//!
//! Pure: bytes in, bytes out (no file system, clock, environment or network); builds for
//! `wasm32-unknown-unknown`.
//!
//! # Writing
//!
//! [`write_tar`] produces the tar stream helm's `pkg/chart/v2/util/save.go` produces through Go's
//! `archive/tar` (USTAR headers, prefix/name splitting, PAX headers for non-ASCII or unsplittable
//! names and out-of-range mtimes, two zero blocks, no record padding): byte-identical given the
//! same entries. [`gzip_helm`] adds helm's gzip framing ([`HELM_GZIP_HEADER`], CRC-32, size);
//! only the DEFLATE bytes differ from helm's (Go's encoder is not reproduced; any DEFLATE is valid).
//!
//! # Reading
//!
//! [`read_chart_archive`] mirrors helm's `EnsureArchive` + `LoadArchiveFiles`: same sniffing,
//! same path normalisation (drop the first component after splitting on `\` if present, else
//! `/`; clean), same checks in the same order with the same messages, same size limits, BOM
//! stripping. The gzip and tar layers follow Go's `compress/gzip` and `archive/tar` (multistream,
//! PAX `x`/`g`, GNU long names, USTAR prefix, STAR, V7, base-256 numbers), with every
//! variable-size structure capped: PAX and long-name bodies at 1 MiB, file data at
//! [`Limits::file_bytes`] (checked on the declared size before anything is allocated; buffers
//! grow with data actually read), the whole decompressed stream at [`Limits::stream_bytes`].
//!
//! ## Where chartpack refuses what helm v4.1.4 accepts
//!
//! | Input | helm | chartpack ([`ArchiveError`] code) |
//! | --- | --- | --- |
//! | symlink, hard link, char/block device, FIFO entry | empty file with that name | `archive.irregular_entry` |
//! | GNU sparse file (`S`, `GNU.sparse.*` PAX records) | expands the holes | `archive.irregular_entry` |
//! | other typeflags (`V`, `D`, `M`, …) | reads the data as a file | `archive.irregular_entry` |
//! | raw name `/x/…`, `\x\…`, `C:…` (absolute) | drops the first component, accepts | `archive.absolute_name` |
//! | top directory `..` (`../Chart.yaml`) | drops it, accepts | `archive.top_dir_parent` |
//! | files under different top directories | accepts any mix | `archive.mixed_top_dirs` |
//! | two entries with the same cleaned path | keeps both (merges `Chart.yaml`s) | `archive.duplicate_entry` |
//! | more than [`Limits::files`] files | no limit | `archive.too_many_files` |
//! | entry name not UTF-8 | accepts bytes | `archive.non_utf8_name` |
//! | input over [`Limits::compressed_bytes`] | no limit | `archive.compressed_too_large` |
//! | tar stream (headers, padding, skipped entries) over [`Limits::stream_bytes`] | unbounded (a header-only bomb runs until EOF) | `archive.stream_too_large` |
//! | bad or missing gzip trailer, or junk, after the tar end marker | never reads past the marker | `archive.gzip_checksum`, `archive.truncated`, `archive.gzip_header` |
//!
//! helm's own refusals keep helm's text ([`ArchiveError::is_helm_error`]). For each entry,
//! chartpack applies helm's path rules first, so a name that breaks helm's rules gets helm's
//! message even if it also breaks chartpack's (only the UTF-8 check comes before them). Directory
//! entries (typeflag `5` or directory mode bits) and PAX headers are skipped as helm skips them.
//!
//! ## Known differences in messages
//!
//! Corrupt DEFLATE data is decoded by flate2's zlib-rs backend (a port of zlib), not Go's
//! `compress/flate`: it is always refused, but not always with helm's message (300 single-bit
//! flips of a helm archive: 280 got helm's exact message, the rest a tar-parser or CRC error;
//! see `tests::mutated_gzip_streams_against_live_helm`).

mod error;
mod gostr;
mod gzip;
mod read;
mod sniff;
mod tar;
mod write;

#[cfg(test)]
mod tests;

pub use error::{ArchiveError, EntryKind};
pub use gostr::path_join;
pub use gzip::gunzip;
pub use read::{read_archive_files, read_chart_archive, ArchiveFile, ReadArchive};
pub use sniff::detect_content_type;
pub use write::{
    gzip_helm, gzip_helm_with_threads, round_mtime, write_tar, TarEntry, DEFLATE_SEGMENT_BYTES, HELM_GZIP_HEADER,
};

/// Limits on what a reader accepts: helm's, plus chartpack's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Total size of all files' contents; reaching it is an error, as in helm (`MaxDecompressedChartSize`).
    pub archive_bytes: u64,
    /// Size of one file (helm's `MaxDecompressedFileSize`).
    pub file_bytes: u64,
    /// Number of file entries (chartpack's own).
    pub files: usize,
    /// Size of the compressed input (chartpack's own).
    pub compressed_bytes: u64,
}

/// helm's archive limits (100 MiB decompressed, 5 MiB per file) plus chartpack's: 10 000 files,
/// 100 MiB compressed.
pub const HELM_LIMITS: Limits =
    Limits { archive_bytes: 100 << 20, file_bytes: 5 << 20, files: 10_000, compressed_bytes: 100 << 20 };

/// Allowance per file for its header, a PAX header with its records, and block padding.
const STREAM_BYTES_PER_FILE: u64 = 4 << 10;
/// Allowance for end-of-archive blocks, record padding and a few directory entries.
const STREAM_BYTES_SLACK: u64 = 1 << 20;

impl Limits {
    /// Bound on the whole decompressed tar stream, headers and skipped entries included:
    /// `archive_bytes + files × 4 KiB + 1 MiB` (≈ 140 MiB for [`HELM_LIMITS`]). Enough for any
    /// archive within the other limits written by helm or common tar tools; it stops archives
    /// made of endless headers, which helm would read to the end.
    pub fn stream_bytes(&self) -> u64 {
        self.archive_bytes
            .saturating_add((self.files as u64).saturating_mul(STREAM_BYTES_PER_FILE))
            .saturating_add(STREAM_BYTES_SLACK)
    }
}
