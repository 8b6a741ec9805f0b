// The sign-on form against real HTTP endpoints (tests/e2e/capture-endpoint.mjs): each encoding
// sends the request docs/wire-format.md documents, a failing endpoint is retried until it stores
// the signature exactly once, a double click sends once, and an endpoint's field errors land on
// the fields. The partner page and the endpoint are on different origins, as on a real site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, newPage, repoRoot } from './harness.mjs';
import { startCaptureEndpoint, startPageServer, recordWidgetEvents } from './capture-endpoint.mjs';
import * as wire from './wire.mjs';

const DOC = readFileSync(join(repoRoot, 'docs/wire-format.md'), 'utf8');
const example = (lang, name) => {
  const match = DOC.match(new RegExp('```' + lang + ' example:' + name + '\\n([\\s\\S]*?)\\n```'));
  assert.ok(match, `docs/wire-format.md has a ${lang} example:${name}`);
  return match[1];
};
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const THANKS = 'Thank you for signing';

let browser;
let site;
before(async () => {
  browser = await launchBrowser();
  site = await startPageServer();
});
after(async () => {
  await browser?.close();
  await site?.stop();
});

/** Opens a partner page whose widget posts to `endpoint` with extra `attributes`. */
async function openForm(path, endpoint, attributes = {}, query = '') {
  const url = site.page(path, { endpoint, source: 'partner-newsletter', ...attributes });
  const page = await newPage(browser);
  await recordWidgetEvents(page);
  await page.goto(url + query);
  await page.locator('#us-email').waitFor();
  return page;
}

/** Fills the form with the individual of the documented example. */
async function fillDocumentedIndividual(page) {
  await page.locator('#us-name').fill('Ana López');
  await page.locator('#us-title').fill('Professor of Law');
  await page.locator('#us-affiliation').fill('Universidad Nacional');
  await page.locator('#us-email').fill('ana.lopez@example.org');
  await page.locator('#us-country').selectOption('MX');
  await page.locator('#us-list_publicly').check();
}

const widgetText = (page) => page.evaluate(() => document.querySelector('undersigned-letter').shadowRoot.textContent);

async function waitForThanks(page) {
  await page.waitForFunction((text) => document.querySelector('undersigned-letter')?.shadowRoot?.textContent?.includes(text), THANKS, { timeout: 15_000 });
}

const DOCUMENTED_QUERY = '?utm_source=mastodon&utm_campaign=launch+week';

test('json: the documented JSON body, with a CORS preflight, and a signed event without personal data', async () => {
  const endpoint = await startCaptureEndpoint();
  try {
    const page = await openForm('/json.html', `${endpoint.url}/signatures`, {}, DOCUMENTED_QUERY);
    await fillDocumentedIndividual(page);
    await page.locator('button.sign').click();
    await waitForThanks(page);
    const [post] = endpoint.posts();
    assert.equal(post.headers['content-type'], 'application/json');
    const sent = JSON.parse(post.body);
    assert.match(sent.idempotency_key, UUID_V7);
    assert.ok(Number.isInteger(sent.fill_ms) && sent.fill_ms >= 0, `fill_ms is whole milliseconds: ${sent.fill_ms}`);
    const documented = JSON.parse(example('json', 'individual'));
    assert.deepEqual(sent, { ...documented, idempotency_key: sent.idempotency_key, fill_ms: sent.fill_ms });
    assert.ok(endpoint.requests.some((r) => r.method === 'OPTIONS'), 'a JSON request across origins is preflighted');
    assert.equal(post.headers.cookie, undefined, 'no cookies go to the endpoint');

    const events = await page.evaluate(() => window.__events);
    assert.equal(events.length, 1);
    assert.deepEqual(events[0], {
      name: 'undersigned:signed', bubbles: true, composed: true,
      detail: { campaign: 'dhs-paragon', kind: 'individual', encoding: 'json', status: 201, code: wire.answer.Signed },
    });
    assert.ok(!JSON.stringify(events).includes('Ana') && !JSON.stringify(events).includes('@'), 'the event carries no personal data');
    assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('undersigned.outbox')).length), 0, 'the outbox is empty once confirmed');
    assert.deepEqual(page.problems, []);
  } finally {
    await endpoint.stop();
  }
});

