//! Embeddings (`POST /v1/embeddings`, the OpenAI shape): llama-server started with
//! `--embeddings`, Ollama, vLLM or TGI serving an embedding model. The router compares a
//! message with its labelled examples through them (`router::embed`).
//!
//! The answer is untrusted: read with a cap, one vector per input (in the inputs' order,
//! by `index` when given), every vector the same length (1 to [`MAX_DIMS`]) and finite.

use std::time::Duration;

use serde_json::{json, Value};

use super::chat::MAX_ANSWER;
use super::{read_capped, BackendClient, ClientError};

/// The longest vector accepted.
pub const MAX_DIMS: usize = 16_384;
/// Inputs sent in one request (a 16,384-long vector is about 350 kB of JSON: 16 stay well
/// under the answer cap).
pub const BATCH: usize = 16;
/// The longest input sent, in characters (a message is compared by its start).
pub const MAX_INPUT_CHARS: usize = 2_000;

impl BackendClient {
    /// One vector per input (at most [`BATCH`] inputs), within `timeout`.
    pub async fn embed(&self, inputs: &[&str], timeout: Duration) -> Result<Vec<Vec<f32>>, ClientError> {
        let path = "v1/embeddings";
        let protocol = |detail: String| ClientError::Protocol { url: self.shown(path), detail };
        if inputs.is_empty() || inputs.len() > BATCH {
            return Err(protocol(format!("{} inputs (1 to {BATCH} per request)", inputs.len())));
        }
        let input: Vec<String> = inputs.iter().map(|s| s.chars().take(MAX_INPUT_CHARS).collect()).collect();
        let body = json!({ "model": self.cfg.model, "input": input });
        let rb = self.request(reqwest::Method::POST, path, Some(timeout)).json(&body);
        let resp = self.send(rb, path, timeout).await?;
        let body = read_capped(resp, MAX_ANSWER, &self.shown(path), timeout).await?;
        let v: Value = serde_json::from_slice(&body).map_err(|e| protocol(format!("not JSON: {e}")))?;
        vectors(&v, inputs.len()).map_err(protocol)
    }
}

/// The vectors of an embeddings answer for `count` inputs, checked.
fn vectors(v: &Value, count: usize) -> Result<Vec<Vec<f32>>, String> {
    let data = v.get("data").and_then(Value::as_array).ok_or("no `data` list in the answer")?;
    if data.len() != count {
        return Err(format!("{} vectors for {count} inputs", data.len()));
    }
    let mut out: Vec<Option<Vec<f32>>> = vec![None; count];
    for (i, item) in data.iter().enumerate() {
        let at = match item.get("index") {
            None => i,
            Some(x) => {
                x.as_u64().and_then(|x| usize::try_from(x).ok()).filter(|x| *x < count).ok_or("a bad `index`")?
            }
        };
        let numbers = item.get("embedding").and_then(Value::as_array).ok_or("an item without an `embedding` list")?;
        if numbers.is_empty() || numbers.len() > MAX_DIMS {
            return Err(format!("a vector of {} numbers (1 to {MAX_DIMS})", numbers.len()));
        }
        let vector: Vec<f32> = numbers
            .iter()
            .map(|x| x.as_f64().map(|x| x as f32).filter(|x| x.is_finite()))
            .collect::<Option<_>>()
            .ok_or("a vector with a value that is not a finite number")?;
        if out[at].replace(vector).is_some() {
            return Err("two vectors for one input".into());
        }
    }
    let out: Vec<Vec<f32>> = out.into_iter().collect::<Option<_>>().ok_or("an input without its vector")?;
    if out.iter().any(|v| v.len() != out[0].len()) {
        return Err("vectors of different lengths".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_are_checked() {
        let ok = json!({"data": [{"index": 1, "embedding": [0.5, 1]}, {"index": 0, "embedding": [2, 3]}]});
        assert_eq!(vectors(&ok, 2).unwrap(), vec![vec![2.0, 3.0], vec![0.5, 1.0]], "ordered by index");
        let no_index = json!({"data": [{"embedding": [1]}, {"embedding": [2]}]});
        assert_eq!(vectors(&no_index, 2).unwrap(), vec![vec![1.0], vec![2.0]]);
        for bad in [
            json!({}),
            json!({"data": [{"embedding": [1]}]}),
            json!({"data": [{"embedding": [1]}, {"embedding": [1, 2]}]}),
            json!({"data": [{"index": 0, "embedding": [1]}, {"index": 0, "embedding": [2]}]}),
            json!({"data": [{"index": 7, "embedding": [1]}, {"embedding": [2]}]}),
            json!({"data": [{"embedding": []}, {"embedding": [2]}]}),
            json!({"data": [{"embedding": [1e300]}, {"embedding": [2]}]}),
            json!({"data": [{"embedding": ["x"]}, {"embedding": [2]}]}),
            json!({"data": [{"embedding": vec![0.0; MAX_DIMS + 1]}, {"embedding": [2]}]}),
        ] {
            assert!(vectors(&bad, 2).is_err(), "{bad}");
        }
    }
}
