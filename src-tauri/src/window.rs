//! The one window (chat and status views), in a process of its own.
//!
//! The engine (tray, core) never builds a WebView: "Open chat" starts `switchboard --window
//! VIEW`, which connects back over [`crate::ipc`] and shows the window; closing the window ends
//! that process, and with it WebKit and everything WebKit kept, so the tray app returns to its
//! tray-only footprint. While a window process is connected, opening a view asks it to show
//! that view instead.

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

use crate::ids::UiEvent;
pub use crate::ipc::View;
use crate::ipc::{self, Push};
use crate::{client, commands, Shell};

pub const LABEL: &str = "main";
/// How long a window process may take to end once the engine quits, before it is killed.
const QUIT_GRACE: Duration = Duration::from_secs(3);

/// In the engine: shows the window on `view`, starting the window process if none runs.
pub fn open(shell: &Arc<Shell>, view: View) -> std::io::Result<()> {
    if shell.pushes.receiver_count() > 0 {
        let _ = shell.pushes.send(Push::Show { view });
        return Ok(());
    }
    // One window process at a time: one that is starting shows its own view when it connects.
    if shell.window_running.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            shell.window_running.store(false, Ordering::SeqCst);
            return Err(e);
        }
    };
    let s = Arc::clone(shell);
    // Spawned inside the runtime (tokio's child reaper needs it), tracked: Quit waits for it.
    tauri::async_runtime::spawn(shell.tasks.track_future(async move {
        let spawned = tokio::process::Command::new(&exe).arg("--window").arg(view.as_str()).kill_on_drop(true).spawn();
        match spawned {
            Ok(mut child) => {
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
            }
            Err(e) => tracing::error!("cannot start the window process {}: {e}", exe.display()),
        }
        s.window_running.store(false, Ordering::SeqCst);
    }));
    Ok(())
}

/// In the window process: builds the window on `view`.
pub fn build<R: Runtime>(app: &AppHandle<R>, view: View) -> tauri::Result<()> {
    let url = WebviewUrl::App(format!("index.html#{}", view.as_str()).into());
    WebviewWindowBuilder::new(app, LABEL, url)
        .title("Switchboard")
        .inner_size(960.0, 720.0)
        .min_inner_size(480.0, 400.0)
        .build()?;
    Ok(())
}

/// In the window process: brings the window forward on `view`.
fn show<R: Runtime>(app: &AppHandle<R>, view: View) -> tauri::Result<()> {
    let Some(w) = app.get_webview_window(LABEL) else { return Ok(()) };
    w.unminimize()?;
    w.show()?;
    w.set_focus()?;
    w.emit(UiEvent::Show.as_str(), view.as_str())
}

/// The window process (`switchboard --window VIEW`): connects to the running engine, shows the
/// window and forwards the engine's events to it. Ends when the window is closed or the engine
/// quits.
pub fn run(view: View) -> ExitCode {
    let path = match ipc::socket_path() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let (engine, mut pushes) = match tauri::async_runtime::block_on(client::connect(&path)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: Switchboard is not running ({}: {e}); start it with `switchboard`", path.display());
            return ExitCode::from(1);
        }
    };
    let app = tauri::Builder::default()
        .manage(engine)
        .invoke_handler(commands::handler())
        .setup(move |app| {
            build(app.handle(), view)?;
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                while let Some(push) = pushes.recv().await {
                    let done = match push {
                        Push::Emit { event, payload } => handle.emit(&event, payload),
                        Push::Show { view } => show(&handle, view),
                        _ => Ok(()),
                    };
                    if let Err(e) = done {
                        tracing::warn!("window: {e}");
                    }
                }
                handle.exit(0); // the engine quit
            });
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        // Closing the window is the last window closing: the process exits.
        Ok(app) => {
            app.run(|_, _| {});
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot open the window: {e}");
            ExitCode::from(1)
        }
    }
}
