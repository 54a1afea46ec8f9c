//! The HTTP client for one backend.
//!
//! One `reqwest::Client` is shared by every backend (connection pools, one TLS setup); a
//! [`BackendClient`] is a cheap clone holding that client and the backend's settings.
//!
//! - this file: the client, its requests (every URL in an error is redacted, every body
//!   scrubbed of the key), and the health probe;
//! - [`chat`]: chat completions, whole and streamed (SSE), with a typed end of stream;
//! - [`detect`]: which server software answers, and the models it offers;
//! - `error`: what went wrong ([`ClientError`]); [`sse`]: server-sent events with bounded
//!   memory.
//!
//! Every byte comes from a server we do not control: redirects are not followed (a key must
//! not travel to another host), and every body is read with a cap ([`MAX_BODY`] for probes,
//! lists and load figures; [`sse::MAX_LINE`] per streamed line).

pub mod chat;
mod detect;
pub mod embed;
mod error;
pub mod sse;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

pub use chat::{ChatRequest, ChatResponse, Message, Penalties, StreamEvent, Usage};
pub use error::ClientError;

use crate::config::{BackendConfig, Kind};
use crate::secret::{redact_url, scrub};

/// Longest body read from a probe, a model list or a read of load figures (1 MiB).
pub const MAX_BODY: usize = 1024 * 1024;
/// Longest error body read (it is shown shortened anyway).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Builds the one HTTP client the whole process shares.
pub fn shared_http() -> Result<reqwest::Client, ClientError> {
    reqwest::Client::builder()
        .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(3))
        .pool_idle_timeout(Duration::from_secs(30))
        // A backend that redirects elsewhere is misconfigured or hostile: say so, go nowhere.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ClientError::Transport { url: "(client set-up)".into(), source: e.without_url() })
}

/// A client bound to one backend.
#[derive(Clone)]
pub struct BackendClient {
    http: reqwest::Client,
    cfg: Arc<BackendConfig>,
}

impl std::fmt::Debug for BackendClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackendClient").field("cfg", &self.cfg).finish()
    }
}

/// A probe's result: how long the answer took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probe {
    pub latency_ms: f64,
}

impl BackendClient {
    pub fn new(http: reqwest::Client, cfg: Arc<BackendConfig>) -> Self {
        Self { http, cfg }
    }

    pub fn config(&self) -> &BackendConfig {
        &self.cfg
    }

    fn url(&self, path: &str) -> reqwest::Url {
        // `cfg.url` always ends in '/', and `path` is a fixed relative path: join cannot fail,
        // but fall back to the base rather than panic.
        self.cfg.url.join(path).unwrap_or_else(|_| self.cfg.url.clone())
    }

    pub(crate) fn shown(&self, path: &str) -> String {
        redact_url(&self.url(path))
    }

    /// A request to `path`; `timeout` bounds all of it, body included (none: the caller bounds
    /// its parts, as a stream does).
    pub(crate) fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        timeout: Option<Duration>,
    ) -> reqwest::RequestBuilder {
        let mut rb = self.http.request(method, self.url(path));
        if let Some(t) = timeout {
            rb = rb.timeout(t);
        }
        if let Some(key) = &self.cfg.api_key {
            rb = rb.bearer_auth(key.expose());
        }
        rb
    }

    /// Sends `rb` and checks its status; returns the response on 2xx.
    pub(crate) async fn send(
        &self,
        rb: reqwest::RequestBuilder,
        path: &str,
        timeout: Duration,
    ) -> Result<reqwest::Response, ClientError> {
        let url = self.shown(path);
        let resp = rb.send().await.map_err(|e| ClientError::from_reqwest(url.clone(), e, timeout))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let body = read_capped(resp, MAX_ERROR_BODY, &url, timeout).await.unwrap_or_default();
        let body = scrub(&String::from_utf8_lossy(&body), self.cfg.api_key.as_ref());
        if status.as_u16() == 503 && error::is_loading_body(&body) {
            return Err(ClientError::Loading { url });
        }
        if matches!(status.as_u16(), 404 | 405 | 501) {
            return Err(ClientError::Unsupported { url });
        }
        Err(ClientError::Status { url, status: status.as_u16(), body: body.chars().take(300).collect() })
    }

    pub(crate) async fn get_text(&self, path: &str, timeout: Duration) -> Result<String, ClientError> {
        let resp = self.send(self.request(reqwest::Method::GET, path, Some(timeout)), path, timeout).await?;
        let body = read_capped(resp, MAX_BODY, &self.shown(path), timeout).await?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    pub(crate) async fn get_json(&self, path: &str, timeout: Duration) -> Result<Value, ClientError> {
        let text = self.get_text(path, timeout).await?;
        serde_json::from_str(&text)
            .map_err(|e| ClientError::Protocol { url: self.shown(path), detail: format!("not JSON: {e}") })
    }

    /// The cheapest health check for the server kind, timed.
    pub async fn probe(&self, kind: Kind, timeout: Duration) -> Result<Probe, ClientError> {
        let path = match kind {
            Kind::Llamacpp | Kind::Vllm | Kind::Tgi | Kind::Sglang => "health",
            Kind::Ollama => "api/version",
            Kind::Openai | Kind::Auto => "v1/models",
        };
        let start = Instant::now();
        self.get_text(path, timeout).await?;
        Ok(Probe { latency_ms: ms_since(start) })
    }
}

/// Reads `resp`'s body, failing once it passes `limit` bytes (whatever it claims its length is).
pub(crate) async fn read_capped(
    mut resp: reqwest::Response,
    limit: usize,
    url: &str,
    timeout: Duration,
) -> Result<Vec<u8>, ClientError> {
    let too_large = || ClientError::TooLarge { url: url.to_string(), limit };
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| ClientError::from_reqwest(url.to_string(), e, timeout))? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub(crate) fn ms_since(start: Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 10_000.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ms_rounds_to_one_decimal() {
        let v = ms_since(Instant::now());
        assert_eq!((v * 10.0).fract(), 0.0);
    }
}
