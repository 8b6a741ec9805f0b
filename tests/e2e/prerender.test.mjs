// The pre-rendered widget: the letter and the sign-on form are there, usable, before the wasm has
// started (the test holds the wasm's download back), and the wasm's takeover keeps everything:
// what was typed, ticked and chosen, the focus and caret, and a press of the sign button, which is
// held and sent exactly once. On a strict-CSP page, against the real receiver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withReceiverAndBrowser, newWatchedPage, servePage, SEED_TITLE } from './embed-support.mjs';

const TOKEN = 'prerender-e2e-admin-token-0123456789';
const CAMPAIGN = 'dhs-paragon';
const ENDPOINT = `/api/campaigns/${CAMPAIGN}/signatures`;

const env = withReceiverAndBrowser({ extraArgs: ['--admin-token', TOKEN] }, async () => {
  // The campaign's minimum fill time stays at 0 (tests type faster than people); the fill time the
  // widget sends is checked against the time the test held the wasm back instead.
  const res = await admin('PUT', `/campaigns/${CAMPAIGN}/settings`, { moderation: 'auto', organizations_need_review: false, allowed_origins: [], min_fill_ms: 0, confirmation: 'off' });
  assert.equal(res.status, 200, await res.text());
});

function admin(method, path, body) {
  return fetch(`${env.receiver.url}/api/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

async function storedWith(email) {
  const res = await admin('GET', `/campaigns/${CAMPAIGN}/signers?per_page=200`);
  assert.equal(res.status, 200);
  return (await res.json()).signers.filter((s) => JSON.stringify(s).includes(email));
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pre-rendered widget</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'">
<script type="module" src="/pkg/undersigned.js"></script></head>
<body><main><h1>Partner page</h1>
<undersigned-letter endpoint="${ENDPOINT}"><p>Fallback: <a href="/letter">read the letter</a></p></undersigned-letter>
</main></body></html>`;

/**
 * Opens the page with the wasm's download held back until `release()` is called; resolves once the
 * pre-rendered form is visible. `posts` lists the signature requests the page makes.
 */
async function openHeld(path) {
  const page = await newWatchedPage(env.browser);
  await servePage(page, env.receiver.url, path, PAGE);
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  let held = 0;
  let requested;
  const wasmRequested = new Promise((resolve) => { requested = resolve; });
  await page.route('**/pkg/undersigned_wasm_bg.wasm', async (route) => {
    held += 1;
    requested();
    await released;
    await route.continue();
  });
  const posts = [];
  const packageFiles = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith(ENDPOINT)) posts.push(request.postData());
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/pkg/')) packageFiles.push(path.slice('/pkg/'.length));
  });
  await page.goto(`${env.receiver.url}${path}`);
  const widget = page.locator('undersigned-letter .undersigned');
  await widget.getByLabel(/^Email/).waitFor();
  // The loader asks for the wasm right after drawing the pre-rendered widget: wait for that request.
  await wasmRequested;
  assert.equal(held, 1, 'the wasm was requested and is held back');
  return { page, widget, posts, packageFiles, release: () => release(), heldCount: () => held };
}

/** Resolves once the wasm has drawn its own form (its country list is complete; the pre-render's has one empty choice). */
async function wasmTookOver(page) {
  await page.waitForFunction(() => document.querySelector('undersigned-letter').shadowRoot.querySelectorAll('#us-country option').length > 1, null, { timeout: 15_000 });
}

