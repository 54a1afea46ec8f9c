//! Nearest examples: a message takes the action of the labelled example utterances it is most
//! like (the approach of semantic routers), compared as character n-grams (2 to 4, within
//! words, weighted by TF-IDF, cosine similarity). Character n-grams need no model and work
//! for Korean, whose words change their endings (일정 / 일정이 / 일정은).
//!
//! The examples are `examples.jsonl` beside this file (written apart from the benchmark's
//! sets). A verdict is given only when the nearest examples agree and are close enough;
//! otherwise the classifier decides.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::Action;

/// The examples' text (JSON lines: lang, want, op, text): written for the router, then the
/// routing benchmark's sets once each was scored blind and read (`examples-read.jsonl`, each
/// line naming its set; follow-ups, whose meaning is in their history, left out).
const EXAMPLES: &str = concat!(include_str!("examples.jsonl"), include_str!("examples-read.jsonl"));
/// Neighbours that vote. Measured leave-one-set-out (the routing benchmark's `--tune`,
/// 2026-12-05): each of the 390 examples read from the 13 scored sets that the rules leave to
/// the model, given the verdict of the other sets' examples, was right for 92.1 % with five
/// neighbours and the embeddings' share 0.5, and for 93.8 % with one neighbour and 0.7. On
/// the next blind set (fresh11, 150 messages, scored once with one and 0.7) the router was
/// right for 81.3 % that way and 84.7 % with five and 0.5: one neighbour follows a single
/// odd example (a mislabelled "email Mark that I'll be 10 min late" made "email Sam ..."
/// small talk), and the read sets share common phrases word for word, which flatters one
/// neighbour. Five and 0.5 stay.
pub const K: usize = 5;
/// A verdict is acted on when its nearest example is at least this alike ...
pub const MIN_SIMILARITY: f64 = 0.3;
/// ... and the neighbours' vote at least this much for it (both chosen on the benchmark's
/// dev set only: the best of similarity 0.3-0.7 by agreement 0.5-1.0).
pub const MIN_AGREEMENT: f64 = 0.5;
/// The same, for a likeness mixed with embeddings (leave-one-set-out, any similarity from
/// 0.2 to 0.4 acts on the same verdicts).
pub const MIN_SIMILARITY_EMBEDDED: f64 = 0.3;
pub const MIN_AGREEMENT_EMBEDDED: f64 = 0.5;
/// With embeddings (`router::embed`), a message's likeness to an example is this much their
/// embeddings' (cosine, centred on the examples' mean) and the rest their n-grams' (for a
/// tool's operation, [`tool_op_among`]).
pub const EMBED_WEIGHT: f64 = 0.5;
/// Longest message compared, in characters (a long paste is not small talk or a tool request).
const MAX_CHARS: usize = 600;

#[derive(Deserialize)]
struct Line {
    want: String,
    op: Option<String>,
    text: String,
    /// The benchmark set it was read from (`examples-read.jsonl`).
    from: Option<String>,
}

/// What the nearest examples say.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub action: Action,
    /// `tool.operation`, for tools.
    pub op: Option<String>,
    /// Cosine similarity of the nearest example (0 to 1).
    pub similarity: f64,
    /// The winning label's share of the neighbours' similarity-weighted vote (0 to 1).
    pub agreement: f64,
}

/// A sparse, L2-normalised vector of n-gram weights.
type Vector = Vec<(u64, f64)>;

struct Index {
    idf: HashMap<u64, f64>,
    examples: Vec<(Vector, Action, Option<String>)>,
    texts: Vec<String>,
    sets: Vec<Option<String>>,
}

fn hash(s: &str) -> u64 {
    // SipHash with fixed keys: the same on every run.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// N-gram counts of `text`: lower case, words of letters and digits, each padded with a space
/// on both sides.
fn grams(text: &str) -> HashMap<u64, f64> {
    let lower: String = text.chars().take(MAX_CHARS).collect::<String>().to_lowercase();
    let mut counts = HashMap::new();
    for word in lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let chars: Vec<char> = std::iter::once(' ').chain(word.chars()).chain(std::iter::once(' ')).collect();
        for n in 2..=4 {
            for w in chars.windows(n) {
                *counts.entry(hash(&w.iter().collect::<String>())).or_insert(0.0) += 1.0;
            }
        }
    }
    counts
}

