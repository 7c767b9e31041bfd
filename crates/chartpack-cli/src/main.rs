//! The `chartpack` command: helm-shaped `package`, `lint`, `verify` and `show`, on the
//! chartpack core. This file parses arguments and does I/O; the core does the work.
#![allow(clippy::print_stdout)] // a command line prints by design

mod args;
mod dependency_cmd;
mod dependency_list_cmd;
mod registry_cmd;
mod repo_cmd;
mod serve_cmd;
mod untar;
mod values_cmd;
use chartpack_cli::walk;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chartpack::chart::{load_archive, load_directory, show, ShowPart, Timestamp, DEFAULT_LOAD_LIMITS};
use chartpack::{package, PackageOptions};

use args::Args;

const USAGE: &str = "chartpack: package, verify and inspect Helm charts without helm

Usage:
  chartpack package CHART_DIR... [-d DIR] [--version V] [--app-version V] [--reproducible]
  chartpack lint PATH... [--strict] [--quiet]
  chartpack verify CHART.tgz...
  chartpack show chart|values|readme|crds|all CHART_DIR|CHART.tgz|oci://HOST/REPO/CHART [--version V]
  chartpack values CHART_DIR|CHART.tgz [-f FILE]... [--set K=V]... [--set-string K=V]... [--set-json K=JSON]...
                   [--set-literal K=V]... [--set-file K=PATH]... [--skip-schema-validation]
  chartpack registry login HOST [-u USER] [-p PASS | --password-stdin]
  chartpack registry logout HOST
  chartpack push CHART.tgz oci://HOST/REPO
  chartpack pull oci://HOST/REPO/CHART[:TAG|@DIGEST] [--version V] [--devel] [-d DIR] [--untar [--untardir DIR]]
  chartpack tags oci://HOST/REPO/CHART
  chartpack repo index DIR [--url URL] [--merge FILE] [--json]
  chartpack dependency update|build CHART_DIR [--repository-config FILE] [registry options]
  chartpack dependency list [CHART_DIR|CHART.tgz] [--max-col-width N]
  chartpack serve [--config FILE] [--listen ADDR] [--registry [http://]HOST]... [--origin ORIGIN]...
                  [--allow-private HOST]... [--host NAME]... [--public-url URL] [--default-registry HOST]
                  [--static-dir DIR] [--ca-file FILE]
  chartpack version

Reproducible packaging: --reproducible, or SOURCE_DATE_EPOCH=<unix seconds> in the
environment, gives every archive entry the same time (SOURCE_DATE_EPOCH, else 0).

Registry commands take --plain-http, --insecure-skip-tls-verify, --ca-file FILE,
--registry-config FILE, --username/--password, and --trust-realm HOST (let a token
realm on another host receive credentials; CHARTPACK_TRUST_REALMS=h1,h2 does the same).
--proxy URL (or CHARTPACK_REGISTRY_PROXY=URL) reaches the registry through a chartpack
proxy at URL, as URL/r/HOST/v2/...; --plain-http is then ignored (URL's scheme decides),
TLS options apply to the proxy, and credentials are still those stored for HOST.
`serve` runs the registry proxy for pages (see the README, section Proxy): it relays
/r/HOST/v2/... and the registries' token endpoints for allowlisted registries, answers
CORS for allowlisted page origins and serves --static-dir. Settings come from the TOML
file (--config, or CHARTPACK_PROXY_CONFIG), then CHARTPACK_PROXY_* variables, then flags.
Defaults: listen on 127.0.0.1:8080, relay the local registry at localhost:5000.
`push` writes the created annotation from SOURCE_DATE_EPOCH, else the archive's
modification time (UTC).
`values` prints the .Values that `helm template`/`helm install` would render the chart with
(the -f files, then --set-json, --set, --set-string, --set-file, --set-literal, coalesced
with the chart's and its subcharts' values), as `toYaml` writes them.
`repo index` writes DIR/index.yaml for the archives DIR/*.tgz and DIR/*/*.tgz, as helm;
`created` and `generated` are SOURCE_DATE_EPOCH when set, else now, in UTC.
";

/// The usage line of `chartpack values`.
const VALUES_USAGE: &str = "chartpack values CHART_DIR|CHART.tgz [-f FILE]... [--set K=V]... [--set-string K=V]... \
[--set-json K=JSON]... [--set-literal K=V]... [--set-file K=PATH]... [--skip-schema-validation]";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let wants_help = argv.iter().take_while(|a| *a != "--").any(|a| a == "-h" || a == "--help");
    let result = match argv.first().map(String::as_str) {
        _ if wants_help => {
            print!("{USAGE}");
            Ok(())
        }
        Some("package") => cmd_package(&argv[1..]),
        Some("lint") => cmd_lint(&argv[1..]),
        Some("verify") => cmd_verify(&argv[1..]),
        Some("show") | Some("inspect") => cmd_show(&argv[1..]),
        Some("values") => values_cmd::cmd_values(&argv[1..]),
        Some("registry") => match argv.get(1).map(String::as_str) {
            Some("login") => registry_cmd::cmd_login(&argv[2..]),
            Some("logout") => registry_cmd::cmd_logout(&argv[2..]),
            _ => Err("usage: chartpack registry login|logout HOST".to_owned()),
        },
        Some("push") => registry_cmd::cmd_push(&argv[1..]),
        Some("pull") => registry_cmd::cmd_pull(&argv[1..]),
        Some("tags") => registry_cmd::cmd_tags(&argv[1..]),
        Some("repo") => repo_cmd::cmd_repo(&argv[1..]),
        Some("serve") => serve_cmd::cmd_serve(&argv[1..]),
        Some("dependency" | "dep" | "dependencies")
            if matches!(argv.get(1).map(String::as_str), Some("update" | "up" | "build")) =>
        {
            dependency_cmd::cmd_update_or_build(&argv[2..], argv[1] == "build")
        }
        Some("dependency" | "dep" | "dependencies") => dependency_list_cmd::cmd_dependency(&argv[1..]),
        Some("version") | Some("--version") => {
            println!("chartpack {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Some("help") | Some("-h") | Some("--help") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command \"{other}\" for \"chartpack\"\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            let _ = std::io::stdout().flush();
            eprintln!("Error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn now() -> Timestamp {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => Timestamp { secs: d.as_secs() as i64, nanos: d.subsec_nanos() },
        Err(_) => Timestamp::default(),
    }
}

/// `SOURCE_DATE_EPOCH` as a timestamp, if set.
fn source_date_epoch() -> Result<Option<Timestamp>, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .map(|s| Some(Timestamp::from_secs(s)))
            .map_err(|_| format!("SOURCE_DATE_EPOCH {v:?} is not a whole number of seconds")),
        _ => Ok(None),
    }
}

fn cmd_package(argv: &[String]) -> Result<(), String> {
    let mut args = Args::new(argv, &["-d", "--destination", "--version", "--app-version"], &["--reproducible"])?;
    if args.positional.is_empty() {
        return Err("need at least one argument, the path to the chart".to_owned());
    }
    let reproducible = args.flag("--reproducible");
    let epoch = source_date_epoch()?;
    let options = PackageOptions {
        version: args.value(&["--version"]),
        app_version: args.value(&["--app-version"]),
        reproducible_time: if reproducible || epoch.is_some() { Some(epoch.unwrap_or_default()) } else { None },
        now: now(),
        threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
        skip_dependency_check: false,
    };
    let destination = args.value(&["-d", "--destination"]).unwrap_or_else(|| ".".to_owned());
    let out_dir = if destination == "." {
        std::env::current_dir().map_err(|e| e.to_string())?
    } else {
        PathBuf::from(&destination)
    };
    for dir in std::mem::take(&mut args.positional) {
        let path = Path::new(&dir);
        std::fs::metadata(path).map_err(|e| format!("stat {dir}: {}", walk::io_text(&e)))?;
        let files = walk::read_chart_dir(path).map_err(|e| e.message)?;
        let chart = load_directory(files, &DEFAULT_LOAD_LIMITS).map_err(|e| e.to_string())?;
        for notice in &chart.notices {
            eprintln!("level=INFO msg={notice:?}");
        }
        let packaged = package(chart, &options).map_err(|e| e.to_string())?;
        let target = out_dir.join(&packaged.file_name);
        write_atomically(&out_dir, &target, &packaged.archive).map_err(|e| format!("failed to save: {e}"))?;
        println!("Successfully packaged chart and saved it to: {}", target.display());
    }
    Ok(())
}

/// Writes through a temporary file in the same directory, then renames: a failed or
/// interrupted run never leaves a partial archive under the final name.
fn write_atomically(dir: &Path, target: &Path, bytes: &[u8]) -> Result<(), String> {
    match std::fs::metadata(dir) {
        Ok(m) if !m.is_dir() => return Err(format!("is not a directory: {}", dir.display())),
        Ok(_) => {}
        Err(_) => std::fs::create_dir_all(dir).map_err(|e| e.to_string())?,
    }
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, target));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| e.to_string())
}

