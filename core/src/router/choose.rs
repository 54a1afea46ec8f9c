//! Choose, then write. The classifier is asked first only which of the five actions fits: a
//! few examples in the user's language as earlier turns, then the message, for one token
//! with its log-probabilities. The alternatives the server lists are summed per action (the
//! five labels start with five different letters, so a token such as `d`, `dir` or `direct`
//! names one action only), giving a score per action instead of one sampled word.
//!
//! Only then is the chosen action written, by a call of its own (see `run`): a direct answer
//! as plain streamed text, a question back, or, under a schema of tool calls alone, the
//! parameters. A route needs no second call (the message is the reasoner's prompt), a status
//! question none at all.
//!
//! **When in doubt, reason**: `direct` is taken only when its share is at least
//! `direct_confidence`; below it the reasoner answers (a routed greeting costs time, a hard
//! question answered by a 135 M model costs the answer).

use super::prompt::{Lang, Turn};
use crate::client::{ChatRequest, Message};
use crate::model::Action;

/// Words past which a message is long (see [`Scores::pick_for`]).
pub const LONG_WORDS: usize = 14;
/// Alternatives asked for the first token.
pub const TOP_LOGPROBS: u8 = 20;
/// The last assistant turn, as context for a follow-up, is cut to this many characters.
const CONTEXT_CHARS: usize = 240;
/// Below this total probability on the five labels the reply is not a choice (the model
/// started to chat instead): no scores.
const MIN_MASS: f64 = 0.05;

const SYSTEM_EN: &str = "Label the user's message with one word.\n\
direct: a greeting, small talk, or a simple question answered in a sentence\n\
route: needs thought: an explanation, analysis, advice, writing, code or maths\n\
clarify: too vague to act on\n\
tools: the user's own calendar, email or documents\n\
status: about the model servers (up, busy, slow, which model)\n\
Answer with the label only.";

const SYSTEM_KO: &str = "사용자의 메시지에 영어 단어 하나로 이름표를 붙여라.\n\
direct: 인사, 잡담, 한 문장으로 답할 간단한 질문\n\
route: 생각이 필요함: 설명, 분석, 조언, 글쓰기, 코드, 수학\n\
clarify: 너무 모호해서 할 수 없음\n\
tools: 사용자의 캘린더, 메일, 문서\n\
status: 모델 서버에 대한 질문 (동작, 바쁨, 느림, 어떤 모델)\n\
이름표만 답하라.";

/// Examples given as earlier turns (not taken from the benchmark's sets).
const SHOTS_EN: &[(&str, Action)] = &[
    ("hello!", Action::Direct),
    ("how do vaccines train the immune system?", Action::Route),
    ("what's on my agenda tomorrow?", Action::Tools),
    ("is the reasoning server up?", Action::Status),
    ("do that again", Action::Clarify),
    ("thanks, you're great", Action::Direct),
    ("write a python function that merges two sorted lists", Action::Route),
    ("find the email with the flight booking", Action::Tools),
];

const SHOTS_KO: &[(&str, Action)] = &[
    ("안녕!", Action::Direct),
    ("백신이 면역을 어떻게 훈련시키는지 알려줘", Action::Route),
    ("내일 약속 뭐 있지?", Action::Tools),
    ("추론 서버 살아 있어?", Action::Status),
    ("그거 다시 해줘", Action::Clarify),
    ("고마워, 최고야", Action::Direct),
    ("정렬된 리스트 두 개를 합치는 파이썬 함수 짜줘", Action::Route),
    ("항공권 예약 메일 찾아줘", Action::Tools),
];

/// The choosing request: examples, then the message (with the last answer before it, cut,
/// when there is one), for one token and its alternatives.
pub fn request(lang: Lang, history: &[Turn], text: &str) -> ChatRequest {
    let (system, shots, before) = match lang {
        Lang::En => (SYSTEM_EN, SHOTS_EN, "After your answer"),
        Lang::Ko => (SYSTEM_KO, SHOTS_KO, "이전 답변"),
    };
    let mut messages = vec![Message::new("system", system)];
    for (q, a) in shots {
        messages.push(Message::new("user", *q));
        messages.push(Message::new("assistant", a.as_str()));
    }
    let last = history.iter().rev().find(|t| !t.user).map(|t| t.text.chars().take(CONTEXT_CHARS).collect::<String>());
    let message = match last {
        Some(l) => format!("({before}: \"{l}\")\n{text}"),
        None => text.to_string(),
    };
    messages.push(Message::new("user", message));
    ChatRequest {
        messages,
        max_tokens: Some(1),
        temperature: Some(0.0),
        top_logprobs: Some(TOP_LOGPROBS),
        ..ChatRequest::default()
    }
}

/// Messages with no content, whose scores are the model's leaning before any message.
const CONTENT_FREE: [&str; 3] = ["N/A", "...", "?"];
/// A prior share is taken as at least this (a label the model never says is not inflated
/// without bound).
const MIN_PRIOR: f64 = 0.05;

