//! Conversations, persisted in SQLite.
//!
//! - [`store`]: the [`Store`]: conversations and messages (typed roles, actions and states),
//!   written as replies stream; the user's message before anything is sent.
//! - `edit`: messages replaced by an edit or a regenerated answer (kept, folded);
//! - `search`: every conversation searched by title and text ([`Store::search`]);
//! - [`export`]: a conversation as Markdown or JSON;
//! - `migrations`: the schema, version by version.

mod edit;
pub mod export;
mod migrations;
mod search;
pub mod store;

pub use store::{default_path, ReplyMeta, SetAside, SetAsideReason, Store, StoreError};
