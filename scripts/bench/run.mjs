#!/usr/bin/env node
// `npm run bench`: how fast the extension is for a person, measured in the real workbench against the
// Turso API emulator with an injected per-request latency, next to the Turso CLI's request pattern.
// Prints the tables and writes them to docs/BENCHMARKS.md (with the machine and the date).
//
// usage: npm run bench -- [--latency 100] [--host newest|oldest] [--runs 5] [--slope-runs 3]
//                         [--tokens 5000] [--ref <commit>] [--out docs/BENCHMARKS.md] [--no-write] [--strict]
//                         [--repeat 1]
//   --latency     ms the emulator waits before answering each API request (default 100)
//   --host        which cached code-server to drive (default newest; install: npm run hosts:install)
//   --runs        measured runs per action (default 5; each action also gets one unmeasured warm-up)
//   --slope-runs  runs per action at a higher latency (L + max(1000, 4L)), for the round trips the
//                 result waited for (default 3; 0: skip)
//   --tokens      tokens seeded for the large-tree check (default 5000)
//   --ref         bench a commit (git archive) instead of the working tree
//   --no-write print only; --strict exit 1 when a target is missed
//   --only     only these actions, comma-separated keys (signIn, open, refresh, validate, create,
//              revoke, expandOrg, refreshOrgs, dbExpand, dbCreate, dbBulk, refreshTwo, bulk, githubSave,
//              githubSaveEnv): to work on one; the others' targets say "not measured". The GitHub
//              saves run last, in a workbench of their own on the GitHub test host (github.mjs)
//   --profile  record a CPU profile of the workbench page during each 5,000-token load
//              (<work>/bulk-load-N.cpuprofile, for Chrome DevTools; it slows the frames it profiles),
//              and during the last run of every other action (<work>/<action>.cpuprofile, its busiest
//              functions printed)
//   --repeat   run the whole bench N times, one after the other (each a process of its own, with its
//              own code-server and browser); the report is the last run's, with a section giving
//              every target's min / median / max across the N runs (their results.json: <work>-repeat/)
//   --from     write the report again from saved results, measuring nothing: a results.json, or a
//              folder of them (run-1.json, run-2.json… as --repeat keeps them)
// Work files (staging build, code-server instance, browser profile, results.json) go to
// .test-results/bench/<host>/. Every process it starts is stopped by PID at the end, also on failure.
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { hostInfo, REPO } from '../host/hosts.mjs';
import { installExtension, startCodeServer } from '../host/code-server.mjs';
import * as ui from '../host/vscode-ui.mjs';
import { fileURLToPath } from 'node:url';
import { installSignalHandlers, runBounded, sleep, spawnTracked, stopAll, stopPid, waitFor } from '../host/procs.mjs';
import { buildForBench, describeSource } from './build.mjs';
import { nodeCodeCacheTimes, nodeRequireTimes, readActivationStats, readExtHostMarks, readRunningExtensions } from './activation.mjs';
import { CLI_ACTIONS, replay } from './cli-replay.mjs';
import { chromiumPids, extensionHostPid, machineInfo, memoryMiB, waitQuiet } from './machine.mjs';
import { arm, bootPaint, bootWatcher, frames, result } from './probe.mjs';
import { analyze, emulatorClient, fromCli, fromExtension } from './requests.mjs';
import { GITHUB_ACTIONS, githubSaves, openGitHubWorkbench } from './github.mjs';
import { renderReport } from './report.mjs';
import { scanSection, withScanSection } from './sections.mjs';

const { values: opt } = util.parseArgs({
  options: {
    latency: { type: 'string', default: '100' }, host: { type: 'string', default: 'newest' }, runs: { type: 'string', default: '5' },
    tokens: { type: 'string', default: '5000' }, 'slope-runs': { type: 'string', default: '3' }, out: { type: 'string', default: 'docs/BENCHMARKS.md' },
    ref: { type: 'string' }, 'no-write': { type: 'boolean', default: false }, strict: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
    repeat: { type: 'string', default: '1' }, from: { type: 'string' }, profile: { type: 'boolean', default: false }, only: { type: 'string' },
  },
});
if (opt.help) {
  const lines = fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const L = Number(opt.latency);
const RUNS = Number(opt.runs);
const TOKENS = Number(opt.tokens);
const SLOPE_RUNS = Number(opt['slope-runs']);
const REPEAT = Number(opt.repeat);
const ONLY = opt.only ? new Set(opt.only.split(',').map((k) => k.trim()).filter(Boolean)) : undefined;
/** Whether the action `key` is measured in this run (--only). */
const wanted = (key) => !ONLY || ONLY.has(key);
const L2 = L + Math.max(1000, 4 * L);
if (!Number.isFinite(L) || L < 0 || !Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(TOKENS) || TOKENS < 0 || !Number.isInteger(SLOPE_RUNS) || SLOPE_RUNS < 0
  || !Number.isInteger(REPEAT) || REPEAT < 1) {
  console.error('--latency must be a number >= 0, --runs and --repeat integers >= 1, --tokens and --slope-runs integers >= 0');
  process.exit(2);
}
const info = hostInfo(opt.host);
if (!info.installed) {
  console.error(`host ${info.label} is not installed: npm run hosts:install`);
  process.exit(2);
}

const t00 = Date.now();
const say = (m) => console.log(`[bench +${((Date.now() - t00) / 1000).toFixed(1)}s] ${m}`);
const WORK = path.join(REPO, '.test-results', 'bench', opt.host);
const benchCommand = `npm run bench -- --latency ${L} --host ${opt.host} --runs ${RUNS} --slope-runs ${SLOPE_RUNS} --tokens ${TOKENS}${opt.ref ? ` --ref ${opt.ref}` : ''}`;
if (opt.from) process.exit(reportFrom(path.resolve(opt.from)));
if (REPEAT > 1) process.exit(await repeatRuns());

/** --from: the report of saved results (one results.json, or the runs of --repeat in a folder). */
function reportFrom(from) {
  const files = fs.statSync(from).isDirectory()
    ? fs.readdirSync(from).filter((f) => /^run-\d+\.json$/.test(f)).sort((a, b) => Number(a.match(/\d+/)[0]) - Number(b.match(/\d+/)[0])).map((f) => path.join(from, f))
    : [from];
  if (!files.length) {
    console.error(`no results in ${from} (run-1.json, run-2.json… or a results.json)`);
    return 2;
  }
  const runs = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
  const last = runs.at(-1);
  const command = `npm run bench -- --latency ${last.latencyMs} --host ${opt.host} --runs ${last.runs} --slope-runs ${last.slopeRuns} --tokens ${last.tokens}${runs.length > 1 ? ` --repeat ${runs.length}` : ''}`;
  const report = renderReport(last, { command, repeats: runs.length > 1 ? runs : undefined });
  console.log(report.text);
  if (!opt['no-write']) writeReport(report.markdown);
  return 0;
}

/** Writes the report to --out (unless --no-write), keeping the scan bench's section. */
function writeReport(markdown) {
  const out = path.resolve(REPO, opt.out);
  // The scan bench's section (npm run bench:scan) stays as it was.
  const kept = fs.existsSync(out) ? scanSection(fs.readFileSync(out, 'utf8')) : undefined;
  fs.writeFileSync(out, kept ? withScanSection(markdown, kept) : markdown);
  say(`wrote ${path.relative(REPO, out)}`);
}

/**
 * --repeat N: the bench N times, each in a process of its own (this script without --repeat, not
 * writing the report); then one report, the last run's, with the spread of every target across all.
 * A run that stopped early is left out of the spread (and said so).
 */
async function repeatRuns() {
  const dir = `${WORK}-repeat`;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  installSignalHandlers();
  const args = [];
  for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i];
    if (a === '--repeat') i++;
    else if (!a.startsWith('--repeat=')) args.push(a);
  }
  const results = [];
  const failed = [];
  for (let k = 1; k <= REPEAT; k++) {
    say(`run ${k} of ${REPEAT}`);
    const r = await runBounded(process.execPath, [fileURLToPath(import.meta.url), ...args, '--no-write'], { label: `bench run ${k}`, prefix: `[${k}/${REPEAT}] `, timeoutMs: 3 * 3600_000 });
    const file = path.join(WORK, 'results.json');
    if (r.code !== 0 || !fs.existsSync(file)) {
      failed.push(`run ${k}: ${r.timedOut ? 'timed out' : `exit ${r.code}`}`);
      if (fs.existsSync(file)) fs.copyFileSync(file, path.join(dir, `run-${k}-failed.json`));
      continue;
    }
    fs.copyFileSync(file, path.join(dir, `run-${k}.json`));
    results.push(JSON.parse(fs.readFileSync(file, 'utf8')));
  }
  if (!results.length) {
    say(`no run finished (${failed.join('; ')})`);
    return 1;
  }
  const last = results.at(-1);
  last.problems.push(...failed.map((f) => `${f}: stopped early, left out of the spread`));
  const report = renderReport(last, { command: `${benchCommand} --repeat ${REPEAT}`, repeats: results });
  console.log(`\n${report.text}`);
  if (!opt['no-write']) writeReport(report.markdown);
  say(`${results.length} of ${REPEAT} runs finished; the last met ${report.met} of ${report.total} targets; took ${((Date.now() - t00) / 1000).toFixed(0)} s (results: ${path.relative(REPO, dir)})`);
  return failed.length ? 1 : opt.strict && report.met < report.total ? 1 : 0;
}
const R = {
  openCancelled: [], tokens: TOKENS, latencyMs: L, latency2Ms: L2, slopeRuns: SLOPE_RUNS, runs: RUNS, host: { name: info.name, vscode: info.vscode, codeServer: info.codeServer, node: info.node === 'system' ? process.versions.node : info.node },
  machine: undefined, sizes: undefined, activation: { host: [], nodeRequire: [] }, actions: {}, cli: {}, bulk: undefined, beforeView: [], problems: [],
};
let browser;
let profileDir;

