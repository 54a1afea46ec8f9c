//! Passwords in the desktop keyring (Secret Service: GNOME Keyring, KWallet), under the
//! service `switchboard` and the entry's name. These calls block (D-Bus): async callers run
//! them on a blocking thread.

use crate::secret::Secret;

pub use switchboard_model::KEYRING_SERVICE;

/// Why the keyring could not be used; never holds the secret.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error("no keyring entry `{0}` (store one with `switchboard-cli secret set {0}`)")]
    NoEntry(String),
    #[error("the desktop keyring is not available ({0})")]
    Unavailable(String),
}

fn entry(name: &str) -> Result<keyring::Entry, KeyringError> {
    keyring::Entry::new(KEYRING_SERVICE, name).map_err(|e| KeyringError::Unavailable(e.to_string()))
}

/// The password stored under `name`.
pub fn get(name: &str) -> Result<Secret, KeyringError> {
    match entry(name)?.get_password() {
        Ok(p) => Ok(Secret::new(p)),
        Err(keyring::Error::NoEntry) => Err(KeyringError::NoEntry(name.to_string())),
        Err(e) => Err(KeyringError::Unavailable(e.to_string())),
    }
}

/// Stores `secret` under `name` (replacing what was there).
pub fn set(name: &str, secret: &Secret) -> Result<(), KeyringError> {
    entry(name)?.set_password(secret.expose()).map_err(|e| KeyringError::Unavailable(e.to_string()))
}

/// Removes the entry `name`; true when there was one.
pub fn delete(name: &str) -> Result<bool, KeyringError> {
    match entry(name)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(KeyringError::Unavailable(e.to_string())),
    }
}
