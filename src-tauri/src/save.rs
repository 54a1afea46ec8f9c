//! Saving an export where the user says: GTK's own save dialog (the window process already
//! runs GTK for WebKit), modal over the window, asking before it replaces a file. The file is
//! written by this process, only after the user chose it.

use std::path::{Path, PathBuf};

use gtk::prelude::*;
use tauri::{Manager, Runtime};

/// A file name for an export of the conversation titled `title`: its words, without
/// characters that a file name cannot hold, at most 60 characters.
pub fn file_name(title: &str, extension: &str) -> String {
    let clean: String = title
        .chars()
        .map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let clean: String = clean.trim_start_matches(['.', ' ']).chars().take(60).collect();
    let stem = if clean.trim().is_empty() { "conversation".to_string() } else { clean };
    format!("{stem}.{extension}")
}

/// Asks the user where to save `name` (the Downloads folder first); `None` when cancelled.
pub async fn ask<R: Runtime>(app: &tauri::AppHandle<R>, name: String) -> Result<Option<PathBuf>, String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let window = app.get_webview_window("main");
    app.run_on_main_thread(move || {
        // Fetched here: GTK objects stay on the main thread.
        let parent = window.and_then(|w| w.gtk_window().ok());
        let dialog = gtk::FileChooserDialog::with_buttons(
            Some("Export conversation"),
            parent.as_ref(),
            gtk::FileChooserAction::Save,
            &[("_Cancel", gtk::ResponseType::Cancel), ("_Save", gtk::ResponseType::Accept)],
        );
        dialog.set_do_overwrite_confirmation(true);
        dialog.set_current_name(&name);
        let folder =
            gtk::glib::user_special_dir(gtk::glib::UserDirectory::Downloads).or_else(|| Some(gtk::glib::home_dir()));
        if let Some(folder) = folder.filter(|f| f.is_dir()) {
            dialog.set_current_folder(folder);
        }
        dialog.set_default_response(gtk::ResponseType::Accept);
        let chosen = (dialog.run() == gtk::ResponseType::Accept).then(|| dialog.filename()).flatten();
        dialog.close();
        let _ = tx.send(chosen);
    })
    .map_err(|e| e.to_string())?;
    rx.await.map_err(|e| e.to_string())
}

/// Writes `bytes` to `path` through a temporary file beside it and a rename.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_hold_no_path_and_no_control_characters() {
        assert_eq!(file_name("임대 계약 / 문의?", "md"), "임대 계약 문의.md");
        assert_eq!(file_name("../../etc/passwd", "json"), "etc passwd.json");
        assert_eq!(file_name("\u{7}\n", "md"), "conversation.md");
        assert_eq!(file_name(&"x".repeat(200), "md").len(), 63);
    }
}
