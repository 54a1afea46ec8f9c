//! Reads the classifier's JSON while it streams: as soon as the action is known and the
//! `response` field has begun, its text comes out piece by piece, so a direct answer shows
//! with its first words instead of after the whole object (the original waited for all of it).
//!
//! A reply that is plainly not JSON (no `{` in its first 60 visible characters) is shown as a
//! direct answer as it arrives. Whatever was streamed, [`StreamParser::finish`] gives the
//! final decision from the whole text, using the lenient reader in [`super::decision`].

use super::decision::{self, extract_string, scan_string, Action, Decision};

/// Visible characters without a `{` after which a reply is taken as plain text.
const PLAIN_AFTER: usize = 60;

/// What the parser found in a chunk.
#[derive(Debug, Clone, PartialEq)]
pub enum Emit {
    /// The action became known.
    Action(Action),
    /// More of the answer's text, to show now.
    Text(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Undecided,
    Json,
    Plain,
}

/// Incremental reader of one classifier reply.
#[derive(Debug)]
pub struct StreamParser {
    buf: String,
    mode: Mode,
    action: Option<Action>,
    /// The answer text shown so far.
    shown: String,
}

impl Default for StreamParser {
    fn default() -> Self {
        Self::new()
    }
}

impl StreamParser {
    pub fn new() -> Self {
        Self { buf: String::new(), mode: Mode::Undecided, action: None, shown: String::new() }
    }

    /// The answer text shown so far.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The whole reply so far.
    pub fn raw(&self) -> &str {
        &self.buf
    }

    /// Feeds a chunk; returns what can be shown now.
    pub fn push(&mut self, chunk: &str) -> Vec<Emit> {
        self.buf.push_str(chunk);
        let mut out = Vec::new();
        if self.mode == Mode::Undecided {
            let visible = self.buf.trim_start();
            if visible.contains('{') {
                self.mode = Mode::Json;
            } else if visible.chars().filter(|c| !c.is_whitespace()).count() >= PLAIN_AFTER
                && !visible.starts_with("```")
                && !visible.starts_with('<')
            {
                self.mode = Mode::Plain;
                self.action = Some(Action::Direct);
                out.push(Emit::Action(Action::Direct));
            }
        }
        match self.mode {
            Mode::Undecided => {}
            Mode::Plain => {
                let text = self.buf.trim_start();
                self.emit_new(text.to_string(), &mut out);
            }
            Mode::Json => {
                let start = self.buf.find('{').unwrap_or(0);
                let json = &self.buf[start..];
                if self.action.is_none() {
                    if let Some(action) = complete_string(json, "action").as_deref().and_then(Action::parse) {
                        self.action = Some(action);
                        out.push(Emit::Action(action));
                    }
                }
                if self.action.is_some_and(Action::streams_response) {
                    if let Some(text) = extract_string(json, "response") {
                        self.emit_new(text, &mut out);
                    }
                }
            }
        }
        out
    }

    fn emit_new(&mut self, text: String, out: &mut Vec<Emit>) {
        if let Some(new) = text.strip_prefix(self.shown.as_str()) {
            if !new.is_empty() {
                out.push(Emit::Text(new.to_string()));
                self.shown = text;
            }
        }
    }

