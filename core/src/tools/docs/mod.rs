//! The document tool: the folders named in `[documents]` indexed for full-text search (SQLite
//! FTS5, Korean as two-character pieces: see `index`), kept up to date by a file watcher: a
//! changed, added or removed file is searchable (or gone) within seconds, without a rescan.
//!
//! - this file: [`Documents`]: the first index (with progress), search, read, the watcher;
//! - `index`: the FTS5 index; `extract`: text from text, Markdown, HTML and PDF files.

mod extract;
pub mod index;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::config::DocumentsSettings;
use crate::model::{DocRow, DocView};
use index::{Index, IndexError, Row};

use super::ToolError;

/// The most documents one search lists.
pub const MAX_RESULTS: usize = 10;
/// The most characters of a document `read` returns.
pub const MAX_READ_CHARS: usize = 20_000;
/// The most files indexed.
const MAX_FILES: usize = 200_000;
/// Files are written to the index this many at a time (one transaction each).
const BATCH: usize = 200;
/// How long the watcher waits for a burst of changes to end before indexing them.
const SETTLE: Duration = Duration::from_millis(300);

/// The words of a document's name that say only what kind of file it is, or which one.
#[rustfmt::skip]
const KIND_WORDS: &[&str] = &[
    "pdf", "docx", "doc", "xlsx", "pptx", "md", "txt", "html", "file", "document", "one", "the", "a", "an",
    "my", "that", "this", "문서", "파일",
];

/// The words of a document's name, lowercased, without the words of its kind (at most 8).
fn name_words(name: &str) -> Vec<String> {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        // One character says nothing of a name ("거" in "자동차보험 거", "s" of "what's").
        .filter(|w| w.chars().count() >= 2 && !KIND_WORDS.contains(w))
        .take(8)
        .map(str::to_string)
        .collect()
}

/// What [`Documents::named`] found.
#[derive(Debug)]
pub enum Named {
    One(DocView),
    /// None, or several with nothing to choose between them.
    Candidates(Vec<DocRow>),
}

/// The document folders and their index.
pub struct Documents {
    /// The index under way: (files done, files to do), for the status view.
    indexing: std::sync::Mutex<Option<(usize, usize)>>,
    folders: Vec<PathBuf>,
    index: Option<Index>,
    /// Why the index could not be opened, when it could not.
    broken: Option<String>,
}

fn mtime_size(path: &Path) -> Option<(i64, i64)> {
    let m = std::fs::metadata(path).ok()?;
    if !m.is_file() {
        return None;
    }
    let mtime = m
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos() / 1_000_000).unwrap_or(i64::MAX));
    Some((mtime, i64::try_from(m.len()).unwrap_or(i64::MAX)))
}

/// Every indexable file under `folders` (hidden folders skipped, symlinks not followed).
fn walk(folders: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = folders.to_vec();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            let hidden = e.file_name().to_string_lossy().starts_with('.');
            match e.file_type() {
                Ok(t) if t.is_dir() && !hidden => stack.push(p),
                Ok(t) if t.is_file() && !hidden && extract::indexed(&p) => out.push(p),
                _ => {}
            }
            if out.len() >= MAX_FILES {
                return out;
            }
        }
    }
    out
}

/// The files of `files` that are new or changed since they were indexed (`known`), with
/// their (mtime, size).
fn changed(files: Vec<PathBuf>, known: &HashMap<String, (i64, i64)>) -> Vec<(PathBuf, (i64, i64))> {
    files
        .into_iter()
        .filter_map(|p| {
            let stat = mtime_size(&p)?;
            (known.get(&*p.to_string_lossy()) != Some(&stat)).then_some((p, stat))
        })
        .collect()
}

/// The index row of the file at `p` (with its `stat`), when it can be read.
fn row(p: &Path, (mtime, size): (i64, i64)) -> Option<Row> {
    let (title, text) = extract::extract(p)?;
    Some((p.to_string_lossy().into_owned(), mtime, size, title, text))
}

fn snippet(text: &str, query: &str) -> String {
    let lower = text.to_lowercase();
    let word = query.split_whitespace().next().unwrap_or_default().to_lowercase();
    let at = if word.is_empty() { None } else { lower.find(&word) };
    // `lower` can differ in length from `text` (case mapping): count characters instead.
    let start_char = at.map_or(0, |b| lower[..b].chars().count()).saturating_sub(60);
    let s: String = text.chars().skip(start_char).take(200).collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if start_char > 0 {
        format!("…{s}")
    } else {
        s
    }
}

