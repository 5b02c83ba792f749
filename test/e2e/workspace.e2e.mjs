// Tokens where they are used (issue 16), seen and clicked in the real workbench: a workspace env file
// holding one of the account's tokens, a revoked one and another account's. The used token's row says
// where it is used; the Problems panel flags the revoked one only (another account's valid token is
// not flagged); the hover names a token and never shows it; the quick fix "Remove the line" removes
// exactly that line. Screenshots: .test-results/screenshots/<host>/WNN-name.png; the Problems panel
// with the tree in light and dark themes (docs/images/workspace-problems-*.png when
// TURSO_UPDATE_DOCS_IMAGES=1, newest host).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e, emulatorHttp } from './context.mjs';
import {
  ensureSignedInWithLoginToken, flowsWithPrefix, shootInThemes, treeRowLabelled, uniqueName, workbenchHooks,
} from './tokens-ui.mjs';

const flow = flowsWithPrefix('W');

/** The Problems panel's rows (their text), once it is open. */
async function problemRows(page) {
  return page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** Waits until the Problems panel shows a row that `test` accepts; returns the rows. */
async function waitForProblems(page, test, what, timeoutMs = 30000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await problemRows(page).catch(() => []);
    if (test(rows)) return rows;
    if (Date.now() > until) throw new Error(`the Problems panel did not show ${what} within ${timeoutMs / 1000} s (it shows ${JSON.stringify(rows)})`);
    await page.waitForTimeout(200); // polling what the panel shows, bounded above
  }
}

/** Opens `relative` (a workspace path) in an editor through Quick Open, and waits for its tab. */
async function openFile(page, relative) {
  await page.keyboard.press('Control+P');
  const input = ui.quickInputBox(page);
  await input.waitFor({ timeout: 10000 });
  await input.fill(relative);
  await ui.waitForQuickPickRow(page, path.basename(path.dirname(relative)));
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: path.basename(relative) }).waitFor({ timeout: 10000 }).catch(() => {
    throw new Error(`no editor tab for ${relative} within 10 s`);
  });
}

/** The active editor's line that starts with `start` (the editor reuses its line elements, so by text). */
function editorLine(page, start) {
  return page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line', { hasText: start }).first();
}

