import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { replaceTokenInFiles, type FilePlan } from '../../src/workspace/replaceToken';
import { REMOVE_LINE_COMMAND, type RemoveLineArgs } from '../../src/workspace/tokenDiagnostics';
import { tokenValueHash } from '../../src/workspace/tokenFinder';
import {
  describeShown, fixtures, hostPaths, probedSignedOut, UiRecorder, walkFiles, type FixtureEmulator, type ProbedApi,
} from './faultHelpers';
import { childRows, restoreAfterSuite, rootRows, signIn, startEmulator, waitFor, waitForRoot, type Row, own } from './helpers';

// Issue 21, item 4 and the root of item 1: whatever writes a token into a file (a rotation, Save to
// .env) writes the file on disk itself, never through a document save, so that VS Code's local
// history (User/History, which records every save) keeps no copy of the value; an editor open on the
// file reloads it from disk. And the replacement never throws for one file's problem.

interface RotateResult {
  outcome: 'rotated' | 'kept-old' | 'cancelled' | 'failed';
  id?: string;
}

const unique = (stem: string) => `${stem}-${(Date.now() + Math.floor(Math.random() * 1e6)).toString(36).slice(-5)}`;

/** The files under `root` that hold a value, its payload or its signature: `file: label`. */
function copiesUnder(root: string, values: Map<string, string>): string[] {
  const hits: string[] = [];
  for (const f of walkFiles(root)) {
    const text = fs.readFileSync(f, 'latin1');
    for (const [label, value] of values) {
      const [, payload, signature] = value.split('.');
      if ([value, payload, signature].some((n) => n && text.includes(n))) hits.push(`${path.relative(root, f)}: ${label}`);
    }
  }
  return hits;
}

