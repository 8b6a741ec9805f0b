// The signer list with 100,000 signers, for `cargo xtask bench` (xtask/src/bench/signer_list.rs
// computes the statistics).
//
//   node tests/bench/signers.mjs --signers 100000 --loads 5 --out target/bench/signers-samples.json \
//        --data-dir target/bench/signers-db
//
// The receiver (UNDERSIGNED_SERVER, built with its `server` profile) runs on the database in
// --data-dir, which must already list exactly --signers signers: xtask/src/bench/signer_list.rs
// imports them with `undersigned-server admin import-signers`. Then the demo page — the widget
// following that receiver (`receiver="/"`) — is loaded in fresh browser contexts and measured from
// navigation start:
// - first paint of the list: the animation frame in which the first entry of the public signer
//   list is in the DOM and visible (a script installed before the page's own watches the document
//   and every shadow root as it is attached);
// - JS heap in use once the list is painted, after a garbage collection (CDP);
// - how many list entries and elements the widget holds (the list is paginated: one page per group);
// - the time from a click on "Next" (individuals) to the next page painted.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startReceiver, launchBrowser } from '../e2e/harness.mjs';
import { probeScript } from './probe.mjs';

const { values: args } = parseArgs({
  options: {
    signers: { type: 'string', default: '100000' },
    loads: { type: 'string', default: '5' },
    out: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const total = Number.parseInt(args.signers, 10);
const loads = Number.parseInt(args.loads, 10);
if (!(total > 0) || !(loads > 0) || !args.out || !args['data-dir']) {
  console.error('usage: node tests/bench/signers.mjs --signers N --loads N --out FILE --data-dir DIR');
  process.exit(2);
}

const CAMPAIGN = 'dhs-paragon';

/** The receiver's listed signers (organizations + individuals). */
async function listed(base) {
  const page = await (await fetch(`${base}/api/campaigns/${CAMPAIGN}/signers?kind=individual&page=1&per_page=1`)).json();
  return { total: page.counts.organizations + page.counts.individuals, counts: page.counts };
}

/** Runs in the page before its own scripts: sets window.__listPaint once a signer entry shows. */
function installProbe() {
  const entry = () => document.querySelector('undersigned-letter')?.shadowRoot?.querySelector('.signers li');
  let stop = () => {};
  const check = () => {
    if (window.__listPaint !== undefined) return;
    const el = entry();
    if (!el || !el.checkVisibility() || el.getBoundingClientRect().height === 0) return;
    window.__listPaint = null;
    stop();
    // The frame that paints it.
    requestAnimationFrame((frameTime) => { window.__listPaint = frameTime; });
  };
  // `watchDom` is defined in the page by `probeScript` (tests/bench/probe.mjs).
  stop = watchDom(check);
}

async function measure(browser, base) {
  const context = await browser.newContext();
  try {
    await context.addInitScript(probeScript(installProbe));
    const tab = await context.newPage();
    const problems = [];
    tab.on('pageerror', (e) => problems.push(e.message));
    tab.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    const cdp = await context.newCDPSession(tab);
    await tab.goto(`${base}/`, { waitUntil: 'load' });
    await tab.waitForFunction(() => typeof window.__listPaint === 'number', null, { timeout: 60_000 });
    const firstPaint = await tab.evaluate(() => window.__listPaint);
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const dom = await tab.evaluate(() => {
      const root = document.querySelector('undersigned-letter').shadowRoot;
      return { entries: root.querySelectorAll('.signers li').length, elements: root.querySelectorAll('*').length };
    });
    // Paging: from the click to the frame that paints the next page of individuals (once that
    // group's first page and the counts are in).
    await tab.waitForFunction(() => document.querySelector('undersigned-letter').shadowRoot
      .querySelector('.signer-group.individual .signers li') && document.querySelector('undersigned-letter').shadowRoot
      .querySelector('.signer-group.individual .pager button:last-of-type:not([disabled])'), null, { timeout: 30_000 });
    const nextPage = await tab.evaluate(() => new Promise((resolve, reject) => {
      const root = document.querySelector('undersigned-letter').shadowRoot;
      const group = root.querySelector('.signer-group.individual');
      const before = group.querySelector('.signers li')?.textContent;
      const next = group.querySelector('.pager button:last-of-type');
      const started = performance.now();
      const observer = new MutationObserver(() => {
        if (group.querySelector('.signers li')?.textContent === before) return;
        observer.disconnect();
        requestAnimationFrame((t) => resolve(t - started));
      });
      observer.observe(group, { childList: true, subtree: true, characterData: true });
      setTimeout(() => reject(new Error('the next page did not show within 30 s')), 30_000);
      next.click();
    }));
    if (problems.length) throw new Error(`the page reported errors: ${problems.join('; ')}`);
    return { first_paint_ms: firstPaint, js_heap_bytes: usedSize, list_entries: dom.entries, shadow_elements: dom.elements, next_page_ms: nextPage };
  } finally {
    await context.close();
  }
}

const dataDir = args['data-dir'];
const receiver = await startReceiver({ dataDir, env: { RUST_LOG: 'error' } });
let browser;
try {
  const { total: stored } = await listed(receiver.url);
  // The letter's own signatories (46 for the seed letter) are listed beside the imported ones.
  if (stored < total) {
    throw new Error(`the receiver on ${dataDir} lists ${stored} signers, fewer than the ${total} imported: \`cargo xtask bench\` imports them first`);
  }
  console.error(`signers.mjs: loading the list ${loads} times`);
  browser = await launchBrowser();
  const samples = [];
  for (let i = 0; i < loads; i++) samples.push(await measure(browser, receiver.url));
  const { counts } = await listed(receiver.url);
  writeFileSync(args.out, `${JSON.stringify({ chromium: browser.version(), signers: total, counts, samples }, null, 2)}\n`);
} finally {
  await browser?.close();
  await receiver.stop({ keepData: true });
}
