//! Tool requests that name what they want plainly, read by code: searching and reading mail
//! (`mail`) and documents (`docs`); a calendar event to add, or "when is ...", is `event`'s.
//! The parameters come from the words (and, for "open the second one", from the results the
//! history shows); the helpers they share are here.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::{any_word, contains_any};
use crate::router::decision::Decision;
use crate::router::prompt::Turn;

pub(super) fn call(tool: &str, operation: &str, params: Map<String, Value>) -> Decision {
    Decision::Tools { tool: tool.into(), operation: operation.into(), params }
}

pub(super) fn one(key: &str, v: impl Into<Value>) -> Map<String, Value> {
    Map::from_iter([(key.to_string(), v.into())])
}

pub(super) const STOP: &[&str] = &[
    "find",
    "search",
    "look",
    "for",
    "up",
    "the",
    "a",
    "an",
    "my",
    "me",
    "any",
    "did",
    "i",
    "get",
    "got",
    "in",
    "of",
    "mail",
    "mails",
    "email",
    "emails",
    "inbox",
    "messages",
    "message",
    "new",
    "document",
    "documents",
    "docs",
    "where",
    "are",
    "is",
    "about",
    "that",
    "mention",
    "mentions",
    "show",
    "please",
    "can",
    "you",
    "this",
    "week",
    "from",
    "open",
    "read",
    "summarise",
    "summarize",
    "summary",
    "file",
    "what",
    "s",
    "does",
    "it",
    "say",
    "says",
    "unread",
    "list",
    "안",
    "his",
    "her",
    "their",
    "anything",
    "word",
    "heard",
    "온거",
    "온",
    "거",
    "뭐",
    "연락",
    "뭐라고",
];

/// Words of a mail asked for by its words that name no sender or subject: recency and date
/// ("latest", "yesterday": the newest is read anyway) and the verbs of sending ("sent", "보낸").
#[rustfmt::skip]
pub(super) const RECENT: &[&str] = &[
    "latest", "last", "newest", "recent", "most", "yesterday", "today", "sent", "wrote", "says", "said",
    "최근", "최신", "마지막", "제일", "가장", "어제", "오늘", "보낸", "보내온",
];

/// The words worth searching for: `text` without request words, bounded.
pub(super) fn query(text: &str) -> String {
    let kept = kept_words(text);
    let q = if kept.is_empty() { text.trim().to_string() } else { kept };
    q.chars().take(120).collect()
}

/// `text`'s words without request words (lowercased, particles stripped), or "".
pub(super) fn kept_words(text: &str) -> String {
    let lower = text.to_lowercase();
    let kept: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .filter(|w| {
            // Request words, and the tool's own name with its particle ("메일에서", "문서에서").
            ![
                "찾아줘",
                "찾아",
                "검색해줘",
                "검색",
                "있어",
                "왔어",
                "어디",
                "있지",
                "찾아봐",
                "메일",
                "이메일",
                "편지함",
                "문서",
                "파일",
                "열어",
                "읽어",
                "읽은",
                "요약",
                "보여",
            ]
            .iter()
            .any(|s| w.starts_with(s))
        })
        .map(strip_particle)
        .collect();
    kept.join(" ")
}

/// A Korean word without its trailing particle ("계약서를" → "계약서"): a search for the word
/// as written would not find the bare noun in a mail.
pub(super) fn strip_particle(w: &str) -> &str {
    for p in [
        "한테서",
        "에게서",
        "한테",
        "에게",
        "에서",
        "으로",
        "부터",
        "까지",
        "를",
        "을",
        "이",
        "가",
        "은",
        "는",
        "도",
        "와",
        "과",
        "로",
        "의",
        "좀",
    ] {
        if let Some(stem) = w.strip_suffix(p) {
            if stem.chars().count() >= 2 && stem.chars().all(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)) {
                return stem;
            }
        }
    }
    w
}

/// "first", "second", "두 번째", "마지막": 0-based, or `usize::MAX` for the last.
pub(super) fn ordinal(t: &str) -> Option<usize> {
    let table: [(&[&str], usize); 5] = [
        (&["first", "1st", "첫 번째", "첫번째", "첫째"], 0),
        (&["second", "2nd", "두 번째", "두번째", "둘째"], 1),
        (&["third", "3rd", "세 번째", "세번째", "셋째"], 2),
        (&["fourth", "네 번째", "네번째", "넷째"], 3),
        // "the last one", not "from last week".
        (&["the last", "last one", "마지막"], usize::MAX),
    ];
    // "1번 문서", "2번 메일", "3번꺼": an item by its number (not "3번 읽어봐", three times).
    let numbered = t.char_indices().find_map(|(i, c)| {
        let n = c.to_digit(10).filter(|n| (1..=9).contains(n))?;
        let before = t[..i].chars().next_back();
        let rest = t[i + 1..].strip_prefix("번")?;
        #[rustfmt::skip]
        let item = [
            "째", "꺼", " 거", " 문서", " 메일", " 파일", " 항목", " 일정", " 전문", " 본문", " 내용", " 보여", " 열어",
        ].iter().any(|s| rest.starts_with(s));
        (item && !before.is_some_and(|b| b.is_ascii_digit())).then(|| n as usize - 1)
    });
    table.iter().find(|(words, _)| contains_any(t, words)).map(|(_, i)| *i).or(numbered)
}

