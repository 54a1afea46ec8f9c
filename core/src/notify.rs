//! Desktop-notification hygiene, GUI-free: which health flips deserve a notification.
//!
//! The hysteresis in [`crate::health`] already keeps one lost probe from flipping a
//! backend. On top of it:
//! - the user is told only what changes what they believe: a DOWN, then a "back up" once the
//!   backend has stayed up for `up_hold` (a DOWN within that time cancels it, and the user,
//!   who still believes it down, hears nothing more);
//! - flips that happen together (within `coalesce`) make one notification ("2 backends down");
//! - a backend that flips `flap_flips` times within `flap_window` is *flapping*: one
//!   "flapping" notice, then silence for it until it has held one state for `settle`, when a
//!   final "back up" (or "down") closes the episode;
//! - the first UP after launch is not news; the first UP after loading is, once ("ready");
//! - while paused, nothing is emitted.
//!
//! The desktop shell feeds [`Notifier::flip`] and calls [`Notifier::poll`] every second or
//! so, sending what it returns. Time is a parameter, so tests run on paused time.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

use serde::Serialize;
use tokio::time::Instant;

use crate::model::{Cause, Flip, Lang, ServerChange, ServerState, State};

/// Tuning of the notification policy.
#[derive(Debug, Clone, PartialEq)]
pub struct NotifyPolicy {
    /// Announcements of one kind within this time of each other go out together.
    pub coalesce: Duration,
    /// A backend must stay up this long before "back up" is announced.
    pub up_hold: Duration,
    /// This many flips of one backend within `flap_window` make it flapping.
    pub flap_flips: usize,
    pub flap_window: Duration,
    /// A flapping backend is settled after holding one state this long.
    pub settle: Duration,
}

impl Default for NotifyPolicy {
    fn default() -> Self {
        Self {
            coalesce: Duration::from_secs(2),
            up_hold: Duration::from_secs(10),
            flap_flips: 4,
            flap_window: Duration::from_secs(120),
            settle: Duration::from_secs(60),
        }
    }
}

pub use crate::model::NotificationKind as NoticeKind;

/// One notification to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notification {
    pub kind: NoticeKind,
    /// The backends it is about, in name order.
    pub backends: Vec<String>,
}

impl Notification {
    /// Summary and body in `lang`.
    pub fn text(&self, lang: Lang) -> (String, String) {
        crate::i18n::notification(self.kind, &self.backends, lang)
    }

    /// Summary and body in English.
    pub fn text_en(&self) -> (String, String) {
        self.text(Lang::En)
    }

    /// Summary and body in Korean.
    pub fn text_ko(&self) -> (String, String) {
        self.text(Lang::Ko)
    }
}

#[derive(Debug, Default)]
struct Track {
    /// Times of recent flips.
    flips: VecDeque<Instant>,
    flapping: bool,
    /// Its state now, and since when.
    state: Option<State>,
    since: Option<Instant>,
    /// What the user was last told: `Down`, or `Up` (also: never told anything).
    believed_down: bool,
    /// It was seen loading; the next UP is "ready" (once).
    loading: bool,
    /// Its managed server is being started again: the user was told so, and its DOWN is not
    /// news (its UP is, as "back up").
    restarting: bool,
}

/// One announcement waiting to go out.
#[derive(Debug, Clone)]
struct Pending {
    kind: NoticeKind,
    backend: String,
    due: Instant,
}

/// The notification policy's state.
#[derive(Debug, Default)]
pub struct Notifier {
    policy: NotifyPolicy,
    tracks: HashMap<String, Track>,
    pending: Vec<Pending>,
    paused: bool,
}

impl Notifier {
    pub fn new(policy: NotifyPolicy) -> Self {
        Self { policy, ..Self::default() }
    }

    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
        if paused {
            self.pending.clear();
        }
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    /// Whether `backend` is currently considered flapping.
    pub fn flapping(&self, backend: &str) -> bool {
        self.tracks.get(backend).is_some_and(|t| t.flapping)
    }

