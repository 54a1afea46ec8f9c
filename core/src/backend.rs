//! One backend's shared state: its client and queue, what the monitor learnt (health state,
//! baseline, native figures), the ping cache, and the single-flight 1-token ping.
//!
//! [`LoadState`] sits behind a std `Mutex` that is held only to read or write a few fields,
//! never across an `.await`; the ping's single flight uses a separate tokio mutex.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use crate::baseline::Baseline;
use crate::client::native::NativeLoad;
use crate::client::{BackendClient, ClientError};
use crate::config::{BackendConfig, Config, Kind, Role};
use crate::events::Flip;
use crate::hysteresis::State;
use crate::load::{self, Inputs, Level};
use crate::queue::JobQueue;
use crate::secret::redact_url;
use crate::status::BackendStatus;

/// How many flips the status keeps.
const FLIPS_KEPT: usize = 10;

/// What is known about a backend's health and load.
#[derive(Debug)]
pub(crate) struct LoadState {
    /// Health state as the monitor last decided (`None` before the first check).
    pub state: Option<State>,
    pub state_since: DateTime<Utc>,
    /// Server kind (detected when configured as `auto`).
    pub kind: Kind,
    pub baseline: Baseline,
    pub probe_ms: Option<f64>,
    pub checks: u64,
    /// Latest native figures and when they were read.
    pub native: Option<(NativeLoad, Instant)>,
    /// Last successful ping: ms, when it finished.
    pub ping_ok: Option<(f64, Instant)>,
    /// When the last ping attempt finished, successful or not (starts the cooldown).
    pub ping_attempt: Option<Instant>,
    pub ping_error: Option<String>,
    pub pings_sent: u64,
    pub last_error: Option<String>,
    pub flips: VecDeque<Flip>,
    /// The level last published, to announce changes.
    pub published: Option<Level>,
    /// The last hour, for the status view's plot.
    pub history: crate::history::History,
}

/// A backend as the registry holds it.
#[derive(Debug)]
pub struct Backend {
    pub(crate) cfg: Arc<BackendConfig>,
    pub(crate) client: BackendClient,
    pub(crate) queue: JobQueue,
    pub(crate) settings: Arc<Config>,
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

fn wall(at: Instant, now: Instant) -> DateTime<Utc> {
    let ago = now.saturating_duration_since(at);
    Utc::now() - chrono::Duration::from_std(ago).unwrap_or_default()
}

impl Backend {
    pub(crate) fn new(cfg: Arc<BackendConfig>, client: BackendClient, queue: JobQueue, settings: Arc<Config>) -> Self {
        let kind = cfg.kind;
        Self {
            cfg,
            client,
            queue,
            settings,
            state: Mutex::new(LoadState {
                state: None,
                state_since: Utc::now(),
                kind,
                baseline: Baseline::default(),
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
                history: crate::history::History::new(Instant::now()),
            }),
            flight: tokio::sync::Mutex::new(()),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, LoadState> {
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

    fn inputs<'a>(&self, st: &'a LoadState, now: Instant) -> Inputs<'a> {
        Inputs {
            state: st.state,
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
        let result = self.client.ping(timeout).await;
        let now = Instant::now();
        let mut st = self.lock();
        st.pings_sent += 1;
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
            state: st.state.unwrap_or(State::Starting),
            state_since: st.state_since,
            level: a.level,
            level_source: a.source,
            est_wait_ms: a.est_wait_ms.map(|v| v.round()),
            probe_ms: st.probe_ms,
            baseline_ms: (st.baseline.get(&self.settings.load) * 10.0).round() / 10.0,
            baseline_samples: st.baseline.samples(),
            ping_ms: st.ping_ok.map(|(ms, _)| ms),
            ping_at: st.ping_ok.map(|(_, at)| wall(at, now)),
            ping_error: st.ping_error.clone(),
            pings_sent: st.pings_sent,
            native: st.native.as_ref().map(|(n, _)| n.clone()),
            queue: self.queue.status(),
            checks: st.checks,
            last_error: st.last_error.clone(),
            flips: st.flips.iter().cloned().collect(),
            updated: Utc::now(),
        }
    }

    pub(crate) fn record_flip(&self, flip: Flip) {
        let mut st = self.lock();
        st.state = Some(flip.to);
        st.state_since = flip.at;
        if st.flips.len() == FLIPS_KEPT {
            st.flips.pop_front();
        }
        st.flips.push_back(flip);
    }
}
