// The emulator against Turso's official OpenAPI spec (test/fixtures/turso-platform-openapi.json):
// every documented operation it serves is called over HTTP and its body checked against the
// spec's response schema for that status.
import * as assert from 'node:assert/strict';
import { ROUTES } from '../../emulator/routes';
import type { TursoEmulator } from '../../emulator/server';
import { ORG_TOKENS_CONFORMANCE_ROUTES } from './conformanceElsewhere';
import { call, Reply, useEmulator } from './http';
import { checkSchema, loadSpec, responseSchema, Schema } from './openapi-check';

const spec = loadSpec();

/** Errors are undocumented on these operations; the global rule is `{"error": string}` (turso-api.md §1). */
const ERROR_SCHEMA: Schema = { type: 'object', required: ['error'], properties: { error: { type: 'string' } } };

function conforms(specPath: string, method: string, r: Reply): Record<string, unknown> | unknown[] {
  assert.equal(r.headers['content-type'], 'application/json', `${method} ${specPath}: content type`);
  assert.notEqual(r.json, undefined, `${method} ${specPath}: body is JSON`);
  const schema = r.status === 200 ? responseSchema(spec, specPath, method, 200) : responseSchema(spec, specPath, method, r.status) ?? ERROR_SCHEMA;
  assert.ok(schema, `${method} ${specPath}: spec documents ${r.status}`);
  assert.deepEqual(checkSchema(spec, schema, r.json), [], `${method} ${specPath} ${r.status}: ${r.text.slice(0, 300)}`);
  return r.json as Record<string, unknown>;
}

interface Case {
  path: string;
  method: string;
  run: (emu: TursoEmulator) => Promise<void>;
}

