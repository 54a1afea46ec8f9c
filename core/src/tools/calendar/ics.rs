//! iCalendar text (RFC 5545), read as untrusted: the events of one resource expanded into the
//! occurrences that overlap a range, in the user's time zone; and the text of a new event.
//!
//! Recurrences are expanded here, not by the server (Radicale ignores `CALDAV:expand`):
//! `RRULE` through the `rrule` crate, anchored in the event's own zone so that a weekly 10:00
//! stays at 10:00 across DST; `RDATE`s added, `EXDATE`s removed, and an instance that has its
//! own `RECURRENCE-ID` component replaced by it (or dropped when it is cancelled). All-day
//! events are dates, never instants: a holiday is on its day in every zone.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, Event, EventLike, Property};

use crate::model::{EventDraft, EventRow};

/// The largest resource read (one `.ics` file, one CalDAV object).
pub const MAX_ICS_BYTES: usize = 1024 * 1024;
/// The most events one resource may hold (a master and its changed instances count each).
const MAX_EVENTS_PER_RESOURCE: usize = 2000;
/// The most occurrences one recurring event contributes to one query.
const MAX_OCCURRENCES: u16 = 1000;
/// Longest text kept from a title or location.
const MAX_FIELD_CHARS: usize = 200;

/// The range asked for: local dates `from..=to` in `tz`.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub tz: Tz,
}

impl Range {
    fn start(&self) -> DateTime<Utc> {
        local(self.tz, self.from.and_time(NaiveTime::MIN))
    }

    fn end(&self) -> DateTime<Utc> {
        local(self.tz, self.to.succ_opt().unwrap_or(self.to).and_time(NaiveTime::MIN))
    }
}

/// When something is: a whole day, or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum When {
    Day(NaiveDate),
    At(DateTime<Utc>),
}

/// `naive` on the wall clock of `tz`, as an instant; a time skipped by DST moves on an hour,
/// a time that happens twice is its first.
fn local(tz: Tz, naive: NaiveDateTime) -> DateTime<Utc> {
    tz.from_local_datetime(&naive)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(naive + Duration::hours(1))).earliest())
        .map_or_else(|| Utc.from_utc_datetime(&naive), |t| t.with_timezone(&Utc))
}

/// The zone a property names (`TZID=`), if it is one we know; `None` for UTC or floating.
fn zone_of(prop: &Property) -> Option<Tz> {
    let tzid = prop.params().get("TZID")?.value().to_string();
    // Some clients prefix the name ("/mozilla.org/20070129_1/Europe/Berlin").
    let name = tzid.trim_matches('"');
    name.parse::<Tz>().ok().or_else(|| {
        let parts: Vec<&str> = name.split('/').collect();
        (0..parts.len()).find_map(|i| parts[i..].join("/").parse::<Tz>().ok())
    })
}

/// A date or date-time property; a zone we do not know (a Windows name) reads as the user's.
fn when(prop: &Property, user: Tz) -> Option<(When, Tz)> {
    match DatePerhapsTime::from_property(prop)? {
        DatePerhapsTime::Date(d) => Some((When::Day(d), user)),
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(u)) => Some((When::At(u), Tz::UTC)),
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(n)) => Some((When::At(local(user, n)), user)),
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, .. }) => {
            let tz = zone_of(prop).unwrap_or(user);
            Some((When::At(local(tz, date_time)), tz))
        }
    }
}

/// The values of a list property (`EXDATE:20261201T100000,20261208T100000`), each read with
/// the property's parameters.
fn list_values(event: &Event, key: &str, user: Tz) -> Vec<When> {
    let props = event.properties().get(key).into_iter().chain(event.multi_properties().get(key).into_iter().flatten());
    let mut out = Vec::new();
    for p in props {
        for v in p.value().split(',').take(MAX_OCCURRENCES as usize) {
            // Each value with the list's parameters (TZID, VALUE=DATE).
            let mut one = Property::new(p.key(), v.trim());
            for (k, param) in p.params() {
                one.add_parameter(k, param.value());
            }
            if let Some((w, _)) = when(&one, user) {
                out.push(w);
            }
        }
    }
    out
}

/// An ISO 8601 duration as RFC 5545 writes them (`PT1H30M`, `P1D`, `P1W`, `-PT15M`).
fn duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let s = s.strip_prefix('P')?;
    let mut total = Duration::zero();
    let mut num = String::new();
    let mut in_time = false;
    for c in s.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' => num.push(c),
            _ => {
                let n: i64 = num.parse().ok().filter(|n| *n <= 100_000)?;
                num.clear();
                total += match (c, in_time) {
                    ('W', false) => Duration::weeks(n),
                    ('D', false) => Duration::days(n),
                    ('H', true) => Duration::hours(n),
                    ('M', true) => Duration::minutes(n),
                    ('S', true) => Duration::seconds(n),
                    _ => return None,
                };
            }
        }
    }
    Some(if neg { -total } else { total })
}

