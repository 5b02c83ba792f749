#!/usr/bin/env node
// End-to-end UI suite: the packaged extension (VSIX) installed into a fresh code-server with
// `--install-extension`, the Turso API emulator as a separate process, the workbench driven by
// playwright-core + /usr/bin/chromium as a person would (clicks, F1, typing).
// code-server runs WITHOUT --enable-smoke-test-driver (that flag hides notification toasts).
//
// usage: node test/e2e/run.mjs [--host newest|oldest] [--vsix dist/turso-api-tokens.vsix] [--grep text]
//          [--files a.e2e.mjs,b.e2e.mjs] (only these flow files) [--tag name] (results under <host>-<name>)
//          [--github] (the GitHub flows, *.github.e2e.mjs, in the GitHub test host: see github.mjs)
// Without --github every *.e2e.mjs flow file runs but the *.github.e2e.mjs ones.
// Screenshots: .test-results/screenshots/<host>[-github]/NN-name.png (failures: NN-name-FAILED.png + .txt).
// Results: .test-results/e2e/<host>[-github]/results.json. Ends with "N passed, M failed"; exit 0 only if all passed.
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import Mocha from 'mocha';
import { hostInfo, REPO } from '../../scripts/host/hosts.mjs';
import { installExtension, startCodeServer } from '../../scripts/host/code-server.mjs';
import { launch } from '../../scripts/host/vscode-ui.mjs';
import { installSignalHandlers, runBounded, spawnTracked, stopAll, stopPid, waitFor } from '../../scripts/host/procs.mjs';
import { e2e } from './context.mjs';
import { GITHUB_FLOWS, isGitHubFlowFile, prepareGitHubRun } from './github.mjs';
import { githubTestHost } from '../../scripts/host/variants.mjs';

const HERE = path.dirname(new URL(import.meta.url).pathname);

