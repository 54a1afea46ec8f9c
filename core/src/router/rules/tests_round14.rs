//! Round 14: the rules' errors on fresh20 and fresh21 (scored blind at 89.3 % and 91.3 %, then
//! read), beside the near misses their mends must leave alone.
use super::tests_answers::{d, decided_as, not_decided_as};

#[test]
fn fresh20_and_fresh21s_rule_errors() {
    let cases: &[(&str, &str)] = &[
        // A question after "btw" inside a story is asked.
        ("ugh deploy day 😩 btw is the mac mini still holding llama3 in memory or did ollama unload it", "status"),
        // A setting's effect asked about is the reasoner's, whatever it slows.
        ("llama.cpp에서 -ngl 올릴수록 오히려 느려짐 왜그럼? 3060 12gb에 14b q4 돌리는중", "route"),
        // Fans spun down are no server down; a story told is small talk.
        ("so my coworker Dae-ho keeps calling every model 'the AI' like it's one guy living in the server room, today he asked if the AI needed a lunch break because the GPU fans spun down lmao. anyway happy friday", "direct"),
        // "why" about nothing named, with nothing before: what is "it"?
        ("hmm why is it doing that again 🙄", "clarify"),
    ];
    decided_as(cases);
    let not: &[(&str, &str)] = &[
        ("ugh deploy day 😩 btw the mac mini finally runs llama3 without swapping, so proud", "status"),
        ("btw is the vllm box down?", "direct"),
        ("why does vllm slow down when I raise --max-num-seqs past 256?", "status"),
        ("ollama 왜 이렇게 느려? 지금 큐 밀려있어?", "route"),
        ("why is it doing that again? the vllm server returns 500 on every request with a long prompt", "clarify"),
        ("the fans spun down but is the vllm box down?", "direct"),
    ];
    not_decided_as(not);
}

#[test]
fn a_model_held_or_unloaded_is_the_status() {
    for text in [
        "점심 먹고 왔는데 ollama에 qwen 아직 올라가 있나? 언로드됐으려나",
        "is qwen still in vram on ollama or did it get evicted",
    ] {
        assert_eq!(d(text, &[]).as_deref(), Some("status"), "{text}");
    }
    assert_ne!(d("how do I keep a model in memory on ollama forever?", &[]).as_deref(), Some("status"));
}

/// An item of the list the last answer gave, by its place alone ("the second one", "2번"): read.
#[test]
fn an_item_by_its_place_alone_is_read() {
    let t = super::tests_answers::turns;
    let okta = t(
        "find mails from Okta about the SSO migration",
        "Found 3: 1) 'SSO migration timeline' (Mar 3), 2) 'Action required: SSO cutover' (Mar 10), 3) 'Re: SSO cutover questions' (Mar 11).",
    );
    let vendors = t(
        "any mails from vendors this week?",
        "3 found:\n1. Re: quote for 4x A100 (Jun, Tue)\n2. Invoice #443 (Lambda, Mon)\n3. Offsite agenda (Sara, Fri)",
    );
    for history in [&okta, &vendors] {
        assert_eq!(d("the second one", history).as_deref(), Some("email.read"));
        assert_eq!(d("2nd", history).as_deref(), Some("email.read"));
        assert_eq!(d("open the second one", history).as_deref(), Some("email.read"));
    }
    let ko = t(
        "이번주 벤더 메일 있어?",
        "3건 있어요:\n1. 견적서 (준, 화)\n2. 인보이스 (람다, 월)\n3. 오프사이트 안내 (사라, 금)",
    );
    assert_eq!(d("두번째 거", &ko).as_deref(), Some("email.read"));
    // Not with no list, nor a list of steps, nor a new request that counts.
    assert_ne!(d("the second one", &[]).as_deref(), Some("email.read"));
    let steps = t("how do I install vllm", "1. Install CUDA 12.\n2. pip install vllm.\n3. Run vllm serve.");
    assert_ne!(d("the second one", &steps).as_deref(), Some("email.read"));
    assert_ne!(d("the second one is wrong, pip needs --pre", &okta).as_deref(), Some("email.read"));
}

/// Follow-ups of fresh20 and fresh21 that only the turn before decides.
#[test]
fn follow_ups_of_round_14() {
    let t = super::tests_answers::turns;
    let today_ko = t("오늘 일정 알려줘", "오늘: 10:00 스탠드업, 16:00 GPU 벤더 미팅");
    assert_eq!(d("모레는 어때?", &today_ko).as_deref(), Some("calendar.search"));
    assert_eq!(d("내일은 어때요", &today_ko).as_deref(), Some("calendar.search"));
    let priya = t(
        "did Priya reply about the rate limit proposal?",
        "Yes — Priya replied Tuesday: she's fine with 60 req/min per user.",
    );
    assert_eq!(d("what about Dmitri?", &priya).as_deref(), Some("email.search"));
    let mac = t("맥미니 lm studio 떠있어?", "네, 맥미니의 LM Studio는 정상 응답 중이에요. 로드된 모델: qwen2.5-14b.");
    assert_eq!(d("맥미니 lm studio 떠있어?", &[]).as_deref(), Some("status"));
    assert_eq!(d("4090 박스는?", &mac).as_deref(), Some("status"));
    // Near misses: another subject after all.
    let weather = t("what's the weather in Lisbon", "Sunny, 18 °C.");
    assert_ne!(d("what about Dmitri?", &weather).as_deref(), Some("email.search"));
    assert_ne!(d("모레는 어때?", &[]).as_deref(), Some("calendar.search"));
    assert_ne!(
        d("what about Dmitri?", &t("how do I reply to a thread in Outlook?", "Click Reply.")).as_deref(),
        Some("email.search")
    );
}

/// A review's near misses of round 14's rules (written by reading them, to break them): each
/// decided as a careful reader would, or left to the model (a tool request or the status never).
/// Those marked `known` are misses left as they are, each with its reason; they are counted.
#[test]
fn a_reviews_near_misses_of_round_14() {
    let (wrong, known) = super::tests_answers::near_misses(include_str!("near_misses_round14.jsonl"));
    assert!(wrong.is_empty(), "{} wrong: {wrong:#?}", wrong.len());
    assert!(known <= 3, "{known} known misses");
}
