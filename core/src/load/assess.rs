//! The level rules: how long a new request would wait before it starts.
//!
//! `idle` (no work), `normal` (working, a new request starts at once), `busy` (wait over
//! 4 s), `very busy` (over 8 s), plus `down` and `starting` from the health state.
//!
//! Sources, best first:
//! 1. **Native figures** (the server's running / waiting requests and slot progress): an
//!    estimated wait, raised to the age of any of our own requests still waiting for its first
//!    token. Probe latency is ignored here: on llama-server `/health` answers in 0-3 ms under
//!    any load, so a level computed from it reads idle on a saturated server.
//! 2. **Our own requests**: while we have requests in flight, the longest one still waiting
//!    for a first token, and the time to first token of recent ones.
//! 3. **The original's rules** (servers that publish nothing): a 1-token ping (cached 30 s,
//!    10 s cooldown, taken when the user asks or when the probe is over 3x baseline), then
//!    probe over 5x / 2x baseline, and the local queue nudging the level up one step.
//!
//! Everything here is a pure function of its inputs and `now`.

use std::time::Duration;

use serde::Serialize;
use tokio::time::Instant;

use crate::config::LoadSettings;
use crate::model::{Level, NativeLoad, Source, State};

/// Everything the level depends on.
#[derive(Debug, Clone, Default)]
pub struct Inputs<'a> {
    pub state: Option<State>,
    /// Last health probe latency.
    pub probe_ms: Option<f64>,
    pub baseline_ms: f64,
    /// Latest native figures and when they were read.
    pub native: Option<(&'a NativeLoad, Instant)>,
    /// Last successful 1-token ping and when it finished.
    pub ping: Option<(f64, Instant)>,
    /// Our requests in flight.
    pub active: usize,
    /// How long our longest-waiting request has waited for its first token.
    pub oldest_waiting: Option<Duration>,
    /// Time to first token of our most recent request, and when it was seen.
    pub recent_ttft: Option<(f64, Instant)>,
}

/// A computed level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Assessment {
    pub level: Level,
    pub source: Source,
    /// Estimated wait of a new request, ms, when known.
    pub est_wait_ms: Option<f64>,
    /// The ping figure used (valid cache), if any.
    pub inference_ms: Option<f64>,
}

/// Level for a known wait.
pub fn from_wait(wait_ms: f64, working: bool, s: &LoadSettings) -> Level {
    if wait_ms > s.very_busy_ms {
        Level::VeryBusy
    } else if wait_ms > s.busy_ms {
        Level::Busy
    } else if working {
        Level::Normal
    } else {
        Level::Idle
    }
}

/// The original's `get_load_status` level, in its order, with the queue nudge.
pub fn seed_level(
    probe_ms: f64,
    baseline_ms: f64,
    inference_ms: Option<f64>,
    active: usize,
    s: &LoadSettings,
) -> Level {
    let level = match inference_ms {
        Some(i) if i > s.very_busy_ms => Level::VeryBusy,
        Some(i) if i > s.busy_ms => Level::Busy,
        _ if probe_ms > baseline_ms * s.probe_busy_ratio => Level::Busy,
        _ if probe_ms > baseline_ms * s.probe_normal_ratio => Level::Normal,
        _ => Level::Idle,
    };
    if active > 0 {
        nudged(level)
    } else {
        level
    }
}

/// One step up (the local queue's nudge): idle -> normal, normal -> busy.
fn nudged(level: Level) -> Level {
    match level {
        Level::Idle => Level::Normal,
        Level::Normal => Level::Busy,
        other => other,
    }
}

fn valid_ping(ping: Option<(f64, Instant)>, now: Instant, s: &LoadSettings) -> Option<f64> {
    ping.filter(|(_, at)| now.saturating_duration_since(*at) < s.cache).map(|(ms, _)| ms)
}

/// True when native figures can be used at `now`.
pub fn native_fresh(inputs: &Inputs<'_>, now: Instant, s: &LoadSettings) -> bool {
    s.use_native
        && inputs
            .native
            .is_some_and(|(n, at)| n.est_wait_ms.is_some() && now.saturating_duration_since(at) <= s.native_max_age)
}

/// Computes the level.
pub fn assess(inputs: &Inputs<'_>, now: Instant, s: &LoadSettings) -> Assessment {
    let inference_ms = valid_ping(inputs.ping, now, s);
    let health = |level| Assessment { level, source: Source::Health, est_wait_ms: None, inference_ms };
    match inputs.state {
        Some(State::Down) => return health(Level::Down),
        Some(State::Starting) | None => return health(Level::Starting),
        Some(State::Up) => {}
    }
    let own_wait_ms = if s.use_request_timing { inputs.oldest_waiting.map(|d| d.as_secs_f64() * 1000.0) } else { None };
    if native_fresh(inputs, now, s) {
        if let Some((native, _)) = inputs.native {
            let est = native.est_wait_ms.unwrap_or(0.0).max(own_wait_ms.unwrap_or(0.0));
            let working = native.working() || inputs.active > 0;
            return Assessment {
                level: from_wait(est, working, s),
                source: Source::Native,
                est_wait_ms: Some(est),
                inference_ms,
            };
        }
    }
    let probe = inputs.probe_ms.unwrap_or(0.0);
    let seed = seed_level(probe, inputs.baseline_ms, inference_ms, inputs.active, s);
    if s.use_request_timing && inputs.active > 0 {
        let recent =
            inputs.recent_ttft.filter(|(_, at)| now.saturating_duration_since(*at) < s.cache).map(|(ms, _)| ms);
        let wait = own_wait_ms.unwrap_or(0.0).max(recent.unwrap_or(0.0));
        let timed = from_wait(wait, true, s);
        if timed.severity() > seed.severity() {
            return Assessment { level: timed, source: Source::Requests, est_wait_ms: Some(wait), inference_ms };
        }
    }
    Assessment { level: seed, source: Source::Seed, est_wait_ms: inference_ms, inference_ms }
}

