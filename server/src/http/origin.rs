//! Who may call the API from a browser.
//!
//! Posting a signature is checked against the campaign's allowlist of partner origins (plus the
//! receiver-wide list from the configuration, plus the receiver's own origin). The check runs on
//! every request that carries an `Origin`, not only on preflights: the widget's `form` and `text`
//! encodings are CORS-simple requests that a browser sends without asking first, so only this
//! check stops a page that is not a partner. A refused origin gets `origin_not_allowed` (403) in
//! JSON, which the widget can show, instead of an opaque CORS failure. Requests without `Origin`
//! (servers, curl, form services) are not browser requests and pass.
//!
//! The public read endpoints (status feed, signers, events) serve public data to any page:
//! `Access-Control-Allow-Origin: *`, no credentials.

use crate::http::error::HttpError;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use undersigned_core::api_error::ErrorCode;

/// Headers a cross-origin page may read from our answers.
const EXPOSED: &str = "ETag, Retry-After";
/// Request headers a partner page may send.
const ALLOWED_HEADERS: &str = "Content-Type, Idempotency-Key, If-None-Match, Last-Event-ID";

/// Whether `origin` may post to a campaign allowing `campaign_list`, with the receiver-wide
/// `global_list`; `*` in a list allows every origin. The receiver's own origin (same host as the
/// request's `Host`) is always allowed: the demo pages it serves.
pub fn is_allowed(origin: &str, host: Option<&str>, campaign_list: &[String], global_list: &[String]) -> bool {
    let origin = origin.trim_end_matches('/');
    let listed =
        |list: &[String]| list.iter().any(|o| o == "*" || o.trim_end_matches('/').eq_ignore_ascii_case(origin));
    let same_host =
        host.is_some_and(|h| origin.split_once("://").is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(h)));
    same_host || listed(campaign_list) || listed(global_list)
}

/// The request's `Origin`, if any (`None` also for a non-UTF-8 value, which no browser sends).
pub fn request_origin(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())
}

pub fn host(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::HOST).and_then(|v| v.to_str().ok())
}

/// Refuses a browser request from an origin that is not allowed.
pub fn check(headers: &HeaderMap, campaign_list: &[String], global_list: &[String]) -> Result<(), HttpError> {
    match request_origin(headers) {
        Some(origin) if !is_allowed(origin, host(headers), campaign_list, global_list) => Err(HttpError::new(
            ErrorCode::OriginNotAllowed,
            format!("Signatures from {origin} are not accepted for this campaign: the organizers must add this site to the campaign's partner origins."),
        )),
        _ => Ok(()),
    }
}

/// Adds the answer headers that let the allowed `origin` read a response.
pub fn allow(response: &mut Response, origin: Option<&str>) {
    if let Some(value) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSED));
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
}

/// The answer to a preflight (`OPTIONS`) from an allowed origin.
pub fn preflight(origin: &str, methods: &'static str) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    allow(&mut response, Some(origin));
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(methods));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOWED_HEADERS));
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    response
}

/// Middleware for the public read endpoints: any origin may read, and may preflight.
pub async fn public_read(request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        return preflight("*", "GET");
    }
    let mut response = next.run(request).await;
    allow(&mut response, Some("*"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlists_and_own_origin() {
        let partners = vec!["https://partner.example".to_string()];
        assert!(is_allowed("https://partner.example", None, &partners, &[]));
        assert!(is_allowed("https://PARTNER.example/", None, &partners, &[]));
        assert!(!is_allowed("https://evil.example", None, &partners, &[]));
        assert!(!is_allowed("null", None, &partners, &[]));
        assert!(is_allowed("http://127.0.0.1:8080", Some("127.0.0.1:8080"), &[], &[]));
        assert!(!is_allowed("http://127.0.0.1:9999", Some("127.0.0.1:8080"), &[], &[]));
        assert!(is_allowed("https://any.example", None, &[], &["*".to_string()]));
    }
}
