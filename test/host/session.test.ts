import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  Emulator, pointSignedOut, requestCount, restoreAfterSuite, rootRows, signIn, signOut, startEmulator, TursoApi,
  waitForRoot, waitForSignedOutTree,
} from './helpers';

// The credential lives only in the extension's SecretStorage (in code-server: the browser's IndexedDB).
// It is observed through the tree, never read directly.
suite('Credential in SecretStorage: sign in, sign out, and another sign-in followed', () => {
  let emu: Emulator;
  let api: TursoApi;

  suiteSetup(async () => {
    emu = await startEmulator();
    api = await pointSignedOut(emu);
  });
  suiteTeardown(() => restoreAfterSuite(api, emu));

  test('sign in stores the credential: the tree loads the account with it', async () => {
    assert.strictEqual(await signIn(emu.demoToken), true);
    const user = await waitForRoot(api, 'turso.user');
    assert.strictEqual(user.label, 'Demo User');
  });

  test('the stored credential is used again for later loads (Refresh)', async () => {
    const before = requestCount(emu);
    await vscode.commands.executeCommand('turso.refresh');
    await waitForRoot(api, 'turso.user');
    assert.ok(requestCount(emu) > before, 'Refresh made authenticated requests with the stored credential');
  });

  test('sign out deletes it: the tree is empty', async () => {
    await signOut();
    await waitForSignedOutTree(api);
  });

  test('a refresh while signed out stays signed out (nothing left in storage)', async () => {
    await vscode.commands.executeCommand('turso.refresh');
    assert.deepStrictEqual(await rootRows(api), []);
  });

  test('another sign-in with a different token is followed', async () => {
    const token = await emu.mintLoginToken({ expiresInSeconds: 3600 });
    assert.notStrictEqual(token, emu.demoToken);
    assert.strictEqual(await signIn(token), true);
    const user = await waitForRoot(api, 'turso.user');
    assert.strictEqual(user.label, 'Demo User');
  });

  test('signing in again over an existing session replaces it', async () => {
    assert.strictEqual(await signIn(emu.demoToken), true);
    await waitForRoot(api, 'turso.user');
  });

  test('a rejected sign-in while signed in keeps the current session', async () => {
    emu.injectFault({ kind: 'status', status: 401, error: 'nope', times: 3 });
    try {
      // the fault makes the API reject the candidate token (whatever it is)
      assert.strictEqual(await signIn(await emu.mintLoginToken()), false);
    } finally {
      emu.clearFaults();
    }
    await vscode.commands.executeCommand('turso.refresh');
    const user = await waitForRoot(api, 'turso.user');
    assert.strictEqual(user.label, 'Demo User');
  });

  test('another sign-out is followed', async () => {
    await signOut();
    await waitForSignedOutTree(api);
  });
});
