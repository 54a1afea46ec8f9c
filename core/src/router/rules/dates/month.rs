//! A day of a month, or a whole month: "the 14th", "14일에", "12월 24일", "december 24", "next
//! month", "다음달 3일", "in may"; the next such day or month from `today`.

use chrono::{Datelike, Duration, NaiveDate};

use super::When;

/// "next month", "다음달" (its first week with "first week", "첫째 주"): a range.
/// The year and month after `today`'s.
fn next_month(today: NaiveDate) -> (i32, u32) {
    if today.month() == 12 {
        (today.year() + 1, 1)
    } else {
        (today.year(), today.month() + 1)
    }
}

/// "last month", as words (not "the last monthly planning meeting").
fn last_month(t: &str) -> bool {
    t.match_indices("last month").any(|(i, m)| !t[i + m.len()..].starts_with(|c: char| c.is_alphanumeric()))
}

pub(super) fn month_range(t: &str, today: NaiveDate) -> Option<When> {
    let squeezed: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let (y, m) = if t.contains("next month") || squeezed.contains("다음달") {
        next_month(today)
    } else if t.contains("this month") || squeezed.contains("이번달") {
        (today.year(), today.month())
    } else if last_month(t) || squeezed.contains("지난달") || squeezed.contains("저번달") {
        // "지지난달": the month before that.
        let back = if squeezed.contains("지지난달") || squeezed.contains("저저번달") { 2 } else { 1 };
        let first = today.with_day(1)?;
        let before = (1..=back).try_fold(first, |d, _| (d - Duration::days(1)).with_day(1))?;
        (before.year(), before.month())
    } else {
        return None;
    };
    // "다음달 3일 오전 10시", "the 3rd next month": that day of it (not "after the 15th", "from
    // the 5th to the 9th": a part of it, read as all of it).
    #[rustfmt::skip]
    let part = ["after", "from", "until", "till", "between", " to ", "부터", "까지", "이후", "이전"].iter().any(|p| t.contains(p));
    if let Some(d) = ko_day(t, today).or_else(|| nth(t, today)).filter(|_| !part) {
        return NaiveDate::from_ymd_opt(y, m, d.day()).map(|d| When::Day(d, None));
    }
    let first = NaiveDate::from_ymd_opt(y, m, 1)?;
    if t.contains("first week") || squeezed.contains("첫째주") || squeezed.contains("첫주") {
        return Some(When::Range(first, first + Duration::days(6)));
    }
    whole_month(y, m)
}

/// The `day` of this month, or of the next when it has passed (or this month has none).
fn day_of_month(day: u32, today: NaiveDate) -> Option<NaiveDate> {
    match NaiveDate::from_ymd_opt(today.year(), today.month(), day) {
        Some(d) if d >= today => Some(d),
        _ => {
            let (y, m) = next_month(today);
            NaiveDate::from_ymd_opt(y, m, day)
        }
    }
}

/// "14일에", "3일날": that day of this month, or of the next when it has passed. Not a number
/// of days ("3일 동안", "2박3일", "5일 뒤").
pub(super) fn ko_day(t: &str, today: NaiveDate) -> Option<NaiveDate> {
    let words: Vec<&str> = t.split_whitespace().collect();
    let day = words.iter().enumerate().find_map(|(i, w)| {
        let w = w.trim_end_matches(|c: char| !c.is_alphanumeric());
        // "14일에", "3일날"; a bare "14일" only before a part of the day or a time.
        let bare = w.strip_suffix('일').filter(|_| {
            words
                .get(i + 1)
                .is_some_and(|n| ["오전", "오후", "저녁", "아침", "몇", "시간"].iter().any(|s| n.starts_with(s)))
                // "다음달 25일 부가세 신고 마감".
                || i.checked_sub(1).is_some_and(|j| ["다음달", "이번달"].contains(&words[j]))
        });
        let digits = ["일에는", "일에", "일엔", "일은", "일날"].iter().find_map(|s| w.strip_suffix(s)).or(bare)?;
        // Not "주 3일", "매달 25일".
        let span = i.checked_sub(1).is_some_and(|j| ["주", "매달", "매월", "매주"].contains(&words[j]));
        (!span && !digits.is_empty() && digits.len() <= 2 && digits.chars().all(|c| c.is_ascii_digit()))
            .then(|| digits.parse::<u32>().ok())
            .flatten()
            .filter(|d| (1..=31).contains(d))
    })?;
    day_of_month(day, today)
}

