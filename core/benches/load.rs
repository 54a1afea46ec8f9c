//! Load-level truth and failure detection on a real llama-server (a benchmark, not a test).
//!
//!     cargo bench -p switchboard-core --bench load [-- --quick] [--slots N] [--gen fixed|early] [--verbose]
//!
//! 1. Sweep: for `-np 1` and `-np 2`, 0..6 concurrent 300-token generations (closed loop),
//!    each step held for a while; then `-np 1` again with replies as a chat sends them to a
//!    reasoner: allowed 16,000 tokens (its default `max_tokens`), ending after 100-400 (the
//!    client closes the stream, as a reply that ends on its own; `--gen fixed|early` runs one
//!    kind). Meanwhile the benchmark itself sends 1-token pings, one at a
//!    time, at most one a second: a ping's latency is the truth (over 8 s very busy, over 4 s
//!    busy, else normal while any generation is in flight, else idle). Our level is sampled at
//!    1 Hz; a ping agrees when one of our samples from its start to 2 s later matches. The
//!    same is computed for a second registry running the original's rules alone (no native
//!    figures, no request timing). Inference pings sent by our registry are counted, and our
//!    estimated wait is set beside each ping's.
//! 2. Detection: kill -9, SIGSTOP for 30 s, and restart, over several trials.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use switchboard_core::config::LoadSettings;
use switchboard_core::load::from_wait;
use switchboard_core::{Config, Level, Registry, State};
use switchboard_testkit::llama::{Llama, Model};
use tokio::time::{sleep, Instant};

const TOKENS: u32 = 300;
const MAX_CONCURRENCY: usize = 6;

/// How each generation of the load runs.
#[derive(Clone, Copy, PartialEq)]
enum Gen {
    /// [`TOKENS`] tokens, all of them (`max_tokens` = [`TOKENS`], the end of text ignored).
    Fixed,
    /// Allowed 16,000 tokens, ended by the client after 100-400.
    EndsEarly,
}

/// One reply allowed 16,000 tokens, streamed, whose stream is closed after `tokens` events
/// (llama-server stops a task whose client has gone).
async fn ends_early(http: &reqwest::Client, url: &str, tokens: usize) {
    let body = serde_json::json!({
        "messages": [{"role": "user", "content": "Tell me a long story about a lighthouse keeper."}],
        "max_tokens": 16_000, "ignore_eos": true, "temperature": 0.8, "stream": true,
    });
    let Ok(mut r) = http.post(format!("{url}/v1/chat/completions")).json(&body).send().await else { return };
    let mut seen = 0;
    while let Ok(Some(chunk)) = r.chunk().await {
        seen += chunk.windows(6).filter(|w| *w == b"data: ").count();
        if seen >= tokens {
            break;
        }
    }
}

