//! Dates and times in what the user wrote, turned into calendar values by code (not by a
//! model): "today", "tomorrow 3 pm", "this week", "next Monday at 10:30", "오늘", "내일 오후 3시",
//! "이번 주", "다음주 월요일 오전 10시", "12월 24일". Relative to `today`; only forms that are
//! unambiguous are read, everything else is `None`.
//!
//! - this file: [`parse`], a day or a week ([`When`]), and [`time`], a time of day;
//! - [`month`]: a day of a month ("the 14th", "12월 24일"), or a whole month ("next month").

mod month;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};

use month::{ko_day, month_day, month_named, month_range, nth};

/// What a message names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// One day, maybe at a time.
    Day(NaiveDate, Option<NaiveTime>),
    /// A range of days (a week), inclusive.
    Range(NaiveDate, NaiveDate),
}

const WEEKDAYS_EN: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];
const WEEKDAYS_KO: [(&str, Weekday); 7] = [
    ("월요일", Weekday::Mon),
    ("화요일", Weekday::Tue),
    ("수요일", Weekday::Wed),
    ("목요일", Weekday::Thu),
    ("금요일", Weekday::Fri),
    ("토요일", Weekday::Sat),
    ("일요일", Weekday::Sun),
];

fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The words of `text`, lower case, with the spaces in "다음 주" / "next week" kept as they
/// are; `text` with spaces squeezed.
fn norm(text: &str) -> String {
    let lower = text.to_lowercase();
    // Casual Korean: 담주 (다음주), 수욜 (수요일), 낼 (내일).
    let casual = lower.replace("담주", "다음주").replace("욜", "요일");
    let words: Vec<&str> = casual.split_whitespace().collect();
    // 낼 is tomorrow before a time or a part of the day ("낼 오후에", "낼은"), else the verb
    // ("회의에서 낼 아이디어", "연차 낼 때").
    let timely = |next: &str| {
        ["오전", "오후", "아침", "저녁", "밤", "점심", "몇", "일정", "약속", "스케줄"]
            .iter()
            .any(|k| next.starts_with(k))
            || next.starts_with(|c: char| c.is_ascii_digit())
    };
    words
        .iter()
        .enumerate()
        .map(|(i, w)| match w.strip_prefix('낼') {
            Some(rest) if ["은", "도", "모레", "아침", "오후", "오전", "저녁"].contains(&rest) => {
                format!("내일{rest}")
            }
            Some("") if timely(words.get(i + 1).copied().unwrap_or_default()) => "내일".to_string(),
            _ => (*w).to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The day `text` names, relative to `today`.
fn day(t: &str, today: NaiveDate) -> Option<When> {
    let has = |w: &str| t.contains(w);
    let word = |w: &str| t.split(|c: char| !c.is_alphanumeric()).any(|x| x == w);
    let squeezed: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    // ("wk": "next wk", "this wk".)
    let week = word("week") || word("wk");
    let next_week = word("next") && week || squeezed.contains("다음주");
    let this_week = (word("this") && week) || squeezed.contains("이번주") || squeezed.contains("금주");
    // A weekday, maybe "next".
    let weekday =
        WEEKDAYS_EN.iter().find(|(n, _)| word(n)).or_else(|| WEEKDAYS_KO.iter().find(|(n, _)| has(n))).map(|(_, w)| *w);
    if let Some(w) = weekday {
        let base = if next_week { monday_of(today) + Duration::days(7) } else { monday_of(today) };
        let mut d = base + Duration::days(i64::from(w.num_days_from_monday()));
        if !next_week && d < today {
            d += Duration::days(7); // "on Monday" said on a Wednesday: the coming one
        }
        return Some(When::Day(d, None));
    }
    // "this weekend", "이번 주말", "next weekend", "담주 주말", "last weekend", "the weekend of
    // the 19th": its Saturday and Sunday. A holiday's weekend is not read ("christmas
    // weekend"); a month's is the month's ("다음달 첫 주말").
    let month = ["next month", "this month"].iter().any(|m| has(m))
        || ["다음달", "이번달", "지난달"].iter().any(|m| squeezed.contains(m));
    if (word("weekend") || has("주말")) && !month {
        #[rustfmt::skip]
        let holiday = ["christmas", "thanksgiving", "easter", "holiday", "long weekend", "크리스마스", "추석", "설날", "연휴"]
            .iter()
            .any(|h| has(h));
        if holiday {
            return None;
        }
        let next = has("next weekend") || squeezed.contains("다음주주말") || squeezed.contains("다음주말");
        let last = has("last weekend") || ["지난주말", "저번주말", "지난주주말"].iter().any(|l| squeezed.contains(l));
        let monday = match month_day(t, today).or_else(|| nth(t, today)).or_else(|| ko_day(t, today)) {
            Some(d) => monday_of(d),
            None if last => monday_of(today) - Duration::days(7),
            None if next => monday_of(today) + Duration::days(7),
            None => monday_of(today),
        };
        return Some(When::Range(monday + Duration::days(5), monday + Duration::days(6)));
    }
    if next_week {
        let m = monday_of(today) + Duration::days(7);
        return Some(When::Range(m, m + Duration::days(6)));
    }
    if this_week {
        let m = monday_of(today);
        return Some(When::Range(m, m + Duration::days(6)));
    }
    if let Some(range) = month_range(t, today) {
        return Some(range);
    }
    if word("tomorrow") || word("tmrw") || word("tmr") || word("tomorow") || has("내일") {
        return Some(When::Day(today + Duration::days(1), None));
    }
    if has("day after tomorrow") || has("모레") {
        return Some(When::Day(today + Duration::days(2), None));
    }
    let part_of_today = word("this") && (word("morning") || word("afternoon") || word("evening"));
    if word("today") || word("tonight") || part_of_today || has("오늘") || has("금일") {
        return Some(When::Day(today, None));
    }
    let Some(d) = month_day(t, today).or_else(|| nth(t, today)).or_else(|| ko_day(t, today)) else {
        // "before lunch", with no other day, is today's ("어제 점심 전에" is not).
        let before_lunch = (has("before lunch") || has("점심 전")) && !(word("yesterday") || has("어제"));
        return month_named(t, today).or(before_lunch.then_some(When::Day(today, None)));
    };
    // "the week of the 14th": that day's week.
    if word("week") && word("of") {
        return Some(When::Range(monday_of(d), monday_of(d) + Duration::days(6)));
    }
    Some(When::Day(d, None))
}
/// The time `text` names: "3 pm", "3:30pm", "15:00", "at 10", "오후 3시", "오전 10시 30분",
/// "3시 반".
pub fn time(t: &str) -> Option<NaiveTime> {
    if t.split(|c: char| !c.is_alphanumeric()).any(|w| w == "noon" || w == "midday") || t.contains("정오") {
        return NaiveTime::from_hms_opt(12, 0, 0);
    }
    // Korean: [오전|오후] H시 [M분|반] (not "10시간", ten hours).
    if let Some(i) = t.match_indices('시').map(|(i, _)| i).find(|&i| !t[i + '시'.len_utf8()..].starts_with('간')) {
        let before = &t[..i];
        let digits: String = before.chars().rev().take_while(|c| c.is_ascii_digit()).collect::<String>();
        let hour: u32 = digits.chars().rev().collect::<String>().parse().ok()?;
        let after = t[i + '시'.len_utf8()..].trim_start();
        let mins: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
        let minute = if after.starts_with('반') {
            30
        } else if !mins.is_empty() && after[mins.len()..].starts_with('분') {
            mins.parse().ok()?
        } else {
            0
        };
        let pm = before.contains("오후") || before.contains("저녁") || before.contains("밤");
        // Without 오전/오후, 1시 to 7시 is the afternoon (no one books a 3 a.m. meeting).
        let am = before.contains("오전") || before.contains("아침") || before.contains("새벽");
        let hour = if (pm || (!am && (1..=7).contains(&hour))) && hour < 12 { hour + 12 } else { hour };
        return NaiveTime::from_hms_opt(hour, minute, 0);
    }
    // English: H[:MM] am|pm, or HH:MM.
    let words: Vec<&str> = t.split_whitespace().collect();
    // Without am or pm, 1 to 7 is the afternoon, unless the morning is named in the time's
    // clause ("tomorrow morning 6:30", "오전 7:30"; not "at 3 tomorrow, after my morning
    // run"), and 5 to 11 is the evening when it is ("tonight around 8"). `None`: the part of
    // the day is not known (for "around 8").
    let part = |i: usize| {
        let ends = |w: &&str| w.ends_with([',', '.', ';', '!', '?']);
        let start = words[..i].iter().rposition(ends).map_or(0, |j| j + 1);
        let end = words[i..].iter().position(ends).map_or(words.len(), |j| i + j + 1);
        // (A greeting names no time: "good morning! add a call at 3".)
        let clause = words[start..end].join(" ").replace("good morning", "").replace("good evening", "");
        let morning = ["morning", "오전", "아침", "새벽", "breakfast", "sunrise"].iter().any(|w| clause.contains(w));
        // A dinner before the time is its event ("dinner with sarah friday around 8"; not "at
        // 10 … to book the dinner reservation").
        let before = words[start..i].join(" ");
        let evening = ["evening", "tonight", "night", "저녁", "밤"].iter().any(|w| clause.contains(w))
            || ["dinner", "drinks", "supper"].iter().any(|w| before.contains(w));
        (morning, evening)
    };
    let bare = |i: usize, h: u32| match part(i) {
        (true, _) => Some(h),
        (_, true) if (5..=11).contains(&h) => Some(h + 12),
        _ if (1..=7).contains(&h) => Some(h + 12),
        // "around 8": morning or evening, not said.
        _ if words[i.saturating_sub(1)] == "around" => None,
        _ => Some(h),
    };
    // "at 3": an hour, when it is the only "at" and a number ("leaves at 9 and arrives at 11"
    // is a sum to work out).
    let bare_ats = words
        .windows(2)
        .filter(|p| p[0] == "at" && p[1].trim_end_matches([',', '.', '?', '!']).chars().all(|c| c.is_ascii_digit()))
        .count();
    for (i, w) in words.iter().enumerate() {
        // "at 11, call it ...": a comma ends the time's phrase.
        let ends = w.ends_with([',', '.', '?', '!', ';']);
        let w = w.trim_matches(|c: char| c == ',' || c == '.' || c == '?' || c == '!');
        let (num, suffix) = match w.find(|c: char| c.is_ascii_alphabetic()) {
            Some(j) => (&w[..j], &w[j..]),
            None if ends => (w, ""),
            None => (w, words.get(i + 1).map(|n| n.trim_matches(|c: char| !c.is_ascii_alphabetic())).unwrap_or("")),
        };
        let (h, m) = match num.split_once(':') {
            // "9:40", not "1:1" (a one-on-one).
            Some((h, m)) if m.len() == 2 => (h.parse::<u32>().ok(), m.parse::<u32>().ok()),
            Some(_) => continue,
            None => (num.parse::<u32>().ok(), Some(0)),
        };
        let (Some(h), Some(m)) = (h, m) else { continue };
        let suffix = suffix.to_ascii_lowercase().replace('.', "");
        let hour = match suffix.as_str() {
            "pm" if h < 12 => h + 12,
            "am" if h == 12 => 0,
            "am" | "pm" => h,
            // "4:30" for a meeting is the afternoon, as "at 4" is ("9:40" is not).
            _ if num.contains(':') => match bare(i, h) {
                Some(h) => h,
                None => continue,
            },
            // "at 3", "at 10 tomorrow": an hour after "at", 1 to 7 the afternoon as in Korean
            // (not "at 3 years old", "at 3%").
            _ if i > 0
                && (words[i - 1] == "at" || (words[i - 1] == "around" && bare_ats == 0))
                && bare_ats <= 1
                && (1..=12).contains(&h)
                && (suffix.is_empty()
                    || [
                        "then", "tomorrow", "today", "tonight", "on", "please", "pls", "with", "for", "o", "oclock",
                    ]
                    .contains(&suffix.as_str())) =>
            {
                match bare(i, h) {
                    Some(h) => h,
                    None => continue,
                }
            }
            _ => continue, // a bare number is not a time
        };
        if let Some(t) = NaiveTime::from_hms_opt(hour, m, 0) {
            return Some(t);
        }
    }
    None
}

/// The date (and time) or range `text` names, relative to `today`.
pub fn parse(text: &str, today: NaiveDate) -> Option<When> {
    let t = norm(text);
    match day(&t, today)? {
        When::Day(d, _) => Some(When::Day(d, time(&t))),
        range => Some(range),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn at(s: &str, hm: &str) -> When {
        When::Day(d(s), Some(NaiveTime::parse_from_str(hm, "%H:%M").unwrap()))
    }

    #[test]
    fn dates_and_times_in_both_languages() {
        // Wednesday 2026-12-02.
        let today = d("2026-12-02");
        let cases: &[(&str, Option<When>)] = &[
            ("what's on my calendar today?", Some(When::Day(today, None))),
            ("meeting tomorrow at 3 pm", Some(at("2026-12-03", "15:00"))),
            ("lunch tomorrow 12:30", Some(at("2026-12-03", "12:30"))),
            ("this week", Some(When::Range(d("2026-11-30"), d("2026-12-06")))),
            ("anything next week?", Some(When::Range(d("2026-12-07"), d("2026-12-13")))),
            ("next Monday at 10:30am", Some(at("2026-12-07", "10:30"))),
            ("on friday", Some(When::Day(d("2026-12-04"), None))),
            ("on monday", Some(When::Day(d("2026-12-07"), None))),
            ("오늘 일정 알려줘", Some(When::Day(today, None))),
            ("내일 오후 3시에 회의", Some(at("2026-12-03", "15:00"))),
            ("이번 주 일정", Some(When::Range(d("2026-11-30"), d("2026-12-06")))),
            ("다음주 월요일 오전 10시", Some(at("2026-12-07", "10:00"))),
            ("다음 주 금요일 3시 반", Some(at("2026-12-11", "15:30"))),
            ("내일 오전 9시", Some(at("2026-12-03", "09:00"))),
            ("12월 24일 저녁 7시", Some(at("2026-12-24", "19:00"))),
            ("1월 5일", Some(When::Day(d("2027-01-05"), None))),
            ("december 31", Some(When::Day(d("2026-12-31"), None))),
            ("do I have anything this afternoon?", Some(When::Day(today, None))),
            ("add lunch w/ jake tmrw at noon", Some(at("2026-12-03", "12:00"))),
            ("am I free on the 22nd?", Some(When::Day(d("2026-12-22"), None))),
            ("on the 1st", Some(When::Day(d("2027-01-01"), None))),
            ("what does the week of the 14th look like", Some(When::Range(d("2026-12-14"), d("2026-12-20")))),
            ("다음달 첫째 주 일정", Some(When::Range(d("2027-01-01"), d("2027-01-07")))),
            ("anything next month?", Some(When::Range(d("2027-01-01"), d("2027-01-31")))),
            ("anything on this weekend?", Some(When::Range(d("2026-12-05"), d("2026-12-06")))),
            ("이번 주말 일정 좀 봐줘", Some(When::Range(d("2026-12-05"), d("2026-12-06")))),
            ("next weekend", Some(When::Range(d("2026-12-12"), d("2026-12-13")))),
            ("담주 주말에 뭐 있어", Some(When::Range(d("2026-12-12"), d("2026-12-13")))),
            ("do I have anything before lunch", Some(When::Day(today, None))),
            ("parent-teacher conference oct 14 at 4:30", Some(at("2027-10-14", "16:30"))),
            ("sunday evening around 7", Some(at("2026-12-06", "19:00"))),
            ("다음달 3일 오전 10시 건강검진", Some(at("2027-01-03", "10:00"))),
            ("다음달 25일 부가세 신고 마감", Some(When::Day(d("2027-01-25"), None))),
            ("9:40 standup", None),
            ("the 4th of july", Some(When::Day(d("2027-07-04"), None))),
            ("book the 2nd floor meeting room at 3pm", None),
            ("a table for my 30th birthday", None),
            ("14일에 시간 돼?", Some(When::Day(d("2026-12-14"), None))),
            ("3일 동안 여행 계획", None),
            ("주 3일 재택인데 회의 일정 어때?", None),
            ("3일 연속 야근", None),
            ("2박3일 일정 짜줘", None),
            ("explain monads", None),
            ("I have 3 cats", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text, today), *want, "{text}");
        }
        assert_eq!(time("call at 3"), NaiveTime::from_hms_opt(15, 0, 0), "an hour after at: the afternoon");
        assert_eq!(time("ok book a haircut at 10 then"), NaiveTime::from_hms_opt(10, 0, 0));
        assert_eq!(time("she started piano at 7 years old"), None, "a bare number is not a time");
        assert_eq!(time("a train leaves at 9 and arrives at 11, how long is the trip?"), None);
        assert_eq!(time("12 am"), NaiveTime::from_hms_opt(0, 0, 0));
    }
}
