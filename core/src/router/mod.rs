//! The router: every user message goes to a classifier, whose streamed JSON decides what
//! happens (see [`decision`]); direct answers stream from their first words
//! ([`stream_parse`]); hard questions go to the least-loaded reasoner, with a notice first
//! when it is busy; `status` answers from the registry; tool calls are checked ([`tools`]).
//!
//! Fallbacks: classifier down → straight to a reasoner; reasoner down → the classifier
//! answers plainly; both down → a clear message, and the user's message stays to retry.
//! Every request holds its backend's in-flight guard, so its timing feeds the load estimator.
//! Everything is written to the [`Store`] as it happens: the user's message before anything is
//! sent, the reply in batches while it streams.

pub mod decision;
pub mod prompt;
pub mod stream_parse;
pub mod tools;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use serde::Serialize;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::backend::BackendHandle;
use crate::client::{ChatRequest, ClientError, Message, StreamEvent};
use crate::config::{ChatSettings, Kind, LangSetting, Role, Structured};
use crate::hysteresis::State;
use crate::load::Level;
use crate::registry::Registry;
use crate::status::BackendStatus;
use crate::store::{MessageState, ReplyMeta, Store, StoreError};
use decision::{Action, Decision};
use prompt::{Lang, Persona, Turn};
use stream_parse::{Emit, StreamParser};

/// How often a streaming reply is written to the store.
const FLUSH_EVERY: Duration = Duration::from_millis(250);
/// Longest classifier reply we ask for (a decision, or a short direct answer).
const CLASSIFIER_MAX_TOKENS: u32 = 1024;

/// Why a notice is shown before (or instead of) an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The reasoner is busy: the answer may take longer.
    Busy,
    /// The classifier is down: the message went straight to a reasoner.
    ClassifierDown,
    /// No reasoner is up: the classifier answers itself.
    ReasonerDown,
}

/// What a reply's stream carries, in order: a decision, notices, tokens, then `Done`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatEvent {
    Decision {
        action: Action,
        backend: String,
    },
    Notice {
        kind: NoticeKind,
        text: String,
        wait_ms: Option<f64>,
    },
    Token {
        text: String,
    },
    /// Something went wrong; `Done` follows with state `failed`.
    Error {
        message: String,
    },
    Done {
        state: MessageState,
        action: Option<Action>,
        backend: Option<String>,
        model: Option<String>,
        ttft_ms: Option<f64>,
        total_ms: f64,
        tokens: Option<i64>,
    },
}

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
    #[error(transparent)]
    Store(#[from] StoreError),
}

struct Inner {
    registry: Registry,
    store: Arc<Store>,
    persona: Persona,
    lang: Lang,
    history_turns: usize,
    /// Replies under way: reply id -> its stop switch.
    running: Mutex<HashMap<i64, CancellationToken>>,
    tasks: TaskTracker,
    cancel: CancellationToken,
    /// The runtime replies run on.
    runtime: tokio::runtime::Handle,
}

/// The router; a cheap-clone handle.
#[derive(Clone)]
pub struct Router {
    inner: Arc<Inner>,
}

impl Router {
    /// The language of notices and labels (the setting, or the system locale).
    pub fn lang(&self) -> Lang {
        self.inner.lang
    }

