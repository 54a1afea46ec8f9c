//! The HTTP reads of a server's own figures, per kind.

use std::time::Duration;

use serde_json::Value;

use super::parse::{parse_batch, parse_slots, Raw, MAX_MODELS, MAX_SLOTS};
use super::prometheus;
use crate::client::{BackendClient, ClientError};
use crate::config::Kind;

/// Reads the figures for `kind` (errors when the server publishes none, or is unreachable).
pub async fn read(c: &BackendClient, kind: Kind, timeout: Duration) -> Result<Raw, ClientError> {
    match kind {
        Kind::Llamacpp => {
            let (metrics, slots) = tokio::join!(c.get_text("metrics", timeout), c.get_json("slots", timeout));
            let metrics = optional(metrics)?.map(|text| {
                prometheus::totals(&prometheus::parse(&text)).into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            });
            let slots = optional(slots)?.map(|v| parse_slots(&v));
            if metrics.is_none() && slots.is_none() {
                return Err(ClientError::Unsupported { url: c.shown("metrics") });
            }
            let total_slots = if slots.is_none() {
                optional(c.get_json("props", timeout).await)?
                    .and_then(|p| p.get("total_slots").and_then(Value::as_u64))
                    .map(|n| n.min(MAX_SLOTS as u64) as u32)
            } else {
                None
            };
            Ok(Raw::Llama { metrics, slots, total_slots })
        }
        Kind::Vllm | Kind::Sglang | Kind::Tgi => {
            let text = c.get_text("metrics", timeout).await?;
            Ok(parse_batch(kind, &text))
        }
        Kind::Ollama => {
            let v = c.get_json("api/ps", timeout).await?;
            let loaded = v
                .get("models")
                .and_then(Value::as_array)
                .map(|a| {
                    let names = a.iter().filter_map(|m| m.get("name").and_then(Value::as_str));
                    names.take(MAX_MODELS).map(|n| n.chars().take(256).collect()).collect()
                })
                .unwrap_or_default();
            Ok(Raw::Ollama { loaded })
        }
        Kind::Openai | Kind::Auto => Err(ClientError::Unsupported { url: c.shown("metrics") }),
    }
}

/// An endpoint that is switched off is `None`; any other failure is an error.
fn optional<T>(r: Result<T, ClientError>) -> Result<Option<T>, ClientError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(ClientError::Unsupported { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
