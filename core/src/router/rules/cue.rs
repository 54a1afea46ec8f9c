//! Whether a message has anything of a tool request about it: a word of a calendar, mail or
//! documents, a date or time other than a bare "today", or a conversation that was just about
//! one. Generous on purpose: it only keeps the classifier (or the nearest examples) from
//! making a tool call of a message with none of these ("what do you like about music?",
//! "안녕! 오늘 기분 어때?"), which a 135M model does; a message with a cue is decided as before.

use chrono::NaiveDate;

use super::{any_word, contains_any, dates, words};
use crate::router::prompt::Turn;

/// The words of one tool, or of asking for any: English words (matched whole), English
/// phrases and Korean stems (matched inside words: particles follow them).
struct Words {
    en: &'static [&'static str],
    phrases: &'static [&'static str],
    ko: &'static [&'static str],
}

impl Words {
    fn in_text(&self, t: &str, ws: &[&str]) -> bool {
        any_word(ws, self.en) || contains_any(t, self.phrases) || contains_any(t, self.ko)
    }
}

#[rustfmt::skip]
const CALENDAR: Words = Words {
    en: &[
        "calendar", "calendars", "schedule", "scheduled", "agenda", "meeting", "meetings", "appointment",
        "appointments", "event", "events", "call", "calls", "sync", "standup", "offsite", "booked", "book",
        "busy", "free", "plans", "remind", "reminder", "deadline", "slot", "1:1", "1:1s",
    ],
    phrases: &["what's on", "whats on", "do i have", "am i free", "1:1"],
    ko: &[
        "일정", "스케줄", "약속", "회의", "미팅", "캘린더", "달력", "예약", "출장", "워크숍", "시간 돼", "비어",
        "잡힌", "잡아", "넣어", "등록", "마감",
    ],
};

#[rustfmt::skip]
const MAIL: Words = Words {
    en: &[
        "mail", "mails", "email", "emails", "e-mail", "inbox", "unread", "reply", "replied", "answer",
        "answered", "forward", "thread", "sent", "wrote", "written", "message", "messages", "invoice", "receipt",
    ],
    phrases: &[
        "write back", "heard from", "get back", "got back", "hear back", "heard back", "anything from", "update from",
        "news from", "confirmation",
    ],
    ko: &[
        "메일", "편지함", "답장", "회신", "전달", "포워드", "보낸", "받은", "청구서", "견적서", "영수증", "연락",
        "온 거", "온거",
    ],
};

#[rustfmt::skip]
const DOCUMENTS: Words = Words {
    en: &[
        "doc", "docs", "document", "documents", "file", "files", "pdf", "docx", "xlsx", "spreadsheet",
        "slides", "notes", "note", "folder", "folders", "drive", "saved", "lease", "contract", "proposal",
        "report", "resume", "cv", "budget", "papers", "paper", "paperwork", "scan", "attachment",
    ],
    phrases: &["where did i save", "where did i put"],
    ko: &[
        "문서", "파일", "서류", "폴더", "메모", "노트", "보고서", "계약서", "자료", "드라이브", "엑셀", "이력서",
        "어디 뒀", "어디 저장", "저장했", "회의록",
    ],
};

/// Asking for one of them, or anything of a tool.
#[rustfmt::skip]
const ASKING: Words = Words {
    en: &["open", "read", "find", "search", "summarise", "summarize"],
    phrases: &["look up", "where did i", "where's my", "where is my", "where are my"],
    ko: &["열어", "읽어", "찾아", "검색", "요약"],
};

/// Day words that small talk uses as much as a calendar ("how was your day today").
const BARE_TODAY: &[&str] = &["today", "tonight", "오늘", "오늘밤"];

/// Which tools a text names something of, by their words (a file name is the documents').
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cued {
    pub calendar: bool,
    pub mail: bool,
    pub documents: bool,
    /// A date or time: a cue of a tool call, but of no tool in particular (mail has dates).
    pub dated: bool,
}

/// Whether `t` names a file ("0312_주간회의.md", "budget.xlsx").
/// (A page, "index.html", is code more often than a document.)
fn names_file(t: &str) -> bool {
    super::docs::file_name(t).is_some_and(|f| !f.ends_with(".html") && !f.ends_with(".htm"))
}

impl Cued {
    fn of(text: &str, today: NaiveDate) -> Cued {
        let t = text.to_lowercase();
        let ws = words(&t);
        // A date, unless "today" is all it names.
        let without_today: String =
            ws.iter().filter(|w| !BARE_TODAY.iter().any(|b| w.starts_with(b))).copied().collect::<Vec<_>>().join(" ");
        let dated = dates::time(&t).is_some() || dates::parse(&without_today, today).is_some();
        Cued {
            calendar: CALENDAR.in_text(&t, &ws),
            mail: MAIL.in_text(&t, &ws),
            documents: DOCUMENTS.in_text(&t, &ws) || names_file(&t),
            dated,
        }
    }

