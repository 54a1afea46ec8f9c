//! A tool call run: checked, then answered with a sentence and a card. A draft is kept per
//! conversation and written only on the user's own plain yes ([`Run::settle`]); the model's
//! `create_confirmed` never writes.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::Run;
use crate::model::{ChatEvent, DraftState, MessageState, ToolCard};
use crate::router::cards::{self, PendingDraft};
use crate::router::tools;
use crate::tools::docs::Named;
use crate::tools::mail::Mailboxes;

/// How far back a mail asked for by its words ("the mail from Jane") is looked for.
const NAMED_MAIL_DAYS: u32 = 30;

fn param<'p>(params: &'p Map<String, Value>, k: &str) -> Option<&'p str> {
    params.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

fn date(params: &Map<String, Value>, k: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(param(params, k)?, "%Y-%m-%d").ok()
}

impl Run<'_> {
    /// The draft this conversation waits on, if any (a damaged one reads as none).
    pub(super) fn pending(&self) -> Option<PendingDraft> {
        let json = self.inner.store.pending_draft(self.conversation).ok().flatten()?;
        serde_json::from_str(&json).ok()
    }

    /// Shows `card` under the reply and keeps it with the reply.
    fn card(&mut self, card: ToolCard) {
        if let Err(e) = self.inner.store.set_card(self.w.id, &card) {
            tracing::warn!("{e}");
        }
        self.send(ChatEvent::Card { card });
    }

    fn say(&mut self, text: &str) {
        self.show(text);
        self.finish(MessageState::Done, None, None);
    }

    /// The user's own yes or no to the pending draft: written, or dropped. A failed write
    /// keeps the draft (a later yes tries again).
    pub(super) async fn settle(&mut self, pending: PendingDraft, yes: bool) {
        let store = &self.inner.store;
        let (state, text) = if yes {
            let cancel = self.cancel.clone();
            let written = tokio::select! {
                _ = cancel.cancelled() => return self.finish(MessageState::Stopped, None, None),
                r = self.set.tools.calendars.create(&pending.draft) => r,
            };
            match written {
                Ok(uid) => {
                    tracing::info!("event {uid} written to calendar {}", pending.draft.calendar);
                    if let Err(e) = store.set_pending_draft(self.conversation, None) {
                        tracing::warn!("{e}");
                    }
                    (DraftState::Written, cards::written(&pending.draft, self.lang))
                }
                Err(e) => (DraftState::Failed { message: e.to_string() }, cards::write_failed(&e, self.lang)),
            }
        } else {
            if let Err(e) = store.set_pending_draft(self.conversation, None) {
                tracing::warn!("{e}");
            }
            (DraftState::Declined, cards::declined(self.lang))
        };
        let card = ToolCard::Draft { draft: pending.draft, state };
        // The draft's own card shows where it stands too.
        if let Err(e) = store.set_card(pending.message, &card) {
            tracing::warn!("{e}");
        }
        self.show(&text);
        self.card(card);
        self.finish(MessageState::Done, None, None);
    }

    pub(super) async fn run_tool(&mut self, tool: &str, operation: &str, params: &Map<String, Value>) {
        let pending = self.pending().is_some();
        let checked = tools::validate(tool, operation, params, pending);
        if checked.is_err() {
            let text = tools::answer(tool, operation, &checked, self.lang);
            return self.say(&text);
        }
        match tool {
            "email" => return self.run_mail(operation, params).await,
            "document" => return self.run_docs(operation, params).await,
            _ => {}
        }
        let cal = &self.set.tools.calendars;
        if cal.is_empty() {
            return self.say(&cards::no_calendar(self.lang));
        }
        let today = self.inner.clock.now().with_timezone(&cal.tz()).date_naive();
        match operation {
            "today" | "search" => {
                let (from, to) = match operation {
                    "today" => (today, today),
                    _ => (date(params, "date_from").unwrap_or(today), date(params, "date_to").unwrap_or(today)),
                };
                let cancel = self.cancel.clone();
                let found = tokio::select! {
                    _ = cancel.cancelled() => return self.finish(MessageState::Stopped, None, None),
                    f = cal.events(from, to) => f,
                };
                let (from, to) = (from.min(to), to.max(from));
                let text = cards::events_sentence(&found, from, to, today, self.lang);
                self.show(&text);
                self.card(ToolCard::Events { from, to, events: found.events, unavailable: found.unavailable });
                self.finish(MessageState::Done, None, None);
            }
            "create_draft" => {
                let Some(target) = cal.target().map(str::to_string) else {
                    return self.say(&cards::no_writable_calendar(self.lang));
                };
                let Some(draft) = cards::draft_from(params, &target) else {
                    // validate() checked the date and time; refused all the same.
                    let missing = Err(tools::ToolRefusal::MissingParam("date".into()));
                    return self.say(&tools::answer(tool, operation, &missing, self.lang));
                };
                let keep = PendingDraft { message: self.w.id, draft: draft.clone() };
                match serde_json::to_string(&keep)
                    .map(|j| self.inner.store.set_pending_draft(self.conversation, Some(&j)))
                {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => tracing::warn!("{e}"),
                    Err(e) => tracing::warn!("{e}"),
                }
                self.show(&cards::draft_sentence(&draft, self.lang));
                self.card(ToolCard::Draft { draft, state: DraftState::Pending });
                self.finish(MessageState::Done, None, None);
            }
            // The model's confirmation is never a write: only the user's own yes is (settle).
            "create_confirmed" => self.say(&cards::confirm_how(pending, self.lang)),
            _ => {
                let text = tools::answer(tool, operation, &checked, self.lang);
                self.say(&text);
            }
        }
    }

    /// `document.search` / `document.read`, from the index (on a blocking thread: SQLite). A
    /// read by name ("summarise backup-plan.docx") reads the document the name means, or lists
    /// those it could mean.
    async fn run_docs(&mut self, operation: &str, params: &Map<String, Value>) {
        let docs = std::sync::Arc::clone(&self.set.tools.docs);
        if docs.is_empty() {
            return self.say(&cards::no_documents(self.lang));
        }
        let key = if operation == "search" { "query" } else { "doc_id" };
        let arg = cards::param_text(params, key);
        let search = operation == "search";
        let arg2 = arg.clone();
        // An id as the model may write it ("31", "doc 31", "[doc 31]"), else a name.
        let id = arg.trim().trim_start_matches('[').trim_end_matches(']').trim();
        let id = id.strip_prefix("doc").map_or(id, str::trim).trim_start_matches('#');
        let arg = if id.parse::<i64>().is_ok() { id.to_string() } else { arg };
        let by_name = !search && arg.trim().parse::<i64>().is_err();
        let work = tokio::task::spawn_blocking(move || {
            if search {
                docs.search(&arg2).map(|d| ToolCard::Documents { query: arg2.clone(), docs: d })
            } else if by_name {
                docs.named(&arg2).map(|found| match found {
                    Named::One(doc) => ToolCard::Document { doc },
                    Named::Candidates(d) => ToolCard::Documents { query: arg2.clone(), docs: d },
                })
            } else {
                docs.read(&arg2).map(|doc| ToolCard::Document { doc })
            }
        });
        match work.await {
            Ok(Ok(card)) => {
                let text = match &card {
                    ToolCard::Documents { docs, .. } if by_name => cards::which_doc(docs, &arg, self.lang),
                    ToolCard::Documents { docs, .. } => cards::docs_sentence(docs, &arg, self.lang),
                    ToolCard::Document { doc } => cards::doc_sentence(doc, self.lang),
                    _ => String::new(),
                };
                self.show(&text);
                self.card(card);
                self.finish(MessageState::Done, None, None);
            }
            Ok(Err(e)) => self.say(&cards::tool_failed(&e, self.lang)),
            Err(e) => self.say(&cards::tool_failed(&crate::tools::ToolError::Io(e.to_string()), self.lang)),
        }
    }

    /// `email.search` / `email.read`: read only (sending was refused by the checks).
    async fn run_mail(&mut self, operation: &str, params: &Map<String, Value>) {
        let mail = &self.set.tools.mail;
        if mail.is_empty() {
            return self.say(&cards::no_mail(self.lang));
        }
        let cancel = self.cancel.clone();
        match operation {
            "search" => {
                let query = param(params, "query").unwrap_or_default().to_string();
                let days = params
                    .get("days")
                    .and_then(|d| d.as_u64().or_else(|| d.as_str().and_then(|s| s.trim().parse().ok())))
                    .map_or(7, |d| d.clamp(1, u64::from(crate::tools::mail::MAX_DAYS)) as u32);
                let found = tokio::select! {
                    _ = cancel.cancelled() => return self.finish(MessageState::Stopped, None, None),
                    f = mail.search(&query, days) => f,
                };
                self.show(&cards::mails_sentence(&found, &query, days, self.lang));
                self.card(ToolCard::Mails { query, days, mails: found.mails, unavailable: found.unavailable });
                self.finish(MessageState::Done, None, None);
            }
            _ => {
                let id = cards::param_text(params, "uid");
                // "the latest mail from Jane": the newest of the last 30 days that the words name.
                let read = tokio::select! {
                    _ = cancel.cancelled() => return self.finish(MessageState::Stopped, None, None),
                    r = async {
                        if Mailboxes::is_id(&id) {
                            mail.read(&id).await.map(Some)
                        } else {
                            mail.named(&id, NAMED_MAIL_DAYS).await
                        }
                    } => r,
                };
                match read {
                    Ok(None) => self.say(&cards::no_mail_named(&id, NAMED_MAIL_DAYS, self.lang)),
                    Ok(Some(view)) => {
                        self.show(&cards::mail_sentence(&view, self.lang));
                        self.card(ToolCard::Mail { mail: view });
                        self.finish(MessageState::Done, None, None);
                    }
                    Err(e) => self.say(&cards::tool_failed(&e, self.lang)),
                }
            }
        }
    }
}
