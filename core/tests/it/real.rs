//! Against real llama-server processes on 127.0.0.1, in real time. Waits poll for a condition
//! with a deadline; SIGSTOP durations are the scenario, not waits for logic.

use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use switchboard_core::client::{ChatRequest, Message, StreamEvent};
use switchboard_core::model::Event;
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

/// Waits up to 90 s for every backend of `r` to be UP (managed servers load their models).
async fn all_up(r: &Registry, what: &str) {
    let mut rx = r.watch();
    // (The `Ref` that `wait_for` returns holds the watch's read lock: drop it at once.)
    let up = timeout(Duration::from_secs(90), rx.wait_for(|v| v.iter().all(|s| s.state == State::Up))).await;
    assert!(matches!(up.map(|r| r.is_ok()), Ok(true)), "{what}: {:#?}", r.snapshot());
}

/// Waits up to 5 s for nothing to answer at any of `addrs`; `what` says who should have stopped it.
async fn all_closed(addrs: &[String], what: &str) {
    for addr in addrs {
        let deadline = Instant::now() + Duration::from_secs(5);
        while tokio::net::TcpStream::connect(addr).await.is_ok() {
            assert!(Instant::now() < deadline, "{what}: {addr} still answers");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// First run with nothing answering: a config in `dir` for the project's managed llama-servers.
async fn local_config(dir: &std::path::Path) -> (std::path::PathBuf, Config) {
    use switchboard_core::servers::discover::{first_run, FirstRun, LocalInstall, Options};
    let path = dir.join("config.toml");
    let opts = Options {
        host: "127.0.0.1".into(),
        ports: vec![switchboard_testkit::llama::free_port()],
        local: Some(LocalInstall::find().expect("scripts/backends.sh install has run")),
    };
    assert_eq!(first_run(&path, &opts).await.unwrap(), FirstRun::Local);
    let cfg = Config::load(&path).unwrap();
    (path, cfg)
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
    // Both backends (one server): a flip of the second still settling is not the freeze's.
    all_up(&r, "UP").await;
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
    // Up to very busy, and down by the levels between (each the probes see: on a loaded
    // machine a probe may fall between two of them, so one of the two is enough).
    let top = levels.iter().position(|l| *l == Level::VeryBusy);
    assert!(top.is_some(), "{levels:?}");
    let after = &levels[top.unwrap_or_default()..];
    assert!(after.contains(&Level::Busy) || after.contains(&Level::Normal), "{levels:?}");
    assert_eq!(levels.last(), Some(&Level::Idle), "{levels:?}");
    assert!(snapshot.iter().all(|s| s.pings_sent == 0), "no inference ping on a server with figures");
    // The only decode work was the load itself (4 prompts + 4 x 400 tokens, batched).
    let decodes = server.metric("llamacpp:n_decode_total").await - before;
    assert!(decodes <= 4.0 * 401.0 + 8.0, "{decodes} decodes");
}

/// A reply allowed a reasoner's default 16,000 tokens is expected to be as long as a typical
/// one, not to use them all: taken at the server's word (tokens remaining before `max_tokens`),
/// the window's status showed a wait of 364-533 s behind replies that ended within a minute.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_allowed_16000_tokens_is_not_expected_to_use_them_all() {
    let server = Llama::start(Model::SmolLM2, 1).await;
    let r = Registry::start(config(&server.url())).unwrap();
    wait_for(&r, Duration::from_secs(5), "idle", |s| s.level == Level::Idle).await;
    let long = tokio::spawn(Llama::generate(server.url(), 16_000));
    let measured =
        |s: &BackendStatus| s.native.as_ref().is_some_and(|n| n.running == Some(1) && n.slot_tokens_per_s.is_some());
    wait_for(&r, Duration::from_secs(30), "a running reply's measured speed", measured).await;
    let native = r.snapshot()[0].native.clone().unwrap_or_default();
    long.abort();
    r.shutdown().await;
    let (tps, wait) = (native.slot_tokens_per_s.unwrap_or(1.0), native.est_wait_ms.unwrap_or(f64::MAX));
    // No reply has ended yet: a typical reply is taken as 256 tokens, and this one has written
    // a few seconds' worth; 16,000 tokens at this speed would be 60 times as long.
    assert!(wait < 16_000.0 / tps * 1000.0 / 10.0, "wait {wait:.0} ms at {tps:.1} tokens/s: {native:?}");
    assert!(wait > 0.0, "a running reply is no free slot: {native:?}");
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

/// The classifier's real request (our prompt and the decision schema) on a real llama-server:
/// every reply must be valid JSON with a known action, before any leniency.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn structured_classifier_replies_are_valid_decisions_20_of_20() {
    use switchboard_core::router::decision::{self, Action};
    use switchboard_core::router::prompt::{Lang, Persona};
    let server = Llama::start(Model::SmolLM2, 1).await;
    let cfg = config(&server.url());
    let client = switchboard_core::client::BackendClient::new(
        switchboard_core::client::shared_http().unwrap(),
        std::sync::Arc::new(cfg.backends[0].clone()),
    );
    let messages = [
        "hi!",
        "who are you?",
        "explain how TCP congestion control works",
        "write a Python function that reverses a linked list",
        "set up a meeting with Bob tomorrow at 3pm",
        "what's on my calendar this week?",
        "show me my recent emails",
        "send an email to my boss saying I'm sick",
        "find the document about the Q3 budget",
        "are the model servers busy right now?",
        "thanks, that's all",
        "what is 17 times 23?",
        "summarise the causes of the French revolution",
        "book it",
        "안녕!",
        "오늘 일정 알려줘",
        "양자역학을 쉽게 설명해줘",
        "서버 상태 어때?",
        "weather?",
        "delete all my files",
    ];
    let mut valid = 0;
    for m in messages {
        let lang = Lang::En.for_message(m);
        let req = switchboard_core::router::classifier_request(
            &Persona::default(),
            lang,
            &switchboard_core::clock::Clock::system().now_local(),
            &[],
            None,
            m,
            true,
            1024,
        );
        let reply = client.chat(&req).await.unwrap();
        eprintln!("{m:?} -> {}", reply.text.split_whitespace().collect::<Vec<_>>().join(" "));
        let strict: Result<serde_json::Value, _> = serde_json::from_str(&reply.text);
        let action = strict.as_ref().ok().and_then(|v| v["action"].as_str()).and_then(Action::parse);
        match action {
            Some(a) => {
                assert_eq!(decision::parse(&reply.text, m).action(), a, "{m}: {}", reply.text);
                valid += 1;
            }
            None => eprintln!("invalid reply to {m:?}: {}", reply.text),
        }
    }
    assert_eq!(valid, messages.len(), "valid structured decisions");
}

/// A routed answer from a real reasoner (Gemma-270M), the classifier being an HTTP-level fake
/// that always routes (a 135M classifier cannot be made to route on demand); then the
/// reasoner (SmolLM2 here, which writes long answers) is killed with -9 mid-answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routed_answer_streams_from_a_real_reasoner_and_kill9_mid_answer_keeps_everything() {
    use std::sync::Arc;
    use switchboard_core::router::decision::Action;
    use switchboard_core::router::{ChatEvent, Router};
    use switchboard_core::{model::MessageState, Store};
    use switchboard_testkit::fake::{Fake, Reply};

    let classifier = Fake::start().await;
    classifier.route("/v1/models", Reply::ok("{}"));
    let route =
        r#"{"action":"route","prompt":"Write a very long story about a lighthouse keeper, at least 1000 words."}"#;
    classifier.route("/v1/chat/completions", Reply::sse(route, 8, Duration::from_millis(5)));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("conversations.sqlite3");

    for (model, kill) in [(Model::Gemma, false), (Model::SmolLM2, true)] {
        let mut reasoner = Llama::start(model, 1).await;
        let text = format!(
            "[[backend]]\nname = \"c\"\nrole = \"classifier\"\nurl = \"{}\"\nmodel = \"m\"\nkind = \"openai\"\n\n\
             [[backend]]\nname = \"r\"\nrole = \"reasoner\"\nurl = \"{}\"\nmodel = \"test\"\nmax_tokens = 1500\n\n\
             [assistant]\ndecide = \"json\"\nnearest_examples = false\n",
            classifier.url(),
            reasoner.url()
        );
        let cfg = Config::parse(&text, Path::new("t.toml")).unwrap();
        let chat = cfg.chat.clone();
        let registry = Registry::start(cfg).unwrap();
        assert!(registry.ready(Duration::from_secs(10)).await);
        let router = Router::new(registry.clone(), Arc::new(Store::open(&db).unwrap()), &chat);
        let mut reply = router.send(None, "tell me a story").unwrap();
        let (mut shown, mut tokens, mut last) = (String::new(), 0, None);
        while let Some(ev) = timeout(Duration::from_secs(120), reply.events.recv()).await.unwrap() {
            match &ev {
                ChatEvent::Token { text } => {
                    shown.push_str(text);
                    tokens += 1;
                    if kill && tokens == 5 {
                        reasoner.kill9();
                    }
                }
                ChatEvent::Decision { action, backend } => last = Some((*action, backend.clone())),
                ChatEvent::Done { state, .. } => {
                    let want = if kill { MessageState::Failed } else { MessageState::Done };
                    assert_eq!(*state, want, "{model:?}: {shown}");
                    break;
                }
                _ => {}
            }
        }
        assert_eq!(last, Some((Action::Route, "r".to_string())));
        assert!(tokens >= 5, "{model:?} streamed {tokens} tokens: {shown}");
        router.shutdown().await;
        registry.shutdown().await;
        // What the user typed and what was shown are on disk, as a fresh open reads them.
        let store = Store::open(&db).unwrap();
        let stored = store.messages(reply.conversation_id).unwrap();
        assert_eq!((stored[0].role.as_str(), stored[0].text.as_str()), ("user", "tell me a story"));
        assert_eq!(stored[1].text, shown);
        if kill {
            assert_eq!(stored[1].state, MessageState::Failed);
            assert!(stored[1].error.is_some());
        }
    }
}

/// First run with a llama-server already answering on one of the looked-at ports: the written
/// config points both roles at it, with its kind and model id, and it comes up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_points_the_config_at_a_running_server() {
    use switchboard_core::config::{Kind, Role};
    use switchboard_core::servers::discover::{first_run, FirstRun, Options};
    let server = Llama::start(Model::SmolLM2, 1).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("switchboard/config.toml");
    let closed = switchboard_testkit::llama::free_port();
    let opts = Options { host: "127.0.0.1".into(), ports: vec![closed, server.port], local: None };
    match first_run(&path, &opts).await.unwrap() {
        FirstRun::Discovered(found) => {
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].kind, Kind::Llamacpp);
        }
        other => panic!("expected Discovered, got {other:?}"),
    }
    let cfg = Config::load(&path).unwrap();
    let roles: Vec<Role> = cfg.backends.iter().map(|b| b.role).collect();
    assert_eq!(roles, [Role::Classifier, Role::Reasoner]);
    for b in &cfg.backends {
        assert_eq!(
            (b.url.port(), b.kind, b.model.as_str(), b.launch.is_none()),
            (Some(server.port), Kind::Llamacpp, "test", true)
        );
    }
    assert_eq!(first_run(&path, &opts).await.unwrap(), FirstRun::Existing, "a config is never overwritten");
    let r = Registry::start(cfg).unwrap();
    wait_for(&r, Duration::from_secs(10), "UP", |s| s.state == State::Up).await;
    r.shutdown().await;
}

