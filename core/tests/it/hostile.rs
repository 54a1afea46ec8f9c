//! A hostile-backend corpus, through the real client over HTTP: an HTTP-level fake (named as
//! such: no real server can be made to answer this way on demand) answers each case byte for
//! byte. Every case must end, within its deadline, in a clear error or a sane value; none may
//! panic, hang or grow the process's memory without bound (measured over the whole corpus).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use switchboard_core::client::{shared_http, BackendClient, ChatRequest, ClientError, Message, StreamEvent};
use switchboard_core::config::{Config, Kind};
use switchboard_core::load::native::{self, Tracker};
use switchboard_core::model::NativeLoad;
use switchboard_testkit::fake::{Fake, Reply};
use tokio::time::Instant;

/// What a case ended in.
type Outcome = Result<String, String>;
type Case = (&'static str, Pin<Box<dyn Future<Output = Outcome> + Send>>, fn(&Outcome) -> bool);

const KEY: &str = "sk-hostile-secret-123";

fn client(url: &str) -> BackendClient {
    let text = format!(
        "[[backend]]\nname = \"c\"\nrole = \"classifier\"\nurl = \"{url}\"\nmodel = \"m\"\nkind = \"llamacpp\"\n\
         api_key_env = \"SB_HOSTILE_KEY\"\ntimeout_secs = 5\n\
         [[backend]]\nname = \"r\"\nrole = \"reasoner\"\nurl = \"{url}\"\nmodel = \"m\"\n"
    );
    std::env::set_var("SB_HOSTILE_KEY", KEY);
    let cfg = Config::parse(&text, std::path::Path::new("hostile.toml")).unwrap();
    BackendClient::new(shared_http().unwrap(), Arc::new(cfg.backends[0].clone()))
}

fn err(e: ClientError) -> String {
    e.to_string()
}

async fn probe(url: String) -> Outcome {
    client(&url)
        .probe(Kind::Llamacpp, Duration::from_secs(3))
        .await
        .map(|p| format!("{} ms", p.latency_ms))
        .map_err(err)
}

async fn figures(url: String, kind: Kind) -> Result<NativeLoad, String> {
    let c = client(&url);
    let raw = native::read(&c, kind, Duration::from_secs(3)).await.map_err(err)?;
    let mut t = Tracker::default();
    Ok(t.update(&raw, Instant::now()))
}

/// Native figures that are sane: counts bounded, waits finite and at most a day.
fn sane(n: &NativeLoad) -> bool {
    n.slots.is_none_or(|s| s <= 1024)
        && n.running.is_none_or(|r| r <= 4096)
        && n.waiting.is_none_or(|w| w <= 4096)
        && n.est_wait_ms.is_none_or(|w| w.is_finite() && (0.0..=86_400_000.0).contains(&w))
        && n.kv_usage.is_none_or(|k| (0.0..=1.0).contains(&k))
}

async fn figures_case(url: String, kind: Kind) -> Outcome {
    figures(url, kind).await.and_then(|n| if sane(&n) { Ok(format!("{n:?}")) } else { Err(format!("insane: {n:?}")) })
}

/// A streamed chat: the text it spelled, or the error it ended in.
async fn stream(url: String) -> Outcome {
    let c = client(&url);
    let req = ChatRequest { messages: vec![Message::new("user", "hi")], ..ChatRequest::default() };
    let mut s = Box::pin(c.chat_stream(&req).await.map_err(err)?);
    let mut text = String::new();
    while let Some(ev) = s.next().await {
        match ev {
            Ok(StreamEvent::Delta(t)) => text.push_str(&t),
            Ok(_) => {}
            Err(e) => return Err(format!("{e} (after {:?})", text.chars().take(40).collect::<String>())),
        }
    }
    Ok(text)
}

async fn whole(url: String) -> Outcome {
    let c = client(&url);
    let req = ChatRequest { messages: vec![Message::new("user", "hi")], ..ChatRequest::default() };
    c.chat(&req).await.map(|r| r.text).map_err(err)
}

async fn models(url: String) -> Outcome {
    client(&url).models(Kind::Openai, Duration::from_secs(3)).await.map(|m| m.len().to_string()).map_err(err)
}

fn http(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut v = format!("HTTP/1.1 {status}\r\n{headers}connection: close\r\n\r\n").into_bytes();
    v.extend_from_slice(body);
    v
}

fn sse_head() -> &'static str {
    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
}

