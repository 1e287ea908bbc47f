// Browser tests of parley's web pages, in Debian's Chromium through
// playwright-core, run by node's built-in test runner (TAP output).
//
// The same checks run twice: against a live `parley serve` on a free
// loopback port, and against the output of `parley site` served by a small
// static file server.  Both use a store created with `parley init --bundled`.
//
// Environment: PARLEY (path to the parley binary; default: parley on PATH),
// CHROMIUM (default /usr/bin/chromium).  Screenshots go to ./screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, existsSync, statSync, createReadStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize, extname, dirname } from 'node:path';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const here = dirname(fileURLToPath(import.meta.url));
const PARLEY = process.env.PARLEY || 'parley';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const shots = join(here, 'screenshots');
mkdirSync(shots, { recursive: true });

let work, db, serveProc, staticServer, browser;
const targets = {}; // name -> { base, url(kind, ...) }

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

const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.csv': 'text/csv', '.svg': 'image/svg+xml', '.png': 'image/png' };

function serveStatic(root, port) {
  return new Promise((resolve) => {
    const srv = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(root, path));
      if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (!existsSync(file)) { res.writeHead(404).end('not found'); return; }
      res.writeHead(200, { 'Content-Type': types[extname(file)] || 'application/octet-stream' });
      createReadStream(file).pipe(res);
    });
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'parley-browser-'));
  db = join(work, 'parley.db');
  execFileSync(PARLEY, ['--db', db, 'init', '--bundled'], { stdio: 'ignore' });
  const port = await freePort();
  serveProc = spawn(PARLEY, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--quiet'], { stdio: 'inherit' });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(base + '/');
  targets.serve = {
    base,
    home: base + '/',
    timelineJson: base + '/api/v1/timeline',
    visitsJson: base + '/api/v1/visits?per_page=1000',
    visit: (id) => `${base}/visit/${encodeURIComponent(id)}`,
    person: (id) => `${base}/person/${encodeURIComponent(id)}`,
    people: base + '/people',
    peopleJson: base + '/api/v1/people?per_page=1000',
    methods: base + '/methods',
    list: base + '/visits',
  };
  const out = join(work, 'site');
  execFileSync(PARLEY, ['--db', db, 'site', '--out', out], { stdio: 'ignore' });
  const sport = await freePort();
  staticServer = await serveStatic(out, sport);
  const sbase = `http://127.0.0.1:${sport}`;
  targets.site = {
    base: sbase,
    home: sbase + '/index.html',
    timelineJson: sbase + '/api/v1/timeline.json',
    visitsJson: sbase + '/api/v1/visits.json',
    visit: (id) => `${sbase}/visit/${id}.html`,
    person: (id) => `${sbase}/person/${id}.html`,
    people: sbase + '/people.html',
    peopleJson: sbase + '/api/v1/people.json',
    methods: sbase + '/methods.html',
    list: sbase + '/visits.html',
    dir: out,
  };
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (serveProc) serveProc.kill('SIGTERM');
  if (staticServer) staticServer.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function newPage() {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return { page, errors, close: () => ctx.close() };
}

async function axeSerious(page) {
  // Evaluated through the DevTools protocol: the pages' CSP forbids inline scripts.
  await page.evaluate(axeSource);
  const res = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } }));
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes, e.g. ${v.nodes[0].target})`);
}

async function json(url) {
  const r = await fetch(url);
  assert.equal(r.status, 200, url);
  return r.json();
}

for (const name of ['serve', 'site']) {
  test(`${name}: dashboard chart has one bar group per year`, async () => {
    const t = targets[name];
    const tl = await json(t.timelineJson);
    const years = tl.years;
    const first = years[0].year;
    // the chart runs to where the data ends (the API's data_through), never past today
    const now = new Date().getUTCFullYear();
    const end = tl.data_through ? Math.min(Number(tl.data_through.slice(0, 4)), now) : now;
    const last = Math.max(years[years.length - 1].year, end);
    const { page, errors, close } = await newPage();
    await page.goto(t.home);
    const groups = page.locator('svg#timeline g.yr');
    assert.equal(await groups.count(), last - first + 1, 'one group per year from the first visit to where the data ends');
    for (const y of years) {
      const g = page.locator(`svg#timeline g.yr[data-year="${y.year}"]`);
      const n0 = Number(await g.getAttribute('data-n0'));
      const n1 = Number(await g.getAttribute('data-n1'));
      assert.equal(n0 + n1, y.total, `year ${y.year}`);
    }
    assert.equal(await page.locator('svg#timeline title').first().count(), 1);
    assert.equal(await page.locator('svg#timeline desc').count(), 1);
    await page.screenshot({ path: join(shots, `${name}-dashboard.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await close();
  });

  test(`${name}: clicking a year filters the list`, async () => {
    const t = targets[name];
    const tl = await json(t.timelineJson);
    const busiest = tl.years.reduce((a, b) => (b.total > a.total ? b : a));
    const { page, close } = await newPage();
    await page.goto(t.home);
    await Promise.all([
      page.waitForNavigation(),
      page.locator(`svg#timeline g.yr[data-year="${busiest.year}"] rect.bar`).first().click(),
    ]);
    const rows = page.locator('table.visits tbody tr.visit');
    assert.equal(await rows.count(), busiest.total, `visits listed for ${busiest.year}`);
    const yearsShown = new Set(await rows.evaluateAll((rs) => rs.map((r) => r.dataset.year)));
    assert.deepEqual([...yearsShown], [String(busiest.year)]);
    await close();
  });

  test(`${name}: the people list reaches everyone (pages on the server, one page on the site)`, async () => {
    const t = targets[name];
    const all = await (await fetch(t.peopleJson)).json();
    const want = all.people.map((p) => p.name);
    assert.equal(want.length, all.total, 'the JSON holds every person');
    const { page, errors, close } = await newPage();
    await page.goto(t.people);
    const seen = [];
    for (let n = 1; ; n++) {
      const names = await page.locator('table.people tr.person:visible td:first-child a').allInnerTexts();
      if (name === 'serve') assert.ok(names.length <= 50, `page ${n}: at most 50 people`);
      seen.push(...names);
      const next = page.locator('nav.pager a[rel=next]');
      if (name === 'site' || !(await next.count())) break;
      assert.ok(n < 50, 'the pager ends');
      await Promise.all([page.waitForNavigation(), next.click()]);
      assert.match(await page.locator('p.count').innerText(), new RegExp(`page ${n + 1} of `));
    }
    assert.deepEqual(seen, want, 'every person once, in the list order');
    if (name === 'serve') assert.ok(want.length > 50, 'more than one page was walked');
    assert.deepEqual(errors, []);
    await close();
  });

  test(`${name}: a search for an alias finds the person`, async () => {
    const t = targets[name];
    const { page, close } = await newPage();
    await page.goto(t.people);
    await page.fill('#people-q', 'Kim Jong Eun');
    await Promise.all([page.waitForNavigation(), page.press('#people-q', 'Enter')]);
    const hit = page.locator('table.people tr.person:visible a', { hasText: 'Kim Jong-un' });
    assert.equal(await hit.count(), 1, 'Kim Jong-un found by the alias Kim Jong Eun');
    const others = await page.locator('table.people tr.person:visible').count();
    assert.equal(others, 1, 'only the matching person is listed');
    await Promise.all([page.waitForNavigation(), hit.click()]);
    assert.match(await page.locator('h1').innerText(), /Kim Jong-un/);
    await page.screenshot({ path: join(shots, `${name}-person.png`), fullPage: true });
    assert.deepEqual(await axeSerious(page), []);
    await close();
  });

  test(`${name}: the visit page shows its sources`, async () => {
    const t = targets[name];
    const list = await json(t.visitsJson);
    const v = list.visits.find((x) => x.id.includes('kim-jong-un')) || list.visits[list.visits.length - 1];
    const detail = await json(`${targets.serve.base}/api/v1/visits/${encodeURIComponent(v.id)}`);
    const links = detail.sources.filter((s) => s.url && /^https?:/i.test(s.url));
    assert.ok(links.length > 0, 'the chosen visit has sources');
    const { page, errors, close } = await newPage();
    await page.goto(t.visit(v.id));
    const hrefs = await page.locator('section.sources li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs.sort(), links.map((s) => s.url).sort());
    await page.screenshot({ path: join(shots, `${name}-visit.png`), fullPage: true });
    assert.deepEqual(await axeSerious(page), []);
    assert.deepEqual(errors, []);
    await close();
  });

  test(`${name}: no serious accessibility violations on dashboard, list and methods`, async () => {
    const t = targets[name];
    const { page, close } = await newPage();
    for (const url of [t.home, t.list, t.methods]) {
      await page.goto(url);
      assert.deepEqual(await axeSerious(page), [], url);
    }
    await close();
  });

  test(`${name}: the footer's methods link leads to where the data ends`, async () => {
    const t = targets[name];
    const tl = await json(t.timelineJson);
    const { page, errors, close } = await newPage();
    await page.goto(t.home);
    const foot = await page.locator('footer .through').textContent();
    assert.match(foot, new RegExp(`data through ${tl.data_through}`));
    assert.match(await page.locator('footer .cite').textContent(), /Cite this page: parley, .*data version .*accessed \d{4}-\d{2}-\d{2}\./);
    await Promise.all([page.waitForLoadState('load'), page.locator('footer .through a').click()]);
    await page.waitForSelector('h1');
    assert.equal(await page.locator('h1').textContent(), 'Methods');
    assert.match(await page.locator('#data-ends').textContent(), new RegExp(tl.data_through));
    assert.deepEqual(errors, []);
    await close();
  });

  test(`${name}: readable at 320 px`, async () => {
    const t = targets[name];
    const ctx = await browser.newContext({ viewport: { width: 320, height: 700 } });
    const page = await ctx.newPage();
    await page.goto(t.home);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px at 320px`);
    await page.screenshot({ path: join(shots, `${name}-dashboard-320.png`), fullPage: false });
    await ctx.close();
  });
}

// ---- The static site's visit list: facets, sorting and paging ----------

async function apiTotal(query) {
  const r = await json(`${targets.serve.base}/api/v1/visits?${query ? query + '&' : ''}per_page=1`);
  return r.total;
}

async function visibleRows(page) {
  return page.locator('table.visits tbody tr.visit:visible');
}

test('site: facets filter the list in place, combined, with counts that match the API', async () => {
  const t = targets.site;
  const { page, errors, close } = await newPage();
  await page.goto(t.list);
  const all = await apiTotal('');
  assert.equal(await page.locator('#total').innerText(), String(all));
  // 50 a page, the rest behind the pager
  assert.equal(await (await visibleRows(page)).count(), Math.min(50, all));
  // a level facet: its count, then the list it gives
  const want = await apiTotal('level=paramount_leader');
  const lev = page.locator('a[data-facet="level"][data-value="paramount_leader"]');
  assert.equal(await lev.locator('xpath=..').locator('.n').innerText(), String(want));
  await Promise.all([page.waitForNavigation(), lev.click()]);
  assert.match(page.url(), /visits\.html\?level=paramount_leader$/);
  let rows = await visibleRows(page);
  assert.equal(await rows.count(), want);
  assert.deepEqual([...new Set(await rows.evaluateAll((rs) => rs.map((r) => r.dataset.level)))], ['paramount_leader']);
  // then a direction on top of it
  const both = await apiTotal('level=paramount_leader&direction=PRK:CHN');
  const dir = page.locator('a[data-facet="direction"][data-value="PRK:CHN"]');
  assert.equal(await dir.locator('xpath=..').locator('.n').innerText(), String(both));
  await Promise.all([page.waitForNavigation(), dir.click()]);
  rows = await visibleRows(page);
  assert.equal(await rows.count(), both);
  assert.equal(await page.locator('#total').innerText(), String(both));
  // the active filters are listed and removable
  const chips = page.locator('#active-filters a.chip');
  assert.equal(await chips.count(), 2);
  // chips read as labels, as the facets do; the codes stay in the URL
  const chipText = (await chips.allInnerTexts()).join(' | ');
  assert.match(chipText, /level: Paramount leader/);
  assert.match(chipText, /direction: North Korea to China/);
  assert.doesNotMatch(chipText, /paramount_leader|PRK:CHN/);
  assert.match(page.url(), /level=paramount_leader/);
  await Promise.all([page.waitForNavigation(), chips.filter({ hasText: 'direction' }).click()]);
  assert.equal(await (await visibleRows(page)).count(), want);
  // sorting: newest first
  await Promise.all([page.waitForNavigation(), page.locator('#site-sort a[data-sort="-date"]').click()]);
  const dates = await (await visibleRows(page)).evaluateAll((rs) => rs.map((r) => r.dataset.date));
  assert.equal(dates.length, want);
  assert.deepEqual(dates, [...dates].sort().reverse(), 'newest first');
  await page.screenshot({ path: join(shots, 'site-list-filtered.png'), fullPage: true });
  assert.deepEqual(await axeSerious(page), []);
  assert.deepEqual(errors, []);
  await close();
});

test('site: the list pages through its rows 50 at a time', async () => {
  const t = targets.site;
  const { page, close } = await newPage();
  const full = await json(`${targets.serve.base}/api/v1/visits?per_page=1000`);
  await page.goto(t.list);
  const first = await (await visibleRows(page)).evaluateAll((rs) => rs.map((r) => r.querySelector('a').textContent));
  assert.deepEqual(first, full.visits.slice(0, 50).map((v) => v.start_date));
  await Promise.all([page.waitForNavigation(), page.locator('nav.pager a[rel="next"]').click()]);
  const second = await (await visibleRows(page)).evaluateAll((rs) => rs.map((r) => r.querySelector('a').textContent));
  assert.deepEqual(second, full.visits.slice(50, 100).map((v) => v.start_date));
  assert.match(await page.locator('p.count').innerText(), /page 2 of \d+/);
  await close();
});

test('site: without JavaScript every list still lists its visits, and facets lead to pre-rendered lists', async () => {
  const t = targets.site;
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 }, javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(t.list);
  const all = await apiTotal('');
  assert.equal(await (await visibleRows(page)).count(), all, 'every visit is listed');
  const hrefs = await page.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const absolute = hrefs.filter((h) => /^(\/|[a-z]+:)/i.test(h) && !/^https?:\/\/(?!127\.0\.0\.1)/.test(h));
  assert.deepEqual(absolute, [], 'links are relative');
  for (const [param, value] of [['level', 'head_of_state'], ['type', 'official'], ['direction', 'CHN:PRK']]) {
    await page.goto(t.list);
    await Promise.all([page.waitForNavigation(), page.locator(`a[data-facet="${param}"][data-value="${value}"]`).click()]);
    const want = await apiTotal(`${param}=${encodeURIComponent(value)}`);
    assert.equal(await (await visibleRows(page)).count(), want, `${param}=${value}`);
    assert.equal(await page.locator('#total').innerText(), String(want));
  }
  await ctx.close();
});

test('site: a list over the cap says how many it lists, and its filter counts the listed rows', async () => {
  // the cap lowered to 50 by the test hook (PARLEY_SITE_LIST_MAX); the bundled pair has more
  const out = join(work, 'site-capped');
  execFileSync(PARLEY, ['--db', db, 'site', '--pair', 'CHN-PRK', '--out', out], {
    stdio: 'ignore', env: { ...process.env, PARLEY_SITE_LIST_MAX: '50' },
  });
  const all = await apiTotal('between=CHN:PRK');
  assert.ok(all > 50, `the pair has ${all} visits`);
  const { page, errors, close } = await newPage();
  await page.goto(`file://${out}/visits.html`);
  assert.equal(await page.locator('table.visits tbody tr.visit').count(), 50, 'exactly the cap is listed');
  // unfiltered, the count stays the whole list's and the note says what is listed
  assert.equal(await page.locator('#total').innerText(), String(all));
  const note = await page.locator('#capped').innerText();
  assert.ok(note.startsWith(`The first 50 of ${all} visits (oldest first) are listed here; every visit is in the CSV.`), note);
  assert.equal(await page.locator('#capped a').getAttribute('href'), 'api/v1/visits.csv');
  // filtered, the count is of the listed rows, and says so
  await page.goto(`file://${out}/visits.html?level=head_of_state`);
  const shown = await page.locator('table.visits tbody tr.visit[data-level="head_of_state"]').count();
  assert.equal(await page.locator('#total').innerText(), String(shown));
  assert.match(await page.locator('p.count').innerText(), new RegExp(`^${shown} visit\\(s\\) among the 50 listed here`));
  assert.deepEqual(errors, []);
  await close();
});

test('site: works from file:// with the filter in the URL', async () => {
  const t = targets.site;
  const { page, errors, close } = await newPage();
  const want = await apiTotal('type=official&year=2018');
  await page.goto(`file://${t.dir}/visits.html?type=official&year=2018`);
  assert.equal(await (await visibleRows(page)).count(), want);
  // a record link from the list opens from disk too
  await Promise.all([page.waitForNavigation(), (await visibleRows(page)).first().locator('a').first().click()]);
  assert.match(page.url(), /^file:\/\/.*\/visit\/[^/]+\.html$/);
  assert.equal(await page.locator('h1').count(), 1);
  assert.deepEqual(errors, []);
  await close();
});

// ---- Chart annotations, widths, print and the PNG twins ----------------

test('serve: charts annotate the longest gap and each leader\'s first visit, from the analysis', async () => {
  const gaps = await json(`${targets.serve.base}/api/v1/gaps`);
  const g = gaps.longest[0];
  const { page, close } = await newPage();
  await page.goto(targets.serve.home);
  const note = page.locator('svg#timeline text.note');
  assert.equal(await note.count(), 1);
  assert.match(await note.textContent(), new RegExp(`${g.years.toFixed(1)} years without a visit`));
  // the label links to the visits that bound the gap, and those are its two ends
  await Promise.all([page.waitForNavigation(), note.click()]);
  const dates = await page.locator('table.visits tbody tr.visit td.d a').allTextContents();
  assert.deepEqual([dates[0], dates[dates.length - 1]], [g.from, g.to]);
  await page.goBack();
  // one ring per paramount leader with a recorded visit as leader; each
  // ringed mark links to a visit made by that leader
  const rings = await page.locator('svg#eras circle.note-ring').count();
  const labels = await page.locator('svg#eras text.note').allTextContents();
  assert.ok(rings >= labels.length && labels.length >= 5, `${rings} rings, ${labels.length} labels`);
  const first = page.locator('svg#eras a', { has: page.locator('text.note', { hasText: "Kim Jong-un's first" }) });
  await Promise.all([page.waitForNavigation(), first.click()]);
  assert.match(await page.locator('h1').innerText(), /^Kim Jong-un:/);
  const visits = await json(`${targets.serve.base}/api/v1/visits?person=kim-jong-un&direction=PRK:CHN&sort=date&per_page=1`);
  assert.match(page.url(), new RegExp(`${visits.visits[0].id}$`), 'the ringed visit is his earliest trip');
  await close();
});

test('serve: charts stay readable at 320, 640 and 1000 px', async () => {
  for (const width of [320, 640, 1000]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(targets.serve.home);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px at ${width}px`);
    // rendered size of the charts' axis text: at least 9 CSS px
    const px = await page.evaluate(() => {
      const svg = document.querySelector('svg#timeline');
      return 12 * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    });
    assert.ok(px >= 9, `axis text is ${px.toFixed(1)}px at ${width}px`);
    await page.locator('svg#eras').scrollIntoViewIfNeeded();
    await page.locator('figure.chart-wrap').nth(1).screenshot({ path: join(shots, `serve-eras-chart-${width}.png`) });
    await ctx.close();
  }
});

test('serve: printing keeps charts whole and hides the controls', async () => {
  const { page, close } = await newPage();
  await page.goto(targets.serve.list);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('aside.facets').isVisible(), false, 'facets hidden in print');
  assert.equal(await page.locator('header.top').isVisible(), false, 'navigation hidden in print');
  await page.goto(targets.serve.home);
  const brk = await page.locator('figure.chart-wrap').first().evaluate((el) => getComputedStyle(el).breakInside);
  assert.equal(brk, 'avoid');
  const ctx2 = await browser.newContext({ viewport: { width: 600, height: 900 } });
  const p2 = await ctx2.newPage();
  await p2.goto(targets.serve.home);
  await p2.emulateMedia({ media: 'print' });
  const w = await p2.evaluate(() => {
    const s = document.querySelector('svg#timeline');
    return s.getBoundingClientRect().width - s.parentElement.getBoundingClientRect().width;
  });
  assert.ok(w <= 1, 'in print the chart fits the page width (no sideways scroll)');
  const pdf = await p2.pdf({ format: 'A4' });
  assert.ok(pdf.length > 1000);
  await ctx2.close();
  await close();
});

test('site: every chart has a PNG twin 1200 px wide, in the SVG\'s proportions (drawn in process)', async () => {
  for (const name of ['timeline', 'eras']) {
    const svg = readFileSync(join(targets.site.dir, 'chart', `${name}.svg`), 'utf8');
    const [, vw, vh] = svg.match(/viewBox="0 0 (\d+) (\d+)"/).map(Number);
    const png = readFileSync(join(targets.site.dir, 'chart', `${name}.png`));
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.equal(png.readUInt32BE(16), 1200, `${name}.png width`);
    assert.equal(png.readUInt32BE(20), Math.round(1200 * vh / vw), `${name}.png height`);
  }
  const { page, close } = await newPage();
  await page.goto(targets.site.home);
  const hrefs = await page.locator('ul.downloads a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.includes('chart/timeline.png') && hrefs.includes('chart/eras.png'));
  await close();
});

// Briefs (issue 10): the example brief, the index and the pages per author,
// series, topic and region, served and static; the search (served).
for (const name of ['serve', 'site']) {
  const briefUrls = () => {
    const b = targets[name].base;
    return name === 'serve'
      ? { brief: b + '/briefs/kim-jong-un-beijing-2018', index: b + '/briefs' }
      : { brief: b + '/briefs/kim-jong-un-beijing-2018.html', index: b + '/briefs.html' };
  };

  test(`${name}: brief, brief index, author, series, topic and region pages have no serious accessibility violations`, async () => {
    const { page, errors, close } = await newPage();
    const u = briefUrls();
    const ext = name === 'serve' ? '' : '.html';
    const b = targets[name].base + '/briefs/';
    const pages = [u.brief, u.index, b + 'author/mira-han' + ext, b + 'series/korea-snapshot' + ext,
      b + 'topic/china-north-korea-relations' + ext, b + 'region/east-asia' + ext];
    pages.push(targets[name].base + (name === 'serve' ? '/search?q=Beijing' : '/search.html?q=Beijing'));
    for (const url of pages) {
      await page.goto(url);
      assert.deepEqual(await axeSerious(page), [], url);
    }
    assert.deepEqual(errors, []);
    await close();
  });

  test(`${name}: a brief links to its author, series, topic and region pages, and they link back`, async () => {
    const { page, errors, close } = await newPage();
    const u = briefUrls();
    const checks = [
      ['.brief .authors a', 'Mira Han', /Author:\s*Mira Han/],
      ['.brief p.series a', 'Korea Snapshot', /Series:\s*Korea Snapshot/],
      ['.brief .tags a', 'China-North Korea relations', /Topic:\s*China-North Korea relations/],
      ['.brief .tags a', 'East Asia', /Region:\s*East Asia/],
    ];
    for (const [sel, text, h1] of checks) {
      await page.goto(u.brief);
      await Promise.all([page.waitForNavigation(), page.locator(sel, { hasText: text }).first().click()]);
      assert.match(await page.locator('h1').innerText(), h1, text);
      // each index lists the brief, and its link leads back to it
      const back = page.locator('ul.brief-list a', { hasText: "Kim Jong-un's first trip as leader goes to Beijing" });
      assert.equal(await back.count(), 1, `${text}: the brief is listed`);
      await Promise.all([page.waitForNavigation(), back.click()]);
      assert.equal(await page.locator('article.brief h1').innerText(), "Kim Jong-un's first trip as leader goes to Beijing");
    }
    // the author page names the role and bio and links the author's feed
    await page.goto(targets[name].base + '/briefs/author/mira-han' + (name === 'serve' ? '' : '.html'));
    assert.match(await page.locator('p.role').innerText(), /Senior Analyst/);
    const feed = await page.locator('a', { hasText: 'Atom feed' }).getAttribute('href');
    const r = await fetch(new URL(feed, page.url()).href);
    assert.equal(r.status, 200, feed);
    assert.match(await r.text(), /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    assert.deepEqual(errors, []);
    await close();
  });

  test(`${name}: a brief's figure leads to a list of exactly that many visits`, async () => {
    const { page, close } = await newPage();
    await page.goto(briefUrls().brief);
    const fig = page.locator('a.figure', { hasText: /^8$/ }).first();
    await fig.click();
    await page.waitForLoadState('load');
    // the list (server-rendered, or filtered in place by app.js) shows 8 visits
    await page.waitForFunction(() =>
      [...document.querySelectorAll('tr.visit')].filter((r) => r.offsetParent !== null).length === 8,
    null, { timeout: 10000 });
    await close();
  });

  test(`${name}: a brief's card image is its chart as PNG, and "get the data" is the ledger's visits`, async () => {
    const { page, errors, close } = await newPage();
    await page.goto(briefUrls().brief);
    const og = await page.locator('meta[property="og:image"]').getAttribute('content');
    const tw = await page.locator('meta[name="twitter:image"]').getAttribute('content');
    assert.equal(tw, og);
    // the same file as the chart's own PNG link, resolved against the page
    const png = await page.locator('figure.brief-chart a.figure-png').first().getAttribute('href');
    assert.equal(new URL(png, page.url()).href, new URL(og, page.url()).href);
    const r = await page.request.get(new URL(og, page.url()).href);
    assert.equal(r.status(), 200);
    assert.match(r.headers()['content-type'], /^image\/png/);
    const body = await r.body();
    assert.equal(body.subarray(1, 4).toString(), 'PNG');
    assert.equal(body.readUInt32BE(16), 1200);
    // "get the data": a CSV with a row per visit behind the figures, each once
    const csvHref = await page.locator('p.getdata a').getAttribute('href');
    const csv = await (await page.request.get(new URL(csvHref, page.url()).href)).text();
    const ids = csv.trim().split('\r\n').slice(1).map((l) => l.split(',')[0]);
    assert.ok(ids.length >= 8);
    assert.equal(new Set(ids).size, ids.length);
    // every visit a figure links to directly is among them
    const visitLinks = await page.locator('a.figure[href*="visit/"]').evaluateAll((as) =>
      as.map((a) => decodeURIComponent(a.getAttribute('href').split('visit/')[1].replace(/\.html$/, ''))));
    assert.ok(visitLinks.length >= 2);
    for (const id of visitLinks) assert.ok(ids.includes(id), id);
    assert.deepEqual(errors, []);
    await close();
  });

  test(`${name}: printing a brief keeps its chart and drops the share links`, async () => {
    const { page, close } = await newPage();
    await page.goto(briefUrls().brief);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.brief .share').isVisible(), false, 'share links hidden in print');
    assert.equal(await page.locator('figure.brief-chart svg').isVisible(), true, 'chart printed');
    const brk = await page.locator('figure.brief-chart').evaluate((el) => getComputedStyle(el).breakInside);
    assert.equal(brk, 'avoid');
    const pdf = await page.pdf({ format: 'A4' });
    assert.ok(pdf.length > 1000);
    await close();
  });
}

test('serve: the search finds the brief by words with tone marks, and visits beside it', async () => {
  const { page, errors, close } = await newPage();
  await page.goto(targets.serve.base + '/briefs');
  await page.fill('#brief-q', 'Xí Jìnpíng');
  await Promise.all([page.waitForNavigation(), page.press('#brief-q', 'Enter')]);
  const hit = page.locator('ul.brief-list a', { hasText: "Kim Jong-un's first trip as leader goes to Beijing" });
  assert.equal(await hit.count(), 1, 'the brief is found with the tone marks folded');
  const api = await json(targets.serve.base + '/api/v1/search?q=' + encodeURIComponent('Xí Jìnpíng'));
  assert.match(await page.locator('p.total').innerText(), new RegExp(`^${api.visits.total} visit`));
  assert.ok(api.visits.total > 0, 'visits with Xi Jinping are found too');
  assert.equal(await page.locator('ul.search-visits li').count(), Math.min(20, api.visits.total));
  assert.deepEqual(errors, []);
  await close();
});

test('site: the static search page filters the briefs in place by the folded words, and hands them to the visit list', async () => {
  const { page, errors, close } = await newPage();
  const row = () => page.locator('tr.brief-row', { hasText: "Kim Jong-un's first trip as leader goes to Beijing" });
  await page.goto(targets.site.base + '/briefs.html');
  await page.fill('#brief-q', 'Xí Jìnpíng');
  await Promise.all([page.waitForNavigation(), page.press('#brief-q', 'Enter')]);
  assert.match(page.url(), /search\.html\?q=/);
  assert.equal(await row().isVisible(), true, 'found with the tone marks folded');
  const href = await page.locator('#search-visits').getAttribute('href');
  assert.equal(href, 'visits.html?q=' + encodeURIComponent('Xí Jìnpíng'));
  await Promise.all([page.waitForNavigation(), page.locator('#search-visits').click()]);
  const api = await json(targets.serve.base + '/api/v1/search?q=' + encodeURIComponent('Xí Jìnpíng'));
  await page.waitForFunction((n) =>
    [...document.querySelectorAll('tr.visit')].filter((r) => r.offsetParent !== null).length === Math.min(50, n),
  api.visits.total, { timeout: 10000 });
  // words the brief does not hold (its expressions' words among them) hide it
  for (const q of ['Pyongyang Beijing zzz', 'count pair']) {
    await page.goto(targets.site.base + '/search.html?q=' + encodeURIComponent(q));
    assert.equal(await row().isVisible(), false, q);
  }
  assert.deepEqual(errors, []);
  await close();
});
