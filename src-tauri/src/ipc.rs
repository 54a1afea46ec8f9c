//! The local socket between the engine (tray, core, notifications: the process that stays)
//! and the window process (the WebView: started when the window opens, gone when it closes).
//!
//! The WebView is most of the app's memory, and WebKit keeps part of it for the life of the
//! process that once showed one (its network process, its library pages, its heap). Keeping it
//! in a process of its own is what lets the tray app return to its tray-only footprint.
//!
//! One JSON object per line over a Unix socket in the user's runtime directory (mode 0700: only
//! this user can connect). The window sends [`Request`]s; the engine answers each with a
//! [`Push::Reply`] of the same id, streams a reply's events as [`Push::Chat`] (then
//! [`Push::ChatEnd`]) under the id of the request that started it, and sends every window
//! [`Push::Emit`] (events for the web UI) and [`Push::Show`] (the tray asked for a view).
//! The engine closing the socket (Quit) ends the window process.

use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{broadcast, mpsc};

use crate::ids::UiEvent;
use crate::Shell;

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

/// Binds the engine's socket, replacing a stale one (nothing answers there). Call after
/// [`engine_running`] said no.
pub fn bind(path: &Path) -> io::Result<UnixListener> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let listener = UnixListener::bind(path)?;
    // Only this user may connect (the runtime directory is private too).
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

/// The engine's side: accepts windows until the shell is cancelled.
pub async fn serve(shell: Arc<Shell>, listener: UnixListener) {
    loop {
        tokio::select! {
            _ = shell.cancel.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let s = Arc::clone(&shell);
                    tauri::async_runtime::spawn(shell.tasks.track_future(connection(s, stream)));
                }
                Err(e) => tracing::warn!("window socket: {e}"),
            },
        }
    }
}

/// One connection: requests in; answers, reply events and (once it said it is a window) UI
/// events out. Ends when the peer goes away or the shell stops, closing the socket, which ends
/// a window process.
async fn connection(shell: Arc<Shell>, stream: UnixStream) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let (tx, mut own) = mpsc::unbounded_channel::<Push>();
    let mut ui: Option<broadcast::Receiver<Push>> = None;
    loop {
        // Every branch is cancel safe (Lines::next_line, mpsc and broadcast recv).
        let push = tokio::select! {
            _ = shell.cancel.cancelled() => return,
            line = lines.next_line() => {
                match line {
                    Ok(Some(line)) => match serde_json::from_str::<Request>(&line) {
                        Ok(Request { id, call: Call::Window }) => {
                            ui = Some(shell.pushes.subscribe());
                            Push::Reply { id, result: Ok(Value::Null) }
                        }
                        Ok(req) => {
                            handle(&shell, req, &tx);
                            continue;
                        }
                        // Answered when it has an id (a window of another version, say), so
                        // that no call waits for ever.
                        Err(e) => match serde_json::from_str::<Value>(&line).ok().and_then(|v| v["id"].as_u64()) {
                            Some(id) => Push::Reply { id, result: Err(format!("a request this Switchboard does not know: {e}")) },
                            None => {
                                tracing::warn!("window socket: a line that is not a request: {e}");
                                continue;
                            }
                        },
                    },
                    _ => return, // closed, or not UTF-8
                }
            }
            Some(p) = own.recv() => p,
            p = recv_ui(&mut ui) => match p {
                Ok(p) => p,
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!("a window missed {n} UI events");
                    continue;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
        };
        let Ok(mut line) = serde_json::to_vec(&push) else { continue };
        line.push(b'\n');
        if write.write_all(&line).await.is_err() {
            return;
        }
    }
}

