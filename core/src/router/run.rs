//! One reply's work: classify (streaming the decision), then answer directly, route to a
//! reasoner, answer a status question or check a tool call; fall back when a backend is down.

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::decision::Decision;
use super::guard::{self, RepeatGuard};
use super::prompt::{self, Lang, Turn};
use super::rules;
use super::stream_parse::{Emit, StreamParser};
use super::writer::Writer;
use super::{classifier_request, status_summary, tools, Inner};
use crate::chat::ReplyMeta;
use crate::client::{ChatRequest, ClientError, Message, StreamEvent};
use crate::config::{Kind, Structured};
use crate::i18n;
use crate::model::{Action, ChatEvent, ChatRole, Level, MessageState, NoticeKind};
use crate::registry::BackendHandle;

/// The name shown as the decider of a message the rules decided (no model was asked).
pub(crate) const RULES: &str = "rules";

/// How one upstream streaming call ended.
enum Outcome {
    /// Finished; with tokens and time to first token.
    Done {
        tokens: Option<u64>,
    },
    Stopped,
    /// Ended by us: the answer degenerated (see [`RepeatGuard`]).
    Halted,
    /// Failed before any text was shown.
    FailedEarly(ClientError),
    /// Failed after some text was shown.
    FailedLate(ClientError),
}

/// One reply's work.
pub(super) struct Run<'a> {
    pub(super) inner: &'a Inner,
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
    /// Set by a stream's text handler to end that stream now.
    halt: bool,
}

impl<'a> Run<'a> {
    pub(super) fn new(
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
            halt: false,
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
        self.decided_by(action, backend.name.clone(), Some(backend.client.config().model.clone()));
    }

    /// `by`: the backend that decided, or [`RULES`].
    fn decided_by(&mut self, action: Action, by: String, model: Option<String>) {
        self.action = Some(action);
        self.backend = Some(by.clone());
        self.model = model;
        self.w.meta.action = Some(action);
        self.w.meta.backend = self.backend.clone();
        self.w.meta.model = self.model.clone();
        self.send(ChatEvent::Decision { action, backend: by });
    }

    fn notice(&mut self, kind: NoticeKind, wait_ms: Option<f64>) {
        let text = i18n::notice(kind, wait_ms, self.lang);
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
            .filter(|m| m.role == ChatRole::User || matches!(m.state, MessageState::Done | MessageState::Stopped))
            .map(|m| Turn { user: m.role == ChatRole::User, text: m.text })
            .collect();
        let keep = self.inner.history_turns * 2;
        if turns.len() > keep {
            turns.drain(..turns.len() - keep);
        }
        turns
    }

