//! Running behind a reverse proxy: the receiver's public origin, and the endpoints a proxy or
//! service manager probes.
//!
//! The public origin (`public_origin`, e.g. `https://sign.example.org`) comes from the
//! configuration, never from the request: behind a proxy the `Host` a client sends is whatever it
//! chose. When it is set, every request's `Host` is replaced by the origin's host before any
//! handler runs (so "the receiver's own origin" in the origin checks is the configured one), and
//! when it is `https`, answers carry `Strict-Transport-Security` and every cookie is `Secure`.
//!
//! - `/healthz`: the process serves (liveness; never touches the database).
//! - `/readyz`: the database answers too (readiness: a proxy or orchestrator sends traffic only
//!   to a ready instance); `503` otherwise.

use super::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// One year, the value HSTS preload lists ask for; no `includeSubDomains`: the receiver does not
/// speak for its parent domain's other hosts.
const HSTS: &str = "max-age=31536000";

/// The host (and port) of a configured public origin: `https://sign.example.org` → `sign.example.org`.
pub fn origin_authority(origin: &str) -> Option<&str> {
    origin.split_once("://").map(|(_, rest)| rest.trim_end_matches('/'))
}

/// Checks a configured public origin: a scheme, a host, no path. Returns it without a trailing `/`.
pub fn parse_public_origin(origin: &str) -> anyhow::Result<String> {
    let trimmed = origin.trim().trim_end_matches('/');
    let ok = match trimmed.split_once("://") {
        Some((scheme, authority)) => {
            matches!(scheme, "http" | "https")
                && !authority.is_empty()
                && !authority.contains(['/', '?', '#', '@', ' '])
                && HeaderValue::from_str(authority).is_ok()
        }
        None => false,
    };
    if !ok {
        anyhow::bail!(
            "public_origin `{origin}` is not an origin: write the scheme and host the visitors use, e.g. `https://sign.example.org` (a port if any, no path)"
        );
    }
    Ok(trimmed.to_string())
}

/// The layer described at the top: the configured `Host`, HSTS and `Secure` cookies.
pub async fn public_origin(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let Some(origin) = state.config.public_origin.as_deref() else { return next.run(request).await };
    if let Some(host) = origin_authority(origin).and_then(|a| HeaderValue::from_str(a).ok()) {
        request.headers_mut().insert(header::HOST, host);
    }
    let mut response = next.run(request).await;
    if origin.starts_with("https://") {
        let headers = response.headers_mut();
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
        let cookies: Vec<HeaderValue> = headers.get_all(header::SET_COOKIE).iter().cloned().collect();
        if !cookies.is_empty() {
            headers.remove(header::SET_COOKIE);
            for cookie in cookies {
                headers.append(header::SET_COOKIE, secure_cookie(cookie));
            }
        }
    }
    response
}

/// Adds `Secure` to a `Set-Cookie` value that lacks it.
fn secure_cookie(cookie: HeaderValue) -> HeaderValue {
    let Ok(text) = cookie.to_str() else { return cookie };
    if text.split(';').skip(1).any(|attribute| attribute.trim().eq_ignore_ascii_case("secure")) {
        return cookie;
    }
    HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(cookie)
}

pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers a query.
pub async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = format!("{e:#}"), "readiness check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "the database does not answer").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_origins_are_checked() {
        assert_eq!(parse_public_origin("https://sign.example.org/").unwrap(), "https://sign.example.org");
        assert_eq!(parse_public_origin("http://127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080");
        for bad in ["sign.example.org", "https://", "https://x.example/path", "ftp://x.example", "https://a b"] {
            assert!(parse_public_origin(bad).is_err(), "{bad}");
        }
        assert_eq!(origin_authority("https://sign.example.org:8443"), Some("sign.example.org:8443"));
    }

    #[test]
    fn cookies_become_secure_once() {
        let c = secure_cookie(HeaderValue::from_static("session=abc; HttpOnly; Path=/admin"));
        assert_eq!(c, "session=abc; HttpOnly; Path=/admin; Secure");
        let c = secure_cookie(HeaderValue::from_static("session=abc; secure"));
        assert_eq!(c, "session=abc; secure");
    }
}
