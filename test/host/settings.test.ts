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
});
