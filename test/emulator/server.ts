// A local emulator of the Turso Platform API (the parts the extension uses), with fault injection,
// latency and a request log, controllable in-process or over HTTP under /__emulator/.
// Contract: docs in /work/shared/reference/turso-api.md §2, §4.3, §8 and the OpenAPI spec in test/fixtures/.
import * as http from 'node:http';
import { EmulatorPlumbing, readBody, splitUrl } from '../emulator-kit/plumbing';
import { handle, wrongShapeBody } from './api';
import { serveLibsql } from './databases';
import { isRouteId, matchRoute, RouteDef, RouteId } from './routes';
import { AuthResult, Role, Store } from './store';

export interface EmulatorOptions {
  host?: string /* default 127.0.0.1 */;
  port?: number /* default 0 = free port */;
  latencyMs?: number /* per request, default 0 */;
  log?: (line: string) => void /* never logs token values */;
}
export type FaultKind = 'status' | 'timeout' | 'malformed' | 'wrong-shape' | 'huge' | 'reset' | 'delay';
export interface Fault {
  method?: string; // e.g. 'GET'; default: any
  path?: string; // exact path ('/v1/auth/api-tokens') or prefix ending in '*' ('/v1/auth/api-tokens/*'); default: any API route
  kind: FaultKind;
  status?: number;
  error?: string;
  headers?: Record<string, string> /* e.g. {'Retry-After': '2'} */;
  delayMs?: number;
  times?: number; // how many matching requests it affects; default unlimited
}
export interface RecordedRequest {
  method: string;
  path: string /* raw, as received, percent-encoding preserved */;
  query: string;
  authorized: boolean /* had a valid bearer */;
  /** Whose valid bearer it was (never the bearer itself). */
  username?: string;
  /** A libSQL request: the database's hostname (its `Host` header); `authorized` then says whether its token opened it. */
  host?: string;
  userAgent?: string;
  body?: unknown;
  status: number;
  at: number;
  /** Milliseconds from arrival until the answer was sent (for 'timeout' and 'reset' faults: until given up on). */
  ms: number;
}
export interface TursoEmulator {
  readonly url: string;
  readonly demoToken: string;
  readonly demoApiToken: string;
  /** The second seeded user's (`alice`) 7-day login token and unrestricted API token (`alice-cli`). */
  readonly aliceToken: string;
  readonly aliceApiToken: string;
  readonly requests: RecordedRequest[];
  /** API requests received so far, counted on arrival (before latency and faults); `requests` records them once answered. */
  readonly arrived: number;
  injectFault(f: Fault): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  mintLoginToken(opts?: { expiresInSeconds?: number; username?: string }): string;
  /** Whom the browser sign-in pages (Authorize button, `?redirect=false`) sign in; default demo, reset() restores it. */
  setBrowserUser(username: string): void;
  /** Test fixtures beyond the seed (e.g. hostile display names, legacy token names); undone by reset(). */
  patchUser(username: string, fields: { name?: string; email?: string; plan?: string }): void;
  patchOrg(slug: string, fields: { name?: string }): void;
  addGroup(organization: string, name: string): void;
  /** An API token of any name (the API's name rule is skipped); returns its id and value. */
  addApiToken(opts: { name: string; owner?: string; organization?: string; group?: string; scopes?: string[]; created_at?: string }): { id: string; token: string };
  /** A user's role in an organization (added as a member if needed); `null` removes the membership. */
  setMemberRole(organization: string, username: string, role: Role | null): void;
  /** `count` org-scoped (or group-scoped) tokens `<prefix>-1…` owned by `owner` (default demo); their ids. */
  addOrgTokens(opts: { organization: string; count: number; owner?: string; prefix?: string; group?: string; scopes?: string[]; created_at?: string }): string[];
  /**
   * `count` databases `<prefix>-1…` (prefix default `db`) in an organization, in `group` if given (else
   * each without a group, with its own key); their names. Hostnames `<name>-<org>.turso.io`.
   */
  addDatabases(opts: { organization: string; count: number; prefix?: string; group?: string }): string[];
  /** Whose key signs a database's (or group's) tokens, and its generation: 1, plus one per `…/auth/rotate`. */
  keyGeneration(organization: string, target: { database?: string; group?: string }): { key: 'group' | 'database'; name: string; generation: number };
  /** Makes a route answer 404 `{"error":"not found"}` as on a server without it (or brings it back). */
  setRouteEnabled(id: RouteId, enabled: boolean): void;
  reset(): void;
  close(): Promise<void>;
}

