//! Before the model, two leanings where a weak classifier's mistakes cost most:
//! - **when in doubt, reason**: a message that asks for an explanation, a proof, code, a
//!   design, a comparison or a plan goes to the reasoner (calling it `direct` would give the
//!   user a small model's guess; routing small talk costs only time);
//! - **numbers to work out**: a prime test, a percentage, a word problem ("a train leaves at
//!   9:40 doing 80 km/h ..."): a small model's arithmetic is a guess, and a time in such a
//!   problem is not an appointment;
//! - **vague, with nothing before it**: a short request that points at something never named
//!   ("fix it", "그거 해줘", "do it like last time") gets a question back ([`vague`]);
//! - **more of a reasoner's work**: a change asked of the code or text a reasoning request
//!   just got ("now make it thread-safe") goes where the request went;
//! - **a story told** ([`story`]): small talk, whatever meeting or mail it names.

mod story;
mod vague;

pub use story::{story, venting};
pub use vague::{points_back, vague};

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
    // (A setting changed: raised or lowered, of a setting's name; not "볼수록 귀엽네", "the
    // more i use this app".)
    #[rustfmt::skip]
    let raised = contains_any(t, &[
        "올릴수록", "늘릴수록", "줄일수록", "낮출수록", "키울수록", "when i raise", "when i increase", "when i lower",
        "when i bump", "if i raise", "if i increase", "if i bump", "올리면", "늘리면", "줄이면", "낮추면", "키우면",
    ]);
    #[rustfmt::skip]
    let setting = any_word(ws, &[
        "batch", "context", "ctx", "num_ctx", "layers", "threads", "ngl", "quant", "temperature", "배치", "컨텍스트",
        "레이어", "스레드",
    ]) || ws.iter().any(|w| w.contains('_'));
    let changed = flag || (raised && setting);
    // (Not a server asked of at the end: "… why is vllm not responding now, is it down?")
    let asked_state = contains_any(t, &["is it down", "is it up", "is it dead", "is it alive", "죽었어?", "죽었나"]);
    let effect = changed && why_asked(ws) && ws.len() >= 5;
    ((ws.len() >= 15 && cause && detail) || effect) && !tool && !waits && !asked_state
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
    // A translation of a pasted text (not "translate 'thank you' into Spanish", a quick one),
    // or a summary of a long one ("summarize this for me \"Re: Q3 capacity — Hi all, …\"").
    let translates = contains_any(&ask, &["translat", "번역"]) && super::words(quoted).len() >= 6
        || contains_any(&ask, &["summarize", "summarise", "tl;dr", "tldr", "요약"]) && super::words(quoted).len() >= 12;
    // (A translation's purpose may name a tool's word: "translate this for our customer docs".)
    (1..=14).contains(&aws.len()) && super::words(quoted).len() >= 3 && (asks || translates) && (!tool || translates)
}
