// Embedding on partner pages: isolation from hostile CSS, the strict-CSP page, the loader's
// lifecycle (included twice, several widgets, late elements, attribute changes, removal), themes,
// languages and the no-JavaScript fallback. Each test loads real pages from the real receiver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withReceiverAndBrowser, newWatchedPage, waitForWidgetText, shadowStyle, servePage, SEED_TITLE } from './embed-support.mjs';

const env = withReceiverAndBrowser();

const page_ = (path, body, { lang = 'en', head = '' } = {}) => `<!doctype html>
<html${lang ? ` lang="${lang}"` : ''}><head><meta charset="utf-8"><title>Test page</title>
<script type="module" src="/pkg/undersigned.js"></script>${head}</head>
<body><main>${body}</main></body></html>`;

test('on the hostile partner page the widget keeps its own fonts, sizes and layout', async () => {
  const page = await newWatchedPage(env.browser);
  await page.goto(`${env.receiver.url}/www/partner.html`);
  await waitForWidgetText(page, 'undersigned-letter', SEED_TITLE);
  const host = await page.evaluate(() => getComputedStyle(document.querySelector('undersigned-letter')).display);
  assert.equal(host, 'block', "the page's `display: inline !important` does not collapse the widget");
  const container = await shadowStyle(page, 'undersigned-letter', '.undersigned', ['font-size', 'font-family', 'text-transform', 'letter-spacing', 'line-height', 'text-shadow', 'font-style', 'white-space', 'color']);
  assert.equal(container['font-size'], '16px', 'html { font-size: 10px } and a 40px host do not resize the widget');
  assert.doesNotMatch(container['font-family'], /Comic|Papyrus|fantasy/);
  assert.equal(container['text-transform'], 'none');
  assert.equal(container['letter-spacing'], 'normal');
  assert.equal(container['text-shadow'], 'none');
  assert.equal(container['font-style'], 'normal');
  assert.equal(container['white-space'], 'normal');
  assert.equal(container.color, 'rgb(27, 27, 27)', 'the light theme colours, not the page\'s red');
  const title = await shadowStyle(page, 'undersigned-letter', '.title', ['font-size', 'text-align']);
  assert.equal(title['font-size'], '24px', 'em sizes follow the widget, not the page');
  const fallbackHidden = await page.evaluate(() => document.querySelector('undersigned-letter form').getClientRects().length === 0);
  assert.ok(fallbackHidden, 'the no-JavaScript fallback is hidden once the widget runs');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

for (const width of [320, 1280]) {
  test(`at ${width} px wide the widget fits without horizontal scrolling`, async () => {
    const page = await newWatchedPage(env.browser, { viewport: { width, height: 800 } });
    await page.goto(`${env.receiver.url}/`);
    await waitForWidgetText(page, 'undersigned-letter', SEED_TITLE);
    const { scroll, client, right } = await page.evaluate(() => {
      const c = document.querySelector('undersigned-letter').shadowRoot.querySelector('.undersigned');
      return { scroll: c.scrollWidth, client: c.clientWidth, right: c.getBoundingClientRect().right };
    });
    assert.ok(scroll <= client, `content ${scroll}px fits the widget's ${client}px`);
    assert.ok(right <= width, `the widget ends at ${right}px, inside the ${width}px viewport`);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

test('the strict-CSP page renders the widget with no violation and no console error', async () => {
  const page = await newWatchedPage(env.browser);
  const response = await page.goto(`${env.receiver.url}/www/strict-csp.html`);
  assert.equal(response.status(), 200);
  await waitForWidgetText(page, 'undersigned-letter', SEED_TITLE);
  const policy = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]').content);
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'; style-src 'self'/);
  // The widget's styles apply (an adopted stylesheet is allowed by style-src 'self').
  const container = await shadowStyle(page, 'undersigned-letter', '.undersigned', ['font-size']);
  assert.equal(container['font-size'], '16px');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the script included twice from two URLs defines the element once and loads the wasm once', async () => {
  const page = await newWatchedPage(env.browser);
  const wasmRequests = [];
  // The first part of the split wasm; the second comes when first needed (xtask/src/build/split.rs).
  page.on('request', (r) => { if (r.url().endsWith('_bg.wasm')) wasmRequests.push(r.url()); });
  await servePage(page, env.receiver.url, '/twice.html', page_('', `
    <undersigned-letter id="a"></undersigned-letter>
    <undersigned-letter id="b" lang="es"></undersigned-letter>`, { head: '<script type="module" src="/pkg/undersigned.js?copy=2"></script>' }));
  await page.goto(`${env.receiver.url}/twice.html`);
  await waitForWidgetText(page, '#a', SEED_TITLE);
  await waitForWidgetText(page, '#b', SEED_TITLE);
  assert.equal(wasmRequests.length, 1, `one wasm download: ${wasmRequests.join(', ')}`);
  const langs = await page.evaluate(() => ['#a', '#b'].map((s) => document.querySelector(s).shadowRoot.querySelector('.undersigned').lang));
  assert.deepEqual(langs, ['en', 'es'], 'each widget keeps its own configuration');
  const containers = await page.evaluate(() => ['#a', '#b'].map((s) => document.querySelector(s).shadowRoot.querySelectorAll('.undersigned').length));
  assert.deepEqual(containers, [1, 1], 'each element is mounted exactly once');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('an element added later comes alive, follows attribute changes and cleans up on removal', async () => {
  const page = await newWatchedPage(env.browser);
  // Count live timers so that removal can be shown to stop every one the widget started.
  await page.addInitScript(() => {
    const live = new Set();
    const { setInterval: si, clearInterval: ci, setTimeout: st, clearTimeout: ct } = window;
    window.setInterval = (...a) => { const id = si(...a); live.add(`i${id}`); return id; };
    window.clearInterval = (id) => { live.delete(`i${id}`); return ci(id); };
    window.setTimeout = (fn, ...rest) => {
      const id = st((...args) => { live.delete(`t${id}`); if (typeof fn === 'function') fn(...args); }, ...rest);
      live.add(`t${id}`);
      return id;
    };
    window.clearTimeout = (id) => { live.delete(`t${id}`); return ct(id); };
    const sources = new Set();
    if (window.EventSource) {
      const Original = window.EventSource;
      window.EventSource = class extends Original {
        constructor(...a) { super(...a); sources.add(this); }
        close() { sources.delete(this); super.close(); }
      };
    }
    window.__undersignedLive = () => ({ timers: live.size, eventSources: sources.size });
  });
  await page.goto(`${env.receiver.url}/www/blank.html`);
  const before = await page.evaluate(() => window.__undersignedLive());
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.type = 'module';
    s.src = '/pkg/undersigned.js';
    document.head.append(s);
  });
  await page.waitForFunction(() => customElements.get('undersigned-letter') !== undefined);
  await page.evaluate(() => {
    const el = document.createElement('undersigned-letter');
    el.id = 'late';
    el.setAttribute('endpoint', '/api/campaigns/dhs-paragon/signatures');
    el.setAttribute('receiver', '/'); // the live list: an event stream and timers to clean up
    document.querySelector('main').append(el);
  });
  await waitForWidgetText(page, '#late', SEED_TITLE);
  await page.waitForFunction(() => window.__undersignedLive().eventSources === 1, null, { timeout: 10_000 });

  await page.evaluate(() => document.querySelector('#late').setAttribute('theme', 'dark'));
  await page.waitForFunction(() => document.querySelector('#late').shadowRoot.querySelector('.undersigned').classList.contains('theme-dark'));
  const dark = await shadowStyle(page, '#late', '.undersigned', ['background-color', 'color']);
  assert.equal(dark['background-color'], 'rgb(22, 22, 22)');
  await page.evaluate(() => document.querySelector('#late').setAttribute('lang', 'es'));
  await page.waitForFunction(() => document.querySelector('#late').shadowRoot.querySelector('.undersigned').lang === 'es');

  // A move within the page keeps the same widget (nothing typed is lost).
  await page.evaluate(() => {
    const el = document.querySelector('#late');
    el.shadowRoot.querySelector('.undersigned').dataset.marker = 'same';
    document.body.append(el);
  });
  await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
  const marker = await page.evaluate(() => document.querySelector('#late').shadowRoot.querySelector('.undersigned')?.dataset.marker);
  assert.equal(marker, 'same', 'the same container after the move');
  assert.equal(await page.evaluate(() => document.querySelector('#late').shadowRoot.querySelectorAll('.undersigned').length), 1);

  await page.evaluate(() => document.querySelector('#late').remove());
  await page.waitForFunction(([b]) => {
    const now = window.__undersignedLive();
    return now.eventSources === b.eventSources && now.timers <= b.timers;
  }, [before], { timeout: 10_000 });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('an invalid attribute value is reported by name and the rest keeps working', async () => {
  const page = await newWatchedPage(env.browser);
  await servePage(page, env.receiver.url, '/invalid.html', page_('', '<undersigned-letter theme="neon"><p id="fallback">Fallback</p></undersigned-letter>'));
  await page.goto(`${env.receiver.url}/invalid.html`);
  await page.waitForFunction(() => customElements.get('undersigned-letter') !== undefined);
  const deadline = Date.now() + 5000;
  while (page.problems.length === 0 && Date.now() < deadline) await page.waitForTimeout(50);
  assert.equal(page.problems.length, 1, page.problems.join('\n'));
  assert.match(page.problems[0], /`theme`.*light, dark or auto/);
  assert.ok(await page.locator('#fallback').isVisible(), 'the fallback stays visible');
  await page.evaluate(() => document.querySelector('undersigned-letter').setAttribute('theme', 'dark'));
  await waitForWidgetText(page, 'undersigned-letter', SEED_TITLE);
  assert.equal(await page.locator('#fallback').isVisible(), false, 'a corrected attribute starts the widget');
  await page.context().close();
});

test('themes: dark, and auto following the system setting; partners restyle through custom properties and parts', async () => {
  const page = await newWatchedPage(env.browser, { colorScheme: 'dark' });
  await servePage(page, env.receiver.url, '/themes.html', page_('', `
    <undersigned-letter id="light"></undersigned-letter>
    <undersigned-letter id="auto" theme="auto"></undersigned-letter>
    <undersigned-letter id="custom"></undersigned-letter>`, { head: '<link rel="stylesheet" href="/www/theme-test.css">' }));
  await page.route(`${env.receiver.url}/www/theme-test.css`, (route) => route.fulfill({ contentType: 'text/css', body:
    '#custom { --undersigned-bg: rgb(1, 2, 3); --undersigned-fg: rgb(250, 250, 250); } #custom::part(widget) { border: 4px solid rgb(9, 9, 9); }' }));
  await page.goto(`${env.receiver.url}/themes.html`);
  for (const id of ['#light', '#auto', '#custom']) await waitForWidgetText(page, id, SEED_TITLE);
  assert.equal((await shadowStyle(page, '#light', '.undersigned', ['background-color']))['background-color'], 'rgb(255, 255, 255)', 'light is the default even on a dark system');
  assert.equal((await shadowStyle(page, '#auto', '.undersigned', ['background-color']))['background-color'], 'rgb(22, 22, 22)', 'auto follows prefers-color-scheme: dark');
  const custom = await shadowStyle(page, '#custom', '.undersigned', ['background-color', 'color', 'border-top-width', 'border-top-color']);
  assert.deepEqual(custom, { 'background-color': 'rgb(1, 2, 3)', color: 'rgb(250, 250, 250)', 'border-top-width': '4px', 'border-top-color': 'rgb(9, 9, 9)' });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('language: the lang attribute, else the page, else the browser; right-to-left lays out mirrored', async () => {
  const page = await newWatchedPage(env.browser, { locale: 'es-ES' });
  await servePage(page, env.receiver.url, '/langs.html', page_('', `
    <undersigned-letter id="attr" lang="en"></undersigned-letter>
    <section lang="es"><undersigned-letter id="section"></undersigned-letter></section>`, { lang: 'en' }));
  await servePage(page, env.receiver.url, '/nolang.html', page_('', '<undersigned-letter id="browser"></undersigned-letter>', { lang: '' }));
  await page.goto(`${env.receiver.url}/langs.html`);
  await waitForWidgetText(page, '#section', SEED_TITLE);
  const langOf = (sel) => page.evaluate((s) => document.querySelector(s).shadowRoot.querySelector('.undersigned').lang, sel);
  assert.equal(await langOf('#attr'), 'en');
  assert.equal(await langOf('#section'), 'es', 'the closest lang around the element');
  await waitForWidgetText(page, '#section', 'Firme la carta');
  await waitForWidgetText(page, '#attr', 'Sign the letter');
  // A page that switches its language switches the widgets that follow it, not the others.
  await page.evaluate(() => document.querySelector('section').setAttribute('lang', 'en'));
  await waitForWidgetText(page, '#section', 'Sign the letter');
  assert.equal(await langOf('#section'), 'en');
  await page.evaluate(() => document.querySelector('section').setAttribute('lang', 'es'));
  await waitForWidgetText(page, '#section', 'Firme la carta');
  assert.equal(await langOf('#attr'), 'en', 'a widget with its own lang keeps it');
  // Right to left: the widget's container takes its dir from the language; forcing rtl shows the
  // layout follows (logical properties), with the sign-on heading starting at the right edge (the
  // letter itself keeps its own language's direction: tests/e2e/languages.test.mjs, with Arabic).
  const rtl = await page.evaluate(() => {
    const c = document.querySelector('#attr').shadowRoot.querySelector('.undersigned');
    c.dir = 'rtl';
    const title = c.querySelector('.sign-on h2');
    const range = document.createRange();
    range.selectNodeContents(title);
    const text = range.getBoundingClientRect();
    const box = title.getBoundingClientRect();
    return { direction: getComputedStyle(title).direction, rightGap: box.right - text.right, leftGap: text.left - box.left };
  });
  assert.equal(rtl.direction, 'rtl');
  assert.ok(rtl.rightGap < 2 && rtl.rightGap <= rtl.leftGap, `text starts at the right: ${JSON.stringify(rtl)}`);
  await page.goto(`${env.receiver.url}/nolang.html`);
  await waitForWidgetText(page, '#browser', SEED_TITLE);
  assert.equal(await langOf('#browser'), 'es', "without any lang, the browser's language");
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('without JavaScript, or when the wasm cannot load, the fallback form and letter link show', async () => {
  const noScript = await newWatchedPage(env.browser, { javaScriptEnabled: false });
  await noScript.goto(`${env.receiver.url}/www/partner.html`);
  assert.ok(await noScript.locator('undersigned-letter form').isVisible());
  assert.ok(await noScript.locator('undersigned-letter a', { hasText: 'Read the coalition letter' }).isVisible());
  await noScript.context().close();

  const noWasm = await newWatchedPage(env.browser);
  await noWasm.route('**/*.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await noWasm.goto(`${env.receiver.url}/www/partner.html`);
  const deadline = Date.now() + 10_000;
  while (!noWasm.problems.some((p) => p.includes('could not start')) && Date.now() < deadline) await noWasm.waitForTimeout(50);
  assert.ok(noWasm.problems.some((p) => p.includes('could not start')), noWasm.problems.join('\n'));
  assert.ok(await noWasm.locator('undersigned-letter form').isVisible(), 'the fallback stays');
  assert.equal(await noWasm.evaluate(() => document.querySelector('undersigned-letter').shadowRoot), null);
  await noWasm.context().close();
});

test('the JavaScript API mounts into any element with a config object, updates and unmounts', async () => {
  const page = await newWatchedPage(env.browser);
  await page.goto(`${env.receiver.url}/www/blank.html`);
  const result = await page.evaluate(async () => {
    const { mount } = await import('/pkg/undersigned.js');
    const host = document.createElement('div');
    document.querySelector('main').append(host);
    const widget = await mount(host, { theme: 'dark', lang: 'es', endpoint: '/api/campaigns/dhs-paragon/signatures' });
    const container = () => host.shadowRoot.querySelector('.undersigned');
    const mounted = { lang: container().lang, dark: container().classList.contains('theme-dark') };
    let rejected = '';
    try { await mount(document.createElement('div'), { theme: 42 }); } catch (e) { rejected = String(e); }
    widget.update({ lang: 'en', theme: 'light' });
    const updated = { lang: container().lang, light: container().classList.contains('theme-light') };
    widget.unmount();
    return { mounted, updated, rejected, afterUnmount: host.shadowRoot.childElementCount };
  });
  assert.deepEqual(result.mounted, { lang: 'es', dark: true });
  assert.deepEqual(result.updated, { lang: 'en', light: true });
  assert.match(result.rejected, /`theme`.*`42` is not a theme/);
  assert.equal(result.afterUnmount, 0);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
