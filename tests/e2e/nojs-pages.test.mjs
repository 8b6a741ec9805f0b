// Visitors without JavaScript, end to end against the real receiver: from the partner page's
// fallback to the receiver's letter page, signing with its plain form, and the thank-you, "already
// signed" and error pages the receiver answers a browser's form post with (docs/receiver.md,
// "Pages for visitors without JavaScript"), in English and Spanish. axe-core checks the pages for
// WCAG 2.2 A/AA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from './harness.mjs';
import { withReceiverAndBrowser, newWatchedPage, SEED_TITLE } from './embed-support.mjs';

const TOKEN = 'nojs-e2e-admin-token-0123456789';
const CAMPAIGN = 'dhs-paragon';
const AXE = join(repoRoot, 'tests/e2e/node_modules/axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const env = withReceiverAndBrowser({ extraArgs: ['--admin-token', TOKEN] });

/** The signers stored for the campaign, as organizers see them. */
async function storedSigners() {
  const res = await fetch(`${env.receiver.url}/api/admin/campaigns/${CAMPAIGN}/signers?per_page=200`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  return (await res.json()).signers;
}

/** Submits the page's form and returns the answer to its navigation. */
async function submit(page, form, button = 'Sign the letter') {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    form.getByRole('button', { name: button }).click(),
  ]);
  return response;
}

/** axe's violations on the current page, one line per failing node (axe injected with addInitScript). */
async function violations(page) {
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' > ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
}

