//! Live reload: a new configuration applied to a running engine. Backends added, removed
//! and changed over HTTP-level fakes with paused time (exact probe counts while time is
//! fast-forwarded); the file followed and a managed server stopped, in real time.

use std::path::Path;
use std::time::Duration;

use switchboard_core::model::{ConfigChange, Event};
use switchboard_core::{Config, Engine, Role, State};
use switchboard_testkit::fake::{Fake, Reply, CHAT_ONE};
use tokio::time::{sleep, Instant};

fn backend(name: &str, role: &str, url: &str, model: &str) -> String {
    format!("[[backend]]\nname = \"{name}\"\nrole = \"{role}\"\nurl = \"{url}\"\nmodel = \"{model}\"\nkind = \"openai\"\n\n")
}

fn config(store: &Path, backends: &[String]) -> Config {
    let text = format!("[assistant]\nstore = \"{}\"\n\n{}", store.display(), backends.concat());
    Config::parse(&text, Path::new("test.toml")).unwrap()
}

async fn fake() -> Fake {
    let f = Fake::start().await;
    f.route("/v1/models", Reply::ok(r#"{"data":[{"id":"m"}]}"#));
    f.route("/v1/chat/completions", Reply::ok(CHAT_ONE));
    f
}

fn names(engine: &Engine) -> Vec<String> {
    engine.registry().snapshot().into_iter().map(|s| s.name).collect()
}

fn config_events(rx: &mut tokio::sync::broadcast::Receiver<Event>) -> Vec<ConfigChange> {
    let mut out = Vec::new();
    while let Ok(ev) = rx.try_recv() {
        if let Event::Config(c) = ev {
            out.push(c);
        }
    }
    out
}

#[tokio::test(start_paused = true)]
async fn added_removed_and_changed_backends_follow_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("chat.sqlite3");
    let (fa, fb, fc) = (fake().await, fake().await, fake().await);
    let a = backend("a", "classifier", &fa.url(), "m");
    let b = backend("b", "reasoner", &fb.url(), "m");
    let c = backend("c", "reasoner", &fc.url(), "m");
    let engine = Engine::start(config(&store, &[a.clone(), b])).unwrap();
    let mut events = engine.registry().subscribe();
    assert!(engine.registry().ready(Duration::from_secs(10)).await);
    sleep(Duration::from_secs(65)).await;
    let a_checks = engine.registry().snapshot()[0].checks;
    assert_eq!((fa.hits("/v1/models"), fb.hits("/v1/models")), (3, 3), "probes at 0, 30, 60 s");
    assert_eq!(engine.registry().tasks(), 2);

    // b removed, c added, a unchanged.
    let change = engine.reload(config(&store, &[a.clone(), c])).await;
    assert_eq!((change.added, change.removed, change.restarted), (vec!["c".into()], vec!["b".into()], vec![]));
    assert_eq!(names(&engine), ["a", "c"]);
    assert_eq!(engine.registry().tasks(), 2, "one monitor per backend, the removed one stopped");
    let handles: Vec<String> = engine.registry().backends(Role::Reasoner).into_iter().map(|h| h.name).collect();
    assert_eq!(handles, ["c"], "the router's reasoners follow");
    assert!(engine.registry().ready(Duration::from_secs(5)).await, "the added backend is checked at once");
    sleep(Duration::from_secs(120)).await;
    assert_eq!(fb.hits("/v1/models"), 3, "no probe of a removed backend");
    assert!(fc.hits("/v1/models") >= 4, "the added backend is watched");
    let s = &engine.registry().snapshot()[0];
    assert!(
        s.checks > a_checks + 3,
        "an unchanged backend keeps its monitor and state ({} after {a_checks})",
        s.checks
    );
    assert_eq!(s.state, State::Up);

    // a's model changed: its monitor starts again, from a fresh state.
    let a2 = backend("a", "classifier", &fa.url(), "m2");
    let c = backend("c", "reasoner", &fc.url(), "m");
    let change = engine.reload(config(&store, &[a2, c.clone()])).await;
    assert_eq!(change.restarted, ["a"]);
    assert!(change.added.is_empty() && change.removed.is_empty());
    assert!(engine.registry().snapshot()[0].checks <= 1, "a changed backend starts unchecked");
    assert_eq!(engine.registry().backend("a").unwrap().client.config().model, "m2");
    assert_eq!(engine.registry().tasks(), 2);

    // The same configuration again: nothing changes.
    let before = fc.hits("/v1/models");
    let change = engine.reload(engine.config().as_ref().clone()).await;
    assert!(change.added.is_empty() && change.removed.is_empty() && change.restarted.is_empty());
    assert_eq!(fc.hits("/v1/models"), before, "an unchanged backend is not probed again by a reload");

    let seen = config_events(&mut events);
    assert_eq!(seen.len(), 3, "each reload is announced");
    assert!(seen.iter().all(|c| c.error.is_none()));
    engine.shutdown().await;
    assert_eq!(engine.registry().tasks(), 0);
    let (ha, hc) = (fa.hits("/v1/models"), fc.hits("/v1/models"));
    sleep(Duration::from_secs(120)).await;
    assert_eq!((fa.hits("/v1/models"), fc.hits("/v1/models")), (ha, hc), "nothing runs after shutdown");
}

#[tokio::test(start_paused = true)]
async fn a_change_of_the_health_settings_restarts_every_monitor_on_the_new_interval() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("chat.sqlite3");
    let fa = fake().await;
    let a = backend("a", "classifier", &fa.url(), "m") + &backend("r", "reasoner", "http://127.0.0.1:9", "m");
    let engine = Engine::start(config(&store, std::slice::from_ref(&a))).unwrap();
    assert!(engine.registry().ready(Duration::from_secs(10)).await);
    sleep(Duration::from_secs(61)).await;
    assert_eq!(fa.hits("/v1/models"), 3);
    let text = format!("[assistant]\nstore = \"{}\"\n\n[health]\ninterval_secs = 10\n\n{a}", store.display());
    let change = engine.reload(Config::parse(&text, Path::new("t.toml")).unwrap()).await;
    assert_eq!(change.restarted, ["a", "r"]);
    sleep(Duration::from_secs(60)).await;
    assert!((6..=7).contains(&(fa.hits("/v1/models") - 3)), "probed every 10 s: {}", fa.hits("/v1/models") - 3);
    engine.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn chat_settings_apply_to_the_next_reply_and_the_store_waits_for_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("chat.sqlite3");
    let fa = fake().await;
    let a = backend("a", "classifier", &fa.url(), "m") + &backend("r", "reasoner", "http://127.0.0.1:9", "m");
    let engine = Engine::start(config(&store, std::slice::from_ref(&a))).unwrap();
    let text =
        format!("[assistant]\nstore = \"{}\"\nlanguage = \"ko\"\n\n{a}", dir.path().join("other.sqlite3").display());
    let change = engine.reload(Config::parse(&text, Path::new("t.toml")).unwrap()).await;
    assert_eq!(change.on_restart, ["chat.store"]);
    assert_eq!(engine.lang(), switchboard_core::model::Lang::Ko, "the language follows");
    assert_eq!(engine.config().chat.store.as_deref(), Some(store.as_path()), "the store in use is kept");
    engine.shutdown().await;
}