fn is_archive_path(path: &str) -> bool {
    path.ends_with(".tgz") || path.ends_with(".tar.gz")
}

fn cmd_lint(argv: &[String]) -> Result<(), String> {
    let args = Args::new(argv, &[], &["--strict", "--quiet"])?;
    let strict = args.flag("--strict");
    let quiet = args.flag("--quiet");
    let paths = if args.positional.is_empty() { vec![".".to_owned()] } else { args.positional.clone() };
    let mut report = String::new();
    let mut failed = 0;
    let mut noisy = 0;
    for path in &paths {
        let (diagnostics, fatal) = lint_one(path);
        let threshold = if strict { chartpack::chart::Severity::Warning } else { chartpack::chart::Severity::Error };
        let has_warnings = fatal.is_some() || diagnostics.iter().any(|d| d.severity > chartpack::chart::Severity::Info);
        let fails = fatal.is_some() || diagnostics.iter().any(|d| d.severity >= threshold);
        if has_warnings {
            noisy += 1;
        }
        if fails {
            failed += 1;
        }
        if quiet && !has_warnings {
            continue;
        }
        report.push_str(&format!("==> Linting {path}\n"));
        if let Some(message) = &fatal {
            report.push_str(&format!("Error {message}\n"));
        }
        for d in &diagnostics {
            if !quiet || d.severity > chartpack::chart::Severity::Info {
                report.push_str(&format!("{d}\n"));
            }
        }
        report.push('\n');
    }
    print!("{report}");
    let summary = format!("{} chart(s) linted, {} chart(s) failed", paths.len(), failed);
    if failed > 0 {
        return Err(summary);
    }
    if !quiet || noisy > 0 {
        println!("{summary}");
    }
    Ok(())
}

