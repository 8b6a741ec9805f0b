//! Signing in and out: the sign-in form (email and password, throttled), signing out here or
//! everywhere, and the invitation link on which a new organizer chooses a password.

use super::super::pages::html::escape;
use super::super::pages::text::Lang;
use super::form::FormData;
use super::layout::{self, csrf_field, redirect};
use super::session::{session_cookie, session_token, start_session, with_cookie, Signed};
use crate::domain::AuditAction;
use crate::http::state::AppState;
use crate::organizers::accounts::{self, SignIn};
use crate::organizers::{password, secret};
use crate::store::LinkPurpose;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;

/// Where to go after signing in: a back-office path only (never another site).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/admin") && !n.contains("//") && !n.contains('\\') => n.to_string(),
        _ => "/admin".to_string(),
    }
}

fn sign_in_form(lang: Lang, next: &str, email: &str, problem: Option<&str>) -> String {
    let mut main = format!("<h1>{}</h1>", escape(&lang.text("admin.sign_in.heading")));
    if let Some(problem) = problem {
        main.push_str(&layout::problem(problem));
    }
    let _ = write!(
        main,
        "<form method=\"post\" action=\"/admin/sign-in\" class=\"stack narrow\"><input type=\"hidden\" name=\"next\" value=\"{}\">\
         <p><label for=\"email\">{}</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"{}\"></p>\
         <p><label for=\"password\">{}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>\
         <p><button type=\"submit\">{}</button></p></form>",
        escape(next),
        escape(&lang.text("admin.email")),
        escape(email),
        escape(&lang.text("admin.password")),
        escape(&lang.text("admin.sign_in")),
    );
    main
}

pub async fn sign_in_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let query = FormData::from_query(query.as_deref());
    let next = safe_next(query.get("next"));
    let title = lang.text("admin.sign_in.heading");
    let mut main = sign_in_form(lang, &next, "", None);
    main.push_str(&super::sign_in_link::request_form(&state, lang));
    layout::page(StatusCode::OK, lang, &title, None, None, &main)
}

pub async fn sign_in(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let form = FormData::from_body(&body);
    let (email, given) = (form.text("email"), form.get("password").unwrap_or(""));
    let next = safe_next(form.get("next"));
    let address = crate::http::state::client_ip(&state, peer, &headers).to_string();
    let title = lang.text("admin.sign_in.heading");
    match accounts::sign_in(&state.store, &email, given, &address).await {
        Ok(SignIn::Organizer(organizer)) => match start_session(&state, organizer).await {
            Ok(cookie) => with_cookie(redirect(&next), &cookie),
            Err(e) => layout::storage_error(lang, e),
        },
        Ok(SignIn::Refused) => {
            let main = sign_in_form(lang, &next, &email, Some(&lang.text("admin.sign_in.refused")));
            layout::page(StatusCode::UNAUTHORIZED, lang, &title, None, None, &main)
        }
        Ok(SignIn::Throttled(wait)) => {
            let minutes = wait.div_ceil(60).to_string();
            let text = lang.format("admin.sign_in.throttled", &[("minutes", &minutes)]);
            let main = sign_in_form(lang, &next, &email, Some(&text));
            let mut response = layout::page(StatusCode::TOO_MANY_REQUESTS, lang, &title, None, None, &main);
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
            response
        }
        Err(e) => layout::storage_error(lang, e),
    }
}

pub async fn sign_out(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let signed = match Signed::from_request(&state, &headers, "/admin").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(r) = signed.check_csrf(&FormData::from_body(&body)) {
        return r;
    }
    let token = session_token(&headers).unwrap_or_default();
    let done = async {
        state.store.delete_session(&secret::digest(token)).await?;
        state.store.audit(signed.actor(), "", AuditAction::SignOut, "").await
    };
    match done.await {
        Ok(()) => with_cookie(redirect("/admin/sign-in"), &session_cookie(&state, None)),
        Err(e) => layout::storage_error(signed.lang, e),
    }
}

pub async fn sign_out_everywhere(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let signed = match Signed::from_request(&state, &headers, "/admin").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(r) = signed.check_csrf(&FormData::from_body(&body)) {
        return r;
    }
    let done = async {
        let ended = state.store.delete_sessions_of(signed.session.organizer.id).await?;
        state
            .store
            .audit(signed.actor(), "", AuditAction::SignOutEverywhere, &format!("{ended} session(s) ended"))
            .await
    };
    match done.await {
        Ok(()) => with_cookie(redirect("/admin/sign-in"), &session_cookie(&state, None)),
        Err(e) => layout::storage_error(signed.lang, e),
    }
}

