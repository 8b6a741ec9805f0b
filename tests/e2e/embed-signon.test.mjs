// Signing on partner pages, end to end against the real receiver: the hostile-CSS page, the
// strict-CSP page, the keyboard alone, and the no-JavaScript fallback form. Each signature is
// checked where it matters: in the receiver's store (through its admin API).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness.mjs';
import { withReceiverAndBrowser, adminApi, newWatchedPage, waitForWidgetText, servePage, SEED_TITLE } from './embed-support.mjs';

const TOKEN = 'embed-e2e-admin-token-0123456789';
const CAMPAIGN = 'dhs-paragon';
// A second campaign (tests/fixtures/other-campaign.md), imported at start.
const OTHER = 'library-records';
const OTHER_TITLE = 'Open Letter on Library Patron Records';

const env = withReceiverAndBrowser({ extraArgs: ['--admin-token', TOKEN, '--campaign', 'tests/fixtures/other-campaign.md'] }, async () => {
  // Tests type faster than people: without this the receiver would keep their signatures apart as
  // likely spam (min_fill_ms), which is right for bots and beside the point here; so is the
  // confirmation by mail (tests/e2e/mail.test.mjs covers it).
  for (const id of [CAMPAIGN, OTHER]) {
    const res = await admin('PUT', `/campaigns/${id}/settings`, { moderation: 'auto', organizations_need_review: true, allowed_origins: [], min_fill_ms: 0, confirmation: 'off' });
    assert.equal(res.status, 200, await res.text());
  }
});

const { request: admin, storedWith } = adminApi(env, TOKEN);

/** The stored signer with `email` in `campaign`. */
async function storedSigner(email, campaign = CAMPAIGN) {
  const [found] = await storedWith(email, { campaign });
  if (!found) throw new Error(`no stored signer with ${email}`);
  return found;
}

/** Signs with the mouse and the fill API, as most visitors do. */
async function signWithForm(page, { name, email, host = 'undersigned-letter' }) {
  const widget = page.locator(`${host} .undersigned`);
  await widget.getByLabel('An individual').check();
  await widget.getByLabel(/^Full name/).fill(name);
  await widget.getByLabel(/^Email/).fill(email);
  await widget.getByLabel('List my name publicly').check();
  await widget.getByRole('button', { name: 'Sign the letter' }).click();
  await waitForWidgetText(page, host, 'Thank you for signing');
}

