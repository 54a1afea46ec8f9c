//! Round 14: the rules' errors on fresh20 and fresh21 (scored blind at 89.3 % and 91.3 %, then
//! read), beside the near misses their mends must leave alone.
use super::tests_answers::d;

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
    for (text, want) in cases {
        assert_eq!(d(text, &[]).as_deref(), Some(*want), "{text}");
    }
    let not: &[(&str, &str)] = &[
        ("ugh deploy day 😩 btw the mac mini finally runs llama3 without swapping, so proud", "status"),
        ("btw is the vllm box down?", "direct"),
        ("why does vllm slow down when I raise --max-num-seqs past 256?", "status"),
        ("ollama 왜 이렇게 느려? 지금 큐 밀려있어?", "route"),
        ("why is it doing that again? the vllm server returns 500 on every request with a long prompt", "clarify"),
        ("the fans spun down but is the vllm box down?", "direct"),
    ];
    for (text, not) in not {
        assert_ne!(d(text, &[]).as_deref(), Some(*not), "{text}");
    }
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
