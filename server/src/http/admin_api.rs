//! The admin API under `/api/admin`, behind `Authorization: Bearer <token>`: the receiver's admin
//! token (every permission on every campaign), or an organizer's token made in the back office
//! (one role on one campaign, checked on every route with [`Role::may`](crate::organizers::Role::may)).
//! Every operation is one of [`crate::admin`]'s, which the CLI runs too, and every change and
//! export is written to the audit log. No CORS headers: browsers on other sites cannot call it.

use super::error::{HttpError, HttpResult};
use super::state::AppState;
use crate::admin::{self, AdminError, StatusUpdate};
use crate::domain::AuditAction;
use crate::domain::{CampaignSettings, SignerState};
use crate::organizers::{secret, Access, Permission, Principal};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Extension, Path, Query, Request, State};
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
        .route("/campaigns/{id}/endorsement-requests", post(request_endorsement))
        .layer(axum::middleware::from_fn_with_state(state, require_token))
}

/// Refuses requests without a token (`missing_token`) or with an unknown or revoked one
/// (`invalid_token`); otherwise hands the handlers who is asking ([`Principal`]).
async fn require_token(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let presented = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::trim);
    let missing = || {
        HttpError::new(ErrorCode::MissingToken, "Send the admin token as `Authorization: Bearer <token>`.")
            .into_response()
    };
    let Some(value) = presented else { return missing() };
    let Some(token) = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).map(str::trim) else {
        return missing();
    };
    let principal = if state.admin_token.matches(token) {
        Principal { actor: "admin-token".into(), access: Access::Everything }
    } else {
        match state.store.api_token(&secret::digest(token)).await {
            Ok(Some(t)) => Principal {
                actor: format!("token:{} ({})", t.label, t.organizer_email),
                access: Access::Token { campaign: t.campaign, role: t.role },
            },
            Ok(None) => {
                return HttpError::new(
                    ErrorCode::InvalidToken,
                    "This is neither the receiver's admin token (see `admin-token` in its data folder) nor a live organizer token (see the back office's Organizers page).",
                )
                .into_response()
            }
            Err(e) => return HttpError::storage(e).into_response(),
        }
    };
    request.extensions_mut().insert(principal);
    next.run(request).await
}

/// Refuses (`forbidden`) unless `principal` may do `permission` on `campaign`.
fn allow(principal: &Principal, campaign: &str, permission: Permission) -> HttpResult<()> {
    if principal.may(campaign, permission) {
        return Ok(());
    }
    Err(HttpError::new(
        ErrorCode::Forbidden,
        match principal.role_on(campaign) {
            Some(role) => format!(
                "A {} of `{campaign}` may not do this; ask an owner for a token with another role.",
                role.as_str()
            ),
            None => format!("This token has no role on `{campaign}`."),
        },
    ))
}

