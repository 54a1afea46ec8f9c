//! The TOML configuration: backends, health and load settings.
//!
//! Every threshold and interval of the original service is a setting here, with the original's
//! value as the default. Errors name the file, the line, the column and the key; nothing here
//! panics on bad input. API keys are read from an environment variable or a key file and held
//! as [`Secret`]s.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::secret::Secret;

/// Environment variable that overrides the config file's location.
pub const CONFIG_ENV: &str = "SWITCHBOARD_CONFIG";

/// What a backend is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The small model that classifies each message and answers simple ones.
    Classifier,
    /// The big model that answers routed questions.
    Reasoner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Classifier => "classifier",
            Role::Reasoner => "reasoner",
        }
    }

    /// Korean word for the role (status answers, the tray menu).
    pub fn label_ko(self) -> &'static str {
        match self {
            Role::Classifier => "분류",
            Role::Reasoner => "추론",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which server software a backend runs; `auto` is detected from the server's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Auto,
    Llamacpp,
    Vllm,
    Ollama,
    Tgi,
    Sglang,
    Openai,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Auto => "auto",
            Kind::Llamacpp => "llamacpp",
            Kind::Vllm => "vllm",
            Kind::Ollama => "ollama",
            Kind::Tgi => "tgi",
            Kind::Sglang => "sglang",
            Kind::Openai => "openai",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    /// Replaces the built-in classifier instructions (`{name}` is substituted); the date,
    /// pending draft and recent turns are still appended.
    pub classifier_prompt: Option<String>,
    /// Replaces the built-in reasoner persona prompt.
    pub reasoner_prompt: Option<String>,
    /// The conversation database (default: `$XDG_DATA_HOME/switchboard/conversations.sqlite3`).
    pub store: Option<PathBuf>,
}

