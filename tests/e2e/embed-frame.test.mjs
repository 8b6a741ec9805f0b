// `mode="frame"`: the widget in an iframe served by the receiver (`/embed/{campaign}`), on a
// partner page of another origin whose policy only lets it load the receiver's loader and frame it.
// The host page's script cannot read the frame's fields or storage; the frame follows its content's
// height (no inner scrollbar at 320 and 1280 px), takes the partner's theme, language and custom
// properties, re-dispatches its DOM events on the element; a signature is stored once; axe finds
// nothing inside the frame; the keyboard alone signs across the frame border.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from './harness.mjs';
import { startPartnerSite } from './partner-site.mjs';
import { withReceiverAndBrowser, adminApi, newWatchedPage, waitForWidgetText, SEED_TITLE } from './embed-support.mjs';

const TOKEN = 'frame-e2e-admin-token-0123456789';
const CAMPAIGN = 'dhs-paragon';
const AXE = join(repoRoot, 'tests/e2e/node_modules/axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const env = withReceiverAndBrowser({ extraArgs: ['--admin-token', TOKEN] }, async (e) => {
  e.partner = await startPartnerSite();
  e.partner.publishStyle('/partner.css', 'body { margin: 0; } undersigned-letter { --undersigned-accent: rgb(122, 31, 162); }');
  const res = await admin('PUT', `/campaigns/${CAMPAIGN}/settings`, { moderation: 'auto', organizations_need_review: true, allowed_origins: [e.partner.origin], min_fill_ms: 0 });
  assert.equal(res.status, 200, await res.text());
});
after(async () => { await env.partner?.close(); });

const { request: admin, storedWith } = adminApi(env, TOKEN);

/**
 * Publishes a partner page with a framed widget and opens it. Its policy allows the receiver's
 * script and frame only: no 'wasm-unsafe-eval', no connect-src to the receiver (nothing of the
 * widget runs on this page).
 */
async function openFramedPage({ path = '/framed.html', stylesheet = '/partner.css', attributes = '', htmlLang = 'en', viewport } = {}) {
  const receiver = env.receiver.url;
  const policy = `default-src 'self'; style-src 'self'; script-src ${receiver}; frame-src ${receiver}; base-uri 'none'`;
  env.partner.publish(path, `<!doctype html>
<html lang="${htmlLang}"><head><meta charset="utf-8"><title>Framed letter</title><link rel="stylesheet" href="${stylesheet}">
<script type="module" src="${receiver}/pkg/undersigned.js"></script></head>
<body><main><h1>Partner</h1><p><a id="before" href="#top">Before the letter</a></p>
<undersigned-letter mode="frame" endpoint="${receiver}/api/campaigns/${CAMPAIGN}/signatures"${attributes}></undersigned-letter>
<p><a id="after" href="#top">After the letter</a></p></main></body></html>`, policy);
  const page = await newWatchedPage(env.browser, viewport ? { viewport } : {});
  await page.addInitScript({ path: AXE });
  const wasmRequests = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasmRequests.push({ url: r.url(), frame: r.frame().url() }); });
  page.wasmRequests = wasmRequests;
  await page.goto(`${env.partner.origin}${path}`);
  const frame = await embedFrame(page);
  await waitForWidgetText(frame, 'undersigned-letter', SEED_TITLE);
  return { page, frame };
}

/** The embed page's frame, once attached. */
async function embedFrame(page) {
  await page.locator('undersigned-letter iframe').waitFor();
  const handle = await page.locator('undersigned-letter iframe').elementHandle();
  const frame = await handle.contentFrame();
  assert.ok(frame, 'the iframe has a frame');
  await frame.waitForURL(/\/embed\/dhs-paragon\?/);
  return frame;
}

/**
 * Waits until the frame shows its whole content without a scrollbar of its own and the iframe is as
 * tall as that content. The content may still grow while it settles (the public signer list arrives
 * after the form), so frame and content are read together until they agree, for at most 10 s.
 */
