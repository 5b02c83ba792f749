// The accounts' last known state (src/accounts/accountCache.ts): only the named fields are written
// (never a token value), whatever is read is checked, another API's state is not shown, and
// signed-out accounts are forgotten.
import * as assert from 'node:assert/strict';
import { ACCOUNT_CACHE_KEY, AccountCache, type CacheMemento } from '../../../src/accounts/accountCache';

class FakeMemento implements CacheMemento {
  values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Thenable<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
}

const SECRET = 'eyJhbGciOiJFZERTQSJ9.eyJqdGkiOiJ4In0.c2lnbmF0dXJl';

describe('accounts/accountCache: the last known state of each account', () => {
  let memento: FakeMemento;
  let api: string;
  let cache: AccountCache;
  beforeEach(() => {
    memento = new FakeMemento();
    api = 'https://api.turso.tech';
    cache = new AccountCache(memento, () => api);
  });

  it('keeps the user and the tokens, field by field: nothing else, never a token value', () => {
    const user = { username: 'demo', name: 'Demo User', email: 'demo@example.com', plan: 'developer', avatarUrl: 'https://x/a.png' };
    const tokens = [
      { name: 'ci-bot', id: 'id-1', createdAt: '2026-04-12', token: SECRET, value: SECRET },
      { name: 'reader', id: 'id-2', organization: 'acme', group: 'default', scopes: ['read'] },
    ];
    cache.set('a1', user, tokens as never, 1234);
    assert.deepEqual(cache.get('a1'), {
      user: { username: 'demo', name: 'Demo User', plan: 'developer' },
      tokens: [
        { name: 'ci-bot', id: 'id-1', createdAt: '2026-04-12' },
        { name: 'reader', id: 'id-2', organization: 'acme', group: 'default', scopes: ['read'] },
      ],
      savedAt: 1234,
    });
    const stored = JSON.stringify(memento.values.get(ACCOUNT_CACHE_KEY));
    assert.ok(!stored.includes(SECRET), 'no token value stored');
    assert.ok(!stored.includes('demo@example.com'), 'no email stored');
  });

  it("keeps the id of the account's credential (which of its tokens it is), never anything shaped like a value", () => {
    cache.set('a1', { username: 'demo' }, [], 1, 'clGFZ4STEe6fljpFzIum8A');
    assert.equal(cache.get('a1')?.credentialId, 'clGFZ4STEe6fljpFzIum8A');
    cache.set('a2', { username: 'alice' }, [], 1, SECRET);
    assert.equal(cache.get('a2')?.credentialId, undefined, 'a JWT is no id');
    cache.set('a3', { username: 'bob' }, [], 1, 'x'.repeat(65));
    assert.equal(cache.get('a3')?.credentialId, undefined, 'too long for an id');
    assert.ok(!JSON.stringify(memento.values.get(ACCOUNT_CACHE_KEY)).includes(SECRET.split('.')[1]), 'no part of the value stored');
  });

  it('notes which account is active, with the order, in the same write: only one it has a state of, gone with that account', () => {
    let writes = 0;
    const update = memento.update.bind(memento);
    memento.update = (key, value) => { writes++; return update(key, value); };
    cache.retain(['a1'], 'a1');
    assert.equal(memento.values.has(ACCOUNT_CACHE_KEY), false, 'nothing to go with it: nothing written');
    cache.set('a2', { username: 'alice' }, []);
    cache.set('a1', { username: 'demo' }, [], 1, undefined, { ids: ['a1', 'a2'], active: 'a2' });
    assert.deepEqual(cache.accountIds(), ['a1', 'a2'], "the store's order, whatever order the loads were written in");
    assert.equal(cache.activeId(), 'a2');
    assert.equal(writes, 2, 'one write per load');
    cache.set('a1', { username: 'demo' }, [{ name: 'x', id: 'i' }]);
    assert.equal(cache.activeId(), 'a2', 'kept when an account is written');
    cache.retain(['a1', 'a2'], 'a2');
    assert.equal(writes, 3, 'nothing changed: nothing written');
    cache.retain(['a1', 'a2', 'a3'], 'a3');
    assert.equal(cache.activeId(), undefined, 'an active account it has no state of: none noted (a cold open waits for the store)');
    cache.retain(['a1', 'a2'], 'a1');
    assert.equal(cache.activeId(), 'a1');
    cache.retain(['a2']);
    assert.equal(cache.activeId(), undefined, 'gone with its account');
    memento.values.set(ACCOUNT_CACHE_KEY, { api, accounts: { a1: { user: { username: 'demo' }, tokens: [] } }, active: 42 });
    assert.equal(cache.activeId(), undefined, 'not an id');
  });

  it('reads nothing of another API base URL, and forgets it on clear()', () => {
    cache.set('a1', { username: 'demo' }, []);
    api = 'http://127.0.0.1:9999';
    assert.equal(cache.get('a1'), undefined, "another server's state is not shown");
    api = 'https://api.turso.tech';
    assert.ok(cache.get('a1'));
    cache.clear();
    assert.equal(memento.values.has(ACCOUNT_CACHE_KEY), false);
  });

  it('forgets the accounts no longer signed in; the key goes once none is left', () => {
    cache.set('a1', { username: 'demo' }, []);
    cache.set('a2', { username: 'alice' }, []);
    cache.retain(['a2']);
    assert.equal(cache.get('a1'), undefined);
    assert.equal(cache.get('a2')?.user.username, 'alice');
    cache.retain([]);
    assert.equal(memento.values.has(ACCOUNT_CACHE_KEY), false);
  });

  it("keeps the accounts in the store's order, whatever order their loads were written in", () => {
    cache.set('a2', { username: 'alice' }, []);
    cache.set('a1', { username: 'demo' }, []);
    assert.deepEqual(cache.accountIds(), ['a2', 'a1']);
    cache.retain(['a1', 'a2', 'a3']);
    assert.deepEqual(cache.accountIds(), ['a1', 'a2']);
  });

  it('ignores what it cannot use: wrong types, a missing username, tokens without id', () => {
    memento.values.set(ACCOUNT_CACHE_KEY, {
      api,
      accounts: {
        bad1: { user: { username: 42 }, tokens: [] },
        bad2: { user: { username: 'x' }, tokens: 'nope' },
        good: { user: { username: 'demo', plan: 7 }, tokens: [{ name: 'ok', id: 'i' }, { name: 'no-id' }, null, { name: 'n', id: 'j', scopes: ['read', 3] }], savedAt: 'x' },
      },
    });
    assert.equal(cache.get('bad1'), undefined);
    assert.equal(cache.get('bad2'), undefined);
    assert.deepEqual(cache.get('good'), {
      user: { username: 'demo' },
      tokens: [{ name: 'ok', id: 'i' }, { name: 'n', id: 'j', scopes: ['read'] }],
      savedAt: 0,
    });
    memento.values.set(ACCOUNT_CACHE_KEY, 'garbage');
    assert.equal(cache.get('good'), undefined);
  });
});
