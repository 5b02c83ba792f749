import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  childRows,
  describeRows,
  jwtClaims,
  pointSignedOut,
  restoreAfterSuite,
  rootRows,
  signIn,
  startEmulator,
  waitFor,
  type Emulator,
  type Row,
  type TursoTestApi,
} from './helpers';
import { maxInFlight, type EmuRequest } from './faultHelpers';

// Issue 16, tokens where they are used: real env files in the test workspace holding tokens minted
// in the emulator: one of the signed-in account's (its row says where it is used), one revoked
// (a diagnostic with quick fixes), one of another account (valid: not flagged). No value of them
// may appear in a row, a diagnostic, a code action or a hover.

interface Minted {
  name: string;
  value: string;
  id: string;
}

suite('Workspace tokens: used in, diagnostics, quick fixes, hover', function () {
  let emu: Emulator & { aliceToken?: string };
  let api: TursoTestApi;
  let root: string;
  let base: string;
  let rel: string;
  let used: Minted;
  let revoked: Minted;
  let foreign: Minted;

  async function mint(name: string, bearer: string): Promise<Minted> {
    const res = await fetch(`${emu.url.replace(/\/$/, '')}/v1/auth/api-tokens/${encodeURIComponent(name)}`, { method: 'POST', headers: { authorization: `Bearer ${bearer}` } });
    assert.strictEqual(res.status, 200, `minting ${name} answered ${res.status}`);
    const { token } = (await res.json()) as { token: string };
    const id = jwtClaims(token).jti;
    assert.ok(id, 'a minted token has a jti');
    return { name, value: token, id };
  }
  function write(file: string, text: string): vscode.Uri {
    const p = path.join(base, file);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return vscode.Uri.file(p);
  }
  /** No part of any minted value (payload, signature) in `text`. */
  function assertNoValue(text: string, where: string): void {
    for (const t of [used, revoked, foreign]) {
      for (const part of t.value.split('.').slice(1)) assert.ok(!text.includes(part), `a token value is in ${where}`);
    }
  }
  async function rowOf(name: string): Promise<Row> {
    let rows: Row[] = [];
    return waitFor(async () => {
      const user = (await rootRows(api)).find((r) => r.contextValue.startsWith('turso.user'));
      rows = user ? await childRows(api, user) : [];
      return rows.find((r) => r.label === name);
    }, `the row of ${name}`).catch((err: Error) => {
      throw new Error(`${err.message}; rows were ${describeRows(rows)}`);
    });
  }
  /** The hovers' Markdown as it reads (escapes undone, so that an escaped value would still be seen). */
  function hoverText(hovers: vscode.Hover[]): string {
    return hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
      .join('\n')
      .replace(/&nbsp;/g, ' ')
      .replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1');
  }

  suiteSetup(async function () {
    this.timeout(60000);
    emu = await startEmulator();
    assert.ok(emu.aliceToken, 'the emulator has a second user');
    api = await pointSignedOut(emu);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test host opened a workspace folder');
    root = folder.uri.fsPath;
    rel = `turso-checks-${process.pid}-${Date.now()}`;
    base = path.join(root, rel);
    const stamp = Date.now().toString(36);
    used = await mint(`ws-used-${stamp}`, emu.demoToken);
    revoked = await mint(`ws-revoked-${stamp}`, emu.demoToken);
    foreign = await mint(`ws-alice-${stamp}`, emu.aliceToken);
    const del = await fetch(`${emu.url.replace(/\/$/, '')}/v1/auth/api-tokens/${encodeURIComponent(revoked.name)}`, { method: 'DELETE', headers: { authorization: `Bearer ${emu.demoToken}` } });
    assert.strictEqual(del.status, 200, 'the emulator revoked the token');
    write('api/.env', `# API\nTURSO_API_TOKEN=${used.value}\n`);
    write('old/.env', `A=1\nexport TURSO_API_TOKEN="${revoked.value}"\nB=2\n`);
    write('partner/.env.local', `PARTNER_TOKEN=${foreign.value}\n`);
    assert.strictEqual(await signIn(emu.demoToken), true);
    // The scan starts once the view is visible.
    await vscode.commands.executeCommand('workbench.view.extension.turso');
    await vscode.commands.executeCommand('turso.refresh');
  });

  suiteTeardown(async function () {
    this.timeout(30000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (base) fs.rmSync(base, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.view.explorer');
    await restoreAfterSuite(api, emu);
  });

  test('a token used in the workspace says so on its row, with the file in its tooltip and "Open Where Used"', async function () {
    this.timeout(30000);
    const where = `${rel}/api/.env`;
    let row = await rowOf(used.name);
    await waitFor(async () => {
      row = await rowOf(used.name);
      return row.description.includes(`used in ${where}`);
    }, `the row of ${used.name} to say "used in ${where}"`).catch((err: Error) => {
      throw new Error(`${err.message}; description was ${JSON.stringify(row.description)}`);
    });
    assert.match(row.contextValue, /;used/);
    const tooltip = row.tooltip instanceof vscode.MarkdownString ? row.tooltip.value : String(row.tooltip ?? '');
    assert.ok(tooltip.includes('api/.env'), `the tooltip names the file: ${tooltip}`);
    assertNoValue(JSON.stringify({ d: row.description, tooltip }), 'the row');
    // A token not used anywhere does not say so.
    const other = (await childRows(api, (await rootRows(api))[0])).filter((r) => r.label !== used.name);
    assert.ok(other.every((r) => !r.description.includes('used in')), 'a row of an unused token says "used in"');

    const usage = await vscode.commands.executeCommand<{ line: number } | undefined>('turso.openTokenUsage', row.node);
    assert.ok(usage, 'Open Where Used opened a place');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is open');
    assert.strictEqual(editor.document.uri.fsPath, path.join(base, 'api', '.env'));
    assert.strictEqual(editor.selection.active.line, 1, 'the editor is at the token\'s line');
  });

  test('a revoked token gets "This Turso API token was revoked" on its line, with Remove the line and Open the Turso view', async function () {
    this.timeout(30000);
    const uri = vscode.Uri.file(path.join(base, 'old', '.env'));
    const diagnostics = await waitFor(() => {
      const list = vscode.languages.getDiagnostics(uri);
      return list.length > 0 ? list : undefined;
    }, 'a diagnostic on old/.env', 15000);
    assert.strictEqual(diagnostics.length, 1);
    const [d] = diagnostics;
    assert.strictEqual(d.message, 'This Turso API token was revoked');
    assert.strictEqual(d.range.start.line, 1);
    assert.strictEqual(d.source, 'Turso');
    assertNoValue(JSON.stringify(diagnostics), 'a diagnostic');

    const doc = await vscode.workspace.openTextDocument(uri);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(d.range.start, d.range.end));
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Remove the line'), `quick fixes: ${JSON.stringify(titles)}`);
    assert.ok(titles.includes('Open the Turso view'), `quick fixes: ${JSON.stringify(titles)}`);
    assert.ok(!titles.some((t) => /rotate/i.test(t)), 'no Rotate quick fix: a revoked token is no longer one of the account\'s tokens, there is nothing to rotate');
    assertNoValue(JSON.stringify(actions.map((a) => ({ title: a.title, command: a.command }))), 'a code action');

    const remove = actions.find((a) => a.title === 'Remove the line');
    assert.ok(remove?.command, 'Remove the line is a command: it reads the line again when applied');
    assert.strictEqual(await vscode.commands.executeCommand(remove.command.command, ...(remove.command.arguments ?? [])), true);
    // no unsaved changes: removed on disk, not through the document (VS Code would save it, and its
    // local history keep the file's other tokens); an editor follows once VS Code's file watcher tells it
    assert.strictEqual(fs.readFileSync(uri.fsPath, 'utf8'), 'A=1\nB=2\n', 'Remove the line removed only the token\'s line');
    assert.ok(!doc.isDirty, 'the document was not edited');
    await vscode.commands.executeCommand('turso.refresh');
    await waitFor(() => vscode.languages.getDiagnostics(uri).length === 0, 'the diagnostic to go with the line', 15000);
  });

  test('a valid token of another account is not flagged; its hover says so', async function () {
    this.timeout(30000);
    const uri = vscode.Uri.file(path.join(base, 'partner', '.env.local'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const at = new vscode.Position(0, 'PARTNER_TOKEN='.length + 5);
    let last = '';
    const text = await waitFor(async () => {
      last = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at));
      return last.includes('valid, of another account') ? last : undefined;
    }, 'the hover of another account\'s token to say it is valid', 15000).catch((err: Error) => {
      throw new Error(`${err.message}; the hover was ${JSON.stringify(last)}`);
    });
    assert.ok(text.includes(foreign.id), 'the hover names the token id');
    assertNoValue(text, 'a hover');
    assert.deepStrictEqual(vscode.languages.getDiagnostics(uri), [], 'another account\'s valid token is flagged');
  });

  test('the hover on a token of the signed-in account: name, scope, created, account; never the value', async function () {
    this.timeout(30000);
    const uri = vscode.Uri.file(path.join(base, 'api', '.env'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, 'TURSO_API_TOKEN='.length + 3));
    const text = hoverText(hovers);
    assert.ok(text.includes(used.name), `the hover names the token: ${text}`);
    assert.ok(text.includes('Scope'), 'the hover has the scope');
    assert.ok(text.includes('Created'), 'the hover has the created date');
    assert.ok(/Account:\*\* demo/.test(text), `the hover names the account: ${text}`);
    assertNoValue(text, 'a hover');
    // Not on the key: no hover of ours.
    const onKey = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, 2)));
    assert.ok(!onKey.includes(used.name), 'a hover outside the token');
  });
});

