//! The window's commands (switchboard-desktop's real handler and capability file, on Tauri's
//! mock runtime) in front of this app's real core and socket server, connected over a real
//! Unix socket. They live here, not in the window's crate, so that the window never links the
//! engine. (Unit tests of this crate, so that `cargo test --workspace --lib` runs them.)

use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::Manager;

use switchboard_desktop::client::{self, Engine};
use switchboard_desktop::commands;

fn request(cmd: &str, body: serde_json::Value) -> InvokeRequest {
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    }
}

/// The real engine (registry, router, store in a temp dir, its socket server) over two
/// backends on closed ports, and the window side's real command handler and capability
/// file, connected to it over a real Unix socket.
fn app_with_engine(
    dir: &std::path::Path,
) -> (tauri::App<tauri::test::MockRuntime>, std::sync::Arc<crate::Shell>, Engine) {
    let text = format!(
        "[assistant]\nstore = \"{}\"\nlanguage = \"ko\"\n\n\
         [[backend]]\nname = \"small\"\nrole = \"classifier\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n\n\
         [[backend]]\nname = \"big\"\nrole = \"reasoner\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n",
        dir.join("chat.sqlite3").display()
    );
    let config = switchboard_core::Config::parse(&text, std::path::Path::new("test.toml")).unwrap();
    let socket = dir.join("switchboard.sock");
    let shell = tauri::async_runtime::block_on(async {
        let (listener, socket_file) = crate::server::bind(&socket).unwrap();
        std::mem::forget(socket_file); // the temp dir goes with the test
                                       // No tray here: what the shell asks of one is dropped.
        let (shell, _tray) = crate::Shell::start(config).unwrap();
        let shell = std::sync::Arc::new(shell);
        crate::server::spawn(&shell, listener);
        shell
    });
    let connect = || tauri::async_runtime::block_on(client::connect(&socket)).unwrap().0;
    let app = mock_builder()
        .manage(connect())
        .invoke_handler(commands::handler())
        .build(switchboard_desktop::context())
        .unwrap();
    (app, shell, connect())
}

#[test]
fn status_history_conversations_and_locale_commands() {
    let dir = tempfile::tempdir().unwrap();
    let (app, shell, _) = app_with_engine(dir.path());
    let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    let call = |cmd: &str, body: serde_json::Value| get_ipc_response(&w, request(cmd, body));
    let rows: Vec<serde_json::Value> = call("status", serde_json::json!({})).unwrap().deserialize().unwrap();
    let names: Vec<&str> = rows.iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(names, ["small", "big"]);
    let history: Vec<serde_json::Value> =
        call("history", serde_json::json!({"name": "big"})).unwrap().deserialize().unwrap();
    assert!(history.len() <= 1, "{history:?}");
    let unknown = call("history", serde_json::json!({"name": "nope"})).unwrap_err();
    assert!(unknown.to_string().contains("nope"), "{unknown}");
    let list: Vec<serde_json::Value> = call("conversations", serde_json::json!({})).unwrap().deserialize().unwrap();
    assert!(list.is_empty());
    let missing = call("messages", serde_json::json!({"conversation": 42}));
    assert!(missing.is_ok_and(|m| m.deserialize::<Vec<serde_json::Value>>().unwrap().is_empty()));
    let lang: String = call("locale", serde_json::json!({})).unwrap().deserialize().unwrap();
    assert_eq!(lang, "ko", "the [assistant] language setting wins over the system locale");
    call("set_paused", serde_json::json!({"paused": true})).unwrap();
    assert!(shell.paused(), "the engine's notifications are paused");
    tauri::async_runtime::block_on(shell.shutdown());
    let gone = call("status", serde_json::json!({})).unwrap_err();
    assert!(gone.to_string().contains(client::GONE), "{gone}");
}

/// A message sent from the window: the engine stores it before anything else, answers with
/// the reply's ids, and the reply's events (both backends down here: an error, then done
/// as failed) stream to the window's channel, in order, the last one `done`. (The typed
/// answers are looked at as the JSON the web UI gets.)
#[test]
fn a_reply_streams_to_the_window_channel() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, shell, engine) = app_with_engine(dir.path());
    let (events, seen) =
        (std::sync::Arc::new(std::sync::Mutex::new(Vec::new())), std::sync::Arc::new(tokio::sync::Notify::new()));
    let (ev, n) = (std::sync::Arc::clone(&events), std::sync::Arc::clone(&seen));
    let channel = tauri::ipc::Channel::new(move |body| {
        if let tauri::ipc::InvokeResponseBody::Json(json) = body {
            ev.lock().unwrap().push(serde_json::from_str::<serde_json::Value>(&json).unwrap());
            n.notify_one();
        }
        Ok(())
    });
    tauri::async_runtime::block_on(async {
        let sent = engine.send_message(None, "hello there".into(), channel).await.unwrap();
        let sent = serde_json::to_value(sent).unwrap();
        let reply = sent["reply_message_id"].as_i64().unwrap();
        let conversation = sent["conversation_id"].as_i64().unwrap();
        let done = || events.lock().unwrap().last().is_some_and(|e| e["type"] == "done");
        tokio::time::timeout(std::time::Duration::from_secs(30), async {
            while !done() {
                seen.notified().await;
            }
        })
        .await
        .expect("the reply ends within 30 s");
        let stored = serde_json::to_value(engine.messages(conversation).await.unwrap()).unwrap();
        let stored = stored.as_array().unwrap();
        assert_eq!(stored[0]["text"], "hello there", "{stored:?}");
        assert!(stored.iter().any(|m| m["id"].as_i64() == Some(reply)), "{stored:?}");
        let empty = engine.send_message(None, " ".into(), tauri::ipc::Channel::new(|_| Ok(()))).await;
        assert!(empty.is_err(), "an empty message is refused: {empty:?}");
        shell.shutdown().await;
    });
}

