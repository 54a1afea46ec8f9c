//! The status history kept on disk (its own SQLite file), so that the status view's 24-hour
//! and 7-day ranges survive a restart: 10-second points for a day, 1-minute points (the worst
//! of each minute) for a week, nothing older. The registry writes each backend's recent points
//! every minute and at shutdown; a point is keyed by its bucket, so writing one again (a bucket
//! still filling) replaces it.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

use std::sync::Arc;

use super::history::{downsample, BUCKET};
use super::{Registry, RegistryError, Task};
use crate::model::Point;

/// Fine points are kept this long, then merged into minutes.
pub const FINE_FOR: Duration = Duration::from_secs(24 * 3600);
/// Nothing older is kept.
pub const KEPT_FOR: Duration = Duration::from_secs(7 * 24 * 3600);
/// The width of a coarse point.
pub const MINUTE: Duration = Duration::from_secs(60);

/// Why the history file could not be used (the status view then shows the last hour only).
#[derive(Debug, thiserror::Error)]
#[error("status history {path}: {source}")]
pub struct ArchiveError {
    path: String,
    #[source]
    source: rusqlite::Error,
}

#[derive(Debug)]
pub struct Archive {
    conn: Mutex<Connection>,
}

fn ms(d: Duration) -> i64 {
    d.as_millis() as i64
}

impl Archive {
    /// Opens (creating) the history at `path` (0600 in a private folder).
    pub fn open(path: &Path) -> Result<Archive, ArchiveError> {
        let wrap = |source| ArchiveError { path: path.display().to_string(), source };
        let io = |e: std::io::Error| wrap(rusqlite::Error::ToSqlConversionFailure(Box::new(e)));
        crate::private::open_file(path, false).map_err(io)?;
        let conn = Connection::open(path).map_err(wrap)?;
        Self::setup(conn).map_err(wrap)
    }

