//! Chat completions: a whole answer, a streamed one (server-sent events; the stream ends after
//! `[DONE]` and an end before it is an error), and the 1-token ping.

use std::time::Duration;

use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::time::Instant;

use super::sse::{Decoder, TooLong, MAX_LINE};
use super::{ms_since, read_capped, BackendClient, ClientError};

/// Longest whole (non-streamed) answer read (8 MiB).
pub(crate) const MAX_ANSWER: usize = 8 * 1024 * 1024;

/// A chat message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: String,
    pub content: String,
}

impl Message {
    pub fn new(role: &str, content: impl Into<String>) -> Self {
        Self { role: role.to_string(), content: content.into() }
    }
}

/// A chat completion request; unset fields take the backend's settings.
#[derive(Debug, Clone, Default)]
pub struct ChatRequest {
    pub messages: Vec<Message>,
    pub max_tokens: Option<u32>,
    pub temperature: Option<f64>,
    /// An OpenAI `response_format` object (e.g. a JSON schema), passed through.
    pub response_format: Option<Value>,
    /// Ask for the N most likely first tokens with their log-probabilities (OpenAI
    /// `logprobs` / `top_logprobs`; llama.cpp, vLLM and SGLang give them).
    pub top_logprobs: Option<u8>,
    /// Penalties against repeating (for small models' direct answers), or none.
    pub penalties: Option<Penalties>,
}

/// Sampling settings against loops: OpenAI's `frequency_penalty` / `presence_penalty`, which
/// llama.cpp, vLLM, SGLang, Ollama and LM Studio read; llama.cpp also reads `repeat_penalty`
/// and the DRY sampler's `dry_multiplier` (ignored by the others).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Penalties {
    pub frequency: f64,
    pub presence: f64,
    pub repeat: f64,
    pub dry: f64,
}

impl Penalties {
    /// For a small model answering by itself: loops are its commonest failure.
    pub const SMALL_MODEL: Penalties = Penalties { frequency: 0.3, presence: 0.2, repeat: 1.15, dry: 0.8 };
}

/// Token counts a server reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// A whole (non-streamed) answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatResponse {
    pub text: String,
    pub usage: Option<Usage>,
    pub finish_reason: Option<String>,
    /// The first token's most likely alternatives, (token, log-probability), when asked for
    /// (see [`ChatRequest::top_logprobs`]); checked: at most 64, finite, short tokens.
    pub first_token_logprobs: Vec<(String, f64)>,
}

/// The most alternatives read, and the longest token kept, from a server's logprobs.
const MAX_LOGPROBS: usize = 64;
const MAX_TOKEN_CHARS: usize = 64;

/// `choices[0].logprobs.content[0].top_logprobs` of an OpenAI answer, checked.
fn first_token_logprobs(choice: &Value) -> Vec<(String, f64)> {
    let Some(top) = choice.pointer("/logprobs/content/0/top_logprobs").and_then(Value::as_array) else {
        return Vec::new();
    };
    top.iter()
        .take(MAX_LOGPROBS)
        .filter_map(|t| {
            let token = t.get("token")?.as_str()?;
            let lp = t.get("logprob")?.as_f64()?;
            (lp.is_finite() && lp <= 1e-6 && token.chars().count() <= MAX_TOKEN_CHARS)
                .then(|| (token.to_string(), lp.min(0.0)))
        })
        .collect()
}

/// One event of a streamed answer.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// Visible text.
    Delta(String),
    /// Reasoning text (`reasoning_content`), for models that think aloud.
    Reasoning(String),
    Usage(Usage),
    /// The server said why it stopped (`stop`, `length`).
    Finish(String),
}

impl BackendClient {
    fn body(&self, req: &ChatRequest, stream: bool) -> Value {
        let mut body = json!({
            "model": self.cfg.model,
            "messages": req.messages,
            "max_tokens": req.max_tokens.unwrap_or(self.cfg.max_tokens),
            "temperature": req.temperature.unwrap_or(self.cfg.temperature),
            "stream": stream,
        });
        if stream {
            body["stream_options"] = json!({"include_usage": true});
        }
        if let Some(rf) = &req.response_format {
            body["response_format"] = rf.clone();
        }
        if let Some(n) = req.top_logprobs {
            body["logprobs"] = json!(true);
            body["top_logprobs"] = json!(n);
        }
        if let Some(p) = req.penalties {
            body["frequency_penalty"] = json!(p.frequency);
            body["presence_penalty"] = json!(p.presence);
            body["repeat_penalty"] = json!(p.repeat);
            body["dry_multiplier"] = json!(p.dry);
        }
        body
    }

