// The letter end to end: real key presses on footnote markers and back links inside the shadow
// root, and a second campaign served by the receiver (imported with --campaign) loaded through the
// `campaign` attribute.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, launchBrowser, newPage, waitForShadowText } from './harness.mjs';

let receiver;
let browser;
before(async () => {
  receiver = await startReceiver({ extraArgs: ['--campaign', 'tests/fixtures/other-campaign.md'] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await receiver?.stop();
});

/** The id of the focused element inside the first widget's shadow root. */
const activeId = (page) => page.evaluate(() => document.querySelector('undersigned-letter').shadowRoot.activeElement?.id ?? '');

async function waitForFocus(page, id) {
  await page.waitForFunction(
    (wanted) => document.querySelector('undersigned-letter').shadowRoot.activeElement?.id === wanted,
    id,
    { timeout: 5_000 },
  ).catch(async () => assert.fail(`focus should be on #${id}, is on #${await activeId(page)}`));
}

test('Enter on a footnote marker expands the letter and focuses the note; Enter on its back link returns', async () => {
  const page = await newPage(browser);
  await page.goto(`${receiver.url}/`);
  await waitForShadowText(page, 'Coalition Letter to DHS re: Paragon Solutions, Inc. Contract');
  const toggle = page.locator('undersigned-letter button.letter-toggle');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');

  await page.locator('undersigned-letter #fnref-1').focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'fn-1');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.equal(page.url(), `${receiver.url}/`, 'the partner page URL keeps no fragment');

  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.querySelector('undersigned-letter').shadowRoot.activeElement?.className), 'fn-back');
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'fnref-1');

  // The toggle works by keyboard too, and collapsing hides the rest again.
  await toggle.focus();
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('undersigned-letter').shadowRoot.querySelector('#letter-rest').hidden);
  assert.equal(await toggle.textContent(), 'Read the full letter');
  assert.deepEqual(page.problems, []);
});

test('printing shows the whole letter without its controls', async () => {
  const page = await newPage(browser);
  await page.goto(`${receiver.url}/`);
  await waitForShadowText(page, 'Coalition Letter');
  await page.emulateMedia({ media: 'print' });
  const shown = await page.evaluate(() => {
    const root = document.querySelector('undersigned-letter').shadowRoot;
    return {
      rest: getComputedStyle(root.querySelector('#letter-rest')).display,
      toggle: getComputedStyle(root.querySelector('.letter-toggle')).display,
      back: getComputedStyle(root.querySelector('.fn-back')).display,
    };
  });
  assert.deepEqual(shown, { rest: 'block', toggle: 'none', back: 'none' });
});

test('the campaign attribute shows another campaign served by the receiver', async () => {
  const page = await newPage(browser);
  await page.goto(`${receiver.url}/www/blank.html`);
  await page.evaluate(async () => {
    await import('/pkg/undersigned.js');
    const widget = document.createElement('undersigned-letter');
    widget.setAttribute('campaign', '/api/campaigns/library-records');
    document.body.append(widget);
  });
  await waitForShadowText(page, 'Open Letter on Library Patron Records');
  const text = await page.evaluate(() => document.querySelector('undersigned-letter').shadowRoot.textContent);
  assert.ok(text.includes('the current retention policy for borrowing records;'));
  assert.ok(!text.includes('Paragon'), 'not the built-in letter');
  assert.equal(await page.locator('undersigned-letter .letter-demands > li').count(), 3);
  assert.deepEqual(page.problems, []);
});

test('a campaign URL that does not answer with a campaign shows an alert', async () => {
  const page = await newPage(browser);
  await page.goto(`${receiver.url}/www/blank.html`);
  await page.evaluate(async () => {
    await import('/pkg/undersigned.js');
    const widget = document.createElement('undersigned-letter');
    widget.setAttribute('campaign', '/api/campaigns/no-such-campaign');
    document.body.append(widget);
  });
  await waitForShadowText(page, 'could not be loaded from /api/campaigns/no-such-campaign');
  assert.equal(await page.locator('undersigned-letter [role=alert]').count(), 1);
});
