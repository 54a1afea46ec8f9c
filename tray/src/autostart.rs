//! Start at login: an XDG autostart entry (`$XDG_CONFIG_HOME/autostart/switchboard.desktop`)
//! that starts this program with `--hidden` (the tray only). Written and removed by the
//! settings view's toggle and the tray menu's check item; present means on, unless the user's
//! desktop marked it `Hidden=true` (its own way of turning an entry off).

use std::io;
use std::path::{Path, PathBuf};

/// The entry's file name (the desktop file id).
const FILE: &str = "switchboard.desktop";

/// The entry's path under `config_home` (`$XDG_CONFIG_HOME`, else `~/.config`).
pub fn path_in(config_home: &Path) -> PathBuf {
    config_home.join("autostart").join(FILE)
}

/// The user's entry, when a config home can be found.
pub fn path() -> Option<PathBuf> {
    let home = match std::env::var_os("XDG_CONFIG_HOME") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => directories::BaseDirs::new()?.config_dir().to_path_buf(),
    };
    Some(path_in(&home))
}

/// Whether the entry at `path` starts Switchboard at login.
pub fn enabled_at(path: &Path) -> bool {
    match std::fs::read_to_string(path) {
        Ok(text) => !text.lines().any(|l| l.trim().eq_ignore_ascii_case("Hidden=true")),
        Err(_) => false,
    }
}

/// Whether Switchboard starts at login.
pub fn enabled() -> bool {
    path().is_some_and(|p| enabled_at(&p))
}

/// The entry that starts `program` hidden at login.
pub fn entry(program: &Path) -> String {
    // The Exec key's quoting (Desktop Entry Specification): a path with spaces or quotes is
    // double-quoted, with `"`, `` ` ``, `$` and `\` escaped.
    let p = program.display().to_string();
    let plain = p.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c));
    let exec = if plain {
        p
    } else {
        let escaped: String =
            p.chars().flat_map(|c| if "\"`$\\".contains(c) { vec!['\\', c] } else { vec![c] }).collect();
        format!("\"{escaped}\"")
    };
    format!(
        "[Desktop Entry]\nType=Application\nName=Switchboard\nComment=Self-hosted LLM servers: load in the tray, chat routed\n\
         Exec={exec} --hidden\nIcon=org.switchboard.desktop\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
    )
}

/// Writes (`on`) or removes the entry at `path` for `program`.
pub fn set_at(path: &Path, program: &Path, on: bool) -> io::Result<()> {
    if on {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("desktop.tmp");
        std::fs::write(&tmp, entry(program))?;
        std::fs::rename(&tmp, path)
    } else {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Starts (or no longer starts) this program at login.
pub fn set(on: bool) -> io::Result<()> {
    let path = path().ok_or_else(|| io::Error::other("no config directory (is $HOME set?)"))?;
    set_at(&path, &std::env::current_exe()?, on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_writes_an_entry_that_starts_hidden_and_off_removes_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        assert!(!enabled_at(&path));
        set_at(&path, Path::new("/usr/bin/switchboard"), true).unwrap();
        assert!(enabled_at(&path));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("Exec=/usr/bin/switchboard --hidden\n"), "{text}");
        set_at(&path, Path::new("/usr/bin/switchboard"), false).unwrap();
        assert!(!path.exists());
        set_at(&path, Path::new("/usr/bin/switchboard"), false).unwrap();
    }

    #[test]
    fn a_path_with_spaces_is_quoted_and_hidden_true_is_off() {
        assert!(entry(Path::new("/opt/my apps/switch$board")).contains("Exec=\"/opt/my apps/switch\\$board\" --hidden"));
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "[Desktop Entry]\nHidden=true\n").unwrap();
        assert!(!enabled_at(&path));
    }
}
