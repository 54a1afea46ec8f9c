//! Switchboard's tray app (`switchboard`): a thin layer over `switchboard-core` that stays in
//! the tray all day, and never loads WebKit.
//!
//! - [`shell`]: [`Shell`] owns the engine, the notification policy, the window pids and every
//!   task; [`Action`]s (the menu's and the window's) are all performed by [`Shell::perform`].
//! - [`tray`]: the tray icon (its colour and shape are the overall load) and its menu.
//! - [`autostart`]: start at login (an XDG autostart entry).
//! - [`hub`]: one task that listens to the core and updates the tray, sends notifications and
//!   sends events to the window.
//! - [`server`]: the socket the window talks to: one call into the core per request.
//! - [`instance`]: one Switchboard per user (a lock taken before anything else).
//! - [`window`]: opening the window = starting `switchboard-window` (the Tauri app in
//!   `src-tauri/`), which ends when the window is closed.

pub mod autostart;
pub mod hub;
pub mod ids;
pub mod instance;
pub mod server;
pub mod shell;
pub mod tray;
pub mod window;

#[cfg(test)]
mod window_commands;

pub use shell::{Action, ActionError, Outcome, Shell, StartError, Windows};

use std::process::ExitCode;
use std::sync::Arc;

use switchboard_core::{config, Config};
use switchboard_ipc::View;

/// The config; on first run (no file yet) one is written for the LLM servers found on this
/// machine, or for the project's own llama-server, which the core then starts and stops.
async fn load_or_discover() -> Result<(std::path::PathBuf, Config), String> {
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
    let config = Config::load(&path).map_err(|e| e.to_string())?;
    Ok((path, config))
}

/// `switchboard [--hidden | --version]`: the tray app, until Quit (or, when one already runs, ask it to
/// show its window).
pub fn run() -> ExitCode {
    // Before any thread starts.
    switchboard_ipc::env::without_gl();
    if std::env::args().skip(1).any(|a| a == "--version" || a == "-V") {
        println!("switchboard {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    switchboard_core::init_logging("warn", true);
    // `--hidden`: start in the tray only (for starting at login); the window opens from the tray.
    let hidden = std::env::args().skip(1).any(|a| a == "--hidden");
    let dir = match switchboard_ipc::runtime_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let socket = dir.join("switchboard.sock");
    // One Switchboard per user, decided first of all: a second one shows the first one's
    // window and ends (waiting for it if it is still starting).
    let _instance = match instance::take(&dir) {
        Ok(Some(lock)) => lock,
        Ok(None) => return second_instance(&socket, hidden),
        Err(e) => {
            eprintln!("error: {}: {e}", dir.display());
            return ExitCode::from(1);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    // Entered for the whole run: the main thread spawns tasks too.
    let _entered = runtime.enter();
    run_in(&runtime, &socket, hidden)
}

/// Another Switchboard holds the instance lock: ask it to show its window.
fn second_instance(socket: &std::path::Path, hidden: bool) -> ExitCode {
    if !instance::wait_for_engine(socket, std::time::Duration::from_secs(120)) {
        eprintln!("error: another Switchboard is starting but its socket ({}) never answered", socket.display());
        return ExitCode::from(1);
    }
    if hidden {
        eprintln!("Switchboard is already running");
        return ExitCode::SUCCESS;
    }
    match switchboard_ipc::ask_to_open(socket, View::Chat) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: Switchboard is running but did not answer ({}): {e}", socket.display());
            ExitCode::from(1)
        }
    }
}

fn run_in(runtime: &tokio::runtime::Runtime, socket: &std::path::Path, hidden: bool) -> ExitCode {
    let (path, config) = match runtime.block_on(load_or_discover()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(78);
        }
    };
    let started = runtime.block_on(async {
        let listener = server::bind(socket).map_err(|e| StartError(format!("{}: {e}", socket.display())))?;
        let (shell, tray_rx) = Shell::start_with_file(config, Some(path.clone()))?;
        // A hand edit of the file is applied as the settings view's edits are.
        if let Err(e) = shell.engine().follow(&path) {
            tracing::warn!("{}: changes will apply only after a restart ({e})", path.display());
        }
        Ok::<_, StartError>((Arc::new(shell), tray_rx, listener))
    });
    let (shell, tray_rx, (listener, _socket_file)) = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}", e.0);
            return ExitCode::from(1);
        }
    };
    server::spawn(&shell, listener);
    let tray = match runtime.block_on(tray::Tray::build(&shell)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            runtime.block_on(shell.shutdown());
            return ExitCode::from(1);
        }
    };
    let driven = runtime.spawn(tray.drive(tray_rx));
    hub::spawn(&shell);
    // SIGTERM / SIGINT stop the core (managed servers included) the way Quit does.
    let s = Arc::clone(&shell);
    shell.spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        if let Err(e) = s.perform(Action::Quit).await {
            tracing::error!("{e}");
        }
    });
    // Quit (from the menu or a signal) cancels the shell: stop the core, then the tray item
    // (in this order: the item must keep answering while the core stops). Owned here, not by
    // the shell's tracker, which it waits for.
    let s = Arc::clone(&shell);
    let quitter = runtime.spawn(async move {
        s.cancelled().await;
        s.shutdown().await;
        s.tray(tray::TrayCmd::Quit);
    });
    if !hidden {
        if let Err(e) = runtime.block_on(shell.perform(Action::Open(View::Chat))) {
            tracing::error!("{e}");
        }
    }
    // Until Quit (the core has stopped by then).
    if let Err(e) = runtime.block_on(driven) {
        tracing::error!("tray: {e}");
    }
    if let Err(e) = runtime.block_on(quitter) {
        tracing::error!("quit: {e}");
    }
    runtime.block_on(shell.shutdown());
    ExitCode::SUCCESS
}

#[cfg(test)]
mod keyring_in_async_code {
    /// In this app the keyring's D-Bus crate is built for tokio (ksni asks for it) and blocks on
    /// a runtime of its own: called on a thread that drives tasks (a config naming a keyring
    /// entry, loaded in async code) it panicked, and the keyring crate's poisoned lock then made
    /// every later call panic. Whatever this session has (no keyring, or one): two answers.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_keyring_read_from_async_code_answers_twice_instead_of_panicking() {
        for _ in 0..2 {
            let read = switchboard_core::secret_store::get("switchboard-test-no-such-entry");
            assert!(read.is_err());
        }
    }
}