fn vector(counts: HashMap<u64, f64>, idf: &HashMap<u64, f64>, unseen: f64) -> Vector {
    let mut v: Vector =
        counts.into_iter().map(|(g, tf)| (g, (1.0 + tf.ln()) * idf.get(&g).copied().unwrap_or(unseen))).collect();
    let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
    if norm > 0.0 {
        for (_, w) in &mut v {
            *w /= norm;
        }
    }
    v.sort_unstable_by_key(|(g, _)| *g);
    v
}

fn cosine(a: &Vector, b: &Vector) -> f64 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

impl Index {
    fn build(source: &str) -> Index {
        let lines: Vec<Line> = source.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        let counts: Vec<HashMap<u64, f64>> = lines.iter().map(|l| grams(&l.text)).collect();
        let mut df: HashMap<u64, f64> = HashMap::new();
        for c in &counts {
            for g in c.keys() {
                *df.entry(*g).or_insert(0.0) += 1.0;
            }
        }
        let n = counts.len().max(1) as f64;
        let idf: HashMap<u64, f64> = df.into_iter().map(|(g, d)| (g, (n / d).ln() + 1.0)).collect();
        let unseen = n.ln() + 1.0;
        let mut sets = Vec::new();
        let (examples, texts) = lines
            .into_iter()
            .zip(counts)
            .filter_map(|(l, c)| {
                let labelled = (vector(c, &idf, unseen), Action::parse(&l.want)?, l.op);
                sets.push(l.from);
                Some((labelled, l.text))
            })
            .unzip();
        Index { idf, examples, texts, sets }
    }

    /// `text`'s likeness to each example: n-grams, mixed with `embedded` (one similarity
    /// per example, in their order) when given; none when `text` has no word.
    fn likeness(&self, text: &str, embedded: Option<(&[f64], f64)>) -> Option<Vec<f64>> {
        let n = self.examples.len().max(1) as f64;
        let v = vector(grams(text), &self.idf, n.ln() + 1.0);
        if v.is_empty() {
            return None;
        }
        let grams = self.examples.iter().map(|(e, _, _)| cosine(&v, e));
        Some(match embedded.filter(|(e, _)| e.len() == self.examples.len()) {
            Some((e, w)) => grams.zip(e).map(|(g, e)| (1.0 - w) * g + w * e).collect(),
            None => grams.collect(),
        })
    }

    /// The verdict of the `k` nearest examples, those `left_out` takes aside.
    fn nearest(
        &self,
        text: &str,
        embedded: Option<(&[f64], f64)>,
        k: usize,
        left_out: &dyn Fn(usize) -> bool,
    ) -> Option<Verdict> {
        let mut scored: Vec<(f64, usize)> = self
            .likeness(text, embedded)?
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !left_out(*i))
            .map(|(i, s)| (s, i))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.truncate(k.max(1));
        let similarity = scored.first()?.0;
        // Votes per action, weighted by similarity (two tool operations agree on `tools`);
        // then, for a tool, the operation with the most weight among its neighbours.
        let mut votes: Vec<(Action, f64)> = Vec::new();
        let mut ops: Vec<(&str, f64)> = Vec::new();
        for (s, i) in &scored {
            let (_, action, op) = &self.examples[*i];
            match votes.iter_mut().find(|(a, _)| a == action) {
                Some((_, w)) => *w += s,
                None => votes.push((*action, *s)),
            }
            if let Some(op) = op.as_deref() {
                match ops.iter_mut().find(|(o, _)| *o == op) {
                    Some((_, w)) => *w += s,
                    None => ops.push((op, *s)),
                }
            }
        }
        let total: f64 = votes.iter().map(|(_, w)| w).sum();
        let (action, best) = votes.into_iter().max_by(|a, b| a.1.total_cmp(&b.1))?;
        let agreement = if total > 0.0 { best / total } else { 0.0 };
        let op = (action == Action::Tools)
            .then(|| ops.into_iter().max_by(|a, b| a.1.total_cmp(&b.1)).map(|(o, _)| o.to_string()))
            .flatten();
        Some(Verdict { action, op, similarity, agreement })
    }
}

