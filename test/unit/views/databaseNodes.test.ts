// The Databases part of the tree as plain data (src/views/databaseNodes.ts): the node, its rows
// (label, group · region, viewer flag), the empty and error rows, and constant work per row.
import * as assert from 'node:assert/strict';
import { TursoApiError } from '../../../src/platform/errors';
import type { Database } from '../../../src/platform/databases';
import {
  databaseChildren, databaseDescription, databaseNode, databasesNode, databaseTooltip, isViewer, type DatabaseNode,
} from '../../../src/views/databaseNodes';

const db = (name: string, group?: string, primaryRegion?: string): Database => ({ name, id: `id-${name}`, hostname: `${name}-acme.turso.io`, group, primaryRegion });

describe('views/databaseNodes', () => {
  it('the Databases node: collapsed data, its contextValue flags a viewer', () => {
    const node = databasesNode('acct', 'acme', 'member');
    assert.equal(node.kind, 'databases');
    assert.equal(node.label, 'Databases');
    assert.equal(node.contextValue, 'turso.databases');
    assert.equal(node.description, undefined);
    const viewer = databasesNode('acct', 'acme', 'viewer');
    assert.equal(viewer.contextValue, 'turso.databases;viewer');
    assert.match(viewer.description ?? '', /viewer/);
    assert.notEqual(databasesNode('acct', 'a b').id, databasesNode('acct', 'a%20b').id, 'ids encode their parts');
  });

  it('a row: label the name, description "group · region", the viewer flag', () => {
    const row = databaseNode('acct', 'acme', db('orders', 'default', 'fra'), false);
    assert.equal(row.label, 'orders');
    assert.equal(row.description, 'default · fra');
    assert.equal(row.contextValue, 'turso.database');
    assert.equal(databaseNode('acct', 'acme', db('orders'), true).contextValue, 'turso.database;viewer');
    assert.equal(databaseDescription(db('a', 'g')), 'g');
    assert.equal(databaseDescription(db('a', undefined, 'fra')), 'fra');
    assert.equal(databaseDescription(db('a')), '');
  });

  it('the tooltip names the URL, group and region', () => {
    const tip = databaseTooltip(databaseNode('acct', 'acme', db('orders', 'default', 'fra'), true) as DatabaseNode);
    const text = tip.map((r) => `${r.label}: ${r.value}`).join('\n');
    assert.match(text, /URL: libsql:\/\/orders-acme\.turso\.io/);
    assert.match(text, /Group: default/);
    assert.match(text, /Primary region: fra/);
    assert.match(text, /viewer/);
  });

  it('children: sorted by name; an empty list says so; a failure is a row with its fix', () => {
    const rows = databaseChildren('acct', { kind: 'loaded', organization: 'acme', databases: [db('b'), db('a'), db('c')] });
    assert.deepEqual(rows.map((r) => r.label), ['a', 'b', 'c']);
    const empty = databaseChildren('acct', { kind: 'loaded', organization: 'acme', databases: [] });
    assert.equal(empty.length, 1);
    assert.equal(empty[0].contextValue, 'turso.empty');
    assert.match(empty[0].label, /No databases/);
    const failed = databaseChildren('acct', { kind: 'failed', organization: 'acme', error: new TursoApiError({ kind: 'server', status: 500, operation: 'listing' }) });
    assert.equal(failed[0].contextValue, 'turso.error;retry');
    assert.match(failed[0].label, /Couldn't load the organization's databases — Retry/);
    const forbidden = databaseChildren('acct', { kind: 'failed', organization: 'acme', error: new TursoApiError({ kind: 'forbidden', status: 403, operation: 'listing' }) });
    assert.equal(forbidden[0].contextValue, 'turso.error');
    assert.match(forbidden[0].label, /can't list the organization's databases/);
  });

  it('a viewer\'s rows carry the flag; other roles do not', () => {
    const load = { kind: 'loaded' as const, organization: 'acme', databases: [db('a')] };
    assert.equal(databaseChildren('acct', load, 'viewer')[0].contextValue, 'turso.database;viewer');
    assert.equal(databaseChildren('acct', load, 'member')[0].contextValue, 'turso.database');
    assert.equal(isViewer(undefined), false);
  });

  it('1,000 databases: every row built, each row holding only its own data (no tooltip built up front)', () => {
    const many = Array.from({ length: 1000 }, (_, i) => db(`db-${String(i).padStart(4, '0')}`, `g${i % 7}`, 'fra'));
    const rows = databaseChildren('acct', { kind: 'loaded', organization: 'acme', databases: many }) as DatabaseNode[];
    assert.equal(rows.length, 1000);
    assert.ok(rows.every((r) => !('tooltip' in r)), 'no row carries a tooltip before it is hovered');
    assert.equal(rows[999].label, 'db-0999');
  });
});