impl Default for ChatSettings {
    fn default() -> Self {
        Self {
            name: "Ide".into(),
            persona: String::new(),
            language: LangSetting::Auto,
            history_turns: 6,
            classifier_prompt: None,
            reasoner_prompt: None,
            store: None,
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
    /// Longest a whole chat request may take.
    pub timeout: Duration,
    /// At most this many of our requests in flight at once (none: no limit).
    pub max_concurrent: Option<usize>,
    /// Ask for JSON-schema output (classifier decisions).
    pub structured: Structured,
    /// A command (program and arguments) that starts this server on this machine; Switchboard
    /// runs it when nothing answers at `url` and stops it when it quits (a managed server).
    pub launch: Option<Vec<String>>,
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
            .field("max_concurrent", &self.max_concurrent)
            .field("structured", &self.structured)
            .field("launch", &self.launch)
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
    pub tray_scope: crate::tray::TrayScope,
    /// Backends in priority order (within a role, earlier is preferred).
    pub backends: Vec<BackendConfig>,
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
    #[error("{}:{line}:{column}: {message}", path.display())]
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

/// The default location: `$XDG_CONFIG_HOME/switchboard/config.toml`.
pub fn default_path() -> Result<PathBuf, ConfigError> {
    directories::ProjectDirs::from("", "", "switchboard")
        .map(|d| d.config_dir().join("config.toml"))
        .ok_or(ConfigError::NoConfigDir)
}

/// The path to use: `explicit` (from `--config`), else `$SWITCHBOARD_CONFIG`, else the default.
pub fn resolve_path(explicit: Option<&Path>) -> Result<PathBuf, ConfigError> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    match std::env::var_os(CONFIG_ENV) {
        Some(p) if !p.is_empty() => Ok(PathBuf::from(p)),
        _ => default_path(),
    }
}

impl Config {
    /// Reads and validates the file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::Missing { path: path.to_path_buf() })
            }
            Err(source) => return Err(ConfigError::Read { path: path.to_path_buf(), source }),
        };
        Self::parse(&text, path)
    }

    /// Parses and validates `text`; `path` is only used in error messages and to resolve
    /// relative key files.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let at = |span: Option<std::ops::Range<usize>>, key: Option<&str>, message: String| {
            let (line, column) = span.map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            ConfigError::Invalid { path: path.to_path_buf(), line, column, key: key.map(str::to_string), message }
        };
        let raw: raw::File = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            let key = message
                .split('`')
                .nth(1)
                .filter(|_| message.starts_with("unknown field") || message.starts_with("missing field"))
                .map(str::to_string);
            at(e.span(), key.as_deref(), message)
        })?;

        let health = raw.health.into_settings();
        let chat = raw.assistant.into_settings(path);
        let load = raw.load.into_settings();
        if load.very_busy_ms < load.busy_ms {
            return Err(at(None, Some("load.very_busy_ms"), "very_busy_ms must not be below busy_ms".into()));
        }

        let mut backends: Vec<BackendConfig> = Vec::new();
        for b in raw.backend {
            let name = b.name.get_ref().trim().to_string();
            if name.is_empty() {
                return Err(at(Some(b.name.span()), Some("name"), "backend name must not be empty".into()));
            }
            if backends.iter().any(|o| o.name == name) {
                return Err(at(Some(b.name.span()), Some("name"), format!("duplicate backend name `{name}`")));
            }
            let url = parse_url(b.url.get_ref()).map_err(|m| at(Some(b.url.span()), Some("url"), m))?;
            let role = *b.role.get_ref();
            let temperature = b.temperature.unwrap_or(match role {
                Role::Classifier => 0.3,
                Role::Reasoner => 0.7,
            });
            if !(0.0..=2.0).contains(&temperature) {
                return Err(at(
                    Some(b.name.span()),
                    Some("temperature"),
                    format!("temperature {temperature} is outside 0..2"),
                ));
            }
            let max_tokens = b.max_tokens.unwrap_or(match role {
                Role::Classifier => 1024,
                Role::Reasoner => 16000,
            });
            if max_tokens == 0 || b.timeout_secs.is_some_and(|t| t <= 0.0) {
                return Err(at(
                    Some(b.name.span()),
                    Some("max_tokens"),
                    "max_tokens and timeout_secs must be positive".into(),
                ));
            }
            let api_key = match (&b.api_key_env, &b.api_key_file) {
                (Some(_), Some(_)) => {
                    return Err(at(
                        Some(b.name.span()),
                        Some("api_key_env"),
                        "give api_key_env or api_key_file, not both".into(),
                    ))
                }
                (Some(var), None) => match std::env::var(var) {
                    Ok(v) if !v.trim().is_empty() => Some(Secret::new(v.trim())),
                    _ => {
                        return Err(at(
                            Some(b.name.span()),
                            Some("api_key_env"),
                            format!("environment variable `{var}` (api_key_env of backend `{name}`) is not set"),
                        ))
                    }
                },
                (None, Some(file)) => {
                    let file_path = path.parent().unwrap_or(Path::new(".")).join(file);
                    match std::fs::read_to_string(&file_path) {
                        Ok(v) if !v.trim().is_empty() => Some(Secret::new(v.trim())),
                        Ok(_) => {
                            return Err(at(
                                Some(b.name.span()),
                                Some("api_key_file"),
                                format!("key file {} is empty", file_path.display()),
                            ))
                        }
                        Err(e) => {
                            return Err(at(
                                Some(b.name.span()),
                                Some("api_key_file"),
                                format!("cannot read key file {}: {e}", file_path.display()),
                            ))
                        }
                    }
                }
                (None, None) => None,
            };
            let launch = match b.launch {
                None => None,
                Some(argv) => {
                    let span = Some(argv.span());
                    let argv: Vec<String> = argv.into_inner();
                    if argv.first().is_none_or(|p| p.trim().is_empty()) {
                        return Err(at(
                            span,
                            Some("launch"),
                            "launch needs a program: [\"/path/to/server\", \"args\"...]".into(),
                        ));
                    }
                    if !is_loopback(&url) {
                        return Err(at(
                            span,
                            Some("launch"),
                            format!(
                                "launch starts a server on this machine, but url `{url}` is not a loopback address"
                            ),
                        ));
                    }
                    Some(argv)
                }
            };
            backends.push(BackendConfig {
                name,
                role,
                url,
                model: b.model,
                kind: b.kind,
                api_key,
                temperature,
                max_tokens,
                timeout: Duration::from_secs_f64(b.timeout_secs.unwrap_or(120.0)),
                max_concurrent: b.max_concurrent.filter(|n| *n > 0),
                structured: b.structured_output,
                launch,
            });
        }
        for role in [Role::Classifier, Role::Reasoner] {
            if !backends.iter().any(|b| b.role == role) {
                let end = text.len();
                return Err(at(
                    Some(end..end),
                    Some("role"),
                    format!("no backend has role `{role}`: add a [[backend]] with role = \"{role}\""),
                ));
            }
        }
        Ok(Config { health, load, chat, tray_scope: raw.tray.scope, backends })
    }
}

