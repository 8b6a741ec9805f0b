// Loader of the bench's baseline counter: the same shape as the widget's loader (the .wasm found
// next to this module, instantiated once per page, the element defined once), and nothing more.
import init, { mount } from './yew_counter_wasm.js';

let wasmReady;

class YewCounter extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    wasmReady ??= init({ module_or_path: new URL('./yew_counter_wasm_bg.wasm', import.meta.url) });
    wasmReady.then(() => { if (!this.shadowRoot) mount(this); })
      .catch((error) => console.error('yew-counter: could not start', error));
  }
}

if (!customElements.get('yew-counter')) customElements.define('yew-counter', YewCounter);
