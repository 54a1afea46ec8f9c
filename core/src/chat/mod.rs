//! Conversations, persisted in SQLite.
//!
//! - [`store`]: the [`Store`]: conversations and messages (typed roles, actions and states),
//!   written as replies stream; the user's message before anything is sent.
//! - `migrations`: the schema, version by version.

mod migrations;
pub mod store;

pub use store::{default_path, ReplyMeta, SetAside, SetAsideReason, Store, StoreError};
