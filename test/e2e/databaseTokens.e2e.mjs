// Database tokens in the workspace (issue 23), seen and clicked in the real workbench: an env file whose
// TURSO_DATABASE_URL names database "todo" while its TURSO_AUTH_TOKEN was minted for "notes", and a token
// about to expire. The Problems panel names both databases; the hover says which database, never the
// value; the quick fix "Replace with a New Token" writes a new token for the same database in its place.
// Screenshots: .test-results/screenshots/<host>/DNN-name.png; the file, its hover and the Problems panel
// in light and dark themes (docs/images/database-token-problems-*.png when TURSO_UPDATE_DOCS_IMAGES=1).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e, emulatorHttp } from './context.mjs';
import {
  ensureSignedInWithLoginToken, flowsWithPrefix, shootInThemes, uniqueName, workbenchHooks,
} from './tokens-ui.mjs';

const flow = flowsWithPrefix('K');

async function problemRows(page) {
  return page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

async function waitForProblems(page, test, what, timeoutMs = 30000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await problemRows(page).catch(() => []);
    if (test(rows)) return rows;
    if (Date.now() > until) throw new Error(`the Problems panel did not show ${what} within ${timeoutMs / 1000} s (it shows ${JSON.stringify(rows)})`);
    await page.waitForTimeout(200); // polling what the panel shows, bounded above
  }
}

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

function editorLine(page, start) {
  return page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line', { hasText: start }).first();
}

async function mint(database, query) {
  const { jwt } = await emulatorHttp('POST', `/v1/organizations/demo/databases/${database}/auth/tokens?${query}`, undefined, e2e.emulator.demoToken);
  return jwt;
}

/**
 * Show Hover (Ctrl+K Ctrl+I) on the TURSO_AUTH_TOKEN line's value, pressed once the editor has the
 * focus: a chord pressed while the click is still moving the focus from another part is lost.
 */
async function showHoverOnToken(page) {
  await page.keyboard.press('Escape');
  await editorLine(page, 'TURSO_AUTH_TOKEN=').click({ position: { x: 320, y: 6 } });
  await page.locator('.editor-group-container.active .monaco-editor.focused').first().waitFor({ timeout: 10000 })
    .catch(() => { throw new Error('the .env editor did not have the focus within 10 s of a click on its token'); });
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
}