    /// Queues an announcement due at `due`, joining a batch of the same kind that is close.
    fn queue(&mut self, kind: NoticeKind, backend: &str, due: Instant) {
        self.pending.retain(|p| p.backend != backend);
        if self.paused {
            return;
        }
        let coalesce = self.policy.coalesce;
        let due = self
            .pending
            .iter()
            .filter(|p| p.kind == kind && p.due.max(due).saturating_duration_since(p.due.min(due)) <= coalesce)
            .map(|p| p.due.max(due))
            .max()
            .unwrap_or(due);
        for p in self.pending.iter_mut().filter(|p| p.kind == kind) {
            if p.due.max(due).saturating_duration_since(p.due.min(due)) <= coalesce {
                p.due = due;
            }
        }
        self.pending.push(Pending { kind, backend: backend.to_string(), due });
    }

    /// Takes one health flip into account.
    pub fn flip(&mut self, flip: &Flip, now: Instant) {
        let policy = self.policy.clone();
        let t = self.tracks.entry(flip.backend.clone()).or_default();
        if t.restarting {
            // Its managed server is being started again (the user was told): down, loading
            // and up are that restart, not flapping; only its UP is news.
            t.state = Some(flip.to);
            t.since = Some(now);
            if flip.to == State::Up {
                t.restarting = false;
                t.loading = false;
                let name = flip.backend.clone();
                self.queue(NoticeKind::Up, &name, now + policy.up_hold);
            }
            return;
        }
        t.flips.push_back(now);
        while t.flips.front().is_some_and(|f| now.saturating_duration_since(*f) > policy.flap_window) {
            t.flips.pop_front();
        }
        t.state = Some(flip.to);
        t.since = Some(now);
        if flip.to == State::Starting && flip.cause == Cause::Loading {
            t.loading = true;
        }
        let name = flip.backend.clone();
        if t.flapping {
            return; // silent until it settles (see `poll`)
        }
        if t.flips.len() >= policy.flap_flips {
            t.flapping = true;
            self.queue(NoticeKind::Flapping, &name, now + policy.coalesce);
            return;
        }
        let believed_down = t.believed_down;
        let ready = flip.to == State::Up && std::mem::take(&mut t.loading);
        match flip.to {
            State::Down if !believed_down => self.queue(NoticeKind::Down, &name, now + policy.coalesce),
            State::Up if believed_down => self.queue(NoticeKind::Up, &name, now + policy.up_hold),
            State::Up if ready => self.queue(NoticeKind::Ready, &name, now + policy.coalesce),
            // Back to what the user believes: whatever was waiting about it is moot.
            _ => self.pending.retain(|p| p.backend != name),
        }
    }

    /// Takes one managed-server change into account: the first restart of an episode and a
    /// server given up on are told once; the restarts after the first are not.
    pub fn server(&mut self, change: &ServerChange, now: Instant) {
        let coalesce = self.policy.coalesce;
        for name in &change.backends {
            let t = self.tracks.entry(name.clone()).or_default();
            match change.state {
                ServerState::Restarting { .. } if !t.restarting => {
                    t.restarting = true;
                    self.queue(NoticeKind::Restarting, name, now + coalesce);
                }
                ServerState::Failed { .. } => {
                    t.restarting = false;
                    self.queue(NoticeKind::ServerFailed, name, now + coalesce);
                }
                ServerState::Restarting { .. } | ServerState::Running { .. } => {}
            }
        }
    }

