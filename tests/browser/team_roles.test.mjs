// Browser tests of the team server by role (docs/teams.md, "Roles in the
// browser"), in Debian's Chromium, on a store made with `parley init
// --bundled`, a GDELT discovery candidate and `parley user add`, served with
// --review required:
// - a reader sees no edit link and gets 403 for a form POST;
// - an editor's change is held: their own page and the visit's page say it
//   is pending review, while the public page still shows the published text;
// - a reviewer rejects a discovery candidate and approves the held change
//   from /review: the visit's page shows it at once;
// - an admin edits a visit counted by the example brief through the form,
//   the lists show it at once, and `parley brief check` on the same store
//   exits 1 naming the figure.
//
// Environment: PARLEY, CHROMIUM (as web.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTeam, stopTeam, loginAs, PARLEY } from './team_server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const GDELT = join(HERE, '..', 'real', 'data', 'gdelt', '20191024143000.export.CSV');
const USERS = { rita: ['reader', 'reader-secret-1'], eddie: ['editor', 'editor-secret-1'],
  vic: ['reviewer', 'reviewer-secret-1'], ada: ['admin', 'admin-secret-01'] };
const VISIT = '2018-03-25-prk-chn-kim-jong-un';
// counted by the example brief's {{ count pair=CHN:PRK era="Xi Jinping / Kim Jong-un" }}
const COUNTED = '2017-11-17-chn-prk-song-tao';
const CANDIDATE = '2019-10-24-usa-gbr-gdelt';

let browser, base, db;

let team;
before(async () => {
  team = await startTeam(USERS, 'parley-team-roles-', (d) => {
    execFileSync(PARLEY, ['--db', d, 'discover', 'gdelt', GDELT, '--between', 'USA:GBR', '--types', 'MNC', '--quiet'],
      { stdio: 'ignore' });
  });
  ({ browser, base, db } = team);
});

after(() => stopTeam(team));

function login(user) {
  return loginAs(team, user, { failedRequests: true });
}

async function visitJson(id) {
  return (await fetch(`${base}/api/v1/visits/${id}`)).json();
}

// The visit page once its team bar (app.js) is in.
async function visitPage(page, id) {
  await page.goto(`${base}/visit/${id}`);
  await page.waitForSelector('#team-bar');
}

