import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { WorkspaceDatabaseTokens } from '../../src/workspace/databaseTokens';
import {
  jwtClaims, pointSignedOut, recordedRequests, restoreAfterSuite, signIn, startEmulator, waitFor, type Emulator, type TursoTestApi,
} from './helpers';

// Issue 23, database tokens in the workspace: env files holding database and group tokens minted in
// the emulator (and a few made up, whose claims are what is tested); their Problems, hover, quick fix
// and the invalidation record. No value of them may appear in a diagnostic, a code action or a hover.

const NOTES = '6a1f3c2e-7b4d-11ef-a1c2-0242ac120002';
const TODO = '6a1f4e90-7b4d-11ef-a1c2-0242ac120002';
const ACME_DEFAULT = '0a28102d-6906-11ee-8553-eaa7715aeaf2';

suite('Database tokens in the workspace: Problems, hover, quick fix, invalidation, libSQL check', function () {
  let emu: Emulator;
  let api: TursoTestApi & { databaseTokens: WorkspaceDatabaseTokens; testProbe: { globalState: vscode.Memento } };
  let base: string;
  const values: string[] = [];

  async function mint(target: string, query: string, organization = 'demo'): Promise<string> {
    const res = await fetch(`${emu.url.replace(/\/$/, '')}/v1/organizations/${organization}/${target}/auth/tokens?${query}`, { method: 'POST', headers: { authorization: `Bearer ${emu.demoToken}` } });
    assert.strictEqual(res.status, 200, `minting a token for ${target} answered ${res.status}`);
    const { jwt } = (await res.json()) as { jwt: string };
    values.push(jwt);
    return jwt;
  }
  /** A token with these claims (its signature is made up: the claims are what is looked at). */
  function madeUp(claims: Record<string, unknown>): string {
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const value = `${b64({ alg: 'EdDSA', typ: 'JWT' })}.${b64(claims)}.${Buffer.alloc(64, 9).toString('base64url')}`;
    values.push(value);
    return value;
  }
  function file(name: string): vscode.Uri {
    return vscode.Uri.file(path.join(base, name, '.env'));
  }
  function write(name: string, text: string): vscode.Uri {
    const uri = file(name);
    fs.mkdirSync(path.dirname(uri.fsPath), { recursive: true });
    fs.writeFileSync(uri.fsPath, text);
    return uri;
  }
  function assertNoValue(text: string, where: string): void {
    for (const v of values) {
      for (const part of v.split('.').slice(1)) assert.ok(!text.includes(part), `a database token value is in ${where}`);
    }
  }
  async function diagnosticsOf(uri: vscode.Uri, what: string, has: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
    let last: vscode.Diagnostic[] = [];
    return waitFor(() => {
      last = vscode.languages.getDiagnostics(uri).filter((d) => typeof d.code === 'string' && d.code.startsWith('database-token'));
      return has(last) ? last : undefined;
    }, what, 20000).catch((err: Error) => {
      throw new Error(`${err.message}; diagnostics were ${JSON.stringify(last.map((d) => [d.code, d.message]))}`);
    });
  }
  function hoverText(hovers: vscode.Hover[]): string {
    return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n').replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1');
  }
  const databaseLists = (): string[] => recordedRequests(emu).filter((r) => r.method === 'GET' && /\/databases$/.test(r.path)).map((r) => r.path);

  suiteSetup(async function () {
    this.timeout(60000);
    emu = await startEmulator();
    api = (await pointSignedOut(emu)) as typeof api;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test host opened a workspace folder');
    base = path.join(folder.uri.fsPath, `turso-db-${process.pid}-${Date.now()}`);
    const now = Math.floor(Date.now() / 1000);
    write('ok', `TURSO_DATABASE_URL=libsql://notes-demo.turso.io\nTURSO_AUTH_TOKEN=${await mint('databases/notes', 'expiration=30d&authorization=read-only')}\n`);
    write('expiring', `TURSO_DATABASE_URL=libsql://notes-demo.turso.io\nTURSO_AUTH_TOKEN=${await mint('databases/notes', 'expiration=3d&authorization=read-only')}\n`);
    write('other', `TURSO_DATABASE_URL=libsql://todo-demo.turso.io\nTURSO_AUTH_TOKEN=${await mint('databases/notes', 'expiration=30d&authorization=full-access')}\n`);
    write('expired', `TURSO_AUTH_TOKEN=${madeUp({ a: 'rw', id: NOTES, iat: now - 10 * 86_400, exp: now - 3_600 })}\n`);
    const groupToken = await mint('groups/default', 'expiration=30d&authorization=full-access', 'acme');
    write('group-ok', `TURSO_DATABASE_URL=libsql://inventory-acme.turso.io\nTURSO_AUTH_TOKEN=${groupToken}\n`);
    write('group-other', `TURSO_DATABASE_URL=libsql://events-acme.turso.io\nTURSO_AUTH_TOKEN=${groupToken}\n`);
    write('unknown', `TURSO_AUTH_TOKEN=${madeUp({ a: 'rw', id: 'not-a-database-of-anyone', iat: now })}\n`);
    assert.strictEqual(await signIn(emu.demoToken), true);
    // The scan starts once the view is visible.
    await vscode.commands.executeCommand('workbench.view.extension.turso');
  });

  suiteTeardown(async function () {
    this.timeout(30000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (base) fs.rmSync(base, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.view.explorer');
    await restoreAfterSuite(api, emu);
  });

  test('expired, expiring, another database than TURSO_DATABASE_URL, unknown: each in Problems; a fine one is not', async function () {
    this.timeout(40000);
    // Shown at once from the claims, then again naming the database once the databases are known.
    const named = (d: vscode.Diagnostic[]): boolean => d.length > 0 && d.every((x) => /of demo/.test(x.message));
    const [expired] = await diagnosticsOf(file('expired'), 'the expired token\'s diagnostic', named);
    assert.strictEqual(expired.code, 'database-token-expired');
    assert.strictEqual(expired.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(expired.source, 'Turso');
    assert.match(expired.message, /database "notes" of demo expired on/);
    assert.strictEqual(expired.range.start.line, 0);
    assert.strictEqual(expired.range.start.character, 'TURSO_AUTH_TOKEN='.length);

    const [expiring] = await diagnosticsOf(file('expiring'), 'the expiring token\'s warning', named);
    assert.strictEqual(expiring.code, 'database-token-expiring');
    assert.strictEqual(expiring.severity, vscode.DiagnosticSeverity.Warning);

    const [other] = await diagnosticsOf(file('other'), 'the other database\'s error', (d) => d.length > 0);
    assert.strictEqual(other.code, 'database-token-other-database');
    assert.strictEqual(other.severity, vscode.DiagnosticSeverity.Error);
    assert.match(other.message, /database "notes" of demo, but TURSO_DATABASE_URL is database "todo" of demo/);

    const [unknown] = await diagnosticsOf(file('unknown'), 'the unknown database\'s information', (d) => d.length > 0);
    assert.strictEqual(unknown.code, 'database-token-unknown');
    assert.strictEqual(unknown.severity, vscode.DiagnosticSeverity.Information);

    const [group] = await diagnosticsOf(file('group-other'), 'the group token\'s error', (d) => d.length > 0);
    assert.strictEqual(group.code, 'database-token-other-database');
    assert.match(group.message, /group "default" of acme, but TURSO_DATABASE_URL is database "events" of acme/);

    assert.deepStrictEqual(vscode.languages.getDiagnostics(file('ok')), [], 'a fine token is flagged');
    assert.deepStrictEqual(vscode.languages.getDiagnostics(file('group-ok')), [], 'a group token for a database of its group is flagged');
    const all = vscode.languages.getDiagnostics().flatMap(([, list]) => list);
    assertNoValue(JSON.stringify(all.map((d) => [d.message, d.code, d.source])), 'a diagnostic');
  });

  test('which databases the tokens are for is asked once for all tokens: one list per organization', async function () {
    this.timeout(30000);
    await diagnosticsOf(file('unknown'), 'the diagnostics of the first scan', (d) => d.length > 0);
    const first = databaseLists();
    assert.ok(first.length > 0, 'the databases were listed');
    assert.strictEqual(new Set(first).size, first.length, `an organization's databases were listed more than once: ${JSON.stringify(first)}`);
    const uri = write('later', `TURSO_AUTH_TOKEN=${madeUp({ a: 'rw', id: TODO, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3_600 })}\n`);
    await diagnosticsOf(uri, 'the later file\'s warning', (d) => d.some((x) => x.code === 'database-token-expiring'));
    assert.deepStrictEqual(databaseLists(), first, 'a new token in the workspace asked for the databases again');
  });

  test('the hover names the database, access and expiry, and what is wrong; never the value', async function () {
    this.timeout(20000);
    const doc = await vscode.workspace.openTextDocument(file('other'));
    const at = new vscode.Position(1, 'TURSO_AUTH_TOKEN='.length + 4);
    let text = '';
    await waitFor(async () => {
      text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at));
      return text.includes('Turso database token');
    }, 'the hover of a database token').catch((err: Error) => {
      throw new Error(`${err.message}; the hover was ${JSON.stringify(text)}`);
    });
    assert.match(text, /Database:\*\* notes/);
    assert.match(text, /Organization:\*\* demo/);
    assert.match(text, /Access:\*\* Full access/);
    assert.match(text, /TURSO_DATABASE_URL is database "todo" of demo/);
    assertNoValue(text, 'a hover');
  });

  test('markInvalidated: the files holding the database\'s tokens are named, and their tokens get an error at once (kept in globalState: ids and times only)', async function () {
    this.timeout(20000);
    await diagnosticsOf(file('ok'), 'the scan', () => true);
    const held = api.databaseTokens.filesHolding([NOTES]).map((u) => path.basename(path.dirname(u.fsPath))).sort();
    assert.deepStrictEqual(held, ['expired', 'expiring', 'ok', 'other']);
    assert.deepStrictEqual(api.databaseTokens.filesHolding([TODO]).map((u) => path.basename(path.dirname(u.fsPath))), ['later']);
    assert.deepStrictEqual(api.databaseTokens.filesHolding([ACME_DEFAULT]).map((u) => path.basename(path.dirname(u.fsPath))).sort(), ['group-ok', 'group-other']);
    const iat = jwtClaims(fs.readFileSync(file('ok').fsPath, 'utf8').split('TURSO_AUTH_TOKEN=')[1].trim()).iat as number;
    api.databaseTokens.markInvalidated([NOTES], iat + 1);
    const list = vscode.languages.getDiagnostics(file('ok'));
    assert.deepStrictEqual(list.map((d) => d.code), ['database-token-invalidated'], 'the error is there at once');
    assert.strictEqual(list[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(list[0].message, /database "notes" of demo were invalidated in this editor/);
    const kept = JSON.stringify(api.testProbe.globalState.get('turso.databaseTokenInvalidations'));
    assert.ok(kept.includes(NOTES), `the invalidation is kept: ${kept}`);
    assertNoValue(kept, 'globalState');
  });

  test('Replace with a New Token (on the invalidated token): a token with the same access and lifetime for the same database replaces the value in the file; no old value remains', async function () {
    this.timeout(40000);
    const uri = file('ok');
    const before = fs.readFileSync(uri.fsPath, 'utf8');
    const oldValue = before.split('TURSO_AUTH_TOKEN=')[1].trim();
    const [d] = await diagnosticsOf(uri, 'the invalidated token\'s diagnostics', (list) => list.length > 0);
    await vscode.workspace.openTextDocument(uri);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(d.range.start, d.range.end));
    const replace = actions.find((a) => a.title === 'Replace with a New Token');
    assert.ok(replace?.command, `quick fixes: ${JSON.stringify(actions.map((a) => a.title))}`);
    assertNoValue(JSON.stringify(actions.map((a) => ({ title: a.title, command: a.command }))), 'a code action');
    assert.strictEqual(await vscode.commands.executeCommand(replace.command.command, ...(replace.command.arguments ?? [])), 'replaced');
    const after = fs.readFileSync(uri.fsPath, 'utf8');
    assert.ok(!after.includes(oldValue), 'the old value is still in the file');
    assert.ok(after.startsWith('TURSO_DATABASE_URL=libsql://notes-demo.turso.io\nTURSO_AUTH_TOKEN='), `the rest of the file changed: ${after.length} characters`);
    const newValue = after.split('TURSO_AUTH_TOKEN=')[1].trim();
    values.push(newValue);
    const [was, now] = [jwtClaims(oldValue), jwtClaims(newValue)];
    assert.strictEqual(now.id, NOTES);
    assert.strictEqual(now.a, was.a, 'the same access');
    assert.strictEqual((now.exp as number) - (now.iat as number), (was.exp as number) - (was.iat as number), 'the same lifetime');
    const mintRequest = recordedRequests(emu).filter((r) => r.method === 'POST' && r.path.endsWith('/databases/notes/auth/tokens')).pop();
    assert.ok(mintRequest?.query?.includes('expiration=30d') && mintRequest.query.includes('authorization=read-only'), `the mint asked for: ${mintRequest?.query}`);
    await diagnosticsOf(uri, 'the replaced token\'s diagnostics to go', (list) => list.length === 0);
  });

  test('Replace with a New Token, the file changed while the token was minted: nothing written, the new value shown once (Copy Token)', async function () {
    this.timeout(40000);
    const uri = file('expiring');
    const [d] = await diagnosticsOf(uri, 'the expiring token\'s warning', (list) => list.some((x) => x.code === 'database-token-expiring'));
    await vscode.workspace.openTextDocument(uri);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(d.range.start, d.range.end));
    const replace = actions.find((a) => a.title === 'Replace with a New Token');
    assert.ok(replace?.command, `quick fixes: ${JSON.stringify(actions.map((a) => a.title))}`);
    const fixture = emu as Emulator & { arrived: number; injectFault(f: Record<string, unknown>): void; clearFaults(): void };
    const w = vscode.window as unknown as Record<string, unknown>;
    const original = w.showWarningMessage;
    const modals: string[] = [];
    w.showWarningMessage = (message: string, ...rest: unknown[]) => {
      const options = rest[0] as vscode.MessageOptions | undefined;
      if (options?.modal) {
        modals.push(message);
        return Promise.resolve('Copy Token');
      }
      return Promise.resolve(undefined);
    };
    await vscode.env.clipboard.writeText('');
    try {
      fixture.injectFault({ kind: 'delay', method: 'POST', path: '/v1/organizations/demo/databases/notes/auth/tokens', delayMs: 2000, times: 1 });
      const before = fixture.arrived;
      const running = vscode.commands.executeCommand<string>(replace.command.command, ...(replace.command.arguments ?? []));
      await waitFor(() => fixture.arrived > before, 'the mint to reach the emulator');
      // While the token is minted, the line goes (someone edited the file).
      fs.writeFileSync(uri.fsPath, 'TURSO_DATABASE_URL=libsql://notes-demo.turso.io\n');
      assert.strictEqual(await running, 'shown');
    } finally {
      w.showWarningMessage = original;
      fixture.clearFaults();
    }
    assert.strictEqual(modals.length, 1, `one modal offered the value: ${JSON.stringify(modals)}`);
    assert.match(modals[0], /database "notes" of demo was not written/);
    const copied = await vscode.env.clipboard.readText();
    values.push(copied);
    assert.strictEqual(jwtClaims(copied).id, NOTES, 'the clipboard holds the new token');
    assert.ok(!fs.readFileSync(uri.fsPath, 'utf8').includes(copied), 'nothing was written');
    assertNoValue(JSON.stringify(modals), 'the modal');
  });

  test('Check Database Tokens Against Their Databases: each database asked over libSQL (the emulator by Host); a rotated key\'s token does not open it', async function () {
    this.timeout(40000);
    const rotate = await fetch(`${emu.url.replace(/\/$/, '')}/v1/organizations/demo/databases/todo/auth/rotate`, { method: 'POST', headers: { authorization: `Bearer ${emu.demoToken}` } });
    assert.strictEqual(rotate.status, 200);
    const uri = write('rotated', `TURSO_DATABASE_URL=libsql://todo-demo.turso.io\nTURSO_AUTH_TOKEN=${await mint('databases/todo', 'expiration=30d&authorization=full-access')}\n`);
    const rotateAgain = await fetch(`${emu.url.replace(/\/$/, '')}/v1/organizations/demo/databases/todo/auth/rotate`, { method: 'POST', headers: { authorization: `Bearer ${emu.demoToken}` } });
    assert.strictEqual(rotateAgain.status, 200);
    const counts = await vscode.commands.executeCommand<{ opens: number; refused: number }>('turso.checkDatabaseTokens');
    assert.ok(counts && counts.opens >= 2 && counts.refused >= 1, `the check's counts: ${JSON.stringify(counts)}`);
    const list = vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'database-token-refused');
    assert.strictEqual(list.length, 1, `the rotated token's diagnostics: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => d.message))}`);
    assert.match(list[0].message, /does not open database "todo" of demo: 401/);
    const hosts = recordedRequests(emu).filter((r) => r.path === '/v2/pipeline').map((r) => (r as { host?: string }).host);
    // Each token only to its own database (a group token to its file's database of the group).
    const allowed = new Set(['notes-demo.turso.io', 'todo-demo.turso.io', 'inventory-acme.turso.io']);
    assert.ok(hosts.length >= 4 && hosts.every((h) => h !== undefined && allowed.has(h)), `asked: ${JSON.stringify(hosts)}`);
    assert.ok(hosts.includes('inventory-acme.turso.io') && !hosts.includes('events-acme.turso.io'), `the group token is checked at its file's database of the group: ${JSON.stringify(hosts)}`);
  });
});
