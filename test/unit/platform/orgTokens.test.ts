// The client's organization-token, member and session-invalidation calls, against the emulator
// (seed: studio with demo owner and alice member), plus the shapes they refuse.
import * as assert from 'node:assert/strict';
import { Response } from 'node-fetch';
import { TursoClient, type TursoClientOptions } from '../../../src/platform/client';
import { mayHaveTakenEffect, TursoApiError, type TursoErrorKind } from '../../../src/platform/errors';
import { parseInvalidation, parseMember, parseOrganizationTokenList, parseRevokedId, ShapeError } from '../../../src/platform/shapes';
import { managesAllOrganizationTokens, MEMBER_ROLES } from '../../../src/platform/types';
import { startEmulator, type TursoEmulator } from '../../emulator/server';

describe('TursoClient: organization tokens, members and sessions', () => {
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
  const alice = (): TursoClient => client({ token: emu.aliceToken });

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
  const lastPath = (): string => emu.requests.at(-1)?.path ?? '';

  describe('listOrganizationTokens', () => {
    it('the owner gets every member\'s token with its owner; the member only hers, without owner', async () => {
      assert.deepEqual((await client().listOrganizationTokens('studio')).map((t) => ({ ...t, id: '' })), [
        { name: 'studio-deploy', id: '', organization: 'studio', createdAt: '2026-05-28', owner: { username: 'demo', email: 'demo@example.com' } },
        { name: 'studio-sync', id: '', organization: 'studio', createdAt: '2026-05-30', owner: { username: 'alice', email: 'alice@example.com' } },
      ]);
      assert.deepEqual((await alice().listOrganizationTokens('studio')).map((t) => [t.name, t.owner]), [['studio-sync', undefined]]);
      assert.equal(lastPath(), '/v1/organizations/studio/api-tokens');
    });

    it('group-scoped tokens come with group and scopes; unrestricted ones never', async () => {
      const acme = await client().listOrganizationTokens('acme');
      assert.deepEqual(acme.map((t) => t.name).sort(), ['analytics-reader', 'ci-bot', 'deploy-bot', 'provisioner']);
      const reader = acme.find((t) => t.name === 'analytics-reader');
      assert.deepEqual([reader?.group, reader?.scopes, reader?.owner?.username], ['analytics', ['read', 'db:mint-token'], 'alice']);
      const ciBots = acme.filter((t) => t.name === 'ci-bot');
      assert.deepEqual(ciBots.map((t) => t.owner?.username), ['alice'], 'demo\'s unrestricted ci-bot is not there');
    });

    it('1,000 tokens in one answer', async () => {
      emu.addOrgTokens({ organization: 'studio', count: 1000, owner: 'alice' });
      const started = Date.now();
      const tokens = await client().listOrganizationTokens('studio');
      const ms = Date.now() - started;
      assert.equal(tokens.length, 1002);
      assert.equal(tokens.filter((t) => t.owner?.username === 'alice').length, 1001);
      assert.ok(ms < 2000, `took ${ms} ms`);
    });

    it('404 for an unknown organization or one the user is not in; 403 for a token of another org', async () => {
      await failure(client().listOrganizationTokens('nope'), 'notFound');
      await failure(client().listOrganizationTokens('alice'), 'notFound');
      const acmeOnly = emu.addApiToken({ name: 'acme-only', organization: 'acme' });
      const err = await failure(client({ token: acmeOnly.token }).listOrganizationTokens('studio'), 'forbidden');
      assert.match(err.message, /restricted to organization "acme"/);
    });

    it('encodes the organization as one path segment', async () => {
      await failure(client().listOrganizationTokens('a/b c?#'), 'notFound');
      assert.equal(lastPath(), '/v1/organizations/a%2Fb%20c%3F%23/api-tokens');
      await failure(client().listOrganizationTokens('..'), 'badRequest');
      assert.equal(lastPath(), '/v1/organizations/a%2Fb%20c%3F%23/api-tokens', '".." is not sent');
    });

    it('a wrong shape, a malformed or a huge body is a bad response; 503 is retried', async () => {
      for (const kind of ['wrong-shape', 'malformed', 'huge'] as const) {
        emu.injectFault({ path: '/v1/organizations/studio/api-tokens', kind, times: 1 });
        await failure(client().listOrganizationTokens('studio'), 'badResponse');
      }
      emu.injectFault({ path: '/v1/organizations/studio/api-tokens', kind: 'status', status: 503, times: 2 });
      assert.equal((await client().listOrganizationTokens('studio')).length, 2);
      assert.equal(emu.requests.filter((r) => r.path === '/v1/organizations/studio/api-tokens').length, 6);
    });

    it('a server that lacks the endpoint (404) is notFound, and nothing else is tried', async () => {
      emu.setRouteEnabled('list-org-tokens', false);
      await failure(client().listOrganizationTokens('studio'), 'notFound');
      assert.equal(emu.requests.length, 1);
    });
  });

  describe('getMember', () => {
    it('gives the role of each member; who manages every token', async () => {
      const owner = await client().getMember('studio', 'demo');
      assert.deepEqual(owner, { username: 'demo', role: 'owner', email: 'demo@example.com' });
      const member = await client().getMember('studio', 'alice');
      assert.deepEqual(member, { username: 'alice', role: 'member', email: 'alice@example.com' });
      assert.equal(managesAllOrganizationTokens(owner.role), true);
      assert.equal(managesAllOrganizationTokens(member.role), false);
      emu.setMemberRole('studio', 'alice', 'viewer');
      assert.equal((await alice().getMember('studio', 'alice')).role, 'viewer');
      assert.deepEqual(MEMBER_ROLES.map(managesAllOrganizationTokens), [true, true, false, false]);
    });

    it('404 for someone not in the organization; both parts URL-encoded', async () => {
      const err = await failure(client().getMember('demo', 'alice'), 'notFound');
      assert.equal(err.serverMessage, 'could not find member');
      await failure(client().getMember('stu dio', 'a/b?c'), 'notFound');
      assert.equal(lastPath(), '/v1/organizations/stu%20dio/members/a%2Fb%3Fc');
    });

    it('a wrong-shape body is a bad response', async () => {
      emu.injectFault({ path: '/v1/organizations/studio/members/*', kind: 'wrong-shape', times: 1 });
      await failure(client().getMember('studio', 'alice'), 'badResponse');
    });
  });

  describe('revokeOrganizationToken', () => {
    it('a member revoking another member\'s token: forbidden, with the server\'s reason, and the token lives', async () => {
      const demoToken = emu.addApiToken({ name: 'demo-in-studio', organization: 'studio' });
      const err = await failure(alice().revokeOrganizationToken('studio', demoToken.id), 'forbidden');
      assert.equal(err.status, 403);
      assert.equal(err.serverMessage, 'you can only revoke API tokens you minted');
      assert.match(err.message, /not allowed/);
      assert.equal(mayHaveTakenEffect(err), false);
      assert.deepEqual(await client({ token: demoToken.token }).validateToken(), {});
    });

    it('the member revokes her own; the owner revokes hers; each is 401 at once', async () => {
      const own = emu.addApiToken({ name: 'hers-1', owner: 'alice', organization: 'studio' });
      await alice().revokeOrganizationToken('studio', own.id);
      await failure(client({ token: own.token }).validateToken(), 'unauthorized');
      const other = emu.addApiToken({ name: 'hers-2', owner: 'alice', organization: 'studio' });
      await client().revokeOrganizationToken('studio', other.id);
      await failure(client({ token: other.token }).getCurrentUser(), 'unauthorized');
      assert.deepEqual((await client().listOrganizationTokens('studio')).map((t) => t.name), ['studio-deploy', 'studio-sync']);
    });

    it('notFound for an unknown, revoked, unrestricted or other-org id; never retried', async () => {
      const demoIds = new Map((await client().listApiTokens()).map((t) => [t.name, t.id]));
      const revoked = emu.addApiToken({ name: 'gone', organization: 'studio' });
      await client().revokeOrganizationToken('studio', revoked.id);
      for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', revoked.id, demoIds.get('ci-bot')!, demoIds.get('deploy-bot')!]) {
        await failure(client().revokeOrganizationToken('studio', id), 'notFound');
      }
      emu.injectFault({ method: 'DELETE', kind: 'status', status: 503, times: 1 });
      await failure(client().revokeOrganizationToken('studio', demoIds.get('studio-deploy')!), 'server');
      assert.equal(emu.requests.filter((r) => r.method === 'DELETE').length, 6, 'one request each');
    });

    it('encodes the id; an answer naming another id, a wrong shape or a malformed body is a bad response that may have taken effect', async () => {
      await failure(client().revokeOrganizationToken('studio', 'x/y?z'), 'notFound');
      assert.equal(lastPath(), '/v1/organizations/studio/api-tokens/x%2Fy%3Fz');
      for (const kind of ['wrong-shape', 'malformed'] as const) {
        emu.injectFault({ method: 'DELETE', kind, times: 1 });
        const err = await failure(client().revokeOrganizationToken('studio', 'AAAAAAAAAAAAAAAAAAAAAA'), 'badResponse');
        assert.equal(mayHaveTakenEffect(err), true);
      }
      const other = fixed(200, { token: 'BBBBBBBBBBBBBBBBBBBBBB' });
      await failure(other.revokeOrganizationToken('studio', 'AAAAAAAAAAAAAAAAAAAAAA'), 'badResponse');
      await fixed(200, { token: 'AAAAAAAAAAAAAAAAAAAAAA' }).revokeOrganizationToken('studio', 'AAAAAAAAAAAAAAAAAAAAAA');
      await fixed(200, '').revokeOrganizationToken('studio', 'AAAAAAAAAAAAAAAAAAAAAA');
    });
  });

  describe('invalidateSessions', () => {
    it('ends every earlier login session of this account, not its API tokens nor the other account\'s', async () => {
      const before = emu.mintLoginToken();
      const result = await client({ token: before }).invalidateSessions();
      assert.ok(result.validFrom !== undefined && Math.abs(result.validFrom - Date.now() / 1000) < 5, JSON.stringify(result));
      for (const token of [before, emu.demoToken]) await failure(client({ token }).getCurrentUser(), 'unauthorized');
      assert.equal((await client({ token: emu.demoApiToken }).getCurrentUser()).username, 'demo');
      assert.equal((await alice().getCurrentUser()).username, 'alice');
      assert.equal((await client({ token: emu.mintLoginToken() }).getCurrentUser()).username, 'demo', 'a later sign-in works');
    });

    it('404 (route switched off) and 405 are "not supported by this server"; nothing is retried or invalidated', async () => {
      emu.setRouteEnabled('invalidate', false);
      const err = await failure(client().invalidateSessions(), 'notSupported');
      assert.equal(err.status, 404);
      assert.match(err.message, /does not offer it/);
      assert.equal(mayHaveTakenEffect(err), false);
      assert.equal((await client().getCurrentUser()).username, 'demo', 'the session still works');
      emu.reset();
      emu.injectFault({ path: '/v1/auth/invalidate', kind: 'status', status: 405, times: 1 });
      assert.equal((await failure(client().invalidateSessions(), 'notSupported')).status, 405);
      assert.equal(emu.requests.length, 1);
    });

    it('other failures keep their kind: 401, 500 (may have taken effect), a bad body', async () => {
      await failure(client({ token: 'not.a.jwt-at-all' }).invalidateSessions(), 'unauthorized');
      emu.injectFault({ path: '/v1/auth/invalidate', kind: 'status', status: 500, times: 1 });
      assert.equal(mayHaveTakenEffect(await failure(client().invalidateSessions(), 'server')), true);
      emu.injectFault({ path: '/v1/auth/invalidate', kind: 'wrong-shape', times: 1 });
      await failure(client().invalidateSessions(), 'badResponse');
    });
  });

  /** A client whose every request gets this answer (no emulator). */
  function fixed(status: number, body: unknown): TursoClient {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return new TursoClient({
      baseUrl: 'http://127.0.0.1:9', token: 't', userAgent: 'test', retry: { attempts: 1 },
      fetchImpl: async () => new Response(text, { status, headers: { 'Content-Type': 'application/json' } }),
    });
  }
});