/** Starts `node out/test/emulator/main.js --port 0 --info-file …`; resolves {url, demoToken, demoApiToken, pid}. */
export async function startEmulatorProcess(dir, { port = 0, timeoutMs = 20000 } = {}) {
  const main = path.join(REPO, 'out', 'test', 'emulator', 'main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} not found: compile first (npx tsc -p .)`);
  fs.mkdirSync(dir, { recursive: true });
  const infoFile = path.join(dir, 'emulator-info.json');
  const log = path.join(dir, 'emulator.log');
  fs.rmSync(infoFile, { force: true });
  const child = spawnTracked(process.execPath, [main, '--port', String(port), '--info-file', infoFile], { label: 'turso emulator', logFile: log });
  let exited = false;
  child.once('exit', () => { exited = true; });
  try {
    const info = await waitFor(() => {
      if (exited) throw new Error('exited');
      return fs.existsSync(infoFile) && JSON.parse(fs.readFileSync(infoFile, 'utf8'));
    }, { timeoutMs, message: 'the emulator to write its info file' });
    return { ...info, pid: child.pid, log, stop: () => stopPid(child.pid, { label: 'turso emulator' }) };
  } catch (e) {
    await stopPid(child.pid);
    throw new Error(`the Turso API emulator did not start: ${e.message}\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : ''}`);
  }
}

/**
 * Packages test/fixtures/<name> (a test extension: session-consumer asks VS Code for a Turso session,
 * exports-walker looks for credentials in the product's exports) as a VSIX in `dir` with vsce, so it
 * can be installed beside the product; returns the VSIX's path.
 */
export async function packageTestExtension(dir, name, { timeoutMs = 60000 } = {}) {
  const out = path.join(dir, `turso-${name}.vsix`);
  fs.rmSync(out, { force: true });
  const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = await runBounded(process.execPath, [vsce, 'package', '--no-dependencies', '-o', out],
    { cwd: path.join(REPO, 'test', 'fixtures', name), timeoutMs, quiet: true, label: `vsce package (${name})` });
  if (r.code !== 0 || !fs.existsSync(out)) {
    throw new Error(`packaging the ${name} test extension failed${r.timedOut ? ` (timed out after ${timeoutMs / 1000} s)` : ` (exit ${r.code})`}:\n${r.output.trim().split('\n').slice(-10).join('\n')}`);
  }
  return out;
}
/** test/fixtures/session-consumer as a VSIX in `dir`. */
export function packageSessionConsumer(dir, options) {
  return packageTestExtension(dir, 'session-consumer', options);
}

/** The flow file that runs after all others: it searches what they all left behind. */
export const LAST_FLOW_FILE = 'no-leaks.e2e.mjs';

/** The flow files a run takes by default: the GitHub ones (`*.github.e2e.mjs`) or all the others (no-leaks last). */
export function defaultFlowFiles(github, dir = HERE) {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.e2e.mjs') && isGitHubFlowFile(f) === github)
    .sort((a, b) => Number(a === LAST_FLOW_FILE) - Number(b === LAST_FLOW_FILE) || (a < b ? -1 : a > b ? 1 : 0));
}

// github: the GitHub flows (*.github.e2e.mjs) in the GitHub test host (scripts/host/variants.mjs) with
// the test GitHub sign-in, the GitHub API emulator and the workspace a git repository on it (github.mjs)
export async function runE2e({ host = 'newest', vsix = path.join(REPO, 'dist', 'turso-api-tokens.vsix'), grep, timeoutSec = 480, files, tag, github = false } = {}) {
  const info = github ? githubTestHost(host) : hostInfo(host);
  const t0 = Date.now();
  // a tag keeps a run's results apart from another run on the same host (e.g. one started by npm test)
  const dirName = [host, github ? GITHUB_FLOWS : '', tag].filter(Boolean).join('-');
  const base = path.join(REPO, '.test-results', 'e2e', dirName);
  const shots = path.join(REPO, '.test-results', 'screenshots', dirName);
  fs.rmSync(base, { recursive: true, force: true });
  fs.rmSync(shots, { recursive: true, force: true });
  fs.mkdirSync(base, { recursive: true });
  fs.mkdirSync(shots, { recursive: true });
  const resultsFile = path.join(base, 'results.json');
  const tests = [];
  const problems = [];
  let browser;
  let cs;
  let emu;
  let gh;
  const step = (m) => console.log(`[e2e ${host} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
  try {
    step(`host ${info.label}`);
    emu = await startEmulatorProcess(base);
    step(`emulator ${emu.url} (PID ${emu.pid})`);
    const root = path.join(base, 'instance');
    await installExtension(info, { root, vsix });
    step(`installed ${path.relative(REPO, vsix)} with --install-extension`);
    for (const name of github ? ['github-auth'] : ['session-consumer', 'exports-walker']) {
      const fixture = await packageTestExtension(base, name);
      await installExtension(info, { root, vsix: fixture });
      step(`installed the test extension ${path.basename(fixture)} beside it`);
    }
    // The Turso CLI's config folder (TURSO_CONFIG_FOLDER) of the extension host: empty; a flow that
    // imports the CLI's token writes settings.json there first.
    const cliConfigDir = path.join(base, 'turso-cli');
    fs.mkdirSync(cliConfigDir, { recursive: true });
    const settings = { 'turso.apiBaseUrl': emu.url };
    const env = { TURSO_CONFIG_FOLDER: cliConfigDir };
    if (github) {
      gh = await prepareGitHubRun({ base, root });
      Object.assign(settings, gh.settings);
      Object.assign(env, gh.env);
      step(`GitHub API emulator ${gh.url} (PID ${gh.pid}); the workspace a git repository with origin ${gh.remote}; signed in to GitHub Enterprise as ${gh.login}`);
    }
    cs = await startCodeServer(info, { root, proxy: true, settings, env });
    step(`${cs.label} up (PID ${cs.pid})`);
    browser = await launch({ dir: path.join(base, 'chromium') });
    step('chromium up');
    browser.page.on('pageerror', (e) => fs.appendFileSync(path.join(base, 'page-errors.log'), `${e.message}\n`));
    Object.assign(e2e, { page: browser.page, host, codeServer: info.codeServer, vscode: info.vscode, workbenchUrl: cs.folderUrl, emulator: emu, shotsDir: shots, crashed: browser.crashed,
      codeServerUrl: cs.url, instanceRoot: root, workspaceDir: cs.dirs.ws, cliConfigDir, vsix, base, github: gh });

    const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 90000, slow: 10000, grep, bail: false });
    const flowFiles = files?.length ? files : defaultFlowFiles(github);
    for (const f of flowFiles) mocha.addFile(path.resolve(HERE, f));
    await mocha.loadFilesAsync();
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the e2e flows did not finish within ${timeoutSec} s`)), timeoutSec * 1000);
      browser.crashed.then((m) => { clearTimeout(timer); reject(new Error(`e2e flows stopped: ${m}`)); });
      const runner = mocha.run(() => { clearTimeout(timer); resolve(); });
      runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
      runner.on('fail', (t, err) => tests.push({ title: t.fullTitle(), state: 'failed', error: String(err?.message ?? err) }));
      runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'pending' }));
    });
  } catch (e) {
    problems.push(e.message);
  } finally {
    if (browser) await browser.context.close().catch(() => {});
    if (cs) await cs.stop();
    if (emu) await emu.stop();
    if (gh) await gh.stop();
  }
  const passed = tests.filter((t) => t.state === 'passed').length;
  let failed = tests.filter((t) => t.state === 'failed').length;
  if (!problems.length && !tests.length) problems.push('no e2e flows ran');
  if (problems.length && !failed) failed = 1;
  const pending = tests.filter((t) => t.state === 'pending').length;
  const summary = { host: github ? `${host} (GitHub test host)` : host, vscode: info.vscode, passed, failed, pending, seconds: (Date.now() - t0) / 1000, problems, tests, screenshots: shots };
  fs.writeFileSync(resultsFile, JSON.stringify(summary, null, 2));
  return summary;
}

if (import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  const { values } = util.parseArgs({ options: {
    host: { type: 'string', default: 'newest' }, vsix: { type: 'string' }, grep: { type: 'string' }, timeout: { type: 'string', default: '480' },
    files: { type: 'string' }, tag: { type: 'string' }, github: { type: 'boolean', default: false },
  } });
  installSignalHandlers();
  let s;
  try {
    s = await runE2e({ host: values.host, vsix: values.vsix && path.resolve(values.vsix), grep: values.grep, timeoutSec: Number(values.timeout),
      files: values.files?.split(',').map((f) => f.trim()).filter(Boolean), tag: values.tag, github: values.github });
  } catch (e) {
    console.error(e.message);
    s = { host: values.host, passed: 0, failed: 1, problems: [e.message], tests: [], seconds: 0 };
  }
  await stopAll();
  for (const p of s.problems) console.error(`PROBLEM: ${p}`);
  if (s.pending) console.log(`${s.pending} flow(s) skipped: ${s.tests.filter((t) => t.state === 'pending').map((t) => t.title).join('; ')}`);
  console.log(`e2e on ${s.host} took ${s.seconds.toFixed(1)} s; screenshots in ${path.relative(REPO, s.screenshots || '')}`);
  console.log(`${s.passed} passed, ${s.failed} failed`);
  process.exit(s.failed ? 1 : 0);
}
