//! Secrets (API keys) and redaction of URLs that may carry credentials.
//!
//! A [`Secret`] never shows its value through `Debug` or `Display`; the only way to read it is
//! [`Secret::expose`], used in exactly one place: building the `Authorization` header.

use std::fmt;

/// An API key or password. Its `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret's value, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A URL as it may be shown in logs and errors: user info replaced, query dropped.
pub fn redact_url(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    if !shown.username().is_empty() || shown.password().is_some() {
        // Setting these cannot fail for http(s) URLs, which are the only ones we accept.
        let _ignored_for_non_http = shown.set_username("redacted");
        let _ignored_for_non_http = shown.set_password(None);
    }
    if shown.query().is_some() {
        shown.set_query(Some("redacted"));
    }
    shown.to_string()
}

/// Replaces every occurrence of `secret` in `text` (for server bodies that echo a key back).
pub fn scrub(text: &str, secret: Option<&Secret>) -> String {
    match secret {
        Some(s) if !s.expose().is_empty() => text.replace(s.expose(), "[redacted]"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("sk-very-secret");
        assert!(!format!("{s:?}").contains("sk-very"));
        assert!(!format!("{s}").contains("sk-very"));
        assert_eq!(s.expose(), "sk-very-secret");
    }

    #[test]
    fn urls_lose_credentials_and_query() {
        let url = reqwest::Url::parse("http://bob:hunter2@127.0.0.1:8080/v1?key=abc").unwrap();
        let shown = redact_url(&url);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("bob"), "{shown}");
        assert!(!shown.contains("abc"), "{shown}");
        assert!(shown.starts_with("http://redacted@127.0.0.1:8080/v1"), "{shown}");
    }

    #[test]
    fn scrub_removes_echoed_key() {
        let key = Secret::new("sk-123");
        assert_eq!(scrub("bad key sk-123 given", Some(&key)), "bad key [redacted] given");
        assert_eq!(scrub("nothing", None), "nothing");
    }
}
