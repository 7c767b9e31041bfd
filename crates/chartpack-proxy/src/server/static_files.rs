//! The web app's files, served read-only from one directory. Only plain names are served:
//! no `..`, no hidden files, no escape through symlinks.

use std::path::{Path, PathBuf};

/// A file to send.
pub(crate) struct StaticFile {
    /// Its bytes.
    pub(crate) bytes: Vec<u8>,
    /// Its `Content-Type`.
    pub(crate) content_type: &'static str,
}

/// The file for URL `path` under `root` (canonical), or `None` (404).
pub(crate) async fn load(root: &Path, path: &str) -> Option<StaticFile> {
    let relative = safe_relative(path)?;
    let mut candidate = root.join(&relative);
    if tokio::fs::metadata(&candidate).await.ok()?.is_dir() {
        candidate = candidate.join("index.html");
    }
    let canonical = tokio::fs::canonicalize(&candidate).await.ok()?;
    if !canonical.starts_with(root) {
        return None;
    }
    let bytes = tokio::fs::read(&canonical).await.ok()?;
    Some(StaticFile { bytes, content_type: content_type(&canonical) })
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
    use super::safe_relative;

    #[test]
    fn only_plain_segments_are_served() {
        assert_eq!(safe_relative("/"), Some("".into()));
        assert_eq!(safe_relative("/assets/app-1a2b.wasm"), Some("assets/app-1a2b.wasm".into()));
        for bad in ["/../etc/passwd", "/a/../../b", "/.git/config", "/a%2f..", "/a\\b", "/.env"] {
            assert_eq!(safe_relative(bad), None, "{bad}");
        }
    }
}
