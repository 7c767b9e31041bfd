//! `chartpack dependency update|build CHART`: the chart directory, helm's repositories file and
//! registry credentials around [`chartpack::dependencies`]; writes `charts/` and the lock as
//! helm does (new archives first, then outdated ones removed, a symlinked lock refused).

use std::path::{Path, PathBuf};

use chartpack::chart::{load_directory, ChartFile, DEFAULT_LOAD_LIMITS};
use chartpack::dependencies::{self, Options, Outcome, Sources};
use chartpack_cli::transport::{NativeTransport, TlsOptions};
use chartpack_cli::walk;
use chartpack_oci::client::block_on;
use chartpack_oci::reference::Reference;

use crate::args::Args;
use crate::registry_cmd::{self, CONNECTION_SWITCHES};

const VALUES: &[&str] = &[
    "--ca-file",
    "--registry-config",
    "--trust-realm",
    "--username",
    "--password",
    "--proxy",
    "--repository-config",
    "--keyring",
    "--repository-cache",
];
const SWITCHES: &[&str] = &["--skip-refresh", "--verify"];

/// Update (`update`) or build (`build`) the dependencies of the chart in `argv`.
pub(crate) fn cmd_update_or_build(argv: &[String], build: bool) -> Result<(), String> {
    let switches: Vec<&str> = CONNECTION_SWITCHES.iter().chain(SWITCHES).copied().collect();
    let args = Args::new(argv, VALUES, &switches)?;
    if args.flag("--verify") {
        return Err("--verify is not supported yet: chartpack does not check provenance signatures".to_owned());
    }
    let dir = match args.positional.as_slice() {
        [] => PathBuf::from("."),
        [one] => PathBuf::from(one),
        _ => return Err(format!("accepts at most 1 arg(s), received {}", args.positional.len())),
    };
    let meta =
        std::fs::metadata(&dir).map_err(|e| format!("could not find {}: {}", dir.display(), walk::io_text(&e)))?;
    if !meta.is_dir() {
        return Err("only unpacked charts can be updated".to_owned());
    }
    let files = walk::read_chart_dir(&dir).map_err(|e| e.message)?;
    let chart = load_directory(files, &DEFAULT_LOAD_LIMITS).map_err(|e| e.to_string())?;
    let options = Options {
        repositories: repositories(&args)?,
        now: crate::now(),
        now_offset: 0,
        reproducible_time: crate::source_date_epoch()?,
    };
    let sources = CliSources { args: &args, dir: dir.clone(), http: NativeTransport::new(&tls(&args)?)? };
    let outcome = if build {
        block_on(dependencies::build(&chart, &sources, &options))
    } else {
        block_on(dependencies::update(&chart, &sources, &options))
    };
    let Some(outcome) = outcome.map_err(|e| e.to_string())? else { return Ok(()) };
    write_charts(&dir, &outcome)?;
    if outcome.write_lock {
        write_lock(&dir, &outcome)?;
    }
    Ok(())
}

fn tls(args: &Args) -> Result<TlsOptions, String> {
    Ok(TlsOptions {
        insecure_skip_verify: args.flag("--insecure-skip-tls-verify") || args.flag("--insecure"),
        ca_pem: match args.value(&["--ca-file"]) {
            Some(path) => Some(std::fs::read(&path).map_err(|e| format!("open {path}: {}", walk::io_text(&e)))?),
            None => None,
        },
    })
}

/// helm's repositories file: `--repository-config`, `HELM_REPOSITORY_CONFIG`, else
/// `$XDG_CONFIG_HOME/helm/repositories.yaml` (`~/.config/helm/...`). Absent means none.
fn repositories(args: &Args) -> Result<Vec<dependencies::Repository>, String> {
    let path = args
        .value(&["--repository-config"])
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HELM_REPOSITORY_CONFIG").map(PathBuf::from))
        .or_else(|| {
            let config = std::env::var_os("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
            Some(config.join("helm/repositories.yaml"))
        });
    let Some(path) = path else { return Ok(Vec::new()) };
    match std::fs::read(&path) {
        Ok(bytes) => dependencies::parse_repositories(&bytes, &path.display().to_string()).map_err(|e| e.to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("failed to load {}: {}", path.display(), walk::io_text(&e))),
    }
}

struct CliSources<'a> {
    args: &'a Args,
    dir: PathBuf,
    http: NativeTransport,
}

impl CliSources<'_> {
    fn reference(repository: &str, tag: Option<&str>) -> Result<Reference, String> {
        let text = match tag {
            Some(tag) => format!("oci://{repository}:{}", tag.replace('+', "_")),
            None => format!("oci://{repository}"),
        };
        Reference::parse(&text).map_err(|e| e.to_string())
    }
}

