import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as vscode from 'vscode';

// The GitHub test host (issue 24): run only by `run-host-tests.mjs --github`, in the host without
// VS Code's own GitHub sign-in (scripts/host/variants.mjs) and with the test GitHub sign-in
// (test/fixtures/github-auth) loaded beside the extension. These tests check that stand-in: what
// `vscode.authentication.getSession` answers for `github` and `github-enterprise` is what the test set.
//
// In an extension test run VS Code refuses every dialog, its "The extension … wants to sign in using
// GitHub" too: a session the person signed in to earlier is handed over (the GitHub test host trusts
// the extension with it), a new sign-in is refused before any provider is asked.

const FIXTURE_ID = 'tursotools-tests.turso-github-auth';
const GHE_URI = 'http://127.0.0.1:39999';

interface FixtureCall { providerId: string; method: string; scopes?: string[]; uri?: string }
interface FixtureGitHub {
  signIn(providerId: string, o: { token: string; label: string; id?: string; scopes?: string[]; uri?: string }): string;
  signOut(providerId?: string): void;
  onCreate(providerId: string, answer: { token: string; label: string } | { refuse: true; message?: string } | undefined): void;
  calls(providerId?: string): FixtureCall[];
  reset(): void;
}

/** `p`, or a rejection saying `message` after `ms`. */
function within<T>(p: Thenable<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${message} (after ${ms / 1000} s)`)), ms); });
  return Promise.race([Promise.resolve(p), late]).finally(() => clearTimeout(timer));
}

/** What a session shows, the token only as whether it is the one expected (never its value). */
function shown(session: vscode.AuthenticationSession | undefined, token: string) {
  return session && { label: session.account.label, token: session.accessToken === token ? 'the test token' : 'another token', scopes: [...session.scopes] };
}

const fakeToken = () => `gho_fixture${crypto.randomBytes(12).toString('hex')}`;

suite('GitHub test host: the test GitHub sign-in answers getSession for github and github-enterprise', function () {
  let gh: FixtureGitHub;

  suiteSetup(async function () {
    if (process.env.TURSO_HOST_GITHUB !== '1') this.skip(); // another runner (the desktop one) loads every file
    const ext = vscode.extensions.getExtension<FixtureGitHub>(FIXTURE_ID);
    assert.ok(ext, `${FIXTURE_ID} (test/fixtures/github-auth) is loaded in this host`);
    gh = await ext.activate();
  });
  setup(() => gh.reset());
  teardown(async () => {
    gh?.reset();
    await vscode.workspace.getConfiguration().update('github-enterprise.uri', undefined, vscode.ConfigurationTarget.Global);
  });

  test('github: createIfNone answers with the session the test signed in (its account and token), and says when sessions change', async () => {
    const token = fakeToken();
    const changed = new Promise<string>((resolve) => {
      const sub = vscode.authentication.onDidChangeSessions((e) => { if (e.provider.id === 'github') { sub.dispose(); resolve(e.provider.id); } });
    });
    gh.signIn('github', { token, label: 'octo-tester', scopes: ['repo'] });
    await within(changed, 10000, 'vscode.authentication.onDidChangeSessions did not fire for github after the test signed in');
    const session = await within(vscode.authentication.getSession('github', ['repo'], { createIfNone: true }), 15000,
      'getSession("github", ["repo"], {createIfNone: true}) did not answer: is VS Code\'s own GitHub sign-in asking instead?');
    assert.deepStrictEqual(shown(session, token), { label: 'octo-tester', token: 'the test token', scopes: ['repo'] },
      'the session comes from the test GitHub sign-in');
    assert.ok(gh.calls('github').some((c) => c.method === 'getSessions' && c.scopes?.join() === 'repo'), 'VS Code asked the test provider for ["repo"]');

    // a session with other scopes is not this one (GitHub's provider matches the set of scopes)
    assert.strictEqual(await vscode.authentication.getSession('github', ['repo', 'workflow'], { silent: true }), undefined);
  });

  test('github-enterprise: answers for the server in github-enterprise.uri, and with nothing while that is unset', async () => {
    const token = fakeToken();
    gh.signIn('github-enterprise', { token, label: 'ghe-tester', uri: GHE_URI });
    assert.strictEqual(await vscode.authentication.getSession('github-enterprise', ['repo'], { silent: true }), undefined,
      'no session while github-enterprise.uri is unset');
    await vscode.workspace.getConfiguration().update('github-enterprise.uri', GHE_URI, vscode.ConfigurationTarget.Global);
    const session = await within(vscode.authentication.getSession('github-enterprise', ['repo'], { createIfNone: true }), 15000,
      'getSession("github-enterprise", ["repo"], {createIfNone: true}) did not answer');
    assert.deepStrictEqual(shown(session, token), { label: 'ghe-tester', token: 'the test token', scopes: ['repo'] });
    assert.ok(gh.calls('github-enterprise').some((c) => c.method === 'getSessions' && c.uri === GHE_URI), 'VS Code asked the test provider for that server');
  });

  test('github: a session written into $TURSO_FIXTURE_GITHUB_FILE (how a test outside the extension host signs in) answers', async () => {
    const file = process.env.TURSO_FIXTURE_GITHUB_FILE;
    assert.ok(file, 'the runner names the file');
    const token = fakeToken();
    fs.writeFileSync(file, JSON.stringify({ github: { sessions: [{ token, label: 'file-tester', scopes: ['repo'] }] } }));
    try {
      const session = await within(vscode.authentication.getSession('github', ['repo'], { createIfNone: true }), 15000,
        'getSession("github", ["repo"], {createIfNone: true}) did not answer');
      assert.deepStrictEqual(shown(session, token), { label: 'file-tester', token: 'the test token', scopes: ['repo'] });
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  test('no GitHub sign-in: signed out, the sign-in refused: createIfNone rejects, silent answers undefined, the provider creates nothing', async () => {
    const token = fakeToken();
    gh.signIn('github', { token, label: 'octo-tester' });
    const removed = new Promise<void>((resolve) => {
      const sub = vscode.authentication.onDidChangeSessions((e) => { if (e.provider.id === 'github') { sub.dispose(); resolve(); } });
    });
    gh.signOut('github');
    await within(removed, 10000, 'vscode.authentication.onDidChangeSessions did not fire for github after the test signed out');
    gh.onCreate('github', { refuse: true });
    assert.strictEqual(await vscode.authentication.getSession('github', ['repo'], { silent: true }), undefined);
    const error = await within(vscode.authentication.getSession('github', ['repo'], { createIfNone: true }).then(
      (s) => assert.fail(`getSession answered with a session of ${s?.account.label}`),
      (err: unknown) => err as Error,
    ), 15000, 'getSession("github", ["repo"], {createIfNone: true}) neither answered nor failed');
    assert.ok(error instanceof Error && error.message, 'it rejects with an error');
    assert.strictEqual(await vscode.authentication.getSession('github', ['repo'], { silent: true }), undefined, 'still no session');
    assert.deepStrictEqual(gh.calls('github').filter((c) => c.method === 'createSession'), [],
      'VS Code asks the person (a dialog, refused in tests) before any provider creates a session');
  });
});
