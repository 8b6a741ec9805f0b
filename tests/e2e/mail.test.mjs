// Email confirmation end to end, in Debian's Chromium against the real receiver, with the mail
// going over a real SMTP conversation to a real SMTP server (smtp-sink.mjs, nodemailer's
// smtp-server) that this test starts: sign in the widget → "check your inbox" → the mail → its
// confirm link's page → the button → counted and listed live in another open widget. The same
// through the letter page without JavaScript, and withdrawing through the mail's other link; an
// organization whose contact writes from its website's domain (shown "domain verified" to the
// moderator, who approves it); and the mail in the widget's language rather than the browser's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startReceiver, launchBrowser, newPage } from './harness.mjs';
import { startSmtpSink, mailLinks } from './smtp-sink.mjs';

const CAMPAIGN = 'dhs-paragon';
const USER = 'receiver@test.example';
const PASSWORD = 'e2e-smtp-password';
const SERVER = process.env.UNDERSIGNED_SERVER ?? 'target/debug/undersigned-server';
const ORGANIZER = 'olivia@coalition.example';
const ORGANIZER_PASSWORD = 'correct horse battery staple e2e';

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

test('an organization whose contact writes from its website\'s domain: confirm by mail → "domain verified" to the moderator → approved → listed live', async () => {
  const watcher = await newPage(browser);
  await watcher.goto(`${receiver.url}/`);
  await watcher.locator('undersigned-letter .signer-count').waitFor({ timeout: 15_000 });

  const page = await newPage(browser);
  await page.goto(`${receiver.url}/`);
  await page.locator('#us-kind-organization').check();
  await page.locator('#us-organization').fill('Open Archive Society');
  await page.locator('#us-organization_website').fill('www.OpenArchive.example/');
  await page.locator('#us-name').fill('Lena Contact');
  await page.locator('#us-email').fill('lena@openarchive.example');
  await page.locator('#us-list_publicly').check();
  // The statement is required: without it the form says so beside the box.
  await page.locator('button.sign').click();
  await waitForShadowText(page, 'Tick the box to confirm that you may sign for this organization.');
  await page.locator('#us-may_sign_for_organization').check();
  await page.locator('button.sign').click();
  await waitForShadowText(page, 'Check your inbox to confirm');

  const mail = await sink.waitFor('lena@openarchive.example');
  assert.match(mail.text, /What will be listed publicly: Open Archive Society\./);
  assert.equal(await followAndPress(page, mailLinks(mail).confirm), 'Your signature is confirmed');

  // Confirmed, then moderation as for every organization.
  const db = `sqlite://${join(receiver.dataDir, 'undersigned.db')}`;
  const added = spawnSync(SERVER, ['admin', '--database-url', db, 'add-organizer', ORGANIZER, '--name', 'Olivia', '--password-stdin'], { input: `${ORGANIZER_PASSWORD}\n` });
  assert.equal(added.status, 0, String(added.stderr));
  const moderator = await newPage(browser);
  await moderator.goto(`${receiver.url}/admin/sign-in`);
  await moderator.fill('#email', ORGANIZER);
  await moderator.fill('#password', ORGANIZER_PASSWORD);
  await Promise.all([moderator.waitForNavigation(), moderator.click('button[type=submit]')]);
  await moderator.goto(`${receiver.url}/admin/campaigns/${CAMPAIGN}/moderation`);
  const row = moderator.locator('#q-organizations ~ form tbody tr', { hasText: 'Open Archive Society' });
  assert.match(await row.textContent(), /https:\/\/www\.openarchive\.example domain verified/);
  await row.getByLabel('Select Open Archive Society').check();
  await Promise.all([moderator.waitForNavigation(), moderator.locator('button[value=approve]').first().click()]);
  assert.match(await moderator.locator('.notice').textContent(), /1 signer/);

  await waitForShadowText(watcher, 'Open Archive Society');
  for (const p of [watcher, page, moderator]) await p.context().close();
});

test('the mail is in the widget\'s language (lang="es"), not the browser\'s (English)', async () => {
  const page = await newPage(browser);
  await page.goto(`${receiver.url}/www/blank.html`);
  await page.addScriptTag({ type: 'module', url: '/pkg/undersigned.js' });
  await page.evaluate((receiverUrl) => {
    const widget = document.createElement('undersigned-letter');
    widget.setAttribute('receiver', receiverUrl);
    widget.setAttribute('lang', 'es');
    document.body.append(widget);
  }, receiver.url);
  assert.equal(await page.evaluate(() => navigator.language.slice(0, 2)), 'en', 'the browser itself asks for English');
  await page.locator('#us-name').fill('Eva Española');
  await page.locator('#us-email').fill('eva@example.org');
  await page.locator('button.sign').click();
  const mail = await sink.waitFor('eva@example.org');
  assert.equal(mail.subject, 'Confirme su firma de «Coalition Letter to DHS re: Paragon Solutions, Inc. Contract»');
  assert.match(mail.text, /Su firma cuenta solo cuando la confirme/);
  await page.context().close();
});
