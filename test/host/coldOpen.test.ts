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
  active?: string;
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
  /** A new window's model and tree over the extension's globalState and `secrets` (see the suite's note). */
  function coldWindow(secrets: vscode.SecretStorage) {
    const log = { error: () => undefined, warn: () => undefined, info: () => undefined, request: () => undefined };
    const cache = new AccountCache(api.testProbe.globalState, () => readApiSettings().baseUrl ?? '');
    const store = new CredentialStore(secrets, () => cache.accountIds());
    const session = new Session(store, { userAgent: 'cold-open-test', onRequest: () => undefined });
    const model = new AccountModel(session, log as unknown as Log, cache);
    const organizations = new AccountOrganizations(model, log as unknown as Log);
    const tree = new TokensTreeProvider(model, organizations);
    tree.attach({ visible: true }); // a view showing the rows, as after the click that opened it
    let changes = 0;
    const sub = tree.onDidChangeTreeData(() => changes++);
    const items = async (node?: TreeNode) => (await tree.getChildren(node)).map((n) => ({ node: n, item: tree.getTreeItem(n) }));
    return {
      model, tree, items,
      get changes() { return changes; },
      dispose: () => { sub.dispose(); tree.dispose(); organizations.dispose(); model.dispose(); session.dispose(); store.dispose(); },
    };
  }

  /** The extension's SecretStorage answering reads only once `open()` is called: a window whose store is slow to answer. */
  function gatedSecrets() {
    const real = api.testProbe.secrets;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    const counts = { asked: 0, answered: 0 };
    const secrets = {
      get: async (key: string) => { counts.asked++; await gate; counts.answered++; return real.get(key); },
      store: (key: string, value: string) => real.store(key, value),
      delete: (key: string) => real.delete(key),
      onDidChange: real.onDidChange,
    } as unknown as vscode.SecretStorage;
    return { secrets, counts, open: () => open() };
  }

  /** Signs in with these tokens only, each account loaded and kept with the id of its credential. */
  async function keptAccounts(tokens: string[]): Promise<void> {
    await signOut();
    await waitForSignedOutTree(api);
    for (const token of tokens) assert.strictEqual(await signIn(token), true);
    await waitFor(async () => {
      await rootRows(api); // the view's rows: what starts the accounts' loads
      const kept = Object.values(cached()?.accounts ?? {});
      return kept.length === tokens.length && kept.every((a) => a.credentialId) ? true : undefined;
    }, `${tokens.length} account(s) loaded and kept, with the ids of their credentials`);
  }

  const label = (r: { item: vscode.TreeItem }) => String(r.item.label);
  const described = (r: { item: vscode.TreeItem }) => String(r.item.description ?? '');

  test('one account: the view asking before the stored credentials are read gets its last known state at once, without waiting for the store; the store has the last word', async () => {
    // With one of its own API tokens: the row of that token says so (from the id kept with the state).
    await keptAccounts([emu.demoApiToken]);
    const { secrets, counts, open } = gatedSecrets();
    const w = coldWindow(secrets);
    try {
      const read = w.model.initialize();
      const first = await w.items();
      assert.ok(counts.asked > 0 && counts.answered === 0, `the rows came while the store had not answered (${counts.asked} read(s) asked, ${counts.answered} answered)`);
      assert.strictEqual(w.model.credentialsRead, false);
      assert.deepStrictEqual(first.map(label), ['Demo User'], 'the account from its last known state');
      assert.match(described(first[0]), /refreshing/, 'marked as refreshing');
      const tokenRows = await w.items(first[0].node);
      assert.ok(tokenRows.some((r) => label(r) === 'ci-bot'), `its last known tokens: ${tokenRows.map(label).join(', ')}`);
      assert.ok(tokenRows.some((r) => /signed in with this token/.test(described(r))),
        `the row of the signed-in credential is marked from the kept id: ${tokenRows.map((r) => `${label(r)} "${described(r)}"`).join('; ')}`);
      assert.strictEqual(w.changes, 0);

      // The store agrees (same account, same credential): the rows shown stay until the load ends.
      emu.setLatency(LATENCY_MS);
      open();
      await read;
      await w.model.ready();
      assert.strictEqual(w.changes, 0, 'no repaint when the store agrees with what is shown, before the load answered');
      await waitFor(() => (w.changes > 0 ? true : undefined), 'the view told to ask again once the load answered', 10000);
      const after = await w.items();
      assert.deepStrictEqual(after.map(label), ['Demo User'], 'the same account, now loaded');
      assert.doesNotMatch(described(after[0]), /refreshing/, 'no longer marked as refreshing');
    } finally {
      open();
      w.dispose();
    }
  });

  test('two accounts: both painted before the store answers, in their order, the active one marked as it was last', async () => {
    await keptAccounts([emu.demoToken, emu.aliceToken]);
    const { secrets, counts, open } = gatedSecrets();
    const w = coldWindow(secrets);
    try {
      const read = w.model.initialize();
      const first = await w.items();
      assert.strictEqual(counts.answered, 0, 'the rows came while the store had not answered');
      assert.deepStrictEqual(first.map(label), ['Demo User', 'Alice Admin'], 'in the order they were added');
      assert.deepStrictEqual(first.map((r) => r.item.contextValue), ['turso.user;inactive', 'turso.user;active'], 'alice (the last signed in) active');
      emu.setLatency(LATENCY_MS);
      open();
      await read;
      await w.model.ready();
      assert.strictEqual(w.changes, 0, 'the store agrees: no repaint before the loads answered');
    } finally {
      open();
      w.dispose();
    }
  });

  test('two accounts, another one made active elsewhere since: painted as last known, repainted the moment the store answers', async () => {
    await keptAccounts([emu.demoToken, emu.aliceToken]);
    // What a window that missed the switch would still find: the last known state says demo was active.
    const kept = cached()!;
    const demoId = Object.keys(kept.accounts).find((id) => kept.accounts[id].user.username === 'demo')!;
    await api.testProbe.globalState.update(ACCOUNT_CACHE_KEY, { ...kept, active: demoId });
    const { secrets, open } = gatedSecrets();
    const w = coldWindow(secrets);
    try {
      const read = w.model.initialize();
      const first = await w.items();
      assert.deepStrictEqual(first.map((r) => r.item.contextValue), ['turso.user;active', 'turso.user;inactive'], 'demo active, as last known');
      emu.setLatency(LATENCY_MS);
      open();
      await read;
      await w.model.ready();
      assert.ok(w.changes > 0, 'repainted once the store answered, before any load');
      const after = await w.items();
      assert.deepStrictEqual(after.map((r) => r.item.contextValue), ['turso.user;inactive', 'turso.user;active'], 'alice active, as the store says');
    } finally {
      open();
      w.dispose();
    }
  });

  test('a last known account the store no longer has (signed out meanwhile) is painted only until the store answers', async () => {
    await keptAccounts([emu.demoToken]);
    const kept = cached();
    await signOut();
    await waitForSignedOutTree(api);
    // The state a window that missed the sign-out would still find (globalState written late, say).
    await api.testProbe.globalState.update(ACCOUNT_CACHE_KEY, kept);
    const w = coldWindow(api.testProbe.secrets);
    try {
      const first = await w.items();
      assert.strictEqual(first.length, 1, 'painted from the last known state before the store answered');
      await w.model.initialize();
      await waitFor(() => (w.changes > 0 ? true : undefined), 'the view told to ask again once the store answered');
      assert.deepStrictEqual(await w.tree.getChildren(), [], 'no account once the store says none is signed in');
      assert.strictEqual(cached(), undefined, 'and its last known state is forgotten');
    } finally {
      await api.testProbe.globalState.update(ACCOUNT_CACHE_KEY, undefined);
      w.dispose();
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
