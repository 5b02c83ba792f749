import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import * as vscode from 'vscode';
import { readDatabaseTokenClaims, type DatabaseTokenClaims } from '../../src/platform/databases';
import type { WorkspaceDatabaseTokens } from '../../src/workspace/databaseTokens';
import type { WorkspaceTokens } from '../../src/workspace/workspaceTokens';
import { describeShown, fixtures, type FixtureEmulator, type EmuRequest, UiRecorder } from './faultHelpers';
import {
  allChildRows, describeRows, emulatorGet, pointSignedOut, restoreAfterSuite, rowsUnder, signIn, signOut, startEmulator, waitFor, waitForRoot,
  waitForSignedOutTree, type Row, type TursoTestApi, type RevealProbe,
} from './helpers';

// Databases in the tree and their tokens (src/views/databaseNodes.ts, src/commands/createDatabaseToken.ts,
// src/commands/invalidateDatabaseTokens.ts), against the emulator: the Databases node asks once, a
// token created from a database's row or from the palette is what was chosen (its claims say so),
// Save to .env writes the URL and the token as a pair, Escape at any step mints nothing, a viewer is
// refused, a failed mint says why, and Invalidate names what it rotates.

interface DbEmulator extends FixtureEmulator {
  setMemberRole(organization: string, username: string, role: string | null): void;
}

interface ApiDatabase {
  Name: string;
  DbId: string;
  Hostname: string;
  group?: string;
  primaryRegion?: string;
}

/** An answer to a quick pick: the items to accept ([] accepts nothing selected), or undefined to dismiss it. */
type PickAnswer = (title: string, items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem[] | undefined;

/**
 * `window.createQuickPick` replaced by a picker that records its title and items and answers with
 * `answer` once its items are there, as a person would (an empty multi-select accepted as such).
 */
function scriptedPicks(answer: PickAnswer): { seen: { title: string; labels: string[] }[]; restore: () => void } {
  const w = vscode.window as unknown as { createQuickPick: unknown };
  const original = w.createQuickPick;
  const seen: { title: string; labels: string[] }[] = [];
  w.createQuickPick = () => {
    const accept = new vscode.EventEmitter<void>();
    const hide = new vscode.EventEmitter<void>();
    const selection = new vscode.EventEmitter<readonly vscode.QuickPickItem[]>();
    let items: readonly vscode.QuickPickItem[] = [];
    let hidden = false;
    const qp = {
      title: '', placeholder: '', canSelectMany: false, ignoreFocusOut: false, matchOnDescription: false, matchOnDetail: false,
      busy: false, enabled: true, activeItems: [] as vscode.QuickPickItem[], selectedItems: [] as vscode.QuickPickItem[],
      get items() {
        return items;
      },
      set items(value: readonly vscode.QuickPickItem[]) {
        items = value;
        seen.push({ title: qp.title, labels: value.map((i) => i.label) });
        setTimeout(() => {
          const chosen = answer(qp.title, value);
          if (!chosen) {
            qp.hide();
            return;
          }
          qp.activeItems = chosen;
          qp.selectedItems = chosen;
          accept.fire();
        }, 0);
      },
      onDidAccept: accept.event,
      onDidHide: hide.event,
      onDidChangeSelection: selection.event,
      show: () => undefined,
      hide: () => {
        if (!hidden) {
          hidden = true;
          hide.fire();
        }
      },
      dispose: () => undefined,
    };
    return qp;
  };
  return { seen, restore: () => { w.createQuickPick = original; } };
}

/** Picks the item whose label matches, for the picker whose title matches; others as `fallback`. */
function byTitle(rules: [RegExp, RegExp | 'none' | 'dismiss'][]): PickAnswer {
  return (title, items) => {
    const rule = rules.find(([t]) => t.test(title));
    assert.ok(rule, `an unexpected picker: "${title}" (${items.map((i) => i.label).join(' | ')})`);
    const [, want] = rule;
    if (want === 'dismiss') return undefined;
    if (want === 'none') return [];
    const item = items.find((i) => want.test(i.label) && i.kind !== vscode.QuickPickItemKind.Separator);
    assert.ok(item, `no item ${want} in "${title}": ${items.map((i) => i.label).join(' | ')}`);
    return [item];
  };
}

/** POST /v2/pipeline of the emulator's libSQL endpoint, the database chosen by `Host` (as helper "ws" reaches it). */
function libsqlStatus(emu: FixtureEmulator, hostname: string, token: string): Promise<number> {
  const url = new URL(emu.url);
  const body = JSON.stringify({ requests: [{ type: 'execute', stmt: { sql: 'SELECT 1' } }, { type: 'close' }] });
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: '/v2/pipeline', method: 'POST',
      headers: { host: hostname, authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      timeout: 10000,
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('the libSQL endpoint did not answer in 10 s')));
    req.end(body);
  });
}

