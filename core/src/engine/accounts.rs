//! The tool accounts in the settings view: shown as forms, and one tried before it is saved
//! (reached, logged in, and what it holds this week). A form is checked by the same edit of
//! the user's file a save makes, in memory: a test never writes.

use std::path::Path;
use std::time::Duration;

use super::Engine;
use crate::config::{self, CalendarSource, PasswordSource};
use crate::model::{AccountForm, AccountKind, AccountTest, KeyChange, SettingsEdit};
use crate::tools::{calendar::Calendars, mail::Mailboxes, AccountHealth};

/// How long each step of an account test may take.
const TEST_TIMEOUT: Duration = Duration::from_secs(15);
/// The days a test looks at (ahead for a calendar, back for mail).
const TEST_DAYS: u32 = 7;

/// The calendars, then the mail accounts, as the settings view shows them.
pub(super) fn forms(c: &config::Config) -> Vec<AccountForm> {
    let has = |p: &Option<PasswordSource>| p.is_some();
    let calendars = c.calendars.iter().map(|a| {
        let (location, user, has_password, files, ca) = match &a.source {
            CalendarSource::CalDav { url, user, password, ca_file } => {
                (crate::secret::redact_url(url), user.clone().unwrap_or_default(), has(password), false, shown(ca_file))
            }
            CalendarSource::Dir(dir) => (dir.display().to_string(), String::new(), false, false, String::new()),
            CalendarSource::Files(paths) => {
                let list: Vec<String> = paths.iter().map(|f| f.display().to_string()).collect();
                (list.join(", "), String::new(), false, true, String::new())
            }
        };
        AccountForm {
            kind: AccountKind::Calendar,
            name: a.name.clone(),
            location,
            user,
            mailbox: String::new(),
            ca_file: ca,
            files,
            has_password,
            password: KeyChange::Keep,
        }
    });
    let mails = c.mails.iter().map(|m| {
        let scheme = if m.implicit_tls { "imaps" } else { "imap" };
        let host = if m.host.contains(':') { format!("[{}]", m.host) } else { m.host.clone() };
        AccountForm {
            kind: AccountKind::Mail,
            name: m.name.clone(),
            location: format!("{scheme}://{host}:{}", m.port),
            user: m.user.clone(),
            mailbox: m.mailbox.clone(),
            ca_file: shown(&m.ca_file),
            files: false,
            has_password: has(&m.password),
            password: KeyChange::Keep,
        }
    });
    calendars.chain(mails).collect()
}

fn shown(path: &Option<std::path::PathBuf>) -> String {
    path.as_ref().map(|p| p.display().to_string()).unwrap_or_default()
}

fn failed(error: impl Into<String>) -> AccountTest {
    AccountTest { reached_ms: None, found: None, error: Some(error.into()) }
}

/// The one account's probe (`health`), within the test's time: the milliseconds since
/// `started` once it answered well, or the test's failure.
async fn reached(
    health: impl std::future::Future<Output = Vec<AccountHealth>>,
    started: tokio::time::Instant,
) -> Result<f64, AccountTest> {
    match tokio::time::timeout(TEST_TIMEOUT, health).await {
        Err(_) => Err(failed("no answer in 15 s")),
        Ok(probe) => match probe.first().map(|h| &h.result) {
            Some(Err(e)) => Err(failed(e.to_string())),
            _ => Ok(started.elapsed().as_secs_f64() * 1000.0),
        },
    }
}

impl Engine {
    /// Tries `form` (the account `original` of its kind edited, or a new one) as the file at
    /// `path` would have it: reached and logged in (timed), then the events of the next week
    /// or the mails of the last one counted. The password is the one the form names (a
    /// keyring entry the window just stored: the account's own, or its Test entry), else the
    /// original's.
    pub async fn test_account(&self, path: &Path, original: Option<&str>, form: &AccountForm) -> AccountTest {
        // A Test's entry is checked like a save's, then used in its place.
        let asked = SettingsEdit::SaveAccount { original: original.map(str::to_string), account: form.clone() };
        let (edit, test_entry) = super::entries::as_saved(&asked);
        let test_entry = test_entry.map(PasswordSource::Keyring);
        let file = path.to_path_buf();
        let checked = tokio::task::spawn_blocking(move || {
            let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            config::edited(&text, &file, &edit).map_err(|e| e.message)
        })
        .await;
        let mut config = match checked {
            Ok(Ok((_, config))) => config,
            Ok(Err(e)) => return failed(e),
            Err(e) => return failed(e.to_string()),
        };
        let name = form.name.trim();
        let clock = self.registry.clock();
        let started = tokio::time::Instant::now();
        let mut out = AccountTest { reached_ms: None, found: None, error: None };
        match form.kind {
            AccountKind::Calendar => {
                config.calendars.retain(|c| c.name == name);
                if config.calendars.is_empty() {
                    return failed("no such calendar after the edit");
                }
                if let (Some(pw), Some(CalendarSource::CalDav { password, .. })) =
                    (test_entry, config.calendars.first_mut().map(|c| &mut c.source))
                {
                    *password = Some(pw);
                }
                let tz = config.chat.timezone.unwrap_or_else(crate::tools::tz::system);
                let calendars = Calendars::new(&config.calendars, tz, clock);
                match reached(calendars.health(), started).await {
                    Ok(ms) => out.reached_ms = Some(ms),
                    Err(e) => return e,
                }
                let today = calendars.today();
                match tokio::time::timeout(
                    TEST_TIMEOUT,
                    calendars.events(today, today + chrono::Duration::days(TEST_DAYS.into())),
                )
                .await
                {
                    Ok(found) if found.unavailable.is_empty() => out.found = Some(found.events.len()),
                    Ok(found) => out.error = Some(found.unavailable.join("; ")),
                    Err(_) => out.error = Some("no events in 15 s".into()),
                }
            }
            AccountKind::Mail => {
                config.mails.retain(|m| m.name == name);
                if config.mails.is_empty() {
                    return failed("no such mail account after the edit");
                }
                if let (Some(pw), Some(m)) = (test_entry, config.mails.first_mut()) {
                    m.password = Some(pw);
                }
                let mail = Mailboxes::new(&config.mails, clock);
                match reached(mail.health(), started).await {
                    Ok(ms) => out.reached_ms = Some(ms),
                    Err(e) => return e,
                }
                match tokio::time::timeout(TEST_TIMEOUT, mail.search("", TEST_DAYS)).await {
                    Ok(found) if found.unavailable.is_empty() => out.found = Some(found.mails.len()),
                    Ok(found) => out.error = Some(found.unavailable.join("; ")),
                    Err(_) => out.error = Some("no search answer in 15 s".into()),
                }
            }
        }
        out
    }
}
