//! The event hub: one task that selects over the core's channels and updates the tray, sends
//! notifications and emits to the web UI. Stopped by the shell's cancellation token.

use std::sync::Arc;
use std::time::Duration;

use switchboard_core::router::prompt::Lang;
use switchboard_core::{BackendStatus, Event, Level};
use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use crate::ids::UiEvent;
use crate::{ipc, tray, Shell};

/// Starts the hub on Tauri's runtime, tracked by the shell.
pub fn spawn<R: Runtime>(app: AppHandle<R>, shell: Arc<Shell>) {
    let tracked = shell.tasks.track_future(run(app, Arc::clone(&shell)));
    tauri::async_runtime::spawn(tracked);
}

/// What the tray menu shows, to rebuild it only on change.
fn menu_lines(rows: &[BackendStatus], paused: bool, lang: Lang) -> Vec<String> {
    let mut v: Vec<String> = rows.iter().map(|r| tray::backend_line(r, lang)).collect();
    v.push(paused.to_string());
    v
}

async fn run<R: Runtime>(app: AppHandle<R>, shell: Arc<Shell>) {
    let mut events = shell.registry.subscribe();
    let mut snapshot = shell.registry.watch();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut shown_level: Option<Level> = None;
    let mut shown_menu: Option<Vec<String>> = None;
    loop {
        tokio::select! {
            _ = shell.cancel.cancelled() => return,
            ev = events.recv() => match ev {
                Ok(Event::Flip(flip)) => {
                    shell.notifier.lock().unwrap_or_else(|p| p.into_inner()).flip(&flip, Instant::now());
                    ipc::emit(&shell.pushes, UiEvent::Flip, &flip);
                }
                Ok(Event::Level(_)) => {}
                Err(RecvError::Lagged(n)) => tracing::warn!("hub missed {n} events"),
                Err(RecvError::Closed) => return,
            },
            changed = snapshot.changed() => {
                if changed.is_err() {
                    return;
                }
                let rows = snapshot.borrow_and_update().clone();
                // The icon changes only with the level; the menu only with its text.
                let level = switchboard_core::tray::overall(&rows, shell.scope);
                if shown_level != Some(level) {
                    match tray::set_level(&app, level, shell.lang) {
                        Ok(()) => shown_level = Some(level),
                        Err(e) => tracing::warn!("tray icon: {e}"),
                    }
                }
                let lines = menu_lines(&rows, shell.paused.load(std::sync::atomic::Ordering::SeqCst), shell.lang);
                if shown_menu.as_ref() != Some(&lines) {
                    match tray::refresh(&app, &shell, &rows) {
                        Ok(()) => shown_menu = Some(lines),
                        Err(e) => tracing::warn!("tray menu: {e}"),
                    }
                }
                ipc::emit(&shell.pushes, UiEvent::Status, &rows);
            }
            _ = tick.tick() => {
                let due = shell.notifier.lock().unwrap_or_else(|p| p.into_inner()).poll(Instant::now());
                for n in due {
                    let (title, body) = match shell.lang {
                        Lang::En => n.text_en(),
                        Lang::Ko => n.text_ko(),
                    };
                    let mut b = app.notification().builder().title(&title);
                    if !body.is_empty() {
                        b = b.body(&body);
                    }
                    if let Err(e) = b.show() {
                        tracing::warn!("notification {title:?}: {e}");
                    }
                }
            }
        }
    }
}
