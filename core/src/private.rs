//! The user's files are the user's alone: every folder Switchboard makes for them (config,
//! chat history, logs, pid and lock files) is 0700, every file 0600, from the moment it
//! exists (created with that mode, not chmod-ed after); an existing one that others can read
//! is tightened when it is opened.

use std::fs::{DirBuilder, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

const DIR_MODE: u32 = 0o700;
const FILE_MODE: u32 = 0o600;

/// Creates `dir` and its missing parents, each new one 0700. An existing `dir` is made 0700
/// (if others can enter it) only when it is one of ours, a folder named `switchboard`: a
/// folder the user named (`/tmp`, their home, the folder of a config they keep elsewhere) is
/// never changed.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    let existed = dir.is_dir();
    DirBuilder::new().recursive(true).mode(DIR_MODE).create(dir)?;
    if !existed || dir.file_name().is_some_and(|n| n == "switchboard") {
        tighten(dir, DIR_MODE)?;
    }
    Ok(())
}

/// Removes group and other access from `path` (a file or folder of ours) if it has any.
pub fn tighten(path: &Path, mode: u32) -> io::Result<()> {
    let now = std::fs::metadata(path)?.permissions().mode();
    if now & 0o077 != 0 {
        std::fs::set_permissions(path, Permissions::from_mode(now & 0o7700 & !0o077 | (mode & 0o700)))?;
    }
    Ok(())
}

/// Opens `path` for writing (created 0600 if missing, truncated when `truncate`), in a
/// private folder.
pub fn open_file(path: &Path, truncate: bool) -> io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_dir(dir)?;
    }
    let file = OpenOptions::new().create(true).write(true).truncate(truncate).mode(FILE_MODE).open(path)?;
    tighten(path, FILE_MODE)?;
    Ok(file)
}

/// Writes `bytes` to `path` (replacing it), 0600 in a private folder.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    open_file(path, true)?.write_all(bytes)
}

/// Writes `bytes` to `path` through a temporary file beside it and a rename: readers see the
/// old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    let tmp = std::path::PathBuf::from(tmp);
    {
        let mut f = open_file(&tmp, true)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn files_and_folders_are_private_from_the_start() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("a/b/c.txt");
        write(&file, b"x").unwrap();
        assert_eq!(mode(&root.path().join("a")), 0o700);
        assert_eq!(mode(&root.path().join("a/b")), 0o700);
        assert_eq!(mode(&file), 0o600);
        // An old, world-readable one is tightened.
        std::fs::set_permissions(&file, Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(root.path().join("a/b"), Permissions::from_mode(0o755)).unwrap();
        write_atomic(&file, b"y").unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::read(&file).unwrap(), b"y");
        // A folder the user named (a config kept in their project, an index in /tmp) is never
        // changed; one of ours (named switchboard) is tightened.
        assert_eq!(mode(&root.path().join("a/b")), 0o755);
        let ours = root.path().join("data/switchboard");
        create_dir(&ours).unwrap();
        std::fs::set_permissions(&ours, Permissions::from_mode(0o755)).unwrap();
        create_dir(&ours).unwrap();
        assert_eq!(mode(&ours), 0o700);
        let shared = root.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, Permissions::from_mode(0o1777)).unwrap();
        write(&shared.join("index.sqlite3"), b"x").unwrap();
        assert_eq!(std::fs::metadata(&shared).unwrap().permissions().mode() & 0o7777, 0o1777);
    }
}
