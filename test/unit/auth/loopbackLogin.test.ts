import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import {
  buildAuthorizeUrl, callbackPortFromExternalUri, formatDuration, LoopbackLoginError, planCallback, randomState,
  startLoopbackLogin, successPage, type LoopbackLogin,
} from '../../../src/auth/loopbackLogin';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

function get(url: string, agent?: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(2000, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
  });
}

/** True when nothing listens on host:port (default 127.0.0.1) any more. */
function portClosed(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2000, () => socket.destroy());
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/** Whether this machine lets a process listen on `host` (false on a machine without an IPv6 loopback). */
function canListen(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port: 0, host }, () => server.close(() => resolve(true)));
  });
}

async function rejection(promise: Promise<unknown>): Promise<LoopbackLoginError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof LoopbackLoginError, `a LoopbackLoginError, got ${String(err)}`);
    return err;
  }
  throw new Error('expected a rejection');
}

describe('auth/loopbackLogin: the one-shot listener of the browser sign-in', () => {
  const started: LoopbackLogin[] = [];
  async function start(options: Parameters<typeof startLoopbackLogin>[0] = {}): Promise<LoopbackLogin> {
    const login = await startLoopbackLogin({ timeoutMs: 5000, ...options });
    started.push(login);
    return login;
  }
  afterEach(async () => {
    for (const login of started.splice(0)) {
      login.cancel();
      await login.closed;
    }
  });
  const callback = (login: LoopbackLogin, query: string) => `http://127.0.0.1:${login.port}/?${query}`;

  it('builds the CLI authorization URL on the API base URL', () => {
    assert.equal(buildAuthorizeUrl('https://api.turso.tech', 51234, 'abc'),
      'https://api.turso.tech/?port=51234&redirect=true&state=abc&type=cli');
    assert.equal(buildAuthorizeUrl('http://127.0.0.1:8787', 1, 'x'), 'http://127.0.0.1:8787/?port=1&redirect=true&state=x&type=cli');
    assert.match(randomState(), /^[0-9a-f]{32}$/);
    assert.notEqual(randomState(), randomState());
  });

  it('listens on 127.0.0.1 on a free port, with a random state', async () => {
    const a = await start();
    const b = await start();
    assert.ok(a.port > 0 && b.port > 0 && a.port !== b.port);
    assert.equal(a.addresses[0], `127.0.0.1:${a.port}`);
    assert.notEqual(a.state, b.state);
    assert.equal(a.authorizeUrl('https://api.turso.tech'), `https://api.turso.tech/?port=${a.port}&redirect=true&state=${a.state}&type=cli`);
    assert.equal(a.authorizeUrl('https://api.turso.tech', 40000), `https://api.turso.tech/?port=40000&redirect=true&state=${a.state}&type=cli`);
  });

  it('takes the jwt with the matching state, answers "you can close this tab", and closes', async () => {
    const login = await start({ state: 'the-state' });
    const answer = await get(callback(login, 'jwt=aaa.bbb.ccc&state=the-state'));
    assert.equal(answer.status, 200);
    assert.match(answer.headers['content-type'] as string, /^text\/html/);
    assert.equal(answer.headers['referrer-policy'], 'no-referrer');
    assert.equal(answer.headers['cache-control'], 'no-store');
    assert.equal(answer.text, successPage());
    assert.match(answer.text, /You can close this tab/);
    assert.equal(await login.token, 'aaa.bbb.ccc');
    await login.closed;
    assert.equal(await portClosed(login.port), true, 'the port is closed after success');
  });

  it('answers 400 to a wrong or missing state and keeps waiting for the right one', async () => {
    const login = await start({ state: 'right' });
    assert.equal((await get(callback(login, 'jwt=evil.evil.evil&state=wrong'))).status, 400);
    assert.equal((await get(callback(login, 'jwt=evil.evil.evil'))).status, 400);
    assert.equal((await get(callback(login, 'jwt=evil.evil.evil&state=righ'))).status, 400);
    assert.equal((await get(callback(login, 'state=right'))).status, 400, 'the right state without a jwt');
    assert.equal((await get(`http://127.0.0.1:${login.port}/favicon.ico`)).status, 404);
    assert.equal(await portClosed(login.port), false, 'still listening');
    assert.equal((await get(callback(login, 'jwt=good.good.good&state=right'))).status, 200);
    assert.equal(await login.token, 'good.good.good');
  });

  it('times out with a message, and closes', async () => {
    const login = await start({ timeoutMs: 30 });
    const err = await rejection(login.token);
    assert.equal(err.reason, 'timeout');
    assert.match(err.message, /timed out.*within 30 ms/);
    await login.closed;
    assert.equal(await portClosed(login.port), true, 'the port is closed after a timeout');
    assert.equal(formatDuration(5 * 60 * 1000), '5 minutes');
    assert.equal(formatDuration(90_000), '90 seconds');
  });

  it('is cancelled by its AbortSignal or cancel(), and closes', async () => {
    const controller = new AbortController();
    const login = await start({ signal: controller.signal });
    controller.abort();
    assert.equal((await rejection(login.token)).reason, 'cancelled');
    await login.closed;
    assert.equal(await portClosed(login.port), true);

    const other = await start();
    other.cancel();
    assert.equal((await rejection(other.token)).reason, 'cancelled');
    await other.closed;
    assert.equal(await portClosed(other.port), true);

    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(startLoopbackLogin({ signal: aborted.signal }), LoopbackLoginError);
  });

  it('closes although the browser keeps its connection alive, and refuses a second use', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const login = await start({ state: 's' });
      assert.equal((await get(callback(login, 'jwt=x.y.z&state=nope'), agent)).status, 400);
      assert.equal((await get(callback(login, 'jwt=x.y.z&state=s'), agent)).status, 200);
      await login.closed; // resolves only once every connection is gone
      assert.equal(await portClosed(login.port), true);
    } finally {
      agent.destroy();
    }
  });

  describe('both loopbacks, one port', function () {
    let holder: net.Server | undefined;
    before(async function () {
      if (!(await canListen('::1'))) {
        this.skip(); // a machine without an IPv6 loopback: the test below covers it
      }
    });
    afterEach(async () => {
      await new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve()));
      holder = undefined;
    });

    it('listens on [::1] too, on the same port: the callback is received on either loopback', async () => {
      const login = await start({ state: 's' });
      assert.deepEqual(login.addresses, [`127.0.0.1:${login.port}`, `[::1]:${login.port}`]);
      assert.equal((await get(`http://[::1]:${login.port}/?jwt=x.y.z&state=wrong`)).status, 400, '[::1] answers');
      assert.equal((await get(`http://127.0.0.1:${login.port}/?jwt=x.y.z&state=wrong`)).status, 400, '127.0.0.1 answers');
      assert.equal((await get(`http://[::1]:${login.port}/?jwt=v6.v6.v6&state=s`)).status, 200);
      assert.equal(await login.token, 'v6.v6.v6');
      await login.closed;
      assert.equal(await portClosed(login.port), true, '127.0.0.1 closed');
      assert.equal(await portClosed(login.port, '::1'), true, '[::1] closed');
    });

    it('another process holding [::1]:P makes it take another port, which both loopbacks serve; the holder receives nothing', async () => {
      let stolen = 0;
      holder = net.createServer((socket) => {
        stolen++;
        socket.destroy();
      });
      const taken = await new Promise<number>((resolve, reject) => {
        holder!.once('error', reject);
        holder!.listen({ port: 0, host: '::1', ipv6Only: true }, () => resolve((holder!.address() as net.AddressInfo).port));
      });
      assert.equal(await portClosed(taken), true, `127.0.0.1:${taken} is free, so it would be taken first`);
      const login = await start({ state: 's', ports: [taken] });
      assert.notEqual(login.port, taken, 'another port than the one held on [::1]');
      assert.deepEqual(login.addresses, [`127.0.0.1:${login.port}`, `[::1]:${login.port}`]);
      assert.equal(await portClosed(taken), true, `127.0.0.1:${taken} was let go`);
      assert.equal((await get(`http://127.0.0.1:${login.port}/?jwt=x&state=wrong`)).status, 400);
      assert.equal((await get(`http://[::1]:${login.port}/?jwt=good.good.good&state=s`)).status, 200);
      assert.equal(await login.token, 'good.good.good');
      assert.equal(stolen, 0, 'nothing reached the process holding [::1]');
    });
  });

  it('a machine without the IPv6 loopback (EADDRNOTAVAIL): 127.0.0.1 alone, and its addresses say so', async () => {
    // ::2 is on no interface, as ::1 is not on a machine without IPv6
    const login = await start({ state: 's', ipv6Loopback: '::2' });
    assert.deepEqual(login.addresses, [`127.0.0.1:${login.port}`]);
    assert.equal((await get(`http://127.0.0.1:${login.port}/?jwt=a.b.c&state=s`)).status, 200);
    assert.equal(await login.token, 'a.b.c');
  });

  it('a cancellation after success changes nothing', async () => {
    const login = await start({ state: 's' });
    await get(callback(login, 'jwt=x.y.z&state=s'));
    login.cancel();
    assert.equal(await login.token, 'x.y.z');
    await login.closed;
  });

  describe('where the browser can reach the listener', () => {
    const plans: [string, Parameters<typeof planCallback>[0], string][] = [
      ['a local desktop window', { webUi: false }, 'direct'],
      ['a desktop window on SSH (a port is forwarded)', { remoteName: 'ssh-remote', webUi: false }, 'forwarded'],
      ['a desktop window in WSL', { remoteName: 'wsl', webUi: false }, 'forwarded'],
      ['code-server on this machine', { remoteName: '127.0.0.1:8080', webUi: true }, 'direct'],
      ['code-server on localhost', { remoteName: 'localhost:8080', webUi: true }, 'direct'],
      ['code-server on [::1]', { remoteName: '[::1]:8080', webUi: true }, 'direct'],
      ['code-server on another machine', { remoteName: 'dev.example.com:8080', webUi: true }, 'unavailable'],
      ['Codespaces in the browser', { remoteName: 'codespaces', webUi: true }, 'unavailable'],
    ];
    for (const [title, env, kind] of plans) {
      it(`${title}: ${kind}`, () => {
        const plan = planCallback(env);
        assert.equal(plan.kind, kind);
        if (plan.kind === 'unavailable') assert.match(plan.reason, new RegExp(env.remoteName as string));
      });
    }

    it('uses what asExternalUri gives only when Turso can redirect to it', () => {
      assert.equal(callbackPortFromExternalUri('http://localhost:51234/'), 51234);
      assert.equal(callbackPortFromExternalUri('http://127.0.0.1:40000'), 40000);
      assert.equal(callbackPortFromExternalUri('http://[::1]:40000/'), 40000);
      assert.equal(callbackPortFromExternalUri('http://127.0.0.1:8080/proxy/51234/'), undefined, "code-server's proxy");
      assert.equal(callbackPortFromExternalUri('https://x-51234.app.github.dev/'), undefined, 'a Codespaces tunnel');
      assert.equal(callbackPortFromExternalUri('https://localhost:51234/'), undefined, 'Turso redirects to http');
      assert.equal(callbackPortFromExternalUri('not a url'), undefined);
    });
  });
});
