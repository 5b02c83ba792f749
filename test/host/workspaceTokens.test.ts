import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { JwtSigner, newTokenId } from '../emulator/jwt';
import type { TokenUsage, WorkspaceTokens } from '../../src/workspace/workspaceTokens';
import { activateExtension, waitFor } from './helpers';

// Issue 16, workspace tokens: the extension's own scanner, in the real extension host, on real files
// written into the test workspace folder (as another program would write them), under one folder of
// this suite's that is removed at the end. Every wait is on what the scanner reports, bounded.
//
// VS Code's file watcher on Linux misses a folder created together with its content (mkdir -p and a
// write within a few milliseconds, or a folder moved in): it never reports anything in it, to any
// extension. The scanner searches such a folder when its creation is reported; the fixture's folders
// are made one level at a time, each after the watcher saw the one before, so later edits are seen.

interface ScanApi {
  workspaceTokens?: WorkspaceTokens;
  testProbe?: { logUri: vscode.Uri };
}

const signer = new JwtSigner();
function token(): { value: string; id: string } {
  const id = newTokenId();
  return { value: signer.sign({ jti: id }), id };
}

suite('Workspace tokens: env files found, followed, excluded', function () {
  let scanner: WorkspaceTokens;
  let logUri: vscode.Uri | undefined;
  let root: string;
  let base: string;
  const T = { a: token(), b: token(), c: token(), d: token(), e: token(), f: token(), g: token() };

  /** Writes `text` to `rel` (under this suite's folder), creating folders. */
  function write(rel: string, text: string): void {
    const file = path.join(base, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  /**
   * Creates `rel` (and `base`) one folder at a time, each only after VS Code's file watcher reported
   * the one before: the watcher starts watching a new folder when it sees it created, and sees
   * nothing in a folder that already existed by then (parcel-bundler/watcher#97).
   */
  async function watchedDir(rel: string): Promise<void> {
    const seen = new Set<string>();
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, '**'), false, true, true);
    const sub = watcher.onDidCreate((u) => seen.add(u.fsPath));
    try {
      let dir = root;
      for (const segment of path.relative(root, path.join(base, rel)).split(path.sep)) {
        dir = path.join(dir, segment);
        if (fs.existsSync(dir)) continue;
        fs.mkdirSync(dir);
        await waitFor(() => seen.has(dir), `VS Code's file watcher to report the new folder ${dir}`, 10000);
      }
    } finally {
      sub.dispose();
      watcher.dispose();
    }
  }
  /** This token's places, as `relative path:line:key[:commented]`, only under this suite's folder. */
  function places(tokenId: string): string[] {
    return scanner.usages(tokenId)
      .filter((u) => u.uri.fsPath.startsWith(base + path.sep))
      .map((u: TokenUsage) => `${path.relative(base, u.uri.fsPath).split(path.sep).join('/')}:${u.line}:${u.key ?? ''}${u.commented ? ':commented' : ''}`)
      .sort();
  }
  async function waitForPlaces(tokenId: string, expected: string[], what: string, timeoutMs = 15000): Promise<void> {
    let last: string[] = [];
    await waitFor(() => {
      last = places(tokenId);
      return JSON.stringify(last) === JSON.stringify(expected);
    }, what, timeoutMs).catch((err: Error) => {
      throw new Error(`${err.message}; found ${JSON.stringify(last)}, expected ${JSON.stringify(expected)}`);
    });
  }

  suiteSetup(async function () {
    this.timeout(60000);
    const api = (await activateExtension()) as ScanApi;
    assert.ok(api.workspaceTokens, 'activate() exposes workspaceTokens under test');
    scanner = api.workspaceTokens;
    logUri = api.testProbe?.logUri;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test host opened a workspace folder');
    root = folder.uri.fsPath;
    base = path.join(root, `turso-scan-${process.pid}-${Date.now()}`);
    for (const dir of ['api', 'web', 'deploy', 'hidden', 'node_modules/some-pkg']) await watchedDir(dir);
    // Files in place before the scanner starts: the first scan must find them.
    write('api/.env', `# API\nexport TURSO_API_TOKEN="${T.a.value}"\nOTHER=1\n`);
    write('web/.env.local', `NEXT_PUBLIC_X=1\r\n# TURSO_API_TOKEN=${T.b.value}\r\n`);
    write('deploy/prod.env', `TURSO_TOKEN='${T.a.value}'\n`);
    write('notes.txt', `TURSO_API_TOKEN=${T.c.value}\n`);
    write('node_modules/some-pkg/.env', `TURSO_API_TOKEN=${T.d.value}\n`);
    write('hidden/.env', `TURSO_API_TOKEN=${T.e.value}\n`);
  });

  suiteTeardown(async function () {
    this.timeout(30000);
    await vscode.workspace.getConfiguration('files').update('exclude', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('turso').update('workspaceTokenFiles', undefined, vscode.ConfigurationTarget.Global);
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  test('starts once the Turso view is shown', async function () {
    this.timeout(30000);
    await vscode.commands.executeCommand('workbench.view.extension.turso');
    await waitFor(() => scanner.started, 'the scanner to start once the view is visible');
    await vscode.commands.executeCommand('workbench.view.explorer');
  });

  test('finds the tokens of .env, .env.* and *.env files, with line and key, commented ones marked; not in other files or node_modules', async function () {
    this.timeout(30000);
    const before = fs.statSync(path.join(base, 'api/.env')).mtimeMs;
    await scanner.rescan();
    assert.deepStrictEqual(places(T.a.id), ['api/.env:1:TURSO_API_TOKEN', 'deploy/prod.env:0:TURSO_TOKEN']);
    assert.deepStrictEqual(places(T.b.id), ['web/.env.local:1:TURSO_API_TOKEN:commented']);
    assert.deepStrictEqual(places(T.c.id), [], 'notes.txt is not an env file');
    assert.deepStrictEqual(places(T.d.id), [], 'node_modules is skipped');
    assert.deepStrictEqual(places(T.e.id), ['hidden/.env:0:TURSO_API_TOKEN']);
    // The findings carry columns (to replace the value) but no part of it.
    const mine = scanner.findings().filter((f) => f.uri.fsPath.startsWith(base + path.sep));
    const inApi = mine.find((f) => f.tokenId === T.a.id && f.uri.fsPath.endsWith(`api${path.sep}.env`));
    assert.ok(inApi);
    assert.strictEqual(fs.readFileSync(inApi.uri.fsPath, 'utf8').split('\n')[inApi.line].slice(inApi.startColumn, inApi.endColumn), T.a.value);
    const serialized = JSON.stringify(mine);
    for (const t of Object.values(T)) {
      for (const part of t.value.split('.')) assert.ok(!serialized.includes(part), 'a finding holds part of a token value');
    }
    // Read only.
    assert.strictEqual(fs.statSync(path.join(base, 'api/.env')).mtimeMs, before);
  });

  test('follows an edit: the changed file is read again, onDidChange fires', async function () {
    this.timeout(30000);
    let fired = 0;
    const sub = scanner.onDidChange(() => fired++);
    try {
      write('api/.env', `# API\nOTHER=1\n\nexport TURSO_API_TOKEN="${T.f.value}"\n`);
      await waitForPlaces(T.f.id, ['api/.env:3:TURSO_API_TOKEN'], 'the new token in api/.env');
      assert.deepStrictEqual(places(T.a.id), ['deploy/prod.env:0:TURSO_TOKEN'], 'the old token left api/.env');
      assert.ok(fired >= 1, 'onDidChange did not fire');
    } finally {
      sub.dispose();
    }
  });

  test('follows a delete and a create', async function () {
    this.timeout(30000);
    fs.rmSync(path.join(base, 'deploy/prod.env'));
    await waitForPlaces(T.a.id, [], 'deploy/prod.env to be forgotten');
    write('new/.env.test', `A=1\nTURSO_API_TOKEN=${T.g.value}\n`);
    await waitForPlaces(T.g.id, ['new/.env.test:1:TURSO_API_TOKEN'], 'the created new/.env.test');
  });

  test('follows a folder deleted with its env files in it', async function () {
    this.timeout(30000);
    await vscode.workspace.fs.delete(vscode.Uri.file(path.join(base, 'web')), { recursive: true, useTrash: false });
    await waitForPlaces(T.b.id, [], 'web/.env.local to be forgotten with its folder');
  });

  test('follows a folder with an env file moved into the workspace', async function () {
    this.timeout(30000);
    const outside = fs.mkdtempSync(path.join(path.dirname(root), 'turso-scan-outside-'));
    try {
      fs.writeFileSync(path.join(outside, '.env'), `MOVED=${T.c.value}\n`);
      fs.renameSync(outside, path.join(base, 'moved'));
      await waitForPlaces(T.c.id, ['moved/.env:0:MOVED'], 'moved/.env after its folder was moved in');
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('a file created under node_modules is ignored (a file created after it is found)', async function () {
    this.timeout(30000);
    write('a/node_modules/x/.env', `TURSO_API_TOKEN=${T.d.value}\n`);
    write('sentinel.env', `SENTINEL=${T.d.value}\n`);
    await waitForPlaces(T.d.id, ['sentinel.env:0:SENTINEL'], 'sentinel.env (and not a/node_modules/x/.env)');
    fs.rmSync(path.join(base, 'sentinel.env'));
    await waitForPlaces(T.d.id, [], 'sentinel.env to be forgotten');
    await scanner.rescan();
    assert.deepStrictEqual(places(T.d.id), [], 'a full scan found a file under node_modules');
  });

  test('honours files.exclude, and follows it when it changes', async function () {
    this.timeout(30000);
    const folderName = path.basename(base);
    await vscode.workspace.getConfiguration('files').update('exclude', { [`${folderName}/hidden`]: true }, vscode.ConfigurationTarget.Global);
    await waitForPlaces(T.e.id, [], 'hidden/.env to be dropped once files.exclude covers it');
    // An edit in the excluded folder is not followed either.
    write('hidden/.env', `TURSO_API_TOKEN=${T.e.value}\nAGAIN=${T.e.value}\n`);
    write('sentinel.env', `SENTINEL=${T.e.value}\n`);
    await waitForPlaces(T.e.id, ['sentinel.env:0:SENTINEL'], 'sentinel.env (and not hidden/.env)');
    fs.rmSync(path.join(base, 'sentinel.env'));
    await vscode.workspace.getConfiguration('files').update('exclude', undefined, vscode.ConfigurationTarget.Global);
    await waitForPlaces(T.e.id, ['hidden/.env:0:TURSO_API_TOKEN', 'hidden/.env:1:AGAIN'], 'hidden/.env back once the exclude is gone');
  });

  test('follows turso.workspaceTokenFiles; an empty list turns the search off', async function () {
    this.timeout(30000);
    write('vault.secrets', `VAULT=${T.g.value}\n`);
    const config = () => vscode.workspace.getConfiguration('turso');
    await config().update('workspaceTokenFiles', ['**/*.secrets'], vscode.ConfigurationTarget.Global);
    await waitForPlaces(T.g.id, ['vault.secrets:0:VAULT'], 'only vault.secrets with the setting at **/*.secrets');
    await config().update('workspaceTokenFiles', [], vscode.ConfigurationTarget.Global);
    await waitFor(() => scanner.findings().every((f) => !f.uri.fsPath.startsWith(base + path.sep)), 'no finding with the search turned off');
    await config().update('workspaceTokenFiles', undefined, vscode.ConfigurationTarget.Global);
    await waitForPlaces(T.g.id, ['new/.env.test:1:TURSO_API_TOKEN'], 'the default files again');
  });

  test('no token value reaches the extension\'s logs', async function () {
    this.timeout(30000);
    await scanner.whenIdle();
    assert.ok(logUri, 'activate() exposes the log folder under test');
    const texts: string[] = [];
    const walk = (dir: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else texts.push(fs.readFileSync(p, 'utf8'));
      }
    };
    walk(path.dirname(logUri.fsPath)); // every extension's logs of this window, ours included
    const all = texts.join('\n');
    for (const t of Object.values(T)) {
      for (const part of t.value.split('.').slice(1)) assert.ok(!all.includes(part), 'a token value (payload or signature) is in a log file');
    }
  });
});
