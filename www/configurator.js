// The organizer configurator: every change to the options updates the snippet, the CSP advice and
// the live preview (by setting the preview element's attributes, exactly as a partner page would).
// Inputs with a `name` are widget attributes; the name is the attribute (see the README table).

const form = document.getElementById('options');
const scriptInput = document.getElementById('opt-script');
const preview = document.getElementById('preview');
const snippetOut = document.getElementById('snippet');
const cspOut = document.getElementById('csp');
const copyButton = document.getElementById('copy');
const copyStatus = document.getElementById('copy-status');

const defaultEndpoint = new URL('/api/campaigns/dhs-paragon/signatures', location.href).href;
scriptInput.value = new URL('/pkg/undersigned.js', location.href).href;
form.elements.endpoint.value = defaultEndpoint;

function escapeAttribute(value) {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The URL in `input`, or null; marks the field invalid with a message that says what to do. */
function checkedUrl(input) {
  const error = document.getElementById(`${input.id}-error`);
  const value = input.value.trim();
  let message = '';
  if (value === '') {
    if (input.required) message = 'Enter a URL starting with https://.';
  } else {
    try {
      const url = new URL(value);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') message = 'Use an https:// (or http://) URL.';
    } catch {
      message = 'This is not a full URL: it must start with https://.';
    }
  }
  error.textContent = message;
  error.hidden = message === '';
  if (message) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  return message || value === '' ? null : new URL(value);
}

/** The widget attributes chosen in the form, in the form's order, without empty ones. */
function chosenAttributes() {
  const attributes = [];
  for (const [name, value] of new FormData(form)) {
    if (typeof value === 'string' && value.trim() !== '') attributes.push([name, value.trim()]);
  }
  return attributes;
}

function cspAdvice(scriptUrl, attributes) {
  const connect = new Set(scriptUrl ? [scriptUrl.origin] : []);
  for (const [name, value] of attributes) {
    if (['endpoint', 'campaign', 'status-feed', 'receiver'].includes(name)) {
      try { connect.add(new URL(value).origin); } catch { /* reported next to the field */ }
    }
  }
  const script = scriptUrl ? scriptUrl.origin : "'self'";
  return `script-src ${script} 'wasm-unsafe-eval';\nconnect-src ${[...connect].join(' ')};`;
}

function update() {
  const scriptUrl = checkedUrl(scriptInput);
  for (const input of form.querySelectorAll('input[type="url"][name]')) checkedUrl(input);
  const attributes = chosenAttributes();
  const attributeText = attributes.map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`).join('');
  snippetOut.textContent =
    `<script type="module" src="${escapeAttribute(scriptUrl?.href ?? '')}"></script>\n` +
    `<undersigned-letter${attributeText}></undersigned-letter>`;
  cspOut.textContent = cspAdvice(scriptUrl, attributes);
  const chosen = new Map(attributes);
  for (const input of form.querySelectorAll('[name]')) {
    const name = input.name;
    if (chosen.has(name)) preview.setAttribute(name, chosen.get(name)); else preview.removeAttribute(name);
  }
  copyStatus.textContent = '';
}

async function copySnippet() {
  const text = snippetOut.textContent;
  try {
    await navigator.clipboard.writeText(text);
    copyStatus.textContent = 'Snippet copied.';
  } catch {
    // No clipboard access (an insecure origin or a denied permission): select the text instead.
    const range = document.createRange();
    range.selectNodeContents(snippetOut);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    copyStatus.textContent = 'Copying is not allowed here: the snippet is selected, press Ctrl+C (⌘C on a Mac).';
  }
}

form.addEventListener('input', update);
form.addEventListener('change', update);
form.addEventListener('submit', (event) => event.preventDefault());
copyButton.addEventListener('click', copySnippet);
update();
