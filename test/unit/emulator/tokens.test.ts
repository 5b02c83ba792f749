import * as assert from 'node:assert/strict';
import { startEmulator, TursoEmulator } from '../../emulator/server';
import { call, jwtPayload, Reply, todayUtc } from './http';

interface ListedToken { name: string; id: string; organization?: string; group?: string; scopes?: string[]; created_at: string; owner?: unknown }

function errorOf(r: Reply): string {
  return (r.json as { error: string }).error;
}

const ALL_SCOPES = ['read', 'db:create', 'db:delete', 'db:configure', 'db:mint-token', 'db:rotate-creds', 'group:configure', 'group:mint-token', 'group:rotate-creds'];

describe('emulator: API token management', () => {
  let emu: TursoEmulator;
  const mint = (name: string, body?: unknown, token?: string, version = 'v1'): Promise<Reply> =>
    call(emu.url, 'POST', `/${version}/auth/api-tokens/${name}`, { token: token ?? emu.demoToken, body });
  const list = async (token?: string): Promise<ListedToken[]> =>
    ((await call(emu.url, 'GET', '/v1/auth/api-tokens', { token: token ?? emu.demoToken })).json as { tokens: ListedToken[] }).tokens;

  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });
  afterEach(() => emu.reset());

  describe('seed', () => {
    it('lists the demo tokens with their restrictions and dates', async () => {
      const tokens = await list();
      assert.deepEqual(tokens.map((t) => Object.fromEntries(Object.entries(t).filter(([k]) => k !== 'id'))), [
        { name: 'ci-bot', created_at: '2026-04-12' },
        { name: 'deploy-bot', organization: 'acme', created_at: '2026-05-02' },
        { name: 'provisioner', organization: 'acme', group: 'default', scopes: ['read'], created_at: '2026-05-21' },
        { name: 'studio-deploy', organization: 'studio', created_at: '2026-05-28' },
      ]);
    });

    it('lists organizations as a bare array on v1 and wrapped on v2', async () => {
      const v1 = (await call(emu.url, 'GET', '/v1/organizations', { token: emu.demoToken })).json as { slug: string; type: string }[];
      assert.deepEqual(v1.map((o) => [o.slug, o.type]), [['demo', 'personal'], ['acme', 'team'], ['partner', 'team'], ['studio', 'team']]);
      const v2 = (await call(emu.url, 'GET', '/v2/organizations', { token: emu.demoToken })).json;
      assert.deepEqual(v2, { organizations: v1 });
    });

    it('lists groups per organization; personal org has none; unknown or foreign org is 404', async () => {
      const groups = async (org: string): Promise<Reply> => call(emu.url, 'GET', `/v1/organizations/${org}/groups`, { token: emu.demoToken });
      assert.deepEqual(((await groups('acme')).json as { groups: { name: string }[] }).groups.map((g) => g.name), ['default', 'analytics']);
      assert.deepEqual(((await groups('partner')).json as { groups: { name: string }[] }).groups.map((g) => g.name), ['default']);
      assert.deepEqual((await groups('demo')).json, { groups: [] });
      assert.equal((await groups('nope')).status, 404);
      assert.equal((await groups('alice')).status, 404, 'another user\'s personal org is not visible');
    });
  });

  describe('minting', () => {
    it('v1 answers flat {name,id,token}; the token works and shows up with today\'s date', async () => {
      const r = await mint('fresh-1');
      assert.equal(r.status, 200);
      const body = r.json as { name: string; id: string; token: string };
      assert.deepEqual(Object.keys(body), ['name', 'id', 'token']);
      assert.equal(body.name, 'fresh-1');
      assert.equal(jwtPayload(body.token).jti, body.id);
      assert.deepEqual((await call(emu.url, 'GET', '/v1/auth/validate', { token: body.token })).json, { exp: -1 });
      const listed = (await list()).find((t) => t.name === 'fresh-1');
      assert.deepEqual(listed, { name: 'fresh-1', id: body.id, created_at: todayUtc() });
    });

    it('v2 answers nested {token:{name,id,value}}', async () => {
      const r = await mint('fresh-2', { organization: 'acme' }, undefined, 'v2');
      assert.equal(r.status, 200);
      const body = r.json as { token: { name: string; id: string; value: string } };
      assert.deepEqual(Object.keys(body), ['token']);
      assert.deepEqual(Object.keys(body.token), ['name', 'id', 'value']);
      assert.equal(jwtPayload(body.token.value).jti, body.token.id);
      assert.equal((await list()).find((t) => t.name === 'fresh-2')?.organization, 'acme');
    });

    it('expands presets and stores scopes individually, in canonical order, without duplicates', async () => {
      await mint('ro', { organization: 'acme', group: 'default', scopes: ['read-only'] });
      await mint('fa', { organization: 'acme', group: 'analytics', scopes: ['full-access'] });
      await mint('mix', { organization: 'acme', group: 'default', scopes: ['db:mint-token', 'read', 'read-only', 'db:create'] });
      const tokens = await list();
      assert.deepEqual(tokens.find((t) => t.name === 'ro')?.scopes, ['read']);
      assert.deepEqual(tokens.find((t) => t.name === 'fa')?.scopes, ALL_SCOPES);
      assert.deepEqual(tokens.find((t) => t.name === 'mix')?.scopes, ['read', 'db:create', 'db:mint-token']);
      assert.equal(tokens.find((t) => t.name === 'mix')?.group, 'default');
    });

    it('treats empty/null fields like absent ones (as a Go server does)', async () => {
      const r = await mint('zero', { organization: '', group: null, scopes: [] });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys((await list()).find((t) => t.name === 'zero') ?? {}), ['name', 'id', 'created_at']);
    });
  });

  describe('name rules → 400 with the CLI\'s historical messages', () => {
    const cases: [string, RegExp][] = [
      ['a'.repeat(33), /^name must be between 1 and 32 characters long$/],
      ['Upper', /^name can only contain lowercase letters, numbers, and hyphens$/],
      ['under_score', /^name can only contain lowercase letters, numbers, and hyphens$/],
      ['has%20space', /^name can only contain lowercase letters, numbers, and hyphens$/],
      ['bad%2Fname', /^name can only contain lowercase letters, numbers, and hyphens$/],
      ['%C3%A9t%C3%A9', /^name can only contain lowercase letters, numbers, and hyphens$/],
      ['-lead', /^name cannot start or end with a hyphen$/],
      ['trail-', /^name cannot start or end with a hyphen$/],
      ['%E0%A4%A', /malformed percent-encoding/],
    ];
    for (const [raw, msg] of cases) {
      it(`rejects ${raw.length > 20 ? `a ${raw.length}-char name` : JSON.stringify(raw)}`, async () => {
        for (const v of ['v1', 'v2']) {
          const r = await mint(raw, undefined, undefined, v);
          assert.equal(r.status, 400, r.text);
          assert.match(errorOf(r), msg);
        }
      });
    }

    it('accepts the edges: 1 char, 32 chars, digits, inner hyphens', async () => {
      for (const name of ['a', 'b'.repeat(32), '0', 'a-b--c9']) assert.equal((await mint(name)).status, 200, name);
    });

    it('decodes percent-encoded names; the recorded path stays raw', async () => {
      const r = await mint('%61bc-%31');
      assert.equal(r.status, 200);
      assert.equal((r.json as { name: string }).name, 'abc-1');
      const del = await call(emu.url, 'DELETE', '/v1/auth/api-tokens/abc%2D1', { token: emu.demoToken });
      assert.deepEqual(del.json, { token: 'abc-1' });
      const paths = emu.requests.map((x) => x.path);
      assert.ok(paths.includes('/v1/auth/api-tokens/%61bc-%31'));
      assert.ok(paths.includes('/v1/auth/api-tokens/abc%2D1'));
      await mint('bad%2Fname');
      assert.equal(emu.requests.at(-1)?.path, '/v1/auth/api-tokens/bad%2Fname');
      assert.equal(emu.requests.at(-1)?.status, 400);
    });
  });

  describe('duplicates → 409', () => {
    it('rejects a name the user already has, on v1 and v2, naming the token', async () => {
      for (const v of ['v1', 'v2']) {
        const r = await mint('ci-bot', { organization: 'acme' }, undefined, v);
        assert.equal(r.status, 409);
        assert.match(errorOf(r), /"ci-bot"/);
        assert.match(errorOf(r), /already exists/);
      }
    });

    it('allows a name another user has (unique per user only), and a name again after revoking', async () => {
      const alice = emu.mintLoginToken({ username: 'alice' });
      assert.equal((await mint('deploy-bot', { organization: 'acme' }, alice)).status, 200);
      assert.equal((await mint('ci-bot', undefined, alice)).status, 409, 'alice has her own ci-bot');
      await call(emu.url, 'DELETE', '/v1/auth/api-tokens/deploy-bot', { token: emu.demoToken });
      assert.equal((await mint('deploy-bot')).status, 200);
    });
  });

  describe('scopes and restrictions', () => {
    const bad: [string, unknown, number, RegExp][] = [
      ['an unknown scope', { organization: 'acme', group: 'default', scopes: ['db:drop'] }, 400, /unknown scope "db:drop"/],
      ['a group without organization', { group: 'default', scopes: ['read'] }, 400, /group requires organization/],
      ['a group without scopes', { organization: 'acme', group: 'default' }, 400, /at least one scope/],
      ['a group with empty scopes', { organization: 'acme', group: 'default', scopes: [] }, 400, /at least one scope/],
      ['scopes without a group', { organization: 'acme', scopes: ['read'] }, 400, /group-scoped/],
      ['scopes of the wrong type', { organization: 'acme', group: 'default', scopes: 'read' }, 400, /array of strings/],
      ['an organization of the wrong type', { organization: 7 }, 400, /organization must be a string/],
      ['a body that is not JSON', '{"organization": ', 400, /not valid JSON/],
      ['a body that is an array', [], 400, /JSON object/],
      ['an unknown organization', { organization: 'nope' }, 404, /organization "nope" not found/],
      ['an organization the user is not in', { organization: 'alice' }, 404, /not found/],
      ['an unknown group', { organization: 'acme', group: 'nope', scopes: ['read'] }, 404, /group "nope" not found/],
      ['a group in a personal org without groups', { organization: 'demo', group: 'default', scopes: ['read'] }, 404, /group "default" not found/],
      ['a group-scoped token where the user is only a member', { organization: 'partner', group: 'default', scopes: ['read'] }, 403, /owners and admins/],
    ];
    for (const [what, body, status, msg] of bad) {
      it(`${status} for ${what}`, async () => {
        const r = await mint('scoped', body);
        assert.equal(r.status, status, r.text);
        assert.match(errorOf(r), msg);
        assert.ok(!(await list()).some((t) => t.name === 'scoped'), 'nothing was created');
      });
    }

    it('lets a member mint an org-scoped token in that org', async () => {
      assert.equal((await mint('partner-ok', { organization: 'partner' })).status, 200);
    });

    it('restricts what an org-scoped token can see and do to its organization', async () => {
      const t = ((await mint('acme-only', { organization: 'acme' })).json as { token: string }).token;
      const orgs = (await call(emu.url, 'GET', '/v1/organizations', { token: t })).json as { slug: string }[];
      assert.deepEqual(orgs.map((o) => o.slug), ['acme']);
      assert.equal((await call(emu.url, 'GET', '/v1/organizations/acme/groups', { token: t })).status, 200);
      assert.equal((await call(emu.url, 'GET', '/v1/organizations/partner/groups', { token: t })).status, 403);
      assert.ok((await list(t)).every((x) => x.organization === 'acme'));
      assert.equal((await mint('escalate', undefined, t)).status, 403, 'no unrestricted tokens from an org token');
      assert.equal((await mint('other-org', { organization: 'partner' }, t)).status, 403);
      assert.equal((await mint('same-org', { organization: 'acme' }, t)).status, 200);
      assert.equal((await call(emu.url, 'DELETE', '/v1/auth/api-tokens/ci-bot', { token: t })).status, 403);
      assert.deepEqual((await call(emu.url, 'GET', '/v1/user', { token: t })).status, 200);
    });

    it('keeps group-scoped tokens to their group and away from token management', async () => {
      const t = ((await mint('grp', { organization: 'acme', group: 'analytics', scopes: ['read'] })).json as { token: string }).token;
      const groups = (await call(emu.url, 'GET', '/v1/organizations/acme/groups', { token: t })).json as { groups: { name: string }[] };
      assert.deepEqual(groups.groups.map((g) => g.name), ['analytics']);
      assert.equal((await call(emu.url, 'GET', '/v1/auth/api-tokens', { token: t })).status, 403);
      assert.equal((await mint('more', { organization: 'acme' }, t)).status, 403);
      assert.deepEqual((await call(emu.url, 'GET', '/v1/auth/validate', { token: t })).json, { exp: -1 });
      const noRead = ((await mint('grp-nr', { organization: 'acme', group: 'default', scopes: ['db:create'] })).json as { token: string }).token;
      assert.equal((await call(emu.url, 'GET', '/v1/organizations/acme/groups', { token: noRead })).status, 403);
    });
  });

  describe('revoking by name', () => {
    it('404 for an unknown name, and for another user\'s token', async () => {
      const r = await call(emu.url, 'DELETE', '/v1/auth/api-tokens/nope', { token: emu.demoToken });
      assert.equal(r.status, 404);
      assert.match(errorOf(r), /"nope" not found/);
      assert.equal((await call(emu.url, 'DELETE', '/v1/auth/api-tokens/partner-sync', { token: emu.demoToken })).status, 404);
    });

    it('revokes only the caller\'s token of that name', async () => {
      const alice = emu.mintLoginToken({ username: 'alice' });
      await call(emu.url, 'DELETE', '/v1/auth/api-tokens/ci-bot', { token: emu.demoToken });
      assert.ok((await list(alice)).some((t) => t.name === 'ci-bot'), 'alice\'s ci-bot survives');
    });
  });

  describe('organization tokens (§2.6)', () => {
    const orgList = async (org: string, token: string): Promise<Reply> => call(emu.url, 'GET', `/v1/organizations/${org}/api-tokens`, { token });

    it('admins see every org- and group-scoped token of the org with its owner; unrestricted ones never', async () => {
      const r = await orgList('acme', emu.demoToken);
      const tokens = (r.json as { tokens: ListedToken[] }).tokens;
      assert.deepEqual(tokens.map((t) => t.name).sort(), ['analytics-reader', 'ci-bot', 'deploy-bot', 'provisioner']);
      const aliceCi = tokens.find((t) => t.name === 'ci-bot');
      assert.deepEqual(aliceCi?.owner, { username: 'alice', email: 'alice@example.com' });
      assert.ok(tokens.every((t) => t.organization === 'acme'));
      assert.deepEqual(Object.keys(tokens.find((t) => t.name === 'provisioner') ?? {}), ['name', 'id', 'organization', 'group', 'scopes', 'owner', 'created_at']);
    });

    it('members see only their own tokens, without owner', async () => {
      assert.deepEqual((await orgList('partner', emu.demoToken)).json, { tokens: [] });
      await mint('mine', { organization: 'partner' });
      const tokens = ((await orgList('partner', emu.demoToken)).json as { tokens: ListedToken[] }).tokens;
      assert.deepEqual(tokens.map((t) => t.name), ['mine']);
      assert.equal(tokens[0].owner, undefined);
    });

    it('404 for an unknown org or one the user is not in', async () => {
      assert.equal((await orgList('nope', emu.demoToken)).status, 404);
      assert.equal((await orgList('alice', emu.demoToken)).status, 404);
    });

    it('revokes by id; 404 for unrestricted, other-org and unknown ids; 403 for a member on someone else\'s token', async () => {
      const ids = Object.fromEntries((await list()).map((t) => [t.name, t.id]));
      const del = (org: string, id: string, token = emu.demoToken): Promise<Reply> =>
        call(emu.url, 'DELETE', `/v1/organizations/${org}/api-tokens/${id}`, { token });
      assert.equal((await del('acme', ids['ci-bot'])).status, 404, 'unrestricted tokens are unreachable here');
      assert.equal((await del('partner', ids['deploy-bot'])).status, 404, 'cross-org ids are not leaked');
      assert.equal((await del('acme', 'AAAAAAAAAAAAAAAAAAAAAA')).status, 404);
      const alice = emu.mintLoginToken({ username: 'alice' });
      const aliceTokens = Object.fromEntries(((await orgList('partner', alice)).json as { tokens: ListedToken[] }).tokens.map((t) => [t.name, t.id]));
      const forbidden = await del('partner', aliceTokens['partner-sync']);
      assert.equal(forbidden.status, 403);
      const ok = await del('acme', ids['deploy-bot']);
      assert.deepEqual(ok.json, { token: ids['deploy-bot'] });
      assert.ok(!(await list()).some((t) => t.name === 'deploy-bot'));
      const adminOnOthers = await del('acme', ((await orgList('acme', emu.demoToken)).json as { tokens: ListedToken[] }).tokens.find((t) => t.name === 'analytics-reader')!.id);
      assert.equal(adminOnOthers.status, 200, 'admins may revoke any member\'s org token');
    });
  });
});
