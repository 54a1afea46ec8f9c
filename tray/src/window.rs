//! Opening the window: the tray app never builds a WebView. It starts `switchboard-window
//! VIEW`, which connects back over the socket ([`crate::server`]) and shows the window; closing
//! the window ends that process, and WebKit with it. While a window is connected, opening a
//! view asks it to show that view instead.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use switchboard_core::ipc::{Push, View};

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

/// Shows the window on `view`, starting the window process if none runs. Call within the
/// tokio runtime.
pub fn open(shell: &Arc<Shell>, view: View) -> std::io::Result<()> {
    if shell.pushes.receiver_count() > 0 {
        let _ = shell.pushes.send(Push::Show { view });
        return Ok(());
    }
    // One window process at a time: one that is starting shows its own view when it connects.
    if shell.window_running.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    let spawned = binary().and_then(|exe| {
        let child = tokio::process::Command::new(&exe).arg(view.as_str()).kill_on_drop(true).spawn();
        child.map_err(|e| std::io::Error::new(e.kind(), format!("cannot start {}: {e}", exe.display())))
    });
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            shell.window_running.store(false, Ordering::SeqCst);
            return Err(e);
        }
    };
    let s = Arc::clone(shell);
    tokio::spawn(shell.tasks.track_future(async move {
        tokio::select! {
            status = child.wait() => match status {
                Ok(st) if !st.success() => tracing::warn!("the window process ended: {st}"),
                Ok(_) => {}
                Err(e) => tracing::warn!("the window process: {e}"),
            },
            // Quit: the socket closes, which ends the window process; give it a moment.
            _ = s.cancel.cancelled() => {
                if tokio::time::timeout(QUIT_GRACE, child.wait()).await.is_err() {
                    let _ = child.kill().await;
                }
            }
        }
        s.window_running.store(false, Ordering::SeqCst);
    }));
    Ok(())
}
