//! The assistant's tools, connected to the user's own servers and files: [`calendar`] (CalDAV,
//! vdir folders, `.ics` files), [`mail`] (IMAP, read only) and [`docs`] (folders, indexed). Each kind of tool is a trait with one implementation per
//! kind of account, so more providers can be added without touching the router.
//!
//! Nothing here decides to change the user's data: a write is a separate call that the
//! router makes only on the user's own yes (see `router::tools`).
//!
//! - [`password`]: an account's password from the environment, a file or the [`keyring`];
//! - [`tz`]: the user's time zone by name.

pub mod calendar;
pub mod docs;
pub mod html;
pub use crate::secret_store as keyring;
pub mod mail;
pub mod password;
pub mod tls;
pub mod tz;

use chrono_tz::Tz;

use crate::clock::Clock;
use crate::config::Config;

/// Why a tool could not do what was asked. The messages are for the user: they name the
/// account and the server (without credentials), never a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ToolError {
    #[error("cannot reach {0}")]
    Unreachable(String),
    #[error("{0}")]
    Auth(String),
    #[error("no password: {0}")]
    NoPassword(String),
    #[error("unexpected answer from {0}")]
    BadAnswer(String),
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Config(String),
    #[error("no calendar named `{0}`")]
    NoCalendar(String),
    #[error("calendar `{0}` is read-only")]
    ReadOnly(String),
    #[error("an event with this id exists already")]
    Exists,
    #[error("{0}")]
    NotFound(String),
}

/// One account's probe.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountHealth {
    pub tool: &'static str,
    pub account: String,
    pub result: Result<(), ToolError>,
}

/// How long a tool probe's result is reused (the status view asks every few seconds).
const HEALTH_CACHE: std::time::Duration = std::time::Duration::from_secs(30);

/// Every tool, as configured.
pub struct Tools {
    /// The last probes, and when.
    health: tokio::sync::Mutex<Option<(tokio::time::Instant, Vec<crate::model::AccountStatus>)>>,
    pub calendars: calendar::Calendars,
    pub mail: mail::Mailboxes,
    pub docs: std::sync::Arc<docs::Documents>,
}

impl Tools {
    pub fn new(config: &Config, clock: Clock) -> Tools {
        let tz: Tz = config.chat.timezone.unwrap_or_else(tz::system);
        Tools {
            health: tokio::sync::Mutex::new(None),
            calendars: calendar::Calendars::new(&config.calendars, tz, clock),
            mail: mail::Mailboxes::new(&config.mails, clock),
            docs: std::sync::Arc::new(docs::Documents::new(&config.documents, None)),
        }
    }

    /// No account connected (every tool call says how to set one up).
    pub fn none(tz: Tz, clock: Clock) -> Tools {
        Tools {
            health: tokio::sync::Mutex::new(None),
            calendars: calendar::Calendars::new(&[], tz, clock),
            mail: mail::Mailboxes::new(&[], clock),
            docs: std::sync::Arc::new(docs::Documents::new(&crate::config::DocumentsSettings::default(), None)),
        }
    }

    /// Every account's health for a status view: probed at most every 30 s (the documents'
    /// folder only counted).
    pub async fn status(&self) -> Vec<crate::model::AccountStatus> {
        let mut cached = self.health.lock().await;
        let mut rows: Vec<crate::model::AccountStatus> = match cached.as_ref() {
            Some((at, rows)) if at.elapsed() < HEALTH_CACHE => rows.clone(),
            _ => {
                let rows = self.probe_accounts().await;
                *cached = Some((tokio::time::Instant::now(), rows.clone()));
                rows
            }
        };
        // The documents' row is never cached: it shows the first index's progress.
        if !self.docs.is_empty() {
            let (account, problem) = match (self.docs.problem(), self.docs.indexing()) {
                (Some(p), _) => ("index".to_string(), Some(p)),
                (None, Some((done, total))) => (format!("indexing: {done} of {total} files"), None),
                (None, None) => (format!("{} files indexed", self.docs.count()), None),
            };
            rows.push(crate::model::AccountStatus { tool: "document".into(), account, ok: problem.is_none(), problem });
        }
        rows
    }

    async fn probe_accounts(&self) -> Vec<crate::model::AccountStatus> {
        self.health()
            .await
            .into_iter()
            .map(|h| crate::model::AccountStatus {
                tool: h.tool.to_string(),
                account: h.account,
                ok: h.result.is_ok(),
                problem: h.result.err().map(|e| e.to_string()),
            })
            .collect()
    }

    /// Every account's health, probed together.
    pub async fn health(&self) -> Vec<AccountHealth> {
        let (mut c, m) = futures_util::join!(self.calendars.health(), self.mail.health());
        c.extend(m);
        c
    }
}
