//! Managed servers: a backend whose config has `launch = [program, args...]` is started by
//! Switchboard when nothing answers at its URL, and stopped when Switchboard stops.
//!
//! One task per distinct command (two backends may share a server), owned by the registry
//! like the monitors. The monitor sees the server as *starting* (and *loading* while llama.cpp
//! loads the model) and then *up*, so the desktop's "finished loading" notice covers it.
//!
//! A managed server that exits on its own (killed, crashed) is started again after a back-off
//! (1 s, 2 s, 4 s, ... at most 30 s), at most [`RESTART_LIMIT`] times in a row; a server that
//! then ran for [`STABLE_AFTER`] starts a new count. After the limit it is reported failed and
//! left alone. Each step is reported (a [`ServerState`]), for the status and one notification.
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
use crate::model::ServerState;
use crate::secret::redact_url;

/// At most this many restarts in a row.
pub const RESTART_LIMIT: u32 = 5;
/// A server that ran this long before it exited starts a new count of restarts.
pub const STABLE_AFTER: Duration = Duration::from_secs(600);
/// The first back-off; each next one doubles, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How often an adopted server (not our child) is checked for having exited.
const ADOPTED_CHECK: Duration = Duration::from_secs(1);

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
    crate::private::create_dir(&dir).ok()?;
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
    let file = crate::private::open_file(&path, false).ok()?;
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
    match state_file(&m.name, "log").and_then(|p| crate::private::open_file(&p, true).ok().map(|f| (p, f))) {
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
        if let Err(e) = crate::private::write(&path, pid.to_string().as_bytes()) {
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

/// The restart policy: after each exit, how long to wait before starting again, or `None`
/// when the limit is reached.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Restarts {
    /// Restarts in a row so far.
    attempt: u32,
    /// Restarts since launch.
    total: u32,
}

impl Restarts {
    /// The back-off before the next start, after a server that ran for `ran` exited.
    pub fn after_exit(&mut self, ran: Duration) -> Option<Duration> {
        if ran >= STABLE_AFTER {
            self.attempt = 0;
        }
        if self.attempt >= RESTART_LIMIT {
            return None;
        }
        self.attempt += 1;
        self.total += 1;
        Some(FIRST_BACKOFF.saturating_mul(1 << (self.attempt - 1).min(16)).min(MAX_BACKOFF))
    }

    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    pub fn total(&self) -> u32 {
        self.total
    }
}

/// Where a managed server's state changes go (the registry: status and events).
pub type Report = Box<dyn Fn(ServerState) + Send + Sync>;

/// Waits until adopted process `pid` is no longer `m`'s server.
async fn adopted_gone(m: &Managed, pid: u32) {
    let mut tick = tokio::time::interval(ADOPTED_CHECK);
    loop {
        tick.tick().await;
        // Gone, or its pid now belongs to another program.
        if ours(m) != Some(pid) {
            return;
        }
    }
}

/// Runs one managed server for the life of `cancel`: starts it if its port is free (or takes
/// back our own from an earlier run), starts it again when it exits (see [`Restarts`]), and
/// stops it on cancel. If something else already answers there, leaves it alone.
pub async fn run(m: Managed, cancel: CancellationToken, report: Report) {
    let mut restarts = Restarts::default();
    // Our server from an earlier run, answering or still loading its model (a second one
    // started beside it would only fight it for the port, and leave it running at shutdown).
    let earlier = ours(&m);
    if earlier.is_some() || something_listens(&m.addr).await {
        let Some(pid) = earlier else {
            tracing::info!("{}: something already answers at {}; not starting it", m.name, m.shown_url);
            return;
        };
        tracing::info!("{}: our server from an earlier run (pid {pid}) is running; taking it back", m.name);
        report(ServerState::Running { restarts: 0 });
        let started = tokio::time::Instant::now();
        tokio::select! {
            () = cancel.cancelled() => {
                stop_adopted(&m, pid).await;
                forget_pid(&m);
                return;
            }
            () = adopted_gone(&m, pid) => {
                forget_pid(&m);
                if !restart_after(&m, &mut restarts, started.elapsed(), "exited".into(), &cancel, &report).await {
                    return;
                }
            }
        }
    }
    loop {
        let started = tokio::time::Instant::now();
        let exit = match spawn(&m) {
            Ok(mut child) => {
                report(ServerState::Running { restarts: restarts.total() });
                tokio::select! {
                    () = cancel.cancelled() => {
                        stop(&m.name, &mut child).await;
                        forget_pid(&m);
                        return;
                    }
                    status = child.wait() => match status {
                        Ok(s) => s.to_string(),
                        Err(e) => e.to_string(),
                    },
                }
            }
            Err(e) => format!("cannot start `{}`: {e}", m.argv[0]),
        };
        forget_pid(&m);
        tracing::warn!("{}: managed server: {exit}", m.name);
        if !restart_after(&m, &mut restarts, started.elapsed(), exit, &cancel, &report).await {
            return;
        }
        if something_listens(&m.addr).await {
            tracing::warn!("{}: something else answers at {} now; not starting ours", m.name, m.shown_url);
            return;
        }
    }
}

/// After an exit: reports the restart and waits its back-off (true: start again), or reports
/// the server failed (false). False also when cancelled meanwhile.
async fn restart_after(
    m: &Managed,
    restarts: &mut Restarts,
    ran: Duration,
    exit: String,
    cancel: &CancellationToken,
    report: &Report,
) -> bool {
    let Some(after) = restarts.after_exit(ran) else {
        tracing::error!("{}: managed server exited {RESTART_LIMIT} times in a row; not starting it again", m.name);
        report(ServerState::Failed { restarts: restarts.total(), exit });
        return false;
    };
    let attempt = restarts.attempt();
    tracing::info!("{}: starting it again in {:.0} s ({attempt} of {RESTART_LIMIT})", m.name, after.as_secs_f64());
    let after_ms = u64::try_from(after.as_millis()).unwrap_or(u64::MAX);
    report(ServerState::Restarting { attempt, limit: RESTART_LIMIT, after_ms, exit });
    tokio::select! {
        () = cancel.cancelled() => false,
        () = tokio::time::sleep(after) => true,
    }
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

    #[test]
    fn restarts_back_off_then_give_up_and_a_stable_run_starts_a_new_count() {
        let mut r = Restarts::default();
        let quick = Duration::from_secs(2);
        let waits: Vec<u64> = (0..RESTART_LIMIT).filter_map(|_| r.after_exit(quick)).map(|d| d.as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16]);
        assert_eq!(r.after_exit(quick), None, "the limit holds");
        assert_eq!(r.after_exit(quick), None);
        // A server that ran long enough before it died is given a fresh count.
        assert_eq!(r.after_exit(STABLE_AFTER), Some(FIRST_BACKOFF));
        assert_eq!(r.total(), RESTART_LIMIT + 1);
    }
}
