//! Commands for the web UI, in the window process: each is one call to the engine over the
//! socket (see [`switchboard_ipc`]); errors are strings at this edge. Rendering markdown is the one
//! that runs here: it needs nothing of the engine's.

use serde_json::Value;
use tauri::ipc::Channel;
use tauri::{Runtime, State};

use crate::client::Engine;
use crate::markdown;
use switchboard_ipc::Call;

type Shared<'a> = State<'a, Engine>;
type Answer = Result<Value, String>;

/// Every command, for the builder (and the tests).
pub fn handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        status,
        history,
        check_now,
        send_message,
        stop_reply,
        retry,
        conversations,
        messages,
        rename_conversation,
        delete_conversation,
        render_markdown,
        set_paused,
        locale
    ]
}

/// Every backend's status.
#[tauri::command]
pub async fn status(engine: Shared<'_>) -> Answer {
    engine.call(Call::Status).await
}

/// One backend's last hour (one point per 10 s) for the status view's plot.
#[tauri::command]
pub async fn history(engine: Shared<'_>, name: String) -> Answer {
    engine.call(Call::History { name }).await
}

/// A forced measurement of every backend.
#[tauri::command]
pub async fn check_now(engine: Shared<'_>) -> Answer {
    engine.call(Call::CheckNow).await
}

/// Sends a message; the reply's events stream through `on_event`; the answer is its ids.
#[tauri::command]
pub async fn send_message(
    engine: Shared<'_>,
    conversation: Option<i64>,
    text: String,
    on_event: Channel<Value>,
) -> Answer {
    engine.stream(Call::SendMessage { conversation, text }, on_event).await
}

#[tauri::command]
pub async fn stop_reply(engine: Shared<'_>, reply: i64) -> Answer {
    engine.call(Call::StopReply { reply }).await
}

#[tauri::command]
pub async fn retry(engine: Shared<'_>, conversation: i64, on_event: Channel<Value>) -> Answer {
    engine.stream(Call::Retry { conversation }, on_event).await
}

#[tauri::command]
pub async fn conversations(engine: Shared<'_>) -> Answer {
    engine.call(Call::Conversations).await
}

#[tauri::command]
pub async fn messages(engine: Shared<'_>, conversation: i64) -> Answer {
    engine.call(Call::Messages { conversation }).await
}

#[tauri::command]
pub async fn rename_conversation(engine: Shared<'_>, conversation: i64, title: String) -> Answer {
    engine.call(Call::RenameConversation { conversation, title }).await
}

#[tauri::command]
pub async fn delete_conversation(engine: Shared<'_>, conversation: i64) -> Answer {
    engine.call(Call::DeleteConversation { conversation }).await
}

/// Model output as sanitised HTML.
#[tauri::command]
pub fn render_markdown(text: String) -> String {
    markdown::render(&text)
}

#[tauri::command]
pub async fn set_paused(engine: Shared<'_>, paused: bool) -> Answer {
    engine.call(Call::SetPaused { paused }).await
}

/// "en" or "ko", from the system locale (or the `[assistant] language` setting).
#[tauri::command]
pub async fn locale(engine: Shared<'_>) -> Answer {
    engine.call(Call::Locale).await
}

#[cfg(test)]
mod tests {
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
    use tauri::webview::InvokeRequest;
    use tauri::Manager;

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

    #[test]
    fn render_markdown_command_sanitises() {
        let app = mock_builder()
            .invoke_handler(tauri::generate_handler![super::render_markdown])
            .build(tauri::generate_context!())
            .unwrap();
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
        let body = serde_json::json!({"text": "**hi** <img src=x onerror=alert(1)> [x](javascript:alert(1))"});
        let html: String = get_ipc_response(&webview, request("render_markdown", body)).unwrap().deserialize().unwrap();
        assert!(html.contains("<strong>hi</strong>"), "{html}");
        assert!(!html.contains("onerror") && !html.contains("javascript:"), "{html}");
    }

