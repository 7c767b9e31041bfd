//! `pull --untar`: expand a pulled archive as helm does (`chartutil.Expand`): every file under
//! `<untardir>/<chart name>/`, refusing to write into an existing directory or outside it.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use chartpack::chart::DEFAULT_LOAD_LIMITS;

/// The directory helm checks for a conflict before expanding: `<ud>/<last segment of ref>`,
/// or just the segment when `ud` is `.`.
pub(crate) fn conflict_dir(untar_dir: &Path, chart_ref_segment: &str) -> PathBuf {
    if untar_dir == Path::new(".") {
        PathBuf::from(chart_ref_segment)
    } else {
        untar_dir.join(chart_ref_segment)
    }
}

/// Expands `archive` into `untar_dir/<chart name>/`. Fails, writing nothing, when the
/// conflict directory exists, the archive is not a chart, or a path would leave the chart.
pub(crate) fn extract_chart(archive: &[u8], untar_dir: &Path, chart_ref_segment: &str) -> Result<PathBuf, String> {
    let check = conflict_dir(untar_dir, chart_ref_segment);
    if std::fs::symlink_metadata(&check).is_ok() {
        return Err(format!("failed to untar: a file or directory with the name {} already exists", check.display()));
    }
    let (name, tree) = chartpack::expand_for_lint(archive, &DEFAULT_LOAD_LIMITS).map_err(|e| e.to_string())?;
    for file in &tree.files {
        let safe = Path::new(&file.path).components().all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(format!("refusing to extract {:?}: the path leaves the chart directory", file.path));
        }
    }
    std::fs::create_dir_all(&check).map_err(|e| format!("failed to untar (mkdir): {e}"))?;
    let chart_dir = untar_dir.join(&name);
    for file in &tree.files {
        let target = chart_dir.join(&file.path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("mkdir {}: {e}", parent.display()))?;
        }
        // create_new never follows a symlink planted at the target.
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(|e| format!("create {}: {e}", target.display()))?;
        out.write_all(&file.data).map_err(|e| format!("write {}: {e}", target.display()))?;
    }
    Ok(chart_dir)
}
