//! The status report of one backend (the original's `system_status`, extended), and its
//! table form for the CLI.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::client::native::NativeLoad;
use crate::config::{Kind, Role};
use crate::events::Flip;
use crate::hysteresis::State;
use crate::load::{Level, Source};
use crate::queue::QueueStatus;

/// Everything known about one backend, as of `updated`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackendStatus {
    pub name: String,
    pub role: Role,
    /// Base URL with credentials removed.
    pub url: String,
    pub model: String,
    /// The server kind, detected when configured as `auto` (`auto` until detected).
    pub kind: Kind,
    pub state: State,
    pub state_since: DateTime<Utc>,
    pub level: Level,
    pub level_source: Source,
    /// Estimated wait of a new request before it starts, ms.
    pub est_wait_ms: Option<f64>,
    /// Last health probe latency, ms.
    pub probe_ms: Option<f64>,
    pub baseline_ms: f64,
    pub baseline_samples: u32,
    /// Last successful 1-token ping, ms, and when.
    pub ping_ms: Option<f64>,
    pub ping_at: Option<DateTime<Utc>>,
    pub ping_error: Option<String>,
    /// 1-token pings sent since launch.
    pub pings_sent: u64,
    /// The server's own figures, when it publishes them.
    pub native: Option<NativeLoad>,
    pub queue: QueueStatus,
    /// Health checks done since launch.
    pub checks: u64,
    pub last_error: Option<String>,
    /// Most recent flips, newest last.
    pub flips: Vec<Flip>,
    pub updated: DateTime<Utc>,
}

impl BackendStatus {
    /// The status of a backend nobody has checked yet: starting, no figures. Also a base for
    /// building statuses in tests of what consumes them.
    pub fn unchecked(name: &str, role: Role) -> BackendStatus {
        let now = Utc::now();
        BackendStatus {
            name: name.to_string(),
            role,
            url: String::new(),
            model: String::new(),
            kind: Kind::Auto,
            state: State::Starting,
            state_since: now,
            level: Level::Starting,
            level_source: Source::Health,
            est_wait_ms: None,
            probe_ms: None,
            baseline_ms: 0.0,
            baseline_samples: 0,
            ping_ms: None,
            ping_at: None,
            ping_error: None,
            pings_sent: 0,
            native: None,
            queue: QueueStatus::default(),
            checks: 0,
            last_error: None,
            flips: Vec::new(),
            updated: now,
        }
    }
}

fn ms(v: Option<f64>) -> String {
    match v {
        Some(v) if v >= 10_000.0 => format!("{:.0} s", v / 1000.0),
        Some(v) if v >= 1000.0 => format!("{:.1} s", v / 1000.0),
        Some(v) => format!("{v:.1} ms"),
        None => "-".into(),
    }
}

/// A plain-text table, one line per backend.
pub fn table(rows: &[BackendStatus]) -> String {
    let header =
        ["NAME", "ROLE", "KIND", "STATE", "LEVEL", "WAIT", "PROBE", "BASELINE", "PING", "RUN/WAIT/SLOTS", "QUEUE"];
    let mut lines: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    for r in rows {
        let native = r
            .native
            .as_ref()
            .filter(|n| n.running.is_some())
            .map(|n| {
                let f = |v: Option<u32>| v.map_or("-".into(), |v| v.to_string());
                format!("{}/{}/{}", f(n.running), f(n.waiting), f(n.slots))
            })
            .unwrap_or_else(|| "-".into());
        let queue = match r.queue.limit {
            Some(l) => format!("{}/{l}", r.queue.active),
            None => r.queue.active.to_string(),
        };
        lines.push(vec![
            r.name.clone(),
            r.role.to_string(),
            r.kind.to_string(),
            r.state.label().to_string(),
            r.level.label().to_string(),
            ms(r.est_wait_ms),
            ms(r.probe_ms),
            ms(Some(r.baseline_ms)),
            ms(r.ping_ms),
            native,
            queue,
        ]);
    }
    let widths: Vec<usize> =
        (0..header.len()).map(|c| lines.iter().map(|l| l[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for l in &lines {
        let cells: Vec<String> = l.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    for r in rows {
        if let Some(e) = &r.last_error {
            if r.state != State::Up {
                out.push_str(&format!("{}: {e}\n", r.name));
            }
        }
    }
    out
}
