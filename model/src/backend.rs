//! What a backend is (its role, its server software) and how it stands (health state, load
//! level and where the level came from, why the state last changed).

use std::fmt;

use serde::{Deserialize, Serialize};

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

/// A backend's health state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Never answered yet, or loading its model.
    Starting,
    Up,
    Down,
}

impl State {
    /// The state as the CLI's table and logs show it.
    pub fn label(self) -> &'static str {
        match self {
            State::Starting => "STARTING",
            State::Up => "UP",
            State::Down => "DOWN",
        }
    }
}

/// Why a backend's health state changed: what the hysteresis saw. The words shown to users
/// are made from it (`switchboard_core::i18n`); decisions (such as "finished loading") read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum Cause {
    /// Its first answer (it was starting).
    Answered,
    /// This many successes in a row (it was down).
    Successes { count: u32 },
    /// It answered that it is loading its model.
    Loading,
    /// This many refused connections in a row.
    Refused { count: u32 },
    /// This many failures in a row, the last a timeout.
    Timeouts { count: u32 },
    /// This many failures in a row, the last one this (an HTTP status, a protocol error).
    Failures { count: u32, last: String },
}

/// A load level: how long a new request would wait before it starts, or the health state
/// when the backend cannot take one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// No work: a new request starts at once.
    Idle,
    /// Working, and a new request still starts at once.
    Normal,
    /// A new request would wait more than the busy threshold (4 s).
    Busy,
    /// A new request would wait more than the very-busy threshold (8 s).
    VeryBusy,
    Starting,
    Down,
}

impl Level {
    /// English label (the original's words).
    pub fn label(self) -> &'static str {
        match self {
            Level::Idle => "idle",
            Level::Normal => "normal",
            Level::Busy => "busy",
            Level::VeryBusy => "very busy",
            Level::Starting => "starting",
            Level::Down => "down",
        }
    }

    /// Rank for "the worst of several": down > very busy > busy > starting > normal > idle.
    pub fn severity(self) -> u8 {
        match self {
            Level::Idle => 0,
            Level::Normal => 1,
            Level::Starting => 2,
            Level::Busy => 3,
            Level::VeryBusy => 4,
            Level::Down => 5,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Where a level came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The health state (down / starting).
    Health,
    /// The server's own figures.
    Native,
    /// The timing of our own requests.
    Requests,
    /// The original's rules: ping, probe against baseline, local queue.
    Seed,
}

/// What a desktop notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Down (told at once).
    Down,
    /// Back up (after it has stayed up a while).
    Up,
    /// Finished loading its model.
    Ready,
    /// Going up and down.
    Flapping,
    /// Its managed server exited and is being started again.
    Restarting,
    /// Its managed server exited too often and is not started again.
    ServerFailed,
}

/// Which backends the tray colour counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TrayScope {
    /// The reasoners (the models whose wait users feel).
    #[default]
    Reasoners,
    /// The worst of every backend.
    All,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_levels() {
        let mut v = [Level::Down, Level::Idle, Level::VeryBusy, Level::Normal, Level::Busy, Level::Starting];
        v.sort_by_key(|l| l.severity());
        assert_eq!(v, [Level::Idle, Level::Normal, Level::Starting, Level::Busy, Level::VeryBusy, Level::Down]);
    }

    #[test]
    fn wire_names() {
        assert_eq!(serde_json::to_string(&Level::VeryBusy).unwrap(), "\"very_busy\"");
        assert_eq!(serde_json::to_string(&Cause::Refused { count: 2 }).unwrap(), r#"{"cause":"refused","count":2}"#);
        assert_eq!(Kind::Llamacpp.to_string(), "llamacpp");
    }
}
