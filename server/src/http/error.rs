//! The one error type of every handler: core's [`ApiError`] body with its HTTP status, plus a
//! `Retry-After` when the client should wait. Store failures (a database or file error anywhere in
//! the cause chain) become `storage_unavailable` (503, retry shortly); any other unexpected error,
//! such as a serialization bug, is `internal` (500), not dressed up as a passing outage. Both are
//! logged with their cause; the client sees no internals.

use crate::domain::StorageFailure;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use undersigned_core::api_error::{ApiError, ErrorCode, FieldError};

#[derive(Debug)]
pub struct HttpError {
    pub body: ApiError,
    pub retry_after_secs: Option<u64>,
}

pub type HttpResult<T> = Result<T, HttpError>;

impl HttpError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> HttpError {
        HttpError { body: ApiError::new(code, message), retry_after_secs: None }
    }

    pub fn fields(code: ErrorCode, message: impl Into<String>, fields: Vec<FieldError>) -> HttpError {
        HttpError { body: ApiError::new(code, message).with_fields(fields), retry_after_secs: None }
    }

    pub fn unknown_campaign(id: &str) -> HttpError {
        HttpError::new(
            ErrorCode::UnknownCampaign,
            format!("There is no campaign `{id}` on this receiver; check the widget's campaign id."),
        )
    }

    pub fn rate_limited(retry_after_secs: u64) -> HttpError {
        HttpError {
            body: ApiError::new(
                ErrorCode::RateLimited,
                format!("Too many requests from your address; try again in {retry_after_secs} s."),
            ),
            retry_after_secs: Some(retry_after_secs),
        }
    }

    /// A database failure: logged here with its cause, answered as retryable.
    pub fn storage(error: anyhow::Error) -> HttpError {
        tracing::error!(error = format!("{error:#}"), "database operation failed");
        HttpError {
            body: ApiError::new(
                ErrorCode::StorageUnavailable,
                "The receiver cannot reach its database right now; try again in a minute.",
            ),
            retry_after_secs: Some(5),
        }
    }

    /// A bug or an unexpected state: logged with its cause, answered as a server error.
    pub fn internal(error: anyhow::Error) -> HttpError {
        tracing::error!(error = format!("{error:#}"), "request failed on an unexpected error");
        HttpError::new(ErrorCode::Internal, "The receiver failed on an unexpected error; try again later.")
    }
}

/// The store's failures are database or file errors; anything else reaching a handler is a bug.
impl From<anyhow::Error> for HttpError {
    fn from(error: anyhow::Error) -> HttpError {
        if error
            .chain()
            .any(|cause| cause.is::<sqlx::Error>() || cause.is::<std::io::Error>() || cause.is::<StorageFailure>())
        {
            HttpError::storage(error)
        } else {
            HttpError::internal(error)
        }
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.body.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self.body)).into_response();
        if let Some(secs) = self.retry_after_secs {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Answers unknown paths with `not_found` in the JSON shape (under `/api/`).
pub async fn api_not_found() -> HttpError {
    HttpError::new(ErrorCode::NotFound, "There is no endpoint at this path; see docs/receiver.md for the API.")
}

/// Answers a known path with the wrong method with `method_not_allowed` in the JSON shape.
pub async fn method_not_allowed() -> HttpError {
    HttpError::new(
        ErrorCode::MethodNotAllowed,
        "This endpoint does not take this method; see docs/receiver.md for the API.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_failures_are_retryable_outages_and_bugs_are_server_errors() {
        let outage = HttpError::from(anyhow::Error::new(sqlx::Error::PoolTimedOut).context("reading a campaign"));
        assert_eq!((outage.body.code, outage.retry_after_secs), (ErrorCode::StorageUnavailable, Some(5)));
        let writer = HttpError::from(anyhow::Error::new(StorageFailure("disk I/O error".to_owned())));
        assert_eq!(writer.body.code, ErrorCode::StorageUnavailable);
        let bug = serde_json::from_str::<u32>("not json").map_err(anyhow::Error::new).unwrap_err();
        let bug = HttpError::from(bug.context("serializing an answer"));
        assert_eq!((bug.body.code, bug.retry_after_secs), (ErrorCode::Internal, None));
        assert_eq!(bug.body.code.http_status(), 500);
    }
}