    pub(super) async fn go(&mut self) {
        let today = self.inner.clock.now_local().date_naive();
        if let Some(decision) = rules::decide(&self.text, today) {
            // Certain without a model: decided at once.
            self.decided_by(decision.action(), RULES.into(), None);
            return self.dispatch(decision, None, None, None).await;
        }
        let Some(classifier) = self.classifier() else {
            self.notice(NoticeKind::ClassifierDown, None);
            let prompt = self.text.clone();
            return self.reason(&prompt, None).await;
        };
        match self.classify(&classifier).await {
            ClassifyResult::Stopped => self.finish(MessageState::Stopped, None, None),
            ClassifyResult::Degenerate => {
                // The quick answer went in circles or was only a placeholder: the reasoner
                // answers instead (what was shown of it stays, above).
                self.notice(NoticeKind::Degenerate, None);
                let prompt = self.text.clone();
                self.reason(&prompt, Some(&classifier)).await
            }
            ClassifyResult::FailedLate(e) => self.finish(MessageState::Failed, Some(e.to_string()), None),
            ClassifyResult::Unavailable(e) => {
                tracing::warn!("classifier {} failed: {e}", classifier.name);
                self.notice(NoticeKind::ClassifierDown, None);
                let prompt = self.text.clone();
                self.reason(&prompt, None).await
            }
            ClassifyResult::Decided(decision, rest, tokens) => {
                let decision = rules::correct_draft(decision, &self.text, today);
                self.dispatch(decision, rest, tokens, Some(&classifier)).await
            }
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
            &self.inner.clock.now_local(),
            &history,
            pending.as_deref(),
            &self.text,
            structured,
            cfg.max_tokens,
        );
        let mut parser = StreamParser::new();
        let mut announced = false;
        // The start of a direct answer is held while it may still be a placeholder (`{name}`,
        // "..."; ordinary text is clear at its first letter); the answer is watched for loops.
        let mut held = String::new();
        let mut repeat = RepeatGuard::new();
        let outcome = {
            let c2 = c.clone();
            let mut on_text = |run: &mut Self, t: &str| {
                for e in parser.push(t) {
                    match e {
                        Emit::Action(a) => {
                            run.decided(a, &c2);
                            announced = true;
                        }
                        Emit::Text(s) => {
                            if repeat.push(&s) {
                                run.halt = true;
                            }
                            held.push_str(&s);
                            if run.w.text.is_empty() && guard::maybe_placeholder(&held) {
                                // held until it is clearly an answer
                            } else {
                                let shown = std::mem::take(&mut held);
                                run.show(&shown);
                            }
                        }
                    }
                }
            };
            self.stream(c, &req, &mut on_text).await
        };
        if matches!(outcome, Outcome::Halted) {
            return ClassifyResult::Degenerate;
        }
        if !held.is_empty() {
            if guard::placeholder(&held) {
                return ClassifyResult::Degenerate;
            }
            self.show(&held);
        }
        match outcome {
            Outcome::Halted => ClassifyResult::Degenerate,
            Outcome::Stopped => ClassifyResult::Stopped,
            Outcome::FailedEarly(e) => ClassifyResult::Unavailable(e),
            Outcome::FailedLate(e) if self.w.text.is_empty() => ClassifyResult::Unavailable(e),
            Outcome::FailedLate(e) => ClassifyResult::FailedLate(e),
            Outcome::Done { tokens } => {
                let (decision, rest) = parser.finish(&self.text);
                let whole = format!("{}{}", self.w.text, rest.as_deref().unwrap_or(""));
                if matches!(decision, Decision::Direct { .. }) && guard::placeholder(&whole) {
                    return ClassifyResult::Degenerate; // "{name}", "...", or nothing at all
                }
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
                    if std::mem::take(&mut self.halt) {
                        // Dropping the stream closes the connection: the server stops.
                        guard.finish(tokens);
                        return Outcome::Halted;
                    }
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
        classifier: Option<&BackendHandle>,
    ) {
        match decision {
            Decision::Direct { .. } | Decision::Clarify { .. } => {
                if let Some(r) = rest {
                    self.show(&r);
                }
                self.finish(MessageState::Done, None, tokens);
            }
            Decision::Route { prompt } => self.reason(&prompt, classifier).await,
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
                let e = i18n::all_down(self.lang);
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
            let role = if t.user { ChatRole::User } else { ChatRole::Assistant };
            messages.push(Message::new(role.as_str(), t.text));
        }
        messages.push(Message::new("user", prompt));
        let req = ChatRequest { messages, ..ChatRequest::default() };
        match self.stream(&reasoner, &req, &mut |run, t| run.show(t)).await {
            Outcome::Done { tokens } => self.finish(MessageState::Done, None, tokens),
            Outcome::Stopped => self.finish(MessageState::Stopped, None, None),
            Outcome::Halted => self.finish(MessageState::Done, None, None),
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
            Outcome::Halted => self.finish(MessageState::Done, None, None),
            Outcome::FailedEarly(_) => {
                let e = i18n::all_down(self.lang);
                self.finish(MessageState::Failed, Some(e), None)
            }
            Outcome::FailedLate(e) => self.finish(MessageState::Failed, Some(e.to_string()), None),
        }
    }
}

enum ClassifyResult {
    Decided(Decision, Option<String>, Option<u64>),
    Stopped,
    /// A direct answer that looped or was a placeholder.
    Degenerate,
    /// Could not be asked (down, refused, failed before any text).
    Unavailable(ClientError),
    /// Failed after showing part of an answer.
    FailedLate(ClientError),
}
