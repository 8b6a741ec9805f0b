// The receiver on the internet, end to end: Debian's nginx terminates TLS (HTTP/2, a certificate
// from a CA this test makes) in front of two receivers on one PostgreSQL, with
// deploy/nginx/undersigned.conf as shipped (only names, ports, paths and upstream servers
// replaced). A partner page on another https origin loads the widget package from the receiver
// through nginx, signs through it, and follows live status changes over the event stream through the proxy; signatures sent through
// either instance are stored once, and a change made on one instance reaches widgets connected to
// the other. Chromium trusts the test certificate by its public key hash only
// (--ignore-certificate-errors-spki-list); Node's checks trust the test CA.
//
// Needs nginx and openssl (cargo xtask test e2e installs Debian's packages) and a PostgreSQL where
// databases may be created: UNDERSIGNED_TEST_POSTGRES_URL (cargo xtask test e2e starts one).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate, createHash, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as http2Connect } from 'node:http2';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, freePort, newPage, repoRoot, startReceiver } from './harness.mjs';

const NGINX = process.env.NGINX ?? '/usr/sbin/nginx';
const POSTGRES = process.env.UNDERSIGNED_TEST_POSTGRES_URL;
const CAMPAIGN = 'dhs-paragon';
const TOKEN = 'proxy-test-admin-token-0123456789';
const NAMES = ['sign.test', 'sign-a.test', 'sign-b.test', 'partner.test'];

let dir;
let ca;
let port;
let httpPort;
let nginx;
let nginxLog = '';
let receivers = [];
let browser;
let database;

const origin = (name) => `https://${name}:${port}`;

