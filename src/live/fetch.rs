//! Fetching a feed as text, revalidated through the browser's HTTP cache.
//!
//! Requests use `cache: "no-cache"`: the browser revalidates its cached copy on every request,
//! adding `If-None-Match` (and `If-Modified-Since`) itself, and turns a `304 Not Modified` into the
//! cached response. Setting `If-None-Match` by hand would do the same for a same-origin feed but
//! make every cross-origin request non-simple, and a static host that does not answer CORS
//! preflights (most do not) would then break the widget. Credentials are never sent: every feed is
//! public.

/// Why a fetch gave no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// No response: offline, DNS, CORS refused, connection reset.
    Network(String),
    /// A response that is not a success.
    Status(u16),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Network(reason) => write!(f, "network error: {reason}"),
            FetchError::Status(code) => write!(f, "HTTP status {code}"),
        }
    }
}

/// GETs `url` and returns the body as text.
pub async fn fetch_text(url: &str) -> Result<String, FetchError> {
    let answered = crate::http::request(url, None, "", false, 0)
        .await
        .map_err(|e| FetchError::Network(super::browser::js_reason(&e)))?;
    if !(200..300).contains(&answered.status) {
        return Err(FetchError::Status(answered.status));
    }
    answered.text.ok_or_else(|| FetchError::Network("the body is not text".into()))
}
