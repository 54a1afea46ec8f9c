//! The tray app's end of the socket the window talks to (the wire is
//! [`switchboard_ipc`]): each request is one call into the core; a reply's events and
//! the UI events are pushed back.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use switchboard_ipc::{Call, Push, Request, UiEvent};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{broadcast, mpsc};

use crate::Shell;

/// Binds the tray app's socket, replacing a stale one (nothing answers there). Call after
/// [`switchboard_ipc::engine_running`] said no.
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

/// Accepts windows (and a second `switchboard` asking for one) until the shell is cancelled.
pub async fn serve(shell: Arc<Shell>, listener: UnixListener) {
    loop {
        tokio::select! {
            _ = shell.cancel.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let s = Arc::clone(&shell);
                    tokio::spawn(shell.tasks.track_future(connection(s, stream)));
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
    let peer = stream.peer_cred().ok().and_then(|c| c.pid()).and_then(|p| u32::try_from(p).ok());
    let mut window = WindowGuard { shell: Arc::clone(&shell), pid: peer, attached: false };
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
                            window.attach();
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

/// A connected window's pid in [`Shell::windows`], from its `Window` request until the
/// connection ends.
struct WindowGuard {
    shell: Arc<Shell>,
    pid: Option<u32>,
    attached: bool,
}

impl WindowGuard {
    fn attach(&mut self) {
        if let (Some(pid), false) = (self.pid, self.attached) {
            self.shell.windows.lock().unwrap_or_else(|p| p.into_inner()).push(pid);
            self.attached = true;
        }
    }
}

impl Drop for WindowGuard {
    fn drop(&mut self) {
        if let (Some(pid), true) = (self.pid, self.attached) {
            let mut windows = self.shell.windows.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(i) = windows.iter().position(|&w| w == pid) {
                windows.swap_remove(i);
            }
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
            tokio::spawn(shell.tasks.track_future(async move {
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
    tokio::spawn(shell.tasks.track_future(async move {
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
