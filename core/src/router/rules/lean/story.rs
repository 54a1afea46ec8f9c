//! A story told, not a request: a feeling shared ("하소연"), the user's day with a meeting or a
//! mail in passing. Small talk, decided before the tools' rules, which would take the meeting for
//! a calendar question.

use super::super::{any_word, contains_any, cue, words};
use super::analytic;

/// Whether `t` (lower case) is a feeling shared, not a request: a laugh, a sigh or "just
/// needed to vent", no question but how the assistant is ("너는 오늘 어땠어?"), no request.
/// Small talk that names a day or a meeting in passing ("내일 금요일이라니 너무 행복하다 ㅎㅎ",
/// "had the worst monday ever ... haha") is not a calendar question.
pub fn venting(t: &str, ws: &[&str]) -> bool {
    let emotive = contains_any(t, &["ㅎㅎ", "ㅋㅋ", "ㅠㅠ", "ㅜㅜ", "haha", "하소연", "no need to fix"])
        || any_word(ws, &["lol", "lmao", "vent", "venting"]);
    let asks = t.contains('?') && !contains_any(t, &["너는", "넌 ", "how about you", "and you", "what about you"]);
    let requests = contains_any(
        t,
        &["줘", "주세요", "부탁", "알려", "보여", "찾아", "다시", "please", "pls", "can you", "could you"],
    ) || analytic(t, ws)
        || cue::tool_words(t)
        || any_word(ws, &["show", "find", "add", "book", "check", "open", "read", "remind", "schedule"]);
    emotive && !asks && !requests
}

/// Fillers a sentence may start with before its verb ("ugh ok so just book it").
#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "ok", "okay", "so", "just", "pls", "please", "hey", "um", "alright", "well", "oh", "and", "also", "but", "then",
    "now", "haha", "lol", "ugh", "yeah", "yes", "sure", "great", "cool", "thanks", "anyway", "anyways",
];
/// Verbs that, first in a sentence, ask for something ("book it", "show me ...").
#[rustfmt::skip]
const ASKING_VERBS: &[&str] = &[
    "show", "find", "check", "list", "open", "read", "book", "add", "schedule", "send", "reply", "forward", "write",
    "draft", "search", "look", "pull", "dig", "summarise", "summarize", "give", "make", "put", "set", "cancel",
    "move", "tell", "remind", "explain", "translate", "rewrite", "fix", "help", "get", "email", "mail", "call",
    "decline", "push", "block", "update", "delete", "clear", "reschedule", "let", "accept", "invite", "note",
    "plan", "recommend", "suggest", "compare", "create", "build", "design",
];
#[rustfmt::skip]
const ASKING: &[&str] = &[
    "can you", "could you", "would you", "will you", "can u", "please", "pls", "plz", "let me know", "remind",
    "i need", "need to", "have to", "want you", "i'd like", "don't forget", "make sure", "should i", "need a ",
    "looking for", "ideas for", "idea for", "name for", "caption",
    "wondering", "don't remember", "not sure what", "not sure when", "기억 안", "까먹", "궁금",
    "줘", "주세요", "줄래", "주실", "줄 수", "주라", "부탁", "해봐", "알려", "보여", "찾아봐", "야 하", "야 돼", "야 되",
    "할래", "잡아", "등록", "추가해", "옮겨", "취소", "미뤄", "확인해", "해놔", "보내놔", "지워", "삭제", "바꿔줘", "박아", "넣어",
];
/// How the assistant is, asked back at the end of a story ("anyway how's your day going").
#[rustfmt::skip]
const ASKED_BACK: &[&str] = &[
    "how are you", "how about you", "what about you", "how's your", "how is your", "how was your",
    "how have you been", "how've you been", "hbu", "wbu", "and you", "you?", "그쪽은", "어떻게 지내", "어떠세요",
    "너는", "넌 ", "넌?", "잘 지내", "오늘 어때", "당신은",
];
/// A feeling in a story: a laugh, a sigh, a word of how it felt. English as words ("ugh",
/// not "through"; "vent", not "inventory"), Korean and phrases as they are written.
#[rustfmt::skip]
const FEELING_WORDS: &[&str] = &[
    "lol", "lmao", "haha", "hahaha", "ugh", "ughh", "anyway", "anyways", "finally", "tired", "exhausted", "worst",
    "crazy", "grumpy", "stressed", "happy", "glad", "annoying", "annoyed", "sigh", "phew", "omg", "yay", "excited",
    "nervous", "bored", "vent", "venting", "funny", "wild", "hilarious", "complaining",
];
#[rustfmt::skip]
const FEELINGS: &[&str] = &[
    "what a ", "long day", "long week", "out loud", "ㅋㅋ", "ㅎㅎ", "ㅠㅠ", "ㅜㅜ", "진짜", "정말", "너무", "행복", "피곤",
    "힘들", "신나", "짜증", "살 것 같", "살것같", "버티", "정신없", "지치", "지쳤", "기분", "말하고 싶었", "하소연",
];
/// Korean questions without a question mark ("내일 약속 뭐 있지").
#[rustfmt::skip]
const KO_ASKS: &[&str] = &[
    "뭐 있", "뭐있", "뭐야", "언제", "몇 시", "몇시", "있나", "있니", "있는지", "무슨", "있어", "왔어", "왔나", "어떻게 돼",
    "어때",
];

