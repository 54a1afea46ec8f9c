//! A server's own load figures, and the wait a new request would face, estimated from them.
//!
//! - llama.cpp: `/slots` (per slot: processing, tokens decoded, tokens remaining) and
//!   `/metrics` (`llamacpp:requests_processing`, `llamacpp:requests_deferred`, throughput).
//!   The wait is simulated: each busy slot frees after its remaining tokens at the measured
//!   per-slot speed; each deferred request takes a slot for the length of a typical running
//!   request; the new request starts when the next slot frees after that.
//! - vLLM, SGLang, TGI: running and waiting requests and the mean request duration from
//!   `/metrics`; the wait is a rough estimate (waiting requests × mean duration / batch).
//! - Ollama: `/api/ps` lists the loaded models; it publishes no queue, so the level falls back
//!   to request timing and pings.
//!
//! Reading these costs the GPU nothing, so they are read often and serve as liveness evidence.

use std::collections::HashMap;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio::time::Instant;

use super::{BackendClient, ClientError};
use crate::config::Kind;
use crate::prometheus;

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

/// Native load figures, interpreted, as the status shows them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NativeLoad {
    /// Requests being generated now.
    pub running: Option<u32>,
    /// Requests queued, not started.
    pub waiting: Option<u32>,
    /// Requests the server generates together.
    pub slots: Option<u32>,
    /// KV-cache use, 0..1.
    pub kv_usage: Option<f64>,
    /// Estimated wait of a new request before it starts, in ms; `None` when the server's
    /// figures cannot say (Ollama).
    pub est_wait_ms: Option<f64>,
    /// Generation speed of one slot, tokens/s, when measured.
    pub slot_tokens_per_s: Option<f64>,
    /// Loaded models (Ollama).
    pub loaded_models: Vec<String>,
}

impl NativeLoad {
    /// True when the server is working on something.
    pub fn working(&self) -> bool {
        self.running.unwrap_or(0) > 0 || self.waiting.unwrap_or(0) > 0
    }
}

/// Reads the figures for `kind` (errors when the server publishes none, or is unreachable).
pub(super) async fn read(c: &BackendClient, kind: Kind, timeout: Duration) -> Result<Raw, ClientError> {
    match kind {
        Kind::Llamacpp => {
            let (metrics, slots) = tokio::join!(c.get_text("metrics", timeout), c.get_json("slots", timeout));
            let metrics = optional(metrics)?.map(|text| {
                prometheus::totals(&prometheus::parse(&text)).into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            });
            let slots = optional(slots)?.map(|v| parse_slots(&v));
            if metrics.is_none() && slots.is_none() {
                return Err(ClientError::Unsupported { url: c.shown("metrics") });
            }
            let total_slots = if slots.is_none() {
                optional(c.get_json("props", timeout).await)?
                    .and_then(|p| p.get("total_slots").and_then(Value::as_u64))
                    .and_then(|n| u32::try_from(n).ok())
            } else {
                None
            };
            Ok(Raw::Llama { metrics, slots, total_slots })
        }
        Kind::Vllm | Kind::Sglang | Kind::Tgi => {
            let text = c.get_text("metrics", timeout).await?;
            Ok(parse_batch(kind, &text))
        }
        Kind::Ollama => {
            let v = c.get_json("api/ps", timeout).await?;
            let loaded = v
                .get("models")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|m| m.get("name").and_then(Value::as_str)).map(str::to_string).collect())
                .unwrap_or_default();
            Ok(Raw::Ollama { loaded })
        }
        Kind::Openai | Kind::Auto => Err(ClientError::Unsupported { url: c.shown("metrics") }),
    }
}

