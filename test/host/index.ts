// Entry point the VS Code extension host loads through `extensionTestsPath` (code-server in-host runner:
// scripts/host/run-host-tests.mjs). Runs every out/test/host/**/*.test.js (*.untrusted.test.js in a
// folder in Restricted Mode, *.github.test.js in the GitHub test host, and only those) with mocha (TDD UI) inside the
// real Node extension host, writes a JSON result file and prints "N passed, M failed".
// Result file: $TURSO_HOST_TEST_RESULTS, else .test-results/host/results.json in the repo.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  ms?: number;
  error?: string;
}

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(p));
    else if (entry.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

/**
 * Every process warning of the extension host from the start of the run (before the extension
 * activates): Node prints a deprecation once per process, so it is caught here or not at all.
 * Read by warnings.test.ts.
 */
const hostWarnings: Error[] = [];
(globalThis as { __tursoHostWarnings?: Error[] }).__tursoHostWarnings = hostWarnings;
process.on('warning', (warning) => hostWarnings.push(warning));

export function run(): Promise<void> {
  const repo = path.resolve(__dirname, '..', '..', '..');
  const resultsFile = process.env.TURSO_HOST_TEST_RESULTS || path.join(repo, '.test-results', 'host', 'results.json');
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    reporter: 'spec',
    timeout: 30000,
    slow: 3000,
    grep: process.env.TURSO_HOST_TEST_GREP || undefined,
  });
  // A folder in Restricted Mode (run-host-tests.mjs --untrusted) runs the *.untrusted.test.js files
  // only, the GitHub test host (--github) the *.github.test.js files only; a plain run everything else.
  const group = process.env.TURSO_HOST_UNTRUSTED === '1' ? 'untrusted' : process.env.TURSO_HOST_GITHUB === '1' ? 'github' : '';
  const groupOf = (f: string) => /\.(untrusted|github)\.test\.js$/.exec(f)?.[1] ?? '';
  for (const f of findTests(__dirname)) if (groupOf(f) === group) mocha.addFile(f);

  return new Promise<void>((resolve, reject) => {
    const tests: TestResult[] = [];
    const t0 = Date.now();
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failures) => {
        const passed = tests.filter((t) => t.state === 'passed').length;
        const failed = tests.filter((t) => t.state === 'failed').length;
        const pending = tests.filter((t) => t.state === 'pending').length;
        const vscode = require('vscode') as typeof import('vscode');
        const summary = {
          passed, failed, pending, seconds: (Date.now() - t0) / 1000,
          vscode: vscode.version, node: process.version, uiKind: vscode.env.uiKind, remoteName: vscode.env.remoteName,
          tests,
        };
        try {
          fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
          fs.writeFileSync(resultsFile, JSON.stringify(summary, null, 2));
        } catch (err) {
          console.error(`could not write ${resultsFile}: ${String(err)}`);
        }
        console.log(`in-host suite: VS Code ${vscode.version}, Node ${process.version}`);
        console.log(`${passed} passed, ${failed} failed`);
        if (failures > 0 || failed > 0) reject(new Error(`${failed || failures} in-host test(s) failed`));
        else if (passed === 0) reject(new Error('no in-host tests ran'));
        else resolve();
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
    runner.on('fail', (t, err: unknown) => {
      const e = err as { stack?: string; message?: string } | undefined;
      tests.push({ title: t.fullTitle(), state: 'failed', error: String(e?.stack ?? e?.message ?? err) });
    });
    runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'pending' }));
  });
}
