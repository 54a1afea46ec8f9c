//! Where statuses and events go out: the snapshot (`watch`) and the events (`broadcast`).

use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use super::backend::Backend;
use crate::clock::Clock;
use crate::model::{BackendStatus, Event, LevelChange};

/// Where statuses and events go out.
#[derive(Debug)]
pub(crate) struct Publisher {
    /// Every backend's latest status, in configuration order.
    snapshot: watch::Sender<Vec<BackendStatus>>,
    /// Flips and level changes.
    events: broadcast::Sender<Event>,
    /// Dates of level changes.
    clock: Clock,
}

impl Publisher {
    pub(crate) fn new(
        snapshot: watch::Sender<Vec<BackendStatus>>,
        events: broadcast::Sender<Event>,
        clock: Clock,
    ) -> Self {
        Self { snapshot, events, clock }
    }

    pub(crate) fn snapshot(&self) -> Vec<BackendStatus> {
        self.snapshot.borrow().clone()
    }

    pub(crate) fn watch(&self) -> watch::Receiver<Vec<BackendStatus>> {
        self.snapshot.subscribe()
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Recomputes backend `index`'s status, stores it in the snapshot and announces a level
    /// change.
    pub(crate) fn publish(&self, index: usize, b: &Backend) {
        let now = Instant::now();
        let status = b.status(now);
        let previous = b.published(&status, now);
        if let Some(from) = previous.filter(|p| *p != status.level) {
            self.emit(Event::Level(LevelChange {
                backend: status.name.clone(),
                role: status.role,
                from,
                to: status.level,
                est_wait_ms: status.est_wait_ms,
                source: status.level_source,
                at: self.clock.now(),
            }));
        }
        self.snapshot.send_modify(|all| {
            if let Some(slot) = all.get_mut(index) {
                *slot = status;
            }
        });
    }

    /// The date now, on the registry's clock.
    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub(crate) fn emit(&self, event: Event) {
        // No subscriber is fine: events are also in the snapshot's flips.
        let _no_subscribers = self.events.send(event);
    }
}
