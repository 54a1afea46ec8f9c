//! A config edge corpus: each file is valid, or an error naming the line and the key; none
//! panics (checked with `catch_unwind`), none is accepted with a number the engine cannot use,
//! and no error shows a URL's credentials.

use std::path::Path;

use switchboard_core::config::{Config, ConfigError};

const BASE: &str =
    "[[backend]]\nname = \"small\"\nrole = \"classifier\"\nurl = \"http://127.0.0.1:8080\"\nmodel = \"s\"\n\n\
[[backend]]\nname = \"big\"\nrole = \"reasoner\"\nurl = \"http://127.0.0.1:8081\"\nmodel = \"b\"\n";

/// What a case must give: valid, or an error at `line` about `key`.
enum Want {
    Ok,
    Err(usize, &'static str),
}

/// `BASE` with `extra` lines added to the second backend (line 11 on), or after it as sections.
fn backend(extra: &str) -> String {
    format!("{BASE}{extra}\n")
}

fn section(name: &str, body: &str) -> String {
    format!("{BASE}\n[{name}]\n{body}\n")
}

#[test]
fn every_edge_is_valid_or_a_file_line_key_error_and_never_a_panic() {
    // Lines: BASE is 11 lines; backend extras start at line 12; a section's header is line 13,
    // its first key line 14.
    let cases: Vec<(&str, String, Want)> = vec![
        ("timeout inf", backend("timeout_secs = inf"), Want::Err(12, "timeout_secs")),
        ("timeout 1e20", backend("timeout_secs = 1e20"), Want::Err(12, "timeout_secs")),
        ("timeout nan", backend("timeout_secs = nan"), Want::Err(12, "timeout_secs")),
        ("timeout -1", backend("timeout_secs = -1"), Want::Err(12, "timeout_secs")),
        ("timeout 0", backend("timeout_secs = 0"), Want::Err(12, "timeout_secs")),
        ("timeout 600", backend("timeout_secs = 600"), Want::Ok),
        ("stall 1e19", backend("stall_timeout_secs = 1e19"), Want::Err(12, "stall_timeout_secs")),
        ("temperature nan", backend("temperature = nan"), Want::Err(12, "temperature")),
        ("temperature 3", backend("temperature = 3"), Want::Err(12, "temperature")),
        ("temperature -0.1", backend("temperature = -0.1"), Want::Err(12, "temperature")),
        ("max_tokens 0", backend("max_tokens = 0"), Want::Err(12, "max_tokens")),
        ("max_tokens 1e9 as int", backend("max_tokens = 1000000000"), Want::Err(12, "max_tokens")),
        ("max_tokens negative", backend("max_tokens = -5"), Want::Err(12, "")),
        ("max_concurrent i64 max", backend("max_concurrent = 9223372036854775807"), Want::Err(12, "max_concurrent")),
        ("max_concurrent 0 means no limit", backend("max_concurrent = 0"), Want::Ok),
        ("max_concurrent 4", backend("max_concurrent = 4"), Want::Ok),
        ("interval 1e20", section("health", "interval_secs = 1e20"), Want::Err(14, "health.interval_secs")),
        ("poll 1e19", section("health", "poll_interval_secs = 1e19"), Want::Err(14, "health.poll_interval_secs")),
        (
            "probe timeout -inf",
            section("health", "probe_timeout_secs = -inf"),
            Want::Err(14, "health.probe_timeout_secs"),
        ),
        ("rise 0", section("health", "rise = 0"), Want::Err(14, "health.rise")),
        ("fall huge", section("health", "fall = 4000000000"), Want::Err(14, "health.fall")),
        (
            "down max 1e300",
            section("health", "down_probe_max_secs = 1e300"),
            Want::Err(14, "health.down_probe_max_secs"),
        ),
        ("busy nan", section("load", "busy_ms = nan"), Want::Err(14, "load.busy_ms")),
        ("busy inf", section("load", "busy_ms = inf"), Want::Err(14, "load.busy_ms")),
        ("very busy below busy", section("load", "busy_ms = 9000"), Want::Err(1, "load.very_busy_ms")),
        ("alpha 2", section("load", "baseline_alpha = 2.0"), Want::Err(14, "load.baseline_alpha")),
        ("ratio nan", section("load", "ping_trigger_ratio = nan"), Want::Err(14, "load.ping_trigger_ratio")),
        ("cache 1e40", section("load", "cache_secs = 1e40"), Want::Err(14, "load.cache_secs")),
        ("warmup huge", section("load", "baseline_warmup = 99999999"), Want::Err(14, "load.baseline_warmup")),
        (
            "history huge",
            section("assistant", "history_turns = 18446744073709551615"),
            Want::Err(14, "assistant.history_turns"),
        ),
        ("history 20", section("assistant", "history_turns = 20"), Want::Ok),
        ("all defaults spelled out", section("load", "busy_ms = 4000\nvery_busy_ms = 8000\ncache_secs = 30"), Want::Ok),
        ("a string for a number", backend("timeout_secs = \"soon\""), Want::Err(12, "")),
        ("an integer too big for TOML", backend("max_tokens = 99999999999999999999999"), Want::Err(12, "")),
    ];
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for (name, text, want) in &cases {
        let parsed = std::panic::catch_unwind(|| Config::parse(text, Path::new("/etc/sb.toml")));
        let Ok(result) = parsed else {
            wrong.push(format!("{name}: panicked"));
            continue;
        };
        match (want, result) {
            (Want::Ok, Ok(_)) => {}
            (Want::Err(line, key), Err(ConfigError::Invalid { line: l, key: k, message, .. })) => {
                let key_ok = key.is_empty() || k.as_deref() == Some(*key);
                if l != *line || !key_ok {
                    wrong
                        .push(format!("{name}: error at line {l} key {k:?} ({message}), wanted line {line} key {key}"));
                }
            }
            (_, other) => wrong.push(format!("{name}: {other:?}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_bad_url_error_never_shows_its_credentials() {
    for url in [
        "http://bob:hunter2@127.0.0.1:8081/v1?key=abc",
        "ftp://bob:hunter2@x/?key=abc",
        "bob:hunter2@not a url?key=abc",
    ] {
        let text =
            BASE.replace("http://127.0.0.1:8081", url).replace("\"classifier\"", "\"classifier\"\ntemperature = 9");
        let shown = Config::parse(&text, Path::new("/etc/sb.toml")).unwrap_err().to_string();
        assert!(!shown.contains("hunter2") && !shown.contains("abc"), "{url}: {shown}");
    }
}

#[test]
fn a_key_file_must_be_a_small_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("adir")).unwrap();
    std::fs::write(dir.path().join("big.key"), vec![b'k'; 100 * 1024]).unwrap();
    for (file, says) in [("adir", "not a regular file"), ("big.key", "larger than 64 KiB")] {
        let text = backend(&format!("api_key_file = \"{file}\""));
        let err = Config::parse(&text, &dir.path().join("c.toml")).unwrap_err();
        match err {
            ConfigError::Invalid { key, message, .. } => {
                assert_eq!(key.as_deref(), Some("api_key_file"));
                assert!(message.contains(says), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