    /// Must be called inside a tokio runtime (replies run on it).
    pub fn new(registry: Registry, store: Arc<Store>, chat: &ChatSettings) -> Router {
        let lang = match chat.language {
            LangSetting::Auto => Lang::system(),
            LangSetting::En => Lang::En,
            LangSetting::Ko => Lang::Ko,
        };
        let persona = Persona {
            name: chat.name.clone(),
            persona: chat.persona.clone(),
            classifier_override: chat.classifier_prompt.clone(),
            reasoner_override: chat.reasoner_prompt.clone(),
        };
        Router {
            inner: Arc::new(Inner {
                registry,
                store,
                persona,
                lang,
                history_turns: chat.history_turns,
                running: Mutex::new(HashMap::new()),
                tasks: TaskTracker::new(),
                cancel: CancellationToken::new(),
                runtime: tokio::runtime::Handle::current(),
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn registry(&self) -> &Registry {
        &self.inner.registry
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
        let user = store.add_message(conversation, "user", text, MessageState::Done)?;
        self.start(conversation, user, text.to_string())
    }

    /// Sends the conversation's last user message again (after a failure), without writing it
    /// twice.
    pub fn retry(&self, conversation: i64) -> Result<Reply, RouterError> {
        let last = self
            .inner
            .store
            .messages(conversation)?
            .into_iter()
            .rev()
            .find(|m| m.role == "user")
            .ok_or(RouterError::NothingToRetry(conversation))?;
        self.start(conversation, last.id, last.text)
    }

    fn start(&self, conversation: i64, user: i64, text: String) -> Result<Reply, RouterError> {
        let reply = self.inner.store.add_message(conversation, "assistant", "", MessageState::Streaming)?;
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

/// Batches a streaming reply's writes.
struct Writer<'a> {
    store: &'a Store,
    id: i64,
    text: String,
    meta: ReplyMeta,
    flushed_at: Instant,
}

impl Writer<'_> {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        if self.flushed_at.elapsed() >= FLUSH_EVERY {
            self.flush(MessageState::Streaming);
        }
    }

    fn flush(&mut self, state: MessageState) {
        self.flushed_at = Instant::now();
        if let Err(e) = self.store.update_reply(self.id, &self.text, state, &self.meta) {
            tracing::error!("cannot write reply {}: {e}", self.id);
        }
    }
}

/// How one upstream streaming call ended.
enum Outcome {
    /// Finished; with tokens and time to first token.
    Done {
        tokens: Option<u64>,
    },
    Stopped,
    /// Failed before any text was shown.
    FailedEarly(ClientError),
    /// Failed after some text was shown.
    FailedLate(ClientError),
}

/// One reply's work.
struct Run<'a> {
    inner: &'a Inner,
    conversation: i64,
    user_message: i64,
    text: String,
    lang: Lang,
    tx: mpsc::UnboundedSender<ChatEvent>,
    cancel: CancellationToken,
    w: Writer<'a>,
    started: Instant,
    action: Option<Action>,
    backend: Option<String>,
    model: Option<String>,
    ttft_ms: Option<f64>,
}

impl<'a> Run<'a> {
    fn new(
        inner: &'a Inner,
        conversation: i64,
        user_message: i64,
        reply: i64,
        text: String,
        tx: mpsc::UnboundedSender<ChatEvent>,
        cancel: CancellationToken,
    ) -> Self {
        let lang = inner.lang.for_message(&text);
        let w = Writer {
            store: &inner.store,
            id: reply,
            text: String::new(),
            meta: ReplyMeta::default(),
            flushed_at: Instant::now(),
        };
        Run {
            inner,
            conversation,
            user_message,
            text,
            lang,
            tx,
            cancel,
            w,
            started: Instant::now(),
            action: None,
            backend: None,
            model: None,
            ttft_ms: None,
        }
    }

    fn send(&self, ev: ChatEvent) {
        // The receiver may be gone (the UI closed): the reply is still written to the store.
        let _receiver_gone = self.tx.send(ev);
    }

    fn show(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.ttft_ms.is_none() {
            self.ttft_ms = Some(self.started.elapsed().as_secs_f64() * 1000.0);
        }
        self.w.push(text);
        self.send(ChatEvent::Token { text: text.to_string() });
    }

    fn decided(&mut self, action: Action, backend: &BackendHandle) {
        self.action = Some(action);
        self.backend = Some(backend.name.clone());
        self.model = Some(backend.client.config().model.clone());
        self.w.meta.action = Some(action.as_str().to_string());
        self.w.meta.backend = self.backend.clone();
        self.w.meta.model = self.model.clone();
        self.send(ChatEvent::Decision { action, backend: backend.name.clone() });
    }

