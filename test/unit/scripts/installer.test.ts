// scripts/host/install.sh, run for real with a stand-in `npm` and `code-server` on PATH: every step
// that fails stops the install with a non-zero exit and no marker, a host that installs but cannot
// run never gets a marker, and a nested npm never sees the settings the outer `npm run` exported.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../../..');
const INSTALL = path.join(REPO, 'scripts/host/install.sh');

// `npm` as install.sh calls it. FAKE_FAIL names the step that fails; the package it "installs" is a
// code-server whose bin is the fake below. Every call is logged with the npm settings it inherited.
const FAKE_NPM = `#!/usr/bin/env bash
echo "$*|ua=\${npm_config_user_agent-}|prefix=\${npm_config_prefix-}|lifecycle=\${npm_lifecycle_event-}" >> "$FAKE_LOG"
case "$*" in
  -v) echo 11.0.0-fake ;;
  "install -g --prefix "*)
    [ "$FAKE_FAIL" = install ] && { echo "npm error 503 from the registry" >&2; exit 1; }
    prefix=$4; cs="$prefix/lib/node_modules/code-server"
    mkdir -p "$cs/lib/vscode" "$cs/out/node" "$prefix/bin"
    echo '{"packages":{}}' > "$cs/lib/vscode/npm-shrinkwrap.json"
    printf 'const options = {\\n    "enable-proposed-api": {\\n    },\\n};\\n' > "$cs/out/node/cli.js"
    cp "$FAKE_CODE_SERVER" "$prefix/bin/code-server"; chmod +x "$prefix/bin/code-server" ;;
  "rebuild argon2") [ "$FAKE_FAIL" = rebuild ] && exit 1; exit 0 ;;
  "run postinstall")
    [ "$FAKE_FAIL" = postinstall ] && { echo "ERROR: code-server currently requires node v24." >&2; exit 1; }
    exit 0 ;;
  *) echo "fake npm: unexpected call: $*" >&2; exit 3 ;;
esac
`;

// `code-server`: FAKE_CS=broken answers as a host whose server modules are missing (the failure seen
// on a fresh machine); otherwise it installs/lists the smoke extension and serves /healthz and a page.
const FAKE_CODE_SERVER = `#!/usr/bin/env node
const fs = require('fs'), http = require('http');
const args = process.argv.slice(2);
if (process.env.FAKE_CS === 'broken') {
  console.error("Error [ERR_MODULE_NOT_FOUND]: Cannot find package '@microsoft/1ds-core-js' imported from /x/lib/vscode/out/server-main.js");
  process.exit(1);
}
const ext = args[args.indexOf('--extensions-dir') + 1];
if (args.includes('--install-extension')) {
  fs.mkdirSync(ext, { recursive: true }); fs.writeFileSync(ext + '/installed', 'turso-smoke.host-smoke');
  console.log("Extension 'host-smoke.vsix' was successfully installed.");
} else if (args.includes('--list-extensions')) {
  try { console.log(fs.readFileSync(ext + '/installed', 'utf8')); } catch {}
} else if (args.includes('--version')) {
  console.log('0.0.0-fake');
} else {
  const port = Number(/bind-addr: [^:]+:(\\d+)/.exec(fs.readFileSync(args[args.indexOf('--config') + 1], 'utf8'))[1]);
  http.createServer((req, res) => res.end(req.url === '/healthz' ? '{"status":"alive"}' : '<html><body class="monaco-workbench"></body></html>'))
    .listen(port, '127.0.0.1');
}
`;

interface Run {
  code: number | null;
  out: string;
  npmCalls: string[];
}