/// First run on a machine where nothing answers: the config names the project's llama-server
/// with `launch`; the registry starts both servers (starting -> up), and shutdown stops them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_without_servers_launches_the_local_llama_servers_and_stops_them() {
    let dir = tempfile::tempdir().unwrap();
    let (_, cfg) = local_config(dir.path()).await;
    let addrs: Vec<String> = cfg.backends.iter().map(|b| format!("127.0.0.1:{}", b.url.port().unwrap())).collect();
    assert!(cfg.backends.iter().all(|b| b.launch.is_some()));
    assert_eq!(switchboard_core::servers::launch::managed(&cfg.backends).len(), 2);

    let r = Registry::start(cfg).unwrap();
    assert!(r.snapshot().iter().all(|s| s.state == State::Starting));
    all_up(&r, "managed servers not up").await;
    // A real (1-token) answer from the managed reasoner.
    assert!(r.ping("big").await.is_ok_and(|ms| ms > 0.0));

    r.shutdown().await;
    all_closed(&addrs, "managed server after shutdown").await;
}

/// Switchboard was killed and its managed llama-servers outlived it: the next start finds them
/// answering, recognises them by their pid files and command lines, takes them back, and stops
/// them at shutdown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managed_servers_left_by_a_killed_run_are_taken_back_and_stopped() {
    use switchboard_core::servers::launch;
    let dir = tempfile::tempdir().unwrap();
    let (_, cfg) = local_config(dir.path()).await;
    // The "orphans": the managed commands, started outside any registry, with their pid files.
    let mut orphans = Vec::new();
    for m in launch::managed(&cfg.backends) {
        let child = std::process::Command::new(&m.argv[0])
            .args(&m.argv[1..])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::fs::write(launch::state_file(&m.name, "pid").unwrap(), child.id().to_string()).unwrap();
        orphans.push((m.addr.clone(), child));
    }
    let r = Registry::start(cfg).unwrap();
    all_up(&r, "servers not up").await;
    r.shutdown().await;
    for (addr, mut child) in orphans {
        let deadline = Instant::now() + Duration::from_secs(5);
        while child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "the server at {addr} was not stopped at shutdown");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(tokio::net::TcpStream::connect(&addr).await.is_err(), "{addr} still answers");
    }
}

