//! Switchboard's GUI-free engine.
//!
//! It keeps a registry of self-hosted LLM servers, watches their health, learns each one's
//! latency baseline and estimates how loaded each is: the level says how long a new request
//! would wait before it starts. A router sends every chat message through a small classifier
//! model to the right place. The desktop app and the headless CLI sit on top of it.
//!
//! The modules form layers; each imports only from layers below it (a test,
//! `tests/it/layers.rs`, reads these sources and fails on an import that runs upward):
//!
//! 0. [`model`]: the shared vocabulary (roles, states, levels, statuses, chat events), from
//!    the `switchboard-model` crate. [`secret`]: API keys that never print, URL redaction.
//!    [`clock`]: wall-clock time, injectable. [`private`]: folders 0700 and files 0600.
//! 1. [`i18n`]: every word shown to a user, English and Korean. [`secret_store`]: passwords
//!    and API keys in the desktop keyring.
//! 2. [`config`]: the TOML file; errors name file, line, column and key.
//! 3. [`client`]: one shared `reqwest` client; per backend: probe, ping, chat (SSE), kind
//!    detection, model lists.
//! 4. [`health`]: what an answer says about a backend ([`health::Observation`]) and the
//!    UP / DOWN / STARTING hysteresis.
//! 5. [`load`]: how loaded a backend is: the level rules, the probe baseline, our in-flight
//!    requests, the server's own figures and the wait they imply. [`servers`]: first-run
//!    discovery and managed servers (`launch = [...]`).
//! 6. [`registry`]: owns every backend and its monitor task; snapshot on a `watch`, events on
//!    a `broadcast`; clean shutdown. [`chat`]: conversations in SQLite. [`tools`]: calendars
//!    (and, to come, mail and documents) on the user's own servers and files.
//! 7. [`router`]: classifier → direct / route / clarify / tools / status, streamed from the
//!    first word; fallbacks; stop.
//! 8. [`engine`]: the one start-up (store, registry, router) used by the CLI and the tray app.
//! 9. For the desktop: [`notify`]: which flips deserve a notification; [`tray`]: the tray's
//!    overall level and its icon pixels.
//!
//! Time comes from `tokio::time::Instant` everywhere (`std::time::Instant` is banned in
//! `.clippy.toml`), so every cache, cooldown and interval is tested with paused time; dates
//! come from a [`clock::Clock`], so a test can fix "today".

#![forbid(unsafe_code)]

pub mod chat;
pub mod client;
pub mod clock;
pub mod config;
pub mod engine;
pub mod health;
pub mod i18n;
pub mod load;
pub mod model;
pub mod notify;
pub mod private;
pub mod registry;
pub mod router;
pub mod secret;
pub mod secret_store;
pub mod servers;
pub mod tools;
pub mod tray;

pub use chat::Store;
pub use config::Config;
pub use engine::{Engine, EngineError};
pub use model::{BackendStatus, Event, Level, Role, State};
pub use registry::Registry;
pub use router::Router;

/// Logs to stderr, filtered by `RUST_LOG` when it is set, else by `default` (`"warn"`, ...);
/// `targets`: each line names its module.
pub fn init_logging(default: &str, targets: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(targets).init();
}
