//! Health: what each answer says about a backend, and the state it adds up to.
//!
//! - [`observation`]: one piece of evidence ([`Observation`]): ok, loading, refused, timed
//!   out, failed; made from a probe, a read of load figures, or a real request's outcome.
//! - [`hysteresis`]: UP / DOWN / STARTING from consecutive observations, with the
//!   [`crate::model::Cause`] of each change. Pure and time-free.
//!
//! The task that gathers the evidence is the registry's monitor ([`crate::registry`]).

pub mod hysteresis;
pub mod observation;

pub use hysteresis::{Change, Hysteresis};
pub use observation::Observation;
