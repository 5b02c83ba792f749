// Organization tokens (issue 15), clicked in the real workbench: an admin expands Organizations and
// an organization, sees a colleague's token with its owner, and revokes it by id from the row's
// inline trash; the emulator's log shows DELETE /v1/organizations/<org>/api-tokens/<id>. Then 1,000
// tokens in one organization, expanded while the page's frames are timed. And an organization
// expanded right after Refresh, while the answers land, still shows its tokens.
// Screenshots: the organization's tokens with the revoke confirmation over them, in light and dark
// themes (copied to docs/images/ when TURSO_UPDATE_DOCS_IMAGES=1, newest host).
import assert from 'node:assert/strict';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e, emulatorHttp } from './context.mjs';
import {
  clickDialogButton, collapse, ensureSignedInWithLoginToken, expand, flowsWithPrefix, regionAround, shootInThemes, treeRowLabelled, uniqueName,
  waitForDialog, workbenchHooks,
} from './tokens-ui.mjs';

const flow = flowsWithPrefix('O');

describe('Organization tokens: an admin revokes a colleague\'s token (end to end)', function () {
  workbenchHooks();

  flow('admin-revokes-colleague', 'as admin of studio: a colleague\'s token with its owner; revoked by id from the inline trash', async (page, extraShot) => {
    await ensureSignedInWithLoginToken(page);
    await emulatorHttp('POST', '/__emulator/member', { organization: 'studio', username: 'demo', role: 'admin' });
    const name = uniqueName('e2e-colleague');
    const { id } = await emulatorHttp('POST', '/__emulator/api-token', { name, owner: 'alice', organization: 'studio' });
    await emulatorHttp('DELETE', '/__emulator/requests');
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    await expand(page, 'Organizations');
    await expand(page, 'studio');
    const label = `alice · ${name}`;
    const row = await ui.waitForTreeRow(page, label);
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /organization · \d{4}-\d{2}-\d{2}/, `the row shows scope and date: "${text}"`);
    assert.ok((await ui.treeRows(page)).some((r) => /demo · studio-deploy.*yours/.test(r)), `my own token is marked: ${JSON.stringify(await ui.treeRows(page))}`);

    const question = `Revoke API token "${name}" of alice in organization "studio"?`;
    const askToRevoke = async () => {
      const r = await ui.waitForTreeRow(page, label);
      await r.hover();
      await r.locator('.action-label[aria-label^="Revoke Organization API Token"]').click();
      return waitForDialog(page, question);
    };
    const confirmation = page.locator('.monaco-dialog-box', { hasText: question }).first();
    await shootInThemes(page, extraShot, 'a-org-revoke-confirmation', 'organizations', {
      show: askToRevoke,
      hide: () => clickDialogButton(confirmation, 'Cancel'),
      subject: confirmation, what: 'the organization token revoke confirmation',
      region: () => regionAround(page, [confirmation, page.locator('.part.sidebar .monaco-list-row').last()], { margin: 24, from: { left: true, top: true } }),
    });
    const dialog = await askToRevoke();
    assert.match(await dialog.innerText(), /alice minted it/);
    await clickDialogButton(dialog, 'Revoke');
    await ui.waitForNotification(page, `Revoked API token "${name}" of alice in "studio".`);
    await ui.treeRow(page, label).waitFor({ state: 'hidden', timeout: 20000 });
    const log = await emulatorHttp('GET', '/__emulator/requests');
    const deletes = log.filter((r) => r.method === 'DELETE').map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.deepEqual(deletes, [`DELETE /v1/organizations/studio/api-tokens/${id} 200`]);
    await ui.waitForTreeRow(page, 'demo · studio-deploy'); // the rest of the organization is still there
    await ui.waitForTreeRow(page, 'ci-bot'); // and the account's own tokens
    await collapse(page, 'studio');
  });

  flow('member-sees-own', 'as a member of partner: only my own tokens, and the organization says why; my own revoked by id', async (page, extraShot) => {
    await ensureSignedInWithLoginToken(page);
    await emulatorHttp('POST', '/__emulator/member', { organization: 'partner', username: 'demo', role: 'member' });
    const mine = uniqueName('e2e-mine');
    const theirs = uniqueName('e2e-theirs');
    const { id } = await emulatorHttp('POST', '/__emulator/api-token', { name: mine, owner: 'demo', organization: 'partner' });
    await emulatorHttp('POST', '/__emulator/api-token', { name: theirs, owner: 'alice', organization: 'partner' });
    await emulatorHttp('DELETE', '/__emulator/requests');
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    await expand(page, 'Organizations');
    await expand(page, 'partner');
    const label = `demo · ${mine}`;
    await ui.waitForTreeRow(page, label);
    // The role comes with the tokens: the organization's row then says why only mine are shown.
    await treeRowLabelled(page, 'partner').filter({ hasText: /only your own tokens are shown \(member\)/ }).waitFor({ timeout: 10000 }).catch(async () => {
      const partner = (await treeRowLabelled(page, 'partner').innerText()).replace(/\s+/g, ' ');
      throw new Error(`the organization says why only my own tokens are shown (within 10 s; it shows "${partner}")`);
    });
    const rows = await ui.treeRows(page);
    assert.ok(!rows.some((r) => r.includes(theirs) || r.includes('partner-sync')), `no colleague's token is shown to a member: ${JSON.stringify(rows)}`);
    // The API was asked for the role, in the same round trip as the tokens.
    const log = await emulatorHttp('GET', '/__emulator/requests');
    assert.ok(log.some((r) => r.method === 'GET' && r.path === '/v1/organizations/partner/members/demo'), `the role was asked: ${log.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    await extraShot('a-member-view');

    const question = `Revoke API token "${mine}" of demo in organization "partner"?`;
    const r = await ui.waitForTreeRow(page, label);
    await r.hover();
    await r.locator('.action-label[aria-label^="Revoke Organization API Token"]').click();
    await clickDialogButton(await waitForDialog(page, question), 'Revoke');
    await ui.treeRow(page, label).waitFor({ state: 'hidden', timeout: 20000 });
    const deletes = (await emulatorHttp('GET', '/__emulator/requests')).filter((q) => q.method === 'DELETE').map((q) => `${q.method} ${q.path} ${q.status}`);
    assert.deepEqual(deletes, [`DELETE /v1/organizations/partner/api-tokens/${id} 200`]);
    await collapse(page, 'partner');
  });

  flow('thousand-tokens', '1,000 tokens in one organization: expanded with every frame timed, sorted by owner then name', async (page) => {
    await ensureSignedInWithLoginToken(page);
    const prefix = uniqueName('k').replace(/-/g, '');
    await emulatorHttp('POST', '/__emulator/org-tokens', { organization: 'acme', count: 1000, owner: 'alice', prefix });
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    await expand(page, 'Organizations');
    await treeRowLabelled(page, 'acme').waitFor({ timeout: 20000 });
    // Frames timed in the page from before the click until the first rows are drawn.
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
    await expand(page, 'acme');
    await ui.waitForTreeRow(page, `alice · ${prefix}-1`, 30000);
    // Ten more frames after the rows appear: the layout that follows is counted too.
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
    console.log(`      longest frame while expanding 1,000 tokens: ${longest} ms (${e2e.host})`);
    const rows = await ui.treeRows(page);
    const bulk = rows.filter((r) => r.startsWith(`alice · ${prefix}-`));
    assert.ok(bulk.length > 5, `the first rows of the 1,000 are drawn: ${JSON.stringify(rows.slice(0, 12))}`);
    assert.ok(longest < 1000, `no frame near a second while 1,000 rows arrive (longest ${longest} ms)`);
    await collapse(page, 'acme');
    await collapse(page, 'Organizations');
  });

  flow('expand-during-refresh', 'expanding Organizations and an organization right after Refresh, while its answers land: the organization\'s tokens show (at 0, 100, 200 and 300 ms of latency)', async (page) => {
    await ensureSignedInWithLoginToken(page);
    for (const latency of [0, 100, 200, 300]) {
      const name = uniqueName('e2e-race');
      await emulatorHttp('POST', '/__emulator/api-token', { name, owner: 'alice', organization: 'studio' });
      await emulatorHttp('POST', '/__emulator/latency', { ms: latency });
      try {
        await (await ui.viewTitleAction(page, 'Refresh')).click();
        await expand(page, 'Organizations');
        await expand(page, 'studio');
        await treeRowLabelled(page, `alice · ${name}`).waitFor({ timeout: 15000 }).catch(async () => {
          throw new Error(`at ${latency} ms of latency, the row "alice · ${name}" did not show under studio within 15 s (rows: ${JSON.stringify(await ui.treeRows(page))})`);
        });
      } finally {
        await emulatorHttp('POST', '/__emulator/latency', { ms: 0 });
        await collapse(page, 'studio').catch(() => {});
        await collapse(page, 'Organizations').catch(() => {});
      }
    }
  });
});

