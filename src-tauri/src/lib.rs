//! Switchboard's window (`switchboard-window [chat|status]`): the Tauri app that shows the chat
//! and status views. The tray app (`switchboard`, in `tray/`) starts it when the window opens;
//! closing the window ends it, and WebKit with it, so the tray app that stays all day never
//! carries a WebView. It talks to the tray app over a local socket
//! ([`switchboard_ipc`]).
//!
//! - [`window`]: the window, and the process's main loop.
//! - [`client`]: this end of the socket.
//! - [`commands`]: one request to the tray app each, errors turned into strings at this edge.
//! - [`markdown`]: model output rendered to sanitised HTML.

pub mod client;
pub mod commands;
pub mod markdown;
pub mod window;

use std::process::ExitCode;

use switchboard_ipc::View;

/// Runs the window until it is closed or the tray app quits.
pub fn run() -> ExitCode {
    switchboard_core::init_logging("warn", true);
    let view = std::env::args().nth(1);
    let view = match view.as_deref().map(View::parse) {
        None => View::Chat,
        Some(Some(v)) => v,
        Some(None) => {
            eprintln!("usage: switchboard-window [chat|status]");
            return ExitCode::from(2);
        }
    };
    window::run(view)
}
