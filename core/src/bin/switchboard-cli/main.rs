//! `switchboard-cli`: the headless face of the engine.
//!
//! Exit codes: 0 all good; 1 runtime error; 2 usage error; 3 a backend is down or starting
//! (`status`), or the ping failed (`ping`); 78 configuration error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use switchboard_core::config::{self, Config, ConfigError};
use switchboard_core::model::{Event, State};
use switchboard_core::registry::table::table;
use switchboard_core::{Engine, Registry};

mod chat;
mod config_cmd;
mod conv_cmd;
mod term;
mod tool_cmd;

use config_cmd::config_cmd;

const EXIT_ERROR: u8 = 1;
const EXIT_DOWN: u8 = 3;
const EXIT_CONFIG: u8 = 78;

#[derive(Parser)]
#[command(name = "switchboard-cli", version, about = "Switchboard without the desktop: backend health and load")]
struct Cli {
    /// Config file (default: $SWITCHBOARD_CONFIG, else ~/.config/switchboard/config.toml).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// More log output on stderr (-v: flips, -vv: info, -vvv: debug). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print every backend's state and load (exit 3 if any is not up).
    Status {
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Measure now (a 1-token ping per backend, unless one ran in the last 10 s).
        #[arg(long)]
        force: bool,
    },
    /// Print health flips and level changes as they happen, until Ctrl-C.
    Watch {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Time a 1-token chat completion on one backend.
    Ping { name: String },
    /// Chat: one message (streams the answer), or an interactive session without MESSAGE.
    Chat {
        /// The message; without it, read messages from the terminal (/help for commands).
        message: Option<String>,
        /// Continue this conversation (default: a new one).
        #[arg(long, short)]
        conversation: Option<i64>,
        /// One JSON event per line instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List, show, search, export, rename or delete stored conversations.
    Conversations {
        #[command(subcommand)]
        cmd: ConvCmd,
    },
    /// Check or create the configuration.
    Config {
        #[command(subcommand)]
        cmd: ConfigCmd,
    },
    /// Run one tool operation: `tool calendar.today`, `tool calendar.search date_from=2026-12-01
    /// date_to=2026-12-07`, `tool calendar.create_draft title=Dentist date=2026-12-17 time=09:30`
    /// (asks y/N before writing; exit 4 when nothing was written).
    Tool {
        /// tool.operation
        op: String,
        /// key=value parameters.
        params: Vec<String>,
        #[arg(long)]
        json: bool,
        /// Write a draft without asking (for scripts).
        #[arg(long)]
        yes: bool,
    },
    /// The document index: `docs index` brings it up to date with [documents] folders.
    Docs {
        #[command(subcommand)]
        cmd: DocsCmd,
    },
    /// Store or delete a password in the desktop keyring (for password_keyring = "NAME").
    Secret {
        #[command(subcommand)]
        cmd: SecretCmd,
    },
}

#[derive(Subcommand)]
enum DocsCmd {
    /// Index new and changed files, drop removed ones (a progress bar on a terminal).
    Index,
}

#[derive(Subcommand)]
enum SecretCmd {
    /// Reads the password from the terminal (not echoed), or the first line of stdin.
    Set {
        name: String,
    },
    Delete {
        name: String,
    },
}

#[derive(Subcommand)]
enum ConvCmd {
    /// Every conversation, newest first.
    List,
    /// One conversation's messages.
    Show {
        id: i64,
    },
    Rename {
        id: i64,
        title: String,
    },
    Delete {
        id: i64,
    },
    /// One conversation as Markdown or JSON, on stdout or into a file.
    Export {
        id: i64,
        /// `md` or `json`.
        #[arg(long, default_value = "md")]
        format: String,
        /// Write to this file (atomically) instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Conversations whose title or messages hold every word given (Korean: a word of one or
    /// two syllables is found inside longer ones).
    Search {
        query: Vec<String>,
    },
}

#[derive(Subcommand)]
enum ConfigCmd {
    /// Validate the config file (exit 78 with file:line:column on error).
    Check,
    /// Write a commented example config (to the config path, or stdout with --print).
    Init {
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
        /// Print the example instead of writing it.
        #[arg(long)]
        print: bool,
    },
    /// Print the config file's path.
    Path,
    /// First run: unless a config exists, look for LLM servers on this machine's usual ports
    /// (11434, 8080, 1234, 8000, 30000, or $SWITCHBOARD_DISCOVER_PORTS) and write a config for
    /// them; with none, use the project's llama-server (started and stopped by Switchboard).
    Discover,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().worker_threads(2).build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    runtime.block_on(run(cli))
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "error",
        1 => "warn",
        2 => "info",
        _ => "debug",
    };
    switchboard_core::init_logging(default, false);
}

fn load_config(explicit: Option<&Path>) -> Result<(PathBuf, Config), ExitCode> {
    let path = config::resolve_path(explicit).map_err(config_error)?;
    let cfg = Config::load(&path).map_err(config_error)?;
    Ok((path, cfg))
}

fn config_error(e: ConfigError) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(EXIT_CONFIG)
}

async fn run(cli: Cli) -> ExitCode {
    match cli.cmd {
        Cmd::Config { cmd } => config_cmd(cmd, cli.config.as_deref()).await,
        Cmd::Status { json, force } => with_registry(cli.config.as_deref(), |r, _| status(r, json, force)).await,
        Cmd::Watch { json } => with_registry(cli.config.as_deref(), |r, path| watch(r, json, path)).await,
        Cmd::Ping { name } => with_registry(cli.config.as_deref(), |r, _| ping(r, name)).await,
        Cmd::Chat { message, conversation, json } => {
            with_engine(cli.config.as_deref(), |e| chat::run(e, message, conversation, json)).await
        }
        Cmd::Conversations { cmd } => conv_cmd::conversations(cli.config.as_deref(), cmd),
        Cmd::Tool { op, params, json, yes } => match load_config(cli.config.as_deref()) {
            Ok((_, cfg)) => tool_cmd::tool(cfg, op, params, json, yes).await,
            Err(code) => code,
        },
        Cmd::Docs { cmd: DocsCmd::Index } => match load_config(cli.config.as_deref()) {
            Ok((_, cfg)) => tool_cmd::docs_index(cfg).await,
            Err(code) => code,
        },
        Cmd::Secret { cmd: SecretCmd::Set { name } } => tool_cmd::secret_set(&name),
        Cmd::Secret { cmd: SecretCmd::Delete { name } } => tool_cmd::secret_delete(&name),
    }
}

async fn with_registry<F, Fut>(explicit: Option<&Path>, f: F) -> ExitCode
where
    F: FnOnce(Registry, PathBuf) -> Fut,
    Fut: std::future::Future<Output = ExitCode>,
{
    let (path, cfg) = match load_config(explicit) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    // Never starts, adopts or stops a managed server: the tray app may own them.
    let registry = match Registry::start_watching(cfg) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let code = f(registry.clone(), path).await;
    registry.shutdown().await;
    code
}

/// Starts the whole engine (store, registry, router), runs `f`, and stops it.
async fn with_engine<F, Fut>(explicit: Option<&Path>, f: F) -> ExitCode
where
    F: FnOnce(Engine) -> Fut,
    Fut: std::future::Future<Output = ExitCode>,
{
    let cfg = match load_config(explicit) {
        Ok((_, cfg)) => cfg,
        Err(code) => return code,
    };
    let engine = match Engine::start(cfg) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    for text in engine.start_notices() {
        eprintln!("warning: {text}");
    }
    let code = f(engine.clone()).await;
    engine.shutdown().await;
    code
}

fn first_check_timeout(r: &Registry) -> Duration {
    // Detection, a probe and a read of load figures, each bounded by the probe timeout.
    r.config().health.probe_timeout * 4 + Duration::from_secs(1)
}

async fn status(r: Registry, json: bool, force: bool) -> ExitCode {
    r.ready(first_check_timeout(&r)).await;
    let rows = r.status(force).await;
    if json {
        match serde_json::to_string_pretty(&rows) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_ERROR);
            }
        }
    } else {
        // Server error texts are in the table: cleaned for a terminal.
        print!("{}", term::Clean::stdout().push(&table(&rows)));
        // The tools' accounts, probed like backends (they do not change the exit code).
        let tools = switchboard_core::tools::Tools::new(&r.config(), switchboard_core::clock::Clock::system());
        for h in tools.status().await {
            let state = match &h.problem {
                None => "ok".to_string(),
                Some(e) => format!("DOWN: {e}"),
            };
            println!("{} {}: {}", h.tool, h.account, term::Clean::stdout().push(&state));
        }
    }
    if rows.iter().all(|s| s.state == State::Up) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_DOWN)
    }
}

