//! Rules that are certain: recognisers, in English and Korean, for messages that need no
//! model. High precision only: a message that matches is decided here, at once; anything else
//! goes to the classifier.
//!
//! - a request to send, forward or reply to mail: refused (a tool call the checks refuse);
//! - a question about the servers: the status answer;
//! - a calendar question with a date ("today", "this week", "다음주 월요일"): `today` or
//!   `search` with dates computed here ([`calendar`], [`dates`]).
//!
//! [`dates`] also corrects a model's `create_draft`: dates and times the user wrote are read by
//! code, so "tomorrow 3 pm" is tomorrow at 15:00 whatever the model wrote.

mod bound;
mod calendar;
pub mod confirm;
mod cue;
pub mod dates;
mod docs;
mod event;
mod intent;
mod lean;
mod mail;
mod quick;
mod send;
mod status;

pub use cue::{cued_tools, tool_cue, Cued};
pub(crate) use send::sends_mail;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::choose::Gates;
use super::decision::Decision;
use super::prompt::{Lang, Turn};
use calendar::{asks_calendar, calendar, calendar_follow_up, calendar_for};
use dates::When;

/// The words of `t`. An English word with a Korean particle or ending on it is two words
/// ("reasoner가" is "reasoner" and "가", "busy해" is "busy" and "해"); digits stay with what
/// follows them ("14일에").
pub(crate) fn words(t: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for word in t.split(|c: char| !c.is_alphanumeric() && c != '-').filter(|w| !w.is_empty()) {
        let mut start = 0;
        let mut last: Option<char> = None;
        for (i, c) in word.char_indices() {
            let switch = last.is_some_and(|l| {
                (l.is_ascii_alphabetic() && c.is_alphabetic() && !c.is_ascii())
                    || (c.is_ascii_alphabetic() && l.is_alphabetic() && !l.is_ascii())
            });
            if switch {
                out.push(&word[start..i]);
                start = i;
            }
            last = Some(c);
        }
        out.push(&word[start..]);
    }
    out
}

pub(crate) fn any_word(ws: &[&str], of: &[&str]) -> bool {
    ws.iter().any(|w| of.contains(w))
}

pub(crate) fn contains_any(t: &str, of: &[&str]) -> bool {
    of.iter().any(|p| t.contains(p))
}

/// Whether `t` is a short follow-up that leaves its subject to the question before ("and the
/// other one?", "로컬 쪽은?", "how busy is it", "금요일은?", "and tomorrow?").
fn elliptic(t: &str, ws: &[&str]) -> bool {
    let t = t.trim().trim_end_matches(['?', '.', '!']);
    // "ok and now?": a filler before it says nothing.
    let t = ["ok ", "okay ", "so ", "hmm "].iter().fold(t, |t, f| t.strip_prefix(f).unwrap_or(t));
    let starts =
        ["and ", "what about ", "how about ", "the other", "그럼 ", "그리고 "].iter().any(|s| t.starts_with(s));
    let ends = ["은", "는", "쪽은", "쪽은요", "는요", "은요"].iter().any(|e| t.ends_with(e));
    ws.len() <= 5 && (starts || ends)
}

/// The decision for `text` when a rule is certain of it (or, with `lean`, when a leaning
/// applies: see [`lean`]); `None` sends it to the classifier. `history`: the turns before it.
/// The rules read a long message by its head and tail ([`bound`]); the reasoner gets it whole.
pub fn decide(text: &str, today: NaiveDate, history: &[Turn], lang: Lang, lean: bool) -> Option<Decision> {
    match decide_read(&bound::text(text), today, &bound::turns(history), lang, lean) {
        Some(Decision::Route { .. }) => Some(Decision::Route { prompt: text.to_string() }),
        decided => decided,
    }
}

