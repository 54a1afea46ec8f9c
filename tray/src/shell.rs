//! [`Shell`]: everything the tray app holds, one instance shared by the tray, the hub and the
//! socket; and [`Action`]: what the user can ask of it, from the menu or from a window, all
//! performed by [`Shell::perform`].

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use switchboard_core::model::{Flip, Lang, ServerChange, TrayScope};
use switchboard_core::notify::{Notification, Notifier, NotifyPolicy};
use switchboard_core::{BackendStatus, Config, Engine};
use switchboard_ipc::{Push, UiEvent, View};
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;
use tokio_util::sync::{CancellationToken, WaitForCancellationFuture};
use tokio_util::task::TaskTracker;

use crate::tray::{TrayCmd, TrayRx, TrayTx};
use crate::window;

/// What the user can ask of the tray app: the menu's items and a window's requests are the
/// same actions, performed by one function ([`Shell::perform`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Show the window on a view, starting the window process if none runs.
    Open(View),
    /// Measure every backend now (a 1-token ping each).
    CheckNow,
    /// Pause or resume notifications.
    SetPaused(bool),
    /// Pause notifications if they are on, else resume them (the menu's check item).
    TogglePause,
    /// Start at login, or no longer.
    SetAutostart(bool),
    /// Start at login if it does not, else no longer (the menu's check item).
    ToggleAutostart,
    /// Stop the core (and managed servers), then the tray item.
    Quit,
}

/// What an action led to, when it has something to say.
#[derive(Debug)]
pub enum Outcome {
    /// Done, nothing to say.
    Done,
    /// Every backend's status after Check now.
    Checked(Vec<BackendStatus>),
}