async fn ping(r: Registry, name: String) -> ExitCode {
    if let Err(e) = r.backend(&name) {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_ERROR);
    }
    match r.ping(&name).await {
        Ok(ms) => {
            println!("{name}: {ms:.1} ms");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_DOWN)
        }
    }
}

/// Prints every event until interrupted; a save of the configuration file is applied to the
/// backends watched (or its error printed, the running configuration kept).
async fn watch(r: Registry, json: bool, path: PathBuf) -> ExitCode {
    let mut events = r.subscribe();
    let mut saves = match switchboard_core::config::follow(&path) {
        Ok(rx) => rx,
        Err(e) => {
            eprintln!("warning: {} will not be followed: {e}", path.display());
            tokio::sync::mpsc::unbounded_channel().1
        }
    };
    r.ready(first_check_timeout(&r)).await;
    if !json {
        print!("{}", table(&r.snapshot()));
    }
    let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot listen for SIGTERM: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return ExitCode::SUCCESS,
            _ = terminate.recv() => return ExitCode::SUCCESS,
            Some(loaded) = saves.recv() => {
                let change = match loaded {
                    Ok(config) if config == *r.config() => continue,
                    Ok(config) => r.reload(config).await.announced(Vec::new(), r.clock().now()),
                    Err(e) => switchboard_core::model::ConfigChange::refused(e.to_string(), r.clock().now()),
                };
                r.emit(Event::Config(change));
            }
            ev = events.recv() => match ev {
                Ok(ev) => print_event(&ev, json),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => eprintln!("(missed {n} events)"),
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return ExitCode::SUCCESS,
            },
        }
    }
}

