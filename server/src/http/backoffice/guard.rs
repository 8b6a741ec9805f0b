//! The checks every back-office route makes, answering with a page when they fail: who is signed
//! in ([`Signed::from_request`]), what their role allows ([`Signed::require`]), the form's CSRF
//! token ([`Signed::check_csrf`]). An `impl` block apart from [`Signed`] itself, because these
//! answers are drawn by [`super::layout`], which in turn shows the signed-in organizer.

use super::form;
use super::layout::{self, redirect};
use super::session::{session_token, Signed};
use crate::http::pages::text::Lang;
use crate::http::state::AppState;
use crate::organizers::{secret, Access, Permission, Principal};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

impl Signed {
    /// The signed-in organizer, or the answer to give instead: the sign-in page (by redirect) for
    /// a page, 401 for anything else.
    pub async fn from_request(state: &AppState, headers: &HeaderMap, here: &str) -> Result<Signed, Response> {
        let lang = Lang::from_headers(headers);
        let token = session_token(headers);
        let found = match token {
            Some(token) => state.store.live_session(&secret::digest(token)).await,
            None => Ok(None),
        };
        match found {
            Ok(Some(session)) => {
                let hash = secret::digest(token.unwrap_or_default());
                // Idle expiry counts from the last request; a write per request is cheap next to
                // rendering a page.
                if let Err(e) = state.store.touch_session(&hash).await {
                    return Err(layout::storage_error(lang, e));
                }
                let roles = match state.store.organizer_roles(session.organizer.id).await {
                    Ok(roles) => roles,
                    Err(e) => return Err(layout::storage_error(lang, e)),
                };
                let principal =
                    Principal { actor: session.organizer.email.clone(), access: Access::Roles(roles.clone()) };
                Ok(Signed { session, roles, principal, lang })
            }
            Ok(None) => {
                let target = format!("/admin/sign-in?next={}", form::url_encode(here));
                Err(redirect(&target))
            }
            Err(e) => Err(layout::storage_error(lang, e)),
        }
    }

    /// Refuses (403 page) unless the organizer may do `permission` on `campaign`.
    pub fn require(&self, campaign: &str, permission: Permission) -> Result<(), Response> {
        if self.principal.may(campaign, permission) {
            Ok(())
        } else {
            Err(layout::message(StatusCode::FORBIDDEN, self.lang, "admin.error.forbidden"))
        }
    }

    /// Refuses (403 page) unless the form carries this session's CSRF token.
    pub fn check_csrf(&self, form: &form::FormData) -> Result<(), Response> {
        match form.get("csrf") {
            Some(token) if secret::same(token, &self.session.csrf_token) => Ok(()),
            _ => Err(layout::message(StatusCode::FORBIDDEN, self.lang, "admin.error.csrf")),
        }
    }
}
