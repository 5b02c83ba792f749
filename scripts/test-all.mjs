#!/usr/bin/env node
// The one test command (`npm test`): installs what is missing (npm deps, apt packages, the VS Code
// hosts), then typecheck, lint, unit tests, build + package, the in-host suite on both hosts and the
// end-to-end UI suite, and prints a table of steps. Ends with "N passed, M failed" (tests summed over
// all suites; a step that fails without tests counts as 1 failed). Exits non-zero on any failure.
//
// usage: npm test -- [options]
//   --only a,b        run only these steps (names or prefixes: setup typecheck lint compile unit package
//                     host host:oldest host:newest host-untrusted host-github e2e e2e:newest e2e:oldest
//                     e2e-github; host-github:newest ...); prerequisites are added
//   --skip a,b        leave these steps out
//   --hosts a,b       hosts for the in-host suite (default: oldest,newest)
//   --e2e-hosts a,b   hosts for the e2e suite (default: newest,oldest)
//   --no-install      do not install anything (fail if missing)
//   --bail            stop at the first failing step
//   --list            print the steps that would run, and exit
// env: TURSO_VSCODE_HOSTS (host cache folder), CI (plain output)
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { fileURLToPath } from 'node:url';
import { HOST_NAMES, hostInfo } from './host/hosts.mjs';
import { installSignalHandlers, runBounded, stopAll, stopPidfile } from './host/procs.mjs';
import { buildAndPackage, VSIX } from './host/package.mjs';
import { probeHost } from './host/code-server.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(REPO, '.test-results');
const NODE = process.execPath;
const bin = (pkg, rel) => path.join(REPO, 'node_modules', pkg, rel);