/// An item named by its place alone ("the second one", "2nd", "두번째 거", "2번은?", "#2
/// please"; not "wait a second", "last one's spam"): its index, `usize::MAX` for the last.
pub(super) fn by_place(t: &str, ws: &[&str]) -> Option<usize> {
    #[rustfmt::skip]
    const FILL: &[&str] = &[
        "the", "one", "mail", "email", "pls", "please", "ok", "open", "and", "거", "꺼", "거요", "걸로", "메일",
        "열어줘", "그럼", "그리고",
    ];
    let rest: Vec<&str> = ws.iter().copied().filter(|w| !FILL.contains(w)).collect();
    let [w] = rest[..] else { return None };
    let w = w.trim_end_matches(['은', '는', '요']);
    match w {
        "first" | "1st" | "첫번째" | "첫째" => Some(0),
        "second" | "2nd" | "두번째" | "둘째" => Some(1),
        "third" | "3rd" | "세번째" | "셋째" => Some(2),
        "fourth" | "4th" | "네번째" | "넷째" => Some(3),
        "last" | "마지막" => Some(usize::MAX),
        _ => {
            let n = w.strip_suffix("번째").or(w.strip_suffix('번')).or(t.contains('#').then_some(w))?;
            n.parse::<usize>().ok().filter(|n| (1..=9).contains(n)).map(|n| n - 1)
        }
    }
}

/// The ids tagged `[uid N]` / `[doc N]` in the last assistant turn, in order.
pub(super) fn listed(history: &[Turn], tag: &str) -> Vec<(String, String)> {
    let Some(last) = history.iter().rev().find(|t| !t.user) else { return Vec::new() };
    let mut out = Vec::new();
    let mut rest = last.text.as_str();
    let open = format!("[{tag} ");
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let Some(end) = after.find(']') else { break };
        let id = after[..end].trim().to_string();
        // A title ends at the next item (", [" in a sentence) or at the end of its line.
        let title_end = [after[end..].find(", ["), after[end..].find('\n')]
            .into_iter()
            .flatten()
            .min()
            .map_or(after.len(), |j| end + j);
        out.push((id, after[end + 1..title_end].to_lowercase()));
        rest = &after[end..];
    }
    out
}

/// The number after `word` ("uid 4521", "doc 31", "문서 31번").
pub(super) fn number_after(t: &str, word: &str) -> Option<String> {
    let i = t.find(word)?;
    let digits: String = t[i + word.len()..].trim_start().chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

/// Which listed item `t` means: by ordinal, or by a word of its title.
pub(super) fn pick(t: &str, items: &[(String, String)]) -> Option<String> {
    if let Some(i) = ordinal(t) {
        let i = if i == usize::MAX { items.len().checked_sub(1)? } else { i };
        return items.get(i).map(|(id, _)| id.clone());
    }
    let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 3).collect();
    items.iter().find(|(_, title)| words.iter().any(|w| title.contains(w))).map(|(id, _)| id.clone())
}

/// The items of a numbered list ("1. Jina — PR review 2. Hetzner — invoice", "1) ... 2) ...")
/// in the last assistant turn, lower case; none unless it has a "1" and a "2".
pub(super) fn numbered(history: &[Turn]) -> Vec<String> {
    let Some(last) = history.iter().rev().find(|t| !t.user) else { return Vec::new() };
    let text = last.text.to_lowercase();
    // A marker starts the text or follows a space, a colon or a line's end, and is not part
    // of a number or a date ("2026. 12. 2.", "€12. ").
    let marker = |rest: &str, n: u32| {
        [format!("{n}. "), format!("{n}) ")]
            .iter()
            .flat_map(|m| rest.match_indices(m.as_str()).map(|(i, _)| i).collect::<Vec<_>>())
            .filter(|&i| i == 0 || rest[..i].ends_with([' ', ':', '\n']))
            .filter(|&i| !rest[..i].trim_end().ends_with(|c: char| c.is_ascii_digit() || c == '.'))
            .min()
    };
    let mut items: Vec<String> = Vec::new();
    let mut rest = text.as_str();
    for n in 1..=9 {
        let Some(i) = marker(rest, n) else { break };
        if let Some(prev) = items.last_mut() {
            *prev = rest[..i].lines().next().unwrap_or_default().trim().to_string();
        }
        rest = &rest[i + 3..];
        // An item ends at the next marker or at its line's end.
        items.push(rest.lines().next().unwrap_or_default().trim().to_string());
    }
    if items.len() < 2 {
        return Vec::new();
    }
    items
}

/// Whether the user's turn before names one of `en` (whole words) or `ko` (inside words).
pub(super) fn user_before(history: &[Turn], en: &[&str], ko: &[&str]) -> bool {
    history.iter().rev().find(|t| t.user).is_some_and(|t| {
        let lower = t.text.to_lowercase();
        any_word(&super::words(&lower), en) || contains_any(&lower, ko)
    })
}

/// A tool call `text` asks for plainly, or `None`.
pub fn tool_call(text: &str, t: &str, ws: &[&str], today: NaiveDate, history: &[Turn]) -> Option<Decision> {
    super::event::add_event(text, ws, today, history)
        .or_else(|| super::event::when_is(t, ws, today))
        .or_else(|| super::mail::mail(t, ws, history, today))
        .or_else(|| super::docs::document(t, ws, history))
}
