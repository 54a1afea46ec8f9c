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
    "pick one over",
    "which and why",
    "which one and why",
    "good way to",
    "best way to",
    "tips for",
    "advice on",
    "which is better",
    "help me word",
    "help me write",
    "help me phrase",
    "how should i word",
    "how do i word",
    "how should i phrase",
    "expected number",
    "expected value",
    "probability of",
    "the probability",
];
const ANALYTIC_KO: &[&str] = &[
    "설명",
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
    "어떻게 하면",
    "뭐가 나아",
    "뭐가 더 나",
    "어떤 게 나",
    "하면 좋을까",
    "려면 어떻게",
    "시작하면 좋",
    "는게 좋아",
    "는 게 좋아",
    "하는게 낫",
    "하는 게 낫",
    "설정 예시",
    "예시 보여",
    "예제 보여",
    "효율적일지",
    "어떻게 배치",
];

/// Whether `t` (lower case) is a problem to debug: a long message with its details (numbers,
/// flags, an error) asking what causes it or what to change ("llama.cpp keeps dying with
/// 'failed to allocate buffer' as soon as I set -c 32768 on my 24GB card ... what should I
/// change?", "llama.cpp 서버 띄우면 GGML_ASSERT 뜨면서 바로 죽는데 -ngl 99 줬을 때만 그래요 …
/// 원인이 뭘까요?"). The reasoner's, whatever server or file it names; not a tool request.
pub fn debugging(t: &str, ws: &[&str]) -> bool {
    #[rustfmt::skip]
    let cause = contains_any(t, &[
        "원인", "why ", "any idea what", "what should i", "what do i", "what's eating", "how do i fix", "어떻게 해야",
        "뭘 바꿔", "뭐가 문제", "뭘 줄여", "what's causing", "what is causing",
    ]);
    let numbers = ws.iter().filter(|w| w.contains(|c: char| c.is_ascii_digit())).count();
    let detail = numbers >= 3
        || contains_any(t, &[" --", " -", "oom", "error", "assert", "에러", "traceback", "segfault", "allocate"]);
    #[rustfmt::skip]
    let tool = contains_any(t, &[
        "find ", "search", "open ", "찾아", "열어", "메일", "mail", "calendar", "일정", "remind", "schedule",
    ]);
    // (A wait complained of is the status's: "why is the reasoner taking forever, …".)
    let waits = contains_any(t, &["waiting", "taking forever", "queue", "기다리", "대기"]);
    // A setting's effect asked about, short too ("-ngl 올릴수록 오히려 느려짐 왜그럼?", "why
    // does vllm slow down when I raise --max-num-seqs?").
    let flag = t.split_whitespace().any(|w| {
        w.strip_prefix('-').is_some_and(|f| f.trim_start_matches('-').starts_with(|c: char| c.is_ascii_alphabetic()))
    });
    #[rustfmt::skip]
    let changed = flag || contains_any(t, &[
        "수록", "the more i", "when i raise", "when i increase", "when i lower", "if i raise", "if i increase",
        "올리면", "늘리면", "줄이면", "낮추면",
    ]);
    let effect = changed && why_asked(ws) && ws.len() >= 5;
    ((ws.len() >= 15 && cause && detail) || effect) && !tool && !waits
}

/// Whether `ws` ask why: "why", or "왜" alone or in a why-form ("임진왜란", a war, and "왜가리",
/// a heron, are facts).
fn why_asked(ws: &[&str]) -> bool {
    #[rustfmt::skip]
    let ko = ws.iter().any(|w| *w == "왜" || [
        "왜요", "왜죠", "왜지", "왜냐", "왜그", "왜이", "왜케", "왜저", "왜안", "왜못", "왜또", "왜때", "왜자꾸",
    ].iter().any(|f| w.starts_with(f)));
    ko || any_word(ws, &["why"])
}

/// Whether `t` (lower case) asks for reasoning.
pub fn analytic(t: &str, ws: &[&str]) -> bool {
    // "왜" (why); the English "why" is among `ANALYTIC_EN`.
    let why = why_asked(ws);
    // "how is that different from a semaphore?", not "you're so different from chatgpt lol".
    let differs = contains_any(t, &["different from", "differ from", "difference from"])
        && (t.contains('?') || any_word(ws, &["how", "what", "when", "which"]));
    // A log or code pasted to be read ("로그 좀 봐줘 ``` … ``` 프록시 타임아웃 문제임?").
    let pasted = t.contains("```");
    // "tensor parallel vs pipeline parallel?": a comparison asked.
    let versus = any_word(ws, &["vs", "versus"]) && t.contains('?') && ws.len() <= 12 && !t.contains("vs code");
    any_word(ws, ANALYTIC_EN)
        || versus
        || contains_any(t, ANALYTIC_EN_PHRASES)
        || contains_any(t, ANALYTIC_KO)
        || why
        || differs
        || pasted
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
    "왜저래",
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
    let why = WHY_THAT.iter().any(|w| t.contains(w) && super::words(&t.replacen(w, " ", 1)).len() <= 1);
    // "hmm why is it doing that again": why, of nothing named.
    #[rustfmt::skip]
    const EMPTY: &[&str] = &[
        "why", "hmm", "hm", "ugh", "uh", "wait", "so", "is", "it", "this", "that", "doing", "does", "do", "did", "keep",
        "keeps", "happening", "happen", "again", "still", "now", "even", "the", "thing",
    ];
    let unnamed = any_word(ws, &["why"]) && ws.len() <= 10 && ws.iter().all(|w| EMPTY.contains(w));
    let which = ws.len() <= 10 && contains_any(t, WHICH_ONE) && t.contains('?');
    (short && (helpless || en || why || contains_any(t, POINTERS_KO)))
        || unnamed
        || which
        || (ws.len() <= 12 && (contains_any(t, BEFORE) || (request && contains_any(t, BEFORE_ASKED))))
}

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

