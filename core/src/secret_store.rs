//! Passwords in the desktop keyring (Secret Service: GNOME Keyring, KWallet), under the
//! service `switchboard` and the entry's name. These calls block (D-Bus): async callers run
//! them on a blocking thread. Called from a thread that drives tokio tasks anyway (a config
//! loaded in async code), they run on a thread of their own: the keyring's D-Bus crate, built
//! for tokio in the tray app (ksni), blocks on a runtime of its own, which panics on such a
//! thread and poisons the keyring crate's lock for every later call.

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

/// `f` where a keyring call may block: here, or on a new thread when this one drives tasks.
fn off_runtime<T: Send>(f: impl FnOnce() -> Result<T, KeyringError> + Send) -> Result<T, KeyringError> {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| s.spawn(f).join())
        .unwrap_or_else(|_| Err(KeyringError::Unavailable("the keyring call failed".into())))
}

fn entry(name: &str) -> Result<keyring::Entry, KeyringError> {
    keyring::Entry::new(KEYRING_SERVICE, name).map_err(|e| KeyringError::Unavailable(e.to_string()))
}

/// The password stored under `name`.
pub fn get(name: &str) -> Result<Secret, KeyringError> {
    off_runtime(|| match entry(name)?.get_password() {
        Ok(p) => Ok(Secret::new(p)),
        Err(keyring::Error::NoEntry) => Err(KeyringError::NoEntry(name.to_string())),
        Err(e) => Err(KeyringError::Unavailable(e.to_string())),
    })
}

/// Stores `secret` under `name` (replacing what was there).
pub fn set(name: &str, secret: &Secret) -> Result<(), KeyringError> {
    off_runtime(|| entry(name)?.set_password(secret.expose()).map_err(|e| KeyringError::Unavailable(e.to_string())))
}

/// Removes the entry `name`; true when there was one.
pub fn delete(name: &str) -> Result<bool, KeyringError> {
    off_runtime(|| match entry(name)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(KeyringError::Unavailable(e.to_string())),
    })
}
