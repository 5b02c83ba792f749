// src/github/secretNames.ts: the default names and GitHub's naming rule as a hint.
import * as assert from 'node:assert/strict';
import { defaultSecretName, normalizeSecretName, secretExists, secretNameHint } from '../../../src/github/secretNames';

describe('github/secretNames', () => {
  it('defaults: TURSO_API_TOKEN for a Platform API token, TURSO_AUTH_TOKEN for a database or group token', () => {
    assert.equal(defaultSecretName('platformApi'), 'TURSO_API_TOKEN');
    assert.equal(defaultSecretName('database'), 'TURSO_AUTH_TOKEN');
    assert.equal(secretNameHint(defaultSecretName('platformApi')), undefined);
    assert.equal(secretNameHint(defaultSecretName('database')), undefined);
  });

  for (const ok of ['TURSO_API_TOKEN', 'turso_auth_token', '_X', 'A1', 'a', 'MY_GITHUB_TOKEN']) {
    it(`${ok}: no hint`, () => assert.equal(secretNameHint(ok), undefined));
  }
  const bad: [string, RegExp][] = [
    ['', /Enter a secret name/],
    ['   ', /Enter a secret name/],
    ['MY TOKEN', /no spaces/],
    ['MY-TOKEN', /only letters, digits and _/],
    ['TOKEN.1', /only letters, digits and _/],
    ['TÖKEN', /only letters, digits and _/],
    ['1TOKEN', /start with a digit/],
    ['GITHUB_TOKEN', /GITHUB_/],
    ['github_x', /GITHUB_/],
  ];
  for (const [name, hint] of bad) {
    it(`${JSON.stringify(name)}: ${hint.source}`, () => assert.match(secretNameHint(name) ?? '', hint));
  }

  it('names ignore case, as GitHub lists them', () => {
    assert.equal(normalizeSecretName(' turso_api_token '), 'TURSO_API_TOKEN');
    assert.ok(secretExists('turso_api_token', ['OTHER', 'TURSO_API_TOKEN']));
    assert.ok(!secretExists('TURSO_API_TOKEN2', ['TURSO_API_TOKEN']));
  });
});