impl Index {
    /// The tool operation of the tool examples `text` is most like (weighted vote of the `K`
    /// nearest tool examples), for a message already known to be a tool call; only the
    /// operations `fits` takes.
    fn tool_op(&self, text: &str, embedded: Option<(&[f64], f64)>, fits: &dyn Fn(&str) -> bool) -> Option<String> {
        let likeness = self.likeness(text, embedded)?;
        let mut scored: Vec<(f64, &str)> = self
            .examples
            .iter()
            .zip(likeness)
            .filter_map(|((_, _, op), s)| op.as_deref().filter(|o| *o != "email.send" && fits(o)).map(|o| (s, o)))
            .filter(|(s, _)| *s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.truncate(K);
        let mut ops: Vec<(&str, f64)> = Vec::new();
        for (s, op) in scored {
            match ops.iter_mut().find(|(o, _)| *o == op) {
                Some((_, w)) => *w += s,
                None => ops.push((op, s)),
            }
        }
        ops.into_iter().max_by(|a, b| a.1.total_cmp(&b.1)).map(|(o, _)| o.to_string())
    }
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| Index::build(EXAMPLES))
}

/// The tool operation (`calendar.search` ...) of the tool examples most like `text`: for a
/// message the classifier chose to be a tool call, a 135M model names the wrong operation far
/// more often than the examples do.
pub fn tool_op(text: &str) -> Option<String> {
    index().tool_op(text, None, &|_| true)
}

/// [`tool_op`], with `text`'s embedding similarity to each example ([`example_texts`]' order)
/// when there are any, among the operations `fits` takes (those of a tool the message names:
/// `rules::cued_tools`).
pub fn tool_op_among(text: &str, embedded: Option<&[f64]>, fits: &dyn Fn(&str) -> bool) -> Option<String> {
    index().tool_op(text, embedded.map(|e| (e, EMBED_WEIGHT)), fits)
}

/// [`tool_op`], with `text`'s embedding similarity to each example ([`example_texts`]' order).
pub fn tool_op_embedded(text: &str, embedded: &[f64]) -> Option<String> {
    tool_op_among(text, Some(embedded), &|_| true)
}

/// What the nearest examples say of `text`.
pub fn nearest(text: &str) -> Option<Verdict> {
    index().nearest(text, None, K, &|_| false)
}

/// What the nearest examples say of `text`, compared by n-grams and by `embedded`: its
/// embedding similarity to each example, in [`example_texts`]' order (ignored when it has
/// not one per example).
pub fn nearest_embedded(text: &str, embedded: &[f64]) -> Option<Verdict> {
    nearest_mixed(text, embedded, EMBED_WEIGHT)
}

/// [`nearest_embedded`] with the embeddings' share `weight` (0 to 1; the routing benchmark's
/// sweep).
pub fn nearest_mixed(text: &str, embedded: &[f64], weight: f64) -> Option<Verdict> {
    index().nearest(text, Some((embedded, weight.clamp(0.0, 1.0))), K, &|_| false)
}

/// [`nearest_mixed`] of `k` neighbours, the examples read from the set `left_out` set aside:
/// the routing benchmark's leave-one-set-out measure of the examples (`--tune`).
pub fn nearest_left_out(text: &str, embedded: &[f64], weight: f64, k: usize, left_out: &str) -> Option<Verdict> {
    let index = index();
    let out = |i: usize| index.sets[i].as_deref() == Some(left_out);
    index.nearest(text, Some((embedded, weight.clamp(0.0, 1.0))), k, &out)
}

/// An example: its text, action, tool operation and the set it was read from, in
/// [`example_texts`]' order.
pub fn examples() -> impl Iterator<Item = (&'static str, Action, Option<&'static str>, Option<&'static str>)> {
    let index = index();
    index
        .texts
        .iter()
        .zip(&index.examples)
        .zip(&index.sets)
        .map(|((text, (_, action, op)), set)| (text.as_str(), *action, op.as_deref(), set.as_deref()))
}

/// The examples' texts, in the order similarities are given.
pub fn example_texts() -> &'static [String] {
    &index().texts
}

