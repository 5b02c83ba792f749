// The organizations model (src/accounts/organizationsModel.ts) with a real client and the emulator:
// nothing asked before someone wants it, tokens and role in one round trip, a refresh of every
// expanded organization at once, superseded loads dropped, local changes without a request.
import * as assert from 'node:assert/strict';
import { OrganizationsModel, type OrganizationsChange } from '../../../src/accounts/organizationsModel';
import { TursoClient } from '../../../src/platform/client';
import { startEmulator, type TursoEmulator } from '../../emulator/server';

describe('accounts/organizationsModel', () => {
  let emu: TursoEmulator;
  let model: OrganizationsModel;
  let changes: OrganizationsChange[];

  before(async () => {
    emu = await startEmulator({ port: 0 });
  });
  after(async () => {
    await emu?.close();
  });

  function make(token = emu.demoToken, username = 'demo'): OrganizationsModel {
    const client = new TursoClient({ baseUrl: emu.url, token, userAgent: 'test', timeoutMs: 5000, retry: { attempts: 1 } });
    const m = new OrganizationsModel({ client: () => client, username: () => username });
    changes = [];
    m.onDidChange((c) => changes.push(c));
    return m;
  }
  beforeEach(() => {
    emu.reset();
    model = make();
  });
  afterEach(() => model.dispose());

  const requests = (): string[] => emu.requests.map((r) => `${r.method} ${r.path}`);

  /** True when every request started before the first of them was answered: one round trip. */
  function oneRoundTrip(): boolean {
    const log = emu.requests;
    const firstEnd = Math.min(...log.map((r) => r.at + r.ms));
    return log.every((r) => r.at <= firstEnd);
  }

  it('asks nothing until the organizations or an organization are wanted', async () => {
    assert.deepEqual(requests(), []);
    const list = await model.organizations();
    assert.equal(list.kind, 'loaded');
    assert.deepEqual(requests(), ['GET /v1/organizations']);
    assert.deepEqual(list.kind === 'loaded' && list.organizations.map((o) => o.slug), ['acme', 'demo', 'partner', 'studio']);
  });

  it('an organization\'s tokens come with the role, asked together (one round trip)', async () => {
    emu.setLatency(150);
    const load = await model.tokens('studio');
    assert.deepEqual(requests().sort(), ['GET /v1/organizations/studio/api-tokens', 'GET /v1/organizations/studio/members/demo']);
    assert.ok(oneRoundTrip(), JSON.stringify(emu.requests));
    assert.equal(load.kind, 'loaded');
    if (load.kind !== 'loaded') return;
    assert.equal(load.role, 'owner');
    assert.equal(load.seesAll, true);
    assert.deepEqual(load.tokens.map((t) => [t.name, t.owner?.username]), [['studio-deploy', 'demo'], ['studio-sync', 'alice']]);
    // Asked again: the settled load, no request.
    await model.tokens('studio');
    assert.equal(emu.requests.length, 2);
  });

  it('a member sees only their own tokens, and the model says so', async () => {
    model.dispose();
    model = make(emu.aliceToken, 'alice');
    const load = await model.tokens('studio');
    assert.equal(load.kind === 'loaded' && load.role, 'member');
    assert.equal(load.kind === 'loaded' && load.seesAll, false);
    assert.deepEqual(load.kind === 'loaded' && load.tokens.map((t) => t.name), ['studio-sync']);
  });

  it('refresh reloads the list and every expanded organization at once (one round trip), and only those', async () => {
    await model.organizations();
    await Promise.all(['acme', 'partner', 'studio'].map((o) => model.tokens(o)));
    model.collapse('partner');
    emu.requests.length = 0;
    emu.setLatency(150);
    model.refresh();
    const loads = await Promise.all([model.organizations(), model.tokens('acme'), model.tokens('studio')]);
    assert.ok(loads.every((l) => l.kind === 'loaded'));
    assert.deepEqual(requests().sort(), [
      'GET /v1/organizations',
      'GET /v1/organizations/acme/api-tokens',
      'GET /v1/organizations/acme/members/demo',
      'GET /v1/organizations/studio/api-tokens',
      'GET /v1/organizations/studio/members/demo',
    ]);
    assert.ok(oneRoundTrip(), JSON.stringify(emu.requests));
    assert.deepEqual(model.expandedOrganizations(), ['acme', 'studio']);
    // The collapsed one is forgotten by the refresh: expanded again, it is asked for again.
    assert.equal(model.settledTokens('partner'), undefined);
    emu.requests.length = 0;
    emu.setLatency(0);
    await model.tokens('partner');
    assert.deepEqual(requests().sort(), ['GET /v1/organizations/partner/api-tokens', 'GET /v1/organizations/partner/members/demo']);
    // Expanded by the view without asking for its rows (it kept them): the next refresh reloads it too.
    model.collapse('partner');
    model.expand('partner');
    assert.deepEqual(model.expandedOrganizations(), ['acme', 'studio', 'partner']);
  });

  it('a load superseded by a refresh is dropped: the caller gets the newer answer', async () => {
    const first = await model.tokens('studio');
    const sync = first.kind === 'loaded' ? first.tokens.find((t) => t.name === 'studio-sync') : undefined;
    assert.ok(sync);
    // The next list is held for a second: the refresh after it supersedes it.
    emu.injectFault({ kind: 'delay', delayMs: 1000, path: '/v1/organizations/studio/api-tokens', times: 1 });
    model.refresh();
    const waiting = model.tokens('studio');
    const res = await fetch(`${emu.url}/v1/organizations/studio/api-tokens/${sync.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${emu.demoToken}` } });
    assert.equal(res.status, 200);
    model.refresh();
    const load = await waiting;
    assert.deepEqual(load.kind === 'loaded' && load.tokens.map((t) => t.name), ['studio-deploy']);
    const settled = model.settledTokens('studio');
    assert.deepEqual(settled?.kind === 'loaded' && settled.tokens.map((t) => t.name), ['studio-deploy']);
    // The held (abandoned) list is answered a second later: wait for it, so it lands in this test's log.
    const lists = () => emu.requests.filter((r) => r.path === '/v1/organizations/studio/api-tokens').length;
    for (const until = Date.now() + 5000; lists() < 3;) {
      assert.ok(Date.now() < until, `the held list to be answered (lists so far: ${lists()})`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(model.settledTokens('studio'), settled, 'the superseded answer changed nothing');
  });

  it('removeToken and addToken change a loaded list without a request', async () => {
    const load = await model.tokens('studio');
    const sync = load.kind === 'loaded' ? load.tokens.find((t) => t.name === 'studio-sync') : undefined;
    assert.ok(sync);
    emu.requests.length = 0;
    changes = [];
    model.removeToken('studio', sync.id);
    model.addToken({ name: 'new-one', id: 'new-id', organization: 'studio', owner: { username: 'demo' } });
    assert.deepEqual((model.settledTokens('studio') as unknown as { tokens: { name: string }[] }).tokens.map((t) => t.name), ['studio-deploy', 'new-one']);
    assert.deepEqual(changes, [{ organization: 'studio' }, { organization: 'studio' }]);
    assert.deepEqual(emu.requests, []);
  });

  it('a failed list is a result, not a throw; reset forgets everything and asks again only when wanted', async () => {
    emu.injectFault({ kind: 'status', status: 500, path: '/v1/organizations/acme/api-tokens' });
    const failed = await model.tokens('acme');
    assert.equal(failed.kind, 'failed');
    model.reset();
    assert.equal(model.settledTokens('acme'), undefined);
    assert.deepEqual(model.expandedOrganizations(), []);
    emu.clearFaults();
    emu.requests.length = 0;
    model.refresh();
    assert.deepEqual(emu.requests, [], 'nothing expanded after a reset: a refresh asks nothing');
  });
});