/// Lints one path; a fatal message is helm's `Error …` line when the chart cannot be linted.
fn lint_one(path: &str) -> (Vec<chartpack::chart::Diagnostic>, Option<String>) {
    let (tree, chart_dir) = if is_archive_path(path) {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => return (Vec::new(), Some(format!("unable to open tarball: open {path}: {}", walk::io_text(&e)))),
        };
        match chartpack::expand_for_lint(&bytes, &DEFAULT_LOAD_LIMITS) {
            Ok((name, tree)) => (tree, name),
            Err(e) => return (Vec::new(), Some(format!("unable to extract tarball: {e}"))),
        }
    } else {
        let chart_yaml = Path::new(path).join("Chart.yaml");
        if let Err(e) = std::fs::metadata(&chart_yaml) {
            return (
                Vec::new(),
                Some(format!(
                    "unable to check Chart.yaml file in chart: stat {}: {}",
                    chart_yaml.display(),
                    walk::io_text(&e)
                )),
            );
        }
        (walk::read_source_tree(Path::new(path)), walk::absolute(Path::new(path)).display().to_string())
    };
    let loaded = if is_archive_path(path) {
        load_directory(tree.files.clone(), &DEFAULT_LOAD_LIMITS)
    } else {
        match walk::read_chart_dir(Path::new(path)) {
            Ok(files) => load_directory(files, &DEFAULT_LOAD_LIMITS),
            Err(e) => Err(chartpack::chart::LoadError::Unreadable { path: e.path, message: e.message }),
        }
    };
    (chartpack::lint_tree(&tree, &chart_dir, loaded.as_ref()), None)
}

