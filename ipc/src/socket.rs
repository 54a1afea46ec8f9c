//! Where the socket is, whether an engine answers there, and the one blocking client: a second
//! `switchboard` asking the running one to show its window.

use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::{Call, Push, Request, View};

/// The socket: `$XDG_RUNTIME_DIR/switchboard.sock`, else a 0700 directory of this user's in
/// the temp dir (refused if someone else owns it).
pub fn socket_path() -> io::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join("switchboard.sock"));
    }
    let uid = std::fs::metadata("/proc/self")?.uid();
    let dir = std::env::temp_dir().join(format!("switchboard-{uid}"));
    match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let meta = std::fs::symlink_metadata(&dir)?;
    if !meta.is_dir() || meta.uid() != uid || meta.permissions().mode() & 0o077 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{} is not a private directory of this user", dir.display()),
        ));
    }
    Ok(dir.join("switchboard.sock"))
}

/// Whether an engine answers at `path`: the socket of a running Switchboard.
pub fn engine_running(path: &Path) -> bool {
    std::os::unix::net::UnixStream::connect(path).is_ok()
}

/// Asks the running engine at `path` to show the window on `view` (a second `switchboard`).
pub fn ask_to_open(path: &Path, view: View) -> io::Result<()> {
    use std::io::{BufRead, Write};
    let mut stream = std::os::unix::net::UnixStream::connect(path)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
    let mut line = serde_json::to_vec(&Request { id: 0, call: Call::Open { view } }).map_err(io::Error::other)?;
    line.push(b'\n');
    stream.write_all(&line)?;
    // Wait for the answer: the request was handled, not just written.
    let mut reader = std::io::BufReader::new(stream);
    loop {
        let mut answer = String::new();
        if reader.read_line(&mut answer)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "Switchboard closed the connection"));
        }
        if let Ok(Push::Reply { id: 0, result }) = serde_json::from_str(&answer) {
            return result.map(drop).map_err(io::Error::other);
        }
    }
}
