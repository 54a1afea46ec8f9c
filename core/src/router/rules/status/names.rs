//! The servers by name: their names ("ollama", "lm studio", "분류 모델"), a backend named with
//! a word of its state, someone else on one now; and servers in general, which are none of them.

use super::super::{any_word, contains_any};

/// About servers in general, or another sense of "up" or "free" ("explain how a web server
/// handles load", "is it up to date?", "how do I set it up?", "free for commercial use").
pub(super) fn general(t: &str) -> bool {
    #[rustfmt::skip]
    let words = [
        "explain", "how does", "how do ", "what is a", "in general", "handles", "설명", "원리", "up to date",
        "up-to-date", "free for", "free to", "free of", "set it up", "set up", "배그", "게임", "디코", "디스코드",
        "마크 서버", "minecraft", "discord", "game",
    ];
    contains_any(t, &words)
}

/// The servers' names, as words.
pub(super) const NAMES: &[&str] = &["ollama", "vllm", "sglang", "lmstudio", "tgi"];

/// A server's name in two words ("lm studio", "llama.cpp" as "llama cpp").
pub(super) fn two_word_name(ws: &[&str]) -> bool {
    ws.windows(2).any(|w| w == ["lm", "studio"] || w == ["llama", "cpp"])
}

/// Whether the "up" at `i` after "setting" sets something up ("my notes from setting up vllm
/// on the new box"), not a server getting ready ("is the gpu server done setting up yet?").
pub(super) fn setting_something(ws: &[&str], i: usize) -> bool {
    ws.get(i + 1).is_some_and(|n| !["yet", "now", "still", "again", "right"].contains(n))
}

/// A model held or let go by a server, asked of now ("is the mac mini still holding llama3 in
/// memory or did ollama unload it", "ollama에 qwen 아직 올라가 있나? 언로드됐으려나"); not how
/// it behaves ("does lm studio unload models automatically when they sit idle?").
fn held(t: &str, ws: &[&str]) -> bool {
    let word = any_word(ws, &["unload", "unloaded", "evicted"])
        || contains_any(t, &["in memory", "in vram", "from memory", "from vram", "언로드", "올라가 있", "메모리에"]);
    let now = any_word(ws, &["still", "now", "yet", "already", "did", "has"])
        || contains_any(t, &["아직", "지금", "벌써", "됐"]);
    word && now && !contains_any(t, &["automatically", "by default", "정상이"])
}

/// A backend by its server's name, with a word of its state ("is vllm up?", "did
/// llama-server come back after the reboot", "ollama 살아있어?", "is vllm-prod actually down or
/// is the healthcheck just flapping"; not "is ollama or lm studio better for running
/// models?", "llama.cpp 빌드할 때 cuda 문제"). Asked before [`general`]: "my son set up
/// something called Ollama … could you tell me whether it is actually running?".
pub(super) fn backend_asked(t: &str, ws: &[&str]) -> bool {
    // "vllm-prod", "ollama-box": a host named after it (not "ollama-python", a library).
    let host = |r: &str| {
        r.strip_prefix('-').is_some_and(|h| {
            !h.is_empty() && h.len() <= 12 && !["python", "js", "rs", "go", "lib", "sdk", "api", "client"].contains(&h)
        })
    };
    let backend = ws.iter().any(|w| NAMES.iter().any(|n| w.strip_prefix(n).is_some_and(|r| r.is_empty() || host(r))))
        || two_word_name(ws)
        || contains_any(t, &["llama-server", "올라마"]);
    // "up", not "set up" ("just set up ollama on my mac mini").
    let up = ws.iter().enumerate().any(|(i, w)| {
        *w == "up"
            && i.checked_sub(1).is_none_or(|j| ws[j] != "set" && !(ws[j] == "setting" && setting_something(ws, i)))
    });
    // "down", not "turn down" ("what do i turn down" asks what to lower).
    #[rustfmt::skip]
    let down = ws.first() == Some(&"down") || ws.windows(2).any(|w| {
        w[1] == "down" && !["turn", "scale", "tone", "narrow", "cut", "break", "slow", "wind", "water", "write", "dial"].contains(&w[0])
    });
    #[rustfmt::skip]
    let state = up || down || any_word(ws, &[
        "busy", "alive", "crashed", "crashing", "responding", "loaded", "stuck", "dead", "online",
        "offline", "slow", "frozen", "queue", "queued", "flapping", "serving", "died",
    ]) || shared_now(ws) || held(t, ws)
        || contains_any(t, &[
        "is running", "it running", "still running", "actually running", "come back", "came back", "살아", "죽었", "다운", "느려", "멈췄", "터졌", "켜져", "꺼져", "바빠", "밀려",
        "다시 올라왔", "로드돼", "로드되", "로드 돼", "응답하는지", "응답 없", "응답이 없", "돌고 있",
        "떠있어?", "떠있나", "떠 있어?", "떠 있나", "떠있냐", "떠있음?", "떠 있음?", "떠있니", "응답이 안 와", "응답이 안와",
        "응답 안 와", "응답 안와", "답이 안 와", "답이 안와", "응답이 왜 이렇게 안", "응답이 왜케 안",
    ]);
    #[rustfmt::skip]
    // Not a question about it in general: a comparison, a how-to, code, its docs, a reminder.
    let compared = contains_any(t, &["now that", "maintenance", "deprecated", "abandoned", "archived", "compar"]) || any_word(ws, &[
        "vs", "better", "best", "install", "build", "compile", "difference", "faster", "should", "which", "explain",
        "script", "write", "code", "port", "default", "find", "runbook", "remind", "library", "python", "update",
    ]) || contains_any(t, &[
        "how do", "how to", "how can", "what does", "up to date", "up-to-date", "back with", "빌드", "설치", "어떻게",
        "비교", "뭐가 나", "설명", "원리", "방법", "두면", "설정하면", "옵션",
    ]);
    backend && state && !compared
}

/// "분류 모델 켜져 있어?": the classifier, named with nothing before it ("스팸 분류기", "이미지
/// 분류 모델" are the user's own models).
pub(super) fn classifier_named(ws: &[&str]) -> bool {
    ws.iter().enumerate().any(|(i, w)| {
        let named = w.starts_with("분류기") || (*w == "분류" && ws.get(i + 1).is_some_and(|n| n.starts_with("모델")));
        let before = i.checked_sub(1).map(|j| ws[j]);
        named
            && before
                .is_none_or(|b| ["지금", "그", "우리", "내", "제", "혹시", "근데", "아", "그럼", "저"].contains(&b))
    })
}

/// "is anyone else hammering the LM Studio instance?", "is somebody using the 70b right
/// now?": someone else on it now (not "anyone running ollama on a mac mini?", "who maintains
/// the ollama package on arch?").
pub(super) fn shared_now(ws: &[&str]) -> bool {
    any_word(ws, &["anyone", "anybody", "someone", "somebody", "who", "who's"])
        && (any_word(ws, &["hammering", "hogging"])
            || (any_word(ws, &["using", "on"]) && any_word(ws, &["else", "now", "currently"])))
}
