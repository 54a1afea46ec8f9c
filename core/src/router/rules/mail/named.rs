//! Mail named without the word mail: by its sender ("anything from hetzner?"), its quoted
//! subject or title, a thread someone sent, a reply received; and whether the user's turn before
//! was about mail.

use chrono::NaiveDate;

use super::super::dates::{self, When};
use super::super::intent::user_before;
use super::super::send::CHATS;
use super::super::{any_word, contains_any};
use crate::router::prompt::Turn;

/// Whether the user's turn before was about mail.
pub(super) fn mail_before(history: &[Turn]) -> bool {
    // Not a mail to write ("메일 초안 두 가지 버전으로 써줘": its answer lists drafts, not mails).
    let wrote = history.iter().rev().find(|turn| turn.user).is_some_and(|p| {
        let p = p.text.to_lowercase();
        contains_any(&p, &["써줘", "써 줘", "작성", "초안", "draft", "write"])
    });
    !wrote && user_before(history, &["mail", "mails", "email", "emails", "inbox"], &["메일", "편지함"])
}

/// "anything from hetzner?", "집주인한테 연락 온거 있어?", "AWS에서 온 거 뭐 있나?": mail from
/// someone, asked without the word mail.
pub(super) fn from_someone(t: &str, ws: &[&str], today: NaiveDate) -> bool {
    // Someone, not a decade ("anything from the 90s worth watching?").
    // With a time since which ("anything from my editor since this morning?", "anything new
    // from my advisor this week?").
    // Of one's own people only ("my editor", "Prof. Kim"): "anything new from openai this
    // week?" asks for news.
    let own = any_word(ws, &["my", "our", "prof", "dr", "mr", "ms", "mrs"]);
    let since = |t: &str| match dates::parse(t, today) {
        None => true,
        Some(When::Day(d, _)) => own && d <= today && (t.contains("since") || d == today),
        Some(When::Range(a, _)) => own && a <= today,
    };
    let en = (["anything from ", "any word from ", "did i hear from ", "have i heard from "]
        .iter()
        .any(|p| t.starts_with(p))
        || (own && t.starts_with("anything new from ")))
        && ws.len() <= 9
        && !t.contains(|c: char| c.is_ascii_digit())
        // (Not a shop's: "anything from ikea worth buying for a tiny studio?".)
        && !any_word(ws, &["worth", "buy", "buying", "recommend", "good", "cheap"])
        && since(t);
    // Someone with 한테 / 에게 / 에서 ("새로 나온 거" is no mail).
    #[rustfmt::skip]
    let ko = contains_any(t, &[
        "한테 온", "한테서 온", "에게서 온", "에게 온", "에서 온 거", "에서 온거", "한테 연락", "한테서 연락",
        "에게 연락", "한테 답장", "한테서 답장", "에게서 답장",
    ]) && contains_any(t, &["있어", "있나", "있니", "왔어", "왔나", "뭐 있"])
        // "인사팀에서 연말정산 관련해서 뭐 온거 있나": from someone, something come.
        || (t.contains("에서") && contains_any(t, &["온거 있", "온 거 있", "온게 있", "온 게 있"]));
    // "거래처에서 답장 왔나?": a reply from a company, asked (not "인스타에서 답장 왔어 ㅋㅋ").
    let replied = contains_any(t, &["에서 답장", "에서 회신"])
        && contains_any(t, &["왔나", "왔니", "왔는지", "있나", "왔어?", "있어?"])
        && !contains_any(t, CHATS)
        && !contains_any(t, &["트위터", "페북"]);
    en || ko || replied
}

/// A mail thread by its quoted subject ("summarise the 'RE: inference costs Q3' thread", "'Re:
/// 추론 클러스터 장애 회고' 스레드 읽고"): the subject, "Re:" aside. Not a forum's or a chat's
/// thread ("the '…' thread on r/LocalLLaMA", "클리앙 '…' 스레드"), a program's ("the
/// \"uvicorn-worker\" thread hangs"), "re:Invent", nor a mail pasted in quotes (a long one).
pub(super) fn subject(t: &str, ws: &[&str]) -> Option<String> {
    const PREFIXES: &[&str] = &["re: ", "fwd: ", "fw: "];
    let q = quoted(t).into_iter().next()?;
    let prefixed = PREFIXES.iter().find_map(|p| q.strip_prefix(p));
    let named = ["' thread", "\" thread", "’ thread", "” thread", "' 스레드", "\" 스레드", "' 쓰레드", "\" 쓰레드"]
        .iter()
        .any(|s| t.contains(s));
    #[rustfmt::skip]
    let elsewhere = contains_any(t, &[
        "r/", "reddit", "forum", "hacker news", "github", "twitter", "discord", "slack", "클리앙", "커뮤니티", "디시",
        "갤러리", "슬랙", "디코", "카톡", "hangs", "deadlock", "stack", "dump", "worker", "데드락", "스택", "덤프", "워커",
    ]) || any_word(ws, &["hn"]);
    let s = prefixed.unwrap_or(&q).trim();
    let short = (1..=8).contains(&s.split_whitespace().count());
    ((prefixed.is_some() || named) && short && !elsewhere).then(|| s.to_string())
}

