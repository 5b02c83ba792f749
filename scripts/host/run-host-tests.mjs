#!/usr/bin/env node
// Runs the in-host mocha suite (out/test/host/index.js) INSIDE code-server's Node extension host.
// The web workbench reads extensionDevelopmentPath / extensionTestsPath from the ?payload= URL
// parameter (honoured only when the server runs with --enable-smoke-test-driver), loads the extension
// from the repo on the server's disk, calls run() of the tests module, then window.codeAutomationExit(code).
//
// usage: node scripts/host/run-host-tests.mjs [--host oldest|newest] [--timeout 300] [--results file.json] [--untrusted | --github]
//   --untrusted: the folder in Restricted Mode (workspace trust on); only the suites written for it run
//   --github: the GitHub suites (*.github.test.js) in the GitHub test host (scripts/host/variants.mjs:
//             without VS Code's own GitHub sign-in), with the test GitHub sign-in of
//             test/fixtures/github-auth installed beside the extension
//   --builtin-github-auth: with --github, in the host as installed (VS Code's own GitHub sign-in in
//             it): shows what the GitHub suites see without the test host (they fail)
// Writes .test-results/host/<host>/results.json ({passed, failed, tests:[{title,state,error?}]}) and
// ends with "N passed, M failed". Exit 0 only when the suite ran, had tests, and none failed.
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { pathToFileURL } from 'node:url';
import { hostInfo, REPO } from './hosts.mjs';
import { installExtension, startCodeServer } from './code-server.mjs';
import { GITHUB_AUTH_FIXTURE, githubTestHost } from './variants.mjs';
import { launch, bounded } from './vscode-ui.mjs';
import { installSignalHandlers, runBounded, stopAll } from './procs.mjs';

