// test/github-emulator: GitHub's answers (status codes, bodies, headers) as the client and the later
// in-host tests rely on them, spoken to over plain HTTP.
import * as assert from 'node:assert/strict';
import { startGitHubEmulator, type GitHubEmulator } from '../../github-emulator/server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sodium = require('libsodium-wrappers') as typeof import('libsodium-wrappers');

describe('github-emulator: the Actions secrets API over HTTP', () => {
  let emu: GitHubEmulator;
  const lines: string[] = [];
  before(async () => {
    emu = await startGitHubEmulator({ log: (line) => lines.push(line) });
  });
  after(async () => {
    await emu?.close();
  });
  beforeEach(() => emu.reset());

  async function call(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; json: unknown; headers: Headers }> {
    const headers: Record<string, string> = { Accept: 'application/vnd.github+json', 'User-Agent': 'github-emulator-tests' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(emu.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
  }
  async function sealFor(path: string, value: string): Promise<{ encrypted_value: string; key_id: string }> {
    await sodium.ready;
    const { json } = await call('GET', path, emu.adminToken);
    const key = json as { key_id: string; key: string };
    const sealed = sodium.crypto_box_seal(Buffer.from(value), new Uint8Array(Buffer.from(key.key, 'base64')));
    return { encrypted_value: Buffer.from(sealed).toString('base64'), key_id: key.key_id };
  }

  for (const prefix of ['', '/api/v3']) {
    it(`serves ${prefix || 'the root'}: public key, 201 then 204, the value opens with the private key`, async () => {
      const body = await sealFor(`${prefix}/repos/octo-org/app/actions/secrets/public-key`, 'v1');
      assert.equal((await call('PUT', `${prefix}/repos/octo-org/app/actions/secrets/TURSO_API_TOKEN`, emu.adminToken, body)).status, 201);
      assert.equal(emu.openSecret('octo-org/app', undefined, 'TURSO_API_TOKEN'), 'v1');
      const again = await sealFor(`${prefix}/repos/octo-org/app/actions/secrets/public-key`, 'v2');
      assert.equal((await call('PUT', `${prefix}/repos/octo-org/app/actions/secrets/turso_api_token`, emu.adminToken, again)).status, 204, 'names ignore case');
      assert.equal(emu.openSecret('octo-org/app', undefined, 'TURSO_API_TOKEN'), 'v2');
      assert.deepEqual(emu.secretNames('octo-org/app'), ['TURSO_API_TOKEN']);
    });
  }

  it('an environment has its own key and secrets', async () => {
    const repoKey = (await call('GET', '/repos/octo-org/app/actions/secrets/public-key', emu.adminToken)).json as { key: string };
    const envKey = (await call('GET', '/repos/octo-org/app/environments/production/secrets/public-key', emu.adminToken)).json as { key: string };
    assert.notEqual(repoKey.key, envKey.key);
    const body = await sealFor('/repos/octo-org/app/environments/production/secrets/public-key', 'env-value');
    assert.equal((await call('PUT', '/repos/octo-org/app/environments/production/secrets/TURSO_AUTH_TOKEN', emu.adminToken, body)).status, 201);
    assert.equal(emu.openSecret('octo-org/app', 'production', 'TURSO_AUTH_TOKEN'), 'env-value');
    assert.equal(emu.openSecret('octo-org/app', undefined, 'TURSO_AUTH_TOKEN'), undefined);
    const list = await call('GET', '/repos/octo-org/app/environments/production/secrets', emu.adminToken);
    assert.deepEqual((list.json as { secrets: { name: string }[] }).secrets.map((s) => s.name), ['TURSO_AUTH_TOKEN']);
    const envs = await call('GET', '/repos/octo-org/app/environments', emu.readerToken);
    assert.deepEqual(envs.json && (envs.json as { total_count: number; environments: { name: string }[] }).environments.map((e) => e.name), ['production', 'staging']);
  });

  it('401 without a valid token, 404 for whom cannot see it, 403 without admin rights or with Actions disabled', async () => {
    const path = '/repos/octo-org/app/actions/secrets/public-key';
    assert.equal((await call('GET', path, undefined)).status, 401);
    assert.equal((await call('GET', path, 'ghu_not-a-token')).status, 401);
    assert.equal((await call('GET', path, emu.strangerToken)).status, 404);
    assert.equal((await call('GET', '/repos/octo-org/nope/actions/secrets/public-key', emu.adminToken)).status, 404);
    assert.equal((await call('GET', '/repos/octo-org/app/environments/nope/secrets/public-key', emu.adminToken)).status, 404);
    const reader = await call('GET', path, emu.readerToken);
    assert.equal(reader.status, 403);
    assert.match((reader.json as { message: string }).message, /admin rights/);
    const disabled = await call('GET', '/repos/octo-org/no-actions/actions/secrets/public-key', emu.adminToken);
    assert.equal(disabled.status, 403);
    assert.match((disabled.json as { message: string }).message, /Actions has been disabled/);
  });

  it('422 for a bad name, a stale key id, or a value that does not open', async () => {
    const body = await sealFor('/repos/octo-org/app/actions/secrets/public-key', 'v');
    for (const name of ['GITHUB_TOKEN', '1ABC', 'A-B']) {
      assert.equal((await call('PUT', `/repos/octo-org/app/actions/secrets/${name}`, emu.adminToken, body)).status, 422, name);
    }
    assert.equal((await call('PUT', '/repos/octo-org/app/actions/secrets/X', emu.adminToken, { ...body, encrypted_value: Buffer.alloc(60).toString('base64') })).status, 422);
    emu.rotateKey('octo-org/app');
    const stale = await call('PUT', '/repos/octo-org/app/actions/secrets/X', emu.adminToken, body);
    assert.equal(stale.status, 422);
    assert.match((stale.json as { message: string }).message, /key_id/);
    assert.deepEqual(emu.secretNames('octo-org/app'), []);
  });

  it('pages lists as GitHub does (per_page, page, Link)', async () => {
    for (let i = 0; i < 35; i++) emu.seedSecret('octo-org/site', undefined, `S_${String(i).padStart(2, '0')}`, `value-${i}`);
    const first = await call('GET', '/repos/octo-org/site/actions/secrets', emu.adminToken);
    const firstBody = first.json as { total_count: number; secrets: { name: string }[] };
    assert.equal(firstBody.total_count, 35);
    assert.equal(firstBody.secrets.length, 30, 'per_page defaults to 30');
    assert.match(first.headers.get('link') ?? '', /page=2>; rel="next"/);
    const second = await call('GET', '/repos/octo-org/site/actions/secrets?per_page=20&page=2', emu.adminToken);
    assert.deepEqual((second.json as { secrets: { name: string }[] }).secrets.map((s) => s.name), Array.from({ length: 15 }, (_, i) => `S_${i + 20}`));
    assert.equal(emu.openSecret('octo-org/site', undefined, 's_07'), 'value-7');
  });

  it('rate-limit faults: 403 with X-RateLimit-Remaining 0 and a reset; 429 with Retry-After', async () => {
    emu.injectFault({ kind: 'rateLimit', resetInSeconds: 120, times: 1 });
    emu.injectFault({ kind: 'secondaryRateLimit', retryAfterSeconds: 7, times: 1 });
    const primary = await call('GET', '/repos/octo-org/app/environments', emu.adminToken);
    assert.equal(primary.status, 403);
    assert.equal(primary.headers.get('x-ratelimit-remaining'), '0');
    const reset = Number(primary.headers.get('x-ratelimit-reset'));
    assert.ok(Math.abs(reset - (Date.now() / 1000 + 120)) < 5, `reset ${reset}`);
    const secondary = await call('GET', '/repos/octo-org/app/environments', emu.adminToken);
    assert.equal(secondary.status, 429);
    assert.equal(secondary.headers.get('retry-after'), '7');
    assert.equal((await call('GET', '/repos/octo-org/app/environments', emu.adminToken)).status, 200, 'the faults were used up');
  });

  it('latency, a delay fault, and faults matched by method and path (without /api/v3, exact or a prefix with *)', async () => {
    emu.setLatency(120);
    let started = Date.now();
    assert.equal((await call('GET', '/api/v3/repos/octo-org/app/environments', emu.adminToken)).status, 200);
    assert.ok(Date.now() - started >= 110, `latency: ${Date.now() - started} ms`);
    emu.setLatency(0);
    emu.injectFault({ kind: 'delay', delayMs: 150, times: 1 });
    started = Date.now();
    assert.equal((await call('GET', '/repos/octo-org/app/environments', emu.adminToken)).status, 200, 'a delay, then the normal answer');
    assert.ok(Date.now() - started >= 140, `delay: ${Date.now() - started} ms`);
    emu.injectFault({ kind: 'status', status: 503, method: 'PUT', path: '/repos/octo-org/app/environments/*' });
    emu.injectFault({ kind: 'status', status: 500, path: '/repos/octo-org/app/environments', times: 1 });
    assert.equal((await call('GET', '/repos/octo-org/app/environments/production/secrets', emu.adminToken)).status, 200, 'not that exact path, not a PUT');
    assert.equal((await call('GET', '/api/v3/repos/octo-org/app/environments', emu.adminToken)).status, 500);
    assert.equal((await call('PUT', '/api/v3/repos/octo-org/app/environments/production/secrets/X', emu.adminToken, {})).status, 503);
    assert.equal((await call('PUT', '/repos/octo-org/app/actions/secrets/X', emu.adminToken, {})).status, 422, 'another path: answered normally');
  });

  it('the request log and the log lines hold no token, value or sealed value', async () => {
    lines.length = 0;
    const body = await sealFor('/repos/octo-org/app/actions/secrets/public-key', 'the-plain-value-123');
    await call('PUT', '/api/v3/repos/octo-org/app/actions/secrets/LOGGED', emu.adminToken, body);
    const put = emu.requests.find((r) => r.method === 'PUT');
    assert.ok(put);
    assert.equal(put.login, 'octo-admin');
    assert.deepEqual(put.body, { key_id: body.key_id, encryptedBytes: Buffer.byteLength('the-plain-value-123') + 48 });
    const everything = JSON.stringify(emu.requests) + lines.join('\n');
    for (const secret of [emu.adminToken, 'the-plain-value-123', body.encrypted_value]) {
      assert.ok(!everything.includes(secret), 'a secret in the log');
    }
  });

  it('HTTP controls: info, faults, a secret opened for a test in another process', async () => {
    const info = (await (await fetch(`${emu.url}/__emulator/info`)).json()) as { enterpriseApiBase: string; adminToken: string };
    assert.equal(info.enterpriseApiBase, `${emu.url}/api/v3`);
    assert.equal(info.adminToken, emu.adminToken);
    emu.seedSecret('octo-org/app', 'staging', 'X', 'over-http');
    const opened = await fetch(`${emu.url}/__emulator/secret?repository=octo-org/app&environment=staging&name=X`);
    assert.deepEqual(await opened.json(), { value: 'over-http' });
    const bad = await fetch(`${emu.url}/__emulator/faults`, { method: 'POST', body: JSON.stringify({ kind: 'nope' }) });
    assert.equal(bad.status, 400);
    assert.equal(emu.requests.length, 0, 'controls are not recorded');
  });
});
