//! Load: how long a new request would wait before it starts, and the evidence for it.
//!
//! - [`assess`]: the level rules (the server's own figures, our own request timing, the
//!   original's ping and probe rules) and when a ping may be taken; pure functions of their
//!   inputs and `now`.
//! - [`baseline`]: the probe latency baseline (max of the first samples, then an EMA).
//! - [`inflight`]: our requests in flight per backend (a guard held for each), their timing,
//!   and their outcomes as health evidence.
//! - [`native`]: the server's own figures (`/slots`, `/metrics`, `/api/ps`), read, tracked
//!   between reads, and turned into an estimated wait.

pub mod assess;
pub mod baseline;
pub mod inflight;
pub mod native;

pub use crate::model::{Level, Source};
pub use assess::{assess, from_wait, native_fresh, seed_level, should_ping, Assessment, Inputs};
pub use baseline::Baseline;
pub use inflight::{JobGuard, JobQueue, RequestTiming};