/** An https request through nginx that trusts only the test CA; resolves { status, headers, body }. */
function get(name, path, { method = 'GET', headers = {}, body, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, servername: name, path, method, ca, localAddress, headers: { host: `${name}:${port}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function admin(name, method, path, body) {
  return get(name, `/api/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function sh(cmd, args, options = {}) {
  return execFileSync(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], ...options }).toString();
}

/** The test CA and one leaf certificate for every name; returns the leaf's SPKI hash (base64 SHA-256). */
function makeCertificates() {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  sh('openssl', ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Undersigned test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  sh('openssl', ['req', ...ec, '-keyout', 'privkey.pem', '-out', 'leaf.csr', '-subj', '/CN=sign.test']);
  writeFileSync(join(dir, 'leaf.ext'), `subjectAltName=${NAMES.map((n) => `DNS:${n}`).join(',')}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`);
  sh('openssl', ['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', 'leaf.crt', '-extfile', 'leaf.ext']);
  const leaf = readFileSync(join(dir, 'leaf.crt'), 'utf8');
  ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
  writeFileSync(join(dir, 'fullchain.pem'), leaf + ca);
  const spki = new X509Certificate(leaf).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** deploy/nginx/undersigned.conf for `name`, proxying to `upstreams`, on this test's ports and files. */
function renderSite(name, upstreams, httpPort) {
  const shipped = readFileSync(join(repoRoot, 'deploy/nginx/undersigned.conf'), 'utf8');
  const id = name.replace(/[^a-z]/g, '_');
  const replacements = [
    ['upstream undersigned {', `upstream ${id} {`],
    ['proxy_pass http://undersigned;', `proxy_pass http://${id};`],
    ['    server 127.0.0.1:8080;\n', upstreams.map((u) => `    server ${u};\n`).join('')],
    ['server_name sign.example.org;', `server_name ${name};`],
    ['https://sign.example.org$request_uri', `https://${name}:${port}$request_uri`],
    ['listen 443 ssl http2;', `listen 127.0.0.1:${port} ssl http2;`],
    ['listen [::]:443 ssl http2;\n', ''],
    ['listen 80;', `listen 127.0.0.1:${httpPort};`],
    ['listen [::]:80;\n', ''],
    ['/etc/ssl/undersigned/fullchain.pem', join(dir, 'fullchain.pem')],
    ['/etc/ssl/undersigned/privkey.pem', join(dir, 'privkey.pem')],
  ];
  let text = shipped;
  for (const [from, to] of replacements) {
    assert.ok(text.includes(from), `deploy/nginx/undersigned.conf still has \`${from.trim()}\``);
    text = text.replaceAll(from, to);
  }
  return text;
}

async function waitForTls() {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port, servername: 'sign.test', ca }, () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (nginx.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not start:\n${nginxLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  assert.ok(POSTGRES, 'UNDERSIGNED_TEST_POSTGRES_URL is not set: run `cargo xtask test e2e` (it starts a throwaway PostgreSQL)');
  dir = mkdtempSync(join(tmpdir(), 'undersigned-proxy-'));
  // nginx's workers run as an unprivileged user: they read the partner page and write temp files.
  chmodSync(dir, 0o755);
  const spki = makeCertificates();
  port = await freePort();
  httpPort = await freePort();

  database = `undersigned_e2e_proxy_${process.pid}`;
  sh('psql', ['--quiet', '--dbname', POSTGRES, '--command', `CREATE DATABASE ${database}`]);
  const databaseUrl = `${POSTGRES.replace(/\/[^/]*$/, '')}/${database}`;
  for (let i = 0; i < 2; i += 1) {
    receivers.push(await startReceiver({
      databaseUrl,
      env: { UNDERSIGNED_ADMIN_TOKEN: TOKEN },
      extraArgs: ['--public-origin', origin('sign.test'), '--allow-origin', origin('partner.test'), '--trusted-proxy', '127.0.0.1',
        '--rate-limit-per-minute', '1', '--rate-limit-burst', '20', '--event-poll-ms', '60000'],
    }));
  }
  const [a, b] = receivers.map((r) => `127.0.0.1:${r.port}`);

  mkdirSync(join(dir, 'sites'));
  mkdirSync(join(dir, 'partner'));
  mkdirSync(join(dir, 'temp'));
  chmodSync(join(dir, 'temp'), 0o777);
  writeFileSync(join(dir, 'sites/sign.conf'), renderSite('sign.test', [a, b], httpPort));
  writeFileSync(join(dir, 'sites/sign-a.conf'), renderSite('sign-a.test', [a], httpPort));
  writeFileSync(join(dir, 'sites/sign-b.conf'), renderSite('sign-b.test', [b], httpPort));
  writeFileSync(join(dir, 'sites/partner.conf'), `server {
    listen 127.0.0.1:${port} ssl http2;
    server_name partner.test;
    ssl_certificate ${join(dir, 'fullchain.pem')};
    ssl_certificate_key ${join(dir, 'privkey.pem')};
    root ${join(dir, 'partner')};
}
`);
  for (const [file, receiverName] of [['index.html', 'sign.test'], ['a.html', 'sign-a.test'], ['b.html', 'sign-b.test']]) {
    writeFileSync(join(dir, 'partner/favicon.ico'), '');
    writeFileSync(join(dir, 'partner', file), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner</title>
<script type="module" src="${origin('sign.test')}/pkg/undersigned.js"></script></head>
<body><main><undersigned-letter receiver="${origin(receiverName)}"></undersigned-letter></main></body></html>
`);
  }
  const temp = (kind) => `${kind}_temp_path ${join(dir, 'temp', kind)};`;
  writeFileSync(join(dir, 'nginx.conf'), `daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    access_log ${join(dir, 'access.log')};
    ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n    ')}
    include ${join(dir, 'sites')}/*.conf;
}
`);
  const args = ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')];
  sh(NGINX, [...args, '-t']);
  nginx = spawn(NGINX, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  nginx.stdout.on('data', (d) => { nginxLog += d; });
  nginx.stderr.on('data', (d) => { nginxLog += d; });
  await waitForTls();

  const settings = await admin('sign.test', 'PUT', `/campaigns/${CAMPAIGN}/settings`,
    { moderation: 'auto', organizations_need_review: false, allowed_origins: [], min_fill_ms: 0 });
  assert.equal(settings.status, 200, settings.body);

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${spki}`,
      `--host-resolver-rules=${NAMES.map((n) => `MAP ${n} 127.0.0.1`).join(', ')}`],
  });
});

after(async () => {
  await browser?.close();
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx.on('exit', resolve));
    nginx.kill('SIGQUIT');
    await exited;
  }
  for (const r of receivers) await r.stop();
  if (database) {
    try { sh('psql', ['--quiet', '--dbname', POSTGRES, '--command', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`]); } catch { /* the cluster may be gone */ }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('nginx: TLS from the test CA, HTTP/2, HSTS from the configured https origin, readiness, http redirected, compression left to the receiver', async () => {
  const health = await get('sign.test', '/readyz');
  assert.equal(health.status, 200, health.body);
  assert.equal(health.body, 'ready');
  assert.equal(health.headers['strict-transport-security'], 'max-age=31536000');

  const protocol = await new Promise((resolve, reject) => {
    const session = http2Connect(origin('sign.test'), { ca, host: '127.0.0.1', servername: 'sign.test' });
    session.on('error', reject);
    const req = session.request({ ':path': '/healthz', ':authority': `sign.test:${port}` });
    req.on('response', (headers) => { resolve(headers[':status']); session.close(); });
    req.end();
  });
  assert.equal(protocol, 200, 'the receiver answers over HTTP/2');

  // Plain http is sent to https.
  const plain = await new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port: httpPort, path: `/campaigns/${CAMPAIGN}`, headers: { host: 'sign.test' } }, (res) => {
      res.resume();
      resolve(res);
    }).on('error', reject).end();
  });
  assert.equal(plain.statusCode, 301);
  assert.equal(plain.headers.location, `${origin('sign.test')}/campaigns/${CAMPAIGN}`);

  // Compression is the receiver's: nginx passes the widget's files on as the receiver encoded them.
  const wasm = '/pkg/undersigned_wasm_bg.wasm';
  const proxied = await get('sign.test', wasm, { headers: { 'accept-encoding': 'br, gzip' } });
  const direct = await fetch(`${receivers[0].url}${wasm}`, { headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(proxied.status, 200);
  assert.equal(proxied.headers['content-encoding'], direct.headers.get('content-encoding') ?? undefined, 'nginx adds no encoding of its own');

  const insecure = await new Promise((resolve) => {
    const s = tlsConnect({ host: '127.0.0.1', port, servername: 'sign.test' }, () => { s.end(); resolve('trusted'); });
    s.on('error', (e) => resolve(e.code));
  });
  assert.notEqual(insecure, 'trusted', 'without the test CA the certificate is not trusted (it is a real check)');
});

/** A partner page (https://partner.test) whose widget talks to `receiverName`, with the form ready. */
async function openPartner(file) {
  const page = await newPage(browser);
  await page.goto(`${origin('partner.test')}/${file}`);
  await page.locator('#us-email').waitFor({ timeout: 20_000 }).catch((e) => { throw new Error(`${e.message}\n${page.problems.join('\n')}`); });
  await page.locator('undersigned-letter .signer-count').waitFor({ timeout: 15_000 });
  return page;
}

const liveText = (page) => page.evaluate(() => document.querySelector('undersigned-letter').shadowRoot.querySelector('.live')?.textContent ?? '');

async function waitForLiveText(page, needle, timeout = 10_000) {
  await page.waitForFunction(
    (text) => document.querySelector('undersigned-letter')?.shadowRoot?.querySelector('.live')?.textContent?.includes(text),
    needle,
    { timeout },
  );
}

/** Ids of the seed campaign's demands that have no sub-demands (the ones the live list shows). */
async function leafDemandIds() {
  const campaign = JSON.parse((await get('sign.test', `/api/campaigns/${CAMPAIGN}`)).body);
  const leaves = [];
  const walk = (demands) => demands.forEach((d) => (d.children?.length ? walk(d.children) : leaves.push(d.id)));
  for (const block of campaign.body ?? []) if (block.demands) walk(block.demands);
  assert.ok(leaves.length >= 3, 'the seed campaign has demands');
  return leaves;
}

async function setStatus(name, demand, status, note) {
  const res = await admin(name, 'PUT', `/campaigns/${CAMPAIGN}/demands/${demand}/status`, { status, note, evidence: [] });
  assert.equal(res.status, 200, res.body);
}

test('a partner page on another origin loads the widget through nginx, signs, and follows a status change live', async () => {
  const page = await openPartner('index.html');
  await page.locator('#us-name').fill('Ana López');
  await page.locator('#us-email').fill('ana.proxy@example.org');
  await page.locator('#us-list_publicly').check();
  await page.locator('button.sign').click();
  await page.waitForFunction(() => document.querySelector('undersigned-letter')?.shadowRoot?.textContent?.includes('Thank you for signing'), null, { timeout: 15_000 });

  const [first] = await leafDemandIds();
  await setStatus('sign.test', first, 'partially_disclosed', 'Released through the proxy (live).');
  await waitForLiveText(page, 'Released through the proxy (live).');
  assert.deepEqual(page.problems, []);
  await page.context().close();

  const signers = await admin('sign.test', 'GET', `/campaigns/${CAMPAIGN}/signers`);
  const emails = JSON.parse(signers.body).signers.map((s) => s.email);
  assert.deepEqual(emails.filter((e) => e === 'ana.proxy@example.org'), ['ana.proxy@example.org'], 'stored once');
});

test('two instances on one PostgreSQL: signatures through either are stored once, a change on one reaches widgets on the other', async () => {
  const onA = await openPartner('a.html');
  const onB = await openPartner('b.html');
  const [, second, third] = await leafDemandIds();

  // The same signature (same key) through A, then retried through B: one signer, the same answer.
  const key = randomUUID();
  const body = JSON.stringify({ kind: 'individual', name: 'Twice Sent', email: 'twice@example.org', idempotency_key: key, fill_ms: 9000, list_publicly: true });
  const sign = (name) => get(name, `/api/campaigns/${CAMPAIGN}/signatures`, { method: 'POST', headers: { 'content-type': 'application/json', origin: origin('partner.test') }, body });
  const throughA = await sign('sign-a.test');
  const throughB = await sign('sign-b.test');
  assert.equal(throughA.status, 201, throughA.body);
  assert.deepEqual([throughB.status, throughB.body], [throughA.status, throughA.body], 'the retry through B gets A\'s answer');
  // Another key, same address, through B: the answer a new signature gets (an answer never tells
  // whether an address had signed), and nothing is stored twice.
  const again = await get('sign-b.test', `/api/campaigns/${CAMPAIGN}/signatures`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'individual', name: 'Twice Sent', email: 'Twice@Example.org', idempotency_key: randomUUID(), fill_ms: 9000 }) });
  assert.deepEqual([again.status, again.body], [throughA.status, throughA.body]);
  const signers = await admin('sign-b.test', 'GET', `/campaigns/${CAMPAIGN}/signers`);
  assert.equal(JSON.parse(signers.body).signers.filter((s) => s.email === 'twice@example.org').length, 1, 'stored once');

  // A change made on A reaches the widget streaming from B, and one made on B the widget on A.
  await setStatus('sign-a.test', second, 'disclosed', 'Changed on instance A.');
  await waitForLiveText(onB, 'Changed on instance A.');
  await setStatus('sign-b.test', third, 'refused', 'Changed on instance B.');
  await waitForLiveText(onA, 'Changed on instance B.');
  await waitForLiveText(onA, 'Changed on instance A.');
  assert.deepEqual([...onA.problems, ...onB.problems], []);
  await onA.context().close();
  await onB.context().close();
});

test('X-Forwarded-For: a client cannot choose its rate-limit bucket by forging the header (nginx appends, the receiver skips its trusted proxy)', async () => {
  // A burst of 20 per client address; nginx appends the address it saw, the receivers skip their
  // trusted proxy (127.0.0.1) from the right and count that one, so forged entries all land in one
  // bucket. The client connects from 127.0.0.2, as a visitor is not the proxy.
  const post = (n) => get('sign-a.test', `/api/campaigns/${CAMPAIGN}/signatures`, {
    method: 'POST',
    localAddress: '127.0.0.2',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${n}` },
    body: JSON.stringify({ kind: 'individual', name: 'Forger', email: `forger${n}@example.org`, fill_ms: 9000 }),
  });
  const statuses = [];
  for (let n = 1; n <= 25; n += 1) statuses.push((await post(n)).status);
  assert.ok(statuses.includes(429), `the forged addresses share one bucket: ${statuses.join(' ')}`);
});
