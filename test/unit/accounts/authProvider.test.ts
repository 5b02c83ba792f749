// The credential store's accounts (one key each, an index, the earlier version's key moved in) and the
// authentication provider over it, with `vscode` replaced by the fake. Token values are compared, never printed.
import * as assert from 'node:assert/strict';
import { FakeSecretStorage, fakeVscode, loadWithFakeVscode, settle } from '../auth/fakeVscode';

type StoreModule = typeof import('../../../src/auth/credentialStore');
type ProviderModule = typeof import('../../../src/accounts/authProvider');
const { CredentialStore, INDEX_KEY, ACCOUNT_KEY_PREFIX, LEGACY_KEY } = loadWithFakeVscode<StoreModule>('../../../src/auth/credentialStore');
const { TursoAuthenticationProvider } = loadWithFakeVscode<ProviderModule>('../../../src/accounts/authProvider');

type ChangeEvent = { added?: readonly { id: string }[]; removed?: readonly { id: string }[]; changed?: readonly { id: string }[] };

describe('accounts: the credential store and the authentication provider', () => {
  let secrets: FakeSecretStorage;
  let store: InstanceType<StoreModule['CredentialStore']>;
  beforeEach(() => {
    fakeVscode.reset();
    secrets = new FakeSecretStorage();
    store = new CredentialStore(secrets as never);
  });
  afterEach(() => store.dispose());

  const index = () => JSON.parse(secrets.values.get(INDEX_KEY) ?? '{"accounts":[]}') as { accounts: { id: string; username?: string }[]; active?: string };

  describe('the store', () => {
    it('keeps each account under its own key; the index names them and holds no token', async () => {
      const demo = await store.store('token-demo', 'demo');
      const alice = await store.store('token-alice', 'alice');
      assert.notEqual(demo, alice);
      assert.equal(secrets.values.get(ACCOUNT_KEY_PREFIX + demo), 'token-demo');
      assert.equal(secrets.values.get(ACCOUNT_KEY_PREFIX + alice), 'token-alice');
      assert.deepEqual(index(), { accounts: [{ id: demo, username: 'demo' }, { id: alice, username: 'alice' }], active: alice });
      assert.ok(!secrets.values.get(INDEX_KEY)?.includes('token-'));
      assert.equal(await store.get(), 'token-alice', 'the latest sign-in is active');
      assert.deepEqual((await store.accounts()).map((a) => a.username), ['alice', 'demo'], 'the active one first');
    });

    it('reads the accounts\' credentials together: a cold open waits for one round trip to the secret storage, not one per account', async () => {
      const ids = [await store.store('token-a', 'a'), await store.store('token-b', 'b'), await store.store('token-c', 'c')];
      const plain = secrets.get.bind(secrets);
      let inFlight = 0;
      let most = 0;
      secrets.get = async (key: string) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return plain(key);
      };
      const { accounts } = await store.snapshot();
      assert.deepEqual(accounts.map((a) => a.id), ids, 'in the order they were added');
      assert.deepEqual(accounts.map((a) => a.token), ['token-a', 'token-b', 'token-c']);
      assert.equal(most, 3, 'the three credentials were asked at once');
    });

    it('signing in again as the same user replaces that account’s credential', async () => {
      const first = await store.store('token-1', 'demo');
      await store.store('token-alice', 'alice');
      const again = await store.store('token-2', 'demo');
      assert.equal(again, first);
      assert.equal((await store.accounts()).length, 2);
      assert.equal(await store.get(), 'token-2');
    });

    it('deleting the active account activates another; deleting the last signs out', async () => {
      const demo = await store.store('token-demo', 'demo');
      const alice = await store.store('token-alice', 'alice');
      await store.delete();
      assert.equal(secrets.values.has(ACCOUNT_KEY_PREFIX + alice), false);
      assert.equal((await store.active())?.id, demo);
      await store.delete(demo);
      assert.equal(await store.active(), undefined);
      assert.deepEqual(index().accounts, []);
    });

    it('moves the credential of an earlier version into an account, once, and empties the old key', async () => {
      await secrets.store(LEGACY_KEY, 'token-legacy');
      const accounts = await store.accounts();
      assert.equal(accounts.length, 1);
      assert.equal(accounts[0].token, 'token-legacy');
      assert.equal(accounts[0].username, undefined, 'the username comes with the first load');
      assert.equal(secrets.values.has(LEGACY_KEY), false);
      assert.equal((await store.accounts()).length, 1, 'read again: still one');
      await store.setUsername(accounts[0].id, 'demo');
      assert.equal((await store.active())?.username, 'demo');
      // A window still on the earlier version stores the same credential again: no second account.
      await secrets.store(LEGACY_KEY, 'token-legacy');
      assert.equal((await store.accounts()).length, 1);
    });

    it('an unreadable index is an empty one (nothing is thrown, nothing invented)', async () => {
      await secrets.store(INDEX_KEY, '{not json');
      assert.deepEqual(await store.accounts(), []);
    });
  });

  describe('the provider', () => {
    let provider: InstanceType<ProviderModule['TursoAuthenticationProvider']>;
    let events: ChangeEvent[];
    let signIn: () => Promise<unknown>;
    beforeEach(() => {
      signIn = () => Promise.resolve(false);
      provider = new TursoAuthenticationProvider(store, () => signIn());
      events = [];
      provider.onDidChangeSessions((e) => events.push(e));
    });
    afterEach(() => provider.dispose());

    async function eventsSettled(): Promise<void> {
      for (let i = 0; i < 5; i++) await settle();
    }

    it('lists every account as a session labelled with its username', async () => {
      await store.store('token-demo', 'demo');
      await store.store('token-alice', 'alice');
      const sessions = await provider.getSessions();
      assert.deepEqual(sessions.map((s) => s.account.label).sort(), ['alice', 'demo']);
      assert.ok(sessions.every((s) => s.scopes.length === 0 && s.accessToken.startsWith('token-')));
      await eventsSettled();
      assert.deepEqual(events.flatMap((e) => e.added ?? []).map((s) => s.id).sort(), sessions.map((s) => s.id).sort());
    });

    it('createSession runs the sign-in and answers with the account it made active; cancelling rejects', async () => {
      await assert.rejects(provider.createSession(), /cancelled/);
      signIn = async () => {
        await store.store('token-new', 'newbie');
        return true;
      };
      const session = await provider.createSession();
      assert.equal(session.account.label, 'newbie');
      assert.ok(session.accessToken === 'token-new');
    });

    it('removeSession signs that account out only, and says so', async () => {
      const demo = await store.store('token-demo', 'demo');
      await store.store('token-alice', 'alice');
      await eventsSettled();
      events.length = 0;
      await provider.removeSession(demo);
      assert.deepEqual((await provider.getSessions()).map((s) => s.account.label), ['alice']);
      await eventsSettled();
      assert.deepEqual(events.flatMap((e) => e.removed ?? []).map((s) => s.id), [demo]);
    });

    it('a new credential for an account is a change, not another session', async () => {
      const demo = await store.store('token-1', 'demo');
      await eventsSettled();
      events.length = 0;
      await store.store('token-2', 'demo');
      await eventsSettled();
      assert.deepEqual(events.flatMap((e) => e.changed ?? []).map((s) => s.id), [demo]);
      assert.deepEqual(events.flatMap((e) => e.added ?? []), []);
    });
  });
});
