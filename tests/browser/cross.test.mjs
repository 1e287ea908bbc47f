// One truth per figure: every query of queries.txt through the four
// surfaces that list visits - the CLI (`parley list visits --json`), the
// JSON API (GET /api/v1/visits), the HTML list (/visits) and the static
// site's visits.html (filtered in Chromium by web/static/app.js) - must give
// the same count and the same ids.  The CLI, the API and the HTML list
// share the library's order too, so their ids are compared in order.
//
// Environment: PARLEY (path to the parley binary), CHROMIUM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, statSync, createReadStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize, extname, dirname } from 'node:path';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const here = dirname(fileURLToPath(import.meta.url));
const PARLEY = process.env.PARLEY || 'parley';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const queries = readFileSync(join(here, 'queries.txt'), 'utf8').split('\n')
  .map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

let work, db, serveProc, staticServer, browser, page, base, sbase;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

async function waitFor(url, ms = 10000) {
  const until = Date.now() + ms;
  for (;;) {
    try { const r = await fetch(url); if (r.ok) return; } catch { /* not up yet */ }
    if (Date.now() > until) throw new Error('server did not come up: ' + url);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function serveStatic(root, port) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
    '.json': 'application/json', '.svg': 'image/svg+xml', '.csv': 'text/csv' };
  return new Promise((resolve) => {
    const srv = createServer((req, res) => {
      let file = normalize(join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
      if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (!existsSync(file)) { res.writeHead(404).end('not found'); return; }
      res.writeHead(200, { 'Content-Type': types[extname(file)] || 'application/octet-stream' });
      createReadStream(file).pipe(res);
    });
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

// The visit id of a link to a visit page (/visit/ID or visit/ID.html).
function idOf(href) {
  return decodeURIComponent(href.split('/').pop().replace(/\.html$/, ''));
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'parley-cross-'));
  db = join(work, 'parley.db');
  execFileSync(PARLEY, ['--db', db, 'init', '--bundled'], { stdio: 'ignore' });
  const port = await freePort();
  serveProc = spawn(PARLEY, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--quiet'], { stdio: 'inherit' });
  base = `http://127.0.0.1:${port}`;
  await waitFor(base + '/');
  const out = join(work, 'site');
  execFileSync(PARLEY, ['--db', db, 'site', '--out', out], { stdio: 'ignore' });
  const sport = await freePort();
  staticServer = await serveStatic(out, sport);
  sbase = `http://127.0.0.1:${sport}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  page = await browser.newPage();
});

after(async () => {
  if (browser) await browser.close();
  if (serveProc) serveProc.kill('SIGTERM');
  if (staticServer) staticServer.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function cli(qs) {
  const args = ['--db', db, '--json', 'list', 'visits'];
  for (const [k, v] of new URLSearchParams(qs)) args.push('--' + k.replace(/_/g, '-'), v);
  const j = JSON.parse(execFileSync(PARLEY, args, { encoding: 'utf8' }));
  return { total: j.total, ids: j.visits.map((v) => v.id) };
}

async function api(qs) {
  const r = await fetch(`${base}/api/v1/visits?${qs}&per_page=1000`);
  assert.equal(r.status, 200, `API ${qs}`);
  const j = await r.json();
  return { total: j.total, ids: j.visits.map((v) => v.id) };
}

async function html(qs) {
  const r = await fetch(`${base}/visits?${qs}&per_page=1000`);
  assert.equal(r.status, 200, `HTML ${qs}`);
  const body = await r.text();
  const ids = [...body.matchAll(/<tr class="visit"[^>]*><td class="d"><a href="([^"]+)"/g)].map((m) => idOf(m[1]));
  const total = +(/id="total"[^>]*>(\d+)</.exec(body) || [0, -1])[1];
  return { total, ids };
}

async function site(qs) {
  await page.goto(`${sbase}/visits.html?${qs}&per_page=1000`);
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll('tr[data-search]')].filter((r) => !r.hidden);
    const ids = rows.map((r) => r.querySelector('td.d a').getAttribute('href'));
    return { total: +document.getElementById('total').textContent, ids };
  }).then((r) => ({ total: r.total, ids: r.ids.map(idOf) }));
}

test(`the table holds at least 40 queries (${queries.length})`, () => {
  assert.ok(queries.length >= 40);
});

test('one schema per figure: parley eras --format json = GET /api/v1/eras', async () => {
  const cliEras = JSON.parse(execFileSync(PARLEY, ['--db', db, 'eras', 'CHN', 'PRK', '--format', 'json'], { encoding: 'utf8' }));
  const r = await fetch(`${base}/api/v1/eras?between=CHN:PRK`);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), cliEras);
  const csv = execFileSync(PARLEY, ['--db', db, 'eras', 'CHN', 'PRK', '--format', 'csv'], { encoding: 'utf8' });
  assert.equal(await (await fetch(`${base}/api/v1/eras.csv?between=CHN:PRK`)).text(), csv);
});

for (const qs of queries) {
  test(`same visits everywhere: ${qs}`, async () => {
    const c = cli(qs);
    assert.equal(c.total, c.ids.length, 'CLI total equals its rows');
    const a = await api(qs);
    const h = await html(qs);
    const s = await site(qs);
    assert.deepEqual(a, c, 'API = CLI');
    assert.deepEqual(h, c, 'HTML list = CLI');
    assert.equal(s.total, c.total, 'static site count = CLI');
    assert.deepEqual([...s.ids].sort(), [...c.ids].sort(), 'static site ids = CLI');
  });
}
