//! Commands for the web UI, in the window process: each is one call to the engine over the
//! socket (see [`switchboard_ipc`]), typed end to end; errors become their message at this
//! edge (what the web UI shows). Rendering markdown is the one that runs here: it needs nothing
//! of the engine's.
//!
//! Adding a command means adding it in four places, which a test below keeps in step: the
//! list in `build.rs` (Tauri makes its permission from it), [`handler`], the capability file
//! `capabilities/default.json`, and `ui/main.js`'s `api`.

use switchboard_ipc::{Sent, WireError};
use switchboard_model::{
    AccountForm, AccountKind, AccountStatus, AccountTest, BackendForm, BackendStatus, BackendTest, ChatEvent,
    Conversation, KeyChange, Lang, Point, Saved, SearchHit, SettingsEdit, SettingsView, StoredMessage,
};
use tauri::ipc::Channel;
use tauri::{Runtime, State};

use crate::client::Engine;
use crate::markdown;

type Shared<'a> = State<'a, Engine>;
/// A command's result as the web UI gets it: the value, or the error's message.
type Answer<T> = Result<T, String>;

fn edge<T>(result: Result<T, WireError>) -> Answer<T> {
    result.map_err(|e| e.message)
}

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
        locale,
        open_link,
        start_notices,
        tool_status,
        regenerate,
        edit_message,
        set_conversation_backend,
        search,
        export_conversation,
        settings,
        edit_settings,
        test_backend,
        test_account,
        scan_machine,
        set_autostart,
        store_api_key,
        store_password
    ]
}

/// Every backend's status.
#[tauri::command]
pub async fn status(engine: Shared<'_>) -> Answer<Vec<BackendStatus>> {
    edge(engine.status().await)
}

/// One backend's last hour (one point per 10 s), or its last `span_secs` (day, week: from the
/// history on disk), for the status view's chart.
#[tauri::command]
pub async fn history(engine: Shared<'_>, name: String, span_secs: Option<u64>) -> Answer<Vec<Point>> {
    edge(engine.history(name, span_secs).await)
}

/// Every tool account's health (calendars, mail, documents).
#[tauri::command]
pub async fn tool_status(engine: Shared<'_>) -> Answer<Vec<AccountStatus>> {
    edge(engine.tool_status().await)
}

/// Every conversation searched by title and text.
#[tauri::command]
pub async fn search(engine: Shared<'_>, query: String) -> Answer<Vec<SearchHit>> {
    edge(engine.search(query).await)
}

/// Exports a conversation (`md` or `json`) to a file the user picks in a save dialog; the
/// path written, or `None` when the user cancelled.
#[tauri::command]
pub async fn export_conversation<R: Runtime>(
    app: tauri::AppHandle<R>,
    engine: Shared<'_>,
    conversation: i64,
    format: String,
    title: String,
) -> Answer<Option<String>> {
    let text = edge(engine.export(conversation, format.clone()).await)?;
    let name = crate::save::file_name(&title, if format == "json" { "json" } else { "md" });
    let Some(path) = crate::save::ask(&app, name).await? else { return Ok(None) };
    crate::save::write(&path, text.as_bytes()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Some(path.display().to_string()))
}

/// The configuration as the settings view edits it.
#[tauri::command]
pub async fn settings(engine: Shared<'_>) -> Answer<SettingsView> {
    edge(engine.settings().await)
}

/// Writes one edit into the configuration file and applies it, or says which field is wrong.
#[tauri::command]
pub async fn edit_settings(engine: Shared<'_>, edit: SettingsEdit) -> Answer<Saved> {
    edge(engine.edit_settings(edit).await)
}

/// Tries a backend before it is saved.
#[tauri::command]
pub async fn test_backend(engine: Shared<'_>, original: Option<String>, backend: BackendForm) -> Answer<BackendTest> {
    edge(engine.test_backend(original, backend).await)
}

/// Tries a tool account before it is saved.
#[tauri::command]
pub async fn test_account(engine: Shared<'_>, original: Option<String>, account: AccountForm) -> Answer<AccountTest> {
    edge(engine.test_account(original, account).await)
}

/// The LLM servers on this machine's usual ports, one form per model.
#[tauri::command]
pub async fn scan_machine(engine: Shared<'_>) -> Answer<Vec<BackendForm>> {
    edge(engine.scan_machine().await)
}

/// Starts Switchboard at login, or no longer.
#[tauri::command]
pub async fn set_autostart(engine: Shared<'_>, on: bool) -> Answer<()> {
    edge(engine.set_autostart(on).await)
}