const CASES: Case[] = [
  {
    path: '/v1/user', method: 'GET',
    run: async (emu) => {
      for (const token of [emu.demoToken, emu.demoApiToken]) {
        const body = conforms('/v1/user', 'GET', await call(emu.url, 'GET', '/v1/user', { token })) as { user: Record<string, unknown> };
        assert.deepEqual(Object.keys(body.user).sort(), ['avatarUrl', 'email', 'has_pending_invites', 'mfa', 'name', 'plan', 'username']);
        assert.equal(body.user.username, 'demo');
      }
    },
  },
  {
    path: '/v1/auth/validate', method: 'GET',
    run: async (emu) => {
      const login = conforms('/v1/auth/validate', 'GET', await call(emu.url, 'GET', '/v1/auth/validate', { token: emu.demoToken }));
      assert.equal(typeof (login as { exp: number }).exp, 'number');
      const api = conforms('/v1/auth/validate', 'GET', await call(emu.url, 'GET', '/v1/auth/validate', { token: emu.demoApiToken }));
      assert.deepEqual(api, { exp: -1 });
    },
  },
  {
    path: '/v1/auth/api-tokens', method: 'GET',
    run: async (emu) => {
      const body = conforms('/v1/auth/api-tokens', 'GET', await call(emu.url, 'GET', '/v1/auth/api-tokens', { token: emu.demoToken })) as {
        tokens: Record<string, unknown>[];
      };
      assert.deepEqual(body.tokens.map((t) => t.name), ['ci-bot', 'deploy-bot', 'provisioner', 'studio-deploy']);
      for (const t of body.tokens) for (const k of ['name', 'id', 'created_at']) assert.ok(k in t, `${String(t.name)} has ${k}`);
      assert.deepEqual(body.tokens[2], { ...body.tokens[2], organization: 'acme', group: 'default', scopes: ['read'] });
    },
  },
  {
    path: '/v1/auth/api-tokens/{tokenName}', method: 'POST',
    run: async (emu) => {
      const bodies: unknown[] = [undefined, { organization: 'acme' }, { organization: 'acme', group: 'analytics', scopes: ['read-only'] }];
      for (const [i, b] of bodies.entries()) {
        const r = await call(emu.url, 'POST', `/v1/auth/api-tokens/conf-${i}`, { token: emu.demoToken, body: b });
        const body = conforms('/v1/auth/api-tokens/{tokenName}', 'POST', r) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body), ['name', 'id', 'token']);
        assert.equal(body.name, `conf-${i}`);
      }
      // Error statuses: not documented for this operation, so they follow the global error shape.
      for (const [p, b, status] of [
        ['/v1/auth/api-tokens/Bad_Name', undefined, 400],
        ['/v1/auth/api-tokens/conf-0', undefined, 409],
        ['/v1/auth/api-tokens/x1', { organization: 'nope' }, 404],
        ['/v1/auth/api-tokens/x1', { organization: 'partner', group: 'default', scopes: ['read'] }, 403],
      ] as const) {
        const r = await call(emu.url, 'POST', p, { token: emu.demoToken, body: b });
        assert.equal(r.status, status, r.text);
        conforms('/v1/auth/api-tokens/{tokenName}', 'POST', r);
      }
    },
  },
  {
    path: '/v1/auth/api-tokens/{tokenName}', method: 'DELETE',
    run: async (emu) => {
      await call(emu.url, 'POST', '/v1/auth/api-tokens/conf-del', { token: emu.demoToken });
      const body = conforms('/v1/auth/api-tokens/{tokenName}', 'DELETE', await call(emu.url, 'DELETE', '/v1/auth/api-tokens/conf-del', { token: emu.demoToken }));
      assert.deepEqual(body, { token: 'conf-del' });
      const missing = await call(emu.url, 'DELETE', '/v1/auth/api-tokens/conf-del', { token: emu.demoToken });
      assert.equal(missing.status, 404);
      conforms('/v1/auth/api-tokens/{tokenName}', 'DELETE', missing);
    },
  },
  {
    path: '/v1/organizations', method: 'GET',
    run: async (emu) => {
      const body = conforms('/v1/organizations', 'GET', await call(emu.url, 'GET', '/v1/organizations', { token: emu.demoToken })) as Record<string, unknown>[];
      assert.ok(Array.isArray(body));
      assert.deepEqual(body.map((o) => o.slug), ['demo', 'acme', 'partner', 'studio']);
      const declared = Object.keys((spec.components as { schemas: Record<string, { properties: object }> }).schemas.Organization.properties).sort();
      for (const o of body) assert.deepEqual(Object.keys(o).sort(), declared);
    },
  },
  {
    path: '/v1/organizations/{organizationSlug}/groups', method: 'GET',
    run: async (emu) => {
      const body = conforms('/v1/organizations/{organizationSlug}/groups', 'GET',
        await call(emu.url, 'GET', '/v1/organizations/acme/groups', { token: emu.demoToken })) as { groups: Record<string, unknown>[] };
      assert.deepEqual(body.groups.map((g) => g.name), ['default', 'analytics']);
      for (const g of body.groups) for (const k of ['name', 'uuid', 'locations', 'primary']) assert.ok(k in g);
      const missing = await call(emu.url, 'GET', '/v1/organizations/nope/groups', { token: emu.demoToken });
      assert.equal(missing.status, 404);
      conforms('/v1/organizations/{organizationSlug}/groups', 'GET', missing);
    },
  },
  {
    path: '/v1/organizations/{organizationSlug}/api-tokens', method: 'GET',
    run: async (emu) => {
      const admin = conforms('/v1/organizations/{organizationSlug}/api-tokens', 'GET',
        await call(emu.url, 'GET', '/v1/organizations/acme/api-tokens', { token: emu.demoToken })) as { tokens: Record<string, unknown>[] };
      assert.ok(admin.tokens.length >= 4);
      for (const t of admin.tokens) {
        assert.equal(t.organization, 'acme');
        assert.ok(t.owner && typeof t.owner === 'object', 'admins see the owner');
      }
      const member = conforms('/v1/organizations/{organizationSlug}/api-tokens', 'GET',
        await call(emu.url, 'GET', '/v1/organizations/partner/api-tokens', { token: emu.demoToken })) as { tokens: unknown[] };
      assert.deepEqual(member.tokens, []);
    },
  },
  {
    path: '/v1/organizations/{organizationSlug}/api-tokens/{tokenId}', method: 'DELETE',
    run: async (emu) => {
      const minted = (await call(emu.url, 'POST', '/v1/auth/api-tokens/conf-org-del', { token: emu.demoToken, body: { organization: 'acme' } })).json as { id: string };
      const r = await call(emu.url, 'DELETE', `/v1/organizations/acme/api-tokens/${minted.id}`, { token: emu.demoToken });
      assert.deepEqual(conforms('/v1/organizations/{organizationSlug}/api-tokens/{tokenId}', 'DELETE', r), { token: minted.id });
      const again = await call(emu.url, 'DELETE', `/v1/organizations/acme/api-tokens/${minted.id}`, { token: emu.demoToken });
      assert.equal(again.status, 404);
      conforms('/v1/organizations/{organizationSlug}/api-tokens/{tokenId}', 'DELETE', again);
    },
  },
  {
    path: '/v1/organizations/{organizationSlug}/databases', method: 'GET',
    run: async (emu) => {
      const p = '/v1/organizations/{organizationSlug}/databases';
      const body = conforms(p, 'GET', await call(emu.url, 'GET', '/v1/organizations/acme/databases', { token: emu.demoToken })) as {
        databases: Record<string, unknown>[];
      };
      assert.deepEqual(body.databases.map((d) => [d.Name, d.group, d.Hostname]), [
        ['orders', 'default', 'orders-acme.turso.io'], ['inventory', 'default', 'inventory-acme.turso.io'], ['events', 'analytics', 'events-acme.turso.io'],
      ]);
      const declared = Object.keys((spec.components as { schemas: Record<string, { properties: object }> }).schemas.Database.properties).sort();
      for (const d of body.databases) assert.deepEqual(Object.keys(d).sort(), declared);
      const filtered = conforms(p, 'GET', await call(emu.url, 'GET', '/v1/organizations/acme/databases?group=analytics', { token: emu.demoToken }));
      assert.deepEqual((filtered as { databases: { Name: string }[] }).databases.map((d) => d.Name), ['events']);
      const groupless = conforms(p, 'GET', await call(emu.url, 'GET', '/v1/organizations/demo/databases', { token: emu.demoToken }));
      assert.deepEqual((groupless as { databases: Record<string, unknown>[] }).databases.map((d) => [d.Name, 'group' in d]), [['notes', false], ['todo', false]]);
      const missing = await call(emu.url, 'GET', '/v1/organizations/nope/databases', { token: emu.demoToken });
      assert.equal(missing.status, 404);
      conforms(p, 'GET', missing);
    },
  },
  ...(['databases/{databaseName}', 'groups/{groupName}'] as const).map((kind): Case => ({
    path: `/v1/organizations/{organizationSlug}/${kind}/auth/tokens`, method: 'POST',
    run: async (emu) => {
      const p = `/v1/organizations/{organizationSlug}/${kind}/auth/tokens`;
      const base = kind === 'groups/{groupName}' ? '/v1/organizations/acme/groups/default' : '/v1/organizations/acme/databases/orders';
      for (const [query, body] of [
        ['', undefined], ['?expiration=2w1d30m&authorization=read-only', undefined],
        ['?expiration=never&authorization=full-access', { permissions: { read_attach: { databases: ['events'] } } }],
      ] as const) {
        const r = conforms(p, 'POST', await call(emu.url, 'POST', `${base}/auth/tokens${query}`, { token: emu.demoToken, body }));
        assert.deepEqual(Object.keys(r), ['jwt']);
      }
      const badExpiry = await call(emu.url, 'POST', `${base}/auth/tokens?expiration=soon`, { token: emu.demoToken });
      assert.deepEqual([badExpiry.status, badExpiry.json], [400, { error: 'Invalid expiration format' }]);
      conforms(p, 'POST', badExpiry);
      const unknown = await call(emu.url, 'POST', `${base.replace(/\/[^/]+$/, '/nope')}/auth/tokens`, { token: emu.demoToken });
      assert.equal(unknown.status, 404);
      conforms(p, 'POST', unknown);
      emu.setMemberRole('acme', 'demo', 'viewer');
      const viewer = await call(emu.url, 'POST', `${base}/auth/tokens`, { token: emu.demoToken });
      assert.equal(viewer.status, 403);
      conforms(p, 'POST', viewer);
    },
  })),
  ...(['databases/{databaseName}', 'groups/{groupName}'] as const).map((kind): Case => ({
    path: `/v1/organizations/{organizationSlug}/${kind}/auth/rotate`, method: 'POST',
    run: async (emu) => {
      const p = `/v1/organizations/{organizationSlug}/${kind}/auth/rotate`;
      const base = kind === 'groups/{groupName}' ? '/v1/organizations/acme/groups/default' : '/v1/organizations/acme/databases/orders';
      // 200 "Successful response (No Content)": the spec gives it no body.
      const op = (spec.paths[p] as Record<string, { responses: Record<string, { content?: unknown }> }>).post;
      assert.equal(op.responses['200'].content, undefined, 'the spec documents no body');
      const r = await call(emu.url, 'POST', `${base}/auth/rotate`, { token: emu.demoToken });
      assert.deepEqual([r.status, r.text], [200, '']);
      const unknown = await call(emu.url, 'POST', `${base.replace(/\/[^/]+$/, '/nope')}/auth/rotate`, { token: emu.demoToken });
      assert.equal(unknown.status, 404);
      conforms(p, 'POST', unknown);
    },
  })),
];

