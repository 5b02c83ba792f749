import * as assert from 'node:assert/strict';
import { automation, automationOf, ownRows, rowAccount, rowOf, tokenRowShape, treeRow } from '../../../src/commands/target';

// Any extension can run `turso.*` commands with any argument: only the tree's own rows and the
// product's own options are acted on; a look-alike is no argument at all.
describe("A command's argument (src/commands/target.ts)", () => {
  const token = { id: 't1', name: 'ci' };

  it("the tree's own rows are read as rows, by kind", () => {
    const [user, row, org] = ownRows<object>([
      { kind: 'user', id: 'u', accountId: 'a1' },
      { kind: 'token', id: 'r', accountId: 'a2', token },
      { kind: 'organization', id: 'o', accountId: 'a3', organization: { slug: 'acme' } },
    ]);
    assert.equal(rowOf(user, 'user')?.accountId, 'a1');
    assert.equal(rowOf(row, 'token')?.token, token);
    assert.equal(rowOf(row, 'user'), undefined, 'a token row is not an account row');
    assert.equal(rowOf(org, 'organization')?.organization.slug, 'acme');
    assert.equal(treeRow(row), row);
    assert.equal(rowAccount(org), 'a3');
  });

  it('a look-alike of a row (same fields, not the tree\'s object) is no row', () => {
    const forged = { kind: 'token', id: 'r', accountId: 'a2', token };
    assert.equal(rowOf(forged, 'token'), undefined);
    assert.equal(treeRow(forged), undefined);
    assert.equal(rowAccount(forged), undefined);
    // a copy of a real row is a look-alike too
    const [real] = ownRows([{ kind: 'user', id: 'u', accountId: 'a1' }]);
    assert.equal(rowOf({ ...real }, 'user'), undefined);
  });

  it('what is no object (an account id, a token, nothing) is no row and no options', () => {
    for (const arg of [undefined, null, 'a1', 42, true]) {
      assert.equal(treeRow(arg), undefined, String(arg));
      assert.equal(automationOf(arg), undefined, String(arg));
    }
  });

  it("the product's own options are read; another caller's same options are not", () => {
    const mine = automation({ name: 'ci', restriction: { kind: 'unrestricted' } });
    assert.deepEqual(automationOf<{ name: string }>(mine), mine);
    assert.equal(automationOf({ name: 'ci', restriction: { kind: 'unrestricted' } }), undefined);
    assert.equal(automationOf({ token: 'a.b.c' }), undefined);
    assert.equal(automationOf({ all: true }), undefined);
  });

  it('a row is never read as options, nor options as a row', () => {
    const [row] = ownRows([{ kind: 'token', id: 'r', token }]);
    assert.equal(automationOf(row), undefined);
    const options = automation({ kind: 'token', id: 'r', token });
    assert.equal(treeRow(options), rowOf(options, 'token'));
    const plain = automation({ all: true });
    assert.equal(treeRow(plain), undefined);
  });

  it("a kind the tree has no rows of is not a row, even branded", () => {
    const [odd] = ownRows([{ kind: 'secret', accountId: 'a1' }]);
    assert.equal(treeRow(odd), undefined);
  });

  it("a code action's token row is read by its shape: the token's id and name, the account", () => {
    assert.deepEqual(tokenRowShape({ kind: 'token', token: { ...token, scopes: ['x'] }, accountId: 'a1' }), { kind: 'token', token, accountId: 'a1' });
    assert.deepEqual(tokenRowShape({ kind: 'token', token }), { kind: 'token', token, accountId: undefined });
    assert.equal(tokenRowShape({ kind: 'user', token }), undefined);
    assert.equal(tokenRowShape({ kind: 'token', token: { id: 1, name: 'ci' } }), undefined);
    assert.equal(tokenRowShape({ kind: 'token', token: { id: 't1' } }), undefined);
    assert.equal(tokenRowShape({ kind: 'token', token, accountId: 7 }), undefined);
    assert.equal(tokenRowShape({ kind: 'token' }), undefined);
    assert.equal(tokenRowShape('t1'), undefined);
  });
});
