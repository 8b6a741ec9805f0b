// What a page runs, for splitting the wasm (`cargo xtask build`, xtask/src/build/split.rs):
//
//   node xtask/profile.mjs PKG_DIR INSTRUMENTED_WASM PROFILE_OUT
//
// Loads the freshly built package in headless Chromium (served from memory under a made-up origin,
// as xtask/prerender.mjs does), with the wasm replaced by the copy `wasm-split --instrument` made,
// and does what most visitors of a partner page do: the widget loads with a receiver that answers
// its status feed, event stream and signer list (canned answers below, in the receiver's formats,
// docs/receiver.md), a second one polls a static status feed in Spanish, a third posts to an
// endpoint on another site (the README's snippet), a fourth has no endpoint yet (a page being set
// up), a fifth follows a receiver on another site that nobody has signed on yet, with a fallback
// form inside (the configurator's snippet), and a name and an email are typed. The functions that ran
// are written to PROFILE_OUT (through the instrumented module's `__write_profile`): the build keeps
// them, and the small functions they can reach, in the module the loader fetches and moves every
// other one to the module loaded when first needed (xtask/src/build/split.rs, src/js/more.js). A
// path left out here still works, a little later. `PROFILE_DEBUG=1` prints each request and what
// the first widget shows, to see what a page did.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { headlessPage } from './headless.mjs';

const [pkg, instrumented, out] = process.argv.slice(2);
if (!pkg || !instrumented || !out) {
  console.error('usage: node xtask/profile.mjs PKG_DIR INSTRUMENTED_WASM PROFILE_OUT');
  process.exit(2);
}
const ORIGIN = 'https://profile.invalid';
/** A receiver on another site, for a campaign nobody has signed yet. */
const OTHER_RECEIVER = 'https://receiver.invalid';
const CAMPAIGN = 'dhs-paragon';
const API = `/api/campaigns/${CAMPAIGN}`;
const TYPES = { js: 'text/javascript', wasm: 'application/wasm', json: 'application/json' };

const NOW = '2026-11-20T10:00:00Z';
const STATUSES = ['outstanding', 'partially_disclosed', 'disclosed'];
// The built-in campaign's demands (campaigns/dhs-paragon.md); an id the campaign lacks is skipped.
const DEMANDS = [
  'contract-details',
  'contract-modifications',
  'eo14093-sec3-dni-request',
  'eo14093-sec3-dni-risk-review',
  'eo14093-sec3-vendor-due-diligence',
  'eo14093-sec2-4-purpose-and-uses',
  'eo14093-sec2-4-internal-controls',
  'oversight-mechanisms',
  'data-handling',
  'remedies-for-victims',
];
const feed = JSON.stringify({
  format: 'undersigned-status/1',
  campaign: CAMPAIGN,
  updated_at: NOW,
  demands: DEMANDS.map((id, i) => ({
    id,
    status: STATUSES[i % STATUSES.length],
    note: i ? '' : 'A redacted copy was released.',
    updated_at: NOW,
    evidence: i ? [] : [{ url: 'https://example.org/foia/1', title: 'FOIA response', date: '2026-11-19' }],
  })),
});
const counts = { total: 75, organizations: 60, individuals: 15 };
// As the receiver writes them (core/src/signers.rs): optional fields are left out when empty.
const signer = (i) => ({
  id: i + 1,
  name: `Signer ${i + 1}`,
  ...(i % 2 ? { title: 'Director', country: 'US' } : {}),
  ...(i % 3 ? { affiliation: 'Example University' } : {}),
  ...(i % 5 ? {} : { earlier_revision: 1 }),
});
/** A first page of two (a receiver with signers) or an empty list (a new campaign). */
const signerPage = (kind, empty) =>
  JSON.stringify({
    campaign: CAMPAIGN,
    kind,
    page: 1,
    per_page: 50,
    pages: empty ? 0 : 2,
    counts: empty ? { total: 0, organizations: 0, individuals: 0 } : counts,
    signers: empty ? [] : Array.from({ length: kind === 'organization' ? 50 : 15 }, (_, i) => signer(i)),
  });
