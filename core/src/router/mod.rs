//! The router: every user message goes to a classifier, whose streamed JSON decides what
//! happens (see [`decision`]); direct answers stream from their first words
//! ([`stream_parse`]); hard questions go to the least-loaded reasoner, with a notice first
//! when it is busy; `status` answers from the registry; tool calls are checked ([`tools`]).
//!
//! - this file: the [`Router`] handle (send, retry, stop, shutdown) and its errors;
//! - `run`: one reply's work (rules, classify, dispatch, stream, fall back; `run::chosen`:
//!   writing an action the classifier chose); `writer`: its batched
//!   writes to the store; `select`: which classifier and which reasoner;
//! - [`rules`]: what code decides before any model; [`nearest`]: the action of the example
//!   utterances a message is most like; [`choose`]: the action chosen alone,
//!   scored from token probabilities; [`guard`]: answers that loop or are placeholders;
//! - [`decision`]: the classifier's decision and the lenient reader of what small models
//!   write; [`stream_parse`]: the decision read while it streams; [`prompt`]: our prompts
//!   (English and Korean); [`tools`]: tool calls checked; [`summary`]: the status answer.
//!
//! Fallbacks: classifier down → straight to a reasoner; reasoner down → the classifier
//! answers plainly; both down → a clear message, and the user's message stays to retry.
//! Every request holds its backend's in-flight guard, so its timing feeds the load estimator.
//! Everything is written to the [`Store`] as it happens: the user's message before anything is
//! sent, the reply in batches while it streams.

pub mod cards;
pub mod choose;
pub mod decision;
pub mod embed;
pub mod guard;
pub mod nearest;
pub mod prompt;
pub mod rules;
mod run;
mod select;
pub mod stream_parse;
pub mod summary;
pub mod tools;
mod writer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::chat::{Store, StoreError};
use crate::client::{ChatRequest, Message};
use crate::clock::Clock;
use crate::config::{ChatSettings, Decide, LangSetting};
pub use crate::model::{ChatEvent, NoticeKind};
use crate::model::{ChatRole, Lang, MessageState};
use crate::registry::Registry;
use crate::tools::Tools;
use prompt::{Persona, Turn};
use run::Run;
pub use summary::status_summary;

/// Longest classifier reply we ask for (a decision, or a short direct answer).
const CLASSIFIER_MAX_TOKENS: u32 = 1024;

/// A reply under way.
#[derive(Debug)]
pub struct Reply {
    pub conversation_id: i64,
    pub user_message_id: i64,
    pub reply_message_id: i64,
    pub events: mpsc::UnboundedReceiver<ChatEvent>,
}

