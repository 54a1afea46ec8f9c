//! The tray app's end of the socket the window talks to (the wire is
//! [`switchboard_ipc`]): each request is one call into the core, or one [`Action`]; a
//! reply's events and the UI events are pushed back. Core errors become [`WireError`]s here.

use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use switchboard_core::chat::StoreError;
use switchboard_core::registry::RegistryError;
use switchboard_core::router::{Reply, RouterError};
use switchboard_ipc::{Answer, Call, ErrorKind, LineReader, Push, Request, Sent, WireError, MAX_CALL_LINE};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{broadcast, mpsc, Semaphore};

use crate::{Action, ActionError, Outcome, Shell};

/// At most this many connections at once (a window or two, a second `switchboard` asking
/// for one); more are closed at once.
const MAX_CONNECTIONS: usize = 32;
/// A peer that does not take a line within this time is disconnected.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// After a failed accept (at the file limit, say), wait this long, doubling up to the max.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(2);

/// The socket file this process bound: removed when dropped, only if it is still the same
/// file (another process's socket at that path is never removed).
#[derive(Debug)]
pub struct SocketFile {
    path: PathBuf,
    /// Device and inode of the file we bound.
    id: (u64, u64),
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        let same = std::fs::symlink_metadata(&self.path).is_ok_and(|m| (m.dev(), m.ino()) == self.id);
        if same {
            let _gone_already = std::fs::remove_file(&self.path);
        }
    }
}

/// Binds the tray app's socket, replacing a stale one. Call only while holding the instance
/// lock (see [`crate::instance`]): then no other Switchboard's socket can be at `path`. The
/// directory is private ([`switchboard_ipc::runtime_dir`]), so the socket is private from the
/// moment it exists; it is made 0600 too.
pub fn bind(path: &Path) -> io::Result<(UnixListener, SocketFile)> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let listener = UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    let meta = std::fs::symlink_metadata(path)?;
    Ok((listener, SocketFile { path: path.to_path_buf(), id: (meta.dev(), meta.ino()) }))
}

/// Accepts windows (and a second `switchboard` asking for one) in a task of the shell's,
/// until it stops.
pub fn spawn(shell: &Arc<Shell>, listener: UnixListener) {
    shell.spawn(serve(Arc::clone(shell), listener));
}

async fn serve(shell: Arc<Shell>, listener: UnixListener) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut backoff = ACCEPT_BACKOFF;
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                backoff = ACCEPT_BACKOFF;
                let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
                    tracing::warn!("window socket: {MAX_CONNECTIONS} connections already; one more closed");
                    continue;
                };
                match stream.peer_cred().map(|c| c.uid()).and_then(switchboard_ipc::check_peer) {
                    Ok(()) => {}
                    Err(e) => {
                        tracing::warn!("window socket: refused: {e}");
                        continue;
                    }
                }
                let shell2 = Arc::clone(&shell);
                shell.spawn(async move {
                    connection(shell2, stream).await;
                    drop(slot);
                });
            }
            Err(e) => {
                // EMFILE and the like: the condition does not clear by itself at once, and
                // retrying in a tight loop would starve everything else.
                tracing::warn!("window socket: accept: {e}; again in {} ms", backoff.as_millis());
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
            }
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
    let mut lines = LineReader::new(BufReader::new(read), MAX_CALL_LINE);
    let (tx, mut own) = mpsc::unbounded_channel::<Push>();
    // Dropped when the peer ends its side: what is still being answered is then written, and
    // the connection ends when the last answer has gone out.
    let mut tx = Some(tx);
    let mut ui: Option<broadcast::Receiver<Push>> = None;
    loop {
        // Every branch is cancel safe (LineReader::next_line, mpsc and broadcast recv).
        let push = tokio::select! {
            line = lines.next_line(), if tx.is_some() => {
                match line {
                    Ok(Some(line)) => match serde_json::from_str::<Request>(&line) {
                        Ok(Request { id, call: Call::Window }) => {
                            ui = Some(shell.subscribe());
                            window.attach();
                            Push::Reply { id, result: Ok(Answer::Done) }
                        }
                        Ok(req) => {
                            if let Some(tx) = &tx {
                                handle(&shell, req, tx);
                            }
                            continue;
                        }
                        // Answered when it has an id (a window of another version, say), so
                        // that no call waits for ever.
                        Err(e) => match serde_json::from_str::<Value>(&line).ok().and_then(|v| v["id"].as_u64()) {
                            Some(id) => {
                                let message = format!("a request this Switchboard does not know: {e}");
                                Push::Reply { id, result: Err(WireError::new(ErrorKind::Unknown, message)) }
                            }
                            None => {
                                tracing::warn!("window socket: a line that is not a request: {e}");
                                continue;
                            }
                        },
                    },
                    Ok(None) => {
                        tx = None;
                        continue;
                    }
                    Err(e) => {
                        tracing::warn!("window socket: {e}; connection closed");
                        return;
                    }
                }
            }
            p = own.recv() => match p {
                Some(p) => p,
                None => return, // the peer is done and everything is answered
            },
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
        // A peer that stops reading is let go, not waited for.
        if !matches!(tokio::time::timeout(WRITE_TIMEOUT, write.write_all(&line)).await, Ok(Ok(()))) {
            return;
        }
    }
}

