//! Questions about the servers themselves: up, busy, slow, queued, which model is loaded
//! ("is the 4090 box up?", "how long's the queue right now?", "리즈너 대기열 몇 개 밀려있어?"),
//! and their short follow-ups ("and the other one?", "그럼 작은 모델은?").
//!
//! - this file: [`asks`], a question about the servers; what a message must be made of
//!   (`only_of`);
//! - [`names`]: the servers by name, a backend asked of by its name, servers in general;
//! - [`follow`]: a follow-up of a status question, and the status's [`cue`].

mod follow;
mod names;

pub use follow::{cue, follow_up};

use super::{any_word, contains_any, words};
use names::{backend_asked, classifier_named, general, setting_something, shared_now, NAMES};

/// A question about the servers themselves (en/ko), not about servers in general ("explain
/// how a web server handles load").
pub fn asks(t: &str, ws: &[&str]) -> bool {
    // A pasted log or code is read by the words outside it: "로그 좀 봐줘 ``` … server: … ```
    // 프록시 타임아웃 문제임?" is the reasoner's, whatever servers the log names; "is the
    // server down? getting this ``` … ```" is the status.
    // A short question, not one's own app's trouble told above its log ("my flask server
    // keeps crashing, trace:", "having an issue with my node server, here's the log").
    if t.contains("```") {
        let outside: String = t.split("```").step_by(2).collect::<Vec<_>>().join(" ");
        let ow = words(&outside);
        let own = any_word(&ow, &["my", "log", "logs", "trace", "error", "here's", "heres", "stack"]);
        return ow.len() <= 10 && !own && asks(&outside, &ow);
    }
    // A mood or a focus is no server down: "팀 분위기 너무 다운됨", "can I go heads down on the
    // sglang upgrade".
    // One's notes looked for, whatever server they are of ("where are my notes from setting up
    // vllm on the new box?").
    if contains_any(t, &["my notes", "notes from", "내 메모", "메모 어디"]) && contains_any(t, &["where", "어디"])
    {
        return false;
    }
    #[rustfmt::skip]
    const MOODS: &[&str] = &[
        "go heads down", "going heads down", "gone heads down", "keep my head down", "put my head down",
        "분위기 다운", "분위기가 다운", "분위기 너무 다운", "분위기가 너무 다운", "기분 다운", "기분이 다운", "텐션 다운",
    ];
    if contains_any(t, MOODS) {
        let calm = MOODS.iter().fold(t.to_string(), |t, m| t.replace(m, " "));
        return asks(&calm, &words(&calm));
    }
    // "offline batch inference", "online learning": a kind of work, not a state.
    const WORK: &[&str] =
        &["batch", "inference", "mode", "training", "eval", "evals", "evaluation", "learning", "processing", "use"];
    let kept: Vec<&str> = ws
        .iter()
        .enumerate()
        .filter(|(i, w)| {
            // Said together ("offline batch"; not "is the box offline? use the mac").
            let before = |n: &&str| WORK.contains(n) && t.contains(&format!("{w} {n}"));
            // Nor fans come to rest ("the GPU fans spun down"; not "is ollama spun down?").
            let rested = **w == "down"
                && i.checked_sub(1).and_then(|j| ws.get(j)).is_some_and(|p| ["spun", "spin", "spins"].contains(p))
                && any_word(ws, &["fan", "fans"]);
            let kind_of_work = ["offline", "online"].contains(*w) && ws.get(i + 1).is_some_and(before);
            !kind_of_work && !rested
        })
        .map(|(_, w)| *w)
        .collect();
    let ws = &kept[..];
    if backend_asked(t, ws) {
        return true;
    }
    if general(t) {
        return false;
    }
    // The servers by name.
    let servers = any_word(
        ws,
        &["server", "servers", "backend", "backends", "gpu", "gpus", "llm", "llms", "reasoner", "classifier"],
    );
    // One of them by what it is: "the 70B", "the 4090 box", "the big model" (not "a 7b model",
    // "a box", "the model's answer").
    let sized = |w: &str| {
        w == "box"
            || w.strip_suffix('b').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    // "big model up?", "큰 모델": the big or the small one, first.
    // (Not "small model that can run offline on a phone?", "big model or small model for …".)
    #[rustfmt::skip]
    let first_named = ["big model ", "small model ", "large model "].iter().any(|p| {
        t.strip_prefix(p).is_some_and(|rest| {
            ["up", "down", "busy", "free", "alive", "ok", "okay", "still", "dead", "working", "running", "loaded", "status"]
                .iter()
                .any(|s| rest.starts_with(s))
        })
    });
    let named = first_named
        || ws.windows(2).any(|p| ["the", "our", "my"].contains(&p[0]) && sized(p[1]))
        || ws.windows(3).any(|p| ["the", "our", "my"].contains(&p[0]) && sized(p[2]))
        || contains_any(
            t,
            &[
                "the big model",
                "the small model",
                "the large model",
                "the fast model",
                "the slow model",
                "model is loaded",
                "models are loaded",
            ],
        );
    // "what model is running on the mac mini?", "which model is answering me right now?", not
    // "which model is best for a 4090?".
    let which = contains_any(
        t,
        &["what model is", "which model is", "what models are", "which models are", "which model's", "what model's"],
    ) && any_word(ws, &["running", "loaded", "serving", "up", "answering", "replying", "responding"])
        // (Not a product's: "what model's running the new siri".)
        && !any_word(ws, &["best", "good", "better", "recommend", "should", "for", "new", "siri", "chatgpt", "gpt", "gemini", "claude", "copilot", "alexa", "grok"]);
    // "지금 어떤 모델 올라가 있어?", "지금 답변하는 모델이 뭐예요?".
    let ko_which = t.contains("모델")
        && contains_any(t, &["어떤", "무슨", "뭐", "뭔"])
        && contains_any(t, &["올라가 있", "올라와 있", "돌아가고", "돌리고", "답변하는", "대답하는", "로드", "떠 있"]);
    let named = named || which;
    #[rustfmt::skip]
    let how_strong = any_word(ws, &[
        "down", "busy", "status", "alive", "load", "loaded", "overloaded", "online", "offline",
        "healthy", "hammering", "hogging", "queue", "queued", "stuck", "frozen", "crashed", "responding", "crash",
        "crashing", "answering", "restarted", "dead", "struggling", "crawling", "choking", "chugging", "problem", "problems", "issue", "issues",
    ]) // "what's going on with the servers", "did someone restart the backend?", "is the
    // reasoner actually awake?" (not "the gpu shortage", "the server team").
        || contains_any(t, &[
            "going on with the server", "going on with the backend", "going on with the reasoner", "going on with the model",
            "going on with you", "did someone restart", "did somebody restart", "did you restart", "reasoner awake",
            "reasoner actually awake", "model awake", "model actually awake", "box awake", "classifier awake",
        ]) // Running, asked of it ("is the gpu server running?"), not told ("I'm running vllm on 2 GPUs").
        || (any_word(ws, &["running"])
            && !contains_any(t, &["i'm running", "im running", "i am running", "we're running", "we are running"]));
    // "is the 4090 box up?", "is the 70B free?": a last word.
    let last = ws.last().copied().unwrap_or_default();
    // "up" of a server, not of a verb ("can you dig it up", "look up the gpu's specs", "pick up
    // where I left off").
    #[rustfmt::skip]
    const VERBS: &[&str] = &[
        "dig", "pull", "look", "bring", "set", "clean", "pick", "sign", "speed", "sum", "fire", "spin", "open", "warm",
        "make", "give",
    ];
    let verb_up = |i: usize| {
        let before = |k: usize| i.checked_sub(k).map(|j| ws[j]);
        before(1).is_some_and(|w| VERBS.contains(&w))
            || (before(1).is_some_and(|w| ["setting", "sets"].contains(&w)) && setting_something(ws, i))
            || (before(1).is_some_and(|w| ["it", "them", "that", "this"].contains(&w))
                && before(2).is_some_and(|w| VERBS.contains(&w)))
    };
    let server_up = ws.iter().enumerate().any(|(i, w)| *w == "up" && !verb_up(i));
    let how_weak = server_up || any_word(ws, &["slow"]) || (any_word(ws, &["free"]) && ws.len() <= 8);
    // "is the big model up right now?": up, or free, asked.
    let asked_up = t.contains('?') && any_word(ws, &["up", "free", "available"]);
    // (Not a team, a game's server, a web framework's: "서버팀 요즘 바쁨?", "로스트아크 서버
    // 점검", "서버 컴포넌트 로딩".)
    #[rustfmt::skip]
    let server_other = contains_any(t, &[
        "서버팀", "서버 팀", "서버 개발", "서버 담당", "게임 서버", "서버 점검", "서버 컴포넌트", "서버 사이드", "공용 서버",
        "서버실",
    ]);
    let ko_servers = contains_any(
        t,
        &["서버", "백엔드", "gpu", "큰 모델", "로컬 모델", "빠른 모델", "작은 모델", "추론 모델", "리즈너"],
    ) && !server_other
        || classifier_named(ws);
    // The models by name with a word of their wait ("리즈너 언제 풀려? 얼마나 기다려야 돼", "큰
    // 모델 지금 써도 돼요?", "gpu서버 또 뻗은거 아님?", "백엔드 … 모델 로딩 다 됐나").
    let ko_model = contains_any(t, &["리즈너", "큰 모델", "작은 모델", "추론 모델", "분류 모델", "로컬 모델"]);
    let ko_wait_of = (ko_model && contains_any(t, &["풀려", "기다려야", "로딩", "써도 돼", "써도 되", "뻗"]))
        || (t.contains("서버") && t.contains("뻗") && !server_other)
        || (t.contains("백엔드") && t.contains("로딩"));
    #[rustfmt::skip]
    let ko_how = contains_any(t, &[
        "상태", "살아", "괜찮", "바쁘", "바빠", "바쁜", "느려", "느리", "느린", "다운", "죽었", "돌아가", "부하",
        "작동", "터졌", "터진", "멈췄", "밀려", "대기열", "대기 중", "대기중", "한가", "놀고", "죽은", "올라가 있", "올라와", "버벅", "문제", "켜져", "켜있", "켜 있", "꺼져", "꺼졌",
        "바쁨",
        "올라와 있", "떠 있", "로드돼", "로드 돼", "로드된", "로드되어", "다시 올라왔", "비어있는", "비어 있는",
    ]);
    // Replies slow for everyone, said in passing ("is it just me or is everything slow?", "why
    // are replies so slow today?", "오늘따라 답변이 왜 이렇게 느려요?"); not a laptop's, a
    // build's or a site's slowness.
    #[rustfmt::skip]
    let slow = (any_word(ws, &["slow", "slower", "sluggish", "laggy", "lagging", "crawling"])
        || contains_any(t, &["taking forever", "taking so long", "takes forever", "takes so long"]))
        && !contains_any(t, &["slower than", "slow cooker", "slow-", "crawling with"])
        && !ws.windows(2).any(|p| p == ["slow", "to"]);
    // Whose: the replies, or the assistant as the subject ("why are you so slow"; not "is gmail
    // slow for you").
    #[rustfmt::skip]
    let whose = any_word(ws, &["replies", "reply", "responses", "response", "answers", "answer", "chat"])
        || (any_word(ws, &["everything"]) && ws.len() <= 8 && !any_word(ws, &["in", "at"]))
        || contains_any(t, &["you're", "youre", "you are", "are you", "you've been", "you been", "you so slow"]);
    #[rustfmt::skip]
    let other = any_word(ws, &[
        "my", "laptop", "computer", "pc", "mac", "code", "script", "query", "build", "internet", "wifi", "site",
        "website", "app", "phone", "game", "function", "loop", "program", "database", "db", "network", "page",
        "train", "bus", "traffic", "service", "queries", "tests", "compile", "client", "friend", "he", "she", "they",
        "boss", "customer", "support",
    ]);
    let ko_slow =
        contains_any(t, &["느려", "느리", "느린", "느림", "늦어", "늦네", "늦게 와", "오래 걸", "굼떠", "버벅"]);
    let ko_whose = contains_any(t, &["답변", "답이", "답 ", "대답", "응답"]);
    #[rustfmt::skip]
    let ko_other = contains_any(t, &[
        "컴퓨터", "노트북", "코드", "인터넷", "와이파이", "폰", "사이트", "쿼리", "빌드", "게임", "프로그램", "택배",
        "버스", "지하철", "배송", "배달", "메일 답", "친구", "거래처", "남친", "여친", "카톡", "답장", "고객", "상대",
        "사람", "팀장", "부장", "선배", "후배", "엄마", "아빠", "고양이", "강아지", "api", "원인", "분석",
    ]);
    // "오늘 왜이렇게 느려?", "why so slow today?": slowness of nothing named, asked.
    let why = any_word(ws, &["why"]) || t.contains('왜');
    // Every word one of these (not "why are snails so slow?", "크롬 왜 이렇게 느려?").
    #[rustfmt::skip]
    let only = only_of(
        ws,
        &["why", "so", "slow", "slower", "today", "it", "is", "s", "everything", "this", "morning", "now", "right",
          "than", "usual", "then", "ok", "and"],
        &["왜", "이렇게", "이리", "오늘", "요즘", "느려", "느리", "너무", "지금", "또", "좀"],
    );
    let bare = ws.len() <= 5 && why && only && (slow || ko_slow);
    // How long the last reply took, asked ("why did that take like two minutes?? usually it's
    // instant"; not "why did the build take two minutes?").
    let took = (contains_any(
        t,
        &[
            "why did that take",
            "why did this take",
            "why'd that take",
            "why did your reply take",
            "why did that reply take",
            "why did that answer take",
        ],
    ) || (ws.len() <= 7 && contains_any(t, &["why did it take", "why'd it take"])))
        && ws.len() <= 14
        // (Not "why did that take 40 minutes to download?": another thing's time.)
        && !t.split("take").nth(1).is_some_and(|after| contains_any(after, &[" to ", " for "]))
        && !other;
    let slow_replies = (ws.len() <= 12 && slow && whose && !other)
        || (ws.len() <= 10 && ko_slow && ko_whose && !ko_other)
        || bare
        || took;
    // The queue, or the wait, asked of now ("how long's the queue right now?", "지금 대기 얼마나
    // 걸려", "대기열 몇개 쌓여있어"), not a queue to write ("implement a priority queue") or
    // the bank's ("은행 대기 줄").
    #[rustfmt::skip]
    let queue = (any_word(ws, &["queue", "backlog"]) && contains_any(t, &["the queue", "the backlog", "queue right now", "queue now"]))
        || contains_any(t, &["how long would i wait", "how long will i wait", "how long do i wait", "how long is the wait", "wait time right now", "how many are ahead of me", "how many ahead of me", "my position in the queue", "my place in the queue"])
        // Of one's message now, not a swim after eating or a passport ("how long would i have
        // to wait if I send a long coding question right now").
        || (contains_any(t, &["how long would i have to wait", "how long will mine take", "how long would mine take"])
            && (ws.len() <= 8 || contains_any(t, &["right now", "if i send", "my message", "my request", "my question"]))
            && !contains_any(t, &["after", "for a", "passport", "refund"]))
        // "ugh ok how many people are ahead of me" (not at a light, on a waitlist).
        || (t.contains("ahead of me") && ws.len() <= 9 && contains_any(t, &["how many", "anyone", "anybody", "people", "requests"])
            && !contains_any(t, &["line", "light", "waitlist", "ticket", "cars", "traffic"]));
    // "얼마나 기다려야 돼?" and nothing else.
    let ko_wait = ws.len() <= 3
        && contains_any(t, &["얼마나 기다려", "얼마나 더 기다려", "몇 분 기다려"])
        && ws
            .iter()
            .all(|w| ["지금", "더", "얼마나", "기다려", "기다리", "돼", "해", "몇"].iter().any(|k| w.starts_with(k)));
    // "큐 밀렸나", "큐에 몇 개 쌓였어": the queue by its loanword (not "바비큐", "큐브").
    let ko_q = ws.iter().any(|w| ["큐", "큐가", "큐에", "큐는", "큐도"].contains(w))
        && contains_any(t, &["밀려", "밀렸", "쌓였", "쌓여"])
        && ws.len() <= 6
        && !contains_any(t, &["롤", "게임", "랭", "매칭", "당구", "메시지", "sqs", "kafka", "어떻게"]);
    // "내 앞에 대기 몇개 있음?", "답변 오는데 얼마나 기다려야돼요?".
    // (Not a ticket's, a class's or a café's line, nor a professor's answer.)
    #[rustfmt::skip]
    let ko_ahead = (t.contains("앞에") && t.contains("대기") && ws.len() <= 6
        && !contains_any(t, &["티켓", "수강", "카페", "웨이팅", "은행", "병원", "식당", "놀이", "줄 "]))
        || (["답변", "대답", "응답"].iter().any(|a| t.starts_with(a)) && t.contains("얼마나 기다려") && ws.len() <= 5);
    let ko_queue = ko_wait
        || ko_ahead
        || ko_q
        || (contains_any(t, &["대기열", "대기 얼마", "대기가 얼마"])
            || (contains_any(t, &["쌓여", "밀려"]) && contains_any(t, &["요청", "작업", "몇 개", "몇개"])))
            && contains_any(t, &["?", "몇", "얼마", "지금"]);
    #[rustfmt::skip]
    let queue_other = contains_any(t, &[
        "priority", "message queue", "implement", "python", "rust", "java", "kafka", "rabbitmq", "celery", "redis",
        "print", "dmv", "bank", "concert", "airport", "store", "restaurant", "은행", "병원", "택배", "줄 서", "놀이공원", "식당", "구현", "자료구조", "메일", "mail", "설거지", "빨래",
    ]);
    let queued = (queue || ko_queue) && !queue_other;
    // "서버 왜 이래", "vllm 왜 이럼?": a server, and what's wrong with it, in a few words.
    let ko_why_this = ws.len() <= 4
        && contains_any(t, &["왜 이래", "왜이래", "왜 이럼", "왜이럼", "왜 저래", "왜저래", "왜 저럼"])
        && (servers || named || (ko_servers && !server_other) || any_word(ws, NAMES));
    (servers && (how_strong || how_weak))
        || ((servers || named) && shared_now(ws))
        || ko_why_this
        || (named && (how_strong || asked_up || ["up", "free"].contains(&last)))
        || ((ko_servers || servers) && ko_how)
        || ko_wait_of
        || ko_which
        // "큰 모델 다시 올라왔어?" (not "공유 서버에 회의록 올라왔어?", an upload).
        || (t.contains("모델") && t.contains("올라왔"))
        || queued
        || slow_replies
}

/// Whether every word of `ws` but an emoticon is one of `en` or starts with one of `ko` (a
/// Korean word carries its endings).
fn only_of(ws: &[&str], en: &[&str], ko: &[&str]) -> bool {
    ws.iter().filter(|w| !jamo(w)).all(|w| en.contains(w) || ko.iter().any(|k| w.starts_with(k)))
}

/// A word of jamo alone, an emoticon ("ㅡㅡ", "ㅠㅠ", "ㅋㅋ"): says nothing of the subject.
pub(crate) fn jamo(w: &str) -> bool {
    w.chars().all(|c| ('\u{3131}'..='\u{318e}').contains(&c))
}