async fn recv_ui(ui: &mut Option<broadcast::Receiver<Push>>) -> Result<Push, broadcast::error::RecvError> {
    match ui {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

fn to_value<T: Serialize>(v: T) -> Result<Value, String> {
    serde_json::to_value(v).map_err(|e| e.to_string())
}

/// Ids of a reply under way.
#[derive(Debug, Serialize)]
pub struct Sent {
    pub conversation_id: i64,
    pub user_message_id: i64,
    pub reply_message_id: i64,
}

/// Answers one request (one call into the core), on `tx` in order: a reply's ids before its
/// events. Calls that wait (Check now) run in a task of their own.
fn handle(shell: &Arc<Shell>, req: Request, tx: &mpsc::UnboundedSender<Push>) {
    let id = req.id;
    let answer = |result: Result<Value, String>| {
        let _ = tx.send(Push::Reply { id, result });
    };
    match req.call {
        Call::Status => answer(to_value(shell.registry.snapshot())),
        Call::History { name } => answer(shell.registry.history(&name).map_err(|e| e.to_string()).and_then(to_value)),
        Call::CheckNow => {
            let (s, tx) = (Arc::clone(shell), tx.clone());
            tauri::async_runtime::spawn(shell.tasks.track_future(async move {
                let rows = s.registry.status(true).await;
                let _ = tx.send(Push::Reply { id, result: to_value(rows) });
            }));
        }
        Call::SendMessage { conversation, text } => {
            stream_reply(shell, id, shell.router.send(conversation, &text), tx);
        }
        Call::Retry { conversation } => stream_reply(shell, id, shell.router.retry(conversation), tx),
        Call::StopReply { reply } => answer(to_value(shell.router.stop(reply))),
        Call::Conversations => {
            answer(shell.router.store().conversations().map_err(|e| e.to_string()).and_then(to_value))
        }
        Call::Messages { conversation } => {
            answer(shell.router.store().messages(conversation).map_err(|e| e.to_string()).and_then(to_value))
        }
        Call::RenameConversation { conversation, title } => {
            answer(shell.router.store().rename(conversation, &title).map_err(|e| e.to_string()).and_then(to_value))
        }
        Call::DeleteConversation { conversation } => {
            answer(shell.router.store().delete(conversation).map_err(|e| e.to_string()).and_then(to_value))
        }
        Call::SetPaused { paused } => {
            shell.set_paused(paused);
            answer(Ok(Value::Null))
        }
        Call::Locale => answer(to_value(shell.lang)), // "en" | "ko"
        Call::Open { view } => answer(crate::window::open(shell, view).map_err(|e| e.to_string()).and_then(to_value)),
        Call::Window => {} // taken by the connection itself
    }
}

/// Answers with the reply's ids, then forwards its events until it ends. The reply is written
/// to the store whether or not a window still listens.
fn stream_reply(
    shell: &Arc<Shell>,
    id: u64,
    reply: Result<switchboard_core::router::Reply, switchboard_core::router::RouterError>,
    tx: &mpsc::UnboundedSender<Push>,
) {
    let reply = match reply {
        Ok(r) => r,
        Err(e) => {
            let _ = tx.send(Push::Reply { id, result: Err(e.to_string()) });
            return;
        }
    };
    let sent = Sent {
        conversation_id: reply.conversation_id,
        user_message_id: reply.user_message_id,
        reply_message_id: reply.reply_message_id,
    };
    let _ = tx.send(Push::Reply { id, result: to_value(sent) });
    let (tx, mut events) = (tx.clone(), reply.events);
    tauri::async_runtime::spawn(shell.tasks.track_future(async move {
        while let Some(ev) = events.recv().await {
            let Ok(event) = serde_json::to_value(&ev) else { continue };
            if tx.send(Push::Chat { id, event }).is_err() {
                return; // the window went away
            }
        }
        let _ = tx.send(Push::ChatEnd { id });
    }));
}

/// Sends an event for the web UI to every window (nothing is serialised when none is open).
pub fn emit<T: Serialize>(pushes: &broadcast::Sender<Push>, event: UiEvent, payload: &T) {
    if pushes.receiver_count() == 0 {
        return;
    }
    match serde_json::to_value(payload) {
        Ok(payload) => {
            let _ = pushes.send(Push::Emit { event: event.as_str().to_string(), payload });
        }
        Err(e) => tracing::warn!("emit {}: {e}", event.as_str()),
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
