import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  childRows, describeRows, restoreAfterSuite, rootRows, Row, signIn, signOut, startEmulator, waitFor,
  waitForSignedOutTree, own,
} from './helpers';
import {
  activateProbed, describeShown, EmuFault, exthostErrorsAbout, exthostLogFile, figures, FixtureEmulator, fixtures,
  matrixTable, ProbedApi, probedSignedOut, readIfExists, refusedUrl, requestsSince, setSetting, Shown, storedCredential, tursoLogFile,
  UiRecorder, unhandled,
} from './faultHelpers';

// Issue 6, fault matrix: each operation (load the tree, sign in, create, validate, revoke) against
// each fault the emulator can inject, in the real extension host. Per cell: exactly one message that
// names what failed and what to do; no unhandled rejection; the tree and the stored credential as
// they were (nothing lost: a failed create leaves no panel and no token, a failed revoke leaves the
// token listed); GETs retried, bounded (3 tries), honouring Retry-After; POST and DELETE sent once.
// The notifications are recorded by fakes of vscode.window.show*Message (answered "dismiss", except
// the revoke confirmation, answered "Revoke").

type Op = 'load tree' | 'sign in' | 'create' | 'validate' | 'revoke';
const OPS: Op[] = ['load tree', 'sign in', 'create', 'validate', 'revoke'];

interface FaultCase {
  id: string;
  /** The emulator fault (without method/path: the operation scopes it); absent for "refused". */
  fault?: EmuFault;
  /** The client retries it (GETs only): 429, 502, 503, 504 and network errors. */
  retried: boolean;
  retryAfterSeconds?: number;
}

const FAULTS: FaultCase[] = [
  { id: '400', fault: { kind: 'status', status: 400, error: 'invalid request: something is off' }, retried: false },
  { id: '401', fault: { kind: 'status', status: 401, error: 'token has been revoked' }, retried: false },
  { id: '403', fault: { kind: 'status', status: 403, error: 'you are not allowed to do that' }, retried: false },
  { id: '404', fault: { kind: 'status', status: 404, error: 'not found' }, retried: false },
  { id: '409', fault: { kind: 'status', status: 409, error: 'conflict with the current state' }, retried: false },
  { id: '429', fault: { kind: 'status', status: 429, error: 'rate limit exceeded' }, retried: true },
  { id: '429+RA', fault: { kind: 'status', status: 429, error: 'rate limit exceeded', headers: { 'Retry-After': '1' } }, retried: true, retryAfterSeconds: 1 },
  { id: '500', fault: { kind: 'status', status: 500, error: 'internal server error' }, retried: false },
  { id: '502', fault: { kind: 'status', status: 502, error: 'bad gateway' }, retried: true },
  { id: '503', fault: { kind: 'status', status: 503, error: 'service unavailable' }, retried: true },
  { id: 'timeout', fault: { kind: 'timeout' }, retried: false },
  { id: 'refused', retried: true },
  { id: 'malformed', fault: { kind: 'malformed' }, retried: false },
  { id: 'wrong-shape', fault: { kind: 'wrong-shape' }, retried: false },
  { id: '10 MB', fault: { kind: 'huge' }, retried: false },
];

/** The client's tries for an idempotent request (src/platform/client.ts DEFAULT_RETRY). */
const GET_ATTEMPTS = 3;

/** The GETs an operation sends, together (a failure of one does not stop the others). */
const GETS: Partial<Record<Op, string[]>> = {
  'load tree': ['/v1/user', '/v1/auth/validate', '/v1/auth/api-tokens'],
  'sign in': ['/v1/auth/validate', '/v1/user', '/v1/auth/api-tokens'],
  validate: ['/v1/auth/validate', '/v1/user'],
};

/** Words that tell the user what to do next (or an action button does). */
const WHAT_TO_DO = /try again|sign in again|retry|check (your|the|what)|later|in \d+ s\b|setting|choose another|use an account|refresh|revoke it|paste another/i;

/** A MarkdownString's text as a reader sees it (appendText escapes Markdown and turns spaces into &nbsp;). */
function mdPlain(value: string): string {
  return value.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>|$~])/g, '$1').replace(/\*\*/g, '');
}

