//! Our prompts, in English and Korean: the classifier's (a JSON contract with five actions,
//! the tools, the current date and weekday, recent turns, whether a calendar draft is
//! pending) and the reasoner's persona. Both can be replaced from the config.

use chrono::{DateTime, Datelike, TimeZone};

pub use crate::model::chat::contains_hangul;
pub use crate::model::Lang;

/// Who the assistant is.
#[derive(Debug, Clone, PartialEq)]
pub struct Persona {
    pub name: String,
    /// A line about its manner; empty for the default.
    pub persona: String,
    /// Full replacements of the built-in instructions, when configured.
    pub classifier_override: Option<String>,
    pub reasoner_override: Option<String>,
}

impl Default for Persona {
    fn default() -> Self {
        Self { name: "Ide".into(), persona: String::new(), classifier_override: None, reasoner_override: None }
    }
}

/// One earlier turn, for context.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    pub user: bool,
    pub text: String,
}

const TOOLS: &str = "\
- calendar.today() — today's events
- calendar.search(date_from, date_to) — events in a range; dates are YYYY-MM-DD
- calendar.create_draft(title, date, time, end_time, description) — a draft event, not created yet; times are HH:MM; without end_time it lasts one hour
- calendar.create_confirmed() — create the pending draft; only when a draft is pending and the user said yes
- email.search(query, days) — search mail; days defaults to 7
- email.read(uid) — read one mail
- document.search(query) — search documents
- document.read(doc_id) — read one document";

fn classifier_en(name: &str, persona: &str) -> String {
    format!(
        "You are {name}, the router of a chat assistant. Read the user's latest message and answer with ONE JSON object only: \
no code fences, no text before or after it.\n\n\
Choose one action:\n\
1. \"direct\": greetings, small talk, simple questions, questions about you. Answer yourself in \"response\".\n\
2. \"route\": complex questions, analysis, explanations, writing, coding. Write a clear, self-contained prompt for the \
reasoning model in \"prompt\".\n\
3. \"clarify\": the request is ambiguous or misses information. Ask the user in \"response\".\n\
4. \"tools\": the user needs the calendar, email or documents. Give \"tool\", \"operation\" and \"params\".\n\
5. \"status\": the user asks how the model servers are doing (load, speed, whether they are up).\n\n\
Tools:\n{TOOLS}\n\
Sending email is impossible: if asked to send mail, use \"direct\" and say politely that you cannot.\n\n\
Formats:\n\
{{\"action\":\"direct\",\"response\":\"...\"}}\n\
{{\"action\":\"route\",\"prompt\":\"...\"}}\n\
{{\"action\":\"clarify\",\"response\":\"...\"}}\n\
{{\"action\":\"tools\",\"tool\":\"calendar\",\"operation\":\"search\",\"params\":{{\"date_from\":\"YYYY-MM-DD\",\"date_to\":\"YYYY-MM-DD\"}}}}\n\
{{\"action\":\"status\"}}\n\n\
Rules:\n\
- Dates are YYYY-MM-DD and times HH:MM. Turn \"today\", \"tomorrow\", \"this week\" into dates using [Now].\n\
- Use calendar.create_confirmed only when [Pending draft] is yes.\n\
- Answer in the user's language.\n\n\
Examples:\n\
\"what's on today\" -> tools calendar.today\n\
\"my schedule this week\" -> tools calendar.search (Monday to Sunday of this week)\n\
\"meeting tomorrow at 3\" -> tools calendar.create_draft\n\
\"recent mail\" -> tools email.search with query \"\" and days 7\n\
\"hi\" -> direct\n\
\"explain quantum entanglement\" -> route\n\
\"are the servers busy?\" -> status\n\n\
You are friendly and warm.{persona}"
    )
}

