//! What an endpoint's answer means for a signature, and how long to wait before trying again:
//! the [`RETRY`] backoff, or the endpoint's own `Retry-After`.

use undersigned_core::api_error::{ErrorCode, FieldError};
use undersigned_core::backoff::Backoff;
use undersigned_core::json::{self, FromJson, Reader};
use undersigned_core::signature::answer::AnswerStatus;

/// The wait after the `n`th failed attempt: up to 1 s after the first, doubling to a minute while
/// the page is open, half of each wait random so that many pages failing together do not retry
/// together.
pub const RETRY: Backoff = Backoff { base: 500, max: 60_000 };
/// A `Retry-After` longer than this is capped (the signature stays in the outbox regardless).
pub const MAX_RETRY_AFTER_MS: u64 = 3_600_000;

/// A `Retry-After` header in delta-seconds, as milliseconds (capped). HTTP dates are converted by
/// the caller, which has a clock.
pub fn retry_after_ms(value: &str) -> Option<u64> {
    value.trim().parse::<u64>().ok().map(|s| s.saturating_mul(1000).min(MAX_RETRY_AFTER_MS))
}

/// The parts of a JSON answer the widget reads; anything else in it is ignored, and every part may
/// be absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnswerBody {
    /// The reference receiver's error code (`validation_failed`, …); kept as text, because the
    /// page's events pass on whatever code the endpoint sent.
    pub code: Option<String>,
    /// Its success status (`signed`, `pending`, `check_inbox`, `already_signed`; an unknown word
    /// reads as `Unrecognized`).
    pub status: Option<AnswerStatus>,
    pub message: Option<String>,
    pub fields: Vec<FieldError>,
}

impl FromJson for AnswerBody {
    fn read(r: &mut Reader<'_>) -> json::Result<AnswerBody> {
        let mut body = AnswerBody::default();
        r.object(&["code", "status", "message", "fields"], 0, &mut |r, field| {
            match field {
                0 => body.code = r.read()?,
                1 => body.status = r.read()?,
                2 => body.message = r.read()?,
                _ => body.fields = r.read()?,
            }
            Ok(())
        })?;
        Ok(body)
    }
}

/// One answer from the endpoint, as far as the browser lets us see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The request never got an answer (offline, DNS, refused connection, CORS failure, timeout).
    NetworkError,
    /// A `no-cors` answer: delivered, contents unknowable.
    Opaque,
    /// An HTTP answer; `body` is None when it was not JSON.
    Http { status: u16, retry_after_ms: Option<u64>, body: Option<AnswerBody> },
}

/// What a successful answer said (its JSON `status`): the reference receiver answers `check_inbox`
/// when the signature counts only once confirmed by mail, and never tells whether the address had
/// signed; other endpoints may answer `already_signed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acknowledged {
    Signed,
    AlreadySigned,
    CheckInbox,
}

impl Acknowledged {
    /// The acknowledgement an answer's `status` means (anything else, `pending` included: `Signed`).
    pub fn from_status(status: Option<AnswerStatus>) -> Acknowledged {
        match status {
            Some(AnswerStatus::AlreadySigned) => Acknowledged::AlreadySigned,
            Some(AnswerStatus::CheckInbox) => Acknowledged::CheckInbox,
            _ => Acknowledged::Signed,
        }
    }

    /// The word the widget's `undersigned:signed` event carries: the answer's own wire word.
    pub fn as_str(self) -> &'static str {
        match self {
            Acknowledged::Signed => AnswerStatus::Signed,
            Acknowledged::AlreadySigned => AnswerStatus::AlreadySigned,
            Acknowledged::CheckInbox => AnswerStatus::CheckInbox,
        }
        .as_str()
    }
}

/// What to do with the signature after an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Stored by the endpoint: remove it from the outbox.
    Delivered(Acknowledged),
    /// Refused for fields the visitor can correct.
    FieldErrors(Vec<FieldError>),
    /// Worth sending again, after `retry_after_ms` when the endpoint said so.
    Retry { retry_after_ms: Option<u64> },
    /// Refused for a reason the visitor cannot fix by correcting fields.
    Refused { status: u16, code: Option<String>, message: Option<String> },
}

/// The verdict for `answer`.
pub fn judge(answer: Answer) -> Verdict {
    match answer {
        Answer::NetworkError => Verdict::Retry { retry_after_ms: None },
        Answer::Opaque => Verdict::Delivered(Acknowledged::Signed),
        Answer::Http { status, retry_after_ms, body } => match status {
            200..=299 => Verdict::Delivered(Acknowledged::from_status(body.as_ref().and_then(|b| b.status))),
            _ if is_retryable(status, body.as_ref()) => Verdict::Retry { retry_after_ms },
            _ => {
                let body = body.unwrap_or_default();
                if (400..=499).contains(&status) && !body.fields.is_empty() {
                    Verdict::FieldErrors(body.fields)
                } else {
                    Verdict::Refused { status, code: body.code, message: body.message }
                }
            }
        },
    }
}

