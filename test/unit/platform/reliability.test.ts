import * as assert from 'node:assert/strict';
import { TursoClient } from '../../../src/platform/client';
import { mayHaveTakenEffect, reasonAndHint, redactSecrets, TursoApiError, type TursoErrorKind } from '../../../src/platform/errors';
import { parseRevoked, ShapeError } from '../../../src/platform/shapes';
import { displayName, inertText, withoutIcons } from '../../../src/util/text';
import { startEmulator, type TursoEmulator } from '../../emulator/server';

// Issue 6, the pure parts of the fixes the in-host reliability suites led to (test/host/faults,
// hostile, concurrency, leaks): inert text, bounded redaction, the hint in every error, what a
// failed create or revoke may have done, revoke answers checked, dot segments refused.

/** VS Code's pattern for live links in notifications and quick input messages (base/common/linkedText.ts). */
const LINKED_TEXT = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i;

describe('inertText and displayName', () => {
  it('leaves no link VS Code would render: command:, https:, file:, titled, image syntax', () => {
    for (const s of [
      '[Click](command:workbench.action.terminal.sendSequence?%7B%7D)',
      '[Sign out](command:turso.signOut "Sign out")',
      '![i](https://evil.example/i.png) [site](https://evil.example)',
      '[passwd](file:///etc/passwd)',
    ]) {
      assert.match(s, LINKED_TEXT);
      const out = inertText(s);
      assert.doesNotMatch(out, LINKED_TEXT, out);
      assert.equal(out.replace(/\] \(/g, ']('), s, 'only the link opener changed');
    }
  });

  it('turns control characters into spaces and drops bidirectional controls', () => {
    assert.equal(inertText('a\u0000b\u0007c\u001b[31md\re\nf\u0085g\u007fh\ti'), 'a b c [31md e f g h i');
    assert.equal(inertText('admin\u202Etxt.exe \u2067x\u2069 \u200Fשלום'), 'admintxt.exe x שלום');
  });

  it('bounds the length with an ellipsis, never splitting a surrogate pair', () => {
    assert.equal(inertText('x'.repeat(10), 5), 'xxxx…');
    assert.equal(inertText('abc😀def', 5), 'abc…');
    assert.equal(displayName('n'.repeat(200)).length, 64);
    assert.equal(displayName('ci-bot'), 'ci-bot');
  });

  it('withoutIcons and displayName leave no $(…) codicon syntax; inertText (messages, where none is drawn) keeps it', () => {
    const s = '$(account) admin $(sync~spin)$(x';
    assert.equal(withoutIcons(s), '(account) admin (sync~spin)(x');
    assert.equal(displayName(s), '(account) admin (sync~spin)(x');
    assert.equal(displayName('$(verified)\u202Eci-bot[x](command:turso.signOut)'), '(verified)ci-bot[x] (command:turso.signOut)');
    assert.equal(inertText(s), s);
  });
});

describe('redactSecrets: bounded time and inert output', () => {
  it('takes linear time on long text without dots (no catastrophic backtracking)', () => {
    const long = `long-${'L'.repeat(200_000)}-end`;
    const t0 = Date.now();
    const out = redactSecrets(long);
    assert.ok(Date.now() - t0 < 500, `took ${Date.now() - t0} ms`);
    assert.equal(out.length, 501);
  });

  it('still redacts JWT-shaped text anywhere in the first part, known secrets everywhere', () => {
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJqdGkiOiJhYmNkZWYifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    assert.equal(redactSecrets(`bearer=${jwt}; x`), 'bearer=[redacted]; x');
    assert.equal(redactSecrets(`xx${jwt}`), '[redacted]');
    assert.equal(redactSecrets(`${'a '.repeat(3000)}${jwt}`, [jwt]).includes(jwt), false);
  });

  it('makes server text inert: links, newlines (no forged log lines), bidi controls', () => {
    const out = redactSecrets('oops\n2026-01-01 [info] Signed in [fix](command:turso.signOut) \u202Eevil');
    assert.doesNotMatch(out, LINKED_TEXT);
    assert.ok(!out.includes('\n') && !out.includes('\u202E'), out);
  });
});

