//! The web app's files, served read-only from one directory. Only plain names are served:
//! no `..`, no hidden files, no escape through symlinks. A file's gzip twin (`NAME.gz`, written
//! by `scripts/build-web.sh`) is sent instead when the client accepts gzip; names that carry a
//! content hash (Trunk's `app-1a2b3c4d5e6f7a8b.wasm`) may be cached for good.

use std::path::{Path, PathBuf};

/// A file to send.
pub(crate) struct StaticFile {
    /// Its bytes (gzip-compressed when `gzipped`).
    pub(crate) bytes: Vec<u8>,
    /// Its `Content-Type` (the file's own, also when its gzip twin is sent).
    pub(crate) content_type: &'static str,
    /// Whether `bytes` are the gzip twin (`Content-Encoding: gzip`).
    pub(crate) gzipped: bool,
    /// Whether the name carries a content hash, so the bytes never change under it.
    pub(crate) immutable: bool,
}

/// The file for URL `path` under `root` (canonical), or `None` (404); its gzip twin when
/// `accepts_gzip` and there is one.
pub(crate) async fn load(root: &Path, path: &str, accepts_gzip: bool) -> Option<StaticFile> {
    let relative = safe_relative(path)?;
    let mut candidate = root.join(&relative);
    if tokio::fs::metadata(&candidate).await.ok()?.is_dir() {
        candidate = candidate.join("index.html");
    }
    let canonical = inside(root, &candidate).await?;
    let content_type = content_type(&canonical);
    let immutable = has_content_hash(&canonical);
    if accepts_gzip {
        let mut twin = candidate.clone().into_os_string();
        twin.push(".gz");
        if let Some(twin) = inside(root, Path::new(&twin)).await {
            if let Ok(bytes) = tokio::fs::read(&twin).await {
                return Some(StaticFile { bytes, content_type, gzipped: true, immutable });
            }
        }
    }
    let bytes = tokio::fs::read(&canonical).await.ok()?;
    Some(StaticFile { bytes, content_type, gzipped: false, immutable })
}

/// `candidate` canonicalised, if it exists and stays under `root` (symlinks cannot lead out).
async fn inside(root: &Path, candidate: &Path) -> Option<PathBuf> {
    let canonical = tokio::fs::canonicalize(candidate).await.ok()?;
    canonical.starts_with(root).then_some(canonical)
}

/// Whether an `Accept-Encoding` value admits gzip (`gzip`, or `*`, without `q=0`).
pub(crate) fn accepts_gzip(accept_encoding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or_default().to_ascii_lowercase();
        let refused = parts.any(|p| p.strip_prefix("q=").is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q == 0.0)));
        (coding == "gzip" || coding == "*") && !refused
    })
}

/// Whether the file name ends in a content hash as Trunk writes it: `NAME-HASH.EXT` or
/// `NAME-HASH_bg.wasm`, HASH being 12 to 16 lowercase hex digits.
fn has_content_hash(path: &Path) -> bool {
    let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { return false };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// `path` as a relative path of plain segments, or `None`.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let plain =
            !segment.starts_with('.') && segment.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.@+".contains(&b));
        if !plain {
            return None;
        }
        relative.push(segment);
    }
    Some(relative)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "tgz" | "gz" => "application/gzip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::{accepts_gzip, has_content_hash, safe_relative};
    use std::path::Path;

    #[test]
    fn gzip_is_sent_only_where_accepted() {
        for yes in ["gzip", "gzip, deflate, br, zstd", "br;q=1.0, gzip;q=0.8", "*", "GZIP"] {
            assert!(accepts_gzip(yes), "{yes}");
        }
        for no in ["", "identity", "br", "gzip;q=0", "gzip; q=0", "deflate, *;q=0"] {
            assert!(!accepts_gzip(no), "{no}");
        }
    }

    #[test]
    fn only_trunk_hashed_names_are_immutable() {
        for hashed in
            ["chartpack-web-9b530b14dfadb7f.js", "chartpack-web-9b530b14dfadb7f_bg.wasm", "style-cdf1b21f7012269e.css"]
        {
            assert!(has_content_hash(Path::new(hashed)), "{hashed}");
        }
        for plain in [
            "index.html",
            "app.js",
            "worker.js",
            "chartpack-web.js",
            "my-app.js",
            "x-DEADBEEFDEADBEEF.js",
            "x-0123456789abcdef0.js",
        ] {
            assert!(!has_content_hash(Path::new(plain)), "{plain}");
        }
    }

    #[test]
    fn only_plain_segments_are_served() {
        assert_eq!(safe_relative("/"), Some("".into()));
        assert_eq!(safe_relative("/assets/app-1a2b.wasm"), Some("assets/app-1a2b.wasm".into()));
        for bad in ["/../etc/passwd", "/a/../../b", "/.git/config", "/a%2f..", "/a\\b", "/.env"] {
            assert_eq!(safe_relative(bad), None, "{bad}");
        }
    }
}
