//! The one start-up of the whole engine, used by the CLI's `chat` and by the tray app: the
//! conversation store (opened, migrated, interrupted replies marked failed), the registry
//! (backends, monitors, managed servers) and the router over both, on one clock. `shutdown`
//! stops them in order: replies first (each is written), then the monitors and servers.

use std::sync::Arc;

use crate::chat::{self, SetAside, Store, StoreError};
use crate::client::ClientError;
use crate::clock::Clock;
use crate::config::{ChatSettings, Config};
use crate::model::Lang;
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
    /// Stops the document watcher.
    watching: tokio_util::sync::CancellationToken,
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
        let chat = config.chat.clone();
        let tools = Arc::new(crate::tools::Tools::new(&config, clock));
        let registry = Registry::start_with(config, clock)?;
        // The document folders: indexed, then followed, in the background.
        let watching = tokio_util::sync::CancellationToken::new();
        if !tools.docs.is_empty() {
            let progress: Arc<dyn Fn(usize, usize) + Send + Sync> = Arc::new(|done, total| {
                if total > 0 && (done == total || done % 1000 == 0) {
                    tracing::info!("documents: {done} of {total} files indexed");
                }
            });
            tokio::spawn(Arc::clone(&tools.docs).watch(watching.clone(), progress));
        }
        let router = Router::with_tools(registry.clone(), Arc::new(store), &chat, tools);
        Ok(Engine { registry, router, set_aside, watching })
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

    pub fn config(&self) -> &Config {
        self.registry.config()
    }

    /// The language of notices and labels (the setting, or the system locale).
    pub fn lang(&self) -> Lang {
        self.router.lang()
    }

    /// Stops every reply (each is written) and then every monitor and managed server, and
    /// waits for them.
    pub async fn shutdown(&self) {
        self.watching.cancel();
        self.router.shutdown().await;
        self.registry.shutdown().await;
    }
}
