//! Our requests in flight, per backend: an in-flight guard held for the life of each real request, an
//! optional concurrency limit, and the timing of recent requests (time to first token, total,
//! tokens), which feeds the load estimator.
//!
//! State sits behind a std `Mutex`, held only for a few field updates and never across an
//! `.await`.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::client::ClientError;
use crate::health::Observation;
use crate::model::QueueStatus;

/// How many finished requests are remembered.
const RECENT: usize = 32;

/// The timing of one finished request.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestTiming {
    /// When it finished.
    pub at: Instant,
    /// Time to first token, ms (none if no token came).
    pub ttft_ms: Option<f64>,
    pub total_ms: f64,
    pub tokens: u64,
    pub ok: bool,
}

#[derive(Debug, Default)]
struct Timings {
    /// Requests still waiting for their first token: id -> start.
    pending: HashMap<u64, Instant>,
    recent: VecDeque<RequestTiming>,
}

#[derive(Debug)]
struct Inner {
    active: AtomicUsize,
    started: AtomicU64,
    limit: Option<(usize, Arc<Semaphore>)>,
    timings: Mutex<Timings>,
    /// Where success and failure of real requests are reported as health evidence.
    evidence: Option<mpsc::UnboundedSender<Observation>>,
}

/// A cheap-clone handle on one backend's queue.
#[derive(Debug, Clone)]
pub struct JobQueue {
    inner: Arc<Inner>,
}

impl JobQueue {
    /// A queue with an optional concurrency limit; `evidence` receives health observations.
    pub fn new(limit: Option<usize>, evidence: Option<mpsc::UnboundedSender<Observation>>) -> Self {
        Self {
            inner: Arc::new(Inner {
                active: AtomicUsize::new(0),
                started: AtomicU64::new(0),
                limit: limit.filter(|n| *n > 0).map(|n| (n, Arc::new(Semaphore::new(n)))),
                timings: Mutex::new(Timings::default()),
                evidence,
            }),
        }
    }

    fn timings(&self) -> MutexGuard<'_, Timings> {
        // A poisoned lock only means a panic elsewhere mid-update; the data is still usable.
        self.inner.timings.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Enters the queue: counts as active at once, waits for a permit if there is a limit.
    pub async fn acquire(&self) -> JobGuard {
        let id = self.inner.started.fetch_add(1, Ordering::Relaxed);
        self.inner.active.fetch_add(1, Ordering::SeqCst);
        let started = Instant::now();
        self.timings().pending.insert(id, started);
        // Built before the await, so that a cancelled acquire still decrements `active`.
        let mut guard =
            JobGuard { queue: self.clone(), id, started, first_token: None, tokens: 0, done: false, _permit: None };
        if let Some((_, sem)) = &self.inner.limit {
            // The semaphore is never closed, so acquire only fails if it were; then run unlimited.
            guard._permit = sem.clone().acquire_owned().await.ok();
        }
        guard
    }

    pub fn active(&self) -> usize {
        self.inner.active.load(Ordering::SeqCst)
    }

    pub fn status(&self) -> QueueStatus {
        QueueStatus {
            active: self.active(),
            limit: self.inner.limit.as_ref().map(|(n, _)| *n),
            started: self.inner.started.load(Ordering::Relaxed),
        }
    }

    /// How long the longest-waiting request has waited for its first token.
    pub fn oldest_waiting(&self, now: Instant) -> Option<Duration> {
        self.timings().pending.values().map(|s| now.saturating_duration_since(*s)).max()
    }

    /// The time to first token of the most recent request that had one, and when it finished.
    pub fn recent_ttft(&self) -> Option<(f64, Instant)> {
        self.timings().recent.iter().rev().find_map(|t| t.ttft_ms.map(|ms| (ms, t.at)))
    }

    /// Recent finished requests, oldest first.
    pub fn recent(&self) -> Vec<RequestTiming> {
        self.timings().recent.iter().cloned().collect()
    }

    /// Reports what a request to this backend said about its health (the monitor applies it).
    pub(crate) fn report(&self, obs: Observation) {
        if let Some(tx) = &self.inner.evidence {
            // The monitor may have stopped (shutdown): then nobody needs the evidence.
            let _monitor_gone = tx.send(obs);
        }
    }
}

