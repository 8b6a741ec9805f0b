// The ordinary case of a partner: its page lives on ANOTHER origin than the receiver (here another
// port), carries a hostile stylesheet and a strict Content-Security-Policy that lists the receiver
// (the directives the configurator advises), and pastes the configurator's snippet, whose script
// comes from the receiver. The widget must render, sign (stored once) and follow live status
// changes; every file of the widget must have come from the receiver, compressed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPartnerSite } from './partner-site.mjs';
import { withReceiverAndBrowser, adminApi, newWatchedPage, waitForWidgetText, SEED_TITLE } from './embed-support.mjs';

const TOKEN = 'cross-origin-e2e-admin-token-0123456789';
const CAMPAIGN = 'dhs-paragon';

const env = withReceiverAndBrowser({ extraArgs: ['--admin-token', TOKEN] }, async (e) => {
  e.partner = await startPartnerSite();
  // The organizers list the partner's site: only listed origins may post signatures.
  const res = await admin('PUT', `/campaigns/${CAMPAIGN}/settings`, { moderation: 'auto', organizations_need_review: true, allowed_origins: [e.partner.origin], min_fill_ms: 0 });
  assert.equal(res.status, 200, await res.text());
});

after(async () => { await env.partner?.close(); });

const { request: admin, storedWith } = adminApi(env, TOKEN);

/** The snippet and CSP advice the configurator gives for the receiver's campaign, with live statuses. */
async function configuratorSnippet() {
  const page = await newWatchedPage(env.browser, { permissions: ['clipboard-read', 'clipboard-write'] });
  await page.goto(`${env.receiver.url}/www/configurator.html`);
  await waitForWidgetText(page, '#preview', SEED_TITLE);
  await page.getByLabel('Receiver URL').fill(env.receiver.url);
  await page.getByRole('button', { name: 'Copy snippet' }).click();
  await page.getByRole('status').filter({ hasText: 'Snippet copied.' }).waitFor();
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  const csp = await page.locator('#csp').textContent();
  assert.deepEqual(page.problems, []);
  await page.context().close();
  return { snippet, csp };
}

