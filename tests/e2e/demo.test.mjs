// The demo page served by the real receiver renders the seed letter inside the widget's shadow root.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, launchBrowser, newPage, waitForShadowText } from './harness.mjs';

let receiver;
let browser;
before(async () => {
  receiver = await startReceiver();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await receiver?.stop();
});

test('the demo page shows the seed letter title inside the shadow root', async () => {
  const page = await newPage(browser);
  await page.goto(`${receiver.url}/`);
  await waitForShadowText(page, 'Coalition Letter to DHS re: Paragon Solutions, Inc. Contract');
  const light = await page.evaluate(() => document.querySelector('undersigned-letter').textContent);
  assert.equal(light.trim(), '', 'the letter renders in the shadow root, not the light DOM');
  assert.deepEqual(page.problems, []);
});

test('a fresh demo opens at 46 signatures: the letter\'s own 41 organizations and 5 individuals, listed', async () => {
  const page = await newPage(browser);
  await page.goto(`${receiver.url}/`);
  await waitForShadowText(page, '46 signatures');
  const widget = page.locator('undersigned-letter');
  await widget.locator('.signer-group.individual li').first().waitFor({ timeout: 10_000 });
  assert.deepEqual(await widget.locator('.signer-group h3').allTextContents(), ['Organizations (41)', 'Individuals (5)']);
  const organizations = await widget.locator('.signer-group.organization li').allTextContents();
  assert.equal(organizations.length, 41);
  assert.equal(organizations[0], 'Access Now');
  assert.ok(organizations.includes('Electronic Frontier Foundation') && organizations.includes('Amnesty International'));
  const individuals = await widget.locator('.signer-group.individual li').allTextContents();
  assert.ok(individuals.includes('Riana Pfefferkorn, Policy Fellow, Stanford Institute for Human-Centered AI'), individuals.join(' | '));
  assert.deepEqual(page.problems, []);
});

test('the wasm is served as application/wasm', async () => {
  const res = await fetch(`${receiver.url}/pkg/undersigned_wasm_bg.wasm`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/wasm');
});