fn decide_read(text: &str, today: NaiveDate, history: &[Turn], lang: Lang, lean: bool) -> Option<Decision> {
    let t = text.to_lowercase();
    let ws = words(&t);
    // Leanings first that the tools' rules below would take for a tool call: a quoted text to
    // rework, and a story of one's day that names a meeting in passing.
    if lean && (lean::rework(text) || lean::debugging(&t, &ws)) {
        return Some(Decision::Route { prompt: text.to_string() });
    }
    // More of the reasoner's work ("좀더 MZ스럽게 다시 5개" after slogans were asked for), which
    // a story's feeling words would take for small talk. A tool's words or a date are another
    // request.
    let tool_words = cue::tool_words(&t);
    let dated = dates::time(&t).is_some() || dates::parse(text, today).is_some();
    let previous = history.iter().rev().find(|turn| turn.user);
    let answer = history.iter().rev().find(|turn| !turn.user).map(|turn| turn.text.as_str());
    let more_of = lean && !tool_words && !dated && previous.is_some_and(|p| lean::more_of(&t, &ws, &p.text, answer));
    let story = lean && !more_of && lean::story(&t, &ws);
    let replies = send::reply_asked(&t, &ws) && !send::chat_before(history);
    if sends_mail(&t, &ws) || replies || send::draft_sent(&t, &ws, history) {
        return Some(Decision::Tools { tool: "email".into(), operation: "send".into(), params: Map::new() });
    }
    // A story of a server, told and not asked ("my vllm server finally survived a whole week
    // without crashing. feeling weirdly proud of it"), is small talk; a server in trouble now
    // ("ugh the gpu box crashed again lol") is the status.
    #[rustfmt::skip]
    let trouble = contains_any(&t, &[
        "down", "slow", "crash", "laggy", "lagging", "waiting", "stuck", "frozen", "overloaded", "not responding",
        "reboot", "restarting",
        "버벅", "느려", "느리", "느림", "죽었", "다운", "멈췄", "터졌", "터진", "먹통",
    ]) && !contains_any(&t, &["without crash", "no crash", "안 죽", "안죽"]);
    // (A Korean question may end without its mark: "… 쓸 수 있음", "… 되나". Those with
    // 있나 / 있니 / 있어 are questions to `lean::story` already.)
    let ko_asked = ["있음", "됨", "되나", "없나"].iter().any(|e| t.trim_end().ends_with(e));
    // A server asked of in passing, after "btw" ("ugh deploy day 😩 btw is the mac mini still
    // holding llama3 in memory or did ollama unload it").
    let passing = ["btw ", "by the way ", "근데 "]
        .iter()
        .any(|b| t.split_once(b).is_some_and(|(_, clause)| status::asks(clause, &words(clause))));
    let told = story && !t.contains('?') && !ko_asked && !trouble && !passing;
    if !told && (passing || status::asks(&t, &ws) || status::follow_up(&t, &ws, history, today)) {
        return Some(Decision::Status);
    }
    if story {
        return Some(Decision::Direct { response: String::new() });
    }
    if asks_calendar(&t, &ws, today) {
        // A month of events in English is the user's ("what's on my calendar this month?"),
        // not the city's ("what events are happening in Seoul this month?").
        let month = |w: &When| matches!(w, When::Range(a, b) if (*b - *a).num_days() >= 27);
        let own = any_word(&ws, &["my", "i", "me", "our", "we"]) || lang == Lang::Ko || !t.is_ascii();
        // Nor the week's or the weekend's in a city ("any good events in seoul this weekend?").
        let city = any_word(&ws, &["events", "happening", "concerts", "festival", "festivals", "in"]);
        let range = |w: &When| matches!(w, When::Range(..));
        if let Some(when) = dates::parse(text, today).filter(|w| own || !(month(w) || (city && range(w)))) {
            return Some(calendar_for(when, today));
        }
        // "what's my day look like": today.
        #[rustfmt::skip]
        let today_parts = [
            "my day look", "my day like", "through my day", "my day going", "내 하루", "my afternoon look",
            "my morning look", "my evening look", "this afternoon look", "this morning look", "tonight look",
        ];
        if contains_any(&t, &today_parts) && dates::time(&t).is_none() {
            return Some(calendar("today", Map::new()));
        }
        // "am I free at 3?": a time and no day is today.
        let numbers = ws.iter().filter(|w| w.starts_with(|c: char| c.is_ascii_digit())).count();
        let other_day = contains_any(&t, &["주말", "weekend", "/"]);
        if dates::time(&t).is_some()
            && numbers == 1
            && !other_day
            && contains_any(
                &t,
                &[
                    "am i free",
                    "am i busy",
                    "시간 돼",
                    "시간돼",
                    "시간 비어",
                    "clash with",
                    "conflict with",
                    "overlap with",
                ],
            )
        {
            return Some(calendar("today", Map::new()));
        }
    }
    if let Some(when) = calendar_follow_up(text, &t, &ws, history, today) {
        return Some(calendar_for(when, today));
    }
    if let Some(call) = intent::tool_call(text, &t, &ws, today, history) {
        return Some(call);
    }
    // Vague with nothing before it to point at (a greeting is nothing).
    let nothing_before = history.iter().filter(|turn| turn.user).all(|turn| {
        let lower = turn.text.to_lowercase();
        let ws = words(&lower);
        ws.len() <= 3 && any_word(&ws, &["hi", "hello", "hey", "안녕", "안녕하세요", "yo", "morning"])
        // (Nor an offer the assistant made: "오늘 일정부터 정리해 드릴까요?" names what "좋아요" or
        // "which is better?" is about.)
    }) && !history.iter().rev().find(|turn| !turn.user).is_some_and(|a| {
        let a = a.text.to_lowercase();
        #[rustfmt::skip]
        let offers = contains_any(&a, &[
            "할까요", "드릴까요", "볼까요", "shall i", "should i", "do you want me", "would you like", "want me to",
        ]);
        // (Not "무엇을 도와드릴까요?", "what would you like me to do?": no offer.)
        let open = contains_any(&a, &["도와", "무엇을", "무엇이", "뭘 ", "뭐 ", "what would", "what can", "how can"]);
        offers && !open
    });
    if lean && lean::venting(&t, &ws) {
        return Some(Decision::Direct { response: String::new() });
    }
    // A greeting that says what it is about is no vague request ("안녕하세요 손주가 이거
    // 깔아줬어요 잘 부탁합니다").
    let greets = ["hi ", "hello", "hey ", "안녕", "반갑"].iter().any(|g| t.starts_with(g));
    if lean && nothing_before && !greets && lean::vague(&t, &ws) {
        return Some(Decision::Clarify { response: crate::i18n::clarify(lang) });
    }
    if lean && lean::analytic(&t, &ws) {
        return Some(Decision::Route { prompt: text.to_string() });
    }
    // The leanings below leave a message with a tool's words to the model.
    if lean && !tool_words && lean::arithmetic(&t, &ws, dated) {
        return Some(Decision::Route { prompt: text.to_string() });
    }
    if more_of {
        return Some(Decision::Route { prompt: text.to_string() });
    }
    if lean && !tool_words && quick::quick(&t, &ws) {
        return Some(Decision::Direct { response: String::new() });
    }
    None
}