/// One owner of the managed servers: while a registry owns them, the CLI's `status` (a process
/// of its own, same config, same state dir) reports them and leaves them running; a second
/// registry in another role (the CLI's `chat` beside the tray app) cannot take them either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clis_status_beside_the_owner_leaves_its_managed_servers_running() {
    let dir = tempfile::tempdir().unwrap();
    let (path, cfg) = local_config(dir.path()).await;
    let addrs: Vec<String> = cfg.backends.iter().map(|b| format!("127.0.0.1:{}", b.url.port().unwrap())).collect();
    let owner = Registry::start(cfg.clone()).unwrap();
    all_up(&owner, "managed servers not up").await;

    let cli = env!("CARGO_BIN_EXE_switchboard-cli");
    let out =
        tokio::process::Command::new(cli).args(["--config", path.to_str().unwrap(), "status"]).output().await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // A second engine in this process (a different open of the lock) is not the owner either.
    let second = Registry::start(cfg).unwrap();
    second.ready(Duration::from_secs(10)).await;
    second.shutdown().await;
    drop(second);
    tokio::time::sleep(Duration::from_secs(1)).await;
    for addr in &addrs {
        assert!(
            tokio::net::TcpStream::connect(addr).await.is_ok(),
            "{addr} was stopped by a process that does not own it"
        );
    }
    assert!(owner.snapshot().iter().all(|s| s.state == State::Up), "{:#?}", owner.snapshot());
    owner.shutdown().await;
    all_closed(&addrs, "the owner did not stop it at shutdown").await;
}