    /// A 1-token chat completion timed end to end: how long the model itself takes to start.
    pub async fn ping(&self, timeout: Duration) -> Result<f64, ClientError> {
        let req = ChatRequest {
            messages: vec![Message::new("user", "Hi")],
            max_tokens: Some(1),
            temperature: Some(0.0),
            ..ChatRequest::default()
        };
        let start = Instant::now();
        self.chat_with_timeout(&req, timeout).await?;
        Ok(ms_since(start))
    }

    /// A whole chat completion.
    pub async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, ClientError> {
        self.chat_with_timeout(req, self.cfg.timeout).await
    }

    async fn chat_with_timeout(&self, req: &ChatRequest, timeout: Duration) -> Result<ChatResponse, ClientError> {
        let path = "v1/chat/completions";
        let rb = self.request(reqwest::Method::POST, path, Some(timeout)).json(&self.body(req, false));
        let resp = self.send(rb, path, timeout).await?;
        let body = read_capped(resp, MAX_ANSWER, &self.shown(path), timeout).await?;
        let v: Value = serde_json::from_slice(&body)
            .map_err(|e| ClientError::Protocol { url: self.shown(path), detail: format!("not JSON: {e}") })?;
        let choice = v.pointer("/choices/0").ok_or_else(|| ClientError::Protocol {
            url: self.shown(path),
            detail: "no choices in the answer".into(),
        })?;
        Ok(ChatResponse {
            text: choice.pointer("/message/content").and_then(Value::as_str).unwrap_or_default().to_string(),
            usage: v.get("usage").and_then(|u| serde_json::from_value(u.clone()).ok()),
            finish_reason: choice.get("finish_reason").and_then(Value::as_str).map(str::to_string),
            first_token_logprobs: first_token_logprobs(choice),
        })
    }

    /// A streamed chat completion (server-sent events). The stream ends after `[DONE]`, or
    /// with an error if the connection is cut first. Its time is bounded in parts, never as a
    /// whole (a long answer that keeps flowing always completes): the connection (the shared
    /// client's connect timeout), the answer's start (`timeout`: headers and first bytes; a
    /// busy server may queue us that long) and every silence after it (`stall_timeout`).
    pub async fn chat_stream(
        &self,
        req: &ChatRequest,
    ) -> Result<impl Stream<Item = Result<StreamEvent, ClientError>> + Send + 'static, ClientError> {
        let path = "v1/chat/completions";
        let (timeout, stall) = (self.cfg.timeout, self.cfg.stall_timeout);
        let rb = self.request(reqwest::Method::POST, path, None).json(&self.body(req, true));
        let url = self.shown(path);
        let resp = match tokio::time::timeout(timeout, self.send(rb, path, timeout)).await {
            Ok(r) => r?,
            Err(_) => return Err(ClientError::Timeout { url, after: timeout }),
        };
        let cut_url = url.clone();
        // Bytes, each wait bounded (the first by `timeout`, later ones by `stall`), ending with
        // `None`; then events (bounded lines), then chunks.
        let timed_url = url.clone();
        let bytes = futures_util::stream::unfold(
            (Box::pin(resp.bytes_stream()), true, false),
            move |(mut body, first, over)| {
                let url = timed_url.clone();
                async move {
                    if over {
                        return None;
                    }
                    let limit = if first { timeout } else { stall };
                    match tokio::time::timeout(limit, body.next()).await {
                        Ok(Some(item)) => Some((
                            Some(item.map_err(|e| ClientError::from_reqwest(url, e, limit))),
                            (body, false, false),
                        )),
                        Ok(None) => Some((None, (body, false, true))),
                        Err(_) if first => {
                            Some((Some(Err(ClientError::Timeout { url, after: limit })), (body, false, true)))
                        }
                        Err(_) => Some((Some(Err(ClientError::Stalled { url, after: limit })), (body, false, true))),
                    }
                }
            },
        );
        let mut decoder = Decoder::default();
        let items = bytes
            .map(move |item| -> Vec<Result<StreamEvent, ClientError>> {
                let data = match item {
                    Some(Err(e)) => return vec![Err(e)],
                    Some(Ok(b)) => match decoder.push(&b) {
                        Ok(events) => events,
                        Err(TooLong) => return vec![Err(ClientError::TooLarge { url: url.clone(), limit: MAX_LINE })],
                    },
                    None => decoder.finish().into_iter().collect(),
                };
                data.iter().flat_map(|d| parse_chunk(d, &url)).collect()
            })
            .flat_map(futures_util::stream::iter);
        // Ends after `[DONE]` (not passed on); an end of stream before `[DONE]` or a finish
        // reason is an error: the answer was cut off.
        let stream =
            futures_util::stream::unfold((Box::pin(items), false, false), move |(mut items, finished, over)| {
                let cut_url = cut_url.clone();
                async move {
                    if over {
                        return None;
                    }
                    match items.next().await {
                        Some(Ok(StreamEvent::Finish(r))) if r == DONE => None,
                        Some(Ok(ev)) => {
                            let finished = finished || matches!(ev, StreamEvent::Finish(_));
                            Some((Ok(ev), (items, finished, false)))
                        }
                        Some(Err(e)) => Some((Err(e), (items, finished, true))),
                        None if finished => None,
                        None => Some((
                            Err(ClientError::Protocol {
                                url: cut_url,
                                detail: "the answer stopped before it was complete".into(),
                            }),
                            (items, finished, true),
                        )),
                    }
                }
            });
        Ok(stream)
    }
}

