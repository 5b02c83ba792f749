// The HTTP transport both API clients share (src/util/http.ts) and their errors' common part
// (src/util/apiErrors.ts), on their own: against a local server, with no client around them.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { describeFailure, mayHaveBeenSent, redactSecrets } from '../../../src/util/apiErrors';
import {
  TransportFailure, exchange, lazyNodeFetch, parseRetryAfter, sameResource, withAttempts, type Fetch, type HttpExchange, type HttpRequestEvent,
  type TransportErrorKind,
} from '../../../src/util/http';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

describe('util/http: exchange', function () {
  this.timeout(20000);
  let server: http.Server;
  let base: string;
  let handler: Handler;
  const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        handler(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    seen.length = 0;
    handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  });

  const request = (over: Partial<HttpExchange> = {}): HttpExchange => ({
    url: `${base}/thing`,
    method: 'GET',
    headers: { Authorization: 'Bearer t0ken-value' },
    redirect: 'error',
    timeoutMs: 5000,
    maxResponseBytes: 1024,
    fetchImpl: lazyNodeFetch,
    where: 'the test server',
    ...over,
  });

  async function failure(pending: Promise<unknown>): Promise<TransportFailure> {
    const err = await pending.then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof TransportFailure, `a TransportFailure, not ${String(err)}`);
    return err;
  }

  it('sends the headers and a JSON body, and reads the status, the headers and the JSON answer', async () => {
    handler = (_req, res) => res.writeHead(201, { 'Content-Type': 'application/json', 'Retry-After': '3' }).end('{"id":7}');
    const answer = await exchange(request({ method: 'POST', json: { name: 'x' } }));
    assert.deepEqual({ status: answer.status, body: answer.body, notJson: answer.notJson, retry: answer.header('retry-after') },
      { status: 201, body: { id: 7 }, notJson: false, retry: '3' });
    assert.equal(seen[0].method, 'POST');
    assert.equal(seen[0].headers.authorization, 'Bearer t0ken-value');
    assert.equal(seen[0].headers['content-type'], 'application/json');
    assert.equal(seen[0].body, '{"name":"x"}');
  });

  it('sends no body and no Content-Type without json; an empty body is no JSON and not "not JSON"', async () => {
    handler = (_req, res) => res.writeHead(204).end();
    const answer = await exchange(request());
    assert.deepEqual({ status: answer.status, body: answer.body, notJson: answer.notJson, text: answer.text }, { status: 204, body: undefined, notJson: false, text: '' });
    assert.equal(seen[0].headers['content-type'], undefined);
  });

  it('says when a body is there and is not JSON (status and text kept)', async () => {
    handler = (_req, res) => res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html>bad gateway</html>');
    const answer = await exchange(request());
    assert.deepEqual({ status: answer.status, notJson: answer.notJson, text: answer.text }, { status: 502, notJson: true, text: '<html>bad gateway</html>' });
  });

  it('timeout: no answer within timeoutMs', async () => {
    handler = () => undefined; // never answers
    const started = Date.now();
    const err = await failure(exchange(request({ timeoutMs: 300 })));
    assert.equal(err.kind, 'timeout');
    assert.equal(err.detail, 'no answer within 0 s');
    assert.ok(Date.now() - started < 3000, `stopped after ${Date.now() - started} ms`);
    const slow = await failure(exchange(request({ timeoutMs: 1600 })));
    assert.equal(slow.detail, 'no answer within 2 s');
  });

  it('cancelled: the caller\'s signal aborts a request under way, and a signal already aborted sends nothing', async () => {
    handler = () => undefined;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await failure(exchange(request({ signal: controller.signal })));
    assert.deepEqual({ kind: err.kind, detail: err.detail }, { kind: 'cancelled', detail: '' });
    const before = seen.length;
    const again = await failure(exchange(request({ signal: controller.signal })));
    assert.equal(again.kind, 'cancelled');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(seen.length, before, 'a request with an aborted signal was sent');
  });

  it('a timeout is a timeout even when the caller\'s signal is aborted afterwards', async () => {
    handler = () => undefined;
    const controller = new AbortController();
    const pending = exchange(request({ timeoutMs: 200, signal: controller.signal }));
    setTimeout(() => controller.abort(), 400);
    assert.equal((await failure(pending)).kind, 'timeout');
  });

  it('tooLarge: a body over maxResponseBytes is refused', async () => {
    handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ pad: 'x'.repeat(5000) }));
    const err = await failure(exchange(request({ maxResponseBytes: 1024 })));
    assert.deepEqual({ kind: err.kind, detail: err.detail }, { kind: 'tooLarge', detail: 'the response is larger than 1024 bytes' });
    const fits = await exchange(request({ maxResponseBytes: 10_000 }));
    assert.equal((fits.body as { pad: string }).pad.length, 5000);
  });

  it('network: a refused connection says its code and where, nothing else', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await failure(exchange(request({ url: `http://127.0.0.1:${port}/thing`, where: 'the API host' })));
    assert.deepEqual({ kind: err.kind, detail: err.detail }, { kind: 'network', detail: 'ECONNREFUSED at the API host' });
  });

  it('network: a connection cut midway, and any other error a fetch throws, keep its message (for the client to redact)', async () => {
    handler = (req) => req.socket.destroy();
    const cut = await failure(exchange(request()));
    assert.equal(cut.kind, 'network');
    assert.match(cut.detail, /socket hang up|ECONNRESET/);
    const odd: Fetch = () => Promise.reject(new Error('odd failure with t0ken-value'));
    const other = await failure(exchange(request({ fetchImpl: odd })));
    assert.deepEqual({ kind: other.kind, detail: other.detail }, { kind: 'network', detail: 'odd failure with t0ken-value' });
  });

  it('redirects: "error" fails the request; "manual" answers the redirect itself, never following it', async () => {
    handler = (req, res) => (req.url === '/thing' ? res.writeHead(301, { Location: `${base}/elsewhere` }).end() : res.writeHead(200).end('{}'));
    const err = await failure(exchange(request({ redirect: 'error' })));
    assert.equal(err.kind, 'network');
    seen.length = 0;
    const answer = await exchange(request({ redirect: 'manual' }));
    assert.equal(answer.status, 301);
    assert.deepEqual(seen.map((s) => s.url), ['/thing'], 'the redirect was followed');
  });
});

