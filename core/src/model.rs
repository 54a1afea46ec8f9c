//! The shared vocabulary, from the `switchboard-model` crate (so that the window process can
//! read what the engine publishes without linking the engine).

pub use switchboard_model::*;
