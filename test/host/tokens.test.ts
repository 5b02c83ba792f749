import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  describeRows, Emulator, emulatorGet, jwtClaims, listTokensOverHttp, pointSignedOut, recordedRequests,
  restoreAfterSuite, rootRows, signIn, startCreateToken, startEmulator, tokenRows, TursoTestApi, waitFor, waitForRoot, own,
} from './helpers';

// Token lifecycle in the real extension host (issue 4): `turso.createToken` with automation options
// (name + restriction given, so no wizard), the one-time reveal panel driven through the probe the
// extension exposes under test (it acts as the page would: {type:'copy'|'use'|'save-env'}), and
// `turso.validateToken` on API, login and revoked tokens. The wizard, the modals and revoking are
// clicked through in the end-to-end suite (test/e2e/tokens.e2e.mjs).

interface ValidationResult {
  valid: boolean;
  expiresAt?: number;
  username?: string;
  reason?: string;
  message: string;
}

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;

suite('Token lifecycle: create (three kinds), reveal once, validate', () => {
  let emu: Emulator;
  let api: TursoTestApi;

  suiteSetup(async () => {
    emu = await startEmulator();
    api = (await pointSignedOut(emu)) as TursoTestApi;
    assert.strictEqual(await signIn(emu.demoToken), true);
    await waitForRoot(api, 'turso.user');
  });
  suiteTeardown(async () => {
    for (const p of api?.revealPanels?.() ?? []) {
      // a test that failed half-way may leave a panel: deliver the value first, so closing it asks nothing
      await p.receive({ type: 'copy' }).catch(() => undefined);
      p.panel?.dispose();
    }
    await restoreAfterSuite(api, emu);
  });
  teardown(() => {
    emu.clearFaults();
  });

  /** The POSTs that created (or tried to create) the token `name`. */
  const createRequests = (name: string) =>
    recordedRequests(emu).filter((r) => r.method === 'POST' && /^\/v[12]\/auth\/api-tokens\//.test(r.path) && decodeURIComponent(r.path.split('/').pop() ?? '') === name);

  /**
   * Creates `name` with `restriction` through the command; copies the value from the panel (as the
   * Copy button does), checks it is the minted token, closes the panel. Returns what it found.
   */
  async function createAndCopy(name: string, restriction: unknown) {
    const { probe, done } = await startCreateToken(api, { name, restriction });
    assert.ok(probe.panel, 'the reveal panel is open');
    assert.strictEqual(probe.panel.viewType, 'turso.tokenReveal');
    assert.ok(probe.panel.title.includes(name), `the panel's title names the token: "${probe.panel.title}"`);
    await probe.receive({ type: 'copy' });
    assert.deepStrictEqual(probe.status, { text: 'Copied to the clipboard.', kind: 'success' });
    const value = await vscode.env.clipboard.readText();
    assert.ok(!probe.panel.title.includes(value), 'the value is not in the panel title');
    assert.ok(!/\bsetState\s*\(/.test(probe.panel.webview.html), 'the page keeps nothing in webview state (no setState call)');
    assert.ok(!probe.panel.webview.html.includes(value), 'the value is never written into the page\'s html (it is sent to the page)');
    probe.panel.dispose();
    const result = await done;
    assert.ok(result, 'turso.createToken resolves to {name, id} once the panel is closed');
    assert.strictEqual(result.name, name);
    assert.ok(!JSON.stringify(result).includes(value), 'the command result does not carry the value');
    assert.strictEqual(api.revealPanels!().some((p) => p.tokenName === name), false, 'no panel of it is left');

    // the copied value is the minted token: a never-expiring API token whose jti is the new token's id
    const validate = await emulatorGet<{ exp: number }>(emu, '/v1/auth/validate', value);
    assert.strictEqual(validate.status, 200, 'the copied value authenticates');
    assert.strictEqual(validate.body.exp, -1, 'it is an API token (never expires)');
    const listed = (await listTokensOverHttp(emu)).find((t) => t.name === name);
    assert.ok(listed, `the emulator lists ${name}`);
    assert.strictEqual(jwtClaims(value).jti, listed.id, "the value's jti is the new token's id");
    assert.strictEqual(result.id, listed.id, 'the command resolves to the new id');
    assert.strictEqual(createRequests(name).length, 1, `exactly one create request for ${name}`);
    return { value, listed, request: createRequests(name)[0], result };
  }

  async function waitForTokenRow(name: string) {
    let rows: Awaited<ReturnType<typeof tokenRows>> = [];
    return waitFor(async () => {
      rows = await tokenRows(api);
      return rows.find((r) => r.label === name);
    }, `the tree to list ${name} (without a manual refresh)`).catch((err: Error) => {
      throw new Error(`${err.message}; rows: ${describeRows(rows)}`);
    });
  }

  test('createToken (organization acme): panel, Copy puts exactly the minted value on the clipboard, tree lists it', async () => {
    const name = unique('ih-org');
    const { request, listed } = await createAndCopy(name, { kind: 'org', organization: 'acme' });
    assert.deepStrictEqual(request.body, { organization: 'acme' });
    assert.strictEqual(listed.organization, 'acme');
    const row = await waitForTokenRow(name);
    assert.strictEqual(row.contextValue, 'turso.token;org');
    assert.match(row.description, /^acme · \d{4}-\d{2}-\d{2}$/);
  });

  test('createToken (group acme/analytics, read-only + db:mint-token): the scopes sent and listed', async () => {
    const name = unique('ih-group');
    const { request, listed } = await createAndCopy(name, { kind: 'group', organization: 'acme', group: 'analytics', scopes: ['read-only', 'db:mint-token'] });
    assert.deepStrictEqual(request.body, { organization: 'acme', group: 'analytics', scopes: ['read', 'db:mint-token'] });
    assert.deepStrictEqual([listed.organization, listed.group, listed.scopes], ['acme', 'analytics', ['read', 'db:mint-token']]);
    const row = await waitForTokenRow(name);
    assert.strictEqual(row.contextValue, 'turso.token;group');
    assert.match(row.description, /^acme\/analytics · /);
  });

  test('createToken (unrestricted): no body is sent; the tree shows it as "all"', async () => {
    const name = unique('ih-all');
    const { request, listed } = await createAndCopy(name, { kind: 'unrestricted' });
    assert.ok(request.body === undefined || request.body === '' || (typeof request.body === 'object' && request.body !== null && Object.keys(request.body).length === 0),
      `no restriction in the body: ${JSON.stringify(request.body)}`);
    assert.strictEqual(listed.organization, undefined);
    const row = await waitForTokenRow(name);
    assert.strictEqual(row.contextValue, 'turso.token;unrestricted');
    assert.match(row.description, /^all · /);
  });

  test('a name already taken (ci-bot): the server\'s 409 is shown, no panel, nothing created', async () => {
    const before = await listTokensOverHttp(emu);
    const posts = createRequests('ci-bot').length;
    const running = vscode.commands.executeCommand<unknown>('turso.createToken', undefined, own({ name: 'ci-bot', restriction: { kind: 'org', organization: 'acme' } }));
    let ended = false;
    running.then(() => { ended = true; }, () => { ended = true; });
    // the error notification offers "Change Name" and waits for an answer: dismiss it as a person would
    await waitFor(() => createRequests('ci-bot').length > posts && recordedRequests(emu).some((r) => r.method === 'POST' && r.status === 409), 'the 409 answer');
    await waitFor(async () => {
      if (ended) return true;
      await vscode.commands.executeCommand('notifications.clearAll');
      return ended;
    }, 'turso.createToken to end once its error notification is dismissed', 10000);
    assert.strictEqual(await running, undefined, 'the command resolves to undefined');
    assert.strictEqual(api.revealPanels!().some((p) => p.tokenName === 'ci-bot'), false, 'no reveal panel');
    assert.strictEqual(createRequests('ci-bot').length, posts + 1, 'one create request');
    assert.deepStrictEqual((await listTokensOverHttp(emu)).map((t) => t.id), before.map((t) => t.id), 'the token list is unchanged');
  });

  test('"Use for this extension" from the panel signs in with the new token: its row is marked as the credential', async () => {
    const name = unique('ih-use');
    const { probe, done } = await startCreateToken(api, { name, restriction: { kind: 'org', organization: 'acme' } });
    try {
      await probe.receive({ type: 'use' });
      assert.strictEqual(probe.status?.kind, 'success', `status after "use": ${JSON.stringify(probe.status)}`);
      assert.match(probe.status!.text, /now uses this token/);
      const row = await waitFor(async () => (await tokenRows(api)).find((r) => r.label === name && r.contextValue.endsWith(';current')),
        `${name} marked as the signed-in credential`);
      assert.match(row.description, /signed in with this token/);
      // the signed-in credential is now an API token: it never expires
      const user = (await rootRows(api))[0];
      const validation = await vscode.commands.executeCommand<ValidationResult>('turso.validateToken', user.node);
      assert.strictEqual(validation?.valid, true);
      assert.strictEqual(validation?.expiresAt, undefined, 'the new credential never expires');
    } finally {
      probe.panel?.dispose();
      await done;
      assert.strictEqual(await signIn(emu.demoToken), true);
      await waitForRoot(api, 'turso.user');
    }
  });

  test('"Use for this extension" with a group-scoped token is refused with the reason; the session stays as it was', async () => {
    const name = unique('ih-use-group');
    const before = (await rootRows(api))[0];
    const { probe, done } = await startCreateToken(api, {
      name,
      restriction: { kind: 'group', organization: 'acme', group: 'analytics', scopes: ['read-only'] },
    });
    try {
      await probe.receive({ type: 'use' });
      assert.strictEqual(probe.status?.kind, 'error', `status after "use": ${JSON.stringify(probe.status)}`);
      assert.match(probe.status!.text, /can't list or manage API tokens/);
      const after = (await rootRows(api))[0];
      assert.strictEqual(after.contextValue, 'turso.user', 'still signed in');
      assert.strictEqual(after.label, before.label);
      assert.ok(!(await tokenRows(api)).some((r) => r.contextValue.endsWith(';current') && r.label === name), 'not the credential');
      await probe.receive({ type: 'copy' }); // delivered, so closing asks nothing
    } finally {
      probe.panel?.dispose();
      await done;
    }
  });

  test('"Save to .env" from the panel writes TURSO_API_TOKEN and ignores .env in a git repository', async function () {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') {
      this.skip(); // the in-host runner always opens a folder on disk; anything else is not this test's business
      return;
    }
    const dir = folder.uri.fsPath;
    const clean = () => {
      for (const f of ['.env', '.gitignore', '.git']) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
    };
    clean();
    execFileSync('git', ['init', '-q'], { cwd: dir, stdio: 'ignore' });
    const name = unique('ih-env');
    const { probe, done } = await startCreateToken(api, { name, restriction: { kind: 'org', organization: 'acme' } });
    let value = '';
    try {
      await probe.receive({ type: 'save-env' });
      assert.strictEqual(probe.status?.kind, 'success', `status after "save-env": ${JSON.stringify(probe.status)}`);
      const env = fs.readFileSync(path.join(dir, '.env'), 'utf8');
      const m = /^TURSO_API_TOKEN=(\S+)$/m.exec(env);
      assert.ok(m, `.env sets TURSO_API_TOKEN: ${env.replace(/=.*/g, '=…')}`);
      value = m[1];
      assert.match(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), /^\.env$/m, '.gitignore ignores .env');
      assert.match(probe.status!.text, /Created ws\/\.gitignore with \.env: git ignores it\./);
    } finally {
      probe.panel?.dispose();
      await done;
      clean();
    }
    const listed = (await listTokensOverHttp(emu)).find((t) => t.name === name);
    assert.strictEqual(jwtClaims(value).jti, listed?.id, 'the saved value is the new token');
  });

  test('validateToken({token}) with an API token: valid, never expires', async () => {
    const r = await vscode.commands.executeCommand<ValidationResult>('turso.validateToken', own({ token: emu.demoApiToken }));
    assert.ok(r);
    assert.strictEqual(r.valid, true);
    assert.strictEqual(r.expiresAt, undefined);
    assert.strictEqual(r.username, 'demo');
    assert.match(r.message, /is valid and never expires/);
  });

  test('validateToken({token}) with a login token: valid, expires when the token says', async () => {
    const token = await emu.mintLoginToken({ expiresInSeconds: 3 * 24 * 3600 });
    const r = await vscode.commands.executeCommand<ValidationResult>('turso.validateToken', own({ token }));
    assert.ok(r);
    assert.strictEqual(r.valid, true);
    assert.strictEqual(r.expiresAt, jwtClaims(token).exp);
    assert.match(r.message, /is valid and expires on \d{4}-\d{2}-\d{2} \(in [23] days\)/);
  });

  test('validateToken({token}) with a revoked token: invalid or revoked, with the server\'s reason; nothing stored', async () => {
    const name = unique('ih-revoked');
    // minted and revoked over HTTP, as another client would
    const mint = await fetch(`${emu.url}/v1/auth/api-tokens/${name}`, { method: 'POST', headers: { authorization: `Bearer ${emu.demoToken}` } });
    assert.strictEqual(mint.status, 200);
    const { token } = (await mint.json()) as { token: string };
    const del = await fetch(`${emu.url}/v1/auth/api-tokens/${name}`, { method: 'DELETE', headers: { authorization: `Bearer ${emu.demoToken}` } });
    assert.strictEqual(del.status, 200);
    const r = await vscode.commands.executeCommand<ValidationResult>('turso.validateToken', own({ token }));
    assert.ok(r);
    assert.strictEqual(r.valid, false);
    assert.strictEqual(r.reason, 'token has been revoked');
    assert.match(r.message, /is invalid or revoked: token has been revoked/);
    // still signed in with the demo login token (the pasted token was not stored)
    const user = await waitForRoot(api, 'turso.user');
    assert.strictEqual(user.label, 'Demo User');
  });

  test('validateToken(user node) checks the signed-in credential (a 7-day login token)', async () => {
    const user = await waitForRoot(api, 'turso.user');
    const r = await vscode.commands.executeCommand<ValidationResult>('turso.validateToken', user.node);
    assert.ok(r);
    assert.strictEqual(r.valid, true);
    assert.strictEqual(r.expiresAt, jwtClaims(emu.demoToken).exp);
    assert.match(r.message, /^The signed-in credential \(account demo\) is valid and expires on \d{4}-\d{2}-\d{2} \(in [67] days\)\.$/);
  });

  test('the tree lists every token created here after a refresh, each once', async () => {
    await vscode.commands.executeCommand('turso.refresh');
    const rows = await tokenRows(api);
    const listed = await listTokensOverHttp(emu);
    assert.deepStrictEqual(rows.map((r) => r.label).sort(), listed.map((t) => t.name).sort(), describeRows(rows));
    assert.ok(rows.filter((r) => r.label.startsWith('ih-')).length >= 5, describeRows(rows));
  });
});
