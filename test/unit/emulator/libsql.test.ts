// The emulator's minimal libSQL HTTP endpoint (hrana over HTTP v2), reached at the emulator's own
// origin with `Host: <database Hostname>`: which tokens open which database, read-only tokens and
// writes, rotation, faults and latency, the request log.
import * as assert from 'node:assert/strict';
import type { TursoEmulator } from '../../emulator/server';
import { call, jwtHeader, jwtPayload, Reply, useEmulator } from './http';

const SELECT_1 = { requests: [{ type: 'execute', stmt: { sql: 'SELECT 1' } }, { type: 'close' }] };

describe('emulator: libSQL endpoint (hrana over HTTP) of each database', () => {
  let emu: TursoEmulator;
  useEmulator((started) => (emu = started));

  async function mint(org: string, target: string, query = '', body?: unknown): Promise<string> {
    const r = await call(emu.url, 'POST', `/v1/organizations/${org}/${target}/auth/tokens${query}`, { token: emu.demoToken, body });
    assert.equal(r.status, 200, r.text);
    return (r.json as { jwt: string }).jwt;
  }
  function pipeline(hostname: string, token: string | undefined, body: unknown = SELECT_1, authorization?: string): Promise<Reply> {
    return call(emu.url, 'POST', '/v2/pipeline', {
      headers: { Host: hostname }, body, ...(authorization !== undefined ? { authorization } : token !== undefined ? { token } : {}),
    });
  }
  const rotate = (org: string, target: string) => call(emu.url, 'POST', `/v1/organizations/${org}/${target}/auth/rotate`, { token: emu.demoToken });

  it('GET /v2 answers the version text, without a token; the port and case of Host do not matter', async () => {
    for (const host of ['orders-acme.turso.io', 'Orders-Acme.turso.io:443']) {
      const r = await call(emu.url, 'GET', '/v2', { headers: { Host: host } });
      assert.deepEqual([r.status, r.text], [200, 'Hello, this is HTTP API v2 (Hrana over HTTP)'], host);
      assert.match(String(r.headers['content-type']), /^text\/plain/);
    }
    assert.equal((await call(emu.url, 'GET', '/v2', { headers: { Host: 'nope-acme.turso.io' } })).status, 404, 'an unknown hostname is the API (no /v2 route)');
  });

  it('a database token opens its database: hrana results for execute and close', async () => {
    const jwt = await mint('acme', 'databases/orders');
    assert.deepEqual(jwtHeader(jwt), { alg: 'EdDSA', typ: 'JWT' });
    assert.deepEqual(Object.keys(jwtPayload(jwt)), ['a', 'iat', 'id', 'rid']);
    const r = await pipeline('orders-acme.turso.io', jwt);
    assert.equal(r.status, 200, r.text);
    const body = r.json as { baton: unknown; results: { type: string; response: { type: string; result?: { rows: unknown[][] } } }[] };
    assert.equal(body.baton, null);
    assert.deepEqual(body.results.map((x) => [x.type, x.response.type]), [['ok', 'execute'], ['ok', 'close']]);
    assert.deepEqual(body.results[0].response.result?.rows, [[{ type: 'integer', value: '1' }]]);
  });

  it('401 with libsql-server\'s words: no token, another scheme, not a JWT, another key', async () => {
    const cases: [string, Promise<Reply>, string][] = [
      ['no token', pipeline('orders-acme.turso.io', undefined), 'The `Authorization` HTTP header is required but was not specified'],
      ['basic', pipeline('orders-acme.turso.io', undefined, SELECT_1, 'Basic dXNlcjpwYXNz'), 'The authentication scheme in the `Authorization` HTTP header is not supported'],
      ['garbage', pipeline('orders-acme.turso.io', 'not-a-jwt'), 'The JWT is invalid'],
      ['a Platform API token', pipeline('orders-acme.turso.io', emu.demoApiToken), 'The JWT is invalid'],
      ['another group\'s key', pipeline('orders-acme.turso.io', await mint('acme', 'databases/events')), 'The JWT is invalid'],
      ['another organization\'s', pipeline('orders-acme.turso.io', await mint('studio', 'databases/portfolio')), 'The JWT is invalid'],
    ];
    for (const [what, reply, message] of cases) {
      const r = await reply;
      assert.deepEqual([r.status, r.json], [401, { error: `Unauthorized: \`${message}\`` }], what);
    }
  });

  it('an expired token is refused (the clock, not the key)', async () => {
    const jwt = await mint('acme', 'databases/orders', '?expiration=1s');
    assert.equal((await pipeline('orders-acme.turso.io', jwt)).status, 200);
    const exp = jwtPayload(jwt).exp as number;
    assert.equal(exp - (jwtPayload(jwt).iat as number), 1);
    // Bounded: at most a second, until the `exp` it carries has passed.
    await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 10));
    const r = await pipeline('orders-acme.turso.io', jwt);
    assert.deepEqual([r.status, r.json], [401, { error: 'Unauthorized: `The JWT has expired`' }]);
  });

  it('a database token of another database of the same group is refused; a group token opens each of the group\'s', async () => {
    const inventory = await mint('acme', 'databases/inventory');
    const r = await pipeline('orders-acme.turso.io', inventory);
    assert.equal(r.status, 401);
    assert.match((r.json as { error: string }).error, /not for database orders/);
    const group = await mint('acme', 'groups/default');
    assert.equal(jwtPayload(group).gid, '0a28102d-6906-11ee-8553-eaa7715aeaf2');
    assert.equal(jwtPayload(group).id, undefined);
    for (const host of ['orders-acme.turso.io', 'inventory-acme.turso.io']) assert.equal((await pipeline(host, group)).status, 200, host);
    assert.equal((await pipeline('events-acme.turso.io', group)).status, 401);
    emu.addDatabases({ organization: 'acme', count: 1, prefix: 'late', group: 'default' });
    assert.equal((await pipeline('late-1-acme.turso.io', group)).status, 200, 'a database added to the group later');
  });

  it('a read-only token reads but its writes are refused, statement by statement', async () => {
    const jwt = await mint('acme', 'databases/orders', '?authorization=read-only');
    assert.equal(jwtPayload(jwt).a, 'ro');
    const r = await pipeline('orders-acme.turso.io', jwt, {
      requests: [
        { type: 'execute', stmt: { sql: 'SELECT 1' } },
        { type: 'execute', stmt: { sql: 'INSERT INTO t VALUES (1)' } },
        { type: 'execute', stmt: { sql: 'WITH x AS (SELECT 1) DELETE FROM t' } },
        { type: 'execute', stmt: { sql: 'PRAGMA table_info(t)' } },
        { type: 'close' },
      ],
    });
    assert.equal(r.status, 200);
    const results = (r.json as { results: { type: string; error?: { message: string } }[] }).results;
    assert.deepEqual(results.map((x) => x.type), ['ok', 'error', 'error', 'ok', 'ok']);
    assert.match(results[1].error?.message ?? '', /read-only/);
    const rw = await pipeline('orders-acme.turso.io', await mint('acme', 'databases/orders'), { requests: [{ type: 'execute', stmt: { sql: 'INSERT INTO t VALUES (1)' } }] });
    assert.deepEqual((rw.json as { results: { type: string }[] }).results.map((x) => x.type), ['ok']);
  });

  it('rotate: earlier tokens are refused at once, later ones open; a group rotation covers its database tokens', async () => {
    const before = await mint('acme', 'databases/orders');
    const groupBefore = await mint('acme', 'groups/default');
    assert.equal((await rotate('acme', 'databases/orders')).status, 200);
    assert.equal((await pipeline('orders-acme.turso.io', before)).status, 401);
    assert.equal((await pipeline('inventory-acme.turso.io', groupBefore)).status, 401, 'the database\'s group was rotated');
    const after = await mint('acme', 'databases/orders');
    assert.equal((await pipeline('orders-acme.turso.io', after)).status, 200);
    assert.equal((await rotate('acme', 'groups/default')).status, 200);
    assert.equal((await pipeline('orders-acme.turso.io', after)).status, 401);
    assert.deepEqual(emu.keyGeneration('acme', { group: 'default' }), { key: 'group', name: 'default', generation: 3 });
  });

  it('a database without a group has its own key: rotating it leaves the others', async () => {
    const notes = await mint('demo', 'databases/notes');
    const todo = await mint('demo', 'databases/todo');
    assert.equal((await pipeline('todo-demo.turso.io', notes)).status, 401, 'another key');
    assert.equal((await rotate('demo', 'databases/notes')).status, 200);
    assert.equal((await pipeline('notes-demo.turso.io', notes)).status, 401);
    assert.equal((await pipeline('todo-demo.turso.io', todo)).status, 200);
    const group = await call(emu.url, 'POST', '/v1/organizations/demo/groups/default/auth/tokens', { token: emu.demoToken });
    assert.equal(group.status, 404, 'demo\'s personal org has no group');
  });

  it('reset() gives every key a new start: tokens minted before it are refused', async () => {
    const jwt = await mint('acme', 'databases/orders');
    await rotate('acme', 'databases/orders');
    emu.reset();
    assert.equal(emu.keyGeneration('acme', { database: 'orders' }).generation, 1);
    assert.equal((await pipeline('orders-acme.turso.io', jwt)).status, 401);
  });

  it('bad bodies are 400; other paths 404; GET on the pipeline 405', async () => {
    const jwt = await mint('acme', 'databases/orders');
    assert.equal((await pipeline('orders-acme.turso.io', jwt, 'not json')).status, 400);
    assert.equal((await pipeline('orders-acme.turso.io', jwt, { nope: 1 })).status, 400);
    assert.equal((await call(emu.url, 'GET', '/v1/user', { headers: { Host: 'orders-acme.turso.io' }, token: emu.demoToken })).status, 404, 'no Platform API on a database host');
    assert.equal((await call(emu.url, 'GET', '/v2/pipeline', { headers: { Host: 'orders-acme.turso.io' } })).status, 405);
  });

  it('latency and faults apply to it as to the API; the request log names the host, never the token', async () => {
    const jwt = await mint('acme', 'databases/orders');
    emu.injectFault({ path: '/v2/pipeline', kind: 'status', status: 503, times: 1 });
    assert.equal((await pipeline('orders-acme.turso.io', jwt)).status, 503);
    emu.setLatency(150);
    const slow = await pipeline('orders-acme.turso.io', jwt);
    assert.equal(slow.status, 200);
    assert.ok(slow.ms >= 140, `${slow.ms} ms`);
    const recs = emu.requests.filter((r) => r.host === 'orders-acme.turso.io');
    assert.deepEqual(recs.map((r) => [r.path, r.status, r.authorized]), [['/v2/pipeline', 503, false], ['/v2/pipeline', 200, true]]);
    assert.ok(!JSON.stringify(emu.requests).includes(jwt.split('.')[2]), 'no token in the log');
    assert.equal(emu.requests.find((r) => r.path.endsWith('/auth/tokens'))?.host, undefined, 'API requests have no host');
  });
});

