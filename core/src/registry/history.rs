//! The last hour of each backend, for the status view's plot: one point per 10-second bucket
//! (360 points), each holding the worst of what was published in that bucket: the estimated
//! wait, the probe latency, the 1-token ping, the level and the state. Kept in memory by the
//! registry from the moment it starts, whether or not a window is open.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use crate::clock::Clock;
use crate::model::{BackendStatus, Point, State};

/// The width of one point.
pub const BUCKET: Duration = Duration::from_secs(10);
/// How far back the history goes.
pub const SPAN: Duration = Duration::from_secs(3600);

fn worse(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

fn state_rank(s: State) -> u8 {
    match s {
        State::Up => 0,
        State::Starting => 1,
        State::Down => 2,
    }
}

/// `p` and `q` as one point: the worst of each figure, dated by the later.
pub(crate) fn merge(p: &mut Point, q: &Point) {
    p.at = p.at.max(q.at);
    p.wait_ms = worse(p.wait_ms, q.wait_ms);
    p.probe_ms = worse(p.probe_ms, q.probe_ms);
    p.ping_ms = worse(p.ping_ms, q.ping_ms);
    if q.level.severity() > p.level.severity() {
        p.level = q.level;
    }
    if state_rank(q.state) > state_rank(p.state) {
        p.state = q.state;
    }
}

/// `points` (oldest first) as one point per `width`: the worst of each.
pub fn downsample(points: Vec<Point>, width: Duration) -> Vec<Point> {
    let width_ms = (width.as_millis() as i64).max(1);
    let mut out: Vec<(i64, Point)> = Vec::new();
    for p in points {
        let bucket = p.at.timestamp_millis().div_euclid(width_ms);
        match out.last_mut() {
            Some((b, last)) if *b == bucket => merge(last, &p),
            _ => out.push((bucket, p)),
        }
    }
    out.into_iter().map(|(_, p)| p).collect()
}

/// A bounded history of one backend.
#[derive(Debug)]
pub struct History {
    /// Bucket number (from `origin`) and point, oldest first.
    points: VecDeque<(u64, Point)>,
    origin: Instant,
    /// The wall-clock time at `origin`: points are dated from the monotonic clock, so that
    /// a clock change does not reorder them (and paused-time tests see virtual dates).
    origin_wall: DateTime<Utc>,
}

impl History {
    pub fn new(origin: Instant, clock: Clock) -> Self {
        Self { points: VecDeque::new(), origin, origin_wall: clock.now() }
    }

    /// Records a published status at `now`.
    pub fn record(&mut self, s: &BackendStatus, now: Instant) {
        let elapsed = now.saturating_duration_since(self.origin);
        let bucket = (elapsed.as_millis() / BUCKET.as_millis()) as u64;
        let at = self.origin_wall + chrono::Duration::from_std(elapsed).unwrap_or_default();
        // A ping is shown in the bucket it was taken in, not again in every later one.
        let fresh = chrono::Duration::from_std(BUCKET).unwrap_or_default();
        let ping = s.ping_at.filter(|t| *t >= s.updated - fresh);
        let point = Point {
            at,
            wait_ms: s.est_wait_ms,
            probe_ms: s.probe_ms,
            ping_ms: ping.and(s.ping_ms),
            level: s.level,
            state: s.state,
        };
        match self.points.back_mut() {
            Some((b, p)) if *b == bucket => merge(p, &point),
            _ => self.points.push_back((bucket, point)),
        }
        let keep = SPAN.as_millis() as u64 / BUCKET.as_millis() as u64;
        while self.points.front().is_some_and(|(b, _)| bucket.saturating_sub(*b) >= keep) {
            self.points.pop_front();
        }
    }

    /// The points of the last hour, oldest first.
    pub fn points(&self) -> Vec<Point> {
        self.points.iter().map(|(_, p)| p.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Level, Role};

    fn status(wait: f64, probe: f64, level: Level, state: State) -> BackendStatus {
        let mut s = BackendStatus::unchecked("big", Role::Reasoner, Clock::system().now());
        (s.est_wait_ms, s.probe_ms, s.level, s.state) = (Some(wait), Some(probe), level, state);
        s
    }

    #[tokio::test(start_paused = true)]
    async fn one_point_per_bucket_holds_the_worst_and_an_hour_is_kept() {
        let mut h = History::new(Instant::now(), Clock::system());
        h.record(&status(0.0, 2.0, Level::Idle, State::Up), Instant::now());
        tokio::time::advance(Duration::from_secs(3)).await;
        h.record(&status(5000.0, 1.0, Level::Busy, State::Up), Instant::now());
        tokio::time::advance(Duration::from_secs(3)).await;
        h.record(&status(100.0, 3.0, Level::Normal, State::Up), Instant::now());
        let p = h.points();
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].wait_ms, p[0].probe_ms, p[0].level), (Some(5000.0), Some(3.0), Level::Busy));

        tokio::time::advance(BUCKET).await;
        h.record(&status(0.0, 2.0, Level::Down, State::Down), Instant::now());
        assert_eq!(h.points().len(), 2);
        assert_eq!(h.points()[1].state, State::Down);

        // Two hours of one status a second: only the last hour stays, one point per bucket.
        for _ in 0..7200 {
            tokio::time::advance(Duration::from_secs(1)).await;
            h.record(&status(0.0, 2.0, Level::Idle, State::Up), Instant::now());
        }
        assert_eq!(h.points().len(), 360);
        assert!(h.points().iter().all(|p| p.level == Level::Idle));
    }
}
