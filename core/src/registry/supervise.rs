//! A backend's monitor is never left dead: it runs in a task of its own, and if that task
//! ends by a fault (a panic: a bug, but one that must not freeze the tray on a stale state),
//! it is started again after a back-off (1 s, doubling, at most 30 s), and the fault is shown
//! in the backend's status. It ends for good only when cancelled.

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Runs `start()`'s task until `cancel`; after each fault, calls `on_fault(count, why)` and
/// starts it again.
pub(crate) async fn supervise<F, Fut>(cancel: CancellationToken, mut start: F, on_fault: impl Fn(u32, String))
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut faults = 0u32;
    loop {
        let task = tokio::spawn(start());
        match task.await {
            Ok(()) => return,
            Err(_) if cancel.is_cancelled() => return,
            Err(e) => {
                faults = faults.saturating_add(1);
                let why = if e.is_panic() { "a fault" } else { "cancelled from outside" };
                on_fault(faults, why.to_string());
                let backoff = FIRST_BACKOFF.saturating_mul(1 << (faults - 1).min(5)).min(MAX_BACKOFF);
                tokio::select! {
                    () = cancel.cancelled() => return,
                    () = tokio::time::sleep(backoff) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_task_that_panics_is_started_again_and_the_fault_reported() {
        let cancel = CancellationToken::new();
        let starts = Arc::new(AtomicU32::new(0));
        let faults = Arc::new(Mutex::new(Vec::new()));
        let (s, f, c) = (Arc::clone(&starts), Arc::clone(&faults), cancel.clone());
        let supervisor = tokio::spawn(async move {
            supervise(
                c.clone(),
                move || {
                    let (n, c) = (s.fetch_add(1, Ordering::SeqCst), c.clone());
                    async move {
                        assert!(n >= 2, "a monitor bug (run {n})");
                        c.cancelled().await;
                    }
                },
                move |count, why| f.lock().unwrap().push((count, why)),
            )
            .await;
        });
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert_eq!(starts.load(Ordering::SeqCst), 3, "two faults, then a run that lasts");
        assert_eq!(faults.lock().unwrap().iter().map(|(n, _)| *n).collect::<Vec<_>>(), [1, 2]);
        assert!(faults.lock().unwrap()[0].1.contains("fault"));
        cancel.cancel();
        supervisor.await.unwrap();
        assert_eq!(starts.load(Ordering::SeqCst), 3, "not started again after cancel");
    }
}
