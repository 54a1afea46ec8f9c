//! Round 12: the wrong decisions of fresh16 and fresh17 (scored blind, then read), each a test,
//! beside the near misses their mends must leave alone.
use super::tests_answers::{d, decided_as, not_decided_as, param, turns};
use super::*;

#[test]
fn follow_ups_take_the_turn_before() {
    let t = turns;
    let draft = t(
        "draft a reply to Viktor saying we'll ship Monday",
        "Here's a draft: 'Hi Viktor, quick update: we're on track to ship Monday.'",
    );
    assert_eq!(d("send it to him", &draft).as_deref(), Some("email.send"));
    assert_eq!(d("looks good, send it to him", &draft).as_deref(), Some("email.send"));
    assert_ne!(d("don't send it to him yet", &draft).as_deref(), Some("email.send"));
    let ko_draft = t("이사님 메일에 답장 초안 써줘", "답장 초안입니다: '안녕하세요 이사님, 자료 첨부드립니다.'");
    assert_eq!(d("ㅇㅇ 그대로 보내", &ko_draft).as_deref(), Some("email.send"));
    assert_ne!(d("ㅇㅇ 근데 보내지 마", &ko_draft).as_deref(), Some("email.send"));
    let mails =
        t("any mail from Joaquin?", "Yes, 2 emails from Joaquin this week: 'Cluster budget' and 'Re: Offsite'.");
    assert_eq!(d("from Carla?", &mails).as_deref(), Some("email.search"));
    let weather = t("what's the weather in Lisbon", "Sunny, 18 °C.");
    assert_ne!(d("from Carla?", &weather).as_deref(), Some("email.search"));
    // Another server, or one come back, after an answer of how the servers are.
    let backends =
        t("how are the backends doing", "Ollama is idle; vLLM is at 92% GPU utilization with 5 requests queued.");
    assert_eq!(d("TGI?", &backends).as_deref(), Some("status"));
    let slow =
        t("why's everything so slow?", "The Ollama server is at 98% GPU utilization with 7 requests in its queue.");
    assert_eq!(d("other one?", &slow).as_deref(), Some("status"));
    let tgi = t("TGI 어때", "TGI 서버가 응답하지 않습니다. 마지막 응답은 10분 전입니다.");
    assert_eq!(d("ㅠ 다시 올라왔나 함 봐줘", &tgi).as_deref(), Some("status"));
    assert_ne!(d("ollama vs vllm?", &backends).as_deref(), Some("status"));
    assert_ne!(d("other one?", &weather).as_deref(), Some("status"));
    // Code shown, a bug found: the change asked is the reasoner's.
    let code = t(
        "here's my batching helper:\ndef chunk(xs, n):\n    return [xs[i:i+n] for i in range(0, len(xs), n-1)]",
        "There's an off-by-one: the range step is n-1, so consecutive chunks overlap by one element.",
    );
    assert_eq!(d("ok fix it and add type hints", &code).as_deref(), Some("route"));
    let pp = t(
        "tensor parallel vs pipeline parallel?",
        "Tensor parallelism splits each layer across GPUs; pipeline parallelism puts layers on different GPUs.",
    );
    assert_eq!(d("go deeper on the pipeline bubble thing, with actual numbers", &pp).as_deref(), Some("route"));
    // The first of two files the answer named.
    let found = t(
        "find my notes on the inference benchmark",
        "I found bench_notes_march.md and bench_results.xlsx in ~/work/perf.",
    );
    assert_eq!(d("pull up the first one and give me the key numbers", &found).as_deref(), Some("document.read"));
    assert_eq!(
        param("pull up the first one and give me the key numbers", &found, Lang::En, "doc_id").as_deref(),
        Some("bench_notes_march.md")
    );
}

