// test/github-emulator/main.ts: the emulator as a process of its own (for the in-host and e2e runs).
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const MAIN = path.resolve(__dirname, '../../github-emulator/main.js');

async function waitFor<T>(what: string, fn: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('github-emulator: main.ts CLI', function () {
  this.timeout(15000);
  const children: ChildProcess[] = [];
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'github-emu-'));
  });
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes --info-file (0600), serves /api/v3, prints no token, and stops cleanly on SIGTERM', async () => {
    const infoFile = path.join(dir, 'sub', 'info.json');
    const child = spawn(process.execPath, [MAIN, '--port', '0', '--info-file', infoFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const info = await waitFor('the info file', () => (fs.existsSync(infoFile) ? JSON.parse(fs.readFileSync(infoFile, 'utf8')) as Record<string, string> : undefined));
    assert.equal(fs.statSync(infoFile).mode & 0o777, 0o600);
    assert.equal(info.enterpriseApiBase, `${info.url}/api/v3`);
    const res = await fetch(`${info.enterpriseApiBase}/repos/octo-org/app/actions/secrets/public-key`, { headers: { Authorization: `Bearer ${info.adminToken}` } });
    assert.equal(res.status, 200);
    await waitFor('the request line', () => (/GET \/api\/v3\/repos\/octo-org\/app\/actions\/secrets\/public-key 200/.test(out) ? true : undefined));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
    assert.ok(!fs.existsSync(infoFile), 'the info file is removed');
    for (const token of [info.adminToken, info.readerToken, info.strangerToken]) assert.ok(!out.includes(token), 'a token on stdout');
    assert.match(out, /GitHub API emulator stopped \(SIGTERM\)/);
  });

  it('a bad argument: exit 2 with the usage', async () => {
    const child = spawn(process.execPath, [MAIN, '--port', 'x'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /--port must be an integer/);
    assert.match(err, /usage:/);
  });
});
