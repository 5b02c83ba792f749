// Organization tokens (turso-api.md §2.6) and member roles in the emulator: the seeded `studio` org
// (demo owner, alice member), the role rules of the list and revoke-by-id routes, the member route,
// the admin fixtures (roles, many tokens, routes switched off), `/v1/auth/invalidate`, and faults
// and latency on these routes. Bodies are checked against the OpenAPI spec with the shared checker.
import * as assert from 'node:assert/strict';
import type { TursoEmulator } from '../../emulator/server';
import { ORG_TOKENS_CONFORMANCE_ROUTES } from './conformanceElsewhere';
import { call, Reply, useEmulator } from './http';
import { checkSchema, loadSpec, responseSchema, Schema } from './openapi-check';

const spec = loadSpec();
const ERROR_SCHEMA: Schema = { type: 'object', required: ['error'], properties: { error: { type: 'string' } } };
const LIST = '/v1/organizations/{organizationSlug}/api-tokens';
const REVOKE = '/v1/organizations/{organizationSlug}/api-tokens/{tokenId}';
const MEMBER = '/v1/organizations/{organizationSlug}/members/{username}';

interface OrgToken { name: string; id: string; organization: string; group?: string; scopes?: string[]; owner?: { username: string; email: string }; created_at: string }

/** The reply's body, after checking it against the spec's schema for its status (errors: `{"error": string}`). */
function conforms(specPath: string, method: string, r: Reply): unknown {
  assert.equal(r.headers['content-type'], 'application/json', `${method} ${specPath}: content type`);
  assert.notEqual(r.json, undefined, `${method} ${specPath}: body is JSON`);
  const schema = r.status === 200 ? responseSchema(spec, specPath, method, 200) : responseSchema(spec, specPath, method, r.status) ?? ERROR_SCHEMA;
  assert.ok(schema, `${method} ${specPath}: spec documents ${r.status}`);
  assert.deepEqual(checkSchema(spec, schema, r.json), [], `${method} ${specPath} ${r.status}: ${r.text.slice(0, 300)}`);
  return r.json;
}

