//! The wait a new request would face, simulated slot by slot.

/// Given when each slot frees (ms from now), lets `deferred` queued requests take slots first
/// (each for `per_request_ms`), and returns when the next slot frees for a new request.
pub fn simulate_wait(free_at_ms: &mut Vec<f64>, deferred: u32, per_request_ms: f64) -> f64 {
    if free_at_ms.is_empty() {
        free_at_ms.push(0.0);
    }
    for _ in 0..deferred {
        let (i, t) = earliest(free_at_ms);
        free_at_ms[i] = t + per_request_ms;
    }
    earliest(free_at_ms).1
}

fn earliest(v: &[f64]) -> (usize, f64) {
    v.iter().copied().enumerate().fold((0, f64::INFINITY), |best, (i, t)| if t < best.1 { (i, t) } else { best })
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