/// Pings due at every tick (the original's rule with a trigger ratio of 0 and short caches,
/// probes every 2 s, no native figures): when the server freezes, a ping hangs on it for its
/// full timeout (20 s), but the health probes go on beside it, so the freeze is seen within
/// 12 s, as without a ping.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ping_hanging_on_a_frozen_server_does_not_delay_down() {
    let server = Llama::start(Model::SmolLM2, 1).await;
    let mut cfg = config(&server.url());
    cfg.health.interval = Duration::from_secs(2);
    cfg.load.use_native = false;
    cfg.load.ping_trigger_ratio = 0.0;
    cfg.load.cache = Duration::from_secs(1);
    cfg.load.cooldown = Duration::from_secs(1);
    let r = Registry::start(cfg).unwrap();
    wait_for(&r, Duration::from_secs(5), "UP", |s| s.state == State::Up).await;
    wait_for(&r, Duration::from_secs(10), "pings at every tick", |s| s.pings_sent >= 3).await;
    let sent = r.snapshot()[0].pings_sent;
    server.freeze();
    let took = wait_for(&r, Duration::from_secs(30), "DOWN while frozen", |s| s.state == State::Down).await;
    let pinged = r.snapshot()[0].pings_sent > sent;
    server.thaw();
    assert!(pinged, "no ping was sent to the frozen server: the scenario did not happen");
    assert!(took <= Duration::from_secs(12), "freeze seen after {took:?} with a ping in flight");
    wait_for(&r, Duration::from_secs(30), "UP after SIGCONT", |s| s.state == State::Up).await;
    r.shutdown().await;
}

