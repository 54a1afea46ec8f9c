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
//!
//! - [`read`]: the HTTP reads, per server kind; [`parse`]: their answers, read leniently
//!   ([`Raw`]); [`prometheus`]: the metrics text format;
//! - [`tracker`]: per-backend memory between reads (slot speed, typical request length) that
//!   turns a read into [`NativeLoad`] figures; [`simulate`]: the wait those figures imply.

pub mod parse;
pub mod prometheus;
pub mod read;
pub mod simulate;
pub mod tracker;

pub use crate::model::NativeLoad;
pub use parse::{parse_slots, Raw, Slot};
pub use read::read;
pub use simulate::simulate_wait;
pub use tracker::Tracker;
