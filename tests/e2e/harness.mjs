// Shared end-to-end harness: starts the real receiver (debug build) on a free loopback port with a
// throwaway SQLite file, and launches Debian's Chromium through playwright-core.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
 * `confirmation` sets the seed campaign's setting through the admin CLI: `off` (the default here,
 * for the tests about something else than mail) or `email` (what a new campaign has), or null to
 * leave it as it is.
 */
export async function startReceiver({ extraArgs = [], dataDir, port, env = {}, databaseUrl, confirmation = 'off' } = {}) {
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
  if (confirmation) {
    execFileSync(server, [
      'admin', '--database-url', databaseUrl ?? `sqlite://${join(dir, 'undersigned.db')}`,
      'settings', 'dhs-paragon', '--confirmation', confirmation,
    ], { cwd: repoRoot, stdio: 'ignore' });
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

/**
 * A new, empty PostgreSQL database on the server named by `UNDERSIGNED_TEST_POSTGRES_URL` (which
 * `cargo xtask test e2e` starts), made with the server's own `createdb`; its URL. Throws, naming
 * the variable, when it is not set: a PostgreSQL test must never pass without PostgreSQL.
 */
export async function postgresDatabase(prefix) {
  const admin = process.env.UNDERSIGNED_TEST_POSTGRES_URL;
  if (!admin) throw new Error('UNDERSIGNED_TEST_POSTGRES_URL is not set: run `cargo xtask test e2e` (it starts a throwaway PostgreSQL) or point it at a server where tests may create databases');
  const url = new URL(admin);
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const bin = ['/usr/bin/createdb', ...(await listPostgresBins()).map((d) => join(d, 'createdb'))].find((p) => existsSync(p));
  if (!bin) throw new Error('createdb was not found (Debian: postgresql-client)');
  await new Promise((resolve, reject) => {
    const child = spawn(bin, ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres'), name], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`createdb ${name} failed: ${err}`))));
  });
  url.pathname = `/${name}`;
  return url.href;
}

async function listPostgresBins() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root).sort().reverse().map((v) => join(root, v, 'bin'));
}
