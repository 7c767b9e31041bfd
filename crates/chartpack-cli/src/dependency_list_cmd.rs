//! `chartpack dependency list` (aliases `dep`, `dependencies`; `ls`): helm's
//! `dependency list` on the core's `list_dependencies`. This file reads the chart from disk
//! and prints; the core decides every status and formats the table.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::Path;

use chartpack::chart::{ChartFile, Timestamp, DEFAULT_LOAD_LIMITS};
use chartpack::dependency_list::{
    clean_path, list_archive_dependencies, list_dependencies, DependencyList, DEFAULT_MAX_COL_WIDTH,
};
use chartpack::encoding::gofmt::{is_print, quote};
use chartpack_cli::walk::{self, FollowedLink};

use crate::args::Args;

/// `chartpack dependency SUBCOMMAND …`.
pub(crate) fn cmd_dependency(argv: &[String]) -> Result<(), String> {
    match argv.first().map(String::as_str) {
        Some("list") | Some("ls") => cmd_list(&argv[1..]),
        _ => Err("usage: chartpack dependency update|build|list CHART".to_owned()),
    }
}

/// `dependency list [CHART] [--max-col-width N]`: stdout, stderr and exit code as helm's.
fn cmd_list(argv: &[String]) -> Result<(), String> {
    let args = Args::new(argv, &["--max-col-width"], &[])?;
    // pflag parses each occurrence as it comes, before cobra counts the arguments.
    let mut max_col_width = DEFAULT_MAX_COL_WIDTH;
    for value in args.values("--max-col-width") {
        let parsed = parse_go_uint(&value)
            .map_err(|reason| format!("invalid argument \"{value}\" for \"--max-col-width\" flag: {reason}"))?;
        max_col_width = usize::try_from(parsed).unwrap_or(usize::MAX);
    }
    if args.positional.len() > 1 {
        return Err("\"chartpack dependency list\" accepts at most 1 argument\n\n\
                    Usage:  chartpack dependency list CHART [flags]"
            .to_owned());
    }
    let chart_path = clean_path(args.positional.first().map_or(".", String::as_str));
    let (list, links) = read_and_list(&chart_path, max_col_width)?;
    for load in &list.loads {
        if let Some(followed) = links.get(&load.path).filter(|_| load.directory) {
            log_links(followed); // each load walks the directory again, and logs again
        }
        for notice in &load.notices {
            eprintln!("level=INFO msg={}", slog_value(notice));
        }
    }
    print!("{}", list.render());
    Ok(())
}

/// Loads the chart at `chart_path` (helm's `loader.Load`: a directory, else an archive) and
/// lists its dependencies; also the symbolic links each directory walk followed, by the
/// chart-relative path of the directory (`""` for the chart).
fn read_and_list(
    chart_path: &str,
    max_col_width: usize,
) -> Result<(DependencyList, BTreeMap<String, Vec<FollowedLink>>), String> {
    let path = Path::new(chart_path);
    let meta = fs::metadata(path).map_err(|e| format!("stat {chart_path}: {}", walk::io_text(&e)))?;
    if !meta.is_dir() {
        let bytes = fs::read(path).map_err(|e| format!("open {chart_path}: {}", walk::io_text(&e)))?;
        let list = list_archive_dependencies(&bytes, chart_path, max_col_width, &DEFAULT_LOAD_LIMITS)
            .map_err(|e| e.to_string())?;
        return Ok((list, BTreeMap::new()));
    }
    let (walked, root_links) = walk::read_chart_dir_with_links(path);
    let mut files = match walked {
        Ok(files) => files,
        Err(e) => {
            log_links(&root_links); // helm logged them while walking, before failing
            return Err(e.message);
        }
    };
    let mut links = add_charts_entries(path, &mut files);
    links.insert(String::new(), root_links);
    let list = list_dependencies(&files, chart_path, max_col_width, &DEFAULT_LOAD_LIMITS).map_err(|e| e.to_string())?;
    Ok((list, links))
}