    /// The real engine (registry, router, store in a temp dir, its socket server) over two
    /// backends on closed ports, and the window side's real command handler and capability
    /// file, connected to it over a real Unix socket.
    fn app_with_engine(
        dir: &std::path::Path,
    ) -> (tauri::App<tauri::test::MockRuntime>, std::sync::Arc<switchboard_tray::Shell>, crate::client::Engine) {
        let text = format!(
            "[assistant]\nstore = \"{}\"\nlanguage = \"ko\"\n\n\
             [[backend]]\nname = \"small\"\nrole = \"classifier\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n\n\
             [[backend]]\nname = \"big\"\nrole = \"reasoner\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n",
            dir.join("chat.sqlite3").display()
        );
        let config = switchboard_core::Config::parse(&text, std::path::Path::new("test.toml")).unwrap();
        let socket = dir.join("switchboard.sock");
        let shell = tauri::async_runtime::block_on(async {
            let listener = switchboard_tray::server::bind(&socket).unwrap();
            let shell = std::sync::Arc::new(switchboard_tray::Shell::start(config).unwrap());
            tauri::async_runtime::spawn(switchboard_tray::server::serve(std::sync::Arc::clone(&shell), listener));
            shell
        });
        let connect = || tauri::async_runtime::block_on(crate::client::connect(&socket)).unwrap().0;
        let app = mock_builder()
            .manage(connect())
            .invoke_handler(super::handler())
            .build(tauri::generate_context!())
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
        assert!(shell.paused.load(std::sync::atomic::Ordering::SeqCst), "the engine's notifications are paused");
        tauri::async_runtime::block_on(shell.shutdown());
        let gone = call("status", serde_json::json!({})).unwrap_err();
        assert!(gone.to_string().contains(crate::client::GONE), "{gone}");
    }

    /// A message sent from the window: the engine stores it before anything else, answers with
    /// the reply's ids, and the reply's events (both backends down here: an error, then done
    /// as failed) stream to the window's channel, in order, the last one `done`.
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
            let call = switchboard_ipc::Call::SendMessage { conversation: None, text: "hello there".into() };
            let sent = engine.stream(call, channel).await.unwrap();
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
            let stored = engine.call(switchboard_ipc::Call::Messages { conversation }).await.unwrap();
            let stored = stored.as_array().unwrap();
            assert_eq!(stored[0]["text"], "hello there", "{stored:?}");
            assert!(stored.iter().any(|m| m["id"].as_i64() == Some(reply)), "{stored:?}");
            let empty = engine.call(switchboard_ipc::Call::SendMessage { conversation: None, text: " ".into() }).await;
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
            let (_other, mut pushes) = crate::client::connect(&socket).await.unwrap();
            // Windows attach with their first request: wait until all three have.
            tokio::time::timeout(std::time::Duration::from_secs(10), async {
                while shell.pushes.receiver_count() < 3 {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            })
            .await
            .expect("three windows attached");
            let asked = tokio::task::spawn_blocking(move || {
                switchboard_ipc::ask_to_open(&socket, switchboard_ipc::View::Status)
            });
            asked.await.unwrap().unwrap();
            assert_eq!(pushes.recv().await, Some(switchboard_ipc::Push::Show { view: switchboard_ipc::View::Status }));
            assert_eq!(shell.pushes.receiver_count(), 3, "the asker is not a window");
            assert!(shell.window.lock().unwrap().is_none(), "no window process was started");
            switchboard_tray::server::emit(&shell.pushes, switchboard_ipc::UiEvent::Status, &shell.registry.snapshot());
            match pushes.recv().await {
                Some(switchboard_ipc::Push::Emit { event, payload }) => {
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
            switchboard_ipc::Push::Reply { id: 5, result: Err(e) } => assert!(e.contains("format_disk"), "{e}"),
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
        app.add_capability(r#"{"identifier": "narrow", "windows": ["narrow"], "permissions": ["allow-locale"]}"#)
            .unwrap();
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
}
