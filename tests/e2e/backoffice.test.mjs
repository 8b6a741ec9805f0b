// The organizers' back office (/admin) end to end in Chromium over a real receiver, on SQLite and
// on PostgreSQL: an owner (made with the CLI) invites a moderator, an editor and a viewer, by mail
// over a real SMTP conversation (smtp-sink.mjs, as mail.test.mjs); the moderator opens the mail's
// link, chooses a password, and approves an organization, which appears in an open widget; the editor changes a
// demand's status, which an open widget shows within 2 s; an export is downloaded and appears in
// the audit log; a viewer asking for emails is refused; a cross-site form post is refused; wrong
// passwords are throttled; axe finds no WCAG 2.2 A/AA violation on any page, light and dark; the
// print page carries the whole letter and its signatories. The SQLite run also takes the
// screenshots of docs/organizers.md: into a temporary folder on an ordinary run, into
// docs/organizers/ with UNDERSIGNED_DOCS_SCREENSHOTS=1 (and then only the images whose pixels
// changed are rewritten), so that running the tests leaves the working tree as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { startReceiver, launchBrowser, newPage, postgresDatabase, repoRoot } from './harness.mjs';
import { startSmtpSink } from './smtp-sink.mjs';
import * as wire from './wire.mjs';

const CAMPAIGN = 'dhs-paragon';
const PASSWORD = 'correct horse battery staple';
const AXE = join(repoRoot, 'tests/e2e/node_modules/axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const DOCS_SHOTS = join(repoRoot, 'docs/organizers');
const WRITE_DOCS = process.env.UNDERSIGNED_DOCS_SCREENSHOTS === '1';
const ADMIN_TOKEN = 'backoffice-e2e-admin-token-0123456789';
const SMTP_USER = 'receiver@test.example';
const SMTP_PASSWORD = 'e2e-smtp-password';

let browser;
let sink;
before(async () => {
  browser = await launchBrowser();
  sink = await startSmtpSink({ user: SMTP_USER, password: SMTP_PASSWORD });
});
after(async () => {
  await browser?.close();
  await sink?.close();
});

/** `undersigned-server admin --database-url URL …`, with `input` on standard input. */
function adminCli(databaseUrl, args, input = '') {
  const server = process.env.UNDERSIGNED_SERVER ?? join(repoRoot, 'target/debug/undersigned-server');
  return new Promise((resolve, reject) => {
    const child = spawn(server, ['admin', '--database-url', databaseUrl, ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`admin ${args.join(' ')} failed:\n${out}`))));
    child.stdin.end(input);
  });
}

async function signIn(page, base, email, password = PASSWORD) {
  await page.goto(`${base}/admin/sign-in`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  const [response] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return response;
}

/** The owner invites `email` as `role` on the Organizers page; the invitation arrives by mail
 * (SMTP); the new organizer (in a fresh browser context) opens its link, chooses a password and
 * is signed in. Returns their page. */
async function invite(owner, base, email, role) {
  const after = sink.mails.length;
  await owner.goto(`${base}/admin/campaigns/${CAMPAIGN}/organizers`);
  await owner.fill('#invite-email', email);
  await owner.selectOption('#invite-role', role);
  await Promise.all([owner.waitForNavigation(), owner.click('#invite ~ form button[type=submit]')]);
  assert.match(await owner.locator('.notice').textContent(), /is on its way/);
  assert.equal(await owner.locator('code.secret').count(), 0, 'with SMTP the link goes by mail only');
  const mail = await sink.waitFor(email, { after });
  assert.match(mail.subject, /You are invited to the back office of/);
  assert.match(mail.text, new RegExp(`with the role “${role[0].toUpperCase()}${role.slice(1)}”`));
  const link = mail.text.match(/https?:\/\/\S+\/admin\/welcome\/[0-9a-f]{64}/)?.[0];
  assert.ok(link, mail.text);
  assert.ok(link.startsWith(base), `the link points at this receiver: ${link}`);
  const page = await newPage(browser);
  await page.goto(link);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  assert.equal(new URL(page.url()).pathname, '/admin');
  return page;
}

/** A PNG's pixels: its header and its decompressed image data (the same picture encoded twice
 * may differ in bytes, never in these). */
function pngPixels(bytes) {
  const parts = [];
  let header = '';
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') header = data.toString('hex');
    if (type === 'IDAT') parts.push(data);
    at += 12 + length;
  }
  return { header, data: inflateSync(Buffer.concat(parts)) };
}

