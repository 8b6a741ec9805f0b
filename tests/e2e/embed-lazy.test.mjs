// `loading="lazy"`: on a long partner page the wasm is not requested until the element comes near
// the viewport; then the widget starts as usual. An eager widget on the same kind of page loads at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withReceiverAndBrowser, newWatchedPage, waitForWidgetText, servePage, SEED_TITLE } from './embed-support.mjs';

const env = withReceiverAndBrowser();

/** A long article (many screens) with the widget at its end. */
function longPage(attributes) {
  const paragraphs = Array.from({ length: 120 }, (_, i) => `<p>Paragraph ${i + 1} of the partner's own article, which the visitor reads first.</p>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Long page</title>
<script type="module" src="/pkg/undersigned.js"></script></head><body><main><h1>A long article</h1>
${paragraphs}
<undersigned-letter endpoint="/api/campaigns/dhs-paragon/signatures"${attributes}><p id="fallback">Read the letter</p></undersigned-letter>
</main></body></html>`;
}

async function open(attributes) {
  const page = await newWatchedPage(env.browser, { viewport: { width: 1000, height: 700 } });
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url()); });
  await servePage(page, env.receiver.url, '/long.html', longPage(attributes));
  await page.goto(`${env.receiver.url}/long.html`);
  // Everything the page asks for at load has been answered, and the loader has run.
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => customElements.get('undersigned-letter') !== undefined);
  return { page, wasm };
}

test('a lazy widget far below the fold fetches no wasm until the visitor scrolls near it', async () => {
  const { page, wasm } = await open(' loading="lazy"');
  const far = await page.evaluate(() => document.querySelector('undersigned-letter').getBoundingClientRect().top / innerHeight);
  assert.ok(far > 3, `the widget starts several screens down (${far.toFixed(1)} screens)`);
  assert.deepEqual(wasm, [], 'no wasm request before the element nears the viewport');
  assert.equal(await page.evaluate(() => document.querySelector('undersigned-letter').shadowRoot), null, 'not mounted yet');
  assert.ok(await page.locator('#fallback').isVisible(), 'the fallback shows meanwhile');

  // Halfway down: still more than a screen away.
  await page.evaluate(() => scrollTo(0, document.querySelector('undersigned-letter').offsetTop / 2));
  await page.waitForLoadState('networkidle');
  assert.deepEqual(wasm, [], 'still nothing while the element is screens away');

  await page.locator('undersigned-letter').scrollIntoViewIfNeeded();
  await waitForWidgetText(page, 'undersigned-letter', SEED_TITLE);
  assert.equal(wasm.length, 1, 'the wasm is fetched once it is needed');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the same page with an eager widget fetches the wasm at load', async () => {
  const { page, wasm } = await open('');
  await waitForWidgetText(page, 'undersigned-letter', SEED_TITLE);
  assert.equal(wasm.length, 1);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('an invalid loading value is reported by name', async () => {
  const { page } = await open(' loading="later"');
  const deadline = Date.now() + 5000;
  while (page.problems.length === 0 && Date.now() < deadline) await page.waitForTimeout(50);
  assert.equal(page.problems.length, 1, page.problems.join('\n'));
  assert.match(page.problems[0], /`loading`.*eager or lazy/);
  await page.context().close();
});
