//! The conversation store: SQLite (WAL) in the XDG data dir.
//!
//! The user's message is written before anything is sent; a reply is written as it streams
//! (the router batches), so a crash or a dead backend loses at most the last moment of a reply
//! and never what the user typed. Schema versions live in `PRAGMA user_version`; each
//! migration runs once, in order, inside a transaction.
//!
//! The connection sits behind a std `Mutex`: every call is a short statement, never held
//! across an `.await`.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};

use crate::clock::Clock;
use crate::model::{Action, ChatRole, Conversation, MessageState, StoredMessage, ToolCard};

/// Store errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("conversation store {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("conversation store: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("no conversation {0}")]
    NoConversation(i64),
    #[error("no message {0}")]
    NoMessage(i64),
    #[error("conversation store: cannot write a card: {0}")]
    Card(String),
    #[error("cannot find a data directory (is $HOME set?)")]
    NoDataDir,
    #[error("conversation store {}: damaged ({detail})", path.display())]
    Damaged { path: PathBuf, detail: String },
    #[error("conversation store {}: schema version {found} is newer than this Switchboard's ({known})", path.display())]
    Newer { path: PathBuf, found: i64, known: i64 },
    #[error("conversation store {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl StoreError {
    /// Whether the file itself is unusable (damaged, not a database, or of a newer schema),
    /// rather than out of reach (permissions, a full disk, locked by another process).
    fn unreadable_file(&self) -> Option<SetAsideReason> {
        use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
        match self {
            StoreError::Damaged { .. } => Some(SetAsideReason::Damaged),
            StoreError::Newer { .. } => Some(SetAsideReason::Newer),
            StoreError::Open { source: rusqlite::Error::SqliteFailure(e, _), .. }
                if matches!(e.code, DatabaseCorrupt | NotADatabase) =>
            {
                Some(SetAsideReason::Damaged)
            }
            _ => None,
        }
    }
}

pub use crate::model::SetAsideReason;

/// A store file that could not be used, moved aside (never deleted) so that a fresh one
/// could start.
#[derive(Debug, Clone, PartialEq)]
pub struct SetAside {
    /// Where the old file is now.
    pub moved_to: PathBuf,
    pub reason: SetAsideReason,
    /// The error, as SQLite said it.
    pub detail: String,
}

/// What a reply update carries besides its text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplyMeta {
    pub action: Option<Action>,
    pub backend: Option<String>,
    pub model: Option<String>,
    pub error: Option<String>,
    pub ttft_ms: Option<f64>,
    pub total_ms: Option<f64>,
    pub tokens: Option<i64>,
}

/// The conversation store.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    /// Dates of conversations and messages.
    clock: Clock,
}

/// `$XDG_DATA_HOME/switchboard/conversations.sqlite3`.
pub fn default_path() -> Result<PathBuf, StoreError> {
    directories::ProjectDirs::from("", "", "switchboard")
        .map(|d| d.data_dir().join("conversations.sqlite3"))
        .ok_or(StoreError::NoDataDir)
}

/// `path` with `suffix` added to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

