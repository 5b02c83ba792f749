import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { call } from './http';

const MAIN = path.resolve(__dirname, '../../emulator/main.js');

interface Running {
  child: ChildProcess;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): Running {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, out: () => out, exited };
}

async function waitFor<T>(what: string, fn: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('emulator: main.ts CLI', () => {
  const children: ChildProcess[] = [];
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'turso-emu-'));
  });
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints the URL and demo token, writes --info-file, serves, and stops cleanly on ${signal}`, async () => {
      const infoFile = path.join(dir, `sub/info-${signal}.json`);
      const r = run(['--port', '0', '--host', '127.0.0.1', '--latency', '0', '--info-file', infoFile]);
      children.push(r.child);
      const [, url, token] = await waitFor('banner', () => /^Turso API emulator: (http:\/\/127\.0\.0\.1:(\d+))\nDemo sign-in token: (\S+)\n/m.exec(r.out())
        ?.filter((_, i) => i !== 2));
      assert.notEqual(url, 'http://127.0.0.1:0', 'the real port is printed');
      const info = await waitFor('info file', () => (fs.existsSync(infoFile) ? JSON.parse(fs.readFileSync(infoFile, 'utf8')) as Record<string, unknown> : undefined));
      assert.deepEqual(Object.keys(info).sort(), ['aliceApiToken', 'aliceToken', 'demoApiToken', 'demoToken', 'pid', 'url']);
      assert.equal(info.url, url);
      assert.equal(info.demoToken, token);
      assert.equal(info.pid, r.child.pid);
      const me = await call(url, 'GET', '/v1/user', { token });
      assert.equal(me.status, 200);
      assert.deepEqual((await call(url, 'GET', '/v1/auth/validate', { token: info.demoApiToken as string })).json, { exp: -1 });
      const alice = await call(url, 'GET', '/v1/user', { token: info.aliceToken as string });
      assert.equal((alice.json as { user: { username: string } }).user.username, 'alice', 'the info file has the second user\'s login token');
      assert.deepEqual((await call(url, 'GET', '/v1/auth/validate', { token: info.aliceApiToken as string })).json, { exp: -1 });
      await waitFor('request log line', () => (/GET \/v1\/user 200/.test(r.out()) ? true : undefined));
      r.child.kill(signal);
      const { code } = await r.exited;
      assert.equal(code, 0, r.out());
      assert.match(r.out(), /stopped/);
      assert.ok(!fs.existsSync(infoFile), 'the info file is removed on a clean stop');
    });
  }

  it('--quiet leaves only the banner; bad arguments exit 2 with usage', async () => {
    const r = run(['--port=0', '--quiet']);
    children.push(r.child);
    const url = await waitFor('banner', () => /Turso API emulator: (\S+)/.exec(r.out())?.[1]);
    await call(url, 'GET', '/v1/user');
    r.child.kill('SIGTERM');
    await r.exited;
    assert.doesNotMatch(r.out(), /GET \/v1\/user/);
    const bad = run(['--port', 'eighty']);
    children.push(bad.child);
    assert.equal((await bad.exited).code, 2);
    assert.match(bad.out(), /usage:/);
  });
});
