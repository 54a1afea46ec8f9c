//! The documents' full-text index: SQLite FTS5 (its own file), with Korean (and other CJK
//! scripts) indexed as overlapping two-character pieces, the way Lucene's CJK analyzer does:
//! "임대 계약서를" is indexed as "임대 계약 약서 서를", so a search for 계약서 (the phrase
//! "계약 약서") and for 계약 both find it, and a one-syllable search is a prefix. Other text
//! is tokenized by FTS5's `unicode61`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};

/// The most characters of a document kept (and indexed).
pub const MAX_TEXT_CHARS: usize = 2_000_000;

/// Whether `c` is written without spaces between words (Hangul, kana, CJK ideographs).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0xAC00..=0xD7A3 | 0x1100..=0x11FF | 0x3130..=0x318F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// `text` with every run of CJK characters replaced by its overlapping pairs (a lone
/// character stays itself); everything else as it is.
pub fn bigrams(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut String| {
        match run.len() {
            0 => {}
            1 => {
                out.push(' ');
                out.push(run[0]);
                out.push(' ');
            }
            _ => {
                for w in run.windows(2) {
                    out.push(' ');
                    out.push(w[0]);
                    out.push(w[1]);
                }
                out.push(' ');
            }
        }
        run.clear();
    };
    for c in text.chars() {
        if is_cjk(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// An FTS5 query for what the user typed: every word must be there (a CJK word as the phrase
/// of its pairs; one CJK character, or the last Latin word, as a prefix: a lone syllable finds
/// the words it starts, not those it ends). Nothing the user
/// types is FTS5 syntax: each part is a quoted string.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(16).collect();
    let last = words.len().saturating_sub(1);
    let parts: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let cjk: Vec<char> = w.chars().collect();
            if cjk.iter().all(|c| is_cjk(*c)) {
                if cjk.len() == 1 {
                    format!("\"{w}\"*")
                } else {
                    let pairs: Vec<String> = cjk.windows(2).map(|p| p.iter().collect()).collect();
                    format!("\"{}\"", pairs.join(" "))
                }
            } else {
                // Mixed or Latin: as FTS5 would split it (pairs for its CJK part).
                let q = bigrams(w).split_whitespace().collect::<Vec<_>>().join(" ").replace('"', "");
                if i == last && q.chars().all(|c| c.is_alphanumeric() && !is_cjk(c)) {
                    format!("\"{q}\"*")
                } else {
                    format!("\"{q}\"")
                }
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// One document as stored: path, mtime (ms), size, title, text.
pub type Row = (String, i64, i64, String, String);

/// One match.
#[derive(Debug, Clone)]
pub struct Hit {
    pub id: i64,
    pub path: String,
    pub title: String,
}

pub struct Index {
    conn: Mutex<Connection>,
}

#[derive(Debug, thiserror::Error)]
#[error("document index: {0}")]
pub struct IndexError(String);

impl From<rusqlite::Error> for IndexError {
    fn from(e: rusqlite::Error) -> Self {
        IndexError(e.to_string())
    }
}

impl Index {
    pub fn open(path: &Path) -> Result<Index, IndexError> {
        if let Some(dir) = path.parent() {
            crate::private::create_dir(dir).map_err(|e| IndexError(format!("{}: {e}", dir.display())))?;
        }
        let conn = Connection::open(path).map_err(|e| IndexError(format!("{}: {e}", path.display())))?;
        Self::setup(conn)
    }

    pub fn in_memory() -> Result<Index, IndexError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Index, IndexError> {
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS docs (
                 id INTEGER PRIMARY KEY,
                 path TEXT NOT NULL UNIQUE,
                 mtime INTEGER NOT NULL,
                 size INTEGER NOT NULL,
                 title TEXT NOT NULL,
                 text TEXT NOT NULL
             );
             CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');",
        )?;
        Ok(Index { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every indexed file: path → (mtime, size).
    pub fn known(&self) -> Result<HashMap<String, (i64, i64)>, IndexError> {
        let c = self.conn();
        let mut st = c.prepare("SELECT path, mtime, size FROM docs")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The (mtime, size) a file was indexed with.
    pub fn stat(&self, path: &str) -> Result<Option<(i64, i64)>, IndexError> {
        Ok(self
            .conn()
            .query_row("SELECT mtime, size FROM docs WHERE path = ?1", params![path], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// The indexed files under the folder `dir` (a path prefix ending in `/`).
    pub fn known_under(&self, dir: &str) -> Result<HashMap<String, (i64, i64)>, IndexError> {
        let c = self.conn();
        // Every path under dir sorts between "dir/" and "dir0" ('0' follows '/').
        let end = format!("{}0", dir.trim_end_matches('/'));
        let mut st = c.prepare_cached("SELECT path, mtime, size FROM docs WHERE path >= ?1 AND path < ?2")?;
        let rows = st.query_map(params![dir, end], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Adds or replaces the documents in `batch` (path, mtime, size, title, text) in one
    /// transaction.
    pub fn put(&self, batch: &[Row]) -> Result<(), IndexError> {
        let mut c = self.conn();
        let tx = c.transaction()?;
        for (path, mtime, size, title, text) in batch {
            let old: Option<i64> =
                tx.query_row("SELECT id FROM docs WHERE path = ?1", params![path], |r| r.get(0)).optional()?;
            if let Some(id) = old {
                tx.execute("DELETE FROM docs_fts WHERE rowid = ?1", params![id])?;
                tx.execute("DELETE FROM docs WHERE id = ?1", params![id])?;
            }
            tx.execute(
                "INSERT INTO docs (path, mtime, size, title, text) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![path, mtime, size, title, text],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO docs_fts (rowid, title, body) VALUES (?1, ?2, ?3)",
                params![id, bigrams(title), bigrams(text)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn remove(&self, paths: &[String]) -> Result<(), IndexError> {
        let mut c = self.conn();
        let tx = c.transaction()?;
        for path in paths {
            let old: Option<i64> =
                tx.query_row("SELECT id FROM docs WHERE path = ?1", params![path], |r| r.get(0)).optional()?;
            if let Some(id) = old {
                tx.execute("DELETE FROM docs_fts WHERE rowid = ?1", params![id])?;
                tx.execute("DELETE FROM docs WHERE id = ?1", params![id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The best `limit` matches of what the user typed.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<Hit>, IndexError> {
        let Some(q) = fts_query(text) else { return Ok(Vec::new()) };
        let c = self.conn();
        let mut st = c.prepare_cached(
            "SELECT d.id, d.path, d.title FROM docs_fts f JOIN docs d ON d.id = f.rowid
             WHERE docs_fts MATCH ?1 ORDER BY bm25(docs_fts, 5.0, 1.0) LIMIT ?2",
        )?;
        let rows =
            st.query_map(params![q, limit as i64], |r| Ok(Hit { id: r.get(0)?, path: r.get(1)?, title: r.get(2)? }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Up to `limit` documents whose path holds `part` (ASCII letters in any case), newest first.
    pub fn path_holds(&self, part: &str, limit: usize) -> Result<Vec<Hit>, IndexError> {
        let escaped = part.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let c = self.conn();
        let mut st = c.prepare_cached(
            "SELECT id, path, title FROM docs WHERE path LIKE ?1 ESCAPE '\\' ORDER BY mtime DESC LIMIT ?2",
        )?;
        let rows = st.query_map(params![format!("%{escaped}%"), limit as i64], |r| {
            Ok(Hit { id: r.get(0)?, path: r.get(1)?, title: r.get(2)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A document's path, title and text.
    pub fn read(&self, id: i64) -> Result<Option<(String, String, String)>, IndexError> {
        Ok(self
            .conn()
            .query_row("SELECT path, title, text FROM docs WHERE id = ?1", params![id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?)
    }

    /// Merges the index's segments into one (after a bulk load): later small writes then do
    /// not pay for merging the load's many segments.
    pub fn optimize(&self) -> Result<(), IndexError> {
        self.conn()
            .execute_batch("INSERT INTO docs_fts(docs_fts) VALUES('optimize'); PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(())
    }

    pub fn count(&self) -> Result<i64, IndexError> {
        Ok(self.conn().query_row("SELECT COUNT(*) FROM docs", [], |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(path: &str, text: &str) -> (String, i64, i64, String, String) {
        (path.into(), 1, text.len() as i64, path.into(), text.into())
    }

    #[test]
    fn korean_two_syllable_words_and_english_prefixes_are_found() {
        assert_eq!(
            bigrams("임대 계약서를 a").split_whitespace().collect::<Vec<_>>(),
            ["임대", "계약", "약서", "서를", "a"]
        );
        let ix = Index::in_memory().unwrap();
        ix.put(&[
            doc("lease.md", "# 임대 계약서\n보증금과 월세 조건을 확인하세요."),
            doc("notes.txt", "Quarterly budget review for the GPU servers."),
            doc("other.txt", "계획서 초안"),
        ])
        .unwrap();
        let found = |q: &str| ix.search(q, 10).unwrap().into_iter().map(|h| h.path).collect::<Vec<_>>();
        assert_eq!(found("계약서"), vec!["lease.md"]);
        assert_eq!(found("계약"), vec!["lease.md"]);
        assert_eq!(found("월세"), vec!["lease.md"]);
        // One syllable: the start of a word (월 in 월세); not its middle or end (서 in 계약서).
        assert_eq!(found("월"), vec!["lease.md"]);
        assert!(found("서").is_empty());
        assert_eq!(found("budg"), vec!["notes.txt"]);
        assert_eq!(found("gpu servers"), vec!["notes.txt"]);
        assert!(found("계약 budget").is_empty());
        // FTS5 syntax typed by the user is text, not syntax.
        assert!(found("\" OR * NEAR(").is_empty());
        assert!(found("").is_empty());
        // Replaced and removed.
        ix.put(&[doc("notes.txt", "now about 계약")]).unwrap();
        assert_eq!(found("계약").len(), 2);
        assert!(found("budget").is_empty());
        ix.remove(&["lease.md".into()]).unwrap();
        assert_eq!(found("계약"), vec!["notes.txt"]);
        assert_eq!(ix.count().unwrap(), 2);
    }

    #[test]
    fn a_path_part_is_text_not_a_pattern() {
        let ix = Index::in_memory().unwrap();
        ix.put(&[doc("/d/Q2-Roadmap.md", "x"), doc("/d/q2_plan.md", "y"), doc("/d/서버이전계획.docx", "z")]).unwrap();
        let found = |q: &str| ix.path_holds(q, 10).unwrap().into_iter().map(|h| h.path).collect::<Vec<_>>();
        assert_eq!(found("roadmap"), vec!["/d/Q2-Roadmap.md"]);
        assert_eq!(found("이전계획"), vec!["/d/서버이전계획.docx"]);
        assert_eq!(found("q2_"), vec!["/d/q2_plan.md"]);
        assert!(found("%").is_empty() && found("q_-").is_empty());
    }
}
