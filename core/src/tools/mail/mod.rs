//! The mail tool, read only: every configured IMAP account searched together, newest first;
//! one mail read as its headers, its text (HTML mail as text) and its attachments' names.
//! Reading never marks a mail as seen (`EXAMINE`, `BODY.PEEK`); nothing here can send.
//!
//! - this file: [`MailProvider`] (one per account) and [`Mailboxes`], the set the router and
//!   the CLI use; mail ids are `uid` for the first account, `account:uid` for the others;
//! - `imap`: IMAP over TLS or STARTTLS (`async-imap`), parsed by `mail-parser`.

mod imap;

use futures_util::future::{join_all, BoxFuture};

use super::{AccountHealth, ToolError};
use crate::clock::Clock;
use crate::config::MailAccount;
use crate::model::{MailRow, MailView};

/// The most mails one search lists.
pub const MAX_RESULTS: usize = 20;
/// The longest look back, in days.
pub const MAX_DAYS: u32 = 3650;

/// One mail account.
pub trait MailProvider: Send + Sync {
    fn name(&self) -> &str;
    /// Mails whose sender, subject or text has `query` (all with an empty query), from the
    /// last `days` days, newest first, at most [`MAX_RESULTS`]; each row's id is its UID.
    fn search<'a>(&'a self, query: &'a str, days: u32) -> BoxFuture<'a, Result<Vec<MailRow>, ToolError>>;
    /// The mail with `uid`.
    fn read(&self, uid: u32) -> BoxFuture<'_, Result<MailView, ToolError>>;
    /// Reachable, and the password accepted?
    fn probe(&self) -> BoxFuture<'_, Result<(), ToolError>>;
}

/// Every configured mail account.
pub struct Mailboxes {
    providers: Vec<Box<dyn MailProvider>>,
}

/// Mails found, and the accounts that could not be searched.
#[derive(Debug, Default)]
pub struct FoundMail {
    pub mails: Vec<MailRow>,
    pub unavailable: Vec<String>,
}

impl Mailboxes {
    pub fn new(accounts: &[MailAccount], clock: Clock) -> Mailboxes {
        Mailboxes {
            providers: accounts
                .iter()
                .map(|a| -> Box<dyn MailProvider> { Box::new(imap::Imap::new(a, clock)) })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.providers.is_empty()
    }

    /// Searches every account at once; newest first, at most [`MAX_RESULTS`] in all.
    pub async fn search(&self, query: &str, days: u32) -> FoundMail {
        let days = days.clamp(1, MAX_DAYS);
        let query = query.trim();
        let searches = self.providers.iter().enumerate().map(|(i, p)| async move { (i, p.search(query, days).await) });
        let mut found = FoundMail::default();
        for (i, result) in join_all(searches).await {
            match result {
                Ok(rows) => found.mails.extend(rows.into_iter().map(|mut r| {
                    if i > 0 {
                        r.id = format!("{}:{}", r.account, r.id);
                    }
                    r
                })),
                Err(e) => found.unavailable.push(format!("{}: {e}", self.providers[i].name())),
            }
        }
        // RFC 3339 in UTC sorts as text.
        found.mails.sort_by(|a, b| b.date.cmp(&a.date));
        found.mails.truncate(MAX_RESULTS);
        found
    }

    /// Whether `id` is a mail id (`uid`, `uid 42`, `account:uid`) rather than words.
    pub fn is_id(id: &str) -> bool {
        let id = id.trim().trim_start_matches("uid").trim();
        let uid = id.rsplit_once(':').map_or(id, |(_, uid)| uid);
        !uid.is_empty() && uid.trim().chars().all(|c| c.is_ascii_digit())
    }

    /// The newest mail of the last `days` that `words` name ("jane invoice": each word in its
    /// sender or subject), or `None` (never a mail that only one word matched). Searched by
    /// the longest word. Words of recency alone ("latest", "최근"): the newest mail.
    pub async fn named(&self, words: &str, days: u32) -> Result<Option<MailView>, ToolError> {
        const RECENT: &[&str] = &["latest", "newest", "last", "recent", "최근", "최신", "마지막", "제일", "가장"];
        let lower = words.to_lowercase();
        let all: Vec<&str> = lower.split_whitespace().filter(|w| w.chars().count() >= 2).take(8).collect();
        let ws: Vec<&str> = all.iter().copied().filter(|w| !RECENT.contains(w)).collect();
        // The first of the longest words (a sender's name comes before a subject's words).
        let longest = match ws.iter().rev().max_by_key(|w| w.chars().count()) {
            Some(w) => *w,
            None if !all.is_empty() => "",
            None => return Ok(None),
        };
        let found = self.search(longest, days).await;
        if found.mails.is_empty() {
            if let Some(e) = found.unavailable.first() {
                return Err(ToolError::Io(e.clone()));
            }
        }
        let holds_all = |m: &&MailRow| {
            let text = format!("{} {}", m.from, m.subject).to_lowercase();
            ws.iter().all(|w| text.contains(w))
        };
        // Newest first already.
        match found.mails.iter().find(holds_all) {
            Some(m) => self.read(&m.id).await.map(Some),
            None => Ok(None),
        }
    }

    /// Reads the mail `id` (`uid`, or `account:uid`).
    pub async fn read(&self, id: &str) -> Result<MailView, ToolError> {
        let id = id.trim().trim_start_matches("uid").trim();
        let (provider, uid) = match id.rsplit_once(':') {
            Some((account, uid)) => (self.providers.iter().position(|p| p.name() == account), uid),
            None => (Some(0).filter(|_| !self.providers.is_empty()), id),
        };
        let uid: u32 = uid.trim().parse().map_err(|_| ToolError::Config(format!("`{id}` is not a mail id")))?;
        let i = provider.ok_or_else(|| ToolError::Config(format!("no mail account for `{id}`")))?;
        let mut view = self.providers[i].read(uid).await?;
        if i > 0 {
            view.row.id = format!("{}:{}", view.row.account, view.row.id);
        }
        Ok(view)
    }

    pub async fn health(&self) -> Vec<AccountHealth> {
        join_all(self.providers.iter().map(|p| async move {
            AccountHealth { tool: "email", account: p.name().to_string(), result: p.probe().await }
        }))
        .await
    }
}
