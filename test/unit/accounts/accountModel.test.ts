// The account model (src/accounts/accountModel.ts) with the real session and the emulator, `vscode`
// replaced by the fake: one round trip per load, nothing before someone asks, refreshes coalesced,
// superseded loads dropped, local changes without a request, sign-in's checks reused once.
import * as assert from 'node:assert/strict';
import type { AccountState } from '../../../src/accounts/accountModel';
import { startEmulator, type TursoEmulator } from '../../emulator/server';
import { until } from '../emulator/http';
import { fakeVscode, FakeSecretStorage, loadWithFakeVscode } from '../auth/fakeVscode';

type AccountModelModule = typeof import('../../../src/accounts/accountModel');
type SessionModule = typeof import('../../../src/auth/session');
type StoreModule = typeof import('../../../src/auth/credentialStore');
const { AccountModel } = loadWithFakeVscode<AccountModelModule>('../../../src/accounts/accountModel');
const { Session } = loadWithFakeVscode<SessionModule>('../../../src/auth/session');
const { CredentialStore } = loadWithFakeVscode<StoreModule>('../../../src/auth/credentialStore');

const SECRET_KEY = 'turso.platformApiToken';
const LOAD_PATHS = ['GET /v1/auth/api-tokens', 'GET /v1/auth/validate', 'GET /v1/user'];

