//! Tool accounts edited from the settings view: a `[[calendar]]` or `[[mail]]` added, changed
//! or removed in the user's file, the keys the form does not show and the comments kept.

use std::path::Path;

use toml_edit::{value, DocumentMut, Item, Table};

use super::{refused, set_tables, tables};
use crate::model::{password_entry, AccountForm, AccountKind, FieldError, KeyChange};

/// Where an account's password can be named.
const PASSWORD_SOURCES: [&str; 3] = ["password_env", "password_file", "password_keyring"];
/// Where a calendar's events can be.
const CALENDAR_SOURCES: [&str; 3] = ["caldav", "dir", "files"];
/// The longest location, user or mailbox taken.
const MAX_FIELD: usize = 2048;

/// The file's array of tables for `kind`.
fn key(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Calendar => "calendar",
        AccountKind::Mail => "mail",
    }
}

/// The form's field a key of the file is shown beside, if the form has it.
pub(super) fn field(key: &str) -> Option<&'static str> {
    Some(match key {
        "name" => "name",
        "caldav" | "dir" | "files" | "imap" => "location",
        "user" => "user",
        "mailbox" => "mailbox",
        "ca_file" => "ca_file",
        k if PASSWORD_SOURCES.contains(&k) => "password",
        _ => return None,
    })
}

fn position(tables: &[Table], kind: AccountKind, name: &str) -> Result<usize, FieldError> {
    tables
        .iter()
        .position(|t| t.get("name").and_then(Item::as_str) == Some(name))
        .ok_or_else(|| refused("name", format!("no {} account named `{name}` in the file", kind.as_str())))
}

/// A form's text: trimmed, bounded, one line.
fn text<'a>(field: &str, v: &'a str) -> Result<&'a str, FieldError> {
    let v = v.trim();
    if v.len() > MAX_FIELD || v.chars().any(char::is_control) {
        return Err(refused(field, "too long, or with control characters"));
    }
    Ok(v)
}

/// Sets `key` to `v`, or removes it when `v` is empty.
fn set_or_remove(t: &mut Table, key: &str, v: &str) {
    if v.is_empty() {
        t.remove(key);
    } else {
        t[key] = value(v);
    }
}

/// A CalDAV URL as the settings view shows it (a folder's slash added, the query redacted).
fn shown_url(text: &str) -> String {
    match reqwest::Url::parse(text.trim()) {
        Ok(mut url) => {
            if !url.path().ends_with('/') {
                let p = format!("{}/", url.path());
                url.set_path(&p);
            }
            crate::secret::redact_url(&url)
        }
        Err(_) => text.to_string(),
    }
}

/// `ca_file` = `given`: a file, unless the file had it so (its spelling then kept).
fn set_ca_file(t: &mut Table, path: &Path, given: &str) -> Result<(), FieldError> {
    if given.is_empty() {
        t.remove("ca_file");
        return Ok(());
    }
    let expand = |p: &str| super::super::tools::expand_path(p, path);
    let had = t.get("ca_file").and_then(Item::as_str).map(str::to_string);
    if had.as_deref().map(expand) == Some(expand(given)) {
        return Ok(());
    }
    if !expand(given).is_file() {
        return Err(refused("ca_file", format!("{} is not a file", expand(given).display())));
    }
    t["ca_file"] = value(given);
    Ok(())
}