    /// The final decision, and the rest of the answer not yet shown (if any).
    pub fn finish(mut self, user_text: &str) -> (Decision, Option<String>) {
        if self.mode == Mode::Plain {
            let text = self.buf.trim().to_string();
            let rest = text.strip_prefix(self.shown.as_str()).filter(|r| !r.is_empty()).map(str::to_string);
            return (Decision::Direct { response: text }, rest);
        }
        let mut decision = decision::parse(&self.buf, user_text);
        let rest = match &mut decision {
            Decision::Direct { response } | Decision::Clarify { response } => {
                if self.shown.is_empty() {
                    Some(response.clone())
                } else if let Some(rest) = response.strip_prefix(self.shown.as_str()) {
                    Some(rest.to_string()).filter(|r| !r.is_empty())
                } else {
                    // What was shown stands: the answer is what the user saw.
                    *response = std::mem::take(&mut self.shown).trim().to_string();
                    None
                }
            }
            _ => None,
        };
        (decision, rest)
    }
}

/// A string field's value, only once its closing quote has arrived.
fn complete_string(text: &str, key: &str) -> Option<String> {
    scan_string(text, key).filter(|(_, closed)| *closed).map(|(value, _)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(chunks: &[&str]) -> (Vec<Emit>, Decision, String) {
        let mut p = StreamParser::new();
        let mut emits = Vec::new();
        for c in chunks {
            emits.extend(p.push(c));
        }
        let (d, rest) = p.finish("user text");
        let mut shown: String = emits
            .iter()
            .filter_map(|e| match e {
                Emit::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        shown.push_str(rest.as_deref().unwrap_or(""));
        (emits, d, shown)
    }

    #[test]
    fn direct_answer_streams_before_the_object_closes() {
        let mut p = StreamParser::new();
        assert!(p.push("{\"act").is_empty());
        assert_eq!(p.push("ion\":\"direct\",").as_slice(), [Emit::Action(Action::Direct)]);
        assert!(p.push("\"response\":\"").is_empty());
        assert_eq!(p.push("Hello").as_slice(), [Emit::Text("Hello".into())]);
        assert_eq!(p.push(" there\\").as_slice(), [Emit::Text(" there".into())]);
        assert_eq!(p.push("n!").as_slice(), [Emit::Text("\n!".into())]);
        assert!(p.push("\"}").is_empty());
        let (d, rest) = p.finish("u");
        assert_eq!(d, Decision::Direct { response: "Hello there\n!".into() });
        assert_eq!(rest, None);
    }

    #[test]
    fn every_chunk_size_gives_the_same_text() {
        let reply = r#"{"action":"clarify","response":"Which city — 서울 or \"Busan\"? \u00e9"}"#;
        let want = "Which city — 서울 or \"Busan\"? é";
        for size in 1..reply.len() {
            let chunks: Vec<String> =
                reply.chars().collect::<Vec<_>>().chunks(size).map(|c| c.iter().collect()).collect();
            let refs: Vec<&str> = chunks.iter().map(String::as_str).collect();
            let (_, d, shown) = run(&refs);
            assert_eq!(d, Decision::Clarify { response: want.into() }, "chunk size {size}");
            assert_eq!(shown, want, "chunk size {size}");
        }
    }

    #[test]
    fn route_shows_nothing() {
        let (emits, d, shown) = run(&["{\"action\":\"route\",", "\"prompt\":\"Explain X\"}"]);
        assert_eq!(emits, vec![Emit::Action(Action::Route)]);
        assert_eq!(d, Decision::Route { prompt: "Explain X".into() });
        assert_eq!(shown, "");
    }

    #[test]
    fn response_before_action_is_held_then_shown() {
        let (emits, d, shown) = run(&["{\"response\":\"Hi", " you\",", "\"action\":\"direct\"}"]);
        assert_eq!(emits[0], Emit::Action(Action::Direct));
        assert_eq!(shown, "Hi you");
        assert_eq!(d.action(), Action::Direct);
    }

    #[test]
    fn plain_text_streams_as_a_direct_answer() {
        let text =
            "Hello! I am a small model and I do not speak JSON at all, sorry about that. Here is my answer anyway.";
        let (emits, d, shown) = run(&[&text[..30], &text[30..70], &text[70..]]);
        assert_eq!(emits[0], Emit::Action(Action::Direct));
        assert_eq!(shown, text);
        assert_eq!(d, Decision::Direct { response: text.into() });
        // Short plain text is shown at the end.
        let (_, d, shown) = run(&["Hi!"]);
        assert_eq!((d, shown.as_str()), (Decision::Direct { response: "Hi!".into() }, "Hi!"));
    }

    #[test]
    fn fenced_and_prefixed_json_still_streams() {
        let (_, d, shown) = run(&["```json\n{\"action\":\"direct\",", "\"response\":\"Yo\"}\n```"]);
        assert_eq!((d.action(), shown.as_str()), (Action::Direct, "Yo"));
        let (_, d, shown) = run(&["Sure: {\"action\":\"direct\",\"response\":\"Ok", "\"} bye"]);
        assert_eq!((d.action(), shown.as_str()), (Action::Direct, "Ok"));
    }

    #[test]
    fn truncated_stream_keeps_what_was_shown() {
        let (_, d, shown) = run(&["{\"action\":\"direct\",\"response\":\"Half an ans"]);
        assert_eq!(d, Decision::Direct { response: "Half an ans".into() });
        assert_eq!(shown, "Half an ans");
    }
}