describe('Database tokens in the workspace: problems, hover and "Replace with a New Token" (end to end)', function () {
  workbenchHooks({
    cleanup: async (page) => {
      await page.keyboard.press('Escape').catch(() => {});
      await ui.runCommand(page, 'View: Close All Editors').catch(() => {});
    },
  });

  flow('other-database-expiring', 'a token for another database than TURSO_DATABASE_URL names both; the hover names the database, never the value; Replace with a New Token writes a new one', async (page, extraShot) => {
    await ensureSignedInWithLoginToken(page);
    const folder = `db-${uniqueName('e2e')}`;
    const dir = path.join(e2e.workspaceDir, folder);
    fs.mkdirSync(dir, { recursive: true });
    const envFile = path.join(dir, '.env');
    const wrong = await mint('notes', 'expiration=30d&authorization=full-access');
    const expiring = await mint('todo', 'expiration=3d&authorization=read-only');
    const lines = ['TURSO_DATABASE_URL=libsql://todo-demo.turso.io', `TURSO_AUTH_TOKEN=${wrong}`, `# TODO_READONLY_TOKEN=${expiring}`];
    fs.writeFileSync(envFile, `${lines.join('\n')}\n`);
    const values = [wrong, expiring];
    const noValue = (text, where) => {
      for (const value of values) {
        for (const part of value.split('.').slice(1)) assert.ok(!text.includes(part), `no part of a token's value in ${where}`);
      }
    };
    try {
      await (await ui.viewTitleAction(page, 'Refresh')).click();
      await ui.runCommand(page, 'View: Focus Problems');
      const rows = await waitForProblems(page, (r) => r.some((x) => /TURSO_DATABASE_URL is database "todo" of demo/.test(x)) && r.some((x) => /expires on/.test(x)),
        'the other-database error and the expiring warning');
      assert.ok(rows.some((x) => /This token is for database "notes" of demo/.test(x)), `the error names the token's database: ${JSON.stringify(rows)}`);
      noValue(rows.join('\n'), 'the Problems panel');

      await openFile(page, `${folder}/.env`);
      await ui.clearNotifications(page);
      const hover = page.locator('.monaco-hover', { hasText: 'Turso database token' }).first();
      await shootInThemes(page, extraShot, 'a-database-tokens', 'database-token-problems', {
        show: () => showHoverOnToken(page),
        hide: () => page.keyboard.press('Escape'),
        subject: hover,
        pointer: hover,
        what: 'the hover on the database token',
      });
      // the hover opened from the keyboard (a resting pointer's hover can be dismissed by the workbench's own moves)
      await showHoverOnToken(page);
      await hover.waitFor({ timeout: 15000 }).catch(() => {
        throw new Error('no hover naming the Turso database token within 15 s of Show Hover on it');
      });
      const hoverText = (await hover.innerText()).replace(/\s+/g, ' ');
      assert.match(hoverText, /Database: notes/, `the hover names the database: ${hoverText}`);
      noValue(hoverText, 'the hover');
      await page.mouse.move(900, 800);
      await page.keyboard.press('Escape');

      // the quick fix on the expiring (commented-out) token
      await editorLine(page, '# TODO_READONLY_TOKEN=').click({ position: { x: 360, y: 6 } });
      await page.keyboard.press('Control+.');
      const focused = page.locator('.action-widget .monaco-list-row.focused, .context-view .action-item.focused').first();
      await page.locator('.action-widget .monaco-list-row, .context-view .action-item', { hasText: 'Replace with a New Token' }).first().waitFor({ timeout: 15000 }).catch(async () => {
        const shown = await page.locator('.action-widget, .context-view').first().innerText({ timeout: 1000 }).catch(() => '(nothing)');
        throw new Error(`no quick fix "Replace with a New Token" within 15 s (on screen: ${shown.replace(/\s+/g, ' ')})`);
      });
      await extraShot('b-quick-fix');
      for (let i = 0; i < 5 && !/Replace with a New Token/.test(await focused.innerText().catch(() => '')); i++) {
        await page.keyboard.press('ArrowDown');
      }
      assert.match(await focused.innerText(), /Replace with a New Token/, 'the quick fix is focused');
      await page.keyboard.press('Enter');
      const until = Date.now() + 20000;
      let text = fs.readFileSync(envFile, 'utf8');
      while (text.includes(expiring) && Date.now() < until) {
        await page.waitForTimeout(100); // polling the file on disk, bounded above
        text = fs.readFileSync(envFile, 'utf8');
      }
      assert.ok(!text.includes(expiring), 'the old value is gone from the file');
      const replaced = /# TODO_READONLY_TOKEN=(\S+)/.exec(text)?.[1] ?? '';
      assert.ok(replaced.split('.').length === 3, 'a new token is in its place');
      const claims = JSON.parse(Buffer.from(replaced.split('.')[1], 'base64url').toString('utf8'));
      assert.equal(claims.a, 'ro', 'the same access');
      assert.equal(text.split('\n').slice(0, 2).join('\n'), lines.slice(0, 2).join('\n'), 'the other lines stay');
      values.push(replaced);
      await page.locator('.notifications-toasts, .notification-toast', { hasText: 'database tokens cannot be revoked one by one' }).first().waitFor({ timeout: 15000 }).catch(() => {
        throw new Error('no message saying the old token was not revoked within 15 s');
      });
      await extraShot('c-replaced');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  flow('check-progress-cancel', 'Check Database Tokens shows how far it got while the databases answer, and Cancel stops it with what was found so far; run again, it says what it found', async (page) => {
    await ensureSignedInWithLoginToken(page);
    const folder = `check-${uniqueName('e2e')}`;
    const dir = path.join(e2e.workspaceDir, folder);
    fs.mkdirSync(dir, { recursive: true });
    const lines = [
      'TURSO_DATABASE_URL=libsql://todo-demo.turso.io',
      `TURSO_AUTH_TOKEN=${await mint('todo', 'expiration=30d&authorization=full-access')}`,
      `NOTES_TOKEN=${await mint('notes', 'expiration=30d&authorization=read-only')}`,
      `OTHER_TOKEN=${await mint('todo', 'expiration=7d&authorization=read-only')}`,
    ];
    fs.writeFileSync(path.join(dir, '.env'), `${lines.join('\n')}\n`);
    try {
      await (await ui.viewTitleAction(page, 'Refresh')).click();
      await ui.clearNotifications(page);
      // Each database answers after 20 s: Cancel is pressed while a database is being asked, and must
      // not wait for its answer (the request is stopped). Under the API client's 30 s timeout: the
      // databases' list, when the check has to ask for it first, is answered too (at 30 s it timed out,
      // the check then ended at once with every token "for databases none of the accounts has").
      await emulatorHttp('POST', '/__emulator/latency', { ms: 20000 });
      await ui.runCommand(page, 'Turso: Check Database Tokens Against Their Databases');
      const progress = await ui.waitForNotification(page, 'Checking database tokens…', 45000);
      await page.locator('.notifications-toasts .notification-toast', { hasText: /Checking database tokens….*\d+ of \d+/ }).first().waitFor({ timeout: 45000 })
        .catch(async () => { throw new Error(`the progress notification does not say how far it got within 45 s: ${JSON.stringify(await ui.visibleNotifications(page))}`); });
      await progress.getByRole('button', { name: 'Cancel' }).click();
      await ui.waitForNotification(page, 'Checking database tokens stopped', 10000)
        .catch((e) => { throw new Error(`Cancel waited for the database's answer (20 s away): ${e.message}`); });
      await emulatorHttp('POST', '/__emulator/latency', { ms: 0 });
      await ui.clearNotifications(page);
      await ui.runCommand(page, 'Turso: Check Database Tokens Against Their Databases');
      // (an API request sent while the latency was 30 s may still be answered late)
      await ui.waitForNotification(page, 'Database tokens checked:', 45000);
    } finally {
      await emulatorHttp('POST', '/__emulator/latency', { ms: 0 }).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
