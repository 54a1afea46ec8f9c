//! Live reload: a new configuration applied to the running registry. Unchanged backends keep
//! their monitor and everything it learnt; added ones start, removed ones stop (and their
//! managed servers), changed ones start again from a fresh state.

use std::sync::Arc;

use super::backend::Backend;
use super::{new_backend, Registry, Task};
use crate::config::Config;
use crate::servers::launch;

/// What a reload changed, by backend name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reloaded {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Changed backends: their monitors started again, with a fresh baseline.
    pub restarted: Vec<String>,
    /// Managed servers stopped and started (by the first backend's name that uses them).
    pub servers_stopped: usize,
    pub servers_started: usize,
}

impl Reloaded {
    pub fn is_empty(&self) -> bool {
        *self == Reloaded::default()
    }

    /// As announced: applied at `at`, with the settings that wait for a restart.
    pub fn announced(self, on_restart: Vec<String>, at: chrono::DateTime<chrono::Utc>) -> crate::model::ConfigChange {
        crate::model::ConfigChange {
            error: None,
            added: self.added,
            removed: self.removed,
            restarted: self.restarted,
            on_restart,
            at,
        }
    }
}

impl Registry {
    /// Applies a new configuration without a restart: monitors of added backends start,
    /// those of removed ones stop (and their managed servers), changed ones start again with
    /// a fresh state; unchanged backends keep theirs (baseline, history, flips). A change of
    /// the health or load settings changes every backend. Replies under way keep the
    /// backend they hold until they end.
    pub async fn reload(&self, config: Config) -> Reloaded {
        let _one_at_a_time = self.inner.changing.lock().await;
        if self.inner.cancel.is_cancelled() {
            return Reloaded::default();
        }
        let config = Arc::new(config);
        let old_config = self.config();
        let all_changed = old_config.health != config.health || old_config.load != config.load;
        let mut out = Reloaded::default();
        let (old_monitors, old_servers) = {
            let mut live = self.live();
            (std::mem::take(&mut live.monitors), std::mem::take(&mut live.servers))
        };
        let mut kept: Vec<Task<Arc<Backend>>> = Vec::new();
        let mut members = Vec::new();
        let mut fresh = Vec::new();
        let mut stopping = Vec::new();
        let mut old_monitors: Vec<Option<Task<Arc<Backend>>>> = old_monitors.into_iter().map(Some).collect();
        for bc in &config.backends {
            let same_name = old_monitors.iter().position(|t| t.as_ref().is_some_and(|t| t.key.cfg.name == bc.name));
            let unchanged =
                same_name.filter(|&i| !all_changed && old_monitors[i].as_ref().is_some_and(|t| *t.key.cfg == *bc));
            if let Some(task) = unchanged.and_then(|i| old_monitors[i].take()) {
                members.push(Arc::clone(&task.key));
                kept.push(task);
                continue;
            }
            let (b, rx) = new_backend(&self.inner.http, bc, &config, self.inner.clock);
            if let Some(old) = same_name.and_then(|i| old_monitors[i].take()) {
                out.restarted.push(bc.name.clone());
                b.inherit_server(&old.key);
                stopping.push(old);
            } else {
                out.added.push(bc.name.clone());
            }
            members.push(Arc::clone(&b));
            fresh.push((b, rx));
        }
        for old in old_monitors.into_iter().flatten() {
            out.removed.push(old.key.cfg.name.clone());
            stopping.push(old);
        }
        for t in stopping {
            t.stop().await;
        }
        let wanted: Vec<Vec<String>> = launch::managed(&config.backends).into_iter().map(|m| m.argv).collect();
        let (mut servers, gone): (Vec<_>, Vec<_>) = old_servers.into_iter().partition(|t| wanted.contains(&t.key));
        out.servers_stopped = gone.len();
        for t in gone {
            t.stop().await;
        }
        self.inner.publisher.replace(members);
        let running: Vec<Vec<String>> = servers.iter().map(|t| t.key.clone()).collect();
        let started = self.start_servers(&config, &running);
        out.servers_started = started.len();
        servers.extend(started);
        kept.extend(fresh.into_iter().map(|(b, rx)| self.spawn_monitor(b, rx)));
        // Configuration order, as the snapshot.
        kept.sort_by_key(|t| config.backends.iter().position(|bc| bc.name == t.key.cfg.name));
        let mut live = self.live();
        live.config = config;
        live.monitors = kept;
        live.servers = servers;
        if live.servers.is_empty() {
            live.owner = None;
        }
        out
    }
}
