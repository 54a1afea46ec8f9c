//! Managed servers: a backend whose config has `launch = [program, args...]` is started by
//! Switchboard when nothing answers at its URL, and stopped when Switchboard stops.
//!
//! One task per distinct command (two backends may share a server), owned by the registry
//! like the monitors. The monitor sees the server as *starting* (and *loading* while llama.cpp
//! loads the model) and then *up*, so the desktop's "finished loading" notice covers it. A
//! managed server that exits on its own is logged and shown as down by the monitor; it is not
//! restarted behind the user's back.
//!
//! A started server's pid goes in `NAME.pid` beside its log. If Switchboard was killed and the
//! server outlived it, the next start finds it answering, recognises it by that pid and its
//! command line (`/proc/PID/cmdline`), and takes it back: it is stopped at quit like one we
//! started. A server that answers there but is not ours is left alone.
//!
//! One process owns the managed servers: the first to take [`owner_lock`] (a lock on
//! `servers.lock` in the state dir, held for the owner's life). A registry that cannot take it
//! (the tray app runs, and the CLI's `chat` starts) uses the servers as they run and never
//! starts, adopts or stops one; the CLI's `status`, `ping` and `watch` never even try.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio_util::sync::CancellationToken;

use crate::config::BackendConfig;
use crate::secret::redact_url;

/// How long a TCP connect to the server's port may take before we decide nothing listens.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// How long a stopped server gets to exit after SIGTERM-equivalent before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// One server to manage: the command and where it should answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Managed {
    /// The first backend's name that uses it (for logs).
    pub name: String,
    pub argv: Vec<String>,
    /// `host:port` it answers on.
    pub addr: String,
    pub shown_url: String,
}

/// The distinct managed servers of `backends`, in order.
pub fn managed(backends: &[BackendConfig]) -> Vec<Managed> {
    let mut out: Vec<Managed> = Vec::new();
    for b in backends {
        let Some(argv) = &b.launch else { continue };
        if out.iter().any(|m| &m.argv == argv) {
            continue;
        }
        let host = b.url.host_str().unwrap_or("127.0.0.1");
        let port = b.url.port_or_known_default().unwrap_or(80);
        out.push(Managed {
            name: b.name.clone(),
            argv: argv.clone(),
            addr: format!("{host}:{port}"),
            shown_url: redact_url(&b.url),
        });
    }
    out
}

fn state_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "switchboard")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.cache_dir()).to_path_buf();
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir)
}

/// A managed server's file: `$XDG_STATE_HOME/switchboard/<name>.<ext>` (or the cache dir):
/// `log` (its output, to diagnose a server that fails to start) and `pid`.
pub fn state_file(name: &str, ext: &str) -> Option<PathBuf> {
    Some(state_dir()?.join(format!("{}.{ext}", file_stem(name))))
}

/// A file name for a backend name: itself when it is plain ASCII, else its plain characters
/// and a hash of the whole name, so that two names never share a file (`큰` and `작은` would
/// both be `__` otherwise).
fn file_stem(name: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if !name.is_empty() && name.chars().all(plain) {
        return name.to_string();
    }
    let safe: String = name.chars().map(|c| if plain(c) { c } else { '_' }).take(32).collect();
    // FNV-1a: stable across runs and versions (std's hasher is not).
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{safe}-{hash:016x}")
}

/// The lock that makes this process the owner of the managed servers, while it holds it
/// (`None`: another process owns them, or the state dir cannot be written).
pub fn owner_lock() -> Option<std::fs::File> {
    let path = state_dir()?.join("servers.lock");
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).ok()?;
    match file.try_lock() {
        Ok(()) => Some(file),
        Err(e) => {
            tracing::info!("managed servers: {} is held by another Switchboard ({e})", path.display());
            None
        }
    }
}

/// The pid in `m`'s pid file, if that process runs `m`'s very command.
fn ours(m: &Managed) -> Option<u32> {
    let pid: u32 = std::fs::read_to_string(state_file(&m.name, "pid")?).ok()?.trim().parse().ok()?;
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let argv: Vec<&[u8]> = cmdline.strip_suffix(&[0]).unwrap_or(&cmdline).split(|b| *b == 0).collect();
    let same = argv.len() == m.argv.len() && argv.iter().zip(&m.argv).all(|(a, b)| *a == b.as_bytes());
    same.then_some(pid)
}

