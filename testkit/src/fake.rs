//! An HTTP-level fake backend (named as such): a tiny HTTP/1.1 server on 127.0.0.1 whose
//! answers a test scripts per path, counting requests. Used only for what a real llama-server
//! cannot be made to do on demand.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    /// Wait before answering (paused-time friendly: a tokio sleep).
    pub delay: Duration,
    /// Server-sent events written one by one with a gap, instead of `body`.
    pub events: Vec<String>,
    pub gap: Duration,
    /// Close the connection after the events without `[DONE]` (a stream cut mid-answer).
    pub cut: bool,
    /// Bytes written verbatim instead of any of the above (a hostile server).
    pub raw: Option<Raw>,
    /// After the events (or raw pieces), keep the connection open and send nothing more (a
    /// server that stalls mid-answer).
    pub hang: bool,
}

/// A hostile answer, byte for byte.
#[derive(Clone, Debug)]
pub enum Raw {
    /// These pieces, `gap` apart, then the connection closes.
    Pieces(Vec<Vec<u8>>),
    /// `head`, then `chunk` again and again until the client goes away.
    Endless { head: Vec<u8>, chunk: Vec<u8> },
}

impl Reply {
    pub fn ok(body: &str) -> Self {
        Reply::status(200, body)
    }
    pub fn status(status: u16, body: &str) -> Self {
        Reply {
            status,
            body: body.to_string(),
            delay: Duration::ZERO,
            events: Vec::new(),
            gap: Duration::ZERO,
            cut: false,
            raw: None,
            hang: false,
        }
    }
    /// These bytes verbatim (status line, headers and body are the test's), in pieces `gap`
    /// apart.
    pub fn raw(pieces: Vec<Vec<u8>>, gap: Duration) -> Self {
        Reply { raw: Some(Raw::Pieces(pieces)), gap, ..Reply::status(200, "") }
    }
    /// `head` (status line and headers, written as they are), then `chunk` for ever.
    pub fn endless(head: &str, chunk: &[u8]) -> Self {
        Reply {
            raw: Some(Raw::Endless { head: head.as_bytes().to_vec(), chunk: chunk.to_vec() }),
            ..Reply::status(200, "")
        }
    }
    /// A streamed chat completion whose content is `text`, sent `chunk_chars` characters per
    /// event, `gap` apart, then a finish chunk, a usage chunk and `[DONE]`.
    pub fn sse(text: &str, chunk_chars: usize, gap: Duration) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let mut events: Vec<String> = chars
            .chunks(chunk_chars.max(1))
            .map(|c| {
                let piece: String = c.iter().collect();
                serde_json::json!({"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": null}]}).to_string()
            })
            .collect();
        events.push(serde_json::json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}).to_string());
        events.push(
            serde_json::json!({"choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": events.len() - 1}})
                .to_string(),
        );
        events.push("[DONE]".to_string());
        Reply {
            status: 200,
            body: String::new(),
            delay: Duration::ZERO,
            events,
            gap,
            cut: false,
            raw: None,
            hang: false,
        }
    }
    /// Like [`Reply::sse`], but the connection closes after `keep` content events.
    pub fn sse_cut(text: &str, chunk_chars: usize, gap: Duration, keep: usize) -> Self {
        let mut r = Reply::sse(text, chunk_chars, gap);
        r.events.truncate(keep);
        r.cut = true;
        r
    }
    /// Stalls after what it sends: the connection stays open, silent.
    pub fn then_hang(mut self) -> Self {
        self.hang = true;
        self
    }
    pub fn after(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
}

/// llama.cpp's exact body while it loads a model.
pub const LOADING_BODY: &str = r#"{"error":{"message":"Loading model","type":"unavailable_error","code":503}}"#;

/// A 1-token chat completion answer.
pub const CHAT_ONE: &str = r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}"#;

#[derive(Default)]
struct State {
    /// Answers per path, used in order; the last one repeats.
    routes: HashMap<String, Vec<Reply>>,
    hits: HashMap<String, usize>,
    bodies: HashMap<String, String>,
}

/// The fake server; clone to share.
#[derive(Clone)]
pub struct Fake {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl Fake {
    pub async fn start() -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let fake = Fake { port, state: Arc::default() };
        let f = fake.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let f = f.clone();
                tokio::spawn(async move { f.serve(sock).await });
            }
        });
        fake
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Sets the answer for `path` (e.g. "/health"); unknown paths get 404.
    pub fn route(&self, path: &str, reply: Reply) {
        self.state.lock().unwrap().routes.insert(path.to_string(), vec![reply]);
    }

    /// Answers `path` with `replies` in order; the last one repeats.
    pub fn route_seq(&self, path: &str, replies: Vec<Reply>) {
        self.state.lock().unwrap().routes.insert(path.to_string(), replies);
    }

    /// The body of the last request to `path`.
    pub fn last_body(&self, path: &str) -> Option<String> {
        self.state.lock().unwrap().bodies.get(path).cloned()
    }

    pub fn hits(&self, path: &str) -> usize {
        self.state.lock().unwrap().hits.get(path).copied().unwrap_or(0)
    }

    async fn serve(&self, mut sock: TcpStream) {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        // Read headers, then the body by Content-Length.
        let (head_end, content_length) = loop {
            let n = match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            buf.extend_from_slice(&chunk[..n]);
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                    .unwrap_or(0);
                break (i + 4, len);
            }
        };
        while buf.len() < head_end + content_length {
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        let reply = {
            let mut st = self.state.lock().unwrap();
            *st.hits.entry(path.clone()).or_insert(0) += 1;
            st.bodies.insert(path.clone(), String::from_utf8_lossy(&buf[head_end..]).to_string());
            match st.routes.get_mut(&path) {
                Some(seq) if seq.len() > 1 => seq.remove(0),
                Some(seq) => seq[0].clone(),
                None => Reply::status(404, "not found"),
            }
        };
        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        match &reply.raw {
            Some(Raw::Pieces(pieces)) => {
                for p in pieces {
                    if !reply.gap.is_zero() {
                        tokio::time::sleep(reply.gap).await;
                    }
                    if sock.write_all(p).await.is_err() {
                        return;
                    }
                }
                if reply.hang {
                    std::future::pending::<()>().await;
                }
                let _ = sock.shutdown().await;
                return;
            }
            Some(Raw::Endless { head, chunk }) => {
                if sock.write_all(head).await.is_err() {
                    return;
                }
                while sock.write_all(chunk).await.is_ok() {}
                return;
            }
            None => {}
        }
        if !reply.events.is_empty() {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
            if sock.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            for ev in &reply.events {
                if !reply.gap.is_zero() {
                    tokio::time::sleep(reply.gap).await;
                }
                if sock.write_all(format!("data: {ev}\n\n").as_bytes()).await.is_err() {
                    return; // the client went away (stopped)
                }
            }
            if reply.hang {
                std::future::pending::<()>().await;
            }
            let _ = sock.shutdown().await;
            return;
        }
        let text = format!(
            "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
            reply.status,
            reply.body.len(),
            reply.body
        );
        let _ = sock.write_all(text.as_bytes()).await;
        let _ = sock.shutdown().await;
    }
}
