import * as assert from 'assert';
import * as vscode from 'vscode';
import type { WorkspaceTokens } from '../../src/workspace/workspaceTokens';
import { activateExtension, EXTENSION_ID, waitFor } from './helpers';

suite('Activation and contributions', () => {
  test('the extension is present and activates, returning the tree provider', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    assert.strictEqual(ext.packageJSON.main, './dist/extension.js');
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
