//! The shared state of every handler ([`AppState`]), in a module of its own so that the handler
//! files and the router that routes to them (`http/mod.rs`) do not import each other.

use super::rate_limit::RateLimiter;
use crate::admin::token::AdminToken;
use crate::config::ServerConfig;
use crate::live::LiveHub;
use crate::store::Store;
use crate::writer::SignatureWriter;
use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Shared state of every handler.
pub struct AppState {
    pub store: Store,
    pub writer: SignatureWriter,
    pub live: Arc<LiveHub>,
    pub limiter: RateLimiter,
    pub admin_token: AdminToken,
    pub config: ServerConfig,
    /// Wakes the mail sender after something queued mail ([`crate::mail::worker`]).
    pub mail: Arc<tokio::sync::Notify>,
}

/// The client address that the rate limit counts.
pub fn client_ip(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    let config = &state.config;
    super::rate_limit::client_address(peer.ip(), headers, &config.trusted_proxies, config.trust_forwarded_for)
}