describe('accounts/accountModel: one account, loaded on demand', () => {
  let emu: TursoEmulator;
  let secrets: FakeSecretStorage;
  let store: InstanceType<StoreModule['CredentialStore']>;
  let session: InstanceType<SessionModule['Session']>;
  let model: InstanceType<AccountModelModule['AccountModel']>;
  let states: AccountState[];
  let changes: number;
  const silentLog = { error: () => undefined, warn: () => undefined, info: () => undefined } as never;

  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    fakeVscode.reset();
    fakeVscode.config = { apiBaseUrl: emu.url };
    secrets = new FakeSecretStorage();
    store = new CredentialStore(secrets as never);
    session = new Session(store, { userAgent: 'account-model-test' });
    model = new AccountModel(session, silentLog);
    states = [];
    changes = 0;
    model.onDidLoadAccount((s) => states.push(s));
    model.onDidChange(() => changes++);
  });
  afterEach(() => {
    model.dispose();
    session.dispose();
    store.dispose();
    emu.reset();
  });

  const requestsSince = (mark: number): string[] => emu.requests.slice(mark).map((r) => `${r.method} ${r.path}`).sort();

  it('asks nothing until someone wants the account, then one request of each kind', async () => {
    await secrets.store(SECRET_KEY, emu.demoApiToken);
    await model.initialize();
    assert.equal(model.signedIn, true);
    assert.deepEqual(emu.requests, [], 'reading the credential sends nothing');
    const load = await model.load();
    assert.equal(load?.kind, 'loaded');
    assert.deepEqual(requestsSince(0), LOAD_PATHS);
    assert.equal(load.kind === 'loaded' && load.user.username, 'demo');
    assert.ok(load.kind === 'loaded' && Array.isArray(load.tokens) && load.tokens.some((t) => t.id === model.credentialId), 'the credential is among the tokens');
    assert.deepEqual(states.map((s) => s.kind), ['signedIn']);
    // Asked again: the settled load, no request.
    assert.equal(await model.load(), load);
    assert.equal(emu.requests.length, 3);
  });

  it("is where commands get a client: an account's (none for no account, none once signed out), and any token value's (nothing stored)", async () => {
    await secrets.store(SECRET_KEY, emu.demoApiToken);
    await model.initialize();
    const id = model.activeId;
    assert.ok(id, 'an active account');
    assert.equal(model.clientFor(undefined), undefined);
    assert.equal((await model.clientFor(id)?.getCurrentUser())?.username, 'demo');
    assert.equal((await model.clientForValue(emu.aliceToken).getCurrentUser()).username, 'alice');
    assert.deepEqual(model.accounts.map((a) => a.id), [id], 'a value\'s client signs nobody in');
    await session.signOut();
    await model.reread();
    assert.equal(model.signedIn, false);
    assert.equal(model.clientFor(id), undefined);
  });

  it("sign-in's own checks serve the first load (no request), once; a refresh asks again", async () => {
    await model.initialize();
    await session.signIn(emu.demoToken);
    const mark = emu.requests.length;
    assert.deepEqual(requestsSince(0), LOAD_PATHS, 'sign-in is one round trip with the token list');
    const load = await model.load();
    assert.equal(load?.kind === 'loaded' && load.user.username, 'demo');
    assert.equal(emu.requests.length, mark, 'the first load after sign-in sends nothing');
    model.refresh();
    await model.whenLoaded();
    assert.deepEqual(requestsSince(mark), LOAD_PATHS);
  });

  it('refreshes during a load coalesce into one more load', async () => {
    await secrets.store(SECRET_KEY, emu.demoApiToken);
    await model.initialize();
    // As the view does: every change asks for the account again.
    model.onDidChange(() => void model.load());
    emu.setLatency(150);
    const first = model.load();
    for (let i = 0; i < 6; i++) model.refresh();
    await first;
    await model.whenLoaded();
    assert.deepEqual(requestsSince(0), [...LOAD_PATHS, ...LOAD_PATHS].sort(), 'two loads: the running one and one queued');
    const users = emu.requests.filter((r) => r.path === '/v1/user');
    assert.ok(users[1].at >= users[0].at + users[0].ms, `the queued load starts after the first ended: ${JSON.stringify(users.map((r) => [r.at, r.ms]))}`);
  });

  it('a load superseded by sign-out is dropped: no account event, nothing shown', async () => {
    await secrets.store(SECRET_KEY, emu.demoApiToken);
    await model.initialize();
    emu.setLatency(200);
    const arrived = emu.arrived;
    const pending = model.load();
    await until('the load\'s requests to reach the emulator', () => emu.arrived >= arrived + LOAD_PATHS.length);
    await session.signOut();
    assert.equal(await pending, undefined);
    assert.deepEqual(states.map((s) => s.kind), ['signedOut']);
    assert.equal(model.lastLoad, undefined);
  });

  it('a load superseded by another credential shows the newer account only', async () => {
    await secrets.store(SECRET_KEY, emu.demoApiToken);
    await model.initialize();
    emu.setLatency(200);
    const arrived = emu.arrived;
    const pending = model.load();
    await until('the load\'s requests to reach the emulator', () => emu.arrived >= arrived + LOAD_PATHS.length);
    await secrets.store(SECRET_KEY, emu.mintLoginToken({ username: 'alice' }));
    const load = await pending;
    assert.equal(load?.kind === 'loaded' && load.user.username, 'alice');
    assert.ok(!states.some((s) => s.kind === 'signedIn' && s.user.username === 'demo'), JSON.stringify(states));
  });

  it('a created or revoked token changes the list without a request', async () => {
    await secrets.store(SECRET_KEY, emu.demoApiToken);
    await model.initialize();
    await model.load();
    const mark = emu.requests.length;
    const before = changes;
    model.addToken({ id: 'tok-new', name: 'zz-new' });
    assert.ok(model.knownTokens()?.some((t) => t.id === 'tok-new'));
    const [first] = model.knownTokens() ?? [];
    model.removeToken(first.id);
    assert.ok(!model.knownTokens()?.some((t) => t.id === first.id));
    assert.equal(changes, before + 2);
    assert.equal(emu.requests.length, mark);
  });

  it('a 401 fails the load with the reason, for the status bar and the tree', async () => {
    await secrets.store(SECRET_KEY, emu.demoApiToken);
    await model.initialize();
    emu.injectFault({ path: '/v1/user', kind: 'status', status: 401, error: 'token revoked' });
    const load = await model.load();
    assert.equal(load?.kind, 'failed');
    assert.equal(states.at(-1)?.kind, 'error');
    assert.equal(model.knownTokens(), undefined);
  });
});