/// Appends to the audit log.
async fn audit(
    state: &AppState,
    principal: &Principal,
    campaign: &str,
    action: AuditAction,
    detail: &str,
) -> HttpResult<()> {
    state.store.audit(&principal.actor, campaign, action, detail).await.map_err(HttpError::storage)
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

async fn list_campaigns(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Principal>,
) -> HttpResult<Response> {
    let ids: Vec<String> =
        state.store.campaign_ids().await?.into_iter().filter(|id| p.may(id, Permission::Read)).collect();
    Ok(Json(serde_json::json!({ "campaigns": ids })).into_response())
}

/// The body is the campaign's authoring source as text.
async fn import_campaign(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Principal>,
    body: String,
) -> HttpResult<Response> {
    // The campaign's id is in the source: a token may publish only to a campaign it edits.
    if let Ok(campaign) = undersigned_core::authoring::compile_str("uploaded source", &body) {
        allow(&p, &campaign.id, Permission::EditLetter)?;
    }
    let id = admin::import_campaign(&state.store, "uploaded source", &body).await?;
    audit(&state, &p, &id, AuditAction::LetterPublish, &format!("{} lines", body.lines().count())).await?;
    Ok((StatusCode::OK, Json(serde_json::json!({ "campaign": id }))).into_response())
}

async fn get_settings(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> HttpResult<Response> {
    allow(&p, &id, Permission::Read)?;
    Ok(Json(admin::campaign_settings(&state.store, &id).await?).into_response())
}

async fn put_settings(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
    body: Result<Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> HttpResult<Response> {
    allow(&p, &id, Permission::ChangeSettings)?;
    let Json(mut body) = body.map_err(bad_json)?;
    // Settings written before `confirmation` and `goal` existed (scripts of an earlier release)
    // leave them as they are instead of switching them to the default.
    if let Some(fields) = body.as_object_mut().filter(|f| !f.contains_key("confirmation") || !f.contains_key("goal")) {
        let current = admin::campaign_settings(&state.store, &id).await?;
        fields.entry("confirmation").or_insert_with(|| serde_json::json!(current.confirmation));
        fields.entry("goal").or_insert_with(|| serde_json::json!(current.goal));
    }
    let settings: CampaignSettings = serde_json::from_value(body).map_err(|e| {
        HttpError::new(ErrorCode::MalformedBody, format!("The body is not the expected settings JSON: {e}"))
    })?;
    admin::set_campaign_settings(&state.store, &id, &settings).await?;
    audit(&state, &p, &id, AuditAction::Settings, &serde_json::to_string(&settings).unwrap_or_default()).await?;
    Ok(Json(settings).into_response())
}

async fn set_status(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Principal>,
    Path((id, demand)): Path<(String, String)>,
    body: Result<Json<StatusUpdate>, axum::extract::rejection::JsonRejection>,
) -> HttpResult<Response> {
    allow(&p, &id, Permission::EditDemands)?;
    let Json(update) = body.map_err(bad_json)?;
    // The history names the script's token; the receiver's own token keeps its old name.
    let by = if matches!(p.access, Access::Everything) { "admin-api" } else { p.actor.as_str() };
    let change = admin::set_demand_status(&state.store, &id, &demand, update, by).await?;
    let audited =
        audit(&state, &p, &id, AuditAction::DemandStatus, &format!("{demand}: {}", change.demand.status.as_str()))
            .await;
    // Committed: the pump delivers it to the streams, after this answer. Woken only now, so that
    // the audit line and the answer never wait behind the fan-out to every open stream (tens of
    // thousands after a restart); woken even when the audit failed, the change being committed.
    state.live.nudge();
    audited?;
    Ok(Json(change).into_response())
}

async fn history(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Principal>,
    Path((id, demand)): Path<(String, String)>,
) -> HttpResult<Response> {
    allow(&p, &id, Permission::Read)?;
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
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<SignersQuery>,
) -> HttpResult<Response> {
    // The list carries emails: owners and moderators only.
    allow(&p, &id, Permission::SeeEmails)?;
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
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> HttpResult<Response> {
    allow(&p, &id, Permission::SeeEmails)?;
    let filter = parse_state(q.state.as_deref())?;
    let csv = admin::export_csv(&state.store, &id, filter).await?;
    let detail = format!("CSV with emails, state {}", filter.map_or("any", SignerState::as_str));
    audit(&state, &p, &id, AuditAction::SignersExport, &detail).await?;
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
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> HttpResult<Response> {
    allow(&p, &id, Permission::EraseAndImport)?;
    let csv = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => HttpError::new(
            ErrorCode::PayloadTooLarge,
            format!("The file is larger than the {MAX_IMPORT_BYTES} bytes this endpoint takes; import it with the CLI (`admin import-signers`), which has no limit, or in parts."),
        ),
        _ => HttpError::new(ErrorCode::MalformedBody, format!("The file could not be read: {}", e.body_text())),
    })?;
    let summary = admin::import_signers(&state.store, &id, "the uploaded file", &csv).await?;
    let detail = format!(
        "{} imported, {} already signed, {} repeated",
        summary.imported, summary.already_signed, summary.repeated_in_file
    );
    audit(&state, &p, &id, AuditAction::SignersImport, &detail).await?;
    Ok(Json(summary).into_response())
}

/// Mails the signers of an earlier text a request to endorse the current one: `{"queued": n}`.
async fn request_endorsement(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Principal>,
    Path(id): Path<String>,
) -> HttpResult<Response> {
    allow(&p, &id, Permission::EditLetter)?;
    let queued = admin::request_endorsement(&state.store, &id).await?;
    state.mail.notify_one();
    audit(&state, &p, &id, AuditAction::EndorsementRequested, &format!("{queued} mail(s)")).await?;
    Ok(Json(serde_json::json!({ "queued": queued })).into_response())
}

async fn approve(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Principal>,
    Path((id, signer)): Path<(String, String)>,
) -> HttpResult<Response> {
    allow(&p, &id, Permission::Moderate)?;
    let signer = signer_id(&signer)?;
    admin::moderate(&state.store, &id, signer, SignerState::Approved).await?;
    audit(&state, &p, &id, AuditAction::SignerApproved, &format!("signer {signer}")).await?;
    Ok(Json(serde_json::json!({ "signer": signer, "state": SignerState::Approved.as_str() })).into_response())
}

async fn reject(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Principal>,
    Path((id, signer)): Path<(String, String)>,
) -> HttpResult<Response> {
    allow(&p, &id, Permission::Moderate)?;
    let signer = signer_id(&signer)?;
    admin::moderate(&state.store, &id, signer, SignerState::Rejected).await?;
    audit(&state, &p, &id, AuditAction::SignerRejected, &format!("signer {signer}")).await?;
    Ok(Json(serde_json::json!({ "signer": signer, "state": SignerState::Rejected.as_str() })).into_response())
}

async fn erase(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Principal>,
    Path((id, signer)): Path<(String, String)>,
) -> HttpResult<Response> {
    allow(&p, &id, Permission::EraseAndImport)?;
    let signer = signer_id(&signer)?;
    admin::erase(&state.store, &id, signer).await?;
    audit(&state, &p, &id, AuditAction::SignerErase, &format!("signer {signer}")).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
