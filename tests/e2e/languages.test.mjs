// The languages of issue 15 in the browser: French, Portuguese and German strings in the widget;
// Arabic lays out right to left for real (the widget and the receiver's pages, by element
// positions against the same view in English), while the English letter inside keeps its own
// words (footnote labels included) and its left-to-right direction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withReceiverAndBrowser, newWatchedPage, waitForWidgetText, servePage, SEED_TITLE } from './embed-support.mjs';

const env = withReceiverAndBrowser();

function twoWidgets() {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Languages</title>
<script type="module" src="/pkg/undersigned.js"></script></head><body><main>
<undersigned-letter id="en" lang="en" endpoint="/api/campaigns/dhs-paragon/signatures"></undersigned-letter>
<undersigned-letter id="ar" lang="ar" endpoint="/api/campaigns/dhs-paragon/signatures"></undersigned-letter>
</main></body></html>`;
}

/** Positions inside widget `id`, relative to its container's box. */
function layout(page, id) {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel).shadowRoot.querySelector('.undersigned');
    const box = c.getBoundingClientRect();
    const rel = (el) => { const r = el.getBoundingClientRect(); return { left: r.left - box.left, right: box.right - r.right }; };
    const radio = c.querySelector('input[name="kind"]');
    const label = radio.parentElement.querySelector('label');
    const range = document.createRange();
    range.selectNodeContents(c.querySelector('.sign-on h2'));
    const heading = range.getBoundingClientRect();
    const article = c.querySelector('article.letter');
    const title = document.createRange();
    title.selectNodeContents(article.querySelector('.date'));
    const titleBox = title.getBoundingClientRect();
    return {
      dir: c.dir, lang: c.lang,
      radio: rel(radio), labelText: rel(label),
      heading: { left: heading.left - box.left, right: box.right - heading.right },
      letter: { lang: article.lang, direction: getComputedStyle(article).direction, titleLeft: titleBox.left - box.left, titleRight: box.right - titleBox.right },
      footnote: c.querySelector('#fnref-1')?.getAttribute('aria-label'),
    };
  }, `#${id}`);
}

test('Arabic: the widget is right to left and mirrored against English; the English letter keeps its words and direction', async () => {
  const page = await newWatchedPage(env.browser, { viewport: { width: 900, height: 900 } });
  await servePage(page, env.receiver.url, '/langs.html', twoWidgets());
  await page.goto(`${env.receiver.url}/langs.html`);
  await waitForWidgetText(page, '#en', 'Sign the letter');
  await waitForWidgetText(page, '#ar', 'وقّع الرسالة');
  const en = await layout(page, 'en');
  const ar = await layout(page, 'ar');
  assert.equal(ar.dir, 'rtl');
  assert.equal(ar.lang, 'ar');
  assert.equal(en.dir, 'ltr');
  // Mirrored: in English the first radio sits at the start (left) of its label, in Arabic at the
  // right; the form's heading hugs the left edge in English and the right edge in Arabic.
  assert.ok(en.radio.left < en.labelText.left && en.radio.left < en.radio.right, JSON.stringify(en));
  assert.ok(ar.radio.right < ar.labelText.right && ar.radio.right < ar.radio.left, JSON.stringify(ar));
  assert.ok(Math.abs(ar.radio.right - en.radio.left) <= 2, `the radio's inset mirrors: ${ar.radio.right} vs ${en.radio.left}`);
  assert.ok(en.heading.left < en.heading.right && ar.heading.right < ar.heading.left, `headings: ${JSON.stringify([en.heading, ar.heading])}`);
  // The letter is English: its own words and its direction stay, in both widgets.
  for (const view of [en, ar]) {
    assert.deepEqual({ lang: view.letter.lang, direction: view.letter.direction, footnote: view.footnote }, { lang: 'en', direction: 'ltr', footnote: 'Footnote 1' });
    assert.ok(view.letter.titleLeft < view.letter.titleRight, 'the English letter (its date line) starts at the left');
  }
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('French, Portuguese and German: the widget speaks each', async () => {
  const page = await newWatchedPage(env.browser);
  await servePage(page, env.receiver.url, '/three.html', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Three</title>
<script type="module" src="/pkg/undersigned.js"></script></head><body><main>
<undersigned-letter id="fr" lang="fr-CA"></undersigned-letter>
<undersigned-letter id="pt" lang="pt-BR"></undersigned-letter>
<undersigned-letter id="de" lang="de"></undersigned-letter>
</main></body></html>`);
  await page.goto(`${env.receiver.url}/three.html`);
  await waitForWidgetText(page, '#fr', 'Où en sont les demandes');
  await waitForWidgetText(page, '#pt', 'Em que pé estão as reivindicações');
  await waitForWidgetText(page, '#de', 'Stand der Forderungen');
  for (const id of ['fr', 'pt', 'de']) await waitForWidgetText(page, `#${id}`, SEED_TITLE);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Arabic pages of the receiver lay out mirrored', async () => {
  const page = await newWatchedPage(env.browser, { locale: 'ar-EG', extraHTTPHeaders: { 'accept-language': 'ar-EG,ar;q=0.9' } });
  await page.goto(`${env.receiver.url}/campaigns/dhs-paragon`);
  const view = await page.evaluate(() => {
    const main = document.querySelector('main').getBoundingClientRect();
    const heading = document.querySelector('#sign-heading');
    const range = document.createRange();
    range.selectNodeContents(heading);
    const text = range.getBoundingClientRect();
    const input = document.querySelector('input[name="kind"]');
    const radio = input.getBoundingClientRect();
    const label = input.parentElement.querySelector('label').getBoundingClientRect();
    return {
      dir: document.documentElement.dir, lang: document.documentElement.lang, heading: heading.textContent,
      headingGap: { left: text.left - main.left, right: main.right - text.right },
      radioAtRight: radio.left >= label.right - 1,
      letterDirection: getComputedStyle(document.querySelector('article.letter')).direction,
    };
  });
  assert.equal(view.dir, 'rtl');
  assert.equal(view.lang, 'ar');
  assert.equal(view.heading, 'وقّع الرسالة');
  assert.ok(view.headingGap.right < view.headingGap.left, JSON.stringify(view));
  assert.ok(view.radioAtRight, 'the radio sits at the right of its label');
  assert.equal(view.letterDirection, 'ltr', 'the English letter stays left to right');
  await page.context().close();
});
