//! What a tool's answer says, in the user's language: the short sentence above a card, the
//! card as plain text (for the CLI and for the classifier's context, where it is marked as
//! data), and the draft that waits for the user's yes ([`PendingDraft`]).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::prompt::Lang;
use crate::model::{DocRow, DocView, DraftState, EventDraft, EventRow, MailView, ToolCard};
use crate::tools::calendar::Found;
use crate::tools::mail::FoundMail;
use crate::tools::ToolError;

/// The draft a conversation waits on (the store's `pending_draft`, as JSON): the event and the
/// reply whose card shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingDraft {
    pub message: i64,
    pub draft: EventDraft,
}

/// A call's parameter as text (a number as its digits), empty when absent.
pub fn param_text(params: &Map<String, Value>, k: &str) -> String {
    params.get(k).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).unwrap_or_default()
}

/// The draft a checked `create_draft` call describes, for `calendar`: one hour when no end
/// (or an end before the start) is given; title and description bounded.
pub fn draft_from(params: &Map<String, Value>, calendar: &str) -> Option<EventDraft> {
    let get = |k: &str| params.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let day = NaiveDate::parse_from_str(get("date")?, "%Y-%m-%d").ok()?;
    let time = |k: &str| get(k).and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok());
    let start = day.and_time(time("time")?);
    let end = time("end_time").map(|t| day.and_time(t)).filter(|e| *e > start).unwrap_or(start + Duration::hours(1));
    Some(EventDraft {
        title: get("title").unwrap_or("Event").chars().take(120).collect(),
        start,
        end,
        description: get("description").map(|d| d.chars().take(500).collect()),
        calendar: calendar.to_string(),
    })
}

/// `s` as literal text inside Markdown (the sentence above a card is rendered as Markdown, and
/// a subject, a sender or a title comes from a mail or a file): every character Markdown or
/// HTML could read as syntax is escaped, line breaks become spaces.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.' | '!' | '<' | '>'
            | '|' | '~' | '&' | '"' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

const KO_DAYS: [&str; 7] = ["월", "화", "수", "목", "금", "토", "일"];

fn day(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::En => d.format("%a %-d %b").to_string(),
        Lang::Ko => format!("{}월 {}일({})", d.month(), d.day(), KO_DAYS[d.weekday().num_days_from_monday() as usize]),
    }
}

fn time(t: NaiveDateTime) -> String {
    t.format("%H:%M").to_string()
}

/// "today", "on Thu 10 Dec", "from Mon 7 Dec to Sun 13 Dec" (and in Korean).
fn span(from: NaiveDate, to: NaiveDate, today: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::En if from == to && from == today => "today".into(),
        Lang::En if from == to => format!("on {}", day(from, lang)),
        Lang::En => format!("from {} to {}", day(from, lang), day(to, lang)),
        Lang::Ko if from == to && from == today => "오늘".into(),
        Lang::Ko if from == to => day(from, lang),
        Lang::Ko => format!("{}부터 {}까지", day(from, lang), day(to, lang)),
    }
}

/// The sentence above a list of events.
pub fn events_sentence(found: &Found, from: NaiveDate, to: NaiveDate, today: NaiveDate, lang: Lang) -> String {
    let when = span(from, to, today, lang);
    let n = found.events.len();
    let mut s = match (lang, n) {
        (Lang::En, 0) => format!("Nothing on your calendar {when}."),
        (Lang::En, 1) => format!("One event {when}:"),
        (Lang::En, _) => format!("{n} events {when}:"),
        (Lang::Ko, 0) => format!("{when} 일정이 없어요."),
        (Lang::Ko, _) => format!("{when} 일정이 {n}개 있어요."),
    };
    if !found.unavailable.is_empty() {
        let list = md(&found.unavailable.join("; "));
        s.push_str(&match lang {
            Lang::En => format!(" (Could not read {list}.)"),
            Lang::Ko => format!(" (읽지 못한 캘린더: {list})"),
        });
    }
    s
}

pub fn draft_sentence(draft: &EventDraft, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Here is the event I would add to {}. Add it? (yes / no)", md(&draft.calendar)),
        Lang::Ko => format!("{} 캘린더에 넣을 일정 초안이에요. 추가할까요? (네 / 아니요)", md(&draft.calendar)),
    }
}

