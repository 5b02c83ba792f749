import * as assert from 'node:assert/strict';
import { RecordedRequest, startEmulator, TursoEmulator } from '../../emulator/server';
import { call } from './http';

describe('emulator: request log, reset and the /__emulator/ HTTP controls', () => {
  let emu: TursoEmulator;
  const lines: string[] = [];
  before(async () => {
    emu = await startEmulator({ log: (l) => lines.push(l) });
  });
  after(async () => {
    await emu.close();
  });
  afterEach(() => {
    emu.reset();
    lines.length = 0;
  });

  describe('request log', () => {
    it('records method, raw path, query, authorization (whose bearer, never the bearer), user agent, body, status and time', async () => {
      const t0 = Date.now();
      await call(emu.url, 'POST', '/v1/auth/api-tokens/rec%2Dme?x=1&y=%20', {
        token: emu.demoToken, body: { organization: 'acme' }, headers: { 'User-Agent': 'rec-test/2' },
      });
      await call(emu.url, 'GET', '/v1/user', { token: 'a.b.c' });
      await call(emu.url, 'GET', '/v1/nope');
      const [a, b, c] = emu.requests;
      assert.deepEqual({ ...a, at: 0, ms: 0 }, {
        method: 'POST', path: '/v1/auth/api-tokens/rec%2Dme', query: 'x=1&y=%20', authorized: true, username: 'demo', userAgent: 'rec-test/2',
        body: { organization: 'acme' }, status: 200, at: 0, ms: 0,
      });
      assert.ok(a.at >= t0 && a.at <= Date.now());
      assert.ok(a.ms >= 0 && a.at + a.ms <= Date.now());
      assert.equal(b.authorized, false);
      assert.equal(b.username, undefined, 'an invalid bearer names nobody');
      assert.equal(b.status, 401);
      assert.equal(c.status, 404);
      assert.equal(c.body, undefined);
    });

    it('never records or logs token values', async () => {
      const minted = (await call(emu.url, 'POST', '/v2/auth/api-tokens/secret-one', { token: emu.demoApiToken })).json as { token: { value: string } };
      await call(emu.url, 'GET', '/v1/user', { token: minted.token.value });
      await call(emu.url, 'GET', '/?port=5000&redirect=true&state=s&type=cli');
      const signedIn = await call(emu.url, 'POST', '/', {
        body: 'port=5000&redirect=true&state=s&type=cli', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      const browserJwt = new URL(signedIn.headers.location as string).searchParams.get('jwt') as string;
      const everything = JSON.stringify(emu.requests) + lines.join('\n');
      for (const t of [emu.demoToken, emu.demoApiToken, minted.token.value, browserJwt]) {
        for (const part of t.split('.').slice(1)) assert.ok(!everything.includes(part), 'a token part leaked');
      }
      assert.ok(lines.some((l) => /^GET \/v1\/user 200 \d+ms$/.test(l)), lines.join('\n'));
      assert.ok(lines.some((l) => l.includes('POST /v2/auth/api-tokens/secret-one 200')));
    });

    it('logs faults', async () => {
      emu.injectFault({ kind: 'status', status: 503, times: 1 });
      await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken });
      assert.ok(lines.some((l) => /GET \/v1\/user 503 \[fault: status\]/.test(l)), lines.join('\n'));
    });
  });

  describe('reset()', () => {
    it('restores the seed, keeps demo tokens valid, clears faults, latency and the log', async () => {
      await call(emu.url, 'DELETE', '/v1/auth/api-tokens/ci-bot', { token: emu.demoApiToken });
      await call(emu.url, 'POST', '/v1/auth/api-tokens/extra', { token: emu.demoToken });
      emu.injectFault({ path: '/v1/organizations', kind: 'status', status: 500 });
      emu.setLatency(300);
      emu.reset();
      assert.equal(emu.requests.length, 0);
      const r = await call(emu.url, 'GET', '/v1/auth/api-tokens', { token: emu.demoApiToken });
      assert.ok(r.ms < 200, 'latency cleared');
      assert.deepEqual((r.json as { tokens: { name: string }[] }).tokens.map((t) => t.name), ['ci-bot', 'deploy-bot', 'provisioner', 'studio-deploy']);
      assert.equal((await call(emu.url, 'GET', '/v1/organizations', { token: emu.demoToken })).status, 200, 'faults cleared');
      assert.equal(emu.requests.length, 2);
    });

    it('keeps the requests array identity (callers may hold it)', async () => {
      const held = emu.requests;
      await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken });
      emu.reset();
      await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken });
      assert.equal(held.length, 1);
      assert.equal(held, emu.requests);
    });
  });

  describe('HTTP controls', () => {
    const admin = (method: string, p: string, body?: unknown) => call(emu.url, method, `/__emulator${p}`, { body });

    it('GET /__emulator/info', async () => {
      const r = await admin('GET', '/info');
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { url: emu.url, demoToken: emu.demoToken, demoApiToken: emu.demoApiToken, aliceToken: emu.aliceToken, aliceApiToken: emu.aliceApiToken });
    });

    it('POST/DELETE /__emulator/faults', async () => {
      assert.deepEqual((await admin('POST', '/faults', { path: '/v1/user', kind: 'status', status: 429, headers: { 'Retry-After': '1' }, times: 1 })).json, { ok: true });
      const listed = await admin('GET', '/faults');
      assert.deepEqual(listed.json, [{ path: '/v1/user', kind: 'status', status: 429, headers: { 'Retry-After': '1' }, times: 1 }]);
      const r = await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken });
      assert.equal(r.status, 429);
      assert.equal(r.headers['retry-after'], '1');
      await admin('POST', '/faults', { kind: 'status', status: 500 });
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken })).status, 500);
      assert.deepEqual((await admin('DELETE', '/faults')).json, { ok: true });
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken })).status, 200);
      const bad = await admin('POST', '/faults', { kind: 'nope' });
      assert.equal(bad.status, 400);
      assert.match((bad.json as { error: string }).error, /kind/);
      assert.equal((await admin('POST', '/faults', '{not json')).status, 400);
    });

    it('POST /__emulator/latency', async () => {
      assert.equal((await admin('POST', '/latency', { ms: 100 })).status, 200);
      assert.ok((await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken })).ms >= 90);
      assert.equal((await admin('POST', '/latency', { ms: -1 })).status, 400);
      assert.equal((await admin('POST', '/latency', {})).status, 400);
      await admin('POST', '/latency', { ms: 0 });
    });

    it('POST /__emulator/reset', async () => {
      await call(emu.url, 'DELETE', '/v1/auth/api-tokens/deploy-bot', { token: emu.demoToken });
      assert.deepEqual((await admin('POST', '/reset')).json, { ok: true });
      const r = await call(emu.url, 'GET', '/v1/auth/api-tokens', { token: emu.demoToken });
      assert.equal((r.json as { tokens: unknown[] }).tokens.length, 4);
    });

    it('GET/DELETE /__emulator/requests (admin calls are not recorded)', async () => {
      await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken });
      const r = await admin('GET', '/requests');
      const recorded = r.json as RecordedRequest[];
      assert.deepEqual(recorded.map((x) => `${x.method} ${x.path} ${x.status} ${x.authorized}`), ['GET /v1/user 200 true']);
      assert.deepEqual((await admin('DELETE', '/requests')).json, { ok: true });
      assert.deepEqual((await admin('GET', '/requests')).json, []);
    });

    it('GET /__emulator/issued lists every value signed: credentials, API tokens and database tokens, after a reset too', async () => {
      const values = async (): Promise<string[]> => ((await admin('GET', '/issued')).json as { values: string[] }).values;
      const before = await values();
      assert.ok(before.includes(emu.demoToken) && before.includes(emu.demoApiToken), 'the seeded credentials');
      const minted = (await call(emu.url, 'POST', '/v1/auth/api-tokens/issued-check', { token: emu.demoToken })).json as { token: string };
      const db = (await call(emu.url, 'POST', '/v1/organizations/acme/databases/orders/auth/tokens', { token: emu.demoToken })).json as { jwt: string };
      const login = (await admin('POST', '/login-token')).json as { token: string };
      assert.equal(typeof minted.token, 'string');
      assert.equal(typeof db.jwt, 'string');
      emu.reset();
      const after = await values();
      for (const [what, value] of [['API token', minted.token], ['database token', db.jwt], ['login credential', login.token]]) {
        assert.ok(after.includes(value), `${what} listed`);
      }
      assert.deepEqual(after.slice(0, before.length), before, 'nothing forgotten');
    });

    it('GET /__emulator/issued names the values the sign-in pages handed to the browser (the redirect\'s address, the headless page)', async () => {
      const toBrowser = async (): Promise<string[]> => ((await admin('GET', '/issued')).json as { toBrowser: string[] }).toBrowser;
      const before = await toBrowser();
      const redirected = await call(emu.url, 'POST', '/', {
        body: 'port=5000&redirect=true&state=s&type=cli', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      const fromRedirect = new URL(redirected.headers.location as string).searchParams.get('jwt') as string;
      const page = await call(emu.url, 'GET', '/?redirect=false');
      const fromPage = /<pre id="token">([^<]+)<\/pre>/.exec(page.text ?? '')?.[1] ?? '';
      assert.ok(fromRedirect && fromPage, 'both pages handed a value');
      assert.deepEqual((await toBrowser()).slice(before.length), [fromRedirect, fromPage]);
      const issued = ((await admin('GET', '/issued')).json as { values: string[] }).values;
      assert.ok(issued.includes(fromRedirect) && issued.includes(fromPage), 'and both are among the values signed');
      assert.ok(!(await toBrowser()).includes(emu.demoApiToken), 'a value signed for an API call is not one handed to the browser');
    });

    it('POST /__emulator/login-token', async () => {
      const fresh = (await admin('POST', '/login-token')).json as { token: string };
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: fresh.token })).status, 200);
      const expired = (await admin('POST', '/login-token', { expiresInSeconds: -5 })).json as { token: string };
      const r = await call(emu.url, 'GET', '/v1/auth/validate', { token: expired.token });
      assert.equal(r.status, 401);
      assert.match((r.json as { error: string }).error, /expired/);
      const alice = (await admin('POST', '/login-token', { username: 'alice', expiresInSeconds: 60 })).json as { token: string };
      const me = (await call(emu.url, 'GET', '/v1/user', { token: alice.token })).json as { user: { username: string } };
      assert.equal(me.user.username, 'alice');
      assert.equal((await admin('POST', '/login-token', { expiresInSeconds: 'soon' })).status, 400);
      assert.equal((await admin('POST', '/login-token', { username: 'Bad Name' })).status, 400);
    });

    it('404/405 inside /__emulator/, no latency, no faults', async () => {
      emu.setLatency(200);
      emu.injectFault({ path: '/__emulator/info', kind: 'status', status: 500 });
      const info = await admin('GET', '/info');
      assert.equal(info.status, 200);
      assert.ok(info.ms < 150);
      assert.equal((await admin('GET', '/nope')).status, 404);
      const wrong = await admin('PUT', '/info');
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers.allow, 'GET');
      assert.equal(emu.requests.length, 0);
    });
  });
});
