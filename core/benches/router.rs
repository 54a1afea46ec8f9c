//! The router's speed (a benchmark, not a test).
//!
//!     cargo bench -p switchboard-core --bench router [-- --quick] [--through]
//!
//! 1. Time to the first visible word of a direct answer, on a real llama-server (SmolLM2):
//!    the classifier's reply is streamed and read as it arrives (ours) versus waiting for the
//!    whole JSON (the original). The schema is narrowed to a direct answer of 240+ characters
//!    so that every reply is a direct answer of 60+ tokens; both figures come from the same
//!    stream, so the ratio is exact. Beside them, choose-then-write (the default): the
//!    one-token choice, then the plain answer until its first text, for the same message.
//! 2. The router's own overhead: 200 messages through the router (store writes, prompt,
//!    parsing, events) against an HTTP-level fake that answers at once, minus the same reply
//!    fetched by a bare streaming client, interleaved in the same run.
//! 3. Through the router with its defaults, on real servers (SmolLM2-135M classifying,
//!    Gemma-3-270M reasoning and serving embeddings, -t 1 each): from the send to the first
//!    visible word, for small talk (answered by the classifier) and hard questions (the
//!    reasoner), with the embeddings off, while their warm-up runs on the reasoner's one slot,
//!    and once they are ready; and messages the rules' leanings decide with no model call (a
//!    quick fact to the classifier, a sum to the reasoner). Each reply is stopped at its
//!    first word.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use switchboard_core::client::{shared_http, BackendClient, ChatRequest, Message, Penalties, StreamEvent};
use switchboard_core::router::prompt::{self, Lang, Persona};
use switchboard_core::router::stream_parse::{Emit, StreamParser};
use switchboard_core::router::{choose, classifier_request, embed, nearest, ChatEvent, Router};
use switchboard_core::Store;
use switchboard_core::{Config, Registry};
use switchboard_testkit::fake::{Fake, Reply};
use switchboard_testkit::llama::{Llama, Model};
use tokio::time::Instant;

fn pct(v: &[f64], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1]
}

/// The JSON decision: the overhead's fake answers every call with one streamed JSON object.
fn config(c: &str, r: &str) -> Config {
    let text = format!(
        "[[backend]]\nname = \"c\"\nrole = \"classifier\"\nurl = \"{c}\"\nmodel = \"test\"\n\n\
         [[backend]]\nname = \"r\"\nrole = \"reasoner\"\nurl = \"{r}\"\nmodel = \"test\"\nkind = \"openai\"\n\
         [assistant]\nlanguage = \"en\"\ndecide = \"json\"\nnearest_examples = false\n"
    );
    Config::parse(&text, Path::new("bench.toml")).unwrap()
}

