//! Where statuses and events go out: the snapshot (`watch`) and the events (`broadcast`).
//! It also holds the live list of backends, so that a status is published into the slot of
//! the backend it belongs to, and a monitor of a backend a reload removed publishes nowhere.

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use super::backend::Backend;
use crate::clock::Clock;
use crate::model::{BackendStatus, Event, LevelChange};

/// Where statuses and events go out.
#[derive(Debug)]
pub(crate) struct Publisher {
    /// The backends, in configuration order (replaced by a reload).
    members: Mutex<Vec<Arc<Backend>>>,
    /// Every backend's latest status, in configuration order.
    snapshot: watch::Sender<Vec<BackendStatus>>,
    /// Flips and level changes.
    events: broadcast::Sender<Event>,
    /// Dates of level changes.
    clock: Clock,
}

impl Publisher {
    pub(crate) fn new(members: Vec<Arc<Backend>>, events: broadcast::Sender<Event>, clock: Clock) -> Self {
        let now = Instant::now();
        let (snapshot, _) = watch::channel(members.iter().map(|b| b.status(now)).collect());
        Self { members: Mutex::new(members), snapshot, events, clock }
    }

    fn members(&self) -> MutexGuard<'_, Vec<Arc<Backend>>> {
        self.members.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The backends now, in configuration order.
    pub(crate) fn backends(&self) -> Vec<Arc<Backend>> {
        self.members().clone()
    }

    /// Replaces the list of backends (a reload) and publishes the new snapshot at once: a
    /// kept backend keeps its status, a new one starts unchecked.
    pub(crate) fn replace(&self, members: Vec<Arc<Backend>>) {
        let mut held = self.members();
        let now = Instant::now();
        let statuses = members.iter().map(|b| b.status(now)).collect();
        *held = members;
        self.snapshot.send_replace(statuses);
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

    /// Recomputes `b`'s status, stores it in its slot of the snapshot and announces a level
    /// change. A backend that is no longer a member (removed or replaced) publishes nothing.
    pub(crate) fn publish(&self, b: &Arc<Backend>) {
        // Held across the send, so that a reload cannot slip in between.
        let members = self.members();
        let Some(index) = members.iter().position(|m| Arc::ptr_eq(m, b)) else { return };
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
        drop(members);
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
