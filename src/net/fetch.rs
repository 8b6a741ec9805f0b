//! One request to the endpoint, and what came back as far as the browser lets us see.

use super::encoding::{self, FieldMap};
use super::outbox::OutboxEntry;
use super::retry::{retry_after_ms, Answer, AnswerBody};
use wasm_bindgen::JsCast;

/// A request that has not answered after this long counts as a network error (and is retried).
pub const TIMEOUT_MS: u32 = 20_000;

/// Sends `entry` once. Err means the request cannot even be made (an invalid endpoint URL or
/// field map): retrying would not help.
pub async fn send(entry: &OutboxEntry) -> Result<Answer, String> {
    let map: FieldMap = entry.field_map.parse()?;
    let body = encoding::body(entry.encoding, &entry.submission, &map);
    // No cookies (`http.js`): the endpoint learns only what the visitor typed.
    let answered = match crate::http::request(
        &entry.endpoint,
        Some(&body),
        entry.encoding.content_type(),
        entry.no_cors,
        TIMEOUT_MS,
    )
    .await
    {
        Ok(answered) => answered,
        Err(error) => {
            // A TypeError is a network or CORS failure, a DOMException the timeout; anything else
            // is final.
            if error.is_instance_of::<js_sys::TypeError>() || error.is_instance_of::<web_sys::DomException>() {
                return Ok(Answer::NetworkError);
            }
            return Err(format!("the endpoint `{}` cannot be requested", entry.endpoint));
        }
    };
    if answered.status == 0 {
        return Ok(Answer::Opaque);
    }
    let retry_after = answered.retry_after.and_then(|v| {
        retry_after_ms(&v).or_else(|| {
            // An HTTP date: the wait is that moment minus now.
            let at = js_sys::Date::parse(&v);
            (at.is_finite())
                .then(|| (at - js_sys::Date::now()).max(0.0) as u64)
                .map(|ms| ms.min(super::retry::MAX_RETRY_AFTER_MS))
        })
    });
    let body = answered.text;
    let body = body.and_then(|text| undersigned_core::json::from_str::<AnswerBody>(&text).ok());
    Ok(Answer::Http { status: answered.status, retry_after_ms: retry_after, body })
}
