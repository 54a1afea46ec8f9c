//! The window's markdown renderer (src-tauri/src/markdown.rs, included as is so the fuzz
//! crate does not build Tauri). Its promise: "nothing a model writes can run: no scripts, no
//! event handlers, no `javascript:` links, no raw HTML beyond a safe list, no relative links",
//! links carry `rel="noopener noreferrer"`, classes only the `language-*` ones on `code`.
//!
//! The output is scanned as the HTML ammonia serialises (text escapes `<`; attribute values
//! are double-quoted): every tag and attribute is checked, case-insensitively.
#![no_main]

#[path = "../../src-tauri/src/markdown.rs"]
#[allow(dead_code)]
mod markdown;

use libfuzzer_sys::fuzz_target;

/// Elements that run code, load other documents or take input.
const BAD_TAGS: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
    "textarea", "select", "option", "svg", "math", "base", "meta", "link", "noscript", "template", "portal",
    "video", "audio", "source", "track", "canvas", "dialog", "marquee", "xmp", "plaintext", "noembed",
];
/// Attributes holding a URL.
const URL_ATTRS: &[&str] =
    &["href", "src", "cite", "action", "formaction", "xlink:href", "background", "poster", "data", "longdesc", "srcset"];
const BAD_ATTRS: &[&str] = &["style", "srcdoc", "formaction", "http-equiv", "xmlns", "is"];
const CLASSES: &[&str] = &["language-rust", "language-python", "language-js", "language-sh", "language-json"];

/// An attribute value as the browser reads it (entities decoded).
fn decode(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..end];
        let c = match ent {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            "colon" => Some(':'),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            _ => ent
                .strip_prefix("#x")
                .or_else(|| ent.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A URL's scheme as a browser finds it: leading C0 controls and spaces dropped, tabs and
/// newlines removed anywhere, lowercased. None: no scheme (relative).
fn scheme(url: &str) -> Option<String> {
    let u: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    let colon = u.find(':')?;
    let s = &u[..colon];
    (!s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))).then(|| s.to_string())
}

fn check(input: &str, html: &str) {
    let ctx = || format!("input {input:?} rendered as {html:?}");
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        let closing = rest.starts_with('/');
        let body = rest.trim_start_matches('/');
        let name_len = body.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(body.len());
        let tag = body[..name_len].to_ascii_lowercase();
        assert!(!tag.is_empty(), "a bare `<` in the output: {}", ctx());
        assert!(!BAD_TAGS.contains(&tag.as_str()), "element <{tag}>: {}", ctx());
        let mut attrs = &body[name_len..];
        let mut rel = None;
        // Attributes up to the tag's `>` (values are double-quoted and hold no `"`).
        loop {
            attrs = attrs.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if attrs.is_empty() || attrs.starts_with('>') {
                break;
            }
            let n = attrs.find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/').unwrap_or(attrs.len());
            let name = attrs[..n].to_ascii_lowercase();
            attrs = &attrs[n..];
            let value = if let Some(a) = attrs.strip_prefix("=\"") {
                let end = a.find('"').unwrap_or_else(|| panic!("an unterminated attribute value: {}", ctx()));
                attrs = &a[end + 1..];
                decode(&a[..end])
            } else {
                assert!(!attrs.starts_with('='), "an unquoted attribute value: {}", ctx());
                String::new()
            };
            assert!(!closing, "attributes on a closing tag: {}", ctx());
            assert!(!name.starts_with("on"), "event handler {name}= on <{tag}>: {}", ctx());
            assert!(!BAD_ATTRS.contains(&name.as_str()), "attribute {name}= on <{tag}>: {}", ctx());
            if URL_ATTRS.contains(&name.as_str()) {
                let s = scheme(&value);
                assert!(
                    matches!(s.as_deref(), Some("http" | "https" | "mailto")),
                    "{name}={value:?} (scheme {s:?}) on <{tag}>: {}",
                    ctx()
                );
                assert!(!value.trim_start().starts_with("//"), "scheme-relative {name}={value:?}: {}", ctx());
            }
            if name == "class" {
                assert_eq!(tag, "code", "class on <{tag}>: {}", ctx());
                for class in value.split_ascii_whitespace() {
                    assert!(CLASSES.contains(&class), "class {class:?}: {}", ctx());
                }
            }
            if name == "rel" {
                rel = Some(value);
            }
        }
        if tag == "a" && !closing {
            assert_eq!(rel.as_deref(), Some("noopener noreferrer"), "a link without rel: {}", ctx());
        }
        // Continue after this tag's `>`.
        let Some(gt) = attrs.find('>') else { break };
        rest = &attrs[gt + 1..];
    }
    // And plainly, on the whole output (text escapes `<`, and so do attribute values).
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "`<script` in the output: {}", ctx());
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let html = markdown::render(&text);
    check(&text, &html);
});
