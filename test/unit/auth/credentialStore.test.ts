// src/auth/credentialStore.ts: the first read of the stored accounts. Each read of VS Code's secret
// storage is a round trip (in code-server, to the page): a cold open's first paint waits for them, so
// the legacy key, the index and the credentials of the accounts the index probably lists (their ids
// from the accounts' last known state) are asked together — one round trip, not three in a row.
import * as assert from 'node:assert/strict';
import { FakeSecretStorage, loadWithFakeVscode } from './fakeVscode';

type StoreModule = typeof import('../../../src/auth/credentialStore');
const { CredentialStore, INDEX_KEY, ACCOUNT_KEY_PREFIX, LEGACY_KEY } = loadWithFakeVscode<StoreModule>('../../../src/auth/credentialStore');

const ROUND_TRIP_MS = 25;

/** A secret storage whose every read takes a round trip; it notes when each read was asked. */
class SlowSecrets extends FakeSecretStorage {
  readonly asked: { key: string; at: number }[] = [];
  private readonly start = Date.now();
  override async get(key: string): Promise<string | undefined> {
    this.asked.push({ key, at: Date.now() - this.start });
    await new Promise((r) => setTimeout(r, ROUND_TRIP_MS));
    return super.get(key);
  }
  /** How many round trips, one after another, the reads took (reads asked within 10 ms count as one). */
  waves(): number {
    const times = this.asked.map((a) => a.at).sort((a, b) => a - b);
    return times.reduce((n, t, i) => (i === 0 || t - times[i - 1] > 10 ? n + 1 : n), 0);
  }
}

async function seeded(): Promise<SlowSecrets> {
  const secrets = new SlowSecrets();
  await secrets.store(INDEX_KEY, JSON.stringify({ accounts: [{ id: 'a1', username: 'demo' }, { id: 'a2', username: 'alice' }], active: 'a2' }));
  await secrets.store(`${ACCOUNT_KEY_PREFIX}a1`, 'token-1');
  await secrets.store(`${ACCOUNT_KEY_PREFIX}a2`, 'token-2');
  secrets.asked.length = 0;
  return secrets;
}

describe('auth/credentialStore: the first read of the stored accounts', () => {
  it('with the accounts\' ids known from their last known state: one round trip (before: three in a row)', async () => {
    const secrets = await seeded();
    const store = new CredentialStore(secrets as never, () => ['a1', 'a2']);
    const accounts = await store.accounts();
    assert.deepEqual(accounts.map((a) => [a.id, a.username, a.token]), [['a2', 'alice', 'token-2'], ['a1', 'demo', 'token-1']]);
    assert.equal(secrets.waves(), 1, JSON.stringify(secrets.asked));
    store.dispose();
  });

  it('without them: two (the index, then the credentials it lists)', async () => {
    const secrets = await seeded();
    const store = new CredentialStore(secrets as never);
    assert.equal((await store.accounts()).length, 2);
    assert.equal(secrets.waves(), 2, JSON.stringify(secrets.asked));
    store.dispose();
  });

  it('a guess that is wrong costs nothing but its read: an account signed out meanwhile is not listed, one added is read', async () => {
    const secrets = await seeded();
    const store = new CredentialStore(secrets as never, () => ['gone', 'a1']);
    const accounts = await store.accounts();
    assert.deepEqual(accounts.map((a) => a.id).sort(), ['a1', 'a2']);
    store.dispose();
  });

  it('a credential of an earlier version is still moved into an account first', async () => {
    const secrets = new SlowSecrets();
    await secrets.store(LEGACY_KEY, 'legacy-token');
    const store = new CredentialStore(secrets as never, () => ['a1']);
    const accounts = await store.accounts();
    assert.deepEqual(accounts.map((a) => a.token), ['legacy-token']);
    assert.equal(await secrets.get(LEGACY_KEY), undefined, 'the legacy key is gone');
    store.dispose();
  });

  it('while a write of this window is under way, the read waits for it (it sees the account just added)', async () => {
    const secrets = await seeded();
    const store = new CredentialStore(secrets as never, () => ['a1', 'a2']);
    const adding = store.store('token-3', 'bob');
    const accounts = await store.accounts();
    await adding;
    assert.ok(accounts.some((a) => a.token === 'token-3'), JSON.stringify(accounts.map((a) => a.username)));
    store.dispose();
  });
});
