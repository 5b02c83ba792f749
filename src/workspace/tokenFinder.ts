/**
 * Finds Turso Platform API tokens in the text of env files, and matches them to token ids. Pure (no
 * `vscode`), so it is unit-tested in plain Node; `workspaceTokens.ts` is the glue that reads files.
 *
 * What counts as a Platform API token (see turso-api.md §6): a JWT whose header says `alg: EdDSA`,
 * whose payload carries a `jti` that is a Turso token id (22 characters of unpadded base64url, 16
 * bytes: the id the API lists the token under) and whose signature is 64 bytes (Ed25519). Database
 * and group auth tokens (libSQL) are EdDSA JWTs too, but carry the database claims `a` (access),
 * `p` (permissions), `id`/`gid`/`rid` (database, group, replica) and no token id: a JWT with any of
 * those is not reported. Any other JWT (HS256, RS256, a `jti` that is a UUID with dashes…) is not
 * reported either. CLI login tokens pass the same test (they also authenticate to the Platform
 * API); they carry `exp`, API tokens do not.
 *
 * Nothing here returns or logs a token's value: a finding says where the token is (line and
 * columns, enough for a caller that holds the text to replace it), under which key, and its id
 * and claims.
 *
 * The env-file grammar is dotenv's, and lives in `envFile.ts` (one home for the writer and this reader).
 * **Commented-out tokens are reported**, marked `commented`: dotenv does not load them, but the
 * secret is still in the file (and in its history, and in every copy of it), so it matters to know
 * it is there, and to replace it when the token is rotated.
 */

import { createHash } from 'node:crypto';
import { parseEnvAssignment, splitEnvLines, type EnvAssignment } from './envFile';

/** The claims of a found token that a caller may need. Present only when the token carries them. */
export interface TokenClaims {
  /** Expiry, epoch seconds (CLI login tokens; API tokens do not expire). */
  exp?: number;
  /** Issued at, epoch seconds. */
  iat?: number;
  /** Organization the token is restricted to, if the token says so (`org` or `organization`). */
  organization?: string;
  /** Group the token is restricted to, if the token says so. */
  group?: string;
  /** Scopes the token carries, if it says so. */
  scopes?: string[];
  /** User name (CLI login tokens). */
  username?: string;
}

/** A recognised Platform API token, without its value. */
export interface PlatformToken {
  /** The JWT's `jti`: the id the API lists the token under. */
  tokenId: string;
  claims: TokenClaims;
}

export interface TokenFinding extends PlatformToken {
  /**
   * SHA-256 of the token's value, hex: what tells two values apart (a value with a copied `jti` has
   * the id of the token it copies, not its hash). Never the value itself.
   */
  valueHash: string;
  /** 0-based line, counted as VS Code counts them (`\r\n`, `\n` and a lone `\r` each end a line). */
  line: number;
  /** 0-based column (UTF-16 code units, as `vscode.Position`) of the token's first character. */
  startColumn: number;
  /** The column just after the token's last character. */
  endColumn: number;
  /**
   * The variable the token is the value of (or is inside the value of: `URL=https://…?t=<token>`).
   * Undefined when the token is not in an assignment's value: a trailing comment, a line that is
   * not `KEY=value`.
   */
  key?: string;
  /** On a commented-out line (`# KEY=<token>`) or in a trailing comment: not loaded, still present. */
  commented: boolean;
}

/** A JWT-shaped run: three base64url parts, not glued to other base64url text or dots (nor padded with `=`). */
const CANDIDATE = /(?<![A-Za-z0-9_.-])[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}(?![A-Za-z0-9_.=-])/g;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Claims of libSQL database and group auth tokens: a JWT with any of them is not a Platform API token. */
const DATABASE_CLAIMS = ['a', 'p', 'id', 'gid', 'rid'];
const ED25519_SIGNATURE_BYTES = 64;

/**
 * The token id and claims of `value` when it is a Turso Platform API token (see the file comment for
 * the rules), else undefined. Does not verify the signature: the API is the authority on validity.
 */
export function readPlatformToken(value: string): PlatformToken | undefined {
  const parts = value.split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) {
    return undefined;
  }
  const header = decodeJson(parts[0]);
  if (!header || header.alg !== 'EdDSA' || (header.typ !== undefined && header.typ !== 'JWT')) {
    return undefined;
  }
  if (Buffer.from(parts[2], 'base64url').length !== ED25519_SIGNATURE_BYTES) {
    return undefined;
  }
  const payload = decodeJson(parts[1]);
  if (!payload || !isTokenId(payload.jti) || DATABASE_CLAIMS.some((c) => c in payload)) {
    return undefined;
  }
  const claims: TokenClaims = {};
  if (isEpoch(payload.exp)) claims.exp = payload.exp;
  if (isEpoch(payload.iat)) claims.iat = payload.iat;
  const organization = payload.org ?? payload.organization;
  if (typeof organization === 'string') claims.organization = organization;
  if (typeof payload.group === 'string') claims.group = payload.group;
  if (Array.isArray(payload.scopes) && payload.scopes.every((s) => typeof s === 'string')) claims.scopes = [...payload.scopes] as string[];
  if (typeof payload.username === 'string') claims.username = payload.username;
  return { tokenId: payload.jti, claims };
}

/** SHA-256 of a token value, hex: a key for what is known of that exact value, never the value. */
export function tokenValueHash(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** True when `id` looks like a Turso token id: 22 characters of canonical unpadded base64url, 16 bytes. */
export function isTokenId(id: unknown): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9_-]{22}$/.test(id) && Buffer.from(id, 'base64url').toString('base64url') === id;
}