/// Polls `f` every 50 ms until it holds, for at most `within`.
async fn until(within: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !f() {
        assert!(Instant::now() < deadline, "not within {within:?}: {what}");
        sleep(Duration::from_millis(50)).await;
    }
}

/// A hand edit of the file is applied within 2 s; a broken one is announced with its line,
/// and the running configuration kept; fixing it applies it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_edit_of_the_file_is_applied_and_a_broken_one_reported() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("chat.sqlite3");
    let path = dir.path().join("config.toml");
    let (fa, fb) = (fake().await, fake().await);
    let a = backend("a", "classifier", &fa.url(), "m") + &backend("r", "reasoner", "http://127.0.0.1:9", "m");
    let b = backend("b", "reasoner", &fb.url(), "m");
    let head = format!("# my comment\n[assistant]\nstore = \"{}\"\n\n", store.display());
    std::fs::write(&path, format!("{head}{a}")).unwrap();
    let engine = Engine::start(Config::load(&path).unwrap()).unwrap();
    let mut events = engine.registry().subscribe();
    engine.follow(&path).unwrap();

    // An editor's save: a new file renamed over the old one.
    let tmp = dir.path().join(".config.toml.swp");
    std::fs::write(&tmp, format!("{head}{a}{b}")).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    until(Duration::from_secs(2), "b added", || names(&engine) == ["a", "r", "b"]).await;

    std::fs::write(&path, format!("{head}{a}{b}[[backend]]\nname = \"c\"\nrole = \"wizard\"\n")).unwrap();
    let refused = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Ok(Event::Config(c)) = events.recv().await {
                if c.error.is_some() {
                    return c;
                }
            }
        }
    })
    .await
    .expect("the broken file is announced");
    let error = refused.error.unwrap();
    assert!(error.contains("config.toml:28:") && error.contains("wizard"), "{error}");
    assert_eq!(names(&engine), ["a", "r", "b"], "the running configuration is kept");

    std::fs::write(&path, format!("{head}{a}")).unwrap();
    until(Duration::from_secs(2), "b removed", || names(&engine) == ["a", "r"]).await;
    engine.shutdown().await;
}