/// "the 14th", "on the 22nd": that day of this month, or of the next when it has passed. Not
/// an ordinal of something else ("the 2nd floor", "my 30th birthday", "the 3rd season").
pub(super) fn nth(t: &str, today: NaiveDate) -> Option<NaiveDate> {
    const AFTER: &[&str] = &[
        "at",
        "in",
        "of",
        "for",
        "and",
        "or",
        "from",
        "to",
        "morning",
        "afternoon",
        "evening",
        "then",
        "before",
        "after",
    ];
    let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let day = words.iter().enumerate().find_map(|(i, w)| {
        let digits = w.strip_suffix("st").or(w.strip_suffix("nd")).or(w.strip_suffix("rd")).or(w.strip_suffix("th"))?;
        let before = i.checked_sub(1).map(|j| words[j]);
        let after = words.get(i + 1).copied();
        let week_of = i >= 3 && words[i - 2] == "of" && words[i - 3] == "week";
        // "on the 14th", whatever follows it.
        let on_the = i >= 2 && words[i - 1] == "the" && words[i - 2] == "on";
        let a_day =
            on_the || matches!(before, Some("the" | "on")) && (week_of || after.is_none_or(|a| AFTER.contains(&a)));
        (a_day && !digits.is_empty() && digits.len() <= 2).then(|| digits.parse::<u32>().ok()).flatten()
    })?;
    day_of_month(day, today)
}

/// The months' names, January first.
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// "in may", "during august", asked of one's own time: that month, the next one from
/// `today`, or the last one when the question is of the past ("did I have a meeting with
/// them sometime in May?"); not "may I ...", "in may 5" (a day: [`month_day`]), nor "we're
/// planning our wedding in october" (no question of what is on). Tried after every day.
pub(super) fn month_named(t: &str, today: NaiveDate) -> Option<When> {
    #[rustfmt::skip]
    let asked = ["do i have", "did i have", "did we have", "anything in", "anything during", "sometime in", "am i ",
        "my calendar", "on my"].iter().any(|p| t.contains(p));
    if !asked {
        return None;
    }
    let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let m = words.windows(2).find_map(|w| {
        let m = MONTHS.iter().position(|m| *m == w[1])?;
        ["in", "during"].contains(&w[0]).then_some(m as u32 + 1)
    })?;
    let at = words.iter().position(|w| MONTHS.contains(w))?;
    if words.get(at + 1).is_some_and(|n| n.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let past = words.iter().any(|w| ["did", "had", "last"].contains(w))
        || ["was i", "were we", "was there"].iter().any(|p| t.contains(p));
    let year = match (past, m >= today.month()) {
        (true, true) if m > today.month() => today.year() - 1,
        (true, _) => today.year(),
        (false, true) => today.year(),
        (false, false) => today.year() + 1,
    };
    whole_month(year, m)
}

/// Month `m` of `year`, its first day to its last.
fn whole_month(year: i32, m: u32) -> Option<When> {
    let first = NaiveDate::from_ymd_opt(year, m, 1)?;
    let next =
        if m == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1)? } else { NaiveDate::from_ymd_opt(year, m + 1, 1)? };
    Some(When::Range(first, next - Duration::days(1)))
}

/// "12월 24일", "24 december", "december 24": the next such date from `today`.
pub(super) fn month_day(t: &str, today: NaiveDate) -> Option<NaiveDate> {
    let nums = |s: &str| s.trim().parse::<u32>().ok();
    let mut found = None;
    if let Some(i) = t.find('월') {
        let before: String = t[..i].chars().rev().take_while(|c| c.is_ascii_digit()).collect::<String>();
        let month = nums(&before.chars().rev().collect::<String>());
        let after = &t[i + '월'.len_utf8()..];
        let digits: String = after.trim_start().chars().take_while(|c| c.is_ascii_digit()).collect();
        let rest = &after.trim_start()[digits.len()..];
        if rest.starts_with('일') {
            found = month.zip(nums(&digits));
        }
    }
    if found.is_none() {
        let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        for (i, w) in words.iter().enumerate() {
            // "oct 14", "14 sept" (not "may", a whole name; nor a name: "a call with jun 4pm").
            let short =
                |n: &&str| w.len() >= 3 && n.len() > w.len() && n.starts_with(w) && (w.len() == 3 || *w == "sept");
            let Some(m) = MONTHS.iter().position(|n| n == w || short(n)) else { continue };
            let before = i.checked_sub(1).map(|j| words[j]);
            let person = before.is_some_and(|b| {
                ["with", "and", "to", "call", "ask", "tell", "email", "meet", "from", "for"].contains(&b)
            });
            if MONTHS[m] != *w && person {
                continue;
            }
            // "december 24", "24 december", "the 24th of december" (a day, not "4pm").
            let ordinal = |w: &str| {
                let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
                ["", "st", "nd", "rd", "th"].contains(&&w[digits.len()..]).then(|| nums(digits)).flatten()
            };
            let back = if before == Some("of") { i.checked_sub(2).map(|j| words[j]) } else { before };
            let day = words.get(i + 1).and_then(|d| ordinal(d)).or_else(|| back.and_then(ordinal));
            found = day.map(|d| (m as u32 + 1, d));
            break;
        }
    }
    let (m, d) = found?;
    let this_year = NaiveDate::from_ymd_opt(today.year(), m, d)?;
    if this_year >= today {
        Some(this_year)
    } else {
        NaiveDate::from_ymd_opt(today.year() + 1, m, d)
    }
}