    /// Whether a tool is named.
    fn any(self) -> bool {
        self.calendar || self.mail || self.documents
    }

    /// Whether a tool operation (`calendar.search` ...) is of a tool named here; any is, when
    /// none is named ("open the second one", "has anyone written this week?").
    pub fn fits(self, op: &str) -> bool {
        match op.split_once('.').map(|(tool, _)| tool) {
            _ if !self.any() => true,
            Some("calendar") => self.calendar,
            Some("email") => self.mail,
            Some("document") => self.documents,
            _ => true,
        }
    }
}

/// The nouns of the tools: what [`tool_words`] looks for. Not the verbs the tools' cues
/// also take ("wrote", "book", "잡아"), which facts and sums use too ("who wrote Hamlet?",
/// "언제 따라잡아?").
#[rustfmt::skip]
const NOUNS_EN: &[&str] = &[
    "calendar", "calendars", "schedule", "agenda", "meeting", "meetings", "mtg", "mtgs", "appointment", "appointments",
    "event", "events", "standup", "offsite", "reminder", "deadline", "mail", "mails", "email", "emails",
    "e-mail", "inbox", "unread", "thread", "invoice", "receipt", "doc", "docs", "document", "documents",
    "file", "files", "pdf", "docx", "xlsx", "spreadsheet", "slides", "folder", "folders", "lease",
    "contract", "proposal", "resume", "cv", "paperwork", "attachment",
];
#[rustfmt::skip]
const NOUNS_KO: &[&str] = &[
    "일정", "스케줄", "약속", "회의", "미팅", "캘린더", "달력", "예약", "출장", "워크숍", "마감", "메일",
    "편지함", "답장", "회신", "청구서", "견적서", "영수증", "문서", "파일", "서류", "폴더", "메모", "보고서",
    "계약서", "드라이브", "엑셀", "이력서",
];

/// Whether lower-case `t` names a calendar, mail or documents thing (dates aside): a leaning
/// to the reasoner or to a quick answer leaves such a message to the model ("who wrote the
/// email about the invoice?", "how many meetings on the 14th and 15th?").
pub(super) fn tool_words(t: &str) -> bool {
    any_word(&words(t), NOUNS_EN) || contains_any(t, NOUNS_KO) || names_file(t) || t.contains("1:1")
}

fn has_cue(text: &str, today: NaiveDate) -> bool {
    let t = text.to_lowercase();
    let cued = Cued::of(text, today);
    cued.any() || cued.dated || ASKING.in_text(&t, &words(&t))
}

/// The tools `text` names something of or, for a follow-up naming none, the tools the last
/// turn that named one did: a mail operation for "what's on thursday?" (the nearest tool
/// examples' vote can say so) is of no tool the user named.
pub fn cued_tools(text: &str, today: NaiveDate, history: &[Turn]) -> Cued {
    let (text, history) = (super::bound::text(text), super::bound::turns(history));
    let (text, history) = (text.as_ref(), history.as_ref());
    // The user's turns only: an answer's prose ("feel free to ask", "note that") names none.
    std::iter::once(text)
        .chain(history.iter().rev().take(4).filter(|t| t.user).map(|t| t.text.as_str()))
        .map(|t| Cued::of(t, today))
        .find(|c| c.any())
        .unwrap_or_default()
}

/// Whether `text` (with the turns before it, `history`) could be a tool request.
pub fn tool_cue(text: &str, today: NaiveDate, history: &[Turn]) -> bool {
    let (text, history) = (super::bound::text(text), super::bound::turns(history));
    let (text, history) = (text.as_ref(), history.as_ref());
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
    fn an_operation_must_be_of_a_tool_the_message_names() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let cued = |text: &str| cued_tools(text, today, &[]);
        assert!(!cued("what's on thursday?").fits("email.send"));
        assert!(cued("what's on thursday?").fits("calendar.search"));
        assert!(cued("작년 연말정산 서류 어디 저장했지").fits("document.search"));
        assert!(!cued("작년 연말정산 서류 어디 저장했지").fits("email.search"));
        assert!(cued("anything from hetzner?").fits("email.search"));
        // Nothing named: any operation; a follow-up: the tools of the turns before.
        assert!(cued("open the second one").fits("email.read"));
        let history = [
            Turn { user: true, text: "find mails from Mina".into() },
            Turn { user: false, text: "Found 2: [uid 4] Invoice, [uid 9] Lunch".into() },
        ];
        assert!(!cued_tools("the second one", today, &history).fits("document.read"));
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
