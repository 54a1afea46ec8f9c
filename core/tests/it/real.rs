//! Against real llama-server processes on 127.0.0.1, in real time. Waits poll for a condition
//! with a deadline; SIGSTOP durations are the scenario, not waits for logic.

use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use switchboard_core::client::{ChatRequest, Message, StreamEvent};
use switchboard_core::events::Event;
use switchboard_core::{BackendStatus, Config, Level, Registry, State};
use tokio::time::{timeout, Instant};

use switchboard_testkit::llama::{Llama, Model};

/// Default settings (the ones users get), classifier and reasoner on the same server.
fn config(url: &str) -> Config {
    let text = format!(
        "[[backend]]\nname = \"small\"\nrole = \"classifier\"\nurl = \"{url}\"\nmodel = \"test\"\n\n\
         [[backend]]\nname = \"big\"\nrole = \"reasoner\"\nurl = \"{url}/v1\"\nmodel = \"test\"\n"
    );
    Config::parse(&text, Path::new("test.toml")).unwrap()
}

async fn wait_for(r: &Registry, within: Duration, what: &str, f: impl Fn(&BackendStatus) -> bool) -> Duration {
    let start = Instant::now();
    let mut rx = r.watch();
    let ok = timeout(within, rx.wait_for(|v| f(&v[0]))).await;
    assert!(matches!(ok, Ok(Ok(_))), "{what} not seen within {within:?}: {:#?}", r.snapshot()[0]);
    start.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn up_kill9_down_restart_up() {
    let mut server = Llama::start(Model::SmolLM2, 1).await;
    let r = Registry::start(config(&server.url())).unwrap();
    wait_for(&r, Duration::from_secs(5), "UP", |s| s.state == State::Up).await;
    assert_eq!(r.snapshot()[0].kind.as_str(), "llamacpp");

    server.kill9();
    let took = wait_for(&r, Duration::from_secs(15), "DOWN after kill -9", |s| s.state == State::Down).await;
    assert!(took <= Duration::from_secs(12), "kill -9 seen after {took:?}");
    let flip = r.snapshot()[0].flips.last().cloned().unwrap();
    assert!(flip.reason.contains("refused"), "{}", flip.reason);

    server.spawn();
    server.wait_healthy(Duration::from_secs(30)).await;
    let took = wait_for(&r, Duration::from_secs(10), "UP after restart", |s| s.state == State::Up).await;
    assert!(took <= Duration::from_secs(3), "restart seen {took:?} after healthy");
    r.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigstop_short_is_not_down_long_is_down_sigcont_up() {
    let server = Llama::start(Model::SmolLM2, 1).await;
    let r = Registry::start(config(&server.url())).unwrap();
    wait_for(&r, Duration::from_secs(5), "UP", |s| s.state == State::Up).await;
    let mut events = r.subscribe();

    server.freeze();
    tokio::time::sleep(Duration::from_secs(4)).await;
    server.thaw();
    tokio::time::sleep(Duration::from_secs(4)).await;
    while let Ok(ev) = events.try_recv() {
        if let Event::Flip(f) = ev {
            panic!("a 4 s freeze must not flip anything: {f:?}");
        }
    }
    assert_eq!(r.snapshot()[0].state, State::Up);

    server.freeze();
    let took = wait_for(&r, Duration::from_secs(25), "DOWN while frozen", |s| s.state == State::Down).await;
    assert!(took <= Duration::from_secs(20), "freeze seen after {took:?}");
    server.thaw();
    wait_for(&r, Duration::from_secs(10), "UP after SIGCONT", |s| s.state == State::Up).await;
    r.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_generations_raise_the_level_and_it_falls_back_without_pings() {
    let server = Llama::start(Model::SmolLM2, 1).await;
    let before = server.metric("llamacpp:n_decode_total").await;
    let r = Registry::start(config(&server.url())).unwrap();
    wait_for(&r, Duration::from_secs(5), "idle", |s| s.level == Level::Idle).await;

    // Record every level the first backend passes through.
    let mut rx = r.watch();
    let seen = tokio::spawn(async move {
        let mut levels = Vec::new();
        while rx.changed().await.is_ok() {
            let level = rx.borrow_and_update()[0].level;
            if levels.last() != Some(&level) {
                levels.push(level);
            }
        }
        levels
    });
    let load: Vec<_> = (0..4).map(|_| tokio::spawn(Llama::generate(server.url(), 400))).collect();
    for g in load {
        g.await.unwrap().unwrap();
    }
    wait_for(&r, Duration::from_secs(5), "idle after the load", |s| s.level == Level::Idle).await;
    let snapshot = r.snapshot();
    r.shutdown().await;
    drop(r); // closes the snapshot channel, which ends the recorder
    let levels = seen.await.unwrap();
    assert!(levels.contains(&Level::VeryBusy), "{levels:?}");
    assert!(levels.contains(&Level::Busy), "{levels:?}");
    assert!(levels.contains(&Level::Normal), "{levels:?}");
    assert!(snapshot.iter().all(|s| s.pings_sent == 0), "no inference ping on a server with figures");
    // The only decode work was the load itself (4 prompts + 4 x 400 tokens, batched).
    let decodes = server.metric("llamacpp:n_decode_total").await - before;
    assert!(decodes <= 4.0 * 401.0 + 8.0, "{decodes} decodes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_minute_sends_no_inference_at_all() {
    let server = Llama::start(Model::SmolLM2, 1).await;
    let counters = ["llamacpp:n_decode_total", "llamacpp:prompt_tokens_total", "llamacpp:tokens_predicted_total"];
    let mut before = Vec::new();
    for c in counters {
        before.push(server.metric(c).await);
    }
    let r = Registry::start(config(&server.url())).unwrap();
    tokio::time::sleep(Duration::from_secs(60)).await;
    let snapshot = r.snapshot();
    r.shutdown().await;
    for (c, b) in counters.iter().zip(before) {
        assert_eq!(server.metric(c).await, b, "{c} changed during an idle minute");
    }
    assert!(snapshot.iter().all(|s| s.pings_sent == 0 && s.level == Level::Idle && s.checks >= 50));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_chat_and_request_timing_on_a_real_server() {
    let server = Llama::start(Model::SmolLM2, 1).await;
    let r = Registry::start(config(&server.url())).unwrap();
    wait_for(&r, Duration::from_secs(5), "UP", |s| s.state == State::Up).await;
    let big = r.backend("big").unwrap();
    let req =
        ChatRequest { messages: vec![Message::new("user", "Say hello.")], max_tokens: Some(16), ..Default::default() };
    let mut guard = big.queue.acquire().await;
    let mut stream = Box::pin(big.client.chat_stream(&req).await.unwrap());
    let (mut text, mut finish, mut usage) = (String::new(), None, None);
    while let Some(ev) = stream.next().await {
        match ev.unwrap() {
            StreamEvent::Delta(t) => {
                guard.token();
                text.push_str(&t);
            }
            StreamEvent::Finish(f) => finish = Some(f),
            StreamEvent::Usage(u) => usage = Some(u),
            StreamEvent::Reasoning(_) => {}
        }
    }
    let timing = guard.finish(usage.map(|u| u.completion_tokens));
    assert!(!text.is_empty());
    assert!(finish.is_some());
    assert!(usage.is_some_and(|u| u.completion_tokens > 0 && u.completion_tokens <= 16));
    assert!(timing.ttft_ms.is_some_and(|t| t > 0.0 && t <= timing.total_ms));
    assert_eq!(big.queue.active(), 0);
    r.shutdown().await;
}
