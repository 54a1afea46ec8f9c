//! What a window (or a second `switchboard`) asks of the engine: one [`Call`] per UI command.

use serde::{Deserialize, Serialize};

/// Which view the window shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    Chat,
    Status,
    Settings,
}

impl View {
    pub fn as_str(self) -> &'static str {
        match self {
            View::Chat => "chat",
            View::Status => "status",
            View::Settings => "settings",
        }
    }

    pub fn parse(s: &str) -> Option<View> {
        [View::Chat, View::Status, View::Settings].into_iter().find(|v| v.as_str() == s)
    }
}

/// One request's command. Each is answered with one [`crate::Answer`] variant, named on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Call {
    /// [`crate::Answer::Statuses`].
    Status,
    /// [`crate::Answer::History`].
    History {
        name: String,
        /// How far back, in seconds (default: the last hour, one point per 10 s); longer
        /// spans come from the history on disk, at most about 720 points.
        #[serde(default)]
        span_secs: Option<u64>,
    },
    /// [`crate::Answer::Statuses`], after a forced measurement of every backend.
    CheckNow,
    /// [`crate::Answer::ToolStatus`]: every tool account's health (probed at most every 30 s).
    ToolStatus,
    /// [`crate::Answer::SearchHits`]: every conversation searched by title and text.
    Search { query: String },
    /// [`crate::Answer::Exported`]: one conversation as `md` (Markdown) or `json`.
    Export { conversation: i64, format: String },
    /// [`crate::Answer::Settings`]: the configuration as the settings view edits it.
    Settings,
    /// [`crate::Answer::Saved`]: the edit written into the configuration file and applied, or
    /// refused (nothing written) with the field at fault.
    EditSettings { edit: switchboard_model::SettingsEdit },
    /// [`crate::Answer::BackendTest`]: a backend tried before it is saved (probe, model list,
    /// one-token answer); `original`: the backend it edits, whose API key it may use.
    TestBackend { original: Option<String>, backend: switchboard_model::BackendForm },
    /// [`crate::Answer::AccountTest`]: a tool account tried before it is saved (reached,
    /// logged in, this week counted); `original`: the account of its kind it edits.
    TestAccount { original: Option<String>, account: switchboard_model::AccountForm },
    /// [`crate::Answer::Found`]: the LLM servers on this machine's usual ports, one form per
    /// model (`managed`: configured already).
    ScanMachine,
    /// [`crate::Answer::Done`]: start (or no longer start) at login.
    SetAutostart { on: bool },
    /// [`crate::Answer::Sent`] (the reply's ids); its events follow as [`crate::Push::Chat`].
    SendMessage { conversation: Option<i64>, text: String },
    /// [`crate::Answer::Stopped`]: whether a reply of that id was running.
    StopReply { reply: i64 },
    /// Like `SendMessage`.
    Retry { conversation: i64 },
    /// Like `SendMessage`: the conversation's last answer again (the old one kept, replaced).
    Regenerate { conversation: i64 },
    /// Like `SendMessage`: user message `message` replaced by `text`, answered from there (the
    /// old messages kept, replaced).
    EditMessage { conversation: i64, message: i64, text: String },
    /// [`crate::Answer::Done`]: every message of the conversation goes to `backend` (`None`:
    /// routed automatically).
    SetConversationBackend { conversation: i64, backend: Option<String> },
    /// [`crate::Answer::Conversations`].
    Conversations,
    /// [`crate::Answer::Messages`].
    Messages { conversation: i64 },
    /// [`crate::Answer::Done`].
    RenameConversation { conversation: i64, title: String },
    /// [`crate::Answer::Done`].
    DeleteConversation { conversation: i64 },
    /// [`crate::Answer::Done`].
    SetPaused { paused: bool },
    /// [`crate::Answer::Locale`].
    Locale,
    /// [`crate::Answer::Notices`]: what the user must be told about the engine's start (a
    /// chat history moved aside).
    StartNotices,
    /// Show the window on `view` (from a second `switchboard` started while one runs).
    /// [`crate::Answer::Done`].
    Open { view: View },
    /// "This connection is a window": the engine sends it UI events from now on. A window
    /// process's first request. [`crate::Answer::Done`].
    Window,
}

/// A call and the id its answer (and a reply's events) will carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Chosen by the caller, unique per connection.
    pub id: u64,
    /// What is asked.
    pub call: Call,
}
