//! Helpers shared by the integration tests and the benchmarks (never by the product):
//! [`llama`] starts real llama-server processes from the cache `scripts/backends.sh install`
//! fills; [`fake`] is an HTTP-level fake backend for what a real server cannot do on demand.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod fake;
pub mod llama;