async fn first_word(runs: usize) {
    let server = Llama::start(Model::SmolLM2, 1).await;
    let cfg = config(&server.url(), &server.url());
    let client = BackendClient::new(shared_http().unwrap(), Arc::new(cfg.backends[0].clone()));
    let prompts = [
        "Tell me something nice about autumn.",
        "hi! how has your day been?",
        "What do you like about music?",
        "Say hello to my team, warmly.",
        "Give me a friendly good-morning message.",
        "What's a fun fact about cats?",
    ];
    let (mut streamed, mut whole, mut ratios, mut tokens_seen) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut chosen, mut choose_ms, mut chosen_ratios) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs {
        let text = prompts[i % prompts.len()];
        let now = switchboard_core::clock::Clock::system().now_local();
        let mut req = classifier_request(&Persona::default(), Lang::En, &now, &[], None, text, true, 1024);
        req.response_format = Some(serde_json::json!({"type": "json_schema", "json_schema": {"name": "d", "schema": {
            "type": "object",
            "properties": {"action": {"const": "direct"}, "response": {"type": "string", "minLength": 240, "maxLength": 600}},
            "required": ["action", "response"], "additionalProperties": false
        }}}));
        let start = Instant::now();
        let mut stream = Box::pin(client.chat_stream(&req).await.unwrap());
        let mut parser = StreamParser::new();
        let mut first = None;
        let mut tokens = 0u64;
        while let Some(ev) = stream.next().await {
            match ev.unwrap() {
                StreamEvent::Delta(t) => {
                    tokens += 1;
                    for e in parser.push(&t) {
                        if matches!(e, Emit::Text(_)) && first.is_none() {
                            first = Some(start.elapsed().as_secs_f64() * 1000.0);
                        }
                    }
                }
                StreamEvent::Usage(u) => tokens = u.completion_tokens,
                _ => {}
            }
        }
        let all = start.elapsed().as_secs_f64() * 1000.0;
        // Choose, then write: the one-token choice, then the plain answer until its first text.
        let start = Instant::now();
        let choice = client.chat(&choose::request(Lang::En, &[], text)).await.unwrap();
        let chose = start.elapsed().as_secs_f64() * 1000.0;
        let plain = ChatRequest {
            messages: vec![
                Message::new("system", prompt::classifier_plain_system(&Persona::default(), Lang::En)),
                Message::new("user", text),
            ],
            max_tokens: Some(512),
            penalties: Some(Penalties::SMALL_MODEL),
            ..ChatRequest::default()
        };
        let mut plain_stream = Box::pin(client.chat_stream(&plain).await.unwrap());
        let mut plain_first = None;
        while let Some(ev) = plain_stream.next().await {
            if let StreamEvent::Delta(t) = ev.unwrap() {
                if plain_first.is_none() && !t.trim().is_empty() {
                    plain_first = Some(start.elapsed().as_secs_f64() * 1000.0);
                }
            }
        }
        let Some(first) = first else { continue };
        if tokens < 60 {
            continue;
        }
        if choose::Scores::from_logprobs(&choice.first_token_logprobs).is_some() {
            if let Some(p) = plain_first {
                chosen.push(p);
                choose_ms.push(chose);
                chosen_ratios.push(p / all);
            }
        }
        streamed.push(first);
        whole.push(all);
        ratios.push(first / all);
        tokens_seen.push(tokens as f64);
    }
    println!("\nTime to the first visible word of a direct answer (SmolLM2-135M classifier, -t 1, {} replies of 60+ tokens):", streamed.len());
    println!(
        "  streamed parsing (ours)         median {:>6.0} ms  p90 {:>6.0} ms",
        pct(&streamed, 0.5),
        pct(&streamed, 0.9)
    );
    println!("  whole JSON first (the original) median {:>6.0} ms  p90 {:>6.0} ms", pct(&whole, 0.5), pct(&whole, 0.9));
    println!(
        "  choose, then write (the default) median {:>6.0} ms  p90 {:>6.0} ms  (of which the choice: median {:.0} ms)",
        pct(&chosen, 0.5),
        pct(&chosen, 0.9),
        pct(&choose_ms, 0.5)
    );
    println!(
        "  ratio choose-then-write / original median {:.2}  worst {:.2}",
        pct(&chosen_ratios, 0.5),
        pct(&chosen_ratios, 1.0)
    );
    println!(
        "  ratio ours / original           median {:.2}  worst {:.2}  (target <= 0.33); reply length median {:.0} tokens",
        pct(&ratios, 0.5),
        pct(&ratios, 1.0),
        pct(&tokens_seen, 0.5)
    );
}

