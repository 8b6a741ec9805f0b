// Helpers shared by the embedding tests (tests/e2e/embed*.test.mjs, a11y*.test.mjs).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, launchBrowser, newPage } from './harness.mjs';

/**
 * Starts one receiver (with `receiverOptions`, see startReceiver) and one browser for the tests of
 * the calling file, then runs `ready(env)` (setup that needs them), and stops them after; returns
 * `{ receiver, browser }`, filled in once started.
 */
export function withReceiverAndBrowser(receiverOptions = {}, ready = async () => {}) {
  const env = {};
  before(async () => {
    env.receiver = await startReceiver(receiverOptions);
    env.browser = await launchBrowser();
    await ready(env);
  });
  after(async () => {
    await env.browser?.close();
    await env.receiver?.stop();
  });
  return env;
}

/**
 * A page that also records Content-Security-Policy violations (into `page.problems`, like console
 * errors): the listener is installed before any page script runs, through the DevTools protocol,
 * so the page's own policy does not apply to it.
 */
export async function newWatchedPage(browser, options = {}) {
  const page = await newPage(browser, options);
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline content'}`);
    });
  });
  return page;
}

/** Waits until the widget in `selector` has rendered `needle` in its shadow root. */
export async function waitForWidgetText(page, selector, needle, timeout = 15_000) {
  await page.waitForFunction(
    ([sel, text]) => document.querySelector(sel)?.shadowRoot?.textContent?.includes(text),
    [selector, needle],
    { timeout },
  );
}

/** Computed style properties of the element matching `inner` inside the widget `host`'s shadow root. */
export async function shadowStyle(page, host, inner, properties) {
  return page.evaluate(([h, i, props]) => {
    const el = document.querySelector(h)?.shadowRoot?.querySelector(i);
    if (!el) return null;
    const style = getComputedStyle(el);
    return Object.fromEntries(props.map((p) => [p, style.getPropertyValue(p)]));
  }, [host, inner, properties]);
}

/** Serves `html` at `path` on the receiver's origin, as a partner page pasted by hand would be. */
export async function servePage(page, origin, path, html) {
  await page.route(`${origin}${path}`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
}

export const SEED_TITLE = 'Coalition Letter to DHS re: Paragon Solutions, Inc. Contract';

/**
 * The receiver's admin API as the organizers' token `token` reaches it (`env` from
 * withReceiverAndBrowser, read at each call): `request(method, path, body)` answers the fetch;
 * `storedWith(email, { campaign, count })` polls the stored signers of `campaign` whose record
 * mentions `email` until `count` appear (the receiver commits in batches) or 10 s pass, and
 * returns them.
 */
export function adminApi(env, token) {
  const request = (method, path, body) => fetch(`${env.receiver.url}/api/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  async function storedWith(email, { campaign = 'dhs-paragon', count = 1 } = {}) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await request('GET', `/campaigns/${campaign}/signers?per_page=200`);
      assert.equal(res.status, 200);
      const found = (await res.json()).signers.filter((s) => JSON.stringify(s).includes(email));
      if (found.length >= count || Date.now() > deadline) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { request, storedWith };
}
