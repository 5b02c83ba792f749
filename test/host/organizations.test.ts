import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  allChildRows, childRows, describeRows, restoreAfterSuite, Row, rootRows, signIn, signOut, startEmulator, waitFor, waitForRoot, waitForSignedOutTree, asTreeRow,
} from './helpers';
import { describeShown, EmuRequest, FixtureEmulator, fixtures, probedSignedOut, ProbedApi, UiRecorder } from './faultHelpers';

// Issue 15: every API token of an organization under "Organizations", with its owner; revoked by id.
// Driven through the tree's provider as the view drives it (getChildren on expand, getTreeItem per
// row), the modals answered by a recording fake; requests counted from the emulator's log.

interface OrgEmulator extends FixtureEmulator {
  readonly aliceToken: string;
  setMemberRole(organization: string, username: string, role: string | null): void;
  addOrgTokens(opts: { organization: string; count: number; owner?: string; prefix?: string }): string[];
  setLatency(ms: number): void;
}

const ORG_PATH = /^\/v1\/organizations(\/|$)/;

/** Every request started before the first of them was answered: one round trip. */
function oneRoundTrip(requests: EmuRequest[]): boolean {
  const firstEnd = Math.min(...requests.map((r) => r.at + r.ms));
  return requests.length > 0 && requests.every((r) => r.at <= firstEnd);
}

