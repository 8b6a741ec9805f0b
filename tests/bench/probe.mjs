// What the bench's page probes share: watching the document and every shadow root as it is
// attached, from a script that runs in the page before the page's own scripts.

/**
 * In the page: calls `check` on every change of the document and of every shadow root attached
 * from now on (`attachShadow` is wrapped, since mutation records do not cross shadow boundaries).
 * Returns a function that stops watching. Never called in Node: `probeScript` puts it in the page.
 */
export function watchDom(check, options = { childList: true, subtree: true }) {
  const observers = [];
  const observe = (node) => {
    const o = new MutationObserver(check);
    o.observe(node, options);
    observers.push(o);
  };
  observe(document);
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attachShadow.call(this, init);
    observe(root);
    return root;
  };
  return () => { for (const o of observers) o.disconnect(); };
}

/**
 * The init script (for `context.addInitScript`) that runs `install(arg)` in the page, where
 * `install` may call `watchDom`. `arg` must be JSON.
 */
export function probeScript(install, arg) {
  return { content: `(() => { const watchDom = ${watchDom}; (${install})(${JSON.stringify(arg ?? null)}); })();` };
}
