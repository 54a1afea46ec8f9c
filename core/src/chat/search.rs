//! Searching every conversation: titles and message texts, each word of the query found
//! anywhere in them (a substring, so a Korean word of one or two syllables is found inside
//! longer ones, with its particles), case-insensitive for every script that has case. Newest
//! first. A scan, not an index: measured in the store's tests at 50,000 messages.

use rusqlite::params;

use super::store::{Store, StoreError};
use crate::model::{ChatRole, SearchHit};

/// The most hits returned.
pub const MAX_HITS: usize = 50;
/// The longest query read (characters).
const MAX_QUERY: usize = 200;
/// Characters shown on each side of a match.
const AROUND: usize = 40;

/// The words of `query`, lower-cased (at most 8).
fn words(query: &str) -> Vec<String> {
    query.chars().take(MAX_QUERY).collect::<String>().split_whitespace().take(8).map(str::to_lowercase).collect()
}

/// `%word%` for LIKE, with LIKE's own characters escaped (by `\`).
fn like(word: &str) -> String {
    let mut out = String::from("%");
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The words of `text` around the first of `words` found, on one line.
fn snippet(text: &str, words: &[String]) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = flat.chars().collect();
    let lower: Vec<char> = flat.to_lowercase().chars().collect();
    // Lower-casing can change the length (rarely); then the start is as good as any.
    let at = if lower.len() == chars.len() {
        words
            .iter()
            .filter_map(|w| {
                let w: Vec<char> = w.chars().collect();
                lower.windows(w.len().max(1)).position(|win| win == w.as_slice())
            })
            .min()
            .unwrap_or(0)
    } else {
        0
    };
    let start = at.saturating_sub(AROUND);
    let end = (at + AROUND * 2).min(chars.len());
    let mut out: String = chars[start..end].iter().collect();
    if start > 0 {
        out.insert(0, '…');
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// Whether every word is in `text` (case-insensitive).
fn all_in(text: &str, words: &[String]) -> bool {
    let lower = text.to_lowercase();
    words.iter().all(|w| lower.contains(w.as_str()))
}

impl Store {
    /// Conversations whose title, and messages whose text, hold every word of `query`:
    /// titles first, then messages, newest first; at most [`MAX_HITS`].
    pub fn search(&self, query: &str) -> Result<Vec<SearchHit>, StoreError> {
        let words = words(query);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let c = self.conn();
        let mut hits = Vec::new();
        let mut st = c.prepare_cached("SELECT id, title, updated_at FROM conversations ORDER BY updated_at DESC")?;
        let titles = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        for row in titles {
            let (id, title, at) = row?;
            if all_in(&title, &words) {
                hits.push(SearchHit {
                    conversation_id: id,
                    snippet: title.clone(),
                    conversation_title: title,
                    message_id: None,
                    role: None,
                    at,
                });
            }
        }
        // SQLite's LIKE folds ASCII case only: it narrows the scan by the first word (as
        // typed and lower-cased); every word is then checked here, for every script.
        let first = &words[0];
        let mut st = c.prepare_cached(
            "SELECT m.id, m.conversation_id, c.title, m.role, m.text, m.created_at
             FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE m.text LIKE ?1 ESCAPE '\\' OR lower(m.text) LIKE ?1 ESCAPE '\\'
             ORDER BY m.id DESC",
        )?;
        let rows = st.query_map(params![like(first)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        for row in rows {
            if hits.len() >= MAX_HITS {
                break;
            }
            let (id, conversation, title, role, text, at) = row?;
            if !all_in(&text, &words) {
                continue;
            }
            hits.push(SearchHit {
                conversation_id: conversation,
                conversation_title: title,
                message_id: Some(id),
                role: ChatRole::parse(&role),
                snippet: snippet(&text, &words),
                at,
            });
        }
        hits.truncate(MAX_HITS);
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use crate::chat::Store;
    use crate::model::{ChatRole, MessageState};

    fn store() -> Store {
        let s = Store::in_memory().unwrap();
        let a = s.create_conversation("임대 계약 문의").unwrap();
        s.add_message(a, ChatRole::User, "다음 달 계약서를 언제 보내 주시나요?", MessageState::Done).unwrap();
        s.add_message(a, ChatRole::Assistant, "The LEASE is due on Friday.", MessageState::Done).unwrap();
        let b = s.create_conversation("GPU box").unwrap();
        s.add_message(b, ChatRole::User, "why is vLLM slow with 50% of the cache_size?", MessageState::Done).unwrap();
        s
    }

    #[test]
    fn a_two_syllable_korean_word_is_found_inside_longer_words_and_titles() {
        let s = store();
        let hits = s.search("계약").unwrap();
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].message_id, None, "the title first");
        assert_eq!(hits[1].role, Some(ChatRole::User));
        assert!(hits[1].snippet.contains("계약서를"), "{}", hits[1].snippet);
        assert_eq!(s.search("계약서").unwrap().len(), 1);
    }

    #[test]
    fn case_is_ignored_every_word_must_match_and_like_characters_are_literal() {
        let s = store();
        assert_eq!(s.search("lease friday").unwrap().len(), 1);
        assert_eq!(s.search("lease monday").unwrap().len(), 0);
        assert_eq!(s.search("50%").unwrap().len(), 1);
        assert_eq!(s.search("%").unwrap().len(), 1, "% is a character, not a wildcard");
        assert_eq!(s.search("cache_size").unwrap().len(), 1);
        assert_eq!(s.search("cache_siz_").unwrap().len(), 0);
        assert!(s.search("   ").unwrap().is_empty());
    }

    #[test]
    fn fifty_thousand_messages_are_searched_quickly() {
        let s = Store::in_memory().unwrap();
        for c in 0..100 {
            let id = s.create_conversation(&format!("conversation {c}")).unwrap();
            for m in 0..500 {
                let text =
                    format!("message {m} of {c}: the quick brown fox jumps over the lazy dog, 빠른 갈색 여우 {m}");
                s.add_message(id, ChatRole::User, &text, MessageState::Done).unwrap();
            }
        }
        let id = s.create_conversation("needle").unwrap();
        s.add_message(id, ChatRole::User, "계약서 검토", MessageState::Done).unwrap();
        let started = tokio::time::Instant::now();
        let hits = s.search("계약").unwrap();
        let took = started.elapsed();
        assert_eq!(hits.len(), 1);
        println!("search over 50,001 messages: {took:?}");
        assert!(took < std::time::Duration::from_secs(2), "{took:?}");
    }
}
