//! One backend as the registry holds it: its client and queue, what the monitor learnt (the
//! health hysteresis, baseline, native figures), the ping cache, and the single-flight 1-token
//! ping. Its state is private: the monitor changes it through the methods here, each a few
//! field updates under a std `Mutex` that is never held across an `.await`; the ping's single
//! flight uses a separate tokio mutex.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use super::history::History;
use crate::client::{BackendClient, ClientError};
use crate::clock::Clock;
use crate::config::{BackendConfig, Config, Kind, Role};
use crate::health::{Change, Hysteresis, Observation};
use crate::load::{self, Inputs, JobQueue, Level};
use crate::model::{BackendStatus, Flip, NativeLoad, Point, ServerState};
use crate::secret::redact_url;

/// How many flips the status keeps.
const FLIPS_KEPT: usize = 10;

/// What is known about a backend's health and load.
#[derive(Debug)]
struct LoadState {
    /// The health state machine: the one place the backend's state is kept.
    health: Hysteresis,
    /// When the state last changed (or the backend was created).
    state_since: DateTime<Utc>,
    /// Server kind (detected when configured as `auto`).
    kind: Kind,
    /// The probe latency baseline.
    baseline: load::Baseline,
    /// Last health probe's latency.
    probe_ms: Option<f64>,
    /// Health checks (monitor ticks) done.
    checks: u64,
    /// Latest native figures and when they were read.
    native: Option<(NativeLoad, Instant)>,
    /// Last successful ping: ms, when it finished.
    ping_ok: Option<(f64, Instant)>,
    /// When the last ping attempt finished, successful or not (starts the cooldown).
    ping_attempt: Option<Instant>,
    /// Why the last ping failed, if it did.
    ping_error: Option<String>,
    /// 1-token pings sent since launch.
    pings_sent: u64,
    /// The last failure's message, cleared by a success.
    last_error: Option<String>,
    /// Recent flips, oldest first.
    flips: VecDeque<Flip>,
    /// The level last published, to announce changes.
    published: Option<Level>,
    /// The last hour, for the status view's plot.
    history: History,
    /// Its managed server, when this process owns one for it.
    server: Option<ServerState>,
    /// Times its monitor stopped on a fault and was started again.
    monitor_restarts: u32,
}

/// A backend as the registry holds it.
#[derive(Debug)]
pub(crate) struct Backend {
    pub(crate) cfg: Arc<BackendConfig>,
    pub(crate) client: BackendClient,
    pub(crate) queue: JobQueue,
    pub(crate) settings: Arc<Config>,
    pub(crate) clock: Clock,
    state: Mutex<LoadState>,
    /// One ping at a time; callers that queue here share its result.
    flight: tokio::sync::Mutex<()>,
}

/// A handle for making real requests to one backend: its client and its in-flight queue.
#[derive(Debug, Clone)]
pub struct BackendHandle {
    pub name: String,
    pub role: Role,
    pub client: BackendClient,
    pub queue: JobQueue,
}

impl Backend {
    pub(crate) fn new(
        cfg: Arc<BackendConfig>,
        client: BackendClient,
        queue: JobQueue,
        settings: Arc<Config>,
        clock: Clock,
    ) -> Self {
        let kind = cfg.kind;
        Self {
            cfg,
            client,
            queue,
            settings,
            clock,
            state: Mutex::new(LoadState {
                health: Hysteresis::default(),
                state_since: clock.now(),
                kind,
                baseline: load::Baseline::default(),
                probe_ms: None,
                checks: 0,
                native: None,
                ping_ok: None,
                ping_attempt: None,
                ping_error: None,
                pings_sent: 0,
                last_error: None,
                flips: VecDeque::new(),
                published: None,
                history: History::new(Instant::now(), clock),
                server: None,
                monitor_restarts: 0,
            }),
            flight: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, LoadState> {
        // Poisoning only means another thread panicked mid-update; the figures stay usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn handle(&self) -> BackendHandle {
        BackendHandle {
            name: self.cfg.name.clone(),
            role: self.cfg.role,
            client: self.client.clone(),
            queue: self.queue.clone(),
        }
    }

    // ---- what the monitor learns ----

    /// The server kind (`auto` until detected).
    pub(crate) fn kind(&self) -> Kind {
        self.lock().kind
    }

    /// Its monitor stopped on a fault (`why`) and is started again, the `count`-th time.
    pub(crate) fn monitor_fault(&self, count: u32, why: String) {
        let mut st = self.lock();
        st.monitor_restarts = count;
        st.last_error = Some(format!("its monitor stopped on {why} and was started again ({count} times)"));
    }

    /// What its managed server is doing (reported by the server's task).
    pub(crate) fn set_server(&self, state: ServerState) {
        self.lock().server = Some(state);
    }

    /// Takes what `old` knew of its managed server, when both use the same one (a reload
    /// that changed another setting of the backend: the server runs on).
    pub(crate) fn inherit_server(&self, old: &Backend) {
        if self.cfg.launch.is_some() && self.cfg.launch == old.cfg.launch {
            let server = old.lock().server.clone();
            self.lock().server = server;
        }
    }

    pub(crate) fn set_kind(&self, kind: Kind) {
        self.lock().kind = kind;
    }

    /// The health state now.
    pub(crate) fn health(&self) -> crate::model::State {
        self.lock().health.state()
    }

    /// Consecutive failures so far (a suspected outage when > 0 while up).
    pub(crate) fn fail_streak(&self) -> u32 {
        self.lock().health.fail_streak()
    }

    /// A healthy probe's latency: the last probe, and a sample of the baseline.
    pub(crate) fn probed(&self, latency_ms: f64) {
        let mut st = self.lock();
        st.probe_ms = Some(latency_ms);
        st.baseline.add(latency_ms, &self.settings.load);
    }

    /// The server's figures as read at `at` (`None`: none usable now).
    pub(crate) fn set_native(&self, native: Option<(NativeLoad, Instant)>) {
        self.lock().native = native;
    }

    /// One monitor tick is done.
    pub(crate) fn checked(&self) {
        self.lock().checks += 1;
    }

    /// Feeds one observation to the health state machine, noting its error (a success clears
    /// the last one); returns the change it caused.
    pub(crate) fn observe(&self, obs: &Observation, error: Option<String>) -> Option<Change> {
        let mut st = self.lock();
        if let Some(e) = error {
            st.last_error = Some(e);
        } else if *obs == Observation::Ok {
            st.last_error = None;
        }
        st.health.observe(obs, &self.settings.health)
    }

    pub(crate) fn record_flip(&self, flip: Flip) {
        let mut st = self.lock();
        st.state_since = flip.at;
        if st.flips.len() == FLIPS_KEPT {
            st.flips.pop_front();
        }
        st.flips.push_back(flip);
    }

    /// Why the last ping failed, if it did.
    pub(crate) fn ping_error(&self) -> Option<String> {
        self.lock().ping_error.clone()
    }

    /// The last hour's points, oldest first.
    pub(crate) fn history(&self) -> Vec<Point> {
        self.lock().history.points()
    }

    /// Records a published status in the history; returns the level published before it.
    pub(crate) fn published(&self, status: &BackendStatus, now: Instant) -> Option<Level> {
        let mut st = self.lock();
        st.history.record(status, now);
        st.published.replace(status.level)
    }

    // ---- load ----

    fn inputs<'a>(&self, st: &'a LoadState, now: Instant) -> Inputs<'a> {
        Inputs {
            state: Some(st.health.state()),
            probe_ms: st.probe_ms,
            baseline_ms: st.baseline.get(&self.settings.load),
            native: st.native.as_ref().map(|(n, at)| (n, *at)),
            ping: st.ping_ok,
            active: self.queue.active(),
            oldest_waiting: self.queue.oldest_waiting(now),
            recent_ttft: self.queue.recent_ttft(),
        }
    }

