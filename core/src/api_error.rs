//! The JSON error body every receiver endpoint answers with, shared with the widget so that both
//! sides agree on the machine codes:
//!
//! ```json
//! { "code": "validation_failed",
//!   "message": "Some fields need attention.",
//!   "fields": [ { "field": "email", "code": "invalid_email", "message": "Enter an email address such as name@example.org." } ] }
//! ```
//!
//! `code` is stable (clients branch on it); `message` is for people and may change. `fields` is
//! present (possibly empty) on every error; `validation_failed` and `invalid_campaign_source` fill
//! it, each entry with a [`FieldErrorCode`]. The table of codes,
//! with their HTTP statuses and what a client should do, is [`ErrorCode`] and docs/receiver.md.

use crate::json::{self, FromJson, Reader};
use serde::{Deserialize, Serialize};

/// Every machine code the receiver answers with. Serialized in `snake_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not the JSON (or form) it claims to be. Do not retry unchanged.
    MalformedBody,
    /// 400: a query parameter or header has an impossible value.
    InvalidRequest,
    /// 401: an admin endpoint was called without `Authorization: Bearer …`.
    MissingToken,
    /// 401: the bearer token is not the receiver's admin token.
    InvalidToken,
    /// 403: the request's `Origin` is not on this campaign's list of partner sites.
    OriginNotAllowed,
    /// 403: the organizer's role on this campaign does not allow this (a viewer asking for emails,
    /// an editor moderating), or a change came from another site (no CSRF token, foreign `Origin`).
    Forbidden,
    /// 404: no campaign with this id on this receiver.
    UnknownCampaign,
    /// 404: the campaign has no demand with this id.
    UnknownDemand,
    /// 404: no signer with this id in this campaign.
    UnknownSigner,
    /// 404: no endpoint at this path.
    NotFound,
    /// 405: the endpoint exists but not with this method.
    MethodNotAllowed,
    /// 409: this idempotency key was already used for a different submission.
    IdempotencyKeyReused,
    /// 413: the body is larger than the receiver accepts.
    PayloadTooLarge,
    /// 415: the `Content-Type` is not one of the accepted encodings.
    UnsupportedMediaType,
    /// 422: one or more fields are invalid; see `fields`.
    ValidationFailed,
    /// 422: an uploaded campaign source does not compile; `fields` name the lines.
    InvalidCampaignSource,
    /// 429: too many requests from this client; wait `Retry-After` seconds.
    RateLimited,
    /// 503: the database is unreachable or busy; retry later with the same idempotency key.
    StorageUnavailable,
    /// 503: this receiver is at its limit of open event streams; wait `Retry-After` seconds (or
    /// poll the status feed meanwhile).
    Busy,
    /// 500: a bug; the receiver's log has the details.
    Internal,
}

impl ErrorCode {
    /// Every code, in the order of the documentation table.
    pub const ALL: [ErrorCode; 20] = [
        ErrorCode::MalformedBody,
        ErrorCode::InvalidRequest,
        ErrorCode::MissingToken,
        ErrorCode::InvalidToken,
        ErrorCode::OriginNotAllowed,
        ErrorCode::Forbidden,
        ErrorCode::UnknownCampaign,
        ErrorCode::UnknownDemand,
        ErrorCode::UnknownSigner,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::IdempotencyKeyReused,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::ValidationFailed,
        ErrorCode::InvalidCampaignSource,
        ErrorCode::RateLimited,
        ErrorCode::StorageUnavailable,
        ErrorCode::Busy,
        ErrorCode::Internal,
    ];

    /// The wire name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedBody => "malformed_body",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::MissingToken => "missing_token",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::OriginNotAllowed => "origin_not_allowed",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::UnknownCampaign => "unknown_campaign",
            ErrorCode::UnknownDemand => "unknown_demand",
            ErrorCode::UnknownSigner => "unknown_signer",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::IdempotencyKeyReused => "idempotency_key_reused",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::InvalidCampaignSource => "invalid_campaign_source",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::StorageUnavailable => "storage_unavailable",
            ErrorCode::Busy => "busy",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status that carries this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::MalformedBody | ErrorCode::InvalidRequest => 400,
            ErrorCode::MissingToken | ErrorCode::InvalidToken => 401,
            ErrorCode::OriginNotAllowed | ErrorCode::Forbidden => 403,
            ErrorCode::UnknownCampaign | ErrorCode::UnknownDemand | ErrorCode::UnknownSigner | ErrorCode::NotFound => {
                404
            }
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::IdempotencyKeyReused => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::ValidationFailed | ErrorCode::InvalidCampaignSource => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::StorageUnavailable | ErrorCode::Busy => 503,
            ErrorCode::Internal => 500,
        }
    }

    /// Whether sending the same request again later can succeed (the widget's outbox keeps it).
    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorCode::RateLimited | ErrorCode::StorageUnavailable | ErrorCode::Busy | ErrorCode::Internal)
    }

    /// The code with this wire name (None for a code this version does not know).
    pub fn parse(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|code| code.as_str() == name)
    }
}

