#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected
//! Integration tests, one binary (links once).
//!
//! - `engine`: the registry and monitor over an HTTP-level fake server, with paused tokio time
//!   (for what a real server cannot do on demand: a 503 "Loading model" for a minute, a 500,
//!   exact request counts while time is fast-forwarded).
//! - `embed`: the router's embeddings over an HTTP-level fake embedder, paused time.
//! - `router`: the router over an HTTP-level fake classifier and reasoner (garbage, chunked
//!   streams, cut streams, dead ports), paused time: every action, fallback and stop.
//! - `cli`: the CLI's exit codes, messages and JSON.
//! - `config_edges`: a corpus of config files at the edges: valid, or file:line:key errors.
//! - `hostile`: a corpus of hostile backend answers through the real client (HTTP-level fake).
//! - `layers`: the core's layering, read from its sources (no upward import).
//! - `real`: against real llama-server processes on 127.0.0.1 (installed by
//!   `scripts/backends.sh install`): kill -9, SIGSTOP/SIGCONT, real load, an idle minute.
//! - `real_embeddings`: the router's embeddings from a real llama-server (Gemma-3-270M).
//! - `reload`: a new configuration applied to a running engine (live reload).
//! - `docs`: the document tool on real files and a real file watcher.
//! - `tools`: the tools against real servers (Radicale over TLS, from
//!   `scripts/tool-servers.sh`) and local calendar folders.

mod cli;
mod config_edges;
mod docs;
mod embed;
mod engine;
mod hostile;
mod layers;
mod real;
mod real_embeddings;
mod reload;
mod router;
mod tools;
