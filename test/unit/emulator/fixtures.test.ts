import * as assert from 'node:assert/strict';
import type { TursoEmulator } from '../../emulator/server';
import { call, useEmulator } from './http';

// Fixtures beyond the seed, for reliability and injection tests: hostile display names, groups of any
// name, and API tokens whose names the API's rule would refuse (the real server may hold legacy ones).
describe('emulator: test fixtures (hostile names, legacy token names) and request timing', () => {
  let emu: TursoEmulator;
  useEmulator((started) => (emu = started));

  const HOSTILE = '<img src=x onerror=alert(1)> [x](command:workbench.action.quit) \u202Eevil\u0007';

  it('patchUser sets display fields as given; reset() restores the seed', async () => {
    emu.patchUser('demo', { name: HOSTILE, email: `${HOSTILE}@example.com` });
    const r = await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken });
    const user = (r.json as { user: { name: string; email: string; username: string } }).user;
    assert.equal(user.name, HOSTILE);
    assert.equal(user.email, `${HOSTILE}@example.com`);
    assert.equal(user.username, 'demo');
    emu.reset();
    const again = await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken });
    assert.equal((again.json as { user: { name: string } }).user.name, 'Demo User');
    assert.throws(() => emu.patchUser('nobody', { name: 'x' }), /unknown user/);
  });

  it('patchOrg and addGroup: any names, listed by the API', async () => {
    emu.patchOrg('acme', { name: HOSTILE });
    emu.addGroup('acme', HOSTILE);
    const orgs = (await call(emu.url, 'GET', '/v1/organizations', { token: emu.demoToken })).json as { slug: string; name: string }[];
    assert.equal(orgs.find((o) => o.slug === 'acme')?.name, HOSTILE);
    const groups = (await call(emu.url, 'GET', '/v1/organizations/acme/groups', { token: emu.demoToken })).json as { groups: { name: string }[] };
    assert.ok(groups.groups.some((g) => g.name === HOSTILE));
    // a group-scoped token can be minted for it through the API
    const minted = await call(emu.url, 'POST', '/v1/auth/api-tokens/for-hostile-group', {
      token: emu.demoToken, body: { organization: 'acme', group: HOSTILE, scopes: ['read-only'] },
    });
    assert.equal(minted.status, 200, minted.text);
    assert.throws(() => emu.addGroup('acme', HOSTILE), /already has a group/);
  });

  it('addApiToken: names the API would refuse, listed, usable and revocable by their encoded name', async () => {
    const names = ['a/b', 'what?x=1', 'hash#tag', '100%', 'with space', '..'];
    const added = names.map((name) => ({ name, ...emu.addApiToken({ name }) }));
    const list = (await call(emu.url, 'GET', '/v1/auth/api-tokens', { token: emu.demoToken })).json as { tokens: { name: string; id: string }[] };
    for (const a of added) assert.ok(list.tokens.some((t) => t.name === a.name && t.id === a.id), a.name);
    // the value authenticates as demo
    assert.equal((await call(emu.url, 'GET', '/v1/user', { token: added[0].token })).status, 200);
    for (const a of added) {
      const encoded = encodeURIComponent(a.name).replace(/^\.{1,2}$/, (d) => d.replace(/\./g, '%2E'));
      const r = await call(emu.url, 'DELETE', `/v1/auth/api-tokens/${encoded}`, { token: emu.demoToken });
      assert.equal(r.status, 200, `${a.name}: ${r.text}`);
      assert.equal(emu.requests.at(-1)?.path, `/v1/auth/api-tokens/${encoded}`);
    }
    assert.throws(() => emu.addApiToken({ name: 'ci-bot' }), /already has a token/);
  });

  it('the same fixtures over HTTP under /__emulator/', async () => {
    assert.equal((await call(emu.url, 'POST', '/__emulator/user', { body: { username: 'demo', name: HOSTILE } })).status, 200);
    assert.equal((await call(emu.url, 'POST', '/__emulator/org', { body: { slug: 'acme', name: HOSTILE } })).status, 200);
    assert.equal((await call(emu.url, 'POST', '/__emulator/group', { body: { organization: 'acme', name: 'g h' } })).status, 200);
    const t = await call(emu.url, 'POST', '/__emulator/api-token', { body: { name: 'x/y', organization: 'acme' } });
    assert.equal(t.status, 200, t.text);
    assert.match((t.json as { id: string; token: string }).token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal((await call(emu.url, 'POST', '/__emulator/user', { body: { username: 'nobody' } })).status, 400);
    assert.equal((await call(emu.url, 'POST', '/__emulator/api-token', { body: [] })).status, 400);
    assert.equal((await call(emu.url, 'POST', '/__emulator/api-token', { body: { name: 'z', scopes: 'read' } })).status, 400);
    const user = (await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken })).json as { user: { name: string } };
    assert.equal(user.user.name, HOSTILE);
  });

  it('records how long each answer took (ms), with latency and for held (timeout) requests', async () => {
    emu.setLatency(120);
    await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken });
    const rec = emu.requests.at(-1)!;
    assert.ok(rec.ms >= 100, `ms ${rec.ms}`);
    emu.setLatency(0);
    emu.injectFault({ kind: 'timeout', path: '/v1/user', times: 1 });
    await assert.rejects(call(emu.url, 'GET', '/v1/user', { token: emu.demoToken, timeoutMs: 150 }));
    const held = emu.requests.at(-1)!;
    const until = Date.now() + 2000;
    while (held.ms < 100 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.ok(held.ms >= 100, `held ms ${held.ms}`);
  });
});