fn cmd_verify(argv: &[String]) -> Result<(), String> {
    let args = Args::new(argv, &[], &[])?;
    if args.positional.is_empty() {
        return Err("need at least one argument, the path to the chart archive".to_owned());
    }
    for path in &args.positional {
        let bytes = std::fs::read(path).map_err(|e| format!("open {path}: {}", walk::io_text(&e)))?;
        let verified =
            chartpack::verify_archive(&bytes, path, &DEFAULT_LOAD_LIMITS).map_err(|e| format!("{path}: {e}"))?;
        println!(
            "Verified {path}: chart {} version {}, {} files, {} bytes, {}",
            verified.chart.metadata.name,
            verified.chart.metadata.version,
            verified.files,
            verified.size,
            verified.digest
        );
    }
    Ok(())
}

fn cmd_show(argv: &[String]) -> Result<(), String> {
    let (part, target, rest) = match argv {
        [part, target, rest @ ..] if !part.starts_with('-') && !target.starts_with('-') => {
            (part.as_str(), target.as_str(), rest)
        }
        _ => return Err("usage: chartpack show chart|values|readme|crds|all CHART".to_owned()),
    };
    if target.starts_with("oci://") {
        let archive = registry_cmd::pulled_archive(rest, target)?;
        let chart = load_archive(&archive, target, &DEFAULT_LOAD_LIMITS).map_err(|e| e.to_string())?;
        return show_part(&chart, part);
    }
    Args::new(rest, &[], &[])?;
    parse_show_part(part)?;
    let chart = load_local(target)?;
    show_part(&chart, part)
}

fn show_part(chart: &chartpack::chart::Chart, part: &str) -> Result<(), String> {
    let part = parse_show_part(part)?;
    let bytes = show(chart, part).map_err(|e| e.to_string())?;
    std::io::stdout().write_all(&bytes).map_err(|e| e.to_string())
}

fn load_local(target: &str) -> Result<chartpack::chart::Chart, String> {
    let meta = std::fs::metadata(target).map_err(|e| format!("stat {target}: {}", walk::io_text(&e)))?;
    let chart = if meta.is_dir() {
        let files = walk::read_chart_dir(Path::new(target)).map_err(|e| e.message)?;
        load_directory(files, &DEFAULT_LOAD_LIMITS).map_err(|e| e.to_string())?
    } else {
        let bytes = std::fs::read(target).map_err(|e| format!("open {target}: {}", walk::io_text(&e)))?;
        load_archive(&bytes, target, &DEFAULT_LOAD_LIMITS).map_err(|e| e.to_string())?
    };
    Ok(chart)
}

fn parse_show_part(part: &str) -> Result<ShowPart, String> {
    Ok(match part {
        "chart" => ShowPart::Chart,
        "values" => ShowPart::Values,
        "readme" => ShowPart::Readme,
        "crds" => ShowPart::Crds,
        "all" => ShowPart::All,
        other => return Err(format!("unknown part \"{other}\": use chart, values, readme, crds or all")),
    })
}