#[test]
fn tools_asked_without_their_names_round_12() {
    let cases: &[(&str, &str)] = &[
        ("today looking packed?", "calendar.today"),
        ("morning. how does my day look", "calendar.today"),
        ("is friday looking busy?", "calendar.search"),
        ("When did I last meet with the Halvorsen people? need the date for the report", "calendar.search"),
        ("워크샵 몇일이었죠? 부산 가는거", "calendar.search"),
        ("지난달에 민준이랑 점심 먹은 날짜 찾아줘", "calendar.search"),
        ("엄마 생신 캘린더에 넣어놨던거 같은데 며칠이지", "calendar.search"),
        ("박과장님이 견적서 관련해서 답장 주셨나요?", "email.search"),
        ("facilities sent a huge thread about the power outage, tl;dr it for me", "email.read"),
        ("summarize that long email Fatima sent this morning about the outage postmortem", "email.read"),
        ("I had a spreadsheet with the GPU power draw measurements somewhere, can you dig it up", "document.search"),
        ("README_배포절차.md에서 롤백 방법 부분만 알려줘", "document.read"),
        ("README_ko.md 열어서 설치 방법 부분만 알려줘", "document.read"),
        ("pull the exact wording from the SLA doc about uptime guarantees", "document.read"),
        ("Quick q before I kick off the eval run — is anyone else hammering the LM Studio instance?", "status"),
        ("help me with that", "clarify"),
        ("얘 왜 이럼??", "clarify"),
        ("nginx로 ollama 앞에 리버스 프록시 두고 API 키 인증 거는 설정 예시 보여줄 수 있나요?", "route"),
        ("우리팀 지금 GPU 4장인데 모델 3개 돌려야 됨. 어떻게 배치하는게 효율적일지 같이 고민해줘", "route"),
    ];
    decided_as(cases);
    // Dates read: last month's lunch is searched in last month.
    let range = |text: &str| {
        Some(format!("{} {}", param(text, &[], Lang::Ko, "date_from")?, param(text, &[], Lang::Ko, "date_to")?))
    };
    assert_eq!(range("지난달에 민준이랑 점심 먹은 날짜 찾아줘").as_deref(), Some("2026-11-01 2026-11-30"));
    assert_eq!(range("지지난달 회의 일정 보여줘").as_deref(), Some("2026-10-01 2026-10-31"));
    // A day named in passing is another's: the 90 days before.
    for past in [
        "when did I last meet with Priya? need it for tomorrow's 1:1 prep",
        "워크샵 며칠이었죠? 내일까지 정산해야 돼서",
    ] {
        assert_eq!(range(past).as_deref(), Some("2026-09-03 2026-12-02"), "{past}");
    }
    let text = "summarize that long email Fatima sent this morning about the outage postmortem";
    assert!(param(text, &[], Lang::En, "uid").is_some_and(|u| u.contains("fatima")));
}

#[test]
fn what_round_12_must_leave_alone() {
    let not: &[(&str, &str)] = &[
        ("tomorrow looking rainy?", "calendar.search"),
        ("how does the code look", "calendar.today"),
        ("추석이 며칠이지", "calendar.search"),
        ("BTS 정국 생일이 며칠이지", "calendar.search"),
        ("my friend sent a twitter thread about the outage, tl;dr it", "email.read"),
        ("explain the thread pool in java", "email.search"),
        ("can you look up the gpu specs of an a100", "status"),
        ("is anyone else using ollama for code completion, is it better than lm studio?", "status"),
        ("help me with my resume", "clarify"),
        ("고양이가 밤마다 우는데 왜 그래?", "clarify"),
        ("how to convert a md file to pdf", "document.read"),
        ("where can i find a quote about courage", "document.read"),
        ("when did i start using linux, roughly 2009?", "calendar.search"),
    ];
    not_decided_as(not);
    assert_eq!(d("is the gpu server back up?", &[]).as_deref(), Some("status"));
}

/// A review's near misses of round 12's rules (written by reading the rules, to break them):
/// each decided as a careful reader would, or left to the model (a tool request never).
#[test]
fn a_reviews_near_misses_of_round_12() {
    let (wrong, known) = super::tests_answers::near_misses(include_str!("near_misses_round12.jsonl"));
    assert!(wrong.is_empty(), "{} wrong: {wrong:#?}", wrong.len());
    assert_eq!(known, 0);
}