fn clip(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() || *c == '\n').take(MAX_FIELD_CHARS).collect::<String>().trim().to_string()
}

/// One VEVENT, read.
struct Parsed<'a> {
    event: &'a Event,
    uid: String,
    start: When,
    /// The zone its wall-clock recurrences are anchored in.
    tz: Tz,
    length: Duration,
    cancelled: bool,
    recurrence_id: Option<When>,
}

fn read(event: &Event, user: Tz) -> Option<Parsed<'_>> {
    let (start, tz) = when(event.properties().get("DTSTART")?, user)?;
    let end = event.properties().get("DTEND").and_then(|p| when(p, user)).map(|(w, _)| w);
    let length = match (start, end) {
        (When::Day(s), Some(When::Day(e))) => e - s,
        (When::At(s), Some(When::At(e))) => e - s,
        _ => match event.property_value("DURATION").and_then(duration) {
            Some(d) => d,
            None if matches!(start, When::Day(_)) => Duration::days(1),
            None => Duration::zero(),
        },
    };
    // A negative or absurd length is the event's own mistake: shown as a moment / one day.
    let length = match start {
        When::Day(_) if length < Duration::days(1) || length > Duration::days(3660) => Duration::days(1),
        When::At(_) if length < Duration::zero() || length > Duration::days(3660) => Duration::zero(),
        _ => length,
    };
    Some(Parsed {
        event,
        uid: event.get_uid().unwrap_or_default().to_string(),
        start,
        tz,
        length,
        cancelled: event.property_value("STATUS").is_some_and(|s| s.eq_ignore_ascii_case("CANCELLED")),
        recurrence_id: event.properties().get("RECURRENCE-ID").and_then(|p| when(p, user)).map(|(w, _)| w),
    })
}

/// The starts of a recurring event's instances that may overlap `range`.
fn expand(p: &Parsed<'_>, rule: &str, range: &Range) -> Vec<When> {
    // Rules that tick faster than hourly would take millions of steps to reach a range.
    let upper = rule.to_ascii_uppercase();
    if upper.contains("FREQ=SECONDLY") || upper.contains("FREQ=MINUTELY") {
        return vec![p.start];
    }
    let dtstart = match p.start {
        When::Day(d) => format!("DTSTART;TZID={}:{}T000000", range.tz.name(), d.format("%Y%m%d")),
        When::At(u) if p.tz == Tz::UTC => format!("DTSTART:{}", u.format("%Y%m%dT%H%M%SZ")),
        When::At(u) => format!("DTSTART;TZID={}:{}", p.tz.name(), u.with_timezone(&p.tz).format("%Y%m%dT%H%M%S")),
    };
    let anchor = if matches!(p.start, When::Day(_)) { range.tz } else { p.tz };
    let rule = until_in_utc(rule.lines().next().unwrap_or_default(), anchor);
    let set: rrule::RRuleSet = match format!("{dtstart}\nRRULE:{rule}").parse() {
        Ok(s) => s,
        Err(e) => {
            tracing::debug!("recurrence rule of {:?} not understood ({e}): shown once", p.uid);
            return vec![p.start];
        }
    };
    let utc = rrule::Tz::UTC;
    let after = (range.start() - p.length - Duration::days(1)).with_timezone(&utc);
    let before = (range.end() + Duration::days(1)).with_timezone(&utc);
    let found = set.after(after).before(before).all(MAX_OCCURRENCES);
    found
        .dates
        .into_iter()
        .map(|d| match p.start {
            When::Day(_) => When::Day(d.date_naive()),
            When::At(_) => When::At(d.with_timezone(&Utc)),
        })
        .collect()
}

