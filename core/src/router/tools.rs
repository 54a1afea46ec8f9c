//! The tools the classifier may call, and the checks a call must pass before anything runs.
//! The tools themselves are not connected yet: a valid call gets a plain answer saying so.
//! Sending mail is refused; `calendar.create_confirmed` without a pending draft is refused.

use serde_json::{Map, Value};

use super::prompt::Lang;

/// One operation: name, required and optional parameters.
struct Op {
    tool: &'static str,
    name: &'static str,
    required: &'static [&'static str],
    optional: &'static [&'static str],
}

const OPS: &[Op] = &[
    Op { tool: "calendar", name: "today", required: &[], optional: &[] },
    Op { tool: "calendar", name: "search", required: &["date_from", "date_to"], optional: &[] },
    Op {
        tool: "calendar",
        name: "create_draft",
        required: &["title", "date", "time"],
        optional: &["end_time", "description"],
    },
    Op { tool: "calendar", name: "create_confirmed", required: &[], optional: &[] },
    Op { tool: "email", name: "search", required: &[], optional: &["query", "days"] },
    Op { tool: "email", name: "read", required: &["uid"], optional: &[] },
    Op { tool: "document", name: "search", required: &["query"], optional: &[] },
    Op { tool: "document", name: "read", required: &["doc_id"], optional: &[] },
];

/// The longest value a parameter may have under a schema-constrained decision.
fn param_max_chars(name: &str) -> usize {
    match name {
        "date" | "date_from" | "date_to" => 10,
        "time" | "end_time" => 5,
        "title" | "query" => 120,
        "description" => 180,
        _ => 64,
    }
}

/// The JSON-schema shapes of every valid tool call, one per operation: `tool` and `operation`
/// are constants and `params` lists exactly that operation's parameters, each bounded. A server
/// that constrains its output to these can only produce calls that name a real operation and
/// finish within a known number of tokens (an unconstrained `params` object let a small model
/// nest `{"time_range":{"time_range":...` until it ran out of tokens).
pub fn call_schemas() -> Vec<Value> {
    OPS.iter()
        .map(|op| {
            let mut props = Map::new();
            for name in op.required.iter().chain(op.optional) {
                let shape = match *name {
                    "days" => serde_json::json!({"type": "integer", "minimum": 1, "maximum": 365}),
                    "date" | "date_from" | "date_to" => {
                        serde_json::json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
                    }
                    "time" | "end_time" => serde_json::json!({"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}$"}),
                    _ => serde_json::json!({"type": "string", "minLength": 1, "maxLength": param_max_chars(name)}),
                };
                props.insert((*name).to_string(), shape);
            }
            serde_json::json!({
                "type": "object",
                "properties": {
                    "action": {"const": "tools"},
                    "tool": {"const": op.tool},
                    "operation": {"const": op.name},
                    "params": {
                        "type": "object",
                        "properties": props,
                        "required": op.required,
                        "additionalProperties": false
                    }
                },
                "required": ["action", "tool", "operation", "params"],
                "additionalProperties": false
            })
        })
        .collect()
}

/// The most characters a schema-constrained tool call's parameters can hold.
pub fn max_params_chars() -> usize {
    OPS.iter()
        .map(|op| op.required.iter().chain(op.optional).map(|n| n.len() + 6 + param_max_chars(n)).sum::<usize>())
        .max()
        .unwrap_or(0)
}

/// Why a tool call cannot run.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolRefusal {
    UnknownTool(String),
    UnknownOperation(String, String),
    MissingParam(String),
    BadParam(String, String),
    SendingMail,
    NoPendingDraft,
}

fn is_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

fn is_time(s: &str) -> bool {
    chrono::NaiveTime::parse_from_str(s, "%H:%M").is_ok()
}

/// Checks a call. `Ok(())` means it may run (with the user's confirmation where it changes
/// anything).
pub fn validate(
    tool: &str,
    operation: &str,
    params: &Map<String, Value>,
    draft_pending: bool,
) -> Result<(), ToolRefusal> {
    if tool == "email" && matches!(operation, "send" | "reply" | "forward" | "compose" | "send_mail") {
        return Err(ToolRefusal::SendingMail);
    }
    if !OPS.iter().any(|o| o.tool == tool) {
        return Err(ToolRefusal::UnknownTool(tool.to_string()));
    }
    let op = OPS
        .iter()
        .find(|o| o.tool == tool && o.name == operation)
        .ok_or_else(|| ToolRefusal::UnknownOperation(tool.to_string(), operation.to_string()))?;
    for p in op.required {
        match params.get(*p) {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            Some(Value::Number(_)) => {}
            _ => return Err(ToolRefusal::MissingParam((*p).to_string())),
        }
    }
    for (k, v) in params {
        if !op.required.contains(&k.as_str()) && !op.optional.contains(&k.as_str()) {
            continue; // extra parameters are ignored, not fatal
        }
        let s = v.as_str().unwrap_or_default();
        let bad = match k.as_str() {
            "date" | "date_from" | "date_to" => !is_date(s),
            "time" => !is_time(s),
            "end_time" => !s.is_empty() && !is_time(s),
            "days" => !(v.is_u64() || s.parse::<u32>().is_ok()),
            _ => false,
        };
        if bad {
            return Err(ToolRefusal::BadParam(k.clone(), v.to_string()));
        }
    }
    if tool == "calendar" && operation == "create_confirmed" && !draft_pending {
        return Err(ToolRefusal::NoPendingDraft);
    }
    Ok(())
}