/// The original's rule for taking a 1-token ping, with its flaw fixed: `last_attempt` is the
/// last ping *attempt*, failed or not, so a failing server is not pinged at every call.
///
/// - never within the cooldown of the last attempt;
/// - when the user asked (`force`);
/// - otherwise only when the cache is stale, the server publishes no usable figures of its
///   own, and the last probe is over `ping_trigger_ratio` × baseline.
pub fn should_ping(
    force: bool,
    inputs: &Inputs<'_>,
    last_attempt: Option<Instant>,
    now: Instant,
    s: &LoadSettings,
) -> bool {
    let since = |t: Option<Instant>| t.map(|t| now.saturating_duration_since(t));
    if since(last_attempt).is_some_and(|d| d < s.cooldown) {
        return false;
    }
    if force {
        return true;
    }
    if inputs.state != Some(State::Up) || valid_ping(inputs.ping, now, s).is_some() || native_fresh(inputs, now, s) {
        return false;
    }
    let probe = inputs.probe_ms.unwrap_or(0.0);
    probe > inputs.baseline_ms * s.ping_trigger_ratio
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s() -> LoadSettings {
        LoadSettings::default()
    }

    fn up<'a>() -> Inputs<'a> {
        Inputs { state: Some(State::Up), probe_ms: Some(20.0), baseline_ms: 20.0, ..Inputs::default() }
    }

    // The original's rules, in order (seed_level's cases).
    #[test]
    fn seed_rules_in_order() {
        let s = s();
        assert_eq!(seed_level(20.0, 20.0, Some(8001.0), 0, &s), Level::VeryBusy);
        assert_eq!(seed_level(20.0, 20.0, Some(8000.0), 0, &s), Level::Busy);
        assert_eq!(seed_level(20.0, 20.0, Some(4001.0), 0, &s), Level::Busy);
        assert_eq!(seed_level(20.0, 20.0, Some(4000.0), 0, &s), Level::Idle);
        assert_eq!(seed_level(101.0, 20.0, None, 0, &s), Level::Busy);
        assert_eq!(seed_level(100.0, 20.0, None, 0, &s), Level::Normal);
        assert_eq!(seed_level(41.0, 20.0, None, 0, &s), Level::Normal);
        assert_eq!(seed_level(40.0, 20.0, None, 0, &s), Level::Idle);
        // The ping takes precedence over the probe.
        assert_eq!(seed_level(500.0, 20.0, Some(9000.0), 0, &s), Level::VeryBusy);
    }

    #[test]
    fn queue_nudges_one_step() {
        let s = s();
        assert_eq!(seed_level(20.0, 20.0, None, 1, &s), Level::Normal);
        assert_eq!(seed_level(41.0, 20.0, None, 1, &s), Level::Busy);
        assert_eq!(seed_level(101.0, 20.0, None, 1, &s), Level::Busy);
        assert_eq!(seed_level(20.0, 20.0, Some(9000.0), 3, &s), Level::VeryBusy);
    }

    #[test]
    fn health_state_wins() {
        let s = s();
        let now = Instant::now();
        let mut i = up();
        i.state = Some(State::Down);
        assert_eq!(assess(&i, now, &s).level, Level::Down);
        i.state = Some(State::Starting);
        assert_eq!(assess(&i, now, &s).level, Level::Starting);
        i.state = None;
        assert_eq!(assess(&i, now, &s).level, Level::Starting);
    }

    fn native(running: u32, waiting: u32, wait_ms: f64) -> NativeLoad {
        NativeLoad {
            running: Some(running),
            waiting: Some(waiting),
            slots: Some(1),
            est_wait_ms: Some(wait_ms),
            ..NativeLoad::default()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn native_figures_beat_probe_latency() {
        let s = s();
        let now = Instant::now();
        // A saturated llama-server: /health at 1 ms (below the 10 ms floor), 9 s of queue.
        let n = native(1, 3, 9000.0);
        let i = Inputs { probe_ms: Some(1.0), baseline_ms: 10.0, native: Some((&n, now)), ..up() };
        let a = assess(&i, now, &s);
        assert_eq!((a.level, a.source), (Level::VeryBusy, Source::Native));
        // The seed's rules alone read this as idle.
        assert_eq!(seed_level(1.0, 10.0, None, 0, &s), Level::Idle);

        let cases =
            [(native(0, 0, 0.0), Level::Idle), (native(1, 0, 0.0), Level::Normal), (native(1, 1, 4500.0), Level::Busy)];
        for (n, want) in cases {
            let i = Inputs { native: Some((&n, now)), ..up() };
            assert_eq!(assess(&i, now, &s).level, want, "{n:?}");
        }
        // Our own request in flight on an otherwise idle server: normal, not idle.
        let n = native(0, 0, 0.0);
        let i = Inputs { native: Some((&n, now)), active: 1, ..up() };
        assert_eq!(assess(&i, now, &s).level, Level::Normal);
        // Our request stuck 5 s without a first token overrides an optimistic estimate.
        let i = Inputs { native: Some((&n, now)), active: 1, oldest_waiting: Some(Duration::from_secs(5)), ..up() };
        assert_eq!(assess(&i, now, &s).level, Level::Busy);
    }

    #[tokio::test(start_paused = true)]
    async fn stale_native_figures_are_not_used() {
        let s = s();
        let read_at = Instant::now();
        let n = native(1, 3, 9000.0);
        tokio::time::advance(s.native_max_age + Duration::from_millis(1)).await;
        let now = Instant::now();
        let i = Inputs { native: Some((&n, read_at)), ..up() };
        assert!(!native_fresh(&i, now, &s));
        assert_eq!(
            assess(&i, now, &s),
            Assessment { level: Level::Idle, source: Source::Seed, est_wait_ms: None, inference_ms: None }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn own_request_timing_without_native() {
        let s = s();
        let now = Instant::now();
        let i = Inputs { active: 1, oldest_waiting: Some(Duration::from_millis(8500)), ..up() };
        let a = assess(&i, now, &s);
        assert_eq!((a.level, a.source), (Level::VeryBusy, Source::Requests));
        let i = Inputs { active: 1, recent_ttft: Some((5000.0, now)), ..up() };
        assert_eq!(assess(&i, now, &s).level, Level::Busy);
        // A slow request from long ago says nothing now.
        tokio::time::advance(Duration::from_secs(31)).await;
        let later = Instant::now();
        let i = Inputs { active: 1, recent_ttft: Some((5000.0, now)), ..up() };
        assert_eq!(assess(&i, later, &s).level, Level::Normal);
        // No work in flight: the original's rules alone.
        let i = Inputs { recent_ttft: Some((5000.0, later)), ..up() };
        assert_eq!(assess(&i, later, &s).level, Level::Idle);
    }

    #[tokio::test(start_paused = true)]
    async fn ping_cache_lasts_30s() {
        let s = s();
        let at = Instant::now();
        let i = Inputs { ping: Some((5000.0, at)), ..up() };
        assert_eq!(assess(&i, at, &s).level, Level::Busy);
        tokio::time::advance(Duration::from_millis(29_999)).await;
        assert_eq!(assess(&i, Instant::now(), &s).level, Level::Busy);
        tokio::time::advance(Duration::from_millis(1)).await;
        let a = assess(&i, Instant::now(), &s);
        assert_eq!((a.level, a.inference_ms), (Level::Idle, None));
    }

    #[tokio::test(start_paused = true)]
    async fn ping_rules() {
        let s = s();
        let t0 = Instant::now();
        let quiet = up();
        let slow_probe = Inputs { probe_ms: Some(61.0), baseline_ms: 20.0, ..up() };
        // Idle and nobody asked: never.
        assert!(!should_ping(false, &quiet, None, t0, &s));
        // The probe over 3x baseline with a stale cache: yes; at exactly 3x: no.
        assert!(should_ping(false, &slow_probe, None, t0, &s));
        let at_3x = Inputs { probe_ms: Some(60.0), ..slow_probe.clone() };
        assert!(!should_ping(false, &at_3x, None, t0, &s));
        // The user asked: yes, unless in cooldown.
        assert!(should_ping(true, &quiet, None, t0, &s));
        tokio::time::advance(Duration::from_secs(9)).await;
        let t9 = Instant::now();
        assert!(!should_ping(true, &quiet, Some(t0), t9, &s), "cooldown after any attempt");
        assert!(!should_ping(false, &slow_probe, Some(t0), t9, &s));
        tokio::time::advance(Duration::from_secs(1)).await;
        let t10 = Instant::now();
        assert!(should_ping(true, &quiet, Some(t0), t10, &s));
        // A valid cache stops the automatic ping, not the user's.
        let cached = Inputs { ping: Some((100.0, t0)), ..slow_probe.clone() };
        assert!(!should_ping(false, &cached, Some(t0), t10, &s));
        assert!(should_ping(true, &cached, Some(t0), t10, &s));
        // Fresh native figures make the automatic ping unnecessary.
        let n = native(0, 0, 0.0);
        let with_native = Inputs { native: Some((&n, t10)), ..slow_probe.clone() };
        assert!(!should_ping(false, &with_native, None, t10, &s));
        // Not up: no automatic ping.
        let down = Inputs { state: Some(State::Down), ..slow_probe };
        assert!(!should_ping(false, &down, None, t10, &s));
    }
}