fn print_event(ev: &Event, json: bool) {
    if json {
        if let Ok(s) = serde_json::to_string(ev) {
            println!("{s}");
        }
        return;
    }
    match ev {
        Event::Flip(f) => println!(
            "{} {} ({}) -> {} ({:.0} ms): {}",
            f.at.format("%H:%M:%S"),
            f.backend,
            f.role,
            f.to.label(),
            f.latency_ms.unwrap_or(0.0),
            term::Clean::stdout().push(&f.reason)
        ),
        Event::Level(l) => {
            let wait = l.est_wait_ms.map(|w| format!(", wait {:.1} s", w / 1000.0)).unwrap_or_default();
            println!("{} {} ({}) level {} -> {}{wait}", l.at.format("%H:%M:%S"), l.backend, l.role, l.from, l.to);
        }
        Event::Server(c) => {
            let what = switchboard_core::i18n::server_state(&c.state, switchboard_core::model::Lang::En)
                .unwrap_or_else(|| "server running".into());
            println!("{} {}: {what}", c.at.format("%H:%M:%S"), c.backends.join(", "));
        }
        Event::Config(c) => match &c.error {
            Some(e) => println!(
                "{} configuration not applied (the running one is kept): {}",
                c.at.format("%H:%M:%S"),
                term::Clean::stdout().push(e)
            ),
            None => {
                let list = |v: &[String]| if v.is_empty() { "-".to_string() } else { v.join(", ") };
                println!(
                    "{} configuration applied: added {}, removed {}, restarted {}",
                    c.at.format("%H:%M:%S"),
                    list(&c.added),
                    list(&c.removed),
                    list(&c.restarted)
                );
            }
        },
    }
}