fn config(url: &str, ours: bool) -> Config {
    let mut text = format!(
        "[[backend]]\nname = \"small\"\nrole = \"classifier\"\nurl = \"{url}\"\nmodel = \"test\"\n\n\
         [[backend]]\nname = \"big\"\nrole = \"reasoner\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"x\"\nkind = \"openai\"\n"
    );
    if !ours {
        text.push_str("\n[load]\nuse_native = false\nuse_request_timing = false\n");
    }
    Config::parse(&text, Path::new("bench.toml")).unwrap()
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

struct Ping {
    start: f64,
    ms: f64,
    working: bool,
    concurrency: usize,
    /// Our estimated wait as the ping was sent (before the server could count it).
    est_ms: Option<f64>,
}

struct Sample {
    t: f64,
    ours: Level,
    seed: Level,
    /// Our estimated wait and the server's running / waiting figures, for `--verbose`.
    detail: String,
}

async fn one_ping(http: &reqwest::Client, url: &str) -> f64 {
    let body = serde_json::json!({"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1, "temperature": 0});
    let start = Instant::now();
    let r = http.post(format!("{url}/v1/chat/completions")).json(&body).send().await;
    if let Ok(r) = r {
        let _ = r.bytes().await;
    }
    start.elapsed().as_secs_f64() * 1000.0
}

async fn sweep(slots: u32, gen: Gen, step: Duration, verbose: bool) {
    let server = Llama::start(Model::SmolLM2, slots).await;
    let url = server.url();
    let ours = Registry::start(config(&url, true)).unwrap();
    let seed = Registry::start(config(&url, false)).unwrap();
    assert!(ours.ready(Duration::from_secs(10)).await && seed.ready(Duration::from_secs(10)).await);
    let t0 = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let concurrency = Arc::new(AtomicUsize::new(0));
    let samples = Arc::new(Mutex::new(Vec::<Sample>::new()));
    let pings = Arc::new(Mutex::new(Vec::<Ping>::new()));

    let sampler = {
        let (stop, samples, ours, seed) = (stop.clone(), samples.clone(), ours.clone(), seed.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            while !stop.load(Ordering::SeqCst) {
                tick.tick().await;
                let o = ours.snapshot()[0].clone();
                let n = o.native.clone().unwrap_or_default();
                let detail = format!(
                    "{}({:.0}ms r{} w{} tps{:.0})",
                    o.level,
                    o.est_wait_ms.unwrap_or(-1.0),
                    n.running.unwrap_or(0),
                    n.waiting.unwrap_or(0),
                    n.slot_tokens_per_s.unwrap_or(0.0)
                );
                let s = Sample { t: secs(t0.elapsed()), ours: o.level, seed: seed.snapshot()[0].level, detail };
                samples.lock().unwrap().push(s);
            }
        })
    };
    let pinger = {
        let (stop, pings, in_flight, concurrency, url, ours) =
            (stop.clone(), pings.clone(), in_flight.clone(), concurrency.clone(), url.clone(), ours.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            // Jitter (a small LCG) keeps the pings out of phase with our 1 s reads.
            let mut rng: u64 = 0x5eed;
            while !stop.load(Ordering::SeqCst) {
                rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let jitter = Duration::from_millis((rng >> 33) % 500);
                let start = Instant::now();
                let working = in_flight.load(Ordering::SeqCst) > 0;
                let c = concurrency.load(Ordering::SeqCst);
                let est_ms = ours.snapshot()[0].est_wait_ms;
                let ms = one_ping(&http, &url).await;
                pings.lock().unwrap().push(Ping { start: secs(start - t0), ms, working, concurrency: c, est_ms });
                tokio::time::sleep_until(start + Duration::from_secs(1) + jitter).await;
            }
        })
    };

    let mut idle_time = Duration::ZERO;
    let mut idle_pings = 0;
    for c in 0..=MAX_CONCURRENCY {
        concurrency.store(c, Ordering::SeqCst);
        let phase_stop = Arc::new(AtomicBool::new(false));
        let gens: Vec<_> = (0..c)
            .map(|i| {
                let (phase_stop, in_flight, url) = (phase_stop.clone(), in_flight.clone(), url.clone());
                tokio::spawn(async move {
                    let http = reqwest::Client::new();
                    let mut rng: u64 = 0xface + i as u64;
                    while !phase_stop.load(Ordering::SeqCst) {
                        in_flight.fetch_add(1, Ordering::SeqCst);
                        match gen {
                            Gen::Fixed => {
                                let _ = Llama::generate(url.clone(), TOKENS).await;
                            }
                            Gen::EndsEarly => {
                                rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                                ends_early(&http, &url, 100 + ((rng >> 33) % 301) as usize).await;
                            }
                        }
                        in_flight.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        let before = ours.snapshot()[0].pings_sent;
        sleep(step).await;
        if c == 0 {
            idle_time += step;
            idle_pings += ours.snapshot()[0].pings_sent - before;
        }
        phase_stop.store(true, Ordering::SeqCst);
        for g in gens {
            g.await.unwrap();
        }
    }
    stop.store(true, Ordering::SeqCst);
    sampler.await.unwrap();
    pinger.await.unwrap();
    let total_pings_ours = ours.snapshot()[0].pings_sent;
    let total_pings_seed = seed.snapshot()[0].pings_sent;
    ours.shutdown().await;
    seed.shutdown().await;

    let s = LoadSettings::default();
    let samples = samples.lock().unwrap();
    let pings = pings.lock().unwrap();
    let agrees = |p: &Ping, pick: fn(&Sample) -> Level| {
        let truth = from_wait(p.ms, p.working, &s);
        samples.iter().filter(|x| x.t >= p.start && x.t <= p.start + 2.0).any(|x| pick(x) == truth)
    };
    let share = |ps: &[&Ping], pick: fn(&Sample) -> Level| {
        if ps.is_empty() {
            return f64::NAN;
        }
        100.0 * ps.iter().filter(|p| agrees(p, pick)).count() as f64 / ps.len() as f64
    };
    let kind = match gen {
        Gen::Fixed => format!("{TOKENS}-token generations"),
        Gen::EndsEarly => "replies allowed 16,000 tokens, ending after 100-400".to_string(),
    };
    println!(
        "\n-np {slots}, {kind}: {} truth pings, {} samples of our level over {:.0} s",
        pings.len(),
        samples.len(),
        secs(t0.elapsed())
    );
    println!("  gens  pings  median ping  truth levels (idle/normal/busy/very busy)  ours agree  seed rules agree");
    for c in 0..=MAX_CONCURRENCY {
        let ps: Vec<&Ping> = pings.iter().filter(|p| p.concurrency == c).collect();
        let mut ms: Vec<f64> = ps.iter().map(|p| p.ms).collect();
        ms.sort_by(f64::total_cmp);
        let median = ms.get(ms.len() / 2).copied().unwrap_or(f64::NAN);
        let count = |l: Level| ps.iter().filter(|p| from_wait(p.ms, p.working, &s) == l).count();
        println!(
            "  {c:>4}  {:>5}  {:>9.0} ms  {:>3} / {:>3} / {:>3} / {:>3}                       {:>8.1} %  {:>14.1} %",
            ps.len(),
            median,
            count(Level::Idle),
            count(Level::Normal),
            count(Level::Busy),
            count(Level::VeryBusy),
            share(&ps, |x| x.ours),
            share(&ps, |x| x.seed)
        );
    }
    if verbose {
        for p in pings.iter().filter(|p| !agrees(p, |x| x.ours)) {
            let ours: Vec<&str> =
                samples.iter().filter(|x| x.t >= p.start && x.t <= p.start + 2.0).map(|x| x.detail.as_str()).collect();
            println!(
                "    miss t={:.1} gens={} ping {:.0} ms -> {}; ours {}",
                p.start,
                p.concurrency,
                p.ms,
                from_wait(p.ms, p.working, &s),
                ours.join(" ")
            );
        }
    }
    let all: Vec<&Ping> = pings.iter().collect();
    let (o, sd) = (share(&all, |x| x.ours), share(&all, |x| x.seed));
    println!(
        "  all   {:>5}                                                          {o:>8.1} %  {sd:>14.1} %",
        all.len()
    );
    println!(
        "  agreement with the ping truth (2 s lag allowed): ours {o:.1} %, original's rules {sd:.1} % (ratio {:.2}x)",
        o / sd
    );
    // Our estimated wait as each ping was sent beside the ping's own wait, for the pings that
    // waited (over 1 s); and for those that did not while work ran, how often we said over 4 s.
    let mut errors = Vec::new();
    let mut within_2x = 0;
    for p in pings.iter().filter(|p| p.ms > 1000.0) {
        if let Some(est) = p.est_ms {
            errors.push((est - p.ms).abs() / 1000.0);
            if est >= p.ms / 2.0 && est <= p.ms * 2.0 {
                within_2x += 1;
            }
        }
    }
    let quick: Vec<&Ping> = pings.iter().filter(|p| p.working && p.ms <= 1000.0).collect();
    let said_busy = quick.iter().filter(|p| p.est_ms.is_some_and(|e| e > 4000.0)).count();
    errors.sort_by(f64::total_cmp);
    if !errors.is_empty() {
        println!(
            "  our estimated wait beside the ping's (pings over 1 s): median error {:.1} s, p90 {:.1} s; within half to twice it {:.0} % ({} pings)",
            errors[errors.len() / 2],
            errors[((errors.len() as f64 * 0.9).ceil() as usize).saturating_sub(1)],
            100.0 * within_2x as f64 / errors.len() as f64,
            errors.len()
        );
    }
    if !quick.is_empty() {
        println!(
            "  pings that waited under 1 s while work ran: {}; our estimate over 4 s for {said_busy}",
            quick.len()
        );
    }
    println!(
        "  inference pings sent by us: {total_pings_ours} in the whole sweep; {idle_pings} in {:.0} s idle = {:.0} per hour idle (original's rules: {total_pings_seed})",
        secs(idle_time),
        idle_pings as f64 * 3600.0 / secs(idle_time)
    );
}

async fn healthy(url: &str) -> bool {
    matches!(reqwest::get(format!("{url}/health")).await, Ok(r) if r.status().is_success())
}

/// Polls our snapshot every 20 ms until `state`, up to `within`; the time it took.
async fn until_state(r: &Registry, state: State, within: Duration) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < within {
        if r.snapshot()[0].state == state {
            return Some(start.elapsed());
        }
        sleep(Duration::from_millis(20)).await;
    }
    None
}

fn summary(name: &str, target: &str, mut v: Vec<f64>, trials: usize) {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        println!("  {name:<28} not detected in {trials} trials ({target})");
        return;
    }
    let p95 = v[((v.len() as f64 * 0.95).ceil() as usize).saturating_sub(1)];
    println!(
        "  {name:<28} min {:>5.2} s  median {:>5.2} s  p95 {:>5.2} s  max {:>5.2} s  ({} of {trials} detected; {target})",
        v[0],
        v[v.len() / 2],
        p95,
        v[v.len() - 1],
        v.len()
    );
}

async fn detection(kills: usize, freezes: usize) {
    let mut server = Llama::start(Model::SmolLM2, 1).await;
    let url = server.url();
    let r = Registry::start(config(&url, true)).unwrap();
    until_state(&r, State::Up, Duration::from_secs(10)).await.expect("up");
    let (mut killed, mut restarted, mut frozen) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..kills {
        // Desynchronise from the 1 s poll.
        sleep(Duration::from_millis(1500 + 337 * i as u64)).await;
        server.kill9();
        if let Some(d) = until_state(&r, State::Down, Duration::from_secs(30)).await {
            killed.push(secs(d));
        }
        server.spawn();
        while !healthy(&url).await {
            sleep(Duration::from_millis(20)).await;
        }
        if let Some(d) = until_state(&r, State::Up, Duration::from_secs(30)).await {
            restarted.push(secs(d));
        }
    }
    for i in 0..freezes {
        sleep(Duration::from_millis(1500 + 411 * i as u64)).await;
        server.freeze();
        let start = Instant::now();
        if let Some(d) = until_state(&r, State::Down, Duration::from_secs(30)).await {
            frozen.push(secs(d));
        }
        tokio::time::sleep_until(start + Duration::from_secs(30)).await;
        server.thaw();
        until_state(&r, State::Up, Duration::from_secs(30)).await.expect("up after SIGCONT");
    }
    r.shutdown().await;
    println!("\nDetection (default settings: poll 1 s, probe timeout 3 s, fall 3 / refused 2, rise 2):");
    summary("kill -9 -> DOWN", "target p95 <= 12 s", killed, kills);
    summary("SIGSTOP 30 s -> DOWN", "target <= 20 s", frozen, freezes);
    summary("restart healthy -> UP", "target <= 3 s", restarted, kills);
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let verbose = args.iter().any(|a| a == "--verbose");
    let only: Option<u32> = args.iter().position(|a| a == "--slots").and_then(|i| args.get(i + 1)?.parse().ok());
    let gen: Option<&str> = args.iter().position(|a| a == "--gen").map(|i| args.get(i + 1).map_or("", String::as_str));
    if gen.is_some_and(|g| !["fixed", "early"].contains(&g)) {
        eprintln!("--gen takes fixed or early");
        std::process::exit(2);
    }
    let step = Duration::from_secs(if quick { 10 } else { 20 });
    let (kills, freezes) = if quick { (3, 2) } else { (6, 3) };
    println!(
        "Switchboard load benchmark: llama-server + SmolLM2-135M on 127.0.0.1, -t 1, {} s per step",
        step.as_secs()
    );
    let sweeps = [(1, Gen::Fixed), (2, Gen::Fixed), (1, Gen::EndsEarly)];
    let chosen: Vec<_> = sweeps
        .into_iter()
        .filter(|(n, g)| only.is_none_or(|o| o == *n) && gen.is_none_or(|name| (name == "fixed") == (*g == Gen::Fixed)))
        .collect();
    if chosen.is_empty() {
        eprintln!("no sweep is -np {} with --gen {}", only.unwrap_or(0), gen.unwrap_or(""));
        std::process::exit(2);
    }
    for (slots, g) in chosen {
        sweep(slots, g, step, verbose).await;
    }
    if only.is_none() && gen.is_none() {
        detection(kills, freezes).await;
    }
}
