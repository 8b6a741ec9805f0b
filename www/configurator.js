// The organizer configurator: every change to the options updates the snippet, the CSP advice and
// the live preview (by setting the preview element's attributes, exactly as a partner page would).
// Inputs with a `name` are widget attributes; the name is the attribute (see the README table).

const form = document.getElementById('options');
const scriptInput = document.getElementById('opt-script');
let preview = document.getElementById('preview');
const snippetOut = document.getElementById('snippet');
const cspOut = document.getElementById('csp');
const copyButton = document.getElementById('copy');
const copyStatus = document.getElementById('copy-status');

const defaultEndpoint = new URL('/api/campaigns/dhs-paragon/signatures', location.href).href;
scriptInput.value = new URL('/pkg/undersigned.js', location.href).href;
form.elements.endpoint.value = defaultEndpoint;

// The back office's Embed page opens this page as `?campaign=ID`: that campaign of this receiver,
// chosen (its endpoint, and the receiver for the live list), so there is one configurator only.
const chosenCampaign = new URLSearchParams(location.search).get('campaign');
if (chosenCampaign && /^[A-Za-z0-9_-]{1,100}$/.test(chosenCampaign)) {
  form.elements.endpoint.value = new URL(`/api/campaigns/${chosenCampaign}/signatures`, location.href).href;
  form.elements.receiver.value = new URL('/', location.href).href;
}

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

/** The campaign id in a reference receiver's URL (`…/api/campaigns/{id}/signatures` or `…/api/campaigns/{id}`). */
function receiverCampaign(value) {
  try {
    const url = new URL(value);
    const match = url.pathname.match(/^\/api\/campaigns\/([^/]+)(\/signatures)?\/?$/);
    return match ? { origin: url.origin, id: decodeURIComponent(match[1]) } : null;
  } catch {
    return null;
  }
}

/**
 * The no-JavaScript fallback inside the element: a plain form posting to the endpoint (form
 * encoding, the field names of core/src/signature) and, for a reference receiver, a link to the
 * campaign's letter page. It shows until the widget starts, and stays where it cannot.
 */
function fallbackMarkup(attributes) {
  const chosen = new Map(attributes);
  const endpoint = chosen.get('endpoint');
  if (!endpoint) return '';
  const campaign = receiverCampaign(endpoint) ?? (chosen.has('campaign') ? receiverCampaign(chosen.get('campaign')) : null);
  const lines = [`<form method="post" action="${escapeAttribute(endpoint)}">`];
  if (campaign) {
    const letter = `${campaign.origin}/campaigns/${encodeURIComponent(campaign.id)}`;
    lines.push(`  <p><a href="${escapeAttribute(letter)}">Read the letter</a></p>`);
    lines.push(`  <input type="hidden" name="campaign" value="${escapeAttribute(campaign.id)}">`);
  }
  lines.push(
    '  <fieldset>',
    '    <legend>Sign as</legend>',
    '    <label><input type="radio" name="kind" value="organization" checked> an organization</label>',
    '    <label><input type="radio" name="kind" value="individual"> an individual</label>',
    '  </fieldset>',
    '  <p><label>Organization (organizations only) <input name="organization" autocomplete="organization"></label></p>',
    '  <p><label>Your name <input name="name" autocomplete="name" required></label></p>',
    '  <p><label>Title <input name="title" autocomplete="organization-title"></label></p>',
    '  <p><label>Affiliation (individuals only) <input name="affiliation"></label></p>',
    '  <p><label>Email <input type="email" name="email" autocomplete="email" required></label></p>',
    '  <p><label><input type="checkbox" name="list_publicly" value="yes"> List my signature publicly</label></p>',
    '  <p><label><input type="checkbox" name="updates_opt_in" value="yes"> Send me updates about this campaign</label></p>',
    '  <p><button type="submit">Sign the letter</button></p>',
    '</form>',
  );
  return lines.map((line) => `  ${line}\n`).join('');
}

function cspAdvice(scriptUrl, attributes) {
  const chosen = new Map(attributes);
  if (chosen.get('mode') === 'frame') {
    // Nothing of the widget runs on the partner page: the loader, and the receiver's frame.
    const script = scriptUrl ? scriptUrl.origin : "'self'";
    let frame = script;
    try { frame = new URL(chosen.get('endpoint') ?? chosen.get('campaign')).origin; } catch { /* reported next to the field */ }
    return `script-src ${script};\nframe-src ${frame};`;
  }
  const connect = new Set(scriptUrl ? [scriptUrl.origin] : []);
  for (const [name, value] of attributes) {
    if (['endpoint', 'campaign', 'status-feed', 'receiver'].includes(name)) {
      try { connect.add(new URL(value).origin); } catch { /* reported next to the field */ }
    }
  }
  const script = scriptUrl ? scriptUrl.origin : "'self'";
  let advice = `script-src ${script} 'wasm-unsafe-eval';\nconnect-src ${[...connect].join(' ')};`;
  const endpoint = new Map(attributes).get('endpoint');
  try {
    // The no-JavaScript fallback form posts there.
    if (endpoint) advice += `\nform-action ${new URL(endpoint).origin};`;
  } catch { /* reported next to the field */ }
  return advice;
}

function update() {
  const scriptUrl = checkedUrl(scriptInput);
  for (const input of form.querySelectorAll('input[type="url"][name]')) checkedUrl(input);
  const attributes = chosenAttributes();
  const attributeText = attributes.map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`).join('');
  snippetOut.textContent =
    `<script type="module" src="${escapeAttribute(scriptUrl?.href ?? '')}"></script>\n` +
    `<undersigned-letter${attributeText}>\n${fallbackMarkup(attributes)}</undersigned-letter>`;
  cspOut.textContent = cspAdvice(scriptUrl, attributes);
  const chosen = new Map(attributes);
  // The loader reads `mode` and `loading` once, at start: a new preview element takes a change.
  if ((preview.getAttribute('mode') ?? '') !== (chosen.get('mode') ?? '')) {
    const fresh = document.createElement('undersigned-letter');
    fresh.id = 'preview';
    for (const [name, value] of chosen) fresh.setAttribute(name, value);
    preview.replaceWith(fresh);
    preview = fresh;
  }
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
