// Undersigned loader: the one module a partner page includes.
//
//   <script type="module" src="https://cdn.example/undersigned/undersigned.js"></script>
//   <undersigned-letter endpoint="https://receiver.example/api/campaigns/dhs-paragon/signatures"></undersigned-letter>
//
// - It finds the .wasm next to itself (import.meta.url), so any CDN path works.
// - One wasm instance per page, however many widgets and however many copies of this script: the
//   first copy to run stores its runtime under a global symbol and every later copy (even from a
//   different URL, which is a separate module instance) uses that one.
// - <undersigned-letter> is defined once. An element shows its own children (a no-JavaScript
//   fallback form) until its widget is mounted, and keeps them forever if WebAssembly cannot run.
// - `loading="lazy"`: the wasm is fetched only once such an element comes within about a screen
//   of the viewport (IntersectionObserver); a page whose widgets are all lazy, or all framed,
//   fetches no wasm before that.
// - `mode="frame"`: the widget runs in an iframe served by the receiver (`/embed/{campaign}`), so
//   what the visitor types and the outbox live on the receiver's origin, out of reach of the
//   partner page's scripts. This page never loads the wasm for it; the code below keeps the
//   frame's height, language, theme, custom properties and DOM events in step with the element.
// - Languages: the wasm carries English; another language's strings are fetched (once per page,
//   in parallel with the wasm) only for a widget that shows it, and handed to the wasm before it
//   mounts or updates that widget.
// - Pre-rendered form: while the wasm downloads and starts, an inline element with the built-in
//   campaign shows the widget's first render (letter and sign-on form, made by `cargo xtask build`
//   from the wasm's own output: English inside this script, drawn as soon as it runs; another
//   language a small file fetched first) in its shadow root, already usable.
//   When the wasm is ready it takes over: what was typed, ticked and chosen is carried into the
//   wasm's form through its own input events, focus and caret stay where they were, and a press of
//   the sign button in between is held and made once on the wasm's form (never lost or doubled).
// - Every attribute named by the widget's configuration (WidgetConfig in src/config.rs, read at
//   run time through configKeys()) is followed; there is no list of attribute names to keep here.
// The glue is imported when the wasm is wanted, not statically: the element is defined and the
// pre-rendered widget fetched without waiting for the glue's download and parse.

const TAG = 'undersigned-letter';
const RUNTIME = Symbol.for('undersigned.runtime');
const WASM_URL = new URL('./undersigned_wasm_bg.wasm', import.meta.url);
// `cargo xtask build --release` writes the wasm's Subresource Integrity hash here, so the wasm is
// verified by the browser just like the scripts the snippet pins.
const WASM_INTEGRITY = '';
// The second part of the wasm, loaded when first needed (src/js/more.js), and its SHA-256
// integrity in a CDN release (the glue checks it itself when it loads the module synchronously).
const MORE_URL = new URL('./undersigned_wasm_more.wasm', import.meta.url);
const MORE_INTEGRITY = '';
// The widget's stylesheet (src/styles, minified by build.rs), written here as a string by `cargo
// xtask build`. It is not inside the wasm, so that the pre-rendered widget is drawn with it before
// the wasm is there, and not a file of its own, so that drawing it waits for no second download.
// Adopted as a constructed sheet (CSSOM), which a strict `style-src` allows.
const STYLE = '';
const SHEET = Symbol.for('undersigned.sheet');
// Every language but English (which the wasm carries) is a file of its own, fetched only for a
// widget that shows it: {lang: [file, integrity]}, written by `cargo xtask build` (src/i18n.rs).
const LOCALES = {};
const LOCALE_DATA = Symbol.for('undersigned.locales');
/** How far outside the viewport a lazy widget starts loading: one screen ahead, in every direction. */
const LAZY_MARGIN = '100% 100%';

/** Fetches `[file, integrity]` (relative to this script), verified when a hash is given. */
function fetchOwn([file, integrity]) {
  const url = new URL(file, import.meta.url);
  return integrity ? fetch(url, { integrity, mode: 'cors', credentials: 'omit' }) : fetch(url);
}

/** The widget's stylesheet, made once per page (whichever copy of this script asks first). */
function stylesheet() {
  if (!globalThis[SHEET]) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    globalThis[SHEET] = sheet;
  }
  return globalThis[SHEET];
}

