// Shared end-to-end harness: starts the real receiver (debug build) on a free loopback port with a
// throwaway SQLite file, and launches Debian's Chromium through playwright-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `undersigned-server serve` as the demo does. Returns { url, stop(), dataDir }.
 * `extraArgs` are appended to the command line; `dataDir` reuses a folder (to restart on the same data);
 * `databaseUrl` replaces the SQLite file of that folder (a PostgreSQL database).
 */
export async function startReceiver({ extraArgs = [], dataDir, port, env = {}, databaseUrl } = {}) {
  const server = process.env.UNDERSIGNED_SERVER ?? join(repoRoot, 'target/debug/undersigned-server');
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'undersigned-e2e-'));
  port ??= await freePort();
  const args = [
    'serve', '--listen', `127.0.0.1:${port}`, '--database-url', databaseUrl ?? `sqlite://${join(dir, 'undersigned.db')}`, '--data-dir', dir,
    '--static', '/=index.html', '--static', '/www=www', '--static', '/pkg=pkg',
    '--campaign', 'campaigns/dhs-paragon.md', ...extraArgs,
  ];
  const child = spawn(server, args, { cwd: repoRoot, env: { ...process.env, RUST_LOG: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the receiver exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`the receiver did not answer /healthz within 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url, port, dataDir: dir, child,
    output: () => output,
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null) { child.kill('SIGTERM'); await exited; }
      if (!keepData && !dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A new page that records console errors and page errors into `page.problems`. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.problems.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => page.problems.push(`pageerror: ${err.message}`));
  return page;
}

/** Text content of the first <undersigned-letter>'s shadow root (waits until `needle` appears). */
export async function waitForShadowText(page, needle, { selector = 'undersigned-letter', timeout = 15_000 } = {}) {
  await page.waitForFunction(
    ([sel, text]) => document.querySelector(sel)?.shadowRoot?.textContent?.includes(text),
    [selector, needle],
    { timeout },
  );
}
