//! Embeddings for the nearest examples (the approach of semantic routers): the labelled
//! examples' vectors from a backend that serves `/v1/embeddings` (`embeddings = true`; the
//! first-run config starts its Gemma-3-270M server so), computed once per server and model in
//! the background, and a message's similarity to each of them, mixed with the n-grams'
//! (`nearest::nearest_embedded`).
//!
//! The vectors are kept on disk ([`cached_example_vectors`]), so that only the first start
//! with a model asks its server for them (1,333 examples take about 3.5 minutes on a CPU).
//!
//! Never in the way: until the examples' vectors are ready, when the server is down, busy
//! past [`QUERY_TIMEOUT`] (a one-slot server answering someone else) or answers nonsense, the
//! message is compared by n-grams alone.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
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
        Some(self.dots(&q))
    }

    /// Example `i`'s own similarity to each example (itself included): the routing
    /// benchmark's leave-one-set-out measure, with no server asked.
    pub fn similarities_of(&self, i: usize) -> Option<Vec<f64>> {
        Some(self.dots(self.rows.get(i)?))
    }

    /// The dot product of `q` (centred and normalised) with each example's row: its cosine.
    fn dots(&self, q: &[f32]) -> Vec<f64> {
        self.rows.iter().map(|r| r.iter().zip(q).map(|(a, b)| f64::from(*a) * f64::from(*b)).sum()).collect()
    }
}

/// The vectors of every example ([`nearest::example_texts`]), asked of the server in batches
/// of [`WARM_BATCH`] (none kept on disk).
pub async fn example_vectors(client: &BackendClient) -> Result<Option<ExampleVectors>, ClientError> {
    cached_example_vectors(client, None).await
}

/// The start of a file of examples' vectors.
const MAGIC: &[u8; 8] = b"SBEMB001";
/// The longest vector a file may hold (a file saying more is not read).
const MAX_DIMS: usize = 16_384;
/// Files kept: the newest few (one per model the user has had embed).
const KEEP: usize = 8;

/// Where the vectors are kept: `embeddings` in `$SWITCHBOARD_CACHE`, else in
/// `~/.cache/switchboard`.
pub fn cache_dir() -> Option<PathBuf> {
    crate::config::cache_dir().map(|d| d.join("embeddings"))
}

/// The file of `model`'s vectors of the examples as they are now: a changed example, or
/// another model, is another file.
fn cache_file(dir: &Path, model: &str) -> PathBuf {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    model.hash(&mut h);
    nearest::example_texts().hash(&mut h);
    dir.join(format!("{:016x}.bin", h.finish()))
}

/// The vectors in `path`, when it holds `rows` of one length, every number finite; none for
/// any other file (read no further than such a file can be long).
fn load(path: &Path, rows: usize) -> Option<Vec<Vec<f32>>> {
    use std::io::Read;
    let limit = 16 + rows * MAX_DIMS * 4;
    let mut bytes = Vec::new();
    std::fs::File::open(path).ok()?.take(limit as u64 + 1).read_to_end(&mut bytes).ok()?;
    let (head, body) = (bytes.get(..16)?, &bytes[16..]);
    let n = u32::from_le_bytes(head[8..12].try_into().ok()?) as usize;
    let dims = u32::from_le_bytes(head[12..16].try_into().ok()?) as usize;
    if &head[..8] != MAGIC || n != rows || !(1..=MAX_DIMS).contains(&dims) || body.len() != n * dims * 4 {
        return None;
    }
    let numbers: Vec<f32> = body.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    if !numbers.iter().all(|x| x.is_finite()) {
        return None;
    }
    Some(numbers.chunks(dims).map(<[f32]>::to_vec).collect())
}

