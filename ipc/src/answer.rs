//! What each [`crate::Call`] is answered with.
//!
//! One tagged enum rather than a type per call: every answer travels in the same
//! [`crate::Push::Reply`], and the window keeps its waiting calls in one map of one channel
//! type. The variant is fixed per call (each [`crate::Call`] variant names its own); a caller
//! that gets another one reports [`crate::ErrorKind::Protocol`] (see [`Answer::kind`]).

use serde::{Deserialize, Serialize};
use switchboard_model::{
    AccountStatus, BackendForm, BackendStatus, BackendTest, Conversation, Lang, Point, Saved, SearchHit, SettingsView,
    StoredMessage,
};

/// The ids of a reply under way (the answer to `SendMessage` and `Retry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    /// The conversation it is in (a new one when none was given).
    pub conversation_id: i64,
    /// The user's message, stored before anything else.
    pub user_message_id: i64,
    /// The reply being written: the id `StopReply` takes.
    pub reply_message_id: i64,
}

/// A successful answer. On the wire `{"answer": "<variant>", "value": ...}`; the web UI gets
/// only the value (the window unwraps it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "answer", content = "value", rename_all = "snake_case")]
pub enum Answer {
    /// Every backend's status (`Status`, `CheckNow`).
    Statuses(Vec<BackendStatus>),
    /// One backend's last hour (`History`).
    History(Vec<Point>),
    /// A reply started (`SendMessage`, `Retry`).
    Sent(Sent),
    /// Whether a running reply was stopped (`StopReply`).
    Stopped(bool),
    /// The conversation list (`Conversations`).
    Conversations(Vec<Conversation>),
    /// One conversation's messages (`Messages`).
    Messages(Vec<StoredMessage>),
    /// The app's language (`Locale`).
    Locale(Lang),
    /// Sentences for the user (`StartNotices`).
    Notices(Vec<String>),
    /// Every tool account's health (`ToolStatus`).
    ToolStatus(Vec<AccountStatus>),
    /// Where a search found its words (`Search`).
    SearchHits(Vec<SearchHit>),
    /// A conversation exported (`Export`).
    Exported(String),
    /// The settings view's content (`Settings`).
    Settings(SettingsView),
    /// What a save did (`EditSettings`).
    Saved(Saved),
    /// A backend tried (`TestBackend`).
    BackendTest(BackendTest),
    /// A tool account tried (`TestAccount`).
    AccountTest(switchboard_model::AccountTest),
    /// Servers found on this machine (`ScanMachine`).
    Found(Vec<BackendForm>),
    /// Done, nothing to say (`RenameConversation`, `DeleteConversation`, `SetPaused`, `Open`,
    /// `Window`); the web UI gets `null`.
    Done,
}

impl Answer {
    /// The variant's name, as on the wire (for an error saying which answer came).
    pub fn kind(&self) -> &'static str {
        match self {
            Answer::Statuses(_) => "statuses",
            Answer::History(_) => "history",
            Answer::Sent(_) => "sent",
            Answer::Stopped(_) => "stopped",
            Answer::Conversations(_) => "conversations",
            Answer::Messages(_) => "messages",
            Answer::Locale(_) => "locale",
            Answer::Notices(_) => "notices",
            Answer::ToolStatus(_) => "tool_status",
            Answer::SearchHits(_) => "search_hits",
            Answer::Exported(_) => "exported",
            Answer::Settings(_) => "settings",
            Answer::Saved(_) => "saved",
            Answer::BackendTest(_) => "backend_test",
            Answer::AccountTest(_) => "account_test",
            Answer::Found(_) => "found",
            Answer::Done => "done",
        }
    }
}
