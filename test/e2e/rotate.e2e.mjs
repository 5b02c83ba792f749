// Rotate API Token (issue 16), clicked and typed in the real workbench: from a token's row's context
// menu, the name step, the dialog listing the env file lines that hold the token, the file on disk
// rewritten with the new value before the last confirmation, then the revoke. The emulator's request
// log proves the order (create, then revoke); the tree drops the old row and shows the new one.
// R02: the same from an organization's token row (a colleague's, as admin): the dialog says the owner
// changes, and the old token is revoked by id through the organization.
// R03: 14 env files on long monorepo paths: too many for a dialog, they are a list (all checked); the
// files unchecked there are left as they are, and only those kept are written.
// Screenshots: .test-results/screenshots/<host>/RNN-name.png; the rotation's confirmation in light and
// dark themes (docs/images/rotate-*.png when TURSO_UPDATE_DOCS_IMAGES=1, newest host).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e, emulatorHttp } from './context.mjs';
import {
  chooseFromContextMenu, clearRequests, clickDialogButton, collapse, ensureSignedInWithLoginToken, expand, flowsWithPrefix, jwtClaims, listedTokens,
  proveMinted, quickPickRowNamed, regionAround, shootInThemes, treeRowLabelled, uniqueName, waitForDialog, workbenchHooks,
} from './tokens-ui.mjs';

const flow = flowsWithPrefix('R');

/** A token minted in the emulator and written into rotate-<name>/.env of the workspace (`text` makes the file from the value). */
async function tokenInWorkspace(fields, text) {
  const { id, token } = await emulatorHttp('POST', '/__emulator/api-token', fields);
  const dir = path.join(e2e.workspaceDir, `rotate-${fields.name}`);
  fs.mkdirSync(dir, { recursive: true });
  const envFile = path.join(dir, '.env');
  fs.writeFileSync(envFile, text(token));
  return { id, token, dir, envFile };
}

