//! What `/slots`, `/props` and `/metrics` answered, read leniently (their shapes change across
//! server versions).

use std::collections::HashMap;

use serde_json::Value;

use super::prometheus;
use crate::config::Kind;

/// Most slots believed of a server (llama.cpp's `-np`; real servers have a few dozen).
pub const MAX_SLOTS: usize = 1024;
/// Most requests believed running or waiting on a server.
pub const MAX_QUEUE: u32 = 4096;
/// Most tokens believed of one request (decoded or remaining).
pub const MAX_TOKENS: i64 = 10_000_000;
/// Most models listed.
pub const MAX_MODELS: usize = 64;

/// A count a server reported, made sane: not a number or negative is 0, more than
/// [`MAX_QUEUE`] (or infinite) is [`MAX_QUEUE`].
pub fn count(v: f64) -> u32 {
    if v.is_nan() || v <= 0.0 {
        0
    } else {
        v.min(f64::from(MAX_QUEUE)).round() as u32
    }
}

/// A figure that must be finite and within `lo..=hi` to mean anything; else none.
pub fn within(v: f64, lo: f64, hi: f64) -> Option<f64> {
    (v.is_finite() && (lo..=hi).contains(&v)).then_some(v)
}

/// One llama.cpp slot, as `/slots` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub id: i64,
    /// The task the slot works on; changes when a new request takes the slot.
    pub id_task: i64,
    pub processing: bool,
    /// Tokens generated so far for the current task.
    pub n_decoded: i64,
    /// Tokens left before `max_tokens` (negative: no limit known).
    pub n_remain: i64,
}

/// What one read returned, before interpretation.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Llama {
        /// `/metrics` totals, when the server runs with `--metrics`.
        metrics: Option<HashMap<String, f64>>,
        /// `/slots`, unless the server runs with `--no-slots`.
        slots: Option<Vec<Slot>>,
        /// `/props` `total_slots`, read only when `/slots` is off.
        total_slots: Option<u32>,
    },
    /// vLLM, SGLang, TGI.
    Batch {
        running: f64,
        waiting: f64,
        kv_usage: Option<f64>,
        mean_request_ms: Option<f64>,
    },
    Ollama {
        loaded: Vec<String>,
    },
}

fn int(v: Option<&Value>) -> Option<i64> {
    // `as` saturates (and reads NaN as 0): 1e300 becomes i64::MAX, clamped by the caller.
    v.and_then(|x| x.as_i64().or_else(|| x.as_f64().map(|f| f as i64)).or_else(|| x.as_bool().map(i64::from)))
}

/// Tokens, clamped to `0..=MAX_TOKENS`.
fn tokens(v: i64) -> i64 {
    v.clamp(0, MAX_TOKENS)
}

/// Parses `/slots` leniently (its shape has changed across llama.cpp versions); at most
/// [`MAX_SLOTS`], every token count clamped.
pub fn parse_slots(v: &Value) -> Vec<Slot> {
    let Some(arr) = v.as_array() else { return Vec::new() };
    arr.iter()
        .take(MAX_SLOTS)
        .enumerate()
        .map(|(i, s)| {
            let next = match s.get("next_token") {
                Some(Value::Array(a)) => a.first(),
                other => other,
            };
            let processing = s
                .get("is_processing")
                .and_then(Value::as_bool)
                .or_else(|| int(s.get("state")).map(|st| st != 0))
                .unwrap_or(false);
            let n_decoded =
                tokens(int(next.and_then(|n| n.get("n_decoded"))).or_else(|| int(s.get("n_decoded"))).unwrap_or(0));
            let n_remain = int(next.and_then(|n| n.get("n_remain")))
                .or_else(|| int(s.pointer("/params/n_predict")).filter(|n| *n >= 0).map(|n| tokens(n) - n_decoded))
                .filter(|n| *n >= 0)
                .map_or(-1, tokens);
            Slot {
                id: int(s.get("id")).unwrap_or(i as i64),
                id_task: int(s.get("id_task")).unwrap_or(-1),
                processing,
                n_decoded,
                n_remain,
            }
        })
        .collect()
}

/// A day in ms: no request time or wait is believed beyond it.
pub const DAY_MS: f64 = 86_400_000.0;

pub(crate) fn parse_batch(kind: Kind, text: &str) -> Raw {
    let samples = prometheus::parse(text);
    let m = prometheus::totals(&samples);
    let get = |names: &[&str]| names.iter().find_map(|n| m.get(n).copied());
    let (running, waiting, kv, sum, count) = match kind {
        Kind::Vllm => (
            get(&["vllm:num_requests_running"]),
            get(&["vllm:num_requests_waiting"]),
            get(&["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"]),
            get(&["vllm:e2e_request_latency_seconds_sum"]),
            get(&["vllm:e2e_request_latency_seconds_count"]),
        ),
        Kind::Sglang => (
            get(&["sglang:num_running_reqs"]),
            get(&["sglang:num_queue_reqs"]),
            get(&["sglang:token_usage"]),
            get(&["sglang:e2e_request_latency_seconds_sum"]),
            get(&["sglang:e2e_request_latency_seconds_count"]),
        ),
        _ => (
            get(&["tgi_batch_current_size"]),
            get(&["tgi_queue_size"]),
            None,
            get(&["tgi_request_duration_sum"]),
            get(&["tgi_request_duration_count"]),
        ),
    };
    let mean_request_ms = match (sum, count) {
        (Some(s), Some(c)) if c > 0.0 => within(s / c * 1000.0, 0.0, DAY_MS),
        _ => None,
    };
    Raw::Batch {
        running: f64::from(self::count(running.unwrap_or(0.0))),
        waiting: f64::from(self::count(waiting.unwrap_or(0.0))),
        kv_usage: kv.and_then(|k| within(k, 0.0, 1.0)),
        mean_request_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parse_slots_current_shape() {
        let v = json!([
            {"id":0,"id_task":12,"n_ctx":8192,"is_processing":true,"params":{"n_predict":200},
             "next_token":[{"has_next_token":true,"n_remain":150,"n_decoded":50}]},
            {"id":1,"id_task":-1,"is_processing":false,"params":{"n_predict":-1},
             "next_token":[{"has_next_token":false,"n_remain":-1,"n_decoded":0}]}
        ]);
        let s = parse_slots(&v);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0], Slot { id: 0, id_task: 12, processing: true, n_decoded: 50, n_remain: 150 });
        assert!(!s[1].processing);
        assert_eq!(parse_slots(&json!({"error": "x"})), vec![]);
    }
}