suite('Databases: the tree node, Create Database Token, Invalidate Database Tokens', function () {
  this.timeout(60000);
  let emu: DbEmulator;
  let api: TursoTestApi;
  const ui = new UiRecorder();
  let ws: string | undefined;
  /** An organization of demo's with a group of at least two databases, and another database. */
  let org = '';
  let databases: ApiDatabase[] = [];
  let grouped: ApiDatabase;
  let groupName = '';

  suiteSetup(async function () {
    emu = fixtures(await startEmulator()) as DbEmulator;
    api = (await pointSignedOut(emu)) as TursoTestApi;
    ui.install();
    ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const orgs = await emulatorGet<{ slug: string }[] | { organizations?: { slug: string }[] }>(emu, '/v1/organizations', emu.demoToken);
    const slugs = (Array.isArray(orgs.body) ? orgs.body : orgs.body?.organizations ?? []).map((o) => o.slug).sort();
    for (const slug of slugs) {
      const list = await emulatorGet<{ databases?: ApiDatabase[] }>(emu, `/v1/organizations/${slug}/databases`, emu.demoToken);
      const dbs = list.body?.databases ?? [];
      const groups = new Map<string, number>();
      for (const d of dbs) if (d.group) groups.set(d.group, (groups.get(d.group) ?? 0) + 1);
      const group = [...groups].find(([, n]) => n >= 2)?.[0];
      if (group && dbs.length >= 3) {
        org = slug;
        databases = dbs;
        groupName = group;
        grouped = dbs.filter((d) => d.group === group).sort((a, b) => a.Name.localeCompare(b.Name))[0];
        break;
      }
    }
    assert.ok(org, 'the emulator seeds an organization of demo with a group of two databases or more, and another database');
  });
  suiteTeardown(async () => {
    ui.restore();
    if (ws) fs.rmSync(path.join(ws, '.env'), { force: true });
    // The Invalidate test shows the Turso view (the workspace scan starts then): later suites count the
    // requests of loads they start themselves, with the view hidden.
    await vscode.commands.executeCommand('workbench.view.explorer');
    await restoreAfterSuite(api, emu);
  });
  teardown(() => {
    ui.answer = () => undefined;
  });

  async function signedIn(role?: string): Promise<void> {
    await signOut();
    await waitForSignedOutTree(api);
    emu.reset();
    if (role) emu.setMemberRole(org, 'demo', role);
    assert.strictEqual(await signIn(emu.demoToken), true);
    await waitForRoot(api, 'turso.user');
  }

  async function databasesRow(): Promise<Row> {
    const user = await waitForRoot(api, 'turso.user');
    const orgs = (await allChildRows(api, user)).find((r) => r.contextValue === 'turso.organizations');
    assert.ok(orgs, 'an Organizations row');
    const orgRow = (await allChildRows(api, orgs)).find((r) => r.label === org);
    assert.ok(orgRow, `the ${org} row`);
    const under = await rowsUnder(api, orgRow);
    assert.ok(under[0]?.contextValue.startsWith('turso.databases'), `the Databases row first under ${org}: ${describeRows(under)}`);
    return under[0];
  }

  function requestsTo(mark: number, pattern: RegExp): EmuRequest[] {
    return emu.requests.slice(mark).filter((r) => pattern.test(`${r.method} ${r.path}`));
  }

  /** Runs the command (its promise unawaited) and waits for its panel with the value; the value copied. */
  async function untilRevealed(run: Thenable<unknown>, name: string): Promise<{ probe: RevealProbe; value: string }> {
    let ended: { value: unknown } | undefined;
    run.then((value) => { ended = { value }; }, (err) => { ended = { value: String(err) }; });
    const found = await waitFor(
      () => (ended ? ended : api.revealPanels!().find((p) => p.tokenName === name && p.revealed)),
      `the reveal panel of "${name}"`, 15000,
    );
    if ('value' in found && !('receive' in found)) {
      assert.fail(`the command ended without a panel: ${JSON.stringify(found.value)}; shown ${describeShown(ui.shown)}`);
    }
    const probe = found as RevealProbe;
    const clip = ui.clipboard.length;
    await probe.receive({ type: 'copy' });
    const value = ui.clipboard[clip];
    assert.ok(value, 'the value was copied from the panel');
    return { probe, value };
  }

  test('expanding Databases asks once (one GET …/databases): a row per database, its group and region', async () => {
    await signedIn();
    const row = await databasesRow();
    assert.strictEqual(row.contextValue, 'turso.databases');
    const mark = emu.requests.length;
    const rows = await rowsUnder(api, row);
    assert.deepStrictEqual(requestsTo(mark, /./).map((r) => `${r.method} ${r.path}`), [`GET /v1/organizations/${org}/databases`]);
    assert.deepStrictEqual(rows.map((r) => r.label), databases.map((d) => d.Name).sort((a, b) => a.localeCompare(b)));
    const shown = rows.find((r) => r.label === grouped.Name);
    assert.ok(shown);
    assert.strictEqual(shown.contextValue, 'turso.database');
    assert.ok(shown.description.startsWith(groupName), shown.description);
    // (VS Code 1.100's appendText escapes `-` and `.`: compared without the escapes)
    assert.match(String((shown.tooltip as vscode.MarkdownString | undefined)?.value ?? shown.tooltip).replace(/\\/g, ''), new RegExp(`libsql://${grouped.Hostname.replace(/\./g, '\\.')}`));
    assert.match(shown.item.accessibilityInformation?.label ?? '', new RegExp(`Database ${grouped.Name}`));
    // Refresh reloads the expanded Databases with the rest: one more request for it, and its rows again.
    const before = emu.requests.length;
    await vscode.commands.executeCommand('turso.refresh');
    const reloaded = await rowsUnder(api, await databasesRow());
    assert.deepStrictEqual(reloaded.map((r) => r.label), rows.map((r) => r.label));
    await waitFor(() => requestsTo(before, /^GET .*\/databases$/).length === 1, 'one GET …/databases after Refresh', 8000);
  });

  test('Create from a database row: 7 days, read-only, no ATTACH → one mint; the value is a read-only token of that database; Save to .env writes the pair', async function () {
    if (!ws) this.skip();
    fs.rmSync(path.join(ws!, '.env'), { force: true });
    await signedIn();
    const dbRow = (await rowsUnder(api, await databasesRow())).find((r) => r.label === grouped.Name);
    assert.ok(dbRow);
    const picks = scriptedPicks(byTitle([[/Expiry/, /^7 days$/], [/Access/, /^Read-only$/], [/Read Other Databases/, 'none']]));
    const mark = emu.requests.length;
    try {
      const run = vscode.commands.executeCommand('turso.createDatabaseToken', dbRow.node);
      const { probe, value } = await untilRevealed(run, `database ${grouped.Name}`);
      const claims = readDatabaseTokenClaims(value) as DatabaseTokenClaims;
      assert.ok(claims, 'the value is a database token');
      assert.strictEqual(claims.kind, 'database');
      assert.strictEqual(claims.targetId, grouped.DbId);
      assert.strictEqual(claims.access, 'read-only');
      assert.ok(claims.expiresAt && Math.abs(claims.expiresAt - (Date.now() / 1000 + 7 * 86400)) < 600, `expires in 7 days: ${claims.expiresAt}`);
      const mints = requestsTo(mark, /^POST .*\/auth\/tokens/);
      assert.deepStrictEqual(mints.map((r) => `${r.path}?${r.query}`), [`/v1/organizations/${org}/databases/${grouped.Name}/auth/tokens?expiration=7d&authorization=read-only`]);
      assert.deepStrictEqual(requestsTo(mark, /./).map((r) => r.method), ['POST'], 'from the row: the mint is the only request');
      assert.ok(!picks.seen.some((p) => /Database or Group/.test(p.title)), 'no target pick from a database row');
      await probe.receive({ type: 'save-env' });
      assert.strictEqual(probe.status?.kind, 'success', JSON.stringify(probe.status));
      const env = fs.readFileSync(path.join(ws!, '.env'), 'utf8');
      assert.ok(env.includes(`TURSO_DATABASE_URL=libsql://${grouped.Hostname}\n`), env.replace(value, '[token]'));
      assert.ok(env.includes(`TURSO_AUTH_TOKEN=${value}\n`), 'the token next to it');
      probe.panel?.dispose();
      assert.strictEqual(await run, 'created');
    } finally {
      picks.restore();
      fs.rmSync(path.join(ws!, '.env'), { force: true });
    }
  });

  test('Create from the palette: organization → a group → Custom 2w1d → full access → one database to ATTACH: a group token', async () => {
    await signedIn();
    const other = databases.find((d) => d.group !== groupName);
    assert.ok(other, 'a database outside the group');
    const picks = scriptedPicks(byTitle([
      [/Organization/, new RegExp(`^${org}$`)],
      [/Database or Group/, new RegExp(`^Group ${groupName} — every database in it$`)],
      [/Expiry/, /^Custom…$/],
      [/Access/, /^Full access$/],
      [/Read Other Databases/, new RegExp(`^${other.Name}$`)],
      [/Save to \.env: TURSO_DATABASE_URL for which database/, new RegExp(`^${grouped.Name}$`)],
    ]));
    const w = vscode.window as unknown as { showInputBox: unknown };
    const input = w.showInputBox;
    let validation: unknown;
    w.showInputBox = async (o: vscode.InputBoxOptions) => {
      validation = await o.validateInput?.('1d2w');
      return '2w1d';
    };
    const mark = emu.requests.length;
    try {
      const run = vscode.commands.executeCommand('turso.createDatabaseToken');
      const { probe, value } = await untilRevealed(run, `group ${groupName}`);
      const claims = readDatabaseTokenClaims(value);
      assert.strictEqual(claims?.kind, 'group');
      assert.strictEqual(claims?.access, 'full-access');
      assert.match(String(validation), /largest first/, 'a wrong lifetime is explained while typing');
      const mint = requestsTo(mark, /^POST .*\/auth\/tokens/);
      assert.strictEqual(mint.length, 1);
      assert.strictEqual(mint[0].path, `/v1/organizations/${org}/groups/${groupName}/auth/tokens`);
      assert.match(mint[0].query, /expiration=2w1d/);
      assert.deepStrictEqual(mint[0].body, { permissions: { read_attach: { databases: [other.Name] } } });
      const targetPick = picks.seen.find((p) => /Database or Group/.test(p.title));
      assert.ok(targetPick && targetPick.labels.includes('Groups'), 'databases, then a separator, then the groups');
      if (ws) {
        // A group's token: Save to .env asks which database's URL goes with it (or none).
        fs.rmSync(path.join(ws, '.env'), { force: true });
        await probe.receive({ type: 'save-env' });
        const urlPick = picks.seen.find((p) => /for which database/.test(p.title));
        assert.ok(urlPick, 'the database whose URL goes with the group token is asked');
        assert.ok(urlPick.labels.some((l) => /^No URL: only TURSO_AUTH_TOKEN$/.test(l)), urlPick.labels.join(' | '));
        const env = fs.readFileSync(path.join(ws, '.env'), 'utf8');
        assert.ok(env.includes(`TURSO_DATABASE_URL=libsql://${grouped.Hostname}\n`) && env.includes(`TURSO_AUTH_TOKEN=${value}\n`), 'the chosen database\'s URL and the token');
        fs.rmSync(path.join(ws, '.env'), { force: true });
      }
      probe.panel?.dispose();
      assert.strictEqual(await run, 'created');
    } finally {
      picks.restore();
      w.showInputBox = input;
    }
  });

  test('the panel closed before the value was kept: the closing dialog names the database token and copies it (never lost)', async () => {
    await signedIn();
    const dbRow = (await rowsUnder(api, await databasesRow())).find((r) => r.label === grouped.Name);
    assert.ok(dbRow);
    const picks = scriptedPicks(byTitle([[/Expiry/, /^Never$/], [/Access/, /^Full access$/], [/Read Other Databases/, 'none']]));
    let rescue: { message: string; items: string[] } | undefined;
    ui.answer = (m) => {
      if (m.modal && !rescue) {
        rescue = m;
        return 'Copy Token';
      }
      return undefined;
    };
    const name = `database ${grouped.Name}`;
    const clip = ui.clipboard.length;
    try {
      const run = vscode.commands.executeCommand('turso.createDatabaseToken', dbRow.node);
      const probe = await waitFor(() => api.revealPanels!().find((p) => p.tokenName === name && p.revealed), `the reveal panel of "${name}"`, 15000);
      probe.panel?.dispose();
      assert.strictEqual(await run, 'created');
    } finally {
      picks.restore();
    }
    assert.ok(rescue, 'a dialog when the panel closed with the value not kept');
    assert.strictEqual(rescue.message, `The database token for ${name} was not copied or saved.`);
    const value = ui.clipboard[clip];
    assert.strictEqual(readDatabaseTokenClaims(value ?? '')?.targetId, grouped.DbId, 'the value copied from the dialog is the database token');
  });

  test('Escape at each step: nothing minted, nothing said', async () => {
    await signedIn();
    const steps: [RegExp, RegExp | 'none' | 'dismiss'][] = [
      [/Organization/, new RegExp(`^${org}$`)],
      [/Database or Group/, new RegExp(`^${grouped.Name}$`)],
      [/Expiry/, /^Never$/],
      [/Access/, /^Full access$/],
      [/Read Other Databases/, 'none'],
    ];
    for (let at = 0; at < steps.length; at++) {
      const rules = steps.map(([t, a], i): [RegExp, RegExp | 'none' | 'dismiss'] => [t, i === at ? 'dismiss' : a]);
      const picks = scriptedPicks(byTitle(rules));
      const mark = emu.requests.length;
      const shown = ui.mark();
      try {
        assert.strictEqual(await vscode.commands.executeCommand('turso.createDatabaseToken'), 'cancelled', `Escape at ${steps[at][0]}`);
      } finally {
        picks.restore();
      }
      assert.deepStrictEqual(requestsTo(mark, /^POST /).map((r) => r.path), [], `nothing minted after Escape at ${steps[at][0]}`);
      assert.deepStrictEqual(ui.messagesSince(shown), [], `nothing said after Escape at ${steps[at][0]}`);
      assert.ok(!api.revealPanels!().length, 'no panel');
    }
  });

  test('a viewer: the Databases rows offer no token action, and the command says why (nothing minted)', async () => {
    await signedIn('viewer');
    const row = await databasesRow();
    assert.strictEqual(row.contextValue, 'turso.databases;viewer');
    const rows = await rowsUnder(api, row);
    assert.ok(rows.every((r) => r.contextValue === 'turso.database;viewer'), describeRows(rows));
    const mark = emu.requests.length;
    const shown = ui.mark();
    assert.strictEqual(await vscode.commands.executeCommand('turso.createDatabaseToken', rows[0].node), 'refused');
    assert.match(ui.messagesSince(shown)[0]?.message ?? '', /As a viewer of .* you cannot create database tokens/, describeShown(ui.messagesSince(shown)));
    assert.strictEqual(await vscode.commands.executeCommand('turso.invalidateDatabaseTokens', rows[0].node), 'refused');
    assert.deepStrictEqual(requestsTo(mark, /^POST /), []);
  });

  test('the mint fails (500): the panel closes unasked, and the message says what failed and why', async () => {
    await signedIn();
    const dbRow = (await rowsUnder(api, await databasesRow())).find((r) => r.label === grouped.Name);
    assert.ok(dbRow);
    const picks = scriptedPicks(byTitle([[/Expiry/, /^Never$/], [/Access/, /^Full access$/], [/Read Other Databases/, 'none']]));
    emu.injectFault({ method: 'POST', path: `/v1/organizations/${org}/databases/${grouped.Name}/auth/tokens`, kind: 'status', status: 500, times: 1 });
    const shown = ui.mark();
    try {
      assert.strictEqual(await vscode.commands.executeCommand('turso.createDatabaseToken', dbRow.node), 'failed');
    } finally {
      picks.restore();
    }
    const errors = ui.messagesSince(shown, (s) => s.kind === 'error');
    assert.strictEqual(errors.length, 1, describeShown(ui.messagesSince(shown)));
    assert.match(errors[0].message, new RegExp(`Couldn't create a database token for database ${grouped.Name} in ${org}: .*server error`));
    assert.ok(!api.revealPanels!().length, 'the panel is gone');
  });

  test('Invalidate from a database in a group: the modal names the group and its databases; the group rotates, its old tokens are refused', async () => {
    await signedIn();
    const dbRow = (await rowsUnder(api, await databasesRow())).find((r) => r.label === grouped.Name);
    assert.ok(dbRow);
    // A token minted before, as any client would.
    const before = await fetch(`${emu.url.replace(/\/$/, '')}/v1/organizations/${org}/databases/${grouped.Name}/auth/tokens`, {
      method: 'POST', headers: { authorization: `Bearer ${emu.demoToken}` },
    });
    const old = ((await before.json()) as { jwt: string }).jwt;
    assert.strictEqual(await libsqlStatus(emu, grouped.Hostname, old), 200, 'the token opens its database before');
    // The workspace holds it: the modal lists the file, and the file's token is marked invalidated after.
    assert.ok(ws, 'the test host opened a workspace folder');
    const envFile = vscode.Uri.file(path.join(ws, '.env'));
    fs.writeFileSync(envFile.fsPath, `TURSO_DATABASE_URL=libsql://${grouped.Hostname}\nTURSO_AUTH_TOKEN=${old}\n`);
    await vscode.commands.executeCommand('workbench.view.extension.turso');
    const withWorkspace = api as TursoTestApi & { workspaceTokens: WorkspaceTokens; databaseTokens: WorkspaceDatabaseTokens };
    await withWorkspace.workspaceTokens.rescan();
    await waitFor(() => withWorkspace.databaseTokens.filesHolding([grouped.DbId]).some((u) => u.fsPath === envFile.fsPath), 'the workspace scan finding the .env holding the token', 20000);
    // The invalidation is kept to the second: the token must be of an earlier second than it.
    const iat = readDatabaseTokenClaims(old)?.issuedAt ?? 0;
    await waitFor(() => Math.floor(Date.now() / 1000) > iat, 'the clock passing the second the token was created in', 3000);
    let modal: { message: string; detail?: string } | undefined;
    ui.answer = (s) => {
      if (s.modal) {
        modal = s;
        return 'Invalidate';
      }
      return undefined;
    };
    const mark = emu.requests.length;
    assert.strictEqual(await vscode.commands.executeCommand('turso.invalidateDatabaseTokens', dbRow.node), 'invalidated');
    assert.ok(modal, 'a modal');
    assert.strictEqual(modal.message, `Invalidate every token of group ${groupName} in ${org}?`);
    for (const d of databases.filter((x) => x.group === groupName)) {
      assert.ok(modal.detail?.includes(d.Name), `the modal names ${d.Name}: ${modal.detail}`);
    }
    assert.match(modal.detail ?? '', /stops working at once/);
    assert.ok(modal.detail?.includes('.env'), `the modal lists the workspace's .env holding a token of it: ${modal.detail}`);
    assert.deepStrictEqual(requestsTo(mark, /^POST /).map((r) => r.path), [`/v1/organizations/${org}/groups/${groupName}/auth/rotate`]);
    assert.strictEqual(await libsqlStatus(emu, grouped.Hostname, old), 401, 'the old token no longer opens the database');
    const done = ui.messagesSince(0, (m) => m.kind === 'info').at(-1);
    assert.match(done?.message ?? '', new RegExp(`Every earlier token of group ${groupName} in ${org} was invalidated`));
    const marked = await waitFor(() => vscode.languages.getDiagnostics(envFile).find((d) => d.code === 'database-token-invalidated'),
      'the .env\'s token marked invalidated in Problems', 20000)
      .catch((err: Error) => { throw new Error(`${err.message}: ${JSON.stringify(vscode.languages.getDiagnostics(envFile).map((d) => d.code))}`); });
    assert.strictEqual(marked.severity, vscode.DiagnosticSeverity.Error);
    assert.ok(!marked.message.includes(old.split('.')[2]), 'no part of the value in the message');
  });
});
