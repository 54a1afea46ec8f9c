//! The JSON schema of a decision, for servers that constrain output to it.

use serde_json::{Map, Value};

/// Longest `response` or `prompt` the schema allows (about 80 words). Small enough that even
/// a model spending a token per byte (escapes, Hangul in a small vocabulary) closes the object
/// within [`STRUCTURED_MAX_TOKENS`].
pub const MAX_FIELD_CHARS: usize = 400;

/// Token budget of a schema-constrained decision: every field at its longest, at up to four
/// tokens a character, plus the JSON around it.
pub const STRUCTURED_MAX_TOKENS: u32 = MAX_FIELD_CHARS as u32 * 4 + 64;

/// The JSON schema of a decision, for servers that constrain output to it: one shape per
/// action, each with the fields that action needs, `action` first so that it is known before
/// the answer streams.
pub fn schema() -> Value {
    let text = serde_json::json!({"type": "string", "minLength": 1, "maxLength": MAX_FIELD_CHARS});
    let shape = |action: &str, field: Option<&str>| {
        let mut properties = Map::new();
        properties.insert("action".into(), serde_json::json!({"const": action}));
        let mut required = vec![Value::from("action")];
        if let Some(f) = field {
            properties.insert(f.into(), text.clone());
            required.push(Value::from(f));
        }
        serde_json::json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
    };
    let mut branches = vec![
        shape("direct", Some("response")),
        shape("route", Some("prompt")),
        shape("clarify", Some("response")),
        shape("status", None),
    ];
    branches.extend(crate::router::tools::call_schemas());
    serde_json::json!({ "oneOf": branches })
}
