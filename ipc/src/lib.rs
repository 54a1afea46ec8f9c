//! The wire between the desktop app's two processes: the tray app (`switchboard`: the core,
//! the tray, notifications; it never loads WebKit) and the window (`switchboard-window`: the
//! WebView, started when the window opens and gone when it closes). The WebView is most of
//! the app's memory, and WebKit keeps part of it for the life of a process that once showed
//! one, and loading WebKit's libraries at all costs a process some 25 MiB: hence two processes.
//!
//! One JSON object per line, each of bounded length ([`lines`]), over a Unix socket in a
//! private directory of the user's (0700, checked; the socket 0600); each end checks that the
//! other is the same user ([`socket`]). The window sends [`Request`]s;
//! the engine answers each with a [`Push::Reply`] of the same id, streams a reply's events as
//! [`Push::Chat`] (then [`Push::ChatEnd`]) under the id of the request that started it, and
//! sends every window [`Push::Emit`] (events for the web UI) and [`Push::Show`] (the tray asked
//! for a view). The engine closing the socket (Quit) ends the window process.
//!
//! - [`call`]: what the window asks ([`Call`], [`Request`], [`View`]).
//! - [`answer`]: what each call is answered with ([`Answer`], [`Sent`]).
//! - [`error`]: why a call failed ([`WireError`], [`ErrorKind`]).
//! - [`push`]: everything the engine sends ([`Push`], [`UiEvent`]).
//! - [`lines`]: reading lines with a bound.
//! - [`env`]: the environment both processes set for themselves (no GL).
//! - [`socket`]: where the socket is, who may be at its other end, and the one blocking client (a second `switchboard`
//!   asking the running one to show its window).

pub mod answer;
pub mod call;
pub mod env;
pub mod error;
pub mod lines;
pub mod push;
pub mod socket;

pub use answer::{Answer, Sent};
pub use call::{Call, Request, View};
pub use error::{ErrorKind, WireError};
pub use lines::{LineReader, MAX_CALL_LINE, MAX_PUSH_LINE};
pub use push::{Push, UiEvent};
pub use socket::{ask_to_open, check_peer, engine_running, my_uid, runtime_dir, socket_path};

#[cfg(test)]
mod tests;
