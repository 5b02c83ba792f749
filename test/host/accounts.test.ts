import * as assert from 'assert';
import * as vscode from 'vscode';
import { restoreAfterSuite, rootRows, signIn, signOut, startEmulator, waitFor, waitForRoot, waitForSignedOutTree } from './helpers';
import { ACCOUNT_KEY_PREFIX, FixtureEmulator, fixtures, INDEX_KEY, LEGACY_CREDENTIAL_KEY, ProbedApi, probedSignedOut, storedCredential } from './faultHelpers';

// Accounts the VS Code way: the Turso authentication provider (the Accounts menu, other extensions)
// and the credential of an earlier version moved into an account on first start. Token values are
// compared, never printed.

interface AccountsApi extends ProbedApi {
  authProvider: vscode.AuthenticationProvider;
}

suite('Accounts: the Turso authentication provider and the moved credential', function () {
  let emu: FixtureEmulator;
  let api: AccountsApi;
  const events: vscode.AuthenticationProviderAuthenticationSessionsChangeEvent[] = [];
  let subscription: vscode.Disposable | undefined;

  suiteSetup(async function () {
    this.timeout(60000);
    emu = fixtures(await startEmulator());
    api = (await probedSignedOut(emu)) as AccountsApi;
    assert.ok(api.authProvider, 'activate() exposes the authentication provider under test');
    subscription = api.authProvider.onDidChangeSessions((e) => events.push(e));
  });
  suiteTeardown(async () => {
    subscription?.dispose();
    await restoreAfterSuite(api, emu);
  });
  setup(async () => {
    await signOut();
    await waitForSignedOutTree(api);
    events.length = 0;
  });

  const sessions = async () => (await api.authProvider.getSessions(undefined, {})) as vscode.AuthenticationSession[];
  const labels = async () => (await sessions()).map((s) => s.account.label).sort();

  test('the credential of an earlier version becomes an account: nobody is signed out by the update', async () => {
    const secrets = api.testProbe.secrets;
    await secrets.store(LEGACY_CREDENTIAL_KEY, emu.demoApiToken);
    const user = await waitForRoot(api, 'turso.user');
    assert.strictEqual(user.label, 'Demo User', 'the tree shows the account of the moved credential');
    await waitFor(async () => !(await secrets.get(LEGACY_CREDENTIAL_KEY)), 'the old key to be emptied');
    assert.ok((await storedCredential(secrets)) === emu.demoApiToken, 'the credential is the active account’s');
    const index = JSON.parse((await secrets.get(INDEX_KEY)) ?? '{}') as { accounts: { id: string; username?: string }[] };
    assert.strictEqual(index.accounts.length, 1, 'one account');
    assert.ok(!(await secrets.get(INDEX_KEY))?.includes(emu.demoApiToken), 'the index holds no token');
    // The first load told its username: the Accounts menu shows it.
    await waitFor(async () => (await labels()).join() === 'demo', 'the session to be labelled with the username');
    const [session] = await sessions();
    assert.ok(session.accessToken === emu.demoApiToken, 'the session carries the moved credential');
  });

  test('a moved credential whose account was signed in again before its first load is one account, not two', async () => {
    // What a sign-in right after the update leaves: the moved credential (no username yet) and the
    // same user's account signed in by name, active.
    const secrets = api.testProbe.secrets;
    await secrets.store(ACCOUNT_KEY_PREFIX + 'moved', emu.demoApiToken);
    await secrets.store(ACCOUNT_KEY_PREFIX + 'named', emu.demoToken);
    await secrets.store(INDEX_KEY, JSON.stringify({ accounts: [{ id: 'moved' }, { id: 'named', username: 'demo' }], active: 'named' }));
    // The moved credential's first load (the view asks for its rows) tells its username: the two are
    // one account, the one signed in by name.
    const index = await waitFor(async () => {
      await rootRows(api);
      const now = JSON.parse((await secrets.get(INDEX_KEY)) ?? '{}') as { accounts: { id: string; username?: string }[]; active?: string };
      return now.accounts?.length === 1 ? now : undefined;
    }, 'the index to hold one account');
    assert.deepStrictEqual(index, { accounts: [{ id: 'named', username: 'demo' }], active: 'named' });
    assert.strictEqual(await secrets.get(ACCOUNT_KEY_PREFIX + 'moved'), undefined, 'the duplicate credential is deleted');
    const user = await waitForRoot(api, 'turso.user');
    assert.strictEqual(user.label, 'Demo User');
    assert.deepStrictEqual(await labels(), ['demo']);
  });

  test('sessions are the signed-in accounts, labelled with their usernames, and VS Code lists them', async () => {
    assert.deepStrictEqual(await sessions(), []);
    assert.strictEqual(await signIn(emu.demoToken), true);
    await waitForRoot(api, 'turso.user');
    assert.deepStrictEqual(await labels(), ['demo']);
    const [session] = await sessions();
    assert.ok(session.accessToken === emu.demoToken, 'the session carries the signed-in credential');
    assert.deepStrictEqual(session.scopes, []);
    await waitFor(() => events.some((e) => e.added?.some((s) => s.id === session.id)), 'an "added" event for the sign-in');
    const listed = await waitFor(async () => {
      const accounts = await vscode.authentication.getAccounts('turso');
      return accounts.some((a) => a.label === 'demo') ? accounts : undefined;
    }, "VS Code's list of Turso accounts to show demo");
    assert.strictEqual(listed.length, 1);
  });

  test('a second account is added beside the first; signing out of one (Accounts menu) keeps the other', async () => {
    assert.strictEqual(await signIn(emu.demoToken), true);
    await waitForRoot(api, 'turso.user');
    assert.strictEqual(await signIn(emu.mintLoginToken({ username: 'alice' })), true);
    // Both accounts are top nodes; the new one is active.
    await waitFor(async () => {
      const rows = await rootRows(api);
      return rows.length === 2 && rows.find((r) => r.contextValue === 'turso.user;active')?.label === 'Alice Admin'
        && rows.some((r) => r.label === 'Demo User' && r.contextValue === 'turso.user;inactive');
    }, 'the tree to show the new account, active, beside the first');
    assert.deepStrictEqual(await labels(), ['alice', 'demo']);
    // Signing in again as demo replaces demo's credential: still two accounts.
    assert.strictEqual(await signIn(emu.demoApiToken), true);
    assert.deepStrictEqual(await labels(), ['alice', 'demo']);
    const demo = (await sessions()).find((s) => s.account.label === 'demo');
    assert.ok(demo && demo.accessToken === emu.demoApiToken, "demo's session carries the newer credential");

    await api.authProvider.removeSession(demo.id);
    await waitFor(async () => (await waitForRoot(api, 'turso.user')).label === 'Alice Admin', 'the tree to show the remaining account');
    assert.deepStrictEqual(await labels(), ['alice']);
    await waitFor(() => events.some((e) => e.removed?.some((s) => s.id === demo.id)), 'a "removed" event for the signed-out account');
    const alice = (await sessions())[0];
    await api.authProvider.removeSession(alice.id);
    await waitForSignedOutTree(api);
    assert.strictEqual(await storedCredential(api.testProbe.secrets), undefined, 'nothing is stored');
  });
});
