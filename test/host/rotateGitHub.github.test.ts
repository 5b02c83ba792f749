import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GitHubEmulator } from '../github-emulator/server';
import { describeShown, UiRecorder, type EmuRequest, type ProbedApi, type Shown } from './faultHelpers';
import {
  childRows, describeRows, Emulator, emulatorGet, jwtClaims, pointSignedOut, restoreAfterSuite, rootRows, signIn, startCreateToken,
  startEmulator, waitFor, waitForRoot, type RevealProbe, type Row,
} from './helpers';
import { drivenQuickPick, within, type Seen } from './quickPicks';

// Rotate API Token updates the GitHub Actions secrets that held the old token (issue 24), end to end
// in the GitHub test host (`run-host-tests.mjs --github`): the token is saved through the reveal
// panel's Save as GitHub Actions Secret (a repository secret and an environment secret of acme/app on
// the GitHub API emulator, standing for a GitHub Enterprise Server on 127.0.0.1), then rotated with
// `turso.rotateToken`, whose writer is the product's own (src/githubSecrets/writer.ts through
// src/lazy/commands.ts gitHubSecretWriter, wired in src/extension.ts: this suite sets no writer).
// The emulator opens each secret with its private key; the value is compared with what the Turso
// emulator minted, in memory (no assertion message holds a value).

const FIXTURE_ID = 'tursotools-tests.turso-github-auth';
const SETTING = 'github-enterprise.uri';
const REPO = 'acme/app';
const ENV = 'production';
const NAME = 'TURSO_API_TOKEN';

interface FixtureGitHub {
  signIn(providerId: string, o: { token: string; label: string; scopes?: string[]; uri?: string }): string;
  reset(): void;
}

interface SecretPlace { host: string; owner: string; repo: string; environment?: string; name: string }

interface RotateApi extends ProbedApi {
  secretPlaces: { of(tokenId: string): SecretPlace[]; forget(tokenId: string): Promise<void> };
  setSecretWriter(writer: undefined): void;
}

/** The in-process Turso emulator's own state (test/emulator/store.ts): what it minted, by token id. */
interface TursoStore {
  tokens: Map<string, { id: string; name: string }>;
  tokenValue(record: { id: string }): string;
}

interface RotateResult { outcome: 'rotated' | 'kept-old' | 'cancelled' | 'failed'; name?: string; id?: string }

