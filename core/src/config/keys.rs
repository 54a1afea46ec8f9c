//! API keys: from an environment variable or a key file (relative to the config file), never
//! from the config itself, and held as [`Secret`]s from the moment they are read.

use std::path::Path;

use crate::secret::Secret;

/// The key of backend `name` (`env` / `file`: its `api_key_env` / `api_key_file`); on error,
/// the config key at fault and what is wrong.
pub(super) fn read(
    env: Option<&str>,
    file: Option<&str>,
    config_path: &Path,
    name: &str,
) -> Result<Option<Secret>, (&'static str, String)> {
    match (env, file) {
        (Some(_), Some(_)) => Err(("api_key_env", "give api_key_env or api_key_file, not both".into())),
        (Some(var), None) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(Some(Secret::new(v.trim()))),
            _ => Err((
                "api_key_env",
                format!("environment variable `{var}` (api_key_env of backend `{name}`) is not set"),
            )),
        },
        (None, Some(file)) => {
            let file_path = config_path.parent().unwrap_or(Path::new(".")).join(file);
            match std::fs::read_to_string(&file_path) {
                Ok(v) if !v.trim().is_empty() => Ok(Some(Secret::new(v.trim()))),
                Ok(_) => Err(("api_key_file", format!("key file {} is empty", file_path.display()))),
                Err(e) => Err(("api_key_file", format!("cannot read key file {}: {e}", file_path.display()))),
            }
        }
        (None, None) => Ok(None),
    }
}
