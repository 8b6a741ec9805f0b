// A long partner page's own load, for `cargo xtask bench --only longpage` (statistics in
// xtask/src/bench/long_page.rs).
//
//   node tests/bench/long-page.mjs --loads 15 --out target/bench/long-page-samples.json
//
// The same long article (200 paragraphs, about twenty screens at 1280×800) with no widget, with
// the widget at its end, and with the widget at its end and `loading="lazy"`, served by the
// receiver (UNDERSIGNED_SERVER) from 127.0.0.1 like a partner page that pasted the snippet. Each
// load is a fresh browser context (empty cache); the three pages take turns, so that a busy
// machine slows all three alike and the no-widget page is the baseline of the same run.
//
// Recorded per load, without the visitor scrolling: the page's load event (navigation start →
// loadEventEnd), its largest contentful paint (the article's own text: the widget is far below
// the fold), DOMContentLoaded, the moment the network went quiet (the last response's end), and
// every byte fetched (transfer sizes of the navigation and of every resource). A page that does
// not do what its name says (the eager widget fetching no wasm, the lazy one fetching it) fails
// the run rather than giving a figure.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startReceiver, launchBrowser } from '../e2e/harness.mjs';

const ENDPOINT = '/api/campaigns/dhs-paragon/signatures';
const LONG_PAGES = [
  { name: 'no widget', file: 'none.html', widget: '', wasm: false },
  { name: 'widget', file: 'widget.html', widget: `<undersigned-letter endpoint="${ENDPOINT}"></undersigned-letter>`, wasm: true },
  { name: 'lazy widget', file: 'lazy.html', widget: `<undersigned-letter loading="lazy" endpoint="${ENDPOINT}"></undersigned-letter>`, wasm: false },
];

/** Writes the three pages into a new folder (served by the receiver under `/long`); returns it. */
function writeLongPages() {
  const dir = mkdtempSync(join(tmpdir(), 'undersigned-bench-long-'));
  const article = Array.from({ length: 200 }, (_, i) => `<p>Paragraph ${i + 1} of the partner's own article: what the coalition asks for, why it matters, and what readers can do about it this month.</p>`).join('\n');
  for (const page of LONG_PAGES) {
    writeFileSync(join(dir, page.file), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Long partner page, ${page.name}</title><link rel="icon" href="data:,">${page.widget ? '<script type="module" src="/pkg/undersigned.js"></script>' : ''}</head>
<body><main><h1>The partner's long article</h1>
${article}
${page.widget}
</main></body></html>
`);
  }
  return dir;
}

/** One fresh load of `page`: { load_ms, lcp_ms, dcl_ms, quiet_ms, bytes }. */
async function measureOnce(browser, base, page) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const tab = await context.newPage();
    const problems = [];
    tab.on('pageerror', (e) => problems.push(e.message));
    tab.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await tab.goto(`${base}/long/${page.file}`, { waitUntil: 'load' });
    await tab.waitForLoadState('networkidle');
    const sample = await tab.evaluate(async () => {
      const lcp = await new Promise((resolve) => {
        // Buffered entries arrive at once; the timer only keeps a page without any from hanging.
        setTimeout(() => resolve(null), 5_000);
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          resolve(entries[entries.length - 1]);
        }).observe({ type: 'largest-contentful-paint', buffered: true });
      });
      const [nav] = performance.getEntriesByType('navigation');
      const resources = performance.getEntriesByType('resource');
      return {
        load_ms: nav.loadEventEnd,
        lcp_ms: lcp ? lcp.startTime : null,
        lcp_element: lcp?.element ? lcp.element.localName : null,
        dcl_ms: nav.domContentLoadedEventEnd,
        quiet_ms: Math.max(nav.responseEnd, ...resources.map((r) => r.responseEnd)),
        bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
        wasm: resources.some((r) => new URL(r.name).pathname.endsWith('.wasm')),
      };
    });
    if (problems.length) throw new Error(`/long/${page.file} reported errors: ${problems.join('; ')}`);
    if (sample.lcp_ms === null) throw new Error(`/long/${page.file}: Chromium reported no largest contentful paint`);
    if (sample.wasm !== page.wasm) {
      throw new Error(`/long/${page.file} (${page.name}) ${sample.wasm ? 'fetched' : 'did not fetch'} the wasm without scrolling`);
    }
    if (sample.lcp_element === 'undersigned-letter') throw new Error(`/long/${page.file}: the widget was the largest paint, so it was not below the fold`);
    delete sample.wasm;
    return sample;
  } finally {
    await context.close();
  }
}

const { values: args } = parseArgs({ options: { loads: { type: 'string', default: '15' }, out: { type: 'string' } } });
const loads = Number.parseInt(args.loads, 10);
if (!(loads > 0) || !args.out) {
  console.error('usage: node tests/bench/long-page.mjs --loads N --out FILE');
  process.exit(2);
}
const receiver = await startReceiver({ extraArgs: ['--static', `/long=${writeLongPages()}`] });
const browser = await launchBrowser();
try {
  // One unrecorded load of each page warms the server's file cache and the browser process.
  for (const page of LONG_PAGES) await measureOnce(browser, receiver.url, page);
  const samples = LONG_PAGES.map(() => []);
  for (let i = 0; i < loads; i += 1) {
    for (const [index, page] of LONG_PAGES.entries()) samples[index].push(await measureOnce(browser, receiver.url, page));
  }
  const result = {
    chromium: browser.version(),
    pages: LONG_PAGES.map((page, index) => ({ name: page.name, url: `/long/${page.file}`, samples: samples[index] })),
  };
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  for (const [index, page] of LONG_PAGES.entries()) {
    console.error(`long-page.mjs: ${page.name}: load ${samples[index].map((s) => s.load_ms.toFixed(0)).join(' ')} ms; LCP ${samples[index].map((s) => s.lcp_ms.toFixed(0)).join(' ')} ms`);
  }
} finally {
  await browser.close();
  await receiver.stop();
}
