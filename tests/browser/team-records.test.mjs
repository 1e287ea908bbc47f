// Browser tests of people on the team server (docs/teams.md) in Debian's
// Chromium: an editor adds a person with an alias and a tenure through the
// form (the office picker, a validation error, then the fix), a reviewer
// approves it, the people picker finds them by the alias, two contexts edit
// the person (a conflict, then the merge), the history shows each step and
// a revert works.  The server runs with --review required, on a store made
// with `parley init --bundled` and `parley user add`.
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
const ID = 'browser-test-person';

let browser, base;

let team;
before(async () => {
  team = await startTeam(USERS, 'parley-people-browser-');
  ({ browser, base } = team);
});

after(() => stopTeam(team));

function login(user) {
  return loginAs(team, user);
}

async function axeSerious(page) {
  await page.evaluate(axeSource);
  const res = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } }));
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes[0].target})`);
}

test('team: a person added through the form, reviewed, found by alias, merged, reverted', async () => {
  const ed = await login('eddie');
  const p = ed.page;
  await p.goto(base + '/people/new');
  assert.deepEqual(await axeSerious(p), []);
  await p.fill('#f-name', 'Browser Test Person');
  await p.fill('#f-country', 'PRK');
  await p.fill('#f-birth_date', '1970-02-30');
  await p.fill('[name="aliases.0.alias"]', 'B. T. Personne');
  await p.selectOption('[name="aliases.0.kind"]', 'romanisation');
  // the office picker: offices by name
  await p.fill('[name="tenures.0.office"]', 'Supreme Leader');
  await p.waitForFunction(() => document.querySelectorAll('#l-tenures\\.0\\.office option').length > 0);
  const office = await p.getAttribute('#l-tenures\\.0\\.office option >> nth=0', 'value');
  await p.fill('[name="tenures.0.office"]', office);
  await p.fill('[name="tenures.0.start_date"]', '2026-01-01');
  await p.fill('#f-reason', 'browser test: a new person');
  await Promise.all([p.waitForLoadState('load'), p.click('#person-form button[type=submit]')]);
  // the import's message next to the field; the typed values kept
  assert.match(await p.textContent('#e-birth_date'), /1970-02 has 28 days/);
  assert.equal(await p.inputValue('[name="aliases.0.alias"]'), 'B. T. Personne');
  await p.fill('#f-birth_date', '1970-02-28');
  await p.fill('#f-reason', 'browser test: a new person');
  await Promise.all([p.waitForLoadState('load'), p.click('#person-form button[type=submit]')]);
  assert.match(await p.textContent('#pending'), /review queue/);
  assert.equal((await fetch(`${base}/api/v1/people/${ID}`)).status, 404, 'held: not published');

  // the reviewer approves it
  const rv = await login('vic');
  await rv.page.goto(base + '/review');
  const change = rv.page.locator('section.change', { hasText: ID });
  await change.locator('form[action$="/approve"] input[name=comment]').fill('checked');
  await Promise.all([rv.page.waitForURL(base + '/review'), change.locator('form[action$="/approve"] button').click()]);
  const got = await (await fetch(`${base}/api/v1/people/${ID}`)).json();
  assert.equal(got.aliases[0].alias, 'B. T. Personne');
  assert.equal(got.tenures[0].office, office);

  // the people picker of the visit form finds them by the alias
  await rv.page.goto(base + '/visits/new');
  await rv.page.fill('#f-visitor', 'Personne');
  await rv.page.waitForFunction((id) => [...document.querySelectorAll('#l-visitor option')].some((o) => o.value === id), ID);

  // two contexts edit the person: the second sees both versions, then merges
  const ad = await login('ada');
  await rv.page.goto(`${base}/person/${ID}/edit`);
  await ad.page.goto(`${base}/person/${ID}/edit`);
  await rv.page.fill('#f-native_name', 'Reviewer native name');
  await rv.page.fill('#f-reason', 'browser test: reviewer edit');
  await Promise.all([rv.page.waitForURL(`${base}/person/${ID}/history`), rv.page.click('#person-form button[type=submit]')]);
  await ad.page.fill('#f-note', 'Admin note.');
  await ad.page.fill('#f-reason', 'browser test: admin edit');
  await Promise.all([ad.page.waitForLoadState('load'), ad.page.click('#person-form button[type=submit]')]);
  const conflict = await ad.page.textContent('#conflict');
  assert.match(conflict, /Reviewer native name/, 'the stored version is shown');
  assert.match(conflict, /Admin note\./, 'the admin\'s version is shown');
  await ad.page.fill('#f-native_name', 'Reviewer native name');
  await ad.page.fill('#f-reason', 'browser test: merged');
  await Promise.all([ad.page.waitForURL(`${base}/person/${ID}/history`), ad.page.click('#person-form button[type=submit]')]);
  let v = await (await fetch(`${base}/api/v1/people/${ID}`)).json();
  assert.equal(v.native_name, 'Reviewer native name');
  assert.equal(v.note, 'Admin note.');

  // the history shows each step; revert the reviewer's change
  await rv.page.goto(`${base}/person/${ID}/history`);
  assert.match(await rv.page.textContent('#history'), /web:eddie, approved by web:vic/);
  const row = rv.page.locator('#history tr', { hasText: 'browser test: reviewer edit' });
  assert.match(await row.textContent(), /native_name: none\s*→\s*Reviewer native name/);
  await row.locator('input[name=reason]').fill('browser test: undo');
  await Promise.all([rv.page.waitForURL(`${base}/person/${ID}/history`), row.locator('button').click()]);
  assert.match(await rv.page.textContent('#history tbody tr:first-child'), /revert of change #\d+: browser test: undo/);
  v = await (await fetch(`${base}/api/v1/people/${ID}`)).json();
  assert.equal(v.native_name, null);
  assert.equal(v.note, 'Admin note.', 'a revert sets back only the fields that change changed');
  assert.deepEqual([...ed.errors, ...rv.errors, ...ad.errors], []);
  await Promise.all([ed.ctx.close(), rv.ctx.close(), ad.ctx.close()]);
});