/// A managed server killed with -9 is started again by its owner (status says so, an event
/// tells it), loads, and is UP again; shutdown still stops it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_managed_server_killed_with_9_is_started_again() {
    use switchboard_core::model::ServerState;
    use switchboard_core::servers::launch;
    let dir = tempfile::tempdir().unwrap();
    let (_, cfg) = local_config(dir.path()).await;
    let addrs: Vec<String> = cfg.backends.iter().map(|b| format!("127.0.0.1:{}", b.url.port().unwrap())).collect();
    let victim = launch::managed(&cfg.backends).remove(0);
    let r = Registry::start(cfg).unwrap();
    all_up(&r, "managed servers not up").await;
    let mut events = r.subscribe();
    let pid = std::fs::read_to_string(launch::state_file(&victim.name, "pid").unwrap()).unwrap();
    let killed = std::process::Command::new("kill").args(["-KILL", pid.trim()]).status().unwrap();
    assert!(killed.success());

    let restarting = |s: &BackendStatus| matches!(s.server, Some(ServerState::Restarting { attempt: 1, .. }));
    let mut rx = r.watch();
    let seen = timeout(Duration::from_secs(10), rx.wait_for(|v| v.iter().any(restarting))).await;
    assert!(matches!(seen.map(|s| s.is_ok()), Ok(true)), "no restart shown: {:#?}", r.snapshot());
    let event = timeout(Duration::from_secs(5), async {
        loop {
            if let Ok(Event::Server(c)) = events.recv().await {
                break c;
            }
        }
    })
    .await
    .expect("a server event");
    assert!(event.backends.contains(&victim.name), "{event:?}");
    assert!(matches!(&event.state, ServerState::Restarting { exit, .. } if exit.contains("9")), "{event:?}");

    let again = |s: &BackendStatus| matches!(s.server, Some(ServerState::Running { restarts: 1 }));
    let seen = timeout(Duration::from_secs(15), rx.wait_for(|v| v.iter().any(again))).await;
    assert!(matches!(seen.map(|s| s.is_ok()), Ok(true)), "not started again: {:#?}", r.snapshot());
    all_up(&r, "the restarted server is not up").await;
    let new_pid = std::fs::read_to_string(launch::state_file(&victim.name, "pid").unwrap()).unwrap();
    assert_ne!(new_pid.trim(), pid.trim(), "a new process");
    r.shutdown().await;
    all_closed(&addrs, "managed server after shutdown").await;
}

/// `big` with short bounds: an answer must start within 2 s and no silence may last 2 s.
fn short_bounds(url: &str) -> Config {
    let text = format!(
        "[[backend]]\nname = \"small\"\nrole = \"classifier\"\nurl = \"{url}\"\nmodel = \"test\"\n\n\
         [[backend]]\nname = \"big\"\nrole = \"reasoner\"\nurl = \"{url}/v1\"\nmodel = \"test\"\n\
         timeout_secs = 2\nstall_timeout_secs = 2\n"
    );
    Config::parse(&text, Path::new("test.toml")).unwrap()
}

