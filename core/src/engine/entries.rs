//! The keyring entries the settings view owns (`api-key:NAME`, `password:KIND:NAME`): moved
//! with a rename, so a new backend or account of the old name never takes over the renamed
//! one's secret, and deleted when their backend, account or key goes. An entry the file still
//! names after the edit is never deleted; a hand-named entry is never touched.

use std::path::Path;

use crate::config;
use crate::model::{
    api_key_entry, api_key_test_entry, password_entry, password_test_entry, AccountKind, KeyChange, SettingsEdit,
};
use crate::secret_store;

/// The entry `old` named by the file moved to `new` (the secret copied; the caller deletes
/// `old` once the file names `new`). False when the file names another entry, or the keyring
/// cannot do it: the edit then keeps the old entry.
fn moved(path: &Path, array: &str, name: &str, key: &str, old: &str, new: &str) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else { return false };
    if config::named_entry(&text, array, name, key).as_deref() != Some(old) {
        return false;
    }
    match secret_store::get(old) {
        Ok(secret) => secret_store::set(new, &secret).is_ok(),
        Err(_) => false,
    }
}

/// Prepares `edit` (a rename takes its entry along); the entries to delete once it is written.
pub(super) fn before(path: &Path, edit: &mut SettingsEdit) -> Vec<String> {
    match edit {
        SettingsEdit::RemoveBackend { name } => vec![api_key_entry(name), api_key_test_entry(name)],
        SettingsEdit::RemoveAccount { kind, name } => {
            vec![password_entry(*kind, name), password_test_entry(*kind, name)]
        }
        SettingsEdit::SaveBackend { original, backend } => {
            let old = original.clone().unwrap_or_else(|| backend.name.clone());
            let new = backend.name.trim().to_string();
            let mut gone = vec![api_key_test_entry(&old)];
            match &backend.key {
                KeyChange::Remove => gone.push(api_key_entry(&old)),
                KeyChange::Keep if old.trim() != new => {
                    let (from, to) = (api_key_entry(&old), api_key_entry(&new));
                    if moved(path, "backend", &old, "api_key_keyring", &from, &to) {
                        backend.key = KeyChange::Keyring { entry: to };
                        gone.push(from);
                    }
                }
                _ => {}
            }
            gone
        }
        SettingsEdit::SaveAccount { original, account } => {
            let kind: AccountKind = account.kind;
            let old = original.clone().unwrap_or_else(|| account.name.clone());
            let new = account.name.trim().to_string();
            let mut gone = vec![password_test_entry(kind, &old)];
            match &account.password {
                KeyChange::Remove => gone.push(password_entry(kind, &old)),
                KeyChange::Keep if old.trim() != new => {
                    let (from, to) = (password_entry(kind, &old), password_entry(kind, &new));
                    if moved(path, kind.as_str(), &old, "password_keyring", &from, &to) {
                        account.password = KeyChange::Keyring { entry: to };
                        gone.push(from);
                    }
                }
                _ => {}
            }
            gone
        }
        _ => Vec::new(),
    }
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