/// What is wrong with one field: a stable machine code (the widget and the receiver's pages show a
/// translated message chosen by it), next to an English message. Serialized in `snake_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    /// A field this kind of signer must fill in is empty.
    Required,
    /// Longer than [`crate::signature::limits::max_chars`].
    TooLong,
    /// Not an email address by the HTML rule.
    InvalidEmail,
    /// `kind` is neither `organization` nor `individual`.
    InvalidKind,
    /// Not an ISO 3166-1 alpha-2 code.
    InvalidCountry,
    /// The idempotency key is not a UUID.
    InvalidIdempotencyKey,
    /// The campaign id is not `[a-z0-9-]{1,64}`.
    InvalidCampaign,
    /// An organization's website is not an http(s) URL or a bare domain
    /// ([`crate::signature::website`]).
    InvalidWebsite,
    /// A line of an uploaded campaign source does not compile (`field` is `line N`).
    InvalidSource,
    /// A value of a demand's status change breaks the status feed's rules (the message says which).
    Invalid,
    /// A row of a signer import has another number of cells than the header has columns, or
    /// cannot be stored.
    InvalidRow,
    /// A checkbox cell of a signer import is neither true nor false.
    InvalidFlag,
    /// The `state` cell of a signer import is not a moderation state.
    InvalidState,
    /// A timestamp cell of a signer import is not an RFC 3339 UTC timestamp.
    InvalidTimestamp,
    /// A code this version does not know (from a newer receiver or another endpoint): clients read
    /// it and show the answer's own message; the receiver never sends it.
    #[serde(other)]
    Unrecognized,
}

impl FieldErrorCode {
    /// Every code the receiver sends, in the order of the documentation.
    pub const ALL: [FieldErrorCode; 14] = [
        FieldErrorCode::Required,
        FieldErrorCode::TooLong,
        FieldErrorCode::InvalidEmail,
        FieldErrorCode::InvalidKind,
        FieldErrorCode::InvalidCountry,
        FieldErrorCode::InvalidIdempotencyKey,
        FieldErrorCode::InvalidCampaign,
        FieldErrorCode::InvalidWebsite,
        FieldErrorCode::InvalidSource,
        FieldErrorCode::Invalid,
        FieldErrorCode::InvalidRow,
        FieldErrorCode::InvalidFlag,
        FieldErrorCode::InvalidState,
        FieldErrorCode::InvalidTimestamp,
    ];

    /// The wire name (`required`, `too_long`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            FieldErrorCode::Required => "required",
            FieldErrorCode::TooLong => "too_long",
            FieldErrorCode::InvalidEmail => "invalid_email",
            FieldErrorCode::InvalidKind => "invalid_kind",
            FieldErrorCode::InvalidCountry => "invalid_country",
            FieldErrorCode::InvalidIdempotencyKey => "invalid_idempotency_key",
            FieldErrorCode::InvalidCampaign => "invalid_campaign",
            FieldErrorCode::InvalidWebsite => "invalid_website",
            FieldErrorCode::InvalidSource => "invalid_source",
            FieldErrorCode::Invalid => "invalid",
            FieldErrorCode::InvalidRow => "invalid_row",
            FieldErrorCode::InvalidFlag => "invalid_flag",
            FieldErrorCode::InvalidState => "invalid_state",
            FieldErrorCode::InvalidTimestamp => "invalid_timestamp",
            FieldErrorCode::Unrecognized => "unrecognized",
        }
    }
}

impl std::fmt::Display for FieldErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One invalid field of a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's wire name (as in the submission), or `line N` for a campaign source.
    pub field: String,
    /// A stable machine code for the problem.
    pub code: FieldErrorCode,
    /// What is wrong and what to do, for people.
    pub message: String,
}

/// Read by the widget without serde (see `json`): a code it does not know is `Unrecognized`.
impl FromJson for FieldErrorCode {
    fn read(r: &mut Reader<'_>) -> json::Result<FieldErrorCode> {
        r.word(&FieldErrorCode::ALL, FieldErrorCode::as_str, Some(FieldErrorCode::Unrecognized))
    }
}

/// Read by the widget without serde (see `json`).
impl FromJson for FieldError {
    fn read(r: &mut Reader<'_>) -> json::Result<FieldError> {
        const FIELDS: [&str; 3] = ["field", "code", "message"];
        let mut error = FieldError { field: String::new(), code: FieldErrorCode::Unrecognized, message: String::new() };
        r.object(&FIELDS, 3, &mut |r, index| {
            match index {
                0 => error.field = r.string()?,
                1 => error.code = r.read()?,
                _ => error.message = r.string()?,
            }
            Ok(())
        })?;
        Ok(error)
    }
}

/// The error body of every receiver endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default)]
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into(), fields: Vec::new() }
    }

    pub fn with_fields(mut self, fields: Vec<FieldError>) -> ApiError {
        self.fields = fields;
        self
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.as_str()));
            assert!(seen.insert(code.as_str()), "duplicate code {}", code.as_str());
            assert!((400..600).contains(&code.http_status()));
        }
    }

    #[test]
    fn body_round_trips_with_fields_defaulting_to_empty() {
        let parsed: ApiError = serde_json::from_str(r#"{"code":"rate_limited","message":"slow down"}"#).unwrap();
        assert_eq!(parsed, ApiError::new(ErrorCode::RateLimited, "slow down"));
        let body =
            serde_json::to_value(ApiError::new(ErrorCode::ValidationFailed, "m").with_fields(vec![FieldError {
                field: "email".into(),
                code: FieldErrorCode::Required,
                message: "Enter your email.".into(),
            }]))
            .unwrap();
        assert_eq!(body["fields"][0]["field"], "email");
        assert_eq!(body["fields"][0]["code"], FieldErrorCode::Required.as_str());
    }

    #[test]
    fn field_codes_match_serde_and_unknown_ones_still_parse() {
        let mut seen = std::collections::HashSet::new();
        for code in FieldErrorCode::ALL {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.as_str()));
            assert!(seen.insert(code.as_str()), "duplicate code {}", code.as_str());
        }
        let newer: FieldError =
            serde_json::from_str(r#"{"field":"email","code":"from_the_future","message":"m"}"#).unwrap();
        assert_eq!(newer.code, FieldErrorCode::Unrecognized, "a newer code keeps the answer readable");
    }

    #[test]
    fn codes_parse_from_their_wire_names_only() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::parse("Rate_Limited"), None);
    }
}
