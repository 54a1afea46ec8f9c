//! Every word Switchboard shows a user, in English and Korean, in one place: the names of
//! roles, states and levels, why a state changed, the router's notices, the tray menu and the
//! desktop notifications. The types they describe are plain data ([`crate::model`]); the text
//! is made here, from them, so no decision ever depends on an English sentence.

use crate::model::{Cause, Lang, Level, NoticeKind, NotificationKind, Role, ServerState, SetAsideReason, State};

/// The system's language (sys-locale; "C" or nothing reads as English).
pub fn system_lang() -> Lang {
    sys_locale::get_locale().map(|l| Lang::from_locale(&l)).unwrap_or(Lang::En)
}

/// A role's name.
pub fn role(role: Role, lang: Lang) -> &'static str {
    match (lang, role) {
        (Lang::En, r) => r.as_str(),
        (Lang::Ko, Role::Classifier) => "분류",
        (Lang::Ko, Role::Reasoner) => "추론",
    }
}

/// A health state's word, as sentences use it ("up", "정상").
pub fn state(state: State, lang: Lang) -> &'static str {
    match (lang, state) {
        (Lang::En, State::Up) => "up",
        (Lang::En, State::Down) => "down",
        (Lang::En, State::Starting) => "starting",
        (Lang::Ko, State::Starting) => "시작 중",
        (Lang::Ko, State::Up) => "정상",
        (Lang::Ko, State::Down) => "중단",
    }
}

/// A load level's word (the original's words).
pub fn level(level: Level, lang: Lang) -> &'static str {
    match (lang, level) {
        (Lang::En, l) => l.label(),
        (Lang::Ko, Level::Idle) => "여유",
        (Lang::Ko, Level::Normal) => "보통",
        (Lang::Ko, Level::Busy) => "바쁨",
        (Lang::Ko, Level::VeryBusy) => "매우 바쁨",
        (Lang::Ko, Level::Starting) => "시작 중",
        (Lang::Ko, Level::Down) => "중단",
    }
}

/// Why a state changed, in English (logs, the CLI, a flip's `reason`).
pub fn cause(cause: &Cause) -> String {
    match cause {
        Cause::Answered => "answered".into(),
        Cause::Successes { count } => format!("{count} successes in a row"),
        Cause::Loading => "loading model".into(),
        Cause::Refused { count } => format!("connection refused {count} times in a row"),
        Cause::Timeouts { count } => format!("{count} failures in a row, the last a timeout"),
        Cause::Failures { count, last } => format!("{count} failures in a row, the last: {last}"),
    }
}

fn secs(ms: f64) -> String {
    format!("{:.0}", (ms / 1000.0).max(1.0))
}

/// The notice the router shows before (or instead of) an answer.
pub fn notice(kind: NoticeKind, wait_ms: Option<f64>, lang: Lang) -> String {
    match (kind, lang) {
        (NoticeKind::Busy, Lang::En) => match wait_ms {
            Some(w) => format!("The reasoning model is busy: the answer may start in about {} s.", secs(w)),
            None => "The reasoning model is busy: the answer may take longer.".into(),
        },
        (NoticeKind::Busy, Lang::Ko) => match wait_ms {
            Some(w) => format!("추론 모델이 바빠요. 답변이 약 {}초 뒤에 시작될 수 있어요.", secs(w)),
            None => "추론 모델이 바빠요. 답변이 늦어질 수 있어요.".into(),
        },
        (NoticeKind::ClassifierDown, Lang::En) => {
            "The small model is not answering: asking the reasoning model directly.".into()
        }
        (NoticeKind::ClassifierDown, Lang::Ko) => "작은 모델이 응답하지 않아 추론 모델에 바로 물어볼게요.".into(),
        (NoticeKind::ReasonerDown, Lang::En) => "The reasoning model is down: the small model answers instead.".into(),
        (NoticeKind::ReasonerDown, Lang::Ko) => "추론 모델이 멈춰 있어 작은 모델이 대신 답할게요.".into(),
        (NoticeKind::Degenerate, Lang::En) => {
            "The small model's answer went in circles: asking the reasoning model instead.".into()
        }
        (NoticeKind::Degenerate, Lang::Ko) => "작은 모델의 답이 같은 말을 되풀이해 추론 모델에 다시 물어볼게요.".into(),
    }
}

/// The question asked back when a request points at something it never names.
pub fn clarify(lang: Lang) -> String {
    match lang {
        Lang::En => "Could you tell me a little more about what you would like me to do?".into(),
        Lang::Ko => "어떤 걸 원하시는지 조금 더 자세히 알려주시겠어요?".into(),
    }
}

/// A status answer as the models see it in the history: that it was shown, not its lines
/// (a small model copies them, with figures of its own).
pub fn status_shown(lang: Lang) -> String {
    match lang {
        Lang::En => "(The servers' status was shown.)".into(),
        Lang::Ko => "(서버 상태를 보여 드렸습니다.)".into(),
    }
}

/// Said when no model server answers at all.
pub fn all_down(lang: Lang) -> String {
    match lang {
        Lang::En => "No model server is reachable right now. Your message is saved: retry when one is back.".into(),
        Lang::Ko => "지금은 연결되는 모델 서버가 없어요. 메시지는 저장했으니 서버가 돌아오면 다시 보내 주세요.".into(),
    }
}