/// What is sent by mail: "did HR ever send out the updated holiday policy".
#[rustfmt::skip]
pub(super) const DOCUMENTS_SENT: &[&str] = &[
    "policy", "invite", "invites", "invoice", "contract", "report", "update", "schedule", "slides", "form", "link",
    "details", "notes", "file", "doc", "agenda", "memo", "newsletter", "offer", "quote", "receipt", "minutes",
];

/// The title of the one mail the last answer named ("Daniel sent an email titled 'Contract
/// redlines'", "팀장님께 '분기 보고 관련' 메일이 1건 와 있습니다"): the one quoted text of an
/// answer about mail.
pub(super) fn one_mail_named(history: &[Turn]) -> Option<String> {
    let last = history.last().filter(|turn| !turn.user)?;
    let lower = last.text.to_lowercase();
    let quoted = quoted(&lower);
    // About mail outside the quotes ("Found one document: 'Email policy 2024.pdf'" is not).
    let mut rest = lower.clone();
    for q in &quoted {
        rest = rest.replace(q.as_str(), " ");
    }
    match quoted.as_slice() {
        [title] if contains_any(&rest, &["email", "mail", "메일"]) && (2..=80).contains(&title.chars().count()) => {
            Some(title.trim().to_string())
        }
        _ => None,
    }
}

/// The quoted texts of `t`: a quote mark that opens after a space (or the start) and closes
/// before a space or a punctuation mark ("Daniel's email 'Contract redlines'" holds one; the
/// apostrophe of "Daniel's" opens none).
fn quoted(t: &str) -> Vec<String> {
    let chars: Vec<char> = t.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let opens = ['\'', '"', '‘', '“'].contains(&chars[i]) && (i == 0 || !chars[i - 1].is_alphanumeric());
        if opens {
            let close = (i + 1..chars.len()).find(|&j| {
                ['\'', '"', '’', '”'].contains(&chars[j]) && chars.get(j + 1).is_none_or(|c| !c.is_alphanumeric())
            });
            if let Some(j) = close {
                out.push(chars[i + 1..j].iter().collect());
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// A reply received, asked ("교수님 답장 하셨나?", "박과장님이 견적서 관련해서 답장 주셨나요?",
/// "회신 받았나?").
#[rustfmt::skip]
pub(super) const KO_BACK: &[&str] = &[
    "하셨나", "하셨어", "보냈어?", "보냈나", "왔어?", "왔나", "왔니", "왔는지", "보내셨", "주셨나", "주셨어", "주셨는지",
    "왔을까", "왔던가", "왔었나", "받았나", "받았어?", "받았는지",
];

/// A thread someone sent ("facilities sent a huge thread about the power outage", "tl;dr the
/// thread Fatima sent"); not one shown ("sent me this thread: …"), a thread dump, or a
/// thread on a chat or a social site.
pub(super) fn sent_thread(t: &str, ws: &[&str]) -> bool {
    let Some(i) = ws.iter().position(|w| *w == "thread") else { return false };
    let sent_before = ws[i.saturating_sub(4)..i].contains(&"sent");
    let sent_after = ws.get(i.saturating_sub(1)).is_some_and(|w| ["the", "that"].contains(w))
        && ws.iter().skip(i + 1).take(3).any(|w| *w == "sent");
    #[rustfmt::skip]
    let elsewhere = contains_any(t, &[
        "twitter", "x.com", "mastodon", "bluesky", "reddit", "slack", "discord", "forum", "github", "teams", "카톡", "슬랙",
    ]);
    (sent_before || sent_after)
        && !ws.get(i.saturating_sub(1)).is_some_and(|w| ["this", "these"].contains(w))
        && !ws.get(i + 1).is_some_and(|w| ["dump", "dumps", "pool"].contains(w))
        && !elsewhere
}