    /// An archive in memory (tests).
    pub fn in_memory() -> Result<Archive, rusqlite::Error> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Archive, rusqlite::Error> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS points (
                backend TEXT NOT NULL,
                width_ms INTEGER NOT NULL,
                bucket INTEGER NOT NULL,
                at_ms INTEGER NOT NULL,
                point TEXT NOT NULL,
                PRIMARY KEY (backend, width_ms, bucket)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS points_by_time ON points(backend, at_ms);",
        )?;
        Ok(Archive { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes `backend`'s fine `points` (replacing those of the same buckets).
    pub fn put(&self, backend: &str, points: &[Point]) -> Result<(), rusqlite::Error> {
        let mut c = self.conn();
        let tx = c.transaction()?;
        {
            let mut st = tx.prepare_cached(
                "INSERT OR REPLACE INTO points (backend, width_ms, bucket, at_ms, point) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for p in points {
                let at = p.at.timestamp_millis();
                let json = serde_json::to_string(p).unwrap_or_default();
                st.execute(params![backend, ms(BUCKET), at.div_euclid(ms(BUCKET)), at, json])?;
            }
        }
        tx.commit()
    }

    /// Merges fine points older than a day into minutes, and drops what is older than a week.
    pub fn compact(&self, now: DateTime<Utc>) -> Result<(), rusqlite::Error> {
        let now = now.timestamp_millis();
        let mut c = self.conn();
        let tx = c.transaction()?;
        let old: Vec<(String, String)> = {
            let mut st = tx.prepare_cached(
                "SELECT backend, point FROM points WHERE width_ms = ?1 AND at_ms < ?2 ORDER BY backend, at_ms",
            )?;
            let rows = st.query_map(params![ms(BUCKET), now - ms(FINE_FOR)], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut by_backend: std::collections::BTreeMap<String, Vec<Point>> = Default::default();
        for (backend, json) in old {
            if let Ok(p) = serde_json::from_str::<Point>(&json) {
                by_backend.entry(backend).or_default().push(p);
            }
        }
        {
            let mut put = tx.prepare_cached(
                "INSERT OR REPLACE INTO points (backend, width_ms, bucket, at_ms, point) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (backend, points) in by_backend {
                for p in downsample(points, MINUTE) {
                    let at = p.at.timestamp_millis();
                    let json = serde_json::to_string(&p).unwrap_or_default();
                    put.execute(params![backend, ms(MINUTE), at.div_euclid(ms(MINUTE)), at, json])?;
                }
            }
        }
        tx.execute("DELETE FROM points WHERE width_ms = ?1 AND at_ms < ?2", params![ms(BUCKET), now - ms(FINE_FOR)])?;
        tx.execute("DELETE FROM points WHERE at_ms < ?1", params![now - ms(KEPT_FOR)])?;
        tx.commit()
    }

    /// `backend`'s points from `from` on, oldest first (minutes, then 10-second points).
    pub fn points(&self, backend: &str, from: DateTime<Utc>) -> Result<Vec<Point>, rusqlite::Error> {
        let c = self.conn();
        let mut st = c.prepare_cached("SELECT point FROM points WHERE backend = ?1 AND at_ms >= ?2 ORDER BY at_ms")?;
        let rows = st.query_map(params![backend, from.timestamp_millis()], |r| r.get::<_, String>(0))?;
        Ok(rows.filter_map(|r| r.ok().and_then(|j| serde_json::from_str(&j).ok())).collect())
    }
}

impl Registry {
    /// The named backend's last `span` (at most a week), oldest first, in at most about 720
    /// points (each the worst of its width): from the history on disk where it is kept (so
    /// from before a restart), and the points in memory.
    pub fn history_range(&self, name: &str, span: Duration) -> Result<Vec<Point>, RegistryError> {
        let span = span.min(KEPT_FOR);
        let recent = self.find(name)?.history();
        let from = self.inner.clock.now() - chrono::Duration::from_std(span).unwrap_or_default();
        let first_recent = recent.first().map(|p| p.at);
        let mut points: Vec<Point> = match self.inner.archive.get() {
            Some(a) => a
                .points(name, from)
                .unwrap_or_else(|e| {
                    tracing::warn!("status history: {e}");
                    Vec::new()
                })
                .into_iter()
                .filter(|p| first_recent.is_none_or(|f| p.at < f))
                .collect(),
            None => Vec::new(),
        };
        points.extend(recent.into_iter().filter(|p| p.at >= from));
        let width = (span / 720).max(BUCKET);
        Ok(if width > BUCKET { downsample(points, width) } else { points })
    }

    /// Keeps the history in the SQLite file at `path` from now on: every backend's recent
    /// points written each minute and at shutdown, compacted each hour.
    pub fn keep_history(&self, path: &std::path::Path) -> Result<(), ArchiveError> {
        let archive = Arc::new(Archive::open(path)?);
        if self.inner.archive.set(Arc::clone(&archive)).is_err() {
            return Ok(()); // already kept
        }
        let cancel = self.inner.cancel.child_token();
        let (publisher, clock, stop) = (Arc::clone(&self.inner.publisher), self.inner.clock, cancel.clone());
        let handle = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            let mut since: Option<chrono::DateTime<chrono::Utc>> = None;
            for n in 0u64.. {
                let stopping = tokio::select! {
                    () = stop.cancelled() => true,
                    _ = tick.tick() => false,
                };
                // The points since the last write, and the bucket that was still filling then.
                let bucket = chrono::Duration::from_std(BUCKET).unwrap_or_default();
                for b in publisher.backends() {
                    let points: Vec<Point> =
                        b.history().into_iter().filter(|p| since.is_none_or(|s| p.at >= s - bucket)).collect();
                    if let Err(e) = archive.put(&b.cfg.name, &points) {
                        tracing::warn!("status history: {e}");
                    }
                }
                since = Some(clock.now());
                if n % 60 == 0 {
                    if let Err(e) = archive.compact(clock.now()) {
                        tracing::warn!("status history: {e}");
                    }
                }
                if stopping {
                    return;
                }
            }
        });
        self.live().archiver = Some(Task { key: (), cancel, handle });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Level, State};

    fn point(at: DateTime<Utc>, probe: f64, level: Level) -> Point {
        Point { at, wait_ms: None, probe_ms: Some(probe), ping_ms: None, level, state: State::Up }
    }

    #[test]
    fn a_day_of_fine_points_then_minutes_for_a_week_then_nothing() {
        let a = Archive::in_memory().unwrap();
        let now: DateTime<Utc> = "2026-12-03T12:00:00Z".parse().unwrap();
        let secs = |s: i64| now - chrono::Duration::seconds(s);
        // Two days ago: six fine points in one minute, one of them busy.
        let old: Vec<Point> = (0..6)
            .map(|i| point(secs(2 * 86400 + 60 - i * 10), i as f64, if i == 3 { Level::Busy } else { Level::Idle }))
            .collect();
        // Eight days ago: gone after compaction. An hour ago: kept as it is.
        a.put("big", &old).unwrap();
        a.put("big", &[point(secs(8 * 86400), 1.0, Level::Idle), point(secs(3600), 2.0, Level::Idle)]).unwrap();
        // The same bucket written twice: one point, the last.
        a.put("big", &[point(secs(3600) + chrono::Duration::seconds(2), 9.0, Level::Idle)]).unwrap();
        a.compact(now).unwrap();
        let all = a.points("big", secs(10 * 86400)).unwrap();
        assert_eq!(all.len(), 2, "{all:?}");
        assert_eq!((all[0].probe_ms, all[0].level), (Some(5.0), Level::Busy), "the worst of the minute");
        assert_eq!(all[1].probe_ms, Some(9.0));
        assert!(a.points("other", secs(10 * 86400)).unwrap().is_empty());
    }
}
