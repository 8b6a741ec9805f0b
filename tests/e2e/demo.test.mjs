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

test('the wasm is served as application/wasm', async () => {
  const res = await fetch(`${receiver.url}/pkg/undersigned_wasm_bg.wasm`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/wasm');
});
