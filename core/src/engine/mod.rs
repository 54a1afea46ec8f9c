//! The one start-up of the whole engine, used by the CLI's `chat` and by the tray app: the
//! conversation store (opened, migrated, interrupted replies marked failed), the registry
//! (backends, monitors, managed servers) and the router over both, on one clock. `shutdown`
//! stops them in order: replies first (each is written), then the monitors and servers.
//!
//! A new configuration is applied without a restart ([`Engine::reload`]), from the settings
//! view or from the file itself ([`Engine::follow`]); a broken file is reported and the
//! running configuration kept.

mod accounts;
mod entries;
mod settings;

use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::chat::{self, SetAside, Store, StoreError};
use crate::client::ClientError;
use crate::clock::Clock;
use crate::config::{ChatSettings, Config};
use crate::model::{ConfigChange, Event, Lang};
use crate::registry::Registry;
use crate::router::Router;

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// The running engine: a cheap-clone handle.
#[derive(Clone)]
pub struct Engine {
    registry: Registry,
    router: Router,
    /// The store file that could not be used at start and was moved aside, if any.
    set_aside: Option<SetAside>,
    /// Stops the document watcher (a reload that changes the folders starts a new one).
    watching: Arc<Mutex<tokio_util::sync::CancellationToken>>,
    /// Stops following the configuration file.
    following: tokio_util::sync::CancellationToken,
}

/// Indexes the document folders of `tools`, then follows them, until the token is cancelled.
fn watch_documents(tools: &crate::tools::Tools) -> tokio_util::sync::CancellationToken {
    let watching = tokio_util::sync::CancellationToken::new();
    if !tools.docs.is_empty() {
        let progress: Arc<dyn Fn(usize, usize) + Send + Sync> = Arc::new(|done, total| {
            if total > 0 && (done == total || done % 1000 == 0) {
                tracing::info!("documents: {done} of {total} files indexed");
            }
        });
        tokio::spawn(Arc::clone(&tools.docs).watch(watching.clone(), progress));
    }
    watching
}

/// Opens the conversation store the settings name (or the default one), dated by `clock`,
/// and marks replies a crash left streaming as failed.
/// A damaged store file (or one of a newer schema) is moved aside and a new one started: what
/// was moved where comes back, for telling the user.
pub fn open_store(chat: &ChatSettings, clock: Clock) -> Result<(Store, Option<SetAside>), StoreError> {
    let path = match &chat.store {
        Some(p) => p.clone(),
        None => chat::default_path()?,
    };
    let (store, set_aside) = Store::open_or_set_aside(&path, clock)?;
    if let Err(e) = store.recover_interrupted() {
        tracing::warn!("{e}");
    }
    Ok((store, set_aside))
}

impl Engine {
    /// Starts everything on the system clock. Must be called inside a tokio runtime.
    pub fn start(config: Config) -> Result<Engine, EngineError> {
        Self::start_with(config, Clock::system())
    }

    /// Like [`Engine::start`], with dates from `clock`.
    pub fn start_with(config: Config, clock: Clock) -> Result<Engine, EngineError> {
        let (store, set_aside) = open_store(&config.chat, clock)?;
        let history = match &config.chat.store {
            Some(p) => Some(p.clone()),
            None => chat::default_path().ok(),
        }
        .and_then(|p| p.parent().map(|d| d.join("history.sqlite3")));
        let chat = config.chat.clone();
        let tools = Arc::new(crate::tools::Tools::new(&config, clock));
        let registry = Registry::start_with(config, clock)?;
        // The status history beside the conversations: the status view's day and week.
        if let Some(path) = history {
            if let Err(e) = registry.keep_history(&path) {
                tracing::warn!("{e}: the status view shows the last hour only");
            }
        }
        // The document folders: indexed, then followed, in the background.
        let watching = Arc::new(Mutex::new(watch_documents(&tools)));
        let router = Router::with_tools(registry.clone(), Arc::new(store), &chat, tools);
        let following = tokio_util::sync::CancellationToken::new();
        Ok(Engine { registry, router, set_aside, watching, following })
    }

    /// Applies `config` without a restart: the registry's backends and managed servers (see
    /// [`Registry::reload`]), the assistant's settings and the tool accounts for the replies
    /// that start from now on. The conversation store stays where it is until a restart.
    /// Announced as [`Event::Config`].
    pub async fn reload(&self, mut config: Config) -> ConfigChange {
        let old = self.config();
        let mut on_restart = Vec::new();
        if config.chat.store != old.chat.store {
            on_restart.push("chat.store".to_string());
            config.chat.store.clone_from(&old.chat.store);
        }
        let tools_changed = config.calendars != old.calendars
            || config.mails != old.mails
            || config.documents != old.documents
            || config.chat.timezone != old.chat.timezone;
        let tools = if tools_changed {
            let tools = Arc::new(crate::tools::Tools::new(&config, self.registry.clock()));
            let mut watching = self.watching.lock().unwrap_or_else(|p| p.into_inner());
            watching.cancel();
            *watching = watch_documents(&tools);
            tools
        } else {
            self.router.tools()
        };
        let chat = config.chat.clone();
        let done = self.registry.reload(config).await;
        self.router.apply(&chat, tools);
        let change = done.announced(on_restart, self.registry.clock().now());
        self.registry.emit(Event::Config(change.clone()));
        change
    }

    /// Follows the configuration file at `path` until shutdown: each change is applied (or
    /// its error announced) once the file has been quiet for a moment. A write that leaves the
    /// configuration as it runs changes nothing and announces nothing, unless the last one
    /// was refused (then the file is fine again, which is news).
    pub fn follow(&self, path: &Path) -> Result<(), notify::Error> {
        let mut loads = crate::config::follow(path)?;
        let (engine, stop, path) = (self.clone(), self.following.clone(), path.to_path_buf());
        tokio::spawn(async move {
            let mut refused = false;
            loop {
                let loaded = tokio::select! {
                    () = stop.cancelled() => return,
                    got = loads.recv() => match got { Some(l) => l, None => return },
                };
                if loaded.as_ref().is_ok_and(|c| *c == *engine.config()) && !refused {
                    continue;
                }
                refused = match loaded {
                    Ok(config) => engine.reload(config).await.error.is_some(),
                    Err(e) => engine.refuse(&e, &path),
                };
            }
        });
        Ok(())
    }

    /// Announces that the file at `path` was not applied, and why.
    fn refuse(&self, e: &crate::config::ConfigError, path: &Path) -> bool {
        tracing::warn!("{}: not applied: {e}", path.display());
        self.registry.emit(Event::Config(ConfigChange::refused(e.to_string(), self.registry.clock().now())));
        true
    }

    /// What the user must be told about the start, in the engine's language (today: a store
    /// file moved aside).
    pub fn start_notices(&self) -> Vec<String> {
        self.set_aside.iter().map(|s| crate::i18n::store_set_aside(s.reason, &s.moved_to, self.lang())).collect()
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn router(&self) -> &Router {
        &self.router
    }

    pub fn store(&self) -> &Store {
        self.router.store()
    }

    /// The configuration now (a reload replaces it).
    pub fn config(&self) -> Arc<Config> {
        self.registry.config()
    }

    /// The language of notices and labels (the setting, or the system locale).
    pub fn lang(&self) -> Lang {
        self.router.lang()
    }

    /// Stops every reply (each is written) and then every monitor and managed server, and
    /// waits for them.
    pub async fn shutdown(&self) {
        self.following.cancel();
        self.watching.lock().unwrap_or_else(|p| p.into_inner()).cancel();
        self.router.shutdown().await;
        self.registry.shutdown().await;
    }
}