/// An endpoint that is switched off is `None`; any other failure is an error.
fn optional<T>(r: Result<T, ClientError>) -> Result<Option<T>, ClientError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(ClientError::Unsupported { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

fn int(v: Option<&Value>) -> Option<i64> {
    v.and_then(|x| x.as_i64().or_else(|| x.as_f64().map(|f| f as i64)).or_else(|| x.as_bool().map(i64::from)))
}

/// Parses `/slots` leniently (its shape has changed across llama.cpp versions).
pub fn parse_slots(v: &Value) -> Vec<Slot> {
    let Some(arr) = v.as_array() else { return Vec::new() };
    arr.iter()
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
            let n_decoded = int(next.and_then(|n| n.get("n_decoded"))).or_else(|| int(s.get("n_decoded"))).unwrap_or(0);
            let n_remain = int(next.and_then(|n| n.get("n_remain")))
                .or_else(|| int(s.pointer("/params/n_predict")).filter(|n| *n >= 0).map(|n| n - n_decoded))
                .unwrap_or(-1);
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

fn parse_batch(kind: Kind, text: &str) -> Raw {
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
        (Some(s), Some(c)) if c > 0.0 => Some(s / c * 1000.0),
        _ => None,
    };
    Raw::Batch { running: running.unwrap_or(0.0), waiting: waiting.unwrap_or(0.0), kv_usage: kv, mean_request_ms }
}

/// Per-backend memory between reads: slot speeds, learnt from how fast `n_decoded` grows.
#[derive(Debug, Default, Clone)]
pub struct Tracker {
    /// Start of each busy slot's speed window: (task, tokens decoded, when).
    prev: HashMap<i64, (i64, i64, Instant)>,
    /// Tokens per second of one slot, smoothed.
    slot_tps: Option<f64>,
    /// Typical length in tokens of a request (decoded + remaining), smoothed.
    typical_tokens: Option<f64>,
}

/// Assumed speed before anything was measured (tokens/s of one slot).
const DEFAULT_SLOT_TPS: f64 = 30.0;
/// Shortest and longest window over which a slot's speed is measured, seconds.
const SPEED_WINDOW_MIN: f64 = 1.0;
const SPEED_WINDOW_MAX: f64 = 3.0;
/// Assumed length of a request whose length is unknown.
const DEFAULT_REQUEST_TOKENS: f64 = 256.0;

impl Tracker {
    /// Interprets one read taken at `now`.
    pub fn update(&mut self, raw: &Raw, now: Instant) -> NativeLoad {
        match raw {
            Raw::Llama { metrics, slots, total_slots } => {
                self.llama(metrics.as_ref(), slots.as_deref(), *total_slots, now)
            }
            Raw::Batch { running, waiting, kv_usage, mean_request_ms } => {
                let running_n = running.max(0.0).round() as u32;
                let waiting_n = waiting.max(0.0).round() as u32;
                let est = if waiting_n == 0 {
                    0.0
                } else {
                    let mean = mean_request_ms.unwrap_or(10_000.0);
                    mean * (f64::from(waiting_n) / f64::from(running_n.max(1)) + 0.5)
                };
                NativeLoad {
                    running: Some(running_n),
                    waiting: Some(waiting_n),
                    kv_usage: *kv_usage,
                    est_wait_ms: Some(est),
                    ..NativeLoad::default()
                }
            }
            Raw::Ollama { loaded } => NativeLoad { loaded_models: loaded.clone(), ..NativeLoad::default() },
        }
    }

    fn llama(
        &mut self,
        metrics: Option<&HashMap<String, f64>>,
        slots: Option<&[Slot]>,
        total: Option<u32>,
        now: Instant,
    ) -> NativeLoad {
        let metric = |name: &str| metrics.and_then(|m| m.get(name).copied());
        let deferred = metric("llamacpp:requests_deferred").unwrap_or(0.0).max(0.0).round() as u32;
        if let Some(slots) = slots {
            self.learn(slots, now);
        }
        if self.slot_tps.is_none() {
            // The server's own average generation speed (per slot), until we measure one.
            self.slot_tps = metric("llamacpp:predicted_tokens_seconds").filter(|v| *v > 0.5);
        }
        let tps = self.slot_tps.unwrap_or(DEFAULT_SLOT_TPS);
        let (running, slot_count, mut free_at_ms): (u32, u32, Vec<f64>) = match slots {
            Some(slots) => {
                let typical = self.typical_tokens.unwrap_or(DEFAULT_REQUEST_TOKENS);
                let free = slots
                    .iter()
                    .map(|s| {
                        if !s.processing {
                            0.0
                        } else {
                            let remain = if s.n_remain >= 0 {
                                s.n_remain as f64
                            } else {
                                (typical - s.n_decoded as f64).max(typical * 0.25)
                            };
                            remain / tps * 1000.0
                        }
                    })
                    .collect::<Vec<_>>();
                let running = slots.iter().filter(|s| s.processing).count() as u32;
                (running, slots.len() as u32, free)
            }
            None => {
                let running = metric("llamacpp:requests_processing").unwrap_or(0.0).max(0.0).round() as u32;
                let n = total.unwrap_or(running.max(1)).max(1);
                // Without /slots, assume each busy slot is halfway through a typical request.
                let half = self.typical_tokens.unwrap_or(DEFAULT_REQUEST_TOKENS) / 2.0 / tps * 1000.0;
                let free = (0..n).map(|i| if i < running { half } else { 0.0 }).collect();
                (running, n, free)
            }
        };
        let per_request_ms = self.typical_tokens.unwrap_or(DEFAULT_REQUEST_TOKENS) / tps * 1000.0;
        let est = simulate_wait(&mut free_at_ms, deferred, per_request_ms);
        NativeLoad {
            running: Some(running),
            waiting: Some(deferred),
            slots: Some(slot_count),
            kv_usage: metric("llamacpp:kv_cache_usage_ratio"),
            est_wait_ms: Some(est),
            slot_tokens_per_s: self.slot_tps,
            loaded_models: Vec::new(),
        }
    }

    /// Learns the per-slot speed from the growth of `n_decoded` of the same task between two
    /// reads, and the typical request length from what running tasks are allowed to produce.
    fn learn(&mut self, slots: &[Slot], now: Instant) {
        let mut seen = HashMap::new();
        let mut speeds = Vec::new();
        for s in slots.iter().filter(|s| s.processing) {
            // Measure over a window of 1..3 s of the same task: single reads of a busy server
            // arrive with jittered delays, so short windows give noisy speeds.
            let mut mark = (s.id_task, s.n_decoded, now);
            if let Some(&(task, decoded, at)) = self.prev.get(&s.id) {
                if task == s.id_task {
                    let dt = now.saturating_duration_since(at).as_secs_f64();
                    let grown = s.n_decoded - decoded;
                    if dt >= SPEED_WINDOW_MIN && grown > 0 {
                        speeds.push(grown as f64 / dt);
                    }
                    if dt < SPEED_WINDOW_MAX {
                        mark = (task, decoded, at);
                    }
                }
            }
            if s.n_remain >= 0 {
                let len = (s.n_decoded + s.n_remain) as f64;
                self.typical_tokens = Some(match self.typical_tokens {
                    Some(old) => old * 0.8 + len * 0.2,
                    None => len,
                });
            }
            seen.insert(s.id, mark);
        }
        if !speeds.is_empty() {
            let tps = speeds.iter().sum::<f64>() / speeds.len() as f64;
            self.slot_tps = Some(match self.slot_tps {
                Some(old) => old * 0.5 + tps * 0.5,
                None => tps,
            });
        }
        self.prev = seen;
    }
}

/// Given when each slot frees (ms from now), lets `deferred` queued requests take slots first
/// (each for `per_request_ms`), and returns when the next slot frees for a new request.
pub fn simulate_wait(free_at_ms: &mut Vec<f64>, deferred: u32, per_request_ms: f64) -> f64 {
    if free_at_ms.is_empty() {
        free_at_ms.push(0.0);
    }
    for _ in 0..deferred {
        let (i, t) = earliest(free_at_ms);
        free_at_ms[i] = t + per_request_ms;
    }
    earliest(free_at_ms).1
}

fn earliest(v: &[f64]) -> (usize, f64) {
    v.iter().copied().enumerate().fold((0, f64::INFINITY), |best, (i, t)| if t < best.1 { (i, t) } else { best })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn simulate_wait_cases() {
        // One free slot: no wait.
        assert_eq!(simulate_wait(&mut vec![0.0], 0, 1000.0), 0.0);
        // One busy slot freeing in 2 s: wait 2 s.
        assert_eq!(simulate_wait(&mut vec![2000.0], 0, 1000.0), 2000.0);
        // One slot, 2 s left, two deferred of 3 s each: 2 + 3 + 3.
        assert_eq!(simulate_wait(&mut vec![2000.0], 2, 3000.0), 8000.0);
        // Two slots (1 s, 4 s left), one deferred of 3 s: it takes the first (1 + 3 = 4), the
        // new request gets the second at 4 s.
        assert_eq!(simulate_wait(&mut vec![1000.0, 4000.0], 1, 3000.0), 4000.0);
        // Deferred with a free slot (a race): the deferred one takes it.
        assert_eq!(simulate_wait(&mut vec![0.0, 5000.0], 1, 3000.0), 3000.0);
    }

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

    fn slot(id: i64, task: i64, decoded: i64, remain: i64) -> Slot {
        Slot { id, id_task: task, processing: true, n_decoded: decoded, n_remain: remain }
    }

    #[tokio::test(start_paused = true)]
    async fn tracker_learns_speed_and_estimates_wait() {
        let mut t = Tracker::default();
        let raw = |slots: Vec<Slot>, deferred: f64| Raw::Llama {
            metrics: Some(HashMap::from([("llamacpp:requests_deferred".to_string(), deferred)])),
            slots: Some(slots),
            total_slots: None,
        };
        let first = t.update(&raw(vec![slot(0, 7, 0, 200)], 0.0), Instant::now());
        assert_eq!(first.running, Some(1));
        tokio::time::advance(Duration::from_secs(1)).await;
        // 50 tokens in 1 s: 50 tok/s; 150 left: 3 s.
        let second = t.update(&raw(vec![slot(0, 7, 50, 150)], 0.0), Instant::now());
        assert_eq!(second.slot_tokens_per_s, Some(50.0));
        assert!((second.est_wait_ms.unwrap() - 3000.0).abs() < 1.0, "{second:?}");
        // One deferred request of a typical 200 tokens (4 s) ahead: 3 + 4 = 7 s.
        let third = t.update(&raw(vec![slot(0, 7, 50, 150)], 1.0), Instant::now());
        assert!((third.est_wait_ms.unwrap() - 7000.0).abs() < 1.0, "{third:?}");
        assert_eq!(third.waiting, Some(1));
        // Idle slots: no wait, not working.
        let idle = t.update(
            &raw(vec![Slot { id: 0, id_task: 7, processing: false, n_decoded: 200, n_remain: 0 }], 0.0),
            Instant::now(),
        );
        assert_eq!(idle.est_wait_ms, Some(0.0));
        assert!(!idle.working());
    }

    #[tokio::test(start_paused = true)]
    async fn speed_is_measured_over_a_window_not_between_jittery_reads() {
        let mut t = Tracker::default();
        let raw = |decoded: i64| Raw::Llama {
            metrics: None,
            slots: Some(vec![slot(0, 3, decoded, 1000)]),
            total_slots: None,
        };
        t.update(&raw(0), Instant::now());
        // A read that arrived late, then one right after it: 45 tokens "in 0.3 s" is noise.
        tokio::time::advance(Duration::from_millis(300)).await;
        assert_eq!(t.update(&raw(45), Instant::now()).slot_tokens_per_s, None);
        tokio::time::advance(Duration::from_millis(700)).await;
        assert_eq!(t.update(&raw(50), Instant::now()).slot_tokens_per_s, Some(50.0));
        // 250 tokens over the 4 s window: 62.5, averaged with 50.
        tokio::time::advance(Duration::from_secs(3)).await;
        assert_eq!(t.update(&raw(250), Instant::now()).slot_tokens_per_s, Some(56.25));
        // The window was over 3 s old, so it restarted there: 100 tokens in the last second.
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(t.update(&raw(350), Instant::now()).slot_tokens_per_s, Some(78.125));
    }

    #[test]
    fn batch_servers() {
        let text = "vllm:num_requests_running{m=\"x\"} 8\nvllm:num_requests_waiting{m=\"x\"} 4\n\
                    vllm:e2e_request_latency_seconds_sum 20\nvllm:e2e_request_latency_seconds_count 10\n";
        let raw = parse_batch(Kind::Vllm, text);
        let load = Tracker::default().update(&raw, Instant::now());
        assert_eq!((load.running, load.waiting), (Some(8), Some(4)));
        // 4 waiting over a batch of 8, mean 2 s: 2 * (0.5 + 0.5) = 2 s.
        assert_eq!(load.est_wait_ms, Some(2000.0));
        let raw = parse_batch(Kind::Tgi, "tgi_queue_size 0\ntgi_batch_current_size 2\n");
        assert_eq!(Tracker::default().update(&raw, Instant::now()).est_wait_ms, Some(0.0));
    }
}
