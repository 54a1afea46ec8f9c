//! What the engine publishes about each backend: its status report (the original's
//! `system_status`, extended), the events of a state or level change, and the points of its
//! recent history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::backend::{Cause, Kind, Level, Role, Source, State};

/// A server's own load figures, interpreted, as the status shows them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NativeLoad {
    /// Requests being generated now.
    pub running: Option<u32>,
    /// Requests queued, not started.
    pub waiting: Option<u32>,
    /// Requests the server generates together.
    pub slots: Option<u32>,
    /// KV-cache use, 0..1.
    pub kv_usage: Option<f64>,
    /// Estimated wait of a new request before it starts, in ms; `None` when the server's
    /// figures cannot say (Ollama).
    pub est_wait_ms: Option<f64>,
    /// Generation speed of one slot, tokens/s, when measured.
    pub slot_tokens_per_s: Option<f64>,
    /// Loaded models (Ollama).
    pub loaded_models: Vec<String>,
}

impl NativeLoad {
    /// True when the server is working on something.
    pub fn working(&self) -> bool {
        self.running.unwrap_or(0) > 0 || self.waiting.unwrap_or(0) > 0
    }
}

/// Our own queue's figures for one backend.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueStatus {
    /// Our requests in flight (including those waiting for a concurrency permit).
    pub active: usize,
    /// The concurrency limit, if any.
    pub limit: Option<usize>,
    /// Requests started since launch.
    pub started: u64,
}

/// A backend's health state changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flip {
    pub backend: String,
    pub role: Role,
    pub from: State,
    pub to: State,
    /// Latency of the observation that caused it, when it had one.
    pub latency_ms: Option<f64>,
    /// Why, as data.
    pub cause: Cause,
    /// Why, in English words (made from `cause`), for logs and the CLI.
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// A backend's load level changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelChange {
    pub backend: String,
    pub role: Role,
    pub from: Level,
    pub to: Level,
    pub est_wait_ms: Option<f64>,
    pub source: Source,
    pub at: DateTime<Utc>,
}

/// What a managed server (one Switchboard starts, see `launch` in the config) is doing, as
/// its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ServerState {
    /// Started (or taken back) by the owner, and running; `restarts` since launch.
    Running { restarts: u32 },
    /// It exited (`exit` says how); started again after `after_ms`, the `attempt`-th of at
    /// most `limit` restarts in a row.
    Restarting { attempt: u32, limit: u32, after_ms: u64, exit: String },
    /// It exited again after `restarts` restarts (or could not be started at all): not started
    /// again until Switchboard restarts.
    Failed { restarts: u32, exit: String },
}

/// A managed server's state changed; `backends` are those it serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerChange {
    pub backends: Vec<String>,
    pub state: ServerState,
    pub at: DateTime<Utc>,
}

/// The configuration file changed (or the settings view saved it): applied, or refused with
/// the reason while the running configuration is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigChange {
    /// Why the new configuration was not applied (file, line, column and message); `None`
    /// when it was.
    pub error: Option<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Backends whose settings changed: checked again from a fresh state.
    pub restarted: Vec<String>,
    /// Settings that apply only after a restart (`chat.store`, say).
    pub on_restart: Vec<String>,
    pub at: DateTime<Utc>,
}

impl ConfigChange {
    /// A configuration that was not applied, and why.
    pub fn refused(error: String, at: DateTime<Utc>) -> Self {
        Self {
            error: Some(error),
            added: Vec::new(),
            removed: Vec::new(),
            restarted: Vec::new(),
            on_restart: Vec::new(),
            at,
        }
    }
}

/// Everything the engine announces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Flip(Flip),
    Level(LevelChange),
    Server(ServerChange),
    Config(ConfigChange),
}

/// Everything known about one backend, as of `updated`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackendStatus {
    pub name: String,
    pub role: Role,
    /// Base URL with credentials removed.
    pub url: String,
    pub model: String,
    /// The server kind, detected when configured as `auto` (`auto` until detected).
    pub kind: Kind,
    pub state: State,
    pub state_since: DateTime<Utc>,
    pub level: Level,
    pub level_source: Source,
    /// Estimated wait of a new request before it starts, ms.
    pub est_wait_ms: Option<f64>,
    /// Last health probe latency, ms.
    pub probe_ms: Option<f64>,
    pub baseline_ms: f64,
    pub baseline_samples: u32,
    /// Last successful 1-token ping, ms, and when.
    pub ping_ms: Option<f64>,
    pub ping_at: Option<DateTime<Utc>>,
    pub ping_error: Option<String>,
    /// 1-token pings sent since launch.
    pub pings_sent: u64,
    /// The server's own figures, when it publishes them.
    pub native: Option<NativeLoad>,
    pub queue: QueueStatus,
    /// Health checks done since launch.
    pub checks: u64,
    pub last_error: Option<String>,
    /// Most recent flips, newest last.
    pub flips: Vec<Flip>,
    /// Its managed server, when this process owns one for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerState>,
    /// Times its monitor stopped on a fault (a bug) and was started again.
    #[serde(default)]
    pub monitor_restarts: u32,
    pub updated: DateTime<Utc>,
}

impl BackendStatus {
    /// The status of a backend nobody has checked yet (as of `at`): starting, no figures. Also
    /// a base for building statuses in tests of what consumes them.
    pub fn unchecked(name: &str, role: Role, at: DateTime<Utc>) -> BackendStatus {
        BackendStatus {
            name: name.to_string(),
            role,
            url: String::new(),
            model: String::new(),
            kind: Kind::Auto,
            state: State::Starting,
            state_since: at,
            level: Level::Starting,
            level_source: Source::Health,
            est_wait_ms: None,
            probe_ms: None,
            baseline_ms: 0.0,
            baseline_samples: 0,
            ping_ms: None,
            ping_at: None,
            ping_error: None,
            pings_sent: 0,
            native: None,
            queue: QueueStatus::default(),
            checks: 0,
            last_error: None,
            flips: Vec::new(),
            server: None,
            monitor_restarts: 0,
            updated: at,
        }
    }
}

/// One point of a backend's recent history (the status plot): the worst of what was published
/// in its time bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The bucket's end (the last status published in it).
    pub at: DateTime<Utc>,
    pub wait_ms: Option<f64>,
    pub probe_ms: Option<f64>,
    pub ping_ms: Option<f64>,
    pub level: Level,
    pub state: State,
}