async function closeBrowser() {
  if (browser) await browser.context.close().catch(() => {});
  browser = undefined;
  // Playwright launched chromium: stop by PID whatever of it is left (only processes of our profile)
  if (profileDir) for (const pid of chromiumPids(profileDir)) await stopPid(pid, { label: 'chromium (bench profile)', graceMs: 3000 });
}
installSignalHandlers(closeBrowser);

// ---- setup ------------------------------------------------------------------------------------
async function startEmulatorProcess(bundle) {
  const infoFile = path.join(WORK, 'emulator-info.json');
  fs.rmSync(infoFile, { force: true });
  const child = spawnTracked(process.execPath, [bundle, '--port', '0', '--info-file', infoFile, '--quiet'], { label: 'turso emulator (bench)', logFile: path.join(WORK, 'emulator.log') });
  let exited = false;
  child.once('exit', () => { exited = true; });
  const i = await waitFor(() => {
    if (exited) throw new Error('the emulator exited');
    return fs.existsSync(infoFile) && JSON.parse(fs.readFileSync(infoFile, 'utf8'));
  }, { timeoutMs: 20000, message: 'the emulator to start' });
  return { ...i, pid: child.pid };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const mode = (xs) => {
  const c = new Map();
  for (const x of xs) c.set(x, (c.get(x) || 0) + 1);
  return [...c].sort((a, b) => b[1] - a[1])[0]?.[0];
};

// ---- the workbench: preconditions, reached through the UI --------------------------------------
const USER = 'Demo User';
const ALICE = 'Alice Admin';
const ALICE_USERNAME = 'alice';
/** The organization whose Databases node and database tokens are measured (demo is its admin). */
const DB_ORG = 'acme';
/** The database a token is created for (in acme's group "default"). */
const DB_NAME = 'orders';
/** Databases added to one organization for the frame check. */
const DB_BULK = 1000;
let page;
let emu;
let api;
let cs;

async function openTurso() {
  await ui.openViewContainer(page, 'Turso');
}
async function signedInVisible() {
  return ui.treeRow(page, USER).isVisible().catch(() => false);
}
async function welcomeVisible() {
  return ui.welcomeButton(page, 'Sign In').isVisible().catch(() => false);
}
async function ensureSignedOut() {
  await openTurso();
  if (await welcomeVisible()) return;
  await ui.runCommand(page, 'Turso: Sign Out');
  await ui.welcomeButton(page, 'Sign In').waitFor({ timeout: 20000 });
}
async function startSignIn() {
  await ui.runCommand(page, 'Turso: Sign In…');
  await (await ui.waitForQuickPickRow(page, 'Paste a token')).click();
  const input = await ui.waitForPasswordInput(page, 'Sign In to Turso');
  await input.fill(emu.demoToken);
}
async function ensureSignedIn() {
  await openTurso();
  if (await signedInVisible()) return;
  await startSignIn();
  await page.keyboard.press('Enter');
  await ui.waitForTreeRow(page, USER, 30000);
}
async function clearNotifications() {
  await ui.runCommand(page, 'Notifications: Clear All Notifications').catch(() => {});
  await page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
}
/**
 * Requests the extension itself logged as cancelled ("GET /v1/user → cancelled in 39 ms") in the
 * newest extension host's log (Turso.log under the instance's logs folder); undefined when not found.
 */
function cancelledInLog() {
  const logs = path.join(cs.dirs.data, 'logs');
  const hosts = [];
  try {
    for (const session of fs.readdirSync(logs)) {
      const dir = path.join(logs, session);
      if (!fs.statSync(dir).isDirectory()) continue;
      for (const h of fs.readdirSync(dir)) if (/^exthost\d+$/.test(h)) hosts.push({ dir: path.join(dir, h), t: fs.statSync(path.join(dir, h)).ctimeMs });
    }
  } catch {
    return undefined;
  }
  const newest = hosts.sort((a, b) => b.t - a.t)[0];
  if (!newest) return undefined;
  const file = path.join(newest.dir, 'tursotools.turso-api-tokens', 'Turso.log');
  if (!fs.existsSync(file)) return 0;
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => /→ cancelled/.test(l)).length;
}

/** Closes every editor with its tab's close button (the palette's first click would land in a webview). */
async function closeTabs() {
  const tabs = page.locator('.part.editor .tabs-container .tab');
  for (let n = 0; n < 10 && await tabs.count(); n++) {
    const tab = tabs.first();
    await tab.hover({ timeout: 5000 }).catch(() => {});
    await tab.locator('.tab-actions .action-label').first().click({ timeout: 5000 }).catch(() => {});
    await sleep(100);
  }
}
/** Back to a plain workbench after a failed run: no quick input, no dialog, no editors. */
async function recover() {
  for (let i = 0; i < 3; i++) await page.keyboard.press('Escape').catch(() => {});
  await ui.closeQuickInput(page).catch(() => {});
  const discard = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^(Discard|Cancel)$/ }).first();
  for (let i = 0; i < 3 && await discard.isVisible().catch(() => false); i++) await discard.click().catch(() => {});
  await closeTabs();
}

/** A token made outside the extension (as another client would), by the bench's own User-Agent. */
async function mintElsewhere(name) {
  const r = await api.call('POST', `/v1/auth/api-tokens/${name}`, { bearer: emu.demoToken });
  if (!r.ok) throw new Error(`minting ${name} through the API answered ${r.status}`);
}
async function refreshAndSee(name) {
  await (await ui.viewTitleAction(page, 'Refresh')).click();
  await ui.waitForTreeRow(page, name, 30000);
}

/**
 * Runs an action RUNS (+1 warm-up) times at the injected latency, then SLOPE_RUNS times at a higher one.
 *  prepare(i): reach the precondition (not part of the action; the log is cleared after it)
 *  lead(i):    the action's steps before the one being timed (the log already records them)
 *  trigger(i): the click/keypress the wall time starts from
 *  cond(i):    what is on screen when the action is done (probe.mjs)
 *  after(i, {slope}): clean up (close the reveal panel…), before the log is read
 * Round trips the result waited for = (fastest wall at L2 − fastest wall at L) / (L2 − L), rounded:
 * every round trip on the way to the result is one latency longer at L2; work that does not wait for
 * an answer (rendering, a webview loading, requests sent alongside) is not. The fastest runs, because
 * a busy machine only ever adds time.
 */
/** The functions with the most self time in a CPU profile, one per line (idle and program left out). */
function busiest(profile, n = 10) {
  const byNode = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byNode.get(profile.samples[i]);
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const f = node.callFrame;
    const k = `${f.functionName || '(anonymous)'} ${f.url ? `${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}` : ''}`;
    self.set(k, (self.get(k) ?? 0) + dt);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [`    busy ${total.toFixed(1)} ms in all`, ...[...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, ms]) => `    ${ms.toFixed(1).padStart(7)} ms  ${k}`)].join('\n');
}

