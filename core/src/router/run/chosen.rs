//! Choose, then write (see [`choose`]): the action taken from the nearest example utterances
//! when they are sure ([`nearest`]), else chosen alone from the classifier's token
//! probabilities; then written by a call of its own.

use super::{Outcome, Run};
use crate::client::{ChatRequest, ChatResponse, ClientError, Message, Penalties};
use crate::config::Decide;
use crate::i18n;
use crate::model::{Action, ChatRole, MessageState, NoticeKind, Role, State};
use crate::registry::BackendHandle;
use crate::router::choose::{self, Gates, Scores};
use crate::router::decision::{self, Decision};
use crate::router::embed;
use crate::router::nearest::{self, Verdict};
use crate::router::prompt::{self, Turn};
use crate::router::{rules, tools_request};

/// Longest direct answer the classifier writes (a small model's long answers wander).
const DIRECT_MAX_TOKENS: u32 = 512;
/// Longest question back.
const CLARIFY_MAX_TOKENS: u32 = 80;

pub(super) enum Chosen {
    Action(Action),
    /// The server gave no usable probabilities: ask for the JSON decision instead.
    NoScores,
    Stopped,
    /// Could not be asked (down, refused).
    Unavailable(ClientError),
}

/// How a guarded answer ended.
enum Written {
    Done(Option<u64>),
    /// It looped or was a placeholder.
    Degenerate,
    Stopped,
    FailedEarly(ClientError),
    FailedLate(ClientError),
}