describe('shapes of organization tokens, members and invalidation', () => {
  const refuses = (fn: () => unknown, pattern: RegExp): void => assert.throws(fn, (e: unknown) => e instanceof ShapeError && pattern.test(e.message));

  it('organization token list: an owner without a username (the spec requires no field) is kept, without a name; the other rows too', () => {
    const list = parseOrganizationTokenList({ tokens: [
      { name: 'a', id: 'i', owner: { email: 'e' } },
      { name: 'b', id: 'j', owner: {} },
      { name: 'c', id: 'k', owner: { username: 'u' } },
    ] }, 'o');
    assert.deepEqual(list.map((t) => [t.name, t.owner]), [['a', { email: 'e' }], ['b', {}], ['c', { username: 'u' }]]);
  });

  it('organization token list: null is none; another org, a bad owner or a bad field is refused', () => {
    assert.deepEqual(parseOrganizationTokenList({ tokens: null }, 'o'), []);
    assert.deepEqual(parseOrganizationTokenList({ tokens: [{ name: 'a', id: 'i' }] }, 'o'), [{ name: 'a', id: 'i', organization: 'o' }]);
    assert.deepEqual(parseOrganizationTokenList({ tokens: [{ name: 'a', id: 'i', organization: 'o', owner: { username: 'u' } }] }, 'o')[0].owner, { username: 'u' });
    refuses(() => parseOrganizationTokenList({ tokens: [{ name: 'a', id: 'i', organization: 'other' }] }, 'o'), /not the organization asked for/);
    refuses(() => parseOrganizationTokenList({ tokens: [{ name: 'a', id: 'i', owner: 'u' }] }, 'o'), /owner is not an object/);
    refuses(() => parseOrganizationTokenList({ tokens: [{ name: 'a', id: 'i', owner: { username: 5 } }] }, 'o'), /owner\.username/);
    refuses(() => parseOrganizationTokenList({ tokens: [{ name: 'a', id: 'i', owner: { username: 'u', email: 3 } }] }, 'o'), /owner\.email/);
    refuses(() => parseOrganizationTokenList({ tokens: [{ name: 'a' }] }, 'o'), /tokens\[0\]\.id/);
    refuses(() => parseOrganizationTokenList({ tokens: 'nope' }, 'o'), /not a list/);
    refuses(() => parseOrganizationTokenList([], 'o'), /not an object/);
  });

  it('member: username and role are required text; an unknown role is kept as it is', () => {
    assert.deepEqual(parseMember({ member: { username: 'u', role: 'billing' } }), { username: 'u', role: 'billing' });
    refuses(() => parseMember({ member: { username: 'u' } }), /member\.role/);
    refuses(() => parseMember({ member: { username: 'u', role: ['owner'] } }), /member\.role/);
    refuses(() => parseMember({ user: {} }), /member is not an object/);
  });

  it('revoke by id: only the same id, {} or nothing counts', () => {
    parseRevokedId({ token: 'x' }, 'x');
    parseRevokedId({}, 'x');
    parseRevokedId(undefined, 'x');
    refuses(() => parseRevokedId({ token: 'y' }, 'x'), /not the id/);
    refuses(() => parseRevokedId({ token: 42 }, 'x'), /not text/);
    refuses(() => parseRevokedId('x', 'x'), /not an object/);
  });

  it('invalidation: validFrom in any letter case, optional; a non-integer is refused', () => {
    assert.deepEqual(parseInvalidation({ validFrom: 1700000000 }), { validFrom: 1700000000 });
    assert.deepEqual(parseInvalidation({ ValidFrom: 5 }), { validFrom: 5 });
    assert.deepEqual(parseInvalidation({}), {});
    assert.deepEqual(parseInvalidation(undefined), {});
    refuses(() => parseInvalidation({ validFrom: 'yesterday' }), /validFrom/);
    refuses(() => parseInvalidation({ validFrom: 1.5 }), /validFrom/);
    refuses(() => parseInvalidation([1]), /not an object/);
  });
});