async function measure(key, o) {
  if (!wanted(key)) return undefined;
  // the emulator whose log counts (default: the Turso API's), and which of its requests are the extension's
  const log = o.emulator ?? api;
  const own = o.own ?? fromExtension;
  const runs = [];
  const slopeRuns = [];
  say(`${o.title}: ${RUNS} runs + 1 warm-up at ${L} ms, ${SLOPE_RUNS} at ${L2} ms (${o.driven})`);
  const total = RUNS + 1 + (o.slope === false ? 0 : SLOPE_RUNS);
  for (let i = 0; i < total; i++) {
    const slope = i > RUNS;
    const latency = slope ? L2 : L;
    try {
      if (i === RUNS + 1) await log.setLatency(L2);
      await o.prepare?.(i, { slope });
      await log.clearRequests();
      await o.lead?.(i);
      await arm(page, o.cond(i));
      const cdp = opt.profile && i === RUNS ? await page.context().newCDPSession(page) : undefined;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
        await cdp.send('Profiler.start');
      }
      await o.trigger(i);
      const r = await result(page, { timeoutMs: 30000 + 10 * latency, what: `${o.title} (run ${i})` });
      if (cdp) {
        const { profile } = await cdp.send('Profiler.stop');
        fs.writeFileSync(path.join(WORK, `${key}.cpuprofile`), JSON.stringify(profile));
        await cdp.detach().catch(() => {});
        say(`  the page's busiest functions from the input to the result (${key}.cpuprofile):\n${busiest(profile)}`);
      }
      await o.after?.(i, { slope, last: i === total - 1 });
      await sleep(latency + 700); // requests still in flight are logged when answered
      const reqs = (await log.requests()).filter(own);
      const all = analyze(reqs, latency);
      const afterTrigger = analyze(reqs.filter((q) => q.at >= r.startEpoch - 5), latency);
      const after = reqs.filter((q) => q.at >= r.startEpoch - 5);
      const firstMs = after.length ? Math.min(...after.map((q) => q.at)) - r.startEpoch : undefined;
      const lastMs = after.length ? Math.max(...after.map((q) => q.at + (q.ms ?? latency))) - r.startEpoch : undefined;
      const run = { ms: r.ms, domMs: r.domMs, all, afterTrigger, marks: r.marks, firstMs, lastMs };
      if (slope) slopeRuns.push(run);
      else if (i > 0) runs.push(run);
      say(`  ${i === 0 ? 'warm-up' : slope ? `at ${L2} ms` : `run ${i}`}: ${r.ms.toFixed(0)} ms, ${all.requests} requests, ${all.roundTrips} round trip(s) (${afterTrigger.roundTrips} after the input)`);
    } catch (e) {
      R.problems.push(`${o.title}, run ${i}${slope ? ` (at ${L2} ms)` : ''}: ${e.message.split('\n')[0]}`);
      say(`  run ${i} FAILED: ${e.message.split('\n')[0]}`);
      await ui.screenshot(page, path.join(WORK, `failed-${key}-${i}.png`));
      await recover();
    }
  }
  if (total > RUNS + 1) await log.setLatency(L);
  const last = runs.at(-1);
  const med = median(runs.map((r) => r.ms));
  const medSlope = median(slopeRuns.map((r) => r.ms));
  const rtSlope = slopeRuns.length && runs.length ? (Math.min(...slopeRuns.map((r) => r.ms)) - Math.min(...runs.map((r) => r.ms))) / (L2 - L) : undefined;
  R.actions[key] = {
    title: o.title, driven: o.driven, runs: runs.length,
    ms: runs.map((r) => r.ms), median: med,
    slopeMs: slopeRuns.map((r) => r.ms), slopeMedian: medSlope, rtSlope, rtWaited: rtSlope === undefined ? undefined : Math.max(0, Math.round(rtSlope)),
    requests: mode(runs.map((r) => r.all.requests)), requestsRange: [Math.min(...runs.map((r) => r.all.requests)), Math.max(...runs.map((r) => r.all.requests))],
    rtAll: mode(runs.map((r) => r.all.roundTrips)), rtAfterTrigger: mode(runs.map((r) => r.afterTrigger.roundTrips)),
    requestsAfterTrigger: mode(runs.map((r) => r.afterTrigger.requests)),
    requestsAfterTriggerRange: [Math.min(...runs.map((r) => r.afterTrigger.requests)), Math.max(...runs.map((r) => r.afterTrigger.requests))],
    repeated: [...new Set([...runs, ...slopeRuns].flatMap((r) => r.all.repeated))],
    stages: last?.all.stages ?? [], stagesAfterTrigger: last?.afterTrigger.stages ?? [],
    marks: Object.fromEntries([...new Set(runs.flatMap((r) => Object.keys(r.marks || {})))]
      .map((k) => [k, median(runs.map((r) => r.marks?.[k]).filter((x) => x !== undefined))])),
    resultLabel: o.resultLabel, cli: o.cli,
    firstMs: median(runs.map((r) => r.firstMs).filter((x) => x !== undefined)),
    lastMs: median(runs.map((r) => r.lastMs).filter((x) => x !== undefined)),
    detail: [...runs, ...slopeRuns].map((r) => ({ ms: Math.round(r.ms), firstMs: r.firstMs, lastMs: r.lastMs, stages: r.all.stages, marks: r.marks })),
    markRuns: runs.map((r) => r.marks || {}), markSlopeRuns: slopeRuns.map((r) => r.marks || {}),
  };
  return R.actions[key];
}

/**
 * An action of its own timed to a milestone (`also` with `paint: true`) of the runs of another:
 * the same inputs and requests, its own wall times and its own round trips from the latency slope.
 * A run in which the milestone never showed counts as missing (see `missing`).
 */
function markAction(key, from, label, o) {
  const a = R.actions[from];
  if (!a) return undefined;
  const ms = a.markRuns.map((m) => m[label]).filter((x) => Number.isFinite(x));
  const slopeMs = a.markSlopeRuns.map((m) => m[label]).filter((x) => Number.isFinite(x));
  const rtSlope = ms.length && slopeMs.length ? (Math.min(...slopeMs) - Math.min(...ms)) / (L2 - L) : undefined;
  R.actions[key] = {
    ...a, ...o, derivedFrom: from, milestone: label, runs: ms.length, missing: a.markRuns.length + a.markSlopeRuns.length - ms.length - slopeMs.length,
    ms, median: median(ms), slopeMs, slopeMedian: median(slopeMs), rtSlope, rtWaited: rtSlope === undefined ? undefined : Math.max(0, Math.round(rtSlope)),
    marks: {},
  };
  say(`${o.title}: ${ms.map((x) => x.toFixed(0)).join(', ')} ms at ${L} ms; ${slopeMs.map((x) => x.toFixed(0)).join(', ')} ms at ${L2} ms${R.actions[key].missing ? `; not seen in ${R.actions[key].missing} run(s)` : ''}`);
  return R.actions[key];
}

