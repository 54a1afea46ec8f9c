/// The app's commands. Listing them makes Tauri generate an `allow-<command>` permission for
/// each and stops allowing app commands by default: a window can call only what its capability
/// (capabilities/default.json) grants.
const COMMANDS: &[&str] = &[
    "status",
    "history",
    "check_now",
    "send_message",
    "stop_reply",
    "retry",
    "conversations",
    "messages",
    "rename_conversation",
    "delete_conversation",
    "render_markdown",
    "set_paused",
    "locale",
    "open_link",
    "start_notices",
    "tool_status",
    "regenerate",
    "edit_message",
    "set_conversation_backend",
    "search",
    "export_conversation",
    "settings",
    "edit_settings",
    "test_backend",
    "test_account",
    "scan_machine",
    "set_autostart",
    "store_api_key",
    "store_password",
];

fn main() {
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        println!("cargo:warning=tauri build step failed: {e:#}");
        std::process::exit(1);
    }
}
