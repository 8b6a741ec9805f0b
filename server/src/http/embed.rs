//! `mode="frame"`: the page a partner's `<undersigned-letter mode="frame">` shows in an iframe,
//! `GET /embed/{campaign}`. The widget runs here, on the receiver's origin, so what the visitor
//! types and the outbox are out of reach of the partner page's scripts (a shadow root is no
//! boundary; an origin is).
//!
//! - The page loads the widget package from this receiver (`/pkg/undersigned.js`: the receiver
//!   must serve `pkg/` there, `--static /pkg=pkg`) and [`FRAME_SCRIPT`], which talks to the
//!   partner's loader with `postMessage` (height, language, theme, custom properties, DOM events),
//!   both sides checking the other's origin.
//! - Its `frame-ancestors` is the campaign's partner origins and the receiver-wide list, plus the
//!   receiver's own pages (any origin when neither lists one): [`frame_ancestors`].
//! - The query carries what the partner chose: `lang`, `theme`, `source`, `goal`, `privacy-url`
//!   (each checked, anything else ignored) and `parent`, the partner's origin, which only the
//!   script uses (as the `postMessage` target, so a wrong value only means no message arrives).

use super::error::HttpError;
use super::pages::answer::{error_page, AnswerContext};
use super::pages::html::escape;
use super::pages::layout::letter_path;
use super::pages::text::Lang;
use super::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use std::sync::Arc;

/// The frame's own script (served at [`FRAME_SCRIPT`]).
const SCRIPT: &str = include_str!("embed/frame.js");
/// The frame page's stylesheet (served at [`FRAME_STYLESHEET`]).
const STYLESHEET: &str = include_str!("embed/frame.css");
pub const FRAME_SCRIPT: &str = "/embed.js";
pub const FRAME_STYLESHEET: &str = "/embed.css";

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/embed/{id}", get(embed_page))
        .route(FRAME_SCRIPT, get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }))
        .route(FRAME_STYLESHEET, get(|| async { asset("text/css; charset=utf-8", STYLESHEET) }))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

/// The `frame-ancestors` source list: this receiver's own pages (the configurator's preview) and
/// the listed origins; `*` when one of them is `*` or when none is listed. An entry that is not a
/// plain origin is left out, so that an organizer's typo cannot add a directive to the policy.
pub fn frame_ancestors(campaign_list: &[String], global_list: &[String]) -> String {
    let listed: Vec<&str> = campaign_list.iter().chain(global_list).map(|o| o.trim().trim_end_matches('/')).collect();
    if listed.is_empty() || listed.contains(&"*") {
        return "*".to_string();
    }
    let plain = |o: &&str| {
        (o.starts_with("https://") || o.starts_with("http://"))
            && o.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:/[]".contains(&b))
            && o.matches('/').count() == 2
    };
    // Only malformed entries: this receiver's pages alone rather than everywhere.
    std::iter::once("'self'").chain(listed.into_iter().filter(plain)).collect::<Vec<_>>().join(" ")
}

/// The embed page's policy: the widget's needs on this origin, and who may frame it.
pub fn content_security_policy(ancestors: &str) -> String {
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; \
         img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
    )
}

/// The widget attributes the query may set.
const PASSED: [&str; 5] = ["lang", "theme", "source", "goal", "privacy-url"];

/// Whether `value` is acceptable for the passed attribute `name` (the widget checks them again).
fn acceptable(name: &str, value: &str) -> bool {
    match name {
        "lang" => {
            !value.is_empty() && value.len() <= 35 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        }
        "theme" => matches!(value, "light" | "dark" | "auto"),
        "goal" => !value.is_empty() && value.len() <= 12 && value.bytes().all(|b| b.is_ascii_digit()),
        "source" => value.chars().count() <= 200,
        "privacy-url" => value.len() <= 2000 && (value.starts_with("https://") || value.starts_with("http://")),
        _ => false,
    }
}

/// The widget attributes the query sets, each checked; anything else is ignored.
fn passed_attributes(query: &HashMap<String, String>) -> Vec<(&'static str, String)> {
    PASSED
        .iter()
        .filter_map(|name| query.get(*name).filter(|v| acceptable(name, v)).map(|v| (*name, v.clone())))
        .collect()
}

async fn embed_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let lang = query.get("lang").and_then(|tag| Lang::from_tag(tag)).unwrap_or_default();
    let bare = AnswerContext { lang, ..AnswerContext::default() };
    let record = match state.store.campaign(&id).await {
        Ok(Some(record)) => record,
        Ok(None) => return error_page(HttpError::unknown_campaign(&id), &bare),
        Err(e) => return error_page(HttpError::storage(e), &bare),
    };
    let ancestors = frame_ancestors(&record.settings.allowed_origins, &state.config.allowed_origins);
    let api = format!("/api/campaigns/{}", escape(&id));
    let mut attributes = format!(" campaign=\"{api}\" endpoint=\"{api}/signatures\" receiver=\"/\"");
    for (name, value) in passed_attributes(&query) {
        attributes.push_str(&format!(" {name}=\"{}\"", escape(&value)));
    }
    let body = format!(
        "<!doctype html>\n<html lang=\"{code}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <link rel=\"stylesheet\" href=\"{FRAME_STYLESHEET}\">\
         <script type=\"module\" src=\"/pkg/undersigned.js\"></script>\
         <script type=\"module\" src=\"{FRAME_SCRIPT}\"></script></head>\
         <body><main><undersigned-letter{attributes}><p><a href=\"{letter}\" target=\"_blank\">{read}</a></p>\
         </undersigned-letter></main></body></html>\n",
        code = lang.code(),
        dir = lang.dir(),
        title = escape(&record.campaign.title),
        letter = escape(&letter_path(&id)),
        read = escape(&lang.text("page.read_letter")),
    );
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(&ancestors)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ancestors_are_the_listed_origins_or_any() {
        assert_eq!(frame_ancestors(&[], &[]), "*");
        assert_eq!(
            frame_ancestors(&list(&["https://a.example/"]), &list(&["http://127.0.0.1:8000"])),
            "'self' https://a.example http://127.0.0.1:8000"
        );
        assert_eq!(frame_ancestors(&list(&["https://a.example", "*"]), &[]), "*");
        assert_eq!(
            frame_ancestors(&list(&["https://a.example; script-src *", "https://b.example"]), &[]),
            "'self' https://b.example",
            "an entry that is not an origin cannot add a directive"
        );
        assert_eq!(frame_ancestors(&list(&["javascript:alert(1)"]), &[]), "'self'");
    }

    #[test]
    fn only_checked_attributes_pass() {
        let query: HashMap<String, String> = [
            ("lang", "fr-CA"),
            ("theme", "neon"),
            ("goal", "500"),
            ("source", "partner \"quoted\""),
            ("endpoint", "https://evil.example/"),
            ("privacy-url", "javascript:alert(1)"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let passed = passed_attributes(&query);
        assert_eq!(
            passed,
            vec![
                ("lang", "fr-CA".to_string()),
                ("source", "partner \"quoted\"".to_string()),
                ("goal", "500".to_string())
            ]
        );
    }
}