impl Verdict {
    /// This verdict, its tool operation (when `fits` refuses it) replaced by the nearest
    /// tool examples' among those `fits` takes.
    pub fn fitted(mut self, text: &str, embedded: Option<&[f64]>, fits: &dyn Fn(&str) -> bool) -> Verdict {
        if self.action == Action::Tools && self.op.as_deref().is_some_and(|o| !fits(o)) {
            if let Some(op) = tool_op_among(text, embedded, fits) {
                self.op = Some(op);
            }
        }
        self
    }

    /// Whether this verdict is sure enough to act on: the nearest example at least
    /// `min_similarity` alike, and the neighbours' vote at least `min_agreement` for it.
    pub fn sure(&self, min_similarity: f64, min_agreement: f64) -> bool {
        self.similarity >= min_similarity && self.agreement >= min_agreement
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{"lang":"en","want":"direct","text":"hello there, how are you"}
{"lang":"en","want":"direct","text":"good morning to you"}
{"lang":"en","want":"tools","op":"calendar.today","text":"what is on my calendar today"}
{"lang":"en","want":"tools","op":"calendar.today","text":"any meetings today"}
{"lang":"ko","want":"tools","op":"calendar.today","text":"오늘 일정 알려줘"}
{"lang":"en","want":"status","text":"is the gpu server busy"}
not json
{"lang":"en","want":"nonsense","text":"skipped"}"#;

    #[test]
    fn the_nearest_examples_vote() {
        let index = Index::build(SMALL);
        assert_eq!(index.examples.len(), 6, "bad lines and unknown actions are skipped");
        let v = index.nearest("hello, how are you doing?", None, K, &|_| false).unwrap();
        assert_eq!(v.action, Action::Direct, "{v:?}");
        let v = index.nearest("오늘 일정이 뭐야", None, K, &|_| false).unwrap();
        assert_eq!((v.action, v.op.as_deref()), (Action::Tools, Some("calendar.today")), "{v:?}");
        assert!(v.similarity > 0.3 && v.similarity <= 1.0 + 1e-9, "{v:?}");
        let v = index.nearest("is the server busy right now", None, K, &|_| false).unwrap();
        assert_eq!(v.action, Action::Status, "{v:?}");
        assert_eq!(index.nearest("!!! ...", None, K, &|_| false), None, "no words, no verdict");
    }

    #[test]
    fn a_set_left_out_has_no_vote() {
        let source = r#"{"want":"direct","text":"good morning to you","from":"a"}
{"want":"tools","op":"calendar.today","text":"good morning, my calendar today","from":"b"}
{"want":"tools","op":"calendar.today","text":"what is on my calendar today"}"#;
        let index = Index::build(source);
        assert_eq!(index.sets, [Some("a".to_string()), Some("b".to_string()), None]);
        let all = index.nearest("good morning to you all", None, 1, &|_| false).unwrap();
        assert_eq!(all.action, Action::Direct, "{all:?}");
        let out = |i: usize| index.sets[i].as_deref() == Some("a");
        let left_out = index.nearest("good morning to you all", None, 1, &out).unwrap();
        assert_eq!(left_out.action, Action::Tools, "{left_out:?}");
    }

    #[test]
    fn embeddings_mix_with_the_ngrams() {
        let index = Index::build(SMALL);
        let text = "오늘 일정이 뭐야";
        // The embeddings say it is like the two greetings and nothing else.
        let embedded = [0.9, 0.9, -0.2, -0.2, -0.2, -0.2];
        let grams = index.likeness(text, None).unwrap();
        let mixed = index.likeness(text, Some((&embedded, EMBED_WEIGHT))).unwrap();
        for i in 0..6 {
            assert!((mixed[i] - ((1.0 - EMBED_WEIGHT) * grams[i] + EMBED_WEIGHT * embedded[i])).abs() < 1e-12);
        }
        assert_eq!(index.nearest(text, Some((&embedded, EMBED_WEIGHT)), K, &|_| false).unwrap().action, Action::Direct);
        // One similarity per example, or they are not used.
        let ignored = index.likeness(text, Some((&embedded[..5], EMBED_WEIGHT))).unwrap();
        assert!(ignored.iter().zip(&grams).all(|(a, b)| (a - b).abs() < 1e-12), "{ignored:?}");
        assert_eq!(index.tool_op(text, Some((&embedded, EMBED_WEIGHT)), &|_| true).as_deref(), Some("calendar.today"));
    }

    /// Neighbours that are all tool calls agree on `tools`, whatever their operations.
    #[test]
    fn tool_operations_agree_on_the_action() {
        let index = Index::build(
            r#"{"lang":"en","want":"tools","op":"calendar.search","text":"am I free on friday"}
{"lang":"en","want":"tools","op":"calendar.create_draft","text":"book a call friday at 3pm"}
{"lang":"en","want":"tools","op":"calendar.today","text":"am I free right now"}
{"lang":"en","want":"direct","text":"good evening friend"}"#,
        );
        let v = index.nearest("am I free friday at 3pm?", None, K, &|_| false).unwrap();
        assert_eq!(v.action, Action::Tools, "{v:?}");
        assert!(v.agreement > 0.9, "{v:?}");
        assert_eq!(v.op.as_deref(), Some("calendar.search"), "{v:?}");
    }

    #[test]
    fn a_tool_call_takes_the_operation_of_the_nearest_tool_examples() {
        for (text, op) in [
            ("any new mail from Jane?", "email.search"),
            ("오늘 일정 뭐 있어", "calendar.today"),
            ("find the lease document", "document.search"),
        ] {
            assert_eq!(tool_op(text).as_deref(), Some(op), "{text}");
        }
        assert_eq!(tool_op(""), None);
        // Among a tool's operations only.
        let calendar = |o: &str| o.starts_with("calendar.");
        assert!(tool_op_among("any new mail from Jane?", None, &calendar).is_some_and(|o| calendar(&o)));
        let v = Verdict { action: Action::Tools, op: Some("email.send".into()), similarity: 0.5, agreement: 0.5 };
        assert!(v.fitted("what's on thursday?", None, &calendar).op.is_some_and(|o| calendar(&o)));
    }

    #[test]
    fn sure_needs_both_similarity_and_agreement() {
        let v = Verdict { action: Action::Direct, op: None, similarity: 0.6, agreement: 0.9 };
        assert!(v.sure(0.5, 0.6));
        assert!(!v.sure(0.7, 0.6));
        assert!(!Verdict { agreement: 0.5, ..v }.sure(0.5, 0.6));
    }

    /// A benchmark set becomes examples only once it was scored blind and read: the examples
    /// name their set, and hold few messages of a set not yet scored: only the common phrases
    /// any two sets share ("what's on my plate today?"), not the set.
    #[test]
    fn no_unscored_benchmark_set_is_among_the_examples() {
        const READ: &[&str] = &[
            "dev", "holdout", "test", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8",
            "fresh9", "fresh10", "fresh11", "fresh12", "fresh13", "fresh14", "fresh15", "fresh16", "fresh17",
            "fresh18", "fresh19", "fresh20", "fresh21", "fresh22", "fresh23",
        ];
        let text = |l: &str| serde_json::from_str::<Line>(l).ok().map(|l| l.text.trim().to_lowercase());
        let examples: std::collections::HashSet<String> = EXAMPLES.lines().filter_map(text).collect();
        for line in include_str!("examples-read.jsonl").lines() {
            let from: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(READ.contains(&from["from"].as_str().unwrap_or_default()), "{line}");
        }
        // The sets not among the examples: written and not yet scored (a new one goes here
        // until it is scored and read), or scored last and kept out so that its figure is
        // the router's as shipped.
        const UNSCORED: &[&str] =
            &[include_str!("../../benches/routing/fresh24.jsonl"), include_str!("../../benches/routing/fresh25.jsonl")];
        for set in UNSCORED {
            let unscored: Vec<String> = set.lines().filter_map(text).collect();
            let shared = unscored.iter().filter(|t| examples.contains(*t)).count();
            // Not printed: the set is read only after its score.
            assert!(shared * 5 < unscored.len(), "{shared} of {} unscored messages are examples", unscored.len());
        }
    }

    #[test]
    fn the_shipped_examples_load_and_a_long_paste_is_bounded() {
        assert!(index().examples.len() >= 100, "{}", index().examples.len());
        // Found trying the app: answered directly before the vote was per action.
        let v = nearest("am I free tomorrow at 3pm?").unwrap();
        assert!(v.action == Action::Tools && v.sure(MIN_SIMILARITY, MIN_AGREEMENT), "{v:?}");
        let paste = "word ".repeat(100_000);
        assert!(nearest(&paste).is_some());
    }
}
