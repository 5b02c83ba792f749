import * as assert from 'assert';
import * as vscode from 'vscode';
import { ACCOUNT_CACHE_KEY, AccountCache } from '../../src/accounts/accountCache';
import { AccountModel } from '../../src/accounts/accountModel';
import { AccountOrganizations } from '../../src/accounts/accountOrganizations';
import { CredentialStore } from '../../src/auth/credentialStore';
import { Session } from '../../src/auth/session';
import type { Log } from '../../src/log';
import { readApiSettings } from '../../src/settings';
import type { TreeNode } from '../../src/views/tokensTreeProvider';
import { TokensTreeProvider } from '../../src/views/tokensTreeProvider';
import { createTokenOutOfBand, describeRows, restoreAfterSuite, rootRows, Row, signIn, signOut, startEmulator, waitFor, waitForSignedOutTree } from './helpers';
import { FixtureEmulator, fixtures, ProbedApi, probedSignedOut } from './faultHelpers';

// A tree that paints at once: the last known state of each account (user, plan, token names, ids,
// scopes, dates; never a token value) is kept in globalState; a cold open shows it before any answer,
// marked as refreshing, and the fresh tree after one round trip; signing out forgets it. A cold open
// is played by a new store, session, model and tree over the extension's own SecretStorage and
// globalState, as a new window builds them in activate().

interface TwoUserEmulator extends FixtureEmulator {
  aliceToken: string;
  aliceApiToken: string;
}

interface CacheValue {
  api: string;
  accounts: Record<string, { user: { username: string }; tokens: { name: string; id: string }[]; credentialId?: string }>;
}

const LATENCY_MS = 1000;

