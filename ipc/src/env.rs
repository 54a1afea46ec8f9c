//! The environment both desktop processes run with, set by each one itself so that a window
//! started without the tray app (by tauri-driver in the end-to-end tests, or by hand) paints the
//! same way as the one the tray app starts.

/// No GL anywhere: the chat page does not need it, and a GL stack (Mesa, and LLVM with software
/// GL) is the biggest single cost measured by scripts/bench-footprint.sh. WebKit's accelerated
/// compositing put it in the web process (window open: 284 -> 215 MiB PSS), with Skia's GPU
/// painting threads (one crashed the web process in the end-to-end tests, 2026-12-06, in a
/// window that had not set this); GDK's GL probing put it in the tray app.
pub const WITHOUT_GL: [(&str, &str); 2] = [("WEBKIT_DISABLE_COMPOSITING_MODE", "1"), ("GDK_GL", "disable")];

/// Sets [`WITHOUT_GL`], except a variable the user set: call it first in `main`, before any
/// thread starts (C code, GTK's and WebKit's, reads the environment with `getenv`, which no
/// lock of Rust's guards). The window process inherits the tray app's.
pub fn without_gl() {
    for (var, value) in WITHOUT_GL {
        if std::env::var_os(var).is_none() {
            std::env::set_var(var, value);
        }
    }
}