/// Router errors (before a reply starts; later failures arrive as events).
#[derive(Debug, thiserror::Error)]
pub enum RouterError {
    #[error("the message is empty")]
    Empty,
    #[error("no message to retry in conversation {0}")]
    NothingToRetry(i64),
    #[error("no backend named `{0}`")]
    UnknownBackend(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the chat settings say; a reply takes the settings of its start, a reload replaces
/// them for the next one.
struct Settings {
    persona: Persona,
    lang: Lang,
    history_turns: usize,
    /// See `ChatSettings::lean_to_reasoner`.
    lean: bool,
    /// See `ChatSettings::nearest_examples`.
    nearest: bool,
    /// See `ChatSettings::decide` and `direct_confidence`.
    decide: Decide,
    direct_confidence: f64,
    /// The calendars, mail and documents.
    tools: Arc<Tools>,
}

impl Settings {
    fn new(chat: &ChatSettings, tools: Arc<Tools>) -> Settings {
        let lang = match chat.language {
            LangSetting::Auto => crate::i18n::system_lang(),
            LangSetting::En => Lang::En,
            LangSetting::Ko => Lang::Ko,
        };
        let persona = Persona {
            name: chat.name.clone(),
            persona: chat.persona.clone(),
            classifier_override: chat.classifier_prompt.clone(),
            reasoner_override: chat.reasoner_prompt.clone(),
        };
        Settings {
            persona,
            lang,
            history_turns: chat.history_turns,
            lean: chat.lean_to_reasoner,
            nearest: chat.nearest_examples,
            decide: chat.decide,
            direct_confidence: chat.direct_confidence,
            tools,
        }
    }
}

struct Inner {
    registry: Registry,
    store: Arc<Store>,
    settings: std::sync::RwLock<Arc<Settings>>,
    /// The examples' embeddings per server (`router::embed`).
    embeddings: Arc<embed::Embeddings>,
    /// Classifiers that gave no token probabilities: asked for JSON from then on.
    no_scores: Mutex<std::collections::HashSet<String>>,
    /// Replies under way: reply id -> its stop switch.
    running: Mutex<HashMap<i64, CancellationToken>>,
    tasks: TaskTracker,
    cancel: CancellationToken,
    /// The runtime replies run on.
    runtime: tokio::runtime::Handle,
    /// Dates: the classifier's "today".
    clock: Clock,
}

impl Inner {
    fn settings(&self) -> Arc<Settings> {
        Arc::clone(&self.settings.read().unwrap_or_else(|p| p.into_inner()))
    }
}

/// The router; a cheap-clone handle.
#[derive(Clone)]
pub struct Router {
    inner: Arc<Inner>,
}

impl Router {
    /// The language of notices and labels (the setting, or the system locale).
    pub fn lang(&self) -> Lang {
        self.inner.settings().lang
    }

    /// Must be called inside a tokio runtime (replies run on it). No tool account is
    /// connected: see [`Router::with_tools`].
    pub fn new(registry: Registry, store: Arc<Store>, chat: &ChatSettings) -> Router {
        let tz = chat.timezone.unwrap_or_else(crate::tools::tz::system);
        let clock = registry.clock();
        Router::with_tools(registry, store, chat, Arc::new(Tools::none(tz, clock)))
    }

    /// A router whose tool calls run on `tools`.
    pub fn with_tools(registry: Registry, store: Arc<Store>, chat: &ChatSettings, tools: Arc<Tools>) -> Router {
        let clock = registry.clock();
        Router {
            inner: Arc::new(Inner {
                registry,
                store,
                settings: std::sync::RwLock::new(Arc::new(Settings::new(chat, tools))),
                embeddings: Arc::new(embed::Embeddings::kept_in(embed::cache_dir())),
                no_scores: Mutex::default(),
                running: Mutex::new(HashMap::new()),
                tasks: TaskTracker::new(),
                cancel: CancellationToken::new(),
                runtime: tokio::runtime::Handle::current(),
                clock,
            }),
        }
    }

    /// The same router, keeping the examples' vectors in `dir` between runs (`None`: never
    /// kept; by default `embed::cache_dir()`). Only before it is cloned: a shared router keeps
    /// its folder.
    pub fn keep_embeddings_in(mut self, dir: Option<std::path::PathBuf>) -> Router {
        match Arc::get_mut(&mut self.inner) {
            Some(inner) => inner.embeddings = Arc::new(embed::Embeddings::kept_in(dir)),
            None => tracing::warn!("the router is shared already: its embeddings' folder stays"),
        }
        self
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// Whether some server's examples' embeddings are ready (after the warm-up that the first
    /// message starts); until then messages are compared by n-grams alone.
    pub fn embeddings_ready(&self) -> bool {
        self.inner.embeddings.any_ready()
    }

    /// The tools the router's calls run on.
    pub fn tools(&self) -> Arc<Tools> {
        Arc::clone(&self.inner.settings().tools)
    }

    /// New chat settings and tools, for the replies that start from now on (a reload).
    pub fn apply(&self, chat: &ChatSettings, tools: Arc<Tools>) {
        let settings = Arc::new(Settings::new(chat, tools));
        *self.inner.settings.write().unwrap_or_else(|p| p.into_inner()) = settings;
    }

    /// Sends `text` in `conversation` (a new one when `None`). The user's message is stored
    /// before anything is sent.
    pub fn send(&self, conversation: Option<i64>, text: &str) -> Result<Reply, RouterError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RouterError::Empty);
        }
        let store = &self.inner.store;
        let conversation = match conversation {
            Some(c) => c,
            None => store.create_conversation(&title_from(text))?,
        };
        let user = store.add_message(conversation, ChatRole::User, text, MessageState::Done)?;
        self.start(conversation, user, text.to_string())
    }

    /// Sends the conversation's last user message again (after a failure), without writing it
    /// twice.
    pub fn retry(&self, conversation: i64) -> Result<Reply, RouterError> {
        let last = self.last_user_message(conversation)?;
        self.start(conversation, last.id, last.text)
    }

    /// The conversation's last user message that was not replaced.
    fn last_user_message(&self, conversation: i64) -> Result<crate::model::StoredMessage, RouterError> {
        self.inner
            .store
            .messages(conversation)?
            .into_iter()
            .rev()
            .find(|m| m.role == ChatRole::User && !m.replaced)
            .ok_or(RouterError::NothingToRetry(conversation))
    }

    /// Answers the conversation's last user message again: the answers it had are kept,
    /// marked replaced (shown folded, never sent to a model again).
    pub fn regenerate(&self, conversation: i64) -> Result<Reply, RouterError> {
        let last = self.last_user_message(conversation)?;
        self.inner.store.replace_after(conversation, last.id)?;
        self.start(conversation, last.id, last.text)
    }

    /// Sends every message of `conversation` to the backend named (`None`: routed
    /// automatically again).
    pub fn set_backend(&self, conversation: i64, backend: Option<&str>) -> Result<(), RouterError> {
        if let Some(name) = backend {
            if self.inner.registry.backend(name).is_err() {
                return Err(RouterError::UnknownBackend(name.to_string()));
            }
        }
        Ok(self.inner.store.set_backend(conversation, backend)?)
    }

