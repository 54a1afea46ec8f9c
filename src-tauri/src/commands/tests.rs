use std::collections::BTreeSet;

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
        .build(crate::context())
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    let body = serde_json::json!({"text": "**hi** <img src=x onerror=alert(1)> [x](javascript:alert(1))"});
    let html: String = get_ipc_response(&webview, request("render_markdown", body)).unwrap().deserialize().unwrap();
    assert!(html.contains("<strong>hi</strong>"), "{html}");
    assert!(!html.contains("onerror") && !html.contains("javascript:"), "{html}");
}

fn read(path: &str) -> String {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The text of `source` between `start` and the first `end` after it.
fn between<'a>(source: &'a str, start: &str, end: &str) -> &'a str {
    let from = source.find(start).unwrap_or_else(|| panic!("no `{start}`")) + start.len();
    let len = source[from..].find(end).unwrap_or_else(|| panic!("no `{end}` after `{start}`"));
    &source[from..from + len]
}

/// Each name once, as a set.
fn set(what: &str, names: Vec<String>) -> BTreeSet<String> {
    let set: BTreeSet<String> = names.iter().cloned().collect();
    assert_eq!(set.len(), names.len(), "{what} names a command twice: {names:?}");
    set
}

/// `build.rs`'s COMMANDS (the permissions Tauri makes).
fn manifest() -> BTreeSet<String> {
    let build = read("build.rs");
    let list = between(&build, "const COMMANDS: &[&str] = &[", "];");
    set("build.rs", list.split(',').map(|n| n.trim().trim_matches('"').to_string()).filter(|n| !n.is_empty()).collect())
}

/// The `generate_handler!` list of commands.rs (what the window answers).
fn handlers() -> BTreeSet<String> {
    let commands = read("src/commands.rs");
    let list = between(&commands, "tauri::generate_handler![", "]");
    set("commands.rs", list.split(',').map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect())
}

/// The commands the capability grants (`allow-check-now` is `check_now`).
fn granted() -> BTreeSet<String> {
    let capability: serde_json::Value = serde_json::from_str(&read("capabilities/default.json")).unwrap();
    let permissions = capability["permissions"].as_array().unwrap().iter().filter_map(|p| p.as_str());
    let commands = permissions.filter_map(|p| p.strip_prefix("allow-")).map(|c| c.replace('-', "_")).collect();
    set("capabilities/default.json", commands)
}

/// The commands ui/main.js invokes, every one of them from its `api` object.
fn invoked() -> BTreeSet<String> {
    let js = read("../ui/main.js");
    let api = between(&js, "const api = {", "\n};");
    let names = |text: &str| -> Vec<String> {
        text.split("invoke(\"").skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_string()).collect()
    };
    let (in_api, in_file) = (names(api), names(&js));
    assert_eq!(in_api.len(), in_file.len(), "main.js invokes commands outside its `api`: {in_file:?}");
    set("main.js's api", in_api)
}

/// One command list: the app manifest (build.rs), the handler list, the capability and the web
/// UI's api name the same commands.
#[test]
fn build_rs_handlers_capability_and_main_js_name_the_same_commands() {
    let manifest = manifest();
    assert!(manifest.contains("status") && manifest.contains("set_paused"), "{manifest:?}");
    for (what, names) in [("commands.rs", handlers()), ("capabilities/default.json", granted()), ("main.js", invoked())]
    {
        assert_eq!(
            names,
            manifest,
            "{what} disagrees with build.rs: missing {:?}, extra {:?}",
            manifest.difference(&names).collect::<Vec<_>>(),
            names.difference(&manifest).collect::<Vec<_>>()
        );
    }
}
