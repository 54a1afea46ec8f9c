//! Calendar requests that name what they want plainly, read by code: an event to add with a
//! date and time ("schedule a meeting with Tom tomorrow at 3pm", "내일 오후 3시에 회의 잡아줘"),
//! and "when is my dentist appointment?".

use chrono::{Duration, NaiveDate, NaiveTime};
use serde_json::Value;

use super::dates::{self, When};
use super::intent::{call, one};
use super::{any_word, contains_any};
use crate::router::decision::Decision;
use crate::router::prompt::Turn;

/// Adding, said casually ("pencil in the dentist", "block off friday afternoon"; not "a block
/// party", "my focus block").
pub(super) const PENCIL_IN: &[&str] = &[
    "pencil in",
    "pencil me in",
    "pencil it in",
    "block off",
    "block out",
    "block some time",
    "block time",
    "stick a reminder in",
    "stick a reminder on",
    "put a reminder in",
    "put a reminder on",
];

/// The event's title: the words that are not the request, the date or the time.
fn title(t: &str) -> String {
    const DROP: &[&str] = &[
        "schedule",
        "add",
        "book",
        "put",
        "set",
        "create",
        "remind",
        "me",
        "to",
        "a",
        "an",
        "the",
        "on",
        "at",
        "for",
        "tomorrow",
        "today",
        "next",
        "this",
        "week",
        "pm",
        "am",
        "with",
        "please",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "in",
        "my",
        "calendar",
    ];
    let words: Vec<&str> = t
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty() && !DROP.contains(&w.to_lowercase().as_str()))
        .filter(|w| !w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .filter(|w| {
            !["내일", "오늘", "모레", "다음주", "다음", "주", "이번", "오전", "오후", "저녁", "아침"].contains(w)
        })
        .filter(|w| {
            !w.ends_with("요일")
                && !w.ends_with("시")
                && !w.ends_with('월')
                && !w.ends_with('일')
                && !w.contains("시에")
        })
        .filter(|w| !["잡아줘", "추가해줘", "등록해줘", "넣어줘", "예약해줘", "반에"].contains(w))
        .collect();
    let t: String = words.join(" ");
    if t.is_empty() {
        "Event".into()
    } else {
        t.chars().take(120).collect()
    }
}

/// The start of an hour span ("block 2-4 friday", "block 2 to 4 tomorrow"): 1 to 7 is the
/// afternoon, as in [`dates::time`].
fn span_start(t: &str) -> Option<NaiveTime> {
    let ws: Vec<&str> = t.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    let hour = |w: &str| w.parse::<u32>().ok().filter(|h| (1..=12).contains(h));
    let start = ws.iter().enumerate().find_map(|(i, w)| {
        let (a, b, next) = match w.split_once('-') {
            Some((a, b)) => (hour(a)?, hour(b)?, ws.get(i + 1)),
            None if ws.get(i + 1) == Some(&"to") => (hour(w)?, hour(ws.get(i + 2)?)?, ws.get(i + 3)),
            None => return None,
        };
        // "block 3-4 hours": a length, not a span.
        if next.is_some_and(|n| ["hours", "hrs", "hour", "h", "시간"].contains(n)) {
            return None;
        }
        // "2-4", "10-12", "11-1": a span of a few hours.
        let length = (b + 12 - a) % 12;
        (1..=4).contains(&length).then_some(a)
    })?;
    NaiveTime::from_hms_opt(if start <= 7 { start + 12 } else { start }, 0, 0)
}

/// The time a part of the day stands for ("friday afternoon", "내일 오전"), or a day put on
/// the calendar with no time at all ("엄마 생신 7월 12일 캘린더에 등록해놔"): the morning.
fn part_of_day(t: &str) -> Option<NaiveTime> {
    let at = |h| NaiveTime::from_hms_opt(h, 0, 0);
    // A greeting names no time ("good afternoon, please add the team dinner friday").
    let t = &t.replace("good morning", "").replace("good afternoon", "").replace("good evening", "");
    // The first named ("add lunch with jay tomorrow, he flies out tonight": lunch).
    #[rustfmt::skip]
    const PARTS: &[(&str, u32)] = &[
        ("after lunch", 13), ("점심 먹고", 13), ("점심 이후", 13), ("점심 후", 13), ("evening", 18), ("tonight", 18),
        ("dinner", 18), ("저녁", 18), ("lunch", 12), ("점심", 12), ("afternoon", 13), ("오후", 13), ("morning", 9),
        ("오전", 9), ("아침", 9),
    ];
    let first = PARTS.iter().filter_map(|(p, h)| t.find(p).map(|i| (i, *h))).min_by_key(|(i, _)| *i);
    if let Some((_, h)) = first {
        return at(h);
    }
    contains_any(t, &["calendar", "캘린더", "달력"]).then(|| at(9)).flatten()
}