/// The choosing requests for the content-free messages: their mean scores are the prior that
/// [`Scores::calibrated`] divides by. Measured by the routing benchmark, not used by the
/// router: on SmolLM2-135M it sent small talk away (see the README's figures).
pub fn prior_requests(lang: Lang) -> Vec<ChatRequest> {
    CONTENT_FREE.iter().map(|t| request(lang, &[], t)).collect()
}

/// Each action's share of the probability the model gave the five labels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores([f64; 5]);

impl Scores {
    /// From the first token's alternatives (token, log-probability); `None` when they name
    /// no label (the server gave none, or the model began to chat).
    pub fn from_logprobs(top: &[(String, f64)]) -> Option<Scores> {
        let mut p = [0.0; 5];
        for (token, lp) in top {
            let t = token.trim().to_ascii_lowercase();
            let t = t.trim_matches(|c: char| !c.is_ascii_alphabetic());
            if t.is_empty() || !lp.is_finite() {
                continue;
            }
            if let Some(i) = Action::ALL.iter().position(|a| a.as_str().starts_with(t) || t.starts_with(a.as_str())) {
                p[i] += lp.exp();
            }
        }
        let mass: f64 = p.iter().sum();
        if mass < MIN_MASS {
            return None;
        }
        Some(Scores(p.map(|x| x / mass)))
    }

    /// Contextual calibration ("calibrate before use"): each share divided by the share the
    /// model gives that label for a message with no content (`prior`, see
    /// [`prior_requests`]), then normalised again. A small model that says `direct` to almost
    /// anything says it to nothing too; what is left is what the message itself adds.
    pub fn calibrated(&self, prior: &Scores) -> Scores {
        let p: [f64; 5] = std::array::from_fn(|i| self.0[i] / prior.0[i].max(MIN_PRIOR));
        let mass: f64 = p.iter().sum();
        Scores(p.map(|x| x / mass))
    }

    /// The mean of several scores (the priors of a few content-free messages).
    pub fn mean(all: &[Scores]) -> Option<Scores> {
        if all.is_empty() {
            return None;
        }
        let n = all.len() as f64;
        Some(Scores(std::array::from_fn(|i| all.iter().map(|s| s.0[i]).sum::<f64>() / n)))
    }

    pub fn of(&self, a: Action) -> f64 {
        Action::ALL.iter().position(|x| *x == a).map_or(0.0, |i| self.0[i])
    }

    /// The most likely action.
    pub fn best(&self) -> Action {
        let mut best = Action::Direct;
        for a in Action::ALL {
            if self.of(a) > self.of(best) {
                best = a;
            }
        }
        best
    }

    /// The same without `action`. Its share is given to no one: `direct` still needs its
    /// `direct_confidence` of the whole, so a choice that leaned to `action` goes to the
    /// reasoner unless `direct` was sure anyway.
    pub fn without(&self, action: Action) -> Scores {
        let mut p = self.0;
        if let Some(i) = Action::ALL.iter().position(|x| *x == action) {
            p[i] = 0.0;
        }
        Scores(p)
    }

    /// [`Scores::pick`] for `text`: a message longer than [`LONG_WORDS`] is never answered
    /// directly on this choice alone (in the benchmark's labelled sets, 107 of 152 such
    /// messages want the reasoner and nearly all of the 33 direct ones are stories of a day,
    /// which the rules and the examples know).
    pub fn pick_for(&self, text: &str, direct_confidence: f64) -> Action {
        match self.pick(direct_confidence) {
            Action::Direct if text.split_whitespace().count() > LONG_WORDS => Action::Route,
            a => a,
        }
    }

    /// The same without the actions `gates` refuse.
    pub fn gated(&self, gates: Gates) -> Scores {
        Action::ALL.iter().filter(|a| !gates.allows(**a)).fold(*self, |s, a| s.without(*a))
    }

    /// The action taken: the most likely, but `direct` only with at least `direct_confidence`
    /// of the probability; below it, the reasoner's.
    pub fn pick(&self, direct_confidence: f64) -> Action {
        match self.best() {
            Action::Direct if self.of(Action::Direct) < direct_confidence => Action::Route,
            a => a,
        }
    }
}

/// What a model (the classifier's choice, the nearest examples) may decide for a message; the
/// rules say ([`super::rules::gates`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gates {
    /// A tool call: the message has a cue of one.
    pub tools: bool,
    /// The status: it has a word of the servers, or follows a status question.
    pub status: bool,
    /// A question back: it is short.
    pub clarify: bool,
}

impl Gates {
    pub fn allows(&self, action: Action) -> bool {
        match action {
            Action::Tools => self.tools,
            Action::Status => self.status,
            Action::Clarify => self.clarify,
            Action::Direct | Action::Route => true,
        }
    }
}

