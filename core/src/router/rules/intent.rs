//! Tool requests that name what they want plainly, read by code: searching and reading mail
//! and documents (a calendar event to add, or "when is ...", is `event`'s). The parameters
//! come from the words (and, for "open the second one", from the results the history shows).

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::dates::{self, When};
use super::{any_word, contains_any};
use crate::router::decision::Decision;
use crate::router::prompt::Turn;

pub(super) fn call(tool: &str, operation: &str, params: Map<String, Value>) -> Decision {
    Decision::Tools { tool: tool.into(), operation: operation.into(), params }
}

pub(super) fn one(key: &str, v: impl Into<Value>) -> Map<String, Value> {
    Map::from_iter([(key.to_string(), v.into())])
}

const STOP: &[&str] = &[
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
];

/// Words of a mail asked for by its words that name no sender or subject: recency and date
/// ("latest", "yesterday": the newest is read anyway) and the verbs of sending ("sent", "보낸").
#[rustfmt::skip]
const RECENT: &[&str] = &[
    "latest", "last", "newest", "recent", "most", "yesterday", "today", "sent", "wrote", "says", "said",
    "최근", "최신", "마지막", "제일", "가장", "어제", "오늘", "보낸", "보내온",
];

/// The words worth searching for: `text` without request words, bounded.
fn query(text: &str) -> String {
    let kept = kept_words(text);
    let q = if kept.is_empty() { text.trim().to_string() } else { kept };
    q.chars().take(120).collect()
}

