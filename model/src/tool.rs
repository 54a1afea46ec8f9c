//! What a tool answers with, as the window shows it and the store keeps it: a card of events
//! (and, later, mails and documents), or an event draft waiting for the user's own yes.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// One occurrence of an event, in the user's time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    /// The calendar it is in (the account's name in the config).
    pub calendar: String,
    pub title: String,
    /// Local start; midnight for an all-day event.
    pub start: NaiveDateTime,
    /// Local end (exclusive); for an all-day event, midnight after its last day.
    pub end: NaiveDateTime,
    pub all_day: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// An event the assistant proposes; written only when the user says so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDraft {
    pub title: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The calendar it will be written to.
    pub calendar: String,
}

/// Where a draft stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DraftState {
    /// Waiting for the user's yes or no.
    Pending,
    /// Written to the calendar.
    Written,
    /// The user said no.
    Declined,
    /// Writing failed; the draft is kept (pending again) and can be confirmed once more.
    Failed { message: String },
}

/// One mail in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailRow {
    /// The account (the config's name).
    pub account: String,
    /// What `email.read` takes: `uid` alone for the first account, else `account:uid`.
    pub id: String,
    pub from: String,
    pub subject: String,
    /// RFC 3339, as the mail says (its Date header), or the server's arrival time.
    pub date: String,
}

/// An attachment, listed, never opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub mime: String,
    pub bytes: u64,
}

/// One mail, read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailView {
    pub row: MailRow,
    pub to: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cc: String,
    /// The text (HTML mail turned into text), bounded.
    pub body: String,
    /// Whether the body was cut to its bound.
    #[serde(default)]
    pub truncated: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

/// A document found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocRow {
    /// What `document.read` takes.
    pub id: String,
    pub path: String,
    pub title: String,
    /// The text around the first match.
    pub snippet: String,
}

/// A document, read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocView {
    pub row: DocRow,
    /// Its text, bounded.
    pub text: String,
    #[serde(default)]
    pub truncated: bool,
}

/// A tool account's health, as the status view and `switchboard-cli status` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountStatus {
    /// calendar | email | document
    pub tool: String,
    pub account: String,
    pub ok: bool,
    /// What is wrong, for the user (never a password).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// A tool's answer, shown as a card under the reply's sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToolCard {
    /// Events between two dates (inclusive), earliest first.
    Events {
        from: NaiveDate,
        to: NaiveDate,
        events: Vec<EventRow>,
        /// Calendars that could not be read, with why (shown on the card, not hidden).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unavailable: Vec<String>,
    },
    /// An event draft.
    Draft { draft: EventDraft, state: DraftState },
    /// Mails found, newest first.
    Mails {
        query: String,
        days: u32,
        mails: Vec<MailRow>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unavailable: Vec<String>,
    },
    /// One mail.
    Mail { mail: MailView },
    /// Documents found, best first.
    Documents { query: String, docs: Vec<DocRow> },
    /// One document.
    Document { doc: DocView },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_reads_back_as_written() {
        let at = |h| NaiveDate::from_ymd_opt(2026, 12, 3).and_then(|d| d.and_hms_opt(h, 0, 0)).unwrap_or_default();
        let card = ToolCard::Draft {
            draft: EventDraft {
                title: "회의".into(),
                start: at(15),
                end: at(16),
                description: None,
                calendar: "home".into(),
            },
            state: DraftState::Failed { message: "412".into() },
        };
        let text = serde_json::to_string(&card).unwrap_or_default();
        assert!(text.contains("\"kind\":\"draft\""), "{text}");
        assert_eq!(serde_json::from_str::<ToolCard>(&text).ok(), Some(card));
    }
}
