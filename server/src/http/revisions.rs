//! The letter's revisions in the public API (docs/receiver.md, "Letter revisions"):
//!
//! - `GET /api/campaigns/{id}/revisions`: every revision (number, hash, date), oldest first.
//! - `GET /api/campaigns/{id}/revisions/{n}?compare=m`: revision `n` with its text and what changed
//!   since revision `m` (default: the one before it), as lines removed and added with the changed
//!   words marked.

use super::error::{HttpError, HttpResult};
use super::origin;
use super::state::AppState;
use crate::revisions::{self, DiffLine, Revision};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use undersigned_core::api_error::ErrorCode;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/campaigns/{id}/revisions", get(list))
        .route("/api/campaigns/{id}/revisions/{number}", get(one))
        .layer(axum::middleware::from_fn(origin::public_read))
}

/// `GET …/revisions`.
#[derive(Debug, serde::Serialize)]
pub struct RevisionList {
    pub campaign: String,
    /// The current revision's number.
    pub current: u32,
    pub revisions: Vec<Revision>,
}

/// `GET …/revisions/{n}`.
#[derive(Debug, serde::Serialize)]
pub struct RevisionDetail {
    pub campaign: String,
    #[serde(flatten)]
    pub revision: Revision,
    pub current: bool,
    /// The endorsed text (server/src/revisions.rs says what it holds).
    pub text: String,
    /// The revision `changes` compares with; absent for the first revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared_with: Option<u32>,
    /// Groups of changed lines, each removed and added line with its changed words marked.
    pub changes: Vec<Vec<DiffLine>>,
}

async fn list(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> HttpResult<Response> {
    let revisions = state.store.revisions(&id).await?;
    let Some(current) = revisions.last().map(|r| r.number) else {
        return Err(HttpError::unknown_campaign(&id));
    };
    Ok(Json(RevisionList { campaign: id, current, revisions }).into_response())
}

#[derive(Debug, serde::Deserialize)]
struct CompareQuery {
    compare: Option<u32>,
}

fn unknown_revision(id: &str, number: u32) -> HttpError {
    HttpError::new(
        ErrorCode::NotFound,
        format!("Campaign `{id}` has no revision {number}; GET /api/campaigns/{id}/revisions lists them."),
    )
}

async fn one(
    State(state): State<Arc<AppState>>,
    Path((id, number)): Path<(String, u32)>,
    Query(q): Query<CompareQuery>,
) -> HttpResult<Response> {
    let detail = detail(&state, &id, number, q.compare).await?;
    Ok(Json(detail).into_response())
}

/// Revision `number` of `id` with the changes since `compare` (default: the revision before).
pub async fn detail(state: &AppState, id: &str, number: u32, compare: Option<u32>) -> HttpResult<RevisionDetail> {
    let current = state.store.current_revision(id).await?.ok_or_else(|| HttpError::unknown_campaign(id))?;
    let (revision, text) = state.store.revision_text(id, number).await?.ok_or_else(|| unknown_revision(id, number))?;
    let compared_with = compare.or_else(|| number.checked_sub(1).filter(|n| *n > 0));
    let changes = match compared_with {
        Some(other) => {
            let (_, old) = state.store.revision_text(id, other).await?.ok_or_else(|| unknown_revision(id, other))?;
            revisions::diff(&old, &text)
        }
        None => Vec::new(),
    };
    Ok(RevisionDetail {
        campaign: id.to_string(),
        current: revision.number == current.number,
        revision,
        text,
        compared_with,
        changes,
    })
}
