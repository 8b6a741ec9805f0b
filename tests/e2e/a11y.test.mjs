// Accessibility: axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on the demo, partner and
// configurator pages, with the widget rendered (axe traverses open shadow roots), in both themes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from './harness.mjs';
import { withReceiverAndBrowser, newWatchedPage, waitForWidgetText, SEED_TITLE } from './embed-support.mjs';

const AXE = join(repoRoot, 'tests/e2e/node_modules/axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const env = withReceiverAndBrowser();

/** axe's violations on the current page, one readable line per failing node. axe was injected
 * with addInitScript (through the DevTools protocol), which a page's CSP does not block. */
async function violations(page) {
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' > ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
}

const pages = [
  ['the demo page', '/', {}],
  ['the partner page with hostile CSS', '/www/partner.html', {}],
  ['the strict-CSP page', '/www/strict-csp.html', {}],
  ['the configurator', '/www/configurator.html', {}],
  ['the demo page in the dark theme', '/', { theme: 'dark' }],
  ['the demo page at 320 px', '/', { viewport: { width: 320, height: 640 } }],
];

for (const [name, path, { theme, viewport }] of pages) {
  test(`axe finds no WCAG 2.2 A/AA violation on ${name}`, async () => {
    const page = await newWatchedPage(env.browser, viewport ? { viewport } : {});
    await page.addInitScript({ path: AXE });
    await page.goto(`${env.receiver.url}${path}`);
    await waitForWidgetText(page, 'undersigned-letter', SEED_TITLE);
    if (theme) {
      await page.evaluate((t) => document.querySelector('undersigned-letter').setAttribute('theme', t), theme);
      await page.waitForFunction((t) => document.querySelector('undersigned-letter').shadowRoot.querySelector('.undersigned').classList.contains(`theme-${t}`), theme);
    }
    const found = await violations(page);
    assert.deepEqual(found, [], `axe violations on ${path}:\n${found.join('\n')}`);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}
