//! The admin API under `/api/admin`, behind `Authorization: Bearer <token>`. Every operation is
//! one of [`crate::admin`]'s, which the CLI runs too. No CORS headers: browsers on other sites
//! cannot call it.

use super::error::{HttpError, HttpResult};
use super::AppState;
use crate::admin::{self, AdminError, StatusUpdate};
use crate::store::{CampaignSettings, SignerState};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use std::sync::Arc;
use undersigned_core::api_error::ErrorCode;

/// The largest CSV the import endpoint reads (some 300,000 exported signers); the CLI has no limit.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/campaigns", get(list_campaigns).post(import_campaign))
        .route("/campaigns/{id}/settings", get(get_settings).put(put_settings))
        .route("/campaigns/{id}/demands/{demand}/status", put(set_status))
        .route("/campaigns/{id}/demands/{demand}/history", get(history))
        .route("/campaigns/{id}/signers", get(list_signers))
        .route(
            "/campaigns/{id}/signers.csv",
            get(export_csv).post(import_csv).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/campaigns/{id}/signers/{signer}/approve", post(approve))
        .route("/campaigns/{id}/signers/{signer}/reject", post(reject))
        .route("/campaigns/{id}/signers/{signer}", delete(erase))
        .layer(axum::middleware::from_fn_with_state(state, require_token))
}

/// Refuses requests without the admin token (`missing_token`) or with another (`invalid_token`).
async fn require_token(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let presented = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::trim);
    match presented {
        None => HttpError::new(ErrorCode::MissingToken, "Send the admin token as `Authorization: Bearer <token>`.")
            .into_response(),
        Some(value) => match value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")) {
            Some(token) if state.admin_token.matches(token.trim()) => next.run(request).await,
            Some(_) => HttpError::new(
                ErrorCode::InvalidToken,
                "This is not the receiver's admin token (see `admin-token` in its data folder).",
            )
            .into_response(),
            None => HttpError::new(ErrorCode::MissingToken, "Send the admin token as `Authorization: Bearer <token>`.")
                .into_response(),
        },
    }
}

impl From<AdminError> for HttpError {
    fn from(e: AdminError) -> HttpError {
        match e {
            AdminError::Refused(body) => HttpError { body, retry_after_secs: None },
            AdminError::Store(e) => HttpError::storage(e),
        }
    }
}

/// A signer id from the path; a non-number is `invalid_request` rather than a plain-text rejection.
fn signer_id(text: &str) -> HttpResult<i64> {
    text.parse().map_err(|_| {
        HttpError::new(
            ErrorCode::InvalidRequest,
            format!("`{text}` is not a signer id; the ids are numbers (see the signer list)."),
        )
    })
}

fn bad_json(e: axum::extract::rejection::JsonRejection) -> HttpError {
    HttpError::new(ErrorCode::MalformedBody, format!("The body is not the expected JSON: {}", e.body_text()))
}

async fn list_campaigns(State(state): State<Arc<AppState>>) -> HttpResult<Response> {
    Ok(Json(serde_json::json!({ "campaigns": state.store.campaign_ids().await? })).into_response())
}

/// The body is the campaign's authoring source as text.
async fn import_campaign(State(state): State<Arc<AppState>>, body: String) -> HttpResult<Response> {
    let id = admin::import_campaign(&state.store, "uploaded source", &body).await?;
    Ok((StatusCode::OK, Json(serde_json::json!({ "campaign": id }))).into_response())
}