/// A backend whose server Switchboard starts (`launch`) is removed: the server is stopped.
/// Added again: started again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_a_managed_backend_stops_its_server() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("chat.sqlite3");
    let port = switchboard_testkit::llama::free_port();
    let managed = format!(
        "[[backend]]\nname = \"reload-managed-{port}\"\nrole = \"reasoner\"\nurl = \"http://127.0.0.1:{port}\"\n\
         model = \"m\"\nkind = \"openai\"\nlaunch = [\"python3\", \"-m\", \"http.server\", \"{port}\", \"--bind\", \"127.0.0.1\"]\n\n"
    );
    let fa = fake().await;
    let a = backend("a", "classifier", &fa.url(), "m") + &backend("r", "reasoner", "http://127.0.0.1:9", "m");
    let engine = Engine::start(config(&store, std::slice::from_ref(&a))).unwrap();
    let listening = || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
    assert!(!listening());

    let change = engine.reload(config(&store, &[a.clone(), managed.clone()])).await;
    assert_eq!(change.added.len(), 1);
    until(Duration::from_secs(10), "the managed server started", listening).await;
    assert_eq!(engine.registry().tasks(), 4, "three monitors and the server's task");

    engine.reload(config(&store, std::slice::from_ref(&a))).await;
    assert!(!listening(), "the reload returns once the server has stopped");
    assert_eq!(engine.registry().tasks(), 2);
    engine.shutdown().await;
}

/// The status history is kept on disk beside the conversations: after a restart, the day's
/// range still holds the points from before it.
#[tokio::test(start_paused = true)]
async fn the_status_history_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("chat.sqlite3");
    let fa = fake().await;
    let a = backend("a", "classifier", &fa.url(), "m") + &backend("r", "reasoner", "http://127.0.0.1:9", "m");
    // Dates that move with the paused clock, across both runs.
    let clock = switchboard_core::clock::Clock::fixed("2026-12-03T10:00:00+00:00".parse().unwrap());
    let engine = Engine::start_with(config(&store, std::slice::from_ref(&a)), clock).unwrap();
    sleep(Duration::from_secs(300)).await;
    let before = engine.registry().history("a").unwrap();
    assert!(before.len() >= 29, "{}", before.len());
    engine.shutdown().await;
    assert!(dir.path().join("history.sqlite3").exists());

    let engine = Engine::start_with(config(&store, &[a]), clock).unwrap();
    sleep(Duration::from_secs(30)).await;
    let hour = engine.registry().history_range("a", Duration::from_secs(3600)).unwrap();
    assert!(hour.len() >= before.len() + 3, "the hour holds the points from before the restart: {}", hour.len());
    assert_eq!(hour[0].at, before[0].at, "from the first one");
    // The day in 2-minute points (720 at most): the 5 minutes before and the half after.
    let day = engine.registry().history_range("a", Duration::from_secs(24 * 3600)).unwrap();
    assert!((3..=5).contains(&day.len()), "{}", day.len());
    assert!(day[0].at <= before[0].at + chrono::Duration::seconds(120), "the oldest are there");
    let week = engine.registry().history_range("a", Duration::from_secs(7 * 24 * 3600)).unwrap();
    assert!(!week.is_empty() && week.len() <= 721);
    engine.shutdown().await;
}
