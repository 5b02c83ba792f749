import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { JwtSigner, newTokenId } from '../../emulator/jwt';
import { findTokens, groupByTokenId, isTokenId, matchFindings, readPlatformToken, tokenValueHash, type TokenFinding } from '../../../src/workspace/tokenFinder';

const { privateKey } = crypto.generateKeyPairSync('ed25519');
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT with any header and payload, signed with Ed25519 (64-byte signature) unless `signature` is given. */
function jwt(header: Record<string, unknown>, payload: Record<string, unknown>, signature?: Buffer): string {
  const head = `${b64(header)}.${b64(payload)}`;
  const sig = signature ?? crypto.sign(null, Buffer.from(head), privateKey);
  return `${head}.${sig.toString('base64url')}`;
}

const signer = new JwtSigner();
/** A Platform API token exactly as the emulator (and Turso) mints them: `{"jti": <id>}`, EdDSA. */
function apiToken(): { value: string; id: string } {
  const id = newTokenId();
  return { value: signer.sign({ jti: id }), id };
}

const A = apiToken();
const B = apiToken();

/** What a finding covers in `text` (the caller's own copy): the test checks the range, never prints it. */
function covered(text: string, f: TokenFinding): string {
  return text.split(/\r\n|\r|\n/)[f.line].slice(f.startColumn, f.endColumn);
}

function only(text: string): TokenFinding {
  const found = findTokens(text);
  assert.equal(found.length, 1, `one token expected, found ${found.length}`);
  return found[0];
}

