//! Registry credentials on disk, found and changed as helm v4.1.4 does (oras-go's dynamic store):
//! the helm registry config file, docker's `config.json` as a read-only fallback, and
//! `docker-credential-<name>` helpers run as child processes. The format lives in
//! [`chartpack_oci::credentials`]; this module only locates, reads, writes and runs.

use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chartpack_oci::credentials::{
    check_helper_result, helper_address_request, helper_program, helper_store_request, logout_server_address,
    parse_helper_get, server_address, Credential, CredentialsError, DockerConfig, HelperAction, HelperError,
    HelperOutput, MAX_CONFIG_BYTES, MAX_HELPER_OUTPUT_BYTES,
};

/// How long a credential helper may take by default (oras waits forever; a helper that asks
/// for a passphrase gets this long).
pub const DEFAULT_HELPER_TIMEOUT: Duration = Duration::from_secs(120);

/// The environment that decides where credentials are, as values (tests build their own).
#[derive(Debug, Clone, Default)]
pub struct CredentialEnv {
    /// `--registry-config`, else `$HELM_REGISTRY_CONFIG`; empty counts as unset (helm then uses
    /// the default path).
    pub registry_config: Option<PathBuf>,
    /// `$HELM_CONFIG_HOME`.
    pub helm_config_home: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`.
    pub xdg_config_home: Option<PathBuf>,
    /// `%APPDATA%`, the config home on Windows.
    pub app_data: Option<PathBuf>,
    /// `$DOCKER_CONFIG`: the directory holding docker's `config.json`.
    pub docker_config: Option<PathBuf>,
    /// The home directory (`$HOME`; `%USERPROFILE%` on Windows).
    pub home: Option<PathBuf>,
    /// `$PATH`, searched for `docker-credential-*` helpers (and `pass`).
    pub search_path: Option<OsString>,
    /// How long a helper may run before it is killed.
    pub helper_timeout: Duration,
}

impl CredentialEnv {
    /// Reads the variables from this process; empty values count as unset, as in helm.
    pub fn from_process() -> CredentialEnv {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let path = |name: &str| var(name).map(PathBuf::from);
        CredentialEnv {
            registry_config: path("HELM_REGISTRY_CONFIG"),
            helm_config_home: path("HELM_CONFIG_HOME"),
            xdg_config_home: path("XDG_CONFIG_HOME"),
            app_data: path("APPDATA"),
            docker_config: path("DOCKER_CONFIG"),
            home: if cfg!(windows) { path("USERPROFILE").or_else(|| path("HOME")) } else { path("HOME") },
            search_path: var("PATH"),
            helper_timeout: DEFAULT_HELPER_TIMEOUT,
        }
    }
}

/// The file `helm registry login` writes: `registry_config`, else `$HELM_CONFIG_HOME/registry/config.json`,
/// else `$XDG_CONFIG_HOME/helm/registry/config.json`, else the platform's config home
/// (`~/.config`, macOS `~/Library/Preferences`, Windows `%APPDATA%`) + `/helm/registry/config.json`.
/// Mirrors helm `pkg/cli/environment.go` and `pkg/helmpath`. Without a home directory helm uses
/// a path relative to the working directory; chartpack refuses instead.
pub fn registry_config_path(env: &CredentialEnv) -> Result<PathBuf, Error> {
    if let Some(path) = nonempty(&env.registry_config) {
        return Ok(path.to_path_buf());
    }
    if let Some(base) = nonempty(&env.helm_config_home) {
        return Ok(base.join("registry").join("config.json"));
    }
    let base = match nonempty(&env.xdg_config_home) {
        Some(base) => base.to_path_buf(),
        None => default_config_home(env).ok_or(Error::NoHome)?,
    };
    Ok(base.join("helm").join("registry").join("config.json"))
}

fn default_config_home(env: &CredentialEnv) -> Option<PathBuf> {
    if cfg!(windows) {
        return nonempty(&env.app_data).map(Path::to_path_buf);
    }
    let home = nonempty(&env.home)?;
    Some(if cfg!(target_os = "macos") { home.join("Library").join("Preferences") } else { home.join(".config") })
}

/// Docker's `config.json`: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`; `None`
/// without a home directory (helm then skips the fallback). Mirrors oras `getDockerConfigPath`.
pub fn docker_config_path(env: &CredentialEnv) -> Option<PathBuf> {
    match nonempty(&env.docker_config) {
        Some(dir) => Some(dir.join("config.json")),
        None => nonempty(&env.home).map(|home| home.join(".docker").join("config.json")),
    }
}

fn nonempty(path: &Option<PathBuf>) -> Option<&Path> {
    path.as_deref().filter(|p| !p.as_os_str().is_empty())
}

/// Something went wrong finding, reading or changing credentials.
#[derive(Debug)]
pub enum Error {
    /// No home directory to find the default config file under.
    NoHome,
    /// The config file exists but cannot be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The config file or one of its entries is malformed.
    Config(CredentialsError),
    /// The config file could not be written.
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The configured helper is not on `PATH`.
    HelperMissing {
        /// `docker-credential-<name>`.
        program: String,
    },
    /// The helper could not be started or talked to.
    HelperIo {
        /// The program.
        program: String,
        /// What it was asked.
        action: HelperAction,
        /// Why.
        source: io::Error,
    },
    /// The helper did not finish in time and was killed.
    HelperTimeout {
        /// The program.
        program: String,
        /// What it was asked.
        action: HelperAction,
        /// The limit.
        timeout: Duration,
    },
    /// The helper failed or answered nonsense.
    Helper(HelperError),
    /// `remove` failed; helm's wording around the cause.
    Delete {
        /// The store key.
        server: String,
        /// The cause.
        source: Box<Error>,
    },
}

impl Error {
    /// Stable identifier such as `"credentials.helper_missing"`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NoHome => "credentials.no_home",
            Error::Read { .. } => "credentials.read",
            Error::Config(e) => e.code(),
            Error::Write { .. } => "credentials.write",
            Error::HelperMissing { .. } => "credentials.helper_missing",
            Error::HelperIo { .. } => "credentials.helper_io",
            Error::HelperTimeout { .. } => "credentials.helper_timeout",
            Error::Helper(e) => e.code(),
            Error::Delete { source, .. } => source.code(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoHome => {
                f.write_str("cannot locate the registry config file: no home directory (set HELM_REGISTRY_CONFIG)")
            }
            Error::Read { path, source } => write!(f, "failed to open config file at {}: {source}", path.display()),
            Error::Config(e) => e.fmt(f),
            Error::Write { path, source } => write!(f, "failed to save config file at {}: {source}", path.display()),
            // Go's exec.ErrNotFound text, as helm prints it.
            Error::HelperMissing { program } => write!(f, "exec: {program:?}: executable file not found in $PATH"),
            Error::HelperIo { program, action, source } => write!(f, "{program} {}: {source}", action.as_str()),
            Error::HelperTimeout { program, action, timeout } => {
                write!(f, "{program} {}: no answer within {} seconds", action.as_str(), timeout.as_secs())
            }
            Error::Helper(e) => e.fmt(f),
            Error::Delete { server, source } => write!(f, "failed to delete the credential for {server}: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Read { source, .. } | Error::Write { source, .. } | Error::HelperIo { source, .. } => Some(source),
            Error::Config(e) => Some(e),
            Error::Helper(e) => Some(e),
            Error::Delete { source, .. } => Some(source.as_ref()),
            Error::NoHome | Error::HelperMissing { .. } | Error::HelperTimeout { .. } => None,
        }
    }
}

impl From<CredentialsError> for Error {
    fn from(e: CredentialsError) -> Error {
        Error::Config(e)
    }
}

impl From<HelperError> for Error {
    fn from(e: HelperError) -> Error {
        Error::Helper(e)
    }
}

/// One config file and the helper oras would detect for it.
#[derive(Debug)]
struct Layer {
    config: DockerConfig,
    file: PathBuf,
    /// The platform default helper, used when the file configures no credential at all.
    detected: Option<String>,
}

impl Layer {
    fn helper_for(&self, key: &str) -> Option<&str> {
        self.config.helper_for(key).or(self.detected.as_deref())
    }
}

/// helm's credential store: its own file (read and written), then docker's (read only).
/// Mirrors helm `registry.NewClient`: `credentials.NewStoreWithFallbacks(NewStore(helm file),
/// NewStoreFromDocker())`, both with `AllowPlaintextPut` and `DetectDefaultNativeStore`.
#[derive(Debug)]
pub struct CredentialStore {
    helm: Layer,
    docker: Option<Layer>,
    search_path: Option<OsString>,
    helper_timeout: Duration,
}

impl CredentialStore {
    /// Reads helm's file (missing = empty; malformed = error) and docker's (missing or
    /// malformed = ignored, as helm does).
    pub fn open(env: &CredentialEnv) -> Result<CredentialStore, Error> {
        let file = registry_config_path(env)?;
        let detect = |config: &DockerConfig| {
            if config.is_auth_configured() {
                None
            } else {
                default_helper(env.search_path.as_deref())
            }
        };
        let config = read_config(&file)?;
        let helm = Layer { detected: detect(&config), config, file };
        let docker = docker_config_path(env).and_then(|file| {
            let config = read_config(&file).ok()?;
            Some(Layer { detected: detect(&config), config, file })
        });
        Ok(CredentialStore { helm, docker, search_path: env.search_path.clone(), helper_timeout: env.helper_timeout })
    }

