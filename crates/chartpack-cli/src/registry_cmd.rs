//! `chartpack registry login|logout`, `push`, `pull`, `tags` and `show ... oci://`: argument
//! handling, files and terminal output around the chartpack-oci client.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use chartpack_cli::credentials::CredentialStore;
use chartpack_cli::progress::ProgressBar;
use chartpack_cli::transport::{NativeTransport, TlsOptions};
use chartpack_oci::client::{ClientOptions, RegistryClient};
use chartpack_oci::credentials::Credential;
use chartpack_oci::reference::Reference;
use chartpack_oci::secret::Secret;

use crate::args::Args;

/// Options every registry command takes (helm's names).
pub(crate) const CONNECTION_VALUES: &[&str] =
    &["--ca-file", "--registry-config", "--trust-realm", "--username", "--password", "--proxy"];
pub(crate) const CONNECTION_SWITCHES: &[&str] = &["--plain-http", "--insecure-skip-tls-verify", "--insecure"];

/// A connected client for `registry`, with stored or given credentials.
pub(crate) fn connect(args: &Args, registry: &str) -> Result<RegistryClient<NativeTransport>, String> {
    connect_as(args, registry, None)
}

/// A connected client for `registry` using `login` instead of stored credentials when given.
fn connect_as(
    args: &Args,
    registry: &str,
    login: Option<Credential>,
) -> Result<RegistryClient<NativeTransport>, String> {
    let tls = TlsOptions {
        insecure_skip_verify: args.flag("--insecure-skip-tls-verify") || args.flag("--insecure"),
        ca_pem: match args.value(&["--ca-file"]) {
            Some(path) => {
                Some(std::fs::read(&path).map_err(|e| format!("open {path}: {}", chartpack_cli::walk::io_text(&e)))?)
            }
            None => None,
        },
    };
    let transport = NativeTransport::new(&tls)?;
    let credential = match (args.value(&["--username"]), args.value(&["--password"])) {
        _ if login.is_some() => login,
        (Some(username), Some(password)) => {
            Some(Credential { username, password: Secret::new(password), identity_token: None })
        }
        _ => store(args)?.get(registry).map_err(|e| e.to_string())?,
    };
    let options = ClientOptions {
        // helm ignores --plain-http when TLS options are given.
        plain_http: args.flag("--plain-http") && tls.ca_pem.is_none() && !tls.insecure_skip_verify,
        user_agent: format!("chartpack/{}", env!("CARGO_PKG_VERSION")),
        trusted_realm_hosts: trusted_realms(args),
        endpoint: proxied_endpoint(args, registry)?,
        ..ClientOptions::default()
    };
    RegistryClient::new(transport, registry, credential, options).map_err(|e| e.to_string())
}

/// `--proxy URL`, else `CHARTPACK_REGISTRY_PROXY`: the endpoint that reaches `registry` through
/// a chartpack proxy, `URL/r/HOST`.
fn proxied_endpoint(args: &Args, registry: &str) -> Result<Option<String>, String> {
    if let Some(proxy) = args.value(&["--proxy"]) {
        return proxy_endpoint(&proxy, "--proxy", registry).map(Some);
    }
    match std::env::var("CHARTPACK_REGISTRY_PROXY") {
        Ok(proxy) if !proxy.trim().is_empty() => proxy_endpoint(&proxy, "CHARTPACK_REGISTRY_PROXY", registry).map(Some),
        _ => Ok(None),
    }
}

/// `{proxy}/r/{registry}` for a proxy URL given by `source` (the flag or variable, for messages).
fn proxy_endpoint(proxy: &str, source: &str, registry: &str) -> Result<String, String> {
    let url = chartpack_oci::url::Url::parse(proxy).map_err(|e| format!("invalid {source} {proxy:?}: {}", e.reason))?;
    if url.path_and_query.contains('?') {
        return Err(format!("invalid {source} {proxy:?}: a query is not accepted"));
    }
    Ok(format!("{}/r/{}", proxy.trim_end_matches('/'), registry.to_ascii_lowercase()))
}

/// `--trust-realm HOST` plus `CHARTPACK_TRUST_REALMS` (comma-separated hosts).
fn trusted_realms(args: &Args) -> Vec<String> {
    let from_env = std::env::var("CHARTPACK_TRUST_REALMS").unwrap_or_default();
    let mut hosts: Vec<String> =
        from_env.split(',').map(str::trim).filter(|h| !h.is_empty()).map(str::to_owned).collect();
    hosts.extend(args.value(&["--trust-realm"]));
    hosts
}

fn store(args: &Args) -> Result<CredentialStore, String> {
    CredentialStore::open_from_env(args.value(&["--registry-config"]).map(PathBuf::from)).map_err(|e| e.to_string())
}