impl Store {
    /// Opens (creating and migrating) the store at `path`, dated by the system clock.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Self::open_with(path, Clock::system())
    }

    /// Like [`Store::open`], dated by `clock`. The file is 0600 in a 0700 folder (SQLite
    /// gives its `-wal` and `-shm` files the database's mode). A damaged file, or one of a
    /// newer schema, is an error here; see [`Store::open_or_set_aside`].
    pub fn open_with(path: &Path, clock: Clock) -> Result<Store, StoreError> {
        let wrap = |source| StoreError::Open { path: path.to_path_buf(), source };
        let io = |source| StoreError::Io { path: path.to_path_buf(), source };
        // Created (empty: SQLite starts a database in it) or tightened, before SQLite opens it.
        crate::private::open_file(path, false).map_err(io)?;
        let conn = Connection::open(path).map_err(wrap)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(wrap)?;
        let check: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0)).map_err(wrap)?;
        if check != "ok" {
            return Err(StoreError::Damaged { path: path.to_path_buf(), detail: check });
        }
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(wrap)?;
        let known = super::migrations::MIGRATIONS.len() as i64;
        if found > known {
            return Err(StoreError::Newer { path: path.to_path_buf(), found, known });
        }
        Self::init(conn, clock).map_err(wrap)
    }

    /// Opens the store at `path`; if the file is damaged or of a newer schema, moves it (and
    /// its `-wal` and `-shm` files) aside as `NAME.damaged-DATE` / `NAME.newer-DATE` and
    /// starts a fresh one, saying where the old one went. Any other error (permissions, a
    /// full disk, a lock) is returned: then nothing is moved.
    pub fn open_or_set_aside(path: &Path, clock: Clock) -> Result<(Store, Option<SetAside>), StoreError> {
        let e = match Self::open_with(path, clock) {
            Ok(store) => return Ok((store, None)),
            Err(e) => e,
        };
        let Some(reason) = e.unreadable_file() else { return Err(e) };
        let tag = match reason {
            SetAsideReason::Damaged => "damaged",
            SetAsideReason::Newer => "newer",
        };
        let stamp = clock.now().format("%Y%m%d-%H%M%S");
        let moved_to = sibling(path, &format!(".{tag}-{stamp}"));
        let io = |source| StoreError::Io { path: path.to_path_buf(), source };
        std::fs::rename(path, &moved_to).map_err(io)?;
        for side in ["-wal", "-shm"] {
            let from = sibling(path, side);
            if from.exists() {
                std::fs::rename(&from, sibling(&moved_to, side)).map_err(io)?;
            }
        }
        tracing::warn!("{e}: moved to {}; a new conversation store is started", moved_to.display());
        let store = Self::open_with(path, clock)?;
        Ok((store, Some(SetAside { moved_to, reason, detail: e.to_string() })))
    }

    /// An in-memory store (tests, benchmarks).
    pub fn in_memory() -> Result<Store, StoreError> {
        Ok(Self::init(Connection::open_in_memory()?, Clock::system())?)
    }

    fn init(mut conn: Connection, clock: Clock) -> Result<Store, rusqlite::Error> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        super::migrations::migrate(&mut conn)?;
        Ok(Store { conn: Mutex::new(conn), clock })
    }

    fn now(&self) -> String {
        self.clock.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }

    pub(super) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn().pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    pub fn create_conversation(&self, title: &str) -> Result<i64, StoreError> {
        let c = self.conn();
        let t = self.now();
        c.execute("INSERT INTO conversations (title, created_at, updated_at) VALUES (?1, ?2, ?2)", params![title, t])?;
        Ok(c.last_insert_rowid())
    }

    pub fn conversations(&self) -> Result<Vec<Conversation>, StoreError> {
        let c = self.conn();
        let mut st = c.prepare(
            "SELECT c.id, c.title, c.created_at, c.updated_at, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id),
                c.backend
             FROM conversations c ORDER BY c.updated_at DESC, c.id DESC",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Conversation {
                id: r.get(0)?,
                title: r.get(1)?,
                created_at: r.get(2)?,
                updated_at: r.get(3)?,
                messages: r.get(4)?,
                backend: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn touch(&self, c: &Connection, id: i64) -> Result<(), StoreError> {
        let n = c.execute("UPDATE conversations SET updated_at = ?1 WHERE id = ?2", params![self.now(), id])?;
        if n == 0 {
            return Err(StoreError::NoConversation(id));
        }
        Ok(())
    }

    pub fn rename(&self, id: i64, title: &str) -> Result<(), StoreError> {
        let c = self.conn();
        let n = c.execute(
            "UPDATE conversations SET title = ?1, updated_at = ?2 WHERE id = ?3",
            params![title, self.now(), id],
        )?;
        if n == 0 {
            return Err(StoreError::NoConversation(id));
        }
        Ok(())
    }

    pub fn delete(&self, id: i64) -> Result<(), StoreError> {
        let n = self.conn().execute("DELETE FROM conversations WHERE id = ?1", params![id])?;
        if n == 0 {
            return Err(StoreError::NoConversation(id));
        }
        Ok(())
    }

    /// Adds a message; returns its id.
    pub fn add_message(
        &self,
        conversation: i64,
        role: ChatRole,
        text: &str,
        state: MessageState,
    ) -> Result<i64, StoreError> {
        let c = self.conn();
        self.touch(&c, conversation)?;
        let t = self.now();
        c.execute(
            "INSERT INTO messages (conversation_id, role, text, state, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![conversation, role.as_str(), text, state.as_str(), t],
        )?;
        Ok(c.last_insert_rowid())
    }

    /// Writes a reply's text, state and metadata (fields left `None` keep their value).
    pub fn update_reply(&self, id: i64, text: &str, state: MessageState, meta: &ReplyMeta) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE messages SET text = ?1, state = ?2, updated_at = ?3,
                action = COALESCE(?4, action), backend = COALESCE(?5, backend), model = COALESCE(?6, model),
                error = COALESCE(?7, error), ttft_ms = COALESCE(?8, ttft_ms), total_ms = COALESCE(?9, total_ms),
                tokens = COALESCE(?10, tokens)
             WHERE id = ?11",
            params![
                text,
                state.as_str(),
                self.now(),
                meta.action.map(Action::as_str),
                meta.backend,
                meta.model,
                meta.error,
                meta.ttft_ms,
                meta.total_ms,
                meta.tokens,
                id
            ],
        )?;
        Ok(())
    }

    pub fn messages(&self, conversation: i64) -> Result<Vec<StoredMessage>, StoreError> {
        let c = self.conn();
        let mut st = c.prepare(
            "SELECT id, conversation_id, role, text, action, backend, model, state, error, ttft_ms, total_ms, tokens, created_at, card, replaced
             FROM messages WHERE conversation_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map(params![conversation], |r| {
            Ok(StoredMessage {
                id: r.get(0)?,
                conversation_id: r.get(1)?,
                // The column's CHECK allows only these two.
                role: ChatRole::parse(&r.get::<_, String>(2)?).unwrap_or(ChatRole::Assistant),
                text: r.get(3)?,
                action: r.get::<_, Option<String>>(4)?.as_deref().and_then(Action::from_wire),
                backend: r.get(5)?,
                model: r.get(6)?,
                state: MessageState::parse(&r.get::<_, String>(7)?),
                error: r.get(8)?,
                ttft_ms: r.get(9)?,
                total_ms: r.get(10)?,
                tokens: r.get(11)?,
                created_at: r.get(12)?,
                // Written by us, read as untrusted all the same: a damaged card is dropped.
                card: r.get::<_, Option<String>>(13)?.and_then(|j| serde_json::from_str(&j).ok()),
                replaced: r.get::<_, i64>(14)? != 0,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn message(&self, id: i64) -> Result<Option<StoredMessage>, StoreError> {
        let conv: Option<i64> = self
            .conn()
            .query_row("SELECT conversation_id FROM messages WHERE id = ?1", params![id], |r| r.get(0))
            .optional()?;
        match conv {
            Some(c) => Ok(self.messages(c)?.into_iter().find(|m| m.id == id)),
            None => Ok(None),
        }
    }

    /// Sets (or replaces) the card shown under a message.
    pub fn set_card(&self, id: i64, card: &ToolCard) -> Result<(), StoreError> {
        let json = serde_json::to_string(card).map_err(|e| StoreError::Card(e.to_string()))?;
        let n = self.conn().execute("UPDATE messages SET card = ?1 WHERE id = ?2", params![json, id])?;
        if n == 0 {
            return Err(StoreError::NoMessage(id));
        }
        Ok(())
    }

    pub fn pending_draft(&self, conversation: i64) -> Result<Option<String>, StoreError> {
        let v: Option<Option<String>> = self
            .conn()
            .query_row("SELECT pending_draft FROM conversations WHERE id = ?1", params![conversation], |r| r.get(0))
            .optional()?;
        v.ok_or(StoreError::NoConversation(conversation))
    }

    pub fn set_pending_draft(&self, conversation: i64, draft: Option<&str>) -> Result<(), StoreError> {
        let n = self
            .conn()
            .execute("UPDATE conversations SET pending_draft = ?1 WHERE id = ?2", params![draft, conversation])?;
        if n == 0 {
            return Err(StoreError::NoConversation(conversation));
        }
        Ok(())
    }

    /// Replies left `streaming` by a crash are marked failed (called at start-up).
    pub fn recover_interrupted(&self) -> Result<usize, StoreError> {
        Ok(self.conn().execute(
            "UPDATE messages SET state = 'failed', error = COALESCE(error, 'interrupted') WHERE state = 'streaming'",
            [],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::migrations::MIGRATIONS;

    #[test]
    fn conversations_and_messages_round_trip() {
        let s = Store::in_memory().unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let c = s.create_conversation("first").unwrap();
        let u = s.add_message(c, ChatRole::User, "hello", MessageState::Done).unwrap();
        let r = s.add_message(c, ChatRole::Assistant, "", MessageState::Streaming).unwrap();
        s.update_reply(
            r,
            "Hi",
            MessageState::Streaming,
            &ReplyMeta { action: Some(Action::Direct), ..Default::default() },
        )
        .unwrap();
        s.update_reply(r, "Hi there", MessageState::Done, &ReplyMeta { ttft_ms: Some(12.5), ..Default::default() })
            .unwrap();
        let m = s.messages(c).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].id, m[0].text.as_str()), (u, "hello"));
        assert_eq!(m[1].text, "Hi there");
        assert_eq!(m[1].action.as_deref(), Some("direct"), "metadata kept across updates");
        assert_eq!(m[1].ttft_ms, Some(12.5));
        assert_eq!(m[1].state, MessageState::Done);
        s.rename(c, "renamed").unwrap();
        assert_eq!(s.conversations().unwrap()[0].title, "renamed");
        assert_eq!(s.conversations().unwrap()[0].messages, 2);
        s.delete(c).unwrap();
        assert!(s.conversations().unwrap().is_empty());
        assert!(s.messages(c).unwrap().is_empty(), "messages go with their conversation");
        assert!(matches!(s.rename(c, "x"), Err(StoreError::NoConversation(_))));
    }

    #[test]
    fn file_store_survives_reopen_and_recovers_interrupted_replies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/c.sqlite3");
        {
            let s = Store::open(&path).unwrap();
            let c = s.create_conversation("x").unwrap();
            s.add_message(c, ChatRole::User, "keep me", MessageState::Done).unwrap();
            s.add_message(c, ChatRole::Assistant, "half", MessageState::Streaming).unwrap();
            s.set_pending_draft(c, Some("{\"title\":\"t\"}")).unwrap();
        }
        let s = Store::open(&path).unwrap();
        assert_eq!(s.recover_interrupted().unwrap(), 1);
        let c = s.conversations().unwrap()[0].id;
        let m = s.messages(c).unwrap();
        assert_eq!(m[0].text, "keep me");
        assert_eq!((m[1].text.as_str(), m[1].state), ("half", MessageState::Failed));
        assert_eq!(s.pending_draft(c).unwrap().as_deref(), Some("{\"title\":\"t\"}"));
        let mode: String = s.conn().pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
    }

    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_store_is_private_and_a_damaged_or_newer_file_is_moved_aside_never_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/conversations.sqlite3");
        let (s, aside) = Store::open_or_set_aside(&path, Clock::system()).unwrap();
        assert!(aside.is_none());
        let c = s.create_conversation("kept").unwrap();
        s.add_message(c, ChatRole::User, "what I typed", MessageState::Done).unwrap();
        drop(s);
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);

        // Not a database at all (a file the user or a tool overwrote).
        let garbage = b"this is not a database, just forty bytes or so of text".repeat(100);
        std::fs::write(&path, &garbage).unwrap();
        let _ = std::fs::remove_file(sibling(&path, "-wal"));
        let _ = std::fs::remove_file(sibling(&path, "-shm"));
        let (s, aside) = Store::open_or_set_aside(&path, Clock::system()).unwrap();
        let aside = aside.expect("moved aside");
        assert_eq!(aside.reason, SetAsideReason::Damaged);
        assert_eq!(std::fs::read(&aside.moved_to).unwrap(), garbage, "the old file is kept as it was");
        assert!(aside.moved_to.to_string_lossy().contains(".damaged-"), "{}", aside.moved_to.display());
        assert!(s.conversations().unwrap().is_empty(), "a fresh store");
        drop(s);

        // Written by a newer Switchboard.
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        assert!(matches!(Store::open_with(&path, Clock::system()), Err(StoreError::Newer { found: 99, .. })));
        let (_, aside) = Store::open_or_set_aside(&path, Clock::system()).unwrap();
        assert_eq!(aside.unwrap().reason, SetAsideReason::Newer);

        // Damaged pages behind a good header: the quick check finds it.
        let (s, _) = Store::open_or_set_aside(&path, Clock::system()).unwrap();
        let c = s.create_conversation("big").unwrap();
        for i in 0..400 {
            s.add_message(c, ChatRole::User, &format!("message {i} {}", "x".repeat(500)), MessageState::Done).unwrap();
        }
        s.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        drop(s);
        let mut bytes = std::fs::read(&path).unwrap();
        for b in bytes.iter_mut().skip(8192).take(16384) {
            *b = 0x5a;
        }
        std::fs::write(&path, &bytes).unwrap();
        let (s, aside) = Store::open_or_set_aside(&path, Clock::system()).unwrap();
        assert_eq!(aside.map(|a| a.reason), Some(SetAsideReason::Damaged));
        assert!(s.conversations().unwrap().is_empty());

        // Out of reach is not damaged: nothing is moved.
        let locked = dir.path().join("locked/conversations.sqlite3");
        std::fs::create_dir_all(locked.parent().unwrap()).unwrap();
        std::fs::create_dir_all(&locked).unwrap(); // a folder where the file should be
        assert!(Store::open_or_set_aside(&locked, Clock::system()).is_err());
        assert!(locked.is_dir(), "left alone");
    }
}