/** Every Platform API token in an env file's text, in the order they appear. */
export function findTokens(text: string): TokenFinding[] {
  return findJwts(text, readPlatformToken);
}

/** Where a JWT `read` recognised is in an env file's text (never its value). */
export type Placed<T> = T & Omit<TokenFinding, keyof PlatformToken>;

/**
 * Every JWT of an env file's text that `read` recognises (returns what it knows of it), with where
 * it is, in the order they appear: the one grammar for Platform API tokens and database tokens.
 */
export function findJwts<T extends object>(text: string, read: (value: string) => T | undefined): Placed<T>[] {
  const findings: Placed<T>[] = [];
  // A cheap way out for the usual file: every JWT has two dots, and its JSON header and payload
  // start with `{"` = "eyJ" in base64url (or `{ ` = "eyA"/"eyB" with spacing).
  if (!/ey[A-Za-z0-9_-]/.test(text)) {
    return findings;
  }
  const lines = splitEnvLines(text).map((l) => l.body);
  const segmentsOf = lineSegments(lines);
  for (let line = 0; line < lines.length; line++) {
    const body = lines[line];
    if (!body.includes('.')) {
      continue;
    }
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(body); m; m = CANDIDATE.exec(body)) {
      const token = read(m[0]);
      if (!token) {
        continue;
      }
      const start = m.index;
      const segment = segmentsOf[line].find((s) => start >= s.start && start < s.end);
      findings.push({
        ...token,
        valueHash: tokenValueHash(m[0]),
        line,
        startColumn: start,
        endColumn: start + m[0].length,
        ...(segment?.key !== undefined ? { key: segment.key } : {}),
        commented: segment?.commented ?? false,
      });
    }
  }
  return findings;
}

/** Findings grouped by token id (one token may be in several places). */
export function groupByTokenId<F extends { tokenId: string }>(findings: Iterable<F>): Map<string, F[]> {
  const groups = new Map<string, F[]>();
  for (const f of findings) {
    const group = groups.get(f.tokenId);
    if (group) group.push(f);
    else groups.set(f.tokenId, [f]);
  }
  return groups;
}

export interface TokenMatches<F, O> {
  /** Findings whose token id has an owner, with it. */
  matched: { finding: F; owner: O }[];
  /** Findings whose token id nobody listed: another account's, revoked, or unknown. */
  unmatched: F[];
}

/**
 * Matches findings to the tokens a caller knows, by token id (a listed token's `id` is its JWT's
 * `jti`), without sending anything anywhere. `ownerOf` returns who lists the id (an account, a
 * tree node…) or undefined.
 */
export function matchFindings<F extends { tokenId: string }, O>(findings: Iterable<F>, ownerOf: (tokenId: string) => O | undefined): TokenMatches<F, O> {
  const result: TokenMatches<F, O> = { matched: [], unmatched: [] };
  for (const finding of findings) {
    const owner = ownerOf(finding.tokenId);
    if (owner === undefined) result.unmatched.push(finding);
    else result.matched.push({ finding, owner });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// dotenv lines

/** A stretch of a line that is a value (key set) or a comment (commented set). */
interface Segment {
  start: number;
  end: number;
  key?: string;
  commented: boolean;
}

/**
 * The segments of every line, by the env-file grammar of `envFile.ts`. A commented-out line
 * (`# KEY=<token>`) keeps its key (a disabled assignment) and never opens a multi-line value.
 */
function lineSegments(lines: readonly string[]): Segment[][] {
  const out: Segment[][] = [];
  for (let line = 0; line < lines.length; line++) {
    const body = lines[line];
    const hash = /^\s*#/.exec(body);
    if (hash) {
      const inner = parseEnvAssignment([body], 0, hash[0].length);
      const segments = inner ? assignmentSegments([body], 0, inner, hash[0].length)[0].map((s) => ({ ...s, commented: true })) : [];
      out.push([...segments, { start: hash[0].length - 1, end: body.length + 1, commented: true }]);
      continue;
    }
    const assignment = parseEnvAssignment(lines, line);
    if (!assignment) {
      out.push([{ start: 0, end: body.length + 1, commented: false }]);
      continue;
    }
    out.push(...assignmentSegments(lines, line, assignment, 0));
    line = assignment.lastLine;
  }
  return out;
}

/** The segments of the lines of one assignment (from `first` to its last line): its value, then what follows it. */
function assignmentSegments(lines: readonly string[], first: number, a: EnvAssignment, from: number): Segment[][] {
  const out: Segment[][] = [];
  for (let line = first; line < a.lastLine; line++) {
    out.push([{ start: line === first ? from : 0, end: lines[line].length + 1, key: a.key, commented: false }]);
  }
  const body = lines[a.lastLine];
  const last: Segment[] = [{ start: a.lastLine === first ? from : 0, end: a.valueEnd, key: a.key, commented: false }];
  const commentStart = a.commentStart ?? body.length + 1;
  if (a.valueEnd < commentStart && a.valueEnd < body.length) {
    // Stray text after a closing quote: neither a value nor a comment.
    last.push({ start: a.valueEnd, end: commentStart, commented: false });
  }
  if (a.commentStart !== undefined) {
    last.push({ start: a.commentStart, end: body.length + 1, commented: true });
  }
  out.push(last);
  return out;
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  // Header and payload are JSON objects: base64url of `{` starts with "e".
  if (segment[0] !== 'e') {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isEpoch(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
