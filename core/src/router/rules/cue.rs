//! Whether a message has anything of a tool request about it: a word of a calendar, mail or
//! documents, a date or time other than a bare "today", or a conversation that was just about
//! one. Generous on purpose: it only keeps the classifier (or the nearest examples) from
//! making a tool call of a message with none of these ("what do you like about music?",
//! "안녕! 오늘 기분 어때?"), which a 135M model does; a message with a cue is decided as before.

use chrono::NaiveDate;

use super::{any_word, contains_any, dates, words};
use crate::router::prompt::Turn;

/// English tool words, matched as whole words.
#[rustfmt::skip]
const EN_WORDS: &[&str] = &[
    // calendar
    "calendar", "calendars", "schedule", "scheduled", "agenda", "meeting", "meetings", "appointment",
    "appointments", "event", "events", "call", "calls", "sync", "standup", "offsite", "booked", "book",
    "busy", "free", "plans", "remind", "reminder", "deadline", "slot", "1:1", "1:1s",
    // mail
    "mail", "mails", "email", "emails", "e-mail", "inbox", "unread", "reply", "replied", "answer",
    "answered", "forward", "thread", "sent", "wrote", "message", "messages", "invoice", "receipt",
    // documents
    "doc", "docs", "document", "documents", "file", "files", "pdf", "docx", "xlsx", "spreadsheet",
    "slides", "notes", "note", "folder", "folders", "drive", "saved", "lease", "contract", "proposal",
    "report", "resume", "cv", "budget", "papers", "paper", "paperwork", "scan", "attachment",
    // asking for one of them
    "open", "read", "find", "search", "summarise", "summarize",
];

/// English phrases.
#[rustfmt::skip]
const EN_PHRASES: &[&str] = &[
    "what's on", "whats on", "do i have", "am i free", "write back", "heard from", "look up",
    "where did i", "where's my", "where is my", "where are my", "get back", "got back",
    "hear back", "heard back",
];

/// Korean stems, matched inside words (particles follow them).
#[rustfmt::skip]
const KO: &[&str] = &[
    // calendar
    "일정", "스케줄", "약속", "회의", "미팅", "캘린더", "달력", "예약", "출장", "워크숍", "시간 돼", "비어",
    "잡힌", "잡아", "넣어", "등록", "마감",
    // mail
    "메일", "편지함", "답장", "회신", "전달", "포워드", "보낸", "받은", "청구서", "견적서", "영수증", "연락",
    // documents
    "문서", "파일", "서류", "폴더", "메모", "노트", "보고서", "계약서", "자료", "드라이브", "엑셀", "이력서",
    // asking for one of them
    "열어", "읽어", "찾아", "검색", "요약",
];

/// Day words that small talk uses as much as a calendar ("how was your day today").
const BARE_TODAY: &[&str] = &["today", "tonight", "오늘", "오늘밤"];

fn has_cue(text: &str, today: NaiveDate) -> bool {
    let t = text.to_lowercase();
    let ws = words(&t);
    if any_word(&ws, EN_WORDS) || contains_any(&t, EN_PHRASES) || contains_any(&t, KO) {
        return true;
    }
    if dates::time(&t).is_some() {
        return true;
    }
    // A date, unless "today" is all it names.
    let without_today: String =
        ws.iter().filter(|w| !BARE_TODAY.iter().any(|b| w.starts_with(b))).copied().collect::<Vec<_>>().join(" ");
    dates::parse(&without_today, today).is_some()
}

/// Whether `text` (with the turns before it, `history`) could be a tool request.
pub fn tool_cue(text: &str, today: NaiveDate, history: &[Turn]) -> bool {
    // A follow-up ("the second one", "그거 열어줘") of a conversation about a tool.
    has_cue(text, today)
        || history
            .iter()
            .rev()
            .take(4)
            .any(|t| has_cue(&t.text, today) || t.text.contains("[uid ") || t.text.contains("[doc "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(text: &str) -> bool {
        tool_cue(text, NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(), &[])
    }

    #[test]
    fn small_talk_has_no_cue() {
        for text in [
            "what do you like about music?",
            "안녕! 오늘 기분 어때?",
            "hi! how has your day been today?",
            "thanks, that was nice of you",
            "고마워, 좋은 하루 보내",
            "explain how a transformer's attention works",
        ] {
            assert!(!cue(text), "{text:?}");
        }
    }

    #[test]
    fn tool_requests_have_one_even_without_the_tools_name() {
        for text in [
            "am I free Friday?",
            "did the bank write back?",
            "did Mina ever get back to me?",
            "where's that lease pdf?",
            "금요일에 시간 돼?",
            "다음 주 화요일에 뭐 있어?",
            "은행에서 답장 왔어?",
            "3분기 예산 엑셀 파일 찾아줘",
            "anything tomorrow at 3pm?",
            "오늘 오후 3시에 뭐 있어?",
        ] {
            assert!(cue(text), "{text:?}");
        }
    }

    #[test]
    fn a_follow_up_of_a_tool_answer_has_one() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let history = [
            Turn { user: true, text: "find mails from Mina".into() },
            Turn { user: false, text: "Found 2: [uid 4] Invoice, [uid 9] Lunch".into() },
        ];
        assert!(tool_cue("the second one", today, &history));
        assert!(!tool_cue("the second one", today, &[]));
    }
}