describe('Tokens where they are used: rows, problems, hovers and quick fixes (end to end)', function () {
  workbenchHooks({
    cleanup: async (page) => {
      await page.keyboard.press('Escape').catch(() => {});
      await ui.runCommand(page, 'View: Close All Editors').catch(() => {});
    },
  });

  flow('used-revoked-other', 'a used token says where; a revoked one is flagged in Problems, another account\'s is not; the hover never shows a value; "Remove the line" removes only it', async (page, extraShot) => {
    await ensureSignedInWithLoginToken(page);
    const used = uniqueName('e2e-used');
    const gone = uniqueName('e2e-gone');
    const hers = uniqueName('e2e-hers');
    const mine = await emulatorHttp('POST', '/__emulator/api-token', { name: used, owner: 'demo', organization: 'acme' });
    const revoked = await emulatorHttp('POST', '/__emulator/api-token', { name: gone, owner: 'demo', organization: 'acme' });
    await emulatorHttp('DELETE', `/v1/auth/api-tokens/${gone}`, undefined, e2e.emulator.demoToken);
    const alice = await emulatorHttp('POST', '/__emulator/api-token', { name: hers, owner: 'alice', organization: 'partner' });
    const folder = `ws-${used}`;
    const dir = path.join(e2e.workspaceDir, folder);
    fs.mkdirSync(dir, { recursive: true });
    const envFile = path.join(dir, '.env');
    const lines = [`TURSO_API_TOKEN=${mine.token}`, `OLD_TURSO_TOKEN="${revoked.token}"`, `PARTNER_TOKEN=${alice.token}`, 'REGION=fra'];
    fs.writeFileSync(envFile, `${lines.join('\n')}\n`);
    const values = [mine.token, revoked.token, alice.token];
    const noValue = (text, where) => {
      for (const value of values) {
        for (const part of value.split('.').slice(1)) assert.ok(!text.includes(part), `no part of a token's value in ${where}`);
      }
    };
    try {
      await (await ui.viewTitleAction(page, 'Refresh')).click();
      // the row of the used token says where it is used
      await treeRowLabelled(page, used).filter({ hasText: `used in ${folder}/.env` }).waitFor({ timeout: 30000 }).catch(async () => {
        throw new Error(`the row "${used}" did not say "used in ${folder}/.env" within 30 s (rows: ${JSON.stringify(await ui.treeRows(page))})`);
      });

      // Problems: the revoked token only, on its line
      await ui.runCommand(page, 'View: Focus Problems');
      const rows = await waitForProblems(page, (r) => r.some((x) => x.includes('This Turso API token was revoked')), '"This Turso API token was revoked"');
      const turso = rows.filter((x) => /Turso/.test(x) && !/^\.env/.test(x));
      assert.equal(turso.filter((x) => /This Turso API token/.test(x)).length, 1, `one Turso problem in the workspace: ${JSON.stringify(rows)}`);
      assert.ok(turso.some((x) => /\[Ln 2, Col \d+\]/.test(x)), `on line 2: ${JSON.stringify(rows)}`);
      noValue(rows.join('\n'), 'the Problems panel');
      // the hover on the used token: its name, scope and account; never the value
      await openFile(page, `${folder}/.env`);
      await ui.clearNotifications(page);
      // for the README, in both themes: the row that says where the token is used, the file with the
      // revoked token underlined, the hover on the used one (opened from the keyboard, so it stays while
      // the picture is taken) and the Problems panel
      const hover = page.locator('.monaco-hover', { hasText: 'Turso API token' }).first();
      await shootInThemes(page, extraShot, 'a-workspace', 'workspace-problems', {
        show: async () => {
          await editorLine(page, 'TURSO_API_TOKEN=').click({ position: { x: 320, y: 6 } });
          await page.keyboard.press('Control+K');
          await page.keyboard.press('Control+I');
        },
        hide: () => page.keyboard.press('Escape'),
        subject: hover,
        pointer: hover,
        what: 'the hover on the used token',
      });
      // the pointer rests on the token's value, as a person's would
      await editorLine(page, 'TURSO_API_TOKEN=').hover({ position: { x: 320, y: 6 } });
      await hover.waitFor({ timeout: 15000 }).catch(() => {
        throw new Error('no hover naming the Turso API token within 15 s of resting on it');
      });
      const hoverText = (await hover.innerText()).replace(/\s+/g, ' ');
      assert.match(hoverText, new RegExp(`Name: ${used}`), `the hover names the token: ${hoverText}`);
      assert.match(hoverText, /Account: demo/, `the hover names the account: ${hoverText}`);
      noValue(hoverText, 'the hover');
      await extraShot('b-hover');
      await page.mouse.move(900, 800);
      await page.keyboard.press('Escape');

      // the quick fix on the revoked line: "Remove the line" removes that line only
      await editorLine(page, 'OLD_TURSO_TOKEN=').click({ position: { x: 320, y: 6 } });
      await page.keyboard.press('Control+.');
      const fix = page.locator('.action-widget .monaco-list-row, .context-view .action-item', { hasText: 'Remove the line' }).first();
      await fix.waitFor({ timeout: 15000 }).catch(async () => {
        const shown = await page.locator('.action-widget, .context-view').first().innerText({ timeout: 1000 }).catch(() => '(nothing)');
        throw new Error(`no quick fix "Remove the line" within 15 s (on screen: ${shown.replace(/\s+/g, ' ')})`);
      });
      const offered = (await page.locator('.action-widget, .context-view').first().innerText()).replace(/\s+/g, ' ');
      assert.match(offered, /Open the Turso view/, `both quick fixes are offered: ${offered}`);
      await extraShot('c-quick-fixes');
      // chosen from the keyboard (VS Code 1.100's action list lets no pointer through while it opens)
      const focused = page.locator('.action-widget .monaco-list-row.focused, .context-view .action-item.focused').first();
      for (let i = 0; i < 5 && !/Remove the line/.test(await focused.innerText().catch(() => '')); i++) {
        await page.keyboard.press('ArrowDown');
      }
      assert.match(await focused.innerText(), /Remove the line/, 'the quick fix "Remove the line" is focused');
      await page.keyboard.press('Enter');
      // removed on disk by the extension (the editor had no unsaved changes): nothing to save
      const until = Date.now() + 15000;
      let text = fs.readFileSync(envFile, 'utf8');
      while (text.includes(revoked.token) && Date.now() < until) {
        await page.waitForTimeout(100); // polling the file on disk, bounded above
        text = fs.readFileSync(envFile, 'utf8');
      }
      assert.equal(text, `${[lines[0], lines[2], lines[3]].join('\n')}\n`, 'only the revoked token\'s line is gone');
      // and its problem with it
      await ui.runCommand(page, 'View: Focus Problems');
      await waitForProblems(page, (r) => !r.some((x) => x.includes('This Turso API token was revoked')), 'no revoked-token problem any more');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
