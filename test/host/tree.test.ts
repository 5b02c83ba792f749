import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  allChildRows, childRows, createTokenOutOfBand, describeRows, Emulator, forgedToken, pointSignedOut, restoreAfterSuite, rootRows,
  signIn, startEmulator, TursoApi, waitFor, waitForRoot, waitForSignedOutTree,
} from './helpers';

suite('API Tokens tree: signed out, signed in, errors', () => {
  let emu: Emulator;
  let api: TursoApi;

  suiteSetup(async () => {
    emu = await startEmulator();
    api = await pointSignedOut(emu);
  });
  suiteTeardown(() => restoreAfterSuite(api, emu));
  teardown(async () => {
    emu.clearFaults();
  });

  test('signed out: the root is empty (the view shows its welcome content)', async () => {
    assert.deepStrictEqual(await rootRows(api), []);
  });

  test('a rejected token: turso.signIn resolves false and stays signed out', async () => {
    assert.strictEqual(await signIn(forgedToken(emu.demoToken)), false);
    assert.deepStrictEqual(await rootRows(api), []);
  });

  test('signed in: one user node "Demo User" (developer), expanded', async () => {
    assert.strictEqual(await signIn(emu.demoToken), true);
    const user = await waitForRoot(api, 'turso.user');
    assert.strictEqual(user.label, 'Demo User');
    assert.strictEqual(user.description, 'developer');
    assert.strictEqual(user.contextValue, 'turso.user');
    assert.strictEqual(user.item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
  });

  test('signed in: the user node lists the API tokens with their scope and date', async () => {
    const [user] = await rootRows(api);
    const tokens = await childRows(api, user);
    const byName = new Map(tokens.map((t) => [t.label, t]));
    for (const t of tokens) assert.match(t.contextValue, /^turso\.token(;|$)/, `${t.label} contextValue`);
    assert.deepStrictEqual(
      ['ci-bot', 'deploy-bot', 'provisioner'].map((n) => [n, byName.get(n)?.contextValue, byName.get(n)?.description]),
      [
        ['ci-bot', 'turso.token;unrestricted', 'all · 2026-04-12'],
        ['deploy-bot', 'turso.token;org', 'acme · 2026-05-02'],
        ['provisioner', 'turso.token;group', 'acme/default · 2026-05-21'],
      ],
      describeRows(tokens),
    );
    for (const t of tokens) {
      assert.strictEqual((await api.tokensTree.getChildren(t.node))?.length ?? 0, 0, `${t.label} is a leaf`);
      assert.strictEqual(t.item.collapsibleState ?? vscode.TreeItemCollapsibleState.None, vscode.TreeItemCollapsibleState.None);
    }
  });

  test('Refresh shows a token created elsewhere', async () => {
    const name = `in-host-${Date.now()}`;
    await createTokenOutOfBand(emu, name);
    await vscode.commands.executeCommand('turso.refresh');
    await waitFor(async () => {
      const [user] = await rootRows(api);
      return user && (await childRows(api, user)).some((t) => t.label === name && t.contextValue.startsWith('turso.token'));
    }, `token ${name} in the tree after Refresh`);
  });

  test('a refresh rebuilds only what changed: the other token rows are the same elements, with the same TreeItems', async () => {
    const [user] = await rootRows(api);
    const before = (await childRows(api, user)).filter((r) => r.contextValue.startsWith('turso.token'));
    assert.ok(before.length >= 3, describeRows(before));
    const name = `in-host-reuse-${Date.now()}`;
    await createTokenOutOfBand(emu, name);
    await vscode.commands.executeCommand('turso.refresh');
    const after = await waitFor(async () => {
      const [u] = await rootRows(api);
      const rows = u ? await childRows(api, u) : [];
      return rows.some((r) => r.label === name) ? rows : undefined;
    }, `token ${name} in the tree after Refresh`);
    for (const b of before) {
      const a = after.find((r) => r.item.id === b.item.id);
      assert.ok(a, `${b.label} is still shown: ${describeRows(after)}`);
      assert.strictEqual(a.node, b.node, `${b.label}: the same element as before the refresh`);
      assert.strictEqual(a.item, b.item, `${b.label}: the same TreeItem as before the refresh`);
    }
    const added = after.find((r) => r.label === name)!;
    assert.ok(!before.some((b) => b.node === added.node), 'the new token has a row of its own');
  });

  test('no row of the first paint carries a tooltip: the account\'s and the Organizations row\'s are built when hovered', async () => {
    const [user] = await rootRows(api);
    const rows = [user, ...await allChildRows(api, user)];
    assert.ok(rows.some((r) => r.contextValue === 'turso.organizations'), 'the Organizations row is among them');
    for (const row of rows) {
      assert.strictEqual(row.item.tooltip, undefined, `${row.label}: no tooltip given with the row (VS Code parses each Markdown tooltip it is given)`);
      assert.ok(row.tooltip instanceof vscode.MarkdownString && row.tooltip.value.length > 0, `${row.label}: a tooltip when hovered`);
    }
    assert.match((user.tooltip as vscode.MarkdownString).value, /\*\*Username:\*\*/);
  });

  test('a token row\'s tooltip is built when it is hovered (resolveTreeItem)', async () => {
    const [user] = await rootRows(api);
    const row = (await childRows(api, user)).find((r) => r.label === 'provisioner');
    assert.ok(row);
    assert.strictEqual(row.item.tooltip, undefined, 'no tooltip carried with every row');
    const resolved = await api.tokensTree.resolveTreeItem!(row.item, row.node as never, new vscode.CancellationTokenSource().token);
    const tooltip = (resolved?.tooltip as vscode.MarkdownString).value.replace(/\\/g, '');
    assert.ok(tooltip.includes('**Scope:** acme/default') && tooltip.includes('read-only'), tooltip);
  });

  test('error: a 401 from the API shows one "sign in again" error node', async () => {
    emu.injectFault({ kind: 'status', status: 401, error: 'token expired' });
    await vscode.commands.executeCommand('turso.refresh');
    const node = await waitForRoot(api, 'turso.error');
    assert.strictEqual(node.contextValue, 'turso.error;signIn');
    assert.match(node.label, /sign in/i, 'label mentions signing in again');
    assert.deepStrictEqual(await api.tokensTree.getChildren(node.node), []);
  });

  test('error: a server error shows an error node; the next Refresh recovers', async () => {
    emu.injectFault({ kind: 'status', status: 503, error: 'service unavailable' });
    await vscode.commands.executeCommand('turso.refresh');
    const node = await waitForRoot(api, 'turso.error');
    assert.notStrictEqual(node.contextValue, 'turso.error;signIn', 'a 503 does not ask to sign in again');
    emu.clearFaults();
    await vscode.commands.executeCommand('turso.refresh');
    const user = await waitForRoot(api, 'turso.user');
    assert.strictEqual(user.label, 'Demo User');
  });

  test('signing out empties the tree', async () => {
    assert.notStrictEqual(await vscode.commands.executeCommand('turso.signOut'), false);
    await waitForSignedOutTree(api);
  });
});
