// Databases and their tokens (issue 23), clicked in the real workbench: expand an organization's
// Databases node (one request), Create Database Token from a database's row (its inline +), answer
// expiry and access, and see the value in the reveal panel — without "Use for this extension".
// Screenshots: the Databases node expanded, and the panel, in light and dark themes (copied to
// docs/images/ when TURSO_UPDATE_DOCS_IMAGES=1, newest host).
import assert from 'node:assert/strict';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e, emulatorHttp } from './context.mjs';
import {
  collapse, ensureSignedInWithLoginToken, expand, flowsWithPrefix, quickPickRowNamed, regionAround, revealFrame, shootInThemes,
  treeRowLabelled, uniqueName, workbenchHooks,
} from './tokens-ui.mjs';

const flow = flowsWithPrefix('D');

/** An organization of demo's with databases, and one database of it in a group. */
async function seededDatabase() {
  const listed = await emulatorHttp('GET', '/v1/organizations', undefined, e2e.emulator.demoToken);
  const slugs = (Array.isArray(listed) ? listed : listed.organizations).map((o) => o.slug).sort();
  for (const slug of slugs) {
    const { databases } = await emulatorHttp('GET', `/v1/organizations/${slug}/databases`, undefined, e2e.emulator.demoToken);
    const inGroup = [...(databases ?? [])].sort((a, b) => a.Name.localeCompare(b.Name)).find((d) => d.group);
    if (inGroup) return { org: slug, databases, database: inGroup };
  }
  throw new Error('the emulator seeds no organization of demo with a database in a group');
}

