//! The configuration: backends, health and load settings, the assistant, the tray.
//!
//! Every threshold and interval of the original service is a setting here, with the original's
//! value as the default. Nothing here panics on bad input.
//!
//! - this file: the settings as the engine uses them ([`Config`] and its parts);
//! - `parse`: reading and checking the file; errors name the file, the line, the column and
//!   the key ([`ConfigError`]); `keys`: API keys, from an environment variable or a key file,
//!   held as [`Secret`]s;
//! - `raw`: the file's shape as serde reads it (unknown keys are errors);
//! - `tools`: the tools' accounts (`[[calendar]]`), their passwords named, never held;
//! - `edit`: the settings view's edits, written into the user's file (comments kept);
//! - `watch`: following the file for changes;
//! - [`paths`]: where the file is; `example.toml`: the commented example `config init` writes.

mod check;
mod edit;
mod keys;
mod parse;
pub mod paths;
mod raw;
mod tools;
mod watch;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use crate::model::{Kind, Role, TrayScope};
use crate::secret::Secret;
pub use edit::{edit_file, edited, named_entries, named_entry};
pub(crate) use keys::read_secret_file;
pub use parse::is_loopback;
pub(crate) use parse::parse_url;
pub use paths::{cache_dir, default_path, resolve_path, CONFIG_ENV};
pub use tools::{CalendarAccount, CalendarSource, DocumentsSettings, MailAccount, PasswordSource};
pub use watch::{follow, watch_file, FileWatch};

/// A commented example written by `config init`.
pub const EXAMPLE: &str = include_str!("example.toml");

/// Whether a backend is asked for JSON-schema-constrained output (the classifier's decision).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Structured {
    /// Yes for llama.cpp, vLLM, SGLang and Ollama (detected), no otherwise.
    #[default]
    Auto,
    JsonSchema,
    None,
}

/// The language of prompts and notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LangSetting {
    /// From the system locale (ko → Korean, else English).
    #[default]
    Auto,
    En,
    Ko,
}

/// See [`ChatSettings::direct_confidence`].
pub const DEFAULT_DIRECT_CONFIDENCE: f64 = 0.5;

/// How the classifier decides a message the rules left open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Decide {
    /// Choose, then write: the action alone first, scored from the first token's
    /// log-probabilities, then a call that writes it; `json` where the server gives none.
    #[default]
    Choose,
    /// One JSON object with the action and its text (the original's contract).
    Json,
}

/// The assistant and its conversations.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatSettings {
    /// The assistant's name (the original's: 이드, "Ide").
    pub name: String,
    /// A sentence added to both prompts about the assistant's manner.
    pub persona: String,
    pub language: LangSetting,
    /// Earlier exchanges (user + assistant) given as context.
    pub history_turns: usize,
    /// Before asking the classifier, send a message that asks for reasoning (explain, why,
    /// prove, code, design, compare, plan; 설명, 왜, 비교 ...) to the reasoner, and answer a
    /// short vague request that has nothing before it with a question.
    pub lean_to_reasoner: bool,
    /// Before the classifier, a message close to the labelled example utterances of one action
    /// takes that action (`router::nearest`).
    pub nearest_examples: bool,
    /// See [`Decide`].
    pub decide: Decide,
    /// Under `decide = "choose"`, the least share of the probability with which the classifier
    /// answers by itself; below it the reasoner answers (0: never second-guessed).
    pub direct_confidence: f64,
    /// Replaces the built-in classifier instructions (`{name}` is substituted); the date,
    /// pending draft and recent turns are still appended.
    pub classifier_prompt: Option<String>,
    /// Replaces the built-in reasoner persona prompt.
    pub reasoner_prompt: Option<String>,
    /// The conversation database (default: `$XDG_DATA_HOME/switchboard/conversations.sqlite3`).
    pub store: Option<PathBuf>,
    /// The user's time zone, for "today" and for events (default: the system's).
    pub timezone: Option<chrono_tz::Tz>,
}

impl Default for ChatSettings {
    fn default() -> Self {
        Self {
            name: "Ide".into(),
            persona: String::new(),
            language: LangSetting::Auto,
            history_turns: 6,
            lean_to_reasoner: true,
            nearest_examples: true,
            decide: Decide::Choose,
            direct_confidence: DEFAULT_DIRECT_CONFIDENCE,
            classifier_prompt: None,
            reasoner_prompt: None,
            store: None,
            timezone: None,
        }
    }
}

/// Health monitor settings.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthSettings {
    /// Time between health probes of a backend that is up (the original: 30 s).
    pub interval: Duration,
    /// Time a probe or a native-figure read may take before it counts as a timeout.
    pub probe_timeout: Duration,
    /// Time between reads of a server's own load figures (`/metrics`, `/slots`); these reads
    /// also count as liveness evidence, so a dead server is seen within a few of them.
    pub poll_interval: Duration,
    /// Consecutive successes that bring a DOWN backend back UP.
    pub rise: u32,
    /// Consecutive failures (timeouts, errors) that take an UP backend DOWN.
    pub fall: u32,
    /// Consecutive refused connections that take a backend DOWN (a refusal is a surer sign).
    pub fall_refused: u32,
    /// Probe interval right after a backend went down.
    pub down_probe_min: Duration,
    /// Longest probe interval during a long outage.
    pub down_probe_max: Duration,
    /// How long an outage lasts before the probe interval starts to back off.
    pub down_backoff_after: Duration,
}

impl Default for HealthSettings {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(30),
            probe_timeout: Duration::from_secs(3),
            poll_interval: Duration::from_secs(1),
            rise: 2,
            fall: 3,
            fall_refused: 2,
            down_probe_min: Duration::from_secs(1),
            down_probe_max: Duration::from_secs(15),
            down_backoff_after: Duration::from_secs(60),
        }
    }
}