/// Whether `t`, a change asked after `previous` (the user's turn before) got `answer`,
/// continues a reasoning request: the previous one asked for reasoning (or its answer was
/// the reasoner's kind of work: code, or a long text) and this one asks to change or extend
/// what it got ("now make it work on a stream", "이거 멀티스레드에서도 안전하게 바꿔줘").
pub fn more_of(t: &str, ws: &[&str], previous: &str, answer: Option<&str>) -> bool {
    let p = previous.to_lowercase();
    let pws = super::words(&p);
    // A search asked before ("search my drive for the deploy script" … "try again with just
    // 'deploy'") is no reasoner's work to redo.
    let searched = any_word(&pws, &["find", "search", "look"]) || contains_any(&p, &["찾아", "검색"]);
    // Or something written for the user: slogans, names, ideas ("슬로건 5개만 뽑아줘").
    #[rustfmt::skip]
    let written = contains_any(&p, &[
        "slogan", "tagline", "headline", "come up with", "brainstorm", "ideas for", "names for", "슬로건", "카피",
        "뽑아", "지어줘", "지어 줘", "아이디어",
    ]) && !super::cue::tool_words(&p)
        && !searched;
    // Code asked for ("regex to match /api/v1/users/<id>"), or an answer that is code or a
    // long explanation.
    #[rustfmt::skip]
    let coded = any_word(&pws, &[
        "regex", "script", "function", "query", "code", "snippet", "command", "one-liner", "sql", "bash", "yaml",
        "docker", "compose", "dockerfile", "config", "nginx", "kubernetes", "k8s", "helm", "terraform",
    ]) || contains_any(&p, &["정규식", "코드", "스크립트", "함수", "쿼리", "명령어"])
        // Code pasted ("here's my batching helper:\ndef chunk(xs, n): ...").
        || p.contains("```")
        || contains_any(&p, &["def ", "return ", "import ", "in range(", "function ", "=>", "#include", "fn ", "print("]);
    // A request of a tool or of the servers (a "docker compose file" is code, not a document).
    let other = (super::cue::tool_words(&p) && !coded) || super::status::asks(&p, &pws);
    // Code, or a long answer, is the reasoner's work when the request was no tool's nor the
    // servers' (a long status or mail answer is not), nor a search.
    let worked = !other
        && !searched
        && (coded
            || answer.is_some_and(|a| {
                a.contains("```")
                    || a.matches('`').count() >= 2
                    || a.lines().filter(|l| l.starts_with("  ")).count() >= 2
                    || a.split_whitespace().count() >= 30
            }));
    let reasoned = analytic(&p, &pws) || arithmetic(&p, &pws, false) || written || worked;
    let change = any_word(
        ws,
        &["make", "change", "rewrite", "modify", "extend", "add", "convert", "refactor", "optimize", "fix", "redo"],
    ) || any_word(
        ws,
        &[
            "shorter",
            "longer",
            "simpler",
            "shorten",
            "again",
            "funnier",
            "catchier",
            "friendlier",
            "tldr",
            "jargon",
            "eli5",
        ],
    ) || contains_any(t, &["too long", "less technical", "요약", "너무 길", "쉽게"])
        || contains_any(
            t,
            &["go deeper", "dig deeper", "expand on", "in more depth", "더 깊게", "더 깊이", "더 자세히"],
        )
        || contains_any(
            t,
            &["바꿔", "고쳐", "수정", "추가해", "만들어", "확장", "줄여", "짧게", "길게", "다시", "스럽게"],
        );
    // The same question, changed ("ok and two heads in a row?", "what if it's a loaded die?",
    // "그럼 3개면?").
    let start = t.trim_start_matches(|c: char| !c.is_alphanumeric());
    let start = ["ok ", "okay ", "so ", "then ", "hmm "].iter().fold(start, |s, f| s.strip_prefix(f).unwrap_or(s));
    // Something new asked in passing is another request ("and anything from the landlord?").
    let new = any_word(ws, &["anything", "any", "my", "from"]);
    let varied = ws.len() <= 12
        && !new
        && (t.contains('?') || t.ends_with("면") || t.ends_with("라면") || start.starts_with("what if "))
        && ["and ", "what if ", "what about ", "how about ", "and if ", "그럼 ", "그러면 ", "만약 "]
            .iter()
            .any(|s| start.starts_with(s));
    // Or more of it: an example, more detail ("can you show me an example with a counter?").
    let more = any_word(ws, &["example", "examples", "elaborate"])
        || contains_any(t, &["more detail", "in detail", "예시", "예를 들어", "자세히"]);
    let asks =
        contains_any(t, &["can you", "could you", "show", "give", "make", "please", "pls", "줘", "줄래", "해봐", "?"]);
    // Thanks, or a wait ("how much longer do I have to wait?"), is no request of more.
    let not = contains_any(t, &["thank", "thx", "later", "wait", "고마", "나중에", "감사"]);
    reasoned && !not && (change || (more && asks) || varied)
}