/// UI events reach connections that said they are windows (every `client::connect`), not a
/// second `switchboard` asking to open the window; and that request, with no window
/// process to show, does not count as one.
#[test]
fn ui_events_reach_windows_only() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, shell, _engine) = app_with_engine(dir.path());
    let socket = dir.path().join("switchboard.sock");
    tauri::async_runtime::block_on(async {
        let (_other, mut pushes) = client::connect(&socket).await.unwrap();
        // Windows attach with their first request: wait until all three have.
        tokio::time::timeout(std::time::Duration::from_secs(10), async {
            while shell.ui_receivers() < 3 {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        })
        .await
        .expect("three windows attached");
        let asked =
            tokio::task::spawn_blocking(move || switchboard_ipc::ask_to_open(&socket, switchboard_ipc::View::Status));
        asked.await.unwrap().unwrap();
        assert_eq!(pushes.recv().await, Some(switchboard_ipc::Push::Show { view: switchboard_ipc::View::Status }));
        assert_eq!(shell.ui_receivers(), 3, "the asker is not a window");
        assert!(shell.windows().ours.is_none(), "no window process was started");
        shell.emit(|| switchboard_ipc::UiEvent::Status(shell.snapshot()));
        match pushes.recv().await {
            Some(switchboard_ipc::Push::Emit { event }) => {
                let (event, payload) = (event.name(), event.payload().unwrap());
                assert_eq!(event, "status");
                assert_eq!(payload[1]["name"], "big", "{payload}");
            }
            other => panic!("{other:?}"),
        }
        shell.shutdown().await;
        assert!(pushes.recv().await.is_none(), "the engine's shutdown ends the window's stream");
    });
}

/// The socket is the user's alone, and a request the engine does not know (a window of
/// another version) is answered with an error naming it rather than left waiting.
#[test]
fn the_socket_is_private_and_unknown_requests_get_an_answer() {
    use std::io::{BufRead, Write};
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (_app, shell, _) = app_with_engine(dir.path());
    let socket = dir.path().join("switchboard.sock");
    assert_eq!(std::fs::metadata(&socket).unwrap().permissions().mode() & 0o777, 0o600);
    let mut raw = std::os::unix::net::UnixStream::connect(&socket).unwrap();
    raw.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    raw.write_all(b"not json\n{\"id\":5,\"call\":{\"cmd\":\"format_disk\"}}\n").unwrap();
    let mut line = String::new();
    std::io::BufReader::new(raw).read_line(&mut line).unwrap();
    match serde_json::from_str::<switchboard_ipc::Push>(&line).unwrap() {
        switchboard_ipc::Push::Reply { id: 5, result: Err(switchboard_ipc::WireError { kind, message: e }) } => {
            assert_eq!(kind, switchboard_ipc::ErrorKind::Unknown);
            assert!(e.contains("format_disk"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    tauri::async_runtime::block_on(shell.shutdown());
}

/// Least privilege: a window gets only the commands its capability names. A second window
/// granted `allow-locale` alone can call `locale` but not `status`; a window no capability
/// names gets nothing. (Without the app manifest in build.rs, Tauri allows every app
/// command to every window with a capability, and `allow-locale` would not exist.)
#[test]
fn commands_are_allowed_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let (app, shell, _) = app_with_engine(dir.path());
    app.add_capability(r#"{"identifier": "narrow", "windows": ["narrow"], "permissions": ["allow-locale"]}"#).unwrap();
    let narrow = tauri::WebviewWindowBuilder::new(&app, "narrow", Default::default()).build().unwrap();
    assert!(get_ipc_response(&narrow, request("locale", serde_json::json!({}))).is_ok());
    let denied = get_ipc_response(&narrow, request("status", serde_json::json!({})));
    assert!(denied.is_err(), "`status` was not granted to this window");
    let other = tauri::WebviewWindowBuilder::new(&app, "other", Default::default()).build().unwrap();
    assert!(get_ipc_response(&other, request("locale", serde_json::json!({}))).is_err());
    let main = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    assert!(get_ipc_response(&main, request("status", serde_json::json!({}))).is_ok());
    tauri::async_runtime::block_on(shell.shutdown());
}
