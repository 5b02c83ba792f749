import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GitHubEmulator } from '../github-emulator/server';
import { hostPaths, readIfExists, tursoLogFile, UiRecorder, walkFiles, type ProbedApi } from './faultHelpers';
import {
  Emulator, listTokensOverHttp, pointSignedOut, restoreAfterSuite, RevealProbe, signIn, startCreateToken, startEmulator, waitFor,
  waitForRoot,
} from './helpers';
import { drivenQuickPick, git, within, type Answer, type Answerer, type Item, type Seen } from './quickPicks';

// Save as GitHub Actions Secret (issue 24), in the GitHub test host (`run-host-tests.mjs --github`):
// the test GitHub sign-in (test/fixtures/github-auth) answers VS Code's getSession, the GitHub API
// emulator (test/github-emulator) stands for a GitHub Enterprise Server on 127.0.0.1 and keeps the
// secrets sealed: each test opens the saved secret with its private key and compares it with the
// panel's value. The questions are answered through a stand-in for `window.createQuickPick` that
// waits, like a person, until the picker is no longer busy.

const FIXTURE_ID = 'tursotools-tests.turso-github-auth';
const SETTING = 'github-enterprise.uri';
const REPO = 'octo-org/app';

interface FixtureGitHub {
  signIn(providerId: string, o: { token: string; label: string; scopes?: string[]; uri?: string }): string;
  signOut(providerId?: string): void;
  onCreate(providerId: string, answer: { refuse: true; message?: string } | undefined): void;
  reset(): void;
}

