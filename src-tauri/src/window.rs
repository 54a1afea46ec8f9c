//! The one window (chat and status views): this process's only window. Closing it ends the
//! process; the tray app (which started it) stays.

use std::process::ExitCode;

use switchboard_ipc::{Push, UiEvent, View};
use tauri::{AppHandle, Emitter, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

use crate::{client, commands};

pub const LABEL: &str = "main";

/// Builds the window on `view`.
pub fn build<R: Runtime>(app: &AppHandle<R>, view: View) -> tauri::Result<()> {
    let url = WebviewUrl::App(format!("index.html#{}", view.as_str()).into());
    WebviewWindowBuilder::new(app, LABEL, url)
        .title("Switchboard")
        .inner_size(960.0, 720.0)
        .min_inner_size(480.0, 400.0)
        .on_navigation(|url| {
            let stay = crate::links::stays_in_app(url);
            if !stay {
                tracing::warn!("window: navigation to {url} refused");
            }
            stay
        })
        .build()?;
    Ok(())
}

/// Brings the window forward on `view`.
fn show<R: Runtime>(app: &AppHandle<R>, view: View) -> tauri::Result<()> {
    let Some(w) = app.get_webview_window(LABEL) else { return Ok(()) };
    w.unminimize()?;
    w.show()?;
    w.set_focus()?;
    emit(app, UiEvent::Show(view))
}

/// Sends `event` to the web UI: its name, and its payload as the JavaScript expects it.
fn emit<R: Runtime>(app: &AppHandle<R>, event: UiEvent) -> tauri::Result<()> {
    app.emit(event.name(), event.payload()?)
}

/// Connects to the running tray app, shows the window and forwards the app's events to it.
/// Ends when the window is closed or the tray app quits.
pub fn run(view: View) -> ExitCode {
    let path = match switchboard_ipc::socket_path() {
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
                        Push::Emit { event } => emit(&handle, event),
                        Push::Show { view } => show(&handle, view),
                        _ => Ok(()),
                    };
                    if let Err(e) = done {
                        tracing::warn!("window: {e}");
                    }
                }
                handle.exit(0); // the tray app quit
            });
            Ok(())
        })
        .build(crate::context());
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
