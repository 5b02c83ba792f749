// Databases and their tokens in the emulated Platform API (spec: listDatabases, createDatabaseToken,
// createGroupToken, invalidateDatabaseTokens, invalidateGroupTokens), and the minimal libSQL HTTP
// endpoint (hrana over HTTP, `/v2`) that says whether such a token opens a database.
//
// Claims, as the libSQL server reads them (tursodatabase/libsql, libsql-server/src/auth/
// user_auth_strategies/jwt.rs `Token`, auth/authorized.rs `Authorized`) and as a real Turso database
// token carries them (turso-api.md §6): `{a: "rw"|"ro", iat, id: <DbId>, rid}`; a group token has
// `gid: <group uuid>` instead of `id`; `exp` only when minted with an expiration; read ATTACH as
// `p: {roa: {ns: [<database names>]}}`. Signed (EdDSA) with the key of the database's group, or its
// own when it has none; `…/auth/rotate` replaces that key.
import { randomUUID } from 'node:crypto';
import { verifiedPayload } from './jwt';
import { ApiRequest, ApiResponse, err, isGroupScoped, isResponse, ok, orgAccess } from './respond';
import type { RouteId } from './routes';
import { DatabaseRecord, Group, Org, Principal, Role, Store } from './store';

const UNIT_SECONDS: Record<string, number> = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 };

/** `never` (or absent) → undefined; `2w1d30m` → seconds; anything else → null (400). */
export function expirationSeconds(text: string | null): number | undefined | null {
  if (text === null || text === '' || text === 'never') return undefined;
  const m = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m) return null;
  let seconds = 0;
  'wdhms'.split('').forEach((unit, i) => {
    if (m[i + 1] !== undefined) seconds += Number(m[i + 1]) * UNIT_SECONDS[unit];
  });
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : null;
}

export function databaseBody(db: DatabaseRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Name: db.name,
    DbId: db.dbId,
    Hostname: db.hostname,
    block_reads: false,
    block_writes: false,
    regions: [db.primaryRegion],
    primaryRegion: db.primaryRegion,
  };
  if (db.group !== undefined) out.group = db.group;
  out.delete_protection = false;
  out.parent = null;
  return out;
}

function databaseNotFound(name: string): ApiResponse {
  return err(404, `could not find database with name ${name}: record not found`);
}

/** A group-scoped API token's own group, if the principal is one. */
function pinnedGroup(p: Principal): string | undefined {
  return p.kind === 'api' && p.token.group !== undefined ? p.token.groupUuid ?? '' : undefined;
}

function hasScope(p: Principal, scope: string): boolean {
  return p.kind === 'api' && (p.token.scopes ?? []).includes(scope);
}

/** `GET /v1/organizations/{org}/databases[?group=]`: creation order; a group-scoped token sees its group's only (with `read`). */
export function listDatabases(store: Store, req: ApiRequest, p: Principal): ApiResponse {
  const a = orgAccess(store, p, req.params.organizationSlug);
  if (isResponse(a)) return a;
  const pinned = pinnedGroup(p);
  if (pinned !== undefined && !hasScope(p, 'read')) return err(403, 'this token does not have the "read" scope');
  const groupFilter = req.query.get('group');
  const databases = store.databases
    .filter((d) => d.organization === a.org.slug)
    .filter((d) => !groupFilter || d.group === groupFilter)
    .filter((d) => pinned === undefined || store.groupOf(d)?.uuid === pinned)
    .map(databaseBody);
  return ok({ databases });
}

type Target = { kind: 'database'; db: DatabaseRecord; group: Group | undefined } | { kind: 'group'; group: Group };

/** The database or group of the path, after the org and role checks; or the error. */
function target(store: Store, req: ApiRequest, p: Principal, action: 'mint' | 'rotate'): { org: Org; role: Role; target: Target } | ApiResponse {
  const a = orgAccess(store, p, req.params.organizationSlug);
  if (isResponse(a)) return a;
  let t: Target;
  if (req.params.databaseName !== undefined) {
    const db = req.undecodable.includes('databaseName') ? undefined : store.database(a.org.slug, req.params.databaseName);
    if (!db) return databaseNotFound(req.params.databaseName);
    t = { kind: 'database', db, group: store.groupOf(db) };
  } else {
    const group = req.undecodable.includes('groupName') ? undefined : a.org.groups.find((g) => g.name === req.params.groupName);
    if (!group) return err(404, 'group not found');
    t = { kind: 'group', group };
  }
  if (a.role === 'viewer') {
    return err(403, action === 'mint'
      ? `viewers of organization "${a.org.slug}" cannot create database tokens`
      : `viewers of organization "${a.org.slug}" cannot invalidate database tokens`);
  }
  if (isGroupScoped(p)) {
    const scope = `${t.kind === 'group' ? 'group' : 'db'}:${action === 'mint' ? 'mint-token' : 'rotate-creds'}`;
    if (!hasScope(p, scope)) return err(403, `this token does not have the "${scope}" scope`);
    if (t.group?.uuid !== pinnedGroup(p)) return err(403, 'this token is restricted to another group');
  }
  return { ...a, target: t };
}