// workbench chatter that says nothing about the suite (shown with --verbose)
const NOISE = [/ENOTFOUND open-vsx\.org/, /^(Resolving|Resolved) connection token/, /^Creating a socket/, /^Updating additional builtin/,
  /^\[Service Worker\]/, /^ChatSessionStore:/, /^\[reconnection-grace-time\]/, /^\[AgentHost/, /^\[AccountPolicyGate\]/];

/**
 * The extension as the in-host tests load it: the test-only entry (src/testing/testExtension.ts: the
 * product plus the hooks the tests look inside) bundled as the repository's dist/extension.js
 * (`node esbuild.js --test`). The tests must live inside the extension's folder (VS Code gives each
 * extension its own API object, which the tests stub), so it is the repository, not a copy. The VSIX
 * is built from src/extension.ts (`--production`) and returns no hooks.
 */
export async function buildTestEntry({ timeoutMs = 120000 } = {}) {
  const r = await runBounded(process.execPath, [path.join(REPO, 'esbuild.js'), '--test'], { cwd: REPO, timeoutMs, quiet: true, label: 'esbuild --test' });
  if (r.code !== 0) throw new Error(`bundling the test entry failed${r.timedOut ? ` (timed out after ${timeoutMs / 1000} s)` : ` (exit ${r.code})`}:\n${r.output.trim().split('\n').slice(-15).join('\n')}`);
}

/** Packages the test extension in `dir` (vsce) into `into`; returns the VSIX's path. */
async function packageFixture(into, dir, { timeoutMs = 60000 } = {}) {
  const out = path.join(into, `${path.basename(dir)}.vsix`);
  const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = await runBounded(process.execPath, [vsce, 'package', '--no-dependencies', '-o', out], { cwd: dir, timeoutMs, quiet: true, label: `vsce package (${path.basename(dir)})` });
  if (r.code !== 0 || !fs.existsSync(out)) {
    throw new Error(`packaging the test extension ${path.relative(REPO, dir)} failed${r.timedOut ? ` (timed out after ${timeoutMs / 1000} s)` : ` (exit ${r.code})`}:\n${r.output.trim().split('\n').slice(-10).join('\n')}`);
  }
  return out;
}

// folder: the workspace folder to open (default: the instance's fresh, empty one); env: more variables
// for the extension host; work: where the instance lives (default .test-results/host/<host>, or
// <host>-untrusted); untrusted: workspace trust on and the folder in Restricted Mode (the tests see
// TURSO_HOST_UNTRUSTED=1: the suites written for it run, the others are skipped); github: the GitHub
// suites (the tests see TURSO_HOST_GITHUB=1) in the GitHub test host with test/fixtures/github-auth
// installed (builtinGitHubAuth: in the host as installed instead).
export async function runHostSuite({ verbose = false, host = 'newest', timeoutSec = 300, resultsFile, extensionDir,
  testsModule = path.join(REPO, 'out', 'test', 'host', 'index.js'), folder, env = {}, work, untrusted = false, github = false,
  builtinGitHubAuth = false } = {}) {
  if (untrusted && github) throw new Error('--untrusted and --github are separate suites: run one at a time');
  const info = github && !builtinGitHubAuth ? githubTestHost(host) : hostInfo(host);
  const suite = untrusted ? 'untrusted' : github ? 'github' : '';
  const base = work || path.join(REPO, '.test-results', 'host', suite ? `${host}-${suite}` : host);
  fs.rmSync(base, { recursive: true, force: true });
  fs.mkdirSync(base, { recursive: true });
  if (extensionDir === undefined) {
    await buildTestEntry();
    extensionDir = REPO;
  }
  resultsFile = path.resolve(resultsFile || path.join(base, 'results.json'));
  fs.rmSync(resultsFile, { force: true });
  const t0 = Date.now();
  const problems = [];
  if (!fs.existsSync(testsModule)) throw new Error(`${testsModule} not found: compile first (npx tsc -p .)`);
  const main = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8')).main;
  if (main && !fs.existsSync(path.join(extensionDir, main))) throw new Error(`${path.join(extensionDir, main)} not found: build first (node esbuild.js)`);

  console.log(`in-host suite on ${info.label}`);
  if (github) {
    // installed, not a second extensionDevelopmentPath: code-server's web workbench loads only one of those
    await installExtension(info, { root: path.join(base, 'instance'), vsix: await packageFixture(base, GITHUB_AUTH_FIXTURE) });
    console.log(`installed the test GitHub sign-in (${path.relative(REPO, GITHUB_AUTH_FIXTURE)}) after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const cs = await startCodeServer(info, {
    root: path.join(base, 'instance'), smoke: true, untrusted,
    env: { ...env, TURSO_HOST_TEST_RESULTS: resultsFile, TURSO_TEST_HOST: host, ...(untrusted ? { TURSO_HOST_UNTRUSTED: '1' } : {}),
      ...(github ? { TURSO_HOST_GITHUB: '1', TURSO_FIXTURE_GITHUB_FILE: path.join(base, 'github-auth.json') } : {}) },
  });
  console.log(`${cs.label} up (PID ${cs.pid}) after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const authority = new URL(cs.url).host; // code-server uses location.host as the remote authority
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', `vscode-remote://${authority}${extensionDir}`],
    ['extensionTestsPath', `vscode-remote://${authority}${testsModule}`],
  ]);
  const url = `${cs.url}/?folder=${encodeURIComponent(folder || cs.dirs.ws)}&payload=${encodeURIComponent(payload)}`;
  let browser;
  let exitCode;
  try {
    browser = await launch({ dir: path.join(base, 'chromium') });
    const { page, crashed } = browser;
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = util.format(...(args || [])).replace(/^%c\s*\S+\s*color: #[0-9a-f]+\s*/i, '');
      if (verbose ? false : NOISE.some((re) => re.test(line))) return;
      for (const l of line.split('\n')) console.log(`  | ${l}`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    page.on('pageerror', (e) => console.log('[pageerror]', e.message));
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    // a host whose server cannot load its modules never runs the suite: say so within seconds
    let watch;
    const broken = new Promise((_, reject) => {
      watch = setInterval(() => { try { cs.assertHealthy(); } catch (e) { reject(e); } }, 1000);
    });
    try {
      exitCode = await bounded(Promise.race([exited, broken]), { crashed, timeoutMs: timeoutSec * 1000, message: `the in-host suite on ${host} did not finish` });
    } finally {
      clearInterval(watch);
    }
  } catch (e) {
    problems.push(e.message);
  } finally {
    if (browser) await browser.context.close().catch(() => {});
    await cs.stop();
  }
  let results = null;
  try { results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')); } catch { /* missing */ }
  if (!results) {
    problems.push(`no results file ${resultsFile} (the suite did not run to its end)`);
    const log = path.join(cs.dirs.data, 'logs');
    problems.push(`code-server log: ${cs.log}; VS Code logs: ${log}`);
  } else if (!results.passed && !results.failed) {
    problems.push('the suite ran no tests');
  }
  if (exitCode !== undefined && exitCode !== 0 && results && !results.failed) problems.push(`extension host exit code ${exitCode}`);
  const passed = results?.passed ?? 0;
  const failed = (results?.failed ?? 0) + (problems.length && !results?.failed ? 1 : 0);
  const summary = { host, vscode: info.vscode, passed, failed, seconds: (Date.now() - t0) / 1000, problems, tests: results?.tests ?? [] };
  fs.writeFileSync(path.join(base, 'summary.json'), JSON.stringify(summary, null, 2));
  return summary;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = util.parseArgs({ options: { verbose: { type: 'boolean', default: false }, host: { type: 'string', default: 'newest' }, timeout: { type: 'string', default: '300' }, results: { type: 'string' },
    untrusted: { type: 'boolean', default: false }, github: { type: 'boolean', default: false }, 'builtin-github-auth': { type: 'boolean', default: false } } });
  installSignalHandlers();
  let s;
  try {
    s = await runHostSuite({ verbose: values.verbose, host: values.host, timeoutSec: Number(values.timeout), resultsFile: values.results, untrusted: values.untrusted,
      github: values.github || values['builtin-github-auth'], builtinGitHubAuth: values['builtin-github-auth'] });
  } catch (e) {
    console.error(`in-host suite on ${values.host}: ${e.message}`);
    await stopAll();
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  await stopAll();
  for (const t of s.tests.filter((t) => t.state === 'failed')) console.log(`FAILED ${t.title}\n  ${String(t.error).split('\n').slice(0, 6).join('\n  ')}`);
  for (const p of s.problems) console.error(`PROBLEM: ${p}`);
  console.log(`in-host suite on ${s.host} (VS Code ${s.vscode}) took ${s.seconds.toFixed(1)} s`);
  console.log(`${s.passed} passed, ${s.failed} failed`);
  process.exit(s.failed || s.problems.length ? 1 : 0);
}