describe('TursoApiError: every failure says what to do', () => {
  const kinds: TursoErrorKind[] = ['badRequest', 'unauthorized', 'forbidden', 'notFound', 'conflict', 'rateLimited', 'server', 'network', 'timeout', 'badResponse'];
  it('appends a hint for every kind (and keeps "try again in N s" for Retry-After)', () => {
    for (const kind of kinds) {
      const err = new TursoApiError({ kind, operation: 'listing API tokens', status: 500 });
      assert.ok(err.hint.length > 0, kind);
      assert.ok(err.message.endsWith(err.hint), `${kind}: ${err.message}`);
    }
    const ra = new TursoApiError({ kind: 'rateLimited', operation: 'listing API tokens', status: 429, retryAfterSeconds: 3 });
    assert.equal(ra.hint, '');
    assert.match(ra.message, /try again in 3 s\.$/);
    assert.equal(new TursoApiError({ kind: 'cancelled', operation: 'x' }).hint, '');
  });

  it('reasonAndHint: after a 429 with Retry-After, says when to try again', () => {
    const err = new TursoApiError({ kind: 'rateLimited', operation: 'x', status: 429, serverMessage: 'rate limit exceeded', retryAfterSeconds: 2 });
    assert.equal(reasonAndHint(err), 'rate limit exceeded. Try again in 2 s.');
  });

  it('reasonAndHint: the server reason, then the hint', () => {
    const err = new TursoApiError({ kind: 'conflict', operation: 'creating API token "x"', status: 409, serverMessage: 'an API token named "x" already exists.' });
    assert.equal(reasonAndHint(err), 'an API token named "x" already exists. Choose another name, or refresh and try again.');
    const bare = new TursoApiError({ kind: 'server', operation: 'creating API token "x"', status: 502 });
    assert.equal(reasonAndHint(bare), bare.message);
  });

  it('mayHaveTakenEffect: sent and not refused (timeout, 5xx, unreadable answer, a cut connection), not a refusal', () => {
    const e = (kind: TursoErrorKind, detail?: string) => new TursoApiError({ kind, operation: 'revoking API token "x"', detail });
    assert.equal(mayHaveTakenEffect(e('timeout')), true);
    assert.equal(mayHaveTakenEffect(e('server')), true);
    assert.equal(mayHaveTakenEffect(e('badResponse')), true);
    assert.equal(mayHaveTakenEffect(e('network', 'ECONNRESET at http://x')), true);
    assert.equal(mayHaveTakenEffect(e('network', 'ECONNREFUSED at http://x')), false);
    assert.equal(mayHaveTakenEffect(e('network', 'ENOTFOUND at http://x')), false);
    for (const k of ['badRequest', 'unauthorized', 'forbidden', 'notFound', 'conflict', 'rateLimited'] as TursoErrorKind[]) assert.equal(mayHaveTakenEffect(e(k)), false, k);
    assert.equal(mayHaveTakenEffect(new Error('x')), false);
  });
});

describe('parseRevoked: only the documented answer counts as revoked', () => {
  it('accepts {token: name}, {} and an empty body', () => {
    parseRevoked({ token: 'ci-bot' });
    parseRevoked({});
    parseRevoked(undefined);
  });
  it('refuses anything else', () => {
    for (const body of [{ token: 42 }, 'revoked', [], null, 7]) assert.throws(() => parseRevoked(body), ShapeError, JSON.stringify(body));
  });
});

describe('TursoClient: names that cannot be a path segment, and revoke answers', () => {
  let emu: TursoEmulator;
  before(async () => {
    emu = await startEmulator({ port: 0 });
  });
  after(async () => {
    await emu?.close();
  });
  beforeEach(() => emu.reset());
  const client = () => new TursoClient({ baseUrl: emu.url, token: emu.demoToken, userAgent: 'test', timeoutMs: 2000, retry: { attempts: 1 } });

  it('refuses "." and ".." without sending anything (the URL would address another resource)', async () => {
    for (const name of ['.', '..']) {
      emu.addApiToken({ name });
      await assert.rejects(client().revokeApiToken(name), (err: TursoApiError) => err.kind === 'badRequest' && /cannot be sent in a URL path/.test(err.message));
      await assert.rejects(client().createApiToken(name), (err: TursoApiError) => err.kind === 'badRequest');
    }
    assert.deepEqual(emu.requests, []);
  });

  it('encodes every other name as one segment: "a/b", "?", "#", "%", space, "%2E%2E"', async () => {
    for (const name of ['a/b', 'q?x=1', 'h#t', '100%', 'with space', '%2E%2E', '.hidden']) {
      emu.addApiToken({ name });
      await client().revokeApiToken(name);
      const path = emu.requests.at(-1)?.path ?? '';
      assert.equal(decodeURIComponent(path.slice('/v1/auth/api-tokens/'.length)), name, path);
      assert.equal(emu.requests.at(-1)?.status, 200);
    }
  });

  it('a revoke answered 200 with something else than {token} is not reported as done', async () => {
    emu.addApiToken({ name: 'odd-answer' });
    emu.injectFault({ method: 'DELETE', kind: 'wrong-shape', times: 1 });
    await assert.rejects(client().revokeApiToken('odd-answer'), (err: TursoApiError) => err.kind === 'badResponse' && mayHaveTakenEffect(err));
    emu.injectFault({ method: 'DELETE', kind: 'malformed', times: 1 });
    await assert.rejects(client().revokeApiToken('odd-answer'), (err: TursoApiError) => err.kind === 'badResponse');
    await client().revokeApiToken('odd-answer');
  });

  it('a long name is shortened in the error message, which keeps its hint', async () => {
    emu.injectFault({ method: 'DELETE', kind: 'status', status: 500, times: 1 });
    const name = 'n'.repeat(300);
    await assert.rejects(client().revokeApiToken(name), (err: TursoApiError) => err.message.length < 400 && err.message.endsWith('Try again later.'));
  });
});