    /// Takes a 1-token ping if the rules allow (`force`: the user asked). Concurrent callers
    /// share one ping: whoever waited for the flight while another measured gets that result.
    /// Returns the ping figure now valid, if any.
    pub(crate) async fn measure(&self, force: bool) -> Option<f64> {
        let asked = Instant::now();
        let _flight = self.flight.lock().await;
        {
            let st = self.lock();
            let now = Instant::now();
            if st.ping_attempt.is_some_and(|at| at >= asked) {
                // Someone measured while we waited for the flight.
                return st.ping_ok.filter(|(_, at)| *at >= asked).map(|(ms, _)| ms);
            }
            if !load::should_ping(force, &self.inputs(&st, now), st.ping_attempt, now, &self.settings.load) {
                return load::assess(&self.inputs(&st, now), now, &self.settings.load).inference_ms;
            }
        }
        let timeout = self.settings.load.ping_timeout;
        // Counted when sent (a ping hanging on a frozen server is one too).
        self.lock().pings_sent += 1;
        let result = self.client.ping(timeout).await;
        // A ping is a real request: its outcome is health evidence (a ping that times out on
        // a frozen server counts as a timeout, like a probe's).
        self.queue.report(match &result {
            Ok(_) => Observation::Ok,
            Err(e) => Observation::from_error(e),
        });
        let now = Instant::now();
        let mut st = self.lock();
        st.ping_attempt = Some(now);
        match result {
            Ok(ms) => {
                st.ping_ok = Some((ms, now));
                st.ping_error = None;
                Some(ms)
            }
            Err(ClientError::Timeout { .. }) => {
                // A ping that never finished took at least the timeout: that *is* the figure.
                let ms = timeout.as_secs_f64() * 1000.0;
                st.ping_ok = Some((ms, now));
                st.ping_error = Some(format!("no answer within {:.0} s", timeout.as_secs_f64()));
                Some(ms)
            }
            Err(e) => {
                st.ping_error = Some(e.to_string());
                None
            }
        }
    }

    /// The status report now.
    pub(crate) fn status(&self, now: Instant) -> BackendStatus {
        let st = self.lock();
        let a = load::assess(&self.inputs(&st, now), now, &self.settings.load);
        BackendStatus {
            name: self.cfg.name.clone(),
            role: self.cfg.role,
            url: redact_url(&self.cfg.url),
            model: self.cfg.model.clone(),
            kind: st.kind,
            state: st.health.state(),
            state_since: st.state_since,
            level: a.level,
            level_source: a.source,
            est_wait_ms: a.est_wait_ms.map(|v| v.round()),
            probe_ms: st.probe_ms,
            baseline_ms: (st.baseline.get(&self.settings.load) * 10.0).round() / 10.0,
            baseline_samples: st.baseline.samples(),
            ping_ms: st.ping_ok.map(|(ms, _)| ms),
            ping_at: st.ping_ok.map(|(_, at)| self.clock.at(at, now)),
            ping_error: st.ping_error.clone(),
            pings_sent: st.pings_sent,
            native: st.native.as_ref().map(|(n, _)| n.clone()),
            queue: self.queue.status(),
            checks: st.checks,
            last_error: st.last_error.clone(),
            flips: st.flips.iter().cloned().collect(),
            server: st.server.clone(),
            monitor_restarts: st.monitor_restarts,
            updated: self.clock.now(),
        }
    }
}