    /// [`CredentialStore::open`] with this process's environment, `registry_config` (the
    /// `--registry-config` flag) taking precedence over `$HELM_REGISTRY_CONFIG`.
    pub fn open_from_env(registry_config: Option<PathBuf>) -> Result<CredentialStore, Error> {
        let mut env = CredentialEnv::from_process();
        if registry_config.is_some() {
            env.registry_config = registry_config;
        }
        CredentialStore::open(&env)
    }

    /// The helm registry config file this store writes.
    pub fn path(&self) -> &Path {
        &self.helm.file
    }

    /// The credential for requests to `host` (`host[:port]`; Docker Hub's hosts map to its
    /// key): helm's file or its helper first, then docker's. `None` when neither has one.
    pub fn get(&self, host: &str) -> Result<Option<Credential>, Error> {
        let key = server_address(host);
        for layer in std::iter::once(&self.helm).chain(&self.docker) {
            let found = match layer.helper_for(key) {
                Some(helper) => {
                    let program = helper_program(helper);
                    let stdout = self.run_helper(&program, HelperAction::Get, &helper_address_request(key))?;
                    parse_helper_get(&program, &stdout.as_output())?
                }
                None => layer.config.credential(key)?,
            };
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    /// Stores `credential` for `host` as `helm registry login` does: in the configured (or
    /// detected) helper, else in helm's file, rewritten atomically with mode 0600. When a
    /// helper was detected, `credsStore` is then saved in the file.
    pub fn put(&mut self, host: &str, credential: &Credential) -> Result<(), Error> {
        let key = server_address(host);
        match self.helm.helper_for(key).map(helper_program) {
            Some(program) => {
                let ran = self.run_helper(&program, HelperAction::Store, &helper_store_request(key, credential))?;
                check_helper_result(&program, HelperAction::Store, &ran.as_output())?;
            }
            None => {
                self.helm.config.put(key, credential)?;
                write_atomic(&self.helm.file, &self.helm.config.to_bytes())?;
            }
        }
        if let Some(detected) = self.helm.detected.take() {
            self.helm.config.set_creds_store(&detected);
            write_atomic(&self.helm.file, &self.helm.config.to_bytes())?;
        }
        Ok(())
    }

    /// Removes the credential for `host` as `helm registry logout` does: from the helper (which
    /// fails when it has none), else from helm's file (nothing to do when absent). Docker's
    /// file is never changed.
    pub fn remove(&mut self, host: &str) -> Result<(), Error> {
        let key = logout_server_address(host);
        self.remove_key(key).map_err(|source| Error::Delete { server: key.to_owned(), source: Box::new(source) })
    }

    fn remove_key(&mut self, key: &str) -> Result<(), Error> {
        match self.helm.helper_for(key).map(helper_program) {
            Some(program) => {
                let ran = self.run_helper(&program, HelperAction::Erase, &helper_address_request(key))?;
                check_helper_result(&program, HelperAction::Erase, &ran.as_output())?;
            }
            None => {
                if self.helm.config.remove(key) {
                    write_atomic(&self.helm.file, &self.helm.config.to_bytes())?;
                }
            }
        }
        Ok(())
    }

    /// Runs `program action` with `input` on stdin (stderr passes through, as in oras).
    fn run_helper(&self, program: &str, action: HelperAction, input: &[u8]) -> Result<HelperRun, Error> {
        let resolved = look_path(program, self.search_path.as_deref())
            .ok_or_else(|| Error::HelperMissing { program: program.to_owned() })?;
        let io_error = |source: io::Error| Error::HelperIo { program: program.to_owned(), action, source };
        let mut child = Command::new(resolved)
            .arg(action.as_str())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(io_error)?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io_error(io::Error::other("no pipes to the helper")));
        };
        let input = input.to_vec();
        // A helper may exit without reading its input: a broken pipe is not an error.
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut stdout = stdout;
            let mut data = Vec::new();
            let read = (&mut stdout).take(MAX_HELPER_OUTPUT_BYTES as u64 + 1).read_to_end(&mut data);
            // Drain the rest so the helper is not blocked writing; the timeout bounds this.
            let _ = io::copy(&mut stdout, &mut io::sink());
            let _ = sender.send(read.map(|_| data));
        });
        let deadline = Instant::now() + self.helper_timeout;
        let timed_out = || Error::HelperTimeout { program: program.to_owned(), action, timeout: self.helper_timeout };
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(timed_out());
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(io_error(e));
                }
            }
        };
        let remaining = deadline.saturating_duration_since(Instant::now());
        let stdout = match receiver.recv_timeout(remaining) {
            Ok(read) => read.map_err(io_error)?,
            Err(_) => return Err(timed_out()),
        };
        Ok(HelperRun { stdout, failure: failure_text(status) })
    }
}

