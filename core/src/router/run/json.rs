//! The classifier's decision as one streamed JSON object (the original's contract, and the
//! way for servers that give no token probabilities, or while a draft waits for a yes): the
//! action is read as soon as it streams, a direct answer shown from its first words.

use super::{Guarded, Outcome, Run};
use crate::client::ClientError;
use crate::registry::BackendHandle;
use crate::router::classifier_request;
use crate::router::decision::Decision;
use crate::router::guard;
use crate::router::stream_parse::{Emit, StreamParser};

impl Run<'_> {
    pub(super) async fn classify(&mut self, c: &BackendHandle) -> ClassifyResult {
        let pending = self.inner.store.pending_draft(self.conversation).ok().flatten();
        let history = self.history();
        let cfg = c.client.config();
        let structured = self.structured(c);
        let req = classifier_request(
            &self.set.persona,
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
        let mut guarded = Guarded::default();
        let outcome = {
            let c2 = c.clone();
            let mut on_text = |run: &mut Self, t: &str| {
                for e in parser.push(t) {
                    match e {
                        Emit::Action(a) => {
                            run.decided(a, &c2);
                            announced = true;
                        }
                        Emit::Text(s) => guarded.push(run, &s),
                    }
                }
            };
            self.stream(c, &req, &mut on_text).await
        };
        if matches!(outcome, Outcome::Halted) || guarded.end(self) {
            return ClassifyResult::Degenerate;
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
}

pub(super) enum ClassifyResult {
    Decided(Decision, Option<String>, Option<u64>),
    Stopped,
    /// A direct answer that looped or was a placeholder.
    Degenerate,
    /// Could not be asked (down, refused, failed before any text).
    Unavailable(ClientError),
    /// Failed after showing part of an answer.
    FailedLate(ClientError),
}