    fn notice(&mut self, kind: NoticeKind, wait_ms: Option<f64>) {
        let text = notice_text(kind, wait_ms, self.lang);
        self.send(ChatEvent::Notice { kind, text, wait_ms });
    }

    fn finish(&mut self, state: MessageState, error: Option<String>, tokens: Option<u64>) {
        if let Some(e) = &error {
            self.send(ChatEvent::Error { message: e.clone() });
        }
        let total_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        self.w.meta.error = error;
        self.w.meta.ttft_ms = self.ttft_ms;
        self.w.meta.total_ms = Some(total_ms);
        self.w.meta.tokens = tokens.and_then(|t| i64::try_from(t).ok());
        self.w.flush(state);
        self.send(ChatEvent::Done {
            state,
            action: self.action,
            backend: self.backend.clone(),
            model: self.model.clone(),
            ttft_ms: self.ttft_ms,
            total_ms,
            tokens: self.w.meta.tokens,
        });
    }

    /// Recent turns before this message, oldest first.
    fn history(&self) -> Vec<Turn> {
        let Ok(all) = self.inner.store.messages(self.conversation) else { return Vec::new() };
        let mut turns: Vec<Turn> = all
            .into_iter()
            .filter(|m| m.id < self.user_message && !m.text.trim().is_empty())
            .filter(|m| m.role == "user" || matches!(m.state, MessageState::Done | MessageState::Stopped))
            .map(|m| Turn { user: m.role == "user", text: m.text })
            .collect();
        let keep = self.inner.history_turns * 2;
        if turns.len() > keep {
            turns.drain(..turns.len() - keep);
        }
        turns
    }

    fn candidates(&self, role: Role) -> Vec<(BackendHandle, BackendStatus)> {
        let snapshot = self.inner.registry.snapshot();
        self.inner
            .registry
            .backends(role)
            .into_iter()
            .filter_map(|h| snapshot.iter().find(|s| s.name == h.name).cloned().map(|s| (h, s)))
            .filter(|(_, s)| s.state != State::Down)
            .collect()
    }

    /// The classifier to use: the first up (or, failing that, starting) in priority order.
    fn classifier(&self) -> Option<BackendHandle> {
        let mut c = self.candidates(Role::Classifier);
        c.sort_by_key(|(_, s)| s.state != State::Up);
        c.into_iter().next().map(|(h, _)| h)
    }

    /// The reasoner to use: up before starting, then the lowest level and wait, then priority.
    fn reasoner(&self) -> Option<(BackendHandle, BackendStatus)> {
        let mut c = self.candidates(Role::Reasoner);
        c.sort_by(|(_, a), (_, b)| {
            (a.state != State::Up)
                .cmp(&(b.state != State::Up))
                .then(a.level.severity().cmp(&b.level.severity()))
                .then(a.est_wait_ms.unwrap_or(0.0).total_cmp(&b.est_wait_ms.unwrap_or(0.0)))
        });
        c.into_iter().next()
    }

    async fn go(&mut self) {
        let Some(classifier) = self.classifier() else {
            self.notice(NoticeKind::ClassifierDown, None);
            let prompt = self.text.clone();
            return self.reason(&prompt, None).await;
        };
        match self.classify(&classifier).await {
            ClassifyResult::Stopped => self.finish(MessageState::Stopped, None, None),
            ClassifyResult::FailedLate(e) => self.finish(MessageState::Failed, Some(e.to_string()), None),
            ClassifyResult::Unavailable(e) => {
                tracing::warn!("classifier {} failed: {e}", classifier.name);
                self.notice(NoticeKind::ClassifierDown, None);
                let prompt = self.text.clone();
                self.reason(&prompt, None).await
            }
            ClassifyResult::Decided(decision, rest, tokens) => self.dispatch(decision, rest, tokens, &classifier).await,
        }
    }

