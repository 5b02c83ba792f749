/**
 * Databases and their auth tokens (libSQL): what the Platform API lists and mints, and what a
 * database or group token says about itself. A database token is not a Platform API token: the API
 * keeps no list of them and cannot revoke one; `…/auth/rotate` invalidates every token of a database
 * (or of every database of a group) at once.
 *
 * Claims, as the libSQL server reads them (tursodatabase/libsql, libsql-server/src/auth/
 * user_auth_strategies/jwt.rs `Token` and auth/authorized.rs `Authorized`): `a` the access (`rw`,
 * `ro`, `roa` read with ATTACH), `id` the namespace, `p` finer permissions (`{ro|rw|roa|rwa|ddl:
 * {ns: [...], tags: [...]}}`, a group's databases through the `tags` holding its id), `exp` seconds
 * since the epoch. Turso's tokens add `iat`, `id` the database's `DbId`, `rid`, and `gid` the group's
 * `uuid` for a group token (a public sample; see the reference notes). Nothing here verifies a
 * signature: only the database can say whether a token opens it.
 */

export interface Database {
  /** `Name`: unique in its organization. */
  name: string;
  /** `DbId`: what a database token's `id` claim holds. */
  id: string;
  /** `Hostname`: `libsql://<hostname>` is the database's URL. */
  hostname: string;
  group?: string;
  primaryRegion?: string;
}

export type DatabaseTokenAccess = 'full-access' | 'read-only';

/** What a token is minted for: one database, or every database of a group. */
export type DatabaseTokenTarget = { kind: 'database'; name: string } | { kind: 'group'; name: string };

export interface DatabaseTokenRequest {
  /** `never`, or a duration such as `7d` or `2w1d30m` (see `parseExpiration`). */
  expiration: string;
  access: DatabaseTokenAccess;
  /** Names of other databases the token may read through `ATTACH`. */
  readAttach?: readonly string[];
}

const UNIT_SECONDS: Record<string, number> = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 };
const DURATION = /^(?:\d+[wdhms])+$/;

/**
 * A token lifetime as the API takes it: `never` (or empty) → `never`; `2w1d30m` → that many seconds
 * (weeks, days, hours, minutes, seconds; each unit at most once, largest first). Undefined when the
 * text is neither, or adds up to nothing. The server's answer still decides.
 */
export function parseExpiration(text: string): 'never' | number | undefined {
  const value = text.trim().toLowerCase();
  if (value === '' || value === 'never') {
    return 'never';
  }
  if (!DURATION.test(value)) {
    return undefined;
  }
  const order = 'wdhms';
  let last = -1;
  let seconds = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)([wdhms])/g)) {
    const at = order.indexOf(unit);
    if (at <= last) {
      return undefined;
    }
    last = at;
    seconds += Number(amount) * UNIT_SECONDS[unit];
  }
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}

export interface DatabaseTokenClaims {
  /** A group token (`gid`) or a single database's (`id`). */
  kind: 'database' | 'group';
  /** The database's `DbId` (database tokens) or the group's `uuid` (group tokens). */
  targetId: string;
  access: DatabaseTokenAccess;
  /** Seconds since the epoch. */
  issuedAt?: number;
  /** Seconds since the epoch; undefined: never expires. */
  expiresAt?: number;
  /** Namespaces (database names or ids) the `p` claim lets it read through ATTACH. */
  readAttach: string[];
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * What a database or group token says about itself, or undefined when `value` is not one (not a JWT,
 * a Platform API token — which has a `jti` — or no `id`/`gid`).
 */
export function readDatabaseTokenClaims(value: string): DatabaseTokenClaims | undefined {
  const parts = value.trim().split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) {
    return undefined;
  }
  const payload = decodeJson(parts[1]);
  if (!payload || 'jti' in payload) {
    return undefined;
  }
  const gid = nonEmptyString(payload.gid);
  const id = nonEmptyString(payload.id);
  const targetId = gid ?? id;
  if (targetId === undefined) {
    return undefined;
  }
  const claims: DatabaseTokenClaims = {
    kind: gid !== undefined ? 'group' : 'database',
    targetId,
    access: accessOf(payload),
    readAttach: readAttachOf(payload.p),
  };
  if (isEpoch(payload.iat)) claims.issuedAt = payload.iat;
  if (isEpoch(payload.exp)) claims.expiresAt = payload.exp;
  return claims;
}

/** `ro`/`roa` read only; `rw` (or no `a`: the libSQL server's default for a valid token) full access. */
function accessOf(payload: Record<string, unknown>): DatabaseTokenAccess {
  if (payload.a === 'ro' || payload.a === 'roa') {
    return 'read-only';
  }
  const p = payload.p;
  if (payload.a === undefined && isRecord(p) && p.ro !== undefined && p.rw === undefined && p.rwa === undefined) {
    return 'read-only';
  }
  return 'full-access';
}

function readAttachOf(p: unknown): string[] {
  if (!isRecord(p) || !isRecord(p.roa)) {
    return [];
  }
  const ns = p.roa.ns;
  return Array.isArray(ns) ? ns.filter((n): n is string => typeof n === 'string' && n.length > 0) : [];
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function isEpoch(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}
