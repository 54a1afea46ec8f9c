//! The lenient reader of whole classifier replies (see [`super`]):
//!
//! - JSON with a usable action → that action.
//! - Plain text (no JSON object at all) → a direct answer with that text.
//! - JSON that cannot be made into an action, or nothing at all → route to the reasoner.

use serde_json::{Map, Value};

use super::Decision;
use crate::model::Action;

/// Reads a whole classifier reply. `user_text` is what the user wrote (the prompt for a
/// fallback route).
pub fn parse(reply: &str, user_text: &str) -> Decision {
    let text = reply.trim();
    let route = || Decision::Route { prompt: user_text.to_string() };
    if text.is_empty() {
        return route();
    }
    match find_object(text) {
        Some(candidate) => match repair_and_parse(candidate) {
            Some(Value::Object(obj)) => from_object(&obj, user_text).unwrap_or_else(|| salvage(text, user_text)),
            _ => salvage(text, user_text),
        },
        None => {
            let plain = strip_fences(text).trim();
            if plain.is_empty() || looks_like_json_fragment(plain) {
                route()
            } else {
                Decision::Direct { response: plain.to_string() }
            }
        }
    }
}

fn looks_like_json_fragment(s: &str) -> bool {
    s.starts_with('[') || s.starts_with('"') || s.contains("\"action\"")
}

fn strip_fences(s: &str) -> &str {
    let s = s.trim();
    let s =
        s.strip_prefix("```json").or_else(|| s.strip_prefix("```JSON")).or_else(|| s.strip_prefix("```")).unwrap_or(s);
    s.strip_suffix("```").unwrap_or(s)
}

/// The first `{` to its matching `}` (string-aware), or to the end if it never closes.
fn find_object(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let bytes = text.as_bytes();
    let (mut depth, mut in_str, mut esc) = (0i32, false, false);
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        if in_str {
            match b {
                _ if esc => esc = false,
                b'\\' => esc = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[start..=i]);
                }
            }
            _ => {}
        }
    }
    Some(&text[start..])
}

/// Parses JSON, repairing what small models break: trailing commas, a cut-off end (open
/// string, open objects), single-quoted keys are left alone (rare, and ambiguous).
fn repair_and_parse(candidate: &str) -> Option<Value> {
    if let Ok(v) = serde_json::from_str(candidate) {
        return Some(v);
    }
    let mut out = String::with_capacity(candidate.len() + 8);
    let mut stack = Vec::new();
    let (mut in_str, mut esc) = (false, false);
    for c in candidate.chars() {
        if in_str {
            out.push(c);
            match c {
                _ if esc => esc = false,
                '\\' => esc = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' => stack.push('}'),
            '[' => stack.push(']'),
            '}' | ']' => {
                // Drop a trailing comma before a closer.
                let trimmed = out.trim_end().len();
                if out[..trimmed].ends_with(',') {
                    out.truncate(trimmed - 1);
                }
                stack.pop();
            }
            _ => {}
        }
        out.push(c);
    }
    if in_str {
        if esc {
            out.pop();
        }
        out.push('"');
    }
    // A dangling `"key":` or `"key"` or `,` at the cut: drop it.
    loop {
        let t = out.trim_end();
        let colon = t.ends_with(':');
        if let Some(len) = t.strip_suffix(',').or_else(|| t.strip_suffix(':')).map(str::len) {
            out.truncate(len);
            if colon {
                // Remove the key too.
                if let Some(q) = out.trim_end().strip_suffix('"').and_then(|s| s.rfind('"')) {
                    out.truncate(q);
                }
            }
            continue;
        }
        break;
    }
    while let Some(closer) = stack.pop() {
        let trimmed = out.trim_end().len();
        if out[..trimmed].ends_with(',') {
            out.truncate(trimmed - 1);
        }
        out.push(closer);
    }
    serde_json::from_str(&out).ok()
}

