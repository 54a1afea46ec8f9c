//! The window's end of the socket: one call per UI command, answered by the engine (the tray
//! app, which runs the core).

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use switchboard_ipc::{
    Answer, Call, ErrorKind, LineReader, Push, Request, Sent, WireError, MAX_CALL_LINE, MAX_PUSH_LINE,
};
use switchboard_model::{AccountStatus, BackendStatus, ChatEvent, Conversation, Lang, Point, StoredMessage};
use tauri::ipc::Channel;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::UnixStream;
use tokio::sync::{mpsc, oneshot};

/// Said when the engine is gone (it quit) before it answered.
pub const GONE: &str = "Switchboard has quit";

type Answered = Result<Answer, WireError>;

/// A connection to the engine (managed state of the window process).
pub struct Engine {
    /// Requests to write to the socket, in order.
    requests: mpsc::UnboundedSender<Vec<u8>>,
    /// The next request's id.
    next: AtomicU64,
    /// What the socket's reader shares with the callers.
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Calls waiting for their answer (std mutexes: never held across an await).
    pending: Mutex<HashMap<u64, oneshot::Sender<Answered>>>,
    /// Replies streaming to the web UI, by the id of the request that started them.
    streams: Mutex<HashMap<u64, Channel<ChatEvent>>>,
    /// Set when the engine closed the socket, before `pending` is emptied.
    closed: AtomicBool,
}

fn gone() -> WireError {
    WireError::new(ErrorKind::Gone, GONE)
}

/// The value of the answer `$variant`, or a protocol error naming what came instead.
macro_rules! expect {
    ($answer:expr, $variant:ident, $name:literal) => {
        match $answer? {
            Answer::$variant(v) => Ok(v),
            other => Err(WireError::unexpected($name, &other)),
        }
    };
}