async function assertNoInnerScrollbar(page, frame, width) {
  const read = async () => {
    const sizes = await frame.evaluate(() => ({ scrollHeight: document.documentElement.scrollHeight, innerHeight, scrollWidth: document.documentElement.scrollWidth, innerWidth }));
    const frameBox = await page.locator('undersigned-letter iframe').boundingBox();
    return { sizes, frameBox };
  };
  const settled = ({ sizes, frameBox }) => sizes.scrollHeight <= sizes.innerHeight && sizes.scrollWidth <= sizes.innerWidth
    && Math.abs(frameBox.height - sizes.scrollHeight) <= 1;
  const deadline = Date.now() + 10_000;
  let last = await read();
  while (!settled(last) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  const { sizes, frameBox } = last;
  assert.ok(sizes.scrollHeight <= sizes.innerHeight && sizes.scrollWidth <= sizes.innerWidth, `no inner scrollbar: ${JSON.stringify(sizes)}`);
  assert.ok(sizes.innerWidth <= width && sizes.innerWidth >= width - 40, `the frame is about as wide as the page: ${JSON.stringify(sizes)}`);
  assert.ok(Math.abs(frameBox.height - sizes.scrollHeight) <= 1, `the iframe is as tall as its content: ${frameBox.height} vs ${sizes.scrollHeight}`);
}

test('framed: the host cannot read the fields or storage; theme and custom properties pass; signed once; events reach the element; no wasm on the host', async () => {
  const { page, frame } = await openFramedPage({ stylesheet: '/hostile.css', attributes: ' theme="dark"' });
  await page.evaluate(() => {
    window.signedEvents = [];
    document.addEventListener('undersigned:signed', (e) => window.signedEvents.push({ target: e.target.tagName, detail: e.detail }));
  });

  const widget = frame.locator('undersigned-letter .undersigned');
  assert.ok(await widget.evaluate((el) => el.classList.contains('theme-dark')), 'the theme passes through');
  const email = 'framed-signer@example.org';
  await widget.getByLabel('An individual').check();
  await widget.getByLabel(/^Full name/).fill('Fran Framed');
  await widget.getByLabel(/^Email/).fill(email);

  // What the host page's own scripts (analytics, a compromised plugin) can reach.
  const reach = await page.evaluate(() => {
    const iframe = document.querySelector('undersigned-letter').shadowRoot.querySelector('iframe');
    const attempt = (read) => { try { return read(); } catch (e) { return e.name; } };
    return {
      document: attempt(() => iframe.contentDocument),
      fields: attempt(() => iframe.contentWindow.document.querySelector('undersigned-letter').shadowRoot.querySelector('input[name=email]').value),
      storage: attempt(() => iframe.contentWindow.localStorage.length),
      hostStorage: localStorage.length,
      typedAnywhere: document.documentElement.outerHTML.includes('framed-signer'),
    };
  });
  assert.deepEqual(reach, { document: null, fields: 'SecurityError', storage: 'SecurityError', hostStorage: 0, typedAnywhere: false });

  await widget.getByLabel('List my name publicly').check();
  await widget.getByRole('button', { name: 'Sign the letter' }).click();
  await waitForWidgetText(frame, 'undersigned-letter', 'Thank you for signing');
  const stored = await storedWith(email);
  assert.equal(stored.length, 1, 'stored once');
  assert.equal(stored[0].state, 'approved', JSON.stringify(stored[0]));
  await page.waitForFunction(() => window.signedEvents.length === 1);
  const [event] = await page.evaluate(() => window.signedEvents);
  assert.equal(event.target, 'UNDERSIGNED-LETTER');
  assert.equal(event.detail.campaign, CAMPAIGN);
  assert.ok(!JSON.stringify(event.detail).includes('@'), 'no personal data in the event');
  assert.equal(await page.evaluate(() => localStorage.length), 0, 'the outbox lives on the receiver, not the partner');
  assert.deepEqual(page.wasmRequests.filter((r) => !r.frame.includes('/embed/')), [], 'the partner page itself loads no wasm');
  assert.deepEqual(page.problems, []);
  assert.equal((await storedWith(email)).length, 1, 'still stored once');
  await page.context().close();
});

test('framed: custom properties and the page language pass through, also when they change', async () => {
  const { page, frame } = await openFramedPage({ path: '/framed-lang.html' });
  const accent = () => frame.evaluate(() => getComputedStyle(document.querySelector('undersigned-letter')).getPropertyValue('--undersigned-accent').trim());
  await frame.waitForFunction(() => getComputedStyle(document.querySelector('undersigned-letter')).getPropertyValue('--undersigned-accent').trim() !== '');
  assert.equal(await accent(), 'rgb(122, 31, 162)');
  await page.evaluate(() => { document.documentElement.lang = 'es'; });
  await frame.waitForFunction(() => document.querySelector('undersigned-letter').shadowRoot.querySelector('.undersigned')?.lang === 'es');
  await waitForWidgetText(frame, 'undersigned-letter', 'Firmar la carta');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

for (const width of [320, 1280]) {
  test(`framed at ${width} px: no inner scrollbar, the iframe follows the content's height`, async () => {
    const { page, frame } = await openFramedPage({ path: `/framed-${width}.html`, viewport: { width, height: 800 } });
    await assertNoInnerScrollbar(page, frame, width);
    // The content grows (an error message under each field): the frame grows with it.
    await frame.locator('undersigned-letter .undersigned').getByRole('button', { name: 'Sign the letter' }).click();
    await frame.locator('undersigned-letter [aria-invalid="true"]').first().waitFor();
    await assertNoInnerScrollbar(page, frame, width);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

test('framed: axe finds no WCAG 2.2 A/AA violation inside the frame', async () => {
  const { page, frame } = await openFramedPage({ path: '/framed-axe.html' });
  const result = await frame.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  const found = result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' > ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
  assert.deepEqual(found, []);
  // The host page around the frame, too (the iframe needs a title).
  const host = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, iframes: false }), TAGS);
  assert.deepEqual(host.violations.map((v) => v.id), []);
  assert.equal(await page.locator('undersigned-letter iframe').getAttribute('title'), SEED_TITLE, 'the frame is titled by the letter');
  await page.context().close();
});

test('framed: keyboard-only sign-on across the frame border, in and out', async () => {
  const { page, frame } = await openFramedPage({ path: '/framed-keys.html' });
  const email = 'framed-keyboard@example.org';
  const hostFocus = () => page.evaluate(() => {
    const el = document.activeElement;
    return el?.id || (el?.shadowRoot?.activeElement?.tagName ?? el?.tagName ?? '').toLowerCase();
  });
  const frameFocus = () => frame.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el && { tag: el.tagName.toLowerCase(), type: el.type ?? '', name: el.name ?? '', value: el.value ?? '', checked: !!el.checked };
  });
  await page.locator('#before').focus();
  const done = new Set();
  let submitted = false;
  let leftFrame = false;
  for (let presses = 0; presses < 250 && !leftFrame; presses++) {
    await page.keyboard.press('Tab');
    const onHost = await hostFocus();
    if (onHost === 'after') {
      leftFrame = true;
      break;
    }
    if (onHost !== 'iframe') continue;
    const el = await frameFocus();
    if (submitted || !el) continue;
    if (el.name === 'kind' && !done.has('kind')) {
      if (el.value !== 'individual') await page.keyboard.press('ArrowDown');
      assert.equal((await frameFocus()).value, 'individual');
      done.add('kind');
    } else if (el.name === 'name' && !done.has('name')) {
      await page.keyboard.type('Kai Keys');
      done.add('name');
    } else if (el.name === 'email' && !done.has('email')) {
      await page.keyboard.type(email);
      done.add('email');
    } else if (el.tag === 'button' && el.type === 'submit') {
      assert.deepEqual([...done].sort(), ['email', 'kind', 'name']);
      await page.keyboard.press('Enter');
      await waitForWidgetText(frame, 'undersigned-letter', 'Thank you for signing');
      submitted = true;
    }
  }
  assert.ok(submitted, 'the submit button inside the frame is reachable with Tab from the host page');
  assert.ok(leftFrame, 'Tab leaves the frame to the next link of the host page');
  assert.equal((await storedWith(email)).length, 1);
  await page.keyboard.press('Shift+Tab');
  assert.equal(await hostFocus(), 'iframe', 'Shift+Tab goes back into the frame');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the embed page may be framed only by the campaign\'s partner origins', async () => {
  const res = await fetch(`${env.receiver.url}/embed/${CAMPAIGN}?lang=en`);
  assert.equal(res.status, 200);
  const policy = res.headers.get('content-security-policy');
  assert.match(policy, new RegExp(`frame-ancestors 'self' ${env.partner.origin.replace(/[.:/]/g, '\\$&')}$`));
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.equal(res.headers.get('x-frame-options'), null);
  // A site that is not a partner: the browser refuses to show the frame.
  const stranger = await startPartnerSite();
  try {
    stranger.publish('/stranger.html', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stranger</title></head><body>
<iframe title="letter" src="${env.receiver.url}/embed/${CAMPAIGN}"></iframe></body></html>`);
    const page = await newWatchedPage(env.browser);
    const blocked = page.waitForEvent('console', (msg) => msg.text().includes('frame-ancestors'));
    await page.goto(`${stranger.origin}/stranger.html`);
    await blocked;
    await page.context().close();
  } finally {
    await stranger.close();
  }
});
