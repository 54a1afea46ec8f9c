//! Before the model, two leanings where a weak classifier's mistakes cost most:
//! - **when in doubt, reason**: a message that asks for an explanation, a proof, code, a
//!   design, a comparison or a plan goes to the reasoner (calling it `direct` would give the
//!   user a small model's guess; routing small talk costs only time);
//! - **numbers to work out**: a prime test, a percentage, a word problem ("a train leaves at
//!   9:40 doing 80 km/h ..."): a small model's arithmetic is a guess, and a time in such a
//!   problem is not an appointment;
//! - **vague, with nothing before it**: a short request that points at something never named
//!   ("fix it", "그거 해줘", "do it like last time") gets a question back;
//! - **more of a reasoner's work**: a change asked of the code or text a reasoning request
//!   just got ("now make it thread-safe") goes where the request went.

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
    "draft a",
    "draft an",
    "write me a",
    "come up with a plan",
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
    "써줘",
    "써 줘",
    "짜줘",
    "짜 줘",
    "만들어줘 코드",
];

/// Whether `t` (lower case) asks for reasoning.
pub fn analytic(t: &str, ws: &[&str]) -> bool {
    any_word(ws, ANALYTIC_EN) || contains_any(t, ANALYTIC_EN_PHRASES) || contains_any(t, ANALYTIC_KO)
}

const POINTERS_EN: &[&str] = &["it", "that", "this", "thing", "usual", "again", "one"];
/// How a request starts ("fix it", "what about that one", "the usual").
const REQUESTS_EN: &[&str] = &[
    "do ",
    "fix ",
    "make ",
    "change ",
    "send ",
    "book ",
    "can ",
    "could ",
    "what about ",
    "the usual",
    "redo ",
    "look into ",
    "check ",
    "continue",
    "keep going",
    "same ",
];
/// What comes before a request and says nothing ("ok so just do it").
const FILLERS_EN: &[&str] =
    &["ok ", "okay ", "so ", "just ", "pls ", "please ", "hey ", "um ", "alright ", "well ", "oh ", "and ", "also "];
/// Something said before, never shown ("like last time", "저번처럼").
const BEFORE: &[&str] = &[
    "like last time",
    "like i said",
    "as i said",
    "as before",
    "same as before",
    "like before",
    "저번처럼",
    "저번 처럼",
    "지난번처럼",
    "지난번 처럼",
    "아까처럼",
    "아까 처럼",
    "거기서부터",
    "the other thing",
    "that other thing",
];
/// "is this one better or the other one?": a choice between things never shown.
const WHICH_ONE: &[&str] = &["this one", "that one", "the other one", "이거랑 저거", "이게 나아 저게"];
const POINTERS_KO: &[&str] =
    &["그거", "저거", "이거", "저건", "그걸", "그건", "늘 하던", "다시 해", "바꿔", "고쳐", "더 좋게"];
/// "why is that?" with nothing else: about what it never says.
#[rustfmt::skip]
const WHY_THAT: &[&str] = &[
    "왜그럼", "왜 그럼", "왜그래", "왜 그래", "왜 이렇게 된", "왜 이렇게 됐", "왜이렇게 된", "why is that", "why's that",
    "why is it like that", "why did it do that",
];

/// Whether `t` is a short request that points at something it never names.
pub fn vague(t: &str, ws: &[&str]) -> bool {
    let mut s = t.trim_start();
    while let Some(rest) = FILLERS_EN.iter().find_map(|f| s.strip_prefix(f)) {
        s = rest.trim_start();
    }
    // Six words at most, fillers aside ("ok so just do it like last time").
    let short = super::words(s).len() <= 6;
    let helpless = ws == ["help"] || t.trim() == "도와줘";
    let en = REQUESTS_EN.iter().any(|r| s.starts_with(r)) && any_word(ws, POINTERS_EN);
    // "why is that" and one word at most besides ("이상한데 왜그럼?"), not "고양이가 밤마다 우는데
    // 왜 그래?" (which says what).
    let why = WHY_THAT.iter().any(|w| t.contains(w) && super::words(&t.replacen(w, " ", 1)).len() <= 1);
    let which = ws.len() <= 10 && contains_any(t, WHICH_ONE) && t.contains('?');
    (short && (helpless || en || why || contains_any(t, POINTERS_KO)))
        || which
        || (ws.len() <= 12 && contains_any(t, BEFORE))
}

/// Whether `t` (lower case) is a feeling shared, not a request: a laugh, a sigh or "just
/// needed to vent", no question but how the assistant is ("너는 오늘 어땠어?"), no request.
/// Small talk that names a day or a meeting in passing ("내일 금요일이라니 너무 행복하다 ㅎㅎ",
/// "had the worst monday ever ... haha") is not a calendar question.
pub fn venting(t: &str, ws: &[&str]) -> bool {
    let emotive = contains_any(t, &["ㅎㅎ", "ㅋㅋ", "ㅠㅠ", "ㅜㅜ", "haha", "하소연", "no need to fix"])
        || any_word(ws, &["lol", "lmao", "vent", "venting"]);
    let asks = t.contains('?') && !contains_any(t, &["너는", "넌 ", "how about you", "and you", "what about you"]);
    let requests = contains_any(t, &["줘", "알려", "보여", "찾아", "please", "pls", "can you", "could you"])
        || analytic(t, ws)
        || super::cue::tool_words(t)
        || any_word(ws, &["show", "find", "add", "book", "check", "open", "read", "remind", "schedule"]);
    emotive && !asks && !requests
}

/// Whether `ws` (the words of a lower-case message `t`) are a problem to work out with numbers.
/// `dated`: the message names a date or time; then only a prime test, a percentage or a
/// speed counts ("how many 1:1s this week and next?" is the calendar's).
pub fn arithmetic(t: &str, ws: &[&str], dated: bool) -> bool {
    let numbers = ws.iter().filter(|w| w.starts_with(|c: char| c.is_ascii_digit())).count();
    if numbers == 0 {
        return false;
    }
    let prime =
        any_word(ws, &["prime", "primes"]) || contains_any(t, &["소수야", "소수임", "소수인", "소수냐", "소수 맞"]);
    let work = any_word(ws, &["calculate", "compute", "solve", "factorial", "sqrt", "percent", "percentage"])
        || contains_any(t, &["%", "계산", "퍼센트", "제곱근", "square root"]);
    let speed = numbers >= 2 && contains_any(t, &["km/h", "mph", "시속"]);
    #[rustfmt::skip]
    let problem = numbers >= 2 && !dated && contains_any(t, &[
        "how much", "how many", "how far", "how long", "catch up", "얼마", "몇 개", "몇개", "몇 명", "몇명",
        "몇 분", "몇시간", "따라잡", "거스름",
    ]);
    prime || work || speed || problem
}

/// Whether `t`, a change asked after `previous` (the user's turn before), continues a
/// reasoning request: the previous one asked for reasoning and this one asks to change or
/// extend what it got ("now make it work on a stream", "이거 멀티스레드에서도 안전하게 바꿔줘").
pub fn more_of(t: &str, ws: &[&str], previous: &str) -> bool {
    let p = previous.to_lowercase();
    let pws = super::words(&p);
    let reasoned = analytic(&p, &pws) || arithmetic(&p, &pws, false);
    let change = any_word(
        ws,
        &["make", "change", "rewrite", "modify", "extend", "add", "convert", "refactor", "optimize", "fix"],
    ) || contains_any(t, &["바꿔", "고쳐", "수정", "추가해", "만들어", "확장"]);
    reasoned && change
}