test('a partner page on another origin, hostile CSS and strict CSP, pastes the configurator snippet: it renders, signs once, follows live changes', async () => {
  const { snippet, csp } = await configuratorSnippet();
  const receiver = env.receiver.url;
  assert.ok(snippet.includes(`src="${receiver}/pkg/undersigned.js"`), `the script comes from the receiver: ${snippet}`);
  assert.match(snippet, /<form method="post" action="[^"]+\/api\/campaigns\/dhs-paragon\/signatures">/, 'the snippet carries the no-JavaScript fallback');
  // The partner's policy: nothing but its own origin, plus exactly what the configurator advises.
  const policy = `default-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; ${csp.replace(/\n/g, ' ')}`;
  assert.ok(policy.includes(`script-src ${receiver} 'wasm-unsafe-eval'`), policy);
  env.partner.publish('/letter.html', `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Partner</title><link rel="stylesheet" href="/hostile.css"></head>
<body><main><h1>Sign the letter</h1>
${snippet}
</main></body></html>`, policy);

  const page = await newWatchedPage(env.browser);
  const widgetResponses = [];
  page.on('console', (m) => console.log('PAGE', m.text()));
  page.on('request', (r) => { if (r.url().includes('more')) console.log('MORE-REQUEST', new Error().stack.split('\n').slice(0,2).join(' ')); });
  page.on('response', (r) => { if (r.url().includes('/pkg/')) widgetResponses.push(r); });
  await page.goto(`${env.partner.origin}/letter.html`);
  assert.notEqual(new URL(env.partner.origin).origin, new URL(receiver).origin);
  await waitForWidgetText(page, 'undersigned-letter', SEED_TITLE);
  // The fallback form stays in the light DOM, hidden by the shadow root.
  assert.equal(await page.locator('undersigned-letter > form').isVisible(), false);

  // The wasm's own form (its country list is complete; the pre-rendered one has one empty choice).
  await page.waitForFunction(() => document.querySelector('undersigned-letter').shadowRoot.querySelectorAll('#us-country option').length > 1);
  // While nobody has turned to the widget, only the first part of the split wasm
  // (xtask/src/build/split.rs).
  const wasmFiles = () => widgetResponses.map((r) => new URL(r.url()).pathname).filter((p) => p.endsWith('.wasm'));
  assert.deepEqual(wasmFiles(), ['/pkg/undersigned_wasm_bg.wasm'], 'the page loads the first part of the wasm only');

  // Sign with the form.
  const email = 'cross-origin-signer@example.org';
  const widget = page.locator('undersigned-letter .undersigned');
  await widget.getByLabel('An individual').check();
  await widget.getByLabel(/^Full name/).fill('Cleo Cross-Origin');
  await widget.getByLabel(/^Email/).fill(email);
  await widget.getByLabel('List my name publicly').check();
  await widget.getByRole('button', { name: 'Sign the letter' }).click();
  await waitForWidgetText(page, 'undersigned-letter', 'Thank you for signing');
  const stored = await storedWith(email);
  assert.equal(stored.length, 1, 'stored once');
  // The rest of the wasm came when the visitor turned to the form, once.
  assert.deepEqual(wasmFiles(), ['/pkg/undersigned_wasm_bg.wasm', '/pkg/undersigned_wasm_more.wasm']);
  // Every widget file came from the receiver, readable cross-origin, compressed.
  for (const response of widgetResponses) {
    assert.ok(response.url().startsWith(`${receiver}/pkg/`), response.url());
    const headers = await response.allHeaders();
    assert.equal(headers['access-control-allow-origin'], '*', response.url());
    assert.equal(headers['cross-origin-resource-policy'], 'cross-origin', response.url());
    assert.equal(headers['content-encoding'], 'br', `${response.url()} is sent brotli-compressed`);
  }
  for (const wasm of widgetResponses.filter((r) => r.url().endsWith('.wasm'))) {
    assert.equal((await wasm.allHeaders())['content-type'], 'application/wasm', wasm.url());
  }
  assert.equal(stored[0].state, 'approved', JSON.stringify(stored[0]));

  // An organizer changes a demand's status: the partner page follows the receiver's stream.
  const campaign = await (await fetch(`${receiver}/api/campaigns/${CAMPAIGN}`)).json();
  const leaves = [];
  const walk = (demands) => demands.forEach((d) => (d.children?.length ? walk(d.children) : leaves.push(d.id)));
  for (const block of campaign.body ?? []) if (block.demands) walk(block.demands);
  const note = 'Released in part to the coalition (cross-origin test).';
  const res = await admin('PUT', `/campaigns/${CAMPAIGN}/demands/${leaves[0]}/status`, { status: 'partially_disclosed', note, evidence: [] });
  assert.equal(res.status, 200, await res.text());
  await waitForWidgetText(page, 'undersigned-letter', note);

  assert.equal((await storedWith(email)).length, 1, 'still stored once');
  assert.deepEqual(page.problems, [], 'no console error and no CSP violation');
  await page.context().close();
});

test('offline before the visitor touches the widget: a press of sign is held, then made once when the page is back online', async () => {
  // The page of the test above (the configurator's snippet on the partner's origin). The rest of the
  // split wasm is fetched on the first interaction, which here happens offline.
  const page = await newWatchedPage(env.browser);
  await page.goto(`${env.partner.origin}/letter.html`);
  await page.waitForFunction(() => document.querySelector('undersigned-letter').shadowRoot.querySelectorAll('#us-country option').length > 1);
  await page.context().setOffline(true);
  const email = 'offline-before-touching@example.org';
  const widget = page.locator('undersigned-letter .undersigned');
  await widget.getByLabel('An individual').check();
  await widget.getByLabel(/^Full name/).fill('Olga Offline');
  await widget.getByLabel(/^Email/).fill(email);
  await widget.getByRole('button', { name: 'Sign the letter' }).click();
  await page.waitForTimeout(500);
  // Held: nothing started, nothing typed lost, the widget alive.
  assert.equal(await widget.getByLabel(/^Email/).inputValue(), email);
  assert.equal(await widget.locator('form').getAttribute('aria-busy'), 'true');
  assert.equal((await storedWith(email)).length, 0);
  await page.context().setOffline(false);
  await waitForWidgetText(page, 'undersigned-letter', 'Thank you for signing');
  assert.equal((await storedWith(email)).length, 1, 'stored once');
  const problems = page.problems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED'));
  assert.deepEqual(problems, [], 'no error beyond the requests the browser refused offline');
  await page.context().close();
});
