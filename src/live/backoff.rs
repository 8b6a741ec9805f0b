//! Capped exponential backoff for the live connections (status-feed polling, the receiver's event
//! stream): after each consecutive failure the wait doubles, up to a ceiling, so that a feed that is
//! down is not hammered by every open page at once, and a jitter spreads reconnecting pages apart.

/// How long to wait before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait when nothing failed (the polling interval, or the first reconnect delay).
    pub base_ms: u32,
    /// The longest wait, however many failures in a row.
    pub max_ms: u32,
}

impl Backoff {
    /// The wait after `failures` consecutive failures (0 = the base wait), before jitter.
    pub fn delay_ms(self, failures: u32) -> u32 {
        let factor = 1u64 << failures.min(20);
        (u64::from(self.base_ms) * factor).min(u64::from(self.max_ms.max(self.base_ms))) as u32
    }

    /// [`Backoff::delay_ms`] spread by `unit_random` (in `0.0..1.0`) over ±20 %, and never longer
    /// than the ceiling. Without failures the base wait is kept exact: a configured polling
    /// interval means what it says.
    pub fn jittered_delay_ms(self, failures: u32, unit_random: f64) -> u32 {
        let delay = self.delay_ms(failures);
        if failures == 0 {
            return delay;
        }
        let spread = 0.8 + 0.4 * unit_random.clamp(0.0, 1.0);
        ((f64::from(delay) * spread) as u32).min(self.max_ms.max(self.base_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_per_failure_up_to_the_ceiling() {
        let b = Backoff { base_ms: 1_000, max_ms: 30_000 };
        let waits: Vec<u32> = (0..7).map(|n| b.delay_ms(n)).collect();
        assert_eq!(waits, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
        assert_eq!(b.delay_ms(u32::MAX), 30_000, "no overflow after very many failures");
    }

    #[test]
    fn a_base_above_the_ceiling_is_kept() {
        let b = Backoff { base_ms: 120_000, max_ms: 30_000 };
        assert_eq!(b.delay_ms(3), 120_000);
    }

    #[test]
    fn jitter_stays_within_twenty_percent_and_under_the_ceiling() {
        let b = Backoff { base_ms: 1_000, max_ms: 10_000 };
        assert_eq!(b.jittered_delay_ms(0, 0.99), 1_000);
        assert_eq!(b.jittered_delay_ms(1, 0.0), 1_600);
        assert_eq!(b.jittered_delay_ms(1, 1.0), 2_400);
        assert_eq!(b.jittered_delay_ms(10, 1.0), 10_000);
    }
}
