//! `config::Config::parse`: the module's promise is "Nothing here panics on bad input", and
//! errors name the file, the line and the column. Checked besides, on success, what the parser
//! and its checks (config/parse.rs, check.rs, raw.rs) guarantee the engine:
//! - a classifier and a reasoner; names non-empty, trimmed and unique;
//! - urls http(s) with a host, stored as the server root ending in `/`;
//! - launch only with a program and a loopback url;
//! - every number within its range, finite; every duration "more than 0" and at most a week;
//!   `very_busy_ms >= busy_ms`.
//!
//! On error: the message is not empty; `Invalid` names the file and a line/column within it.
//!
//! The path is in a directory that does not exist, so relative key files are never found.
#![no_main]

use std::path::Path;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use switchboard_core::config::{is_loopback, Config, ConfigError, Role};

const PATH: &str = "/nonexistent/switchboard-fuzz/config.toml";
/// check.rs's MAX_SECS (not public): a week.
const MAX_SECS: f64 = 7.0 * 86_400.0;
/// raw.rs's DAY_MS (not public).
const DAY_MS: f64 = 86_400_000.0;

fn duration(name: &str, d: Duration) {
    assert!(d > Duration::ZERO, "{name} = {d:?}: a duration setting must be more than 0");
    assert!(d.as_secs_f64() <= MAX_SECS, "{name} = {d:?} is more than a week");
}

fn within(name: &str, x: f64, lo: f64, hi: f64) {
    assert!(x.is_finite() && x >= lo && x <= hi, "{name} = {x} outside {lo}..={hi}");
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Config::parse(&text, Path::new(PATH)) {
        Ok(c) => {
            for role in [Role::Classifier, Role::Reasoner] {
                assert!(c.backends.iter().any(|b| b.role == role), "no {role:?}");
            }
            for (i, b) in c.backends.iter().enumerate() {
                assert!(!b.name.is_empty() && b.name.trim() == b.name, "name {:?}", b.name);
                assert!(c.backends[..i].iter().all(|o| o.name != b.name), "duplicate {:?}", b.name);
                assert!(matches!(b.url.scheme(), "http" | "https"), "url {}", b.url);
                assert!(b.url.host_str().is_some(), "url {} without a host", b.url);
                assert!(b.url.path().ends_with('/'), "url {} not a root ending in /", b.url);
                assert!(b.url.join("v1/models").is_ok(), "url {} cannot be joined", b.url);
                if let Some(argv) = &b.launch {
                    assert!(argv.first().is_some_and(|p| !p.trim().is_empty()), "launch {argv:?}");
                    assert!(is_loopback(&b.url), "launch with a non-loopback url {}", b.url);
                }
                within("temperature", b.temperature, 0.0, 2.0);
                assert!((1..=1_000_000).contains(&b.max_tokens), "max_tokens {}", b.max_tokens);
                duration("timeout", b.timeout);
                duration("stall_timeout", b.stall_timeout);
                if let Some(n) = b.max_concurrent {
                    assert!((1..=1024).contains(&n), "max_concurrent {n}");
                }
            }
            let h = &c.health;
            for (name, d) in [
                ("interval", h.interval),
                ("probe_timeout", h.probe_timeout),
                ("poll_interval", h.poll_interval),
                ("down_probe_min", h.down_probe_min),
                ("down_probe_max", h.down_probe_max),
                ("down_backoff_after", h.down_backoff_after),
            ] {
                duration(name, d);
            }
            for (name, n) in [("rise", h.rise), ("fall", h.fall), ("fall_refused", h.fall_refused)] {
                assert!((1..=1000).contains(&n), "{name} = {n}");
            }
            let l = &c.load;
            for (name, d) in [
                ("cache", l.cache),
                ("cooldown", l.cooldown),
                ("ping_timeout", l.ping_timeout),
                ("native_max_age", l.native_max_age),
            ] {
                duration(name, d);
            }
            for (name, x) in [
                ("busy_ms", l.busy_ms),
                ("very_busy_ms", l.very_busy_ms),
                ("baseline_floor_ms", l.baseline_floor_ms),
                ("baseline_unknown_ms", l.baseline_unknown_ms),
            ] {
                within(name, x, 0.0, DAY_MS);
            }
            for (name, x) in [
                ("ping_trigger_ratio", l.ping_trigger_ratio),
                ("probe_busy_ratio", l.probe_busy_ratio),
                ("probe_normal_ratio", l.probe_normal_ratio),
            ] {
                within(name, x, 0.0, 1000.0);
            }
            within("baseline_alpha", l.baseline_alpha, 0.0, 1.0);
            assert!(l.baseline_warmup <= 1000);
            assert!(l.very_busy_ms >= l.busy_ms, "very_busy_ms {} < busy_ms {}", l.very_busy_ms, l.busy_ms);
            assert!(c.chat.history_turns <= 100);
            assert!(!c.chat.name.trim().is_empty());
        }
        Err(e) => {
            let shown = e.to_string();
            assert!(!shown.trim().is_empty(), "an empty message for {e:?}");
            if let ConfigError::Invalid { line, column, message, .. } = &e {
                assert!(!message.trim().is_empty(), "an empty message for {e:?}");
                assert!(shown.starts_with(&format!("{PATH}:{line}:{column}: ")), "{shown:?}");
                let lines = text.split('\n').count();
                assert!(*line >= 1 && *line <= lines, "line {line} of {lines}");
                assert!(*column >= 1, "column {column}");
            }
        }
    }
});