fn alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Stops a server we did not spawn in this run (adopted through its pid file): SIGTERM, then
/// SIGKILL after the grace period.
/// Before each signal the pid is checked again (it still runs `m`'s command), so a pid reused
/// by another process is never signalled.
async fn stop_adopted(m: &Managed, pid: u32) {
    if ours(m) != Some(pid) {
        return;
    }
    send_signal(pid, "-TERM").await;
    let deadline = tokio::time::Instant::now() + STOP_GRACE;
    while alive(pid) && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if alive(pid) && ours(m) == Some(pid) {
        send_signal(pid, "-KILL").await;
    }
    tracing::info!("{}: managed server (taken back from an earlier run) stopped", m.name);
}

async fn something_listens(addr: &str) -> bool {
    matches!(tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await, Ok(Ok(_)))
}

fn spawn(m: &Managed) -> std::io::Result<Child> {
    let (program, args) = m.argv.split_first().ok_or_else(|| std::io::Error::other("empty launch command"))?;
    let mut cmd = Command::new(program);
    cmd.args(args).stdin(Stdio::null()).kill_on_drop(true);
    match state_file(&m.name, "log").and_then(|p| std::fs::File::create(&p).ok().map(|f| (p, f))) {
        Some((path, file)) => {
            let err = file.try_clone()?;
            cmd.stdout(file).stderr(err);
            tracing::info!("{}: starting managed server (log {})", m.name, path.display());
        }
        None => {
            cmd.stdout(Stdio::null()).stderr(Stdio::null());
        }
    }
    let child = cmd.spawn()?;
    if let (Some(path), Some(pid)) = (state_file(&m.name, "pid"), child.id()) {
        if let Err(e) = std::fs::write(&path, pid.to_string()) {
            tracing::warn!("{}: cannot write {}: {e}", m.name, path.display());
        }
    }
    Ok(child)
}

fn forget_pid(m: &Managed) {
    if let Some(path) = state_file(&m.name, "pid") {
        let _gone_already = std::fs::remove_file(path);
    }
}

/// Sends `signal` (e.g. `-TERM`) to `pid` through `kill(1)`, so no unsafe code is needed. A
/// process that is already gone is not an error here.
async fn send_signal(pid: u32, signal: &str) {
    let _sent_or_gone = Command::new("kill").args([signal, &pid.to_string()]).status().await;
}

/// Asks the child to stop (SIGTERM), then kills it after a grace period; always reaps it.
async fn stop(name: &str, child: &mut Child) {
    if let Some(pid) = child.id() {
        send_signal(pid, "-TERM").await;
        if tokio::time::timeout(STOP_GRACE, child.wait()).await.is_ok() {
            tracing::info!("{name}: managed server stopped");
            return;
        }
    }
    let _already_gone = child.kill().await;
    tracing::info!("{name}: managed server killed");
}

/// Runs one managed server for the life of `cancel`: starts it if its port is free, waits,
/// and stops it on cancel. If something already answers there, leaves it alone.
pub async fn run(m: Managed, cancel: CancellationToken) {
    if something_listens(&m.addr).await {
        match ours(&m) {
            Some(pid) => {
                tracing::info!("{}: our server from an earlier run (pid {pid}) answers; taking it back", m.name);
                cancel.cancelled().await;
                stop_adopted(&m, pid).await;
                forget_pid(&m);
            }
            None => tracing::info!("{}: something already answers at {}; not starting it", m.name, m.shown_url),
        }
        return;
    }
    let mut child = match spawn(&m) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("{}: cannot start `{}`: {e}", m.name, m.argv[0]);
            return;
        }
    };
    tokio::select! {
        () = cancel.cancelled() => stop(&m.name, &mut child).await,
        status = child.wait() => match status {
            Ok(s) => tracing::warn!("{}: managed server exited ({s})", m.name),
            Err(e) => tracing::warn!("{}: managed server: {e}", m.name),
        },
    }
    forget_pid(&m);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_names_never_share_a_file() {
        assert_eq!(file_stem("big"), "big");
        assert_eq!(file_stem("small-1_b"), "small-1_b");
        let (a, b) = (file_stem("큰"), file_stem("작은"));
        assert_ne!(a, b);
        assert!(a.starts_with("_-") && a.is_ascii(), "{a}");
        assert_ne!(file_stem("a/b"), file_stem("a_b"));
        assert_ne!(file_stem(""), file_stem("_"));
    }
}