    async fn classify(&mut self, c: &BackendHandle) -> ClassifyResult {
        let pending = self.inner.store.pending_draft(self.conversation).ok().flatten();
        let history = self.history();
        let cfg = c.client.config();
        let structured = match cfg.structured {
            Structured::JsonSchema => true,
            Structured::None => false,
            Structured::Auto => {
                let kind = self.inner.registry.snapshot().into_iter().find(|s| s.name == c.name).map(|s| s.kind);
                matches!(kind, Some(Kind::Llamacpp | Kind::Vllm | Kind::Sglang | Kind::Ollama))
            }
        };
        let req = classifier_request(
            &self.inner.persona,
            self.lang,
            &history,
            pending.as_deref(),
            &self.text,
            structured,
            cfg.max_tokens,
        );
        let mut parser = StreamParser::new();
        let mut announced = false;
        let outcome = {
            let c2 = c.clone();
            let mut on_text = |run: &mut Self, t: &str| {
                for e in parser.push(t) {
                    match e {
                        Emit::Action(a) => {
                            run.decided(a, &c2);
                            announced = true;
                        }
                        Emit::Text(s) => run.show(&s),
                    }
                }
            };
            self.stream(c, &req, &mut on_text).await
        };
        match outcome {
            Outcome::Stopped => ClassifyResult::Stopped,
            Outcome::FailedEarly(e) => ClassifyResult::Unavailable(e),
            Outcome::FailedLate(e) if self.w.text.is_empty() => ClassifyResult::Unavailable(e),
            Outcome::FailedLate(e) => ClassifyResult::FailedLate(e),
            Outcome::Done { tokens } => {
                let (decision, rest) = parser.finish(&self.text);
                if !announced || self.action != Some(decision.action()) {
                    self.decided(decision.action(), c);
                }
                ClassifyResult::Decided(decision, rest, tokens)
            }
        }
    }

    /// Streams one chat completion through `b`'s in-flight guard, feeding text to `on_text`.
    async fn stream(
        &mut self,
        b: &BackendHandle,
        req: &ChatRequest,
        on_text: &mut (dyn FnMut(&mut Self, &str) + Send),
    ) -> Outcome {
        let cancel = self.cancel.clone();
        // Waiting for a concurrency permit can be stopped too.
        let mut guard = tokio::select! {
            _ = cancel.cancelled() => return Outcome::Stopped,
            g = b.queue.acquire() => g,
        };
        let opened = tokio::select! {
            _ = cancel.cancelled() => return Outcome::Stopped,
            s = b.client.chat_stream(req) => s,
        };
        let mut stream = match opened {
            Ok(s) => Box::pin(s),
            Err(e) => {
                guard.fail(&e);
                return Outcome::FailedEarly(e);
            }
        };
        let mut tokens = None;
        let mut any = false;
        loop {
            let next = tokio::select! {
                // Dropping the stream closes the connection: the server stops generating.
                _ = cancel.cancelled() => return Outcome::Stopped,
                n = stream.next() => n,
            };
            match next {
                None => break,
                Some(Ok(StreamEvent::Delta(t))) => {
                    guard.token();
                    any = true;
                    on_text(self, &t);
                }
                Some(Ok(StreamEvent::Usage(u))) => tokens = Some(u.completion_tokens),
                // Thinking aloud counts as started, for the time to first token.
                Some(Ok(StreamEvent::Reasoning(_))) => guard.token(),
                Some(Ok(StreamEvent::Finish(_))) => {}
                Some(Err(e)) => {
                    guard.fail(&e);
                    return if any { Outcome::FailedLate(e) } else { Outcome::FailedEarly(e) };
                }
            }
        }
        guard.finish(tokens);
        Outcome::Done { tokens }
    }

