// `turso.signIn` as a whole, in plain Node: the real command, session and credential store, with the
// fake `vscode` (fakeVscode.ts) standing in for the workbench and the test playing the browser
// against the emulator's authorization page.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverCliTokens, type CliTokenDiscovery } from '../../../src/auth/cliToken';
import { startEmulator, type TursoEmulator } from '../../emulator/server';
import { call, formOf, submitForm } from '../emulator/http';
import { fakeVscode, FakeSecretStorage, loadWithFakeVscode, type ShownMessage, type ShownQuickPick } from './fakeVscode';

type SignInModule = typeof import('../../../src/commands/signIn');
type SessionModule = typeof import('../../../src/auth/session');
type StoreModule = typeof import('../../../src/auth/credentialStore');
type LogModule = typeof import('../../../src/log');
type StatusBarModule = typeof import('../../../src/views/statusBar');
type ExpiryWarningModule = typeof import('../../../src/views/expiryWarning');
type AccountModelModule = typeof import('../../../src/accounts/accountModel');
const SIGN_IN_TITLE = 'Sign In to Turso';
const { signInCommand } = loadWithFakeVscode<SignInModule>('../../../src/commands/signIn');
// The product's own calls are branded; another extension's `{ way }` is not (src/commands/target.ts).
const { automation } = loadWithFakeVscode<typeof import('../../../src/commands/target')>('../../../src/commands/target');
const { createPermanentTokenAction } = loadWithFakeVscode<ExpiryWarningModule>('../../../src/views/expiryWarning');
const { Session } = loadWithFakeVscode<SessionModule>('../../../src/auth/session');
const { CredentialStore } = loadWithFakeVscode<StoreModule>('../../../src/auth/credentialStore');
const { Log } = loadWithFakeVscode<LogModule>('../../../src/log');
const { AccountStatusBar } = loadWithFakeVscode<StatusBarModule>('../../../src/views/statusBar');
const { AccountModel } = loadWithFakeVscode<AccountModelModule>('../../../src/accounts/accountModel');


