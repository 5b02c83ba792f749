import * as assert from 'node:assert/strict';
import { parseExpiration } from '../../../src/platform/databases';
import {
  DatabaseIndex, databaseTokenProblems, describeDatabaseToken, findDatabaseTokens, findEnvUrls, lifetimeExpiration, pairedUrl,
  type DatabaseTokenFinding, type ProblemContext,
} from '../../../src/workspace/databaseTokenRules';
import { findTokens } from '../../../src/workspace/tokenFinder';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const SIG = Buffer.alloc(64, 7).toString('base64url');
const jwt = (payload: unknown, alg = 'EdDSA'): string => `${b64({ alg, typ: 'JWT' })}.${b64(payload)}.${SIG}`;

const NOW = 1_800_000_000;
const DAY = 86_400;
const ORDERS = { name: 'orders', id: 'db-orders-id', hostname: 'orders-acme.turso.io', group: 'default' };
const USERS = { name: 'users', id: 'db-users-id', hostname: 'users-acme.turso.io', group: 'default' };
const LONE = { name: 'lone', id: 'db-lone-id', hostname: 'lone-acme.turso.io' };
const GROUP_UUID = 'group-default-uuid';
const index = DatabaseIndex.build([{ accountId: 'acc', organization: 'acme', databases: [ORDERS, USERS, LONE], groups: [{ name: 'default', uuid: GROUP_UUID }] }], true);

function found(text: string): { token: DatabaseTokenFinding; ctx: ProblemContext } {
  const file = findDatabaseTokens(text);
  assert.ok(file, 'a database token is found');
  return { token: file.tokens[0], ctx: { index, urls: file.urls, invalidations: new Map(), now: NOW } };
}

const codes = (text: string, change: Partial<ProblemContext> = {}): string[] => {
  const { token, ctx } = found(text);
  return databaseTokenProblems(token, { ...ctx, ...change }).map((p) => `${p.severity}:${p.code}`);
};