async fn overhead(n: usize) {
    let fake = Fake::start().await;
    fake.route("/v1/models", Reply::ok("{}"));
    let json = r#"{"action":"direct","response":"Hello! Nice to meet you. How can I help today?"}"#;
    fake.route("/v1/chat/completions", Reply::sse(json, 8, Duration::ZERO));
    let cfg = config(&fake.url(), &fake.url());
    let chat = cfg.chat.clone();
    let bare = BackendClient::new(shared_http().unwrap(), Arc::new(cfg.backends[0].clone()));
    let registry = Registry::start(cfg).unwrap();
    assert!(registry.ready(Duration::from_secs(5)).await);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("bench.sqlite3")).unwrap());
    let router = Router::new(registry.clone(), store, &chat);
    let now = switchboard_core::clock::Clock::system().now_local();
    let req = classifier_request(&Persona::default(), Lang::En, &now, &[], None, "hi", false, 1024);
    let (mut routed, mut raw, mut diff) = (Vec::new(), Vec::new(), Vec::new());
    let mut conversation = None;
    for i in 0..n + 20 {
        let start = Instant::now();
        let mut s = Box::pin(bare.chat_stream(&req).await.unwrap());
        while s.next().await.is_some() {}
        let b = start.elapsed().as_secs_f64() * 1000.0;

        let start = Instant::now();
        let mut reply = router.send(conversation, "hi").unwrap();
        conversation = Some(reply.conversation_id);
        while let Some(ev) = reply.events.recv().await {
            if matches!(ev, ChatEvent::Done { .. }) {
                break;
            }
        }
        let r = start.elapsed().as_secs_f64() * 1000.0;
        if i >= 20 {
            // The first 20 warm up connections and caches.
            routed.push(r);
            raw.push(b);
            diff.push((r - b).max(0.0));
        }
    }
    router.shutdown().await;
    registry.shutdown().await;
    println!("\nRouter overhead ({n} messages, HTTP-level fake answering at once, SQLite store on disk):");
    println!("  router end to end     p50 {:>6.2} ms  p99 {:>6.2} ms", pct(&routed, 0.5), pct(&routed, 0.99));
    println!("  bare client, same reply p50 {:>4.2} ms  p99 {:>6.2} ms", pct(&raw, 0.5), pct(&raw, 0.99));
    println!(
        "  overhead (difference) p50 {:>6.2} ms  p99 {:>6.2} ms  (targets p50 <= 1 ms, p99 <= 5 ms)",
        pct(&diff, 0.5),
        pct(&diff, 0.99)
    );
}

const SMALL_TALK: [&str; 6] = [
    "hi! how has your day been?",
    "good morning!",
    "thanks, that was nice of you",
    "what do you like about music?",
    "안녕! 오늘 기분 어때?",
    "고마워, 좋은 하루 보내",
];
const HARD: [&str; 4] = [
    "Explain why the sky is blue, in terms of Rayleigh scattering.",
    "Compare B-trees and LSM trees for a write-heavy workload.",
    "왜 TCP는 혼잡 제어가 필요한지 설명해줘",
    "Write a Rust function that merges two sorted vectors and explain its complexity.",
];

/// Decided by the rules' leanings with no model call: quick facts (the classifier answers)
/// and sums (the reasoner).
const RULED: [&str; 4] =
    ["who wrote Romeo and Juliet?", "is 9991 prime?", "RAM이 뭐의 약자였지?", "what is 17% of 2340?"];

/// One message through the router: who answered, and the time from the send to the first
/// visible word (the reply is then stopped). A wait over 2 s is printed with what happened.
async fn first_word_routed(router: &Router, text: &str) -> Option<(String, f64)> {
    let start = Instant::now();
    let mut reply = router.send(None, text).unwrap();
    let mut backend = String::new();
    let mut first = None;
    let mut seen = Vec::new();
    while let Some(ev) = tokio::time::timeout(Duration::from_secs(180), reply.events.recv()).await.ok().flatten() {
        let at = start.elapsed().as_millis();
        match ev {
            ChatEvent::Decision { action, backend: b } => {
                seen.push(format!("{at} ms: {action:?} by {b}"));
                backend = b;
            }
            ChatEvent::Notice { text, .. } => seen.push(format!("{at} ms: notice {text:?}")),
            ChatEvent::Token { text } if first.is_none() && !text.trim().is_empty() => {
                first = Some(start.elapsed().as_secs_f64() * 1000.0);
                seen.push(format!("{at} ms: {text:?}"));
                router.stop(reply.reply_message_id);
            }
            ChatEvent::Done { state, .. } => {
                seen.push(format!("{at} ms: {state:?}"));
                break;
            }
            _ => {}
        }
    }
    if first.is_none_or(|f| f > 2000.0) {
        println!("    slow: {text:?}: {}", seen.join("; "));
    }
    first.map(|f| (backend, f))
}

