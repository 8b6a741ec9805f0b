// The pre-rendered widget, for `cargo xtask build` (xtask/src/build/prerender.rs):
//
//   node xtask/prerender.mjs PKG_DIR LANG... > prerender.json
//
// Loads the freshly built package in headless Chromium (served from memory under a made-up
// origin; every other request is refused), mounts the widget with the built-in campaign once per
// language, and prints {lang: {html, privacyHost}} as JSON: the container's first render, exactly
// as the wasm draws it, and the privacy line for an endpoint on another site (`{host}` to fill in;
// the render is for a same-site endpoint). (the loader shows it until the wasm takes over, see src/js/undersigned.js).
//
// The snapshot is the widget's own output, so it cannot drift from it: no second renderer to keep
// in step. State the wasm keeps in DOM properties (a checked radio, a selected option) is written
// back as attributes so the markup shows it. Left out, to keep the download small: the country
// list (only its empty choice stays; the wasm brings the rest) and the collapsed rest of the letter.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { headlessPage } from './headless.mjs';

const [pkg, ...langs] = process.argv.slice(2);
if (!pkg || langs.length === 0) {
  console.error('usage: node xtask/prerender.mjs PKG_DIR LANG...');
  process.exit(2);
}
const ORIGIN = 'https://prerender.invalid';
/** The same-site endpoint (privacy line "through this site") and a foreign one whose host is a token. */
const ENDPOINT = '/api/campaigns/prerender/signatures';
const HOST_TOKEN = 'undersigned-host.invalid';
const TYPES = { js: 'text/javascript', wasm: 'application/wasm', css: 'text/css', json: 'application/json', html: 'text/html' };

const { browser, page, problems } = await headlessPage();
try {
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) return route.abort();
    if (url.pathname === '/') return route.fulfill({ contentType: TYPES.html, body: '<!doctype html><html><body></body></html>' });
    const name = url.pathname.slice(1);
    if (!/^undersigned[\w.]*\.(js|wasm|css|json)$/.test(name)) return route.abort();
    return route.fulfill({ contentType: TYPES[name.split('.').pop()], body: readFileSync(join(pkg, name)) });
  });
  await page.goto(`${ORIGIN}/`);
  const result = {};
  for (const lang of langs) {
    result[lang] = await page.evaluate(async ({ lang, ENDPOINT, HOST_TOKEN }) => {
      const { mount } = await import('/undersigned.js');
      const render = async (endpoint) => {
        const host = document.createElement('div');
        document.body.append(host);
        const handle = await mount(host, { lang, endpoint });
        for (let i = 0; i < 100 && !host.shadowRoot.querySelector('form'); i += 1) await new Promise((r) => setTimeout(r, 10));
        const container = host.shadowRoot.firstElementChild.cloneNode(true);
        const live = host.shadowRoot.firstElementChild;
        // Properties the wasm set, written back as attributes (cloneNode copies attributes only).
        const copies = container.querySelectorAll('input, option');
        live.querySelectorAll('input, option').forEach((el, i) => {
          if (el.checked) copies[i].setAttribute('checked', '');
          if (el.selected && el.value !== '') copies[i].setAttribute('selected', '');
        });
        handle.unmount();
        host.remove();
        return container;
      };
      const container = await render(ENDPOINT);
      if (!container.querySelector('form')) throw new Error(`no sign-on form was drawn for ${lang}`);
      for (const option of container.querySelectorAll('select[name=country] option')) {
        if (option.value !== '') option.remove();
      }
      const rest = container.querySelector('#letter-rest');
      if (rest) rest.replaceChildren();
      const foreign = await render(`https://${HOST_TOKEN}/x`);
      return { html: container.outerHTML, privacyHost: foreign.querySelector('.privacy').textContent.replace(HOST_TOKEN, '{host}') };
    }, { lang, ENDPOINT, HOST_TOKEN });
  }
  if (problems.length) throw new Error(`the widget reported errors while pre-rendering: ${problems.join('; ')}`);
  process.stdout.write(JSON.stringify(result));
} finally {
  await browser.close();
}