/// A reply cut off mid-answer by `who` (a backend's name; empty when not known), with its
/// cause in a few words: what was shown of it is kept.
pub fn cut_off(who: &str, detail: &str, lang: Lang) -> String {
    match (lang, who.is_empty()) {
        (Lang::En, false) => {
            format!("{who} stopped answering in the middle of the reply ({detail}). What it wrote is kept: retry when it is back.")
        }
        (Lang::En, true) => {
            format!("The model server stopped answering in the middle of the reply ({detail}). What it wrote is kept: retry when it is back.")
        }
        (Lang::Ko, false) => {
            format!("{who} 서버가 답하다가 멈췄어요 ({detail}). 받은 부분은 남겨 두었으니 서버가 돌아오면 다시 시도해 주세요.")
        }
        (Lang::Ko, true) => {
            format!("모델 서버가 답하다가 멈췄어요 ({detail}). 받은 부분은 남겨 두었으니 서버가 돌아오면 다시 시도해 주세요.")
        }
    }
}

/// The tray menu's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MenuLabels {
    pub open_chat: &'static str,
    pub status: &'static str,
    pub check_now: &'static str,
    pub settings: &'static str,
    pub pause: &'static str,
    pub start_at_login: &'static str,
    pub quit: &'static str,
}

pub fn menu(lang: Lang) -> MenuLabels {
    match lang {
        Lang::En => MenuLabels {
            open_chat: "Open chat",
            status: "Status",
            check_now: "Check now",
            settings: "Settings…",
            pause: "Pause notifications",
            start_at_login: "Start at login",
            quit: "Quit",
        },
        Lang::Ko => MenuLabels {
            open_chat: "채팅 열기",
            status: "상태",
            check_now: "지금 확인",
            settings: "설정…",
            pause: "알림 일시 중지",
            start_at_login: "로그인할 때 시작",
            quit: "종료",
        },
    }
}

/// A notification's title: the configuration file was not applied.
pub fn config_refused(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Configuration not applied: the running one is kept",
        Lang::Ko => "설정을 적용하지 않았습니다: 실행 중인 설정을 유지합니다",
    }
}

/// What a desktop notification says about one or more backends: (summary, body).
/// The chat history could not be read at start and was moved aside.
pub fn store_set_aside(reason: SetAsideReason, moved_to: &std::path::Path, lang: Lang) -> String {
    let at = moved_to.display();
    match (reason, lang) {
        (SetAsideReason::Damaged, Lang::En) => {
            format!("The chat history could not be read (the file is damaged). It was kept as {at}, and a new one was started.")
        }
        (SetAsideReason::Newer, Lang::En) => format!(
            "The chat history was written by a newer version of Switchboard. It was kept as {at}, and a new one was started."
        ),
        (SetAsideReason::Damaged, Lang::Ko) => {
            format!("대화 기록 파일이 손상되어 읽을 수 없습니다. {at}(으)로 보관하고 새 기록을 시작했습니다.")
        }
        (SetAsideReason::Newer, Lang::Ko) => {
            format!("대화 기록이 더 새로운 버전의 Switchboard로 저장되었습니다. {at}(으)로 보관하고 새 기록을 시작했습니다.")
        }
    }
}

/// A managed server's state in words, when it is worth showing (not when it simply runs).
pub fn server_state(state: &ServerState, lang: Lang) -> Option<String> {
    match (state, lang) {
        (ServerState::Running { .. }, _) => None,
        (ServerState::Restarting { attempt, limit, .. }, Lang::En) => {
            Some(format!("server restarting ({attempt} of {limit})"))
        }
        (ServerState::Restarting { attempt, limit, .. }, Lang::Ko) => {
            Some(format!("서버 재시작 중 ({attempt}/{limit})"))
        }
        (ServerState::Failed { .. }, Lang::En) => Some("server failed".into()),
        (ServerState::Failed { .. }, Lang::Ko) => Some("서버 시작 실패".into()),
    }
}

pub fn notification(kind: NotificationKind, backends: &[String], lang: Lang) -> (String, String) {
    use NotificationKind as N;
    let names = backends.join(", ");
    let n = backends.len();
    match lang {
        Lang::En => {
            let (one, many) = match kind {
                N::Down => ("is down", "backends down"),
                N::Up => ("is back up", "backends back up"),
                N::Ready => ("finished loading", "backends finished loading"),
                N::Flapping => ("is flapping (going up and down)", "backends flapping"),
                N::Restarting => ("stopped; starting it again", "backends stopped; starting them again"),
                N::ServerFailed => ("keeps stopping; not started again", "backends keep stopping; not started again"),
            };
            if n == 1 {
                (format!("{names} {one}"), String::new())
            } else {
                (format!("{n} {many}"), names)
            }
        }
        Lang::Ko => {
            let what = match kind {
                N::Down => "중단됨",
                N::Up => "다시 동작함",
                N::Ready => "모델 로딩 완료",
                N::Flapping => "상태가 오락가락함",
                N::Restarting => "서버가 멈춰 다시 시작하는 중",
                N::ServerFailed => "서버가 계속 멈춰 다시 시작하지 않음",
            };
            if n == 1 {
                (format!("{names}: {what}"), String::new())
            } else {
                (format!("백엔드 {n}개 {what}"), names)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_both_languages() {
        for l in [Level::Idle, Level::Normal, Level::Busy, Level::VeryBusy, Level::Starting, Level::Down] {
            assert!(!level(l, Lang::Ko).is_ascii(), "{l:?}");
        }
        assert_eq!(role(Role::Reasoner, Lang::Ko), "추론");
        assert_eq!(state(State::Down, Lang::Ko), "중단");
        assert_eq!(cause(&Cause::Refused { count: 2 }), "connection refused 2 times in a row");
        assert!(notice(NoticeKind::Busy, Some(9000.0), Lang::En).contains("about 9 s"));
    }
}
