//! A per-client token bucket for signature submissions: `burst` requests at once, refilled at
//! `per_minute`. Small and self-contained (a map of buckets behind a mutex, swept when it grows)
//! rather than a general-purpose limiter crate: one rule, one key (the client address).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Limits per client address; `per_minute == 0` turns limiting off (for load tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Above this many tracked clients, full (idle) buckets are forgotten.
const SWEEP_ABOVE: usize = 100_000;

impl RateLimiter {
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter { limit, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one token for `client`; Err(seconds to wait) when its bucket is empty.
    pub fn check(&self, client: IpAddr) -> Result<(), u64> {
        self.check_at(client, Instant::now())
    }

    fn check_at(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        if self.limit.per_minute == 0 {
            return Ok(());
        }
        let rate = f64::from(self.limit.per_minute) / 60.0;
        let burst = f64::from(self.limit.burst.max(1));
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > SWEEP_ABOVE {
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < burst);
        }
        let bucket = buckets.entry(client).or_insert(Bucket { tokens: burst, at: now });
        bucket.tokens = (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * rate).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate).as_secs().max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refill_per_client() {
        let limiter = RateLimiter::new(RateLimit { per_minute: 60, burst: 2 });
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        assert_eq!(limiter.check_at(a, t0), Ok(()));
        assert_eq!(limiter.check_at(a, t0), Ok(()));
        assert_eq!(limiter.check_at(a, t0), Err(1));
        assert_eq!(limiter.check_at(b, t0), Ok(()), "another client has its own bucket");
        assert_eq!(limiter.check_at(a, t0 + Duration::from_millis(1001)), Ok(()), "one token per second comes back");
    }

    #[test]
    fn zero_turns_limiting_off() {
        let limiter = RateLimiter::new(RateLimit { per_minute: 0, burst: 0 });
        let ip: IpAddr = "::1".parse().unwrap();
        assert!((0..1000).all(|_| limiter.check(ip).is_ok()));
    }
}
