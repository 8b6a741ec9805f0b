//! The pages that the links in mails open, and asking for a withdraw link on the letter page.
//!
//! - `GET /signatures/confirm?t=TOKEN`, `GET /signatures/withdraw?t=TOKEN`,
//!   `GET /signatures/endorse?t=TOKEN`: a page that says what the link does, with one button. A
//!   GET changes nothing: mail scanners and link previews fetch links before (or without) the person.
//! - `POST /signatures/confirm`, `/signatures/withdraw`, `/signatures/endorse` (form field `t`):
//!   press the button (endorse moves the signature to the letter's current revision).
//!   A link works once and for [`crate::mail::LINK_LIFETIME_DAYS`] days.
//! - `POST /campaigns/{id}/withdraw` (form field `email`): queues a mail with a withdraw link when
//!   the address signed; the page answers the same whatever the address (no membership oracle).
//!
//! The token is in the address, so these pages are sent with `Referrer-Policy: no-referrer`
//! (they load nothing, but a link followed from them must not carry it away either).

use super::answer::{error_page, AnswerContext};
use super::html::escape;
use super::layout::{letter_path, page, revision_path};
use super::text::Lang;
use crate::http::error::HttpError;
use crate::http::state::AppState;
use crate::mail::token;
use crate::store::{LinkTarget, SignerLinkPurpose};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use undersigned_core::signature::email;

pub const CONFIRM_PATH: &str = "/signatures/confirm";
pub const WITHDRAW_PATH: &str = "/signatures/withdraw";
pub const ENDORSE_PATH: &str = "/signatures/endorse";

/// The page a link of this purpose opens.
pub fn path(purpose: SignerLinkPurpose) -> &'static str {
    match purpose {
        SignerLinkPurpose::Confirm => CONFIRM_PATH,
        SignerLinkPurpose::Withdraw => WITHDRAW_PATH,
        SignerLinkPurpose::Endorse => ENDORSE_PATH,
    }
}

/// The address of the form that asks for a withdraw link.
pub fn withdraw_request_path(campaign_id: &str) -> String {
    format!("/campaigns/{campaign_id}/withdraw")
}

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(CONFIRM_PATH, get(show_confirm).post(press_confirm))
        .route(WITHDRAW_PATH, get(show_withdraw).post(press_withdraw))
        .route(ENDORSE_PATH, get(show_endorse).post(press_endorse))
        .route("/campaigns/{id}/withdraw", axum::routing::post(request_withdraw_link))
}

#[derive(Debug, serde::Deserialize)]
struct LinkQuery {
    #[serde(default)]
    t: String,
}

async fn show_confirm(State(s): State<Arc<AppState>>, headers: HeaderMap, Query(q): Query<LinkQuery>) -> Response {
    show(&s, &headers, SignerLinkPurpose::Confirm, &q.t).await
}

async fn show_withdraw(State(s): State<Arc<AppState>>, headers: HeaderMap, Query(q): Query<LinkQuery>) -> Response {
    show(&s, &headers, SignerLinkPurpose::Withdraw, &q.t).await
}

async fn show_endorse(State(s): State<Arc<AppState>>, headers: HeaderMap, Query(q): Query<LinkQuery>) -> Response {
    show(&s, &headers, SignerLinkPurpose::Endorse, &q.t).await
}

async fn press_endorse(State(s): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    press(&s, &headers, SignerLinkPurpose::Endorse, &body).await
}

async fn press_confirm(State(s): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    press(&s, &headers, SignerLinkPurpose::Confirm, &body).await
}

async fn press_withdraw(State(s): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    press(&s, &headers, SignerLinkPurpose::Withdraw, &body).await
}

