//! The health-probe latency baseline, exactly as the original computes it.
//!
//! For the first samples (count < warm-up) the baseline is the max of itself and the new
//! latency, so an early spike is not forgotten; after that it is an EMA
//! (`0.9 * baseline + 0.1 * latency`); it never reads below the floor (10 ms), and a backend
//! with no samples reads as 50 ms.

use crate::config::LoadSettings;

/// A learnt latency baseline, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Baseline {
    /// Samples seen so far.
    count: u32,
    /// Current value; `None` before the first sample.
    value_ms: Option<f64>,
}

impl Baseline {
    /// Adds one healthy probe's latency.
    pub fn add(&mut self, latency_ms: f64, s: &LoadSettings) {
        self.count = self.count.saturating_add(1);
        let current = self.value_ms.unwrap_or(latency_ms);
        let next = if self.count < s.baseline_warmup {
            current.max(latency_ms)
        } else {
            current * (1.0 - s.baseline_alpha) + latency_ms * s.baseline_alpha
        };
        self.value_ms = Some(next.max(s.baseline_floor_ms));
    }

    /// The baseline, or the "unknown" value when there are no samples yet.
    pub fn get(&self, s: &LoadSettings) -> f64 {
        self.value_ms.unwrap_or(s.baseline_unknown_ms)
    }

    pub fn samples(&self) -> u32 {
        self.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(samples: &[f64]) -> f64 {
        let s = LoadSettings::default();
        let mut b = Baseline::default();
        for &x in samples {
            b.add(x, &s);
        }
        b.get(&s)
    }

    #[test]
    fn unknown_reads_50() {
        assert_eq!(run(&[]), 50.0);
    }

    #[test]
    fn floor_is_10() {
        assert_eq!(run(&[1.0]), 10.0);
        assert_eq!(run(&[2.0, 3.0, 1.0, 0.5, 0.2, 0.1]), 10.0);
    }

    #[test]
    fn first_four_samples_keep_the_max() {
        // count 1..4 (< 5): max; an early spike is kept.
        assert_eq!(run(&[20.0]), 20.0);
        assert_eq!(run(&[20.0, 100.0]), 100.0);
        assert_eq!(run(&[20.0, 100.0, 30.0, 25.0]), 100.0);
    }

    #[test]
    fn fifth_sample_starts_the_ema() {
        // count 5: 0.9 * 100 + 0.1 * 30 = 93
        let v = run(&[20.0, 100.0, 30.0, 25.0, 30.0]);
        assert!((v - 93.0).abs() < 1e-9, "{v}");
        // count 6: 0.9 * 93 + 0.1 * 30 = 86.7
        let v = run(&[20.0, 100.0, 30.0, 25.0, 30.0, 30.0]);
        assert!((v - 86.7).abs() < 1e-9, "{v}");
    }

    #[test]
    fn ema_converges_to_steady_latency() {
        let mut samples = vec![200.0];
        samples.extend(std::iter::repeat_n(40.0, 200));
        let v = run(&samples);
        assert!((v - 40.0).abs() < 0.01, "{v}");
    }

    #[test]
    fn ema_decays_but_floor_holds() {
        let mut samples = vec![50.0; 5];
        samples.extend(std::iter::repeat_n(2.0, 100));
        assert_eq!(run(&samples), 10.0);
    }
}
