//! A conversation exported: Markdown for reading (each message under its speaker, with the
//! route it took), or JSON for programs (the stored records as they are).

use serde::Serialize;

use super::store::{Store, StoreError};
use crate::model::{ChatRole, Conversation, MessageState, StoredMessage};

/// An export's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "md" | "markdown" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
        }
    }
}

#[derive(Serialize)]
struct Exported<'a> {
    conversation: &'a Conversation,
    messages: &'a [StoredMessage],
}

/// `conversation` and its `messages` as Markdown. Each message is a section under its speaker;
/// the text is as written (replies are Markdown already), an interrupted reply says so.
pub fn markdown(conversation: &Conversation, messages: &[StoredMessage], assistant: &str) -> String {
    let mut out = format!("# {}\n\n", conversation.title.replace('\n', " "));
    out.push_str(&format!("_Exported from Switchboard. Started {}._\n\n", conversation.created_at));
    for m in messages {
        let who = match m.role {
            ChatRole::User => "You".to_string(),
            ChatRole::Assistant => assistant.to_string(),
        };
        let mut how: Vec<String> = Vec::new();
        if let Some(a) = m.action {
            how.push(a.as_str().to_string());
        }
        if let Some(b) = &m.backend {
            how.push(b.clone());
        }
        let how = if how.is_empty() { String::new() } else { format!(" ({})", how.join(", ")) };
        out.push_str(&format!("## {who}{how} · {}\n\n", m.created_at));
        out.push_str(m.text.trim_end());
        out.push_str("\n\n");
        match m.state {
            MessageState::Stopped => out.push_str("_(stopped)_\n\n"),
            MessageState::Failed => {
                out.push_str(&format!("_(failed: {})_\n\n", m.error.as_deref().unwrap_or("unknown")));
            }
            _ => {}
        }
    }
    out
}

/// `conversation` and its `messages` as pretty JSON.
pub fn json(conversation: &Conversation, messages: &[StoredMessage]) -> String {
    serde_json::to_string_pretty(&Exported { conversation, messages }).unwrap_or_default()
}

impl Store {
    /// Conversation `id` in `format`; `assistant`: the assistant's name, for Markdown.
    pub fn export(&self, id: i64, format: Format, assistant: &str) -> Result<String, StoreError> {
        let conversation =
            self.conversations()?.into_iter().find(|c| c.id == id).ok_or(StoreError::NoConversation(id))?;
        let messages = self.messages(id)?;
        Ok(match format {
            Format::Markdown => markdown(&conversation, &messages, assistant),
            Format::Json => json(&conversation, &messages),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_json_hold_every_message() {
        let s = Store::in_memory().unwrap();
        let id = s.create_conversation("계약 문의").unwrap();
        s.add_message(id, ChatRole::User, "언제 보내요?", MessageState::Done).unwrap();
        let r = s.add_message(id, ChatRole::Assistant, "**Friday**", MessageState::Streaming).unwrap();
        s.update_reply(r, "**Fri", MessageState::Stopped, &Default::default()).unwrap();
        let md = s.export(id, Format::Markdown, "Ide").unwrap();
        assert!(md.starts_with("# 계약 문의\n"), "{md}");
        assert!(md.contains("## You · ") && md.contains("언제 보내요?"), "{md}");
        assert!(md.contains("## Ide · ") && md.contains("**Fri\n\n_(stopped)_"), "{md}");
        let json: serde_json::Value = serde_json::from_str(&s.export(id, Format::Json, "Ide").unwrap()).unwrap();
        assert_eq!(json["conversation"]["title"], "계약 문의");
        assert_eq!(json["messages"].as_array().unwrap().len(), 2);
        assert_eq!(json["messages"][1]["state"], "stopped");
        assert!(matches!(s.export(999, Format::Json, "Ide"), Err(StoreError::NoConversation(999))));
    }
}
