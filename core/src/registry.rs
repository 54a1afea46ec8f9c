//! The registry: owns every backend and its monitor task, publishes a snapshot of all
//! backends on a `watch` channel (readable at any time without touching the monitors) and
//! every flip and level change on a `broadcast` channel.
//!
//! `Registry` is a cheap-clone handle. `shutdown` cancels every monitor and waits for them;
//! dropping the last handle cancels them too. No task is detached.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::backend::{Backend, BackendHandle};
use crate::client::{shared_http, BackendClient, ClientError};
use crate::config::{Config, Role};
use crate::events::{Event, LevelChange};
use crate::hysteresis::State;
use crate::monitor;
use crate::queue::JobQueue;
use crate::status::BackendStatus;

/// Capacity of the event channel; a subscriber that lags further loses the oldest events.
const EVENT_CAPACITY: usize = 256;

/// Errors of registry operations.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("no backend named `{0}`")]
    UnknownBackend(String),
    #[error("ping of `{name}` failed: {reason}")]
    Ping { name: String, reason: String },
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// Where statuses and events go out.
#[derive(Debug)]
pub(crate) struct Publisher {
    snapshot: watch::Sender<Vec<BackendStatus>>,
    events: broadcast::Sender<Event>,
}

impl Publisher {
    /// Recomputes backend `index`'s status, stores it in the snapshot and announces a level
    /// change.
    pub(crate) fn publish(&self, index: usize, b: &Backend) {
        let now = Instant::now();
        let status = b.status(now);
        let previous = {
            let mut st = b.lock();
            st.history.record(&status, now);
            st.published.replace(status.level)
        };
        if let Some(from) = previous.filter(|p| *p != status.level) {
            self.emit(Event::Level(LevelChange {
                backend: status.name.clone(),
                role: status.role,
                from,
                to: status.level,
                est_wait_ms: status.est_wait_ms,
                source: status.level_source,
                at: Utc::now(),
            }));
        }
        self.snapshot.send_modify(|all| {
            if let Some(slot) = all.get_mut(index) {
                *slot = status;
            }
        });
    }

    pub(crate) fn emit(&self, event: Event) {
        // No subscriber is fine: events are also in the snapshot's flips.
        let _no_subscribers = self.events.send(event);
    }
}

#[derive(Debug)]
struct Inner {
    config: Arc<Config>,
    backends: Vec<Arc<Backend>>,
    publisher: Arc<Publisher>,
    cancel: CancellationToken,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// The backend registry; clone freely.
#[derive(Debug, Clone)]
pub struct Registry {
    inner: Arc<Inner>,
}

impl Registry {
    /// Builds every backend and starts its monitor. Must be called inside a tokio runtime.
    pub fn start(config: Config) -> Result<Registry, ClientError> {
        let http = shared_http()?;
        let config = Arc::new(config);
        let mut backends = Vec::new();
        let mut evidence = Vec::new();
        for bc in &config.backends {
            let cfg = Arc::new(bc.clone());
            let (tx, rx) = mpsc::unbounded_channel();
            let queue = JobQueue::new(bc.max_concurrent, Some(tx));
            let client = BackendClient::new(http.clone(), Arc::clone(&cfg));
            backends.push(Arc::new(Backend::new(cfg, client, queue, Arc::clone(&config))));
            evidence.push(rx);
        }
        let now = Instant::now();
        let (snapshot, _) = watch::channel(backends.iter().map(|b| b.status(now)).collect());
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        let publisher = Arc::new(Publisher { snapshot, events });
        let cancel = CancellationToken::new();
        let tasks = backends
            .iter()
            .zip(evidence)
            .enumerate()
            .map(|(i, (b, rx))| {
                tokio::spawn(monitor::run(Arc::clone(b), i, Arc::clone(&publisher), rx, cancel.child_token()))
            })
            .collect::<Vec<_>>();
        // Managed servers start first in the task list, so shutdown stops them last of all.
        let mut tasks = tasks;
        for m in crate::launch::managed(&config.backends) {
            tasks.insert(0, tokio::spawn(crate::launch::run(m, cancel.child_token())));
        }
        Ok(Registry { inner: Arc::new(Inner { config, backends, publisher, cancel, tasks: Mutex::new(tasks) }) })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The latest status of every backend, in configuration order.
    pub fn snapshot(&self) -> Vec<BackendStatus> {
        self.inner.publisher.snapshot.borrow().clone()
    }

    /// A receiver that sees every new snapshot.
    pub fn watch(&self) -> watch::Receiver<Vec<BackendStatus>> {
        self.inner.publisher.snapshot.subscribe()
    }

    /// Flips and level changes from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.publisher.events.subscribe()
    }

    /// Waits until every backend has been checked and its state has settled: up, down, or
    /// starting because it is loading (not merely failing once, which takes a few more
    /// checks to confirm). False on timeout.
    pub async fn ready(&self, timeout: Duration) -> bool {
        let mut rx = self.watch();
        let settled = |s: &BackendStatus| s.checks > 0 && (s.state != State::Starting || s.last_error.is_none());
        let checked = tokio::time::timeout(timeout, async { rx.wait_for(|v| v.iter().all(settled)).await.is_ok() });
        matches!(checked.await, Ok(true))
    }

    /// The status of every backend; with `force`, a 1-token ping is taken first where the
    /// cooldown allows (concurrent callers share one).
    pub async fn status(&self, force: bool) -> Vec<BackendStatus> {
        if force {
            let pings = self.inner.backends.iter().map(|b| b.measure(true));
            futures_util::future::join_all(pings).await;
        }
        for (i, b) in self.inner.backends.iter().enumerate() {
            self.inner.publisher.publish(i, b);
        }
        self.snapshot()
    }

    /// Pings one backend now (respecting the cooldown), returning the 1-token latency.
    pub async fn ping(&self, name: &str) -> Result<f64, RegistryError> {
        let (i, b) = self.find(name)?;
        let result = b.measure(true).await;
        self.inner.publisher.publish(i, b);
        result.ok_or_else(|| RegistryError::Ping {
            name: name.to_string(),
            reason: b.lock().ping_error.clone().unwrap_or_else(|| "no result".into()),
        })
    }

    fn find(&self, name: &str) -> Result<(usize, &Arc<Backend>), RegistryError> {
        self.inner
            .backends
            .iter()
            .enumerate()
            .find(|(_, b)| b.cfg.name == name)
            .ok_or_else(|| RegistryError::UnknownBackend(name.to_string()))
    }

    /// The named backend's last hour: one point per 10 s, oldest first.
    pub fn history(&self, name: &str) -> Result<Vec<crate::history::Point>, RegistryError> {
        self.find(name).map(|(_, b)| b.lock().history.points())
    }

    /// A handle for making requests to the named backend.
    pub fn backend(&self, name: &str) -> Result<BackendHandle, RegistryError> {
        self.find(name).map(|(_, b)| b.handle())
    }

    /// Handles of every backend with `role`, in priority order.
    pub fn backends(&self, role: Role) -> Vec<BackendHandle> {
        self.inner.backends.iter().filter(|b| b.cfg.role == role).map(|b| b.handle()).collect()
    }

    /// Stops every monitor and waits for them to finish.
    pub async fn shutdown(&self) {
        self.inner.cancel.cancel();
        let tasks: Vec<JoinHandle<()>> =
            std::mem::take(&mut *self.inner.tasks.lock().unwrap_or_else(|p| p.into_inner()));
        for t in tasks {
            // A monitor that panicked has nothing more to clean up.
            let _finished_or_panicked = t.await;
        }
    }
}
