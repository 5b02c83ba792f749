// Another extension (test/fixtures/exports-walker, installed beside the product by run.mjs) trying to
// reach Turso credentials without the person's consent: walking everything the product's `activate()`
// returns for JWT-shaped strings, and passing a token to `turso.signIn` as a command link or any
// extension could. Screenshots: .test-results/screenshots/<host>/TNN-name.png.
import assert from 'node:assert/strict';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e } from './context.mjs';
import {
  clickDialogButton, expectWelcome, flowsWithPrefix, openTurso, signInWith, statusBarAccount, USER, waitForDialog,
  waitForStatusBarAccount, workbenchHooks,
} from './tokens-ui.mjs';

const flow = flowsWithPrefix('T');
const ALICE = 'Alice Admin';

/** Runs one of the walker's commands; resolves with the text of the notification it ends with. */
async function walkerSays(page, timeout = 20000) {
  const note = await ui.waitForNotification(page, 'Exports walker:', timeout);
  return (await note.innerText()).replace(/\s+/g, ' ').trim();
}

/** Signs out of every account through the palette (the pick's "All accounts" when there are several). */
async function signOutOfAll(page) {
  await openTurso(page);
  const welcome = ui.welcomeButton(page, 'Sign In');
  if (await welcome.isVisible().catch(() => false)) return;
  await ui.runCommand(page, 'Turso: Sign Out');
  const all = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'All accounts' }).first();
  await welcome.or(all).first().waitFor({ timeout: 20000 }).catch(() => {
    throw new Error('"Turso: Sign Out" neither signed out nor offered "All accounts" within 20 s');
  });
  if (await all.isVisible().catch(() => false)) await all.click();
  await expectWelcome(page);
}

/** Demo signed in, alone. */
async function onlyDemo(page) {
  await signOutOfAll(page);
  await signInWith(page, e2e.emulator.demoToken);
  await waitForStatusBarAccount(page, /^demo\b/, 'demo');
}

/** The walker's "Pass a Token to Turso Sign In" with alice's token. */
async function passAliceToken(page) {
  await ui.clearNotifications(page);
  await ui.runCommand(page, 'Turso Exports Walker: Pass a Token to Turso Sign In');
  const input = await ui.waitForInputBox(page, 'Exports walker: token to pass to turso.signIn');
  await input.fill(e2e.emulator.aliceToken);
  await page.keyboard.press('Enter');
}

describe('Credentials and another extension: the exports, a token passed to turso.signIn (end to end)', function () {
  workbenchHooks();

  flow('exports', 'signed in as demo: another extension walking everything activate() returned finds no JWT-shaped string', async (page) => {
    await onlyDemo(page);
    await ui.runCommand(page, 'Turso Exports Walker: Walk Turso Exports');
    const said = await walkerSays(page);
    const m = /(\d+) JWT-shaped strings/.exec(said);
    assert.ok(m, `the walker reports what it found: "${said}"`);
    assert.equal(Number(m[1]), 0, `no credential is reachable from the extension's exports: "${said}"`);
  });

  flow('sign-in-arg', 'a token passed to turso.signIn by another extension: a dialog names the account; Cancel changes nothing', async (page) => {
    await onlyDemo(page);
    await passAliceToken(page);
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'alice' }).first();
    const walker = page.locator('.notifications-toasts .notification-toast', { hasText: 'Exports walker:' }).first();
    await dialog.or(walker).first().waitFor({ timeout: 20000 }).catch(() => {
      throw new Error('neither a dialog naming alice nor the walker\'s result within 20 s');
    });
    if (!(await dialog.isVisible().catch(() => false))) {
      const said = (await walker.innerText()).replace(/\s+/g, ' ');
      const account = await statusBarAccount(page).catch(() => '(none)');
      assert.fail(`turso.signIn used a token passed by another extension without asking: the walker says "${said}"; the status bar shows "${account}"`);
    }
    const text = (await dialog.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Alice Admin|alice/, `the dialog names the account: "${text}"`);
    await clickDialogButton(dialog, 'Cancel');
    const said = await walkerSays(page);
    assert.match(said, /returned false/, `the command says nothing was done: "${said}"`);
    assert.match(await statusBarAccount(page), /^demo\b/, 'demo is still the active account');
    const rows = (await ui.treeRows(page)).join('\n');
    assert.ok(!rows.includes(ALICE), `alice is not signed in: ${rows}`);
  });

  flow('sign-in-arg-accepted', 'a token passed to turso.signIn, accepted in the dialog: that account is signed in and active', async (page) => {
    await onlyDemo(page);
    await passAliceToken(page);
    const dialog = await waitForDialog(page, 'alice');
    await clickDialogButton(dialog, 'Sign In as alice');
    await waitForStatusBarAccount(page, /^alice\b/, 'alice, accepted');
    await ui.waitForTreeRow(page, ALICE);
    await ui.waitForTreeRow(page, USER);
    await signOutOfAll(page);
  });
});
