//! What one answer (or its absence) says about a backend's health.

use crate::client::ClientError;

/// One piece of evidence about a backend.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    /// Answered and healthy.
    Ok,
    /// Answered "loading model".
    Loading,
    /// Connection refused (nothing listens).
    Refused,
    /// No answer in time.
    Timeout,
    /// Any other failure (HTTP 5xx, protocol error).
    Failed(String),
}

impl Observation {
    pub(crate) fn is_failure(&self) -> bool {
        matches!(self, Observation::Refused | Observation::Timeout | Observation::Failed(_))
    }

    /// What a client error says about the backend's health.
    pub fn from_error(err: &ClientError) -> Observation {
        match err {
            ClientError::Refused { .. } => Observation::Refused,
            ClientError::Timeout { .. } | ClientError::Stalled { .. } => Observation::Timeout,
            ClientError::Loading { .. } => Observation::Loading,
            // A server that answers "not supported" is alive.
            ClientError::Unsupported { .. } => Observation::Ok,
            other => Observation::Failed(other.short()),
        }
    }
}
