import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  describeShown, fakeQuickPick, fixtures, HeldPrompts, probedSignedOut, readIfExists, storedCredential, tursoLogFile, UiRecorder,
  type EmuRequest, type FixtureEmulator, type ProbedApi, type Shown,
} from './faultHelpers';
import {
  allChildRows, describeRows, emulatorGet, jwtClaims, listTokensOverHttp, restoreAfterSuite, rootRows, childRows, signIn, startEmulator, waitFor,
  waitForRoot, type Row,
} from './helpers';

// Rotate API Token (issue 16): a successor with the same access is created, put in every env file
// line that holds the old token (written on disk, read back), the extension's own credential switched to it,
// and only then, after a last confirmation, the old token revoked. Real env files in the test
// workspace, the real emulator (its request log is the witness of what was sent, and when), the
// prompts answered by recording fakes. No token value may reach the log or a message.

interface RotateResult {
  outcome: 'rotated' | 'kept-old' | 'cancelled' | 'failed';
  name?: string;
  id?: string;
}

/** Where a GitHub Actions secret lives (src/github/places.ts SecretPlace). */
interface SecretPlace { host: string; owner: string; repo: string; environment?: string; name: string }
interface SecretWriter { write(place: SecretPlace, value: string): Promise<'created' | 'updated'> }

interface RotateApi extends ProbedApi {
  secretPlaces: {
    of(tokenId: string): SecretPlace[];
    add(tokenId: string, place: SecretPlace): Promise<void>;
    forget(tokenId: string): Promise<void>;
  };
  setSecretWriter(writer: SecretWriter | undefined): void;
  accounts: {
    activeId: string | undefined;
    knownTokens(accountId?: string): readonly { id: string; name: string; organization?: string; group?: string; scopes?: string[] }[] | undefined;
    whenLoaded(): Promise<void>;
  };
  workspaceTokens: { rescan(): Promise<void> };
}

interface OrgEmulator extends FixtureEmulator {
  readonly aliceToken: string;
  setMemberRole(organization: string, username: string, role: string | null): void;
}

const unique = (stem: string) => `${stem}-${(Date.now() + Math.floor(Math.random() * 1e6)).toString(36).slice(-5)}`;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', ...args], {
    cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
}

