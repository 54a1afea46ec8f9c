//! UP / DOWN / STARTING with consecutive-result thresholds, so one lost probe is not an outage.
//!
//! - A backend starts as `Starting` (it has never answered). Its first success makes it `Up`.
//! - A server answering "Loading model" (llama.cpp's 503) is `Starting`, never `Down`, and a
//!   loading answer resets the failure count: a server that answers is alive.
//! - `Up -> Down` needs `fall` consecutive failures, or `fall_refused` consecutive refused
//!   connections (a refusal is a surer sign than a timeout; a frozen process times out).
//! - `Down -> Up` needs `rise` consecutive successes.
//!
//! Pure and time-free: the monitor feeds it observations.

use super::Observation;
use crate::config::HealthSettings;
use crate::model::{Cause, State};

/// A state change and why it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub from: State,
    pub to: State,
    pub cause: Cause,
}

/// The consecutive-result state machine.
#[derive(Debug, Clone)]
pub struct Hysteresis {
    state: State,
    /// Consecutive successes.
    ok_streak: u32,
    /// Consecutive failures.
    fail_streak: u32,
    /// Whether every failure of the current streak was a refusal.
    all_refused: bool,
    /// Last failure, for the reason text.
    last_failure: Option<Observation>,
}

impl Default for Hysteresis {
    fn default() -> Self {
        Self { state: State::Starting, ok_streak: 0, fail_streak: 0, all_refused: true, last_failure: None }
    }
}

impl Hysteresis {
    pub fn state(&self) -> State {
        self.state
    }

    /// Consecutive failures so far (a suspected outage when > 0 while up).
    pub fn fail_streak(&self) -> u32 {
        self.fail_streak
    }

    /// Feeds one observation; returns the change it caused, if any.
    pub fn observe(&mut self, obs: &Observation, s: &HealthSettings) -> Option<Change> {
        if obs.is_failure() {
            self.ok_streak = 0;
            self.all_refused = (self.fail_streak == 0 || self.all_refused) && *obs == Observation::Refused;
            self.fail_streak = self.fail_streak.saturating_add(1);
            self.last_failure = Some(obs.clone());
            let needed = if self.all_refused { s.fall_refused.min(s.fall) } else { s.fall };
            if self.state != State::Down && self.fail_streak >= needed {
                let count = self.fail_streak;
                let cause = match obs {
                    Observation::Refused => Cause::Refused { count },
                    Observation::Failed(why) => Cause::Failures { count, last: why.clone() },
                    _ => Cause::Timeouts { count },
                };
                return self.flip(State::Down, cause);
            }
            return None;
        }
        self.fail_streak = 0;
        self.all_refused = true;
        match obs {
            Observation::Loading => {
                self.ok_streak = 0;
                if self.state != State::Starting {
                    return self.flip(State::Starting, Cause::Loading);
                }
                None
            }
            _ => {
                self.ok_streak = self.ok_streak.saturating_add(1);
                match self.state {
                    State::Up => None,
                    State::Starting => self.flip(State::Up, Cause::Answered),
                    State::Down if self.ok_streak >= s.rise => {
                        let cause = Cause::Successes { count: self.ok_streak };
                        self.flip(State::Up, cause)
                    }
                    State::Down => None,
                }
            }
        }
    }

    fn flip(&mut self, to: State, cause: Cause) -> Option<Change> {
        let from = self.state;
        self.state = to;
        Some(Change { from, to, cause })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Observation::*;

    fn feed(h: &mut Hysteresis, obs: &[Observation]) -> Vec<(State, State)> {
        let s = HealthSettings::default();
        obs.iter().filter_map(|o| h.observe(o, &s)).map(|c| (c.from, c.to)).collect()
    }

    fn up() -> Hysteresis {
        let mut h = Hysteresis::default();
        assert_eq!(feed(&mut h, &[Ok]), vec![(State::Starting, State::Up)]);
        h
    }

    #[test]
    fn one_or_two_timeouts_do_not_flip() {
        let mut h = up();
        assert!(feed(&mut h, &[Timeout, Timeout, Ok, Timeout, Timeout, Ok]).is_empty());
        assert_eq!(h.state(), State::Up);
    }

    #[test]
    fn three_timeouts_flip_down() {
        let mut h = up();
        assert_eq!(feed(&mut h, &[Timeout, Timeout, Timeout]), vec![(State::Up, State::Down)]);
        // Further failures change nothing.
        assert!(feed(&mut h, &[Timeout, Refused]).is_empty());
    }

    #[test]
    fn refusals_confirm_faster() {
        let mut h = up();
        assert_eq!(feed(&mut h, &[Refused, Refused]), vec![(State::Up, State::Down)]);
        // A mixed streak needs the full count.
        let mut h = up();
        assert!(feed(&mut h, &[Timeout, Refused]).is_empty());
        assert_eq!(feed(&mut h, &[Refused]), vec![(State::Up, State::Down)]);
    }

    #[test]
    fn rise_needs_consecutive_successes() {
        let mut h = up();
        feed(&mut h, &[Refused, Refused]);
        assert!(feed(&mut h, &[Ok, Refused, Ok]).is_empty());
        assert_eq!(feed(&mut h, &[Ok]), vec![(State::Down, State::Up)]);
    }

    #[test]
    fn loading_is_starting_never_down() {
        let mut h = Hysteresis::default();
        assert!(feed(&mut h, &vec![Loading; 60]).is_empty());
        assert_eq!(h.state(), State::Starting);
        assert_eq!(feed(&mut h, &[Ok]), vec![(State::Starting, State::Up)]);
        // A restart seen as loading from UP or DOWN goes to STARTING.
        assert_eq!(feed(&mut h, &[Loading]), vec![(State::Up, State::Starting)]);
        let mut h = up();
        feed(&mut h, &[Refused, Refused]);
        assert_eq!(feed(&mut h, &[Loading]), vec![(State::Down, State::Starting)]);
        // Loading between failures resets the streak.
        let mut h = up();
        feed(&mut h, &[Ok]);
        assert!(feed(&mut h, &[Timeout, Timeout]).is_empty());
        assert_eq!(feed(&mut h, &[Loading, Timeout, Timeout]), vec![(State::Up, State::Starting)]);
    }

    #[test]
    fn never_answered_goes_down_after_fall() {
        let mut h = Hysteresis::default();
        assert_eq!(feed(&mut h, &[Refused, Refused]), vec![(State::Starting, State::Down)]);
    }

    #[test]
    fn flapping_every_other_probe_never_flips() {
        let mut h = up();
        let pattern: Vec<Observation> = (0..100).map(|i| if i % 2 == 0 { Timeout } else { Ok }).collect();
        assert!(feed(&mut h, &pattern).is_empty());
    }

    #[test]
    fn reason_names_the_cause() {
        let s = HealthSettings::default();
        let mut h = up();
        h.observe(&Refused, &s);
        let c = h.observe(&Refused, &s).unwrap();
        let reason = crate::i18n::cause(&c.cause);
        assert!(reason.contains("refused"), "{}", reason);
    }
}