/// Longest vague request, in words: none of the routing benchmark's labelled vague requests
/// (136 in nine sets, en and ko) is longer than ten.
const CLARIFY_WORDS: usize = 12;

/// What a model may decide for `text` (see [`Gates`]): a tool call only with a tool cue, the
/// status only with a word of the servers, a question back only for a short message.
pub fn gates(text: &str, today: NaiveDate, history: &[Turn]) -> Gates {
    let (text, history) = (bound::text(text), bound::turns(history));
    let (text, history) = (text.as_ref(), history.as_ref());
    Gates {
        tools: tool_cue(text, today, history),
        status: status::cue(&text.to_lowercase(), history),
        clarify: text.split_whitespace().count() <= CLARIFY_WORDS
            || (history.is_empty() && lean::points_back(&text.to_lowercase())),
    }
}

/// A model's `create_draft` with the date and time the user wrote, read by code, in place of
/// the model's (which small models get wrong); unchanged when the text names none.
pub fn correct_draft(decision: Decision, text: &str, today: NaiveDate) -> Decision {
    let Decision::Tools { tool, operation, mut params } = decision else { return decision };
    if tool == "calendar" && operation == "create_draft" {
        if let Some(When::Day(d, time)) = dates::parse(&bound::text(text), today) {
            params.insert("date".into(), Value::String(d.format("%Y-%m-%d").to_string()));
            if let Some(t) = time {
                params.insert("time".into(), Value::String(t.format("%H:%M").to_string()));
            }
        }
    }
    Decision::Tools { tool, operation, params }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_answers;
#[cfg(test)]
mod tests_precision;
#[cfg(test)]
mod tests_round12;
#[cfg(test)]
mod tests_round14;
#[cfg(test)]
mod tests_round15;
#[cfg(test)]
mod tests_sets;