/// `registry login HOST [-u U] [-p P | --password-stdin]`.
pub(crate) fn cmd_login(argv: &[String]) -> Result<(), String> {
    let mut values = vec!["-u", "-p"];
    values.extend_from_slice(CONNECTION_VALUES);
    let mut switches = vec!["--password-stdin"];
    switches.extend_from_slice(CONNECTION_SWITCHES);
    let args = Args::new(argv, &values, &switches)?;
    let [host] = args.positional.as_slice() else {
        return Err("usage: chartpack registry login HOST [-u USER] [--password-stdin]".to_owned());
    };
    let host = strip_scheme(host);
    let username = match args.value(&["-u", "--username"]) {
        Some(u) => u,
        None => prompt("Username: ", false)?,
    };
    let password = if args.flag("--password-stdin") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| e.to_string())?;
        text.trim_end_matches(['\n', '\r']).to_owned()
    } else {
        match args.value(&["-p", "--password"]) {
            Some(p) => p,
            None => prompt("Password: ", true)?,
        }
    };
    if username.is_empty() || password.is_empty() {
        return Err("username and password are required".to_owned());
    }
    let credential = Credential { username, password: Secret::new(password), identity_token: None };
    let client = connect_as(&args, host, Some(credential.clone()))?;
    chartpack_oci::client::block_on(client.check_login()).map_err(|e| e.to_string())?;
    store(&args)?.put(host, &credential).map_err(|e| e.to_string())?;
    eprintln!("Login Succeeded");
    Ok(())
}

/// `registry logout HOST`.
pub(crate) fn cmd_logout(argv: &[String]) -> Result<(), String> {
    let args = Args::new(argv, CONNECTION_VALUES, CONNECTION_SWITCHES)?;
    let [host] = args.positional.as_slice() else {
        return Err("usage: chartpack registry logout HOST".to_owned());
    };
    let host = strip_scheme(host);
    store(&args)?.remove(host).map_err(|e| e.to_string())?;
    eprintln!("Removing login credentials for {host}");
    Ok(())
}

fn strip_scheme(host: &str) -> &str {
    host.strip_prefix("oci://").unwrap_or(host).trim_end_matches('/')
}

/// Reads a line from the terminal, without echo for passwords.
fn prompt(label: &str, secret: bool) -> Result<String, String> {
    if !std::io::stdin().is_terminal() {
        return Err(format!("{} required: pass it as a flag or on stdin", label.trim_end_matches(": ").to_lowercase()));
    }
    eprint!("{label}");
    let _ = std::io::stderr().flush();
    let echo_off = secret && std::process::Command::new("stty").arg("-echo").status().is_ok_and(|s| s.success());
    let mut line = String::new();
    let read = std::io::stdin().read_line(&mut line);
    if echo_off {
        let _ = std::process::Command::new("stty").arg("echo").status();
        eprintln!();
    }
    read.map_err(|e| e.to_string())?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// `push CHART.tgz oci://HOST/REPO`.
pub(crate) fn cmd_push(argv: &[String]) -> Result<(), String> {
    let args = Args::new(argv, CONNECTION_VALUES, CONNECTION_SWITCHES)?;
    let [chart, remote] = args.positional.as_slice() else {
        return Err("usage: chartpack push CHART.tgz oci://HOST/REPO".to_owned());
    };
    // helm checks the remote's URL and scheme before it looks at the chart.
    chartpack_oci::reference::check_push_remote(remote).map_err(|e| e.to_string())?;
    let meta = std::fs::metadata(chart).map_err(|_| format!("{chart}: no such file"))?;
    if meta.is_dir() {
        return Err("cannot push directory, must provide chart archive (.tgz)".to_owned());
    }
    let archive = std::fs::read(chart).map_err(|e| format!("open {chart}: {}", chartpack_cli::walk::io_text(&e)))?;
    let provenance = std::fs::read(format!("{chart}.prov")).ok();
    let created = created_time(&meta)?;
    let artifact = chartpack_oci::manifest::build_chart_artifact(&archive, chart, provenance.as_deref(), &created)
        .map_err(|e| e.to_string())?;
    let reference = chartpack_oci::reference::push_reference(remote, &artifact.name, &artifact.version)
        .map_err(|e| e.to_string())?;
    let client = connect(&args, &reference.registry)?;
    let bar = ProgressBar::new("Pushing");
    let update = |done: u64, total: u64| bar.update(done, total);
    let pushed = chartpack_oci::client::block_on(client.push_chart(
        &reference,
        &artifact,
        &archive,
        provenance.as_deref(),
        Some(&update),
    ));
    bar.finish();
    let pushed = pushed.map_err(|e| e.to_string())?;
    eprintln!("Pushed: {reference}");
    eprintln!("Digest: {}", pushed.manifest_digest);
    underscore_note(&reference.to_string());
    Ok(())
}

/// The `created` annotation: `SOURCE_DATE_EPOCH`, else the archive's modification time, in UTC.
fn created_time(meta: &std::fs::Metadata) -> Result<String, String> {
    let secs = match crate::source_date_epoch()? {
        Some(t) => t.secs,
        None => meta
            .modified()
            .ok()
            .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs() as i64),
    };
    Ok(chartpack_oci::manifest::format_created(secs, 0))
}

fn underscore_note(reference: &str) {
    if reference.contains('_') {
        eprintln!("{reference} contains an underscore.");
        eprintln!("{}", chartpack_oci::reference::UNDERSCORE_MESSAGE);
    }
}

