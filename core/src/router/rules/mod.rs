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

mod bound;
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

/// A short follow-up of a calendar question that names another day ("and tomorrow?",
/// "금요일은?"): the same question of that day.
fn calendar_follow_up(text: &str, t: &str, ws: &[&str], history: &[Turn], today: NaiveDate) -> Option<When> {
    let previous = history.iter().rev().find(|turn| turn.user)?;
    let p = previous.text.to_lowercase();
    let asked = asks_calendar(&p, &words(&p), today) && dates::parse(&previous.text, today).is_some();
    // Only the day changes: no time, no verb ("그럼 금요일 오후 3시로 잡아줘", "move it to
    // friday"), no other tool ("and any mail from friday?").
    let more = dates::time(t).is_some() || cue::tool_words(t) || ws.len() > 4;
    // "모레는 어때?", "금요일은 어떤데?": a day, and how it is (not "내일 날씨는 어때?").
    let how = ws.len() == 2 && ["어때", "어때요", "어떰", "어떤데", "어떤가요"].contains(&ws[1]);
    (asked && (elliptic(t, ws) || how) && !more).then(|| dates::parse(text, today)).flatten()
}

/// Verbs of adding to the calendar.
const ADDS: &[&str] = &["add", "create", "book", "set", "put", "make", "arrange", "plan", "remind"];

/// "how packed is my afternoon looking?", "anything clash with my 3pm?": how full a day of the
/// user's is, asked.
fn packed(t: &str) -> bool {
    const PARTS: &[&str] = &["day", "morning", "afternoon", "evening", "week", "today", "tomorrow", "schedule"];
    let full = ["how packed is my ", "how busy is my ", "how full is my ", "how slammed is my "]
        .iter()
        .any(|p| t.find(p).is_some_and(|i| PARTS.iter().any(|d| t[i + p.len()..].starts_with(d))));
    let clash = ["clash with my ", "conflict with my ", "overlap with my "]
        .iter()
        .any(|p| t.find(p).is_some_and(|i| t[i + p.len()..].starts_with(|c: char| c.is_ascii_digit())));
    full || clash
}

