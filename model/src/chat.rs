//! Conversations as the engine stores and streams them: who wrote a message, what the router
//! decided, where a reply stands, and the events of a reply under way.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A language for prompts, notices and labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Ko,
}

impl Lang {
    /// From a locale such as `ko-KR`, `ko_KR.UTF-8`, `en-US` or `C`: Korean for `ko*`.
    pub fn from_locale(locale: &str) -> Lang {
        if locale.trim().to_ascii_lowercase().starts_with("ko") {
            Lang::Ko
        } else {
            Lang::En
        }
    }

    /// The language to answer in: Korean when the user writes Korean, else `self`.
    pub fn for_message(self, text: &str) -> Lang {
        if contains_hangul(text) {
            Lang::Ko
        } else {
            self
        }
    }
}

/// True when `text` has Hangul syllables or jamo.
pub fn contains_hangul(text: &str) -> bool {
    text.chars().any(|c| matches!(c as u32, 0xAC00..=0xD7A3 | 0x1100..=0x11FF | 0x3130..=0x318F))
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatRole {
    User,
    Assistant,
}

impl ChatRole {
    /// The name in the store and in OpenAI-style chat messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ChatRole::User => "user",
            ChatRole::Assistant => "assistant",
        }
    }

    pub fn parse(s: &str) -> Option<ChatRole> {
        [ChatRole::User, ChatRole::Assistant].into_iter().find(|r| r.as_str() == s)
    }
}

/// A role compares equal to its wire name (`role == "user"`).
impl PartialEq<&str> for ChatRole {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for ChatRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the router decided to do with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The classifier answers (small talk, a simple question).
    Direct,
    /// A reasoner answers.
    Route,
    /// The classifier asks the user what they mean.
    Clarify,
    /// A tool call.
    Tools,
    /// The servers' status.
    Status,
}

impl Action {
    pub const ALL: [Action; 5] = [Action::Direct, Action::Route, Action::Clarify, Action::Tools, Action::Status];

    /// The wire and store name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Direct => "direct",
            Action::Route => "route",
            Action::Clarify => "clarify",
            Action::Tools => "tools",
            Action::Status => "status",
        }
    }

    /// The action a model's word names, with the synonyms small models use ("answer",
    /// "reason", "tool_call" ...), in any case.
    pub fn parse(s: &str) -> Option<Action> {
        match s.trim().to_ascii_lowercase().as_str() {
            "direct" | "answer" | "reply" | "chat" => Some(Action::Direct),
            "route" | "reason" | "reasoner" | "delegate" => Some(Action::Route),
            "clarify" | "ask" | "question" => Some(Action::Clarify),
            "tools" | "tool" | "tool_call" => Some(Action::Tools),
            "status" | "system_status" => Some(Action::Status),
            _ => None,
        }
    }

    /// The action whose wire name is exactly `s` (the store's column).
    pub fn from_wire(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Whether this action's `response` field is shown to the user as it streams.
    pub fn streams_response(self) -> bool {
        matches!(self, Action::Direct | Action::Clarify)
    }
}

/// An action reads as its wire name where a string is wanted (`action.as_deref()` on an
/// `Option<Action>` gives `Some("direct")`).
impl std::ops::Deref for Action {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    Streaming,
    Done,
    Stopped,
    Failed,
}

impl MessageState {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageState::Streaming => "streaming",
            MessageState::Done => "done",
            MessageState::Stopped => "stopped",
            MessageState::Failed => "failed",
        }
    }

    /// The state named `s`; anything unknown reads as failed (never as done).
    pub fn parse(s: &str) -> MessageState {
        match s {
            "streaming" => MessageState::Streaming,
            "done" => MessageState::Done,
            "stopped" => MessageState::Stopped,
            _ => MessageState::Failed,
        }
    }
}

/// Why a notice is shown before (or instead of) an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The reasoner is busy: the answer may take longer.
    Busy,
    /// The classifier is down: the message went straight to a reasoner.
    ClassifierDown,
    /// No reasoner is up: the classifier answers itself.
    ReasonerDown,
    /// The small model's answer went in circles (or was a placeholder): the reasoner answers.
    Degenerate,
}

/// What a reply's stream carries, in order: a decision, notices, tokens, then `Done`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatEvent {
    Decision {
        action: Action,
        backend: String,
    },
    Notice {
        kind: NoticeKind,
        text: String,
        wait_ms: Option<f64>,
    },
    Token {
        text: String,
    },
    /// A tool's answer, shown as a card (after the reply's sentence).
    Card {
        card: crate::ToolCard,
    },
    /// Something went wrong; `Done` follows with state `failed`.
    Error {
        message: String,
    },
    Done {
        state: MessageState,
        action: Option<Action>,
        backend: Option<String>,
        model: Option<String>,
        ttft_ms: Option<f64>,
        total_ms: f64,
        tokens: Option<i64>,
    },
}

/// A conversation in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: i64,
    pub title: String,
    pub created_at: String,
    pub updated_at: String,
    /// How many messages it holds.
    pub messages: i64,
    /// The backend every message of it goes to; `None`: routed automatically.
    #[serde(default)]
    pub backend: Option<String>,
}

/// One place a search found: a conversation (by its title) or one of its messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub conversation_id: i64,
    pub conversation_title: String,
    /// The message found; `None` when the title matched.
    pub message_id: Option<i64>,
    pub role: Option<ChatRole>,
    /// The words around the first match (the whole title for a title).
    pub snippet: String,
    pub at: String,
}

/// One stored message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredMessage {
    pub id: i64,
    pub conversation_id: i64,
    pub role: ChatRole,
    pub text: String,
    /// The router's action, for replies.
    pub action: Option<Action>,
    /// The backend that answered, and its model.
    pub backend: Option<String>,
    pub model: Option<String>,
    pub state: MessageState,
    pub error: Option<String>,
    pub ttft_ms: Option<f64>,
    pub total_ms: Option<f64>,
    pub tokens: Option<i64>,
    pub created_at: String,
    /// A tool's answer (events, a draft), shown under the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<crate::ToolCard>,
    /// Replaced by an edit of the user's message before it, or by a regenerated answer: kept
    /// and shown folded, never sent to a model again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replaced: bool,
}

/// Why the conversation store's file was moved aside at start (and a new one started).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetAsideReason {
    /// Damaged, or not a database at all.
    Damaged,
    /// Written by a newer Switchboard (a schema this one does not know).
    Newer,
}