/// Round 13: the rules' errors on fresh18 and fresh19 (scored blind at 81.3 % and 84.7 %, then
/// read), and what they left to the model that needs none.
#[test]
fn fresh18_and_fresh19s_rule_errors() {
    let cases: &[(&str, &str)] = &[
        ("vllm OOMs on a 24gb card w/ 8b model, max-model-len 32k, gpu-mem-util 0.9. what's eating the mem and what do i turn down", "route"),
        ("find the thread abt the h100 lease", "email.search"),
        ("오늘 하루 개길다 ㅠㅠ 근데 파인튜닝 데이터 생성 배치 돌릴만한 서버 비어있는거 있나", "status"),
        ("양자화 벤치 결과 정리해둔 엑셀 어디갔지", "document.search"),
        ("llama.cpp keeps dying with 'failed to allocate buffer of size 2147483648' as soon as I set -c 32768 on my 24GB card. model is a 13B at Q6_K, the file's only about 10.7GB, so I really don't get where the memory goes. any idea what's going on and what I should change?", "route"),
        ("would you mind translating this into German for our customer docs? 'The inference server restarts automatically after a configuration change. Requests in flight are retried.'", "route"),
        ("open the latest mail from Tomás and tell me what he actually wants, his emails are always three screens long", "email.read"),
        ("can you summarize the GPU budget email thread for me, there are like 40 replies and I don't have the energy", "email.read"),
        ("llama.cpp 서버 띄우면 GGML_ASSERT 뜨면서 바로 죽는데 -ngl 99 줬을 때만 그래요. 20 정도로 낮추면 멀쩡히 돌아가고요. 카드는 4060 Ti 16G, 모델은 mistral 7b Q8이에요. 원인이 뭘까요?", "route"),
        ("저번처럼 해주세요~ ㅎㅎ", "clarify"),
        ("오늘 4시 전에 비는 시간 좀 있나 봐줄래? PR 리뷰 하나 끼워넣어야 돼서", "calendar.today"),
        ("H100 도입 관련 메일 스레드가 너무 길어져서 못 읽겠다 ㅠ 지금까지 결론만 정리해줄래", "email.read"),
        ("오늘 아침에 온 AWS 청구서 메일 좀 읽어줘. 이번 달 왜 이렇게 많이 나왔는지 궁금함", "email.read"),
        ("로컬에 vllm 튜닝 파라미터 정리해둔 엑셀 있었던 것 같은데 찾아줄 수 있어?", "document.search"),
        // Left to the model before, certain now.
        ("happy friday 🎉🍕", "direct"),
        ("tell me a joke about kubernetes, I need something to open my talk with tomorrow", "direct"),
        ("how many mtgs today ugh", "calendar.today"),
        ("anything clash with my 3pm?", "calendar.today"),
        ("when's the infra review next wk", "calendar.search"),
        ("remind me at 5 to restart the vllm box", "calendar.create_draft"),
        ("ping me at 17:45 to kill the training run before I leave", "calendar.create_draft"),
        ("fwd the vendor quote to finance@acme.io", "email.send"),
        ("AWS 청구서 메일 회계팀 accounting@hanbit.co.kr 로 포워딩 부탁", "email.send"),
        ("아까 내린 sglang 다시 올라왔어?", "status"),
        ("lm studio에 gemma 로드돼있음? 아님 내가 올려야됨", "status"),
        ("LM Studio 돌고 있는 맥북 아직 응답하는지 확인 좀 해줄래요?", "status"),
        ("is LM Studio on my laptop still serving or did it die when I closed the lid", "status"),
        ("trying to figure out if I can duck out early for my kid's recital — how packed is my afternoon looking?", "calendar.today"),
        ("k8s gpu operator 설치 가이드 내 컴에 있었던거 같은데", "document.search"),
    ];
    decided_as(cases);
    // Near misses.
    let not: &[(&str, &str)] = &[
        ("엑셀 단축키 보여줘", "document.search"),
        ("compare vLLM and llama.cpp for serving a 70B model on two 3090s", "status"),
        ("happy to help you move the meeting", "direct"),
        ("what do i turn down first, the heat or the fan?", "status"),
        ("is the vllm box down?", "route"),
    ];
    not_decided_as(not);
    // A wait complained of, with its numbers, is no problem to debug.
    let wait = "ugh why is the reasoner taking forever again, i've been waiting 5 minutes for a reply to a 2 line question about 3 things";
    assert!(!lean::debugging(wait, &words(wait)));
}
