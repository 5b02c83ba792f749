import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  activateExtension, Emulator, requestCount, setApiBaseUrl, signIn, signOut, startEmulator, TursoApi,
  waitFor, waitForRoot, waitForSignedOutTree,
} from './helpers';

suite('Setting turso.apiBaseUrl takes effect without a reload', () => {
  let a: Emulator;
  let b: Emulator;
  let api: TursoApi;

  suiteSetup(async () => {
    [a, b] = await Promise.all([startEmulator(), startEmulator()]);
    api = await activateExtension();
    // show the view, so the workbench itself asks the tree for its nodes after a change
    await vscode.commands.executeCommand('workbench.view.extension.turso');
    await setApiBaseUrl(a.url);
    await signOut();
    await waitForSignedOutTree(api);
    assert.strictEqual(await signIn(a.demoToken), true);
    await waitForRoot(api, 'turso.user');
  });
  suiteTeardown(async () => {
    await signOut();
    await setApiBaseUrl(undefined);
    await Promise.all([a?.close(), b?.close()]);
  });

  test('switching to another API URL reloads the tree from there', async () => {
    b.injectFault({ kind: 'status', status: 503, error: 'emulator B is down' });
    const before = requestCount(b);
    await setApiBaseUrl(b.url);
    assert.strictEqual(vscode.workspace.getConfiguration('turso').get('apiBaseUrl'), b.url);
    // the visible view reloads by itself (the workbench calls getChildren after onDidChangeTreeData)
    await waitFor(() => requestCount(b) > before, 'requests to the new API URL from the visible view', 10000);
    await waitForRoot(api, 'turso.error');
  });

  test('switching back reloads the tree from the first API again', async () => {
    const before = requestCount(a);
    await setApiBaseUrl(a.url);
    await waitFor(() => requestCount(a) > before, 'requests to the first API URL again from the visible view', 10000);
    const user = await waitForRoot(api, 'turso.user');
    assert.strictEqual(user.label, 'Demo User');
  });

  test('an http:// URL to another computer: the tree says why, and not one request is sent', async () => {
    // 0.0.0.0 is no loopback address, yet on Linux it reaches the emulator listening on 127.0.0.1:
    // a request, had one been sent, would arrive there.
    const cleartext = a.url.replace('127.0.0.1', '0.0.0.0');
    assert.notStrictEqual(cleartext, a.url, `the emulator listens on 127.0.0.1 (${a.url})`);
    const before = requestCount(a);
    try {
      await setApiBaseUrl(cleartext);
      const row = await waitForRoot(api, 'turso.error');
      assert.strictEqual(row.contextValue, 'turso.error;settings', `${row.label} [${row.contextValue}]`);
      assert.match(row.label, /turso\.apiBaseUrl setting can't be used/);
      assert.match(row.description, /would send the token unencrypted: use https:\/\/\. http:\/\/ is allowed only for this computer/);
      // asked again, the answer is the same, still without a request
      await vscode.commands.executeCommand('turso.refresh');
      await waitForRoot(api, 'turso.error;settings');
      assert.strictEqual(requestCount(a), before, `requests sent: ${requestCount(a) - before}`);
    } finally {
      await setApiBaseUrl(a.url);
      await waitForRoot(api, 'turso.user');
    }
  });
});
