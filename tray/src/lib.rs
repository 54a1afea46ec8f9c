//! Switchboard's tray app (`switchboard`): a thin layer over `switchboard-core` that stays in
//! the tray all day, and never loads WebKit.
//!
//! - [`Shell`] owns the registry, the router and the notification policy.
//! - [`tray`]: the tray icon (its colour and shape are the overall load) and its menu.
//! - [`hub`]: one task that listens to the core and updates the tray, sends notifications and
//!   sends events to the window.
//! - [`server`]: the socket the window talks to: one call into the core per request.
//! - [`window`]: opening the window = starting `switchboard-window` (the Tauri app in
//!   `src-tauri/`), which ends when the window is closed.

pub mod hub;
pub mod ids;
pub mod server;
pub mod tray;
pub mod window;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use switchboard_core::model::{Lang, TrayScope};
use switchboard_core::notify::{Notifier, NotifyPolicy};
use switchboard_core::{config, Config, Engine, Registry, Router};
use switchboard_ipc::{self as ipc, View};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Everything the tray app holds; one instance, shared by the tray, the hub and the socket.
pub struct Shell {
    pub registry: Registry,
    pub router: Router,
    /// Which flips become notifications (std mutex: never held across an await).
    pub notifier: Mutex<Notifier>,
    pub paused: AtomicBool,
    /// Which backends the tray colour counts.
    pub scope: TrayScope,
    pub lang: Lang,
    /// Events for the window process (`ipc::Push`); it has a receiver only while one is open.
    pub pushes: tokio::sync::broadcast::Sender<ipc::Push>,
    /// The window process this app started, while it runs (its pid).
    pub window: Mutex<Option<u32>>,
    /// The pids of the windows connected to the socket (this app's, or one started by hand).
    pub windows: Mutex<Vec<u32>>,
    /// Stops the hub, the socket and the reply forwarders.
    pub cancel: CancellationToken,
    pub tasks: TaskTracker,
}

/// Why the shell could not start.
#[derive(Debug)]
pub struct StartError(pub String);

impl Shell {
    /// Starts the core on the current tokio runtime.
    pub fn start(config: Config) -> Result<Shell, StartError> {
        let scope = config.tray_scope;
        let engine = Engine::start(config).map_err(|e| StartError(e.to_string()))?;
        Ok(Shell {
            lang: engine.lang(),
            registry: engine.registry().clone(),
            router: engine.router().clone(),
            notifier: Mutex::new(Notifier::new(NotifyPolicy::default())),
            paused: AtomicBool::new(false),
            scope,
            pushes: tokio::sync::broadcast::channel(256).0,
            window: Mutex::new(None),
            windows: Mutex::new(Vec::new()),
            cancel: CancellationToken::new(),
            tasks: TaskTracker::new(),
        })
    }

    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
        self.notifier.lock().unwrap_or_else(|p| p.into_inner()).set_paused(paused);
    }

    /// Stops every task of the core and of the shell, and waits for them.
    pub async fn shutdown(&self) {
        self.cancel.cancel();
        self.tasks.close();
        self.router.shutdown().await;
        self.tasks.wait().await;
        self.registry.shutdown().await;
    }
}

/// The config; on first run (no file yet) one is written for the LLM servers found on this
/// machine, or for the project's own llama-server, which the core then starts and stops.
async fn load_or_discover() -> Result<Config, String> {
    use switchboard_core::servers::discover::{first_run, FirstRun, Options};
    let path = config::resolve_path(None).map_err(|e| e.to_string())?;
    match first_run(&path, &Options::from_env()).await.map_err(|e| e.to_string())? {
        FirstRun::Existing => {}
        FirstRun::Discovered(found) => {
            let urls: Vec<String> = found.iter().map(|f| format!("{} at {}", f.kind, f.url)).collect();
            tracing::warn!("first run: wrote {} for {}", path.display(), urls.join(", "));
        }
        FirstRun::Local => {
            tracing::warn!("first run: wrote {} for the project's llama-server, started by Switchboard", path.display())
        }
    }
    Config::load(&path).map_err(|e| e.to_string())
}

/// `switchboard [--hidden]`: the tray app, until Quit (or, when one already runs, ask it to
/// show its window).
pub fn run() -> ExitCode {
    // No GL anywhere: the chat page does not need it, and a GL stack (Mesa, and LLVM with
    // software GL) is the biggest single cost measured by scripts/bench-footprint.sh. WebKit's
    // accelerated compositing put it in the web process (window open: 284 -> 215 MiB PSS);
    // GDK's GL probing put it in ours. Set before any thread starts (the window process
    // inherits them); a value the user set wins.
    for (var, value) in [("WEBKIT_DISABLE_COMPOSITING_MODE", "1"), ("GDK_GL", "disable")] {
        if std::env::var_os(var).is_none() {
            std::env::set_var(var, value);
        }
    }
    switchboard_core::init_logging("warn", true);
    // `--hidden`: start in the tray only (for starting at login); the window opens from the tray.
    let hidden = std::env::args().skip(1).any(|a| a == "--hidden");
    let socket = match ipc::socket_path() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    // One Switchboard per user: a second one shows the first one's window and ends.
    if ipc::engine_running(&socket) {
        if hidden {
            eprintln!("Switchboard is already running");
            return ExitCode::SUCCESS;
        }
        return match ipc::ask_to_open(&socket, View::Chat) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: Switchboard is running but did not answer ({}): {e}", socket.display());
                ExitCode::from(1)
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    // Entered for the whole run: the GTK main thread spawns tasks (menu clicks) too.
    let _entered = runtime.enter();
    let code = run_in(&runtime, &socket, hidden);
    let _ = std::fs::remove_file(&socket);
    code
}

fn run_in(runtime: &tokio::runtime::Runtime, socket: &std::path::Path, hidden: bool) -> ExitCode {
    let config = match runtime.block_on(load_or_discover()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(78);
        }
    };
    if let Err(e) = gtk::init() {
        eprintln!("error: cannot start the tray (no display?): {e}");
        return ExitCode::from(1);
    }
    let started = runtime.block_on(async {
        let listener = server::bind(socket).map_err(|e| StartError(format!("{}: {e}", socket.display())))?;
        Shell::start(config).map(|s| (Arc::new(s), listener))
    });
    let (shell, listener) = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}", e.0);
            return ExitCode::from(1);
        }
    };
    tokio::spawn(shell.tasks.track_future(server::serve(Arc::clone(&shell), listener)));
    let (tray_tx, tray_rx) = tokio::sync::mpsc::unbounded_channel();
    let tray = match tray::Tray::build(&shell, &tray_tx) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            runtime.block_on(shell.shutdown());
            return ExitCode::from(1);
        }
    };
    gtk::glib::MainContext::default().spawn_local(tray.drive(tray_rx));
    hub::spawn(Arc::clone(&shell), tray_tx.clone());
    // SIGTERM / SIGINT stop the core (managed servers included) the way Quit does.
    let (s, tx) = (Arc::clone(&shell), tray_tx.clone());
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        tray::quit(&s, &tx);
    });
    if !hidden {
        if let Err(e) = window::open(&shell, View::Chat) {
            tracing::error!("cannot open the window: {e}");
        }
    }
    gtk::main(); // until Quit (the core has stopped by then)
    runtime.block_on(shell.shutdown());
    ExitCode::SUCCESS
}
