/**
 * Database and group tokens (libSQL) in env files: where they are, which database or group of the
 * signed-in accounts' organizations each is for, and what is wrong with it. Pure (no `vscode`), so it
 * is unit-tested in plain Node; `databaseTokens.ts` is the glue.
 *
 * Nothing here returns or keeps a token's value: a finding says where it is (line, columns, key), the
 * SHA-256 of its value, and its claims (target id, access, issued, expiry).
 */
import * as l10n from '@vscode/l10n';
import { readDatabaseTokenClaims, type Database, type DatabaseTokenClaims, type DatabaseTokenTarget } from '../platform/databases';
import { parseEnvAssignment, splitEnvLines } from './envFile';
import { findJwts, type Placed } from './tokenFinder';

/** A database or group token found in an env file, without its value. */
export type DatabaseTokenFinding = Placed<{ claims: DatabaseTokenClaims }>;

/** A `*_URL` assignment of the same file whose value is a URL (a database's, maybe). */
export interface EnvUrl {
  key: string;
  /** `libsql:`, `https:`, `wss:`… */
  scheme: string;
  /** Lower case, no port. */
  host: string;
  line: number;
}

/** What one env file holds of database tokens: the tokens, and the URLs they may go with. */
export interface DatabaseTokenFile {
  tokens: DatabaseTokenFinding[];
  urls: EnvUrl[];
}

/** A database token's claims, when `value` is one (an EdDSA JWT with an `id` or `gid` and no `jti`). */
export function readDatabaseToken(value: string): { claims: DatabaseTokenClaims } | undefined {
  const header = value.split('.', 1)[0];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || (parsed as { alg?: unknown }).alg !== 'EdDSA') {
      return undefined;
    }
  } catch {
    return undefined;
  }
  const claims = readDatabaseTokenClaims(value);
  return claims ? { claims } : undefined;
}

/** The database tokens of an env file's text and its `*_URL` values; undefined when it holds no database token. */
export function findDatabaseTokens(text: string): DatabaseTokenFile | undefined {
  const tokens = findJwts(text, readDatabaseToken);
  return tokens.length > 0 ? { tokens, urls: findEnvUrls(text) } : undefined;
}

const URL_SCHEMES = new Set(['libsql:', 'https:', 'http:', 'wss:', 'ws:']);

/** The assignments (not commented out) whose key ends in `URL` and whose value is an http(s), ws(s) or libsql URL. */
export function findEnvUrls(text: string): EnvUrl[] {
  const lines = splitEnvLines(text).map((l) => l.body);
  const urls: EnvUrl[] = [];
  for (let line = 0; line < lines.length; line++) {
    const a = parseEnvAssignment(lines, line);
    if (!a) continue;
    const first = line;
    line = a.lastLine;
    if (!/URL$/i.test(a.key) || a.lastLine !== first) continue;
    let value = lines[first].slice(a.valueStart, a.valueEnd).trim();
    if (a.quote && value.startsWith(a.quote) && value.endsWith(a.quote) && value.length >= 2) value = value.slice(1, -1);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      continue;
    }
    if (URL_SCHEMES.has(url.protocol) && url.hostname) {
      urls.push({ key: a.key, scheme: url.protocol, host: url.hostname.toLowerCase(), line: first });
    }
  }
  return urls;
}

// ---------------------------------------------------------------------------------------------
// Which database or group

/** A database of a signed-in account's organization. */
export interface DatabaseHome {
  accountId: string;
  /** The organization's slug (what the API's paths take). */
  organization: string;
  database: Database;
}

/** A group of a signed-in account's organization, with its databases. */
export interface GroupHome {
  accountId: string;
  organization: string;
  name: string;
  uuid: string;
  databases: Database[];
}

/** What one organization lists (databases and groups), as `DatabaseIndex.build` takes it. */
export interface OrganizationDatabases {
  accountId: string;
  organization: string;
  databases: readonly Database[];
  groups: readonly { name: string; uuid?: string }[];
}

