// Undersigned loader: the one module a partner page includes.
//
//   <script type="module" src="https://cdn.example/undersigned/undersigned.js"></script>
//   <undersigned-letter endpoint="https://receiver.example/api/campaigns/dhs-paragon/signatures"></undersigned-letter>
//
// It finds the .wasm next to itself (import.meta.url, so any CDN path works), instantiates it once
// per page however many widgets there are, and defines <undersigned-letter> only once even if the
// script is included twice.
import init, { mount as mountWasm } from './undersigned_wasm.js';

const TAG = 'undersigned-letter';
const ATTRIBUTES = ['campaign', 'endpoint', 'lang'];

let wasmReady;
function loadWasm() {
  wasmReady ??= init({ module_or_path: new URL('./undersigned_wasm_bg.wasm', import.meta.url) });
  return wasmReady;
}

function configFromAttributes(element) {
  const config = {};
  for (const name of ATTRIBUTES) {
    const value = element.getAttribute(name);
    if (value !== null) config[name] = value;
  }
  return config;
}

/** Mounts a widget into `element` with a config object (same keys as the attributes). */
export async function mount(element, config = {}) {
  await loadWasm();
  return mountWasm(element, config);
}

class UndersignedLetter extends HTMLElement {
  static get observedAttributes() { return ATTRIBUTES; }

  connectedCallback() {
    const generation = (this._generation = (this._generation ?? 0) + 1);
    loadWasm().then(() => {
      // Removed, or removed and added again, while the wasm was loading: the newest call wins.
      if (!this.isConnected || generation !== this._generation || this._handle) return;
      this._handle = mountWasm(this, configFromAttributes(this));
    }).catch((error) => {
      console.error('undersigned: the widget could not start', error);
    });
  }

  disconnectedCallback() {
    this._generation = (this._generation ?? 0) + 1;
    this._handle?.unmount();
    this._handle = undefined;
  }

  attributeChangedCallback() {
    this._handle?.update(configFromAttributes(this));
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, UndersignedLetter);
