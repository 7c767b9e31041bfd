//! `chartpack serve`: reads the proxy's configuration from its file, the environment and the
//! flags, then runs [`chartpack_proxy::server::run`].

use chartpack_proxy::config::{self, Flags};

use crate::args::Args;

const WITH_VALUE: &[&str] = &[
    "--config",
    "--listen",
    "--host",
    "--public-url",
    "--origin",
    "--registry",
    "--allow-private",
    "--default-registry",
    "--static-dir",
    "--ca-file",
];

pub(crate) fn cmd_serve(argv: &[String]) -> Result<(), String> {
    let args = Args::new(argv, WITH_VALUE, &[])?;
    if let Some(extra) = args.positional.first() {
        return Err(format!("serve takes no arguments, got {extra:?}"));
    }
    let flags = Flags {
        listen: args.value(&["--listen"]),
        hosts: args.values("--host"),
        public_url: args.value(&["--public-url"]),
        origins: args.values("--origin"),
        registries: args.values("--registry"),
        allow_private: args.values("--allow-private"),
        default_registry: args.value(&["--default-registry"]),
        static_dir: args.value(&["--static-dir"]),
        ca_file: args.value(&["--ca-file"]),
    };
    let env: Vec<(String, String)> = std::env::vars().filter(|(k, _)| k.starts_with("CHARTPACK_PROXY_")).collect();
    let config_path =
        args.value(&["--config"]).or_else(|| std::env::var("CHARTPACK_PROXY_CONFIG").ok().filter(|v| !v.is_empty()));
    let file_text = match &config_path {
        Some(path) => Some(std::fs::read_to_string(path).map_err(|e| format!("config {path}: {e}"))?),
        None => None,
    };
    let file = config_path.as_deref().zip(file_text.as_deref());
    let config = config::load(file, &env, &flags).map_err(|e| e.to_string())?;
    chartpack_proxy::server::run(config, |address, config| {
        let registries: Vec<&str> = config.registries.iter().map(|r| r.host.as_str()).collect();
        eprintln!("chartpack proxy listening on http://{address}/");
        eprintln!("  registries: {}  (reach one at /r/HOST/v2/...)", registries.join(", "));
        if !config.origins.is_empty() {
            eprintln!("  page origins: {}", config.origins.join(", "));
        }
        if let Some(dir) = &config.static_dir {
            eprintln!("  web app: {}", dir.display());
        }
    })
}