fn classifier_ko(name: &str, persona: &str) -> String {
    format!(
        "너는 채팅 도우미의 라우터 '{name}'이다. 사용자의 마지막 메시지를 읽고 JSON 객체 하나로만 답하라. \
코드 블록이나 앞뒤 설명 없이.\n\n\
action 하나를 고른다:\n\
1. \"direct\": 인사, 잡담, 간단한 질문, 너에 대한 질문. \"response\"에 직접 답한다.\n\
2. \"route\": 복잡한 질문, 분석, 설명, 글쓰기, 코딩. \"prompt\"에 추론 모델이 바로 쓸 수 있는 명확한 프롬프트를 쓴다.\n\
3. \"clarify\": 요청이 모호하거나 정보가 부족하다. \"response\"로 사용자에게 묻는다.\n\
4. \"tools\": 캘린더, 메일, 문서가 필요하다. \"tool\", \"operation\", \"params\"를 준다.\n\
5. \"status\": 사용자가 모델 서버 상태(부하, 속도, 동작 여부)를 묻는다.\n\n\
도구:\n{TOOLS}\n\
메일 전송은 불가능하다. 메일을 보내 달라고 하면 \"direct\"로 정중히 거절한다.\n\n\
형식:\n\
{{\"action\":\"direct\",\"response\":\"...\"}}\n\
{{\"action\":\"route\",\"prompt\":\"...\"}}\n\
{{\"action\":\"clarify\",\"response\":\"...\"}}\n\
{{\"action\":\"tools\",\"tool\":\"calendar\",\"operation\":\"search\",\"params\":{{\"date_from\":\"YYYY-MM-DD\",\"date_to\":\"YYYY-MM-DD\"}}}}\n\
{{\"action\":\"status\"}}\n\n\
규칙:\n\
- 날짜는 YYYY-MM-DD, 시간은 HH:MM. [현재 시간]을 보고 \"오늘\", \"내일\", \"이번 주\"를 날짜로 바꾼다.\n\
- [대기 중인 초안]이 있음일 때만 calendar.create_confirmed를 쓴다.\n\
- 사용자의 언어로 답한다.\n\n\
예시:\n\
\"오늘 일정\" -> tools calendar.today\n\
\"이번 주 일정\" -> tools calendar.search (이번 주 월요일~일요일)\n\
\"내일 3시 회의\" -> tools calendar.create_draft\n\
\"최근 메일\" -> tools email.search (query \"\", days 7)\n\
\"안녕\" -> direct\n\
\"양자 얽힘 설명해줘\" -> route\n\
\"서버 바빠?\" -> status\n\n\
너는 상냥하고 친근하다.{persona}"
    )
}

fn weekday<Tz: TimeZone>(lang: Lang, now: &DateTime<Tz>) -> &'static str {
    let i = now.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::En => ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][i],
        Lang::Ko => ["월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일"][i],
    }
}

/// The classifier's system prompt for this moment.
pub fn classifier_system<Tz: TimeZone>(
    p: &Persona,
    lang: Lang,
    now: &DateTime<Tz>,
    history: &[Turn],
    pending_draft: Option<&str>,
) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let persona = if p.persona.is_empty() { String::new() } else { format!(" {}", p.persona) };
    let mut s = match (&p.classifier_override, lang) {
        (Some(o), _) => o.replace("{name}", &p.name),
        (None, Lang::En) => classifier_en(&p.name, &persona),
        (None, Lang::Ko) => classifier_ko(&p.name, &persona),
    };
    let stamp = now.format("%Y-%m-%d %H:%M");
    let (now_label, draft_label, history_label, you, them, yes, no) = match lang {
        Lang::En => ("[Now]", "[Pending draft]", "[Recent conversation]", "User", "You", "yes", "no"),
        Lang::Ko => ("[현재 시간]", "[대기 중인 초안]", "[최근 대화]", "사용자", "너", "있음", "없음"),
    };
    s.push_str(&format!("\n\n{now_label} {stamp} ({})\n", weekday(lang, now)));
    match pending_draft {
        Some(d) => s.push_str(&format!("{draft_label} {yes}: {d}\n")),
        None => s.push_str(&format!("{draft_label} {no}\n")),
    }
    if !history.is_empty() {
        s.push_str(&format!("{history_label}\n"));
        for t in history {
            let who = if t.user { you } else { them };
            let text: String = t.text.chars().take(500).collect();
            s.push_str(&format!("{who}: {text}\n"));
        }
    }
    s
}