test('without JavaScript: partner fallback → letter page → sign → thank-you page, stored once', async () => {
  const page = await newWatchedPage(env.browser, { javaScriptEnabled: false });
  await page.goto(`${env.receiver.url}/www/partner.html`);
  await Promise.all([page.waitForNavigation(), page.locator('undersigned-letter a', { hasText: 'Read the coalition letter' }).click()]);
  assert.equal(new URL(page.url()).pathname, `/campaigns/${CAMPAIGN}`);
  assert.equal(await page.locator('h1').textContent(), SEED_TITLE);
  assert.ok(await page.getByText('Status: Outstanding').first().isVisible(), 'the demands show their status');
  assert.ok(await page.locator('#note-1').isVisible(), 'the notes are there');

  const form = page.locator('form.sign');
  await form.getByLabel('An individual').check();
  await form.getByLabel('Full name').fill('Lena Letterpage');
  await form.getByLabel('Email').fill('lena@example.org');
  await form.getByLabel('List my name publicly').check();
  const response = await submit(page, form);
  assert.equal(response.status(), 201);
  assert.equal(await page.locator('h1').textContent(), 'Thank you for signing');
  assert.ok((await page.locator('main').textContent()).includes(`You signed “${SEED_TITLE}”.`));
  assert.equal(await page.getByRole('link', { name: 'Back to the page you came from' }).count(), 0, 'no link back to the letter page: "Read the letter" is it');
  assert.equal(await page.getByRole('link', { name: 'Read the letter' }).getAttribute('href'), `/campaigns/${CAMPAIGN}`);

  // Back, and the same page sent again: its idempotency key makes it the same signature.
  await page.goBack();
  const again = await submit(page, page.locator('form.sign'));
  assert.ok([200, 201].includes(again.status()), `a resend is answered as before: ${again.status()}`);
  const mine = (await storedSigners()).filter((s) => s.email === 'lena@example.org');
  assert.equal(mine.length, 1, JSON.stringify(mine));
  assert.equal(mine[0].listed, true);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("without JavaScript: the partner page's own fallback form gets a thank-you page, and the same page again for the same address", async () => {
  const page = await newWatchedPage(env.browser, { javaScriptEnabled: false });
  // No page tells whether an address had signed: the second post gets the first one's answer.
  for (const [status, heading] of [[201, 'Thank you: your signature was received'], [201, 'Thank you: your signature was received']]) {
    await page.goto(`${env.receiver.url}/www/partner.html`);
    const form = page.locator('undersigned-letter form');
    // The partner form's default kind is organization, which waits for review.
    await form.getByLabel('Organization (organizations only)', { exact: true }).fill('Fallback Friends');
    await form.getByLabel("Organization's website (organizations only)").fill('fallback.example');
    // The partner's hostile stylesheet unsets every input (`all: unset`), so the box has no size:
    // a visitor ticks it through its label, as the test does.
    await form.locator('label', { hasText: 'I may sign for this organization' }).click();
    assert.equal(await form.getByLabel('I may sign for this organization (organizations only)').isChecked(), true);
    await form.getByLabel('Your name').fill('Omar Org');
    await form.getByLabel('Email').fill('omar@fallback.example');
    const response = await submit(page, form);
    assert.equal(response.status(), status);
    assert.equal(await page.locator('h1').textContent(), heading);
    const back = page.getByRole('link', { name: 'Back to the page you came from' });
    assert.equal(new URL(await back.getAttribute('href')).pathname, '/www/partner.html', 'a link back to the partner page');
  }
  assert.equal((await storedSigners()).filter((s) => s.email === 'omar@fallback.example').length, 1);
  await page.context().close();
});

test('axe finds no WCAG 2.2 A/AA violation on the letter, thank-you and error pages', async () => {
  // JavaScript stays on only for axe itself (injected through the DevTools protocol, which the
  // pages' `default-src 'none'` policy does not govern); the pages have no script of their own.
  const page = await newWatchedPage(env.browser);
  await page.addInitScript({ path: AXE });
  await page.goto(`${env.receiver.url}/campaigns/${CAMPAIGN}`);
  assert.equal(await page.locator('script').count(), 0, 'the letter page has no script');
  let found = await violations(page);
  assert.deepEqual(found, [], `letter page:\n${found.join('\n')}`);

  // An organization without its name: the receiver refuses it (422) with an error page.
  let form = page.locator('form.sign');
  await form.getByLabel('An organization').check();
  await form.getByLabel('Full name').fill('Ines Incomplete');
  await form.getByLabel('Email').fill('ines@example.org');
  const refused = await submit(page, form);
  assert.equal(refused.status(), 422);
  assert.equal(await page.locator('h1').textContent(), 'Your signature was not recorded');
  assert.ok((await page.locator('.problem').textContent()).includes("Organization name: Enter the organization's name."));
  assert.equal(await page.locator('#f-organization').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#f-email').inputValue(), 'ines@example.org', 'the form comes back filled in');
  found = await violations(page);
  assert.deepEqual(found, [], `error page:\n${found.join('\n')}`);

  form = page.locator('form.sign');
  await form.getByLabel('Organization name').fill('Incomplete No More');
  await form.getByLabel("Organization's website").fill('example.org');
  await form.getByLabel('I may sign this letter on behalf of this organization').check();
  const signed = await submit(page, form);
  assert.equal(signed.status(), 201);
  assert.equal(await page.locator('h1').textContent(), 'Thank you: your signature was received');
  found = await violations(page);
  assert.deepEqual(found, [], `thank-you page:\n${found.join('\n')}`);
  // The browser logs the refused post's 422 as a failed load; nothing else may appear.
  const unexpected = page.problems.filter((p) => !p.includes('status of 422'));
  assert.deepEqual(unexpected, [], 'no other console error and no CSP violation');
  await page.context().close();
});

test('axe finds no WCAG 2.2 A/AA violation on the letter page in the dark colour scheme', async () => {
  const page = await newWatchedPage(env.browser, { colorScheme: 'dark' });
  await page.addInitScript({ path: AXE });
  await page.goto(`${env.receiver.url}/campaigns/${CAMPAIGN}`);
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), 'rgb(18, 18, 18)', 'the dark styles apply');
  const found = await violations(page);
  assert.deepEqual(found, [], `letter page, dark:\n${found.join('\n')}`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a browser asking for Spanish gets the letter page and the thank-you page in Spanish', async () => {
  const page = await newWatchedPage(env.browser, { locale: 'es-MX' });
  await page.addInitScript({ path: AXE });
  await page.goto(`${env.receiver.url}/campaigns/${CAMPAIGN}`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  assert.equal(await page.locator('#sign-heading').textContent(), 'Firme la carta');
  let found = await violations(page);
  assert.deepEqual(found, [], `letter page, Spanish:\n${found.join('\n')}`);
  const form = page.locator('form.sign');
  await form.getByLabel('Una persona').check();
  await form.getByLabel('Nombre completo').fill('Sofía Sin Script');
  await form.getByLabel('Correo electrónico').fill('sofia@example.org');
  const response = await submit(page, form, 'Firmar la carta');
  assert.equal(response.status(), 201);
  assert.equal(await page.locator('h1').textContent(), 'Gracias por firmar');
  found = await violations(page);
  assert.deepEqual(found, [], `thank-you page, Spanish:\n${found.join('\n')}`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