/** The language the wasm will choose for `element` (Lang::for_host in src/i18n.rs): `configured`
 * (the `lang` key), else the closest `lang` around it, else the browser's languages, else English. */
function widgetLanguage(element, configured) {
  const tags = [configured, element.closest('[lang]')?.getAttribute('lang'), ...(navigator.languages ?? [])];
  for (const tag of tags) {
    const primary = typeof tag === 'string' ? tag.trim().split(/[-_]/)[0].toLowerCase() : '';
    if (primary === 'en' || Object.hasOwn(LOCALES, primary)) return primary;
  }
  return 'en';
}

/** The `[key, text]` pairs of `lang`, fetched once per page; null for English, or when they cannot
 * load (the widget then shows English, which every language falls back to). */
function localeEntries(lang) {
  if (!Object.hasOwn(LOCALES, lang)) return Promise.resolve(null);
  const cache = (globalThis[LOCALE_DATA] ??= {});
  cache[lang] ??= fetchOwn(LOCALES[lang])
    .then((response) => {
      if (!response.ok) throw new Error(`it answered ${response.status}`);
      return response.json();
    })
    .catch((error) => {
      console.warn(`undersigned: the ${lang} translations could not load, so the widget shows English`, error);
      return null;
    });
  return cache[lang];
}

function runtime() {
  globalThis[RUNTIME] ??= (async () => {
    const response = WASM_INTEGRITY ? fetch(WASM_URL, { integrity: WASM_INTEGRITY, mode: 'cors', credentials: 'omit' }) : fetch(WASM_URL);
    const glue = await import('./undersigned_wasm.js');
    const { mountStyled, addLocale, configKeys } = glue;
    glue.usMoreFrom(MORE_URL, MORE_INTEGRITY);
    await glue.default({ module_or_path: response });
    const sheet = stylesheet();
    const added = new Set(['en']);
    return {
      mount: (element, config, shownAt) => mountStyled(element, config, sheet, shownAt),
      /** Whether the rest of the wasm is in place, and a promise of it (src/js/more.js). */
      moreReady: glue.usMoreReady,
      more: glue.usLoadMore,
      configKeys: Array.from(configKeys()),
      /** Whether the wasm has the strings of `lang` (or cannot get them: then it shows English). */
      hasLanguage: (lang) => added.has(lang) || !Object.hasOwn(LOCALES, lang),
      /** Hands the wasm the strings of `lang` (once per page); resolves when it has them. */
      async useLanguage(lang) {
        if (added.has(lang)) return;
        const entries = await localeEntries(lang);
        if (entries && !added.has(lang)) {
          addLocale(lang, entries);
          added.add(lang);
        }
      },
    };
  })();
  return globalThis[RUNTIME];
}

/** The runtime for an element: the failure is said once per page, and the fallback stays. */
let told = false;
async function runtimeOrNothing() {
  try {
    return await runtime();
  } catch (error) {
    if (!told) console.error('undersigned: the widget could not start, so the content inside <undersigned-letter> stays in place.', error);
    told = true;
    return null;
  }
}

function report(error) {
  console.error(typeof error === 'string' ? error : error?.message ?? error);
}

function isLazy(element) {
  const loading = element.getAttribute('loading');
  if (loading !== null && loading !== 'lazy' && loading !== 'eager') {
    throw new Error(`undersigned: invalid \`loading\`: \`${loading}\` is not a loading mode; use eager or lazy`);
  }
  return loading === 'lazy';
}

function configFromAttributes(element, keys) {
  const config = {};
  for (const key of keys) {
    const value = element.getAttribute(key);
    if (value !== null) config[key] = value;
  }
  return config;
}

/** Resolves once `element` is within LAZY_MARGIN of the viewport; `cancel()` stops watching. */
function nearViewport(element) {
  let cancel;
  const near = new Promise((resolve) => {
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        observer.disconnect();
        resolve();
      }
    }, { rootMargin: LAZY_MARGIN });
    observer.observe(element);
    cancel = () => observer.disconnect();
  });
  return { near, cancel };
}

// ---- the pre-rendered widget, shown until the wasm takes over ----

// The widget's first render with the built-in campaign, made by `cargo xtask build` from the wasm's
// own output: {html, privacyHost} per language. English (the language most pages show, and every
// language's fallback) is written here, so that it is drawn as soon as this script runs, before
// anything else downloads: FIRST_RENDER = {lang, html, privacyHost}. Every other language is a file
// next to this script, fetched only for a widget in that language: PRERENDERED = {lang: [file,
// integrity]} (the integrity in a CDN release).
const FIRST_RENDER = null;
const PRERENDERED = {};
/** Attributes that change the first render beyond what the pre-render covers (another campaign,
 * the receiver's live list, a goal, the partner's privacy line): such an element waits for the wasm. */
