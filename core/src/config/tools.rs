//! The tools' accounts: `[[calendar]]` (CalDAV, a vdir folder, or read-only `.ics` files) and
//! `[[mail]]` (IMAP, read only); `[documents]` (folders to index).
//! Passwords are never in the file: an environment variable, a key file or the desktop
//! keyring names where each is, and it is read when it is needed.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::check::Check;
use super::ConfigError;

/// Where an account's password is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// An environment variable's name.
    Env(String),
    /// A file holding only the password (its path resolved against the config file's folder).
    File(PathBuf),
    /// An entry in the desktop keyring (Secret Service), stored with `switchboard-cli secret set NAME`.
    Keyring(String),
}

/// Where a calendar's events are.
#[derive(Debug, Clone, PartialEq)]
pub enum CalendarSource {
    /// A CalDAV calendar collection, or an account root whose calendars are all read (the first
    /// one is written to).
    CalDav {
        url: reqwest::Url,
        user: Option<String>,
        password: Option<PasswordSource>,
        /// An extra CA certificate (PEM) to trust, for a server with a private CA.
        ca_file: Option<PathBuf>,
    },
    /// A vdir folder (one `.ics` per event, as khal and vdirsyncer keep them); writable.
    Dir(PathBuf),
    /// `.ics` files, read only.
    Files(Vec<PathBuf>),
}

/// `[documents]`: folders indexed for full-text search.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocumentsSettings {
    pub folders: Vec<PathBuf>,
    /// The index file (default: `$XDG_DATA_HOME/switchboard/documents.sqlite3`).
    pub index: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDocuments {
    #[serde(default)]
    folders: Vec<String>,
    index: Option<String>,
}

impl RawDocuments {
    pub(super) fn into_settings(self, config_path: &Path) -> DocumentsSettings {
        DocumentsSettings {
            folders: self
                .folders
                .iter()
                .filter(|f| !f.trim().is_empty())
                .map(|f| expand_path(f, config_path))
                .collect(),
            index: self.index.as_deref().filter(|i| !i.trim().is_empty()).map(|i| expand_path(i, config_path)),
        }
    }
}

/// One `[[mail]]`: an IMAP account, read only.
#[derive(Debug, Clone, PartialEq)]
pub struct MailAccount {
    pub name: String,
    pub host: String,
    pub port: u16,
    /// `imaps://` (TLS from the start); else `imap://` with STARTTLS (never a password in clear).
    pub implicit_tls: bool,
    pub user: String,
    pub password: Option<PasswordSource>,
    pub ca_file: Option<PathBuf>,
    /// The mailbox searched (default INBOX).
    pub mailbox: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMail {
    name: Spanned<String>,
    imap: Spanned<String>,
    user: String,
    password_env: Option<String>,
    password_file: Option<String>,
    password_keyring: Option<String>,
    ca_file: Option<String>,
    mailbox: Option<String>,
}

/// Checks the `[[mail]]` entries.
pub(super) fn mails(raw: Vec<RawMail>, config_path: &Path, c: &Check<'_>) -> Result<Vec<MailAccount>, ConfigError> {
    let mut out: Vec<MailAccount> = Vec::new();
    for r in raw {
        let span = Some(r.name.span());
        let name = r.name.get_ref().trim().to_string();
        if name.is_empty() || name.contains(':') {
            return Err((c.at)(span, Some("name"), "mail account name must be non-empty, without `:`".into()));
        }
        if out.iter().any(|o| o.name == name) {
            return Err((c.at)(span, Some("name"), format!("duplicate mail account name `{name}`")));
        }
        let pw = password(&r.password_env, &r.password_file, &r.password_keyring, config_path)
            .map_err(|(key, m)| (c.at)(span.clone(), Some(key), m))?;
        let url = reqwest::Url::parse(r.imap.get_ref().trim()).ok().filter(|u| u.host_str().is_some());
        let bad = |m: &str| (c.at)(Some(r.imap.span()), Some("imap"), m.to_string());
        let Some(url) = url else {
            return Err(bad("invalid imap url: expected imaps://host:993 or imap://host:143 (STARTTLS)"));
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("put the user in `user` and the password in password_env / password_file / password_keyring, not in the url"));
        }
        let implicit_tls = match url.scheme() {
            "imaps" => true,
            "imap" => false,
            _ => return Err(bad("invalid imap url: expected imaps://host:993 or imap://host:143 (STARTTLS)")),
        };
        out.push(MailAccount {
            name,
            host: url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_string(),
            port: url.port().unwrap_or(if implicit_tls { 993 } else { 143 }),
            implicit_tls,
            user: r.user,
            password: pw,
            ca_file: r.ca_file.as_deref().map(|p| expand_path(p, config_path)),
            mailbox: r.mailbox.filter(|m| !m.trim().is_empty()).unwrap_or_else(|| "INBOX".into()),
        });
    }
    Ok(out)
}

