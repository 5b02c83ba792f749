import * as assert from 'node:assert/strict';
import { TursoApiError } from '../../../src/platform/errors';
import type { OrganizationApiToken } from '../../../src/platform/types';
import {
  organizationChildren,
  organizationListChildren,
  organizationNode,
  organizationsNode,
  organizationTokenNode,
  type OrganizationTokenNode,
} from '../../../src/views/organizationNodes';
import type { MessageNode } from '../../../src/views/treeModel';

const ME = { username: 'demo', credentialId: 'id-self' };
const tokens: OrganizationApiToken[] = [
  { name: 'zeta', id: 'id-z', organization: 'studio', createdAt: '2026-05-01', owner: { username: 'demo', email: 'demo@example.com' } },
  { name: 'studio-sync', id: 'id-s', organization: 'studio', createdAt: '2026-05-30', owner: { username: 'alice', email: 'alice@example.com' } },
  { name: 'reader', id: 'id-r', organization: 'studio', group: 'default', scopes: ['read'], owner: { username: 'alice' } },
  { name: 'alpha', id: 'id-self', organization: 'studio', createdAt: '2026-05-02', owner: { username: 'demo' } },
];
const row = (node: { tooltip?: { label: string; value: string }[] }, label: string) => node.tooltip?.find((r) => r.label === label)?.value;