/// Whether `t` (lower case) tells of the user's day, naming a meeting, a mail or a day only in
/// passing ("ugh what a monday. had three meetings back to back ... anyway how's your day
/// going lol", "내일 금요일이라니 너무 행복하다 ㅎㅎ 이번주 진짜 길었어"): eight words or more, a
/// feeling in them, no request, and no question but how the assistant is. Small talk, decided
/// before the tools' rules, which would take the meeting for a calendar question.
pub fn story(t: &str, ws: &[&str]) -> bool {
    // "그냥 넋두리야 듣기만 해줘": asking only to be heard.
    let heard =
        contains_any(t, &["듣기만", "들어줘", "넋두리", "just listen", "not asking you to do", "no need to fix"])
            || contains_any(t, &["하소연임", "하소연이야", "대답 안해도", "대답 안 해도", "답 안해도", "답 안 해도"]);
    let feeling = contains_any(t, FEELINGS) || any_word(ws, FEELING_WORDS);
    // "i forgot when …" asks; "a forgotten lunchbox" tells.
    let asking = contains_any(t, ASKING) || any_word(ws, &["forgot"]);
    if ws.len() < 8 || !feeling || (asking && !heard) {
        return false;
    }
    // A question in the middle of a clause ("worst case big-O for inserting into a python
    // dict and why does it happen").
    // (Not one told: "my daughter asked me why do grown-ups have so many meetings".)
    if contains_any(t, &["why does", "why do ", "why is ", "why are ", "how does", "how do ", "what's the difference"])
        && !contains_any(t, &["asked me", "asked why", "asked how", "wondering why", "wonders why"])
    {
        return false;
    }
    // Sentences, and clauses ("so tired, just cancel my 4pm lol").
    let sentences = t.split_inclusive(['.', '!', '?', '\n', ';', ',']).map(str::trim).filter(|s| !s.is_empty());
    for sentence in sentences {
        let sw = words(sentence);
        let first = sw.iter().find(|w| !OPENERS.contains(w)).copied().unwrap_or_default();
        // A Korean command ends its clause ("내일 아침 회의 오후로 좀 바꿔").
        let end = sentence.trim_end_matches(|c: char| !c.is_alphanumeric() || "ㅋㅎㅠㅜ".contains(c));
        let ko_command =
            ["바꿔", "옮겨", "취소해", "미뤄", "보내", "잡아", "넣어", "지워", "삭제해", "추가해", "확인해"]
                .iter()
                .any(|c| end.ends_with(c));
        if ASKING_VERBS.contains(&first) || ko_command {
            return false;
        }
        // Of the assistant, not of the user's own things ("내 일정 오늘 어때?").
        let asked_back = contains_any(sentence, ASKED_BACK) && !contains_any(sentence, &["my ", "내 ", "제 ", "나 "]);
        // A question: a question mark, a Korean question word, or a clause that starts as a
        // question does ("whats going on", "did you see ..."; not "what a week", nor "people
        // who don't even show up").
        let at = sw.iter().position(|w| !OPENERS.contains(w)).unwrap_or_default();
        let wh = ["what", "whats", "why", "how", "when", "where", "which", "who"].contains(&first)
            && !(first == "what" && sw.get(at + 1).is_some_and(|n| ["a", "an"].contains(n)));
        let question = sentence.ends_with('?')
            || contains_any(sentence, KO_ASKS)
            || wh
            || ["do", "does", "did", "is", "are", "am", "can", "any", "anything", "has", "have", "was", "were", "will"]
                .contains(&first);
        if question && !asked_back {
            return false;
        }
    }
    true
}
