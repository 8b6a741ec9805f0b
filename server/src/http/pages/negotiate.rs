//! When the signature endpoint answers with an HTML page instead of JSON.
//!
//! The rule (docs/receiver.md, "Pages for visitors without JavaScript"): the body is
//! `application/x-www-form-urlencoded` AND the `Accept` header names `text/html` (or
//! `application/xhtml+xml`) explicitly with a quality above that of `application/json`.
//!
//! A browser submitting a plain `<form>` sends the form encoding with
//! `Accept: text/html,application/xhtml+xml,…,*/*;q=0.8`: HTML. The widget's `fetch` sends no
//! `Accept` of its own (the browser's default for fetch is `*/*`), so it keeps getting JSON in every
//! encoding; so do form services and scripts, which rarely ask for `text/html` first. An explicit
//! tie (`application/json, text/html`) stays JSON: whoever names JSON gets what they named.

use axum::http::{header, HeaderMap};

/// Whether this request is a plain browser form navigation that should get an HTML page.
pub fn wants_html(headers: &HeaderMap) -> bool {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
    let accept = headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
    form && prefers_html(&accept)
}

/// Whether an `Accept` value prefers HTML to JSON by the rule above.
pub fn prefers_html(accept: &str) -> bool {
    let html = ["text/html", "application/xhtml+xml"]
        .iter()
        .filter_map(|mime| quality(accept, mime, true))
        .fold(0.0_f32, f32::max);
    html > 0.0 && html > quality(accept, "application/json", false).unwrap_or(0.0)
}

/// The quality `accept` gives `mime`: that of the most specific matching range (`type/subtype`
/// over `type/*` over `*/*`), or None when no range matches. `exact_only` ignores wildcards.
fn quality(accept: &str, mime: &str, exact_only: bool) -> Option<f32> {
    let (kind, _) = mime.split_once('/')?;
    let mut best: Option<(u8, f32)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let range = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let specificity = if range == mime {
            2
        } else if !exact_only && range.strip_suffix("/*") == Some(kind) {
            1
        } else if !exact_only && range == "*/*" {
            0
        } else {
            continue;
        };
        let q = parts
            .filter_map(|p| p.split_once('='))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("q"))
            .map_or(Some(1.0), |(_, value)| value.trim().parse::<f32>().ok().filter(|q| (0.0..=1.0).contains(q)));
        // An unreadable q makes the range meaningless rather than preferred.
        let Some(q) = q else { continue };
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, q));
        }
    }
    best.map(|(_, q)| q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const CHROMIUM: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
    const FIREFOX: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    #[test]
    fn browsers_navigating_prefer_html_and_api_clients_do_not() {
        assert!(prefers_html(CHROMIUM));
        assert!(prefers_html(FIREFOX));
        assert!(prefers_html("text/html"));
        for json in [
            "*/*",
            "",
            "application/json",
            "application/json, text/html",
            "text/*",
            "text/html;q=0.5, application/json",
            "text/html;q=0",
            "text/html;q=abc",
        ] {
            assert!(!prefers_html(json), "{json:?}");
        }
        assert!(prefers_html("application/json;q=0.5, text/html"));
    }

    #[test]
    fn only_form_posts_get_html() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(CHROMIUM));
        assert!(!wants_html(&headers), "no Content-Type");
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain;charset=UTF-8"));
        assert!(!wants_html(&headers), "the widget's text encoding");
        headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
        assert!(wants_html(&headers));
        headers.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
        assert!(!wants_html(&headers), "the widget's fetch with the form encoding");
    }
}