    async fn dispatch(
        &mut self,
        decision: Decision,
        rest: Option<String>,
        tokens: Option<u64>,
        classifier: &BackendHandle,
    ) {
        match decision {
            Decision::Direct { .. } | Decision::Clarify { .. } => {
                if let Some(r) = rest {
                    self.show(&r);
                }
                self.finish(MessageState::Done, None, tokens);
            }
            Decision::Route { prompt } => self.reason(&prompt, Some(classifier)).await,
            Decision::Status => {
                let rows = tokio::select! {
                    _ = self.cancel.cancelled() => return self.finish(MessageState::Stopped, None, None),
                    r = self.inner.registry.status(true) => r,
                };
                let summary = status_summary(&rows, self.lang);
                self.show(&summary);
                self.finish(MessageState::Done, None, None);
            }
            Decision::Tools { tool, operation, params } => {
                let draft = self.inner.store.pending_draft(self.conversation).ok().flatten().is_some();
                let checked = tools::validate(&tool, &operation, &params, draft);
                let text = tools::answer(&tool, &operation, &checked, self.lang);
                self.show(&text);
                self.finish(MessageState::Done, None, None);
            }
        }
    }

    /// Sends `prompt` to the best reasoner; without one, the classifier answers plainly.
    async fn reason(&mut self, prompt: &str, classifier: Option<&BackendHandle>) {
        let Some((reasoner, status)) = self.reasoner() else {
            let fallback = classifier.cloned().or_else(|| self.classifier());
            let Some(c) = fallback else {
                let e = all_down(self.lang);
                return self.finish(MessageState::Failed, Some(e), None);
            };
            self.notice(NoticeKind::ReasonerDown, None);
            return self.answer_plainly(&c, prompt, Action::Direct).await;
        };
        if matches!(status.level, Level::Busy | Level::VeryBusy) {
            self.notice(NoticeKind::Busy, status.est_wait_ms);
        }
        self.decided(Action::Route, &reasoner);
        let mut messages = vec![Message::new("system", prompt::reasoner_system(&self.inner.persona, self.lang))];
        for t in self.history() {
            messages.push(Message::new(if t.user { "user" } else { "assistant" }, t.text));
        }
        messages.push(Message::new("user", prompt));
        let req = ChatRequest { messages, ..ChatRequest::default() };
        match self.stream(&reasoner, &req, &mut |run, t| run.show(t)).await {
            Outcome::Done { tokens } => self.finish(MessageState::Done, None, tokens),
            Outcome::Stopped => self.finish(MessageState::Stopped, None, None),
            Outcome::FailedLate(e) => self.finish(MessageState::Failed, Some(e.to_string()), None),
            Outcome::FailedEarly(e) => {
                // The reasoner died before answering: let the classifier answer if it can.
                tracing::warn!("reasoner {} failed: {e}", reasoner.name);
                match classifier.cloned().or_else(|| self.classifier()) {
                    Some(c) => {
                        self.notice(NoticeKind::ReasonerDown, None);
                        self.answer_plainly(&c, prompt, Action::Direct).await
                    }
                    None => self.finish(MessageState::Failed, Some(e.to_string()), None),
                }
            }
        }
    }

    /// The classifier answers without the JSON contract.
    async fn answer_plainly(&mut self, c: &BackendHandle, prompt: &str, action: Action) {
        self.decided(action, c);
        let req = ChatRequest {
            messages: vec![
                Message::new("system", prompt::classifier_plain_system(&self.inner.persona, self.lang)),
                Message::new("user", prompt),
            ],
            ..ChatRequest::default()
        };
        match self.stream(c, &req, &mut |run, t| run.show(t)).await {
            Outcome::Done { tokens } => self.finish(MessageState::Done, None, tokens),
            Outcome::Stopped => self.finish(MessageState::Stopped, None, None),
            Outcome::FailedEarly(_) => {
                let e = all_down(self.lang);
                self.finish(MessageState::Failed, Some(e), None)
            }
            Outcome::FailedLate(e) => self.finish(MessageState::Failed, Some(e.to_string()), None),
        }
    }
}

/// The classifier's request: our system prompt for this moment, the user's message, and the
/// decision schema when the server constrains output.
pub fn classifier_request(
    persona: &Persona,
    lang: Lang,
    history: &[Turn],
    pending_draft: Option<&str>,
    text: &str,
    structured: bool,
    max_tokens: u32,
) -> ChatRequest {
    let system = prompt::classifier_system(persona, lang, &chrono::Local::now(), history, pending_draft);
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
    }
}