/// Parses `oci://...` for pull-like commands.
fn parse_remote(text: &str) -> Result<Reference, String> {
    Reference::parse(text).map_err(|e| e.to_string())
}

/// `pull oci://HOST/REPO/CHART [--version V] [--devel] [-d DIR] [--untar [--untardir DIR]]`.
pub(crate) fn cmd_pull(argv: &[String]) -> Result<(), String> {
    let mut values = vec!["--version", "-d", "--destination", "--untardir"];
    values.extend_from_slice(CONNECTION_VALUES);
    let mut switches = vec!["--devel", "--untar"];
    switches.extend_from_slice(CONNECTION_SWITCHES);
    let args = Args::new(argv, &values, &switches)?;
    let [remote] = args.positional.as_slice() else {
        return Err("usage: chartpack pull oci://HOST/REPO/CHART [--version V] [-d DIR] [--untar]".to_owned());
    };
    let pulled = pull(&args, remote)?;
    let dest = PathBuf::from(args.value(&["-d", "--destination"]).unwrap_or_else(|| ".".to_owned()));
    if args.flag("--untar") {
        let untar_dir = match args.value(&["--untardir"]) {
            Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
            Some(dir) => go_join(&dest, &dir),
            None => go_join(&dest, "."),
        };
        let segment = remote.rsplit('/').next().unwrap_or(remote);
        crate::untar::extract_chart(&pulled.archive, &untar_dir, segment)?;
    } else {
        let target = dest.join(&pulled.file_name);
        crate::write_atomically(&dest, &target, &pulled.archive).map_err(|e| format!("failed to save: {e}"))?;
        if let Some(prov) = &pulled.provenance {
            let prov_target = dest.join(format!("{}.prov", pulled.file_name));
            crate::write_atomically(&dest, &prov_target, prov).map_err(|e| format!("failed to save: {e}"))?;
        }
    }
    Ok(())
}

/// Pulls and verifies a chart, printing helm's lines.
pub(crate) fn pull(args: &Args, remote: &str) -> Result<chartpack_oci::client::PulledChart, String> {
    let reference = parse_remote(remote)?;
    let client = connect(args, &reference.registry)?;
    let bar = ProgressBar::new("Pulling");
    let update = |done: u64, total: u64| bar.update(done, total);
    let version = args.value(&["--version"]);
    let pulled = chartpack_oci::client::block_on(client.pull_chart(
        &reference,
        version.as_deref(),
        args.flag("--devel"),
        Some(&update),
    ));
    bar.finish();
    let pulled = pulled.map_err(|e| e.to_string())?;
    for warning in &pulled.warnings {
        eprintln!("{warning}");
    }
    eprintln!("Pulled: {}", pulled.reference);
    eprintln!("Digest: {}", pulled.manifest_digest);
    underscore_note(&pulled.reference.to_string());
    Ok(pulled)
}

/// `tags oci://HOST/REPO/CHART`: every tag, semver newest first, then the others.
pub(crate) fn cmd_tags(argv: &[String]) -> Result<(), String> {
    let args = Args::new(argv, CONNECTION_VALUES, CONNECTION_SWITCHES)?;
    let [remote] = args.positional.as_slice() else {
        return Err("usage: chartpack tags oci://HOST/REPO/CHART".to_owned());
    };
    let reference = parse_remote(remote)?;
    let client = connect(&args, &reference.registry)?;
    let tags = chartpack_oci::client::block_on(client.list_tags(&reference.repository)).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    for tag in chartpack_oci::tags::sort_by_semver_desc(&tags) {
        writeln!(out, "{tag}").map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Where `show ... oci://` gets its archive.
pub(crate) fn pulled_archive(argv_rest: &[String], remote: &str) -> Result<Vec<u8>, String> {
    let mut values = vec!["--version"];
    values.extend_from_slice(CONNECTION_VALUES);
    let mut switches = vec!["--devel"];
    switches.extend_from_slice(CONNECTION_SWITCHES);
    let args = Args::new(argv_rest, &values, &switches)?;
    Ok(pull(&args, remote)?.archive)
}

/// `filepath.Join(a, b)` for relative parts: `.` segments vanish, `./.` is `.`.
fn go_join(a: &Path, b: &str) -> PathBuf {
    let joined = a.join(b);
    let cleaned: PathBuf = joined.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect();
    if cleaned.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_endpoints_name_the_registry_under_r() {
        let endpoint = |proxy: &str| proxy_endpoint(proxy, "--proxy", "GHCR.io:443");
        let cases = [
            ("http://127.0.0.1:8080", Ok("http://127.0.0.1:8080/r/ghcr.io:443")),
            ("https://p.example/chartpack/", Ok("https://p.example/chartpack/r/ghcr.io:443")),
            ("127.0.0.1:8080", Err(r#"invalid --proxy "127.0.0.1:8080": not an absolute URL"#)),
            ("http://p.example/?a=1", Err(r#"invalid --proxy "http://p.example/?a=1": a query is not accepted"#)),
        ];
        for (proxy, want) in cases {
            assert_eq!(endpoint(proxy), want.map(str::to_owned).map_err(str::to_owned), "{proxy}");
        }
    }
}
