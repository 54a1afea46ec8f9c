//! The event hub: one task that selects over the core's channels and updates the tray, sends
//! notifications and sends events to the window, if one is open. A task of the shell's, stopped
//! with it.
//!
//! Notifications go to the desktop's notification server through notify-rust (on Linux that
//! is all tauri-plugin-notification does: this process does not link Tauri, whose WebKit
//! would cost it some 25 MiB).

use std::sync::Arc;
use std::time::Duration;

use switchboard_core::model::Lang;
use switchboard_core::{BackendStatus, Event, Level};
use switchboard_ipc::UiEvent;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use crate::tray::TrayCmd;
use crate::{tray, Shell};

/// Starts the hub, a task of the shell's.
pub fn spawn(shell: &Arc<Shell>) {
    shell.spawn(run(Arc::clone(shell)));
}

/// A thread that shows notifications one after another, in order (each is a blocking D-Bus
/// call); it ends when the sender is dropped.
fn notifier() -> std::sync::mpsc::Sender<(String, String)> {
    let (tx, rx) = std::sync::mpsc::channel::<(String, String)>();
    let spawned = std::thread::Builder::new().name("notifications".into()).spawn(move || {
        for (title, body) in rx {
            let mut n = notify_rust::Notification::new();
            n.appname("Switchboard").summary(&title);
            if !body.is_empty() {
                n.body(&body);
            }
            if let Err(e) = n.show() {
                tracing::warn!("notification {title:?}: {e}");
            }
        }
    });
    if let Err(e) = spawned {
        tracing::error!("no notifications: {e}");
    }
    tx
}

/// What the tray menu shows, to rebuild it only on change.
fn menu_lines(rows: &[BackendStatus], paused: bool, lang: Lang) -> Vec<String> {
    let mut v: Vec<String> = rows.iter().map(|r| tray::backend_line(r, lang)).collect();
    v.push(paused.to_string());
    v
}

async fn run(shell: Arc<Shell>) {
    let mut events = shell.engine().registry().subscribe();
    let mut snapshot = shell.engine().registry().watch();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut shown_level: Option<Level> = None;
    let mut shown_menu: Option<Vec<String>> = None;
    let notifications = notifier();
    for text in shell.engine().start_notices() {
        let _ = notifications.send(("Switchboard".to_string(), text));
    }
    loop {
        tokio::select! {
            ev = events.recv() => match ev {
                Ok(Event::Flip(flip)) => shell.flip(&flip, Instant::now()),
                Ok(Event::Server(change)) => shell.server(&change, Instant::now()),
                Ok(Event::Level(_)) => {}
                Ok(Event::Config(change)) => {
                    // A refused file is news (the user may think it applied); an applied one
                    // shows itself in the menu and the window.
                    if let Some(error) = &change.error {
                        let title = switchboard_core::i18n::config_refused(shell.lang());
                        let _ = notifications.send((title.to_string(), error.clone()));
                    }
                    shown_menu = None; // the language may have changed
                    shell.emit(|| UiEvent::Config(change));
                }
                Err(RecvError::Lagged(n)) => tracing::warn!("hub missed {n} events"),
                Err(RecvError::Closed) => return,
            },
            changed = snapshot.changed() => {
                if changed.is_err() {
                    return;
                }
                let rows = snapshot.borrow_and_update().clone();
                // Read each time: a reload may change them.
                let (scope, lang) = (shell.scope(), shell.lang());
                // The icon changes only with the level; the menu only with its text.
                let level = switchboard_core::tray::overall(&rows, scope);
                if shown_level != Some(level) && shell.tray(TrayCmd::Level(level)) {
                    shown_level = Some(level);
                }
                let paused = shell.paused();
                let lines = menu_lines(&rows, paused, lang);
                if shown_menu.as_ref() != Some(&lines) && shell.tray(TrayCmd::Menu { rows: rows.clone(), paused }) {
                    shown_menu = Some(lines);
                }
                shell.emit(|| UiEvent::Status(rows));
            }
            _ = tick.tick() => {
                let lang = shell.lang();
                for n in shell.due(Instant::now()) {
                    let (title, body) = n.text(lang);
                    let _ = notifications.send((title, body));
                }
            }
        }
    }
}
