// The client's database calls (listDatabases, createDatabaseToken, invalidateDatabaseTokens) against
// the emulator: what it lists, the claims of the tokens it mints (read back with
// readDatabaseTokenClaims), its errors, and rotation making earlier tokens stop opening the database.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { TursoClient, type TursoClientOptions } from '../../../src/platform/client';
import { readDatabaseTokenClaims, type DatabaseTokenRequest } from '../../../src/platform/databases';
import { TursoApiError, type TursoErrorKind } from '../../../src/platform/errors';
import { startEmulator, type TursoEmulator } from '../../emulator/server';

const ACME_DEFAULT_UUID = '0a28102d-6906-11ee-8553-eaa7715aeaf2';
const ORDERS_ID = '0eb771dd-6906-11ee-8553-eaa7715aeaf2';

/** Whether `token` opens `hostname`'s database on the emulator's libSQL endpoint (`SELECT 1`). */
function opens(emuUrl: string, hostname: string, token: string): Promise<number> {
  const url = new URL(emuUrl);
  const body = JSON.stringify({ requests: [{ type: 'execute', stmt: { sql: 'SELECT 1' } }, { type: 'close' }] });
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, method: 'POST', path: '/v2/pipeline', agent: false,
      headers: { Host: hostname, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(2000, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

describe('TursoClient: databases and their tokens (against the emulator)', () => {
  let emu: TursoEmulator;
  before(async () => {
    emu = await startEmulator({ port: 0 });
  });
  after(async () => {
    await emu?.close();
  });
  beforeEach(() => emu.reset());

  function client(options: Partial<TursoClientOptions> = {}): TursoClient {
    return new TursoClient({
      baseUrl: emu.url, token: emu.demoToken, userAgent: 'test', timeoutMs: 2000, retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 100 }, ...options,
    });
  }

  async function failure(promise: Promise<unknown>, kind: TursoErrorKind): Promise<TursoApiError> {
    try {
      await promise;
    } catch (err) {
      assert.ok(err instanceof TursoApiError, `expected a TursoApiError, got ${String(err)}`);
      assert.equal(err.kind, kind, err.message);
      return err;
    }
    assert.fail(`expected a ${kind} error, but the call succeeded`);
  }
  const lastRequest = () => emu.requests.at(-1);
  const full: DatabaseTokenRequest = { expiration: 'never', access: 'full-access' };

  describe('listDatabases', () => {
    it('lists an organization\'s databases with id, hostname, group and primary region, in one request', async () => {
      assert.deepEqual(await client().listDatabases('acme'), [
        { name: 'orders', id: ORDERS_ID, hostname: 'orders-acme.turso.io', group: 'default', primaryRegion: 'aws-us-east-1' },
        { name: 'inventory', id: '1c9a2b7e-6906-11ee-8553-eaa7715aeaf2', hostname: 'inventory-acme.turso.io', group: 'default', primaryRegion: 'aws-us-east-1' },
        { name: 'events', id: '4d2e8f10-2a7d-11ef-9c1b-0242ac120002', hostname: 'events-acme.turso.io', group: 'analytics', primaryRegion: 'aws-eu-west-1' },
      ]);
      assert.equal(emu.requests.length, 1);
      assert.equal(lastRequest()?.path, '/v1/organizations/acme/databases');
    });

    it('the demo user\'s personal organization has databases without a group', async () => {
      const dbs = await client().listDatabases('demo');
      assert.deepEqual(dbs.map((d) => [d.name, d.group, d.hostname]), [['notes', undefined, 'notes-demo.turso.io'], ['todo', undefined, 'todo-demo.turso.io']]);
    });

    it('1,000 databases in one answer', async () => {
      emu.addDatabases({ organization: 'studio', count: 1000, group: 'default' });
      const started = Date.now();
      const dbs = await client().listDatabases('studio');
      assert.equal(dbs.length, 1002);
      assert.deepEqual(dbs.at(-1), { name: 'db-1000', id: dbs.at(-1)?.id, hostname: 'db-1000-studio.turso.io', group: 'default', primaryRegion: 'aws-eu-west-1' });
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    });

    it('404 for an organization the user is not in; a wrong shape is a bad response', async () => {
      await failure(client().listDatabases('alice'), 'notFound');
      emu.injectFault({ path: '/v1/organizations/acme/databases', kind: 'wrong-shape', times: 1 });
      await failure(client().listDatabases('acme'), 'badResponse');
    });
  });

  describe('createDatabaseToken', () => {
    it('a database token: id = the database\'s DbId, full access, no expiry for never', async () => {
      const jwt = await client().createDatabaseToken('acme', { kind: 'database', name: 'orders' }, full);
      const before = Math.floor(Date.now() / 1000);
      const claims = readDatabaseTokenClaims(jwt);
      assert.deepEqual({ ...claims, issuedAt: undefined }, {
        kind: 'database', targetId: ORDERS_ID, access: 'full-access', issuedAt: undefined, readAttach: [],
      });
      assert.ok(claims?.issuedAt !== undefined && Math.abs(claims.issuedAt - before) <= 2, 'iat is now');
      assert.equal(lastRequest()?.path, '/v1/organizations/acme/databases/orders/auth/tokens');
      assert.equal(lastRequest()?.query, 'expiration=never&authorization=full-access');
      assert.equal(lastRequest()?.body, undefined, 'no body without read ATTACH');
    });

    it('read-only with an expiry and read ATTACH: the claims say so', async () => {
      const jwt = await client().createDatabaseToken('acme', { kind: 'database', name: 'orders' }, {
        expiration: '2w1d30m', access: 'read-only', readAttach: ['inventory', 'events'],
      });
      const claims = readDatabaseTokenClaims(jwt);
      assert.equal(claims?.access, 'read-only');
      assert.deepEqual(claims?.readAttach, ['inventory', 'events']);
      assert.equal((claims?.expiresAt ?? 0) - (claims?.issuedAt ?? 0), 2 * 604_800 + 86_400 + 30 * 60);
      assert.deepEqual(lastRequest()?.body, { permissions: { read_attach: { databases: ['inventory', 'events'] } } });
    });

    it('a group token: gid = the group\'s uuid (listGroups), for every database of it', async () => {
      const jwt = await client().createDatabaseToken('acme', { kind: 'group', name: 'default' }, { expiration: '7d', access: 'full-access' });
      const claims = readDatabaseTokenClaims(jwt);
      const groups = await client().listGroups('acme');
      assert.equal(claims?.kind, 'group');
      assert.equal(claims?.targetId, groups.find((g) => g.name === 'default')?.uuid);
      assert.equal(claims?.targetId, ACME_DEFAULT_UUID);
      assert.equal((claims?.expiresAt ?? 0) - (claims?.issuedAt ?? 0), 7 * 86_400);
      assert.equal(lastRequest()?.path, '/v1/organizations/acme/groups');
      assert.equal(await opens(emu.url, 'orders-acme.turso.io', jwt), 200);
      assert.equal(await opens(emu.url, 'inventory-acme.turso.io', jwt), 200);
      assert.equal(await opens(emu.url, 'events-acme.turso.io', jwt), 401, 'not a database of another group');
    });

    it('400 for a bad expiration, with the server\'s words; nothing retried', async () => {
      const err = await failure(client().createDatabaseToken('acme', { kind: 'database', name: 'orders' }, { expiration: 'soon', access: 'full-access' }), 'badRequest');
      assert.equal(err.serverMessage, 'Invalid expiration format');
      assert.equal(emu.requests.length, 1);
    });

    it('404 for an unknown database or group; names are one encoded path segment', async () => {
      const err = await failure(client().createDatabaseToken('acme', { kind: 'database', name: 'no/such db' }, full), 'notFound');
      assert.equal(err.serverMessage, 'could not find database with name no/such db: record not found');
      assert.equal(lastRequest()?.path, '/v1/organizations/acme/databases/no%2Fsuch%20db/auth/tokens');
      await failure(client().createDatabaseToken('acme', { kind: 'group', name: 'nope' }, full), 'notFound');
      await failure(client().createDatabaseToken('alice', { kind: 'database', name: 'scratch' }, full), 'notFound');
    });

    it('403 for a viewer (minting and invalidating); a member may do both', async () => {
      emu.setMemberRole('acme', 'demo', 'viewer');
      const err = await failure(client().createDatabaseToken('acme', { kind: 'database', name: 'orders' }, full), 'forbidden');
      assert.match(err.message, /viewers of organization "acme" cannot create database tokens/);
      await failure(client().invalidateDatabaseTokens('acme', { kind: 'group', name: 'default' }), 'forbidden');
      assert.equal(emu.keyGeneration('acme', { group: 'default' }).generation, 1, 'nothing rotated');
      emu.setMemberRole('acme', 'demo', 'member');
      assert.ok(readDatabaseTokenClaims(await client().createDatabaseToken('acme', { kind: 'database', name: 'orders' }, full)));
      await client().invalidateDatabaseTokens('acme', { kind: 'database', name: 'orders' });
    });

    it('a wrong shape is a bad response and is not retried', async () => {
      emu.injectFault({ path: '/v1/organizations/acme/databases/orders/auth/tokens', kind: 'wrong-shape' });
      await failure(client().createDatabaseToken('acme', { kind: 'database', name: 'orders' }, full), 'badResponse');
      emu.clearFaults();
      emu.injectFault({ path: '/v1/organizations/acme/databases/orders/auth/tokens', kind: 'status', status: 503, times: 1 });
      await failure(client().createDatabaseToken('acme', { kind: 'database', name: 'orders' }, full), 'server');
      assert.equal(emu.requests.length, 2, 'one request each');
    });
  });

  describe('invalidateDatabaseTokens', () => {
    it('rotating a database in a group rotates the group: its earlier tokens, and the group\'s, stop opening every database of it', async () => {
      const orders = await client().createDatabaseToken('acme', { kind: 'database', name: 'orders' }, full);
      const group = await client().createDatabaseToken('acme', { kind: 'group', name: 'default' }, full);
      const events = await client().createDatabaseToken('acme', { kind: 'database', name: 'events' }, full);
      assert.equal(await opens(emu.url, 'orders-acme.turso.io', orders), 200);
      assert.equal(await opens(emu.url, 'inventory-acme.turso.io', group), 200);
      await client().invalidateDatabaseTokens('acme', { kind: 'database', name: 'orders' });
      assert.equal(lastRequest()?.path, '/v1/organizations/acme/databases/orders/auth/rotate');
      assert.deepEqual(emu.keyGeneration('acme', { database: 'orders' }), { key: 'group', name: 'default', generation: 2 });
      assert.equal(await opens(emu.url, 'orders-acme.turso.io', orders), 401);
      assert.equal(await opens(emu.url, 'inventory-acme.turso.io', group), 401);
      assert.equal(await opens(emu.url, 'events-acme.turso.io', events), 200, 'another group keeps its key');
      const fresh = await client().createDatabaseToken('acme', { kind: 'database', name: 'orders' }, full);
      assert.equal(await opens(emu.url, 'orders-acme.turso.io', fresh), 200, 'tokens minted after the rotation work');
    });

    it('a group rotation; a database without a group has its own key', async () => {
      await client().invalidateDatabaseTokens('acme', { kind: 'group', name: 'analytics' });
      assert.equal(lastRequest()?.path, '/v1/organizations/acme/groups/analytics/auth/rotate');
      assert.equal(emu.keyGeneration('acme', { group: 'analytics' }).generation, 2);
      const notes = await client().createDatabaseToken('demo', { kind: 'database', name: 'notes' }, full);
      const todo = await client().createDatabaseToken('demo', { kind: 'database', name: 'todo' }, full);
      await client().invalidateDatabaseTokens('demo', { kind: 'database', name: 'notes' });
      assert.deepEqual(emu.keyGeneration('demo', { database: 'notes' }), { key: 'database', name: 'notes', generation: 2 });
      assert.equal(emu.keyGeneration('demo', { database: 'todo' }).generation, 1);
      assert.equal(await opens(emu.url, 'notes-demo.turso.io', notes), 401);
      assert.equal(await opens(emu.url, 'todo-demo.turso.io', todo), 200);
    });

    it('404 for an unknown database or group; a body of the wrong shape is a bad response', async () => {
      const err = await failure(client().invalidateDatabaseTokens('acme', { kind: 'database', name: 'nope' }), 'notFound');
      assert.equal(err.serverMessage, 'could not find database with name nope: record not found');
      await failure(client().invalidateDatabaseTokens('acme', { kind: 'group', name: 'nope' }), 'notFound');
      emu.injectFault({ path: '/v1/organizations/acme/groups/default/auth/rotate', kind: 'wrong-shape', times: 1 });
      await failure(client().invalidateDatabaseTokens('acme', { kind: 'group', name: 'default' }), 'badResponse');
    });
  });
});
