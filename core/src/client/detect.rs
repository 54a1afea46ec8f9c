//! Which server software answers at a backend's URL, and which models it offers.

use std::time::Duration;

use serde_json::Value;

use super::{BackendClient, ClientError};
use crate::config::Kind;

/// Most models taken from a server's list, and the longest id believed.
const MAX_MODELS: usize = 1000;
const MAX_MODEL_ID: usize = 512;

impl BackendClient {
    /// Works out which server software answers. A transport failure is an error (the server
    /// may just be down); an answer that matches no known server is `Openai`.
    pub async fn detect(&self, timeout: Duration) -> Result<Kind, ClientError> {
        match self.get_json("props", timeout).await {
            Ok(v) if v.get("total_slots").is_some() || v.get("default_generation_settings").is_some() => {
                return Ok(Kind::Llamacpp)
            }
            Err(ClientError::Loading { .. }) => return Ok(Kind::Llamacpp),
            Err(e @ (ClientError::Refused { .. } | ClientError::Timeout { .. } | ClientError::Transport { .. })) => {
                return Err(e)
            }
            _ => {}
        }
        if let Ok(v) = self.get_json("api/version", timeout).await {
            if v.get("version").is_some() {
                return Ok(Kind::Ollama);
            }
        }
        if let Ok(v) = self.get_json("info", timeout).await {
            if v.get("model_id").is_some() && v.get("max_concurrent_requests").is_some() {
                return Ok(Kind::Tgi);
            }
        }
        if let Ok(text) = self.get_text("metrics", timeout).await {
            if text.contains("vllm:") {
                return Ok(Kind::Vllm);
            }
            if text.contains("sglang:") {
                return Ok(Kind::Sglang);
            }
            if text.contains("tgi_") {
                return Ok(Kind::Tgi);
            }
        }
        Ok(Kind::Openai)
    }

    /// The models the server offers, with their size in bytes where it says (Ollama's
    /// `/api/tags`; the OpenAI `/v1/models` list elsewhere).
    pub async fn models(&self, kind: Kind, timeout: Duration) -> Result<Vec<(String, Option<u64>)>, ClientError> {
        let (path, list, id, size) = match kind {
            Kind::Ollama => ("api/tags", "models", "name", Some("size")),
            _ => ("v1/models", "data", "id", None),
        };
        let v = self.get_json(path, timeout).await?;
        let entries = v.get(list).and_then(Value::as_array).ok_or_else(|| ClientError::Protocol {
            url: self.shown(path),
            detail: format!("no `{list}` list in the answer"),
        })?;
        Ok(entries
            .iter()
            .take(MAX_MODELS)
            .filter_map(|m| {
                let name = m.get(id).and_then(Value::as_str)?.trim();
                if name.chars().count() > MAX_MODEL_ID {
                    return None;
                }
                let bytes = size.and_then(|k| m.get(k)).and_then(Value::as_u64);
                (!name.is_empty()).then(|| (name.to_string(), bytes))
            })
            .collect())
    }
}
