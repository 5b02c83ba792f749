import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  childRows, describeRows, listTokensOverHttp, restoreAfterSuite, rootRows, Row, signIn, signOut, startEmulator, waitFor,
  waitForRoot, waitForSignedOutTree, own,
} from './helpers';
import {
  describeShown, EmuRequest, figures, maxInFlight, FixtureEmulator, fixtures, ProbedApi, probedSignedOut,
  ACCOUNT_KEY_PREFIX, INDEX_KEY, storeAsAnotherWindow, storedCredential, UiRecorder,
} from './faultHelpers';

// Issue 6, concurrency: rapid Refresh coalesces (one load in flight, one queued), a double Create or
// Revoke sends one request, sign-out (or another sign-in) during a load leaves no stale tree, and two
// windows changing the credential converge. Timing comes from the emulator's latency; overlap is
// measured from its request log (arrival time and duration of each request).

type AccountState = { kind: 'signedOut' } | { kind: 'signedIn'; user: { username: string } } | { kind: 'error'; error: unknown };

function byPath(requests: EmuRequest[]): Map<string, EmuRequest[]> {
  const out = new Map<string, EmuRequest[]>();
  for (const r of requests) out.set(`${r.method} ${r.path}`, [...(out.get(`${r.method} ${r.path}`) ?? []), r]);
  return out;
}

