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
        // "the last one", not "from last week".
        (&["the last", "last one", "마지막"], usize::MAX),
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

/// The items of a numbered list ("1. Jina — PR review 2. Hetzner — invoice", "1) ... 2) ...")
/// in the last assistant turn, lower case; none unless it has a "1" and a "2".
fn numbered(history: &[Turn]) -> Vec<String> {
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
fn user_before(history: &[Turn], en: &[&str], ko: &[&str]) -> bool {
    history.iter().rev().find(|t| t.user).is_some_and(|t| {
        let lower = t.text.to_lowercase();
        any_word(&super::words(&lower), en) || contains_any(&lower, ko)
    })
}

/// Whether the user's turn before asked for documents ("보험 관련 문서 있어?").
fn docs_before(history: &[Turn]) -> bool {
    user_before(
        history,
        &["doc", "docs", "document", "documents", "file", "files", "notes"],
        &["문서", "파일", "서류", "자료", "메모", "기획서", "계약서", "보고서", "회의록", "이력서", "명세서", "논문"],
    )
}

/// Whether the user's turn before was about mail.
fn mail_before(history: &[Turn]) -> bool {
    user_before(history, &["mail", "mails", "email", "emails", "inbox"], &["메일", "편지함"])
}

/// "anything from hetzner?", "집주인한테 연락 온거 있어?", "AWS에서 온 거 뭐 있나?": mail from
/// someone, asked without the word mail.
fn from_someone(t: &str, ws: &[&str], today: NaiveDate) -> bool {
    // Someone, not a decade ("anything from the 90s worth watching?").
    let en =
        ["anything from ", "any word from ", "did i hear from ", "have i heard from "].iter().any(|p| t.starts_with(p))
            && ws.len() <= 7
            && !t.contains(|c: char| c.is_ascii_digit())
            && dates::parse(t, today).is_none();
    // Someone with 한테 / 에게 / 에서 ("새로 나온 거" is no mail).
    #[rustfmt::skip]
    let ko = contains_any(t, &[
        "한테 온", "한테서 온", "에게서 온", "에게 온", "에서 온 거", "에서 온거", "한테 연락", "한테서 연락",
        "에게 연락", "한테 답장", "한테서 답장", "에게서 답장",
    ]) && contains_any(t, &["있어", "있나", "있니", "왔어", "왔나", "뭐 있"]);
    en || ko
}

fn mail(t: &str, ws: &[&str], history: &[Turn], today: NaiveDate) -> Option<Decision> {
    // More mail, after a question about mail ("did she send anything after that?", "그 이후로
    // 또 온건 없고?"): a search.
    // ("did she send anything": a question, not "reply saying I'll send it monday").
    let asks_sent = (t.starts_with("did ") || t.starts_with("has ")) && any_word(ws, &["send", "sent"]);
    let more_mail = mail_before(history)
        && !super::cue::tool_words(t)
        && !any_word(ws, &["reply", "write", "draft", "tell", "forward"])
        && (asks_sent
            || any_word(ws, &["anything", "else", "more", "another", "new"])
            || contains_any(t, &["또 온", "또온", "더 온", "또 왔", "더 왔"]));
    let mail =
        any_word(ws, &["mail", "mails", "email", "emails", "e-mail", "inbox"]) || contains_any(t, &["메일", "편지함"]);
    // "did HR send me anything about benefits?", "has the landlord sent anything?": mail
    // received, asked without the word mail.
    let sent_anything = ["did ", "has ", "have "].iter().any(|p| t.starts_with(p))
        && any_word(ws, &["send", "sent"])
        && any_word(ws, &["anything", "something"])
        && !any_word(ws, &["you", "i", "she", "he", "they", "it"]);
    let messages_from = t.contains("messages from") || from_someone(t, ws, today) || sent_anything;
    // What a mail says ("what did tom say in his last email?", "뭐라고 써있어?"): a read.
    let says = (contains_any(t, &["what did", "what does"])
        && any_word(ws, &["say", "says", "said", "write", "wrote"]))
        || contains_any(t, &["뭐라고", "뭐라는", "무슨 내용"]);
    // "open the second one" after a list of mails (tagged, or numbered after a mail question).
    let untagged = if mail_before(history) { numbered(history) } else { Vec::new() };
    let a_list = !listed(history, "uid").is_empty() || !untagged.is_empty();
    // "what's the second one about": an item of that list, asked about.
    let about =
        a_list && ordinal(t).is_some() && contains_any(t, &["about", "what's", "whats", "what is", "뭐야", "무슨"]);
    let reads = says
        || about
        || any_word(ws, &["open", "read", "show"])
        || contains_any(t, &["열어", "읽어", "본문", "내용", "보여"]);
    let follow_up = reads && ordinal(t).is_some() && (!listed(history, "uid").is_empty() || !untagged.is_empty());
    // What a mail the last answer named says ("결항 안내 뭐라고 써있어?" after a list of mails):
    // the newest mail with those words.
    if says && !mail && mail_before(history) {
        let name: String =
            kept_words(t).split_whitespace().filter(|w| !RECENT.contains(w)).collect::<Vec<_>>().join(" ");
        if !name.is_empty() && name.split_whitespace().count() <= 6 {
            return Some(call("email", "read", one("uid", name)));
        }
    }
    // "what about last month" after a mail question: the same search.
    let again = mail_before(history)
        && ["what about ", "how about ", "and "].iter().any(|p| t.starts_with(p))
        && ws.len() <= 5
        && !super::cue::tool_words(t);
    if again {
        // "and the bank?": the bank; "what about last month": the words asked before.
        const WHEN: &[&str] =
            &["last", "this", "next", "week", "month", "year", "yesterday", "today", "지난달", "저번달"];
        let rest: Vec<String> =
            kept_words(t).split_whitespace().filter(|w| !WHEN.contains(w)).map(str::to_string).collect();
        let query = if rest.is_empty() {
            history.iter().rev().find(|turn| turn.user).map(|turn| kept_words(&turn.text)).unwrap_or_default()
        } else {
            rest.join(" ")
        };
        return Some(call("email", "search", one("query", query.chars().take(120).collect::<String>())));
    }
    if !(mail || messages_from || follow_up || more_mail) {
        return None;
    }
    if reads {
        if let Some(uid) = number_after(t, "uid") {
            return Some(call("email", "read", one("uid", uid)));
        }
        if let Some(uid) = pick(t, &listed(history, "uid")) {
            return Some(call("email", "read", one("uid", uid)));
        }
        // A numbered list without ids: the newest mail the item's words name.
        if let Some(i) = ordinal(t).filter(|_| !untagged.is_empty()) {
            let i = if i == usize::MAX { untagged.len() - 1 } else { i };
            if let Some(item) = untagged.get(i) {
                let words: String =
                    item.chars().filter(|c| c.is_alphanumeric() || c.is_whitespace()).take(120).collect();
                return Some(call("email", "read", one("uid", words.split_whitespace().collect::<Vec<_>>().join(" "))));
            }
        }
    }
    // Unread mail, or mails in the plural to show: a list, so a search.
    let finds = !says
        && (any_word(ws, &["find", "search", "look", "any", "anything", "did", "got", "check", "unread", "list"])
            || (contains_any(t, &["pull up", "dig up", "bring up", "all the mails", "all the emails", "all mails"])
                && !contains_any(t, &["how do", "how to", "how can", "is it ok", "should i"]))
            || (reads && any_word(ws, &["mails", "emails"]))
            || (more_mail && !reads)
            || (t.contains("메일들") && !contains_any(t, &["법", "어떻게", "방법"]))
            || contains_any(t, &["찾아", "검색", "왔어", "왔나", "있어", "있나", "확인", "안 읽은", "안읽은"]));
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
        // "the latest mail", "제일 최근에 온 메일": the newest (the mail tool reads words of
        // recency alone as the newest mail).
        let newest = name.is_empty() && contains_any(t, &["latest", "newest", "last", "최근", "최신", "마지막"]);
        let uid = if newest { "latest".to_string() } else { name };
        return (reads && one_mail && (a_name || newest)).then(|| call("email", "read", one("uid", uid)));
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

/// The file names the last assistant turn mentions.
fn files_in_last_answer(history: &[Turn]) -> Vec<String> {
    let Some(last) = history.iter().rev().find(|t| !t.user) else { return Vec::new() };
    let lower = last.text.to_lowercase();
    let mut files: Vec<String> = lower
        .split(|c: char| c.is_whitespace() || "'\"‘’“”,;()[]".contains(c))
        .filter_map(file_name)
        .map(str::to_string)
        .collect();
    files.dedup();
    files
}

/// The file named in the last assistant turn that a word of `t` (two letters or more, its
/// particle stripped) is part of: "자동차보험 거 읽어줘" after "'실손보험_약관.pdf'와
/// '자동차보험_증권.pdf'가 있습니다".
fn mentioned_file(t: &str, history: &[Turn]) -> Option<String> {
    let files = files_in_last_answer(history);
    let words: Vec<&str> = t
        .split(|c: char| !c.is_alphanumeric())
        .map(strip_particle)
        .filter(|w| w.chars().count() >= 3 || (w.chars().count() >= 2 && !w.is_ascii()))
        .filter(|w| !STOP.contains(w) && !["read", "open", "show", "summarise", "summarize", "one"].contains(w))
        .filter(|w| !EXTENSIONS.contains(w))
        .collect();
    let hits: Vec<String> = files.into_iter().filter(|f| words.iter().any(|w| f.contains(w))).collect();
    // One file, or it is not clear which.
    (hits.len() == 1).then(|| hits[0].clone())
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
        "spreadsheet",
        "slides",
        "resume",
    ];
    let doc = any_word(ws, &doc_words) || ws.windows(2).any(|w| w == ["tax", "return"]);
    let ko_doc = contains_any(t, &["문서", "파일", "메모", "계약서", "회의록", "보고서", "신고", "서류", "이력서"]);
    // "어제 저장한 회의록 정리해줘": one's own document, summarised.
    let ko_own = contains_any(t, &["내 ", "제 ", "어제", "저장한", "받은", "올린", "작성한", "초안", "지난"]);
    let ko_sums = contains_any(t, &["정리해", "핵심만"]) && ko_own;
    // "the gist of my thesis", not "the gist of the Mueller report".
    let gist = any_word(ws, &["gist", "tldr"]) && (any_word(ws, &["my", "our"]) || file_name(t).is_some());
    let reads = any_word(ws, &["open", "read", "show", "summarise", "summarize"])
        || gist
        || ko_sums
        || contains_any(
            t,
            &["열어", "읽어", "내용", "보여", "요약", "what's in the", "whats in the", "what is in the"],
        );
    let asks_how = contains_any(t, &["how to", "how do", "how can", "어떻게", "방법", "하는 법", "쓰는 법", "팁"]);
    // "자동차보험 거 읽어줘" after an answer to a question about documents that named
    // '자동차보험_증권.pdf': the file a word names.
    if reads && !asks_how && docs_before(history) {
        if let Some(name) = mentioned_file(t, history) {
            return Some(call("document", "read", one("doc_id", name)));
        }
    }
    // "핵심만 세 줄로 정리해줘" after an answer that found one file: that file, summarised.
    // A short request, or one that points at it; not another search ("핵심성과지표 문서도
    // 찾아줘") nor a summary of a how-to answer.
    let sums = reads
        || contains_any(t, &["정리해", "핵심만", "요약해", "sum up", "sum it up", "summarize that", "summarise that"]);
    let points = ws.len() <= 6
        || any_word(ws, &["that", "it", "this"])
        || contains_any(t, &["그거", "이거", "그 파일", "그 문서"]);
    let searches = any_word(ws, &["find", "search", "look"]) || contains_any(t, &["찾아", "검색"]);
    let how_to = history
        .iter()
        .rev()
        .find(|turn| turn.user)
        .is_some_and(|p| contains_any(&p.text.to_lowercase(), &["how do", "how to", "how should", "어떻게"]));
    if sums && points && !searches && !how_to && !asks_how && docs_before(history) {
        if let [only] = files_in_last_answer(history).as_slice() {
            return Some(call("document", "read", one("doc_id", only.clone())));
        }
    }
    let untagged = files_listed(history);
    let follow_up = reads && ordinal(t).is_some() && (!listed(history, "doc").is_empty() || !untagged.is_empty());
    let file = file_name(t).is_some();
    if !(doc || ko_doc || follow_up || file) {
        return None;
    }
    // What one document says about something ("what does my lease say about pets?",
    // "임대차계약서에 반려동물 관련 조항 있는지 봐줘"): that document read, by the word that
    // names it.
    // The user's own ("my lease", a file's name, "임대차계약서에 … 있는지 봐줘"), not a treaty's
    // or the research's ("what does the paris agreement say about ...").
    let en_content = contains_any(t, &["say about", "says about"]) && any_word(ws, &["my", "our"]);
    let ko_content = contains_any(t, &["있는지 봐", "있는지 확인", "뭐라고 돼", "뭐라고 되어"]);
    if (en_content || ko_content) && !asks_how {
        let ko_nouns = ["계약서", "보고서", "회의록", "이력서"];
        let singular = |w: &&str| {
            doc_words.contains(w) && !["document", "documents", "doc", "docs", "file", "files", "notes"].contains(w)
        };
        let named = file_name(t).map(str::to_string).or_else(|| {
            t.split(|c: char| !c.is_alphanumeric())
                .find(|w| singular(w) || ko_nouns.iter().any(|n| w.contains(n)))
                .map(|w| strip_particle(w).trim_end_matches('에').to_string())
        });
        if let Some(name) = named.filter(|n| !n.is_empty()) {
            return Some(call("document", "read", one("doc_id", name)));
        }
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
    let finds = any_word(ws, &["find", "search", "look", "where", "locate"])
        || contains_any(t, &["찾아", "검색", "어디", "do i have any"]);
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
    let pasted = contains_any(t, &["pasted", "above", "below", "위에", "아래"]);
    let no_list = ordinal(t).is_some();
    (reads && !plural && a_name && !asks_how && !pasted && !no_list)
        .then(|| call("document", "read", one("doc_id", name)))
}

/// A tool call `text` asks for plainly, or `None`.
pub fn tool_call(text: &str, t: &str, ws: &[&str], today: NaiveDate, history: &[Turn]) -> Option<Decision> {
    super::event::add_event(text, ws, today, history)
        .or_else(|| super::event::when_is(t, ws, today))
        .or_else(|| mail(t, ws, history, today))
        .or_else(|| document(t, ws, history))
}