/// Writes `raw` to `path` (through a file beside it, renamed), and keeps the newest [`KEEP`]
/// files of the folder.
fn store(path: &Path, raw: &[Vec<f32>]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let dims = raw.first().map_or(0, Vec::len);
    let mut bytes = Vec::with_capacity(16 + raw.len() * dims * 4);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&u32::try_from(raw.len()).unwrap_or(u32::MAX).to_le_bytes());
    bytes.extend_from_slice(&u32::try_from(dims).unwrap_or(u32::MAX).to_le_bytes());
    for x in raw.iter().flatten() {
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "bin"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    for (_, old) in files.into_iter().skip(KEEP) {
        let _ = std::fs::remove_file(old);
    }
    Ok(())
}

/// The examples' vectors of `client`'s model: from the file in `dir` when it holds them,
/// else from the server (then written there). A file that cannot be read or written is
/// passed over: the vectors are asked for.
pub async fn cached_example_vectors(
    client: &BackendClient,
    dir: Option<&Path>,
) -> Result<Option<ExampleVectors>, ClientError> {
    let rows = nearest::example_texts().len();
    let file = dir.map(|d| cache_file(d, &client.config().model));
    if let Some(raw) = file.as_deref().and_then(|f| load(f, rows)) {
        return Ok(ExampleVectors::new(raw));
    }
    let texts: Vec<&str> = nearest::example_texts().iter().map(String::as_str).collect();
    let mut raw = Vec::with_capacity(texts.len());
    for batch in texts.chunks(WARM_BATCH.min(BATCH)) {
        raw.extend(client.embed(batch, WARM_TIMEOUT).await?);
    }
    let vectors = ExampleVectors::new(raw.clone());
    if let (Some(f), Some(_)) = (&file, &vectors) {
        if let Err(e) = store(f, &raw) {
            tracing::debug!("the examples' vectors are not kept in {}: {e}", f.display());
        }
    }
    Ok(vectors)
}

enum Slot {
    Warming,
    Ready(Arc<ExampleVectors>),
    Failed(Instant),
}

/// The examples' vectors per server and model, as far as they are known; `cache`: the folder
/// they are kept in between runs.
#[derive(Default)]
pub(crate) struct Embeddings {
    slots: Mutex<HashMap<String, Slot>>,
    cache: Option<PathBuf>,
}

fn key(client: &BackendClient) -> String {
    format!("{} {}", client.config().url, client.config().model)
}

impl Embeddings {
    pub(crate) fn kept_in(cache: Option<PathBuf>) -> Embeddings {
        Embeddings { slots: Mutex::default(), cache }
    }

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
                a = cached_example_vectors(&client, me.cache.as_deref()) => a,
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

    #[test]
    fn kept_vectors_are_read_back_only_when_whole_and_sane() {
        let dir = tempfile::tempdir().unwrap();
        let path = cache_file(dir.path(), "gemma");
        assert_ne!(path, cache_file(dir.path(), "qwen"), "another model, another file");
        let raw = vec![vec![1.0, -2.5, 3.0], vec![0.0, 0.5, 1e-3]];
        store(&path, &raw).unwrap();
        assert_eq!(load(&path, 2), Some(raw.clone()));
        assert_eq!(load(&path, 3), None, "another number of examples");
        let bytes = std::fs::read(&path).unwrap();
        // Cut short, a wrong start, a NaN, a length past the limit: passed over.
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(load(&path, 2), None);
        let mut bad = bytes.clone();
        bad[0] = b'X';
        std::fs::write(&path, &bad).unwrap();
        assert_eq!(load(&path, 2), None);
        let mut nan = bytes.clone();
        nan[16..20].copy_from_slice(&f32::NAN.to_le_bytes());
        std::fs::write(&path, &nan).unwrap();
        assert_eq!(load(&path, 2), None);
        let mut huge = bytes.clone();
        huge[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        std::fs::write(&path, &huge).unwrap();
        assert_eq!(load(&path, 2), None);
        // The newest few files are kept.
        for i in 0..KEEP + 3 {
            store(&dir.path().join(format!("{i}.bin")), &raw).unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), KEEP);
    }
}