suite('Concurrency: coalesced refreshes, double clicks, sign-out during a load, two windows', function () {
  let emu: FixtureEmulator;
  let api: ProbedApi;
  const ui = new UiRecorder();
  const checks: string[] = [];
  const states: AccountState[] = [];
  let subscription: vscode.Disposable | undefined;

  suiteSetup(async function () {
    this.timeout(60000);
    emu = fixtures(await startEmulator());
    api = await probedSignedOut(emu);
    ui.install();
    const accounts = (api as unknown as { accounts: { onDidLoadAccount: vscode.Event<AccountState> } }).accounts;
    assert.ok(accounts, 'activate() exposes the account model under test');
    subscription = accounts.onDidLoadAccount((s) => states.push(s));
    // the view is visible: the workbench asks for nodes too, as it does for a user
    await vscode.commands.executeCommand('workbench.view.extension.turso');
  });
  suiteTeardown(async () => {
    subscription?.dispose();
    ui.restore();
    emu?.setLatency(0);
    await vscode.commands.executeCommand('workbench.view.explorer');
    await restoreAfterSuite(api, emu);
    figures.concurrency = {
      checks,
      notSimulated: [
        'a second VS Code window (its own extension host): code-server runs one window per page here; the other window is played by writing the extension\'s SecretStorage through its test probe, which fires the same onDidChange a write from another window fires',
        'a window reload while a reveal panel is open: it would end the test host; the value is held in memory only (persisting it would be a leak), so a reload loses it by design',
      ],
    };
  });
  teardown(() => {
    emu.clearFaults();
    emu.setLatency(0);
  });

  /** Signed in with `token` as the one account (signing in adds an account: every other one is signed out first). */
  async function signedInAs(token: string): Promise<void> {
    await signOut();
    await waitForSignedOutTree(api);
    assert.strictEqual(await signIn(token), true);
    await waitForRoot(api, 'turso.user');
  }

  test('sign-in is one round trip: the check, the user and the token list go out together; the first load sends nothing more', async () => {
    await signOut();
    await waitForSignedOutTree(api);
    emu.setLatency(500);
    const mark = emu.requests.length;
    assert.strictEqual(await signIn(emu.demoApiToken), true);
    const user = await waitForRoot(api, 'turso.user');
    const tokens = await childRows(api, user);
    assert.ok(tokens.some((r) => r.contextValue?.startsWith('turso.token')), `the token list is shown: ${describeRows(tokens)}`);
    const reqs = emu.requests.slice(mark);
    const sent = reqs.map((r) => `${r.method} ${r.path}`).sort();
    assert.deepStrictEqual(sent, ['GET /v1/auth/api-tokens', 'GET /v1/auth/validate', 'GET /v1/user'], 'three requests, none repeated by the first load');
    // From the emulator's log: every request arrived before the first answer left (all in flight at once).
    const lastArrival = Math.max(...reqs.map((r) => r.at));
    const firstAnswer = Math.min(...reqs.map((r) => r.at + r.ms));
    assert.ok(lastArrival < firstAnswer, `all three in flight together: arrivals ${reqs.map((r) => r.at - reqs[0].at).join(', ')} ms, first answer at ${firstAnswer - reqs[0].at} ms`);
    checks.push('sign-in → validate ‖ user ‖ api-tokens in one round trip; the first tree load sends nothing');
  });

  test('rapid repeated Refresh coalesces: one load in flight, one queued, never more', async () => {
    await signedInAs(emu.demoApiToken);
    emu.setLatency(300);
    const mark = emu.requests.length;
    const calls: Thenable<unknown>[] = [];
    for (let i = 0; i < 12; i++) {
      calls.push(vscode.commands.executeCommand('turso.refresh'));
      if (i % 3 === 0) calls.push(Promise.resolve(api.tokensTree.getChildren()));
    }
    await Promise.all(calls);
    await waitFor(() => emu.requests.length > mark, 'requests');
    const reqs = emu.requests.slice(mark);
    const paths = byPath(reqs);
    const summary = JSON.stringify([...paths].map(([k, v]) => `${k} ×${v.length} (max ${maxInFlight(v)} at once)`));
    assert.ok(paths.size >= 3, `the load's three GETs: ${summary}`);
    for (const [key, list] of paths) {
      assert.strictEqual(maxInFlight(list), 1, `at most one ${key} in flight: ${summary}`);
      assert.ok(list.length <= 2, `12 refreshes made at most 2 loads (one in flight, one queued) of ${key}: ${summary}`);
    }
    const roots = await rootRows(api);
    assert.strictEqual(roots[0]?.contextValue, 'turso.user', describeRows(roots));
    checks.push(`12 rapid refreshes → at most 2 loads, 1 in flight per request kind (${summary})`);
  });

  test('a double click on Create sends one request; the second says one is being created', async () => {
    await signedInAs(emu.demoToken);
    emu.setLatency(300);
    const name = `double-create-${Date.now() % 100000}`;
    const mark = emu.requests.length;
    const uiMark = ui.mark();
    const options = { name, restriction: { kind: 'org', organization: 'acme' } };
    const first = vscode.commands.executeCommand<{ id: string } | undefined>('turso.createToken', undefined, own(options));
    const second = vscode.commands.executeCommand<{ id: string } | undefined>('turso.createToken', undefined, own(options));
    const probe = await waitFor(() => api.revealPanels().find((p) => p.tokenName === name && p.revealed), 'the reveal panel');
    await probe.receive({ type: 'copy' });
    probe.panel?.dispose();
    const results = await Promise.all([first, second]);
    const posts = emu.requests.slice(mark).filter((r) => r.method === 'POST');
    assert.strictEqual(posts.length, 1, `one POST: ${JSON.stringify(posts.map((r) => r.path))}`);
    assert.strictEqual(results.filter(Boolean).length, 1, `one of the two created it: ${JSON.stringify(results)}`);
    assert.ok(ui.messagesSince(uiMark).some((s) => /being created already/.test(s.message)), describeShown(ui.messagesSince(uiMark)));
    checks.push('double Create → 1 POST');
  });

  test('a double click on Revoke sends one request, also when the second confirmation is answered after the first revoke', async () => {
    await signedInAs(emu.demoToken);
    emu.addApiToken({ name: 'double-a', organization: 'acme' });
    emu.addApiToken({ name: 'double-b', organization: 'acme' });
    await vscode.commands.executeCommand('turso.refresh');
    const [user] = await rootRows(api);
    const tokens = await childRows(api, user);
    const a = tokens.find((t) => t.label === 'double-a') as Row;
    const b = tokens.find((t) => t.label === 'double-b') as Row;
    assert.ok(a && b, describeRows(tokens));
    emu.setLatency(200);

    // both confirmations answered at once
    let mark = emu.requests.length;
    ui.answer = (s) => (s.modal && s.items.includes('Revoke') ? 'Revoke' : undefined);
    const outcomes = await Promise.all([
      vscode.commands.executeCommand('turso.revokeToken', a.node),
      vscode.commands.executeCommand('turso.revokeToken', a.node),
    ]);
    let deletes = emu.requests.slice(mark).filter((r) => r.method === 'DELETE');
    assert.strictEqual(deletes.length, 1, `one DELETE: ${JSON.stringify(deletes.map((r) => r.path))}`);
    assert.deepStrictEqual([...outcomes].sort(), ['cancelled', 'revoked']);

    // the second confirmation (queued behind the first modal) answered once the first revoke is done
    mark = emu.requests.length;
    let firstDone: () => void = () => undefined;
    const firstFinished = new Promise<void>((r) => (firstDone = r));
    let asked = 0;
    ui.answer = (s) => {
      if (!(s.modal && s.items.includes('Revoke'))) return undefined;
      return ++asked === 1 ? 'Revoke' : firstFinished.then(() => 'Revoke');
    };
    const one = vscode.commands.executeCommand('turso.revokeToken', b.node);
    const two = vscode.commands.executeCommand('turso.revokeToken', b.node);
    const r1 = await one;
    firstDone();
    const r2 = await two;
    deletes = emu.requests.slice(mark).filter((r) => r.method === 'DELETE');
    assert.strictEqual(deletes.length, 1, `one DELETE: ${JSON.stringify(deletes.map((r) => `${r.path} ${r.status}`))}`);
    assert.deepStrictEqual([r1, r2], ['revoked', 'cancelled']);
    ui.answer = () => undefined;
    checks.push('double Revoke (both confirmed at once, or the second after the first finished) → 1 DELETE');
  });

  /** The listed row of the token named `name`, after a refresh. */
  async function listedRow(name: string): Promise<Row> {
    await vscode.commands.executeCommand('turso.refresh');
    return waitFor(async () => {
      const [user] = await rootRows(api);
      return user?.contextValue === 'turso.user' ? (await childRows(api, user)).find((t) => t.label === name) : undefined;
    }, `the row of ${name}`);
  }

  /**
   * Answers the revoke confirmation after `meanwhile` (another window acting while the modal is
   * open), with Revoke; returns the command's outcome and the question's detail.
   */
  async function revokeWhile(row: Row, meanwhile: () => PromiseLike<void>): Promise<{ outcome: unknown; detail?: string }> {
    let detail: string | undefined;
    ui.answer = async (s) => {
      if (!(s.modal && s.items.includes('Revoke'))) return undefined;
      detail = s.detail;
      await meanwhile();
      return 'Revoke';
    };
    try {
      return { outcome: await vscode.commands.executeCommand('turso.revokeToken', row.node), detail };
    } finally {
      ui.answer = () => undefined;
    }
  }

  test('revoke: another window switches the credential while the confirmation is open: the DELETE goes out with the new credential', async () => {
    const old = emu.addApiToken({ name: 'switch-old-credential' });
    emu.addApiToken({ name: 'switch-victim', organization: 'acme' });
    await signedInAs(old.token);
    const victim = await listedRow('switch-victim');
    const mark = emu.requests.length;
    const { outcome } = await revokeWhile(victim, async () => {
      // The other window signs in with ci-bot and revokes the credential this one had.
      await storeAsAnotherWindow(api.testProbe.secrets, emu.demoApiToken, 'demo');
      const res = await fetch(`${emu.url}/v1/auth/api-tokens/switch-old-credential`, { method: 'DELETE', headers: { authorization: `Bearer ${emu.demoToken}` } });
      assert.strictEqual(res.status, 200, 'the other window revoked the old credential');
    });
    const deletes = emu.requests.slice(mark).filter((r) => r.method === 'DELETE' && r.path.endsWith('/switch-victim'));
    assert.deepStrictEqual(deletes.map((r) => r.status), [200], 'one DELETE, accepted: sent with the new credential (the old one is revoked)');
    assert.strictEqual(outcome, 'revoked');
    assert.ok(!(await listTokensOverHttp(emu)).some((t) => t.name === 'switch-victim'), 'switch-victim is gone');
    checks.push('revoke after another window switched the credential during the confirmation → DELETE with the new credential');
  });

  test('revoke: the credential becomes the token being revoked while the confirmation is open: revoking it signs out', async () => {
    const fresh = emu.addApiToken({ name: 'switch-self' });
    await signedInAs(emu.demoToken);
    const row = await listedRow('switch-self');
    assert.ok(!row.contextValue.includes(';current'), 'not the credential when asked');
    const { outcome, detail } = await revokeWhile(row, () => storeAsAnotherWindow(api.testProbe.secrets, fresh.token, 'demo'));
    assert.doesNotMatch(detail ?? '', /signed out/, 'the question was asked about another token');
    assert.strictEqual(outcome, 'revoked-self', 'decided with the credential stored at confirmation');
    assert.strictEqual(await storedCredential(api.testProbe.secrets), undefined, 'the revoked credential is no longer stored');
    await waitForSignedOutTree(api);
    checks.push('the credential switched to the token being revoked during the confirmation → signed out after revoking');
  });

  test('revoke: another account is signed in by the time of the confirmation: nothing is revoked, in either account', async () => {
    emu.addApiToken({ name: 'switch-same-name', organization: 'acme' });
    emu.addApiToken({ name: 'switch-same-name', owner: 'alice' });
    await signedInAs(emu.demoToken);
    const row = await listedRow('switch-same-name');
    const alice = emu.mintLoginToken({ username: 'alice' });
    const mark = emu.requests.length;
    const uiMark = ui.mark();
    const { outcome } = await revokeWhile(row, () => storeAsAnotherWindow(api.testProbe.secrets, alice, 'alice'));
    assert.strictEqual(outcome, 'cancelled');
    assert.deepStrictEqual(emu.requests.slice(mark).filter((r) => r.method === 'DELETE').map((r) => r.path), [], 'no DELETE sent');
    assert.ok((await listTokensOverHttp(emu)).some((t) => t.name === 'switch-same-name'), "demo's token is still there");
    assert.ok((await listTokensOverHttp(emu, alice)).some((t) => t.name === 'switch-same-name'), "alice's token is still there");
    const warned = ui.messagesSince(uiMark, (s) => s.kind === 'warning' && !s.modal);
    assert.ok(warned.some((s) => /not revoked/.test(s.message)), describeShown(ui.messagesSince(uiMark)));
    checks.push('another account signed in during the confirmation → nothing revoked');
  });

  test('"Revoking…" marks the row only while a slow answer is awaited; a quick answer removes the row in one change', async () => {
    await signedInAs(emu.demoToken);
    emu.addApiToken({ name: 'slow-revoke', organization: 'acme' });
    emu.addApiToken({ name: 'quick-revoke', organization: 'acme' });
    await vscode.commands.executeCommand('turso.refresh');
    const rowNamed = async (name: string): Promise<Row | undefined> => {
      const [user] = await rootRows(api);
      return user ? (await childRows(api, user)).find((t) => t.label === name) : undefined;
    };
    const slow = await waitFor(() => rowNamed('slow-revoke'), 'the row slow-revoke');
    const quick = await waitFor(() => rowNamed('quick-revoke'), 'the row quick-revoke');
    ui.answer = (s) => (s.modal && s.items.includes('Revoke') ? 'Revoke' : undefined);
    try {
      emu.setLatency(1500);
      const pending = vscode.commands.executeCommand('turso.revokeToken', slow.node);
      const busy = await waitFor(async () => {
        const row = await rowNamed('slow-revoke');
        return row?.contextValue.endsWith(';busy') ? row : undefined;
      }, 'the slow row marked busy', 5000);
      assert.strictEqual(busy.description, 'Revoking…');
      assert.strictEqual(await pending, 'revoked');
      assert.strictEqual(await rowNamed('slow-revoke'), undefined, 'the slow row is gone');

      emu.setLatency(0);
      let changes = 0;
      const sub = (api.tokensTree.onDidChangeTreeData as vscode.Event<unknown>)(() => changes++);
      const started = Date.now();
      let outcome: unknown;
      try {
        outcome = await vscode.commands.executeCommand('turso.revokeToken', quick.node);
      } finally {
        sub.dispose();
      }
      const took = Date.now() - started;
      assert.strictEqual(outcome, 'revoked');
      assert.strictEqual(await rowNamed('quick-revoke'), undefined, 'the quick row is gone');
      // The mark waits 150 ms after the confirmation: a command that took less cannot have set it.
      if (took < 150) {
        assert.strictEqual(changes, 1, `a quick revoke (${took} ms) changes the view once, to remove the row`);
        checks.push(`"Revoking…" only for a slow answer (1.5 s: shown); a quick revoke (${took} ms) → 1 view change`);
      } else {
        checks.push(`"Revoking…" only for a slow answer (1.5 s: shown); the quick revoke took ${took} ms on this machine, so its single change was not checked`);
      }
    } finally {
      ui.answer = () => undefined;
      emu.setLatency(0);
    }
  });

  /** Whose credential a token is, as the API says. */
  async function ownerOf(token: string): Promise<string> {
    const res = await fetch(`${emu.url}/v1/user`, { headers: { authorization: `Bearer ${token}` } });
    return ((await res.json()) as { user: { name: string } }).user.name;
  }

  /** The stored accounts' owners (as the API says), and the active one's. */
  async function storedOwners(): Promise<{ active?: string; all: string[] }> {
    const secrets = api.testProbe.secrets;
    const index = JSON.parse((await secrets.get(INDEX_KEY)) || '{"accounts":[]}') as { accounts: { id: string }[] };
    const tokens = (await Promise.all(index.accounts.map((a) => secrets.get(ACCOUNT_KEY_PREFIX + a.id)))).filter((t): t is string => !!t);
    const active = await storedCredential(secrets);
    return { active: active ? await ownerOf(active) : undefined, all: (await Promise.all(tokens.map(ownerOf))).sort() };
  }

  /**
   * The tree and the stored credentials agree: one top node per stored account, the active one
   * marked (or the only one), none when none is stored. Resolves to the active account's name.
   */
  async function converged(message: string): Promise<string | undefined> {
    let owners: { active?: string; all: string[] } = { all: [] };
    let rows: Row[] = [];
    await waitFor(async () => {
      owners = await storedOwners();
      rows = await rootRows(api);
      if (owners.active === undefined) return rows.length === 0;
      const active = rows.length === 1 ? rows[0] : rows.find((r) => r.contextValue === 'turso.user;active');
      return JSON.stringify(rows.map((r) => r.label).sort()) === JSON.stringify(owners.all) && active?.label === owners.active;
    }, `${message}: the tree to show the stored accounts, the active one marked`, 10000).catch((err: Error) => {
      throw new Error(`${err.message}; stored: ${JSON.stringify(owners)}; tree: ${describeRows(rows)}`);
    });
    return owners.active;
  }

  test('sign-out during a load leaves no stale tree (and no account event after it)', async () => {
    await signedInAs(emu.demoToken);
    emu.setLatency(400);
    const loading = vscode.commands.executeCommand('turso.refresh');
    await signOut();
    const after = states.length;
    // turso.refresh resolves when the load it started has ended, and a load ends only once each of
    // its requests has (answered or cancelled): whatever the superseded load could do, it has done.
    await loading;
    assert.deepStrictEqual(await rootRows(api), [], 'the tree stays empty');
    assert.ok(!states.slice(after).some((s) => s.kind === 'signedIn'), `no account shown after sign-out: ${JSON.stringify(states.slice(after).map((s) => s.kind))}`);
    checks.push('sign-out during a load → empty tree, no stale account');
  });

  test('another window signs in as someone else during a load: the newer account shows, never the old one', async () => {
    await signedInAs(emu.demoToken);
    emu.setLatency(400);
    const loading = vscode.commands.executeCommand('turso.refresh');
    const alice = emu.mintLoginToken({ username: 'alice' });
    await storeAsAnotherWindow(api.testProbe.secrets, alice, 'alice');
    const after = states.length;
    await loading; // as above: the superseded load has ended, answers and all
    assert.strictEqual(await converged('after the other window signed in'), 'Alice Admin');
    const stale = states.slice(after).filter((s) => s.kind === 'signedIn' && s.user.username !== 'alice');
    assert.deepStrictEqual(stale, [], 'no account event for the superseded credential');
    checks.push("another window's sign-in during a load → the new account, no stale one");
  });

  test('two windows changing the credential converge: sign-in, sign-out, and writes racing a sign-in', async () => {
    const secrets = api.testProbe.secrets;
    await signedInAs(emu.demoToken);
    assert.strictEqual(await converged('signed in here'), 'Demo User');
    // the other window signs in as alice, then signs out
    await storeAsAnotherWindow(secrets, emu.mintLoginToken({ username: 'alice' }), 'alice');
    assert.strictEqual(await converged('other window signed in'), 'Alice Admin');
    await storeAsAnotherWindow(secrets, undefined);
    assert.strictEqual(await converged('other window signed out'), undefined);
    await waitForSignedOutTree(api);

    // this window signs in (slow: its check takes 300 ms) while the other writes alice: the last write wins, and both agree
    emu.setLatency(300);
    const here = signIn(emu.demoApiToken);
    await storeAsAnotherWindow(secrets, emu.mintLoginToken({ username: 'alice' }), 'alice');
    assert.strictEqual(await here, true);
    assert.strictEqual(await converged('a sign-in racing another window'), 'Demo User');
    // and the other window writes after this one's sign-in
    await storeAsAnotherWindow(secrets, emu.mintLoginToken({ username: 'alice' }), 'alice');
    assert.strictEqual(await converged('another window after this sign-in'), 'Alice Admin');
    emu.setLatency(0);

    // a burst of writes from the other window: the tree ends on the last one
    const burst = [
      storeAsAnotherWindow(secrets, emu.demoToken, 'demo'),
      storeAsAnotherWindow(secrets, undefined),
      storeAsAnotherWindow(secrets, emu.mintLoginToken({ username: 'alice' }), 'alice'),
      storeAsAnotherWindow(secrets, emu.demoApiToken, 'demo'),
    ];
    await Promise.all(burst);
    assert.strictEqual(await converged('a burst of writes'), 'Demo User');
    const [user] = await rootRows(api);
    const ciBot = (await childRows(api, user)).find((t) => t.label === 'ci-bot');
    assert.ok(ciBot?.contextValue.includes(';current'), 'the tree knows the credential is ci-bot');
    checks.push('two windows (simulated through SecretStorage) converge: sign-in, sign-out, a sign-in racing a write, a burst of 4 writes');
  });
});
