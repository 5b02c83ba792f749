import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { TursoClient, type RequestEvent, type TursoClientOptions } from '../../../src/platform/client';
import { TursoApiError, type TursoErrorKind } from '../../../src/platform/errors';
import { startEmulator, type TursoEmulator } from '../../emulator/server';

const UA = 'turso-api-tokens-vscode/test';

describe('TursoClient against the emulator', () => {
  let emu: TursoEmulator;
  /** Every error a test saw, to check afterwards that none carries a credential. */
  const seenErrors: TursoApiError[] = [];

  before(async () => {
    emu = await startEmulator({ port: 0 });
  });
  after(async () => {
    await emu?.close();
  });
  beforeEach(() => emu.reset());

  function client(options: Partial<TursoClientOptions> = {}): TursoClient {
    return new TursoClient({
      baseUrl: emu.url,
      token: emu.demoToken,
      userAgent: UA,
      timeoutMs: 2000,
      retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 1500 },
      ...options,
    });
  }

  async function failure(promise: Promise<unknown>, kind: TursoErrorKind): Promise<TursoApiError> {
    try {
      await promise;
    } catch (err) {
      assert.ok(err instanceof TursoApiError, `expected a TursoApiError, got ${String(err)}`);
      seenErrors.push(err);
      assert.equal(err.kind, kind, err.message);
      return err;
    }
    assert.fail(`expected a ${kind} error, but the call succeeded`);
  }

  const apiRequests = (): { method: string; path: string }[] => emu.requests.map((r) => ({ method: r.method, path: r.path }));

  describe('current user', () => {
    it('reads GET /v1/user and sends the User-Agent', async () => {
      const user = await client().getCurrentUser();
      assert.equal(user.username, 'demo');
      assert.equal(user.name, 'Demo User');
      assert.equal(user.plan, 'developer');
      assert.deepEqual(apiRequests(), [{ method: 'GET', path: '/v1/user' }]);
      assert.equal(emu.requests[0].userAgent, UA);
      assert.equal(emu.requests[0].authorized, true);
    });

    it('falls back to /v1/current-user on 404, and remembers it', async () => {
      emu.injectFault({ method: 'GET', path: '/v1/user', kind: 'status', status: 404, error: 'not found' });
      const c = client();
      assert.equal((await c.getCurrentUser()).username, 'demo');
      assert.equal((await c.getCurrentUser()).username, 'demo');
      assert.deepEqual(apiRequests().map((r) => r.path), ['/v1/user', '/v1/current-user', '/v1/current-user']);
    });
  });

  describe('validate', () => {
    it('gives the expiry of a login token (about 7 days)', async () => {
      const v = await client().validateToken();
      assert.ok(v.expiresAt !== undefined);
      const days = (v.expiresAt - Date.now() / 1000) / 86_400;
      assert.ok(days > 6.9 && days <= 7.01, `expected ~7 days, got ${days}`);
    });

    it('gives "never" for an API token', async () => {
      assert.deepEqual(await client({ token: emu.demoApiToken }).validateToken(), {});
    });

    it('validates the given token with that token as bearer, not the client\'s', async () => {
      const expired = emu.mintLoginToken({ expiresInSeconds: -60 });
      const err = await failure(client().validateToken(expired), 'unauthorized');
      assert.equal(err.status, 401);
      assert.deepEqual(await client().validateToken(emu.demoApiToken), {});
    });

    it('rejects a malformed token with the server\'s reason', async () => {
      const err = await failure(client({ token: 'abc' }).validateToken(), 'unauthorized');
      assert.match(err.message, /invalid number of segments/);
    });
  });

  describe('API tokens', () => {
    it('lists the seeded tokens with their scope and date', async () => {
      const tokens = await client().listApiTokens();
      const byName = new Map(tokens.map((t) => [t.name, t]));
      assert.deepEqual([...byName.keys()].sort(), ['ci-bot', 'deploy-bot', 'provisioner', 'studio-deploy']);
      assert.equal(byName.get('ci-bot')?.organization, undefined);
      assert.equal(byName.get('ci-bot')?.createdAt, '2026-04-12');
      assert.equal(byName.get('deploy-bot')?.organization, 'acme');
      assert.deepEqual(byName.get('provisioner'), { ...byName.get('provisioner'), organization: 'acme', group: 'default', scopes: ['read'] });
    });

    it('creates unrestricted, organization and group tokens in one request each', async () => {
      const c = client();
      const plain = await c.createApiToken('plain-token');
      const org = await c.createApiToken('org-token', { organization: 'acme' });
      const group = await c.createApiToken('group-token', { organization: 'acme', group: 'analytics', scopes: ['read-only'] });
      assert.equal(emu.requests.filter((r) => r.method === 'POST').length, 3);
      assert.deepEqual(emu.requests.find((r) => r.path === '/v1/auth/api-tokens/plain-token')?.body, undefined);
      assert.deepEqual(emu.requests.find((r) => r.path === '/v1/auth/api-tokens/group-token')?.body, { organization: 'acme', group: 'analytics', scopes: ['read-only'] });
      for (const created of [plain, org, group]) {
        assert.match(created.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
        assert.deepEqual(await client({ token: created.token }).validateToken(), {}, 'a minted token never expires');
      }
      const listed = new Map((await c.listApiTokens()).map((t) => [t.name, t]));
      assert.equal(listed.get('plain-token')?.id, plain.id);
      assert.equal(listed.get('org-token')?.organization, 'acme');
      assert.deepEqual(listed.get('group-token')?.scopes, ['read']);
      assert.match(listed.get('org-token')?.createdAt ?? '', /^\d{4}-\d{2}-\d{2}$/);
    });

    it('reports a duplicate name as a conflict with the server\'s words', async () => {
      const err = await failure(client().createApiToken('ci-bot'), 'conflict');
      assert.equal(err.status, 409);
      assert.ok(err.serverMessage && err.serverMessage.length > 0);
    });

    it('reports a bad name as a bad request; URL-encodes it on the wire', async () => {
      const err = await failure(client().createApiToken('bad/name'), 'badRequest');
      assert.equal(err.status, 400);
      assert.ok(apiRequests().some((r) => r.path === '/v1/auth/api-tokens/bad%2Fname'), JSON.stringify(apiRequests()));
      await failure(client().createApiToken('../user'), 'badRequest');
      assert.ok(apiRequests().some((r) => r.path === '/v1/auth/api-tokens/..%2Fuser'), JSON.stringify(apiRequests()));
    });

    it('reports unknown organizations and groups as not found, member-only orgs as forbidden', async () => {
      await failure(client().createApiToken('x1', { organization: 'nope' }), 'notFound');
      await failure(client().createApiToken('x2', { organization: 'acme', group: 'nope', scopes: ['read'] }), 'notFound');
      await failure(client().createApiToken('x3', { organization: 'partner', group: 'default', scopes: ['read'] }), 'forbidden');
      await failure(client().createApiToken('x4', { organization: 'acme', group: 'default', scopes: ['fly'] }), 'badRequest');
    });

    it('revokes by name; the revoked token stops working at once', async () => {
      const c = client();
      const created = await c.createApiToken('short-lived');
      const other = client({ token: created.token });
      assert.equal((await other.getCurrentUser()).username, 'demo');
      await c.revokeApiToken('short-lived');
      assert.equal(emu.requests.at(-1)?.method, 'DELETE');
      await failure(other.getCurrentUser(), 'unauthorized');
      assert.ok(!(await c.listApiTokens()).some((t) => t.name === 'short-lived'));
    });

    it('reports revoking an unknown token as not found', async () => {
      await failure(client().revokeApiToken('no-such-token'), 'notFound');
    });
  });

  describe('organizations and groups', () => {
    it('lists organizations (bare array) and an organization\'s groups', async () => {
      const orgs = await client().listOrganizations();
      assert.deepEqual(orgs.map((o) => o.slug).sort(), ['acme', 'demo', 'partner', 'studio']);
      const groups = await client().listGroups('acme');
      assert.deepEqual(groups.map((g) => g.name).sort(), ['analytics', 'default']);
      await failure(client().listGroups('nope'), 'notFound');
    });
  });

  describe('faults', () => {
    const statusCases: [number, TursoErrorKind][] = [
      [400, 'badRequest'], [401, 'unauthorized'], [403, 'forbidden'], [404, 'notFound'], [409, 'conflict'], [500, 'server'],
    ];
    for (const [status, kind] of statusCases) {
      it(`HTTP ${status} → ${kind}, carrying the server's error text`, async () => {
        emu.injectFault({ path: '/v1/auth/api-tokens', kind: 'status', status, error: `injected ${status}` });
        const err = await failure(client().listApiTokens(), kind);
        assert.equal(err.status, status);
        assert.equal(err.serverMessage, `injected ${status}`);
        assert.equal(emu.requests.length, 1, 'not retried');
      });
    }

    it('retries a GET after 502/503 and succeeds', async () => {
      emu.injectFault({ path: '/v1/auth/api-tokens', kind: 'status', status: 503, error: 'busy', times: 1 });
      emu.injectFault({ path: '/v1/auth/api-tokens', kind: 'status', status: 502, error: 'bad gateway', times: 1 });
      const events: RequestEvent[] = [];
      const tokens = await client({ onRequest: (e) => events.push(e) }).listApiTokens();
      assert.equal(tokens.length, 4);
      assert.equal(emu.requests.length, 3);
      assert.deepEqual(events.map((e) => e.attempt), [1, 2, 3]);
    });

    it('gives up after the bounded number of GET attempts', async () => {
      emu.injectFault({ path: '/v1/auth/api-tokens', kind: 'status', status: 503, error: 'busy' });
      await failure(client().listApiTokens(), 'server');
      assert.equal(emu.requests.length, 3);
    });

    // Retry-After and the backoff, to the millisecond on a fake clock: retryTiming.test.ts.

    it('does not wait for a Retry-After longer than the policy allows; says when to retry', async () => {
      emu.injectFault({ path: '/v1/auth/api-tokens', kind: 'status', status: 429, error: 'slow down', headers: { 'Retry-After': '120' } });
      const err = await failure(client().listApiTokens(), 'rateLimited');
      assert.equal(err.retryAfterSeconds, 120);
      assert.match(err.message, /try again in 120 s/);
      assert.equal(emu.requests.length, 1);
    });

    it('never retries a POST or a DELETE', async () => {
      emu.injectFault({ method: 'POST', kind: 'status', status: 503, error: 'busy' });
      emu.injectFault({ method: 'DELETE', kind: 'status', status: 503, error: 'busy' });
      await failure(client().createApiToken('once'), 'server');
      await failure(client().revokeApiToken('ci-bot'), 'server');
      assert.deepEqual(apiRequests().map((r) => r.method), ['POST', 'DELETE']);
    });

    it('times out when the server holds the request', async () => {
      emu.injectFault({ path: '/v1/user', kind: 'timeout' });
      const err = await failure(client({ timeoutMs: 200 }).getCurrentUser(), 'timeout');
      assert.match(err.message, /did not answer in time/);
    });

    it('reports a malformed body, a wrong shape and an oversized body as bad responses', async () => {
      emu.injectFault({ path: '/v1/auth/api-tokens', kind: 'malformed', times: 1 });
      const malformed = await failure(client().listApiTokens(), 'badResponse');
      assert.match(malformed.message, /not JSON/);
      emu.injectFault({ path: '/v1/auth/api-tokens', kind: 'wrong-shape', times: 1 });
      await failure(client().listApiTokens(), 'badResponse');
      emu.injectFault({ path: '/v1/auth/api-tokens', kind: 'huge', times: 1 });
      const huge = await failure(client({ maxResponseBytes: 1024 * 1024 }).listApiTokens(), 'badResponse');
      assert.match(huge.message, /larger than/);
    });

    it('reports a dropped connection and a refused connection as network errors', async () => {
      emu.injectFault({ path: '/v1/user', kind: 'reset' });
      await failure(client({ retry: { attempts: 1 } }).getCurrentUser(), 'network');
      const port = await closedPort();
      const err = await failure(client({ baseUrl: `http://127.0.0.1:${port}`, retry: { attempts: 2, baseDelayMs: 1 } }).listApiTokens(), 'network');
      assert.match(err.message, /ECONNREFUSED/);
    });

    it('stops at once when cancelled', async () => {
      emu.injectFault({ path: '/v1/user', kind: 'timeout' });
      const controller = new AbortController();
      const pending = client({ timeoutMs: 5000 }).getCurrentUser({ signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      const started = Date.now();
      await failure(pending, 'cancelled');
      assert.ok(Date.now() - started < 2000);
    });
  });

  // Mocha runs a suite's own tests before its nested suites: this one must come last, so it is nested too.
  describe('secrets', () => {
    it('never puts a credential in an error message', async () => {
      // Errors that quote the request back: a server echoing the bearer, a refused connection.
      emu.injectFault({ path: '/v1/auth/api-tokens', kind: 'status', status: 400, error: `bad header: Bearer ${emu.demoToken}` });
      const echoed = await failure(client().listApiTokens(), 'badRequest');
      assert.match(echoed.message, /\[redacted\]/);
      assert.ok(seenErrors.length > 15, `checked ${seenErrors.length} errors`);
      const secrets = [emu.demoToken, emu.demoApiToken, ...emu.demoToken.split('.').filter((p) => p.length > 20)];
      for (const err of seenErrors) {
        for (const text of [err.message, err.serverMessage ?? '', err.detail ?? '', String(err.stack)]) {
          for (const secret of secrets) {
            assert.ok(!text.includes(secret), `secret in: ${text}`);
          }
        }
      }
    });
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