async fn get_settings(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> HttpResult<Response> {
    Ok(Json(admin::campaign_settings(&state.store, &id).await?).into_response())
}

async fn put_settings(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Result<Json<CampaignSettings>, axum::extract::rejection::JsonRejection>,
) -> HttpResult<Response> {
    let Json(settings) = body.map_err(bad_json)?;
    admin::set_campaign_settings(&state.store, &id, &settings).await?;
    Ok(Json(settings).into_response())
}

async fn set_status(
    State(state): State<Arc<AppState>>,
    Path((id, demand)): Path<(String, String)>,
    body: Result<Json<StatusUpdate>, axum::extract::rejection::JsonRejection>,
) -> HttpResult<Response> {
    let Json(update) = body.map_err(bad_json)?;
    let change = admin::set_demand_status(&state.store, &id, &demand, update, "admin-api").await?;
    state.live.nudge();
    Ok(Json(change).into_response())
}

async fn history(
    State(state): State<Arc<AppState>>,
    Path((id, demand)): Path<(String, String)>,
) -> HttpResult<Response> {
    Ok(Json(serde_json::json!({ "history": state.store.demand_history(&id, &demand).await? })).into_response())
}

#[derive(Debug, serde::Deserialize)]
struct SignersQuery {
    state: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

fn parse_state(state: Option<&str>) -> HttpResult<Option<SignerState>> {
    state
        .map(|s| {
            SignerState::parse(s).ok_or_else(|| {
                HttpError::new(
                    ErrorCode::InvalidRequest,
                    format!("state must be pending, approved, rejected or spam, not `{s}`."),
                )
            })
        })
        .transpose()
}

async fn list_signers(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(q): Query<SignersQuery>,
) -> HttpResult<Response> {
    let filter = parse_state(q.state.as_deref())?;
    let (page, per_page) = (q.page.unwrap_or(1), q.per_page.unwrap_or(100));
    if page < 1 || !(1..=1000).contains(&per_page) {
        return Err(HttpError::new(ErrorCode::InvalidRequest, "page starts at 1 and per_page is 1 to 1000."));
    }
    admin::campaign_settings(&state.store, &id).await?;
    let signers = state.store.signers(&id, filter, per_page, (page - 1) * per_page).await?;
    Ok(Json(serde_json::json!({ "page": page, "per_page": per_page, "signers": signers })).into_response())
}

#[derive(Debug, serde::Deserialize)]
struct ExportQuery {
    state: Option<String>,
}

async fn export_csv(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> HttpResult<Response> {
    let csv = admin::export_csv(&state.store, &id, parse_state(q.state.as_deref())?).await?;
    let disposition = format!("attachment; filename=\"{id}-signers.csv\"");
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        csv,
    )
        .into_response())
}

/// The body is the CSV file.
async fn import_csv(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> HttpResult<Response> {
    let csv = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => HttpError::new(
            ErrorCode::PayloadTooLarge,
            format!("The file is larger than the {MAX_IMPORT_BYTES} bytes this endpoint takes; import it with the CLI (`admin import-signers`), which has no limit, or in parts."),
        ),
        _ => HttpError::new(ErrorCode::MalformedBody, format!("The file could not be read: {}", e.body_text())),
    })?;
    Ok(Json(admin::import_signers(&state.store, &id, "the uploaded file", &csv).await?).into_response())
}

async fn approve(
    State(state): State<Arc<AppState>>,
    Path((id, signer)): Path<(String, String)>,
) -> HttpResult<Response> {
    let signer = signer_id(&signer)?;
    admin::moderate(&state.store, &id, signer, SignerState::Approved).await?;
    Ok(Json(serde_json::json!({ "signer": signer, "state": "approved" })).into_response())
}

async fn reject(
    State(state): State<Arc<AppState>>,
    Path((id, signer)): Path<(String, String)>,
) -> HttpResult<Response> {
    let signer = signer_id(&signer)?;
    admin::moderate(&state.store, &id, signer, SignerState::Rejected).await?;
    Ok(Json(serde_json::json!({ "signer": signer, "state": "rejected" })).into_response())
}

async fn erase(State(state): State<Arc<AppState>>, Path((id, signer)): Path<(String, String)>) -> HttpResult<Response> {
    let signer = signer_id(&signer)?;
    admin::erase(&state.store, &id, signer).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