describe('Rotate API Token: the successor in the workspace\'s env file, then the old token revoked (end to end)', function () {
  workbenchHooks();

  flow('rotate-context-menu', 'rotate a token used in a workspace .env from its row\'s context menu: name, the lines listed, the file rewritten, last confirmation, create then revoke; README screenshots', async (page, extraShot) => {
    await ensureSignedInWithLoginToken(page);
    const name = uniqueName('e2e-rot');
    const { id, token, dir, envFile } = await tokenInWorkspace({ name, owner: 'demo', organization: 'acme' }, (value) => `# deploy\nexport TURSO_API_TOKEN="${value}"\nREGION=fra\n`);
    try {
      await (await ui.viewTitleAction(page, 'Refresh')).click();
      // the workspace scan finds it: the row says where it is used
      await treeRowLabelled(page, name).filter({ hasText: `used in rotate-${name}/.env` }).waitFor({ timeout: 30000 }).catch(async () => {
        throw new Error(`the row "${name}" did not say "used in rotate-${name}/.env" within 30 s (rows: ${JSON.stringify(await ui.treeRows(page))})`);
      });
      const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
      const successor = `${name}-${stamp}`;
      const question = `Rotate API token "${name}"?`;
      const askToRotate = async () => {
        const nameStep = page.locator('.quick-input-widget .quick-input-title', { hasText: `Rotate API Token "${name}": New Name` }).first();
        await chooseFromContextMenu(page, treeRowLabelled(page, name), 'Rotate API Token', nameStep, 'the name step');
        const input = await ui.waitForInputBox(page, `Rotate API Token "${name}": New Name`);
        assert.equal(await input.inputValue(), successor, 'the name step offers <name>-<yyyymmdd>');
        await page.keyboard.press('Enter');
        return waitForDialog(page, question);
      };

      // for the README, in both themes: the tree and the confirmation over it (Cancel creates nothing)
      const confirmation = page.locator('.monaco-dialog-box', { hasText: question }).first();
      await shootInThemes(page, extraShot, 'a-rotate-confirmation', 'rotate', {
        show: askToRotate,
        hide: () => clickDialogButton(confirmation, 'Cancel'),
        subject: confirmation, what: 'the rotation\'s confirmation',
        region: () => regionAround(page, [confirmation, page.locator('.part.sidebar .monaco-list-row').last()], { margin: 24, from: { left: true, top: true } }),
      });
      assert.ok(!(await listedTokens()).some((t) => t.name === successor), 'Cancel created nothing');

      await clearRequests();
      const dialog = await askToRotate();
      const listing = (await dialog.innerText()).replace(/[ \t]+/g, ' ');
      assert.match(listing, new RegExp(`rotate-${name}/\\.env:2`), `the dialog lists the line (it says: ${listing})`);
      assert.match(listing, /access to acme/);
      for (const part of token.split('.').slice(1)) assert.ok(!listing.includes(part), 'no part of the value in the dialog');
      await clickDialogButton(dialog, 'Rotate');

      // the last confirmation: by now the file on disk has the new value, and nothing was revoked
      const last = await waitForDialog(page, `Revoke the old API token "${name}"?`);
      const written = fs.readFileSync(envFile, 'utf8');
      const value = /TURSO_API_TOKEN="([^"]+)"/.exec(written)?.[1] ?? '';
      assert.equal(written, `# deploy\nexport TURSO_API_TOKEN="${value}"\nREGION=fra\n`, 'only the value changed: export, quotes, the other lines kept');
      assert.notEqual(value, token);
      const listed = await proveMinted(successor, value);
      assert.deepEqual([listed.organization, listed.group], ['acme', undefined], 'the same access: organization acme');
      const before = (await emulatorHttp('GET', '/__emulator/requests')).filter((r) => r.method === 'POST' || r.method === 'DELETE').map((r) => `${r.method} ${r.path}`);
      assert.deepEqual(before, [`POST /v1/auth/api-tokens/${successor}`], 'created, and nothing revoked before the last confirmation');
      assert.match((await last.innerText()).replace(/\s+/g, ' '), new RegExp(`"${successor}" is now in these lines \\(saved\\): \\S*rotate-${name}/\\.env:2`));
      await extraShot('a-rotate-last-confirmation');
      // the toasts of the steps before (sign-in, the create's progress) out of the way of the result's
      await ui.clearNotifications(page);
      await clickDialogButton(last, 'Revoke');

      await ui.waitForNotification(page, `Rotated API token "${name}"`).catch(async (err) => {
        await ui.runCommand(page, 'Notifications: Show Notifications').catch(() => {});
        await page.waitForTimeout(1000);
        throw new Error(`${err.message}; notifications: ${JSON.stringify(await ui.visibleNotifications(page))}`);
      });
      const after = (await emulatorHttp('GET', '/__emulator/requests')).filter((r) => r.method === 'POST' || r.method === 'DELETE').map((r) => `${r.method} ${r.path} ${r.status}`);
      assert.deepEqual(after, [`POST /v1/auth/api-tokens/${successor} 200`, `DELETE /v1/auth/api-tokens/${name} 200`], 'the create, then the revoke');
      assert.ok(!(await listedTokens()).some((t) => t.id === id), `the emulator no longer lists ${name}`);
      assert.notEqual(jwtClaims(value).jti, id);
      // the tree: the old row gone, the new one there (and it is the one used in the file now)
      await treeRowLabelled(page, name).waitFor({ state: 'hidden', timeout: 20000 }).catch(() => {
        throw new Error(`the row "${name}" is still in the tree`);
      });
      await treeRowLabelled(page, successor).filter({ hasText: `used in rotate-${name}/.env` }).waitFor({ timeout: 30000 }).catch(async () => {
        throw new Error(`the row "${successor}" (used in rotate-${name}/.env) did not show (rows: ${JSON.stringify(await ui.treeRows(page))})`);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  flow('rotate-org-token', 'rotate a colleague\'s organization token used in a workspace .env from its row under Organizations (as admin): the owner change said, the file rewritten, then revoked by id', async (page) => {
    await ensureSignedInWithLoginToken(page);
    const name = uniqueName('e2e-orgrot');
    // demo owns studio (the seed): it sees alice's token there, with its owner. Not acme: other flows
    // fill acme with a thousand of alice's tokens, which would sort before demo's and push the
    // successor's row out of the rendered part of the list.
    const { id, token, dir, envFile } = await tokenInWorkspace({ name, owner: 'alice', organization: 'studio' }, (value) => `ALICE_TURSO_TOKEN=${value}\n`);
    const label = `alice · ${name}`;
    try {
      await (await ui.viewTitleAction(page, 'Refresh')).click();
      await expand(page, 'Organizations');
      await expand(page, 'studio');
      // the workspace scan finds it by its id: the organization's row says where it is used
      await treeRowLabelled(page, label).filter({ hasText: `used in rotate-${name}/.env` }).waitFor({ timeout: 30000 }).catch(async () => {
        const studio = await treeRowLabelled(page, 'studio').getAttribute('aria-expanded').catch(() => '?');
        const asked = (await emulatorHttp('GET', '/__emulator/requests')).filter((r) => r.path.startsWith('/v1/organizations/studio')).map((r) => `${r.method} ${r.path} ${r.status}`);
        throw new Error(`the row "${label}" did not say "used in rotate-${name}/.env" within 30 s (studio expanded: ${studio}; studio requests: ${JSON.stringify(asked)}; rows: ${JSON.stringify(await ui.treeRows(page))})`);
      });
      const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
      const successor = `${name}-${stamp}`;
      await clearRequests();
      const nameStep = page.locator('.quick-input-widget .quick-input-title', { hasText: `Rotate API Token "${name}": New Name` }).first();
      await chooseFromContextMenu(page, treeRowLabelled(page, label), 'Rotate API Token', nameStep, 'the name step');
      const input = await ui.waitForInputBox(page, `Rotate API Token "${name}": New Name`);
      assert.equal(await input.inputValue(), successor, 'the name step offers <name>-<yyyymmdd>');
      await page.keyboard.press('Enter');

      const dialog = await waitForDialog(page, `Rotate API token "${name}" of alice?`);
      const listing = (await dialog.innerText()).replace(/\s+/g, ' ');
      assert.match(listing, new RegExp(`The new token is minted by you \\(demo\\), while "${name}" was minted by alice: its owner changes`), `the dialog says the owner changes (it says: ${listing})`);
      assert.match(listing, new RegExp(`rotate-${name}/\\.env:1`), `the dialog lists the line (it says: ${listing})`);
      for (const part of token.split('.').slice(1)) assert.ok(!listing.includes(part), 'no part of the value in the dialog');
      await clickDialogButton(dialog, 'Rotate');

      // the last confirmation: by now the file on disk has the new value, and nothing was revoked
      const last = await waitForDialog(page, `Revoke the old API token "${name}" of alice?`);
      const written = fs.readFileSync(envFile, 'utf8');
      const value = /^ALICE_TURSO_TOKEN=(\S+)\n$/.exec(written)?.[1] ?? '';
      assert.notEqual(value, '', `the file holds one token (it is ${written.length} characters)`);
      assert.notEqual(value, token);
      const listed = await proveMinted(successor, value);
      assert.deepEqual([listed.organization, listed.group], ['studio', undefined], 'the same access: organization studio');
      const before = (await emulatorHttp('GET', '/__emulator/requests')).filter((r) => r.method === 'POST' || r.method === 'DELETE').map((r) => `${r.method} ${r.path}`);
      assert.deepEqual(before, [`POST /v1/auth/api-tokens/${successor}`], 'created by demo, and nothing revoked before the last confirmation');
      await ui.clearNotifications(page);
      await clickDialogButton(last, 'Revoke');

      await ui.waitForNotification(page, `Rotated API token "${name}"`).catch(async (err) => {
        await ui.runCommand(page, 'Notifications: Show Notifications').catch(() => {});
        await page.waitForTimeout(1000);
        throw new Error(`${err.message}; notifications: ${JSON.stringify(await ui.visibleNotifications(page))}`);
      });
      const after = (await emulatorHttp('GET', '/__emulator/requests')).filter((r) => r.method === 'POST' || r.method === 'DELETE').map((r) => `${r.method} ${r.path} ${r.status}`);
      assert.deepEqual(after, [`POST /v1/auth/api-tokens/${successor} 200`, `DELETE /v1/organizations/studio/api-tokens/${id} 200`], 'the create, then the revoke by id through the organization');
      assert.equal(jwtClaims(value).jti, listed.id);
      // the organization's rows: alice's gone, demo's successor there (and used in the file now)
      await treeRowLabelled(page, label).waitFor({ state: 'hidden', timeout: 20000 }).catch(() => {
        throw new Error(`the row "${label}" is still in the tree`);
      });
      await treeRowLabelled(page, `demo · ${successor}`).filter({ hasText: `used in rotate-${name}/.env` }).waitFor({ timeout: 30000 }).catch(async () => {
        throw new Error(`the row "demo · ${successor}" (used in rotate-${name}/.env) did not show (rows: ${JSON.stringify(await ui.treeRows(page))})`);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await collapse(page, 'studio').catch(() => {});
      await collapse(page, 'Organizations').catch(() => {});
    }
  });
  flow('rotate-many-files', 'rotate a token used in 14 env files on long monorepo paths: the files are a list, all checked; 4 unchecked are left as they are, the 10 kept are written', async (page, extraShot) => {
    await ensureSignedInWithLoginToken(page);
    const name = uniqueName('e2e-rot-many');
    const { token, dir } = await tokenInWorkspace({ name, owner: 'demo', organization: 'acme' }, (value) => `TURSO_API_TOKEN=${value}\n`);
    const services = ['payments-gateway-reconciliation', 'customer-notifications-dispatcher', 'analytics-ingestion-pipeline', 'identity-federation-bridge',
      'inventory-forecasting-service', 'search-indexing-coordinator', 'billing-invoice-renderer'];
    const files = services.flatMap((svc) => ['production-eu-west-1', 'staging-us-east-2'].map((env) => `services/${svc}/deploy/environments/${env}/.env`));
    fs.rmSync(path.join(dir, '.env'));
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), `TURSO_API_TOKEN=${token}\n`);
    }
    const left = files.slice(10);
    try {
      await (await ui.viewTitleAction(page, 'Refresh')).click();
      await treeRowLabelled(page, name).filter({ hasText: 'used in' }).waitFor({ timeout: 30000 }).catch(async () => {
        throw new Error(`the row "${name}" did not say where it is used within 30 s (rows: ${JSON.stringify(await ui.treeRows(page))})`);
      });
      const nameStep = page.locator('.quick-input-widget .quick-input-title', { hasText: `Rotate API Token "${name}": New Name` }).first();
      await chooseFromContextMenu(page, treeRowLabelled(page, name), 'Rotate API Token', nameStep, 'the name step');
      await ui.waitForInputBox(page, `Rotate API Token "${name}": New Name`);
      await clearRequests();
      await page.keyboard.press('Enter');

      // the list of files: every one, all checked
      await ui.waitForInputBox(page, `Rotate API Token "${name}": Files to Write`);
      const checked = page.locator('.quick-input-widget .quick-input-list .monaco-list-row[aria-checked="true"]');
      await checked.nth(files.length - 1).waitFor({ timeout: 20000 }).catch(async () => {
        throw new Error(`${files.length} checked rows in the list of files (${await checked.count()} checked; rows: ${JSON.stringify(await ui.quickPickRows(page))})`);
      });
      // the folders all share in the title; each row the folders that differ (the middle ones elided)
      await ui.waitForInputBox(page, `Files to Write in ws/rotate-${name}/services/`);
      for (const f of left) {
        const [, svc, , , env] = f.split('/');
        const row = await quickPickRowNamed(page, `${svc}/…/${env}/.env`);
        await row.click();
        await page.locator('.quick-input-widget .quick-input-list .monaco-list-row[aria-checked="false"]', { hasText: `${svc}/…/${env}/.env` }).first().waitFor({ timeout: 5000 })
          .catch(() => { throw new Error(`${f} did not get unchecked`); });
      }
      await extraShot('c-rotate-files-list');
      await page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).first().click();

      const dialog = await waitForDialog(page, `Rotate API token "${name}"?`);
      const listing = (await dialog.innerText()).replace(/\s+/g, ' ');
      assert.match(listing, /The 10 files you kept in the list get the new token/, `the dialog counts the files kept (it says: ${listing})`);
      await clickDialogButton(dialog, 'Rotate');
      const last = await waitForDialog(page, `Revoke the old API token "${name}"?`);
      const requests = (await emulatorHttp('GET', '/__emulator/requests')).filter((r) => r.method === 'POST' || r.method === 'DELETE');
      assert.equal(requests.length, 1, 'the create only');
      const successor = requests[0].path.split('/').at(-1);
      for (const f of files) {
        const text = fs.readFileSync(path.join(dir, f), 'utf8');
        if (left.includes(f)) {
          assert.equal(text, `TURSO_API_TOKEN=${token}\n`, `${f}, unchecked, was left as it was`);
        } else {
          const value = /TURSO_API_TOKEN=(\S+)/.exec(text)?.[1] ?? '';
          assert.equal(jwtClaims(value).jti, (await listedTokens()).find((t) => t.name === successor)?.id, `${f} has the successor`);
        }
      }
      // kept: the unchecked files still use it
      await clickDialogButton(last, 'Cancel');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
