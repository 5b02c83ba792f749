import * as assert from 'node:assert/strict';
import { createdTokenListing, restrictionBody, restrictionLabel, scopesToSend, type RestrictionChoice } from '../../../src/platform/scopes';
import { checkTokenName } from '../../../src/platform/tokenNames';

describe('token name rule', () => {
  const ok = ['a', 'ci-bot', 'x1', '0', 'a'.repeat(32), 'deploy-2026-11'];
  for (const name of ok) {
    it(`accepts "${name}"`, () => assert.equal(checkTokenName(name), undefined));
  }
  const bad: [string, RegExp][] = [
    ['', /Enter a name/],
    ['a'.repeat(33), /33 characters long; the most is 32/],
    ['CI-Bot', /lowercase/],
    ['ci_bot', /Only lowercase letters, digits and hyphens/],
    ['ci bot', /Only lowercase letters, digits and hyphens/],
    ['bad/name', /Only lowercase letters, digits and hyphens/],
    ['émoji', /Only lowercase letters, digits and hyphens/],
    ['-lead', /start or end with a hyphen/],
    ['trail-', /start or end with a hyphen/],
  ];
  for (const [name, message] of bad) {
    it(`rejects "${name}"`, () => assert.match(checkTokenName(name) ?? '', message));
  }
  it('rejects a name the user already has', () => {
    assert.match(checkTokenName('ci-bot', ['deploy-bot', 'ci-bot']) ?? '', /already have an API token named "ci-bot"/);
    assert.equal(checkTokenName('ci-bot-2', ['ci-bot']), undefined);
  });
});

describe('token restriction', () => {
  it('sends no body for an unrestricted token', () => {
    assert.equal(restrictionBody({ kind: 'unrestricted' }), undefined);
  });
  it('sends the organization for an organization token', () => {
    assert.deepEqual(restrictionBody({ kind: 'org', organization: 'acme' }), { organization: 'acme' });
  });
  it('sends organization, group and scopes for a group token', () => {
    assert.deepEqual(
      restrictionBody({ kind: 'group', organization: 'acme', group: 'default', scopes: ['db:create', 'read'] }),
      { organization: 'acme', group: 'default', scopes: ['read', 'db:create'] },
    );
  });
  it('refuses a group token without scopes', () => {
    assert.throws(() => restrictionBody({ kind: 'group', organization: 'acme', group: 'default', scopes: [] }), RangeError);
  });

  const presetCases: [Parameters<typeof scopesToSend>[0], ReturnType<typeof scopesToSend>][] = [
    [['read-only'], ['read-only']],
    [['read-only', 'read'], ['read-only']],
    [['full-access'], ['full-access']],
    [['full-access', 'read-only', 'db:create'], ['full-access']],
    [['read-only', 'db:mint-token'], ['read', 'db:mint-token']],
    [['group:rotate-creds', 'db:create'], ['db:create', 'group:rotate-creds']],
    [[], []],
  ];
  for (const [picked, expected] of presetCases) {
    it(`picks ${JSON.stringify(picked)} → sends ${JSON.stringify(expected)}`, () => assert.deepEqual(scopesToSend(picked), expected));
  }

  it('labels each kind for the reveal panel', () => {
    const cases: [RestrictionChoice, string][] = [
      [{ kind: 'unrestricted' }, 'all organizations (unrestricted)'],
      [{ kind: 'org', organization: 'acme' }, 'acme'],
      [{ kind: 'group', organization: 'acme', group: 'default', scopes: ['read-only'] }, 'acme/default · read-only'],
    ];
    for (const [choice, label] of cases) {
      assert.equal(restrictionLabel(choice), label);
    }
  });
});

describe('a created token as the list will show it', () => {
  it('expands presets and keeps the restriction, so the new row needs no reload', () => {
    assert.deepEqual(createdTokenListing('a', '1', { kind: 'unrestricted' }, '2026-11-27'), { name: 'a', id: '1', createdAt: '2026-11-27' });
    assert.deepEqual(createdTokenListing('b', '2', { kind: 'org', organization: 'acme' }, '2026-11-27'), { name: 'b', id: '2', createdAt: '2026-11-27', organization: 'acme' });
    assert.deepEqual(
      createdTokenListing('c', '3', { kind: 'group', organization: 'acme', group: 'g', scopes: ['read-only'] }, '2026-11-27').scopes,
      ['read'],
    );
    assert.equal(createdTokenListing('d', '4', { kind: 'group', organization: 'acme', group: 'g', scopes: ['full-access'] }, 'x').scopes?.length, 9);
    assert.deepEqual(
      createdTokenListing('e', '5', { kind: 'group', organization: 'acme', group: 'g', scopes: ['db:mint-token', 'read-only'] }, 'x').scopes,
      ['read', 'db:mint-token'],
    );
  });
});
