//! One request to the endpoint, and what came back as far as the browser lets us see.

use super::encoding::{self, FieldMap};
use super::outbox::OutboxEntry;
use super::retry::{retry_after_ms, Answer, AnswerBody};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestCredentials, RequestInit, RequestMode, Response, ResponseType};

/// A request that has not answered after this long counts as a network error (and is retried).
pub const TIMEOUT_MS: u32 = 20_000;

/// Sends `entry` once. Err means the request cannot even be made (an invalid endpoint URL or
/// field map): retrying would not help.
pub async fn send(entry: &OutboxEntry) -> Result<Answer, String> {
    let map: FieldMap = entry.field_map.parse()?;
    let body = encoding::body(entry.encoding, &entry.submission, &map);
    let window = web_sys::window().ok_or("no window")?;

    let init = RequestInit::new();
    init.set_method("POST");
    // No cookies: the endpoint learns only what the visitor typed.
    init.set_credentials(RequestCredentials::Omit);
    init.set_mode(if entry.no_cors { RequestMode::NoCors } else { RequestMode::Cors });
    let headers = web_sys::Headers::new().map_err(|_| "headers")?;
    headers.set("Content-Type", entry.encoding.content_type()).map_err(|_| "content type")?;
    init.set_headers(&headers);
    init.set_body(&body.into());
    let controller = AbortController::new().ok();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let _timeout = controller.map(|c| gloo::timers::callback::Timeout::new(TIMEOUT_MS, move || c.abort()));

    let promise = window.fetch_with_str_and_init(&entry.endpoint, &init);
    let response: Response = match JsFuture::from(promise).await {
        Ok(value) => value.unchecked_into(),
        Err(error) => {
            // A TypeError is a network or CORS failure; anything else (a malformed URL) is final.
            if error.is_instance_of::<js_sys::TypeError>() || error.is_instance_of::<web_sys::DomException>() {
                return Ok(Answer::NetworkError);
            }
            return Err(format!("the endpoint `{}` cannot be requested", entry.endpoint));
        }
    };
    if response.type_() == ResponseType::Opaque {
        return Ok(Answer::Opaque);
    }
    let status = response.status();
    let retry_after = response.headers().get("Retry-After").ok().flatten().and_then(|v| {
        retry_after_ms(&v).or_else(|| {
            // An HTTP date: the wait is that moment minus now.
            let at = js_sys::Date::parse(&v);
            (at.is_finite())
                .then(|| (at - js_sys::Date::now()).max(0.0) as u64)
                .map(|ms| ms.min(super::retry::MAX_RETRY_AFTER_MS))
        })
    });
    let body = match response.text() {
        Ok(promise) => JsFuture::from(promise).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    };
    let body = body.and_then(|text| undersigned_core::json::from_str::<AnswerBody>(&text).ok());
    Ok(Answer::Http { status, retry_after_ms: retry_after, body })
}
