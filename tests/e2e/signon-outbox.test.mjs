// Exactly once across page loads: with the receiver down, a visitor signs and closes the page (the
// signature waits in the browser's outbox); the receiver starts; the page is opened again and
// sends it; the receiver holds that signature exactly once — and opening the page once more sends
// nothing. The partner page is served from its own origin, which stays up throughout.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, launchBrowser, startReceiver } from './harness.mjs';
import { startPageServer } from './capture-endpoint.mjs';

const EMAIL = 'outbox.test@example.org';
const TOKEN = 'e2e-outbox-admin-token-0123456789abcdef';
const SAVED = 'Saved on this device';
const DELIVERED = 'The signature saved on this device earlier has been delivered.';

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const outboxKeys = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('undersigned.outbox.')));

async function waitForWidgetText(page, text) {
  await page.waitForFunction((t) => document.querySelector('undersigned-letter')?.shadowRoot?.textContent?.includes(t), text, { timeout: 20_000 });
}

/** The receiver's stored signers (every moderation state) whose record mentions `email`. */
async function signersWith(receiver, email) {
  const res = await fetch(`${receiver.url}/api/admin/campaigns/dhs-paragon/signers?per_page=1000`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200, await res.clone().text());
  const { signers } = await res.json();
  return signers.filter((s) => JSON.stringify(s).includes(email));
}

test('a signature made while the receiver is down is delivered exactly once by a later page', async () => {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'undersigned-outbox-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const site = await startPageServer();
  cleanups.push(() => site.stop());
  const browser = await launchBrowser();
  cleanups.push(() => browser.close());
  const pageUrl = site.page('/letter.html', { endpoint: `http://127.0.0.1:${port}/api/campaigns/dhs-paragon/signatures` });
  // One browser profile across the visits: localStorage is what carries the signature.
  const context = await browser.newContext();
  const problems = [];
  const open = async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pageUrl);
    await page.locator('#us-email').waitFor();
    return page;
  };

  // 1. The receiver is not running: the signature is kept on the device.
  const first = await open();
  await first.locator('#us-name').fill('Outbox Tester');
  await first.locator('#us-email').fill(EMAIL);
  await first.locator('button.sign').click();
  await waitForWidgetText(first, SAVED);
  assert.equal((await outboxKeys(first)).length, 1, 'the signature waits in the outbox');
  await first.close();

  // 2. The receiver starts on the address the page posts to.
  const receiver = await startReceiver({ port, dataDir, extraArgs: ['--allow-origin', site.url], env: { UNDERSIGNED_ADMIN_TOKEN: TOKEN } });
  cleanups.push(() => receiver.stop());
  assert.equal((await signersWith(receiver, EMAIL)).length, 0, 'nothing arrived while the page was closed');

  // 3. The page is opened again: it sends what waited, and the receiver holds it once.
  const second = await open();
  await waitForWidgetText(second, DELIVERED);
  assert.deepEqual(await outboxKeys(second), [], 'the outbox is empty once the receiver confirmed');
  assert.equal((await signersWith(receiver, EMAIL)).length, 1);
  await second.close();

  // 4. Another visit sends nothing more.
  const third = await open();
  assert.deepEqual(await outboxKeys(third), []);
  assert.ok(!(await third.evaluate(() => document.querySelector('undersigned-letter').shadowRoot.textContent)).includes(DELIVERED));
  assert.equal((await signersWith(receiver, EMAIL)).length, 1, 'still exactly one signature');
  assert.deepEqual(problems, []);
});
