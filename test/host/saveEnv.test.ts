import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { Shown, UiRecorder } from './faultHelpers';
import {
  Emulator, pointSignedOut, restoreAfterSuite, signIn, startCreateToken, startEmulator, TursoTestApi, waitFor, waitForRoot,
} from './helpers';

// "Save to .env" from the reveal panel against real files and real git repositories: never through a
// symbolic link, never into a file git tracks, a new .env readable by its owner only, and a message
// that says what git does and does not ignore (issue 13, items 2 and 3).

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', ...args], {
    cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
}

suite('Save to .env: links, tracked files, repositories', () => {
  let emu: Emulator;
  let api: TursoTestApi;
  let ui: UiRecorder;
  let ws: string;
  let outside: string;
  const ceiling = process.env.GIT_CEILING_DIRECTORIES;

  suiteSetup(async function () {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') {
      this.skip(); // the in-host runner always opens a folder on disk
    }
    ws = folder!.uri.fsPath;
    emu = await startEmulator();
    api = (await pointSignedOut(emu)) as TursoTestApi;
    assert.strictEqual(await signIn(emu.demoToken), true);
    await waitForRoot(api, 'turso.user');
  });
  setup(() => {
    ui = new UiRecorder().install();
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'turso-outside-'));
    clean();
    // The workspace folder lies inside the project's own checkout: git must not look above it (or above
    // its parent, for the tests that make the parent a repository).
    process.env.GIT_CEILING_DIRECTORIES = path.dirname(ws);
  });
  teardown(() => {
    ui.restore();
    clean();
    fs.rmSync(outside, { recursive: true, force: true });
    if (ceiling === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
    else process.env.GIT_CEILING_DIRECTORIES = ceiling;
  });
  suiteTeardown(async () => {
    await restoreAfterSuite(api, emu);
  });

  function clean(): void {
    for (const f of ['.env', '.gitignore', '.git']) fs.rmSync(path.join(ws, f), { recursive: true, force: true });
    fs.rmSync(path.join(path.dirname(ws), '.git'), { recursive: true, force: true });
    fs.rmSync(path.join(path.dirname(ws), '.gitignore'), { force: true });
  }

  /** Creates a token, presses "Save to .env" (modals answered by `answer`), copies it (so closing asks nothing). */
  async function saveFromPanel(answer: (s: Shown) => string | undefined = () => undefined) {
    ui.answer = answer;
    const { probe, done } = await startCreateToken(api, { name: unique('ih-env'), restriction: { kind: 'org', organization: 'acme' } });
    try {
      await probe.receive({ type: 'save-env' });
      const status = probe.status;
      assert.ok(status, 'a status after "save-env"');
      const clip = ui.clipboard.length;
      await probe.receive({ type: 'copy' });
      const value = ui.clipboard[clip];
      assert.ok(value, 'the value was copied');
      return { status, value, modals: ui.shown.filter((s) => s.modal) };
    } finally {
      probe.panel?.dispose();
      await done;
    }
  }

  test('a .env that is a symbolic link is refused, naming its target; the target keeps its text', async () => {
    const target = path.join(outside, 'elsewhere.env');
    fs.writeFileSync(target, 'KEEP=1\n');
    fs.symlinkSync(target, path.join(ws, '.env'));
    const { status, value } = await saveFromPanel(() => assert.fail('nothing is asked before refusing a link'));
    assert.strictEqual(status.kind, 'error', JSON.stringify(status));
    assert.ok(status.text.includes('symbolic link') && status.text.includes(target), status.text);
    assert.strictEqual(fs.readFileSync(target, 'utf8'), 'KEEP=1\n');
    assert.ok(!fs.readFileSync(target, 'utf8').includes(value));
    assert.ok(fs.lstatSync(path.join(ws, '.env')).isSymbolicLink(), 'the link is left as it was');
  });

  test('a .env open with unsaved changes is refused: the message names it and says to save or revert; nothing written, the value stays in the panel', async function () {
    this.timeout(30000);
    const env = path.join(ws, '.env');
    fs.writeFileSync(env, 'A=1\n');
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(env));
    try {
      // A document an earlier test opened may still hold that test's text until VS Code's watcher reloads it.
      await waitFor(() => editor.document.getText() === 'A=1\n', 'the open .env to show the file\'s text', 10000);
      await editor.edit((e) => e.insert(new vscode.Position(1, 0), 'B=2\n'));
      assert.ok(editor.document.isDirty, 'the .env has unsaved changes');
      ui.answer = () => assert.fail('nothing is asked before refusing an unsaved .env');
      const { probe, done } = await startCreateToken(api, { name: unique('ih-env'), restriction: { kind: 'org', organization: 'acme' } });
      try {
        await probe.receive({ type: 'save-env' });
        const status = probe.status;
        assert.ok(status && status.kind === 'error', JSON.stringify(status));
        assert.match(status.text, /ws\/\.env/);
        assert.match(status.text, /unsaved changes/);
        assert.match(status.text, /[Ss]ave or revert/);
        assert.strictEqual(fs.readFileSync(env, 'utf8'), 'A=1\n', 'nothing written');
        assert.strictEqual(editor.document.getText(), 'A=1\nB=2\n', 'the unsaved changes are kept');
        const clip = ui.clipboard.length;
        await probe.receive({ type: 'copy' });
        assert.ok(ui.clipboard[clip], 'the value can still be copied from the panel');
      } finally {
        probe.panel?.dispose();
        await done;
      }
    } finally {
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
      assert.ok(!editor.document.isDirty, 'the unsaved changes were reverted');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  test('a dangling .env link is refused and nothing is created at its target', async () => {
    const target = path.join(outside, 'created-by-nobody.env');
    fs.symlinkSync(target, path.join(ws, '.env'));
    const { status } = await saveFromPanel(() => assert.fail('nothing is asked before refusing a link'));
    assert.strictEqual(status.kind, 'error', JSON.stringify(status));
    assert.ok(status.text.includes(target), status.text);
    assert.strictEqual(fs.existsSync(target), false, 'the link target was not created');
  });

  test('a .gitignore that is a symbolic link is not edited through: nothing is saved', async () => {
    git(ws, 'init', '-q');
    const target = path.join(outside, 'shared.gitignore');
    fs.writeFileSync(target, 'node_modules/\n');
    fs.symlinkSync(target, path.join(ws, '.gitignore'));
    const { status } = await saveFromPanel();
    assert.strictEqual(status.kind, 'error', JSON.stringify(status));
    assert.ok(status.text.includes('.gitignore') && status.text.includes(target), status.text);
    assert.strictEqual(fs.readFileSync(target, 'utf8'), 'node_modules/\n');
    assert.strictEqual(fs.existsSync(path.join(ws, '.env')), false, 'no .env written');
  });

  test('no repository: a new .env readable by its owner only, and the message says nothing was ignored', async () => {
    const { status, value } = await saveFromPanel();
    assert.strictEqual(status.kind, 'success', JSON.stringify(status));
    assert.match(status.text, /not in a git repository, so nothing was added to a \.gitignore/);
    const env = path.join(ws, '.env');
    assert.strictEqual(fs.readFileSync(env, 'utf8'), `TURSO_API_TOKEN=${value}\n`);
    if (process.platform !== 'win32') assert.strictEqual(fs.statSync(env).mode & 0o777, 0o600, 'mode 0600');
    assert.strictEqual(fs.existsSync(path.join(ws, '.gitignore')), false, 'no .gitignore made up');
  });

  test('a .env git tracks: asked first; "no" writes nothing, "Stop Tracking and Save" untracks it, ignores it, then saves', async () => {
    git(ws, 'init', '-q');
    fs.writeFileSync(path.join(ws, '.env'), 'A=1\n');
    fs.writeFileSync(path.join(ws, '.gitignore'), '.env\n'); // listed, yet tracked: the list does not apply
    git(ws, 'add', '-f', '.env', '.gitignore');
    git(ws, 'commit', '-qm', 'env');

    const declined = await saveFromPanel();
    assert.strictEqual(declined.status.kind, 'info', JSON.stringify(declined.status));
    assert.match(declined.status.text, /git tracks ws\/\.env/i);
    assert.ok(declined.modals.some((m) => /Git tracks ws\/\.env/.test(m.message) && m.items.includes('Stop Tracking and Save')),
      JSON.stringify(declined.modals));
    assert.strictEqual(fs.readFileSync(path.join(ws, '.env'), 'utf8'), 'A=1\n', 'nothing written');
    assert.strictEqual(git(ws, 'ls-files', '--', '.env'), '.env\n', 'still tracked');

    const accepted = await saveFromPanel((s) => (s.items.includes('Stop Tracking and Save') ? 'Stop Tracking and Save' : undefined));
    assert.strictEqual(accepted.status.kind, 'success', JSON.stringify(accepted.status));
    assert.match(accepted.status.text, /Git ignores \.env\. Git no longer tracks \.env: its removal is staged/);
    assert.strictEqual(fs.readFileSync(path.join(ws, '.env'), 'utf8'), `A=1\nTURSO_API_TOKEN=${accepted.value}\n`);
    assert.strictEqual(git(ws, 'ls-files', '--', '.env'), '', 'no longer tracked');
    assert.strictEqual(git(ws, 'check-ignore', '--', '.env'), '.env\n', 'ignored');
  });

  test('git cannot be run: asked first; "no" writes nothing, "Save Anyway" saves and says nothing was checked', async () => {
    git(ws, 'init', '-q');
    // the built-in git extension points at a git that is not there
    const extensions = vscode.extensions as unknown as Record<string, unknown>;
    const getExtension = extensions.getExtension as (id: string) => unknown;
    const missing = path.join(outside, 'no-such-git');
    ui.replace(extensions, 'getExtension', (id: string) =>
      id === 'vscode.git' ? { isActive: true, exports: { getAPI: () => ({ git: { path: missing } }) } } : getExtension.call(vscode.extensions, id));

    const declined = await saveFromPanel();
    assert.strictEqual(declined.status.kind, 'info', JSON.stringify(declined.status));
    assert.ok(declined.modals.some((m) => m.message.includes(`Git could not check ws/.env: git was not found (${missing})`) && m.items.includes('Save Anyway')),
      JSON.stringify(declined.modals));
    assert.strictEqual(fs.existsSync(path.join(ws, '.env')), false, 'nothing written');

    const accepted = await saveFromPanel((s) => (s.items.includes('Save Anyway') ? 'Save Anyway' : undefined));
    assert.strictEqual(accepted.status.kind, 'success', JSON.stringify(accepted.status));
    assert.match(accepted.status.text, /Added \.env to ws\/\.gitignore; git could not confirm that it ignores it or that it is not tracked/);
    assert.strictEqual(fs.readFileSync(path.join(ws, '.env'), 'utf8'), `TURSO_API_TOKEN=${accepted.value}\n`);
    assert.strictEqual(fs.readFileSync(path.join(ws, '.gitignore'), 'utf8'), '.env\n');
  });

  test('a folder inside a repository: .env goes into the folder\'s .gitignore, and git (from the root) ignores it', async () => {
    const root = path.dirname(ws);
    process.env.GIT_CEILING_DIRECTORIES = path.dirname(root);
    git(root, 'init', '-q');
    const { status, value } = await saveFromPanel();
    assert.strictEqual(status.kind, 'success', JSON.stringify(status));
    assert.match(status.text, /Created ws\/\.env with TURSO_API_TOKEN\. Created ws\/\.gitignore with \.env: git ignores it\./);
    assert.strictEqual(fs.readFileSync(path.join(ws, '.gitignore'), 'utf8'), '.env\n');
    assert.strictEqual(git(root, 'check-ignore', '--', 'ws/.env'), 'ws/.env\n', 'git ignores it, asked at the root');
    assert.strictEqual(fs.readFileSync(path.join(ws, '.env'), 'utf8'), `TURSO_API_TOKEN=${value}\n`);
  });

  test('a folder whose repository already ignores .env (a rule at the root): no .gitignore is written, and the message says git ignores it', async () => {
    const root = path.dirname(ws);
    process.env.GIT_CEILING_DIRECTORIES = path.dirname(root);
    git(root, 'init', '-q');
    fs.writeFileSync(path.join(root, '.gitignore'), '/ws/.env\n');
    const { status } = await saveFromPanel();
    assert.strictEqual(status.kind, 'success', JSON.stringify(status));
    assert.match(status.text, /^Created ws\/\.env with TURSO_API_TOKEN\. Git ignores \.env\.$/);
    assert.strictEqual(fs.existsSync(path.join(ws, '.gitignore')), false);
  });
});
