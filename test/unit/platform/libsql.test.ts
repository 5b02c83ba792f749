import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkLibsqlToken, libsqlEndpoint, STOPPED, verdict } from '../../../src/platform/libsql';

describe('libSQL endpoint (pure)', () => {
  it('a database is asked at its own host over https', () => {
    assert.deepEqual(libsqlEndpoint('orders-acme.turso.io', 'https://api.turso.tech'), { url: 'https://orders-acme.turso.io/v2/pipeline' });
    assert.deepEqual(libsqlEndpoint('Orders-Acme.turso.io', undefined), { url: 'https://orders-acme.turso.io/v2/pipeline' });
  });
  it('with a loopback API (the emulator): at the API\'s origin, the database named by Host', () => {
    for (const api of ['http://127.0.0.1:8787', 'http://localhost:9000/base', 'http://[::1]:4000']) {
      const origin = new URL(api).origin;
      assert.deepEqual(libsqlEndpoint('orders-acme.turso.io', api), { url: `${origin}/v2/pipeline`, host: 'orders-acme.turso.io' }, api);
    }
  });
  it('a non-loopback API never takes a database\'s token', () => {
    assert.deepEqual(libsqlEndpoint('orders-acme.turso.io', 'https://proxy.example'), { url: 'https://orders-acme.turso.io/v2/pipeline' });
    assert.deepEqual(libsqlEndpoint('orders-acme.turso.io', 'https://127.0.0.1.evil.example'), { url: 'https://orders-acme.turso.io/v2/pipeline' });
  });
  it('a hostname that is not a plain DNS name gets no endpoint', () => {
    for (const bad of ['', 'evil.example/path', 'evil.example:444', 'user@evil.example', '127.0.0.1', 'localhost', 'a..b', 'x.turso.io#', '-x.turso.io']) {
      assert.equal(libsqlEndpoint(bad, 'https://api.turso.tech'), undefined, bad);
    }
  });
  it('reads the answer: 200 ok opens, 401/403 refused, anything else unreachable', () => {
    assert.deepEqual(verdict(200, '{"results":[{"type":"ok"},{"type":"ok"}]}'), { kind: 'opens' });
    assert.deepEqual(verdict(401, ''), { kind: 'refused', status: 401 });
    assert.deepEqual(verdict(403, ''), { kind: 'refused', status: 403 });
    assert.equal(verdict(500, '').kind, 'unreachable');
    assert.equal(verdict(200, '{"results":[{"type":"error"}]}').kind, 'unreachable');
    assert.equal(verdict(200, 'nope').kind, 'unreachable');
  });
  it('sends SELECT 1 with the bearer and the Host header', async () => {
    const seen: { host?: string; auth?: string; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ host: req.headers.host, auth: req.headers.authorization, body });
        res.writeHead(req.headers.authorization === 'Bearer good' ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ results: [{ type: 'ok' }, { type: 'ok' }] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const endpoint = libsqlEndpoint('orders-acme.turso.io', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      assert.ok(endpoint);
      assert.deepEqual(await checkLibsqlToken(endpoint, 'good'), { kind: 'opens' });
      assert.deepEqual(await checkLibsqlToken(endpoint, 'bad'), { kind: 'refused', status: 401 });
      assert.equal(seen[0].host, 'orders-acme.turso.io');
      assert.equal(seen[0].auth, 'Bearer good');
      assert.match(seen[0].body, /SELECT 1/);
    } finally {
      server.close();
    }
  });
  it('a stopped check closes its connection and answers "stopped" (a database that never answers is not waited for)', async () => {
    // the database takes the request and never answers; it sees the connection close when the check stops
    let arrived!: () => void;
    const inFlight = new Promise<void>((r) => (arrived = r));
    const closed = new Promise<void>((resolve) => {
      const server = http.createServer((req) => {
        arrived();
        req.socket.on('close', () => {
          server.close();
          resolve();
        });
      });
      server.listen(0, '127.0.0.1', () => {
        const endpoint = libsqlEndpoint('orders-acme.turso.io', `http://127.0.0.1:${(server.address() as AddressInfo).port}`)!;
        const stop = new AbortController();
        // a timeout far beyond the test's own: only the stop can end it
        void checkLibsqlToken(endpoint, 'good', { timeoutMs: 600_000, signal: stop.signal }).then((answer) => {
          assert.deepEqual(answer, { kind: 'unreachable', reason: STOPPED });
          answered = true;
        });
        void inFlight.then(() => stop.abort());
      });
    });
    let answered = false;
    await closed;
    await new Promise((r) => setImmediate(r));
    assert.ok(answered, 'the check answered once stopped');
  });
  it('a check stopped before it starts sends nothing', async () => {
    const stop = new AbortController();
    stop.abort();
    const endpoint = libsqlEndpoint('orders-acme.turso.io', 'http://127.0.0.1:9')!;
    assert.deepEqual(await checkLibsqlToken(endpoint, 'good', { signal: stop.signal }), { kind: 'unreachable', reason: STOPPED });
  });
});