impl Run<'_> {
    /// Whether to choose first with `c`: configured so, no draft waiting for a yes (the JSON
    /// contract reads those), and `c` has not shown it gives no probabilities.
    pub(super) fn choosing(&self, c: &BackendHandle) -> bool {
        self.set.decide == Decide::Choose
            && !self.inner.no_scores.lock().unwrap_or_else(|p| p.into_inner()).contains(&c.name)
            && self.inner.store.pending_draft(self.conversation).ok().flatten().is_none()
    }

    /// One whole (non-streamed) answer from `c`, through its in-flight guard; `Ok(None)`
    /// when stopped.
    async fn ask(&mut self, c: &BackendHandle, req: &ChatRequest) -> Result<Option<ChatResponse>, ClientError> {
        let cancel = self.cancel.clone();
        let mut guard = tokio::select! {
            _ = cancel.cancelled() => return Ok(None),
            g = c.queue.acquire() => g,
        };
        let answer = tokio::select! {
            _ = cancel.cancelled() => return Ok(None),
            a = c.client.chat(req) => a,
        };
        match answer {
            Ok(a) => {
                guard.token();
                guard.finish(a.usage.map(|u| u.completion_tokens));
                Ok(Some(a))
            }
            Err(e) => {
                guard.fail(&e);
                Err(e)
            }
        }
    }

    /// The action of the example utterances this message is most like, when they are sure
    /// (and no draft waits for a yes); and the message's embedding similarity to each
    /// example, when a backend gave one (for the operation of a later tool call).
    pub(super) async fn near_examples(&self) -> (Option<Verdict>, Option<Vec<f64>>) {
        if !self.set.nearest || self.inner.store.pending_draft(self.conversation).ok().flatten().is_some() {
            return (None, None);
        }
        let embedded = self.embedded().await;
        let (v, sure) = match &embedded {
            Some(e) => (
                nearest::nearest_embedded(&self.text, e),
                (nearest::MIN_SIMILARITY_EMBEDDED, nearest::MIN_AGREEMENT_EMBEDDED),
            ),
            None => (nearest::nearest(&self.text), (nearest::MIN_SIMILARITY, nearest::MIN_AGREEMENT)),
        };
        tracing::debug!("nearest examples{}: {v:?}", if embedded.is_some() { " (with embeddings)" } else { "" });
        (v.filter(|v| v.sure(sure.0, sure.1)), embedded)
    }

    /// The message's embedding similarity to each example, from the first backend with
    /// `embeddings = true` that is up and whose examples' vectors are ready (a warm-up is
    /// started for one that has none yet).
    async fn embedded(&self) -> Option<Vec<f64>> {
        let all = [Role::Classifier, Role::Reasoner].into_iter().flat_map(|r| self.candidates(r));
        let up = all.filter(|(h, s)| h.client.config().embeddings && s.state == State::Up).map(|(h, _)| h);
        for h in up {
            let inner = self.inner;
            let Some(examples) = inner.embeddings.ready_or_warm(&h.client, &inner.tasks, &inner.runtime, &inner.cancel)
            else {
                continue;
            };
            let found = tokio::select! {
                _ = self.cancel.cancelled() => return None,
                s = embed::similarities(&h.client, &examples, &self.text) => s,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// Asks `c` for the action alone (one token, its alternatives scored); `gates`: what may
    /// be chosen ([`rules::gates`]).
    pub(super) async fn choose(&mut self, c: &BackendHandle, history: &[Turn], gates: Gates) -> Chosen {
        let req = choose::request(self.lang, history, &self.text);
        let answer = match self.ask(c, &req).await {
            Ok(Some(a)) => a,
            Ok(None) => return Chosen::Stopped,
            Err(e) => return Chosen::Unavailable(e),
        };
        match Scores::from_logprobs(&answer.first_token_logprobs) {
            Some(scores) => {
                let scores = scores.gated(gates);
                let action = scores.pick_for(&self.text, self.set.direct_confidence);
                tracing::debug!("classifier {} chose {} ({scores})", c.name, action.as_str());
                Chosen::Action(action)
            }
            None => {
                tracing::info!("classifier {} gives no token probabilities: it decides in JSON from now on", c.name);
                self.inner.no_scores.lock().unwrap_or_else(|p| p.into_inner()).insert(c.name.clone());
                Chosen::NoScores
            }
        }
    }

    /// Writes the chosen action (for a tool, the operation `op` when it is known).
    pub(super) async fn write_chosen(&mut self, action: Action, c: &BackendHandle, history: &[Turn], op: Option<&str>) {
        let prompt = self.text.clone();
        match action {
            Action::Route => self.reason(&prompt, Some(c)).await,
            Action::Status => {
                self.decided(Action::Status, c);
                self.dispatch(Decision::Status, None, None, Some(c)).await
            }
            // Sending mail needs no parameters: it is refused.
            Action::Tools if op == Some("email.send") => {
                self.decided(Action::Tools, c);
                let call =
                    Decision::Tools { tool: "email".into(), operation: "send".into(), params: Default::default() };
                self.dispatch(call, None, None, Some(c)).await
            }
            Action::Tools => self.write_tool_call(c, history, op).await,
            Action::Direct => {
                self.decided(Action::Direct, c);
                let system = prompt::classifier_plain_system(&self.set.persona, self.lang);
                let req = self.plain_request(system, history, DIRECT_MAX_TOKENS.min(c.client.config().max_tokens));
                match self.write_guarded(c, &req).await {
                    Written::Done(tokens) => self.finish(MessageState::Done, None, tokens),
                    Written::Degenerate => {
                        // The quick answer went in circles or was a placeholder: the reasoner
                        // answers instead (what was shown of it stays, above).
                        self.notice(NoticeKind::Degenerate, None);
                        self.reason(&prompt, Some(c)).await
                    }
                    Written::FailedEarly(e) => {
                        // Down since it chose: the reasoner answers.
                        tracing::warn!("classifier {} failed: {e}", c.name);
                        self.notice(NoticeKind::ClassifierDown, None);
                        self.reason(&prompt, None).await
                    }
                    written => self.end_written(written),
                }
            }
            Action::Clarify => {
                self.decided(Action::Clarify, c);
                let system = prompt::clarify_system(&self.set.persona, self.lang);
                let req = self.plain_request(system, history, CLARIFY_MAX_TOKENS);
                match self.write_guarded(c, &req).await {
                    Written::Done(tokens) if !self.w.text.trim().is_empty() => {
                        self.finish(MessageState::Done, None, tokens)
                    }
                    Written::Done(_) | Written::Degenerate | Written::FailedEarly(_)
                        if self.w.text.trim().is_empty() =>
                    {
                        self.show(&i18n::clarify(self.lang));
                        self.finish(MessageState::Done, None, None)
                    }
                    Written::Degenerate => self.finish(MessageState::Done, None, None),
                    written => self.end_written(written),
                }
            }
        }
    }

    /// The tool call's parameters, written under a schema of tool calls alone; dates and
    /// times from the user's words (see [`rules::correct_draft`]).
    async fn write_tool_call(&mut self, c: &BackendHandle, history: &[Turn], op: Option<&str>) {
        let now = self.inner.clock.now_local();
        let structured = self.structured(c);
        let req = tools_request(
            &self.set.persona,
            self.lang,
            &now,
            history,
            &self.text,
            structured,
            c.client.config().max_tokens,
            op,
        );
        let answer = match self.ask(c, &req).await {
            Ok(Some(a)) => a,
            Ok(None) => return self.finish(MessageState::Stopped, None, None),
            Err(e) => {
                tracing::warn!("classifier {} failed writing a tool call: {e}", c.name);
                self.notice(NoticeKind::ClassifierDown, None);
                let prompt = self.text.clone();
                return self.reason(&prompt, None).await;
            }
        };
        let tokens = answer.usage.map(|u| u.completion_tokens);
        match rules::correct_draft(decision::parse(&answer.text, &self.text), &self.text, now.date_naive()) {
            call @ Decision::Tools { .. } => {
                self.decided(Action::Tools, c);
                self.dispatch(call, None, tokens, Some(c)).await
            }
            // Not a tool call after all: asked what is meant.
            _ => {
                self.decided(Action::Clarify, c);
                self.show(&i18n::clarify(self.lang));
                self.finish(MessageState::Done, None, tokens)
            }
        }
    }

    /// `system`, the recent turns and the message, for a plain answer from a small model.
    fn plain_request(&self, system: String, history: &[Turn], max_tokens: u32) -> ChatRequest {
        let mut messages = vec![Message::new("system", system)];
        for t in history {
            let role = if t.user { ChatRole::User } else { ChatRole::Assistant };
            messages.push(Message::new(role.as_str(), t.text.clone()));
        }
        messages.push(Message::new("user", self.text.clone()));
        ChatRequest {
            messages,
            max_tokens: Some(max_tokens),
            penalties: Some(Penalties::SMALL_MODEL),
            ..ChatRequest::default()
        }
    }

    /// Streams `req` from `c`, shown through the loop and placeholder guard.
    async fn write_guarded(&mut self, c: &BackendHandle, req: &ChatRequest) -> Written {
        match self.stream_guarded(c, req).await {
            Outcome::Done { .. } if self.w.text.trim().is_empty() => Written::Degenerate,
            Outcome::Done { tokens } => Written::Done(tokens),
            Outcome::Halted => Written::Degenerate,
            Outcome::Stopped => Written::Stopped,
            Outcome::FailedEarly(e) => Written::FailedEarly(e),
            Outcome::FailedLate(e) => Written::FailedLate(e),
        }
    }

    fn end_written(&mut self, written: Written) {
        match written {
            Written::Done(tokens) => self.finish(MessageState::Done, None, tokens),
            Written::Degenerate => self.finish(MessageState::Done, None, None),
            Written::Stopped => self.finish(MessageState::Stopped, None, None),
            Written::FailedLate(e) => self.failed_late(&e),
            Written::FailedEarly(_) => {
                let e = i18n::all_down(self.lang);
                self.finish(MessageState::Failed, Some(e), None)
            }
        }
    }
}
