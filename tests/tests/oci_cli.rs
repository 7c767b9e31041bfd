//! `chartpack push`/`pull`/`registry login` as a command line, next to helm run with the same
//! arguments at test time: the `Error: …` lines and exit codes for bad references and files,
//! pull failures, `--untar` over an existing chart, `-d` into a new directory, and the
//! credentials file a login writes.

use std::path::Path;
use std::process::Output;

use chartpack_e2e::{
    chartpack_command, demo_chart, error_line, file_names, helm_with, mkdir, ok, path_str, run, run_with_stdin, text,
    Helm, TempDir,
};
use chartpack_testkit::{Registry, RegistryAuth};

/// A registry with `demo` 0.1.0 pushed by helm to `charts/`.
fn registry_with_demo(helm: &Helm, work: &Path) -> Option<Registry> {
    let registry = Registry::start(RegistryAuth::None)?;
    let archive = demo_chart(helm, work);
    let target = format!("oci://{}/charts", registry.host());
    ok(
        &helm_with(helm, work, &work.join("registry.json"), &["push", path_str(&archive), &target, "--plain-http"]),
        "helm push",
    );
    Some(registry)
}

/// Runs `args` with both tools in `work`; both must fail with exit 1 and the same `Error:` line.
#[track_caller]
fn same_failure(helm: &Helm, work: &Path, args: &[&str]) -> String {
    let config = work.join("registry.json");
    let theirs = helm_with(helm, work, &config, args);
    let ours = run(chartpack_command(work, &config), args);
    assert_eq!(theirs.status.code(), Some(1), "helm {args:?}: {}", text(&theirs.stderr));
    assert_eq!(ours.status.code(), Some(1), "chartpack {args:?}: {}", text(&ours.stderr));
    let line = error_line(&text(&theirs.stderr));
    assert!(!line.is_empty(), "helm {args:?} printed no Error line: {}", text(&theirs.stderr));
    assert_eq!(error_line(&text(&ours.stderr)), line, "chartpack {args:?}");
    line
}

#[test]
fn push_and_pull_argument_errors_are_helms() {
    let Some(helm) = Helm::find("cli-errors") else { return };
    let work = TempDir::new("cli-errors");
    let w = work.path();
    demo_chart(&helm, w);
    std::fs::write(w.join("notes.tgz"), "not a chart\n").expect("write");
    // Port 1 is closed: every case must fail before any request.
    let cases: &[&[&str]] = &[
        &["push", "demo-0.1.0.tgz", "127.0.0.1:1/charts"],
        &["push", "demo-0.1.0.tgz", "localhost/charts"],
        &["push", "demo-0.1.0.tgz", "http://127.0.0.1:1/charts"],
        &["push", "demo-0.1.0.tgz", "oci://127.0.0.1:1/Charts/Y_Bad.Name"],
        &["push", "demo-0.1.0.tgz", "oci://127.0.0.1:1/charts:1.0"],
        &["push", "demo", "oci://127.0.0.1:1/charts"],
        &["push", "missing.tgz", "oci://127.0.0.1:1/charts"],
        &["push", "missing.tgz", "oci://127.0.0.1:1/charts:1.0"],
        // helm checks the remote's URL and scheme before the chart file.
        &["push", "missing.tgz", "localhost/charts"],
        &["push", "missing.tgz", "127.0.0.1:1/charts"],
        &["push", "missing.tgz", "http://x/charts"],
        &["push", "demo", "localhost/charts"],
        &["push", "notes.tgz", "oci://127.0.0.1:1/charts"],
        &["pull", "127.0.0.1:1/charts/demo"],
        &["pull", "oci://127.0.0.1:1/Charts/demo"],
        &["pull", "oci://127.0.0.1:1/charts/demo@sha256:abc"],
        &["pull", "oci://127.0.0.1:1/charts/demo:1.0.0", "--version", "2.0.0"],
    ];
    for args in cases {
        let args = [*args, &["--plain-http"]].concat();
        let line = same_failure(&helm, w, &args);
        eprintln!("{args:?}: {line}");
    }
}

#[test]
fn pull_failures_from_a_registry_are_helms() {
    let Some(helm) = Helm::find("cli-pull") else { return };
    let work = TempDir::new("cli-pull");
    let w = work.path();
    let Some(registry) = registry_with_demo(&helm, w) else { return };
    let host = registry.host();
    let remote = format!("oci://{host}/charts/demo");
    let dir = mkdir(w.join("out"));
    let d = path_str(&dir);

    // Resolution errors: helm's exact words.
    for args in [
        vec!["pull", remote.as_str(), "--version", "^5"],
        vec!["pull", remote.as_str(), "--version", "latest"],
        vec!["pull", &format!("{remote}:latest")],
        vec!["pull", &format!("{remote}:0.1.0_build")],
    ] {
        let args = [&args[..], &["--plain-http", "-d", d]].concat();
        let line = same_failure(&helm, w, &args);
        eprintln!("{args:?}: {line}");
    }
    // A missing tag or repository: both fail naming it (the wording is each tool's own).
    let config = w.join("registry.json");
    for (args, named) in [
        (vec!["pull", remote.as_str(), "--version", "9.9.9"], format!("{host}/charts/demo:9.9.9")),
        (vec!["pull", &format!("{remote}:9.9.9")], format!("{host}/charts/demo:9.9.9")),
        (vec!["pull", &format!("oci://{host}/charts/nothere")], "charts/nothere".to_owned()),
    ] {
        let args = [&args[..], &["--plain-http", "-d", d]].concat();
        let theirs = helm_with(&helm, w, &config, &args);
        let ours = run(chartpack_command(w, &config), &args);
        assert_eq!(theirs.status.code(), Some(1), "helm {args:?}");
        assert_eq!(ours.status.code(), Some(1), "chartpack {args:?}: {}", text(&ours.stderr));
        let (theirs, ours) = (error_line(&text(&theirs.stderr)), error_line(&text(&ours.stderr)));
        assert!(theirs.contains(&named) && (theirs.contains("not found") || theirs.contains("404")), "{theirs}");
        assert!(ours.contains(&named) && ours.contains("not found"), "{args:?}: {ours}");
        eprintln!("{args:?}:\n  helm:      {theirs}\n  chartpack: {ours}");
    }
    assert_eq!(file_names(&dir), Vec::<String>::new(), "a failed pull wrote a file");
}

