//! The organizers' back office under `/admin`: server-rendered pages (docs/organizers.md says why
//! not a second Yew app), in English or Spanish, with the pages' strict policy (no script, no inline
//! style, nothing from another origin, `frame-ancestors 'none'`).
//!
//! Security, in one place:
//! - Sessions are server-side ([`crate::store::SessionRecord`], [`session`]); the cookie holds a random token
//!   whose SHA-256 the database keeps; `HttpOnly`, `SameSite=Strict`, `Path=/admin`, `Secure` when
//!   the public origin is https. Idle expiry and a maximum age ([`crate::organizers`]).
//! - Every change is a POST that must carry the session's CSRF token (`Signed::check_csrf` in [`guard`]),
//!   and every POST under `/admin` is refused when the browser says it comes from another site
//!   (`Sec-Fetch-Site`, `Origin`: [`same_site_only`]).
//! - Every route asks the organizer's role on the campaign (`Signed::require` in [`guard`]); the server
//!   never sends an email address to a role without [`crate::organizers::Permission::SeeEmails`].
//! - Every change, sign-in and export is written to the audit log.

// The handlers' early answers (`Result<_, Response>`) are whole HTTP responses returned at once,
// never kept or matched on: boxing them would buy nothing.
#![allow(clippy::result_large_err)]

mod account;
mod audit;
mod campaign;
mod delivery;
mod demands;
mod form;
mod guard;
mod layout;
mod letter;
mod moderation;
mod session;
mod settings;
mod sign_in_link;
mod signers;
mod team;

use super::pages::text::Lang;
use super::state::AppState;
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
pub use layout::Section;
use layout::{FAVICON, STYLESHEET};
use session::own_origin;
pub use session::Signed;
use std::sync::Arc;

pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/admin", get(campaign::home))
        .route("/admin/", get(campaign::home))
        .route(STYLESHEET, get(stylesheet))
        .route(FAVICON, get(favicon))
        .route("/admin/sign-in", get(account::sign_in_page).post(account::sign_in))
        .route("/admin/sign-in/link", post(sign_in_link::request))
        .route("/admin/sign-in/link/{token}", get(sign_in_link::page).post(sign_in_link::use_link))
        .route("/admin/sign-out", post(account::sign_out))
        .route("/admin/sign-out-everywhere", post(account::sign_out_everywhere))
        .route("/admin/welcome/{token}", get(account::welcome_page).post(account::welcome))
        .route("/admin/campaigns/{id}", get(campaign::overview))
        .route("/admin/campaigns/{id}/demands", get(demands::list))
        .route("/admin/campaigns/{id}/demands/{demand}", get(demands::edit_page).post(demands::edit))
        .route("/admin/campaigns/{id}/moderation", get(moderation::page).post(moderation::decide))
        .route("/admin/campaigns/{id}/signers", get(signers::page))
        .route("/admin/campaigns/{id}/signers.csv", get(signers::export))
        .route("/admin/campaigns/{id}/signers/import", post(signers::import))
        .route("/admin/campaigns/{id}/signers/{signer}/erase", get(signers::erase_page).post(signers::erase))
        .route("/admin/campaigns/{id}/settings", get(settings::page).post(settings::save))
        .route("/admin/campaigns/{id}/organizers", get(team::page))
        .route("/admin/campaigns/{id}/organizers/invite", post(team::invite))
        .route("/admin/campaigns/{id}/organizers/role", post(team::change_role))
        .route("/admin/campaigns/{id}/tokens", post(team::create_token))
        .route("/admin/campaigns/{id}/tokens/{token}/revoke", post(team::revoke_token))
        .route("/admin/campaigns/{id}/audit", get(audit::page))
        .route("/admin/campaigns/{id}/delivery", get(delivery::page).post(delivery::record))
        .route("/admin/campaigns/{id}/delivery/print", get(delivery::print))
        .route("/admin/campaigns/{id}/letter", get(letter::page).post(letter::submit))
        .route("/admin/campaigns/{id}/letter/endorsement-requests", post(letter::request_endorsement))
        .route("/admin/campaigns/{id}/embed", get(campaign::embed))
        .layer(axum::middleware::from_fn_with_state(state, same_site_only))
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("admin.css"),
    )
        .into_response()
}

async fn favicon() -> Response {
    (
        [(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")],
        include_str!("favicon.svg"),
    )
        .into_response()
}

/// Refuses every state-changing request under `/admin` that a browser says comes from another site
/// (`Sec-Fetch-Site: cross-site` or `same-site`, or an `Origin` that is not ours). The CSRF token
/// in the form is checked as well, by each handler; this is the second, independent line.
async fn same_site_only(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let cross_fetch = fetch_site.is_some_and(|site| site != "same-origin" && site != "none");
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let ours = own_origin(&state, headers);
    let cross_origin = origin.is_some_and(|o| Some(o.trim_end_matches('/')) != ours.as_deref());
    if cross_fetch || cross_origin {
        tracing::warn!(origin, fetch_site, path = %request.uri().path(), "cross-site change refused");
        let lang = Lang::from_headers(headers);
        return layout::message(StatusCode::FORBIDDEN, lang, "admin.error.cross_site");
    }
    next.run(request).await
}