/** The body's `permissions.read_attach.databases` (names), or the 400. */
function readAttach(store: Store, org: Org, text: string): string[] | ApiResponse {
  if (!text.trim()) return [];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return err(400, 'invalid request body: not valid JSON');
  }
  if (body === null) return [];
  if (typeof body !== 'object' || Array.isArray(body)) return err(400, 'invalid request body: expected a JSON object');
  const names = (body as { permissions?: { read_attach?: { databases?: unknown } } }).permissions?.read_attach?.databases;
  if (names === undefined || names === null) return [];
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
    return err(400, 'invalid request body: permissions.read_attach.databases must be an array of strings');
  }
  const unknown = names.find((n) => !store.database(org.slug, n));
  if (unknown !== undefined) return err(400, `invalid read_attach: database "${unknown}" not found in organization "${org.slug}"`);
  return [...new Set(names)];
}

/** `POST …/databases/{db}/auth/tokens` and `…/groups/{group}/auth/tokens` → `{jwt}`. */
export function mintDatabaseToken(store: Store, req: ApiRequest, p: Principal): ApiResponse {
  const t = target(store, req, p, 'mint');
  if (isResponse(t)) return t;
  const lifetime = expirationSeconds(req.query.get('expiration'));
  if (lifetime === null) return err(400, 'Invalid expiration format');
  const authorization = req.query.get('authorization') ?? 'full-access';
  if (authorization !== 'full-access' && authorization !== 'read-only') {
    return err(400, 'invalid authorization: must be "full-access" or "read-only"');
  }
  const attach = readAttach(store, t.org, req.body);
  if (isResponse(attach)) return attach;
  const iat = Math.floor(req.now / 1000);
  const claims: Record<string, unknown> = { a: authorization === 'read-only' ? 'ro' : 'rw', iat };
  if (t.target.kind === 'group') claims.gid = t.target.group.uuid;
  else claims.id = t.target.db.dbId;
  claims.rid = randomUUID();
  if (lifetime !== undefined) claims.exp = iat + lifetime;
  if (attach.length > 0) claims.p = { roa: { ns: attach } };
  const keyId = t.target.kind === 'group' ? store.keyIdOf({ group: t.target.group }) : store.keyIdOf({ database: t.target.db });
  return ok({ jwt: store.databaseKey(keyId).signer.signPayload(claims) });
}

/** `POST …/auth/rotate`: 200, no content. A database in a group rotates the group's key (every database of it). */
export function rotateDatabaseKey(store: Store, req: ApiRequest, p: Principal): ApiResponse {
  const t = target(store, req, p, 'rotate');
  if (isResponse(t)) return t;
  const keyId = t.target.kind === 'group' ? store.keyIdOf({ group: t.target.group }) : store.keyIdOf({ database: t.target.db });
  store.rotateDatabaseKey(keyId);
  return { status: 200, raw: { contentType: 'text/plain; charset=utf-8', text: '' } };
}

/** Valid JSON of the wrong shape for these routes (fault kind 'wrong-shape'). */
export function databaseTokenWrongShape(id: RouteId): unknown {
  if (id === 'list-databases') return { databases: 'nope' };
  if (id === 'create-database-token' || id === 'create-group-token') return { jwt: 42 };
  return 'rotated';
}

// ---- the libSQL HTTP endpoint (hrana over HTTP v2) --------------------------------------------------

export interface LibsqlRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
  now: number;
}

export interface LibsqlResponse {
  status: number;
  body: unknown;
  /** `text/plain` instead of JSON (`GET /v2`). */
  text?: string;
  /** The token opened the database. */
  authorized: boolean;
}

const AUTH_MISSING = 'The `Authorization` HTTP header is required but was not specified';
const AUTH_SCHEME = 'The authentication scheme in the `Authorization` HTTP header is not supported';
const JWT_INVALID = 'The JWT is invalid';
const JWT_EXPIRED = 'The JWT has expired';

