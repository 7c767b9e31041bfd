//! Go's `http.DetectContentType`, which helm uses to name what a non-gzip "archive" looks like.

/// One entry of Go's signature table (`net/http/sniff.go`, Go 1.25).
enum Sig {
    /// Case-insensitive HTML tag after leading whitespace, followed by space or `>`.
    Html(&'static [u8]),
    /// `data & mask == pat`, optionally after leading whitespace.
    Masked { mask: &'static [u8], pat: &'static [u8], skip_ws: bool, ct: &'static str },
    /// Prefix match.
    Exact(&'static [u8], &'static str),
    /// ISO base media (`ftyp` box naming an `mp4` brand).
    Mp4,
    /// No binary bytes after leading whitespace.
    Text,
}

const FF4_00_4FF4: &[u8] = b"\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF";

static SIGNATURES: &[Sig] = &[
    Sig::Html(b"<!DOCTYPE HTML"),
    Sig::Html(b"<HTML"),
    Sig::Html(b"<HEAD"),
    Sig::Html(b"<SCRIPT"),
    Sig::Html(b"<IFRAME"),
    Sig::Html(b"<H1"),
    Sig::Html(b"<DIV"),
    Sig::Html(b"<FONT"),
    Sig::Html(b"<TABLE"),
    Sig::Html(b"<A"),
    Sig::Html(b"<STYLE"),
    Sig::Html(b"<TITLE"),
    Sig::Html(b"<B"),
    Sig::Html(b"<BODY"),
    Sig::Html(b"<BR"),
    Sig::Html(b"<P"),
    Sig::Html(b"<!--"),
    Sig::Masked { mask: b"\xFF\xFF\xFF\xFF\xFF", pat: b"<?xml", skip_ws: true, ct: "text/xml; charset=utf-8" },
    Sig::Exact(b"%PDF-", "application/pdf"),
    Sig::Exact(b"%!PS-Adobe-", "application/postscript"),
    Sig::Masked { mask: b"\xFF\xFF\x00\x00", pat: b"\xFE\xFF\x00\x00", skip_ws: false, ct: "text/plain; charset=utf-16be" },
    Sig::Masked { mask: b"\xFF\xFF\x00\x00", pat: b"\xFF\xFE\x00\x00", skip_ws: false, ct: "text/plain; charset=utf-16le" },
    Sig::Masked { mask: b"\xFF\xFF\xFF\x00", pat: b"\xEF\xBB\xBF\x00", skip_ws: false, ct: "text/plain; charset=utf-8" },
    Sig::Exact(b"\x00\x00\x01\x00", "image/x-icon"),
    Sig::Exact(b"\x00\x00\x02\x00", "image/x-icon"),
    Sig::Exact(b"BM", "image/bmp"),
    Sig::Exact(b"GIF87a", "image/gif"),
    Sig::Exact(b"GIF89a", "image/gif"),
    Sig::Masked {
        mask: b"\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF\xFF\xFF",
        pat: b"RIFF\x00\x00\x00\x00WEBPVP",
        skip_ws: false,
        ct: "image/webp",
    },
    Sig::Exact(b"\x89PNG\x0D\x0A\x1A\x0A", "image/png"),
    Sig::Exact(b"\xFF\xD8\xFF", "image/jpeg"),
    Sig::Masked { mask: FF4_00_4FF4, pat: b"FORM\x00\x00\x00\x00AIFF", skip_ws: false, ct: "audio/aiff" },
    Sig::Masked { mask: b"\xFF\xFF\xFF", pat: b"ID3", skip_ws: false, ct: "audio/mpeg" },
    Sig::Masked { mask: b"\xFF\xFF\xFF\xFF\xFF", pat: b"OggS\x00", skip_ws: false, ct: "application/ogg" },
    Sig::Masked { mask: b"\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF", pat: b"MThd\x00\x00\x00\x06", skip_ws: false, ct: "audio/midi" },
    Sig::Masked { mask: FF4_00_4FF4, pat: b"RIFF\x00\x00\x00\x00AVI ", skip_ws: false, ct: "video/avi" },
    Sig::Masked { mask: FF4_00_4FF4, pat: b"RIFF\x00\x00\x00\x00WAVE", skip_ws: false, ct: "audio/wave" },
    Sig::Mp4,
    Sig::Exact(b"\x1A\x45\xDF\xA3", "video/webm"),
    Sig::Masked {
        mask: b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xFF\xFF",
        pat: b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00LP",
        skip_ws: false,
        ct: "application/vnd.ms-fontobject",
    },
    Sig::Exact(b"\x00\x01\x00\x00", "font/ttf"),
    Sig::Exact(b"OTTO", "font/otf"),
    Sig::Exact(b"ttcf", "font/collection"),
    Sig::Exact(b"wOFF", "font/woff"),
    Sig::Exact(b"wOF2", "font/woff2"),
    Sig::Exact(b"\x1F\x8B\x08", "application/x-gzip"),
    Sig::Exact(b"PK\x03\x04", "application/zip"),
    Sig::Exact(b"Rar!\x1A\x07\x00", "application/x-rar-compressed"),
    Sig::Exact(b"Rar!\x1A\x07\x01\x00", "application/x-rar-compressed"),
    Sig::Exact(b"\x00\x61\x73\x6D", "application/wasm"),
    Sig::Text,
];

fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

impl Sig {
    fn matches(&self, data: &[u8], first_non_ws: usize) -> Option<&'static str> {
        match self {
            Sig::Html(tag) => {
                let d = &data[first_non_ws..];
                if d.len() < tag.len() + 1 {
                    return None;
                }
                let same =
                    tag.iter().zip(d).all(|(&t, &b)| if t.is_ascii_uppercase() { b & 0xDF == t } else { b == t });
                (same && matches!(d[tag.len()], b' ' | b'>')).then_some("text/html; charset=utf-8")
            }
            Sig::Masked { mask, pat, skip_ws, ct } => {
                let d = if *skip_ws { &data[first_non_ws..] } else { data };
                if d.len() < pat.len() {
                    return None;
                }
                pat.iter().zip(mask.iter()).zip(d).all(|((&p, &m), &b)| b & m == p).then_some(*ct)
            }
            Sig::Exact(prefix, ct) => data.starts_with(prefix).then_some(*ct),
            Sig::Mp4 => {
                if data.len() < 12 {
                    return None;
                }
                let box_size = u32::from_be_bytes([data[0], data[1], data[2], data[3]]) as usize;
                if data.len() < box_size || !box_size.is_multiple_of(4) || &data[4..8] != b"ftyp" {
                    return None;
                }
                (8..box_size)
                    .step_by(4)
                    .filter(|&st| st != 12)
                    .any(|st| data.get(st..st + 3) == Some(b"mp4"))
                    .then_some("video/mp4")
            }
            Sig::Text => data[first_non_ws..]
                .iter()
                .all(|&b| !(b <= 0x08 || b == 0x0B || (0x0E..=0x1A).contains(&b) || (0x1C..=0x1F).contains(&b)))
                .then_some("text/plain; charset=utf-8"),
        }
    }
}

/// Go's `http.DetectContentType`: the MIME type of `data` judged from its first 512 bytes,
/// `"application/octet-stream"` when nothing matches.
pub fn detect_content_type(data: &[u8]) -> &'static str {
    let data = &data[..data.len().min(512)];
    let first_non_ws = data.iter().position(|&b| !is_ws(b)).unwrap_or(data.len());
    SIGNATURES.iter().find_map(|sig| sig.matches(data, first_non_ws)).unwrap_or("application/octet-stream")
}

