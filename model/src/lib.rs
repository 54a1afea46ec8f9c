//! Switchboard's shared vocabulary: the plain types every other part speaks, and nothing else.
//!
//! - [`backend`]: what a backend is and how it stands: [`Role`], [`Kind`], [`State`],
//!   [`Level`], [`Source`], [`Cause`] (why a state changed), [`TrayScope`],
//!   [`NotificationKind`].
//! - [`status`]: what the engine publishes about a backend: [`BackendStatus`] and the figures
//!   in it, [`Flip`] and [`LevelChange`] ([`Event`]), the history [`Point`]s of the status plot.
//! - [`chat`]: conversations as they are stored and streamed: [`ChatRole`], [`Action`],
//!   [`MessageState`], [`ChatEvent`], [`Conversation`], [`StoredMessage`], [`Lang`].
//! - [`settings`]: the settings view's forms ([`SettingsView`]), an edit and what saving it did.
//! - [`tool`]: what a tool answers with: a [`ToolCard`] of [`EventRow`]s, or an [`EventDraft`]
//!   waiting for the user's yes ([`DraftState`]).
//!
//! This crate has no behaviour beyond naming and ordering its values, and no I/O: the engine
//! (`switchboard-core`) builds these records, the wire (`switchboard-ipc`) carries them to the
//! window, which reads them without linking the engine. Words shown to users (English and
//! Korean) live in the engine's `i18n`, not here; `as_str` gives each value's wire name.

#![forbid(unsafe_code)]

pub mod backend;
pub mod chat;
pub mod settings;
pub mod status;
pub mod tool;

pub use backend::{Cause, Kind, Level, NotificationKind, Role, Source, State, TrayScope};
pub use chat::{
    Action, ChatEvent, ChatRole, Conversation, Lang, MessageState, NoticeKind, SearchHit, SetAsideReason, StoredMessage,
};
pub use settings::{
    api_key_entry, api_key_test_entry, password_entry, password_test_entry, AccountForm, AccountKind, AccountTest,
    AssistantForm, BackendForm, BackendTest, FieldError, KeyChange, Saved, SettingsEdit, SettingsView, KEYRING_SERVICE,
};
pub use status::{
    BackendStatus, ConfigChange, Event, Flip, LevelChange, NativeLoad, Point, QueueStatus, ServerChange, ServerState,
};
pub use tool::{
    AccountStatus, Attachment, DocRow, DocView, DraftState, EventDraft, EventRow, MailRow, MailView, ToolCard,
};
