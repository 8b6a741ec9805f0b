//! Pages for visitors without JavaScript (docs/receiver.md, "Pages for visitors without
//! JavaScript"): the letter of each campaign with a plain sign-on form, and the answer to a plain
//! form post (thank-you or error page) instead of the JSON the widget reads.
//!
//! - `GET /campaigns/{id}`: the letter page ([`letter`]), with the form ([`form`]) and the public
//!   signer list.
//! - `GET /campaigns/{id}/revisions/{n}`: one revision of the letter and what changed ([`revision`]).
//! - `GET /pages.css`: their one stylesheet.
//! - `POST /api/campaigns/{id}/signatures` answers with [`answer::answer_page`] or [`answer::error_page`] when
//!   [`negotiate::wants_html`] says the request is a browser's form navigation.
//!
//! Their words are English or Spanish by `Accept-Language` ([`text`]).
//!
//! Every page is self-contained: no script, no request to another origin, no inline style; it is
//! sent with a Content-Security-Policy that allows nothing but this receiver's stylesheet and
//! posting forms to this receiver. Every text is escaped ([`html::escape`]).

pub mod answer;
pub mod form;
pub mod html;
pub mod layout;
pub mod letter;
pub mod links;
pub mod mailbox;
pub mod negotiate;
pub mod revision;
pub mod text;

use super::error::HttpError;
use super::state::AppState;
use answer::{error_page, AnswerContext};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use layout::{page, STYLESHEET};
use std::sync::Arc;
use text::Lang;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/campaigns/{id}", get(letter_page))
        .route("/campaigns/{id}/revisions/{number}", get(revision::revision_page))
        .route(STYLESHEET, get(stylesheet))
        .merge(links::routes())
        .merge(mailbox::routes())
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("pages.css"),
    )
        .into_response()
}

/// The letter page, from the snapshots: rendered once per change and language, each answer with
/// a fresh idempotency key in its form.
async fn letter_page(State(state): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    let bare = AnswerContext { lang, ..AnswerContext::default() };
    let snapshots = &state.live.snapshots;
    let campaign = match snapshots.campaign(&id).await {
        Ok(Some(campaign)) => campaign,
        Ok(None) => return error_page(HttpError::unknown_campaign(&id), &bare),
        Err(e) => return error_page(HttpError::storage(e), &bare),
    };
    let render = || async {
        let feed = snapshots.feed(&id).await?.ok_or_else(|| anyhow::anyhow!("campaign {id} disappeared"))?;
        let shown = snapshots.letter_signers(&id, letter::SIGNERS_SHOWN).await?;
        let revisions = state.store.revisions(&id).await?;
        let signers = letter::Signers {
            counts: shown.counts,
            organizations: shown.organizations.clone(),
            individuals: shown.individuals.clone(),
        };
        let mut main = letter::render(&letter::LetterPage {
            campaign: &campaign.record.campaign,
            feed: &feed.feed,
            signers: &signers,
            revisions: &revisions,
            lang,
        });
        // Recorded in the back office, whose changes (POSTs) refresh the snapshots.
        letter::render_deliveries(&state.store.deliveries(&id, true).await?, lang, &mut main);
        let key = form::key_in(&main).ok_or_else(|| anyhow::anyhow!("the letter page's form has no key"))?;
        Ok((main.clone(), key))
    };
    match snapshots.letter_main(&id, lang.code(), render).await {
        Ok(main) => {
            let main = format!("{}{}{}", main.before_key, form::new_idempotency_key(), main.after_key);
            let mut response = page(StatusCode::OK, lang, &campaign.record.campaign.title, &main);
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        Err(e) => error_page(HttpError::storage(e), &bare),
    }
}
