//! Per-backend memory between reads: slot speeds, learnt from how fast `n_decoded` grows, and
//! the typical request length, learnt from the requests that ended; with them, a read becomes
//! [`NativeLoad`] figures.

use std::collections::HashMap;

use tokio::time::Instant;

use super::parse::{count, within, Raw, Slot, DAY_MS, MAX_SLOTS, MAX_TOKENS};
use super::simulate::simulate_wait;
use crate::model::NativeLoad;

/// Per-backend memory between reads: slot speeds, learnt from how fast `n_decoded` grows.
#[derive(Debug, Default, Clone)]
pub struct Tracker {
    /// Start of each busy slot's speed window: (task, tokens decoded, when).
    prev: HashMap<i64, (i64, i64, Instant)>,
    /// Tokens per second of one slot, smoothed.
    slot_tps: Option<f64>,
    /// Each busy slot's task and its tokens decoded at the last read: when the task leaves the
    /// slot, that is how long it was.
    last: HashMap<i64, (i64, i64)>,
    /// Typical length in tokens of a request that ended, smoothed.
    done_tokens: Option<f64>,
}

/// Assumed speed before anything was measured (tokens/s of one slot).
const DEFAULT_SLOT_TPS: f64 = 30.0;
/// Shortest and longest window over which a slot's speed is measured, seconds.
const SPEED_WINDOW_MIN: f64 = 1.0;
const SPEED_WINDOW_MAX: f64 = 3.0;
/// Assumed length of a request before one was seen to end.
const DEFAULT_REQUEST_TOKENS: f64 = 256.0;

