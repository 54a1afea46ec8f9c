//! Local calendars: a vdir folder (one `.ics` per event, the layout khal and vdirsyncer use;
//! writable) or a list of `.ics` files (read only). Files are read on a blocking thread,
//! bounded in number and size.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use futures_util::future::BoxFuture;
use futures_util::FutureExt;

use super::ics::{Range, MAX_ICS_BYTES};
use super::CalendarProvider;
use crate::tools::ToolError;

/// The most files one folder contributes.
const MAX_FILES: usize = 20_000;
/// The largest read-only `.ics` file read (a whole exported calendar).
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

pub(super) struct Vdir {
    name: String,
    /// The folder, when it is one.
    dir: Option<PathBuf>,
    files: Vec<PathBuf>,
}

impl Vdir {
    pub(super) fn folder(name: &str, dir: &Path) -> Vdir {
        Vdir { name: name.to_string(), dir: Some(dir.to_path_buf()), files: Vec::new() }
    }

    pub(super) fn files(name: &str, files: &[PathBuf]) -> Vdir {
        Vdir { name: name.to_string(), dir: None, files: files.to_vec() }
    }
}

fn read_bounded(path: &Path, limit: u64) -> Result<String, ToolError> {
    let file = std::fs::File::open(path).map_err(|e| ToolError::Io(format!("{}: {e}", path.display())))?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| ToolError::Io(format!("{}: {e}", path.display())))?;
    if bytes.len() as u64 > limit {
        return Err(ToolError::Io(format!("{}: larger than {} KiB", path.display(), limit / 1024)));
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The `.ics` files of a folder (a folder that does not exist yet is an empty calendar).
fn folder_files(dir: &Path) -> Result<Vec<PathBuf>, ToolError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(ToolError::Io(format!("{}: {e}", dir.display()))),
    };
    Ok(entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("ics")) && p.is_file())
        .take(MAX_FILES)
        .collect())
}

impl CalendarProvider for Vdir {
    fn name(&self) -> &str {
        &self.name
    }

    fn writable(&self) -> bool {
        self.dir.is_some()
    }

    fn resources<'a>(&'a self, _range: &'a Range) -> BoxFuture<'a, Result<Vec<String>, ToolError>> {
        let dir = self.dir.clone();
        let files = self.files.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                match dir {
                    Some(d) => {
                        let mut out = Vec::new();
                        for p in folder_files(&d)? {
                            // One unreadable event is skipped, not the whole calendar.
                            match read_bounded(&p, MAX_ICS_BYTES as u64) {
                                Ok(t) => out.push(t),
                                Err(e) => tracing::debug!("{e}"),
                            }
                        }
                        Ok(out)
                    }
                    None => files.iter().map(|f| read_bounded(f, MAX_FILE_BYTES)).collect(),
                }
            })
            .await
            .map_err(|e| ToolError::Io(e.to_string()))?
        }
        .boxed()
    }

    fn create<'a>(&'a self, uid: &'a str, ics: &'a str) -> BoxFuture<'a, Result<(), ToolError>> {
        let dir = self.dir.clone();
        let (uid, ics) = (uid.to_string(), ics.to_string());
        async move {
            let Some(dir) = dir else { return Err(ToolError::ReadOnly(self.name.clone())) };
            tokio::task::spawn_blocking(move || write_new(&dir, &uid, &ics))
                .await
                .map_err(|e| ToolError::Io(e.to_string()))?
        }
        .boxed()
    }

    fn probe(&self) -> BoxFuture<'_, Result<(), ToolError>> {
        let dir = self.dir.clone();
        let files = self.files.clone();
        async move {
            match dir {
                Some(d) if d.exists() && !d.is_dir() => Err(ToolError::Io(format!("{} is not a folder", d.display()))),
                Some(_) => Ok(()),
                None => match files.iter().find(|f| !f.is_file()) {
                    Some(f) => Err(ToolError::Io(format!("{}: no such file", f.display()))),
                    None => Ok(()),
                },
            }
        }
        .boxed()
    }
}

/// Writes `<uid>.ics` into `dir`, atomically and never over an existing file: the text goes to
/// a temporary file first, which is then linked under its name (a link fails if the name is
/// taken).
fn write_new(dir: &Path, uid: &str, ics: &str) -> Result<(), ToolError> {
    let io = |e: std::io::Error| ToolError::Io(format!("{}: {e}", dir.display()));
    // A UID is ours (uuid@switchboard); anything else is kept out of the path all the same.
    let stem: String =
        uid.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '@' | '.' | '_')).collect();
    if stem.is_empty() || stem.starts_with('.') {
        return Err(ToolError::Io("an event id that cannot be a file name".into()));
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    let tmp = dir.join(format!(".{stem}.tmp"));
    let target = dir.join(format!("{stem}.ics"));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(ics.as_bytes())?;
        f.sync_all()?;
        std::fs::hard_link(&tmp, &target)
    })();
    let _already_gone = std::fs::remove_file(&tmp);
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(ToolError::Exists),
        Err(e) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_event_never_replaces_one() {
        let dir = tempfile::tempdir().unwrap();
        write_new(dir.path(), "a@switchboard", "one").unwrap();
        assert!(matches!(write_new(dir.path(), "a@switchboard", "two"), Err(ToolError::Exists)));
        assert_eq!(std::fs::read_to_string(dir.path().join("a@switchboard.ics")).unwrap(), "one");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
        assert!(write_new(dir.path(), "../", "x").is_err());
        assert_eq!(folder_files(&dir.path().join("missing")).unwrap().len(), 0);
    }
}