/** What a message for each operation must name. */
const NAMES: Record<Op, RegExp> = {
  'load tree': /account|token|Turso API/i,
  'sign in': /sign|token/i,
  create: /creat/i,
  validate: /validat|token is invalid/i,
  revoke: /revok/i,
};

suite('Fault matrix: load tree, sign in, create, validate, revoke × 15 faults', function () {
  let emu: FixtureEmulator;
  let api: ProbedApi;
  const ui = new UiRecorder();
  let dead: string;
  let n = 0;
  const cells: Record<string, Record<string, 'pass' | 'FAIL' | '-'>> = {};
  let exthostLogStart = 0;

  suiteSetup(async function () {
    this.timeout(60000);
    emu = fixtures(await startEmulator());
    api = await activateProbed();
    dead = await refusedUrl();
    await setSetting('apiBaseUrl', emu.url);
    await setSetting('requestTimeoutSeconds', 1);
    await signOut();
    await waitForSignedOutTree(api);
    ui.install();
    const log = exthostLogFile(api);
    exthostLogStart = log ? readIfExists(log).length : 0;
    for (const op of OPS) cells[op] = Object.fromEntries(FAULTS.map((f) => [f.id, '-']));
    figures.matrix = { operations: OPS, faults: FAULTS.map((f) => f.id), cells };
  });
  suiteTeardown(async function () {
    this.timeout(30000);
    ui.restore();
    emu?.clearFaults();
    await signOut();
    await setSetting('requestTimeoutSeconds', undefined);
    await setSetting('apiBaseUrl', undefined);
    await emu?.close();
    if (figures.matrix) console.log(`\n  fault matrix (operations × faults):\n${matrixTable(figures.matrix).split('\n').map((l) => `    ${l}`).join('\n')}\n`);
  });

  /** Signed in with ci-bot (an API token, so no expiry prompts), which also resets the one-401-prompt gate. */
  async function signedInWithCiBot(): Promise<void> {
    assert.strictEqual(await signIn(emu.demoApiToken), true, 'sign in with ci-bot');
  }

  /**
   * Waits until each GET of the operation has reached the emulator as often as the client's policy
   * allows for this fault: GET_ATTEMPTS tries when it is retried (spaced by the backoff or
   * Retry-After), else one. The commands await their requests, except sign-in: its checks run
   * together and it ends at the first failure while the other check's tries go on (and the token
   * list, asked for alongside, is cancelled then). Afterwards no try of the operation is pending.
   */
  async function triesDone(op: Op, fc: FaultCase, reqMark: number): Promise<void> {
    const paths = GETS[op];
    if (!paths || !fc.fault) return;
    const expected = fc.retried ? GET_ATTEMPTS : 1;
    let seen = '';
    await waitFor(() => {
      const gets = requestsSince(emu, reqMark).filter((r) => r.method === 'GET');
      const counts = paths.map((p) => gets.filter((r) => r.path === p).length);
      seen = paths.map((p, i) => `${p} ×${counts[i]}`).join(', ');
      return counts.every((c) => c >= expected);
    }, `every GET of "${op}" to reach the emulator ${expected === 1 ? 'once' : `${expected} times`}`, 10000).catch((err: Error) => {
      throw new Error(`${err.message}; seen: ${seen}`);
    });
  }

  /** The user node and token rows, after a fresh load without faults. */
  async function loadedTokens(): Promise<{ user: Row; tokens: Row[] }> {
    await vscode.commands.executeCommand('turso.refresh');
    const roots = await rootRows(api);
    assert.ok(roots.length === 1 && roots[0].contextValue === 'turso.user', `the tree shows the account again: ${describeRows(roots)}`);
    return { user: roots[0], tokens: await childRows(api, roots[0]) };
  }

  function scopeFor(op: Op, name?: string): Pick<EmuFault, 'method' | 'path'> {
    switch (op) {
      case 'create':
        return { method: 'POST', path: `/v1/auth/api-tokens/${name}` };
      case 'revoke':
        return { method: 'DELETE', path: `/v1/auth/api-tokens/${name}` };
      default:
        return { method: 'GET' };
    }
  }

  /** Lines of the Turso log written after `offset` (it is flushed asynchronously). */
  async function logLinesAfter(offset: number, until: (lines: string[]) => boolean): Promise<string[]> {
    let lines: string[] = [];
    await waitFor(() => {
      lines = readIfExists(tursoLogFile(api)).slice(offset).split('\n').filter(Boolean);
      return until(lines);
    }, 'the Turso log to record the attempts', 8000).catch(() => undefined);
    return lines;
  }

  for (const op of OPS) {
    for (const fc of FAULTS) {
      test(`${op} × ${fc.id}`, async function () {
        this.timeout(30000);
        cells[op][fc.id] = 'FAIL';
        await signedInWithCiBot();
        const name = `mx-${op.split(' ')[0]}-${++n}`;
        let target: Row | undefined;
        if (op === 'revoke') {
          emu.addApiToken({ name, organization: 'acme' });
          target = (await loadedTokens()).tokens.find((t) => t.label === name);
          assert.ok(target, `${name} is listed before the revoke`);
        }
        const candidate = emu.mintLoginToken({ expiresInSeconds: 3600 });
        ui.answer = (s: Shown) => (s.modal && s.items.includes('Revoke') ? 'Revoke' : undefined);
        const reqMark = emu.requests.length;
        const uiMark = ui.mark();
        const rejMark = unhandled.length;
        const logMark = readIfExists(tursoLogFile(api)).length;
        const t0 = Date.now();

        // the fault
        if (fc.fault) emu.injectFault({ ...fc.fault, ...scopeFor(op, name) });
        else await setSetting('apiBaseUrl', dead);

        // the operation
        let outcome: unknown;
        let rows: Row[] = [];
        try {
          switch (op) {
            case 'load tree':
              await vscode.commands.executeCommand('turso.refresh');
              rows = await rootRows(api);
              break;
            case 'sign in':
              outcome = await signIn(candidate);
              break;
            case 'create':
              outcome = await vscode.commands.executeCommand('turso.createToken', undefined, own({ name, restriction: { kind: 'org', organization: 'acme' } }));
              break;
            case 'validate':
              outcome = await vscode.commands.executeCommand('turso.validateToken', own({ token: emu.demoApiToken }));
              break;
            case 'revoke':
              outcome = await vscode.commands.executeCommand('turso.revokeToken', target?.node);
              break;
          }
          await triesDone(op, fc, reqMark);
        } finally {
          emu.clearFaults();
          if (!fc.fault) await setSetting('apiBaseUrl', emu.url);
        }
        const seconds = (Date.now() - t0) / 1000;
        const reqs = requestsSince(emu, reqMark);
        const shown = ui.messagesSince(uiMark);
        const confirm = shown.filter((s) => s.modal && s.items.includes('Revoke'));
        const messages = shown.filter((s) => !confirm.includes(s));

        // exactly one clear message
        let text: string;
        if (op === 'load tree') {
          assert.strictEqual(messages.length, 0, `a failed load shows its error in the tree, not in notifications: ${describeShown(messages)}`);
          assert.ok(rows.length === 1 && rows[0].contextValue.startsWith('turso.error'), `one error node at the root: ${describeRows(rows)}`);
          const item = rows[0].item;
          const tooltip = rows[0].tooltip instanceof vscode.MarkdownString ? mdPlain(rows[0].tooltip.value) : String(rows[0].tooltip ?? '');
          text = `${rows[0].label} ${rows[0].description} ${tooltip}`;
          assert.ok(item.command, `the error node carries its fix (a command): ${rows[0].label}`);
          assert.match(text, /Loading your Turso account|Validating the token|Listing API tokens|Turso API/, 'the node names what failed');
        } else {
          assert.strictEqual(messages.length, 1, `exactly one message: ${describeShown(messages)}`);
          const m = messages[0];
          text = `${m.message} ${m.detail ?? ''}`;
          assert.ok(m.kind === 'error' || m.kind === 'warning' || m.kind === 'status', `the message is an error or a warning: ${describeShown(messages)}`);
          // a 401 on the signed-in credential: the one "sign in again" prompt (shared by every command)
          const authPrompt = fc.id === '401' && (op === 'create' || op === 'revoke');
          // the operation's own answer rather than a failure: "invalid or revoked", "already revoked"
          const answer = (op === 'validate' && fc.id === '401') || (op === 'revoke' && fc.id === '404');
          if (authPrompt) {
            assert.match(m.message, /session expired or was revoked/i, 'the 401 prompt names the session');
            assert.deepStrictEqual(m.items, ['Sign In…'], 'the 401 prompt offers to sign in');
          } else {
            assert.match(text, NAMES[op], `the message names what failed: "${text}"`);
          }
          if (!answer) {
            assert.ok(m.items.length > 0 || WHAT_TO_DO.test(text), `the message says what to do (an action or a hint): "${text}" ${JSON.stringify(m.items)}`);
          }
        }
        if (op === 'load tree') assert.match(text, NAMES[op], `the message names what failed: "${text}"`);
        assert.ok(!/\bundefined\b|\[object Object\]/.test(text), `no placeholder text: "${text}"`);
        if (op === 'revoke') assert.strictEqual(confirm.length, 1, 'the revoke was confirmed once');

        // what the command returned
        switch (op) {
          case 'sign in':
            assert.strictEqual(outcome, false, 'turso.signIn resolves false');
            break;
          case 'create':
            assert.strictEqual(outcome, undefined, 'turso.createToken created nothing');
            assert.deepStrictEqual(api.revealPanels().map((p) => p.tokenName), [], 'a failed create leaves no panel');
            break;
          case 'validate':
            assert.strictEqual((outcome as { valid?: boolean } | undefined)?.valid, false, `validate reports not valid: ${JSON.stringify(outcome)}`);
            break;
          case 'revoke':
            assert.ok(outcome === 'failed' || outcome === 'already-gone', `revoke outcome ${String(outcome)}`);
            break;
        }

        // retries: GETs bounded and spaced (Retry-After honoured); POST and DELETE sent once
        const byPath = new Map<string, number[]>();
        for (const r of reqs) {
          const key = `${r.method} ${r.path}`;
          byPath.set(key, [...(byPath.get(key) ?? []), r.at]);
        }
        const counts = JSON.stringify([...byPath].map(([k, v]) => `${k} ×${v.length}`));
        if (op === 'create' || op === 'revoke') {
          const method = op === 'create' ? 'POST' : 'DELETE';
          const sent = reqs.filter((r) => r.method === method);
          if (fc.fault) assert.strictEqual(sent.length, 1, `${method} sent exactly once: ${counts}`);
          else {
            assert.strictEqual(sent.length, 0, `nothing reached the emulator while its URL was unreachable: ${counts}`);
            const lines = await logLinesAfter(logMark, (l) => l.some((x) => x.includes(`${method} /v1/auth/api-tokens/`)));
            const tries = lines.filter((l) => l.includes(`${method} /v1/auth/api-tokens/`));
            assert.strictEqual(tries.length, 1, `${method} tried exactly once (Turso log): ${JSON.stringify(tries)}`);
          }
        } else if (fc.fault) {
          assert.ok(byPath.size > 0, 'requests reached the emulator');
          for (const [key, times] of byPath) {
            if (!key.startsWith('GET ')) continue;
            const expected = fc.retried ? GET_ATTEMPTS : 1;
            assert.strictEqual(times.length, expected, `${key}: ${expected} tries (${fc.retried ? 'retried, bounded' : 'not retried'}): ${counts}`);
            for (let i = 1; i < times.length; i++) {
              const gap = times[i] - times[i - 1];
              const min = fc.retryAfterSeconds !== undefined ? fc.retryAfterSeconds * 1000 - 50 : 400 * 2 ** (i - 1) - 50;
              assert.ok(gap >= min, `${key}: try ${i + 1} came ${gap} ms after try ${i} (at least ${min} ms${fc.retryAfterSeconds !== undefined ? ', Retry-After' : ', backoff'})`);
            }
          }
        } else {
          // connection refused: nothing reaches the emulator; the Turso log shows the tries
          const lines = await logLinesAfter(logMark, (l) => l.filter((x) => / → network /.test(x) && x.includes(`(attempt ${GET_ATTEMPTS})`)).length >= 2);
          const network = lines.filter((l) => / → network /.test(l));
          const paths = new Set(network.map((l) => l.replace(/^.*\] (GET \S+) → .*$/, '$1')));
          assert.ok(paths.size >= 2, `the Turso log records the failed GETs: ${JSON.stringify(lines)}`);
          for (const p of paths) {
            const tries = network.filter((l) => l.includes(`${p} → `)).length;
            assert.strictEqual(tries, GET_ATTEMPTS, `${p}: ${GET_ATTEMPTS} tries when the connection is refused: ${JSON.stringify(network)}`);
          }
        }
        assert.ok(seconds < 15, `the operation ended in ${seconds.toFixed(1)} s (bounded)`);

        // no unhandled rejection
        assert.deepStrictEqual(unhandled.slice(rejMark), [], 'no unhandled rejection in the extension host');

        // the tree and the stored credential: as before the fault (ci-bot is still the credential)
        const after = await loadedTokens();
        const ciBot = after.tokens.find((t) => t.label === 'ci-bot');
        assert.ok(ciBot && ciBot.contextValue.includes(';current'), `still signed in with ci-bot: ${describeRows(after.tokens)}`);
        const stored = await storedCredential(api.testProbe.secrets);
        assert.strictEqual(stored, emu.demoApiToken, 'the stored credential is unchanged');
        if (op === 'create') {
          assert.ok(!after.tokens.some((t) => t.label === name), `no token ${name} appeared`);
        }
        if (op === 'revoke') {
          assert.ok(after.tokens.some((t) => t.label === name), `a failed revoke leaves ${name} listed: ${describeRows(after.tokens)}`);
          assert.ok(!after.tokens.some((t) => t.contextValue.includes(';busy')), 'no row is left busy');
        }
        cells[op][fc.id] = 'pass';
      });
    }
  }

  test('the extension host log has no error from this extension during the matrix', () => {
    const log = exthostLogFile(api);
    assert.ok(log, 'the extension host log is found next to the extension log folder');
    const errors = exthostErrorsAbout(readIfExists(log).slice(exthostLogStart));
    assert.deepStrictEqual(errors, []);
  });
});

