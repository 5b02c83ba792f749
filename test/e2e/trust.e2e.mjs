// Another extension (test/fixtures/exports-walker, installed beside the product by run.mjs) trying to
// reach Turso credentials without the person's consent: walking everything the product's `activate()`
// returns for JWT-shaped strings, and passing a token to `turso.signIn` as a command link or any
// extension could; running `turso.*` commands with the argument an automation or a forged row would be
// (T04+): nothing is done unless the person sees and accepts it (src/commands/target.ts).
// Screenshots: .test-results/screenshots/<host>/TNN-name.png.
import assert from 'node:assert/strict';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e, emulatorHttp } from './context.mjs';
import {
  clickDialogButton, expectWelcome, flowsWithPrefix, openTurso, revealTab, signInWith, statusBarAccount, uniqueName, USER, waitForDialog,
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

/** The walker's "Run a Turso Command with an Argument" with `line` (`<verb> <text>`). */
async function walkerRuns(page, line) {
  await ui.clearNotifications(page);
  await ui.closeQuickInput(page);
  await ui.runCommand(page, 'Turso Exports Walker: Run a Turso Command with an Argument');
  const input = await ui.waitForInputBox(page, 'Exports walker: <verb> <text>');
  await input.fill(line);
  await page.keyboard.press('Enter');
}

/**
 * Waits for the question the person must see (`asked`, a locator), or for any sign that the command
 * acted without it (`unseen`: locators such as the walker's result or a reveal tab); fails, saying
 * what was seen instead, when it was not asked.
 */
async function expectAsked(page, asked, what, unseen = []) {
  const walker = page.locator('.notifications-toasts .notification-toast', { hasText: 'Exports walker:' }).first();
  let any = asked.or(walker);
  for (const u of unseen) any = any.or(u);
  await any.first().waitFor({ timeout: 20000 }).catch(() => {
    throw new Error(`neither ${what} nor the walker's result within 20 s`);
  });
  if (!(await asked.isVisible().catch(() => false))) {
    const said = (await walker.innerText().catch(() => '(no result yet)')).replace(/\s+/g, ' ');
    const dialog = (await page.locator('.monaco-dialog-box').first().innerText().catch(() => '')).replace(/\s+/g, ' ');
    assert.fail(`another extension's argument was acted on without ${what}: the walker says "${said}"${dialog ? `; a dialog says "${dialog}"` : ''}`);
  }
}

/** The quick input titled `title` (a pick or an input box). */
function quickInputTitled(page, title) {
  return page.locator('.quick-input-widget .quick-input-title', { hasText: title }).first();
}

/** Dismisses the open question and returns what the walker says the command returned. */
async function dismissAndHear(page) {
  await page.keyboard.press('Escape');
  return walkerSays(page);
}

/** The names of demo's API tokens, as Turso lists them. */
async function demoTokenNames() {
  const listed = await emulatorHttp('GET', '/v1/auth/api-tokens', undefined, e2e.emulator.demoToken);
  return (listed.tokens ?? []).map((t) => t.name);
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

  flow('create-arg', "another extension's turso.createToken with a name and an access: the person is asked the name; Escape creates nothing", async (page) => {
    await onlyDemo(page);
    const name = uniqueName('walker-made');
    await walkerRuns(page, `createToken ${name}`);
    await expectAsked(page, quickInputTitled(page, 'Create API Token (1/2): Name'), 'the name step of Create API Token', [revealTab(page, name)]);
    const value = await ui.quickInputBox(page).inputValue();
    assert.equal(value, '', `the name field is not filled in by the other extension: "${value}"`);
    const said = await dismissAndHear(page);
    assert.match(said, /turso\.createToken returned "undefined"/, `nothing was created: "${said}"`);
    assert.ok(!(await demoTokenNames()).includes(name), `Turso lists no "${name}"`);
  });

  flow('validate-arg', "another extension's turso.validateToken with a token: nothing is sent to Turso with it and nothing is returned", async (page) => {
    await onlyDemo(page);
    await emulatorHttp('DELETE', '/__emulator/requests');
    await walkerRuns(page, `validateToken ${e2e.emulator.aliceToken}`);
    await expectAsked(page, quickInputTitled(page, 'Validate API Token'), 'the question "Which token?"');
    const said = await dismissAndHear(page);
    assert.match(said, /turso\.validateToken returned "undefined"/, `nothing is returned: "${said}"`);
    assert.ok(!/alice/.test(said), `the other extension learns no username: "${said}"`);
    const log = await emulatorHttp('GET', '/__emulator/requests');
    const withAlice = log.filter((q) => q.username === 'alice').map((q) => `${q.method} ${q.path}`);
    assert.deepEqual(withAlice, [], "no request went to Turso with the other extension's token");
  });

  flow('revoke-forged-row', "a forged token row passed to turso.revokeToken: the person picks the token, no dialog names the forged one; Escape revokes nothing", async (page) => {
    await onlyDemo(page);
    const name = uniqueName('walker-target');
    await emulatorHttp('POST', `/v1/auth/api-tokens/${name}`, undefined, e2e.emulator.demoToken);
    await walkerRuns(page, `revokeRow ${name}`);
    const dialog = page.locator('.monaco-dialog-box', { hasText: name }).first();
    await expectAsked(page, quickInputTitled(page, 'Revoke API Token'), 'the pick of Revoke API Token', [dialog]);
    const said = await dismissAndHear(page);
    assert.match(said, /turso\.revokeToken returned "cancelled"/, `nothing was revoked: "${said}"`);
    assert.ok((await demoTokenNames()).includes(name), `"${name}" is still listed by Turso`);
  });

  flow('sign-in-way-arg', "another extension's turso.signIn({ way: 'paste' }): the person gets the pick of the ways in, not the way it chose; Escape signs nobody in", async (page) => {
    await onlyDemo(page);
    await walkerRuns(page, 'signInWay paste');
    const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Sign in with the browser' }).first();
    const pasteBox = page.locator('.quick-input-widget input[placeholder="Turso Platform API token"]').first();
    await expectAsked(page, pick, 'the pick of the ways to sign in', [pasteBox]);
    const said = await dismissAndHear(page);
    assert.match(said, /turso\.signIn returned false/, `nobody was signed in: "${said}"`);
    assert.match(await statusBarAccount(page), /^demo\b/, 'demo is still the active account');
  });

  flow('switch-arg', "another extension's turso.switchAccount (an account id, a forged row) and turso.signOut({ all: true }): the person picks; Escape changes nothing", async (page) => {
    await onlyDemo(page);
    await signInWith(page, e2e.emulator.aliceToken);
    await waitForStatusBarAccount(page, /^alice\b/, 'alice, signed in second');
    for (const verb of ['switchAccountId', 'switchAccountRow']) {
      await walkerRuns(page, `${verb} demo`);
      await expectAsked(page, quickInputTitled(page, 'Switch Turso Account'), `the pick of Switch Turso Account (${verb})`);
      const said = await dismissAndHear(page);
      assert.match(said, /turso\.switchAccount returned false/, `${verb}: not switched: "${said}"`);
      assert.match(await statusBarAccount(page), /^alice\b/, `${verb}: alice is still the active account`);
    }
    await walkerRuns(page, 'signOutAll');
    await expectAsked(page, quickInputTitled(page, 'Sign Out of Turso'), 'the pick of Sign Out of Turso');
    const said = await dismissAndHear(page);
    assert.match(said, /turso\.signOut returned false/, `nobody was signed out: "${said}"`);
    await ui.waitForTreeRow(page, ALICE);
    await ui.waitForTreeRow(page, USER);
    await signOutOfAll(page);
  });
});
