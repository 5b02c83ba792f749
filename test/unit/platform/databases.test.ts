import * as assert from 'node:assert/strict';
import { parseExpiration, readDatabaseTokenClaims } from '../../../src/platform/databases';
import { ShapeError, parseDatabaseJwt, parseDatabases, parseRotated } from '../../../src/platform/shapes';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (payload: unknown): string => `${b64({ alg: 'EdDSA', typ: 'JWT' })}.${b64(payload)}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`;
const DB_ID = '0eb771dd-6906-11ee-8553-eaa7715aeaf2';
const GROUP_ID = '0a28102d-6906-11ee-8553-eaa7715aeaf2';

describe('databases (pure)', () => {
  describe('parseExpiration', () => {
    it('takes never, empty, and durations largest unit first', () => {
      assert.equal(parseExpiration('never'), 'never');
      assert.equal(parseExpiration(' Never '), 'never');
      assert.equal(parseExpiration(''), 'never');
      assert.equal(parseExpiration('7d'), 7 * 86_400);
      assert.equal(parseExpiration('2w1d30m'), 2 * 604_800 + 86_400 + 1_800);
      assert.equal(parseExpiration('1h'), 3_600);
    });
    it('refuses what the API would not take', () => {
      for (const bad of ['7', 'd', '1y', '1d2w', '1d1d', '0d', '-1d', '1.5d', '7 d', 'forever', '1d; rm']) {
        assert.equal(parseExpiration(bad), undefined, bad);
      }
    });
  });

  describe('readDatabaseTokenClaims', () => {
    it('reads a database token (id, a, iat, exp)', () => {
      assert.deepEqual(readDatabaseTokenClaims(jwt({ a: 'rw', iat: 1_700_000_000, id: DB_ID, rid: 'r' })), {
        kind: 'database', targetId: DB_ID, access: 'full-access', issuedAt: 1_700_000_000, readAttach: [],
      });
      assert.deepEqual(readDatabaseTokenClaims(jwt({ a: 'ro', id: DB_ID, exp: 1_800_000_000 })), {
        kind: 'database', targetId: DB_ID, access: 'read-only', expiresAt: 1_800_000_000, readAttach: [],
      });
    });
    it('reads a group token (gid) and its read ATTACH permissions', () => {
      const claims = readDatabaseTokenClaims(jwt({ a: 'rw', gid: GROUP_ID, p: { roa: { ns: ['other-db', 7] } } }));
      assert.deepEqual(claims, { kind: 'group', targetId: GROUP_ID, access: 'full-access', readAttach: ['other-db'] });
    });
    it('treats a token with only read permissions in p as read-only', () => {
      assert.equal(readDatabaseTokenClaims(jwt({ id: DB_ID, p: { ro: { ns: ['x'] } } }))?.access, 'read-only');
      assert.equal(readDatabaseTokenClaims(jwt({ a: 'roa', id: DB_ID }))?.access, 'read-only');
    });
    it('is undefined for a Platform API token, a JWT without id or gid, and what is not a JWT', () => {
      assert.equal(readDatabaseTokenClaims(jwt({ jti: 'abc', id: DB_ID })), undefined);
      assert.equal(readDatabaseTokenClaims(jwt({ a: 'rw' })), undefined);
      assert.equal(readDatabaseTokenClaims(jwt({ a: 'rw', id: '' })), undefined);
      assert.equal(readDatabaseTokenClaims('not.a.jwt!'), undefined);
      assert.equal(readDatabaseTokenClaims('abc'), undefined);
      assert.equal(readDatabaseTokenClaims(`${b64({})}.bm90IGpzb24.c2ln`), undefined);
    });
  });

  describe('shapes', () => {
    it('parses the database list', () => {
      const body = { databases: [
        { Name: 'app', DbId: DB_ID, Hostname: 'app-acme.turso.io', group: 'default', primaryRegion: 'aws-us-east-1', regions: ['x'] },
        { Name: 'bare', DbId: 'id2', Hostname: 'bare-acme.turso.io' },
      ] };
      assert.deepEqual(parseDatabases(body), [
        { name: 'app', id: DB_ID, hostname: 'app-acme.turso.io', group: 'default', primaryRegion: 'aws-us-east-1' },
        { name: 'bare', id: 'id2', hostname: 'bare-acme.turso.io' },
      ]);
      assert.deepEqual(parseDatabases({}), []);
      assert.throws(() => parseDatabases({ databases: [{ Name: 'x', DbId: 'y' }] }), ShapeError);
      assert.throws(() => parseDatabases({ databases: {} }), ShapeError);
    });
    it('parses a minted token and a rotation answer', () => {
      assert.equal(parseDatabaseJwt({ jwt: 'a.b.c' }), 'a.b.c');
      assert.throws(() => parseDatabaseJwt({ token: 'a.b.c' }), ShapeError);
      assert.doesNotThrow(() => parseRotated(undefined));
      assert.doesNotThrow(() => parseRotated({}));
      assert.throws(() => parseRotated('ok'), ShapeError);
    });
  });
});
