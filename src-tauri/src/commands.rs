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
}
