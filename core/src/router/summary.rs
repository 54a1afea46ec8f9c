//! The answer to "how are the servers doing?": every backend in a line, in the user's language.

use crate::i18n;
use crate::model::{BackendStatus, Lang};

fn ms(v: Option<f64>) -> String {
    match v {
        Some(v) if v >= 1000.0 => format!("{:.1} s", v / 1000.0),
        Some(v) => format!("{v:.0} ms"),
        None => "-".into(),
    }
}

/// A human summary of every backend, in `lang`.
pub fn status_summary(rows: &[BackendStatus], lang: Lang) -> String {
    let mut out = String::new();
    for s in rows {
        let (role, state, level) = (i18n::role(s.role, lang), i18n::state(s.state, lang), i18n::level(s.level, lang));
        let native = s
            .native
            .as_ref()
            .and_then(|n| Some((n.running?, n.waiting?, n.slots)))
            .map(|(r, w, slots)| match (lang, slots) {
                (Lang::En, Some(k)) => format!("; {r} running, {w} waiting, {k} slots"),
                (Lang::En, None) => format!("; {r} running, {w} waiting"),
                (Lang::Ko, Some(k)) => format!("; 처리 중 {r}, 대기 {w}, 슬롯 {k}"),
                (Lang::Ko, None) => format!("; 처리 중 {r}, 대기 {w}"),
            })
            .unwrap_or_default();
        let line = match lang {
            Lang::En => format!(
                "- {} ({role}): {state}, {level} — probe {}, baseline {}, ping {}, queue {}{native}",
                s.name,
                ms(s.probe_ms),
                ms(Some(s.baseline_ms)),
                ms(s.ping_ms),
                s.queue.active
            ),
            Lang::Ko => format!(
                "- {} ({role}): {state}, {level} — 프로브 {}, 기준 {}, 핑 {}, 대기열 {}{native}",
                s.name,
                ms(s.probe_ms),
                ms(Some(s.baseline_ms)),
                ms(s.ping_ms),
                s.queue.active
            ),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.trim_end().to_string()
}
