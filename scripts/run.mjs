#!/usr/bin/env node
// `npm start`: try the extension in a real VS Code (code-server) against the Turso API emulator.
// Installs a host if none is (the oldest when nothing is installed: ~1 min on Node 20, versus ~2-3 min
// for the newest, which also needs Node 24), builds and packages the extension, starts the emulator
// on 127.0.0.1:8787 and code-server on 127.0.0.1:8080 (free ports if those are taken) with the VSIX
// installed and turso.apiBaseUrl set to the emulator, prints the URL and the demo sign-in token, and
// runs until Ctrl-C, which stops both.
//
// usage: npm start -- [--host newest|oldest] [--port 8080] [--emulator-port 8787] [--real] [--no-build]
//   --real      point at https://api.turso.tech instead of the emulator (sign in with a real token)
//   --no-build  use the VSIX already in dist/
// State (settings, installed extension) is kept in <host cache>/run-<host>/ between runs. The sign-in
// lives in your browser (per origin): keep the same port to stay signed in.
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { cacheDir, hostInfo, REPO } from './host/hosts.mjs';
import { installExtension, probeHost, startCodeServer } from './host/code-server.mjs';
import { buildAndPackage, VSIX } from './host/package.mjs';
import { freePort, installSignalHandlers, isAlive, runBounded, spawnTracked, stopAll, stopPid, waitFor } from './host/procs.mjs';

const { values: opt } = util.parseArgs({
  options: {
    host: { type: 'string' }, port: { type: 'string', default: '8080' }, 'emulator-port': { type: 'string', default: '8787' },
    real: { type: 'boolean', default: false }, 'no-build': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opt.help) {
  console.log(fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 14).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const say = (m) => console.log(`[start] ${m}`);
const fail = async (m) => {
  console.error(`[start] ${m}`);
  await stopAll();
  process.exit(1);
};
let stopping = false;
installSignalHandlers(async () => {
  stopping = true;
  say('stopping code-server and the emulator…');
});

// 1. a host
let host = opt.host;
if (!host) {
  // an installed host, the newest first; with none, the oldest: quicker to install
  host = hostInfo('newest').installed ? 'newest' : 'oldest';
}
let info = hostInfo(host);
if (info.installed) {
  // a cached host that cannot load its server modules loses its marker and is reinstalled below
  await probeHost(info).catch((e) => say(`${e.message.split('\n')[0]}: reinstalling it`));
  info = hostInfo(host);
}
if (!info.installed) {
  say(`installing VS Code ${info.vscode} (code-server ${info.codeServer}) into ${cacheDir()} — once, about ${host === 'oldest' ? 'a minute' : '2-3 minutes'}` +
    `${!opt.host ? ` (the newest, VS Code ${hostInfo('newest').vscode}, with: npm start -- --host newest)` : ''}`);
  const r = await runBounded('bash', [path.join(REPO, 'scripts/host/install.sh'), '--no-browser', host], { timeoutMs: 30 * 60000, prefix: '  │ ' });
  if (r.code !== 0) await fail(`installing the host failed (${r.timedOut ? 'timed out' : `exit ${r.code}`}); see above`);
  info = hostInfo(host);
}
say(`host: ${info.label}`);

// 2. build: out/ (the emulator) and the VSIX
if (!fs.existsSync(path.join(REPO, 'node_modules', 'typescript'))) await fail('node_modules is missing: run `npm install` first');
if (!opt['no-build'] || !fs.existsSync(VSIX)) {
  say('building (tsc, esbuild --production, vsce package)…');
  const tsc = await runBounded(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: REPO, timeoutMs: 180000, prefix: '  │ ' });
  if (tsc.code !== 0) say('tsc reported errors (see above); going on with what it emitted');
  const p = await buildAndPackage({ prefix: '  │ ' });
  if (!p.ok) await fail(`packaging failed: ${p.note}`);
  say(`packaged ${p.note}`);
}

// 3. the emulator
let emulator;
if (!opt.real) {
  const main = path.join(REPO, 'out/test/emulator/main.js');
  if (!fs.existsSync(main)) await fail(`${main} is missing (tsc -p . did not emit it)`);
  const want = Number(opt['emulator-port']);
  const port = await freePort(want);
  if (port !== want) say(`port ${want} is taken: the emulator gets ${port}`);
  const runDir = path.join(cacheDir(), `run-${host}`);
  fs.mkdirSync(runDir, { recursive: true });
  const infoFile = path.join(runDir, 'emulator-info.json');
  fs.rmSync(infoFile, { force: true });
  const child = spawnTracked(process.execPath, [main, '--port', String(port), '--info-file', infoFile, '--quiet'], { label: 'turso emulator', stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    emulator = await waitFor(() => fs.existsSync(infoFile) && JSON.parse(fs.readFileSync(infoFile, 'utf8')), { timeoutMs: 20000, message: 'the emulator to start' });
  } catch (e) {
    await fail(`the emulator did not start: ${e.message}`);
  }
  emulator.pid = child.pid;
  child.once('exit', async (code) => { if (!stopping) await fail(`the emulator exited (code ${code})`); });
}

// 4. code-server with the VSIX and the setting
const root = path.join(cacheDir(), `run-${host}`);
try {
  await installExtension(info, { root, vsix: VSIX, prefix: '  │ ' });
} catch (e) {
  await fail(e.message);
}
const wantPort = Number(opt.port);
const csPort = await freePort(wantPort);
if (csPort !== wantPort) say(`port ${wantPort} is taken: code-server gets ${csPort} (a new origin: sign in again there)`);
let cs;
try {
  cs = await startCodeServer(info, { root, port: csPort, strictPort: true, settings: { 'turso.apiBaseUrl': opt.real ? undefined : emulator.url } });
} catch (e) {
  await fail(e.message);
}
fs.rmSync(path.join(root, 'code-server.pid'), { force: true });

console.log(`
  VS Code ${info.vscode} (code-server ${info.codeServer}) with Turso API Tokens:

    open  ${cs.url}/?folder=${encodeURIComponent(cs.dirs.ws)}
${opt.real ? `
  API: https://api.turso.tech (the default) — sign in with a real Platform API token
       (turso auth token, or turso auth api-tokens mint <name>)` : `
  API: the Turso API emulator at ${emulator.url} (turso.apiBaseUrl in the user settings)
  Demo sign-in token (emulator only, user "demo", valid 7 days):

    ${emulator.demoToken}
`}
  code-server log: ${cs.log}
  Ctrl-C stops code-server${opt.real ? '' : ' and the emulator'}.
`);

// stay up; if code-server dies, stop the emulator and say so
for (;;) {
  await new Promise((r) => setTimeout(r, 1000));
  if (!stopping && !isAlive(cs.pid)) {
    stopping = true;
    if (emulator) await stopPid(emulator.pid);
    await fail(`code-server exited; its log: ${cs.log}\n${cs.logTail(20)}`);
  }
}
