//! `router::stream_parse::StreamParser`: a classifier reply fed in arbitrary chunks.
//!
//! Checked, from the code and its docs:
//! - `raw()` is "the whole reply so far": the concatenation of the chunks pushed;
//! - `shown()` is "the answer text shown so far": it only grows, and it is exactly what the
//!   `Emit::Text`s gave, none of them empty;
//! - the action is emitted at most once, and before any text;
//! - `finish`: only a direct answer or a question back has a rest to show (never an empty
//!   one), and "what was shown stands": shown + rest is the final answer (up to the trimming
//!   of its ends).
//!
//! Input: byte 0 = number N (0..=15) of chunk-length bytes that follow; the rest is the reply
//! (lossy UTF-8), cut into chunks of those lengths in turn (moved up to a char boundary; a
//! length 0 pushes an empty chunk). N = 0: one chunk. After MAX_CHUNKS chunks the rest is one
//! chunk (a classifier reply is at most ~1024 tokens; every push rescans the whole reply).
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_core::router::decision::Decision;
use switchboard_core::router::stream_parse::{Emit, StreamParser};

const USER: &str = "what is a monad?";
const MAX_CHUNKS: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else { return };
    let n = usize::from(n % 16).min(rest.len());
    let (lens, text) = rest.split_at(n);
    let text = String::from_utf8_lossy(text);
    let text: &str = &text;

    let mut chunks: Vec<&str> = Vec::new();
    if lens.is_empty() {
        chunks.push(text);
    } else {
        let mut at = 0;
        let mut i = 0;
        // Empty chunks are pushed too, but only so many (lengths of 0 would never finish).
        let mut empties = 0;
        while at < text.len() {
            if chunks.len() >= MAX_CHUNKS {
                chunks.push(&text[at..]);
                break;
            }
            let len = usize::from(lens[i % lens.len()]);
            i += 1;
            if len == 0 {
                empties += 1;
                if empties <= 64 {
                    chunks.push("");
                }
                if empties > 64 && lens.iter().all(|&l| l == 0) {
                    chunks.push(&text[at..]);
                    break;
                }
                continue;
            }
            let mut end = (at + len).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            chunks.push(&text[at..end]);
            at = end;
        }
    }

    let mut p = StreamParser::new();
    let mut raw = String::new();
    let mut texts = String::new();
    let mut actions = 0;
    for chunk in &chunks {
        let before = p.shown().to_string();
        let emits = p.push(chunk);
        raw.push_str(chunk);
        assert_eq!(p.raw(), raw, "raw() is the concatenation of the chunks");
        let mut added = String::new();
        for e in &emits {
            match e {
                Emit::Action(_) => {
                    actions += 1;
                    assert_eq!(actions, 1, "the action is emitted once: {emits:?}");
                    assert!(texts.is_empty() && added.is_empty(), "the action comes before any text");
                }
                Emit::Text(t) => {
                    assert!(!t.is_empty(), "an empty Emit::Text");
                    assert_eq!(actions, 1, "text {t:?} before the action");
                    added.push_str(t);
                }
            }
        }
        texts.push_str(&added);
        assert!(p.shown().starts_with(&before), "shown() shrank: {before:?} -> {:?}", p.shown());
        assert_eq!(p.shown(), format!("{before}{added}"), "shown() grows by exactly the emitted text");
        assert_eq!(p.shown(), texts);
    }

    let shown = p.shown().to_string();
    let (d, rest) = p.finish(USER);
    if let Some(r) = &rest {
        assert!(!r.is_empty(), "an empty rest");
    }
    match &d {
        Decision::Direct { response } | Decision::Clarify { response } => {
            let seen = format!("{shown}{}", rest.as_deref().unwrap_or(""));
            assert_eq!(
                seen.trim(),
                response.trim(),
                "shown {shown:?} + rest {rest:?} is not the answer {response:?} (chunks {chunks:?})"
            );
        }
        _ => assert_eq!(rest, None, "a rest for {d:?}"),
    }
});
