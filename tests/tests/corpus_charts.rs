//! Every chart of the corpus, chartpack against the real helm run in the test on the same
//! directory (so the same file times): package tar streams, `show chart`, `template` of
//! chartpack's archive, and lint findings.

use std::path::Path;

use chartpack_e2e::{corpus, corpus_charts, gunzip, parallel, raw_entries, run_chartpack, Helm, TempDir};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// First `Error: …` line of a helm/chartpack stderr.
fn error_line(text: &str) -> String {
    text.lines().find(|l| l.starts_with("Error: ")).unwrap_or_default().to_owned()
}

/// Packages `id` with both tools; compares outcomes and tar streams. Returns both archives' paths.
fn check_package(helm: &Helm, chart: &Path, work: &Path) -> Result<Option<(String, String)>, String> {
    let helm_out = work.join("helm");
    let ours_out = work.join("ours");
    let h = helm.run(work, &["package", &chart.to_string_lossy(), "-d", &helm_out.to_string_lossy()]);
    let c = run_chartpack(work, &["package", &chart.to_string_lossy(), "-d", &ours_out.to_string_lossy()]);
    if !h.status.success() {
        if c.status.success() {
            return Err(format!("helm package failed ({}) but chartpack succeeded", error_line(&stderr(&h))));
        }
        if error_line(&stderr(&h)) != error_line(&stderr(&c)) {
            return Err(format!(
                "package errors differ:\n  helm:      {}\n  chartpack: {}",
                error_line(&stderr(&h)),
                error_line(&stderr(&c))
            ));
        }
        return Ok(None);
    }
    if !c.status.success() {
        return Err(format!("chartpack package failed: {}", stderr(&c)));
    }
    let name = |o: &std::process::Output| stdout(o).trim().rsplit('/').next().unwrap_or_default().to_owned();
    if name(&h) != name(&c) {
        return Err(format!("archive names differ: helm {} chartpack {}", name(&h), name(&c)));
    }
    let helm_tgz = helm_out.join(name(&h));
    let ours_tgz = ours_out.join(name(&c));
    let helm_bytes = std::fs::read(&helm_tgz).map_err(|e| e.to_string())?;
    let ours_bytes = std::fs::read(&ours_tgz).map_err(|e| e.to_string())?;
    // helm's gzip header (everything before the deflate stream) must be identical.
    let header_len = 10 + 2 + 41 + 5;
    if helm_bytes.get(..header_len) != ours_bytes.get(..header_len) {
        return Err("gzip headers differ".to_owned());
    }
    let helm_tar = gunzip(&helm_bytes);
    let ours_tar = gunzip(&ours_bytes);
    if helm_tar != ours_tar {
        let mut helm_entries = raw_entries(&helm_tar);
        let mut ours_entries = raw_entries(&ours_tar);
        // helm writes subcharts in Go map order (random): then only the set must match.
        helm_entries.sort();
        ours_entries.sort();
        let subcharts =
            helm_entries.iter().filter(|e| e.name.contains("/charts/") && e.name.ends_with("/Chart.yaml")).count();
        if helm_entries != ours_entries || subcharts < 2 {
            let first = helm_entries
                .iter()
                .zip(&ours_entries)
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("first difference: helm {} vs chartpack {}", a.name, b.name))
                .unwrap_or_else(|| format!("{} vs {} entries", helm_entries.len(), ours_entries.len()));
            return Err(format!("tar streams differ ({first})"));
        }
    }
    Ok(Some((helm_tgz.to_string_lossy().into_owned(), ours_tgz.to_string_lossy().into_owned())))
}

/// `helm show chart` and `helm template` of chartpack's archive equal helm's on its own.
fn check_archives_render_alike(helm: &Helm, work: &Path, helm_tgz: &str, ours_tgz: &str) -> Result<(), String> {
    let show_h = helm.run(work, &["show", "chart", helm_tgz]);
    let show_c = helm.run(work, &["show", "chart", ours_tgz]);
    if stdout(&show_h) != stdout(&show_c) || show_h.status.success() != show_c.status.success() {
        return Err("helm show chart differs between helm's and chartpack's archive".to_owned());
    }
    let tpl_h = helm.run(work, &["template", "corpus", helm_tgz]);
    let tpl_c = helm.run(work, &["template", "corpus", ours_tgz]);
    if tpl_h.status.success() != tpl_c.status.success() {
        return Err(format!(
            "helm template status differs: helm's archive {} chartpack's {}",
            tpl_h.status, tpl_c.status
        ));
    }
    if !tpl_h.status.success() {
        return if error_line(&stderr(&tpl_h)) == error_line(&stderr(&tpl_c)) {
            Ok(())
        } else {
            Err("helm template errors differ between the archives".to_owned())
        };
    }
    // Random passwords/certificates: mask lines that differ between two runs on helm's archive.
    let tpl_h2 = helm.run(work, &["template", "corpus", helm_tgz]);
    let (a, b, c) = (stdout(&tpl_h), stdout(&tpl_h2), stdout(&tpl_c));
    let (a, b, c): (Vec<&str>, Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect(), c.lines().collect());
    if a.len() != c.len() {
        return Err(format!(
            "helm template output has {} lines for helm's archive, {} for chartpack's",
            a.len(),
            c.len()
        ));
    }
    let stable = a.len() == b.len();
    for (i, (x, z)) in a.iter().zip(&c).enumerate() {
        let random = !stable || b[i] != *x;
        if x != z && !random {
            return Err(format!("helm template differs at line {}: {x:?} vs {z:?}", i + 1));
        }
    }
    Ok(())
}

