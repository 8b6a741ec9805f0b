// The embed page's side of `mode="frame"` (server/src/http/embed.rs): tells the partner's loader
// (src/js/undersigned.js) the page's height and the widget's DOM events, and applies the language,
// theme and custom properties it sends. Messages go only to the partner origin named in the URL
// (`parent`) and are taken only from the parent window at that origin; the browser enforces the
// target origin, and `frame-ancestors` decides who may frame this page at all.
const widget = document.querySelector('undersigned-letter');
const parentOrigin = (() => {
  const named = new URLSearchParams(location.search).get('parent');
  try {
    return named && new URL(named).origin === named ? named : null;
  } catch {
    return null;
  }
})();
/** The custom properties a partner may set (README "Theming"); anything else is ignored. */
const PROPERTIES = ['accent', 'on-accent', 'font', 'radius', 'fg', 'bg', 'muted', 'border', 'surface', 'error', 'success']
  .map((name) => `--undersigned-${name}`);
const THEMES = ['light', 'dark', 'auto'];

function tell(message) {
  if (parentOrigin && window.parent !== window) window.parent.postMessage({ undersigned: message.type, ...message }, parentOrigin);
}

// The height of the whole page (the root element's box is as tall as its content), rounded up,
// so the partner's iframe never needs a scrollbar of its own.
let lastHeight = 0;
new ResizeObserver(() => {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height !== lastHeight) {
    lastHeight = height;
    tell({ type: 'height', height });
  }
}).observe(document.documentElement);

for (const name of ['undersigned:signed', 'undersigned:error']) {
  // Their details are non-personal by design (src/form/events.rs).
  widget.addEventListener(name, (event) => tell({ type: 'event', name, detail: event.detail }));
}

addEventListener('message', (event) => {
  if (event.source !== window.parent || event.origin !== parentOrigin || event.data?.undersigned !== 'config') return;
  const { lang, theme, properties } = event.data;
  if (typeof lang === 'string' && /^[A-Za-z0-9-]{1,35}$/.test(lang) && widget.getAttribute('lang') !== lang) {
    widget.setAttribute('lang', lang);
  }
  if (THEMES.includes(theme) && widget.getAttribute('theme') !== theme) widget.setAttribute('theme', theme);
  for (const name of PROPERTIES) {
    const value = properties?.[name];
    // Through the CSSOM, which a strict style-src allows; a value can only set its own property.
    if (typeof value === 'string' && value.length <= 200) widget.style.setProperty(name, value);
    else widget.style.removeProperty(name);
  }
});

// A link that leaves the letter (evidence, the organizers' site) opens a new tab instead of
// replacing the widget inside the frame; links within the page (footnotes) stay.
document.addEventListener('click', (event) => {
  const link = event.composedPath().find((node) => node instanceof HTMLAnchorElement && node.href);
  if (!link) return;
  const target = new URL(link.href);
  if (target.origin + target.pathname + target.search !== location.origin + location.pathname + location.search) {
    link.target = '_blank';
    link.rel = 'noopener';
  }
}, true);

tell({ type: 'ready', title: document.title });