/** Takes a screenshot of `page` named `name`: into `dir`, or, for the docs, into docs/organizers
 * only when its pixels differ from the image there. */
async function screenshot(page, dir, name, options = {}) {
  const bytes = await page.screenshot({ ...options });
  const path = join(dir, `${name}.png`);
  if (dir === DOCS_SHOTS && existsSync(path)) {
    const [before, now] = [pngPixels(readFileSync(path)), pngPixels(bytes)];
    if (before.header === now.header && before.data.equals(now.data)) return;
  }
  writeFileSync(path, bytes);
}

async function axeViolations(page) {
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' > ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
}

/** Text of the widget's shadow root on `page` contains `needle` within `timeout` ms. */
async function widgetShows(page, needle, timeout) {
  await page.waitForFunction((text) => document.querySelector('undersigned-letter')?.shadowRoot?.textContent?.includes(text), needle, { timeout });
}

/** The text a reader sees of core's inlines (`{"text"}`, `{"emphasis"}`, `{"strong"}`, `{"link"}`;
 * footnote markers are left out, as core's plain_text does). */
function plain(inlines) {
  return (inlines ?? []).map((i) => i.text ?? (i.emphasis || i.strong ? plain(i.emphasis ?? i.strong) : i.link ? plain(i.link.children) : '')).join('');
}

/** The text of `inlines` before the first footnote marker (which the page shows as a number). */
function plainUntilNote(inlines) {
  const at = (inlines ?? []).findIndex((i) => i.footnote_ref !== undefined);
  return plain(at < 0 ? inlines : inlines.slice(0, at));
}