test('form: the documented urlencoded body, renamed by field-map, without a preflight', async () => {
  const endpoint = await startCaptureEndpoint();
  try {
    // A form service that answers with an HTML page: any 2xx counts as delivered.
    endpoint.script({ status: 200, body: '<html>Thanks!</html>' });
    const page = await openForm('/form.html', `${endpoint.url}/forms/abc`, { encoding: 'form' }, DOCUMENTED_QUERY);
    await fillDocumentedIndividual(page);
    await page.locator('button.sign').click();
    await waitForThanks(page);
    const [post] = endpoint.posts();
    assert.equal(post.headers['content-type'], 'application/x-www-form-urlencoded;charset=UTF-8');
    const sent = new URLSearchParams(post.body);
    assert.match(sent.get('idempotency_key'), UUID_V7);
    const documented = example('urlencoded', 'individual')
      .replace(/idempotency_key=[^&]*/, `idempotency_key=${sent.get('idempotency_key')}`)
      .replace(/fill_ms=[^&]*/, `fill_ms=${sent.get('fill_ms')}`);
    assert.equal(post.body, documented);
    assert.ok(!endpoint.requests.some((r) => r.method === 'OPTIONS'), 'a form request is CORS-simple: no preflight');

    const mapped = await startCaptureEndpoint();
    try {
      const page2 = await openForm('/form-mapped.html', `${mapped.url}/forms/abc`, { encoding: 'form', 'field-map': 'email:EMAIL,name:FNAME' });
      await fillDocumentedIndividual(page2);
      await page2.locator('button.sign').click();
      await waitForThanks(page2);
      const renamed = new URLSearchParams(mapped.posts()[0].body);
      assert.equal(renamed.get('FNAME'), 'Ana López');
      assert.equal(renamed.get('EMAIL'), 'ana.lopez@example.org');
      assert.equal(renamed.get('name'), null);
      assert.equal(renamed.get('title'), 'Professor of Law', 'unmapped fields keep their wire names');
    } finally {
      await mapped.stop();
    }
  } finally {
    await endpoint.stop();
  }
});

test('text: the documented JSON in a text/plain body, without a preflight', async () => {
  const endpoint = await startCaptureEndpoint();
  try {
    const page = await openForm('/text.html', `${endpoint.url}/signatures`, { encoding: 'text' }, DOCUMENTED_QUERY);
    await fillDocumentedIndividual(page);
    await page.locator('button.sign').click();
    await waitForThanks(page);
    const [post] = endpoint.posts();
    assert.equal(post.headers['content-type'], 'text/plain;charset=UTF-8');
    const sent = JSON.parse(post.body);
    const documented = JSON.parse(example('json', 'individual'));
    assert.deepEqual(sent, { ...documented, idempotency_key: sent.idempotency_key, fill_ms: sent.fill_ms });
    assert.ok(!endpoint.requests.some((r) => r.method === 'OPTIONS'), 'a text/plain request is CORS-simple: no preflight');
  } finally {
    await endpoint.stop();
  }
});

test('an endpoint answering 500, then 201, ends with exactly one stored signature', async () => {
  const endpoint = await startCaptureEndpoint();
  try {
    endpoint.script({ status: 500, body: { code: wire.error.Internal, message: 'The database is on fire.' } });
    const page = await openForm('/retry.html', `${endpoint.url}/signatures`);
    await fillDocumentedIndividual(page);
    await page.locator('button.sign').click();
    await waitForThanks(page);
    const posts = endpoint.posts();
    assert.deepEqual(posts.length, 2, 'one failed attempt, one retry');
    const keys = posts.map((p) => JSON.parse(p.body).idempotency_key);
    assert.equal(keys[0], keys[1], 'the retry carries the same idempotency key');
    assert.equal(endpoint.stored.length, 1, 'exactly one signature stored');
    const events = await page.evaluate(() => window.__events.map((e) => e.name));
    assert.deepEqual(events, ['undersigned:signed']);
  } finally {
    await endpoint.stop();
  }
});

