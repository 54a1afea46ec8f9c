//! An account's password, read from where the config names it, when it is needed (so a
//! password changed in the keyring or the environment's file is used without a restart), and
//! held as a [`Secret`] from the moment it is read.

use std::io::Read;

use crate::config::PasswordSource;
use crate::secret::Secret;

use super::ToolError;

/// Largest password file read.
const MAX_PASSWORD_FILE: u64 = 64 * 1024;

/// The keyring's service name for Switchboard's entries.
pub const KEYRING_SERVICE: &str = "switchboard";

/// The password of an account, or why it cannot be had.
pub fn read(source: &PasswordSource) -> Result<Secret, ToolError> {
    let missing = ToolError::NoPassword;
    match source {
        PasswordSource::Env(var) => match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Secret::new(v.trim_end_matches(['\r', '\n']))),
            _ => Err(missing(format!("environment variable `{var}` is not set"))),
        },
        PasswordSource::File(path) => {
            let shown = path.display();
            let file = std::fs::File::open(path).map_err(|e| missing(format!("cannot read {shown}: {e}")))?;
            let mut text = String::new();
            file.take(MAX_PASSWORD_FILE)
                .read_to_string(&mut text)
                .map_err(|e| missing(format!("cannot read {shown}: {e}")))?;
            let pw = text.trim_end_matches(['\r', '\n']);
            if pw.is_empty() {
                return Err(missing(format!("{shown} is empty")));
            }
            Ok(Secret::new(pw))
        }
        PasswordSource::Keyring(entry) => super::keyring::get(entry).map_err(|e| missing(e.to_string())),
    }
}