/** Sample path values for a documented route's template. */
function samplePath(template: string): string {
  return template.replace('{tokenName}', 'x').replace('{organizationSlug}', 'acme').replace('{tokenId}', 'x')
    .replace('{databaseName}', 'orders').replace('{groupName}', 'default').replace('{username}', 'demo');
}

describe('emulator: conformance to the official OpenAPI spec', () => {
  let emu: TursoEmulator;
  useEmulator((started) => (emu = started));

  it('serves documented routes only at paths and methods that exist in the spec', () => {
    for (const r of ROUTES.filter((x) => x.documented)) {
      assert.ok(spec.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path} is in the spec`);
    }
  });

  it('marks undocumented routes honestly (they are not in the spec)', () => {
    for (const r of ROUTES.filter((x) => !x.documented)) {
      assert.equal(spec.paths[r.path]?.[r.method.toLowerCase()], undefined, `${r.method} ${r.path} should be marked documented`);
    }
  });

  it('has a conformance case for every documented route', () => {
    const documented = ROUTES.filter((x) => x.documented).map((r) => `${r.method} ${r.path}`).sort();
    assert.deepEqual([...CASES.map((c) => `${c.method} ${c.path}`), ...ORG_TOKENS_CONFORMANCE_ROUTES].sort(), documented);
  });

  for (const c of CASES) {
    it(`${c.method} ${c.path} answers bodies that match the spec`, async () => {
      await c.run(emu);
    });
  }

  it('401 bodies on every documented route follow the error shape', async () => {
    for (const r of ROUTES.filter((x) => x.documented)) {
      const p = samplePath(r.path);
      const reply = await call(emu.url, r.method, p, { authorization: 'Bearer not-a-jwt' });
      assert.equal(reply.status, 401, `${r.method} ${p}`);
      conforms(r.path, r.method, reply);
    }
  });

  it('the checker fails each documented route\'s wrong-shape fault (so these tests can fail)', async () => {
    emu.injectFault({ kind: 'wrong-shape' });
    for (const r of ROUTES.filter((x) => x.documented)) {
      const p = samplePath(r.path);
      const reply = await call(emu.url, r.method, p, { token: emu.demoToken });
      assert.equal(reply.status, 200);
      const schema = responseSchema(spec, r.path, r.method, 200);
      if (!schema) {
        // "No Content" (auth/rotate): any body at all is the wrong shape.
        assert.notEqual(reply.text, '', `${r.method} ${r.path}`);
        continue;
      }
      const errors = checkSchema(spec, schema, reply.json);
      assert.notDeepEqual(errors, [], `${r.method} ${r.path}: ${reply.text}`);
    }
  });
});