const NOT_PRERENDERED = ['campaign', 'receiver', 'status-feed', 'goal', 'privacy', 'privacy-url'];
const THEMES = { '': 'light', light: 'light', dark: 'dark', auto: 'auto' };

/** The endpoint's host as the privacy line names it (SignOnSettings::endpoint_host), or null. */
function endpointHost(endpoint) {
  const rest = endpoint.split('://')[1];
  const host = rest?.split(/[/?#]/)[0].split('@').pop();
  return host || null;
}

/**
 * Shows the pre-rendered widget in `element`'s shadow root, unless the element is not covered by it.
 * Returns the shown widget or null; for a language whose render is fetched first, a promise of
 * either, which is null when `tooLate()` says the wasm got there first. Never throws: the wasm
 * draws the widget as it always did when anything here goes wrong.
 */
function showPrerendered(element, tooLate) {
  const theme = THEMES[(element.getAttribute('theme') ?? '').trim().toLowerCase()];
  const endpoint = element.getAttribute('endpoint');
  if (!endpoint || !theme || element.shadowRoot || NOT_PRERENDERED.some((name) => element.hasAttribute(name))) return null;
  const lang = widgetLanguage(element, element.getAttribute('lang'));
  const draw = (data) => {
    try {
      return tooLate() || element.shadowRoot ? null : drawPrerendered(element, data, theme, endpoint);
    } catch (error) {
      console.warn('undersigned: the pre-rendered widget could not be shown; the widget comes with the wasm', error);
      return null;
    }
  };
  if (FIRST_RENDER?.lang === lang) return draw(FIRST_RENDER);
  if (!Object.hasOwn(PRERENDERED, lang)) return null;
  return fetchOwn(PRERENDERED[lang])
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => data && draw(data), () => null);
}

/** Draws `data` (a pre-rendered widget) in a new shadow root of `element`; the shown widget or null. */
function drawPrerendered(element, data, theme, endpoint) {
  // A template parses without running anything; the markup is the wasm's own output.
  const template = document.createElement('template');
  template.innerHTML = data.html;
  const container = template.content.firstElementChild;
  container.className = `undersigned theme-${theme}`;
  const host = endpointHost(endpoint);
  const privacy = container.querySelector('.privacy');
  if (host && privacy) privacy.textContent = data.privacyHost.replace('{host}', host);
  const form = container.querySelector('form');
  if (!form) return null;
  const root = element.attachShadow({ mode: 'open' });
  root.adoptedStyleSheets = [stylesheet()];
  root.append(container);
  const shown = { root, form, shownAt: Date.now(), pressed: false };
  // A press before the wasm is there: held, and made once on the wasm's form (carryOver).
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    shown.pressed = true;
  });
  return shown;
}

/**
 * A press of sign while the rest of the wasm is not in place (the page went offline before the
 * visitor touched the widget, or the background fetch has not finished): held, and made again once
 * the rest is there, fetched now or, when that fails, as soon as the browser is back online. The
 * wasm never starts a signature it could not finish, and nothing typed is lost.
 */
function holdPressesUntilReady(root, rt) {
  root?.addEventListener(
    'submit',
    (event) => {
      if (rt.moreReady()) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const form = event.target;
      form.setAttribute('aria-busy', 'true');
      const retry = () =>
        rt.more().then(
          () => {
            form.removeAttribute('aria-busy');
            form.requestSubmit();
          },
          () => addEventListener('online', retry, { once: true }),
        );
      retry();
    },
    { capture: true },
  );
}

/** What the visitor did in the pre-rendered form: each named control, and where the focus was. */
function readPrerendered(shown) {
  const controls = [...shown.form.elements].filter((el) => el.name && el.type !== 'submit');
  const fields = controls.map((el) => ({ name: el.name, type: el.type, value: el.value, checked: el.checked }));
  const active = shown.root.activeElement;
  let focus = null;
  if (active?.name && shown.form.contains(active)) {
    focus = { name: active.name, value: active.value, start: active.selectionStart, end: active.selectionEnd, direction: active.selectionDirection };
  }
  return { fields, focus, pressed: shown.pressed };
}

