//! The document tool on real files (tests/fixtures/docs: Markdown, text, HTML, PDF; Korean and
//! English) and a real file watcher: changes are waited for with a deadline, never slept on.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use switchboard_core::config::DocumentsSettings;
use switchboard_core::model::DocRow;
use switchboard_core::tools::docs::Documents;
use tokio::time::Instant;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/docs")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The fixtures in a scratch folder, and their index beside it.
fn scratch() -> (tempfile::TempDir, Documents) {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures(), &dir.path().join("docs"));
    let settings =
        DocumentsSettings { folders: vec![dir.path().join("docs")], index: Some(dir.path().join("index.sqlite3")) };
    let docs = Documents::new(&settings, None);
    (dir, docs)
}

fn names(rows: &[DocRow]) -> Vec<String> {
    rows.iter().map(|r| Path::new(&r.path).file_name().unwrap().to_string_lossy().into_owned()).collect()
}

#[test]
fn every_kind_of_document_is_found_in_both_languages() {
    let (_dir, docs) = scratch();
    let progress = std::sync::Mutex::new(Vec::new());
    let n = docs.sync(&|done, total| progress.lock().unwrap().push((done, total))).unwrap();
    assert_eq!(n, 5);
    assert_eq!(progress.lock().unwrap().last(), Some(&(5, 5)));
    assert_eq!(docs.indexing(), None, "done: no index under way");
    let cases = [
        ("계약서", "lease.md"),
        ("계약", "lease.md"),
        ("월세", "lease.md"),
        ("회의록", "회의록.txt"),
        ("이전 일정", "회의록.txt"),
        ("budget", "notes.txt"),
        ("drain the nodes", "manual.pdf"),
        ("kv-cache", "report.html"),
        ("latency", "report.html"),
    ];
    for (q, want) in cases {
        let found = docs.search(q).unwrap();
        assert_eq!(names(&found).first().map(String::as_str), Some(want), "{q}: {:?}", names(&found));
    }
    // The HTML's script is not text; its title is the title.
    let html = docs.search("latency").unwrap();
    assert_eq!(html[0].title, "Inference latency report");
    assert!(docs.search("pwned").unwrap().is_empty());
    // Read: the text with its path.
    let lease = docs.read(&docs.search("계약서").unwrap()[0].id).unwrap();
    assert!(lease.text.contains("보증금: 5천만 원") && lease.row.path.ends_with("lease.md"));
    assert!(docs.read("999999").is_err() && docs.read("../etc/passwd").is_err());
    // A second sync reads nothing again.
    assert_eq!(docs.sync(&|_, _| {}).unwrap(), 0);
}

#[test]
fn a_document_named_by_its_file_name_or_its_words_is_read_and_an_unclear_name_lists_candidates() {
    use switchboard_core::tools::docs::Named;
    let (_dir, docs) = scratch();
    docs.sync(&|_, _| {}).unwrap();
    let one = |name: &str| match docs.named(name).unwrap() {
        Named::One(d) => names(std::slice::from_ref(&d.row)).remove(0),
        Named::Candidates(c) => panic!("{name}: candidates {:?}", names(&c)),
    };
    // By the file name, with or without its kind; any case; Korean.
    assert_eq!(one("lease.md"), "lease.md");
    assert_eq!(one("the LEASE file"), "lease.md");
    assert_eq!(one("manual pdf"), "manual.pdf");
    assert_eq!(one("회의록"), "회의록.txt");
    // Not in a file name, but only one document has the words.
    assert_eq!(one("보증금"), "lease.md");
    // Nothing, or only a kind: candidates to choose from (none here), never a guess.
    for name in ["quarterly roadmap zzz", "pdf", "", "%", "../etc/passwd"] {
        match docs.named(name).unwrap() {
            Named::Candidates(c) => assert!(c.is_empty(), "{name}: {:?}", names(&c)),
            Named::One(d) => panic!("{name}: read {}", d.row.path),
        }
    }
}

/// Polls `search` until `ok` holds (or the deadline passes); how long it took.
async fn until(docs: &Documents, q: &str, ok: impl Fn(&[String]) -> bool) -> Duration {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(10);
    loop {
        let found = names(&docs.search(q).unwrap());
        if ok(&found) {
            return started.elapsed();
        }
        assert!(Instant::now() < deadline, "{q}: still {found:?} after 10 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_changed_added_or_removed_file_is_reflected_within_seconds() {
    let (dir, docs) = scratch();
    let docs = Arc::new(docs);
    let cancel = tokio_util::sync::CancellationToken::new();
    let task = tokio::spawn(Arc::clone(&docs).watch(cancel.clone(), Arc::new(|_, _| {})));
    until(&docs, "계약서", |f| f == ["lease.md"]).await;
    let root = dir.path().join("docs");
    // Indexing reads the files; those reads are not changes: nothing is indexed again.
    let id = docs.search("계약서").unwrap()[0].id.clone();
    tokio::time::sleep(Duration::from_secs(2)).await; // a span in which a loop would show, not a wait for a condition
    assert_eq!(docs.search("계약서").unwrap()[0].id, id, "an unchanged file was indexed again");

    std::fs::write(root.join("sub/new.md"), "# 전세 계약\n새로 추가된 문서: zebra crossing plan").unwrap();
    let added = until(&docs, "zebra", |f| f == ["new.md"]).await;
    std::fs::write(root.join("notes.txt"), "Now about the aquarium, not money.").unwrap();
    let changed = until(&docs, "aquarium", |f| f == ["notes.txt"]).await;
    until(&docs, "budget", |f| f.is_empty()).await;
    std::fs::remove_file(root.join("lease.md")).unwrap();
    let removed = until(&docs, "월세", |f| f.is_empty()).await;
    // A folder moved away: everything in it goes.
    std::fs::rename(root.join("sub"), dir.path().join("elsewhere")).unwrap();
    until(&docs, "회의록", |f| f.is_empty()).await;
    println!("[docs] visible after: added {added:?}, changed {changed:?}, removed {removed:?}");
    for t in [added, changed, removed] {
        assert!(t < Duration::from_secs(5), "{t:?}");
    }
    cancel.cancel();
    task.await.unwrap();
}