impl std::fmt::Display for Scores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = Action::ALL.iter().map(|a| format!("{} {:.2}", a.as_str(), self.of(*a))).collect();
        f.write_str(&parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lp(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs.iter().map(|(t, p)| (t.to_string(), p.ln())).collect()
    }

    #[test]
    fn tokens_are_summed_per_label_and_normalised() {
        let s = Scores::from_logprobs(&lp(&[
            ("direct", 0.3),
            (" dir", 0.1),
            ("route", 0.2),
            ("Tools", 0.1),
            ("Sure", 0.3),
        ]))
        .unwrap();
        assert!((s.of(Action::Direct) - 0.4 / 0.7).abs() < 1e-9, "{s}");
        assert!((s.of(Action::Route) - 0.2 / 0.7).abs() < 1e-9, "{s}");
        assert_eq!(s.of(Action::Status), 0.0);
        assert_eq!(s.best(), Action::Direct);
        // One letter names one label: d, r, c, t, s.
        let s = Scores::from_logprobs(&lp(&[("c", 0.5), ("st", 0.2)])).unwrap();
        assert_eq!(s.best(), Action::Clarify);
    }

    #[test]
    fn no_label_no_scores() {
        assert_eq!(Scores::from_logprobs(&[]), None);
        assert_eq!(Scores::from_logprobs(&lp(&[("Hello", 0.9), ("Sure", 0.05)])), None);
        assert_eq!(Scores::from_logprobs(&lp(&[("Hello", 0.9), ("direct", 0.01)])), None);
        assert_eq!(Scores::from_logprobs(&[("direct".into(), f64::NAN)]), None);
    }

    #[test]
    fn calibration_removes_the_models_leaning() {
        // Says `direct` to nothing at all 0.9 of the time: a 0.6 `direct` is not a choice.
        let prior = Scores::from_logprobs(&lp(&[("direct", 0.9), ("route", 0.05), ("tools", 0.05)])).unwrap();
        let s = Scores::from_logprobs(&lp(&[("direct", 0.6), ("route", 0.3), ("tools", 0.1)])).unwrap();
        assert_eq!(s.best(), Action::Direct);
        let c = s.calibrated(&prior);
        assert_eq!(c.best(), Action::Route, "{c}");
        assert!((Action::ALL.iter().map(|a| c.of(*a)).sum::<f64>() - 1.0).abs() < 1e-9);
        // A label the prior never gives is floored, not divided by zero.
        let c = Scores::from_logprobs(&lp(&[("status", 0.01), ("direct", 0.99)])).unwrap().calibrated(&prior);
        assert!(c.of(Action::Status).is_finite() && c.of(Action::Status) > 0.0, "{c}");
        let mean = Scores::mean(&[prior, s]).unwrap();
        assert!((mean.of(Action::Direct) - 0.75).abs() < 1e-9);
        assert_eq!(Scores::mean(&[]), None);
    }

    #[test]
    fn when_in_doubt_reason() {
        let s = Scores::from_logprobs(&lp(&[("direct", 0.45), ("route", 0.35), ("tools", 0.2)])).unwrap();
        assert_eq!(s.pick(0.0), Action::Direct);
        assert_eq!(s.pick(0.5), Action::Route);
        let s = Scores::from_logprobs(&lp(&[("tools", 0.4), ("direct", 0.3), ("route", 0.3)])).unwrap();
        assert_eq!(s.pick(0.9), Action::Tools, "only direct is second-guessed");
    }

    #[test]
    fn request_is_one_token_with_examples_and_context() {
        let history =
            [Turn { user: true, text: "mail from Jane?".into() }, Turn { user: false, text: "[uid 4] Lunch".into() }];
        let r = request(Lang::En, &history, "open it");
        assert_eq!((r.max_tokens, r.top_logprobs), (Some(1), Some(TOP_LOGPROBS)));
        assert_eq!(r.messages.len(), 2 + 2 * SHOTS_EN.len());
        let last = &r.messages.last().unwrap().content;
        assert!(last.contains("[uid 4] Lunch") && last.ends_with("open it"), "{last}");
        assert!(request(Lang::Ko, &[], "안녕").messages[0].content.contains("이름표"));
    }

    #[test]
    fn a_long_message_is_not_answered_directly_on_the_choice_alone() {
        let s = Scores::from_logprobs(&lp(&[("direct", 0.9), ("route", 0.1)])).unwrap();
        assert_eq!(s.pick_for("what's the capital of peru?", 0.5), Action::Direct);
        let long =
            "my unity character jitters when the camera follows it. movement in Update, camera in LateUpdate. ideas?";
        assert_eq!(s.pick_for(long, 0.5), Action::Route);
        let tools = Scores::from_logprobs(&lp(&[("tools", 0.9), ("route", 0.1)])).unwrap();
        assert_eq!(tools.pick_for(long, 0.5), Action::Tools, "only a direct answer is turned");
        let g = Gates { tools: false, status: true, clarify: true };
        assert_eq!(tools.gated(g).pick(0.5), Action::Route, "refused, its share goes to no one");
    }
}