impl Tracker {
    /// Interprets one read taken at `now`.
    pub fn update(&mut self, raw: &Raw, now: Instant) -> NativeLoad {
        match raw {
            Raw::Llama { metrics, slots, total_slots } => {
                self.llama(metrics.as_ref(), slots.as_deref(), *total_slots, now)
            }
            Raw::Batch { running, waiting, kv_usage, mean_request_ms } => {
                let (running_n, waiting_n) = (count(*running), count(*waiting));
                let est = if waiting_n == 0 {
                    0.0
                } else {
                    let mean = mean_request_ms.unwrap_or(10_000.0);
                    (mean * (f64::from(waiting_n) / f64::from(running_n.max(1)) + 0.5)).min(DAY_MS)
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
        let deferred = count(metric("llamacpp:requests_deferred").unwrap_or(0.0));
        if let Some(slots) = slots {
            self.learn(slots, now);
        }
        if self.slot_tps.is_none() {
            // The server's own average generation speed (per slot), until we measure one.
            self.slot_tps = metric("llamacpp:predicted_tokens_seconds").and_then(|v| within(v, 0.5, 1e6));
        }
        let tps = self.slot_tps.unwrap_or(DEFAULT_SLOT_TPS);
        let typical = self.typical();
        let (running, slot_count, mut free_at_ms): (u32, u32, Vec<f64>) = match slots {
            Some(slots) => {
                let free = slots
                    .iter()
                    .map(|s| {
                        if !s.processing {
                            0.0
                        } else {
                            // What a typical request has left, or, once it has written two
                            // thirds of one, half as much again as it has written (one that
                            // runs long is likely a long one). Never more than its `max_tokens`
                            // allows.
                            let decoded = s.n_decoded as f64;
                            let guess = (typical - decoded).max(decoded * 0.5);
                            let remain = if s.n_remain >= 0 { guess.min(s.n_remain as f64) } else { guess };
                            remain / tps * 1000.0
                        }
                    })
                    .collect::<Vec<_>>();
                let running = slots.iter().filter(|s| s.processing).count() as u32;
                (running, slots.len() as u32, free)
            }
            None => {
                let running = count(metric("llamacpp:requests_processing").unwrap_or(0.0));
                let n = total.unwrap_or(running.max(1)).clamp(1, MAX_SLOTS as u32);
                // Without /slots, assume each busy slot is halfway through a typical request.
                let half = typical / 2.0 / tps * 1000.0;
                let free = (0..n).map(|i| if i < running { half } else { 0.0 }).collect();
                (running, n, free)
            }
        };
        let per_request_ms = typical / tps * 1000.0;
        let est = simulate_wait(&mut free_at_ms, deferred, per_request_ms);
        NativeLoad {
            running: Some(running),
            waiting: Some(deferred),
            slots: Some(slot_count),
            kv_usage: metric("llamacpp:kv_cache_usage_ratio").and_then(|k| within(k, 0.0, 1.0)),
            est_wait_ms: Some(est.min(DAY_MS)),
            slot_tokens_per_s: self.slot_tps,
            loaded_models: Vec::new(),
        }
    }

    /// The length of a typical request, in tokens: of those seen to end. (Not bounded by what
    /// requests may reach: the classifier's one-token choices would drag that bound down for
    /// the answers queued behind them; a running request is bounded by its own `n_remain`.)
    fn typical(&self) -> f64 {
        self.done_tokens.unwrap_or(DEFAULT_REQUEST_TOKENS)
    }

    /// Learns the per-slot speed from the growth of `n_decoded` of the same task between two
    /// reads, and the typical request length from the tasks that left their slot (their last
    /// `n_decoded`).
    fn learn(&mut self, slots: &[Slot], now: Instant) {
        // A task ended: its slot is idle or on another task. Its length is the count of the
        // last read that saw it busy (short by up to a read's worth of tokens; a task that
        // began and ended between two reads is not seen at all). The llama-server installed
        // here shows an idle slot with 0 decoded; a server that shows the final count there
        // gives the exact length (the larger of the two). Only busy slots are remembered, so
        // an idle slot is counted once however long it stays idle.
        let mut ended = Vec::new();
        for s in slots {
            if let Some(&(task, decoded)) = self.last.get(&s.id) {
                if !s.processing && s.id_task == task {
                    ended.push(s.n_decoded.max(decoded));
                } else if s.id_task != task {
                    ended.push(decoded);
                }
            }
        }
        for len in ended.into_iter().filter(|len| (1..=MAX_TOKENS).contains(len)) {
            self.done_tokens = Some(match self.done_tokens {
                Some(old) => old * 0.7 + len as f64 * 0.3,
                None => len as f64,
            });
        }
        self.last = slots.iter().filter(|s| s.processing).map(|s| (s.id, (s.id_task, s.n_decoded))).collect();
        let mut seen = HashMap::new();
        let mut speeds = Vec::new();
        for s in slots.iter().filter(|s| s.processing) {
            // Measure over a window of 1..3 s of the same task: single reads of a busy server
            // arrive with jittered delays, so short windows give noisy speeds.
            let mut mark = (s.id_task, s.n_decoded, now);
            if let Some(&(task, decoded, at)) = self.prev.get(&s.id) {
                // The window opens once decoding has begun: a long prompt's processing (or an
                // embedding, which decodes nothing) is no decoding speed. Measured from the
                // first read, a reply stopped after its first words gave 0.5 tokens/s and an
                // estimated wait of 560 s for an answer that started within 2 s.
                if task == s.id_task && decoded > 0 {
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
            seen.insert(s.id, mark);
        }
        speeds.retain(|v| within(*v, 0.0, 1e6).is_some());
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

#[cfg(test)]
mod tests {
    use super::super::parse::parse_batch;
    use super::*;
    use crate::config::Kind;
    use std::time::Duration;

    fn slot(id: i64, task: i64, decoded: i64, remain: i64) -> Slot {
        Slot { id, id_task: task, processing: true, n_decoded: decoded, n_remain: remain }
    }

    /// A read of `slots`, with `deferred` requests queued (`/metrics`).
    fn read_with_deferred(slots: Vec<Slot>, deferred: f64) -> Raw {
        Raw::Llama {
            metrics: Some(HashMap::from([("llamacpp:requests_deferred".to_string(), deferred)])),
            slots: Some(slots),
            total_slots: None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_prompts_processing_is_no_decoding_speed() {
        let mut t = Tracker::default();
        let raw = |slots: Vec<Slot>| Raw::Llama { metrics: None, slots: Some(slots), total_slots: Some(1) };
        // 2 s of prompt processing (nothing decoded), then 1 token, then 30 more in a second.
        t.update(&raw(vec![slot(0, 7, 0, -1)]), Instant::now());
        tokio::time::advance(Duration::from_secs(2)).await;
        t.update(&raw(vec![slot(0, 7, 1, -1)]), Instant::now());
        tokio::time::advance(Duration::from_secs(1)).await;
        let load = t.update(&raw(vec![slot(0, 7, 31, -1)]), Instant::now());
        let tps = load.slot_tokens_per_s.unwrap();
        assert!((tps - 30.0).abs() < 0.01, "{tps} tokens/s: the prompt's 2 s counted");
        // An embedding (nothing ever decoded) teaches no speed.
        let mut e = Tracker::default();
        for _ in 0..4 {
            e.update(&raw(vec![slot(0, 9, 0, -1)]), Instant::now());
            tokio::time::advance(Duration::from_secs(2)).await;
        }
        assert_eq!(e.update(&raw(vec![slot(0, 9, 0, -1)]), Instant::now()).slot_tokens_per_s, None);
    }

    #[tokio::test(start_paused = true)]
    async fn tracker_learns_speed_and_estimates_wait() {
        let mut t = Tracker::default();
        let raw = read_with_deferred;
        // (Already decoding: the window opens at the first read with tokens decoded.)
        let first = t.update(&raw(vec![slot(0, 7, 10, 190)], 0.0), Instant::now());
        assert_eq!(first.running, Some(1));
        tokio::time::advance(Duration::from_secs(1)).await;
        // 50 tokens in 1 s: 50 tok/s; 140 left: 2.8 s.
        let second = t.update(&raw(vec![slot(0, 7, 60, 140)], 0.0), Instant::now());
        assert_eq!(second.slot_tokens_per_s, Some(50.0));
        assert!((second.est_wait_ms.unwrap() - 2800.0).abs() < 1.0, "{second:?}");
        // One deferred request of a typical 256 tokens (none has ended yet; 5.12 s) ahead:
        // 2.8 + 5.12 = 7.92 s.
        let third = t.update(&raw(vec![slot(0, 7, 60, 140)], 1.0), Instant::now());
        assert!((third.est_wait_ms.unwrap() - 7920.0).abs() < 1.0, "{third:?}");
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
    async fn a_reply_allowed_16000_tokens_is_expected_to_be_as_long_as_those_that_ended() {
        // A reasoner's default max_tokens (16,000): the server says 15,990 tokens remain. Taken
        // at its word at 30 tokens/s, the status showed a wait of 364-533 s for replies that
        // ended within a minute, and the busy notice said as much.
        let mut t = Tracker::default();
        let raw = read_with_deferred;
        let idle =
            |task: i64, decoded: i64| Slot { id: 0, id_task: task, processing: false, n_decoded: decoded, n_remain: 0 };
        t.update(&raw(vec![slot(0, 1, 10, 15_990)], 0.0), Instant::now());
        tokio::time::advance(Duration::from_secs(1)).await;
        let load = t.update(&raw(vec![slot(0, 1, 40, 15_960)], 0.0), Instant::now());
        assert_eq!(load.slot_tokens_per_s, Some(30.0));
        // Nothing has ended yet: a typical 256 tokens, 216 left at 30/s.
        assert!((load.est_wait_ms.unwrap() - 7200.0).abs() < 1.0, "{load:?}");
        // It ends at 100 tokens, its last read (the idle slot then shows 0 decoded: llama-server
        // as installed here shows n_decoded 0 and n_remain -1). The next one ends at 100: it took
        // the slot between two reads, and its last count read was 100.
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(t.update(&raw(vec![slot(0, 1, 100, 15_900)], 0.0), Instant::now()).slot_tokens_per_s, Some(30.0));
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(t.update(&raw(vec![idle(1, 0)], 0.0), Instant::now()).est_wait_ms, Some(0.0));
        t.update(&raw(vec![slot(0, 2, 100, 15_900)], 0.0), Instant::now());
        t.update(&raw(vec![slot(0, 3, 10, 15_990)], 0.0), Instant::now());
        // Typical is now 100: 90 left of this one (3 s), then one deferred request (3.33 s).
        let load = t.update(&raw(vec![slot(0, 3, 10, 15_990)], 1.0), Instant::now());
        assert!((load.est_wait_ms.unwrap() - 6333.3).abs() < 1.0, "{load:?}");
        // Past typical: half as much again as written, 55 tokens (1.8 s) at 110 written, 250
        // (8.3 s) at 500. Never past what the server says remains.
        let load = t.update(&raw(vec![slot(0, 3, 110, 15_890)], 0.0), Instant::now());
        assert!((load.est_wait_ms.unwrap() - 1833.3).abs() < 1.0, "{load:?}");
        let load = t.update(&raw(vec![slot(0, 3, 500, 15_500)], 0.0), Instant::now());
        assert!((load.est_wait_ms.unwrap() - 8333.3).abs() < 1.0, "{load:?}");
        let load = t.update(&raw(vec![slot(0, 4, 10, 15)], 0.0), Instant::now());
        assert!((load.est_wait_ms.unwrap() - 500.0).abs() < 1.0, "{load:?}");
        // Tasks 3 (500 tokens) and 4 (10) ended; an embedding that ended with nothing decoded
        // teaches nothing.
        t.update(&raw(vec![slot(0, 5, 0, -1)], 0.0), Instant::now());
        t.update(&raw(vec![idle(5, 0)], 0.0), Instant::now());
        let typical = (100.0 * 0.7 + 500.0 * 0.3) * 0.7 + 10.0 * 0.3;
        assert!((t.typical() - typical).abs() < 1e-9, "{} != {typical}", t.typical());
        // A server that shows an ended task's final count on its idle slot: that count, once,
        // however many reads find the slot idle.
        t.update(&raw(vec![slot(0, 6, 150, -1)], 0.0), Instant::now());
        for _ in 0..3 {
            t.update(&raw(vec![idle(6, 200)], 0.0), Instant::now());
        }
        let typical = typical * 0.7 + 200.0 * 0.3;
        assert!((t.typical() - typical).abs() < 1e-9, "{} != {typical}", t.typical());
        // Short requests queued behind (a classifier's one-token choices) do not make the
        // answers behind them cheap: a running one is bounded by its own n_remain alone.
        let load = t.update(&raw(vec![slot(0, 7, 0, 1)], 2.0), Instant::now());
        let want = (1.0 + 2.0 * typical) / 30.0 * 1000.0;
        assert!((load.est_wait_ms.unwrap() - want).abs() < 1.0, "{load:?} != {want}");
    }

    #[tokio::test(start_paused = true)]
    async fn speed_is_measured_over_a_window_not_between_jittery_reads() {
        let mut t = Tracker::default();
        let raw = |decoded: i64| Raw::Llama {
            metrics: None,
            slots: Some(vec![slot(0, 3, decoded, 1000)]),
            total_slots: None,
        };
        t.update(&raw(10), Instant::now());
        // A read that arrived late, then one right after it: 45 tokens "in 0.3 s" is noise.
        tokio::time::advance(Duration::from_millis(300)).await;
        assert_eq!(t.update(&raw(55), Instant::now()).slot_tokens_per_s, None);
        tokio::time::advance(Duration::from_millis(700)).await;
        assert_eq!(t.update(&raw(60), Instant::now()).slot_tokens_per_s, Some(50.0));
        // 250 tokens over the 4 s window: 62.5, averaged with 50.
        tokio::time::advance(Duration::from_secs(3)).await;
        assert_eq!(t.update(&raw(260), Instant::now()).slot_tokens_per_s, Some(56.25));
        // The window was over 3 s old, so it restarted there: 100 tokens in the last second.
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(t.update(&raw(360), Instant::now()).slot_tokens_per_s, Some(78.125));
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
