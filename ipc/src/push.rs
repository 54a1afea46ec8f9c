//! What the engine sends a window: answers, a reply's events, and events for the web UI.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use switchboard_model::{BackendStatus, ChatEvent, ConfigChange};

use crate::{Answer, View, WireError};

/// Events for the web UI, with their payload; [`UiEvent::name`] is what its JavaScript
/// listens to, [`UiEvent::payload`] what it receives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", content = "payload", rename_all = "snake_case")]
pub enum UiEvent {
    /// Every backend's status, on each change (pushed by the tray app).
    Status(Vec<BackendStatus>),
    /// Show this view (emitted by the window when the tray asked for it: [`Push::Show`]).
    Show(View),
    /// The configuration changed (applied, or refused and the running one kept).
    Config(ConfigChange),
}

impl UiEvent {
    /// The event's name in the web UI.
    pub fn name(&self) -> &'static str {
        match self {
            UiEvent::Status(_) => "status",
            UiEvent::Show(_) => "show",
            UiEvent::Config(_) => "config",
        }
    }

    /// The payload as the web UI receives it.
    pub fn payload(&self) -> serde_json::Result<Value> {
        match self {
            UiEvent::Status(rows) => serde_json::to_value(rows),
            UiEvent::Show(view) => serde_json::to_value(view),
            UiEvent::Config(change) => serde_json::to_value(change),
        }
    }
}

/// What the engine sends a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Push {
    /// The answer to request `id`.
    Reply { id: u64, result: Result<Answer, WireError> },
    /// One event of the reply that request `id` started.
    Chat { id: u64, event: ChatEvent },
    /// That reply's events are over.
    ChatEnd { id: u64 },
    /// An event for the web UI.
    Emit { event: UiEvent },
    /// The tray asked for a view.
    Show { view: View },
}
