//! Links in model output. The window never leaves the app: every navigation away from its own
//! pages is refused ([`stays_in_app`], the webview's navigation handler), so a link in a reply,
//! a script or a redirect cannot replace the app with a remote page. A link the user clicks is
//! shown in a prompt with its real URL, and opened in the system browser only when the user
//! confirms ([`open_external`], with `xdg-open`; http, https and mailto only).

use std::process::{Command, Stdio};

use tauri::Url;

/// Whether the webview may go to `url`: only the app's own pages (Tauri serves them as
/// `tauri://localhost`, or `http(s)://tauri.localhost` on some platforms).
pub fn stays_in_app(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// A URL the system browser may be asked to open: absolute http(s) with a host, or mailto.
pub fn openable(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("not a link that can be opened ({e})"))?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some_and(|h| !h.is_empty()) => Ok(url),
        "mailto" => Ok(url),
        other => Err(format!("links of the kind `{other}:` are not opened")),
    }
}

/// Opens `text` in the user's browser (after the user confirmed it in the window).
pub fn open_external(text: &str) -> Result<(), String> {
    let url = openable(text)?;
    // One argument, no shell; the child is not waited for (xdg-open may stay while the
    // browser starts) and is reaped by a thread of its own.
    let mut child = Command::new("xdg-open")
        .arg(url.as_str())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start xdg-open to open the link: {e}"))?;
    std::thread::spawn(move || {
        let _status = child.wait();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_pages_are_navigated_to() {
        let ok = ["tauri://localhost/index.html#chat", "http://tauri.localhost/index.html"];
        for u in ok {
            assert!(stays_in_app(&Url::parse(u).unwrap()), "{u}");
        }
        let refused = [
            "https://evil.example/login",
            "http://localhost:8080/",
            "tauri://evil.example/",
            "file:///etc/passwd",
            "data:text/html,<b>x</b>",
            "http://tauri.localhost.evil.example/",
            "javascript:alert(1)",
        ];
        for u in refused {
            assert!(!stays_in_app(&Url::parse(u).unwrap()), "{u}");
        }
    }

    #[test]
    fn only_absolute_web_and_mail_links_are_opened() {
        assert!(openable("https://example.com/a?b=c").is_ok());
        assert!(openable("mailto:someone@example.com").is_ok());
        for bad in ["//evil.example/x", "/etc/passwd", "file:///etc/passwd", "javascript:alert(1)", "", "x"] {
            assert!(openable(bad).is_err(), "{bad}");
        }
    }
}
