//! Embeddings for the nearest examples (the approach of semantic routers): the labelled
//! examples' vectors from a backend that serves `/v1/embeddings` (`embeddings = true`; the
//! first-run config starts its Gemma-3-270M server so), computed once per server and model in
//! the background, and a message's similarity to each of them, mixed with the n-grams'
//! (`nearest::nearest_embedded`).
//!
//! Never in the way: until the examples' vectors are ready, when the server is down, busy
//! past [`QUERY_TIMEOUT`] (a one-slot server answering someone else) or answers nonsense, the
//! message is compared by n-grams alone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::nearest;
use crate::client::embed::BATCH;
use crate::client::{BackendClient, ClientError};

/// The longest wait for a message's vector; after it, n-grams alone.
pub const QUERY_TIMEOUT: Duration = Duration::from_millis(1500);
/// The longest wait for one batch of the examples' vectors.
const WARM_TIMEOUT: Duration = Duration::from_secs(60);
/// Examples per warm-up request: few, so that a chat sent to the same server (a one-slot
/// llama-server queues it behind every input of a request) waits behind one short batch, not
/// behind all of them.
pub const WARM_BATCH: usize = 4;
/// After a failed warm-up, the next try waits this long.
const RETRY_AFTER: Duration = Duration::from_secs(60);

/// The examples' vectors from one server and model: centred on their mean (a causal model's
/// mean-pooled vectors all share a large common part) and normalised.
pub struct ExampleVectors {
    mean: Vec<f32>,
    rows: Vec<Vec<f32>>,
}

fn normalised(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    if norm > 0.0 {
        for x in &mut v {
            *x = (f64::from(*x) / norm) as f32;
        }
    }
    v
}

impl ExampleVectors {
    /// From one vector per example, all of one length; none otherwise.
    pub fn new(raw: Vec<Vec<f32>>) -> Option<ExampleVectors> {
        let dims = raw.first()?.len();
        if dims == 0 || raw.iter().any(|v| v.len() != dims) {
            return None;
        }
        let n = raw.len() as f64;
        let mean: Vec<f32> = (0..dims).map(|d| (raw.iter().map(|v| f64::from(v[d])).sum::<f64>() / n) as f32).collect();
        let rows = raw.into_iter().map(|v| normalised(v.iter().zip(&mean).map(|(x, m)| x - m).collect())).collect();
        Some(ExampleVectors { mean, rows })
    }

    /// The cosine similarity of `vector` (the message's, from the same server) to each
    /// example; none when its length is not theirs.
    pub fn similarities(&self, vector: &[f32]) -> Option<Vec<f64>> {
        if vector.len() != self.mean.len() {
            return None;
        }
        let q = normalised(vector.iter().zip(&self.mean).map(|(x, m)| x - m).collect());
        Some(self.rows.iter().map(|r| r.iter().zip(&q).map(|(a, b)| f64::from(*a) * f64::from(*b)).sum()).collect())
    }
}

/// The vectors of every example ([`nearest::example_texts`]), asked in batches of
/// [`WARM_BATCH`].
pub async fn example_vectors(client: &BackendClient) -> Result<Option<ExampleVectors>, ClientError> {
    let texts: Vec<&str> = nearest::example_texts().iter().map(String::as_str).collect();
    let mut raw = Vec::with_capacity(texts.len());
    for batch in texts.chunks(WARM_BATCH.min(BATCH)) {
        raw.extend(client.embed(batch, WARM_TIMEOUT).await?);
    }
    Ok(ExampleVectors::new(raw))
}

enum Slot {
    Warming,
    Ready(Arc<ExampleVectors>),
    Failed(Instant),
}

/// The examples' vectors per server and model, as far as they are known.
#[derive(Default)]
pub(crate) struct Embeddings {
    slots: Mutex<HashMap<String, Slot>>,
}

fn key(client: &BackendClient) -> String {
    format!("{} {}", client.config().url, client.config().model)
}

impl Embeddings {
    pub(crate) fn any_ready(&self) -> bool {
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).values().any(|s| matches!(s, Slot::Ready(_)))
    }

    /// The examples' vectors of `client`'s server when ready; else none, and a warm-up is
    /// started on `runtime` (unless one runs, or failed less than a minute ago).
    pub(crate) fn ready_or_warm(
        self: &Arc<Self>,
        client: &BackendClient,
        tasks: &tokio_util::task::TaskTracker,
        runtime: &tokio::runtime::Handle,
        cancel: &tokio_util::sync::CancellationToken,
    ) -> Option<Arc<ExampleVectors>> {
        let key = key(client);
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        match slots.get(&key) {
            Some(Slot::Ready(v)) => return Some(Arc::clone(v)),
            Some(Slot::Warming) => return None,
            Some(Slot::Failed(at)) if at.elapsed() < RETRY_AFTER => return None,
            _ => {}
        }
        slots.insert(key.clone(), Slot::Warming);
        let (me, client, cancel) = (Arc::clone(self), client.clone(), cancel.clone());
        runtime.spawn(tasks.track_future(async move {
            let started = Instant::now();
            let answer = tokio::select! {
                _ = cancel.cancelled() => return,
                a = example_vectors(&client) => a,
            };
            let slot = match answer {
                Ok(Some(v)) => {
                    tracing::info!(
                        "{}: the examples' embeddings are ready ({} ms)",
                        client.config().name,
                        started.elapsed().as_millis()
                    );
                    Slot::Ready(Arc::new(v))
                }
                Ok(None) => Slot::Failed(Instant::now()),
                Err(e) => {
                    tracing::warn!("{}: no embeddings for the examples: {e}", client.config().name);
                    Slot::Failed(Instant::now())
                }
            };
            me.slots.lock().unwrap_or_else(|p| p.into_inner()).insert(key, slot);
        }));
        None
    }
}

/// `text`'s similarity to each example through `client` (whose examples' vectors are
/// `examples`), within [`QUERY_TIMEOUT`].
pub async fn similarities(client: &BackendClient, examples: &ExampleVectors, text: &str) -> Option<Vec<f64>> {
    match client.embed(&[text], QUERY_TIMEOUT).await {
        Ok(v) => examples.similarities(v.first()?),
        Err(e) => {
            tracing::debug!("{}: no embedding for the message: {e}", client.config().name);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarities_are_centred_cosines() {
        let e = ExampleVectors::new(vec![vec![1.0, 0.0, 5.0], vec![0.0, 1.0, 5.0], vec![1.0, 1.0, 5.0]]).unwrap();
        let s = e.similarities(&[1.0, 0.0, 5.0]).unwrap();
        assert!((s[0] - 1.0).abs() < 1e-6, "{s:?}");
        assert!(s[1] < 0.0, "the shared part (5.0) is taken out first: {s:?}");
        assert_eq!(e.similarities(&[1.0, 0.0]), None, "another length");
        assert!(ExampleVectors::new(vec![vec![1.0], vec![1.0, 2.0]]).is_none());
        assert!(ExampleVectors::new(vec![]).is_none());
        // A zero vector after centring has no direction: similarity 0, not NaN.
        let s = e.similarities(&[2.0 / 3.0, 2.0 / 3.0, 5.0]).unwrap();
        assert!(s.iter().all(|x| x.is_finite()), "{s:?}");
    }
}