/// The value of form field `name` in a form-encoded body.
fn form_value(body: &[u8], name: &str) -> String {
    form_urlencoded::parse(body).find(|(k, _)| k == name).map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// The title of the letter a link leads to, quoted, or "the letter".
async fn letter_title(state: &AppState, lang: Lang, campaign_id: &str) -> String {
    match state.store.campaign(campaign_id).await {
        Ok(Some(record)) => format!("“{}”", record.campaign.title),
        _ => lang.text("page.the_letter"),
    }
}

/// A page of this module: no caching (it depends on a token), no referrer.
fn link_page(status: StatusCode, lang: Lang, heading: &str, main: &str) -> Response {
    let mut response = page(status, lang, heading, main);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

fn dead_link(lang: Lang, status: StatusCode) -> Response {
    let heading = lang.text("page.link.dead.heading");
    let main =
        format!("<h1>{}</h1><p class=\"problem\">{}</p>", escape(&heading), escape(&lang.text("page.link.dead")));
    link_page(status, lang, &heading, &main)
}

async fn show(state: &AppState, headers: &HeaderMap, purpose: SignerLinkPurpose, token_text: &str) -> Response {
    let lang = Lang::from_headers(headers);
    let target = match state.store.link_target(purpose, &token::hash(token_text)).await {
        Ok(Some(target)) => target,
        Ok(None) => return dead_link(lang, StatusCode::NOT_FOUND),
        Err(e) => return error_page(HttpError::storage(e), &AnswerContext { lang, ..Default::default() }),
    };
    let title = letter_title(state, lang, &target.campaign_id).await;
    let key = match purpose {
        SignerLinkPurpose::Confirm => "confirm",
        SignerLinkPurpose::Withdraw => "withdraw",
        SignerLinkPurpose::Endorse => "endorse",
    };
    let heading = lang.text(&format!("page.{key}.heading"));
    let mut main = format!(
        "<h1>{}</h1><p>{}</p><form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"t\" value=\"{}\"><button type=\"submit\">{}</button></form>",
        escape(&heading),
        escape(&lang.format(&format!("page.{key}.explain"), &[("title", &title)])),
        path(purpose),
        escape(token_text.trim()),
        escape(&lang.text(&format!("page.{key}.button"))),
    );
    main.push_str("<ul class=\"links\">");
    if purpose == SignerLinkPurpose::Endorse {
        // What changed: the current revision's page (its diff with the revision before).
        if let Ok(Some(current)) = state.store.current_revision(&target.campaign_id).await {
            let _ = write!(
                main,
                "<li><a href=\"{}\">{}</a></li>",
                escape(&revision_path(&target.campaign_id, current.number)),
                escape(&lang.text("page.endorse.changes"))
            );
        }
    }
    let _ = write!(
        main,
        "<li><a href=\"{}\">{}</a></li></ul>",
        escape(&letter_path(&target.campaign_id)),
        escape(&lang.text("page.read_letter"))
    );
    link_page(StatusCode::OK, lang, &heading, &main)
}

async fn press(state: &AppState, headers: &HeaderMap, purpose: SignerLinkPurpose, body: &[u8]) -> Response {
    let lang = Lang::from_headers(headers);
    let hash = token::hash(&form_value(body, "t"));
    let used = match purpose {
        SignerLinkPurpose::Confirm => state.store.confirm_by_link(&hash).await,
        SignerLinkPurpose::Withdraw => state.store.withdraw_by_link(&hash).await,
        SignerLinkPurpose::Endorse => state.store.endorse_by_link(&hash).await,
    };
    let target: LinkTarget = match used {
        Ok(Some(target)) => target,
        Ok(None) => return dead_link(lang, StatusCode::GONE),
        Err(e) => return error_page(HttpError::storage(e), &AnswerContext { lang, ..Default::default() }),
    };
    // The public list and count change at once; open widgets learn it from the live events.
    state.live.snapshots.signers_changed(&target.campaign_id);
    state.live.nudge();
    tracing::info!(campaign = %target.campaign_id, signer = target.signer_id, action = purpose.as_str(), "signature link used");
    let title = letter_title(state, lang, &target.campaign_id).await;
    let (heading, text) = match purpose {
        SignerLinkPurpose::Confirm => (
            lang.text("page.confirmed.heading"),
            lang.format(if target.approved { "page.confirmed" } else { "page.confirmed.review" }, &[("title", &title)]),
        ),
        SignerLinkPurpose::Withdraw => {
            (lang.text("page.withdrawn.heading"), lang.format("page.withdrawn", &[("title", &title)]))
        }
        SignerLinkPurpose::Endorse => {
            (lang.text("page.endorsed.heading"), lang.format("page.endorsed", &[("title", &title)]))
        }
    };
    let main = format!(
        "<h1>{}</h1><p class=\"done\">{}</p><ul class=\"links\"><li><a href=\"{}\">{}</a></li></ul>",
        escape(&heading),
        escape(&text),
        escape(&letter_path(&target.campaign_id)),
        escape(&lang.text("page.read_letter"))
    );
    link_page(StatusCode::OK, lang, &heading, &main)
}

/// The letter page's small form: an address, and a button to get a withdraw link by mail.
pub fn withdraw_request_form(campaign_id: &str, lang: Lang, value: &str, error: Option<&str>) -> String {
    let mut out = format!(
        "<form method=\"post\" action=\"{}\" class=\"withdraw\"><div class=\"field\"><label for=\"w-email\">{}</label>",
        escape(&withdraw_request_path(campaign_id)),
        escape(&lang.text("form.field.email"))
    );
    let described = if let Some(error) = error {
        let _ = write!(out, "<span class=\"field-error\" id=\"w-email-error\">{}</span>", escape(error));
        " aria-describedby=\"w-email-error\" aria-invalid=\"true\""
    } else {
        ""
    };
    let _ = write!(
        out,
        "<input id=\"w-email\" name=\"email\" type=\"email\" autocomplete=\"email\" required value=\"{}\"{described}></div><button type=\"submit\">{}</button></form>",
        escape(value),
        escape(&lang.text("page.withdraw.request.button"))
    );
    out
}

async fn request_withdraw_link(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let context = AnswerContext { lang, ..Default::default() };
    if let Err(wait) = state.limiter.check(crate::http::state::client_ip(&state, peer, &headers)).await {
        return error_page(HttpError::rate_limited(wait), &context);
    }
    let record = match state.store.campaign(&id).await {
        Ok(Some(record)) => record,
        Ok(None) => return error_page(HttpError::unknown_campaign(&id), &context),
        Err(e) => return error_page(HttpError::storage(e), &context),
    };
    let address = form_value(&body, "email").trim().to_string();
    let title = format!("“{}”", record.campaign.title);
    if !email::is_valid_email(&address) {
        let heading = lang.text("page.withdraw.request.heading");
        let main = format!(
            "<h1>{}</h1>{}",
            escape(&heading),
            withdraw_request_form(&id, lang, &address, Some(&lang.text("form.error.invalid_email")))
        );
        return link_page(StatusCode::UNPROCESSABLE_ENTITY, lang, &heading, &main);
    }
    // The same work and the same page whether or not the address signed: the mail, if any, is
    // queued and sent later.
    if let Err(e) = state.store.queue_withdraw_link(&id, &email::normalize_email(&address), lang.code()).await {
        return error_page(HttpError::storage(e), &context);
    }
    state.mail.notify_one();
    let heading = lang.text("page.withdraw.requested.heading");
    let main = format!(
        "<h1>{}</h1><p class=\"done\">{}</p><ul class=\"links\"><li><a href=\"{}\">{}</a></li></ul>",
        escape(&heading),
        escape(&lang.format("page.withdraw.requested", &[("title", &title)])),
        escape(&letter_path(&id)),
        escape(&lang.text("page.read_letter"))
    );
    link_page(StatusCode::OK, lang, &heading, &main)
}
