//! Rules that are certain: recognisers, in English and Korean, for messages that need no
//! model. High precision only: a message that matches is decided here, at once; anything else
//! goes to the classifier.
//!
//! - a request to send, forward or reply to mail: refused (a tool call the checks refuse);
//! - a question about the servers: the status answer;
//! - a calendar question with a date ("today", "this week", "다음주 월요일"): `today` or
//!   `search` with dates computed here ([`dates`]).
//!
//! [`dates`] also corrects a model's `create_draft`: dates and times the user wrote are read by
//! code, so "tomorrow 3 pm" is tomorrow at 15:00 whatever the model wrote.

pub mod confirm;
mod cue;
pub mod dates;
mod event;
mod intent;
mod lean;

pub use cue::tool_cue;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::decision::Decision;
use super::prompt::{Lang, Turn};
use dates::When;

pub(crate) fn words(t: &str) -> Vec<&str> {
    t.split(|c: char| !c.is_alphanumeric() && c != '-').filter(|w| !w.is_empty()).collect()
}

pub(crate) fn any_word(ws: &[&str], of: &[&str]) -> bool {
    ws.iter().any(|w| of.contains(w))
}

pub(crate) fn contains_any(t: &str, of: &[&str]) -> bool {
    of.iter().any(|p| t.contains(p))
}

/// A request to send mail (en/ko).
fn sends_mail(t: &str, ws: &[&str]) -> bool {
    let mail = any_word(ws, &["email", "e-mail", "mail", "emails", "mails"]);
    let send = any_word(ws, &["send", "forward", "reply", "compose", "write"]);
    let question_about = contains_any(t, &["how do i send", "how to send", "can you explain"]);
    let ko_mail = contains_any(t, &["메일", "이메일"]);
    let ko_send = contains_any(t, &["보내", "전송", "발송", "회신", "답장", "전달해"]);
    (mail && send && !question_about) || (ko_mail && ko_send)
}

/// A question about the servers themselves (en/ko), not about servers in general ("explain
/// how a web server handles load").
fn asks_status(t: &str, ws: &[&str]) -> bool {
    let general =
        contains_any(t, &["explain", "how does", "how do ", "what is a", "in general", "handles", "설명", "원리"]);
    if general {
        return false;
    }
    let servers = any_word(ws, &["server", "servers", "backend", "backends", "gpu", "gpus", "llm", "llms"]);
    let how = any_word(
        ws,
        &[
            "up",
            "down",
            "busy",
            "status",
            "running",
            "alive",
            "load",
            "loaded",
            "overloaded",
            "online",
            "offline",
            "slow",
            "healthy",
        ],
    );
    let ko_servers = contains_any(t, &["서버", "백엔드", "모델 서버", "gpu"]);
    let ko_how = contains_any(
        t,
        &["상태", "살아", "괜찮", "바쁘", "바빠", "느려", "느리", "다운", "죽었", "돌아가", "부하", "작동"],
    );
    (servers && how) || (ko_servers && ko_how)
}

/// A question about the calendar, not a request to add to it (en/ko).
fn asks_calendar(t: &str, ws: &[&str]) -> bool {
    let cal = any_word(
        ws,
        &["calendar", "schedule", "agenda", "meetings", "meeting", "appointments", "appointment", "events", "plans"],
    );
    let asks = any_word(ws, &["what", "what's", "whats", "show", "any", "do", "list", "check", "have", "anything"]);
    let adds = any_word(ws, &["add", "create", "book", "schedule", "set", "put", "make", "arrange", "plan", "remind"]);
    let ko_cal = contains_any(t, &["일정", "스케줄", "약속", "회의", "캘린더", "달력"]);
    let ko_asks = contains_any(t, &["알려", "뭐", "무슨", "있어", "있나", "있니", "있는지", "확인", "보여", "어때"]);
    let ko_adds = contains_any(t, &["잡아", "추가", "등록", "만들어", "넣어", "예약"]);
    let schedule_as_verb = t.starts_with("schedule ");
    (cal && asks && !adds && !schedule_as_verb) || (ko_cal && ko_asks && !ko_adds)
}

fn calendar(operation: &str, params: Map<String, Value>) -> Decision {
    Decision::Tools { tool: "calendar".into(), operation: operation.into(), params }
}

/// The decision for `text` when a rule is certain of it (or, with `lean`, when a leaning
/// applies: see [`lean`]); `None` sends it to the classifier. `history`: the turns before it.
pub fn decide(text: &str, today: NaiveDate, history: &[Turn], lang: Lang, lean: bool) -> Option<Decision> {
    let t = text.to_lowercase();
    let ws = words(&t);
    if sends_mail(&t, &ws) {
        return Some(Decision::Tools { tool: "email".into(), operation: "send".into(), params: Map::new() });
    }
    if asks_status(&t, &ws) {
        return Some(Decision::Status);
    }
    if asks_calendar(&t, &ws) {
        if let Some(when) = dates::parse(text, today) {
            return Some(calendar_for(when, today));
        }
    }
    if let Some(call) = intent::tool_call(text, &t, &ws, today, history) {
        return Some(call);
    }
    if lean && history.is_empty() && lean::vague(&t, &ws) {
        return Some(Decision::Clarify { response: crate::i18n::clarify(lang) });
    }
    if lean && lean::analytic(&t, &ws) {
        return Some(Decision::Route { prompt: text.to_string() });
    }
    None
}

