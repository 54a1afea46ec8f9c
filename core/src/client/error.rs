//! Typed errors of the backend client. Every message names the backend's URL with credentials
//! and query removed, and no message carries an API key.

use std::time::Duration;

/// What went wrong talking to a backend.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Nothing listens on the port.
    #[error("{url}: connection refused")]
    Refused { url: String },
    /// No answer in time.
    #[error("{url}: no answer within {:.1} s", after.as_secs_f64())]
    Timeout { url: String, after: Duration },
    /// A streamed answer stopped flowing: nothing came for this long.
    #[error("{url}: the answer stalled: nothing came for {:.0} s", after.as_secs_f64())]
    Stalled { url: String, after: Duration },
    /// The server answered that it is still loading its model (llama.cpp's 503).
    #[error("{url}: server is loading its model")]
    Loading { url: String },
    /// The server answered with an error status.
    #[error("{url}: HTTP {status}: {body}")]
    Status { url: String, status: u16, body: String },
    /// The server answered something we cannot read.
    #[error("{url}: unexpected answer: {detail}")]
    Protocol { url: String, detail: String },
    /// The answer (or one line of a stream) was longer than we read.
    #[error("{url}: the answer is larger than {} KiB", limit / 1024)]
    TooLarge { url: String, limit: usize },
    /// The endpoint does not exist on this server (404 / 501): not a health failure.
    #[error("{url}: not supported by this server")]
    Unsupported { url: String },
    /// Any other transport failure (DNS, reset, TLS, a stream cut mid-answer).
    #[error("{url}: {}", chain(source))]
    Transport {
        url: String,
        #[source]
        source: reqwest::Error,
    },
}

impl ClientError {
    /// Turns a reqwest error into ours; `url` is already redacted.
    pub(crate) fn from_reqwest(url: String, err: reqwest::Error, timeout: Duration) -> Self {
        if err.is_timeout() {
            return ClientError::Timeout { url, after: timeout };
        }
        if is_refused(&err) {
            return ClientError::Refused { url };
        }
        // reqwest's Display includes the URL, which may carry credentials: drop it.
        ClientError::Transport { url, source: err.without_url() }
    }

    /// A few words for a status line.
    pub fn short(&self) -> String {
        match self {
            ClientError::Refused { .. } => "connection refused".into(),
            ClientError::Timeout { after, .. } => format!("timeout after {:.1} s", after.as_secs_f64()),
            ClientError::Loading { .. } => "loading model".into(),
            ClientError::Stalled { after, .. } => format!("stalled for {:.0} s", after.as_secs_f64()),
            ClientError::Status { status, .. } => format!("HTTP {status}"),
            ClientError::Protocol { detail, .. } => detail.chars().take(80).collect(),
            ClientError::Unsupported { .. } => "not supported".into(),
            ClientError::TooLarge { limit, .. } => format!("answer over {} KiB", limit / 1024),
            ClientError::Transport { source, .. } => chain(source).chars().take(120).collect(),
        }
    }
}

/// An error and its causes, "a: b: c" (reqwest's own text is only the outermost).
fn chain(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut cause = std::error::Error::source(err);
    while let Some(c) = cause {
        text = format!("{text}: {c}");
        cause = c.source();
    }
    text
}

fn is_refused(err: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return true;
            }
        }
        cause = c.source();
    }
    err.is_connect() && err.to_string().to_lowercase().contains("refused")
}

/// True when a 503 body is llama.cpp's "Loading model".
pub(crate) fn is_loading_body(body: &str) -> bool {
    body.contains("Loading model") || body.contains("loading model")
}