fn string_field(obj: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match obj.get(*k)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn from_object(obj: &Map<String, Value>, user_text: &str) -> Option<Decision> {
    let action = obj.get("action").and_then(Value::as_str).and_then(Action::parse);
    let response = string_field(obj, &["response", "answer", "message", "text"]);
    let prompt = string_field(obj, &["prompt", "query", "question"]);
    let action = match action {
        Some(a) => a,
        // No (known) action: a tool call if it names one, an answer if it has one.
        None if obj.get("tool").is_some() => Action::Tools,
        None if response.is_some() => Action::Direct,
        None => return None,
    };
    Some(match action {
        Action::Direct => Decision::Direct { response: response.or(prompt)? },
        Action::Clarify => Decision::Clarify { response: response.or(prompt)? },
        Action::Route => Decision::Route { prompt: prompt.or(response).unwrap_or_else(|| user_text.to_string()) },
        Action::Status => Decision::Status,
        Action::Tools => {
            let tool = string_field(obj, &["tool"])?;
            // `"tool": "calendar.today"` is common: split it.
            let (tool, op_from_tool) = match tool.split_once('.') {
                Some((t, o)) => (t.to_string(), Some(o.trim_end_matches("()").to_string())),
                None => (tool, None),
            };
            let operation = string_field(obj, &["operation", "op", "method"]).or(op_from_tool)?;
            let params = match obj.get("params").or_else(|| obj.get("parameters")).or_else(|| obj.get("args")) {
                Some(Value::Object(m)) => m.clone(),
                _ => Map::new(),
            };
            Decision::Tools { tool: tool.to_ascii_lowercase(), operation: operation.to_ascii_lowercase(), params }
        }
    })
}

/// Last resort for JSON that would not parse: pull `"action"` and `"response"` out by hand.
fn salvage(text: &str, user_text: &str) -> Decision {
    let action = extract_string(text, "action").as_deref().and_then(Action::parse);
    let response = extract_string(text, "response").filter(|s| !s.trim().is_empty());
    match (action, response) {
        (Some(Action::Direct), Some(r)) | (None, Some(r)) => Decision::Direct { response: r },
        (Some(Action::Clarify), Some(r)) => Decision::Clarify { response: r },
        (Some(Action::Status), _) => Decision::Status,
        _ => Decision::Route {
            // An empty or cut-off prompt (`"prompt":"` at the end) is no prompt: the user's text.
            prompt: extract_string(text, "prompt")
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_else(|| user_text.to_string()),
        },
    }
}

/// The (possibly unterminated) string value of `"key":` in `text`, unescaped, and whether
/// its closing quote was seen.
pub(crate) fn scan_string(text: &str, key: &str) -> Option<(String, bool)> {
    let pat = format!("\"{key}\"");
    let at = text.find(&pat)? + pat.len();
    let rest = text[at..].trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    Some(unescape_prefix(rest))
}

/// The (possibly unterminated) string value of `"key":` in `text`, unescaped.
pub(crate) fn extract_string(text: &str, key: &str) -> Option<String> {
    scan_string(text, key).map(|(value, _)| value)
}

/// Unescapes a JSON string body up to its closing quote (or the end of input); returns the
/// text and whether the closing quote was seen. An incomplete escape at the end is dropped.
pub(crate) fn unescape_prefix(s: &str) -> (String, bool) {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => return (out, true),
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('b') | Some('f') => {}
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    if hex.len() < 4 {
                        return (out, false);
                    }
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) => out.push(ch),
                        None => out.push('\u{FFFD}'),
                    }
                }
                Some(other) => out.push(other),
                None => return (out, false),
            },
            other => out.push(other),
        }
    }
    (out, false)
}

#[cfg(test)]
mod tests {
    use super::super::schema::{schema, MAX_FIELD_CHARS};
    use super::*;

    const USER: &str = "what is a monad?";

    fn route() -> Decision {
        Decision::Route { prompt: USER.into() }
    }

    fn direct(s: &str) -> Decision {
        Decision::Direct { response: s.into() }
    }