/// An event to add with its day and time: both in `text`, or the time in it and the day in
/// the user's turn just before ("am I free on the 22nd?" ... "great, book the haircut then,
/// 3pm").
pub(super) fn add_event(text: &str, ws: &[&str], today: NaiveDate, history: &[Turn]) -> Option<Decision> {
    let t = text.to_lowercase();
    // "block 2 hours tomorrow morning" (not "block port 8080 tomorrow", "block ads").
    #[rustfmt::skip]
    // A verb: first, or after a filler ("great, block it for the vendor call"; not "my 9am
    // focus block").
    let verb = ws.iter().position(|w| *w == "block").is_some_and(|i| {
        i == 0 || ["ok", "okay", "great", "so", "pls", "please", "you", "and", "then", "also", "just", "perfect"].contains(&ws[i - 1])
    });
    let blocks = verb
        && !any_word(
            ws,
            &[
                "ip", "port", "ports", "user", "users", "ads", "site", "sites", "domain", "traffic", "request",
                "requests", "sender", "number", "account", "bot", "bots", "how", "chain", "party", "code", "reddit",
                "laptop", "youtube", "twitter", "website", "app", "apps", "phone", "crawler", "spam",
            ],
        );
    // "회고 한 시간짜리로 만들어 줘요": made, of an event (not "보고서 만들어줘", a text).
    // (Not its slides, nor a trip's plan: "내일 오전 회의 자료 만들어줘", "부산 여행 일정 만들어줘".)
    let makes = t.contains("만들어")
        && contains_any(&t, &["회의", "미팅", "일정", "약속", "회고", "세션", "블록"])
        && !contains_any(&t, &["자료", "문서", "보고서", "슬라이드", "여행", "코스", "계획", "아젠다", "안건"]);
    // "can you set up lunch with Marco …", not "a cron job" or "ollama".
    #[rustfmt::skip]
    let event = any_word(ws, &[
        "lunch", "call", "meeting", "sync", "dinner", "coffee", "interview", "review", "session", "appointment",
        "standup", "demo", "catch-up", "catchup", "1", "chat", "playtest", "meetup",
    ]) && !any_word(ws, &["environment", "app", "server", "instance", "cluster", "pipeline", "repo", "database", "db"]);
    // "ping me at 17:45 to kill the training run": a reminder at a time.
    let ping = contains_any(&t, &["ping me at", "nudge me at", "remind me at"]);
    let adds = any_word(ws, &["schedule", "add", "book", "put", "create", "remind"])
        || ping
        || t.starts_with("set up")
        || (contains_any(&t, &["can you set up", "could you set up", "please set up", "pls set up"]) && event)
        || blocks
        || makes
        || contains_any(&t, PENCIL_IN)
        || contains_any(&t, &["잡아", "추가", "등록", "넣어", "예약해", "박아놔", "박아둬", "박아줘", "박아 줘"]);
    // A question ("remind me what's first on the schedule"), or someone else's adding told
    // ("팀장님은 캘린더에 또 뭐 잡아놓으심").
    let asked = ["what", "when", "where", "which", "who", "how", "if", "whether"]
        .iter()
        .any(|w| t.contains(&format!("remind me {w}")));
    let told = contains_any(&t, &["놓으심", "놓으셨", "으셨", "하셨", "하심"]);
    if !adds || asked || told {
        return None;
    }
    let reminder = if ping { reminder_time(&t) } else { None };
    let (day, time) = match dates::parse(text, today) {
        Some(When::Day(day, Some(time))) => (day, time),
        // A day and a span or a part of it ("block off friday afternoon for deep work"), of an
        // event or a block of time (not "book a table for tonight, any good places?").
        Some(When::Day(day, None)) => {
            let calendar = contains_any(&t, &["calendar", "캘린더", "달력", "일정", "회의", "미팅", "약속", "회고"]);
            if !(blocks || calendar || event || makes) || t.contains('?') {
                return None;
            }
            (day, span_start(&t).filter(|_| blocks).or_else(|| part_of_day(&t))?)
        }
        Some(_) => return None,
        // A reminder at a time and no day: today.
        None if reminder.is_some() => (today, reminder?),
        None => {
            // The time in it, or the first time of an answer that found free time ("book it
            // for the vendor call then" after "You're free Thursday 15:00–17:00"; not the
            // first of the events an answer listed).
            #[rustfmt::skip]
            let answer = history.last().filter(|turn| !turn.user).map(|turn| turn.text.as_str()).filter(|a| {
                contains_any(&a.to_lowercase(), &["free", "available", "open", "비어", "빈 시간", "비는", "가능"])
            });
            let range = |a: &str| a.to_lowercase().replace(['–', '—', '~'], " ");
            let time = dates::time(&t).or_else(|| answer.map(range).as_deref().and_then(dates::time))?;
            let day = match dates::parse(&history.iter().rev().find(|turn| turn.user)?.text, today) {
                Some(When::Day(d, _)) => d,
                _ => return None,
            };
            (day, time)
        }
    };
    let mut params = one("title", title(text));
    params.insert("date".into(), Value::from(day.format("%Y-%m-%d").to_string()));
    params.insert("time".into(), Value::from(time.format("%H:%M").to_string()));
    Some(call("calendar", "create_draft", params))
}