export type TokenHome = { kind: 'database'; home: DatabaseHome } | { kind: 'group'; home: GroupHome };

/** The databases and groups of every signed-in account, by database id, group uuid and hostname. */
export class DatabaseIndex {
  private readonly byId = new Map<string, DatabaseHome>();
  private readonly byHost = new Map<string, DatabaseHome>();
  private readonly groups = new Map<string, GroupHome>();
  /** `organization/group name` → the group's uuid (for a database of a group). */
  private readonly groupUuids = new Map<string, string>();

  /**
   * @param complete every organization of every account answered: a token matched by none is for
   * a database none of them has (else it may be in the one that did not answer).
   */
  constructor(readonly complete: boolean) {}

  static build(orgs: readonly OrganizationDatabases[], complete: boolean): DatabaseIndex {
    const index = new DatabaseIndex(complete);
    for (const org of orgs) {
      for (const database of org.databases) {
        const home = { accountId: org.accountId, organization: org.organization, database };
        if (!index.byId.has(database.id)) index.byId.set(database.id, home);
        if (!index.byHost.has(database.hostname.toLowerCase())) index.byHost.set(database.hostname.toLowerCase(), home);
      }
      for (const group of org.groups) {
        if (!group.uuid) continue;
        index.groupUuids.set(`${org.organization}/${group.name}`, group.uuid);
        if (index.groups.has(group.uuid)) continue;
        index.groups.set(group.uuid, {
          accountId: org.accountId,
          organization: org.organization,
          name: group.name,
          uuid: group.uuid,
          databases: org.databases.filter((d) => d.group === group.name),
        });
      }
    }
    return index;
  }

  /** The database or group a token is for, when one of the accounts' organizations has it. */
  homeOf(claims: Pick<DatabaseTokenClaims, 'kind' | 'targetId'>): TokenHome | undefined {
    if (claims.kind === 'group') {
      const home = this.groups.get(claims.targetId);
      return home && { kind: 'group', home };
    }
    const home = this.byId.get(claims.targetId);
    return home && { kind: 'database', home };
  }

  /** The database whose `Hostname` this is. */
  databaseAt(host: string): DatabaseHome | undefined {
    return this.byHost.get(host.toLowerCase());
  }

  /** The uuid of the group a database belongs to (its key is the group's). */
  groupUuidOf(home: DatabaseHome): string | undefined {
    return home.database.group === undefined ? undefined : this.groupUuids.get(`${home.organization}/${home.database.group}`);
  }

  /** The ids whose invalidation stops this token: its target's, and its database's group's. */
  invalidatingIds(claims: Pick<DatabaseTokenClaims, 'kind' | 'targetId'>): string[] {
    const home = this.homeOf(claims);
    const group = home?.kind === 'database' ? this.groupUuidOf(home.home) : undefined;
    return group ? [claims.targetId, group] : [claims.targetId];
  }
}

/** What to mint a token for, to replace one for `home`. */
export function targetOf(home: TokenHome): DatabaseTokenTarget {
  return home.kind === 'group' ? { kind: 'group', name: home.home.name } : { kind: 'database', name: home.home.database.name };
}

/** The name shown for a token's target: `database "x"` / `group "g"`. */
export function homeLabel(home: TokenHome): string {
  return home.kind === 'group'
    ? l10n.t('group "{0}" of {1}', home.home.name, home.home.organization)
    : l10n.t('database "{0}" of {1}', home.home.database.name, home.home.organization);
}

// ---------------------------------------------------------------------------------------------
// Which URL a token goes with

const TOKEN_SUFFIX = /_?(?:AUTH_)?TOKEN$/i;
const URL_SUFFIX = /_?(?:DATABASE_|DB_)?URL$/i;

/**
 * The database URL of the same file a token goes with: the `*_URL` with the token key's prefix
 * (`TURSO_AUTH_TOKEN` → `TURSO_DATABASE_URL`, `TURSO_URL`), the last one when it is assigned twice;
 * else the file's only database URL (`libsql:`, a `*.turso.io` host, or a known database's host).
 */