fn delta(t: &str) -> String {
    format!("data: {}\n\n", serde_json::json!({"choices": [{"delta": {"content": t}, "finish_reason": null}]}))
}

fn vm_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn is_err(o: &Outcome) -> bool {
    o.is_err()
}

fn too_large(o: &Outcome) -> bool {
    o.as_ref().is_err_and(|e| e.contains("larger than"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_backend_ends_in_a_clear_error_or_a_sane_value() {
    let f = Fake::start().await;
    let u = f.url();
    let mut cases: Vec<Case> = Vec::new();
    let mut n = 0;
    let mut route = |path: &str, reply: Reply| {
        // Each case has its own path prefix, so cases never see each other's answers.
        n += 1;
        let prefix = format!("/c{n}");
        f.route(&format!("{prefix}{path}"), reply);
        format!("{u}{prefix}")
    };

    // -- bodies with no end, or too big --
    let b = route("/health", Reply::endless("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n", &[b'x'; 65536]));
    cases.push(("health that streams for ever", Box::pin(probe(b)), too_large));
    let big = vec![b'x'; 3 * 1024 * 1024];
    let b = route("/health", Reply::raw(vec![http("200 OK", "content-length: 3145728\r\n", &big)], Duration::ZERO));
    cases.push(("health with a 3 MiB body", Box::pin(probe(b)), too_large));
    let b =
        route("/health", Reply::raw(vec![http("200 OK", "content-length: 99999999999\r\n", b"ok")], Duration::ZERO));
    cases.push(("health claiming a 100 GB body", Box::pin(probe(b)), too_large));
    let drip: Vec<Vec<u8>> = std::iter::once(http("200 OK", "", b"")).chain((0..100).map(|_| b"x".to_vec())).collect();
    let b = route("/health", Reply::raw(drip, Duration::from_millis(100)));
    cases.push(("health that drips a byte every 100 ms", Box::pin(probe(b)), |o| {
        o.as_ref().is_err_and(|e| e.contains("no answer within"))
    }));
    let b = route("/health", Reply::endless("HTTP/1.1 200 OK\r\nx-endless: ", b"aaaaaaaaaaaaaaaa"));
    cases.push(("a header line that never ends", Box::pin(probe(b)), is_err));
    let b = route("/health", Reply::raw(vec![b"SSH-2.0-OpenSSH_9.2\r\n".to_vec()], Duration::ZERO));
    cases.push(("not HTTP at all", Box::pin(probe(b)), is_err));

    // -- redirects and echoed keys --
    let b = route(
        "/health",
        Reply::raw(
            vec![http("302 Found", "location: http://127.0.0.2:9/steal\r\ncontent-length: 0\r\n", b"")],
            Duration::ZERO,
        ),
    );
    cases.push(("a redirect to another host", Box::pin(probe(b)), |o| {
        o.as_ref().is_err_and(|e| e.contains("HTTP 302"))
    }));
    let body = format!("{{\"error\":\"bad key {KEY}\"}}");
    let b = route("/health", Reply::status(401, &body));
    cases.push(("an error body echoing the API key", Box::pin(probe(b)), |o| {
        o.as_ref().is_err_and(|e| e.contains("HTTP 401") && !e.contains(KEY))
    }));
    let huge_err = "e".repeat(10 * 1024 * 1024);
    let b = route("/health", Reply::status(500, &huge_err));
    cases.push(("a 10 MiB error body", Box::pin(probe(b)), |o| o.as_ref().is_err_and(|e| e.len() < 1000)));

    // -- model lists --
    let many: Vec<serde_json::Value> = (0..20_000).map(|i| serde_json::json!({"id": format!("m{i}")})).collect();
    let b = route("/v1/models", Reply::ok(&serde_json::json!({"data": many}).to_string()));
    cases.push(("a list of 20000 models", Box::pin(models(b)), |o| o.as_ref().is_ok_and(|n| n == "1000")));
    let b = route("/v1/models", Reply::ok(r#"{"data":"nope"}"#));
    cases.push(("a model list that is not a list", Box::pin(models(b)), is_err));

    // -- load figures: numbers out of range --
    let b = route("/props", Reply::ok(r#"{"total_slots": 4294967295}"#));
    f.route(&format!("{}/metrics", b.trim_start_matches(&u)), Reply::ok("llamacpp:requests_processing 3\n"));
    cases.push(("total_slots 4294967295 without /slots", Box::pin(figures_case(b, Kind::Llamacpp)), |o| {
        o.as_ref().is_ok_and(|s| s.contains("slots: Some(1024)"))
    }));
    let b = route("/metrics", Reply::ok("llamacpp:requests_deferred +Inf\nllamacpp:requests_processing 1\n"));
    cases.push(("requests_deferred +Inf", Box::pin(figures_case(b, Kind::Llamacpp)), |o| o.is_ok()));
    let b = route("/metrics", Reply::ok("llamacpp:requests_deferred NaN\nllamacpp:predicted_tokens_seconds NaN\n"));
    cases.push(("requests_deferred NaN", Box::pin(figures_case(b, Kind::Llamacpp)), |o| {
        o.as_ref().is_ok_and(|s| s.contains("waiting: Some(0)"))
    }));
    let b = route("/metrics", Reply::ok("llamacpp:requests_deferred 1e300\nllamacpp:kv_cache_usage_ratio -7\n"));
    cases.push(("requests_deferred 1e300, kv -7", Box::pin(figures_case(b, Kind::Llamacpp)), |o| o.is_ok()));
    let slots = r#"[{"id":0,"id_task":1,"is_processing":true,"next_token":[{"n_decoded":1e300,"n_remain":1e300}]},
                   {"id":1,"id_task":2,"is_processing":true,"next_token":[{"n_decoded":-1e300,"n_remain":-5}]},
                   {"id":2,"id_task":3,"is_processing":true,"params":{"n_predict":9.9e307},"n_decoded":9.9e307}]"#;
    let b = route("/slots", Reply::ok(slots));
    cases.push(("slots with 1e300 tokens", Box::pin(figures_case(b, Kind::Llamacpp)), |o| o.is_ok()));
    let many_slots: Vec<serde_json::Value> = (0..100_000)
        .map(|i| serde_json::json!({"id": i, "id_task": i, "is_processing": true, "n_decoded": 1}))
        .collect();
    let b = route("/slots", Reply::ok(&serde_json::Value::from(many_slots).to_string()));
    cases.push(("100000 slots (over the 1 MiB cap)", Box::pin(figures_case(b, Kind::Llamacpp)), too_large));
    let few: Vec<serde_json::Value> =
        (0..5000).map(|i| serde_json::json!({"id": i, "is_processing": i % 2 == 0})).collect();
    let b = route("/slots", Reply::ok(&serde_json::Value::from(few).to_string()));
    cases.push(("5000 slots", Box::pin(figures_case(b, Kind::Llamacpp)), |o| {
        o.as_ref().is_ok_and(|s| s.contains("slots: Some(1024)"))
    }));
    let b = route("/slots", Reply::ok("{not json"));
    cases.push(("slots that are not JSON", Box::pin(figures_case(b, Kind::Llamacpp)), is_err));
    let b = route(
        "/metrics",
        Reply::ok("vllm:num_requests_running +Inf\nvllm:num_requests_waiting 1e308\nvllm:e2e_request_latency_seconds_sum NaN\nvllm:e2e_request_latency_seconds_count 0\n"),
    );
    cases.push(("vLLM figures of Inf, 1e308 and NaN", Box::pin(figures_case(b, Kind::Vllm)), |o| o.is_ok()));
    let b = route("/metrics", Reply::ok(&"x 1\n".repeat(400_000)));
    cases.push(("a 1.6 MB metrics page", Box::pin(figures_case(b, Kind::Vllm)), too_large));

    // -- streams --
    let mut no_newline = sse_head().as_bytes().to_vec();
    no_newline.extend_from_slice(b"data: ");
    let b = route("/v1/chat/completions", Reply::endless(std::str::from_utf8(&no_newline).unwrap(), &[b'a'; 65536]));
    cases.push(("an SSE line that never ends", Box::pin(stream(b)), too_large));
    let pieces = vec![sse_head().as_bytes().to_vec(), delta("Hel").into_bytes(), delta("lo").into_bytes()];
    let b = route("/v1/chat/completions", Reply::raw(pieces, Duration::from_millis(10)));
    cases.push(("[DONE] never sent", Box::pin(stream(b)), |o| {
        o.as_ref().is_err_and(|e| e.contains("stopped before it was complete") && e.contains("Hello"))
    }));
    let text = "안녕하세요, 반가워요 🙂";
    let event = format!(
        "{}data: {}\n\ndata: [DONE]\n\n",
        delta(text),
        serde_json::json!({"choices": [{"delta": {}, "finish_reason": "stop"}]})
    );
    let bytes = event.as_bytes();
    let mut pieces = vec![sse_head().as_bytes().to_vec()];
    pieces.extend(bytes.chunks(1).map(<[u8]>::to_vec));
    let b = route("/v1/chat/completions", Reply::raw(pieces, Duration::ZERO));
    cases.push(("a stream cut into single bytes (Hangul split at every offset)", Box::pin(stream(b)), |o| {
        o.as_ref().is_ok_and(|t| t == "안녕하세요, 반가워요 🙂")
    }));
    let crlf = format!("{}data: [DONE]\r\n\r\n", delta("ok").replace('\n', "\r\n"));
    let b = route(
        "/v1/chat/completions",
        Reply::raw(vec![sse_head().as_bytes().to_vec(), crlf.into_bytes()], Duration::ZERO),
    );
    cases.push(("CRLF line ends", Box::pin(stream(b)), |o| o.as_ref().is_ok_and(|t| t == "ok")));
    let junk = format!(": ping\nevent: hello\nretry: 1\nnonsense\n\n{}data: [DONE]\n\n", delta("fine"));
    let b = route(
        "/v1/chat/completions",
        Reply::raw(vec![sse_head().as_bytes().to_vec(), junk.into_bytes()], Duration::ZERO),
    );
    cases.push(("comments and unknown fields", Box::pin(stream(b)), |o| o.as_ref().is_ok_and(|t| t == "fine")));
    let e = format!("{}data: {{\"error\":{{\"message\":\"out of memory\"}}}}\n\n", delta("par"));
    let b =
        route("/v1/chat/completions", Reply::raw(vec![sse_head().as_bytes().to_vec(), e.into_bytes()], Duration::ZERO));
    cases.push(("an error inside the stream", Box::pin(stream(b)), |o| {
        o.as_ref().is_err_and(|e| e.contains("out of memory"))
    }));
    let b = route(
        "/v1/chat/completions",
        Reply::raw(vec![sse_head().as_bytes().to_vec(), b"data: {bad json\n\n".to_vec()], Duration::ZERO),
    );
    cases.push(("a chunk that is not JSON", Box::pin(stream(b)), |o| {
        o.as_ref().is_err_and(|e| e.contains("bad stream chunk"))
    }));

    // -- whole answers --
    let b = route("/v1/chat/completions", Reply::ok(&format!("{{\"x\":\"{}\"}}", "y".repeat(9 * 1024 * 1024))));
    cases.push(("a 9 MiB whole answer", Box::pin(whole(b)), too_large));
    let b = route("/v1/chat/completions", Reply::ok(r#"{"object":"chat.completion"}"#));
    cases.push(("an answer without choices", Box::pin(whole(b)), |o| {
        o.as_ref().is_err_and(|e| e.contains("no choices"))
    }));

    assert!(cases.len() >= 25, "{} cases", cases.len());
    let before = vm_rss_kib();
    let mut wrong = Vec::new();
    for (name, case, ok) in cases {
        let started = Instant::now();
        match tokio::time::timeout(Duration::from_secs(10), case).await {
            Err(_) => wrong.push(format!("{name}: no end within 10 s")),
            Ok(outcome) if !ok(&outcome) => wrong.push(format!("{name}: {outcome:?}")),
            Ok(outcome) => {
                let shown: String = format!("{outcome:?}").chars().take(100).collect();
                eprintln!("ok  {name} ({:.1} s): {shown}", started.elapsed().as_secs_f64());
            }
        }
    }
    let grown_mib = vm_rss_kib().saturating_sub(before) as f64 / 1024.0;
    eprintln!("memory growth over the corpus: {grown_mib:.1} MiB");
    assert!(wrong.is_empty(), "cases that went wrong:\n{}", wrong.join("\n"));
    assert!(grown_mib < 100.0, "the corpus grew the process by {grown_mib:.1} MiB");
}
