// Undersigned loader: the one module a partner page includes.
//
//   <script type="module" src="https://cdn.example/undersigned/undersigned.js"></script>
//   <undersigned-letter endpoint="https://receiver.example/api/campaigns/dhs-paragon/signatures"></undersigned-letter>
//
// - It finds the .wasm next to itself (import.meta.url), so any CDN path works.
// - One wasm instance per page, however many widgets and however many copies of this script: the
//   first copy to run stores its runtime under a global symbol and every later copy (even from a
//   different URL, which is a separate module instance) uses that one.
// - <undersigned-letter> is defined once, and only after the wasm is ready: until then, or forever
//   if WebAssembly cannot run, the element's own children (a no-JavaScript fallback form) show.
// - Every attribute named by the widget's configuration (WidgetConfig in src/config.rs, read at
//   run time through configKeys()) is observed; there is no list of attribute names to keep here.
import init, { mount as mountWasm, configKeys } from './undersigned_wasm.js';

const TAG = 'undersigned-letter';
const RUNTIME = Symbol.for('undersigned.runtime');
const WASM_URL = new URL('./undersigned_wasm_bg.wasm', import.meta.url);
// `cargo xtask build --release` writes the wasm's Subresource Integrity hash here, so the wasm is
// verified by the browser just like the scripts the snippet pins.
const WASM_INTEGRITY = '';

function runtime() {
  globalThis[RUNTIME] ??= (async () => {
    const response = WASM_INTEGRITY ? fetch(WASM_URL, { integrity: WASM_INTEGRITY, mode: 'cors', credentials: 'omit' }) : fetch(WASM_URL);
    await init({ module_or_path: response });
    return { mount: mountWasm, configKeys: Array.from(configKeys()) };
  })();
  return globalThis[RUNTIME];
}

function report(error) {
  console.error(typeof error === 'string' ? error : error?.message ?? error);
}

function configFromAttributes(element, keys) {
  const config = {};
  for (const key of keys) {
    const value = element.getAttribute(key);
    if (value !== null) config[key] = value;
  }
  return config;
}

function defineElement({ mount, configKeys: keys }) {
  if (customElements.get(TAG)) return;
  class UndersignedLetter extends HTMLElement {
    static get observedAttributes() { return keys; }
    static #mounted = new Set();
    static {
      // A page that switches language (`<html lang>` or a section's `lang`) switches the widgets
      // that follow it: they re-read their configuration, and with it the language around them.
      new MutationObserver(() => {
        for (const element of UndersignedLetter.#mounted) element.#apply();
      }).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
    }
    #handle;
    #invalid = false; // the last mount failed on an invalid attribute: retry when one changes

    connectedCallback() {
      if (this.#handle) return; // moved within the page: the widget (and what was typed) stays
      try {
        this.#handle = mount(this, configFromAttributes(this, keys));
        UndersignedLetter.#mounted.add(this);
        this.#invalid = false;
      } catch (error) {
        this.#invalid = true;
        report(error);
      }
    }

    disconnectedCallback() {
      // A move is a disconnect followed by a connect in the same task: unmount only when the
      // element is still out of the document once that task's microtasks run.
      queueMicrotask(() => {
        if (this.isConnected || !this.#handle) return;
        this.#handle.unmount();
        this.#handle = undefined;
        UndersignedLetter.#mounted.delete(this);
      });
    }

    attributeChangedCallback() {
      if (!this.#handle) {
        // Before the first mount connectedCallback reads every attribute; after a refused one, a
        // corrected attribute gets the widget going.
        if (this.#invalid && this.isConnected) this.connectedCallback();
        return;
      }
      this.#apply();
    }

    /** Re-reads the attributes (and the language around the element) into the mounted widget. */
    #apply() {
      if (!this.#handle) return;
      try {
        this.#handle.update(configFromAttributes(this, keys));
      } catch (error) {
        report(error);
      }
    }
  }
  customElements.define(TAG, UndersignedLetter);
}

runtime().then(defineElement, (error) => {
  console.error('undersigned: the widget could not start, so the content inside <undersigned-letter> stays in place.', error);
});

/**
 * Mounts a widget into `element` (any element without a shadow root, e.g. a <div>) with a config
 * object whose keys are the attribute names. Resolves to a handle with update(config) and unmount().
 */
export async function mount(element, config = {}) {
  const { mount: mountInElement } = await runtime();
  return mountInElement(element, config);
}
