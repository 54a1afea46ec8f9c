//! The hostile-socket corpus: peers that misbehave against the tray app's real socket server
//! (its real shell and core, backends on closed ports). After each case, and after all of
//! them, a normal request is still answered; at the end Quit (shutdown) is prompt even with
//! stuck peers connected.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failed step is a failed test

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use switchboard_ipc::{ErrorKind, Push, WireError};

struct Server {
    runtime: tokio::runtime::Runtime,
    shell: Arc<switchboard_tray::Shell>,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[assistant]\nstore = \"{}\"\n\n\
         [[backend]]\nname = \"small\"\nrole = \"classifier\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n\n\
         [[backend]]\nname = \"big\"\nrole = \"reasoner\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n",
        dir.path().join("chat.sqlite3").display()
    );
    let config = switchboard_core::Config::parse(&text, Path::new("test.toml")).unwrap();
    let socket = dir.path().join("switchboard.sock");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let shell = runtime.block_on(async {
        let (listener, socket_file) = switchboard_tray::server::bind(&socket).unwrap();
        std::mem::forget(socket_file); // the temp dir goes with the test
        let (shell, _tray) = switchboard_tray::Shell::start(config).unwrap();
        let shell = Arc::new(shell);
        switchboard_tray::server::spawn(&shell, listener);
        shell
    });
    Server { runtime, shell, socket, _dir: dir }
}

fn connect(path: &Path) -> UnixStream {
    let s = UnixStream::connect(path).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// The next push on `s` (a line), or `None` when the server closed the connection.
fn next_push(r: &mut BufReader<UnixStream>) -> Option<Push> {
    let mut line = String::new();
    match r.read_line(&mut line) {
        Ok(0) => None,
        Ok(_) => Some(serde_json::from_str(&line).unwrap()),
        Err(e) => panic!("no answer and not closed within the timeout: {e}"),
    }
}

/// A status request on a fresh connection is answered.
fn still_answers(path: &Path) {
    let mut s = connect(path);
    s.write_all(b"{\"id\":77,\"call\":{\"cmd\":\"status\"}}\n").unwrap();
    let mut r = BufReader::new(s);
    match next_push(&mut r) {
        Some(Push::Reply { id: 77, result: Ok(_) }) => {}
        other => panic!("a normal request after a hostile one: {other:?}"),
    }
}

/// The server closes the connection (within the read timeout), having answered nothing.
fn closed(s: UnixStream) {
    let mut r = BufReader::new(s);
    let mut rest = Vec::new();
    match r.read_to_end(&mut rest) {
        Ok(_) => assert!(rest.is_empty(), "answered: {}", String::from_utf8_lossy(&rest)),
        // The server may close with our unread data pending: a reset is a close too.
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
    }
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Sends `bytes`, ignoring a write the server cut short by closing.
fn send(s: &mut UnixStream, bytes: &[u8]) {
    let _closed_early = s.write_all(bytes);
}

#[test]
fn hostile_peers_are_bounded_and_the_server_keeps_answering() {
    let srv = server();
    let path = srv.socket.clone();
    let before = rss_kib();

    // 1. A line with no end (64 MiB of 'x' on its way): cut off at the bound, closed.
    let s = connect(&path);
    let writer = {
        let mut w = s.try_clone().unwrap();
        std::thread::spawn(move || {
            let chunk = vec![b'x'; 1 << 20];
            for _ in 0..64 {
                if w.write_all(&chunk).is_err() {
                    return;
                }
            }
        })
    };
    closed(s.try_clone().unwrap());
    writer.join().unwrap();
    drop(s);
    let grown = rss_kib().saturating_sub(before);
    assert!(grown < 48 * 1024, "memory grew {grown} KiB for one endless line");
    still_answers(&path);

    // 2. Not UTF-8: closed.
    let mut s = connect(&path);
    send(&mut s, b"{\"id\":1,\"call\":{\"cmd\":\"status\xff\xfe\"}}\n");
    closed(s);
    still_answers(&path);

    // 3. Garbage, NUL bytes, a JSON scalar: ignored (no id to answer), the connection stays
    //    usable: a request after them is answered.
    let mut s = connect(&path);
    send(&mut s, b"garbage\n\0\0\0\n42\n\"str\"\n{\"id\":3,\"call\":{\"cmd\":\"status\"}}\n");
    let mut r = BufReader::new(s);
    assert!(matches!(next_push(&mut r), Some(Push::Reply { id: 3, result: Ok(_) })));

    // 4. JSON nested 100 000 deep (serde_json's recursion limit) : no stack overflow.
    let mut s = connect(&path);
    let deep = format!("{}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    send(&mut s, deep.as_bytes());
    send(&mut s, b"{\"id\":4,\"call\":{\"cmd\":\"locale\"}}\n");
    let mut r = BufReader::new(s);
    assert!(matches!(next_push(&mut r), Some(Push::Reply { id: 4, result: Ok(_) })));

    // 5. Unknown calls, odd ids and out-of-range arguments: each answered with an error (or,
    //    without a usable id, ignored), never a crash.
    let mut s = connect(&path);
    let odd = [
        "{\"id\":5,\"call\":{\"cmd\":\"format_disk\"}}",
        "{\"id\":18446744073709551615,\"call\":{\"cmd\":\"status\"}}",
        "{\"id\":-1,\"call\":{\"cmd\":\"status\"}}",
        "{\"id\":1e300,\"call\":{\"cmd\":\"status\"}}",
        "{\"id\":6,\"call\":{\"cmd\":\"messages\",\"conversation\":-9223372036854775808}}",
        "{\"id\":7,\"call\":{\"cmd\":\"rename_conversation\",\"conversation\":9223372036854775807,\"title\":\"x\"}}",
        "{\"id\":8,\"call\":{\"cmd\":\"open\",\"view\":\"../../etc\"}}",
        "{\"id\":9,\"call\":{\"cmd\":\"history\",\"name\":\"\\u0000\"}}",
        "{\"id\":10,\"call\":{\"cmd\":\"status\"}}",
    ];
    for line in odd {
        send(&mut s, format!("{line}\n").as_bytes());
    }
    let mut r = BufReader::new(s);
    let mut ids = Vec::new();
    while let Some(p) = next_push(&mut r) {
        let Push::Reply { id, result } = p else { continue };
        match id {
            5 | 8 => assert!(matches!(result, Err(WireError { kind: ErrorKind::Unknown, .. })), "{id}: {result:?}"),
            7 | 9 => assert!(matches!(result, Err(WireError { kind: ErrorKind::NotFound, .. })), "{id}: {result:?}"),
            _ => {}
        }
        ids.push(id);
        if id == 10 {
            break;
        }
    }
    for id in [5, 6, 7, 8, 9, 10, u64::MAX] {
        assert!(ids.contains(&id), "{id} not answered: {ids:?}");
    }

    // 6. A long message (3 MiB, under the bound) is taken, not cut off.
    let mut s = connect(&path);
    let text = "가".repeat(1 << 20);
    let line = serde_json::json!({"id": 11, "call": {"cmd": "send_message", "conversation": null, "text": text}});
    send(&mut s, format!("{line}\n").as_bytes());
    let mut r = BufReader::new(s);
    assert!(matches!(next_push(&mut r), Some(Push::Reply { id: 11, .. })), "a 3 MiB message was not answered");

    // 7. More connections than the cap, held open: the extra ones are closed at once; the
    //    held ones do not stop a new peer once they go.
    let held: Vec<UnixStream> = (0..40).map(|_| connect(&path)).collect();
    let mut refused = 0;
    for s in &held {
        s.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
        let mut one = [0u8; 1];
        if matches!((&*s).read(&mut one), Ok(0)) {
            refused += 1;
        }
    }
    assert!(refused >= 40 - 32, "only {refused} of 40 connections over the cap were closed");
    drop(held);
    poll(Duration::from_secs(5), || UnixStream::connect(&path).is_ok_and(answers));

    // 8. Half-closed: a request, then end of writing: answered, then closed.
    let mut s = connect(&path);
    send(&mut s, b"{\"id\":12,\"call\":{\"cmd\":\"status\"}}\n");
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let mut r = BufReader::new(s);
    assert!(matches!(next_push(&mut r), Some(Push::Reply { id: 12, .. })));
    assert!(next_push(&mut r).is_none(), "closed after the peer's end");

    // 9. A peer that asks and never reads: 20 000 status requests, not one answer read. It
    //    must not hold memory without bound, nor hold up others.
    let mut flood = connect(&path);
    let request = b"{\"id\":13,\"call\":{\"cmd\":\"status\"}}\n".repeat(20_000);
    flood.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    send(&mut flood, &request);
    still_answers(&path);

    // 10. A peer of another user: refused (when the test can run as another uid).
    another_uid_is_refused(&path);

    // 11. A silent peer, connected and saying nothing, beside the rest.
    let _silent = connect(&path);
    still_answers(&path);

    let grown = rss_kib().saturating_sub(before);
    assert!(grown < 96 * 1024, "memory grew {grown} KiB over the corpus");
    eprintln!("hostile socket corpus: memory grew {grown} KiB in all");

    // Quit is prompt, with a flooding and a silent peer still connected.
    srv.runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(5), srv.shell.shutdown()).await.expect("shutdown within 5 s");
    });
    drop(flood);
}

