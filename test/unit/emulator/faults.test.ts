import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { startEmulator, TursoEmulator } from '../../emulator/server';
import { call, callError, until, useEmulator } from './http';

describe('emulator: faults, latency and routing', () => {
  let emu: TursoEmulator;
  useEmulator((started) => (emu = started));

  const tokens = (opts: { timeoutMs?: number } = {}) => call(emu.url, 'GET', '/v1/auth/api-tokens', { token: emu.demoToken, ...opts });

  describe('routing', () => {
    it('404 {"error":"not found"} for unknown routes, even without a token', async () => {
      for (const p of ['/v1/nope', '/v1/user/', '/v3/user', '/v1/auth/api-tokens/a/b', '/v1/organizations/acme']) {
        const r = await call(emu.url, 'GET', p);
        assert.equal(r.status, 404, p);
        assert.deepEqual(r.json, { error: 'not found' });
        assert.equal(r.headers['content-type'], 'application/json');
      }
    });

    it('405 with Allow for a wrong method on a known route', async () => {
      const r = await call(emu.url, 'PUT', '/v1/auth/api-tokens/x', { token: emu.demoToken });
      assert.equal(r.status, 405);
      assert.equal(r.headers.allow, 'POST, DELETE');
      assert.deepEqual(r.json, { error: 'method not allowed' });
      assert.equal((await call(emu.url, 'POST', '/v1/user', { token: emu.demoToken })).status, 405);
      assert.equal((await call(emu.url, 'DELETE', '/v1/auth/api-tokens', { token: emu.demoToken })).status, 405);
    });
  });

  describe('fault kinds', () => {
    it('status: answers the status with {"error"} and the given headers (Retry-After)', async () => {
      emu.injectFault({ kind: 'status', status: 429, error: 'slow down', headers: { 'Retry-After': '2' } });
      const r = await tokens();
      assert.equal(r.status, 429);
      assert.deepEqual(r.json, { error: 'slow down' });
      assert.equal(r.headers['retry-after'], '2');
      assert.equal(r.headers['content-type'], 'application/json');
    });

    it('status: defaults to 500 and the status text', async () => {
      emu.injectFault({ kind: 'status', times: 1 });
      assert.deepEqual((await tokens()).json, { error: 'internal server error' });
      emu.injectFault({ kind: 'status', status: 503, times: 1 });
      assert.deepEqual((await tokens()).json, { error: 'service unavailable' });
    });

    it('timeout: never answers (the client gives up)', async () => {
      emu.injectFault({ kind: 'timeout', times: 1 });
      const e = await callError(emu.url, 'GET', '/v1/auth/api-tokens', { token: emu.demoToken, timeoutMs: 150 });
      assert.match(e.message, /client timeout/);
      assert.equal((await tokens()).status, 200, 'times: 1 → next request is normal');
    });

    it('timeout: close() ends held sockets (the client sees the connection end, not its own timeout)', async () => {
      const other = await startEmulator();
      other.injectFault({ kind: 'timeout' });
      const pending = callError(other.url, 'GET', '/v1/user', { timeoutMs: 10000 });
      await until('the emulator to hold the request', () => other.requests.length === 1);
      await other.close();
      const e = await pending;
      assert.match(e.message, /socket hang up|ECONNRESET/, 'ended by close(), not by the 10 s client timeout');
    });

    it('malformed: 200 with a truncated JSON body', async () => {
      emu.injectFault({ kind: 'malformed' });
      const r = await tokens();
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.ok(r.text.length > 0);
      assert.equal(r.json, undefined, 'not parseable');
    });

    it('wrong-shape: 200 with valid JSON of the wrong shape, per route', async () => {
      emu.injectFault({ kind: 'wrong-shape' });
      assert.deepEqual((await tokens()).json, { tokens: 'nope' });
      assert.deepEqual((await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken })).json, { user: 42 });
    });

    it('huge: 200 with a ~10 MB JSON body', async () => {
      emu.injectFault({ kind: 'huge', times: 1 });
      const r = await tokens({ timeoutMs: 4000 });
      assert.equal(r.status, 200);
      assert.ok(r.text.length >= 10 * 1024 * 1024 && r.text.length < 12 * 1024 * 1024, `${r.text.length} bytes`);
      assert.ok(Array.isArray((r.json as { tokens: unknown[] }).tokens));
      assert.equal(String(r.text.length), r.headers['content-length']);
    });

    it('reset: destroys the socket', async () => {
      emu.injectFault({ kind: 'reset', times: 1 });
      const e = await callError(emu.url, 'GET', '/v1/user', { token: emu.demoToken });
      assert.match((e as NodeJS.ErrnoException).code ?? e.message, /ECONNRESET|socket hang up/);
      assert.equal(emu.requests.at(-1)?.status, 0);
    });

    it('delay: answers normally after delayMs', async () => {
      emu.injectFault({ kind: 'delay', delayMs: 250, times: 1 });
      const r = await tokens();
      assert.equal(r.status, 200);
      assert.ok(r.ms >= 240, `${r.ms} ms`);
      assert.deepEqual((await call(emu.url, 'GET', '/__emulator/faults')).json, [], 'times: 1 → used up');
      assert.equal((await tokens()).status, 200);
    });
  });

  describe('fault matching', () => {
    it('times counts down, then the route answers normally', async () => {
      emu.injectFault({ kind: 'status', status: 502, times: 2 });
      assert.equal((await tokens()).status, 502);
      assert.equal((await tokens()).status, 502);
      assert.equal((await tokens()).status, 200);
    });

    it('matches method and exact path; other routes are untouched', async () => {
      emu.injectFault({ method: 'GET', path: '/v1/auth/api-tokens', kind: 'status', status: 500 });
      assert.equal((await tokens()).status, 500);
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken })).status, 200);
      assert.equal((await call(emu.url, 'POST', '/v1/auth/api-tokens/fine', { token: emu.demoToken })).status, 200);
    });

    it('matches a prefix ending in *, per method, decoded or raw', async () => {
      emu.injectFault({ method: 'post', path: '/v1/auth/api-tokens/*', kind: 'status', status: 503, times: 2 });
      assert.equal((await call(emu.url, 'DELETE', '/v1/auth/api-tokens/ci-bot', { token: emu.demoToken })).status, 200, 'method differs');
      assert.equal((await tokens()).status, 200, 'the list route is not under the prefix');
      assert.equal((await call(emu.url, 'POST', '/v1/auth/api-tokens/a', { token: emu.demoToken })).status, 503);
      emu.clearFaults();
      emu.injectFault({ path: '/v1/auth/api-tokens/my token', kind: 'status', status: 418 });
      assert.equal((await call(emu.url, 'POST', '/v1/auth/api-tokens/my%20token', { token: emu.demoToken })).status, 418);
    });

    it('without a path, applies to API routes only (not the sign-in page)', async () => {
      emu.injectFault({ kind: 'status', status: 500 });
      assert.equal((await call(emu.url, 'GET', '/?redirect=false')).status, 200);
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken })).status, 500);
      assert.equal((await call(emu.url, 'GET', '/v1/nope')).status, 500, 'unknown /v1 paths count as API routes');
    });

    it('first matching fault wins; clearFaults removes all', async () => {
      emu.injectFault({ path: '/v1/user', kind: 'status', status: 401, error: 'first' });
      emu.injectFault({ kind: 'status', status: 500, error: 'second' });
      assert.deepEqual((await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken })).json, { error: 'first' });
      assert.deepEqual((await tokens()).json, { error: 'second' });
      emu.clearFaults();
      assert.equal((await tokens()).status, 200);
    });

    it('headers also apply to delayed normal answers; faults precede auth', async () => {
      emu.injectFault({ kind: 'delay', delayMs: 1, headers: { 'X-Test': 'yes' }, times: 1 });
      const r = await tokens();
      assert.equal(r.headers['x-test'], 'yes');
      emu.injectFault({ kind: 'status', status: 503, times: 1 });
      assert.equal((await call(emu.url, 'GET', '/v1/user')).status, 503, 'no token, but the fault answers first');
    });

    it('rejects invalid faults', () => {
      assert.throws(() => emu.injectFault({ kind: 'explode' as never }), TypeError);
      assert.throws(() => emu.injectFault({ kind: 'status', status: 42 }), TypeError);
      assert.throws(() => emu.injectFault({ kind: 'status', times: 0 }), TypeError);
      assert.throws(() => emu.injectFault({ kind: 'status', path: 'v1/user' }), TypeError);
    });
  });

  describe('latency', () => {
    it('applies to API routes, not to /__emulator/; setLatency(0) ends it for the next request', async () => {
      emu.setLatency(600);
      let slowDone = false;
      const arrived = emu.arrived;
      const slow = tokens({ timeoutMs: 5000 }).finally(() => (slowDone = true));
      await until('the API request to arrive', () => emu.arrived === arrived + 1);
      assert.equal(emu.requests.length, 0, 'counted on arrival, recorded once answered');
      assert.equal((await call(emu.url, 'GET', '/__emulator/info')).status, 200);
      assert.equal(slowDone, false, 'the admin route answered while the API request still waited');
      emu.setLatency(0);
      assert.equal((await tokens()).status, 200);
      assert.equal(slowDone, false, 'a request after setLatency(0) overtook the one sent before');
      assert.ok((await slow).ms >= 590, 'the first request waited its latency');
    });

    it('comes from the start option too', async () => {
      const slow = await startEmulator({ latencyMs: 100 });
      try {
        assert.ok((await call(slow.url, 'GET', '/v1/user', { token: slow.demoToken })).ms >= 90);
      } finally {
        await slow.close();
      }
    });
  });

  describe('keep-alive clients', () => {
    it('serves several requests on one connection and close() still ends it', async () => {
      const other = await startEmulator();
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const get = () => new Promise<number>((resolve, reject) => {
        http.get(`${other.url}/v1/user`, { agent, headers: { Authorization: `Bearer ${other.demoToken}` } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }).on('error', reject);
      });
      assert.deepEqual([await get(), await get(), await get()], [200, 200, 200]);
      const t0 = Date.now();
      await other.close();
      // Without closeAllConnections() the idle connection would hold close() for Node's keepAliveTimeout (5 s).
      assert.ok(Date.now() - t0 < 2500, `close() took ${Date.now() - t0} ms`);
      agent.destroy();
    });
  });
});
