//! Every number in the file checked where it is read: finite, within the range it can mean
//! something in, else an error naming the line and the key. Nothing from the file can make
//! the engine panic later (a `Duration` that overflows, a semaphore too large, a loop of
//! 10^19 turns).

use std::ops::Range;
use std::time::Duration;

use toml::Spanned;

use super::ConfigError;

/// Longest time any setting may be (a week): beyond it, a timer means "never" and would
/// overflow the clock's arithmetic.
pub const MAX_SECS: f64 = 7.0 * 86_400.0;

/// Makes an error at a span of the file, about a key.
pub(super) type At<'a> = &'a dyn Fn(Option<Range<usize>>, Option<&str>, String) -> ConfigError;

/// Makes the errors; knows the file.
pub(super) struct Check<'a> {
    pub at: At<'a>,
}

impl Check<'_> {
    /// A float in `lo..=hi`, or none when absent.
    pub fn float(&self, v: &Option<Spanned<f64>>, key: &str, lo: f64, hi: f64) -> Result<Option<f64>, ConfigError> {
        let Some(v) = v else { return Ok(None) };
        let x = *v.get_ref();
        if !x.is_finite() || x < lo || x > hi {
            return Err((self.at)(Some(v.span()), Some(key), format!("`{key}` = {x} is outside {lo}..{hi}")));
        }
        Ok(Some(x))
    }

    /// A duration in seconds, more than 0 and at most [`MAX_SECS`]; `default` when absent.
    pub fn secs(&self, v: &Option<Spanned<f64>>, key: &str, default: Duration) -> Result<Duration, ConfigError> {
        match self.float(v, key, 0.0, MAX_SECS)? {
            Some(x) if x <= 0.0 => {
                Err((self.at)(v.as_ref().map(Spanned::span), Some(key), format!("`{key}` must be more than 0")))
            }
            Some(x) => Ok(Duration::from_secs_f64(x)),
            None => Ok(default),
        }
    }

    /// An integer in `lo..=hi`, or none when absent.
    pub fn int(&self, v: &Option<Spanned<u64>>, key: &str, lo: u64, hi: u64) -> Result<Option<u64>, ConfigError> {
        let Some(v) = v else { return Ok(None) };
        let x = *v.get_ref();
        if !(lo..=hi).contains(&x) {
            return Err((self.at)(Some(v.span()), Some(key), format!("`{key}` = {x} is outside {lo}..{hi}")));
        }
        Ok(Some(x))
    }
}