impl Sources for CliSources<'_> {
    type Http = NativeTransport;

    fn http(&self) -> &NativeTransport {
        &self.http
    }

    async fn oci_tags(&self, repository: &str) -> Result<Vec<String>, String> {
        let reference = Self::reference(repository, None)?;
        let client = registry_cmd::connect(self.args, &reference.registry)?;
        client.list_tags(&reference.repository).await.map_err(|e| e.to_string())
    }

    async fn oci_pull(&self, repository: &str, version: &str) -> Result<Vec<u8>, String> {
        // The version goes as `--version` does (not as a tag): an exact version is pulled as its
        // tag (`+` → `_`), a constraint helm locked because nothing matched fails as helm does.
        let reference = Self::reference(repository, None)?;
        let client = registry_cmd::connect(self.args, &reference.registry)?;
        let pulled = client.pull_chart(&reference, Some(version), false, None).await.map_err(|e| e.to_string())?;
        // helm prints these on stderr.
        eprintln!("Pulled: {}", pulled.reference);
        eprintln!("Digest: {}", pulled.manifest_digest);
        Ok(pulled.archive)
    }

    fn log(&self, line: &str) {
        println!("{line}");
    }

    fn local_chart(&self, path: &str) -> Result<Vec<ChartFile>, String> {
        let full = if Path::new(path).is_absolute() { PathBuf::from(path) } else { self.dir.join(path) };
        if !full.exists() {
            // helm's `GetLocalPath`: `filepath.Join(chart dir as given, path)`, or `filepath.Abs`.
            let shown = if full.is_absolute() { walk::absolute(&full) } else { go_clean(&full) };
            return Err(format!("directory {} not found", shown.display()));
        }
        walk::read_chart_dir(&full).map_err(|e| e.message)
    }
}

/// helm's `downloadAll` ending: new archives into `charts/` (through a temporary directory in
/// the chart, so a failure leaves `charts/` as it was), then outdated archives removed.
fn write_charts(dir: &Path, outcome: &Outcome) -> Result<(), String> {
    let charts = dir.join("charts");
    match std::fs::metadata(&charts) {
        Ok(meta) if !meta.is_dir() => return Err(format!("{:?} is not a directory", charts.display().to_string())),
        Ok(_) => {}
        Err(_) => {
            std::fs::create_dir_all(&charts).map_err(|e| format!("{}: {}", charts.display(), walk::io_text(&e)))?
        }
    }
    let staging = dir.join(format!("tmpcharts-{}", std::process::id()));
    std::fs::create_dir_all(&staging).map_err(|e| format!("{}: {}", staging.display(), walk::io_text(&e)))?;
    let staged = stage(&staging, outcome);
    let moved = staged.and_then(|()| {
        for chart in &outcome.charts {
            std::fs::rename(staging.join(&chart.file_name), charts.join(&chart.file_name))
                .map_err(|e| format!("unable to move {} to charts dir: {}", chart.file_name, walk::io_text(&e)))?;
        }
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&staging);
    moved?;
    let mut existing = Vec::new();
    for entry in std::fs::read_dir(&charts).map_err(|e| walk::io_text(&e))?.flatten() {
        let path = entry.path();
        if path.is_file() {
            if let (Some(name), Ok(bytes)) = (entry.file_name().to_str(), std::fs::read(&path)) {
                existing.push((name.to_owned(), bytes));
            }
        }
    }
    existing.sort(); // helm reads `charts/` sorted by name
    let shown = |name: &str| go_clean(&charts.join(name)).display().to_string();
    for (name, error) in dependencies::unverifiable_charts(&existing, outcome, shown) {
        println!("Could not verify {} for deletion: {error} (Skipping)", shown(&name));
    }
    for name in dependencies::outdated_charts(&existing, outcome) {
        std::fs::remove_file(charts.join(&name))
            .map_err(|e| format!("could not delete {}: {}", charts.join(&name).display(), walk::io_text(&e)))?;
    }
    Ok(())
}

fn stage(staging: &Path, outcome: &Outcome) -> Result<(), String> {
    for chart in &outcome.charts {
        std::fs::write(staging.join(&chart.file_name), &chart.bytes)
            .map_err(|e| format!("{}: {}", chart.file_name, walk::io_text(&e)))?;
    }
    Ok(())
}

/// Writes the lock, refusing to write through a symbolic link (helm's GHSA-557j-xg8c-q2mm fix).
fn write_lock(dir: &Path, outcome: &Outcome) -> Result<(), String> {
    let path = dir.join(outcome.lock_file);
    if let Ok(meta) = std::fs::symlink_metadata(&path) {
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path).map(|t| t.display().to_string()).unwrap_or_default();
            return Err(format!("the {} file is a symlink to {target:?}", outcome.lock_file));
        }
    }
    std::fs::write(&path, &outcome.lock_yaml).map_err(|e| format!("{}: {}", path.display(), walk::io_text(&e)))
}

/// Go's `filepath.Clean`: `.` dropped, `..` folded into the name before it (kept at the start of
/// a relative path, dropped after the root), `.` for nothing.
fn go_clean(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match (component, parts.last()) {
            (Component::CurDir, _) | (Component::ParentDir, Some(Component::RootDir)) => {}
            (Component::ParentDir, Some(Component::Normal(_))) => {
                parts.pop();
            }
            (other, _) => parts.push(other),
        }
    }
    if parts.is_empty() {
        return PathBuf::from(".");
    }
    parts.iter().collect()
}
