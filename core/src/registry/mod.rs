//! The registry: owns every backend and its monitor task, publishes a snapshot of all
//! backends on a `watch` channel (readable at any time without touching the monitors) and
//! every flip and level change on a `broadcast` channel.
//!
//! `Registry` is a cheap-clone handle. `shutdown` cancels every monitor and waits for them;
//! dropping the last handle cancels them too. No task is detached.
//!
//! - this file: the handle (start, snapshot, events, ping, shutdown);
//! - [`backend`]: one backend's private state and the single-flight ping; [`BackendHandle`]
//!   for making requests to it;
//! - `monitor`: the per-backend task (probe, load figures, evidence, flips);
//! - `publish`: where statuses and events go out; [`history`]: each backend's last hour;
//! - [`table`]: the status as the CLI prints it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

pub mod backend;
pub mod history;
mod monitor;
mod publish;
mod supervise;
pub mod table;

use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::client::{shared_http, BackendClient, ClientError};
use crate::clock::Clock;
use crate::config::{Config, Role};
use crate::load::JobQueue;
use crate::model::{BackendStatus, Event, Point, ServerChange, ServerState, State};
use crate::servers::launch;
use backend::Backend;
pub use backend::BackendHandle;
use publish::Publisher;

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

#[derive(Debug)]
struct Inner {
    config: Arc<Config>,
    clock: Clock,
    backends: Vec<Arc<Backend>>,
    publisher: Arc<Publisher>,
    cancel: CancellationToken,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    /// Held while this registry owns the managed servers (see [`launch::owner_lock`]).
    _servers: Option<std::fs::File>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Backend `i`'s monitor, started again after a fault (shown in its status).
fn supervised_monitor(
    b: Arc<Backend>,
    i: usize,
    publisher: Arc<Publisher>,
    evidence: mpsc::UnboundedReceiver<crate::health::Observation>,
    cancel: &CancellationToken,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let evidence = Arc::new(tokio::sync::Mutex::new(evidence));
    let cancel = cancel.child_token();
    let (b2, p2, c2) = (Arc::clone(&b), Arc::clone(&publisher), cancel.clone());
    let start = move || monitor::run(Arc::clone(&b), i, Arc::clone(&publisher), Arc::clone(&evidence), c2.clone());
    let on_fault = move |count: u32, why: String| {
        tracing::error!("{} ({}): its monitor stopped on {why}; started again ({count})", b2.cfg.name, b2.cfg.role);
        b2.monitor_fault(count, why);
        p2.publish(i, &b2);
    };
    async move { supervise::supervise(cancel, start, on_fault).await }
}

/// Where managed server `m`'s task reports: the status of every backend it serves, and an
/// event.
fn reporter(m: &launch::Managed, backends: &[Arc<Backend>], publisher: &Arc<Publisher>) -> launch::Report {
    let served: Vec<(usize, Arc<Backend>)> = backends
        .iter()
        .enumerate()
        .filter(|(_, b)| b.cfg.launch.as_ref() == Some(&m.argv))
        .map(|(i, b)| (i, Arc::clone(b)))
        .collect();
    let publisher = Arc::clone(publisher);
    Box::new(move |state: ServerState| {
        for (i, b) in &served {
            b.set_server(state.clone());
            publisher.publish(*i, b);
        }
        let backends = served.iter().map(|(_, b)| b.cfg.name.clone()).collect();
        publisher.emit(Event::Server(ServerChange { backends, state, at: publisher.now() }));
    })
}

/// The backend registry; clone freely.
#[derive(Debug, Clone)]
pub struct Registry {
    inner: Arc<Inner>,
}

impl Registry {
    /// Builds every backend and starts its monitor, on the system clock. Must be called
    /// inside a tokio runtime.
    pub fn start(config: Config) -> Result<Registry, ClientError> {
        Self::start_with(config, Clock::system())
    }

    /// Like [`Registry::start`], with dates from `clock`. The managed servers (`launch`) are
    /// started, or taken back, only when no other process owns them.
    pub fn start_with(config: Config, clock: Clock) -> Result<Registry, ClientError> {
        Self::build(config, clock, true)
    }

    /// Watches the backends without ever starting, adopting or stopping a managed server (the
    /// CLI's `status`, `ping` and `watch`, beside a running tray app).
    pub fn start_watching(config: Config) -> Result<Registry, ClientError> {
        Self::build(config, Clock::system(), false)
    }

    fn build(config: Config, clock: Clock, manage: bool) -> Result<Registry, ClientError> {
        let http = shared_http()?;
        let config = Arc::new(config);
        let mut backends = Vec::new();
        let mut evidence = Vec::new();
        for bc in &config.backends {
            let cfg = Arc::new(bc.clone());
            let (tx, rx) = mpsc::unbounded_channel();
            let queue = JobQueue::new(bc.max_concurrent, Some(tx));
            let client = BackendClient::new(http.clone(), Arc::clone(&cfg));
            backends.push(Arc::new(Backend::new(cfg, client, queue, Arc::clone(&config), clock)));
            evidence.push(rx);
        }
        let now = Instant::now();
        let (snapshot, _) = watch::channel(backends.iter().map(|b| b.status(now)).collect());
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        let publisher = Arc::new(Publisher::new(snapshot, events, clock));
        let cancel = CancellationToken::new();
        let tasks = backends
            .iter()
            .zip(evidence)
            .enumerate()
            .map(|(i, (b, rx))| tokio::spawn(supervised_monitor(Arc::clone(b), i, Arc::clone(&publisher), rx, &cancel)))
            .collect::<Vec<_>>();
        // Managed servers start first in the task list, so shutdown stops them last of all.
        let mut tasks = tasks;
        let managed = launch::managed(&config.backends);
        let owner = if manage && !managed.is_empty() { launch::owner_lock() } else { None };
        if owner.is_some() {
            for m in managed {
                let report = reporter(&m, &backends, &publisher);
                tasks.insert(0, tokio::spawn(launch::run(m, cancel.child_token(), report)));
            }
        } else if manage && !managed.is_empty() {
            tracing::warn!("another Switchboard owns the managed servers: using them as they run");
        }
        let inner = Inner { config, clock, backends, publisher, cancel, tasks: Mutex::new(tasks), _servers: owner };
        Ok(Registry { inner: Arc::new(inner) })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Where dates come from (the router and the store use the same one).
    pub fn clock(&self) -> Clock {
        self.inner.clock
    }

    /// The latest status of every backend, in configuration order.
    pub fn snapshot(&self) -> Vec<BackendStatus> {
        self.inner.publisher.snapshot()
    }

    /// A receiver that sees every new snapshot.
    pub fn watch(&self) -> watch::Receiver<Vec<BackendStatus>> {
        self.inner.publisher.watch()
    }

    /// Flips and level changes from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.publisher.subscribe()
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
            reason: b.ping_error().unwrap_or_else(|| "no result".into()),
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
    pub fn history(&self, name: &str) -> Result<Vec<Point>, RegistryError> {
        self.find(name).map(|(_, b)| b.history())
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
