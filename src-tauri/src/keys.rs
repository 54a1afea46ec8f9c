//! API keys and tool account passwords typed in the settings view, stored in the desktop
//! keyring (Secret Service) from the window's own process: the engine is told only the entry's
//! name, so a secret never crosses the socket, and never reaches a log or an error message.
//! Each entry's name is derived from what it belongs to: a peer cannot choose it.

use switchboard_model::{api_key_test_entry, password_test_entry, AccountKind, KeyChange, KEYRING_SERVICE};

/// The longest secret taken (real keys and passwords are a few hundred bytes).
const MAX_SECRET_BYTES: usize = 4096;

/// Stores `secret` (`what`: "key" or "password") in the owner's Test entry `test`, for a Test
/// and for a Save alike: the engine makes it the saved entry only once the edit has passed the
/// file's checks, so a refused save (a duplicate name) never replaces a saved secret. The
/// change the form then carries. A key is trimmed; a password is kept as typed.
fn store(owner: &str, what: &str, secret: String, test: String) -> Result<KeyChange, String> {
    let secret = if what == "key" { secret.trim() } else { secret.as_str() };
    if owner.trim().is_empty() {
        return Err(format!("give the name before the {what}"));
    }
    if secret.trim().is_empty() || secret.len() > MAX_SECRET_BYTES || secret.chars().any(char::is_control) {
        return Err(format!("that is not a {what} (empty, too long, or with control characters)"));
    }
    // The keyring's errors name the service and entry, never the secret.
    keyring::Entry::new(KEYRING_SERVICE, &test)
        .and_then(|e| e.set_password(secret))
        .map_err(|e| format!("the desktop keyring could not store the {what} ({e})"))?;
    Ok(KeyChange::Keyring { entry: test })
}

/// Stores `key` as backend `backend`'s API key (its Test entry; see [`store`]).
pub fn store_key(backend: &str, key: String) -> Result<KeyChange, String> {
    store(backend, "key", key, api_key_test_entry(backend))
}

/// Stores `password` as the password of the tool account `account` of `kind`.
pub fn store_password(kind: AccountKind, account: &str, password: String) -> Result<KeyChange, String> {
    store(account, "password", password, password_test_entry(kind, account))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_that_is_not_a_secret_is_stored_and_no_error_shows_it() {
        for (owner, secret) in [("", "sk-abc"), ("big", ""), ("big", "  "), ("big", "sk-a\nb")] {
            let e = store_key(owner, secret.to_string()).unwrap_err();
            assert!(secret.trim().is_empty() || !e.contains(secret.trim()), "{e}");
            let e = store_password(AccountKind::Mail, owner, secret.to_string()).unwrap_err();
            assert!(secret.trim().is_empty() || !e.contains(secret.trim()), "{e}");
        }
        let long = "k".repeat(MAX_SECRET_BYTES + 1);
        assert!(!store_key("big", long.clone()).unwrap_err().contains(&long));
    }
}
