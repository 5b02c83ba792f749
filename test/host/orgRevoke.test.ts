import * as assert from 'assert';
import * as vscode from 'vscode';
import { allChildRows, describeRows, restoreAfterSuite, Row, signIn, signOut, startEmulator, waitFor, waitForRoot, waitForSignedOutTree, asTreeRow } from './helpers';
import { describeShown, FixtureEmulator, fixtures, probedSignedOut, ProbedApi, UiRecorder } from './faultHelpers';

// Revoking an organization's token by id (src/commands/revokeOrganizationToken.ts): a 403 reloads that
// organization's role and rows (the admin's view it showed may be out of date); a token whose owner
// came without a username is named by no one in the dialogs.

interface OrgEmulator extends FixtureEmulator {
  setMemberRole(organization: string, username: string, role: string | null): void;
}

suite('Organization revoke: a 403 reloads the role and rows; a token without an owner\'s name', function () {
  let emu: OrgEmulator;
  let api: ProbedApi;
  const ui = new UiRecorder();

  suiteSetup(async function () {
    this.timeout(60000);
    emu = fixtures(await startEmulator()) as OrgEmulator;
    api = await probedSignedOut(emu);
    ui.install();
  });
  suiteTeardown(async () => {
    ui.restore();
    await restoreAfterSuite(api, emu);
  });
  teardown(() => {
    ui.answer = () => undefined;
  });

  /** Signed in as demo, an admin of studio; studio expanded: its rows. */
  async function adminOfStudio(): Promise<{ studio: Row; tokens: Row[] }> {
    await signOut();
    await waitForSignedOutTree(api);
    emu.reset();
    emu.setMemberRole('studio', 'demo', 'admin');
    assert.strictEqual(await signIn(emu.demoToken), true);
    const user = await waitForRoot(api, 'turso.user');
    const orgs = (await allChildRows(api, user)).find((r) => r.contextValue === 'turso.organizations');
    assert.ok(orgs, 'an Organizations row');
    const studio = (await allChildRows(api, orgs)).find((r) => r.label === 'studio');
    assert.ok(studio, 'the studio row');
    const tokens = await allChildRows(api, studio);
    assert.deepStrictEqual(tokens.map((t) => t.label), ['alice · studio-sync', 'demo · studio-deploy'], 'an admin sees every member\'s tokens');
    return { studio, tokens };
  }
  async function studioRow(): Promise<Row> {
    const user = await waitForRoot(api, 'turso.user');
    const orgs = (await allChildRows(api, user)).find((r) => r.contextValue === 'turso.organizations');
    const studio = orgs && (await allChildRows(api, orgs)).find((r) => r.label === 'studio');
    assert.ok(studio, 'the studio row');
    return studio;
  }

  test('an admin made a member meanwhile: the revoke answers 403, and studio is reloaded as a member sees it', async () => {
    const { tokens } = await adminOfStudio();
    const sync = tokens.find((t) => t.label === 'alice · studio-sync');
    assert.ok(sync);
    emu.setMemberRole('studio', 'demo', 'member');
    ui.answer = (s) => (s.modal && s.items.includes('Revoke') ? 'Revoke' : undefined);
    const mark = ui.mark();
    assert.strictEqual(await vscode.commands.executeCommand('turso.revokeOrganizationToken', sync.node), 'failed');
    assert.match(ui.messagesSince(mark, (s) => s.kind === 'error')[0]?.message ?? '', /only owners and admins/, describeShown(ui.messagesSince(mark)));
    let rows: Row[] = [];
    let note = '';
    await waitFor(async () => {
      const studio = await studioRow();
      note = studio.description;
      rows = await allChildRows(api, studio);
      return /only your own tokens/.test(note) && rows.length === 1 ? true : undefined;
    }, 'studio to be reloaded after the 403: the member\'s view', 8000).catch((err: Error) => {
      throw new Error(`${err.message}; studio says "${note}" and shows ${describeRows(rows)}`);
    });
    assert.deepStrictEqual(rows.map((t) => t.label), ['demo · studio-deploy']);
  });

  test('a token whose owner came without a username: the dialogs name no owner', async () => {
    const { tokens } = await adminOfStudio();
    const sync = tokens.find((t) => t.label === 'alice · studio-sync');
    assert.ok(sync);
    const node = sync.node as { token: { owner?: unknown } };
    const nameless = asTreeRow({ ...node, owner: '', yours: false, token: { ...node.token, owner: { email: 'alice@example.com' } } });
    ui.answer = (s) => (s.modal && s.items.includes('Revoke') ? 'Revoke' : undefined);
    const mark = ui.mark();
    assert.strictEqual(await vscode.commands.executeCommand('turso.revokeOrganizationToken', nameless), 'revoked', describeShown(ui.messagesSince(mark)));
    const confirm = ui.messagesSince(mark, (s) => s.modal)[0];
    assert.ok(confirm, describeShown(ui.messagesSince(mark)));
    assert.strictEqual(confirm.message, 'Revoke API token "studio-sync" in organization "studio"?');
    assert.match(confirm.detail ?? '', /does not say who minted it/);
    const done = ui.messagesSince(mark, (s) => s.kind === 'info')[0];
    assert.strictEqual(done?.message, 'Revoked API token "studio-sync" in "studio".', describeShown(ui.messagesSince(mark)));
  });
});
