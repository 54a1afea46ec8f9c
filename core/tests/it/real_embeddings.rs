//! The router's embeddings from a real llama-server on 127.0.0.1: Gemma-3-270M started with
//! `--embeddings --pooling mean`, as the first-run config starts it (the HTTP-level fake of
//! `embed` shows the router's handling; this shows what a real server gives).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use switchboard_core::client::{shared_http, BackendClient, ChatRequest, Message};
use switchboard_core::model::Action;
use switchboard_core::router::{embed, nearest};
use switchboard_core::Config;
use switchboard_testkit::llama::{Llama, Model};
use tokio::time::Instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_embedder_gives_checked_vectors_that_find_the_right_examples() {
    let server = Llama::start(Model::Gemma, 1).await;
    let text = format!(
        "[[backend]]\nname = \"big\"\nrole = \"reasoner\"\nurl = \"{url}\"\nmodel = \"test\"\nembeddings = true\n\n\
         [[backend]]\nname = \"small\"\nrole = \"classifier\"\nurl = \"{url}\"\nmodel = \"test\"\n",
        url = server.url()
    );
    let cfg = Config::parse(&text, Path::new("t.toml")).unwrap();
    let client = BackendClient::new(shared_http().unwrap(), Arc::new(cfg.backends[0].clone()));
    let started = Instant::now();
    // Every example, in the router's batches; each answer passed the client's checks (one
    // finite vector per input, all of one length).
    let examples = embed::example_vectors(&client).await.unwrap().expect("one length for every vector");
    let warm = started.elapsed();
    println!("the {} examples' vectors: {warm:?}", nearest::example_texts().len());

    // An example's own text is nearest to itself (the server is deterministic and the
    // centring keeps the vectors apart).
    for i in [0, 57, 140, 287] {
        let text = &nearest::example_texts()[i];
        let sims = embed::similarities(&client, &examples, text).await.expect("a vector within the query timeout");
        assert_eq!(sims.len(), nearest::example_texts().len());
        let best = sims.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap();
        assert_eq!(best.0, i, "{text:?}: nearest is {:?} ({})", nearest::example_texts()[best.0], best.1);
        assert!(*best.1 > 0.99, "{text:?} to itself: {}", best.1);
    }

    // Messages written for this test (none of them an example), decided by the mixed likeness
    // as the router does it.
    let cases = [
        ("heya, hope your week is going alright", Action::Direct),
        ("break down for me how public-key cryptography keeps secrets safe", Action::Route),
        ("what have I got lined up on my agenda for friday", Action::Tools),
        ("is the big model server responding right now", Action::Status),
        ("요즘 잘 지내? 나는 주말에 등산 다녀왔어", Action::Direct),
        ("양자 컴퓨터가 기존 암호 체계를 어떻게 위협하는지 자세히 분석해줘", Action::Route),
        ("받은편지함에서 배송 관련 메일 좀 찾아줘", Action::Tools),
        ("지금 서버들 상태 어때?", Action::Status),
    ];
    let mut wrong = Vec::new();
    let mut slowest = Duration::ZERO;
    for (text, want) in cases {
        let asked = Instant::now();
        let sims = embed::similarities(&client, &examples, text).await.expect("a vector within the query timeout");
        slowest = slowest.max(asked.elapsed());
        let got = nearest::nearest_embedded(text, &sims).map(|v| v.action);
        if got != Some(want) {
            wrong.push(format!("{text:?}: {got:?}, wanted {want:?}"));
        }
    }
    println!("slowest message vector: {slowest:?}; wrong: {wrong:#?}");
    // Not every one: the mix is right on 80-88 % of the benchmark's unseen messages.
    assert!(wrong.len() <= 2, "{} of {} wrong:\n{}", wrong.len(), cases.len(), wrong.join("\n"));
    assert!(slowest < embed::QUERY_TIMEOUT, "a message's vector took {slowest:?}");

    // The same server still chats.
    let req =
        ChatRequest { messages: vec![Message::new("user", "Say hi.")], max_tokens: Some(8), ..ChatRequest::default() };
    let answer = client.chat(&req).await.unwrap();
    assert!(!answer.text.trim().is_empty());
}
