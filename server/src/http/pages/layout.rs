//! The pages' shell: the whole-page wrapper every page of this module is sent in (with its
//! stylesheet and policy) and the addresses of the letter page and its revisions, apart from the handlers that use them
//! so that no page file imports the module that routes to it.

use super::html::escape;
use super::text::Lang;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Where the pages' stylesheet is served.
pub const STYLESHEET: &str = "/pages.css";
/// The policy every page is sent with.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The address of a campaign's letter page on this receiver.
pub fn letter_path(campaign_id: &str) -> String {
    format!("/campaigns/{campaign_id}")
}

/// The address of a revision's page (its changes, then its text: [`super::revision`]).
pub fn revision_path(campaign_id: &str, number: u32) -> String {
    format!("{}/revisions/{number}", letter_path(campaign_id))
}

/// A whole page: `<main>` holds `main` (which brings the page's one `<h1>`).
pub fn page(status: StatusCode, lang: Lang, title: &str, main: &str) -> Response {
    let body = format!(
        "<!doctype html>\n<html lang=\"{}\"{}><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"{STYLESHEET}\"></head><body><main>{main}</main></body></html>\n",
        lang.code(),
        // Right-to-left pages say so (pages.css uses logical properties only, so they mirror).
        if lang.dir() == "rtl" { " dir=\"rtl\"" } else { "" },
        escape(title),
    );
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    response
}