for (const [where, path] of [['the hostile-CSS partner page', '/www/partner.html'], ['the strict-CSP page', '/www/strict-csp.html']]) {
  test(`${where} renders the letter and accepts a signature, with no console error or CSP violation`, async () => {
    const page = await newWatchedPage(env.browser);
    await page.goto(`${env.receiver.url}${path}`);
    await waitForWidgetText(page, 'undersigned-letter', SEED_TITLE);
    const email = `signer-${path.replace(/\W/g, '')}@example.org`;
    await signWithForm(page, { name: `Signer from ${where}`, email });
    const stored = await storedSigner(email);
    assert.equal(stored.state, 'approved', JSON.stringify(stored));
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

test('the whole sign-on works with the keyboard alone, with a visible focus indicator at every stop', async () => {
  const page = await newWatchedPage(env.browser);
  await page.goto(`${env.receiver.url}/www/strict-csp.html`);
  await waitForWidgetText(page, 'undersigned-letter', 'Sign the letter');
  const email = 'keyboard-only@example.org';
  // The focused element, looking through shadow roots.
  const focused = () => page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    const style = el ? getComputedStyle(el) : null;
    return el && {
      tag: el.tagName.toLowerCase(), type: el.type ?? '', name: el.name ?? '', value: el.value ?? '', checked: !!el.checked,
      inWidget: el.getRootNode() !== document,
      outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });
  const done = new Set();
  let submitted = false;
  for (let presses = 0; presses < 150 && !submitted; presses++) {
    await page.keyboard.press('Tab');
    const el = await focused();
    if (!el?.inWidget) continue;
    assert.ok(el.outline, `a visible focus indicator on ${JSON.stringify(el)}`);
    if (el.name === 'kind' && !done.has('kind')) {
      // A radio group is one tab stop; the arrow keys choose within it.
      if (el.value !== 'individual') await page.keyboard.press('ArrowDown');
      const chosen = await focused();
      assert.equal(chosen.value, 'individual');
      assert.ok(chosen.checked);
      done.add('kind');
    } else if (el.name === 'name' && !done.has('name')) {
      await page.keyboard.type('Kim Keyboard');
      done.add('name');
    } else if (el.name === 'email' && !done.has('email')) {
      await page.keyboard.type(email);
      done.add('email');
    } else if (el.name === 'list_publicly' && !done.has('list')) {
      await page.keyboard.press('Space');
      assert.ok((await focused()).checked, 'Space ticks the checkbox');
      done.add('list');
    } else if (el.tag === 'button' && el.type === 'submit') {
      assert.deepEqual([...done].sort(), ['email', 'kind', 'list', 'name'], 'every field was reached before the button');
      await page.keyboard.press('Enter');
      submitted = true;
    }
  }
  assert.ok(submitted, 'the submit button is reachable with Tab');
  await waitForWidgetText(page, 'undersigned-letter', 'Thank you for signing');
  const stored = await storedSigner(email);
  assert.equal(stored.state, 'approved', JSON.stringify(stored));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('without JavaScript the README fallback form posts the signature to the endpoint (form encoding)', async () => {
  // The markup exactly as the README documents it, pointed at this receiver.
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### No-JavaScript fallback'));
  const markup = section.slice(section.indexOf('```html') + 7, section.indexOf('```', section.indexOf('```html') + 7))
    .replaceAll('https://receiver.example', env.receiver.url);
  const page = await newWatchedPage(env.browser, { javaScriptEnabled: false });
  await servePage(page, env.receiver.url, '/fallback.html', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fallback</title>
<script type="module" src="/pkg/undersigned.js"></script></head><body><main>${markup}</main></body></html>`);
  await page.goto(`${env.receiver.url}/fallback.html`);
  const form = page.locator('undersigned-letter form');
  await form.getByLabel('an individual').check();
  await form.getByLabel('Your name').fill('Nora No-Script');
  await form.getByLabel('Email').fill('no-script@example.org');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/api/campaigns/${CAMPAIGN}/signatures`) && r.request().method() === 'POST'),
    form.getByRole('button', { name: 'Sign the letter' }).click(),
  ]);
  assert.ok(response.status() < 400, `the receiver accepted the form post: ${response.status()} ${await response.text()}`);
  assert.equal(response.request().headers()['content-type'], 'application/x-www-form-urlencoded');
  const stored = await storedSigner('no-script@example.org');
  assert.equal(stored.state, 'approved', JSON.stringify(stored));
  await page.context().close();
});

test('two widgets with different campaigns on one page work independently', async () => {
  const page = await newWatchedPage(env.browser);
  await servePage(page, env.receiver.url, '/two-campaigns.html', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Two letters</title>
<script type="module" src="/pkg/undersigned.js"></script></head><body><main>
<undersigned-letter id="first" endpoint="/api/campaigns/${CAMPAIGN}/signatures"></undersigned-letter>
<undersigned-letter id="second" campaign="/api/campaigns/${OTHER}" endpoint="/api/campaigns/${OTHER}/signatures" lang="es"></undersigned-letter>
</main></body></html>`);
  await page.goto(`${env.receiver.url}/two-campaigns.html`);
  await waitForWidgetText(page, '#first', SEED_TITLE);
  await waitForWidgetText(page, '#second', OTHER_TITLE);
  const text = (id) => page.evaluate((s) => document.querySelector(s).shadowRoot.textContent, id);
  assert.ok(!(await text('#first')).includes(OTHER_TITLE) && !(await text('#second')).includes(SEED_TITLE), 'each shows only its own letter');
  await waitForWidgetText(page, '#second', 'Firme la carta');
  await waitForWidgetText(page, '#first', 'Sign the letter');

  // Signing in the second widget signs the second campaign only, and leaves the first form as it was.
  const email = 'two-widgets@example.org';
  const second = page.locator('#second .undersigned');
  await second.getByLabel('Una persona').check();
  await second.getByLabel(/^Nombre completo/).fill('Tomás Two');
  await second.getByLabel(/^Correo/).fill(email);
  await second.getByRole('button', { name: 'Firmar la carta' }).click();
  await waitForWidgetText(page, '#second', 'Gracias por firmar');
  const stored = await storedSigner(email, OTHER);
  assert.equal(stored.state, 'approved', JSON.stringify(stored));
  assert.deepEqual(await storedWith(email, { campaign: CAMPAIGN, count: 0 }), [], 'nothing reached the first campaign');
  assert.ok(!(await text('#first')).includes('Thank you for signing'), 'the first widget still shows its form');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