test('team roles: reader, editor, reviewer and admin in the browser; brief check sees the change', async () => {
  // -- reader: reads, no edit link, 403 for a form POST -------------------------
  const rd = await login('rita');
  await visitPage(rd.page, VISIT);
  assert.equal(await rd.page.locator('#my-changes').getAttribute('href'), '/user/rita');
  assert.equal(await rd.page.locator('#history-link').count(), 1, 'a reader may read the history');
  assert.equal(await rd.page.locator('a[href$="/edit"], a[href="/visits/new"]').count(), 0, 'no edit link for a reader');
  const post = await rd.page.evaluate(async (id) => {
    const s = await (await fetch('/api/v1/session')).json();
    const body = new URLSearchParams({ csrf_token: s.csrf_token, reason: 'a reader tries', summary: 'x' });
    const r = await fetch(`/visit/${id}/edit`, { method: 'POST', body });
    return [s.role, r.status];
  }, VISIT);
  assert.deepEqual(post, ['reader', 403], 'a reader\'s form POST (with a valid CSRF token) is 403');
  const form = await rd.page.goto(`${base}/visit/${VISIT}/edit`);
  assert.equal(form.status(), 403, 'and so is the form itself');

  // -- editor: a held change, on their page and the visit's -----------------------
  const before = await visitJson(VISIT);
  const ed = await login('eddie');
  await visitPage(ed.page, VISIT);
  assert.equal(await ed.page.locator('#your-pending').count(), 0);
  await Promise.all([ed.page.waitForURL(`${base}/visit/${VISIT}/edit`), ed.page.click('#edit-link')]);
  await ed.page.fill('#f-summary', 'Browser role test: the editor\'s summary.');
  await ed.page.fill('#f-reason', 'browser role test: held');
  await Promise.all([ed.page.waitForLoadState('load'), ed.page.click('#visit-form button[type=submit]')]);
  const held = Number((await ed.page.textContent('#pending')).match(/number (\d+)/)[1]);
  await visitPage(ed.page, VISIT);
  assert.match(await ed.page.textContent('#your-pending'), new RegExp(`Your change #${held} is pending review`));
  assert.doesNotMatch(await ed.page.textContent('main'), /the editor's summary/, 'the page shows the published text');
  assert.equal((await visitJson(VISIT)).summary, before.summary, 'held: in no public answer');
  await Promise.all([ed.page.waitForURL(`${base}/user/eddie`), ed.page.click('#my-changes')]);
  assert.match(await ed.page.textContent(`#held-${held}`), /pending review/);
  // the reader sees no note: it is not their change
  await visitPage(rd.page, VISIT);
  assert.equal(await rd.page.locator('#your-pending').count(), 0);

  // -- reviewer: a discovery candidate and the held change, from /review ------------
  const rv = await login('vic');
  await rv.page.goto(base + '/review');
  const cand = rv.page.locator(`#candidate-${CANDIDATE}`);
  assert.match(await cand.textContent(), /GDELT events: \d+/);
  assert.ok(await cand.locator('ul.sources a[href^="http"]').count() > 0, 'the article to read is linked');
  await cand.locator('form[action$="/reject"] input[name=comment]').fill('a company, not a state visit');
  await Promise.all([rv.page.waitForURL(base + '/review'), cand.locator('form[action$="/reject"] button').click()]);
  assert.equal(await rv.page.locator(`#candidate-${CANDIDATE}`).count(), 0, 'decided: out of the queue');
  assert.equal((await visitJson(CANDIDATE)).status, 'rejected');
  const change = rv.page.locator(`#change-${held}`);
  await change.locator('form[action$="/approve"] input[name=comment]').fill('reads well');
  await Promise.all([rv.page.waitForURL(base + '/review'), change.locator('form[action$="/approve"] button').click()]);
  await visitPage(ed.page, VISIT);
  assert.match(await ed.page.textContent('main'), /the editor's summary/, 'approved: on the page at once');
  assert.equal(await ed.page.locator('#your-pending').count(), 0);
  await rv.page.goto(base + '/user/vic');
  const decided = await rv.page.locator('#changes tr', { hasText: CANDIDATE }).first().textContent();
  assert.match(decided, /review:web:vic/);
  assert.match(decided, /discovery candidate rejected: a company, not a state visit/);

  // -- admin: edits a counted visit; lists and brief check see it -------------------
  const n0 = (await (await fetch(`${base}/api/v1/visits?between=CHN:PRK&from=2012-11-15&to=2018-03-28`)).json()).total;
  const ad = await login('ada');
  await visitPage(ad.page, COUNTED);
  await Promise.all([ad.page.waitForURL(`${base}/visit/${COUNTED}/edit`), ad.page.click('#edit-link')]);
  await ad.page.fill('#f-start_date', '2012-11-10');
  await ad.page.fill('#f-end_date', '2012-11-12');
  await ad.page.fill('#f-reason', 'browser role test: a corrected date');
  await Promise.all([ad.page.waitForURL(`${base}/visit/${COUNTED}`), ad.page.click('#visit-form button[type=submit]')]);
  assert.match(await ad.page.textContent('main'), /2012-11-10/);
  const n1 = (await (await fetch(`${base}/api/v1/visits?between=CHN:PRK&from=2012-11-15&to=2018-03-28`)).json()).total;
  assert.equal(n1, n0 - 1, 'the list of the era shows the change at once');
  const check = spawnSync(PARLEY, ['--db', db, 'brief', 'check', 'kim-jong-un-beijing-2018'], { encoding: 'utf8' });
  assert.equal(check.status, 1, check.stderr);
  assert.match(check.stdout, /\{\{ count pair=CHN:PRK era="Xi Jinping \/ Kim Jong-un" \}\} as of 2018-03-28: was 8, now 7/);
  assert.match(check.stdout, new RegExp(`removed: ${COUNTED}`));

  assert.deepEqual(rd.errors, [`403 ${base}/visit/${VISIT}/edit`, `403 ${base}/visit/${VISIT}/edit`],
    'the reader\'s only failures are the two refusals asked for');
  for (const s of [ed, rv, ad]) assert.deepEqual(s.errors, []);
  await Promise.all([rd.ctx.close(), ed.ctx.close(), rv.ctx.close(), ad.ctx.close()]);
});