fn expect_done(answer: Answered) -> Result<(), WireError> {
    match answer? {
        Answer::Done => Ok(()),
        other => Err(WireError::unexpected("done", &other)),
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Connects to the engine at `path` (on the current tokio runtime). Returns the engine and the
/// pushes that are for the window itself (`Emit`, `Show`); that stream ends when the engine
/// closes the socket.
/// The engine must be this user's (its credentials are checked), and every line it sends is
/// bounded.
pub async fn connect(path: &Path) -> std::io::Result<(Engine, mpsc::UnboundedReceiver<Push>)> {
    let stream = UnixStream::connect(path).await?;
    switchboard_ipc::check_peer(stream.peer_cred()?.uid())?;
    let (read, mut write) = stream.into_split();
    let (requests, mut outgoing) = mpsc::unbounded_channel::<Vec<u8>>();
    let (to_window, pushes) = mpsc::unbounded_channel();
    let inner = Arc::new(Inner::default());
    tauri::async_runtime::spawn(async move {
        while let Some(line) = outgoing.recv().await {
            if write.write_all(&line).await.is_err() {
                return;
            }
        }
    });
    let state = Arc::clone(&inner);
    tauri::async_runtime::spawn(async move {
        let mut lines = LineReader::new(BufReader::new(read), MAX_PUSH_LINE);
        while let Ok(Some(line)) = lines.next_line().await {
            match serde_json::from_str::<Push>(&line) {
                Ok(Push::Reply { id, result }) => {
                    if let Some(waiting) = lock(&state.pending).remove(&id) {
                        let _ = waiting.send(result);
                    }
                }
                Ok(Push::Chat { id, event }) => {
                    let gone = lock(&state.streams).get(&id).is_some_and(|ch| ch.send(event).is_err());
                    if gone {
                        lock(&state.streams).remove(&id);
                    }
                }
                Ok(Push::ChatEnd { id }) => {
                    lock(&state.streams).remove(&id);
                }
                Ok(push) => {
                    let _ = to_window.send(push);
                }
                Err(e) => tracing::warn!("engine socket: a line that does not parse: {e}"),
            }
        }
        // The engine is gone: every waiting call fails (their senders drop), the window ends.
        state.closed.store(true, Ordering::SeqCst);
        lock(&state.pending).clear();
        lock(&state.streams).clear();
    });
    // First of all: this connection is a window (the engine sends it UI events).
    if let Ok(line) = encode(&Request { id: 0, call: Call::Window }) {
        let _ = requests.send(line);
    }
    Ok((Engine { requests, next: AtomicU64::new(1), inner }, pushes))
}

/// One request as a wire line; refused (nothing is sent) when longer than the engine reads.
fn encode(req: &Request) -> Result<Vec<u8>, WireError> {
    let mut line = serde_json::to_vec(req).map_err(|e| WireError::new(ErrorKind::Invalid, e.to_string()))?;
    if line.len() >= MAX_CALL_LINE {
        let mib = |n: usize| n as f64 / f64::from(1 << 20);
        let message = format!("too long to send ({:.1} MiB; at most {:.0} MiB)", mib(line.len()), mib(MAX_CALL_LINE));
        return Err(WireError::new(ErrorKind::Invalid, message));
    }
    line.push(b'\n');
    Ok(line)
}

/// One typed method per call: each expects the answer its call is answered with.
impl Engine {
    pub async fn status(&self) -> Result<Vec<BackendStatus>, WireError> {
        expect!(self.call(Call::Status).await, Statuses, "statuses")
    }

    pub async fn history(&self, name: String, span_secs: Option<u64>) -> Result<Vec<Point>, WireError> {
        expect!(self.call(Call::History { name, span_secs }).await, History, "history")
    }

    pub async fn tool_status(&self) -> Result<Vec<AccountStatus>, WireError> {
        expect!(self.call(Call::ToolStatus).await, ToolStatus, "tool_status")
    }

    pub async fn search(&self, query: String) -> Result<Vec<switchboard_model::SearchHit>, WireError> {
        expect!(self.call(Call::Search { query }).await, SearchHits, "search_hits")
    }

    pub async fn export(&self, conversation: i64, format: String) -> Result<String, WireError> {
        expect!(self.call(Call::Export { conversation, format }).await, Exported, "exported")
    }

    pub async fn settings(&self) -> Result<switchboard_model::SettingsView, WireError> {
        expect!(self.call(Call::Settings).await, Settings, "settings")
    }

    pub async fn edit_settings(
        &self,
        edit: switchboard_model::SettingsEdit,
    ) -> Result<switchboard_model::Saved, WireError> {
        expect!(self.call(Call::EditSettings { edit }).await, Saved, "saved")
    }

    pub async fn test_backend(
        &self,
        original: Option<String>,
        backend: switchboard_model::BackendForm,
    ) -> Result<switchboard_model::BackendTest, WireError> {
        expect!(self.call(Call::TestBackend { original, backend }).await, BackendTest, "backend_test")
    }

    pub async fn test_account(
        &self,
        original: Option<String>,
        account: switchboard_model::AccountForm,
    ) -> Result<switchboard_model::AccountTest, WireError> {
        expect!(self.call(Call::TestAccount { original, account }).await, AccountTest, "account_test")
    }

    pub async fn scan_machine(&self) -> Result<Vec<switchboard_model::BackendForm>, WireError> {
        expect!(self.call(Call::ScanMachine).await, Found, "found")
    }

    pub async fn set_autostart(&self, on: bool) -> Result<(), WireError> {
        expect_done(self.call(Call::SetAutostart { on }).await)
    }

    pub async fn check_now(&self) -> Result<Vec<BackendStatus>, WireError> {
        expect!(self.call(Call::CheckNow).await, Statuses, "statuses")
    }

    /// Sends a message: its reply's events go to `on_event` as they arrive; the answer is the
    /// reply's ids.
    pub async fn send_message(
        &self,
        conversation: Option<i64>,
        text: String,
        on_event: Channel<ChatEvent>,
    ) -> Result<Sent, WireError> {
        expect!(self.start(Call::SendMessage { conversation, text }, Some(on_event)).await, Sent, "sent")
    }

    /// Like [`Engine::send_message`], for the conversation's last message.
    pub async fn retry(&self, conversation: i64, on_event: Channel<ChatEvent>) -> Result<Sent, WireError> {
        expect!(self.start(Call::Retry { conversation }, Some(on_event)).await, Sent, "sent")
    }

    pub async fn regenerate(&self, conversation: i64, on_event: Channel<ChatEvent>) -> Result<Sent, WireError> {
        expect!(self.start(Call::Regenerate { conversation }, Some(on_event)).await, Sent, "sent")
    }

    pub async fn edit_message(
        &self,
        conversation: i64,
        message: i64,
        text: String,
        on_event: Channel<ChatEvent>,
    ) -> Result<Sent, WireError> {
        expect!(self.start(Call::EditMessage { conversation, message, text }, Some(on_event)).await, Sent, "sent")
    }

    pub async fn set_conversation_backend(&self, conversation: i64, backend: Option<String>) -> Result<(), WireError> {
        expect_done(self.call(Call::SetConversationBackend { conversation, backend }).await)
    }

    pub async fn stop_reply(&self, reply: i64) -> Result<bool, WireError> {
        expect!(self.call(Call::StopReply { reply }).await, Stopped, "stopped")
    }

    pub async fn conversations(&self) -> Result<Vec<Conversation>, WireError> {
        expect!(self.call(Call::Conversations).await, Conversations, "conversations")
    }

    pub async fn messages(&self, conversation: i64) -> Result<Vec<StoredMessage>, WireError> {
        expect!(self.call(Call::Messages { conversation }).await, Messages, "messages")
    }

    pub async fn rename_conversation(&self, conversation: i64, title: String) -> Result<(), WireError> {
        expect_done(self.call(Call::RenameConversation { conversation, title }).await)
    }

    pub async fn delete_conversation(&self, conversation: i64) -> Result<(), WireError> {
        expect_done(self.call(Call::DeleteConversation { conversation }).await)
    }

    pub async fn set_paused(&self, paused: bool) -> Result<(), WireError> {
        expect_done(self.call(Call::SetPaused { paused }).await)
    }

    pub async fn start_notices(&self) -> Result<Vec<String>, WireError> {
        expect!(self.call(Call::StartNotices).await, Notices, "notices")
    }

    pub async fn locale(&self) -> Result<Lang, WireError> {
        expect!(self.call(Call::Locale).await, Locale, "locale")
    }

    async fn call(&self, call: Call) -> Answered {
        self.start(call, None).await
    }

    async fn start(&self, call: Call, on_event: Option<Channel<ChatEvent>>) -> Answered {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let line = encode(&Request { id, call })?;
        let (answer, answered) = oneshot::channel();
        lock(&self.inner.pending).insert(id, answer);
        // Registered before the request leaves: the first events may come before the answer.
        if let Some(ch) = on_event {
            lock(&self.inner.streams).insert(id, ch);
        }
        if self.inner.closed.load(Ordering::SeqCst) || self.requests.send(line).is_err() {
            lock(&self.inner.pending).remove(&id);
            lock(&self.inner.streams).remove(&id);
            return Err(gone());
        }
        let result = answered.await.unwrap_or_else(|_| Err(gone()));
        if result.is_err() {
            lock(&self.inner.streams).remove(&id);
        }
        result
    }
}
