//! Switchboard's GUI-free engine.
//!
//! It keeps a registry of self-hosted LLM servers, watches their health, learns each one's
//! latency baseline and estimates how loaded each is: the level says how long a new request
//! would wait before it starts. The desktop shell and the headless CLI sit on top of it.
//!
//! How the modules fit:
//!
//! - [`config`]: the TOML file (backends, health and load settings); errors name file, line
//!   and key. [`secret`]: API keys that never print, URL redaction.
//! - [`client`]: one shared `reqwest` client; per backend: health probe, 1-token ping, chat
//!   (plain and streamed), kind detection; [`client::native`]: the server's own load figures
//!   (`/metrics`, `/slots`, `/api/ps`) and the wait they imply. [`prometheus`] parses metrics.
//! - [`baseline`]: the probe latency baseline (max of the first samples, then an EMA).
//! - [`hysteresis`]: UP / DOWN / STARTING from consecutive observations.
//! - [`load`]: the level rules (native figures, our own request timing, the original's ping and
//!   probe rules) and when a ping may be taken.
//! - [`queue`]: per-backend in-flight guard and request timing; outcomes are health evidence.
//! - [`backend`]: one backend's shared state and the single-flight ping.
//! - [`monitor`]: the per-backend task that probes, reads load figures and publishes.
//! - [`registry`]: owns backends and monitors; snapshot on a `watch`, [`events`] on a
//!   `broadcast`; clean shutdown. [`status`]: the per-backend report and its table;
//!   [`history`]: its last hour.
//! - [`router`]: classifier → direct / route / clarify / tools / status, streamed from the
//!   first word; fallbacks; stop. [`router::decision`] reads what small models write,
//!   [`router::stream_parse`] reads it while it streams, [`router::prompt`] holds our prompts
//!   (English and Korean), [`router::tools`] checks tool calls.
//! - [`discover`]: first run: finds LLM servers on the usual local ports, or the project's
//!   own llama-server install, and writes a config. [`launch`]: servers Switchboard starts
//!   and stops itself (`launch = [...]` in a backend).
//! - [`store`]: conversations in SQLite (WAL), written as replies stream.
//! - [`ipc`]: the wire between the desktop app's tray process and its window process.
//! - [`notify`]: which flips deserve a desktop notification (coalescing, flapping, pause),
//!   and [`tray`]: the tray's overall level and its icon, for the desktop shell.
//!
//! Time comes from `tokio::time::Instant` everywhere (`std::time::Instant` is banned in
//! `.clippy.toml`), so every cache, cooldown and interval is tested with paused time.

#![forbid(unsafe_code)]

pub mod backend;
pub mod baseline;
pub mod client;
pub mod config;
pub mod discover;
pub mod events;
pub mod history;
pub mod hysteresis;
pub mod ipc;
pub mod launch;
pub mod load;
mod monitor;
pub mod notify;
pub mod prometheus;
pub mod queue;
pub mod registry;
pub mod router;
pub mod secret;
pub mod status;
pub mod store;
pub mod tray;

pub use config::{Config, Role};
pub use events::Event;
pub use hysteresis::State;
pub use load::Level;
pub use registry::Registry;
pub use status::BackendStatus;

/// Logs to stderr, filtered by `RUST_LOG` when it is set, else by `default` (`"warn"`, ...);
/// `targets`: each line names its module.
pub fn init_logging(default: &str, targets: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(targets).init();
}
