// Time to interactive, for `cargo xtask bench` (xtask/src/bench/tti.rs computes the statistics).
//
//   node tests/bench/tti.mjs --loads 15 --out target/bench/tti-samples.json --counter-dir target/bench/yew-counter
//
// The receiver (UNDERSIGNED_SERVER, built with its `server` profile) serves three pages from 127.0.0.1:
// partner.html (the widget, as a partner embeds it), plain-form.html (the same text and four-field
// form as static HTML) and counter.html (the bare Yew counter of the weight baseline). Every load
// is a fresh browser context (empty HTTP and code caches), and the pages take turns so that noise
// from a busy machine hits all of them alike.
//
// "Interactive" is measured inside the page: a script installed before any other runs watches the
// document and every shadow root as they are attached (MutationObserver, plus a check on every
// animation frame) and notes performance.now() — milliseconds since navigation start — the first
// time the awaited element is visible and enabled.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startReceiver, launchBrowser } from '../e2e/harness.mjs';
import { probeScript } from './probe.mjs';

const { values: args } = parseArgs({
  options: {
    loads: { type: 'string', default: '15' },
    out: { type: 'string' },
    'counter-dir': { type: 'string' },
  },
});
const loads = Number.parseInt(args.loads, 10);
if (!(loads > 0) || !args.out || !args['counter-dir']) {
  console.error('usage: node tests/bench/tti.mjs --loads N --out FILE --counter-dir DIR');
  process.exit(2);
}

// What each page waits for. `host`: the custom element whose shadow root holds the element (null:
// the document). `selector`: candidates in document order; the first one that is not a honeypot
// (tabindex=-1 or inside aria-hidden) is the element awaited. `control`: it must also be enabled.
const TARGETS = {
  formInput: { host: 'undersigned-letter', selector: 'form input:not([type=hidden]), form select, form textarea', control: true,
    describe: "the sign-on form's first input, visible and enabled" },
  letterTitle: { host: 'undersigned-letter', selector: 'h1, h2', control: false,
    describe: "the letter's title, visible (the sign-on form is not in the widget yet)" },
  plainInput: { host: null, selector: 'form input:not([type=hidden])', control: true,
    describe: "the form's first input, visible and enabled" },
  counterButton: { host: 'yew-counter', selector: 'button', control: true,
    describe: "the counter's button, visible and enabled" },
};

/** Runs in the page before its own scripts (`probeScript`): sets window.__tti once `target` holds. */
function installProbe(target) {
  const awaited = () => {
    const root = target.host ? document.querySelector(target.host)?.shadowRoot : document;
    if (!root) return null;
    for (const el of root.querySelectorAll(target.selector)) {
      if (el.getAttribute('tabindex') === '-1' || el.closest('[aria-hidden="true"]')) continue;
      return el;
    }
    return null;
  };
  const ready = (el) => {
    const box = el.getBoundingClientRect();
    const visible = box.width > 0 && box.height > 0 && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
    return visible && !(target.control && el.matches(':disabled'));
  };
  let stop = () => {};
  const check = () => {
    if (window.__tti) return;
    const el = awaited();
    if (!el || !ready(el)) return;
    const ms = performance.now();
    window.__tti = { ms, element: `<${el.localName}${el.name ? ` name="${el.name}"` : ''}${el.id ? ` id="${el.id}"` : ''}>` };
    stop();
  };
  // `watchDom` is defined in the page by `probeScript` (tests/bench/probe.mjs).
  stop = watchDom(check, { childList: true, subtree: true, attributes: true, characterData: true });
  // Visibility can also change through styles alone, which no mutation record reports.
  const frame = () => { check(); if (!window.__tti) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
}

/** One fresh load: time to interactive, JS heap after a garbage collection, wasm memory. */
async function measure(browser, base, page) {
  const context = await browser.newContext();
  try {
    await context.addInitScript(probeScript(installProbe, TARGETS[page.target]));
    const tab = await context.newPage();
    const problems = [];
    tab.on('pageerror', (e) => problems.push(e.message));
    tab.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    const cdp = await context.newCDPSession(tab);
    await tab.goto(`${base}${page.url}`, { waitUntil: 'load' });
    try {
      await tab.waitForFunction(() => window.__tti, null, { timeout: 30_000 });
    } catch (e) {
      throw new Error(`${page.url}: ${TARGETS[page.target].describe} did not happen within 30 s (${problems.join('; ') || e.message})`);
    }
    const tti = await tab.evaluate(() => window.__tti);
    // The glue module is already loaded and initialized: importing it again returns the same
    // instance, and calling its init without arguments returns the existing exports. The memory is
    // found by its type: the widget's build shortens the exports' names (xtask/src/build/boundary.rs).
    const wasm = page.glue
      ? await tab.evaluate(async (glue) => {
          const exports = await (await import(glue)).default();
          return Object.values(exports).find((value) => value instanceof WebAssembly.Memory).buffer.byteLength;
        }, page.glue)
      : null;
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    if (problems.length) throw new Error(`${page.url} reported errors: ${problems.join('; ')}`);
    return { tti_ms: tti.ms, element: tti.element, js_heap_bytes: usedSize, wasm_memory_bytes: wasm };
  } finally {
    await context.close();
  }
}

/** Whether the widget shows a sign-on form input (once its letter is there): decides what is awaited. */
async function widgetHasForm(browser, base) {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    await tab.goto(`${base}/bench/partner.html`);
    await tab.waitForFunction(() => document.querySelector('undersigned-letter')?.shadowRoot?.querySelector('h1, h2'), null, { timeout: 30_000 });
    // The form renders with the letter; a short grace period covers a form drawn a moment later.
    return await tab
      .waitForFunction(() => document.querySelector('undersigned-letter').shadowRoot.querySelector('form input:not([type=hidden])'), null, { timeout: 2_000 })
      .then(() => true, () => false);
  } finally {
    await context.close();
  }
}

const receiver = await startReceiver({ extraArgs: ['--static', '/bench=tests/bench', '--static', `/counter=${args['counter-dir']}`] });
const browser = await launchBrowser();
try {
  const target = (await widgetHasForm(browser, receiver.url)) ? 'formInput' : 'letterTitle';
  const pages = [
    { name: 'widget', url: '/bench/partner.html', target, glue: '/pkg/undersigned_wasm.js' },
    { name: 'plain', url: '/bench/plain-form.html', target: 'plainInput', glue: null },
    { name: 'counter', url: '/bench/counter.html', target: 'counterButton', glue: '/counter/yew_counter_wasm.js' },
  ];
  // One unrecorded load of each page warms the server's file cache and the browser process.
  for (const page of pages) await measure(browser, receiver.url, page);
  const samples = pages.map(() => []);
  for (let i = 0; i < loads; i += 1) {
    for (const [index, page] of pages.entries()) samples[index].push(await measure(browser, receiver.url, page));
  }
  const result = {
    chromium: browser.version(),
    pages: pages.map((page, index) => ({
      name: page.name,
      url: page.url,
      measured_until: `${TARGETS[page.target].describe}: ${samples[index][0].element}`,
      samples: samples[index],
    })),
  };
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  for (const [index, page] of pages.entries()) {
    const ms = samples[index].map((s) => s.tti_ms.toFixed(0)).join(' ');
    console.error(`tti.mjs: ${page.name}: ${ms} ms`);
  }
} finally {
  await browser.close();
  await receiver.stop();
}
