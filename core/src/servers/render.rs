//! A config file written for the user (first run): each backend serialised from the same
//! field names the parser reads (`toml`, so quoting and escaping are the serialiser's), under
//! a comment saying where it came from. The caller checks the text with the real parser
//! before writing it.

use serde::Serialize;

use crate::config::{Kind, Role};

/// One `[[backend]]` to write.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Entry<'a> {
    pub name: String,
    pub role: Role,
    pub url: String,
    pub model: &'a str,
    pub kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch: Option<Vec<String>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub embeddings: bool,
    /// The comment line above the table (not a config key).
    #[serde(skip)]
    pub comment: String,
}

#[derive(Serialize)]
struct File<'e, 'a> {
    backend: &'e [Entry<'a>],
}

/// The file: `header`, then each entry under its comment, then a pointer to every other setting.
pub(crate) fn render(header: &str, entries: &[Entry<'_>]) -> String {
    let mut out = String::from(header);
    for e in entries {
        let table = toml::to_string(&File { backend: std::slice::from_ref(e) })
            // Only strings, lists of strings and two enums: serialising cannot fail, but a
            // config that says nothing is better than a panic; the caller's parse rejects it.
            .unwrap_or_default();
        out.push_str(&format!("\n# {}\n{table}", e.comment.replace('\n', " ")));
    }
    out.push_str(
        "\n# Every other setting (assistant, tray, health, load) has its default; \
         `switchboard-cli config init --print` shows them all.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn awkward_strings_survive_the_round_trip() {
        let e = Entry {
            name: "qu\"ote\\d 모델".into(),
            role: Role::Reasoner,
            url: "http://127.0.0.1:8080".into(),
            model: "a\nb",
            kind: Kind::Llamacpp,
            launch: Some(vec!["/opt/my server/llama-server".into(), "--alias".into(), "x\"y".into()]),
            embeddings: true,
            comment: "two\nlines".into(),
        };
        let classifier =
            Entry { name: "c".into(), role: Role::Classifier, launch: None, embeddings: false, ..e.clone() };
        let text = render("# header\n", &[classifier, e]);
        let c = Config::parse(&text, std::path::Path::new("/tmp/x.toml")).unwrap();
        assert_eq!(c.backends[1].name, "qu\"ote\\d 모델");
        assert_eq!(c.backends[1].model, "a\nb");
        assert_eq!(c.backends[1].launch.as_ref().unwrap()[2], "x\"y");
        assert!(c.backends[1].embeddings && !c.backends[0].embeddings);
        assert!(text.contains("# two lines\n"), "{text}");
    }
}
