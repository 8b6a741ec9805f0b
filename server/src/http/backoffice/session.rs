//! A signed-in organizer ([`Signed`]) and the session cookie that identifies them: its name, its
//! `Set-Cookie` value, reading it from a request, making a session. The checks that answer with a
//! page (sign-in redirect, 403) are in [`super::guard`], which draws those pages through
//! [`super::layout`]; the layout itself needs [`Signed`], so the data lives here, below both.

use crate::http::origin;
use crate::http::pages::text::Lang;
use crate::http::state::AppState;
use crate::organizers::{secret, Permission, Principal, Roles};
use crate::store::SessionRecord;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;

/// The session cookie's name.
pub const COOKIE: &str = "undersigned_admin";

/// A signed-in organizer on a request.
pub struct Signed {
    pub session: SessionRecord,
    pub roles: Roles,
    pub principal: Principal,
    pub lang: Lang,
}

impl Signed {
    /// Whether the organizer may do `permission` on `campaign` (to show or hide a control; the
    /// route checks again).
    pub fn may(&self, campaign: &str, permission: Permission) -> bool {
        self.principal.may(campaign, permission)
    }

    pub fn actor(&self) -> &str {
        &self.principal.actor
    }
}

/// Reads the session cookie's token from `Cookie`.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|v| !v.is_empty())
}

/// The origin this receiver is reached at, as browsers send it in `Origin`: the configured public
/// origin, else `http://` + `Host`.
pub fn own_origin(state: &AppState, headers: &HeaderMap) -> Option<String> {
    if let Some(origin) = &state.config.public_origin {
        return Some(origin.trim_end_matches('/').to_string());
    }
    origin::host(headers).map(|host| format!("http://{host}"))
}

/// The `Set-Cookie` value for a session token (or for removing the cookie when None).
pub fn session_cookie(state: &AppState, token: Option<&str>) -> String {
    let secure = state.config.public_origin.as_deref().is_some_and(|o| o.starts_with("https://"));
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(token) => format!("{COOKIE}={token}; Path=/admin; HttpOnly; SameSite=Strict{secure}"),
        None => format!("{COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    }
}

/// Makes a session for `organizer`; returns the `Set-Cookie` value.
pub async fn start_session(state: &AppState, organizer: i64) -> anyhow::Result<String> {
    let token = secret::new_token();
    state.store.create_session(&secret::digest(&token), organizer, &secret::new_token()).await?;
    Ok(session_cookie(state, Some(&token)))
}

/// `response` with the `Set-Cookie` header `cookie` added.
pub fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
