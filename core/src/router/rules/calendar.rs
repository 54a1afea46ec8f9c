//! A calendar question with a date, or a short follow-up of one naming another day ("what's on
//! thursday?", "and tomorrow?"): `calendar.today` or `calendar.search` over its days.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::super::decision::Decision;
use super::super::prompt::Turn;
use super::dates::{self, When};
use super::{any_word, contains_any, cue, elliptic, event, words};

/// A short follow-up of a calendar question that names another day ("and tomorrow?",
/// "금요일은?"): the same question of that day.
pub(super) fn calendar_follow_up(text: &str, t: &str, ws: &[&str], history: &[Turn], today: NaiveDate) -> Option<When> {
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
pub(super) fn asks_calendar(t: &str, ws: &[&str], today: NaiveDate) -> bool {
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

pub(super) fn calendar(operation: &str, params: Map<String, Value>) -> Decision {
    Decision::Tools { tool: "calendar".into(), operation: operation.into(), params }
}

/// `calendar.today`, or `calendar.search` over the day or days `when` names.
pub(super) fn calendar_for(when: When, today: NaiveDate) -> Decision {
    let day = |d: NaiveDate| Value::String(d.format("%Y-%m-%d").to_string());
    let (from, to) = match when {
        When::Day(d, _) if d == today => return calendar("today", Map::new()),
        When::Day(d, _) => (d, d),
        When::Range(a, b) => (a, b),
    };
    calendar("search", Map::from_iter([("date_from".into(), day(from)), ("date_to".into(), day(to))]))
}