describe('Databases: expand, create a database token from its row (end to end)', function () {
  workbenchHooks();

  flow('create-from-row', 'Databases expanded with one request; Create Database Token from a database row; the panel shows the value once', async (page, extraShot) => {
    await ensureSignedInWithLoginToken(page);
    const { org, databases, database } = await seededDatabase();
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    await expand(page, 'Organizations');
    await expand(page, org);
    await emulatorHttp('DELETE', '/__emulator/requests');
    await expand(page, 'Databases');
    const row = await ui.waitForTreeRow(page, database.Name);
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    assert.ok(text.includes(database.group), `the row shows its group: "${text}"`);
    const lists = (await emulatorHttp('GET', '/__emulator/requests')).filter((r) => /\/databases$/.test(r.path)).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(lists, [`GET /v1/organizations/${org}/databases`], 'one request for the Databases node');
    for (const d of databases) await ui.waitForTreeRow(page, d.Name);
    const databasesRow = treeRowLabelled(page, 'Databases');
    await shootInThemes(page, extraShot, 'a-databases', 'databases-tree', {
      subject: row, what: 'the database rows',
      region: () => regionAround(page, [databasesRow, page.locator('.part.sidebar .monaco-list-row').last()], { margin: 24, from: { left: true, top: true } }),
    });

    await emulatorHttp('DELETE', '/__emulator/requests');
    await row.hover();
    await row.locator('.action-label[aria-label^="Create Database Token"]').click();
    await (await quickPickRowNamed(page, '7 days')).click();
    await (await quickPickRowNamed(page, 'Read-only')).click();
    // Other databases it may read: none (Enter with nothing selected).
    const attach = page.locator('.quick-input-widget').filter({ hasText: 'Read Other Databases' });
    if (databases.length > 1) {
      await attach.waitFor({ timeout: 20000 });
      // Enter once the picker shows the other databases and its input has the focus (the widget is
      // reused from the step before: a key pressed while it changes over is lost).
      const other = databases.find((d) => d.Name !== database.Name);
      await quickPickRowNamed(page, other.Name);
      await ui.quickInputBox(page).and(page.locator(':focus')).waitFor({ timeout: 10000 })
        .catch(() => { throw new Error('the input of "Read Other Databases" did not have the focus within 10 s'); });
      await page.keyboard.press('Enter');
      await attach.waitFor({ state: 'hidden', timeout: 20000 })
        .catch(() => { throw new Error('"Read Other Databases" still open 20 s after Enter with nothing selected'); });
    }
    const name = `database ${database.Name}`;
    const tab = page.locator('.tabs-container .tab', { hasText: `New database token: ${name}` }).first();
    await tab.waitFor({ timeout: 30000 }).catch(() => { throw new Error(`the panel "New database token: ${name}" did not open within 30 s`); });
    const frame = revealFrame(page);
    await frame.locator('#value[aria-busy="false"]').waitFor({ timeout: 30000 });
    const value = ((await frame.locator('#value').textContent()) ?? '').trim();
    assert.match(value, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'the panel shows a JWT');
    const claims = JSON.parse(Buffer.from(value.split('.')[1], 'base64url').toString('utf8'));
    assert.equal(claims.id, database.DbId, 'a token of that database');
    assert.equal(await frame.locator('#use').count(), 0, 'no "Use for this extension" for a database token');
    assert.equal((await frame.locator('#heading').innerText()).trim(), 'Database token created');
    const mints = (await emulatorHttp('GET', '/__emulator/requests')).filter((r) => r.method === 'POST').map((r) => `${r.path}?${r.query ?? ''}`);
    assert.deepEqual(mints, [`/v1/organizations/${org}/databases/${database.Name}/auth/tokens?expiration=7d&authorization=read-only`]);
    await shootInThemes(page, extraShot, 'b-database-reveal', 'database-reveal', {
      subject: frame.locator('#value'), what: 'the database token panel',
    });
    await frame.locator('#copy').click();
    await tab.hover();
    await tab.locator('.tab-actions .action-label[aria-label^="Close"]').first().click();
    await tab.waitFor({ state: 'hidden', timeout: 20000 });
    await collapse(page, 'Databases');
    await collapse(page, org);
  });

  flow('thousand-databases', '1,000 databases in one organization: Databases expanded with every frame timed', async (page) => {
    await ensureSignedInWithLoginToken(page);
    const prefix = uniqueName('bulk').replace(/-/g, '');
    await emulatorHttp('POST', '/__emulator/databases', { organization: 'studio', count: 1000, prefix });
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    await expand(page, 'Organizations');
    await expand(page, 'studio');
    await treeRowLabelled(page, 'Databases').waitFor({ timeout: 20000 });
    // Frames timed in the page from before the click until the first rows are drawn, and ten after.
    await page.evaluate(() => {
      const w = /** @type {any} */ (globalThis);
      w.__frames = { last: performance.now(), longest: 0, running: true };
      const tick = (now) => {
        const f = w.__frames;
        f.longest = Math.max(f.longest, now - f.last);
        f.last = now;
        if (f.running) globalThis.requestAnimationFrame(tick);
      };
      globalThis.requestAnimationFrame(tick);
    });
    await expand(page, 'Databases');
    const rows = await waitForBulkRows(page, prefix);
    await page.evaluate(() => new Promise((resolve) => {
      let left = 10;
      const next = () => (--left <= 0 ? resolve(undefined) : globalThis.requestAnimationFrame(next));
      globalThis.requestAnimationFrame(next);
    }));
    const longest = await page.evaluate(() => {
      const w = /** @type {any} */ (globalThis);
      w.__frames.running = false;
      return Math.round(w.__frames.longest);
    });
    console.log(`      longest frame while expanding 1,000 databases: ${longest} ms (${e2e.host})`);
    assert.ok(rows.length > 0, 'the first of the 1,000 rows are drawn (as many as the view has room for)');
    assert.ok(longest < 200, `no frame over 200 ms while 1,000 database rows arrive (longest ${longest} ms)`);
    await collapse(page, 'Databases');
    await collapse(page, 'studio');
  });
});

/** Waits (bounded) until rows of the bulk databases are drawn; returns them. */
async function waitForBulkRows(page, prefix, timeout = 30000) {
  for (const until = Date.now() + timeout; Date.now() < until;) {
    const rows = (await ui.treeRows(page)).filter((r) => r.startsWith(prefix));
    if (rows.length) return rows;
    await page.waitForTimeout(50); // polling the tree, bounded above
  }
  throw new Error(`no row of the 1,000 databases "${prefix}…" within ${timeout / 1000} s: ${JSON.stringify((await ui.treeRows(page)).slice(0, 12))}`);
}
