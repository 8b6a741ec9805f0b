// The CDN release (`pkg/cdn/`, written by every `cargo xtask build`): the snippet with Subresource
// Integrity works on a strict-CSP page, and a tampered file is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness.mjs';
import { withReceiverAndBrowser, newWatchedPage, waitForWidgetText, servePage, SEED_TITLE } from './embed-support.mjs';

const env = withReceiverAndBrowser();

function snippetPage() {
  const snippet = readFileSync(join(repoRoot, 'pkg/cdn/snippet.html'), 'utf8')
    // Whatever base URL the last build wrote, serve the files from this receiver.
    .replace(/(src|href)="[^"]*\/(undersigned[^"/]+)"/g, `$1="${env.receiver.url}/pkg/cdn/$2"`)
    .replace('https://receiver.example', env.receiver.url);
  assert.match(snippet, /integrity="sha384-[A-Za-z0-9+/]{64}" crossorigin="anonymous"/);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SRI</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'">
</head><body><main>${snippet}</main></body></html>`;
}

test('the release snippet with integrity renders the widget under a strict CSP', async () => {
  const page = await newWatchedPage(env.browser);
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await servePage(page, env.receiver.url, '/sri.html', snippetPage());
  await page.goto(`${env.receiver.url}/sri.html`);
  await waitForWidgetText(page, 'undersigned-letter', SEED_TITLE);
  // The wasm's own form (its country list is complete; the pre-rendered one has one empty choice).
  await page.waitForFunction(() => document.querySelector('undersigned-letter').shadowRoot.querySelectorAll('#us-country option').length > 1);
  const widgetFiles = fetched.filter((p) => p.startsWith('/pkg/'));
  // Loader (with the stylesheet and the English pre-rendered widget inside), glue and wasm, each
  // under its hashed name.
  assert.equal(widgetFiles.length, 3, widgetFiles.join(', '));
  for (const path of widgetFiles) assert.match(path, /^\/pkg\/cdn\/undersigned(_wasm(_bg)?)?\.[0-9a-f]{16}\.(js|wasm)$/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a tampered wasm is refused, and the fallback stays', async () => {
  const page = await newWatchedPage(env.browser);
  await servePage(page, env.receiver.url, '/sri.html', snippetPage());
  await page.route('**/pkg/cdn/*.wasm', async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[body.length - 1] ^= 0xff;
    await route.fulfill({ response, body });
  });
  await page.goto(`${env.receiver.url}/sri.html`);
  const deadline = Date.now() + 10_000;
  while (!page.problems.some((p) => p.includes('could not start')) && Date.now() < deadline) await page.waitForTimeout(50);
  assert.ok(page.problems.some((p) => p.includes('could not start')), page.problems.join('\n'));
  // The pre-rendered widget may have shown meanwhile; it is gone, and the element's own content shows.
  const shadow = await page.evaluate(() => {
    const root = document.querySelector('undersigned-letter').shadowRoot;
    return root && { widget: root.querySelector('.undersigned') !== null, slot: root.querySelector('slot') !== null };
  });
  assert.ok(shadow === null || (!shadow.widget && shadow.slot), `no widget was mounted: ${JSON.stringify(shadow)}`);
  await page.context().close();
});
