//! The servers themselves, on this machine.
//!
//! - [`discover`]: first run: the LLM servers on the usual local ports, or the project's own
//!   llama-server install, and a config written for them ([`render`]).
//! - [`launch`]: managed servers (`launch = [...]` in a backend), started when nothing answers
//!   at their URL and stopped at shutdown; owned by the registry.

pub mod discover;
pub mod launch;
mod render;