/// Streams `req` from `big`, calling `during` after the first delta; the text, how it ended
/// and how long it took.
async fn stream_from_big(
    r: &Registry,
    req: &ChatRequest,
    during: impl FnOnce(),
) -> (String, Result<(), switchboard_core::client::ClientError>, Duration) {
    let big = r.backend("big").unwrap();
    let started = Instant::now();
    let mut stream = Box::pin(big.client.chat_stream(req).await.unwrap());
    let (mut text, mut during) = (String::new(), Some(during));
    while let Some(ev) = stream.next().await {
        match ev {
            Ok(StreamEvent::Delta(t)) => {
                text.push_str(&t);
                if let Some(f) = during.take() {
                    f();
                }
            }
            Ok(_) => {}
            Err(e) => return (text, Err(e), started.elapsed()),
        }
    }
    (text, Ok(()), started.elapsed())
}

/// A long answer that keeps flowing completes, however long it takes: with a 2 s bound on
/// its start and on each silence, a real answer of 1000 tokens (some 20 s on one thread)
/// streams for many times that. (The old whole-request timeout, 120 s, cut such answers off
/// at 60 times this bound.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_answer_that_keeps_flowing_outlasts_every_timeout() {
    let server = Llama::start(Model::SmolLM2, 1).await;
    let r = Registry::start(short_bounds(&server.url())).unwrap();
    wait_for(&r, Duration::from_secs(5), "UP", |s| s.state == State::Up).await;
    let req = ChatRequest {
        messages: vec![Message::new("user", "Write a very long story about a lighthouse keeper, with many chapters.")],
        max_tokens: Some(1000),
        // Greedy: a sampled story sometimes ended after 6 s, and the scenario did not happen.
        temperature: Some(0.0),
        ..Default::default()
    };
    let (text, end, took) = stream_from_big(&r, &req, || {}).await;
    assert!(end.is_ok(), "{end:?} after {took:?}");
    assert!(took > Duration::from_secs(8), "the answer took only {took:?}: the scenario did not happen");
    assert!(text.len() > 1500, "{} characters", text.len());
    eprintln!("a {took:?} answer of {} characters completed with 2 s timeouts", text.len());
    r.shutdown().await;
}

/// A real server frozen mid-answer: the stream ends with "stalled" after the stall bound (not
/// the whole-answer one), with what came before kept, and the backend's health hears of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_answer_frozen_midway_ends_as_stalled_with_the_partial_kept() {
    let server = Llama::start(Model::SmolLM2, 1).await;
    let r = Registry::start(short_bounds(&server.url())).unwrap();
    wait_for(&r, Duration::from_secs(5), "UP", |s| s.state == State::Up).await;
    let req = ChatRequest {
        messages: vec![Message::new("user", "Write a very long story about a lighthouse keeper, with many chapters.")],
        max_tokens: Some(1000),
        ..Default::default()
    };
    let (text, end, took) = stream_from_big(&r, &req, || server.freeze()).await;
    server.thaw();
    let e = end.expect_err("a frozen server's answer cannot complete");
    assert!(e.to_string().contains("stalled"), "{e}");
    assert!(!text.is_empty(), "the partial answer is kept");
    assert!(took < Duration::from_secs(8), "the stall was seen after {took:?}");
    r.shutdown().await;
}

/// Sentences of 8+ characters said three times or more in `text` (counted here, not by the
/// router's own guard).
fn repeated_sentences(text: &str) -> Vec<String> {
    let mut seen = std::collections::HashMap::<String, u32>::new();
    for s in text.split(['.', '!', '?', '\n', '。']) {
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if s.chars().count() >= 8 {
            *seen.entry(s).or_default() += 1;
        }
    }
    seen.into_iter().filter(|(_, n)| *n >= 3).map(|(s, _)| s).collect()
}