describe('scripts/host/install.sh', function () {
  this.timeout(60000);
  let dir: string;
  let cache: string;
  let bin: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'turso-installer-'));
    cache = path.join(dir, 'cache');
    bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'npm'), FAKE_NPM, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'code-server'), FAKE_CODE_SERVER, { mode: 0o755 });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function install(args: string[], env: Record<string, string> = {}): Promise<Run> {
    const log = path.join(dir, 'npm.log');
    fs.rmSync(log, { force: true });
    return new Promise((resolve) => {
      const child = spawn('bash', [INSTALL, '--no-apt', ...args], {
        env: {
          ...process.env,
          PATH: `${bin}${path.delimiter}${process.env.PATH}`,
          TURSO_VSCODE_HOSTS: cache,
          TURSO_INSTALL_RETRY_DELAY: '0',
          FAKE_LOG: log,
          FAKE_CODE_SERVER: path.join(dir, 'code-server'),
          // what `npm test` (npm 11 on Node 20) exports to every child
          npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
          npm_config_prefix: '/outer/npm/prefix',
          npm_lifecycle_event: 'test',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', (code) => {
        const npmCalls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
        resolve({ code, out, npmCalls });
      });
    });
  }

  const hostDirs = () => (fs.existsSync(cache) ? fs.readdirSync(cache).filter((f) => f.startsWith('code-server-4.100.3-')) : []);
  const markers = () => hostDirs().filter((d) => fs.existsSync(path.join(cache, d, '.turso-host-complete')));

  it('installs, smoke-checks and writes a marker stamped with the installer; nested npm inherits no npm settings', async () => {
    const r = await install(['oldest']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /smoke check passed/);
    const [only] = markers();
    assert.ok(only, `a marker in ${cache}: ${hostDirs().join(', ')}\n${r.out}`);
    const marker = JSON.parse(fs.readFileSync(path.join(cache, only, '.turso-host-complete'), 'utf8'));
    assert.equal(marker.codeServer, '4.100.3');
    assert.equal(only, `code-server-4.100.3-${marker.stamp}`);
    assert.ok(r.npmCalls.length >= 3, r.npmCalls.join('\n'));
    for (const call of r.npmCalls) {
      assert.doesNotMatch(call, /ua=npm\/11\.19\.1 node\/v20|prefix=\/outer|lifecycle=test/, `a nested npm saw the outer npm's settings: ${call}`);
    }

    const again = await install(['oldest']);
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /already installed/);
    assert.deepEqual(again.npmCalls, [], 'an installed host is not installed again');

    const forced = await install(['--force', 'oldest']);
    assert.equal(forced.code, 0, forced.out);
    assert.ok(forced.npmCalls.some((c) => c.startsWith('install -g')), '--force reinstalls');
  });

  for (const [step, fail, says] of [
    ['the package download', 'install', /step 1 \(npm install code-server@4\.100\.3\) failed/],
    ['the native rebuild', 'rebuild', /step 1 \(npm rebuild argon2\) failed/],
    ["code-server's postinstall", 'postinstall', /step 3 \(code-server's postinstall/],
  ] as const) {
    it(`stops with a non-zero exit and no marker when ${step} fails`, async () => {
      const r = await install(['oldest'], { FAKE_FAIL: fail });
      assert.notEqual(r.code, 0, r.out);
      assert.match(r.out, says);
      assert.match(r.out, /could not install: oldest/);
      assert.doesNotMatch(r.out, /installed and checked/);
      assert.deepEqual(markers(), []);
    });
  }

  it('gives no marker to a host that installed but cannot load its server modules', async () => {
    const r = await install(['oldest'], { FAKE_CS: 'broken' });
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /step 5 \(smoke check\) failed/);
    assert.match(r.out, /Cannot find package '@microsoft\/1ds-core-js'/);
    assert.deepEqual(markers(), []);
  });

  it('reinstalls a host whose marker an earlier installer wrote', async () => {
    const first = await install(['oldest']);
    assert.equal(first.code, 0, first.out);
    const [only] = markers();
    const file = path.join(cache, only, '.turso-host-complete');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), stamp: '000000000000' }));
    const r = await install(['oldest']);
    assert.equal(r.code, 0, r.out);
    assert.ok(r.npmCalls.some((c) => c.startsWith('install -g')), `a stale marker leads to a reinstall:\n${r.out}`);
  });
});

describe('a cached host found broken at run time', function () {
  this.timeout(30000); // the bound: a broken host must fail in seconds, not after a suite's 6 minutes
  let cache: string;
  afterEach(() => fs.rmSync(cache, { recursive: true, force: true }));

  // the harness's own modules, run as the test runners run them (ES modules, in a child Node)
  function harness(code: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', (c) => resolve({ code: c, out }));
    });
  }

  for (const [what, call] of [
    ['the quick probe (npm test setup, npm start)', 'await cs.probeHost(info)'],
    ['starting it for a suite', "await cs.startCodeServer(info, { root: process.env.ROOT, timeoutMs: 60000 })"],
    ['installing the VSIX into it (e2e, npm start)', "await cs.installExtension(info, { root: process.env.ROOT, vsix: process.env.VSIX })"],
  ] as const) {
    it(`fails within seconds, naming its folder and the repair command, and loses its marker: ${what}`, async () => {
      cache = fs.mkdtempSync(path.join(os.tmpdir(), 'turso-broken-host-'));
      const env = { TURSO_VSCODE_HOSTS: cache, ROOT: path.join(cache, 'instance'), VSIX: path.join(cache, 'x.vsix'), FAKE_CS: 'broken' };
      fs.writeFileSync(env.VSIX, 'not opened: the host fails first');
      const info = await harness("const { hostInfo } = await import('./scripts/host/hosts.mjs'); console.log(JSON.stringify(hostInfo('oldest')))", env);
      const { prefix, marker, stamp } = JSON.parse(info.out) as { prefix: string; marker: string; stamp: string };
      fs.mkdirSync(path.join(prefix, 'bin'), { recursive: true });
      fs.writeFileSync(path.join(prefix, 'bin', 'code-server'), FAKE_CODE_SERVER, { mode: 0o755 });
      fs.writeFileSync(marker, JSON.stringify({ name: 'oldest', codeServer: '4.100.3', stamp }));

      const r = await harness(
        "const cs = await import('./scripts/host/code-server.mjs'); const { hostInfo } = await import('./scripts/host/hosts.mjs');" +
        `const info = hostInfo('oldest'); if (!info.installed) { console.log('not installed'); process.exit(3); }` +
        `try { ${call}; console.log('no error'); } catch (e) { console.log(e.name + ': ' + e.message); } process.exit(0);`,
        env,
      );
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /HostBrokenError: the VS Code host oldest .* is broken: .*Cannot find package '@microsoft\/1ds-core-js'/);
      assert.ok(r.out.includes(`in ${prefix} is broken`), r.out);
      assert.ok(r.out.includes('Repair it with: npm run hosts:install -- --force oldest'), r.out);
      assert.ok(!fs.existsSync(marker), 'the broken host lost its marker: the next install redoes it');
    });
  }
});
