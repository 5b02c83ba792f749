// In-memory state of the emulated Turso Platform API: users, organizations, groups, API tokens and
// login sessions, the seed they are reset to, and bearer-token authentication.
import { randomUUID } from 'node:crypto';
import { JwtSigner, newTokenId } from './jwt';

export type Role = 'owner' | 'admin' | 'member' | 'viewer';
export const ROLES: readonly Role[] = ['owner', 'admin', 'member', 'viewer'];

export interface User {
  username: string;
  name: string;
  email: string;
  plan: string;
  mfa: boolean;
  has_pending_invites: boolean;
}

export interface Group {
  name: string;
  version: string;
  uuid: string;
  locations: string[];
  primary: string;
  delete_protection: boolean;
}

export interface Org {
  name: string;
  slug: string;
  type: 'personal' | 'team';
  overages: boolean;
  require_mfa: boolean;
  blocked_reads: boolean;
  blocked_writes: boolean;
  plan_id: string;
  plan_timeline: string;
  platform: string;
  members: Record<string, Role>;
  groups: Group[];
}

export interface ApiTokenRecord {
  id: string; // the JWT's jti
  name: string;
  owner: string; // username
  organization?: string;
  group?: string;
  groupUuid?: string; // group-scoped tokens are pinned by group UUID
  scopes?: string[];
  created_at: string; // YYYY-MM-DD
}

/** A database (libSQL): `Hostname` is `<name>-<organization>.turso.io`, its tokens signed by its group's key. */
export interface DatabaseRecord {
  name: string;
  /** `DbId`: the `id` claim of its database tokens. */
  dbId: string;
  hostname: string;
  organization: string;
  /** The group's name; none for a database created before groups (it has its own key). */
  group?: string;
  primaryRegion: string;
}

/** The key database and group tokens are signed with: one per group, or per database without a group. */
export interface DatabaseKey {
  signer: JwtSigner;
  /** 1 from the seed (or a reset); each `…/auth/rotate` adds one. */
  generation: number;
}

export interface Session {
  jti: string;
  username: string;
  exp: number; // epoch seconds
  issuedAtMs: number;
  /** Issue order (strictly increasing): what `/v1/auth/invalidate` compares, so no two instants can tie. */
  seq: number;
}

/** Who a request acts as: a user, through an API token or a login (session) token. */
export type Principal =
  | { kind: 'api'; user: User; token: ApiTokenRecord }
  | { kind: 'login'; user: User; session: Session };

export type AuthResult = { ok: true; principal: Principal } | { ok: false; status: 401; error: string };

/** The nine individual scopes, in the spec's order; presets expand to these. */
export const SCOPES = [
  'read',
  'db:create',
  'db:delete',
  'db:configure',
  'db:mint-token',
  'db:rotate-creds',
  'group:configure',
  'group:mint-token',
  'group:rotate-creds',
] as const;
export const PRESETS: Record<string, readonly string[]> = { 'read-only': ['read'], 'full-access': SCOPES };

export const DEMO_USERNAME = 'demo';
/** The second seeded user, for tests that hold two accounts. */
export const SECOND_USERNAME = 'alice';
export const LOGIN_TOKEN_LIFETIME_S = 7 * 24 * 60 * 60;
export const MAX_BULK_TOKENS = 10_000;
export const MAX_BULK_DATABASES = 10_000;