/// `calendar.today`, or `calendar.search` over the day or days `when` names.
fn calendar_for(when: When, today: NaiveDate) -> Decision {
    let day = |d: NaiveDate| Value::String(d.format("%Y-%m-%d").to_string());
    let (from, to) = match when {
        When::Day(d, _) if d == today => return calendar("today", Map::new()),
        When::Day(d, _) => (d, d),
        When::Range(a, b) => (a, b),
    };
    calendar("search", Map::from_iter([("date_from".into(), day(from)), ("date_to".into(), day(to))]))
}

/// A model's `create_draft` with the date and time the user wrote, read by code, in place of
/// the model's (which small models get wrong); unchanged when the text names none.
pub fn correct_draft(decision: Decision, text: &str, today: NaiveDate) -> Decision {
    let Decision::Tools { tool, operation, mut params } = decision else { return decision };
    if tool == "calendar" && operation == "create_draft" {
        if let Some(When::Day(d, time)) = dates::parse(text, today) {
            params.insert("date".into(), Value::String(d.format("%Y-%m-%d").to_string()));
            if let Some(t) = time {
                params.insert("time".into(), Value::String(t.format("%H:%M").to_string()));
            }
        }
    }
    Decision::Tools { tool, operation, params }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn op(d: &Option<Decision>) -> Option<String> {
        d.as_ref().map(|d| match d {
            Decision::Tools { tool, operation, .. } => format!("{tool}.{operation}"),
            other => other.action().as_str().to_string(),
        })
    }

    #[test]
    fn certain_messages_are_decided_and_the_rest_left_to_the_model() {
        let cases: &[(&str, Option<&str>)] = &[
            ("Send an email to Jane saying I'll be late", Some("email.send")),
            ("please forward this mail to my boss", Some("email.send")),
            ("김 부장님께 메일 보내줘", Some("email.send")),
            ("이 메일에 답장 좀 써서 보내", Some("email.send")),
            ("are the servers up?", Some("status")),
            ("is the gpu backend busy right now", Some("status")),
            ("서버 상태 어때?", Some("status")),
            ("백엔드 살아 있어?", Some("status")),
            ("what's on my calendar today?", Some("calendar.today")),
            ("do I have any meetings tomorrow?", Some("calendar.search")),
            ("오늘 일정 알려줘", Some("calendar.today")),
            ("이번 주 일정 뭐 있어?", Some("calendar.search")),
            ("schedule a meeting with Tom tomorrow at 3pm", Some("calendar.create_draft")),
            ("내일 오후 3시에 회의 잡아줘", Some("calendar.create_draft")),
            ("find the mail from Jane about the invoice", Some("email.search")),
            ("계약서 찾아줘", Some("document.search")),
            ("read me the mail with uid 4521", Some("email.read")),
            ("문서 31번 내용 보여줘", Some("document.read")),
            // Left to the model.
            ("schedule a meeting with Tom", None), // no time: the model asks
            ("how do I send an email with attachments in Python?", None),
            ("explain how a web server handles load", None),
            ("hi there!", None),
            ("what is the capital of France?", None),
            ("what's on my calendar", None), // no date: the model asks or picks
            ("explain monads", None),        // a leaning, off here
        ];
        for (text, want) in cases {
            assert_eq!(op(&decide(text, today(), &[], Lang::En, false)).as_deref(), *want, "{text}");
        }
        let Some(Decision::Tools { params, .. }) = decide("이번 주 일정 뭐 있어?", today(), &[], Lang::Ko, false)
        else {
            panic!()
        };
        assert_eq!(params["date_from"], "2026-11-30");
        assert_eq!(params["date_to"], "2026-12-06");
    }

    #[test]
    fn a_drafts_date_and_time_come_from_the_users_words() {
        let model = Decision::Tools {
            tool: "calendar".into(),
            operation: "create_draft".into(),
            params: Map::from_iter([
                ("title".into(), Value::from("Meeting")),
                ("date".into(), Value::from("2024-01-01")),
                ("time".into(), Value::from("09:00")),
            ]),
        };
        let Decision::Tools { params, .. } = correct_draft(model, "내일 오후 3시에 회의 잡아줘", today())
        else {
            panic!()
        };
        assert_eq!(params["date"], "2026-12-03");
        assert_eq!(params["time"], "15:00");
        assert_eq!(params["title"], "Meeting");
    }

    #[test]
    fn leanings_and_follow_ups() {
        let d = |text: &str, history: &[Turn]| op(&decide(text, today(), history, Lang::En, true));
        assert_eq!(d("explain how TCP congestion control works", &[]).as_deref(), Some("route"));
        assert_eq!(d("하늘은 왜 파란가요?", &[]).as_deref(), Some("route"));
        assert_eq!(d("fix it", &[]).as_deref(), Some("clarify"));
        assert_eq!(d("그거 해줘", &[]).as_deref(), Some("clarify"));
        assert_eq!(d("hi there!", &[]), None);
        assert_eq!(d("what is the capital of France?", &[]), None);
        let listed = [
            Turn { user: true, text: "find mails from Jane".into() },
            Turn {
                user: false,
                text: "Found 3 mails from Jane: [uid 101] Invoice March, [uid 102] Lunch?, [uid 103] Contract draft"
                    .into(),
            },
        ];
        let Some(Decision::Tools { params, .. }) = decide("open the second one", today(), &listed, Lang::En, true)
        else {
            panic!()
        };
        assert_eq!(params["uid"], "102");
        let Some(Decision::Tools { params, .. }) =
            decide("show the full text of the contract draft mail", today(), &listed, Lang::En, true)
        else {
            panic!()
        };
        assert_eq!(params["uid"], "103");
        let Some(Decision::Tools { params, .. }) =
            decide("add lunch with Sarah on Friday at 12:30", today(), &[], Lang::En, true)
        else {
            panic!()
        };
        assert_eq!((params["date"].as_str(), params["time"].as_str()), (Some("2026-12-04"), Some("12:30")));
        assert!(params["title"].as_str().unwrap().contains("lunch"), "{params:?}");
    }

    #[test]
    fn a_document_is_read_by_its_name_and_unread_mail_is_a_search() {
        let call = |text: &str, history: &[Turn]| match decide(text, today(), history, Lang::En, true) {
            Some(Decision::Tools { tool, operation, params }) => {
                let arg = params.values().next().and_then(|v| v.as_str()).unwrap_or_default().to_string();
                Some((format!("{tool}.{operation}"), arg))
            }
            _ => None,
        };
        let read = |name: &str| Some(("document.read".to_string(), name.to_string()));
        assert_eq!(call("summarise quarterly-budget.xlsx", &[]), read("quarterly-budget.xlsx"));
        assert_eq!(call("open rack-plan.md from my documents", &[]), read("rack-plan.md"));
        assert_eq!(call("open the lease contract", &[]), read("lease contract"));
        // (A particle-like last syllable goes too: "인사평" still names "인사평가" files.)
        assert_eq!(call("인사평가 양식 파일 열어줘", &[]), read("인사평 양식"));
        // Plural is a search, or the model's; a pasted text to summarise is not a name.
        assert_eq!(call("open my notes", &[]), None);
        assert_eq!(call("find the files about the rack", &[]).map(|c| c.0).as_deref(), Some("document.search"));
        let pasted = "summarise this pdf text: the cluster lost quorum after two nodes rebooted during the window";
        assert_eq!(call(pasted, &[]), None);
        // A list without [doc N] tags: the file the ordinal names.
        let listed = [
            Turn { user: true, text: "docs about the new rack?".into() },
            Turn { user: false, text: "Found 2: 1. gpu-quotes.xlsx 2. rack-layout.pdf".into() },
        ];
        assert_eq!(call("open the last one", &listed), read("rack-layout.pdf"));
        assert_eq!(call("read the first one", &listed), read("gpu-quotes.xlsx"));
        // Unread mail is a list of mail; the word itself is not searched for.
        assert_eq!(call("show me my unread emails", &[]), Some(("email.search".into(), String::new())));
        assert_eq!(call("안읽은 메일 다 보여줘", &[]).map(|c| c.0).as_deref(), Some("email.search"));
        // One mail by its words: the newest they name.
        let mail = |words: &str| Some(("email.read".to_string(), words.to_string()));
        assert_eq!(call("read the latest mail from Jane", &[]), mail("jane"));
        assert_eq!(call("open the email about the hetzner invoice", &[]), mail("hetzner invoice"));
        assert_eq!(call("민수한테 온 메일 읽어줘", &[]), mail("민수"));
        assert_eq!(call("read my mails", &[]), Some(("email.search".into(), String::new())));
        assert_eq!(call("read the email jane sent yesterday", &[]), mail("jane"));
        // Not one document by name: questions about files, links, pasted text, an ordinal with
        // no list, a file an ordinary answer mentioned.
        for text in [
            "show me how to convert a docx file to pdf",
            "summarize https://example.com/guide.html",
            "summarize the report I pasted above",
            "open the first report",
            "open the last report",
        ] {
            assert!(call(text, &[]).is_none_or(|c| c.0 != "document.read"), "{text}: {:?}", call(text, &[]));
        }
        let answer = [
            Turn { user: true, text: "how do I set up the build?".into() },
            Turn { user: false, text: "Install Rust, then follow README.md step by step.".into() },
        ];
        assert!(call("show me the first step again", &answer).is_none_or(|c| c.0 != "document.read"));
    }
}