/// Small talk to the router with its defaults (SmolLM2-135M classifying: choose, then write;
/// Gemma-3-270M reasoning) until 40 messages were answered directly by the classifier: no
/// answer repeats a sentence three times, none is empty, none is a placeholder.
///
/// The answers are sampled as the router asks (temperature, penalties); the test servers start
/// every request's sampler from one seed (`--seed 42`, testkit), so a run fails for the code
/// (prompt, sampling settings, guard), not for the dice. Unseeded, it passed 3 of 4 runs by
/// hand: the one failure, one bad answer of 44, came before the reasoner's guard counted what
/// was shown before a hand-off (2 of 2 since).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_direct_answers_from_the_default_classifier_never_loop() {
    use std::sync::Arc;
    use switchboard_core::router::decision::Action;
    use switchboard_core::router::{guard, ChatEvent, NoticeKind, Router};
    use switchboard_core::Store;

    const SMALL_TALK: [&str; 40] = [
        "hi!",
        "good morning!",
        "how are you today?",
        "thanks, that was helpful",
        "what's your name?",
        "tell me a joke",
        "say something nice",
        "I'm bored",
        "good night",
        "do you like music?",
        "what's your favourite colour?",
        "haha that's funny",
        "nice to meet you",
        "I just got back from a walk",
        "it's raining here",
        "have a great day",
        "who are you?",
        "I'm feeling tired today",
        "what's up?",
        "thank you so much!",
        "안녕!",
        "좋은 아침이야",
        "오늘 기분 어때?",
        "고마워",
        "이름이 뭐야?",
        "농담 하나 해줘",
        "심심해",
        "잘 자",
        "음악 좋아해?",
        "반가워",
        "산책하고 왔어",
        "여기 비 와",
        "좋은 하루 보내",
        "넌 누구야?",
        "오늘 좀 피곤하네",
        "뭐해?",
        "정말 고마워!",
        "배고프다",
        "주말 잘 보냈어?",
        "ㅎㅎ 웃기다",
    ];
    let classifier = Llama::start(Model::SmolLM2, 1).await;
    let reasoner = Llama::start(Model::Gemma, 1).await;
    let text = format!(
        "[[backend]]\nname = \"small\"\nrole = \"classifier\"\nurl = \"{}\"\nmodel = \"test\"\n\n\
         [[backend]]\nname = \"big\"\nrole = \"reasoner\"\nurl = \"{}\"\nmodel = \"test\"\nmax_tokens = 256\n",
        classifier.url(),
        reasoner.url()
    );
    let cfg = Config::parse(&text, Path::new("t.toml")).unwrap();
    let chat = cfg.chat.clone();
    let registry = Registry::start(cfg).unwrap();
    assert!(registry.ready(Duration::from_secs(30)).await);
    let router = Router::new(registry.clone(), Arc::new(Store::in_memory().unwrap()), &chat);
    let (mut direct, mut handed_on, mut sent) = (0, 0, 0);
    let mut bad = Vec::new();
    for message in SMALL_TALK.iter().cycle().take(120) {
        if direct >= 40 {
            break;
        }
        sent += 1;
        let mut reply = router.send(None, message).unwrap();
        let (mut answer, mut decided, mut degenerate) = (String::new(), None, false);
        while let Some(ev) = timeout(Duration::from_secs(120), reply.events.recv()).await.unwrap() {
            match ev {
                ChatEvent::Token { text } => answer.push_str(&text),
                ChatEvent::Decision { action, backend } if decided.is_none() => decided = Some((action, backend)),
                ChatEvent::Notice { kind: NoticeKind::Degenerate, .. } => degenerate = true,
                ChatEvent::Done { .. } => break,
                _ => {}
            }
        }
        if decided == Some((Action::Direct, "small".to_string())) {
            direct += 1;
            handed_on += u32::from(degenerate);
        }
        let loops = repeated_sentences(&answer);
        if answer.trim().is_empty() || guard::placeholder(&answer) || !loops.is_empty() {
            bad.push(format!("{message:?} ({decided:?}) -> {answer:?} (repeated: {loops:?})"));
        }
    }
    println!("{sent} messages, {direct} answered directly ({handed_on} handed to the reasoner by the loop guard)");
    assert!(bad.is_empty(), "{} bad answers:\n{}", bad.len(), bad.join("\n"));
    assert!(direct >= 40, "only {direct} of {sent} small-talk messages were answered directly");
    router.shutdown().await;
    registry.shutdown().await;
}
