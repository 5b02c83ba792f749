// Desktop runner for the in-host suite (test/host/*.test.ts), for machines that can download VS Code:
//   npm run test:desktop                    both configurations below
//   npm run test:desktop -- --label oldest  one of them
// @vscode/test-cli downloads desktop VS Code into .vscode-test/ and runs the same mocha files that
// scripts/host/run-host-tests.mjs runs inside code-server (it loads them itself: test/host/index.ts is
// only for the code-server runner). On Linux without a display, run it under xvfb-run.
// Not part of `npm test` here: this machine cannot reach update.code.visualstudio.com.
import { defineConfig } from '@vscode/test-cli';
import fs from 'node:fs';

const hosts = JSON.parse(fs.readFileSync(new URL('./scripts/host/hosts.json', import.meta.url), 'utf8'));

const common = {
  files: 'out/test/host/**/*.test.js',
  extensionDevelopmentPath: '.',
  mocha: { ui: 'tdd', timeout: 30000, slow: 3000, color: true },
  // a fresh profile: no other extensions, no workspace trust prompt
  launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
};

export default defineConfig([
  { label: 'oldest', version: hosts.oldest.vscode, ...common }, // the oldest VS Code the extension supports (engines)
  { label: 'newest', version: hosts.newest.vscode, ...common },
]);