describe('database tokens in env files (pure rules)', () => {
  describe('finding them', () => {
    it('finds a database token with its key, place and claims, never its value; a Platform API scan skips it', () => {
      const value = jwt({ a: 'ro', id: ORDERS.id, iat: NOW - DAY, exp: NOW + 30 * DAY });
      const text = `# app\nTURSO_DATABASE_URL=libsql://orders-acme.turso.io\nTURSO_AUTH_TOKEN="${value}"\n`;
      const file = findDatabaseTokens(text);
      assert.ok(file);
      assert.equal(file.tokens.length, 1);
      const t = file.tokens[0];
      assert.deepEqual({ key: t.key, line: t.line, start: t.startColumn, end: t.endColumn, commented: t.commented }, { key: 'TURSO_AUTH_TOKEN', line: 2, start: 18, end: 18 + value.length, commented: false });
      assert.deepEqual(t.claims, { kind: 'database', targetId: ORDERS.id, access: 'read-only', issuedAt: NOW - DAY, expiresAt: NOW + 30 * DAY, readAttach: [] });
      assert.ok(!JSON.stringify(file).includes(value), 'no value in what is found');
      assert.deepEqual(file.urls, [{ key: 'TURSO_DATABASE_URL', scheme: 'libsql:', host: 'orders-acme.turso.io', line: 1 }]);
      assert.deepEqual(findTokens(text), []);
    });
    it('takes a group token, and leaves out non-EdDSA JWTs and files without database tokens', () => {
      assert.equal(findDatabaseTokens(`T=${jwt({ gid: GROUP_UUID, a: 'rw' })}`)?.tokens[0].claims.kind, 'group');
      assert.equal(findDatabaseTokens(`T=${jwt({ id: ORDERS.id }, 'HS256')}`), undefined);
      assert.equal(findDatabaseTokens('URL=libsql://orders-acme.turso.io'), undefined);
    });
    it('reads *_URL values quoted or not, and skips commented ones and non-URLs', () => {
      const urls = findEnvUrls('A_URL=\'libsql://A.turso.io\'\n# B_URL=libsql://b.turso.io\nC_URL=not a url\nexport D_URL=https://d.example:8080/x\nNAME=libsql://e.turso.io\n');
      assert.deepEqual(urls.map((u) => `${u.key}=${u.scheme}${u.host}`), ['A_URL=libsql:a.turso.io', 'D_URL=https:d.example']);
    });
  });

  describe('problems', () => {
    const fine = `TURSO_DATABASE_URL=libsql://orders-acme.turso.io\nTURSO_AUTH_TOKEN=${jwt({ a: 'rw', id: ORDERS.id, iat: NOW - DAY, exp: NOW + 30 * DAY })}`;
    it('a token for the file\'s database, far from expiry: nothing', () => assert.deepEqual(codes(fine), []));
    it('expired: an error', () => {
      assert.deepEqual(codes(`T=${jwt({ id: ORDERS.id, iat: NOW - 9 * DAY, exp: NOW - 1 })}`), ['error:database-token-expired']);
    });
    it('expiring within 7 days: a warning; 7 days and a second: nothing', () => {
      assert.deepEqual(codes(`T=${jwt({ id: ORDERS.id, exp: NOW + 7 * DAY })}`), ['warning:database-token-expiring']);
      assert.deepEqual(codes(`T=${jwt({ id: ORDERS.id, exp: NOW + 7 * DAY + 1 })}`), []);
    });
    it('for another database than TURSO_DATABASE_URL: an error naming both', () => {
      const { token, ctx } = found(`TURSO_DATABASE_URL=libsql://users-acme.turso.io\nTURSO_AUTH_TOKEN=${jwt({ id: ORDERS.id })}`);
      const problems = databaseTokenProblems(token, ctx);
      assert.deepEqual(problems.map((p) => p.code), ['database-token-other-database']);
      assert.equal(problems[0].severity, 'error');
      assert.match(problems[0].message, /database "orders" of acme.*TURSO_DATABASE_URL.*database "users" of acme/);
    });
    it('a URL of a host no account has: named by its host', () => {
      const { token, ctx } = found(`TURSO_DATABASE_URL=libsql://stranger-x.turso.io\nTURSO_AUTH_TOKEN=${jwt({ id: ORDERS.id })}`);
      assert.match(databaseTokenProblems(token, ctx)[0].message, /stranger-x\.turso\.io/);
    });
    it('pairs a token with the URL of its prefix when the file has several', () => {
      const text = `USERS_DATABASE_URL=libsql://users-acme.turso.io\nORDERS_DATABASE_URL=libsql://orders-acme.turso.io\nORDERS_AUTH_TOKEN=${jwt({ id: ORDERS.id })}`;
      assert.deepEqual(codes(text), []);
      const wrong = `USERS_DATABASE_URL=libsql://users-acme.turso.io\nORDERS_DATABASE_URL=libsql://orders-acme.turso.io\nUSERS_AUTH_TOKEN=${jwt({ id: ORDERS.id })}`;
      assert.deepEqual(codes(wrong), ['error:database-token-other-database']);
      const unpaired = `USERS_DATABASE_URL=libsql://users-acme.turso.io\nORDERS_DATABASE_URL=libsql://orders-acme.turso.io\nSECRET=${jwt({ id: ORDERS.id })}`;
      assert.deepEqual(codes(unpaired), [], 'two URLs and no pair: nothing compared');
    });
    it('a group token: fine for any database of its group, an error for one outside it', () => {
      assert.deepEqual(codes(`TURSO_DATABASE_URL=libsql://users-acme.turso.io\nTURSO_AUTH_TOKEN=${jwt({ gid: GROUP_UUID })}`), []);
      const { token, ctx } = found(`TURSO_DATABASE_URL=libsql://lone-acme.turso.io\nTURSO_AUTH_TOKEN=${jwt({ gid: GROUP_UUID })}`);
      const [problem] = databaseTokenProblems(token, ctx);
      assert.equal(problem.code, 'database-token-other-database');
      assert.match(problem.message, /group "default" of acme.*database "lone" of acme/);
    });
    it('a commented-out token is not compared with the URL', () => {
      assert.deepEqual(codes(`TURSO_DATABASE_URL=libsql://users-acme.turso.io\n# TURSO_AUTH_TOKEN=${jwt({ id: ORDERS.id })}`), []);
    });
    it('invalidated in this editor after it was created: an error; created after: nothing', () => {
      const text = `T=${jwt({ id: ORDERS.id, iat: NOW - DAY })}`;
      assert.deepEqual(codes(text, { invalidations: new Map([[ORDERS.id, NOW - 10]]) }), ['error:database-token-invalidated']);
      assert.deepEqual(codes(text, { invalidations: new Map([[ORDERS.id, NOW - 2 * DAY]]) }), []);
      assert.deepEqual(codes(text, { invalidations: new Map([[ORDERS.id, NOW - DAY]]) }), [], 'the same second: not before');
    });
    it('a database token is invalidated with its group (its key is the group\'s)', () => {
      assert.deepEqual(codes(`T=${jwt({ id: ORDERS.id, iat: NOW - DAY })}`, { invalidations: new Map([[GROUP_UUID, NOW]]) }), ['error:database-token-invalidated']);
      assert.deepEqual(codes(`T=${jwt({ id: LONE.id, iat: NOW - DAY })}`, { invalidations: new Map([[GROUP_UUID, NOW]]) }), []);
    });
    it('unknown database: information, only when every organization answered', () => {
      assert.deepEqual(codes(`T=${jwt({ id: 'nobody-knows' })}`), ['information:database-token-unknown']);
      assert.deepEqual(codes(`T=${jwt({ gid: 'nobody-knows' })}`), ['information:database-token-unknown']);
      assert.deepEqual(codes(`T=${jwt({ id: 'nobody-knows' })}`, { index: DatabaseIndex.build([], false) }), []);
      assert.deepEqual(codes(`T=${jwt({ id: 'nobody-knows' })}`, { index: undefined }), []);
    });
    it('the hover rows name the database, access and expiry, not the value', () => {
      const { token } = found(`T=${jwt({ a: 'ro', id: ORDERS.id, exp: NOW })}`);
      const rows = Object.fromEntries(describeDatabaseToken(token.claims, index.homeOf(token.claims)));
      assert.equal(rows.Database, 'orders');
      assert.equal(rows.Organization, 'acme');
      assert.equal(rows.Access, 'Read-only');
      assert.match(rows.Expires, /UTC$/);
    });
  });

  describe('pairedUrl', () => {
    it('ignores URLs that are not databases\'', () => {
      const urls = findEnvUrls('NEXT_PUBLIC_URL=https://example.com\nTURSO_DATABASE_URL=libsql://orders-acme.turso.io');
      assert.equal(pairedUrl({ key: 'DB_TOKEN' }, urls, () => false)?.key, 'TURSO_DATABASE_URL');
    });
  });

  describe('lifetimeExpiration', () => {
    const cases: [number | undefined, number | undefined, string][] = [
      [NOW, undefined, 'never'],
      [NOW, NOW + 30 * DAY, '30d'],
      [NOW, NOW + 7 * DAY, '7d'],
      [NOW, NOW + DAY + 12 * 3600, '1d12h'],
      [NOW, NOW + 45 * 60 + 29, '45m'],
      [NOW, NOW + 45 * 60 + 31, '46m'],
      [NOW, NOW + 10, '1m'],
      [NOW, NOW + 90 * DAY + 3 * 3600 + 5 * 60, '90d3h5m'],
      [undefined, NOW + DAY, '7d'],
    ];
    for (const [iat, exp, expected] of cases) {
      it(`iat ${iat ?? '-'}, exp ${exp === undefined ? '-' : `+${exp - NOW}s`} → ${expected}, which the API takes`, () => {
        const value = lifetimeExpiration({ issuedAt: iat, expiresAt: exp });
        assert.equal(value, expected);
        assert.notEqual(parseExpiration(value), undefined);
      });
    }
  });
});