pub(super) fn save(
    doc: &mut DocumentMut,
    path: &Path,
    original: Option<&str>,
    a: &AccountForm,
) -> Result<(), FieldError> {
    if a.files {
        return Err(refused("location", "a calendar of .ics files is edited in the file"));
    }
    let array = key(a.kind);
    let mut list = tables(doc, array);
    let i = match original {
        Some(name) => position(&list, a.kind, name)?,
        None => {
            list.push(Table::new());
            list.len() - 1
        }
    };
    let t = &mut list[i];
    if t.contains_key("files") {
        return Err(refused("location", "a calendar of .ics files is edited in the file"));
    }
    let name = text("name", &a.name)?;
    let location = text("location", &a.location)?;
    let user = text("user", &a.user)?;
    let mailbox = text("mailbox", &a.mailbox)?;
    let ca_file = text("ca_file", &a.ca_file)?;
    if location.is_empty() {
        return Err(refused("location", "where is it? a URL (or, for a calendar, a folder)"));
    }
    t["name"] = value(name);
    let mut has_password_field = true;
    match a.kind {
        AccountKind::Calendar if location.contains("://") => {
            // The form shows the file's URL with its query redacted (a token): unchanged, the
            // file keeps its own text.
            let had = t.get("caldav").and_then(Item::as_str).map(str::to_string);
            if had.as_deref().map(shown_url) != Some(location.to_string()) {
                for k in CALENDAR_SOURCES {
                    t.remove(k);
                }
                t["caldav"] = value(location);
            }
            set_or_remove(t, "user", user);
            set_ca_file(t, path, ca_file)?;
        }
        AccountKind::Calendar => {
            // A vdir folder: it must be one (unless the file had it so: an unmounted drive).
            let had = t.get("dir").and_then(Item::as_str).map(|d| super::super::tools::expand_path(d, path));
            let full = super::super::tools::expand_path(location, path);
            if had.as_ref() != Some(&full) && !full.is_dir() {
                return Err(refused("location", format!("{} is not a folder", full.display())));
            }
            for k in CALENDAR_SOURCES.iter().chain(&PASSWORD_SOURCES).chain(&["user", "ca_file"]) {
                t.remove(k);
            }
            t["dir"] = value(location);
            has_password_field = false;
        }
        AccountKind::Mail => {
            if user.is_empty() {
                return Err(refused("user", "the IMAP user name"));
            }
            t["imap"] = value(location);
            t["user"] = value(user);
            set_or_remove(t, "mailbox", mailbox);
            set_ca_file(t, path, ca_file)?;
        }
    }
    match &a.password {
        KeyChange::Keep => {}
        _ if !has_password_field => {}
        KeyChange::Keyring { entry } => {
            // Only the account's own entry: a peer cannot have another secret (an API key)
            // sent to a server of its choosing.
            if entry.trim() != password_entry(a.kind, name) {
                return Err(refused("password", "not this account's keyring entry"));
            }
            for k in PASSWORD_SOURCES {
                t.remove(k);
            }
            t["password_keyring"] = value(entry.trim());
        }
        KeyChange::Remove => {
            for k in PASSWORD_SOURCES {
                t.remove(k);
            }
        }
    }
    set_tables(doc, array, list);
    Ok(())
}

