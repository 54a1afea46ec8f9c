//! Events the engine publishes: health flips and level changes. The desktop shell subscribes
//! to these (tray colour, notifications); the CLI's `watch` prints them.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::Role;
use crate::hysteresis::State;
use crate::load::{Level, Source};

/// A backend's health state changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flip {
    pub backend: String,
    pub role: Role,
    pub from: State,
    pub to: State,
    /// Latency of the observation that caused it, when it had one.
    pub latency_ms: Option<f64>,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// A backend's load level changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelChange {
    pub backend: String,
    pub role: Role,
    pub from: Level,
    pub to: Level,
    pub est_wait_ms: Option<f64>,
    pub source: Source,
    pub at: DateTime<Utc>,
}

/// Everything the engine announces.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Flip(Flip),
    Level(LevelChange),
}
