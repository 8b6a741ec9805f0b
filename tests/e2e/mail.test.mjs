// Email confirmation end to end, in Debian's Chromium against the real receiver, with the mail
// going over a real SMTP conversation to a real SMTP server (smtp-sink.mjs, nodemailer's
// smtp-server) that this test starts: sign in the widget → "check your inbox" → the mail → its
// confirm link's page → the button → counted and listed live in another open widget. The same
// through the letter page without JavaScript, and withdrawing through the mail's other link; an
// organization whose contact writes from its website's domain (shown "domain verified" to the
// moderator, who approves it); the mail in the widget's language rather than the browser's; and
// an organizer who publishes a changed letter in the back office and asks the earlier signers to
// endorse it: the mail → its link's page (axe, strict policy) → the button → the list shows the
// signer on the current text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startReceiver, launchBrowser, newPage, repoRoot } from './harness.mjs';
import { startSmtpSink, mailLinks } from './smtp-sink.mjs';

const CAMPAIGN = 'dhs-paragon';
const USER = 'receiver@test.example';
const PASSWORD = 'e2e-smtp-password';
const SERVER = process.env.UNDERSIGNED_SERVER ?? 'target/debug/undersigned-server';
const ORGANIZER = 'olivia@coalition.example';
const ORGANIZER_PASSWORD = 'correct horse battery staple e2e';
const AXE = join(repoRoot, 'tests/e2e/node_modules/axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** axe's WCAG 2.2 A/AA violations on `page` (which loaded axe with an init script). */
async function axeViolations(page) {
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' > ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
}

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

test('an organizer publishes a changed letter and asks earlier signers to endorse it: mail → link page → button → listed on the current text', async () => {
  // A signer of the first text, confirmed through the letter page.
  const signer = await newPage(browser);
  await signer.goto(`${receiver.url}/campaigns/${CAMPAIGN}`);
  const form = signer.locator('form.sign');
  await form.getByLabel('An individual').check();
  await form.getByLabel('Full name').fill('Rhea Revision');
  await form.getByLabel('Email').fill('rhea@example.org');
  await form.getByLabel('List my name publicly').check();
  await Promise.all([signer.waitForNavigation(), form.locator('button[type=submit]').click()]);
  assert.equal(await followAndPress(signer, mailLinks(await sink.waitFor('rhea@example.org')).confirm), 'Your signature is confirmed');
  const rhea = async () => {
    const res = await fetch(`${receiver.url}/api/campaigns/${CAMPAIGN}/signers?kind=individual&per_page=200`);
    return (await res.json()).signers.find((s) => s.name === 'Rhea Revision');
  };
  assert.equal((await rhea()).earlier_revision, undefined, 'on the current text');

  // An editor publishes a changed text in the back office: Rhea's signature stays with the first.
  const db = `sqlite://${join(receiver.dataDir, 'undersigned.db')}`;
  const added = spawnSync(SERVER, ['admin', '--database-url', db, 'add-organizer', 'edith@coalition.example', '--name', 'Edith', '--role', 'editor', '--campaign', CAMPAIGN, '--password-stdin'], { input: `${ORGANIZER_PASSWORD}\n` });
  assert.equal(added.status, 0, String(added.stderr));
  const editor = await newPage(browser);
  await editor.addInitScript({ path: AXE });
  await editor.goto(`${receiver.url}/admin/sign-in`);
  await editor.fill('#email', 'edith@coalition.example');
  await editor.fill('#password', ORGANIZER_PASSWORD);
  await Promise.all([editor.waitForNavigation(), editor.click('button[type=submit]')]);
  const letterAdmin = `${receiver.url}/admin/campaigns/${CAMPAIGN}/letter`;
  await editor.goto(letterAdmin);
  const source = await editor.locator('#source').inputValue();
  const changed = source.replace('We, the undersigned organizations and individuals, are writing about', 'We, the undersigned organizations and individuals, write about');
  assert.notEqual(changed, source, 'the campaign file holds the sentence this test rewords');
  await editor.locator('#source').fill(changed);
  await Promise.all([editor.waitForNavigation(), editor.locator('button[value=publish]').click()]);
  assert.match(await editor.locator('.notice').textContent(), /The new letter is published/);
  assert.equal((await rhea()).earlier_revision, 1, 'marked as a signer of the earlier text');
  const marked = await (await fetch(`${receiver.url}/campaigns/${CAMPAIGN}`)).text();
  assert.match(marked, /Rhea Revision <span class="muted earlier">\(signed revision 1, an earlier text\)<\/span><\/li>/);

  // The button, with the count of who would be mailed.
  for (const colorScheme of ['light', 'dark']) {
    await editor.emulateMedia({ colorScheme });
    assert.deepEqual(await axeViolations(editor), [], `axe on the letter page with the request (${colorScheme})`);
  }
  const count = await editor.locator('#endorse-count').textContent();
  const would = Number(count.match(/^(\d+) confirmed signers? of an earlier text would be mailed\.$/)?.[1]);
  assert.ok(would >= 1, count);
  const after = sink.mails.length;
  await Promise.all([editor.waitForNavigation(), editor.getByRole('button', { name: 'Mail the request to endorse the current text' }).click()]);
  assert.equal(await editor.locator('.notice').textContent(), `A request to endorse the current text was queued for ${would} signer${would === 1 ? '' : 's'}.`);

  const mail = await sink.waitFor('rhea@example.org', { after });
  assert.equal(mail.subject, 'The text of “Coalition Letter to DHS re: Paragon Solutions, Inc. Contract” changed: do you endorse the new version?');
  const { endorse, confirm } = mailLinks(mail);
  assert.ok(endorse && !confirm, mail.text);

  // The link's page: a button, strict policy, no WCAG 2.2 A/AA violation; the GET moves nothing.
  await signer.addInitScript({ path: AXE });
  const response = await signer.goto(endorse);
  assert.equal(response.status(), 200);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(await signer.locator('h1').textContent(), 'Endorse the letter\'s new text');
  for (const colorScheme of ['light', 'dark']) {
    await signer.emulateMedia({ colorScheme });
    assert.deepEqual(await axeViolations(signer), [], `axe on the endorse page (${colorScheme})`);
  }
  assert.equal((await rhea()).earlier_revision, 1, 'a GET moves nothing');
  await Promise.all([signer.waitForNavigation(), signer.locator('button[type=submit]').click()]);
  assert.equal(await signer.locator('h1').textContent(), 'You endorsed the new text');
  assert.deepEqual(await axeViolations(signer), [], 'axe on the page after the button');

  // Listed on the current text: the API and the letter page lose the mark.
  assert.equal((await rhea()).earlier_revision, undefined);
  const letter = await (await fetch(`${receiver.url}/campaigns/${CAMPAIGN}`)).text();
  assert.match(letter, /Rhea Revision<\/li>/, 'no earlier-text mark beside Rhea');
  // The organizer's request is in the audit log.
  await editor.goto(`${receiver.url}/admin/campaigns/${CAMPAIGN}/audit`);
  const line = editor.locator('tbody tr', { hasText: 'signers.endorsement_requested' });
  assert.match(await line.textContent(), new RegExp(`edith@coalition\\.example.*${would} mail\\(s\\)`));
  for (const p of [signer, editor]) {
    assert.deepEqual(p.problems.filter((x) => !/status of 403/.test(x)), [], `no page error on ${p.url()}`);
    await p.context().close();
  }
});
