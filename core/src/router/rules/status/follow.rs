//! After a question about the servers: its short follow-ups ("and the other one?", "how long
//! are we talking?"), and the cue without which the router never answers with the status.

use chrono::NaiveDate;

use super::super::super::prompt::Turn;
use super::super::{any_word, contains_any, words};
use super::names::{general, two_word_name, NAMES};
use super::{asks, only_of};

/// Whether the last answer said a server is busy or the reply is on its way ("The reasoning
/// model is busy; I've queued your request.", "큰 모델이 응답을 생성하는 중이라 시간이 조금
/// 걸릴 수 있어요").
fn busy_answer(history: &[Turn]) -> bool {
    let Some(last) = history.last().filter(|turn| !turn.user) else { return false };
    let a = last.text.to_lowercase();
    #[rustfmt::skip]
    let busy = contains_any(&a, &[
        "is busy", "are busy", "queued your", "in the queue", "still loading", "is loading", "warming up",
        "바쁜", "바빠", "바쁩니다", "대기 중", "대기중", "대기열", "생성하는 중", "생성 중", "로딩 중", "로딩중",
    ]);
    // A server is what is busy (not a calendar, a landlord, a training run).
    busy && contains_any(&a, &["model", "server", "backend", "reasoner", "모델", "서버", "백엔드", "리즈너"])
}

/// "how long are we talking?", "대략 얼마나 걸릴까요?": the wait, and nothing else.
fn wait_asked(t: &str, ws: &[&str]) -> bool {
    #[rustfmt::skip]
    let wait = contains_any(t, &[
        "how long", "how much longer", "when will", "any idea when", "얼마나 걸", "얼마나 더", "언제쯤",
        "언제 돼", "언제 끝", "몇 분", "몇분", "기다려야",
    ]) || any_word(ws, &["eta"]);
    // The wait and nothing else ("how long do cats live?" asks of cats).
    #[rustfmt::skip]
    let only = only_of(
        ws,
        &["how", "long", "much", "longer", "are", "we", "talking", "will", "it", "take", "would", "is", "that",
          "this", "the", "wait", "any", "eta", "idea", "roughly", "about", "so", "ok", "okay", "then", "when", "be",
          "done", "ready", "gonna", "i", "have", "to", "do", "still", "for", "ll", "minutes", "hmm", "and", "an",
          "estimate"],
        &["대략", "대충", "얼마나", "걸", "더", "언제", "돼", "끝", "몇", "분", "기다", "그럼", "보통", "정도", "쯤", "아", "음",
          "지금", "좀"],
    );
    ws.len() <= 6 && wait && only
}

/// A status word: what a question about a server asks of it.
#[rustfmt::skip]
fn status_word(t: &str, ws: &[&str]) -> bool {
    any_word(ws, &[
        "busy", "up", "down", "slow", "free", "loaded", "running", "queue", "load", "healthy", "alive", "responding",
        "clear", "clears", "queued", "waiting", "forever", "available",
    ]) || contains_any(t, &["바빠", "바쁘", "느려", "느리", "살아", "죽었", "다운", "대기열", "부하", "켜져", "꺼져"])
}

/// A short follow-up of a question about the servers: the same question of another one, or
/// more of it ("and the other one?", "로컬 쪽은?", "how busy is it").
pub fn follow_up(t: &str, ws: &[&str], history: &[Turn], today: NaiveDate) -> bool {
    // The wait, after an answer that said a server is busy.
    if wait_asked(t, ws) && busy_answer(history) {
        return true;
    }
    let Some(previous) = history.iter().rev().find(|turn| turn.user) else { return false };
    let p = previous.text.to_lowercase();
    // After a status question, or an answer that said a server is busy ("and is it still
    // busy?", "그럼 지금은?") or how the servers are ("TGI 서버가 응답하지 않습니다").
    if !asks(&p, &words(&p)) && !busy_answer(history) && !servers_answer(history) {
        return false;
    }
    // Not a follow-up about something else ("and my calendar?", "그럼 오늘 일정은?").
    if super::super::cue::tool_words(t) || super::super::dates::parse(t, today).is_some() {
        return false;
    }
    // "how busy is it": a pronoun for the server, with a status word ("thanks, that helps" is none).
    let pronoun = !general(t) && ws.len() <= 8 && any_word(ws, &["it", "they", "that", "one"]) && status_word(t, ws);
    // "TGI?", "other one?": another server, named alone.
    let other = ws.len() <= 4
        && !any_word(ws, &["vs", "better", "install", "how", "why", "what", "recommend", "should"])
        && (any_word(ws, NAMES)
            || two_word_name(ws)
            || contains_any(t, &["other one", "the other", "다른 거", "다른거", "다른 서버", "나머지"]));
    // "ㅠ 다시 올라왔나 함 봐줘", "is it back up yet?": back, asked.
    #[rustfmt::skip]
    let back = ws.len() <= 8 && contains_any(t, &[
        "다시 올라왔", "다시 살아났", "살아났나", "돌아왔나", "back up yet", "back up now", "back up?", "it back up",
        "back online", "come back", "came back", "recovered",
    ]);
    // Another question, after all ("그럼 하나 추천해줘", "should I back up the config first?").
    #[rustfmt::skip]
    let another = contains_any(t, &[
        "추천", "recommend", "suggest", "install", "설치", "should i", "how do", "how to", "어떻게", "버전", "version",
        "update", "업데이트", "release", "릴리즈",
    ]);
    if another {
        return false;
    }
    // "how long then?" after "7 requests are queued".
    super::super::elliptic(t, ws) || pronoun || wait_asked(t, ws) || other || back
}

