//! The keyring entries the settings view owns (`api-key:NAME`, `password:KIND:NAME`).
//!
//! - A typed key or password reaches the engine in its Test entry (`api-key-test:NAME`,
//!   `password-test:KIND:NAME`): it becomes the saved entry only once the edit has passed
//!   the file's checks, so a refused save (a duplicate name) never replaces a saved secret.
//! - A rename takes the entry along (copied to the new name's, never over an existing one).
//! - An entry goes when its backend, account or key does.
//!
//! An entry the file still names after the edit is never deleted; a hand-named one is never
//! touched.

use std::path::Path;

use crate::config;
use crate::model::{
    api_key_entry, api_key_test_entry, password_entry, password_test_entry, FieldError, KeyChange, SettingsEdit,
};
use crate::secret_store::{self, KeyringError};

fn refused(field: &str, message: String) -> FieldError {
    FieldError { field: field.to_string(), message }
}

/// Copies the secret in `from` to `to`; `to` must not hold one when `fresh`.
fn copy(from: &str, to: &str, fresh: bool) -> Result<bool, KeyringError> {
    if fresh && !matches!(secret_store::get(to), Err(KeyringError::NoEntry(_))) {
        return Ok(false);
    }
    let secret = secret_store::get(from)?;
    secret_store::set(to, &secret)?;
    Ok(true)
}

/// The key change a save carries (a backend's key, an account's password), if it saves one.
fn key_mut(edit: &mut SettingsEdit) -> Option<&mut KeyChange> {
    match edit {
        SettingsEdit::SaveBackend { backend, .. } => Some(&mut backend.key),
        SettingsEdit::SaveAccount { account, .. } => Some(&mut account.password),
        _ => None,
    }
}

/// A save's typed secret: the Test entry the window stored it in, and the saved entry it
/// becomes once the edit passes. `None` when the save carries none.
pub(super) fn typed(edit: &SettingsEdit) -> Option<(String, String)> {
    let (change, test, saved) = match edit {
        SettingsEdit::SaveBackend { backend, .. } => {
            (&backend.key, api_key_test_entry(&backend.name), api_key_entry(&backend.name))
        }
        SettingsEdit::SaveAccount { account, .. } => (
            &account.password,
            password_test_entry(account.kind, &account.name),
            password_entry(account.kind, &account.name),
        ),
        _ => return None,
    };
    (*change == KeyChange::Keyring { entry: test.clone() }).then_some((test, saved))
}

/// `edit` as it will be written: a typed secret's Test entry replaced by the saved one; and
/// that Test entry, if there was one.
pub(super) fn as_saved(edit: &SettingsEdit) -> (SettingsEdit, Option<String>) {
    let mut saved_edit = edit.clone();
    let typed = typed(edit);
    if let (Some((_, saved)), Some(change)) = (&typed, key_mut(&mut saved_edit)) {
        *change = KeyChange::Keyring { entry: saved.clone() };
    }
    (saved_edit, typed.map(|(test, _)| test))
}

/// One owner's entries: its saved one and its Test one, before and after the edit.
struct Owner<'a> {
    array: &'a str,
    key: &'a str,
    field: &'a str,
    old_name: String,
    saved: (String, String),
    test: String,
}

/// What the edit does with the owner's secret, made ready: a typed one moved into place, a
/// rename's taken along. The entries to delete once the edit is written.
fn prepare(text: &str, owner: &Owner<'_>, change: &mut KeyChange) -> Result<Vec<String>, FieldError> {
    let (old_saved, new_saved) = &owner.saved;
    let mut gone = vec![owner.test.clone()];
    match change.clone() {
        KeyChange::Keyring { entry } if entry == owner.test => {
            copy(&owner.test, new_saved, false)
                .map_err(|e| refused(owner.field, format!("the desktop keyring could not keep it ({e})")))?;
            *change = KeyChange::Keyring { entry: new_saved.clone() };
            if old_saved != new_saved {
                gone.push(old_saved.clone());
            }
        }
        KeyChange::Remove => gone.push(old_saved.clone()),
        KeyChange::Keep if old_saved != new_saved => {
            let named = config::named_entry(text, owner.array, &owner.old_name, owner.key);
            if named.as_deref() == Some(old_saved.as_str()) && copy(old_saved, new_saved, true).unwrap_or(false) {
                *change = KeyChange::Keyring { entry: new_saved.clone() };
                gone.push(old_saved.clone());
            }
        }
        _ => {}
    }
    Ok(gone)
}

/// Checks `edit` against the file at `path` (a typed secret's Test entry taken for the saved
/// one), then prepares its keyring entries; the entries to delete once it is written. A
/// refusal here leaves the keyring as it was.
pub(super) fn before(path: &Path, edit: &mut SettingsEdit) -> Result<Vec<String>, FieldError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| refused("", format!("cannot read {}: {e}", path.display())))?;
    // The edit as it will be written, checked first.
    let (probe, consumed) = as_saved(edit);
    config::edited(&text, path, &probe)?;
    // Only entries that exist are deleted: those the file names now, and a typed secret's Test
    // entry once moved into place. (Asking the keyring about others would start a keyring
    // daemon on a desktop that never used one.)
    let mut known = config::named_entries(&text);
    let mut gone = match edit {
        SettingsEdit::RemoveBackend { name } => vec![api_key_entry(name), api_key_test_entry(name)],
        SettingsEdit::RemoveAccount { kind, name } => {
            vec![password_entry(*kind, name), password_test_entry(*kind, name)]
        }
        SettingsEdit::SaveBackend { original, backend } => {
            let old_name = original.clone().unwrap_or_else(|| backend.name.clone());
            let owner = Owner {
                array: "backend",
                key: "api_key_keyring",
                field: "api_key_keyring",
                saved: (api_key_entry(&old_name), api_key_entry(&backend.name)),
                test: api_key_test_entry(&backend.name),
                old_name,
            };
            prepare(&text, &owner, &mut backend.key)?
        }
        SettingsEdit::SaveAccount { original, account } => {
            let kind = account.kind;
            let old_name = original.clone().unwrap_or_else(|| account.name.clone());
            let owner = Owner {
                array: kind.as_str(),
                key: "password_keyring",
                field: "password",
                saved: (password_entry(kind, &old_name), password_entry(kind, &account.name)),
                test: password_test_entry(kind, &account.name),
                old_name,
            };
            prepare(&text, &owner, &mut account.password)?
        }
        _ => Vec::new(),
    };
    known.extend(consumed);
    gone.retain(|e| known.contains(e));
    Ok(gone)
}

/// Deletes the entries `gone` the file at `path` (as written) no longer names.
pub(super) fn forget(path: &Path, gone: Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let named = config::named_entries(&text);
    for entry in gone.iter().filter(|e| !named.contains(e)) {
        if let Err(e) = secret_store::delete(entry) {
            tracing::warn!("keyring entry {entry} not deleted: {e}");
        }
    }
}