/// What the user is told.
pub fn answer(tool: &str, operation: &str, result: &Result<(), ToolRefusal>, lang: Lang) -> String {
    use ToolRefusal::*;
    match (result, lang) {
        (Ok(()), Lang::En) => {
            format!("I understood this as {tool}.{operation}, but the {tool} tool is not connected yet.")
        }
        (Ok(()), Lang::Ko) => format!("{tool}.{operation} 요청으로 이해했지만, {tool} 도구는 아직 연결되지 않았어요."),
        (Err(SendingMail), Lang::En) => "I can't send email: I can only search and read it.".into(),
        (Err(SendingMail), Lang::Ko) => "메일은 보낼 수 없어요. 검색하고 읽는 것만 할 수 있어요.".into(),
        (Err(NoPendingDraft), Lang::En) => {
            "There is no draft event to confirm. Tell me what to put in the calendar first.".into()
        }
        (Err(NoPendingDraft), Lang::Ko) => "확정할 일정 초안이 없어요. 먼저 어떤 일정을 넣을지 알려 주세요.".into(),
        (Err(UnknownTool(t)), Lang::En) => format!("I have no tool called \"{t}\"."),
        (Err(UnknownTool(t)), Lang::Ko) => format!("\"{t}\"라는 도구는 없어요."),
        (Err(UnknownOperation(t, o)), Lang::En) => format!("The {t} tool cannot do \"{o}\"."),
        (Err(UnknownOperation(t, o)), Lang::Ko) => format!("{t} 도구는 \"{o}\" 작업을 할 수 없어요."),
        (Err(MissingParam(p)), Lang::En) => format!("I need the {p} for that. Could you tell me?"),
        (Err(MissingParam(p)), Lang::Ko) => format!("그 작업에는 {p} 값이 필요해요. 알려 주시겠어요?"),
        (Err(BadParam(p, v)), Lang::En) => {
            format!("The {p} {v} doesn't look right (dates are YYYY-MM-DD, times HH:MM).")
        }
        (Err(BadParam(p, v)), Lang::Ko) => {
            format!("{p} 값 {v}이(가) 올바르지 않아요 (날짜는 YYYY-MM-DD, 시간은 HH:MM).")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn checks() {
        assert_eq!(validate("calendar", "today", &Map::new(), false), Ok(()));
        assert_eq!(
            validate("calendar", "search", &p(json!({"date_from":"2026-11-23","date_to":"2026-11-29"})), false),
            Ok(())
        );
        assert_eq!(
            validate("calendar", "search", &p(json!({"date_from":"tomorrow","date_to":"2026-11-29"})), false),
            Err(ToolRefusal::BadParam("date_from".into(), "\"tomorrow\"".into()))
        );
        assert_eq!(
            validate("calendar", "create_draft", &p(json!({"title":"Sync","date":"2026-11-25"})), false),
            Err(ToolRefusal::MissingParam("time".into()))
        );
        assert_eq!(
            validate("calendar", "create_draft", &p(json!({"title":"Sync","date":"2026-11-25","time":"15:00"})), false),
            Ok(())
        );
        assert_eq!(validate("calendar", "create_confirmed", &Map::new(), false), Err(ToolRefusal::NoPendingDraft));
        assert_eq!(validate("calendar", "create_confirmed", &Map::new(), true), Ok(()));
        assert_eq!(validate("email", "send", &Map::new(), false), Err(ToolRefusal::SendingMail));
        assert_eq!(validate("email", "search", &p(json!({"query":"","days":7})), false), Ok(()));
        assert_eq!(validate("email", "read", &Map::new(), false), Err(ToolRefusal::MissingParam("uid".into())));
        assert_eq!(validate("shell", "run", &Map::new(), false), Err(ToolRefusal::UnknownTool("shell".into())));
        assert_eq!(
            validate("document", "delete", &Map::new(), false),
            Err(ToolRefusal::UnknownOperation("document".into(), "delete".into()))
        );
        assert!(answer("email", "send", &Err(ToolRefusal::SendingMail), Lang::En).contains("can't send"));
        assert!(answer("calendar", "today", &Ok(()), Lang::Ko).contains("연결되지"));
    }
}
