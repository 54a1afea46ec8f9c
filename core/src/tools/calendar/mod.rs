//! The calendar tool: every configured calendar read together, events expanded by us in the
//! user's time zone, and a new event written only when the user said yes (the caller's job:
//! nothing here decides to write).
//!
//! - this file: [`CalendarProvider`] (one per account; more kinds of calendar are more
//!   implementations) and [`Calendars`], the set the router and the CLI use;
//! - `ics`: iCalendar text in and out, recurrence expansion;
//! - `vdir`: a local folder of `.ics` files (and read-only files);
//! - `caldav`: a CalDAV server (RFC 4791) over the shared HTTP stack.

mod caldav;
pub mod ics;
mod vdir;

use chrono::NaiveDate;
use chrono_tz::Tz;
use futures_util::future::{join_all, BoxFuture};

use super::{AccountHealth, ToolError};
use crate::clock::Clock;
use crate::config::{CalendarAccount, CalendarSource};
use crate::model::{EventDraft, EventRow};
use ics::Range;

/// The most events one answer lists.
pub const MAX_ROWS: usize = 200;
/// The longest range one search covers (a year and a bit).
pub const MAX_RANGE_DAYS: i64 = 400;

/// One calendar account.
pub trait CalendarProvider: Send + Sync {
    fn name(&self) -> &str;
    /// Whether events can be written to it.
    fn writable(&self) -> bool;
    /// The iCalendar resources that may hold occurrences in `range` (more is fine: they are
    /// expanded and filtered by the caller).
    fn resources<'a>(&'a self, range: &'a Range) -> BoxFuture<'a, Result<Vec<String>, ToolError>>;
    /// Writes a new resource named after `uid`; never replaces one that exists.
    fn create<'a>(&'a self, uid: &'a str, ics: &'a str) -> BoxFuture<'a, Result<(), ToolError>>;
    /// Reachable, and the password accepted?
    fn probe(&self) -> BoxFuture<'_, Result<(), ToolError>>;
}

/// Every configured calendar.
pub struct Calendars {
    providers: Vec<Box<dyn CalendarProvider>>,
    tz: Tz,
    clock: Clock,
}

/// Events in a range, and the calendars that could not be read.
#[derive(Debug, Default)]
pub struct Found {
    pub events: Vec<EventRow>,
    pub unavailable: Vec<String>,
}

impl Calendars {
    pub fn new(accounts: &[CalendarAccount], tz: Tz, clock: Clock) -> Calendars {
        let providers = accounts
            .iter()
            .map(|a| -> Box<dyn CalendarProvider> {
                match &a.source {
                    CalendarSource::CalDav { url, user, password, ca_file } => {
                        Box::new(caldav::CalDav::new(&a.name, url, user.clone(), password.clone(), ca_file.as_deref()))
                    }
                    CalendarSource::Dir(dir) => Box::new(vdir::Vdir::folder(&a.name, dir)),
                    CalendarSource::Files(files) => Box::new(vdir::Vdir::files(&a.name, files)),
                }
            })
            .collect();
        Calendars { providers, tz, clock }
    }

    /// Whether any calendar is configured.
    pub fn is_empty(&self) -> bool {
        self.providers.is_empty()
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// Today's date in the user's zone.
    pub fn today(&self) -> NaiveDate {
        self.clock.now().with_timezone(&self.tz).date_naive()
    }

    /// The calendar new events go to: the first writable one.
    pub fn target(&self) -> Option<&str> {
        self.providers.iter().find(|p| p.writable()).map(|p| p.name())
    }

    /// The occurrences on the local dates `from..=to` (at most [`MAX_RANGE_DAYS`] apart), from
    /// every calendar at once, earliest first, at most [`MAX_ROWS`].
    pub async fn events(&self, from: NaiveDate, to: NaiveDate) -> Found {
        let (from, to) = if from <= to { (from, to) } else { (to, from) };
        let to = to.min(from + chrono::Duration::days(MAX_RANGE_DAYS));
        let range = Range { from, to, tz: self.tz };
        let reads = self.providers.iter().map(|p| async move {
            let resources = p.resources(&range).await;
            (p.name(), resources)
        });
        let mut found = Found::default();
        for (name, result) in join_all(reads).await {
            match result {
                Ok(resources) => {
                    for text in resources {
                        match ics::occurrences(&text, &range, name) {
                            Ok(rows) => found.events.extend(rows),
                            Err(e) => tracing::debug!("calendar {name}: an event skipped: {e}"),
                        }
                    }
                }
                Err(e) => found.unavailable.push(format!("{name}: {e}")),
            }
        }
        ics::sort(&mut found.events);
        found.events.truncate(MAX_ROWS);
        found
    }

    /// Writes `draft` to its calendar with a fresh UID (the server refuses to replace an
    /// event that has it); returns the UID.
    pub async fn create(&self, draft: &EventDraft) -> Result<String, ToolError> {
        let uid = format!("{}@switchboard", uuid::Uuid::new_v4());
        self.create_with_uid(draft, &uid).await?;
        Ok(uid)
    }

    /// Writes `draft` under `uid`; refused with [`ToolError::Exists`] when the calendar has an
    /// event of that UID already (the write is `If-None-Match: *`).
    pub async fn create_with_uid(&self, draft: &EventDraft, uid: &str) -> Result<(), ToolError> {
        let p = self
            .providers
            .iter()
            .find(|p| p.name() == draft.calendar)
            .ok_or_else(|| ToolError::NoCalendar(draft.calendar.clone()))?;
        if !p.writable() {
            return Err(ToolError::ReadOnly(draft.calendar.clone()));
        }
        let text = ics::new_event(draft, uid, self.tz, self.clock.now());
        p.create(uid, &text).await
    }

    /// Each calendar's health, probed together.
    pub async fn health(&self) -> Vec<AccountHealth> {
        join_all(self.providers.iter().map(|p| async move {
            AccountHealth { tool: "calendar", account: p.name().to_string(), result: p.probe().await }
        }))
        .await
    }
}
