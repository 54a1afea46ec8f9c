//! A guard on a streamed answer: small models fall into loops ("I'm glad to say I'm here.
//! I'm glad to say I'm here. ..." until the token limit) or answer with a placeholder. The
//! guard reads the text as it is shown and says when it has degenerated:
//! - a sentence (8+ characters) said for the third time, or a long sentence (80+ characters,
//!   not a table's row) whose last 48 characters end a sentence for the fourth time (a loop
//!   that changes its first words: "small (classifier): up … = 8 million active users in the
//!   server's cache …" then "big (reasoner): up … = 8 million active users …"), or
//! - the same run of 10 to 200 characters three times in a row at the end (a loop without
//!   punctuation);
//!
//! and [`placeholder`] says when a whole answer is only a template's placeholder (`{name}`,
//! `...`, `(response)`, `<answer>`).

use std::collections::HashMap;

/// Sentences shorter than this are not counted ("Yes." twice is fine).
const MIN_SENTENCE: usize = 8;
/// A sentence at least this long is also counted by its last [`TAIL`] characters.
const LONG_SENTENCE: usize = 80;
const TAIL: usize = 48;
/// Loop periods looked for at the end of the text, in characters.
const MIN_PERIOD: usize = 10;
const MAX_PERIOD: usize = 200;

/// Watches one answer as it streams.
#[derive(Debug, Default)]
pub struct RepeatGuard {
    text: String,
    /// Where the sentence being written starts.
    sentence_start: usize,
    seen: HashMap<String, u32>,
    /// The ends of long sentences, counted.
    tails: HashMap<String, u32>,
    /// Scratch space for the loop check.
    tail: Vec<char>,
    /// Inside a code fence (```): code repeats lines by nature, and is not counted.
    in_code: bool,
}