suite('Rotate API Token: successor in place, then the old one revoked', function () {
  let emu: OrgEmulator;
  let api: RotateApi;
  const ui = new UiRecorder();
  let ws: string;
  let base: string;
  let rel: string;
  /** Every token value this suite saw (old and new), to search the log and the messages for. */
  const values: string[] = [];
  /** What the name step was asked with, and the answer to give (default: accept the offered name). */
  let nameAsked: vscode.InputBoxOptions | undefined;
  let nameAnswer: ((offered: string) => string | undefined) | undefined;
  /** Which token the palette's pick chooses (by label). */
  let pickLabel: string | undefined;
  /** A multi-select list's answer (items, and those checked when it appeared); every list shown is recorded. */
  let multiPick: ((title: string, items: readonly vscode.QuickPickItem[], checked: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem[]) | undefined;
  let lists: { title: string; items: readonly vscode.QuickPickItem[]; checked: readonly vscode.QuickPickItem[] }[] = [];
  const ceiling = process.env.GIT_CEILING_DIRECTORIES;

  suiteSetup(async function () {
    this.timeout(60000);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder && folder.uri.scheme === 'file', 'the in-host runner opens a folder on disk');
    ws = folder.uri.fsPath;
    // The workspace folder lies inside the project's checkout: git must not look above it.
    process.env.GIT_CEILING_DIRECTORIES = path.dirname(ws);
    emu = fixtures(await startEmulator()) as OrgEmulator;
    api = (await probedSignedOut(emu)) as RotateApi;
    ui.install();
    const w = vscode.window as unknown as Record<string, unknown>;
    ui.replace(w, 'showInputBox', (options: vscode.InputBoxOptions) => {
      nameAsked = options;
      return Promise.resolve(nameAnswer ? nameAnswer(options.value ?? '') : options.value);
    });
    ui.replace(w, 'createQuickPick', () => {
      const qp: vscode.QuickPick<vscode.QuickPickItem> = fakeQuickPick([], (title, items) => {
        if (!qp.canSelectMany) return items.filter((i) => i.label === pickLabel);
        lists.push({ title, items, checked: [...qp.selectedItems] });
        return multiPick ? multiPick(title, items, qp.selectedItems) : [];
      });
      return qp;
    });
  });
  suiteTeardown(async function () {
    this.timeout(30000);
    ui.restore();
    emu?.clearFaults();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (ceiling === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
    else process.env.GIT_CEILING_DIRECTORIES = ceiling;
    await restoreAfterSuite(api, emu);
  });
  setup(async function () {
    this.timeout(30000);
    ui.answer = () => undefined;
    nameAsked = undefined;
    nameAnswer = undefined;
    pickLabel = undefined;
    multiPick = undefined;
    lists = [];
    emu.clearFaults();
    // A folder of its own per test: a document VS Code still holds for a file deleted and written
    // again at once may not have followed it yet (a rotation then leaves that file alone, rightly).
    rel = `turso-rotate-${process.pid}-${Date.now().toString(36)}`;
    base = path.join(ws, rel);
    assert.strictEqual(await signIn(emu.demoToken), true, 'signed in as demo with the login token');
    await waitForRoot(api, 'turso.user');
  });

  teardown(() => {
    if (base) fs.rmSync(base, { recursive: true, force: true });
    api.setSecretWriter(undefined);
  });

  // ---- helpers ----------------------------------------------------------------------------------

  function write(file: string, text: string): string {
    const p = path.join(base, file);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  }
  /** A token of demo's, minted in the emulator and listed in the tree. */
  async function minted(opts: { organization?: string; group?: string; scopes?: string[] } = {}): Promise<{ name: string; id: string; token: string }> {
    const name = unique('rot');
    const { id, token } = emu.addApiToken({ name, owner: 'demo', ...opts });
    values.push(token);
    await vscode.commands.executeCommand('turso.refresh');
    await waitFor(() => api.accounts.knownTokens()?.some((t) => t.id === id), `${name} in the account's list`);
    return { name, id, token };
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
  /** The rows under the organization `slug` (Organizations expanded, then the organization, as the view does). */
  async function orgTokenRows(slug: string): Promise<Row[]> {
    const user = (await rootRows(api)).find((r) => r.contextValue.startsWith('turso.user'));
    const orgs = user ? (await allChildRows(api, user)).find((r) => r.contextValue === 'turso.organizations') : undefined;
    const org = orgs ? (await allChildRows(api, orgs)).find((r) => r.label === slug) : undefined;
    return org ? allChildRows(api, org) : [];
  }
  /** The row `<owner> · <name>` under the organization `slug`. */
  async function orgRowOf(slug: string, label: string): Promise<Row> {
    let rows: Row[] = [];
    return waitFor(async () => {
      rows = await orgTokenRows(slug);
      return rows.find((r) => r.label === label);
    }, `the row "${label}" under ${slug}`).catch((err: Error) => {
      throw new Error(`${err.message}; rows were ${describeRows(rows)}`);
    });
  }
  /** A token of alice's in acme, where demo is an admin (and sees it, with its owner). */
  async function colleagues(): Promise<{ name: string; id: string; token: string }> {
    const name = unique('alice-rot');
    const { id, token } = emu.addApiToken({ name, owner: 'alice', organization: 'acme' });
    values.push(token);
    await vscode.commands.executeCommand('turso.refresh');
    return { name, id, token };
  }
  /** The only Platform token value in `text` (the successor's, once written). */
  function tokenIn(text: string): string {
    const found = text.match(/[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g) ?? [];
    assert.strictEqual(new Set(found).size, 1, `one token value in the file (found ${found.length})`);
    return found[0] as string;
  }
  const requestsSince = (mark: number): EmuRequest[] => emu.requests.slice(mark);
  const sent = (list: EmuRequest[]): string[] => list.filter((r) => r.method === 'POST' || r.method === 'DELETE').map((r) => `${r.method} ${r.path}`);
  /** Runs the command; a reveal panel (the value put nowhere) fails the flow at once, with what was shown. */
  async function rotate(arg?: unknown): Promise<RotateResult> {
    const panels = api.revealPanels().length;
    let settled: { result: RotateResult | undefined } | undefined;
    let failed: unknown;
    vscode.commands.executeCommand<RotateResult>('turso.rotateToken', arg).then((result) => (settled = { result }), (err) => (failed = err ?? 'rejected'));
    const end = await waitFor(
      () => (failed ? { failed } : settled ?? (api.revealPanels().length > panels ? { panel: true } : undefined)),
      'the rotation to end', 50000,
    );
    if ('failed' in end) {
      assert.fail(`turso.rotateToken failed: ${String((end.failed as Error).message ?? end.failed)}`);
    }
    if ('panel' in end) {
      assert.fail(`the new value was shown in a reveal panel (written nowhere): ${describeShown(ui.shown.slice(-6))}`);
    }
    assert.ok(end.result, 'the command resolves to its outcome');
    return end.result;
  }
  /** Answers the dialogs by message: the first pattern that matches gives the button. */
  function answer(rules: [RegExp, string | undefined | ((s: Shown) => string | undefined | PromiseLike<string | undefined>)][]): void {
    ui.answer = (s) => {
      for (const [re, reply] of rules) {
        if (re.test(s.message)) return typeof reply === 'function' ? reply(s) : reply;
      }
      return undefined;
    };
  }
  async function status(value: string): Promise<number> {
    return (await emulatorGet(emu, '/v1/auth/validate', value)).status;
  }

  // ---- the flows --------------------------------------------------------------------------------

  test('a full rotation of an organization token used in two env files (CRLF; quoted with export): created, written, saved, then revoked', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const crlf = write('api/.env', `# api\r\nTURSO_API_TOKEN=${old.token}\r\nOTHER=1\r\n`);
    const quoted = write('web/.env.local', `A=1\nexport TURSO_API_TOKEN="${old.token}" # ci\nB=2\n`);
    const mark = emu.requests.length;
    const uiMark = ui.mark();
    let plan: Shown | undefined;
    let atLastConfirm: { crlf: string; quoted: string; sent: string[] } | undefined;
    answer([
      [/^Rotate API token/, (s) => { plan = s; return 'Rotate'; }],
      [/^Revoke the old API token/, () => {
        atLastConfirm = { crlf: fs.readFileSync(crlf, 'utf8'), quoted: fs.readFileSync(quoted, 'utf8'), sent: sent(requestsSince(mark)) };
        return 'Revoke';
      }],
    ]);
    const result = await rotate((await rowOf(old.name)).node);
    const shown = ui.shown.slice(uiMark);
    assert.strictEqual(result.outcome, 'rotated', describeShown(shown));

    // the name step offered <name>-<yyyymmdd> (today, UTC)
    const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    assert.strictEqual(nameAsked?.value, `${old.name}-${stamp}`);
    assert.strictEqual(result.name, `${old.name}-${stamp}`);
    // the plan listed every line as path:line, never the value
    assert.ok(plan, 'the plan was shown');
    assert.ok(plan.detail?.includes(`${rel}/api/.env:2`) && plan.detail.includes(`${rel}/web/.env.local:2`), plan.detail);
    assert.match(plan.detail ?? '', /access to acme/);

    // the files: exactly the token replaced, line endings, quotes, export and comments kept
    const now = { crlf: fs.readFileSync(crlf, 'utf8'), quoted: fs.readFileSync(quoted, 'utf8') };
    const fresh = tokenIn(now.crlf);
    values.push(fresh);
    assert.strictEqual(jwtClaims(fresh).jti, result.id, 'the value written is the new token');
    assert.strictEqual(now.crlf, `# api\r\nTURSO_API_TOKEN=${fresh}\r\nOTHER=1\r\n`);
    assert.strictEqual(now.quoted, `A=1\nexport TURSO_API_TOKEN="${fresh}" # ci\nB=2\n`);
    assert.strictEqual(await status(fresh), 200, 'the new token works');
    assert.strictEqual(await status(old.token), 401, 'the old token was revoked');

    // the emulator's log: the create (same organization), then the revoke, which came after the files changed
    assert.ok(atLastConfirm, 'the last confirmation was asked');
    assert.deepStrictEqual(atLastConfirm.sent, [`POST /v1/auth/api-tokens/${result.name}`], 'nothing was revoked before the last confirmation');
    assert.ok(atLastConfirm.crlf.includes(fresh) && atLastConfirm.quoted.includes(fresh), 'the files held the new value (on disk) when the revoke was asked');
    assert.ok(!atLastConfirm.crlf.includes(old.token) && !atLastConfirm.quoted.includes(old.token));
    const requests = requestsSince(mark);
    assert.deepStrictEqual(sent(requests), [`POST /v1/auth/api-tokens/${result.name}`, `DELETE /v1/auth/api-tokens/${old.name}`]);
    assert.deepStrictEqual(requests.find((r) => r.method === 'POST')?.body, { organization: 'acme' });

    // the tree: the old row gone, the new one there
    await waitFor(() => {
      const known = api.accounts.knownTokens() ?? [];
      return known.some((t) => t.id === result.id) && !known.some((t) => t.id === old.id);
    }, 'the account\'s list to have the new token and not the old one');
    assert.ok(shown.some((s) => s.kind === 'progress' && /Creating API token/.test(s.message)), 'a progress notification while creating');
    assert.ok(shown.some((s) => s.kind === 'info' && new RegExp(`Rotated API token "${old.name}"`).test(s.message)), describeShown(shown));
  });

  test('a group token\'s successor keeps the group and the permissions (no file holds it: its value is shown, copied, then the old one revoked)', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme', group: 'default', scopes: ['read', 'db:mint-token'] });
    const mark = emu.requests.length;
    answer([[/^Rotate API token/, 'Rotate'], [/^Revoke the old API token/, 'Revoke']]);
    const running = vscode.commands.executeCommand<RotateResult>('turso.rotateToken', (await rowOf(old.name)).node);
    // the value is put nowhere: the reveal panel shows it, and the old token waits until it is kept
    const probe = await waitFor(() => api.revealPanels().find((p) => p.revealed && p.tokenName.startsWith(`${old.name}-`)), 'the reveal panel of the successor');
    assert.deepStrictEqual(sent(requestsSince(mark)).filter((s) => s.startsWith('DELETE')), [], 'nothing revoked while the value is on screen');
    const clip = ui.clipboard.length;
    await probe.receive({ type: 'copy' });
    values.push(ui.clipboard[clip]);
    probe.panel?.dispose();
    const result = await running;
    assert.strictEqual(result?.outcome, 'rotated', describeShown(ui.shown));
    const post = requestsSince(mark).find((r) => r.method === 'POST');
    assert.deepStrictEqual(post?.body, { organization: 'acme', group: 'default', scopes: ['read', 'db:mint-token'] });
    const listed = (await listTokensOverHttp(emu)).find((t) => t.id === result.id);
    assert.ok(listed, 'the successor is listed');
    assert.deepStrictEqual([listed.organization, listed.group, [...(listed.scopes ?? [])].sort()], ['acme', 'default', ['db:mint-token', 'read']]);
    assert.ok(!(await listTokensOverHttp(emu)).some((t) => t.id === old.id), 'the old token was revoked');
  });

  test('rotating the token this extension is signed in with: it switches to the new one (still signed in) before the old one is revoked', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    assert.strictEqual(await signIn(old.token), true, 'signed in with the API token');
    await waitFor(async () => (await storedCredential(api.testProbe.secrets)) === old.token, 'the stored credential to be the API token');
    write('.env', `TURSO_API_TOKEN=${old.token}\n`);
    let credentialAtLastConfirm: string | undefined;
    let plan: Shown | undefined;
    answer([
      [/^Rotate API token/, (s) => { plan = s; return 'Rotate'; }],
      [/^Revoke the old API token/, async () => {
        credentialAtLastConfirm = await storedCredential(api.testProbe.secrets);
        return 'Revoke';
      }],
    ]);
    const result = await rotate((await rowOf(old.name)).node);
    assert.strictEqual(result.outcome, 'rotated', describeShown(ui.shown));
    assert.match(plan?.detail ?? '', /This extension is signed in with/);
    const credential = await storedCredential(api.testProbe.secrets);
    assert.ok(credential && credential !== old.token, 'the stored credential changed');
    values.push(credential);
    assert.strictEqual(jwtClaims(credential).jti, result.id, 'the extension is signed in with the new token');
    assert.strictEqual(credentialAtLastConfirm, credential, 'switched before the revoke was asked');
    assert.ok(api.accounts.activeId, 'still signed in');
    await waitForRoot(api, 'turso.user');
    await waitFor(() => api.accounts.knownTokens()?.some((t) => t.id === result.id), 'the tree lists the new token with the new credential');
    assert.strictEqual(await status(old.token), 401, 'the old token was revoked');
    assert.strictEqual(fs.readFileSync(path.join(base, '.env'), 'utf8'), `TURSO_API_TOKEN=${credential}\n`);
  });

  test('a create that fails: nothing written, nothing revoked, and the message says so', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const file = write('api/.env', `TURSO_API_TOKEN=${old.token}\n`);
    const name = unique('refused');
    nameAnswer = () => name;
    emu.injectFault({ method: 'POST', path: `/v1/auth/api-tokens/${name}`, kind: 'status', status: 400, error: 'invalid token name', times: 1 });
    const mark = emu.requests.length;
    const uiMark = ui.mark();
    answer([[/^Rotate API token/, 'Rotate'], [/^Revoke the old API token/, () => assert.fail('the revoke is never asked after a failed create')]]);
    const result = await rotate((await rowOf(old.name)).node);
    assert.strictEqual(result.outcome, 'failed');
    assert.strictEqual(fs.readFileSync(file, 'utf8'), `TURSO_API_TOKEN=${old.token}\n`, 'the file is unchanged');
    assert.deepStrictEqual(sent(requestsSince(mark)), [`POST /v1/auth/api-tokens/${name}`], 'no revoke');
    assert.strictEqual(await status(old.token), 200, 'the old token still works');
    const error = ui.messagesSince(uiMark, (s) => s.kind === 'error')[0];
    assert.ok(error, describeShown(ui.messagesSince(uiMark)));
    assert.match(error.message, new RegExp(`Couldn't create API token "${name}": invalid token name.* Nothing was changed: no file was touched and "${old.name}" still works`));
    assert.strictEqual(api.revealPanels().length, 0, 'no panel: there is no new value');
  });

  test('a revoke that fails (started from the code action on the env file\'s line): the files have the new value, the old token is still listed, and the message says so', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const file = write('svc/.env', `KEY=1\nTURSO_API_TOKEN=${old.token}\n`);
    await api.workspaceTokens.rescan();
    // the light bulb asks about an open document
    await vscode.workspace.openTextDocument(file);
    // the code action on the line, as the light bulb offers it
    const actions = await waitFor(async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', vscode.Uri.file(file), new vscode.Range(1, 20, 1, 20));
      return all?.find((a) => a.title === `Rotate API Token "${old.name}"…`);
    }, 'the "Rotate API Token" code action on the line');
    assert.ok(actions.command && actions.command.command === 'turso.rotateToken', JSON.stringify(actions.command?.command));
    assert.ok(!JSON.stringify(actions.command.arguments).includes(old.token.split('.')[2]), 'the code action carries no value');
    emu.injectFault({ method: 'DELETE', path: `/v1/auth/api-tokens/${old.name}`, kind: 'status', status: 403, error: 'you are not allowed to do that', times: 1 });
    const uiMark = ui.mark();
    answer([[/^Rotate API token/, 'Rotate'], [/^Revoke the old API token/, 'Revoke']]);
    const result = await vscode.commands.executeCommand<RotateResult>(actions.command.command, ...(actions.command.arguments ?? []));
    assert.strictEqual(result?.outcome, 'kept-old', describeShown(ui.messagesSince(uiMark)));
    const fresh = tokenIn(fs.readFileSync(file, 'utf8'));
    values.push(fresh);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), `KEY=1\nTURSO_API_TOKEN=${fresh}\n`);
    assert.strictEqual(jwtClaims(fresh).jti, result.id);
    assert.ok((await listTokensOverHttp(emu)).some((t) => t.id === old.id), 'the old token is still listed at Turso');
    await waitFor(() => api.accounts.knownTokens()?.some((t) => t.id === old.id), 'the old token still listed in the tree');
    const error = ui.messagesSince(uiMark, (s) => s.kind === 'error')[0];
    assert.ok(error, describeShown(ui.messagesSince(uiMark)));
    assert.match(error.message, new RegExp(`"${result.name}" is in place, but API token "${old.name}" was not revoked: .*It still works and is still listed`));
  });

  test('the person declines the final revoke (started from the palette): the old token is kept and the message says so', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const file = write('.env', `TURSO_API_TOKEN=${old.token}\n`);
    pickLabel = old.name;
    const mark = emu.requests.length;
    const uiMark = ui.mark();
    answer([[/^Rotate API token/, 'Rotate'], [/^Revoke the old API token/, undefined]]);
    const result = await rotate();
    assert.strictEqual(result.outcome, 'kept-old', describeShown(ui.messagesSince(uiMark)));
    const fresh = tokenIn(fs.readFileSync(file, 'utf8'));
    values.push(fresh);
    assert.strictEqual(jwtClaims(fresh).jti, result.id);
    assert.deepStrictEqual(sent(requestsSince(mark)), [`POST /v1/auth/api-tokens/${result.name}`], 'no revoke');
    assert.strictEqual(await status(old.token), 200, 'the old token still works');
    assert.ok(api.accounts.knownTokens()?.some((t) => t.id === old.id), 'the old token is still in the tree');
    assert.ok(ui.messagesSince(uiMark).some((s) => s.kind === 'info' && s.message.includes(`API token "${old.name}" was kept: it still works`)), describeShown(ui.messagesSince(uiMark)));
  });

  test('a .env git tracks is not written without consent; with "Stop Tracking and Replace" it is untracked, then written', async function () {
    this.timeout(90000);
    fs.mkdirSync(base, { recursive: true });
    git(base, 'init', '-q');
    const first = await minted({ organization: 'acme' });
    const tracked = write('tracked/.env', `TURSO_API_TOKEN=${first.token}\n`);
    const free = write('free/.env', `TURSO_API_TOKEN=${first.token}\n`);
    git(base, 'add', 'tracked/.env');
    git(base, 'commit', '-qm', 'env');

    // declined: the tracked file keeps the old token, the other one gets the new one
    let consent: Shown | undefined;
    let lastConfirm: Shown | undefined;
    answer([
      [/^Git tracks/, (s) => { consent = s; return 'Leave Them'; }],
      [/^Git does not ignore/, 'Ignore and Replace'],
      [/^Rotate API token/, 'Rotate'],
      [/^Revoke the old API token/, (s) => { lastConfirm = s; return undefined; }],
    ]);
    const declined = await rotate((await rowOf(first.name)).node);
    assert.strictEqual(declined.outcome, 'kept-old', describeShown(ui.shown));
    assert.ok(consent && consent.modal && consent.message.includes(`${rel}/tracked/.env`) && consent.items.includes('Stop Tracking and Replace'), JSON.stringify(consent));
    assert.strictEqual(fs.readFileSync(tracked, 'utf8'), `TURSO_API_TOKEN=${first.token}\n`, 'the tracked file was not written');
    assert.strictEqual(git(base, 'ls-files', '--', 'tracked/.env'), 'tracked/.env\n', 'still tracked');
    const fresh = tokenIn(fs.readFileSync(free, 'utf8'));
    values.push(fresh);
    assert.match(lastConfirm?.detail ?? '', new RegExp(`Still holding "${first.name}"[^\\n]*\\n\\s+\\S*${rel}/tracked/\\.env — git tracks it, and you chose to leave it as it is`));

    // cancelling the question creates nothing
    const mark = emu.requests.length;
    answer([[/^Git tracks/, undefined], [/^Rotate API token/, () => assert.fail('not asked after a cancelled consent')]]);
    assert.strictEqual((await rotate((await rowOf(first.name)).node)).outcome, 'cancelled');
    assert.deepStrictEqual(sent(requestsSince(mark)), [], 'nothing sent');

    // agreed: untracked first, then written
    const second = await minted({ organization: 'acme' });
    write('tracked/.env', `TURSO_API_TOKEN=${second.token}\n`);
    git(base, 'add', 'tracked/.env');
    git(base, 'commit', '-qm', 'env 2');
    answer([[/^Git tracks/, 'Stop Tracking and Replace'], [/^Git does not ignore/, 'Ignore and Replace'], [/^Rotate API token/, 'Rotate'], [/^Revoke the old API token/, 'Revoke']]);
    const agreed = await rotate((await rowOf(second.name)).node);
    assert.strictEqual(agreed.outcome, 'rotated', describeShown(ui.shown));
    const written = tokenIn(fs.readFileSync(tracked, 'utf8'));
    values.push(written);
    assert.strictEqual(jwtClaims(written).jti, agreed.id);
    assert.strictEqual(git(base, 'ls-files', '--', 'tracked/.env'), '', 'no longer tracked');
  });

  test('an env file that is a symbolic link is never written through; the plan says why', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const outside = fs.mkdtempSync(path.join(path.dirname(ws), 'turso-rotate-outside-'));
    try {
      const target = path.join(outside, 'shared.env');
      fs.writeFileSync(target, `TURSO_API_TOKEN=${old.token}\n`);
      fs.mkdirSync(path.join(base, 'linked'), { recursive: true });
      fs.symlinkSync(target, path.join(base, 'linked', '.env'));
      let plan: Shown | undefined;
      answer([[/^Rotate API token/, (s) => { plan = s; return undefined; }]]);
      const mark = emu.requests.length;
      assert.strictEqual((await rotate((await rowOf(old.name)).node)).outcome, 'cancelled');
      assert.match(plan?.detail ?? '', new RegExp(`${rel}/linked/\\.env:1 — it is a symbolic link to ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.deepStrictEqual(sent(requestsSince(mark)), [], 'nothing sent');
      assert.strictEqual(fs.readFileSync(target, 'utf8'), `TURSO_API_TOKEN=${old.token}\n`);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('a rotation whose confirmation is left open holds nothing: another rotation of the same token reaches the server meanwhile', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const file = write('.env', `TURSO_API_TOKEN=${old.token}\n`);
    const held = new HeldPrompts();
    let plans = 0;
    answer([
      [/^Rotate API token/, () => (++plans === 1 ? held.hold() : 'Rotate')],
      [/^Revoke the old API token/, undefined],
    ]);
    const row = await rowOf(old.name);
    const first = vscode.commands.executeCommand<RotateResult>('turso.rotateToken', row.node);
    await waitFor(() => held.count === 1, 'the first rotation\'s confirmation, left open');
    const mark = emu.requests.length;
    nameAnswer = () => `${old.name}-second`;
    const second = await rotate(row.node);
    assert.strictEqual(second.outcome, 'kept-old', describeShown(ui.shown.slice(-6)));
    assert.deepStrictEqual(sent(requestsSince(mark)), [`POST /v1/auth/api-tokens/${old.name}-second`], 'the second rotation was not told one is in progress');
    values.push(tokenIn(fs.readFileSync(file, 'utf8')));
    held.releaseAll();
    assert.strictEqual((await first)?.outcome, 'cancelled', 'the first one, dismissed, created nothing');
    assert.deepStrictEqual(sent(requestsSince(mark)), [`POST /v1/auth/api-tokens/${old.name}-second`]);
  });

  test('from an organization token row (own): created for the organization, the file rewritten, then revoked by id through the organization', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const file = write('api/.env', `TURSO_API_TOKEN=${old.token}\n`);
    const row = await orgRowOf('acme', `demo · ${old.name}`);
    assert.match(row.contextValue, /^turso\.orgToken;org;yours/);
    const mark = emu.requests.length;
    const uiMark = ui.mark();
    let atLastConfirm: { file: string; sent: string[] } | undefined;
    answer([
      [/^Rotate API token/, 'Rotate'],
      [/^Revoke the old API token/, () => {
        atLastConfirm = { file: fs.readFileSync(file, 'utf8'), sent: sent(requestsSince(mark)) };
        return 'Revoke';
      }],
    ]);
    const result = await rotate(row.node);
    assert.strictEqual(result.outcome, 'rotated', describeShown(ui.messagesSince(uiMark)));
    const fresh = tokenIn(fs.readFileSync(file, 'utf8'));
    values.push(fresh);
    assert.strictEqual(jwtClaims(fresh).jti, result.id);
    assert.ok(atLastConfirm, 'the last confirmation was asked');
    assert.deepStrictEqual(atLastConfirm.sent, [`POST /v1/auth/api-tokens/${result.name}`], 'nothing was revoked before the last confirmation');
    assert.strictEqual(atLastConfirm.file, `TURSO_API_TOKEN=${fresh}\n`, 'the file held the new value when the revoke was asked');
    const requests = requestsSince(mark);
    assert.deepStrictEqual(sent(requests), [`POST /v1/auth/api-tokens/${result.name}`, `DELETE /v1/organizations/acme/api-tokens/${old.id}`]);
    assert.deepStrictEqual(requests.find((r) => r.method === 'POST')?.body, { organization: 'acme' });
    assert.strictEqual(await status(old.token), 401, 'the old token was revoked');
    // both lists: the organization's and the account's own
    await orgRowOf('acme', `demo · ${result.name}`);
    assert.ok(!(await orgTokenRows('acme')).some((r) => r.label === `demo · ${old.name}`), 'the old row is gone from the organization');
    await waitFor(() => {
      const known = api.accounts.knownTokens() ?? [];
      return known.some((t) => t.id === result.id) && !known.some((t) => t.id === old.id);
    }, 'the account\'s list to have the new token and not the old one');
  });

  test('a colleague\'s organization token (as admin): the dialogs say the owner changes; the successor is mine, the old one revoked by id', async function () {
    this.timeout(60000);
    const old = await colleagues();
    const file = write('ops/.env', `ALICE_TOKEN=${old.token}\n`);
    const row = await orgRowOf('acme', `alice · ${old.name}`);
    assert.doesNotMatch(row.contextValue, /;yours/);
    const mark = emu.requests.length;
    const uiMark = ui.mark();
    let plan: Shown | undefined;
    let last: Shown | undefined;
    answer([
      [/^Rotate API token/, (s) => { plan = s; return 'Rotate'; }],
      [/^Revoke the old API token/, (s) => { last = s; return 'Revoke'; }],
    ]);
    const result = await rotate(row.node);
    assert.strictEqual(result.outcome, 'rotated', describeShown(ui.messagesSince(uiMark)));
    assert.strictEqual(plan?.message, `Rotate API token "${old.name}" of alice?`);
    assert.match(plan?.detail ?? '', new RegExp(`The new token is minted by you \\(demo\\), while "${old.name}" was minted by alice: its owner changes`));
    assert.strictEqual(last?.message, `Revoke the old API token "${old.name}" of alice?`);
    assert.match(last?.detail ?? '', new RegExp(`"${old.name}" was minted by alice; "${result.name}", minted by you \\(demo\\), replaces it`));
    const fresh = tokenIn(fs.readFileSync(file, 'utf8'));
    values.push(fresh);
    assert.strictEqual(jwtClaims(fresh).jti, result.id);
    assert.deepStrictEqual(sent(requestsSince(mark)), [`POST /v1/auth/api-tokens/${result.name}`, `DELETE /v1/organizations/acme/api-tokens/${old.id}`]);
    assert.ok(!(await listTokensOverHttp(emu, emu.aliceToken)).some((t) => t.id === old.id), 'alice\'s token was revoked');
    assert.ok((await listTokensOverHttp(emu)).some((t) => t.id === result.id), 'the successor is demo\'s');
    await orgRowOf('acme', `demo · ${result.name}`);
    assert.ok(!(await orgTokenRows('acme')).some((r) => r.label === `alice · ${old.name}`), 'the old row is gone from the organization');
    await waitFor(() => api.accounts.knownTokens()?.some((t) => t.id === result.id), 'the successor among the account\'s own tokens');
  });

  test('a colleague\'s token after the admin role was lost: the revoke answers 403, the successor is kept (its value was delivered), the old token too, and the message says why', async function () {
    this.timeout(60000);
    const old = await colleagues();
    const row = await orgRowOf('acme', `alice · ${old.name}`);
    // the role changes at Turso while the row is on screen
    emu.setMemberRole('acme', 'demo', 'member');
    try {
      const mark = emu.requests.length;
      const uiMark = ui.mark();
      answer([[/^Rotate API token/, 'Rotate'], [/^Revoke the old API token/, 'Revoke']]);
      const running = vscode.commands.executeCommand<RotateResult>('turso.rotateToken', row.node);
      // no file holds it: the value is shown, and kept (copied) before the revoke is asked
      const probe = await waitFor(() => api.revealPanels().find((p) => p.revealed && p.tokenName.startsWith(`${old.name}-`)), 'the reveal panel of the successor');
      const clip = ui.clipboard.length;
      await probe.receive({ type: 'copy' });
      const fresh = ui.clipboard[clip];
      values.push(fresh);
      probe.panel?.dispose();
      const result = await running;
      assert.strictEqual(result?.outcome, 'kept-old', describeShown(ui.messagesSince(uiMark)));
      assert.strictEqual(jwtClaims(fresh).jti, result.id, 'the value delivered is the successor\'s');
      assert.strictEqual(await status(fresh), 200, 'the successor works');
      assert.strictEqual(await status(old.token), 200, 'the old token still works');
      const requests = requestsSince(mark).filter((r) => r.method === 'POST' || r.method === 'DELETE').map((r) => `${r.method} ${r.path} ${r.status}`);
      assert.deepStrictEqual(requests, [`POST /v1/auth/api-tokens/${result.name} 200`, `DELETE /v1/organizations/acme/api-tokens/${old.id} 403`]);
      const error = ui.messagesSince(uiMark, (s) => s.kind === 'error')[0];
      assert.ok(error, describeShown(ui.messagesSince(uiMark)));
      assert.match(error.message, new RegExp(`"${result.name}" is in place, but you can't revoke API token "${old.name}" of alice: in "acme" only owners and admins may revoke other members' tokens.*"${old.name}" still works`));
      assert.ok((await listTokensOverHttp(emu, emu.aliceToken)).some((t) => t.id === old.id), 'alice\'s token is still listed at Turso');

      // the 403 reloaded the organization, with the role (no Refresh): as a member, only demo's own
      // tokens; a row of alice's left from before is refused at once, nothing created
      await waitFor(async () => !(await orgTokenRows('acme')).some((r) => r.label.startsWith('alice · ')), 'acme to list only demo\'s tokens (reloaded after the 403, without a Refresh)', 10000);
      const again = requestsSince(mark).length + mark;
      const refusedMark = ui.mark();
      answer([[/^Rotate API token/, () => assert.fail('not asked: the role does not allow the revoke')]]);
      assert.strictEqual((await rotate(row.node)).outcome, 'failed');
      assert.deepStrictEqual(sent(requestsSince(again)), [], 'nothing sent');
      assert.match(ui.messagesSince(refusedMark, (s) => s.kind === 'error')[0]?.message ?? '', new RegExp(`can't rotate API token "${old.name}" of alice: .*you are a member\\. Nothing was created`));
    } finally {
      emu.setMemberRole('acme', 'demo', 'admin');
      await vscode.commands.executeCommand('turso.refresh');
    }
  });

  test('an organization token row (a colleague\'s) used in an env file says so, and only that row is repainted; Open Where Used opens the line', async function () {
    this.timeout(60000);
    const old = await colleagues();
    const row = await orgRowOf('acme', `alice · ${old.name}`);
    assert.doesNotMatch(row.contextValue, /;used/);
    // the refresh of colleagues() has repainted what it repaints
    await api.accounts.whenLoaded();
    const events: unknown[] = [];
    const sub = (api.tokensTree.onDidChangeTreeData as vscode.Event<unknown>)((e) => events.push(e));
    try {
      write('svc/.env', `A=1\nPARTNER_TOKEN=${old.token}\n`);
      await api.workspaceTokens.rescan();
      const where = `${rel}/svc/.env`;
      const item = await waitFor(async () => {
        const it = await api.tokensTree.getTreeItem(row.node);
        return typeof it.description === 'string' && it.description.includes(`used in ${where}`) ? it : undefined;
      }, `the row to say "used in ${where}"`);
      assert.match(item.contextValue ?? '', /^turso\.orgToken;org;used$/);
      const resolved = await api.tokensTree.resolveTreeItem!(new vscode.TreeItem('x'), row.node, new vscode.CancellationTokenSource().token);
      // (as it reads: older hosts escape more characters in appended text)
      const tooltip = (resolved?.tooltip as vscode.MarkdownString).value.replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1');
      assert.ok(tooltip.includes(`**Used in:** ${where}`), `the tooltip lists the file: ${tooltip}`);
      // the row itself was repainted (the same object the view holds), never the whole tree
      assert.ok(events.length > 0, 'a change was fired');
      assert.ok(events.every((e) => e !== undefined), `no whole-tree change: ${events.length} events`);
      assert.ok(events.some((e) => e === row.node || (Array.isArray(e) && e.includes(row.node))), 'the row was repainted');
    } finally {
      sub.dispose();
    }
    const usage = await vscode.commands.executeCommand<{ line: number } | undefined>('turso.openTokenUsage', row.node);
    assert.strictEqual(usage?.line, 1, 'Open Where Used found the line');
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, path.join(base, 'svc', '.env'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** Runs the command while its value is expected in a reveal panel: waits for the panel, copies the value, closes it. */
  async function rotateToPanel(arg: unknown, oldName: string): Promise<{ result: RotateResult | undefined; value: string }> {
    let failed: unknown;
    const running = vscode.commands.executeCommand<RotateResult>('turso.rotateToken', arg);
    running.then(undefined, (err) => (failed = err ?? 'rejected'));
    const probe = await waitFor(
      () => (failed ? { failed } : api.revealPanels().find((p) => p.revealed && p.tokenName.startsWith(`${oldName}-`))),
      'the reveal panel of the successor', 50000,
    );
    if ('failed' in probe) {
      assert.fail(`turso.rotateToken threw, and no panel showed the new value: ${String((probe.failed as Error).message ?? probe.failed)}`);
    }
    const clip = ui.clipboard.length;
    await probe.receive({ type: 'copy' });
    const value = ui.clipboard[clip];
    values.push(value);
    probe.panel?.dispose();
    return { result: await running, value };
  }

  test('a .env swapped for a symbolic link once the plan is confirmed: nothing written through it, the new value shown, the old token kept', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const file = write('swap/.env', `TURSO_API_TOKEN=${old.token}\n`);
    const outside = fs.mkdtempSync(path.join(path.dirname(ws), 'turso-rotate-swap-'));
    const target = path.join(outside, 'shared.env');
    fs.writeFileSync(target, `TURSO_API_TOKEN=${old.token}\n`);
    // The swap lands between the plan (the file was a regular file then) and the write.
    const swap = (): string => {
      fs.rmSync(file);
      fs.symlinkSync(target, file);
      return 'Rotate';
    };
    try {
      const mark = emu.requests.length;
      const uiMark = ui.mark();
      answer([[/^Rotate API token/, swap], [/^Revoke the old API token/, undefined]]);
      const { result, value } = await rotateToPanel((await rowOf(old.name)).node, old.name);
      assert.ok(result && result.outcome !== 'rotated', describeShown(ui.messagesSince(uiMark)));
      assert.strictEqual(jwtClaims(value).jti, result.id, 'the value shown is the successor\'s');
      assert.strictEqual(await status(value), 200, 'the successor works');
      assert.strictEqual(await status(old.token), 200, 'the old token still works');
      assert.deepStrictEqual(sent(requestsSince(mark)).filter((r) => r.startsWith('DELETE')), [], 'nothing revoked');
      assert.strictEqual(fs.readFileSync(target, 'utf8'), `TURSO_API_TOKEN=${old.token}\n`, 'nothing written through the link');
      assert.ok(fs.lstatSync(file).isSymbolicLink(), 'the link is left as it is');
      assert.strictEqual(api.revealPanels().filter((p) => p.tokenName === result.name).length, 0, 'one panel, closed');
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('the last confirmation failing (a dialog that throws): the new value is shown once, the old token kept', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const file = write('.env', `TURSO_API_TOKEN=${old.token}\n`);
    const mark = emu.requests.length;
    const uiMark = ui.mark();
    answer([[/^Rotate API token/, 'Rotate'], [/^Revoke the old API token/, () => { throw new Error('the dialog broke'); }]]);
    const { result, value } = await rotateToPanel((await rowOf(old.name)).node, old.name);
    assert.strictEqual(result?.outcome, 'failed', describeShown(ui.messagesSince(uiMark)));
    assert.strictEqual(fs.readFileSync(file, 'utf8'), `TURSO_API_TOKEN=${value}\n`, 'the file has the value shown');
    assert.strictEqual(await status(old.token), 200, 'the old token still works');
    assert.deepStrictEqual(sent(requestsSince(mark)), [`POST /v1/auth/api-tokens/${result.name}`], 'nothing revoked');
    const error = ui.messagesSince(uiMark, (s) => s.kind === 'error')[0];
    assert.match(error?.message ?? '', new RegExp(`The rotation of API token "${old.name}" stopped after its successor "${result.name}" was created: the dialog broke`));
  });

  /** The file a list's item stands for (its label may elide folders): the item carries its plan. */
  const fileOf = (item: vscode.QuickPickItem): string => (item as vscode.QuickPickItem & { plan: { shown: string } }).plan.shown;

  /** 14 env files on realistic monorepo paths (long enough that a dialog could not name them all). */
  function monorepo(value: string): string[] {
    const services = ['payments-gateway-reconciliation', 'customer-notifications-dispatcher', 'analytics-ingestion-pipeline', 'identity-federation-bridge',
      'inventory-forecasting-service', 'search-indexing-coordinator', 'billing-invoice-renderer'];
    return services.flatMap((svc) => ['production-eu-west-1', 'staging-us-east-2'].map((env) =>
      path.relative(base, write(`services/${svc}/deploy/environments/${env}/.env`, `TURSO_API_TOKEN=${value}\n`)).split(path.sep).join('/')));
  }

  test('14 files on long paths: the files are a list to check (all checked), and only those kept are written', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const files = monorepo(old.token);
    const kept = files.slice(0, 10);
    multiPick = (_title, items) => items.filter((i) => kept.some((k) => fileOf(i).endsWith(k)));
    let plan: Shown | undefined;
    answer([[/^Rotate API token/, (s) => { plan = s; return 'Rotate'; }], [/^Revoke the old API token/, undefined]]);
    const result = await rotate((await rowOf(old.name)).node);
    assert.strictEqual(result.outcome, 'kept-old', describeShown(ui.shown.slice(-4)));
    assert.strictEqual(lists.length, 1, 'the files were shown as a list');
    assert.strictEqual(lists[0].items.length, 14, 'every file in the list');
    assert.strictEqual(lists[0].checked.length, 14, 'all checked');
    assert.match(lists[0].title, new RegExp(`Files to Write in \\S*${rel}/services/$`), 'the shared folders in the title');
    assert.ok(lists[0].items.every((i) => /^[a-z-]+\/…\/(production-eu-west-1|staging-us-east-2)\/\.env$/.test(i.label)), lists[0].items.map((i) => i.label).join('\n'));
    assert.match(plan?.detail ?? '', /The 10 files you kept in the list get the new token/);
    for (const f of files) {
      const text = fs.readFileSync(path.join(base, f), 'utf8');
      if (kept.includes(f)) {
        assert.strictEqual(jwtClaims(tokenIn(text)).jti, result.id, `${f} was written`);
      } else {
        assert.strictEqual(text, `TURSO_API_TOKEN=${old.token}\n`, `${f}, left out of the list, was not written`);
      }
    }
    values.push(tokenIn(fs.readFileSync(path.join(base, kept[0]), 'utf8')));
  });

  test('3 files on paths too long for a dialog: a list too, and a file unchecked there is left as it is', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const deep = (n: number) => `platform/${'shared-infrastructure-configuration/'.repeat(4)}tenant-${n}/.env`;
    const files = [1, 2, 3].map((n) => path.relative(base, write(deep(n), `TURSO_API_TOKEN=${old.token}\n`)).split(path.sep).join('/'));
    multiPick = (_title, items) => items.filter((i) => !fileOf(i).endsWith(files[2]));
    let plan: Shown | undefined;
    answer([[/^Rotate API token/, (s) => { plan = s; return 'Rotate'; }], [/^Revoke the old API token/, undefined]]);
    const result = await rotate((await rowOf(old.name)).node);
    assert.strictEqual(result.outcome, 'kept-old', describeShown(ui.shown.slice(-4)));
    assert.strictEqual(lists[0]?.checked.length, 3, 'the 3 files listed, all checked');
    assert.match(plan?.detail ?? '', /The 2 files you kept in the list get the new token/);
    assert.match(plan?.detail ?? '', /tenant-3\/\.env:1 — you left it out of the list/);
    assert.strictEqual(fs.readFileSync(path.join(base, files[2]), 'utf8'), `TURSO_API_TOKEN=${old.token}\n`, 'the file unchecked was not written');
    const fresh = tokenIn(fs.readFileSync(path.join(base, files[0]), 'utf8'));
    values.push(fresh);
    assert.strictEqual(jwtClaims(fresh).jti, result.id);
  });

  test('14 tracked files on long paths: "Stop Tracking and Replace" untracks and writes only the files kept in the list', async function () {
    this.timeout(90000);
    fs.mkdirSync(base, { recursive: true });
    git(base, 'init', '-q');
    const old = await minted({ organization: 'acme' });
    const files = monorepo(old.token);
    git(base, 'add', '.');
    git(base, 'commit', '-qm', 'env');
    const kept = files.slice(4);
    multiPick = (_title, items) => items.filter((i) => kept.some((k) => fileOf(i).endsWith(k)));
    let consent: Shown | undefined;
    answer([
      [/^Git tracks/, (s) => { consent = s; return 'Stop Tracking and Replace'; }],
      [/^Rotate API token/, 'Rotate'],
      [/^Revoke the old API token/, undefined],
    ]);
    const result = await rotate((await rowOf(old.name)).node);
    assert.strictEqual(result.outcome, 'kept-old', describeShown(ui.shown.slice(-4)));
    assert.strictEqual(lists[0]?.checked.length, 14, 'the 14 files listed, all checked');
    assert.match(consent?.message ?? '', /^Git tracks 10 of the files you kept in the list/);
    const tracked = git(base, 'ls-files').trim().split('\n').filter((l) => l.endsWith('.env'));
    assert.deepStrictEqual(tracked.sort(), files.slice(0, 4).sort(), 'only the files kept were untracked');
    for (const f of files) {
      const text = fs.readFileSync(path.join(base, f), 'utf8');
      if (kept.includes(f)) {
        assert.strictEqual(jwtClaims(tokenIn(text)).jti, result.id, `${f} was written`);
      } else {
        assert.strictEqual(text, `TURSO_API_TOKEN=${old.token}\n`, `${f} was not written`);
      }
    }
    values.push(tokenIn(fs.readFileSync(path.join(base, kept[0]), 'utf8')));
  });

  test('a value carrying the token\'s id that Turso does not accept (a forged copy) is never overwritten; the plan says why', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const [head, payload] = old.token.split('.');
    const forged = `${head}.${payload}.${randomBytes(64).toString('base64url')}`;
    const real = write('real/.env', `TURSO_API_TOKEN=${old.token}\n`);
    const fake = write('fake/.env', `TURSO_API_TOKEN=${forged}\n`);
    let plan: Shown | undefined;
    answer([[/^Rotate API token/, (s) => { plan = s; return 'Rotate'; }], [/^Revoke the old API token/, 'Revoke']]);
    const result = await rotate((await rowOf(old.name)).node);
    assert.strictEqual(result.outcome, 'rotated', describeShown(ui.shown.slice(-4)));
    assert.strictEqual(fs.readFileSync(fake, 'utf8'), `TURSO_API_TOKEN=${forged}\n`, 'the forged value was not overwritten');
    assert.match(plan?.detail ?? '', new RegExp(`${rel}/fake/\\.env:1 — it holds a value with the id of this token that Turso does not accept as this token`));
    const fresh = tokenIn(fs.readFileSync(real, 'utf8'));
    values.push(fresh);
    assert.strictEqual(jwtClaims(fresh).jti, result.id, 'the real one was written');
  });

  test('an untracked file git does not ignore: asked as Save to .env asks; "Ignore and Replace" adds it to .gitignore, then writes it', async function () {
    this.timeout(60000);
    fs.mkdirSync(base, { recursive: true });
    git(base, 'init', '-q');
    const old = await minted({ organization: 'acme' });
    const file = write('app/.env.local', `TURSO_API_TOKEN=${old.token}\n`);
    let asked: Shown | undefined;
    answer([
      [/^Git does not ignore/, (s) => { asked = s; return 'Ignore and Replace'; }],
      [/^Rotate API token/, 'Rotate'],
      [/^Revoke the old API token/, 'Revoke'],
    ]);
    const result = await rotate((await rowOf(old.name)).node);
    assert.strictEqual(result.outcome, 'rotated', describeShown(ui.shown.slice(-4)));
    assert.ok(asked?.modal && asked.message.includes(`${rel}/app/.env.local`) && asked.items.includes('Leave Them'), JSON.stringify(asked));
    assert.strictEqual(fs.readFileSync(path.join(base, 'app', '.gitignore'), 'utf8'), '/.env.local\n');
    assert.strictEqual(git(base, 'check-ignore', 'app/.env.local').trim(), 'app/.env.local', 'git ignores it now');
    const fresh = tokenIn(fs.readFileSync(file, 'utf8'));
    values.push(fresh);
    assert.strictEqual(jwtClaims(fresh).jti, result.id);

    // "Leave Them": not written, not ignored
    const second = await minted({ organization: 'acme' });
    const other = write('web/.env', `TURSO_API_TOKEN=${second.token}\n`);
    answer([[/^Git does not ignore/, 'Leave Them'], [/^Rotate API token/, 'Rotate'], [/^Revoke the old API token/, undefined]]);
    const left = await rotateToPanel((await rowOf(second.name)).node, second.name);
    assert.strictEqual(left.result?.outcome, 'kept-old');
    assert.strictEqual(fs.readFileSync(other, 'utf8'), `TURSO_API_TOKEN=${second.token}\n`, 'left as it was');
    assert.ok(!fs.existsSync(path.join(base, 'web', '.gitignore')), 'no .gitignore written');
  });

  test('a token of the old name minted again while the last confirmation was open is not revoked: the name is checked against the old id', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const file = write('.env', `TURSO_API_TOKEN=${old.token}\n`);
    let impostor: { id: string; token: string } | undefined;
    const mark = emu.requests.length;
    const uiMark = ui.mark();
    answer([
      [/^Rotate API token/, 'Rotate'],
      [/^Revoke the old API token/, async () => {
        // meanwhile, elsewhere: the old token revoked, and a new one minted under its name
        const res = await fetch(`${emu.url.replace(/\/$/, '')}/v1/auth/api-tokens/${old.name}`, { method: 'DELETE', headers: { authorization: `Bearer ${emu.demoToken}` } });
        assert.strictEqual(res.status, 200, 'revoked elsewhere');
        impostor = emu.addApiToken({ name: old.name, owner: 'demo', organization: 'acme' });
        values.push(impostor.token);
        return 'Revoke';
      }],
    ]);
    const result = await rotate((await rowOf(old.name)).node);
    values.push(tokenIn(fs.readFileSync(file, 'utf8')));
    assert.ok(impostor, 'the last confirmation was asked');
    assert.strictEqual(await status(impostor.token), 200, 'the token now named as the old one still works');
    assert.deepStrictEqual(sent(requestsSince(mark)).filter((r) => r.startsWith('DELETE')), [`DELETE /v1/auth/api-tokens/${old.name}`], 'only the revoke made elsewhere');
    assert.strictEqual(result.outcome, 'kept-old', describeShown(ui.messagesSince(uiMark)));
    assert.match(ui.messagesSince(uiMark, (s) => s.kind === 'warning').at(-1)?.message ?? '', new RegExp(`the name "${old.name}" now belongs to another token`));
  });

  // ---- the GitHub Actions secrets the old token was saved to (issue 24) --------------------------

  const REPO_SECRET: SecretPlace = { host: 'github.com', owner: 'acme', repo: 'app', name: 'TURSO_API_TOKEN' };
  const ENV_SECRET: SecretPlace = { host: 'github.com', owner: 'acme', repo: 'app', environment: 'production', name: 'TURSO_API_TOKEN' };
  const REPO_LABEL = 'acme/app · TURSO_API_TOKEN';
  const ENV_LABEL = 'acme/app (production) · TURSO_API_TOKEN';
  const labelOf = (p: SecretPlace) => (p.environment ? `${p.owner}/${p.repo} (${p.environment}) · ${p.name}` : `${p.owner}/${p.repo} · ${p.name}`);

  /**
   * A writer that records each secret written and, at that moment, whether the env file already held
   * the value written and how many revokes had been sent; the values stay in memory (never logged).
   * `refuse`: the secrets it fails, with the error.
   */
  function recordingWriter(file: string | undefined, refuse: (p: SecretPlace) => Error | undefined = () => undefined) {
    const writes: { label: string; value: string; inFileFirst: boolean; deletesBefore: number }[] = [];
    const writer: SecretWriter = {
      write: async (place, value) => {
        const error = refuse(place);
        writes.push({
          label: labelOf(place),
          value,
          inFileFirst: file === undefined || fs.readFileSync(file, 'utf8').includes(value),
          deletesBefore: emu.requests.filter((r) => r.method === 'DELETE').length,
        });
        if (error) throw error;
        return 'updated';
      },
    };
    api.setSecretWriter(writer);
    return writes;
  }

  /**
   * What is remembered for `tokenId`, once global state has settled: VS Code's global state takes
   * back the value another write of this extension sent when that write's echo comes back (the
   * rotation reads its moves back and makes them again: src/commands/rotate/steps.ts moveKept).
   */
  async function remembered(tokenId: string, labels: string[], what: string): Promise<void> {
    let last: string[] = [];
    await waitFor(() => {
      last = api.secretPlaces.of(tokenId).map(labelOf);
      return JSON.stringify(last) === JSON.stringify(labels) || undefined;
    }, what).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(last)}`);
    });
  }

  test('a token row says which GitHub Actions secrets hold it (seeded in global state, then changed): repainted in place, the tooltip lists each', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    assert.doesNotMatch((await rowOf(old.name)).description, /GitHub secret/);
    // As another window would leave it: straight in global state, read with the next load.
    const stored = api.testProbe.globalState.get<Record<string, SecretPlace[]>>('turso.githubSecretPlaces') ?? {};
    await api.testProbe.globalState.update('turso.githubSecretPlaces', { ...stored, [old.id]: [REPO_SECRET] });
    await vscode.commands.executeCommand('turso.refresh');
    const row = await waitFor(async () => {
      const r = await rowOf(old.name);
      return r.description.includes(`in GitHub secret ${REPO_LABEL}`) ? r : undefined;
    }, `the row to say "in GitHub secret ${REPO_LABEL}"`);
    await api.accounts.whenLoaded();
    const events: unknown[] = [];
    const sub = (api.tokensTree.onDidChangeTreeData as vscode.Event<unknown>)((e) => events.push(e));
    try {
      await api.secretPlaces.add(old.id, ENV_SECRET);
      const item = await waitFor(async () => {
        const it = await api.tokensTree.getTreeItem(row.node);
        return typeof it.description === 'string' && it.description.endsWith('in 2 GitHub secrets') ? it : undefined;
      }, 'the row to say "in 2 GitHub secrets"');
      assert.ok(item);
      const resolved = await api.tokensTree.resolveTreeItem!(new vscode.TreeItem('x'), row.node, new vscode.CancellationTokenSource().token);
      // (as it reads: hosts escape characters and spaces in appended text)
      const tooltip = (resolved?.tooltip as vscode.MarkdownString).value.replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1').replace(/&nbsp;/g, ' ');
      assert.ok(tooltip.includes(`**GitHub secret:** ${REPO_LABEL}`) && tooltip.includes(`**GitHub secret:** ${ENV_LABEL}`), `the tooltip lists each secret: ${tooltip}`);
      assert.ok(events.length > 0 && events.every((e) => e !== undefined), `the row repainted, never the whole tree: ${events.length} events`);
      assert.ok(events.some((e) => Array.isArray(e) && e.includes(row.node)), 'the row was repainted');
    } finally {
      sub.dispose();
    }
    await api.secretPlaces.forget(old.id);
    await waitFor(async () => {
      const it = await api.tokensTree.getTreeItem(row.node);
      return typeof it.description === 'string' && !it.description.includes('GitHub secret') ? it : undefined;
    }, 'the row to no longer name a GitHub secret');
  });

  test('an organization token row (a colleague\'s) says which GitHub Actions secret holds it, repainted in place when saved and when forgotten', async function () {
    this.timeout(60000);
    const old = await colleagues();
    await orgRowOf('acme', `alice · ${old.name}`);
    // the refresh of colleagues() has repainted what it repaints: the row as the tree holds it now
    await api.accounts.whenLoaded();
    await (api as unknown as { organizations: { existing(id: string | undefined): { settled(): Promise<void> } | undefined } }).organizations.existing(api.accounts.activeId)?.settled();
    const row = await orgRowOf('acme', `alice · ${old.name}`);
    assert.doesNotMatch(row.description, /GitHub secret/);
    const events: unknown[] = [];
    const sub = (api.tokensTree.onDidChangeTreeData as vscode.Event<unknown>)((e) => events.push(e));
    try {
      await api.secretPlaces.add(old.id, ENV_SECRET);
      await waitFor(async () => {
        const it = await api.tokensTree.getTreeItem(row.node);
        return typeof it.description === 'string' && it.description.endsWith(`in GitHub secret ${ENV_LABEL}`) ? it : undefined;
      }, `the organization row to say "in GitHub secret ${ENV_LABEL}"`).catch(async (err: Error) => {
        const it = await api.tokensTree.getTreeItem(row.node);
        throw new Error(`${err.message}; it says "${String(it.description)}"; remembered: ${JSON.stringify(api.secretPlaces.of(old.id))}; ${events.length} events; node ${JSON.stringify((row.node as { secrets?: unknown }).secrets)}`);
      });
      assert.ok(events.length > 0 && events.every((e) => e !== undefined), `the row repainted, never the whole tree: ${events.length} events`);
      assert.ok(events.some((e) => Array.isArray(e) && e.includes(row.node)), 'the row was repainted');
    } finally {
      sub.dispose();
    }
    await api.secretPlaces.forget(old.id);
    await waitFor(async () => {
      const it = await api.tokensTree.getTreeItem(row.node);
      return typeof it.description === 'string' && !it.description.includes('GitHub secret') ? it : undefined;
    }, 'the organization row to no longer name a GitHub secret');
  });

  test('the GitHub Actions secrets of the old token (a repository and an environment secret) get the new value after the env file, before the revoke; both dialogs name them', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const file = write('.env', `TURSO_API_TOKEN=${old.token}\n`);
    await api.secretPlaces.add(old.id, REPO_SECRET);
    await api.secretPlaces.add(old.id, ENV_SECRET);
    const writes = recordingWriter(file);
    let plan: Shown | undefined;
    let last: Shown | undefined;
    const uiMark = ui.mark();
    answer([[/^Rotate API token/, (x) => { plan = x; return 'Rotate'; }], [/^Revoke the old API token/, (x) => { last = x; return 'Revoke'; }]]);
    const deletes = emu.requests.filter((r) => r.method === 'DELETE').length;
    const result = await rotate((await rowOf(old.name)).node);
    assert.strictEqual(result.outcome, 'rotated', describeShown(ui.messagesSince(uiMark)));
    const fresh = tokenIn(fs.readFileSync(file, 'utf8'));
    values.push(fresh);
    assert.deepStrictEqual(writes.map((w) => w.label), [REPO_LABEL, ENV_LABEL], 'each secret written once, in order');
    assert.ok(writes.every((w) => w.value === fresh), 'each secret got the new token\'s value');
    assert.ok(writes.every((w) => w.inFileFirst), 'the env file was written first');
    assert.ok(writes.every((w) => w.deletesBefore === deletes), 'before the revoke');
    assert.match(plan?.detail ?? '', new RegExp(`These GitHub Actions secrets hold "${old.name}" and get the new token[^\\n]*\\n  ${REPO_LABEL}\\n  acme/app \\(production\\) · TURSO_API_TOKEN`));
    assert.match(last?.detail ?? '', new RegExp(`"${result.name}" is now in these GitHub Actions secrets:\\n  ${REPO_LABEL}\\n  acme/app \\(production\\) · TURSO_API_TOKEN`));
    assert.strictEqual(await status(old.token), 401, 'the old token was revoked');
    await remembered(old.id, [], 'nothing is remembered for the old token');
    await remembered(result.id!, [REPO_LABEL, ENV_LABEL], 'both are remembered for the new one');
    assert.ok(ui.messagesSince(uiMark).some((x) => x.kind === 'info' && x.message.includes(`GitHub Actions secrets updated: ${REPO_LABEL}, ${ENV_LABEL}.`)), describeShown(ui.messagesSince(uiMark)));
    await waitFor(async () => (await rowOf(result.name!)).description.endsWith('in 2 GitHub secrets') || undefined, 'the new token\'s row to say "in 2 GitHub secrets"');
  });

  test('a GitHub Actions secret that cannot be updated keeps the old token: the new value is shown once, the message names that secret and why', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    const file = write('.env', `TURSO_API_TOKEN=${old.token}\n`);
    await api.secretPlaces.add(old.id, REPO_SECRET);
    await api.secretPlaces.add(old.id, ENV_SECRET);
    const why = 'Saving secret TURSO_API_TOKEN to environment "production" of acme/app failed: GitHub Actions is disabled for acme/app. Enable Actions in the repository\'s settings, then try again.';
    const writes = recordingWriter(file, (p) => (p.environment ? new Error(why) : undefined));
    const mark = emu.requests.length;
    const uiMark = ui.mark();
    answer([[/^Rotate API token/, 'Rotate'], [/^Revoke the old API token/, () => assert.fail('the revoke is never asked after a secret failed')]]);
    const { result, value } = await rotateToPanel((await rowOf(old.name)).node, old.name);
    assert.strictEqual(result?.outcome, 'failed', describeShown(ui.messagesSince(uiMark)));
    assert.strictEqual(value, tokenIn(fs.readFileSync(file, 'utf8')), 'the panel showed the new value (in the file too)');
    assert.deepStrictEqual(writes.map((w) => w.label), [REPO_LABEL, ENV_LABEL]);
    assert.ok(writes.every((w) => w.value === value));
    assert.deepStrictEqual(sent(requestsSince(mark)).filter((x) => x.startsWith('DELETE')), [], 'nothing revoked');
    assert.strictEqual(await status(old.token), 200, 'the old token still works');
    const error = ui.messagesSince(uiMark, (x) => x.kind === 'error')[0];
    assert.ok(error, describeShown(ui.messagesSince(uiMark)));
    assert.strictEqual(error.message, `API token "${result?.name}" was created, but GitHub Actions secret ${ENV_LABEL} could not be updated. ${why} These hold "${result?.name}" now: ${REPO_LABEL}. "${old.name}" was not revoked: it still works. The new token is shown so that it is not lost.`);
    await remembered(old.id, [ENV_LABEL], 'the secret not updated stays with the old token');
    await remembered(result!.id!, [REPO_LABEL], 'the one updated is remembered for the new token');
    await api.secretPlaces.forget(old.id);
  });

  test('revoking a token forgets the GitHub Actions secrets it was saved to', async function () {
    this.timeout(60000);
    const old = await minted({ organization: 'acme' });
    await api.secretPlaces.add(old.id, REPO_SECRET);
    answer([[/^Revoke API token/, 'Revoke']]);
    const outcome = await vscode.commands.executeCommand<string>('turso.revokeToken', (await rowOf(old.name)).node);
    assert.strictEqual(outcome, 'revoked', describeShown(ui.shown.slice(-4)));
    await waitFor(() => api.secretPlaces.of(old.id).length === 0 || undefined, 'the secrets of the revoked token to be forgotten');
  });

  test('no token value in the log output or in any message, dialog or progress title of the suite', async function () {
    assert.ok(values.length >= 8, `the suite saw the values it minted and wrote (${values.length})`);
    const log = await waitFor(() => readIfExists(tursoLogFile(api)) || undefined, 'the Turso log');
    assert.match(log, /Created API token "rot-[^"]+" \(acme\) to replace "rot-/, 'the log does tell the rotations');
    const texts = [log, ...ui.shown.map((s) => `${s.message}\n${s.detail ?? ''}\n${s.items.join('\n')}`)];
    for (const value of values) {
      const [, payload, signature] = value.split('.');
      for (const text of texts) {
        assert.ok(!text.includes(payload) && !text.includes(signature), 'a token value (payload or signature) is in the log or a message');
      }
    }
  });
});