/// A connected window's pid in [`crate::Windows::connected`], from its `Window` request until
/// the connection ends.
struct WindowGuard {
    /// Whose window list it is in.
    shell: Arc<Shell>,
    /// The peer's pid (SO_PEERCRED), when the kernel gave it.
    pid: Option<u32>,
    /// Whether the pid was added (the peer said it is a window), so is to be removed.
    attached: bool,
}

impl WindowGuard {
    fn attach(&mut self) {
        if let (Some(pid), false) = (self.pid, self.attached) {
            self.shell.lock_windows().connected.push(pid);
            self.attached = true;
        }
    }
}

impl Drop for WindowGuard {
    fn drop(&mut self) {
        if let (Some(pid), true) = (self.pid, self.attached) {
            let connected = &mut self.shell.lock_windows().connected;
            if let Some(i) = connected.iter().position(|&w| w == pid) {
                connected.swap_remove(i);
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

/// A core error at the wire: its kind, and its message as the core words it.
fn wire(kind: ErrorKind, e: impl std::fmt::Display) -> WireError {
    WireError::new(kind, e.to_string())
}

fn store_error(e: StoreError) -> WireError {
    match e {
        StoreError::NoConversation(_) | StoreError::NoMessage(_) => wire(ErrorKind::NotFound, e),
        _ => wire(ErrorKind::Failed, e),
    }
}

fn registry_error(e: RegistryError) -> WireError {
    match e {
        RegistryError::UnknownBackend(_) => wire(ErrorKind::NotFound, e),
        _ => wire(ErrorKind::Failed, e),
    }
}

fn router_error(e: RouterError) -> WireError {
    match e {
        RouterError::Empty | RouterError::NothingToRetry(_) => wire(ErrorKind::Invalid, e),
        RouterError::UnknownBackend(_) => wire(ErrorKind::NotFound, e),
        RouterError::Store(e) => store_error(e),
    }
}

fn action_error(e: ActionError) -> WireError {
    match e {
        // The io error's own words, as before the action had a type of its own.
        ActionError::Open(e) | ActionError::Autostart(e) => wire(ErrorKind::Failed, e),
    }
}

/// Answers one request (one call into the core, or an action), on `tx` in order: a reply's
/// ids before its events. Actions run in a task of their own (Check now waits).
fn handle(shell: &Arc<Shell>, req: Request, tx: &mpsc::UnboundedSender<Push>) {
    let id = req.id;
    let answer = |result: Result<Answer, WireError>| {
        let _ = tx.send(Push::Reply { id, result });
    };
    let (registry, router, store) = (shell.engine().registry(), shell.engine().router(), shell.engine().store());
    let action = match req.call {
        Call::Status => return answer(Ok(Answer::Statuses(registry.snapshot()))),
        Call::History { name, span_secs } => {
            let points = match span_secs {
                Some(s) => registry.history_range(&name, std::time::Duration::from_secs(s)),
                None => registry.history(&name),
            };
            return answer(points.map(Answer::History).map_err(registry_error));
        }
        Call::SendMessage { conversation, text } => {
            return stream_reply(shell, id, router.send(conversation, &text), tx)
        }
        Call::Retry { conversation } => return stream_reply(shell, id, router.retry(conversation), tx),
        Call::Regenerate { conversation } => return stream_reply(shell, id, router.regenerate(conversation), tx),
        Call::EditMessage { conversation, message, text } => {
            return stream_reply(shell, id, router.edit(conversation, message, &text), tx)
        }
        Call::StopReply { reply } => return answer(Ok(Answer::Stopped(router.stop(reply)))),
        Call::SetConversationBackend { conversation, backend } => {
            return answer(
                router.set_backend(conversation, backend.as_deref()).map(|()| Answer::Done).map_err(router_error),
            )
        }
        Call::Conversations => return answer(store.conversations().map(Answer::Conversations).map_err(store_error)),
        Call::Messages { conversation } => {
            return answer(store.messages(conversation).map(Answer::Messages).map_err(store_error))
        }
        Call::RenameConversation { conversation, title } => {
            return answer(store.rename(conversation, &title).map(|()| Answer::Done).map_err(store_error))
        }
        Call::DeleteConversation { conversation } => {
            return answer(store.delete(conversation).map(|()| Answer::Done).map_err(store_error))
        }
        Call::Locale => return answer(Ok(Answer::Locale(shell.lang()))), // "en" | "ko"
        Call::StartNotices => return answer(Ok(Answer::Notices(shell.engine().start_notices()))),
        Call::Window => return, // taken by the connection itself
        Call::ToolStatus => {
            let (engine, tx) = (shell.engine().clone(), tx.clone());
            shell.spawn(async move {
                let rows = engine.router().tools().status().await;
                let _ = tx.send(Push::Reply { id, result: Ok(Answer::ToolStatus(rows)) });
            });
            return;
        }
        Call::Search { query } => return answer(store.search(&query).map(Answer::SearchHits).map_err(store_error)),
        Call::Export { conversation, format } => {
            let Some(format) = switchboard_core::chat::export::Format::parse(&format) else {
                return answer(Err(wire(ErrorKind::Invalid, format!("no export format `{format}` (md or json)"))));
            };
            let name = shell.engine().config().chat.name.clone();
            return answer(store.export(conversation, format, &name).map(Answer::Exported).map_err(store_error));
        }
        Call::Settings => {
            let path = shell.config_path().map(|p| p.to_path_buf()).unwrap_or_default();
            let view = shell.engine().settings_view(&path, crate::autostart::enabled(), shell.paused());
            return answer(Ok(Answer::Settings(view)));
        }
        Call::EditSettings { edit } => {
            let (engine, tx) = (shell.engine().clone(), tx.clone());
            let path = shell.config_path().map(|p| p.to_path_buf());
            shell.spawn(async move {
                let saved = match path {
                    Some(path) => engine.edit_settings(&path, edit).await,
                    None => switchboard_core::model::Saved::Refused {
                        error: switchboard_core::model::FieldError {
                            field: String::new(),
                            message: "this Switchboard runs without a configuration file".into(),
                        },
                    },
                };
                let _ = tx.send(Push::Reply { id, result: Ok(Answer::Saved(saved)) });
            });
            return;
        }
        Call::TestBackend { original, backend } => {
            let (engine, tx) = (shell.engine().clone(), tx.clone());
            shell.spawn(async move {
                let tried = engine.test_backend(original.as_deref(), &backend).await;
                let _ = tx.send(Push::Reply { id, result: Ok(Answer::BackendTest(tried)) });
            });
            return;
        }
        Call::TestAccount { original, account } => {
            let (engine, tx) = (shell.engine().clone(), tx.clone());
            let path = shell.config_path().map(|p| p.to_path_buf());
            shell.spawn(async move {
                let tried = match path {
                    Some(path) => engine.test_account(&path, original.as_deref(), &account).await,
                    None => switchboard_core::model::AccountTest {
                        reached_ms: None,
                        found: None,
                        error: Some("this Switchboard runs without a configuration file".into()),
                    },
                };
                let _ = tx.send(Push::Reply { id, result: Ok(Answer::AccountTest(tried)) });
            });
            return;
        }
        Call::ScanMachine => {
            let (engine, tx) = (shell.engine().clone(), tx.clone());
            shell.spawn(async move {
                let found = engine.scan_machine().await;
                let _ = tx.send(Push::Reply { id, result: Ok(Answer::Found(found)) });
            });
            return;
        }
        Call::SetAutostart { on } => Action::SetAutostart(on),
        Call::CheckNow => Action::CheckNow,
        Call::SetPaused { paused } => Action::SetPaused(paused),
        Call::Open { view } => Action::Open(view),
    };
    let (s, tx) = (Arc::clone(shell), tx.clone());
    shell.spawn(async move {
        let result = match s.perform(action).await {
            Ok(Outcome::Checked(rows)) => Ok(Answer::Statuses(rows)),
            Ok(Outcome::Done) => Ok(Answer::Done),
            Err(e) => Err(action_error(e)),
        };
        let _ = tx.send(Push::Reply { id, result });
    });
}

/// Answers with the reply's ids, then forwards its events until it ends. The reply is written
/// to the store whether or not a window still listens.
fn stream_reply(shell: &Arc<Shell>, id: u64, reply: Result<Reply, RouterError>, tx: &mpsc::UnboundedSender<Push>) {
    let reply = match reply {
        Ok(r) => r,
        Err(e) => {
            let _ = tx.send(Push::Reply { id, result: Err(router_error(e)) });
            return;
        }
    };
    let sent = Sent {
        conversation_id: reply.conversation_id,
        user_message_id: reply.user_message_id,
        reply_message_id: reply.reply_message_id,
    };
    let _ = tx.send(Push::Reply { id, result: Ok(Answer::Sent(sent)) });
    let (tx, mut events) = (tx.clone(), reply.events);
    shell.spawn(async move {
        while let Some(event) = events.recv().await {
            if tx.send(Push::Chat { id, event }).is_err() {
                return; // the window went away
            }
        }
        let _ = tx.send(Push::ChatEnd { id });
    });
}
