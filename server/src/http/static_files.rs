//! Static folders (`--static PREFIX=DIR`): the widget package (`/pkg=pkg`) and the demo pages,
//! served so that a partner page on ANY origin can load them.
//!
//! - `Access-Control-Allow-Origin: *` and `Cross-Origin-Resource-Policy: cross-origin`: a module
//!   script and the wasm it fetches are CORS requests from the partner's origin; a partner page
//!   with `Cross-Origin-Embedder-Policy` also needs the resource policy. The files are public and
//!   no credentials are involved, so `*` is right.
//! - Compression: the files' `.br` and `.gz` siblings, written by `cargo xtask build`, are sent
//!   to browsers that accept them (`Vary: Accept-Encoding`); nothing is compressed per request.
//! - Caching: a content-hashed name (`undersigned.3f2a9c0d1e4b5a67.js`, `pkg/cdn/`) never changes
//!   content, so it is `immutable` for a year; every other file (the loader `undersigned.js` that
//!   snippets name) is revalidated on each use (`no-cache`) with a weak `ETag`, so a new release
//!   reaches partner pages at once and an unchanged one costs a 304.
//! - Content types come from the file extension (`application/wasm` for `.wasm`, which
//!   `WebAssembly.instantiateStreaming` requires), with `X-Content-Type-Options: nosniff`.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// `Cache-Control` of a file whose name carries the hash of its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of every other file: use the cached copy only after revalidating it.
pub const REVALIDATE: &str = "no-cache";

/// Whether the last path segment has the `name.<16 hex digits>.ext` shape of `pkg/cdn/` files.
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut parts = name.split('.');
    let _stem = parts.next();
    parts.any(|p| p.len() == 16 && p.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        && name.matches('.').count() >= 2
}

/// A weak validator from what describes the file as sent: its modification time, its length and
/// its encoding (a brotli and a gzip copy are different bytes, so different tags).
fn weak_etag(headers: &HeaderMap) -> Option<HeaderValue> {
    let modified = headers.get(header::LAST_MODIFIED)?.as_bytes();
    let length = headers.get(header::CONTENT_LENGTH)?.as_bytes();
    let encoding = headers.get(header::CONTENT_ENCODING).map_or(&b"identity"[..], |v| v.as_bytes());
    let mut hash = Sha256::new();
    for part in [modified, length, encoding] {
        hash.update(part);
        hash.update([0]);
    }
    let hex: String = hash.finalize().iter().take(10).map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&format!("W/\"{hex}\"")).ok()
}

/// Whether `If-None-Match` lists `etag` (weak comparison, as RFC 9110 prescribes for it).
fn none_match_hits(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    let (Ok(list), Ok(ours)) = (if_none_match.to_str(), etag.to_str()) else { return false };
    list.split(',').any(|tag| tag.trim() == "*" || bare(tag) == bare(ours))
}

/// The headers every static file carries, whatever its status.
fn add_sharing_headers(headers: &mut HeaderMap, path: &str) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("ETag"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let cache = if is_content_hashed(path) { IMMUTABLE } else { REVALIDATE };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
}

/// Middleware around a static folder or file (see the module doc).
pub async fn for_any_origin(mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if request.method() == Method::OPTIONS {
        // No widget request needs a preflight, but a partner's own tooling may ask.
        let mut response = StatusCode::NO_CONTENT.into_response();
        add_sharing_headers(response.headers_mut(), &path);
        response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    // `If-None-Match` wins over `If-Modified-Since` (RFC 9110 13.2.2); without this the file
    // service could answer 304 on the date alone, before the tag is known.
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    if if_none_match.is_some() {
        request.headers_mut().remove(header::IF_MODIFIED_SINCE);
    }
    let mut response = next.run(request).await;
    if response.status() == StatusCode::OK {
        if let Some(etag) = weak_etag(response.headers()) {
            if if_none_match.as_ref().is_some_and(|v| none_match_hits(v, &etag)) {
                let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
                not_modified.headers_mut().insert(header::ETAG, etag);
                add_sharing_headers(not_modified.headers_mut(), &path);
                return not_modified;
            }
            response.headers_mut().insert(header::ETAG, etag);
        }
        // `.d.ts` is not an MPEG transport stream, whatever the extension table says.
        if path.ends_with(".ts") {
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
        }
    }
    add_sharing_headers(response.headers_mut(), &path);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_with_a_content_hash_are_immutable() {
        assert!(is_content_hashed("/pkg/cdn/undersigned.3f2a9c0d1e4b5a67.js"));
        assert!(is_content_hashed("/cdn/undersigned_wasm_bg.0123456789abcdef.wasm"));
        assert!(!is_content_hashed("/pkg/undersigned.js"));
        assert!(!is_content_hashed("/pkg/undersigned_wasm_bg.wasm"));
        assert!(!is_content_hashed("/pkg/cdn/snippet.html"));
        assert!(!is_content_hashed("/x/0123456789abcdef"), "a bare hex name has no extension");
        assert!(!is_content_hashed("/x/a.0123456789ABCDEF.js"), "our hashes are lower-case");
    }

    #[test]
    fn etags_differ_by_encoding_and_match_weakly() {
        let mut plain = HeaderMap::new();
        plain.insert(header::LAST_MODIFIED, HeaderValue::from_static("Sat, 28 Nov 2026 04:00:00 GMT"));
        plain.insert(header::CONTENT_LENGTH, HeaderValue::from_static("1000"));
        let mut brotli = plain.clone();
        brotli.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
        let (a, b) = (weak_etag(&plain).expect("tag"), weak_etag(&brotli).expect("tag"));
        assert_ne!(a, b);
        assert!(a.to_str().expect("ascii").starts_with("W/\""));
        assert!(none_match_hits(&a, &a));
        let strong = HeaderValue::from_str(a.to_str().expect("ascii").trim_start_matches("W/")).expect("valid");
        assert!(none_match_hits(&strong, &a));
        assert!(!none_match_hits(&b, &a));
        assert!(none_match_hits(&HeaderValue::from_static("*"), &a));
    }
}