describe('emulator: database fixtures (/__emulator/databases, /__emulator/key-generation)', () => {
  let emu: TursoEmulator;
  useEmulator((started) => (emu = started));

  it('adds many databases in one call, in a group or without; listed in creation order; undone by reset', async () => {
    const r = await call(emu.url, 'POST', '/__emulator/databases', { body: { organization: 'studio', count: 1000, group: 'default' } });
    assert.equal(r.status, 200, r.text);
    assert.equal((r.json as { names: string[] }).names.length, 1000);
    const list = await call(emu.url, 'GET', '/v1/organizations/studio/databases', { token: emu.demoToken });
    const dbs = (list.json as { databases: { Name: string; Hostname: string; group?: string }[] }).databases;
    assert.equal(dbs.length, 1002);
    assert.deepEqual(dbs.slice(1, 3).map((d) => d.Name), ['assets', 'db-1']);
    assert.deepEqual([dbs[1001].Hostname, dbs[1001].group], ['db-1000-studio.turso.io', 'default']);
    assert.deepEqual(emu.addDatabases({ organization: 'demo', count: 2, prefix: 'solo' }), ['solo-1', 'solo-2']);
    assert.deepEqual(emu.keyGeneration('demo', { database: 'solo-1' }), { key: 'database', name: 'solo-1', generation: 1 });
    emu.reset();
    const again = await call(emu.url, 'GET', '/v1/organizations/studio/databases', { token: emu.demoToken });
    assert.equal((again.json as { databases: unknown[] }).databases.length, 2);
  });

  it('invalid input is a 400 with the reason, and adds nothing', async () => {
    for (const [body, reason] of [
      [{ organization: 'nope', count: 1 }, /unknown organization/],
      [{ organization: 'acme', count: 0 }, /count must be an integer from 1 to 10000/],
      [{ organization: 'acme', count: 1, group: 'nope' }, /has no group "nope"/],
      [{ organization: 'acme', count: 1, prefix: 'Bad_' }, /prefix must be/],
    ] as const) {
      const r = await call(emu.url, 'POST', '/__emulator/databases', { body });
      assert.equal(r.status, 400, r.text);
      assert.match((r.json as { error: string }).error, reason);
    }
    assert.equal((await call(emu.url, 'GET', '/v1/organizations/acme/databases', { token: emu.demoToken })).text.includes('"Name":"db-'), false);
    emu.addDatabases({ organization: 'acme', count: 1, prefix: 'dup' });
    assert.throws(() => emu.addDatabases({ organization: 'acme', count: 2, prefix: 'dup' }), /already has a database named "dup-1"/);
  });

  it('reads whose key signs a database\'s or group\'s tokens, and its generation, over HTTP', async () => {
    const read = (q: string) => call(emu.url, 'GET', `/__emulator/key-generation?${q}`);
    assert.deepEqual((await read('organization=acme&database=orders')).json, { key: 'group', name: 'default', generation: 1 });
    await call(emu.url, 'POST', '/v1/organizations/acme/groups/default/auth/rotate', { token: emu.demoToken });
    assert.deepEqual((await read('organization=acme&group=default')).json, { key: 'group', name: 'default', generation: 2 });
    assert.deepEqual((await read('organization=demo&database=notes')).json, { key: 'database', name: 'notes', generation: 1 });
    for (const q of ['organization=acme', 'organization=acme&database=orders&group=default', 'organization=acme&database=nope', 'organization=nope&group=default']) {
      assert.equal((await read(q)).status, 400, q);
    }
  });
});