/// Held for the life of one real request.
#[derive(Debug)]
pub struct JobGuard {
    queue: JobQueue,
    id: u64,
    started: Instant,
    first_token: Option<Instant>,
    tokens: u64,
    done: bool,
    _permit: Option<OwnedSemaphorePermit>,
}

impl JobGuard {
    /// Marks the first token (once); later calls only count tokens.
    pub fn token(&mut self) {
        self.tokens += 1;
        if self.first_token.is_none() {
            self.first_token = Some(Instant::now());
            self.queue.timings().pending.remove(&self.id);
        }
    }

    /// Time to first token so far, ms.
    pub fn ttft_ms(&self) -> Option<f64> {
        self.first_token.map(|t| t.duration_since(self.started).as_secs_f64() * 1000.0)
    }

    /// The request succeeded: records its timing and counts as health evidence.
    pub fn finish(mut self, tokens: Option<u64>) -> RequestTiming {
        if let Some(t) = tokens {
            self.tokens = t;
        }
        self.done = true;
        self.queue.report(Observation::Ok);
        self.record(true)
    }

    /// The request failed: records it and reports what the failure says about health.
    pub fn fail(mut self, err: &ClientError) -> RequestTiming {
        self.done = true;
        self.queue.report(Observation::from_error(err));
        self.record(false)
    }

    fn record(&self, ok: bool) -> RequestTiming {
        let now = Instant::now();
        let timing = RequestTiming {
            at: now,
            ttft_ms: self.ttft_ms(),
            total_ms: now.duration_since(self.started).as_secs_f64() * 1000.0,
            tokens: self.tokens,
            ok,
        };
        let mut t = self.queue.timings();
        t.pending.remove(&self.id);
        if t.recent.len() == RECENT {
            t.recent.pop_front();
        }
        t.recent.push_back(timing.clone());
        timing
    }
}

impl Drop for JobGuard {
    fn drop(&mut self) {
        if !self.done {
            // Cancelled (the user stopped it, or the caller went away): no health evidence.
            self.record(false);
        }
        self.queue.inner.active.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn guard_counts_and_times() {
        let q = JobQueue::new(None, None);
        let mut g = q.acquire().await;
        assert_eq!(q.active(), 1);
        tokio::time::advance(Duration::from_millis(1500)).await;
        assert_eq!(q.oldest_waiting(Instant::now()), Some(Duration::from_millis(1500)));
        g.token();
        assert_eq!(q.oldest_waiting(Instant::now()), None);
        tokio::time::advance(Duration::from_millis(500)).await;
        g.token();
        let t = g.finish(None);
        assert_eq!(q.active(), 0);
        assert_eq!(t.ttft_ms, Some(1500.0));
        assert_eq!(t.total_ms, 2000.0);
        assert_eq!(t.tokens, 2);
        assert_eq!(q.recent_ttft().map(|x| x.0), Some(1500.0));
    }

    #[tokio::test(start_paused = true)]
    async fn dropped_guard_is_released() {
        let q = JobQueue::new(None, None);
        {
            let _g = q.acquire().await;
            assert_eq!(q.active(), 1);
        }
        assert_eq!(q.active(), 0);
        assert!(!q.recent()[0].ok);
    }

    #[tokio::test(start_paused = true)]
    async fn limit_makes_later_requests_wait() {
        let q = JobQueue::new(Some(1), None);
        let first = q.acquire().await;
        let q2 = q.clone();
        let second = tokio::spawn(async move { q2.acquire().await });
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(!second.is_finished());
        assert_eq!(q.active(), 2, "a request waiting for a permit counts as work");
        drop(first);
        let g = second.await.unwrap();
        assert_eq!(q.active(), 1);
        drop(g);
        assert_eq!(q.status(), QueueStatus { active: 0, limit: Some(1), started: 2 });
    }

    #[tokio::test(start_paused = true)]
    async fn outcomes_are_health_evidence() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let q = JobQueue::new(None, Some(tx));
        q.acquire().await.finish(Some(3));
        q.acquire().await.fail(&ClientError::Refused { url: "u".into() });
        drop(q.acquire().await);
        assert_eq!(rx.recv().await, Some(Observation::Ok));
        assert_eq!(rx.recv().await, Some(Observation::Refused));
        assert!(rx.try_recv().is_err(), "a cancelled request says nothing about health");
    }
}
