//! Where the config file is, and the cache folder.

use std::path::{Path, PathBuf};

use super::ConfigError;

/// Environment variable that overrides the config file's location.
pub const CONFIG_ENV: &str = "SWITCHBOARD_CONFIG";

/// The default location: `$XDG_CONFIG_HOME/switchboard/config.toml`.
pub fn default_path() -> Result<PathBuf, ConfigError> {
    directories::ProjectDirs::from("", "", "switchboard")
        .map(|d| d.config_dir().join("config.toml"))
        .ok_or(ConfigError::NoConfigDir)
}

/// Switchboard's cache folder: `$SWITCHBOARD_CACHE`, else `~/.cache/switchboard`
/// (`$XDG_CACHE_HOME/switchboard`); none when neither can be found.
pub fn cache_dir() -> Option<PathBuf> {
    match std::env::var_os("SWITCHBOARD_CACHE") {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => Some(directories::ProjectDirs::from("", "", "switchboard")?.cache_dir().to_path_buf()),
    }
}

/// The path to use: `explicit` (from `--config`), else `$SWITCHBOARD_CONFIG`, else the default.
pub fn resolve_path(explicit: Option<&Path>) -> Result<PathBuf, ConfigError> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    match std::env::var_os(CONFIG_ENV) {
        Some(p) if !p.is_empty() => Ok(PathBuf::from(p)),
        _ => default_path(),
    }
}