enum ClassifyResult {
    Decided(Decision, Option<String>, Option<u64>),
    Stopped,
    /// Could not be asked (down, refused, failed before any text).
    Unavailable(ClientError),
    /// Failed after showing part of an answer.
    FailedLate(ClientError),
}

fn all_down(lang: Lang) -> String {
    match lang {
        Lang::En => "No model server is reachable right now. Your message is saved: retry when one is back.".into(),
        Lang::Ko => "지금은 연결되는 모델 서버가 없어요. 메시지는 저장했으니 서버가 돌아오면 다시 보내 주세요.".into(),
    }
}

fn secs(ms: f64) -> String {
    format!("{:.0}", (ms / 1000.0).max(1.0))
}

/// The notice shown to the user.
pub fn notice_text(kind: NoticeKind, wait_ms: Option<f64>, lang: Lang) -> String {
    match (kind, lang) {
        (NoticeKind::Busy, Lang::En) => match wait_ms {
            Some(w) => format!("The reasoning model is busy: the answer may start in about {} s.", secs(w)),
            None => "The reasoning model is busy: the answer may take longer.".into(),
        },
        (NoticeKind::Busy, Lang::Ko) => match wait_ms {
            Some(w) => format!("추론 모델이 바빠요. 답변이 약 {}초 뒤에 시작될 수 있어요.", secs(w)),
            None => "추론 모델이 바빠요. 답변이 늦어질 수 있어요.".into(),
        },
        (NoticeKind::ClassifierDown, Lang::En) => {
            "The small model is not answering: asking the reasoning model directly.".into()
        }
        (NoticeKind::ClassifierDown, Lang::Ko) => "작은 모델이 응답하지 않아 추론 모델에 바로 물어볼게요.".into(),
        (NoticeKind::ReasonerDown, Lang::En) => "The reasoning model is down: the small model answers instead.".into(),
        (NoticeKind::ReasonerDown, Lang::Ko) => "추론 모델이 멈춰 있어 작은 모델이 대신 답할게요.".into(),
    }
}

fn ms(v: Option<f64>) -> String {
    match v {
        Some(v) if v >= 1000.0 => format!("{:.1} s", v / 1000.0),
        Some(v) => format!("{v:.0} ms"),
        None => "-".into(),
    }
}

/// A human summary of every backend, in `lang`.
pub fn status_summary(rows: &[BackendStatus], lang: Lang) -> String {
    let mut out = String::new();
    for s in rows {
        let (role, state, level) = match lang {
            Lang::En => (
                s.role.as_str(),
                match s.state {
                    State::Up => "up",
                    State::Down => "down",
                    State::Starting => "starting",
                },
                s.level.label(),
            ),
            Lang::Ko => (s.role.label_ko(), s.state.label_ko(), s.level.label_ko()),
        };
        let native = s
            .native
            .as_ref()
            .and_then(|n| Some((n.running?, n.waiting?, n.slots)))
            .map(|(r, w, slots)| match (lang, slots) {
                (Lang::En, Some(k)) => format!("; {r} running, {w} waiting, {k} slots"),
                (Lang::En, None) => format!("; {r} running, {w} waiting"),
                (Lang::Ko, Some(k)) => format!("; 처리 중 {r}, 대기 {w}, 슬롯 {k}"),
                (Lang::Ko, None) => format!("; 처리 중 {r}, 대기 {w}"),
            })
            .unwrap_or_default();
        let line = match lang {
            Lang::En => format!(
                "- {} ({role}): {state}, {level} — probe {}, baseline {}, ping {}, queue {}{native}",
                s.name,
                ms(s.probe_ms),
                ms(Some(s.baseline_ms)),
                ms(s.ping_ms),
                s.queue.active
            ),
            Lang::Ko => format!(
                "- {} ({role}): {state}, {level} — 프로브 {}, 기준 {}, 핑 {}, 대기열 {}{native}",
                s.name,
                ms(s.probe_ms),
                ms(Some(s.baseline_ms)),
                ms(s.ping_ms),
                s.queue.active
            ),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.trim_end().to_string()
}
