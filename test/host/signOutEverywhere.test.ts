import * as assert from 'assert';
import * as vscode from 'vscode';
import { restoreAfterSuite, signIn, signOut, startEmulator, waitForRoot, waitForSignedOutTree } from './helpers';
import { describeShown, FixtureEmulator, fixtures, probedSignedOut, ProbedApi, UiRecorder } from './faultHelpers';

// "Sign Out Everywhere" (src/commands/switchAccount.ts) says only what Turso promises: `POST
// /v1/auth/invalidate` and `turso auth logout --all` say "invalidate all sessions for the current
// user", nothing of 7-day logins or of API tokens.

suite('Sign Out Everywhere: says only what Turso promises', function () {
  let emu: FixtureEmulator;
  let api: ProbedApi;
  const ui = new UiRecorder();

  suiteSetup(async function () {
    this.timeout(60000);
    emu = fixtures(await startEmulator());
    api = await probedSignedOut(emu);
    ui.install();
  });
  suiteTeardown(async () => {
    ui.restore();
    await restoreAfterSuite(api, emu);
  });

  test('the confirmation and the outcome speak of all sessions of the user, and promise nothing of API tokens or 7-day logins', async () => {
    await signOut();
    await waitForSignedOutTree(api);
    assert.strictEqual(await signIn(emu.demoApiToken), true);
    await waitForRoot(api, 'turso.user');
    ui.answer = (s) => (s.modal ? s.items.find((i) => i === 'Sign Out Everywhere') : undefined);
    const mark = ui.mark();
    assert.strictEqual(await vscode.commands.executeCommand('turso.signOutEverywhere'), true, describeShown(ui.messagesSince(mark)));
    const confirm = ui.messagesSince(mark, (s) => s.modal)[0];
    assert.ok(confirm, describeShown(ui.messagesSince(mark)));
    const said = [confirm.message, confirm.detail ?? '', ...ui.messagesSince(mark, (s) => !s.modal).map((s) => s.message)].join('\n');
    assert.doesNotMatch(said, /7-day|keep working|browser sign-in/i, `promises what Turso does not: ${said}`);
    assert.match(confirm.message + confirm.detail, /all sessions/i, `says what Turso does: ${said}`);
    assert.match(said, /turso auth logout --all/);
  });

  test('signed in here with a login (it expires): the confirmation says this extension signs out too, and it does', async () => {
    await signOut();
    await waitForSignedOutTree(api);
    assert.strictEqual(await signIn(emu.mintLoginToken()), true, "a login issued after the first test's invalidation");
    await waitForRoot(api, 'turso.user');
    ui.answer = (s) => (s.modal ? s.items.find((i) => i === 'Sign Out Everywhere') : undefined);
    const mark = ui.mark();
    assert.strictEqual(await vscode.commands.executeCommand('turso.signOutEverywhere'), true, describeShown(ui.messagesSince(mark)));
    const confirm = ui.messagesSince(mark, (s) => s.modal)[0];
    assert.match(confirm?.detail ?? '', /signs out here too/, describeShown(ui.messagesSince(mark)));
    await waitForSignedOutTree(api);
  });
});