export function pairedUrl(token: Pick<DatabaseTokenFinding, 'key'>, urls: readonly EnvUrl[], isDatabaseHost: (host: string) => boolean): EnvUrl | undefined {
  const candidates = urls.filter((u) => u.scheme === 'libsql:' || u.host.endsWith('.turso.io') || isDatabaseHost(u.host));
  if (token.key !== undefined && TOKEN_SUFFIX.test(token.key)) {
    const prefix = token.key.replace(TOKEN_SUFFIX, '').toUpperCase();
    const same = candidates.filter((u) => u.key.replace(URL_SUFFIX, '').toUpperCase() === prefix);
    if (same.length > 0) return same[same.length - 1];
  }
  const hosts = new Set(candidates.map((u) => u.host));
  return hosts.size === 1 ? candidates[candidates.length - 1] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Problems

export const EXPIRING_SECONDS = 7 * 86_400;

export type DatabaseTokenProblemCode =
  | 'database-token-expired'
  | 'database-token-expiring'
  | 'database-token-other-database'
  | 'database-token-invalidated'
  | 'database-token-unknown'
  | 'database-token-refused';

export interface DatabaseTokenProblem {
  code: DatabaseTokenProblemCode;
  severity: 'error' | 'warning' | 'information';
  message: string;
}

export interface ProblemContext {
  /** The databases of the signed-in accounts; undefined while not known (not asked yet, or the lookup failed). */
  index: DatabaseIndex | undefined;
  /** The file's `*_URL` values. */
  urls: readonly EnvUrl[];
  /** Target id (DbId or group uuid) → when this editor invalidated its tokens, epoch seconds. */
  invalidations: ReadonlyMap<string, number>;
  /** Epoch seconds. */
  now: number;
}

/** Everything wrong with one found token, most serious first. */
export function databaseTokenProblems(token: Pick<DatabaseTokenFinding, 'claims' | 'key' | 'commented'>, ctx: ProblemContext): DatabaseTokenProblem[] {
  const problems: DatabaseTokenProblem[] = [];
  const { claims } = token;
  const home = ctx.index?.homeOf(claims);
  const what = home ? homeLabel(home) : claims.kind === 'group' ? l10n.t('its group') : l10n.t('its database');
  if (claims.expiresAt !== undefined && claims.expiresAt <= ctx.now) {
    problems.push({ code: 'database-token-expired', severity: 'error', message: l10n.t('This token for {0} expired on {1}', what, isoDate(claims.expiresAt)) });
  } else if (claims.expiresAt !== undefined && claims.expiresAt - ctx.now <= EXPIRING_SECONDS) {
    problems.push({ code: 'database-token-expiring', severity: 'warning', message: l10n.t('This token for {0} expires on {1}', what, isoDate(claims.expiresAt)) });
  }
  const invalidatedAt = invalidationOf(claims, ctx);
  if (invalidatedAt !== undefined) {
    problems.push({
      code: 'database-token-invalidated',
      severity: 'error',
      message: l10n.t('The tokens of {0} were invalidated in this editor on {1}, after this one was created: it no longer opens it', what, isoDate(invalidatedAt)),
    });
  }
  const mismatch = home && !token.commented ? otherDatabase(token, home, ctx) : undefined;
  if (mismatch) problems.push(mismatch);
  if (!home && ctx.index?.complete) {
    problems.push({
      code: 'database-token-unknown',
      severity: 'information',
      message: claims.kind === 'group'
        ? l10n.t('This group token is for a group none of the signed-in accounts\' organizations has')
        : l10n.t('This database token is for a database none of the signed-in accounts\' organizations has'),
    });
  }
  return problems;
}

/** When this editor invalidated the token's target (or its database's group) after the token was issued. */
function invalidationOf(claims: DatabaseTokenClaims, ctx: ProblemContext): number | undefined {
  if (claims.issuedAt === undefined) return undefined;
  const ids = ctx.index?.invalidatingIds(claims) ?? [claims.targetId];
  const at = Math.max(...ids.map((id) => ctx.invalidations.get(id) ?? 0));
  return at > claims.issuedAt ? at : undefined;
}

/** The token is for another database than the file's URL it goes with (error naming both). */
function otherDatabase(token: Pick<DatabaseTokenFinding, 'key'>, home: TokenHome, ctx: ProblemContext): DatabaseTokenProblem | undefined {
  const index = ctx.index;
  if (!index) return undefined;
  const url = pairedUrl(token, ctx.urls, (host) => index.databaseAt(host) !== undefined);
  if (!url) return undefined;
  const there = index.databaseAt(url.host);
  const fits = home.kind === 'database'
    ? home.home.database.hostname.toLowerCase() === url.host
    : home.home.databases.some((d) => d.hostname.toLowerCase() === url.host);
  if (fits) return undefined;
  const other = there ? l10n.t('database "{0}" of {1}', there.database.name, there.organization) : url.host;
  return {
    code: 'database-token-other-database',
    severity: 'error',
    message: l10n.t({
      message: 'This token is for {0}, but {1} is {2}: it does not open it',
      args: [homeLabel(home), url.key, other],
      comment: ['{0} is the token\'s database or group ("database "x" of acme"), {1} the variable holding the URL (TURSO_DATABASE_URL), {2} the database that URL is (or its host).'],
    }),
  };
}

function isoDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

// ---------------------------------------------------------------------------------------------
// The replacement's lifetime

/**
 * The lifetime of a new token like `claims`, as the API's `expiration` takes it: `never` for a token
 * without `exp`; else `exp − iat` rounded to the minute (at least one), in days, hours and minutes
 * (`30d`, `1d12h`, `45m`). A token without `iat` gets 7 days (its lifetime cannot be known).
 */
export function lifetimeExpiration(claims: Pick<DatabaseTokenClaims, 'issuedAt' | 'expiresAt'>): string {
  if (claims.expiresAt === undefined) return 'never';
  if (claims.issuedAt === undefined || claims.expiresAt <= claims.issuedAt) return '7d';
  const minutes = Math.max(1, Math.round((claims.expiresAt - claims.issuedAt) / 60));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return `${days ? `${days}d` : ''}${hours ? `${hours}h` : ''}${rest ? `${rest}m` : ''}`;
}

/** How a lifetime reads to a person: "never expires", "expires in 30d". */
export function lifetimeLabel(expiration: string): string {
  return expiration === 'never' ? l10n.t('never expires') : l10n.t('expires in {0}', expiration);
}

/** The rows of a token's hover (never its value). */
export function describeDatabaseToken(claims: DatabaseTokenClaims, home: TokenHome | undefined): [string, string][] {
  const rows: [string, string][] = [];
  if (home?.kind === 'group') {
    rows.push([l10n.t('Group'), home.home.name], [l10n.t('Organization'), home.home.organization]);
    rows.push([l10n.t('Databases'), home.home.databases.map((d) => d.name).join(', ') || l10n.t('none')]);
  } else if (home) {
    rows.push([l10n.t('Database'), home.home.database.name], [l10n.t('Organization'), home.home.organization]);
  } else {
    rows.push([claims.kind === 'group' ? l10n.t('Group ID') : l10n.t('Database ID'), claims.targetId]);
  }
  rows.push([l10n.t('Access'), claims.access === 'read-only' ? l10n.t('Read-only') : l10n.t('Full access')]);
  if (claims.readAttach.length > 0) rows.push([l10n.t('Read ATTACH'), claims.readAttach.join(', ')]);
  if (claims.issuedAt !== undefined) rows.push([l10n.t('Created'), isoDate(claims.issuedAt)]);
  rows.push([l10n.t('Expires'), claims.expiresAt === undefined ? l10n.t('never') : isoDate(claims.expiresAt)]);
  return rows;
}
