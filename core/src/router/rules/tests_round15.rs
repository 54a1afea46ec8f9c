//! Round 15: the rules' errors on fresh22 and fresh23 (scored blind at 88.7 % and 89.3 %, then
//! read), beside the near misses their mends must leave alone.
use super::tests_answers::{decided_as, not_decided_as};

#[test]
fn fresh22_and_fresh23s_rule_errors() {
    let cases: &[(&str, &str)] = &[
        ("아니 llama.cpp 응답이 왜 이렇게 안와 ㅡㅡ 또 누가 큰거 돌리고 있는거 아님?", "status"),
        ("GPU 관련 아재개그 하나만 ㅋㅋ 팀 분위기 너무 다운됨", "direct"),
        ("do I have anything before lunch or can I go heads down on the sglang upgrade", "calendar.today"),
        ("summarise the 'RE: inference costs Q3' thread", "email.read"),
        ("summarise the 'Re: inference cluster outage postmortem' thread for me, its like 40 messages", "email.read"),
        ("'Re: 추론 클러스터 장애 회고' 스레드 읽고 결론만 정리해줘", "email.read"),
        ("which is better", "clarify"),
        ("뭐가 더 나아요?", "clarify"),
        ("what exactly did the HR mail this morning say about the new laptop policy", "email.read"),
        ("summarize ~/docs/q3-capacity-plan.docx", "document.read"),
    ];
    decided_as(cases);
    let not: &[(&str, &str)] = &[
        // (Left to the examples and the model, no longer taken for the status.)
        ("I need my notes from setting up the k8s gpu operator, can't remember what folder", "status"),
        ("rewrite this to sound more professional: 'hey guys, the thread about costs is done'", "email.read"),
        ("which is better for a 4090, vllm or llama.cpp?", "clarify"),
        ("is the vllm box down? I want to go heads down on evals", "direct"),
        ("서버 다운됨?", "direct"),
        ("what did the paper say about flash attention?", "email.read"),
    ];
    not_decided_as(not);
}

/// A review's near misses of round 15's rules (written by reading them, to break them): each
/// decided as a careful reader would, or left to the model (a tool request or the status never).
/// Those marked `known` are misses left as they are, each with its reason; they are counted.
#[test]
fn a_reviews_near_misses_of_round_15() {
    let (wrong, known) = super::tests_answers::near_misses(include_str!("near_misses_round15.jsonl"));
    assert!(wrong.is_empty(), "{} wrong: {wrong:#?}", wrong.len());
    assert!(known <= 6, "{known} known misses");
}