test('before the wasm starts, the letter and the form show and take input; the takeover keeps the text, the ticks and the caret', async () => {
  const { page, widget, release, packageFiles } = await openHeld('/prerender-typing.html');
  // The English pre-render and the stylesheet come inside the loader: no file of their own.
  assert.deepEqual(packageFiles.filter((f) => !['undersigned.js', 'undersigned_wasm.js', 'undersigned_wasm_bg.wasm'].includes(f)), [],
    'an English widget is drawn from the loader alone');
  assert.ok(await widget.getByRole('heading', { name: SEED_TITLE }).isVisible(), "the letter's title is visible before the wasm");
  assert.ok(await widget.getByLabel(/^Email/).isEnabled(), 'the email field is usable before the wasm');
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true, 'the pre-render takes no focus');

  await widget.getByLabel('An individual').check();
  await widget.getByLabel(/^Title or occupation/).fill('Archivist');
  await widget.getByLabel(/^List my name publicly/).check();
  await widget.getByLabel(/^Email/).fill('early@example.org');
  await widget.getByLabel(/^Full name/).click();
  await page.keyboard.type('Prerendered Signer');
  // The caret inside the name, as someone correcting a typo leaves it.
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');

  release();
  await wasmTookOver(page);
  // The takeover carries the input over in a few steps after the wasm's first render; the focus
  // comes back last.
  await page.waitForFunction(() => document.querySelector('undersigned-letter').shadowRoot.activeElement !== null, null, { timeout: 5_000 })
    .catch(() => assert.fail('the focus did not come back into the widget after the takeover'));
  const state = await page.evaluate(() => {
    const root = document.querySelector('undersigned-letter').shadowRoot;
    const value = (id) => root.getElementById(id).value;
    return {
      name: value('us-name'), title: value('us-title'), email: value('us-email'),
      individual: root.getElementById('us-kind-individual').checked,
      listed: root.getElementById('us-list_publicly').checked,
      focused: root.activeElement?.id ?? null,
    };
  });
  assert.deepEqual(state, {
    name: 'Prerendered Signer', title: 'Archivist', email: 'early@example.org',
    individual: true, listed: true, focused: 'us-name',
  });
  // Typing goes on where it stopped: at the caret, two characters from the end.
  await page.keyboard.type('X');
  assert.equal(await widget.getByLabel(/^Full name/).inputValue(), 'Prerendered SignXer');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a press of sign before the wasm is ready is held, then sent exactly once with what was typed', async () => {
  const email = 'held-press@example.org';
  const { page, widget, posts, release } = await openHeld('/prerender-press.html');
  const shownAt = await page.evaluate(() => Date.now());
  await widget.getByLabel('An individual').check();
  await widget.getByLabel(/^Full name/).fill('Held Press');
  await widget.getByLabel(/^Email/).fill(email);
  await widget.getByRole('button', { name: 'Sign the letter' }).click();
  // A second press, as an impatient visitor gives: still one signature.
  await widget.getByRole('button', { name: 'Sign the letter' }).click();
  assert.equal(posts.length, 0, 'nothing is sent before the wasm is there');
  assert.equal(await widget.getByLabel(/^Full name/).inputValue(), 'Held Press', 'the text stays while the press is held');
  assert.equal(page.url(), `${env.receiver.url}/prerender-press.html`, 'the press did not navigate away');

  const releasedAt = await page.evaluate(() => Date.now());
  release();
  await page.waitForFunction(() => document.querySelector('undersigned-letter').shadowRoot.textContent.includes('Thank you for signing'), null, { timeout: 15_000 });
  assert.equal(posts.length, 1, 'the held press sent one request');
  const sent = JSON.parse(posts[0]);
  assert.equal(sent.name, 'Held Press');
  assert.equal(sent.email, email);
  assert.ok(sent.fill_ms >= releasedAt - shownAt, `the fill time counts from the pre-rendered form (${sent.fill_ms} ms ≥ ${releasedAt - shownAt} ms held)`);
  const stored = await storedWith(email);
  assert.equal(stored.length, 1, 'the receiver stored the signature exactly once');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('when the wasm cannot load after the pre-render showed, the fallback comes back with what was typed in its fields', async () => {
  const page = await newWatchedPage(env.browser);
  const path = '/prerender-nowasm.html';
  await servePage(page, env.receiver.url, path, PAGE.replace('<p>Fallback: <a href="/letter">read the letter</a></p>',
    `<form method="post" action="${ENDPOINT}"><label>Name <input name="name"></label><label>Email <input name="email" type="email"></label><button>Sign</button></form>`));
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route('**/pkg/undersigned_wasm_bg.wasm', async (route) => {
    await released;
    await route.fulfill({ status: 404, body: 'gone' });
  });
  await page.goto(`${env.receiver.url}${path}`);
  const widget = page.locator('undersigned-letter .undersigned');
  await widget.getByLabel(/^Full name/).fill('Kept Anyway');
  release();
  const fallbackName = page.locator('undersigned-letter > form input[name=name]');
  await fallbackName.waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await fallbackName.inputValue(), 'Kept Anyway');
  // The failed download and the loader's one explanation are the only errors.
  assert.ok(page.problems.every((p) => /404|could not start/.test(p)), page.problems.join('\n'));
  await page.close();
});
