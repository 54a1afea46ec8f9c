//! The health monitor: one task per backend, owned by the registry and stopped by its
//! cancellation token.
//!
//! Each tick: detect the server kind (once, when `auto`); probe health when due (every
//! `interval` while up, every tick otherwise or while a failure is unconfirmed); read the
//! server's own load figures (every `poll_interval`, also liveness evidence); take a 1-token
//! ping only where the original's rules call for one; publish the status. Between ticks, the
//! outcome of real requests arrives as evidence. While down, the probe interval starts short
//! and backs off during a long outage.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use super::backend::Backend;
use super::publish::Publisher;
use crate::client::{ms_since, ClientError};
use crate::config::Kind;
use crate::health::Observation;
use crate::load::native::{self, Tracker};
use crate::model::{Event, Flip, State};

/// The monitor's own state (nobody else touches it).
struct Monitor {
    backend: Arc<Backend>,
    publisher: Arc<Publisher>,
    tracker: Tracker,
    next_probe: Instant,
    down_since: Option<Instant>,
    /// Current probe interval while down (grows during a long outage).
    down_delay: Duration,
    /// False once the server answered that it has no load figures.
    native_supported: bool,
    /// The automatic ping under way, if any: it runs beside the ticks (a ping may take its
    /// whole timeout on a frozen server, and the probes must go on meanwhile); aborted when
    /// the monitor stops.
    ping: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Monitor {
    fn drop(&mut self) {
        if let Some(p) = &self.ping {
            p.abort();
        }
    }
}

/// The pause between checks while an UP backend's last check failed.
const SUSPECT_DELAY: Duration = Duration::from_millis(250);

/// Runs until `cancel` fires.
pub(crate) async fn run(
    backend: Arc<Backend>,
    publisher: Arc<Publisher>,
    evidence: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Observation>>>,
    cancel: CancellationToken,
) {
    // Shared with the supervisor, which starts a monitor again after a fault (the evidence
    // queued meanwhile is kept).
    let mut evidence = evidence.lock().await;
    let down_delay = backend.settings.health.down_probe_min;
    let mut m = Monitor {
        backend,
        publisher,
        tracker: Tracker::default(),
        next_probe: Instant::now(),
        down_since: None,
        down_delay,
        native_supported: true,
        ping: None,
    };
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = m.tick() => {}
        }
        m.publish();
        let deadline = Instant::now() + m.delay();
        loop {
            // Biased: every piece of evidence already queued is applied before the next tick,
            // so two failed requests in a row are seen as two in a row.
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return,
                Some(obs) = evidence.recv() => {
                    m.apply(obs, None, None);
                    m.publish();
                }
                _ = sleep_until(deadline) => break,
            }
        }
    }
}

impl Monitor {
    fn publish(&self) {
        self.publisher.publish(&self.backend);
    }

    async fn tick(&mut self) {
        let b = Arc::clone(&self.backend);
        let h = &b.settings.health;
        let now = Instant::now();
        let mut kind = b.kind();
        if kind == Kind::Auto {
            match b.client.detect(h.probe_timeout).await {
                Ok(k) => {
                    info!("{} ({}): server kind {k}", b.cfg.name, b.cfg.role);
                    b.set_kind(k);
                    kind = k;
                }
                Err(e) => {
                    let ms = ms_since(now);
                    self.failed(&e, ms);
                    b.checked();
                    return;
                }
            }
        }
        if b.health() != State::Up || now >= self.next_probe || b.fail_streak() > 0 {
            self.next_probe = now + h.interval;
            match b.client.probe(kind, h.probe_timeout).await {
                Ok(p) => {
                    b.probed(p.latency_ms);
                    self.apply(Observation::Ok, Some(p.latency_ms), None);
                }
                Err(e) => self.failed(&e, ms_since(now)),
            }
        }
        if b.health() == State::Up && b.settings.load.use_native && self.native_supported {
            let started = Instant::now();
            match native::read(&b.client, kind, h.probe_timeout).await {
                Ok(raw) => {
                    let at = Instant::now();
                    let figures = self.tracker.update(&raw, at);
                    b.set_native(Some((figures, at)));
                    self.apply(Observation::Ok, None, None);
                }
                Err(ClientError::Unsupported { .. }) => {
                    info!("{} ({}): publishes no load figures", b.cfg.name, b.cfg.role);
                    self.native_supported = false;
                }
                Err(e) => {
                    b.set_native(None);
                    self.failed(&e, ms_since(started));
                }
            }
        }
        if b.health() == State::Up && self.ping.as_ref().is_none_or(|p| p.is_finished()) {
            // Pings only where the original's rules call for one (never while idle), in a task
            // of their own: the next tick never waits for one. Its outcome comes back as
            // evidence.
            let b = Arc::clone(&b);
            self.ping = Some(tokio::spawn(async move {
                b.measure(false).await;
            }));
        }
        b.checked();
    }

    fn failed(&mut self, e: &ClientError, latency_ms: f64) {
        self.apply(Observation::from_error(e), Some(latency_ms), Some(e.to_string()));
    }

    /// Feeds one observation to the hysteresis; announces a flip.
    fn apply(&mut self, obs: Observation, latency_ms: Option<f64>, error: Option<String>) {
        let b = Arc::clone(&self.backend);
        let h = &b.settings.health;
        let Some(change) = b.observe(&obs, error) else { return };
        let now = Instant::now();
        let reason = crate::i18n::cause(&change.cause);
        warn!(
            "{} ({}) -> {} ({:.0} ms): {reason}",
            b.cfg.name,
            b.cfg.role,
            change.to.label(),
            latency_ms.unwrap_or(0.0)
        );
        match change.to {
            State::Down => {
                self.down_since = Some(now);
                self.down_delay = h.down_probe_min;
                b.set_native(None);
            }
            State::Up => {
                self.down_since = None;
                self.next_probe = now + h.interval;
            }
            State::Starting => {
                self.down_since = None;
                b.set_native(None);
            }
        }
        let flip = Flip {
            backend: b.cfg.name.clone(),
            role: b.cfg.role,
            from: change.from,
            to: change.to,
            latency_ms,
            cause: change.cause,
            reason,
            at: b.clock.now(),
        };
        b.record_flip(flip.clone());
        self.publisher.emit(Event::Flip(flip));
    }

    /// Time until the next tick.
    fn delay(&mut self) -> Duration {
        let h = &self.backend.settings.health;
        match self.backend.health() {
            // A suspected outage: the failed check already took its timeout, so the next one
            // follows at once (a frozen server is DOWN after `fall` timeouts, not after
            // `fall` × (timeout + poll interval)).
            State::Up if self.backend.fail_streak() > 0 => SUSPECT_DELAY.min(h.poll_interval),
            State::Up => h.poll_interval,
            State::Starting => h.down_probe_min,
            State::Down => {
                let outage = self.down_since.map_or(Duration::ZERO, |s| Instant::now().saturating_duration_since(s));
                if outage >= h.down_backoff_after {
                    self.down_delay = (self.down_delay * 2).min(h.down_probe_max);
                }
                self.down_delay
            }
        }
    }
}