/// Fillers a sentence may start with before its verb ("ugh ok so just book it").
#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "ok", "okay", "so", "just", "pls", "please", "hey", "um", "alright", "well", "oh", "and", "also", "but", "then",
    "now", "haha", "lol", "ugh", "yeah", "yes", "sure", "great", "cool", "thanks", "anyway", "anyways", "btw",
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
    // Sentences, and clauses ("so tired, just cancel my 4pm lol"); "btw" starts one ("ugh
    // deploy day 😩 btw is the mac mini still holding llama3").
    let t = t.replace("by the way", "btw").replace(" btw ", ", btw ");
    let sentences = t.split_inclusive(['.', '!', '?', '\n', ';', ',']).map(str::trim).filter(|s| !s.is_empty());
    for sentence in sentences {
        let sw = super::words(sentence);
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

/// Words that ask for a text to be reworked ...
#[rustfmt::skip]
const REWORK: &[&str] = &[
    "rewrite", "rephrase", "reword", "proofread", "paraphrase", "grammar", "more professional", "more polite",
    "more formal", "less formal", "more casual", "friendlier", "다듬어", "공손", "자연스럽게", "부드럽게", "정중",
    "교정", "매끄럽게",
];
/// ... and words that do when they name the text ("shorten this paragraph", "이 문장 바꿔줘").
const REWORK_WEAK: &[&str] = &["make this", "make it", "shorten", "simplify", "sound", "바꿔", "고쳐", "줄여", "요약"];
#[rustfmt::skip]
const TEXTS: &[&str] = &[
    "text", "message", "paragraph", "sentence", "wording", "문장", "글", "문구", "메시지", "문단", "이거",
];

/// Whether `text` asks for a text it quotes to be reworked ("rewrite this to sound more
/// professional: 'hey guys, ...'", "이 문장 좀 더 공손하게 바꿔줘: '자료 아직도 ...'"): a request
/// before a colon (not a time's) or a quote, a text of three words or more after it. The
/// reasoner's work, whatever the quoted text names (a mail, a meeting, a deadline); but not a
/// request that is a tool's own ("정중하게 거절하는 메일 보내줘: ...", "search my docs for ...").
pub fn rework(text: &str) -> bool {
    let bytes = text.as_bytes();
    let colon = text.match_indices(':').map(|(i, _)| i).find(|&i| {
        let digit = |j: Option<usize>| j.and_then(|j| bytes.get(j)).is_some_and(u8::is_ascii_digit);
        !(digit(i.checked_sub(1)) && digit(Some(i + 1)))
    });
    let quote = ["\"", "“", "‘", "「", " '", "→", "->"].iter().filter_map(|q| text.find(q)).min();
    let Some(at) = colon.into_iter().chain(quote).min() else { return false };
    let (ask, rest) = text.split_at(at);
    // The pasted text: within its quotes, or all after the colon.
    let rest = rest.trim_start_matches([' ', ':', '→', '-', '>']).trim_start();
    let quoted = match rest.chars().next() {
        Some(open @ ('"' | '“' | '‘' | '「' | '\'')) => {
            let close = match open {
                '“' => '”',
                '‘' => '’',
                '「' => '」',
                c => c,
            };
            let inner = &rest[open.len_utf8()..];
            inner.find(close).map_or(inner, |j| &inner[..j])
        }
        _ => rest,
    };
    let ask = ask.to_lowercase();
    let aws = super::words(&ask);
    let asks = contains_any(&ask, REWORK) || (contains_any(&ask, REWORK_WEAK) && contains_any(&ask, TEXTS));
    #[rustfmt::skip]
    let tool = super::sends_mail(&ask, &aws) || any_word(&aws, &[
        "send", "search", "find", "book", "schedule", "remind", "delete", "add", "inbox", "calendar", "docs",
    ]) || contains_any(&ask, &["보내", "찾아", "잡아", "등록", "일정"]);
    // A translation of a pasted text (not "translate 'thank you' into Spanish", a quick one).
    let translates = contains_any(&ask, &["translat", "번역"]) && super::words(quoted).len() >= 6;
    // (A translation's purpose may name a tool's word: "translate this for our customer docs".)
    (1..=14).contains(&aws.len()) && super::words(quoted).len() >= 3 && (asks || translates) && (!tool || translates)
}
