// A long partner page's own load, for `cargo xtask bench` (used by tti.mjs; statistics in
// xtask/src/bench/tti.rs): the same long article (about twenty screens) with no widget, with the
// widget at its end, and with the widget at its end and `loading="lazy"`. Each load is a fresh
// browser context (empty cache), the three pages take turns. Recorded per load: the page's load
// event (navigation start → loadEventEnd), and every byte the page had fetched once the network
// went quiet (transfer sizes of the navigation and of every resource) without the visitor scrolling.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LONG_PAGES = [
  { name: 'long page, no widget', file: 'none.html', widget: '' },
  { name: 'long page, widget at its end', file: 'widget.html', widget: '<undersigned-letter endpoint="/api/campaigns/dhs-paragon/signatures"></undersigned-letter>' },
  { name: 'long page, lazy widget at its end', file: 'lazy.html', widget: '<undersigned-letter loading="lazy" endpoint="/api/campaigns/dhs-paragon/signatures"></undersigned-letter>' },
];

/** Writes the three pages into a new folder (served by the receiver under `/long`); returns it. */
export function writeLongPages() {
  const dir = mkdtempSync(join(tmpdir(), 'undersigned-bench-long-'));
  const article = Array.from({ length: 200 }, (_, i) => `<p>Paragraph ${i + 1} of the partner's own article: what the coalition asks for, why it matters, and what readers can do about it this month.</p>`).join('\n');
  for (const page of LONG_PAGES) {
    writeFileSync(join(dir, page.file), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.name}</title>${page.widget ? '<script type="module" src="/pkg/undersigned.js"></script>' : ''}</head>
<body><main><h1>The partner's long article</h1>
${article}
${page.widget}
</main></body></html>
`);
  }
  return dir;
}

/** One fresh load of `url`: { load_ms, bytes }. */
async function measureOnce(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const tab = await context.newPage();
    await tab.goto(url, { waitUntil: 'load' });
    await tab.waitForLoadState('networkidle');
    return await tab.evaluate(() => {
      const [nav] = performance.getEntriesByType('navigation');
      const resources = performance.getEntriesByType('resource');
      return { load_ms: nav.loadEventEnd, bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0) };
    });
  } finally {
    await context.close();
  }
}

/** `loads` interleaved loads of each long page; the shape tti.rs reads as `long_pages`. */
export async function measureLongPages(browser, base, loads) {
  const samples = LONG_PAGES.map(() => []);
  for (const page of LONG_PAGES) await measureOnce(browser, `${base}/long/${page.file}`); // warm-up
  for (let i = 0; i < loads; i += 1) {
    for (const [index, page] of LONG_PAGES.entries()) samples[index].push(await measureOnce(browser, `${base}/long/${page.file}`));
  }
  return LONG_PAGES.map((page, index) => ({ name: page.name, url: `/long/${page.file}`, samples: samples[index] }));
}
