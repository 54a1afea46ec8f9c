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
//! - `reload`: a new configuration applied without a restart;
//! - `publish`: where statuses and events go out; [`history`]: each backend's last hour;
//!   [`archive`]: the history on disk (a day of 10 s points, a week of minutes);
//! - [`table`]: the status as the CLI prints it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

pub mod archive;
pub mod backend;
pub mod history;
mod monitor;
mod publish;
mod reload;
mod supervise;
pub mod table;

use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;
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
pub use reload::Reloaded;

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

/// What runs now: the configuration, each backend's monitor and each managed server.
#[derive(Debug)]
struct Live {
    config: Arc<Config>,
    monitors: Vec<Task<Arc<Backend>>>,
    /// Managed servers, by their command line.
    servers: Vec<Task<Vec<String>>>,
    /// Held while this registry owns the managed servers (see [`launch::owner_lock`]).
    owner: Option<std::fs::File>,
    /// Writes the history to disk, when it is kept (see [`Registry::keep_history`]).
    archiver: Option<Task<()>>,
}

/// A task of the registry and what stops it.
#[derive(Debug)]
struct Task<K> {
    key: K,
    cancel: CancellationToken,
    handle: JoinHandle<()>,
}

impl<K> Task<K> {
    async fn stop(self) {
        self.cancel.cancel();
        // A monitor that panicked has nothing more to clean up.
        let _finished_or_panicked = self.handle.await;
    }
}