// A created token is never lost: the reveal fails after a successful mint and the value still
// reaches the user through the fallback modal, whose Copy Token puts it on the clipboard.
suite('A created token is never lost when its reveal fails', () => {
  let emu: FixtureEmulator;
  let api: ProbedApi;
  const ui = new UiRecorder();
  let cases = 0;
  let delivered = 0;

  suiteSetup(async () => {
    emu = fixtures(await startEmulator());
    api = await probedSignedOut(emu);
    assert.strictEqual(await signIn(emu.demoToken), true);
    ui.install();
    figures.neverLost = { cases: 0, delivered: 0 };
  });
  suiteTeardown(async () => {
    ui.restore();
    await restoreAfterSuite(api, emu);
  });

  /** The clipboard value is the minted token: it authenticates, and its id is the one created. */
  async function assertIsToken(value: string | undefined, id: string): Promise<void> {
    assert.ok(value, 'a value was copied');
    const res = await fetch(`${emu.url}/v1/auth/validate`, { headers: { authorization: `Bearer ${value}` } });
    assert.strictEqual(res.status, 200, 'the copied value is a working token');
    const jti = JSON.parse(Buffer.from(value.split('.')[1], 'base64url').toString('utf8')).jti;
    assert.strictEqual(jti, id, 'the copied value is the token just created');
  }

  async function createWithFailingReveal(name: string, failReveal: () => void): Promise<{ result: { id: string } | undefined; rescue: Shown[] }> {
    cases++;
    figures.neverLost = { cases, delivered };
    const mark = ui.mark();
    const clipMark = ui.clipboard.length;
    failReveal();
    ui.answer = (s) => (s.modal && s.items.includes('Copy Token') ? 'Copy Token' : undefined);
    const result = await vscode.commands.executeCommand<{ id: string } | undefined>('turso.createToken', undefined, own({
      name, restriction: { kind: 'org', organization: 'acme' },
    }));
    const rescue = ui.messagesSince(mark, (s) => s.modal && s.items.includes('Copy Token'));
    assert.ok(result, 'the token was created');
    assert.strictEqual(rescue.length, 1, `one fallback modal with Copy Token: ${describeShown(ui.messagesSince(mark))}`);
    assert.strictEqual(ui.clipboard.length, clipMark + 1, 'Copy Token wrote to the clipboard once');
    await assertIsToken(ui.clipboard.at(-1), result.id);
    assert.ok(ui.messagesSince(mark).some((s) => s.kind === 'info' && /clipboard/i.test(s.message)), 'the copy is confirmed');
    assert.deepStrictEqual(api.revealPanels().map((p) => p.tokenName), [], 'no panel is left behind');
    delivered++;
    figures.neverLost = { cases, delivered };
    return { result, rescue };
  }

  test('the webview panel cannot be created: the modal offers Copy Token and copying delivers the value', async () => {
    const w = vscode.window as unknown as Record<string, unknown>;
    const original = w.createWebviewPanel;
    try {
      const { rescue } = await createWithFailingReveal(`lost-throw-${Date.now() % 100000}`, () => {
        w.createWebviewPanel = () => {
          throw new Error('webviews are disabled in this window');
        };
      });
      assert.match(rescue[0].message, /was created, but its value could not be shown/);
    } finally {
      w.createWebviewPanel = original;
    }
  });

  test('the panel is closed at once: the modal offers Copy Token and copying delivers the value', async () => {
    const w = vscode.window as unknown as Record<string, unknown>;
    const original = w.createWebviewPanel as (...a: unknown[]) => vscode.WebviewPanel;
    try {
      const { rescue } = await createWithFailingReveal(`lost-closed-${Date.now() % 100000}`, () => {
        w.createWebviewPanel = (...args: unknown[]) => {
          const panel = original.apply(vscode.window, args);
          setTimeout(() => panel.dispose(), 0);
          return panel;
        };
      });
      assert.match(rescue[0].message, /was not copied or saved/);
    } finally {
      w.createWebviewPanel = original;
    }
  });

  test('the panel is closed while the token is still being created: the modal offers Copy Token once the value arrives', async () => {
    const w = vscode.window as unknown as Record<string, unknown>;
    const original = w.createWebviewPanel as (...a: unknown[]) => vscode.WebviewPanel;
    let closedPending = false;
    emu.setLatency(400);
    try {
      const { rescue } = await createWithFailingReveal(`lost-pending-${Date.now() % 100000}`, () => {
        w.createWebviewPanel = (...args: unknown[]) => {
          const panel = original.apply(vscode.window, args);
          w.createWebviewPanel = original;
          // Closed by the user while the page still says "Creating API token…".
          setTimeout(() => {
            closedPending = api.revealPanels().some((p) => p.panel === panel && !p.revealed);
            panel.dispose();
          }, 50);
          return panel;
        };
      });
      assert.ok(closedPending, 'the panel was closed before its value arrived');
      assert.match(rescue[0].message, /was not copied or saved/);
    } finally {
      w.createWebviewPanel = original;
      emu.setLatency(0);
    }
  });

  test('dismissing the fallback modal asks once more before the value is let go', async () => {
    const w = vscode.window as unknown as Record<string, unknown>;
    const original = w.createWebviewPanel;
    w.createWebviewPanel = () => {
      throw new Error('no webviews');
    };
    cases++;
    try {
      const mark = ui.mark();
      let asked = 0;
      // first the fallback is dismissed (Escape), then the "Discard?" question is answered Copy Token
      ui.answer = (s) => (s.modal && s.items.includes('Copy Token') ? (++asked === 1 ? undefined : 'Copy Token') : undefined);
      const result = await vscode.commands.executeCommand<{ id: string } | undefined>('turso.createToken', undefined, own({
        name: `lost-dismiss-${Date.now() % 100000}`, restriction: { kind: 'unrestricted' },
      }));
      assert.ok(result);
      const modals = ui.messagesSince(mark, (s) => s.modal);
      assert.strictEqual(modals.length, 2, describeShown(modals));
      assert.match(modals[1].message, /Discard the value/);
      await assertIsToken(ui.clipboard.at(-1), result.id);
      delivered++;
    } finally {
      w.createWebviewPanel = original;
      figures.neverLost = { cases, delivered };
    }
  });
});
