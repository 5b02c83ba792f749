// The emulator's database routes over HTTP: the seed, who may list, mint and rotate (roles, org- and
// group-scoped API tokens), the claims of what it mints, and the errors of bad input.
import * as assert from 'node:assert/strict';
import type { TursoEmulator } from '../../emulator/server';
import { call, jwtPayload, useEmulator } from './http';

describe('emulator: databases and their tokens (Platform API routes)', () => {
  let emu: TursoEmulator;
  useEmulator((started) => (emu = started));

  const names = async (org: string, token = emu.demoToken, query = ''): Promise<string[] | number> => {
    const r = await call(emu.url, 'GET', `/v1/organizations/${org}/databases${query}`, { token });
    return r.status === 200 ? (r.json as { databases: { Name: string }[] }).databases.map((d) => d.Name) : r.status;
  };
  const mint = (org: string, target: string, opts: { token?: string; query?: string; body?: unknown } = {}) =>
    call(emu.url, 'POST', `/v1/organizations/${org}/${target}/auth/tokens${opts.query ?? ''}`, { token: opts.token ?? emu.demoToken, body: opts.body });

  it('seeds a few databases in each organization of demo and alice, Hostname <db>-<org>.turso.io', async () => {
    assert.deepEqual(await names('demo'), ['notes', 'todo']);
    assert.deepEqual(await names('acme'), ['orders', 'inventory', 'events']);
    assert.deepEqual(await names('partner'), ['partner-data']);
    assert.deepEqual(await names('studio'), ['portfolio', 'assets']);
    assert.deepEqual(await names('alice', emu.aliceToken), ['scratch']);
    assert.deepEqual(await names('acme', emu.demoToken, '?group=default'), ['orders', 'inventory']);
    assert.deepEqual(await names('acme', emu.demoToken, '?group=nope'), []);
    assert.equal(await names('alice'), 404, 'not a member: 404, not leaking the org');
  });

  it('an org-scoped API token sees only its org; a group-scoped one only its group\'s databases, and needs read', async () => {
    const acmeOnly = emu.addApiToken({ name: 'acme-only', organization: 'acme' });
    assert.deepEqual(await names('acme', acmeOnly.token), ['orders', 'inventory', 'events']);
    assert.equal(await names('studio', acmeOnly.token), 403);
    const reader = emu.addApiToken({ name: 'analytics-ro', organization: 'acme', group: 'analytics', scopes: ['read'] });
    assert.deepEqual(await names('acme', reader.token), ['events']);
    const minter = emu.addApiToken({ name: 'minter', organization: 'acme', group: 'analytics', scopes: ['db:mint-token'] });
    assert.equal(await names('acme', minter.token), 403);
  });

  it('a group-scoped API token mints and rotates only in its group, only with the matching scope', async () => {
    const tok = (scopes: string[]) => emu.addApiToken({ name: `g-${scopes.join('-').replace(/:/g, '')}`, organization: 'acme', group: 'analytics', scopes }).token;
    const dbMinter = tok(['db:mint-token']);
    assert.equal((await mint('acme', 'databases/events', { token: dbMinter })).status, 200);
    const other = await mint('acme', 'databases/orders', { token: dbMinter });
    assert.deepEqual([other.status, other.json], [403, { error: 'this token is restricted to another group' }]);
    const noGroupScope = await mint('acme', 'groups/analytics', { token: dbMinter });
    assert.deepEqual([noGroupScope.status, noGroupScope.json], [403, { error: 'this token does not have the "group:mint-token" scope' }]);
    assert.equal((await mint('acme', 'groups/analytics', { token: tok(['group:mint-token']) })).status, 200);
    const rotate = (target: string, token: string) => call(emu.url, 'POST', `/v1/organizations/acme/${target}/auth/rotate`, { token });
    assert.equal((await rotate('databases/events', dbMinter)).status, 403);
    assert.equal((await rotate('databases/events', tok(['db:rotate-creds']))).status, 200);
    assert.equal((await rotate('groups/analytics', tok(['group:rotate-creds']))).status, 200);
    assert.equal(emu.keyGeneration('acme', { group: 'analytics' }).generation, 3);
  });

  it('roles: owner, admin and member mint and rotate; a viewer gets 403 and nothing changes', async () => {
    for (const role of ['owner', 'admin', 'member'] as const) {
      emu.setMemberRole('studio', 'demo', role);
      assert.equal((await mint('studio', 'databases/portfolio')).status, 200, role);
    }
    emu.setMemberRole('studio', 'demo', 'viewer');
    const r = await mint('studio', 'groups/default');
    assert.deepEqual([r.status, r.json], [403, { error: 'viewers of organization "studio" cannot create database tokens' }]);
    const rot = await call(emu.url, 'POST', '/v1/organizations/studio/databases/assets/auth/rotate', { token: emu.demoToken });
    assert.deepEqual([rot.status, rot.json], [403, { error: 'viewers of organization "studio" cannot invalidate database tokens' }]);
    assert.equal(emu.keyGeneration('studio', { group: 'default' }).generation, 1);
    assert.deepEqual(await names('studio'), ['portfolio', 'assets'], 'a viewer still lists');
  });

  it('claims: a, iat, id or gid, rid; exp only with an expiration; p.roa with read ATTACH', async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwtOf = async (target: string, query = '', body?: unknown) => jwtPayload(((await mint('acme', target, { query, body })).json as { jwt: string }).jwt);
    const db = await jwtOf('databases/orders');
    assert.deepEqual(Object.keys(db), ['a', 'iat', 'id', 'rid']);
    assert.deepEqual([db.a, db.id], ['rw', '0eb771dd-6906-11ee-8553-eaa7715aeaf2']);
    assert.ok(Math.abs((db.iat as number) - now) <= 2);
    assert.match(String(db.rid), /^[0-9a-f-]{36}$/);
    const group = await jwtOf('groups/analytics', '?expiration=1d&authorization=read-only');
    assert.deepEqual(Object.keys(group), ['a', 'iat', 'gid', 'rid', 'exp']);
    assert.deepEqual([group.a, group.gid, (group.exp as number) - (group.iat as number)], ['ro', '3f6b1c4e-2a7d-11ef-9c1b-0242ac120002', 86_400]);
    const attach = await jwtOf('databases/orders', '?expiration=never', { permissions: { read_attach: { databases: ['events', 'inventory', 'events'] } } });
    assert.deepEqual(attach.p, { roa: { ns: ['events', 'inventory'] } });
    assert.equal(attach.exp, undefined);
    for (const [expiration, seconds] of [['2w1d30m', 2 * 604_800 + 86_400 + 1800], ['90d', 90 * 86_400], ['12h', 43_200], ['45s', 45]] as const) {
      const c = await jwtOf('databases/orders', `?expiration=${expiration}`);
      assert.equal((c.exp as number) - (c.iat as number), seconds, expiration);
    }
  });

  it('400 for a bad expiration, authorization or body; 404 for an unknown database or group', async () => {
    for (const expiration of ['soon', '1x', '0d', '1d2w', '-1d', '1.5d']) {
      const r = await mint('acme', 'databases/orders', { query: `?expiration=${encodeURIComponent(expiration)}` });
      assert.deepEqual([r.status, r.json], [400, { error: 'Invalid expiration format' }], expiration);
    }
    const auth = await mint('acme', 'databases/orders', { query: '?authorization=admin' });
    assert.equal(auth.status, 400);
    for (const body of ['{not json', '[1]', { permissions: { read_attach: { databases: 'events' } } }, { permissions: { read_attach: { databases: [1] } } }]) {
      assert.equal((await mint('acme', 'databases/orders', { body })).status, 400, JSON.stringify(body));
    }
    const other = await mint('acme', 'databases/orders', { body: { permissions: { read_attach: { databases: ['portfolio'] } } } });
    assert.deepEqual([other.status, other.json], [400, { error: 'invalid read_attach: database "portfolio" not found in organization "acme"' }]);
    const db = await mint('acme', 'databases/nope');
    assert.deepEqual([db.status, db.json], [404, { error: 'could not find database with name nope: record not found' }]);
    const group = await mint('acme', 'groups/nope');
    assert.deepEqual([group.status, group.json], [404, { error: 'group not found' }]);
    assert.equal((await mint('acme', 'databases/%E0%A4%A')).status, 404, 'broken percent-encoding');
    assert.equal((await mint('studio', 'databases/orders')).status, 404, 'a database of another org');
  });
});