suite('Organizations: every API token of an organization, with its owner, revoked by id', function () {
  let emu: OrgEmulator;
  let api: ProbedApi;
  const ui = new UiRecorder();
  const figures: Record<string, string | number> = {};

  suiteSetup(async function () {
    this.timeout(60000);
    emu = fixtures(await startEmulator()) as OrgEmulator;
    api = await probedSignedOut(emu);
    ui.install();
  });
  suiteTeardown(async () => {
    ui.restore();
    emu?.setLatency(0);
    await restoreAfterSuite(api, emu);
    console.log(`  organizations figures: ${JSON.stringify(figures)}`);
  });
  teardown(async () => {
    ui.answer = () => undefined;
    emu.setLatency(0);
    emu.clearFaults();
  });

  async function signedInAs(token: string, name: string): Promise<Row> {
    await signOut();
    await waitForSignedOutTree(api);
    emu.reset();
    assert.strictEqual(await signIn(token), true);
    const user = await waitForRoot(api, 'turso.user');
    assert.strictEqual(user.label, name);
    return user;
  }
  async function organizationsRow(user: Row): Promise<Row> {
    const rows = await allChildRows(api, user);
    const orgs = rows.find((r) => r.contextValue === 'turso.organizations');
    assert.ok(orgs, `an Organizations row under the account: ${describeRows(rows)}`);
    return orgs;
  }
  async function orgRow(user: Row, slug: string): Promise<Row> {
    const rows = await allChildRows(api, await organizationsRow(user));
    const row = rows.find((r) => r.label === slug);
    assert.ok(row, `organization ${slug}: ${describeRows(rows)}`);
    return row;
  }

  /** Each picker shown, recorded once its items are in (title, and each item's words), then cancelled. */
  function recordPickers(): { seen: { title?: string; items: { label: string; description?: string; detail?: string }[] }[]; restore: () => void } {
    const seen: { title?: string; items: { label: string; description?: string; detail?: string }[] }[] = [];
    const original = vscode.window.createQuickPick;
    (vscode.window as { createQuickPick: unknown }).createQuickPick = () => {
      const qp = original();
      const show = qp.show.bind(qp);
      qp.show = () => {
        show();
        const poll = setInterval(() => {
          if (!qp.busy) {
            clearInterval(poll);
            seen.push({ title: qp.title, items: qp.items.map(({ label, description, detail }) => ({ label, description, detail })) });
            qp.hide();
          }
        }, 20);
      };
      return qp;
    };
    return { seen, restore: () => { (vscode.window as { createQuickPick: unknown }).createQuickPick = original; } };
  }

  test('signed in: an Organizations row after the tokens, collapsed; nothing about organizations asked until expanded', async () => {
    const user = await signedInAs(emu.demoToken, 'Demo User');
    const rows = await allChildRows(api, user);
    assert.strictEqual(rows.at(-1)?.contextValue, 'turso.organizations', describeRows(rows));
    const orgs = rows.at(-1)!;
    assert.strictEqual(orgs.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.deepStrictEqual(emu.requests.filter((r) => ORG_PATH.test(r.path)).map((r) => r.path), []);

    const mark = emu.requests.length;
    const orgRows = await allChildRows(api, orgs);
    assert.deepStrictEqual(orgRows.map((r) => r.label), ['acme', 'demo', 'partner', 'studio']);
    for (const r of orgRows) assert.strictEqual(r.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.deepStrictEqual(emu.requests.slice(mark).map((r) => `${r.method} ${r.path}`), ['GET /v1/organizations'],
      'expanding Organizations lists them, and asks nothing of any organization');
  });

  test('expanding one organization is one round trip: its tokens and the role, together', async () => {
    const user = (await rootRows(api))[0];
    const studio = await orgRow(user, 'studio');
    emu.setLatency(200);
    const mark = emu.requests.length;
    const tokens = await allChildRows(api, studio);
    const asked = emu.requests.slice(mark);
    assert.deepStrictEqual(asked.map((r) => `${r.method} ${r.path}`).sort(),
      ['GET /v1/organizations/studio/api-tokens', 'GET /v1/organizations/studio/members/demo']);
    assert.ok(oneRoundTrip(asked), `one round trip: ${JSON.stringify(asked.map((r) => [r.path, r.at, r.ms]))}`);
    figures.expandOneOrganization = `${asked.length} requests, 1 round trip`;
    assert.deepStrictEqual(tokens.map((t) => t.label), ['alice · studio-sync', 'demo · studio-deploy']);
  });

  test('as owner/admin: a colleague\'s token with its owner (email in the tooltip), scope, date; mine marked', async () => {
    const user = (await rootRows(api))[0];
    const tokens = await allChildRows(api, await orgRow(user, 'studio'));
    const sync = tokens.find((t) => t.label === 'alice · studio-sync');
    assert.ok(sync, describeRows(tokens));
    assert.strictEqual(sync.description, 'organization · 2026-05-30');
    assert.strictEqual(sync.contextValue, 'turso.orgToken;org');
    assert.strictEqual(sync.item.tooltip, undefined, 'a token row\'s tooltip waits for the hover');
    const resolved = await api.tokensTree.resolveTreeItem!(sync.item, sync.node, new vscode.CancellationTokenSource().token);
    const tooltip = (resolved?.tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, /alice@example\.com/);
    const mine = tokens.find((t) => t.label === 'demo · studio-deploy');
    assert.ok(mine);
    assert.match(mine.description, /yours$/);
    // An admin's organization row does not say "only your own".
    const studio = await orgRow(user, 'studio');
    assert.doesNotMatch(studio.description, /only your own/);
  });

  test('as admin: revoking a colleague\'s token by id, the confirmation naming token, owner and organization', async () => {
    const user = await signedInAs(emu.demoToken, 'Demo User');
    emu.setMemberRole('studio', 'demo', 'admin');
    const ownRowsBefore = (await childRows(api, user)).map((r) => r.label);
    const tokens = await allChildRows(api, await orgRow(user, 'studio'));
    const sync = tokens.find((t) => t.label === 'alice · studio-sync');
    assert.ok(sync, describeRows(tokens));
    const id = (sync.node as { token: { id: string } }).token.id;
    ui.answer = (s) => (s.modal && s.items.includes('Revoke') ? 'Revoke' : undefined);
    const mark = ui.mark();
    const outcome = await vscode.commands.executeCommand('turso.revokeToken', sync.node);
    assert.strictEqual(outcome, 'revoked', describeShown(ui.messagesSince(mark)));
    const confirm = ui.messagesSince(mark, (s) => s.modal)[0];
    assert.ok(confirm, describeShown(ui.messagesSince(mark)));
    assert.match(confirm.message, /"studio-sync".*alice.*"studio"/);
    const deletes = emu.requests.filter((r) => r.method === 'DELETE');
    assert.deepStrictEqual(deletes.map((r) => `${r.path} ${r.status}`), [`/v1/organizations/studio/api-tokens/${id} 200`]);
    const after = await allChildRows(api, await orgRow(user, 'studio'));
    assert.deepStrictEqual(after.map((t) => t.label), ['demo · studio-deploy']);
    assert.deepStrictEqual((await childRows(api, (await rootRows(api))[0])).map((r) => r.label), ownRowsBefore, 'the account\'s own tokens untouched');
  });

  test('as member: only my own tokens, and the organization says so; revoking another\'s token (403) says why', async () => {
    const user = await signedInAs(emu.aliceToken, 'Alice Admin');
    const studio = await orgRow(user, 'studio');
    const tokens = await allChildRows(api, studio);
    assert.deepStrictEqual(tokens.map((t) => t.label), ['alice · studio-sync']);
    assert.match(tokens[0].description, /yours/);
    const note = await waitFor(async () => {
      const row = await orgRow(user, 'studio');
      return /only your own tokens/.test(row.description) ? row : undefined;
    }, 'the organization row to say only your own tokens are shown');
    assert.strictEqual(note.contextValue, 'turso.organization;ownOnly');
    assert.strictEqual(note.item.tooltip, undefined, 'the row\'s tooltip waits for the hover');
    assert.match((note.tooltip as vscode.MarkdownString).value, /member/);

    // A member may not revoke demo's token: the server says 403, the message says why, nothing changes.
    const deploy = (await emulatorTokens('studio', emu.demoToken)).find((t) => t.name === 'studio-deploy');
    assert.ok(deploy);
    // A row as the tree would show it to an admin (the member sees none): the test-only entry brands it as the tree's.
    const fake = asTreeRow({
      kind: 'orgToken', accountId: (studio.node as { accountId: string }).accountId, organization: 'studio', owner: 'demo',
      token: { name: 'studio-deploy', id: deploy.id, organization: 'studio', owner: { username: 'demo' } },
    });
    ui.answer = (s) => (s.modal && s.items.includes('Revoke') ? 'Revoke' : undefined);
    const mark = ui.mark();
    const outcome = await vscode.commands.executeCommand('turso.revokeOrganizationToken', fake);
    assert.strictEqual(outcome, 'failed');
    const error = ui.messagesSince(mark, (s) => s.kind === 'error')[0];
    assert.ok(error, describeShown(ui.messagesSince(mark)));
    assert.match(error.message, /can't revoke API token "studio-deploy" of demo.*only owners and admins/);
    assert.deepStrictEqual(emu.requests.filter((r) => r.method === 'DELETE').map((r) => r.status), [403]);
    assert.deepStrictEqual((await allChildRows(api, await orgRow(user, 'studio'))).map((t) => t.label), ['alice · studio-sync']);
  });

  test('revoking the token this extension is signed in with (its jti is the id) signs out, as by name', async () => {
    await signOut();
    await waitForSignedOutTree(api);
    emu.reset();
    const own = emu.addApiToken({ name: 'studio-self', owner: 'demo', organization: 'studio' });
    assert.strictEqual(await signIn(own.token), true);
    const user = await waitForRoot(api, 'turso.user');
    const tokens = await allChildRows(api, await orgRow(user, 'studio'));
    const self = tokens.find((t) => t.label === 'demo · studio-self');
    assert.ok(self, describeRows(tokens));
    assert.match(self.contextValue, /;current$/);
    ui.answer = (s) => (s.modal && s.items.includes('Revoke') ? 'Revoke' : undefined);
    const mark = ui.mark();
    const outcome = await vscode.commands.executeCommand('turso.revokeOrganizationToken', self.node);
    assert.strictEqual(outcome, 'revoked-self', describeShown(ui.messagesSince(mark)));
    assert.match(ui.messagesSince(mark, (s) => s.modal)[0]?.detail ?? '', /you will be signed out/);
    assert.deepStrictEqual(emu.requests.filter((r) => r.method === 'DELETE').map((r) => r.path), [`/v1/organizations/studio/api-tokens/${own.id}`]);
    await waitForSignedOutTree(api);
  });

  test('a token already gone (404) says so and reloads only that organization', async () => {
    const user = await signedInAs(emu.demoToken, 'Demo User');
    // A token of its own (the seed's ids come back after a reset, and this window remembers what it revoked).
    const { id } = emu.addApiToken({ name: 'soon-gone', owner: 'alice', organization: 'studio' });
    const studio = await orgRow(user, 'studio');
    const tokens = await allChildRows(api, studio);
    const sync = tokens.find((t) => t.label === 'alice · soon-gone');
    assert.ok(sync, describeRows(tokens));
    const gone = await fetch(`${emu.url}/v1/organizations/studio/api-tokens/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${emu.aliceToken}` } });
    assert.strictEqual(gone.status, 200, 'alice revokes her own token elsewhere');
    ui.answer = (s) => (s.modal && s.items.includes('Revoke') ? 'Revoke' : undefined);
    const mark = ui.mark();
    const before = emu.requests.length;
    const outcome = await vscode.commands.executeCommand('turso.revokeOrganizationToken', sync.node);
    assert.strictEqual(outcome, 'already-gone', describeShown(ui.messagesSince(mark)));
    assert.match(ui.messagesSince(mark, (s) => s.kind === 'warning' && !s.modal)[0]?.message ?? '', /already revoked or no longer exists/);
    await waitFor(async () => {
      const rows = await allChildRows(api, await orgRow((await rootRows(api))[0], 'studio'));
      return !rows.some((r) => r.label === 'alice · soon-gone') && rows.some((r) => r.label === 'alice · studio-sync');
    }, 'the studio list reloaded without the gone token');
    const after = emu.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    assert.ok(!after.some((p) => p === 'GET /v1/auth/api-tokens' || p === 'GET /v1/organizations'), `only studio is asked again: ${JSON.stringify(after)}`);
  });

  test('refresh of three expanded organizations: one round trip for all', async () => {
    const user = await signedInAs(emu.demoToken, 'Demo User');
    for (const slug of ['acme', 'partner', 'studio']) await allChildRows(api, await orgRow(user, slug));
    emu.setLatency(300);
    const mark = emu.requests.length;
    await vscode.commands.executeCommand('turso.refresh');
    const fresh = (await rootRows(api))[0];
    for (const slug of ['acme', 'partner', 'studio']) await allChildRows(api, await orgRow(fresh, slug));
    const asked = emu.requests.slice(mark);
    const orgAsked = asked.filter((r) => ORG_PATH.test(r.path)).map((r) => r.path).sort();
    assert.deepStrictEqual(orgAsked, [
      '/v1/organizations',
      '/v1/organizations/acme/api-tokens', '/v1/organizations/acme/members/demo',
      '/v1/organizations/partner/api-tokens', '/v1/organizations/partner/members/demo',
      '/v1/organizations/studio/api-tokens', '/v1/organizations/studio/members/demo',
    ]);
    assert.ok(oneRoundTrip(asked), `one round trip: ${JSON.stringify(asked.map((r) => [r.path, r.at, r.ms]))}`);
    figures.refreshThreeOrganizations = `${asked.length} requests (account and organizations), 1 round trip`;
  });

  test('Revoke Organization API Token from the palette: the organizations picked as Create and Rotate show them (name, personal or team)', async () => {
    await signedInAs(emu.demoToken, 'Demo User');
    const { seen, restore } = recordPickers();
    try {
      await vscode.commands.executeCommand('turso.revokeOrganizationToken');
      assert.strictEqual(seen.length, 1, JSON.stringify(seen));
      assert.match(seen[0].title ?? '', /Organization/);
      const acme = seen[0].items.find((i) => i.label === 'acme');
      const demo = seen[0].items.find((i) => i.label === 'demo');
      assert.deepStrictEqual([acme, demo], [
        { label: 'acme', description: 'Acme Inc.', detail: 'Team organization' },
        { label: 'demo', description: 'personal', detail: 'Personal organization' },
      ], JSON.stringify(seen[0].items));
    } finally {
      restore();
    }
  });

  test('Create from an organization\'s row pre-selects it: no organization step, no unrestricted choice', async () => {
    const user = (await rootRows(api))[0];
    const acme = await orgRow(user, 'acme');
    const { seen, restore } = recordPickers();
    const input = vscode.window.showInputBox;
    (vscode.window as { showInputBox: unknown }).showInputBox = async () => 'from-org-row';
    try {
      const mark = emu.requests.length;
      const result = await vscode.commands.executeCommand('turso.createToken', acme.node);
      assert.strictEqual(result, undefined, 'cancelled at the access step');
      assert.strictEqual(seen.length, 1, JSON.stringify(seen));
      assert.match(seen[0].title ?? '', /acme/);
      assert.ok(!seen[0].items.some((i) => /Unrestricted/.test(i.label)), JSON.stringify(seen));
      assert.ok(!emu.requests.slice(mark).some((r) => r.path === '/v1/organizations'), 'the organizations are not asked for');
    } finally {
      restore();
      (vscode.window as { showInputBox: unknown }).showInputBox = input;
    }
  });

  test('1,000 tokens in one organization: every row is produced, sorted by owner then name', async function () {
    this.timeout(60000);
    const user = await signedInAs(emu.demoToken, 'Demo User');
    emu.addOrgTokens({ organization: 'acme', count: 500, owner: 'demo', prefix: 'bulk' });
    emu.addOrgTokens({ organization: 'acme', count: 500, owner: 'alice', prefix: 'bulk' });
    const acme = await orgRow(user, 'acme');
    const started = Date.now();
    // The token rows (the organization's Databases row comes first: databases.test.ts).
    const nodes = ((await api.tokensTree.getChildren(acme.node)) ?? []).filter((n) => (n as { kind?: string }).kind === 'orgToken');
    const loaded = Date.now();
    const items = await Promise.all(nodes.map((n) => api.tokensTree.getTreeItem(n)));
    const built = Date.now();
    const labels = items.map((i) => String(typeof i.label === 'string' ? i.label : i.label?.label));
    assert.strictEqual(labels.filter((l) => / · bulk-/.test(l)).length, 1000, `1,000 bulk rows among ${labels.length}`);
    assert.ok(labels.every((l, i) => i === 0 || labels[i - 1].split(' · ')[0] <= l.split(' · ')[0]), 'sorted by owner');
    // The rows' own ids (the tree keeps its rows by them); VS Code gets none for a token row (see organizationsTree.ts).
    assert.strictEqual(new Set(nodes.map((n) => (n as { id: string }).id)).size, nodes.length, 'row ids are unique');
    assert.ok(items.every((i) => i.id === undefined), 'no VS Code id on an organization token row');
    figures.thousandTokens = `${labels.length} rows: list ${loaded - started} ms, tree items ${built - loaded} ms`;
  });

  async function emulatorTokens(org: string, bearer: string): Promise<{ name: string; id: string }[]> {
    const res = await fetch(`${emu.url}/v1/organizations/${org}/api-tokens`, { headers: { authorization: `Bearer ${bearer}` } });
    return ((await res.json()) as { tokens: { name: string; id: string }[] }).tokens;
  }
});