/// Whether the last answer told how a server is ("Ollama is idle; vLLM is at 92% GPU
/// utilization", "TGI 서버가 응답하지 않습니다").
fn servers_answer(history: &[Turn]) -> bool {
    let Some(last) = history.last().filter(|turn| !turn.user) else { return false };
    let a = last.text.to_lowercase();
    let aw = words(&a);
    // One of the user's servers by name or kind (not a Postgres or a Minecraft server).
    let server = any_word(&aw, NAMES)
        || contains_any(&a, &["reasoner", "classifier", "lm studio", "llama.cpp", "llama-server", "리즈너"]);
    // A report of its state now (not "the gains are biggest when GPU utilization is low",
    // "11434 포트에서 대기합니다", "다운로드").
    #[rustfmt::skip]
    let state = contains_any(&a, &[
        "is idle", "are idle", "is busy", "are busy", "is down", "is up", "is online", "is offline", "not responding",
        "stopped responding", "requests queued", "requests in its queue", "in its queue", "is loaded", "is loading",
        "응답하지 않", "응답이 없", "다운됐", "다운되었", "다운 상태", "꺼져 있", "대기 중인 요청", "요청이 대기", "바쁩니다",
        "유휴 상태",
    ]) || (a.contains("utilization") && a.contains('%'));
    server && state
}

/// Whether `t` (lower case) has anything of a question about the servers: a server, a model,
/// a queue, a wait, slowness, up or down, or it follows a status question. Without one, the
/// router never answers with the status (as a message without a tool cue is never a tool
/// call): "did HR send me anything about benefits enrollment?" is not about the servers,
/// whatever a small classifier says.
pub fn cue(t: &str, history: &[Turn]) -> bool {
    let ws = words(t);
    #[rustfmt::skip]
    let en = any_word(&ws, &[
        "server", "servers", "backend", "backends", "gpu", "gpus", "model", "models", "llm", "llms", "reasoner",
        "classifier", "box", "queue", "queued", "backlog", "slow", "slower", "sluggish", "lag", "laggy", "lagging",
        "busy", "down", "up", "crash", "crashed", "crashing", "frozen", "stuck", "load", "loaded", "running",
        "online", "offline", "wait", "waiting", "responding", "answering", "replies", "responses", "available",
        "forever", "status", "alive", "dead", "restart", "restarted", "vram", "memory", "working", "loading", "broken",
        "ollama", "vllm", "llama", "lmstudio", "sglang", "tgi", "ai", "available",
    ]) || ws.iter().any(|w| w.strip_suffix('b').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())));
    #[rustfmt::skip]
    let ko = contains_any(t, &[
        "서버", "백엔드", "모델", "리즈너", "대기", "느려", "느리", "느린", "늦", "바빠", "바쁘", "다운", "죽", "살아",
        "켜져", "꺼져", "멈", "부하", "상태", "돌아가", "올라가", "밀려", "버벅", "응답", "답변", "먹통", "돌고", "작동",
        "올라마",
    ]);
    let after_status = history.iter().rev().find(|turn| turn.user).is_some_and(|p| {
        let p = p.text.to_lowercase();
        asks(&p, &words(&p))
    });
    en || ko || after_status || busy_answer(history)
}