async function flow(backend) {
  const databaseUrl = backend === 'postgres' ? await postgresDatabase('undersigned_e2e_backoffice') : undefined;
  const receiver = await startReceiver({
    databaseUrl,
    extraArgs: ['--admin-token', ADMIN_TOKEN, '--smtp-url', sink.url],
    env: { UNDERSIGNED_SMTP_PASSWORD: SMTP_PASSWORD },
  });
  const base = receiver.url;
  const db = databaseUrl ?? `sqlite://${join(receiver.dataDir, 'undersigned.db')}`;
  const pages = [];
  try {
    await adminCli(db, ['add-organizer', 'owner@coalition.example', '--name', 'Olivia Owner', '--password-stdin'], `${PASSWORD}\n`);
    // An organization signs: it waits for approval (organizations_need_review by default).
    const signed = await fetch(`${base}/api/campaigns/${CAMPAIGN}/signatures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'organization', organization: 'Surveillance Watch Collective', organization_website: 'https://watch.example', may_sign_for_organization: true, name: 'Sam Contact', email: 'sam@watch.example', list_publicly: true, fill_ms: 12000 }),
    });
    assert.equal((await signed.json()).status, wire.answer.Pending, 'the organization waits for approval');

    const owner = await newPage(browser);
    pages.push(owner);
    const res = await signIn(owner, base, 'owner@coalition.example');
    assert.equal(res.status(), 200);
    assert.equal(new URL(owner.url()).pathname, '/admin');

    const moderator = await invite(owner, base, 'mo@coalition.example', 'moderator');
    const editor = await invite(owner, base, 'ed@coalition.example', 'editor');
    const viewer = await invite(owner, base, 'vi@coalition.example', 'viewer');
    pages.push(moderator, editor, viewer);

    // An open widget on the demo page.
    const widget = await newPage(browser);
    pages.push(widget);
    await widget.goto(`${base}/`);
    await widget.locator('undersigned-letter .signer-count').waitFor({ timeout: 15_000 });

    // The moderator approves the organization from the keyboard; the widget lists it.
    await moderator.goto(`${base}/admin/campaigns/${CAMPAIGN}/moderation`);
    assert.match(await moderator.locator('#q-organizations + form tbody tr, #q-organizations ~ form tbody tr').first().textContent(), /https:\/\/watch\.example domain verified/, 'the contact writes from the organization\'s own domain');
    const box = moderator.getByLabel('Select Surveillance Watch Collective');
    await box.focus();
    await moderator.keyboard.press('Space');
    assert.ok(await box.isChecked());
    await moderator.locator('button[value=approve]').first().focus();
    await Promise.all([moderator.waitForNavigation(), moderator.keyboard.press('Enter')]);
    assert.match(await moderator.locator('.notice').textContent(), /1 signer/);
    await widgetShows(widget, 'Surveillance Watch Collective', 10_000);

    // The editor changes a demand's status; the open widget shows it within 2 s.
    await editor.goto(`${base}/admin/campaigns/${CAMPAIGN}/demands/contract-details`);
    await editor.check('#status-disclosed');
    const note = `Released in full (${backend} back office test).`;
    await editor.fill('#note', note);
    await Promise.all([editor.waitForNavigation(), editor.click('button[value=preview]')]);
    assert.match(await editor.locator('.preview').textContent(), /Released in full/);
    await Promise.all([editor.waitForNavigation(), editor.click('button[value=save]')]);
    await widgetShows(widget, note, 2_000);

    // A viewer asking for emails is refused by the server, and sees none on the signers page.
    const refused = await viewer.request.get(`${base}/admin/campaigns/${CAMPAIGN}/signers.csv`);
    assert.equal(refused.status(), 403);
    await viewer.goto(`${base}/admin/campaigns/${CAMPAIGN}/signers`);
    assert.doesNotMatch(await viewer.content(), /sam@watch\.example/);

    // An export is downloaded and appears in the audit log.
    await owner.goto(`${base}/admin/campaigns/${CAMPAIGN}/signers`);
    const [download] = await Promise.all([owner.waitForEvent('download'), owner.click('a[download]')]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.match(csv, /sam@watch\.example/);
    await owner.goto(`${base}/admin/campaigns/${CAMPAIGN}/audit?action=signers.export`);
    assert.match(await owner.locator('tbody').textContent(), /owner@coalition\.example\s*signers\.export/);

    // A cross-site form post is refused (a page on another site posting to the settings).
    const evil = await newPage(browser);
    pages.push(evil);
    await evil.route('http://evil.example/**', (route) => route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: `<form method="post" action="${base}/admin/campaigns/${CAMPAIGN}/settings"><input name="moderation" value="review"><input name="allowed_origins" value="*"><button>go</button></form>`,
    }));
    await evil.goto('http://evil.example/');
    const [crossSite] = await Promise.all([evil.waitForNavigation(), evil.click('button')]);
    assert.equal(crossSite.status(), 403);
    const settings = await (await fetch(`${base}/api/admin/campaigns/${CAMPAIGN}/settings`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
    assert.deepEqual([settings.moderation, settings.allowed_origins], ['auto', []], 'nothing changed');

    // The owner sets the campaign's goal in the settings; a widget with no goal attribute that
    // loads the campaign from this receiver (the receiver's own frame, /embed/…) draws the bar.
    await owner.goto(`${base}/admin/campaigns/${CAMPAIGN}/settings`);
    assert.ok(await owner.locator('#confirmation-off').isChecked(), 'the confirmation setting, as stored');
    await owner.fill('#goal', '1000');
    await Promise.all([owner.waitForNavigation(), owner.click('main form button[type=submit]')]);
    assert.match(await owner.locator('.notice').textContent(), /Saved/);
    assert.equal((await (await fetch(`${base}/api/campaigns/${CAMPAIGN}`)).json()).goal, 1000, 'served in the campaign data');
    const framed = await newPage(browser);
    const failed = [];
    framed.on('response', (r) => { if (r.status() >= 400) failed.push(new URL(r.url()).pathname); });
    await framed.goto(`${base}/embed/${CAMPAIGN}`);
    await widgetShows(framed, 'toward a goal of 1,000', 15_000);
    // Opened on its own (not in a partner's iframe), the frame page makes Chromium ask for
    // /favicon.ico, which the receiver does not serve: the only failure allowed here.
    assert.deepEqual(failed.filter((p) => p !== '/favicon.ico'), []);
    assert.deepEqual(framed.problems.filter((p) => !/status of 404/.test(p)), [], 'no other page error');
    await framed.context().close();

    // Repeated wrong passwords are throttled: then even the right one waits.
    const stranger = await newPage(browser);
    pages.push(stranger);
    for (let i = 0; i < 5; i += 1) {
      assert.equal((await signIn(stranger, base, 'vi@coalition.example', 'not the password at all')).status(), 401);
    }
    const throttled = await signIn(stranger, base, 'vi@coalition.example');
    assert.equal(throttled.status(), 429);
    assert.match(await stranger.locator('.problem').textContent(), /Too many failed sign-ins/);

    // The print page carries the whole letter and every signatory of the campaign file.
    const campaign = await (await fetch(`${base}/api/campaigns/${CAMPAIGN}`)).json();
    await owner.goto(`${base}/admin/campaigns/${CAMPAIGN}/delivery/print`);
    const printed = (await owner.locator('main').innerText()).replace(/\s+/g, ' ');
    assert.ok(printed.includes(campaign.title));
    const names = [...(campaign.signatories?.organizations ?? []), ...(campaign.signatories?.individuals ?? [])].map((s) => s.name);
    for (const name of names) assert.ok(printed.includes(name.replace(/\s+/g, ' ')), `the print page lacks the signatory ${name}`);
    const listed = await owner.locator('article .signatories li').count();
    assert.equal(listed, names.length, 'every signatory of the campaign file, once');
    for (const block of campaign.body) {
      if (block.paragraph) {
        const text = plainUntilNote(block.paragraph).replace(/\s+/g, ' ').trim();
        if (text) assert.ok(printed.includes(text.slice(0, 80)), `the print page lacks “${text.slice(0, 60)}…”`);
      }
    }
    assert.ok(printed.includes('Surveillance Watch Collective'), 'approved signers are on the letter');

    // axe on every page, light and dark (and the screenshots, once).
    const paths = [
      ['home', '/admin'],
      ['overview', `/admin/campaigns/${CAMPAIGN}`],
      ['demands', `/admin/campaigns/${CAMPAIGN}/demands`],
      ['demand', `/admin/campaigns/${CAMPAIGN}/demands/contract-details`],
      ['moderation', `/admin/campaigns/${CAMPAIGN}/moderation`],
      ['signers', `/admin/campaigns/${CAMPAIGN}/signers`],
      ['letter', `/admin/campaigns/${CAMPAIGN}/letter`],
      ['delivery', `/admin/campaigns/${CAMPAIGN}/delivery`],
      ['print', `/admin/campaigns/${CAMPAIGN}/delivery/print`],
      ['embed', `/admin/campaigns/${CAMPAIGN}/embed`],
      ['settings', `/admin/campaigns/${CAMPAIGN}/settings`],
      ['organizers', `/admin/campaigns/${CAMPAIGN}/organizers`],
      ['audit', `/admin/campaigns/${CAMPAIGN}/audit`],
    ];
    const context = owner.context();
    for (const scheme of ['light', 'dark']) {
      const page = await context.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      await page.addInitScript({ path: AXE });
      for (const [name, path] of paths) {
        await page.goto(`${base}${path}`);
        const found = await axeViolations(page);
        assert.deepEqual(found, [], `axe violations on ${path} (${scheme}):\n${found.join('\n')}`);
      }
      const signInPage = await browser.newPage({ colorScheme: scheme });
      await signInPage.addInitScript({ path: AXE });
      await signInPage.goto(`${base}/admin/sign-in`);
      assert.deepEqual(await axeViolations(signInPage), [], `axe on the sign-in page (${scheme})`);
      await signInPage.close();
      await page.close();
    }
    if (backend === 'sqlite') {
      const dir = WRITE_DOCS ? DOCS_SHOTS : mkdtempSync(join(tmpdir(), 'undersigned-shots-'));
      const shot = await context.newPage();
      await shot.setViewportSize({ width: 1100, height: 800 });
      for (const [name, path] of paths.filter(([n]) => ['overview', 'moderation', 'audit'].includes(n))) {
        await shot.goto(`${base}${path}`);
        await screenshot(shot, dir, name, { fullPage: false });
      }
      await shot.goto(`${base}/admin/campaigns/${CAMPAIGN}/demands/contract-details`);
      await shot.check('#status-partially_disclosed');
      await shot.fill('#note', 'Released with redactions.');
      await Promise.all([shot.waitForNavigation(), shot.click('button[value=preview]')]);
      await screenshot(shot, dir, 'demand', { fullPage: true });
      const anonymous = await browser.newPage({ viewport: { width: 1100, height: 600 } });
      await anonymous.goto(`${base}/admin/sign-in`);
      await screenshot(anonymous, dir, 'sign-in');
      await anonymous.close();
      await shot.close();
      if (!WRITE_DOCS) rmSync(dir, { recursive: true, force: true });
    }
    // The refusals above are answered with error statuses on purpose; anything else is a fault.
    for (const page of pages) assert.deepEqual(page.problems.filter((p) => !/status of (401|403|429)/.test(p)), [], `no page error on ${page.url()}`);
  } finally {
    for (const page of pages) await page.context().close().catch(() => {});
    await receiver.stop();
  }
}

test('the back office end to end on SQLite', () => flow('sqlite'));
test('the back office end to end on PostgreSQL', () => flow('postgres'));