const events = `event: feed\nid: 1\ndata: ${feed}\n\nevent: signers\ndata: ${JSON.stringify(counts)}\n\n`;

const { browser, page, problems } = await headlessPage();
try {
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const empty = url.origin === OTHER_RECEIVER;
    if (url.origin !== ORIGIN && !empty) return route.abort();
    if (process.env.PROFILE_DEBUG) console.error('request', url.href);
    // Readable from the page's origin too (the receivers answer CORS for every origin they allow).
    const body = (contentType, text) => route.fulfill({ contentType, body: text, headers: { 'access-control-allow-origin': '*' } });
    if (url.pathname === '/') {
      return body('text/html', `<!doctype html><html lang="en"><body><main><h1>Support the letter</h1>
        <undersigned-letter receiver="/"></undersigned-letter>
        <undersigned-letter status-feed="/feed.json" lang="es" endpoint="/x"></undersigned-letter>
        <undersigned-letter endpoint="https://receiver.invalid/api/campaigns/${CAMPAIGN}/signatures"></undersigned-letter>
        <undersigned-letter></undersigned-letter>
        <undersigned-letter receiver="${OTHER_RECEIVER}">
          <form method="post" action="${OTHER_RECEIVER}${API}/signatures"><p>Sign without JavaScript</p></form>
        </undersigned-letter></main>
        <script type="module" src="/undersigned.js"></script></body></html>`);
    }
    if (url.pathname === `${API}/status` || url.pathname === '/feed.json') return body(TYPES.json, feed);
    if (url.pathname === `${API}/events`) return body('text/event-stream', events);
    if (url.pathname === `${API}/signers`) {
      return body(TYPES.json, signerPage(url.searchParams.get('kind') ?? 'organization', empty));
    }
    if (empty) return route.abort();
    const name = url.pathname.slice(1);
    if (!/^undersigned[\w.]*\.(js|wasm|json)$/.test(name)) return route.abort();
    const file = name === 'undersigned_wasm_bg.wasm' ? instrumented : join(pkg, name);
    return route.fulfill({ contentType: TYPES[name.split('.').pop()], body: readFileSync(file) });
  });
  await page.goto(`${ORIGIN}/`);
  const widget = page.locator('undersigned-letter').first();
  // The feed is applied: a status other than "outstanding" shows.
  await page.waitForFunction(() => document.querySelector('undersigned-letter')?.shadowRoot?.textContent.includes('Disclosed'), null, {
    timeout: 20_000,
  });
  // Both receivers' signer lists are drawn: a page of names, and an empty list.
  await page.waitForFunction(() => {
    const roots = [...document.querySelectorAll('undersigned-letter')].map((e) => e.shadowRoot);
    return roots.some((r) => r?.querySelector('.signer-name')) && roots.some((r) => r?.querySelector('.signers-empty'));
  }, null, { timeout: 20_000 });
  await page.waitForTimeout(300);
  await widget.locator('input[name=name]').fill('Ana Example');
  await widget.locator('input[name=email]').fill('ana@example.org');
  await page.waitForTimeout(200);
  const profile = await page.evaluate(async () => {
    const glue = await import('/undersigned_wasm.js');
    const wasm = await glue.default();
    const memory = Object.values(wasm).find((value) => value instanceof WebAssembly.Memory);
    const at = memory.buffer.byteLength;
    memory.grow(1);
    const length = wasm.__write_profile(at, 65536);
    return Array.from(new Uint8Array(memory.buffer, at, length));
  });
  if (process.env.PROFILE_DEBUG) console.error(await widget.evaluate((e) => e.shadowRoot.textContent));
  if (problems.length) throw new Error(`the page failed while profiled: ${problems.join('; ')}`);
  writeFileSync(out, Buffer.from(profile));
} finally {
  await browser.close();
}
