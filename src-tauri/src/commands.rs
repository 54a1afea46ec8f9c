//! Commands for the web UI: one call into the core each; errors become strings only here.

use std::sync::Arc;

use serde::Serialize;
use switchboard_core::router::ChatEvent;
use switchboard_core::store::{Conversation, StoredMessage};
use switchboard_core::BackendStatus;
use tauri::ipc::Channel;
use tauri::{Runtime, State};

use crate::{markdown, Shell};

type Shared<'a> = State<'a, Arc<Shell>>;

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

#[tauri::command]
pub fn status(shell: Shared<'_>) -> Vec<BackendStatus> {
    shell.registry.snapshot()
}

/// One backend's last hour (one point per 10 s) for the status view's plot.
#[tauri::command]
pub fn history(shell: Shared<'_>, name: String) -> Result<Vec<switchboard_core::history::Point>, String> {
    shell.registry.history(&name).map_err(|e| e.to_string())
}

#[tauri::command]
pub async fn check_now(shell: Shared<'_>) -> Result<Vec<BackendStatus>, String> {
    Ok(shell.registry.status(true).await)
}

/// Ids of a reply under way.
#[derive(Debug, Serialize)]
pub struct Sent {
    pub conversation_id: i64,
    pub user_message_id: i64,
    pub reply_message_id: i64,
}

fn forward(shell: &Shell, reply: switchboard_core::router::Reply, on_event: Channel<ChatEvent>) -> Sent {
    let sent = Sent {
        conversation_id: reply.conversation_id,
        user_message_id: reply.user_message_id,
        reply_message_id: reply.reply_message_id,
    };
    let mut events = reply.events;
    tauri::async_runtime::spawn(shell.tasks.track_future(async move {
        while let Some(ev) = events.recv().await {
            if on_event.send(ev).is_err() {
                break; // the window went away; the reply is still written to the store
            }
        }
    }));
    sent
}

/// Sends a message; the reply's events stream through `on_event`.
#[tauri::command]
pub fn send_message(
    shell: Shared<'_>,
    conversation: Option<i64>,
    text: String,
    on_event: Channel<ChatEvent>,
) -> Result<Sent, String> {
    let reply = shell.router.send(conversation, &text).map_err(|e| e.to_string())?;
    Ok(forward(&shell, reply, on_event))
}

#[tauri::command]
pub fn stop_reply(shell: Shared<'_>, reply: i64) -> bool {
    shell.router.stop(reply)
}

#[tauri::command]
pub fn retry(shell: Shared<'_>, conversation: i64, on_event: Channel<ChatEvent>) -> Result<Sent, String> {
    let reply = shell.router.retry(conversation).map_err(|e| e.to_string())?;
    Ok(forward(&shell, reply, on_event))
}

#[tauri::command]
pub fn conversations(shell: Shared<'_>) -> Result<Vec<Conversation>, String> {
    shell.router.store().conversations().map_err(|e| e.to_string())
}

#[tauri::command]
pub fn messages(shell: Shared<'_>, conversation: i64) -> Result<Vec<StoredMessage>, String> {
    shell.router.store().messages(conversation).map_err(|e| e.to_string())
}

#[tauri::command]
pub fn rename_conversation(shell: Shared<'_>, conversation: i64, title: String) -> Result<(), String> {
    shell.router.store().rename(conversation, &title).map_err(|e| e.to_string())
}

#[tauri::command]
pub fn delete_conversation(shell: Shared<'_>, conversation: i64) -> Result<(), String> {
    shell.router.store().delete(conversation).map_err(|e| e.to_string())
}

/// Model output as sanitised HTML.
#[tauri::command]
pub fn render_markdown(text: String) -> String {
    markdown::render(&text)
}

#[tauri::command]
pub fn set_paused(shell: Shared<'_>, paused: bool) {
    shell.set_paused(paused);
}

/// "en" or "ko", from the system locale.
#[tauri::command]
pub fn locale(shell: Shared<'_>) -> &'static str {
    match shell.lang {
        switchboard_core::router::prompt::Lang::En => "en",
        switchboard_core::router::prompt::Lang::Ko => "ko",
    }
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

    /// A real shell (registry, router, store in a temp dir) over two backends on closed ports,
    /// behind the app's real command handler and capability file.
    fn app_with_shell(dir: &std::path::Path) -> tauri::App<tauri::test::MockRuntime> {
        let text = format!(
            "[assistant]\nstore = \"{}\"\nlanguage = \"ko\"\n\n\
             [[backend]]\nname = \"small\"\nrole = \"classifier\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n\n\
             [[backend]]\nname = \"big\"\nrole = \"reasoner\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n",
            dir.join("chat.sqlite3").display()
        );
        let config = switchboard_core::Config::parse(&text, std::path::Path::new("test.toml")).unwrap();
        let shell = tauri::async_runtime::block_on(async { crate::Shell::start(config) }).unwrap();
        mock_builder()
            .manage(std::sync::Arc::new(shell))
            .invoke_handler(super::handler())
            .build(tauri::generate_context!())
            .unwrap()
    }

    #[test]
    fn status_history_conversations_and_locale_commands() {
        let dir = tempfile::tempdir().unwrap();
        let app = app_with_shell(dir.path());
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
        let shell = app.state::<std::sync::Arc<crate::Shell>>();
        tauri::async_runtime::block_on(shell.shutdown());
    }

    /// Least privilege: a window gets only the commands its capability names. A second window
    /// granted `allow-locale` alone can call `locale` but not `status`; a window no capability
    /// names gets nothing. (Without the app manifest in build.rs, Tauri allows every app
    /// command to every window with a capability, and `allow-locale` would not exist.)
    #[test]
    fn commands_are_allowed_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let app = app_with_shell(dir.path());
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
        let shell = app.state::<std::sync::Arc<crate::Shell>>();
        tauri::async_runtime::block_on(shell.shutdown());
    }
}
