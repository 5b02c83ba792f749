import * as assert from 'assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_PREFIX, cacheFileFor } from '../../src/lazy/codeCache';
import * as vscode from 'vscode';
import type { WorkspaceTokens } from '../../src/workspace/workspaceTokens';
import type { ProbedApi } from './faultHelpers';
import { activateExtension, EXTENSION_ID, waitFor } from './helpers';

suite('Activation and contributions', () => {
  test('the extension is present and activates, returning the tree provider', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    assert.strictEqual(ext.packageJSON.main, './dist/boot.js');
    const api = await activateExtension();
    assert.ok(ext.isActive, 'isActive after activate()');
    assert.strictEqual(typeof api.tokensTree.getChildren, 'function');
    assert.strictEqual(typeof api.tokensTree.getTreeItem, 'function');
    console.log(`  host: VS Code ${vscode.version}, Node ${process.version}, uiKind ${vscode.env.uiKind}, remote ${vscode.env.remoteName}`);
  });

  // The first suites of the run: nothing has shown the view yet.
  test('the workspace\'s env files are not read until the Turso view is visible, then they are', async function () {
    this.timeout(30000);
    const api = (await activateExtension()) as { workspaceTokens?: WorkspaceTokens };
    const scanner = api.workspaceTokens;
    assert.ok(scanner, 'activate() exposes workspaceTokens under test');
    assert.strictEqual(scanner.started, false, 'the scan started before the view was visible');
    await vscode.commands.executeCommand('turso.refresh');
    assert.strictEqual(scanner.started, false, 'Refresh with the view hidden started the scan');
    await vscode.commands.executeCommand('workbench.view.extension.turso');
    await waitFor(() => scanner.started, 'the scan to start once the Turso view is visible');
    await vscode.commands.executeCommand('workbench.view.explorer');
  });

  // dist/boot.js loads the core with V8's code cache (src/lazy/codeCache.ts), written a few seconds after activation.
  test('the core\'s code cache is written to the extension\'s global storage (a plain file, named by the core\'s hash)', async function () {
    this.timeout(40000);
    const api = (await activateExtension()) as ProbedApi;
    const dir = api.testProbe.globalStorageUri;
    assert.strictEqual(dir.scheme, 'file', `global storage ${dir.toString()}`);
    const core = fs.readFileSync(path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'extension.js'), 'utf8');
    const name = path.basename(cacheFileFor(dir.fsPath, core));
    const cacheFiles = () => { try { return fs.readdirSync(dir.fsPath).filter((n) => n.startsWith(CACHE_PREFIX)); } catch { return []; } };
    await waitFor(() => cacheFiles().includes(name), `${name} in ${dir.fsPath} (there: ${cacheFiles().join(', ') || 'none'})`, 30000);
    assert.deepStrictEqual(cacheFiles(), [name], 'only the cache of this build');
    const st = fs.lstatSync(path.join(dir.fsPath, name));
    assert.ok(st.isFile() && st.size > 1000, `a plain file of V8's data (${st.size} bytes)`);
  });

  test('it activates lazily (on its view or commands, not at startup)', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const events: string[] = ext.packageJSON.activationEvents ?? [];
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), `activationEvents ${JSON.stringify(events)}`);
  });

  test('the commands are registered', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['turso.signIn', 'turso.signOut', 'turso.refresh']) {
      assert.ok(all.includes(id), `${id} is registered`);
    }
  });

  // The commands load with their first use (dist/features.js, src/lazy/commands.ts): each contributed
  // command's factory must be there, or it fails only when someone first runs it.
  test('every contributed command is registered, and every lazy command factory resolves in dist/features.js', async () => {
    const api = (await activateExtension()) as unknown as { unresolvedCommandFactories(): string[]; featuresLoaded(): boolean };
    const all = await vscode.commands.getCommands(true);
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed: { command: string }[] = ext.packageJSON.contributes.commands;
    const missing = contributed.map((c) => c.command).filter((id) => !all.includes(id));
    assert.deepStrictEqual(missing, [], 'contributed but not registered');
    assert.deepStrictEqual(api.unresolvedCommandFactories(), [], 'lazy factories dist/features.js does not provide');
    assert.strictEqual(api.featuresLoaded(), true, 'dist/features.js loaded');
  });

  test('the commands are contributed with the Turso category and their titles', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const commands: { command: string; title: string; category?: string }[] = ext.packageJSON.contributes.commands;
    const byId = new Map(commands.map((c) => [c.command, c]));
    assert.strictEqual(byId.get('turso.signIn')?.title, 'Sign In…');
    assert.strictEqual(byId.get('turso.signOut')?.title, 'Sign Out');
    assert.strictEqual(byId.get('turso.refresh')?.title, 'Refresh');
    for (const c of commands) assert.strictEqual(c.category, 'Turso', `${c.command} category`);
  });

  test('the Turso view container holds the API Tokens view', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const c = ext.packageJSON.contributes;
    assert.ok(c.viewsContainers.activitybar.some((v: { id: string; title: string }) => v.id === 'turso' && v.title === 'Turso'));
    assert.ok(c.views.turso.some((v: { id: string; name: string }) => v.id === 'turso.tokens' && v.name === 'API Tokens'));
    assert.ok(c.viewsWelcome.some((w: { view: string; contents: string }) => w.view === 'turso.tokens' && w.contents.includes('(command:turso.signIn)')));
  });

  test('turso.apiBaseUrl is an application-scoped setting defaulting to the Turso API', () => {
    const inspect = vscode.workspace.getConfiguration('turso').inspect<string>('apiBaseUrl');
    assert.strictEqual(inspect?.defaultValue, 'https://api.turso.tech');
  });
});
