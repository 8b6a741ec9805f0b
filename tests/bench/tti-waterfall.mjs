// Where the widget's time to interactive goes: a waterfall of one partner-page load, for the person
// tuning the loader (not part of `cargo xtask bench`, whose figure is tests/bench/tti.mjs's).
//
//   UNDERSIGNED_SERVER=target/server/undersigned-server node tests/bench/tti-waterfall.mjs [--loads 9] [--page /bench/partner.html]
//
// Each load is a fresh browser context, as in tti.mjs, with the same probe (so "interactive" is
// the same moment). Printed per load, in milliseconds from navigation start: the HTML's response,
// each file's request start and response end (Resource Timing), when the loader defined the
// element, when the shadow root was attached, when the wasm's compile was asked and finished,
// first paint, and the moment tti.mjs would record. The medians of every column come last.
import { parseArgs } from 'node:util';
import { startReceiver, launchBrowser } from '../e2e/harness.mjs';
import { probeScript } from './probe.mjs';

const { values: args } = parseArgs({
  options: {
    loads: { type: 'string', default: '9' },
    // Widget pages to compare, comma-separated (each measured in turn with the plain form page).
    pages: { type: 'string', default: '/bench/partner.html' },
    // More `--static PREFIX=DIR` for the receiver (e.g. an older package to compare with).
    static: { type: 'string', multiple: true, default: [] },
  },
});

/** In the page, before its scripts: notes when the loader and the wasm reach their milestones. */
function installMarks(target) {
  const marks = (window.__marks = {});
  const at = (name) => { marks[name] ??= performance.now(); };
  const define = customElements.define;
  customElements.define = function (...a) { at('define'); return define.apply(this, a); };
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { at('attachShadow'); return attach.call(this, init); };
  for (const name of ['instantiateStreaming', 'compileStreaming', 'instantiate']) {
    const original = WebAssembly[name];
    if (!original) continue;
    WebAssembly[name] = function (...a) {
      at(`wasm.${name}`);
      return original.apply(this, a).then((r) => { at(`wasm.${name}.done`); return r; });
    };
  }
  // The same "interactive" check as tti.mjs (watchDom from probe.mjs).
  const awaited = () => {
    const root = target.host ? document.querySelector(target.host)?.shadowRoot : document;
    if (!root) return null;
    for (const el of root.querySelectorAll(target.selector)) {
      if (el.getAttribute('tabindex') === '-1' || el.closest('[aria-hidden="true"]')) continue;
      return el;
    }
    return null;
  };
  let stop = () => {};
  const check = () => {
    if (window.__tti) return;
    const el = awaited();
    if (!el) return;
    at('found');
    const box = el.getBoundingClientRect();
    at('laidOut');
    if (!(box.width > 0 && box.height > 0 && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }))) return;
    if (target.control && el.matches(':disabled')) return;
    window.__tti = { ms: performance.now(), prerendered: !!el.closest('form') && !el.getRootNode().querySelector?.('#us-country option[value]:not([value=""])') };
    stop();
  };
  stop = watchDom(check, { childList: true, subtree: true, attributes: true, characterData: true });
  const frame = () => { check(); if (!window.__tti) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
}

const TARGETS = {
  widget: { host: 'undersigned-letter', selector: 'form input:not([type=hidden]), form select, form textarea', control: true },
  plain: { host: null, selector: 'form input:not([type=hidden])', control: true },
};

async function load(browser, url, target) {
  const context = await browser.newContext();
  try {
    await context.addInitScript(probeScript(installMarks, target));
    const tab = await context.newPage();
    await tab.goto(url, { waitUntil: 'load' });
    await tab.waitForFunction(() => window.__tti, null, { timeout: 30_000 });
    // Let the wasm finish too, so its milestones are in the record.
    await tab.waitForTimeout(300);
    const cdp = await context.newCDPSession(tab);
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return await tab.evaluate((usedSize) => {
      const nav = performance.getEntriesByType('navigation')[0];
      const row = {
        html: nav.responseEnd,
        htmlRequestStart: nav.requestStart,
        htmlResponseStart: nav.responseStart,
        domInteractive: nav.domInteractive,
        dcl: nav.domContentLoadedEventEnd,
      };
      for (const r of performance.getEntriesByType('resource')) {
        const name = r.name.split('/').pop().replace(/^undersigned/, 'u').replace(/\.json$/, '');
        row[`${name}>`] = r.startTime;
        row[`${name}<`] = r.responseEnd;
        if (name === 'u.js') Object.assign(row, { 'u.js connect': r.connectStart, 'u.js connectEnd': r.connectEnd, 'u.js requestStart': r.requestStart, 'u.js responseStart': r.responseStart });
      }
      for (const p of performance.getEntriesByType('paint')) row[p.name] = p.startTime;
      Object.assign(row, window.__marks);
      row.tti = window.__tti.ms;
      row.prerendered = window.__tti.prerendered ? 1 : 0;
      row.heapKB = usedSize / 1000;
      return row;
    }, usedSize);
  } finally {
    await context.close();
  }
}

const receiver = await startReceiver({ extraArgs: ['--static', '/bench=tests/bench', ...args.static.flatMap((s) => ['--static', s])] });
const browser = await launchBrowser();
try {
  const loads = Number.parseInt(args.loads, 10);
  const pages = [...args.pages.split(',').map((url) => ({ url, target: TARGETS.widget })), { url: '/bench/plain-form.html', target: TARGETS.plain }];
  const rows = pages.map(() => []);
  for (const page of pages) await load(browser, `${receiver.url}${page.url}`, page.target);
  for (let i = 0; i < loads; i += 1) {
    for (const [index, page] of pages.entries()) rows[index].push(await load(browser, `${receiver.url}${page.url}`, page.target));
  }
  const median = (values) => {
    const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    return v.length ? v[Math.floor((v.length - 1) / 2)] : NaN;
  };
  for (const [index, list] of rows.entries()) {
    const columns = [...new Set(list.flatMap((r) => Object.keys(r)))].sort((a, b) => median(list.map((r) => r[a])) - median(list.map((r) => r[b])));
    console.log(`\n${pages[index].url}: ${list.length} loads (ms from navigation start; medians column by column)`);
    for (const c of columns) {
      console.log(`${c.padEnd(34)} ${median(list.map((r) => r[c])).toFixed(1).padStart(7)}   ${list.map((r) => (r[c] ?? NaN).toFixed(0)).join(' ')}`);
    }
  }
  const plain = median(rows.at(-1).map((r) => r.tti));
  console.log('');
  for (const [index, page] of pages.entries()) {
    const list = rows[index];
    console.log(`${page.url}: tti median ${median(list.map((r) => r.tti)).toFixed(1)} ms, ratio ${(median(list.map((r) => r.tti)) / plain).toFixed(2)}, heap median ${median(list.map((r) => r.heapKB)).toFixed(1)} KB`);
  }
} finally {
  await browser.close();
  await receiver.stop();
}
