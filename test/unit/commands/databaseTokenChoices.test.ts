// What the database token commands offer and say (src/commands/databaseTokenChoices.ts): the expiry
// choices and the typed lifetime's check, the database-or-group pick, the ATTACH candidates, the
// reveal's access line, and the Invalidate dialog (a database in a group rotates the group).
import * as assert from 'node:assert/strict';
import type { Database } from '../../../src/platform/databases';
import {
  attachCandidates, expirationProblem, expiryChoices, groupsOf, invalidationPlan, invalidationWords, revealAccessLine, targetChoices,
  targetLabel, typedExpiration,
} from '../../../src/commands/databaseTokenChoices';

const db = (name: string, group?: string, primaryRegion?: string): Database => ({ name, id: `id-${name}`, hostname: `${name}-acme.turso.io`, group, primaryRegion });
const DBS = [db('users', 'default', 'fra'), db('orders', 'default', 'fra'), db('solo', undefined, 'iad'), db('logs', 'eu', 'ams')];

describe('commands/databaseTokenChoices', () => {
  it('expiry: Never, 1 day, 7 days, 30 days, 90 days, then Custom… (typed next)', () => {
    assert.deepEqual(expiryChoices().map((c) => [c.label, c.expiration]), [
      ['Never', 'never'], ['1 day', '1d'], ['7 days', '7d'], ['30 days', '30d'], ['90 days', '90d'], ['Custom…', undefined],
    ]);
  });

  it('a typed lifetime: 2w1d and never are taken, anything else says why', () => {
    assert.equal(expirationProblem('2w1d'), undefined);
    assert.equal(expirationProblem('1d12h30m'), undefined);
    assert.equal(expirationProblem('never'), undefined);
    assert.match(expirationProblem('') ?? '', /Type a lifetime/);
    assert.match(expirationProblem('1d2w') ?? '', /largest first/);
    assert.match(expirationProblem('soon') ?? '', /Not a lifetime/);
    assert.equal(typedExpiration(' 2W1D '), '2w1d');
  });

  it('the target pick: databases by name with group · region, a separator, then each group', () => {
    const choices = targetChoices(DBS);
    assert.deepEqual(choices.map((c) => c.label), [
      'logs', 'orders', 'solo', 'users', 'Groups', 'Group default — every database in it', 'Group eu — every database in it',
    ]);
    assert.equal(choices[1].kind === 'database' && choices[1].description, 'group default · fra');
    assert.equal(choices[2].kind === 'database' && choices[2].description, 'iad');
    assert.equal(choices[4].kind, 'separator');
    const group = choices[5];
    assert.ok(group.kind === 'group');
    assert.deepEqual(group.target, { kind: 'group', name: 'default' });
    assert.equal(group.description, '2 databases');
    assert.deepEqual(targetChoices([db('solo')]).map((c) => c.kind), ['database'], 'no groups: no separator');
  });

  it('ATTACH candidates: every database the target does not already open', () => {
    assert.deepEqual(attachCandidates(DBS, { kind: 'database', name: 'users' }).map((d) => d.name), ['logs', 'orders', 'solo']);
    assert.deepEqual(attachCandidates(DBS, { kind: 'group', name: 'default' }).map((d) => d.name), ['logs', 'solo']);
  });

  it('labels: the target, and the reveal\'s access line', () => {
    assert.equal(targetLabel({ kind: 'database', name: 'users' }), 'database users');
    assert.equal(targetLabel({ kind: 'group', name: 'default' }), 'group default');
    assert.equal(revealAccessLine('acme', 'read-only', '7d', ['logs']), 'acme · read-only · expires after 7d · may read logs through ATTACH');
    assert.equal(revealAccessLine('acme', 'full-access', 'never', []), 'acme · full access · never expires');
    assert.deepEqual([...groupsOf(DBS).keys()], ['default', 'eu']);
  });

  it('invalidate a database in a group: the group is rotated, and the dialog names every database of it', () => {
    const plan = invalidationPlan('acme', { kind: 'database', name: 'users' }, DBS);
    assert.deepEqual(plan.target, { kind: 'group', name: 'default' });
    assert.deepEqual(plan.databases.map((d) => d.name), ['orders', 'users']);
    const words = invalidationWords(plan, ['api/.env']);
    assert.equal(words.message, 'Invalidate every token of group default in acme?');
    assert.match(words.detail, /users belongs to group default/);
    assert.match(words.detail, /Databases of the group: orders, users\./);
    assert.match(words.detail, /stops working at once/);
    assert.match(words.detail, /short downtime/);
    assert.match(words.detail, /Workspace files holding its tokens: api\/\.env/);
  });

  it('invalidate a database without a group: that database only; no file holds its tokens', () => {
    const plan = invalidationPlan('acme', { kind: 'database', name: 'solo' }, DBS);
    assert.deepEqual(plan.target, { kind: 'database', name: 'solo' });
    const words = invalidationWords(plan, []);
    assert.equal(words.message, 'Invalidate every token of database solo in acme?');
    assert.match(words.detail, /Every app using a token of this database stops working at once/);
    assert.match(words.detail, /No env file of this workspace holds its tokens/);
    assert.doesNotMatch(words.detail, /group/);
  });

  it('a group of many databases: the first 20 named, the rest counted', () => {
    const many = Array.from({ length: 25 }, (_, i) => db(`db${String(i).padStart(2, '0')}`, 'big'));
    const words = invalidationWords(invalidationPlan('acme', { kind: 'group', name: 'big' }, many), []);
    assert.match(words.detail, /db19 and 5 more\./);
  });
});