fn print_row(what: &str, rows: &[(String, f64)], backend: &str) {
    let v: Vec<f64> = rows.iter().filter(|(b, _)| b == backend).map(|(_, ms)| *ms).collect();
    if v.is_empty() {
        println!("  {what:<44} none answered by {backend}");
        return;
    }
    println!("  {what:<44} median {:>6.0} ms  max {:>6.0} ms  ({} by {backend})", pct(&v, 0.5), pct(&v, 1.0), v.len());
}

async fn through_the_router(rounds: usize) {
    let classifier = Llama::start(Model::SmolLM2, 1).await;
    let reasoner = Llama::start(Model::Gemma, 1).await;
    println!("\nThrough the router, defaults (SmolLM2-135M classifying, Gemma-3-270M reasoning, -t 1 each): send -> first visible word");
    for embeddings in [false, true] {
        let text = format!(
            "[[backend]]\nname = \"small\"\nrole = \"classifier\"\nurl = \"{}\"\nmodel = \"test\"\n\n\
             [[backend]]\nname = \"big\"\nrole = \"reasoner\"\nurl = \"{}\"\nmodel = \"test\"\nembeddings = {embeddings}\n\
             [assistant]\nlanguage = \"en\"\n",
            classifier.url(),
            reasoner.url()
        );
        let cfg = Config::parse(&text, Path::new("bench.toml")).unwrap();
        let chat = cfg.chat.clone();
        let registry = Registry::start(cfg).unwrap();
        assert!(registry.ready(Duration::from_secs(30)).await);
        let store = Arc::new(Store::in_memory().unwrap());
        // A first start: the examples' vectors are asked of the server, not read from disk.
        let router = Router::new(registry.clone(), store, &chat).keep_embeddings_in(None);
        let pairs = || SMALL_TALK.iter().cycle().zip(HARD.iter().cycle());
        if embeddings {
            // The first message starts the warm-up; messages go on while it runs.
            let (mut small, mut hard) = (Vec::new(), Vec::new());
            let started = Instant::now();
            for (s, h) in pairs().take(200) {
                if router.embeddings_ready() {
                    break;
                }
                small.extend(first_word_routed(&router, s).await);
                hard.extend(first_word_routed(&router, h).await);
            }
            // (A bound well above a first start's warm-up: 3,136 examples took about 860 s.)
            while !router.embeddings_ready() && started.elapsed() < Duration::from_secs(1800) {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert!(router.embeddings_ready(), "the warm-up did not end within 30 min");
            println!(
                "  embeddings warm-up ({} examples, batches of {}, a first start): {:.1} s, messages sent meanwhile:",
                nearest::example_texts().len(),
                embed::WARM_BATCH,
                started.elapsed().as_secs_f64()
            );
            print_row("small talk during the warm-up", &small, "small");
            print_row("hard questions during the warm-up", &hard, "big");
        }
        let (mut small, mut hard, mut ruled) = (Vec::new(), Vec::new(), Vec::new());
        for ((s, h), r) in pairs().zip(RULED.iter().cycle()).take(rounds) {
            small.extend(first_word_routed(&router, s).await);
            hard.extend(first_word_routed(&router, h).await);
            ruled.extend(first_word_routed(&router, r).await);
        }
        let when = if embeddings { "embeddings ready" } else { "embeddings off" };
        print_row(&format!("small talk, {when}"), &small, "small");
        print_row(&format!("hard questions, {when}"), &hard, "big");
        print_row(&format!("quick facts by the rules, {when}"), &ruled, "small");
        print_row(&format!("sums by the rules, {when}"), &ruled, "big");
        router.shutdown().await;
        registry.shutdown().await;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    println!("Switchboard router benchmark");
    // --through: part 3 alone.
    if !std::env::args().any(|a| a == "--through") {
        overhead(200).await;
        first_word(if quick { 6 } else { 12 }).await;
    }
    through_the_router(if quick { 6 } else { 12 }).await;
}
