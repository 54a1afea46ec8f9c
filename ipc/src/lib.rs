//! The wire between the desktop app's two processes: the tray app (`switchboard`: the core,
//! the tray, notifications; it never loads WebKit) and the window (`switchboard-window`: the
//! WebView, started when the window opens and gone when it closes). The WebView is most of
//! the app's memory, and WebKit keeps part of it for the life of a process that once showed
//! one, and loading WebKit's libraries at all costs a process some 25 MiB: hence two processes.
//!
//! One JSON object per line over a Unix socket in the user's runtime directory (the socket is
//! 0600 and the directory private: only this user can connect). The window sends [`Request`]s; the engine answers each with a
//! [`Push::Reply`] of the same id, streams a reply's events as [`Push::Chat`] (then
//! [`Push::ChatEnd`]) under the id of the request that started it, and sends every window
//! [`Push::Emit`] (events for the web UI) and [`Push::Show`] (the tray asked for a view).
//! The engine closing the socket (Quit) ends the window process.

use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Events for the web UI (the name it listens to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiEvent {
    /// Every backend's status (a `Vec<BackendStatus>`), on each change.
    Status,
    /// A health flip.
    Flip,
    /// The tray asked the window to show a view (`"chat"` or `"status"`).
    Show,
}

impl UiEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            UiEvent::Status => "status",
            UiEvent::Flip => "flip",
            UiEvent::Show => "show",
        }
    }
}

/// Which view the window shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    Chat,
    Status,
}

impl View {
    pub fn as_str(self) -> &'static str {
        match self {
            View::Chat => "chat",
            View::Status => "status",
        }
    }

    pub fn parse(s: &str) -> Option<View> {
        [View::Chat, View::Status].into_iter().find(|v| v.as_str() == s)
    }
}

/// What a window (or a second `switchboard`) asks of the engine: one per UI command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Call {
    Status,
    History {
        name: String,
    },
    CheckNow,
    /// Answered with the reply's ids; its events follow as [`Push::Chat`].
    SendMessage {
        conversation: Option<i64>,
        text: String,
    },
    StopReply {
        reply: i64,
    },
    /// Like `SendMessage`.
    Retry {
        conversation: i64,
    },
    Conversations,
    Messages {
        conversation: i64,
    },
    RenameConversation {
        conversation: i64,
        title: String,
    },
    DeleteConversation {
        conversation: i64,
    },
    SetPaused {
        paused: bool,
    },
    Locale,
    /// Show the window on `view` (from a second `switchboard` started while one runs).
    Open {
        view: View,
    },
    /// "This connection is a window": the engine sends it UI events from now on. A window
    /// process's first request.
    Window,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: u64,
    pub call: Call,
}

/// What the engine sends a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Push {
    /// The answer to request `id`.
    Reply { id: u64, result: Result<Value, String> },
    /// One event (a `ChatEvent`) of the reply that request `id` started.
    Chat { id: u64, event: Value },
    /// That reply's events are over.
    ChatEnd { id: u64 },
    /// An event for the web UI: its name and payload.
    Emit { event: String, payload: Value },
    /// The tray asked for a view.
    Show { view: View },
}

/// The socket: `$XDG_RUNTIME_DIR/switchboard.sock`, else a 0700 directory of this user's in
/// the temp dir (refused if someone else owns it).
pub fn socket_path() -> io::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join("switchboard.sock"));
    }
    let uid = std::fs::metadata("/proc/self")?.uid();
    let dir = std::env::temp_dir().join(format!("switchboard-{uid}"));
    match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let meta = std::fs::symlink_metadata(&dir)?;
    if !meta.is_dir() || meta.uid() != uid || meta.permissions().mode() & 0o077 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{} is not a private directory of this user", dir.display()),
        ));
    }
    Ok(dir.join("switchboard.sock"))
}

/// Whether an engine answers at `path`: the socket of a running Switchboard.
pub fn engine_running(path: &Path) -> bool {
    std::os::unix::net::UnixStream::connect(path).is_ok()
}

/// Asks the running engine at `path` to show the window on `view` (a second `switchboard`).
pub fn ask_to_open(path: &Path, view: View) -> io::Result<()> {
    use std::io::{BufRead, Write};
    let mut stream = std::os::unix::net::UnixStream::connect(path)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
    let mut line = serde_json::to_vec(&Request { id: 0, call: Call::Open { view } }).map_err(io::Error::other)?;
    line.push(b'\n');
    stream.write_all(&line)?;
    // Wait for the answer: the request was handled, not just written.
    let mut reader = std::io::BufReader::new(stream);
    loop {
        let mut answer = String::new();
        if reader.read_line(&mut answer)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "Switchboard closed the connection"));
        }
        if let Ok(Push::Reply { id: 0, result }) = serde_json::from_str(&answer) {
            return result.map(drop).map_err(io::Error::other);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_pushes_round_trip_as_json_lines() {
        let req = Request { id: 7, call: Call::SendMessage { conversation: None, text: "hi\nthere".into() } };
        let line = serde_json::to_string(&req).unwrap();
        assert!(!line.contains('\n'), "{line}");
        assert_eq!(serde_json::from_str::<Request>(&line).unwrap(), req);
        assert_eq!(serde_json::from_str::<Request>(r#"{"id":1,"call":{"cmd":"locale"}}"#).unwrap().call, Call::Locale);
        for push in [
            Push::Reply { id: 1, result: Ok(serde_json::json!([1, 2])) },
            Push::Reply { id: 2, result: Err("no such backend: x".into()) },
            Push::Show { view: View::Status },
            Push::ChatEnd { id: 3 },
        ] {
            let line = serde_json::to_string(&push).unwrap();
            assert_eq!(serde_json::from_str::<Push>(&line).unwrap(), push);
        }
        assert_eq!(View::parse("status"), Some(View::Status));
        assert_eq!(View::parse("nope"), None);
    }
}