#[test]
fn untar_over_an_existing_chart_directory_fails_as_helm_does() {
    let Some(helm) = Helm::find("cli-untar") else { return };
    let work = TempDir::new("cli-untar");
    let w = work.path();
    let Some(registry) = registry_with_demo(&helm, w) else { return };
    let remote = format!("oci://{}/charts/demo", registry.host());
    let config = w.join("registry.json");
    // The same relative paths in two twin directories, so the messages can be equal.
    for (i, extra) in [vec![], vec!["-d", "into"], vec!["--untardir", "unpacked"]].into_iter().enumerate() {
        let mut lines = Vec::new();
        for tool in ["helm", "chartpack"] {
            let cwd = mkdir(w.join(format!("{tool}-{i}")));
            let existing = match extra.as_slice() {
                ["-d", dir] | ["--untardir", dir] => cwd.join(dir).join("demo"),
                _ => cwd.join("demo"),
            };
            std::fs::create_dir_all(&existing).expect("mkdir");
            std::fs::write(existing.join("keep.txt"), "mine\n").expect("write");
            let args =
                [&["pull", remote.as_str(), "--version", "0.1.0", "--untar", "--plain-http"][..], &extra].concat();
            let out = if tool == "helm" {
                helm_with(&helm, &cwd, &config, &args)
            } else {
                run(chartpack_command(&cwd, &config), &args)
            };
            assert_eq!(out.status.code(), Some(1), "{tool} {args:?}: {}", text(&out.stderr));
            assert_eq!(file_names(&existing), ["keep.txt"], "{tool} {args:?} changed the existing directory");
            assert_eq!(std::fs::read_to_string(existing.join("keep.txt")).expect("read"), "mine\n");
            lines.push(error_line(&text(&out.stderr)));
        }
        assert_eq!(lines[1], lines[0], "untar {extra:?}");
        assert!(lines[0].contains("already exists"), "{}", lines[0]);
        eprintln!("untar {extra:?}: {}", lines[0]);
    }
}

#[test]
fn pull_into_a_missing_directory_creates_it() {
    let Some(helm) = Helm::find("cli-dest") else { return };
    let work = TempDir::new("cli-dest");
    let w = work.path();
    let Some(registry) = registry_with_demo(&helm, w) else { return };
    let remote = format!("oci://{}/charts/demo", registry.host());
    let config = w.join("registry.json");
    let args = ["pull", remote.as_str(), "--version", "0.1.0", "--plain-http", "-d", "new/deeper"];
    let out = run(chartpack_command(w, &config), &args);
    ok(&out, "chartpack pull -d into a missing directory");
    assert_eq!(file_names(&w.join("new/deeper")), ["demo-0.1.0.tgz"]);
    assert_eq!(
        std::fs::read(w.join("new/deeper/demo-0.1.0.tgz")).expect("pulled"),
        std::fs::read(w.join("demo-0.1.0.tgz")).expect("pushed")
    );
    // helm 4.1.4 fails here instead (it does not create the directory): a deliberate difference.
    let theirs = helm_with(&helm, w, &config, &[&args[..5], &["-d", "helm/deeper"]].concat());
    eprintln!("helm pull -d into a missing directory: {} {}", theirs.status, error_line(&text(&theirs.stderr)));
}

#[test]
fn registry_login_and_logout_write_helms_credentials_file() {
    let Some(helm) = Helm::find("cli-creds") else { return };
    let Some(registry) = Registry::start(RegistryAuth::basic("chartpack", "pa:ss wörd")) else { return };
    let work = TempDir::new("cli-creds");
    let w = work.path();
    let (theirs, ours) = (w.join("helm.json"), w.join("chartpack.json"));
    let port = registry.port();
    // Two entries (the same registry under two names), then each removed again.
    let hosts = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    let steps: Vec<Vec<&str>> = vec![
        vec!["registry", "login", &hosts[0], "-u", "chartpack", "--password-stdin", "--plain-http"],
        vec!["registry", "login", &hosts[1], "-u", "chartpack", "--password-stdin", "--plain-http"],
        vec!["registry", "logout", &hosts[0]],
        vec!["registry", "logout", &hosts[1]],
    ];
    for args in &steps {
        let helm_out =
            run_with_stdin(helm.command(w), &[&args[..], &["--registry-config", "helm.json"]].concat(), "pa:ss wörd");
        ok(&helm_out, &format!("helm {args:?}"));
        let out = run_with_stdin(chartpack_command(w, &ours), args, "pa:ss wörd");
        ok(&out, &format!("chartpack {args:?}"));
        // The same words; not asserted: the stream ("Login Succeeded" is on stderr in helm 4.1.4).
        let both = |o: &Output| format!("{}{}", text(&o.stdout), text(&o.stderr));
        assert_eq!(both(&out), both(&helm_out), "{args:?}: output");
        let helm_file = std::fs::read_to_string(&theirs).expect("helm's file");
        assert_eq!(std::fs::read_to_string(&ours).expect("chartpack's file"), helm_file, "{args:?}: the files differ");
        eprintln!("after {args:?}:\n{helm_file}");
    }
}
