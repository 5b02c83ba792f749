import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { forgedToken, pointSignedOut, restoreAfterSuite, signIn, startEmulator, waitFor, type Emulator, type TursoTestApi } from './helpers';
import type { EmuRequest } from './faultHelpers';

// Issue 21, the workspace scan's checks: keyed by the value (a copied `jti` is another value), bounded
// per file and per scan, and "Remove the line" that removes the token's line, not what is there now.

/** A Platform API token's shape (EdDSA, a token id, 64-byte signature) that no server issued. */
function unknownToken(): string {
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'EdDSA', typ: 'JWT' })}.${b64({ jti: crypto.randomBytes(16).toString('base64url') })}.${crypto.randomBytes(64).toString('base64url')}`;
}

suite('Workspace tokens: checks keyed by value, bounded, Remove the line re-checked', function () {
  let emu: Emulator & { aliceToken?: string };
  let api: TursoTestApi;
  let base: string;
  let since = 0;

  /** The checks of workspace tokens: validations with any bearer but the signed-in demo's (a refresh validates that too). */
  const validates = (): EmuRequest[] => (emu.requests as (EmuRequest & { username?: string })[]).filter((r) => r.path === '/v1/auth/validate' && r.at >= since && r.username !== 'demo');
  function write(file: string, text: string): vscode.Uri {
    const p = path.join(base, file);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return vscode.Uri.file(p);
  }
  async function mint(name: string, bearer: string): Promise<string> {
    const res = await fetch(`${emu.url.replace(/\/$/, '')}/v1/auth/api-tokens/${encodeURIComponent(name)}`, { method: 'POST', headers: { authorization: `Bearer ${bearer}` } });
    assert.strictEqual(res.status, 200, `minting ${name} answered ${res.status}`);
    return ((await res.json()) as { token: string }).token;
  }

  suiteSetup(async function () {
    this.timeout(60000);
    emu = await startEmulator();
    assert.ok(emu.aliceToken, 'the emulator has a second user');
    api = await pointSignedOut(emu);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test host opened a workspace folder');
    base = path.join(folder.uri.fsPath, `turso-trust-${process.pid}-${Date.now()}`);
    assert.strictEqual(await signIn(emu.demoToken), true);
    await vscode.commands.executeCommand('workbench.view.extension.turso');
  });

  suiteTeardown(async function () {
    this.timeout(30000);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (base) fs.rmSync(base, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.view.explorer');
    await restoreAfterSuite(api, emu);
  });

  test('a value with a copied jti is checked on its own: not valid, while the token it copies stays unflagged', async function () {
    this.timeout(60000);
    const alice = await mint(`trust-alice-${Date.now().toString(36)}`, emu.aliceToken!);
    const copy = forgedToken(alice);
    since = Date.now();
    // The copy first: checked first (file order), its answer must not become the real one's, nor the other way.
    const copyUri = write('a-copy/.env', `PARTNER_TOKEN=${copy}\n`);
    const realUri = write('b-real/.env', `PARTNER_TOKEN=${alice}\n`);
    await vscode.commands.executeCommand('turso.refresh');
    const flagged = await waitFor(() => vscode.languages.getDiagnostics(copyUri).find((d) => d.message === 'This Turso API token is not valid'), 'the copied value to be flagged "not valid"', 20000).catch((err: Error) => {
      throw new Error(`${err.message}; its diagnostics: ${JSON.stringify(vscode.languages.getDiagnostics(copyUri).map((d) => d.message))}; validate requests: ${validates().length}`);
    });
    assert.strictEqual(flagged.range.start.line, 0);
    await waitFor(() => validates().some((r) => (r as EmuRequest & { username?: string }).username === 'alice'), 'the real token to be checked', 20000);
    // Its answer published (the extension's test entry exposes the diagnostics).
    await (api as unknown as { tokenDiagnostics: { whenUpdated(): Promise<void> } }).tokenDiagnostics.whenUpdated();
    assert.deepStrictEqual(vscode.languages.getDiagnostics(realUri).map((d) => d.message), [], 'the real token took the copy\'s verdict');
    // The real token checked once, on its own (its check is the one with alice's valid bearer); the copy's was refused above.
    const withAlice = validates().filter((r) => (r as EmuRequest & { username?: string }).username === 'alice').length;
    assert.strictEqual(withAlice, 1, `the real token was checked ${withAlice} times`);
  });

  test('4,000 tokens in one file and 100 more in others: the checks per file and per scan are bounded, and the file says how many were not checked', async function () {
    this.timeout(120000);
    since = Date.now();
    const big = write('big/.env', Array.from({ length: 4000 }, (_, i) => `T${i}=${unknownToken()}`).join('\n') + '\n');
    for (let i = 0; i < 5; i++) write(`small${i}/.env`, Array.from({ length: 20 }, (_, j) => `T${j}=${unknownToken()}`).join('\n') + '\n');
    const t0 = Date.now();
    await vscode.commands.executeCommand('turso.refresh');
    const info = await waitFor(() => vscode.languages.getDiagnostics(big).find((d) => d.severity === vscode.DiagnosticSeverity.Information), 'an information diagnostic on the big file', 60000).catch((err: Error) => {
      throw new Error(`${err.message}; validate requests so far: ${validates().length}; diagnostics on it: ${vscode.languages.getDiagnostics(big).length}`);
    });
    const notChecked = Number(/^(\d+) more Turso API tokens in this file were not checked/.exec(info.message)?.[1]);
    assert.ok(notChecked >= 4000 - 25, `the information diagnostic says: ${info.message}`);
    assert.strictEqual(info.source, 'Turso');
    const onBig = (): number => vscode.languages.getDiagnostics(big).filter((d) => d.message === 'This Turso API token is not valid').length;
    await waitFor(() => onBig() === 4000 - notChecked, `${4000 - notChecked} checked tokens of the big file to be flagged`, 60000).catch((err: Error) => {
      throw new Error(`${err.message}; ${onBig()} are`);
    });
    await waitFor(() => validates().length >= 100, 'the other files\' checks', 60000).catch((err: Error) => {
      throw new Error(`${err.message}; validate requests: ${validates().length}`);
    });
    const ms = Date.now() - t0;
    const checks = validates().length;
    assert.ok(onBig() <= 25, `${onBig()} tokens of the big file were checked`);
    assert.strictEqual(checks, 100, `${checks} validate requests in one scan`);
    console.log(`[trust] 4,100 tokens: ${checks} checks, ${onBig()} on the big file, done in ${ms} ms`);
  });

  test('"Remove the line" after an unsaved edit above the token: the token\'s line goes, never the line now at its old place', async function () {
    this.timeout(60000);
    // A long first line: once it is pushed down to the token's old line, it spans the old diagnostic's columns.
    const first = `A=${'1'.repeat(400)}`;
    const uri = write('edit/.env', `${first}\nTURSO_API_TOKEN=${unknownToken()}\nB=2\n`);
    await vscode.commands.executeCommand('turso.refresh');
    const d = await waitFor(() => vscode.languages.getDiagnostics(uri).find((x) => x.message === 'This Turso API token is not valid'), 'the token to be flagged', 20000);
    assert.strictEqual(d.range.start.line, 1);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    // An edit above the token, not saved: the token is on line 2 now; line 1 holds "A=111…".
    const insert = new vscode.WorkspaceEdit();
    insert.insert(uri, new vscode.Position(0, 0), 'NEW=0\n');
    assert.ok(await vscode.workspace.applyEdit(insert));
    assert.strictEqual(doc.lineAt(1).text, first);

    // At the old place (within the old diagnostic's columns): nothing to remove there any more.
    const atOld = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(1, d.range.start.character + 2, 1, d.range.start.character + 3));
    const removeAtOld = atOld.find((a) => a.title === 'Remove the line');
    if (removeAtOld) {
      if (removeAtOld.edit) assert.ok(await vscode.workspace.applyEdit(removeAtOld.edit));
      if (removeAtOld.command) await vscode.commands.executeCommand(removeAtOld.command.command, ...(removeAtOld.command.arguments ?? []));
    }
    assert.ok(doc.getText().includes(`${first}\n`), `"Remove the line" at the token's old place removed "A=111…": ${JSON.stringify(doc.getText().split('\n').map((l) => l.slice(0, 20)))}`);

    // At the new place: offered, and it removes the token's line.
    const atNew = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(2, 0, 2, 3));
    const remove = atNew.find((a) => a.title === 'Remove the line');
    assert.ok(remove, `quick fixes on the token's line now: ${JSON.stringify(atNew.map((a) => a.title))}`);
    assert.ok(remove.command, 'Remove the line re-checks the line when applied (a command)');
    // Another edit between offering and applying: the line is found where the token moved.
    const again = new vscode.WorkspaceEdit();
    again.insert(uri, new vscode.Position(0, 0), 'NEWER=0\n');
    assert.ok(await vscode.workspace.applyEdit(again));
    await vscode.commands.executeCommand(remove.command.command, ...(remove.command.arguments ?? []));
    assert.strictEqual(doc.getText(), `NEWER=0\nNEW=0\n${first}\nB=2\n`, 'Remove the line removed only the token\'s line');
  });
});
