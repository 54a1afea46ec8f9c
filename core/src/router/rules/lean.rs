//! Before the model, two leanings where a weak classifier's mistakes cost most:
//! - **when in doubt, reason**: a message that asks for an explanation, a proof, code, a
//!   design, a comparison or a plan goes to the reasoner (calling it `direct` would give the
//!   user a small model's guess; routing small talk costs only time);
//! - **vague, with nothing before it**: a short request that points at something never named
//!   ("fix it", "그거 해줘") gets a question back.

use super::{any_word, contains_any};

const ANALYTIC_EN: &[&str] = &[
    "explain",
    "why",
    "prove",
    "compare",
    "design",
    "debug",
    "summarise",
    "summarize",
    "implement",
    "analyse",
    "analyze",
    "derive",
    "trade-offs",
    "tradeoffs",
    "causes",
];
const ANALYTIC_EN_PHRASES: &[&str] = &[
    "how does",
    "how do i design",
    "how should",
    "step by step",
    "write a",
    "write an",
    "difference between",
    "pros and cons",
    "plan a",
    "what are the",
    "is p equal",
    "for and against",
];
const ANALYTIC_KO: &[&str] = &[
    "설명",
    "왜",
    "증명",
    "비교",
    "설계",
    "정리해",
    "계획",
    "원인",
    "차이",
    "단계별",
    "분석",
    "구현",
    "작성",
    "장단점",
    "어떻게 동작",
    "어떻게 설계",
];

/// Whether `t` (lower case) asks for reasoning.
pub fn analytic(t: &str, ws: &[&str]) -> bool {
    any_word(ws, ANALYTIC_EN) || contains_any(t, ANALYTIC_EN_PHRASES) || contains_any(t, ANALYTIC_KO)
}

const POINTERS_EN: &[&str] = &["it", "that", "this", "thing", "usual", "again", "one"];
/// How a request starts ("fix it", "what about that one", "the usual").
const REQUESTS_EN: &[&str] =
    &["do ", "fix ", "make ", "change ", "send ", "book ", "can ", "could ", "what about ", "the usual", "redo "];
const POINTERS_KO: &[&str] =
    &["그거", "저거", "이거", "저건", "그걸", "그건", "늘 하던", "다시 해", "바꿔", "고쳐", "더 좋게"];

/// Whether `t` is a short request that points at something it never names.
pub fn vague(t: &str, ws: &[&str]) -> bool {
    let short = ws.len() <= 6;
    let helpless = ws == ["help"] || t.trim() == "도와줘";
    let en = REQUESTS_EN.iter().any(|r| t.starts_with(r)) && any_word(ws, POINTERS_EN);
    short && (helpless || en || contains_any(t, POINTERS_KO))
}
