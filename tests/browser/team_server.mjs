// The team server the browser tests of docs/teams.md log into: a store made
// with `parley init --bundled` (plus whatever prepare(db) adds) and one
// account per entry of users ({ name: [role, password] }), served by a real
// `parley serve --review required` on a free loopback port, and Debian's
// Chromium.  One place for the set-up, so the three team test files cannot
// drift apart.  Environment: PARLEY, CHROMIUM (as web.test.mjs).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import net from 'node:net';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
export const PARLEY = process.env.PARLEY || 'parley';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

// Starts it all; the answer { work, db, proc, browser, base, users } goes
// to stopTeam() in after().
export async function startTeam(users, prefix, prepare) {
  const t = { users };
  t.work = mkdtempSync(join(tmpdir(), prefix));
  t.db = join(t.work, 'team.db');
  execFileSync(PARLEY, ['--db', t.db, 'init', '--bundled'], { stdio: 'ignore' });
  if (prepare) prepare(t.db);
  for (const [u, [role, pw]] of Object.entries(users))
    execFileSync(PARLEY, ['--db', t.db, 'user', 'add', u, '--role', role], { input: pw + '\n', stdio: ['pipe', 'ignore', 'ignore'] });
  const port = await freePort();
  t.proc = spawn(PARLEY, ['serve', '--db', t.db, '--listen', `127.0.0.1:${port}`, '--quiet', '--review', 'required'],
    { stdio: 'inherit' });
  t.base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(t.base + '/api/v1')).ok) break; } catch { /* not up yet */ }
    if (i > 100) throw new Error('server did not come up');
    await new Promise((r) => setTimeout(r, 100));
  }
  t.browser = await chromium.launch({ executablePath: CHROMIUM,
    args: ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'] });
  return t;
}

export async function stopTeam(t) {
  if (!t) return;
  if (t.browser) await t.browser.close();
  if (t.proc) t.proc.kill('SIGTERM');
  if (t.work) rmSync(t.work, { recursive: true, force: true });
}

// A new browser context logged in as user through the login form; errors
// collects page errors, and with failedRequests every answer >= 400 too
// (except the favicon, the browser's own guess).
export async function loginAs(t, user, { failedRequests = false } = {}) {
  const ctx = await t.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  if (failedRequests)
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
    });
  await page.goto(t.base + '/login');
  await page.fill('#user', user);
  await page.fill('#password', t.users[user][1]);
  await Promise.all([page.waitForURL(t.base + '/'), page.click('button[type=submit]')]);
  return { ctx, page, errors };
}
