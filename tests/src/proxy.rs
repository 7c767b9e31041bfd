//! `chartpack serve` as the e2e tests run it: a real process on a free loopback port, its log
//! (stderr, one JSON line per request) kept in a file.

#![allow(clippy::print_stderr)] // a failing driver's context is the point

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{chartpack_bin, TempDir};

/// A running proxy; killed on drop.
pub struct Proxy {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: TempDir,
}

impl Proxy {
    /// Starts `chartpack serve --listen 127.0.0.1:0 ARGS...` with no `CHARTPACK_PROXY_*`
    /// variables from the caller's environment, and waits until it listens.
    pub fn start(args: &[&str]) -> Proxy {
        Self::start_with_env(args, &[])
    }

    /// As [`Proxy::start`], with extra environment variables.
    pub fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Proxy {
        let dir = TempDir::new("proxy");
        let log = dir.path().join("proxy.log");
        let stderr = std::fs::File::create(&log).expect("create proxy log");
        let mut command = Command::new(chartpack_bin());
        command.arg("serve").args(["--listen", "127.0.0.1:0"]).args(args);
        for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("CHARTPACK_PROXY_")) {
            command.env_remove(key);
        }
        command.envs(env.iter().copied()).stdin(Stdio::null()).stdout(Stdio::null()).stderr(stderr);
        let mut child = command.spawn().expect("start chartpack serve");
        let started = Instant::now();
        loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(port) = text
                .lines()
                .find_map(|l| l.strip_prefix("chartpack proxy listening on http://127.0.0.1:"))
                .and_then(|rest| rest.trim_end_matches('/').parse::<u16>().ok())
            {
                return Proxy { child, port, log, _dir: dir };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("chartpack serve exited ({status}) before listening:\n{text}");
            }
            assert!(started.elapsed() < Duration::from_secs(20), "chartpack serve did not start:\n{text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Runs `chartpack serve ARGS...` expecting it to refuse its configuration; returns stderr.
    pub fn refused(args: &[&str]) -> String {
        let out = Command::new(chartpack_bin()).arg("serve").args(args).output().expect("run chartpack serve");
        assert!(!out.status.success(), "chartpack serve {args:?} should have failed");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Its port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its process id (to read `/proc/PID/status`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Where registry `host` is reached: `http://127.0.0.1:PORT/r/HOST`.
    pub fn endpoint(&self, host: &str) -> String {
        format!("{}/r/{host}", self.url())
    }

    /// Everything it logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The last `lines` lines of the log.
    pub fn log_tail(&self, lines: usize) -> String {
        let log = self.log();
        let all: Vec<&str> = log.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Runs a Node browser driver (`js::node`) against this proxy and asserts it succeeded; on
    /// failure the proxy's log tail is printed first. The driver's output is printed either way.
    pub fn drive(
        &self,
        root: &Path,
        work: &Path,
        label: &str,
        script: &str,
        env: &[(&str, String)],
        timeout: Duration,
    ) -> crate::js::Run {
        let run = crate::js::node(root, work, label, &[script], env, timeout);
        if run.code != Some(0) {
            eprintln!("--- proxy log (tail) ---\n{}", self.log_tail(60));
        }
        run.assert_ok();
        eprintln!("{}", run.stdout.trim_end());
        run
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
