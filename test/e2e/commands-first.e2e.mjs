// A command run first in a fresh window, the Turso view never opened: the palette activates the
// extension (onCommand) and the command's code loads with it from the packaged VSIX (dist/features.js,
// loaded on first use). The window is reloaded first with the Explorer showing, so the extension host
// is new whichever file ran before. Screenshots: .test-results/screenshots/<host>/CNN-name.png.
import assert from 'node:assert/strict';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e } from './context.mjs';
import { flowsWithPrefix, waitForSignInPicker } from './tokens-ui.mjs';

const flow = flowsWithPrefix('C');

/** "Developer: Reload Window" with the Explorer showing: a new extension host, the Turso view hidden. */
async function freshWindowTursoHidden(page) {
  if (!(await page.locator('.monaco-workbench').isVisible().catch(() => false))) {
    await ui.openWorkbench(page, e2e.workbenchUrl);
  }
  await ui.openViewContainer(page, 'Explorer');
  const loaded = page.waitForEvent('load', { timeout: 90000 });
  await ui.runCommand(page, 'Developer: Reload Window');
  await loaded;
  await page.locator('.monaco-workbench').first().waitFor({ timeout: 90000 });
  await page.locator('.part.activitybar, .activitybar').first().waitFor({ timeout: 90000 });
  // the extensions' contributions come with the new extension host: the Turso view container is one
  await page.locator('.activitybar .action-item a.action-label[aria-label^="Turso"], .activitybar .action-item[aria-label^="Turso"]').first()
    .waitFor({ timeout: 60000 }).catch(() => { throw new Error('the Turso view container did not show in the activity bar within 60 s of the reload'); });
}

/** The palette's command, retried while the new extension host registers the contributed commands (bounded). */
async function runCommandOnceListed(page, title, timeoutMs = 60000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await ui.runCommand(page, title, 5000);
    } catch (err) {
      await ui.closeQuickInput(page).catch(() => {});
      if (Date.now() > until) throw new Error(`"${title}" was not in the command palette within ${timeoutMs / 1000} s of the reload: ${err.message}`);
    }
  }
}

describe('A command run first in a fresh window (end to end)', function () {
  before(async function () {
    this.timeout(150000);
    await ui.bounded(freshWindowTursoHidden(e2e.page), { crashed: e2e.crashed, timeoutMs: 140000, message: 'reloading the window with the Explorer showing' });
  });
  afterEach(async function () {
    await ui.closeQuickInput(e2e.page).catch(() => {});
  });

  flow('sign-in-first', '"Turso: Sign In…" from the palette in a fresh window, the Turso view never opened, offers the ways to sign in', async (page) => {
    const tursoShowing = await page.locator('.part.sidebar .composite.title h2', { hasText: 'Turso' }).first().isVisible().catch(() => false);
    assert.equal(tursoShowing, false, 'the Turso view is showing after the reload: the flow needs it hidden');
    await runCommandOnceListed(page, 'Turso: Sign In…');
    const rows = await waitForSignInPicker(page);
    assert.ok(rows.some((r) => r.includes('Paste a token')), `the sign-in picker's rows: ${rows.join(' | ')}`);
  });
});
