//! Messages replaced by an edit of the user's message, or by a regenerated answer: marked,
//! not deleted, so that the window can still show them (folded) while no model sees them.
//! And a conversation's own backend, when the user chose one.

use rusqlite::{params, OptionalExtension};

use super::store::{Store, StoreError};

impl Store {
    /// Marks user message `message` of `conversation`, and everything after it, replaced (an
    /// edit of that message); how many were marked. An unknown message, or one that is not
    /// the user's or already replaced, is an error.
    pub fn replace_from(&self, conversation: i64, message: i64) -> Result<usize, StoreError> {
        let c = self.conn();
        let found: Option<String> = c
            .query_row(
                "SELECT role FROM messages WHERE id = ?1 AND conversation_id = ?2 AND replaced = 0",
                params![message, conversation],
                |r| r.get(0),
            )
            .optional()?;
        if found.as_deref() != Some("user") {
            return Err(StoreError::NoMessage(message));
        }
        Ok(c.execute(
            "UPDATE messages SET replaced = 1 WHERE conversation_id = ?1 AND id >= ?2 AND replaced = 0",
            params![conversation, message],
        )?)
    }

    /// Sends every message of `conversation` to `backend` from now on (`None`: routed
    /// automatically again).
    pub fn set_backend(&self, conversation: i64, backend: Option<&str>) -> Result<(), StoreError> {
        let n = self
            .conn()
            .execute("UPDATE conversations SET backend = ?1 WHERE id = ?2", params![backend, conversation])?;
        if n == 0 {
            return Err(StoreError::NoConversation(conversation));
        }
        Ok(())
    }

    /// The backend `conversation` is sent to, when one was chosen.
    pub fn backend_of(&self, conversation: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT backend FROM conversations WHERE id = ?1", params![conversation], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// Marks every message after user message `message` replaced (its answer, regenerated).
    pub fn replace_after(&self, conversation: i64, message: i64) -> Result<usize, StoreError> {
        Ok(self.conn().execute(
            "UPDATE messages SET replaced = 1 WHERE conversation_id = ?1 AND id > ?2 AND replaced = 0",
            params![conversation, message],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use crate::chat::{Store, StoreError};
    use crate::model::{ChatRole, MessageState};

    #[test]
    fn an_edit_replaces_the_message_and_what_followed_and_keeps_them() {
        let s = Store::in_memory().unwrap();
        let c = s.create_conversation("t").unwrap();
        let u1 = s.add_message(c, ChatRole::User, "one", MessageState::Done).unwrap();
        let a1 = s.add_message(c, ChatRole::Assistant, "answer one", MessageState::Done).unwrap();
        let u2 = s.add_message(c, ChatRole::User, "two", MessageState::Done).unwrap();
        s.add_message(c, ChatRole::Assistant, "answer two", MessageState::Done).unwrap();
        assert!(matches!(s.replace_from(c, a1), Err(StoreError::NoMessage(_))), "only a user's message is edited");
        assert_eq!(s.replace_from(c, u2).unwrap(), 2);
        assert!(matches!(s.replace_from(c, u2), Err(StoreError::NoMessage(_))), "not twice");
        let all = s.messages(c).unwrap();
        assert_eq!(all.len(), 4, "kept");
        assert_eq!(all.iter().map(|m| m.replaced).collect::<Vec<_>>(), [false, false, true, true]);
        assert_eq!(s.replace_after(c, u1).unwrap(), 1, "the answer to one, regenerated");
        assert!(s.messages(c).unwrap()[1].replaced);
    }
}