/// Stores the API key typed for `backend` in the desktop keyring, here in the window's process
/// (the key never crosses the socket); what the backend's form then saves or tests with.
#[tauri::command]
pub async fn store_api_key(backend: String, key: String) -> Answer<KeyChange> {
    tokio::task::spawn_blocking(move || crate::keys::store_key(&backend, key)).await.map_err(|e| e.to_string())?
}

/// Stores the password typed for the tool account `account` of `kind` in the desktop keyring,
/// like [`store_api_key`].
#[tauri::command]
pub async fn store_password(kind: AccountKind, account: String, password: String) -> Answer<KeyChange> {
    tokio::task::spawn_blocking(move || crate::keys::store_password(kind, &account, password))
        .await
        .map_err(|e| e.to_string())?
}

/// A forced measurement of every backend.
#[tauri::command]
pub async fn check_now(engine: Shared<'_>) -> Answer<Vec<BackendStatus>> {
    edge(engine.check_now().await)
}

/// Sends a message; the reply's events stream through `on_event`; the answer is its ids.
#[tauri::command]
pub async fn send_message(
    engine: Shared<'_>,
    conversation: Option<i64>,
    text: String,
    on_event: Channel<ChatEvent>,
) -> Answer<Sent> {
    edge(engine.send_message(conversation, text, on_event).await)
}

/// Stops a reply under way; whether one of that id was running.
#[tauri::command]
pub async fn stop_reply(engine: Shared<'_>, reply: i64) -> Answer<bool> {
    edge(engine.stop_reply(reply).await)
}

/// Answers the conversation's last message again, streaming like `send_message`.
#[tauri::command]
pub async fn retry(engine: Shared<'_>, conversation: i64, on_event: Channel<ChatEvent>) -> Answer<Sent> {
    edge(engine.retry(conversation, on_event).await)
}

/// The conversation's last answer again, streaming like `send_message` (the old one kept).
#[tauri::command]
pub async fn regenerate(engine: Shared<'_>, conversation: i64, on_event: Channel<ChatEvent>) -> Answer<Sent> {
    edge(engine.regenerate(conversation, on_event).await)
}

/// A sent message replaced by `text` and answered from there (the old messages kept).
#[tauri::command]
pub async fn edit_message(
    engine: Shared<'_>,
    conversation: i64,
    message: i64,
    text: String,
    on_event: Channel<ChatEvent>,
) -> Answer<Sent> {
    edge(engine.edit_message(conversation, message, text, on_event).await)
}

/// Every message of the conversation goes to `backend` (`None`: routed automatically).
#[tauri::command]
pub async fn set_conversation_backend(engine: Shared<'_>, conversation: i64, backend: Option<String>) -> Answer<()> {
    edge(engine.set_conversation_backend(conversation, backend).await)
}

#[tauri::command]
pub async fn conversations(engine: Shared<'_>) -> Answer<Vec<Conversation>> {
    edge(engine.conversations().await)
}

#[tauri::command]
pub async fn messages(engine: Shared<'_>, conversation: i64) -> Answer<Vec<StoredMessage>> {
    edge(engine.messages(conversation).await)
}

#[tauri::command]
pub async fn rename_conversation(engine: Shared<'_>, conversation: i64, title: String) -> Answer<()> {
    edge(engine.rename_conversation(conversation, title).await)
}

#[tauri::command]
pub async fn delete_conversation(engine: Shared<'_>, conversation: i64) -> Answer<()> {
    edge(engine.delete_conversation(conversation).await)
}

/// Model output as sanitised HTML.
#[tauri::command]
pub fn render_markdown(text: String) -> String {
    markdown::render(&text)
}

/// Pauses or resumes the tray app's notifications.
#[tauri::command]
pub async fn set_paused(engine: Shared<'_>, paused: bool) -> Answer<()> {
    edge(engine.set_paused(paused).await)
}

/// "en" or "ko", from the system locale (or the `[assistant] language` setting).
#[tauri::command]
pub async fn locale(engine: Shared<'_>) -> Answer<Lang> {
    edge(engine.locale().await)
}

/// What the user must be told about the engine's start (a chat history moved aside).
#[tauri::command]
pub async fn start_notices(engine: Shared<'_>) -> Answer<Vec<String>> {
    edge(engine.start_notices().await)
}

/// Opens a link of a reply in the system browser, after the user confirmed its URL in the
/// window (http, https and mailto only).
#[tauri::command]
pub fn open_link(url: String) -> Answer<()> {
    crate::links::open_external(&url)
}

#[cfg(test)]
mod tests;