impl Documents {
    /// Opens (or creates) the index at `index_path`.
    pub fn new(settings: &DocumentsSettings, index_path: Option<PathBuf>) -> Documents {
        let folders = settings.folders.clone();
        if folders.is_empty() {
            return Documents { indexing: Default::default(), folders, index: None, broken: None };
        }
        let path = index_path.or_else(|| settings.index.clone()).or_else(|| {
            directories::ProjectDirs::from("", "", "switchboard").map(|d| d.data_dir().join("documents.sqlite3"))
        });
        let opened = match path {
            Some(p) => Index::open(&p),
            None => Err(IndexError::from(rusqlite::Error::InvalidPath(PathBuf::from("$XDG_DATA_HOME")))),
        };
        match opened {
            Ok(ix) => Documents { indexing: Default::default(), folders, index: Some(ix), broken: None },
            Err(e) => Documents { indexing: Default::default(), folders, index: None, broken: Some(e.to_string()) },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.folders.is_empty()
    }

    fn ix(&self) -> Result<&Index, ToolError> {
        self.index
            .as_ref()
            .ok_or_else(|| ToolError::Io(self.broken.clone().unwrap_or_else(|| "no document folder".into())))
    }

    /// Brings the index up to date with the folders: new and changed files read, removed ones
    /// dropped; `progress(done, total)` after each batch. Blocking (run it on a blocking thread).
    pub fn sync(&self, progress: &dyn Fn(usize, usize)) -> Result<usize, ToolError> {
        let ix = self.ix()?;
        let io = |e: IndexError| ToolError::Io(e.to_string());
        let known = ix.known().map_err(io)?;
        let files = walk(&self.folders);
        let seen: HashSet<String> = files.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        let gone: Vec<String> = known.keys().filter(|k| !seen.contains(*k)).cloned().collect();
        ix.remove(&gone).map_err(io)?;
        let todo = changed(files, &known);
        let total = todo.len();
        let report = |done: usize| {
            *self.indexing.lock().unwrap_or_else(|p| p.into_inner()) = (done < total).then_some((done, total));
            progress(done, total);
        };
        report(0);
        let mut done = 0;
        for chunk in todo.chunks(BATCH) {
            let batch: Vec<Row> = chunk.iter().filter_map(|(p, stat)| row(p, *stat)).collect();
            ix.put(&batch).map_err(io)?;
            done += chunk.len();
            report(done);
        }
        if total > BATCH {
            ix.optimize().map_err(io)?;
        }
        Ok(total)
    }

    /// Re-reads the files at `paths` (changed, added or removed).
    pub fn refresh(&self, paths: &[PathBuf]) -> Result<(), ToolError> {
        let ix = self.ix()?;
        let io = |e: IndexError| ToolError::Io(e.to_string());
        let in_folders = |p: &Path| self.folders.iter().any(|f| p.starts_with(f));
        let mut put = Vec::new();
        let mut gone = Vec::new();
        for p in paths.iter().filter(|p| in_folders(p)) {
            let key = p.to_string_lossy().into_owned();
            match mtime_size(p) {
                // Unchanged since it was indexed (an event that changed nothing we read).
                Some(stat) if ix.stat(&key).map_err(io)? == Some(stat) => {}
                Some(stat) if extract::indexed(p) => match row(p, stat) {
                    Some(r) => put.push(r),
                    None => gone.push(key),
                },
                // A folder removed or renamed away: everything under it.
                None if !p.exists() => {
                    gone.extend(ix.known_under(&format!("{key}/")).map_err(io)?.into_keys());
                    gone.push(key);
                }
                // A folder (created, moved in, or only touched): what in it is new or changed.
                None if p.is_dir() => {
                    let known = ix.known_under(&format!("{key}/")).map_err(io)?;
                    let todo = changed(walk(std::slice::from_ref(p)), &known);
                    put.extend(todo.iter().filter_map(|(f, stat)| row(f, *stat)));
                }
                _ => {}
            }
        }
        ix.remove(&gone).map_err(io)?;
        ix.put(&put).map_err(io)
    }

    pub fn search(&self, query: &str) -> Result<Vec<DocRow>, ToolError> {
        let ix = self.ix()?;
        let hits = ix.search(query, MAX_RESULTS).map_err(|e| ToolError::Io(e.to_string()))?;
        Ok(hits
            .into_iter()
            .map(|h| {
                let text = ix.read(h.id).ok().flatten().map(|(_, _, t)| t).unwrap_or_default();
                DocRow { id: h.id.to_string(), snippet: snippet(&text, query), path: h.path, title: h.title }
            })
            .collect())
    }

    pub fn read(&self, id: &str) -> Result<DocView, ToolError> {
        let ix = self.ix()?;
        let n: i64 = id.trim().parse().map_err(|_| ToolError::NotFound(format!("`{id}` is not a document id")))?;
        let (path, title, text) = ix
            .read(n)
            .map_err(|e| ToolError::Io(e.to_string()))?
            .ok_or_else(|| ToolError::NotFound(format!("no document {n}")))?;
        let truncated = text.chars().count() > MAX_READ_CHARS;
        Ok(DocView {
            row: DocRow { id: n.to_string(), path, title, snippet: String::new() },
            text: text.chars().take(MAX_READ_CHARS).collect(),
            truncated,
        })
    }

    /// The document `name` means ("backup-plan.docx", "q2 roadmap final pdf", "서버이전계획"):
    /// the newest whose file name holds every word of the name but its kind ("pdf", "file"),
    /// else the only one a search for those words finds; otherwise what the search finds, for
    /// the user to choose from.
    pub fn named(&self, name: &str) -> Result<Named, ToolError> {
        let words = name_words(name);
        let Some(longest) = words.iter().max_by_key(|w| w.chars().count()) else {
            return Ok(Named::Candidates(Vec::new()));
        };
        let ix = self.ix()?;
        let io = |e: IndexError| ToolError::Io(e.to_string());
        let file_name =
            |p: &str| Path::new(p).file_name().map(|f| f.to_string_lossy().to_lowercase()).unwrap_or_default();
        let by_path = ix.path_holds(longest, 200).map_err(io)?;
        if let Some(hit) = by_path.iter().find(|h| {
            let f = file_name(&h.path);
            words.iter().all(|w| f.contains(w.as_str()))
        }) {
            return self.read(&hit.id.to_string()).map(Named::One);
        }
        let found = self.search(&words.join(" "))?;
        match found.as_slice() {
            [only] => self.read(&only.id).map(Named::One),
            _ => Ok(Named::Candidates(found)),
        }
    }

    /// The index under way: (files done, files to do).
    pub fn indexing(&self) -> Option<(usize, usize)> {
        *self.indexing.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Why the index cannot be used, if it cannot.
    pub fn problem(&self) -> Option<String> {
        self.broken.clone()
    }

    pub fn count(&self) -> usize {
        self.index.as_ref().and_then(|ix| ix.count().ok()).map_or(0, |n| usize::try_from(n).unwrap_or(0))
    }

    /// Indexes the folders, then follows their changes until `cancel`: each burst of file
    /// events is applied [`SETTLE`] after it ends. `progress` hears the first index's.
    pub async fn watch(
        self: Arc<Self>,
        cancel: tokio_util::sync::CancellationToken,
        progress: Arc<dyn Fn(usize, usize) + Send + Sync>,
    ) {
        use notify::Watcher;
        if self.index.is_none() {
            return;
        }
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<PathBuf>();
        // The watcher first: a change made while the first index runs is not missed.
        let watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
            // Reads are not changes: our own reading of a file (to index it) reports opens and
            // closes, and following those would index it again, for ever.
            if let Ok(ev) = ev.map_err(|e| tracing::debug!("documents: {e}")) {
                if matches!(ev.kind, notify::EventKind::Access(_)) {
                    return;
                }
                for p in ev.paths {
                    let _receiver_gone = tx.send(p);
                }
            }
        });
        // Kept until this task ends: dropping it stops the watching.
        let mut watcher = match watcher {
            Ok(w) => w,
            Err(e) => {
                tracing::warn!("documents: cannot watch for changes: {e}");
                return;
            }
        };
        for f in &self.folders {
            if let Err(e) = watcher.watch(f, notify::RecursiveMode::Recursive) {
                tracing::warn!("documents: cannot watch {}: {e}", f.display());
            }
        }
        let docs = Arc::clone(&self);
        let first = tokio::task::spawn_blocking(move || docs.sync(&*progress));
        match first.await {
            Ok(Ok(n)) => tracing::info!("documents: {n} files indexed"),
            Ok(Err(e)) => tracing::warn!("documents: {e}"),
            Err(e) => tracing::warn!("documents: indexing stopped: {e}"),
        }
        loop {
            let first = tokio::select! {
                _ = cancel.cancelled() => return,
                p = rx.recv() => match p { Some(p) => p, None => return },
            };
            let mut changed: HashSet<PathBuf> = HashSet::from([first]);
            // The burst: until SETTLE passes without an event.
            loop {
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    p = rx.recv() => match p { Some(p) => { changed.insert(p); } None => break },
                    _ = tokio::time::sleep(SETTLE) => break,
                }
            }
            let docs = Arc::clone(&self);
            let paths: Vec<PathBuf> = changed.into_iter().collect();
            match tokio::task::spawn_blocking(move || docs.refresh(&paths)).await {
                Ok(Err(e)) => tracing::warn!("documents: {e}"),
                Err(e) => tracing::warn!("documents: {e}"),
                Ok(Ok(())) => {}
            }
        }
    }
}