suite('Writing a token into a file: on disk, no copy in local history, never a throw', function () {
  let emu: FixtureEmulator;
  let api: ProbedApi;
  const ui = new UiRecorder();
  let ws: string;
  let base: string;
  let userData: string;

  suiteSetup(async function () {
    this.timeout(60000);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder && folder.uri.scheme === 'file', 'the in-host runner opens a folder on disk');
    ws = folder.uri.fsPath;
    emu = fixtures(await startEmulator());
    api = await probedSignedOut(emu);
    const data = hostPaths(api).userData;
    assert.ok(data, 'the user data folder of the host is known');
    userData = data;
    assert.notStrictEqual(vscode.workspace.getConfiguration('workbench.localHistory').get('enabled'), false, 'local history is on (its default)');
    ui.install();
    const w = vscode.window as unknown as Record<string, unknown>;
    ui.replace(w, 'showInputBox', (options: vscode.InputBoxOptions) => Promise.resolve(options.value));
    assert.strictEqual(await signIn(emu.demoToken), true);
    await waitForRoot(api, 'turso.user');
  });
  suiteTeardown(async function () {
    this.timeout(30000);
    ui.restore();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await restoreAfterSuite(api, emu);
  });
  setup(() => {
    base = path.join(ws, `turso-writes-${process.pid}-${Date.now().toString(36)}`);
    fs.mkdirSync(base, { recursive: true });
  });
  teardown(async function () {
    this.timeout(20000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(base, { recursive: true, force: true });
  });

  async function minted(): Promise<{ name: string; id: string; token: string }> {
    const name = unique('wr');
    const { id, token } = emu.addApiToken({ name, owner: 'demo', organization: 'acme' });
    await vscode.commands.executeCommand('turso.refresh');
    return { name, id, token };
  }
  async function rowOf(name: string): Promise<Row> {
    return waitFor(async () => {
      const user = (await rootRows(api)).find((r) => r.contextValue.startsWith('turso.user'));
      return (user ? await childRows(api, user) : []).find((r) => r.label === name);
    }, `the row of ${name}`);
  }

  test('a rotation with the env file open in an editor: the file written, the editor follows, and no copy of either value in the user data folder (local history)', async function () {
    this.timeout(60000);
    const old = await minted();
    const file = path.join(base, '.env');
    fs.writeFileSync(file, `A=1\nTURSO_API_TOKEN=${old.token}\n`);
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    ui.answer = (s) => (/^Rotate API token/.test(s.message) ? 'Rotate' : /^Revoke the old API token/.test(s.message) ? 'Revoke' : undefined);
    const uiMark = ui.mark();
    const result = await vscode.commands.executeCommand<RotateResult>('turso.rotateToken', (await rowOf(old.name)).node);
    assert.strictEqual(result?.outcome, 'rotated', describeShown(ui.messagesSince(uiMark)));
    const text = fs.readFileSync(file, 'utf8');
    const fresh = /TURSO_API_TOKEN=(\S+)/.exec(text)?.[1] ?? '';
    assert.ok(fresh && fresh !== old.token, 'the file holds the new token');
    assert.strictEqual(text, `A=1\nTURSO_API_TOKEN=${fresh}\n`);
    await waitFor(() => editor.document.getText() === text && !editor.document.isDirty, 'the open editor to show the file as written, clean', 10000);
    const hits = copiesUnder(userData, new Map([['old value', old.token], ['new value', fresh]]));
    assert.deepStrictEqual(hits, [], 'no copy of a token value in the user data folder');
  });

  test('Save to .env with the .env open in an editor: written on disk, the editor follows, no copy in the user data folder', async function () {
    this.timeout(60000);
    const env = path.join(ws, '.env');
    const before = fs.existsSync(env) ? fs.readFileSync(env) : undefined;
    fs.writeFileSync(env, 'A=1\n');
    try {
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(env));
      ui.answer = () => undefined;
      const done = vscode.commands.executeCommand('turso.createToken', undefined, own({ name: unique('wr-env'), restriction: { kind: 'org', organization: 'acme' } }));
      const probe = await waitFor(() => api.revealPanels().find((p) => p.revealed && p.tokenName.startsWith('wr-env-')), 'the reveal panel');
      await probe.receive({ type: 'save-env' });
      assert.strictEqual(probe.status?.kind, 'success', JSON.stringify(probe.status));
      const clip = ui.clipboard.length;
      await probe.receive({ type: 'copy' });
      const value = ui.clipboard[clip];
      probe.panel?.dispose();
      await done;
      const text = fs.readFileSync(env, 'utf8');
      assert.strictEqual(text, `A=1\nTURSO_API_TOKEN=${value}\n`);
      await waitFor(() => editor.document.getText() === text && !editor.document.isDirty, 'the open editor to show the file as written, clean', 10000);
      assert.deepStrictEqual(copiesUnder(userData, new Map([['saved value', value]])), [], 'no copy of the value in the user data folder');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      if (before) fs.writeFileSync(env, before);
      else fs.rmSync(env, { force: true });
    }
  });

  test('vscode.workspace.fs.writeFile (the writer for folders not on this disk) leaves no copy in local history', async function () {
    this.timeout(30000);
    const old = await minted();
    const file = path.join(base, 'remote-like.env');
    fs.writeFileSync(file, 'A=1\n');
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    const text = `A=1\nTURSO_API_TOKEN=${old.token}\n`;
    await vscode.workspace.fs.writeFile(vscode.Uri.file(file), new TextEncoder().encode(text));
    await waitFor(() => editor.document.getText() === text, 'the open editor to follow the file', 10000);
    assert.deepStrictEqual(copiesUnder(userData, new Map([['written value', old.token]])), [], 'no copy in the user data folder');
  });

  // "Remove the line" (the quick fix on a revoked token's line) on a file open with no unsaved changes:
  // an edit through the editor would be saved by VS Code (a file it edits that had no changes) and
  // leave every other token of the file in local history.
  test('Remove the line with the env file open in an editor: removed on disk, the editor not edited, no copy of the file\'s other tokens in the user data folder', async function () {
    this.timeout(60000);
    const live = await minted();
    const gone = await minted();
    const file = path.join(base, '.env');
    fs.writeFileSync(file, `A=1\nTURSO_API_TOKEN=${live.token}\nOLD_TOKEN=${gone.token}\nB=2\n`);
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    void (api as unknown as { tokenDiagnostics: unknown }).tokenDiagnostics; // the workspace features, with the quick fix's command, made
    const args: RemoveLineArgs = { uri: vscode.Uri.file(file).toString(), line: 2, valueHash: tokenValueHash(gone.token) };
    assert.strictEqual(await vscode.commands.executeCommand(REMOVE_LINE_COMMAND, args), true);
    const text = `A=1\nTURSO_API_TOKEN=${live.token}\nB=2\n`;
    assert.strictEqual(fs.readFileSync(file, 'utf8'), text, 'only the line of the removed token is gone, on disk');
    assert.ok(!editor.document.isDirty, 'the editor was not edited (it follows the file once VS Code\'s file watcher tells it)');
    assert.deepStrictEqual(copiesUnder(userData, new Map([['the token kept in the file', live.token], ['the token removed', gone.token]])), [], 'no copy of a token value in the user data folder');
  });

  test('Remove the line in an editor with unsaved changes: removed there, the document left unsaved (nothing written, nothing copied)', async function () {
    this.timeout(60000);
    const live = await minted();
    const gone = await minted();
    const file = path.join(base, '.env');
    const onDisk = `TURSO_API_TOKEN=${live.token}\nOLD_TOKEN=${gone.token}\n`;
    fs.writeFileSync(file, onDisk);
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'NEW=1\n')));
    assert.ok(editor.document.isDirty);
    void (api as unknown as { tokenDiagnostics: unknown }).tokenDiagnostics;
    const args: RemoveLineArgs = { uri: vscode.Uri.file(file).toString(), line: 1, valueHash: tokenValueHash(gone.token) };
    assert.strictEqual(await vscode.commands.executeCommand(REMOVE_LINE_COMMAND, args), true);
    assert.strictEqual(editor.document.getText(), `NEW=1\nTURSO_API_TOKEN=${live.token}\n`, 'the token\'s line (moved down by the unsaved edit) removed in the editor');
    assert.ok(editor.document.isDirty, 'still unsaved: the person saves it, or not');
    assert.strictEqual(fs.readFileSync(file, 'utf8'), onDisk, 'nothing written to disk');
    assert.deepStrictEqual(copiesUnder(userData, new Map([['the token kept in the file', live.token], ['the token removed', gone.token]])), [], 'no copy of a token value in the user data folder');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('replaceTokenInFiles never throws for one file\'s problem: a file that cannot be read lands in the result with its reason, the other file is written', async function () {
    this.timeout(30000);
    const old = await minted();
    const fresh = (await minted()).token;
    const bad = path.join(base, 'bad', '.env');
    const good = path.join(base, 'good', '.env');
    for (const f of [bad, good]) {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, `TURSO_API_TOKEN=${old.token}\n`);
    }
    // open in VS Code (so the replacement compares it with the disk), then the disk fails for it
    await vscode.workspace.openTextDocument(bad);
    const plans: FilePlan[] = [bad, good].map((f) => ({
      uri: vscode.Uri.file(f), shown: path.relative(ws, f), lines: [0], state: { kind: 'writable' },
    }));
    const open = fs.promises.open;
    (fs.promises as { open: unknown }).open = (p: fs.PathLike, ...rest: unknown[]) => {
      if (String(p) === bad) return Promise.reject(Object.assign(new Error(`EIO: i/o error, open '${bad}'`), { code: 'EIO' }));
      return (open as (...a: unknown[]) => unknown)(p, ...rest);
    };
    let result;
    try {
      result = await replaceTokenInFiles(plans, old.id, fresh);
    } catch (err) {
      assert.fail(`replaceTokenInFiles threw: ${(err as Error).message}`);
    } finally {
      (fs.promises as { open: unknown }).open = open;
    }
    const badEntry = [...result.skipped, ...result.failures].find((e) => e.shown === plans[0].shown);
    assert.ok(badEntry && /i\/o error/.test(badEntry.reason), JSON.stringify(result));
    assert.deepStrictEqual(result.written.map((w) => w.shown), [plans[1].shown], JSON.stringify(result));
    assert.strictEqual(fs.readFileSync(good, 'utf8'), `TURSO_API_TOKEN=${fresh}\n`);
    assert.strictEqual(fs.readFileSync(bad, 'utf8'), `TURSO_API_TOKEN=${old.token}\n`);
  });
});
