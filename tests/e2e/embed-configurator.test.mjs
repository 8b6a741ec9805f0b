// The organizer configurator: options update the live preview; the copied snippet, pasted into a
// blank page, works with the chosen options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withReceiverAndBrowser, newWatchedPage, waitForWidgetText, servePage, SEED_TITLE } from './embed-support.mjs';

const env = withReceiverAndBrowser();

test('the snippet copied from the configurator works when pasted into a blank page', async () => {
  const page = await newWatchedPage(env.browser, { permissions: ['clipboard-read', 'clipboard-write'] });
  await page.goto(`${env.receiver.url}/www/configurator.html`);
  await waitForWidgetText(page, '#preview', SEED_TITLE);
  const endpoint = `${env.receiver.url}/api/campaigns/dhs-paragon/signatures`;
  await page.getByLabel('Endpoint').fill(endpoint);
  await page.getByLabel('Language').selectOption('es');
  await page.getByLabel('Dark').check();
  // The preview follows, through its attributes.
  await page.waitForFunction(() => {
    const c = document.querySelector('#preview').shadowRoot.querySelector('.undersigned');
    return c.lang === 'es' && c.classList.contains('theme-dark');
  });
  await page.getByRole('button', { name: 'Copy snippet' }).click();
  await page.getByRole('status').filter({ hasText: 'Snippet copied.' }).waitFor();
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(snippet, /^<script type="module" src="http:\/\/127\.0\.0\.1:\d+\/pkg\/undersigned\.js"><\/script>\n<undersigned-letter /);
  assert.ok(snippet.includes(`endpoint="${endpoint}"`), snippet);
  assert.deepEqual(page.problems, []);

  const blank = await newWatchedPage(env.browser);
  await servePage(blank, env.receiver.url, '/pasted.html', `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Pasted</title></head>\n<body><main>\n${snippet}\n</main></body></html>`);
  await blank.goto(`${env.receiver.url}/pasted.html`);
  await waitForWidgetText(blank, 'undersigned-letter', SEED_TITLE);
  const state = await blank.evaluate(() => {
    const el = document.querySelector('undersigned-letter');
    const c = el.shadowRoot.querySelector('.undersigned');
    return { lang: c.lang, dark: c.classList.contains('theme-dark'), endpoint: el.getAttribute('endpoint') };
  });
  assert.deepEqual(state, { lang: 'es', dark: true, endpoint });
  assert.deepEqual(blank.problems, []);
  await blank.context().close();
  await page.context().close();
});

test('the configurator says what is wrong with an invalid URL', async () => {
  const page = await newWatchedPage(env.browser);
  await page.goto(`${env.receiver.url}/www/configurator.html`);
  const endpoint = page.getByLabel('Endpoint');
  await endpoint.fill('receiver.example/api');
  assert.equal(await endpoint.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#opt-endpoint-error').textContent(), /must start with https:\/\//);
  await endpoint.fill('https://receiver.example/api/campaigns/x/signatures');
  assert.equal(await endpoint.getAttribute('aria-invalid'), null);
  assert.match(await page.locator('#csp').textContent(), /connect-src http:\/\/127\.0\.0\.1:\d+ https:\/\/receiver\.example;/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the configurator offers the frame mode: the snippet, the policy advice and the preview follow', async () => {
  const page = await newWatchedPage(env.browser);
  await page.goto(`${env.receiver.url}/www/configurator.html`);
  await waitForWidgetText(page, '#preview', SEED_TITLE);
  await page.getByLabel(/Frame: the form runs/).check();
  assert.match(await page.locator('#snippet').textContent(), /<undersigned-letter endpoint="[^"]+" mode="frame">/);
  assert.match(await page.locator('#csp').textContent(), /^script-src http:\/\/127\.0\.0\.1:\d+;\nframe-src http:\/\/127\.0\.0\.1:\d+;$/);
  // The preview is now a framed widget, served by the receiver.
  const frame = await (await page.locator('#preview iframe').elementHandle()).contentFrame();
  await frame.waitForURL(/\/embed\/dhs-paragon\?/);
  await waitForWidgetText(frame, 'undersigned-letter', SEED_TITLE);
  await page.getByLabel(/Load only when/).check();
  assert.match(await page.locator('#snippet').textContent(), / loading="lazy"/);
  await page.getByLabel(/Inline \(default\)/).check();
  await waitForWidgetText(page, '#preview', SEED_TITLE);
  assert.equal(await page.locator('#preview iframe').count(), 0, 'back to the inline widget');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
