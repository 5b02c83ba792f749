import * as assert from 'node:assert/strict';
import { sameAccess, successorName, utcStamp } from '../../../src/platform/rotation';
import { restrictionBody } from '../../../src/platform/scopes';
import { ALL_SCOPES } from '../../../src/platform/types';

describe('rotation: the successor\'s name and access', () => {
  // 23:30 on 11 June in UTC-2 is already 12 June in UTC: the stamp is UTC's.
  const date = new Date('2026-06-12T01:30:00Z');

  it('stamps the date in UTC as yyyymmdd', () => {
    assert.equal(utcStamp(new Date('2026-06-11T23:59:59-02:00')), '20260612');
    assert.equal(utcStamp(date), '20260612');
  });

  const names: [string, string[], string][] = [
    ['ci-deploy', [], 'ci-deploy-20260612'],
    // an earlier rotation's date is replaced, not stacked
    ['ci-deploy-20250101', [], 'ci-deploy-20260612'],
    ['ci-deploy-20250101-2', [], 'ci-deploy-20260612'],
    // rotated twice the same day: the name of the first successor is taken
    ['ci-deploy-20260612', [], 'ci-deploy-20260612-2'],
    ['ci-deploy', ['ci-deploy-20260612', 'ci-deploy-20260612-2'], 'ci-deploy-20260612-3'],
    // kept to 32 characters, without a hyphen before the date's
    ['a'.repeat(30), [], `${'a'.repeat(23)}-20260612`],
    [`${'a'.repeat(22)}-bbbbbbb`, [], `${'a'.repeat(22)}-20260612`],
  ];
  for (const [name, existing, expected] of names) {
    it(`offers "${expected}" for "${name}"${existing.length ? ` when ${existing.join(', ')} exist` : ''}`, () => {
      const offered = successorName(name, date, existing);
      assert.equal(offered, expected);
      assert.ok(offered.length <= 32, offered);
      assert.notEqual(offered, name);
    });
  }

  it('keeps the organization of an organization token', () => {
    const access = sameAccess({ organization: 'acme' });
    assert.deepEqual(access, { kind: 'org', organization: 'acme' });
    assert.deepEqual(restrictionBody(access!), { organization: 'acme' });
  });

  it('keeps the group and exactly the permissions of a group token', () => {
    const access = sameAccess({ organization: 'acme', group: 'analytics', scopes: ['read', 'db:mint-token'] });
    assert.deepEqual(access, { kind: 'group', organization: 'acme', group: 'analytics', scopes: ['read', 'db:mint-token'] });
    assert.deepEqual(restrictionBody(access!), { organization: 'acme', group: 'analytics', scopes: ['read', 'db:mint-token'] });
    const full = sameAccess({ organization: 'acme', group: 'default', scopes: [...ALL_SCOPES] });
    assert.deepEqual(restrictionBody(full!)?.scopes, [...ALL_SCOPES]);
  });

  it('says "unrestricted" for an unrestricted token (the command suggests an organization)', () => {
    assert.deepEqual(sameAccess({}), { kind: 'unrestricted' });
  });

  it('refuses a group token whose permissions are not known, or include one it does not know (never narrows)', () => {
    assert.equal(sameAccess({ organization: 'acme', group: 'g' }), undefined);
    assert.equal(sameAccess({ organization: 'acme', group: 'g', scopes: [] }), undefined);
    assert.equal(sameAccess({ organization: 'acme', group: 'g', scopes: ['read', 'db:teleport'] }), undefined);
  });
});