fn ends_sentence(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\n' | '。' | '！' | '？')
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl RepeatGuard {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next piece of shown text; true once the answer repeats itself.
    pub fn push(&mut self, piece: &str) -> bool {
        let mut looping = false;
        for c in piece.chars() {
            self.text.push(c);
            if ends_sentence(c) {
                let sentence = norm(&self.text[self.sentence_start..]);
                self.sentence_start = self.text.len();
                if c == '\n' && sentence.starts_with("```") {
                    self.in_code = !self.in_code;
                } else if !self.in_code && sentence.chars().count() >= MIN_SENTENCE {
                    let chars = sentence.chars().count();
                    // (A table's rows end alike by nature: "| yes | yes |".)
                    if chars >= LONG_SENTENCE && !sentence.starts_with('|') && !sentence.ends_with('|') {
                        let tail: String = sentence.chars().skip(chars - TAIL).collect();
                        let n = self.tails.entry(tail).or_default();
                        *n += 1;
                        looping |= *n >= 4;
                    }
                    let n = self.seen.entry(sentence).or_default();
                    *n += 1;
                    looping |= *n >= 3;
                }
            }
        }
        looping || (!self.in_code && self.loops_at_end())
    }

    /// Whether the sentence being written so far begins like one already said twice (its
    /// third time would be a loop): a caller holds it back until it is clear, so a looping
    /// sentence is never shown a third time.
    pub fn suspect(&self) -> bool {
        if self.in_code {
            return false;
        }
        let partial = norm(&self.text[self.sentence_start..]);
        !partial.is_empty() && self.seen.iter().any(|(s, n)| *n >= 2 && s.starts_with(&partial))
    }

    /// The same run of characters three times in a row at the end.
    fn loops_at_end(&mut self) -> bool {
        // The last 3 × MAX_PERIOD characters, newest first, in a buffer kept between calls.
        self.tail.clear();
        self.tail.extend(self.text.chars().rev().take(MAX_PERIOD * 3));
        let chars = &self.tail;
        (MIN_PERIOD..=MAX_PERIOD.min(chars.len() / 3)).any(|p| {
            let (a, rest) = chars.split_at(p);
            let (b, rest) = rest.split_at(p);
            a == b && a == &rest[..p] && a.iter().any(|c| c.is_alphanumeric())
        })
    }
}

/// Phrases small models write in place of an answer.
const PHRASES: [&str; 5] = ["your response here", "response here", "answer here", "insert answer", "(response)"];

/// Whether `prefix`, the start of an answer, may still turn out to be a placeholder (so it is
/// held back until it is clear): empty or only punctuation, an opening bracket, or the start
/// of a known phrase. Ordinary text ("Hello", "네") is clear at its first letter.
pub fn maybe_placeholder(prefix: &str) -> bool {
    let t = prefix.trim_start().trim_start_matches(['"', '\'']);
    if t.chars().count() > 40 {
        return false;
    }
    let lower = t.to_lowercase();
    t.chars().all(|c| !c.is_alphanumeric())
        || t.starts_with(['{', '<', '[', '('])
        || PHRASES.iter().any(|p| p.starts_with(lower.trim_end()) || lower.starts_with(p))
}

/// Whether `answer` is only a placeholder, not an answer: empty, dots, a `{name}`-style or
/// `<answer>`-style slot, or a template word in brackets.
pub fn placeholder(answer: &str) -> bool {
    let t = answer.trim().trim_matches(|c: char| c == '"' || c == '\'');
    if t.chars().all(|c| !c.is_alphanumeric()) {
        return true; // empty, "...", "…", "—"
    }
    let slot = |open: char, close: char| t.starts_with(open) && t.ends_with(close) && t.len() <= 40;
    if slot('{', '}') || slot('<', '>') || slot('[', ']') || slot('(', ')') {
        return true;
    }
    let lower = t.to_lowercase();
    PHRASES.iter().any(|p| lower == *p || (lower.len() <= 40 && lower.contains(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loops(text: &str, piece: usize) -> bool {
        let mut g = RepeatGuard::new();
        let chars: Vec<char> = text.chars().collect();
        chars.chunks(piece).any(|c| g.push(&c.iter().collect::<String>()))
    }

    #[test]
    fn a_looping_answer_is_caught_and_a_normal_one_is_not() {
        let looping = "I'm glad to say I'm here. I'm glad to say I'm here. I'm glad to say I'm here. I'm glad";
        assert!(loops(looping, 3));
        assert!(loops("안녕하세요 반가워요 안녕하세요 반가워요 안녕하세요 반가워요 ", 2), "no punctuation");
        assert!(loops("저는 여기 있어요. 저는 여기 있어요. 저는 여기 있어요.", 5));
        let fine = "Hello! Nice to meet you. I can help with questions, your calendar and mail. \
                    Yes. Yes. Yes. Ask me anything, and I will do my best to help you today.";
        assert!(!loops(fine, 4), "short sentences and ordinary text pass");
        let list = "- item one is here\n- item two is here\n- item three is here\n";
        assert!(!loops(list, 3));
        // Found trying the app: Gemma-3-270M, after status answers in the history.
        let tail = "= 8 million active users in the server's cache at this moment [time] seconds since last update";
        let small = format!("- small (classifier): up, idle - probe 3 ms; queue 56 slots {tail}\n");
        let big = format!("- big (reasoner): up, idle - probe 3 ms; queue 56 slots {tail}\n");
        assert!(!loops(&format!("{small}{big}{small}"), 7), "three times may be a list");
        assert!(loops(&format!("{small}{big}{small}{big}"), 7), "the same long ending, four times");
        let row = "| llama.cpp | supported since 2023 | GGUF files only | a GPU for speed | the CPU works too |\n";
        assert!(
            !loops(
                &format!(
                    "| a |\n{}",
                    row.replace("llama.cpp", "vllm")
                        + row
                        + &row.replace("llama.cpp", "ollama")
                        + &row.replace("llama.cpp", "sglang")
                ),
                9
            ),
            "a table's rows"
        );
        let steps = "1. Open the settings window and choose the backend you want to change from the list.\n\
                     2. Type the new address into the URL field and press Test to see that it answers.\n\
                     3. Save, and the tray icon shows the backend's state again within a few seconds.\n";
        assert!(!loops(steps, 5), "long sentences with different endings");
    }

    #[test]
    fn code_repeats_lines_and_is_not_a_loop() {
        let code = "Here it is:\n```rust\nlet total = a + b;\nlet total = a + b;\nlet total = a + b;\nlet total = a + b;\n```\nDone.";
        assert!(!loops(code, 3), "lines inside a fence are not counted");
        let after = format!("{code}\nSame again. Same again. Same again.");
        assert!(loops(&after, 3), "counted again after the fence");
    }

    #[test]
    fn a_third_time_is_suspect_from_its_first_word() {
        let mut g = RepeatGuard::new();
        assert!(!g.push("I'm glad to say I'm here. I'm glad to say I'm here. "));
        assert!(!g.suspect());
        assert!(!g.push("I'm glad"));
        assert!(g.suspect(), "begins like a sentence said twice");
        assert!(!g.push(" you asked. "));
        assert!(!g.suspect(), "it went elsewhere");
        assert!(!g.push("I'm glad to say"));
        assert!(g.suspect());
        assert!(g.push(" I'm here."), "the third time");
    }

    #[test]
    fn placeholders_are_not_answers() {
        for p in [
            "",
            "  ",
            "...",
            "…",
            "{name}",
            "{response}",
            "<answer>",
            "(response)",
            "[your answer]",
            "Your response here",
        ] {
            assert!(placeholder(p), "{p:?}");
        }
        for a in ["Hi!", "Paris.", "네, 안녕하세요!", "I think (maybe) it is 4."] {
            assert!(!placeholder(a), "{a:?}");
            let first: String = a.chars().take(1).collect();
            assert!(!maybe_placeholder(&first) || a.starts_with('I'), "{a:?} is clear at once");
        }
        for p in ["", "{na", "<ans", "...", "Your resp", "(resp"] {
            assert!(maybe_placeholder(p), "{p:?} is held");
        }
        assert!(!maybe_placeholder("Hello"));
    }
}