/// Why an action failed.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("cannot open the window: {0}")]
    Open(#[source] std::io::Error),
    #[error("cannot change the autostart entry: {0}")]
    Autostart(#[source] std::io::Error),
}

/// Why the shell could not start.
#[derive(Debug)]
pub struct StartError(pub String);

/// Which window processes run: one struct behind one lock, so that "does a window run?" reads
/// both at once.
#[derive(Debug, Clone, Default)]
pub struct Windows {
    /// The window process this app started, while it runs (its pid).
    pub ours: Option<u32>,
    /// The pids of the windows connected to the socket (this app's, or one started by hand).
    pub connected: Vec<u32>,
}

/// Everything the tray app holds. Its std mutexes are never held across an await.
pub struct Shell {
    /// The core: registry, router and store, started and stopped together.
    engine: Engine,
    /// Which flips become notifications, and whether they are paused (kept only here).
    notifier: Mutex<Notifier>,
    /// Events for the window processes; it has receivers only while windows are connected.
    pushes: broadcast::Sender<Push>,
    /// Which window processes run.
    windows: Mutex<Windows>,
    /// The tray item: icon and menu redraws, its end.
    tray: TrayTx,
    /// The configuration file the settings view edits (none in tests that start from a
    /// configuration in memory).
    config_path: Option<std::path::PathBuf>,
    /// Stops every task of the shell (Quit, or shutdown).
    cancel: CancellationToken,
    /// Every task of the shell, so that shutdown can wait for them.
    tasks: TaskTracker,
}

impl Shell {
    /// Starts the core on the current tokio runtime. The receiver is the tray's: what the
    /// shell asks of it (drop it when there is no tray, in tests).
    pub fn start(config: Config) -> Result<(Shell, TrayRx), StartError> {
        Self::start_with_file(config, None)
    }

    /// Like [`Shell::start`], for the configuration read from `path` (which the settings
    /// view then edits).
    pub fn start_with_file(
        config: Config,
        config_path: Option<std::path::PathBuf>,
    ) -> Result<(Shell, TrayRx), StartError> {
        let engine = Engine::start(config).map_err(|e| StartError(e.to_string()))?;
        let (tray, tray_rx) = mpsc::unbounded_channel();
        let shell = Shell {
            engine,
            notifier: Mutex::new(Notifier::new(NotifyPolicy::default())),
            pushes: broadcast::channel(256).0,
            windows: Mutex::new(Windows::default()),
            tray,
            config_path,
            cancel: CancellationToken::new(),
            tasks: TaskTracker::new(),
        };
        Ok((shell, tray_rx))
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The configuration file the settings view edits.
    pub fn config_path(&self) -> Option<&std::path::Path> {
        self.config_path.as_deref()
    }

    /// The language of the menu and the notifications.
    pub fn lang(&self) -> Lang {
        self.engine.lang()
    }

    /// Which backends the tray colour counts.
    pub fn scope(&self) -> TrayScope {
        self.engine.config().tray_scope
    }

    /// Every backend's status, as last published.
    pub fn snapshot(&self) -> Vec<BackendStatus> {
        self.engine.registry().snapshot()
    }

    fn notifier(&self) -> MutexGuard<'_, Notifier> {
        self.notifier.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn paused(&self) -> bool {
        self.notifier().paused()
    }

    /// Hands a flip to the notification policy.
    pub fn flip(&self, flip: &Flip, now: Instant) {
        // A backend the user muted (`[tray] mute`): its flips change the tray, not the desktop.
        if self.engine.config().muted.contains(&flip.backend) {
            return;
        }
        self.notifier().flip(flip, now);
    }

    /// Hands a managed-server change to the notification policy.
    pub fn server(&self, change: &ServerChange, now: Instant) {
        let muted = &self.engine.config().muted;
        if !change.backends.is_empty() && change.backends.iter().all(|b| muted.contains(b)) {
            return;
        }
        self.notifier().server(change, now);
    }

    /// The notifications due at `now`.
    pub fn due(&self, now: Instant) -> Vec<Notification> {
        self.notifier().poll(now)
    }

    /// Asks the tray to do `cmd` (nothing happens when there is no tray).
    pub fn tray(&self, cmd: TrayCmd) -> bool {
        self.tray.send(cmd).is_ok()
    }

    /// Which window processes run (a copy).
    pub fn windows(&self) -> Windows {
        self.lock_windows().clone()
    }

    /// The window processes, locked (never across an await).
    pub(crate) fn lock_windows(&self) -> MutexGuard<'_, Windows> {
        self.windows.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// UI events for one more window, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Push> {
        self.pushes.subscribe()
    }

    /// How many windows receive UI events.
    pub fn ui_receivers(&self) -> usize {
        self.pushes.receiver_count()
    }

    /// Sends `push` to every window (none, when none is connected).
    pub fn push(&self, push: Push) {
        let _ = self.pushes.send(push);
    }

    /// Sends an event for the web UI to every window (nothing is built when none is open).
    pub fn emit(&self, event: impl FnOnce() -> UiEvent) {
        if self.pushes.receiver_count() > 0 {
            self.push(Push::Emit { event: event() });
        }
    }

    /// Completes when the shell is stopping.
    pub fn cancelled(&self) -> WaitForCancellationFuture<'_> {
        self.cancel.cancelled()
    }

    /// Runs `task` on the runtime, tracked; it is dropped when the shell stops.
    pub fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        let cancel = self.cancel.clone();
        tokio::spawn(self.tasks.track_future(async move {
            tokio::select! {
                _ = cancel.cancelled() => {}
                _ = task => {}
            }
        }));
    }

    /// Runs `task` on the runtime, tracked; it watches [`Shell::cancelled`] itself, to end
    /// in its own way (a window process is given a moment to exit).
    pub fn spawn_until_cancelled(&self, task: impl Future<Output = ()> + Send + 'static) {
        tokio::spawn(self.tasks.track_future(task));
    }

    /// Performs `action`: the one implementation behind the menu and the socket.
    pub async fn perform(self: &Arc<Self>, action: Action) -> Result<Outcome, ActionError> {
        match action {
            Action::Open(view) => window::open(self, view).map_err(ActionError::Open)?,
            Action::CheckNow => return Ok(Outcome::Checked(self.engine.registry().status(true).await)),
            Action::SetPaused(paused) => self.set_paused(|_| paused),
            Action::TogglePause => self.set_paused(|was| !was),
            Action::SetAutostart(on) => self.set_autostart(on)?,
            Action::ToggleAutostart => self.set_autostart(!crate::autostart::enabled())?,
            Action::Quit => self.cancel.cancel(), // `run` stops the core, then the tray
        }
        Ok(Outcome::Done)
    }

    /// Pauses or resumes notifications (`to` is given whether they were paused; one lock, so
    /// two toggles cannot read the same state), and shows it in the menu.
    fn set_paused(&self, to: impl FnOnce(bool) -> bool) {
        let paused = {
            let mut notifier = self.notifier();
            let paused = to(notifier.paused());
            notifier.set_paused(paused);
            paused
        };
        self.tray(TrayCmd::Menu { rows: self.snapshot(), paused });
    }

    /// Writes or removes the autostart entry, and shows it in the menu.
    fn set_autostart(&self, on: bool) -> Result<(), ActionError> {
        crate::autostart::set(on).map_err(ActionError::Autostart)?;
        self.tray(TrayCmd::Menu { rows: self.snapshot(), paused: self.paused() });
        Ok(())
    }

    /// Stops every task of the core and of the shell, and waits for them.
    pub async fn shutdown(&self) {
        self.cancel.cancel();
        self.tasks.close();
        // Replies first (each is written), then the shell's tasks (a window process is given a
        // moment to exit), then the monitors and managed servers.
        self.engine.router().shutdown().await;
        self.tasks.wait().await;
        self.engine.registry().shutdown().await;
    }
}
