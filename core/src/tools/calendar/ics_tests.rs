use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
    d(y, m, day).and_hms_opt(h, min, 0).unwrap_or_default()
}

fn range(from: NaiveDate, to: NaiveDate, tz: Tz) -> Range {
    Range { from, to, tz }
}

fn cal(body: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{}END:VCALENDAR\r\n", body.replace('\n', "\r\n"))
}

fn starts(rows: &[EventRow]) -> Vec<(String, NaiveDateTime)> {
    rows.iter().map(|r| (r.title.clone(), r.start)).collect()
}

/// Weekly at 10:00 Berlin time, one week excluded, one moved, one cancelled; across the end of
/// DST (25 October 2026), read from Seoul.
const WEEKLY: &str = "BEGIN:VEVENT
UID:standup@test
DTSTART;TZID=Europe/Berlin:20261015T100000
DTEND;TZID=Europe/Berlin:20261015T103000
RRULE:FREQ=WEEKLY;COUNT=8
EXDATE;TZID=Europe/Berlin:20261022T100000
SUMMARY:Standup
END:VEVENT
BEGIN:VEVENT
UID:standup@test
RECURRENCE-ID;TZID=Europe/Berlin:20261029T100000
DTSTART;TZID=Europe/Berlin:20261029T140000
DTEND;TZID=Europe/Berlin:20261029T143000
SUMMARY:Standup (moved)
END:VEVENT
BEGIN:VEVENT
UID:standup@test
RECURRENCE-ID;TZID=Europe/Berlin:20261105T100000
DTSTART;TZID=Europe/Berlin:20261105T100000
STATUS:CANCELLED
SUMMARY:Standup
END:VEVENT
";

#[test]
fn a_weekly_event_keeps_its_wall_clock_time_and_honours_exdate_and_changed_instances() {
    let berlin = Tz::Europe__Berlin;
    let rows = occurrences(&cal(WEEKLY), &range(d(2026, 10, 1), d(2026, 11, 30), berlin), "work").unwrap();
    assert_eq!(
        starts(&rows),
        vec![
            ("Standup".into(), at(2026, 10, 15, 10, 0)),
            // 22 Oct excluded; 29 Oct moved to 14:00 (after DST ended: still wall-clock time)
            ("Standup (moved)".into(), at(2026, 10, 29, 14, 0)),
            // 5 Nov cancelled
            ("Standup".into(), at(2026, 11, 12, 10, 0)),
            ("Standup".into(), at(2026, 11, 19, 10, 0)),
            ("Standup".into(), at(2026, 11, 26, 10, 0)),
        ]
    );
    assert!(rows.iter().all(|r| r.end - r.start == Duration::minutes(30) && !r.all_day));
    // From Seoul: 10:00 Berlin is 17:00 in summer time, 18:00 after it.
    let seoul = occurrences(&cal(WEEKLY), &range(d(2026, 10, 15), d(2026, 11, 12), Tz::Asia__Seoul), "w").unwrap();
    assert_eq!(seoul.first().map(|r| r.start), Some(at(2026, 10, 15, 17, 0)));
    assert_eq!(seoul.last().map(|r| r.start), Some(at(2026, 11, 12, 18, 0)));
}