/// Whether sending the same request again can succeed: the reference receiver's code says so
/// ([`ErrorCode::is_retryable`], the one rule); an answer without a known code (another endpoint, a
/// proxy's error page) is judged by its HTTP status.
fn is_retryable(status: u16, body: Option<&AnswerBody>) -> bool {
    match body.and_then(|b| b.code.as_deref()).and_then(ErrorCode::parse) {
        Some(code) => code.is_retryable(),
        None => matches!(status, 408 | 425 | 429 | 500..=599),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use undersigned_core::api_error::FieldErrorCode;

    fn http(status: u16, body: Option<AnswerBody>) -> Answer {
        Answer::Http { status, retry_after_ms: None, body }
    }

    #[test]
    fn retries_wait_up_to_a_second_then_double_to_a_minute() {
        assert_eq!(RETRY.jittered(1, 0.0), 500);
        assert_eq!(RETRY.jittered(1, 1.0), 1_000);
        assert_eq!(RETRY.jittered(4, 0.0), 4_000);
        assert_eq!(RETRY.jittered(11, 1.0), 60_000);
        assert_eq!(RETRY.jittered(u32::MAX, 0.5), 45_000);
    }

    #[test]
    fn retry_after_is_read_in_seconds_and_capped() {
        assert_eq!(retry_after_ms(" 3 "), Some(3_000));
        assert_eq!(retry_after_ms("99999999999"), Some(MAX_RETRY_AFTER_MS));
        assert_eq!(retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn any_success_delivers_and_already_signed_is_recognised() {
        assert_eq!(judge(http(201, None)), Verdict::Delivered(Acknowledged::Signed));
        assert_eq!(judge(Answer::Opaque), Verdict::Delivered(Acknowledged::Signed));
        let inbox = AnswerBody { status: Some(AnswerStatus::CheckInbox), ..Default::default() };
        assert_eq!(judge(http(202, Some(inbox))), Verdict::Delivered(Acknowledged::CheckInbox));
        let already = AnswerBody { status: Some(AnswerStatus::AlreadySigned), ..Default::default() };
        assert_eq!(judge(http(200, Some(already))), Verdict::Delivered(Acknowledged::AlreadySigned));
    }

    #[test]
    fn transient_failures_retry_and_field_errors_go_back_to_the_form() {
        assert_eq!(judge(Answer::NetworkError), Verdict::Retry { retry_after_ms: None });
        assert_eq!(judge(http(503, None)), Verdict::Retry { retry_after_ms: None });
        let limited = Answer::Http { status: 429, retry_after_ms: Some(2_000), body: None };
        assert_eq!(judge(limited), Verdict::Retry { retry_after_ms: Some(2_000) });
        let field = FieldError { field: "email".into(), code: FieldErrorCode::InvalidEmail, message: "m".into() };
        let body = AnswerBody {
            code: Some(ErrorCode::ValidationFailed.as_str().into()),
            fields: vec![field.clone()],
            ..Default::default()
        };
        assert_eq!(judge(http(422, Some(body))), Verdict::FieldErrors(vec![field]));
        let forbidden = AnswerBody {
            code: Some(ErrorCode::OriginNotAllowed.as_str().into()),
            message: Some("no".into()),
            ..Default::default()
        };
        assert_eq!(
            judge(http(403, Some(forbidden))),
            Verdict::Refused {
                status: 403,
                code: Some(ErrorCode::OriginNotAllowed.as_str().into()),
                message: Some("no".into())
            }
        );
        assert_eq!(judge(http(302, None)), Verdict::Refused { status: 302, code: None, message: None });
    }

    #[test]
    fn the_receivers_code_decides_whether_to_retry_and_the_status_otherwise() {
        for code in ErrorCode::ALL {
            let body = AnswerBody { code: Some(code.as_str().into()), ..Default::default() };
            let retried = matches!(judge(http(code.http_status(), Some(body))), Verdict::Retry { .. });
            assert_eq!(retried, code.is_retryable(), "{code:?}");
        }
        let unknown = AnswerBody { code: Some("queue_full".into()), ..Default::default() };
        assert_eq!(judge(http(503, Some(unknown))), Verdict::Retry { retry_after_ms: None });
        let proxy = AnswerBody { message: Some("Bad gateway".into()), ..Default::default() };
        assert_eq!(judge(http(502, Some(proxy))), Verdict::Retry { retry_after_ms: None });
    }

    #[test]
    fn an_answer_body_reads_what_it_knows_and_nothing_is_required() {
        let failed = undersigned_core::api_error::ErrorCode::ValidationFailed.as_str();
        let invalid = undersigned_core::api_error::FieldErrorCode::InvalidEmail.as_str();
        let text = format!(
            r#"{{"code":"{failed}","message":"m","fields":[{{"field":"email","code":"{invalid}",
            "message":"bad"}}],"status":null,"extra":{{"a":[1]}}}}"#
        );
        let body: AnswerBody = json::from_str(&text).unwrap();
        assert_eq!(body.code.as_deref(), Some(failed));
        assert_eq!((body.status, body.message.as_deref()), (None, Some("m")));
        assert_eq!(body.fields[0].code, undersigned_core::api_error::FieldErrorCode::InvalidEmail);
        assert_eq!(json::from_str::<AnswerBody>("{}").unwrap(), AnswerBody::default());
        for bad in ["", "[]", "<html>", r#"{"fields":null}"#, r#"{"message":1}"#, r#"{"code":"x""#] {
            assert!(json::from_str::<AnswerBody>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_unknown_status_word_is_still_a_delivery() {
        let body: AnswerBody = json::from_str(r#"{"status":"queued","message":"m"}"#).unwrap();
        assert_eq!(body.status, Some(AnswerStatus::Unrecognized));
        assert_eq!(judge(http(202, Some(body))), Verdict::Delivered(Acknowledged::Signed));
    }
}