fn answers(mut s: UnixStream) -> bool {
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    if s.write_all(b"{\"id\":1,\"call\":{\"cmd\":\"locale\"}}\n").is_err() {
        return false;
    }
    let mut r = BufReader::new(s);
    matches!(next_push_quiet(&mut r), Some(Push::Reply { id: 1, result: Ok(_) }))
}

fn next_push_quiet(r: &mut BufReader<UnixStream>) -> Option<Push> {
    let mut line = String::new();
    match r.read_line(&mut line) {
        Ok(n) if n > 0 => serde_json::from_str(&line).ok(),
        _ => None,
    }
}

/// Polls `cond` every 50 ms until it holds, failing after `within`.
fn poll(within: Duration, mut cond: impl FnMut() -> bool) {
    let tries = within.as_millis() / 50;
    for _ in 0..tries {
        if cond() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(cond(), "not within {within:?}");
}

/// As root, a client run as `nobody` (setpriv) reaches the socket (made reachable for the
/// test) and is refused by its uid. Otherwise the case cannot be set up, and says so.
fn another_uid_is_refused(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if switchboard_ipc::my_uid().unwrap() != 0
        || !Path::new("/usr/bin/setpriv").exists()
        || !Path::new("/usr/bin/python3").exists()
    {
        eprintln!("another-uid case skipped: needs root, setpriv and /usr/bin/python3");
        return;
    }
    let dir = path.parent().unwrap();
    let open = |mode| std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
    open(0o755);
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666)).unwrap();
    let script = format!(
        "import socket\ns = socket.socket(socket.AF_UNIX)\ns.settimeout(10)\ns.connect({:?})\n\
         try:\n    s.sendall(b'{{\"id\":1,\"call\":{{\"cmd\":\"status\"}}}}\\n')\n    print(len(s.recv(100)))\n\
         except (BrokenPipeError, ConnectionResetError):\n    print(0)\n",
        path.display().to_string()
    );
    let out = std::process::Command::new("/usr/bin/setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", &script])
        .output()
        .unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    open(0o700);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(said.trim(), "0", "a peer of another uid got an answer");
}
