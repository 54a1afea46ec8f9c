//! API keys and tool account passwords typed in the settings view, stored in the desktop
//! keyring (Secret Service) from the window's own process: the engine is told only the entry's
//! name, so a secret never crosses the socket, and never reaches a log or an error message.
//! Each entry's name is derived from what it belongs to: a peer cannot choose it.

use switchboard_model::{
    api_key_entry, api_key_test_entry, password_entry, password_test_entry, AccountKind, KeyChange, KEYRING_SERVICE,
};

/// The longest secret taken (real keys and passwords are a few hundred bytes).
const MAX_SECRET_BYTES: usize = 4096;

/// Stores `secret` (`what`: "key" or "password") in `entry`, or in `test_entry` for a Test (the
/// saved one is replaced only by a Save, which also drops the Test's copy); the change the
/// form then carries.
fn store(
    owner: &str,
    what: &str,
    secret: String,
    entries: (String, String),
    for_test: bool,
) -> Result<KeyChange, String> {
    let secret = secret.trim();
    if owner.trim().is_empty() {
        return Err(format!("give the name before the {what}"));
    }
    if secret.is_empty() || secret.len() > MAX_SECRET_BYTES || secret.chars().any(char::is_control) {
        return Err(format!("that is not a {what} (empty, too long, or with control characters)"));
    }
    let (saved, test) = entries;
    let entry = if for_test { test.clone() } else { saved };
    // The keyring's errors name the service and entry, never the secret.
    keyring::Entry::new(KEYRING_SERVICE, &entry)
        .and_then(|e| e.set_password(secret))
        .map_err(|e| format!("the desktop keyring could not store the {what} ({e})"))?;
    if !for_test {
        if let Ok(e) = keyring::Entry::new(KEYRING_SERVICE, &test) {
            let _ = e.delete_credential();
        }
    }
    Ok(KeyChange::Keyring { entry })
}

/// Stores `key` as backend `backend`'s API key.
pub fn store_key(backend: &str, key: String, for_test: bool) -> Result<KeyChange, String> {
    store(backend, "key", key, (api_key_entry(backend), api_key_test_entry(backend)), for_test)
}

/// Stores `password` as the password of the tool account `account` of `kind`.
pub fn store_password(kind: AccountKind, account: &str, password: String, for_test: bool) -> Result<KeyChange, String> {
    let entries = (password_entry(kind, account), password_test_entry(kind, account));
    store(account, "password", password, entries, for_test)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_that_is_not_a_secret_is_stored_and_no_error_shows_it() {
        for (owner, secret) in [("", "sk-abc"), ("big", ""), ("big", "  "), ("big", "sk-a\nb")] {
            let e = store_key(owner, secret.to_string(), true).unwrap_err();
            assert!(secret.trim().is_empty() || !e.contains(secret.trim()), "{e}");
            let e = store_password(AccountKind::Mail, owner, secret.to_string(), false).unwrap_err();
            assert!(secret.trim().is_empty() || !e.contains(secret.trim()), "{e}");
        }
        let long = "k".repeat(MAX_SECRET_BYTES + 1);
        assert!(!store_key("big", long.clone(), false).unwrap_err().contains(&long));
    }
}
