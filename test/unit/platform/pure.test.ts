import * as assert from 'node:assert/strict';
import { normalizeBaseUrl, parseRetryAfter } from '../../../src/platform/client';
import { TursoApiError, errorKindForStatus, redactSecrets } from '../../../src/platform/errors';
import { looksLikeJwt, readJwtClaims } from '../../../src/platform/jwt';
import { ShapeError, parseCreatedToken, parseOrganizations, parseTokenList, parseUser, parseValidation } from '../../../src/platform/shapes';
import { tokenPermissionsLabel, tokenScopeLabel } from '../../../src/platform/types';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (payload: unknown): string => `${b64({ alg: 'EdDSA', typ: 'JWT' })}.${b64(payload)}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`;

describe('platform helpers (pure)', () => {
  describe('normalizeBaseUrl', () => {
    it('defaults to the real API and strips trailing slashes', () => {
      assert.equal(normalizeBaseUrl(undefined), 'https://api.turso.tech');
      assert.equal(normalizeBaseUrl('  '), 'https://api.turso.tech');
      assert.equal(normalizeBaseUrl('http://127.0.0.1:8787/'), 'http://127.0.0.1:8787');
      assert.equal(normalizeBaseUrl('https://proxy.example/turso//'), 'https://proxy.example/turso');
    });
    for (const bad of ['not a url', 'ftp://x', 'https://user:pw@api.turso.tech', 'https://api.turso.tech/?a=b', 'javascript:alert(1)']) {
      it(`rejects ${bad}`, () => assert.throws(() => normalizeBaseUrl(bad), TypeError));
    }
  });

  describe('parseRetryAfter', () => {
    it('reads seconds and HTTP dates', () => {
      assert.equal(parseRetryAfter('7'), 7);
      assert.equal(parseRetryAfter(null), undefined);
      assert.equal(parseRetryAfter('soon'), undefined);
      const now = Date.UTC(2026, 0, 1, 0, 0, 0);
      assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30);
      assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0);
    });
  });

  describe('errors', () => {
    it('maps statuses to kinds', () => {
      assert.deepEqual(
        [400, 401, 402, 403, 404, 409, 429, 500, 502, 503, 418].map(errorKindForStatus),
        ['badRequest', 'unauthorized', 'forbidden', 'forbidden', 'notFound', 'conflict', 'rateLimited', 'server', 'server', 'server', 'badRequest'],
      );
    });
    it('describes what failed, why, and what the server said', () => {
      const err = new TursoApiError({ kind: 'rateLimited', operation: 'listing API tokens', status: 429, serverMessage: 'slow down', retryAfterSeconds: 3 });
      assert.equal(err.message, 'Listing API tokens failed: too many requests — slow down (HTTP 429); try again in 3 s.');
      assert.equal(err.kind, 'rateLimited');
    });
    it('redacts given secrets, anything JWT-shaped and control characters; bounds the length', () => {
      const token = jwt({ jti: 'abc' });
      assert.equal(redactSecrets(`bad token ${token}!`), 'bad token [redacted]!');
      assert.equal(redactSecrets('value s3cr3t-value here', ['s3cr3t-value']), 'value [redacted] here');
      assert.equal(redactSecrets('a\u0000b\u001bc'), 'a b c');
      assert.equal(redactSecrets('x'.repeat(600)).length, 501);
    });
  });

  describe('jwt', () => {
    it('reads jti and exp without verifying', () => {
      assert.deepEqual(readJwtClaims(jwt({ jti: 'clGFZ4STEe6fljpFzIum8A', exp: 5 })), { jti: 'clGFZ4STEe6fljpFzIum8A', exp: 5 });
      assert.equal(readJwtClaims('abc'), undefined);
      assert.equal(readJwtClaims('a.!!!.c'), undefined);
      assert.equal(looksLikeJwt(jwt({})), true);
      assert.equal(looksLikeJwt('abc'), false);
      assert.equal(looksLikeJwt('a b.c.d'), false);
    });
  });

  describe('response shapes', () => {
    it('accepts documented bodies and tolerates missing optional fields', () => {
      assert.deepEqual(parseUser({ user: { username: 'iku', plan: 'scaler', mfa: false } }), { username: 'iku', name: undefined, email: undefined, avatarUrl: undefined, plan: 'scaler' });
      assert.deepEqual(parseValidation({ exp: -1 }), {});
      assert.deepEqual(parseValidation({ exp: 999 }), { expiresAt: 999 });
      assert.deepEqual(parseTokenList({ tokens: [{ name: 'a', id: '1' }] }), [{ name: 'a', id: '1' }]);
      assert.deepEqual(parseTokenList({ tokens: null }), []);
      assert.deepEqual(parseCreatedToken({ name: 'a', id: '1', token: 't' }), { name: 'a', id: '1', token: 't' });
      assert.deepEqual(parseCreatedToken({ token: { name: 'a', id: '1', value: 't' } }), { name: 'a', id: '1', token: 't' });
      assert.deepEqual(parseOrganizations([{ slug: 'acme', name: 'Acme', type: 'team' }]), [{ slug: 'acme', name: 'Acme', type: 'team' }]);
      assert.deepEqual(parseOrganizations({ organizations: [{ slug: 'x' }] }), [{ slug: 'x', name: 'x', type: undefined }]);
    });
    const bad: [string, () => unknown][] = [
      ['user is a number', () => parseUser({ user: 42 })],
      ['username missing', () => parseUser({ user: {} })],
      ['exp is text', () => parseValidation({ exp: 'soon' })],
      ['exp is fractional', () => parseValidation({ exp: 1.5 })],
      ['tokens is text', () => parseTokenList({ tokens: 'nope' })],
      ['token name is a number', () => parseTokenList({ tokens: [{ name: 1, id: 'x' }] })],
      ['scopes hold a number', () => parseTokenList({ tokens: [{ name: 'a', id: 'x', scopes: [1] }] })],
      ['created token without value', () => parseCreatedToken({ name: 'a', id: '1' })],
      ['organizations is an object', () => parseOrganizations({})],
      ['body is null', () => parseUser(null)],
    ];
    for (const [name, fn] of bad) {
      it(`rejects a body where ${name}`, () => assert.throws(fn, ShapeError));
    }
  });

  describe('labels', () => {
    it('matches the CLI\'s SCOPE and PERMISSIONS columns', () => {
      assert.equal(tokenScopeLabel({}), 'all');
      assert.equal(tokenScopeLabel({ organization: 'o' }), 'o');
      assert.equal(tokenScopeLabel({ organization: 'o', group: 'g' }), 'o/g');
      assert.equal(tokenPermissionsLabel({}), '—');
      assert.equal(tokenPermissionsLabel({ scopes: ['read'] }), 'read-only');
      assert.equal(tokenPermissionsLabel({ scopes: ['read', 'db:create', 'db:delete', 'db:configure', 'db:mint-token', 'db:rotate-creds', 'group:configure', 'group:mint-token', 'group:rotate-creds'] }), 'full-access');
      assert.equal(tokenPermissionsLabel({ scopes: ['db:mint-token', 'db:create'] }), 'db:create, db:mint-token');
    });
  });
});
