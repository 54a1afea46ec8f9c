//! The wire between the desktop app's two processes: the tray app (`switchboard`: the core,
//! the tray, notifications; it never loads WebKit) and the window (`switchboard-window`: the
//! WebView, started when the window opens and gone when it closes). The WebView is most of
//! the app's memory, and WebKit keeps part of it for the life of a process that once showed
//! one, and loading WebKit's libraries at all costs a process some 25 MiB: hence two processes.
//!
//! One JSON object per line over a Unix socket in the user's runtime directory (the socket is
//! 0600 and the directory private: only this user can connect). The window sends [`Request`]s;
//! the engine answers each with a [`Push::Reply`] of the same id, streams a reply's events as
//! [`Push::Chat`] (then [`Push::ChatEnd`]) under the id of the request that started it, and
//! sends every window [`Push::Emit`] (events for the web UI) and [`Push::Show`] (the tray asked
//! for a view). The engine closing the socket (Quit) ends the window process.
//!
//! - [`call`]: what the window asks ([`Call`], [`Request`], [`View`]).
//! - [`answer`]: what each call is answered with ([`Answer`], [`Sent`]).
//! - [`error`]: why a call failed ([`WireError`], [`ErrorKind`]).
//! - [`push`]: everything the engine sends ([`Push`], [`UiEvent`]).
//! - [`socket`]: where the socket is, and the one blocking client (a second `switchboard`
//!   asking the running one to show its window).

pub mod answer;
pub mod call;
pub mod error;
pub mod push;
pub mod socket;

pub use answer::{Answer, Sent};
pub use call::{Call, Request, View};
pub use error::{ErrorKind, WireError};
pub use push::{Push, UiEvent};
pub use socket::{ask_to_open, engine_running, socket_path};

#[cfg(test)]
mod tests;
