//! Following the configuration file: a notification each time it may have changed. The
//! folder is watched, not the file, because editors save by writing a new file and renaming
//! it over the old one (the old file's watch would see nothing more).

use std::path::{Path, PathBuf};

use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::mpsc;

/// Keeps the watch alive; dropping it stops the notifications.
pub struct FileWatch {
    _watcher: notify::RecommendedWatcher,
}

/// Sends `()` on the receiver each time something was written, created, renamed or removed at
/// `path` (several times for one save: debounce on the receiving side).
pub fn watch_file(path: &Path) -> Result<(FileWatch, mpsc::UnboundedReceiver<()>), notify::Error> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
    let name = path.file_name().map(|n| n.to_os_string());
    let (tx, rx) = mpsc::unbounded_channel();
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        let Ok(ev) = ev else { return };
        if matches!(ev.kind, EventKind::Access(_)) {
            return;
        }
        let ours = |p: &PathBuf| p.file_name().map(|n| n.to_os_string()) == name;
        if ev.paths.iter().any(ours) {
            let _receiver_gone = tx.send(());
        }
    })?;
    watcher.watch(&dir, RecursiveMode::NonRecursive)?;
    Ok((FileWatch { _watcher: watcher }, rx))
}

/// How long the file must be quiet before it is read (an editor's save is several events).
const FILE_QUIET: std::time::Duration = std::time::Duration::from_millis(300);

/// Follows the configuration file at `path` until the receiver is dropped: each save, once
/// the file has been quiet for a moment, is read and sent, loaded or with its error. Must be
/// called inside a tokio runtime.
pub fn follow(
    path: &Path,
) -> Result<mpsc::UnboundedReceiver<Result<super::Config, super::ConfigError>>, notify::Error> {
    let (watch, mut changed) = watch_file(path)?;
    let (tx, rx) = mpsc::unbounded_channel();
    let path = path.to_path_buf();
    tokio::spawn(async move {
        let _watch = watch;
        while changed.recv().await.is_some() {
            loop {
                tokio::select! {
                    () = tokio::time::sleep(FILE_QUIET) => break,
                    got = changed.recv() => if got.is_none() { return },
                }
            }
            // On a blocking thread: a keyring entry the file names is read (see
            // `tools::password::read_async`).
            let p = path.clone();
            let Ok(loaded) = tokio::task::spawn_blocking(move || super::Config::load(&p)).await else { return };
            if tx.send(loaded).is_err() {
                return;
            }
        }
    });
    Ok(rx)
}
