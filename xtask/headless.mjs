// The headless Chromium that the build's page scripts run in (xtask/prerender.mjs,
// xtask/profile.mjs): playwright-core from the end-to-end tests' packages, and the page's uncaught
// errors collected.
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = createRequire(join(root, 'tests/e2e/package.json'))('playwright-core');

/** A fresh page; `problems` collects its uncaught errors. Close `browser` when done. */
export async function headlessPage() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  return { browser, page, problems };
}
