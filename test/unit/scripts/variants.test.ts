// scripts/host/variants.mjs, run for real on a stand-in installed host in a temporary host cache: the
// GitHub test host is a hard-linked copy without VS Code's GitHub authentication, the extension trusted
// with sessions; the installed host is never changed; it is made once and again when the host changes;
// a host it cannot patch fails with a message and leaves nothing behind.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../../..');
const VSCODE = 'lib/node_modules/code-server/lib/vscode';
const WORKBENCH = `${VSCODE}/out/vs/code/browser/workbench/workbench.js`;
const PRODUCT = 'var p={nameShort:"code-server",trustedExtensionAuthAccess:["vscode.git","vscode.github"],version:"1.100.3"};';

function node(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('scripts/host/variants.mjs: the GitHub test host', function () {
  this.timeout(30000);
  let cache: string;
  let env: Record<string, string>;
  let prefix: string;
  let marker: string;

  beforeEach(async () => {
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'turso-variants-'));
    env = { TURSO_VSCODE_HOSTS: cache };
    const info = await node(['--input-type=module', '-e', "const { hostInfo } = await import('./scripts/host/hosts.mjs'); console.log(JSON.stringify(hostInfo('oldest')))"], env);
    const parsed = JSON.parse(info.out) as { prefix: string; marker: string; stamp: string };
    prefix = parsed.prefix;
    marker = parsed.marker;
    for (const ext of ['git', 'github', 'github-authentication']) {
      fs.mkdirSync(path.join(prefix, VSCODE, 'extensions', ext), { recursive: true });
      fs.writeFileSync(path.join(prefix, VSCODE, 'extensions', ext, 'package.json'), `{"name":"${ext}"}`);
    }
    fs.mkdirSync(path.dirname(path.join(prefix, WORKBENCH)), { recursive: true });
    fs.writeFileSync(path.join(prefix, WORKBENCH), `${PRODUCT}\nconsole.log(p);\n`);
    fs.mkdirSync(path.join(prefix, 'lib/node_modules/code-server/out/node'), { recursive: true });
    fs.writeFileSync(path.join(prefix, 'lib/node_modules/code-server/out/node/entry.js'), '// code-server');
    fs.mkdirSync(path.join(prefix, 'bin'));
    fs.symlinkSync('../lib/node_modules/code-server/out/node/entry.js', path.join(prefix, 'bin', 'code-server'));
    fs.writeFileSync(marker, JSON.stringify({ name: 'oldest', codeServer: '4.100.3', stamp: parsed.stamp, installedAt: '1' }));
  });
  afterEach(() => fs.rmSync(cache, { recursive: true, force: true }));

  const make = () => node(['scripts/host/variants.mjs', 'github', 'oldest'], env);
  const snapshot = (dir: string) => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

  it('is a hard-linked copy without github-authentication, the extension trusted; the host keeps every file as it was', async () => {
    const before = snapshot(prefix);
    const workbench = fs.readFileSync(path.join(prefix, WORKBENCH), 'utf8');
    const r = await make();
    assert.equal(r.code, 0, r.out);
    const variant = `${prefix}-github-test`;
    assert.equal(r.out.trim().split('\n').pop(), variant);
    assert.ok(!fs.existsSync(path.join(variant, VSCODE, 'extensions', 'github-authentication')), 'VS Code\'s GitHub authentication is left out');
    assert.ok(fs.existsSync(path.join(variant, VSCODE, 'extensions', 'github', 'package.json')));
    assert.equal(fs.statSync(path.join(variant, VSCODE, 'extensions', 'git', 'package.json')).ino,
      fs.statSync(path.join(prefix, VSCODE, 'extensions', 'git', 'package.json')).ino, 'a hard link, not a copy');
    assert.equal(fs.realpathSync(path.join(variant, 'bin', 'code-server')), path.join(variant, 'lib/node_modules/code-server/out/node/entry.js'));
    assert.match(fs.readFileSync(path.join(variant, WORKBENCH), 'utf8'), /trustedExtensionAuthAccess:\["tursotools\.turso-api-tokens","vscode\.git","vscode\.github"\]/);
    assert.deepEqual(snapshot(prefix), before, 'the host has every file it had');
    assert.equal(fs.readFileSync(path.join(prefix, WORKBENCH), 'utf8'), workbench, 'the host\'s workbench is unchanged');
    assert.ok(fs.existsSync(path.join(prefix, VSCODE, 'extensions', 'github-authentication', 'package.json')));
    assert.deepEqual(fs.readdirSync(cache).filter((f) => f.endsWith('.tmp')), [], 'nothing half-made is left');
  });

  it('is made once, and again when the host was reinstalled', async () => {
    assert.match((await make()).out, /made the GitHub test host/);
    const again = await make();
    assert.equal(again.code, 0, again.out);
    assert.doesNotMatch(again.out, /made the GitHub test host/, 'the current one is reused');
    const m = JSON.parse(fs.readFileSync(marker, 'utf8')) as Record<string, string>;
    fs.writeFileSync(marker, JSON.stringify({ ...m, installedAt: '2' }));
    assert.match((await make()).out, /made the GitHub test host/, 'a reinstalled host makes it again');
  });

  it('fails naming the file when the workbench has no product trust list, and leaves no variant', async () => {
    fs.writeFileSync(path.join(prefix, WORKBENCH), 'var p={nameShort:"code-server"};');
    const r = await make();
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /workbench\.js has no "trustedExtensionAuthAccess:\[" .*variants\.mjs needs updating for code-server 4\.100\.3/);
    assert.deepEqual(fs.readdirSync(cache).filter((f) => f.includes('github-test')), []);
  });

  it('refuses a host that is not installed (no marker)', async () => {
    fs.rmSync(marker);
    const r = await make();
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /host oldest .* is not installed in .*npm run hosts:install -- oldest/);
  });
});
