//! The answer to "how are the servers doing?": first what it means for a new message (starts
//! at once, would wait about so long, cannot start), then every backend in a line, in the
//! user's language.

use crate::i18n;
use crate::model::{BackendStatus, Lang, State};

/// A wait under this is no wait: the message starts at once.
const AT_ONCE_MS: f64 = 1000.0;

/// What a new message would meet on `s`: "big (reasoner) would start it in about 12.0 s".
fn outlook(s: &BackendStatus, lang: Lang) -> String {
    let role = i18n::role(s.role, lang);
    let wait = s.est_wait_ms.filter(|w| w.is_finite() && *w >= AT_ONCE_MS);
    match (lang, s.state, wait) {
        (Lang::En, State::Down, _) => format!("{} ({role}) is down", s.name),
        (Lang::En, State::Starting, _) => format!("{} ({role}) is still starting", s.name),
        (Lang::En, State::Up, None) => format!("{} ({role}) would start it at once", s.name),
        (Lang::En, State::Up, Some(w)) => format!("{} ({role}) would start it in about {}", s.name, ms(Some(w))),
        (Lang::Ko, State::Down, _) => format!("{}({role}) 중단", s.name),
        (Lang::Ko, State::Starting, _) => format!("{}({role}) 아직 시작 중", s.name),
        (Lang::Ko, State::Up, None) => format!("{}({role}) 바로 시작", s.name),
        (Lang::Ko, State::Up, Some(w)) => format!("{}({role}) 약 {} 대기", s.name, ms(Some(w))),
    }
}

fn ms(v: Option<f64>) -> String {
    match v {
        Some(v) if v >= 1000.0 => format!("{:.1} s", v / 1000.0),
        Some(v) => format!("{v:.0} ms"),
        None => "-".into(),
    }
}

/// A human summary of every backend, in `lang`.
pub fn status_summary(rows: &[BackendStatus], lang: Lang) -> String {
    if rows.is_empty() {
        return match lang {
            Lang::En => "No model server is set up.".into(),
            Lang::Ko => "설정된 모델 서버가 없어요.".into(),
        };
    }
    let outlooks: Vec<String> = rows.iter().map(|s| outlook(s, lang)).collect();
    let mut out = match lang {
        Lang::En => format!("A new message now: {}.\n", outlooks.join("; ")),
        Lang::Ko => format!("지금 새 메시지를 보내면: {}.\n", outlooks.join(", ")),
    };
    for s in rows {
        let (role, state, level) = (i18n::role(s.role, lang), i18n::state(s.state, lang), i18n::level(s.level, lang));
        let native = s
            .native
            .as_ref()
            .and_then(|n| Some((n.running?, n.waiting?, n.slots)))
            .map(|(r, w, slots)| match (lang, slots) {
                (Lang::En, Some(k)) => format!("; {r} running, {w} waiting, {k} slot{}", if k == 1 { "" } else { "s" }),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Level, Role};

    fn row(name: &str, role: Role, state: State, wait: Option<f64>) -> BackendStatus {
        let mut s = BackendStatus::unchecked(name, role, chrono::DateTime::UNIX_EPOCH);
        s.state = state;
        s.level = if state == State::Up { Level::Idle } else { Level::Down };
        s.est_wait_ms = wait;
        s
    }

    #[test]
    fn the_answer_says_first_what_a_new_message_would_meet() {
        let rows = [
            row("small", Role::Classifier, State::Up, Some(120.0)),
            row("big", Role::Reasoner, State::Up, Some(12_400.0)),
            row("spare", Role::Reasoner, State::Down, None),
        ];
        let en = status_summary(&rows, Lang::En);
        let first = en.lines().next().unwrap();
        assert_eq!(
            first,
            "A new message now: small (classifier) would start it at once; big (reasoner) would start it in about \
             12.4 s; spare (reasoner) is down."
        );
        // Then a line per backend.
        assert_eq!(en.lines().count(), 4);
        assert!(en.lines().nth(2).unwrap().starts_with("- big (reasoner): up"), "{en}");
        let ko = status_summary(&rows, Lang::Ko);
        assert_eq!(
            ko.lines().next().unwrap(),
            "지금 새 메시지를 보내면: small(분류) 바로 시작, big(추론) 약 12.4 s 대기, spare(추론) 중단."
        );
        // A wait nobody notices, or none known, is none; a nonsense figure says nothing.
        let quick = [
            row("small", Role::Classifier, State::Up, Some(f64::NAN)),
            row("x", Role::Reasoner, State::Starting, None),
        ];
        assert_eq!(
            status_summary(&quick, Lang::En).lines().next().unwrap(),
            "A new message now: small (classifier) would start it at once; x (reasoner) is still starting."
        );
        assert_eq!(status_summary(&[], Lang::En), "No model server is set up.");
    }
}
