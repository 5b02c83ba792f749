// src/github/client.ts against the GitHub emulator: saving to a repository and to an environment (the
// emulator opens the sealed value with its private key), every error kind with a message naming what
// was asked about, and no GitHub token, value or sealed value in any error or in the emulator's log.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { GitHubClient, normalizeApiBase, type GitHubClientOptions, type GitHubRequestEvent } from '../../../src/github/client';
import { GitHubApiError, type GitHubErrorKind } from '../../../src/github/errors';
import { sealForGitHub } from '../../../src/github/seal';
import { startGitHubEmulator, type GitHubEmulator } from '../../github-emulator/server';

const UA = 'turso-api-tokens-vscode/test';
const APP = { owner: 'octo-org', repo: 'app' };
const VALUE = 'eyJhbGciOiJFZERTQSJ9.turso-value-never-shown.c2lnbmF0dXJl';

describe('GitHubClient against the GitHub emulator', function () {
  this.timeout(15000);
  let emu: GitHubEmulator;
  const logLines: string[] = [];
  const seen: GitHubApiError[] = [];
  const sealedValues: string[] = [];

  before(async () => {
    emu = await startGitHubEmulator({ log: (line) => logLines.push(line) });
  });
  after(async () => {
    await emu?.close();
  });
  beforeEach(() => emu.reset());
  const recorded: string[] = [];
  afterEach(() => {
    recorded.push(JSON.stringify(emu.requests));
  });

  function client(options: Partial<GitHubClientOptions> = {}): GitHubClient {
    return new GitHubClient({ apiBase: emu.url, token: emu.adminToken, userAgent: UA, timeoutMs: 2000, ...options });
  }

  async function failure(promise: Promise<unknown>, kind: GitHubErrorKind, names: string[]): Promise<GitHubApiError> {
    try {
      await promise;
    } catch (err) {
      assert.ok(err instanceof GitHubApiError, `expected a GitHubApiError, got ${String(err)}`);
      seen.push(err);
      assert.equal(err.kind, kind, err.message);
      for (const name of names) assert.ok(err.message.includes(name), `the message names ${name}: ${err.message}`);
      return err;
    }
    assert.fail(`expected a ${kind} failure`);
  }

  async function save(c: GitHubClient, env: string | undefined, name: string, value = VALUE): Promise<'created' | 'updated'> {
    const key = env === undefined ? await c.repositoryPublicKey(APP) : await c.environmentPublicKey(APP, env);
    const encryptedValue = await sealForGitHub(value, key.key);
    sealedValues.push(encryptedValue);
    return c.putSecret(APP, env, name, { encryptedValue, keyId: key.keyId });
  }

  it('saves to a repository: created, then updated; the emulator opens the value it was given', async () => {
    const c = client();
    assert.equal(await save(c, undefined, 'TURSO_API_TOKEN'), 'created');
    assert.equal(emu.openSecret('octo-org/app', undefined, 'TURSO_API_TOKEN'), VALUE);
    assert.equal(await save(c, undefined, 'TURSO_API_TOKEN', `${VALUE}-2`), 'updated');
    assert.equal(emu.openSecret('octo-org/app', undefined, 'TURSO_API_TOKEN'), `${VALUE}-2`);
    assert.deepEqual(await c.listSecretNames(APP), ['TURSO_API_TOKEN']);
  });

  it('saves to an environment through the GitHub Enterprise form (<host>/api/v3)', async () => {
    const c = client({ apiBase: emu.enterpriseApiBase });
    assert.deepEqual(await c.listEnvironments(APP), ['production', 'staging']);
    assert.equal(await save(c, 'production', 'TURSO_AUTH_TOKEN'), 'created');
    assert.equal(emu.openSecret('octo-org/app', 'production', 'TURSO_AUTH_TOKEN'), VALUE);
    assert.equal(emu.openSecret('octo-org/app', 'staging', 'TURSO_AUTH_TOKEN'), undefined);
    assert.equal(emu.openSecret('octo-org/app', undefined, 'TURSO_AUTH_TOKEN'), undefined);
    assert.deepEqual(await c.listSecretNames(APP, 'production'), ['TURSO_AUTH_TOKEN']);
    assert.ok(emu.requests.every((r) => r.path.startsWith('/api/v3/')), 'every request went under /api/v3');
  });

  it('sends GitHub\'s headers: the API version, its media type, the user agent', async () => {
    await client().listEnvironments(APP);
    const [req] = emu.requests;
    assert.equal(req.apiVersion, '2022-11-28');
    assert.equal(req.accept, 'application/vnd.github+json');
    assert.equal(req.userAgent, UA);
    assert.equal(req.query, 'per_page=100&page=1');
  });

  it('follows the pages of a list, up to maxPages', async () => {
    for (let i = 0; i < 230; i++) emu.seedSecret('octo-org/site', undefined, `S_${String(i).padStart(3, '0')}`, 'v');
    const all = await client().listSecretNames({ owner: 'octo-org', repo: 'site' });
    assert.equal(all.length, 230);
    assert.equal(all[229], 'S_229');
    assert.equal(emu.requests.length, 3);
    emu.requests.length = 0;
    const bounded = await client({ maxPages: 2 }).listSecretNames({ owner: 'octo-org', repo: 'site' });
    assert.equal(bounded.length, 200);
    assert.equal(emu.requests.length, 2);
  });

  describe('each failure, by kind, naming the repository, environment and secret', () => {
    it('unauthorized: a token GitHub does not know (401)', async () => {
      const err = await failure(client({ token: 'ghu_revokedTokenValue123456' }).repositoryPublicKey(APP), 'unauthorized', ['octo-org/app']);
      assert.equal(err.status, 401);
      assert.match(err.message, /Sign in to GitHub again/);
    });

    it('forbidden: no admin rights (403), for the key, the list and the write', async () => {
      const reader = client({ token: emu.readerToken });
      await failure(reader.repositoryPublicKey(APP), 'forbidden', ['octo-org/app', 'admin']);
      await failure(reader.listSecretNames(APP, 'staging'), 'forbidden', ['environment "staging" of octo-org/app']);
      const key = await client().repositoryPublicKey(APP);
      const encryptedValue = await sealForGitHub(VALUE, key.key);
      sealedValues.push(encryptedValue);
      const err = await failure(reader.putSecret(APP, undefined, 'TURSO_API_TOKEN', { encryptedValue, keyId: key.keyId }), 'forbidden', ['TURSO_API_TOKEN', 'octo-org/app']);
      assert.ok(!err.mayHaveTakenEffect);
    });

    it('actionsDisabled: Actions switched off for the repository', async () => {
      await failure(client().repositoryPublicKey({ owner: 'octo-org', repo: 'no-actions' }), 'actionsDisabled', ['octo-org/no-actions', 'Enable Actions']);
    });

    it('notFound: a repository gone or unseen, an environment gone (404)', async () => {
      await failure(client({ token: emu.strangerToken }).repositoryPublicKey(APP), 'notFound', ['octo-org/app']);
      await failure(client().listEnvironments({ owner: 'octo-org', repo: 'gone' }), 'notFound', ['octo-org/gone']);
      const key = await client().environmentPublicKey(APP, 'staging');
      emu.removeEnvironment('octo-org/app', 'staging');
      const encryptedValue = await sealForGitHub(VALUE, key.key);
      sealedValues.push(encryptedValue);
      await failure(client().putSecret(APP, 'staging', 'TURSO_AUTH_TOKEN', { encryptedValue, keyId: key.keyId }), 'notFound', ['environment "staging" of octo-org/app', 'TURSO_AUTH_TOKEN']);
    });

    it('moved: a renamed repository (301) is said, not followed with the token', async () => {
      emu.injectFault({ kind: 'redirect', times: 1 });
      await failure(client().repositoryPublicKey(APP), 'moved', ['octo-org/app', 'git remote']);
      assert.equal(emu.requests.length, 1);
    });

    it('invalidName: GitHub refuses the name (422), and a dot segment is refused before sending', async () => {
      const key = await client().repositoryPublicKey(APP);
      const encryptedValue = await sealForGitHub(VALUE, key.key);
      sealedValues.push(encryptedValue);
      const err = await failure(client().putSecret(APP, undefined, 'GITHUB_TOKEN', { encryptedValue, keyId: key.keyId }), 'invalidName', ['GITHUB_TOKEN', 'octo-org/app']);
      assert.equal(err.status, 422);
      const before = emu.requests.length;
      await failure(client().putSecret(APP, undefined, '..', { encryptedValue, keyId: key.keyId }), 'invalidName', ['octo-org/app']);
      assert.equal(emu.requests.length, before, 'nothing sent');
    });

    it('badRequest: a stale key id (422) is not called a bad name; a dot-segment owner is refused before sending', async () => {
      const key = await client().repositoryPublicKey(APP);
      emu.rotateKey('octo-org/app');
      const encryptedValue = await sealForGitHub(VALUE, key.key);
      sealedValues.push(encryptedValue);
      await failure(client().putSecret(APP, undefined, 'TURSO_API_TOKEN', { encryptedValue, keyId: key.keyId }), 'badRequest', ['TURSO_API_TOKEN', 'key_id']);
      const before = emu.requests.length;
      await failure(client().listEnvironments({ owner: '..', repo: 'x' }), 'badRequest', ['../x']);
      assert.equal(emu.requests.length, before, 'nothing sent');
    });

    it('rateLimited: 403 with X-RateLimit-Remaining 0 gives resetAt; 429 gives retryAfterSeconds', async () => {
      emu.injectFault({ kind: 'rateLimit', resetInSeconds: 600, times: 1 });
      const primary = await failure(client().listEnvironments(APP), 'rateLimited', ['octo-org/app', 'rate limit']);
      assert.ok(primary.resetAt !== undefined && Math.abs(primary.resetAt - (Date.now() + 600_000)) < 5000, `resetAt ${primary.resetAt}`);
      assert.match(primary.message, /try again after \d\d:\d\d UTC/);
      emu.injectFault({ kind: 'secondaryRateLimit', retryAfterSeconds: 9, times: 1 });
      const secondary = await failure(client().repositoryPublicKey(APP), 'rateLimited', ['octo-org/app']);
      assert.equal(secondary.retryAfterSeconds, 9);
      assert.match(secondary.message, /try again in 9 s/);
    });

    it('server: a 500; a 502 on a read is tried once more, a write never is', async () => {
      emu.injectFault({ kind: 'status', status: 500, times: 2 });
      await failure(client().listEnvironments(APP), 'server', ['octo-org/app']);
      emu.clearFaults();
      emu.injectFault({ kind: 'status', status: 502, times: 1 });
      assert.deepEqual(await client().listEnvironments(APP), ['production', 'staging'], 'a read is retried once');
      const key = await client().repositoryPublicKey(APP);
      const encryptedValue = await sealForGitHub(VALUE, key.key);
      sealedValues.push(encryptedValue);
      emu.requests.length = 0;
      emu.injectFault({ kind: 'status', status: 502, method: 'PUT', times: 1 });
      const err = await failure(client().putSecret(APP, undefined, 'TURSO_API_TOKEN', { encryptedValue, keyId: key.keyId }), 'server', ['TURSO_API_TOKEN']);
      assert.equal(emu.requests.filter((r) => r.method === 'PUT').length, 1, 'the write was sent once');
      assert.ok(err.mayHaveTakenEffect);
      assert.match(err.message, /may or may not have been saved/);
    });

    it('network: nothing listening', async () => {
      const port = await new Promise<number>((resolve) => {
        const s = net.createServer().listen(0, '127.0.0.1', () => {
          const p = (s.address() as net.AddressInfo).port;
          s.close(() => resolve(p));
        });
      });
      const err = await failure(client({ apiBase: `http://127.0.0.1:${port}` }).listEnvironments(APP), 'network', ['octo-org/app']);
      assert.match(err.detail ?? '', /ECONNREFUSED/);
    });

    it('network: the connection reset during a write (may have been saved)', async () => {
      const key = await client().repositoryPublicKey(APP);
      const encryptedValue = await sealForGitHub(VALUE, key.key);
      sealedValues.push(encryptedValue);
      emu.injectFault({ kind: 'reset', method: 'PUT', times: 1 });
      const err = await failure(client().putSecret(APP, undefined, 'TURSO_API_TOKEN', { encryptedValue, keyId: key.keyId }), 'network', ['TURSO_API_TOKEN']);
      assert.ok(err.mayHaveTakenEffect);
    });

    it('timeout: no answer in time', async () => {
      emu.injectFault({ kind: 'timeout', times: 1 });
      await failure(client({ timeoutMs: 300 }).repositoryPublicKey(APP), 'timeout', ['octo-org/app']);
    });

    it('badResponse: a truncated body, a key without key_id', async () => {
      emu.injectFault({ kind: 'malformed', times: 1 });
      await failure(client().repositoryPublicKey(APP), 'badResponse', ['octo-org/app']);
      const odd = new GitHubClient({
        apiBase: 'https://api.github.com', token: emu.adminToken, userAgent: UA,
        fetchImpl: async () => ({ status: 200, headers: new Map(), text: async () => '{"key":"x"}' }) as never,
      });
      await failure(odd.repositoryPublicKey(APP), 'badResponse', ['octo-org/app', 'key_id']);
    });

    it('cancelled: the caller\'s signal', async () => {
      emu.injectFault({ kind: 'timeout', times: 1 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      await failure(client().listEnvironments(APP, { signal: controller.signal }), 'cancelled', ['octo-org/app']);
    });

    it('a server message echoing the token is redacted', async () => {
      emu.injectFault({ kind: 'status', status: 400, message: `token ${emu.adminToken} is odd`, times: 1 });
      const err = await failure(client().listEnvironments(APP), 'badRequest', ['octo-org/app', '[redacted]']);
      assert.ok(!err.message.includes(emu.adminToken));
    });

    it('hostile names are shown inert in messages', async () => {
      const err = await failure(client().environmentPublicKey(APP, 'prod\n[x](command:evil)\u202e'), 'notFound', ['octo-org/app']);
      assert.doesNotMatch(err.message, /\n|\]\(|\u202e/);
    });
  });

  it('reports each exchange without a token or value', async () => {
    const events: GitHubRequestEvent[] = [];
    await save(client({ onRequest: (e) => events.push(e) }), undefined, 'TURSO_API_TOKEN');
    assert.deepEqual(events.map((e) => `${e.method} ${e.path} ${e.status}`), [
      'GET /repos/octo-org/app/actions/secrets/public-key 200',
      'PUT /repos/octo-org/app/actions/secrets/TURSO_API_TOKEN 200',
    ]);
  });

  it('refuses an API base a token must not be sent to', () => {
    for (const bad of ['http://api.github.com', 'http://10.0.0.1/api/v3', 'https://u:p@api.github.com', 'https://api.github.com?x=1', 'ftp://x', 'nope']) {
      assert.throws(() => normalizeApiBase(bad), TypeError, bad);
    }
    assert.equal(normalizeApiBase('https://ghe.example.com/api/v3/'), 'https://ghe.example.com/api/v3');
    assert.equal(normalizeApiBase('http://[::1]:8080/api/v3'), 'http://[::1]:8080/api/v3');
  });

  // last (mocha runs a suite's own tests before its nested suites): every error seen above
  describe('afterwards', () => {
    it('no error, log line or recorded request holds the GitHub token, the value or a sealed value', () => {
      assert.ok(seen.length >= 15, `errors seen: ${seen.length}`);
      assert.ok(recorded.join('').includes('"PUT"'), 'the writes were recorded');
      const secrets = [emu.adminToken, emu.readerToken, emu.strangerToken, 'ghu_revokedTokenValue123456', VALUE, 'turso-value-never-shown', ...sealedValues];
      const texts = [
        ...seen.map((e) => JSON.stringify({ ...e, message: e.message, stack: e.stack })),
        logLines.join('\n'),
        ...recorded,
      ];
      for (const text of texts) {
        for (const secret of secrets) {
          assert.ok(!text.includes(secret), `a secret (${secret.slice(0, 6)}…) in: ${text.slice(0, 200)}`);
        }
      }
    });
  });
});
