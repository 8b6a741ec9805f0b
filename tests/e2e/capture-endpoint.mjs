// Test servers for the sign-on tests, on 127.0.0.1:
// - a capture endpoint: a real HTTP endpoint that records every request (method, path, headers,
//   body) and answers as the test scripts it, with CORS headers — the stand-in for a form service
//   or a receiver that misbehaves on purpose. It "stores" the body of every POST it answers with a
//   2xx, so a test can count what the organizers would hold.
// - a page server: a partner site on its own origin, serving the built widget (pkg/) and the pages
//   a test registers. It stays up while a receiver is stopped and started again.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { repoRoot } from './harness.mjs';
import * as wire from './wire.mjs';

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

function close(server) {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST',
  'access-control-allow-headers': 'content-type, idempotency-key',
  'access-control-max-age': '0',
};

/**
 * Starts a capture endpoint. `answers` is a queue of scripted answers
 * ({ status, body, headers, delayMs }) used in order, one per POST; when it is empty a POST gets
 * 201 with the status `wire.answer.Signed`. Returns { url, requests, stored, script(...answers), waitFor(n), stop() }.
 */
export async function startCaptureEndpoint() {
  const requests = [];
  const stored = [];
  const queue = [];
  const waiters = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method, path: req.url, headers: req.headers, body });
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS).end();
      } else {
        const answer = queue.shift() ?? { status: 201, body: { status: wire.answer.Signed, message: 'Thank you.' } };
        if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
        if (answer.status >= 200 && answer.status < 300) stored.push(body);
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
        const type = typeof answer.body === 'string' ? 'text/plain' : 'application/json';
        res.writeHead(answer.status, { ...CORS, 'content-type': type, ...(answer.headers ?? {}) }).end(text);
      }
      for (const w of waiters.splice(0)) w();
    });
  });
  const url = await listen(server);
  const posts = () => requests.filter((r) => r.method === 'POST');
  return {
    url,
    requests,
    posts,
    stored,
    script(...answers) { queue.push(...answers); },
    /** Resolves when `n` POSTs have been answered; rejects after `timeout` ms. */
    async waitForPosts(n, timeout = 15_000) {
      const deadline = Date.now() + timeout;
      while (posts().length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} POSTs, got ${posts().length}`);
        await new Promise((resolve) => { waiters.push(resolve); setTimeout(resolve, 100); });
      }
    },
    stop: () => close(server),
  };
}

/** Starts a partner site: `/pkg/*` from the built package, and pages added with `page(path, html)`. */
export async function startPageServer() {
  const pages = new Map();
  const pkg = join(repoRoot, 'pkg');
  const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css' };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (pages.has(path)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pages.get(path));
      return;
    }
    if (path.startsWith('/pkg/')) {
      const file = normalize(join(pkg, path.slice('/pkg/'.length)));
      if (file.startsWith(pkg)) {
        try {
          const bytes = await readFile(file);
          const ext = file.slice(file.lastIndexOf('.'));
          res.writeHead(200, { 'content-type': types[ext] ?? 'application/octet-stream' }).end(bytes);
          return;
        } catch { /* falls through to 404 */ }
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const url = await listen(server);
  return {
    url,
    /** Registers a page with one <undersigned-letter> carrying `attributes`. */
    page(path, attributes) {
      const attrs = Object.entries(attributes).map(([k, v]) => ` ${k}="${String(v).replaceAll('&', '&amp;').replaceAll('"', '&quot;')}"`).join('');
      pages.set(path, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner</title>
<script type="module" src="/pkg/undersigned.js"></script></head>
<body><main><undersigned-letter${attrs}></undersigned-letter></main></body></html>`);
      return `${url}${path}`;
    },
    stop: () => close(server),
  };
}

/** Collects the widget's `undersigned:signed` and `undersigned:error` events into `window.__events`. */
export async function recordWidgetEvents(page) {
  await page.addInitScript(() => {
    window.__events = [];
    for (const name of ['undersigned:signed', 'undersigned:error']) {
      document.addEventListener(name, (e) => window.__events.push({ name, detail: e.detail, composed: e.composed, bubbles: e.bubbles }));
    }
  });
}
