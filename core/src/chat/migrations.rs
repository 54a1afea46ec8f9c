//! The store's schema, version by version (`PRAGMA user_version`): each migration runs once,
//! in order, inside a transaction.

use rusqlite::Connection;

pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: conversations and messages.
    "CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        pending_draft TEXT
    );
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        text TEXT NOT NULL,
        action TEXT,
        backend TEXT,
        model TEXT,
        state TEXT NOT NULL,
        error TEXT,
        ttft_ms REAL,
        total_ms REAL,
        tokens INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX messages_by_conversation ON messages(conversation_id, id);",
    // 2: a tool's answer shown as a card (JSON of a `ToolCard`).
    "ALTER TABLE messages ADD COLUMN card TEXT;",
    // 3: messages replaced by an edit or a regenerated answer (kept, shown folded).
    "ALTER TABLE messages ADD COLUMN replaced INTEGER NOT NULL DEFAULT 0;",
    // 4: a conversation's own backend (NULL: routed automatically).
    "ALTER TABLE conversations ADD COLUMN backend TEXT;",
];

/// Brings the database at `conn` to the latest version.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), rusqlite::Error> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(version).unwrap_or(0)) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