describe('util/http: node-fetch is loaded with the first request only', function () {
  this.timeout(30000);
  it('loading src/util/http.ts loads no node-fetch; the first exchange does', () => {
    const mod = path.join(ROOT, 'out', 'src', 'util', 'http.js');
    const script = `
      const loaded = () => Object.keys(require.cache).some((f) => /[\\\\/]node-fetch[\\\\/]/.test(f));
      const { exchange, lazyNodeFetch } = require(${JSON.stringify(mod)});
      const before = loaded();
      exchange({ url: 'http://127.0.0.1:9/', method: 'GET', headers: {}, redirect: 'error', timeoutMs: 2000, maxResponseBytes: 10, fetchImpl: lazyNodeFetch, where: 'x' })
        .catch(() => undefined).then(() => console.log(JSON.stringify({ before, after: loaded() })));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { before: boolean; after: boolean };
    assert.deepEqual(out, { before: false, after: true });
  });
});

describe('util/http: withAttempts', () => {
  type Kind = TransportErrorKind | 'server';
  class E extends Error {
    constructor(readonly kind: Kind, readonly status?: number, readonly detail?: string) {
      super(kind);
    }
  }
  const own = (err: unknown): err is E => err instanceof E;
  const base = {
    method: 'GET', path: '/p', isOwn: own, fail: (kind: TransportErrorKind, detail?: string) => new E(kind, undefined, detail),
    redact: (text: string) => text.split('s3cret').join('[redacted]'),
  };

  it('retries while retryDelay says so, up to attempts, and reports each try', async () => {
    const events: HttpRequestEvent<Kind>[] = [];
    let tries = 0;
    const result = await withAttempts({
      ...base, attempts: 3,
      run: () => (++tries < 3 ? Promise.reject(new E('server', 503)) : Promise.resolve('done')),
      retryDelay: () => 5,
      onRequest: (e) => events.push(e),
    });
    assert.equal(result, 'done');
    assert.deepEqual(events.map((e) => [e.attempt, e.status, e.errorKind]), [[1, 503, 'server'], [2, 503, 'server'], [3, 200, undefined]]);
  });

  it('gives up with the error when attempts are used up or retryDelay says no', async () => {
    let tries = 0;
    const err = await withAttempts({
      ...base, method: 'PUT', attempts: 1,
      run: () => (tries++, Promise.reject(new E('server', 502))),
      retryDelay: () => 5,
    }).catch((e: unknown) => e);
    assert.ok(err instanceof E && err.kind === 'server');
    assert.equal(tries, 1);
    const delays: number[] = [];
    const second = await withAttempts({
      ...base, attempts: 5,
      run: () => Promise.reject(new E('server', 500)),
      retryDelay: (_e, attempt) => (delays.push(attempt), attempt < 2 ? 1 : undefined),
    }).catch((e: unknown) => e);
    assert.ok(second instanceof E && second.kind === 'server');
    assert.deepEqual(delays, [1, 2]);
  });

  it('says a transport failure in the client\'s kinds (too large: badResponse), its detail redacted; anything else thrown is network', async () => {
    const seen: [Kind, string | undefined][] = [];
    for (const thrown of [new TransportFailure('tooLarge', 'big'), new TransportFailure('timeout', 'slow'), new TransportFailure('cancelled', ''),
      new TransportFailure('network', 'ECONNRESET s3cret'), new TypeError('odd s3cret')]) {
      const err = await withAttempts({ ...base, attempts: 1, run: () => Promise.reject(thrown), retryDelay: () => undefined }).catch((e: unknown) => e);
      assert.ok(err instanceof E);
      seen.push([err.kind, err.detail]);
    }
    assert.deepEqual(seen, [['badResponse', 'big'], ['timeout', 'slow'], ['cancelled', undefined], ['network', 'ECONNRESET [redacted]'], ['network', 'odd [redacted]']]);
  });

  it('a cancel during the wait between tries ends it at once with the cancelled error', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const err = await withAttempts({
      ...base, attempts: 3,
      run: () => Promise.reject(new E('network')),
      retryDelay: () => 10_000,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    assert.ok(err instanceof E && err.kind === 'cancelled');
    assert.ok(Date.now() - started < 2000, `waited ${Date.now() - started} ms`);
  });
});

describe('util/http and util/apiErrors: the small parts', () => {
  it('parseRetryAfter reads seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 0, 1);
    assert.deepEqual([parseRetryAfter('7'), parseRetryAfter(null), parseRetryAfter('soon'), parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)], [7, undefined, undefined, 30]);
  });

  it('sameResource refuses dot segments', () => {
    assert.equal(sameResource('https://h/api/v3', '/repos/o/r'), true);
    assert.equal(sameResource('https://h/api/v3', '/repos/o/..'), false);
    assert.equal(sameResource('https://h', '/v1/auth/api-tokens/.'), false);
  });

  it('describeFailure: operation, summary, server text or detail, status, tail and hint', () => {
    assert.equal(describeFailure({ operation: 'listing x', summary: 'not found', serverMessage: 'gone', detail: 'd', status: 404, hint: 'Refresh.' }),
      'Listing x failed: not found — gone (HTTP 404). Refresh.');
    assert.equal(describeFailure({ operation: 'listing x', summary: 'too many', detail: 'd', status: 429, tail: '; try again in 3 s', hint: '' }),
      'Listing x failed: too many (d) (HTTP 429); try again in 3 s.');
  });

  it('mayHaveBeenSent: only errors that mean "never reached a server" say no', () => {
    assert.deepEqual(['ECONNREFUSED at h', 'ENOTFOUND at h', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET at h', 'socket hang up', undefined].map(mayHaveBeenSent),
      [false, false, false, false, false, true, true, true]);
  });

  it('redactSecrets removes the given secrets and JWT-like text, and makes the rest inert', () => {
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4eXoxMjMifQ.c2lnbmF0dXJlLXNpZw';
    assert.equal(redactSecrets(`a ghu_secret1 b ${jwt}\nc`, ['ghu_secret1', undefined, 'ab']), 'a [redacted] b [redacted] c');
    assert.ok(redactSecrets('x'.repeat(5000)).length <= 501);
  });
});