// ---- main -------------------------------------------------------------------------------------
let fatal;
try {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  R.machine = await machineInfo();
  if (L < 50) R.problems.push(`latency ${L} ms: round trips are derived from arrival times and need a latency well above the spread of parallel requests (use >= 50 ms)`);
  say(`VS Code ${info.vscode} (code-server ${info.codeServer}); latency ${L} ms; ${RUNS} runs; ${R.machine.nproc} cores, load ${R.machine.loadavg.map((x) => x.toFixed(2)).join(' ')}`);

  R.source = await describeSource(opt.ref);
  say(`building ${R.source.text}: esbuild --production, vsce package (staging copy), the emulator`);
  const b = await buildForBench(WORK, { ref: opt.ref });
  R.sizes = { bundleBytes: b.bundleBytes, bootBytes: b.bootBytes, lazyBytes: b.lazyBytes, totalBundleBytes: b.totalBundleBytes, vsixBytes: b.vsixBytes, vsixFiles: b.vsixFiles, composition: b.composition };
  say(`bundle ${(b.bundleBytes / 1024).toFixed(1)} KB at activation, ${(b.totalBundleBytes / 1024).toFixed(1)} KB in all, VSIX ${(b.vsixBytes / 1024).toFixed(1)} KB`);
  R.activation.nodeRequire = await nodeRequireTimes(b.bundle, { runs: 11, dir: WORK });
  say(`require() of the bundle in plain Node: median ${median(R.activation.nodeRequire).toFixed(1)} ms`);
  if (b.codeCache) {
    R.activation.nodeCodeCache = await nodeCodeCacheTimes(b.bundle, b.codeCache, { runs: 11, dir: WORK });
    say(`the bundle loaded with V8's code cache in plain Node: median ${median(R.activation.nodeCodeCache.times).toFixed(1)} ms (${R.activation.nodeCodeCache.notUsed} start(s) without it)`);
  }

  emu = await startEmulatorProcess(b.emulator);
  api = emulatorClient(emu.url);
  await api.setLatency(L);
  say(`emulator ${emu.url} (PID ${emu.pid}), latency ${L} ms`);

  // ---- the Turso CLI's sequences
  for (const action of Object.keys(CLI_ACTIONS)) {
    const times = [];
    let shape;
    for (let i = 0; i <= RUNS; i++) {
      const name = `cli-${action}-${String(i).padStart(2, '0')}`;
      if (action === 'revoke') await replay(emu.url, emu.demoToken, 'mint', name).catch(() => {});
      await api.clearRequests();
      const ms = await replay(emu.url, emu.demoToken, action, name);
      const a = analyze((await api.requests()).filter(fromCli), L);
      if (i > 0) times.push(ms);
      shape = a;
    }
    R.cli[action] = { ...CLI_ACTIONS[action], steps: undefined, ms: times, median: median(times), requests: shape.requests, roundTrips: shape.roundTrips, stages: shape.stages };
    say(`CLI ${action}: ${shape.requests} requests, ${shape.roundTrips} round trips, median ${median(times).toFixed(0)} ms`);
  }

  // ---- the workbench
  const root = path.join(WORK, 'instance');
  await installExtension(info, { root, vsix: b.vsix });
  cs = await startCodeServer(info, { root, settings: { 'turso.apiBaseUrl': emu.url } });
  writeControlFiles(cs.dirs.ws);
  say(`${cs.label} (PID ${cs.pid})`);
  profileDir = path.join(WORK, 'chromium');
  browser = await ui.launch({ dir: profileDir });
  page = browser.page;
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: cs.url }).catch(() => {});
  await ui.bounded(ui.openWorkbench(page, cs.folderUrl), { crashed: browser.crashed, timeoutMs: 120000, message: 'opening the workbench' });
  say('workbench open');
  await openTurso();
  await ui.resizeSidebar(page, 440);
  await ui.welcomeButton(page, 'Sign In').waitFor({ timeout: 60000 });

  // sign in (palette → Paste a token → Enter) until the tree shows the account and its tokens
  await measure('signIn', {
    title: 'sign in', driven: 'UI: F1 "Turso: Sign In…" → Paste a token → Enter (timed from Enter)',
    resultLabel: 'tree filled', cli: 'signIn',
    prepare: async () => {
      await ensureSignedOut();
      await clearNotifications();
    },
    lead: async () => startSignIn(),
    cond: () => ({ kind: 'rows', texts: [USER, 'provisioner'], also: [{ label: '"Signed in" notification', kind: 'notification', text: 'Signed in to Turso as' }] }),
    trigger: async () => page.keyboard.press('Enter'),
  });
  await ensureSignedIn();

  // open the view, signed in, cold: a reloaded window (new extension host) showing the Explorer; nothing
  // may reach the API until the Turso view is opened; then the activity bar click. Two results of the
  // same runs: the first useful paint (the account and its tokens, from the last known state the
  // previous session left, marked "refreshing…": no answer waited for) and the fresh tree (the mark
  // gone, and a token made elsewhere after that state was saved shown: one round trip). The first
  // paint is whichever shows the account and a token first: when the answer is in before the view
  // first asks for rows (a slow window, a short latency), the fresh tree is the first paint; the
  // latency slope still tells whether it waited for an answer.
  const coldName = (i) => `bench-co-${String(i).padStart(2, '0')}`;
  /** The Explorer control's times, one before each measured cold open (issue 22). */
  const explorerTimes = [];
  const FIRST_PAINT = 'first paint';
  const MARKED = 'marked "refreshing…"';
  await measure('open', {
    title: 'open the view, cold: fresh tree', driven: 'UI: reload, then a click on Turso in the activity bar (cold: activation + first load; a token made elsewhere since the last session)',
    resultLabel: 'the "refreshing…" mark gone, the new token shown', cli: 'list',
    prepare: async (i, { slope }) => {
      // The control, right before each Turso cold open at the base latency (the same machine, the same
      // moment): the Explorer opened after the same kind of reload.
      if (!slope) {
        const ms = await explorerOnce(i);
        if (i > 0) explorerTimes.push(ms); // the first: a warm-up, as for the actions
      }
      await ensureSignedIn();
      // a first load done (its state saved for the next session), then a token made elsewhere that
      // only the next session's load can know: through the emulator's fixture route (not logged)
      await ui.treeRow(page, 'refreshing…').waitFor({ state: 'detached', timeout: 30000 });
      await ui.waitForTreeRow(page, 'provisioner', 30000);
      const minted = await api.call('POST', '/__emulator/api-token', { body: { name: coldName(i) } });
      if (!minted.ok) throw new Error(`POST /__emulator/api-token ${coldName(i)} answered ${minted.status}`);
      await ui.openViewContainer(page, 'Explorer');
      await sleep(500);
      await api.clearRequests();
      const t = Date.now();
      await ui.openWorkbench(page, cs.folderUrl);
      say(`    window reloaded in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      await sleep(3000); // the window settles: extension host up, nothing opened
      const host = extensionHostPid(cs.pid);
      if (host) await waitQuiet(host); // …and done starting the built-in extensions
      const before = (await api.requests()).filter(fromExtension);
      const turso = await page.locator('.part.sidebar .composite.title h2', { hasText: 'Turso' }).first().isVisible().catch(() => false);
      if (turso) throw new Error('the Turso view was already open after the reload: cannot time opening it');
      if (i > 0) R.beforeView.push(before.length);
    },
    cond: (i) => ({
      kind: 'rows', texts: [USER, coldName(i)], none: ['refreshing…'],
      also: [{ label: FIRST_PAINT, kind: 'rows', texts: [USER, 'provisioner'], paint: true }, { label: MARKED, kind: 'rows', texts: [USER, 'refreshing…'] }],
    }),
    trigger: async () => openTurso(),
    after: async (i, { slope }) => {
      const cancelled = cancelledInLog();
      if (cancelled !== undefined && !slope && i > 0) R.openCancelled.push(cancelled);
      if (slope) return;
      const t = Date.now();
      try {
        const a = await readActivationStats(page);
        if (i > 0) R.activation.host.push(a);
        say(`    activation (Startup Performance): load code ${a.loadCode} ms + call activate ${a.callActivate} ms; finish activate ${a.finishActivate} ms (${a.event}; read in ${((Date.now() - t) / 1000).toFixed(1)} s)`);
      } catch (e) {
        await recover();
        try { // the same sum, without the split
          const own = await readRunningExtensions(page);
          if (i > 0) R.activation.host.push({ own, source: 'Running Extensions' });
          say(`    activation (Running Extensions): ${own} ms`);
        } catch (e2) {
          R.problems.push(`activation times (run ${i}): ${e.message.split('\n')[0]}; ${e2.message.split('\n')[0]}`);
          await recover();
        }
      }
    },
  });
  const cached = markAction('openCached', 'open', FIRST_PAINT, {
    title: 'open the view, cold: first paint', driven: 'the same reloads and clicks (timed to the first paint)',
    resultLabel: 'the account and its tokens (from the last known state, marked "refreshing…")', cli: undefined,
  });
  if (cached) {
    const all = [...R.actions.open.markRuns, ...R.actions.open.markSlopeRuns];
    cached.markedRefreshing = { runs: all.filter((m) => Number.isFinite(m[MARKED])).length, of: all.length };
  }
  // control: VS Code's own Explorer opened after the same kind of reload (issue 22), timed right before
  // each cold open above: what opening a view container of a freshly reloaded window costs here without
  // this extension, at the same moment
  if (explorerTimes.length) {
    say(`Explorer control (reload, then a click on Explorer; each right before a cold open): ${explorerTimes.map((t) => t.toFixed(0)).join(', ')} ms`);
    R.explorerControl = { ms: explorerTimes, median: median(explorerTimes), interleaved: true };
  }
  if (wanted('open')) try {
    R.bootControl = await bootControl();
  } catch (e) {
    R.problems.push(`reload with the view showing (Turso vs Explorer): ${e.message.split('\n')[0]}`);
    await recover();
  }
  await ensureSignedIn();

  // refresh (view title action) until a token created elsewhere shows
  await measure('refresh', {
    title: 'refresh', driven: 'UI: the view\'s Refresh action (a token made elsewhere appears)',
    resultLabel: 'new row visible', cli: 'list',
    prepare: async (i) => mintElsewhere(`bench-rf-${String(i).padStart(2, '0')}`),
    lead: async () => { await ui.viewTitleAction(page, 'Refresh'); },
    cond: (i) => ({ kind: 'rows', texts: [`bench-rf-${String(i).padStart(2, '0')}`] }),
    trigger: async () => (await ui.viewTitleAction(page, 'Refresh')).click(),
  });

  // validate the signed-in credential (palette → pick) until the notification says it is valid
  await measure('validate', {
    title: 'validate (signed-in credential)', driven: 'UI: F1 "Turso: Validate API Token…" → "The signed-in credential" (timed from the pick)',
    resultLabel: 'notification shown', cli: 'validate',
    prepare: async () => clearNotifications(),
    lead: async () => {
      await ui.runCommand(page, 'Turso: Validate API Token…');
      await ui.waitForQuickPickRow(page, 'The signed-in credential');
    },
    cond: () => ({ kind: 'notification', text: 'is valid and' }),
    trigger: async () => (await ui.waitForQuickPickRow(page, 'The signed-in credential')).click(),
  });

  // create (the wizard: name → Organization → acme) until the reveal panel shows the value
  const mk = (i) => `bench-mk-${String(i).padStart(2, '0')}`;
  await measure('create', {
    title: 'create (organization token)', driven: 'UI: F1 "Turso: Create API Token…" → name → Organization → acme (timed from the pick of acme)',
    resultLabel: 'reveal panel shows the value', cli: 'mint',
    lead: async (i) => {
      await ui.runCommand(page, 'Turso: Create API Token…');
      const input = await ui.waitForInputBox(page, 'Create API Token');
      await input.fill(mk(i));
      await page.keyboard.press('Enter');
      await (await ui.waitForQuickPickRow(page, 'Organization')).click();
      await ui.waitForQuickPickRow(page, 'acme');
    },
    cond: (i) => ({ kind: 'reveal', name: mk(i), also: [{ label: 'the panel\'s tab', kind: 'tab', text: `New API token: ${mk(i)}` }] }),
    trigger: async () => (await ui.waitForQuickPickRow(page, 'acme')).click(),
    after: async (i) => {
      // keep the value (Copy), then close the panel with its tab's close button, as a person would
      const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await frame.locator('#copy').click({ timeout: 10000 }).catch(() => {});
      await frame.locator('#status', { hasText: /Copied|Couldn't copy/ }).waitFor({ timeout: 5000 }).catch(() => {});
      const tab = page.locator('.part.editor .tabs-container .tab', { hasText: `New API token: ${mk(i)}` }).first();
      await tab.hover({ timeout: 5000 });
      await tab.locator('.tab-actions .action-label').first().click({ timeout: 5000 });
      await tab.waitFor({ state: 'detached', timeout: 10000 }).catch(() => {});
      const discard = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Discard$/ }).first();
      if (await page.locator('.monaco-dialog-box').isVisible().catch(() => false)) {
        await page.keyboard.press('Escape');
        await discard.click({ timeout: 5000 }).catch(() => {});
      }
    },
  });

  // control: how long a built-in webview (the Markdown preview) takes to show its content on this host
  if (wanted('create')) try {
    R.webviewControl = await webviewControl();
  } catch (e) {
    R.problems.push(`webview control (Markdown preview): ${e.message.split('\n')[0]}`);
    await recover();
  }

  // revoke from the token's context menu until its row is gone
  const rv = (i) => `bench-rv-${String(i).padStart(2, '0')}`;
  await measure('revoke', {
    title: 'revoke', driven: 'UI: right-click the token → "Revoke API Token…" → Revoke in the dialog (timed from Revoke)',
    resultLabel: 'row gone', cli: 'revoke',
    prepare: async (i) => {
      await mintElsewhere(rv(i));
      await refreshAndSee(rv(i));
      await sleep(300);
    },
    lead: async (i) => {
      await ui.treeRow(page, rv(i)).click({ button: 'right' });
      const item = page.locator('.context-view .monaco-menu .action-item:not(.disabled)', { hasText: 'Revoke API Token' }).first();
      await item.waitFor({ timeout: 10000 });
      await item.hover();
      await item.click();
      await page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Revoke$/ }).first().waitFor({ timeout: 10000 });
    },
    cond: (i) => ({ kind: 'tokenGone', name: rv(i), also: [{ label: '"Revoked" notification', kind: 'notification', text: `Revoked API token "${rv(i)}"` }] }),
    trigger: async () => page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Revoke$/ }).first().click(),
  });

  // ---- organizations (issue 15): expanding one, and a refresh with three expanded
  const rowLabelled = (label) => page.locator('.part.sidebar .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
  const setExpanded = async (label, want) => {
    const row = rowLabelled(label);
    await row.waitFor({ timeout: 20000 });
    if (((await row.getAttribute('aria-expanded')) === 'true') !== want) await row.locator('.monaco-tl-twistie').click();
    await rowLabelled(label).and(page.locator(`[aria-expanded="${want}"]`)).waitFor({ timeout: 20000 });
  };
  const colleague = (stem, i) => `${stem}-${String(i).padStart(2, '0')}`;
  const mintForColleague = async (name) => {
    const r = await api.call('POST', '/__emulator/api-token', { body: { name, owner: 'alice', organization: 'studio' } });
    if (!r.ok) throw new Error(`minting ${name} for alice answered ${r.status}`);
  };
  // The seed again (the tokens minted above would push Organizations out of the view); the reset
  // also takes the latency away: put back. The login session survives it.
  await api.reset();
  await api.setLatency(L);
  await ensureSignedIn();
  await refreshAndSee('Organizations');
  await measure('expandOrg', {
    title: 'expand an organization', driven: 'UI: the twistie of "studio" under Organizations (collapsed, then Refresh, before each run)',
    resultLabel: 'a colleague\'s token row visible',
    prepare: async (i) => {
      await ensureSignedIn();
      await setExpanded('Organizations', true);
      await setExpanded('studio', false);
      await mintForColleague(colleague('bench-ox', i));
      // a collapsed organization is forgotten by a refresh: expanded, it is asked for again. The
      // refresh's answers are awaited, so that the expand does not wait behind them.
      await api.clearRequests();
      await (await ui.viewTitleAction(page, 'Refresh')).click();
      await waitFor(async () => {
        const paths = (await api.requests()).filter(fromExtension).map((r) => r.path);
        return paths.includes('/v1/user') && paths.includes('/v1/organizations');
      }, { timeoutMs: 30000, message: 'the refresh before expanding studio' });
    },
    cond: (i) => ({ kind: 'rows', texts: [`alice · ${colleague('bench-ox', i)}`] }),
    trigger: async () => rowLabelled('studio').locator('.monaco-tl-twistie').click(),
  });
  await measure('refreshOrgs', {
    title: 'refresh, three organizations expanded', driven: 'UI: the view\'s Refresh action with acme, partner and studio expanded (a colleague\'s token made elsewhere appears)',
    resultLabel: 'new row visible',
    prepare: async (i) => {
      await ensureSignedIn();
      await setExpanded('Organizations', true);
      for (const org of ['acme', 'partner', 'studio']) await setExpanded(org, true);
      await mintForColleague(colleague('bench-or', i));
    },
    lead: async () => { await ui.viewTitleAction(page, 'Refresh'); },
    cond: (i) => ({ kind: 'rows', texts: [`alice · ${colleague('bench-or', i)}`] }),
    trigger: async () => (await ui.viewTitleAction(page, 'Refresh')).click(),
    after: async (i, { last }) => {
      if (last) for (const org of ['acme', 'partner', 'studio', 'Organizations']) await setExpanded(org, false).catch(() => {});
    },
  });

  // ---- databases (issue 23): the Databases node expanded, a database token created, 1,000 databases
  if (['dbExpand', 'dbCreate', 'dbBulk'].some(wanted)) {
    await api.reset();
    await api.setLatency(L);
    await ensureSignedIn();
    await refreshAndSee('Organizations');
    await databaseActions({ rowLabelled, setExpanded });
  }

  // ---- two accounts (issue 14): demo and alice signed in, one Refresh reloads both
  if (wanted('refreshTwo')) try {
    await refreshTwoAccounts();
  } catch (e) {
    R.problems.push(`two accounts: ${e.message.split('\n')[0]}`);
    say(`two accounts FAILED: ${e.message.split('\n')[0]}`);
    await ui.screenshot(page, path.join(WORK, 'failed-two-accounts.png'));
    await recover();
  }
  await signOutOf(ALICE_USERNAME).catch((e) => R.problems.push(`signing alice out: ${e.message.split('\n')[0]}`));

  // ---- 5,000 tokens
  if (TOKENS > 0 && wanted('bulk')) {
    try {
      R.bulk = await bulkTree();
    } catch (e) {
      R.problems.push(`${TOKENS} tokens: ${e.message.split('\n')[0]}`);
      await ui.screenshot(page, path.join(WORK, 'failed-bulk.png'));
    }
  }

  // ---- Save as GitHub Actions Secret (issue 24): a workbench of its own on the GitHub test host
  // (scripts/bench/github.mjs); this one is closed first
  if (GITHUB_ACTIONS.some(wanted)) {
    await closeBrowser();
    page = undefined;
    await cs.stop();
    try {
      const w = await openGitHubWorkbench({ host: opt.host, dir: path.join(WORK, 'github'), stage: b.stage, vsix: b.vsix, settings: { 'turso.apiBaseUrl': emu.url }, latency: L, say });
      ({ cs, browser, page, profileDir } = w);
      await openTurso();
      await ui.resizeSidebar(page, 440);
      await githubSaves({ page, api: w.api, measure, say, ensureSignedIn, clearNotifications, latency: L });
      await w.gh.stop();
    } catch (e) {
      R.problems.push(`Save as GitHub Actions secret: ${e.message.split('\n')[0]}`);
      say(`Save as GitHub Actions secret FAILED: ${e.message.split('\n')[0]}`);
      if (page) await ui.screenshot(page, path.join(WORK, 'failed-github.png'));
    }
  }
} catch (e) {
  fatal = e;
  R.problems.push(`stopped: ${e.message.split('\n')[0]}`);
  console.error(e.stack || e.message);
  if (page) await ui.screenshot(page, path.join(WORK, 'failed.png'));
} finally {
  await closeBrowser();
  await stopAll();
}

/** Signs in a second account (alice) through the palette, as a person adds one; waits for her row. */
async function addSecondAccount() {
  if (await ui.treeRow(page, ALICE).isVisible().catch(() => false)) return;
  await ui.runCommand(page, 'Turso: Sign In…');
  await (await ui.waitForQuickPickRow(page, 'Paste a token')).click();
  const input = await ui.waitForPasswordInput(page, 'Sign In to Turso');
  await input.fill(emu.aliceToken);
  await page.keyboard.press('Enter');
  await ui.waitForTreeRow(page, ALICE, 30000);
}

/** "Turso: Sign Out" → the account named `username` in its pick (with one account, no pick). */
async function signOutOf(username) {
  await openTurso();
  if (!(await ui.treeRow(page, ALICE).isVisible().catch(() => false))) return;
  await ui.runCommand(page, 'Turso: Sign Out');
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${username}$`) }) }).first();
  await row.waitFor({ timeout: 20000 });
  await row.click();
  await ui.treeRow(page, ALICE).waitFor({ state: 'detached', timeout: 20000 });
}

