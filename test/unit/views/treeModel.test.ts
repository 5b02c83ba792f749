import * as assert from 'node:assert/strict';
import { TursoApiError } from '../../../src/platform/errors';
import type { ApiToken } from '../../../src/platform/types';
import { describeExpiry, errorNode, tokenNode, userNode, type AccountSnapshot, type MessageNode, type TokenNode } from '../../../src/views/treeModel';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0) / 1000;
const DAY = 86_400;

const tokens: ApiToken[] = [
  { name: 'provisioner', id: 'id-3', organization: 'acme', group: 'default', scopes: ['read'], createdAt: '2026-05-21' },
  { name: 'ci-bot', id: 'id-1', createdAt: '2026-04-12' },
  { name: 'deploy-bot', id: 'id-2', organization: 'acme', createdAt: '2026-05-02' },
];

function snapshot(extra: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return {
    user: { username: 'demo', name: 'Demo User', email: 'demo@example.com', plan: 'developer' },
    validation: { expiresAt: NOW + 7 * DAY },
    tokens,
    ...extra,
  };
}

function row(rows: { label: string; value: string }[] | undefined, label: string): string | undefined {
  return rows?.find((r) => r.label === label)?.value;
}

describe('tree model', () => {
  describe('user node', () => {
    it('is labelled with the display name, described by the plan, with account details in the tooltip', () => {
      const node = userNode(snapshot(), NOW);
      assert.equal(node.label, 'Demo User');
      assert.equal(node.description, 'developer');
      assert.equal(node.contextValue, 'turso.user');
      assert.equal(node.id, 'user:demo');
      assert.equal(row(node.tooltip, 'Username'), 'demo');
      assert.equal(row(node.tooltip, 'Email'), 'demo@example.com');
      assert.equal(row(node.tooltip, 'Plan'), 'developer');
      assert.equal(row(node.tooltip, 'Credential expires'), '2026-12-04 (in 7 days)');
    });

    it('falls back to the username when the server sends no name', () => {
      const node = userNode(snapshot({ user: { username: 'iku' } }), NOW);
      assert.equal(node.label, 'iku');
      assert.equal(node.description, undefined);
      assert.equal(row(node.tooltip, 'Email'), undefined);
    });

    it('lists tokens sorted by name, each with scope and date', () => {
      const node = userNode(snapshot(), NOW);
      const children = node.children as TokenNode[];
      assert.deepEqual(children.map((c) => c.label), ['ci-bot', 'deploy-bot', 'provisioner']);
      assert.deepEqual(children.map((c) => c.description), ['all · 2026-04-12', 'acme · 2026-05-02', 'acme/default · 2026-05-21']);
      assert.deepEqual(children.map((c) => c.contextValue), ['turso.token;unrestricted', 'turso.token;org', 'turso.token;group']);
      assert.deepEqual(children.map((c) => c.id), ['token:id-1', 'token:id-2', 'token:id-3']);
    });

    it('says so when there are no tokens', () => {
      const node = userNode(snapshot({ tokens: [] }), NOW);
      assert.equal(node.children.length, 1);
      assert.equal(node.children[0].kind, 'message');
      assert.equal(node.children[0].label, 'No API tokens yet');
    });

    it('keeps the user when only the token list failed, with the error as its child', () => {
      const error = new TursoApiError({ kind: 'server', operation: 'listing API tokens', status: 500, serverMessage: 'boom' });
      const node = userNode(snapshot({ tokens: { error } }), NOW);
      const child = node.children[0] as MessageNode;
      assert.equal(child.kind, 'message');
      assert.equal(child.label, "Couldn't load API tokens — Retry");
      assert.equal(child.description, 'boom');
      assert.equal(child.command?.command, 'turso.refresh');
      assert.equal(child.id, 'error:tokens');
    });

    it('shows "unknown" expiry when the credential could not be validated', () => {
      const node = userNode(snapshot({ validation: undefined }), NOW);
      assert.equal(row(node.tooltip, 'Credential expires'), 'unknown');
    });
  });

  describe('token node', () => {
    it('marks the token the extension is signed in with', () => {
      const node = tokenNode(tokens[1], 'id-1');
      assert.equal(node.current, true);
      assert.equal(node.contextValue, 'turso.token;unrestricted;current');
      assert.match(node.description, /signed in with this token/);
      assert.equal(tokenNode(tokens[1], 'other').current, false);
      assert.equal(tokenNode(tokens[1]).contextValue, 'turso.token;unrestricted');
    });

    it('explains scope and permissions in the tooltip', () => {
      const group = tokenNode(tokens[0]);
      assert.equal(row(group.tooltip, 'Scope'), 'acme/default');
      assert.equal(row(group.tooltip, 'Permissions'), 'read-only');
      assert.equal(row(group.tooltip, 'ID'), 'id-3');
      const all = tokenNode(tokens[1]);
      assert.equal(row(all.tooltip, 'Scope'), 'all organizations (unrestricted)');
    });

    it('says where a token is used in the workspace: the first file in the row, every file in the tooltip', () => {
      const one = tokenNode(tokens[1], undefined, ['api/.env']);
      assert.match(one.description, /used in api\/\.env$/);
      assert.equal(one.contextValue, 'turso.token;unrestricted;used');
      assert.equal(row(one.tooltip, 'Used in'), 'api/.env');
      const two = tokenNode(tokens[1], 'id-1', ['api/.env', 'web/.env.local']);
      assert.match(two.description, /used in api\/\.env and 1 more$/);
      assert.equal(two.contextValue, 'turso.token;unrestricted;current;used');
      assert.equal(row(two.tooltip, 'Used in'), 'api/.env, web/.env.local');
      const unused = tokenNode(tokens[1], undefined, []);
      assert.doesNotMatch(unused.description, /used in/);
      assert.equal(unused.usedIn, undefined);
      // Through the account's snapshot, by token id.
      const user = userNode(snapshot({ usedIn: new Map([['id-3', ['api/.env']]]) }), 0);
      const used = user.children.filter((c): c is TokenNode => c.kind === 'token' && c.usedIn !== undefined);
      assert.deepEqual(used.map((c) => c.token.id), ['id-3']);
    });

    it('says which GitHub Actions secrets a token was saved to: one named, more counted, each in the tooltip, after the files', () => {
      const one = tokenNode(tokens[2], undefined, ['api/.env'], 'acc-1', ['acme/app · TURSO_API_TOKEN']);
      assert.equal(one.description, 'acme · 2026-05-02 · used in api/.env · in GitHub secret acme/app · TURSO_API_TOKEN');
      assert.deepEqual(one.tooltip.filter((r) => r.label === 'GitHub secret').map((r) => r.value), ['acme/app · TURSO_API_TOKEN']);
      assert.deepEqual(one.secrets, ['acme/app · TURSO_API_TOKEN']);
      const two = tokenNode(tokens[2], undefined, undefined, undefined, ['acme/app · TURSO_API_TOKEN', 'acme/app (production) · TURSO_API_TOKEN']);
      assert.equal(two.description, 'acme · 2026-05-02 · in 2 GitHub secrets');
      assert.deepEqual(two.tooltip.filter((r) => r.label === 'GitHub secret').map((r) => r.value), ['acme/app · TURSO_API_TOKEN', 'acme/app (production) · TURSO_API_TOKEN']);
      const none = tokenNode(tokens[2], undefined, undefined, undefined, []);
      assert.equal(none.description, 'acme · 2026-05-02');
      assert.equal(none.secrets, undefined);
      assert.equal(row(none.tooltip, 'GitHub secret'), undefined);
      // Through the account's snapshot, by token id; a row reused only while its secrets read the same.
      const secretsOf = (id: string) => (id === 'id-2' ? ['acme/app · TURSO_API_TOKEN'] : undefined);
      const first = userNode({ ...snapshot(), accountId: 'acc-1', secretsOf } as AccountSnapshot, NOW);
      const saved = (first.children as TokenNode[]).filter((c) => c.secrets !== undefined);
      assert.deepEqual(saved.map((c) => c.token.id), ['id-2']);
      const previous = new Map((first.children as TokenNode[]).map((c) => [c.token.id, c]));
      const again = userNode({ ...snapshot(), accountId: 'acc-1', secretsOf, previous } as AccountSnapshot, NOW);
      assert.equal((again.children as TokenNode[]).find((c) => c.token.id === 'id-2'), previous.get('id-2'), 'the same secrets: the same row');
      const moved = userNode({ ...snapshot(), accountId: 'acc-1', secretsOf: () => undefined, previous } as AccountSnapshot, NOW);
      const row2 = (moved.children as TokenNode[]).find((c) => c.token.id === 'id-2')!;
      assert.notEqual(row2, previous.get('id-2'), 'secrets moved away: a new row');
      assert.doesNotMatch(row2.description, /GitHub secret/);
    });

    it('tolerates a token without a creation date (older servers)', () => {
      const node = tokenNode({ name: 'legacy', id: 'x' });
      assert.equal(node.description, 'all');
      assert.equal(row(node.tooltip, 'Created'), 'unknown');
    });
  });

  describe('a rebuild with the previous rows', () => {
    const previousOf = (node: { children: unknown[] }) =>
      new Map((node.children as TokenNode[]).map((c) => [c.token.id, c]));

    it('reuses the row objects of the tokens that did not change; the changed token gets a new row', () => {
      const first = userNode({ ...snapshot(), accountId: 'acc-1' } as AccountSnapshot, NOW);
      // the answer of a refresh: new objects throughout, one token renamed
      const fresh = tokens.map((t) => ({ ...t, scopes: t.scopes && [...t.scopes] }));
      fresh[2] = { ...fresh[2], name: 'deploy-bot-2' };
      const again = userNode({ ...snapshot({ tokens: fresh }), accountId: 'acc-1', previous: previousOf(first) } as AccountSnapshot, NOW);
      const before = previousOf(first);
      const rows = again.children as TokenNode[];
      assert.deepEqual(rows.map((c) => c.label), ['ci-bot', 'deploy-bot-2', 'provisioner']);
      for (const row of rows) {
        if (row.token.id === 'id-2') {
          assert.notEqual(row, before.get('id-2'), 'the renamed token has a new row');
          assert.equal(row.accountId, 'acc-1');
        } else {
          assert.equal(row, before.get(row.token.id), `${row.label}: the same row object as before`);
        }
      }
    });

    it('builds the row again when its token became or stopped being the credential, or is used elsewhere', () => {
      const first = userNode({ ...snapshot(), accountId: 'acc-1' } as AccountSnapshot, NOW);
      const previous = previousOf(first);
      const signedIn = userNode({ ...snapshot({ credentialId: 'id-1' }), accountId: 'acc-1', previous } as AccountSnapshot, NOW);
      const ci = (signedIn.children as TokenNode[]).find((c) => c.token.id === 'id-1')!;
      assert.notEqual(ci, previous.get('id-1'));
      assert.equal(ci.current, true);
      const used = userNode({ ...snapshot({ usedIn: new Map([['id-3', ['api/.env']]]) }), accountId: 'acc-1', previous } as AccountSnapshot, NOW);
      const prov = (used.children as TokenNode[]).find((c) => c.token.id === 'id-3')!;
      assert.notEqual(prov, previous.get('id-3'));
      assert.deepEqual(prov.usedIn, ['api/.env']);
      const scoped = userNode({
        ...snapshot({ tokens: tokens.map((t) => (t.id === 'id-3' ? { ...t, scopes: ['read', 'db:create'] } : t)) }), accountId: 'acc-1', previous,
      } as AccountSnapshot, NOW);
      assert.notEqual((scoped.children as TokenNode[]).find((c) => c.token.id === 'id-3'), previous.get('id-3'), 'other scopes: a new row');
      const otherAccount = userNode({ ...snapshot(), accountId: 'acc-2', previous } as AccountSnapshot, NOW);
      assert.ok((otherAccount.children as TokenNode[]).every((c) => c !== previous.get(c.token.id) && c.accountId === 'acc-2'));
    });
  });

  describe('error node', () => {
    it('offers sign-in for a rejected credential', () => {
      const node = errorNode(new TursoApiError({ kind: 'unauthorized', operation: 'x', status: 401, serverMessage: 'token expired' }));
      assert.equal(node.contextValue, 'turso.error;signIn');
      assert.equal(node.command?.command, 'turso.signIn');
      assert.match(node.label, /Sign in again/);
      assert.equal(node.description, 'token expired');
    });

    it('offers another sign-in, not a retry, when the credential is too narrow (403)', () => {
      const node = errorNode(new TursoApiError({ kind: 'forbidden', operation: 'x', status: 403, serverMessage: 'group-scoped tokens cannot manage API tokens' }), 'tokens');
      assert.equal(node.command?.command, 'turso.signIn');
      assert.equal(node.contextValue, 'turso.error;signIn');
      assert.match(node.label, /can't list API tokens/);
      assert.equal(node.description, 'group-scoped tokens cannot manage API tokens');
    });

    it('offers a retry for network failures and timeouts', () => {
      const network = errorNode(new TursoApiError({ kind: 'network', operation: 'x', detail: 'ECONNREFUSED' }));
      assert.equal(network.command?.command, 'turso.refresh');
      assert.match(network.label, /reach/);
      const timeout = errorNode(new TursoApiError({ kind: 'timeout', operation: 'x' }));
      assert.match(timeout.label, /did not answer/);
    });

    it('points to the setting when the base URL is unusable', () => {
      const err = new Error('The setting turso.apiBaseUrl is not usable');
      err.name = 'ApiSettingsError';
      const node = errorNode(err);
      assert.equal(node.command?.command, 'workbench.action.openSettings');
      assert.deepEqual(node.command?.arguments, ['turso.apiBaseUrl']);
    });
  });

  describe('describeExpiry', () => {
    const cases: [number | undefined, string][] = [
      [undefined, 'never'],
      [NOW + 3 * DAY + 5, '2026-11-30 (in 3 days)'],
      [NOW + 1 * DAY, '2026-11-28 (in 1 day)'],
      [NOW + 5 * 3600, '2026-11-27 (in 5 hours)'],
      [NOW + 60, '2026-11-27 (in 1 minute)'],
      [NOW + 7 * DAY - 30, '2026-12-04 (in 7 days)'],
      [NOW - 10, '2026-11-27 (expired)'],
    ];
    for (const [expiresAt, expected] of cases) {
      it(`${expiresAt === undefined ? 'no expiry' : expiresAt - NOW + ' s'} → ${expected}`, () => {
        assert.equal(describeExpiry(expiresAt === undefined ? {} : { expiresAt }, NOW), expected);
      });
    }
    it('unknown without a validation', () => assert.equal(describeExpiry(undefined, NOW), 'unknown'));
  });

  describe('server text with $(…) codicon syntax', () => {
    it('is text in labels and descriptions (rows may draw it as an icon); tooltips keep it as it is', () => {
      const token: ApiToken = { name: '$(verified) ci', id: 'id-9', organization: '$(lock)acme', group: 'g', scopes: ['read'] };
      const user = userNode(snapshot({
        user: { username: 'demo', name: '$(account) Demo', plan: '$(star-full) pro' },
        tokens: [token],
        credentialId: 'id-9',
      }), NOW);
      const node = user.children[0] as TokenNode;
      for (const text of [user.label, user.description, node.label, node.description]) {
        assert.doesNotMatch(text ?? '', /\$\(/, String(text));
      }
      assert.equal(user.label, '(account) Demo');
      assert.equal(node.label, '(verified) ci');
      assert.match(node.description, /^\(lock\)acme\/g/);
      assert.equal(row(node.tooltip, 'Name'), '$(verified) ci', 'the tooltip (Markdown without icons) shows the name as it is');
      const error = errorNode(new TursoApiError({ kind: 'server', operation: 'x', status: 500, serverMessage: '$(error) down' }));
      assert.equal(error.description, '(error) down');
    });
  });
});
