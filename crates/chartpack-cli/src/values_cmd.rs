//! `chartpack values CHART [-f FILE]... [--set K=V]...`: the `.Values` that
//! `helm template`/`helm install` would render the chart with, as `toYaml` writes them. This
//! file reads the files the flags name; the core merges and coalesces.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use chartpack::chart::strvals::set_file_paths;
use chartpack::chart::{merge_values, render_user_values, values_yaml, ValueOptions, ValuesFile};
use chartpack_cli::walk;

use crate::args::Args;

/// Runs `chartpack values`.
pub(crate) fn cmd_values(argv: &[String]) -> Result<(), String> {
    let args = Args::new(
        argv,
        &["-f", "--values", "--set", "--set-string", "--set-json", "--set-literal", "--set-file"],
        &["--skip-schema-validation"],
    )?;
    let [target] = args.positional.as_slice() else {
        return Err(format!("\"chartpack values\" requires 1 argument, the chart\n\nUsage: {}", crate::VALUES_USAGE));
    };
    let target = target.trim();
    // helm's LocateChart runs before the values are read.
    if std::fs::metadata(target).is_err() {
        return Err(if Path::new(target).is_absolute() || target.starts_with('.') || target.contains('/') {
            format!("path {target:?} not found")
        } else {
            format!("non-absolute URLs should be in form of repo_name/path_to_chart, got: {target}")
        });
    }
    let mut stdin_used = false;
    let mut options = ValueOptions::default();
    // `-f` is a pflag string slice: each value may list several files, comma-separated.
    for name in args.values_any(&["-f", "--values"]).iter().flat_map(|v| v.split(',')) {
        let data = read_input(name, &mut stdin_used);
        options.value_files.push(ValuesFile { name: name.to_owned(), data });
    }
    options.json_values = args.values("--set-json");
    options.values = args.values("--set");
    options.string_values = args.values("--set-string");
    options.file_values = args.values("--set-file");
    options.literal_values = args.values("--set-literal");
    let mut set_files = BTreeMap::new();
    for path in options.file_values.iter().flat_map(|line| set_file_paths(line)) {
        if let std::collections::btree_map::Entry::Vacant(slot) = set_files.entry(path) {
            let data = read_input(slot.key(), &mut stdin_used);
            slot.insert(data);
        }
    }
    options.set_files = set_files;
    // helm merges the values before it loads the chart: value errors come first.
    let user = merge_values(&options).map_err(|e| e.to_string())?;
    let chart = crate::load_local(target)?;
    let values = render_user_values(&chart, &user, args.flag("--skip-schema-validation")).map_err(|e| e.to_string())?;
    let yaml = values_yaml(&values).map_err(|e| e.to_string())?;
    std::io::stdout().write_all(yaml.as_bytes()).map_err(|e| e.to_string())
}

/// helm's `readFile`: `-` is standard input (read once), anything else a local file.
fn read_input(name: &str, stdin_used: &mut bool) -> Result<Vec<u8>, String> {
    if name.trim() == "-" {
        let mut data = Vec::new();
        if !*stdin_used {
            *stdin_used = true;
            std::io::stdin().read_to_end(&mut data).map_err(|e| format!("read -: {e}"))?;
        }
        return Ok(data);
    }
    if name.contains("://") {
        return Err(format!("{name}: chartpack values reads local files only"));
    }
    match std::fs::read(name) {
        Ok(data) => Ok(data),
        Err(_) if Path::new(name).is_dir() => Err(format!("read {name}: is a directory")),
        Err(e) => Err(format!("open {name}: {}", walk::io_text(&e))),
    }
}