/// Load estimator settings (the original's cut points and rules).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSettings {
    /// A new request waiting longer than this is *busy* (the original: 4000 ms).
    pub busy_ms: f64,
    /// A new request waiting longer than this is *very busy* (the original: 8000 ms).
    pub very_busy_ms: f64,
    /// How long a 1-token ping result stays valid (the original: 30 s).
    pub cache: Duration,
    /// No new ping within this time of the last attempt, failed or not (the original: 10 s).
    pub cooldown: Duration,
    /// A stale cache is refreshed by a ping only when the probe is over this × baseline (3).
    pub ping_trigger_ratio: f64,
    /// Probe over this × baseline reads *busy* (5).
    pub probe_busy_ratio: f64,
    /// Probe over this × baseline reads *normal* (2).
    pub probe_normal_ratio: f64,
    /// Samples during which the baseline only rises (the original: the first 4, `count < 5`).
    pub baseline_warmup: u32,
    /// Weight of a new sample in the baseline's EMA (0.1).
    pub baseline_alpha: f64,
    /// The baseline never reads below this (10 ms).
    pub baseline_floor_ms: f64,
    /// The baseline of a backend with no samples yet (50 ms).
    pub baseline_unknown_ms: f64,
    /// Longest a 1-token ping may take; a ping that times out reads as at least this long.
    pub ping_timeout: Duration,
    /// Use the server's own load figures where it publishes them.
    pub use_native: bool,
    /// Use the timing of our own recent requests (time to first token).
    pub use_request_timing: bool,
    /// Native figures older than this are not used for the level.
    pub native_max_age: Duration,
}

impl Default for LoadSettings {
    fn default() -> Self {
        Self {
            busy_ms: 4000.0,
            very_busy_ms: 8000.0,
            cache: Duration::from_secs(30),
            cooldown: Duration::from_secs(10),
            ping_trigger_ratio: 3.0,
            probe_busy_ratio: 5.0,
            probe_normal_ratio: 2.0,
            baseline_warmup: 5,
            baseline_alpha: 0.1,
            baseline_floor_ms: 10.0,
            baseline_unknown_ms: 50.0,
            ping_timeout: Duration::from_secs(20),
            use_native: true,
            use_request_timing: true,
            native_max_age: Duration::from_secs(5),
        }
    }
}

/// One backend: a server and the model it serves.
#[derive(Clone, PartialEq)]
pub struct BackendConfig {
    /// Unique name, shown in the tray, notifications and logs.
    pub name: String,
    pub role: Role,
    /// Base URL of the server, e.g. `http://127.0.0.1:8080` (a trailing `/v1` is accepted).
    pub url: reqwest::Url,
    /// Model id sent in requests.
    pub model: String,
    pub kind: Kind,
    /// Optional API key (from `api_key_env` or `api_key_file`).
    pub api_key: Option<Secret>,
    pub temperature: f64,
    pub max_tokens: u32,
    /// Longest wait for an answer to start (a whole answer, or a stream's first bytes).
    pub timeout: Duration,
    /// Longest silence between two parts of a streamed answer: a stream that stops flowing
    /// for this long has stalled (a long answer that keeps flowing never times out).
    pub stall_timeout: Duration,
    /// At most this many of our requests in flight at once (none: no limit).
    pub max_concurrent: Option<usize>,
    /// Ask for JSON-schema output (classifier decisions).
    pub structured: Structured,
    /// A command (program and arguments) that starts this server on this machine; Switchboard
    /// runs it when nothing answers at `url` and stops it when it quits (a managed server).
    pub launch: Option<Vec<String>>,
    /// The server answers `/v1/embeddings` (llama-server with `--embeddings`): the router
    /// compares messages with its labelled examples through it as well (`router::embed`).
    pub embeddings: bool,
}

impl fmt::Debug for BackendConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackendConfig")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("url", &crate::secret::redact_url(&self.url))
            .field("model", &self.model)
            .field("kind", &self.kind)
            .field("api_key", &self.api_key)
            .field("temperature", &self.temperature)
            .field("max_tokens", &self.max_tokens)
            .field("timeout", &self.timeout)
            .field("stall_timeout", &self.stall_timeout)
            .field("max_concurrent", &self.max_concurrent)
            .field("structured", &self.structured)
            .field("launch", &self.launch)
            .field("embeddings", &self.embeddings)
            .finish()
    }
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    pub health: HealthSettings,
    pub load: LoadSettings,
    pub chat: ChatSettings,
    /// Which backends the tray colour counts.
    pub tray_scope: TrayScope,
    /// Backends whose flips are not notified (`[tray] mute`).
    pub muted: Vec<String>,
    /// Backends in priority order (within a role, earlier is preferred).
    pub backends: Vec<BackendConfig>,
    /// The calendar tool's accounts, in the order given (new events go to the first writable).
    pub calendars: Vec<CalendarAccount>,
    /// The mail tool's accounts (read only).
    pub mails: Vec<MailAccount>,
    /// The document tool's folders.
    pub documents: DocumentsSettings,
}

/// A configuration error, with where it is.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no configuration file at {}\n  let Switchboard find your local servers with `switchboard-cli config discover`,\n  or write a commented example there with `switchboard-cli config init`,\n  or point to one with --config PATH or ${CONFIG_ENV}", path.display())]
    Missing { path: PathBuf },
    #[error("{}:{line}:{column}: {}{message}", path.display(), key.as_ref().map(|k| format!("`{k}`: ")).unwrap_or_default())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        /// The key the error is about, when there is one.
        key: Option<String>,
        message: String,
    },
    #[error("cannot find a configuration directory (is $HOME set?)")]
    NoConfigDir,
}