export function todayUtc(now = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

function seedUsers(): Record<string, User> {
  return {
    demo: { username: 'demo', name: 'Demo User', email: 'demo@example.com', plan: 'developer', mfa: false, has_pending_invites: false },
    alice: { username: 'alice', name: 'Alice Admin', email: 'alice@example.com', plan: 'scaler', mfa: true, has_pending_invites: false },
  };
}

function org(slug: string, name: string, type: 'personal' | 'team', plan: string, members: Record<string, Role>, groups: Group[] = []): Org {
  return {
    name,
    slug,
    type,
    overages: false,
    require_mfa: false,
    blocked_reads: false,
    blocked_writes: false,
    plan_id: plan,
    plan_timeline: 'monthly',
    platform: '',
    members,
    groups,
  };
}

function group(name: string, uuid: string, location: string): Group {
  return { name, version: 'v0.24.32', uuid, locations: [location], primary: location, delete_protection: false };
}

function seedOrgs(): Record<string, Org> {
  return {
    demo: org('demo', 'personal', 'personal', 'developer', { demo: 'owner' }),
    alice: org('alice', 'personal', 'personal', 'scaler', { alice: 'owner' }),
    acme: org('acme', 'Acme Inc.', 'team', 'scaler', { alice: 'owner', demo: 'admin' }, [
      group('default', '0a28102d-6906-11ee-8553-eaa7715aeaf2', 'aws-us-east-1'),
      group('analytics', '3f6b1c4e-2a7d-11ef-9c1b-0242ac120002', 'aws-eu-west-1'),
    ]),
    partner: org('partner', 'Partner Co', 'team', 'pro', { alice: 'owner', demo: 'member' }, [
      group('default', '7d9e2f10-5b3c-11ef-8a4d-0242ac120002', 'aws-us-west-2'),
    ]),
    studio: org('studio', 'Studio Team', 'team', 'scaler', { demo: 'owner', alice: 'member' }, [
      group('default', 'b5a7e0c2-6c1d-11ef-b864-0242ac120002', 'aws-eu-west-1'),
    ]),
  };
}

function database(organization: string, name: string, dbId: string, group: Group | undefined): DatabaseRecord {
  const db: DatabaseRecord = {
    name, dbId, hostname: `${name}-${organization}.turso.io`, organization, primaryRegion: group?.primary ?? 'aws-us-east-1',
  };
  if (group) db.group = group.name;
  return db;
}

/**
 * A few databases per organization, in groups, so the Databases node has something to show offline:
 * demo's personal org has two from before groups (each its own key), the team orgs some per group.
 */
function seedDatabases(orgs: Record<string, Org>): DatabaseRecord[] {
  const g = (slug: string, name: string): Group | undefined => orgs[slug].groups.find((x) => x.name === name);
  return [
    database('demo', 'notes', '6a1f3c2e-7b4d-11ef-a1c2-0242ac120002', undefined),
    database('demo', 'todo', '6a1f4e90-7b4d-11ef-a1c2-0242ac120002', undefined),
    database('acme', 'orders', '0eb771dd-6906-11ee-8553-eaa7715aeaf2', g('acme', 'default')),
    database('acme', 'inventory', '1c9a2b7e-6906-11ee-8553-eaa7715aeaf2', g('acme', 'default')),
    database('acme', 'events', '4d2e8f10-2a7d-11ef-9c1b-0242ac120002', g('acme', 'analytics')),
    database('partner', 'partner-data', '8e0f3a21-5b3c-11ef-8a4d-0242ac120002', g('partner', 'default')),
    database('studio', 'portfolio', 'c6b8f1d3-6c1d-11ef-b864-0242ac120002', g('studio', 'default')),
    database('studio', 'assets', 'c6b9a2e4-6c1d-11ef-b864-0242ac120002', g('studio', 'default')),
    database('alice', 'scratch', '9f1e2d3c-7b4d-11ef-a1c2-0242ac120002', undefined),
  ];
}

interface SeedIds {
  ciBot: string;
  deployBot: string;
  provisioner: string;
  aliceCiBot: string;
  aliceAnalytics: string;
  alicePartner: string;
  aliceCli: string;
  studioDeploy: string;
  aliceStudioSync: string;
  demoSession: string;
  aliceSession: string;
}

export class Store {
  /** Every value signed since the emulator started (credentials, API and database tokens), reset() or not. */
  readonly issued: string[] = [];
  /**
   * The values the sign-in pages handed to the browser (in the page, or in the address the browser is
   * sent back to, as Turso's do): the browser's own records may hold them (its history, its cache).
   */
  readonly toBrowser: string[] = [];
  private readonly remember = (value: string): void => {
    this.issued.push(value);
  };
  readonly signer = new JwtSigner(this.remember);
  users: Record<string, User> = {};
  orgs: Record<string, Org> = {};
  /** Live API tokens by id (jti), in creation order. */
  tokens = new Map<string, ApiTokenRecord>();
  /** Ids of API tokens that were revoked (or dropped by a reset): they answer "revoked", not "invalid". */
  readonly revoked = new Set<string>();
  /** Login sessions by jti. They survive reset() (they are credentials, not account state). */
  readonly sessions = new Map<string, Session>();
  /** Per user: login sessions with a `seq` up to this one are invalid (POST /v1/auth/invalidate). */
  invalidatedThrough: Record<string, number> = {};
  private sessionSeq = 0;

  /** Whom the browser sign-in pages sign in (POST /__emulator/browser-user); reset() makes it demo again. */
  browserUser = DEMO_USERNAME;

  /** Every organization's databases, in creation order. */
  databases: DatabaseRecord[] = [];
  /** Signing keys of database and group tokens by `keyId` (made when first needed, replaced by a rotate). */
  private databaseKeys = new Map<string, DatabaseKey>();

  private readonly seedIds: SeedIds;
  readonly demoToken: string;
  readonly demoApiToken: string;
  /** The second user's 7-day login token and unrestricted API token (`alice-cli`). */
  readonly aliceToken: string;
  readonly aliceApiToken: string;

  constructor(now = Date.now()) {
    this.seedIds = {
      ciBot: newTokenId(),
      deployBot: newTokenId(),
      provisioner: newTokenId(),
      aliceCiBot: newTokenId(),
      aliceAnalytics: newTokenId(),
      alicePartner: newTokenId(),
      aliceCli: newTokenId(),
      studioDeploy: newTokenId(),
      aliceStudioSync: newTokenId(),
      demoSession: newTokenId(),
      aliceSession: newTokenId(),
    };
    this.reset();
    const exp = Math.floor(now / 1000) + LOGIN_TOKEN_LIFETIME_S;
    const seedSession = (jti: string, username: string): string => {
      this.sessions.set(jti, { jti, username, exp, issuedAtMs: now, seq: ++this.sessionSeq });
      return this.signer.sign({ jti, username, exp });
    };
    this.demoToken = seedSession(this.seedIds.demoSession, DEMO_USERNAME);
    this.aliceToken = seedSession(this.seedIds.aliceSession, SECOND_USERNAME);
    this.demoApiToken = this.signer.sign({ jti: this.seedIds.ciBot });
    this.aliceApiToken = this.signer.sign({ jti: this.seedIds.aliceCli });
  }

  /** Back to the seed. Tokens minted since are treated as revoked; the seed tokens and demo login token work again. */
  reset(): void {
    for (const id of this.tokens.keys()) this.revoked.add(id);
    const s = this.seedIds;
    const seed: ApiTokenRecord[] = [
      { id: s.ciBot, name: 'ci-bot', owner: 'demo', created_at: '2026-04-12' },
      { id: s.deployBot, name: 'deploy-bot', owner: 'demo', organization: 'acme', created_at: '2026-05-02' },
      {
        id: s.provisioner, name: 'provisioner', owner: 'demo', organization: 'acme', group: 'default',
        groupUuid: '0a28102d-6906-11ee-8553-eaa7715aeaf2', scopes: ['read'], created_at: '2026-05-21',
      },
      { id: s.aliceCiBot, name: 'ci-bot', owner: 'alice', organization: 'acme', created_at: '2026-03-30' },
      {
        id: s.aliceAnalytics, name: 'analytics-reader', owner: 'alice', organization: 'acme', group: 'analytics',
        groupUuid: '3f6b1c4e-2a7d-11ef-9c1b-0242ac120002', scopes: ['read', 'db:mint-token'], created_at: '2026-05-10',
      },
      { id: s.alicePartner, name: 'partner-sync', owner: 'alice', organization: 'partner', created_at: '2026-02-14' },
      { id: s.aliceCli, name: 'alice-cli', owner: 'alice', created_at: '2026-01-20' },
      { id: s.studioDeploy, name: 'studio-deploy', owner: 'demo', organization: 'studio', created_at: '2026-05-28' },
      { id: s.aliceStudioSync, name: 'studio-sync', owner: 'alice', organization: 'studio', created_at: '2026-05-30' },
    ];
    this.tokens = new Map(seed.map((t) => [t.id, t]));
    for (const t of seed) this.revoked.delete(t.id);
    this.users = seedUsers();
    this.orgs = seedOrgs();
    this.invalidatedThrough = {};
    this.browserUser = DEMO_USERNAME;
    this.databases = seedDatabases(this.orgs);
    this.databaseKeys = new Map();
  }

  // ---- databases and the keys of their tokens ------------------------------------------------------

  /** A database of an organization by name. */
  database(slug: string, name: string): DatabaseRecord | undefined {
    return this.databases.find((d) => d.organization === slug && d.name === name);
  }

  /** The database a libSQL request is for, by its `Host` header (port and case ignored). */
  databaseByHost(host: string | undefined): DatabaseRecord | undefined {
    if (!host) return undefined;
    const name = host.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    return name.endsWith('.turso.io') ? this.databases.find((d) => d.hostname === name) : undefined;
  }

  /** The group a database belongs to (its record in the org), if any. */
  groupOf(db: DatabaseRecord): Group | undefined {
    return db.group === undefined ? undefined : this.orgs[db.organization]?.groups.find((g) => g.name === db.group);
  }

  /**
   * Which key signs a database's tokens: its group's (the CLI rotates the group for a database in one,
   * internal/cmd/db_invalidatetokens.go), or its own when it has no group.
   */
  keyIdOf(target: { database: DatabaseRecord } | { group: Group }): string {
    if ('group' in target) return `group:${target.group.uuid}`;
    const g = this.groupOf(target.database);
    return g ? `group:${g.uuid}` : `database:${target.database.dbId}`;
  }

  /** The current key of `keyId` (made on first use, generation 1). */
  databaseKey(keyId: string): DatabaseKey {
    let key = this.databaseKeys.get(keyId);
    if (!key) {
      key = { signer: new JwtSigner(this.remember), generation: 1 };
      this.databaseKeys.set(keyId, key);
    }
    return key;
  }

  /** `…/auth/rotate`: a new key, so every token signed with the old one stops opening its databases. */
  rotateDatabaseKey(keyId: string): DatabaseKey {
    const next = { signer: new JwtSigner(this.remember), generation: (this.databaseKeys.get(keyId)?.generation ?? 1) + 1 };
    this.databaseKeys.set(keyId, next);
    return next;
  }

  /** Whose key a database's or group's tokens are signed with and its generation (for tests and benches). */
  keyGeneration(slug: string, target: { database?: string; group?: string }): { key: 'group' | 'database'; name: string; generation: number } {
    const o = Object.prototype.hasOwnProperty.call(this.orgs, slug) ? this.orgs[slug] : undefined;
    if (!o) throw new TypeError(`unknown organization ${JSON.stringify(slug)}`);
    if ((target.database === undefined) === (target.group === undefined)) throw new TypeError('give either database or group');
    let keyId: string;
    let owner: { key: 'group' | 'database'; name: string };
    if (target.group !== undefined) {
      const g = o.groups.find((x) => x.name === target.group);
      if (!g) throw new TypeError(`organization ${slug} has no group ${JSON.stringify(target.group)}`);
      keyId = this.keyIdOf({ group: g });
      owner = { key: 'group', name: g.name };
    } else {
      const db = this.database(slug, target.database as string);
      if (!db) throw new TypeError(`organization ${slug} has no database ${JSON.stringify(target.database)}`);
      keyId = this.keyIdOf({ database: db });
      const g = this.groupOf(db);
      owner = g ? { key: 'group', name: g.name } : { key: 'database', name: db.name };
    }
    return { ...owner, generation: this.databaseKeys.get(keyId)?.generation ?? 1 };
  }

  /**
   * Adds `count` databases `<prefix>-<n>` (n from 1; prefix default `db`) to an organization, in `group`
   * if given (else without a group: each its own key). All or nothing. Returns their names.
   */
  addDatabases(opts: { organization: string; count: number; prefix?: string; group?: string }): string[] {
    const o = Object.prototype.hasOwnProperty.call(this.orgs, opts.organization) ? this.orgs[opts.organization] : undefined;
    if (!o) throw new TypeError(`unknown organization ${JSON.stringify(opts.organization)}`);
    if (!Number.isInteger(opts.count) || opts.count < 1 || opts.count > MAX_BULK_DATABASES) {
      throw new TypeError(`count must be an integer from 1 to ${MAX_BULK_DATABASES}`);
    }
    const prefix = opts.prefix ?? 'db';
    if (typeof prefix !== 'string' || !/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(prefix)) {
      throw new TypeError('prefix must be lowercase letters, numbers and inner hyphens');
    }
    const g = opts.group === undefined ? undefined : o.groups.find((x) => x.name === opts.group);
    if (opts.group !== undefined && !g) throw new TypeError(`organization ${o.slug} has no group ${JSON.stringify(opts.group)}`);
    const taken = new Set(this.databases.filter((d) => d.organization === o.slug).map((d) => d.name));
    const added: DatabaseRecord[] = [];
    for (let i = 1; i <= opts.count; i++) {
      const name = `${prefix}-${i}`;
      if (taken.has(name)) throw new TypeError(`organization ${o.slug} already has a database named ${JSON.stringify(name)}`);
      added.push(database(o.slug, name, randomUUID(), g));
    }
    this.databases.push(...added);
    return added.map((d) => d.name);
  }

  /** Makes the browser sign-in pages sign in `username` (a known user). */
  setBrowserUser(username: string): void {
    if (typeof username !== 'string' || !Object.prototype.hasOwnProperty.call(this.users, username)) {
      throw new TypeError(`unknown user ${JSON.stringify(username)}`);
    }
    this.browserUser = username;
  }

  /** A login token for `username` (created, with a personal org, if unknown). */
  mintLoginToken(opts: { expiresInSeconds?: number; username?: string } = {}, now = Date.now()): string {
    const username = opts.username ?? DEMO_USERNAME;
    if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(username) || username.length > 39) {
      throw new TypeError(`invalid username ${JSON.stringify(username)}`);
    }
    if (opts.expiresInSeconds !== undefined && !Number.isFinite(opts.expiresInSeconds)) {
      throw new TypeError('expiresInSeconds must be a finite number');
    }
    this.ensureUser(username);
    const exp = Math.floor(now / 1000) + Math.trunc(opts.expiresInSeconds ?? LOGIN_TOKEN_LIFETIME_S);
    const jti = newTokenId();
    this.sessions.set(jti, { jti, username, exp, issuedAtMs: now, seq: ++this.sessionSeq });
    return this.signer.sign({ jti, username, exp });
  }

  /** `POST /v1/auth/invalidate`: every login session of `username` issued so far stops working; later ones work. */
  invalidateSessions(username: string): void {
    this.invalidatedThrough[username] = this.sessionSeq;
  }

  /** Sign-up on first login: a user with a personal organization. */
  private ensureUser(username: string): void {
    if (this.users[username]) return;
    this.users[username] = {
      username, name: username, email: `${username}@example.com`, plan: 'starter', mfa: false, has_pending_invites: false,
    };
    if (!this.orgs[username]) this.orgs[username] = org(username, 'personal', 'personal', 'starter', { [username]: 'owner' });
  }

  tokenValue(t: ApiTokenRecord): string {
    return this.signer.sign({ jti: t.id });
  }

  // ---- test fixtures beyond the seed (hostile names, legacy tokens); all undone by reset() -------------

  /** Changes a user's display fields (name, email, plan), e.g. to hostile strings. */
  patchUser(username: string, fields: { name?: string; email?: string; plan?: string }): User {
    const user = Object.prototype.hasOwnProperty.call(this.users, username) ? this.users[username] : undefined;
    if (!user) throw new TypeError(`unknown user ${JSON.stringify(username)}`);
    for (const key of ['name', 'email', 'plan'] as const) {
      const v = fields[key];
      if (v === undefined) continue;
      if (typeof v !== 'string') throw new TypeError(`${key} must be a string`);
      user[key] = v;
    }
    return user;
  }

  /** Changes an organization's display name (its slug stays). */
  patchOrg(slug: string, fields: { name?: string }): Org {
    const o = Object.prototype.hasOwnProperty.call(this.orgs, slug) ? this.orgs[slug] : undefined;
    if (!o) throw new TypeError(`unknown organization ${JSON.stringify(slug)}`);
    if (fields.name !== undefined) {
      if (typeof fields.name !== 'string') throw new TypeError('name must be a string');
      o.name = fields.name;
    }
    return o;
  }

  /** Adds a group of any name to an organization. */
  addGroup(slug: string, name: string): Group {
    const o = Object.prototype.hasOwnProperty.call(this.orgs, slug) ? this.orgs[slug] : undefined;
    if (!o) throw new TypeError(`unknown organization ${JSON.stringify(slug)}`);
    if (typeof name !== 'string' || !name) throw new TypeError('group name must be a non-empty string');
    if (o.groups.some((g) => g.name === name)) throw new TypeError(`organization ${slug} already has a group ${JSON.stringify(name)}`);
    const g = group(name, randomUUID(), 'aws-us-east-1');
    o.groups.push(g);
    return g;
  }

  /**
   * Adds an API token of any name, skipping the API's name rule: a token the real server may still
   * hold from before the rule (names with `/`, `?`, `#`, `%`, spaces…). Returns its id and value.
   */
  addApiToken(opts: { name: string; owner?: string; organization?: string; group?: string; scopes?: string[]; created_at?: string }): { id: string; token: string } {
    const owner = opts.owner ?? DEMO_USERNAME;
    if (!Object.prototype.hasOwnProperty.call(this.users, owner)) throw new TypeError(`unknown user ${JSON.stringify(owner)}`);
    if (typeof opts.name !== 'string' || !opts.name) throw new TypeError('name must be a non-empty string');
    for (const t of this.tokens.values()) {
      if (t.owner === owner && t.name === opts.name) throw new TypeError(`${owner} already has a token named ${JSON.stringify(opts.name)}`);
    }
    if (opts.group !== undefined && opts.organization === undefined) throw new TypeError('group requires organization');
    const rec: ApiTokenRecord = { id: newTokenId(), name: opts.name, owner, created_at: opts.created_at ?? todayUtc() };
    if (opts.organization !== undefined) rec.organization = opts.organization;
    if (opts.group !== undefined) {
      rec.group = opts.group;
      rec.groupUuid = this.orgs[opts.organization as string]?.groups.find((g) => g.name === opts.group)?.uuid;
      rec.scopes = [...(opts.scopes ?? ['read'])];
    }
    this.tokens.set(rec.id, rec);
    return { id: rec.id, token: this.tokenValue(rec) };
  }

  /**
   * Sets `username`'s role in an organization (adding the user as a member if needed), or removes the
   * membership with `role` null. The user's tokens are left as they are.
   */
  setMemberRole(slug: string, username: string, role: Role | null): void {
    const o = Object.prototype.hasOwnProperty.call(this.orgs, slug) ? this.orgs[slug] : undefined;
    if (!o) throw new TypeError(`unknown organization ${JSON.stringify(slug)}`);
    if (!Object.prototype.hasOwnProperty.call(this.users, username)) throw new TypeError(`unknown user ${JSON.stringify(username)}`);
    if (role === null) {
      delete o.members[username];
      return;
    }
    if (!ROLES.includes(role)) throw new TypeError(`role must be one of ${ROLES.join(', ')} or null`);
    o.members[username] = role;
  }

  /**
   * Adds `count` organization-scoped (or, with `group`, group-scoped) tokens named `<prefix>-<n>`
   * (n from 1) owned by `owner`, without signing their values. Returns their ids in order.
   */
  addOrgTokens(opts: { organization: string; count: number; owner?: string; prefix?: string; group?: string; scopes?: string[]; created_at?: string }): string[] {
    const owner = opts.owner ?? DEMO_USERNAME;
    const prefix = opts.prefix ?? 'bulk';
    const o = Object.prototype.hasOwnProperty.call(this.orgs, opts.organization) ? this.orgs[opts.organization] : undefined;
    if (!o) throw new TypeError(`unknown organization ${JSON.stringify(opts.organization)}`);
    if (!Object.prototype.hasOwnProperty.call(this.users, owner)) throw new TypeError(`unknown user ${JSON.stringify(owner)}`);
    if (!Number.isInteger(opts.count) || opts.count < 1 || opts.count > MAX_BULK_TOKENS) {
      throw new TypeError(`count must be an integer from 1 to ${MAX_BULK_TOKENS}`);
    }
    if (typeof prefix !== 'string' || !prefix) throw new TypeError('prefix must be a non-empty string');
    const g = opts.group === undefined ? undefined : o.groups.find((x) => x.name === opts.group);
    if (opts.group !== undefined && !g) throw new TypeError(`organization ${o.slug} has no group ${JSON.stringify(opts.group)}`);
    const names = new Set<string>();
    for (const t of this.tokens.values()) if (t.owner === owner) names.add(t.name);
    const records: ApiTokenRecord[] = [];
    for (let i = 1; i <= opts.count; i++) {
      const name = `${prefix}-${i}`;
      if (names.has(name)) throw new TypeError(`${owner} already has a token named ${JSON.stringify(name)}`);
      const rec: ApiTokenRecord = { id: newTokenId(), name, owner, organization: o.slug, created_at: opts.created_at ?? todayUtc() };
      if (g) {
        rec.group = g.name;
        rec.groupUuid = g.uuid;
        rec.scopes = [...(opts.scopes ?? ['read'])];
      }
      records.push(rec);
    }
    for (const rec of records) this.tokens.set(rec.id, rec);
    return records.map((r) => r.id);
  }

  /** Resolves `Authorization` to a principal, or the 401 error a real server would give. */
  authenticate(authorization: string | undefined, now = Date.now()): AuthResult {
    const fail = (error: string): AuthResult => ({ ok: false, status: 401, error });
    if (!authorization || !authorization.trim()) return fail('missing bearer token in Authorization header');
    const m = /^Bearer(?:\s+(.*))?$/i.exec(authorization.trim());
    if (!m) return fail('Authorization header must use the Bearer scheme');
    const token = (m[1] ?? '').trim();
    if (!token) return fail('missing bearer token in Authorization header');
    const check = this.signer.verify(token);
    if (!check.ok) return fail(check.error);
    const { jti } = check.claims;
    const apiToken = this.tokens.get(jti);
    if (apiToken) {
      const user = this.users[apiToken.owner];
      if (!user) return fail('token is invalid');
      return { ok: true, principal: { kind: 'api', user, token: apiToken } };
    }
    if (this.revoked.has(jti)) return fail('token has been revoked');
    const session = this.sessions.get(jti);
    if (session) {
      const user = this.users[session.username];
      if (!user) return fail('token is invalid: user does not exist');
      if (session.exp * 1000 <= now) return fail('token is expired');
      const cutoff = this.invalidatedThrough[session.username];
      if (cutoff !== undefined && session.seq <= cutoff) return fail('session has been invalidated, please log in again');
      return { ok: true, principal: { kind: 'login', user, session } };
    }
    return fail('token is invalid');
  }

  /** The org the user belongs to, by slug, with the user's role; undefined if unknown or not a member. */
  membership(username: string, slug: string): { org: Org; role: Role } | undefined {
    const o = Object.prototype.hasOwnProperty.call(this.orgs, slug) ? this.orgs[slug] : undefined;
    const role = o && Object.prototype.hasOwnProperty.call(o.members, username) ? o.members[username] : undefined;
    return o && role ? { org: o, role } : undefined;
  }

  orgsOf(username: string): Org[] {
    return Object.values(this.orgs).filter((o) => Object.prototype.hasOwnProperty.call(o.members, username));
  }
}