/// The lint families chartpack implements (see crates/chartpack-chart/src/lint.rs); helm's
/// findings about rendered templates are left out of the comparison.
fn comparable_findings(lint_output: &str) -> Vec<String> {
    // A finding starts with "[SEV]"; every following line up to the next finding or the
    // summary belongs to it (multi-line messages: load errors, schema violations).
    let mut findings: Vec<String> = Vec::new();
    for line in lint_output.lines() {
        if line.starts_with('[') {
            findings.push(line.to_owned());
        } else if line.starts_with("==> ") || line.contains(" chart(s) linted, ") {
            continue;
        } else if let Some(last) = findings.last_mut() {
            last.push('\n');
            last.push_str(line);
        }
    }
    for f in &mut findings {
        f.truncate(f.trim_end().len());
    }
    let load_failed = findings.iter().any(|f| f.starts_with("[ERROR] : unable to load chart"));
    findings
        .into_iter()
        .filter(|f| {
            let path = f.split_once("] ").map(|x| x.1).unwrap_or_default();
            let path = path.split(": ").next().unwrap_or_default();
            match path {
                "templates/" => {
                    f.contains("directory does not exist")
                        || f.contains("values don't meet the specifications of the schema(s)")
                        || load_failed
                }
                p if p.starts_with("templates/") => false,
                _ => true,
            }
        })
        .collect()
}

fn check_lint(helm: &Helm, chart: &Path, work: &Path) -> Result<(), String> {
    let h = helm.run(work, &["lint", &chart.to_string_lossy()]);
    let c = run_chartpack(work, &["lint", &chart.to_string_lossy()]);
    let (ours, theirs) = (comparable_findings(&stdout(&c)), comparable_findings(&stdout(&h)));
    if ours != theirs {
        return Err(format!("lint findings differ:\n  helm:      {theirs:?}\n  chartpack: {ours:?}"));
    }
    // Where helm reported nothing chartpack leaves out, the whole report and exit status must
    // match too (summary line, blank lines, `Error: … failed` on stderr).
    let all_helm_findings = stdout(&h).lines().filter(|l| l.starts_with('[')).count();
    let kept = theirs.len();
    let same_report = stdout(&h) == stdout(&c)
        && h.status.code() == c.status.code()
        && error_line(&stderr(&h)) == error_line(&stderr(&c));
    if all_helm_findings == kept && !same_report {
        return Err(format!("lint report differs:\n--- helm\n{}--- chartpack\n{}", stdout(&h), stdout(&c)));
    }
    Ok(())
}

/// `chartpack show all` (chart, values, README, CRDs) equals `helm show all` on the directory.
fn check_show_all(helm: &Helm, chart: &Path, work: &Path) -> Result<(), String> {
    check_show(helm, chart, work, "all")
}

fn check_show_chart(helm: &Helm, chart: &Path, work: &Path) -> Result<(), String> {
    check_show(helm, chart, work, "chart")
}

fn check_show(helm: &Helm, chart: &Path, work: &Path, part: &str) -> Result<(), String> {
    let h = helm.run(work, &["show", part, &chart.to_string_lossy()]);
    let c = run_chartpack(work, &["show", part, &chart.to_string_lossy()]);
    if h.status.success() != c.status.success() {
        return Err(format!(
            "show {part} status differs: helm {} chartpack {} ({})",
            h.status,
            c.status,
            stderr(&c).trim()
        ));
    }
    if stdout(&h) != stdout(&c) {
        return Err(format!("show {part} output differs:\n--- helm\n{}--- chartpack\n{}", stdout(&h), stdout(&c)));
    }
    if !h.status.success() && error_line(&stderr(&h)) != error_line(&stderr(&c)) {
        return Err(format!("show {part} errors differ: {} vs {}", error_line(&stderr(&h)), error_line(&stderr(&c))));
    }
    Ok(())
}

#[test]
fn corpus_charts_match_helm() {
    let (Some(corpus), Some(helm)) = (corpus(), Helm::find("corpus")) else {
        return;
    };
    let ids = corpus_charts(&corpus);
    assert!(ids.len() >= 40, "expected the corpus's charts, found {}", ids.len());
    let failures = parallel(&ids, |id| {
        let chart = corpus.join("charts").join(id);
        let work = TempDir::new(id);
        let mut problems = Vec::new();
        match check_package(&helm, &chart, work.path()) {
            Ok(Some((h, c))) => {
                if let Err(e) = check_archives_render_alike(&helm, work.path(), &h, &c) {
                    problems.push(e);
                }
            }
            Ok(None) => {}
            Err(e) => problems.push(e),
        }
        for check in [check_show_chart, check_show_all, check_lint] {
            if let Err(e) = check(&helm, &chart, work.path()) {
                problems.push(e);
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("{id}: {}", problems.join("\n    ")))
        }
    });
    eprintln!("{} corpus charts checked against helm, {} with differences", ids.len(), failures.len());
    assert!(failures.is_empty(), "differences from helm:\n{}", failures.join("\n"));
}
