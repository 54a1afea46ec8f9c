//! Every backend's status as the CLI prints it: a plain-text table.

use crate::model::{BackendStatus, ServerState, State};

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
        if let Some(server) = r.server.as_ref().and_then(|s| crate::i18n::server_state(s, crate::model::Lang::En)) {
            let exit = match &r.server {
                Some(ServerState::Restarting { exit, .. } | ServerState::Failed { exit, .. }) => {
                    format!(" (last: {exit})")
                }
                _ => String::new(),
            };
            out.push_str(&format!("{}: {server}{exit}\n", r.name));
        }
        if r.monitor_restarts > 0 {
            out.push_str(&format!(
                "{}: its monitor was started again {} times after a fault\n",
                r.name, r.monitor_restarts
            ));
        }
        if let Some(e) = &r.last_error {
            if r.state != State::Up {
                out.push_str(&format!("{}: {e}\n", r.name));
            }
        }
    }
    out
}
