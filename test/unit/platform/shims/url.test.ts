import * as assert from 'node:assert/strict';
import * as legacy from 'node:url';
import { format, parse } from '../../../../src/platform/shims/url';

// The bundle gives node-fetch this in place of Node's `url` (esbuild.js). It must produce what
// `url.parse()` produced for every field node-fetch and http.request() read, for the URLs the
// client sends (already normalised by node-fetch with `new URL(...).toString()`).
const URLS = [
  'https://api.turso.tech/v1/auth/api-tokens',
  'https://api.turso.tech/v1/auth/api-tokens/ci%20bot%2Fx',
  'http://127.0.0.1:37377/v1/user',
  'http://localhost:8080/v1/auth/validate?x=1&y=%20#frag',
  'http://[::1]:9000/v1/organizations/acme/groups',
  'http://user:p%40ss@example.com:81/path',
  'https://xn--bcher-kva.example/v1/user',
];
const FIELDS = ['href', 'protocol', 'slashes', 'auth', 'host', 'port', 'hostname', 'hash', 'search', 'query', 'pathname', 'path'] as const;

describe('platform/shims/url: url.parse() for node-fetch, without the deprecated parser', () => {
  for (const raw of URLS) {
    it(`matches url.parse() on ${raw}`, () => {
      const normalised = new URL(raw).toString();
      const mine = parse(normalised) as unknown as Record<string, unknown>;
      const theirs = legacy.parse(normalised) as unknown as Record<string, unknown>;
      for (const field of FIELDS) {
        assert.deepEqual(mine[field], theirs[field], `${field} of ${normalised}`);
      }
      assert.equal(format(parse(normalised)), normalised);
    });
  }

  it('rejects a relative URL (node-fetch only sends absolute ones)', () => {
    assert.throws(() => parse('/v1/user'), TypeError);
  });
});
