//! Signing in with a one-time link by mail, for organizers who have an account: the sign-in page
//! offers it when the receiver sends mail. Asking answers the same whether or not the address has
//! an account (nothing is revealed); the link works once, for
//! [`crate::organizers::SIGN_IN_LINK_MINUTES`] minutes; opening it (a GET, which mail scanners
//! also do) only shows a button, and the POST of that button signs in.

use super::super::pages::html::escape;
use super::super::pages::text::Lang;
use super::form::FormData;
use super::layout;
use super::layout::redirect;
use super::session::{start_session, with_cookie};
use crate::domain::AuditAction;
use crate::http::state::AppState;
use crate::mail::MailKind;
use crate::organizers::{normalize_email, secret};
use crate::store::LinkPurpose;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::sync::Arc;

/// At most this many sign-in links for one account within [`crate::organizers::SIGN_IN_LINK_MINUTES`].
const MAX_LIVE_LINKS: i64 = 3;

/// The "mail me a sign-in link" form under the sign-in form; nothing without an SMTP server.
pub fn request_form(state: &AppState, lang: Lang) -> String {
    if state.config.mail.smtp_url.is_none() {
        return String::new();
    }
    format!(
        "<h2 id=\"by-mail\">{}</h2><form method=\"post\" action=\"/admin/sign-in/link\" class=\"stack narrow\">\
         <p><label for=\"link-email\">{}</label><input id=\"link-email\" name=\"email\" type=\"email\" autocomplete=\"username\" required></p>\
         <p><button type=\"submit\" class=\"secondary\">{}</button></p></form>",
        escape(&lang.text("admin.sign_in.link.heading")),
        escape(&lang.text("admin.email")),
        escape(&lang.text("admin.sign_in.link.ask")),
    )
}

/// Queues a sign-in link for the address's account, if there is one with a password and it has
/// not asked for too many lately; answers the same in every case.
pub async fn request(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = Lang::from_headers(&headers);
    let form = FormData::from_body(&body);
    if state.config.mail.smtp_url.is_none() {
        return layout::message(StatusCode::NOT_FOUND, lang, "admin.error.bad_form");
    }
    let email = normalize_email(&form.text("email"));
    let queued = async {
        let Some(email) = email else { return anyhow::Ok(false) };
        let Some((organizer, Some(_))) = state.store.organizer_by_email(&email).await? else { return Ok(false) };
        if state.store.unexpired_links(organizer.id, LinkPurpose::SignIn).await? >= MAX_LIVE_LINKS {
            return Ok(false);
        }
        let queued = state.store.queue_organizer_mail(organizer.id, None, MailKind::SignInLink, lang.code()).await?;
        if queued {
            state.store.audit(&organizer.email, "", AuditAction::SignInLinkAsked, "").await?;
        }
        Ok(queued)
    };
    match queued.await {
        Ok(queued) => {
            if queued {
                state.mail.notify_one();
            }
            let title = lang.text("admin.sign_in.link.heading");
            let main = format!(
                "<h1>{}</h1>{}<p><a href=\"/admin/sign-in\">{}</a></p>",
                escape(&title),
                layout::notice(&lang.format(
                    "admin.sign_in.link.sent",
                    &[("minutes", &crate::organizers::SIGN_IN_LINK_MINUTES.to_string())]
                )),
                escape(&lang.text("admin.sign_in")),
            );
            layout::page(StatusCode::OK, lang, &title, None, None, &main)
        }
        Err(e) => layout::storage_error(lang, e),
    }
}

/// The link from the mail: a button that signs in (the GET uses nothing up).
pub async fn page(State(state): State<Arc<AppState>>, headers: HeaderMap, Path(token): Path<String>) -> Response {
    let lang = Lang::from_headers(&headers);
    match state.store.redeem_link(&secret::digest(&token), LinkPurpose::SignIn, false).await {
        Ok(Some(_)) => {
            let title = lang.text("admin.sign_in.heading");
            let main = format!(
                "<h1>{}</h1><form method=\"post\" action=\"/admin/sign-in/link/{}\" class=\"stack narrow\"><p><button type=\"submit\">{}</button></p></form>",
                escape(&title),
                escape(&token),
                escape(&lang.text("admin.sign_in")),
            );
            layout::page(StatusCode::OK, lang, &title, None, None, &main)
        }
        Ok(None) => layout::message(StatusCode::NOT_FOUND, lang, "admin.error.sign_in_link"),
        Err(e) => layout::storage_error(lang, e),
    }
}

/// Uses the link up and signs in.
pub async fn use_link(State(state): State<Arc<AppState>>, headers: HeaderMap, Path(token): Path<String>) -> Response {
    let lang = Lang::from_headers(&headers);
    let done = async {
        let Some(id) = state.store.redeem_link(&secret::digest(&token), LinkPurpose::SignIn, true).await? else {
            return anyhow::Ok(None);
        };
        let Some(organizer) = state.store.organizer(id).await? else { return Ok(None) };
        state.store.audit(&organizer.email, "", AuditAction::SignIn, "link by mail").await?;
        Ok(Some(start_session(&state, id).await?))
    };
    match done.await {
        Ok(Some(cookie)) => with_cookie(redirect("/admin"), &cookie),
        Ok(None) => layout::message(StatusCode::NOT_FOUND, lang, "admin.error.sign_in_link"),
        Err(e) => layout::storage_error(lang, e),
    }
}