/// `text`'s words without request words (lowercased, particles stripped), or "".
fn kept_words(text: &str) -> String {
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
fn strip_particle(w: &str) -> &str {
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
fn ordinal(t: &str) -> Option<usize> {
    let table: [(&[&str], usize); 4] = [
        (&["first", "1st", "첫 번째", "첫번째", "첫째"], 0),
        (&["second", "2nd", "두 번째", "두번째", "둘째"], 1),
        (&["third", "3rd", "세 번째", "세번째", "셋째"], 2),
        (&["last", "마지막"], usize::MAX),
    ];
    table.iter().find(|(words, _)| contains_any(t, words)).map(|(_, i)| *i)
}

/// The ids tagged `[uid N]` / `[doc N]` in the last assistant turn, in order.
fn listed(history: &[Turn], tag: &str) -> Vec<(String, String)> {
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
fn number_after(t: &str, word: &str) -> Option<String> {
    let i = t.find(word)?;
    let digits: String = t[i + word.len()..].trim_start().chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

/// Which listed item `t` means: by ordinal, or by a word of its title.
fn pick(t: &str, items: &[(String, String)]) -> Option<String> {
    if let Some(i) = ordinal(t) {
        let i = if i == usize::MAX { items.len().checked_sub(1)? } else { i };
        return items.get(i).map(|(id, _)| id.clone());
    }
    let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 3).collect();
    items.iter().find(|(_, title)| words.iter().any(|w| title.contains(w))).map(|(id, _)| id.clone())
}

fn mail(t: &str, ws: &[&str], history: &[Turn], today: NaiveDate) -> Option<Decision> {
    let mail =
        any_word(ws, &["mail", "mails", "email", "emails", "e-mail", "inbox"]) || contains_any(t, &["메일", "편지함"]);
    let messages_from = t.contains("messages from");
    let reads = any_word(ws, &["open", "read", "show"]) || contains_any(t, &["열어", "읽어", "본문", "내용"]);
    // "open the second one" after a list of mails.
    let follow_up = reads && ordinal(t).is_some() && !listed(history, "uid").is_empty();
    if !(mail || messages_from || follow_up) {
        return None;
    }
    if reads {
        if let Some(uid) = number_after(t, "uid") {
            return Some(call("email", "read", one("uid", uid)));
        }
        if let Some(uid) = pick(t, &listed(history, "uid")) {
            return Some(call("email", "read", one("uid", uid)));
        }
    }
    // Unread mail, or mails in the plural to show: a list, so a search.
    let finds = any_word(ws, &["find", "search", "look", "any", "did", "got", "check", "unread", "list"])
        || (reads && any_word(ws, &["mails", "emails"]))
        || contains_any(t, &["찾아", "검색", "왔어", "왔나", "있어", "있나", "확인", "안 읽은", "안읽은"]);
    if !finds {
        // One mail by its words ("read the latest mail from Jane", "민수한테 온 메일 읽어줘"):
        // the newest that they name (a list, "mails", is the model's or a search).
        let one_mail = any_word(ws, &["mail", "email", "e-mail"]) || (t.contains("메일") && !t.contains("메일들"));
        let name: String = kept_words(t)
            .split_whitespace()
            .filter(|w| !RECENT.contains(w) && w.chars().count() >= 2)
            .collect::<Vec<_>>()
            .join(" ");
        let a_name = !name.is_empty() && name.split_whitespace().count() <= 6;
        return (reads && one_mail && a_name).then(|| call("email", "read", one("uid", name)));
    }
    // Nothing left to search for ("show me my unread emails"): the recent mail, all of it.
    let mut params = one("query", kept_words(t).chars().take(120).collect::<String>());
    if let Some(When::Range(a, _)) = dates::parse(t, today) {
        params.insert("days".into(), Value::from((today - a).num_days().clamp(1, 365) + 1));
    }
    Some(call("email", "search", params))
}

/// The extensions of the documents the tool reads (and of those users name).
const EXTENSIONS: &[&str] =
    &["pdf", "docx", "doc", "xlsx", "xls", "pptx", "md", "txt", "html", "htm", "csv", "odt", "hwp"];

/// A file name in `t` ("backup-plan.docx", "서버이전계획.docx"); not a link's
/// ("https://x.com/guide.html") nor a path's.
fn file_name(t: &str) -> Option<&str> {
    t.split_whitespace()
        .filter(|w| !w.contains("://") && !w.contains('/') && !w.starts_with("www."))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .find(|w| w.rsplit_once('.').is_some_and(|(stem, ext)| !stem.is_empty() && EXTENSIONS.contains(&ext)))
}

/// The file names of a numbered list in the last assistant turn ("Found 3: 1. plan.md 2.
/// budget.xlsx"): a list of documents without `[doc N]` tags. An answer that merely mentions
/// a file ("see README.md") is no list.
fn files_listed(history: &[Turn]) -> Vec<String> {
    let Some(last) = history.iter().rev().find(|t| !t.user) else { return Vec::new() };
    let numbered = last.text.contains("1.") && last.text.contains("2.");
    if !numbered {
        return Vec::new();
    }
    let lower = last.text.to_lowercase();
    lower.split_whitespace().filter_map(file_name).map(str::to_string).collect()
}

/// The document a read request names: its file name, or its words without the request's.
fn doc_name(t: &str) -> String {
    let name = file_name(t).map_or_else(|| kept_words(t), str::to_string);
    name.chars().take(64).collect()
}

fn document(t: &str, ws: &[&str], history: &[Turn]) -> Option<Decision> {
    let doc_words = [
        "document",
        "documents",
        "doc",
        "docs",
        "file",
        "files",
        "notes",
        "lease",
        "agreement",
        "contract",
        "minutes",
        "report",
        "pdf",
    ];
    let doc = any_word(ws, &doc_words) || ws.windows(2).any(|w| w == ["tax", "return"]);
    let ko_doc = contains_any(t, &["문서", "파일", "메모", "계약서", "회의록", "보고서", "신고"]);
    let reads = any_word(ws, &["open", "read", "show", "summarise", "summarize"])
        || contains_any(t, &["열어", "읽어", "내용", "보여", "요약"]);
    let untagged = files_listed(history);
    let follow_up = reads && ordinal(t).is_some() && (!listed(history, "doc").is_empty() || !untagged.is_empty());
    let file = file_name(t).is_some();
    if !(doc || ko_doc || follow_up || file) {
        return None;
    }
    if reads {
        let id =
            number_after(t, "doc ").or_else(|| number_after(t, "문서")).or_else(|| pick(t, &listed(history, "doc")));
        if let Some(id) = id {
            return Some(call("document", "read", one("doc_id", id)));
        }
        // "the second one" after a list without tags: the file it names (read by name).
        if let Some(i) = ordinal(t).filter(|_| !untagged.is_empty()) {
            let i = if i == usize::MAX { untagged.len() - 1 } else { i };
            if let Some(name) = untagged.get(i) {
                return Some(call("document", "read", one("doc_id", name.clone())));
            }
        }
    }
    let finds =
        any_word(ws, &["find", "search", "look", "where", "locate"]) || contains_any(t, &["찾아", "검색", "어디"]);
    if finds {
        return Some(call("document", "search", one("query", query(t))));
    }
    // One document, by its name ("summarise backup-plan.docx", "read me the lease pdf"): not
    // documents in the plural, which is a search, unless a file name says which one ("from
    // my documents").
    let plural = !file && (any_word(ws, &["documents", "docs", "files", "notes"]) || t.contains("문서들"));
    // A name is a few words: a pasted text to summarise is not one, nor a question about
    // files in general ("show me how to convert a docx file to pdf"), nor an ordinal with no
    // list to pick from ("open the first report").
    let name = doc_name(t);
    let a_name = !name.is_empty() && name.split_whitespace().count() <= 4;
    let asks_how = contains_any(t, &["how to", "how do", "how can", "어떻게", "방법"]);
    let pasted = contains_any(t, &["pasted", "above", "below", "위에", "아래"]);
    let no_list = ordinal(t).is_some();
    (reads && !plural && a_name && !asks_how && !pasted && !no_list)
        .then(|| call("document", "read", one("doc_id", name)))
}

/// A tool call `text` asks for plainly, or `None`.
pub fn tool_call(text: &str, t: &str, ws: &[&str], today: NaiveDate, history: &[Turn]) -> Option<Decision> {
    super::event::add_event(text, ws, today)
        .or_else(|| super::event::when_is(t, ws, today))
        .or_else(|| mail(t, ws, history, today))
        .or_else(|| document(t, ws, history))
}