describe('tokenFinder (pure)', () => {
  describe('readPlatformToken: what is a Platform API token', () => {
    it('an emulator-minted API token: its jti is the token id, no claims', () => {
      assert.deepEqual(readPlatformToken(A.value), { tokenId: A.id, claims: {} });
    });

    it('a CLI login token: username and exp are read', () => {
      const id = newTokenId();
      const value = signer.sign({ jti: id, username: 'demo', exp: 1_900_000_000 });
      assert.deepEqual(readPlatformToken(value), { tokenId: id, claims: { username: 'demo', exp: 1_900_000_000 } });
    });

    it('org, group, scopes and iat are read when the token carries them', () => {
      const id = newTokenId();
      const value = jwt({ alg: 'EdDSA', typ: 'JWT' }, { jti: id, iat: 1_700_000_000, org: 'acme', group: 'default', scopes: ['read'] });
      assert.deepEqual(readPlatformToken(value), { tokenId: id, claims: { iat: 1_700_000_000, organization: 'acme', group: 'default', scopes: ['read'] } });
    });

    const notTokens: [string, string][] = [
      ['a libSQL database token (claims a, iat, id; no jti)', jwt({ alg: 'EdDSA', typ: 'JWT' }, { a: 'rw', iat: 1_700_000_000, id: crypto.randomUUID() })],
      ['a database token that also has a jti', jwt({ alg: 'EdDSA', typ: 'JWT' }, { a: 'ro', jti: newTokenId(), id: crypto.randomUUID() })],
      ['a group token with permissions (p, gid)', jwt({ alg: 'EdDSA', typ: 'JWT' }, { p: { rw: { ns: ['db'] } }, gid: crypto.randomUUID(), jti: newTokenId() })],
      ['an HS256 JWT with a token-like jti', jwt({ alg: 'HS256', typ: 'JWT' }, { jti: newTokenId() }, crypto.randomBytes(32))],
      ['an HS512 JWT (a 64-byte signature, as Ed25519\'s) with a token-like jti', jwt({ alg: 'HS512', typ: 'JWT' }, { jti: newTokenId() }, crypto.randomBytes(64))],
      ['an RS256 JWT', jwt({ alg: 'RS256', typ: 'JWT' }, { jti: newTokenId() }, crypto.randomBytes(256))],
      ['an EdDSA JWT whose jti is a UUID with dashes', jwt({ alg: 'EdDSA', typ: 'JWT' }, { jti: crypto.randomUUID() })],
      ['an EdDSA JWT without jti', jwt({ alg: 'EdDSA', typ: 'JWT' }, { sub: 'someone' })],
      ['an EdDSA JWT whose jti is not canonical base64url', jwt({ alg: 'EdDSA' }, { jti: `${newTokenId().slice(0, 21)}B` })],
      ['an EdDSA JWT with a 32-byte signature', jwt({ alg: 'EdDSA', typ: 'JWT' }, { jti: newTokenId() }, crypto.randomBytes(32))],
      ['a typ other than JWT', jwt({ alg: 'EdDSA', typ: 'at+jwt' }, { jti: newTokenId() })],
      ['a payload that is not JSON', `${b64({ alg: 'EdDSA' })}.${Buffer.from('not json').toString('base64url')}.${crypto.randomBytes(64).toString('base64url')}`],
      ['a payload that is a JSON array', `${b64({ alg: 'EdDSA' })}.${b64([newTokenId()])}.${crypto.randomBytes(64).toString('base64url')}`],
      ['two parts', A.value.split('.').slice(0, 2).join('.')],
      ['four parts', `${A.value}.eyJ4IjoxfQ`],
      ['padding characters', A.value.replace(/$/, '==')],
    ];
    for (const [name, value] of notTokens) {
      it(`not a Platform API token: ${name}`, () => {
        assert.equal(readPlatformToken(value), undefined);
        assert.deepEqual(findTokens(`KEY=${value}\n`), []);
      });
    }

    it('isTokenId: 22 characters of base64url, 16 bytes', () => {
      assert.ok(isTokenId('clGFZ4STEe6fljpFzIum8A'));
      assert.ok(isTokenId(newTokenId()));
      assert.ok(!isTokenId('clGFZ4STEe6fljpFzIum8'));
      assert.ok(!isTokenId('clGFZ4STEe6fljpFzIum8A='));
      assert.ok(!isTokenId(crypto.randomUUID()));
      assert.ok(!isTokenId(42));
    });
  });

  describe('findTokens: shapes of env files', () => {
    it('KEY=<token>: line, columns, key, id', () => {
      const text = `FIRST=1\nTURSO_API_TOKEN=${A.value}\n`;
      const f = only(text);
      assert.deepEqual({ ...f }, { tokenId: A.id, claims: {}, line: 1, startColumn: 16, endColumn: 16 + A.value.length, key: 'TURSO_API_TOKEN', commented: false, valueHash: tokenValueHash(A.value) });
      assert.equal(covered(text, f), A.value);
    });

    const shapes: [string, string, string][] = [
      ['export KEY=', `export TURSO_API_TOKEN=${A.value}`, 'TURSO_API_TOKEN'],
      ['double quotes', `TURSO_API_TOKEN="${A.value}"`, 'TURSO_API_TOKEN'],
      ['single quotes', `TURSO_API_TOKEN='${A.value}'`, 'TURSO_API_TOKEN'],
      ['backticks', `TURSO_API_TOKEN=\`${A.value}\``, 'TURSO_API_TOKEN'],
      ['export, spaces around = and double quotes', `  export   TURSO_API_TOKEN = "${A.value}"`, 'TURSO_API_TOKEN'],
      ['KEY: value (dotenv\'s colon form)', `TURSO_API_TOKEN: ${A.value}`, 'TURSO_API_TOKEN'],
      ['inside a URL', `TURSO_URL=https://api.example.test/hook?token=${A.value}&x=1`, 'TURSO_URL'],
      ['a dotted key', `turso.api-token=${A.value}`, 'turso.api-token'],
      ['a byte order mark before the key', `\uFEFFTURSO_API_TOKEN=${A.value}`, 'TURSO_API_TOKEN'],
      ['a trailing comment after the token', `TURSO_API_TOKEN=${A.value} # the CI token`, 'TURSO_API_TOKEN'],
      ['a quoted token then a comment', `TURSO_API_TOKEN="${A.value}" # the CI token`, 'TURSO_API_TOKEN'],
    ];
    for (const [name, line, key] of shapes) {
      it(`${name}: found, its range is exactly the token`, () => {
        const text = `# header\n${line}\nOTHER=1\n`;
        const f = only(text);
        assert.equal(f.line, 1);
        assert.equal(f.key, key);
        assert.equal(f.commented, false);
        assert.equal(f.tokenId, A.id);
        assert.equal(covered(text, f), A.value);
      });
    }

    it('CRLF: lines counted as VS Code does, no \\r inside the range', () => {
      const text = `A=1\r\nTURSO_API_TOKEN=${A.value}\r\n\r\nexport OTHER="${B.value}"\r\n`;
      const found = findTokens(text);
      assert.deepEqual(found.map((f) => [f.line, f.key, f.tokenId]), [[1, 'TURSO_API_TOKEN', A.id], [3, 'OTHER', B.id]]);
      for (const f of found) assert.ok(!covered(text, f).includes('\r'));
      assert.equal(covered(text, found[1]), B.value);
    });

    it('a lone \\r ends a line too (as in VS Code)', () => {
      const text = `A=1\rTURSO_API_TOKEN=${A.value}\r`;
      assert.deepEqual(findTokens(text).map((f) => [f.line, f.startColumn]), [[1, 16]]);
    });

    it('a commented-out assignment is found, with its key, marked commented', () => {
      for (const line of [`# TURSO_API_TOKEN=${A.value}`, `#TURSO_API_TOKEN="${A.value}"`, `   #  export TURSO_API_TOKEN='${A.value}'`]) {
        const text = `A=1\n${line}\n`;
        const f = only(text);
        assert.deepEqual([f.line, f.key, f.commented], [1, 'TURSO_API_TOKEN', true], line);
        assert.equal(covered(text, f), A.value);
      }
    });

    it('a token in free comment text is found, commented, without a key', () => {
      const f = only(`# the old one was ${A.value}, revoked?\n`);
      assert.deepEqual([f.key, f.commented], [undefined, true]);
    });

    it('a token in a trailing comment is commented and has no key; the value before it keeps its key', () => {
      for (const line of [`NEW=${B.value} # was ${A.value}`, `NEW="${B.value}" #was ${A.value}`]) {
        const found = findTokens(line);
        assert.deepEqual(found.map((f) => [f.tokenId, f.key, f.commented]), [[B.id, 'NEW', false], [A.id, undefined, true]], line);
      }
    });

    it('an empty value then a comment: the token in the comment has no key', () => {
      const f = only(`TURSO_API_TOKEN= # ${A.value}`);
      assert.deepEqual([f.key, f.commented], [undefined, true]);
    });

    it('a commented line does not open a multi-line value', () => {
      const text = `# BROKEN="${A.value}\nNEXT=${B.value}\n`;
      const found = findTokens(text);
      assert.deepEqual(found.map((f) => [f.line, f.key, f.commented]), [[0, 'BROKEN', true], [1, 'NEXT', false]]);
    });

    it('a line that is no assignment: found, no key, not commented', () => {
      const f = only(`just text ${A.value}\n`);
      assert.deepEqual([f.key, f.commented], [undefined, false]);
    });

    it('several tokens in one file, the same token twice: all found in order, grouped by id', () => {
      const text = [`A=${A.value}`, `B=${B.value}`, `# OLD_A=${A.value}`, `BOTH="${A.value} ${B.value}"`].join('\n');
      const found = findTokens(text);
      assert.deepEqual(found.map((f) => [f.line, f.key, f.tokenId, f.commented]), [
        [0, 'A', A.id, false], [1, 'B', B.id, false], [2, 'OLD_A', A.id, true], [3, 'BOTH', A.id, false], [3, 'BOTH', B.id, false],
      ]);
      for (const f of found) assert.equal(covered(text, f), f.tokenId === A.id ? A.value : B.value);
      const groups = groupByTokenId(found);
      assert.deepEqual([...groups.keys()], [A.id, B.id]);
      assert.deepEqual(groups.get(A.id)!.map((f) => f.line), [0, 2, 3]);
      assert.deepEqual(groups.get(B.id)!.map((f) => f.line), [1, 3]);
    });

    it('a quoted value spanning lines: its tokens get its key and their own lines', () => {
      const text = [`TOKENS="`, A.value, `  ${B.value}`, `"`, `AFTER=1`].join('\n');
      const found = findTokens(text);
      assert.deepEqual(found.map((f) => [f.line, f.startColumn, f.key]), [[1, 0, 'TOKENS'], [2, 2, 'TOKENS']]);
    });

    it('inside a multi-line value, a look-alike `KEY=` line and a `#` line belong to the value', () => {
      const text = [`CONFIG='{`, `OTHER=${A.value}`, `# ${B.value}`, `}'`, `NEXT=${B.value}`].join('\r\n');
      const found = findTokens(text);
      assert.deepEqual(found.map((f) => [f.line, f.key, f.commented]), [[1, 'CONFIG', false], [2, 'CONFIG', false], [4, 'NEXT', false]]);
    });

    it('an escaped quote does not close a double-quoted value; a comment after the closing quote is one', () => {
      const text = [`JSON="{\\"token\\": \\"x`, `${A.value}\\"}" # ${B.value}`].join('\n');
      const found = findTokens(text);
      assert.deepEqual(found.map((f) => [f.line, f.key, f.commented]), [[1, 'JSON', false], [1, undefined, true]]);
    });

    // The grammar shared with envFile.ts (dotenv's): where the two copies differed.
    it("a backslash escapes a single quote too (dotenv): the token after `\\'` is inside the quoted value", () => {
      const text = `NOTE='it\\' ${A.value}'`;
      assert.deepEqual([only(text)].map((f) => [f.key, f.commented]), [['NOTE', false]]);
    });

    it('a quote never closed is a value of its line alone (dotenv): the next lines are read as lines of their own', () => {
      const text = [`BROKEN="unclosed`, `NEXT=${A.value}`, `# ${B.value}`].join('\n');
      const found = findTokens(text);
      assert.deepEqual(found.map((f) => [f.line, f.key, f.commented]), [[1, 'NEXT', false], [2, undefined, true]]);
    });

    it('a token glued to other text or dots is not taken apart', () => {
      assert.deepEqual(findTokens(`X=prefix.${A.value}\nY=${A.value}.suffix\nZ=${A.value}x`), []);
    });

    it('version numbers, host names and files without tokens give nothing', () => {
      assert.deepEqual(findTokens('VERSION=1.2.3\nHOST=api.turso.tech\nURL=libsql://db-acme.turso.io\n'), []);
      assert.deepEqual(findTokens(''), []);
      assert.deepEqual(findTokens('\n\n'), []);
    });

    it('a forged signature of the right length is still found (the API, not the finder, says what is valid)', () => {
      const [h, p, s] = A.value.split('.');
      const forged = `${h}.${p}.${(s[0] === 'A' ? 'B' : 'A') + s.slice(1)}`;
      assert.equal(only(`K=${forged}`).tokenId, A.id);
    });

    it('a value with a copied jti: the same token id, another value hash (what checks are keyed by); the same value, the same hash', () => {
      const [h, p, s] = A.value.split('.');
      const forged = `${h}.${p}.${(s[0] === 'A' ? 'B' : 'A') + s.slice(1)}`;
      const [a, copy, again] = findTokens(`A=${A.value}\nCOPY=${forged}\nAGAIN=${A.value}\n`);
      assert.equal(copy.tokenId, a.tokenId);
      assert.ok(a.valueHash, 'a finding has a value hash');
      assert.notEqual(copy.valueHash, a.valueHash, 'a copied jti shares the value hash of the token it copies');
      assert.equal(again.valueHash, a.valueHash);
      assert.equal(a.valueHash, tokenValueHash(A.value));
      assert.match(a.valueHash, /^[0-9a-f]{64}$/, 'sha-256, hex');
    });

    it('a finding carries no part of the value', () => {
      const found = findTokens(`A=${A.value}\n# B=${B.value}\n`);
      assert.equal(found.length, 2);
      const serialized = JSON.stringify(found);
      for (const value of [A.value, B.value]) {
        for (const part of value.split('.')) assert.ok(!serialized.includes(part), 'a finding holds part of a token');
      }
    });
  });

  describe('matchFindings', () => {
    it('splits findings into those a caller lists (with the owner) and the rest', () => {
      const found = findTokens(`A=${A.value}\nB=${B.value}\nA2=${A.value}\n`);
      const owners = new Map([[A.id, 'account demo']]);
      const { matched, unmatched } = matchFindings(found, (id) => owners.get(id));
      assert.deepEqual(matched.map((m) => [m.finding.key, m.owner]), [['A', 'account demo'], ['A2', 'account demo']]);
      assert.deepEqual(unmatched.map((f) => f.key), ['B']);
    });
  });
});
