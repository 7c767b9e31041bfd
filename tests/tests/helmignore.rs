//! The `.helmignore` table of helm-behaviour.md §1.5, run through the real helm and chartpack:
//! for each rule set, both must package the same entries, and the table's verdict must hold.

use std::path::Path;

use chartpack_e2e::{gunzip, parallel, raw_entries, run_chartpack, Helm, TempDir};

/// (rules, file path, ignored?) — the reference's verified rows plus helm's quirks.
const CASES: &[(&str, &str, bool)] = &[
    ("docs", "docs/a.txt", true),
    ("docs/", "docs/a.txt", true),
    ("docs/*.txt", "docs/readme.txt", true),
    ("docs/*.txt", "docs/sub/x.txt", false),
    ("/docs/*.txt", "docs/readme.txt", true),
    ("sub/x.txt", "docs/sub/x.txt", false),
    ("*.txt", "docs/sub/x.txt", true),
    ("tests/", "templates/tests/t.yaml", true),
    ("foo*", "foo/bar.yaml", true),
    ("foo*", "foo.txt", true),
    // helm's negation quirk: `!pat` ignores everything that does not match it.
    ("!*.yaml", "x.txt", true),
    ("!*.yaml", "a.yaml", false),
    ("# docs\n\n   docs   ", "docs/x", true),
    ("", "templates/.hidden", true),
    ("a?c", "abc", true),
    ("[a-c]x", "bx", true),
    ("[!a]x", "bx", false),
];

fn entries(archive: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        raw_entries(&gunzip(&std::fs::read(archive).expect("archive"))).into_iter().map(|e| e.name).collect();
    names.sort();
    names
}

#[test]
fn helmignore_table_matches_helm() {
    let Some(helm) = Helm::find("e2e") else { return };
    let failures = parallel(CASES, |(rules, path, ignored)| {
        let work = TempDir::new("ignore");
        let c = work.path().join("c");
        std::fs::create_dir_all(c.join("templates")).map_err(|e| e.to_string())?;
        std::fs::write(c.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 1.0.0\n").map_err(|e| e.to_string())?;
        std::fs::write(c.join(".helmignore"), format!("{rules}\n")).map_err(|e| e.to_string())?;
        let file = c.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).map_err(|e| e.to_string())?;
        std::fs::write(&file, "x\n").map_err(|e| e.to_string())?;
        let h = helm.run(work.path(), &["package", "c", "-d", "h"]);
        let o = run_chartpack(work.path(), &["package", "c", "-d", "o"]);
        if !h.status.success() || !o.status.success() {
            return Err(format!("{rules:?}: package failed (helm ok={}, chartpack ok={})", h.status, o.status));
        }
        let (theirs, ours) = (entries(&work.path().join("h/c-1.0.0.tgz")), entries(&work.path().join("o/c-1.0.0.tgz")));
        let kept = ours.contains(&format!("c/{path}"));
        if theirs != ours {
            Err(format!("{rules:?} {path}: helm {theirs:?} vs chartpack {ours:?}"))
        } else if kept == *ignored {
            Err(format!("{rules:?} {path}: expected ignored={ignored}, both tools say otherwise"))
        } else {
            Ok(())
        }
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