suite('Rotate API Token with GitHub Actions secrets: the real writer against the GitHub emulator', function () {
  let gh: FixtureGitHub;
  let ghe: GitHubEmulator;
  let emu: Emulator;
  let store: TursoStore;
  let api: RotateApi;
  let ui: UiRecorder;
  let host: string;
  /** Where the save flow's picks go: the place to choose in the Where picker. */
  let where = 'Repository secret';
  let seen: Seen[] = [];
  const ceiling = process.env.GIT_CEILING_DIRECTORIES;
  let n = 0;

  suiteSetup(async function () {
    if (process.env.TURSO_HOST_GITHUB !== '1') this.skip(); // another runner (the desktop one) loads every file
    this.timeout(60000);
    const ext = vscode.extensions.getExtension<FixtureGitHub>(FIXTURE_ID);
    assert.ok(ext, `${FIXTURE_ID} (test/fixtures/github-auth) is loaded in this host`);
    gh = await ext.activate();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder && folder.uri.scheme === 'file', 'the runner opens a folder on disk');
    // The repository is typed ("Another repository…"): the workspace's git is left alone (the other
    // GitHub suite makes it a repository of its own), and git must not look above the folder.
    process.env.GIT_CEILING_DIRECTORIES = path.dirname(folder.uri.fsPath);
    const { startGitHubEmulator } = require('../github-emulator/server') as typeof import('../github-emulator/server');
    ghe = await startGitHubEmulator();
    host = new URL(ghe.url).host;
    emu = await startEmulator();
    store = (emu as unknown as { store: TursoStore }).store;
    assert.ok(store && typeof store.tokenValue === 'function', 'the in-process Turso emulator exposes its store');
    api = (await pointSignedOut(emu)) as RotateApi;
    assert.ok(api.testProbe && api.secretPlaces && api.setSecretWriter, 'activate() exposes testProbe and secretPlaces under test');
    api.setSecretWriter(undefined); // the product's own writer
    assert.strictEqual(await signIn(emu.demoToken), true);
    await waitForRoot(api, 'turso.user');
  });
  suiteTeardown(async () => {
    gh?.reset();
    await vscode.workspace.getConfiguration().update(SETTING, undefined, vscode.ConfigurationTarget.Global);
    if (ceiling === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
    else process.env.GIT_CEILING_DIRECTORIES = ceiling;
    await restoreAfterSuite(api, emu);
    await ghe?.close();
  });
  setup(async function () {
    this.timeout(30000);
    n++;
    seen = [];
    where = 'Repository secret';
    gh.reset();
    ghe.reset();
    ghe.addRepository({ fullName: REPO, access: { 'octo-admin': 'admin' }, environments: [ENV] });
    ui = new UiRecorder().install();
    const w = vscode.window as unknown as Record<string, unknown>;
    ui.replace(w, 'createQuickPick', () => drivenQuickPick(seen, () => (title, items) => {
      if (items.length === 0) return undefined;
      const find = (label: string) => items.find((i) => i.label === label);
      const item = title === 'Save as GitHub Actions Secret: Repository' ? find('Another repository…')
        : title === `Save as GitHub Actions Secret: Where in ${REPO}` ? find(where)
          : title === 'Save as GitHub Actions Secret: Name' ? find(NAME) : undefined;
      return item ? { accept: item } : 'escape';
    }, () => undefined));
    // "Another repository…" gets the emulator's acme/app; Rotate's name step, the name it offers.
    ui.replace(w, 'showInputBox', (options: vscode.InputBoxOptions) =>
      Promise.resolve(options.placeHolder === 'owner/repo' ? `${host}/${REPO}` : options.value));
    await vscode.workspace.getConfiguration().update(SETTING, ghe.url, vscode.ConfigurationTarget.Global);
    await signInGitHub();
  });
  teardown(() => {
    ui.restore();
    for (const p of api.revealPanels()) p.panel?.dispose();
  });

  async function signInGitHub(): Promise<void> {
    const changed = new Promise<void>((resolve) => {
      const sub = vscode.authentication.onDidChangeSessions((e) => { if (e.provider.id === 'github-enterprise') { sub.dispose(); resolve(); } });
    });
    gh.signIn('github-enterprise', { token: ghe.adminToken, label: 'octo-admin', scopes: ['repo'], uri: ghe.url });
    await within(changed, 10000, 'onDidChangeSessions for github-enterprise after the test signed in');
  }

  const repoLabel = () => `${host}/${REPO} · ${NAME}`;
  const envLabel = () => `${host}/${REPO} (${ENV}) · ${NAME}`;
  const labelOf = (p: SecretPlace) => `${p.host}/${p.owner}/${p.repo}${p.environment ? ` (${p.environment})` : ''} · ${p.name}`;
  const sent = (from: number) => ghe.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/^\/api\/v3/, '')}`);
  const tursoRequests = () => emu.requests as EmuRequest[];
  /** What the Turso emulator minted for the token `id` (its value, kept in memory). */
  const mintedValue = (id: string): string => {
    const record = store.tokens.get(id);
    assert.ok(record, `the Turso emulator holds token ${id}`);
    return store.tokenValue(record);
  };
  const validate = async (value: string) => (await emulatorGet(emu, '/v1/auth/validate', value)).status;

  /** A new API token, saved through its reveal panel to acme/app's repository secret, then to its environment's. */
  async function tokenSavedToBoth(): Promise<{ name: string; id: string; value: string }> {
    const name = `gh-rot-${n}-${Date.now().toString(36)}`;
    const { probe, done } = await startCreateToken(api, { name, restriction: { kind: 'org', organization: 'acme' } });
    const clip = ui.clipboard.length;
    await probe.receive({ type: 'copy' });
    const value = ui.clipboard[clip];
    assert.ok(value, 'the value was copied');
    await save(probe, 'Repository secret', `Saved as GitHub Actions secret ${NAME} of ${REPO}.`);
    await save(probe, `Environment: ${ENV}`, `Saved as GitHub Actions secret ${NAME} of ${REPO}, environment "${ENV}".`);
    probe.panel?.dispose();
    const created = await within(done, 10000, 'Create API Token to end once its panel closed');
    assert.ok(created?.id, 'Create API Token resolved to the token');
    assert.ok(mintedValue(created.id) === value, 'the panel showed what the Turso emulator minted');
    assert.ok(ghe.openSecret(REPO, undefined, NAME) === value && ghe.openSecret(REPO, ENV, NAME) === value, 'both secrets hold the created token');
    await remembered(created.id, [repoLabel(), envLabel()], 'both places remembered for the created token');
    return { name, id: created.id, value };
  }

  async function save(probe: RevealProbe, choice: string, message: string): Promise<void> {
    where = choice;
    await probe.receive({ type: 'save-github' });
    assert.deepStrictEqual(probe.status, { text: message, kind: 'success' }, `${JSON.stringify(seen.map((x) => x.title))} ${describeShown(ui.shown.slice(-3))}`);
  }

  /** What is remembered for `tokenId`, once global state has settled. */
  async function remembered(tokenId: string, labels: string[], what: string): Promise<void> {
    let last: string[] = [];
    await waitFor(() => {
      last = api.secretPlaces.of(tokenId).map(labelOf);
      return JSON.stringify(last) === JSON.stringify(labels) || undefined;
    }, what).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(last)}`);
    });
  }

  async function rowOf(name: string): Promise<Row> {
    await vscode.commands.executeCommand('turso.refresh');
    let rows: Row[] = [];
    return waitFor(async () => {
      const user = (await rootRows(api)).find((r) => r.contextValue.startsWith('turso.user'));
      rows = user ? await childRows(api, user) : [];
      return rows.find((r) => r.label === name);
    }, `the row of ${name}`).catch((err: Error) => {
      throw new Error(`${err.message}; rows were ${describeRows(rows)}`);
    });
  }

  /**
   * Runs `turso.rotateToken` on the row of `oldName`, the plan and the last confirmation answered
   * (both recorded). `panel`: the successor's value is to be shown once (its reveal panel: copied
   * from, then closed); otherwise a reveal panel fails the test.
   */
  async function rotate(oldName: string, panel: boolean): Promise<{ result: RotateResult | undefined; plan?: Shown; last?: Shown; shownValue?: string }> {
    let plan: Shown | undefined;
    let last: Shown | undefined;
    ui.answer = (s) => {
      if (/^Rotate API token/.test(s.message)) { plan = s; return 'Rotate'; }
      if (/^Revoke the old API token/.test(s.message)) { last = s; return 'Revoke'; }
      return undefined;
    };
    const node = (await rowOf(oldName)).node;
    let settled: { result: RotateResult | undefined } | undefined;
    let failed: unknown;
    const running = vscode.commands.executeCommand<RotateResult>('turso.rotateToken', node);
    running.then((result) => (settled = { result }), (err) => (failed = err ?? 'rejected'));
    const successor = () => api.revealPanels().find((p) => p.revealed && p.tokenName.startsWith(`${oldName}-`));
    const end = await waitFor(
      () => (failed ? { failed } : panel ? successor() : (settled ?? (successor() ? { unexpectedPanel: true } : undefined))),
      panel ? 'the successor\'s reveal panel' : 'the rotation to end', 50000,
    );
    if ('failed' in end) assert.fail(`turso.rotateToken threw: ${String((end.failed as Error).message ?? end.failed)}`);
    if ('unexpectedPanel' in end) assert.fail(`the new value was shown in a reveal panel: ${describeShown(ui.shown.slice(-4))}`);
    if ('result' in end) return { result: end.result, plan, last };
    const probe = end as RevealProbe;
    const clip = ui.clipboard.length;
    await probe.receive({ type: 'copy' });
    const shownValue = ui.clipboard[clip];
    probe.panel?.dispose();
    return { result: await within(running, 20000, 'the rotation to end once its panel closed'), plan, last, shownValue };
  }

  test('a rotation updates the repository and the environment secret with the new token (key read + one PUT each, after the mint), revokes the old token, moves what is remembered', async function () {
    this.timeout(90000);
    const old = await tokenSavedToBoth();
    const tursoMark = tursoRequests().length;
    const ghMark = ghe.requests.length;
    const uiMark = ui.mark();
    const { result, plan, last, shownValue } = await rotate(old.name, false);
    assert.strictEqual(result?.outcome, 'rotated', describeShown(ui.messagesSince(uiMark)));
    assert.strictEqual(shownValue, undefined, 'no reveal panel: the value went into the secrets');
    const newId = result.id;
    assert.ok(newId && newId !== old.id, 'the successor has an id of its own');
    const fresh = mintedValue(newId);
    assert.strictEqual(jwtClaims(fresh).jti, newId);

    // GitHub: each secret opens (private key) to what the Turso emulator minted for the successor.
    assert.ok(ghe.openSecret(REPO, undefined, NAME) === fresh, 'the repository secret opens to the new token\'s value');
    assert.ok(ghe.openSecret(REPO, ENV, NAME) === fresh, 'the environment secret opens to the new token\'s value');

    // What GitHub was asked after the mint: each secret's key, then its PUT; nothing else.
    const mint = tursoRequests().slice(tursoMark).find((r) => r.method === 'POST' && r.path.startsWith('/v1/auth/api-tokens/'));
    assert.ok(mint, 'the successor was minted at the Turso emulator');
    assert.deepStrictEqual(sent(ghMark), [
      `GET /repos/${REPO}/actions/secrets/public-key`, `PUT /repos/${REPO}/actions/secrets/${NAME}`,
      `GET /repos/${REPO}/environments/${ENV}/secrets/public-key`, `PUT /repos/${REPO}/environments/${ENV}/secrets/${NAME}`,
    ], 'the key reads and one PUT per secret, nothing else');
    const atGitHub = ghe.requests.slice(ghMark);
    assert.ok(atGitHub.every((r) => r.at >= mint.at && r.login === 'octo-admin'), 'after the mint, with the GitHub Enterprise session');
    assert.deepStrictEqual(atGitHub.map((r) => r.status), [200, 204, 200, 204], 'both secrets updated');

    // Turso: the old token revoked (after the secrets), the new one works.
    const revoke = tursoRequests().slice(tursoMark).find((r) => r.method === 'DELETE');
    assert.ok(revoke && revoke.path === `/v1/auth/api-tokens/${old.name}`, 'the old token was revoked');
    assert.ok(atGitHub.every((r) => r.at <= revoke.at), 'the secrets were written before the revoke');
    assert.strictEqual(await validate(old.value), 401, 'the old token no longer validates');
    assert.strictEqual(await validate(fresh), 200, 'the new token validates');

    // Both dialogs named the secrets; what is remembered moved to the new token.
    assert.ok(plan?.detail?.includes(repoLabel()) && plan.detail.includes(envLabel()), `the plan names both secrets: ${plan?.detail}`);
    assert.ok(last?.detail?.includes(repoLabel()) && last.detail.includes(envLabel()), `the last confirmation names both secrets: ${last?.detail}`);
    await remembered(newId, [repoLabel(), envLabel()], 'both places remembered for the new token');
    await remembered(old.id, [], 'nothing remembered for the old token');
    assert.ok(ui.messagesSince(uiMark).some((s) => s.kind === 'info' && s.message.includes(`GitHub Actions secrets updated: ${repoLabel()}, ${envLabel()}.`)),
      describeShown(ui.messagesSince(uiMark)));
    await api.secretPlaces.forget(newId);
  });

  test('an environment secret GitHub refuses to update (403) keeps the old token: it still validates, the message names that secret, the repository secret holds the new value and the environment\'s the old', async function () {
    this.timeout(90000);
    const old = await tokenSavedToBoth();
    ghe.injectFault({ kind: 'status', status: 403, method: 'PUT', path: `/repos/${REPO}/environments/${ENV}/secrets/${NAME}`, message: 'Must have admin rights to Repository.' });
    const tursoMark = tursoRequests().length;
    const ghMark = ghe.requests.length;
    const uiMark = ui.mark();
    const { result, last, shownValue } = await rotate(old.name, true);
    assert.strictEqual(result?.outcome, 'failed', describeShown(ui.messagesSince(uiMark)));
    assert.strictEqual(last, undefined, 'the revoke was never asked');
    const newId = result.id;
    assert.ok(newId && newId !== old.id, 'the successor was created');
    const fresh = mintedValue(newId);
    assert.ok(shownValue !== undefined, `the new value was shown once (its reveal panel): ${describeShown(ui.messagesSince(uiMark))}`);
    assert.ok(shownValue === fresh, 'the reveal panel showed the new token\'s value');

    // Turso: nothing revoked; the old token still validates.
    assert.deepStrictEqual(tursoRequests().slice(tursoMark).filter((r) => r.method === 'DELETE').map((r) => r.path), [], 'nothing revoked');
    assert.strictEqual(await validate(old.value), 200, 'the old token still validates');
    assert.strictEqual(await validate(fresh), 200, 'the new token validates');

    // GitHub: the repository secret (written first) holds the new value, the environment's the old.
    assert.deepStrictEqual(sent(ghMark), [
      `GET /repos/${REPO}/actions/secrets/public-key`, `PUT /repos/${REPO}/actions/secrets/${NAME}`,
      `GET /repos/${REPO}/environments/${ENV}/secrets/public-key`, `PUT /repos/${REPO}/environments/${ENV}/secrets/${NAME}`,
    ]);
    assert.deepStrictEqual(ghe.requests.slice(ghMark).map((r) => r.status), [200, 204, 200, 403]);
    assert.ok(ghe.openSecret(REPO, undefined, NAME) === fresh, 'the repository secret opens to the new token\'s value');
    assert.ok(ghe.openSecret(REPO, ENV, NAME) === old.value, 'the environment secret still opens to the old token\'s value');

    // The message names the secret not updated, and why; what is remembered follows what each secret holds.
    const error = ui.messagesSince(uiMark, (s) => s.kind === 'error')[0];
    assert.ok(error, describeShown(ui.messagesSince(uiMark)));
    const head = `API token "${result.name}" was created, but GitHub Actions secret ${envLabel()} could not be updated. `;
    assert.ok(error.message.startsWith(head), `${error.message}\nstarts with\n${head}`);
    assert.match(error.message, /admin rights.*\(HTTP 403\)/);
    assert.ok(error.message.endsWith(` These hold "${result.name}" now: ${repoLabel()}. "${old.name}" was not revoked: it still works. The new token is shown so that it is not lost.`), error.message);
    await remembered(newId, [repoLabel()], 'the repository secret remembered for the new token');
    await remembered(old.id, [envLabel()], 'the environment secret stays with the old token');
    await api.secretPlaces.forget(old.id);
    await api.secretPlaces.forget(newId);
  });
});
