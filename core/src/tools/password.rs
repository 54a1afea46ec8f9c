//! An account's password, read from where the config names it, when it is needed (so a
//! password changed in the keyring or the environment's file is used without a restart), and
//! held as a [`Secret`] from the moment it is read.

use crate::config::PasswordSource;
use crate::secret::Secret;

use super::ToolError;

pub use crate::secret_store::KEYRING_SERVICE;

/// [`read`] for async code: on a blocking thread. The keyring's calls block on a runtime of
/// their own, which panics on a thread that drives tasks (and poisons the keyring crate's
/// lock for every later call), so async code never reads a password in place.
pub async fn read_async(source: &PasswordSource) -> Result<Secret, ToolError> {
    let source = source.clone();
    tokio::task::spawn_blocking(move || read(&source))
        .await
        .map_err(|e| ToolError::NoPassword(format!("the password could not be read ({e})")))?
}

/// The password of an account, or why it cannot be had. Blocks: see [`read_async`].
pub fn read(source: &PasswordSource) -> Result<Secret, ToolError> {
    let missing = ToolError::NoPassword;
    match source {
        PasswordSource::Env(var) => match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Secret::new(v.trim_end_matches(['\r', '\n']))),
            _ => Err(missing(format!("environment variable `{var}` is not set"))),
        },
        PasswordSource::File(path) => {
            let text = crate::config::read_secret_file(path).map_err(missing)?;
            let pw = text.trim_end_matches(['\r', '\n']);
            if pw.is_empty() {
                return Err(missing(format!("{} is empty", path.display())));
            }
            Ok(Secret::new(pw))
        }
        PasswordSource::Keyring(entry) => super::keyring::get(entry).map_err(|e| missing(e.to_string())),
    }
}