fn parse_url(s: &str) -> Result<reqwest::Url, String> {
    let mut url = reqwest::Url::parse(s.trim()).map_err(|e| format!("invalid url `{s}`: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("invalid url `{s}`: expected http://host:port or https://host:port"));
    }
    // Accept both `http://h:p` and `http://h:p/v1`: store the server root.
    // The stored path always ends in `/` so that `Url::join("v1/...")` appends.
    let path = url.path().trim_end_matches('/').trim_end_matches("/v1").to_string();
    url.set_path(&format!("{path}/"));
    Ok(url)
}

/// Whether `url` names this machine (127.0.0.0/8, ::1 or `localhost`).
pub fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback())
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.len(), |i| before.len() - i - 1) + 1;
    (line, column)
}

/// A commented example written by `config init`.
pub const EXAMPLE: &str = r#"# Switchboard configuration.
# Every [[backend]] is an OpenAI-compatible server (llama.cpp, vLLM, Ollama, LM Studio, SGLang, TGI).
# Within a role, backends are used in the order they appear here.

[[backend]]
name = "small"                  # unique; shown in the tray and in notifications
role = "classifier"             # classifier (small, decides and answers small talk) or reasoner (big)
url = "http://127.0.0.1:8080"   # server root; a trailing /v1 is fine too
model = "smollm2"               # model id sent in requests
kind = "auto"                   # auto | llamacpp | vllm | ollama | tgi | sglang | openai
# temperature = 0.3             # default 0.3 for a classifier, 0.7 for a reasoner
# max_tokens = 1024             # default 1024 for a classifier, 16000 for a reasoner
# timeout_secs = 120            # longest a whole request may take
# max_concurrent = 2            # at most this many of our requests at once (default: no limit)
# structured_output = "auto"    # auto | json_schema | none: JSON-schema output for decisions
# api_key_env = "SMALL_API_KEY" # read the API key from this environment variable,
# api_key_file = "small.key"    # or from this file (relative to this config file)
# launch = ["/usr/local/bin/llama-server", "-m", "small.gguf", "--port", "8080"]
#                               # a server Switchboard starts when nothing answers at url
#                               # (loopback only) and stops when it quits

[[backend]]
name = "big"
role = "reasoner"
url = "http://127.0.0.1:8081"
model = "gemma"

# The assistant. Defaults shown.
[assistant]
# name = "Ide"
# persona = ""                  # a sentence about its manner, added to both prompts
# language = "auto"             # auto (system locale: ko -> Korean, else English) | en | ko
# history_turns = 6             # earlier exchanges given as context
# classifier_prompt = "..."     # replaces the built-in classifier instructions ({name} is substituted)
# reasoner_prompt = "..."       # replaces the built-in reasoner persona
# store = "conversations.sqlite3"  # default: ~/.local/share/switchboard/conversations.sqlite3

# The tray icon's colour. Defaults shown.
[tray]
# scope = "reasoners"           # reasoners (the wait users feel) | all (the worst backend)

# Health monitor. Defaults shown.
[health]
# interval_secs = 30            # health probe of an UP backend (the original's interval)
# probe_timeout_secs = 3        # a probe slower than this is a timeout
# poll_interval_secs = 1        # reads of the server's own load figures (/metrics, /slots)
# rise = 2                      # consecutive successes: DOWN -> UP
# fall = 3                      # consecutive failures: UP -> DOWN
# fall_refused = 2              # consecutive refused connections: UP -> DOWN
# down_probe_min_secs = 1       # probe interval right after going DOWN
# down_probe_max_secs = 15      # longest probe interval in a long outage
# down_backoff_after_secs = 60  # outage length after which probing backs off

