import * as assert from 'assert';
import * as vscode from 'vscode';
import { allChildRows, childRows, describeRows, listTokensOverHttp, restoreAfterSuite, rootRows, Row, signIn, signOut, startEmulator, waitFor, waitForSignedOutTree, own } from './helpers';
import { AccountModel } from '../../src/accounts/accountModel';
import { AccountOrganizations } from '../../src/accounts/accountOrganizations';
import { CredentialStore } from '../../src/auth/credentialStore';
import { Session } from '../../src/auth/session';
import type { Log } from '../../src/log';
import { TokensTreeProvider } from '../../src/views/tokensTreeProvider';
import { FixtureEmulator, fixtures, ProbedApi, probedSignedOut } from './faultHelpers';

// Several accounts: demo and alice signed in together, each a top node with its own tokens; one is
// active (palette commands use it), switched with turso.switchAccount; create and revoke from a row
// go out with that row's account's credential (the emulator's log says whose bearer it was, never
// the bearer); signing out of one keeps the other.

interface TwoUserEmulator extends FixtureEmulator {
  aliceToken: string;
  requests: (FixtureEmulator['requests'][number] & { username?: string })[];
}

suite('Two accounts: side by side, switch, create and revoke in each, sign out of one', function () {
  let emu: TwoUserEmulator;
  let api: ProbedApi;

  suiteSetup(async function () {
    this.timeout(60000);
    emu = fixtures(await startEmulator()) as TwoUserEmulator;
    api = await probedSignedOut(emu);
    assert.ok(emu.aliceToken, 'the emulator has a second user');
  });
  suiteTeardown(() => restoreAfterSuite(api, emu));

  async function twoRoots(message: string): Promise<Row[]> {
    let rows: Row[] = [];
    return waitFor(async () => {
      rows = await rootRows(api);
      return rows.length === 2 && rows.every((r) => r.contextValue.startsWith('turso.user')) ? rows : undefined;
    }, message).catch((err: Error) => {
      throw new Error(`${err.message}; roots: ${describeRows(rows)}`);
    });
  }
  const activeRow = (rows: Row[]) => rows.find((r) => r.contextValue === 'turso.user;active');

  test('signing in to a second account keeps the first: two top nodes, the newer one active, both loaded in one round trip', async () => {
    await signOut();
    await waitForSignedOutTree(api);
    assert.strictEqual(await signIn(emu.demoToken), true);
    assert.strictEqual(await signIn(emu.aliceToken), true);
    const rows = await twoRoots('both accounts in the tree');
    assert.deepStrictEqual(rows.map((r) => r.label).sort(), ['Alice Admin', 'Demo User']);
    assert.strictEqual(activeRow(rows)?.label, 'Alice Admin', `the latest sign-in is active: ${describeRows(rows)}`);
    assert.match(activeRow(rows)?.description ?? '', /active/);
    // A refresh loads both accounts at once.
    emu.setLatency(300);
    const mark = emu.requests.length;
    const started = Date.now();
    await vscode.commands.executeCommand('turso.refresh');
    const took = Date.now() - started;
    emu.setLatency(0);
    const users = emu.requests.slice(mark).filter((r) => r.path === '/v1/user').map((r) => r.username).sort();
    assert.deepStrictEqual(users, ['alice', 'demo'], 'each account asked with its own credential');
    assert.ok(took < 900, `both refreshed in one round trip (${took} ms at 300 ms latency)`);
  });

  test('each account shows its own tokens; switching makes the other active (palette commands use it)', async () => {
    const rows = await twoRoots('both accounts');
    const demo = rows.find((r) => r.label === 'Demo User')!;
    const alice = rows.find((r) => r.label === 'Alice Admin')!;
    // Each node lists exactly what GET /v1/auth/api-tokens answers for that account's own credential
    // (token names are unique per user, not across users: both have a "ci-bot"; ids tell them apart).
    const shown = async (row: Row) => (await childRows(api, row)).map((r) => (r.node as { token?: { id: string } }).token?.id ?? `(${r.label})`).sort();
    const listed = async (bearer: string) => (await listTokensOverHttp(emu, bearer)).map((t) => t.id).sort();
    const demoIds = await shown(demo);
    const aliceIds = await shown(alice);
    assert.deepStrictEqual(demoIds, await listed(emu.demoToken), 'demo’s node lists demo’s tokens');
    assert.deepStrictEqual(aliceIds, await listed(emu.aliceToken), 'alice’s node lists alice’s tokens');
    assert.ok(aliceIds.length > 0 && !aliceIds.some((id) => demoIds.includes(id)), `no token under both: ${JSON.stringify({ demoIds, aliceIds })}`);
    assert.strictEqual(await vscode.commands.executeCommand('turso.switchAccount', demo.node), true);
    await waitFor(async () => activeRow(await rootRows(api))?.label === 'Demo User', 'demo to be active');
  });

  test('create and revoke from a row go out with that row’s account', async () => {
    // Demo is active; create from alice's row.
    const rows = await twoRoots('both accounts');
    const alice = rows.find((r) => r.label === 'Alice Admin')!;
    const mark = emu.requests.length;
    const name = `alice-row-${Date.now()}`;
    const done = vscode.commands.executeCommand<{ name: string; id: string } | undefined>('turso.createToken', alice.node, own({ name, restriction: { kind: 'unrestricted' } }));
    const probe = await waitFor(() => api.revealPanels().find((p) => p.tokenName === name && p.revealed), `the reveal panel of ${name}`, 15000);
    probe.panel?.dispose();
    const created = await done;
    assert.strictEqual(created?.name, name);
    const post = emu.requests.slice(mark).find((r) => r.method === 'POST' && r.path.startsWith('/v1/auth/api-tokens/'));
    assert.strictEqual(post?.username, 'alice', 'the create went out with alice’s credential');
    // The new row is under alice, not demo.
    const aliceRow = (await rootRows(api)).find((r) => r.label === 'Alice Admin')!;
    const row = await waitFor(async () => (await childRows(api, aliceRow)).find((r) => r.label === name), 'the new row under alice');
    const demoRow = (await rootRows(api)).find((r) => r.label === 'Demo User')!;
    assert.ok(!(await childRows(api, demoRow)).some((r) => r.label === name), 'not under demo');

    // Revoke it from its row (confirmation answered).
    const original = vscode.window.showWarningMessage;
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = (_m: string, _o: unknown, ...items: string[]) => Promise.resolve(items[0]);
    const revokeMark = emu.requests.length;
    try {
      assert.strictEqual(await vscode.commands.executeCommand('turso.revokeToken', row.node), 'revoked');
    } finally {
      (vscode.window as { showWarningMessage: unknown }).showWarningMessage = original;
    }
    const del = emu.requests.slice(revokeMark).find((r) => r.method === 'DELETE');
    assert.strictEqual(del?.username, 'alice', 'the revoke went out with alice’s credential');
  });

  test('a reload keeps both accounts and the active one; signing out of one keeps the other', async () => {
    const before = await twoRoots('both accounts');
    // What a reload does: a new window's store, session, model and tree read the same SecretStorage.
    const secrets = (api as unknown as { testProbe: { secrets: vscode.SecretStorage } }).testProbe.secrets;
    const log = { error: () => undefined, warn: () => undefined, info: () => undefined, request: () => undefined };
    const store = new CredentialStore(secrets);
    const session = new Session(store, { userAgent: 'reload-test' });
    const model = new AccountModel(session, log as unknown as Log);
    const organizations = new AccountOrganizations(model, log as unknown as Log);
    const tree = new TokensTreeProvider(model, organizations);
    try {
      await session.initialize();
      const reloaded = await Promise.all(((await tree.getChildren()) ?? []).map(async (n) => {
        const item = tree.getTreeItem(n);
        return { label: String(item.label), contextValue: item.contextValue ?? '' };
      }));
      assert.deepStrictEqual(
        reloaded.map((r) => `${r.label} ${r.contextValue}`).sort(),
        before.map((r) => `${r.label} ${r.contextValue}`).sort(),
        'after a reload: the same accounts, the same one active',
      );
    } finally {
      tree.dispose();
      organizations.dispose();
      model.dispose();
      session.dispose();
      store.dispose();
    }

    const alice = before.find((r) => r.label === 'Alice Admin')!;
    assert.strictEqual(await vscode.commands.executeCommand('turso.signOut', alice.node), true);
    await waitFor(async () => {
      const now = await rootRows(api);
      return now.length === 1 && now[0].label === 'Demo User' && now[0].contextValue === 'turso.user';
    }, 'only demo left, shown as the one account');
  });

  test('a Refresh after Organizations was opened repaints the tree once, when the loads have answered (no early Organizations repaint)', async function () {
    this.timeout(60000);
    await signOut();
    await waitForSignedOutTree(api);
    // The view is visible (a reload then repaints once its answers are in), as when someone clicks Refresh.
    await vscode.commands.executeCommand('workbench.view.extension.turso');
    assert.strictEqual(await signIn(emu.demoToken), true);
    const demo = await waitFor(async () => (await rootRows(api)).find((r) => r.label === 'Demo User'), 'demo in the tree');
    const organizations = (await allChildRows(api, demo)).find((r) => r.contextValue === 'turso.organizations');
    assert.ok(organizations, 'demo has an Organizations row');
    assert.ok((await allChildRows(api, organizations)).length > 0, 'Organizations opened: its organizations listed');
    assert.strictEqual(await signIn(emu.aliceToken), true);
    await twoRoots('both accounts');

    // VS Code holds back a tree change that comes within 200 ms of another: a repaint of the
    // Organizations node as the Refresh starts delayed the rows the Refresh brings by that much.
    const events: string[] = [];
    const describe = (e: unknown): string => (e === undefined ? 'the whole tree' : Array.isArray(e) ? `rows ${e.map((n) => (n as { kind: string }).kind).join(',')}` : (e as { kind: string }).kind);
    const subscription = api.tokensTree.onDidChangeTreeData!((e) => events.push(describe(e)));
    emu.setLatency(300);
    try {
      await vscode.commands.executeCommand('turso.refresh');
      await waitFor(() => events.includes('the whole tree'), 'the whole tree repainted after the Refresh', 15000);
    } finally {
      subscription.dispose();
      emu.setLatency(0);
    }
    assert.deepStrictEqual(events.slice(0, events.indexOf('the whole tree') + 1), ['the whole tree'], 'changes up to the whole tree\'s repaint');
  });
});