/// One `[[calendar]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarAccount {
    pub name: String,
    pub source: CalendarSource,
}

impl CalendarAccount {
    /// Whether new events can be written to it.
    pub fn writable(&self) -> bool {
        !matches!(self.source, CalendarSource::Files(_))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalendar {
    name: Spanned<String>,
    caldav: Option<Spanned<String>>,
    dir: Option<String>,
    files: Option<Vec<String>>,
    user: Option<String>,
    password_env: Option<String>,
    password_file: Option<String>,
    password_keyring: Option<String>,
    ca_file: Option<String>,
}

/// `~/x` under the home folder, a relative path under the config file's folder.
pub(super) fn expand_path(p: &str, config_path: &Path) -> PathBuf {
    let p = p.trim();
    if let Some(rest) = p.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            return PathBuf::from(home).join(rest);
        }
    }
    config_path.parent().unwrap_or(Path::new(".")).join(p)
}

fn password(
    env: &Option<String>,
    file: &Option<String>,
    keyring: &Option<String>,
    config_path: &Path,
) -> Result<Option<PasswordSource>, (&'static str, String)> {
    let given = [env.is_some(), file.is_some(), keyring.is_some()];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(("password_env", "give one of password_env, password_file, password_keyring".into()));
    }
    let nonempty = |key: &'static str, v: &str| {
        if v.trim().is_empty() {
            Err((key, format!("`{key}` must not be empty")))
        } else {
            Ok(v.trim().to_string())
        }
    };
    Ok(if let Some(v) = env {
        Some(PasswordSource::Env(nonempty("password_env", v)?))
    } else if let Some(v) = file {
        Some(PasswordSource::File(expand_path(&nonempty("password_file", v)?, config_path)))
    } else if let Some(v) = keyring {
        Some(PasswordSource::Keyring(nonempty("password_keyring", v)?))
    } else {
        None
    })
}

/// Checks the `[[calendar]]` entries: names unique and non-empty, exactly one source each, a
/// CalDAV URL that is http(s).
pub(super) fn calendars(
    raw: Vec<RawCalendar>,
    config_path: &Path,
    c: &Check<'_>,
) -> Result<Vec<CalendarAccount>, ConfigError> {
    let mut out: Vec<CalendarAccount> = Vec::new();
    for r in raw {
        let span = Some(r.name.span());
        let name = r.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err((c.at)(span, Some("name"), "calendar name must not be empty".into()));
        }
        if out.iter().any(|o| o.name == name) {
            return Err((c.at)(span, Some("name"), format!("duplicate calendar name `{name}`")));
        }
        let sources = [r.caldav.is_some(), r.dir.is_some(), r.files.is_some()].iter().filter(|x| **x).count();
        if sources != 1 {
            return Err((c.at)(
                span,
                Some("caldav"),
                format!("calendar `{name}` needs exactly one of caldav = URL, dir = FOLDER, files = [...]"),
            ));
        }
        let pw = password(&r.password_env, &r.password_file, &r.password_keyring, config_path)
            .map_err(|(key, m)| (c.at)(span.clone(), Some(key), m))?;
        let source = if let Some(url) = &r.caldav {
            let parsed = reqwest::Url::parse(url.get_ref().trim())
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
            let Some(mut url_ok) = parsed else {
                let shown = url.get_ref().split(['?', '#', '@']).next_back().unwrap_or_default().to_string();
                return Err((c.at)(
                    Some(url.span()),
                    Some("caldav"),
                    format!("invalid caldav url `{shown}`: expected https://host/path/"),
                ));
            };
            if !url_ok.username().is_empty() || url_ok.password().is_some() {
                return Err((c.at)(
                    Some(url.span()),
                    Some("caldav"),
                    "put the user in `user` and the password in password_env / password_file / password_keyring, not in the url".into(),
                ));
            }
            if !url_ok.path().ends_with('/') {
                let p = format!("{}/", url_ok.path());
                url_ok.set_path(&p);
            }
            CalendarSource::CalDav {
                url: url_ok,
                user: r.user.clone().filter(|u| !u.trim().is_empty()),
                password: pw,
                ca_file: r.ca_file.as_deref().map(|p| expand_path(p, config_path)),
            }
        } else if let Some(dir) = &r.dir {
            CalendarSource::Dir(expand_path(dir, config_path))
        } else {
            let files = r.files.clone().unwrap_or_default();
            if files.is_empty() {
                return Err((c.at)(span, Some("files"), format!("calendar `{name}`: files = [] names no file")));
            }
            CalendarSource::Files(files.iter().map(|f| expand_path(f, config_path)).collect())
        };
        out.push(CalendarAccount { name, source });
    }
    Ok(out)
}