/// What a helper run produced.
struct HelperRun {
    stdout: Vec<u8>,
    failure: Option<String>,
}

impl HelperRun {
    fn as_output(&self) -> HelperOutput<'_> {
        HelperOutput { stdout: &self.stdout, failure: self.failure.as_deref() }
    }
}

/// Go's `ProcessState.String()` for a failed run (`exit status 1`, `signal: killed`).
fn failure_text(status: ExitStatus) -> Option<String> {
    if status.success() {
        return None;
    }
    if let Some(code) = status.code() {
        return Some(format!("exit status {code}"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                2 => "interrupt".to_owned(),
                6 => "aborted".to_owned(),
                9 => "killed".to_owned(),
                11 => "segmentation fault".to_owned(),
                13 => "broken pipe".to_owned(),
                15 => "terminated".to_owned(),
                n => format!("signal {n}"),
            };
            return Some(format!("signal: {name}"));
        }
    }
    Some(status.to_string())
}

/// The platform default helper oras detects when a file configures nothing, if installed:
/// Linux `pass` (when `pass` is installed) else `secretservice`, macOS `osxkeychain`, Windows
/// `wincred`. Mirrors oras `getDefaultHelperSuffix`.
fn default_helper(search_path: Option<&std::ffi::OsStr>) -> Option<String> {
    let name = if cfg!(target_os = "macos") {
        "osxkeychain"
    } else if cfg!(windows) {
        "wincred"
    } else if cfg!(target_os = "linux") {
        if look_path("pass", search_path).is_some() {
            "pass"
        } else {
            "secretservice"
        }
    } else {
        return None;
    };
    look_path(&helper_program(name), search_path).map(|_| name.to_owned())
}