fn welcome_form(lang: Lang, token: &str, email: &str, problem: Option<&str>) -> String {
    let mut main = format!(
        "<h1>{}</h1><p>{}</p>",
        escape(&lang.text("admin.welcome.heading")),
        escape(&lang.format("admin.welcome.intro", &[("email", email)]))
    );
    if let Some(problem) = problem {
        main.push_str(&layout::problem(problem));
    }
    let _ = write!(
        main,
        "<form method=\"post\" action=\"/admin/welcome/{}\" class=\"stack narrow\">\
         <input type=\"hidden\" name=\"username\" value=\"{}\" autocomplete=\"username\">\
         <p><label for=\"password\">{}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required minlength=\"{}\" aria-describedby=\"password-help\">\
         <span id=\"password-help\" class=\"help\">{}</span></p>\
         <p><button type=\"submit\">{}</button></p></form>",
        escape(token),
        escape(email),
        escape(&lang.text("admin.password.new")),
        crate::organizers::MIN_PASSWORD_CHARS,
        escape(&lang.format("admin.password.help", &[("min", &crate::organizers::MIN_PASSWORD_CHARS.to_string())])),
        escape(&lang.text("admin.welcome.submit")),
    );
    main
}

/// The invitation link: only shows the form (a GET never uses the link up: mail scanners fetch it).
pub async fn welcome_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let found = async {
        let Some(id) = state.store.redeem_link(&secret::digest(&token), LinkPurpose::Invitation, false).await? else {
            return anyhow::Ok(None);
        };
        state.store.organizer(id).await
    };
    match found.await {
        Ok(Some(organizer)) => {
            let title = lang.text("admin.welcome.heading");
            let main = welcome_form(lang, &token, &organizer.email, None);
            layout::page(StatusCode::OK, lang, &title, None, None, &main)
        }
        Ok(None) => layout::message(StatusCode::NOT_FOUND, lang, "admin.error.link"),
        Err(e) => layout::storage_error(lang, e),
    }
}

pub async fn welcome(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let form = FormData::from_body(&body);
    let given = form.get("password").unwrap_or("").to_string();
    let hash = secret::digest(&token);
    if let Some(problem) = password::problem(&given) {
        return match state.store.redeem_link(&hash, LinkPurpose::Invitation, false).await {
            Ok(Some(id)) => {
                let email = state.store.organizer(id).await.ok().flatten().map(|o| o.email).unwrap_or_default();
                let title = lang.text("admin.welcome.heading");
                let main = welcome_form(lang, &token, &email, Some(&problem));
                layout::page(StatusCode::UNPROCESSABLE_ENTITY, lang, &title, None, None, &main)
            }
            Ok(None) => layout::message(StatusCode::NOT_FOUND, lang, "admin.error.link"),
            Err(e) => layout::storage_error(lang, e),
        };
    }
    let done = async {
        let Some(id) = state.store.redeem_link(&hash, LinkPurpose::Invitation, true).await? else {
            return anyhow::Ok(None);
        };
        let hashed = tokio::task::spawn_blocking(move || password::hash(&given)).await??;
        state.store.set_organizer_password(id, &hashed).await?;
        state.store.use_up_links(id, LinkPurpose::Invitation).await?;
        let email = state.store.organizer(id).await?.map(|o| o.email).unwrap_or_default();
        state.store.audit(&email, "", AuditAction::OrganizerAccept, "chose a password").await?;
        Ok(Some(start_session(&state, id).await?))
    };
    match done.await {
        Ok(Some(cookie)) => with_cookie(redirect("/admin"), &cookie),
        Ok(None) => layout::message(StatusCode::NOT_FOUND, lang, "admin.error.link"),
        Err(e) => layout::storage_error(lang, e),
    }
}

/// The form that ends every session of the organizer (on the home page).
pub fn sign_out_everywhere_form(signed: &Signed) -> String {
    format!(
        "<form method=\"post\" action=\"/admin/sign-out-everywhere\">{}<button type=\"submit\" class=\"secondary\">{}</button></form>",
        csrf_field(signed),
        escape(&signed.lang.text("admin.sign_out_everywhere"))
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_stays_in_the_back_office() {
        assert_eq!(super::safe_next(Some("/admin/campaigns/x")), "/admin/campaigns/x");
        assert_eq!(super::safe_next(Some("https://evil.example/")), "/admin");
        assert_eq!(super::safe_next(Some("/admin//evil.example")), "/admin");
        assert_eq!(super::safe_next(None), "/admin");
    }
}
