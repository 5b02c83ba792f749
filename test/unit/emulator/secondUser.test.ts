// The second seeded user (alice): her own login and API tokens, organizations and browser sign-in,
// so tests can hold two accounts at once.
import * as assert from 'node:assert/strict';
import type { TursoEmulator } from '../../emulator/server';
import { call, formOf, jwtPayload, Reply, submitForm, useEmulator } from './http';

type Listed = { name: string; id: string; organization?: string };

describe('emulator: a second user (alice)', () => {
  let emu: TursoEmulator;
  useEmulator((e) => (emu = e));

  const username = async (token: string): Promise<string> => {
    const r = await call(emu.url, 'GET', '/v1/user', { token });
    assert.equal(r.status, 200, r.text);
    return (r.json as { user: { username: string } }).user.username;
  };
  const tokenNames = async (token: string): Promise<string[]> =>
    ((await call(emu.url, 'GET', '/v1/auth/api-tokens', { token })).json as { tokens: Listed[] }).tokens.map((t) => t.name);
  const admin = (method: string, path: string, body?: unknown): Promise<Reply> => call(emu.url, method, `/__emulator${path}`, { body });

  it('has a 7-day login token and an unrestricted API token of her own', async () => {
    assert.equal(await username(emu.aliceToken), 'alice');
    assert.equal(await username(emu.aliceApiToken), 'alice');
    assert.equal(jwtPayload(emu.aliceToken).username, 'alice');
    const login = (await call(emu.url, 'GET', '/v1/auth/validate', { token: emu.aliceToken })).json as { exp: number };
    const days = (login.exp - Date.now() / 1000) / 86_400;
    assert.ok(days > 6.9 && days <= 7.01, `login token lasts ~7 days, got ${days}`);
    assert.deepEqual((await call(emu.url, 'GET', '/v1/auth/validate', { token: emu.aliceApiToken })).json, { exp: -1 });
    assert.notEqual(emu.aliceToken, emu.demoToken);
  });

  it('lists only her own tokens and organizations; demo lists only his', async () => {
    assert.deepEqual(await tokenNames(emu.aliceToken), ['ci-bot', 'analytics-reader', 'partner-sync', 'alice-cli', 'studio-sync']);
    assert.deepEqual(await tokenNames(emu.demoToken), ['ci-bot', 'deploy-bot', 'provisioner', 'studio-deploy']);
    const orgs = (await call(emu.url, 'GET', '/v1/organizations', { token: emu.aliceApiToken })).json as { slug: string }[];
    assert.deepEqual(orgs.map((o) => o.slug), ['alice', 'acme', 'partner', 'studio']);
    assert.equal((await call(emu.url, 'GET', '/v1/organizations/demo/groups', { token: emu.aliceToken })).status, 404, 'demo\'s personal org is not hers');
  });

  it('the two accounts are independent: a revoke or a logout --all of one leaves the other alone', async () => {
    assert.equal((await call(emu.url, 'DELETE', '/v1/auth/api-tokens/alice-cli', { token: emu.demoToken })).status, 404, 'demo cannot revoke alice\'s token by name');
    assert.equal((await call(emu.url, 'DELETE', '/v1/auth/api-tokens/ci-bot', { token: emu.aliceToken })).status, 200);
    assert.equal(await username(emu.demoApiToken), 'demo', 'demo\'s ci-bot survives alice revoking hers');
    assert.ok((await tokenNames(emu.demoToken)).includes('ci-bot'));
    assert.equal((await call(emu.url, 'POST', '/v1/auth/invalidate', { token: emu.aliceApiToken })).status, 200);
    assert.equal((await call(emu.url, 'GET', '/v1/user', { token: emu.aliceToken })).status, 401, 'alice\'s session is invalidated');
    assert.equal(await username(emu.demoToken), 'demo', 'demo\'s session is not');
    assert.equal(await username(emu.aliceApiToken), 'alice', 'alice\'s API token still works');
    emu.reset();
    assert.equal(await username(emu.aliceToken), 'alice', 'reset() restores her login');
  });

  it('GET /__emulator/info gives both users\' credentials', async () => {
    const info = (await admin('GET', '/info')).json as Record<string, string>;
    assert.deepEqual(Object.keys(info).sort(), ['aliceApiToken', 'aliceToken', 'demoApiToken', 'demoToken', 'url']);
    assert.equal(await username(info.aliceToken), 'alice');
    assert.equal(await username(info.aliceApiToken), 'alice');
    assert.equal(await username(info.demoToken), 'demo');
  });

  it('the admin API mints a login token and an API token for either user', async () => {
    for (const user of ['demo', 'alice']) {
      const login = (await admin('POST', '/login-token', { username: user })).json as { token: string };
      assert.equal(await username(login.token), user);
      const api = (await admin('POST', '/api-token', { name: `extra-${user}`, owner: user, organization: 'acme' })).json as { id: string; token: string };
      assert.equal(await username(api.token), user);
      assert.ok((await tokenNames(login.token)).includes(`extra-${user}`));
    }
  });

  describe('browser sign-in as either user', () => {
    const PAGE = '/?port=51234&redirect=true&state=st&type=cli';
    const authorize = async (): Promise<string> => {
      const page = await call(emu.url, 'GET', PAGE);
      const form = formOf(page.text);
      assert.ok(form, 'the page has the Authorize form');
      const r = await submitForm(emu.url, form);
      assert.equal(r.status, 302);
      return new URL(r.headers.location as string).searchParams.get('jwt') as string;
    };

    it('signs in demo by default; POST /__emulator/browser-user {username} switches to alice until reset()', async () => {
      assert.equal(await username(await authorize()), 'demo');
      assert.deepEqual((await admin('GET', '/browser-user')).json, { username: 'demo' });
      assert.deepEqual((await admin('POST', '/browser-user', { username: 'alice' })).json, { ok: true });
      assert.deepEqual((await admin('GET', '/browser-user')).json, { username: 'alice' });
      const page = await call(emu.url, 'GET', PAGE);
      assert.match(page.text, /<strong id="user">alice<\/strong> \(Alice Admin, alice@example\.com\)/);
      const jwt = await authorize();
      assert.equal(await username(jwt), 'alice');
      assert.equal(jwtPayload(jwt).username, 'alice');
      const headless = await call(emu.url, 'GET', '/?redirect=false');
      assert.match(headless.text, /Signed in as alice/);
      const shown = /<pre id="token">([^<]+)<\/pre>/.exec(headless.text)?.[1] ?? '';
      assert.equal(await username(shown), 'alice');
      emu.reset();
      assert.equal(await username(await authorize()), 'demo', 'reset() signs in demo again');
    });

    it('in-process setBrowserUser; an unknown user is refused (400, TypeError)', async () => {
      emu.setBrowserUser('alice');
      assert.equal(await username(await authorize()), 'alice');
      assert.throws(() => emu.setBrowserUser('nobody'), TypeError);
      assert.equal((await admin('POST', '/browser-user', { username: 'nobody' })).status, 400);
      assert.equal((await admin('POST', '/browser-user', { username: 42 })).status, 400);
      assert.equal((await admin('POST', '/browser-user', [])).status, 400);
      assert.deepEqual((await admin('GET', '/browser-user')).json, { username: 'alice' }, 'a refused switch changes nothing');
    });
  });
});
