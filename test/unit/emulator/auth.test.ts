import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { startEmulator, TursoEmulator } from '../../emulator/server';
import { call, formOf, jwtHeader, jwtPayload, submitForm, useEmulator } from './http';

function errorOf(r: { json: unknown }): string {
  return (r.json as { error: string }).error;
}

/** Swaps one base64url char of a segment, keeping the JWT well-formed. */
function tamper(token: string, segment: number): string {
  const parts = token.split('.');
  const s = parts[segment];
  const i = Math.floor(s.length / 2);
  parts[segment] = s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  return parts.join('.');
}

describe('emulator: tokens and authentication', () => {
  let emu: TursoEmulator;
  useEmulator((started) => (emu = started));

  describe('token format', () => {
    it('mints EdDSA JWTs whose jti is a 22-char base64url UUIDv1, equal to the listed id', async () => {
      for (const token of [emu.demoToken, emu.demoApiToken, emu.mintLoginToken()]) {
        assert.deepEqual(jwtHeader(token), { alg: 'EdDSA', typ: 'JWT' });
        const jti = jwtPayload(token).jti as string;
        assert.match(jti, /^[A-Za-z0-9_-]{22}$/);
        const bytes = Buffer.from(jti, 'base64url');
        assert.equal(bytes.length, 16);
        assert.equal(bytes[6] >> 4, 1, 'UUID version 1');
        assert.equal(bytes[8] >> 6, 2, 'RFC 4122 variant');
      }
      assert.deepEqual(Object.keys(jwtPayload(emu.demoApiToken)), ['jti']);
      const list = (await call(emu.url, 'GET', '/v1/auth/api-tokens', { token: emu.demoToken })).json as { tokens: { name: string; id: string }[] };
      const ciBot = list.tokens.find((t) => t.name === 'ci-bot');
      assert.equal(ciBot?.id, jwtPayload(emu.demoApiToken).jti);
      assert.ok(!list.tokens.some((t) => t.id === jwtPayload(emu.demoToken).jti), 'the login token is not an API token');
    });

    it('mints unique ids', () => {
      const ids = new Set(Array.from({ length: 200 }, () => jwtPayload(emu.mintLoginToken()).jti));
      assert.equal(ids.size, 200);
    });
  });

  describe('GET /v1/auth/validate', () => {
    it('gives -1 for API tokens and about now+7d for login tokens', async () => {
      const api = await call(emu.url, 'GET', '/v1/auth/validate', { token: emu.demoApiToken });
      assert.deepEqual(api.json, { exp: -1 });
      const login = await call(emu.url, 'GET', '/v1/auth/validate', { token: emu.demoToken });
      const exp = (login.json as { exp: number }).exp;
      const week = Math.floor(Date.now() / 1000) + 7 * 24 * 3600;
      assert.ok(Math.abs(exp - week) < 120, `exp ${exp} ≈ ${week}`);
      assert.equal(jwtPayload(emu.demoToken).exp, exp);
      assert.equal(jwtPayload(emu.demoToken).username, 'demo');
    });

    it('gives the chosen expiry for minted login tokens', async () => {
      const t = emu.mintLoginToken({ expiresInSeconds: 3600 });
      const exp = ((await call(emu.url, 'GET', '/v1/auth/validate', { token: t })).json as { exp: number }).exp;
      assert.ok(Math.abs(exp - (Math.floor(Date.now() / 1000) + 3600)) <= 2);
    });
  });

  describe('auth failures → 401 {"error"}', () => {
    const cases: [string, (e: TursoEmulator) => Record<string, string>, RegExp][] = [
      ['no Authorization header', () => ({}), /missing bearer token/],
      ['an empty bearer', () => ({ authorization: 'Bearer ' }), /missing bearer token/],
      ['another scheme', (e) => ({ authorization: `Basic ${e.demoApiToken}` }), /Bearer scheme/],
      ['a token that is not 3 segments', () => ({ token: 'abc' }), /^token contains an invalid number of segments$/],
      ['4 segments', (e) => ({ token: `${e.demoApiToken}.x` }), /^token contains an invalid number of segments$/],
      ['a non-JSON segment', () => ({ token: 'a.b.c' }), /malformed/],
      ['a bad signature', (e) => ({ token: tamper(e.demoApiToken, 2) }), /signature is invalid/],
      ['a payload changed after signing', (e) => ({ token: tamper(e.demoApiToken, 1) }), /malformed|could not parse jwt id|signature is invalid/],
      ['a JWT without a Turso jti (a database token)', () => ({
        token: `${Buffer.from('{"alg":"EdDSA","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"a":"rw","iat":1}').toString('base64url')}.c2ln`,
      }), /^could not parse jwt id$/],
      ['an HS256 token', () => ({
        token: `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"jti":"clGFZ4STEe6fljpFzIum8A"}').toString('base64url')}.c2ln`,
      }), /signing method HS256 is invalid/],
      ['an expired login token', (e) => ({ token: e.mintLoginToken({ expiresInSeconds: -60 }) }), /^token is expired$/],
    ];
    for (const [what, opts, message] of cases) {
      it(`rejects ${what}`, async () => {
        for (const p of ['/v1/user', '/v1/auth/validate', '/v1/auth/api-tokens']) {
          const r = await call(emu.url, 'GET', p, opts(emu));
          assert.equal(r.status, 401, `${p}: ${r.text}`);
          assert.equal(r.headers['content-type'], 'application/json');
          assert.match(errorOf(r), message);
        }
      });
    }

    it('rejects a token signed by another key (another emulator instance)', async () => {
      const other = await startEmulator();
      try {
        const r = await call(emu.url, 'GET', '/v1/user', { token: other.demoApiToken });
        assert.equal(r.status, 401);
        assert.match(errorOf(r), /signature is invalid/);
      } finally {
        await other.close();
      }
    });

    it('rejects a token minted before a reset, as revoked', async () => {
      const r1 = await call(emu.url, 'POST', '/v1/auth/api-tokens/ephemeral', { token: emu.demoToken });
      const value = (r1.json as { token: string }).token;
      emu.reset(); // drops the minted token
      const r = await call(emu.url, 'GET', '/v1/user', { token: value });
      assert.equal(r.status, 401);
      assert.match(errorOf(r), /revoked/);
    });
  });

  describe('revocation', () => {
    it('makes the revoked token 401 on every endpoint at once', async () => {
      const minted = (await call(emu.url, 'POST', '/v1/auth/api-tokens/short-lived', { token: emu.demoToken })).json as { token: string };
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: minted.token })).status, 200);
      const del = await call(emu.url, 'DELETE', '/v1/auth/api-tokens/short-lived', { token: emu.demoToken });
      assert.deepEqual(del.json, { token: 'short-lived' });
      for (const [m, p] of [['GET', '/v1/user'], ['GET', '/v1/current-user'], ['GET', '/v1/auth/validate'], ['GET', '/v1/auth/api-tokens'],
        ['GET', '/v1/organizations'], ['GET', '/v2/organizations'], ['GET', '/v1/organizations/acme/groups'], ['POST', '/v1/auth/api-tokens/x'],
        ['DELETE', '/v1/auth/api-tokens/ci-bot'], ['GET', '/v1/organizations/acme/api-tokens'], ['POST', '/v1/auth/invalidate']]) {
        const r = await call(emu.url, m, p, { token: minted.token });
        assert.equal(r.status, 401, `${m} ${p}`);
        assert.equal(errorOf(r), 'token has been revoked');
      }
    });

    it('lets a token revoke itself, and then that token is 401', async () => {
      const r = await call(emu.url, 'DELETE', '/v1/auth/api-tokens/ci-bot', { token: emu.demoApiToken });
      assert.deepEqual(r.json, { token: 'ci-bot' });
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: emu.demoApiToken })).status, 401);
      const list = (await call(emu.url, 'GET', '/v1/auth/api-tokens', { token: emu.demoToken })).json as { tokens: { name: string }[] };
      assert.ok(!list.tokens.some((t) => t.name === 'ci-bot'));
    });

    it('revoking through the organization endpoint also makes the token 401', async () => {
      const minted = (await call(emu.url, 'POST', '/v1/auth/api-tokens/org-bot', { token: emu.demoToken, body: { organization: 'acme' } })).json as {
        id: string; token: string;
      };
      await call(emu.url, 'DELETE', `/v1/organizations/acme/api-tokens/${minted.id}`, { token: emu.demoToken });
      assert.equal((await call(emu.url, 'GET', '/v1/auth/validate', { token: minted.token })).status, 401);
    });

    it('POST /v1/auth/invalidate ends earlier login sessions, not API tokens', async () => {
      const before = emu.mintLoginToken();
      const r = await call(emu.url, 'POST', '/v1/auth/invalidate', { token: emu.demoApiToken });
      assert.equal(r.status, 200);
      const validFrom = (r.json as { validFrom: number }).validFrom;
      assert.ok(Math.abs(validFrom - Date.now() / 1000) < 5);
      assert.match(errorOf(await call(emu.url, 'GET', '/v1/user', { token: before })), /invalidated/);
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken })).status, 401);
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: emu.demoApiToken })).status, 200);
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: emu.mintLoginToken() })).status, 200, 'later logins work');
      emu.reset();
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken })).status, 200, 'reset restores the demo login');
    });
  });

  describe('users', () => {
    it('serves the same body on /v1/user and /v1/current-user', async () => {
      const a = await call(emu.url, 'GET', '/v1/user', { token: emu.demoToken });
      const b = await call(emu.url, 'GET', '/v1/current-user', { token: emu.demoToken });
      assert.deepEqual(a.json, b.json);
      const u = (a.json as { user: Record<string, unknown> }).user;
      assert.deepEqual({ ...u, avatarUrl: undefined }, {
        username: 'demo', name: 'Demo User', email: 'demo@example.com', avatarUrl: undefined, plan: 'developer', mfa: false, has_pending_invites: false,
      });
      const avatar = await call(emu.url, 'GET', new URL(u.avatarUrl as string).pathname);
      assert.equal(avatar.status, 200);
      assert.equal(avatar.headers['content-type'], 'image/svg+xml');
    });

    it('mints login tokens for the second user and for new users', async () => {
      const alice = await call(emu.url, 'GET', '/v1/user', { token: emu.mintLoginToken({ username: 'alice' }) });
      assert.equal((alice.json as { user: { username: string } }).user.username, 'alice');
      const fresh = emu.mintLoginToken({ username: 'newbie' });
      assert.equal(((await call(emu.url, 'GET', '/v1/current-user', { token: fresh })).json as { user: { username: string } }).user.username, 'newbie');
      const orgs = (await call(emu.url, 'GET', '/v1/organizations', { token: fresh })).json as { slug: string; type: string }[];
      assert.deepEqual(orgs.map((o) => [o.slug, o.type]), [['newbie', 'personal']]);
      assert.throws(() => emu.mintLoginToken({ username: 'Not Valid' }), TypeError);
    });
  });

  describe('browser sign-in (the CLI login flow)', () => {
    const authorizePage = (path: string) => call(emu.url, 'GET', path);

    it('shows an Authorize page whose form posts port, state and type back to the same path', async () => {
      const r = await authorizePage('/?port=51234&redirect=true&state=s3cr3t&type=cli');
      assert.equal(r.status, 200);
      assert.match(r.headers['content-type'] as string, /^text\/html/);
      assert.match(r.text, />Authorize</);
      assert.match(r.text, /demo/);
      const form = formOf(r.text);
      assert.ok(form, 'the page has a form');
      assert.equal(form.method, 'POST');
      assert.equal(form.action, '/');
      assert.deepEqual(Object.fromEntries(form.fields), { port: '51234', redirect: 'true', state: 's3cr3t', type: 'cli' });
      assert.ok(!emu.requests.some((q) => q.status === 302), 'showing the page signs nobody in');
      assert.match(r.text, /action="\.\/"/, 'relative, so it works behind a proxy path');
      const signup = formOf((await authorizePage('/signup?port=51234&redirect=true&state=x&type=cli')).text, '/signup');
      assert.equal(signup?.action, '/signup');
    });

    it('escapes the state in the page', async () => {
      const evil = '"><script>alert(1)</script>';
      const r = await authorizePage(`/?port=51234&redirect=true&state=${encodeURIComponent(evil)}&type=cli`);
      assert.ok(!r.text.includes('<script>'), 'no markup from the query');
      assert.equal(formOf(r.text)?.fields.get('state'), evil);
    });

    it('Authorize redirects to the local callback with a fresh 7-day login token and the state', async () => {
      const form = formOf((await authorizePage('/?port=51234&redirect=true&state=s3cr3t&type=cli')).text);
      assert.ok(form);
      const r = await submitForm(emu.url, form);
      assert.equal(r.status, 302);
      const loc = new URL(r.headers.location as string);
      assert.equal(`${loc.protocol}//${loc.host}${loc.pathname}`, 'http://localhost:51234/');
      assert.equal(loc.searchParams.get('state'), 's3cr3t');
      const jwt = loc.searchParams.get('jwt') as string;
      const v = await call(emu.url, 'GET', '/v1/auth/validate', { token: jwt });
      assert.ok((v.json as { exp: number }).exp > Date.now() / 1000 + 6 * 24 * 3600);
      const signupForm = formOf((await authorizePage('/signup?port=51234&redirect=true&state=x&type=cli')).text);
      assert.ok(signupForm);
      assert.equal((await submitForm(emu.url, signupForm)).status, 302);
    });

    it('delivers the token to a real local callback server', async () => {
      const got = new Promise<URLSearchParams>((resolve, reject) => {
        const cb = http.createServer((req, res) => {
          res.end('ok');
          cb.close();
          resolve(new URL(req.url ?? '/', 'http://x').searchParams);
        });
        cb.listen(0, '127.0.0.1', async () => {
          try {
            const port = (cb.address() as { port: number }).port;
            const form = formOf((await authorizePage(`/?port=${port}&redirect=true&state=abc&type=cli`)).text);
            assert.ok(form);
            const r = await submitForm(emu.url, form);
            const loc = new URL(r.headers.location as string);
            await call(`http://127.0.0.1:${loc.port}`, 'GET', `${loc.pathname}${loc.search}`);
          } catch (e) {
            cb.close();
            reject(e);
          }
        });
      });
      const params = await got;
      assert.equal(params.get('state'), 'abc');
      assert.equal((await call(emu.url, 'GET', '/v1/user', { token: params.get('jwt') as string })).status, 200);
    });

    it('shows the token on the headless page, and rejects a bad port', async () => {
      const r = await call(emu.url, 'GET', '/?redirect=false');
      assert.equal(r.status, 200);
      assert.match(r.headers['content-type'] as string, /^text\/html/);
      assert.match(r.text, /turso config set token "ey/);
      const bad = await call(emu.url, 'GET', '/?port=abc&redirect=true&state=x&type=cli');
      assert.equal(bad.status, 400);
      assert.match(errorOf(bad), /port/);
      const badPost = await call(emu.url, 'POST', '/', {
        body: 'port=0&redirect=true&state=x&type=cli', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(badPost.status, 400);
      assert.match(errorOf(badPost), /port/);
    });
  });
});