pub fn written(draft: &EventDraft, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Added \"{}\" to {}.", md(&draft.title), md(&draft.calendar)),
        Lang::Ko => format!("\"{}\" 일정을 {} 캘린더에 추가했어요.", md(&draft.title), md(&draft.calendar)),
    }
}

pub fn declined(lang: Lang) -> String {
    match lang {
        Lang::En => "OK, I did not add it.".into(),
        Lang::Ko => "알겠어요, 추가하지 않았어요.".into(),
    }
}

pub fn write_failed(e: &ToolError, lang: Lang) -> String {
    let e = md(&e.to_string());
    match lang {
        Lang::En => format!("I could not add it: {e}. The draft is kept: answer yes to try again."),
        Lang::Ko => format!("추가하지 못했어요: {e}. 초안은 남겨 두었어요. 다시 시도하려면 \"네\"라고 답해 주세요."),
    }
}

pub fn no_calendar(lang: Lang) -> String {
    match lang {
        Lang::En => "No calendar is set up: add a [[calendar]] to the config file (see the README).".into(),
        Lang::Ko => "설정된 캘린더가 없어요. 설정 파일에 [[calendar]]를 추가해 주세요 (README 참고).".into(),
    }
}

pub fn no_mail(lang: Lang) -> String {
    match lang {
        Lang::En => "No mail account is set up: add a [[mail]] to the config file (see the README).".into(),
        Lang::Ko => "설정된 메일 계정이 없어요. 설정 파일에 [[mail]]을 추가해 주세요 (README 참고).".into(),
    }
}

/// The sentence above a list of mails.
pub fn mails_sentence(found: &FoundMail, query: &str, days: u32, lang: Lang) -> String {
    let n = found.mails.len();
    let query = md(query);
    let mut s = match (lang, n, query.is_empty()) {
        (Lang::En, 0, true) => format!("No mail in the last {days} days."),
        (Lang::En, 0, false) => format!("No mail about \"{query}\" in the last {days} days."),
        (Lang::En, 1, true) => format!("One mail from the last {days} days:"),
        (Lang::En, 1, false) => format!("One mail about \"{query}\" from the last {days} days:"),
        (Lang::En, _, true) => format!("{n} mails from the last {days} days, newest first:"),
        (Lang::En, _, false) => format!("{n} mails about \"{query}\" from the last {days} days, newest first:"),
        (Lang::Ko, 0, true) => format!("최근 {days}일 동안 온 메일이 없어요."),
        (Lang::Ko, 0, false) => format!("최근 {days}일 동안 \"{query}\" 관련 메일이 없어요."),
        (Lang::Ko, _, true) => format!("최근 {days}일 동안 온 메일 {n}개예요 (최신순)."),
        (Lang::Ko, _, false) => format!("최근 {days}일 동안 \"{query}\" 관련 메일 {n}개예요 (최신순)."),
    };
    if !found.unavailable.is_empty() {
        let list = md(&found.unavailable.join("; "));
        s.push_str(&match lang {
            Lang::En => format!(" (Could not search {list}.)"),
            Lang::Ko => format!(" (검색하지 못한 계정: {list})"),
        });
    }
    s
}

/// No mail of the last `days` is what `words` ask for.
pub fn no_mail_named(words: &str, days: u32, lang: Lang) -> String {
    let words = md(words);
    match lang {
        Lang::En => format!("I found no mail matching \"{words}\" in the last {days} days."),
        Lang::Ko => format!("최근 {days}일 동안 \"{words}\"에 맞는 메일을 찾지 못했어요."),
    }
}

pub fn mail_sentence(mail: &MailView, lang: Lang) -> String {
    match lang {
        Lang::En => format!("The mail \"{}\" from {}:", md(&mail.row.subject), md(&mail.row.from)),
        Lang::Ko => format!("{}님이 보낸 \"{}\" 메일이에요.", md(&mail.row.from), md(&mail.row.subject)),
    }
}

pub fn no_documents(lang: Lang) -> String {
    match lang {
        Lang::En => {
            "No document folder is set up: add folders to [documents] in the config file (see the README).".into()
        }
        Lang::Ko => "설정된 문서 폴더가 없어요. 설정 파일의 [documents]에 폴더를 추가해 주세요 (README 참고).".into(),
    }
}