describe('views/organizationNodes', () => {
  it('a token whose owner has no username: shown without an owner, not marked yours, sorted first', () => {
    const node = organizationTokenNode('demo', { name: 'nameless', id: 'id-n', organization: 'studio', createdAt: '2026-05-03', owner: { email: 'x@example.com' } }, ME);
    assert.equal(node.label, 'nameless', 'no owner in the label');
    assert.equal(node.owner, '');
    assert.equal(node.yours, false);
    assert.doesNotMatch(node.description, /yours/);
    assert.equal(node.icon, 'person');
    assert.equal(row(node, 'Owner'), 'not given by Turso');
    assert.equal(row(node, 'Owner email'), 'x@example.com');
    const bare = organizationTokenNode('demo', { name: 'bare', id: 'id-b', organization: 'studio', owner: {} }, ME);
    assert.equal(bare.label, 'bare');
    assert.equal(bare.yours, false);
  });

  it('the Organizations node is collapsed-by-kind, with a stable id per account', () => {
    const node = organizationsNode('demo');
    assert.equal(node.kind, 'organizations');
    assert.equal(node.id, 'orgs:demo');
    assert.equal(node.contextValue, 'turso.organizations');
    assert.equal(organizationsNode('demo').id, node.id);
    assert.notEqual(organizationsNode('alice').id, node.id);
  });

  it('organization rows: sorted by slug, name as description, no note before the tokens are loaded', () => {
    const rows = organizationListChildren('demo', [
      { slug: 'studio', name: 'Studio Team', type: 'team' },
      { slug: 'acme', name: 'Acme Inc.', type: 'team' },
      { slug: 'demo', name: 'demo', type: 'personal' },
    ]);
    assert.deepEqual(rows.map((r) => [r.id, r.label, r.description, r.contextValue, r.icon]), [
      ['org:demo:acme', 'acme', 'Acme Inc.', 'turso.organization', 'organization'],
      ['org:demo:demo', 'demo', undefined, 'turso.organization', 'account'],
      ['org:demo:studio', 'studio', 'Studio Team', 'turso.organization', 'organization'],
    ]);
    assert.deepEqual(organizationListChildren('demo', []).map((r) => r.contextValue), ['turso.empty']);
  });

  it('a member or viewer is told that only their own tokens are shown; an admin is not', () => {
    const org = { slug: 'studio', name: 'Studio Team' };
    const member = organizationNode('alice', org, { kind: 'loaded', organization: 'studio', tokens: [], role: 'member', seesAll: false });
    assert.match(member.description ?? '', /only your own tokens/);
    assert.match(row(member, 'Note') ?? '', /only the API tokens you minted/);
    assert.equal(member.contextValue, 'turso.organization;ownOnly');
    const viewer = organizationNode('alice', org, { kind: 'loaded', organization: 'studio', tokens: [], role: 'viewer', seesAll: false });
    assert.match(viewer.description ?? '', /only your own tokens.*viewer/);
    const admin = organizationNode('demo', org, { kind: 'loaded', organization: 'studio', tokens: [], role: 'admin', seesAll: true });
    assert.equal(admin.description, 'Studio Team');
    assert.equal(row(admin, 'Your role'), 'admin');
    assert.equal(admin.contextValue, 'turso.organization');
    // Role unknown (lookup failed): no claim either way.
    const unknown = organizationNode('demo', org, { kind: 'loaded', organization: 'studio', tokens: [], seesAll: false });
    assert.equal(unknown.description, 'Studio Team');
  });

  it('token rows: owner and name in the label, scope · date · yours, owner email in the tooltip', () => {
    const others = organizationTokenNode('demo', tokens[1], ME);
    assert.equal(others.label, 'alice · studio-sync');
    assert.equal(others.description, 'organization · 2026-05-30');
    assert.equal(others.contextValue, 'turso.orgToken;org');
    assert.equal(others.yours, false);
    assert.equal(row(others, 'Owner'), 'alice');
    assert.equal(row(others, 'Owner email'), 'alice@example.com');
    assert.equal(row(others, 'ID'), 'id-s');
    assert.equal(others.id, 'orgToken:demo:studio:id-s');

    const group = organizationTokenNode('demo', tokens[2], ME);
    assert.equal(group.description, 'group default: read-only');
    assert.equal(group.contextValue, 'turso.orgToken;group');

    const mine = organizationTokenNode('demo', tokens[0], ME);
    assert.equal(mine.description, 'organization · 2026-05-01 · yours');
    assert.equal(mine.contextValue, 'turso.orgToken;org;yours');
    assert.equal(row(mine, 'Owner'), 'demo (you)');

    const current = organizationTokenNode('demo', tokens[3], ME);
    assert.equal(current.current, true);
    assert.equal(current.contextValue, 'turso.orgToken;org;yours;current');
    assert.match(current.description, /signed in with this token/);
  });

  it('a token found in the workspace\'s env files (a colleague\'s too): "used in", the files in the tooltip, ;used', () => {
    const one = organizationTokenNode('demo', tokens[1], ME, ['api/.env']);
    assert.equal(one.description, 'organization · 2026-05-30 · used in api/.env');
    assert.equal(one.contextValue, 'turso.orgToken;org;used');
    assert.equal(row(one, 'Used in'), 'api/.env');
    assert.deepEqual(one.usedIn, ['api/.env']);

    const two = organizationTokenNode('demo', tokens[3], ME, ['api/.env', 'web/.env.local']);
    assert.equal(two.description, 'organization · 2026-05-02 · signed in with this token · used in api/.env and 1 more');
    assert.equal(two.contextValue, 'turso.orgToken;org;yours;current;used');
    assert.equal(row(two, 'Used in'), 'api/.env, web/.env.local');

    const nowhere = organizationTokenNode('demo', tokens[0], ME, []);
    assert.equal(nowhere.contextValue, 'turso.orgToken;org;yours');
    assert.equal(nowhere.usedIn, undefined);
    assert.equal(row(nowhere, 'Used in'), undefined);

    // the GitHub Actions secrets it was saved to, after the files
    const saved = organizationTokenNode('demo', tokens[1], ME, ['api/.env'], ['acme/app · TURSO_API_TOKEN']);
    assert.equal(saved.description, 'organization · 2026-05-30 · used in api/.env · in GitHub secret acme/app · TURSO_API_TOKEN');
    assert.equal(row(saved, 'GitHub secret'), 'acme/app · TURSO_API_TOKEN');
    assert.deepEqual(saved.secrets, ['acme/app · TURSO_API_TOKEN']);
    const savedTwice = organizationTokenNode('demo', tokens[1], ME, undefined, ['acme/app · TURSO_API_TOKEN', 'ghe.example.com/acme/app (production) · X']);
    assert.equal(savedTwice.description, 'organization · 2026-05-30 · in 2 GitHub secrets');
    assert.deepEqual(savedTwice.tooltip.filter((r) => r.label === 'GitHub secret').map((r) => r.value), ['acme/app · TURSO_API_TOKEN', 'ghe.example.com/acme/app (production) · X']);
    const bySecrets = organizationChildren('demo', { kind: 'loaded', organization: 'studio', tokens, role: 'owner', seesAll: true }, ME, undefined, (id) => (id === 'id-r' ? ['acme/app · N'] : undefined)) as OrganizationTokenNode[];
    assert.deepEqual(bySecrets.map((r) => r.secrets), [['acme/app · N'], undefined, undefined, undefined]);

    // the rows of an organization get their own files, by token id
    const rows = organizationChildren('demo', { kind: 'loaded', organization: 'studio', tokens, role: 'owner', seesAll: true }, ME, new Map([['id-r', ['ops/.env']]])) as OrganizationTokenNode[];
    assert.deepEqual(rows.map((r) => r.contextValue.endsWith(';used')), [true, false, false, false]);
    assert.equal(rows[0].token.id, 'id-r');
  });

  it('a member\'s list has no owners: every row is theirs', () => {
    const node = organizationTokenNode('alice', { name: 'studio-sync', id: 'x', organization: 'studio' }, { username: 'alice' });
    assert.equal(node.owner, 'alice');
    assert.equal(node.yours, true);
    assert.equal(node.label, 'alice · studio-sync');
  });

  it('rows are sorted by owner, then name; ids stay unique and stable', () => {
    const rows = organizationChildren('demo', { kind: 'loaded', organization: 'studio', tokens, role: 'owner', seesAll: true }, ME) as OrganizationTokenNode[];
    assert.deepEqual(rows.map((r) => r.label), ['alice · reader', 'alice · studio-sync', 'demo · alpha', 'demo · zeta']);
    const again = organizationChildren('demo', { kind: 'loaded', organization: 'studio', tokens: [...tokens].reverse(), role: 'owner', seesAll: true }, ME);
    assert.deepEqual(again.map((r) => r.id), rows.map((r) => r.id));
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
  });

  it('1,000 tokens: 1,000 rows, in order', () => {
    const many: OrganizationApiToken[] = Array.from({ length: 1000 }, (_, i) => ({
      name: `bulk-${i}`, id: `id-${i}`, organization: 'big', owner: { username: i % 2 ? 'alice' : 'demo' },
    }));
    const rows = organizationChildren('demo', { kind: 'loaded', organization: 'big', tokens: many, role: 'owner', seesAll: true }, ME) as OrganizationTokenNode[];
    assert.equal(rows.length, 1000);
    assert.equal(rows[0].owner, 'alice');
    assert.equal(rows[999].owner, 'demo');
    assert.ok(rows.every((r, i) => i === 0 || rows[i - 1].owner < r.owner || (rows[i - 1].owner === r.owner && rows[i - 1].token.name.localeCompare(r.token.name) <= 0)));
  });

  it('empty lists and failures are one message row each, with a distinct id', () => {
    const empty = organizationChildren('alice', { kind: 'loaded', organization: 'partner', tokens: [], role: 'member', seesAll: false }, { username: 'alice' }) as MessageNode[];
    assert.deepEqual(empty.map((r) => [r.label, r.contextValue]), [['You have no API tokens in this organization', 'turso.empty']]);
    const forbidden = organizationChildren('demo', {
      kind: 'failed', organization: 'acme', error: new TursoApiError({ kind: 'forbidden', operation: 'x', status: 403, serverMessage: 'nope' }),
    }, ME) as MessageNode[];
    assert.equal(forbidden.length, 1);
    assert.equal(forbidden[0].id, 'error:demo:org:acme');
    assert.match(forbidden[0].label, /can't list the organization's API tokens/);
    const failed = organizationChildren('demo', {
      kind: 'failed', organization: 'acme', error: new TursoApiError({ kind: 'server', operation: 'x', status: 500 }),
    }, ME) as MessageNode[];
    assert.equal(failed[0].contextValue, 'turso.error;retry');
    assert.equal(failed[0].command?.command, 'turso.refresh');
  });

  it('server text with odd characters stays in ids encoded', () => {
    const node = organizationTokenNode('demo', { name: 'a:b', id: 'x:y/z', organization: 'o:1', owner: { username: 'u' } }, ME);
    assert.equal(node.id, 'orgToken:demo:o%3A1:x%3Ay%2Fz');
  });
});