/**
 * A refresh with two accounts signed in: each gets a token made elsewhere before the click, and the
 * result is both new rows shown. The requests of both accounts must go out together (one round trip).
 */
async function refreshTwoAccounts() {
  if (!emu.aliceToken) throw new Error('the emulator has no second user (no aliceToken in its info)');
  await ensureSignedIn();
  await addSecondAccount();
  await clearNotifications();
  const name = (who, i) => `bench-2a-${who}-${String(i).padStart(2, '0')}`;
  const minted = [];
  const a = await measure('refreshTwo', {
    title: 'refresh, two accounts', driven: 'UI: the view\'s Refresh action with demo and alice signed in (a token made elsewhere for each appears)',
    resultLabel: 'both new rows visible',
    prepare: async (i) => {
      // each account's tokens made before are revoked (the bench's own requests, not the extension's),
      // so both accounts' rows stay in the view
      for (const m of minted.splice(0)) await api.call('DELETE', `/v1/auth/api-tokens/${m.name}`, { bearer: m.bearer }).catch(() => {});
      for (const [who, bearer] of [['demo', emu.demoToken], ['alice', emu.aliceToken]]) {
        const r = await api.call('POST', `/v1/auth/api-tokens/${name(who, i)}`, { bearer });
        if (!r.ok) throw new Error(`minting ${name(who, i)} for ${who} answered ${r.status}`);
        minted.push({ name: name(who, i), bearer });
      }
    },
    lead: async () => { await ui.viewTitleAction(page, 'Refresh'); },
    cond: (i) => ({
      kind: 'rows', texts: [name('demo', i), name('alice', i)],
      also: [{ label: 'demo\'s new row', kind: 'rows', texts: [name('demo', i)] }, { label: 'alice\'s new row', kind: 'rows', texts: [name('alice', i)] }],
    }),
    trigger: async () => (await ui.viewTitleAction(page, 'Refresh')).click(),
  });
  // whose credential each request of the last run carried (the log names the user, never the bearer)
  await api.clearRequests();
  await (await ui.viewTitleAction(page, 'Refresh')).click();
  const logged = async () => (await api.requests()).filter(fromExtension);
  const reqs = await waitFor(async () => { const r = await logged(); return r.length >= a.requests && r; }, { timeoutMs: 15000, message: 'the requests of one more refresh' })
    .catch(logged);
  a.byAccount = Object.fromEntries([...new Set(reqs.map((q) => q.username ?? '?'))].map((u) => [u, reqs.filter((q) => (q.username ?? '?') === u).length]));
  for (const m of minted.splice(0)) await api.call('DELETE', `/v1/auth/api-tokens/${m.name}`, { bearer: m.bearer }).catch(() => {});
}

