import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { forgedToken, own, restoreAfterSuite, RevealProbe, signIn, startCreateToken, startEmulator, waitFor, waitForRoot } from './helpers';
import {
  describeShown, fakeQuickPick, FixtureEmulator, fixtures, HeldPrompts, ProbedApi, probedSignedOut, UiRecorder,
} from './faultHelpers';

// No lock, busy flag or in-flight mark is held across a wait for the person. For each command: it
// fails, the question it then asks (a notification with a button, a modal) is left unanswered, as a
// person lets a toast slide into the notification centre; the same command is run again and must
// reach the server (the emulator's request log) instead of answering that one is in progress.

type Picked = vscode.QuickPickItem & { restriction?: string; slug?: string; target?: string };

suite('Prompts left unanswered hold nothing: create, revoke, sign in, validate, Save to .env, Use for this extension', function () {
  let emu: FixtureEmulator;
  let api: ProbedApi;
  const ui = new UiRecorder();
  const held = new HeldPrompts();
  let n = 0;
  /** Answers of the input boxes, in order (a person typing). */
  let typed: string[] = [];

  suiteSetup(async function () {
    this.timeout(60000);
    emu = fixtures(await startEmulator());
    api = await probedSignedOut(emu);
    ui.install();
    const w = vscode.window as unknown as Record<string, unknown>;
    ui.replace(w, 'showInputBox', () => Promise.resolve(typed.shift()));
    // The create wizard's pickers: an organization token in acme; validate's: a pasted token.
    ui.replace(w, 'createQuickPick', () => fakeQuickPick([], (title, items) => {
      const it = items as Picked[];
      if (/Access/.test(title)) return it.filter((x) => x.restriction === 'org');
      if (/Organization/.test(title)) return it.filter((x) => x.slug === 'acme');
      if (/Validate/.test(title)) return it.filter((x) => x.target === 'pasted');
      return [];
    }));
  });
  suiteTeardown(async () => {
    held.releaseAll();
    ui.restore();
    emu?.clearFaults();
    delete process.env.TURSO_API_TOKEN;
    await restoreAfterSuite(api, emu);
  });
  setup(async () => {
    n++;
    typed = [];
    ui.answer = () => undefined;
    emu.clearFaults();
    assert.strictEqual(await signIn(emu.demoToken), true, 'signed in as demo');
    await waitForRoot(api, 'turso.user');
  });
  teardown(() => {
    held.releaseAll();
    emu.clearFaults();
  });

  /** Requests from `mark` on, as "METHOD path". */
  const sentSince = (mark: number): string[] => emu.requests.slice(mark).map((r) => `${r.method} ${r.path}`);

  test('create: "Couldn\'t create … [Change Name]" left unanswered, the next create reaches the server', async () => {
    const refused = `held-refused-${n}`;
    const next = `held-next-${n}`;
    typed = [refused, next];
    emu.injectFault({ method: 'POST', path: `/v1/auth/api-tokens/${refused}`, kind: 'status', status: 400, error: 'invalid token name', times: 1 });
    ui.answer = (s) => (s.items.includes('Change Name') ? held.hold() : undefined);
    const uiMark = ui.mark();
    // From the palette: name box, Access picker, Organization picker, then the request.
    void vscode.commands.executeCommand('turso.createToken');
    await waitFor(() => held.count === 1, `the "Couldn't create" notification with Change Name: ${describeShown(ui.messagesSince(uiMark))}`);

    const mark = emu.requests.length;
    let ended: { ended: unknown } | undefined;
    const second = vscode.commands.executeCommand<{ name: string } | undefined>('turso.createToken');
    second.then((result) => (ended = { ended: result?.name ?? result }), (err) => (ended = { ended: String(err) }));
    const found = await waitFor(
      () => ended ?? api.revealPanels().find((p) => p.tokenName === next && p.revealed),
      'the second create to show its token (or to end)',
    );
    assert.ok(!('ended' in found), `the second create ended without a token (${JSON.stringify(found)}): ${describeShown(ui.messagesSince(uiMark))}`);
    assert.ok(!ui.messagesSince(uiMark).some((s) => /being created already/.test(s.message)), describeShown(ui.messagesSince(uiMark)));
    assert.ok(sentSince(mark).includes(`POST /v1/auth/api-tokens/${next}`), `the second create reached the server: ${JSON.stringify(sentSince(mark))}`);
    const probe = found as RevealProbe;
    await probe.receive({ type: 'copy' });
    probe.panel?.dispose();
    await second;
  });

  test('revoke: "[Try Again]" after a failed revoke left unanswered, the next revoke reaches the server', async () => {
    const name = `held-revoke-${n}`;
    emu.addApiToken({ name, organization: 'acme' });
    await vscode.commands.executeCommand('turso.refresh');
    const revoke = (s: { modal: boolean; items: string[] }) => s.modal && s.items.includes('Revoke');
    ui.answer = (s) => (revoke(s) ? 'Revoke' : s.items.includes('Try Again') ? held.hold() : undefined);
    emu.injectFault({ method: 'DELETE', kind: 'status', status: 500, error: 'internal server error', times: 1 });
    const uiMark = ui.mark();
    const token = await listedToken(name);
    assert.strictEqual(await vscode.commands.executeCommand('turso.revokeToken', token), 'failed');
    await waitFor(() => held.count === 1, `the failure notification with Try Again: ${describeShown(ui.messagesSince(uiMark))}`);

    const mark = emu.requests.length;
    assert.strictEqual(await vscode.commands.executeCommand('turso.revokeToken', token), 'revoked', describeShown(ui.messagesSince(uiMark)));
    assert.deepStrictEqual(sentSince(mark).filter((r) => r.startsWith('DELETE')), [`DELETE /v1/auth/api-tokens/${name}`]);
  });

  test('sign in: "Couldn\'t sign in with the Turso CLI\'s token [Other Ways…]" left unanswered, the next sign-in reaches the server', async () => {
    process.env.TURSO_API_TOKEN = forgedToken(emu.demoApiToken);
    ui.answer = (s) => (s.kind === 'error' && s.items.length ? held.hold() : undefined);
    const uiMark = ui.mark();
    // The command waits for the answer to its failure message: it is left pending.
    void vscode.commands.executeCommand('turso.signIn', own({ way: 'cli' }));
    await waitFor(() => held.count === 1, `the sign-in failure with its button: ${describeShown(ui.messagesSince(uiMark))}`);

    process.env.TURSO_API_TOKEN = emu.demoApiToken;
    const mark = emu.requests.length;
    assert.strictEqual(await vscode.commands.executeCommand('turso.signIn', own({ way: 'cli' })), true, describeShown(ui.messagesSince(uiMark)));
    assert.ok(sentSince(mark).includes('GET /v1/auth/validate'), `the second sign-in reached the server: ${JSON.stringify(sentSince(mark))}`);
    delete process.env.TURSO_API_TOKEN;
  });

  test('validate: the failure left unanswered, the next validation reaches the server', async () => {
    emu.injectFault({ method: 'GET', path: '/v1/auth/validate', kind: 'status', status: 500, error: 'internal server error', times: 1 });
    ui.answer = (s) => (s.kind === 'error' ? held.hold() : undefined);
    const uiMark = ui.mark();
    // From the palette: "Paste a token…", then the token.
    typed = [emu.demoApiToken];
    const first = await vscode.commands.executeCommand<{ valid: boolean }>('turso.validateToken');
    assert.strictEqual(first?.valid, false, 'the first validation failed');
    await waitFor(() => held.count === 1, `the validation failure: ${describeShown(ui.messagesSince(uiMark))}`);

    typed = [emu.demoApiToken];
    const mark = emu.requests.length;
    const second = await vscode.commands.executeCommand<{ valid: boolean }>('turso.validateToken');
    assert.strictEqual(second?.valid, true, describeShown(ui.messagesSince(uiMark)));
    assert.ok(sentSince(mark).includes('GET /v1/auth/validate'), JSON.stringify(sentSince(mark)));
  });

  test('Save to .env: the "Replace it?" question left unanswered, the next click asks again and saves', async function () {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') {
      this.skip(); // the in-host runner always opens a folder on disk
      return;
    }
    const envFile = path.join(folder.uri.fsPath, '.env');
    fs.writeFileSync(envFile, 'TURSO_API_TOKEN=old-value\n');
    let asked = 0;
    ui.answer = (s) => (s.modal && s.items.includes('Replace') ? (++asked === 1 ? held.hold() : 'Replace') : undefined);
    const name = `held-env-${n}`;
    const { probe, done } = await startCreateToken(api, { name, restriction: { kind: 'org', organization: 'acme' } });
    try {
      const first = probe.receive({ type: 'save-env' });
      await waitFor(() => held.count === 1, 'the "Replace it?" question');
      await probe.receive({ type: 'save-env' });
      assert.strictEqual(asked, 2, 'the second click asked again');
      assert.strictEqual(probe.status?.kind, 'success', `status after the second click: ${JSON.stringify(probe.status)}`);
      assert.doesNotMatch(fs.readFileSync(envFile, 'utf8'), /old-value/, '.env has the new value');
      held.releaseAll();
      await first;
    } finally {
      ui.answer = () => undefined;
      held.releaseAll();
      await probe.receive({ type: 'copy' }); // kept: closing the panel asks nothing
      probe.panel?.dispose();
      await done;
      fs.rmSync(envFile, { force: true });
    }
  });

  test('Use for this extension: after a failure, the next click reaches the server and signs in', async () => {
    const name = `held-use-${n}`;
    const { probe, done } = await startCreateToken(api, { name, restriction: { kind: 'org', organization: 'acme' } });
    // Whatever it may ask or report is left unanswered.
    ui.answer = () => held.hold();
    try {
      // The check that the new token can list tokens fails (each of the client's 3 tries).
      emu.injectFault({ method: 'GET', path: '/v1/auth/api-tokens', kind: 'status', status: 500, error: 'internal server error', times: 3 });
      const first = probe.receive({ type: 'use' });
      await waitFor(() => probe.status?.kind === 'error', `the failure in the panel (status ${JSON.stringify(probe.status)})`);
      emu.clearFaults();
      const mark = emu.requests.length;
      await probe.receive({ type: 'use' });
      assert.strictEqual(probe.status?.kind, 'success', `status after the second "use": ${JSON.stringify(probe.status)}`);
      assert.ok(sentSince(mark).includes('GET /v1/auth/validate'), JSON.stringify(sentSince(mark)));
      held.releaseAll();
      await first;
    } finally {
      ui.answer = () => undefined;
      held.releaseAll();
      await probe.receive({ type: 'copy' }); // kept: closing the panel asks nothing
      probe.panel?.dispose();
      await done;
    }
  });

  /** The tree's node of the token named `name`. */
  async function listedToken(name: string): Promise<unknown> {
    const tree = api.tokensTree;
    return waitFor(async () => {
      const [user] = (await tree.getChildren()) ?? [];
      const children = user ? ((await tree.getChildren(user)) ?? []) : [];
      return children.find((c) => (c as { token?: { name?: string } }).token?.name === name);
    }, `the row of ${name}`);
  }
});
