//! A per-client token bucket for signature submissions: `burst` requests at once, refilled at
//! `per_minute`. Small and self-contained (a map of buckets behind a mutex, swept when it grows)
//! rather than a general-purpose limiter crate: one rule, one key (the client address).
//!
//! - **Who is a client** ([`client_address`], [`client_key`]): the peer's address, or, when the
//!   peer is a trusted proxy (`trusted_proxies`, CIDRs), the first address from the right of
//!   `X-Forwarded-For` that is not one. An IPv6 client is counted by its /64: one subscriber line
//!   gets a whole /64 and could otherwise sign from 2^64 addresses.
//! - **On PostgreSQL** the buckets live in the database (`rate_limit_buckets`, one atomic upsert
//!   per check, the database's clock), so the limit holds across instances behind one load
//!   balancer; on SQLite (one instance) they live in memory. When the database cannot answer, the
//!   in-memory bucket decides (a signature is not refused for the limiter's sake).

use crate::store::{Backend, Store};
use axum::http::HeaderMap;
use ipnet::IpNet;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The key a client is counted by: its IPv4 address, or the /64 of its IPv6 address (an IPv4
/// address mapped into IPv6 counts as that IPv4 address).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        },
    }
}

/// The client's address: the peer, unless the peer is a trusted proxy; then the first address of
/// `X-Forwarded-For`, from the right (the entry the nearest proxy appended), that is not a
/// trusted proxy. `trust_any_peer` (the older `trust_forwarded_for` setting) trusts the peer for
/// one hop, whatever its address.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet], trust_any_peer: bool) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(&unmapped(*ip)));
    if !trust_any_peer && !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    if trust_any_peer {
        return forwarded.last().copied().unwrap_or(peer);
    }
    forwarded.iter().rev().find(|ip| !is_trusted(ip)).or(forwarded.first()).copied().unwrap_or(peer)
}

/// An IPv4-mapped IPv6 address as IPv4 (for matching IPv4 CIDRs), any other address unchanged.
fn unmapped(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Limits per client address; `per_minute == 0` turns limiting off (for load tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
    /// PostgreSQL: the buckets shared by every instance.
    shared: Option<Store>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Above this many tracked clients, full (idle) buckets are forgotten.
const SWEEP_ABOVE: usize = 100_000;

impl RateLimiter {
    /// A limiter of this instance only.
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter { limit, buckets: Mutex::new(HashMap::new()), shared: None }
    }

    /// On PostgreSQL, a limiter whose buckets every instance on that database shares; otherwise
    /// [`RateLimiter::new`].
    pub fn for_store(limit: RateLimit, store: &Store) -> RateLimiter {
        let shared = (store.backend() == Backend::Postgres).then(|| store.clone());
        RateLimiter { shared, ..RateLimiter::new(limit) }
    }

    /// Takes one token for the client at `address` (counted by [`client_key`]); Err(seconds to
    /// wait) when its bucket is empty.
    pub async fn check(&self, address: IpAddr) -> Result<(), u64> {
        let client = client_key(address);
        if self.limit.per_minute == 0 {
            return Ok(());
        }
        if let Some(store) = &self.shared {
            let rate_per_ms = f64::from(self.limit.per_minute) / 60_000.0;
            let burst = f64::from(self.limit.burst.max(1));
            match store.take_rate_limit_token(&client.to_string(), burst, rate_per_ms).await {
                Ok(answer) => return answer,
                Err(e) => tracing::warn!(
                    error = format!("{e:#}"),
                    "the shared rate limit could not be read; this instance's own count decides"
                ),
            }
        }
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
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let answers = runtime.block_on(futures_util::future::join_all((0..1000).map(|_| limiter.check(ip))));
        assert!(answers.iter().all(Result::is_ok));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let key = |s: &str| client_key(s.parse().unwrap());
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::".parse::<IpAddr>().unwrap());
        assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7".parse::<IpAddr>().unwrap(), "mapped IPv4 is IPv4");
        assert_ne!(key("192.0.2.7"), key("192.0.2.8"), "IPv4 addresses are counted one by one");
        let limiter = RateLimiter::new(RateLimit { per_minute: 60, burst: 1 });
        let t0 = Instant::now();
        assert_eq!(limiter.check_at(key("2001:db8::1"), t0), Ok(()));
        assert_eq!(limiter.check_at(key("2001:db8::2:3"), t0), Err(1), "the same /64 shares one bucket");
        assert_eq!(limiter.check_at(key("2001:db8:0:1::1"), t0), Ok(()), "the next /64 has its own");
    }

    #[test]
    fn forwarded_addresses_count_only_behind_trusted_proxies() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "2001:db8:ffff::/48".parse().unwrap()];
        let headers = |xff: &str| {
            let mut h = HeaderMap::new();
            h.insert("x-forwarded-for", xff.parse().unwrap());
            h
        };
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // An untrusted peer's header is ignored: anyone can write one.
        assert_eq!(client_address(ip("203.0.113.9"), &headers("198.51.100.1"), &trusted, false), ip("203.0.113.9"));
        // Behind two trusted proxies, the first untrusted address from the right is the client;
        // what the client itself wrote further left is not believed.
        let chain = headers("6.6.6.6, 198.51.100.1, 10.1.1.1");
        assert_eq!(client_address(ip("10.2.2.2"), &chain, &trusted, false), ip("198.51.100.1"));
        assert_eq!(client_address(ip("::ffff:10.2.2.2"), &chain, &trusted, false), ip("198.51.100.1"));
        let v6 = headers("2001:db8:1::5");
        assert_eq!(client_address(ip("2001:db8:ffff:1::1"), &v6, &trusted, false), ip("2001:db8:1::5"));
        // A trusted peer without the header is the client itself.
        assert_eq!(client_address(ip("10.2.2.2"), &HeaderMap::new(), &trusted, false), ip("10.2.2.2"));
        // The older switch: the last entry, whoever the peer is.
        assert_eq!(client_address(ip("203.0.113.9"), &chain, &[], true), ip("10.1.1.1"));
    }
}