    /// Replaces user message `message` with `text` and answers from there: the old message
    /// and everything after it are kept, marked replaced.
    pub fn edit(&self, conversation: i64, message: i64, text: &str) -> Result<Reply, RouterError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RouterError::Empty);
        }
        let store = &self.inner.store;
        store.replace_from(conversation, message)?;
        let user = store.add_message(conversation, ChatRole::User, text, MessageState::Done)?;
        self.start(conversation, user, text.to_string())
    }

    fn start(&self, conversation: i64, user: i64, text: String) -> Result<Reply, RouterError> {
        let reply = self.inner.store.add_message(conversation, ChatRole::Assistant, "", MessageState::Streaming)?;
        let (tx, rx) = mpsc::unbounded_channel();
        let cancel = self.inner.cancel.child_token();
        self.lock_running().insert(reply, cancel.clone());
        let inner = Arc::clone(&self.inner);
        let work = self.inner.tasks.track_future(async move {
            let mut run = Run::new(&inner, conversation, user, reply, text, tx, cancel);
            run.go().await;
            inner.running.lock().unwrap_or_else(|p| p.into_inner()).remove(&reply);
        });
        // On the runtime the router was made on, so `send` works from any thread (a desktop
        // shell's command runs on its UI thread).
        self.inner.runtime.spawn(work);
        Ok(Reply { conversation_id: conversation, user_message_id: user, reply_message_id: reply, events: rx })
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, HashMap<i64, CancellationToken>> {
        self.inner.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stops a reply: the upstream request is cancelled, the partial answer kept and marked
    /// stopped. False when that reply is not under way.
    pub fn stop(&self, reply_message_id: i64) -> bool {
        match self.lock_running().get(&reply_message_id) {
            Some(t) => {
                t.cancel();
                true
            }
            None => false,
        }
    }

    /// Stops every reply and waits for them to be written.
    pub async fn shutdown(&self) {
        self.inner.cancel.cancel();
        self.inner.tasks.close();
        self.inner.tasks.wait().await;
    }
}

fn title_from(text: &str) -> String {
    let line = text.lines().next().unwrap_or(text).trim();
    let mut t: String = line.chars().take(48).collect();
    if line.chars().count() > 48 {
        t.push('…');
    }
    t
}

/// The classifier's request: our system prompt for this moment, the user's message, and the
/// decision schema when the server constrains output.
#[allow(clippy::too_many_arguments)] // each is one fact of this moment the prompt needs
pub fn classifier_request<Tz: TimeZone>(
    persona: &Persona,
    lang: Lang,
    now: &DateTime<Tz>,
    history: &[Turn],
    pending_draft: Option<&str>,
    text: &str,
    structured: bool,
    max_tokens: u32,
) -> ChatRequest
where
    Tz::Offset: std::fmt::Display,
{
    let system = prompt::classifier_system(persona, lang, now, history, pending_draft);
    ChatRequest {
        messages: vec![Message::new("system", system), Message::new("user", text)],
        // Under the schema, enough for the longest object the schema allows, so the reply is
        // always complete JSON; otherwise the configured limit, capped.
        max_tokens: Some(if structured {
            decision::STRUCTURED_MAX_TOKENS
        } else {
            max_tokens.min(CLASSIFIER_MAX_TOKENS)
        }),
        temperature: None,
        response_format: structured.then(|| {
            serde_json::json!({"type": "json_schema", "json_schema": {"name": "decision", "schema": decision::schema()}})
        }),
        ..ChatRequest::default()
    }
}

/// The second call of choose-then-write for a tool: the classifier's prompt for this moment,
/// under a schema that admits tool calls only (where the server constrains output); only the
/// operation `only` (`tool.operation`) when it is known.
#[allow(clippy::too_many_arguments)] // each is one fact of this moment the prompt needs
pub fn tools_request<Tz: TimeZone>(
    persona: &Persona,
    lang: Lang,
    now: &DateTime<Tz>,
    history: &[Turn],
    text: &str,
    structured: bool,
    max_tokens: u32,
    only: Option<&str>,
) -> ChatRequest
where
    Tz::Offset: std::fmt::Display,
{
    let mut req = classifier_request(persona, lang, now, history, None, text, structured, max_tokens);
    if structured {
        let named = |s: &serde_json::Value| {
            let p = &s["properties"];
            format!("{}.{}", p["tool"]["const"].as_str().unwrap_or(""), p["operation"]["const"].as_str().unwrap_or(""))
        };
        let all = tools::call_schemas();
        let chosen: Vec<serde_json::Value> =
            all.iter().filter(|s| only.is_none_or(|o| named(s) == o)).cloned().collect();
        let schema = serde_json::json!({ "oneOf": if chosen.is_empty() { all } else { chosen } });
        req.response_format =
            Some(serde_json::json!({"type": "json_schema", "json_schema": {"name": "tool_call", "schema": schema}}));
    }
    req
}