/// Go's `exec.LookPath` over `search_path`: the first executable regular file named `program`
/// in an absolute directory (relative entries are refused, as Go does since 1.19).
fn look_path(program: &str, search_path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    let names: Vec<String> =
        if cfg!(windows) { vec![format!("{program}.exe"), program.to_owned()] } else { vec![program.to_owned()] };
    std::env::split_paths(search_path?)
        .filter(|dir| dir.is_absolute())
        .find_map(|dir| names.iter().map(|name| dir.join(name)).find(|candidate| is_executable(candidate)))
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = fs::metadata(path) else { return false };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// Reads a config file: missing → empty; bounded by [`MAX_CONFIG_BYTES`].
fn read_config(path: &Path) -> Result<DockerConfig, Error> {
    let shown = path.display().to_string();
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(DockerConfig::empty(&shown)),
        Err(source) => return Err(Error::Read { path: path.to_path_buf(), source }),
    };
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    Ok(DockerConfig::parse(&shown, &bytes)?)
}

/// Writes `bytes` to `path` as oras does: parent directories created 0700, a temporary file
/// 0600 in the same directory, renamed over `path`.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let error = |source: io::Error| Error::Write { path: path.to_path_buf(), source };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(error)?;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp = dir.join(format!("chartpack_credstore_temp_{}_{nanos}_{n}", std::process::id()));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = (|| {
        let mut file = options.open(&temp)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(0o600))?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if let Err(source) = written {
        let _ = fs::remove_file(&temp);
        return Err(error(source));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests fail loudly on purpose
mod tests {
    //! Expected files, paths and messages come from helm v4.1.4 runs (see
    //! `crates/chartpack-oci/tests-data/credentials/README.md`); the helm cases below run the real
    //! helm when it is installed and need no registry.
    use super::*;
    use chartpack_testkit::TempDir;

    const LOGIN_NEW: &[u8] = include_bytes!("../../chartpack-oci/tests-data/credentials/login-new.json");

    /// An environment whose home is `home`, with no helpers on the search path.
    fn env_in(home: &Path) -> CredentialEnv {
        CredentialEnv {
            home: Some(home.to_path_buf()),
            helper_timeout: Duration::from_secs(20),
            ..CredentialEnv::default()
        }
    }

    fn helm_user() -> Credential {
        Credential::basic("user", chartpack_oci::secret::Secret::new("p@ss:w<rd>"))
    }

    fn basic(user: &str, pass: &str) -> Credential {
        Credential::basic(user, chartpack_oci::secret::Secret::new(pass))
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn registry_config_path_as_helm_env_prints_it() {
        // `env -i HOME=/h … helm env | grep HELM_REGISTRY_CONFIG`
        let p = |s: &str| Some(PathBuf::from(s));
        let home = CredentialEnv { home: p("/h"), ..CredentialEnv::default() };
        let cases = [
            (home.clone(), "/h/.config/helm/registry/config.json"),
            (CredentialEnv { xdg_config_home: p("/x"), ..home.clone() }, "/x/helm/registry/config.json"),
            (
                CredentialEnv { xdg_config_home: p("/x"), helm_config_home: p("/c"), ..home.clone() },
                "/c/registry/config.json",
            ),
            (CredentialEnv { registry_config: p("/r/c.json"), helm_config_home: p("/c"), ..home.clone() }, "/r/c.json"),
            // HELM_REGISTRY_CONFIG="" → helm's client falls back to the default file.
            (
                CredentialEnv { registry_config: p(""), xdg_config_home: p(""), ..home.clone() },
                "/h/.config/helm/registry/config.json",
            ),
            (CredentialEnv { helm_config_home: p("rel"), ..home.clone() }, "rel/registry/config.json"),
        ];
        for (env, want) in cases {
            assert_eq!(registry_config_path(&env).unwrap(), PathBuf::from(want), "{env:?}");
        }
        // helm would use the relative `.config/helm/registry/config.json`; chartpack refuses.
        assert_eq!(registry_config_path(&CredentialEnv::default()).unwrap_err().code(), "credentials.no_home");
    }

    #[test]
    fn docker_config_path_as_oras_finds_it() {
        let env = CredentialEnv { home: Some("/h".into()), ..CredentialEnv::default() };
        assert_eq!(docker_config_path(&env), Some(PathBuf::from("/h/.docker/config.json")));
        let env = CredentialEnv { docker_config: Some("/d".into()), ..env };
        assert_eq!(docker_config_path(&env), Some(PathBuf::from("/d/config.json")));
        assert_eq!(docker_config_path(&CredentialEnv::default()), None);
    }

    #[test]
    fn login_and_logout_in_a_fresh_home() {
        let home = TempDir::new("fresh");
        let env = env_in(home.path());
        let mut store = CredentialStore::open(&env).unwrap();
        store.put("127.0.0.1:15731", &helm_user()).unwrap();
        let file = home.path().join(".config/helm/registry/config.json");
        assert_eq!(store.path(), file);
        assert_eq!(fs::read(&file).unwrap(), LOGIN_NEW, "the bytes helm wrote for the same login");
        #[cfg(unix)]
        for (path, want) in [
            (file.clone(), 0o600),
            (home.path().join(".config/helm/registry"), 0o700),
            (home.path().join(".config"), 0o700),
        ] {
            assert_eq!(mode(&path), want, "{}", path.display());
        }
        let store = CredentialStore::open(&env).unwrap();
        assert_eq!(store.get("127.0.0.1:15731").unwrap(), Some(helm_user()));
        assert_eq!(store.get("127.0.0.1:15732").unwrap(), None);
        let mut store = store;
        store.remove("127.0.0.1:15731").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"{\n\t\"auths\": {}\n}");
        store.remove("127.0.0.1:15731").unwrap(); // helm: still "Removing login credentials for …"
        let names: Vec<_> = fs::read_dir(file.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["config.json"], "no temporary file left behind");
    }

    #[test]
    fn docker_hub_keys() {
        let home = TempDir::new("hub");
        let env = env_in(home.path());
        let mut store = CredentialStore::open(&env).unwrap();
        store.put("docker.io", &basic("a", "b")).unwrap();
        let text = fs::read_to_string(store.path()).unwrap();
        assert!(text.contains("\"https://index.docker.io/v1/\""), "{text}");
        assert_eq!(store.get("registry-1.docker.io").unwrap(), Some(basic("a", "b")));
        store.remove("registry-1.docker.io").unwrap();
        assert_eq!(store.get("docker.io").unwrap(), Some(basic("a", "b")), "logout maps only docker.io");
        store.remove("docker.io").unwrap();
        assert_eq!(store.get("docker.io").unwrap(), None);
    }

    #[test]
    fn reads_fall_back_to_docker_config() {
        let home = TempDir::new("docker");
        let helm_file = home.path().join("helm.json");
        let docker_dir = home.path().join("dk");
        fs::create_dir_all(&docker_dir).unwrap();
        let env = CredentialEnv {
            registry_config: Some(helm_file.clone()),
            docker_config: Some(docker_dir.clone()),
            ..env_in(home.path())
        };
        let good = r#"{"auths": {"r.io": {"auth": "dXNlcjpwQHNzOnc8cmQ+"}}}"#;
        fs::write(docker_dir.join("config.json"), good).unwrap();
        assert_eq!(CredentialStore::open(&env).unwrap().get("r.io").unwrap(), Some(helm_user()), "no helm file");
        fs::write(&helm_file, r#"{"auths": {"r.io": {}}}"#).unwrap();
        assert_eq!(CredentialStore::open(&env).unwrap().get("r.io").unwrap(), Some(helm_user()), "empty helm entry");
        fs::write(&helm_file, r#"{"auths": {"r.io": {"auth": "YTpi"}}}"#).unwrap();
        assert_eq!(CredentialStore::open(&env).unwrap().get("r.io").unwrap(), Some(basic("a", "b")), "helm first");
        // A broken docker file is ignored when opening (helm too), a broken entry is not.
        fs::remove_file(&helm_file).unwrap();
        fs::write(docker_dir.join("config.json"), "{").unwrap();
        assert_eq!(CredentialStore::open(&env).unwrap().get("r.io").unwrap(), None);
        fs::write(docker_dir.join("config.json"), r#"{"auths": {"r.io": {"auth": "dX!l"}}}"#).unwrap();
        let err = CredentialStore::open(&env).unwrap().get("r.io").unwrap_err();
        assert!(err.to_string().ends_with("illegal base64 data at input byte 2"), "{err}");
        // Docker's file is never written.
        let mut store = CredentialStore::open(&env).unwrap();
        store.put("r.io", &basic("a", "b")).unwrap();
        assert_eq!(
            fs::read_to_string(docker_dir.join("config.json")).unwrap(),
            r#"{"auths": {"r.io": {"auth": "dX!l"}}}"#
        );
        // A broken helm file is an error.
        fs::write(&helm_file, "[]").unwrap();
        let err = CredentialStore::open(&env).unwrap_err().to_string();
        let want = format!(
            "failed to decode config file at {}: invalid config format: json: cannot unmarshal array into Go value of type map[string]json.RawMessage",
            helm_file.display()
        );
        assert_eq!(err, want);
    }

    /// A fake helper keeping one file per server URL in `store/` beside itself, logging calls.
    const FAKE_HELPER: &str = r#"#!/bin/sh
dir=$(dirname "$0")/store
mkdir -p "$dir"
in=$(cat)
printf '%s %s\n' "$1" "$in" >> "$dir/log"
key=$(printf '%s' "$in" | tr -c 'A-Za-z0-9' '_')
case "$1" in
get) if [ -f "$dir/$key" ]; then cat "$dir/$key"; else echo "credentials not found in native keychain"; exit 1; fi ;;
store) url=$(printf '%s' "$in" | sed 's/.*"ServerURL":"\([^"]*\)".*/\1/'); printf '%s' "$in" > "$dir/$(printf '%s' "$url" | tr -c 'A-Za-z0-9' '_')" ;;
erase) if [ -f "$dir/$key" ]; then rm "$dir/$key"; else echo "credentials not found in native keychain"; exit 1; fi ;;
*) echo "unknown action"; exit 1 ;;
esac
"#;

    /// Installs a helper script. The executable is written by a `cp` child, never through a file
    /// descriptor of this process: a test on another thread that forks to run its own helper
    /// would inherit such a descriptor until its exec, and running this helper meanwhile fails
    /// with ETXTBSY ("Text file busy"), which made CI flaky.
    #[cfg(unix)]
    fn install_helper(bin: &Path, name: &str, script: &str) {
        use std::os::unix::fs::PermissionsExt;
        fs::create_dir_all(bin).unwrap();
        let path = bin.join(format!("docker-credential-{name}"));
        let staging = bin.join(format!("{name}.script"));
        fs::write(&staging, script).unwrap();
        let copied = std::process::Command::new("cp").arg(&staging).arg(&path).status().unwrap();
        assert!(copied.success(), "cp {} {}", staging.display(), path.display());
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    #[cfg(unix)]
    fn credential_helper_get_store_erase() {
        let home = TempDir::new("helper");
        let bin = home.path().join("bin");
        install_helper(&bin, "test", FAKE_HELPER);
        let file = home.path().join("registry.json");
        let config = r#"{"credsStore":"test","credHelpers":{"other.io":"nope"}}"#;
        fs::write(&file, config).unwrap();
        let env = CredentialEnv {
            registry_config: Some(file.clone()),
            search_path: Some(bin.clone().into()),
            ..env_in(home.path())
        };
        let mut store = CredentialStore::open(&env).unwrap();
        store.put("127.0.0.1:15731", &helm_user()).unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), config, "the file is not touched");
        assert_eq!(store.get("127.0.0.1:15731").unwrap(), Some(helm_user()));
        assert_eq!(store.get("unknown.io").unwrap(), None, "not found is no error on get");
        store.remove("127.0.0.1:15731").unwrap();
        assert_eq!(store.get("127.0.0.1:15731").unwrap(), None);
        let err = store.remove("127.0.0.1:15731").unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to delete the credential for 127.0.0.1:15731: docker-credential-test erase: credentials not found in native keychain"
        );
        // What went over the pipes is what helm sends (recorded with the same helper under helm).
        let log = fs::read_to_string(bin.join("store/log")).unwrap();
        let first = log.lines().next().unwrap();
        assert_eq!(first, r#"store {"ServerURL":"127.0.0.1:15731","Username":"user","Secret":"p@ss:w\u003crd\u003e"}"#);
        assert!(log.contains("\nget 127.0.0.1:15731\n") && log.contains("\nerase 127.0.0.1:15731\n"), "{log}");
        // credHelpers wins over credsStore; a missing helper reads like helm's error.
        let err = store.get("other.io").unwrap_err();
        assert_eq!(err.to_string(), r#"exec: "docker-credential-nope": executable file not found in $PATH"#);
        assert_eq!(err.code(), "credentials.helper_missing");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn detected_default_helper_is_used_and_saved() {
        // helm with docker-credential-secretservice on PATH (and no `pass`) and no config: the
        // login goes to the helper and the file becomes exactly this.
        let home = TempDir::new("detect");
        let bin = home.path().join("bin");
        install_helper(&bin, "secretservice", FAKE_HELPER);
        let env = CredentialEnv { search_path: Some(bin.clone().into()), ..env_in(home.path()) };
        let mut store = CredentialStore::open(&env).unwrap();
        store.put("127.0.0.1:15731", &helm_user()).unwrap();
        assert_eq!(fs::read(store.path()).unwrap(), b"{\n\t\"auths\": {},\n\t\"credsStore\": \"secretservice\"\n}");
        assert!(fs::read_to_string(bin.join("store/log")).unwrap().starts_with("store "));
        let store = CredentialStore::open(&env).unwrap();
        assert_eq!(store.get("127.0.0.1:15731").unwrap(), Some(helm_user()));
    }

    #[test]
    #[cfg(unix)]
    fn helpers_are_bounded_in_time_and_report_failures() {
        let home = TempDir::new("slow");
        let bin = home.path().join("bin");
        install_helper(&bin, "slow", "#!/bin/sh\nexec sleep 5\n");
        install_helper(&bin, "silent", "#!/bin/sh\ncat >/dev/null; exit 3\n");
        let file = home.path().join("registry.json");
        fs::write(&file, r#"{"credHelpers":{"slow.io":"slow","silent.io":"silent"}}"#).unwrap();
        let env = CredentialEnv {
            registry_config: Some(file),
            search_path: Some(bin.into()),
            helper_timeout: Duration::from_millis(300),
            ..env_in(home.path())
        };
        let store = CredentialStore::open(&env).unwrap();
        let started = Instant::now();
        let err = store.get("slow.io").unwrap_err();
        assert_eq!(err.code(), "credentials.helper_timeout");
        assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
        // helm: "failed to resolve credential: exit status 3"
        assert_eq!(store.get("silent.io").unwrap_err().to_string(), "docker-credential-silent get: exit status 3");
    }

    /// The real helm v4 (testkit's lookup), or `None` when absent outside CI.
    fn helm() -> Option<PathBuf> {
        chartpack_testkit::Helm::find("credentials").map(|h| h.path().to_path_buf())
    }

    /// Runs `helm args…` with private state, `file` as its registry config and `path` as PATH.
    fn run_helm(helm: &Path, home: &Path, file: &Path, path: &std::ffi::OsStr, args: &[&str]) -> String {
        let out = Command::new(helm)
            .args(args)
            .env_clear()
            .env("PATH", path)
            .env("HOME", home)
            .env("HELM_CONFIG_HOME", home.join("hc"))
            .env("HELM_CACHE_HOME", home.join("hk"))
            .env("HELM_DATA_HOME", home.join("hd"))
            .env("DOCKER_CONFIG", home.join("no-docker"))
            .env("HELM_REGISTRY_CONFIG", file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "helm {args:?}: {stderr}");
        stderr
    }

    #[test]
    fn helm_logs_out_of_what_chartpack_wrote() {
        let Some(helm) = helm() else { return };
        let home = TempDir::new("helm-file");
        let (ours, theirs) = (home.path().join("ours.json"), home.path().join("theirs.json"));
        fs::write(&ours, r#"{"HttpHeaders": {"X-Meta": "a<b"}, "auths": {"keep.io": {"auth": "YTpi", "email": "e"}}}"#)
            .unwrap();
        let env = CredentialEnv { registry_config: Some(ours.clone()), ..env_in(home.path()) };
        let mut store = CredentialStore::open(&env).unwrap();
        store.put("a.example:5000", &helm_user()).unwrap();
        store.put("docker.io", &basic("", "token")).unwrap();
        let token = Credential { identity_token: Some(chartpack_oci::secret::Secret::new("rt")), ..basic("u", "p") };
        store.put("b.example", &token).unwrap();
        fs::copy(&ours, &theirs).unwrap();
        let path = std::env::var_os("PATH").unwrap_or_default();
        for host in ["a.example:5000", "docker.io", "absent.example"] {
            let said = run_helm(&helm, home.path(), &theirs, &path, &["registry", "logout", host]);
            assert_eq!(said, format!("Removing login credentials for {host}\n"));
            store.remove(host).unwrap();
        }
        assert_eq!(fs::read_to_string(&ours).unwrap(), fs::read_to_string(&theirs).unwrap());
        let env = CredentialEnv { registry_config: Some(theirs), ..env };
        let store = CredentialStore::open(&env).unwrap();
        assert_eq!(store.get("b.example").unwrap(), Some(token));
        assert_eq!(store.get("keep.io").unwrap(), Some(basic("a", "b")));
        assert_eq!(store.get("a.example:5000").unwrap(), None);
    }

    #[test]
    #[cfg(unix)]
    fn helm_erases_from_the_helper_what_chartpack_stored() {
        let Some(helm) = helm() else { return };
        let home = TempDir::new("helm-helper");
        let bin = home.path().join("bin");
        install_helper(&bin, "test", FAKE_HELPER);
        let file = home.path().join("registry.json");
        fs::write(&file, r#"{"credsStore": "test"}"#).unwrap();
        let mut paths = vec![bin.clone()];
        paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
        let path = std::env::join_paths(paths).unwrap();
        let env = CredentialEnv {
            registry_config: Some(file.clone()),
            search_path: Some(path.clone()),
            ..env_in(home.path())
        };
        let mut store = CredentialStore::open(&env).unwrap();
        store.put("127.0.0.1:15731", &helm_user()).unwrap();
        run_helm(&helm, home.path(), &file, &path, &["registry", "logout", "127.0.0.1:15731"]);
        assert_eq!(store.get("127.0.0.1:15731").unwrap(), None, "helm's erase found what chartpack stored");
        let log = fs::read_to_string(bin.join("store/log")).unwrap();
        assert!(log.contains("\nerase 127.0.0.1:15731\n"), "{log}");
    }
}
