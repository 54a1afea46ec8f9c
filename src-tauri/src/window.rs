//! The one window (chat and status views). Closing it destroys the WebView; opening it
//! builds a new one, so an idle tray app costs little memory.

use tauri::{AppHandle, Emitter, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

use crate::ids::UiEvent;

pub const LABEL: &str = "main";

/// Which view to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Chat,
    Status,
}

impl View {
    fn as_str(self) -> &'static str {
        match self {
            View::Chat => "chat",
            View::Status => "status",
        }
    }
}

/// Shows the window on `view`, building it if it was closed.
pub fn open<R: Runtime>(app: &AppHandle<R>, view: View) -> tauri::Result<()> {
    if let Some(w) = app.get_webview_window(LABEL) {
        w.show()?;
        w.set_focus()?;
        return w.emit(UiEvent::Show.as_str(), view.as_str());
    }
    let url = WebviewUrl::App(format!("index.html#{}", view.as_str()).into());
    WebviewWindowBuilder::new(app, LABEL, url)
        .title("Switchboard")
        .inner_size(960.0, 720.0)
        .min_inner_size(480.0, 400.0)
        .build()?;
    Ok(())
}