async function eventually<T>(get: () => T | undefined, what: string, timeoutMs = 3000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
/** The active account's credential as SecretStorage holds it (src/auth/credentialStore.ts). */
function storedCredential(secrets: FakeSecretStorage): string | undefined {
  const index = JSON.parse(secrets.values.get('turso.accounts') ?? '{"accounts":[]}') as { accounts: { id: string }[]; active?: string };
  const id = index.active ?? index.accounts[0]?.id;
  return id === undefined ? undefined : secrets.values.get(`turso.account.${id}`);
}
const nextQuickPick = (n = 0): Promise<ShownQuickPick> => eventually(() => fakeVscode.quickPicks[n], 'the quick pick');
const nextMessage = (severity: ShownMessage['severity']): Promise<ShownMessage> =>
  eventually(() => fakeVscode.messages.find((m) => m.severity === severity), `a ${severity} message`);

function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe('commands/signIn: every way in, through the real session', () => {
  let emu: TursoEmulator;
  let home: string;
  let secrets: FakeSecretStorage;
  let session: InstanceType<SessionModule['Session']>;
  let log: InstanceType<LogModule['Log']>;
  let accounts: InstanceType<AccountModelModule['AccountModel']>;
  let discovery: CliTokenDiscovery;
  /** What the browser did last: the landing page on the listener. */
  let browsing: Promise<{ status: number; text: string; jwt: string }> | undefined;

  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(async () => {
    fakeVscode.reset();
    fakeVscode.config = { apiBaseUrl: emu.url };
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'turso-signin-home-'));
    secrets = new FakeSecretStorage();
    const store = new CredentialStore(secrets as never);
    session = new Session(store, { userAgent: 'sign-in-test' });
    await session.initialize();
    log = new Log(() => session.secrets());
    accounts = new AccountModel(session, log);
    discovery = { tokens: [], settingsFile: path.join(home, '.config/turso/settings.json'), problems: [] };
    browsing = undefined;
  });
  afterEach(async () => {
    accounts.dispose();
    session.dispose();
    emu.reset();
    await fs.rm(home, { recursive: true, force: true });
  });

  function command(options: { browserTimeoutMs?: number } = {}) {
    return signInCommand({ session, accounts, log }, { discoverCliTokens: () => Promise.resolve(discovery), ...options });
  }
  /** The browser: opens the authorization page, clicks Authorize, follows the redirect. */
  function playBrowser(): void {
    fakeVscode.onOpenExternal = (url) => {
      browsing = (async () => {
        const u = new URL(url);
        const page = await call(emu.url, 'GET', `${u.pathname}${u.search}`);
        const form = formOf(page.text);
        assert.ok(form, 'the Authorize form');
        const location = new URL((await submitForm(emu.url, form)).headers.location as string);
        const landing = await call(`${location.protocol}//${location.host}`, 'GET', `${location.pathname}${location.search}`);
        return { status: landing.status, text: landing.text, jwt: location.searchParams.get('jwt') as string };
      })();
      return Promise.resolve(true);
    };
  }
  async function writeCliSettings(content: unknown): Promise<string> {
    const folder = path.join(home, '.config', 'turso');
    await fs.mkdir(folder, { recursive: true });
    const file = path.join(folder, 'settings.json');
    await fs.writeFile(file, JSON.stringify(content));
    discovery = await discoverCliTokens({ env: {}, homeDir: home, platform: 'linux', readFile: (f) => fs.readFile(f, 'utf8') });
    return file;
  }
  function assertNoTokenInLog(token: string): void {
    const all = fakeVscode.logLines.join('\n');
    for (const part of token.split('.')) assert.ok(!all.includes(part), 'a token part reached the log');
  }

  it('offers every way that applies, most convenient first, and Escape signs nobody in', async () => {
    await writeCliSettings({ token: emu.demoToken, username: 'demo' });
    const result = command()();
    const pick = await nextQuickPick();
    assert.equal(pick.options.title, SIGN_IN_TITLE);
    assert.deepEqual(pick.items.map((i) => [i.label, i.iconPath?.id]), [
      ['Sign in with the browser', 'globe'],
      ["Use the Turso CLI's token", 'terminal'],
      ['Paste a token', 'key'],
    ]);
    assert.equal(pick.items[1].description, 'from ~/.config/turso/settings.json');
    assert.match(pick.items[1].detail ?? '', /signed in as demo\. It expires in [67] days\./);
    pick.choose(undefined);
    assert.equal(await result, false);
    assert.equal(secrets.values.size, 0);
  });

  it('without a CLI token, offers the browser and pasting', async () => {
    const result = command()();
    const pick = await nextQuickPick();
    assert.deepEqual(pick.items.map((i) => i.label), ['Sign in with the browser', 'Paste a token']);
    pick.choose(undefined);
    assert.equal(await result, false);
  });

  describe('Sign in with the browser', () => {
    it("goes through the emulator's Authorize page, then stores the validated token", async () => {
      playBrowser();
      const result = command()();
      (await nextQuickPick()).choose('Sign in with the browser');
      const info = await nextMessage('info');
      assert.equal(await result, true);
      const landed = await (browsing as NonNullable<typeof browsing>);
      assert.equal(landed.status, 200);
      assert.match(landed.text, /You can close this tab/);
      assert.equal(storedCredential(secrets), landed.jwt, 'the token the browser brought, in SecretStorage');
      assert.equal(session.signedIn, true);
      const [opened] = fakeVscode.opened;
      assert.match(opened, new RegExp(`^${emu.url.replace(/\./g, '\\.')}/\\?port=\\d+&redirect=true&state=[0-9a-f]{32}&type=cli$`));
      const [progress] = fakeVscode.progress;
      assert.deepEqual(progress.options, { location: 15, title: 'Signing in to Turso', cancellable: true });
      assert.deepEqual(progress.messages, ['Authorize VS Code in your browser…', 'Checking the sign-in with Turso…']);
      assert.match(info.message, /^Signed in to Turso as demo\. This sign-in expires in [67] days; a permanent API token keeps the extension signed in\.$/);
      assert.deepEqual(info.items, [createPermanentTokenAction()]);
      info.answer(createPermanentTokenAction());
      await eventually(() => fakeVscode.commands.find((c) => c.id === 'turso.createToken'), 'the create command');
      assert.deepEqual(fakeVscode.commands.find((c) => c.id === 'turso.createToken')?.args, [undefined, { useForExtension: true }]);
      assert.equal(await portClosed(Number(new URL(opened).searchParams.get('port'))), true, 'the listener is closed');
      assertNoTokenInLog(landed.jwt);
    });

    it('skips the pick given { way: "browser" }', async () => {
      playBrowser();
      assert.equal(await command()(automation({ way: 'browser' })), true);
      assert.equal(fakeVscode.quickPicks.length, 0);
    });

    it('another extension\'s { way: "browser" } (not the product\'s own call) gets the pick: nothing opened, nobody signed in on Escape', async () => {
      playBrowser();
      const result = command()({ way: 'browser' });
      const pick = await nextQuickPick();
      assert.ok(pick.items.some((i) => /browser/i.test(i.label)), 'the pick of the ways in');
      assert.equal(fakeVscode.opened.length, 0, 'no browser opened before the person picks');
      pick.choose();
      assert.equal(await result, false);
      assert.equal(secrets.values.size, 0);
    });

    it('is cancelled from the progress notification: nothing stored, the listener closed', async () => {
      const result = command()(automation({ way: 'browser' }));
      const progress = await eventually(() => (fakeVscode.opened.length ? fakeVscode.progress[0] : undefined), 'the browser to open');
      progress.cancel();
      assert.equal(await result, false);
      assert.equal(secrets.values.size, 0);
      assert.equal(fakeVscode.messages.length, 0, 'a cancellation needs no message');
      assert.equal(await portClosed(Number(new URL(fakeVscode.opened[0]).searchParams.get('port'))), true);
    });

    it('times out with a message that offers to try again or another way', async () => {
      const result = command({ browserTimeoutMs: 30 })(automation({ way: 'browser' }));
      const error = await nextMessage('error');
      assert.match(error.message, /^Sign-in with the browser timed out: nothing came back from the browser within 30 ms\. Try again, or sign in another way\.$/);
      assert.deepEqual(error.items, ['Try Again', 'Other Ways…']);
      error.answer(undefined);
      assert.equal(await result, false);
      assert.equal(await portClosed(Number(new URL(fakeVscode.opened[0]).searchParams.get('port'))), true);
    });

    it("says so when the browser can't be opened", async () => {
      fakeVscode.onOpenExternal = () => Promise.resolve(false);
      const result = command()(automation({ way: 'browser' }));
      const error = await nextMessage('error');
      assert.equal(error.message, "Couldn't open the browser to sign in to Turso.");
      error.answer(undefined);
      assert.equal(await result, false);
    });

    it('in a desktop remote window, sends the browser back to the port asExternalUri forwards', async () => {
      fakeVscode.env.remoteName = 'ssh-remote';
      fakeVscode.onAsExternalUri = () => 'http://localhost:43210/';
      fakeVscode.onOpenExternal = () => Promise.resolve(true);
      const result = command()(automation({ way: 'browser' }));
      const progress = await eventually(() => (fakeVscode.opened.length ? fakeVscode.progress[0] : undefined), 'the browser to open');
      assert.equal(new URL(fakeVscode.opened[0]).searchParams.get('port'), '43210');
      progress.cancel();
      assert.equal(await result, false);
    });

    it('in a remote web window on another machine, says why not and offers the other ways', async () => {
      fakeVscode.env.remoteName = 'dev.example.com:8080';
      fakeVscode.env.uiKind = 2;
      await writeCliSettings({ token: emu.demoToken });
      const result = command()();
      const pick = await nextQuickPick();
      assert.deepEqual(pick.items.map((i) => [i.label, i.description]), [
        ["Use the Turso CLI's token", 'from ~/.config/turso/settings.json'],
        ['Paste a token', undefined],
        ['Sign in with the browser', 'not available in this window'],
      ]);
      assert.match(pick.items[2].detail ?? '', /Turso sends the browser back to http:\/\/localhost.*dev\.example\.com:8080/);
      pick.choose('Sign in with the browser');
      const warning = await nextMessage('warning');
      assert.match(warning.message, /^Sign-in with the browser isn't available in this window: .* Use the Turso CLI's token or paste a token instead\.$/);
      assert.deepEqual(warning.items, ["Use the Turso CLI's Token", 'Paste a Token']);
      warning.answer("Use the Turso CLI's Token");
      assert.equal(await result, true, 'signed in with the CLI token instead');
      assert.equal(storedCredential(secrets), emu.demoToken);
      assert.equal(fakeVscode.opened.length, 0, 'no browser was opened');
    });

    it('code-server on this machine: the browser reaches the listener directly', async () => {
      fakeVscode.env.remoteName = '127.0.0.1:8080';
      fakeVscode.env.uiKind = 2;
      fakeVscode.onAsExternalUri = (url) => `http://127.0.0.1:8080/proxy/${new URL(url).port}/`;
      playBrowser();
      assert.equal(await command()(automation({ way: 'browser' })), true);
    });
  });

  describe("Use the Turso CLI's token", () => {
    it('validates it, stores it in SecretStorage, and leaves the CLI file alone', async () => {
      const file = await writeCliSettings({ token: emu.demoToken, username: 'demo' });
      const before = await fs.readFile(file);
      const result = command()();
      (await nextQuickPick()).choose("Use the Turso CLI's token");
      assert.equal(await result, true);
      assert.equal(storedCredential(secrets), emu.demoToken);
      assert.deepEqual(await fs.readFile(file), before);
      assert.equal(fakeVscode.progress[0].options.title, "Signing in to Turso with the Turso CLI's token…");
      assertNoTokenInLog(emu.demoToken);
    });

    it('an API token from TURSO_API_TOKEN gets the plain confirmation', async () => {
      discovery = await discoverCliTokens({
        env: { TURSO_API_TOKEN: emu.demoApiToken }, homeDir: home, platform: 'linux', readFile: (f) => fs.readFile(f, 'utf8'),
      });
      assert.equal(await command()(automation({ way: 'cli' })), true);
      assert.equal(storedCredential(secrets), emu.demoApiToken);
      assert.equal((await nextMessage('info')).message, 'Signed in to Turso as demo.');
    });

    it('a username with a command link or a bidirectional override reaches the "Signed in … expires in …" confirmation inert', async () => {
      const hostile = 'demo[fix](command:turso.signOut)\u202Eevil';
      // A server that answers for that user (the emulator's usernames are all plain).
      const server = http.createServer((req, res) => {
        const url = req.url ?? '';
        const body = url.startsWith('/v1/auth/validate') ? { exp: Math.floor(Date.now() / 1000) + 3 * 86_400 }
          : url.startsWith('/v1/user') ? { user: { username: hostile } }
            : url.startsWith('/v1/auth/api-tokens') ? { tokens: [] } : undefined;
        res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body ?? { error: 'not found' }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        fakeVscode.config = { apiBaseUrl: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}` };
        discovery = await discoverCliTokens({
          env: { TURSO_API_TOKEN: emu.mintLoginToken() }, homeDir: home, platform: 'linux', readFile: (f) => fs.readFile(f, 'utf8'),
        });
        assert.equal(await command()(automation({ way: 'cli' })), true);
        const info = await nextMessage('info');
        assert.match(info.message, /^Signed in to Turso as demo\[fix\] \(command:turso\.signOut\)evil\. This sign-in expires in [23] days/);
        assert.doesNotMatch(info.message, /\]\(|\u202E/);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('a rejected token says where it came from and why, and stores nothing', async () => {
      await writeCliSettings({ token: emu.mintLoginToken({ expiresInSeconds: -60 }) });
      const result = command()(automation({ way: 'cli' }));
      const error = await nextMessage('error');
      assert.match(error.message, /^Couldn't sign in with the Turso CLI's token from ~\/\.config\/turso\/settings\.json\. Turso rejected this token: token is expired\.$/);
      assert.deepEqual(error.items, ['Other Ways…']);
      error.answer(undefined);
      assert.equal(await result, false);
      assert.equal(secrets.values.size, 0);
    });

    it('none found: { way: "cli" } says so', async () => {
      const result = command()(automation({ way: 'cli' }));
      const error = await nextMessage('error');
      assert.match(error.message, /^No Turso CLI token was found/);
      assert.equal(await result, false);
    });
  });

  describe('other windows', () => {
    it("a sign-in and sign-out in one window reach another window's session and status bar", async () => {
      // Two windows share SecretStorage (VS Code fires onDidChange in each); window B has its own session.
      const storeB = new CredentialStore(secrets as never);
      const sessionB = new Session(storeB, { userAgent: 'window-b' });
      const accountsB = new AccountModel(sessionB, { error: () => undefined, warn: () => undefined } as never);
      const barB = new AccountStatusBar(accountsB);
      try {
        await sessionB.initialize();
        const item = fakeVscode.statusItems[fakeVscode.statusItems.length - 1];
        await eventually(() => (item.visible ? true : undefined), 'window B status bar');
        assert.equal(item.text, '$(account) Sign In to Turso');
        const signing = command()(emu.demoToken);
        (await nextMessage('warning')).answer('Sign In as demo');
        assert.equal(await signing, true, 'signed in in window A');
        await eventually(() => (sessionB.signedIn ? true : undefined), 'window B to follow');
        assert.equal(item.text, '$(account) Turso');
        await session.signOut();
        await eventually(() => (sessionB.signedIn ? undefined : true), 'window B to sign out');
        assert.equal(item.text, '$(account) Sign In to Turso');
      } finally {
        barB.dispose();
        accountsB.dispose();
        sessionB.dispose();
        storeB.dispose();
      }
    });
  });

  describe('a string argument (a token from another extension or a command link)', () => {
    it('asks first, naming the account the token signs in; declined: nothing is stored and it resolves false', async () => {
      const result = command()(emu.demoToken);
      const ask = await nextMessage('warning').catch(() => {
        throw new Error(`no question before signing in with a token passed to the command (stored: ${storedCredential(secrets) ? 'a credential' : 'nothing'})`);
      });
      assert.match(ask.message, /^Sign in to Turso as demo \(Demo User\)\?$/);
      const options = ask.items[0] as unknown as { modal?: boolean; detail?: string };
      assert.equal(options.modal, true, 'a modal dialog');
      assert.match(options.detail ?? '', /Another extension or a link passed a token/);
      assert.match(options.detail ?? '', /It would add the account demo here/);
      assert.ok(ask.items.includes('Sign In as demo'), `the accept button names the account: ${JSON.stringify(ask.items.slice(1))}`);
      ask.answer(undefined);
      assert.equal(await result, false);
      assert.equal(storedCredential(secrets), undefined, 'nothing stored');
      assert.equal(session.signedIn, false);
    });

    it('accepted: signs in and resolves true; an invalid token is refused before any question, the earlier credential kept', async () => {
      const result = command()(emu.demoToken);
      const ask = await nextMessage('warning');
      ask.answer('Sign In as demo');
      assert.equal(await result, true);
      assert.equal(fakeVscode.quickPicks.length, 0);
      assert.equal(storedCredential(secrets), emu.demoToken);
      fakeVscode.messages.length = 0;
      // The same account again: the question says its credential is replaced.
      const again = command()(emu.demoToken);
      const askAgain = await nextMessage('warning');
      assert.match((askAgain.items[0] as unknown as { detail?: string }).detail ?? '', /It would replace the credential of demo here/);
      askAgain.answer(undefined);
      assert.equal(await again, false);
      fakeVscode.messages.length = 0;
      const [hdr, payload, sig] = emu.demoApiToken.split('.');
      const forged = [hdr, payload, (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)].join('.');
      const refused = command()(forged);
      const error = await nextMessage('error');
      assert.match(error.message, /^Turso rejected this token/);
      assert.equal(await refused, false);
      assert.ok(!fakeVscode.messages.some((m) => m.severity === 'warning'), 'no question for a token Turso rejects');
      assert.equal(storedCredential(secrets), emu.demoToken, 'the earlier credential stays');
    });
  });
});
