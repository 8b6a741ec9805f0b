//! Every request the widget makes goes through one small JavaScript function, `src/js/http.js`
//! (`usRequest`), instead of web-sys's `Request`, `Headers`, `Response` and `AbortController`
//! bindings: 1.0 KB brotli less for partner pages (README, "History of the widget's weight"). The
//! build folds that file into the wasm-bindgen glue (`xtask/src/build.rs`).

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/js/http.js")]
extern "C" {
    #[wasm_bindgen(js_name = usRequest)]
    fn us_request(url: &str, body: Option<&str>, content_type: &str, no_cors: bool, timeout_ms: u32)
        -> js_sys::Promise;
}

/// What came back: `status` 0 for an opaque (no-CORS) answer, which has nothing else to read.
pub struct Answered {
    pub status: u16,
    /// The `Retry-After` header as sent.
    pub retry_after: Option<String>,
    /// The body, when it could be read as text.
    pub text: Option<String>,
}

/// A POST of `body` as `content_type` (without CORS when `no_cors`), or a GET when `body` is None;
/// never with cookies; aborted after `timeout_ms` unless that is 0. Err carries what the browser
/// rejected the request with (a `TypeError` for a network failure, an `AbortError` on timeout).
pub async fn request(
    url: &str,
    body: Option<&str>,
    content_type: &str,
    no_cors: bool,
    timeout_ms: u32,
) -> Result<Answered, JsValue> {
    let answer: js_sys::Array = JsFuture::from(us_request(url, body, content_type, no_cors, timeout_ms)).await?.into();
    Ok(Answered {
        status: answer.get(0).as_f64().map_or(0, |s| s as u16),
        retry_after: answer.get(1).as_string(),
        text: answer.get(2).as_string(),
    })
}
