// Every request the widget makes, in one function: the wasm then needs no bindings for Request,
// Headers, Response or AbortController (wasm weight: −1.0 KB brotli with the glue, README "History
// of the widget's weight"). `src/http.rs` is its only caller; the build folds this file into the
// wasm-bindgen glue, so a partner page downloads nothing more.
//
// A GET when `body` is null: revalidated through the browser's cache (`no-cache`). A POST of `body`
// as `contentType` otherwise, without CORS when `noCors`. Never with cookies. Aborted after
// `timeoutMs` when that is not 0. Resolves to `[status, retryAfter, text]`: status 0 for an opaque
// answer (no-CORS), `retryAfter` the header's value or null, `text` null when the body cannot be
// read. Rejects as `fetch` does (a TypeError for a network failure, an AbortError on timeout).
export function usRequest(url, body, contentType, noCors, timeoutMs) {
  const abort = new AbortController();
  const timer = timeoutMs ? setTimeout(() => abort.abort(), timeoutMs) : 0;
  const init =
    body == null
      ? { cache: 'no-cache', mode: 'cors' }
      : { method: 'POST', headers: { 'Content-Type': contentType }, body, mode: noCors ? 'no-cors' : 'cors' };
  return fetch(url, { ...init, credentials: 'omit', signal: abort.signal })
    .then(async (r) =>
      r.type === 'opaque' ? [0, null, null] : [r.status, r.headers.get('Retry-After'), await r.text().catch(() => null)],
    )
    .finally(() => clearTimeout(timer));
}