/** Lets the wasm draw what it was just told (Yew renders in a microtask; a task runs after all of them). */
const rendered = () => new Promise((resolve) => setTimeout(resolve));

function control(form, name, value) {
  return [...form.elements].find((el) => el.name === name && (el.type !== 'radio' || el.value === value)) ?? null;
}

/** Carries `typed` into the wasm's form in `root` through the form's own events, as if typed there. */
async function carryOver(root, typed) {
  await rendered();
  let form = root.querySelector('form');
  if (!form) return; // the wasm shows no form (its settings refused the configuration)
  // The signer kind first: it decides which fields the wasm draws.
  for (const field of typed.fields.filter((f) => f.type === 'radio' && f.checked)) {
    const el = control(form, field.name, field.value);
    if (el && !el.checked) {
      el.checked = true;
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }
  await rendered();
  form = root.querySelector('form');
  if (!form) return;
  for (const field of typed.fields) {
    if (field.type === 'radio') continue;
    const el = control(form, field.name);
    if (!el) continue;
    if (field.type === 'checkbox') {
      if (el.checked === field.checked) continue;
      el.checked = field.checked;
      el.dispatchEvent(new Event('change', { bubbles: true }));
    } else if (field.value !== '' && el.value !== field.value) {
      el.value = field.value;
      el.dispatchEvent(new Event(el.localName === 'select' ? 'change' : 'input', { bubbles: true }));
    }
  }
  await rendered();
  if (typed.focus) {
    const el = control(form, typed.focus.name, typed.focus.value);
    el?.focus({ preventScroll: true });
    try {
      if (typed.focus.start !== null) el?.setSelectionRange(typed.focus.start, typed.focus.end, typed.focus.direction);
    } catch {
      // an input type without a caret (email, checkbox): the focus alone is restored
    }
  }
  if (typed.pressed) root.querySelector('form')?.requestSubmit();
}

/**
 * The wasm could not start (or refused the attributes) after the pre-render was shown: the element's
 * own content (the no-JavaScript fallback) shows again, with what was typed copied into its fields
 * of the same name, so nothing is lost; the visitor sends it from there.
 */
function giveBackToFallback(element, shown, typed) {
  shown.root.adoptedStyleSheets = [];
  shown.root.replaceChildren(document.createElement('slot'));
  const fallback = element.querySelector('form');
  if (!fallback || !typed) return;
  for (const field of typed.fields) {
    const el = control(fallback, field.name, field.value);
    if (!el) continue;
    if (field.type === 'checkbox' || field.type === 'radio') el.checked = field.checked;
    else if (field.value !== '') el.value = field.value;
  }
}

// ---- mode="frame": the widget in an iframe on the receiver's origin ----

/** The custom properties a partner may set (README "Theming"); the frame applies these only. */
const FRAME_PROPERTIES = ['accent', 'on-accent', 'font', 'radius', 'fg', 'bg', 'muted', 'border', 'surface', 'error', 'success']
  .map((name) => `--undersigned-${name}`);
/** Attributes that pass through to the frame; the frame itself decides where signatures go. */
const FRAME_ATTRIBUTES = ['theme', 'source', 'goal', 'privacy-url'];
/** The DOM events of the widget (src/form/events.rs) that the element re-dispatches. */
const FRAME_EVENTS = ['undersigned:signed', 'undersigned:error'];

let frameSheet;

function isFramed(element) {
  return element.getAttribute('mode') === 'frame';
}

/** The embed page of the receiver and campaign that `endpoint` (or `campaign`) names. */
function embedUrl(element) {
  const onReceiver = (value) => {
    if (!value) return null;
    try {
      const url = new URL(value, document.baseURI);
      const match = url.pathname.match(/^(.*)\/api\/campaigns\/([^/]+?)(?:\/signatures)?\/?$/);
      return match && new URL(`${match[1]}/embed/${match[2]}`, url);
    } catch {
      return null;
    }
  };
  const url = onReceiver(element.getAttribute('endpoint')) ?? onReceiver(element.getAttribute('campaign'));
  if (!url) {
    throw new Error('undersigned: `mode="frame"` needs `endpoint` (or `campaign`) on a reference receiver, e.g. https://receiver.example/api/campaigns/{id}/signatures');
  }
  return url;
}

/** The language around the element, as the widget itself would follow it. */
function languageOf(element) {
  return element.getAttribute('lang') || element.parentElement?.closest('[lang]')?.getAttribute('lang') || navigator.language || '';
}

/** What the frame is told: language, theme and the partner's custom properties, as resolved here. */
function frameSettings(element) {
  const style = getComputedStyle(element);
  const properties = {};
  for (const name of FRAME_PROPERTIES) {
    const value = style.getPropertyValue(name).trim();
    if (value) properties[name] = value;
  }
  return { lang: languageOf(element), theme: element.getAttribute('theme') ?? '', properties };
}

function mountFrame(element) {
  const src = embedUrl(element);
  const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  if (root.childElementCount > 0) throw new Error('undersigned: this element already has a widget');
  if (!frameSheet) {
    frameSheet = new CSSStyleSheet();
    frameSheet.replaceSync(':host{display:block}iframe{display:block;box-sizing:border-box;inline-size:100%;block-size:36em;border:0;margin:0;padding:0}');
  }
  root.adoptedStyleSheets = [frameSheet];
  src.searchParams.set('parent', location.origin);
  src.searchParams.set('lang', languageOf(element));
  for (const name of FRAME_ATTRIBUTES) {
    const value = element.getAttribute(name);
    if (value) src.searchParams.set(name, value);
  }
  const frame = document.createElement('iframe');
  frame.setAttribute('part', 'widget');
  frame.title = 'Sign-on letter';
  frame.src = src.href;
  const send = () => frame.contentWindow?.postMessage({ undersigned: 'config', ...frameSettings(element) }, src.origin);
  const onMessage = (event) => {
    // Only the frame we made, from the origin we loaded it from.
    if (event.source !== frame.contentWindow || event.origin !== src.origin) return;
    const data = event.data;
    if (data?.undersigned === 'ready') {
      if (typeof data.title === 'string' && data.title) frame.title = data.title;
      send();
    } else if (data?.undersigned === 'height' && Number.isFinite(data.height) && data.height > 0) {
      // A CSSOM change, which a strict style-src allows (unlike a style attribute).
      frame.style.blockSize = `${Math.ceil(data.height)}px`;
    } else if (data?.undersigned === 'event' && FRAME_EVENTS.includes(data.name)) {
      element.dispatchEvent(new CustomEvent(data.name, { bubbles: true, composed: true, detail: data.detail }));
    }
  };
  addEventListener('message', onMessage);
  root.append(frame);
  return {
    update: send,
    unmount() {
      removeEventListener('message', onMessage);
      frame.remove();
    },
  };
}

function defineElement() {
  if (customElements.get(TAG)) return;
  class UndersignedLetter extends HTMLElement {
    static #mounted = new Set();
    static {
      // A page that switches language (`<html lang>` or a section's `lang`) switches the widgets
      // that follow it: they re-read their configuration, and with it the language around them.
      new MutationObserver(() => {
        for (const element of UndersignedLetter.#mounted) element.#apply();
      }).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
    }
    #handle;
    #runtime; // the wasm's runtime, once an inline widget is mounted
    #keys = [];
    #starting; // the start in progress: { cancel() }
    #invalid = false; // the last start failed on an invalid attribute: retry when one changes
    // The element's attributes, followed without `observedAttributes` (the keys are only known
    // once the wasm is there, and the element is defined before that).
    #attributes = new MutationObserver(() => this.#attributeChanged());

    connectedCallback() {
      this.#attributes.observe(this, { attributes: true });
      if (this.#handle || this.#starting) return; // moved within the page: the widget (and what was typed) stays
      this.#start();
    }

    async #start() {
      let cancelled = false;
      let stopWatching = () => {};
      this.#starting = { cancel: () => { cancelled = true; stopWatching(); } };
      try {
        const mode = this.getAttribute('mode');
        if (mode !== null && mode !== 'inline' && mode !== 'frame') {
          throw new Error(`undersigned: invalid \`mode\`: \`${mode}\` is not a mode; use inline or frame`);
        }
        const framed = mode === 'frame';
        if (isLazy(this)) {
          const { near, cancel } = nearViewport(this);
          stopWatching = cancel;
          await near;
        }
        if (cancelled) return;
        if (framed) {
          this.#handle = mountFrame(this);
        } else {
          let ready = false;
          const lang = widgetLanguage(this, this.getAttribute('lang'));
          // A widget given back to its fallback (see below) starts again from an empty shadow root.
          if (this.shadowRoot?.firstElementChild?.localName === 'slot') this.shadowRoot.replaceChildren();
          // First the pre-rendered widget (drawn right here for the language this script carries),
          // then the downloads: the wasm and the widget's strings, in parallel.
          const prerendering = showPrerendered(this, () => ready || cancelled);
          localeEntries(lang);
          const starting = runtimeOrNothing()
            .then(async (rt) => {
              await rt?.useLanguage(lang);
              return rt;
            })
            .finally(() => { ready = true; });
          const rt = await starting;
          const shown = await Promise.race([prerendering, null]);
          if (cancelled) {
            shown?.root.replaceChildren();
            return;
          }
          const typed = shown && readPrerendered(shown);
          if (!rt) {
            if (shown) giveBackToFallback(this, shown, typed);
            return;
          }
          this.#runtime = rt;
          this.#keys = rt.configKeys;
          const config = configFromAttributes(this, this.#keys);
          if (shown) {
            shown.root.replaceChildren();
            try {
              this.#handle = rt.mount(this, config, shown.shownAt);
            } catch (error) {
              giveBackToFallback(this, shown, typed);
              throw error;
            }
            carryOver(shown.root, typed);
          } else {
            this.#handle = rt.mount(this, config);
          }
        }
        if (!framed) {
          // The rest of the wasm, in the background, once the visitor turns to this widget.
          for (const type of ['pointerdown', 'focusin', 'keydown']) {
            // A failure here waits for the next need (a press of sign is held, see below).
            this.addEventListener(type, () => this.#runtime.more().catch(() => {}), { once: true, passive: true });
          }
          holdPressesUntilReady(this.shadowRoot, this.#runtime);
        }
        UndersignedLetter.#mounted.add(this);
        this.#invalid = false;
      } catch (error) {
        this.#invalid = true;
        report(error);
      } finally {
        if (!cancelled) this.#starting = undefined;
      }
    }

    disconnectedCallback() {
      // A move is a disconnect followed by a connect in the same task: stop only when the element
      // is still out of the document once that task's microtasks run.
      queueMicrotask(() => {
        if (this.isConnected) return;
        this.#attributes.disconnect();
        this.#starting?.cancel();
        this.#starting = undefined;
        if (!this.#handle) return;
        this.#handle.unmount();
        this.#handle = undefined;
        UndersignedLetter.#mounted.delete(this);
      });
    }

    #attributeChanged() {
      if (!this.#handle) {
        // Before the first mount the start reads every attribute; after a refused one, a
        // corrected attribute gets the widget going.
        if (this.#invalid && this.isConnected && !this.#starting) this.#start();
        return;
      }
      this.#apply();
    }

    /** Re-reads the attributes (and the language around the element) into the mounted widget,
     * once the wasm has the strings of the language they lead to. */
    #apply() {
      if (!this.#handle) return;
      const config = configFromAttributes(this, this.#keys);
      const lang = this.#runtime && widgetLanguage(this, config.lang);
      if (lang && !this.#runtime.hasLanguage(lang)) {
        // Read again once they are there: the attributes may have changed meanwhile.
        this.#runtime.useLanguage(lang).then(() => this.#apply());
        return;
      }
      try {
        this.#handle.update(config);
      } catch (error) {
        report(error);
      }
    }
  }
  customElements.define(TAG, UndersignedLetter);
}

defineElement();
// Start the wasm at once, while the page parses, unless every widget already on the page is lazy or
// framed: those start it themselves when they need it (the framed ones never).
const present = [...document.querySelectorAll(TAG)];
if (present.length === 0 || present.some((el) => el.getAttribute('loading') !== 'lazy' && !isFramed(el))) {
  runtimeOrNothing();
}

/**
 * Mounts a widget into `element` (any element without a shadow root, e.g. a <div>) with a config
 * object whose keys are the attribute names. Resolves to a handle with update(config) and unmount().
 */
export async function mount(element, config = {}) {
  const rt = await runtime();
  await rt.useLanguage(widgetLanguage(element, config?.lang));
  const handle = rt.mount(element, config);
  return {
    update(next) {
      const lang = widgetLanguage(element, next?.lang);
      if (rt.hasLanguage(lang)) return handle.update(next);
      return rt.useLanguage(lang).then(() => handle.update(next));
    },
    unmount: () => handle.unmount(),
  };
}