const DONE: &str = "[DONE]";

fn parse_chunk(data: &str, url: &str) -> Vec<Result<StreamEvent, ClientError>> {
    let data = data.trim();
    if data == DONE {
        return vec![Ok(StreamEvent::Finish(DONE.into()))];
    }
    if data.is_empty() {
        return Vec::new();
    }
    let v: Value = match serde_json::from_str(data) {
        Ok(v) => v,
        Err(e) => {
            return vec![Err(ClientError::Protocol { url: url.to_string(), detail: format!("bad stream chunk: {e}") })]
        }
    };
    if let Some(err) = v.get("error") {
        let msg = err.get("message").and_then(Value::as_str).unwrap_or("error in stream");
        return vec![Err(ClientError::Protocol { url: url.to_string(), detail: msg.chars().take(200).collect() })];
    }
    let mut out = Vec::new();
    if let Some(choice) = v.pointer("/choices/0") {
        if let Some(t) = choice.pointer("/delta/reasoning_content").and_then(Value::as_str) {
            if !t.is_empty() {
                out.push(Ok(StreamEvent::Reasoning(t.to_string())));
            }
        }
        if let Some(t) = choice.pointer("/delta/content").and_then(Value::as_str) {
            if !t.is_empty() {
                out.push(Ok(StreamEvent::Delta(t.to_string())));
            }
        }
        if let Some(r) = choice.get("finish_reason").and_then(Value::as_str) {
            out.push(Ok(StreamEvent::Finish(r.to_string())));
        }
    }
    if let Some(u) = v.get("usage").filter(|u| !u.is_null()) {
        if let Ok(u) = serde_json::from_value::<Usage>(u.clone()) {
            out.push(Ok(StreamEvent::Usage(u)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_parsing() {
        let ev = parse_chunk(r#"{"choices":[{"delta":{"content":"Hel"},"finish_reason":null}]}"#, "u");
        assert_eq!(ev.into_iter().map(Result::unwrap).collect::<Vec<_>>(), vec![StreamEvent::Delta("Hel".into())]);
        let ev = parse_chunk(r#"{"choices":[{"delta":{},"finish_reason":"length"}],"usage":null}"#, "u");
        assert_eq!(ev.into_iter().map(Result::unwrap).collect::<Vec<_>>(), vec![StreamEvent::Finish("length".into())]);
        let ev = parse_chunk(r#"{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7}}"#, "u");
        assert_eq!(
            ev.into_iter().map(Result::unwrap).collect::<Vec<_>>(),
            vec![StreamEvent::Usage(Usage { prompt_tokens: 5, completion_tokens: 7 })]
        );
        assert!(parse_chunk("{not json", "u")[0].is_err());
        assert!(parse_chunk(r#"{"error":{"message":"boom"}}"#, "u")[0].is_err());
        assert!(parse_chunk("", "u").is_empty());
    }
}
