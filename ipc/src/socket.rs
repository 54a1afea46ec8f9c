//! Where the socket is, who may be at its other end, and the one blocking client: a second
//! `switchboard` asking the running one to show its window.
//!
//! The socket lives in a private directory of this user's (`$XDG_RUNTIME_DIR` when it is one:
//! absolute, a real directory, this user's, no access for others; else `switchboard-UID` in
//! the temp dir, made 0700). So it is private from the moment it is bound: nobody else can
//! reach its name, whatever its own mode. Both ends also check the other's uid
//! (`SO_PEERCRED` at the engine; the socket's owner at the blocking client, the peer's
//! credentials at the window).

use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::{Call, Push, Request, View};

/// This process's uid (the owner of `/proc/self`), without unsafe code.
pub fn my_uid() -> io::Result<u32> {
    Ok(std::fs::metadata("/proc/self")?.uid())
}

/// Whether `dir` is a real directory (not a symlink) owned by `uid`, with no access for
/// group or others; the reason when not.
fn private_dir(dir: &Path, uid: u32) -> Result<(), String> {
    let meta = std::fs::symlink_metadata(dir).map_err(|e| e.to_string())?;
    if !meta.is_dir() {
        return Err("not a directory".into());
    }
    if meta.uid() != uid {
        return Err(format!("owned by uid {}, not {uid}", meta.uid()));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(format!("mode {:o}: others have access", meta.permissions().mode() & 0o777));
    }
    Ok(())
}

/// The directory for the socket and the instance lock: `$XDG_RUNTIME_DIR` if it is a private
/// directory of this user's, else a 0700 directory of this user's in the temp dir (refused if
/// it is not private).
pub fn runtime_dir() -> io::Result<PathBuf> {
    let uid = my_uid()?;
    if let Some(dir) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()).map(PathBuf::from) {
        match (dir.is_absolute(), private_dir(&dir, uid)) {
            (true, Ok(())) => return Ok(dir),
            (false, _) => eprintln!("warning: XDG_RUNTIME_DIR ({}) is not an absolute path; not used", dir.display()),
            (true, Err(why)) => eprintln!("warning: XDG_RUNTIME_DIR ({}) is {why}; not used", dir.display()),
        }
    }
    let dir = std::env::temp_dir().join(format!("switchboard-{uid}"));
    match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    private_dir(&dir, uid).map_err(|why| {
        io::Error::new(io::ErrorKind::PermissionDenied, format!("{} is {why}: not a private directory", dir.display()))
    })?;
    Ok(dir)
}

/// The socket: `switchboard.sock` in [`runtime_dir`].
pub fn socket_path() -> io::Result<PathBuf> {
    Ok(runtime_dir()?.join("switchboard.sock"))
}

/// Refuses a peer of another uid.
pub fn check_peer(uid: u32) -> io::Result<()> {
    let mine = my_uid()?;
    if uid != mine {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("the other end of the socket is uid {uid}, not this user ({mine})"),
        ));
    }
    Ok(())
}

/// Whether an engine answers at `path`: the socket of a running Switchboard.
pub fn engine_running(path: &Path) -> bool {
    std::os::unix::net::UnixStream::connect(path).is_ok()
}

/// Asks the running engine at `path` to show the window on `view` (a second `switchboard`).
/// The socket must be this user's.
pub fn ask_to_open(path: &Path, view: View) -> io::Result<()> {
    use std::io::{BufRead, Read, Write};
    check_peer(std::fs::symlink_metadata(path)?.uid())?;
    let mut stream = std::os::unix::net::UnixStream::connect(path)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(std::time::Duration::from_secs(5)))?;
    let mut line = serde_json::to_vec(&Request { id: 0, call: Call::Open { view } }).map_err(io::Error::other)?;
    line.push(b'\n');
    stream.write_all(&line)?;
    // Wait for the answer: the request was handled, not just written. Bounded, like every
    // line read from the socket.
    let mut reader = std::io::BufReader::new(stream.take(crate::MAX_PUSH_LINE as u64 * 4));
    loop {
        let mut answer = Vec::new();
        if reader.read_until(b'\n', &mut answer)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "Switchboard closed the connection"));
        }
        if let Ok(Push::Reply { id: 0, result }) = serde_json::from_slice(&answer) {
            return result.map(drop).map_err(io::Error::other);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_runtime_dir_others_can_enter_is_not_used() {
        let uid = my_uid().unwrap();
        let dir = tempfile_dir();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(private_dir(&dir, uid), Ok(()));
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(private_dir(&dir, uid).unwrap_err().contains("others"));
        assert!(private_dir(&dir, uid.wrapping_add(1)).unwrap_err().contains("owned by"));
        let link = dir.with_extension("link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        assert!(private_dir(&link, uid).unwrap_err().contains("not a directory"), "a symlink is not followed");
        std::fs::remove_file(&link).unwrap();
        std::fs::remove_dir(&dir).unwrap();
        assert!(check_peer(uid).is_ok());
        assert_eq!(check_peer(uid.wrapping_add(1)).unwrap_err().kind(), io::ErrorKind::PermissionDenied);
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sb-ipc-test-{}", std::process::id()));
        let _fresh = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        dir
    }
}
