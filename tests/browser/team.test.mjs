// Browser tests of the team server (docs/teams.md) in Debian's Chromium:
// log in, add a visit through the form (seeing its validation error first),
// approve it as reviewer, edit it from two browser contexts (a conflict,
// then the merge), revert a change from the history, and see each step in
// the figures and the history.  The server runs with --review required, on a
// store made with `parley init --bundled` and `parley user add`.
//
// Environment: PARLEY, CHROMIUM (as web.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startTeam, stopTeam, loginAs } from './team_server.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const USERS = { eddie: ['editor', 'editor-secret-1'], vic: ['reviewer', 'reviewer-secret-1'],
  ada: ['admin', 'admin-secret-01'] };
const ID = '2026-11-28-prk-chn-browser-test';

let browser, base;

let team;
before(async () => {
  team = await startTeam(USERS, 'parley-team-browser-');
  ({ browser, base } = team);
});

after(() => stopTeam(team));

function login(user) {
  return loginAs(team, user);
}

async function total() {
  const r = await fetch(base + '/api/v1/visits?between=CHN:PRK');
  return (await r.json()).total;
}

async function axeSerious(page) {
  await page.evaluate(axeSource);
  const res = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } }));
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes[0].target})`);
}

test('team: add through the form, review, edit with a conflict, revert; figures and history follow', async () => {
  const total0 = await total();
  const ed = await login('eddie');
  const p = ed.page;
  // the login cookie is HttpOnly: page script cannot read it (only the
  // user's name, for the team bar)
  assert.equal(await p.evaluate(() => document.cookie), 'parley_user=eddie');

  // the form: pickers find people by an alias
  await p.goto(base + '/visits/new');
  assert.deepEqual(await axeSerious(p), []);
  await p.fill('#f-visitor', 'Kim Jong Un');
  await p.waitForFunction(() => [...document.querySelectorAll('#l-visitor option')].some((o) => o.value === 'kim-jong-un'));
  await p.fill('#f-visitor', 'kim-jong-un');
  await p.fill('#f-id', ID);
  await p.fill('#f-level', 'paramount_leader');
  await p.fill('#f-from_country', 'PRK');
  await p.fill('#f-to_country', 'CHN');
  await p.fill('#f-start_date', '2026-11-31');
  await p.fill('#f-type', 'official');
  await p.fill('#f-status', 'reported');
  await p.fill('#f-summary', 'Added in the browser test.');
  await p.fill('[name="places.0.name"]', 'Beijing');
  await p.fill('#f-reason', 'browser test: a new visit');
  await Promise.all([p.waitForLoadState('load'), p.click('#visit-form button[type=submit]')]);
  // the import's message, next to the field; the typed values kept
  assert.match(await p.textContent('#e-start_date'), /2026-11 has 30 days/);
  assert.equal(await p.inputValue('#f-summary'), 'Added in the browser test.');
  await p.fill('#f-start_date', '2026-11-28');
  await p.fill('#f-reason', 'browser test: a new visit');
  await Promise.all([p.waitForLoadState('load'), p.click('#visit-form button[type=submit]')]);
  // a visit needs a source (the import's rule): said at the first source row
  assert.match(await p.textContent('#e-sources\\.0\\.id'), /no source/);
  await p.fill('[name="sources.0.id"]', 's-browser-test');
  await p.fill('[name="sources.0.citation"]', 'Browser test source (a test fixture, not a real source)');
  await p.fill('#f-reason', 'browser test: a new visit');
  await Promise.all([p.waitForLoadState('load'), p.click('#visit-form button[type=submit]')]);
  assert.match(await p.textContent('#pending'), /review queue/);
  assert.equal(await total(), total0, 'a held visit is counted nowhere');

  // the reviewer approves it: in the figures at once
  const rv = await login('vic');
  await rv.page.goto(base + '/review');
  const change = rv.page.locator('section.change', { hasText: ID });
  await change.locator('form[action$="/approve"] input[name=comment]').fill('source checked');
  await Promise.all([rv.page.waitForURL(base + '/review'), change.locator('form[action$="/approve"] button').click()]);
  assert.equal(await total(), total0 + 1);
  await rv.page.goto(base + '/visits?q=' + encodeURIComponent('Added in the browser test'));
  assert.ok(await rv.page.locator(`a[href="/visit/${ID}"]`).count() > 0, 'the list shows the new visit');

  // two contexts edit the same visit: the second one gets both versions
  const ad = await login('ada');
  await rv.page.goto(`${base}/visit/${ID}/edit`);
  await ad.page.goto(`${base}/visit/${ID}/edit`);
  await rv.page.fill('#f-summary', 'Reviewer summary.');
  await rv.page.fill('#f-reason', 'browser test: reviewer edit');
  await Promise.all([rv.page.waitForURL(`${base}/visit/${ID}`), rv.page.click('#visit-form button[type=submit]')]);
  await ad.page.fill('#f-note', 'Admin note.');
  await ad.page.fill('#f-reason', 'browser test: admin edit');
  await Promise.all([ad.page.waitForLoadState('load'), ad.page.click('#visit-form button[type=submit]')]);
  const conflict = await ad.page.textContent('#conflict');
  assert.match(conflict, /Reviewer summary\./, 'the stored version is shown');
  assert.match(conflict, /Admin note\./, 'the admin\'s version is shown');
  // merge: keep the reviewer's summary and the admin's note
  await ad.page.fill('#f-summary', 'Reviewer summary.');
  await ad.page.fill('#f-reason', 'browser test: merged');
  await Promise.all([ad.page.waitForURL(`${base}/visit/${ID}`), ad.page.click('#visit-form button[type=submit]')]);
  let v = await (await fetch(`${base}/api/v1/visits/${ID}`)).json();
  assert.equal(v.summary, 'Reviewer summary.');
  assert.equal(v.note, 'Admin note.');

  // history and revert (the reviewer's summary change)
  await rv.page.goto(`${base}/visit/${ID}/history`);
  const row = rv.page.locator('#history tr', { hasText: 'browser test: reviewer edit' });
  assert.match(await row.textContent(), /Added in the browser test\.\s*→\s*Reviewer summary\./);
  await row.locator('input[name=reason]').fill('browser test: undo');
  await Promise.all([rv.page.waitForURL(`${base}/visit/${ID}/history`), row.locator('button').click()]);
  assert.match(await rv.page.textContent('#history tbody tr:first-child'), /revert of change #\d+: browser test: undo/);
  v = await (await fetch(`${base}/api/v1/visits/${ID}`)).json();
  assert.equal(v.summary, 'Added in the browser test.');
  assert.equal(v.note, 'Admin note.', 'a revert sets back only the fields that change changed');
  assert.deepEqual([...ed.errors, ...rv.errors, ...ad.errors], []);
  await Promise.all([ed.ctx.close(), rv.ctx.close(), ad.ctx.close()]);
});
