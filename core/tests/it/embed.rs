//! The router's embeddings over an HTTP-level fake embedder (for what a real one cannot be
//! made to do on demand: give vectors that say "route" for small talk, freeze, answer
//! nonsense), paused time. A message is compared by n-grams until the examples' vectors are
//! ready, then by both; an embedder that freezes or lies never holds a message up.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use switchboard_core::model::Action as Label;
use switchboard_core::router::decision::Action;
use switchboard_core::router::{embed, nearest, Router};
use switchboard_core::{Config, Registry, Store};
use switchboard_testkit::fake::{Fake, Reply};
use tokio::time::Instant;

use crate::router::{collect, decisions, fake};

const GAP: Duration = Duration::from_millis(20);
/// The embedder's model (its vectors are never kept on disk: `keep_embeddings_in(None)`).
const BIG: &str = "big";
const LABELS: [&str; 5] = ["direct", "route", "clarify", "tools", "status"];

fn one_hot(label: &str) -> Vec<f64> {
    LABELS.iter().map(|l| if *l == label { 1.0 } else { 0.0 }).collect()
}

fn answer(vectors: &[Vec<f64>]) -> Reply {
    let data: Vec<_> = vectors.iter().enumerate().map(|(i, v)| json!({"index": i, "embedding": v})).collect();
    Reply::ok(&json!({ "data": data }).to_string())
}

/// The examples' vectors, one-hot by their action, in the batches the router asks for them;
/// then `query` for every message.
fn embedder_answers(query: &[f64]) -> Vec<Reply> {
    let examples =
        concat!(include_str!("../../src/router/examples.jsonl"), include_str!("../../src/router/examples-read.jsonl"));
    let labels: Vec<String> = examples
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["want"].as_str().filter(|w| Label::parse(w).is_some()).map(str::to_string))
        .collect();
    assert_eq!(labels.len(), nearest::example_texts().len());
    let mut replies: Vec<Reply> =
        labels.chunks(embed::WARM_BATCH).map(|c| answer(&c.iter().map(|l| one_hot(l)).collect::<Vec<_>>())).collect();
    replies.push(answer(&[query.to_vec()]));
    replies
}

async fn router(c: &Fake, r: &Fake) -> Router {
    let text = format!(
        "[[backend]]\nname = \"c\"\nrole = \"classifier\"\nurl = \"{}\"\nmodel = \"small\"\nkind = \"openai\"\n\
         [[backend]]\nname = \"r\"\nrole = \"reasoner\"\nurl = \"{}\"\nmodel = \"{BIG}\"\nkind = \"openai\"\nembeddings = true\n\
         [assistant]\nlanguage = \"en\"\n",
        c.url(),
        r.url()
    );
    let config = Config::parse(&text, Path::new("t.toml")).unwrap();
    let chat = config.chat.clone();
    let registry = Registry::start(config).unwrap();
    assert!(registry.ready(Duration::from_secs(10)).await);
    Router::new(registry, Arc::new(Store::in_memory().unwrap()), &chat).keep_embeddings_in(None)
}

/// Who decided what, and when the decision came (after the send).
async fn decide(router: &Router, text: &str) -> (Vec<(Action, String)>, Duration) {
    let started = Instant::now();
    let mut reply = router.send(None, text).unwrap();
    let (events, _) = collect(&mut reply).await;
    (decisions(&events), started.elapsed())
}

#[tokio::test(start_paused = true)]
async fn embeddings_join_the_ngrams_once_ready_and_never_hold_a_message_up() {
    let (c, r) = (fake().await, fake().await);
    c.route("/v1/chat/completions", Reply::sse("Hello!", 3, GAP));
    r.route("/v1/chat/completions", Reply::sse("A reasoned answer.", 5, GAP));
    // The embedder says small talk is like the examples to route: a lie only a fake tells,
    // which shows the vectors are used.
    let answers = embedder_answers(&one_hot("route"));
    let batches = answers.len() - 1;
    r.route_seq("/v1/embeddings", answers);
    let router = router(&c, &r).await;
    let small_talk = "hello there, how are you";

    // Before the examples' vectors are ready: n-grams alone (small talk: the classifier).
    let (who, _) = decide(&router, small_talk).await;
    assert_eq!(who, vec![(Action::Direct, "c".to_string())]);
    while r.hits("/v1/embeddings") < batches {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let body: serde_json::Value = serde_json::from_str(&r.last_body("/v1/embeddings").unwrap()).unwrap();
    assert_eq!(body["model"], BIG);
    // In batches of a few (the last may be shorter), so that a chat waits behind one at most.
    let last = (nearest::example_texts().len() - 1) % embed::WARM_BATCH + 1;
    assert_eq!(body["input"].as_array().unwrap().len(), last);

    // Ready: the message's vector is asked for, and it weighs.
    let (who, _) = decide(&router, small_talk).await;
    assert_eq!(who, vec![(Action::Route, "r".to_string())]);
    assert_eq!(r.hits("/v1/embeddings"), batches + 1, "one vector for the message");
    let body: serde_json::Value = serde_json::from_str(&r.last_body("/v1/embeddings").unwrap()).unwrap();
    assert_eq!(body["input"], json!([small_talk]));

    // A frozen embedder: n-grams alone after the query timeout, not a minute later.
    r.route("/v1/embeddings", answer(&[one_hot("route")]).after(Duration::from_secs(3600)));
    let (who, took) = decide(&router, small_talk).await;
    assert_eq!(who, vec![(Action::Direct, "c".to_string())]);
    assert!(took >= embed::QUERY_TIMEOUT && took < embed::QUERY_TIMEOUT + Duration::from_secs(1), "{took:?}");

    // Nonsense (a vector of another length, a string, a missing vector): n-grams alone.
    for nonsense in [
        answer(&[vec![1.0, 2.0]]),
        Reply::ok(r#"{"data":[{"index":0,"embedding":["x",1,1,1,1]}]}"#),
        Reply::ok(r#"{"data":[]}"#),
        Reply::status(500, "boom"),
    ] {
        r.route("/v1/embeddings", nonsense);
        let (who, took) = decide(&router, small_talk).await;
        assert_eq!(who, vec![(Action::Direct, "c".to_string())]);
        assert!(took < Duration::from_secs(1), "{took:?}");
    }
    router.shutdown().await;
}

/// An embedder that never answers the warm-up does not keep the router from shutting down.
#[tokio::test(start_paused = true)]
async fn a_hanging_warm_up_ends_with_the_router() {
    let (c, r) = (fake().await, fake().await);
    c.route("/v1/chat/completions", Reply::sse("Hello!", 3, GAP));
    r.route("/v1/embeddings", Reply::ok("{}").then_hang());
    let router = router(&c, &r).await;
    let (who, _) = decide(&router, "hello there, how are you").await;
    assert_eq!(who, vec![(Action::Direct, "c".to_string())]);
    let started = Instant::now();
    router.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
}
