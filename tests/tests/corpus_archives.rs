//! Every archive of the corpus gets its documented outcome: what helm v4.1.4 said (the
//! corpus's golden `show chart` output or error), or chartpack's documented, stricter refusal.

use chartpack_e2e::{corpus, run_chartpack, TempDir};

/// Archives helm accepts (or rejects for another reason) that chartpack refuses on purpose,
/// with the start of chartpack's message. README.md lists these differences.
const STRICTER: &[(&str, &str)] = &[
    ("abs-path.tgz", "Error: chart archive entry \"/Chart.yaml\" has an absolute path"),
    ("empty-0.0.1.tgz", "Error: chart archive entry \"dev/null\" is not a regular file: character device"),
    (
        "symlink-entry.tgz",
        "Error: chart archive entry \"mychart/templates/passwd.yaml\" is not a regular file: symbolic link",
    ),
];

#[test]
fn corpus_archives_get_documented_outcomes() {
    let Some(corpus) = corpus() else { return };
    let mut names: Vec<String> = std::fs::read_dir(corpus.join("archives"))
        .expect("read archives")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".prov") && !n.ends_with(".pub") && !n.ends_with(".md"))
        .collect();
    names.sort();
    assert!(names.len() >= 30, "expected the corpus's archives, found {}", names.len());
    let work = TempDir::new("archives");
    let mut failures = Vec::new();
    for name in &names {
        let golden = corpus.join("golden/archives").join(name);
        let expected_out = std::fs::read_to_string(golden.join("show-chart.txt")).unwrap_or_default();
        let expected_err = std::fs::read_to_string(golden.join("show-chart.err")).unwrap_or_default();
        let status = std::fs::read_to_string(golden.join("status.txt")).unwrap_or_default();
        let helm_ok = status.lines().any(|l| l == "show-chart 0");
        // Same relative path as the golden run ("archives/<file>"), so messages name it alike.
        let rel = format!("archives/{name}");
        let out = run_chartpack(&corpus, &["show", "chart", &rel]);
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        if stderr.contains("panicked") {
            failures.push(format!("{name}: chartpack panicked: {stderr}"));
            continue;
        }
        if let Some((_, expected)) = STRICTER.iter().find(|(n, _)| n == name) {
            if out.status.success() || !stderr.starts_with(expected) {
                failures.push(format!("{name}: expected chartpack's refusal {expected:?}, got {stderr:?}"));
            }
            continue;
        }
        if helm_ok != out.status.success() {
            failures.push(format!(
                "{name}: helm show chart ok={helm_ok}, chartpack ok={} ({})",
                out.status.success(),
                stderr.trim()
            ));
        } else if helm_ok && stdout != expected_out {
            failures.push(format!("{name}: show chart differs:\n--- helm\n{expected_out}--- chartpack\n{stdout}"));
        } else if !helm_ok && stderr.lines().next() != expected_err.lines().next() {
            failures.push(format!(
                "{name}: errors differ:\n  helm:      {}\n  chartpack: {}",
                expected_err.trim(),
                stderr.trim()
            ));
        }
        // lint: helm's "Error unable to extract tarball" line, or the same findings.
        let lint = run_chartpack(&corpus, &["lint", &rel]);
        let expected_lint = std::fs::read_to_string(golden.join("lint.txt")).unwrap_or_default();
        let refused = STRICTER.iter().any(|(n, _)| n == name);
        if !refused && lint_lines(&String::from_utf8_lossy(&lint.stdout)) != lint_lines(&expected_lint) {
            failures.push(format!(
                "{name}: lint differs:\n--- helm\n{expected_lint}--- chartpack\n{}",
                String::from_utf8_lossy(&lint.stdout)
            ));
        }
        // verify agrees with show on every archive.
        let verify = run_chartpack(work.path(), &["verify", &corpus.join(&rel).to_string_lossy()]);
        if verify.status.success() != (helm_ok && !refused) {
            failures.push(format!("{name}: verify exit {} disagrees with show", verify.status));
        }
    }
    eprintln!("{} corpus archives checked, {} unexpected outcomes", names.len(), failures.len());
    assert!(failures.is_empty(), "unexpected outcomes:\n{}", failures.join("\n"));
}

/// The lint lines chartpack's rules cover: `Error …` lines and findings outside rendered
/// templates (`templates/<file>`) and schema validation (see crates/chartpack-chart/src/lint.rs).
fn lint_lines(output: &str) -> Vec<String> {
    output
        .lines()
        .filter(|l| l.starts_with("Error unable") || (l.starts_with('[') && !l.contains("] templates/")))
        .map(str::to_owned)
        .collect()
}
