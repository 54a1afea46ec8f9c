//! Which backend answers: the classifier that is up (else starting) first in priority order;
//! the reasoner that is up, least loaded and least waited on, then first in priority order.

use super::run::Run;
use crate::model::{BackendStatus, Role, State};
use crate::registry::BackendHandle;

impl Run<'_> {
    /// The backends of `role` that are not down, with their status.
    pub(super) fn candidates(&self, role: Role) -> Vec<(BackendHandle, BackendStatus)> {
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
    pub(super) fn classifier(&self) -> Option<BackendHandle> {
        let mut c = self.candidates(Role::Classifier);
        c.sort_by_key(|(_, s)| s.state != State::Up);
        c.into_iter().next().map(|(h, _)| h)
    }

    /// The reasoner to use: the conversation's own backend when the user chose one (unless
    /// it is down); else up before starting, then the lowest level and wait, then priority.
    pub(super) fn reasoner(&self) -> Option<(BackendHandle, BackendStatus)> {
        if let Some(name) = &self.chosen {
            let status = self.inner.registry.snapshot().into_iter().find(|s| &s.name == name)?;
            let handle = self.inner.registry.backend(name).ok()?;
            return (status.state != State::Down).then_some((handle, status));
        }
        let mut c = self.candidates(Role::Reasoner);
        c.sort_by(|(_, a), (_, b)| {
            (a.state != State::Up)
                .cmp(&(b.state != State::Up))
                .then(a.level.severity().cmp(&b.level.severity()))
                .then(a.est_wait_ms.unwrap_or(0.0).total_cmp(&b.est_wait_ms.unwrap_or(0.0)))
        });
        c.into_iter().next()
    }
}