pub fn docs_sentence(docs: &[DocRow], query: &str, lang: Lang) -> String {
    let query = md(query);
    match (lang, docs.len()) {
        (Lang::En, 0) => format!("No document mentions \"{query}\"."),
        (Lang::En, 1) => format!("One document mentions \"{query}\":"),
        (Lang::En, n) => format!("{n} documents mention \"{query}\", best first:"),
        (Lang::Ko, 0) => format!("\"{query}\" 내용이 있는 문서가 없어요."),
        (Lang::Ko, n) => format!("\"{query}\" 내용이 있는 문서 {n}개예요 (관련도순)."),
    }
}

/// A document asked for by a name that fits none, or several.
pub fn which_doc(docs: &[DocRow], name: &str, lang: Lang) -> String {
    let name = md(name);
    match (lang, docs.len()) {
        (Lang::En, 0) => format!("I found no document called \"{name}\"."),
        (Lang::En, n) => format!("Several documents could be \"{name}\" ({n}). Which one should I open?"),
        (Lang::Ko, 0) => format!("\"{name}\"(이)라는 문서를 찾지 못했어요."),
        (Lang::Ko, n) => format!("\"{name}\"일 수 있는 문서가 {n}개 있어요. 어느 것을 열까요?"),
    }
}

pub fn doc_sentence(doc: &DocView, lang: Lang) -> String {
    match lang {
        Lang::En => format!("The document \"{}\":", md(&doc.row.title)),
        Lang::Ko => format!("\"{}\" 문서예요.", md(&doc.row.title)),
    }
}

pub fn tool_failed(e: &ToolError, lang: Lang) -> String {
    let e = md(&e.to_string());
    match lang {
        Lang::En => format!("That did not work: {e}."),
        Lang::Ko => format!("할 수 없었어요: {e}."),
    }
}

pub fn no_writable_calendar(lang: Lang) -> String {
    match lang {
        Lang::En => "None of your calendars can be written to (only read-only .ics files are set up).".into(),
        Lang::Ko => "쓸 수 있는 캘린더가 없어요 (읽기 전용 .ics 파일만 설정되어 있어요).".into(),
    }
}

/// The model's own `create_confirmed`: never a write, only how to make one.
pub fn confirm_how(pending: bool, lang: Lang) -> String {
    match (pending, lang) {
        (true, Lang::En) => "To add the draft, press Add on its card or answer yes.".into(),
        (true, Lang::Ko) => "초안을 추가하려면 카드의 추가 버튼을 누르거나 \"네\"라고 답해 주세요.".into(),
        (false, Lang::En) => "There is no draft event to confirm. Tell me what to put in the calendar first.".into(),
        (false, Lang::Ko) => "확정할 일정 초안이 없어요. 먼저 어떤 일정을 넣을지 알려 주세요.".into(),
    }
}

fn row_text(e: &EventRow, lang: Lang) -> String {
    let when = if e.all_day {
        let last = e.end.date().pred_opt().unwrap_or(e.end.date()).max(e.start.date());
        if last == e.start.date() {
            day(e.start.date(), lang)
        } else {
            format!("{} – {}", day(e.start.date(), lang), day(last, lang))
        }
    } else if e.start.date() == e.end.date() {
        format!("{} {}–{}", day(e.start.date(), lang), time(e.start), time(e.end))
    } else {
        format!("{} {} – {} {}", day(e.start.date(), lang), time(e.start), day(e.end.date(), lang), time(e.end))
    };
    let place = e.location.as_deref().map(|l| format!(" @ {l}")).unwrap_or_default();
    format!("- {when}: {}{place} [{}]", e.title, e.calendar)
}

/// "2026-12-01 10:00" from RFC 3339 (UTC).
fn short_date(rfc3339: &str) -> String {
    rfc3339.get(..16).map(|s| format!("{} UTC", s.replace('T', " "))).unwrap_or_else(|| rfc3339.to_string())
}