# Load levels: how long a new request would wait before it starts.
[load]
# busy_ms = 4000                # wait over this: busy
# very_busy_ms = 8000           # wait over this: very busy
# cache_secs = 30               # a 1-token ping result stays valid this long
# cooldown_secs = 10            # no new ping this soon after the last one (even a failed one)
# ping_trigger_ratio = 3.0      # servers without load figures: ping when probe > 3x baseline
# probe_busy_ratio = 5.0        # probe > 5x baseline: busy
# probe_normal_ratio = 2.0      # probe > 2x baseline: normal
# baseline_warmup = 5           # the first samples only raise the baseline
# baseline_alpha = 0.1          # then an EMA with this weight
# baseline_floor_ms = 10
# baseline_unknown_ms = 50
# ping_timeout_secs = 20
# use_native = true             # read /metrics, /slots, /api/ps where the server has them
# use_request_timing = true     # use the time to first token of our own requests
# native_max_age_secs = 5
"#;

mod raw {
    //! The file's shape, as serde reads it. Unknown keys are errors.
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct File {
        #[serde(default)]
        pub health: Health,
        #[serde(default)]
        pub load: Load,
        #[serde(default)]
        pub assistant: Assistant,
        #[serde(default)]
        pub tray: Tray,
        #[serde(default)]
        pub backend: Vec<Backend>,
    }

