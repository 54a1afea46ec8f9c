//! The classifier's decision, and how it is read.
//!
//! - this file: [`Decision`], one variant per action;
//! - [`schema`]: the JSON schema servers constrain the decision to (one shape per action);
//! - [`lenient`]: a reader of what small models really write: code fences, prose around the
//!   JSON, trailing commas, a truncated object, unknown actions, missing or mistyped fields,
//!   or no JSON at all. Every input gives a decision; none panics.

pub mod lenient;
pub mod schema;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use crate::model::Action;
pub use lenient::parse;
pub(crate) use lenient::{extract_string, scan_string};
pub use schema::{schema, MAX_FIELD_CHARS, STRUCTURED_MAX_TOKENS};

/// What the classifier decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Decision {
    /// Small talk or a simple question: the classifier's answer is shown.
    Direct { response: String },
    /// A hard question: the reasoner gets `prompt`.
    Route { prompt: String },
    /// Ambiguous: ask the user.
    Clarify { response: String },
    /// A tool call.
    Tools { tool: String, operation: String, params: Map<String, Value> },
    /// The user asks how the servers are doing.
    Status,
}

impl Decision {
    pub fn action(&self) -> Action {
        match self {
            Decision::Direct { .. } => Action::Direct,
            Decision::Route { .. } => Action::Route,
            Decision::Clarify { .. } => Action::Clarify,
            Decision::Tools { .. } => Action::Tools,
            Decision::Status => Action::Status,
        }
    }
}
