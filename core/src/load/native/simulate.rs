//! The wait a new request would face, simulated slot by slot.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Given when each slot frees (ms from now), lets `deferred` queued requests take slots first
/// (each for `per_request_ms`), and returns when the next slot frees for a new request. Runs
/// in O(deferred · log slots) with a heap; callers bound both (`parse::MAX_QUEUE`,
/// `parse::MAX_SLOTS`).
pub fn simulate_wait(free_at_ms: &mut Vec<f64>, deferred: u32, per_request_ms: f64) -> f64 {
    if free_at_ms.is_empty() {
        free_at_ms.push(0.0);
    }
    let mut heap: BinaryHeap<Reverse<Ms>> = free_at_ms.iter().map(|t| Reverse(Ms(*t))).collect();
    for _ in 0..deferred {
        if let Some(Reverse(Ms(t))) = heap.pop() {
            heap.push(Reverse(Ms(t + per_request_ms)));
        }
    }
    *free_at_ms = heap.iter().map(|Reverse(Ms(t))| *t).collect();
    heap.peek().map_or(0.0, |Reverse(Ms(t))| *t)
}

/// A time in ms, ordered totally (NaN sorts last), for the heap.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ms(f64);

impl Eq for Ms {}

impl PartialOrd for Ms {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ms {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulate_wait_cases() {
        // One free slot: no wait.
        assert_eq!(simulate_wait(&mut vec![0.0], 0, 1000.0), 0.0);
        // One busy slot freeing in 2 s: wait 2 s.
        assert_eq!(simulate_wait(&mut vec![2000.0], 0, 1000.0), 2000.0);
        // One slot, 2 s left, two deferred of 3 s each: 2 + 3 + 3.
        assert_eq!(simulate_wait(&mut vec![2000.0], 2, 3000.0), 8000.0);
        // Two slots (1 s, 4 s left), one deferred of 3 s: it takes the first (1 + 3 = 4), the
        // new request gets the second at 4 s.
        assert_eq!(simulate_wait(&mut vec![1000.0, 4000.0], 1, 3000.0), 4000.0);
        // Deferred with a free slot (a race): the deferred one takes it.
        assert_eq!(simulate_wait(&mut vec![0.0, 5000.0], 1, 3000.0), 3000.0);
    }
}
