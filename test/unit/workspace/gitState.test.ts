import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gitFileState, isIgnoredByRules, untrack } from '../../../src/workspace/gitState';

// Real repositories in a temp folder, asked through the same git the extension runs.

describe('gitState: what git says about .env', function () {
  let base: string;
  const savedEnv = { ...process.env };

  function git(cwd: string, ...args: string[]): string {
    return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  before(function () {
    try {
      execFileSync('git', ['--version'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
  });
  beforeEach(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'turso-gitstate-')));
    // No repository above the temp folder counts, and no user or system excludes file.
    process.env.GIT_CEILING_DIRECTORIES = path.dirname(base);
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    process.env.GIT_CONFIG_GLOBAL = path.join(base, 'no-such-gitconfig');
  });
  afterEach(() => {
    process.env = { ...savedEnv };
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('no repository: none', async () => {
    assert.deepEqual(await gitFileState(base, '.env'), { kind: 'none' });
  });

  it('a fresh repository: not tracked, not ignored; after adding .env to .gitignore: ignored', async () => {
    git(base, 'init', '-q');
    fs.writeFileSync(path.join(base, '.env'), 'A=1\n');
    assert.deepEqual(await gitFileState(base, '.env'), { kind: 'repo', root: base, tracked: false, ignoredByRules: false });
    fs.writeFileSync(path.join(base, '.gitignore'), '.env\n');
    assert.deepEqual(await gitFileState(base, '.env'), { kind: 'repo', root: base, tracked: false, ignoredByRules: true });
  });

  it('a committed .env is tracked even though .gitignore lists it; untracking keeps the file and stages its removal', async () => {
    git(base, 'init', '-q');
    fs.writeFileSync(path.join(base, '.env'), 'A=1\n');
    git(base, 'add', '.env');
    git(base, 'commit', '-qm', 'env');
    fs.writeFileSync(path.join(base, '.gitignore'), '.env\n');
    assert.deepEqual(await gitFileState(base, '.env'), { kind: 'repo', root: base, tracked: true, ignoredByRules: true });
    await untrack(base, '.env');
    assert.equal(fs.readFileSync(path.join(base, '.env'), 'utf8'), 'A=1\n', 'still on disk');
    assert.equal(git(base, 'status', '--porcelain', '--', '.env'), 'D  .env\n', 'its removal is staged');
    assert.deepEqual(await gitFileState(base, '.env'), { kind: 'repo', root: base, tracked: false, ignoredByRules: true });
  });

  it('a .env only added (not committed yet) counts as tracked', async () => {
    git(base, 'init', '-q');
    fs.writeFileSync(path.join(base, '.env'), 'A=1\n');
    git(base, 'add', '.env');
    assert.deepEqual(await gitFileState(base, '.env'), { kind: 'repo', root: base, tracked: true, ignoredByRules: false });
  });

  it('a folder inside a repository: the root is found above it, and the folder\'s own .gitignore entry applies', async () => {
    git(base, 'init', '-q');
    const folder = path.join(base, 'packages', 'app');
    fs.mkdirSync(folder, { recursive: true });
    assert.deepEqual(await gitFileState(folder, '.env'), { kind: 'repo', root: base, tracked: false, ignoredByRules: false });
    fs.writeFileSync(path.join(folder, '.gitignore'), '.env\n');
    assert.equal(await isIgnoredByRules(folder, '.env'), true);
    // a rule at the root that brings it back does not win over the folder's own .gitignore
    fs.writeFileSync(path.join(base, '.gitignore'), '!.env\n');
    assert.equal(await isIgnoredByRules(folder, '.env'), true);
    // the root's rule alone is enough
    fs.writeFileSync(path.join(folder, '.gitignore'), '');
    fs.writeFileSync(path.join(base, '.gitignore'), 'packages/app/.env\n');
    assert.equal(await isIgnoredByRules(folder, '.env'), true);
  });

  it('git missing: unknown, with the reason', async () => {
    const state = await gitFileState(base, '.env', { gitPath: path.join(base, 'no-such-git') });
    assert.equal(state.kind, 'unknown');
    assert.match((state as { reason: string }).reason, /git was not found/);
    await assert.rejects(isIgnoredByRules(base, '.env', { gitPath: path.join(base, 'no-such-git') }), /git was not found/);
  });

  it('git that does not answer in time: unknown, within the time limit', async function () {
    if (process.platform === 'win32') {
      this.skip();
    }
    const slowGit = path.join(base, 'slow-git');
    fs.writeFileSync(slowGit, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const started = Date.now();
    const state = await gitFileState(base, '.env', { gitPath: slowGit, timeoutMs: 300 });
    assert.equal(state.kind, 'unknown');
    assert.match((state as { reason: string }).reason, /did not answer within/);
    assert.ok(Date.now() - started < 5000, 'the time limit applied');
  });

  it('git refusing the repository (another failure than "not a repository"): unknown, with git\'s own words', async () => {
    git(base, 'init', '-q');
    // a broken config makes rev-parse fail with something else than "not a git repository"
    fs.writeFileSync(path.join(base, '.git', 'config'), '[core\nbroken');
    const state = await gitFileState(base, '.env');
    assert.equal(state.kind, 'unknown');
    assert.match((state as { reason: string }).reason, /fatal|bad config/i);
  });
});