// ---- databases (issue 23) -----------------------------------------------------------------------

/** A quick pick row whose label is exactly `label` (a group row's description may name a database). */
async function quickPickRowLabelled(label, timeout = 20000) {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
  await row.waitFor({ timeout }).catch(() => { throw new Error(`"${label}" in the quick pick (not seen within ${timeout / 1000} s)`); });
  return row;
}

/** Adds `count` databases `<prefix>-1`… to `organization` through the emulator's fixture route (not logged). */
async function addDatabases(organization, prefix, count = 1) {
  const r = await api.call('POST', '/__emulator/databases', { body: { organization, count, prefix }, timeoutMs: 60000 });
  if (!r.ok) throw new Error(`POST /__emulator/databases ${prefix} (${count}) answered ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
  return r.body?.names ?? [];
}

/**
 * Waits (bounded) until no new request of the extension has been logged for `latency` + 300 ms (a
 * request is logged once answered: one still in flight shows up at most `latency` later).
 */
async function requestsSettled(what, latency = L) {
  let count = -1;
  let since = Date.now();
  await waitFor(async () => {
    const n = (await api.requests()).filter(fromExtension).length;
    if (n !== count) {
      count = n;
      since = Date.now();
      return false;
    }
    return Date.now() - since > latency + 300;
  }, { timeoutMs: 30000 + 10 * latency, intervalMs: 100, message: `the extension's requests to settle (${what})` });
}

/** Closes the reveal panel whose tab says `title`: the value kept first (Copy), as a person would. */
async function closeRevealPanel(title) {
  const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await frame.locator('#copy').click({ timeout: 10000 }).catch(() => {});
  await frame.locator('#status', { hasText: /Copied|Couldn't copy/ }).waitFor({ timeout: 5000 }).catch(() => {});
  const tab = page.locator('.part.editor .tabs-container .tab', { hasText: title }).first();
  await tab.hover({ timeout: 5000 });
  await tab.locator('.tab-actions .action-label').first().click({ timeout: 5000 });
  await tab.waitFor({ state: 'detached', timeout: 10000 }).catch(() => {});
  if (await page.locator('.monaco-dialog-box').isVisible().catch(() => false)) {
    await page.keyboard.press('Escape');
    await page.locator('.monaco-dialog-box .monaco-button', { hasText: /^(Discard|Close)$/ }).first().click({ timeout: 5000 }).catch(() => {});
  }
}

/**
 * The Databases node of acme expanded (one request), a database token created from the palette (one
 * request after the last answer), and 1,000 databases expanded with every frame timed.
 */
async function databaseActions({ rowLabelled, setExpanded }) {
  const dx = (i) => `dbx${String(i).padStart(2, '0')}`;
  await measure('dbExpand', {
    title: 'expand Databases', driven: `UI: the twistie of "Databases" under ${DB_ORG} (collapsed, a database added elsewhere, then Refresh, before each run)`,
    resultLabel: 'the new database\'s row visible',
    prepare: async (i, { slope }) => {
      await ensureSignedIn();
      await setExpanded('Organizations', true);
      await setExpanded(DB_ORG, true);
      await setExpanded('Databases', false);
      await addDatabases(DB_ORG, dx(i));
      // a collapsed Databases node is forgotten by a refresh: expanded, it is asked for again. The
      // refresh's answers are awaited, so that the expand does not wait behind them.
      await api.clearRequests();
      await (await ui.viewTitleAction(page, 'Refresh')).click();
      await requestsSettled('the refresh before expanding Databases', slope ? L2 : L);
    },
    cond: (i) => ({ kind: 'rows', texts: [`${dx(i)}-1`] }),
    trigger: async () => rowLabelled('Databases').locator('.monaco-tl-twistie').click(),
  });

  const tab = `New database token: database ${DB_NAME}`;
  await measure('dbCreate', {
    title: 'create (database token)',
    driven: `UI: F1 "Turso: Create Database Token…" → ${DB_ORG} → ${DB_NAME} → 7 days → Read-only → no other database (timed from that last Enter)`,
    resultLabel: 'reveal panel shows the value',
    prepare: async () => {
      await ensureSignedIn();
      await clearNotifications();
    },
    lead: async () => {
      await ui.runCommand(page, 'Turso: Create Database Token…');
      await (await ui.waitForQuickPickRow(page, DB_ORG)).click();
      await (await quickPickRowLabelled(DB_NAME)).click();
      await (await quickPickRowLabelled('7 days')).click();
      await (await quickPickRowLabelled('Read-only')).click();
      await page.locator('.quick-input-widget').filter({ hasText: 'Read Other Databases' }).waitFor({ timeout: 20000 });
    },
    cond: () => ({ kind: 'reveal', name: `database ${DB_NAME}`, also: [{ label: 'the panel\'s tab', kind: 'tab', text: tab }] }),
    trigger: async () => page.keyboard.press('Enter'),
    after: async () => closeRevealPanel(tab),
  });

  if (wanted('dbBulk')) {
    try {
      R.databases = await databasesBulk({ rowLabelled, setExpanded });
    } catch (e) {
      R.problems.push(`${DB_BULK} databases: ${e.message.split('\n')[0]}`);
      say(`${DB_BULK} databases FAILED: ${e.message.split('\n')[0]}`);
      await ui.screenshot(page, path.join(WORK, 'failed-databases-bulk.png'));
      await recover();
    }
  }
  for (const label of ['Databases', DB_ORG, 'Organizations']) {
    if (await rowLabelled(label).isVisible().catch(() => false)) await setExpanded(label, false).catch(() => {});
  }
  // back to the seed: the databases added here are dropped (the login session survives)
  await api.reset();
  await api.setLatency(L);
}

/**
 * 1,000 databases in one organization (studio, with its 2 seeded): its Databases node expanded three
 * times (collapsed and Refresh before each: asked again), every frame timed from before the click to
 * 1 s after the first rows show, next to an idle baseline.
 */
async function databasesBulk({ rowLabelled, setExpanded }) {
  const org = 'studio';
  const prefix = 'bulkdb';
  const t0 = Date.now();
  const names = await addDatabases(org, prefix, DB_BULK);
  if (names.length !== DB_BULK) throw new Error(`POST /__emulator/databases added ${names.length} databases, not ${DB_BULK}`);
  const seedSeconds = (Date.now() - t0) / 1000;
  say(`${DB_BULK} databases added to ${org} in ${seedSeconds.toFixed(1)} s`);
  await setExpanded(DB_ORG, false).catch(() => {});
  await setExpanded('Organizations', true);
  await setExpanded(org, true);
  const idle = await frames(page);
  await sleep(2000);
  const idleStats = await idle.stop();
  const loads = [];
  for (let k = 0; k < 3; k++) {
    await setExpanded('Databases', false);
    await api.clearRequests();
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    await requestsSettled(`the refresh before expanding ${DB_BULK} databases`);
    await api.clearRequests();
    const f = await frames(page);
    await arm(page, { kind: 'rows', texts: [`${prefix}-1`] });
    await rowLabelled('Databases').locator('.monaco-tl-twistie').click();
    const r = await result(page, { timeoutMs: 60000, what: `the first of ${DB_BULK} databases (expand ${k + 1})` });
    await sleep(1000); // the tree may go on working after the first rows show
    const stats = await f.stop();
    await sleep(L + 200);
    const reqs = analyze((await api.requests()).filter(fromExtension), L);
    loads.push({ renderMs: r.ms, ...stats, requests: reqs.requests, roundTrips: reqs.roundTrips });
    say(`  expand ${k + 1}: first rows after ${r.ms.toFixed(0)} ms; longest frame ${Math.max(stats.maxGapMs, stats.maxLongTaskMs).toFixed(0)} ms; ${reqs.requests} request(s)`);
  }
  await setExpanded('Databases', false).catch(() => {});
  await setExpanded(org, false).catch(() => {});
  return { databases: DB_BULK, organization: org, seedSeconds, idle: idleStats, loads, requests: mode(loads.map((l) => l.requests)), roundTrips: mode(loads.map((l) => l.roundTrips)) };
}

function controlText(i) {
  return `Control ${i}: a built-in webview, for comparison.`;
}
function writeControlFiles(ws) {
  for (let i = 0; i <= 3; i++) fs.writeFileSync(path.join(ws, `bench-control-${i}.md`), `# Control\n\n${controlText(i)}\n`);
}

/** Markdown: Open Preview (Ctrl+Shift+V) of a small file, timed until the preview shows its text. */
async function webviewControl() {
  const times = [];
  for (let i = 0; i <= 3; i++) {
    // a file of its own each time (written before the window opened, so quick open knows it)
    const file = `bench-control-${i}.md`;
    const text = controlText(i);
    await ui.runCommand(page, 'Go to File...');
    await page.keyboard.type(file);
    await ui.waitForQuickPickRow(page, file);
    await page.keyboard.press('Enter');
    await page.locator('.part.editor .tabs-container .tab', { hasText: file }).first().waitFor({ timeout: 10000 });
    await sleep(300);
    await arm(page, { kind: 'webviewText', text });
    await page.keyboard.press('Control+Shift+V');
    const r = await result(page, { timeoutMs: 30000, what: 'the Markdown preview' });
    if (i > 0) times.push(r.ms); // the first also activates the Markdown extension
    await closeTabs();
  }
  say(`webview control (Markdown preview): ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  return { ms: times, median: median(times) };
}

/**
 * Reloads the window as a person would ("Developer: Reload Window"): VS Code saves its state first, so
 * the view showing before is the one showing after (a page load of its own leaves that to chance).
 */
async function reloadWindow() {
  const loaded = page.waitForEvent('load', { timeout: 90000 });
  await ui.runCommand(page, 'Developer: Reload Window');
  await loaded;
  await page.locator('.monaco-workbench').first().waitFor({ timeout: 90000 });
  await page.locator('.part.activitybar, .activitybar').first().waitFor({ timeout: 90000 });
}
async function sidebarShows(title) {
  return page.locator('.part.sidebar .composite.title h2', { hasText: title }).first().isVisible().catch(() => false);
}

/**
 * The cold open's control: the same reload as the Turso cold open (a new window, settled: 3 s and the
 * extension host quiet), with the Search view showing instead, then a click on Explorer in the
 * activity bar, timed to the frame that paints its first rows (the workspace's files). Nothing of
 * this extension runs: it activates on its view only.
 */
async function explorerOnce(i) {
  await ui.openViewContainer(page, 'Search');
  await sleep(500);
  await reloadWindow();
  await sleep(3000);
  const host = extensionHostPid(cs.pid);
  if (host) await waitQuiet(host);
  if (await sidebarShows('Explorer')) throw new Error('the Explorer was already open after the reload: cannot time opening it');
  await arm(page, { kind: 'rows', texts: ['bench-control-0.md'] });
  await ui.openViewContainer(page, 'Explorer');
  const r = await result(page, { timeoutMs: 30000, what: `the Explorer control (run ${i})` });
  say(`    Explorer control ${i === 0 ? 'warm-up' : `run ${i}`}: ${r.ms.toFixed(0)} ms`);
  return r.ms;
}

/**
 * The reload itself with a view showing (issue 22): the window reloaded with the Turso view open (the
 * extension activates while the workbench starts), timed from the navigation's start to the frame that
 * paints the account and a token; the control, the same reload with the Explorer open, to the frame
 * that paints its first rows. Alternating, 1 warm-up each, then RUNS each.
 */
async function bootControl() {
  await page.context().addInitScript(bootWatcher);
  const conds = { turso: [USER, 'provisioner'], explorer: ['bench-control-0.md'] };
  const sep = cs.folderUrl.includes('?') ? '&' : '?';
  await ui.openWorkbench(page, `${cs.folderUrl}${sep}turso-bench-boot=${encodeURIComponent(JSON.stringify(conds))}`);
  const out = { turso: [], explorer: [], tursoFirstRequest: [], hostReady: [], activateAt: [] };
  const load = async (label, container) => {
    await ui.openViewContainer(page, container);
    if (label === 'turso') await ui.waitForTreeRow(page, USER, 30000);
    await sleep(500);
    await api.clearRequests();
    await reloadWindow();
    if (!(await sidebarShows(container))) {
      await page.locator('.part.sidebar .composite.title h2', { hasText: container }).first().waitFor({ timeout: 30000 })
        .catch(() => { throw new Error(`the ${container} view was not showing after the reload`); });
    }
    const { paint, origin } = await bootPaint(page, label, { timeoutMs: 60000, what: `the ${container} rows after the reload` });
    await sleep(L + 700);
    const reqs = (await api.requests()).filter(fromExtension);
    // when VS Code's extension host was ready, and when it started this extension (after the paint: not timed)
    let marks = {};
    if (label === 'turso') {
      try {
        marks = await readExtHostMarks(page);
      } catch (e) {
        R.problems.push(`the extension host's marks after a reload: ${e.message.split('\n')[0]}`);
        await recover();
      }
    }
    const rel = (epoch) => (epoch === undefined ? undefined : epoch - origin);
    return { ms: paint, firstRequest: reqs.length ? Math.min(...reqs.map((q) => q.at)) - origin : undefined, hostReady: rel(marks.ready), activateAt: rel(marks.willActivate) };
  };
  try {
    for (let i = 0; i <= RUNS; i++) {
      const t = await load('turso', 'Turso');
      const x = await load('explorer', 'Explorer');
      const at = (v) => (v === undefined ? '?' : v.toFixed(0));
      say(`  reload ${i === 0 ? 'warm-up' : `run ${i}`}: Turso view painted ${t.ms.toFixed(0)} ms after the navigation (extension host ready ${at(t.hostReady)} ms, activate() called ${at(t.activateAt)} ms, first request ${t.firstRequest?.toFixed(0) ?? 'none'} ms), Explorer ${x.ms.toFixed(0)} ms`);
      if (i === 0) continue;
      out.turso.push(t.ms);
      out.explorer.push(x.ms);
      if (t.firstRequest !== undefined) out.tursoFirstRequest.push(t.firstRequest);
      if (t.hostReady !== undefined) out.hostReady.push(t.hostReady);
      if (t.activateAt !== undefined) out.activateAt.push(t.activateAt);
    }
  } finally {
    await ui.openWorkbench(page, cs.folderUrl); // the watcher off again for what follows
  }
  return {
    ...out, tursoMedian: median(out.turso), explorerMedian: median(out.explorer), firstRequestMedian: median(out.tursoFirstRequest),
    hostReadyMedian: median(out.hostReady), activateAtMedian: median(out.activateAt),
  };
}

async function bulkTree() {
  // the emulator's fixture route (POST /__emulator/api-token: not logged, no latency) when it has one,
  // else the public API with the latency set to 0 while seeding
  const viaAdmin = (await api.call('POST', '/__emulator/api-token', { body: { name: 'bulk-probe' } })).ok;
  say(`${TOKENS} tokens: seeding one per call through ${viaAdmin ? 'POST /__emulator/api-token' : 'POST /v1/auth/api-tokens/{name} (latency 0 while seeding)'}`);
  const t0 = Date.now();
  if (!viaAdmin) await api.setLatency(0);
  const names = Array.from({ length: TOKENS }, (_, i) => `bulk-${String(i + 1).padStart(5, '0')}`);
  const seed = async (name) => {
    if (!viaAdmin) return mintElsewhere(name);
    const r = await api.call('POST', '/__emulator/api-token', { body: { name } });
    if (!r.ok) throw new Error(`POST /__emulator/api-token ${name} answered ${r.status}`);
  };
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < names.length && Date.now() - t0 < 120000) await seed(names[next++]);
  }));
  if (next < names.length) throw new Error(`seeding stopped after 120 s at ${next} tokens`);
  if (!viaAdmin) await api.setLatency(L);
  const seedSeconds = (Date.now() - t0) / 1000;
  say(`  seeded in ${seedSeconds.toFixed(1)} s`);
  await api.clearRequests();

  const pid = extensionHostPid(cs.pid);
  if (!pid) throw new Error('no extension host process (--type=extensionHost) under code-server');
  const before = memoryMiB(pid);
  // a quiet period first: what the busy machine alone does to frames
  const idle = await frames(page);
  await sleep(2000);
  const idleStats = await idle.stop();

  // three loads: the first from the 3 seeded tokens to all of them (its first rows), then two more
  // refreshes, each timed until a token created just before (sorting first) shows
  const loads = [];
  for (let k = 0; k < 3; k++) {
    const mark = `a-mark-${k}`;
    if (k > 0) await mintElsewhere(mark);
    await api.clearRequests();
    const cdp = opt.profile ? await page.context().newCDPSession(page) : undefined;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const f = await frames(page);
    await arm(page, { kind: 'rows', texts: k === 0 ? [names[0], names[1]] : [mark] });
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    const r = await result(page, { timeoutMs: 60000, what: `the first of ${TOKENS} tokens (load ${k + 1})` });
    await sleep(1000); // the tree may go on working after the first rows show
    const stats = await f.stop();
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      fs.writeFileSync(path.join(WORK, `bulk-load-${k + 1}.cpuprofile`), JSON.stringify(profile));
      await cdp.detach().catch(() => {});
    }
    await sleep(L + 200); // the log has a request once it is answered
    const reqs = analyze((await api.requests()).filter(fromExtension), L);
    loads.push({ renderMs: r.ms, ...stats, requests: reqs.requests, roundTrips: reqs.roundTrips });
    say(`  load ${k + 1}: first rows after ${r.ms.toFixed(0)} ms; longest frame ${stats.maxGapMs.toFixed(0)} ms`);
  }
  const afterLoad = memoryMiB(pid);

  // scrolling through the whole list: wheel, End, Home
  const s = await frames(page);
  const list = page.locator('.part.sidebar .monaco-list').first();
  const box = await list.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + Math.min(200, box.height / 2));
  for (let i = 0; i < 40; i++) {
    await page.mouse.wheel(0, 2500);
    await sleep(40);
  }
  await ui.treeRow(page, names[names.length - 1]).waitFor({ timeout: 10000 }).catch(() => {});
  await list.click({ position: { x: box.width / 2, y: 30 } }).catch(() => {}); // a token row: focus for the keys
  await page.keyboard.press('Home').catch(() => {});
  await sleep(300);
  await page.keyboard.press('End').catch(() => {});
  await sleep(300);
  for (let i = 0; i < 40; i++) {
    await page.mouse.wheel(0, -2500);
    await sleep(40);
  }
  await sleep(500);
  const scrollStats = await s.stop();
  const after = memoryMiB(pid);
  say(`  scrolling: longest frame ${scrollStats.maxGapMs.toFixed(0)} ms; extension host RSS ${before.rss.toFixed(0)} → ${after.rss.toFixed(0)} MiB`);

  // back to the seed: the emulator forgets minted tokens (the login session survives)
  await api.reset();
  await api.setLatency(L);
  await (await ui.viewTitleAction(page, 'Refresh')).click();
  await ui.treeRow(page, names[0]).waitFor({ state: 'detached', timeout: 30000 }).catch(() => {});
  return {
    tokens: TOKENS, seedSeconds, seededVia: viaAdmin ? 'POST /__emulator/api-token' : 'POST /v1/auth/api-tokens/{name}', pid, memBefore: before, memAfterLoad: afterLoad, memAfter: after,
    idle: idleStats, loads, scroll: scrollStats, requests: mode(loads.map((l) => l.requests)), roundTrips: mode(loads.map((l) => l.roundTrips)),
  };
}

// ---- report -----------------------------------------------------------------------------------
R.machine ??= await machineInfo();
R.machine.loadavgEnd = (await machineInfo()).loadavg;
R.seconds = (Date.now() - t00) / 1000;
fs.mkdirSync(WORK, { recursive: true });
fs.writeFileSync(path.join(WORK, 'results.json'), JSON.stringify(R, null, 2));
const report = renderReport(R, { command: benchCommand });
console.log(`\n${report.text}`);
if (!opt['no-write'] && !fatal) {
  writeReport(report.markdown);
} else if (fatal) {
  fs.writeFileSync(path.join(WORK, 'BENCHMARKS.md'), report.markdown);
  say(`the bench stopped early: ${path.relative(REPO, opt.out)} left as it was; partial report in ${path.relative(REPO, path.join(WORK, 'BENCHMARKS.md'))}`);
}
say(`${report.met} of ${report.total} targets met; took ${R.seconds.toFixed(0)} s`);
process.exit(fatal ? 1 : opt.strict && report.met < report.total ? 1 : 0);
