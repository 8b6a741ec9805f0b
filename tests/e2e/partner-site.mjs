// A partner's own web server on another origin than the receiver (another loopback port), for the
// tests of embedding from any site: it serves the pages a test publishes, each with its own
// Content-Security-Policy header, and the partner's stylesheets (www/hostile.css among them).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, freePort } from './harness.mjs';

/** Starts the partner's server. Returns { origin, publish(path, html, policy), close() }. */
export async function startPartnerSite() {
  const port = await freePort();
  const pages = new Map([
    ['/hostile.css', { type: 'text/css', body: readFileSync(join(repoRoot, 'www/hostile.css')) }],
    // Browsers ask for it on their own; a 404 would show as a console error.
    ['/favicon.ico', { type: 'image/svg+xml', body: readFileSync(join(repoRoot, 'www/favicon.svg')) }],
  ]);
  const server = createServer((req, res) => {
    const page = pages.get(new URL(req.url, 'http://partner').pathname);
    if (!page) return res.writeHead(404).end();
    const headers = { 'content-type': page.type };
    if (page.policy) headers['content-security-policy'] = page.policy;
    res.writeHead(200, headers).end(page.body);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${port}`,
    /** Serves `html` at `path` with `policy` as its Content-Security-Policy header. */
    publish(path, html, policy) { pages.set(path, { type: 'text/html; charset=utf-8', body: html, policy }); },
    /** Serves a stylesheet at `path`. */
    publishStyle(path, css) { pages.set(path, { type: 'text/css', body: css }); },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