const FAULT_KINDS: readonly FaultKind[] = ['status', 'timeout', 'malformed', 'wrong-shape', 'huge', 'reset', 'delay'];
const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_FAULT_DELAY_MS = 1000;
const ADMIN_PREFIX = '/__emulator';

/** Checks and normalizes a fault description (from code or from JSON). Throws TypeError when invalid. */
function validateFault(input: unknown): Fault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('fault must be an object');
  const f = input as Record<string, unknown>;
  if (typeof f.kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(f.kind)) {
    throw new TypeError(`fault.kind must be one of ${FAULT_KINDS.join(', ')}`);
  }
  const out: Fault = { kind: f.kind as FaultKind };
  if (f.method !== undefined) {
    if (typeof f.method !== 'string' || !f.method) throw new TypeError('fault.method must be a non-empty string');
    out.method = f.method.toUpperCase();
  }
  if (f.path !== undefined) {
    if (typeof f.path !== 'string' || !f.path.startsWith('/')) throw new TypeError('fault.path must be a string starting with "/"');
    out.path = f.path;
  }
  if (f.status !== undefined) {
    if (!Number.isInteger(f.status) || (f.status as number) < 100 || (f.status as number) > 599) {
      throw new TypeError('fault.status must be an integer HTTP status');
    }
    out.status = f.status as number;
  }
  if (f.error !== undefined) {
    if (typeof f.error !== 'string') throw new TypeError('fault.error must be a string');
    out.error = f.error;
  }
  if (f.headers !== undefined) {
    if (typeof f.headers !== 'object' || f.headers === null || Array.isArray(f.headers)
      || !Object.values(f.headers).every((v) => typeof v === 'string')) {
      throw new TypeError('fault.headers must map header names to strings');
    }
    out.headers = { ...(f.headers as Record<string, string>) };
  }
  if (f.delayMs !== undefined) {
    if (typeof f.delayMs !== 'number' || !Number.isFinite(f.delayMs) || f.delayMs < 0) throw new TypeError('fault.delayMs must be a number >= 0');
    out.delayMs = f.delayMs;
  }
  if (f.times !== undefined) {
    if (!Number.isInteger(f.times) || (f.times as number) < 1) throw new TypeError('fault.times must be an integer >= 1');
    out.times = f.times as number;
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

let hugeBody: Buffer | undefined;
/** ~10 MB of valid JSON shaped like a token list (fault kind 'huge'). */
function getHugeBody(): Buffer {
  if (!hugeBody) {
    const items: string[] = [];
    let size = 0;
    for (let i = 0; size < 10 * 1024 * 1024; i++) {
      const item = JSON.stringify({ name: `token-${i}`, id: `huge${String(i).padStart(18, '0')}`, created_at: '2026-01-01' });
      items.push(item);
      size += item.length + 1;
    }
    hugeBody = Buffer.from(`{"tokens":[${items.join(',')}]}`);
  }
  return hugeBody;
}

const MALFORMED_BODY = '{"tokens":[{"name":"ci-bot","id":"clGFZ4STEe6f';

class Emulator implements TursoEmulator {
  readonly store = new Store();
  private readonly plumbing: EmulatorPlumbing<Fault>;
  private readonly disabledRoutes = new Set<RouteId>();
  private readonly log: (line: string) => void;
  private readonly recorded: RecordedRequest[] = [];
  private arrivals = 0;

  constructor(opts: EmulatorOptions) {
    this.log = opts.log ?? (() => undefined);
    this.plumbing = new EmulatorPlumbing(opts, (req, res) => this.onRequest(req, res), (text, res) => {
      this.log(`emulator error: ${text}`);
      if (res) this.sendJson(res, 500, { error: 'internal emulator error' });
    });
  }

  get url(): string {
    return this.plumbing.url;
  }

  get demoToken(): string {
    return this.store.demoToken;
  }

  get demoApiToken(): string {
    return this.store.demoApiToken;
  }

  get aliceToken(): string {
    return this.store.aliceToken;
  }

  get aliceApiToken(): string {
    return this.store.aliceApiToken;
  }

  get requests(): RecordedRequest[] {
    return this.recorded;
  }

  get arrived(): number {
    return this.arrivals;
  }

  listen(): Promise<void> {
    return this.plumbing.listen();
  }

  injectFault(f: Fault): void {
    this.plumbing.addFault(validateFault(f));
  }

  clearFaults(): void {
    this.plumbing.clearFaults();
  }

  setLatency(ms: number): void {
    this.plumbing.setLatency(ms);
  }

  mintLoginToken(opts?: { expiresInSeconds?: number; username?: string }): string {
    return this.store.mintLoginToken(opts ?? {});
  }

  setBrowserUser(username: string): void {
    this.store.setBrowserUser(username);
  }

  patchUser(username: string, fields: { name?: string; email?: string; plan?: string }): void {
    this.store.patchUser(username, fields);
  }

  patchOrg(slug: string, fields: { name?: string }): void {
    this.store.patchOrg(slug, fields);
  }

  addGroup(organization: string, name: string): void {
    this.store.addGroup(organization, name);
  }

  addApiToken(opts: { name: string; owner?: string; organization?: string; group?: string; scopes?: string[]; created_at?: string }): { id: string; token: string } {
    return this.store.addApiToken(opts);
  }

  setMemberRole(organization: string, username: string, role: Role | null): void {
    this.store.setMemberRole(organization, username, role);
  }

  addOrgTokens(opts: { organization: string; count: number; owner?: string; prefix?: string; group?: string; scopes?: string[]; created_at?: string }): string[] {
    return this.store.addOrgTokens(opts);
  }

  addDatabases(opts: { organization: string; count: number; prefix?: string; group?: string }): string[] {
    return this.store.addDatabases(opts);
  }

  keyGeneration(organization: string, target: { database?: string; group?: string }): { key: 'group' | 'database'; name: string; generation: number } {
    return this.store.keyGeneration(organization, target);
  }

  setRouteEnabled(id: RouteId, enabled: boolean): void {
    if (!isRouteId(id)) throw new TypeError(`unknown route id ${JSON.stringify(id)}`);
    if (typeof enabled !== 'boolean') throw new TypeError('enabled must be a boolean');
    if (enabled) this.disabledRoutes.delete(id);
    else this.disabledRoutes.add(id);
  }

  reset(): void {
    this.store.reset();
    this.disabledRoutes.clear();
    this.plumbing.reset();
    this.recorded.length = 0;
  }

  close(): Promise<void> {
    return this.plumbing.close();
  }

  private sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.sendRaw(res, status, 'application/json', Buffer.from(JSON.stringify(body)), headers);
  }

  private sendRaw(res: http.ServerResponse, status: number, contentType: string, body: Buffer, headers: Record<string, string> = {}): void {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(body.length), ...headers });
    res.end(body);
  }

  private takeFault(method: string, rawPath: string, route: RouteDef | undefined): Fault | undefined {
    const isApi = route ? route.api : /^\/v\d+\//.test(rawPath);
    const decoded = safeDecode(rawPath);
    return this.plumbing.takeFault((fault) => {
      if (fault.method && fault.method !== method) return false;
      if (fault.path === undefined) return isApi;
      if (fault.path.endsWith('*')) {
        const prefix = fault.path.slice(0, -1);
        return rawPath.startsWith(prefix) || decoded.startsWith(prefix);
      }
      return fault.path === rawPath || fault.path === decoded;
    });
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const { rawPath, query } = splitUrl(req.url);
    if (rawPath === ADMIN_PREFIX || rawPath.startsWith(`${ADMIN_PREFIX}/`)) {
      await this.onAdmin(req, res, method, rawPath, new URLSearchParams(query));
      return;
    }
    this.arrivals++;
    const { text, tooLarge } = await readBody(req, MAX_BODY_BYTES);
    // A database's hostname in `Host`: its libSQL endpoint, not the Platform API.
    const database = this.store.databaseByHost(req.headers.host);
    const match = database ? { kind: 'not-found' as const } : matchRoute(method, rawPath, this.disabledRoutes);
    const route = match.kind === 'found' ? match.route : undefined;
    const ua = req.headers['user-agent'];

    await this.plumbing.sleep(this.plumbing.latencyMs);
    if (this.plumbing.closed) return;

    const authHeader = req.headers.authorization;
    const auth: AuthResult | undefined = !database && (authHeader !== undefined || route?.auth) ? this.store.authenticate(authHeader) : undefined;
    const rec: RecordedRequest = { method, path: rawPath, query, authorized: auth?.ok === true, status: 0, at, ms: 0 };
    if (auth?.ok) rec.username = auth.principal.user.username;
    if (database) rec.host = database.hostname;
    if (ua !== undefined) rec.userAgent = ua;
    if (text) {
      try {
        rec.body = JSON.parse(text);
      } catch {
        rec.body = text;
      }
    }
    const finish = (status: number, note = ''): void => {
      rec.status = status;
      rec.ms = Date.now() - at;
      this.recorded.push(rec);
      this.log(`${method} ${rawPath} ${status ? String(status) : '-'}${note} ${Date.now() - at}ms`);
    };

    const fault = this.takeFault(method, rawPath, route);
    if (fault) {
      const headers = fault.headers ?? {};
      const note = ` [fault: ${fault.kind}]`;
      switch (fault.kind) {
        case 'status': {
          const status = fault.status ?? 500;
          const error = fault.error ?? (http.STATUS_CODES[status] ?? 'error').toLowerCase();
          this.sendJson(res, status, { error }, headers);
          finish(status, note);
          return;
        }
        case 'timeout': {
          this.plumbing.hold(req.socket, () => {
            rec.ms = Date.now() - at;
          });
          finish(0, note);
          return;
        }
        case 'malformed':
          this.sendRaw(res, 200, 'application/json', Buffer.from(MALFORMED_BODY), headers);
          finish(200, note);
          return;
        case 'wrong-shape':
          this.sendJson(res, 200, wrongShapeBody(route), headers);
          finish(200, note);
          return;
        case 'huge':
          this.sendRaw(res, 200, 'application/json', getHugeBody(), headers);
          finish(200, note);
          return;
        case 'reset':
          req.socket.resetAndDestroy();
          finish(0, note);
          return;
        case 'delay':
          await this.plumbing.sleep(fault.delayMs ?? DEFAULT_FAULT_DELAY_MS);
          if (this.plumbing.closed) return;
          break;
      }
    }
    const extraHeaders = fault?.headers ?? {};
    const note = fault ? ` [fault: ${fault.kind}]` : '';

    if (tooLarge) {
      this.sendJson(res, 413, { error: 'request body too large' }, extraHeaders);
      finish(413, note);
      return;
    }
    if (database) {
      const out = serveLibsql(this.store, database, { method, path: rawPath, authorization: authHeader, body: text, now: Date.now() });
      rec.authorized = out.authorized;
      if (out.text !== undefined) this.sendRaw(res, out.status, 'text/plain; charset=utf-8', Buffer.from(out.text), extraHeaders);
      else this.sendJson(res, out.status, out.body, extraHeaders);
      finish(out.status, note);
      return;
    }
    if (match.kind === 'not-found') {
      this.sendJson(res, 404, { error: 'not found' }, extraHeaders);
      finish(404, note);
      return;
    }
    if (match.kind === 'method-not-allowed') {
      this.sendJson(res, 405, { error: 'method not allowed' }, { Allow: match.allow.join(', '), ...extraHeaders });
      finish(405, note);
      return;
    }
    // Handlers see the same authentication result as was recorded (pages ignore it).
    const out = handle(this.store, {
      route: match.route,
      params: match.params,
      undecodable: match.undecodable,
      query: new URLSearchParams(query),
      body: text,
      baseUrl: this.url,
      auth: match.route.auth ? auth : undefined,
      now: Date.now(),
    });
    const headers = { ...(out.headers ?? {}), ...extraHeaders };
    if (out.raw) this.sendRaw(res, out.status, out.raw.contentType, Buffer.from(out.raw.text), headers);
    else this.sendJson(res, out.status, out.body, headers);
    finish(out.status, note);
  }

  private async onAdmin(req: http.IncomingMessage, res: http.ServerResponse, method: string, rawPath: string, query: URLSearchParams): Promise<void> {
    const { text, tooLarge } = await readBody(req, MAX_BODY_BYTES);
    if (tooLarge) return this.sendJson(res, 413, { error: 'request body too large' });
    let body: unknown = undefined;
    if (text.trim()) {
      try {
        body = JSON.parse(text);
      } catch {
        return this.sendJson(res, 400, { error: 'invalid JSON body' });
      }
    }
    const sub = rawPath.slice(ADMIN_PREFIX.length);
    const routes: Record<string, Partial<Record<string, () => void>>> = {
      '/info': {
        GET: () => this.sendJson(res, 200, this.info()),
      },
      '/browser-user': {
        // {username}: whom the browser sign-in pages sign in (default demo)
        GET: () => this.sendJson(res, 200, { username: this.store.browserUser }),
        POST: () => this.adminFixture(res, body, (o) => {
          if (typeof o.username !== 'string') throw new TypeError('username must be a string');
          this.setBrowserUser(o.username);
          return { ok: true };
        }),
      },
      '/faults': {
        GET: () => this.sendJson(res, 200, this.plumbing.activeFaults().map((a) => ({ ...a.fault, ...(Number.isFinite(a.remaining) ? { times: a.remaining } : {}) }))),
        POST: () => {
          try {
            this.injectFault(body as Fault);
          } catch (e) {
            return this.sendJson(res, 400, { error: (e as Error).message });
          }
          this.sendJson(res, 200, { ok: true });
        },
        DELETE: () => {
          this.clearFaults();
          this.sendJson(res, 200, { ok: true });
        },
      },
      '/latency': {
        POST: () => {
          const ms = (body as { ms?: unknown } | undefined)?.ms;
          if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return this.sendJson(res, 400, { error: 'body must be {"ms": number >= 0}' });
          this.setLatency(ms);
          this.sendJson(res, 200, { ok: true, ms });
        },
      },
      '/reset': {
        POST: () => {
          this.reset();
          this.sendJson(res, 200, { ok: true });
        },
      },
      '/issued': {
        // every value the emulator signed (for the e2e leak search), and those its sign-in pages handed to the browser
        GET: () => this.sendJson(res, 200, { values: this.store.issued, toBrowser: this.store.toBrowser }),
      },
      '/requests': {
        GET: () => this.sendJson(res, 200, this.recorded),
        DELETE: () => {
          this.recorded.length = 0;
          this.sendJson(res, 200, { ok: true });
        },
      },
      '/user': {
        // {username, name?, email?, plan?}: display fields of a user (e.g. hostile strings)
        POST: () => this.adminFixture(res, body, (o) => {
          if (typeof o.username !== 'string') throw new TypeError('username must be a string');
          this.patchUser(o.username, { name: o.name as string | undefined, email: o.email as string | undefined, plan: o.plan as string | undefined });
          return { ok: true };
        }),
      },
      '/org': {
        // {slug, name}: an organization's display name
        POST: () => this.adminFixture(res, body, (o) => {
          if (typeof o.slug !== 'string') throw new TypeError('slug must be a string');
          this.patchOrg(o.slug, { name: o.name as string | undefined });
          return { ok: true };
        }),
      },
      '/group': {
        // {organization, name}: a group of any name
        POST: () => this.adminFixture(res, body, (o) => {
          if (typeof o.organization !== 'string' || typeof o.name !== 'string') throw new TypeError('organization and name must be strings');
          this.addGroup(o.organization, o.name);
          return { ok: true };
        }),
      },
      '/api-token': {
        // {name, owner?, organization?, group?, scopes?, created_at?} -> {id, token}: a token of any name
        POST: () => this.adminFixture(res, body, (o) => {
          if (o.scopes !== undefined && (!Array.isArray(o.scopes) || !o.scopes.every((x) => typeof x === 'string'))) {
            throw new TypeError('scopes must be an array of strings');
          }
          for (const k of ['name', 'owner', 'organization', 'group', 'created_at']) {
            if (o[k] !== undefined && typeof o[k] !== 'string') throw new TypeError(`${k} must be a string`);
          }
          return this.addApiToken(o as unknown as Parameters<Emulator['addApiToken']>[0]);
        }),
      },
      '/member': {
        // {organization, username, role}: role owner | admin | member | viewer, or null to remove the membership
        POST: () => this.adminFixture(res, body, (o) => {
          if (typeof o.organization !== 'string' || typeof o.username !== 'string') throw new TypeError('organization and username must be strings');
          if (o.role !== null && typeof o.role !== 'string') throw new TypeError('role must be a string or null');
          this.setMemberRole(o.organization, o.username, o.role as Role | null);
          return { ok: true };
        }),
      },
      '/org-tokens': {
        // {organization, count, owner?, prefix?, group?, scopes?, created_at?} -> {ids}: many tokens at once
        POST: () => this.adminFixture(res, body, (o) => {
          if (typeof o.organization !== 'string') throw new TypeError('organization must be a string');
          if (typeof o.count !== 'number') throw new TypeError('count must be a number');
          for (const k of ['owner', 'prefix', 'group', 'created_at']) {
            if (o[k] !== undefined && typeof o[k] !== 'string') throw new TypeError(`${k} must be a string`);
          }
          if (o.scopes !== undefined && (!Array.isArray(o.scopes) || !o.scopes.every((x) => typeof x === 'string'))) {
            throw new TypeError('scopes must be an array of strings');
          }
          return { ids: this.addOrgTokens(o as unknown as Parameters<Emulator['addOrgTokens']>[0]) };
        }),
      },
      '/databases': {
        // {organization, count, prefix?, group?} -> {names}: many databases at once (benches)
        POST: () => this.adminFixture(res, body, (o) => {
          if (typeof o.organization !== 'string') throw new TypeError('organization must be a string');
          if (typeof o.count !== 'number') throw new TypeError('count must be a number');
          for (const k of ['prefix', 'group']) {
            if (o[k] !== undefined && typeof o[k] !== 'string') throw new TypeError(`${k} must be a string`);
          }
          return { names: this.addDatabases(o as unknown as Parameters<Emulator['addDatabases']>[0]) };
        }),
      },
      '/key-generation': {
        // ?organization=&database= or ?organization=&group= -> {key, name, generation}
        GET: () => this.adminFixture(res, Object.fromEntries(query), (o) => {
          if (typeof o.organization !== 'string') throw new TypeError('organization must be a string');
          for (const k of ['database', 'group']) {
            if (o[k] !== undefined && typeof o[k] !== 'string') throw new TypeError(`${k} must be a string`);
          }
          return this.keyGeneration(o.organization, { database: o.database as string | undefined, group: o.group as string | undefined });
        }),
      },
      '/routes': {
        // {id, enabled}: take a route away (404, as on a server without it) or bring it back
        GET: () => this.sendJson(res, 200, { disabled: [...this.disabledRoutes] }),
        POST: () => this.adminFixture(res, body, (o) => {
          this.setRouteEnabled(o.id as RouteId, o.enabled as boolean);
          return { ok: true };
        }),
      },
      '/login-token': {
        POST: () => {
          const o = (body ?? {}) as { expiresInSeconds?: unknown; username?: unknown };
          if (typeof o !== 'object' || Array.isArray(o)) return this.sendJson(res, 400, { error: 'body must be a JSON object' });
          if (o.expiresInSeconds !== undefined && typeof o.expiresInSeconds !== 'number') {
            return this.sendJson(res, 400, { error: 'expiresInSeconds must be a number' });
          }
          if (o.username !== undefined && typeof o.username !== 'string') return this.sendJson(res, 400, { error: 'username must be a string' });
          try {
            const token = this.mintLoginToken({ expiresInSeconds: o.expiresInSeconds, username: o.username });
            this.sendJson(res, 200, { token });
          } catch (e) {
            this.sendJson(res, 400, { error: (e as Error).message });
          }
        },
      },
    };
    const entry = Object.prototype.hasOwnProperty.call(routes, sub) ? routes[sub] : undefined;
    if (!entry) return this.sendJson(res, 404, { error: 'not found' });
    const fn = entry[method];
    if (!fn) return this.sendJson(res, 405, { error: 'method not allowed' }, { Allow: Object.keys(entry).join(', ') });
    fn();
  }

  /** What `/__emulator/info` and the CLI's info file tell: the URL and the seeded users' credentials. */
  info(): { url: string; demoToken: string; demoApiToken: string; aliceToken: string; aliceApiToken: string } {
    return { url: this.url, demoToken: this.demoToken, demoApiToken: this.demoApiToken, aliceToken: this.aliceToken, aliceApiToken: this.aliceApiToken };
  }

  /** Runs a fixture call with a JSON object body: 200 with its result, 400 with the reason. */
  private adminFixture(res: http.ServerResponse, body: unknown, fn: (o: Record<string, unknown>) => unknown): void {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return this.sendJson(res, 400, { error: 'body must be a JSON object' });
    let out: unknown;
    try {
      out = fn(body as Record<string, unknown>);
    } catch (e) {
      return this.sendJson(res, 400, { error: (e as Error).message });
    }
    this.sendJson(res, 200, out);
  }
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<TursoEmulator> {
  const emulator = new Emulator(opts);
  await emulator.listen();
  return emulator;
}