    /// Every object in the schema is closed and every string bounded, so a constrained reply
    /// always ends within the token budget; a tool call's parameters fit the field budget.
    #[test]
    fn schema_is_closed_and_bounded() {
        fn walk(v: &Value, path: &str) {
            match v {
                Value::Object(o) => {
                    if o.get("type") == Some(&Value::from("object")) {
                        assert_eq!(o.get("additionalProperties"), Some(&Value::Bool(false)), "open object at {path}");
                        assert!(o.contains_key("properties"), "object without properties at {path}");
                    }
                    if o.get("type") == Some(&Value::from("string")) {
                        assert!(o.contains_key("maxLength") || o.contains_key("pattern"), "unbounded string at {path}");
                    }
                    for (k, v) in o {
                        walk(v, &format!("{path}/{k}"));
                    }
                }
                Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| walk(v, &format!("{path}/{i}"))),
                _ => {}
            }
        }
        let s = schema();
        walk(&s, "");
        assert_eq!(s["oneOf"].as_array().map(Vec::len), Some(4 + 8), "four plain actions and eight tool operations");
        assert!(crate::router::tools::max_params_chars() <= MAX_FIELD_CHARS);
    }

    /// Found by the fuzzer: a salvaged route whose prompt was cut off at its opening quote
    /// went to the reasoner empty.
    #[test]
    fn a_cut_off_prompt_routes_the_users_text() {
        let reply = "Sure!: {\"action\":\"cla```json\n{\"action\":\"routeri\"fy\"\",\"prompt\":\"";
        assert_eq!(parse(reply, USER), route());
        assert_eq!(parse(r#"{"action":"route","prompt":"   "#, USER), route());
    }

    #[test]
    fn well_formed_actions() {
        assert_eq!(parse(r#"{"action":"direct","response":"Hi!"}"#, USER), direct("Hi!"));
        assert_eq!(
            parse(r#"{"action":"route","prompt":"Explain monads simply."}"#, USER),
            Decision::Route { prompt: "Explain monads simply.".into() }
        );
        assert_eq!(
            parse(r#"{"action":"clarify","response":"Which one?"}"#, USER),
            Decision::Clarify { response: "Which one?".into() }
        );
        assert_eq!(parse(r#"{"action":"status"}"#, USER), Decision::Status);
        let d = parse(
            r#"{"action":"tools","tool":"calendar","operation":"search","params":{"date_from":"2026-11-23"}}"#,
            USER,
        );
        match d {
            Decision::Tools { tool, operation, params } => {
                assert_eq!((tool.as_str(), operation.as_str()), ("calendar", "search"));
                assert_eq!(params["date_from"], "2026-11-23");
            }
            other => panic!("{other:?}"),
        }
    }

    /// At least 40 malformed replies: each yields a decision with a non-empty message.
    #[test]
    fn corpus_of_malformed_replies() {
        let long = format!(r#"{{"action":"direct","response":"{}"}}"#, "word ".repeat(20_000));
        let cases: Vec<(&str, &str)> = vec![
            ("```json\n{\"action\":\"direct\",\"response\":\"Hello\"}\n```", "direct"),
            ("```\n{\"action\":\"direct\",\"response\":\"Hello\"}\n```", "direct"),
            ("Sure! Here is the JSON: {\"action\":\"direct\",\"response\":\"Hello\"}", "direct"),
            ("{\"action\":\"direct\",\"response\":\"Hello\"} Hope this helps!", "direct"),
            ("{\"action\":\"direct\",\"response\":\"Hello\",}", "direct"),
            ("{\"action\":\"direct\",\"response\":\"Hel", "direct"),
            ("{\"action\":\"direct\",\"resp", "route"),
            ("{\"action\":\"direct\"", "route"),
            ("{\"action\":", "route"),
            ("{", "route"),
            ("{}", "route"),
            ("{\"action\":\"dance\",\"response\":\"la la\"}", "direct"),
            ("{\"action\":\"dance\"}", "route"),
            ("{\"action\":42,\"response\":\"x\"}", "direct"),
            ("{\"action\":\"direct\",\"response\":42}", "direct"),
            ("{\"action\":\"direct\",\"response\":null}", "route"),
            ("{\"action\":\"direct\",\"response\":[\"a\"]}", "route"),
            ("{\"action\":\"route\"}", "route"),
            ("{\"action\":\"route\",\"prompt\":\"\"}", "route"),
            ("{\"action\":\"route\",\"response\":\"Explain X\"}", "route"),
            ("{\"action\":\"tools\"}", "route"),
            ("{\"action\":\"tools\",\"tool\":\"calendar.today()\"}", "tools"),
            ("{\"action\":\"tools\",\"tool\":\"calendar\",\"operation\":\"today\",\"params\":\"none\"}", "tools"),
            ("{\"tool\":\"email\",\"operation\":\"search\",\"params\":{\"query\":\"\"}}", "tools"),
            ("{\"action\":\"DIRECT\",\"response\":\"Caps\"}", "direct"),
            ("{\"action\": \"direct\" , \"response\" : \"spaced\" }", "direct"),
            ("{'action': 'direct', 'response': 'single quotes'}", "route"),
            ("Hello there! How can I help you today?", "direct"),
            ("안녕하세요! 무엇을 도와드릴까요?", "direct"),
            ("{\"action\":\"direct\",\"response\":\"안녕하세요! 반가워요.\"}", "direct"),
            ("{\"action\":\"direct\",\"response\":\"안녕하세", "direct"),
            ("{\"action\":\"direct\",\"response\":\"\\ud55c\\uad6d\"}", "direct"),
            ("{\"action\":\"direct\",\"response\":\"bad escape \\u12", "direct"),
            ("", "route"),
            ("   \n\t ", "route"),
            ("```json\n```", "route"),
            ("[1, 2, 3]", "route"),
            ("\"just a string\"", "route"),
            ("null", "direct"),
            ("{\"action\":\"direct\",\"response\":\"a\"}{\"action\":\"route\"}", "direct"),
            ("{\"action\":\"direct\",\"response\":\"nested {braces} \\\"quotes\\\"\"}", "direct"),
            ("<think>hmm</think>{\"action\":\"status\"}", "status"),
            ("{\"action\":\"clarify\"}", "route"),
            ("{\"answer\":\"no action key\"}", "direct"),
            ("{\"action\":\"direct\",\"response\":\"line\\nbreak\"}\n\n```", "direct"),
            ("}}}{{{", "route"),
            (long.as_str(), "direct"),
        ];
        assert!(cases.len() >= 40, "{} cases", cases.len());
        for (reply, want) in &cases {
            let d = parse(reply, USER);
            assert_eq!(d.action().as_str(), *want, "reply {reply:?} gave {d:?}");
            let message = match &d {
                Decision::Direct { response } | Decision::Clarify { response } => response.clone(),
                Decision::Route { prompt } => prompt.clone(),
                Decision::Tools { tool, operation, .. } => format!("{tool}.{operation}"),
                Decision::Status => "status".into(),
            };
            assert!(!message.trim().is_empty(), "empty message for {reply:?}");
        }
    }

    #[test]
    fn truncation_keeps_what_was_said() {
        assert_eq!(parse("{\"action\":\"direct\",\"response\":\"Hel", USER), direct("Hel"));
        assert_eq!(
            parse("{\"action\":\"clarify\",\"response\":\"Which", USER),
            Decision::Clarify { response: "Which".into() }
        );
        assert_eq!(parse("{\"action\":\"direct\"", USER), route());
    }

    #[test]
    fn unescape_handles_partial_input() {
        assert_eq!(unescape_prefix("ab\\ncd\" rest"), ("ab\ncd".to_string(), true));
        assert_eq!(unescape_prefix("ab\\"), ("ab".to_string(), false));
        assert_eq!(unescape_prefix("\\u00e9t\\u00"), ("ét".to_string(), false));
    }
}