#[derive(Debug)]
struct Inner {
    clock: Clock,
    http: reqwest::Client,
    /// Whether this registry may start, adopt and stop managed servers.
    manage: bool,
    publisher: Arc<Publisher>,
    cancel: CancellationToken,
    live: Mutex<Live>,
    /// One reload (or shutdown) at a time.
    changing: tokio::sync::Mutex<()>,
    /// The history on disk, once kept.
    archive: std::sync::OnceLock<Arc<archive::Archive>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Backend `b`'s monitor, started again after a fault (shown in its status).
fn supervised_monitor(
    b: Arc<Backend>,
    publisher: Arc<Publisher>,
    evidence: mpsc::UnboundedReceiver<crate::health::Observation>,
    cancel: CancellationToken,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let evidence = Arc::new(tokio::sync::Mutex::new(evidence));
    let (b2, p2, c2) = (Arc::clone(&b), Arc::clone(&publisher), cancel.clone());
    let start = move || monitor::run(Arc::clone(&b), Arc::clone(&publisher), Arc::clone(&evidence), c2.clone());
    let on_fault = move |count: u32, why: String| {
        tracing::error!("{} ({}): its monitor stopped on {why}; started again ({count})", b2.cfg.name, b2.cfg.role);
        b2.monitor_fault(count, why);
        p2.publish(&b2);
    };
    async move { supervise::supervise(cancel, start, on_fault).await }
}

/// Where managed server `argv`'s task reports: the status of every backend it serves now,
/// and an event.
fn reporter(argv: Vec<String>, publisher: &Arc<Publisher>) -> launch::Report {
    let publisher = Arc::clone(publisher);
    Box::new(move |state: ServerState| {
        let served: Vec<Arc<Backend>> =
            publisher.backends().into_iter().filter(|b| b.cfg.launch.as_ref() == Some(&argv)).collect();
        for b in &served {
            b.set_server(state.clone());
            publisher.publish(b);
        }
        let backends = served.iter().map(|b| b.cfg.name.clone()).collect();
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
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        let made: Vec<_> = config.backends.iter().map(|bc| new_backend(&http, bc, &config, clock)).collect();
        let backends: Vec<Arc<Backend>> = made.iter().map(|(b, _)| Arc::clone(b)).collect();
        let publisher = Arc::new(Publisher::new(backends, events, clock));
        let cancel = CancellationToken::new();
        let live = Live {
            config: Arc::clone(&config),
            monitors: Vec::new(),
            servers: Vec::new(),
            owner: None,
            archiver: None,
        };
        let inner = Inner {
            clock,
            http,
            manage,
            publisher,
            cancel,
            live: Mutex::new(live),
            changing: tokio::sync::Mutex::new(()),
            archive: std::sync::OnceLock::new(),
        };
        let registry = Registry { inner: Arc::new(inner) };
        let monitors = made.into_iter().map(|(b, rx)| registry.spawn_monitor(b, rx)).collect();
        let servers = registry.start_servers(&config, &[]);
        let mut live = registry.live();
        live.monitors = monitors;
        live.servers = servers;
        drop(live);
        Ok(registry)
    }

    fn live(&self) -> std::sync::MutexGuard<'_, Live> {
        self.inner.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn spawn_monitor(
        &self,
        b: Arc<Backend>,
        rx: mpsc::UnboundedReceiver<crate::health::Observation>,
    ) -> Task<Arc<Backend>> {
        let cancel = self.inner.cancel.child_token();
        let handle =
            tokio::spawn(supervised_monitor(Arc::clone(&b), Arc::clone(&self.inner.publisher), rx, cancel.clone()));
        Task { key: b, cancel, handle }
    }

    /// Starts the managed servers of `config` that are not among `running` (when this
    /// registry manages servers and owns them, taking the ownership if nobody has it yet).
    fn start_servers(&self, config: &Config, running: &[Vec<String>]) -> Vec<Task<Vec<String>>> {
        let fresh: Vec<launch::Managed> =
            launch::managed(&config.backends).into_iter().filter(|m| !running.contains(&m.argv)).collect();
        if !self.inner.manage || fresh.is_empty() {
            return Vec::new();
        }
        let mut live = self.live();
        if live.owner.is_none() {
            live.owner = launch::owner_lock();
        }
        if live.owner.is_none() {
            tracing::warn!("another Switchboard owns the managed servers: using them as they run");
            return Vec::new();
        }
        drop(live);
        fresh
            .into_iter()
            .map(|m| {
                let cancel = self.inner.cancel.child_token();
                let report = reporter(m.argv.clone(), &self.inner.publisher);
                let key = m.argv.clone();
                let handle = tokio::spawn(launch::run(m, cancel.clone(), report));
                Task { key, cancel, handle }
            })
            .collect()
    }

    /// The configuration now (a reload replaces it).
    pub fn config(&self) -> Arc<Config> {
        Arc::clone(&self.live().config)
    }

    /// How many tasks the registry runs now: one monitor per backend and one per managed
    /// server it owns.
    pub fn tasks(&self) -> usize {
        let live = self.live();
        live.monitors.iter().filter(|t| !t.handle.is_finished()).count()
            + live.servers.iter().filter(|t| !t.handle.is_finished()).count()
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

    /// Announces `event` to every subscriber (the engine's configuration changes).
    pub fn emit(&self, event: Event) {
        self.inner.publisher.emit(event);
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
            let backends = self.inner.publisher.backends();
            let pings = backends.iter().map(|b| b.measure(true));
            futures_util::future::join_all(pings).await;
        }
        for b in self.inner.publisher.backends() {
            self.inner.publisher.publish(&b);
        }
        self.snapshot()
    }

    /// Pings one backend now (respecting the cooldown), returning the 1-token latency.
    pub async fn ping(&self, name: &str) -> Result<f64, RegistryError> {
        let b = self.find(name)?;
        let result = b.measure(true).await;
        self.inner.publisher.publish(&b);
        result.ok_or_else(|| RegistryError::Ping {
            name: name.to_string(),
            reason: b.ping_error().unwrap_or_else(|| "no result".into()),
        })
    }

    fn find(&self, name: &str) -> Result<Arc<Backend>, RegistryError> {
        self.inner
            .publisher
            .backends()
            .into_iter()
            .find(|b| b.cfg.name == name)
            .ok_or_else(|| RegistryError::UnknownBackend(name.to_string()))
    }

    /// The named backend's last hour: one point per 10 s, oldest first.
    pub fn history(&self, name: &str) -> Result<Vec<Point>, RegistryError> {
        self.find(name).map(|b| b.history())
    }

    /// A handle for making requests to the named backend.
    pub fn backend(&self, name: &str) -> Result<BackendHandle, RegistryError> {
        self.find(name).map(|b| b.handle())
    }

    /// Handles of every backend with `role`, in priority order.
    pub fn backends(&self, role: Role) -> Vec<BackendHandle> {
        self.inner.publisher.backends().iter().filter(|b| b.cfg.role == role).map(|b| b.handle()).collect()
    }

    /// Stops every monitor and waits for them to finish.
    /// Managed servers are stopped last.
    pub async fn shutdown(&self) {
        let _one_at_a_time = self.inner.changing.lock().await;
        self.inner.cancel.cancel();
        let (monitors, servers) = {
            let mut live = self.live();
            (std::mem::take(&mut live.monitors), std::mem::take(&mut live.servers))
        };
        for t in monitors {
            t.stop().await;
        }
        for t in servers {
            t.stop().await;
        }
        let archiver = self.live().archiver.take();
        if let Some(t) = archiver {
            t.stop().await;
        }
    }
}

/// A backend of `config` and the receiving end of its evidence (what our own requests saw).
fn new_backend(
    http: &reqwest::Client,
    bc: &crate::config::BackendConfig,
    config: &Arc<Config>,
    clock: Clock,
) -> (Arc<Backend>, mpsc::UnboundedReceiver<crate::health::Observation>) {
    let cfg = Arc::new(bc.clone());
    let (tx, rx) = mpsc::unbounded_channel();
    let queue = JobQueue::new(bc.max_concurrent, Some(tx));
    let client = BackendClient::new(http.clone(), Arc::clone(&cfg));
    (Arc::new(Backend::new(cfg, client, queue, Arc::clone(config), clock)), rx)
}
