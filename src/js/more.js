// The wasm in two parts (`xtask/src/build/split.rs`): the functions a page runs while it loads and
// a visitor types make the module the loader fetches; the rest (sending a signature, the error
// paths, the signer list's other pages, …) make `undersigned_wasm_more.wasm`, which a partner
// page downloads only when it needs it. The build writes this file into the wasm-bindgen glue, in
// the scope of the glue's `wasm` (the first module's exports).
//
// In the first module each function of the second is a placeholder import, named by its slot in
// the shared function table. Calling one loads the second module at once, whose instantiation
// writes the real functions into their slots, then calls the real one with the same arguments. The
// loader asks for the second module in the background on the visitor's first interaction with a
// widget (`usLoadMore`), so the synchronous request is the rare case. A wasm built without the
// split (the wasm-bindgen tests, the bench's counter) imports no placeholder and runs none of this.

let usMoreUrl = new URL('undersigned_wasm_more.wasm', import.meta.url);
let usMoreIntegrity = '';
/** 0: not asked for, 1: on its way in the background, 2: in place. */
let usMore = 0;

/** Where the second module is, and its `sha256-…` integrity (the loader's, for a CDN release). */
export function usMoreFrom(url, integrity) {
  usMoreUrl = url;
  usMoreIntegrity = integrity;
}
function usPlaceholders() {
  return new Proxy(
    {},
    {
      get:
        (_, slot) =>
        (...args) => {
          usLoadMoreNow();
          return wasm.table.get(+slot)(...args);
        },
    },
  );
}

function usPlaceMore(module) {
  if (usMore !== 2) {
    new WebAssembly.Instance(module, { primary: wasm });
    usMore = 2;
  }
}

/** Whether every function of the wasm is in place (always, for a wasm built without the split). */
export function usMoreReady() {
  return usMore === 2 || !wasm?.table;
}

/** The second module, fetched and compiled in the background: resolves once it is in place,
 * rejects when it cannot be fetched (offline); a later call tries again. */
export function usLoadMore() {
  if (usMoreReady()) return Promise.resolve();
  if (usMore === 1) return usMorePending;
  usMore = 1;
  const init = usMoreIntegrity ? { integrity: usMoreIntegrity, mode: 'cors', credentials: 'omit' } : {};
  usMorePending = fetch(usMoreUrl, init)
    .then((response) => {
      if (!response.ok) throw new Error(`it answered ${response.status}`);
      return response.arrayBuffer();
    })
    .then((bytes) => WebAssembly.compile(bytes))
    .then(usPlaceMore, (error) => {
      if (usMore === 1) usMore = 0;
      throw error;
    });
  return usMorePending;
}
let usMorePending = null;

function usLoadMoreNow() {
  if (usMore === 2) return;
  const request = new XMLHttpRequest();
  request.open('GET', usMoreUrl, false);
  // A synchronous request cannot ask for an ArrayBuffer: bytes as text, one per character.
  request.overrideMimeType('text/plain; charset=x-user-defined');
  request.send();
  if (request.status !== 200) throw new Error(`undersigned: ${usMoreUrl} answered ${request.status}`);
  const text = request.responseText;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  // A synchronous request takes no `integrity`: the bytes are checked here instead.
  if (usMoreIntegrity && `sha256-${usSha256(bytes)}` !== usMoreIntegrity) {
    throw new Error(`undersigned: ${usMoreUrl} does not match its integrity`);
  }
  usPlaceMore(new WebAssembly.Module(bytes));
}

/** SHA-256 of `bytes`, in base64 (FIPS 180-4; WebCrypto's digest is asynchronous only). */
function usSha256(bytes) {
  const k = [];
  const h = [];
  for (let n = 2, found = 0; found < 64; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false;
    if (!prime) continue;
    if (found < 8) h[found] = ((n ** (1 / 2) % 1) * 2 ** 32) | 0;
    k[found++] = ((n ** (1 / 3) % 1) * 2 ** 32) | 0;
  }
  const length = ((bytes.length + 72) >> 6) << 6;
  const padded = new Uint8Array(length);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(length - 8, Math.floor(bytes.length / 2 ** 29));
  view.setUint32(length - 4, bytes.length << 3);
  const w = new Int32Array(64);
  const rotate = (x, n) => (x >>> n) | (x << (32 - n));
  for (let block = 0; block < length; block += 64) {
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      if (i < 16) w[i] = view.getInt32(block + i * 4);
      else {
        const s0 = rotate(w[i - 15], 7) ^ rotate(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rotate(w[i - 2], 17) ^ rotate(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      const t1 = (hh + (rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i]) | 0;
      const t2 = ((rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      [hh, g, f, e, d, c, b, a] = [g, f, e, (d + t1) | 0, c, b, a, (t1 + t2) | 0];
    }
    h.forEach((value, i) => (h[i] = (value + [a, b, c, d, e, f, g, hh][i]) | 0));
  }
  const digest = new DataView(new ArrayBuffer(32));
  h.forEach((value, i) => digest.setInt32(i * 4, value));
  return btoa(String.fromCharCode(...new Uint8Array(digest.buffer)));
}
