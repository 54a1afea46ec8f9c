//! Switchboard's window (`switchboard-window [chat|status]`): the Tauri app that shows the chat
//! and status views. The tray app (`switchboard`, in `tray/`) starts it when the window opens;
//! closing the window ends it, and WebKit with it, so the tray app that stays all day never
//! carries a WebView. It talks to the tray app over a local socket
//! ([`switchboard_ipc`]).
//!
//! - [`window`]: the window, and the process's main loop.
//! - [`client`]: this end of the socket.
//! - [`commands`]: one typed request to the tray app each, errors turned into their message at
//!   this edge; the one list of them, kept in step by a test.
//! - [`markdown`]: model output rendered to sanitised HTML.
//! - [`links`]: the window never navigates away; a link opens in the browser on confirmation.

pub mod client;
pub mod commands;
mod keys;
pub mod links;
pub mod markdown;
mod save;
pub mod window;

use std::process::ExitCode;

use switchboard_ipc::View;

/// The Tauri context (config, assets, the ACL `build.rs` made): generated here, where
/// tauri.conf.json and the build script are, for the window and for tests that build the app
/// on a mock runtime.
pub fn context<R: tauri::Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Logs to stderr, at `warn` unless `RUST_LOG` says otherwise (like the tray app's).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

/// Runs the window until it is closed or the tray app quits.
pub fn run() -> ExitCode {
    // Before any thread starts; as the tray app does, for a window started without it.
    switchboard_ipc::env::without_gl();
    init_logging();
    let view = std::env::args().nth(1);
    let view = match view.as_deref().map(View::parse) {
        None => View::Chat,
        Some(Some(v)) => v,
        Some(None) => {
            eprintln!("usage: switchboard-window [chat|status|settings]");
            return ExitCode::from(2);
        }
    };
    window::run(view)
}