/// The rule with its `UNTIL` in UTC, as RFC 5545 asks when the start has a zone (clients
/// also write a date, or a floating time): a date means the end of that day in `anchor`.
fn until_in_utc(rule: &str, anchor: Tz) -> String {
    rule.split(';')
        .map(|part| {
            let Some(v) = part.strip_prefix("UNTIL=").or_else(|| part.strip_prefix("until=")) else {
                return part.to_string();
            };
            let v = v.trim();
            let instant = if v.ends_with(['Z', 'z']) {
                return format!("UNTIL={}", v.to_ascii_uppercase());
            } else if let Ok(d) = NaiveDate::parse_from_str(v, "%Y%m%d") {
                local(anchor, d.succ_opt().unwrap_or(d).and_time(NaiveTime::MIN)) - Duration::seconds(1)
            } else if let Ok(t) = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S") {
                local(anchor, t)
            } else {
                return part.to_string();
            };
            format!("UNTIL={}", instant.format("%Y%m%dT%H%M%SZ"))
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The occurrence starting at `start`, if it overlaps `range`.
fn row(p: &Parsed<'_>, start: When, range: &Range, calendar: &str) -> Option<EventRow> {
    let (s, e, all_day) = match start {
        When::Day(d) => {
            let (s, e) = (d.and_time(NaiveTime::MIN), (d + p.length).and_time(NaiveTime::MIN));
            if d > range.to || d + p.length <= range.from {
                return None;
            }
            (s, e, true)
        }
        When::At(u) => {
            let end = u + p.length;
            let overlaps = if p.length.is_zero() {
                u >= range.start() && u < range.end()
            } else {
                u < range.end() && end > range.start()
            };
            if !overlaps {
                return None;
            }
            (u.with_timezone(&range.tz).naive_local(), end.with_timezone(&range.tz).naive_local(), false)
        }
    };
    Some(EventRow {
        calendar: calendar.to_string(),
        title: clip(p.event.get_summary().unwrap_or("(no title)")),
        start: s,
        end: e,
        all_day,
        location: p.event.get_location().map(clip).filter(|l| !l.is_empty()),
    })
}

/// The occurrences of the events in `text` (one resource) that overlap `range`.
pub fn occurrences(text: &str, range: &Range, calendar: &str) -> Result<Vec<EventRow>, String> {
    if text.len() > MAX_ICS_BYTES {
        return Err(format!("an event is larger than {} KiB", MAX_ICS_BYTES / 1024));
    }
    let cal: icalendar::Calendar = text.parse().map_err(|e: String| {
        let first = e.lines().next().unwrap_or_default().chars().take(120).collect::<String>();
        format!("not iCalendar ({first})")
    })?;
    let events: Vec<&Event> = cal
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .take(MAX_EVENTS_PER_RESOURCE)
        .collect();
    let parsed: Vec<Parsed<'_>> = events.iter().filter_map(|e| read(e, range.tz)).collect();
    // Instances that have their own component, by UID.
    let mut changed: HashMap<&str, Vec<When>> = HashMap::new();
    for p in &parsed {
        if let Some(id) = p.recurrence_id {
            changed.entry(p.uid.as_str()).or_default().push(id);
        }
    }
    let mut out = Vec::new();
    for p in &parsed {
        if p.recurrence_id.is_some() {
            if !p.cancelled {
                out.extend(row(p, p.start, range, calendar));
            }
            continue;
        }
        if p.cancelled {
            continue;
        }
        let mut starts = match p.event.property_value("RRULE") {
            Some(rule) => expand(p, rule, range),
            None => vec![p.start],
        };
        starts.extend(list_values(p.event, "RDATE", range.tz));
        let excluded = list_values(p.event, "EXDATE", range.tz);
        let replaced = changed.get(p.uid.as_str());
        starts.sort_by_key(|w| sort_key(*w, range.tz));
        starts.dedup();
        for s in starts {
            let gone = excluded.iter().chain(replaced.into_iter().flatten()).any(|x| same(*x, s));
            if !gone {
                out.extend(row(p, s, range, calendar));
            }
        }
    }
    sort(&mut out);
    Ok(out)
}

/// Earliest first; on the same start, all-day events first, then by title.
pub fn sort(rows: &mut [EventRow]) {
    rows.sort_by(|a, b| (a.start, !a.all_day, &a.title).cmp(&(b.start, !b.all_day, &b.title)));
}

/// Whether an `EXDATE` / `RECURRENCE-ID` names the instance starting at `s` (a date names
/// the instance on that day).
fn same(x: When, s: When) -> bool {
    match (x, s) {
        (When::At(a), When::At(b)) => a == b,
        (When::Day(a), When::Day(b)) => a == b,
        (When::Day(a), When::At(b)) | (When::At(b), When::Day(a)) => b.date_naive() == a,
    }
}

fn sort_key(w: When, tz: Tz) -> NaiveDateTime {
    match w {
        When::Day(d) => d.and_time(NaiveTime::MIN),
        When::At(u) => u.with_timezone(&tz).naive_local(),
    }
}

/// A new event's iCalendar text, with `uid`. Times are written in UTC (no `VTIMEZONE`
/// needed); every client shows them in its own zone.
pub fn new_event(draft: &EventDraft, uid: &str, tz: Tz, now: DateTime<Utc>) -> String {
    let mut e = Event::new();
    e.uid(uid)
        .summary(&draft.title)
        .timestamp(now)
        .starts(CalendarDateTime::Utc(local(tz, draft.start)))
        .ends(CalendarDateTime::Utc(local(tz, draft.end)));
    if let Some(d) = draft.description.as_deref().filter(|d| !d.trim().is_empty()) {
        e.description(d);
    }
    let mut cal = icalendar::Calendar::new();
    cal.push(e.done());
    cal.done().to_string()
}

#[cfg(test)]
#[path = "ics_tests.rs"]
mod tests;