suite('A tree that paints at once: the last known state of each account', function () {
  let emu: TwoUserEmulator;
  let api: ProbedApi;

  suiteSetup(async function () {
    this.timeout(60000);
    emu = fixtures(await startEmulator()) as TwoUserEmulator;
    api = await probedSignedOut(emu);
  });
  suiteTeardown(() => restoreAfterSuite(api, emu));
  teardown(() => emu.setLatency(0));

  const cached = () => api.testProbe.globalState.get<CacheValue>(ACCOUNT_CACHE_KEY);

  async function twoAccountsLoaded(): Promise<Row[]> {
    await signOut();
    await waitForSignedOutTree(api);
    assert.strictEqual(await signIn(emu.demoToken), true);
    assert.strictEqual(await signIn(emu.aliceToken), true);
    let rows: Row[] = [];
    return waitFor(async () => {
      rows = await rootRows(api);
      return rows.length === 2 && Object.keys(cached()?.accounts ?? {}).length === 2 ? rows : undefined;
    }, 'two accounts loaded and kept').catch((err: Error) => {
      throw new Error(`${err.message}; roots: ${describeRows(rows)}; kept: ${JSON.stringify(Object.keys(cached()?.accounts ?? {}))}`);
    });
  }

  test('globalState keeps each account’s last known state and no token value; signing out forgets it', async () => {
    const rows = await twoAccountsLoaded();
    const value = cached()!;
    const text = JSON.stringify(value);
    const kept = Object.values(value.accounts);
    assert.deepStrictEqual(kept.map((a) => a.user.username).sort(), ['alice', 'demo']);
    const demo = kept.find((a) => a.user.username === 'demo')!;
    assert.ok(demo.tokens.some((t) => t.name === 'ci-bot' && t.id), `demo's tokens are kept: ${JSON.stringify(demo.tokens.map((t) => t.name))}`);
    for (const [label, secret] of [['demo login', emu.demoToken], ['demo API token', emu.demoApiToken], ['alice login', emu.aliceToken], ['alice API token', emu.aliceApiToken]]) {
      for (const part of secret.split('.')) {
        assert.ok(!text.includes(part), `no part of the ${label} token in globalState`);
      }
    }
    assert.ok(!/eyJ[\w-]{10,}\.[\w-]{10,}\./.test(text), 'nothing JWT-shaped in globalState');

    const alice = rows.find((r) => r.label === 'Alice Admin')!;
    assert.strictEqual(await vscode.commands.executeCommand('turso.signOut', alice.node), true);
    await waitFor(() => Object.values(cached()?.accounts ?? {}).map((a) => a.user.username).join() === 'demo', 'only demo kept after signing out of alice');
    await signOut();
    await waitFor(() => cached() === undefined, 'nothing kept after signing out of every account');
  });

  test('a cold open shows the last known state before any answer, marked as refreshing; the fresh tree after one round trip', async () => {
    await twoAccountsLoaded();
    // Something changed at Turso since: the fresh tree has it, the last known state has not.
    const elsewhere = `made-elsewhere-${Date.now() % 100000}`;
    await createTokenOutOfBand(emu, elsewhere);
    emu.setLatency(LATENCY_MS);

    const answered: number[] = [];
    const log = { error: () => undefined, warn: () => undefined, info: () => undefined, request: () => undefined };
    const store = new CredentialStore(api.testProbe.secrets);
    const session = new Session(store, { userAgent: 'cold-open-test', onRequest: () => answered.push(Date.now()) });
    const cache = new AccountCache(api.testProbe.globalState, () => readApiSettings().baseUrl ?? '');
    const model = new AccountModel(session, log as unknown as Log, cache);
    const organizations = new AccountOrganizations(model, log as unknown as Log);
    const tree = new TokensTreeProvider(model, organizations);
    const rowsOf = async (nodes: TreeNode[]) => nodes.map((n) => {
      const item = tree.getTreeItem(n);
      return { node: n, label: String(item.label), description: String(item.description ?? ''), contextValue: item.contextValue ?? '' };
    });
    const childLabels = async (node: TreeNode) => (await rowsOf(await tree.getChildren(node))).map((r) => r.label);
    try {
      // Reading SecretStorage is no request to Turso: the clock starts when the view asks for rows.
      await model.initialize();
      const started = Date.now();
      const first = await rowsOf(await tree.getChildren());
      const paintMs = Date.now() - started;
      assert.strictEqual(answered.length, 0, 'the first paint waited for no answer');
      assert.ok(paintMs < LATENCY_MS, `painted in ${paintMs} ms, before the first answer (${LATENCY_MS} ms latency)`);
      assert.deepStrictEqual(first.map((r) => r.label).sort(), ['Alice Admin', 'Demo User']);
      for (const r of first) assert.match(r.description, /refreshing/, `marked as refreshing: ${r.label} "${r.description}"`);
      assert.strictEqual(first.find((r) => r.contextValue === 'turso.user;active')?.label, 'Alice Admin', 'the active account is marked');
      const demoFirst = first.find((r) => r.label === 'Demo User')!;
      const cachedChildren = await childLabels(demoFirst.node);
      assert.ok(cachedChildren.includes('ci-bot') && !cachedChildren.includes(elsewhere), `the last known tokens: ${JSON.stringify(cachedChildren)}`);

      // The view asks again when the tree changes; the loads' end is such a change.
      let changes = 0;
      const sub = tree.onDidChangeTreeData(() => changes++);
      const fresh = await waitFor(async () => {
        const rows = await rowsOf(await tree.getChildren());
        return rows.length === 2 && rows.every((r) => !/refreshing/.test(r.description)) ? rows : undefined;
      }, 'the fresh tree', 10000).finally(() => sub.dispose());
      const freshMs = Date.now() - started;
      assert.ok(changes > 0, 'the view was told that the tree changed');
      const demoFresh = fresh.find((r) => r.label === 'Demo User')!;
      assert.ok((await childLabels(demoFresh.node)).includes(elsewhere), 'the fresh tree has the token made elsewhere');
      assert.strictEqual(answered.length, 6, 'one load per account: user, validate and token list, each once');
      assert.ok(freshMs < 2 * LATENCY_MS, `the fresh tree in one round trip: ${freshMs} ms at ${LATENCY_MS} ms latency`);
      const rt = answered.map((t) => t - started);
      console.log(`      cold open: first paint ${paintMs} ms with 0 answers; fresh tree ${freshMs} ms (answers at ${rt.join(', ')} ms; ${LATENCY_MS} ms latency)`);
    } finally {
      tree.dispose();
      organizations.dispose();
      model.dispose();
      session.dispose();
      store.dispose();
    }
  });
  test('one account: the view asking before the stored credentials are read gets its last known state at once, without waiting for the store; the store has the last word', async () => {
    await signOut();
    await waitForSignedOutTree(api);
    // With one of its own API tokens: the row of that token says so (from the id kept with the state).
    assert.strictEqual(await signIn(emu.demoApiToken), true);
    await waitFor(async () => {
      await rootRows(api); // the view's rows: what starts the account's load
      const kept = Object.values(cached()?.accounts ?? {});
      return kept.length === 1 && kept[0].credentialId ? true : undefined;
    }, 'demo loaded and kept, with the id of its credential');
    // SecretStorage answering only when the test says so: a window whose store is slow to answer.
    const real = api.testProbe.secrets;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    let reads = 0;
    let answeredReads = 0;
    const slow: vscode.SecretStorage = {
      get: async (key) => { reads++; await gate; answeredReads++; return real.get(key); },
      store: (key, value) => real.store(key, value),
      delete: (key) => real.delete(key),
      onDidChange: real.onDidChange,
    } as vscode.SecretStorage;
    const log = { error: () => undefined, warn: () => undefined, info: () => undefined, request: () => undefined };
    const cache = new AccountCache(api.testProbe.globalState, () => readApiSettings().baseUrl ?? '');
    const store = new CredentialStore(slow, () => cache.accountIds());
    const session = new Session(store, { userAgent: 'cold-open-test', onRequest: () => undefined });
    const model = new AccountModel(session, log as unknown as Log, cache);
    const organizations = new AccountOrganizations(model, log as unknown as Log);
    const tree = new TokensTreeProvider(model, organizations);
    tree.attach({ visible: true }); // a view showing the rows, as after the click that opened it
    let changes = 0;
    const sub = tree.onDidChangeTreeData(() => changes++);
    try {
      const read = model.initialize();
      const first = await tree.getChildren();
      assert.ok(reads > 0 && answeredReads === 0, `the rows came while the store had not answered (${reads} read(s) asked, ${answeredReads} answered)`);
      assert.strictEqual(model.credentialsRead, false);
      const firstItems = first.map((n) => tree.getTreeItem(n));
      assert.deepStrictEqual(firstItems.map((i) => String(i.label)), ['Demo User'], 'the account from its last known state');
      assert.match(String(firstItems[0].description ?? ''), /refreshing/, 'marked as refreshing');
      const tokenRows = (await tree.getChildren(first[0])).map((n) => tree.getTreeItem(n));
      assert.ok(tokenRows.some((i) => String(i.label) === 'ci-bot'), `its last known tokens: ${tokenRows.map((i) => String(i.label)).join(', ')}`);
      const own = tokenRows.find((i) => /signed in with this token/.test(String(i.description ?? '')));
      assert.ok(own, `the row of the signed-in credential is marked from the kept id: ${tokenRows.map((i) => `${String(i.label)} "${String(i.description ?? '')}"`).join('; ')}`);
      assert.strictEqual(changes, 0);

      // The store agrees (same account, same credential): the rows shown stay until the load ends.
      emu.setLatency(LATENCY_MS);
      open();
      await read;
      await model.ready();
      assert.strictEqual(changes, 0, 'no repaint when the store agrees with what is shown, before the load answered');
      await waitFor(() => (changes > 0 ? true : undefined), 'the view told to ask again once the load answered', 10000);
      const after = (await tree.getChildren()).map((n) => tree.getTreeItem(n));
      assert.deepStrictEqual(after.map((i) => String(i.label)), ['Demo User'], 'the same account, now loaded');
      assert.doesNotMatch(String(after[0].description ?? ''), /refreshing/, 'no longer marked as refreshing');
    } finally {
      open();
      sub.dispose();
      tree.dispose();
      organizations.dispose();
      model.dispose();
      session.dispose();
      store.dispose();
    }
  });

  test('a last known account the store no longer has (signed out meanwhile) is painted only until the store answers', async () => {
    await signOut();
    await waitForSignedOutTree(api);
    assert.strictEqual(await signIn(emu.demoToken), true);
    await waitFor(async () => {
      await rootRows(api);
      return Object.keys(cached()?.accounts ?? {}).length === 1 ? true : undefined;
    }, 'demo loaded and kept');
    const kept = cached();
    await signOut();
    await waitForSignedOutTree(api);
    // The state a window that missed the sign-out would still find (globalState written late, say).
    await api.testProbe.globalState.update(ACCOUNT_CACHE_KEY, kept);
    const log = { error: () => undefined, warn: () => undefined, info: () => undefined, request: () => undefined };
    const cache = new AccountCache(api.testProbe.globalState, () => readApiSettings().baseUrl ?? '');
    const store = new CredentialStore(api.testProbe.secrets, () => cache.accountIds());
    const session = new Session(store, { userAgent: 'cold-open-test', onRequest: () => undefined });
    const model = new AccountModel(session, log as unknown as Log, cache);
    const organizations = new AccountOrganizations(model, log as unknown as Log);
    const tree = new TokensTreeProvider(model, organizations);
    let changes = 0;
    const sub = tree.onDidChangeTreeData(() => changes++);
    try {
      const first = await tree.getChildren();
      assert.strictEqual(first.length, 1, 'painted from the last known state before the store answered');
      await model.initialize();
      await waitFor(() => (changes > 0 ? true : undefined), 'the view told to ask again once the store answered');
      assert.deepStrictEqual(await tree.getChildren(), [], 'no account once the store says none is signed in');
      assert.strictEqual(cached(), undefined, 'and its last known state is forgotten');
    } finally {
      await api.testProbe.globalState.update(ACCOUNT_CACHE_KEY, undefined);
      sub.dispose();
      tree.dispose();
      organizations.dispose();
      model.dispose();
      session.dispose();
      store.dispose();
    }
  });

  test('the view asking for its rows while the stored credentials are still being read (as activate() runs) gets the last known state, before any answer', async () => {
    await twoAccountsLoaded();
    emu.setLatency(LATENCY_MS);
    const answered: number[] = [];
    const log = { error: () => undefined, warn: () => undefined, info: () => undefined, request: () => undefined };
    const store = new CredentialStore(api.testProbe.secrets);
    const session = new Session(store, { userAgent: 'cold-open-test', onRequest: () => answered.push(Date.now()) });
    const cache = new AccountCache(api.testProbe.globalState, () => readApiSettings().baseUrl ?? '');
    const model = new AccountModel(session, log as unknown as Log, cache);
    const organizations = new AccountOrganizations(model, log as unknown as Log);
    const tree = new TokensTreeProvider(model, organizations);
    try {
      // VS Code asks as soon as the provider is registered; activate() reads SecretStorage meanwhile.
      const asked = tree.getChildren();
      const read = model.initialize();
      const first = (await asked).map((n) => tree.getTreeItem(n));
      // Counted when the rows arrived (not later: the loads they started are answered meanwhile).
      const answeredAtPaint = answered.length;
      await read;
      assert.strictEqual(answeredAtPaint, 0, 'the first paint waited for no answer');
      assert.deepStrictEqual(first.map((i) => String(i.label)).sort(), ['Alice Admin', 'Demo User'], 'both accounts from their last known state');
      for (const i of first) assert.match(String(i.description ?? ''), /refreshing/, `marked as refreshing: ${String(i.label)}`);
      await waitFor(async () => (await tree.getChildren()).every((n) => !/refreshing/.test(String(tree.getTreeItem(n).description ?? ''))), 'the fresh tree', 10000);
    } finally {
      tree.dispose();
      organizations.dispose();
      model.dispose();
      session.dispose();
      store.dispose();
    }
  });
});
