//! The one backoff rule: capped exponential backoff, with jitter for waits that many clients take
//! at once. The widget's signature delivery, its status-feed polling and event-stream reconnects,
//! and the receiver's mail queue all wait by it, each with its own base and ceiling.
//!
//! After `n` consecutive failures the ceiling of the wait is `base · 2ⁿ`, capped at `max`. Many
//! pages that lost the same endpoint at the same moment should not come back in step, so a
//! jittered wait is drawn in the upper half of that ceiling ("equal jitter": half fixed, so a wait
//! is never much shorter than its step, half random, so pages spread apart), and never exceeds it.

/// A backoff rule, in whatever unit `base` and `max` are given (milliseconds in the widget,
/// seconds in the receiver).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait when nothing failed; it doubles with each consecutive failure.
    pub base: u64,
    /// The longest wait, however many failures in a row (a base above it is kept as is).
    pub max: u64,
}

impl Backoff {
    /// The ceiling of the wait after `failures` consecutive failures: `base · 2^failures`, capped.
    pub fn delay(self, failures: u32) -> u64 {
        self.base.saturating_mul(1u64 << failures.min(32)).min(self.max.max(self.base))
    }

    /// The wait after `failures` consecutive failures, with `unit_random` (in `0.0..=1.0`; anything
    /// else is clamped, NaN counts as 0) choosing where in the upper half of [`Backoff::delay`] it
    /// falls. Without failures the base wait is kept exact: a configured polling interval means
    /// what it says.
    pub fn jittered(self, failures: u32, unit_random: f64) -> u64 {
        let ceiling = self.delay(failures);
        if failures == 0 {
            return ceiling;
        }
        let half = ceiling / 2;
        let random = if unit_random.is_nan() { 0.0 } else { unit_random.clamp(0.0, 1.0) };
        (ceiling - half) + (half as f64 * random) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_per_failure_up_to_the_ceiling() {
        let b = Backoff { base: 1_000, max: 30_000 };
        let waits: Vec<u64> = (0..7).map(|n| b.delay(n)).collect();
        assert_eq!(waits, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
        assert_eq!(b.delay(u32::MAX), 30_000, "no overflow after very many failures");
    }

    #[test]
    fn a_base_above_the_ceiling_is_kept() {
        let b = Backoff { base: 120_000, max: 30_000 };
        assert_eq!(b.delay(3), 120_000);
        assert_eq!(b.jittered(3, 1.0), 120_000);
    }

    #[test]
    fn without_failures_the_base_wait_is_exact() {
        let b = Backoff { base: 15_000, max: 600_000 };
        assert_eq!(b.jittered(0, 0.0), 15_000);
        assert_eq!(b.jittered(0, 0.99), 15_000);
    }

    #[test]
    fn jitter_stays_in_the_upper_half_of_the_ceiling() {
        let b = Backoff { base: 500, max: 60_000 };
        assert_eq!(b.jittered(1, 0.0), 500);
        assert_eq!(b.jittered(1, 1.0), 1_000);
        assert_eq!(b.jittered(4, 0.0), 4_000);
        assert_eq!(b.jittered(20, 1.0), 60_000);
        assert_eq!(b.jittered(u32::MAX, 0.5), 45_000);
        assert_eq!(b.jittered(3, f64::NAN), 2_000, "NaN counts as no randomness");
        assert_eq!(b.jittered(3, 7.0), 4_000, "out-of-range randomness is clamped");
        // An odd ceiling loses nothing to rounding: the fixed half takes the odd unit.
        assert_eq!(Backoff { base: 3, max: 5 }.jittered(1, 0.0), 3);
        assert_eq!(Backoff { base: 3, max: 5 }.jittered(1, 1.0), 5);
        for i in 0..=100 {
            let wait = b.jittered(6, f64::from(i) / 100.0);
            assert!((16_000..=32_000).contains(&wait), "{wait} outside 16–32 s");
        }
    }
}