/** libsql-server's 401 body for an AuthError (src/error.rs). */
function unauthorized(message: string): LibsqlResponse {
  return { status: 401, body: { error: `Unauthorized: \`${message}\`` }, authorized: false };
}

/** The token's access to `db`, or the 401 the libSQL server would give. */
function authorize(store: Store, db: DatabaseRecord, authorization: string | undefined, now: number): 'rw' | 'ro' | LibsqlResponse {
  if (!authorization || !authorization.trim()) return unauthorized(AUTH_MISSING);
  const m = /^(\S+)\s+(\S+)$/.exec(authorization.trim());
  if (!m || m[1].toLowerCase() !== 'bearer') return unauthorized(AUTH_SCHEME);
  const key = store.databaseKey(store.keyIdOf({ database: db }));
  const claims = verifiedPayload(m[2], key.signer.publicKey);
  if (!claims) return unauthorized(JWT_INVALID);
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= now) return unauthorized(JWT_EXPIRED);
  const group = store.groupOf(db);
  const forThis = claims.gid !== undefined ? group !== undefined && claims.gid === group.uuid : claims.id === db.dbId;
  if (!forThis) {
    return { status: 401, body: { error: `Authorization forbidden: the token is not for database ${db.name}` }, authorized: false };
  }
  return claims.a === 'ro' || claims.a === 'roa' ? 'ro' : 'rw';
}

/** Statements that only read (what a read-only token may run); a rough guess, enough for a check. */
function isRead(sql: string): boolean {
  const s = sql.trim();
  if (/^(select|explain|values)\b/i.test(s)) return true;
  if (/^pragma\b/i.test(s)) return !s.includes('=');
  if (/^with\b/i.test(s)) return !/\b(insert|update|delete|replace)\b/i.test(s);
  return false;
}

function executeResult(sql: string): Record<string, unknown> {
  const literal = /^\s*select\s+(-?\d+)\s*;?\s*$/i.exec(sql);
  if (literal) {
    return {
      cols: [{ name: literal[1], decltype: null }], rows: [[{ type: 'integer', value: literal[1] }]],
      affected_row_count: 0, last_insert_rowid: null, replication_index: null, rows_read: 0, rows_written: 0, query_duration_ms: 0,
    };
  }
  return {
    cols: [], rows: [], affected_row_count: 0, last_insert_rowid: null, replication_index: null, rows_read: 0, rows_written: 0, query_duration_ms: 0,
  };
}

/** `POST /v2/pipeline`: `{requests:[{type:"execute",stmt:{sql}}|{type:"close"}]}` → `{baton:null,base_url:null,results:[…]}`. */
function pipeline(body: string, access: 'rw' | 'ro', db: DatabaseRecord): LibsqlResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { status: 400, body: { error: 'Invalid JSON body' }, authorized: true };
  }
  const requests = (parsed as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) return { status: 400, body: { error: 'Invalid request: expected {"requests": [...]}' }, authorized: true };
  const results = requests.map((r: unknown) => {
    const type = (r as { type?: unknown } | null)?.type;
    if (type === 'close') return { type: 'ok', response: { type: 'close' } };
    const sql = (r as { stmt?: { sql?: unknown } }).stmt?.sql;
    if (type !== 'execute' || typeof sql !== 'string') {
      return { type: 'error', error: { message: 'Unsupported request (this emulator serves execute and close)', code: 'UNSUPPORTED' } };
    }
    if (access === 'ro' && !isRead(sql)) {
      return { type: 'error', error: { message: `Authorization forbidden: the token is read-only for database ${db.name}`, code: 'SQLITE_AUTH' } };
    }
    return { type: 'ok', response: { type: 'execute', result: executeResult(sql) } };
  });
  return { status: 200, body: { baton: null, base_url: null, results }, authorized: true };
}

/** A request to a database's own hostname. */
export function serveLibsql(store: Store, db: DatabaseRecord, req: LibsqlRequest): LibsqlResponse {
  if (req.path === '/v2' && req.method === 'GET') {
    return { status: 200, body: undefined, text: 'Hello, this is HTTP API v2 (Hrana over HTTP)', authorized: false };
  }
  if (req.path !== '/v2/pipeline') return { status: 404, body: { error: 'not found' }, authorized: false };
  if (req.method !== 'POST') return { status: 405, body: { error: 'method not allowed' }, authorized: false };
  const access = authorize(store, db, req.authorization, req.now);
  if (typeof access !== 'string') return access;
  return pipeline(req.body, access, db);
}
