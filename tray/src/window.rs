//! Opening the window: the tray app never builds a WebView. It starts `switchboard-window
//! VIEW`, which connects back over the socket ([`crate::server`]) and shows the window; closing
//! the window ends that process, and WebKit with it. While a window runs, opening a view asks
//! it to show that view instead.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use switchboard_ipc::{Push, View};

use crate::Shell;

/// How long the window process may take to end once the tray app quits, before it is killed.
const QUIT_GRACE: Duration = Duration::from_secs(3);

/// The window's binary: `$SWITCHBOARD_WINDOW_BIN`, else `switchboard-window` beside ours.
pub fn binary() -> std::io::Result<PathBuf> {
    if let Some(p) = std::env::var_os("SWITCHBOARD_WINDOW_BIN").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe()?;
    Ok(exe.with_file_name("switchboard-window"))
}

/// Whether process `pid` runs (has not exited: a zombie waiting to be reaped has).
fn alive(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
    // "PID (comm) S ...": the state follows the last ')' (comm may hold anything).
    let state = stat.rfind(')').and_then(|i| stat[i + 1..].split_whitespace().next());
    !matches!(state, None | Some("Z") | Some("X"))
}

/// Shows the window on `view`, starting the window process if none runs. Call within the
/// tokio runtime.
pub(crate) fn open(shell: &Arc<Shell>, view: View) -> std::io::Result<()> {
    let mut windows = shell.lock_windows();
    // A window that runs shows the view (ours, still starting, opens on its own view). Asked
    // by pid, not by connection: a window that has just exited, its socket not yet seen
    // closed, must not swallow the request.
    let running = windows.ours.iter().chain(windows.connected.iter()).any(|&pid| alive(pid));
    if running {
        shell.push(Push::Show { view });
        return Ok(());
    }
    let exe = binary()?;
    let mut child = tokio::process::Command::new(&exe)
        .arg(view.as_str())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot start {}: {e}", exe.display())))?;
    let pid = child.id();
    windows.ours = pid;
    drop(windows);
    let s = Arc::clone(shell);
    shell.spawn_until_cancelled(async move {
        tokio::select! {
            status = child.wait() => match status {
                Ok(st) if !st.success() => tracing::warn!("the window process ended: {st}"),
                Ok(_) => {}
                Err(e) => tracing::warn!("the window process: {e}"),
            },
            // Quit: the socket closes, which ends the window process; give it a moment.
            _ = s.cancelled() => {
                if tokio::time::timeout(QUIT_GRACE, child.wait()).await.is_err() {
                    let _ = child.kill().await;
                }
            }
        }
        let mut windows = s.lock_windows();
        if windows.ours == pid {
            windows.ours = None; // not a newer one started after this one had exited
        }
    });
    Ok(())
}
