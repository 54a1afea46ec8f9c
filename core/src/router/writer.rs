//! A streaming reply's writes to the store, batched.

use std::time::Duration;

use tokio::time::Instant;

use crate::chat::{ReplyMeta, Store};
use crate::model::MessageState;

/// How often a streaming reply is written to the store.
const FLUSH_EVERY: Duration = Duration::from_millis(250);

/// Batches a streaming reply's writes.
pub(super) struct Writer<'a> {
    pub(super) store: &'a Store,
    /// The reply's message id.
    pub(super) id: i64,
    /// Everything shown so far.
    pub(super) text: String,
    pub(super) meta: ReplyMeta,
    pub(super) flushed_at: Instant,
}

impl Writer<'_> {
    pub(super) fn push(&mut self, s: &str) {
        self.text.push_str(s);
        if self.flushed_at.elapsed() >= FLUSH_EVERY {
            self.flush(MessageState::Streaming);
        }
    }

    pub(super) fn flush(&mut self, state: MessageState) {
        self.flushed_at = Instant::now();
        if let Err(e) = self.store.update_reply(self.id, &self.text, state, &self.meta) {
            tracing::error!("cannot write reply {}: {e}", self.id);
        }
    }
}