/// The reasoner's persona prompt.
pub fn reasoner_system(p: &Persona, lang: Lang) -> String {
    if let Some(o) = &p.reasoner_override {
        return o.replace("{name}", &p.name);
    }
    let persona = if p.persona.is_empty() { String::new() } else { format!(" {}", p.persona) };
    match lang {
        Lang::En => format!(
            "You are {}, a kind and friendly assistant. Keep answers short, natural and conversational. Get to the point. \
Avoid needless structure (numbered lists, headers, heavy markdown) unless the user asks for it; code goes in code blocks.{persona}",
            p.name
        ),
        Lang::Ko => format!(
            "너는 '{}'라는 이름의 상냥하고 친근한 도우미야. 짧고 자연스럽게, 대화하듯 답해. 핵심만 명확하게. \
사용자가 원하지 않으면 번호 매기기, 제목, 과한 마크다운은 쓰지 마. 코드는 코드 블록에 넣어.{persona}",
            p.name
        ),
    }
}

/// A plain (non-JSON) answer prompt for the classifier when no reasoner is up.
pub fn classifier_plain_system(p: &Persona, lang: Lang) -> String {
    reasoner_system(&Persona { reasoner_override: None, ..p.clone() }, lang)
}

/// The classifier's prompt for a question back, when it chose `clarify`.
pub fn clarify_system(p: &Persona, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "You are {}, a friendly assistant. The user's request is unclear. Ask ONE short question to learn what \
they want. Write only the question.",
            p.name
        ),
        Lang::Ko => format!(
            "너는 상냥한 도우미 '{}'야. 사용자의 요청이 모호해. 무엇을 원하는지 알기 위한 짧은 질문 하나만 해. 질문만 써.",
            p.name
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Local, TimeZone};

    #[test]
    fn locale_and_message_language() {
        assert_eq!(Lang::from_locale("ko-KR"), Lang::Ko);
        assert_eq!(Lang::from_locale("ko_KR.UTF-8"), Lang::Ko);
        assert_eq!(Lang::from_locale("C"), Lang::En);
        assert_eq!(Lang::from_locale("en-US"), Lang::En);
        assert_eq!(Lang::En.for_message("오늘 일정 알려줘"), Lang::Ko);
        assert_eq!(Lang::Ko.for_message("hello"), Lang::Ko);
        assert_eq!(Lang::En.for_message("hello"), Lang::En);
    }

    #[test]
    fn classifier_prompt_carries_date_weekday_history_and_draft() {
        let now = Local.with_ymd_and_hms(2026, 11, 24, 14, 5, 0).unwrap();
        let history = vec![Turn { user: true, text: "hi".into() }, Turn { user: false, text: "hello!".into() }];
        let s = classifier_system(&Persona::default(), Lang::En, &now, &history, None);
        assert!(s.contains("[Now] 2026-11-24 14:05 (Tuesday)"), "{s}");
        assert!(s.contains("[Pending draft] no"));
        assert!(s.contains("User: hi\nYou: hello!"));
        for tool in ["calendar.today()", "calendar.create_confirmed()", "email.read(uid)", "document.read(doc_id)"] {
            assert!(s.contains(tool), "{tool}");
        }
        assert!(s.contains("\"status\""));
        let s = classifier_system(&Persona::default(), Lang::Ko, &now, &[], Some("{\"title\":\"회의\"}"));
        assert!(s.contains("[현재 시간] 2026-11-24 14:05 (화요일)"), "{s}");
        assert!(s.contains("[대기 중인 초안] 있음"));
    }

    #[test]
    fn overrides_and_names() {
        let p = Persona { name: "Ari".into(), classifier_override: Some("I am {name}.".into()), ..Persona::default() };
        let now = crate::clock::Clock::system().now_local();
        assert!(classifier_system(&p, Lang::En, &now, &[], None).starts_with("I am Ari."));
        assert!(reasoner_system(&p, Lang::En).contains("Ari"));
        assert!(reasoner_system(&p, Lang::Ko).contains("'Ari'"));
    }
}