/// Adds what helm's globs see in `charts/` beyond the chart's own walk (which its
/// `.helmignore` prunes): every subdirectory as a `charts/<name>/` marker plus its files as
/// helm's loader walks it (its own `.helmignore` applied; none if that walk fails, so it does
/// not load, as in helm), and every `.tgz` file. Other files are never looked at by helm.
/// Returns the links each subdirectory's walk followed.
fn add_charts_entries(chart_dir: &Path, files: &mut Vec<ChartFile>) -> BTreeMap<String, Vec<FollowedLink>> {
    let mut links = BTreeMap::new();
    let charts = chart_dir.join("charts");
    let Ok(entries) = fs::read_dir(&charts) else { return links };
    let mut names: Vec<String> = entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let mut known: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
    let add = |files: &mut Vec<ChartFile>, known: &mut BTreeSet<String>, file: ChartFile| {
        if known.insert(file.path.clone()) {
            files.push(file);
        }
    };
    for name in names {
        let path = charts.join(&name);
        let Ok(meta) = fs::metadata(&path) else { continue };
        let rel = format!("charts/{name}");
        if meta.is_dir() {
            add(
                files,
                &mut known,
                ChartFile { path: format!("{rel}/"), data: Vec::new(), modified: Timestamp::default() },
            );
            let (walked, followed) = walk::read_chart_dir_with_links(&path);
            for f in walked.unwrap_or_default() {
                add(files, &mut known, ChartFile { path: format!("{rel}/{}", f.path), ..f });
            }
            links.insert(rel, followed);
        } else if name.ends_with(".tgz") && !known.contains(&rel) {
            // Unreadable or oversized: empty data, which does not load (helm's load fails too).
            let limit = DEFAULT_LOAD_LIMITS.archive.compressed_bytes;
            let mut data = Vec::new();
            let read = fs::File::open(&path).and_then(|f| f.take(limit + 1).read_to_end(&mut data));
            if read.is_err() || data.len() as u64 > limit {
                data.clear();
            }
            add(files, &mut known, ChartFile { path: rel, data, modified: Timestamp::default() });
        }
    }
    links
}

/// helm's sympath walk logs every symbolic link it follows, at level INFO.
fn log_links(links: &[FollowedLink]) {
    for link in links {
        eprintln!(
            "level=INFO msg=\"found symbolic link in path. Contents of linked file included and used\" path={} resolved={}",
            slog_value(&link.path.to_string_lossy()),
            slog_value(&link.resolved.to_string_lossy())
        );
    }
}

/// A value as Go's `log/slog` text handler writes it: bare unless empty or holding a space,
/// `=`, `"`, a control character or a non-printable rune; then Go-quoted.
fn slog_value(s: &str) -> String {
    let needs_quoting = s.is_empty()
        || s.chars().any(|c| {
            matches!(c, ' ' | '=' | '"') || c.is_control() || (!c.is_ascii() && (c.is_whitespace() || !is_print(c)))
        });
    if needs_quoting {
        quote(s)
    } else {
        s.to_owned()
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)` (pflag's `uint` flags): decimal, `0x`/`0o`/`0b`
/// prefixes, a leading `0` for octal, `_` between digits; the error is Go's text.
fn parse_go_uint(s: &str) -> Result<u64, String> {
    use chartpack::encoding::gofmt::{parse_uint, ParseUintError};
    parse_uint(s).map_err(|e| {
        let why = match e {
            ParseUintError::Syntax => "invalid syntax",
            ParseUintError::Range => "value out of range",
        };
        format!("strconv.ParseUint: parsing \"{s}\": {why}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // helm v4.1.4 `--max-col-width=<value>`: accepted values and its error texts.
    #[test]
    fn parses_uints_like_go() {
        for (input, value) in [("80", 80), ("0x10", 16), ("1_0", 10), ("0b11", 3), ("010", 8), ("0o7", 7), ("0X1F", 31)]
        {
            assert_eq!(parse_go_uint(input), Ok(value), "{input}");
        }
        for input in ["", " 5", "+5", "-3", "0x", "1__0", "_10", "10_", "abc"] {
            assert_eq!(
                parse_go_uint(input),
                Err(format!("strconv.ParseUint: parsing \"{input}\": invalid syntax")),
                "{input}"
            );
        }
        assert_eq!(
            parse_go_uint("99999999999999999999"),
            Err("strconv.ParseUint: parsing \"99999999999999999999\": value out of range".to_owned())
        );
    }
}
