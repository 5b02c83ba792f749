import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TursoTestApi } from '../../src/testing/testExtension';
import {
  childRows, EXTENSION_ID, restoreAfterSuite, rootRows, setApiBaseUrl, signIn, signOut, startCreateToken, startEmulator, waitFor, waitForRoot,
  waitForSignedOutTree,
} from './helpers';
import { describeShown, FixtureEmulator, fixtures, UiRecorder } from './faultHelpers';
import { drivenQuickPick, git, type Seen } from './quickPicks';

// Restricted Mode (issue 21, item 16): run only by `run-host-tests.mjs --untrusted`, which opens the
// workspace folder with workspace trust on and never trusted. The accounts, the tree and the account
// commands work; scanning the workspace, writing into its files and the workspace's `turso.*`
// settings wait for trust, and the view says so.

suite('Restricted Mode: the accounts work; the workspace waits for trust', function () {
  let emu: FixtureEmulator;
  let api: TursoTestApi;
  let ws: string;
  const ui = new UiRecorder();

  suiteSetup(async function () {
    this.timeout(60000);
    assert.strictEqual(vscode.workspace.isTrusted, false, 'the runner opened the folder in Restricted Mode');
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder && folder.uri.scheme === 'file', 'a folder on disk is open');
    ws = folder.uri.fsPath;
    const ext = vscode.extensions.getExtension<TursoTestApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is known in Restricted Mode`);
    api = await ext.activate().then((a) => a, (err: Error) => assert.fail(`the extension does not run in Restricted Mode: ${err.message}`));
    assert.ok(api?.tokensTree, 'activated, with its test hooks');
    emu = fixtures(await startEmulator());
    await setApiBaseUrl(emu.url);
    await signOut();
    await waitForSignedOutTree(api);
    ui.install();
  });
  suiteTeardown(async () => {
    ui.restore();
    fs.rmSync(path.join(ws, '.env'), { force: true });
    fs.rmSync(path.join(ws, '.vscode'), { recursive: true, force: true });
    if (api) await restoreAfterSuite(api, emu);
  });

  test('signed in, the tree lists the account and its tokens; Refresh works; the view says what waits for trust', async () => {
    assert.ok(!api.tokensView.message, 'signed out: no message (it would hide the welcome view and its Sign In button)');
    assert.strictEqual(await signIn(emu.demoToken), true);
    const user = await waitForRoot(api, 'turso.user');
    assert.ok((await childRows(api, user)).some((r) => r.label === 'deploy-bot'), 'the account\'s tokens');
    await vscode.commands.executeCommand('turso.refresh');
    assert.strictEqual((await rootRows(api)).length, 1);
    await waitFor(() => /Restricted Mode/.test(api.tokensView.message ?? ''), 'the view to say it is in Restricted Mode', 5000).catch(() => {
      throw new Error(`the view says "${api.tokensView.message ?? ''}"`);
    });
    assert.match(api.tokensView.message ?? '', /trust/i);
  });

  test('the workspace\'s env files are not searched: the view open, a .env with a token is not read; Open Where Used says why', async () => {
    fs.writeFileSync(path.join(ws, '.env'), `TURSO_API_TOKEN=${emu.demoApiToken}\n`);
    await vscode.commands.executeCommand('workbench.view.extension.turso');
    await waitFor(() => api.tokensView.visible || undefined, 'the Turso view to be visible', 10000);
    assert.strictEqual(api.workspaceTokens.started, false, 'no search of the workspace');
    const mark = ui.mark();
    assert.strictEqual(await vscode.commands.executeCommand('turso.openTokenUsage'), undefined);
    assert.strictEqual(api.workspaceTokens.started, false, 'Open Where Used searched nothing');
    assert.match(ui.messagesSince(mark).map((s) => s.message).join('\n'), /Restricted Mode/, describeShown(ui.messagesSince(mark)));
    assert.deepStrictEqual(api.workspaceTokens.findings(), []);
  });

  test('rotation and Save to .env write nothing: each says why', async () => {
    const user = await waitForRoot(api, 'turso.user');
    const row = (await childRows(api, user)).find((r) => r.label === 'deploy-bot');
    assert.ok(row);
    const requests = emu.requests.length;
    let mark = ui.mark();
    const rotated = await vscode.commands.executeCommand<{ outcome: string }>('turso.rotateToken', row.node);
    assert.strictEqual(rotated?.outcome, 'cancelled', describeShown(ui.messagesSince(mark)));
    assert.match(ui.messagesSince(mark).map((s) => s.message).join('\n'), /Restricted Mode/, describeShown(ui.messagesSince(mark)));
    assert.deepStrictEqual(emu.requests.slice(requests).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`), [], 'nothing created or revoked');

    fs.rmSync(path.join(ws, '.env'), { force: true });
    mark = ui.mark();
    const { probe, done } = await startCreateToken(api, { name: `restricted-${Date.now().toString(36).slice(-5)}`, restriction: { kind: 'org', organization: 'acme' } });
    try {
      await probe.receive({ type: 'save-env' });
      assert.match(probe.status?.text ?? '', /Restricted Mode/, JSON.stringify(probe.status));
      assert.strictEqual(fs.existsSync(path.join(ws, '.env')), false, 'no .env written');
      await probe.receive({ type: 'copy' });
    } finally {
      probe.panel?.dispose();
      await done;
    }
  });

  test('Save as GitHub Actions Secret runs no git in the untrusted folder: its GitHub remote is not offered, Another repository… is', async () => {
    // the folder is a git repository whose origin is on github.com; the .git folder goes afterwards
    const ceiling = process.env.GIT_CEILING_DIRECTORIES;
    process.env.GIT_CEILING_DIRECTORIES = path.dirname(ws);
    git(ws, 'init', '-q');
    git(ws, 'remote', 'add', 'origin', 'https://github.com/acme/untrusted-app.git');
    const seen: Seen[] = [];
    const w = vscode.window as unknown as Record<string, unknown>;
    ui.replace(w, 'createQuickPick', () => drivenQuickPick(seen, () => (_title, items) => (items.length > 0 && seen[0]?.items.length ? 'escape' : undefined), () => undefined));
    const { probe, done } = await startCreateToken(api, { name: `restricted-gh-${Date.now().toString(36).slice(-5)}`, restriction: { kind: 'org', organization: 'acme' } });
    try {
      await probe.receive({ type: 'save-github' });
      assert.deepStrictEqual(seen.map((x) => x.title), ['Save as GitHub Actions Secret: Repository'], 'only the repository was asked (then Escape)');
      // before: the remote read by running git in the untrusted folder was offered
      assert.deepStrictEqual(seen[0].items.map((i) => i.label), ['Another repository…'], JSON.stringify(seen[0].items));
      assert.deepStrictEqual(probe.status, { text: 'Not saved to GitHub.', kind: 'info' });
      await probe.receive({ type: 'copy' });
    } finally {
      probe.panel?.dispose();
      await done;
      fs.rmSync(path.join(ws, '.git'), { recursive: true, force: true });
      if (ceiling === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
      else process.env.GIT_CEILING_DIRECTORIES = ceiling;
    }
  });

  test('the workspace\'s turso.* settings are ignored until trusted (turso.workspaceTokenFiles)', async () => {
    const defaults = vscode.workspace.getConfiguration('turso').inspect<string[]>('workspaceTokenFiles')?.defaultValue;
    fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'editor.tabSize': 7, 'turso.workspaceTokenFiles': ['**/*.secret'] }));
    // the file is read: a setting that is not restricted follows it
    await waitFor(() => vscode.workspace.getConfiguration('editor').get('tabSize') === 7 || undefined, 'the workspace settings to be read', 10000);
    assert.deepStrictEqual(vscode.workspace.getConfiguration('turso').get('workspaceTokenFiles'), defaults ?? ['**/.env', '**/.env.*', '**/*.env'],
      'the workspace\'s value is not used in Restricted Mode');
  });

  test('signed out: no message over the welcome view', async () => {
    await signOut();
    await waitForSignedOutTree(api);
    await waitFor(() => !api.tokensView.message || undefined, 'the view\'s message to go once signed out', 5000);
  });
});