test('a double click sends one submission', async () => {
  const endpoint = await startCaptureEndpoint();
  try {
    endpoint.script({ status: 201, body: { status: wire.answer.Signed }, delayMs: 800 });
    const page = await openForm('/double.html', `${endpoint.url}/signatures`);
    await fillDocumentedIndividual(page);
    await page.locator('button.sign').dblclick();
    await waitForThanks(page);
    assert.equal(endpoint.posts().length, 1);
    assert.equal(endpoint.stored.length, 1);
  } finally {
    await endpoint.stop();
  }
});

test("an endpoint's field errors are shown on the fields, keeping what was typed", async () => {
  const endpoint = await startCaptureEndpoint();
  try {
    endpoint.script({
      status: 422,
      body: { code: wire.error.ValidationFailed, message: 'Some fields need attention.', fields: [{ field: 'email', code: wire.field.InvalidEmail, message: 'Nope.' }] },
    });
    const page = await openForm('/fields.html', `${endpoint.url}/signatures`);
    await fillDocumentedIndividual(page);
    await page.locator('button.sign').click();
    await page.locator('#us-email-error').waitFor();
    assert.match(await page.locator('#us-email-error').textContent(), /Enter an email address like name@example.org/);
    assert.equal(await page.locator('#us-email').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#us-email').inputValue(), 'ana.lopez@example.org');
    assert.equal(await page.locator('#us-name').inputValue(), 'Ana López');
    const focused = await page.evaluate(() => document.querySelector('undersigned-letter').shadowRoot.activeElement?.id);
    assert.equal(focused, 'us-email');
    const events = await page.evaluate(() => window.__events);
    assert.deepEqual(events.map((e) => [e.name, e.detail.code, e.detail.status]), [['undersigned:error', wire.error.ValidationFailed, 422]]);
    // Corrected and sent again: a fresh key, accepted.
    await page.locator('#us-email').fill('ana@example.org');
    await page.locator('button.sign').click();
    await waitForThanks(page);
    const keys = endpoint.posts().map((p) => JSON.parse(p.body).idempotency_key);
    assert.equal(new Set(keys).size, 2, 'a corrected signature is a new submission');
  } finally {
    await endpoint.stop();
  }
});

test('invalid input is stopped before any request', async () => {
  const endpoint = await startCaptureEndpoint();
  try {
    const page = await openForm('/invalid.html', `${endpoint.url}/signatures`);
    await page.locator('#us-email').fill('not an email');
    await page.locator('button.sign').click();
    await page.locator('#us-name-error').waitFor();
    assert.ok((await widgetText(page)).includes('2 fields need your attention.'));
    assert.equal(endpoint.requests.length, 0);
  } finally {
    await endpoint.stop();
  }
});

test('cors="off" sends a form without CORS (the opaque answer counts as delivered), then redirect takes the visitor on', async () => {
  const endpoint = await startCaptureEndpoint();
  try {
    const thanksUrl = site.page('/thanks.html', {});
    const page = await openForm('/no-cors.html', `${endpoint.url}/forms/abc`, { encoding: 'form', cors: 'off', redirect: thanksUrl });
    await fillDocumentedIndividual(page);
    await page.evaluate(() => {
      // Survives the redirect in sessionStorage: what the event said before the page changed.
      document.addEventListener('undersigned:signed', (e) => sessionStorage.setItem('signed-event', JSON.stringify(e.detail)));
    });
    await page.locator('button.sign').click();
    await page.waitForURL(thanksUrl, { timeout: 15_000 });
    assert.equal(endpoint.posts().length, 1);
    assert.equal(endpoint.posts()[0].headers.origin, site.url, 'sent from the partner page');
    const detail = JSON.parse(await page.evaluate(() => sessionStorage.getItem('signed-event')));
    assert.deepEqual(detail, { campaign: 'dhs-paragon', kind: 'individual', encoding: 'form', status: null, code: wire.answer.Signed });
  } finally {
    await endpoint.stop();
  }
});