suite('Save as GitHub Actions Secret: from the reveal panel to the GitHub emulator, through the test GitHub sign-in', function () {
  let gh: FixtureGitHub;
  let ghe: GitHubEmulator;
  let emu: Emulator;
  let api: ProbedApi;
  let ws: string;
  let ui: UiRecorder;
  let seen: Seen[] = [];
  let answer: Answerer = () => 'escape';
  let typed: (string | undefined)[] = [];
  /** Emulator requests when each picker was answered, by title. */
  let requestsAtAccept: Record<string, number> = {};
  const githubTokens: string[] = [];
  const values: string[] = [];
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
    ws = folder.uri.fsPath;
    const { startGitHubEmulator } = require('../github-emulator/server') as typeof import('../github-emulator/server');
    ghe = await startGitHubEmulator();
    githubTokens.push(ghe.adminToken, ghe.readerToken, ghe.strangerToken);
    emu = await startEmulator();
    api = (await pointSignedOut(emu)) as ProbedApi;
    assert.ok(api.testProbe, 'activate() exposes testProbe under test');
    assert.strictEqual(await signIn(emu.demoToken), true);
    await waitForRoot(api, 'turso.user');
    // The workspace folder is a repository whose origin is the emulator's octo-org/app.
    process.env.GIT_CEILING_DIRECTORIES = path.dirname(ws);
    fs.rmSync(path.join(ws, '.git'), { recursive: true, force: true });
    git(ws, 'init', '-q');
    git(ws, 'remote', 'add', 'origin', `${ghe.url}/${REPO}.git`);
    await Promise.resolve(vscode.commands.executeCommand('git.openRepository', ws)).catch(() => undefined);
  });
  suiteTeardown(async () => {
    gh?.reset();
    await vscode.workspace.getConfiguration().update(SETTING, undefined, vscode.ConfigurationTarget.Global);
    if (ws) fs.rmSync(path.join(ws, '.git'), { recursive: true, force: true });
    if (ceiling === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
    else process.env.GIT_CEILING_DIRECTORIES = ceiling;
    await restoreAfterSuite(api, emu);
    await ghe?.close();
  });
  setup(async () => {
    n++;
    seen = [];
    typed = [];
    requestsAtAccept = {};
    answer = () => 'escape';
    gh.reset();
    ghe.reset();
    ui = new UiRecorder().install();
    const w = vscode.window as unknown as Record<string, unknown>;
    ui.replace(w, 'createQuickPick', () => drivenQuickPick(seen, () => answer, (title) => { requestsAtAccept[title] = ghe.requests.length; }));
    ui.replace(w, 'showInputBox', () => Promise.resolve(typed.shift()));
    await vscode.workspace.getConfiguration().update(SETTING, ghe.url, vscode.ConfigurationTarget.Global);
  });
  teardown(async () => {
    ui.restore();
    for (const p of api.revealPanels()) p.panel?.dispose();
  });

  /** A session of `providerId` as if signed in earlier, once VS Code knows it. */
  async function signInGitHub(providerId: 'github' | 'github-enterprise', token: string, label: string, uri?: string): Promise<void> {
    const changed = new Promise<void>((resolve) => {
      const sub = vscode.authentication.onDidChangeSessions((e) => { if (e.provider.id === providerId) { sub.dispose(); resolve(); } });
    });
    gh.signIn(providerId, { token, label, scopes: ['repo'], ...(uri ? { uri } : {}) });
    await within(changed, 10000, `onDidChangeSessions for ${providerId} after the test signed in`);
  }

  /** A new API token's panel and its value (copied, so closing the panel asks nothing). */
  async function newTokenPanel(): Promise<{ probe: RevealProbe; value: string; name: string }> {
    const name = `gh-save-${n}-${Date.now().toString(36)}`;
    const { probe } = await startCreateToken(api, { name, restriction: { kind: 'org', organization: 'acme' } });
    const clip = ui.clipboard.length;
    await probe.receive({ type: 'copy' });
    const value = ui.clipboard[clip];
    assert.ok(value, 'the value was copied');
    values.push(value);
    return { probe, value, name };
  }

  /** Answers: the repository whose label is `repo` (or "Another repository…"), `where`, then `name`. */
  function answers(o: { repo?: string; where?: string; name?: string | ((items: readonly Item[], value: string) => Answer) }): Answerer {
    return (title, items, value) => {
      const find = (label: string) => {
        const item = items.find((i) => i.label === label);
        return item ? { accept: item } : undefined;
      };
      if (title === 'Save as GitHub Actions Secret: Repository') return find(o.repo ?? REPO) ?? 'escape';
      if (title.startsWith('Save as GitHub Actions Secret: Where in ')) return find(o.where ?? 'Repository secret') ?? 'escape';
      if (title === 'Save as GitHub Actions Secret: Name') {
        if (typeof o.name === 'function') return o.name(items, value);
        return find(o.name ?? 'TURSO_API_TOKEN') ?? 'escape';
      }
      return 'escape';
    };
  }

  const sent = (from = 0) => ghe.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/^\/api\/v3/, '')}`);
  const errors = () => ui.shown.filter((s) => s.kind === 'error').map((s) => s.message);
  const infos = () => ui.shown.filter((s) => s.kind === 'info').map((s) => s.message);

  test('to a repository: the repository from the git remote, the key, names and environments asked before the last answer, ONE PUT after it; the sealed secret opens to the value; the place is remembered', async function () {
    this.timeout(60000);
    await signInGitHub('github-enterprise', ghe.adminToken, 'octo-admin', ghe.url);
    const { probe, value, name } = await newTokenPanel();
    answer = answers({});
    await probe.receive({ type: 'save-github' });

    const message = `Saved as GitHub Actions secret TURSO_API_TOKEN of ${REPO}.`;
    assert.deepStrictEqual(probe.status, { text: message, kind: 'success' }, `errors: ${JSON.stringify(errors())}`);
    assert.ok(infos().includes(message), JSON.stringify(ui.shown));
    assert.strictEqual(ghe.openSecret(REPO, undefined, 'TURSO_API_TOKEN'), value, 'the emulator opens the saved secret to the panel\'s value');

    // The questions, as the person saw them.
    assert.deepStrictEqual(seen.map((s) => s.title), [
      'Save as GitHub Actions Secret: Repository', `Save as GitHub Actions Secret: Where in ${REPO}`, 'Save as GitHub Actions Secret: Name',
    ]);
    const host = new URL(ghe.url).host;
    assert.deepStrictEqual(seen[0].items.map((i) => [i.label, i.description]), [[REPO, `${host} · origin`], ['Another repository…', undefined]]);
    assert.deepStrictEqual(seen[1].items.map((i) => i.label), ['Repository secret', 'Environment: production', 'Environment: staging']);
    assert.strictEqual(seen[1].busyAtFirst, true, 'the Where picker shows busy while the environments load');
    assert.strictEqual(seen[1].items[0].detail, `Every workflow of ${REPO} can read it`);
    assert.deepStrictEqual(seen[2].items.map((i) => [i.label, i.description]), [['TURSO_API_TOKEN', 'new secret']]);

    // Requests: all three reads before the last answer, then exactly one write.
    const atLast = requestsAtAccept['Save as GitHub Actions Secret: Name'];
    assert.ok(atLast !== undefined, 'the name was answered');
    assert.deepStrictEqual(sent(0).slice(0, atLast).sort(), [
      `GET /repos/${REPO}/actions/secrets`, `GET /repos/${REPO}/actions/secrets/public-key`, `GET /repos/${REPO}/environments`,
    ], 'asked while the person chose');
    assert.deepStrictEqual(sent(atLast), [`PUT /repos/${REPO}/actions/secrets/TURSO_API_TOKEN`], 'one request after the last answer');
    assert.ok(ghe.requests.every((r) => r.login === 'octo-admin'), 'every request carried the GitHub Enterprise session\'s token');

    // Remembered by the token's id: names only.
    const tokens = await listTokensOverHttp(emu);
    const id = tokens.find((t) => t.name === name)?.id;
    assert.ok(id, 'the created token is listed');
    const places = api.testProbe.globalState.get<Record<string, unknown[]>>('turso.githubSecretPlaces') ?? {};
    assert.deepStrictEqual(places[id], [{ host, owner: 'octo-org', repo: 'app', name: 'TURSO_API_TOKEN' }]);
    console.log(`[measure] save to a repository: ${atLast} requests before the last answer (${sent(0).slice(0, atLast).join(', ')}), ${sent(atLast).length} after it`);
  });

  test('to an environment: its key and names asked once it is chosen, before the name is; one PUT; the message names the environment', async function () {
    this.timeout(60000);
    await signInGitHub('github-enterprise', ghe.adminToken, 'octo-admin', ghe.url);
    const { probe, value } = await newTokenPanel();
    answer = answers({ where: 'Environment: production' });
    await probe.receive({ type: 'save-github' });
    const message = `Saved as GitHub Actions secret TURSO_API_TOKEN of ${REPO}, environment "production".`;
    assert.deepStrictEqual(probe.status, { text: message, kind: 'success' }, `errors: ${JSON.stringify(errors())}`);
    assert.strictEqual(ghe.openSecret(REPO, 'production', 'TURSO_API_TOKEN'), value);
    assert.strictEqual(ghe.openSecret(REPO, undefined, 'TURSO_API_TOKEN'), undefined, 'not a repository secret');
    const atLast = requestsAtAccept['Save as GitHub Actions Secret: Name'];
    const before = sent(0).slice(0, atLast);
    for (const p of [`GET /repos/${REPO}/environments/production/secrets/public-key`, `GET /repos/${REPO}/environments/production/secrets`]) {
      assert.ok(before.includes(p), `${p} asked before the last answer: ${before.join(', ')}`);
    }
    assert.deepStrictEqual(sent(atLast), [`PUT /repos/${REPO}/environments/production/secrets/TURSO_API_TOKEN`]);
    console.log(`[measure] save to an environment: ${atLast} requests before the last answer, ${sent(atLast).length} after it`);
  });

  test('an existing name is offered ("replaces its value"); a name GitHub refuses keeps the picker open with the hint; replacing says "Replaced"', async function () {
    this.timeout(60000);
    await signInGitHub('github-enterprise', ghe.adminToken, 'octo-admin', ghe.url);
    ghe.seedSecret(REPO, undefined, 'DEPLOY_TOKEN', 'old value');
    const { probe, value } = await newTokenPanel();
    const nameSteps: string[] = [];
    answer = answers({
      name: (items, current) => {
        if (current === '') {
          nameSteps.push('typed MY-TOKEN');
          return { type: 'MY-TOKEN' };
        }
        if (current === 'MY-TOKEN' && !nameSteps.includes('accepted MY-TOKEN')) {
          nameSteps.push('accepted MY-TOKEN', `hint: ${items[0].description}`);
          return { accept: items[0] };
        }
        if (current === 'MY-TOKEN') {
          nameSteps.push('still open');
          return { type: 'deploy_token' };
        }
        const existing = items.find((i) => i.label === 'DEPLOY_TOKEN');
        nameSteps.push(`DEPLOY_TOKEN: ${existing?.description}`);
        return existing ? { accept: existing } : 'escape';
      },
    });
    await probe.receive({ type: 'save-github' });
    assert.deepStrictEqual(nameSteps, [
      'typed MY-TOKEN', 'accepted MY-TOKEN', 'hint: GitHub secret names contain only letters, digits and _.', 'still open', 'DEPLOY_TOKEN: replaces its value',
    ]);
    assert.deepStrictEqual(probe.status, { text: `Replaced GitHub Actions secret DEPLOY_TOKEN of ${REPO}.`, kind: 'success' }, JSON.stringify(errors()));
    assert.strictEqual(ghe.openSecret(REPO, undefined, 'DEPLOY_TOKEN'), value);
    assert.ok(!ghe.secretNames(REPO).includes('MY-TOKEN'), 'the refused name was never sent');
  });

  /** Runs the save expecting a failure; checks what it said, that nothing was written and the value is still in the panel. */
  async function expectFailure(o: { repo?: string; where?: string }, pattern: RegExp): Promise<string> {
    const { probe, value } = await newTokenPanel();
    answer = answers(o);
    await probe.receive({ type: 'save-github' });
    const status = probe.status;
    assert.ok(status && status.kind === 'error', `an error status: ${JSON.stringify(status)}`);
    assert.match(status.text, pattern);
    assert.match(status.text, /The value is still in its panel\.$/);
    assert.ok(errors().includes(status.text), `the same error shown: ${JSON.stringify(ui.shown)}`);
    assert.ok(!sent(0).some((r) => r.startsWith('PUT')), `nothing written: ${sent(0).join(', ')}`);
    assert.ok(probe.revealed, 'the panel still shows the value');
    const clip = ui.clipboard.length;
    await probe.receive({ type: 'copy' });
    assert.strictEqual(ui.clipboard[clip], value, 'and still copies it');
    return status.text;
  }

  test('403: an account without admin rights: says it needs admin rights; nothing written; the value still in the panel', async function () {
    this.timeout(60000);
    await signInGitHub('github-enterprise', ghe.readerToken, 'octo-reader', ghe.url);
    await expectFailure({}, /needs admin rights.*\(HTTP 403\)/);
  });

  test('404: a repository that is gone (typed with "Another repository…"): says it was not found; the value still in the panel', async function () {
    this.timeout(60000);
    await signInGitHub('github-enterprise', ghe.adminToken, 'octo-admin', ghe.url);
    typed = [`${new URL(ghe.url).host}/octo-org/gone`];
    await expectFailure({ repo: 'Another repository…' }, /octo-org\/gone was not found.*\(HTTP 404\)/);
  });

  test('rate limited: says when to try again; the value still in the panel', async function () {
    this.timeout(60000);
    await signInGitHub('github-enterprise', ghe.adminToken, 'octo-admin', ghe.url);
    ghe.injectFault({ method: 'GET', path: `/repos/${REPO}/actions/secrets/public-key`, kind: 'rateLimit', resetInSeconds: 600 });
    await expectFailure({}, /rate limit was reached.*try again after \d\d:\d\d UTC/);
  });

  test('sign-in cancelled (no GitHub session, VS Code\'s sign-in refused): says to sign in; nothing sent; the value still in the panel', async function () {
    this.timeout(60000);
    gh.onCreate('github-enterprise', { refuse: true });
    await expectFailure({}, /^Not saved to GitHub: There is no GitHub sign-in for 127\.0\.0\.1:\d+.*sign in to GitHub when VS Code asks, then try again\./);
    assert.deepStrictEqual(sent(0), [], 'no request reached GitHub');
  });

  test('GitHub Enterprise not set to the repository\'s host: asked (modal); "Use HOST" sets github-enterprise.uri and saves; Cancel writes nothing', async function () {
    this.timeout(60000);
    const host = new URL(ghe.url).host;
    await vscode.workspace.getConfiguration().update(SETTING, 'https://ghe.example.com', vscode.ConfigurationTarget.Global);
    await signInGitHub('github-enterprise', ghe.adminToken, 'octo-admin', ghe.url);
    const first = await newTokenPanel();
    answer = answers({});
    ui.answer = () => undefined;
    await first.probe.receive({ type: 'save-github' });
    const modal = ui.shown.find((s) => s.modal);
    assert.ok(modal, 'asked');
    assert.strictEqual(modal.message, `${REPO} is on ${host}; VS Code's GitHub Enterprise sign-in is set to https://ghe.example.com. Use ${host}?`);
    assert.deepStrictEqual(modal.items, [`Use ${host}`]);
    assert.deepStrictEqual(first.probe.status, { text: 'Not saved to GitHub.', kind: 'info' });
    assert.strictEqual(vscode.workspace.getConfiguration().get(SETTING), 'https://ghe.example.com', 'the setting unchanged');
    assert.deepStrictEqual(sent(0), []);

    ui.answer = (s) => (s.modal ? `Use ${host}` : undefined);
    await first.probe.receive({ type: 'save-github' });
    assert.strictEqual(vscode.workspace.getConfiguration().get(SETTING), ghe.url, 'the setting names the host now');
    assert.strictEqual(first.probe.status?.kind, 'success', JSON.stringify(errors()));
    assert.strictEqual(ghe.openSecret(REPO, undefined, 'TURSO_API_TOKEN'), first.value);
  });

  test('each session\'s token goes to its own provider\'s host only: the GitHub Enterprise one to the emulator, the github.com one to api.github.com', async function () {
    this.timeout(60000);
    const dotComToken = `gho_dotcom${crypto.randomBytes(12).toString('hex')}`;
    githubTokens.push(dotComToken);
    await signInGitHub('github', dotComToken, 'octo-dotcom');
    await signInGitHub('github-enterprise', ghe.adminToken, 'octo-admin', ghe.url);

    // A GitHub Enterprise repository: only the emulator is asked, with the Enterprise session's token.
    const first = await newTokenPanel();
    answer = answers({});
    const outbound: { host: string; auth: string }[] = [];
    // The module object node-fetch calls `request` on (an `import * as` copy is read-only).
    const https = require('https') as Record<string, unknown>;
    const original = https.request;
    https.request = (...args: unknown[]) => {
      const options = (typeof args[0] === 'object' && !(args[0] instanceof URL) ? args[0] : args[1]) as { hostname?: string; host?: string; headers?: Record<string, unknown> } | undefined;
      const headers = options?.headers ?? {};
      const auth = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
      outbound.push({ host: String(options?.hostname ?? options?.host ?? args[0]), auth: String(Array.isArray(auth) ? auth[0] : auth) });
      throw Object.assign(new Error('connect ECONNREFUSED (the test stands in for api.github.com)'), { code: 'ECONNREFUSED' });
    };
    try {
      await first.probe.receive({ type: 'save-github' });
      assert.strictEqual(first.probe.status?.kind, 'success', JSON.stringify(errors()));
      assert.ok(ghe.requests.length > 0 && ghe.requests.every((r) => r.login === 'octo-admin'), 'the emulator saw the Enterprise token only');
      assert.strictEqual(outbound.length, 0, 'nothing went out over https');

      // A github.com repository: only api.github.com is asked, with the github.com session's token.
      const mark = ghe.requests.length;
      const second = await newTokenPanel();
      typed = ['octo-org/app'];
      answer = answers({ repo: 'Another repository…' });
      await second.probe.receive({ type: 'save-github' });
      assert.strictEqual(second.probe.status?.kind, 'error');
      assert.match(second.probe.status?.text ?? '', /GitHub could not be reached/);
      assert.ok(outbound.length > 0, 'api.github.com was asked');
      assert.deepStrictEqual([...new Set(outbound.map((o) => o.host))], ['api.github.com']);
      assert.ok(outbound.every((o) => o.auth === `Bearer ${dotComToken}`), 'with the github.com session\'s token only');
      assert.strictEqual(ghe.requests.length, mark, 'the emulator (the Enterprise host) was not asked');
    } finally {
      https.request = original;
    }
  });

  test('the command with no reveal panel open says where it works; with one open it saves that panel\'s value (never a value from its arguments)', async function () {
    this.timeout(60000);
    for (const p of api.revealPanels()) p.panel?.dispose();
    await waitFor(() => api.revealPanels().length === 0, 'every reveal panel closed');
    await vscode.commands.executeCommand('turso.saveToGitHubSecret', { value: 'injected-value-from-another-extension' });
    assert.deepStrictEqual(infos(), [
      'Save as GitHub Actions Secret works on a new token\'s panel: create or rotate a token first. Its value is kept only while its panel is open.',
    ]);
    assert.deepStrictEqual(seen, [], 'nothing asked');

    await signInGitHub('github-enterprise', ghe.adminToken, 'octo-admin', ghe.url);
    const { probe, value } = await newTokenPanel();
    answer = answers({ name: 'TURSO_API_TOKEN' });
    await vscode.commands.executeCommand('turso.saveToGitHubSecret', 'injected-value-from-another-extension');
    await waitFor(() => probe.status?.kind === 'success' && probe.status, `saved: ${JSON.stringify(probe.status)} ${JSON.stringify(errors())}`);
    assert.strictEqual(ghe.openSecret(REPO, undefined, 'TURSO_API_TOKEN'), value);
  });

  test('a database token: the default name is TURSO_AUTH_TOKEN; saved, and not remembered (it has no id of its own)', async function () {
    this.timeout(60000);
    await signInGitHub('github-enterprise', ghe.adminToken, 'octo-admin', ghe.url);
    const remembered = JSON.stringify(api.testProbe.globalState.get('turso.githubSecretPlaces') ?? {});
    const first = (items: readonly Item[]): Answer => {
      const item = items.find((i) => i.kind !== vscode.QuickPickItemKind.Separator);
      return item ? { accept: item } : 'escape';
    };
    // Create Database Token from the palette: the first organization and database, 7 days, read-only.
    answer = (title, items) => {
      if (title.startsWith('Create Database Token')) {
        if (/: Expiry$/.test(title)) return { accept: items.find((i) => i.label === '7 days') ?? items[0] };
        if (/: Access$/.test(title)) return { accept: items.find((i) => i.label === 'Read-only') ?? items[0] };
        return first(items);
      }
      return 'escape';
    };
    const before = new Set(api.revealPanels());
    const run = vscode.commands.executeCommand('turso.createDatabaseToken');
    let ended: unknown;
    run.then((r) => { ended = { ended: r }; }, (e: unknown) => { ended = { ended: String(e) }; });
    const probe = await waitFor(() => (ended ? { ended } : api.revealPanels().find((p) => !before.has(p) && p.revealed)), 'the database token\'s reveal panel', 20000);
    assert.ok(!('ended' in probe), `Create Database Token ended without a panel: ${JSON.stringify(ended)} ${JSON.stringify(seen.map((x) => x.title))}`);
    const panel = probe as RevealProbe;
    const clip = ui.clipboard.length;
    await panel.receive({ type: 'copy' });
    const value = ui.clipboard[clip];
    assert.ok(value);
    values.push(value);

    seen = [];
    answer = answers({ name: 'TURSO_AUTH_TOKEN' });
    await panel.receive({ type: 'save-github' });
    assert.deepStrictEqual(seen.find((x) => x.title === 'Save as GitHub Actions Secret: Name')?.items[0], { label: 'TURSO_AUTH_TOKEN', description: 'new secret', detail: undefined });
    assert.deepStrictEqual(panel.status, { text: `Saved as GitHub Actions secret TURSO_AUTH_TOKEN of ${REPO}.`, kind: 'success' }, JSON.stringify(errors()));
    assert.strictEqual(ghe.openSecret(REPO, undefined, 'TURSO_AUTH_TOKEN'), value);
    assert.strictEqual(JSON.stringify(api.testProbe.globalState.get('turso.githubSecretPlaces') ?? {}), remembered, 'nothing remembered for a database token');
    panel.panel?.dispose();
    await run;
  });

  test('the writer Rotate uses: created, then updated, to a repository and an environment; asks nothing; a host the Enterprise sign-in is not set to fails saying what to set', async function () {
    this.timeout(60000);
    const { createGitHubSecretWriter } = require('../../src/githubSecrets/writer') as typeof import('../../src/githubSecrets/writer');
    await signInGitHub('github-enterprise', ghe.adminToken, 'octo-admin', ghe.url);
    const writer = createGitHubSecretWriter();
    const host = new URL(ghe.url).host;
    const value = `writer-${crypto.randomBytes(16).toString('hex')}`;
    values.push(value);
    const place = { host, owner: 'octo-org', repo: 'app', name: 'TURSO_API_TOKEN' };
    assert.strictEqual(await writer.write(place, value), 'created');
    assert.strictEqual(await writer.write(place, value), 'updated');
    assert.strictEqual(await writer.write({ ...place, environment: 'staging' }, value), 'created');
    assert.strictEqual(ghe.openSecret(REPO, undefined, 'TURSO_API_TOKEN'), value);
    assert.strictEqual(ghe.openSecret(REPO, 'staging', 'TURSO_API_TOKEN'), value);
    assert.deepStrictEqual(sent(0).filter((r) => r.startsWith('PUT')).length, 3);

    await vscode.workspace.getConfiguration().update(SETTING, 'https://ghe.example.com', vscode.ConfigurationTarget.Global);
    const mark = ghe.requests.length;
    await assert.rejects(writer.write(place, value), (err: Error) => {
      assert.strictEqual(err.message, `The repository is on ${host}. VS Code's GitHub Enterprise sign-in is set to https://ghe.example.com. Set "github-enterprise.uri" to ${ghe.url}, then try again.`);
      return true;
    });
    assert.strictEqual(ghe.requests.length, mark, 'nothing sent');
    assert.ok(!ui.shown.some((x) => x.modal), 'nothing asked');
  });

  test('no token value and no GitHub token in the log, any log of this session, the settings or the stored state (after every test above)', function () {
    const log = readIfExists(tursoLogFile(api));
    assert.ok(log.includes('GitHub PUT'), 'the log says what was sent (method and path)');
    const hp = hostPaths(api);
    const files = [...walkFiles(hp.sessionLogs), ...(hp.userData ? walkFiles(hp.userData, (name) => name === 'CachedExtensionVSIXs') : [])];
    assert.ok(files.includes(tursoLogFile(api)), 'the Turso log is among the files searched');
    assert.ok(values.length > 0 && githubTokens.length >= 3, `${values.length} values and ${githubTokens.length} GitHub tokens searched for`);
    for (const f of files) {
      const text = fs.readFileSync(f, 'latin1');
      for (const secret of [...values, ...githubTokens]) {
        assert.ok(!text.includes(secret), `${f} holds a secret (${secret.slice(0, 6)}…)`);
      }
    }
  });
});
