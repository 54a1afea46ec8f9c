//! Why a call failed, as data: a kind a program can act on and the message a person reads.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// What the call names does not exist (a backend, a conversation).
    NotFound,
    /// The call was refused as asked (an empty message, nothing to retry).
    Invalid,
    /// The engine does not know this request (a window of another version).
    Unknown,
    /// The engine tried and failed (the store, starting the window process).
    Failed,
    /// The engine is gone (it quit) before it answered.
    Gone,
    /// The answer was not the one this call is answered with.
    Protocol,
}

/// A failed call. Its `Display` is the message alone: what the web UI is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireError {
    /// For programs: what went wrong.
    pub kind: ErrorKind,
    /// For people: the engine's own words.
    pub message: String,
}

impl WireError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> WireError {
        WireError { kind, message: message.into() }
    }

    /// A call answered with `got` where it expected `expected`.
    pub fn unexpected(expected: &str, got: &crate::Answer) -> WireError {
        WireError::new(ErrorKind::Protocol, format!("expected a `{expected}` answer, got `{}`", got.kind()))
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WireError {}
