//! The window's end of the socket: one call per UI command, answered by the engine (the tray
//! app, which runs the core).

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tauri::ipc::Channel;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixStream;
use tokio::sync::{mpsc, oneshot};

use switchboard_ipc::{Call, Push, Request};

/// Said when the engine is gone (it quit) before it answered.
pub const GONE: &str = "Switchboard has quit";

/// A connection to the engine (managed state of the window process).
pub struct Engine {
    requests: mpsc::UnboundedSender<Request>,
    next: AtomicU64,
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Calls waiting for their answer (std mutexes: never held across an await).
    pending: Mutex<HashMap<u64, oneshot::Sender<Result<Value, String>>>>,
    /// Replies streaming to the web UI, by the id of the request that started them.
    streams: Mutex<HashMap<u64, Channel<Value>>>,
    /// Set when the engine closed the socket, before `pending` is emptied.
    closed: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Connects to the engine at `path` (on the current tokio runtime). Returns the engine and the
/// pushes that are for the window itself (`Emit`, `Show`); that stream ends when the engine
/// closes the socket.
pub async fn connect(path: &Path) -> std::io::Result<(Engine, mpsc::UnboundedReceiver<Push>)> {
    let (read, mut write) = UnixStream::connect(path).await?.into_split();
    let (requests, mut outgoing) = mpsc::unbounded_channel::<Request>();
    let (to_window, pushes) = mpsc::unbounded_channel();
    let inner = Arc::new(Inner::default());
    tauri::async_runtime::spawn(async move {
        while let Some(req) = outgoing.recv().await {
            let Ok(mut line) = serde_json::to_vec(&req) else { continue };
            line.push(b'\n');
            if write.write_all(&line).await.is_err() {
                return;
            }
        }
    });
    let state = Arc::clone(&inner);
    tauri::async_runtime::spawn(async move {
        let mut lines = BufReader::new(read).lines();
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
    let _ = requests.send(Request { id: 0, call: Call::Window });
    Ok((Engine { requests, next: AtomicU64::new(1), inner }, pushes))
}

impl Engine {
    /// Sends `call`; the engine's answer.
    pub async fn call(&self, call: Call) -> Result<Value, String> {
        self.start(call, None).await
    }

    /// Sends a call that starts a reply: its events go to `on_event` as they arrive, the
    /// answer is the reply's ids.
    pub async fn stream(&self, call: Call, on_event: Channel<Value>) -> Result<Value, String> {
        self.start(call, Some(on_event)).await
    }

    async fn start(&self, call: Call, on_event: Option<Channel<Value>>) -> Result<Value, String> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (answer, answered) = oneshot::channel();
        lock(&self.inner.pending).insert(id, answer);
        // Registered before the request leaves: the first events may come before the answer.
        if let Some(ch) = on_event {
            lock(&self.inner.streams).insert(id, ch);
        }
        if self.inner.closed.load(Ordering::SeqCst) || self.requests.send(Request { id, call }).is_err() {
            lock(&self.inner.pending).remove(&id);
            lock(&self.inner.streams).remove(&id);
            return Err(GONE.into());
        }
        let result = answered.await.unwrap_or_else(|_| Err(GONE.into()));
        if result.is_err() {
            lock(&self.inner.streams).remove(&id);
        }
        result
    }
}