/// What helm's `EnsureArchive` sniffs: the first 512 bytes of the file, zero-padded to 512 (it reads
/// into a zeroed 512-byte buffer), so a short text file counts as binary.
pub(crate) fn helm_sniff(bytes: &[u8]) -> &'static str {
    let mut buf = [0u8; 512];
    let n = bytes.len().min(512);
    buf[..n].copy_from_slice(&bytes[..n]);
    detect_content_type(&buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(data: &[u8], want: &str) {
        assert_eq!(detect_content_type(data), want, "data {data:?}");
    }

    #[test]
    fn go_sniff_table() {
        // Cases from Go's net/http/sniff_test.go.
        check(b"", "text/plain; charset=utf-8");
        check(b"\x01\x02\x03", "application/octet-stream");
        check(b"<HtMl><bOdY>blah blah blah</body></html>", "text/html; charset=utf-8");
        check(b"\n<?xml!", "text/xml; charset=utf-8");
        check(b"   <!DOCTYPE HTML>...", "text/html; charset=utf-8");
        check(b"<BODY", "text/plain; charset=utf-8"); // tag needs a terminator
        check(b"%PDF-1.4", "application/pdf");
        check(b"\xEF\xBB\xBFfoo", "text/plain; charset=utf-8");
        check(b"GIF87a", "image/gif");
        check(b"\x89PNG\x0D\x0A\x1A\x0A", "image/png");
        check(b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wave");
        check(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom<\x06t\xbfmdat", "video/mp4");
        check(b"PK\x03\x04\x14\x00", "application/zip");
        check(b"\x1F\x8B\x08\x00", "application/x-gzip");
        check(b"\x00asm\x01\x00", "application/wasm");
        check(b"Rar!\x1A\x07\x01\x00", "application/x-rar-compressed");
        check(b"wOFF", "font/woff");
        check(b"apiVersion: v2\nname: x\n", "text/plain; charset=utf-8");
    }

    #[test]
    fn helm_pads_short_files() {
        // helm reads into a zeroed 512-byte buffer: short text sniffs as binary.
        assert_eq!(helm_sniff(b"apiVersion: v2\n"), "application/octet-stream");
        assert_eq!(helm_sniff(&[b'a'; 512]), "text/plain; charset=utf-8");
        assert_eq!(helm_sniff(b""), "application/octet-stream");
        assert_eq!(helm_sniff(b"PK\x03\x04"), "application/zip");
    }
}
