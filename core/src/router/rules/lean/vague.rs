//! Vague, with nothing before it: a short request that points at something never named ("fix
//! it", "그거 해줘", "why is that?"), or at something said before ("like last time").

use super::super::{any_word, contains_any};

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
    "need help with ",
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
/// ... and, in a request ("do the same thing as last time", "can you change it like we talked
/// about"; not "i feel like we said goodbye too early"), these.
const BEFORE_ASKED: &[&str] = &[
    "same as last time",
    "same thing as last time",
    "same as yesterday",
    "thing from before",
    "like we discussed",
    "like we talked about",
    "like we said",
    "the way we discussed",
];
/// Whether `t` points at something said before ("do the same thing you did last week", "그거
/// 있잖아 저번에 얘기했던 거"): with nothing before it, a long message may still be vague.
pub fn points_back(t: &str) -> bool {
    contains_any(t, BEFORE)
        || contains_any(
            t,
            &["last week", "last time", "you did", "we discussed", "same thing", "저번에", "아까", "지난번"],
        )
}

/// "is this one better or the other one?": a choice between things never shown.
const WHICH_ONE: &[&str] = &[
    "this one",
    "that one",
    "the other one",
    "the first or the second",
    "이거랑 저거",
    "이게 나아 저게",
    "둘 중에 뭐가",
    "둘 중 뭐가",
];
const POINTERS_KO: &[&str] = &[
    "그거",
    "저거",
    "이거",
    "저건",
    "그걸",
    "그건",
    "늘 하던",
    "다시 해",
    "바꿔",
    "고쳐",
    "더 좋게",
    "걔한테 보내",
    "걔한테 전달",
    "그분한테 보내",
    "그 사람한테 보내",
];
/// "why is that?" with nothing else: about what it never says.
#[rustfmt::skip]
const WHY_THAT: &[&str] = &[
    "왜그럼", "왜 그럼", "왜그래", "왜 그래", "왜 이렇게 된", "왜 이렇게 됐", "왜이렇게 된", "why is that", "why's that",
    "why is it like that", "why did it do that", "왜 이럼", "왜이럼", "왜 이래", "왜이래", "왜 저럼", "왜저럼", "왜 저래",
    "왜저래", "왜 또 저러지", "왜또저러지", "왜 또 이러지", "왜또이러지", "왜 저러지", "왜 이러지",
];

/// Whether `t` is a short request that points at something it never names.
pub fn vague(t: &str, ws: &[&str]) -> bool {
    let mut s = t.trim_start();
    while let Some(rest) = FILLERS_EN.iter().find_map(|f| s.strip_prefix(f)) {
        s = rest.trim_start();
    }
    // Six words at most, fillers aside ("ok so just do it like last time").
    let short = super::super::words(s).len() <= 6;
    let helpless = ws == ["help"] || t.trim() == "도와줘";
    let request = REQUESTS_EN.iter().any(|r| s.starts_with(r));
    // "help me with that" (not "help with regex matching one digit").
    let help_that = ["help me with ", "help with "].iter().any(|h| {
        s.strip_prefix(h).is_some_and(|r| {
            ["that", "it", "this", "this one", "that one"].contains(&r.trim_end_matches(['?', '.', '!']))
        })
    });
    let en = request && any_word(ws, POINTERS_EN) || help_that;
    // "why is that" and one word at most besides ("이상한데 왜그럼?"), not "고양이가 밤마다 우는데
    // 왜 그래?" (which says what).
    let why = WHY_THAT.iter().any(|w| t.contains(w) && super::super::words(&t.replacen(w, " ", 1)).len() <= 1);
    // "hmm why is it doing that again": why, of nothing named.
    #[rustfmt::skip]
    const EMPTY: &[&str] = &[
        "why", "hmm", "hm", "ugh", "uh", "wait", "so", "is", "it", "this", "that", "doing", "does", "do", "did", "keep",
        "keeps", "happening", "happen", "again", "still", "now", "even", "the", "thing",
    ];
    let unnamed = any_word(ws, &["why"]) && ws.len() <= 10 && ws.iter().all(|w| EMPTY.contains(w));
    // "which is better", "뭐가 더 나아요?": a choice between nothing named.
    #[rustfmt::skip]
    const CHOICE: &[&str] = &[
        "which", "is", "one", "better", "best", "the", "whats", "what's", "should", "i", "pick", "choose", "뭐가", "더",
        "나아요", "나아", "나음", "좋아요", "좋아", "어느", "게", "거", "쪽이", "어떤", "낫나요", "낫냐",
    ];
    let compared = contains_any(t, &["better", "best", "나아", "나음", "낫"])
        || (t.contains("좋아") && contains_any(t, &["더", "뭐가", "어느", "어떤"]));
    let unnamed = unnamed || (ws.len() <= 5 && compared && ws.iter().all(|w| CHOICE.contains(w)));
    let which = ws.len() <= 10 && contains_any(t, WHICH_ONE) && t.contains('?');
    (short && (helpless || en || why || contains_any(t, POINTERS_KO)))
        || unnamed
        || which
        || (ws.len() <= 12 && (contains_any(t, BEFORE) || (request && contains_any(t, BEFORE_ASKED))))
}