    #[derive(Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    pub struct Assistant {
        name: Option<String>,
        persona: Option<String>,
        #[serde(default)]
        language: LangSetting,
        history_turns: Option<usize>,
        classifier_prompt: Option<String>,
        reasoner_prompt: Option<String>,
        store: Option<String>,
    }

    impl Assistant {
        pub fn into_settings(self, config_path: &Path) -> ChatSettings {
            let d = ChatSettings::default();
            let nonempty = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
            ChatSettings {
                name: nonempty(self.name).unwrap_or(d.name),
                persona: self.persona.unwrap_or_default(),
                language: self.language,
                history_turns: self.history_turns.unwrap_or(d.history_turns),
                classifier_prompt: nonempty(self.classifier_prompt),
                reasoner_prompt: nonempty(self.reasoner_prompt),
                store: nonempty(self.store).map(|s| config_path.parent().unwrap_or(Path::new(".")).join(s)),
            }
        }
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Backend {
        pub name: Spanned<String>,
        pub role: Spanned<Role>,
        pub url: Spanned<String>,
        pub model: String,
        #[serde(default)]
        pub kind: Kind,
        pub api_key_env: Option<String>,
        pub api_key_file: Option<String>,
        pub temperature: Option<f64>,
        pub max_tokens: Option<u32>,
        pub timeout_secs: Option<f64>,
        pub max_concurrent: Option<usize>,
        #[serde(default)]
        pub structured_output: Structured,
        pub launch: Option<Spanned<Vec<String>>>,
    }

    #[derive(Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    pub struct Tray {
        #[serde(default)]
        pub scope: crate::tray::TrayScope,
    }

    fn secs(v: Option<f64>, default: Duration) -> Duration {
        v.filter(|s| s.is_finite() && *s > 0.0).map(Duration::from_secs_f64).unwrap_or(default)
    }

    #[derive(Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    pub struct Health {
        interval_secs: Option<f64>,
        probe_timeout_secs: Option<f64>,
        poll_interval_secs: Option<f64>,
        rise: Option<u32>,
        fall: Option<u32>,
        fall_refused: Option<u32>,
        down_probe_min_secs: Option<f64>,
        down_probe_max_secs: Option<f64>,
        down_backoff_after_secs: Option<f64>,
    }

    impl Health {
        pub fn into_settings(self) -> HealthSettings {
            let d = HealthSettings::default();
            HealthSettings {
                interval: secs(self.interval_secs, d.interval),
                probe_timeout: secs(self.probe_timeout_secs, d.probe_timeout),
                poll_interval: secs(self.poll_interval_secs, d.poll_interval),
                rise: self.rise.unwrap_or(d.rise).max(1),
                fall: self.fall.unwrap_or(d.fall).max(1),
                fall_refused: self.fall_refused.unwrap_or(d.fall_refused).max(1),
                down_probe_min: secs(self.down_probe_min_secs, d.down_probe_min),
                down_probe_max: secs(self.down_probe_max_secs, d.down_probe_max),
                down_backoff_after: secs(self.down_backoff_after_secs, d.down_backoff_after),
            }
        }
    }

    #[derive(Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    pub struct Load {
        busy_ms: Option<f64>,
        very_busy_ms: Option<f64>,
        cache_secs: Option<f64>,
        cooldown_secs: Option<f64>,
        ping_trigger_ratio: Option<f64>,
        probe_busy_ratio: Option<f64>,
        probe_normal_ratio: Option<f64>,
        baseline_warmup: Option<u32>,
        baseline_alpha: Option<f64>,
        baseline_floor_ms: Option<f64>,
        baseline_unknown_ms: Option<f64>,
        ping_timeout_secs: Option<f64>,
        use_native: Option<bool>,
        use_request_timing: Option<bool>,
        native_max_age_secs: Option<f64>,
    }

    impl Load {
        pub fn into_settings(self) -> LoadSettings {
            let d = LoadSettings::default();
            LoadSettings {
                busy_ms: self.busy_ms.unwrap_or(d.busy_ms),
                very_busy_ms: self.very_busy_ms.unwrap_or(d.very_busy_ms),
                cache: secs(self.cache_secs, d.cache),
                cooldown: secs(self.cooldown_secs, d.cooldown),
                ping_trigger_ratio: self.ping_trigger_ratio.unwrap_or(d.ping_trigger_ratio),
                probe_busy_ratio: self.probe_busy_ratio.unwrap_or(d.probe_busy_ratio),
                probe_normal_ratio: self.probe_normal_ratio.unwrap_or(d.probe_normal_ratio),
                baseline_warmup: self.baseline_warmup.unwrap_or(d.baseline_warmup),
                baseline_alpha: self.baseline_alpha.unwrap_or(d.baseline_alpha).clamp(0.0, 1.0),
                baseline_floor_ms: self.baseline_floor_ms.unwrap_or(d.baseline_floor_ms),
                baseline_unknown_ms: self.baseline_unknown_ms.unwrap_or(d.baseline_unknown_ms),
                ping_timeout: secs(self.ping_timeout_secs, d.ping_timeout),
                use_native: self.use_native.unwrap_or(d.use_native),
                use_request_timing: self.use_request_timing.unwrap_or(d.use_request_timing),
                native_max_age: secs(self.native_max_age_secs, d.native_max_age),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/etc/sb.toml"))
    }

    const TWO: &str = r#"
[[backend]]
name = "small"
role = "classifier"
url = "http://127.0.0.1:8080/v1"
model = "smol"

[[backend]]
name = "big"
role = "reasoner"
url = "http://127.0.0.1:8081"
model = "gemma"
"#;

    #[test]
    fn example_parses_with_seed_defaults() {
        let c = parse(EXAMPLE).unwrap();
        assert_eq!(c.backends.len(), 2);
        assert_eq!(c.health, HealthSettings::default());
        assert_eq!(c.load, LoadSettings::default());
        assert_eq!(c.health.interval, Duration::from_secs(30));
        assert_eq!(c.load.cache, Duration::from_secs(30));
        assert_eq!(c.load.cooldown, Duration::from_secs(10));
        assert_eq!(c.backends[0].temperature, 0.3);
        assert_eq!(c.backends[1].max_tokens, 16000);
    }

    #[test]
    fn launch_is_for_loopback_servers_only_and_tray_scope_is_a_setting() {
        let launch = "model = \"gemma\"\nlaunch = [\"/usr/bin/llama-server\", \"--port\", \"8081\"]";
        let c = parse(&format!("[tray]\nscope = \"all\"\n{}", TWO.replace("model = \"gemma\"", launch))).unwrap();
        assert_eq!(c.tray_scope, crate::tray::TrayScope::All);
        assert_eq!(c.backends[1].launch.as_deref().map(<[String]>::len), Some(3));
        assert_eq!(parse(TWO).unwrap().tray_scope, crate::tray::TrayScope::Reasoners);
        let remote = TWO.replace("model = \"gemma\"", launch).replace("127.0.0.1:8081", "gpu-box:8081");
        let (line, key, message) = invalid(&remote);
        assert_eq!((line, key.as_deref()), (13, Some("launch")), "{message}");
        assert!(message.contains("loopback"), "{message}");
        let (_, key, _) = invalid(&TWO.replace("model = \"gemma\"", "model = \"gemma\"\nlaunch = []"));
        assert_eq!(key.as_deref(), Some("launch"));
        let (_, key, _) = invalid(&format!("[tray]\nscope = \"some\"\n{TWO}"));
        assert_eq!(key, None);
    }

    #[test]
    fn v1_suffix_is_stripped() {
        let c = parse(TWO).unwrap();
        assert_eq!(c.backends[0].url.as_str(), "http://127.0.0.1:8080/");
    }

    fn invalid(text: &str) -> (usize, Option<String>, String) {
        match parse(text) {
            Err(ConfigError::Invalid { line, key, message, .. }) => (line, key, message),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let text = TWO.replace("model = \"gemma\"", "model = \"gemma\"\ntemprature = 0.2");
        let (line, key, message) = invalid(&text);
        assert_eq!(line, 13, "{message}");
        assert_eq!(key.as_deref(), Some("temprature"));
        let shown = parse(&text).unwrap_err().to_string();
        assert!(shown.starts_with("/etc/sb.toml:13:"), "{shown}");
    }

    #[test]
    fn bad_url_names_line() {
        let (line, key, message) = invalid(&TWO.replace("http://127.0.0.1:8081", "ftp://x"));
        assert_eq!((line, key.as_deref()), (11, Some("url")), "{message}");
        let (line, _, _) = invalid(&TWO.replace("http://127.0.0.1:8081", "not a url"));
        assert_eq!(line, 11);
    }

    #[test]
    fn duplicate_name_names_second() {
        let (line, key, message) = invalid(&TWO.replace("\"big\"", "\"small\""));
        assert_eq!((line, key.as_deref()), (9, Some("name")), "{message}");
        assert!(message.contains("duplicate"));
    }

    #[test]
    fn missing_role_key_and_missing_role() {
        let (line, key, message) = invalid(&TWO.replace("role = \"reasoner\"\n", ""));
        assert_eq!(key.as_deref(), Some("role"), "{message}");
        assert!(line >= 8, "{line}");
        let (_, key, message) = invalid(&TWO.replace("\"reasoner\"", "\"classifier\""));
        assert_eq!(key.as_deref(), Some("role"));
        assert!(message.contains("reasoner"), "{message}");
        let (line, _, message) = invalid(&TWO.replace("\"reasoner\"", "\"thinker\""));
        assert_eq!(line, 10, "{message}");
    }

    #[test]
    fn syntax_error_has_line() {
        let (line, _, _) = invalid("[[backend]]\nname = \"x\nrole = 1\n");
        assert_eq!(line, 2);
    }

    #[test]
    fn api_key_from_env_and_file_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("k.key"), "sk-file-secret\n").unwrap();
        let text = TWO.replace("model = \"smol\"", "model = \"smol\"\napi_key_file = \"k.key\"");
        let c = Config::parse(&text, &dir.path().join("c.toml")).unwrap();
        assert_eq!(c.backends[0].api_key.as_ref().unwrap().expose(), "sk-file-secret");
        assert!(!format!("{c:?}").contains("sk-file-secret"));

        let text = TWO.replace("model = \"smol\"", "model = \"smol\"\napi_key_env = \"SB_TEST_UNSET_KEY_VAR\"");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("SB_TEST_UNSET_KEY_VAR"), "{err}");
    }

    #[test]
    fn thresholds_are_settings() {
        let text = format!("{TWO}\n[load]\nbusy_ms = 1000\nvery_busy_ms = 2000\n[health]\nrise = 4\n");
        let c = parse(&text).unwrap();
        assert_eq!(c.load.busy_ms, 1000.0);
        assert_eq!(c.health.rise, 4);
        let (_, key, _) = invalid(&format!("{TWO}\n[load]\nbusy_ms = 9000\n"));
        assert_eq!(key.as_deref(), Some("load.very_busy_ms"));
    }

    #[test]
    fn missing_file_explains() {
        let err = Config::load(Path::new("/nonexistent/sb.toml")).unwrap_err();
        assert!(matches!(err, ConfigError::Missing { .. }));
        assert!(err.to_string().contains("config init"));
    }
}
