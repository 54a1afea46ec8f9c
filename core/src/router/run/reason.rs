//! The reasoner's answer, and the classifier's plain answer when no reasoner can give one.

use super::{Outcome, Run};
use crate::client::{ChatRequest, Message};
use crate::i18n;
use crate::model::{Action, ChatRole, Level, MessageState, NoticeKind};
use crate::registry::BackendHandle;
use crate::router::prompt;

impl Run<'_> {
    /// Sends `prompt` to the best reasoner; without one, the classifier answers plainly.
    pub(super) async fn reason(&mut self, prompt: &str, classifier: Option<&BackendHandle>) {
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
        let mut messages = vec![Message::new("system", prompt::reasoner_system(&self.set.persona, self.lang))];
        for t in self.history() {
            let role = if t.user { ChatRole::User } else { ChatRole::Assistant };
            messages.push(Message::new(role.as_str(), t.text));
        }
        messages.push(Message::new("user", prompt));
        let req = ChatRequest { messages, ..ChatRequest::default() };
        // Watched like a direct answer: a reasoner that loops is cut (what it said before stays).
        match self.stream_guarded(&reasoner, &req).await {
            Outcome::Done { tokens } => self.finish(MessageState::Done, None, tokens),
            Outcome::Stopped => self.finish(MessageState::Stopped, None, None),
            Outcome::Halted => self.finish(MessageState::Done, None, None),
            Outcome::FailedLate(e) => self.failed_late(&e),
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
                Message::new("system", prompt::classifier_plain_system(&self.set.persona, self.lang)),
                Message::new("user", prompt),
            ],
            ..ChatRequest::default()
        };
        match self.stream_guarded(c, &req).await {
            Outcome::Done { tokens } => self.finish(MessageState::Done, None, tokens),
            Outcome::Stopped => self.finish(MessageState::Stopped, None, None),
            Outcome::Halted => self.finish(MessageState::Done, None, None),
            Outcome::FailedEarly(_) => {
                let e = i18n::all_down(self.lang);
                self.finish(MessageState::Failed, Some(e), None)
            }
            Outcome::FailedLate(e) => self.failed_late(&e),
        }
    }
}