pub(super) fn remove(doc: &mut DocumentMut, kind: AccountKind, name: &str) -> Result<(), FieldError> {
    let array = key(kind);
    let mut list = tables(doc, array);
    let i = position(&list, kind, name)?;
    list.remove(i);
    set_tables(doc, array, list);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::edited;
    use crate::config::{CalendarSource, PasswordSource};
    use crate::model::{AccountForm, AccountKind, KeyChange, SettingsEdit};
    use std::path::Path;

    const FILE: &str = "# Mine.\n[[backend]]\nname = \"small\"\nrole = \"classifier\"\nurl = \"http://127.0.0.1:8081\"\nmodel = \"s\"\n\
        [[backend]]\nname = \"big\"\nrole = \"reasoner\"\nurl = \"http://127.0.0.1:8082\"\nmodel = \"b\"\n\n\
        # Work calendar.\n[[calendar]]\nname = \"work\"\ncaldav = \"https://cal.example.org/a/\"\nuser = \"alice\"\n\
        password_env = \"CAL_PW\" # from the session\nca_file = \"ca.pem\"\n\n\
        # Old files.\n[[calendar]]\nname = \"holidays\"\nfiles = [\"h.ics\"]\n";

    fn form(kind: AccountKind, name: &str, location: &str) -> AccountForm {
        AccountForm {
            kind,
            name: name.into(),
            location: location.into(),
            user: "bob".into(),
            mailbox: String::new(),
            ca_file: String::new(),
            files: false,
            has_password: false,
            password: KeyChange::Keep,
        }
    }

    fn save(
        text: &str,
        original: Option<&str>,
        account: AccountForm,
    ) -> Result<(String, crate::config::Config), crate::model::FieldError> {
        edited(
            text,
            Path::new("/home/u/.config/switchboard/config.toml"),
            &SettingsEdit::SaveAccount { original: original.map(str::to_string), account },
        )
    }

    #[test]
    fn a_mail_account_is_added_with_its_own_keyring_entry_and_the_file_keeps_its_comments() {
        let mut mail = form(AccountKind::Mail, "home", "imaps://127.0.0.1:9993");
        mail.password = KeyChange::Keyring { entry: "password:mail:home".into() };
        let (text, config) = save(FILE, None, mail.clone()).unwrap();
        assert!(text.contains("# Work calendar.") && text.contains("# from the session"), "{text}");
        assert_eq!(config.mails.len(), 1);
        let m = &config.mails[0];
        assert_eq!((m.host.as_str(), m.port, m.implicit_tls, m.user.as_str()), ("127.0.0.1", 9993, true, "bob"));
        assert_eq!(m.password, Some(PasswordSource::Keyring("password:mail:home".into())));
        // Any other entry is refused beside the password field: an API key, another account's.
        for bad in ["api-key:big", "password:mail:work", "password:calendar:home", "password-test:mail:home", ""] {
            mail.password = KeyChange::Keyring { entry: bad.into() };
            assert_eq!(save(FILE, None, mail.clone()).unwrap_err().field, "password", "{bad:?}");
        }
    }

    #[test]
    fn each_wrong_field_is_refused_beside_itself() {
        let bad_url = form(AccountKind::Mail, "m", "https://mail.example.org");
        assert_eq!(save(FILE, None, bad_url).unwrap_err().field, "location");
        let no_user = AccountForm { user: String::new(), ..form(AccountKind::Mail, "m", "imap://h:143") };
        assert_eq!(save(FILE, None, no_user).unwrap_err().field, "user");
        let dup = form(AccountKind::Calendar, "work", "https://other.example.org/");
        let e = save(FILE, None, dup).unwrap_err();
        assert_eq!(e.field, "name", "{e:?}");
        let in_url = form(AccountKind::Calendar, "c", "https://alice:pw@cal.example.org/");
        let e = save(FILE, None, in_url).unwrap_err();
        assert!(e.field == "location" && !e.message.contains("pw@"), "{e:?}");
        let not_dir = form(AccountKind::Calendar, "c", "/nonexistent/cal");
        assert_eq!(save(FILE, None, not_dir).unwrap_err().field, "location");
        let nl = form(AccountKind::Mail, "m\nx", "imap://h:143");
        assert_eq!(save(FILE, None, nl).unwrap_err().field, "name");
        assert_eq!(save(FILE, None, form(AccountKind::Mail, "m", " ")).unwrap_err().field, "location");
    }

    #[test]
    fn an_edit_keeps_the_password_and_other_keys_and_a_folder_drops_what_caldav_needed() {
        // The CA as the form shows it (expanded): the file's spelling is kept.
        let work = AccountForm {
            ca_file: "/home/u/.config/switchboard/ca.pem".into(),
            ..form(AccountKind::Calendar, "job", "https://cal.example.org/b/")
        };
        let (text, config) = save(FILE, Some("work"), work).unwrap();
        assert!(text.contains("ca_file = \"ca.pem\""), "{text}");
        let other_ca = AccountForm {
            ca_file: "/nonexistent/ca.pem".into(),
            ..form(AccountKind::Calendar, "job", "https://cal.example.org/b/")
        };
        assert_eq!(save(&text, Some("job"), other_ca).unwrap_err().field, "ca_file");
        assert!(text.contains("password_env = \"CAL_PW\" # from the session") && text.contains("ca_file"), "{text}");
        assert_eq!(config.calendars[0].name, "job");
        let dir = tempfile::tempdir().unwrap();
        let local = form(AccountKind::Calendar, "job", &dir.path().display().to_string());
        let (text, config) = save(&text, Some("job"), local).unwrap();
        assert_eq!(config.calendars[0].source, CalendarSource::Dir(dir.path().to_path_buf()));
        assert!(!text.contains("CAL_PW") && !text.contains("caldav") && !text.contains("alice"), "{text}");
        // Removed, with the password: nothing of it is left, the other calendar stays.
        let (text, config) = edited(
            &text,
            Path::new("c.toml"),
            &SettingsEdit::RemoveAccount { kind: AccountKind::Calendar, name: "job".into() },
        )
        .unwrap();
        assert_eq!(config.calendars.len(), 1);
        assert!(text.contains("# Old files.") && text.contains("holidays"), "{text}");
    }

    #[test]
    fn a_caldav_urls_token_survives_a_save_of_its_form_and_an_inline_array_is_not_replaced() {
        let with_token = FILE
            .replace("caldav = \"https://cal.example.org/a/\"", "caldav = \"https://cal.example.org/a?token=s3cret\"");
        let shown = "https://cal.example.org/a/?redacted";
        let (text, _) = save(&with_token, Some("work"), form(AccountKind::Calendar, "work", shown)).unwrap();
        assert!(text.contains("caldav = \"https://cal.example.org/a?token=s3cret\""), "{text}");
        let inline = format!("mail = [{{ name = \"x\", imap = \"imaps://h:993\", user = \"u\" }}]\n{FILE}");
        let e = save(&inline, None, form(AccountKind::Mail, "m", "imaps://h:993")).unwrap_err();
        assert!(e.message.contains("inline"), "{e:?}");
    }

    #[test]
    fn files_calendars_are_not_edited_here_and_a_password_can_go() {
        let files = AccountForm { files: true, ..form(AccountKind::Calendar, "holidays", "h.ics") };
        assert_eq!(save(FILE, Some("holidays"), files).unwrap_err().field, "location");
        let as_url = form(AccountKind::Calendar, "holidays", "https://h.example.org/");
        assert_eq!(save(FILE, Some("holidays"), as_url).unwrap_err().field, "location");
        let gone = AccountForm {
            password: KeyChange::Remove,
            ..form(AccountKind::Calendar, "work", "https://cal.example.org/a/")
        };
        let (text, config) = save(FILE, Some("work"), gone).unwrap();
        assert!(!text.contains("password_env"), "{text}");
        assert!(matches!(&config.calendars[0].source, CalendarSource::CalDav { password: None, .. }));
        let e = edited(
            FILE,
            Path::new("c.toml"),
            &SettingsEdit::RemoveAccount { kind: AccountKind::Mail, name: "work".into() },
        )
        .unwrap_err();
        assert_eq!(e.field, "name");
    }
}
