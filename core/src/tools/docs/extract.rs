//! A file's title and text, by its kind: plain text and Markdown as they are, HTML through
//! `tools::html`, PDF through `pdf-extract` (a malformed PDF can make it panic: caught, and
//! the file skipped). Bounded: files over [`MAX_FILE_BYTES`] are skipped.

use std::io::Read;
use std::path::Path;

use super::index::MAX_TEXT_CHARS;

/// The largest file read.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// The kinds indexed, by extension.
pub fn indexed(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    matches!(ext.as_str(), "txt" | "md" | "markdown" | "rst" | "org" | "text" | "html" | "htm" | "pdf")
}

fn read_bounded(path: &Path) -> Option<Vec<u8>> {
    let f = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes)
}

fn html_title(html: &str) -> Option<String> {
    let lower = html.get(..html.len().min(64 * 1024))?.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = lower[start..].find('>')? + start + 1;
    let end = lower[open_end..].find("</title")? + open_end;
    Some(crate::tools::html::to_text(html.get(open_end..end)?))
}

/// The title and text of `path`, or `None` when it is not a kind we read, or unreadable.
pub fn extract(path: &Path) -> Option<(String, String)> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let bytes = read_bounded(path)?;
    let (title, text) = match ext.as_str() {
        "html" | "htm" => {
            let html = String::from_utf8_lossy(&bytes);
            (html_title(&html), crate::tools::html::to_text(&html))
        }
        "pdf" => {
            let text = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(&bytes)).ok()?.ok()?;
            (None, text)
        }
        _ => (None, String::from_utf8_lossy(&bytes).into_owned()),
    };
    let text: String =
        text.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).take(MAX_TEXT_CHARS).collect();
    let first_line =
        || text.lines().map(|l| l.trim().trim_start_matches('#').trim()).find(|l| !l.is_empty()).map(str::to_string);
    let name = || path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let title = title.filter(|t| !t.trim().is_empty()).or_else(first_line).unwrap_or_else(name);
    Some((title.chars().take(120).collect(), text))
}