/// The time of a reminder ("ping me at 17:45"); a bare hour is of the working day, 1-7 the
/// afternoon ("remind me at 5": 17:00).
fn reminder_time(t: &str) -> Option<NaiveTime> {
    dates::time(t).or_else(|| {
        let after = &t[t.find("me at ")? + 6..];
        let h: u32 = after.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?;
        let h = if (1..=7).contains(&h) { h + 12 } else { h };
        NaiveTime::from_hms_opt(h, 0, 0).filter(|_| (8..=19).contains(&h))
    })
}

/// "when is my dentist appointment?": the next 90 days.
pub(super) fn when_is(t: &str, ws: &[&str], today: NaiveDate) -> Option<Decision> {
    // "when was" of the user's own ("when was my last checkup"; not "when was call of duty 4
    // released?"); the Korean asked of an event ("미팅 언제였더라", not "미팅에서 본론은 언제
    // 꺼내는 게 좋아?").
    #[rustfmt::skip]
    let ko_when = contains_any(t, &[
        "언제야", "언제였", "언제지", "언제더라", "언제 있", "언제로", "언제냐", "언제임", "언제예요", "언제에요", "언제인지",
        "언제죠", "언제 잡", "언제 갔었", "언제 했었",
    ]);
    // Its date asked ("워크샵 몇일이었죠?", "점심 먹은 날짜 찾아줘").
    #[rustfmt::skip]
    let ko_date = contains_any(t, &[
        "며칠이었", "몇일이었", "며칠이지", "몇일이지", "며칠이더라", "몇일이더라", "며칠이야", "몇일이야", "며칠인지",
        "몇일인지", "날짜 찾아", "날짜가 언제", "날짜 알려",
    ]);
    let ko_meeting = contains_any(t, &["예약", "약속", "회의", "일정", "미팅", "세미나"]);
    // An event of one's own, in Korean ("엄마 생신 캘린더에 넣어놨던거 같은데 며칠이지",
    // "민준이랑 점심 먹은 날짜"; not "G7 정상회의 며칠이야?", "수능 성적 발표 며칠이야?").
    #[rustfmt::skip]
    let ko_own = contains_any(t, &[
        "워크샵", "워크숍", "회식", "출장", "면접", "생신", "캘린더", "점심 먹은", "저녁 먹은", "만난 날", "만났던",
    ]);
    let ko_mine = contains_any(t, &["내 ", "우리", "제 ", "저희", "팀 ", "이었", "였"]);
    let ko_event = ko_own || (ko_meeting && (ko_when || ko_mine));
    // "when did I last meet with the Hoffmann group?", "when was the last time I saw Jonas?":
    // a meeting that was (not "when did we talk about the proxy", "when did I last sync my fork").
    let seen = any_word(ws, &["meet", "met", "see", "saw", "visit", "visited"])
        || contains_any(t, &["lunch with", "dinner with", "coffee with", "a call with", "a meeting with"]);
    let met = ["when did i ", "when did we ", "when was the last time i ", "when was the last time we "]
        .iter()
        .any(|p| t.starts_with(p))
        && seen;
    let when = (t.starts_with("when is") || t.starts_with("when's"))
        && !contains_any(t, &["best time", "good time", "should"])
        || (t.starts_with("when was") && any_word(ws, &["my", "our", "i", "we"]))
        || met
        || ((ko_when || ko_date) && ko_event);
    // The user's own ("when is my ...", "when's the dentist again", "I added it"), not a
    // holiday's date.
    #[rustfmt::skip]
    let event = any_word(ws, &[
        "appointment", "meeting", "event", "call", "dinner", "lunch", "my", "our", "dentist", "doctor",
        "haircut", "interview", "checkup", "defense", "review", "sync", "standup", "offsite", "demo", "retro",
        "planning", "workshop",
    ]) || t.contains("i added")
        || t.contains("언제")
        || ko_event
        || met;
    // One that was ("김부장님이랑 미팅 언제였더라", "when was my last checkup"): the 90 days
    // before; else the 90 days after.
    let past = t.starts_with("when was")
        || met
        || contains_any(t, &["였더라", "였지", "였어", "했었", "did i", "었죠", "었나", "먹은", "만난"]);
    (when && event).then(|| {
        let day = |d: NaiveDate| Value::from(d.format("%Y-%m-%d").to_string());
        // A month or a week named ("지난달에 … 점심 먹은 날짜"): its days. (A day named is
        // more often another's: "need it for tomorrow's prep", "was it a Monday?".)
        let (from, to) = match dates::parse(t, today) {
            Some(When::Range(a, b)) if !past || a <= today => (a, b),
            _ if past => (today - Duration::days(90), today),
            _ => (today, today + Duration::days(90)),
        };
        let mut p = one("date_from", day(from));
        p.insert("date_to".into(), day(to));
        call("calendar", "search", p)
    })
}
