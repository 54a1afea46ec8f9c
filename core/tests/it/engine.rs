//! The engine over an HTTP-level fake server, with paused tokio time: sleeps below advance a
//! virtual clock instantly; nothing waits for real.

use std::path::Path;
use std::time::Duration;

use switchboard_core::model::Event;
use switchboard_core::{Config, Level, Registry, State};
use tokio::time::sleep;

use switchboard_testkit::fake::{Fake, Reply, CHAT_ONE, LOADING_BODY};

fn config(kind: &str, url: &str) -> Config {
    let text = format!(
        "[[backend]]\nname = \"a\"\nrole = \"classifier\"\nurl = \"{url}\"\nmodel = \"m\"\nkind = \"{kind}\"\n\n\
         [[backend]]\nname = \"b\"\nrole = \"reasoner\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\nkind = \"openai\"\n"
    );
    Config::parse(&text, Path::new("test.toml")).unwrap()
}

async fn openai_fake() -> Fake {
    let f = Fake::start().await;
    f.route("/v1/models", Reply::ok(r#"{"data":[{"id":"m"}]}"#));
    f.route("/v1/chat/completions", Reply::ok(CHAT_ONE).after(Duration::from_millis(300)));
    f
}

fn state_of(r: &Registry, name: &str) -> State {
    r.snapshot().into_iter().find(|s| s.name == name).unwrap().state
}

#[tokio::test(start_paused = true)]
async fn concurrent_callers_share_one_ping_and_cooldown_holds() {
    let f = openai_fake().await;
    let r = Registry::start(config("openai", &f.url())).unwrap();
    assert!(r.ready(Duration::from_secs(10)).await);
    assert_eq!(f.hits("/v1/chat/completions"), 0, "no ping while idle");

    let (x, y, z) = tokio::join!(r.ping("a"), r.ping("a"), r.ping("a"));
    assert_eq!(f.hits("/v1/chat/completions"), 1, "three callers, one ping");
    assert_eq!(x.unwrap(), y.unwrap());
    assert_eq!(z.unwrap(), 300.0);

    sleep(Duration::from_secs(9)).await;
    r.status(true).await;
    assert_eq!(f.hits("/v1/chat/completions"), 1, "cooldown: no ping within 10 s");
    sleep(Duration::from_millis(1100)).await;
    r.status(true).await;
    assert_eq!(f.hits("/v1/chat/completions"), 2, "after the cooldown, the user's request pings");
    r.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_failed_ping_also_starts_the_cooldown() {
    let f = openai_fake().await;
    f.route("/v1/chat/completions", Reply::status(500, r#"{"error":"boom"}"#));
    let r = Registry::start(config("openai", &f.url())).unwrap();
    assert!(r.ready(Duration::from_secs(10)).await);
    assert!(r.ping("a").await.is_err());
    assert!(r.ping("a").await.is_err());
    sleep(Duration::from_secs(5)).await;
    assert!(r.ping("a").await.is_err());
    assert_eq!(f.hits("/v1/chat/completions"), 1, "the original retried at every call");
    sleep(Duration::from_secs(6)).await;
    let err = r.ping("a").await.unwrap_err().to_string();
    assert_eq!(f.hits("/v1/chat/completions"), 2);
    assert!(err.contains("500"), "{err}");
    r.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn idle_backend_is_probed_every_30s_and_never_pinged() {
    let f = openai_fake().await;
    let r = Registry::start(config("openai", &f.url())).unwrap();
    sleep(Duration::from_secs(95)).await;
    assert_eq!(f.hits("/v1/models"), 4, "probes at 0, 30, 60, 90 s");
    assert_eq!(f.hits("/v1/chat/completions"), 0);
    let s = &r.snapshot()[0];
    assert_eq!((s.state, s.level, s.pings_sent), (State::Up, Level::Idle, 0));
    r.shutdown().await;
    sleep(Duration::from_secs(120)).await;
    assert_eq!(f.hits("/v1/models"), 4, "no monitor runs after shutdown");
}

#[tokio::test(start_paused = true)]
async fn probe_over_3x_baseline_triggers_the_seed_ping() {
    let f = openai_fake().await;
    f.route("/v1/models", Reply::ok("{}").after(Duration::from_millis(20)));
    let r = Registry::start(config("openai", &f.url())).unwrap();
    // Five probes of 20 ms (t = 0 .. 120 s): baseline 20 ms.
    sleep(Duration::from_secs(125)).await;
    assert_eq!(r.snapshot()[0].baseline_ms, 20.0);
    assert_eq!(f.hits("/v1/chat/completions"), 0);
    // The next probe takes 100 ms: baseline 0.9*20 + 0.1*100 = 28; 100 > 3 * 28: ping.
    f.route("/v1/models", Reply::ok("{}").after(Duration::from_millis(100)));
    sleep(Duration::from_secs(30)).await;
    assert_eq!(f.hits("/v1/chat/completions"), 1);
    let s = &r.snapshot()[0];
    assert_eq!(s.ping_ms, Some(300.0));
    assert_eq!(s.baseline_ms, 28.0);
    // probe 100 > 2 x 28, < 5 x 28: normal, by the original's rules.
    assert_eq!(s.level, Level::Normal);
    r.shutdown().await;
}

/// llama.cpp answers 503 "Loading model" while a big model loads: a real server loads our
/// small models in about a second, so the fake replays that answer for a minute.
#[tokio::test(start_paused = true)]
async fn loading_for_a_minute_is_starting_never_down() {
    let f = Fake::start().await;
    for path in ["/health", "/props", "/v1/models"] {
        f.route(path, Reply::status(503, LOADING_BODY));
    }
    let r = Registry::start(config("auto", &f.url())).unwrap();
    let mut events = r.subscribe();
    sleep(Duration::from_secs(60)).await;
    assert_eq!(state_of(&r, "a"), State::Starting);
    assert_eq!(r.snapshot()[0].level, Level::Starting);
    assert!(f.hits("/health") >= 50, "probed about every second while starting");
    f.route("/health", Reply::ok(r#"{"status":"ok"}"#));
    f.route("/metrics", Reply::ok("llamacpp:requests_processing 0\nllamacpp:requests_deferred 0\n"));
    f.route("/slots", Reply::ok(r#"[{"id":0,"is_processing":false}]"#));
    sleep(Duration::from_secs(2)).await;
    assert_eq!(state_of(&r, "a"), State::Up);
    let mut flips = Vec::new();
    while let Ok(ev) = events.try_recv() {
        if let Event::Flip(fl) = ev {
            if fl.backend == "a" {
                flips.push((fl.from, fl.to));
            }
        }
    }
    assert_eq!(flips, vec![(State::Starting, State::Up)]);
    assert_eq!(r.snapshot()[0].kind.as_str(), "llamacpp", "detected from the loading answer");
    r.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn outage_probes_fast_then_backs_off_and_recovers() {
    let f = openai_fake().await;
    let r = Registry::start(config("openai", &f.url())).unwrap();
    assert!(r.ready(Duration::from_secs(5)).await);
    f.route("/v1/models", Reply::status(500, "{}"));
    // Next probe is due at 30 s; three failures a second apart take it down.
    sleep(Duration::from_secs(33)).await;
    assert_eq!(state_of(&r, "a"), State::Down);
    let at_down = f.hits("/v1/models");
    sleep(Duration::from_secs(59)).await;
    let first_minute = f.hits("/v1/models") - at_down;
    assert!((50..=62).contains(&first_minute), "about one probe a second at first: {first_minute}");
    sleep(Duration::from_secs(120)).await;
    let next_two_minutes = f.hits("/v1/models") - at_down - first_minute;
    assert!(next_two_minutes <= 14, "backed off to at most one probe per 15 s: {next_two_minutes}");
    f.route("/v1/models", Reply::ok("{}"));
    sleep(Duration::from_secs(31)).await;
    assert_eq!(state_of(&r, "a"), State::Up, "two successes bring it back");
    let flips = &r.snapshot()[0].flips;
    let last = flips.last().unwrap();
    assert_eq!((last.from, last.to), (State::Down, State::Up));
    assert!(last.reason.contains("2 successes"), "{}", last.reason);

    // The last hour, as the status view plots it: up, then down for about four minutes, then up.
    let h = r.history("a").unwrap();
    let down: Vec<_> = h.iter().filter(|p| p.state == State::Down).map(|p| p.at).collect();
    let span = (*down.last().unwrap() - *down.first().unwrap()).num_seconds();
    assert!((180..=240).contains(&span), "down for 3 to 4 minutes: {span} s, {} points", down.len());
    assert_eq!(h.first().map(|p| p.state), Some(State::Up));
    assert_eq!(h.last().map(|p| p.state), Some(State::Up));
    assert!(h.windows(2).all(|w| w[0].at <= w[1].at));
    assert!(r.history("nope").is_err());
    r.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn real_requests_are_health_and_load_evidence() {
    let f = openai_fake().await;
    let r = Registry::start(config("openai", &f.url())).unwrap();
    assert!(r.ready(Duration::from_secs(5)).await);
    let a = r.backend("a").unwrap();

    // One of our requests waits 9 s without a first token: very busy, from request timing.
    let mut guard = a.queue.acquire().await;
    // `status` recomputes now; the snapshot is as of the monitor's last tick (<= 1 s ago).
    sleep(Duration::from_secs(5)).await;
    assert_eq!(r.status(false).await[0].level, Level::Busy);
    sleep(Duration::from_secs(4)).await;
    assert_eq!(r.status(false).await[0].level, Level::VeryBusy);
    guard.token();
    guard.finish(Some(1));
    sleep(Duration::from_secs(2)).await;
    assert_eq!(r.snapshot()[0].level, Level::Idle, "no work in flight, no ping: the original's rules");
    assert_eq!(r.snapshot()[0].pings_sent, 0);

    // Two refused requests confirm an outage before the next probe is due.
    let refused = switchboard_core::client::ClientError::Refused { url: "x".into() };
    a.queue.acquire().await.fail(&refused);
    a.queue.acquire().await.fail(&refused);
    sleep(Duration::from_millis(10)).await;
    assert_eq!(state_of(&r, "a"), State::Down);
    r.shutdown().await;
}

/// A slow spell makes the original's ping due (probe over 3x baseline, the server's figures
/// timing out), and the ping hangs; then the server freezes. The ping runs beside the monitor's
/// ticks, so the probes and reads go on and the freeze is DOWN within 12 s (when the tick
/// waited for the ping, 20 s of its timeout passed first).
#[tokio::test(start_paused = true)]
async fn a_hanging_ping_never_holds_the_probes_a_freeze_is_down_within_12_s() {
    let f = Fake::start().await;
    f.route("/health", Reply::ok(r#"{"status":"ok"}"#).after(Duration::from_millis(20)));
    f.route("/slots", Reply::ok("[]"));
    f.route("/metrics", Reply::status(404, "no metrics"));
    f.route("/v1/chat/completions", Reply::ok(CHAT_ONE).after(Duration::from_secs(3600)));
    let r = Registry::start(config("llamacpp", &f.url())).unwrap();
    // Five probes of 20 ms: baseline 20 ms; the server's figures keep it from pinging.
    sleep(Duration::from_secs(125)).await;
    assert_eq!(r.snapshot()[0].baseline_ms, 20.0);
    assert_eq!(f.hits("/v1/chat/completions"), 0);
    // The slow spell: probes of 100 ms, figures that time out.
    f.route("/health", Reply::ok(r#"{"status":"ok"}"#).after(Duration::from_millis(100)));
    f.route("/slots", Reply::ok("[]").after(Duration::from_secs(3600)));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while f.hits("/v1/chat/completions") == 0 {
        assert!(tokio::time::Instant::now() < deadline, "the ping never came");
        sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(state_of(&r, "a"), State::Up);
    // The freeze, while the ping hangs.
    f.route("/health", Reply::ok("{}").after(Duration::from_secs(3600)));
    let frozen = tokio::time::Instant::now();
    while state_of(&r, "a") != State::Down {
        assert!(frozen.elapsed() <= Duration::from_secs(12), "still {:?} after 12 s", state_of(&r, "a"));
        sleep(Duration::from_millis(100)).await;
    }
    eprintln!("frozen -> DOWN in {:.1} s", frozen.elapsed().as_secs_f64());
    r.shutdown().await;
}
