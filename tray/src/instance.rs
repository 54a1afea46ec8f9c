//! One Switchboard per user: the first thing the tray app does is take a lock on
//! `switchboard.lock` in the runtime directory, held for its life. A second `switchboard`
//! that cannot take it (the first may still be starting: first run's discovery takes seconds)
//! waits for the first one's socket to answer, asks it to show its window, and ends. Only the
//! lock's holder binds, and at exit removes, the socket.

use std::fs::File;
use std::io;
use std::path::Path;
use std::time::Duration;

/// How often a waiting second instance tries the socket.
const TRY_EVERY: Duration = Duration::from_millis(100);

/// Held for the life of the one running Switchboard.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
}

/// Takes the instance lock in `dir`; `None` when another Switchboard holds it.
pub fn take(dir: &Path) -> io::Result<Option<InstanceLock>> {
    let file = switchboard_core::private::open_file(&dir.join("switchboard.lock"), false)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(InstanceLock { _file: file })),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Waits until the running Switchboard's socket answers (it may still be starting), up to
/// `within`; false if it never did.
pub fn wait_for_engine(socket: &Path, within: Duration) -> bool {
    // Counted tries, not a clock: this runs before any runtime (and a connect to a socket
    // that does not answer fails at once).
    let tries = within.as_millis() / TRY_EVERY.as_millis();
    for _ in 0..tries {
        if switchboard_ipc::engine_running(socket) {
            return true;
        }
        std::thread::sleep(TRY_EVERY);
    }
    switchboard_ipc::engine_running(socket)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_taker_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = take(dir.path()).unwrap();
        assert!(first.is_some());
        assert!(take(dir.path()).unwrap().is_none(), "a second open of the lock file is refused");
        drop(first);
        assert!(take(dir.path()).unwrap().is_some());
    }
}
