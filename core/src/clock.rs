//! Wall-clock time, in one place. Durations and deadlines use `tokio::time::Instant` (pausable
//! in tests); dates (the classifier's "today", stored timestamps, when a flip happened) come
//! from a [`Clock`], which a test can fix. Reading `Utc::now` or `Local::now` anywhere else is
//! refused by clippy (`.clippy.toml`).

use chrono::{DateTime, FixedOffset, Local, Utc};
use tokio::time::Instant;

/// The source of dates: the system's clock, or a fixed moment that moves with (pausable)
/// tokio time. Cheap to copy.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    /// A fixed start, and the tokio instant it was fixed at; `None`: the system clock.
    fixed: Option<(DateTime<FixedOffset>, Instant)>,
}

impl Clock {
    /// The system's clock, in the system's time zone.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// A clock that reads `at` now and advances with tokio time from here (in `at`'s offset).
    /// Must be called inside a tokio runtime with time enabled.
    pub fn fixed(at: DateTime<FixedOffset>) -> Clock {
        Clock { fixed: Some((at, Instant::now())) }
    }

    /// Now, in the user's time zone.
    #[allow(clippy::disallowed_methods)] // the one place that reads the system clock
    pub fn now_local(&self) -> DateTime<FixedOffset> {
        match self.fixed {
            None => Local::now().fixed_offset(),
            Some((at, since)) => at + chrono::Duration::from_std(since.elapsed()).unwrap_or_default(),
        }
    }

    /// Now, in UTC.
    pub fn now(&self) -> DateTime<Utc> {
        self.now_local().with_timezone(&Utc)
    }

    /// The date at tokio instant `at` (earlier than `now` by however long ago it was).
    pub fn at(&self, at: Instant, now: Instant) -> DateTime<Utc> {
        let ago = now.saturating_duration_since(at);
        self.now() - chrono::Duration::from_std(ago).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_fixed_clock_moves_with_tokio_time() {
        let at = DateTime::parse_from_rfc3339("2026-03-02T09:30:00+09:00").unwrap();
        let c = Clock::fixed(at);
        assert_eq!(c.now_local(), at);
        let t0 = Instant::now();
        tokio::time::advance(std::time::Duration::from_secs(90)).await;
        assert_eq!(c.now_local().to_rfc3339(), "2026-03-02T09:31:30+09:00");
        assert_eq!(c.now().to_rfc3339(), "2026-03-02T00:31:30+00:00");
        assert_eq!(c.at(t0, Instant::now()), at.with_timezone(&Utc));
    }
}