    /// Notifications due at `now`.
    pub fn poll(&mut self, now: Instant) -> Vec<Notification> {
        let settle = self.policy.settle;
        let mut settled = Vec::new();
        for (name, t) in &mut self.tracks {
            if t.flapping && t.since.is_some_and(|s| now.saturating_duration_since(s) >= settle) {
                t.flapping = false;
                t.flips.clear();
                // The last word on a flapping episode is always where it settled.
                match t.state {
                    Some(State::Up) => settled.push((NoticeKind::Up, name.clone())),
                    Some(State::Down) => settled.push((NoticeKind::Down, name.clone())),
                    _ => {}
                }
            }
        }
        for (kind, name) in settled {
            self.queue(kind, &name, now);
        }
        let (due, later): (Vec<Pending>, Vec<Pending>) =
            std::mem::take(&mut self.pending).into_iter().partition(|p| p.due <= now);
        self.pending = later;
        if self.paused {
            return Vec::new();
        }
        let mut by_kind: BTreeMap<NoticeKind, Vec<String>> = BTreeMap::new();
        for p in due {
            let t = self.tracks.entry(p.backend.clone()).or_default();
            match p.kind {
                NoticeKind::Down | NoticeKind::Restarting | NoticeKind::ServerFailed => t.believed_down = true,
                NoticeKind::Up | NoticeKind::Ready => t.believed_down = false,
                NoticeKind::Flapping => {}
            }
            by_kind.entry(p.kind).or_default().push(p.backend);
        }
        by_kind
            .into_iter()
            .map(|(kind, mut backends)| {
                backends.sort();
                backends.dedup();
                Notification { kind, backends }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    /// A flip whose cause reads as `reason` ("loading model": loading; anything else: some
    /// other cause).
    fn flip(name: &str, from: State, to: State, reason: &str) -> Flip {
        let cause = if reason == "loading model" { Cause::Loading } else { Cause::Answered };
        Flip {
            backend: name.into(),
            role: Role::Reasoner,
            from,
            to,
            latency_ms: None,
            reason: reason.into(),
            cause,
            at: crate::clock::Clock::system().now(),
        }
    }

    async fn step(n: &mut Notifier, d: Duration) -> Vec<Notification> {
        tokio::time::advance(d).await;
        n.poll(Instant::now())
    }

    #[tokio::test(start_paused = true)]
    async fn launch_is_quiet_then_down_and_up_are_announced() {
        let mut n = Notifier::default();
        n.flip(&flip("big", State::Starting, State::Up, "answered"), Instant::now());
        assert!(step(&mut n, Duration::from_secs(3)).await.is_empty(), "the first UP is not news");
        n.flip(&flip("big", State::Up, State::Down, "refused"), Instant::now());
        assert!(step(&mut n, Duration::from_secs(1)).await.is_empty(), "still coalescing");
        let out = step(&mut n, Duration::from_secs(1)).await;
        assert_eq!(out, vec![Notification { kind: NoticeKind::Down, backends: vec!["big".into()] }]);
        assert_eq!(out[0].text_en().0, "big is down");
        tokio::time::advance(Duration::from_secs(60)).await;
        n.flip(&flip("big", State::Down, State::Up, "2 successes"), Instant::now());
        assert!(step(&mut n, Duration::from_secs(9)).await.is_empty(), "held until it stays up");
        let out = step(&mut n, Duration::from_secs(1)).await;
        assert_eq!(out, vec![Notification { kind: NoticeKind::Up, backends: vec!["big".into()] }]);
    }

    #[tokio::test(start_paused = true)]
    async fn flips_together_make_one_notification() {
        let mut n = Notifier::default();
        for name in ["a", "b"] {
            n.flip(&flip(name, State::Starting, State::Up, "answered"), Instant::now());
        }
        step(&mut n, Duration::from_secs(3)).await;
        n.flip(&flip("b", State::Up, State::Down, "refused"), Instant::now());
        tokio::time::advance(Duration::from_millis(500)).await;
        n.flip(&flip("a", State::Up, State::Down, "refused"), Instant::now());
        let out = step(&mut n, Duration::from_secs(2)).await;
        assert_eq!(out, vec![Notification { kind: NoticeKind::Down, backends: vec!["a".into(), "b".into()] }]);
        assert_eq!(out[0].text_en(), ("2 backends down".to_string(), "a, b".to_string()));
        assert_eq!(out[0].text_ko().0, "백엔드 2개 중단됨");
    }

    #[tokio::test(start_paused = true)]
    async fn down_and_up_within_the_window_cancel_out() {
        let mut n = Notifier::default();
        n.flip(&flip("a", State::Starting, State::Up, "answered"), Instant::now());
        step(&mut n, Duration::from_secs(3)).await;
        n.flip(&flip("a", State::Up, State::Down, "refused"), Instant::now());
        tokio::time::advance(Duration::from_secs(1)).await;
        n.flip(&flip("a", State::Down, State::Up, "2 successes"), Instant::now());
        assert!(step(&mut n, Duration::from_secs(5)).await.is_empty());
    }

    /// A backend flapping for a minute: at most 3 notifications (down, flapping, back up).
    #[tokio::test(start_paused = true)]
    async fn a_flapping_minute_makes_at_most_three_notifications() {
        let mut n = Notifier::default();
        n.flip(&flip("big", State::Starting, State::Up, "answered"), Instant::now());
        let mut sent = step(&mut n, Duration::from_secs(3)).await;
        let mut up = true;
        for _ in 0..20 {
            let (from, to) = if up { (State::Up, State::Down) } else { (State::Down, State::Up) };
            n.flip(&flip("big", from, to, "x"), Instant::now());
            up = !up;
            sent.extend(step(&mut n, Duration::from_secs(3)).await);
        }
        // It ends up; a minute of quiet settles it.
        for _ in 0..40 {
            sent.extend(step(&mut n, Duration::from_secs(2)).await);
        }
        let kinds: Vec<NoticeKind> = sent.iter().map(|s| s.kind).collect();
        assert!(sent.len() <= 3, "{kinds:?}");
        assert_eq!(kinds.first(), Some(&NoticeKind::Down));
        assert!(kinds.contains(&NoticeKind::Flapping), "{kinds:?}");
        assert_eq!(kinds.last(), Some(&NoticeKind::Up), "a final back up");
        assert!(!n.flapping("big"));
    }

    #[tokio::test(start_paused = true)]
    async fn ready_once_after_loading_and_pause_silences() {
        let mut n = Notifier::default();
        n.flip(&flip("big", State::Down, State::Starting, "loading model"), Instant::now());
        n.flip(&flip("big", State::Starting, State::Up, "answered"), Instant::now());
        let out = step(&mut n, Duration::from_secs(2)).await;
        assert_eq!(out, vec![Notification { kind: NoticeKind::Ready, backends: vec!["big".into()] }]);
        tokio::time::advance(Duration::from_secs(180)).await; // not flapping: minutes apart
        n.set_paused(true);
        n.flip(&flip("big", State::Up, State::Down, "refused"), Instant::now());
        assert!(step(&mut n, Duration::from_secs(5)).await.is_empty());
        n.set_paused(false);
        n.flip(&flip("big", State::Down, State::Up, "2 successes"), Instant::now());
        assert!(step(&mut n, Duration::from_secs(12)).await.is_empty(), "the user was never told it was down");
    }

    fn server(name: &str, state: ServerState) -> ServerChange {
        ServerChange { backends: vec![name.into()], state, at: crate::clock::Clock::system().now() }
    }

    fn restarting(attempt: u32) -> ServerState {
        ServerState::Restarting { attempt, limit: 5, after_ms: 1000, exit: "signal: 9 (SIGKILL)".into() }
    }

    #[tokio::test(start_paused = true)]
    async fn a_restarted_server_is_told_once_then_back_up_and_a_failed_one_once() {
        let mut n = Notifier::default();
        n.flip(&flip("big", State::Starting, State::Up, "answered"), Instant::now());
        assert!(step(&mut n, Duration::from_secs(5)).await.is_empty());
        // Killed: the server's task sees it first, the monitor's DOWN follows.
        n.server(&server("big", restarting(1)), Instant::now());
        n.flip(&flip("big", State::Up, State::Down, "refused"), Instant::now());
        let told = step(&mut n, Duration::from_secs(3)).await;
        assert_eq!(told, [Notification { kind: NoticeKind::Restarting, backends: vec!["big".into()] }]);
        n.server(&server("big", ServerState::Running { restarts: 1 }), Instant::now());
        n.flip(&flip("big", State::Down, State::Starting, "loading model"), Instant::now());
        n.flip(&flip("big", State::Starting, State::Up, "answered"), Instant::now());
        let told = step(&mut n, Duration::from_secs(11)).await;
        assert_eq!(told, [Notification { kind: NoticeKind::Up, backends: vec!["big".into()] }]);
        assert!(step(&mut n, Duration::from_secs(300)).await.is_empty());
        // Minutes later (not flapping), it dies again and again: one "restarting", later one "failed".
        n.server(&server("big", restarting(1)), Instant::now());
        n.flip(&flip("big", State::Up, State::Down, "refused"), Instant::now());
        for a in 2..=5 {
            n.server(&server("big", restarting(a)), Instant::now());
        }
        let told = step(&mut n, Duration::from_secs(3)).await;
        assert_eq!(told.iter().map(|t| t.kind).collect::<Vec<_>>(), [NoticeKind::Restarting]);
        n.server(&server("big", ServerState::Failed { restarts: 5, exit: "exit status: 1".into() }), Instant::now());
        let told = step(&mut n, Duration::from_secs(3)).await;
        assert_eq!(told.iter().map(|t| t.kind).collect::<Vec<_>>(), [NoticeKind::ServerFailed]);
        assert!(step(&mut n, Duration::from_secs(60)).await.is_empty());
    }
}