/// A question about the calendar, not a request to add to it (en/ko). With a date, it is a
/// calendar question even without a calendar word: "what's on thursday?", "am I free this
/// afternoon?", "모레 오전에 뭐 있어?".
fn asks_calendar(t: &str, ws: &[&str], today: NaiveDate) -> bool {
    let cal = any_word(
        ws,
        &[
            "calendar",
            "schedule",
            "scheduled",
            "agenda",
            "meetings",
            "meeting",
            "mtg",
            "mtgs",
            "appointments",
            "appointment",
            "events",
            "plans",
        ],
    );
    // Asking, or a few words that name it ("today's schedule pls"; not "cancel tomorrow's
    // meeting", "meeting notes from monday").
    let other = any_word(ws, &["cancel", "move", "reschedule", "delete", "notes", "minutes", "doc", "docs", "file"]);
    let asks = any_word(ws, &["what", "what's", "whats", "show", "any", "do", "list", "check", "have", "anything"])
        || contains_any(t, &["run me through", "walk me through", "tell me", "how many", "알려", "보여"])
        || (ws.len() <= 4 && !other);
    // "schedule a call" adds; "my schedule" is the calendar.
    // A noun after "my", "the", a possessive or a day ("목요일 schedule 좀 알려줘"), or before
    // nothing, "for", "pls".
    let schedule_noun = ws.iter().position(|w| *w == "schedule").is_some_and(|i| {
        let before = i.checked_sub(1).map(|j| ws[j]);
        let after = ws.get(i + 1).copied();
        before.is_some_and(|b| ["my", "the", "your", "our", "s"].contains(&b) || dates::parse(b, today).is_some())
            || after
                .is_none_or(|a| ["for", "pls", "please", "좀", "on", "today", "tomorrow", "this", "next"].contains(&a))
    });
    let schedule_verb = any_word(ws, &["schedule"]) && !schedule_noun;
    let adds = any_word(ws, ADDS) || contains_any(t, event::PENCIL_IN) || schedule_verb;
    // "what's on" + a date or "my" ("what's on thursday?"; not "what's on tv tonight?").
    let on_what = ["what's on ", "whats on ", "what is on ", "anything on "].iter().any(|p| {
        t.find(p).is_some_and(|i| {
            let next = t[i + p.len()..].split(|c: char| !c.is_alphanumeric()).next().unwrap_or_default();
            ["my", "for", "the", "this", "next", "today", "tonight", "tomorrow", "tmrw"].contains(&next)
                || dates::parse(next, today).is_some()
        })
    });
    // "what does next week look like", "how's friday looking": a date's look, asked ("what
    // does the weather look like tomorrow" asks of the weather).
    let looks = [
        ("what does ", " look"),
        ("what's ", " look"),
        ("whats ", " look"),
        ("how's ", " looking"),
        ("hows ", " looking"),
        ("how does ", " look"),
    ]
    .iter()
    .any(|(a, b)| {
        let Some(i) = t.find(a).map(|i| i + a.len()) else { return false };
        let Some(j) = t[i..].find(b) else { return false };
        // Nothing after it but "like" and "for me" ("how's tomorrow looking for a hike,
        // weather-wise?" asks of the weather).
        // A day after it is the day asked ("how does my day look tomorrow?").
        let after: Vec<&str> = words(&t[i + j + b.len()..]);
        let plain = after
            .iter()
            .all(|w| ["like", "for", "me", "us", "then", "so", "far"].contains(w) || dates::parse(w, today).is_some());
        plain
            && Some(&t[i..i + j]).is_some_and(|x| {
                let x = x.strip_prefix("my ").unwrap_or(x);
                // Only words of a date ("next week's weather" is the weather's).
                let of_date = |w: &str| {
                    [
                        "next",
                        "this",
                        "the",
                        "of",
                        "rest",
                        "coming",
                        "week",
                        "weekend",
                        "morning",
                        "afternoon",
                        "evening",
                    ]
                    .contains(&w)
                        || dates::parse(w, today).is_some()
                };
                x.split_whitespace().count() <= 3
                    && (["day", "week", "schedule", "calendar", "agenda"].contains(&x)
                        || (dates::parse(x, today).is_some() && x.split_whitespace().all(of_date)))
            })
    });
    // "what have I got on today", "what do i have friday?", "what do i have left today" (not
    // "what do i have to install", "what do I have left in my budget this month?").
    // (Not a machine's: "what have I got on my gpu box today?".)
    let machine = any_word(ws, &["gpu", "box", "server", "servers", "disk", "vram", "queue", "cluster", "node"]);
    let have = !machine
        && ["what do i have ", "what have i got", "what've i got", "what am i stuck in"].iter().any(|p| {
            t.find(p).is_some_and(|i| {
                let rest: Vec<&str> = t[i + p.len()..].split_whitespace().take(2).collect();
                let on = rest
                    .first()
                    .is_none_or(|w| ["on", "coming", "going", "planned", "scheduled", "booked", "lined"].contains(w))
                    && rest.get(1) != Some(&"hand");
                on || dates::parse(&rest.join(" "), today).is_some()
            })
        });
    // "today looking packed?", "is friday looking busy": a day, its look, how full.
    // (Every word before it of the day: not "rain tomorrow looking heavy?".)
    const PARTS: &[&str] = &["day", "morning", "afternoon", "evening", "week", "weekend", "tonight"];
    let looking = ws.iter().position(|w| ["looking", "look"].contains(w)).is_some_and(|i| {
        let day = ws[..i]
            .iter()
            .filter(|w| !["is", "how", "s", "my", "the", "this"].contains(*w))
            .copied()
            .collect::<Vec<_>>();
        let full = |w: &&str| {
            ["packed", "busy", "full", "hectic", "crazy", "heavy", "light", "free", "booked", "stacked", "slammed"]
                .contains(w)
        };
        (1..=2).contains(&day.len())
            && day.iter().all(|w| PARTS.contains(w) || dates::parse(w, today).is_some())
            && ws.len() <= 7
            && ws[i + 1..].iter().any(full)
    });
    #[rustfmt::skip]
    let free = on_what || looks || looking || have || packed(t) || contains_any(t, &[
        "am i double booked", "am i double-booked", "do i have any", "do i have a ", "do i have plans", "do i have time", "do i have something",
        "what do i have today", "what do i have left today", "what do i have on today", "what do i have tomorrow", "what do i have this", "what do i have next",
        "have i got anything", "am i free", "am i busy", "am i booked", "what's my day look", "what's my day like",
        "what does my day", "what does my week", "what does the week of", "what does today look", "today look like for me",
        "anything booked", "what's booked", "whats booked", "anything i need to be at", "anything i need to show up",
        "anything i need to be ready for", "run me through my day", "walk me through my day", "left on my plate",
    ]);
    // (Not the notes of a meeting, nor its slides: "다음주 회의 자료 몇 개 있어?".)
    let ko_cal = contains_any(t, &["일정", "스케줄", "약속", "회의", "미팅", "캘린더", "달력"])
        && !contains_any(t, &["회의록", "회의실", "자료", "문서", "파일", "메일", "노트", "녹음", "링크"])
        // Something of a meeting, not the calendar ("내일 미팅 때 뭐 입고 가지?", "오늘 회의에서
        // 나온 액션 아이템 몇 개야?").
        && !contains_any(t, &["회의 때", "미팅 때", "회의때", "미팅때", "회의에서", "미팅에서", "슬라이드", "피드백", "액션"]);
    // Asked, or named in a few words ("오늘 일정", "낼 스케줄 좀").
    let ko_asks =
        contains_any(t, &["알려", "뭐", "무슨", "있어", "있나", "있니", "있는지", "확인", "보여", "어때", "있었"])
            || contains_any(
                t,
                &["몇 시", "몇시", "몇 개", "몇개", "몇 건", "몇건", "봐줘", "봐 줘", "봐주세요", "어떻게 돼", "읊어"],
            )
            || (ws.len() <= 3
                && ws.last().is_some_and(|w| {
                    // The noun, or the noun and a particle ("일정은"; not "회의록", "회의자료").
                    let noun = w.strip_suffix(['은', '는', '이', '가']).unwrap_or(w);
                    ["일정", "스케줄", "약속", "회의", "캘린더"].contains(&noun)
                }));
    // "모레 오전에 뭐 있어?", "금욜에 뭐 잡혀있어?": a date and little else.
    let ko_free = (ws.len() <= 4
        && contains_any(t, &["뭐 있", "뭐있", "뭐 잡혀있", "뭐 잡혀 있", "뭐잡혀있", "잡힌 거", "잡힌거"]))
        || contains_any(
            t,
            &[
                "시간 비어",
                "시간비어",
                "오후 비어",
                "오전 비어",
                "저녁 비어",
                "시간 돼",
                "시간돼",
                "한가해",
                "비는 시간",
                "빈 시간",
            ],
        )
        // "오늘 오후에 나 비어있나?" (not a disk, a seat or a room).
        // Every other word a day, a time or the user ("나 오늘 4시에 비어있나?", "담주 수욜
        // 비어있어?"; not "오늘 헬스장 비어있나?").
        || (contains_any(t, &["비어있", "비어 있"]) && ws.len() <= 5 && ws.iter().all(|w| {
            w.starts_with("비어")
                || ["있나", "있어", "있어요", "있나요", "나", "저", "난", "전", "혹시", "좀", "지금", "시간", "오후에", "오전에", "오후", "오전", "저녁에", "저녁", "아침에"].contains(w)
                || dates::parse(w, today).is_some()
                || dates::time(w).is_some()
        }));
    const KO_ADDS: &[&str] = &["잡아", "추가", "등록", "만들어", "넣어", "예약", "박아놔", "박아둬", "박아줘"];
    // "am I free the week of the 14th? trying to plan a shoot": a free-time question, its
    // reason after it.
    let asked_first = t.split_inclusive('?').next().unwrap_or(t);
    let adds_asked = adds && !(free && t.contains('?') && !any_word(&words(asked_first), ADDS));
    // "오늘 4시 전에 비는 시간 좀 있나 봐줄래? PR 리뷰 하나 끼워넣어야 돼서": the same in Korean.
    let ko_adds = contains_any(t, KO_ADDS) && !(ko_free && t.contains('?') && !contains_any(asked_first, KO_ADDS));
    // The assistant's own plans, asked ("do you have any plans for the weekend?").
    let of_you = contains_any(t, &["do you have", "you got", "are you", "your plans", "you doing", "너는", "넌 "])
        && !any_word(ws, &["my", "i", "me", "we", "our"]);
    !of_you && (((cal && asks) || free) && !adds_asked || ((ko_cal && ko_asks) || ko_free) && !ko_adds)
}

fn calendar(operation: &str, params: Map<String, Value>) -> Decision {
    Decision::Tools { tool: "calendar".into(), operation: operation.into(), params }
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