const { values: opt } = util.parseArgs({
  options: {
    only: { type: 'string' }, skip: { type: 'string' },
    hosts: { type: 'string', default: 'oldest,newest' }, 'e2e-hosts': { type: 'string', default: 'newest,oldest' },
    'no-install': { type: 'boolean', default: false }, bail: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opt.help) {
  console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 17).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const color = process.stdout.isTTY && !process.env.CI && !process.env.NO_COLOR;
const list = (s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
const hostsFor = (s) => {
  const l = list(s);
  for (const h of l) if (!HOST_NAMES.includes(h)) { console.error(`unknown host "${h}" (known: ${HOST_NAMES.join(', ')})`); process.exit(2); }
  return l;
};
const inHostHosts = hostsFor(opt.hosts);
const e2eHosts = hostsFor(opt['e2e-hosts']);

// ---- steps -------------------------------------------------------------------------------------
// kind: 'tests' steps report "N passed, M failed"; needs: steps whose output this one uses.
const ALL = [
  { name: 'setup', timeoutSec: 40 * 60, run: setup, what: 'npm deps, apt packages and VS Code hosts (skipped when present)' },
  { name: 'typecheck', timeoutSec: 180, what: 'tsc -p . --noEmit', cmd: [NODE, bin('typescript', 'bin/tsc'), '-p', '.', '--noEmit'] },
  { name: 'lint', timeoutSec: 240, what: 'eslint (typescript-eslint, eslint.config.mjs)', cmd: [NODE, bin('eslint', 'bin/eslint.js'), '.'], parse: parseEslint },
  { name: 'compile', timeoutSec: 180, what: 'tsc -p . (out/: unit, emulator, in-host tests)', cmd: [NODE, bin('typescript', 'bin/tsc'), '-p', '.'] },
  { name: 'unit', timeoutSec: 300, needs: ['compile'], what: 'mocha --config .mocharc.json', kind: 'tests',
    cmd: [NODE, bin('mocha', 'bin/mocha.js'), '--config', '.mocharc.json', color ? '--color' : '--no-color'], parse: parseMocha },
  { name: 'package', timeoutSec: 180, what: 'esbuild --production + vsce package (VSIX)', run: packageVsix },
  ...inHostHosts.map((h) => ({
    name: `host:${h}`, host: h, timeoutSec: 420, needs: ['compile', 'package'], kind: 'tests',
    what: `in-host mocha suite in code-server ${hostInfo(h).codeServer} (VS Code ${hostInfo(h).vscode})`,
    cmd: [NODE, path.join(REPO, 'scripts/host/run-host-tests.mjs'), '--host', h, '--timeout', '360'], parse: parseSummaryLine,
  })),
  ...inHostHosts.map((h) => ({
    name: `host-untrusted:${h}`, host: h, timeoutSec: 240, needs: ['compile', 'package'], kind: 'tests',
    what: `in-host Restricted Mode suite (*.untrusted.test.js: the folder not trusted) in code-server ${hostInfo(h).codeServer}`,
    cmd: [NODE, path.join(REPO, 'scripts/host/run-host-tests.mjs'), '--host', h, '--timeout', '200', '--untrusted'], parse: parseSummaryLine,
  })),
  ...inHostHosts.map((h) => ({
    name: `host-github:${h}`, host: h, timeoutSec: 240, needs: ['compile', 'package'], kind: 'tests',
    what: `in-host GitHub suite (*.github.test.js: the test GitHub sign-in of test/fixtures/github-auth) in code-server ${hostInfo(h).codeServer} without VS Code's own GitHub sign-in`,
    cmd: [NODE, path.join(REPO, 'scripts/host/run-host-tests.mjs'), '--host', h, '--timeout', '200', '--github'], parse: parseSummaryLine,
  })),
  ...e2eHosts.map((h) => ({
    name: `e2e:${h}`, host: h, timeoutSec: 600, needs: ['compile', 'package'], kind: 'tests',
    what: `UI flows (Playwright + chromium) in code-server ${hostInfo(h).codeServer} (VS Code ${hostInfo(h).vscode})`,
    cmd: [NODE, path.join(REPO, 'test/e2e/run.mjs'), '--host', h, '--vsix', VSIX, '--timeout', '540'], parse: parseSummaryLine,
  })),
  ...e2eHosts.map((h) => ({
    name: `e2e-github:${h}`, host: h, timeoutSec: 360, needs: ['compile', 'package'], kind: 'tests',
    what: `GitHub UI flows (*.github.e2e.mjs: the GitHub API emulator, the test GitHub sign-in) in code-server ${hostInfo(h).codeServer} without VS Code's own GitHub sign-in`,
    cmd: [NODE, path.join(REPO, 'test/e2e/run.mjs'), '--host', h, '--vsix', VSIX, '--timeout', '300', '--github'], parse: parseSummaryLine,
  })),
];

const matches = (step, pats) => pats.some((p) => step.name === p || step.name.startsWith(p + ':'));
let selected = ALL;
if (opt.only) {
  const pats = list(opt.only);
  const unknown = pats.filter((p) => !ALL.some((s) => matches(s, [p])));
  if (unknown.length) { console.error(`unknown step(s): ${unknown.join(', ')} (steps: ${ALL.map((s) => s.name).join(', ')})`); process.exit(2); }
  const want = new Set(ALL.filter((s) => matches(s, pats)).map((s) => s.name));
  for (const s of ALL) if (want.has(s.name)) for (const n of s.needs || []) want.add(n);
  want.add('setup');
  selected = ALL.filter((s) => want.has(s.name));
}
if (opt.skip) selected = selected.filter((s) => !matches(s, list(opt.skip)));
if (opt['no-install']) selected = selected.filter((s) => s.name !== 'setup');
const hostsNeeded = [...new Set(selected.filter((s) => s.host).map((s) => s.host))];

if (opt.list) {
  for (const s of selected) console.log(`${s.name.padEnd(12)} ${s.what} (limit ${s.timeoutSec} s)`);
  process.exit(0);
}

// ---- running -----------------------------------------------------------------------------------
fs.mkdirSync(path.join(RESULTS, 'pids'), { recursive: true });
let current;
let interrupted = '';
installSignalHandlers(async (sig) => {
  interrupted = sig;
  if (current) await stopPidfile(current.pidfile);
}, { exit: false });

const paint = (code, s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const results = [];
const t00 = Date.now();

for (const step of selected) {
  if (interrupted) break;
  const failedNeed = (step.needs || []).map((n) => results.find((r) => r.name === n)).find((r) => r && r.status === 'fail');
  const hostMissing = step.host && !hostInfo(step.host).installed;
  if (failedNeed || hostMissing) {
    const why = failedNeed ? `needs ${failedNeed.name}, which failed` : `host ${step.host} is not installed`;
    console.log(`\n${paint('33', `── ${step.name}: skipped (${why})`)}`);
    results.push({ name: step.name, status: 'fail', passed: 0, failed: 1, seconds: 0, note: `not run: ${why}` });
    if (opt.bail) break;
    continue;
  }
  console.log(`\n${paint('1;36', `── ${step.name}`)} ${paint('2', `${step.what} (limit ${step.timeoutSec} s)`)}`);
  const pidfile = path.join(RESULTS, 'pids', `${step.name.replace(':', '-')}.pids`);
  fs.writeFileSync(pidfile, '');
  current = { step, pidfile };
  const t0 = Date.now();
  let r;
  try {
    r = step.run ? await step.run(step, pidfile) : await runCmd(step, pidfile);
  } catch (e) {
    r = { ok: false, note: e.message };
  }
  const leftovers = await stopPidfile(pidfile);
  if (leftovers.length) console.log(paint('33', `   stopped what ${step.name} left running: ${leftovers.join(', ')}`));
  current = undefined;
  const seconds = (Date.now() - t0) / 1000;
  if (interrupted) r = { ok: false, counts: r.counts, note: `interrupted (${interrupted})` };
  const passed = r.counts?.passed ?? 0;
  let failed = r.counts?.failed ?? 0;
  const ok = r.ok && failed === 0 && (step.kind !== 'tests' || passed > 0);
  if (!ok && failed === 0) failed = 1; // a step failing without (counted) tests
  if (step.kind === 'tests' && r.ok && passed === 0 && !r.note) r.note = 'no tests ran';
  results.push({ name: step.name, status: ok ? 'pass' : 'fail', passed, failed, seconds, note: r.note || '', kind: step.kind });
  console.log(ok ? paint('32', `   ${step.name}: pass (${seconds.toFixed(1)} s)`) : paint('31', `   ${step.name}: FAIL (${seconds.toFixed(1)} s)${r.note ? ` — ${r.note}` : ''}`));
  if (!ok && opt.bail) break;
}
await stopAll();

// ---- summary -----------------------------------------------------------------------------------
const total = { passed: 0, failed: 0 };
for (const r of results) { total.passed += r.passed; total.failed += r.failed; }
const rows = results.map((r) => [
  r.name, r.status === 'pass' ? 'pass' : 'FAIL',
  r.kind === 'tests' || r.passed || (r.failed && r.status === 'fail' && r.kind === 'tests') ? `${r.passed} passed, ${r.failed} failed` : (r.status === 'pass' ? '-' : `${r.failed} failed`),
  `${r.seconds.toFixed(1)} s`, r.note || '',
]);
const head = ['step', 'result', 'tests', 'time', 'note'];
const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => (i === 4 ? c : c.padEnd(w[i]))).join('  ').trimEnd();
console.log(`\n${paint('1', line(head))}`);
console.log(w.map((n, i) => '─'.repeat(i === 4 ? Math.max(4, Math.min(n, 40)) : n)).join('  '));
for (const row of rows) console.log(row[1] === 'pass' ? line(row) : paint('31', line(row)));
console.log(`total ${((Date.now() - t00) / 1000).toFixed(1)} s; results and screenshots in ${path.relative(process.cwd(), RESULTS) || '.'}/`);
fs.writeFileSync(path.join(RESULTS, 'summary.json'), JSON.stringify({ ...total, seconds: (Date.now() - t00) / 1000, steps: results }, null, 2));
const allOk = results.length > 0 && results.every((r) => r.status === 'pass');
if (interrupted) console.log(paint('33', `interrupted by ${interrupted}: the steps after ${results.at(-1)?.name ?? 'setup'} did not run`));
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(interrupted ? 130 : allOk && total.failed === 0 ? 0 : 1);

// ---- step implementations ----------------------------------------------------------------------
async function runCmd(step, pidfile, cmd = step.cmd, extra = {}) {
  const r = await runBounded(cmd[0], cmd.slice(1), {
    cwd: REPO, timeoutMs: (extra.timeoutSec ?? step.timeoutSec) * 1000, label: step.name, prefix: '   │ ',
    env: { ...process.env, TURSO_PIDFILE: pidfile, ...(color ? { FORCE_COLOR: '1' } : { NO_COLOR: '1', FORCE_COLOR: '0' }), ...extra.env },
  });
  const counts = step.parse ? step.parse(r.output) : undefined;
  let note = '';
  if (r.timedOut) note = `timed out after ${extra.timeoutSec ?? step.timeoutSec} s`;
  else if (r.code !== 0) note = r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
  if (counts?.note) note = [counts.note, note].filter(Boolean).join('; ');
  return { ok: r.code === 0 && !r.timedOut, counts, note, output: r.output };
}

function stripAnsi(s) {
  return s.replace(/\x1b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex
}

function parseSummaryLine(out) {
  const s = stripAnsi(out);
  const m = [...s.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
  const skipped = [...s.matchAll(/^(\d+) flow\(s\) skipped/gm)].pop();
  return m ? { passed: Number(m[1]), failed: Number(m[2]), note: skipped ? `${skipped[1]} skipped` : '' } : undefined;
}
function parseMocha(out) {
  const s = stripAnsi(out);
  const p = [...s.matchAll(/^\s*(\d+) passing/gm)].pop();
  const f = [...s.matchAll(/^\s*(\d+) failing/gm)].pop();
  const pend = [...s.matchAll(/^\s*(\d+) pending/gm)].pop();
  if (!p && !f) return undefined;
  return { passed: Number(p?.[1] ?? 0), failed: Number(f?.[1] ?? 0), note: pend ? `${pend[1]} pending` : '' };
}
function parseEslint(out) {
  const m = stripAnsi(out).match(/✖ (\d+) problems? \((\d+) errors?, (\d+) warnings?\)/);
  return m ? { passed: 0, failed: 0, note: `${m[2]} errors, ${m[3]} warnings` } : undefined;
}

async function setup(step, pidfile) {
  const notes = [];
  // npm dependencies (a fresh clone: `npm ci`)
  if (!fs.existsSync(path.join(REPO, 'node_modules', '.package-lock.json')) || !fs.existsSync(bin('typescript', 'bin/tsc'))) {
    const r = await runCmd(step, pidfile, ['npm', 'ci', '--no-audit', '--no-fund'], { timeoutSec: 15 * 60 });
    if (!r.ok) return { ok: false, note: `npm ci failed (${r.note})` };
    notes.push('npm ci');
  }
  if (!hostsNeeded.length) return { ok: true, note: notes.join(', ') || 'nothing to install' };
  // a cached host whose server cannot load its modules loses its marker here (seconds), and is reinstalled below
  for (const h of hostsNeeded.filter((n) => hostInfo(n).installed)) {
    try {
      await probeHost(hostInfo(h));
    } catch (e) {
      console.log(`   │ ${e.message.split('\n')[0]}: reinstalling it`);
      notes.push(`${h} was broken`);
    }
  }
  const missing = hostsNeeded.filter((h) => !hostInfo(h).installed);
  // apt packages (chromium, ripgrep, build tools) and the hosts; install.sh skips what is present
  const r = await runCmd(step, pidfile, ['bash', path.join(REPO, 'scripts/host/install.sh'), ...hostsNeeded]);
  if (!r.ok) return { ok: false, note: `host install failed (${r.note}); see the output above` };
  if (!fs.existsSync('/usr/bin/chromium') && !process.env.CHROMIUM) return { ok: false, note: 'chromium is missing' };
  notes.push(missing.length ? `installed ${missing.join(', ')}` : 'hosts cached');
  return { ok: true, note: notes.join(', ') };
}

async function packageVsix(_step, pidfile) {
  return buildAndPackage({ env: { TURSO_PIDFILE: pidfile } });
}