describe('emulator: organization tokens and member roles', () => {
  let emu: TursoEmulator;
  useEmulator((e) => (emu = e));

  const admin = (method: string, path: string, body?: unknown): Promise<Reply> => call(emu.url, method, `/__emulator${path}`, { body });
  const listReply = (org: string, token: string): Promise<Reply> => call(emu.url, 'GET', `/v1/organizations/${org}/api-tokens`, { token });
  const list = async (org: string, token: string): Promise<OrgToken[]> => {
    const r = await listReply(org, token);
    assert.equal(r.status, 200, r.text);
    return (conforms(LIST, 'GET', r) as { tokens: OrgToken[] }).tokens;
  };
  const revoke = (org: string, id: string, token: string): Promise<Reply> =>
    call(emu.url, 'DELETE', `/v1/organizations/${org}/api-tokens/${encodeURIComponent(id)}`, { token });
  const member = (org: string, username: string, token: string): Promise<Reply> =>
    call(emu.url, 'GET', `/v1/organizations/${org}/members/${username}`, { token });
  const errorOf = (r: Reply): string => (r.json as { error: string }).error;
  /** Mints an org-scoped token through the API as the bearer's user; returns its id and value. */
  const mintIn = async (org: string, name: string, bearer: string): Promise<{ id: string; token: string }> => {
    const r = await call(emu.url, 'POST', `/v1/auth/api-tokens/${name}`, { token: bearer, body: { organization: org } });
    assert.equal(r.status, 200, r.text);
    return r.json as { id: string; token: string };
  };
  const setRole = async (org: string, username: string, role: string | null): Promise<void> => {
    const r = await admin('POST', '/member', { organization: org, username, role });
    assert.equal(r.status, 200, r.text);
  };

  describe('seed: studio (demo owner, alice member) with tokens of both', () => {
    it('the owner sees every org- and group-scoped token with its owner; unrestricted tokens never', async () => {
      const tokens = await list('studio', emu.demoToken);
      assert.deepEqual(tokens.map((t) => [t.name, t.owner?.username, t.created_at]), [
        ['studio-deploy', 'demo', '2026-05-28'],
        ['studio-sync', 'alice', '2026-05-30'],
      ]);
      assert.deepEqual(tokens[1].owner, { username: 'alice', email: 'alice@example.com' });
      for (const t of tokens) assert.deepEqual(Object.keys(t), ['name', 'id', 'organization', 'owner', 'created_at']);
      assert.ok(tokens.every((t) => t.organization === 'studio'));
      const names = tokens.map((t) => t.name);
      assert.ok(!names.includes('ci-bot') && !names.includes('alice-cli'), 'unrestricted tokens are not listed');
    });

    it('the member sees only her own tokens, without owner', async () => {
      const tokens = await list('studio', emu.aliceToken);
      assert.deepEqual(tokens.map((t) => t.name), ['studio-sync']);
      assert.equal(tokens[0].owner, undefined);
      assert.deepEqual(await list('studio', emu.aliceApiToken), tokens, 'the same through her unrestricted API token');
    });

    it('GET …/members/{username} gives each member\'s role and email; anyone in the org may ask', async () => {
      for (const [bearer, who] of [[emu.demoToken, 'demo'], [emu.aliceToken, 'alice']]) {
        const owner = conforms(MEMBER, 'GET', await member('studio', 'demo', bearer));
        assert.deepEqual(owner, { member: { username: 'demo', role: 'owner', email: 'demo@example.com' } }, `asked by ${who}`);
        const m = conforms(MEMBER, 'GET', await member('studio', 'alice', bearer));
        assert.deepEqual(m, { member: { username: 'alice', role: 'member', email: 'alice@example.com' } }, `asked by ${who}`);
      }
      assert.equal(((await member('acme', 'demo', emu.demoToken)).json as { member: { role: string } }).member.role, 'admin');
      assert.equal(((await member('partner', 'demo', emu.demoToken)).json as { member: { role: string } }).member.role, 'member');
    });
  });

  describe('roles', () => {
    it('a viewer sees and revokes only her own tokens (403 on another\'s)', async () => {
      await setRole('studio', 'alice', 'viewer');
      assert.equal(((await member('studio', 'alice', emu.demoToken)).json as { member: { role: string } }).member.role, 'viewer');
      assert.deepEqual((await list('studio', emu.aliceToken)).map((t) => t.name), ['studio-sync']);
      const demoDeploy = (await list('studio', emu.demoToken)).find((t) => t.name === 'studio-deploy')!;
      const r = await revoke('studio', demoDeploy.id, emu.aliceToken);
      assert.equal(r.status, 403);
      conforms(REVOKE, 'DELETE', r);
      const own = (await list('studio', emu.aliceToken))[0];
      assert.deepEqual(conforms(REVOKE, 'DELETE', await revoke('studio', own.id, emu.aliceToken)), { token: own.id });
    });

    it('made admin, alice sees every token with owners and may revoke demo\'s', async () => {
      await setRole('studio', 'alice', 'admin');
      const tokens = await list('studio', emu.aliceToken);
      assert.deepEqual(tokens.map((t) => [t.name, t.owner?.username]), [['studio-deploy', 'demo'], ['studio-sync', 'alice']]);
      assert.equal((await revoke('studio', tokens[0].id, emu.aliceToken)).status, 200);
      assert.deepEqual((await list('studio', emu.demoToken)).map((t) => t.name), ['studio-sync']);
    });

    it('demoted to member, demo (once owner) sees only his own', async () => {
      await setRole('studio', 'demo', 'member');
      const tokens = await list('studio', emu.demoToken);
      assert.deepEqual(tokens.map((t) => [t.name, t.owner]), [['studio-deploy', undefined]]);
    });

    it('a user taken out of the org (role null) gets 404 on its routes; reset() restores the seed roles', async () => {
      await setRole('studio', 'alice', null);
      for (const r of [await listReply('studio', emu.aliceToken), await member('studio', 'demo', emu.aliceToken)]) {
        assert.equal(r.status, 404);
        assert.equal(errorOf(r), 'organization not found');
      }
      assert.equal((await member('studio', 'alice', emu.demoToken)).status, 404, 'no longer a member');
      emu.reset();
      assert.equal(((await member('studio', 'alice', emu.demoToken)).json as { member: { role: string } }).member.role, 'member');
    });

    it('setMemberRole in-process; a role can add a user to an org', async () => {
      emu.setMemberRole('demo', 'alice', 'viewer');
      assert.equal(((await member('demo', 'alice', emu.demoToken)).json as { member: { role: string } }).member.role, 'viewer');
      assert.deepEqual(await list('demo', emu.aliceToken), []);
      assert.throws(() => emu.setMemberRole('studio', 'alice', 'boss' as never), TypeError);
    });
  });

  describe('revoke by id', () => {
    it('a member cannot revoke another\'s token (403) and it keeps working', async () => {
      const demoTok = await mintIn('studio', 'demo-studio-2', emu.demoToken);
      const r = await revoke('studio', demoTok.id, emu.aliceToken);
      assert.equal(r.status, 403);
      assert.match(errorOf(r), /only revoke API tokens you minted/);
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: demoTok.token })).status, 200);
    });

    it('the member\'s own token, revoked by id, is 401 at once on every route and gone from both lists', async () => {
      const mine = await mintIn('studio', 'alice-studio-2', emu.aliceToken);
      assert.equal((await call(emu.url, 'GET', '/v1/organizations/studio/api-tokens', { token: mine.token })).status, 200, 'an org token of studio works on studio');
      const r = await revoke('studio', mine.id, emu.aliceToken);
      assert.deepEqual(r.json, { token: mine.id });
      for (const [m, p] of [['GET', '/v1/user'], ['GET', '/v1/organizations/studio/api-tokens'], ['GET', '/v1/organizations/studio/members/alice']]) {
        const after = await call(emu.url, m, p, { token: mine.token });
        assert.equal(after.status, 401, `${m} ${p}`);
        assert.equal(errorOf(after), 'token has been revoked');
      }
      assert.ok(!(await list('studio', emu.demoToken)).some((t) => t.id === mine.id));
      assert.ok(!(await list('studio', emu.aliceToken)).some((t) => t.id === mine.id));
    });

    it('the owner revokes the member\'s token; it is 401 at once', async () => {
      const hers = await mintIn('studio', 'alice-studio-3', emu.aliceToken);
      assert.equal((await revoke('studio', hers.id, emu.demoToken)).status, 200);
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: hers.token })).status, 401);
    });

    it('404 for unknown, already revoked, unrestricted and other-org ids (error bodies per spec)', async () => {
      const ids = Object.fromEntries(((await call(emu.url, 'GET', '/v1/auth/api-tokens', { token: emu.demoToken })).json as { tokens: OrgToken[] }).tokens.map((t) => [t.name, t.id]));
      const once = await mintIn('studio', 'twice', emu.demoToken);
      assert.equal((await revoke('studio', once.id, emu.demoToken)).status, 200);
      for (const [what, id] of [['unknown', 'AAAAAAAAAAAAAAAAAAAAAA'], ['already revoked', once.id], ['unrestricted', ids['ci-bot']], ['from acme', ids['deploy-bot']], ['not an id', 'a/b ?#%']]) {
        const r = await revoke('studio', id, emu.demoToken);
        assert.equal(r.status, 404, what);
        conforms(REVOKE, 'DELETE', r);
      }
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: emu.demoApiToken })).status, 200, 'the unrestricted token was not touched');
    });

    it('restricted bearers: another org\'s token is 403, a group-scoped token cannot manage tokens', async () => {
      const acmeOnly = emu.addApiToken({ name: 'acme-only', organization: 'acme' });
      const r = await listReply('studio', acmeOnly.token);
      assert.equal(r.status, 403);
      assert.match(errorOf(r), /restricted to organization "acme"/);
      const grp = emu.addApiToken({ name: 'grp', organization: 'studio', group: 'default', scopes: ['read'] });
      assert.equal((await listReply('studio', grp.token)).status, 403);
      assert.equal((await revoke('studio', grp.id, grp.token)).status, 403);
      assert.equal((await member('studio', 'demo', grp.token)).status, 200, 'a group token with "read" may look up members');
    });
  });

  describe('GET …/members/{username}', () => {
    it('404 "could not find member" for a user not in the org or unknown; 404 for an org the caller is not in', async () => {
      for (const who of ['nobody', 'alice']) {
        const r = await member('demo', who, emu.demoToken);
        assert.equal(r.status, 404, who);
        assert.deepEqual(conforms(MEMBER, 'GET', r), { error: 'could not find member' });
      }
      const foreign = await member('alice', 'alice', emu.demoToken);
      assert.equal(foreign.status, 404);
      assert.equal(errorOf(foreign), 'organization not found');
    });

    it('decodes a percent-encoded username; 401 without a valid bearer', async () => {
      assert.equal((await member('studio', '%61lice', emu.demoToken)).status, 200);
      assert.equal((await member('studio', '%zz', emu.demoToken)).status, 404);
      const r = await member('studio', 'alice', 'not-a-jwt');
      assert.equal(r.status, 401);
      conforms(MEMBER, 'GET', r);
    });
  });

  describe('admin fixtures', () => {
    it('POST /__emulator/member refuses bad input (400) and changes nothing then', async () => {
      for (const body of [
        { organization: 'studio', username: 'alice', role: 'boss' },
        { organization: 'studio', username: 'nobody', role: 'member' },
        { organization: 'nope', username: 'alice', role: 'member' },
        { organization: 'studio', username: 'alice', role: 3 },
        { organization: 'studio', username: 'alice' },
        { organization: 42, username: 'alice', role: 'admin' },
        [],
      ]) {
        const r = await admin('POST', '/member', body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(typeof errorOf(r), 'string');
      }
      assert.equal(((await member('studio', 'alice', emu.demoToken)).json as { member: { role: string } }).member.role, 'member');
    });

    it('POST /__emulator/org-tokens seeds 1,000 tokens in an org; the owner lists them all, the member hers', async () => {
      const r = await admin('POST', '/org-tokens', { organization: 'studio', count: 1000, owner: 'alice', prefix: 'load' });
      assert.equal(r.status, 200, r.text);
      const { ids } = r.json as { ids: string[] };
      assert.equal(ids.length, 1000);
      assert.equal(new Set(ids).size, 1000, 'distinct ids');
      const started = Date.now();
      const all = await list('studio', emu.demoToken);
      const ms = Date.now() - started;
      assert.equal(all.length, 1002);
      assert.deepEqual(all.slice(2, 4).map((t) => [t.name, t.owner?.username]), [['load-1', 'alice'], ['load-2', 'alice']]);
      assert.equal(all[1001].name, 'load-1000');
      assert.ok(ms < 2000, `listing 1,002 tokens took ${ms} ms`);
      assert.equal((await list('studio', emu.aliceToken)).length, 1001);
      assert.equal((await revoke('studio', ids[499], emu.demoToken)).status, 200, 'one of them revoked by id');
      assert.equal((await list('studio', emu.demoToken)).length, 1001);
      emu.reset();
      assert.equal((await list('studio', emu.demoToken)).length, 2, 'reset() drops them');
    });

    it('org-tokens: group-scoped with scopes; default owner demo and prefix "bulk"; in-process addOrgTokens', async () => {
      const ids = emu.addOrgTokens({ organization: 'studio', count: 3, group: 'default', scopes: ['read', 'db:create'] });
      const tokens = (await list('studio', emu.demoToken)).filter((t) => ids.includes(t.id));
      assert.deepEqual(tokens.map((t) => [t.name, t.owner?.username, t.group, t.scopes]), [
        ['bulk-1', 'demo', 'default', ['read', 'db:create']],
        ['bulk-2', 'demo', 'default', ['read', 'db:create']],
        ['bulk-3', 'demo', 'default', ['read', 'db:create']],
      ]);
    });

    it('org-tokens refuses bad input (400) and then adds nothing', async () => {
      for (const body of [
        { organization: 'studio', count: 0 },
        { organization: 'studio', count: 10_001 },
        { organization: 'studio', count: 1.5 },
        { organization: 'studio', count: '3' },
        { organization: 'nope', count: 3 },
        { organization: 'studio', count: 3, owner: 'nobody' },
        { organization: 'studio', count: 3, group: 'nope' },
        { organization: 'studio', count: 3, prefix: '' },
        { organization: 'studio', count: 3, scopes: 'read' },
      ]) {
        const r = await admin('POST', '/org-tokens', body);
        assert.equal(r.status, 400, JSON.stringify(body));
      }
      emu.addOrgTokens({ organization: 'studio', count: 2, prefix: 'dup' });
      assert.equal((await admin('POST', '/org-tokens', { organization: 'studio', count: 5, prefix: 'dup' })).status, 400, 'dup-1 exists');
      assert.deepEqual((await list('studio', emu.demoToken)).map((t) => t.name), ['studio-deploy', 'studio-sync', 'dup-1', 'dup-2']);
    });
  });

  describe('routes switched off, and POST /v1/auth/invalidate', () => {
    it('POST /__emulator/routes {id:"invalidate", enabled:false} makes it 404 until re-enabled or reset()', async () => {
      assert.deepEqual((await admin('POST', '/routes', { id: 'invalidate', enabled: false })).json, { ok: true });
      assert.deepEqual((await admin('GET', '/routes')).json, { disabled: ['invalidate'] });
      const off = await call(emu.url, 'POST', '/v1/auth/invalidate', { token: emu.demoToken });
      assert.equal(off.status, 404);
      assert.deepEqual(off.json, { error: 'not found' });
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken })).status, 200, 'the session was not invalidated');
      await admin('POST', '/routes', { id: 'invalidate', enabled: true });
      assert.equal((await call(emu.url, 'POST', '/v1/auth/invalidate', { token: emu.demoApiToken })).status, 200);
      emu.setRouteEnabled('list-org-tokens', false);
      assert.equal((await listReply('studio', emu.demoApiToken)).status, 404, 'a server without organization tokens');
      emu.reset();
      assert.equal((await listReply('studio', emu.demoApiToken)).status, 200);
      assert.deepEqual((await admin('GET', '/routes')).json, { disabled: [] });
    });

    it('routes: an unknown id or a non-boolean is refused (400)', async () => {
      assert.equal((await admin('POST', '/routes', { id: 'nope', enabled: false })).status, 400);
      assert.equal((await admin('POST', '/routes', { id: 'invalidate', enabled: 'no' })).status, 400);
      assert.deepEqual((await admin('GET', '/routes')).json, { disabled: [] });
    });

    it('invalidate: every earlier login token of the user is 401, later ones and API tokens work, at once', async () => {
      const older = emu.mintLoginToken();
      const r = await call(emu.url, 'POST', '/v1/auth/invalidate', { token: older });
      assert.equal(r.status, 200);
      assert.equal(typeof (r.json as { validFrom: number }).validFrom, 'number');
      const newer = emu.mintLoginToken(); // same millisecond, very likely: order decides, not the clock
      for (const t of [older, emu.demoToken]) {
        const after = await call(emu.url, 'GET', '/v1/user', { token: t });
        assert.equal(after.status, 401);
        assert.equal(errorOf(after), 'session has been invalidated, please log in again');
      }
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: newer })).status, 200);
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: emu.demoApiToken })).status, 200);
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: emu.aliceToken })).status, 200, 'another user\'s session');
    });
  });

  describe('faults and latency on the new routes', () => {
    const paths: [string, string, string][] = [
      ['GET', LIST, '/v1/organizations/studio/api-tokens'],
      ['DELETE', REVOKE, '/v1/organizations/studio/api-tokens/AAAAAAAAAAAAAAAAAAAAAA'],
      ['GET', MEMBER, '/v1/organizations/studio/members/alice'],
    ];

    it('status, malformed and timeout faults answer on them, matched by exact path or prefix', async () => {
      for (const [method, , path] of paths) {
        emu.injectFault({ path, kind: 'status', status: 503, error: 'busy', headers: { 'Retry-After': '2' }, times: 1 });
        const r = await call(emu.url, method, path, { token: emu.demoToken });
        assert.deepEqual([r.status, r.json, r.headers['retry-after']], [503, { error: 'busy' }, '2'], `${method} ${path}`);
      }
      emu.injectFault({ path: '/v1/organizations/studio/*', kind: 'malformed', times: 3 });
      for (const [method, , path] of paths) {
        const r = await call(emu.url, method, path, { token: emu.demoToken });
        assert.equal(r.status, 200);
        assert.equal(r.json, undefined, 'not JSON');
      }
      emu.injectFault({ path: '/v1/organizations/studio/members/alice', kind: 'timeout', times: 1 });
      await assert.rejects(call(emu.url, 'GET', '/v1/organizations/studio/members/alice', { token: emu.demoToken, timeoutMs: 200 }), /client timeout/);
      assert.equal((await member('studio', 'alice', emu.demoToken)).status, 200, 'answers again after');
    });

    it('a wrong-shape fault on each route fails the spec check (so these checks can fail)', async () => {
      emu.injectFault({ kind: 'wrong-shape' });
      for (const [method, specPath, path] of paths) {
        const r = await call(emu.url, method, path, { token: emu.demoToken });
        assert.equal(r.status, 200);
        assert.notDeepEqual(checkSchema(spec, responseSchema(spec, specPath, method, 200)!, r.json), [], `${method} ${path}: ${r.text}`);
      }
    });

    it('latency and delay apply to them', async () => {
      emu.setLatency(120);
      const slow = await member('studio', 'alice', emu.demoToken);
      assert.equal(slow.status, 200);
      assert.ok(slow.ms >= 110, `latency: ${slow.ms} ms`);
      emu.setLatency(0);
      emu.injectFault({ method: 'GET', path: '/v1/organizations/studio/api-tokens', kind: 'delay', delayMs: 150, times: 1 });
      const delayed = await listReply('studio', emu.demoToken);
      assert.equal(delayed.status, 200);
      assert.ok(delayed.ms >= 140, `delay: ${delayed.ms} ms`);
    });
  });

  describe('spec conformance of the routes whose cases live here', () => {
    const CASES: Record<string, () => Promise<void>> = {
      [`GET ${MEMBER}`]: async () => {
        const ok = conforms(MEMBER, 'GET', await member('studio', 'alice', emu.demoToken)) as { member: Record<string, unknown> };
        assert.deepEqual(Object.keys(ok.member).sort(), ['email', 'role', 'username']);
        conforms(MEMBER, 'GET', await member('studio', 'nobody', emu.demoToken));
      },
    };
    it('has a case for each route listed in conformanceElsewhere.ts', () => {
      assert.deepEqual(Object.keys(CASES).sort(), [...ORG_TOKENS_CONFORMANCE_ROUTES].sort());
    });
    for (const [key, run] of Object.entries(CASES)) it(`${key} answers bodies that match the spec`, run);
  });
});
