//! API keys typed in the settings view, stored in the desktop keyring (Secret Service) from
//! the window's own process: the engine is told only the entry's name, so a key never crosses
//! the socket, and never reaches a log or an error message.

use switchboard_model::{api_key_entry, api_key_test_entry, KeyChange, KEYRING_SERVICE};

/// The longest key taken (real keys are a few hundred bytes).
const MAX_KEY_BYTES: usize = 4096;

/// Stores `key` as backend `backend`'s API key (`for_test`: in the entry a Test uses, leaving
/// the saved backend's key alone); the change the backend's form then carries.
pub fn store(backend: &str, key: String, for_test: bool) -> Result<KeyChange, String> {
    let key = key.trim();
    if backend.trim().is_empty() {
        return Err("name the backend before giving its key".into());
    }
    if key.is_empty() || key.len() > MAX_KEY_BYTES || key.chars().any(char::is_control) {
        return Err("that is not an API key (empty, too long, or with control characters)".into());
    }
    let entry = if for_test { api_key_test_entry(backend) } else { api_key_entry(backend) };
    // The keyring's errors name the service and entry, never the password.
    keyring::Entry::new(KEYRING_SERVICE, &entry)
        .and_then(|e| e.set_password(key))
        .map_err(|e| format!("the desktop keyring could not store the key ({e})"))?;
    if !for_test {
        // Saved: a Test's copy is not kept.
        if let Ok(e) = keyring::Entry::new(KEYRING_SERVICE, &api_key_test_entry(backend)) {
            let _ = e.delete_credential();
        }
    }
    Ok(KeyChange::Keyring { entry })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_that_is_not_a_key_is_stored_and_no_error_shows_the_key() {
        for (backend, key) in [("", "sk-abc"), ("big", ""), ("big", "  "), ("big", "sk-a\nb")] {
            let e = store(backend, key.to_string(), true).unwrap_err();
            assert!(key.trim().is_empty() || !e.contains(key.trim()), "{e}");
        }
        let long = "k".repeat(MAX_KEY_BYTES + 1);
        assert!(!store("big", long.clone(), false).unwrap_err().contains(&long));
    }
}
