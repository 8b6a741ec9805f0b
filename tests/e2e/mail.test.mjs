// Email confirmation end to end, in Debian's Chromium against the real receiver, with the mail
// going over a real SMTP conversation to a real SMTP server (smtp-sink.mjs, nodemailer's
// smtp-server) that this test starts: sign in the widget → "check your inbox" → the mail → its
// confirm link's page → the button → counted and listed live in another open widget. The same
// through the letter page without JavaScript, and withdrawing through the mail's other link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startReceiver, launchBrowser, newPage } from './harness.mjs';
import { startSmtpSink, mailLinks } from './smtp-sink.mjs';

const CAMPAIGN = 'dhs-paragon';
const USER = 'receiver@test.example';
const PASSWORD = 'e2e-smtp-password';

let sink;
let receiver;
let browser;
before(async () => {
  sink = await startSmtpSink({ user: USER, password: PASSWORD });
  receiver = await startReceiver({
    confirmation: 'email',
    extraArgs: ['--smtp-url', sink.url],
    env: { UNDERSIGNED_SMTP_PASSWORD: PASSWORD },
  });
  // No minimum fill time: a test fills the form faster than a person (and than the 3 s that keep
  // fast bots apart).
  execFileSync(process.env.UNDERSIGNED_SERVER ?? 'target/debug/undersigned-server', [
    'admin', '--database-url', `sqlite://${join(receiver.dataDir, 'undersigned.db')}`,
    'settings', CAMPAIGN, '--min-fill-ms', '0',
  ], { stdio: 'ignore' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await receiver?.stop();
  await sink?.close();
});

const shadowText = (page) => page.evaluate(() => document.querySelector('undersigned-letter')?.shadowRoot?.textContent ?? '');

async function waitForShadowText(page, needle, timeout = 15_000) {
  await page.waitForFunction(
    (text) => document.querySelector('undersigned-letter')?.shadowRoot?.textContent?.includes(text),
    needle,
    { timeout },
  );
}

/** The public count of the seed campaign. */
async function total() {
  const res = await fetch(`${receiver.url}/api/campaigns/${CAMPAIGN}/signers?kind=individual`);
  return (await res.json()).counts.total;
}

/** Opens a link from a mail and presses its page's one button; returns the page's heading. */
async function followAndPress(page, link) {
  await page.goto(link);
  await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()]);
  return page.locator('h1').textContent();
}

test('widget: sign → check your inbox → the mail → confirm on its page → counted and listed live in an open widget', async () => {
  const watcher = await newPage(browser);
  await watcher.goto(`${receiver.url}/`);
  await watcher.locator('undersigned-letter .signer-count').waitFor({ timeout: 15_000 });
  const start = await total();

  const page = await newPage(browser);
  await page.goto(`${receiver.url}/`);
  await page.locator('#us-name').fill('Wren Widget');
  await page.locator('#us-title').fill('Archivist');
  await page.locator('#us-email').fill('wren@example.org');
  await page.locator('#us-list_publicly').check();
  await page.locator('button.sign').click();
  await waitForShadowText(page, 'Check your inbox to confirm');
  assert.match(await shadowText(page), /link to confirm your signature/);
  assert.equal(await total(), start, 'not counted before confirmation');

  const mail = await sink.waitFor('wren@example.org');
  assert.equal(mail.subject, 'Confirm your signature on “Coalition Letter to DHS re: Paragon Solutions, Inc. Contract”');
  assert.match(mail.text, /What will be listed publicly: Wren Widget, Archivist\./);
  const { confirm, withdraw } = mailLinks(mail);
  assert.ok(confirm && withdraw, mail.text);

  const heading = await followAndPress(page, confirm);
  assert.equal(heading, 'Your signature is confirmed');
  assert.equal(await total(), start + 1);
  // The open widget learns it from the live events: the count and the list.
  await waitForShadowText(watcher, 'Wren Widget, Archivist');
  assert.match(await shadowText(watcher), new RegExp(`${start + 1} signatures?`));

  // Withdrawing through the mail's other link: out of the count and the list at once.
  assert.equal(await followAndPress(page, withdraw), 'Your signature was withdrawn');
  assert.equal(await total(), start);
  await watcher.waitForFunction(
    () => !document.querySelector('undersigned-letter').shadowRoot.textContent.includes('Wren Widget'),
    null,
    { timeout: 15_000 },
  );
  await watcher.context().close();
  await page.context().close();
});

test('without JavaScript: the letter page form → check your inbox → the mail → confirm → listed on the letter page', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${receiver.url}/campaigns/${CAMPAIGN}`);
  const form = page.locator('form.sign');
  await form.getByLabel('An individual').check();
  await form.getByLabel('Full name').fill('Nils No-Script');
  await form.getByLabel('Email').fill('nils@example.org');
  await form.getByLabel('List my name publicly').check();
  const [response] = await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
  assert.equal(response.status(), 202);
  assert.equal(await page.locator('h1').textContent(), 'Check your inbox to confirm');

  const mail = await sink.waitFor('nils@example.org');
  const { confirm } = mailLinks(mail);
  // A GET of the link (a mail scanner would do the same) only shows the button.
  await page.goto(confirm);
  assert.equal(await page.locator('h1').textContent(), 'Confirm your signature');
  assert.doesNotMatch(await (await fetch(`${receiver.url}/campaigns/${CAMPAIGN}`)).text(), /Nils No-Script/);
  await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()]);
  assert.equal(await page.locator('h1').textContent(), 'Your signature is confirmed');
  await page.goto(`${receiver.url}/campaigns/${CAMPAIGN}`);
  assert.match(await page.locator('main').textContent(), /Nils No-Script/);
  await context.close();
});
