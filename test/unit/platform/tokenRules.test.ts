import * as assert from 'node:assert/strict';
import { createdTokenListing, restrictionBody, restrictionLabel, scopesToSend, type RestrictionChoice } from '../../../src/platform/scopes';
import { checkTokenName } from '../../../src/platform/tokenNames';

describe('token name rule: a hint while typing, never a wall (the server decides)', () => {
  const ok = ['a', 'ci-bot', 'x1', '0', 'a'.repeat(32), 'deploy-2026-11'];
  for (const name of ok) {
    it(`says nothing about "${name}"`, () => assert.equal(checkTokenName(name), undefined));
  }
  it('refuses only an empty name (it is not a name)', () => {
    assert.deepEqual(checkTokenName(''), { kind: 'refuse', message: 'Enter a name: 1–32 lowercase letters, digits and hyphens, not starting or ending with a hyphen.' });
  });
  const hinted: [string, RegExp][] = [
    ['a'.repeat(33), /may refuse this name: it is 33 characters long, and names have been at most 32/],
    ['CI-Bot', /may refuse this name: names have been lowercase/],
    ['ci_bot', /may refuse this name: names have been 1–32 lowercase letters, digits and hyphens/],
    ['ci bot', /may refuse this name: names have been 1–32 lowercase letters, digits and hyphens/],
    ['bad/name', /may refuse this name: names have been 1–32 lowercase letters, digits and hyphens/],
    ['émoji', /may refuse this name: names have been 1–32 lowercase letters, digits and hyphens/],
    ['-lead', /may refuse this name: names have not started or ended with a hyphen/],
    ['trail-', /may refuse this name: names have not started or ended with a hyphen/],
  ];
  for (const [name, message] of hinted) {
    it(`lets "${name}" through with a hint`, () => {
      const note = checkTokenName(name);
      assert.equal(note?.kind, 'hint');
      assert.match(note?.message ?? '', message);
    });
  }
  it('hints at a name the user already has, without refusing it (the list may be out of date)', () => {
    assert.deepEqual(checkTokenName('ci-bot', ['deploy-bot', 'ci-bot']), {
      kind: 'hint', message: 'You already have an API token named "ci-bot": Turso will likely refuse a second one.',
    });
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
