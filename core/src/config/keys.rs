//! API keys: from an environment variable, a key file (relative to the config file) or the
//! desktop keyring, never from the config itself, and held as [`Secret`]s from the moment
//! they are read.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::secret::Secret;

/// Largest key file read (a key is a few hundred bytes at most).
const MAX_KEY_FILE: u64 = 64 * 1024;

/// The text of a file holding a secret (an API key, a password): a regular file of at most
/// 64 KiB (a warning when others can read it); on error, what is wrong, naming the file.
pub(crate) fn read_secret_file(path: &Path) -> Result<String, String> {
    let shown = path.display();
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => return Err(format!("key file {shown} is not a regular file")),
        Ok(m) if m.len() > MAX_KEY_FILE => {
            return Err(format!("key file {shown} is larger than {} KiB", MAX_KEY_FILE / 1024))
        }
        Ok(m) if m.permissions().mode() & 0o077 != 0 => {
            tracing::warn!("key file {shown} can be read by other users: chmod 600 it")
        }
        _ => {}
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read key file {shown}: {e}"))
}

/// Where a backend's key is: its `api_key_env`, `api_key_file` and `api_key_keyring`.
pub(super) struct KeySource<'a> {
    pub env: Option<&'a str>,
    pub file: Option<&'a str>,
    pub keyring: Option<&'a str>,
}

/// The key of backend `name`; on error, the config key at fault and what is wrong.
pub(super) fn read(
    src: KeySource<'_>,
    config_path: &Path,
    name: &str,
) -> Result<Option<Secret>, (&'static str, String)> {
    let given = [src.env, src.file, src.keyring].iter().filter(|s| s.is_some()).count();
    if given > 1 {
        let first = if src.env.is_some() { "api_key_env" } else { "api_key_file" };
        return Err((first, "give one of api_key_env, api_key_file and api_key_keyring".into()));
    }
    if let Some(entry) = src.keyring {
        // A keyring that is not there yet (a login that starts us before it unlocks) or an
        // entry gone: the backend runs without a key (its server will say 401) and the log
        // says why, naming the entry, never a key; the rest of the config is not refused.
        return match crate::secret_store::get(entry) {
            Ok(key) if !key.expose().trim().is_empty() => Ok(Some(Secret::new(key.expose().trim()))),
            Ok(_) => {
                tracing::warn!("backend `{name}`: keyring entry `{entry}` is empty; no API key");
                Ok(None)
            }
            Err(e) => {
                tracing::warn!("backend `{name}`: {e}; no API key");
                Ok(None)
            }
        };
    }
    match (src.env, src.file) {
        (Some(var), _) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(Some(Secret::new(v.trim()))),
            _ => Err((
                "api_key_env",
                format!("environment variable `{var}` (api_key_env of backend `{name}`) is not set"),
            )),
        },
        (None, Some(file)) => {
            let file_path = config_path.parent().unwrap_or(Path::new(".")).join(file);
            match read_secret_file(&file_path) {
                Ok(v) if !v.trim().is_empty() => Ok(Some(Secret::new(v.trim()))),
                Ok(_) => Err(("api_key_file", format!("key file {} is empty", file_path.display()))),
                Err(e) => Err(("api_key_file", e)),
            }
        }
        (None, None) => Ok(None),
    }
}