// Many tokens of no signed-in account in the workspace: each is checked with its own request, and VS
// Code adds the system's CA certificates to every new TLS connection of an extension (blocking work
// in the extension host, run back to back for connections started together), so the checks go one at
// a time, and each answer reaches the Problems panel
// as it comes rather than once every check is done.
suite('Workspace tokens: many checks', function () {
  const COUNT = 6;
  const LATENCY_MS = 400;
  let emu: Emulator;
  let api: TursoTestApi;
  let base: string;
  const files: vscode.Uri[] = [];

  suiteSetup(async function () {
    this.timeout(60000);
    emu = await startEmulator();
    api = await pointSignedOut(emu);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test host opened a workspace folder');
    base = path.join(folder.uri.fsPath, `turso-many-${process.pid}-${Date.now()}`);
    assert.strictEqual(await signIn(emu.demoToken), true);
    await vscode.commands.executeCommand('workbench.view.extension.turso');
  });

  suiteTeardown(async function () {
    this.timeout(30000);
    emu?.setLatency(0);
    if (base) fs.rmSync(base, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.view.explorer');
    await restoreAfterSuite(api, emu);
  });

  test(`${COUNT} revoked tokens: checked one at a time, each diagnostic shown as its answer comes`, async function () {
    this.timeout(60000);
    const stamp = Date.now().toString(36);
    const root = emu.url.replace(/\/$/, '');
    for (let i = 0; i < COUNT; i++) {
      const name = `ws-many-${stamp}-${i}`;
      const minted = await fetch(`${root}/v1/auth/api-tokens/${name}`, { method: 'POST', headers: { authorization: `Bearer ${emu.demoToken}` } });
      assert.strictEqual(minted.status, 200);
      const { token } = (await minted.json()) as { token: string };
      const revoked = await fetch(`${root}/v1/auth/api-tokens/${name}`, { method: 'DELETE', headers: { authorization: `Bearer ${emu.demoToken}` } });
      assert.strictEqual(revoked.status, 200);
      const file = path.join(base, `svc${i}`, '.env');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `TURSO_API_TOKEN=${token}\n`);
      files.push(vscode.Uri.file(file));
    }
    const since = Date.now();
    emu.setLatency(LATENCY_MS);
    /**
     * The checks answered so far (the emulator records a request once it has answered it): the
     * revoked tokens' validations, refused (the refresh validates the signed-in credential too).
     */
    const validates = () => (emu.requests as EmuRequest[]).filter((r) => r.path === '/v1/auth/validate' && r.at >= since && !r.authorized);
    await vscode.commands.executeCommand('turso.refresh');
    const flagged = () => files.filter((uri) => vscode.languages.getDiagnostics(uri).some((d) => d.message === 'This Turso API token was revoked'));

    // The first diagnostic is in the Problems panel while later checks are still to be answered.
    const answeredAtFirst = await waitFor(() => (flagged().length > 0 ? { n: validates().length } : undefined), 'a first "revoked" diagnostic', 30000);
    assert.ok(answeredAtFirst.n < COUNT, `the first diagnostic came only once all ${COUNT} checks were answered`);

    await waitFor(() => flagged().length === COUNT, `all ${COUNT} files to have their "revoked" diagnostic`, 30000).catch((err: Error) => {
      throw new Error(`${err.message}; ${flagged().length} had it`);
    });
    const log = validates();
    assert.strictEqual(log.length, COUNT, `each token checked once (validate requests: ${log.length})`);
    // The most checks on the network at the same moment, from the emulator's log (arrival, duration).
    const most = maxInFlight(log);
    assert.strictEqual(most, 1, `${most} checks were on the network at once`);
  });
});