/// A card as plain lines.
pub fn card_text(card: &ToolCard, lang: Lang) -> String {
    match card {
        ToolCard::Events { events, unavailable, .. } => {
            let mut lines: Vec<String> = events.iter().map(|e| row_text(e, lang)).collect();
            lines.extend(unavailable.iter().map(|u| format!("! {u}")));
            lines.join("\n")
        }
        ToolCard::Draft { draft, state } => {
            let row = EventRow {
                calendar: draft.calendar.clone(),
                title: draft.title.clone(),
                start: draft.start,
                end: draft.end,
                all_day: false,
                location: None,
            };
            let state = match (state, lang) {
                (DraftState::Pending, Lang::En) => "draft, not added yet".to_string(),
                (DraftState::Pending, Lang::Ko) => "초안, 아직 추가 안 됨".to_string(),
                (DraftState::Written, Lang::En) => "added".to_string(),
                (DraftState::Written, Lang::Ko) => "추가됨".to_string(),
                (DraftState::Declined, Lang::En) => "not added".to_string(),
                (DraftState::Declined, Lang::Ko) => "추가 안 함".to_string(),
                (DraftState::Failed { message }, _) => format!("failed: {message}"),
            };
            let desc = draft.description.as_deref().map(|d| format!("\n  {d}")).unwrap_or_default();
            format!("{} ({state}){desc}", row_text(&row, lang))
        }
        ToolCard::Mails { mails, unavailable, .. } => {
            let mut lines: Vec<String> = mails
                .iter()
                .map(|m| format!("- [uid {}] {} — {} ({})", m.id, m.subject, m.from, short_date(&m.date)))
                .collect();
            lines.extend(unavailable.iter().map(|u| format!("! {u}")));
            lines.join("\n")
        }
        ToolCard::Documents { docs, .. } => docs
            .iter()
            .map(|d| format!("- [doc {}] {} ({})\n  {}", d.id, d.title, d.path, d.snippet))
            .collect::<Vec<_>>()
            .join("\n"),
        ToolCard::Document { doc } => {
            let cut = if doc.truncated { "\n[…]" } else { "" };
            format!("{} ({})\n\n{}{cut}", doc.row.title, doc.row.path, doc.text)
        }
        ToolCard::Mail { mail } => {
            let mut s = format!(
                "From: {}\nTo: {}\nDate: {}\nSubject: {}\n",
                mail.row.from,
                mail.to,
                short_date(&mail.row.date),
                mail.row.subject
            );
            if !mail.cc.is_empty() {
                s.push_str(&format!("Cc: {}\n", mail.cc));
            }
            for a in &mail.attachments {
                s.push_str(&format!("Attachment (not opened): {} ({}, {} bytes)\n", a.name, a.mime, a.bytes));
            }
            s.push('\n');
            s.push_str(&mail.body);
            if mail.truncated {
                s.push_str("\n[…]");
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_a_mail_is_never_markdown_in_a_sentence() {
        let hostile = "[click](https://evil.example) <img src=x onerror=alert(1)> **bold**\n# head";
        let escaped = md(hostile);
        assert!(!escaped.contains('\n'));
        for c in ['[', ']', '(', ')', '<', '>', '*', '#'] {
            assert!(escaped.matches(c).count() == escaped.matches(&format!("\\{c}")).count(), "{c} in {escaped}");
        }
    }

    #[test]
    fn events_read_as_a_person_scans_them() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 12, day).unwrap_or_default();
        let e = EventRow {
            calendar: "work".into(),
            title: "워크숍".into(),
            start: d(1).and_hms_opt(0, 0, 0).unwrap_or_default(),
            end: d(5).and_hms_opt(0, 0, 0).unwrap_or_default(),
            all_day: true,
            location: Some("부산".into()),
        };
        assert_eq!(row_text(&e, Lang::Ko), "- 12월 1일(화) – 12월 4일(금): 워크숍 @ 부산 [work]");
        let found = Found { events: vec![e], unavailable: vec!["home: cannot reach x".into()] };
        assert_eq!(
            events_sentence(&found, d(3), d(3), d(3), Lang::En),
            "One event today: (Could not read home: cannot reach x.)"
        );
        assert_eq!(
            events_sentence(&Found::default(), d(1), d(7), d(3), Lang::Ko),
            "12월 1일(화)부터 12월 7일(월)까지 일정이 없어요."
        );
    }
}
