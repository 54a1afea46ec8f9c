//! The HTTP client for one backend.
//!
//! One `reqwest::Client` is shared by every backend (connection pools, one TLS setup); a
//! [`BackendClient`] is a cheap clone holding that client and the backend's settings.
//!
//! - this file: the client, its requests (every URL in an error is redacted, every body
//!   scrubbed of the key), and the health probe;
//! - [`chat`]: chat completions, whole and streamed (SSE), with a typed end of stream;
//! - [`detect`]: which server software answers, and the models it offers;
//! - [`error`]: what went wrong ([`ClientError`]).

pub mod chat;
mod detect;
mod error;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

pub use chat::{ChatRequest, ChatResponse, Message, StreamEvent, Usage};
pub use error::ClientError;

use crate::config::{BackendConfig, Kind};
use crate::secret::{redact_url, scrub};

/// Builds the one HTTP client the whole process shares.
pub fn shared_http() -> Result<reqwest::Client, ClientError> {
    reqwest::Client::builder()
        .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(3))
        .pool_idle_timeout(Duration::from_secs(30))
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

    pub(crate) fn request(&self, method: reqwest::Method, path: &str, timeout: Duration) -> reqwest::RequestBuilder {
        let mut rb = self.http.request(method, self.url(path)).timeout(timeout);
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
        let body = resp.text().await.unwrap_or_default();
        let body = scrub(&body, self.cfg.api_key.as_ref());
        if status.as_u16() == 503 && error::is_loading_body(&body) {
            return Err(ClientError::Loading { url });
        }
        if matches!(status.as_u16(), 404 | 405 | 501) {
            return Err(ClientError::Unsupported { url });
        }
        Err(ClientError::Status { url, status: status.as_u16(), body: body.chars().take(300).collect() })
    }

    pub(crate) async fn get_text(&self, path: &str, timeout: Duration) -> Result<String, ClientError> {
        let resp = self.send(self.request(reqwest::Method::GET, path, timeout), path, timeout).await?;
        resp.text().await.map_err(|e| ClientError::from_reqwest(self.shown(path), e, timeout))
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
