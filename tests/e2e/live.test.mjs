// The live list end to end, in Debian's Chromium against the real receiver (which serves the
// widget package): a static status feed polled with If-None-Match, a malformed feed, the pause
// control, a status change made through the receiver's admin API arriving over SSE, and the status
// feed read instead while the receiver's streams are full (503 busy).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startReceiver, launchBrowser, newPage } from './harness.mjs';
import * as wire from './wire.mjs';

const CAMPAIGN = 'dhs-paragon';

let receiver;
let browser;
let feedServer;
before(async () => {
  receiver = await startReceiver();
  browser = await launchBrowser();
  feedServer = await startFeedServer();
});
after(async () => {
  await browser?.close();
  await receiver?.stop();
  await feedServer?.close();
});

/**
 * A static host for a status feed, as an organizer without a receiver would use: answers with an
 * ETag and 304 to a matching If-None-Match, allows any origin, and records every request.
 */
async function startFeedServer() {
  let version = 0;
  let body = '';
  const requests = [];
  const server = createServer((req, res) => {
    const etag = `"v${version}"`;
    requests.push({ ifNoneMatch: req.headers['if-none-match'], etag });
    const headers = { 'Access-Control-Allow-Origin': '*', ETag: etag, 'Cache-Control': 'no-cache' };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
    } else {
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(body);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/status.json`,
    requests,
    /** Publishes a new version of the file (a new ETag). */
    publish(text) {
      version += 1;
      body = text;
      return `"v${version}"`;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** The ids of the campaign's leaf demands, in reading order, as the receiver serves the campaign. */
async function leafDemandIds() {
  const campaign = await (await fetch(`${receiver.url}/api/campaigns/${CAMPAIGN}`)).json();
  const leaves = [];
  const walk = (demands) => demands.forEach((d) => (d.children?.length ? walk(d.children) : leaves.push(d.id)));
  for (const block of campaign.body ?? []) if (block.demands) walk(block.demands);
  assert.ok(leaves.length > 0, 'the seed campaign has demands');
  return leaves;
}

function feed(demands) {
  return JSON.stringify({ format: 'undersigned-status/1', campaign: CAMPAIGN, updated_at: null, demands });
}

/**
 * Opens a blank page served by the receiver (over the network, so that Chromium's local-network
 * rules see a loopback page) and adds the loader and one widget with `attributes`.
 */
async function openWidget(attributes) {
  const page = await newPage(browser);
  await page.goto(`${receiver.url}/www/blank.html`);
  await page.addScriptTag({ type: 'module', url: '/pkg/undersigned.js' });
  await page.evaluate((attrs) => {
    const widget = document.createElement('undersigned-letter');
    for (const [name, value] of Object.entries(attrs)) widget.setAttribute(name, value);
    document.body.append(widget);
  }, attributes);
  await page.locator('undersigned-letter .live-summary').waitFor({ timeout: 15_000 });
  return page;
}

/** Text of the live list inside the widget's shadow root. */
function liveText(page) {
  return page.evaluate(() => document.querySelector('undersigned-letter').shadowRoot.querySelector('.live')?.textContent ?? '');
}

/** Waits until the live list's text contains `needle` (Playwright polls; `timeout` is the bound). */
async function waitForLiveText(page, needle, timeout = 10_000) {
  await page.waitForFunction(
    (text) => document.querySelector('undersigned-letter')?.shadowRoot?.querySelector('.live')?.textContent?.includes(text),
    needle,
    { timeout },
  );
}

test('polling a static feed: a changed file is picked up, revalidated with If-None-Match', async () => {
  const [first] = await leafDemandIds();
  const firstEtag = feedServer.publish(feed([{ id: first, status: 'partially_disclosed', note: 'First version of the note.', evidence: [] }]));
  const page = await openWidget({ 'status-feed': feedServer.url, 'status-poll-interval': '1' });
  await waitForLiveText(page, 'First version of the note.');
  assert.equal(await page.locator('undersigned-letter .live-announcer[role=status]').textContent(), '', 'the first answer is not announced as a change');

  const seen = feedServer.requests.length;
  feedServer.publish(feed([{ id: first, status: 'disclosed', note: 'Second version: released in full.', updated_at: '2026-11-26T12:00:00Z', evidence: [] }]));
  await waitForLiveText(page, 'Second version: released in full.');
  const later = feedServer.requests.slice(seen);
  assert.ok(later.some((r) => r.ifNoneMatch === firstEtag), `a poll revalidated the first version: ${JSON.stringify(later)}`);
  assert.match(await page.locator('undersigned-letter .live-announcer[role=status]').textContent(), /Disclosed/, 'the change is announced politely');
  assert.equal(await page.locator('undersigned-letter .demand.changed').count(), 1, 'the changed item is highlighted');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a malformed feed keeps the last good state on screen with a quiet notice', async () => {
  const [first] = await leafDemandIds();
  feedServer.publish(feed([{ id: first, status: 'refused', note: 'Refused on appeal.', evidence: [] }]));
  const page = await openWidget({ 'status-feed': feedServer.url, 'status-poll-interval': '1' });
  await waitForLiveText(page, 'Refused on appeal.');
  feedServer.publish('{"format": "undersigned-status/1", "demands": [ oops');
  await page.locator('undersigned-letter .live-notice').waitFor({ timeout: 10_000 });
  const text = await liveText(page);
  assert.ok(text.includes('Refused on appeal.'), 'the last good state stays');
  assert.equal(await page.locator('undersigned-letter .live-notice').getAttribute('role'), null, 'the notice is quiet (no alert)');

  feedServer.publish(feed([{ id: first, status: 'refused', note: 'Refused on appeal.', evidence: [] }]));
  await page.locator('undersigned-letter .live-notice').waitFor({ state: 'detached', timeout: 15_000 });
  await page.context().close();
});

test('the pause control stops live updates until resumed', async () => {
  const [first] = await leafDemandIds();
  feedServer.publish(feed([{ id: first, status: 'outstanding', note: 'Before the pause.', evidence: [] }]));
  const page = await openWidget({ 'status-feed': feedServer.url, 'status-poll-interval': '1' });
  await waitForLiveText(page, 'Before the pause.');
  const button = page.locator('undersigned-letter .live-pause');
  assert.equal(await button.textContent(), 'Pause live updates');
  await button.click();
  assert.equal(await button.textContent(), 'Resume live updates');

  feedServer.publish(feed([{ id: first, status: 'disclosed', note: 'While paused.', evidence: [] }]));
  // The widget has fetched the new version once it says an update is waiting.
  await waitForLiveText(page, '1 update waiting');
  const paused = await liveText(page);
  assert.ok(paused.includes('Before the pause.') && !paused.includes('While paused.'), 'nothing on screen moved');

  await button.click();
  await waitForLiveText(page, 'While paused.', 2_000);
  assert.equal(await button.textContent(), 'Pause live updates');
  assert.match(await page.locator('undersigned-letter .live-announcer[role=status]').textContent(), /Disclosed/);
  await page.context().close();
});

test('polling waits while the tab is hidden and polls as soon as it is visible again', async () => {
  const [first] = await leafDemandIds();
  feedServer.publish(feed([{ id: first, status: 'disclosed', note: 'Fetched once visible.', evidence: [] }]));
  const page = await newPage(browser);
  const feedRequests = [];
  page.on('request', (r) => { if (r.url() === feedServer.url) feedRequests.push(r.url()); });
  await page.goto(`${receiver.url}/www/blank.html`);
  // The tab is hidden (as in a background tab) before the widget starts.
  await page.evaluate(() => {
    window.__hidden = true;
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => window.__hidden });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (window.__hidden ? 'hidden' : 'visible') });
  });
  await page.addScriptTag({ type: 'module', url: '/pkg/undersigned.js' });
  await page.evaluate((url) => {
    const widget = document.createElement('undersigned-letter');
    widget.setAttribute('status-feed', url);
    widget.setAttribute('status-poll-interval', '3600');
    document.body.append(widget);
  }, feedServer.url);
  await page.locator('undersigned-letter .live-summary').waitFor({ timeout: 15_000 });
  assert.deepEqual(feedRequests, [], 'nothing is fetched while the tab is hidden');
  assert.ok(!(await liveText(page)).includes('Fetched once visible.'));

  await page.evaluate(() => { window.__hidden = false; document.dispatchEvent(new Event('visibilitychange')); });
  // The poll that fell due while hidden runs at once, not an hour later.
  await waitForLiveText(page, 'Fetched once visible.', 5_000);
  assert.equal(feedRequests.length, 1);
  await page.context().close();
});

const ADMIN_TOKEN = 'live-e2e-admin-token-0123456789';

/** Sets a demand's status through the receiver's admin API, as an organizer would. */
async function setStatus(base, demand, update) {
  const res = await fetch(`${base}/api/admin/campaigns/${CAMPAIGN}/demands/${demand}/status`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(update),
  });
  assert.equal(res.status, 200, `the admin API accepted the change: ${await res.text()}`);
}

test('over SSE: a change made through the admin API shows within 2 s; after a restart the stream resumes', async () => {
  const own = await startReceiver({ env: { UNDERSIGNED_ADMIN_TOKEN: ADMIN_TOKEN } });
  try {
    const [, second, third] = await leafDemandIds();
    const page = await openWidget({ receiver: own.url });
    // The stream's first events (the whole feed, then the counts) have arrived once the count shows.
    await page.locator('undersigned-letter .signer-count').waitFor({ timeout: 10_000 });

    await setStatus(own.url, second, {
      status: 'partially_disclosed',
      note: 'Released with redactions (SSE test).',
      evidence: [{ url: 'https://example.org/foia/7', title: 'FOIA release', date: '2026-11-20' }],
    });
    // The asserted bound of the issue: within 2 seconds of the change.
    await waitForLiveText(page, 'Released with redactions (SSE test).', 2_000);
    assert.match(await page.locator('undersigned-letter .live-announcer[role=status]').textContent(), /Partially disclosed/);
    assert.equal(await page.locator('undersigned-letter .evidence a[href="https://example.org/foia/7"]').count(), 1);

    // The receiver goes away and comes back on the same address and data: the widget says so
    // quietly, reconnects with backoff, resumes after the last event it saw, and applies a change
    // made meanwhile exactly once.
    await own.stop({ keepData: true });
    // The notice shows once a reconnect and the status read after it both fail. When the status
    // read that follows the stream's end still reaches the stopping receiver, the next attempt
    // comes after the first reconnect's spread (src/live/stream.rs: 0.5 s plus up to 10 s).
    await page.locator('undersigned-letter .live-notice').waitFor({ timeout: 15_000 });
    const again = await startReceiver({ dataDir: own.dataDir, port: own.port, env: { UNDERSIGNED_ADMIN_TOKEN: ADMIN_TOKEN } });
    try {
      await setStatus(again.url, third, { status: 'refused', note: 'Refused while the widget was away.', evidence: [] });
      await waitForLiveText(page, 'Refused while the widget was away.', 15_000);
      await page.locator('undersigned-letter .live-notice').waitFor({ state: 'detached', timeout: 5_000 });
      const text = await liveText(page);
      assert.equal(text.split('Released with redactions (SSE test).').length, 2, 'the earlier change is shown once');
      assert.equal(await page.locator('undersigned-letter .evidence a[href="https://example.org/foia/7"]').count(), 1);
    } finally {
      await again.stop();
    }
    await page.context().close();
  } finally {
    await own.stop();
  }
});

test('beyond the stream cap (503 busy), the widget follows the changes by reading the status feed', async () => {
  const own = await startReceiver({ extraArgs: ['--max-streams', '1'], env: { UNDERSIGNED_ADMIN_TOKEN: ADMIN_TOKEN } });
  // Another visitor's stream takes the one place this receiver allows.
  const holder = new AbortController();
  try {
    const [first] = await leafDemandIds();
    const taken = await fetch(`${own.url}/api/campaigns/${CAMPAIGN}/events`, { signal: holder.signal });
    assert.equal(taken.status, 200);
    const refused = await fetch(`${own.url}/api/campaigns/${CAMPAIGN}/events`);
    assert.equal(refused.status, 503, 'the cap refuses a second stream');
    assert.equal((await refused.json()).code, wire.error.Busy);

    const page = await openWidget({ receiver: own.url });
    await setStatus(own.url, first, { status: 'disclosed', note: 'Disclosed while the streams were full.', evidence: [] });
    // No stream can carry it: only the status feed, read after each refused attempt, can. The
    // first retry waits up to 11 s (backoff plus the reconnect spread), the next ones 1–2 s, 2–4 s.
    await waitForLiveText(page, 'Disclosed while the streams were full.', 30_000);
    assert.equal(await page.locator('undersigned-letter .live-notice').count(), 0, 'no "unreachable" notice: the feed answers');
    // The browser logs each refused stream (503) itself; nothing else may go wrong.
    assert.deepEqual(page.problems.filter((p) => !p.includes('status of 503')), []);
    assert.ok(page.problems.length > 0, 'the widget did try its stream and was refused');
    await page.context().close();
  } finally {
    holder.abort();
    await own.stop();
  }
});

/** Sends a signature to the receiver's public endpoint, as the form would. */
async function sign(base, fields) {
  const res = await fetch(`${base}/api/campaigns/${CAMPAIGN}/signatures`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ list_publicly: true, fill_ms: 60_000, campaign: CAMPAIGN, idempotency_key: crypto.randomUUID(), ...fields }),
  });
  assert.ok(res.ok, `the receiver took the signature: ${res.status} ${await res.text()}`);
}

test('signers: the live count with its goal bar, organizations first, individuals with title and affiliation', async () => {
  const own = await startReceiver({ env: { UNDERSIGNED_ADMIN_TOKEN: ADMIN_TOKEN } });
  try {
    const settings = await fetch(`${own.url}/api/admin/campaigns/${CAMPAIGN}/settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ moderation: 'auto', organizations_need_review: false, allowed_origins: [], min_fill_ms: 0 }),
    });
    assert.equal(settings.status, 200, await settings.text());
    await sign(own.url, { kind: 'organization', organization: 'Digital Rights Watch', organization_website: 'drw.example', may_sign_for_organization: true, name: 'Sam Okafor', email: 'sam@drw.example' });
    await sign(own.url, { kind: 'individual', name: 'Ana López', title: 'Professor of Law', affiliation: 'Universidad Nacional', email: 'ana@example.org' });

    const page = await openWidget({ receiver: own.url, goal: '100' });
    // The letter's own 46 signatories (41 organizations, 5 individuals) and the two new ones.
    await waitForLiveText(page, '48 signatures toward a goal of 100');
    const bar = page.locator('undersigned-letter progress.goal-bar');
    assert.equal(await bar.getAttribute('max'), '100');
    assert.equal(await bar.getAttribute('value'), '48');
    assert.equal(await page.locator('undersigned-letter [style]').count(), 0, 'no inline style (strict CSP)');
    await waitForLiveText(page, 'Ana López, Professor of Law, Universidad Nacional');
    const groups = await page.locator('undersigned-letter .signer-group h3').allTextContents();
    assert.deepEqual(groups, ['Organizations (42)', 'Individuals (6)'], 'organizations first');
    assert.match(await page.locator('undersigned-letter .signer-group.organization').textContent(), /Digital Rights Watch/);
    assert.doesNotMatch(await liveText(page), /@/, 'no email is ever shown');

    await sign(own.url, { kind: 'individual', name: 'Lee Chen', title: 'Journalist', email: 'lee@example.org' });
    await waitForLiveText(page, '49 signatures toward a goal of 100');
    await waitForLiveText(page, 'Lee Chen, Journalist');
    assert.equal(await bar.getAttribute('value'), '49');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  } finally {
    await own.stop();
  }
});