#[test]
fn all_day_and_multi_day_events_overlap_by_date() {
    let text = cal("BEGIN:VEVENT
UID:a@t
DTSTART;VALUE=DATE:20261203
SUMMARY:창립기념일
END:VEVENT
BEGIN:VEVENT
UID:b@t
DTSTART;VALUE=DATE:20261201
DTEND;VALUE=DATE:20261205
SUMMARY:Conference
END:VEVENT
BEGIN:VEVENT
UID:c@t
DTSTART:20261202T220000Z
DTEND:20261204T020000Z
SUMMARY:Night shift
END:VEVENT
");
    let seoul = Tz::Asia__Seoul;
    let day = occurrences(&text, &range(d(2026, 12, 3), d(2026, 12, 3), seoul), "home").unwrap();
    let titles: Vec<&str> = day.iter().map(|r| r.title.as_str()).collect();
    // Earliest first: the conference began on the 1st.
    assert_eq!(titles, vec!["Conference", "창립기념일", "Night shift"]);
    assert!(day[1].all_day && day[1].start == at(2026, 12, 3, 0, 0) && day[1].end == at(2026, 12, 4, 0, 0));
    assert_eq!((day[0].start, day[0].end), (at(2026, 12, 1, 0, 0), at(2026, 12, 5, 0, 0)));
    assert_eq!((day[2].start, day[2].end), (at(2026, 12, 3, 7, 0), at(2026, 12, 4, 11, 0)));
    // The conference ends (exclusive) on the 5th: not on the 5th.
    let fifth = occurrences(&text, &range(d(2026, 12, 5), d(2026, 12, 5), seoul), "home").unwrap();
    assert!(fifth.is_empty(), "{fifth:?}");
}

#[test]
fn yearly_all_day_and_daily_until_with_rdate() {
    let text = cal("BEGIN:VEVENT
UID:bday@t
DTSTART;VALUE=DATE:20200315
RRULE:FREQ=YEARLY
SUMMARY:Birthday
END:VEVENT
BEGIN:VEVENT
UID:d@t
DTSTART:20261201T090000
DURATION:PT1H
RRULE:FREQ=DAILY;UNTIL=20261203T090000
RDATE:20261210T090000
SUMMARY:Floating daily
END:VEVENT
");
    let tz = Tz::UTC;
    let march = occurrences(&text, &range(d(2031, 3, 1), d(2031, 3, 31), tz), "c").unwrap();
    assert_eq!(starts(&march), vec![("Birthday".into(), at(2031, 3, 15, 0, 0))]);
    let dec = occurrences(&text, &range(d(2026, 12, 1), d(2026, 12, 31), tz), "c").unwrap();
    let days: Vec<u32> = dec.iter().map(|r| chrono::Datelike::day(&r.start)).collect();
    assert_eq!(days, vec![1, 2, 3, 10]);
}

#[test]
fn hostile_calendars_are_refused_or_bounded() {
    let r = range(d(2026, 12, 1), d(2026, 12, 31), Tz::UTC);
    assert!(occurrences("not a calendar", &r, "c").is_err());
    assert!(occurrences(&"X".repeat(MAX_ICS_BYTES + 1), &r, "c").is_err());
    // A rule that would tick every second since 1970, a negative length, a bad rule, no DTSTART.
    let text = cal("BEGIN:VEVENT
UID:s@t
DTSTART:19700101T000000Z
RRULE:FREQ=SECONDLY
SUMMARY:Every second
END:VEVENT
BEGIN:VEVENT
UID:n@t
DTSTART:20261205T100000Z
DTEND:20261205T090000Z
RRULE:FREQ=DAILY;BYDAY=XX
SUMMARY:Backwards
END:VEVENT
BEGIN:VEVENT
UID:x@t
SUMMARY:No start
END:VEVENT
");
    let rows = occurrences(&text, &r, "c").unwrap();
    assert_eq!(starts(&rows), vec![("Backwards".into(), at(2026, 12, 5, 10, 0))]);
    // An endless daily event gives a bounded number of occurrences over a long range.
    let daily = cal("BEGIN:VEVENT\nUID:e@t\nDTSTART:20000101T080000Z\nRRULE:FREQ=DAILY\nSUMMARY:d\nEND:VEVENT\n");
    let years = occurrences(&daily, &range(d(2000, 1, 1), d(2099, 12, 31), Tz::UTC), "c").unwrap();
    assert_eq!(years.len(), MAX_OCCURRENCES as usize);
}

#[test]
fn a_new_event_reads_back_as_drafted() {
    let seoul = Tz::Asia__Seoul;
    let draft = EventDraft {
        title: "회의; with Tom, \"quoted\"".into(),
        start: at(2026, 12, 4, 15, 0),
        end: at(2026, 12, 4, 16, 0),
        description: Some("line one\nline two".into()),
        calendar: "home".into(),
    };
    let stamp = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let text = new_event(&draft, "uid-1@switchboard", seoul, stamp);
    assert!(text.contains("UID:uid-1@switchboard") && text.contains("DTSTART:20261204T060000Z"), "{text}");
    let rows = occurrences(&text, &range(d(2026, 12, 4), d(2026, 12, 4), seoul), "home").unwrap();
    assert_eq!(starts(&rows), vec![(draft.title.clone(), draft.start)]);
    assert_eq!(rows[0].end, draft.end);
}

#[test]
fn durations() {
    assert_eq!(duration("PT1H30M"), Some(Duration::minutes(90)));
    assert_eq!(duration("P1W"), Some(Duration::weeks(1)));
    assert_eq!(duration("P1DT2H"), Some(Duration::hours(26)));
    assert_eq!(duration("-PT15M"), Some(Duration::minutes(-15)));
    assert_eq!(duration("P99999999999D"), None);
    assert_eq!(duration("1H"), None);
}
